"""Claim rate: a guarantee book's claims over the guarantees released, as funds report 代偿率.

Public names: :func:`claim_rate_by_year`, :func:`claim_rate`, :func:`book_claim_rate`.

A guarantee is *released* when its loan ends, repaid or defaulted. A year's claim rate is

    claims paid in the year / guarantees released in the year

(claims on the loans that defaulted in the year over the guarantees of every loan that
ended in it), the figure guarantee funds publish as their yearly 代偿率 (the national
fund's 1.84 % in 2024, FACTS.md 2.1, 8). Years are counted from the launch (days 0-364
are year 0). The horizon's figure, :func:`claim_rate`, is the pooled ratio: every claim
paid within the horizon over every guarantee released within it, i.e. the yearly rates
weighted by the guarantees each year released. A loan still running on the last day is
in neither sum.

A book that starts from nothing releases only defaults until its first loans reach their
term: in that first term its ratio is of defaults over defaults, nothing like a running
fund's. The figures of the summary and of the calibration table therefore count the
releases from the end of the first loan term on (``from_day = loan_pool.term_days``; with
one-year loans, every year but the first), when the book releases what a running fund
releases: the loans booked a term earlier, repaid or defaulted, and the defaults of the
younger ones.

What a fund reports as 代偿 is what it pays the bank when a guaranteed loan defaults: the
guaranteed share of the principal in default, before it recovers what it can from the
firm and its collateral. With one-year loans that default with their principal
outstanding, it is the guarantee on the loan; :func:`book_claim_rate` counts that. The
model's ``claim`` column is what the fund finally loses on the default (loss given
default times the guarantee, after collateral under proportional sharing): a rate of
those claims is a loss rate, lower than the 代偿率 by the recoveries.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..scenario import Scenario

__all__ = ["claim_rate_by_year", "claim_rate", "book_claim_rate"]

_YEAR_DAYS = 365


def _released(
    end_day: np.ndarray, guarantee: np.ndarray, days: int, from_day: int = 0
) -> np.ndarray:
    """Whether each loan's guarantee was released within ``from_day <= end < days``."""
    end = np.asarray(end_day, dtype=float)
    g = np.asarray(guarantee, dtype=float)
    return (g > 0) & np.isfinite(end) & (end >= max(from_day, 0)) & (end < days)


def claim_rate_by_year(
    end_day: np.ndarray, guarantee: np.ndarray, claim: np.ndarray, days: int
) -> pd.DataFrame:
    """Each year's guarantees released, claims paid and claim rate.

    Parameters
    ----------
    end_day
        Per loan: the day it ended, repaid or defaulted (NaN or negative: it has not).
    guarantee
        Per loan: the guarantee on it (0: none).
    claim
        Per loan: the claim the fund paid on it (0 unless it defaulted).
    days
        The horizon's length; loans ending on or after it are not counted.

    Returns
    -------
    pandas.DataFrame
        One row per year of the horizon (``year`` 0 = days 0-364): ``released_amount``,
        ``claims_amount`` and ``claim_rate`` (NaN when the year released nothing).

    Examples
    --------
    >>> t = claim_rate_by_year([100, 200, 400], [10.0, 10.0, 20.0], [0.0, 1.0, 0.3], 730)
    >>> t["claim_rate"].round(3).tolist()
    [0.05, 0.015]
    """
    released = _released(end_day, guarantee, days)
    end = np.asarray(end_day, dtype=float)[released]
    year = (end // _YEAR_DAYS).astype(np.int64)
    years = max(-(-days // _YEAR_DAYS), 0)
    g = np.bincount(year, np.asarray(guarantee, dtype=float)[released], minlength=years)
    c = np.bincount(year, np.asarray(claim, dtype=float)[released], minlength=years)
    rate = np.divide(c, g, out=np.full(years, np.nan), where=g > 0)
    return pd.DataFrame(
        {
            "year": np.arange(years),
            "released_amount": g,
            "claims_amount": c,
            "claim_rate": rate,
        }
    )


def claim_rate(
    end_day: np.ndarray,
    guarantee: np.ndarray,
    claim: np.ndarray,
    days: int,
    *,
    from_day: int = 0,
) -> float | None:
    """The horizon's claim rate: claims paid over guarantees released (pooled).

    Parameters
    ----------
    end_day, guarantee, claim, days
        As in :func:`claim_rate_by_year`.
    from_day
        The first day counted: releases (and their claims) before it are left out
        (``loan_pool.term_days`` leaves out a new book's first term).

    Returns
    -------
    float or None
        ``None`` when no guarantee was released from ``from_day`` to the horizon's end.

    Examples
    --------
    >>> claim_rate([100, 200, 400], [10.0, 10.0, 20.0], [0.0, 1.0, 0.3], 730)
    0.0325
    >>> claim_rate([100, 200, 400], [10.0, 10.0, 20.0], [0.0, 1.0, 0.3], 730, from_day=365)
    0.015
    """
    released = _released(end_day, guarantee, days, from_day)
    g = float(np.asarray(guarantee, dtype=float)[released].sum())
    if g <= 0:
        return None
    return float(np.asarray(claim, dtype=float)[released].sum()) / g


def book_claim_rate(
    scenario: Scenario, end_day: np.ndarray, guarantee: np.ndarray, defaulted: np.ndarray
) -> float | None:
    """A run's claim rate (代偿率): :func:`claim_rate` of the fund's payouts on defaults
    (the guarantee of each loan that defaulted) over the horizon from the end of the first
    loan term (``from_day = loan_pool.term_days``).

    The one figure of the summary's ``guarantee_claim_rate`` and of the calibration
    table's claim-rate row. ``end_day`` and ``guarantee`` are those of
    :func:`claim_rate_by_year`, ``defaulted`` whether each loan defaulted within the
    horizon, for the run's approved loans.
    """
    g = np.asarray(guarantee, dtype=float)
    return claim_rate(
        end_day,
        g,
        np.where(np.asarray(defaulted, dtype=bool), g, 0.0),
        scenario.horizon.days,
        from_day=scenario.loan_pool.term_days,
    )
