"""NPL risk compensation: the city pays banks a share of their loss on bad loans to key sectors.

Public names: :class:`NplCompensationInstrument`.

Shanghai's bank NPL risk compensation (FACTS.md 1.2) has a budget of 1 bn yuan for
2024-25 and compensates 55 % of a bank's loss on a non-performing loan to a firm in a key
sector (technology and the like), 5 points more for the firm's first loan. Scenario
section ``npl_compensation:`` (optional; absent, nothing in a run changes).

- **Credit rule.** While the budget has money, a bank weighs its expected loss on a loan
  to a key-sector firm times ``1 - c``, with ``c = share (+ first_loan_bonus if the firm
  has no programme loan yet)``: loans to asset-light key-sector firms that the bank's
  appetite refused become acceptable. Once the budget is empty, ``c = 0``.
- **Claims.** When such a loan defaults, the bank's loss (``lgd x`` the part not covered
  by collateral or guarantee, see :func:`~sim.model.banks.bank_expected_loss`) times the
  ``c`` fixed when the loan was booked is paid from the budget, a *hard* account: a claim
  larger than what is left is refused and the account closes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ...scenario import Scenario
from ..banks import LenderTable, bank_expected_loss
from ..ledger import Ledger
from ..population import Firms
from .base import Headline, Instrument

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import Model

__all__ = ["NplCompensationInstrument"]

_COLUMN = "npl_compensation_paid_amount"


class NplCompensationInstrument(Instrument):
    """The compensation budget, the share banks count on, and the claims on defaults.

    Parameters
    ----------
    scenario
        The validated scenario; ``scenario.npl_compensation`` may be ``None``.
    firms
        The population: a firm is in a key sector when its tier is one of ``key_tiers``
        (default: the ``core_tech`` tiers) and its sector one of ``key_sectors``
        (default: any).
    lenders
        The lender table.
    ledger
        The ledger in which to open the budget account.
    """

    section = "npl_compensation"
    rank = 70
    extra_columns = (_COLUMN,)
    fiscal_columns = (_COLUMN,)
    summary_keys = (_COLUMN,)
    fiscal_labels = (("paid", "fiscal.npl"),)
    headlines = (
        Headline("h.npl", (_COLUMN,), ("amount",), order=170, places=frozenset({"cover"})),
        # the answer page's sentence
        Headline(
            None,
            (_COLUMN,),
            order=170,
            places=frozenset({"answer"}),
            when=lambda s, sc: s.get(_COLUMN, 0.0) > 0,
            value=lambda fmt, s, sc: fmt.text("answer.npl", amount=fmt.amount(s[_COLUMN])),
        ),
    )
    texts = {
        "en": {
            "msg.fiscal.npl": "NPL compensation",
            "msg.answer.npl": "Lenders received {amount} of compensation for loans that went bad.",
        },
        "zh": {
            "msg.fiscal.npl": "不良贷款风险补偿",
            "msg.answer.npl": "贷款机构获得不良贷款风险补偿{amount}。",
        },
    }

    def __init__(self, scenario: Scenario, firms: Firms, lenders: LenderTable, ledger: Ledger):
        super().__init__(scenario, firms, lenders, ledger)
        self.config = scenario.npl_compensation
        self.active = self.config is not None and self.config.budget > 0
        self.budget_id = -1
        if not self.active:
            return
        tiers, key_tiers = scenario.population.tiers, self.config.key_tiers
        self.key_tier = np.array(
            [
                t in key_tiers if key_tiers is not None else tiers[t].core_tech
                for t in firms.tier_names
            ]
        )
        key_sectors = self.config.key_sectors
        in_key_sector = np.array(
            [key_sectors is None or name in key_sectors for name in firms.sector_names]
        )
        self.in_key_sector = in_key_sector[firms.sector]  # per firm (sectors do not change)
        self.budget_id = ledger.open(
            "npl_compensation",
            "npl_compensation_budget",
            self.config.budget / scenario.population.scale,
            group="npl_compensation",
        )
        self.loans_n = np.zeros(firms.n, dtype=np.int64)  # programme loans booked per firm
        self.share_of_app = np.zeros(0)  # compensated share fixed when each loan was booked

    def _share(self, model: Model, firm: np.ndarray) -> np.ndarray:
        cfg = self.config
        first = np.where(self.loans_n[firm] == 0, cfg.first_loan_bonus, 0.0)
        key = self.key_tier[model.firms.tier[firm]] & self.in_key_sector[firm]
        return np.where(key, cfg.share + first, 0.0)

    def bank_loss_share(self, model: Model, firm: np.ndarray) -> np.ndarray | None:
        """The share of its loss a bank counts on being compensated (0 once the budget is empty)."""
        if model.ledger.closed[self.budget_id]:
            return np.zeros(firm.shape[0])
        return self._share(model, firm)

    def loans_booked(self, model: Model, day: int, app: np.ndarray) -> None:
        """Fix each new loan's compensated share; count the firms' programme loans."""
        firm = model.apps.cols["firm"][app]
        size = int(app.max()) + 1
        if size > self.share_of_app.size:
            grown = np.zeros(max(size, 2 * self.share_of_app.size))
            grown[: self.share_of_app.size] = self.share_of_app
            self.share_of_app = grown
        self.share_of_app[app] = self._share(model, firm)
        np.add.at(self.loans_n, firm, 1)

    def loans_ended(self, model: Model, day: int, app: np.ndarray) -> None:
        """Pay the compensation on the loans among ``app`` that defaulted."""
        a = model.apps.cols
        booked = app[app < self.share_of_app.size]
        bad = booked[a["defaulted"][booked] & (self.share_of_app[booked] > 0)]
        if bad.size == 0:
            return
        amount = a["amount"][bad]
        loss_rate = bank_expected_loss(
            np.ones(bad.size),
            model.lenders.lgd[a["bank"][bad]],
            model.firms.collateral_ratio[a["firm"][bad]],
            a["guarantee"][bad] / amount,
        )
        claim = self.share_of_app[bad] * loss_rate * amount
        claim = claim[claim > 0]
        if claim.size == 0:
            return
        granted, _ = model.ledger.draw(np.full(claim.size, self.budget_id), claim, day)
        model.ts[_COLUMN][day] += claim[granted].sum()

    def summary(self, model: Model) -> dict[str, float]:
        """Compensation paid to banks, scaled to the population."""
        return {_COLUMN: float(model.ts[_COLUMN].sum()) * model.scale}

    def fiscal_terms(self, model: Model) -> tuple[list[float], list[float]]:
        """Compensation paid from the budget (nothing when the measure is absent)."""
        return ([model.ts[_COLUMN].sum()] if self.active else []), []
