"""Demand figures: existing loans, renewals into the programme, lists, loan holding.

Public names: :data:`DEMAND_SUMMARY_KEYS`, :data:`LIST_SUMMARY_KEYS`,
:data:`PROGRAMME_SUMMARY_KEYS`, :func:`loan_holding_share`, :func:`loan_stock_at_launch`,
:func:`first_quarter_share`, :func:`demand_summary`, :func:`programme_summary`.

A firm that held a bank loan at launch is counted as holding a loan throughout the
horizon: its loan is rolled over at each maturity, into the programme when it renews
into it, outside it otherwise (docs/model.md 7.1). A firm holds a programme loan from
its decision day until the loan's end day.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from ..model.engine import Model

__all__ = [
    "DEMAND_SUMMARY_KEYS",
    "LIST_SUMMARY_KEYS",
    "loan_holding_share",
    "loan_stock_at_launch",
    "first_quarter_share",
    "demand_summary",
    "PROGRAMME_SUMMARY_KEYS",
    "programme_summary",
]

#: Summary keys of how the programme's lending splits (every run): new money and
#: renewals add up to the programme's total (``disbursed_amount``); renewals without
#: repaying the principal are a part of the renewals, additional lending (what the bank
#: would not have lent without the programme) a part of the total; the loan types add up
#: to the total too.
PROGRAMME_SUMMARY_KEYS = (
    "programme_new_amount",
    "programme_new_n",
    "programme_renewal_amount",
    "programme_renewal_n",
    "programme_no_principal_amount",
    "programme_no_principal_n",
    "programme_additional_amount",
    "programme_additional_n",
    "pool_target_new_amount",
    "credit_type_loans_amount",
    "guaranteed_type_loans_amount",
    "secured_type_loans_amount",
)

#: Summary keys of existing loans and renewals (only when ``demand.existing_loans_share`` > 0).
DEMAND_SUMMARY_KEYS = (
    "existing_loan_share",
    "renewals_n",
    "renewals_approved_n",
    "renewals_amount",
    "loan_holding_share",
    "loan_stock_start_amount",
    "loan_holder_share_start",
)

#: Summary keys of the lists pushed to banks (only when ``awareness.list_pushes`` is set).
LIST_SUMMARY_KEYS = ("listed_firms_n", "list_called_n")


def loan_holding_share(
    firms: pd.DataFrame, applications: pd.DataFrame, day: int, tiers: Iterable[str]
) -> float:
    """Share of the firms of ``tiers`` holding a bank loan on ``day`` (existing or programme).

    Parameters
    ----------
    firms
        The firms table (``tier``; ``existing_loan`` if the run had existing loans).
    applications
        The applications table (``firm, outcome, decision_day, end_day``).
    day
        The day (0 = launch).
    tiers
        The tiers counted (a firm's tier at the end of the run).

    Returns
    -------
    float
        NaN when no firm is in ``tiers``.
    """
    chosen = firms["tier"].isin(list(tiers)).to_numpy()
    if not chosen.any():
        return math.nan
    holds = (
        firms["existing_loan"].to_numpy(bool).copy()
        if "existing_loan" in firms
        else np.zeros(len(firms), dtype=bool)
    )
    ap = applications[applications["outcome"] == "approved"]
    dd = ap["decision_day"].to_numpy(dtype=float, na_value=np.inf)
    ed = ap["end_day"].to_numpy(dtype=float, na_value=np.inf)
    live = ap["firm"].to_numpy()[(dd <= day) & (ed > day)]
    holds[live] = True
    return float(holds[chosen].mean())


def loan_stock_at_launch(model: Model) -> tuple[float, float | None]:
    """The core-tech tiers' bank loans at launch: their stock and the share holding one.

    Counts the firms of the tiers marked ``core_tech`` by their tier at launch (before any
    certification) and the loans they held with their main bank that day
    (:class:`sim.model.demand.ExistingLoans`).

    Parameters
    ----------
    model
        A model that has been set up (run or not).

    Returns
    -------
    amount : float
        The loans' total, in real units (simulated amounts times ``population.scale``);
        0 when the scenario has no existing loans.
    share : float or None
        Share of the core-tech firms holding one (0 without existing loans); ``None``
        when no firm is of a core-tech tier at launch.
    """
    f, tiers = model.firms, model.scenario.population.tiers
    core = np.array([tiers[t].core_tech for t in f.tier_names], dtype=bool)
    chosen = core[f.launch_tier]
    ex = model.existing
    if ex is None:
        return 0.0, (0.0 if chosen.any() else None)
    amount = float(ex.amount[chosen & ex.holds].sum()) * model.scale
    return amount, (float(ex.holds[chosen].mean()) if chosen.any() else None)


def first_quarter_share(timeseries: pd.DataFrame, start: date) -> float:
    """January-March share of the lending of the first calendar year within the horizon.

    Parameters
    ----------
    timeseries
        The daily table (``day``, ``disbursed_amount``).
    start
        ``horizon.start_date``.

    Returns
    -------
    float
        NaN when no whole calendar year lies within the horizon, or nothing was lent in it.
    """
    year = start.year if (start.month, start.day) == (1, 1) else start.year + 1
    first = (date(year, 1, 1) - start).days
    last = (date(year, 12, 31) - start).days
    q1_end = (date(year, 4, 1) - start).days
    if last >= len(timeseries):
        return math.nan
    lent = timeseries["disbursed_amount"].to_numpy(float)
    total = float(lent[first : last + 1].sum())
    return float(lent[first:q1_end].sum() / total) if total > 0 else math.nan


def demand_summary(model: Model, firms: pd.DataFrame, applications: pd.DataFrame) -> dict[str, Any]:
    """The summary keys of existing loans, renewals and lists (those active in the run)."""
    s, scale = model.scenario, model.scale
    out: dict[str, Any] = {}
    eligible = model.loan_eligible_tier[model.firms.tier]
    if model.existing is not None:
        first = applications["attempt"].to_numpy() == 0
        ren = applications["renewal"].to_numpy(bool)
        ok = applications["outcome"].to_numpy() == "approved"
        amount = applications["amount"].to_numpy(float)
        holders = model.existing.holds
        stock, holder_share = loan_stock_at_launch(model)
        out.update(
            {
                "existing_loan_share": (
                    float(holders[eligible].mean()) if eligible.any() else None
                ),
                "renewals_n": float((ren & first).sum()) * scale,
                "renewals_approved_n": float((ren & ok).sum()) * scale,
                "renewals_amount": float(amount[ren & ok].sum()) * scale,
                "loan_holding_share": _or_none(
                    loan_holding_share(
                        firms, applications, s.horizon.days - 1, s.loan_pool.eligible_tiers
                    )
                ),
                "loan_stock_start_amount": stock,
                "loan_holder_share_start": holder_share,
            }
        )
    if s.awareness.list_pushes:
        out["listed_firms_n"] = float(model.listed.sum()) * scale
        out["list_called_n"] = float((model.list_called < model.days).sum()) * scale
    return out


def programme_summary(
    model: Model, applications: pd.DataFrame, target_day: int | None
) -> dict[str, Any]:
    """How the programme's lending splits: new money, renewals (of which without repaying
    the principal), additional lending, loan types; and the new money lent by
    ``target_day``, the day the pool's target was reached (None: not reached)."""
    scale = model.scale
    ok = applications["outcome"].to_numpy() == "approved"
    amount = applications["amount"].to_numpy(float)
    ren = applications["renewal"].to_numpy(bool)
    need = applications["need"].to_numpy()
    no_principal = model.needs.no_principal[need] & ren
    additional = applications["additional"].to_numpy(bool)
    kind = applications["loan_type"].to_numpy()

    def total(mask: np.ndarray) -> tuple[float, float]:
        m = ok & mask
        return float(amount[m].sum()) * scale, float(m.sum()) * scale

    new_amount, new_n = total(~ren)
    ren_amount, ren_n = total(ren)
    np_amount, np_n = total(no_principal)
    add_amount, add_n = total(additional)
    by_day = None
    if target_day is not None:
        day = applications["decision_day"].to_numpy(dtype=float, na_value=np.inf)
        by_day = float(amount[ok & ~ren & (day <= target_day)].sum()) * scale
    return {
        "programme_new_amount": new_amount,
        "programme_new_n": new_n,
        "programme_renewal_amount": ren_amount,
        "programme_renewal_n": ren_n,
        "programme_no_principal_amount": np_amount,
        "programme_no_principal_n": np_n,
        "programme_additional_amount": add_amount,
        "programme_additional_n": add_n,
        "pool_target_new_amount": by_day,
        "credit_type_loans_amount": total(kind == "credit")[0],
        "guaranteed_type_loans_amount": total(kind == "guaranteed")[0],
        "secured_type_loans_amount": total(kind == "secured")[0],
    }


def _or_none(x: float) -> float | None:
    return None if math.isnan(x) else x
