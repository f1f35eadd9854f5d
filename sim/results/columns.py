"""Columns: the meaning and unit of every column of every table smesim writes.

The one dictionary of the result tables of a run (``applications``, ``timeseries``,
``quotas``, ``levels``, ``savings``, ``needs``, ``firms``, ``by_district``,
``by_sector``, ``by_size``), of an experiment
(``replications``, ``summary``, ``comparison``, ``points``, ``fan``, ``exhaustion``) and
of the headline figures of ``summary.json``. It is written beside the tables
(``tables/columns.csv``, the ``columns`` sheet of ``tables.xlsx``) and decides how a
column is rounded in CSV and shown in the workbook. ``tests/test_columns.py`` checks that
every column every table has is described here, so the dictionary cannot drift.

Public names: :func:`describe`, :func:`column_unit`, :func:`column_units`,
:func:`figure_unit`, :func:`column_dictionary`, :func:`round_for_csv`,
:data:`FIGURES`, :data:`UNITS`, :data:`LANGUAGES`, :data:`MEANINGS`, :data:`UNIT_TEXTS`,
:func:`measure_column`.

A figure or column a measure adds is described by the measure itself (its ``units`` and
``texts``: :class:`sim.model.instruments.Instrument`), found by :func:`measure_column`.

Units live here; the texts (meanings, unit names) by language in the catalogue
:mod:`sim.texts` (sections ``column`` and ``unit`` of ``sim/texts/en.yaml`` and
``zh.yaml``); :data:`MEANINGS` and :data:`UNIT_TEXTS` are read-only views of them by
language. Keys of the ``column`` section: a headline figure (``disbursed_amount``),
``table.column``, ``*.column`` (that column in any table) and ``template:...``
(generated columns; fields in braces). A measure adds the meanings of its columns with
:func:`sim.texts.register_texts` (keys ``column.<name>``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .. import texts

__all__ = [
    "FIGURES",
    "LANGUAGES",
    "MEANINGS",
    "UNITS",
    "UNIT_TEXTS",
    "column_dictionary",
    "column_unit",
    "column_units",
    "describe",
    "figure_unit",
    "measure_column",
    "round_for_csv",
]

#: Unit codes. ``by_metric`` / ``by_series``: each row has the unit of the figure named
#: in its ``metric`` / ``series`` column; ``lever``: the unit of a scenario field.
UNITS = (
    "money",
    "share",
    "ratio",
    "count",
    "day",
    "date",
    "years",
    "number",
    "text",
    "flag",
    "id",
    "by_metric",
    "by_series",
    "lever",
)

#: Headline figures (keys of ``summary.json``, extra keys of experiments, daily series of
#: fan charts): unit.
FIGURES: dict[str, str] = {
    "scenario": "text",
    "currency": "text",
    "scale": "ratio",
    "horizon_days": "count",
    "firms_n": "count",
    "simulated_firms_n": "count",
    "eligible_firms_n": "count",
    "needs_n": "count",
    "applications_n": "count",
    "approved_n": "count",
    "pending_n": "count",
    "borrower_firms_n": "count",
    "uptake_rate": "share",
    "approval_rate": "share",
    "refused_credit_n": "count",
    "refused_quota_n": "count",
    "refused_guarantee_n": "count",
    "refused_firm_limit_n": "count",
    "declined_needs_n": "count",
    "unaware_needs_n": "count",
    "disbursed_amount": "money",
    "avg_loan_amount": "money",
    "credit_loans_amount": "money",
    "unmet_demand_amount": "money",
    "pool_used_share": "share",
    "pool_exhausted_day": "day",
    "bank_quotas_n": "count",
    "bank_quotas_exhausted_n": "count",
    "first_bank_quota_exhausted_day": "day",
    "credit_sub_quota_exhausted_day": "day",
    "guarantee_exhausted_day": "day",
    "guarantee_capital_exhausted_day": "day",
    "zone_budgets_n": "count",
    "zone_budgets_exhausted_n": "count",
    "awards_budget_exhausted_day": "day",
    "funds_exhausted_day": "day",
    "guaranteed_amount": "money",
    "guaranteed_loans_n": "count",
    "avg_guaranteed_loan_amount": "money",
    "defaults_n": "count",
    "claims_paid_amount": "money",
    "relief_paid_amount": "money",
    "awards_paid_amount": "money",
    "firms_promoted_n": "count",
    "funds_invested_amount": "money",
    "interest_savings_amount": "money",
    "interest_subsidy_amount": "money",
    "guarantee_fee_savings_amount": "money",
    "savings_total_amount": "money",
    "fiscal_cost_amount": "money",
    # money over time (sim/results/money_over_time.py)
    "interest_saving_in_horizon_amount": "money",
    "interest_saving_committed_amount": "money",
    "subsidy_in_horizon_amount": "money",
    "subsidy_committed_amount": "money",
    "access_value_in_horizon_amount": "money",
    "access_value_committed_amount": "money",
    "savings_total_in_horizon_amount": "money",
    "savings_total_committed_amount": "money",
    "savings_total_pv_amount": "money",
    "fiscal_cost_in_horizon_amount": "money",
    "fiscal_cost_committed_amount": "money",
    "fiscal_cost_pv_amount": "money",
    "subsidy_paid_amount": "money",
    "subsidy_unpaid_amount": "money",
    "subsidy_unpaid_committed_amount": "money",
    "subsidy_unpaid_firms_n": "count",
    "subsidy_budget_exhausted_day": "day",
    "additional_loans_n": "count",
    "additional_loans_amount": "money",
    "additionality_share": "share",
    "market_rate_avg": "share",
    "programme_rate_avg": "share",
    # who gets what (sim/results/incidence.py)
    "deadweight_subsidy_share": "share",
    "deadweight_guarantee_share": "share",
    "fiscal_cost_per_additional_loan": "money",
    "fiscal_cost_per_additional_yuan": "ratio",
    "savings_top10_share": "share",
    "savings_gini": "ratio",
    # how the programme's lending splits (sim/results/demand_figures.py)
    "programme_new_amount": "money",
    "programme_new_n": "count",
    "programme_renewal_amount": "money",
    "programme_renewal_n": "count",
    "programme_no_principal_amount": "money",
    "programme_no_principal_n": "count",
    "programme_additional_amount": "money",
    "programme_additional_n": "count",
    "pool_target_new_amount": "money",
    "credit_type_loans_amount": "money",
    "guaranteed_type_loans_amount": "money",
    "secured_type_loans_amount": "money",
    "claims_committed_amount": "money",
    "claims_committed_n": "count",
    # optional measures (present only when their section is)
    "npl_compensation_paid_amount": "money",
    # existing loans, renewals and lists (present only when the scenario has them)
    "existing_loan_share": "share",
    "renewals_n": "count",
    "renewals_approved_n": "count",
    "renewals_amount": "money",
    "loan_holding_share": "share",
    "loan_stock_start_amount": "money",
    "loan_holder_share_start": "share",
    "listed_firms_n": "count",
    "list_called_n": "count",
    # account kinds (present only when the scenario names a kind: sim.results.kinds)
    "pool_kind": "text",
    "bank_quota_kind": "text",
    "credit_sub_quota_kind": "text",
    "guarantee_kind": "text",
    "pool_target_reached_day": "day",
    "pool_overshoot_amount": "money",
    "bank_quota_targets_reached_n": "count",
    "first_bank_quota_target_reached_day": "day",
    "credit_sub_quota_target_reached_day": "day",
    "credit_sub_quota_overshoot_amount": "money",
    "guarantee_target_reached_day": "day",
    "guarantee_overshoot_amount": "money",
    "partial_grants_n": "count",
    "guarantee_fee_subsidy_amount": "money",
    "guarantee_claim_rate": "share",
    "guaranteed_approvable_loans_n": "count",
    "guarantee_lenders_suspended_n": "count",
    "guarantee_first_suspension_day": "day",
    "relief_claim_amount": "money",
    "relief_tariff_cut_amount": "money",
    "relief_tariff_cut_landlords_amount": "money",
    "relief_tariff_cut_utilities_amount": "money",
    "relief_tariff_cut_carriers_amount": "money",
    # experiments
    "first_zone_budget_exhausted_day": "day",
    "replications": "count",
    "seed": "id",
    # daily series of fan charts
    "applications_cum": "count",
    "approved_cum": "count",
    "disbursed_cum": "money",
    "guaranteed_cum": "money",
    "pool_remaining": "money",
    "credit_sub_quota_remaining": "money",
    "guarantee_remaining": "money",
}

# Units of table columns: "table.column", or "*.column" for that column in any table.
_COLUMN_UNITS: dict[str, str] = {
    # shared
    "*.firm": "id",
    "*.tier": "text",
    "*.zone": "text",
    "*.day": "day",
    "*.date": "date",
    "*.point": "id",
    "*.variant": "text",
    "*.replication": "id",
    "*.seed": "id",
    # table-specific meanings of shared columns
    "firms.tier": "text",
    "applications.tier": "text",
    "savings.tier": "text",
    "needs.tier": "text",
    "comparison.variant": "text",
    # firms
    "firms.sector": "text",
    "firms.district": "text",
    # who gets what: by_district, by_sector, by_size (sim.results.breakdowns)
    "by_district.district": "text",
    "by_sector.sector": "text",
    "by_size.size_band": "text",
    "by_size.revenue_min": "money",
    "by_size.revenue_max": "money",
    "*.firms_n": "count",
    "*.applications_n": "count",
    "*.approved_n": "count",
    "*.approved_amount": "money",
    "*.new_money_amount": "money",
    "*.savings_amount": "money",
    "*.fiscal_cost_amount": "money",
    "*.deadweight_subsidy_share": "share",
    "*.deadweight_guarantee_share": "share",
    "firms.revenue": "money",
    "firms.employees": "count",
    "firms.age_years": "years",
    "firms.pd_annual": "share",
    "firms.collateral_ratio": "share",
    "firms.main_bank": "text",
    "firms.growth": "share",
    "firms.cost_rent": "money",
    "firms.cost_electricity": "money",
    "firms.cost_water": "money",
    "firms.cost_internet": "money",
    "firms.existing_loan": "flag",
    "firms.listed": "flag",
    # applications
    "applications.application": "id",
    "applications.need": "id",
    "applications.bank": "text",
    "applications.attempt": "count",
    "applications.submit_day": "day",
    "applications.decision_day": "day",
    "applications.end_day": "day",
    "applications.amount": "money",
    "applications.outcome": "text",
    "applications.guarantee": "money",
    "applications.credit_loan": "flag",
    "applications.retried": "flag",
    "applications.defaulted": "flag",
    "applications.claim": "money",
    "applications.interest_saving": "money",
    "applications.interest_subsidy": "money",
    "applications.guarantee_fee_saving": "money",
    "applications.renewal": "flag",
    "applications.additional": "flag",
    "applications.no_principal": "flag",
    "applications.loan_type": "text",
    "applications.rate": "share",
    "applications.subsidy_paid": "money",
    "applications.subsidy_unpaid": "money",
    # timeseries
    "timeseries.needs_due": "count",
    "timeseries.declined_n": "count",
    "timeseries.applications_n": "count",
    "timeseries.approved_n": "count",
    "timeseries.refused_credit_n": "count",
    "timeseries.refused_quota_n": "count",
    "timeseries.refused_guarantee_n": "count",
    "timeseries.disbursed_amount": "money",
    "timeseries.guaranteed_amount": "money",
    "timeseries.relief_paid_amount": "money",
    "timeseries.awards_paid_amount": "money",
    "timeseries.funds_invested_amount": "money",
    "timeseries.defaults_n": "count",
    "timeseries.claims_paid_amount": "money",
    "timeseries.aware_share": "share",
    "timeseries.review_capacity_n": "count",
    "timeseries.npl_compensation_paid_amount": "money",
    "timeseries.subsidy_paid_amount": "money",
    "timeseries.subsidy_unpaid_amount": "money",
    "timeseries.interest_saving_accrued_amount": "money",
    "timeseries.subsidy_accrued_amount": "money",
    "timeseries.savings_accrued_amount": "money",
    "timeseries.relief_tariff_cut_amount": "money",
    # quotas
    "quotas.account": "text",
    "quotas.kind": "text",
    "quotas.group": "text",
    "quotas.initial": "money",
    "quotas.drawn": "money",
    "quotas.released": "money",
    "quotas.transferred_in": "money",
    "quotas.transferred_out": "money",
    "quotas.remaining": "money",
    "quotas.draws_n": "count",
    "quotas.refused_n": "count",
    "quotas.unmet_demand": "money",
    "quotas.exhausted_on": "day",
    "quotas.used_share": "share",
    "quotas.exhausted_date": "date",
    "quotas.account_kind": "text",
    "quotas.reached_on": "day",
    "quotas.reached_date": "date",
    "quotas.overshoot": "money",
    "quotas.guarantee_suspended_day": "day",
    # savings
    "savings.category": "text",
    "savings.amount": "money",
    # needs
    "needs.applied": "count",
    "needs.declined": "count",
    "needs.unaware": "count",
    "needs.ineligible": "count",
    "needs.too_small": "count",
    "needs.over_limit": "count",
    "needs.not_due": "count",
    # experiment: summary (statistics over replications)
    "summary.metric": "text",
    "summary.mean": "by_metric",
    "summary.p05": "by_metric",
    "summary.median": "by_metric",
    "summary.p95": "by_metric",
    "summary.std": "by_metric",
    "summary.n": "count",
    "summary.share": "share",
    # experiment: comparison
    "comparison.metric": "text",
    "comparison.base_mean": "by_metric",
    "comparison.variant_mean": "by_metric",
    "comparison.diff_mean": "by_metric",
    "comparison.diff_p05": "by_metric",
    "comparison.diff_p95": "by_metric",
    "comparison.ci_low": "by_metric",
    "comparison.ci_high": "by_metric",
    "comparison.rel_diff": "ratio",
    "comparison.n_pairs": "count",
    # experiment: fan
    "fan.series": "text",
    "fan.mean": "by_series",
    "fan.p05": "by_series",
    "fan.median": "by_series",
    "fan.p95": "by_series",
    # experiment: exhaustion, the columns of accounts that are targets (the others: a template)
    "exhaustion.loan pool target": "share",
    "exhaustion.first lender quota target": "share",
    "exhaustion.credit sub-quota target": "share",
    "exhaustion.guarantee capacity target": "share",
}

#: Languages of the dictionary's texts.
LANGUAGES: tuple[str, ...] = texts.LANGUAGES

#: Meanings by language: key (figure, ``table.column``, ``*.column``, ``template:...``)
#: -> text (the catalogue's section ``column``).
MEANINGS: Mapping[str, Mapping[str, str]] = texts.table("column")

#: Unit texts by language; ``{currency}`` is replaced by the scenario's currency (the
#: catalogue's section ``unit``).
UNIT_TEXTS: Mapping[str, Mapping[str, str]] = texts.table("unit")

_POINT_STATS = ("mean", "p05", "p95")
_TEMPLATE_TABLES = {"levels": "level", "exhaustion": "exhaustion"}


def _texts(lang: str) -> Mapping[str, str]:
    return texts.section("column", lang)


def measure_column(name: str, lang: str = "en") -> tuple[str, str] | None:
    """``(unit, meaning)`` of a summary key or column a registered measure declares (its
    :attr:`~sim.model.instruments.Instrument.units` and ``texts``), or None."""
    from ..model.instruments import measure_units

    unit = measure_units().get(name)
    if unit is None:
        return None
    return unit, texts.section("column", lang).get(name) or ""


def figure_unit(name: str) -> str:
    """Unit code of a headline figure or daily series (``"number"`` if unknown)."""
    if name in FIGURES:
        return FIGURES[name]
    declared = measure_column(name)
    return "number" if declared is None else declared[0]


def _resolve(table: str, column: str, levers: Sequence[str]) -> tuple[str, str, dict[str, str]]:
    """(unit, text key, template fields) of a column; KeyError if it is not described."""
    key = f"{table}.{column}"
    if key in _COLUMN_UNITS:
        return _COLUMN_UNITS[key], key, {}
    if column in levers:
        return "lever", "template:lever", {"column": column}
    if table == "replications" and column in FIGURES:
        return FIGURES[column], column, {}
    if table == "points":
        figure, _, stat = column.rpartition("_")
        unit = FIGURES.get(figure) or (measure_column(figure) or (None,))[0]
        if stat in _POINT_STATS and unit is not None:
            return unit, "template:points", {"figure": figure, "stat": stat}
    if f"*.{column}" in _COLUMN_UNITS:
        return _COLUMN_UNITS[f"*.{column}"], f"*.{column}", {}
    if table in _TEMPLATE_TABLES:
        unit = "money" if table == "levels" else "share"
        return unit, f"template:{_TEMPLATE_TABLES[table]}", {"column": column}
    declared = measure_column(column)
    if declared is not None:
        return declared[0], f"measure:{column}", {}
    raise KeyError(f"column {column!r} of table {table!r} is not described in sim.results.columns")


def column_unit(table: str, column: str, *, levers: Sequence[str] = ()) -> str:
    """Unit code (one of :data:`UNITS`) of a column of a table.

    Parameters
    ----------
    table
        Table name (``applications``, ``replications``, ...).
    column
        Column name.
    levers
        Columns that are sweep levers (scenario paths).

    Raises
    ------
    KeyError
        If the column is not described.
    """
    return _resolve(table, column, levers)[0]


def describe(
    table: str,
    column: str,
    *,
    lang: str = "en",
    currency: str = "CNY",
    levers: Sequence[str] = (),
) -> tuple[str, str]:
    """Meaning and unit text of a column of a table.

    Parameters
    ----------
    table
        Table name; ``"summary.json"`` for a headline figure.
    column
        Column name (or figure name).
    lang
        Language of the texts (one of :data:`LANGUAGES`).
    currency
        Currency shown as the unit of amounts.
    levers
        Columns that are sweep levers.

    Returns
    -------
    (str, str)
        The meaning and the unit.

    Raises
    ------
    KeyError
        If the column is not described.

    Examples
    --------
    >>> describe("applications", "amount")
    ('Amount asked (and lent if approved).', 'CNY')
    """
    meanings = _texts(lang)
    units = texts.section("unit", lang)
    if table == "summary.json":
        if column in FIGURES:
            unit, key, fields = FIGURES[column], column, {}
        elif measure_column(column) is not None:
            unit, key, fields = measure_column(column)[0], f"measure:{column}", {}  # type: ignore[index]
        else:
            raise KeyError(f"figure {column!r} is not described in sim.results.columns")
    else:
        unit, key, fields = _resolve(table, column, levers)
    if key.startswith("measure:"):
        meaning = measure_column(column, lang)[1]  # type: ignore[index]
        return meaning, units[unit].format(currency=currency)
    if key == "template:points":
        fields = {
            "figure": fields["figure"],
            "stat": meanings[f"template:stat:{fields['stat']}"],
            "meaning": meanings[fields["figure"]],
        }
    meaning = meanings[key].format(**fields)
    return meaning, units[unit].format(currency=currency)


def column_dictionary(
    tables: Mapping[str, pd.DataFrame],
    *,
    lang: str = "en",
    currency: str = "CNY",
    levers: Sequence[str] = (),
    strict: bool = False,
) -> pd.DataFrame:
    """The dictionary of the columns of some tables: ``table, column, meaning, unit``.

    Parameters
    ----------
    tables
        Table name -> the table as written (index reset).
    lang, currency, levers
        As in :func:`describe`.
    strict
        Raise :class:`KeyError` for a column that is not described (else its meaning is
        left empty and its unit is ``number``).

    Returns
    -------
    pandas.DataFrame
        One row per column of every table, in table and column order.
    """
    rows = []
    for name, df in tables.items():
        for col in df.columns:
            try:
                meaning, unit = describe(
                    name, str(col), lang=lang, currency=currency, levers=levers
                )
            except KeyError:
                if strict:
                    raise
                meaning, unit = "", texts.section("unit", lang)["number"]
            rows.append({"table": name, "column": str(col), "meaning": meaning, "unit": unit})
    return pd.DataFrame(rows, columns=["table", "column", "meaning", "unit"])


def column_units(
    table: str, df: pd.DataFrame, *, levers: Sequence[str] = ()
) -> dict[str, str | np.ndarray]:
    """Unit code of every column of a table; an array of codes (one per row) for the
    columns whose unit is that of the row's ``metric`` or ``series``.

    Undescribed columns get ``"number"``.
    """
    out: dict[str, str | np.ndarray] = {}
    for col in df.columns:
        try:
            unit = column_unit(table, str(col), levers=levers)
        except KeyError:
            unit = "number"
        if unit in ("by_metric", "by_series"):
            names = df["metric" if unit == "by_metric" else "series"].astype(str)
            codes = {n: figure_unit(n) for n in pd.unique(names)}
            out[str(col)] = names.map(codes).to_numpy(dtype=object)
        else:
            out[str(col)] = unit
    return out


#: Significant digits of shares and ratios in CSV; decimals of other numbers.
SHARE_DIGITS = 6
MONEY_DECIMALS = 2


def _round_decimals(v: np.ndarray, decimals: int) -> np.ndarray:
    # rint(v * 10^d) / 10^d is the double nearest to the decimal, so repr prints it exactly
    p = 10.0**decimals
    big = ~(np.abs(v) < 2.0**52 / p)  # already whole (and NaN): left as they are
    with np.errstate(over="ignore", invalid="ignore"):
        return np.where(big, v, np.rint(v * p) / p)


def _round_significant(v: np.ndarray, digits: int) -> np.ndarray:
    out = v.astype(float, copy=True)
    ok = np.isfinite(out) & (out != 0)
    if not ok.any():
        return out
    x = out[ok]
    m = (digits - 1 - np.floor(np.log10(np.abs(x)))).astype(int)
    m = np.clip(m, -300, 300)
    up = m >= 0
    r = np.empty_like(x)
    p = 10.0 ** m[up]
    r[up] = np.rint(x[up] * p) / p  # divide by an exact power of ten: the nearest double
    q = 10.0 ** (-m[~up])
    r[~up] = np.rint(x[~up] / q) * q
    out[ok] = r
    return out


def _round_values(v: np.ndarray, unit: str) -> np.ndarray:
    if unit in ("share", "ratio"):
        return _round_significant(v, SHARE_DIGITS)
    if unit == "lever":
        return v
    return _round_decimals(v, MONEY_DECIMALS)


def round_for_csv(table: str, df: pd.DataFrame, *, levers: Iterable[str] = ()) -> pd.DataFrame:
    """A copy of a table with its floating-point columns rounded for CSV.

    Amounts, counts, days and years to 2 decimals (whole numbers stay whole), shares and
    ratios to 6 significant digits, sweep lever values as they are. Columns whose unit is
    that of the row's figure are rounded row by row. Other columns are untouched; the
    library's own tables keep full precision.

    Parameters
    ----------
    table
        Table name.
    df
        The table as written (index reset).
    levers
        Columns that are sweep levers.

    Returns
    -------
    pandas.DataFrame
        The rounded copy (``df`` itself when it has no floating-point column).
    """
    levers = tuple(levers)
    floats = [
        c for c in df.columns if isinstance(df[c].dtype, np.dtype) and df[c].dtype.kind == "f"
    ]
    if not floats:
        return df
    units = column_units(
        table,
        df[[c for c in df.columns if c in floats or c in ("metric", "series")]],
        levers=levers,
    )
    out = df.copy(deep=False)
    for c in floats:
        v = df[c].to_numpy()
        unit = units[str(c)]
        if isinstance(unit, str):
            out[c] = _round_values(v, unit)
        else:
            r = v.copy()
            for u in pd.unique(unit):
                rows = unit == u
                r[rows] = _round_values(v[rows], str(u))
            out[c] = r
    return out
