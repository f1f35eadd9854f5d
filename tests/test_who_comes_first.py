"""Who comes first: awareness and preparation by size and bank relationship
(docs/model.md 7.2b, 7.4a)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import sim
from sim.model.behaviour import head_start_thresholds, prep_days_by_firm
from sim.model.engine import Model

from .conftest import small_scenario
from .hypothesis_profiles import examples


@given(
    seed=st.integers(0, 2**32 - 1),
    elasticity=st.floats(-3, 3),
    odds=st.floats(0.1, 10),
)
@examples(50)
def test_each_group_keeps_its_thresholds_and_larger_firms_get_the_lower_ones(
    seed, elasticity, odds
):
    rng = np.random.default_rng(seed)
    n = 500
    u, group = rng.random(n), rng.integers(0, 4, n)
    revenue, holder = np.exp(rng.normal(0, 1, n)), rng.random(n) < 0.4
    out = head_start_thresholds(u, group, revenue, holder, elasticity, odds)
    for g in range(4):
        assert np.array_equal(np.sort(out[group == g]), np.sort(u[group == g]))
    same = head_start_thresholds(u, group, revenue, holder, 0.0, 1.0)
    assert np.array_equal(same, u)  # no head start: nobody moves
    if elasticity > 0.5:
        big = revenue > np.median(revenue)
        assert out[big].mean() < out[~big].mean()


def test_preparation_days_follow_size_and_custom():
    revenue = np.array([1.0, 4.0, 16.0])
    holder = np.array([False, False, True])
    days = prep_days_by_firm(10, revenue, holder, 0.5, 0.5)
    assert days.tolist() == [20, 10, 2]  # median 4: x2, x1, x0.5 x0.5
    assert prep_days_by_firm(10, revenue, holder, 0.0, 1.0).tolist() == [10, 10, 10]


def test_larger_firms_and_customers_learn_first_with_the_same_aware_share():
    # without bank contacts at maturity or lists, the aware share is the groups' curves
    plain = ["demand.existing_loans_share=0", "demand.renewal_share=0"]
    head = ["awareness.size_odds_elasticity=2"]
    m0 = Model(small_scenario(*plain), np.random.SeedSequence(7))
    m1 = Model(small_scenario(*plain, *head), np.random.SeedSequence(7))
    assert np.array_equal(m0.aware_share_daily, m1.aware_share_daily)
    assert np.array_equal(np.sort(m0.aware_day), np.sort(m1.aware_day))
    early0 = m0.firms.revenue[m0.aware_day < 30]
    early1 = m1.firms.revenue[m1.aware_day < 30]
    assert np.median(early1) > 1.5 * np.median(early0)


def test_early_loans_are_larger_when_large_firms_come_first():
    sets = ["horizon.days=200", "awards.round_days=[]", "loan_pool.reallocation_day=null"]
    head = [
        "awareness.size_odds_elasticity=1.5",
        "awareness.customer_odds=3",
        "behaviour.prep_size_elasticity=0.5",
        "behaviour.customer_prep_factor=0.5",
    ]

    def early_mean(extra: list[str]) -> float:
        amounts = []
        for seed in range(3):
            a = sim.run(small_scenario(*sets, *extra), seed=seed).applications
            ok = a[(a["outcome"] == "approved") & (a["decision_day"] < 30)]
            amounts.append(ok["amount"].to_numpy())
        return float(np.concatenate(amounts).mean())

    assert early_mean(head) > 1.05 * early_mean([])
