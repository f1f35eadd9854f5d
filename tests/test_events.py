"""Events: dated changes of a scenario during a run (docs/model.md 7.17)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

import sim
from sim import ScenarioError
from sim.model.ledger import Ledger
from sim.scenario import parse_value, scenario_to_dict
from sim.scenario.events import event_states

from .conftest import HARD_CAPS, ROOT, small_scenario

#: a shared pool small enough to run out within the small run
POOL = [
    "loan_pool.total=3bn",
    "loan_pool.credit_sub_quota=null",
    "loan_pool.quota_mode=shared_pool",
]
DAY = 200


@pytest.fixture(scope="module")
def runs() -> tuple[sim.RunResult, sim.RunResult]:
    base = sim.run(small_scenario(*POOL), seed=1)
    raised = sim.run(
        small_scenario(*POOL, f"events=[{{day: {DAY}, path: loan_pool.total, value: 400bn}}]"),
        seed=1,
    )
    return base, raised


def test_raising_a_hard_pool_lets_refused_demand_through_from_its_day_only(runs):
    base, raised = runs
    a0, a1 = base.applications, raised.applications
    refused0 = a0[a0["outcome"] == "refused_quota"]["decision_day"]
    refused1 = a1[a1["outcome"] == "refused_quota"]["decision_day"]
    # without the event the pool refuses until the end; with it, only before its day
    assert refused0.min() < DAY and refused0.max() >= DAY
    assert len(refused1) > 0 and refused1.max() < DAY
    exhausted = int(refused0.min())
    ok1 = a1[a1["outcome"] == "approved"]["decision_day"]
    assert not ((ok1 > exhausted) & (ok1 < DAY)).any()  # closed until the event
    assert (ok1 >= DAY).sum() > (a0[a0["outcome"] == "approved"]["decision_day"] >= DAY).sum()
    pool = raised.quotas.set_index("account").loc["loan_pool"]
    assert pool["initial"] == pytest.approx(400e9)
    assert int(pool["exhausted_on"]) == exhausted  # the first day it closed
    assert pool["initial"] - pool["drawn"] == pytest.approx(pool["remaining"])


def test_a_run_with_events_is_the_run_without_them_before_the_first_event(runs):
    base, raised = runs
    cols = ["need", "firm", "bank", "attempt", "amount", "outcome", "guarantee", "end_day"]
    before0 = base.applications[base.applications["decision_day"] < DAY][cols]
    before1 = raised.applications[raised.applications["decision_day"] < DAY][cols]
    pd.testing.assert_frame_equal(before0.reset_index(drop=True), before1.reset_index(drop=True))
    t0, t1 = base.timeseries.iloc[:DAY], raised.timeseries.iloc[:DAY]
    pd.testing.assert_frame_equal(t0, t1)


def test_guarantee_terms_change_from_the_events_day():
    day = 120
    on = small_scenario(f"events=[{{day: {day}, path: guarantee.coverage, value: 1.0}}]")
    a = sim.run(on, seed=2).applications
    g = a[(a["outcome"] == "approved") & (a["guarantee"] > 0)]
    share = g["guarantee"] / g["amount"]
    cap = on.guarantee.cap_per_firm
    early, late = share[g["decision_day"] < day], share[g["decision_day"] >= day]
    assert len(early) and len(late)
    assert early.max() <= 0.8 + 1e-9
    # from the day on every guarantee is the whole loan, unless the per-firm cap binds
    assert ((late > 1 - 1e-9) | (g.loc[late.index, "guarantee"] >= cap * 0.999)).mean() > 0.5
    assert late.max() == pytest.approx(1.0)


def test_a_date_is_a_day_from_the_start_and_events_take_part_in_overrides():
    s = sim.load_scenario(
        HARD_CAPS,
        [
            "events=[{date: 2025-01-15, path: guarantee.coverage, value: 1.0}, "
            "{day: 40, path: loan_pool.total, value: 659bn}]",
            "events.1.day=30",
            "events.1.value=700bn",
        ],
    )
    assert s.horizon.start_date.isoformat() == "2024-12-02"
    assert s.events[0].day_in(s.horizon) == 44
    states = event_states(s)
    assert [st.day for st in states] == [30, 44]
    assert states[0].paths == ("loan_pool.total",)
    assert states[0].scenario.loan_pool.total == pytest.approx(700e9)
    assert states[-1].scenario.guarantee.coverage == 1.0
    assert states[-1].scenario.loan_pool.total == pytest.approx(700e9)  # events add up
    assert parse_value("events.1.value", "300bn") == pytest.approx(300e9)
    # a scenario without events dumps as before events existed
    assert "events" not in scenario_to_dict(small_scenario())


@pytest.mark.parametrize(
    ("event", "field", "words"),
    [
        ("{day: 5, path: population.firms_n, value: 10}", "events.0.path", "cannot change mid-run"),
        ("{day: 5, path: guarantee.coverag, value: 1}", "events.0.path", "did you mean"),
        ("{day: 5, path: guarantee.coverage, value: 1.5}", "events.0.value", "event 0"),
        (
            "{day: 5, date: 2025-01-01, path: guarantee.coverage, value: 1}",
            "events.0.day",
            "not both",
        ),
        ("{day: 9999, path: guarantee.coverage, value: 1}", "events.0.day", "within the horizon"),
    ],
)
def test_a_bad_event_is_refused_at_load_naming_it(event, field, words):
    with pytest.raises(ScenarioError) as exc:
        small_scenario(f"events=[{event}]")
    assert exc.value.field == field
    assert words in str(exc.value)


def test_cli_refuses_an_event_on_a_set_up_path_with_exit_2_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    code = "import sys, cli\nsys.argv = ['smesim', *sys.argv[1:]]\ncli.main()\n"
    r = subprocess.run(
        [
            sys.executable,
            "-c",
            textwrap.dedent(code),
            "run",
            str(HARD_CAPS),
            "--out",
            str(out),
            "--set",
            "events=[{day: 5, path: population.firms_n, value: 10}]",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert r.returncode == 2, r.stderr
    assert "events.0.path" in r.stderr and "population.firms_n" in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_resize_raises_reopens_and_never_takes_back():
    led = Ledger(10)
    hard = led.open("h", "loan_pool", 100.0)
    target = led.open("t", "loan_pool", 100.0, account_kind="target")
    led.freeze()
    granted, _ = led.draw(np.array([[hard, target], [hard, target]]), np.full((2, 2), 60.0), 1)
    assert granted.tolist() == [True, False] and led.closed[hard]
    led.resize(hard, 200.0, 2)
    assert not led.closed[hard] and led.level[hard] == pytest.approx(140.0)
    led.resize(hard, 30.0, 3)  # below what was drawn: nothing is taken back
    assert led.level[hard] == 0.0 and led.closed[hard] and led.drawn[hard] == 60.0
    assert led.initial[hard] == pytest.approx(60.0)
    led.resize(target, 30.0, 3)
    assert led.level[target] == pytest.approx(-30.0)
    assert led.reached_on[target] == 3 or led.reached_on[target] == -1
    for i in (hard, target):
        assert led.initial[i] + led.released[i] == pytest.approx(led.level[i] + led.drawn[i])


def test_an_events_value_and_day_are_levers_of_sweeps_and_designs():
    from sim.analysis.evaluation import parse_range, point_scenario

    s = small_scenario(
        "events=[{day: 30, path: guarantee.coverage, value: 1.0}, "
        "{day: 60, path: loan_pool.total, value: 500bn}]"
    )
    value = parse_range("events.1.value=300bn:700bn", s)
    assert (value.lo, value.hi, value.integer) == (300e9, 700e9, False)
    day = parse_range("events.0.day=10:50", s)
    assert day.integer
    with pytest.raises(ScenarioError, match="events.0.value"):
        parse_range("events.0.value=0.5:2", s)  # a coverage of 2 is refused, naming the event
    point = point_scenario(s, {"events.1.value": 650e9, "events.0.day": 12})
    assert point.events[0].day == 12
    assert event_states(point)[-1].scenario.loan_pool.total == pytest.approx(650e9)


@pytest.mark.parametrize("factor", [3.0, 0.25])
def test_an_event_on_the_rate_of_needs_changes_the_needs_from_its_day_only(factor):
    from sim.model.engine import Model

    day = 150
    base = small_scenario("demand.monthly_weights=null", "demand.waiting_at_launch_share=0.1")
    rate = base.demand.needs_per_firm_year * factor
    ev = small_scenario(
        "demand.monthly_weights=null",
        "demand.waiting_at_launch_share=0.1",
        f"events=[{{day: {day}, path: demand.needs_per_firm_year, value: {rate}}}]",
    )
    n0 = Model(base, np.random.SeedSequence(3)).needs
    n1 = Model(ev, np.random.SeedSequence(3)).needs
    new0, new1 = ~n0.renewal, ~n1.renewal
    before0 = n0.day[new0] < day
    before1 = n1.day[new1] < day
    # the needs before the event: the same, with the same draws, in the same places
    k = int(before0.sum())
    assert int(before1.sum()) == k
    assert np.array_equal(n0.firm[new0][:k], n1.firm[new1][:k])
    assert np.array_equal(n0.amount[new0][:k], n1.amount[new1][:k])
    assert np.array_equal(n0.u_apply[new0][:k], n1.u_apply[new1][:k])
    # after it, about factor times as many (the launch needs are all on day 0)
    after0, after1 = int((~before0).sum()), int((~before1).sum())
    assert after1 == pytest.approx(factor * after0, rel=0.15)


def test_budgets_of_awards_and_funds_are_resized_on_the_events_day():
    s = small_scenario(
        "events=[{day: 100, path: awards.budget, value: 2bn}, {day: 100, path: funds.total, value: 1bn}]"
    )
    q = sim.run(s, seed=1).quotas.set_index("account")
    assert q.loc["awards_budget", "initial"] == pytest.approx(2e9)
    assert q.loc["sme_funds", "initial"] == pytest.approx(max(1e9, q.loc["sme_funds", "drawn"]))
    for acc in ("awards_budget", "sme_funds"):
        row = q.loc[acc]
        assert row["initial"] == pytest.approx(row["drawn"] + row["remaining"])
