"""Closing: what the engine books once at the end of a run, for all days and loans at once.

Public names: none outside the model (:func:`book_at_end`, called by
:meth:`sim.model.engine.Model.run`).

No step of the run reads these figures, so they are not written day by day: the daily
counts of needs, applications and decisions, the awareness share, and each loan's
interest saving and what the measures book of it (a guarantee's fee saving, fee income
and the fund's expected loss). Worked out at the
end with the same element-wise arithmetic, they are the same numbers the daily steps
would have written, without a dozen calls on arrays of a few elements a day.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .codes import NeedFate, Outcome
from .instruments import Instrument

if TYPE_CHECKING:  # pragma: no cover
    from .engine import Model

#: Daily count columns and the outcomes each counts (by decision day).
_DECISION_COUNTS = (
    ("approved_n", (int(Outcome.APPROVED),)),
    ("refused_credit_n", (int(Outcome.REFUSED_CREDIT),)),
    ("refused_quota_n", (int(Outcome.REFUSED_QUOTA), int(Outcome.REFUSED_CREDIT_QUOTA))),
    ("refused_guarantee_n", (int(Outcome.REFUSED_GUARANTEE),)),
)


def book_at_end(model: Model) -> None:
    """Add the run's daily counts and awareness share to ``model.ts`` and book each
    approved loan's interest saving in ``model.apps``, then what each active measure
    books at the end (:meth:`~sim.model.instruments.base.Instrument.loans_closed`: e.g.
    a guarantee's fees and expected loss).

    Parameters
    ----------
    model
        A model whose simpy processes have run every day of the horizon.
    """
    ts, a, days = model.ts, model.apps.view(), model.days
    arrivals = model.arrivals
    due_n = np.diff(arrivals.due_start)
    ts["needs_due"] += due_n
    due_day = np.repeat(np.arange(days), due_n)
    declined = model.needs.fate[arrivals.due_need] == int(NeedFate.DECLINED)
    ts["declined_n"] += np.bincount(due_day[declined], minlength=days)
    submit = a["submit_day"]
    ts["applications_n"] += np.bincount(submit[submit < days], minlength=days)
    decided = a["decision_day"] >= 0
    day, outcome = a["decision_day"][decided], a["outcome"][decided]
    for column, codes in _DECISION_COUNTS:
        ts[column] += np.bincount(day[np.isin(outcome, codes)], minlength=days)
    ts["aware_share"][:] = model.aware_share_daily[:days]
    ap = (a["outcome"] == int(Outcome.APPROVED)).nonzero()[0]
    firm, amount = a["firm"][ap], a["amount"][ap]
    pool = model.pool
    if model.risk_priced:
        # the outside rate less the loan's own rate, plus the subsidy on credit loans
        f = model.firms
        outside = pool.outside_rate(f.pd_annual[firm], model.uncovered[firm])
        rate = a["rate"][ap]
        yearly = np.maximum(outside - rate, 0.0) + np.where(
            a["credit_loan"][ap], pool.config.interest_subsidy_share * rate, 0.0
        )
        a["interest_saving"][ap] = amount * yearly * pool.term_years
    else:
        # the programme rate's concession, and the subsidy on each loan of type credit
        yearly = pool.benefit_rate(model.firms.pd_annual[firm], a["credit_loan"][ap])
        a["interest_saving"][ap] = amount * yearly * pool.term_years
    for inst in model.instruments:
        if inst.active and type(inst).loans_closed is not Instrument.loans_closed:
            inst.loans_closed(model, ap)
