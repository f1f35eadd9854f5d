"""Account kinds in runs: a target never refuses and reports the day it is reached and the
overshoot; a revolving account refills when loans end; partial grants lend exactly what
remains; the summary, the report and bad input say which kind an account is."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from sim.errors import ScenarioError
from sim.reporting.run_accounts import pool_title
from sim.reporting.run_report import cover_rows

from .conftest import BASELINE, small_scenario

# a pool small enough to run out within the small baseline's year
TIGHT = ("loan_pool.credit_sub_quota=null", "loan_pool.total=3bn")


def _run(*extra: str) -> sim.RunResult:
    return sim.run(small_scenario(*TIGHT, *extra), seed=1)


@pytest.fixture(scope="module")
def hard() -> sim.RunResult:
    return _run("loan_pool.kind=hard")


@pytest.fixture(scope="module")
def target() -> sim.RunResult:
    return _run("loan_pool.kind=target")


def test_a_target_pool_never_refuses_and_reports_its_day_and_overshoot(hard, target):
    h, t = hard.summary_values, target.summary_values
    # the hard pool refuses and its lenders' quotas are exhausted; the target never refuses
    assert h["refused_quota_n"] > 0 and h["bank_quotas_exhausted_n"] > 0
    assert t["refused_quota_n"] == 0
    assert (target.applications["outcome"] != "refused_quota").all()
    # "exhausted" is never said of a target: it is reached, and lending goes beyond it
    assert t["pool_exhausted_day"] is None and t["bank_quotas_exhausted_n"] == 0
    assert t["first_bank_quota_exhausted_day"] is None
    assert t["pool_kind"] == "target" and t["bank_quota_kind"] == "target"
    assert t["disbursed_amount"] > 3e9 >= h["disbursed_amount"]
    assert t["pool_overshoot_amount"] == pytest.approx(t["disbursed_amount"] - 3e9, rel=1e-9)
    # the day the loans granted first reached the total: the cumulative disbursed crosses 3 bn
    cum = target.timeseries["disbursed_amount"].cumsum().to_numpy()
    assert t["pool_target_reached_day"] == int(np.argmax(cum >= 3e9 * (1 - 1e-12)))
    q = target.quotas[target.quotas["kind"] == "bank_quota"]
    assert (q["account_kind"] == "target").all() and q["exhausted_on"].isna().all()
    reached = q["reached_on"].notna()
    assert reached.sum() == t["bank_quota_targets_reached_n"] > 0
    assert (q.loc[reached, "overshoot"] > 0).any()
    assert q.loc[~reached, "overshoot"].eq(0).all()
    assert t["first_bank_quota_target_reached_day"] == int(q["reached_on"].min())


def test_a_target_never_causes_a_retry(hard, target):
    assert hard.applications["retried"].sum() > 0
    assert target.applications["retried"].sum() == 0


def test_reallocation_moves_only_the_unreached_part_of_targets():
    # day 180 of the small baseline with a 10 bn target pool: some lender targets are
    # passed by then (they have nothing to give), others still have some left
    target = sim.run(
        small_scenario(
            "loan_pool.credit_sub_quota=null", "loan_pool.total=10bn", "loan_pool.kind=target"
        ),
        seed=1,
    )
    q = target.quotas[target.quotas["kind"] == "bank_quota"]
    assert q["reached_on"].notna().any()
    assert q["transferred_out"].sum() == pytest.approx(q["transferred_in"].sum())
    assert q["transferred_out"].sum() > 0
    levels = target.levels[list(q["account"])].iloc[179]
    gave = q.set_index("account")["transferred_out"] > 0
    assert (levels[gave[gave].index] > 0).all()
    books = q["initial"] + q["released"] + q["transferred_in"] - q["transferred_out"]
    np.testing.assert_allclose(books, q["remaining"] + q["drawn"], rtol=1e-9)


def test_a_target_guarantee_capacity_never_refuses():
    small_fund = ("guarantee.capital=20m", "guarantee.cap_per_firm=30m")
    h = _run(*small_fund, "guarantee.kind=hard").summary_values
    t = _run(*small_fund, "guarantee.kind=target").summary_values
    assert h["refused_guarantee_n"] > 0 and h["guarantee_exhausted_day"] is not None
    assert t["refused_guarantee_n"] == 0 and t["guarantee_exhausted_day"] is None
    assert t["guarantee_target_reached_day"] is not None
    assert t["guarantee_overshoot_amount"] == pytest.approx(t["guaranteed_amount"] - 100e6)


def test_a_revolving_pool_refills_when_loans_end():
    short = ("loan_pool.quota_mode=shared_pool", "loan_pool.term_days=30")
    runs = {k: _run(*short, f"loan_pool.kind={k}") for k in ("hard", "revolving")}
    for kind, r in runs.items():
        pool = r.quotas.set_index("account").loc["loan_pool"]
        apps = r.applications[r.applications["outcome"] == "approved"]
        ended = apps["end_day"] < r.scenario.horizon.days
        scale = r.scenario.population.scale
        back = apps.loc[ended, "amount"].sum() * scale if kind == "revolving" else 0.0
        # what comes back is exactly the amount of the loans that ended
        assert pool["released"] == pytest.approx(back, rel=1e-9)
        assert pool["remaining"] == pytest.approx(
            pool["initial"] - apps["amount"].sum() * scale + back, rel=1e-9, abs=1.0
        )
    h, v = runs["hard"].summary_values, runs["revolving"].summary_values
    # the hard pool closes for good; the revolving one keeps lending as loans are repaid
    assert h["pool_exhausted_day"] is not None and h["disbursed_amount"] <= 3e9
    assert v["disbursed_amount"] > 1.5 * h["disbursed_amount"]
    # the revolving level rises again on the days loans end; the hard one never does
    assert np.diff(runs["revolving"].levels["loan_pool"].to_numpy()).max() > 1e7
    assert np.diff(runs["hard"].levels["loan_pool"].to_numpy()).max() <= 0


def test_partial_grants_lend_exactly_what_remains():
    base = ("loan_pool.quota_mode=shared_pool",)
    off = _run(*base)
    on = _run(*base, "loan_pool.partial_grants=true")
    ao, an = off.applications, on.applications
    assert on.summary_values["partial_grants_n"] == 1
    remaining = off.quotas.set_index("account").loc["loan_pool", "remaining"]
    assert remaining >= on.scenario.loan_pool.min_amount
    # the one request refused without partial grants is granted the remainder
    changed = (an["outcome"] == "approved") != (ao["outcome"] == "approved")
    assert changed.sum() == 1
    row = changed.idxmax()
    assert ao.loc[row, "outcome"] == "refused_quota" and an.loc[row, "outcome"] == "approved"
    scale = on.scenario.population.scale
    assert an.loc[row, "amount"] * scale == pytest.approx(remaining, rel=1e-12)
    assert an.loc[row, "amount"] < ao.loc[row, "amount"]
    # its saving follows the smaller loan; the pool is drawn to exactly zero
    others = an[(an["firm"] == an.loc[row, "firm"]) & (an["outcome"] == "approved")]
    assert an.loc[row, "interest_saving"] > 0
    assert (others["interest_saving"] / others["amount"]).nunique() == 1
    pool = on.quotas.set_index("account").loc["loan_pool"]
    assert pool["remaining"] == 0 and pool["drawn"] == pytest.approx(3e9, rel=1e-12)


def test_kind_keys_are_written_only_when_a_kind_differs_from_the_default(hard, target):
    # today's kinds keep today's summary; any other kind adds the kinds' keys
    assert "pool_kind" not in hard.summary_values
    assert (hard.quotas.loc[hard.quotas["kind"] == "bank_quota", "account_kind"] == "hard").all()
    assert "pool_kind" in target.summary_values
    revolving = _run("loan_pool.credit_sub_quota_kind=revolving").summary_values
    assert revolving["credit_sub_quota_kind"] is None  # TIGHT has no sub-quota
    assert revolving["pool_kind"] == "hard" and revolving["pool_target_reached_day"] is None


def test_the_report_says_reached_of_a_target_and_exhausted_of_a_hard_account(hard, target):
    rows_t = dict(cover_rows(target))
    rows_h = dict(cover_rows(hard))
    assert "Loan pool target reached (beyond it)" in rows_t
    assert not any("exhausted" in k for k in rows_t if "quota" in k.lower() and "ender" in k)
    assert "Loan pool exhausted" in rows_h and "Lender quotas exhausted" in rows_h
    assert rows_t["Account kinds: pool / lender quotas / credit sub-quota / guarantee"] == (
        "target / target / - / revolving"
    )
    assert (
        "reached" in pool_title(target, "en")
        and "exhausted" not in (pool_title(target, "en").split("\n")[0])
    )
    assert "exhausted" in pool_title(hard, "en").split("\n")[0]


@pytest.mark.parametrize(
    "field", ["loan_pool.kind", "loan_pool.bank_quota_kind", "loan_pool.credit_sub_quota_kind",
              "guarantee.kind"],
)  # fmt: skip
def test_an_unknown_kind_names_the_field(field):
    with pytest.raises(ScenarioError) as err:
        sim.load_scenario(BASELINE, [f"{field}=soft"])
    msg = str(err.value)
    assert f"'{field}'" in msg and "'hard'" in msg and "'target'" in msg and "soft" in msg


def test_experiments_show_no_exhaustion_probability_for_a_target():
    from sim.experiments.result import _present_quotas

    def shown(*extra: str) -> dict[str, str]:
        # the accounts as the exhaustion table shows them for a run of the scenario
        scenario = small_scenario(*extra)
        return _present_quotas(scenario, sim.run(scenario).summary_dict())

    hard_q = shown()
    target_q = shown("loan_pool.kind=target", "guarantee.kind=target")
    assert {"loan pool", "first lender quota", "guarantee capacity"} <= set(hard_q)
    assert set(hard_q) - set(target_q) == {"loan pool", "first lender quota", "guarantee capacity"}


def test_a_target_pool_split_into_hard_lender_quotas():
    r = _run("loan_pool.kind=target", "loan_pool.bank_quota_kind=hard",
             "loan_pool.partial_grants=true")  # fmt: skip
    s, q = r.summary_values, r.quotas
    pool = q.set_index("account").loc["loan_pool"]
    quotas = q[q["kind"] == "bank_quota"]
    # the pool is an account of its own, drawn by every loan; the quotas refuse, it never does
    assert pool["account_kind"] == "target" and (quotas["account_kind"] == "hard").all()
    assert pool["drawn"] == pytest.approx(quotas["drawn"].sum(), rel=1e-12)
    assert s["refused_quota_n"] > 0 and s["bank_quotas_exhausted_n"] > 0
    assert s["pool_exhausted_day"] is None and pd.isna(pool["exhausted_on"])
    assert s["bank_quota_kind"] == "hard" and s["pool_kind"] == "target"
    # with partial grants the quotas are drawn to zero, and the pool's target is reached
    # on the day the last of them ran out
    if (quotas["remaining"] == 0).all():
        assert s["pool_target_reached_day"] == int(quotas["exhausted_on"].max())
    else:
        assert s["pool_target_reached_day"] is None
