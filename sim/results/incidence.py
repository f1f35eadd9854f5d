"""Incidence: who gets the support, and what it buys that would not happen anyway.

Public names: :data:`INCIDENCE_KEYS`, :func:`incidence_summary`, :func:`deadweight_shares`,
:func:`concentration`.

- **Deadweight.** A loan is *additional* when the lender would have refused it without
  the programme's cover (``applications.additional``); the rest would have been made
  anyway. ``deadweight_subsidy_share`` is the part of the interest subsidy
  (``applications.interest_subsidy``) that goes to loans made anyway;
  ``deadweight_guarantee_share`` is the share of guaranteed loans (count) made anyway.
- **Cost per additional loan.** ``fiscal_cost_per_additional_loan`` = fiscal cost /
  additional loans, ``fiscal_cost_per_additional_yuan`` = fiscal cost / amount of the
  additional loans: what the city pays for each loan, and each yuan of lending, that
  exists because of the programme. Missing (``None``) when no loan is additional.
- **Concentration.** Over *every* simulated firm (a firm that gained nothing counts as
  zero), with ``x`` each firm's savings sorted in ascending order and ``n`` firms:
  ``savings_top10_share`` is what the ``ceil(n / 10)`` largest savers received over the
  total, and ``savings_gini = sum((2i - n - 1) x_i) / (n sum x)``, ``i = 1..n``
  (0: all equal; near 1: one firm takes all). Both are shares of the sample, which
  ``population.scale`` leaves unchanged.

Every figure is a pure function of the run's tables, so it is tested on hand-built frames.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["INCIDENCE_KEYS", "incidence_summary", "deadweight_shares", "concentration"]

#: Summary keys of this module, in order (after the money over time).
INCIDENCE_KEYS = (
    "deadweight_subsidy_share",
    "deadweight_guarantee_share",
    "fiscal_cost_per_additional_loan",
    "fiscal_cost_per_additional_yuan",
    "savings_top10_share",
    "savings_gini",
)


def deadweight_shares(applications: pd.DataFrame) -> tuple[float | None, float | None]:
    """Shares of the interest subsidy and of guaranteed loans that go to loans made anyway.

    Parameters
    ----------
    applications
        The ``applications`` table (columns ``outcome``, ``additional``,
        ``interest_subsidy``, ``guarantee``).

    Returns
    -------
    tuple
        ``(subsidy share, guaranteed-loan share)``; each ``None`` when there is nothing to
        divide (no subsidy, no guaranteed loan).

    Examples
    --------
    >>> apps = pd.DataFrame({"outcome": ["approved"] * 3, "additional": [True, False, False],
    ...                      "interest_subsidy": [1.0, 1.0, 2.0], "guarantee": [5.0, 5.0, 0.0]})
    >>> deadweight_shares(apps)
    (0.75, 0.5)
    """
    ok = (applications["outcome"] == "approved").to_numpy()
    additional = ok & applications["additional"].to_numpy(dtype=bool)
    anyway = ok & ~additional
    subsidy = applications["interest_subsidy"].to_numpy(dtype=float)
    paid = subsidy[ok].sum()
    # one minus the additional part: exactly 1 when no subsidised loan is additional
    sub_share = float(1.0 - subsidy[additional].sum() / paid) if paid > 0 else None
    guaranteed = ok & (applications["guarantee"].to_numpy(dtype=float) > 0)
    n_g = int(guaranteed.sum())
    gua_share = float((guaranteed & anyway).sum() / n_g) if n_g else None
    return sub_share, gua_share


def concentration(per_firm: np.ndarray) -> tuple[float | None, float | None]:
    """Top-10 % share and Gini coefficient of amounts per firm.

    Parameters
    ----------
    per_firm
        One amount per firm, zeros included.

    Returns
    -------
    tuple
        ``(top 10 % share, Gini)``; ``(None, None)`` when the total is not positive.

    Examples
    --------
    >>> concentration(np.array([0.0] * 9 + [10.0]))
    (1.0, 0.9)
    >>> concentration(np.ones(20))
    (0.1, 0.0)
    """
    x = np.sort(np.asarray(per_firm, dtype=float))
    n, total = x.size, float(x.sum())
    if n == 0 or total <= 0:
        return None, None
    top = float(x[n - math.ceil(n / 10) :].sum() / total)
    i = np.arange(1, n + 1)
    gini = float(((2 * i - n - 1) * x).sum() / (n * total))
    return top, gini


def incidence_summary(
    applications: pd.DataFrame,
    savings: pd.DataFrame,
    n_firms: int,
    values: dict[str, Any],
) -> dict[str, float | None]:
    """The figures of :data:`INCIDENCE_KEYS`.

    Parameters
    ----------
    applications
        The ``applications`` table.
    savings
        The ``savings`` table (``firm``, ``amount``; nonzero rows only).
    n_firms
        Simulated firms (those absent from ``savings`` gained nothing).
    values
        The summary so far: ``fiscal_cost_amount``, ``additional_loans_n`` and
        ``additional_loans_amount`` (scaled alike, so the ratios are the population's).

    Returns
    -------
    dict
        Key -> value, in the order of :data:`INCIDENCE_KEYS`.
    """
    sub_share, gua_share = deadweight_shares(applications)
    per_firm = np.zeros(n_firms)
    if len(savings):
        np.add.at(per_firm, savings["firm"].to_numpy(dtype=np.int64), savings["amount"].to_numpy())
    top, gini = concentration(per_firm)
    cost = values["fiscal_cost_amount"]
    n_add, amount_add = values["additional_loans_n"], values["additional_loans_amount"]
    return {
        "deadweight_subsidy_share": sub_share,
        "deadweight_guarantee_share": gua_share,
        "fiscal_cost_per_additional_loan": float(cost / n_add) if n_add else None,
        "fiscal_cost_per_additional_yuan": float(cost / amount_add) if amount_add else None,
        "savings_top10_share": top,
        "savings_gini": gini,
    }
