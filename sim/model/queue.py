"""Queue: first-come-first-served service with limited daily capacity, for whole batches.

Public names: :class:`FluidQueue`, :class:`Agenda`.

Bank officers and service-centre advisers are servers with a throughput of ``c``
items a day. Items arriving at server ``s`` are served in arrival order, each taking
``1/c`` days of the server's time, so the finishing time of the ``j``-th item of a
batch that arrives on day ``a`` is ``max(a, busy_until[s]) + (j + 1)/c``. Because
capacity does not depend on what the items are, a batch's finishing days are known
the moment it arrives; no per-item loop and no pending list is needed.
"""

from __future__ import annotations

import numpy as np

__all__ = ["FluidQueue", "Agenda"]

_UINT16_MAX = 65535
_INT16_MAX = 32767


def _run_lengths(starts: np.ndarray, n: int) -> np.ndarray:
    """Lengths of the runs that begin at ``starts`` in an array of length ``n``.

    ``np.diff(starts, append=n)`` without its per-call overhead, which matters on the
    small batches of a day.
    """
    out = np.empty_like(starts)
    out[:-1] = starts[1:] - starts[:-1]
    out[-1:] = n - starts[-1:]
    return out


class FluidQueue:
    """FIFO servers with fixed throughput (items per day).

    Parameters
    ----------
    rate_per_day
        Throughput of each server, shape ``(n_servers,)``; 0 means the server never
        serves (its items finish at ``inf``).
    """

    def __init__(self, rate_per_day: np.ndarray):
        self.rate = np.asarray(rate_per_day, dtype=float)
        self.busy_until = np.zeros(self.rate.shape[0])
        # days of a server's time per item
        with np.errstate(divide="ignore", invalid="ignore"):
            self.step = np.where(self.rate > 0, 1.0 / self.rate, np.inf)

    def admit(self, servers: np.ndarray, day: float) -> np.ndarray:
        """Admit a batch arriving on ``day`` (in the order given) and return finishing times.

        Parameters
        ----------
        servers
            Server index of each item, in arrival order.
        day
            Arrival day of the whole batch.

        Returns
        -------
        numpy.ndarray
            Finishing time (fractional day) of each item.
        """
        servers = np.asarray(servers, dtype=np.int64)
        if servers.size == 0:
            return np.empty(0)
        first = servers[0]
        if (servers == first).all():
            # one server (a service centre's advisers, or one lender's batch): no grouping
            finish = max(float(day), self.busy_until[first]) + (
                np.arange(1, servers.size + 1) * self.step[first]
            )
            self.busy_until[first] = finish[-1]
            return finish
        # a stable sort by server (a radix sort for 16-bit indices) keeps arrival order
        key = servers.astype(np.int16) if self.rate.shape[0] <= _INT16_MAX else servers
        order = key.argsort(kind="stable")
        s_sorted = servers[order]
        starts = np.concatenate(([True], s_sorted[1:] != s_sorted[:-1])).nonzero()[0]
        group_len = _run_lengths(starts, s_sorted.size)
        rank = np.arange(s_sorted.size) - np.repeat(starts, group_len)
        begin = np.maximum(float(day), self.busy_until[s_sorted])
        finish_sorted = begin + (rank + 1) * self.step[s_sorted]
        last = np.append(starts[1:] - 1, s_sorted.size - 1)
        self.busy_until[s_sorted[last]] = finish_sorted[last]
        finish = np.empty_like(finish_sorted)
        finish[order] = finish_sorted
        return finish


class Agenda:
    """Integer ids filed under the day they are due; popped in id order."""

    def __init__(self) -> None:
        self._due: dict[int, list[np.ndarray]] = {}

    def add(self, days: np.ndarray, ids: np.ndarray) -> None:
        """File ``ids[i]`` under ``days[i]`` (days must be finite integers)."""
        days = np.asarray(days, dtype=np.int64)
        ids = np.asarray(ids, dtype=np.int64)
        if ids.size == 0:
            return
        first, last = int(days.min()), int(days.max())
        if first == last:
            self._due.setdefault(first, []).append(ids.copy())
            return
        # days fit 16 bits in any realistic horizon: numpy then radix-sorts (same order)
        small = first >= 0 and last <= _UINT16_MAX
        order = (days.astype(np.uint16) if small else days).argsort(kind="stable")
        d, filed = days[order], ids[order]
        cuts = np.concatenate(([True], d[1:] != d[:-1])).nonzero()[0]
        bounds = np.append(cuts, d.size).tolist()
        # one slice (a view) of the sorted ids per day
        for day, lo, hi in zip(d[cuts].tolist(), bounds[:-1], bounds[1:], strict=True):
            self._due.setdefault(day, []).append(filed[lo:hi])

    def pop(self, day: int) -> np.ndarray:
        """Remove and return the ids due on ``day``, sorted."""
        parts = self._due.pop(int(day), None)
        if not parts:
            return np.empty(0, dtype=np.int64)
        out = parts[0] if len(parts) == 1 else np.concatenate(parts)
        return np.sort(out, kind="stable")

    def remaining(self) -> np.ndarray:
        """All ids still filed (due on or after the current day), sorted."""
        parts = [a for v in self._due.values() for a in v]
        return np.sort(np.concatenate(parts)) if parts else np.empty(0, dtype=np.int64)
