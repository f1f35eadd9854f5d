"""Queue: first-come-first-served service with limited daily capacity, for whole batches.

Public names: :class:`FluidQueue`, :class:`Agenda`, :func:`finish_share`,
:func:`group_by_server`, :func:`run_lengths`, :data:`FEW`, :data:`UINT16_MAX`.

Bank officers and service-centre advisers are servers with a throughput of ``c``
items a day. Items arriving at server ``s`` are served in arrival order, each taking
``1/c`` days of the server's time, so the ``j``-th item of a batch that arrives on
day ``a`` occupies ``[b + j/c, b + (j + 1)/c]`` with ``b = max(a, busy_until[s])``.
Because capacity does not depend on what the items are, a batch's finishing days are
known the moment it arrives; no per-item loop and no pending list is needed.

**Sampling.** A simulated item stands for ``S`` real ones (``population.scale``) whose
reviews fill its slot one after the other, finishing ``1/S, 2/S, ..., 1`` of the way
through it; the item finishes at their mean, ``(S + 1) / (2 S)`` of the way through
(the end of the slot when ``S = 1``), so that its finishing time is unbiased for the
``S`` real applications it stands for.

**Capacity over time.** With a schedule (items per day for each server and day: lenders
joining, staffing up, working days), the queue works in units of cumulative capacity
``W_s(t)`` (items server ``s`` can have finished by time ``t``, linear within a day):
an item's slot is ``[B + j, B + j + 1]`` with ``B = max(W_s(a), busy_s)``, and its time is
found by inverting ``W_s``, one ``searchsorted`` for the whole batch.

**Priority.** Items admitted with :meth:`FluidQueue.defer` (a lender's non-customers when
its own customers go first) wait until a day's capacity is left after the items
admitted ahead of them (:meth:`FluidQueue.serve_deferred`, once a day); an item started
is not interrupted.
"""

from __future__ import annotations

import math
from bisect import bisect_left

import numpy as np

__all__ = [
    "FEW",
    "UINT16_MAX",
    "Agenda",
    "FluidQueue",
    "finish_share",
    "group_by_server",
    "run_lengths",
]

#: Largest value of a 16-bit unsigned key: days up to it are sorted on ``uint16`` keys
#: (a radix sort), which gives the order of the 64-bit keys faster.
UINT16_MAX = 65535
_INT16_MAX = 32767
#: Below this many items a batch is sorted on its own 64-bit keys: a stable sort gives the
#: same order on any key type, and the range checks a narrower type needs cost more than
#: they save on a small batch.
_SMALL_BATCH = 1024
#: Below this many items the engine's steps work item by item in Python, where a numpy
#: call costs more than the whole loop: an agenda's ids (:class:`Agenda`), a queue's
#: admissions, a ledger draw's cells, a day's needs, decisions and loans booked.
FEW = 32


def run_lengths(starts: np.ndarray, n: int) -> np.ndarray:
    """Lengths of the runs that begin at ``starts`` in an array of length ``n``.

    ``np.diff(starts, append=n)`` without its per-call overhead, which matters on the
    small batches of a day.
    """
    out = np.empty_like(starts)
    out[:-1] = starts[1:] - starts[:-1]
    out[-1:] = n - starts[-1:]
    return out


def finish_share(scale: float) -> float:
    """Where in its slot a simulated item finishes: ``(S + 1) / (2 S)`` (1 when ``S <= 1``)."""
    return (scale + 1) / (2 * scale) if scale > 1 else 1.0


