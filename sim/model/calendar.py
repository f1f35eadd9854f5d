"""Calendar: the days on which lenders review applications.

Public names: :func:`working_days`.

``all_days`` reviews every day, ``weekdays`` Monday to Friday, ``china`` on the
official PRC working days: public holidays off and the swapped weekend days
(调休) on, from the ``chinese-calendar`` package, which carries the State Council's
yearly notices (2004 to the latest year published).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

__all__ = ["working_days"]


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
