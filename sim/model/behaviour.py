"""Behaviour: how firms learn of the measures, decide to apply, and retry after a refusal.

Public names: :func:`awareness_curves`, :func:`aware_day`, :func:`list_contact_days`,
:func:`apply_probability`, :func:`choose_retry_bank`.

Awareness is a Bass diffusion per zone (firms outside zones form one more group):
``dF = (p_eff + q F) (ceiling - F)``, where the outreach term ``p`` is delivered by the
service centres and so limited by their daily contacts. Each firm has a fixed random
threshold ``u``; it is aware from the first day its group's aware share reaches ``u``.
Because the curves do not depend on what firms do later, a firm's awareness day is
known once the curves are drawn, which keeps the daily work proportional to the day's
events rather than to the population.

Lists (``awareness.list_pushes``) reach firms apart from the diffusion: on a push day a
share of the eligible firms still unaware is listed, in random order, and the banks
call them at ``c = list_contacts_per_day / scale`` simulated firms a day, one queue for
all lists. The ``k``-th listed firm of a list whose calls start at ``t0`` (its day, or
when the previous list is done) is called on ``floor(t0 + (k + 1/2) / c)``: the midpoint
of the ``scale`` real calls it stands for, so call dates do not depend on the sample.
"""

from __future__ import annotations

import numpy as np

from ..scenario import Awareness, Behaviour

__all__ = [
    "awareness_curves",
    "aware_day",
    "head_start_thresholds",
    "prep_days_by_firm",
    "list_contact_days",
    "apply_probability",
    "choose_retry_bank",
]


def awareness_curves(
    group: np.ndarray, n_groups: int, days: int, params: Awareness, contacts_per_day: float
) -> np.ndarray:
    """Aware share of each group on each day.

    Parameters
    ----------
    group
        Group index of every firm (zones ``0..n_groups-2``, ``n_groups-1`` for none).
    n_groups
        Number of groups.
    days
        Horizon length.
    params
        Awareness parameters.
    contacts_per_day
        Outreach contacts per day of the measures that reach out to firms (in simulated
        firms; see :meth:`~sim.model.instruments.base.Instrument.outreach_contacts_per_day`).

    Returns
    -------
    numpy.ndarray
        Shape ``(days, n_groups)``, non-decreasing in time, within ``[0, ceiling]``.
    """
    size = np.bincount(group, minlength=n_groups).astype(float)
    ceiling = params.ceiling
    rate, peer = params.outreach_rate_day, params.peer_rate_day
    f = np.full(n_groups, min(params.initial_share, ceiling))
    out = np.empty((days, n_groups))
    # one day after the other (the outreach of a day depends on the gaps of all groups);
    # the arrays of a day are reused, so a day costs a dozen calls on small arrays:
    #   gap = max(ceiling - f, 0); want = rate x gap x size;
    #   f = min(ceiling, f + (outreach + peer x f) x gap)
    gap, want, step = np.empty(n_groups), np.empty(n_groups), np.empty(n_groups)
    for t in range(days):
        out[t] = f
        np.subtract(ceiling, f, out=gap)
        np.maximum(gap, 0.0, out=gap)
        np.multiply(rate, gap, out=want)
        want *= size
        total = want.sum()
        factor = 1.0 if total <= contacts_per_day or total == 0 else contacts_per_day / total
        outreach = rate * factor
        np.multiply(peer, f, out=step)
        np.add(outreach, step, out=step)
        step *= gap
        np.add(f, step, out=step)
        np.minimum(ceiling, step, out=f)
    return out


def head_start_thresholds(
    u: np.ndarray,
    group: np.ndarray,
    revenue: np.ndarray,
    holder: np.ndarray,
    size_odds_elasticity: float,
    customer_odds: float,
) -> np.ndarray:
    """Awareness thresholds reordered within each group so that larger firms and a
    bank's customers learn first (docs/model.md 7.2b).

    Each firm's threshold ``u`` is given the odds ratio ``r = (R / R_med) **
    size_odds_elasticity x customer_odds ** holder`` (``R_med``: the median revenue of
    the sample): its key is ``u / (u + (1 - u) r)``. Within each group the firms, sorted
    by key, take the group's thresholds in increasing order: every group keeps its
    thresholds, so as many of its firms are aware each day as before, and only which of
    them changes.
    """
    ratio = (revenue / np.median(revenue)) ** size_odds_elasticity
    ratio = ratio * np.where(holder, customer_odds, 1.0)
    key = u / (u + (1.0 - u) * ratio)
    out = np.empty_like(u)
    out[np.lexsort((key, group))] = u[np.lexsort((u, group))]
    return out


def prep_days_by_firm(
    prep_days: int, revenue: np.ndarray, holder: np.ndarray, elasticity: float, factor: float
) -> np.ndarray:
    """Days each firm takes to prepare an application alone (docs/model.md 7.4a):
    ``round(prep_days x (R / R_med) ** -elasticity x factor ** holder)``, at least 0."""
    days = prep_days * (revenue / np.median(revenue)) ** (-elasticity)
    days = days * np.where(holder, factor, 1.0)
    return np.maximum(np.rint(days), 0).astype(np.int64)