class FluidQueue:
    """FIFO servers with a throughput in items per day, constant or scheduled by day.

    Parameters
    ----------
    rate_per_day
        Throughput of each server, shape ``(n_servers,)`` (constant), or a schedule of
        shape ``(n_servers, days)`` (items each server can serve on each day); 0 means the
        server does not serve (its items finish at ``inf``, as do items a schedule does
        not finish within its days).
    finish_share
        Where in its slot an item finishes: ``1`` (the end: each item is one real
        application) or ``(S + 1) / (2 S)`` for a sample in which each item stands for
        ``S`` (see the module notes).
    """

    def __init__(self, rate_per_day: np.ndarray, finish_share: float = 1.0):
        rate = np.asarray(rate_per_day, dtype=float)
        self.finish_share = float(finish_share)
        self.scheduled = rate.ndim == 2
        n = rate.shape[0]
        self._pending_server = np.empty(0, dtype=np.int64)
        self._pending_id = np.empty(0, dtype=np.int64)
        self._lists: dict[str, list] = {}  # see :meth:`_rows`
        #: with ``track``: the cumulative capacity at which each item of the last batch
        #: admitted (or started by :meth:`serve_deferred`) finishes, for :meth:`set_day`
        self.track = False
        self.last_w: np.ndarray | list[float] = []
        if not self.scheduled:
            self.rate = rate
            self.busy_until = np.zeros(n)
            # days of a server's time per item
            with np.errstate(divide="ignore", invalid="ignore"):
                self.step = np.where(self.rate > 0, 1.0 / self.rate, np.inf)
            return
        self.schedule = rate
        self.days = rate.shape[1]
        # cumulative capacity at the start of each day, one row per server, laid out in
        # one increasing array (row s shifted by the totals of the rows before it, + 1)
        cum = np.zeros((n, self.days + 1))
        np.cumsum(rate, axis=1, out=cum[:, 1:])
        self.cum = cum
        self._shift = np.concatenate(([0.0], np.cumsum(cum[:, -1] + 1.0)[:-1]))
        self._flat = (cum + self._shift[:, None]).ravel()
        self.busy_w = np.zeros(n)

    def _times(self, servers: np.ndarray, w: np.ndarray) -> np.ndarray:
        """Time at which servers reach cumulative capacity ``w`` (``inf`` beyond the schedule)."""
        total = self.cum[servers, -1]
        inside = w <= total
        out = np.full(w.shape, np.inf)
        s, wi = servers[inside], w[inside]
        i = np.searchsorted(self._flat, wi + self._shift[s], side="left") - s * (self.days + 1)
        d = np.maximum(i - 1, 0)
        rate = self.schedule[s, d]
        with np.errstate(divide="ignore", invalid="ignore"):
            frac = np.where(rate > 0, (wi - self.cum[s, d]) / rate, 0.0)
        out[inside] = d + np.clip(frac, 0.0, 1.0)
        return out

    def admit(self, servers: np.ndarray, day: float) -> np.ndarray:
        """Admit a batch arriving on ``day`` (in the order given) and return finishing times.

        Parameters
        ----------
        servers
            Server index of each item, in arrival order.
        day
            Arrival day of the whole batch (an integer day for a scheduled queue).

        Returns
        -------
        numpy.ndarray
            Finishing time (fractional day) of each item.
        """
        servers = np.asarray(servers, dtype=np.int64)
        if servers.size == 0:
            return np.empty(0)
        if servers.size < FEW:
            return np.array(self._admit_few(servers.tolist(), day))
        first = servers[0]
        if not self.scheduled and not np.count_nonzero(servers != first):
            # one server (a service centre's advisers, or one lender's batch): no grouping
            begin = max(float(day), self.busy_until[first])
            finish = begin + (np.arange(servers.size) + self.finish_share) * self.step[first]
            self.busy_until[first] = begin + servers.size * self.step[first]
            return finish
        order, s_sorted, rank, last = group_by_server(servers, self._n_servers())
        if self.scheduled:
            begin = np.maximum(self.cum[s_sorted, int(day)], self.busy_w[s_sorted])
            self.busy_w[s_sorted[last]] = begin[last] + rank[last] + 1
            w_sorted = begin + rank + self.finish_share
            finish_sorted = self._times(s_sorted, w_sorted)
            if self.track:
                self.last_w = np.empty(w_sorted.shape[0])
                self.last_w[order] = w_sorted
        else:
            begin = np.maximum(float(day), self.busy_until[s_sorted])
            step = self.step[s_sorted]
            self.busy_until[s_sorted[last]] = begin[last] + (rank[last] + 1) * step[last]
            finish_sorted = begin + (rank + self.finish_share) * step
        finish = np.empty(finish_sorted.shape[0])
        finish[order] = finish_sorted
        return finish

    def _admit_few(self, servers: list[int], day: float) -> list[float]:
        """:meth:`admit` for a few items, one by one in Python.

        The same floating-point operations in the same order as the batch path (an item's
        begin, plus its rank, plus its share of the slot), so the same times.
        """
        fs = self.finish_share
        begin: dict[int, float] = {}  # per server: the batch's begin
        rank: dict[int, int] = {}  # per server: items of the batch so far
        out = []
        if not self.scheduled:
            busy, step = self.busy_until, self.step
            for s in servers:
                if s in begin:
                    b, r = begin[s], rank[s]
                else:
                    b, r = max(float(day), float(busy[s])), 0
                    begin[s] = b
                rank[s] = r + 1
                out.append(b + (r + fs) * float(step[s]))
            for s, b in begin.items():
                busy[s] = b + rank[s] * float(step[s])
            return out
        cum, busy_w, d0 = self._rows("cum"), self.busy_w, int(day)
        ws = []
        for s in servers:
            if s in begin:
                b, r = begin[s], rank[s]
            else:
                b, r = max(cum[s][d0], float(busy_w[s])), 0
                begin[s] = b
            rank[s] = r + 1
            ws.append(b + r + fs)
            out.append(self._time_of(s, ws[-1]))
        if self.track:
            self.last_w = ws
        for s, b in begin.items():
            busy_w[s] = b + (rank[s] - 1) + 1
        return out

    def _time_of(self, s: int, w: float) -> float:
        """:meth:`_times` for one item, in Python (the same operations)."""
        cum = self._rows("cum")[s]
        if not w <= cum[-1]:
            return np.inf
        i = bisect_left(self._rows("_flat"), w + self._rows("_shift")[s]) - s * (self.days + 1)
        d = max(i - 1, 0)
        rate = self._rows("schedule")[s][d]
        frac = (w - cum[d]) / rate if rate > 0 else 0.0
        return d + min(max(frac, 0.0), 1.0)

    def set_day(self, day: int, rate: np.ndarray) -> None:
        """Give the servers a new capacity on ``day`` (a scheduled queue; docs/model.md
        7.5b). Items already admitted keep their place (their cumulative capacity ``w``);
        their finishing times after ``day`` are :meth:`finish_times` of it."""
        self.schedule[:, day] = rate
        np.cumsum(self.schedule, axis=1, out=self.cum[:, 1:])
        self._shift = np.concatenate(([0.0], np.cumsum(self.cum[:, -1] + 1.0)[:-1]))
        self._flat = (self.cum + self._shift[:, None]).ravel()
        self._lists = {}

    def finish_times(self, servers: np.ndarray, w: np.ndarray) -> np.ndarray:
        """Times at which ``servers`` reach cumulative capacity ``w`` (``inf`` beyond)."""
        return self._times(np.asarray(servers, dtype=np.int64), np.asarray(w, dtype=float))

    def _rows(self, name: str) -> list:
        """An array of the schedule as nested Python lists (made once; again after
        :meth:`set_day` changes the schedule)."""
        if name not in self._lists:
            self._lists[name] = getattr(self, name).tolist()
        return self._lists[name]

    def admit_days(
        self, servers: np.ndarray | list[int], day: float, never: int
    ) -> np.ndarray | list[int]:
        """:meth:`admit`, as the day each item finishes on (``never`` if it does not).

        A list of Python integers for a batch of a few items, else an array.
        """
        if len(servers) < FEW:
            if not isinstance(servers, list):
                servers = np.asarray(servers, dtype=np.int64).tolist()
            times = self._admit_few(servers, day)
            return [int(math.floor(t)) if math.isfinite(t) else never for t in times]
        t = self.admit(servers, day)
        return np.where(np.isfinite(t), np.floor(t), never).astype(np.int64)

    def _n_servers(self) -> int:
        return self.schedule.shape[0] if self.scheduled else self.rate.shape[0]

    def defer(self, servers: np.ndarray, ids: np.ndarray) -> None:
        """Queue items behind everything admitted, served by :meth:`serve_deferred`.

        Only for a scheduled queue: deferred items use what a day's capacity leaves.
        """
        if not self.scheduled:
            raise TypeError("deferred items need a scheduled queue")
        self._pending_server = np.concatenate([self._pending_server, servers])
        self._pending_id = np.concatenate([self._pending_id, ids])

    def serve_deferred(self, day: int) -> tuple[np.ndarray, np.ndarray]:
        """Start the deferred items that ``day``'s capacity reaches, in the order deferred.

        Returns
        -------
        tuple of numpy.ndarray
            The ids started and their finishing times.
        """
        if self._pending_id.size == 0:
            return np.empty(0, dtype=np.int64), np.empty(0)
        servers = self._pending_server
        order, s_sorted, rank, last = group_by_server(servers, self._n_servers())
        begin = np.maximum(self.cum[s_sorted, day], self.busy_w[s_sorted])
        start = begin + rank
        go = start < self.cum[s_sorted, day + 1]
        # per server, the items that start today are a prefix of its pending items
        served_n = np.bincount(s_sorted[go], minlength=self.busy_w.size)
        heads = s_sorted[last]
        self.busy_w[heads] = np.where(
            served_n[heads] > 0, begin[last] + served_n[heads], self.busy_w[heads]
        )
        finish = self._times(s_sorted[go], start[go] + self.finish_share)
        if self.track:
            self.last_w = start[go] + self.finish_share
        ids_sorted = self._pending_id[order]
        started = ids_sorted[go]
        keep = np.sort(order[~go])  # still pending, in the order deferred
        self._pending_server = servers[keep]
        self._pending_id = self._pending_id[keep]
        return started, finish


