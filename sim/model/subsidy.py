"""Subsidy payments: the calendar on which the interest subsidy is paid, and what is due.

Public names: :func:`payment_days`, :func:`due_in_period`, :func:`project_payments`.

The city's interest subsidy on a credit loan accrues every day the loan is outstanding,
from its approval day ``t0`` to its end day ``e`` (maturity or default; a default stops
the accrual), at ``subsidy / term_days`` a day. It is paid either on the approval day,
for the whole contracted term (``at_approval``), or in arrears on the first day of each
calendar month, quarter or year: a payment on day ``p`` covers the days ``[q, p)`` since
the previous payment day ``q`` (day 0 for the first), so nothing is paid for a period
before it has ended. Every function works on whole arrays of loans.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

__all__ = ["PERIODIC", "payment_days", "due_in_period", "project_payments"]

#: Payment modes paid in arrears on a calendar; the months a period starts in.
PERIODIC: dict[str, tuple[int, ...]] = {
    "monthly": tuple(range(1, 13)),
    "quarterly": (1, 4, 7, 10),
    "annually": (1,),
}


def payment_days(mode: str, start: date, until: int) -> np.ndarray:
    """Days ``1 .. until - 1`` on which subsidy is paid in ``mode`` (empty for at_approval).

    Parameters
    ----------
    mode
        ``at_approval``, ``monthly``, ``quarterly`` or ``annually``.
    start
        Calendar date of day 0.
    until
        First day not included.

    Returns
    -------
    numpy.ndarray of int64
        The first day of each calendar month (quarter, year) after day 0, in order.
    """
    if mode not in PERIODIC or until <= 1:
        return np.zeros(0, dtype=np.int64)
    dates = pd.Timestamp(start) + pd.to_timedelta(np.arange(1, until), unit="D")
    hit = (dates.day == 1) & np.isin(dates.month, PERIODIC[mode])
    return np.arange(1, until, dtype=np.int64)[hit]


def due_in_period(
    per_day: np.ndarray, start: np.ndarray, end: np.ndarray, lo: int, hi: int
) -> np.ndarray:
    """Subsidy accrued by each loan over the days ``[lo, hi)``.

    Parameters
    ----------
    per_day
        Subsidy per day of each loan.
    start, end
        Approval day and end day (maturity or default) of each loan.
    lo, hi
        The period.

    Returns
    -------
    numpy.ndarray
        ``per_day x max(0, min(end, hi) - max(start, lo))``.
    """
    days = np.minimum(end, hi) - np.maximum(start, lo)
    return per_day * np.maximum(days, 0)


def project_payments(
    per_day: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    days: np.ndarray,
    horizon: int,
    budget_left: float | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Payments due after the horizon on the loans' remaining subsidy, within a budget.

    Parameters
    ----------
    per_day, start, end
        As in :func:`due_in_period`, for every subsidised loan (in approval order).
    days
        The payment calendar, from day 1 on, long enough to pass the last ``end``.
    horizon
        First day after the simulated horizon.
    budget_left
        What the appropriation has left at the horizon (None: unlimited). Payments are
        served in order of payment day, then loan; the first one that does not fit
        leaves it and every later payment unpaid, as the ledger does within the horizon.

    Returns
    -------
    pay_day : numpy.ndarray of int64, shape ``(k,)``
        The payment days at or after the horizon.
    paid, unpaid : numpy.ndarray, shape ``(k,)``
        Amount paid, and due but not paid, on each of them.
    """
    prior = days[days < horizon]
    last = int(prior[-1]) if prior.size else 0
    future = days[days >= horizon]
    bounds = np.concatenate(([last], future))
    # loans x payment days: the subsidy accrued in each period (arrears at the horizon
    # fall in the first one)
    due = np.zeros((future.size, per_day.size))
    for k, (lo, hi) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
        due[k] = due_in_period(per_day, start, end, int(lo), int(hi))
    ok = np.ones(due.shape, dtype=bool)
    if budget_left is not None and due.size:
        flat = due.ravel()  # payment day major, loan order within a day
        owed = flat > 0
        cum = np.cumsum(np.where(owed, flat, 0.0))
        over = owed & (cum > budget_left * (1 + 1e-12) + 1e-6)
        if over.any():
            first = int(over.nonzero()[0][0])
            keep = np.zeros(flat.size, dtype=bool)
            keep[:first] = True
            ok = keep.reshape(due.shape)
    paid = np.where(ok, due, 0.0).sum(axis=1)
    unpaid = np.where(ok, 0.0, due).sum(axis=1)
    return future, paid, unpaid
