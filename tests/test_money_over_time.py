"""Savings and fiscal cost over time, the subsidy appropriation and additional loans."""

from __future__ import annotations

import math

import numpy as np
import pytest

import sim
from sim.scenario import ScenarioError

from .conftest import small_scenario

# firms that never default: every loan runs its whole term
NO_DEFAULTS = [
    f"population.tiers.{t}.pd_annual_median=1e-9" for t in ("little_giant", "srdi", "non_core")
]


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-3)


def _accrued_over_life(r: sim.RunResult) -> float:
    """Interest saved and access gained by the approved loans over their lives, from the rows."""
    s = r.scenario
    a = r.applications[r.applications["outcome"] == "approved"]
    life = (a["end_day"] - a["decision_day"]).to_numpy(dtype=float)
    add = a["additional"].to_numpy()
    saving = a["interest_saving"].to_numpy()
    subsidy = a["interest_subsidy"].to_numpy()
    per_term = np.where(add, subsidy, saving) / s.loan_pool.term_days
    access = np.where(add, a["amount"] * s.behaviour.access_value_rate / 365.0, 0.0)
    return float(((per_term + access) * life).sum())


@pytest.fixture(scope="module")
def year() -> sim.RunResult:
    """The small baseline (one year, one-year loans): much of every loan is after the horizon."""
    return sim.run(small_scenario(), seed=3)


def test_accruals_sum_to_the_up_front_total_when_the_horizon_covers_every_loan():
    # a small shared pool runs out early; 90-day loans all end within the year
    r = sim.run(
        small_scenario(
            *NO_DEFAULTS,
            "loan_pool.quota_mode=shared_pool",
            "loan_pool.total=3bn",
            "loan_pool.credit_sub_quota=1bn",
            "loan_pool.term_days=90",
        ),
        seed=3,
    )
    s = r.summary_dict()
    a = r.applications[r.applications["outcome"] == "approved"]
    assert s["approved_n"] > 50 and a["end_day"].max() < r.scenario.horizon.days
    assert s["interest_saving_committed_amount"] == 0 and s["subsidy_committed_amount"] == 0
    assert s["additional_loans_n"] == 0  # no default risk: every loan is made anyway
    assert _close(s["interest_saving_in_horizon_amount"], s["interest_savings_amount"])
    assert _close(s["subsidy_in_horizon_amount"], s["interest_subsidy_amount"])
    # the daily series add up to the same totals
    ts = r.timeseries
    assert _close(ts["interest_saving_accrued_amount"].sum(), s["interest_savings_amount"])
    assert _close(ts["subsidy_accrued_amount"].sum(), s["interest_subsidy_amount"])


def test_in_horizon_plus_committed_is_the_total_over_the_loans_lives(year):
    s = year.summary_dict()
    assert s["interest_saving_committed_amount"] > 0.2 * s["interest_saving_in_horizon_amount"]
    interest = s["interest_saving_in_horizon_amount"] + s["interest_saving_committed_amount"]
    access = s["access_value_in_horizon_amount"] + s["access_value_committed_amount"]
    assert _close(interest + access, _accrued_over_life(year))
    # a default stops the accrual: less than the term booked up front
    assert interest < s["interest_savings_amount"]
    ts = year.timeseries
    assert _close(ts["subsidy_accrued_amount"].sum(), s["subsidy_in_horizon_amount"])


def test_with_the_subsidy_paid_on_approval_the_fiscal_cost_is_all_in_the_horizon(year):
    s = year.summary_dict()
    assert s["fiscal_cost_committed_amount"] == 0
    assert _close(s["fiscal_cost_in_horizon_amount"], s["fiscal_cost_amount"])
    assert _close(s["subsidy_paid_amount"], s["interest_subsidy_amount"])


@pytest.mark.parametrize("payment", ["at_approval", "quarterly"])
def test_present_values_are_below_nominal_and_equal_at_a_zero_rate(payment):
    def run(rate: float) -> dict:
        sc = small_scenario(f"rates.discount_rate={rate}", f"loan_pool.subsidy_payment={payment}")
        return sim.run(sc, seed=3).summary_dict()

    zero, five = run(0.0), run(0.05)
    for key in ("savings_total", "fiscal_cost"):
        nominal = zero[f"{key}_in_horizon_amount"] + zero[f"{key}_committed_amount"]
        assert _close(zero[f"{key}_pv_amount"], nominal)
        assert five[f"{key}_in_horizon_amount"] == zero[f"{key}_in_horizon_amount"]
        assert five[f"{key}_pv_amount"] < 0.99 * nominal


def test_monthly_payments_are_in_arrears(year):
    r = sim.run(small_scenario("loan_pool.subsidy_payment=monthly"), seed=3)
    ts, up_front = r.timeseries, year.timeseries
    # the horizon starts on 2 December: the first payment is on 1 January (day 30)
    assert up_front["subsidy_paid_amount"][:30].sum() > 0
    assert ts["subsidy_paid_amount"][:30].sum() == 0
    paid_days = ts["date"][ts["subsidy_paid_amount"] > 0]
    assert (paid_days.dt.day == 1).all() and len(paid_days) == 12
    # every day paid for is a day of the loan's life before the payment: what is paid in
    # the horizon plus what is still due equals the subsidy accrued over the lives
    s = r.summary_dict()
    assert s["subsidy_paid_amount"] < s["subsidy_in_horizon_amount"]
    assert _close(
        s["subsidy_paid_amount"] + s["fiscal_cost_committed_amount"],
        s["subsidy_in_horizon_amount"] + s["subsidy_committed_amount"],
    )
    assert s["fiscal_cost_committed_amount"] > 0


