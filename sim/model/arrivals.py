"""Arrivals: the engine's financing needs, laid out by due day, and the applications made.

Public names: :class:`Arrivals` (a part of :class:`sim.model.engine.Model`). Each day
the needs that come due get their fate (not eligible, too small, over the per-firm limit,
declined or applied: docs/model.md 7.3-7.4), and those applied for are prepared, with
an adviser's help or not, and filed for submission.

When the programme counts the lending to listed firms (``loan_pool.counts:
listed_lending``) a firm with a need goes to its bank: a need comes due the day it
arises, whether the firm knows of the measures or not, and is never declined (there is
no application to weigh). When loans roll over, a renewal is decided on its maturity
day, without preparation or a place in the review queue (banks renew before maturity).
"""

from __future__ import annotations

import numpy as np

from ..scenario import Scenario
from .banks import LenderTable, bank_expected_loss
from .batches import Table, filled
from .behaviour import apply_probability, prep_days_by_firm
from .calendar import next_review_day, working_days
from .codes import NeedFate
from .demand import ExistingLoans, draw_needs, with_renewals
from .instruments import Instrument, LoanPoolInstrument
from .population import Firms
from .queue import FEW, UINT16_MAX, Agenda

__all__ = ["Arrivals"]

_F_APPLIED, _F_DECLINED, _F_UNAWARE, _F_INELIGIBLE, _F_SMALL, _F_OVER, _F_NOTDUE = (
    int(f) for f in NeedFate
)


