"""Demand: the financing needs of the firms over the horizon, drawn at once.

Public names: none outside the model (``_Needs``, ``_draw_needs`` are the engine's).
Each need has a firm, a day it arises, an amount and the uniform draws that decide
what becomes of it (apply or not, assisted or not, the credit decision's noise, the
bank of a retry, the day of a default), so that a run's randomness is fixed up front.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..scenario import Scenario
from .codes import NeedFate
from .population import Firms
from .queue import _UINT16_MAX

_F_NOTDUE = int(NeedFate.NOT_DUE)


@dataclass
class _Needs:
    firm: np.ndarray
    day: np.ndarray
    amount: np.ndarray
    u_apply: np.ndarray
    u_assist: np.ndarray
    z_credit: np.ndarray
    u_retry: np.ndarray
    u_bank: np.ndarray
    u_default: np.ndarray
    fate: np.ndarray = field(init=False)
    tier: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.fate = np.full(self.firm.shape[0], _F_NOTDUE, dtype=np.int8)
        self.tier = np.full(self.firm.shape[0], -1, dtype=np.int16)


def _draw_needs(
    scenario: Scenario, firms: Firms, *, rng: np.random.Generator, rng_credit: np.random.Generator
) -> _Needs:
    d = scenario.demand
    days = scenario.horizon.days
    n = firms.n
    launch = (rng.random(n) < d.waiting_at_launch_share).nonzero()[0]
    lam = d.needs_per_firm_year * days / 365.0
    per_firm = rng.poisson(lam, size=n)
    later_firm = np.repeat(np.arange(n), per_firm)
    later_day = rng.integers(0, days, size=later_firm.size)
    firm = np.concatenate([launch, later_firm])
    day = np.concatenate([np.zeros(launch.size, dtype=np.int64), later_day])
    order = _day_firm_order(firm, day, launch.size)
    firm, day = firm[order].astype(np.int64), day[order]
    m = firm.size
    ratio = d.amount_revenue_ratio_median * np.exp(d.amount_sigma * rng.standard_normal(m))
    amount = firms.revenue[firm] * ratio
    attempts = scenario.behaviour.max_attempts
    return _Needs(
        firm=firm,
        day=day,
        amount=amount,
        u_apply=rng.random(m, dtype=np.float32),
        u_assist=rng.random(m, dtype=np.float32),
        z_credit=rng_credit.standard_normal((m, attempts), dtype=np.float32),
        u_retry=rng_credit.random((m, attempts), dtype=np.float32),
        u_bank=rng_credit.random((m, attempts), dtype=np.float32),
        u_default=rng_credit.random((m, attempts), dtype=np.float32),
    )


def _day_firm_order(firm: np.ndarray, day: np.ndarray, n_launch: int) -> np.ndarray:
    """``np.lexsort((firm, day))`` for needs laid out as :func:`_draw_needs` draws them.

    The first ``n_launch`` needs (day 0) and the rest are each in firm order, so a
    stable sort by day alone (a radix sort for 16-bit days) leaves every day but day 0
    in firm order; day 0 merges the two runs.
    """
    if day.size == 0 or day.max() > _UINT16_MAX:
        return np.lexsort((firm, day))
    order = day.astype(np.uint16).argsort(kind="stable")
    n0 = int(np.count_nonzero(day == 0))
    head = order[:n0]
    if n0 > n_launch:
        order[:n0] = head[firm[head].argsort(kind="stable")]
    return order
