"""Review: the bank review step of the engine, with lenders' capacity over time.

Public names: :class:`Review` (a part of :class:`sim.model.engine.Model`),
:data:`MIN_SIMULATED_REVIEWS_PER_DAY`. Submitted applications pass an optional programme
registration queue, wait for their lender to join (or move to one that has), and enter
their lender class's review queue, own customers first when the scenario says so
(docs/model.md 7.5).
"""

from __future__ import annotations

import math

import numpy as np

from ..scenario import Scenario
from .banks import LenderTable, review_capacity
from .batches import Table
from .behaviour import choose_retry_bank
from .demand import Needs
from .population import Firms
from .queue import FEW, Agenda, FluidQueue, finish_share

__all__ = ["MIN_SIMULATED_REVIEWS_PER_DAY", "Review"]

#: Below this many simulated reviews a day at full capacity, a server class's decision
#: dates are coarse (one simulated application holds it for more than a day): warned.
MIN_SIMULATED_REVIEWS_PER_DAY = 1.0


class Review:
    """The review step: from submission to the day of the credit decision.

    The bank review queue has one server per class of identical lenders; the
    programme's registration step, when capped, is a queue of its own; both follow
    capacity over time (docs/model.md 7.5). Each day :meth:`submit` takes the
    applications submitted that day from ``submit_agenda`` and files each under its
    decision day in ``decide_agenda``.

    Parameters
    ----------
    scenario
        The validated scenario.
    lenders
        The lender table (server classes, review rates and days, join days).
    firms
        The population (a firm's main bank, for own customers first).
    needs
        The run's needs (the draw of a lender for an application that moves).
    apps
        The applications table (its ``bank`` is rewritten when an application moves).
    working
        Working days per lender and day.
    submit_agenda, decide_agenda
        The agendas of submissions (read) and of decisions (written).

    Attributes
    ----------
    capacity
        Review capacity per lender class and day (simulated applications).
    warnings
        Notes on server classes whose decision dates are coarse at the run's scale.
    """

    def __init__(
        self,
        scenario: Scenario,
        lenders: LenderTable,
        firms: Firms,
        needs: Needs,
        apps: Table,
        working: np.ndarray,
        submit_agenda: Agenda,
        decide_agenda: Agenda,
    ) -> None:
        s, scale = scenario, scenario.population.scale
        self.scenario, self.lenders, self.firms = scenario, lenders, firms
        self.needs, self.apps = needs, apps
        self.days = scenario.horizon.days
        self.submit_agenda, self.decide_agenda = submit_agenda, decide_agenda
        # a simulated review stands for `scale` real ones: it finishes at their mean time
        share = finish_share(scale)
        cap = review_capacity(lenders, working)
        self.capacity = cap
        #: lenders add capacity when their queue grows (None: they do not; 7.5b)
        self.surge = s.banks.surge_capacity
        constant = bool((cap == cap[:, :1]).all()) and not s.banks.existing_customers_first
        constant = constant and self.surge is None
        self.bank_queue = FluidQueue(cap[:, 0] if constant else cap, finish_share=share)
        if self.surge is not None:
            self._set_up_surge(cap)
        self.joins_later = bool((lenders.join_day > 0).any())
        self.reg_queue = None
        per_day = s.loan_pool.processing_cap_per_day
        if per_day is not None:
            reg = np.full((1, self.days), per_day / scale) * working
            self.reg_queue = FluidQueue(reg if not working.all() else reg[:, 0], finish_share=share)
        self.review_agenda = Agenda()
        self.warnings: list[str] = []
        full = np.bincount(lenders.server, weights=lenders.review_rate_per_day)
        for name, c in zip(lenders.server_names, full, strict=True):
            if c < MIN_SIMULATED_REVIEWS_PER_DAY:
                self.warnings.append(
                    f"lenders {name!r} review about {c:.2g} simulated applications a day at "
                    f"full capacity (population.scale {scale:g}: each stands for {scale:g} "
                    f"real ones), so their decision dates are coarse; use "
                    f"population.scale at most {c * scale:,.0f} (their real reviews a day)"
                )

    def _set_up_surge(self, cap: np.ndarray) -> None:
        """State of capacity that reacts to the queue: the schedule without it, each
        class's full capacity, and each application's place in its queue."""
        self.bank_queue.track = True
        self.base = cap.copy()
        #: the multiple of its schedule each lender class reviews at, by day
        self.multiplier = np.ones_like(cap)
        self.full = np.bincount(
            self.lenders.server, weights=self.lenders.review_rate_per_day, minlength=cap.shape[0]
        )
        #: per application: the decision day it is filed under (-1: not through review)
        self.planned = np.full(0, -1, dtype=np.int64)
        # the applications in review: id, lender class, place in the queue (capacity)
        self._in_id = np.empty(0, dtype=np.int64)
        self._in_server = np.empty(0, dtype=np.int64)
        self._in_w = np.empty(0)

    def _react(self, day: int) -> None:
        """Lenders whose queue is long add capacity ``delay_days`` later (docs/model.md 7.5b):
        each class's capacity on that day is multiplied by ``min(queue days / trigger,
        max_multiplier)``, and the applications in its queue that it reaches sooner are
        filed under their earlier decision day."""
        cfg, q = self.surge, self.bank_queue
        e = day + cfg.delay_days
        if e >= self.days:
            return
        backlog = np.maximum(q.busy_w - q.cum[:, day], 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            queue_days = np.where(self.full > 0, backlog / self.full, 0.0)
        m = np.clip(queue_days / cfg.queue_days_trigger, 1.0, cfg.max_multiplier)
        grow = m > 1.0
        if not np.count_nonzero(grow):
            return
        self.multiplier[:, e] = m
        before = q.cum[:, e].copy()
        q.set_day(e, self.base[:, e] * m)
        # the applications still in review (not finished by today) ...
        live = self._in_w > q.cum[self._in_server, day]
        self._in_id, self._in_server, self._in_w = (
            self._in_id[live],
            self._in_server[live],
            self._in_w[live],
        )
        # ... that finish after the change, at a class that added capacity, finish sooner
        moved = grow[self._in_server] & (self._in_w > before[self._in_server])
        if not np.count_nonzero(moved):
            return
        ids = self._in_id[moved]
        finish = q.finish_times(self._in_server[moved], self._in_w[moved])
        decide = self._decision_days(finish, self.apps.cols["bank"][ids])
        changed = decide != self.planned[ids]
        self.planned[ids[changed]] = decide[changed]
        self._file(self.decide_agenda, decide[changed], ids[changed])

    def current(self, ids: np.ndarray, day: int) -> np.ndarray:
        """Of the applications filed under ``day``, those still due on it (an application
        whose review finishes sooner is filed again under its new day)."""
        if self.surge is None or ids.size == 0:
            return ids
        planned = np.full(ids.size, -1, dtype=np.int64)
        known = ids < self.planned.size
        planned[known] = self.planned[ids[known]]
        return ids[(planned == day) | (planned < 0)]

    def _decision_days(self, finish: np.ndarray, bank: np.ndarray) -> np.ndarray:
        """Decision days of reviews finishing at ``finish`` (review end + review days)."""
        done = np.maximum(np.ceil(finish) - 1, 0)
        return np.where(
            np.isfinite(finish), done + self.lenders.review_days[bank], self.days
        ).astype(np.int64)

    def _plan(self, ids: np.ndarray, bank: np.ndarray, decide: np.ndarray | list[int]) -> None:
        """Keep the decision day and queue place of applications entering review."""
        need = int(ids.max()) + 1
        if need > self.planned.size:
            grown = np.full(max(need, 2 * self.planned.size), -1, dtype=np.int64)
            grown[: self.planned.size] = self.planned
            self.planned = grown
        self.planned[ids] = decide
        self._in_id = np.concatenate([self._in_id, ids])
        self._in_server = np.concatenate([self._in_server, self.lenders.server[bank]])
        self._in_w = np.concatenate([self._in_w, np.asarray(self.bank_queue.last_w, dtype=float)])

    def _file(self, agenda: Agenda, days, ids: np.ndarray) -> None:
        agenda.add(days, ids, before=self.days)

    def submit(self, day: int) -> None:
        """Take the applications submitted on ``day`` into review; file their decision days."""
        if self.surge is not None:
            self._react(day)
        ids = self.submit_agenda.pop(day)  # counted by the engine at the end of the run
        if self.reg_queue is not None or self.joins_later:
            # through the registration step and the wait for a lender to join
            if ids.size and self.reg_queue is not None:
                servers = [0] * ids.size if ids.size < FEW else np.zeros(ids.size, dtype=np.int64)
                done = self.reg_queue.admit_days(servers, day, self.days)
                self._file(self.review_agenda, done, ids)
            elif ids.size:
                self.review_agenda.add(np.full(ids.size, day), ids)
            ids = self._joined(day, self.review_agenda.pop(day))
        a = self.apps.cols
        if ids.size:
            bank = a["bank"][ids]
            server = self.lenders.server[bank]
            if self.scenario.banks.existing_customers_first:
                own = bank == self.firms.main_bank[a["firm"][ids]]
                self.bank_queue.defer(server[~own], ids[~own])
                ids, bank, server = ids[own], bank[own], server[own]
            self._to_decision(ids, bank, self.bank_queue.admit(server, day))
        if self.scenario.banks.existing_customers_first:
            started, finish = self.bank_queue.serve_deferred(day)
            self._to_decision(started, a["bank"][started], finish)

    def _to_decision(self, ids: np.ndarray, bank: np.ndarray, finish: np.ndarray) -> None:
        """File reviewed applications under their decision day (review end + review days)."""
        if ids.size == 0:
            return
        if ids.size < FEW:
            # the same integer days, one by one (ceil, less 1, then the review days)
            review_days = self.lenders.review_days
            decide = [
                int(max(math.ceil(t) - 1, 0) + review_days[b]) if math.isfinite(t) else self.days
                for t, b in zip(finish.tolist(), bank.tolist(), strict=True)
            ]
            self._file(self.decide_agenda, decide, ids)
            if self.surge is not None:
                self._plan(ids, bank, decide)
            return
        # a review ending exactly at the end of a day ends on that day (a working day)
        decide = self._decision_days(finish, bank)
        self._file(self.decide_agenda, decide, ids)
        if self.surge is not None:
            self._plan(ids, bank, decide)

    def _joined(self, day: int, ids: np.ndarray) -> np.ndarray:
        """The applications whose lender has joined; the others wait for it or move."""
        if ids.size == 0 or not self.joins_later:
            return ids
        a, lenders = self.apps.cols, self.lenders
        bank = a["bank"][ids]
        waiting = lenders.join_day[bank] > day
        if not waiting.any():
            return ids
        if self.scenario.banks.before_join == "other_lender":
            w = waiting.nonzero()[0]
            # attempt 0 never draws a retry's lender, so its draw picks this one
            u = self.needs.u_bank[a["need"][ids[w]], a["attempt"][ids[w]]]
            new = choose_retry_bank(u, bank[w], lenders.market_share, lenders.join_day <= day)
            moved = new >= 0
            a["bank"][ids[w[moved]]] = new[moved]
            waiting[w[moved]] = False
        later = ids[waiting]
        self._file(self.review_agenda, lenders.join_day[a["bank"][later]], later)
        return ids[~waiting]