def aware_day(curves: np.ndarray, group: np.ndarray, u: np.ndarray) -> np.ndarray:
    """First day each firm is aware (``days`` if never within the horizon).

    Parameters
    ----------
    curves
        Output of :func:`awareness_curves`, shape ``(days, n_groups)``.
    group
        Group of each firm.
    u
        Awareness threshold of each firm in ``[0, 1)``.
    """
    days, n_groups = curves.shape
    # each group's curve shifted by 2*g and each threshold by 2*g of its group (the values
    # compared are those of one search over all groups laid end to end); u strictly below
    # F(t) counts as aware on day t, so the day is the count of F <= u
    shifted = curves.T + 2.0 * np.arange(n_groups)[:, None]
    q = u + 2.0 * group
    # one search per group over its firms (grouped by a radix sort): each search stays
    # within one short curve
    key = group.astype(np.int16) if n_groups <= np.iinfo(np.int16).max else group
    order = key.argsort(kind="stable")
    bounds = np.searchsorted(group[order], np.arange(n_groups + 1)).tolist()
    pos = np.empty(u.shape[0], dtype=np.int64)
    for g in range(n_groups):
        firms = order[bounds[g] : bounds[g + 1]]
        pos[firms] = shifted[g].searchsorted(q[firms], side="right")
    return np.minimum(pos, days).astype(np.int64)


def list_contact_days(
    aware: np.ndarray,
    listable: np.ndarray,
    params: Awareness,
    contacts_per_day: float | None,
    days: int,
    *,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Firms put on the lists pushed to banks, and the day each is called.

    Parameters
    ----------
    aware
        The day each firm is aware without the lists (``days`` if never).
    listable
        Whether each firm may be listed (eligible for the programme).
    params
        Awareness parameters (``list_pushes``).
    contacts_per_day
        Calls per day in simulated firms (None: every listed firm on its push day).
    days
        Horizon length.
    rng
        Generator of the lists (one draw per firm and list, whatever the firm).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Whether each firm was listed, and the day it is called (``days``: not within
        the horizon, or not listed).
    """
    n = aware.shape[0]
    listed = np.zeros(n, dtype=bool)
    called = np.full(n, days, dtype=np.int64)
    busy = 0.0
    # a loop over the few lists, each one vectorised over the firms
    for push in sorted(params.list_pushes, key=lambda p: p.day):
        u = rng.random(n)
        pick = (listable & ~listed & (aware > push.day) & (u < push.share)).nonzero()[0]
        pick = pick[u[pick].argsort(kind="stable")]
        listed[pick] = True
        if contacts_per_day is None:
            called[pick] = push.day
            continue
        start = max(float(push.day), busy)
        t = start + (np.arange(pick.size) + 0.5) / contacts_per_day
        called[pick] = np.minimum(np.floor(t), days).astype(np.int64)
        busy = start + pick.size / contacts_per_day
    return listed, called


def apply_probability(benefit: np.ndarray, employees: np.ndarray, params: Behaviour) -> np.ndarray:
    """Probability that an aware firm with a financing need applies.

    ``logit p = intercept + slope * log((benefit + 1) / (cost + 1)) + size_slope * log(employees / 50)``

    Parameters
    ----------
    benefit
        Expected benefit of the programme loan to the firm (currency units).
    employees
        Firm size.
    params
        Behaviour parameters.
    """
    x = (
        params.apply_intercept
        + params.apply_benefit_slope * np.log((benefit + 1.0) / (params.application_cost + 1.0))
        + params.apply_size_slope * np.log(np.maximum(employees, 1.0) / 50.0)
    )
    return 1.0 / (1.0 + np.exp(-x))


def choose_retry_bank(
    u: np.ndarray, current: np.ndarray, market_share: np.ndarray, open_: np.ndarray
) -> np.ndarray:
    """Pick another lender with quota left, weighted by market share (``-1`` if none).

    Parameters
    ----------
    u
        One uniform draw per firm, fixed in advance so that the choice is reproducible.
    current
        The lender that refused.
    market_share
        Lender market shares.
    open_
        Whether each lender still has quota.
    """
    w = np.where(open_, market_share, 0.0)
    out = np.full(u.shape[0], -1, dtype=np.int64)
    if u.size == 0:
        return out
    # exclude the lender that refused: per request, its weight is removed
    total = w.sum() - w[current]
    ok = total > 0
    cum = np.cumsum(w)
    target = u * total
    # shift the target past the excluded lender's slice
    start_cur = cum[current] - w[current]
    target = np.where(target >= start_cur, target + w[current], target)
    pick = np.searchsorted(cum, target, side="right")
    pick = np.minimum(pick, w.size - 1)
    out[ok] = pick[ok]
    return out
