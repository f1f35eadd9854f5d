"""Ledger: every quota, budget and capacity as an account, with first-come-first-served draws.

Public names: :class:`Ledger`, :data:`ACCOUNT_KINDS`.

Each account has a role (``bank_quota``, ``guarantee_capacity``, ...: the ``kind``
column of the quotas table), an initial level and one of three *account kinds*
(``account_kind``; docs/model.md 7.7):

``hard``
    A budget: it refuses the first request in line it cannot serve in full and from
    then on every request (it is *exhausted*) until a transfer (reallocation) reopens it.
``revolving``
    An outstanding limit: like ``hard``, but the amount of a loan that ends (matures or
    defaults) comes back (:meth:`Ledger.release`) and reopens it.
``target``
    An announced aim: it never refuses; its level may fall below zero. The day its
    cumulative draws first reach the level (*reached*) and the overshoot (drawn beyond
    the target) are recorded.

Draws lower the level, releases (revolving accounts only) and transfers move it. The
books always satisfy, to rounding::

    initial + released + transferred_in - transferred_out == remaining + drawn

and no hard or revolving level is ever below zero. Refused requests are counted as the
account's unmet demand. With partial grants (:meth:`Ledger.draw_scaled`) a request that
a hard or revolving account cannot serve in full is granted what remains, scaled down on
all its accounts alike, when that is at least the request's minimum share.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .queue import FEW, run_lengths

__all__ = ["ACCOUNT_KINDS", "Ledger"]

#: The account kinds, in the order of their codes.
ACCOUNT_KINDS = ("hard", "target", "revolving")

_EPS = 1e-6
_NO_ACCOUNTS = np.empty(0, dtype=np.int64)  # (never written to)
_UNIT_ROUNDOFF = 2.0**-53
_INT16_MAX = 32767
#: A target is reached when what remains of it is below this share of its initial level.
_REACHED_RTOL = 1e-9


class Ledger:
    """A set of accounts held as parallel arrays.

    Parameters
    ----------
    days
        Length of the horizon, for the daily level history.
    """

    def __init__(self, days: int):
        self.days = int(days)
        self.names: list[str] = []
        self.kinds: list[str] = []
        self.groups: list[str] = []
        self.account_kinds: list[str] = []
        #: per account: the outcome of an application it refuses (None: loans do not draw on it)
        self.refusals: list[int | None] = []
        self._initial: list[float] = []
        self.level = np.empty(0)
        self._history: list[np.ndarray] = []

    # ------------------------------------------------------------------ set-up
    def open(
        self,
        name: str,
        kind: str,
        initial: float,
        group: str = "",
        account_kind: str = "hard",
        refusal: int | None = None,
    ) -> int:
        """Open an account and return its index.

        Parameters
        ----------
        name
            Unique account name.
        kind
            The account's role (``bank_quota``, ``guarantee_capacity``, ...).
        initial
            Initial level (finite, >= 0).
        group
            The measure the account belongs to.
        account_kind
            ``hard``, ``target`` or ``revolving`` (see the module docstring).
        refusal
            The outcome code (:class:`~sim.model.codes.Outcome`) of a loan application
            the account refuses, when loans draw on it; None when none do.
        """
        if not np.isfinite(initial) or initial < 0:
            raise ValueError(f"account {name!r}: initial level must be finite and >= 0")
        if account_kind not in ACCOUNT_KINDS:
            raise ValueError(
                f"account {name!r}: account kind must be one of {ACCOUNT_KINDS}; "
                f"got {account_kind!r}"
            )
        self.names.append(name)
        self.kinds.append(kind)
        self.groups.append(group)
        self.account_kinds.append(account_kind)
        self.refusals.append(refusal)
        self._initial.append(float(initial))
        return len(self.names) - 1

    def open_many(
        self,
        names: list[str],
        kind: str,
        initial: np.ndarray,
        group: str = "",
        account_kind: str = "hard",
        refusal: int | None = None,
    ) -> np.ndarray:
        """Open several accounts of one role and kind; return their indices."""
        return np.array(
            [
                self.open(n, kind, float(v), group, account_kind, refusal)
                for n, v in zip(names, initial, strict=True)
            ],
            dtype=np.int64,
        )

    def freeze(self) -> None:
        """Finish set-up: allocate the account arrays."""
        k = len(self.names)
        self.initial = np.array(self._initial, dtype=float)
        self.level = self.initial.copy()
        self.drawn = np.zeros(k)
        self.released = np.zeros(k)
        self.transferred_in = np.zeros(k)
        self.transferred_out = np.zeros(k)
        self.draws_n = np.zeros(k, dtype=np.int64)
        self.refused_n = np.zeros(k, dtype=np.int64)
        self.refused_amount = np.zeros(k)
        self.closed = np.zeros(k, dtype=bool)
        self.exhausted_on = np.full(k, -1, dtype=np.int64)
        kinds = np.array(self.account_kinds, dtype=object)
        self.is_target = kinds == "target"
        self.is_revolving = kinds == "revolving"
        # the lowest level an account may hold: zero, or none for a target
        self._floor = np.where(self.is_target, -np.inf, 0.0)
        self._not_target = ~self.is_target
        #: the targets not reached yet, and the level below which each counts as reached
        self._targets = self.is_target.nonzero()[0]
        self._reached_level = _EPS + _REACHED_RTOL * self.initial[self._targets]
        self.reached_on = np.full(k, -1, dtype=np.int64)
        self.index = {n: i for i, n in enumerate(self.names)}

    # ------------------------------------------------------------------ draws
    def draw(
        self, accounts: np.ndarray, amounts: np.ndarray, day: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Serve a batch of requests first come first served.

        Parameters
        ----------
        accounts
            Shape ``(m, k)``: the accounts each request must draw on (``-1`` = none).
            A request is granted only if every one of its hard and revolving accounts
            can serve it (a target account always can).
        amounts
            Shape ``(m, k)``: the amount drawn on each of those accounts.
        day
            Today, recorded as the exhaustion day of accounts that close and the day
            targets are reached.

        Returns
        -------
        granted : numpy.ndarray of bool, shape ``(m,)``
        failed_account : numpy.ndarray of int, shape ``(m,)``
            The first account that could not serve a refused request, ``-1`` if granted.
        """
        acc = np.asarray(accounts, dtype=np.int64)
        amt = np.asarray(amounts, dtype=float)
        if acc.ndim == 1:
            return self._draw_single(acc, amt, day)
        granted, failed, _ = self._draw_rows(acc, amt, day, None)
        return granted, failed

    def draw_scaled(
        self, accounts: np.ndarray, amounts: np.ndarray, day: int, min_share: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`draw` with partial grants.

        The first request in line that some hard or revolving account cannot serve in
        full is granted the largest share of it that every one of its accounts can
        serve, on all its accounts alike, when that share is at least its
        ``min_share``: the account that binds is then empty (its level is exactly zero,
        and cells of the request with the same amount draw exactly what remained) and
        closes. A smaller share is refused, as in :meth:`draw`.

        Parameters
        ----------
        accounts, amounts, day
            As for :meth:`draw` (two-dimensional).
        min_share
            Shape ``(m,)``: the smallest share of each request that may be granted
            (e.g. the minimum loan over the loan asked for).

        Returns
        -------
        granted_amounts : numpy.ndarray, shape ``(m, k)``
            What each request drew on each of its accounts (zeros if refused).
        failed_account : numpy.ndarray of int, shape ``(m,)``
        """
        acc = np.atleast_2d(np.asarray(accounts, dtype=np.int64))
        amt = np.atleast_2d(np.asarray(amounts, dtype=float))
        share_min = np.asarray(min_share, dtype=float)
        granted, failed, out = self._draw_rows(acc, amt, day, share_min)
        return out, failed

    def _first_over(
        self, ca: np.ndarray, cx: np.ndarray, cr: np.ndarray, live: np.ndarray, m: int
    ) -> tuple[int, np.ndarray]:
        """The first request (row) whose ``live`` cells take a hard account past its level
        (``m`` if none), and the accounts it takes past their level: cells ``ca``
        (accounts), ``cx`` (amounts), ``cr`` (rows)."""
        # running total per account over the unblocked requests from ``start`` on,
        # cells sorted by account (a stable sort keeps request order within one)
        live_cells = live.nonzero()[0]
        by_acc = live_cells[self._sort_key(ca[live_cells]).argsort(kind="stable")]
        ids_o, rows_o, x_o = ca[by_acc], cr[by_acc], cx[by_acc]
        cum = x_o.cumsum()
        heads = np.concatenate(([True], ids_o[1:] != ids_o[:-1])).nonzero()[0]
        base = np.repeat(cum[heads] - x_o[heads], run_lengths(heads, ids_o.size))
        limit = self.level[ids_o] + _EPS
        local = cum - base
        over = local > limit
        # the running total of one account, taken as a difference of totals over
        # all accounts, carries their rounding: where it lies that close to the
        # limit, the account's total is summed again from 0, as the one-account
        # path sums it
        near = np.abs(local - limit) <= 1e-9 * np.maximum(1.0, np.abs(cum))
        if near.any():
            ends = np.append(heads[1:], ids_o.size)
            for h in np.unique(np.searchsorted(heads, near.nonzero()[0], "right") - 1):
                lo, hi = int(heads[h]), int(ends[h])
                over[lo:hi] = x_o[lo:hi].cumsum() > limit[lo:hi]
        over &= self._not_target[ids_o]  # a target never refuses
        if not over.any():
            return m, _NO_ACCOUNTS
        r = int(rows_o[over].min())
        return r, ids_o[over & (rows_o == r)]

    def _draw_rows(
        self, acc: np.ndarray, amt: np.ndarray, day: int, min_share: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The two-dimensional draw: granted, failed account and amounts drawn."""
        m = acc.shape[0]
        failed = np.empty(m, dtype=np.int64)
        failed.fill(-1)
        out = np.zeros(amt.shape)
        # the requests' cells (account, amount) in request order (row-major)
        cells = acc >= 0
        ca, cx = acc[cells], amt[cells]
        if ca.size < FEW:  # a few cells: the fast path in Python
            if self.draw_few(ca.tolist(), cx.tolist(), day):
                out[cells] = cx
                return np.ones(m, dtype=bool), failed, out
        elif not np.count_nonzero(self.closed[ca]) and self._surely_fits(ca, cx):
            # nothing is closed and every account has room for the whole batch
            np.subtract.at(self.level, ca, cx)
            np.add.at(self.drawn, ca, cx)
            np.add.at(self.draws_n, ca, 1)
            self._settle(day)
            out[cells] = cx
            return np.ones(m, dtype=bool), failed, out
        granted = np.zeros(m, dtype=bool)
        cr, cc = cells.nonzero()
        start = 0
        while start < m:
            # a request with a cell on a closed account is blocked (refused, draws nothing)
            shut = self.closed[ca]
            blocked = np.zeros(m, dtype=bool)
            blocked[cr[shut]] = True
            live = cr >= start
            live &= ~blocked[cr]
            r, over_accounts = m, _NO_ACCOUNTS
            if live.any() and not self._surely_fits(ca[live], cx[live]):
                r, over_accounts = self._first_over(ca, cx, cr, live, m)
            # requests before r: blocked ones refused, others granted
            span = cr >= start
            span &= cr < r
            ok = span & ~blocked[cr]
            if ok.any():
                ids_ok, x_ok = ca[ok], cx[ok]
                np.subtract.at(self.level, ids_ok, x_ok)
                np.add.at(self.drawn, ids_ok, x_ok)
                np.add.at(self.draws_n, ids_ok, 1)
                out[cr[ok], cc[ok]] = x_ok
            granted[start:r] = ~blocked[start:r]
            span &= shut
            if span.any():
                # a blocked request fails on its first closed account
                br = cr[span]
                first = np.concatenate(([True], br[1:] != br[:-1]))
                f_acc, f_x = ca[span][first], cx[span][first]
                failed[br[first]] = f_acc
                np.add.at(self.refused_n, f_acc, 1)
                np.add.at(self.refused_amount, f_acc, f_x)
            if r < m:
                granted[r] = self._serve_over(
                    acc, amt, out, failed, r, over_accounts, min_share, day
                )
            start = r + 1
        self._settle(day)
        return granted, failed, out

    def _serve_over(
        self,
        acc: np.ndarray,
        amt: np.ndarray,
        out: np.ndarray,
        failed: np.ndarray,
        r: int,
        over_accounts: np.ndarray,
        min_share: np.ndarray | None,
        day: int,
    ) -> bool:
        """Row ``r`` is the first request some open account cannot serve: grant it in
        part, or refuse it and close those accounts (``r`` is never a blocked row).
        Whether it is granted."""
        if min_share is not None and self._grant_part(acc, amt, out, r, min_share, day):
            return True
        f = int(over_accounts[0])
        for oa in np.unique(over_accounts):
            self._close(int(oa), day)
        c = int((acc[r] == f).nonzero()[0][0])
        failed[r] = f
        self.refused_n[f] += 1
        self.refused_amount[f] += amt[r, c]
        return False

    def _grant_part(
        self,
        acc: np.ndarray,
        amt: np.ndarray,
        out: np.ndarray,
        r: int,
        min_share: np.ndarray,
        day: int,
    ) -> bool:
        """Grant request ``r`` the share of it its accounts can still serve, if large enough."""
        cells = (acc[r] >= 0).nonzero()[0]
        ra, rx = acc[r, cells], amt[r, cells]
        limit = ~self.is_target[ra] & (rx > 0)
        room = np.maximum(self.level[ra], 0.0)
        with np.errstate(over="ignore"):  # a tiny amount does not bind: its ratio is inf
            ratio = np.where(limit, room / np.where(limit, rx, 1.0), np.inf)
        b = int(ratio.argmin())
        share = min(float(ratio[b]), 1.0)
        if not share > 0 or share < min_share[r]:
            return False
        x = rx * share
        # cells asking what the binding cell asked draw exactly what remained on it
        x[rx == rx[b]] = room[b]
        np.subtract.at(self.level, ra, x)
        np.add.at(self.drawn, ra, x)
        np.add.at(self.draws_n, ra, 1)
        out[r, cells] = x
        self.level[ra[b]] = 0.0
        self._close(int(ra[b]), day)
        return True

    def _settle(self, day: int) -> None:
        """After a draw: no hard or revolving level below zero; record targets reached."""
        np.maximum(self.level, self._floor, out=self.level)
        t = self._targets
        if t.size:
            reached = self.drawn[t] > 0
            # to rounding: the draws that reach a target are a sum of many amounts
            reached &= self.level[t] <= self._reached_level
            if np.count_nonzero(reached):
                self.reached_on[t[reached]] = day
                # a target is reached once: the others are still watched
                self._targets, self._reached_level = t[~reached], self._reached_level[~reached]

    def _draw_single(
        self, acc: np.ndarray, amt: np.ndarray, day: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`draw` for requests on one account each (``acc`` of shape ``(m,)``).

        Accounts do not interact when each request draws on one account only, so all
        are settled in one pass instead of restarting at every closure: requests on an
        account closed beforehand are refused; an open account whose total demand surely
        fits serves all of its requests; on any other, the running total in request order
        finds the first request it cannot serve, which closes the account, and the
        requests after it are refused too. Every account's draws and refusals are booked
        in request order.
        """
        m = acc.shape[0]
        granted = acc < 0
        failed = np.full(m, -1, dtype=np.int64)
        valid = ~granted
        shut = valid & self.closed[np.where(valid, acc, 0)]
        if shut.any():
            b_acc = acc[shut]
            failed[shut] = b_acc
            self.refused_n += np.bincount(b_acc, minlength=self.refused_n.shape[0])
            np.add.at(self.refused_amount, b_acc, amt[shut])
        rows = (valid & ~shut).nonzero()[0]
        if rows.size == 0:
            self._settle(day)
            return granted, failed
        a, x = acc[rows], amt[rows]
        tight = self._tight(a, x)
        ok = np.ones(a.size, dtype=bool)
        if tight is not None:
            # requests on accounts that might run short, grouped by account (a stable
            # sort keeps request order within one), each account's running total from 0
            on_tight = tight[a].nonzero()[0]
            on_tight = on_tight[self._sort_key(a[on_tight]).argsort(kind="stable")]
            t_acc = a[on_tight]
            starts = np.concatenate(([True], t_acc[1:] != t_acc[:-1])).nonzero()[0]
            bounds = np.append(starts, t_acc.size).tolist()
            for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
                account = int(t_acc[lo])
                part = on_tight[lo:hi]
                short = (x[part].cumsum() > self.level[account] + _EPS).nonzero()[0]
                if short.size:
                    ok[part[short[0] :]] = False
                    self._close(account, day)
        g_acc, g_x = a[ok], x[ok]
        np.subtract.at(self.level, g_acc, g_x)
        np.add.at(self.drawn, g_acc, g_x)
        self.draws_n += np.bincount(g_acc, minlength=self.draws_n.shape[0])
        granted[rows[ok]] = True
        if not ok.all():
            ref = ~ok
            r_acc = a[ref]
            failed[rows[ref]] = r_acc
            self.refused_n += np.bincount(r_acc, minlength=self.refused_n.shape[0])
            np.add.at(self.refused_amount, r_acc, x[ref])
        self._settle(day)
        return granted, failed

    def draw_few(self, accounts: list[int], amounts: list[float], day: int) -> bool:
        """Draw a few cells at once if they surely fit, in Python (the fast path of
        :meth:`draw`).

        Parameters
        ----------
        accounts, amounts
            The cells (account, amount) of the requests, request by request: the
            row-major order of :meth:`draw`'s arrays, without the ``-1`` cells.
        day
            Today.

        Returns
        -------
        bool
            True when no account of the cells is closed and each surely serves its cells
            (:meth:`_tight`: the same tests, in the same floating-point operations): they
            are all drawn, each account's balances updated by its cells in request order,
            as ``np.subtract.at`` does. False otherwise, and nothing is drawn: the caller
            then draws them with :meth:`draw`.
        """
        closed, level = self.closed, self.level
        total: dict[int, float] = {}  # per account, its cells' amounts in request order
        cells: dict[int, list[float]] = {}
        for a, x in zip(accounts, amounts, strict=True):
            if a in total:
                total[a] += x
                cells[a].append(x)
            else:
                if closed[a]:
                    return False
                total[a] = 0.0 + x
                cells[a] = [x]
        negative = any(x < 0 for x in amounts)
        x_all = np.array(amounts, dtype=float)
        size = float(np.abs(x_all).sum() if negative else x_all.sum())
        margin = 8.0 * len(amounts) * _UNIT_ROUNDOFF * size
        not_target = self._not_target
        # (Python floats: the same IEEE double arithmetic as numpy's, at less cost per step)
        for a, t in total.items():
            if not_target[a] and (negative or (t + margin > float(level[a]) + _EPS and t != 0)):
                return False  # this account might run short: the general path
        drawn, draws_n = self.drawn, self.draws_n
        for a, xs in cells.items():
            lv, dr = float(level[a]), float(drawn[a])
            for x in xs:
                lv -= x
                dr += x
            level[a], drawn[a] = lv, dr
            draws_n[a] += len(xs)
        self._settle(day)
        return True

    def _sort_key(self, accounts: np.ndarray) -> np.ndarray:
        """Account indices as the narrowest type: numpy radix-sorts 16-bit keys."""
        return accounts.astype(np.int16) if self.level.shape[0] <= _INT16_MAX else accounts

    def _tight(self, accounts: np.ndarray, amounts: np.ndarray) -> np.ndarray | None:
        """Accounts that might not serve all these requests (``None`` if every one surely does).

        An account surely serves them, whatever their order, when its total demand is
        below its level by more than the rounding error running totals could carry; only
        the other (tight) accounts need running totals.
        """
        if amounts.size == 0:
            return None
        total = np.bincount(accounts, weights=amounts, minlength=self.level.shape[0])
        negative = np.count_nonzero(amounts < 0) > 0
        # (the sum of the absolute amounts: the amounts themselves when none is negative)
        size = np.abs(amounts).sum() if negative else amounts.sum()
        margin = 8.0 * amounts.size * _UNIT_ROUNDOFF * size
        tight = total + margin > self.level + _EPS
        tight &= total != 0
        if negative:
            tight |= np.bincount(accounts, minlength=self.level.shape[0]) > 0
        tight &= self._not_target  # a target serves every request
        return tight if np.count_nonzero(tight) else None

    def _surely_fits(self, accounts: np.ndarray, amounts: np.ndarray) -> bool:
        """Whether every account surely serves all these requests (see :meth:`_tight`)."""
        return self._tight(accounts, amounts) is None

    def _close(self, account: int, day: int) -> None:
        if not self.closed[account]:
            self.closed[account] = True
            if self.exhausted_on[account] < 0:
                self.exhausted_on[account] = day

    def release(self, accounts: np.ndarray, amounts: np.ndarray) -> None:
        """Give back capacity of revolving accounts (e.g. a guarantee whose loan ended).

        Releases on hard and target accounts are ignored: their draws are cumulative.
        """
        accounts = np.asarray(accounts, dtype=np.int64)
        amounts = np.asarray(amounts, dtype=float)
        keep = accounts >= 0
        keep[keep] = self.is_revolving[accounts[keep]]
        np.add.at(self.level, accounts[keep], amounts[keep])
        np.add.at(self.released, accounts[keep], amounts[keep])
        # a revolving account that was used up serves again once capacity comes back
        self.closed[accounts[keep]] = False

    def transfer(self, source: int, target: int, amount: float) -> None:
        """Move ``amount`` from one account to another (reallocation); reopens the target."""
        amount = float(min(amount, self.level[source]))
        if amount <= 0:
            return
        self.level[source] -= amount
        self.transferred_out[source] += amount
        self.level[target] += amount
        self.transferred_in[target] += amount
        if self.closed[target]:
            self.closed[target] = False

    def resize(self, account: int, new_initial: float, day: int) -> None:
        """Give an account a new size mid-run (an event, docs/model.md 7.17).

        The account's initial level becomes ``new_initial`` and its level moves by the
        difference. Nothing drawn is taken back: a hard or revolving account cut below
        what it has used keeps its draws, its level stops at zero (its initial is then
        what it has used) and it closes (``day`` is recorded as its exhaustion day if it
        is the first); a target's level may go below zero. An account
        raised above what it has used reopens; a target raised above its draws is watched
        again, and ``reached_on`` becomes the day it reaches its new level.
        """
        new = float(new_initial)
        raised = new > self.initial[account]
        if not np.isfinite(new) or new < 0:
            raise ValueError(f"account {self.names[account]!r}: size must be finite and >= 0")
        level = self.level[account] + (new - self.initial[account])
        if not self.is_target[account] and level < 0:
            new -= level  # nothing is taken back: the account stops at zero
            level = 0.0
        self.initial[account] = new
        self.level[account] = level
        if self.is_target[account]:
            watched = self._targets == account
            if np.count_nonzero(watched):
                self._reached_level[watched] = _EPS + _REACHED_RTOL * new
            elif level > _EPS + _REACHED_RTOL * new:
                # raised above what it has drawn: watched again for the day it is reached
                self.reached_on[account] = -1
                self._targets = np.append(self._targets, account)
                self._reached_level = np.append(self._reached_level, _EPS + _REACHED_RTOL * new)
        elif raised and level > _EPS:
            self.closed[account] = False
        elif level <= _EPS:
            self._close(account, day)

    def close(self, account: int, day: int) -> None:
        """Close an account (it refuses every later request); records the exhaustion day.

        A target never refuses: closing one does nothing.
        """
        if not self.is_target[account]:
            self._close(account, day)

    # ------------------------------------------------------------------ records
    def snapshot(self) -> None:
        """Record today's levels (called once a day)."""
        self._history.append(self.level.copy())

    def history(self) -> np.ndarray:
        """Daily levels, shape ``(days recorded, accounts)``."""
        if not self._history:
            return np.empty((0, len(self.names)))
        return np.vstack(self._history)

    def table(self, scale: float = 1.0) -> pd.DataFrame:
        """One row per account: its kinds, the books, exhaustion or reached day, unmet demand.

        ``exhausted_on`` is only ever set for a hard or revolving account, ``reached_on``
        and a nonzero ``overshoot`` (drawn beyond the target) only for a target.

        Parameters
        ----------
        scale
            Multiplier applied to money columns (population scale factor).
        """
        df = pd.DataFrame(
            {
                "account": self.names,
                "kind": self.kinds,
                "account_kind": self.account_kinds,
                "group": self.groups,
                "initial": self.initial * scale,
                "drawn": self.drawn * scale,
                "released": self.released * scale,
                "transferred_in": self.transferred_in * scale,
                "transferred_out": self.transferred_out * scale,
                "remaining": self.level * scale,
                "draws_n": self.draws_n,
                "refused_n": self.refused_n,
                "unmet_demand": self.refused_amount * scale,
                "exhausted_on": pd.array(
                    np.where(self.exhausted_on >= 0, self.exhausted_on, 0), dtype="Int64"
                ),
            }
        )
        df.loc[self.exhausted_on < 0, "exhausted_on"] = pd.NA
        df["reached_on"] = pd.array(
            np.where(self.reached_on >= 0, self.reached_on, 0), dtype="Int64"
        )
        df.loc[self.reached_on < 0, "reached_on"] = pd.NA
        df["overshoot"] = np.where(self.is_target, np.maximum(-self.level, 0.0), 0.0) * scale
        df["used_share"] = np.divide(
            df["drawn"] - df["released"],
            df["initial"] + df["transferred_in"] - df["transferred_out"],
            out=np.zeros(len(df)),
            where=(df["initial"] + df["transferred_in"] - df["transferred_out"]).to_numpy() > 0,
        )
        return df
