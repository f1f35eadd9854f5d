"""The ledger under random sequences of draws, releases, transfers and closures (Hypothesis).

Every account's books balance after every operation, no level goes below zero, draws are
first come first served (a request is granted only if every account it needs can serve
it in full after the requests before it; an account that refuses one refuses every
later one), and the one-account fast path gives exactly what the general path gives.
"""

from __future__ import annotations

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from sim.model.ledger import Ledger

from .hypothesis_profiles import examples

N_ACCOUNTS = 4


def _ledger(levels: list[float]) -> Ledger:
    led = Ledger(100)
    for i, v in enumerate(levels):
        led.open(f"a{i}", "k", v)
    led.freeze()
    return led


def _books(led: Ledger) -> None:
    lhs = led.initial + led.released + led.transferred_in - led.transferred_out
    np.testing.assert_allclose(lhs, led.level + led.drawn, rtol=1e-12, atol=1e-6)
    assert (led.level >= 0).all()


amount = st.one_of(st.floats(0.0, 200.0), st.sampled_from([0.0, 25.0, 50.0, 100.0]))
levels = st.lists(st.sampled_from([0.0, 10.0, 100.0, 250.0, 1000.0]) | st.floats(0, 1e3),
                  min_size=N_ACCOUNTS, max_size=N_ACCOUNTS)  # fmt: skip
batch_1d = st.lists(st.tuples(st.integers(-1, N_ACCOUNTS - 1), amount), max_size=30)
batch_2d = st.lists(
    st.tuples(st.lists(st.integers(-1, N_ACCOUNTS - 1), min_size=2, max_size=2, unique=True),
              st.lists(amount, min_size=2, max_size=2)),
    max_size=30,
)  # fmt: skip
operation = st.one_of(
    st.tuples(st.just("draw1"), batch_1d),
    st.tuples(st.just("draw2"), batch_2d),
    st.tuples(st.just("release"), st.lists(st.tuples(st.integers(-1, N_ACCOUNTS - 1), amount))),
    st.tuples(st.just("transfer"), st.tuples(st.integers(0, N_ACCOUNTS - 1),
                                             st.integers(0, N_ACCOUNTS - 1), amount)),
    st.tuples(st.just("close"), st.integers(0, N_ACCOUNTS - 1)),
)  # fmt: skip


def _check_draw(led: Ledger, acc: np.ndarray, amt: np.ndarray, day: int) -> None:
    """Apply one draw and check it against a plain request-by-request reference."""
    level, closed = led.level.copy(), led.closed.copy()
    granted, failed = led.draw(acc, amt, day)
    acc2 = acc if acc.ndim == 2 else acc[:, None]
    amt2 = amt if amt.ndim == 2 else amt[:, None]
    for r in range(acc2.shape[0]):
        use = acc2[r] >= 0
        a, x = acc2[r][use], amt2[r][use]
        ok = not closed[a].any() and (x <= level[a] + 1e-6).all()
        assert granted[r] == ok, (r, a, x, level[a], closed[a])
        if ok:
            np.subtract.at(level, a, x)
        else:
            assert failed[r] in a
            if not closed[a].any():
                # the accounts that cannot serve this request in full close
                closed[a[x > level[a] + 1e-6]] = True
    assert (failed[granted] == -1).all()
    np.testing.assert_allclose(led.level, np.maximum(level, 0.0), atol=1e-6)
    assert (led.closed == closed).all()


@examples(500)
@given(start=levels, ops=st.lists(operation, max_size=12))
def test_books_balance_and_draws_are_first_come_first_served(start, ops):
    led = _ledger(start)
    for day, (kind, arg) in enumerate(ops):
        if kind == "draw1":
            acc = np.array([a for a, _ in arg], dtype=np.int64)
            amt = np.array([x for _, x in arg], dtype=float)
            _check_draw(led, acc, amt, day)
        elif kind == "draw2":
            acc = np.array([a for a, _ in arg], dtype=np.int64).reshape(-1, 2)
            amt = np.array([x for _, x in arg], dtype=float).reshape(-1, 2)
            _check_draw(led, acc, amt, day)
        elif kind == "release":
            led.release(np.array([a for a, _ in arg], dtype=np.int64),
                        np.array([x for _, x in arg], dtype=float))  # fmt: skip
        elif kind == "transfer":
            src, dst, x = arg
            if src != dst:
                led.transfer(src, dst, x)
        else:
            led.close(arg, day)
        _books(led)
    # refusals are counted at the account that refused
    assert (led.refused_amount >= 0).all()
    assert ((led.exhausted_on >= 0) | ~led.closed).all()


@examples(500)
@given(start=levels, batches=st.lists(batch_1d, min_size=1, max_size=6))
# a running total taken across accounts once refused a tiny request on an empty account
@example(start=[0.0, 0.0, 0.0, 0.0], batches=[[(1, 1e-06), (0, 1.0)]])
def test_one_account_fast_path_equals_the_general_path(start, batches):
    fast, general = _ledger(start), _ledger(start)
    for day, batch in enumerate(batches):
        acc = np.array([a for a, _ in batch], dtype=np.int64)
        amt = np.array([x for _, x in batch], dtype=float)
        g1, f1 = fast.draw(acc, amt, day)
        g2, f2 = general.draw(acc[:, None], amt[:, None], day)
        assert g1.tolist() == g2.tolist()
        assert f1.tolist() == f2.tolist()
        for name in ["level", "drawn", "draws_n", "refused_n", "refused_amount", "closed",
                     "exhausted_on"]:  # fmt: skip
            np.testing.assert_allclose(
                getattr(fast, name), getattr(general, name), rtol=0, atol=1e-9, err_msg=name
            )


