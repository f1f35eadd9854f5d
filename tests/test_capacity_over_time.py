"""Lenders over time: joining, staffing up, working days, registration, customers first."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

import sim
from sim.model.banks import build_lenders, review_capacity
from sim.model.calendar import working_days
from sim.model.queue import FluidQueue

from .conftest import small_scenario

# applications waiting at launch and a quick review, so that capacity is what binds
FAST = ["demand.waiting_at_launch_share=0.6", "banks.group.review_days=0"]


def _first_decision_day(res: sim.RunResult, bank_prefix: str) -> int:
    apps = res.applications
    mine = apps[apps["bank"].astype(str).str.startswith(bank_prefix)]
    return int(mine["decision_day"][mine["decision_day"] >= 0].min())


def test_a_lender_decides_nothing_before_it_joins():
    sc = small_scenario(*FAST, "banks.lenders.0.join_day=40")
    res = sim.run(sc, seed=1)
    name = sc.banks.lenders[0].name
    apps = res.applications
    mine = apps[(apps["bank"].astype(str) == name) & (apps["decision_day"] >= 0)]
    assert len(mine) > 0
    assert mine["decision_day"].min() >= 40 + sc.banks.lenders[0].review_days
    # joined from day 0 its first decisions come far earlier
    base = sim.run(small_scenario(*FAST), seed=1).applications
    theirs = base[(base["bank"].astype(str) == name) & (base["decision_day"] >= 0)]
    assert theirs["decision_day"].min() < 40


def test_waiting_firms_can_go_to_a_lender_that_has_joined():
    sets = [*FAST, "banks.group.join_day=60"]
    wait = sim.run(small_scenario(*sets), seed=2)
    move = sim.run(small_scenario(*sets, "banks.before_join=other_lender"), seed=2)
    group = small_scenario().banks.group.name
    # waiting: no group lender decides before day 60; moving: their firms are decided early
    assert _first_decision_day(wait, group) >= 60
    early = lambda r: (r.timeseries["approved_n"].iloc[:60]).sum()  # noqa: E731
    assert early(move) > early(wait)


def test_onboarding_spreads_join_days_evenly():
    sc = small_scenario("banks.group.n=10", "banks.group.onboarding_days=20")
    lenders = build_lenders(sc)
    group = lenders.join_day[len(sc.banks.lenders) :]
    assert group.tolist() == [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]


def test_ramp_capacity_rises_to_full_and_integrates_exactly():
    sc = small_scenario("banks.group.ramp_days=10", "banks.group.join_day=5")
    lenders = build_lenders(sc)
    cap = review_capacity(lenders, np.ones(200, dtype=bool))
    g = lenders.server[-1]
    full = lenders.review_rate_per_day[lenders.server == g].sum()
    assert (cap[g, :5] == 0).all()
    assert np.all(np.diff(cap[g, 5:]) >= -1e-12)
    # cumulative capacity = integral of c (1 - exp(-t / 10)) from the join day
    t = 60.0
    expected = full * (t - 10 * (1 - np.exp(-t / 10)))
    assert cap[g, 5 : 5 + 60].sum() == pytest.approx(expected, rel=1e-9)
    assert cap[g, -1] == pytest.approx(full, rel=1e-6)


def test_a_ramp_slows_early_decisions_but_not_the_total():
    group = small_scenario().banks.group.name

    def decided(*extra: str):
        apps = sim.run(small_scenario(*FAST, *extra), seed=3).applications
        mine = apps[apps["bank"].astype(str).str.startswith(group)]
        return mine["decision_day"][mine["decision_day"] >= 0]

    # two lenders in the group: their ramp binds on what their customers ask
    fast, slow = decided("banks.group.n=2"), decided("banks.group.n=2", "banks.group.ramp_days=30")
    assert (slow < 20).sum() < 0.7 * (fast < 20).sum()
    assert len(slow) == pytest.approx(len(fast), rel=0.05)


def test_weekdays_and_the_china_calendar():
    days = working_days(date(2025, 1, 20), 30, "weekdays")
    assert days[:5].all() and not days[5:7].any()  # 20 Jan 2025 is a Monday
    china = working_days(date(2025, 1, 20), 30, "china")
    start = date(2025, 1, 20).toordinal()
    on = lambda d: china[d.toordinal() - start]  # noqa: E731
    assert on(date(2025, 1, 26))  # a Sunday worked before the Spring Festival
    assert not on(date(2025, 1, 29))  # Spring Festival, a Wednesday
    assert on(date(2025, 2, 8))  # a Saturday worked after it


def test_reviews_end_on_working_days_only():
    sc = small_scenario(*FAST, "banks.calendar=weekdays", "banks.lenders.0.review_days=0")
    sc = sim.load_scenario(
        "scenarios/shanghai_2024.yaml",
        [
            "population.firms_n=3000",
            "horizon.days=120",
            "awards.round_days=[]",
            "loan_pool.reallocation_day=null",
            *FAST,
            "banks.calendar=weekdays",
            *[f"banks.lenders.{i}.review_days=0" for i in range(len(sc.banks.lenders))],
        ],
    )
    res = sim.run(sc, seed=4)
    decided = res.applications["decision_day"]
    decided = decided[decided >= 0]
    weekday = (sc.horizon.start_date.weekday() + decided.to_numpy()) % 7
    assert len(decided) > 100
    assert (weekday < 5).all()
    assert (res.timeseries["review_capacity_n"].to_numpy()[5:7] == 0).all()


def test_china_calendar_outside_its_years_is_refused():
    with pytest.raises(sim.ScenarioError) as err:
        small_scenario("banks.calendar=china", "horizon.start_date=2026-10-01")
    assert err.value.field == "banks.calendar"
    assert "2004-2026" in str(err.value)


def test_registration_cap_limits_daily_reviews():
    cap = 20.0
    res = sim.run(small_scenario(*FAST, f"loan_pool.processing_cap_per_day={cap}"), seed=5)
    free = sim.run(small_scenario(*FAST), seed=5)
    decided = res.applications.groupby("decision_day").size()
    # with review_days 0 at the group and the named lenders' fixed lag, a cap of 20 a day
    # keeps cumulative decisions within 20 x days (+ the named lenders' lag adds nothing)
    cum = res.applications[res.applications["decision_day"] >= 0].shape[0]
    assert cum <= cap * sc_days(res) + 1
    assert decided.max() < free.applications.groupby("decision_day").size().max()


def sc_days(res: sim.RunResult) -> int:
    return res.scenario.horizon.days


def test_existing_customers_are_reviewed_before_other_firms():
    # quota refusals send retries to other lenders; with customers first they wait longer
    sets = [
        "loan_pool.total=8bn",
        "loan_pool.credit_sub_quota=null",
        "behaviour.retry_delay_days=1",
        "demand.waiting_at_launch_share=0.6",
        # one officer a lender: queues form, and the order of service matters
        *[f"banks.lenders.{i}.officers=1" for i in range(7)],
    ]
    plain = sim.run(small_scenario(*sets), seed=6).applications
    first = sim.run(small_scenario(*sets, "banks.existing_customers_first=true"), seed=6)
    a = first.applications

    def wait(apps):
        retry = apps[(apps["attempt"] > 0) & (apps["decision_day"] >= 0)]
        assert len(retry) > 20
        return (retry["decision_day"] - retry["submit_day"]).mean()

    assert wait(a) > wait(plain)


def test_deferred_items_use_only_the_capacity_left():
    q = FluidQueue(np.full((1, 10), 2.0))
    q.defer(np.array([0, 0, 0]), np.array([7, 8, 9]))
    first = q.admit(np.array([0]), 0)  # a customer takes half of day 0
    ids, finish = q.serve_deferred(0)
    assert first[0] == pytest.approx(0.5)
    assert ids.tolist() == [7]  # one slot left on day 0
    assert finish[0] == pytest.approx(1.0)
    ids, finish = q.serve_deferred(1)
    assert ids.tolist() == [8, 9] and finish.tolist() == pytest.approx([1.5, 2.0])


def test_a_scheduled_queue_matches_the_constant_one_when_capacity_is_constant():
    rng = np.random.default_rng(0)
    const, sched = FluidQueue(np.array([3.0, 0.5])), FluidQueue(np.full((2, 400), [[3.0], [0.5]]))
    for day in range(0, 100, 3):
        servers = rng.integers(0, 2, size=rng.integers(0, 8))
        a, b = const.admit(servers, day), sched.admit(servers, day)
        assert np.allclose(a, b, rtol=0, atol=1e-9)


def test_a_sample_finishes_at_the_mean_of_the_real_applications():
    # one simulated application standing for 4 real ones on a server of 4 a day: the real
    # ones finish at 0.25, 0.5, 0.75, 1.0, so the simulated one at their mean, 0.625
    q = FluidQueue(np.array([1.0]), finish_share=(4 + 1) / (2 * 4))
    assert q.admit(np.array([0]), 0)[0] == pytest.approx(0.625)


def test_too_large_a_scale_for_the_lenders_warns():
    sc = sim.load_scenario(
        "scenarios/example_national_pool.yaml",
        ["population.firms_n=100", "population.scale=5000"],
    )
    res = sim.run(sc, seed=1)
    assert any("population.scale at most 3,000" in w for w in res.meta["warnings"])
    ok = sim.run(sim.load_scenario("scenarios/example_national_pool.yaml"), seed=1)
    assert ok.meta["warnings"] == []


def test_identical_named_lenders_share_one_server_class():
    # BoCom made like SPDB and Bank of Shanghai (capacity, review days, market share)
    sc = small_scenario(
        "banks.lenders.4.officers=5",
        "banks.lenders.4.market_share=0.12",
        "banks.lenders.4.review_days=7",
        "banks.lenders.3.market_share=0.08",
    )
    lenders = build_lenders(sc)
    assert lenders.server_names[4] == "BoCom+SPDB+BankOfShanghai"
    assert lenders.server[4] == lenders.server[5] == lenders.server[6]
    assert len(set(lenders.server[:4].tolist())) == 4
