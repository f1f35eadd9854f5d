"""Guarantee modes (rescue, bank choice, batch), risk sharing, suspension and fee subsidy."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model.banks import build_lenders
from sim.model.codes import Outcome
from sim.model.engine import simulate
from sim.model.instruments import GuaranteeInstrument
from sim.model.instruments.guarantee import batch_lenders
from sim.results import build_result
from sim.scenario import ScenarioError

from .conftest import small_scenario

# a shorter year keeps these runs fast; the guarantee still writes hundreds of loans
FAST = [
    "population.firms_n=2000",
    "horizon.days=240",
    "awards.round_days=[200]",
    "guarantee.batch_max_pd_annual=1.0",  # the field's default: no screen on batches
]


def _model(*extra: str, seed: int = 3):
    return simulate(small_scenario(*FAST, *extra), np.random.SeedSequence(seed))


def _fund(model) -> GuaranteeInstrument:
    """The run's guarantee fund."""
    return model.instrument(GuaranteeInstrument)


def _approved(model) -> np.ndarray:
    a = model.apps.view()
    return a["outcome"] == Outcome.APPROVED


@pytest.fixture(scope="module")
def modes():
    return {m: _model(f"guarantee.mode={m}") for m in ("rescue", "bank_choice", "batch")}


def test_batch_raises_approvals_of_asset_light_firms(modes):
    """Batch lenders approve on their own rule with cover and file afterwards: the fund's
    one-by-one PD screen no longer turns away asset-light firms the bank would refuse."""

    def light_approved(m) -> int:
        a = m.apps.view()
        light = m.firms.collateral_ratio[a["firm"]] < 0.2
        return int((_approved(m) & light).sum())

    assert light_approved(modes["batch"]) > light_approved(modes["rescue"])
    # and the batch guarantees loans the lender would have made anyway; rescue never does
    assert _fund(modes["batch"]).approvable_n > 0
    assert _fund(modes["rescue"]).approvable_n == 0


def test_bank_choice_guarantees_fewer_loans_than_batch_but_some(modes):
    def guaranteed_n(m) -> int:
        a = m.apps.view()
        return int((_approved(m) & (a["guarantee"] > 0)).sum())

    rescue, choice, batch = (guaranteed_n(modes[k]) for k in ("rescue", "bank_choice", "batch"))
    assert 0 < choice < batch
    # the bank routes some loans it would make anyway (cover worth more than the fee)
    assert _fund(modes["bank_choice"]).approvable_n > 0
    assert choice > rescue


def test_proportional_sharing_leaves_the_bank_a_loss_on_collateralised_loans():
    m = _model("guarantee.risk_sharing=proportional")
    gi = _fund(m)
    pd, lgd, coll, share = (np.array([x]) for x in (0.05, 0.45, 0.3, 0.8))
    proportional = gi.bank_loss(pd, lgd, coll, share)[0]
    assert proportional == pytest.approx(0.05 * 0.45 * 0.7 * 0.2)
    gi.proportional = False
    assert gi.bank_loss(pd, lgd, coll, share)[0] == 0.0  # first loss: nothing left


def test_proportional_claim_is_coverage_lgd_uncollateralised_loan():
    m = _model("guarantee.risk_sharing=proportional", "guarantee.mode=batch", "horizon.days=730")
    a = m.apps.view()
    paid = _approved(m) & a["defaulted"] & (a["claim"] > 0)
    full = paid & np.isclose(a["guarantee"], 0.8 * a["amount"])  # not cut by the firm cap
    assert full.sum() >= 3
    lgd = m.lenders.lgd[a["bank"][full]]
    coll = m.firms.collateral_ratio[a["firm"][full]]
    want = 0.8 * lgd * np.clip(1 - coll, 0, 1) * a["amount"][full]
    np.testing.assert_allclose(a["claim"][full], want, rtol=1e-12)
    assert (coll > 0).any()  # so the collateral really lowered the claim
    # first-loss claims on the same terms ignore collateral
    m0 = _model("horizon.days=365")
    a0 = m0.apps.view()
    d0 = _approved(m0) & a0["defaulted"] & (a0["claim"] > 0)
    np.testing.assert_allclose(
        a0["claim"][d0], a0["guarantee"][d0] * m0.lenders.lgd[a0["bank"][d0]], rtol=1e-12
    )