def group_by_server(
    servers: np.ndarray, n_servers: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Stable grouping of items by server: order, sorted servers, rank in group, last index."""
    # a stable sort by server (a radix sort for 16-bit indices) keeps arrival order
    n = servers.size
    key = servers.astype(np.int16) if n_servers <= _INT16_MAX and n >= _SMALL_BATCH else servers
    order = key.argsort(kind="stable")
    s_sorted = servers[order]
    # a group starts where the server changes; an item's rank is its distance from that start
    head = np.empty(n, dtype=bool)
    head[:1] = True
    np.not_equal(s_sorted[1:], s_sorted[:-1], out=head[1:])
    position = np.arange(n)
    rank = position - np.maximum.accumulate(position * head)
    # the last item of a group is the one before the next group's start
    tail = np.empty(n, dtype=bool)
    tail[:-1] = head[1:]
    tail[-1:] = True
    return order, s_sorted, rank, tail.nonzero()[0]


#: What :meth:`Agenda.pop` returns on a day with nothing due (read-only: it is shared).
_NONE = np.empty(0, dtype=np.int64)
_NONE.flags.writeable = False


class Agenda:
    """Integer ids filed under the day they are due; popped in id order.

    A batch of fewer than :data:`FEW` ids is filed one id at a time as Python integers
    (a day of the engine files a handful: a numpy call costs more than the whole loop);
    a larger one as sorted slices of an array. :meth:`pop` returns the same ids either way.
    """

    def __init__(self) -> None:
        self._due: dict[int, list[np.ndarray]] = {}
        self._few: dict[int, list[int]] = {}

    def add(self, days: np.ndarray | list[int], ids: np.ndarray, before: int | None = None) -> None:
        """File ``ids[i]`` under ``days[i]`` (days must be finite integers).

        With ``before``, only the ids due before that day are filed (the others are due
        after the horizon and never popped). ``days`` may be a list of Python integers.
        """
        ids = np.asarray(ids, dtype=np.int64)
        n = ids.size
        if n == 0:
            return
        if n < FEW:
            self._add_few(days, ids, before)
            return
        days = np.asarray(days, dtype=np.int64)
        if before is not None:
            keep = days < before
            days, ids = days[keep], ids[keep]
            n = ids.size
            if n == 0:
                return
        if n < _SMALL_BATCH:
            order = days.argsort(kind="stable")
            d = days[order]
            first, last = int(d[0]), int(d[-1])
        else:
            first, last = int(days.min()), int(days.max())
            if first != last:
                # days fit 16 bits in any realistic horizon: numpy then radix-sorts (same order)
                small = first >= 0 and last <= UINT16_MAX
                order = (days.astype(np.uint16) if small else days).argsort(kind="stable")
                d = days[order]
        if first == last:
            self._due.setdefault(first, []).append(ids.copy())
            return
        filed = ids[order]
        head = np.empty(n, dtype=bool)
        head[0] = True
        np.not_equal(d[1:], d[:-1], out=head[1:])
        cuts = head.nonzero()[0]
        bounds = cuts.tolist()
        bounds.append(n)
        # one slice (a view) of the sorted ids per day
        for day, lo, hi in zip(d[cuts].tolist(), bounds[:-1], bounds[1:], strict=True):
            self._due.setdefault(day, []).append(filed[lo:hi])

    def _add_few(self, days: np.ndarray | list[int], ids: np.ndarray, before: int | None) -> None:
        """:meth:`add` for a few ids: one at a time, as Python integers."""
        if not isinstance(days, list):
            days = np.asarray(days, dtype=np.int64).tolist()
        few = self._few
        for day, i in zip(days, ids.tolist(), strict=True):
            if before is None or day < before:
                if day in few:
                    few[day].append(i)
                else:
                    few[day] = [i]

    def pop(self, day: int) -> np.ndarray:
        """Remove and return the ids due on ``day``, sorted."""
        parts = self._due.pop(int(day), None)
        few = self._few.pop(int(day), None)
        if few is not None:
            if not parts:
                few.sort()
                return np.array(few, dtype=np.int64)
            parts.append(np.array(few, dtype=np.int64))
        if not parts:
            return _NONE
        out = parts[0] if len(parts) == 1 else np.concatenate(parts)
        return np.sort(out, kind="stable")

    def remaining(self) -> np.ndarray:
        """All ids still filed (due on or after the current day), sorted."""
        parts = [a for v in self._due.values() for a in v]
        parts += [np.array(v, dtype=np.int64) for v in self._few.values()]
        return np.sort(np.concatenate(parts)) if parts else np.empty(0, dtype=np.int64)
