"""Incidence: deadweight shares, cost per additional loan and concentration, on small
hand-built tables, and their place in a run's summary."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.results.incidence import (
    INCIDENCE_KEYS,
    concentration,
    deadweight_shares,
    incidence_summary,
)


def _apps(**cols):
    n = len(next(iter(cols.values())))
    base = {
        "outcome": ["approved"] * n,
        "additional": [False] * n,
        "interest_subsidy": [0.0] * n,
        "guarantee": [0.0] * n,
    }
    base.update(cols)
    return pd.DataFrame(base)


def test_subsidy_on_loans_made_anyway_is_deadweight():
    apps = _apps(additional=[True, False, False, False], interest_subsidy=[2.0, 1.0, 1.0, 0.0])
    sub, gua = deadweight_shares(apps)
    assert sub == pytest.approx(0.5)
    assert gua is None  # no guaranteed loan


def test_refused_applications_count_for_nothing():
    apps = _apps(
        outcome=["approved", "refused_credit", "approved"],
        additional=[False, False, True],
        interest_subsidy=[1.0, 50.0, 0.0],
        guarantee=[0.0, 9.0, 3.0],
    )
    sub, gua = deadweight_shares(apps)
    assert sub == 1.0
    assert gua == 0.0  # the only approved guaranteed loan is additional


def test_guaranteed_loans_made_anyway_share_by_count():
    apps = _apps(additional=[True, False, False, False], guarantee=[1.0, 1.0, 5.0, 0.0])
    assert deadweight_shares(apps)[1] == pytest.approx(2 / 3)


def test_concentration_of_equal_and_unequal_savings():
    assert concentration(np.full(30, 7.0)) == (pytest.approx(0.1), pytest.approx(0.0))
    top, gini = concentration(np.array([0.0] * 19 + [5.0]))
    assert top == 1.0
    assert gini == pytest.approx(0.95)  # (n - 1) / n
    assert concentration(np.zeros(4)) == (None, None)


def test_top_share_rounds_the_top_group_up():
    # 11 firms: the top 10 % is 2 firms
    top, _ = concentration(np.arange(1.0, 12.0))
    assert top == pytest.approx((10 + 11) / 66)


def test_summary_counts_firms_without_savings_and_divides_the_cost():
    apps = _apps(additional=[True, False], interest_subsidy=[0.0, 4.0])
    savings = pd.DataFrame({"firm": [0, 0, 1], "amount": [1.0, 1.0, 2.0]})
    values = {
        "fiscal_cost_amount": 300.0,
        "additional_loans_n": 3.0,
        "additional_loans_amount": 1500.0,
    }
    out = incidence_summary(apps, savings, 4, values)
    assert list(out) == list(INCIDENCE_KEYS)
    assert out["fiscal_cost_per_additional_loan"] == 100.0
    assert out["fiscal_cost_per_additional_yuan"] == 0.2
    assert out["savings_top10_share"] == 0.5  # 1 firm of 4 (ceil), half of the savings
    assert out["savings_gini"] == pytest.approx(0.5)
    none = incidence_summary(
        apps, savings, 4, {**values, "additional_loans_n": 0.0, "additional_loans_amount": 0.0}
    )
    assert none["fiscal_cost_per_additional_loan"] is None
    assert none["fiscal_cost_per_additional_yuan"] is None
