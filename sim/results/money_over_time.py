"""Money over time: savings and fiscal cost inside the horizon, committed beyond it, and
their present values; the counterfactual that tells additional loans apart.

Public names: :data:`MONEY_OVER_TIME_KEYS`, :data:`DAILY_COLUMNS`,
:func:`money_over_time`.

Every approved loan runs from its approval day ``t0`` to its end day ``e`` (maturity, or
default: a default stops every accrual). Over those ``e - t0`` days it accrues, per day,

- the rate concession ``(interest_saving - subsidy) / term_days``, only if the loan is
  *not additional* (the lender would have made it without the programme: same credit
  rule, no guarantee, no NPL compensation, the firm's market rate);
- the interest subsidy ``subsidy / term_days`` (credit loans);
- the value of access ``amount x access_value_rate / 365``, only if the loan *is*
  additional;
- the guarantee fee saving ``fee_saving / term_days``.

The days before the horizon's end are *in horizon*, the rest *committed*. Relief and
awards are paid on their days, inside the horizon. The fiscal cost follows the money
the city pays: the subsidy on its payment days (projected on the same calendar after the
horizon, within what the appropriation has left), relief, awards and NPL compensation on
theirs, and the guarantee fund's expected loss less its fees on the approval day.
Present values discount each day ``d`` by ``(1 + discount_rate) ** (-d / 365)``: a
loan's stream ``x`` a day over ``[t0, e)`` is worth ``x (v**t0 - v**e) / (1 - v)``,
``v = (1 + discount_rate) ** (-1 / 365)``. With no appropriation limit and the subsidy
paid on approval, the fiscal cost in the horizon plus the committed one equals the
up-front ``fiscal_cost_amount``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..model.codes import Outcome
from ..model.subsidy import payment_days, project_payments

if TYPE_CHECKING:  # pragma: no cover
    from ..model.engine import Model

__all__ = ["MONEY_OVER_TIME_KEYS", "DAILY_COLUMNS", "money_over_time"]

#: Summary keys of this module, in order (after the up-front figures of the summary).
MONEY_OVER_TIME_KEYS = (
    "interest_saving_in_horizon_amount",
    "interest_saving_committed_amount",
    "subsidy_in_horizon_amount",
    "subsidy_committed_amount",
    "access_value_in_horizon_amount",
    "access_value_committed_amount",
    "savings_total_in_horizon_amount",
    "savings_total_committed_amount",
    "savings_total_pv_amount",
    "fiscal_cost_in_horizon_amount",
    "fiscal_cost_committed_amount",
    "fiscal_cost_pv_amount",
    "subsidy_paid_amount",
    "subsidy_unpaid_amount",
    "subsidy_unpaid_committed_amount",
    "subsidy_unpaid_firms_n",
    "subsidy_budget_exhausted_day",
    "additional_loans_n",
    "additional_loans_amount",
    "additionality_share",
    "market_rate_avg",
    "programme_rate_avg",
)

#: Daily columns this module adds to the time series (accruals, not payments).
DAILY_COLUMNS = (
    "interest_saving_accrued_amount",
    "subsidy_accrued_amount",
    "savings_accrued_amount",
)


def _stream_pv(per_day: np.ndarray, lo: np.ndarray, hi: np.ndarray, v: float) -> np.ndarray:
    """Present value at day 0 of ``per_day`` on each day of ``[lo, hi)``."""
    days = np.maximum(hi - lo, 0)
    if v == 1.0:
        return per_day * days
    return per_day * (v**lo - v ** np.maximum(hi, lo)) / (1.0 - v)


def _daily(per_day: np.ndarray, lo: np.ndarray, hi: np.ndarray, days: int) -> np.ndarray:
    """Sum over loans of ``per_day`` on each day of ``[lo, min(hi, days))``."""
    diff = np.zeros(days + 1)
    np.add.at(diff, np.minimum(lo, days), per_day)
    np.add.at(diff, np.minimum(hi, days), -per_day)
    return np.cumsum(diff)[:days]


def money_over_time(model: Model) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Savings and fiscal cost over time, present values and additionality of a run.

    Parameters
    ----------
    model
        The finished run.

    Returns
    -------
    summary : dict
        The values of :data:`MONEY_OVER_TIME_KEYS`, amounts and counts scaled by
        ``population.scale``.
    daily : dict of numpy.ndarray
        The :data:`DAILY_COLUMNS`, one value a day, in simulated units (not scaled).
    """
    s, scale, days = model.scenario, model.scale, model.days
    lp = s.loan_pool
    term = lp.term_days
    a = model.apps.view()
    ok = a["outcome"] == Outcome.APPROVED
    t0, end = a["decision_day"][ok], a["end_day"][ok]
    amount, add = a["amount"][ok], a["additional"][ok]
    subsidy = a["subsidy"][ok]
    sub_d = subsidy / term
    conc_d = np.where(add, 0.0, (a["interest_saving"][ok] - subsidy) / term)
    acc_d = np.where(add, amount * s.behaviour.access_value_rate / 365.0, 0.0)
    fee_d = a["fee_saving"][ok] / term
    int_d = conc_d + sub_d
    h = np.minimum(end, days)
    in_h = np.maximum(h - t0, 0)
    com = np.maximum(end - np.maximum(t0, days), 0)
    v = (1.0 + s.rates.discount_rate) ** (-1.0 / 365.0)
    disc = v ** np.arange(days)

    # ---- the subsidy: payments in the horizon, projected ones after it, what is lost
    ts = model.ts
    pool = model.pool
    unpaid_h = a["subsidy_unpaid"][ok]
    periodic = lp.subsidy_payment != "at_approval"
    if periodic:
        horizon_end = int(end.max(initial=days))
        calendar = payment_days(lp.subsidy_payment, s.horizon.start_date, horizon_end + 400)
        left = None
        if pool.subsidy_id >= 0:
            closed = model.ledger.closed[pool.subsidy_id]
            left = 0.0 if closed else float(model.ledger.level[pool.subsidy_id])
        owed = subsidy > 0
        pay_day, paid_c, unpaid_c = project_payments(
            sub_d[owed], t0[owed], end[owed], calendar, days, left
        )
        lost_h, lost_c = unpaid_h.sum(), unpaid_c.sum()
        lost_pv = (ts["subsidy_unpaid_amount"] * disc).sum() + (unpaid_c * v**pay_day).sum()
        # the subsidy lost each day: what the appropriation could not pay that day (a
        # payment day's whole instalment, so the day's net accrual can be below zero)
        lost_daily = np.asarray(ts["subsidy_unpaid_amount"], dtype=float)
    else:
        # paid whole on approval: a loan refused by the appropriation loses all of it
        frac = np.divide(unpaid_h, subsidy, out=np.zeros_like(subsidy), where=subsidy > 0)
        lost_h = (frac * sub_d * in_h).sum()
        lost_c = (frac * sub_d * com).sum()
        lost_pv = _stream_pv(frac * sub_d, t0, end, v).sum()
        pay_day, paid_c, unpaid_c = np.zeros(0, np.int64), np.zeros(0), np.zeros(0)
        lost_daily = _daily(frac * sub_d, t0, end, days)

    # ---- savings of firms (accruals)
    other = [c for i in model.instruments if i.active for c in i.savings_columns]
    other_h = sum((ts[c].sum() for c in other), 0.0)
    other_pv = sum(((ts[c] * disc).sum() for c in other), 0.0)
    interest_h = (int_d * in_h).sum() - lost_h
    interest_c = (int_d * com).sum() - lost_c
    subsidy_h = (sub_d * in_h).sum() - lost_h
    subsidy_c = (sub_d * com).sum() - lost_c
    access_h, access_c = (acc_d * in_h).sum(), (acc_d * com).sum()
    fee_h, fee_c = (fee_d * in_h).sum(), (fee_d * com).sum()
    savings_pv = _stream_pv(int_d + acc_d + fee_d, t0, end, v).sum() - lost_pv + other_pv

    # ---- fiscal cost (payments)
    fiscal = [c for i in model.instruments if i.active for c in i.fiscal_columns]
    g_net = a["expected_guarantee_loss"][ok] - a["fee_income"][ok]
    paid_h = ts["subsidy_paid_amount"]
    fiscal_h = paid_h.sum() + sum((ts[c].sum() for c in fiscal), 0.0) + g_net.sum()
    fiscal_c = paid_c.sum()
    fiscal_pv = (
        (paid_h * disc).sum()
        + sum(((ts[c] * disc).sum() for c in fiscal), 0.0)
        + (g_net * v**t0).sum()
        + (paid_c * v**pay_day).sum()
    )

    # ---- the appropriation and the counterfactual
    exhausted = None
    if pool.subsidy_id >= 0 and model.ledger.closed[pool.subsidy_id]:
        exhausted = int(model.ledger.exhausted_on[pool.subsidy_id])
    f = model.firms
    if model.risk_priced:
        market = pool.outside_rate(f.pd_annual[a["firm"][ok]], model.uncovered[a["firm"][ok]])
    else:
        market = pool.market_rate(f.pd_annual[a["firm"][ok]])
    disbursed = amount.sum()

    def sc(x: float) -> float:
        return float(x) * scale

    summary: dict[str, Any] = {
        "interest_saving_in_horizon_amount": sc(interest_h),
        "interest_saving_committed_amount": sc(interest_c),
        "subsidy_in_horizon_amount": sc(subsidy_h),
        "subsidy_committed_amount": sc(subsidy_c),
        "access_value_in_horizon_amount": sc(access_h),
        "access_value_committed_amount": sc(access_c),
        "savings_total_in_horizon_amount": sc(interest_h + access_h + fee_h + other_h),
        "savings_total_committed_amount": sc(interest_c + access_c + fee_c),
        "savings_total_pv_amount": sc(savings_pv),
        "fiscal_cost_in_horizon_amount": sc(fiscal_h),
        "fiscal_cost_committed_amount": sc(fiscal_c),
        "fiscal_cost_pv_amount": sc(fiscal_pv),
        "subsidy_paid_amount": sc(paid_h.sum()),
        "subsidy_unpaid_amount": sc(ts["subsidy_unpaid_amount"].sum()),
        "subsidy_unpaid_committed_amount": sc(unpaid_c.sum()),
        "subsidy_unpaid_firms_n": sc(np.unique(a["firm"][ok][unpaid_h > 0]).size),
        "subsidy_budget_exhausted_day": exhausted,
        "additional_loans_n": sc(add.sum()),
        "additional_loans_amount": sc(amount[add].sum()),
        "additionality_share": float(amount[add].sum() / disbursed) if disbursed > 0 else None,
        "market_rate_avg": float((market * amount).sum() / disbursed) if disbursed > 0 else None,
    }
    rate = a["rate"][ok]
    summary["programme_rate_avg"] = (
        float((rate * amount).sum() / disbursed) if disbursed > 0 else None
    )
    # net of the subsidy the appropriation could not pay, as the summary's in-horizon
    # figures are: the daily columns add up to them
    interest_daily = _daily(int_d, t0, end, days) - lost_daily
    daily = {
        "interest_saving_accrued_amount": interest_daily,
        "subsidy_accrued_amount": _daily(sub_d, t0, end, days) - lost_daily,
        "savings_accrued_amount": interest_daily
        + _daily(acc_d + fee_d, t0, end, days)
        + sum((ts[c] for c in other), np.zeros(days)),
    }
    return summary, daily
