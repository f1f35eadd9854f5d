"""Tasks: one replication of one scenario, and the row of results it returns.

Public names: :class:`Task`, :func:`run_task`, :func:`replication_seed`, :data:`SERIES`,
:data:`EXHAUSTION_QUOTAS`, :data:`TARGET_QUOTAS`, :func:`account_day`,
:data:`EXTRA_KEYS`, :data:`OPTIONAL_NUMERIC_KEYS`, :data:`OPTIONAL_TEXT_KEYS`,
:data:`SERIES_PREFIX`, :data:`STRING_KEYS`, :func:`plain_value`.

An experiment is a list of :class:`Task` objects. Each task is one replication of one
scenario (a base scenario plus overrides): it runs :func:`sim.run` with the child seed
sequence ``np.random.SeedSequence(seed).spawn(R)[i]`` of its replication ``i`` and
returns one row of results (the task's keys, every key of
:data:`sim.results.SUMMARY_KEYS`, a few extras and, optionally, compact daily series
for fan charts). Because a task's seed depends only on the scenario seed and the
replication index, replication ``i`` gives the same numbers whichever executor runs it,
in whatever order, and every scenario of a comparison or sweep point shares the same
seeds (common random numbers).

Execution (:func:`run_tasks`): in-process when one process is asked for, else local
processes (:class:`concurrent.futures.ProcessPoolExecutor` with the ``spawn`` start
method, so it works from Jupyter), or a Dask distributed cluster when a scheduler
address is given (argument or the ``SMESIM_SCHEDULER`` environment variable). With a
``store`` folder every finished row is written at once to ``<store>/tasks/<id>.parquet``
beside a ``manifest.json`` holding the experiment's definition hash, so an interrupted
experiment resumes (``resume=True``) losing at most the tasks that were in flight.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from ..model.instruments import reported_accounts
from ..results import OPTIONAL_SUMMARY_KEYS, RegisteredKeys, RunResult
from ..results.columns import figure_unit
from ..scenario import (
    Scenario,
    apply_overrides,
    scenario_from_dict,
    scenario_to_dict,
)

#: Environment variable naming a Dask scheduler (``tcp://host:8786``) to run tasks on.
SCHEDULER_ENV = "SMESIM_SCHEDULER"

#: Daily series kept per task when ``Task.series`` is true (the fan charts):
#: name -> description. Counts and amounts are scaled like the run's aggregates.
SERIES = {
    "applications_cum": "cumulative applications submitted to lenders",
    "approved_cum": "cumulative approved applications",
    "disbursed_cum": "cumulative amount disbursed",
    "guaranteed_cum": "cumulative amount guaranteed",
    "pool_remaining": "loan pool remaining (all lender quotas or the shared pool)",
    "credit_sub_quota_remaining": "credit-loan sub-quota remaining",
    "guarantee_remaining": "guarantee capacity remaining",
    "zone_budgets_exhausted_n": "zone budgets exhausted so far",
}


class _Registered(Mapping[str, str]):
    """A mapping worked out from the measures' declared accounts each time it is read
    (:attr:`sim.model.instruments.Instrument.reported_accounts`), so that a measure
    registered later is in it."""

    def __init__(self, items: Callable[[], dict[str, str]]) -> None:
        self._items = items

    def __getitem__(self, key: str) -> str:
        return self._items()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items())

    def __len__(self) -> int:
        return len(self._items())

    def __repr__(self) -> str:
        return repr(self._items())


def _labelled(field: str, suffix: str = "") -> dict[str, str]:
    return {
        f"{acc.label}{suffix}": getattr(acc, field)
        for _, acc in reported_accounts()
        if acc.label is not None and getattr(acc, field) is not None
    }


#: Quotas whose exhaustion probability by date the reports show: label -> the column of
#: the runs table holding the day it first ran out (missing when it lasted). The accounts
#: each measure declares with a label, in rank order.
EXHAUSTION_QUOTAS: Mapping[str, str] = _Registered(lambda: _labelled("day_key"))

#: Targets (accounts of kind ``target``, which never run out) whose probability of being
#: reached by date the reports show beside :data:`EXHAUSTION_QUOTAS`: label -> the column
#: of the runs table holding the day the loans or guarantees granted first reached it
#: (missing when they did not).
TARGET_QUOTAS: Mapping[str, str] = _Registered(lambda: _labelled("target_key", " target"))

#: The summary key naming the kind of each account of :data:`EXHAUSTION_QUOTAS` that can
#: be a target (a run writes it only when the scenario names a kind: none is then a target).
_KIND_KEYS: Mapping[str, str] = _Registered(lambda: _labelled("kind_key"))


def account_day(label: str, kinds: Mapping[str, Any]) -> tuple[str, str]:
    """The label and day column under which an account of :data:`EXHAUSTION_QUOTAS` is
    shown: its own (the day it ran out), or, when ``kinds`` (a run's summary or a row of
    the runs table) names it a target, which never runs out, those of
    :data:`TARGET_QUOTAS` (the day it was reached).

    Examples
    --------
    >>> account_day("guarantee capacity", {"guarantee_kind": "target"})
    ('guarantee capacity target', 'guarantee_target_reached_day')
    >>> account_day("guarantee capacity", {})
    ('guarantee capacity', 'guarantee_exhausted_day')
    """
    if label in _KIND_KEYS and kinds.get(_KIND_KEYS[label]) == "target":
        return f"{label} target", TARGET_QUOTAS[f"{label} target"]
    return label, EXHAUSTION_QUOTAS[label]


#: Extra scalar columns each row carries besides the task keys and the summary: the first
#: day an account of a kind ran out, for the declared accounts that ask for it
#: (:attr:`sim.model.instruments.Account.first_of_kind`, e.g. any zone budget).
EXTRA_KEYS: Sequence[str] = RegisteredKeys(
    lambda: tuple(acc.day_key for _, acc in reported_accounts() if acc.first_of_kind)
)

#: Numeric figures of :data:`sim.results.OPTIONAL_SUMMARY_KEYS`: a row carries them when
#: its run's summary does, and experiments aggregate them like the others.
OPTIONAL_NUMERIC_KEYS: Sequence[str] = RegisteredKeys(
    lambda: tuple(k for k in OPTIONAL_SUMMARY_KEYS if figure_unit(k) != "text")
)

STRING_KEYS = ("scenario", "currency")
#: Text figures a row may carry (``pool_kind``...): kept as text, never aggregated.
OPTIONAL_TEXT_KEYS: Sequence[str] = RegisteredKeys(
    lambda: tuple(k for k in OPTIONAL_SUMMARY_KEYS if figure_unit(k) == "text")
)
SERIES_PREFIX = "series_"
_MAX_SERIES_POINTS = 366


# --------------------------------------------------------------------------- tasks


def replication_seed(seed: int, replication: int) -> np.random.SeedSequence:
    """The child seed sequence of one replication.

    Identical to ``np.random.SeedSequence(seed).spawn(R)[replication]`` for any
    ``R > replication``: it depends on neither the number of replications nor the order
    in which they run.

    Parameters
    ----------
    seed
        The root seed (normally the scenario's).
    replication
        The replication index, from 0.

    Returns
    -------
    numpy.random.SeedSequence
    """
    return np.random.SeedSequence(seed, spawn_key=(int(replication),))


def plain_value(value: Any) -> Any:
    """Python-native, JSON-ready copy of a value (numpy scalars, tuples, dates)."""
    if isinstance(value, Mapping):
        return {str(k): plain_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain_value(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, date):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class Task:
    """One replication of one scenario: the unit of work of every experiment.

    Parameters
    ----------
    scenario
        The scenario, validated or as its plain mapping (:func:`sim.scenario_to_dict`);
        stored as the plain mapping so a task pickles small and hashes stably.
    overrides
        ``{"path.to.field": value}`` applied to ``scenario`` before validation (values
        as in ``--set``: ``"30m"`` is parsed where the field is money).
    replication
        The replication index ``i``: the run uses :func:`replication_seed` ``(seed, i)``.
    seed
        Root seed; ``None`` means the scenario's ``seed`` (after overrides).
    keys
        Columns identifying the task in the results, e.g. ``{"point": 3, "variant":
        "old_cap", "guarantee.cap_per_firm": 2e7}``; copied into its row.
    series
        Keep compact daily series (:data:`SERIES`) for fan charts in the row.
    """

    scenario: Mapping[str, Any]
    overrides: Mapping[str, Any] = field(default_factory=dict)
    replication: int = 0
    seed: int | None = None
    keys: Mapping[str, Any] = field(default_factory=dict)
    series: bool = False

    def __post_init__(self) -> None:
        sc = self.scenario
        if isinstance(sc, Scenario):
            sc = scenario_to_dict(sc)
        object.__setattr__(self, "scenario", plain_value(sc))
        object.__setattr__(self, "overrides", plain_value(dict(self.overrides)))
        object.__setattr__(self, "keys", plain_value(dict(self.keys)))
        object.__setattr__(self, "replication", int(self.replication))
        if self.replication < 0:
            raise ValueError(f"replication must be >= 0, got {self.replication}")

    def definition(self) -> dict[str, Any]:
        """The task as a plain mapping (what its :attr:`id` hashes)."""
        return {
            "scenario": self.scenario,
            "overrides": self.overrides,
            "replication": self.replication,
            "seed": self.seed,
            "keys": self.keys,
            "series": self.series,
        }

    @property
    def id(self) -> str:
        """A stable 16-hex-digit hash of the task's definition."""
        text = json.dumps(self.definition(), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def resolved(self) -> Scenario:
        """The validated scenario this task runs (base plus overrides)."""
        data = apply_overrides(dict(self.scenario), self.overrides or None, file="<task>")
        return scenario_from_dict(data, file="<task>")

    def root_seed(self, scenario: Scenario | None = None) -> int:
        """The root seed: :attr:`seed`, else the resolved scenario's."""
        if self.seed is not None:
            return int(self.seed)
        return int((scenario or self.resolved()).seed)


def _series_days(days: int) -> np.ndarray:
    step = max(1, math.ceil(days / _MAX_SERIES_POINTS))
    idx = np.arange(0, days, step)
    if idx[-1] != days - 1:
        idx = np.append(idx, days - 1)
    return idx


def _series(result: RunResult) -> dict[str, np.ndarray]:
    """Compact daily series of a run (every day, or every few days on long horizons)."""
    days = result.scenario.horizon.days
    idx = _series_days(days)
    ts = result.timeseries
    q = result.quotas
    lv = result.levels

    def level(kinds: list[str]) -> np.ndarray:
        acc = list(q.loc[q["kind"].isin(kinds), "account"])
        if not acc:
            return np.full(len(lv), np.nan)
        return lv[acc].to_numpy(dtype=float).sum(axis=1)

    zone_days = q.loc[q["kind"] == "zone_budget", "exhausted_on"].dropna().to_numpy(float)
    zone_days.sort()
    full = {
        "applications_cum": ts["applications_n"].to_numpy(float).cumsum(),
        "approved_cum": ts["approved_n"].to_numpy(float).cumsum(),
        "disbursed_cum": ts["disbursed_amount"].to_numpy(float).cumsum(),
        "guaranteed_cum": ts["guaranteed_amount"].to_numpy(float).cumsum(),
        "pool_remaining": level(["bank_quota", "loan_pool"]),
        "credit_sub_quota_remaining": level(["credit_sub_quota"]),
        "guarantee_remaining": level(["guarantee_capacity"]),
        "zone_budgets_exhausted_n": np.searchsorted(
            zone_days, np.arange(days), side="right"
        ).astype(float),
    }
    out = {"day": idx.astype(np.int64)}
    for name, y in full.items():
        out[name] = np.asarray(y[idx], dtype=float)
    return out


def run_task(task: Task) -> dict[str, Any]:
    """Run one task and return its row of results.

    This is the function executors ship to workers; it lives here (not in a notebook)
    so that spawned processes and Dask workers can import it.

    Parameters
    ----------
    task
        The task.

    Returns
    -------
    dict
        ``{**task.keys, "replication", "seed", *SUMMARY_KEYS, *EXTRA_KEYS}`` and, when
        ``task.series``, ``series_day`` and ``series_<name>`` arrays (:data:`SERIES`).
    """
    from ..results import run

    sc = task.resolved()
    seed = task.root_seed(sc)
    result = run(sc, seed_sequence=replication_seed(seed, task.replication))
    q = result.quotas
    row: dict[str, Any] = {**task.keys, "replication": task.replication, "seed": seed}
    row.update(result.summary_dict())
    for _, acc in reported_accounts():
        if acc.first_of_kind:
            days = q.loc[q["kind"] == acc.kind, "exhausted_on"].dropna()
            row[acc.day_key] = int(days.min()) if len(days) else None
    if task.series:
        for name, y in _series(result).items():
            row[SERIES_PREFIX + name] = y
    return row