class Arrivals:
    """The run's financing needs and the step that turns those due into applications.

    The needs are drawn when the part is built (then the renewals of existing loans),
    and those that come due within the horizon are laid out by due day. Each day
    :meth:`come_due` gives the day's needs their fate and appends the applications made
    to ``apps``, filed under their submission day in ``submit_agenda``.

    Parameters
    ----------
    scenario
        The validated scenario.
    firms
        The population.
    lenders
        The lender table (appetite and loss given default of a firm's main bank).
    pool
        The loan pool (which loans are credit loans, the term).
    existing
        Existing loans at launch (their renewals become needs), or None.
    aware_day
        Day each firm learns of the measures.
    saving_rate, pd_term
        Per firm: the yearly saving per unit borrowed and the default probability over
        a loan's term.
    loan_eligible_tier
        Per tier: whether its firms may borrow from the programme.
    borrowed
        Per firm: programme loans outstanding (the engine's array, read here).
    apps
        The applications table (appended to).
    submit_agenda
        The agenda of submissions (written).
    decide_agenda
        The agenda of decisions (renewals decided on their maturity day are filed there).
    adviser
        The active measure that helps firms prepare applications
        (:meth:`~sim.model.instruments.base.Instrument.assisted_ready_days`), or None.
    rng_demand, rng_credit, rng_existing
        Generators of the needs, the appetite noise and the renewals.
    rate_changes, rng_events
        Events changing the rate of new needs and their generator
        (:func:`~sim.model.demand.draw_needs`).

    Attributes
    ----------
    needs
        The run's needs (:class:`~sim.model.demand.Needs`).
    due_start, due_need
        Per day, where its needs start in ``due_need`` (the needs that come due, in
        order of due day then need).
    """

    def __init__(
        self,
        scenario: Scenario,
        firms: Firms,
        lenders: LenderTable,
        pool: LoanPoolInstrument,
        existing: ExistingLoans | None,
        aware_day: np.ndarray,
        saving_rate: np.ndarray,
        pd_term: np.ndarray,
        loan_eligible_tier: np.ndarray,
        borrowed: np.ndarray,
        apps: Table,
        submit_agenda: Agenda,
        decide_agenda: Agenda,
        adviser: Instrument | None,
        *,
        rng_demand: np.random.Generator,
        rng_credit: np.random.Generator,
        rng_existing: np.random.Generator,
        rate_changes: list[tuple[int, float]] | None = None,
        rng_events: np.random.Generator | None = None,
    ) -> None:
        self.scenario, self.firms, self.lenders, self.pool = scenario, firms, lenders, pool
        self.days = scenario.horizon.days
        self.saving_rate, self.pd_term = saving_rate, pd_term
        self.loan_eligible_tier, self.borrowed = loan_eligible_tier, borrowed
        self.apps, self.submit_agenda, self.adviser = apps, submit_agenda, adviser
        self.decide_agenda = decide_agenda
        #: a firm with a need borrows from its bank: no awareness needed, no decision
        self.borrows = scenario.loan_pool.counts == "listed_lending"
        #: renewals are decided on their maturity day (loans roll over), or the next day
        #: the lenders review on (a holiday's renewals are decided on the next working day)
        self.renew_at_maturity = scenario.demand.rolls_over
        self.review_day = next_review_day(
            working_days(scenario.horizon.start_date, self.days, scenario.banks.calendar)
        )
        f = firms
        #: days each firm prepares alone, when size or being a bank's customer changes
        #: them (docs/model.md 7.4a; None: ``behaviour.prep_days`` for every firm)
        self.prep: np.ndarray | None = None
        b = scenario.behaviour
        if b.prep_varies:
            holder = existing.holds if existing is not None else np.zeros(f.n, dtype=bool)
            self.prep = prep_days_by_firm(
                b.prep_days, f.revenue, holder, b.prep_size_elasticity, b.customer_prep_factor
            )
        self.needs = draw_needs(
            scenario,
            f,
            rng=rng_demand,
            rng_credit=rng_credit,
            rate_changes=rate_changes,
            rng_events=rng_events,
        )
        if existing is not None:
            self.needs = with_renewals(self.needs, existing, scenario, rng=rng_existing)
        self._lay_out(aware_day)

    def _lay_out(self, aware_day: np.ndarray) -> None:
        """Lay out, by due day, the needs that come due, with what the step reads of them."""
        scenario, f = self.scenario, self.firms
        nd = self.needs
        nd.tier[:] = f.tier[nd.firm]  # overwritten by the tier on the day a need comes due
        if self.borrows:
            due = nd.day.copy()
            late = due >= self.days
        else:
            due = np.maximum(nd.day, aware_day[nd.firm])
            late = (due - nd.day > scenario.demand.patience_days) | (due >= self.days)
        nd.fate[late] = _F_UNAWARE
        # the needs that come due, in order of due day then need: each day's are one slice,
        # with the attributes the arrivals process reads laid out in the same order
        ok = (~late).nonzero()[0]
        due_ok = due[ok]
        key = due_ok.astype(np.uint16) if self.days <= UINT16_MAX else due_ok
        by_day = key.argsort(kind="stable")
        self.due_need = ok[by_day]
        self.due_start = np.searchsorted(due_ok[by_day], np.arange(self.days + 1)).tolist()
        self.due_firm = nd.firm[self.due_need]
        self.due_amount = nd.amount[self.due_need]
        self.due_u_apply = nd.u_apply[self.due_need]
        # what comes due with each need: too small a loan; prepared with a centre's help
        self.due_small = self.due_amount < scenario.loan_pool.min_amount
        self.due_assisted = (nd.u_assist[self.due_need] < scenario.behaviour.assisted_share) & (
            self.adviser is not None
        )
        # what a need's owner weighs does not change while it waits, unless loans it
        # already has bring the per-firm limit lower: worked out once, not once a day
        self.due_credit = self.pool.is_credit_loan(f.collateral_ratio[self.due_firm])
        self.due_apply_p = self._apply_probability(
            np.minimum(self.due_amount, scenario.loan_pool.max_per_firm),
            self.due_firm,
            self.due_credit,
        )
        self.due_renewal = nd.renewal[self.due_need]
        self.due_apply_p[self.due_renewal] = 1.0  # a renewal always applies
        if self.borrows:
            self.due_apply_p[:] = 1.0  # a firm borrows: no application to weigh
        # a need capped by the per-firm limit weighs its smaller loan (a renewal never does)
        self.due_capped_at = np.where(
            self.due_renewal | self.borrows,
            -np.inf,
            np.minimum(self.due_amount, scenario.loan_pool.max_per_firm),
        )
        # the same attributes as rows of one table for the days of a few needs (see
        # :meth:`_arrivals_few`), those days' rows one slice each (none in a large run)
        per_day = np.diff(np.array(self.due_start))
        few = per_day < FEW
        self.few_start = np.concatenate(([0], np.cumsum(per_day * few))).tolist()
        self.few_rows = np.empty((0, 7))
        if np.count_nonzero(few & (per_day > 0)):
            on_few_day = np.repeat(few, per_day)
            columns = (
                self.due_amount,
                self.due_u_apply,
                self.due_apply_p,
                self.due_capped_at,
                self.due_small,
                self.due_assisted,
                self.due_credit,
            )
            self.few_rows = np.column_stack([c[on_few_day] for c in columns]).astype(float)

    def _file(self, agenda: Agenda, days, ids: np.ndarray) -> None:
        agenda.add(days, ids, before=self.days)

    def come_due(self, day: int) -> None:
        """The needs that come due on ``day``: each one's fate, and the applications made."""
        lo, hi = self.due_start[day], self.due_start[day + 1]
        if lo == hi:
            return
        if hi - lo < FEW:
            self._arrivals_few(day, lo, hi)
            return
        s, f, nd = self.scenario, self.firms, self.needs
        lp = s.loan_pool
        ids, firm, wanted = self.due_need[lo:hi], self.due_firm[lo:hi], self.due_amount[lo:hi]
        tier = f.tier[firm]
        # not eligible, else too small, else over the per-firm limit: a fate now
        amount = np.minimum(wanted, lp.max_per_firm - self.borrowed[firm])
        fate = filled(hi - lo, _F_APPLIED, nd.fate.dtype)
        fate[amount < lp.min_amount] = _F_OVER
        fate[self.due_small[lo:hi]] = _F_SMALL
        fate[~self.loan_eligible_tier[tier]] = _F_INELIGIBLE
        kept = fate == _F_APPLIED
        p = self.due_apply_p[lo:hi]
        capped = kept & (amount < self.due_capped_at[lo:hi])
        if np.count_nonzero(capped):
            p = p.copy()
            credit = self.due_credit[lo:hi]
            p[capped] = self._apply_probability(amount[capped], firm[capped], credit[capped])
        declined = kept & (self.due_u_apply[lo:hi] >= p)
        fate[declined] = _F_DECLINED
        nd.fate[ids] = fate
        nd.tier[ids] = tier
        go = (kept ^ declined).nonzero()[0]  # kept and not declined (declined are kept)
        if go.size == 0:
            return
        ids, firm, amount = ids[go], firm[go], amount[go]
        credit, assisted = self.due_credit[lo:hi][go], self.due_assisted[lo:hi][go]
        if self.prep is None:
            ready = filled(ids.size, day + s.behaviour.prep_days, np.int64)
        else:
            ready = day + self.prep[firm]
        renew = self.due_renewal[lo:hi][go] if self.renew_at_maturity else None
        if renew is not None:
            assisted = assisted & ~renew
            ready[renew] = day
        assisted_n = np.count_nonzero(assisted)
        if assisted_n:
            ready[assisted] = self.adviser.assisted_ready_days(assisted_n, day, self.days)
        app = self.apps.append(
            need=ids,
            firm=firm,
            bank=f.main_bank[firm],
            submit_day=ready,
            amount=amount,
            credit_loan=credit,
        )
        self._file_ready(app, ready, renew)

    def _file_ready(self, app: np.ndarray, ready, renew: np.ndarray | None) -> None:
        """File applications for submission on their ready day, or renewals decided at
        maturity for decision on it."""
        if renew is None or not np.any(renew):
            self._file(self.submit_agenda, ready, app)
            return
        ready = np.asarray(ready, dtype=np.int64)
        self._file(self.decide_agenda, self.review_day[ready[renew]], app[renew])
        self._file(self.submit_agenda, ready[~renew], app[~renew])

    def _apply_probability(
        self, amount: np.ndarray, firm: np.ndarray, credit: np.ndarray
    ) -> np.ndarray:
        """Probability that the owners of needs of ``amount`` apply (see :func:`apply_probability`)."""
        s, f = self.scenario, self.firms
        rate = self.saving_rate[firm]
        # access value: firms the median lender would refuse without cover are credit-constrained
        el = bank_expected_loss(
            self.pd_term[firm], self.lenders.lgd[f.main_bank[firm]], f.collateral_ratio[firm], 0.0
        )
        constrained = el > self.lenders.max_expected_loss[f.main_bank[firm]]
        benefit = amount * (
            rate * self.pool.term_years + np.where(constrained, s.behaviour.access_value_rate, 0.0)
        )
        return apply_probability(benefit, f.employees[firm], s.behaviour)

    def _arrivals_few(self, day: int, lo: int, hi: int) -> None:
        """:meth:`come_due` for a day of a few needs, need by need in Python.

        The same fates in the same order of precedence (not eligible, else too small, else
        over the per-firm limit, else declined), the same floating-point operations on the
        amounts and the same applications, without a numpy call per step.
        """
        s, f, nd = self.scenario, self.firms, self.needs
        lp = s.loan_pool
        ids, firm = self.due_need[lo:hi], self.due_firm[lo:hi]
        tier = f.tier[firm]
        room = (lp.max_per_firm - self.borrowed[firm]).tolist()
        eligible = self.loan_eligible_tier[tier].tolist()
        rows = self.few_rows[self.few_start[day] : self.few_start[day + 1]].tolist()
        fate, amount, capped = _few_fates(rows, room, eligible, lp.min_amount)
        if capped:
            # the probability of a need capped by the firm's loans so far, as in come_due
            p_capped = self._apply_probability(
                np.array([amount[j] for j in capped]),
                firm[capped],
                np.array([bool(rows[j][6]) for j in capped]),
            )
            for j, p_j in zip(capped, p_capped.tolist(), strict=True):
                if rows[j][1] >= p_j:
                    fate[j] = _F_DECLINED
        go = [j for j, x in enumerate(fate) if x == _F_APPLIED]
        nd.fate[ids] = fate
        nd.tier[ids] = tier
        if not go:
            return
        renew_at = set()
        if self.renew_at_maturity:
            renew_at = {j for j in go if self.due_renewal[lo + j]}
        assisted = [j for j in go if rows[j][5] and j not in renew_at]
        if self.prep is None:
            ready = dict.fromkeys(go, day + s.behaviour.prep_days)
        else:
            ready = {j: day + int(self.prep[firm[j]]) for j in go}
        ready.update(dict.fromkeys(renew_at, day))
        if assisted:
            done = self.adviser.assisted_ready_days(len(assisted), day, self.days)
            ready.update(zip(assisted, done, strict=True))
        firm_go = firm[go]
        submit = list(ready.values())
        app = self.apps.append(
            need=ids[go],
            firm=firm_go,
            bank=f.main_bank[firm_go],
            submit_day=submit,
            amount=[amount[j] for j in go],
            credit_loan=[bool(rows[j][6]) for j in go],
        )
        renew = np.array([j in renew_at for j in go], dtype=bool) if renew_at else None
        self._file_ready(app, submit, renew)


def _few_fates(
    rows: list[list[float]], room: list[float], eligible: list[bool], min_amount: float
) -> tuple[list[int], list[float], list[int]]:
    """The fates and amounts of a few needs, and which of them the firm's loans so far
    capped (their fate waits on the probability of the smaller loan).

    A row: amount wanted, u_apply, p_apply, capped at, small, assisted, credit.
    """
    fate, amount, capped = [], [], []
    for j, (row, r, ok) in enumerate(zip(rows, room, eligible, strict=True)):
        a = row[0] if row[0] <= r else r  # np.minimum(wanted, room)
        amount.append(a)
        if not ok:
            fate.append(_F_INELIGIBLE)
        elif row[4]:
            fate.append(_F_SMALL)
        elif a < min_amount:
            fate.append(_F_OVER)
        elif a < row[3]:
            fate.append(_F_APPLIED)  # capped by the firm's loans so far: weighed below
            capped.append(j)
        else:
            fate.append(_F_DECLINED if row[1] >= row[2] else _F_APPLIED)
    return fate, amount, capped
