"""Engine: the simpy environment that wires firms, banks and measures into one run.

Public names: :class:`Model`, :func:`simulate` (the run with its tables is
:func:`sim.results.run`); the codes :data:`OUTCOMES`, :data:`NEED_FATES` come from
:mod:`sim.model.codes`, the daily table's columns from :mod:`sim.model.daily`.

simpy is the clock. Each mechanism is one process: demand and application decisions,
application preparation (service centres), bank review, credit decisions, the loan
book (maturities and defaults; each measure books what ends, e.g. guarantee claims),
the measures' own processes (cost-relief claim rounds, certification rounds, fund
rounds, quota reallocation: registered by each instrument, see
:mod:`sim.model.instruments.base`), and daily recording; what no step reads during the
run is booked once at its end (:mod:`sim.model.closing`). The model is composed of
parts it calls, each with the state it owns: :class:`~sim.model.arrivals.Arrivals` and
:class:`~sim.model.review.Review`.

The engine names no optional measure: it builds every registered instrument and loops
over them; a measure's daily columns, its cover of credit decisions (a guarantee's),
its outreach and advisers, and the outcome of an application its account refuses
reach the engine through the hooks of :class:`~sim.model.instruments.base.Instrument`.
One measure is named: the loan pool (``Model.pool``). It is the programme's loan
itself, not an optional measure: a decision draws on its accounts, is bounded by its
per-firm limit and minimum, and is priced by its rates and term; its section is
required. The engine's own daily columns include ``refused_guarantee_n``, the count of
an outcome code (:class:`~sim.model.codes.Outcome`, stored and append-only), and the
applications table keeps the columns of the stored layout (``guarantee``, ``claim``,
``fee_saving``, ...), written by the measures. Processes run at
fixed offsets within a day so their order is the same in every run. Firms are
rows of numpy arrays and every process works on the whole batch of firms, needs or
applications that is due; there is no Python object or simpy process per firm.
"""

from __future__ import annotations

import math

import numpy as np
import simpy

from ..scenario import Scenario
from ..scenario.events import EventState, event_states
from ..scenario.plausibility import plausibility_warnings
from .arrivals import Arrivals
from .banks import (
    LenderTable,
    build_lenders,
    credit_approved,
)
from .batches import Table, exclusive_firm_cumsum, filled
from .behaviour import (
    aware_day,
    awareness_curves,
    choose_retry_bank,
    head_start_thresholds,
    list_contact_days,
)
from .calendar import working_days
from .closing import book_at_end
from .codes import NEED_FATES, OUTCOMES, LoanType, NeedFate, Outcome
from .credit import CreditBatch
from .daily import timeseries_columns
from .demand import ExistingLoans, draw_existing_loans
from .instruments import (
    Instrument,
    LoanPoolInstrument,
    instrument_classes,
)
from .ledger import Ledger
from .population import make_population
from .queue import FEW, Agenda
from .review import Review

__all__ = ["Model", "simulate", "OUTCOMES", "NEED_FATES"]

_APPROVED, _R_CREDIT, _R_QUOTA, _R_LIMIT, _PENDING = (
    int(o)
    for o in (
        Outcome.APPROVED,
        Outcome.REFUSED_CREDIT,
        Outcome.REFUSED_QUOTA,
        Outcome.REFUSED_FIRM_LIMIT,
        Outcome.PENDING,
    )
)

_CREDIT, _GUARANTEED, _SECURED = (int(t) for t in LoanType)
_APPLIED_FATE, _INELIGIBLE_FATE = int(NeedFate.APPLIED), int(NeedFate.INELIGIBLE)

# offsets of the processes within a day: their order
# (the measures' processes run at MEASURES_OFFSET + k/100, see instruments.base)
_AT_ARRIVALS, _AT_SUBMIT, _AT_DECIDE, _AT_BOOK, _AT_RECORD = (0.0, 0.1, 0.2, 0.3, 0.9)