def test_suspension_stops_guarantees_after_the_claim_rate_passes():
    over = ["guarantee.mode=batch", "horizon.days=365"]
    free = _model(*over)
    m = _model(*over, "guarantee.suspend_claim_rate=0.002")
    gi = _fund(m)
    suspended = (gi.suspended_day >= 0).nonzero()[0]
    assert suspended.size > 0
    assert (_fund(free).suspended_day == -1).all()
    a, af = m.apps.view(), free.apps.view()
    for lender in suspended:
        day = gi.suspended_day[lender]
        assert gi.claims_by_lender[lender] > 0.002 * gi.written_by_lender[lender] * 0.999
        later = (a["bank"] == lender) & (a["decision_day"] > day) & _approved(m)
        assert (a["guarantee"][later] == 0).all()
    # without suspension those lenders went on writing guarantees after those days
    lender = suspended[np.argmin(gi.suspended_day[suspended])]
    later_free = (af["bank"] == lender) & (af["decision_day"] > gi.suspended_day[lender])
    assert (af["guarantee"][later_free & _approved(free)] > 0).any()
    s = build_result(m).summary_dict()
    assert s["guarantee_lenders_suspended_n"] == suspended.size
    assert s["guarantee_first_suspension_day"] == gi.suspended_day[suspended].min()
    q = build_result(m).quotas.set_index("account")["guarantee_suspended_day"]
    assert q[f"quota:{m.lenders.names[lender]}"] == gi.suspended_day[lender]


def test_fee_subsidy_moves_the_fee_from_firm_to_budget():
    base = build_result(_model()).summary_dict()
    sub = build_result(_model("guarantee.fee_subsidy_share=0.5")).summary_dict()
    assert sub["guaranteed_amount"] == base["guaranteed_amount"]  # same loans
    moved = sub["guarantee_fee_subsidy_amount"]
    assert moved == pytest.approx(base["guaranteed_amount"] * 0.0065 * 0.5, rel=1e-9)
    gained = sub["guarantee_fee_savings_amount"] - base["guarantee_fee_savings_amount"]
    assert gained == pytest.approx(moved, rel=1e-9)
    assert sub["fiscal_cost_amount"] - base["fiscal_cost_amount"] == pytest.approx(moved, rel=1e-6)
    assert "guarantee_fee_subsidy_amount" not in base  # today's summary keys unchanged


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ("guarantee.mode=always", "guarantee.mode"),
        ("guarantee.risk_sharing=half", "guarantee.risk_sharing"),
        ("guarantee.batch_lenders=[no_such_bank]", "guarantee.batch_lenders.0"),
        ("guarantee.suspend_claim_rate=1.5", "guarantee.suspend_claim_rate"),
        ("guarantee.fee_subsidy_share=-0.1", "guarantee.fee_subsidy_share"),
    ],
)
def test_bad_guarantee_options_name_the_field(override, field):
    with pytest.raises(ScenarioError) as err:
        small_scenario(override)
    assert field in err.value.fields


def test_batch_lenders_by_name_and_group():
    sc = small_scenario("guarantee.mode=batch", "guarantee.batch_lenders=[other_bank]")
    names = build_lenders(sc).names
    inside = batch_lenders(["other_bank"], sc, names)
    assert inside.sum() == sc.banks.group.n
    assert all(n.startswith("other_bank_") for n, k in zip(names, inside, strict=True) if k)
    first = sc.banks.lenders[0].name
    assert batch_lenders([first], sc, names).tolist() == [n == first for n in names]


def test_a_full_batch_fund_never_costs_a_loan_the_bank_would_make():
    """When the capacity cannot take a batch loan's guarantee, the lender lends without
    cover (it would have anyway) instead of refusing it: a small fund only adds loans."""
    small_fund = ["guarantee.capital=20m", "guarantee.mode=batch"]
    with_fund = _model(*small_fund)
    assert with_fund.ledger.closed[_fund(with_fund).capacity_id]  # it did fill up
    without = _model("guarantee=null")
    assert _approved(with_fund).sum() >= _approved(without).sum()
