"""Columns: the meaning and unit of every column of every table smesim writes.

The one dictionary of the result tables of a run (``applications``, ``timeseries``,
``quotas``, ``levels``, ``savings``, ``needs``, ``firms``), of an experiment
(``replications``, ``summary``, ``comparison``, ``points``, ``fan``, ``exhaustion``) and
of the headline figures of ``summary.json``. It is written beside the tables
(``tables/columns.csv``, the ``columns`` sheet of ``tables.xlsx``) and decides how a
column is rounded in CSV and shown in the workbook. ``tests/test_columns.py`` checks that
every column every table has is described here, so the dictionary cannot drift.

Public names: :func:`describe`, :func:`column_unit`, :func:`column_units`,
:func:`figure_unit`, :func:`column_dictionary`, :func:`round_for_csv`,
:data:`FIGURES`, :data:`UNITS`, :data:`LANGUAGES`, :data:`MEANINGS`, :data:`UNIT_TEXTS`.

Texts are English; a translation adds a dict of the same keys to :data:`MEANINGS` and
:data:`UNIT_TEXTS` (keys: a figure name, ``table.column``, ``*.column`` for a column
of that name in any table, and ``template:...`` for the generated columns).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

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
    # optional measures (present only when their section is)
    "npl_compensation_paid_amount": "money",
    # experiments
    "first_zone_budget_exhausted_day": "day",
    "replications": "count",
    "seed": "id",
    # daily series of fan charts
    "approved_cum": "count",
    "disbursed_cum": "money",
    "guaranteed_cum": "money",
    "pool_remaining": "money",
    "credit_sub_quota_remaining": "money",
    "guarantee_remaining": "money",
}

_SCALED = " Scaled to the population."

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
    "timeseries.npl_compensation_paid_amount": "money",
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
}

# Meanings in English: figure name, "table.column", "*.column" or "template:...".
_EN: dict[str, str] = {
    # ---- headline figures
    "scenario": "Name of the scenario.",
    "currency": "Currency of every amount.",
    "scale": "Real firms each simulated firm stands for (population.scale).",
    "horizon_days": "Days simulated.",
    "firms_n": "Firms in the population." + _SCALED,
    "simulated_firms_n": "Firms simulated (the sample).",
    "eligible_firms_n": "Firms whose tier may borrow from the loan pool at the end of the run."
    + _SCALED,
    "needs_n": "Financing needs that came due within the horizon." + _SCALED,
    "applications_n": "Loan applications submitted (a retry at another lender counts again)."
    + _SCALED,
    "approved_n": "Applications approved." + _SCALED,
    "pending_n": "Applications not decided by the end of the horizon." + _SCALED,
    "borrower_firms_n": "Firms with at least one approved loan." + _SCALED,
    "uptake_rate": "Borrowing firms over firms eligible for the loan pool.",
    "approval_rate": "Approved over decided applications (pending ones left out).",
    "refused_credit_n": "Applications refused by the lender's credit rule." + _SCALED,
    "refused_quota_n": "Applications refused because a lender quota, the shared pool or the "
    "credit-loan sub-quota had run out." + _SCALED,
    "refused_guarantee_n": "Applications refused because the guarantee capacity had run out."
    + _SCALED,
    "refused_firm_limit_n": "Applications refused because the firm would exceed "
    "loan_pool.max_per_firm." + _SCALED,
    "declined_needs_n": "Needs whose firm chose not to apply (benefit below the cost of "
    "applying)." + _SCALED,
    "unaware_needs_n": "Needs whose firm did not know of the measures in time." + _SCALED,
    "disbursed_amount": "Amount of approved loans." + _SCALED,
    "avg_loan_amount": "Mean amount of an approved loan.",
    "credit_loans_amount": "Amount of approved credit loans (without collateral)." + _SCALED,
    "unmet_demand_amount": "Amount of applications refused for an exhausted account and not "
    "retried." + _SCALED,
    "pool_used_share": "Share of the loan pool (all lender quotas or the shared pool) drawn.",
    "pool_exhausted_day": "Day the whole loan pool had run out; empty if it lasted.",
    "bank_quotas_n": "Lender quotas.",
    "bank_quotas_exhausted_n": "Lender quotas that ran out.",
    "first_bank_quota_exhausted_day": "Day the first lender quota ran out; empty if none did.",
    "credit_sub_quota_exhausted_day": "Day the credit-loan sub-quota ran out; empty if it lasted.",
    "guarantee_exhausted_day": "Day the guarantee capacity first ran out; empty if it lasted.",
    "guarantee_capital_exhausted_day": "Day the guarantee fund's capital ran out; empty if it "
    "lasted.",
    "zone_budgets_n": "Zone and cluster cost-relief budgets.",
    "zone_budgets_exhausted_n": "Zone and cluster budgets that ran out.",
    "awards_budget_exhausted_day": "Day the awards budget ran out; empty if it lasted.",
    "funds_exhausted_day": "Day the first fund ran out; empty if none did.",
    "guaranteed_amount": "Amount guaranteed on approved loans." + _SCALED,
    "guaranteed_loans_n": "Approved loans with a guarantee." + _SCALED,
    "avg_guaranteed_loan_amount": "Mean amount of an approved guaranteed loan.",
    "defaults_n": "Loans that defaulted within the horizon." + _SCALED,
    "claims_paid_amount": "Guarantee claims paid by the fund within the horizon." + _SCALED,
    "relief_paid_amount": "Cost relief paid to firms." + _SCALED,
    "awards_paid_amount": "Certification awards paid to firms." + _SCALED,
    "firms_promoted_n": "Promotions to a higher tier in certification rounds." + _SCALED,
    "funds_invested_amount": "Equity invested by the funds (not a saving, not a fiscal cost)."
    + _SCALED,
    "interest_savings_amount": "Interest firms save against their market rate over the loans' "
    "terms." + _SCALED,
    "interest_subsidy_amount": "Interest subsidy the city pays over the loans' terms." + _SCALED,
    "guarantee_fee_savings_amount": "Guarantee fees firms save against the market fee." + _SCALED,
    "savings_total_amount": "Savings of firms: interest and guarantee fees saved, relief and "
    "awards received." + _SCALED,
    "fiscal_cost_amount": "Fiscal cost: interest subsidy, relief, awards, NPL compensation and "
    "expected guarantee losses, less guarantee fee income." + _SCALED,
    "npl_compensation_paid_amount": "NPL risk compensation paid to lenders on defaulted loans "
    "(present when the scenario has npl_compensation)." + _SCALED,
    "first_zone_budget_exhausted_day": "Day the first zone or cluster budget ran out; empty if "
    "none did.",
    "replications": "Replications (runs on different seeds).",
    "seed": "Root seed; replication i runs on numpy SeedSequence(seed).spawn(R)[i].",
    "approved_cum": "Approved applications so far." + _SCALED,
    "disbursed_cum": "Amount disbursed so far." + _SCALED,
    "guaranteed_cum": "Amount guaranteed so far." + _SCALED,
    "pool_remaining": "Loan pool remaining (all lender quotas or the shared pool)." + _SCALED,
    "credit_sub_quota_remaining": "Credit-loan sub-quota remaining." + _SCALED,
    "guarantee_remaining": "Guarantee capacity remaining." + _SCALED,
    # ---- shared columns
    "*.firm": "Number of the simulated firm (row of the firms table, from 0).",
    "*.tier": "Tier of the firm (its tier when the application was decided or the need came due).",
    "*.zone": "Zone or cluster the firm is in; none outside them.",
    "*.day": "Day of the run, from 0 (horizon.start_date).",
    "*.date": "Calendar date of the day.",
    "*.point": "Number of the point (scenario or lever values), from 0; 0 is the base.",
    "*.variant": "Name of the scenario of this point.",
    "*.replication": "Replication, from 0; replication i runs on the same seed at every point.",
    "*.seed": "Root seed of the experiment.",
    # ---- firms
    "firms.sector": "Sector of the firm.",
    "firms.revenue": "Annual revenue.",
    "firms.employees": "Number of employees.",
    "firms.age_years": "Age of the firm.",
    "firms.pd_annual": "Probability of default within a year.",
    "firms.collateral_ratio": "Collateral the firm can pledge, as a share of a loan.",
    "firms.main_bank": "The firm's main lender.",
    "firms.growth": "Annual revenue growth.",
    "firms.cost_rent": "Rent per year.",
    "firms.cost_electricity": "Electricity cost per year.",
    "firms.cost_water": "Water cost per year.",
    "firms.cost_internet": "Internet cost per year.",
    "firms.tier": "Tier of the firm at the end of the run.",
    # ---- applications
    "applications.application": "Number of the application, from 0.",
    "applications.need": "Number of the financing need it serves.",
    "applications.tier": "Tier of the firm when the application was decided (at submission "
    "if pending).",
    "applications.bank": "Lender applied to.",
    "applications.attempt": "Attempt: 0 for the first lender, 1 for the first retry, ...",
    "applications.submit_day": "Day the application reached the lender.",
    "applications.decision_day": "Day it was decided; empty if pending at the end.",
    "applications.end_day": "Day the loan matured or defaulted; empty if refused, pending or "
    "beyond the horizon.",
    "applications.amount": "Amount asked (and lent if approved).",
    "applications.outcome": "approved, refused_credit, refused_quota, refused_credit_quota, "
    "refused_guarantee, refused_firm_limit or pending.",
    "applications.guarantee": "Amount guaranteed by the fund (0 without a guarantee).",
    "applications.credit_loan": "Whether it is a credit loan (without collateral).",
    "applications.retried": "Whether the firm retried at another lender after this refusal.",
    "applications.defaulted": "Whether the loan defaults within its term.",
    "applications.claim": "Guarantee claim paid by the fund on default.",
    "applications.interest_saving": "Interest saved against the firm's market rate over the "
    "term (approved loans).",
    "applications.interest_subsidy": "Part of the interest saving the city pays.",
    "applications.guarantee_fee_saving": "Guarantee fee saved against the market fee over the "
    "term.",
    # ---- timeseries (the day's flows)
    "timeseries.needs_due": "Financing needs that came due that day." + _SCALED,
    "timeseries.declined_n": "Needs whose firm chose not to apply that day." + _SCALED,
    "timeseries.applications_n": "Applications submitted that day." + _SCALED,
    "timeseries.approved_n": "Applications approved that day." + _SCALED,
    "timeseries.refused_credit_n": "Applications refused by the credit rule that day." + _SCALED,
    "timeseries.refused_quota_n": "Applications refused that day for a quota, pool or "
    "sub-quota that had run out." + _SCALED,
    "timeseries.refused_guarantee_n": "Applications refused that day for the guarantee "
    "capacity." + _SCALED,
    "timeseries.disbursed_amount": "Amount lent that day." + _SCALED,
    "timeseries.guaranteed_amount": "Amount guaranteed that day." + _SCALED,
    "timeseries.relief_paid_amount": "Cost relief paid that day." + _SCALED,
    "timeseries.awards_paid_amount": "Awards paid that day." + _SCALED,
    "timeseries.funds_invested_amount": "Equity invested by the funds that day." + _SCALED,
    "timeseries.defaults_n": "Loans that defaulted that day." + _SCALED,
    "timeseries.claims_paid_amount": "Guarantee claims paid that day." + _SCALED,
    "timeseries.aware_share": "Share of firms aware of the measures (not scaled).",
    "timeseries.npl_compensation_paid_amount": "NPL risk compensation paid that day." + _SCALED,
    # ---- quotas (one row per account)
    "quotas.account": "Name of the account (quota:<lender>, zone:<zone>, ...).",
    "quotas.kind": "Kind of account (bank_quota, loan_pool, credit_sub_quota, "
    "guarantee_capacity, guarantee_capital, zone_budget, awards_budget, fund, ...).",
    "quotas.group": "Group the account belongs to.",
    "quotas.initial": "Initial level." + _SCALED,
    "quotas.drawn": "Total drawn." + _SCALED,
    "quotas.released": "Total given back (guarantees released at the end of a loan)." + _SCALED,
    "quotas.transferred_in": "Received in reallocations." + _SCALED,
    "quotas.transferred_out": "Given away in reallocations." + _SCALED,
    "quotas.remaining": "Level at the end of the run." + _SCALED,
    "quotas.draws_n": "Requests served (simulated, not scaled).",
    "quotas.refused_n": "Requests refused (simulated, not scaled).",
    "quotas.unmet_demand": "Amount of requests refused by this account (a retried request "
    "counts again at its next lender)." + _SCALED,
    "quotas.exhausted_on": "Day the account first ran out (the *_exhausted_day of the "
    "summary); empty if it lasted.",
    "quotas.used_share": "(drawn - released) over (initial + transferred_in - transferred_out).",
    "quotas.exhausted_date": "Calendar date of exhausted_on; empty if it lasted.",
    # ---- savings
    "savings.tier": "Tier of the firm at the end of the run.",
    "savings.category": "What was saved or received: interest, guarantee_fee, relief_rent, "
    "relief_electricity, relief_water, relief_internet, award.",
    "savings.amount": "Amount the firm saved or received in that category.",
    # ---- needs (funnel by tier)
    "needs.tier": "Tier of the firm when the need came due.",
    "needs.applied": "Needs that led to an application." + _SCALED,
    "needs.declined": "Needs whose firm chose not to apply." + _SCALED,
    "needs.unaware": "Needs whose firm did not know of the measures." + _SCALED,
    "needs.ineligible": "Needs of firms whose tier may not borrow from the pool." + _SCALED,
    "needs.too_small": "Needs below loan_pool.min_amount." + _SCALED,
    "needs.over_limit": "Needs of firms already at loan_pool.max_per_firm." + _SCALED,
    "needs.not_due": "Needs drawn that fall after the horizon." + _SCALED,
    # ---- experiment: summary (one row per point and figure)
    "summary.metric": "Headline figure (a key of summary.json; see the summary sheet).",
    "summary.mean": "Mean over replications (for *_day figures: over those in which the "
    "account ran out).",
    "summary.p05": "5th percentile over replications.",
    "summary.median": "Median over replications.",
    "summary.p95": "95th percentile over replications.",
    "summary.std": "Standard deviation over replications.",
    "summary.n": "Replications with a value (for *_day figures: in which the account ran out).",
    "summary.share": "n over replications: for *_day figures the probability that the "
    "account ran out.",
    # ---- experiment: comparison (one row per variant and figure)
    "comparison.variant": "The variant compared with the base.",
    "comparison.metric": "Headline figure compared.",
    "comparison.base_mean": "Mean of the base over replications.",
    "comparison.variant_mean": "Mean of the variant over replications.",
    "comparison.diff_mean": "Mean of the paired differences variant - base (same seeds).",
    "comparison.diff_p05": "5th percentile of the paired differences.",
    "comparison.diff_p95": "95th percentile of the paired differences.",
    "comparison.ci_low": "Lower end of the 90 % Student-t confidence interval of diff_mean.",
    "comparison.ci_high": "Upper end of the 90 % Student-t confidence interval of diff_mean.",
    "comparison.rel_diff": "diff_mean over base_mean.",
    "comparison.n_pairs": "Replications where both have a value.",
    # ---- experiment: fan (daily quantiles of the first point)
    "fan.series": "Daily series: approved_cum, disbursed_cum, guaranteed_cum, pool_remaining, "
    "credit_sub_quota_remaining, guarantee_remaining, zone_budgets_exhausted_n.",
    "fan.mean": "Mean of the series on that day over replications.",
    "fan.p05": "5th percentile over replications.",
    "fan.median": "Median over replications.",
    "fan.p95": "95th percentile over replications.",
    # ---- generated columns
    "template:level": "Level of account {column} at the end of the day." + _SCALED,
    "template:exhaustion": "Probability that the {column} has run out by this day (share of "
    "replications).",
    "template:lever": "Value of the scenario field {column} at this point.",
    "template:points": "{stat} over replications of {figure}: {meaning}",
    "template:stat:mean": "Mean",
    "template:stat:p05": "5th percentile",
    "template:stat:p95": "95th percentile",
}

#: Meanings by language: key (figure, ``table.column``, ``*.column``, ``template:...``)
#: -> text. A translation adds a language with the same keys.
MEANINGS: dict[str, dict[str, str]] = {"en": _EN}

#: Unit texts by language; ``{currency}`` is replaced by the scenario's currency.
UNIT_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "money": "{currency}",
        "share": "share (1 = 100 %)",
        "ratio": "ratio",
        "count": "number",
        "day": "day from 0",
        "date": "date",
        "years": "years",
        "number": "number",
        "text": "text",
        "flag": "true/false",
        "id": "identifier",
        "by_metric": "the unit of the figure in metric",
        "by_series": "the unit of the series in series",
        "lever": "the unit of the scenario field",
    }
}

#: Languages of the dictionary's texts.
LANGUAGES = tuple(MEANINGS)

_POINT_STATS = ("mean", "p05", "p95")
_TEMPLATE_TABLES = {"levels": "level", "exhaustion": "exhaustion"}


def _texts(lang: str) -> dict[str, str]:
    if lang not in MEANINGS:
        raise ValueError(f"language: expected one of {', '.join(LANGUAGES)}, got {lang!r}")
    return MEANINGS[lang]


def figure_unit(name: str) -> str:
    """Unit code of a headline figure or daily series (``"number"`` if unknown)."""
    return FIGURES.get(name, "number")


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
        if stat in _POINT_STATS and figure in FIGURES:
            return FIGURES[figure], "template:points", {"figure": figure, "stat": stat}
    if f"*.{column}" in _COLUMN_UNITS:
        return _COLUMN_UNITS[f"*.{column}"], f"*.{column}", {}
    if table in _TEMPLATE_TABLES:
        unit = "money" if table == "levels" else "share"
        return unit, f"template:{_TEMPLATE_TABLES[table]}", {"column": column}
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
    texts = _texts(lang)
    units = UNIT_TEXTS[lang]
    if table == "summary.json":
        if column not in FIGURES:
            raise KeyError(f"figure {column!r} is not described in sim.results.columns")
        unit, key, fields = FIGURES[column], column, {}
    else:
        unit, key, fields = _resolve(table, column, levers)
    if key == "template:points":
        fields = {
            "figure": fields["figure"],
            "stat": texts[f"template:stat:{fields['stat']}"],
            "meaning": texts[fields["figure"]],
        }
    meaning = texts[key].format(**fields)
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
                meaning, unit = "", UNIT_TEXTS[lang]["number"]
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
