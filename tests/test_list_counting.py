"""Shanghai's programme as banks count it: list counting, roll-overs, loan types, risk and price."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.model.demand import maturity_probabilities

from .conftest import BASELINE

SMALL = ["population.firms_n=2000", "horizon.days=400", "awards.round_days=[200]"]


@pytest.fixture(scope="module")
def listed() -> sim.RunResult:
    return sim.run(sim.load_scenario(BASELINE, SMALL), seed=3)


def test_list_counting_books_new_loans_and_renewals_against_pool_and_quotas(listed):
    s, a, q = listed.summary_values, listed.applications, listed.quotas
    ok = a[a["outcome"] == "approved"]
    assert s["programme_renewal_amount"] > s["programme_new_amount"] > 0
    assert s["programme_new_amount"] + s["programme_renewal_amount"] == pytest.approx(
        s["disbursed_amount"]
    )
    assert ok.loc[ok["renewal"], "amount"].sum() == pytest.approx(s["programme_renewal_amount"])
    # every loan, new or renewed, is drawn on its lender's quota
    quotas = q[q["kind"] == "bank_quota"]
    assert quotas["drawn"].sum() == pytest.approx(ok["amount"].sum())
    # no application decision: no need is declined or lost to not knowing of the measures
    assert s["declined_needs_n"] == 0 and s["unaware_needs_n"] == 0
    # programme loans roll over: a renewal of a loan the programme itself made
    booked = ok.groupby("firm")["decision_day"].min()
    again = ok[ok["renewal"] & (ok["decision_day"] > booked.reindex(ok["firm"]).to_numpy())]
    assert len(again) > 0
    # the additional lending is a part of the total, the no-principal renewals of the renewals
    assert 0 < s["programme_additional_amount"] < s["disbursed_amount"]
    assert 0 < s["programme_no_principal_amount"] < s["programme_renewal_amount"]


def test_renewals_follow_the_rollover_share():
    none = sim.run(sim.load_scenario(BASELINE, [*SMALL, "demand.rollover_share=0.0001"]), seed=3)
    assert (
        none.summary_values["programme_renewal_amount"]
        < 0.01 * none.summary_values["disbursed_amount"]
    )


def test_a_guaranteed_loan_never_gets_the_credit_loan_subsidy(listed):
    a = listed.applications
    ok = a[a["outcome"] == "approved"]
    g = ok[ok["guarantee"] > 0]
    assert len(g) > 0
    assert (g["loan_type"] == "guaranteed").all()
    assert not g["credit_loan"].any()
    assert (g["interest_subsidy"] == 0).all()
    credit = ok[ok["loan_type"] == "credit"]
    assert len(credit) > 0 and (credit["interest_subsidy"] > 0).all()
    s = listed.summary_values
    total = sum(s[f"{t}_type_loans_amount"] for t in ("credit", "guaranteed", "secured"))
    assert total == pytest.approx(s["disbursed_amount"])
    assert s["credit_loans_amount"] == pytest.approx(s["credit_type_loans_amount"])


def test_the_applications_reading_counts_a_guaranteed_loan_with_little_collateral_as_credit():
    r = sim.run(
        sim.load_scenario(BASELINE, [*SMALL, "loan_pool.credit_loan_excludes_guaranteed=false"]),
        seed=3,
    )
    ok = r.applications[r.applications["outcome"] == "approved"]
    both = ok[(ok["guarantee"] > 0) & ok["credit_loan"]]
    assert len(both) > 0 and (both["interest_subsidy"] > 0).all()


def test_claims_after_the_horizon_are_booked_as_committed():
    short = [
        *SMALL,
        "horizon.days=200",
        "awards.round_days=[100]",
        "loan_pool.reallocation_day=null",
        "population.pd_scale=5",
        "guarantee.max_pd_annual=0.5",
    ]
    r = sim.run(sim.load_scenario(BASELINE, short), seed=3)
    s = r.summary_values
    assert s["claims_committed_n"] > 0 and s["claims_committed_amount"] > 0
    # a loan whose default falls after the horizon is not a default within it
    a = r.applications
    live = a[(a["outcome"] == "approved") & (a["guarantee"] > 0) & (a["end_day"] >= 200)]
    assert not live["defaulted"].any()
    assert s["claims_committed_n"] <= len(live)


def test_risk_based_rates_fall_with_cover_and_average_near_shanghai_rates(listed):
    a = listed.applications
    ok = a[a["outcome"] == "approved"]
    assert ok["rate"].between(0.02, 0.06).all()
    s = listed.summary_values
    # Shanghai's new corporate loans 2.72 %, small/micro ~3.0 % (FACTS.md 3)
    assert 0.025 < s["programme_rate_avg"] < 0.032
    assert s["programme_rate_avg"] <= s["market_rate_avg"]


def test_existing_loans_mature_on_the_lenders_year_start_push():
    sc = sim.load_scenario(BASELINE)
    p = maturity_probabilities(sc)
    days = np.datetime64(sc.horizon.start_date, "D") + np.arange(p.size)
    q1 = (days.astype("datetime64[M]").astype(int) % 12) < 3
    assert p.sum() == pytest.approx(1.0)
    assert p[q1].sum() == pytest.approx(3 * 3.5 / (3 * 3.5 + 9), rel=0.02)