class Model:
    """State and processes of one run.

    The model is composed of parts it calls: :class:`~sim.model.arrivals.Arrivals`
    (``arrivals``: the needs and the applications made) and
    :class:`~sim.model.review.Review` (``review``: submission to decision day); it
    makes the credit decisions and keeps the loan book itself.

    Parameters
    ----------
    scenario
        The validated scenario.
    seed_seq
        The run's seed sequence (its children seed each generator).
    """

    def __init__(self, scenario: Scenario, seed_seq: np.random.SeedSequence):
        self.scenario = scenario
        self.days = scenario.horizon.days
        self.scale = scenario.population.scale
        rs = seed_seq.spawn(8)
        self.rng_pop, self.rng_demand, self.rng_credit, self.rng_relief, self.rng_rollover = (
            np.random.default_rng(c) for c in rs[:5]
        )
        # existing loans and lists draw on their own generators: off, they change nothing
        self.rng_existing, self.rng_lists = (np.random.default_rng(c) for c in rs[5:7])
        # what events change before day 0 (the needs they add or take away) draws on its own
        self.rng_events = np.random.default_rng(rs[7])
        #: the scenarios the events put in force, by day (docs/model.md 7.17); the
        #: measures read the one in force, ``scenario`` stays the scenario as given
        self.event_states: list[EventState] = event_states(scenario)
        self._next_event = 0
        self.lenders: LenderTable = build_lenders(scenario)
        self.working = working_days(scenario.horizon.start_date, self.days, scenario.banks.calendar)
        #: Notes on how far the run's sample can be trusted (shown by the CLI, in the manifest).
        self.warnings: list[str] = plausibility_warnings(scenario)
        self.firms = make_population(scenario, self.lenders, rng=self.rng_pop)
        f = self.firms
        self.ledger = Ledger(self.days)
        # every registered measure, in rank order: the order its accounts are opened in
        self.instruments: list[Instrument] = [
            cls(scenario, f, self.lenders, self.ledger) for cls in instrument_classes()
        ]
        # the programme's loans are the pool's: its accounts, limit, pricing and term
        self.pool = self.instrument(LoanPoolInstrument)
        # the active measures that change the credit rule or react to loans, in rank order
        # (the others' hooks do nothing: not calling them saves a call per batch)
        self._loss_sharers = _hooked(self.instruments, "bank_loss_share")
        covering = _hooked(self.instruments, "offer_cover")
        self._coverer = covering[0] if covering else None
        self._on_booked = _hooked(self.instruments, "loans_booked")
        self._on_ended = _hooked(self.instruments, "loans_ended")
        self.ledger.freeze()
        # the outcome of an application refused by each account, as the measure that opened
        # it declares (pending: loans never draw on it)
        self.refusal_of_account = np.array(
            [_PENDING if r is None else r for r in self.ledger.refusals], dtype=np.int8
        )
        self.loan_eligible_tier = np.isin(np.array(f.tier_names), scenario.loan_pool.eligible_tiers)
        #: a covered loan is not a credit loan; loans are priced from their risk
        self.excludes_guaranteed = scenario.loan_pool.credit_loan_excludes_guaranteed
        self.risk_priced = scenario.rates.pricing == "risk_based"
        self.rollover_share = scenario.demand.rollover_share
        # per firm and fixed for the run: default probability over a loan's term, default
        # hazard per day, and the yearly saving per unit borrowed (a firm's loans are all
        # credit loans or none are: that depends on its collateral only)
        self.pd_term = 1.0 - (1.0 - f.pd_annual) ** self.pool.term_years
        self.hazard = -np.log1p(-np.minimum(f.pd_annual, 1 - 1e-12)) / 365.0
        # the share of a loan its collateral leaves uncovered (collateral is fixed per firm)
        self.uncovered = np.minimum(np.maximum(1.0 - f.collateral_ratio - 0.0, 0.0), 1.0)
        self.saving_rate = self.pool.benefit_rate(
            f.pd_annual, self.pool.is_credit_loan(f.collateral_ratio)
        )

        self._set_up_awareness()
        self._set_up_outreach()
        self._set_up_tables()
        # the parts the model calls, each with the state it owns
        advisers = _hooked(self.instruments, "assisted_ready_days")
        self.arrivals = Arrivals(
            scenario,
            f,
            self.lenders,
            self.pool,
            self.existing,
            self.aware_day,
            self.saving_rate,
            self.pd_term,
            self.loan_eligible_tier,
            self.borrowed,
            self.apps,
            self.submit_agenda,
            self.decide_agenda,
            advisers[0] if advisers else None,
            rng_demand=self.rng_demand,
            rng_credit=self.rng_credit,
            rng_existing=self.rng_existing,
            rate_changes=[
                (st.day, st.scenario.demand.needs_per_firm_year)
                for st in self.event_states
                if "demand.needs_per_firm_year" in st.paths
            ],
            rng_events=self.rng_events,
        )
        self.needs = self.arrivals.needs
        self.review = Review(
            scenario,
            self.lenders,
            f,
            self.needs,
            self.apps,
            self.working,
            self.submit_agenda,
            self.decide_agenda,
        )
        self.warnings += self.review.warnings
        self.ts["review_capacity_n"][:] = self.review.capacity.sum(axis=0)

    def _set_up_awareness(self) -> None:
        """Awareness curves per group of firms and the day each firm learns of the measures."""
        scenario, f = self.scenario, self.firms
        # awareness: groups are zones, plus one group for firms in none
        n_groups = len(f.zone_names) + 1
        self.group = np.where(f.zone >= 0, f.zone, n_groups - 1)
        contacts = 0.0  # outreach of the measures that reach out to firms
        for inst in self.instruments:
            contacts += inst.outreach_contacts_per_day()
        self.curves = awareness_curves(
            self.group, n_groups, self.days, scenario.awareness, contacts
        )
        self.aware_day = aware_day(self.curves, self.group, f.aware_u)
        sizes = np.bincount(self.group, minlength=n_groups)
        self.aware_share_daily = self.curves @ sizes / max(f.n, 1)

    def _set_up_outreach(self) -> None:
        """Existing loans and lists: banks make the firms they call aware (docs/model.md 7.1-7.2)."""
        s, f = self.scenario, self.firms
        eligible = self.loan_eligible_tier[f.tier]
        self.existing: ExistingLoans | None = None
        if s.demand.renews:
            self.existing = draw_existing_loans(s, f, eligible, rng=self.rng_existing)
        #: whether each firm holds a loan with its bank at launch (a bank's customer)
        self.holder = self.existing.holds if self.existing is not None else np.zeros(f.n, bool)
        if s.awareness.orders_firms:
            # larger firms and the banks' customers learn first (docs/model.md 7.2b)
            u = head_start_thresholds(
                f.aware_u,
                self.group,
                f.revenue,
                self.holder,
                s.awareness.size_odds_elasticity,
                s.awareness.customer_odds,
            )
            self.aware_day = aware_day(self.curves, self.group, u)
        before = self.aware_day.copy()
        if self.existing is not None:
            # the bank tells its eligible customer of the programme at the loan's maturity
            m = self.existing.first_maturity
            told = eligible & (m >= 0) & (m < self.days)
            self.aware_day[told] = np.minimum(self.aware_day[told], m[told])
        self.listed = np.zeros(f.n, dtype=bool)
        self.list_called = np.full(f.n, self.days, dtype=np.int64)
        if s.awareness.list_pushes:
            c = s.awareness.list_contacts_per_day
            self.listed, self.list_called = list_contact_days(
                self.aware_day,
                eligible,
                s.awareness,
                None if c is None else c / self.scale,
                self.days,
                rng=self.rng_lists,
            )
            self.aware_day = np.minimum(self.aware_day, self.list_called)
        moved = (self.aware_day < before).nonzero()[0]
        if moved.size:
            # firms aware earlier than their zone's curve says: added to the daily share
            step = np.bincount(self.aware_day[moved], minlength=self.days + 1)
            step -= np.bincount(before[moved], minlength=self.days + 1)
            self.aware_share_daily = self.aware_share_daily + np.cumsum(step)[: self.days] / f.n

    def _set_up_tables(self) -> None:
        """The agendas, the applications table, the firms' balances and the daily columns."""
        f = self.firms
        self.submit_agenda = Agenda()
        self.decide_agenda = Agenda()
        self.end_agenda = Agenda()
        self.apps = Table(
            {
                "need": (np.int64, -1),
                "firm": (np.int64, -1),
                "bank": (np.int64, -1),
                "attempt": (np.int16, 0),
                "submit_day": (np.int64, -1),
                "decision_day": (np.int64, -1),
                "amount": (float, 0.0),
                "credit_loan": (bool, False),
                "outcome": (np.int8, _PENDING),
                "guarantee": (float, 0.0),
                "retried": (bool, False),
                "end_day": (np.int64, -1),
                "defaulted": (bool, False),
                "claim": (float, 0.0),
                "interest_saving": (float, 0.0),
                "subsidy": (float, 0.0),
                "fee_saving": (float, 0.0),
                "fee_income": (float, 0.0),
                "expected_guarantee_loss": (float, 0.0),
                "tier_at_decision": (np.int16, -1),
                "additional": (bool, False),
                "subsidy_paid": (float, 0.0),
                "subsidy_unpaid": (float, 0.0),
                "loan_type": (np.int8, -1),
                "rate": (float, 0.0),
                "default_after": (bool, False),
            }
        )
        self.borrowed = np.zeros(f.n)
        extra = [c for i in self.instruments if i.active for c in i.extra_columns]
        columns = timeseries_columns(self.instruments)
        self.ts = {k: np.zeros(self.days) for k in (*columns, *extra)}
        self.events_n = 0
        self.partial_grants_n = 0  # loans granted for less than asked (partial grants)

    def instrument(self, kind: type[Instrument]) -> Instrument:
        """The run's measure of class ``kind``."""
        return next(i for i in self.instruments if isinstance(i, kind))

    def approved_sum(self, column: str) -> float:
        """Sum of an applications column over the approved ones (simulated units)."""
        a = self.apps.view()
        return a[column][a["outcome"] == Outcome.APPROVED].sum()

    def _bank_keeps(self, firm: np.ndarray) -> np.ndarray | None:
        """Share of a loss the bank bears itself, per firm (None: all of it, always)."""
        keeps = None
        for inst in self._loss_sharers:
            share = inst.bank_loss_share(self, firm)
            if share is not None:
                keeps = (1.0 - share) if keeps is None else keeps * (1.0 - share)
        return keeps

    # ---------------------------------------------------------------- processes
    def _daily(
        self,
        env: simpy.Environment,
        offset: float,
        step,
        every: int = 1,
        days: list[int] | None = None,
    ):
        """A process that calls ``step(day)`` at ``offset`` on each scheduled day."""
        schedule = sorted(set(days)) if days is not None else range(0, self.days, every)
        now = 0.0
        for day in schedule:
            yield env.timeout(day + offset - now)
            now = day + offset
            self.events_n += 1
            step(day)

    def _file(self, agenda: Agenda, days: np.ndarray, ids: np.ndarray) -> None:
        agenda.add(days, ids, before=self.days)

    def decisions(self, day: int) -> None:
        """Decide the applications whose review ends on ``day`` (docs/model.md 7.6): the
        per-firm limit, the bank's appetite, the cover a measure offers, the accounts."""
        ids = self.review.current(self.decide_agenda.pop(day), day)
        if ids.size == 0:
            return
        a = self.apps.cols
        firm, bank, need = a["firm"][ids], a["bank"][ids], a["need"][ids]
        attempt = a["attempt"][ids]
        amount, credit = a["amount"][ids], a["credit_loan"][ids]
        tier = self.firms.tier[firm]
        a["decision_day"][ids] = day
        a["tier_at_decision"][ids] = tier

        outcome = filled(ids.size, _PENDING, np.int8)
        twice = ids.size > 1 and _repeats(firm)
        over = self._over_limit(firm, amount, twice)
        outcome[over] = _R_LIMIT
        pending = ~over  # the outcome is still pending
        batch = self._credit_batch(firm, bank, need, attempt, amount, tier, pending, twice)
        # the cover a measure offers (a guarantee): its amount per decision, and its account
        g = np.zeros(ids.size)
        needs_g = np.zeros(ids.size, dtype=bool)
        cover_account = -1
        if self._coverer is not None:
            cover = self._coverer.offer_cover(self, batch)
            if cover is not None:
                g[cover.rows] = cover.amount
                needs_g[cover.rows] = True
                cover_account = cover.account
        fits = batch.ok0 | needs_g
        live = pending & fits
        outcome[pending & ~fits] = _R_CREDIT
        # a covered loan is a guaranteed loan, not a credit loan, when the scenario says so:
        # it draws on no credit sub-quota (a loan lent without its cover after all is one)
        asked = credit
        if self.excludes_guaranteed and np.count_nonzero(needs_g):
            credit = credit & ~needs_g

        li = live.nonzero()[0]
        if li.size:
            amount = self._draw(
                day,
                ids,
                li,
                bank,
                credit,
                amount,
                g,
                needs_g,
                batch.ok0,
                cover_account,
                outcome,
                asked,
            )
        approved = outcome == _APPROVED
        ap = approved.nonzero()[0]
        if ap.size < ids.size:
            g = np.where(approved, g, 0.0)
        if self.excludes_guaranteed:
            credit = asked & (g <= 0)
            a["credit_loan"][ids] = credit
        if self._coverer is not None:
            self._coverer.cover_settled(self, batch, g)
        a["outcome"][ids] = outcome
        a["guarantee"][ids] = g
        a["additional"][ids] = approved & ~batch.ok_alone
        if ap.size:
            a["loan_type"][ids[ap]] = np.where(
                g[ap] > 0, _GUARANTEED, np.where(asked[ap], _CREDIT, _SECURED)
            )
            self._book_loans(
                day, ids[ap], firm[ap], amount[ap], credit[ap], need[ap], attempt[ap], g[ap]
            )
        self._retry(day, ids, outcome, need, attempt, bank, firm, amount, credit)

    def _over_limit(self, firm: np.ndarray, amount: np.ndarray, twice: bool) -> np.ndarray:
        """Whether each loan passes the per-firm limit, counting earlier loans of the firm
        in the batch (if any)."""
        if twice:
            total = self.borrowed[firm] + exclusive_firm_cumsum(firm, amount) + amount
        else:
            total = self.borrowed[firm] + amount
        return total > self.scenario.loan_pool.max_per_firm * (1 + 1e-12)

    def _credit_batch(
        self,
        firm: np.ndarray,
        bank: np.ndarray,
        need: np.ndarray,
        attempt: np.ndarray,
        amount: np.ndarray,
        tier: np.ndarray,
        pending: np.ndarray,
        twice: bool,
    ) -> CreditBatch:
        """The bank's credit rule on a batch without cover, with the measures' loss shares."""
        f = self.firms
        pd_term = self.pd_term[firm]
        lgd = self.lenders.lgd[bank]
        sd = self.scenario.banks.appetite_noise_sd
        appetite = self.lenders.max_expected_loss[bank] * np.exp(
            sd * self.needs.z_credit[need, attempt] - 0.5 * sd * sd
        )
        keeps = self._bank_keeps(firm)
        uncovered = self.uncovered[firm]
        el0 = pd_term * lgd * uncovered  # bank_expected_loss(pd_term, lgd, coll, 0)
        ok0 = credit_approved(el0 if keeps is None else el0 * keeps, appetite)
        # the counterfactual: the same rule without the programme's cover (section 2.17)
        ok_alone = ok0 if keeps is None else credit_approved(el0, appetite)
        return CreditBatch(
            firm=firm,
            bank=bank,
            amount=amount,
            tier=tier,
            pd_annual=f.pd_annual[firm],
            pd_term=pd_term,
            lgd=lgd,
            collateral=f.collateral_ratio[firm],
            uncovered=uncovered,
            appetite=appetite,
            keeps=keeps,
            el0=el0,
            ok0=ok0,
            ok_alone=ok_alone,
            pending=pending,
            twice=twice,
        )

    def _draw(
        self,
        day: int,
        ids: np.ndarray,
        li: np.ndarray,
        bank: np.ndarray,
        credit: np.ndarray,
        amount: np.ndarray,
        g: np.ndarray,
        needs_g: np.ndarray,
        ok0: np.ndarray,
        cover_account: int,
        outcome: np.ndarray,
        asked: np.ndarray,
    ) -> np.ndarray:
        """Draw the live loans ``li`` (and their cover) on their accounts; write their
        outcomes (and shrunk cover) in place. The batch's amounts, shrunk by partial grants.
        ``asked``: whether each loan is a credit loan without its cover (a loan lent
        without cover draws on the accounts of that type)."""
        k = self.pool.n_accounts  # the cover's account is the last column
        acc = self.pool.accounts(bank[li], credit[li], width=k + 1)
        acc[needs_g[li], k] = cover_account
        if li.size < FEW and self._drew_few(acc, amount[li], g[li], day):
            outcome[li] = _APPROVED  # all drawn at once: their accounts surely had room
            return amount
        amt = np.empty((li.size, k + 1))
        amt[:, :k] = amount[li, None]
        amt[:, k] = g[li]
        if self.scenario.loan_pool.partial_grants:
            granted, failed, amount = self._draw_partial(day, ids, li, acc, amt, amount, g, needs_g)
        else:
            granted, failed = self.ledger.draw(acc, amt, day)
        if np.count_nonzero(granted) == li.size:
            outcome[li] = _APPROVED
            return amount
        # a loan the bank makes anyway is lent without cover when the cover's account is full
        bare = ~granted & (failed == cover_account) & ok0[li] & needs_g[li]
        if np.count_nonzero(bare):
            b_idx = bare.nonzero()[0]
            g[li[b_idx]] = 0.0
            needs_g[li[b_idx]] = False
            acc_b = acc[b_idx, :k]
            if self.excludes_guaranteed:
                acc_b = self.pool.accounts(bank[li[b_idx]], asked[li[b_idx]])
            granted[b_idx], failed[b_idx] = self.ledger.draw(acc_b, amt[b_idx, :k], day)
        # a refused request's outcome is that of the account that failed it
        outcome[li] = np.where(granted, _APPROVED, self.refusal_of_account[failed])
        return amount

    def _draw_partial(
        self,
        day: int,
        ids: np.ndarray,
        li: np.ndarray,
        acc: np.ndarray,
        amt: np.ndarray,
        amount: np.ndarray,
        g: np.ndarray,
        needs_g: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`_draw` with partial grants: a request the accounts cannot serve in full
        gets what remains, when at least the minimum loan; the loan and its cover shrink
        alike. Granted, the failing account, and the batch's amounts."""
        k = acc.shape[1] - 1
        min_amount = self.scenario.loan_pool.min_amount
        got, failed = self.ledger.draw_scaled(acc, amt, day, min_amount / amt[:, 0])
        granted = got[:, 0] > 0
        part = granted & (got[:, 0] < amt[:, 0])
        if np.count_nonzero(part):
            amount = amount.copy()
            amount[li[part]] = got[part, 0]
            g[li[part]] = np.where(needs_g[li[part]], got[part, k], 0.0)
            self.apps.cols["amount"][ids] = amount
            self.partial_grants_n += int(part.sum())
        return granted, failed, amount

    def _drew_few(self, acc: np.ndarray, amount: np.ndarray, g: np.ndarray, day: int) -> bool:
        """Draw a few loans at once when their accounts surely have room
        (:meth:`Ledger.draw_few`): each loan's amount on its accounts ``acc[:, :-1]`` and
        its cover on the last one. False (nothing drawn) otherwise."""
        k = acc.shape[1] - 1
        cell_acc, cell_x = [], []
        for row, x, gx in zip(acc.tolist(), amount.tolist(), g.tolist(), strict=True):
            for j, account in enumerate(row):
                if account >= 0:
                    cell_acc.append(account)
                    cell_x.append(gx if j == k else x)
        return self.ledger.draw_few(cell_acc, cell_x, day)

    def _book_loans(self, day, app, firm, amount, credit, need, attempt, g) -> None:
        a = self.apps.cols
        np.add.at(self.borrowed, firm, amount)
        term = self.scenario.loan_pool.term_days
        t_def = -np.log1p(-self.needs.u_default[need, attempt].astype(float)) / self.hazard[firm]
        if app.size < FEW:
            # the same days loan by loan: a default before the term ends the loan then
            end, defaulted = [], []
            for t in t_def.tolist():
                defaults = t < term
                end.append(day + (math.floor(t) if defaults else term))
                defaulted.append(defaults and end[-1] < self.days)
            end_a = np.array(end, dtype=np.int64)
            defaults_a = t_def < term
        else:
            defaults_a = t_def < term
            end = end_a = day + np.where(defaults_a, np.floor(t_def).astype(np.int64), term)
            defaulted = defaults_a & (end < self.days)
        a["end_day"][app] = end
        a["defaulted"][app] = defaulted
        # a default after the horizon: its claim is followed past it (committed)
        a["default_after"][app] = defaults_a & (end_a >= self.days)
        if self.risk_priced:
            rate = self.pool.loan_rate(self.firms.pd_annual[firm], self.uncovered[firm], g / amount)
            a["rate"][app] = rate
            a["subsidy"][app] = self.pool.subsidy(amount, credit, rate)
        else:
            a["rate"][app] = self.pool.programme_rate
            a["subsidy"][app] = self.pool.subsidy(amount, credit)
        self.ts["disbursed_amount"][day] += amount.sum()
        self._file(self.end_agenda, end, app)
        for inst in self._on_booked:
            inst.loans_booked(self, day, app)

    def _retry(self, day, ids, outcome, need, attempt, bank, firm, amount, credit) -> None:
        b = self.scenario.behaviour
        q = (outcome == _R_QUOTA).nonzero()[0]
        if q.size == 0 or not self.pool.per_bank:
            return
        nxt = attempt[q] + 1
        can = nxt < b.max_attempts
        q, nxt = q[can], nxt[can]
        want = self.needs.u_retry[need[q], nxt - 1] < b.retry_probability
        q, nxt = q[want], nxt[want]
        if q.size == 0:
            return
        new_bank = choose_retry_bank(
            self.needs.u_bank[need[q], nxt],
            bank[q],
            self.lenders.market_share,
            self.pool.open_lenders(self.ledger) & (self.lenders.join_day <= day),
        )
        go = new_bank >= 0
        q, nxt, new_bank = q[go], nxt[go], new_bank[go]
        if q.size == 0:
            return
        self.apps.cols["retried"][ids[q]] = True
        # submissions of a day come before its decisions: a retry goes in the next day at
        # the earliest (a delay of 0 would otherwise never be submitted)
        submit = np.full(q.size, day + max(b.retry_delay_days, 1), dtype=np.int64)
        app = self.apps.append(
            need=need[q],
            firm=firm[q],
            bank=new_bank,
            attempt=nxt.astype(np.int16),
            submit_day=submit,
            amount=amount[q],
            credit_loan=credit[q],
        )
        self._file(self.submit_agenda, submit, app)

    def loan_book(self, day: int) -> None:
        ids = self.end_agenda.pop(day)
        if ids.size == 0:
            return
        a = self.apps.cols
        firm, amount = a["firm"][ids], a["amount"][ids]
        np.subtract.at(self.borrowed, firm, amount)
        # only these firms' balances moved, so only they can have dipped below zero
        self.borrowed[firm] = np.maximum(self.borrowed[firm], 0.0)
        for inst in self._on_ended:
            inst.loans_ended(self, day, ids)
        self.ts["defaults_n"][day] += int(a["defaulted"][ids].sum())
        if self.rollover_share > 0 and day + 1 < self.days:
            self._roll_over(day, ids)

    def _roll_over(self, day: int, ids: np.ndarray) -> None:
        """Renew the loans ``ids`` that ended on ``day`` without a default, each with
        probability ``demand.rollover_share``, by the same lender, for the same amount: a
        renewal need decided on the next review day (the bank still decides on its risk)."""
        a = self.apps.cols
        go = ids[~a["defaulted"][ids]]
        go = go[self.rng_rollover.random(go.size) < self.rollover_share]
        if go.size == 0:
            return
        firm, amount = a["firm"][go], a["amount"][go]
        tier = self.firms.tier[firm]
        eligible = self.loan_eligible_tier[tier]
        need = self.needs.extend(
            firm,
            day + 1,
            amount,
            np.where(eligible, _APPLIED_FATE, _INELIGIBLE_FATE),
            tier,
            self.scenario.demand.no_principal_share,
            rng=self.rng_rollover,
        )
        keep = eligible.nonzero()[0]
        if keep.size == 0:
            return
        # decided the next day the lenders review on
        when = np.full(keep.size, self.arrivals.review_day[day + 1], dtype=np.int64)
        app = self.apps.append(
            need=need[keep],
            firm=firm[keep],
            bank=a["bank"][go[keep]],
            submit_day=when,
            amount=amount[keep],
            credit_loan=self.pool.is_credit_loan(self.firms.collateral_ratio[firm[keep]]),
        )
        self._file(self.decide_agenda, when, app)

    def record(self, day: int) -> None:
        self.ledger.snapshot()

    def start_day(self, day: int) -> None:
        """The day's events, then its arrivals (the arrivals step of a run with events)."""
        states = self.event_states
        if self._next_event < len(states) and states[self._next_event].day == day:
            state = states[self._next_event]
            self._next_event += 1
            for inst in self.instruments:
                inst.scenario = state.scenario
                inst.scenario_changed(self, day, state.paths)
        self.arrivals.come_due(day)

    # ---------------------------------------------------------------- run
    def run(self) -> None:
        env = simpy.Environment()
        procs = [
            (_AT_ARRIVALS, self.start_day if self.event_states else self.arrivals.come_due, {}),
            (_AT_SUBMIT, self.review.submit, {}),
            (_AT_DECIDE, self.decisions, {}),
            (_AT_BOOK, self.loan_book, {}),
        ]
        for inst in self.instruments:
            procs += [
                (p.offset, p.step, {"every": p.every, "days": p.days}) for p in inst.processes(self)
            ]
        procs.append((_AT_RECORD, self.record, {}))
        for offset, step, kw in procs:
            env.process(self._daily(env, offset, step, **kw))
        env.run(until=self.days)
        if self.review.surge is not None:  # the capacity lenders added (7.5b)
            self.ts["review_capacity_n"][:] = self.review.capacity.sum(axis=0)
        self.needs.trim()
        book_at_end(self)


def _repeats(firm: np.ndarray) -> bool:
    """Whether a firm appears more than once in a batch (a set of a few, else a sort)."""
    if firm.size < FEW:
        listed = firm.tolist()
        return len(set(listed)) < len(listed)
    sorted_firm = np.sort(firm)
    return np.count_nonzero(sorted_firm[1:] == sorted_firm[:-1]) > 0


def _hooked(instruments: list[Instrument], hook: str) -> list[Instrument]:
    """The active measures among ``instruments`` whose class overrides ``hook``."""
    base = getattr(Instrument, hook)
    return [i for i in instruments if i.active and getattr(type(i), hook) is not base]


def simulate(scenario: Scenario, seed_seq: np.random.SeedSequence) -> Model:
    """Run the model and return its final state (for benchmarks and advanced use)."""
    model = Model(scenario, seed_seq)
    model.run()
    return model
