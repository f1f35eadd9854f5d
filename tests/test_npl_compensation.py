"""The NPL risk compensation pool: a measure added through the instrument interface alone."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from sim.scenario import ScenarioError

from .conftest import small_scenario

KEY = "npl_compensation_paid_amount"
# the published budget (FACTS.md 1.2): it lasts the small baseline's year
#: The published terms (FACTS.md 1.2): 55 %, +5 points for a firm's first loan.
TERMS = "share: 0.55, first_loan_bonus: 0.05"
NPL = [f"npl_compensation={{budget: 1bn, {TERMS}}}"]


@pytest.fixture(scope="module")
def runs() -> tuple[sim.RunResult, sim.RunResult]:
    """The small baseline without and with the pool, same seed (common random numbers)."""
    return sim.run(small_scenario(), seed=3), sim.run(small_scenario(*NPL), seed=3)


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ("npl_compensation={budget: -1bn}", "npl_compensation.budget"),
        ("npl_compensation={budget: 1bn, share: 1.2}", "npl_compensation.share"),
        (
            "npl_compensation={budget: 1bn, share: 0.97, first_loan_bonus: 0.05}",
            "npl_compensation.first_loan_bonus",
        ),
        (
            f"npl_compensation={{budget: 1bn, {TERMS}, key_tiers: [tech]}}",
            "npl_compensation.key_tiers.0",
        ),
        (
            f"npl_compensation={{budget: 1bn, {TERMS}, key_sectors: [mining]}}",
            "npl_compensation.key_sectors.0",
        ),
        (f"npl_compensation={{budget: 1bn, {TERMS}, ratio: 0.5}}", "npl_compensation.ratio"),
        ("npl_compensation={share: 0.5}", "npl_compensation.budget"),
        ("npl_compensation={budget: 1bn}", "npl_compensation.share"),
    ],
)
def test_bad_section_names_the_field(override, field):
    with pytest.raises(ScenarioError) as err:
        small_scenario(override)
    assert field in err.value.fields


def test_section_loads_with_the_terms_it_declares():
    cfg = small_scenario(*NPL).npl_compensation
    assert (cfg.budget, cfg.share, cfg.first_loan_bonus) == (1e9, 0.55, 0.05)
    assert cfg.key_tiers is None and cfg.key_sectors is None


def test_absent_section_changes_nothing():
    """Absent, or present with no money: every table and the resolved scenario are as before."""
    sc = small_scenario()
    assert "npl_compensation" not in sim.scenario_to_yaml(sc)
    a = sim.run(sc, seed=5)
    b = sim.run(small_scenario(f"npl_compensation={{budget: 0, {TERMS}}}"), seed=5)
    assert a.summary_dict() == b.summary_dict()
    assert KEY not in a.summary_dict()
    for name, table in a.tables().items():
        pd.testing.assert_frame_equal(table, b.tables()[name], check_exact=True)


def test_summary_key_is_the_compensation_paid(runs):
    _, with_pool = runs
    summary = with_pool.summary_dict()
    paid = summary[KEY]
    assert paid > 0
    assert paid == pytest.approx(with_pool.timeseries[KEY].sum())
    assert list(with_pool.summary().columns)[-1] == KEY
    assert sim.scenario_to_yaml(with_pool.scenario).count("npl_compensation:") == 1


def test_books_balance_and_the_budget_is_hard(runs):
    _, with_pool = runs
    q = with_pool.quotas.set_index("account").loc["npl_compensation"]
    assert q["initial"] == pytest.approx(1e9)
    assert q["initial"] == pytest.approx(q["remaining"] + q["drawn"], rel=1e-12)
    assert q["drawn"] == pytest.approx(with_pool.summary_dict()[KEY], rel=1e-9)
    assert (with_pool.levels["npl_compensation"] >= -1e-6).all()


def test_budget_runs_out_and_stops_paying():
    res = sim.run(small_scenario(f"npl_compensation={{budget: 5m, {TERMS}}}"), seed=3)
    q = res.quotas.set_index("account").loc["npl_compensation"]
    assert pd.notna(q["exhausted_on"])
    assert q["drawn"] <= q["initial"] * (1 + 1e-12)
    assert res.summary_dict()[KEY] <= 5e6 * (1 + 1e-12)
    assert q["refused_n"] > 0  # claims after it ran out were refused


def test_raises_approvals_of_asset_light_key_sector_firms(runs):
    """Banks weigh only the uncompensated share of the loss: more credit loans to tech firms."""
    without, with_pool = runs
    sc = with_pool.scenario
    key_tiers = [t for t, spec in sc.population.tiers.items() if spec.core_tech]
    light = sc.loan_pool.credit_loan_max_collateral

    def approved(res: sim.RunResult, key: bool) -> int:
        apps = res.applications
        firms = res.firms.loc[apps["firm"]]
        chosen = (firms["collateral_ratio"].to_numpy() < light) & (
            apps["tier"].isin(key_tiers).to_numpy() == key
        )
        return int(((apps["outcome"] == "approved").to_numpy() & chosen).sum())

    assert approved(with_pool, key=True) > 1.1 * approved(without, key=True)
    assert with_pool.summary_dict()["refused_credit_n"] < without.summary_dict()["refused_credit_n"]
    # the city pays for it: the compensation is part of the fiscal cost
    extra = (
        with_pool.summary_dict()["fiscal_cost_amount"]
        - without.summary_dict()["fiscal_cost_amount"]
    )
    assert extra > with_pool.summary_dict()[KEY] * 0.5


@pytest.mark.parametrize("key", ["key_tiers: []", "key_sectors: []"])
def test_only_key_sectors_count(key):
    """With no key tier (or sector), the pool changes no decision and pays nothing."""
    sc = small_scenario(f"npl_compensation={{budget: 1bn, {TERMS}, {key}}}")
    a, b = sim.run(small_scenario(), seed=4), sim.run(sc, seed=4)
    assert b.summary_dict()[KEY] == 0
    np.testing.assert_array_equal(
        a.applications["outcome"].to_numpy(), b.applications["outcome"].to_numpy()
    )


def test_key_sectors_narrow_the_pool(runs):
    _, all_sectors = runs
    software = sim.run(
        small_scenario(f"npl_compensation={{budget: 1bn, {TERMS}, key_sectors: [software_it]}}"),
        seed=3,
    )
    assert 0 < software.summary_dict()[KEY] < all_sectors.summary_dict()[KEY]


def test_report_cover_shows_the_compensation_only_when_the_measure_runs(runs):
    from sim.reporting.run_report import cover_rows

    without, with_npl = runs
    label = "NPL risk compensation paid to banks"
    assert label not in dict(cover_rows(without))
    value = dict(cover_rows(with_npl))[label]
    assert value != "" and value[0].isdigit()
