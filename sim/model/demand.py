"""Demand: the financing needs of the firms over the horizon, drawn at once.

Public names: :class:`Needs`, :func:`draw_needs`, :class:`ExistingLoans`,
:func:`draw_existing_loans`, :func:`with_renewals` (used by the engine's arrivals).

Each need has a firm, a day it arises, an amount and the uniform draws that decide
what becomes of it (apply or not, assisted or not, the credit decision's noise, the
bank of a retry, the day of a default), so that a run's randomness is fixed up front.

New needs arise on days drawn uniformly over the horizon, or with probability
``w[m] / days_in(m)`` on a day of calendar month ``m`` when ``demand.monthly_weights``
``w`` (normalised) are given. Existing loans (``demand.existing_loans_share``) mature
first on a day uniform over ``[0, term_days)`` and every ``term_days`` after; at each
maturity within the horizon an eligible holder renews into the programme with
probability ``demand.renewal_share``, independently of its other maturities. A renewal
is a need of the loan's amount (drawn at launch like a need's amount), on the
maturity day, that always applies (the decision to renew is the renewal draw).

When loans roll over (``demand.rollover_share`` > 0) an existing loan is renewed at its
first maturity only, with probability ``rollover_share``; its later maturities are those
of the renewed loan, which the engine rolls over when it ends (:meth:`Needs.extend`
adds the renewals the run makes). Existing loans then take their own size
(``existing_amount_revenue_ratio_median``, per tier), and a share
``no_principal_share`` of renewals are renewals without repaying the principal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from ..scenario import Scenario
from .codes import NeedFate
from .population import Firms
from .queue import UINT16_MAX

__all__ = [
    "ExistingLoans",
    "Needs",
    "draw_existing_loans",
    "need_intensity",
    "draw_needs",
    "maturity_probabilities",
    "with_renewals",
]

_F_NOTDUE = int(NeedFate.NOT_DUE)


@dataclass
class Needs:
    """The financing needs of a run, one row per need (new needs, then renewals).

    Attributes
    ----------
    firm, day, amount
        The firm, the day the need arises and the amount asked.
    u_apply, u_assist
        Uniform draws deciding whether the owner applies and whether it needs an adviser.
    z_credit
        Standard normal noise of the bank's appetite, per attempt.
    u_retry, u_bank, u_default
        Uniform draws of a retry, of a retry's lender and of a loan's default day, per
        attempt.
    renewal
        Whether the need renews an existing loan (it always applies).
    no_principal
        Whether a renewal is made without repaying the principal first (无还本续贷).
    fate, tier
        The need's fate (:class:`~sim.model.codes.NeedFate`) and the firm's tier on the
        day it came due, written by the engine.
    """

    firm: np.ndarray
    day: np.ndarray
    amount: np.ndarray
    u_apply: np.ndarray
    u_assist: np.ndarray
    z_credit: np.ndarray
    u_retry: np.ndarray
    u_bank: np.ndarray
    u_default: np.ndarray
    renewal: np.ndarray | None = None
    no_principal: np.ndarray | None = None
    fate: np.ndarray = field(init=False)
    tier: np.ndarray = field(init=False)
    #: the number of needs (the arrays may hold room for more, see :meth:`extend`)
    size: int = field(init=False)

    def __post_init__(self) -> None:
        self.size = self.firm.shape[0]
        self.fate = np.full(self.size, _F_NOTDUE, dtype=np.int8)
        self.tier = np.full(self.size, -1, dtype=np.int16)
        if self.renewal is None:
            self.renewal = np.zeros(self.size, dtype=bool)
        if self.no_principal is None:
            self.no_principal = np.zeros(self.size, dtype=bool)

    def extend(
        self,
        firm: np.ndarray,
        day: int,
        amount: np.ndarray,
        fate: int,
        tier: np.ndarray,
        no_principal_share: float,
        *,
        rng: np.random.Generator,
    ) -> np.ndarray:
        """Add renewals that arise during the run (loans rolling over) and return their ids.

        The arrays grow by doubling, so adding a day's renewals costs what they hold;
        :meth:`trim` drops the spare room at the end of the run.
        """
        m = firm.shape[0]
        start = self.size
        if start + m > self.firm.shape[0]:
            room = max(start + m, 2 * self.firm.shape[0], 1024)
            for name in _NEED_COLUMNS:
                old = getattr(self, name)
                new = np.zeros((room, *old.shape[1:]), dtype=old.dtype)
                new[:start] = old[:start]
                setattr(self, name, new)
        attempts = self.z_credit.shape[1]
        rows = slice(start, start + m)
        self.firm[rows], self.day[rows], self.amount[rows] = firm, day, amount
        self.u_apply[rows] = 0.0
        self.u_assist[rows] = rng.random(m, dtype=np.float32)
        self.z_credit[rows] = rng.standard_normal((m, attempts), dtype=np.float32)
        self.u_retry[rows] = rng.random((m, attempts), dtype=np.float32)
        self.u_bank[rows] = rng.random((m, attempts), dtype=np.float32)
        self.u_default[rows] = rng.random((m, attempts), dtype=np.float32)
        self.renewal[rows] = True
        self.no_principal[rows] = rng.random(m) < no_principal_share
        self.fate[rows], self.tier[rows] = fate, tier
        self.size = start + m
        return np.arange(start, start + m, dtype=np.int64)

    def trim(self) -> None:
        """Drop the room :meth:`extend` kept for more needs."""
        if self.firm.shape[0] != self.size:
            for name in _NEED_COLUMNS:
                setattr(self, name, getattr(self, name)[: self.size])


#: The per-need arrays of :class:`Needs`.
_NEED_COLUMNS = (
    "firm",
    "day",
    "amount",
    "u_apply",
    "u_assist",
    "z_credit",
    "u_retry",
    "u_bank",
    "u_default",
    "renewal",
    "no_principal",
    "fate",
    "tier",
)


def draw_needs(
    scenario: Scenario,
    firms: Firms,
    *,
    rng: np.random.Generator,
    rng_credit: np.random.Generator,
    rate_changes: list[tuple[int, float]] | None = None,
    rng_events: np.random.Generator | None = None,
) -> Needs:
    """Draw the new financing needs of the horizon, in day then firm order.

    Parameters
    ----------
    scenario
        The validated scenario (``demand``, ``horizon``, ``behaviour.max_attempts``).
    firms
        The population.
    rng, rng_credit
        Generators of the needs and of the appetite noise ``z_credit``.
    rate_changes
        ``(day, needs_per_firm_year)`` from each event that changes the rate of new
        needs (docs/model.md 7.17), in order of day; None or empty: none.
    rng_events
        Generator of the needs such events add or take away (needed with them).

    Returns
    -------
    Needs
        One row per need.
    """
    d = scenario.demand
    days = scenario.horizon.days
    n = firms.n
    launch = (rng.random(n) < d.waiting_at_launch_share).nonzero()[0]
    intensity = need_intensity(scenario)
    lam = d.needs_per_firm_year * days / 365.0 if intensity is None else float(intensity.sum())
    per_firm = rng.poisson(lam, size=n)
    later_firm = np.repeat(np.arange(n), per_firm)
    p_day = _day_probabilities(scenario) if intensity is None else intensity / max(lam, 1e-300)
    if p_day is None:
        later_day = rng.integers(0, days, size=later_firm.size)
    else:
        later_day = np.minimum(
            np.searchsorted(np.cumsum(p_day), rng.random(later_firm.size), side="right"),
            days - 1,
        )
    firm = np.concatenate([launch, later_firm])
    day = np.concatenate([np.zeros(launch.size, dtype=np.int64), later_day])
    order = _day_firm_order(firm, day, launch.size)
    firm, day = firm[order].astype(np.int64), day[order]
    m = firm.size
    ratio = d.amount_revenue_ratio_median * np.exp(d.amount_sigma * rng.standard_normal(m))
    amount = firms.revenue[firm] * ratio
    attempts = scenario.behaviour.max_attempts
    needs = Needs(
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
    if rate_changes:
        assert rng_events is not None
        launch_need = np.zeros(m, dtype=bool)
        launch_need[: launch.size] = True
        needs = _with_rate_changes(
            needs, launch_need[order], scenario, firms, rate_changes, rng_events
        )
    return needs


def _with_rate_changes(
    needs: Needs,
    launch: np.ndarray,
    scenario: Scenario,
    firms: Firms,
    rate_changes: list[tuple[int, float]],
    rng: np.random.Generator,
) -> Needs:
    """The new needs with events changing ``needs_per_firm_year`` (docs/model.md 7.17).

    With ``r0`` the scenario's rate and ``r(t)`` the rate in force on day ``t``: where
    ``r(t) < r0`` each new need of day ``t`` (not a launch need) is kept with probability
    ``r(t) / r0``; where ``r(t) > r0`` each firm gets further needs, Poisson with mean
    ``sum_t (r(t) - r0) / 365 x s(t)`` (``s``: the surge and month weights' shape of
    7.1a-c, 1 without them), on days drawn in proportion. Nothing before the first event
    changes: its needs keep their draws and their places.
    """
    d = scenario.demand
    days = scenario.horizon.days
    r0 = d.needs_per_firm_year
    rate = np.full(days, r0)
    for day, value in rate_changes:
        rate[day:] = value
    shape = need_intensity(scenario)
    if shape is None:
        p_day = _day_probabilities(scenario)
        shape = np.ones(days) if p_day is None else p_day * days
    else:
        shape = shape * 365.0 / r0 if r0 > 0 else np.asarray(d.surge.multipliers(days))
        if r0 <= 0 and d.monthly_weights is not None:
            shape = shape * _day_probabilities(scenario) * days
    keep = np.ones(needs.size, dtype=bool)
    if r0 > 0 and (rate < r0).any():
        ratio = np.minimum(rate / r0, 1.0)[needs.day]
        keep = launch | (rng.random(needs.size) < ratio)
    extra = np.maximum(rate - r0, 0.0) / 365.0 * shape
    lam = float(extra.sum())
    n = firms.n
    per_firm = rng.poisson(lam, size=n) if lam > 0 else np.zeros(n, dtype=np.int64)
    x_firm = np.repeat(np.arange(n), per_firm)
    k = x_firm.size
    if lam > 0:
        cdf = np.cumsum(extra / lam)
        x_day = np.minimum(np.searchsorted(cdf, rng.random(k), side="right"), days - 1)
    else:
        x_day = np.zeros(0, dtype=np.int64)
    attempts = needs.z_credit.shape[1]
    ratio = d.amount_revenue_ratio_median * np.exp(d.amount_sigma * rng.standard_normal(k))
    added = {
        "firm": x_firm.astype(np.int64),
        "day": x_day.astype(needs.day.dtype),
        "amount": firms.revenue[x_firm] * ratio,
        "u_apply": rng.random(k, dtype=np.float32),
        "u_assist": rng.random(k, dtype=np.float32),
        "z_credit": rng.standard_normal((k, attempts), dtype=np.float32),
        "u_retry": rng.random((k, attempts), dtype=np.float32),
        "u_bank": rng.random((k, attempts), dtype=np.float32),
        "u_default": rng.random((k, attempts), dtype=np.float32),
    }
    cols = {name: np.concatenate([getattr(needs, name)[keep], v]) for name, v in added.items()}
    # in (day, firm) order; a stable sort keeps every need before the first event in place
    order = np.lexsort((cols["firm"], cols["day"]))
    return Needs(**{name: v[order] for name, v in cols.items()})


def _day_firm_order(firm: np.ndarray, day: np.ndarray, n_launch: int) -> np.ndarray:
    """``np.lexsort((firm, day))`` for needs laid out as :func:`draw_needs` draws them.

    The first ``n_launch`` needs (day 0) and the rest are each in firm order, so a
    stable sort by day alone (a radix sort for 16-bit days) leaves every day but day 0
    in firm order; day 0 merges the two runs.
    """
    if day.size == 0 or day.max() > UINT16_MAX:
        return np.lexsort((firm, day))
    order = day.astype(np.uint16).argsort(kind="stable")
    n0 = int(np.count_nonzero(day == 0))
    head = order[:n0]
    if n0 > n_launch:
        order[:n0] = head[firm[head].argsort(kind="stable")]
    return order


def need_intensity(scenario: Scenario) -> np.ndarray | None:
    """Expected new needs of one firm on each day under ``demand.surge`` (None: no surge).

    ``lambda(t) = needs_per_firm_year / 365 x m(t) x T P(t)`` for the days ``t = 0 ...
    T - 1``, with ``m`` the surge's multiplier and ``P`` the day probabilities of the
    monthly weights (``T P(t) = 1`` without weights); a firm's number of new needs is
    Poisson with mean ``sum_t lambda(t)`` and each falls on day ``t`` with probability
    ``lambda(t) / sum_s lambda(s)`` (docs/model.md 7.1c).
    """
    d = scenario.demand
    if d.surge is None:
        return None
    days = scenario.horizon.days
    p_day = _day_probabilities(scenario)
    base = np.ones(days) if p_day is None else p_day * days
    return d.needs_per_firm_year / 365.0 * np.asarray(d.surge.multipliers(days)) * base


def _day_probabilities(scenario: Scenario) -> np.ndarray | None:
    """Probability that a new need arises on each day (None: uniform, drawn as integers).

    Day ``t`` of calendar month ``m`` gets ``w[m] / days_in(m)``, so that over a whole
    year the share of needs in month ``m`` is ``w[m]`` (the weights normalised).
    """
    w = scenario.demand.monthly_weights
    if w is None:
        return None
    return _month_profile(scenario.horizon.start_date, scenario.horizon.days, w)


def maturity_probabilities(scenario: Scenario) -> np.ndarray | None:
    """Probability that an existing loan first matures on each day of its term (None:
    uniform): the loans were booked on the lenders' monthly profile
    (``banks.monthly_lending_weights``) a term before, so day ``t`` of calendar month ``m``
    gets ``w[m] / days_in(m)``."""
    w = scenario.banks.monthly_lending_weights
    if w is None:
        return None
    term = max(scenario.loan_pool.term_days, 1)
    return _month_profile(scenario.horizon.start_date, term, w)


def _month_profile(start: date, days: int, w: list[float]) -> np.ndarray:
    """Day probabilities over ``days`` days from ``start`` for monthly weights ``w``: day
    ``t`` of calendar month ``m`` gets ``w[m] / days_in(m)``, normalised (uniform when
    every month of the span weighs 0)."""
    dates = np.datetime64(start, "D") + np.arange(days)
    month = dates.astype("datetime64[M]")
    days_in = ((month + 1).astype("datetime64[D]") - month.astype("datetime64[D]")).astype(float)
    weights = np.asarray(w, dtype=float) / float(np.sum(w))
    p = weights[month.astype(np.int64) % 12] / days_in
    total = p.sum()
    if total <= 0:
        return np.full(days, 1.0 / days)
    return p / total


@dataclass
class ExistingLoans:
    """Bank loans held with the main bank at launch, per firm.

    Attributes
    ----------
    holds
        Whether the firm holds one.
    amount
        Its amount (0 where none).
    first_maturity
        Its first maturity day (uniform over the loan term; -1 where none).
    renewal_firm, renewal_day
        One entry per renewal into the programme within the horizon: the firm and the
        maturity day, in order of day then firm.
    """

    holds: np.ndarray
    amount: np.ndarray
    first_maturity: np.ndarray
    renewal_firm: np.ndarray
    renewal_day: np.ndarray


def draw_existing_loans(
    scenario: Scenario, firms: Firms, eligible: np.ndarray, *, rng: np.random.Generator
) -> ExistingLoans:
    """Draw the existing loans and the maturity at which each renews into the programme.

    Parameters
    ----------
    scenario
        The scenario (``demand``, ``loan_pool.term_days``, ``horizon.days``).
    firms
        The population.
    eligible
        Whether each firm's tier at launch is eligible for the programme.
    rng
        The generator of existing loans (drawn for every firm, whatever its tier).
    """
    d = scenario.demand
    n, days, term = firms.n, scenario.horizon.days, scenario.loan_pool.term_days
    share = np.array([d.existing_share_of(t) for t in firms.tier_names], dtype=float)
    holds = rng.random(n) < share[firms.tier]
    u_first = rng.random(n)
    p_first = maturity_probabilities(scenario)
    if p_first is None:
        first = np.floor(u_first * term).astype(np.int64)
    else:
        first = np.minimum(np.searchsorted(np.cumsum(p_first), u_first, side="right"), term - 1)
    if d.existing_amount_revenue_ratio_median is None:
        median = d.amount_revenue_ratio_median
    else:
        median = np.array([d.existing_ratio_of(t) for t in firms.tier_names])[firms.tier]
    ratio = median * np.exp(d.amount_sigma * rng.standard_normal(n))
    amount = np.where(holds, firms.revenue * ratio, 0.0)
    # every maturity of an eligible holder within the horizon: m, m + term, m + 2 term, ...
    # (only the first when loans roll over: the renewed loan's own maturity follows)
    who = (holds & eligible & (first < days)).nonzero()[0]
    step = max(term, 1)
    count = (days - 1 - first[who]) // step + 1
    if d.rolls_over:
        count = np.minimum(count, 1)
    firm = np.repeat(who, count)
    nth = np.arange(firm.size) - np.repeat(np.cumsum(count) - count, count)
    day = first[firm] + nth * step
    # one draw per maturity, on the same stream whatever the renewal share
    renews = rng.random(firm.size) < (d.rollover_share if d.rolls_over else d.renewal_share)
    firm, day = firm[renews], day[renews]
    order = np.lexsort((firm, day))
    return ExistingLoans(
        holds=holds,
        amount=amount,
        first_maturity=np.where(holds, first, -1),
        renewal_firm=firm[order].astype(np.int64),
        renewal_day=day[order].astype(np.int64),
    )


def with_renewals(
    needs: Needs,
    existing: ExistingLoans,
    scenario: Scenario,
    *,
    rng: np.random.Generator,
) -> Needs:
    """``needs`` followed by one need per renewal into the programme (in day, firm order)."""
    firm, day = existing.renewal_firm, existing.renewal_day
    r = firm.size
    attempts = scenario.behaviour.max_attempts
    share = scenario.demand.no_principal_share
    no_principal = np.zeros(r, dtype=bool)
    if share > 0:
        no_principal = rng.random(r) < share
    draws = {
        "u_assist": rng.random(r, dtype=np.float32),
        "z_credit": rng.standard_normal((r, attempts), dtype=np.float32),
        "u_retry": rng.random((r, attempts), dtype=np.float32),
        "u_bank": rng.random((r, attempts), dtype=np.float32),
        "u_default": rng.random((r, attempts), dtype=np.float32),
    }
    return Needs(
        firm=np.concatenate([needs.firm, firm]),
        day=np.concatenate([needs.day, day]),
        amount=np.concatenate([needs.amount, existing.amount[firm]]),
        # a renewal always applies: the renewal draw was the decision
        u_apply=np.concatenate([needs.u_apply, np.zeros(r, dtype=np.float32)]),
        **{k: np.concatenate([getattr(needs, k), v]) for k, v in draws.items()},
        renewal=np.concatenate([needs.renewal, np.ones(r, dtype=bool)]),
        no_principal=np.concatenate([needs.no_principal, no_principal]),
    )
