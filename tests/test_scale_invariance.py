"""Dates and totals do not depend on the sample: (n firms, scale S) and (5n, S/5) agree.

A sample of ``n`` firms at ``population.scale`` S stands for the same real population as
``5n`` firms at ``S/5``. The exhaustion day of the pool (or of the first lender quota)
and the cumulative approvals at days 10, 30 and 90 must then have the same mean. The
test runs ``REPS`` replications of each and asks that the two means differ by no more
than ``Z`` standard errors of the difference plus a small absolute allowance (one day,
or 1 % of the larger mean): a Welch-style two-sample check. Before server classes and
unbiased finishing times, the national pool ran out on day 32 at S = 25 and day 72 at
S = 125, and its first approvals came about 60 days late.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import sim

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
REPS = 20
Z = 3.0


def _figures(path: Path, sets: list[str], account: str | None) -> np.ndarray:
    """Per replication: exhaustion day, cumulative approvals at days 10, 30, 90."""
    sc = sim.load_scenario(path, sets)
    rows = []
    for seed in range(REPS):
        r = sim.run(sc, seed=1000 + seed)
        q = r.quotas.set_index("account")
        if account is None:
            days = q.loc[q["group"] == "loan_pool", "exhausted_on"].astype(float)
            day = float(days.min())
        else:
            day = float(q.loc[account, "exhausted_on"])
        cum = r.timeseries["approved_n"].cumsum()
        rows.append([day, cum.iloc[10], cum.iloc[30], cum.iloc[90]])
    return np.array(rows, dtype=float)


def _agree(a: np.ndarray, b: np.ndarray, what: list[str]) -> None:
    assert not np.isnan(a).any() and not np.isnan(b).any(), "every run must exhaust the account"
    se = np.sqrt(a.var(axis=0, ddof=1) / len(a) + b.var(axis=0, ddof=1) / len(b))
    diff = np.abs(a.mean(axis=0) - b.mean(axis=0))
    allowance = np.maximum(1.0, 0.01 * np.maximum(a.mean(axis=0), b.mean(axis=0)))
    bad = diff > Z * se + allowance
    assert not bad.any(), {
        w: (round(x, 1), round(y, 1), round(s, 2))
        for w, x, y, s, flag in zip(what, a.mean(axis=0), b.mean(axis=0), se, bad, strict=True)
        if flag
    }


WHAT = ["exhausted day", "approved by day 10", "approved by day 30", "approved by day 90"]


@pytest.mark.slow
def test_national_pool_dates_do_not_depend_on_the_sample():
    # 1,500 identical lenders; the same 500,000 real firms as 20,000 x 25 or 4,000 x 125
    path = SCENARIOS / "example_national_pool.yaml"
    small = _figures(path, ["population.firms_n=4000", "population.scale=125"], "loan_pool")
    large = _figures(path, ["population.firms_n=20000", "population.scale=25"], "loan_pool")
    _agree(small, large, WHAT)


@pytest.mark.slow
def test_scarce_shanghai_quotas_do_not_depend_on_the_sample():
    # a pool small enough that lender quotas run out within months (hard quotas: the
    # first reading): the first one to run out, from 3,000 firms x 5 and from every one
    # of the 15,000 firms
    path = SCENARIOS / "shanghai_2024_hard_caps.yaml"
    sets = ["loan_pool.total=30bn", "loan_pool.credit_sub_quota=15bn", "horizon.days=240"]
    sets += ["awards.round_days=[]", "loan_pool.reallocation_day=null"]
    small = _figures(path, [*sets, "population.firms_n=3000", "population.scale=5"], None)
    large = _figures(path, [*sets, "population.firms_n=15000", "population.scale=1"], None)
    _agree(small, large, WHAT)


def test_per_round_counts_are_real_firms_whatever_the_sample():
    from sim.model.instruments.base import simulated_count

    counts = [simulated_count(40, 15, k) for k in range(15)]
    assert sum(counts) == 40 and set(counts) == {2, 3}
    assert [simulated_count(30, 1, k) for k in range(3)] == [30, 30, 30]
    # the same real population: promotions (scaled) agree between 6,000 x 1 and 1,200 x 5
    base = ["horizon.days=120", "awards.round_days=[60]", "loan_pool.reallocation_day=null"]
    promoted = []
    for n, scale in ((6000, 1), (1200, 5)):
        sets = [*base, f"population.firms_n={n}", f"population.scale={scale}"]
        res = sim.run(sim.load_scenario(SCENARIOS / "shanghai_2024.yaml", sets), seed=1)
        promoted.append(res.summary_dict()["firms_promoted_n"])
    assert promoted[1] == pytest.approx(promoted[0], rel=0.05)


@pytest.mark.slow
def test_events_and_a_surge_do_not_depend_on_the_sample():
    # the scarce quotas of the test above, with a demand surge (three times the rate at
    # day 20, fading with a 30-day half-life) and two events: the guarantee made whole
    # on day 45 and the pool raised by half on day 60 (docs/model.md 7.1c, 7.17)
    path = SCENARIOS / "shanghai_2024_hard_caps.yaml"
    sets = ["loan_pool.total=30bn", "loan_pool.credit_sub_quota=15bn", "horizon.days=240"]
    sets += ["awards.round_days=[]", "loan_pool.reallocation_day=null"]
    sets += [
        "demand.surge={multiplier: 3, peak_day: 20, half_life_days: 30}",
        "events=[{day: 45, path: guarantee.coverage, value: 1.0}, "
        "{day: 60, path: loan_pool.total, value: 45bn}]",
    ]
    small = _figures(path, [*sets, "population.firms_n=3000", "population.scale=5"], None)
    large = _figures(path, [*sets, "population.firms_n=15000", "population.scale=1"], None)
    _agree(small, large, WHAT)
