"""Awards: certification rounds that promote firms between tiers and pay awards.

Public names: :class:`AwardsInstrument`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ...scenario import Scenario
from ..banks import LenderTable
from ..ledger import Ledger
from .base import (
    MEASURES_OFFSET,
    Account,
    Headline,
    Instrument,
    Process,
    Slot,
    first_exhausted_day,
    simulated_count,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import Model
from ..population import Firms, fastest_growing

__all__ = ["AwardsInstrument"]


class AwardsInstrument(Instrument):
    """In each round, for each award level, the best candidates are certified.

    Candidates are firms of ``from_tier`` with revenue at least ``min_revenue`` and
    growth at least ``min_growth``; the ``per_round_max`` fastest-growing are promoted
    to ``to_tier`` (and so may become eligible for other measures) and are paid the
    award from the budget while it lasts. Certification does not depend on the budget.

    Parameters
    ----------
    scenario
        The validated scenario; ``scenario.awards`` may be ``None``.
    firms
        The population.
    lenders
        The lender table.
    ledger
        The ledger in which to open the budget account.
    """

    section = "awards"
    rank = 40
    columns = ("awards_paid_amount",)
    savings_columns = fiscal_columns = ("awards_paid_amount",)
    savings_categories = ("award",)
    summary_slots = (
        Slot("awards_budget_exhausted_day", "credit_sub_quota_exhausted_day", 5),
        Slot("awards_paid_amount", "defaults_n", 3),
        Slot("firms_promoted_n", "defaults_n", 4),
    )
    fiscal_labels = (("paid", "fiscal.awards"),)
    reported_accounts = (Account("awards_budget", plot=True),)
    headlines = (
        Headline(
            "h.awards",
            ("awards_paid_amount", "firms_promoted_n"),
            ("amount", "count"),
            order=150,
            places=frozenset({"cover"}),
        ),
        # the answer page's sentence
        Headline(
            None,
            ("awards_paid_amount", "firms_promoted_n"),
            order=150,
            places=frozenset({"answer"}),
            when=lambda s, sc: s.get("firms_promoted_n", 0.0) > 0,
            value=lambda fmt, s, sc: fmt.text(
                "answer.awards",
                n=fmt.count(s["firms_promoted_n"]),
                amount=fmt.amount(s["awards_paid_amount"]),
            ),
        ),
    )
    texts = {
        "en": {
            "msg.fiscal.awards": "awards",
            "msg.answer.awards": (
                "{n} firms were certified to a higher tier; {amount} of awards was paid to them."
            ),
        },
        "zh": {
            "msg.fiscal.awards": "奖励",
            "msg.answer.awards": "{n}家企业获认定升入更高层级，获得奖励{amount}。",
        },
    }

    def __init__(self, scenario: Scenario, firms: Firms, lenders: LenderTable, ledger: Ledger):
        super().__init__(scenario, firms, lenders, ledger)
        self.config = scenario.awards
        self.active = self.config is not None
        self.received = np.zeros(firms.n)
        self.promoted_n = 0
        if self.config is None:
            self.budget_id = -1
            return
        self.budget_id = ledger.open(
            "awards_budget",
            "awards_budget",
            self.config.budget / scenario.population.scale,
            group="awards",
        )
        self.tier_index = {t: i for i, t in enumerate(firms.tier_names)}
        self.scale = scenario.population.scale
        self.rounds_done = 0

    def processes(self, model: Model) -> list[Process]:
        """A certification round on each of ``round_days``."""
        if not self.active or not self.config.round_days:
            return []

        def round_(day: int) -> None:
            model.ts["awards_paid_amount"][day] += self.certify(day, model.firms, model.ledger)

        return [Process(MEASURES_OFFSET + 0.01, round_, days=list(self.config.round_days))]

    def slot_summary(self, model: Model) -> dict[str, Any]:
        """The day the budget ran out; awards paid and firms promoted (scaled)."""
        return {
            "awards_budget_exhausted_day": first_exhausted_day(model.ledger, "awards_budget"),
            "awards_paid_amount": float(model.ts["awards_paid_amount"].sum()) * model.scale,
            "firms_promoted_n": float(self.promoted_n) * model.scale,
        }

    def savings_by_firm(self, model: Model) -> dict[str, np.ndarray]:
        """Awards each firm received."""
        return {"award": self.received}

    def savings_terms(self, model: Model) -> list[float]:
        """Awards paid to firms."""
        return [model.ts["awards_paid_amount"].sum()]

    def fiscal_terms(self, model: Model) -> tuple[list[float], list[float]]:
        """Awards paid from the budget."""
        return [model.ts["awards_paid_amount"].sum()], []

    def scenario_changed(self, model: Model, day: int, paths: tuple[str, ...]) -> None:
        """Resize the budget when an event changes ``awards.budget`` (docs/model.md 7.17)."""
        if not self.active:
            return
        self.config = self.scenario.awards
        if "awards.budget" in paths:
            model.ledger.resize(self.budget_id, self.config.budget / self.scale, day)

    def certify(self, day: int, firms: Firms, ledger: Ledger) -> float:
        """Run a certification round; return the awards paid (simulated units)."""
        paid_total = 0.0
        for lvl in self.config.levels:
            src, dst = self.tier_index[lvl.from_tier], self.tier_index[lvl.to_tier]
            cand = np.flatnonzero(
                (firms.tier == src)
                & (firms.revenue >= lvl.min_revenue)
                & (firms.growth >= lvl.min_growth)
            )
            most = simulated_count(lvl.per_round_max, self.scale, self.rounds_done)
            if cand.size == 0 or most == 0:
                continue
            best = fastest_growing(firms.growth, cand, most)
            firms.tier[best] = dst
            self.promoted_n += best.size
            if lvl.amount <= 0:
                continue
            granted, _ = ledger.draw(
                np.full(best.size, self.budget_id), np.full(best.size, lvl.amount), day
            )
            self.received[best[granted]] += lvl.amount
            paid_total += lvl.amount * granted.sum()
        self.rounds_done += 1
        return paid_total
