"""Funds: SME funds that invest equity in selected high-growth firms.

Public names: :class:`FundsInstrument`.
"""

from __future__ import annotations

import numpy as np

from ...scenario import Scenario
from ..ledger import Ledger
from ..population import Firms, fastest_growing

__all__ = ["FundsInstrument"]


class FundsInstrument:
    """Every ``round_interval_days`` the fund invests in the fastest-growing eligible firms.

    Tickets are ``clip(ticket_revenue_share x revenue, ticket_min, ticket_max)``; a firm
    is invested in once; the fund pays while it has money (first come first served).

    Parameters
    ----------
    scenario
        The validated scenario; ``scenario.funds`` may be ``None``.
    firms
        The population.
    ledger
        The ledger in which to open the fund's account.
    """

    def __init__(self, scenario: Scenario, firms: Firms, ledger: Ledger):
        self.f = scenario.funds
        self.active = self.f is not None
        self.invested = np.zeros(firms.n)
        if self.f is None:
            self.fund_id = -1
            return
        self.fund_id = ledger.open(
            "sme_funds", "fund", self.f.total / scenario.population.scale, group="funds"
        )
        self.eligible_tier = np.isin(np.array(firms.tier_names), self.f.eligible_tiers)

    def invest(self, day: int, firms: Firms, ledger: Ledger) -> float:
        """Run an investment round; return the amount invested (simulated units)."""
        f = self.f
        cand = np.flatnonzero(
            self.eligible_tier[firms.tier] & (firms.growth >= f.min_growth) & (self.invested == 0)
        )
        if cand.size == 0 or f.firms_per_round_max == 0:
            return 0.0
        best = fastest_growing(firms.growth, cand, f.firms_per_round_max)
        ticket = np.clip(f.ticket_revenue_share * firms.revenue[best], f.ticket_min, f.ticket_max)
        granted, _ = ledger.draw(np.full(best.size, self.fund_id), ticket, day)
        self.invested[best[granted]] += ticket[granted]
        return float(ticket[granted].sum())
