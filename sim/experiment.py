"""Experiments: replications, comparisons and sweeps run as independent tasks.

Public names: :class:`Task`, :func:`run_task`, :func:`run_tasks`, :class:`ExperimentError`,
:class:`ExperimentResult`, :func:`replicate`, :func:`compare`, :func:`sweep`,
:func:`grid_points`, :func:`lhs_points`, :func:`replication_seed`, :data:`SERIES`,
:data:`EXHAUSTION_QUOTAS`.

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
import multiprocessing
import os
import signal
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import __version__
from .results import SUMMARY_KEYS, RunResult
from .scenario import (
    Scenario,
    apply_overrides,
    scenario_from_dict,
    scenario_to_dict,
)

__all__ = [
    "Task",
    "run_task",
    "run_tasks",
    "ExperimentError",
    "replication_seed",
    "SERIES",
    "EXHAUSTION_QUOTAS",
    "SCHEDULER_ENV",
]

#: Environment variable naming a Dask scheduler (``tcp://host:8786``) to run tasks on.
SCHEDULER_ENV = "SMESIM_SCHEDULER"

#: Daily series kept per task when ``Task.series`` is true (the fan charts):
#: name -> description. Counts and amounts are scaled like the run's aggregates.
SERIES = {
    "approved_cum": "cumulative approved applications",
    "disbursed_cum": "cumulative amount disbursed",
    "guaranteed_cum": "cumulative amount guaranteed",
    "pool_remaining": "loan pool remaining (all lender quotas or the shared pool)",
    "credit_sub_quota_remaining": "credit-loan sub-quota remaining",
    "guarantee_remaining": "guarantee capacity remaining",
    "zone_budgets_exhausted_n": "zone budgets exhausted so far",
}

#: Quotas whose exhaustion probability by date the reports show: label -> the column of
#: the runs table holding the day it first ran out (missing when it lasted).
EXHAUSTION_QUOTAS = {
    "loan pool": "pool_exhausted_day",
    "first lender quota": "first_bank_quota_exhausted_day",
    "credit sub-quota": "credit_sub_quota_exhausted_day",
    "guarantee capacity": "guarantee_exhausted_day",
    "any zone budget": "first_zone_budget_exhausted_day",
}

#: Extra scalar columns each row carries besides the task keys and the summary.
EXTRA_KEYS = ("first_zone_budget_exhausted_day",)

_STRING_KEYS = ("scenario", "currency")
_SERIES_PREFIX = "series_"
_MAX_SERIES_POINTS = 366


class ExperimentError(ValueError):
    """A problem with an experiment's definition, its task store or its executor.

    Raised for a store whose manifest describes another experiment, a missing optional
    dependency (Dask) or an unreachable scheduler: things the user can fix.
    """


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


def _plain(value: Any) -> Any:
    """Python-native, JSON-ready copy of a value (numpy scalars, tuples, dates)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
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
        object.__setattr__(self, "scenario", _plain(sc))
        object.__setattr__(self, "overrides", _plain(dict(self.overrides)))
        object.__setattr__(self, "keys", _plain(dict(self.keys)))
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
    from .engine import run

    sc = task.resolved()
    seed = task.root_seed(sc)
    result = run(sc, seed_sequence=replication_seed(seed, task.replication))
    q = result.quotas
    zone_days = q.loc[q["kind"] == "zone_budget", "exhausted_on"].dropna()
    row: dict[str, Any] = {**task.keys, "replication": task.replication, "seed": seed}
    row.update(result.summary_dict())
    row["first_zone_budget_exhausted_day"] = int(zone_days.min()) if len(zone_days) else None
    if task.series:
        for name, y in _series(result).items():
            row[_SERIES_PREFIX + name] = y
    return row


# --------------------------------------------------------------------------- store


