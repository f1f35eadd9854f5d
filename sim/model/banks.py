"""Banks: the lenders, their review capacity and their credit decision.

Public names: :class:`LenderTable`, :func:`build_lenders`, :func:`bank_expected_loss`,
:func:`credit_approved`.

A lender approves a loan when its own expected loss rate on the loan, after collateral
and guarantee cover, is at most its appetite. A guarantee therefore turns refusals of
asset-light firms into approvals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..scenario import Scenario

__all__ = ["LenderTable", "build_lenders", "bank_expected_loss", "credit_approved"]


@dataclass(frozen=True)
class LenderTable:
    """One row per lender (a :class:`~sim.scenario.LenderGroup` expands to ``n`` rows)."""

    names: tuple[str, ...]
    market_share: np.ndarray
    quota_share: np.ndarray
    review_rate_per_day: np.ndarray
    review_days: np.ndarray
    max_expected_loss: np.ndarray
    lgd: np.ndarray

    @property
    def n(self) -> int:
        """Number of lenders."""
        return len(self.names)


def build_lenders(scenario: Scenario) -> LenderTable:
    """Expand the scenario's lenders into a table; review capacity is divided by the scale.

    Parameters
    ----------
    scenario
        The validated scenario.

    Returns
    -------
    LenderTable
        Arrays over lenders.
    """
    rows = []
    for b in scenario.banks.lenders:
        rows.append(
            (
                b.name,
                b.market_share,
                b.quota_share,
                b.officers * b.reviews_per_officer_day,
                b.review_days,
                b.max_expected_loss,
                b.lgd,
            )
        )
    g = scenario.banks.group
    if g is not None:
        width = len(str(g.n))
        for i in range(g.n):
            rows.append(
                (
                    f"{g.name}_{i + 1:0{width}d}",
                    g.market_share / g.n,
                    g.quota_share / g.n,
                    g.officers * g.reviews_per_officer_day,
                    g.review_days,
                    g.max_expected_loss,
                    g.lgd,
                )
            )
    cols = list(zip(*rows, strict=True))
    scale = scenario.population.scale
    return LenderTable(
        names=tuple(cols[0]),
        market_share=np.array(cols[1], dtype=float),
        quota_share=np.array(cols[2], dtype=float),
        review_rate_per_day=np.array(cols[3], dtype=float) / scale,
        review_days=np.array(cols[4], dtype=np.int64),
        max_expected_loss=np.array(cols[5], dtype=float),
        lgd=np.array(cols[6], dtype=float),
    )


def bank_expected_loss(
    pd_term: np.ndarray, lgd: np.ndarray, collateral_ratio: np.ndarray, guarantee_share: np.ndarray
) -> np.ndarray:
    """Lender's expected loss rate on a loan: ``pd * lgd * max(0, 1 - collateral - guarantee)``.

    Parameters
    ----------
    pd_term
        Probability that the borrower defaults during the loan's term.
    lgd
        Loss given default of the lender, share of the uncovered exposure.
    collateral_ratio
        Collateral as a share of the loan.
    guarantee_share
        Guaranteed amount as a share of the loan.

    Returns
    -------
    numpy.ndarray
        Expected loss as a share of the loan.
    """
    # minimum/maximum rather than np.clip: the same values, less overhead on small batches
    uncovered = np.minimum(np.maximum(1.0 - collateral_ratio - guarantee_share, 0.0), 1.0)
    return pd_term * lgd * uncovered


def credit_approved(expected_loss: np.ndarray, appetite: np.ndarray) -> np.ndarray:
    """The credit rule: approve when the expected loss rate is at most the appetite."""
    return expected_loss <= appetite
