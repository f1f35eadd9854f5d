"""Banks: the lenders, their review capacity and their credit decision.

Public names: :class:`LenderTable`, :func:`build_lenders`, :func:`review_capacity`,
:func:`bank_expected_loss`, :func:`credit_approved`.

A lender approves a loan when its own expected loss rate on the loan, after collateral
and guarantee cover, is at most its appetite. A guarantee therefore turns refusals of
asset-light firms into approvals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..scenario import Scenario

__all__ = [
    "LenderTable",
    "build_lenders",
    "review_capacity",
    "bank_expected_loss",
    "credit_approved",
]


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
    #: Day each lender joins the programme, and the days it takes to staff up.
    join_day: np.ndarray
    ramp_days: np.ndarray
    #: Server class of each lender: identical lenders (a group; named lenders alike in
    #: capacity, review days, joining, ramp and market share) share one review queue
    #: holding their whole capacity.
    server: np.ndarray
    server_names: tuple[str, ...]

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
                b.join_day,
                b.ramp_days,
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
                    g.join_day + (i * g.onboarding_days) // g.n,
                    g.ramp_days,
                )
            )
    cols = list(zip(*rows, strict=True))
    scale = scenario.population.scale
    server, server_names = _server_classes(scenario)
    return LenderTable(
        names=tuple(cols[0]),
        market_share=np.array(cols[1], dtype=float),
        quota_share=np.array(cols[2], dtype=float),
        review_rate_per_day=np.array(cols[3], dtype=float) / scale,
        review_days=np.array(cols[4], dtype=np.int64),
        max_expected_loss=np.array(cols[5], dtype=float),
        lgd=np.array(cols[6], dtype=float),
        join_day=np.array(cols[7], dtype=np.int64),
        ramp_days=np.array(cols[8], dtype=float),
        server=server,
        server_names=server_names,
    )


def _server_classes(scenario: Scenario) -> tuple[np.ndarray, tuple[str, ...]]:
    """Server class of each lender (named lenders first, then the group's) and class names."""
    members: dict[tuple, list[str]] = {}  # class key -> its lenders, in order
    server = []
    for b in scenario.banks.lenders:
        key = (
            b.officers * b.reviews_per_officer_day,
            b.review_days,
            b.join_day,
            b.ramp_days,
            b.market_share,
        )
        server.append(list(members).index(key) if key in members else len(members))
        members.setdefault(key, []).append(b.name)
    names = ["+".join(m) for m in members.values()]
    g = scenario.banks.group
    if g is not None:
        server += [len(names)] * g.n
        names.append(g.name)
    return np.array(server, dtype=np.int64), tuple(names)


def review_capacity(lenders: LenderTable, working: np.ndarray) -> np.ndarray:
    """Review capacity of each server class on each day (applications a day).

    A lender reviews nothing before its join day; from then its throughput rises as
    ``c (1 - exp(-(t - join_day) / ramp_days))`` (full at once when ``ramp_days`` is 0),
    averaged over each day, and only on working days.

    Parameters
    ----------
    lenders
        The lender table (``review_rate_per_day`` is already divided by the scale).
    working
        Whether each day is a review day, shape ``(days,)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_server_classes, days)``, in the units of ``review_rate_per_day``.
    """
    days = working.shape[0]
    out = np.zeros((len(lenders.server_names), days))
    # lenders alike in join day, ramp and server class share one curve
    combo = np.stack([lenders.server, lenders.join_day, lenders.ramp_days.view(np.int64)], axis=1)
    uniq, inv = np.unique(combo, axis=0, return_inverse=True)
    rate = np.bincount(inv.ravel(), weights=lenders.review_rate_per_day, minlength=len(uniq))
    t0 = np.arange(days, dtype=float)
    for (k, join, _), r_days, c in zip(
        uniq, lenders.ramp_days[_first_index(inv.ravel(), len(uniq))], rate, strict=True
    ):
        tau = t0 - join
        if r_days > 0:
            with np.errstate(over="ignore"):
                share = 1.0 - r_days * (np.exp(-tau / r_days) - np.exp(-(tau + 1) / r_days))
        else:
            share = np.ones(days)
        share[tau < 0] = 0.0
        out[k] += c * share
    return out * working


def _first_index(inv: np.ndarray, n: int) -> np.ndarray:
    """Index of the first row of each of ``n`` groups numbered by ``inv``."""
    first = np.full(n, inv.size, dtype=np.int64)
    np.minimum.at(first, inv, np.arange(inv.size))
    return first


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
