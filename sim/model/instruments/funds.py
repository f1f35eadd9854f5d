"""Funds: SME funds that invest equity in selected high-growth firms.

Public names: :class:`FundsInstrument`.
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

__all__ = ["FundsInstrument"]


class FundsInstrument(Instrument):
    """Every ``round_interval_days`` the fund invests in the fastest-growing eligible firms.

    Tickets are ``clip(ticket_revenue_share x revenue, ticket_min, ticket_max)``; a firm
    is invested in once; the fund pays while it has money (first come first served).

    Parameters
    ----------
    scenario
        The validated scenario; ``scenario.funds`` may be ``None``.
    firms
        The population.
    lenders
        The lender table.
    ledger
        The ledger in which to open the fund's account.
    """

    section = "funds"
    rank = 50
    columns = ("funds_invested_amount",)
    reported_accounts = (Account("fund", plot=True),)
    summary_slots = (
        Slot("funds_exhausted_day", "credit_sub_quota_exhausted_day", 6),
        Slot("funds_invested_amount", "defaults_n", 5),
    )
    headlines = (
        Headline(
            "h.funds",
            ("funds_invested_amount",),
            ("amount",),
            order=160,
            places=frozenset({"cover"}),
        ),
        # the answer page's sentence
        Headline(
            None,
            ("funds_invested_amount",),
            order=160,
            places=frozenset({"answer"}),
            when=lambda s, sc: s.get("funds_invested_amount", 0.0) > 0,
            value=lambda fmt, s, sc: fmt.text(
                "answer.funds", amount=fmt.amount(s["funds_invested_amount"])
            ),
        ),
    )
    texts = {
        "en": {"msg.answer.funds": "The SME funds invested {amount} of equity in firms."},
        "zh": {"msg.answer.funds": "中小企业基金向企业股权投资{amount}。"},
    }

    def __init__(self, scenario: Scenario, firms: Firms, lenders: LenderTable, ledger: Ledger):
        super().__init__(scenario, firms, lenders, ledger)
        self.config = scenario.funds
        self.active = self.config is not None
        self.invested = np.zeros(firms.n)
        self.scale = scenario.population.scale
        self.rounds_done = 0
        if self.config is None:
            self.fund_id = -1
            return
        self.fund_id = ledger.open(
            "sme_funds", "fund", self.config.total / scenario.population.scale, group="funds"
        )
        self.eligible_tier = np.isin(np.array(firms.tier_names), self.config.eligible_tiers)

    def scenario_changed(self, model: Model, day: int, paths: tuple[str, ...]) -> None:
        """Resize the funds when an event changes ``funds.total`` (docs/model.md 7.17)."""
        if not self.active:
            return
        self.config = self.scenario.funds
        if "funds.total" in paths:
            model.ledger.resize(self.fund_id, self.config.total / self.scale, day)

    def slot_summary(self, model: Model) -> dict[str, Any]:
        """The day the funds ran out; amount invested (scaled)."""
        return {
            "funds_exhausted_day": first_exhausted_day(model.ledger, "fund"),
            "funds_invested_amount": float(model.ts["funds_invested_amount"].sum()) * model.scale,
        }

    def processes(self, model: Model) -> list[Process]:
        """An investment round every ``round_interval_days``."""
        if not self.active:
            return []

        def round_(day: int) -> None:
            model.ts["funds_invested_amount"][day] += self.invest(day, model.firms, model.ledger)

        return [Process(MEASURES_OFFSET + 0.02, round_, every=self.config.round_interval_days)]

    def invest(self, day: int, firms: Firms, ledger: Ledger) -> float:
        """Run an investment round; return the amount invested (simulated units)."""
        f = self.config
        cand = np.flatnonzero(
            self.eligible_tier[firms.tier] & (firms.growth >= f.min_growth) & (self.invested == 0)
        )
        most = simulated_count(f.firms_per_round_max, self.scale, self.rounds_done)
        self.rounds_done += 1
        if cand.size == 0 or most == 0:
            return 0.0
        best = fastest_growing(firms.growth, cand, most)
        ticket = np.clip(f.ticket_revenue_share * firms.revenue[best], f.ticket_min, f.ticket_max)
        granted, _ = ledger.draw(np.full(best.size, self.fund_id), ticket, day)
        self.invested[best[granted]] += ticket[granted]
        return float(ticket[granted].sum())