class _Store:
    """One small Parquet file per finished task, and a manifest naming the experiment."""

    def __init__(self, folder: Path, definition: str, n_tasks: int):
        self.folder = folder
        self.tasks_dir = folder / "tasks"
        self.definition = definition
        self.n_tasks = n_tasks

    @property
    def manifest_path(self) -> Path:
        return self.folder / "manifest.json"

    def open(self, resume: bool) -> dict[str, dict[str, Any]]:
        """Prepare the folder; return the rows already stored (by task id) when resuming."""
        done: dict[str, dict[str, Any]] = {}
        if self.manifest_path.exists():
            try:
                stored = json.loads(self.manifest_path.read_text())
            except (OSError, ValueError):
                stored = {}
            finished = sorted(self.tasks_dir.glob("*.parquet")) if self.tasks_dir.is_dir() else []
            if not resume:
                if finished:
                    raise ExperimentError(
                        f"task store {self.folder} already holds {len(finished)} finished tasks "
                        "of an earlier experiment; resume it (--resume / resume=True) or delete "
                        "the folder to start afresh"
                    )
            elif stored.get("definition") != self.definition:
                raise ExperimentError(
                    f"task store {self.folder} belongs to a different experiment (its manifest's "
                    "definition differs: another scenario, overrides, seed, replications, "
                    "levers or smesim version); delete the folder or choose another output"
                )
            else:
                for path in finished:
                    try:
                        rec = pd.read_parquet(path).to_dict("records")[0]
                    except Exception:  # noqa: BLE001 - a torn file is simply run again
                        path.unlink(missing_ok=True)
                        continue
                    done[path.stem] = {k: _from_parquet(v) for k, v in rec.items()}
        try:
            self.tasks_dir.mkdir(parents=True, exist_ok=True)
            manifest = {
                "definition": self.definition,
                "tasks_n": self.n_tasks,
                "version": __version__,
                "format": "one Parquet file per finished task: tasks/<task id>.parquet",
            }
            _atomic_write(self.manifest_path, json.dumps(manifest, indent=2) + "\n")
        except OSError as exc:
            raise ExperimentError(
                f"task store {self.folder}: cannot be written ({exc.strerror or exc})"
            ) from None
        for stale in self.tasks_dir.glob(".*.tmp"):
            stale.unlink(missing_ok=True)
        return done

    def save(self, task_id: str, row: dict[str, Any]) -> None:
        path = self.tasks_dir / f"{task_id}.parquet"
        tmp = self.tasks_dir / f".{task_id}.tmp"
        pd.DataFrame([{k: _to_parquet(v) for k, v in row.items()}]).to_parquet(tmp, index=False)
        os.replace(tmp, path)


def _to_parquet(v: Any) -> Any:
    # an all-None column would be typed null and read back as None: fine; arrays stay arrays
    return v


