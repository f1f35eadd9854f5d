"""Capacity that reacts to backlogs: ``banks.surge_capacity`` (docs/model.md 7.5b)."""

from __future__ import annotations

import numpy as np
import pytest

import sim

from .conftest import small_scenario

#: lenders far too slow for the small run's applications: queues of months
SLOW = [
    "population.firms_n=6000",
    "banks.group.officers=1",
    *[f"banks.lenders.{i}.officers=1" for i in range(7)],
    *[f"banks.lenders.{i}.reviews_per_officer_day=0.3" for i in range(7)],
]
SURGE = "banks.surge_capacity={max_multiplier: 4, queue_days_trigger: 10, delay_days: 14}"


@pytest.fixture(scope="module")
def runs() -> tuple[sim.RunResult, sim.RunResult]:
    return sim.run(small_scenario(*SLOW), seed=4), sim.run(small_scenario(*SLOW, SURGE), seed=4)


def test_lenders_with_a_long_queue_add_capacity_after_the_delay_up_to_the_cap(runs):
    base, surged = runs
    c0 = base.timeseries["review_capacity_n"].to_numpy()
    c1 = surged.timeseries["review_capacity_n"].to_numpy()
    assert np.array_equal(c1[:14], c0[:14])  # nothing before the delay has passed
    assert (c1 >= c0 - 1e-9).all() and (c1 <= 4 * c0 + 1e-9).all()
    assert c1.max() > 1.2 * c0.max()


def test_added_capacity_shortens_the_wait_and_decides_each_application_once(runs):
    base, surged = runs

    def wait(r: sim.RunResult) -> float:
        a = r.applications
        d = a[a["outcome"] != "pending"]
        return float((d["decision_day"] - d["submit_day"]).mean())

    assert wait(surged) < 0.5 * wait(base)
    a = surged.applications
    decided = a[a["outcome"] != "pending"]
    assert (decided["decision_day"] >= decided["submit_day"]).all()
    assert surged.summary_values["approved_n"] > base.summary_values["approved_n"]
    # the books hold: every approved loan drawn once on its lender's quota
    q = surged.quotas
    ok = a[a["outcome"] == "approved"]
    assert q[q["kind"] == "bank_quota"]["drawn"].sum() == pytest.approx(ok["amount"].sum())


def test_no_surge_capacity_is_left_out_of_the_scenario():
    assert "surge_capacity" not in small_scenario().model_dump(mode="json")["banks"]
    s = small_scenario(SURGE)
    assert s.banks.surge_capacity.delay_days == 14
