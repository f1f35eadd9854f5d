"""Population: the synthetic table of firms, one row per firm, as numpy columns.

Public names: :class:`Firms`, :func:`make_population`, :data:`COST_CATEGORIES`.

Firms are never Python objects: each attribute is one numpy array over all firms.
:meth:`Firms.to_frame` gives the pandas view a notebook user wants.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..scenario import Scenario, zone_names
from ..scenario.firms_file import FirmsTable, read_firms_file
from .banks import LenderTable

__all__ = [
    "Firms",
    "make_population",
    "COST_CATEGORIES",
    "largest_remainder",
    "fastest_growing",
]

COST_CATEGORIES = ("rent", "electricity", "water", "internet")


@dataclass
class Firms:
    """Columns of the firm population (all arrays have length ``n``).

    Attributes
    ----------
    tier
        Tier index into ``tier_names`` (mutable: certification promotes firms).
    sector
        Sector index into ``sector_names``.
    zone
        Zone/cluster index into ``zone_names``; -1 when the firm is in none.
    revenue, employees, age_years
        Size and age. Revenue in currency units per year.
    pd_annual
        Annual probability of default.
    collateral_ratio
        Collateral the firm can pledge, as a share of a loan.
    main_bank
        Index of the firm's main lender.
    growth
        Annual revenue growth (used by certification and funds).
    costs
        Yearly running costs, shape ``(4, n)`` in the order of :data:`COST_CATEGORIES`.
    aware_u
        The firm's awareness threshold: it knows the measures once its zone's aware
        share reaches this value.
    ids
        The firms' ids from ``population.firms_file`` (text); None for drawn firms.
    district
        District index into ``district_names``; -1 when the firm has none. A firm in a
        zone has its zone's district (``population.zones.labels``); a firm outside zones
        is drawn into a district by ``population.districts.*.outside_share``. Labels only.
    launch_tier
        Tier index of each firm at launch (a copy of ``tier`` when the firms are made;
        certification does not change it).
    """

    tier: np.ndarray
    sector: np.ndarray
    zone: np.ndarray
    revenue: np.ndarray
    employees: np.ndarray
    age_years: np.ndarray
    pd_annual: np.ndarray
    collateral_ratio: np.ndarray
    main_bank: np.ndarray
    growth: np.ndarray
    costs: np.ndarray
    aware_u: np.ndarray
    tier_names: tuple[str, ...]
    sector_names: tuple[str, ...]
    zone_names: tuple[str, ...]
    ids: np.ndarray | None = None
    district: np.ndarray | None = None
    district_names: tuple[str, ...] = ()
    launch_tier: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.launch_tier = self.tier.copy()
        if self.district is None:
            self.district = np.full(self.tier.shape[0], -1, dtype=np.int32)

    @property
    def n(self) -> int:
        """Number of firms."""
        return int(self.tier.shape[0])

    def to_frame(self, lenders: LenderTable | None = None) -> pd.DataFrame:
        """The population as a DataFrame, one row per firm (index ``firm``)."""
        # names are picked from a short array of text by code (zone -1 is the last: none)
        zones = pd.array([*self.zone_names, "none"], dtype="str")
        df = pd.DataFrame(
            {
                **({} if self.ids is None else {"id": pd.array(self.ids, dtype="str")}),
                "tier": pd.Categorical.from_codes(self.tier, list(self.tier_names)),
                "sector": pd.Categorical.from_codes(self.sector, list(self.sector_names)),
                "zone": zones.take(self.zone),
                "district": pd.Categorical.from_codes(
                    np.where(self.district >= 0, self.district, len(self.district_names)),
                    [*self.district_names, "none"],
                ),
                "revenue": self.revenue,
                "employees": self.employees,
                "age_years": self.age_years,
                "pd_annual": self.pd_annual,
                "collateral_ratio": self.collateral_ratio,
                "main_bank": (
                    pd.array(list(lenders.names), dtype="str").take(self.main_bank)
                    if lenders is not None
                    else self.main_bank
                ),
                "growth": self.growth,
                **{f"cost_{c}": self.costs[i] for i, c in enumerate(COST_CATEGORIES)},
            }
        )
        df.index.name = "firm"
        return df


def largest_remainder(shares: np.ndarray, n: int) -> np.ndarray:
    """Split ``n`` into integer counts proportional to ``shares`` (Hamilton's method)."""
    shares = np.asarray(shares, dtype=float)
    shares = shares / shares.sum()
    raw = shares * n
    counts = np.floor(raw).astype(np.int64)
    short = n - counts.sum()
    if short > 0:
        counts[np.argsort(-(raw - counts), kind="stable")[:short]] += 1
    return counts


def fastest_growing(growth: np.ndarray, cand: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` candidates with the highest growth, fastest first.

    Equal growth keeps the lower firm index first, exactly as
    ``cand[np.argsort(-growth[cand], kind="stable")[:k]]``, but only the candidates at
    or above the ``k``-th highest growth are sorted, not all of them.

    Parameters
    ----------
    growth
        Growth of every firm.
    cand
        Indices of the candidate firms, ascending.
    k
        How many to pick.

    Returns
    -------
    numpy.ndarray
        Up to ``k`` firm indices.
    """
    key = -growth[cand]
    if k <= 0:
        return cand[:0]
    if k < cand.size:
        kth = np.partition(key, k - 1)[k - 1]
        sel = np.flatnonzero(key <= kth)
        return cand[sel[np.argsort(key[sel], kind="stable")[:k]]]
    return cand[np.argsort(key, kind="stable")]


def _logit(p: np.ndarray | float) -> np.ndarray:
    p = np.asarray(p, dtype=float)
    return np.log(p) - np.log1p(-p)


def _given(table: FirmsTable | None, attr: str, drawn: np.ndarray) -> np.ndarray:
    """``drawn`` with the cells the firms file gives for ``attr`` put in (same dtype)."""
    if table is None or attr not in table.given:
        return drawn
    values, mask = table.given[attr]
    return np.where(mask, values, drawn).astype(drawn.dtype, copy=False)


def make_population(scenario: Scenario, lenders: LenderTable, *, rng: np.random.Generator) -> Firms:
    """Draw the firm population of a scenario, or complete the firms of its firms file.

    Parameters
    ----------
    scenario
        The validated scenario (its ``population`` section is used).
    lenders
        The lenders, whose market shares assign each firm a main bank.
    rng
        Random generator dedicated to the population.

    Returns
    -------
    Firms
        Column arrays over ``scenario.population.firms_n`` firms.

    With ``population.firms_file`` the firms and their tiers are the file's, in its
    order; every attribute is drawn as for a synthetic firm of its tier, with the same
    draws in the same order, and the cells the file gives replace the drawn values
    before anything derived from them is drawn (employees and the probability of default
    from revenue and age, running costs from employees).

    Notes
    -----
    Tier counts are exact (largest remainder), so the baseline has exactly its 900
    little giants. Probability of default is logistic in size, age and tier:
    ``logit(pd) = logit(pd_median[tier]) - 0.3 log(rev/rev_median) - 0.2 log(age/age_median)
    + pd_sigma z``.
    """
    pop = scenario.population
    table = read_firms_file(pop.firms_file, scenario) if pop.firms_file is not None else None
    n = pop.firms_n if table is None else table.n
    tier_names = tuple(pop.tiers)
    tiers = [pop.tiers[t] for t in tier_names]
    counts = largest_remainder(np.array([t.share for t in tiers]), n)
    tier = rng.permutation(np.repeat(np.arange(len(tiers), dtype=np.int16), counts))
    if table is not None:
        tier = table.tier.copy()  # the draw above is still made: the streams stay aligned

    def per_tier(attr: str) -> np.ndarray:
        return np.array([getattr(t, attr) for t in tiers], dtype=float)[tier]

    sector_names = tuple(pop.sectors)
    sector = rng.choice(
        len(sector_names),
        size=n,
        p=np.array(list(pop.sectors.values())) / sum(pop.sectors.values()),
    ).astype(np.int16)
    sector = _given(table, "sector", sector)

    rev_median = per_tier("revenue_median")
    z_rev = rng.standard_normal(n)
    revenue = _given(table, "revenue", rev_median * np.exp(per_tier("revenue_sigma") * z_rev))
    employees = np.maximum(
        1.0,
        np.round(revenue / per_tier("revenue_per_employee") * np.exp(0.3 * rng.standard_normal(n))),
    )
    employees = _given(table, "employees", employees)
    age_median = per_tier("age_median_years")
    age = _given(table, "age_years", age_median * np.exp(0.5 * rng.standard_normal(n)))
    logit_pd = (
        _logit(per_tier("pd_annual_median"))
        - 0.3 * np.log(revenue / rev_median)
        - 0.2 * np.log(age / age_median)
        + per_tier("pd_sigma") * rng.standard_normal(n)
    )
    pd_annual = _given(table, "pd_annual", 1.0 / (1.0 + np.exp(-logit_pd)))
    if scenario.population.pd_scale != 1.0:
        pd_annual = np.minimum(pd_annual * scenario.population.pd_scale, 0.999)

    mean_coll = per_tier("collateral_ratio_mean")
    conc = 4.0
    a = np.maximum(mean_coll * conc, 1e-9)
    b = np.maximum((1 - mean_coll) * conc, 1e-9)
    collateral = np.where(mean_coll <= 0, 0.0, np.where(mean_coll >= 1, 1.0, rng.beta(a, b)))
    collateral = _given(table, "collateral_ratio", collateral)

    zn = zone_names(pop.zones)
    zone = np.full(n, -1, dtype=np.int32)
    if zn:
        weights = rng.dirichlet(np.full(len(zn), pop.zones.size_concentration))
        located = rng.random(n) < per_tier("in_zone_share")
        zone[located] = rng.choice(len(zn), size=int(located.sum()), p=weights)
    zone = _given(table, "zone", zone)

    main_bank = rng.choice(lenders.n, size=n, p=lenders.market_share / lenders.market_share.sum())
    main_bank = _given(table, "main_bank", main_bank.astype(np.int32))
    growth = per_tier("growth_mean") + per_tier("growth_sd") * rng.standard_normal(n)
    growth = _given(table, "growth", growth)

    rc = pop.running_costs
    spread = rng.standard_normal((4, n))
    spread *= 0.3
    np.exp(spread, out=spread)
    costs = np.empty((4, n))
    costs[0] = employees * rc.floor_m2_per_employee * rc.rent_per_m2_day * 365.0
    costs[1] = employees * rc.electricity_kwh_per_employee_year * rc.electricity_per_kwh
    costs[2] = employees * rc.water_m3_per_employee_year * rc.water_per_m3
    costs[3] = np.full(n, rc.internet_per_month * 12.0)
    costs *= spread
    for i, c in enumerate(COST_CATEGORIES):
        costs[i] = _given(table, f"cost_{c}", costs[i])
    aware_u = rng.random(n)
    district_names, district = _districts(scenario, zone, zn, rng=rng)
    return Firms(
        tier=tier,
        sector=sector,
        zone=zone,
        revenue=revenue,
        employees=employees,
        age_years=age,
        pd_annual=pd_annual,
        collateral_ratio=collateral,
        main_bank=main_bank,
        growth=growth,
        costs=costs,
        aware_u=aware_u,
        tier_names=tier_names,
        sector_names=sector_names,
        zone_names=tuple(zn),
        ids=None if table is None else table.ids,
        district=district,
        district_names=district_names,
    )


def _districts(
    scenario: Scenario, zone: np.ndarray, zn: list[str], *, rng: np.random.Generator
) -> tuple[tuple[str, ...], np.ndarray]:
    """Each firm's district: its zone's, else drawn by the districts' shares of the firms
    outside zones (the draw comes after every other draw of the population, and only when
    a share is set, so scenarios without districts draw as before)."""
    pop = scenario.population
    names = tuple(pop.districts)
    index = {d: i for i, d in enumerate(names)}
    labels = pop.zones.labels
    of_zone = np.array(
        [index.get(labels[c].district, -1) if c in labels else -1 for c in zn] + [-1],
        dtype=np.int32,
    )
    district = of_zone[zone]  # zone -1 (none) takes the last entry: no district
    shares = np.array([d.outside_share for d in pop.districts.values()])
    outside = zone < 0
    if shares.sum() > 0 and outside.any():
        district[outside] = rng.choice(len(names), size=int(outside.sum()), p=shares / shares.sum())
    return names, district
