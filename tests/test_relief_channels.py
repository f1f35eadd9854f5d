"""Relief channels (claims from zone budgets, tariff cuts borne by suppliers) and budgets
split by floor area."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model.engine import simulate
from sim.model.instruments.cost_relief import CostReliefInstrument, floor_area
from sim.results import build_result
from sim.scenario import ScenarioError

from .conftest import small_scenario

FAST = ["population.firms_n=1500", "horizon.days=200", "awards.round_days=[100]"]
CUTS = [f"cost_relief.channels.{c}=tariff_cut" for c in ("electricity", "water", "internet")]


def _model(*extra: str, seed: int = 4):
    return simulate(small_scenario(*FAST, *extra), np.random.SeedSequence(seed))


@pytest.fixture(scope="module")
def runs():
    # awareness slow enough that many firms never learn of the measures in the run
    slow = "awareness.ceiling=0.5"
    claim, cut = _model(slow), _model(slow, *CUTS)
    return (claim, build_result(claim)), (cut, build_result(cut))


def test_tariff_cuts_draw_no_zone_budget(runs):
    (_, claim), (_, cut) = runs
    zones = lambda r: r.quotas[r.quotas["kind"] == "zone_budget"]  # noqa: E731
    s = cut.summary_dict()
    # the budgets pay only the rent claims: less than when every category was claimed
    assert zones(cut)["drawn"].sum() < zones(claim)["drawn"].sum()
    assert zones(cut)["drawn"].sum() == pytest.approx(s["relief_claim_amount"], rel=1e-9)
    assert s["relief_claim_amount"] == s["relief_paid_amount"]
    assert s["relief_tariff_cut_amount"] > 0
    bearers = [f"relief_tariff_cut_{b}_amount" for b in ("landlords", "utilities", "carriers")]
    assert sum(s[k] for k in bearers) == pytest.approx(s["relief_tariff_cut_amount"], rel=1e-9)
    assert s["relief_tariff_cut_landlords_amount"] == 0  # rent is still claimed
    # the fiscal cost counts the claims only; firms' savings count both
    assert s["savings_total_amount"] - s["relief_tariff_cut_amount"] == pytest.approx(
        s["interest_savings_amount"]
        + s["guarantee_fee_savings_amount"]
        + s["relief_claim_amount"]
        + s["awards_paid_amount"],
        rel=1e-9,
    )
    assert "relief_tariff_cut_amount" not in claim.summary_dict()


def test_tariff_cuts_reach_unaware_firms(runs):
    (_, _), (m, cut) = runs
    never_aware = m.aware_day >= m.days
    assert never_aware.sum() > 0
    got_cut = m.instrument(CostReliefInstrument).cut_paid_by_cat.sum(axis=0) > 0
    assert (got_cut & never_aware).sum() > 0
    sv = cut.savings
    claimed = set(sv.loc[sv["category"] == "relief_rent", "firm"])
    assert not claimed & set(never_aware.nonzero()[0])  # claims still need awareness
    assert (sv["category"] == "relief_tariff_cut_electricity").any()
    assert cut.timeseries["relief_tariff_cut_amount"].sum() > 0


def test_budgets_by_floor_area_are_proportional_to_floor_area():
    sc = small_scenario(*FAST, "cost_relief.allocation=by_floor_area")
    m = simulate(sc, np.random.SeedSequence(2))
    q = build_result(m).quotas
    budget = q[q["kind"] == "zone_budget"]["initial"].to_numpy()
    f = m.firms
    area = np.bincount(f.zone[f.zone >= 0], weights=floor_area(sc, f)[f.zone >= 0],
                       minlength=len(f.zone_names))  # fmt: skip
    np.testing.assert_allclose(budget / budget.sum(), area / area.sum(), rtol=1e-9)
    assert budget.sum() == pytest.approx(sc.cost_relief.budget, rel=1e-9)
    # not the same split as by number of firms
    n = np.bincount(f.zone[f.zone >= 0], minlength=len(f.zone_names))
    assert not np.allclose(budget / budget.sum(), n / n.sum(), rtol=1e-3)


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ("cost_relief.channels.rent=free", "cost_relief.channels.rent"),
        ("cost_relief.channels.gas=claim", "cost_relief.channels.gas"),
        ("cost_relief.allocation=by_size", "cost_relief.allocation"),
    ],
)
def test_bad_relief_options_name_the_field(override, field):
    with pytest.raises(ScenarioError) as err:
        small_scenario(override)
    assert field in err.value.fields


def test_experiment_savings_page_shows_tariff_cuts_beside_claims():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    import sim
    from sim.reporting.experiment_pages import _savings_keys, outcome_pages

    base = small_scenario(*FAST)
    cuts = small_scenario(*FAST, *CUTS, "name=cuts")
    r = sim.compare(base, [cuts], 2, processes=1)
    keys = _savings_keys(r)
    assert keys.index("relief_tariff_cut_amount") == keys.index("relief_paid_amount") + 1
    page = dict(outcome_pages(r))["savings"]
    page(Figure())  # the scenario without cuts has no bar, and no warning (errors in tests)
    assert _savings_keys(sim.replicate(base, 2, processes=1)) == keys[:3] + keys[4:]
