"""Experiments on a Dask cluster whose worker processes die in the middle of the run.

A worker is killed with SIGKILL from the progress callback once the first task has
finished, so the kill always lands mid-run whatever the load of the machine. Dask reruns
the tasks a dead worker held (up to ``distributed.scheduler.allowed-failures`` deaths per
task): the experiment then finishes with the same numbers as a serial run. When Dask
gives up on a task, the experiment stops with an :class:`ExperimentError` naming the task
store, the CLI exits 2 keeping that store, and ``--resume`` completes the experiment.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

import cli
import sim
import sim.experiments.executors as experiment
from sim.errors import ExperimentError

from .conftest import BASELINE, SMALL, small_scenario

distributed = pytest.importorskip("distributed")
dask = pytest.importorskip("dask")

# the small baseline on 1,500 firms: a fifth of a second a run, eight of them
TINY = ["population.firms_n=1500"]
R = 8


@pytest.fixture(scope="module")
def tiny() -> sim.Scenario:
    return small_scenario(*TINY)


@pytest.fixture(scope="module")
def serial(tiny) -> pd.DataFrame:
    return sim.replicate(tiny, R, processes=1).runs


def _cluster(allowed_failures: int) -> distributed.LocalCluster:
    # the scheduler (in this process) reads allowed-failures when it starts
    with dask.config.set({"distributed.scheduler.allowed-failures": allowed_failures}):
        return distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        )


@pytest.fixture
def cluster_retrying() -> Iterator[distributed.LocalCluster]:
    """Two single-thread worker processes; Dask reruns a task after a worker death."""
    with _cluster(allowed_failures=3) as cluster:
        yield cluster


@pytest.fixture(scope="module")
def cluster_strict() -> Iterator[distributed.LocalCluster]:
    """As above, but Dask gives up on a task at the first death of its worker.

    Shared by the tests below: each waits for the nanny to have replaced the worker the
    previous one killed.
    """
    with _cluster(allowed_failures=0) as cluster:
        yield cluster


class Killer:
    """Kill one busy worker's OS process once ``after`` tasks of the experiment finished."""

    def __init__(self, cluster: distributed.LocalCluster, after: int = 1):
        self.client = distributed.Client(cluster, set_as_default=False)
        self.client.wait_for_workers(2, timeout=120)
        self.after = after
        self.killed: int | None = None

    def __call__(self, done: int, total: int) -> None:
        if self.killed is not None or done < self.after:
            return
        # a worker holding tasks: with R - after tasks left both workers have some
        busy = [addr for addr, keys in self.client.processing().items() if keys]
        assert busy, "no worker holds a task: the kill would not land mid-run"
        pid = self.client.run(os.getpid, workers=busy[:1])[busy[0]]
        os.kill(pid, signal.SIGKILL)
        self.killed = pid

    def close(self) -> None:
        self.client.close()


def assert_same_runs(a: pd.DataFrame, b: pd.DataFrame) -> None:
    scalars = [c for c in a.columns if not c.startswith("series_")]
    pd.testing.assert_frame_equal(a[scalars], b[scalars])
    for c in a.columns:
        if c.startswith("series_"):
            for x, y in zip(a[c], b[c], strict=True):
                assert list(x) == list(y), c


def test_killed_worker_is_replaced_and_results_are_unchanged(
    tiny, serial, cluster_retrying, tmp_path
):
    killer = Killer(cluster_retrying)
    try:
        ex = sim.replicate(
            tiny,
            R,
            scheduler=cluster_retrying.scheduler_address,
            store=tmp_path / "store",
            progress=killer,
        )
        assert killer.killed is not None
        # the nanny started a new worker process in place of the killed one
        assert killer.killed not in killer.client.run(os.getpid).values()
    finally:
        killer.close()
    assert_same_runs(serial, ex.runs)
    assert len(list((tmp_path / "store" / "tasks").glob("*.parquet"))) == R


def test_task_given_up_by_dask_raises_a_clear_error_and_resume_completes(
    tiny, serial, cluster_strict, tmp_path
):
    store = tmp_path / "store"
    killer = Killer(cluster_strict)
    try:
        with pytest.raises(ExperimentError) as info:
            sim.replicate(
                tiny,
                R,
                scheduler=cluster_strict.scheduler_address,
                store=store,
                progress=killer,
            )
    finally:
        killer.close()
    msg = str(info.value)
    assert "worker" in msg and "died" in msg
    assert str(store) in msg and "resume" in msg
    kept = list((store / "tasks").glob("*.parquet"))
    assert 1 <= len(kept) < R  # the finished tasks are kept, the lost ones are not
    ex = sim.replicate(
        tiny, R, scheduler=cluster_strict.scheduler_address, store=store, resume=True
    )
    assert_same_runs(serial, ex.runs)


def test_without_a_store_the_error_says_to_rerun(tiny, cluster_strict):
    killer = Killer(cluster_strict)
    try:
        with pytest.raises(ExperimentError, match="worker.*died.*run the experiment again"):
            sim.replicate(tiny, R, scheduler=cluster_strict.scheduler_address, progress=killer)
    finally:
        killer.close()


def _cli(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli.app, list(args))
    return res.exit_code, res.output


def test_cli_exits_2_keeping_the_store_and_resume_completes(cluster_strict, tmp_path, monkeypatch):
    sets = [x for s in [*SMALL, *TINY] for x in ("--set", s)]
    common = ["run", str(BASELINE), "-r", str(R), "--no-report", *sets]
    out = tmp_path / "r"
    store = tmp_path / "r.tasks"
    killer = Killer(cluster_strict)
    advance: Callable[[Any], None] = experiment._Progress.advance

    def advance_and_kill(self: Any) -> None:
        advance(self)
        killer(self.done, self.total)

    monkeypatch.setattr(experiment._Progress, "advance", advance_and_kill)
    try:
        code, output = _cli(
            *common, "--scheduler", cluster_strict.scheduler_address, "-o", str(out)
        )
    finally:
        killer.close()
    monkeypatch.undo()
    assert killer.killed is not None
    assert code == 2, output
    assert "Traceback" not in output and "internal error" not in output
    assert str(store) in output and "--resume" in output
    assert not out.exists()
    assert store.is_dir() and list((store / "tasks").glob("*.parquet"))

    code, output = _cli(
        *common, "--scheduler", cluster_strict.scheduler_address, "-o", str(out), "--resume"
    )
    assert code == 0, output
    assert not store.exists()
    code, output = _cli(*common, "-p", "1", "-o", str(tmp_path / "serial"))
    assert code == 0, output
    pd.testing.assert_frame_equal(
        pd.read_csv(out / "tables" / "replications.csv"),
        pd.read_csv(tmp_path / "serial" / "tables" / "replications.csv"),
    )
