"""Results: the tables of one run and its one-row summary.

Public names: :class:`RunResult`, :func:`build_result`, :func:`write_csv`,
:data:`SUMMARY_KEYS`, :data:`OPTIONAL_SUMMARY_KEYS`, :data:`SAVINGS_CATEGORIES`,
:class:`RegisteredKeys`, :data:`TABLE_FORMATS`, :func:`check_table_format`,
:func:`write_table_files`.

Row-level tables (``firms``, ``applications``, ``savings``) hold simulated firms and
applications as they are. Aggregate tables (``timeseries``, ``quotas``, ``levels``,
``needs``) and :meth:`RunResult.summary` are scaled by ``population.scale`` to the
real population the sample stands for (scale 1 means the sample *is* the population).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..jsonio import plain
from ..model.codes import (
    LOAN_TYPES,
    NEED_FATES,
    OUTCOMES,
    REFUSALS_BY_ACCOUNT,
    NeedFate,
    Outcome,
)
from ..model.instruments import instrument_classes, place_slots, registry_generation
from ..scenario import Scenario
from .breakdowns import breakdown_tables, fiscal_by_firm
from .columns import column_dictionary, round_for_csv
from .csv_writer import write_csv
from .demand_figures import (
    DEMAND_SUMMARY_KEYS,
    LIST_SUMMARY_KEYS,
    PROGRAMME_SUMMARY_KEYS,
    demand_summary,
    programme_summary,
)
from .incidence import INCIDENCE_KEYS, incidence_summary
from .kinds import KIND_SUMMARY_KEYS, kind_summary, kinds_named
from .money_over_time import MONEY_OVER_TIME_KEYS, money_over_time
from .workbook import WORKBOOK_NAME, headline_table, write_workbook

if TYPE_CHECKING:  # pragma: no cover
    from ..model.engine import Model

__all__ = [
    "RunResult",
    "build_result",
    "write_csv",
    "is_missing",
    "SUMMARY_KEYS",
    "OPTIONAL_SUMMARY_KEYS",
    "SAVINGS_CATEGORIES",
    "RegisteredKeys",
    "TABLE_FORMATS",
    "check_table_format",
    "write_table_files",
]


class RegisteredKeys(Sequence[str]):
    """A tuple of names worked out from the registered measures, again whenever a measure
    is registered or forgotten, so that a measure registered later (a contributor's
    module, a test's measure) is in it.

    Parameters
    ----------
    names
        Function returning the names, in order.
    """

    def __init__(self, names: Callable[[], tuple[str, ...]]) -> None:
        self._work_out = names
        self._kept: tuple[int, tuple[str, ...], frozenset[str]] | None = None

    def _names(self) -> tuple[str, ...]:
        return self._current()[1]

    def _current(self) -> tuple[int, tuple[str, ...], frozenset[str]]:
        # worked out again only when the registry of measures changed
        generation = registry_generation()
        if self._kept is None or self._kept[0] != generation:
            names = tuple(self._work_out())
            self._kept = (generation, names, frozenset(names))
        return self._kept

    def __getitem__(self, index: Any) -> Any:
        return self._names()[index]

    def __len__(self) -> int:
        return len(self._names())

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __contains__(self, name: object) -> bool:
        try:
            return name in self._current()[2]
        except TypeError:  # an unhashable value is no name
            return False

    def __eq__(self, other: object) -> bool:
        return tuple(self) == (tuple(other) if isinstance(other, Sequence) else other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._names())


#: Categories of the ``savings`` table: those each measure declares
#: (:attr:`sim.model.instruments.Instrument.savings_categories`), in rank order.
SAVINGS_CATEGORIES: Sequence[str] = RegisteredKeys(
    lambda: tuple(c for cls in instrument_classes() for c in cls.savings_categories)
)

#: The core's keys of :meth:`RunResult.summary`, in order; the measures place their own
#: keys of every run among them (:class:`sim.model.instruments.Slot`).
_CORE_SUMMARY_KEYS = (
    "scenario",
    "currency",
    "scale",
    "horizon_days",
    "firms_n",
    "simulated_firms_n",
    "eligible_firms_n",
    "needs_n",
    "applications_n",
    "approved_n",
    "pending_n",
    "borrower_firms_n",
    "uptake_rate",
    "approval_rate",
    "refused_credit_n",
    "refused_quota_n",
    "refused_guarantee_n",
    "refused_firm_limit_n",
    "declined_needs_n",
    "unaware_needs_n",
    "disbursed_amount",
    "avg_loan_amount",
    "credit_loans_amount",
    "unmet_demand_amount",
    "pool_used_share",
    "pool_exhausted_day",
    "bank_quotas_n",
    "bank_quotas_exhausted_n",
    "first_bank_quota_exhausted_day",
    "credit_sub_quota_exhausted_day",
    "defaults_n",
    "interest_savings_amount",
    "interest_subsidy_amount",
    "savings_total_amount",
    "fiscal_cost_amount",
    *MONEY_OVER_TIME_KEYS,
    *INCIDENCE_KEYS,
)

#: Keys of :meth:`RunResult.summary` every run writes, in order: the core's, with each
#: measure's (:attr:`sim.model.instruments.Instrument.summary_slots`) at its place.
#: ``*_day`` keys are ``None`` when the account did not run out within the horizon.
SUMMARY_KEYS: Sequence[str] = RegisteredKeys(lambda: place_slots("summary", _CORE_SUMMARY_KEYS))

#: Keys a run's summary holds after :data:`SUMMARY_KEYS` only when the scenario uses
#: what they describe, in summary order: existing loans and lists, account kinds other
#: than the defaults (e.g. ``guarantee_target_reached_day``), then each measure's own
#: keys (:attr:`sim.model.instruments.Instrument.summary_keys`).
OPTIONAL_SUMMARY_KEYS: Sequence[str] = RegisteredKeys(
    lambda: tuple(
        dict.fromkeys(
            (
                *DEMAND_SUMMARY_KEYS,
                *LIST_SUMMARY_KEYS,
                *PROGRAMME_SUMMARY_KEYS,
                *KIND_SUMMARY_KEYS,
                *(k for cls in instrument_classes() for k in cls.summary_keys),
            )
        )
    )
)


@dataclass
class RunResult:
    """Everything one run produced.

    Attributes
    ----------
    scenario
        The scenario that was run.
    firms
        One row per simulated firm (index ``firm``).
    applications
        One row per application: ``firm, tier, bank, attempt, submit_day, decision_day,
        end_day`` (day the loan matured or defaulted; null if refused or beyond the horizon),
        amount, outcome, guarantee, credit_loan, retried, defaulted, claim, ...``.
    timeseries
        One row per day, scaled: flows of that day plus ``aware_share``.
    quotas
        One row per account (lender quota, pool, sub-quota, guarantee capacity and
        capital, zone budgets, awards budget, funds): the books, ``exhausted_on`` and
        ``unmet_demand``; scaled.
    levels
        Daily remaining level of every account (rows = days, columns = accounts); scaled.
    savings
        Long table ``firm, tier, zone, category, amount`` of what each simulated firm
        gained, nonzero rows only.
    needs
        Counts of financing needs by tier and fate (applied, declined, unaware, ...); scaled.
    meta
        Seed, spawn key, version, timings.
    by_measure
        One row per measure of the run that saves firms money or costs the city:
        ``measure`` (its scenario section), ``savings_amount`` (its categories of the
        ``savings`` table), ``fiscal_paid_amount``, ``fiscal_expected_amount`` and
        ``fiscal_cost_amount`` (its terms of ``fiscal_cost_amount``); scaled. Read by the
        report's answer page; not written as a table file.
    by_district, by_sector, by_size
        Who gets what: one row per district (``none`` for firms without one), sector and
        revenue band (``population.size_bands``): firms, applications, approved loans
        and amount, new money, savings, attributed fiscal cost, deadweight shares;
        scaled (:mod:`sim.results.breakdowns`). Written as tables.
    """

    scenario: Scenario
    firms: pd.DataFrame
    applications: pd.DataFrame
    timeseries: pd.DataFrame
    quotas: pd.DataFrame
    levels: pd.DataFrame
    savings: pd.DataFrame
    needs: pd.DataFrame
    summary_values: dict[str, Any]
    meta: dict[str, Any] = field(default_factory=dict)
    by_measure: pd.DataFrame = field(default_factory=pd.DataFrame)
    by_district: pd.DataFrame = field(default_factory=pd.DataFrame)
    by_sector: pd.DataFrame = field(default_factory=pd.DataFrame)
    by_size: pd.DataFrame = field(default_factory=pd.DataFrame)

    def summary(self) -> pd.DataFrame:
        """Headline figures as a one-row DataFrame (columns :data:`SUMMARY_KEYS`, then the
        keys of existing loans and lists, then those of the optional measures the
        scenario has)."""
        return pd.DataFrame([self.summary_values], columns=list(self.summary_values))

    def summary_dict(self) -> dict[str, Any]:
        """Headline figures as a plain JSON-ready dict."""
        return dict(self.summary_values)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The named tables of the run."""
        return {
            "firms": self.firms,
            "applications": self.applications,
            "timeseries": self.timeseries,
            "quotas": self.quotas,
            "levels": self.levels,
            "savings": self.savings,
            "needs": self.needs,
            **{
                name: table
                for name, table in (
                    ("by_district", self.by_district),
                    ("by_sector", self.by_sector),
                    ("by_size", self.by_size),
                )
                if not table.empty
            },
        }

    def write_tables(self, folder: str | Path, fmt: str = "csv", *, lang: str = "en") -> list[Path]:
        """Write every table to ``folder``; return the paths.

        Parameters
        ----------
        folder
            The folder (``tables/`` of an output folder).
        fmt : {"csv", "parquet", "xlsx"}
            ``csv``: one file per table, amounts rounded to 2 decimals and shares to 6
            significant digits (:func:`sim.results.columns.round_for_csv`), plus
            ``columns.csv``, the meaning and unit of every column. ``parquet``: one file
            per table at full precision, plus ``columns.csv``. ``xlsx``: one workbook
            ``tables.xlsx`` (:func:`sim.results.workbook.write_workbook`).
        lang
            Language of the column dictionary.
        """
        check_table_format(fmt)
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        tables = {
            name: (df.reset_index() if df.index.name else df) for name, df in self.tables().items()
        }
        currency = self.scenario.currency
        if fmt == "xlsx":
            headline = headline_table(self.summary_values, lang=lang, currency=currency)
            return [
                write_workbook(
                    folder / WORKBOOK_NAME, tables, headline=headline, lang=lang, currency=currency
                )
            ]
        return write_table_files(folder, tables, fmt, lang=lang, currency=currency)


#: Formats :meth:`RunResult.write_tables` and :meth:`ExperimentResult.write_tables` write.
TABLE_FORMATS = ("csv", "parquet", "xlsx")


def check_table_format(fmt: str) -> None:
    """Raise :class:`ValueError` unless ``fmt`` is one of :data:`TABLE_FORMATS`."""
    if fmt not in TABLE_FORMATS:
        raise ValueError(f"table format: expected csv, parquet or xlsx, got {fmt!r}")


def write_table_files(
    folder: Path,
    tables: dict[str, pd.DataFrame],
    fmt: str,
    *,
    lang: str = "en",
    currency: str = "CNY",
    levers: tuple[str, ...] | list[str] = (),
) -> list[Path]:
    """Write tables as CSV (rounded) or Parquet (full precision) and ``columns.csv``.

    Parameters
    ----------
    folder
        The folder to write into (it exists).
    tables
        Table name -> table as written (index reset).
    fmt : {"csv", "parquet"}
        File format of the tables.
    lang, currency, levers
        As in :func:`sim.results.columns.describe`.

    Returns
    -------
    list of Path
        The tables' files, then ``columns.csv``.
    """
    paths = []
    for name, df in tables.items():
        path = folder / f"{name}.{fmt}"
        if fmt == "parquet":
            df.to_parquet(path, index=False)
        else:
            write_csv(round_for_csv(name, df, levers=levers), path)
        paths.append(path)
    dictionary = column_dictionary(tables, lang=lang, currency=currency, levers=levers)
    dictionary.to_csv(folder / "columns.csv", index=False)
    paths.append(folder / "columns.csv")
    return paths


def is_missing(value: Any) -> bool:
    """Whether a summary value is missing: None, NaN or ``pd.NA`` (e.g. a day never reached)."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _first_day(quotas: pd.DataFrame, kind: str) -> int | None:
    rows = quotas[quotas["kind"] == kind]
    days = rows["exhausted_on"].dropna()
    return int(days.min()) if len(days) else None


def _applications_table(model: Model, a: dict[str, np.ndarray], zone_text: Any) -> pd.DataFrame:
    """One row per application (simulated, not scaled)."""
    f, lenders = model.firms, model.lenders
    n_app = a["need"].shape[0]
    firm = a["firm"]
    tier_code = np.where(a["tier_at_decision"] >= 0, a["tier_at_decision"], f.tier[firm])
    apps = pd.DataFrame(
        {
            "application": np.arange(n_app),
            "need": a["need"],
            "firm": firm,
            "tier": pd.Categorical.from_codes(tier_code, categories=list(f.tier_names)),
            "zone": zone_text.take(f.zone[firm]),
            "bank": pd.array(list(lenders.names), dtype="str").take(a["bank"]),
            "attempt": a["attempt"].astype(np.int64),
            "submit_day": a["submit_day"],
            "decision_day": pd.arrays.IntegerArray(
                np.where(a["decision_day"] >= 0, a["decision_day"], 0), a["decision_day"] < 0
            ),
            "end_day": pd.arrays.IntegerArray(
                np.where(a["end_day"] >= 0, a["end_day"], 0), a["end_day"] < 0
            ),
            "amount": a["amount"],
            "outcome": pd.Categorical.from_codes(a["outcome"], categories=list(OUTCOMES)),
            "guarantee": a["guarantee"],
            "credit_loan": a["credit_loan"],
            "retried": a["retried"],
            "defaulted": a["defaulted"],
            "claim": a["claim"],
            "interest_saving": a["interest_saving"],
            "interest_subsidy": a["subsidy"],
            "guarantee_fee_saving": a["fee_saving"],
            "renewal": model.needs.renewal[a["need"]],
            "no_principal": model.needs.no_principal[a["need"]] & model.needs.renewal[a["need"]],
            "loan_type": pd.Categorical.from_codes(
                np.where(a["outcome"] == Outcome.APPROVED, a["loan_type"], -1),
                categories=list(LOAN_TYPES),
            ),
            "rate": np.where(a["outcome"] == Outcome.APPROVED, a["rate"], np.nan),
            "additional": a["additional"],
            "subsidy_paid": a["subsidy_paid"],
            "subsidy_unpaid": a["subsidy_unpaid"],
        }
    )

    return apps


def _timeseries_table(model: Model, daily: dict[str, np.ndarray]) -> pd.DataFrame:
    """One row per day: the daily columns and accruals, scaled (but ``aware_share``)."""
    s, scale = model.scenario, model.scale
    days = s.horizon.days
    ts = pd.DataFrame({**model.ts, **daily})
    for c in ts.columns:
        if c != "aware_share":
            ts[c] = ts[c] * scale
    ts.insert(0, "day", np.arange(days))
    start = pd.Timestamp(s.horizon.start_date)
    ts.insert(1, "date", start + pd.to_timedelta(np.arange(days), unit="D"))

    return ts


def _account_tables(model: Model) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The books of every account (``quotas``) and their daily levels, scaled."""
    s, scale = model.scenario, model.scale
    quotas = model.ledger.table(scale)
    for col, date_col in (("exhausted_on", "exhausted_date"), ("reached_on", "reached_date")):
        quotas[date_col] = [
            (s.horizon.start_date + timedelta(days=int(d))).isoformat() if pd.notna(d) else None
            for d in quotas[col]
        ]
    for inst in model.instruments:  # columns a measure adds to the accounts' rows
        for column, values in inst.quota_columns(model, list(quotas["account"])).items():
            quotas[column] = values
    hist = model.ledger.history() * scale
    levels = pd.DataFrame(hist, columns=model.ledger.names)
    levels.index.name = "day"

    return quotas, levels


def _savings_table(model: Model, zone_text: Any) -> pd.DataFrame:
    """What each simulated firm gained, by category (nonzero rows only): the categories
    every measure declares, filled by its :meth:`~sim.model.instruments.Instrument.savings_by_firm`."""
    f = model.firms
    categories = tuple(SAVINGS_CATEGORIES)
    row = {c: i for i, c in enumerate(categories)}
    per_cat = np.zeros((len(categories), f.n))
    for inst in model.instruments:
        for category, amount in inst.savings_by_firm(model).items():
            per_cat[row[category]] = amount
    fi, ci = np.nonzero(per_cat.T)
    savings = pd.DataFrame(
        {
            "firm": fi,
            "tier": pd.Categorical.from_codes(f.tier[fi], categories=list(f.tier_names)),
            "zone": zone_text.take(f.zone[fi]),
            "category": pd.Categorical.from_codes(ci, categories=list(categories)),
            "amount": per_cat.T[fi, ci],
        }
    )

    return savings


def _needs_table(model: Model) -> pd.DataFrame:
    """Financing needs by tier and fate, scaled."""
    f, scale = model.firms, model.scale
    nd = model.needs
    nt = nd.tier  # the firm's tier when the need came due (certification moves firms)
    counts = np.zeros((len(f.tier_names), len(NEED_FATES)))
    np.add.at(counts, (nt, nd.fate), 1)
    needs = pd.DataFrame(
        counts * scale, index=pd.Index(list(f.tier_names), name="tier"), columns=list(NEED_FATES)
    ).reset_index()

    return needs


def _by_measure(model: Model, savings: pd.DataFrame) -> pd.DataFrame:
    """What each measure saves firms and costs the city (scaled), for measures with
    either: the rows of :attr:`RunResult.by_measure`."""
    scale = model.scale
    by_category = savings.groupby("category", observed=True)["amount"].sum()
    rows = []
    for inst in model.instruments:
        categories = [c for c in type(inst).savings_categories if c in by_category.index]
        saved = float(by_category[categories].sum()) * scale if categories else 0.0
        paid, expected = inst.fiscal_terms(model)
        paid_sum, expected_sum = float(sum(paid)) * scale, float(sum(expected)) * scale
        if saved == 0 and paid_sum == 0 and expected_sum == 0:
            continue
        rows.append(
            {
                "measure": type(inst).section,
                "savings_amount": saved,
                "fiscal_paid_amount": paid_sum,
                "fiscal_expected_amount": expected_sum,
                "fiscal_cost_amount": paid_sum + expected_sum,
            }
        )
    columns = [
        "measure",
        "savings_amount",
        "fiscal_paid_amount",
        "fiscal_expected_amount",
        "fiscal_cost_amount",
    ]
    return pd.DataFrame(rows, columns=columns)


def _summary_values(
    model: Model,
    a: dict[str, np.ndarray],
    approved: np.ndarray,
    quotas: pd.DataFrame,
    over_time: dict[str, Any],
    tables: tuple[pd.DataFrame, pd.DataFrame],
) -> dict[str, Any]:
    """The summary: :data:`SUMMARY_KEYS`, then the keys of the active optional measures."""
    # one flat mapping of ~50 headline figures: kept in one place, in table order, so
    # that a key and its formula are read together (the reason this function is long)
    s, f, scale = model.scenario, model.firms, model.scale
    firm = a["firm"]
    n_app = firm.shape[0]
    days = s.horizon.days
    nd = model.needs
    out = a["outcome"]
    decided = a["outcome"] != Outcome.PENDING
    eligible_now = model.loan_eligible_tier[f.tier]
    borrowers = np.unique(firm[approved])
    # the pool: its own account if it has one, else the lender quotas it is split into
    pool_ids = [model.pool.pool_id] if model.pool.pool_id >= 0 else model.pool.quota_accounts
    pool_rows = quotas.iloc[np.unique(pool_ids)]
    pool_closed = pool_rows["exhausted_on"].notna().all() and model.ledger.closed[pool_ids].all()
    pool_initial = pool_rows["initial"].sum()
    quota_refusal = np.isin(a["outcome"], REFUSALS_BY_ACCOUNT)
    unmet = a["amount"][quota_refusal & ~a["retried"]].sum()
    interest = a["interest_saving"][approved].sum()
    subsidy = a["subsidy"][approved].sum()
    # totals over the measures, in rank order; the fiscal cost adds every measure's paid
    # terms, then every expected term (the order of the additions is part of the results)
    savings_total = 0.0
    paid_terms: list[float] = []
    expected_terms: list[float] = []
    for inst in model.instruments:
        for term in inst.savings_terms(model):
            savings_total = savings_total + term
        paid, expected = inst.fiscal_terms(model)
        paid_terms += paid
        expected_terms += expected
    fiscal_cost = 0.0
    for term in (*paid_terms, *expected_terms):
        fiscal_cost = fiscal_cost + term
    n_approved = int(approved.sum())
    n_decided = int(decided.sum())
    bank_rows = quotas[quotas["kind"] == "bank_quota"]
    fates = nd.fate

    def sc(x: float) -> float:
        return float(x) * scale

    values: dict[str, Any] = {
        "scenario": s.name,
        "currency": s.currency,
        "scale": scale,
        "horizon_days": days,
        "firms_n": sc(f.n),
        "simulated_firms_n": f.n,
        "eligible_firms_n": sc(eligible_now.sum()),
        "needs_n": sc(fates.size),
        "applications_n": sc(n_app),
        "approved_n": sc(n_approved),
        "pending_n": sc((out == Outcome.PENDING).sum()),
        "borrower_firms_n": sc(borrowers.size),
        "uptake_rate": float(borrowers.size / max(eligible_now.sum(), 1)),
        "approval_rate": float(n_approved / n_decided) if n_decided else None,
        "refused_credit_n": sc((out == Outcome.REFUSED_CREDIT).sum()),
        "refused_quota_n": sc(
            ((out == Outcome.REFUSED_QUOTA) | (out == Outcome.REFUSED_CREDIT_QUOTA)).sum()
        ),
        "refused_guarantee_n": sc((out == Outcome.REFUSED_GUARANTEE).sum()),
        "refused_firm_limit_n": sc((out == Outcome.REFUSED_FIRM_LIMIT).sum()),
        "declined_needs_n": sc((fates == NeedFate.DECLINED).sum()),
        "unaware_needs_n": sc((fates == NeedFate.UNAWARE).sum()),
        "disbursed_amount": sc(a["amount"][approved].sum()),
        "avg_loan_amount": float(a["amount"][approved].mean()) if n_approved else None,
        "credit_loans_amount": sc(a["amount"][approved & a["credit_loan"]].sum()),
        "unmet_demand_amount": sc(unmet),
        "pool_used_share": float(pool_rows["drawn"].sum() / pool_initial) if pool_initial else None,
        "pool_exhausted_day": int(pool_rows["exhausted_on"].max()) if pool_closed else None,
        "bank_quotas_n": len(bank_rows),
        "bank_quotas_exhausted_n": int(bank_rows["exhausted_on"].notna().sum()),
        "first_bank_quota_exhausted_day": _first_day(quotas, "bank_quota"),
        "credit_sub_quota_exhausted_day": _first_day(quotas, "credit_sub_quota"),
        "defaults_n": sc(model.ts["defaults_n"].sum()),
        "interest_savings_amount": sc(interest),
        "interest_subsidy_amount": sc(subsidy),
        "savings_total_amount": sc(savings_total),
        "fiscal_cost_amount": sc(fiscal_cost),
        **over_time,
    }
    values.update(incidence_summary(*tables, f.n, values))
    for inst in model.instruments:  # the measures' keys of every run
        values.update(inst.slot_summary(model))
    values = {k: plain(values[k]) for k in SUMMARY_KEYS}
    if kinds_named(s):  # account kinds: only when the scenario names one
        values.update({k: plain(v) for k, v in kind_summary(model).items()})
    for inst in model.instruments:  # optional measures: their keys only when they run
        if inst.active:
            values.update({k: plain(v) for k, v in inst.summary(model).items()})
    return values


def build_result(model: Model) -> RunResult:
    """Assemble the tables and summary from a finished model run."""
    f = model.firms
    # text columns are picked from short arrays of names by code (zone -1 is the last: none)
    zone_text = pd.array([*f.zone_names, "none"], dtype="str")
    a = model.apps.view()
    approved = a["outcome"] == Outcome.APPROVED
    quotas, levels = _account_tables(model)
    firms = f.to_frame(model.lenders)
    existing = model.existing
    firms["existing_loan"] = existing.holds if existing is not None else np.zeros(f.n, bool)
    firms["listed"] = model.listed
    applications = _applications_table(model, a, zone_text)
    over_time, daily = money_over_time(model)
    savings = _savings_table(model, zone_text)
    values = _summary_values(model, a, approved, quotas, over_time, (applications, savings))
    # the keys of every run, then those of existing loans and lists, then the measures'
    demand = {k: plain(v) for k, v in demand_summary(model, firms, applications).items()}
    summary = {k: values[k] for k in SUMMARY_KEYS}
    summary.update(demand)
    target_day = values.get("pool_target_reached_day")
    summary.update(
        {k: plain(v) for k, v in programme_summary(model, applications, target_day).items()}
    )
    summary.update({k: v for k, v in values.items() if k not in summary})
    by_measure = _by_measure(model, savings)
    categories = {type(i).section: type(i).savings_categories for i in model.instruments}
    pop = model.scenario.population
    breakdowns = breakdown_tables(
        firms,
        applications,
        savings,
        fiscal_by_firm(by_measure, categories, savings, applications, f.n),
        districts=list(pop.districts),
        sectors=list(f.sector_names),
        size_bands=pop.size_bands,
        scale=model.scale,
    )
    return RunResult(
        scenario=model.scenario,
        firms=firms,
        applications=applications,
        timeseries=_timeseries_table(model, daily),
        quotas=quotas,
        levels=levels,
        savings=savings,
        needs=_needs_table(model),
        summary_values=summary,
        by_measure=by_measure,
        **breakdowns,
    )
