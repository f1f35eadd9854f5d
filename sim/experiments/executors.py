"""Executors: tasks run in-process, in local processes (``spawn``, so it works from
Jupyter) or on a Dask distributed cluster; the same rows whichever runs them.

Public names: :func:`run_tasks`, :data:`SCHEDULER_ENV`.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ExperimentError
from ..results import SUMMARY_KEYS
from .store import Store, experiment_hash
from .tasks import (
    EXTRA_KEYS,
    OPTIONAL_NUMERIC_KEYS,
    SCHEDULER_ENV,
    SERIES_PREFIX,
    STRING_KEYS,
    Task,
    run_task,
)

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
    columns = {}
    for col in df.columns:
        c = df[col]
        if not (col.startswith(SERIES_PREFIX) or col in STRING_KEYS) and (
            col in SUMMARY_KEYS or col in EXTRA_KEYS or col in OPTIONAL_NUMERIC_KEYS
        ):
            c = pd.to_numeric(c)
            if col.endswith("_day"):
                c = c.astype(float)
        columns[col] = c
    # one frame built at once (assigning a hundred columns one by one fragments it)
    return pd.DataFrame(columns, index=df.index)


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
        :data:`sim.results.SUMMARY_KEYS`, :data:`EXTRA_KEYS`, the optional summary keys
        its run wrote (:data:`sim.results.OPTIONAL_SUMMARY_KEYS`) and, for tasks with
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
    >>> from sim.experiments import Task, run_tasks
    >>> sc = sim.load_scenario("scenarios/shanghai_2024.yaml", ["population.firms_n=1500"])
    >>> rows = run_tasks([Task(sc, replication=i) for i in range(2)], processes=1)
    >>> list(rows["replication"])
    [0, 1]
    """
    tasks = list(tasks)
    ids = _checked_ids(tasks)
    scheduler = _scheduler_address(scheduler)

    n = _default_processes() if processes is None else int(processes)
    if n < 1:
        raise ExperimentError(f"processes must be at least 1, got {n}")
    # connect before touching the store: an unreachable cluster leaves nothing behind
    client, owned = _dask_client(scheduler) if scheduler is not None else (None, False)
    try:
        rows: list[dict[str, Any] | None] = [None] * len(tasks)
        st = None
        if store is not None:
            st = Store(Path(store), experiment_hash(tasks), len(tasks))
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
                    raise ExperimentError(_lost_message(exc, finished, len(tasks), st)) from None
            elif min(n, len(todo)) == 1:
                _run_serial(todo, on_row)
            else:
                _run_processes(todo, on_row, min(n, len(todo)))
    finally:
        if owned:
            client.close()
    return _frame([r for r in rows if r is not None])


def _checked_ids(tasks: list[Task]) -> list[str]:
    """The tasks' ids, once every task is a distinct :class:`Task` with a valid scenario.

    A bad scenario or override fails here, before any worker starts.
    """
    for t in tasks:
        if not isinstance(t, Task):
            raise TypeError(f"run_tasks expects Task objects, got {type(t).__name__}")
    ids = [t.id for t in tasks]
    if len(set(ids)) != len(ids):
        raise ExperimentError("two tasks of the experiment are identical (same definition)")
    checked: set[str] = set()
    for t in tasks:
        k = json.dumps([t.scenario, t.overrides], sort_keys=True, default=str)
        if k not in checked:
            t.resolved()
            checked.add(k)
    return ids


def _scheduler_address(scheduler: Any) -> Any:
    """The scheduler to use: the argument, else ``SMESIM_SCHEDULER``; None runs locally."""
    if scheduler is None:
        scheduler = os.environ.get(SCHEDULER_ENV) or None
    if isinstance(scheduler, str) and scheduler.strip().lower() in ("", "local"):
        scheduler = None
    return scheduler


def _lost_message(exc: _ClusterLost, finished: int, total: int, st: Store | None) -> str:
    """Why a Dask experiment stopped, and what the user can do with the finished tasks."""
    if st is not None:
        then = (
            f"{finished} of {total} tasks finished and are kept in the task "
            f"store {st.folder}; run the same command again with --resume "
            "(resume=True) to run only the others"
        )
    else:
        then = (
            f"{finished} of {total} tasks had finished; run the experiment "
            "again (with a task store, store=..., finished tasks would be kept "
            "for resume=True)"
        )
    return f"{exc.reason}; {then}"