@pytest.mark.parametrize("payment", ["at_approval", "monthly"])
def test_a_small_appropriation_runs_out_and_is_never_overdrawn(payment):
    budget = 10e6
    r = sim.run(
        small_scenario(
            f"loan_pool.subsidy_budget={budget:.0f}", f"loan_pool.subsidy_payment={payment}"
        ),
        seed=3,
    )
    unlimited = sim.run(small_scenario(f"loan_pool.subsidy_payment={payment}"), seed=3)
    s, u = r.summary_dict(), unlimited.summary_dict()
    day = s["subsidy_budget_exhausted_day"]
    assert day is not None and u["subsidy_budget_exhausted_day"] is None
    ts = r.timeseries
    assert ts["subsidy_paid_amount"].sum() <= budget * (1 + 1e-12)
    assert ts["subsidy_paid_amount"][ts["day"] > day].sum() == 0
    assert s["subsidy_unpaid_amount"] > 0 and u["subsidy_unpaid_amount"] == 0
    assert _close(s["subsidy_paid_amount"] + s["subsidy_unpaid_amount"], u["subsidy_paid_amount"])
    assert s["fiscal_cost_committed_amount"] == 0  # nothing left to pay after the horizon
    apps = r.applications
    assert s["subsidy_unpaid_firms_n"] == apps.loc[apps["subsidy_unpaid"] > 0, "firm"].nunique() > 0
    row = r.quotas.set_index("account").loc["subsidy_budget"]
    assert row["drawn"] <= row["initial"] and row["exhausted_on"] == day
    # the firms lose the subsidy the city does not pay
    assert s["savings_total_pv_amount"] < u["savings_total_pv_amount"]
    assert s["fiscal_cost_pv_amount"] < u["fiscal_cost_pv_amount"]
    # and the daily columns (the report's curves) lose it too: they add up to the summary
    scale = r.scenario.population.scale
    for column, key in (
        ("interest_saving_accrued_amount", "interest_saving_in_horizon_amount"),
        ("subsidy_accrued_amount", "subsidy_in_horizon_amount"),
        ("savings_accrued_amount", "savings_total_in_horizon_amount"),
    ):
        assert _close(ts[column].sum() * scale, s[key]), column


def test_without_an_appropriation_there_is_no_account(year):
    assert "subsidy_budget" not in set(year.quotas["account"])


def test_additional_loans_are_those_the_rule_without_the_programme_refuses(year):
    s = year.summary_dict()
    a = year.applications[year.applications["outcome"] == "approved"]
    # in the baseline the programme's only cover is the guarantee, given to loans the
    # lender would refuse on its own: those are the additional ones, the rest are not
    assert 0 < s["additional_loans_n"] < s["approved_n"]
    assert (a["additional"] == (a["guarantee"] > 0)).all()
    assert _close(s["additional_loans_amount"], a.loc[a["additional"], "amount"].sum())
    assert _close(s["additionality_share"], s["additional_loans_amount"] / s["disbursed_amount"])
    # NPL compensation makes lenders take loans they would otherwise refuse, unguaranteed
    npl = sim.run(
        small_scenario("npl_compensation={budget: 1bn, share: 0.55, first_loan_bonus: 0.05}"),
        seed=3,
    )
    b = npl.applications[npl.applications["outcome"] == "approved"]
    assert (b["additional"] & (b["guarantee"] == 0)).any()
    assert not (b["additional"] < (b["guarantee"] > 0)).any()
    # without any cover nothing is additional
    bare = sim.run(small_scenario("guarantee=null"), seed=3).summary_dict()
    assert bare["additional_loans_n"] == 0 and bare["access_value_in_horizon_amount"] == 0


def test_additional_loans_gain_access_not_a_rate_concession(year):
    s = year.summary_dict()
    a = year.applications[year.applications["outcome"] == "approved"]
    add = a[a["additional"]]
    assert s["access_value_in_horizon_amount"] > 0
    # the rate concession of the additional loans is left out of the interest saved
    concession = (add["interest_saving"] - add["interest_subsidy"]).sum()
    assert concession > 0
    booked = s["interest_saving_in_horizon_amount"] + s["interest_saving_committed_amount"]
    assert booked < s["interest_savings_amount"] - concession * 0.5


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ("loan_pool.subsidy_payment=weekly", "loan_pool.subsidy_payment"),
        ("loan_pool.subsidy_budget=-1bn", "loan_pool.subsidy_budget"),
        ("rates.discount_rate=1.5", "rates.discount_rate"),
    ],
)
def test_bad_input_names_the_field(override, field):
    with pytest.raises(ScenarioError) as err:
        small_scenario(override)
    assert field in err.value.fields


def test_report_says_when_the_appropriation_ran_out(year):
    from sim.reporting.run_report import cover_rows

    r = sim.run(small_scenario("loan_pool.subsidy_budget=10m"), seed=3)
    day = r.summary_dict()["subsidy_budget_exhausted_day"]
    rows = dict(cover_rows(r))
    shown = [v for k, v in rows.items() if "appropriation" in k]
    assert shown and f"day {day}" in shown[0]
    assert not [k for k, _ in cover_rows(year) if "appropriation" in k]
