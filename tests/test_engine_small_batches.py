"""The engine's shortcuts for small batches give what the general paths give.

Agendas and the officers' queue sort a small batch on its own keys and group servers
without ``repeat``; the ledger stops watching a target once reached. Each is compared
here with a plain reference on the same input.
"""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.model import arrivals as arrivals_module
from sim.model import engine as engine_module
from sim.model import ledger as ledger_module
from sim.model import queue
from sim.model import review as review_module
from sim.model.engine import simulate
from sim.model.ledger import Ledger
from sim.model.queue import Agenda, FluidQueue, group_by_server

from .conftest import small_scenario


def _reference_groups(servers: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stable order by server, each item's rank among its server's, last index per group."""
    order = np.lexsort((np.arange(servers.size), servers))
    s = servers[order]
    rank = np.array([np.count_nonzero(s[:i] == s[i]) for i in range(s.size)])
    last = np.array([i for i in range(s.size) if i == s.size - 1 or s[i + 1] != s[i]])
    return order, rank, last


@pytest.mark.parametrize("n", [1, 2, 7, 40, 1023, 1024, 3000])
def test_servers_are_grouped_as_by_a_plain_stable_sort(n):
    rng = np.random.default_rng(n)
    servers = rng.integers(0, 9, n)
    order, s_sorted, rank, last = group_by_server(servers, 9)
    ref_order, ref_rank, ref_last = _reference_groups(servers)
    assert order.tolist() == ref_order.tolist()
    assert s_sorted.tolist() == servers[ref_order].tolist()
    assert rank.tolist() == ref_rank.tolist()
    assert last.tolist() == ref_last.tolist()


def test_queue_finishing_times_do_not_depend_on_how_a_day_is_split():
    rng = np.random.default_rng(3)
    servers = rng.integers(0, 5, 2500)
    whole = FluidQueue(np.array([3.0, 5.0, 0.5, 8.0, 2.0])).admit(servers, 4)
    q = FluidQueue(np.array([3.0, 5.0, 0.5, 8.0, 2.0]))
    parts = [q.admit(servers[lo : lo + 7], 4) for lo in range(0, servers.size, 7)]
    np.testing.assert_allclose(np.concatenate(parts), whole, rtol=1e-12)


def test_agenda_files_small_and_large_batches_alike():
    rng = np.random.default_rng(5)
    days = rng.integers(0, 40, 3000)
    ids = rng.permutation(3000)
    large, small = Agenda(), Agenda()
    large.add(days, ids)  # one batch above the small-batch size
    for lo in range(0, days.size, 11):
        small.add(days[lo : lo + 11], ids[lo : lo + 11])
    for day in range(41):
        expected = np.sort(ids[days == day])
        assert large.pop(day).tolist() == expected.tolist()
        assert small.pop(day).tolist() == expected.tolist()


def test_a_target_reached_by_a_transfer_is_recorded_at_the_next_draw_and_kept():
    led = Ledger(30)
    target = led.open("aim", "loan_pool", 10.0, account_kind="target")
    other = led.open("other", "bank_quota", 100.0)
    led.freeze()
    granted, _ = led.draw(np.array([target]), np.array([4.0]), 2)
    assert granted.all() and led.reached_on[target] == -1
    led.transfer(target, other, 6.0)  # nothing left of the aim, but no draw yet
    assert led.reached_on[target] == -1
    led.draw(np.array([other]), np.array([1.0]), 5)  # any later draw records it
    assert led.reached_on[target] == 5
    led.draw(np.array([target]), np.array([1.0]), 9)
    assert led.reached_on[target] == 5  # the first day it was reached stays


@pytest.mark.parametrize("scheduled", [False, True])
def test_a_few_items_get_the_times_of_the_batch_path_bit_for_bit(scheduled, monkeypatch):
    # a few items are admitted one by one in Python: the same floating-point operations,
    # so the same times, bit for bit, as the numpy path on the same items
    rng = np.random.default_rng(11)
    rate = rng.uniform(0.3, 4.0, 4)
    if scheduled:
        rate = np.outer(rate, rng.integers(0, 2, 60) * rng.uniform(0.5, 1.5, 60))
    few, batch = FluidQueue(rate, finish_share=0.6), FluidQueue(rate, finish_share=0.6)
    few_days, batch_days = FluidQueue(rate, finish_share=0.6), FluidQueue(rate, finish_share=0.6)
    for day in range(45):
        servers = rng.integers(0, 4, rng.integers(1, 8))
        got = few.admit(servers, day)
        got_days = few_days.admit_days(servers.tolist(), day, never=99)
        with monkeypatch.context() as m:
            m.setattr(queue, "FEW", 0)  # no batch is "a few": the numpy path
            expected = batch.admit(servers, day)
            expected_days = batch_days.admit_days(servers, day, never=99)
        assert got.tolist() == expected.tolist()
        assert got_days == expected_days.tolist()
        assert expected_days.tolist() == np.where(np.isinf(got), 99, np.floor(got)).tolist()
    assert np.isinf(got).any() or not scheduled  # the schedule ran out: infinite times too
    state = "busy_w" if scheduled else "busy_until"
    assert getattr(few, state).tolist() == getattr(batch, state).tolist()


def _books(led: Ledger) -> list:
    return [led.level.tolist(), led.drawn.tolist(), led.draws_n.tolist(), led.closed.tolist()]


def test_a_draw_of_a_few_cells_books_what_the_batch_path_books_bit_for_bit(monkeypatch):
    # a few cells are drawn in Python when they surely fit; the books (levels to the last
    # bit, counts, closures) and the answers are those of the numpy path, also as accounts
    # run short and close (the Python check then hands the draw to the general path)
    rng = np.random.default_rng(21)
    ledgers = []
    for _ in range(2):
        led = Ledger(200)
        for i in range(5):
            led.open(f"q{i}", "bank_quota", 40.0 + 7.3 * i)
        led.open("aim", "loan_pool", 60.0, account_kind="target")
        led.freeze()
        ledgers.append(led)
    few, batch = ledgers
    for day in range(120):
        m = int(rng.integers(1, 5))
        acc = rng.integers(-1, 6, (m, 3))
        acc[:, 0] = rng.integers(0, 5, m)  # every request draws on a quota
        amt = rng.uniform(0.01, 3.0, (m, 3)) / 3.0
        got = few.draw(acc, amt, day)
        with monkeypatch.context() as mp:
            mp.setattr(ledger_module, "FEW", 0)  # the numpy path
            expected = batch.draw(acc, amt, day)
        assert [x.tolist() for x in got] == [x.tolist() for x in expected]
        assert _books(few) == _books(batch)
    assert few.closed.any() and not few.closed.all()  # some ran short on the way


def _run_books(scenario: sim.Scenario) -> dict[str, list]:
    model = simulate(scenario, np.random.SeedSequence(scenario.seed))
    books = {f"apps.{k}": v.tolist() for k, v in model.apps.view().items()}
    books["needs.fate"] = model.needs.fate.tolist()
    books["ledger"] = _books(model.ledger)
    books.update({f"ts.{k}": v.tolist() for k, v in model.ts.items()})
    return books


@pytest.mark.parametrize(
    "extra",
    [
        (),  # a few applications a day, and some days of more (the first days)
        (  # a pool that runs out, partial grants, own customers first, registration cap
            "loan_pool.total=2bn",
            "loan_pool.credit_sub_quota=1bn",
            "loan_pool.partial_grants=true",
            "banks.existing_customers_first=true",
            "loan_pool.processing_cap_per_day=20",
            "guarantee.mode=bank_choice",
        ),
    ],
)
def test_the_paths_for_a_few_items_change_no_result(extra, monkeypatch):
    # every shortcut for a few items (agendas, queues, ledger draws, arrivals, decisions)
    # against the numpy paths alone, on whole runs: every application, need, balance and
    # daily count
    scenario = small_scenario("population.firms_n=1500", *extra)
    few = _run_books(scenario)
    for module, name in [
        (queue, "FEW"),
        (review_module, "FEW"),
        (arrivals_module, "FEW"),
        (engine_module, "FEW"),
        (ledger_module, "FEW"),
    ]:
        monkeypatch.setattr(module, name, 0)
    assert few == _run_books(scenario)
