"""Credit: a batch of credit decisions as a measure's hooks see it, and the cover offered.

Public names: :class:`CreditBatch`, :class:`Cover`.

The engine decides each day's reviewed applications as one batch (docs/model.md 7.6):
the per-firm limit, then the bank's appetite for its expected loss, then the cover a
measure may offer (a guarantee), then the accounts drawn. A measure that offers cover
(:meth:`~sim.model.instruments.base.Instrument.offer_cover`) reads the batch and
answers which decisions it covers, for how much, and the account the cover draws on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Cover", "CreditBatch"]


@dataclass(slots=True)
class CreditBatch:
    """One day's credit decisions before any cover, one row per application.

    Read only by the hooks (not frozen: a frozen dataclass costs more to build, and one
    is built each day).

    Attributes
    ----------
    firm, bank, amount, tier
        The application's firm, lender, amount asked and the firm's tier.
    pd_annual, pd_term
        The firm's default probability per year and over the loan's term.
    lgd, collateral, uncovered
        The lender's loss given default, the firm's collateral ratio and the share of a
        loan its collateral leaves uncovered (``clip(1 - collateral, 0, 1)``).
    appetite
        The most expected loss (a share of the loan) the lender accepts on it.
    keeps
        Share of a loss the bank bears itself after the measures that share its loss
        (:meth:`~sim.model.instruments.base.Instrument.bank_loss_share`), or None (all).
    el0
        The bank's expected loss rate without cover, before loss sharing.
    ok0
        Whether the bank approves on its own (with loss sharing, without cover).
    ok_alone
        Whether the bank would approve without the programme (no sharing, no cover).
    pending
        Whether the decision is still open (within the per-firm limit).
    twice
        Whether a firm appears more than once in the batch.
    """

    firm: np.ndarray
    bank: np.ndarray
    amount: np.ndarray
    tier: np.ndarray
    pd_annual: np.ndarray
    pd_term: np.ndarray
    lgd: np.ndarray
    collateral: np.ndarray
    uncovered: np.ndarray
    appetite: np.ndarray
    keeps: np.ndarray | None
    el0: np.ndarray
    ok0: np.ndarray
    ok_alone: np.ndarray
    pending: np.ndarray
    twice: bool


@dataclass(slots=True)
class Cover:
    """The cover a measure offers to some decisions of a :class:`CreditBatch`.

    A covered application is lent when the bank approves it with the cover and both
    the loan's accounts and ``account`` have room; a loan the bank makes anyway is lent
    without cover when ``account`` is full.

    Attributes
    ----------
    rows
        Rows of the batch offered cover (each once).
    amount
        The cover of each of ``rows`` (simulated yuan, > 0).
    account
        The ledger account the cover draws on.
    """

    rows: np.ndarray
    amount: np.ndarray
    account: int
