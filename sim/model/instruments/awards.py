"""Awards: certification rounds that promote firms between tiers and pay awards.

Public names: :class:`AwardsInstrument`.
"""

from __future__ import annotations

import numpy as np

from ...scenario import Scenario
from ..ledger import Ledger
from ..population import Firms, fastest_growing

__all__ = ["AwardsInstrument"]


class AwardsInstrument:
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
    ledger
        The ledger in which to open the budget account.
    """

    def __init__(self, scenario: Scenario, firms: Firms, ledger: Ledger):
        self.a = scenario.awards
        self.active = self.a is not None
        self.received = np.zeros(firms.n)
        self.promoted_n = 0
        if self.a is None:
            self.budget_id = -1
            return
        self.budget_id = ledger.open(
            "awards_budget",
            "awards_budget",
            self.a.budget / scenario.population.scale,
            group="awards",
        )
        self.tier_index = {t: i for i, t in enumerate(firms.tier_names)}

    def certify(self, day: int, firms: Firms, ledger: Ledger) -> float:
        """Run a certification round; return the awards paid (simulated units)."""
        paid_total = 0.0
        for lvl in self.a.levels:
            src, dst = self.tier_index[lvl.from_tier], self.tier_index[lvl.to_tier]
            cand = np.flatnonzero(
                (firms.tier == src)
                & (firms.revenue >= lvl.min_revenue)
                & (firms.growth >= lvl.min_growth)
            )
            if cand.size == 0 or lvl.per_round_max == 0:
                continue
            best = fastest_growing(firms.growth, cand, lvl.per_round_max)
            firms.tier[best] = dst
            self.promoted_n += best.size
            if lvl.amount <= 0:
                continue
            granted, _ = ledger.draw(
                np.full(best.size, self.budget_id), np.full(best.size, lvl.amount), day
            )
            self.received[best[granted]] += lvl.amount
            paid_total += lvl.amount * granted.sum()
        return paid_total