def _from_parquet(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        return v.astype(np.int64) if v.dtype.kind in "iu" else v.astype(float)
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def experiment_hash(tasks: Sequence[Task]) -> str:
    """Hash of an experiment's definition: its tasks (in order) and the smesim version."""
    h = hashlib.sha256(__version__.encode())
    for t in tasks:
        h.update(t.id.encode())
    return h.hexdigest()


# --------------------------------------------------------------------------- executors


class _Progress:
    """Rich progress bar on stderr (completed tasks, elapsed, time left), or a callback."""

    def __init__(self, progress: bool | Callable[[int, int], None], total: int, done: int):
        self.callback = progress if callable(progress) else None
        self.bar = None
        self.total = total
        self.done = done
        if progress is True:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(
                TextColumn("[bold]tasks"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("elapsed"),
                TimeElapsedColumn(),
                TextColumn("left"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=False,
            )
            self.task = self.bar.add_task("tasks", total=total, completed=done)

    def __enter__(self) -> _Progress:
        if self.bar is not None:
            self.bar.start()
        if self.callback is not None:
            self.callback(self.done, self.total)
        return self

    def advance(self) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.update(self.task, completed=self.done)
        if self.callback is not None:
            self.callback(self.done, self.total)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _init_worker() -> None:
    # Ctrl-C reaches the whole process group; only the parent decides what to cancel
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _default_processes() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _run_serial(todo, on_row) -> None:
    for i, task in todo:
        on_row(i, run_task(task))


def _run_processes(todo, on_row, processes: int) -> None:
    ctx = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=processes, mp_context=ctx, initializer=_init_worker)
    futures: dict[Future, int] = {}
    ok = False
    try:
        by_index = dict(todo)
        futures = {pool.submit(run_task, task): i for i, task in todo}
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            for fut in finished:
                i = futures[fut]
                on_row(i, fut.result())
                del by_index[i]
        ok = True
    finally:
        if not ok:
            for fut in futures:
                fut.cancel()
            # tasks in flight are lost anyway; end them now rather than wait for them
            for proc in list((getattr(pool, "_processes", None) or {}).values()):
                if proc.is_alive():
                    proc.terminate()
        pool.shutdown(wait=True, cancel_futures=True)


def _dask_client(scheduler: Any) -> tuple[Any, bool]:
    """A ``distributed.Client`` for an address (owned) or the client given (not owned)."""
    if hasattr(scheduler, "submit") and hasattr(scheduler, "gather"):
        return scheduler, False
    try:
        from distributed import Client
    except ImportError:
        raise ExperimentError(
            f"a Dask scheduler was given ({scheduler}) but dask.distributed is not installed; "
            "install it with: pip install 'smesim[dask]'"
        ) from None
    try:
        return Client(str(scheduler), timeout="15s", set_as_default=False), True
    except (OSError, TimeoutError, ValueError) as exc:
        raise ExperimentError(
            f"cannot reach the Dask scheduler at {scheduler}: {exc}. Start one with "
            "'dask scheduler' and 'dask worker ADDRESS', or run locally without --scheduler"
        ) from None


def _run_dask(todo, on_row, scheduler: Any) -> None:
    from distributed import as_completed

    client, owned = _dask_client(scheduler)
    futures = []
    ok = False
    try:
        index = {}
        for i, task in todo:
            fut = client.submit(run_task, task, pure=False, key=f"smesim-task-{task.id}-{i}")
            index[fut.key] = i
            futures.append(fut)
        for fut in as_completed(futures):
            on_row(index[fut.key], fut.result())
        ok = True
    finally:
        if not ok and futures:
            try:
                client.cancel(futures)
            except Exception:  # noqa: BLE001, S110 - best effort while unwinding
                pass
        if owned:
            client.close()


def _frame(rows: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """Rows -> a DataFrame with stable dtypes whatever executor or store produced them."""
    df = pd.DataFrame.from_records(list(rows))
    for col in df.columns:
        if col.startswith(_SERIES_PREFIX) or col in _STRING_KEYS:
            continue
        if col in SUMMARY_KEYS or col in EXTRA_KEYS:
            df[col] = pd.to_numeric(df[col])
            if col.endswith("_day"):
                df[col] = df[col].astype(float)
    return df


def run_tasks(
    tasks: Sequence[Task],
    *,
    scheduler: str | None = None,
    processes: int | None = None,
    store: str | Path | None = None,
    resume: bool = False,
    progress: bool | Callable[[int, int], None] = False,
) -> pd.DataFrame:
    """Run tasks locally or on a Dask cluster and return one row per task, in task order.

    Parameters
    ----------
    tasks
        The tasks (see :class:`Task`).
    scheduler
        ``"tcp://host:port"`` of a running Dask scheduler (or a ``distributed.Client``).
        ``None`` reads the ``SMESIM_SCHEDULER`` environment variable; ``"local"`` or an
        empty value runs locally.
    processes
        Local worker processes (default: the CPUs available). ``1`` runs in this process.
    store
        Folder where each finished task's row is written as soon as it completes
        (``tasks/<id>.parquet``) with a ``manifest.json`` holding the definition hash.
    resume
        Reuse the rows found in ``store`` and run only the missing tasks. Without it a
        store that already holds finished tasks is refused.
    progress
        ``True`` shows a progress bar on stderr; a callable gets ``(done, total)``.

    Returns
    -------
    pandas.DataFrame
        One row per task: its keys, ``replication``, ``seed``, every key of
        :data:`sim.results.SUMMARY_KEYS`, :data:`EXTRA_KEYS` and, for tasks with
        ``series=True``, ``series_day`` and ``series_<name>`` columns holding arrays.
        ``*_day`` columns are floats, NaN where the account lasted.

    Raises
    ------
    ExperimentError
        A store of another experiment, Dask missing, the scheduler unreachable.
    ScenarioError
        A task's scenario or overrides are invalid (checked before anything runs).
    KeyboardInterrupt
        Pending tasks are cancelled and workers stopped first; finished rows stay stored.

    Examples
    --------
    >>> import sim
    >>> from sim.experiment import Task, run_tasks
    >>> sc = sim.load_scenario("scenarios/shanghai_2024.yaml", ["population.firms_n=1500"])
    >>> rows = run_tasks([Task(sc, replication=i) for i in range(2)], processes=1)
    >>> list(rows["replication"])
    [0, 1]
    """
    tasks = list(tasks)
    for t in tasks:
        if not isinstance(t, Task):
            raise TypeError(f"run_tasks expects Task objects, got {type(t).__name__}")
    ids = [t.id for t in tasks]
    if len(set(ids)) != len(ids):
        raise ExperimentError("two tasks of the experiment are identical (same definition)")
    # a bad scenario or override fails here, before any worker starts
    checked: dict[str, Scenario] = {}
    for t in tasks:
        k = json.dumps([t.scenario, t.overrides], sort_keys=True, default=str)
        if k not in checked:
            checked[k] = t.resolved()
    if scheduler is None:
        scheduler = os.environ.get(SCHEDULER_ENV) or None
    if isinstance(scheduler, str) and scheduler.strip().lower() in ("", "local"):
        scheduler = None

    rows: list[dict[str, Any] | None] = [None] * len(tasks)
    st = None
    if store is not None:
        st = _Store(Path(store), experiment_hash(tasks), len(tasks))
        done = st.open(resume)
        for i, tid in enumerate(ids):
            if tid in done:
                rows[i] = done[tid]
    todo = [(i, t) for i, t in enumerate(tasks) if rows[i] is None]

    with _Progress(progress, len(tasks), len(tasks) - len(todo)) as bar:

        def on_row(i: int, row: dict[str, Any]) -> None:
            if st is not None:
                st.save(ids[i], row)
            rows[i] = row
            bar.advance()

        if todo:
            if scheduler is not None:
                _run_dask(todo, on_row, scheduler)
            else:
                n = _default_processes() if processes is None else int(processes)
                if n < 1:
                    raise ExperimentError(f"processes must be at least 1, got {n}")
                n = min(n, len(todo))
                if n == 1:
                    _run_serial(todo, on_row)
                else:
                    _run_processes(todo, on_row, n)
    return _frame([r for r in rows if r is not None])
