"""Loan pool: the special loan quota, split into lender quotas, with a credit-loan sub-quota.

Public names: :class:`LoanPoolInstrument`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ...scenario import Scenario
from ..banks import LenderTable
from ..ledger import Ledger
from ..population import Firms
from .base import MEASURES_OFFSET, Instrument, Process

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import Model

__all__ = ["LoanPoolInstrument"]


class LoanPoolInstrument(Instrument):
    """Accounts, pricing and savings of the special loan pool.

    In ``bank_quotas`` mode each lender has an account of ``total * quota_share``; in
    ``shared_pool`` mode one account serves every lender first come first served. A
    *credit loan* (collateral below ``credit_loan_max_collateral``) also draws on the
    credit sub-quota when there is one, and earns the automatic interest subsidy.

    Parameters
    ----------
    scenario
        The validated scenario.
    firms
        The population.
    lenders
        The lender table.
    ledger
        The ledger in which to open the accounts (before it is frozen).
    """

    section = "loan_pool"
    rank = 10

    def __init__(self, scenario: Scenario, firms: Firms, lenders: LenderTable, ledger: Ledger):
        super().__init__(scenario, firms, lenders, ledger)
        self.active = True
        self.config = scenario.loan_pool
        self.rates = scenario.rates
        scale = scenario.population.scale
        self.per_bank = self.config.quota_mode == "bank_quotas"
        if self.per_bank:
            # a group's identical lenders hold one quota, the group's: a sample cannot tell
            # which of many identical lenders runs out first (docs/model.md 2.16)
            named = len(scenario.banks.lenders)
            names = [f"quota:{n}" for n in lenders.names[:named]]
            shares = list(lenders.quota_share[:named])
            g = scenario.banks.group
            if g is not None:
                names.append(f"quota:{g.name}")
                shares.append(g.quota_share)
            ids = ledger.open_many(
                names,
                "bank_quota",
                self.config.total * np.array(shares) / scale,
                group="loan_pool",
            )
            self.quota_ids = np.concatenate([ids[:named], np.full(lenders.n - named, ids[-1])])
            self.quota_ids = self.quota_ids.astype(np.int64)
        else:
            pool = ledger.open(
                "loan_pool", "loan_pool", self.config.total / scale, group="loan_pool"
            )
            self.quota_ids = np.full(lenders.n, pool, dtype=np.int64)
        self.credit_id = (
            ledger.open(
                "credit_sub_quota",
                "credit_sub_quota",
                self.config.credit_sub_quota / scale,
                group="loan_pool",
            )
            if self.config.credit_sub_quota is not None
            else -1
        )
        self.term_years = self.config.term_days / 365.0
        self.programme_rate = self.rates.lpr_1y + self.rates.programme_spread

    def market_rate(self, pd_annual: np.ndarray) -> np.ndarray:
        """Rate the firm would pay outside the programme: LPR + base spread + premium x PD."""
        r = self.rates
        return r.lpr_1y + r.market_spread_base + r.market_risk_premium_per_pd * pd_annual

    def is_credit_loan(self, collateral_ratio: np.ndarray) -> np.ndarray:
        """Whether a loan to a firm with this collateral counts as an unsecured credit loan."""
        return collateral_ratio < self.config.credit_loan_max_collateral

    def benefit_rate(self, pd_annual: np.ndarray, credit: np.ndarray) -> np.ndarray:
        """Yearly saving per unit borrowed: rate concession plus the subsidy on credit loans."""
        concession = np.maximum(self.market_rate(pd_annual) - self.programme_rate, 0.0)
        return concession + np.where(
            credit, self.config.interest_subsidy_share * self.programme_rate, 0.0
        )

    def subsidy(self, amount: np.ndarray, credit: np.ndarray) -> np.ndarray:
        """Interest subsidy paid by the city over the loan's term (credit loans only)."""
        return np.where(
            credit,
            amount * self.config.interest_subsidy_share * self.programme_rate * self.term_years,
            0.0,
        )

    def accounts(self, bank: np.ndarray, credit: np.ndarray) -> np.ndarray:
        """Accounts a loan draws on, shape ``(m, 2)``: lender quota (or pool), credit sub-quota."""
        out = np.full((bank.shape[0], 2), -1, dtype=np.int64)
        out[:, 0] = self.quota_ids[bank]
        if self.credit_id >= 0:
            out[credit, 1] = self.credit_id
        return out

    def open_lenders(self, ledger: Ledger) -> np.ndarray:
        """Whether each lender's quota (or the shared pool) is still open."""
        return ~ledger.closed[self.quota_ids]

    def processes(self, model: Model) -> list[Process]:
        """The one-off reallocation of unused lender quotas, when the scenario sets its day."""
        day = self.config.reallocation_day
        if day is None:
            return []
        return [
            Process(MEASURES_OFFSET + 0.03, lambda d: self.reallocate(model.ledger, d), days=[day])
        ]

    def savings_terms(self, model: Model) -> list[float]:
        """Interest firms saved on approved loans (rate concession plus subsidy)."""
        return [model.approved_sum("interest_saving")]

    def fiscal_terms(self, model: Model) -> tuple[list[float], list[float]]:
        """The interest subsidy paid by the city."""
        return [model.approved_sum("subsidy")], []

    def reallocate(self, ledger: Ledger, day: int) -> None:
        """Pool unused lender quotas and share them out in proportion to use so far.

        Every lender ends with a remaining quota proportional to what it has drawn, so
        lenders whose quota ran out reopen with a share of the spare quota. Transfers go
        from lenders above their target to those below, in lender order, and are recorded
        in the books, so the pool's total is unchanged.
        """
        if not self.per_bank:
            return
        ids = np.unique(self.quota_ids)
        used = ledger.drawn[ids]
        spare = ledger.level[ids].copy()
        pot = spare.sum()
        if pot <= 0 or used.sum() <= 0:
            return
        target = pot * used / used.sum()
        delta = target - spare
        givers = np.flatnonzero(delta < 0)
        takers = np.flatnonzero(delta > 0)
        for g in givers:
            amount = -delta[g]
            for t in takers:
                if amount <= 0:
                    break
                move = min(amount, delta[t])
                if move > 0:
                    ledger.transfer(int(ids[g]), int(ids[t]), move)
                    delta[t] -= move
                    amount -= move
