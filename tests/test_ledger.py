"""Ledger: first-come-first-served draws, closure, releases, transfers and the books."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model.ledger import Ledger


def _books_balance(led: Ledger) -> None:
    lhs = led.initial + led.released + led.transferred_in - led.transferred_out
    np.testing.assert_allclose(lhs, led.level + led.drawn, rtol=0, atol=1e-6)
    assert (led.level >= 0).all()


def _ledger(*levels: float, account_kind: str = "hard") -> Ledger:
    led = Ledger(10)
    for i, v in enumerate(levels):
        led.open(f"a{i}", "k", v, account_kind=account_kind)
    led.freeze()
    return led


def test_draws_in_order_until_first_request_that_does_not_fit():
    led = _ledger(100.0)
    granted, failed = led.draw(np.zeros(4, dtype=int), np.array([40.0, 50.0, 20.0, 5.0]), day=3)
    # 40 + 50 fit; 20 does not (10 left) -> the quota closes; 5 is refused too
    assert granted.tolist() == [True, True, False, False]
    assert failed.tolist() == [-1, -1, 0, 0]
    assert led.exhausted_on[0] == 3
    assert led.refused_n[0] == 2
    assert led.refused_amount[0] == pytest.approx(25.0)
    assert led.level[0] == pytest.approx(10.0)
    _books_balance(led)


def test_request_needs_every_account_and_refusal_does_not_consume():
    led = _ledger(100.0, 30.0)
    acc = np.array([[0, 1], [0, -1], [0, 1]])
    amt = np.array([[20.0, 20.0], [50.0, 0.0], [20.0, 20.0]])
    granted, failed = led.draw(acc, amt, day=1)
    # third request fails on account 1 (10 left) and so draws nothing from account 0
    assert granted.tolist() == [True, True, False]
    assert failed.tolist() == [-1, -1, 1]
    assert led.level.tolist() == pytest.approx([30.0, 10.0])
    assert led.closed.tolist() == [False, True]
    _books_balance(led)


def test_closed_account_refuses_later_days_and_release_reopens():
    led = _ledger(10.0, account_kind="revolving")
    led.draw(np.array([0, 0]), np.array([8.0, 5.0]), day=0)
    assert led.closed[0]
    granted, _ = led.draw(np.array([0]), np.array([1.0]), day=1)
    assert not granted[0]
    led.release(np.array([0]), np.array([8.0]))
    granted, _ = led.draw(np.array([0]), np.array([9.0]), day=2)
    assert granted[0]
    assert led.exhausted_on[0] == 0  # the first exhaustion is kept
    _books_balance(led)


def test_transfer_moves_money_and_books_balance():
    led = _ledger(50.0, 5.0)
    led.draw(np.array([1, 1]), np.array([5.0, 1.0]), day=0)
    led.transfer(0, 1, 20.0)
    assert not led.closed[1]
    assert led.level.tolist() == pytest.approx([30.0, 20.0])
    _books_balance(led)


def test_random_batches_keep_books_and_levels_non_negative():
    rng = np.random.default_rng(5)
    led = _ledger(*rng.uniform(0, 500, size=6))
    for day in range(30):
        m = int(rng.integers(0, 40))
        acc = rng.integers(-1, 6, size=(m, 3))
        amt = rng.uniform(0, 60, size=(m, 3))
        granted, failed = led.draw(acc, amt, day)
        assert ((failed == -1) == granted).all()
        _books_balance(led)


def test_one_account_requests_settle_as_the_general_path_does():
    # shape (m,) takes a one-pass path; shape (m, 1) the general one: same books
    rng = np.random.default_rng(11)
    for _ in range(200):
        levels = rng.uniform(0, 300, size=int(rng.integers(1, 7)))
        one, general = _ledger(*levels), _ledger(*levels)
        for day in range(5):
            m = int(rng.integers(0, 50))
            acc = rng.integers(-1, levels.size, size=m)
            amt = np.round(rng.uniform(0, 50, size=m), 1)
            g1, f1 = one.draw(acc, amt, day)
            g2, f2 = general.draw(acc[:, None], amt[:, None], day)
            assert g1.tolist() == g2.tolist()
            assert f1.tolist() == f2.tolist()
            for books in ("level", "drawn", "draws_n", "refused_n", "refused_amount"):
                np.testing.assert_array_equal(getattr(one, books), getattr(general, books))
            assert one.exhausted_on.tolist() == general.exhausted_on.tolist()
            if rng.random() < 0.3:
                back = rng.integers(0, levels.size, size=2)
                one.release(back, np.array([30.0, 5.0]))
                general.release(back, np.array([30.0, 5.0]))
            _books_balance(one)


def test_a_release_on_a_hard_account_is_ignored():
    led = _ledger(10.0)
    led.draw(np.array([0, 0]), np.array([8.0, 5.0]), day=0)
    led.release(np.array([0]), np.array([8.0]))
    assert led.closed[0] and led.released[0] == 0 and led.level[0] == 2.0
