"""Guarantee: the policy guarantee fund, its capacity, per-firm cap, fees and claims.

Public names: :class:`GuaranteeInstrument`.
"""

from __future__ import annotations

import numpy as np

from ...scenario import Scenario
from ..ledger import Ledger

__all__ = ["GuaranteeInstrument"]


class GuaranteeInstrument:
    """The fund writes guarantees up to its capacity (capital x leverage, revolving).

    A guarantee is ``min(coverage x loan, cap_per_firm - firm's guarantees outstanding)``.
    It draws on the *capacity* account while the loan runs and is released when the
    loan ends; defaults produce claims of ``lgd x guarantee`` paid from the *capital*
    account.

    Parameters
    ----------
    scenario
        The validated scenario; ``scenario.guarantee`` may be ``None`` (no fund).
    ledger
        The ledger in which to open the accounts.
    tier_names
        Tier names, to resolve eligible tiers.
    """

    def __init__(self, scenario: Scenario, ledger: Ledger, tier_names: tuple[str, ...]):
        self.g = scenario.guarantee
        scale = scenario.population.scale
        self.active = self.g is not None
        if self.g is None:
            self.capacity_id = self.capital_id = -1
            self.eligible_tier = np.zeros(len(tier_names), dtype=bool)
            return
        self.capacity_id = ledger.open(
            "guarantee_capacity", "guarantee_capacity", self.g.capacity / scale, group="guarantee"
        )
        self.capital_id = ledger.open(
            "guarantee_capital", "guarantee_capital", self.g.capital / scale, group="guarantee"
        )
        self.eligible_tier = np.isin(np.array(tier_names), self.g.eligible_tiers)
        self.term_years = scenario.loan_pool.term_days / 365.0

    def amount(self, loan: np.ndarray, outstanding: np.ndarray) -> np.ndarray:
        """Guarantee the fund would write on each loan, given the firm's guarantees outstanding."""
        if self.g is None:
            return np.zeros_like(loan)
        room = np.maximum(self.g.cap_per_firm - outstanding, 0.0)
        return np.minimum(self.g.coverage * loan, room)

    def accepts(self, tier: np.ndarray, pd_annual: np.ndarray) -> np.ndarray:
        """Whether the fund takes a referral: eligible tier and PD within the fund's limit."""
        if self.g is None:
            return np.zeros(tier.shape[0], dtype=bool)
        return self.eligible_tier[tier] & (pd_annual <= self.g.max_pd_annual)

    def fee_savings(self, guarantee: np.ndarray) -> np.ndarray:
        """Fee saved over the term against a market guarantee fee."""
        if self.g is None:
            return np.zeros_like(guarantee)
        return guarantee * max(self.g.market_fee_rate - self.g.fee_rate, 0.0) * self.term_years

    def fee_income(self, guarantee: np.ndarray) -> np.ndarray:
        """Fees the fund collects over the term."""
        if self.g is None:
            return np.zeros_like(guarantee)
        return guarantee * self.g.fee_rate * self.term_years
