"""Calendar: the days on which lenders review applications.

Public names: :func:`working_days`, :func:`next_review_day`.

``all_days`` reviews every day, ``weekdays`` Monday to Friday, ``china`` on the
official PRC working days: public holidays off and the swapped weekend days
(调休) on, from the ``chinese-calendar`` package, which carries the State Council's
yearly notices (2004 to the latest year published).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

__all__ = ["next_review_day", "working_days"]


def working_days(start: date, days: int, calendar: str) -> np.ndarray:
    """Whether each day of the horizon is a review day.

    Parameters
    ----------
    start
        Date of day 0.
    days
        Length of the horizon.
    calendar
        ``all_days``, ``weekdays`` or ``china``.

    Returns
    -------
    numpy.ndarray
        Boolean, shape ``(days,)``.
    """
    if calendar == "all_days":
        return np.ones(days, dtype=bool)
    weekday = (start.weekday() + np.arange(days)) % 7
    if calendar == "weekdays":
        return weekday < 5
    if calendar != "china":
        raise ValueError(f"unknown calendar {calendar!r}")
    import chinese_calendar

    return np.array(
        [chinese_calendar.is_workday(start + timedelta(days=d)) for d in range(days)], dtype=bool
    )


def next_review_day(working: np.ndarray) -> np.ndarray:
    """For each day of the horizon and the day after it, the first review day on or after
    it (the horizon's length when none is left).

    Examples
    --------
    >>> next_review_day(np.array([True, False, False, True])).tolist()
    [0, 3, 3, 3, 4]
    """
    days = working.shape[0]
    out = np.full(days + 1, days, dtype=np.int64)
    idx = np.flatnonzero(working)
    pos = np.searchsorted(idx, np.arange(days))
    ok = pos < idx.size
    out[:days][ok] = idx[pos[ok]]
    return out