# ---------------------------------------------------------------- account kinds

kinds = st.lists(st.sampled_from(["hard", "target", "revolving"]),
                 min_size=N_ACCOUNTS, max_size=N_ACCOUNTS)  # fmt: skip
operation_kinds = st.one_of(
    st.tuples(st.just("draw2"), batch_2d),
    st.tuples(st.just("partial"), batch_2d),
    st.tuples(st.just("release"), st.lists(st.tuples(st.integers(-1, N_ACCOUNTS - 1), amount))),
    st.tuples(st.just("transfer"), st.tuples(st.integers(0, N_ACCOUNTS - 1),
                                             st.integers(0, N_ACCOUNTS - 1), amount)),
    st.tuples(st.just("close"), st.integers(0, N_ACCOUNTS - 1)),
)  # fmt: skip


def _kinds_ledger(levels: list[float], account_kinds: list[str]) -> Ledger:
    led = Ledger(100)
    for i, (v, k) in enumerate(zip(levels, account_kinds, strict=True)):
        led.open(f"a{i}", "k", v, account_kind=k)
    led.freeze()
    return led


def _check_kinds_draw(
    led: Ledger, acc: np.ndarray, amt: np.ndarray, day: int, min_share: np.ndarray | None
) -> None:
    """One draw (partial grants when ``min_share`` is given) against a request-by-request
    reference: targets never refuse; a hard or revolving account refuses what it cannot
    serve (or grants what remains when that share is at least ``min_share``)."""
    target = led.is_target
    level, closed = led.level.copy(), led.closed.copy()
    if min_share is None:
        granted, failed = led.draw(acc, amt, day)
        got = np.where(granted[:, None] & (acc >= 0), amt, 0.0)
    else:
        got, failed = led.draw_scaled(acc, amt, day, min_share)
        granted = failed == -1
    for r in range(acc.shape[0]):
        use = acc[r] >= 0
        a, x = acc[r][use], amt[r][use]
        limit = ~target[a]
        short = limit & (x > level[a] + 1e-6)
        if closed[a].any():
            assert failed[r] in a and not granted[r]
            continue
        if not short.any():
            np.testing.assert_allclose(got[r][use], x, atol=1e-9)
            np.subtract.at(level, a, x)
            assert failed[r] == -1
            continue
        pos = limit & (x > 0)
        with np.errstate(over="ignore"):
            ratio = np.maximum(level[a][pos], 0) / x[pos]
        share = min(1.0, ratio.min())
        if min_share is not None and share > 0 and share >= min_share[r]:
            # granted in part: every account the same share, the binding one emptied
            np.testing.assert_allclose(got[r][use], x * share, rtol=1e-9, atol=1e-6)
            np.subtract.at(level, a, got[r][use])
            closed[a[pos][np.argmin(ratio)]] = True
            assert failed[r] == -1
        else:
            assert not granted[r] and failed[r] in a[short]
            closed[a[short]] = True
    np.testing.assert_allclose(led.level, np.where(target, level, np.maximum(level, 0.0)),
                               atol=1e-6)  # fmt: skip
    assert (led.closed == closed).all()


@examples(150)
@given(start=levels, account_kinds=kinds, ops=st.lists(operation_kinds, max_size=12),
       min_amount=st.floats(0.0, 1.0))  # fmt: skip
def test_books_balance_for_every_account_kind(start, account_kinds, ops, min_amount):
    led = _kinds_ledger(start, account_kinds)
    target, revolving = led.is_target, led.is_revolving
    ever = np.zeros(N_ACCOUNTS, dtype=bool)  # targets drawn down to their level by a draw
    for day, (op, arg) in enumerate(ops):
        if op in ("draw2", "partial"):
            acc = np.array([a for a, _ in arg], dtype=np.int64).reshape(-1, 2)
            amt = np.array([x for _, x in arg], dtype=float).reshape(-1, 2)
            share = None if op == "draw2" else np.full(acc.shape[0], min_amount)
            _check_kinds_draw(led, acc, amt, day, share)
            ever |= target & (led.drawn > 0) & (led.level <= 1e-6 + 1e-9 * led.initial)
        elif op == "release":
            before = led.released.copy()
            a = np.array([a for a, _ in arg], dtype=np.int64)
            x = np.array([x for _, x in arg], dtype=float)
            led.release(a, x)
            # only revolving accounts take capacity back
            want = before + np.bincount(a[a >= 0], x[a >= 0], minlength=N_ACCOUNTS) * revolving
            np.testing.assert_allclose(led.released, want, atol=1e-9)
        elif op == "transfer":
            src, dst, x = arg
            if src != dst:
                led.transfer(src, dst, x)
        else:
            led.close(arg, day)
        lhs = led.initial + led.released + led.transferred_in - led.transferred_out
        np.testing.assert_allclose(lhs, led.level + led.drawn, rtol=1e-12, atol=1e-6)
        assert (led.level[~target] >= 0).all()
    # a target never refuses, is never exhausted, and is reached when drawn to its level
    assert (led.refused_n[target] == 0).all() and not led.closed[target].any()
    assert (led.exhausted_on[target] < 0).all() and (led.reached_on[~target] < 0).all()
    assert ((led.reached_on >= 0) == ever).all()
