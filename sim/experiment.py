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
from .jsonio import dumps, plain
from .results import SUMMARY_KEYS, RunResult
from .scenario import (
    Scenario,
    apply_overrides,
    parse_money,
    scenario_from_dict,
    scenario_to_dict,
)

__all__ = [
    "Task",
    "run_task",
    "run_tasks",
    "ExperimentError",
    "ExperimentResult",
    "replicate",
    "compare",
    "sweep",
    "grid_points",
    "lhs_points",
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
    dependency (Dask), an unreachable scheduler or a task a Dask cluster lost for good
    (its workers died): things the user can fix, or retry with ``resume=True``.
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
            elif finished and stored.get("definition") != self.definition:
                raise ExperimentError(
                    f"task store {self.folder} belongs to a different experiment (its manifest's "
                    "definition differs: another scenario, overrides, seed, replications, "
                    "levers or smesim version); delete the folder or choose another output"
                )
            elif finished:
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
            _atomic_write(self.manifest_path, dumps(manifest) + "\n")
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
        pd.DataFrame([row]).to_parquet(tmp, index=False)
        os.replace(tmp, path)


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


_Todo = list[tuple[int, Task]]
_OnRow = Callable[[int, dict[str, Any]], None]


def _run_serial(todo: _Todo, on_row: _OnRow) -> None:
    for i, task in todo:
        on_row(i, run_task(task))


def _run_processes(todo: _Todo, on_row: _OnRow, processes: int) -> None:
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
    _check_reachable(str(scheduler))
    try:
        return Client(str(scheduler), timeout="15s", set_as_default=False), True
    except (OSError, TimeoutError, ValueError) as exc:
        raise ExperimentError(
            f"cannot reach the Dask scheduler at {scheduler}: {exc}. Start one with "
            "'dask scheduler' and 'dask worker ADDRESS', or run locally without --scheduler"
        ) from None


def _check_reachable(address: str) -> None:
    """Fail fast on a malformed or unreachable ``tcp://host:port``.

    A ``distributed.Client`` that fails to connect waits for its timeout and leaves a
    half-built client whose clean-up blocks again, so plain TCP addresses are probed
    with a socket first.
    """
    import socket
    from urllib.parse import urlsplit

    text = address if "://" in address else f"tcp://{address}"
    try:
        parts = urlsplit(text)
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise ExperimentError(f"Dask scheduler address {address!r}: {exc}") from None
    if parts.scheme != "tcp":
        return  # tls://, ws://, inproc://: leave them to distributed
    if not host or port is None:
        raise ExperimentError(
            f"Dask scheduler address {address!r}: expected tcp://HOST:PORT, e.g. tcp://127.0.0.1:8786"
        )
    try:
        with socket.create_connection((host, port), timeout=5):
            pass
    except OSError as exc:
        raise ExperimentError(
            f"cannot reach the Dask scheduler at {address}: {exc.strerror or exc}. Start one with "
            "'dask scheduler' and 'dask worker ADDRESS', or run locally without --scheduler"
        ) from None


class _ClusterLost(Exception):
    """A task the Dask cluster lost for good; ``reason`` says how (for the user)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _lost_reason(exc: BaseException, key: str) -> str | None:
    """What a lost task tells the user, or ``None`` when ``exc`` is the task's own error."""
    from concurrent.futures import CancelledError

    from distributed import KilledWorker
    from distributed.comm import CommClosedError

    if isinstance(exc, KilledWorker):
        return (
            f"Dask worker processes died while running task {key} and Dask gave up on it "
            "(its distributed.scheduler.allowed-failures was reached; a worker that runs out "
            "of memory is a common cause)"
        )
    if isinstance(exc, CommClosedError | CancelledError):
        return (
            f"the Dask cluster lost task {key} ({type(exc).__name__}: {exc}): a worker or "
            "the scheduler died or became unreachable"
        )
    return None


def _run_dask(todo: _Todo, on_row: _OnRow, client: Any) -> None:
    """Run tasks on a Dask cluster.

    A task whose worker dies is run again by Dask on another worker (up to the cluster's
    ``distributed.scheduler.allowed-failures`` deaths per task), with the same seed and
    so the same row. A task Dask gives up on raises :class:`_ClusterLost`.
    """
    from distributed import as_completed

    futures = []
    ok = False
    try:
        index = {}
        for i, task in todo:
            fut = client.submit(run_task, task, pure=False, key=f"smesim-task-{task.id}-{i}")
            index[fut.key] = i
            futures.append(fut)
        for fut in as_completed(futures, loop=client.loop):
            try:
                row = fut.result()
            except Exception as exc:
                reason = _lost_reason(exc, str(fut.key))
                if reason is None:
                    raise
                raise _ClusterLost(reason) from exc
            on_row(index[fut.key], row)
        ok = True
    finally:
        if not ok and futures:
            try:
                client.cancel(futures)
            except Exception:  # noqa: BLE001, S110 - best effort while unwinding
                pass


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
        A store of another experiment, Dask missing, the scheduler unreachable, or a task
        the Dask cluster lost for good (its workers died more often than the cluster's
        ``distributed.scheduler.allowed-failures``; fewer deaths are absorbed: Dask runs
        the task again, with the same result). The message names the task store, whose
        finished tasks ``resume=True`` reuses.
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

    n = _default_processes() if processes is None else int(processes)
    if n < 1:
        raise ExperimentError(f"processes must be at least 1, got {n}")
    # connect before touching the store: an unreachable cluster leaves nothing behind
    client, owned = _dask_client(scheduler) if scheduler is not None else (None, False)
    try:
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

            if not todo:
                pass
            elif client is not None:
                try:
                    _run_dask(todo, on_row, client)
                except _ClusterLost as exc:
                    finished = sum(r is not None for r in rows)
                    if st is not None:
                        then = (
                            f"{finished} of {len(tasks)} tasks finished and are kept in the task "
                            f"store {st.folder}; run the same command again with --resume "
                            "(resume=True) to run only the others"
                        )
                    else:
                        then = (
                            f"{finished} of {len(tasks)} tasks had finished; run the experiment "
                            "again (with a task store, store=..., finished tasks would be kept "
                            "for resume=True)"
                        )
                    raise ExperimentError(f"{exc.reason}; {then}") from None
            elif min(n, len(todo)) == 1:
                _run_serial(todo, on_row)
            else:
                _run_processes(todo, on_row, min(n, len(todo)))
    finally:
        if owned:
            client.close()
    return _frame([r for r in rows if r is not None])


# --------------------------------------------------------------------------- results

#: Numeric headline figures aggregated over replications.
NUMERIC_KEYS = tuple(k for k in (*SUMMARY_KEYS, *EXTRA_KEYS) if k not in _STRING_KEYS)

#: Headline figures shown first in comparisons and sweeps.
HEADLINE_KEYS = (
    "applications_n",
    "approved_n",
    "approval_rate",
    "borrower_firms_n",
    "uptake_rate",
    "disbursed_amount",
    "guaranteed_amount",
    "guaranteed_loans_n",
    "avg_guaranteed_loan_amount",
    "unmet_demand_amount",
    "pool_used_share",
    "bank_quotas_exhausted_n",
    "guarantee_exhausted_day",
    "zone_budgets_exhausted_n",
    "relief_paid_amount",
    "savings_total_amount",
    "fiscal_cost_amount",
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
        scols = [c for c in rows.columns if c.startswith(_SERIES_PREFIX)]
        runs = rows.drop(columns=scols).reset_index(drop=True)
        order = [*point_keys, "replication", "seed", *SUMMARY_KEYS, *EXTRA_KEYS]
        runs = runs[[c for c in order if c in runs.columns] + [c for c in runs if c not in order]]
        parts = []
        if scols:
            names = [c[len(_SERIES_PREFIX) :] for c in scols if c != _SERIES_PREFIX + "day"]
            for _, r in rows.iterrows():
                day = np.asarray(r[_SERIES_PREFIX + "day"])
                part = {k: np.repeat(r[k], day.size) for k in [*point_keys, "replication"]}
                part["day"] = day
                for n in names:
                    part[n] = np.asarray(r[_SERIES_PREFIX + n], dtype=float)
                parts.append(pd.DataFrame(part))
        series = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
        return cls(runs=runs, series=series, **kwargs)

    # ------------------------------------------------------------------ points

    def point_table(self) -> pd.DataFrame:
        """One row per point: its keys (in point order)."""
        return self.runs[self.point_keys].drop_duplicates().reset_index(drop=True)

    def _runs_of(self, point: int | None) -> pd.DataFrame:
        if point is None:
            if self.runs["point"].nunique() != 1:
                raise ValueError("this experiment has several points; pass point=")
            return self.runs
        rows = self.runs[self.runs["point"] == point]
        if rows.empty:
            raise ValueError(f"no point {point}; points are {sorted(self.runs['point'].unique())}")
        return rows

    # ------------------------------------------------------------------ statistics

    def summary(self) -> pd.DataFrame:
        """Statistics of every numeric headline figure over replications, per point.

        Returns
        -------
        pandas.DataFrame
            Long table: the point keys, ``metric``, ``mean``, ``p05``, ``median``,
            ``p95`` (percentiles of the replications, linear interpolation), ``std``,
            ``n`` (replications with a value) and ``share`` = ``n`` / replications. For
            ``*_day`` figures the statistics are over the replications in which the
            account ran out, and ``share`` is the probability that it ran out.
        """
        out = []
        for _, grp in self.runs.groupby("point", sort=True):
            keys = grp.iloc[0][self.point_keys].to_dict()
            total = len(grp)
            for m in NUMERIC_KEYS:
                if m not in grp:
                    continue
                st = _stats(grp[m].to_numpy(dtype=float))
                out.append({**keys, "metric": m, **st, "share": st["n"] / total})
        return pd.DataFrame(out)

    def summary_dict(self, point: int | None = None) -> dict[str, Any]:
        """A JSON-ready record of one point, as written to ``summary.json``.

        Every numeric headline figure ``key`` holds its mean over replications, with
        ``key_p05`` and ``key_p95`` beside it; ``*_day`` figures are over the
        replications in which the account ran out and add ``*_share``, the share of
        replications in which it did (e.g. ``pool_exhausted_share``). Text figures
        (``scenario``, ``currency``) are kept; ``replications`` and ``seed`` added.
        """
        rows = self._runs_of(point)
        first = rows.iloc[0]
        out: dict[str, Any] = {}
        for k in self.point_keys:
            if k != "point":
                out[k] = plain(first[k])
        out["replications"] = len(rows)
        out["seed"] = int(self.seed)
        for k in (*SUMMARY_KEYS, *EXTRA_KEYS):
            if k in _STRING_KEYS:
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
        cols = [f"{m}_{st}" for m in NUMERIC_KEYS for st in ("mean", "p05", "p95")]
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
        """Probability that each quota has run out by each day.

        Parameters
        ----------
        point
            The point (default the first; the base of a comparison).

        Returns
        -------
        pandas.DataFrame
            ``day, date`` and one column per quota of :data:`EXHAUSTION_QUOTAS` that the
            scenario has: the share of replications in which it first ran out on or
            before that day.
        """
        rows = self._runs_of(point)
        days = np.arange(self.scenario.horizon.days)
        out = pd.DataFrame({"day": days})
        out["date"] = pd.Timestamp(self.scenario.horizon.start_date) + pd.to_timedelta(
            days, unit="D"
        )
        for label, col in _present_quotas(self.scenario).items():
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
            Figures to compare (default every numeric headline figure).

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

        metrics = list(metrics or NUMERIC_KEYS)
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

    def write_tables(self, folder: str | Path, fmt: str = "csv") -> list[Path]:
        """Write the experiment's tables into ``folder``; return the paths.

        Always ``replications`` (= :attr:`runs`) and ``summary`` (:meth:`summary`);
        with daily series ``fan`` (:meth:`fan_table` of the first point) and
        ``exhaustion`` (:meth:`exhaustion_probability`); for comparisons
        ``comparison`` (:meth:`differences`); for sweeps ``points`` (:meth:`points`).
        """
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        tables = {"replications": self.runs, "summary": self.summary()}
        if self.kind == "compare":
            tables["comparison"] = self.differences()
        if self.kind == "sweep":
            tables["points"] = self.points()
        if not self.series.empty:
            tables["fan"] = self.fan_table(0)
        if self.kind != "sweep":
            tables["exhaustion"] = self.exhaustion_probability(0)
        paths = []
        for name, df in tables.items():
            path = folder / f"{name}.{'parquet' if fmt == 'parquet' else 'csv'}"
            if fmt == "parquet":
                df.to_parquet(path, index=False)
            else:
                df.to_csv(path, index=False)
            paths.append(path)
        return paths


def _present_quotas(scenario: Scenario) -> dict[str, str]:
    """The :data:`EXHAUSTION_QUOTAS` the scenario actually has."""
    present = {
        "loan pool": True,
        "first lender quota": scenario.loan_pool.quota_mode == "bank_quotas",
        "credit sub-quota": scenario.loan_pool.credit_sub_quota is not None,
        "guarantee capacity": scenario.guarantee is not None,
        "any zone budget": scenario.cost_relief is not None,
    }
    return {k: v for k, v in EXHAUSTION_QUOTAS.items() if present[k]}


# --------------------------------------------------------------------------- designs


def _get_path(data: Mapping[str, Any], path: str) -> Any:
    node: Any = data
    for part in path.split("."):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, Mapping) and part in node:
            node = node[part]
        else:
            return None
    return node


def grid_points(vary: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Cartesian product of lever values: one ``{path: value}`` dict per point.

    Parameters
    ----------
    vary
        ``{"guarantee.cap_per_firm": ["20m", "30m"], "loan_pool.total": [...]}``; the
        last lever varies fastest.

    Returns
    -------
    list of dict
    """
    import itertools

    paths = list(vary)
    for p in paths:
        if len(vary[p]) == 0:
            raise ExperimentError(f"lever {p!r} has no values")
    return [dict(zip(paths, combo, strict=True)) for combo in itertools.product(*vary.values())]


def lhs_points(
    ranges: Mapping[str, tuple[Any, Any]],
    n: int,
    *,
    seed: int,
    integer: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """A Latin hypercube sample of ``n`` points within the lever ranges.

    Parameters
    ----------
    ranges
        ``{path: (low, high)}``; bounds may be money text (``"10m"``).
    n
        Number of points.
    seed
        Seed of :class:`scipy.stats.qmc.LatinHypercube` (normally the scenario's), so
        the same command draws the same points.
    integer
        Paths whose values are rounded to integers.

    Returns
    -------
    list of dict
    """
    import inspect

    from scipy.stats import qmc

    if n < 1:
        raise ExperimentError(f"the sample needs at least one point, got {n}")
    paths = list(ranges)
    if not paths:
        raise ExperimentError("a Latin hypercube sample needs at least one --range")
    lo = np.empty(len(paths))
    hi = np.empty(len(paths))
    for j, p in enumerate(paths):
        try:
            lo[j], hi[j] = (parse_money(x) for x in ranges[p])
        except (ValueError, TypeError) as exc:
            raise ExperimentError(f"range of {p!r}: {exc}") from None
        if not lo[j] < hi[j]:
            raise ExperimentError(f"range of {p!r}: low ({lo[j]:g}) must be below high ({hi[j]:g})")
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    if "rng" in inspect.signature(qmc.LatinHypercube).parameters:
        sampler = qmc.LatinHypercube(d=len(paths), rng=rng)
    else:  # pragma: no cover - scipy < 1.15
        sampler = qmc.LatinHypercube(d=len(paths), seed=rng)
    u = sampler.random(n)
    x = lo + u * (hi - lo)
    out = []
    for row in x:
        pt = {}
        for j, p in enumerate(paths):
            pt[p] = int(round(row[j])) if p in integer else float(row[j])
        out.append(pt)
    return out


# --------------------------------------------------------------------------- helpers


def _as_scenario(s: Scenario | str | Path) -> Scenario:
    if isinstance(s, Scenario):
        return s
    from .scenario import load_scenario

    return load_scenario(s)


def _check_replications(replications: int) -> int:
    r = int(replications)
    if r < 1:
        raise ExperimentError(f"replications must be at least 1, got {replications}")
    return r


def replicate(
    scenario: Scenario | str | Path,
    replications: int,
    *,
    seed: int | None = None,
    series: bool = True,
    scheduler: str | None = None,
    processes: int | None = None,
    store: str | Path | None = None,
    resume: bool = False,
    progress: bool | Callable[[int, int], None] = False,
) -> ExperimentResult:
    """Run ``replications`` replications of one scenario (Monte Carlo).

    Parameters
    ----------
    scenario
        A validated scenario or the path of a scenario file.
    replications
        Number of replications ``R``; replication ``i`` runs on
        ``SeedSequence(seed).spawn(R)[i]``.
    seed
        Root seed (default the scenario's).
    series
        Keep the daily series for fan charts and exhaustion probabilities.
    scheduler, processes, store, resume, progress
        Passed to :func:`run_tasks`.

    Returns
    -------
    ExperimentResult
        ``.runs`` holds one row per replication, ``.summary()`` mean/p05/p95.

    Examples
    --------
    >>> import sim
    >>> sc = sim.load_scenario("scenarios/shanghai_2024.yaml", ["population.firms_n=1500"])
    >>> ex = sim.replicate(sc, 3, processes=1)
    >>> len(ex.runs)
    3
    """
    sc = _as_scenario(scenario)
    r = _check_replications(replications)
    root = sc.seed if seed is None else int(seed)
    tasks = [Task(sc, replication=i, seed=root, keys={"point": 0}, series=series) for i in range(r)]
    rows = run_tasks(
        tasks,
        scheduler=scheduler,
        processes=processes,
        store=store,
        resume=resume,
        progress=progress,
    )
    return ExperimentResult.from_rows(
        rows, kind="replicate", scenario=sc, point_keys=["point"], replications=r, seed=root
    )


def compare(
    base: Scenario | str | Path,
    variants: Sequence[Scenario | str | Path],
    replications: int,
    *,
    labels: Sequence[str] | None = None,
    seed: int | None = None,
    series: bool = True,
    scheduler: str | None = None,
    processes: int | None = None,
    store: str | Path | None = None,
    resume: bool = False,
    progress: bool | Callable[[int, int], None] = False,
) -> ExperimentResult:
    """Run a base and variants on common random numbers and compare them.

    Every scenario runs replications ``0..R-1`` with the base's seed, so replication
    ``i`` of each scenario shares its random draws; :meth:`ExperimentResult.differences`
    then takes paired differences.

    Parameters
    ----------
    base
        The base scenario (or its file).
    variants
        One or more variant scenarios (or files).
    replications
        Replications per scenario.
    labels
        Names of base and variants in the tables (default the scenario names, made
        unique).
    seed
        Root seed (default the base's).
    series
        Keep daily series (fan charts per scenario).
    scheduler, processes, store, resume, progress
        Passed to :func:`run_tasks`.

    Returns
    -------
    ExperimentResult
        Point 0 is the base; ``.differences()`` the paired differences.
    """
    b = _as_scenario(base)
    vs = [_as_scenario(v) for v in variants]
    if not vs:
        raise ExperimentError("compare needs at least one variant")
    r = _check_replications(replications)
    root = b.seed if seed is None else int(seed)
    scenarios = [b, *vs]
    if labels is None:
        names: list[str] = []
        for s in scenarios:
            name, k = s.name, 2
            while name in names:
                name, k = f"{s.name}#{k}", k + 1
            names.append(name)
    else:
        names = [str(x) for x in labels]
        if len(names) != len(scenarios) or len(set(names)) != len(names):
            raise ExperimentError("labels must name the base and each variant, uniquely")
    tasks = [
        Task(s, replication=i, seed=root, keys={"point": p, "variant": names[p]}, series=series)
        for p, s in enumerate(scenarios)
        for i in range(r)
    ]
    rows = run_tasks(
        tasks,
        scheduler=scheduler,
        processes=processes,
        store=store,
        resume=resume,
        progress=progress,
    )
    return ExperimentResult.from_rows(
        rows,
        kind="compare",
        scenario=b,
        point_keys=["point", "variant"],
        replications=r,
        seed=root,
        meta={"base": names[0], "variants": names[1:]},
    )


def sweep(
    scenario: Scenario | str | Path,
    *,
    vary: Mapping[str, Sequence[Any]] | None = None,
    ranges: Mapping[str, tuple[Any, Any]] | None = None,
    samples: int | None = None,
    points: Sequence[Mapping[str, Any]] | None = None,
    replications: int = 1,
    seed: int | None = None,
    series: bool = False,
    scheduler: str | None = None,
    processes: int | None = None,
    store: str | Path | None = None,
    resume: bool = False,
    progress: bool | Callable[[int, int], None] = False,
) -> ExperimentResult:
    """Run a scenario over a grid, a Latin hypercube sample or given points of levers.

    Give exactly one design: ``vary`` (grid, cartesian product), ``ranges`` with
    ``samples`` (Latin hypercube seeded from the scenario seed) or ``points``. Every
    point runs replications ``0..R-1`` on the same seeds (common random numbers), so
    differences between points are not blurred by different draws.

    Parameters
    ----------
    scenario
        The scenario (or its file) the levers change.
    vary
        ``{path: [values]}`` for a grid; values as in ``--set`` (``"30m"``).
    ranges
        ``{path: (low, high)}`` for a Latin hypercube sample.
    samples
        Number of points of the Latin hypercube sample.
    points
        Explicit points, ``[{path: value, ...}, ...]``.
    replications
        Replications per point.
    seed
        Root seed (default the scenario's); also seeds the Latin hypercube.
    series
        Keep daily series (off by default: sweeps can be large).
    scheduler, processes, store, resume, progress
        Passed to :func:`run_tasks`.

    Returns
    -------
    ExperimentResult
        ``.runs`` is the tidy table: one row per point and replication, one column per
        lever holding the value the scenario resolved it to (money as a number).

    Raises
    ------
    ScenarioError
        A lever path or value is invalid for the scenario (before anything runs).
    """
    sc = _as_scenario(scenario)
    r = _check_replications(replications)
    root = sc.seed if seed is None else int(seed)
    designs = sum(x is not None for x in (vary, ranges, points))
    if designs != 1:
        raise ExperimentError(
            "give exactly one design: vary (grid), ranges+samples (LHS) or points"
        )
    base = scenario_to_dict(sc)
    if vary is not None:
        pts = grid_points(vary)
        design = {"design": "grid", "vary": _plain({k: list(v) for k, v in vary.items()})}
    elif ranges is not None:
        if samples is None:
            raise ExperimentError("a Latin hypercube sample needs samples= (--sample N)")
        integer = [
            p
            for p in ranges
            if isinstance(_get_path(base, p), int) and not isinstance(_get_path(base, p), bool)
        ]
        pts = lhs_points(ranges, samples, seed=root, integer=integer)
        design = {"design": "lhs", "ranges": _plain(dict(ranges)), "samples": samples}
    else:
        pts = [dict(p) for p in points or []]
        if not pts:
            raise ExperimentError("points is empty")
        design = {"design": "points"}
    levers = list(dict.fromkeys(k for p in pts for k in p))
    tasks = []
    for j, pt in enumerate(pts):
        resolved = _with_point(sc, pt)
        rd = scenario_to_dict(resolved)
        values = {p: _get_path(rd, p) for p in pt}
        # list- or mapping-valued levers become text so that points stay hashable keys
        keys = {"point": j, **{lv: _key_value(values.get(lv)) for lv in levers}}
        tasks += [
            Task(base, overrides=values, replication=i, seed=root, keys=keys, series=series)
            for i in range(r)
        ]
    rows = run_tasks(
        tasks,
        scheduler=scheduler,
        processes=processes,
        store=store,
        resume=resume,
        progress=progress,
    )
    return ExperimentResult.from_rows(
        rows,
        kind="sweep",
        scenario=sc,
        point_keys=["point", *levers],
        replications=r,
        seed=root,
        levers=levers,
        meta={**design, "points_n": len(pts)},
    )


def _key_value(v: Any) -> Any:
    return json.dumps(v) if isinstance(v, list | dict) else v


def _with_point(sc: Scenario, point: Mapping[str, Any]) -> Scenario:
    from .scenario import with_overrides

    return with_overrides(sc, dict(point))
