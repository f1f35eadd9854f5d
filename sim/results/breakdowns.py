"""Breakdowns: who gets what, by district, by sector and by firm-size band.

Public names: :data:`BREAKDOWN_TABLES`, :data:`BREAKDOWN_COLUMNS`, :func:`breakdown`,
:func:`fiscal_by_firm`, :func:`size_band_labels`, :func:`breakdown_tables`.

Each table has one row per group of firms (a district, a sector, a revenue band) and the
columns of :data:`BREAKDOWN_COLUMNS`: the group's firms, applications, approved loans and
their amount, the new money among them (approved loans that renew no existing loan), the
savings of its firms, the fiscal cost attributed to them, and the two deadweight shares of
:mod:`sim.results.incidence` over the group's loans (missing where the group has no
subsidy or no guaranteed loan). Counts and amounts are scaled by ``population.scale``;
the rows of a table add up to the run's totals (firms, applications, approved loans and
amount, savings).

**Fiscal cost by firm.** The run knows each measure's fiscal cost
(:attr:`sim.results.RunResult.by_measure`), not each firm's. A measure's cost is
attributed to firms in proportion to what the measure saved each of them (its savings
categories); a measure that saves firms nothing directly (NPL compensation paid to
lenders) is attributed in proportion to each firm's approved loans. The groups' fiscal
costs then add up to the run's ``fiscal_cost_amount``, unless a measure with a cost has
neither savings nor loans to follow (none of the shipped scenarios).

**Groups.** A firm's district is its zone's (``population.zones.labels``) or, outside
zones, the one drawn for it (``population.districts``); ``none`` when it has none. Its
size band is read from its revenue at launch against ``population.size_bands``: band
``i`` holds revenues in ``[edge_(i-1), edge_i)``, the first from 0, the last open.

Every function is a pure function of the run's tables, tested on hand-built frames.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "BREAKDOWN_COLUMNS",
    "BREAKDOWN_TABLES",
    "breakdown",
    "breakdown_tables",
    "fiscal_by_firm",
    "size_band_labels",
]

#: Table name -> its group column.
BREAKDOWN_TABLES: dict[str, str] = {
    "by_district": "district",
    "by_sector": "sector",
    "by_size": "size_band",
}

#: The figures of every row, in order (after the group column).
BREAKDOWN_COLUMNS = (
    "firms_n",
    "applications_n",
    "approved_n",
    "approved_amount",
    "new_money_amount",
    "savings_amount",
    "fiscal_cost_amount",
    "deadweight_subsidy_share",
    "deadweight_guarantee_share",
)


def fiscal_by_firm(
    by_measure: pd.DataFrame,
    categories: Mapping[str, Sequence[str]],
    savings: pd.DataFrame,
    applications: pd.DataFrame,
    n_firms: int,
) -> np.ndarray:
    """Each measure's fiscal cost attributed to firms (units of ``by_measure``).

    Parameters
    ----------
    by_measure
        Rows ``measure, fiscal_cost_amount`` (:attr:`sim.results.RunResult.by_measure`).
    categories
        Measure (scenario section) -> its savings categories.
    savings
        The ``savings`` table (``firm``, ``category``, ``amount``).
    applications
        The ``applications`` table (``firm``, ``outcome``, ``amount``).
    n_firms
        Simulated firms.

    Returns
    -------
    numpy.ndarray
        One amount per firm.

    Examples
    --------
    >>> bm = pd.DataFrame({"measure": ["a", "b"], "fiscal_cost_amount": [10.0, 4.0]})
    >>> sv = pd.DataFrame({"firm": [0, 1], "category": ["x", "x"], "amount": [1.0, 3.0]})
    >>> apps = pd.DataFrame({"firm": [1], "outcome": ["approved"], "amount": [5.0]})
    >>> fiscal_by_firm(bm, {"a": ("x",), "b": ()}, sv, apps, 3).tolist()
    [2.5, 11.5, 0.0]
    """
    out = np.zeros(n_firms)
    ok = (applications["outcome"] == "approved").to_numpy()
    lent = np.bincount(
        applications["firm"].to_numpy(dtype=np.int64)[ok],
        weights=applications["amount"].to_numpy(dtype=float)[ok],
        minlength=n_firms,
    )
    firm = savings["firm"].to_numpy(dtype=np.int64)
    cat = pd.Categorical(savings["category"])
    codes = cat.codes
    amount = savings["amount"].to_numpy(dtype=float)
    for measure, cost in zip(by_measure["measure"], by_measure["fiscal_cost_amount"], strict=True):
        if cost == 0:
            continue
        wanted = [i for i, c in enumerate(cat.categories) if c in categories.get(measure, ())]
        mine = np.isin(codes, wanted)
        base = np.bincount(firm[mine], weights=amount[mine], minlength=n_firms)
        if base.sum() <= 0:
            base = lent
        if base.sum() > 0:
            out += cost * base / base.sum()
    return out


def breakdown(
    group: np.ndarray,
    names: Sequence[str],
    applications: pd.DataFrame,
    savings: pd.DataFrame,
    fiscal: np.ndarray,
    scale: float = 1.0,
) -> pd.DataFrame:
    """The figures of :data:`BREAKDOWN_COLUMNS` for each group of firms.

    Parameters
    ----------
    group
        The group of each simulated firm, an index into ``names``.
    names
        The groups, in the table's order (a group without firms keeps its row).
    applications
        The ``applications`` table (``firm``, ``outcome``, ``amount``, ``renewal``,
        ``additional``, ``interest_subsidy``, ``guarantee``).
    savings
        The ``savings`` table (``firm``, ``amount``).
    fiscal
        Fiscal cost per firm (:func:`fiscal_by_firm`), already scaled.
    scale
        Real firms per simulated firm: multiplies counts and amounts.

    Returns
    -------
    pandas.DataFrame
        Index: ``names``; columns :data:`BREAKDOWN_COLUMNS`.

    Examples
    --------
    >>> apps = pd.DataFrame({"firm": [0, 1], "outcome": ["approved", "refused_credit"],
    ...     "amount": [5.0, 2.0], "renewal": [False, False], "additional": [True, False],
    ...     "interest_subsidy": [1.0, 0.0], "guarantee": [0.0, 0.0]})
    >>> sv = pd.DataFrame({"firm": [0], "amount": [1.5]})
    >>> t = breakdown(np.array([0, 1]), ["a", "b"], apps, sv, np.array([1.0, 0.0]))
    >>> t["approved_amount"].tolist(), t["deadweight_subsidy_share"].tolist()
    ([5.0, 0.0], [0.0, nan])
    """
    k = len(names)
    group = np.asarray(group, dtype=np.int64)
    app_group = group[applications["firm"].to_numpy(dtype=np.int64)]
    ok = (applications["outcome"] == "approved").to_numpy()
    amount = applications["amount"].to_numpy(dtype=float)
    renewal = applications["renewal"].to_numpy(dtype=bool)
    additional = ok & applications["additional"].to_numpy(dtype=bool)
    subsidy = applications["interest_subsidy"].to_numpy(dtype=float)
    guaranteed = ok & (applications["guarantee"].to_numpy(dtype=float) > 0)

    def per_app(weights: np.ndarray) -> np.ndarray:
        return np.bincount(app_group, weights=weights, minlength=k)

    sv_group = group[savings["firm"].to_numpy(dtype=np.int64)]
    paid = per_app(np.where(ok, subsidy, 0.0))
    paid_additional = per_app(np.where(additional, subsidy, 0.0))
    n_guaranteed = per_app(guaranteed.astype(float))
    n_anyway = per_app((guaranteed & ~additional).astype(float))
    with np.errstate(divide="ignore", invalid="ignore"):
        sub_share = np.where(paid > 0, 1.0 - paid_additional / paid, np.nan)
        gua_share = np.where(n_guaranteed > 0, n_anyway / n_guaranteed, np.nan)
    table = pd.DataFrame(
        {
            "firms_n": np.bincount(group, minlength=k) * scale,
            "applications_n": np.bincount(app_group, minlength=k) * scale,
            "approved_n": per_app(ok.astype(float)) * scale,
            "approved_amount": per_app(np.where(ok, amount, 0.0)) * scale,
            "new_money_amount": per_app(np.where(ok & ~renewal, amount, 0.0)) * scale,
            "savings_amount": np.bincount(
                sv_group, weights=savings["amount"].to_numpy(dtype=float), minlength=k
            )
            * scale,
            "fiscal_cost_amount": np.bincount(group, weights=fiscal, minlength=k),
            "deadweight_subsidy_share": sub_share,
            "deadweight_guarantee_share": gua_share,
        },
        index=pd.Index(list(names)),
    )
    return table


def size_band_labels(edges: Sequence[float]) -> list[str]:
    """Labels of the revenue bands ``edges`` bound (``< 10 m``, ``10 m-50 m``, ``>= 200 m``).

    Examples
    --------
    >>> size_band_labels([1e7, 5e7])
    ['< 10 m', '10 m-50 m', '>= 50 m']
    """
    if not edges:
        return ["all"]
    e = [_short(x) for x in edges]
    return [f"< {e[0]}", *(f"{a}-{b}" for a, b in zip(e, e[1:], strict=False)), f">= {e[-1]}"]


def _short(x: float) -> str:
    for size, unit in ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if abs(x) >= size:
            return f"{x / size:g} {unit}"
    return f"{x:g}"


def _codes(column: pd.Series, names: list[str]) -> np.ndarray:
    """Index of each value of a column (categorical or text) in ``names``."""
    cat = column.cat if isinstance(column.dtype, pd.CategoricalDtype) else None
    if cat is not None and list(cat.categories) == names:
        return cat.codes.to_numpy(dtype=np.int64)
    return pd.Categorical(column.astype(str), categories=names).codes.astype(np.int64)


def breakdown_tables(
    firms: pd.DataFrame,
    applications: pd.DataFrame,
    savings: pd.DataFrame,
    fiscal: np.ndarray,
    *,
    districts: Sequence[str],
    sectors: Sequence[str],
    size_bands: Sequence[float],
    scale: float = 1.0,
) -> dict[str, pd.DataFrame]:
    """The tables of :data:`BREAKDOWN_TABLES` of a run.

    Parameters
    ----------
    firms
        The ``firms`` table (``district``, ``sector``, ``revenue``).
    applications, savings, fiscal, scale
        As in :func:`breakdown`.
    districts, sectors
        The scenario's districts and sectors, in its order (firms without a district are
        a last row ``none``, when there are any).
    size_bands
        Revenue edges of the size bands (``population.size_bands``).

    Returns
    -------
    dict
        Table name -> table (group column first; ``by_size`` adds ``revenue_min`` and
        ``revenue_max``, missing for the open end).
    """
    d_names = [*districts, "none"]
    d_group = _codes(firms["district"], d_names)
    if not (d_group == len(districts)).any() and districts:
        d_names.pop()  # every firm has a district: no row "none"
    s_names = list(sectors)
    s_group = _codes(firms["sector"], s_names)
    edges = np.asarray(size_bands, dtype=float)
    z_group = np.searchsorted(edges, firms["revenue"].to_numpy(dtype=float), side="right")
    labels = size_band_labels(list(edges))
    out: dict[str, pd.DataFrame] = {}
    for name, group, names in (
        ("by_district", d_group, d_names),
        ("by_sector", s_group, s_names),
        ("by_size", z_group, labels),
    ):
        table = breakdown(group, names, applications, savings, fiscal, scale)
        table.index.name = BREAKDOWN_TABLES[name]
        table = table.reset_index()
        if name == "by_size":
            low = np.concatenate([[0.0], edges])
            high = np.concatenate([edges, [np.nan]])
            table.insert(1, "revenue_min", low)
            table.insert(2, "revenue_max", high)
        out[name] = table
    return out
