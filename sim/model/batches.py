"""Batches: growable columns and per-firm running sums over one day's batch.

Public names: :class:`Table`, :func:`exclusive_firm_cumsum`, :func:`filled` (used by the
engine and its parts).
"""

from __future__ import annotations

import numpy as np

from .queue import run_lengths

__all__ = ["Table", "exclusive_firm_cumsum", "filled"]


def filled(n: int, value: int, dtype: type) -> np.ndarray:
    """``np.full(n, value, dtype)`` without its Python-level overhead (small batches)."""
    out = np.empty(n, dtype=dtype)
    out.fill(value)
    return out


class Table:
    """Columns that grow by appending whole batches (amortised doubling).

    Parameters
    ----------
    spec
        Per column, its dtype and the value of rows not yet written.
    capacity
        Rows allocated at first.
    """

    def __init__(self, spec: dict[str, tuple[type, float]], capacity: int = 1024):
        self.spec = spec
        self.n = 0
        self.cols = {k: np.full(capacity, fill, dtype=dt) for k, (dt, fill) in spec.items()}

    def append(self, **values: np.ndarray) -> np.ndarray:
        """Append one batch of rows (a value per given column, others filled); their ids."""
        m = len(next(iter(values.values())))
        need = self.n + m
        cap = len(next(iter(self.cols.values())))
        if need > cap:
            new_cap = max(need, 2 * cap)
            for k, (dt, fill) in self.spec.items():
                grown = np.full(new_cap, fill, dtype=dt)
                grown[: self.n] = self.cols[k][: self.n]
                self.cols[k] = grown
        ids = np.arange(self.n, need)
        for k, v in values.items():
            self.cols[k][self.n : need] = v
        self.n = need
        return ids

    def view(self) -> dict[str, np.ndarray]:
        """The columns' rows written so far (views, not copies)."""
        return {k: v[: self.n] for k, v in self.cols.items()}


def exclusive_firm_cumsum(firm: np.ndarray, x: np.ndarray) -> np.ndarray:
    """For each row, the sum of ``x`` over earlier rows of the same firm in the batch."""
    if firm.size < 2:
        return np.zeros_like(x)
    order = firm.argsort(kind="stable")
    f, xs = firm[order], x[order]
    if (f[1:] != f[:-1]).all():
        return np.zeros_like(x)  # the common case: no firm twice in the batch
    cum = xs.cumsum()
    heads = np.concatenate(([True], f[1:] != f[:-1])).nonzero()[0]
    base = np.repeat(cum[heads] - xs[heads], run_lengths(heads, f.size))
    out = np.empty_like(x)
    out[order] = cum - xs - base
    return out
