"""The result of an experiment: its runs table, statistics over replications, differences
between scenarios and exhaustion probabilities.

Public names: :class:`ExperimentResult`, :data:`NUMERIC_KEYS`, :data:`HEADLINE_KEYS`.

Every run's summary holds :data:`NUMERIC_KEYS`; a run of a scenario that uses an option
adds its figures (:data:`sim.experiments.OPTIONAL_NUMERIC_KEYS`, e.g. the day a target was
reached), and the statistics take those the runs hold too (:meth:`ExperimentResult.metrics`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..jsonio import plain
from ..model.instruments import place_slots, reported_accounts, section_present
from ..results import OPTIONAL_SUMMARY_KEYS, SUMMARY_KEYS, RegisteredKeys
from ..scenario import (
    Scenario,
)
from .tasks import (
    EXTRA_KEYS,
    OPTIONAL_NUMERIC_KEYS,
    OPTIONAL_TEXT_KEYS,
    SERIES,
    SERIES_PREFIX,
    STRING_KEYS,
    account_day,
)

# --------------------------------------------------------------------------- results

#: Numeric headline figures of every run, aggregated over replications.
NUMERIC_KEYS: Sequence[str] = RegisteredKeys(
    lambda: tuple(k for k in (*SUMMARY_KEYS, *EXTRA_KEYS) if k not in STRING_KEYS)
)

#: The core's headline figures of comparisons and sweeps.
_CORE_HEADLINE_KEYS = (
    "applications_n",
    "approved_n",
    "approval_rate",
    "borrower_firms_n",
    "uptake_rate",
    "disbursed_amount",
    "unmet_demand_amount",
    "pool_used_share",
    "bank_quotas_exhausted_n",
    "savings_total_amount",
    "fiscal_cost_amount",
)

#: Headline figures shown first in comparisons and sweeps: the core's, with the keys each
#: measure places among them (:class:`sim.model.instruments.Slot`, layout ``experiment``).
HEADLINE_KEYS: Sequence[str] = RegisteredKeys(
    lambda: place_slots("experiment", _CORE_HEADLINE_KEYS)
)


def _share_key(day_key: str) -> str:
    """``pool_exhausted_day`` -> ``pool_exhausted_share``."""
    return day_key[: -len("_day")] + "_share"


def _stats(values: np.ndarray) -> dict[str, float]:
    """Mean, 5th/50th/95th percentiles, sd and count of the non-missing values."""
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    n = v.size
    if n == 0:
        return {
            "mean": np.nan,
            "p05": np.nan,
            "median": np.nan,
            "p95": np.nan,
            "std": np.nan,
            "n": 0,
        }
    p05, med, p95 = np.percentile(v, [5, 50, 95])
    return {
        "mean": float(v.mean()),
        "p05": float(p05),
        "median": float(med),
        "p95": float(p95),
        "std": float(v.std(ddof=1)) if n > 1 else np.nan,
        "n": int(n),
    }


@dataclass
class ExperimentResult:
    """The rows of an experiment and the statistics drawn from them.

    Attributes
    ----------
    kind
        ``"replicate"``, ``"compare"`` or ``"sweep"``.
    runs
        One row per task (point and replication): the point's keys, ``replication``,
        ``seed``, every summary key and :data:`EXTRA_KEYS`. This is ``replications.csv``.
    series
        Long table of the daily series (:data:`SERIES`): point keys, ``replication``,
        ``day`` and one column per series; empty when series were not kept.
    scenario
        The base scenario.
    point_keys
        Columns of ``runs`` that identify a point: ``["point"]`` for replications,
        ``["point", "variant"]`` for comparisons, ``["point", *levers]`` for sweeps.
    levers
        Scenario paths varied by a sweep.
    replications
        Replications per point.
    seed
        Root seed; replication ``i`` of every point ran with
        ``SeedSequence(seed).spawn(R)[i]`` (common random numbers).
    meta
        Free-form details (design, sample size, executor, timings).
    """

    kind: str
    runs: pd.DataFrame
    series: pd.DataFrame
    scenario: Scenario
    point_keys: list[str]
    replications: int
    seed: int
    levers: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: pd.DataFrame, **kwargs: Any) -> ExperimentResult:
        """Split the frame of :func:`run_tasks` into scalar runs and a long series table."""
        point_keys = kwargs["point_keys"]
        scols = [c for c in rows.columns if c.startswith(SERIES_PREFIX)]
        runs = rows.drop(columns=scols).reset_index(drop=True)
        order = [*point_keys, "replication", "seed", *SUMMARY_KEYS, *EXTRA_KEYS]
        runs = runs[[c for c in order if c in runs.columns] + [c for c in runs if c not in order]]
        parts = []
        if scols:
            names = [c[len(SERIES_PREFIX) :] for c in scols if c != SERIES_PREFIX + "day"]
            for _, r in rows.iterrows():
                day = np.asarray(r[SERIES_PREFIX + "day"])
                part = {k: np.repeat(r[k], day.size) for k in [*point_keys, "replication"]}
                part["day"] = day
                for n in names:
                    part[n] = np.asarray(r[SERIES_PREFIX + n], dtype=float)
                parts.append(pd.DataFrame(part))
        series = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
        return cls(runs=runs, series=series, **kwargs)

    # ------------------------------------------------------------------ points

    def point_table(self) -> pd.DataFrame:
        """One row per point: its keys (in point order)."""
        return self.runs[self.point_keys].drop_duplicates().reset_index(drop=True)

    def runs_of(self, point: int | None) -> pd.DataFrame:
        """The runs of one point (``None``: the only point of a one-point experiment)."""
        if point is None:
            if self.runs["point"].nunique() != 1:
                raise ValueError("this experiment has several points; pass point=")
            return self.runs
        rows = self.runs[self.runs["point"] == point]
        if rows.empty:
            raise ValueError(f"no point {point}; points are {sorted(self.runs['point'].unique())}")
        return rows

    # ------------------------------------------------------------------ statistics

    def metrics(self) -> list[str]:
        """The numeric figures the statistics cover: :data:`NUMERIC_KEYS`, then the
        optional figures (:data:`sim.experiments.OPTIONAL_NUMERIC_KEYS`) the runs hold,
        in summary order (e.g. ``guarantee_target_reached_day`` when the guarantee
        capacity is a target)."""
        return [k for k in (*NUMERIC_KEYS, *OPTIONAL_NUMERIC_KEYS) if k in self.runs]

    def summary(self) -> pd.DataFrame:
        """Statistics of every numeric headline figure over replications, per point.

        Returns
        -------
        pandas.DataFrame
            Long table: the point keys, ``metric``, ``mean``, ``p05``, ``median``,
            ``p95`` (percentiles of the replications, linear interpolation), ``std``,
            ``n`` (replications with a value) and ``share`` = ``n`` / replications. For
            ``*_day`` figures the statistics are over the replications in which the
            account ran out (or the target was reached: ``*_target_reached_day``), and
            ``share`` is the probability that it did. Figures: :meth:`metrics`.
        """
        out = []
        metrics = self.metrics()
        for _, grp in self.runs.groupby("point", sort=True):
            keys = grp.iloc[0][self.point_keys].to_dict()
            total = len(grp)
            for m in metrics:
                st = _stats(grp[m].to_numpy(dtype=float))
                out.append({**keys, "metric": m, **st, "share": st["n"] / total})
        return pd.DataFrame(out)

    def summary_dict(self, point: int | None = None) -> dict[str, Any]:
        """A JSON-ready record of one point, as written to ``summary.json``.

        Every numeric headline figure ``key`` holds its mean over replications, with
        ``key_p05`` and ``key_p95`` beside it; ``*_day`` figures are over the
        replications in which the account ran out (a target: was reached) and add
        ``*_share``, the share of replications in which it did (e.g.
        ``pool_exhausted_share``, ``guarantee_target_reached_share``). The figures are
        those of :meth:`metrics`. Text figures (``scenario``, ``currency``, account kinds
        such as ``pool_kind``) are kept; ``replications`` and ``seed`` added.
        """
        rows = self.runs_of(point)
        first = rows.iloc[0]
        out: dict[str, Any] = {}
        for k in self.point_keys:
            if k != "point":
                out[k] = plain(first[k])
        out["replications"] = len(rows)
        out["seed"] = int(self.seed)
        texts = [k for k in (*STRING_KEYS, *OPTIONAL_TEXT_KEYS) if k in rows]
        for k in [*texts, *self.metrics()]:
            if k in texts:
                if isinstance(first[k], str):  # (an option another point has: missing)
                    out[k] = first[k]
                continue
            st = _stats(rows[k].to_numpy(dtype=float))
            out[k] = plain(st["mean"])
            out[f"{k}_p05"] = plain(st["p05"])
            out[f"{k}_p95"] = plain(st["p95"])
            if k.endswith("_day"):
                out[_share_key(k)] = st["n"] / len(rows)
        return out

    def points(self) -> pd.DataFrame:
        """Wide table, one row per point: keys, then ``<metric>_mean/_p05/_p95``."""
        s = self.summary()
        wide = s.pivot_table(index="point", columns="metric", values=["mean", "p05", "p95"])
        wide.columns = [f"{m}_{stat}" for stat, m in wide.columns]
        cols = [f"{m}_{st}" for m in self.metrics() for st in ("mean", "p05", "p95")]
        wide = wide.reindex(columns=[c for c in cols if c in wide.columns])
        return self.point_table().merge(wide, left_on="point", right_index=True)

    def fan(self, name: str, point: int | None = 0) -> pd.DataFrame:
        """Daily quantiles of one series over replications (for fan charts).

        Parameters
        ----------
        name
            A key of :data:`SERIES`, e.g. ``"approved_cum"`` or ``"pool_remaining"``.
        point
            The point (default the first; the base of a comparison).

        Returns
        -------
        pandas.DataFrame
            ``day, date, mean, p05, median, p95`` (one row per recorded day).
        """
        if self.series.empty:
            raise ValueError("no daily series were kept (run with series=True)")
        if name not in SERIES:
            raise ValueError(f"unknown series {name!r}; series are {list(SERIES)}")
        s = self.series if point is None else self.series[self.series["point"] == point]
        g = s.groupby("day")[name]
        out = pd.DataFrame(
            {
                "mean": g.mean(),
                "p05": g.quantile(0.05),
                "median": g.median(),
                "p95": g.quantile(0.95),
            }
        ).reset_index()
        out.insert(
            1,
            "date",
            pd.Timestamp(self.scenario.horizon.start_date) + pd.to_timedelta(out["day"], unit="D"),
        )
        return out

    def fan_table(self, point: int | None = 0) -> pd.DataFrame:
        """Long table of :meth:`fan` for every series: ``series, day, date, mean, ...``."""
        if self.series.empty:
            return pd.DataFrame()
        parts = [self.fan(n, point).assign(series=n) for n in SERIES]
        out = pd.concat(parts, ignore_index=True)
        return out[["series", *[c for c in out.columns if c != "series"]]]

    def exhaustion_probability(self, point: int | None = 0) -> pd.DataFrame:
        """Probability that each quota has run out (or reached its target) by each day.

        Parameters
        ----------
        point
            The point (default the first; the base of a comparison).

        Returns
        -------
        pandas.DataFrame
            ``day, date`` and one column per quota of :data:`EXHAUSTION_QUOTAS` that the
            scenario has: the share of replications in which it first ran out on or
            before that day; for a quota that is a target in the point's runs
            (``loan_pool.kind: target``, ...), a column of
            :data:`~sim.experiments.TARGET_QUOTAS` instead
            (``loan pool target``): the share in which it had been reached.
        """
        rows = self.runs_of(point)
        days = np.arange(self.scenario.horizon.days)
        out = pd.DataFrame({"day": days})
        out["date"] = pd.Timestamp(self.scenario.horizon.start_date) + pd.to_timedelta(
            days, unit="D"
        )
        for label, col in _present_quotas(self.scenario, rows.iloc[0].to_dict()).items():
            if col not in rows:  # (rows of runs made before the figure existed)
                continue
            d = np.sort(rows[col].to_numpy(dtype=float))
            d = d[~np.isnan(d)]
            out[label] = np.searchsorted(d, days, side="right") / len(rows)
        return out

    def differences(self, metrics: Sequence[str] | None = None) -> pd.DataFrame:
        """Paired differences of every variant from the base (point 0), per figure.

        Replication ``i`` of the base and of a variant ran on the same seeds (common
        random numbers), so each difference is taken replication by replication.

        Parameters
        ----------
        metrics
            Figures to compare (default every numeric headline figure: :meth:`metrics`).

        Returns
        -------
        pandas.DataFrame
            One row per variant and figure: ``variant, metric, base_mean,
            variant_mean, diff_mean`` (mean of the paired differences), ``diff_p05,
            diff_p95`` (5th and 95th percentiles of the paired differences: where one
            replication's difference falls), ``ci_low, ci_high`` (a 90 % Student-t
            confidence interval of the mean difference), ``rel_diff`` (``diff_mean /
            base_mean``) and ``n_pairs`` (replications where both have a value; for
            ``*_day`` figures, those in which the account ran out in both).
        """
        from scipy import stats

        metrics = list(metrics or self.metrics())
        base = self.runs[self.runs["point"] == 0].set_index("replication")
        label = "variant" if "variant" in self.runs else "point"
        out = []
        for _, grp in self.runs[self.runs["point"] != 0].groupby("point", sort=True):
            var = grp.set_index("replication")
            common = base.index.intersection(var.index)
            for m in metrics:
                b = base.loc[common, m].to_numpy(dtype=float)
                v = var.loc[common, m].to_numpy(dtype=float)
                ok = ~np.isnan(b) & ~np.isnan(v)
                d = v[ok] - b[ok]
                st = _stats(d)
                bm, vm = _stats(b)["mean"], _stats(v)["mean"]
                half = np.nan
                if st["n"] > 1:
                    half = stats.t.ppf(0.95, st["n"] - 1) * st["std"] / math.sqrt(st["n"])
                out.append(
                    {
                        "variant": grp.iloc[0][label],
                        "metric": m,
                        "base_mean": bm,
                        "variant_mean": vm,
                        "diff_mean": st["mean"],
                        "diff_p05": st["p05"],
                        "diff_p95": st["p95"],
                        "ci_low": st["mean"] - half if st["n"] > 1 else np.nan,
                        "ci_high": st["mean"] + half if st["n"] > 1 else np.nan,
                        "rel_diff": st["mean"] / bm if bm and not np.isnan(bm) else np.nan,
                        "n_pairs": st["n"],
                    }
                )
        return pd.DataFrame(out)

    # ------------------------------------------------------------------ files

    def headline(self, *, lang: str = "en") -> pd.DataFrame:
        """The headline sheet of the workbook: one row per figure of ``summary.json``.

        Columns ``figure, unit, meaning``, then per point ``mean``, ``p05``, ``p95``
        over replications (prefixed with the scenario name in a comparison, ``point N``
        in a sweep; for ``*_day`` figures over the replications in which the account ran
        out).
        """
        from ..results.columns import describe, figure_unit

        labels = [self.meta.get("base"), *self.meta.get("variants", [])]
        points = sorted(self.runs["point"].unique().tolist())
        records = [self.summary_dict(p) for p in points]
        known = (*SUMMARY_KEYS, *EXTRA_KEYS, *OPTIONAL_SUMMARY_KEYS)
        figures = list(dict.fromkeys(k for rec in records for k in rec if k in known))
        rows = []
        for k in figures:
            meaning, unit = describe("summary.json", k, lang=lang, currency=self.scenario.currency)
            row: dict[str, Any] = {"figure": k, "unit": unit, "meaning": meaning}
            for i, (p, rec) in enumerate(zip(points, records, strict=True)):
                if self.kind == "compare" and i < len(labels) and labels[i]:
                    prefix = f"{labels[i]} "
                else:
                    prefix = "" if len(points) == 1 else f"point {p} "
                text = figure_unit(k) == "text"
                row[f"{prefix}mean"] = rec.get(k)
                row[f"{prefix}p05"] = None if text else rec.get(f"{k}_p05")
                row[f"{prefix}p95"] = None if text else rec.get(f"{k}_p95")
            rows.append(row)
        return pd.DataFrame(rows)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The experiment's tables, as written (see :meth:`write_tables`)."""
        tables = {"replications": self.runs, "summary": self.summary()}
        if self.kind == "compare":
            tables["comparison"] = self.differences()
        if self.kind == "sweep":
            tables["points"] = self.points()
        if not self.series.empty:
            tables["fan"] = self.fan_table(0)
        if self.kind != "sweep":
            tables["exhaustion"] = self.exhaustion_probability(0)
        return tables

    def write_tables(self, folder: str | Path, fmt: str = "csv", *, lang: str = "en") -> list[Path]:
        """Write the experiment's tables into ``folder``; return the paths.

        Always ``replications`` (= :attr:`runs`) and ``summary`` (:meth:`summary`);
        with daily series ``fan`` (:meth:`fan_table` of the first point) and
        ``exhaustion`` (:meth:`exhaustion_probability`); for comparisons
        ``comparison`` (:meth:`differences`); for sweeps ``points`` (:meth:`points`).
        Formats as in :meth:`sim.RunResult.write_tables`: CSV (rounded) or Parquet with
        ``columns.csv``, or the workbook ``tables.xlsx`` (headline sheet:
        :meth:`headline`).
        """
        from ..results import check_table_format, write_table_files
        from ..results.workbook import WORKBOOK_NAME, write_workbook

        check_table_format(fmt)
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        tables = self.tables()
        currency = self.scenario.currency
        if fmt == "xlsx":
            path = write_workbook(
                folder / WORKBOOK_NAME,
                tables,
                headline=self.headline(lang=lang),
                lang=lang,
                currency=currency,
                levers=self.levers,
            )
            return [path]
        return write_table_files(
            folder, tables, fmt, lang=lang, currency=currency, levers=self.levers
        )


def _present_quotas(scenario: Scenario, run: Mapping[str, Any]) -> dict[str, str]:
    """The quotas of :data:`EXHAUSTION_QUOTAS` the scenario has, each as
    :func:`~sim.experiments.tasks.account_day` shows it for the kinds ``run`` (a row of
    the runs table) names: a target (which never runs out: docs/model.md 7.7) by the day
    it was reached. The kinds are the run's, as a variant of a comparison may differ from
    the base ``scenario``. Whether the scenario has an account is the measure's
    declaration (:attr:`sim.model.instruments.Account.present`), by default whether it
    has the measure's section."""
    present = [
        acc.label
        for cls, acc in reported_accounts()
        if acc.label is not None
        and acc.day_key is not None
        and (acc.present(scenario) if acc.present is not None else section_present(cls, scenario))
    ]
    return dict(account_day(label, run) for label in present)
