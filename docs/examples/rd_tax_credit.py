"""R&D tax credit: a share of each programme loan booked, credited to the firm.

Public names: :class:`RdTaxCredit`, :class:`RdTaxCreditInstrument`.

An example measure, kept in the docs (docs/architecture.md, "To add a measure"): copied
to ``sim/model/instruments/rd_tax_credit.py`` it is a measure of the program, with no
other file changed. Each programme loan booked earns its firm ``rate`` x the loan, up to
``cap_per_firm`` over the run, from a hard budget; the credit changes no decision of a
firm or a bank. Scenario section (optional; absent, nothing in a run changes)::

    rd_tax_credit:
      budget: 500m        # hard budget of the credits
      rate: 5%            # of each programme loan booked
      cap_per_firm: 200k  # credits per firm over the run

``tests/test_measure_contract.py`` defines the same measure inside the test and checks
every output it reaches.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, ConfigDict

from sim.model.instruments.base import Account, Headline, Instrument
from sim.scenario.money import PositiveMoney, Share

if TYPE_CHECKING:  # pragma: no cover
    from sim.model.banks import LenderTable
    from sim.model.engine import Model
    from sim.model.ledger import Ledger
    from sim.model.population import Firms
    from sim.scenario import Scenario

__all__ = ["RdTaxCredit", "RdTaxCreditInstrument"]

_PAID = "rd_tax_credit_paid_amount"
_FIRMS = "rd_tax_credit_firms_n"
_DAY = "rd_tax_credit_exhausted_day"


class RdTaxCredit(BaseModel):
    """The scenario section ``rd_tax_credit``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    budget: PositiveMoney
    rate: Share = 0.05
    cap_per_firm: PositiveMoney = 200_000.0


class RdTaxCreditInstrument(Instrument):
    """Credits a share of each programme loan booked to its firm, first come first served
    from a hard budget, up to a cap per firm.

    Parameters
    ----------
    scenario, firms, lenders, ledger
        As for every measure (:class:`~sim.model.instruments.Instrument`).
    """

    section = "rd_tax_credit"
    section_model = RdTaxCredit  # registered in the scenario schema when defined
    rank = 80  # after the existing measures (docs/architecture.md lists the ranks)
    extra_columns = (_PAID,)
    savings_columns = fiscal_columns = (_PAID,)
    summary_keys = (_PAID, _FIRMS, _DAY)
    savings_categories = ("rd_tax_credit",)
    fiscal_labels = (("paid", "fiscal.rd_tax_credit"),)
    reported_accounts = (Account("rd_tax_credit_budget", "R&D credit budget", _DAY, plot=True),)
    headlines = (
        # a row of the cover, the terminal, the workbook and the tuner
        Headline("h.rd_tax_credit", (_PAID, _FIRMS), ("amount", "count")),
        # a sentence of the report's answer page
        Headline(
            None,
            (_PAID, _FIRMS),
            places=frozenset({"answer"}),
            value=lambda fmt, s, sc: fmt.text(
                "answer.rd_tax_credit", amount=fmt.amount(s[_PAID]), n=fmt.count(s[_FIRMS])
            ),
        ),
    )
    texts = {
        "en": {
            "msg.answer.rd_tax_credit": "{n} firms received {amount} of R&D tax credits.",
            "msg.h.rd_tax_credit": "R&D tax credits paid (firms)",
            "msg.fiscal.rd_tax_credit": "R&D tax credits",
            "code.rd_tax_credit": "R&D tax credit",
            f"column.{_PAID}": "R&D tax credits paid to firms. Scaled to the population.",
            f"column.{_FIRMS}": "Firms credited. Scaled to the population.",
            f"column.{_DAY}": "Day the R&D credit budget ran out (empty if it lasted).",
        },
        "zh": {
            "msg.answer.rd_tax_credit": "{n}家企业获得研发税收抵免{amount}。",
            "msg.h.rd_tax_credit": "研发税收抵免支付（企业数）",
            "msg.fiscal.rd_tax_credit": "研发税收抵免",
            "code.rd_tax_credit": "研发税收抵免",
            f"column.{_PAID}": "向企业支付的研发税收抵免。按总体放大。",
            f"column.{_FIRMS}": "获得抵免的企业数。按总体放大。",
            f"column.{_DAY}": "研发抵免预算用尽之日（未用尽则为空）。",
        },
    }
    units = {_PAID: "money", _FIRMS: "count", _DAY: "day"}

    def __init__(
        self, scenario: Scenario, firms: Firms, lenders: LenderTable, ledger: Ledger
    ) -> None:
        super().__init__(scenario, firms, lenders, ledger)
        self.config = scenario.section(self.section)
        self.active = self.config is not None
        self.received = np.zeros(firms.n)  # credits per simulated firm
        self.budget_id = -1
        if self.active:
            self.budget_id = ledger.open(
                "rd_tax_credit",
                "rd_tax_credit_budget",
                self.config.budget / scenario.population.scale,
                group="rd_tax_credit",
            )

    def loans_booked(self, model: Model, day: int, app: np.ndarray) -> None:
        """Credit the firms of the loans booked today, in the order they were booked."""
        a = model.apps.cols
        firm = a["firm"][app]
        credit = self.config.rate * a["amount"][app]
        for i in np.flatnonzero(credit > 0):  # one at a time: a firm may book twice a day
            c = min(credit[i], self.config.cap_per_firm - self.received[firm[i]])
            if c <= 0:
                continue
            granted, _ = model.ledger.draw(np.array([self.budget_id]), np.array([c]), day)
            if granted[0]:
                self.received[firm[i]] += c
                model.ts[_PAID][day] += c

    def summary(self, model: Model) -> dict[str, float | int | None]:
        """Credits paid and firms credited (scaled), the day the budget ran out."""
        day = int(model.ledger.exhausted_on[self.budget_id])
        return {
            _PAID: float(model.ts[_PAID].sum()) * model.scale,
            _FIRMS: float((self.received > 0).sum()) * model.scale,
            _DAY: day if day >= 0 else None,
        }

    def savings_by_firm(self, model: Model) -> dict[str, np.ndarray]:
        """The credits each firm received."""
        return {"rd_tax_credit": self.received}

    def savings_terms(self, model: Model) -> list[float]:
        """Credits are savings of the firms."""
        return [model.ts[_PAID].sum()] if self.active else []

    def fiscal_terms(self, model: Model) -> tuple[list[float], list[float]]:
        """Credits are paid from the budget."""
        return ([model.ts[_PAID].sum()] if self.active else []), []
