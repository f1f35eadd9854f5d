"""Claim rate: a year's claims over the guarantees released that year, on hand-made books."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.analysis.baseline import baseline_table
from sim.model.claim_rate import book_claim_rate, claim_rate, claim_rate_by_year

from .conftest import BASELINE

# a hand-made book over two years (730 days): per loan the day it ended (NaN: running at
# the end; 800: after the horizon), its guarantee and the claim paid on it
#   year 0: three loans released (two repaid, one defaulted with a claim of 2)
#   year 1: four released (one defaulted, claim 3); a default at day 729 counts in year 1
#   not released: a loan still running, one ending after the horizon, an unguaranteed one
END = np.array([100, 300, 200, 400, 500, 600, 729, np.nan, 800, 150], dtype=float)
GUARANTEE = np.array([40, 40, 20, 50, 50, 50, 50, 30, 30, 0], dtype=float)
CLAIM = np.array([0, 0, 2, 0, 0, 0, 3, 0, 1, 0], dtype=float)


def test_each_year_is_its_claims_over_the_guarantees_it_released():
    t = claim_rate_by_year(END, GUARANTEE, CLAIM, 730)
    assert t["year"].tolist() == [0, 1]
    assert t["released_amount"].tolist() == [100.0, 200.0]
    assert t["claims_amount"].tolist() == [2.0, 3.0]
    assert t["claim_rate"].tolist() == pytest.approx([0.02, 0.015])


def test_the_horizons_figure_is_the_pooled_ratio_and_may_leave_out_the_first_term():
    # (2 + 3) / (100 + 200): the yearly rates weighted by what each year released
    assert claim_rate(END, GUARANTEE, CLAIM, 730) == pytest.approx(5 / 300)
    # from day 365 on: the second year only
    assert claim_rate(END, GUARANTEE, CLAIM, 730, from_day=365) == pytest.approx(0.015)
    # nothing released within the counted days: no rate (not 0)
    assert claim_rate(END, GUARANTEE, CLAIM, 730, from_day=730) is None
    assert claim_rate(END[:0], GUARANTEE[:0], CLAIM[:0], 730) is None


def test_a_year_that_released_nothing_has_no_rate():
    t = claim_rate_by_year(np.array([800.0, 100.0]), np.array([10.0, 10.0]), np.zeros(2), 1095)
    assert t["released_amount"].tolist() == [10.0, 0.0, 10.0]
    assert t["claim_rate"].iloc[[0, 2]].tolist() == [0.0, 0.0]
    assert np.isnan(t["claim_rate"].iloc[1])


def test_negative_end_days_are_loans_that_have_not_ended():
    # the model's own columns mark "no end" with -1
    end = np.array([-1, 100, 500])
    assert claim_rate(end, np.array([10.0, 10.0, 10.0]), np.array([5.0, 1.0, 0.0]), 730) == 0.05


def test_book_claim_rate_counts_from_the_end_of_the_first_loan_term():
    sc = sim.load_scenario(BASELINE)
    assert sc.loan_pool.term_days == 365 and sc.horizon.days >= 730
    defaulted = CLAIM > 0
    # the fund's payout on a default (代偿) is the guarantee on the loan, not its final loss
    want = claim_rate(
        END, GUARANTEE, np.where(defaulted, GUARANTEE, 0.0), sc.horizon.days, from_day=365
    )
    assert book_claim_rate(sc, END, GUARANTEE, defaulted) == want == pytest.approx(80 / 230)


def test_summary_key_and_table_row_are_the_same_figure():
    # two years, so that guarantees are released after the first one-year loans end
    sc = sim.load_scenario(
        BASELINE,
        [
            "population.firms_n=1500",
            "population.scale=10",
            "horizon.days=730",
            "awards.round_days=[240]",
            "loan_pool.reallocation_day=null",
        ],
    )
    r = sim.run(sc)
    rate = r.summary_values["guarantee_claim_rate"]
    assert rate is not None and rate > 0
    row = baseline_table(r).set_index("target").loc["guarantee_claim_rate"]
    assert row["simulated"] == pytest.approx(rate, rel=1e-12)
    a = r.applications[r.applications["outcome"] == "approved"]
    end = a["end_day"].to_numpy(dtype=float, na_value=np.nan)
    counted = (end >= 365) & (end < 730) & (a["guarantee"].to_numpy(float) > 0)
    paid = a["guarantee"][counted & a["defaulted"].to_numpy(bool)].sum()
    assert rate == pytest.approx(paid / a["guarantee"][counted].sum())
