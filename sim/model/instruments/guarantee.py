"""Guarantee: the policy guarantee fund, its capacity, per-firm cap, fees and claims.

Public names: :class:`GuaranteeInstrument`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ...scenario import Scenario
from ..banks import LenderTable
from ..ledger import Ledger
from ..population import Firms
from .base import Instrument

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import Model

__all__ = ["GuaranteeInstrument"]


class GuaranteeInstrument(Instrument):
    """The fund writes guarantees up to its capacity (capital x leverage).

    A guarantee is ``min(coverage x loan, cap_per_firm - firm's guarantees outstanding)``.
    It draws on the *capacity* account, of kind ``guarantee.kind``: ``revolving`` (the
    default) releases it when the loan ends, ``hard`` never does, ``target`` never
    refuses; defaults produce claims of ``lgd x guarantee`` paid from the *capital*
    account.

    Parameters
    ----------
    scenario
        The validated scenario; ``scenario.guarantee`` may be ``None`` (no fund).
    firms
        The population (its tier names resolve the eligible tiers).
    lenders
        The lender table.
    ledger
        The ledger in which to open the accounts.
    """

    section = "guarantee"
    rank = 20

    def __init__(self, scenario: Scenario, firms: Firms, lenders: LenderTable, ledger: Ledger):
        super().__init__(scenario, firms, lenders, ledger)
        tier_names = firms.tier_names
        self.config = scenario.guarantee
        scale = scenario.population.scale
        self.active = self.config is not None
        if self.config is None:
            self.capacity_id = self.capital_id = -1
            self.eligible_tier = np.zeros(len(tier_names), dtype=bool)
            return
        self.capacity_id = ledger.open(
            "guarantee_capacity",
            "guarantee_capacity",
            self.config.capacity / scale,
            group="guarantee",
            account_kind=self.config.kind,
        )
        self.capital_id = ledger.open(
            "guarantee_capital", "guarantee_capital", self.config.capital / scale, group="guarantee"
        )
        self.eligible_tier = np.isin(np.array(tier_names), self.config.eligible_tiers)
        self.term_years = scenario.loan_pool.term_days / 365.0

    def amount(self, loan: np.ndarray, outstanding: np.ndarray) -> np.ndarray:
        """Guarantee the fund would write on each loan, given the firm's guarantees outstanding."""
        if self.config is None:
            return np.zeros_like(loan)
        room = np.maximum(self.config.cap_per_firm - outstanding, 0.0)
        return np.minimum(self.config.coverage * loan, room)

    def accepts(self, tier: np.ndarray, pd_annual: np.ndarray) -> np.ndarray:
        """Whether the fund takes a referral: eligible tier and PD within the fund's limit."""
        if self.config is None:
            return np.zeros(tier.shape[0], dtype=bool)
        return self.eligible_tier[tier] & (pd_annual <= self.config.max_pd_annual)

    def fee_savings(self, guarantee: np.ndarray) -> np.ndarray:
        """Fee saved over the term against a market guarantee fee."""
        if self.config is None:
            return np.zeros_like(guarantee)
        return (
            guarantee
            * max(self.config.market_fee_rate - self.config.fee_rate, 0.0)
            * self.term_years
        )

    def fee_income(self, guarantee: np.ndarray) -> np.ndarray:
        """Fees the fund collects over the term."""
        if self.config is None:
            return np.zeros_like(guarantee)
        return guarantee * self.config.fee_rate * self.term_years

    def loans_ended(self, model: Model, day: int, app: np.ndarray) -> None:
        """Release the guarantees of loans that ended; pay the claims on defaults."""
        if not self.active:
            return
        a = model.apps.cols
        guarantee = a["guarantee"][app]
        model.ledger.release(np.full(app.size, self.capacity_id), guarantee)
        dflt = a["defaulted"][app] & (guarantee > 0)
        if dflt.any():
            d = app[dflt]
            claim = a["guarantee"][d] * model.lenders.lgd[a["bank"][d]]
            granted, _ = model.ledger.draw(np.full(d.size, self.capital_id), claim, day)
            a["claim"][d] = np.where(granted, claim, 0.0)
            model.ts["claims_paid_amount"][day] += claim[granted].sum()

    def savings_terms(self, model: Model) -> list[float]:
        """Guarantee fees firms saved against a market fee."""
        return [model.approved_sum("fee_saving")]

    def fiscal_terms(self, model: Model) -> tuple[list[float], list[float]]:
        """Expected loss of the guarantees written, less the fees collected."""
        return [], [
            model.approved_sum("expected_guarantee_loss"),
            -model.approved_sum("fee_income"),
        ]
