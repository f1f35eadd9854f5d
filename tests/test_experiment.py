"""Experiments: seeds, executors, common random numbers, designs, resume and the CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
import sim.experiments.executors as executors
from sim.experiments import (
    ExperimentError,
    Task,
    grid_points,
    lhs_points,
    replication_seed,
    run_tasks,
)

from .conftest import BASELINE, SCENARIOS, SMALL, small_scenario

ROOT = Path(__file__).resolve().parents[1]
# the small baseline on 1,500 firms: a fifth of a second a run
TINY = ["population.firms_n=1500"]


@pytest.fixture(scope="module")
def tiny() -> sim.Scenario:
    return small_scenario(*TINY)


@pytest.fixture(scope="module")
def tasks(tiny) -> list[Task]:
    return [Task(tiny, replication=i, keys={"point": 0}, series=True) for i in range(4)]


@pytest.fixture(scope="module")
def serial(tasks) -> pd.DataFrame:
    return run_tasks(tasks, processes=1)


def assert_rows_equal(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Equal scalar columns and equal series arrays."""
    scalars = [c for c in a.columns if not c.startswith("series_")]
    pd.testing.assert_frame_equal(a[scalars], b[scalars])
    assert list(a.columns) == list(b.columns)
    for c in a.columns:
        if c.startswith("series_"):
            for x, y in zip(a[c], b[c], strict=True):
                np.testing.assert_array_equal(x, y)


# --------------------------------------------------------------------------- seeds


def test_replication_seed_is_the_spawned_child():
    children = np.random.SeedSequence(20241202).spawn(7)
    for i, child in enumerate(children):
        mine = replication_seed(20241202, i)
        np.testing.assert_array_equal(mine.generate_state(4), child.generate_state(4))


def test_replication_i_is_the_run_on_child_seed_i(tiny, serial):
    child = np.random.SeedSequence(tiny.seed).spawn(4)[2]
    direct = sim.run(tiny, seed_sequence=child).summary_dict()
    row = serial.iloc[2]
    for k, v in direct.items():
        if v is None:
            assert pd.isna(row[k]), k
        else:
            assert row[k] == v, k


def test_replications_are_reproducible_and_differ(tiny, serial, tasks):
    again = run_tasks(tasks, processes=1)
    assert_rows_equal(serial, again)
    assert serial["approved_n"].nunique() > 1  # different seeds, different draws


# --------------------------------------------------------------------------- executors


def test_local_processes_equal_in_process_serial(tasks, serial):
    # shuffled: the order tasks are submitted in does not matter either
    order = [2, 0, 3, 1]
    par = run_tasks([tasks[i] for i in order], processes=2)
    par = par.set_index("replication").loc[range(4)].reset_index()
    assert_rows_equal(serial[par.columns], par)


def test_dask_local_cluster_equals_local_executor(tasks, serial):
    distributed = pytest.importorskip("distributed")
    # ":0": the scheduler's HTTP endpoint takes a free port, whatever else runs here
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=":0"
    ) as cluster:
        rows = run_tasks(tasks, scheduler=cluster.scheduler_address)
        # a Client given directly is used and left open for its owner
        with distributed.Client(cluster, set_as_default=False) as client:
            again = run_tasks(tasks[:2], scheduler=client)
            assert client.status == "running"
    assert_rows_equal(serial, rows)
    assert_rows_equal(serial.iloc[:2], again)


def test_scheduler_from_environment_and_bad_addresses(tasks, monkeypatch):
    monkeypatch.setenv("SMESIM_SCHEDULER", "tcp://127.0.0.1:1")
    with pytest.raises(ExperimentError, match="cannot reach the Dask scheduler"):
        run_tasks(tasks[:1])
    with pytest.raises(ExperimentError, match="expected tcp://HOST:PORT"):
        run_tasks(tasks[:1], scheduler="no-port-here")
    # "local" overrides the environment
    assert len(run_tasks(tasks[:1], scheduler="local", processes=1)) == 1


def test_bad_override_fails_before_anything_runs(tiny, monkeypatch):
    ran = []
    monkeypatch.setattr(executors, "run_task", lambda t: ran.append(t))
    bad = [Task(tiny, replication=0), Task(tiny, {"guarantee.cap_per_firm": "-5m"}, 1)]
    with pytest.raises(sim.ScenarioError, match="guarantee.cap_per_firm"):
        run_tasks(bad, processes=1)
    assert ran == []


# --------------------------------------------------------------------------- replicate


def test_replicate_summary_has_mean_and_percentiles(tiny):
    ex = sim.replicate(tiny, 4, processes=1)
    assert len(ex.runs) == 4 and list(ex.runs["replication"]) == [0, 1, 2, 3]
    s = ex.summary_dict()
    assert s["replications"] == 4 and s["scenario"] == tiny.name and s["currency"] == "CNY"
    approved = ex.runs["approved_n"]
    assert s["approved_n"] == pytest.approx(approved.mean())
    assert approved.min() <= s["approved_n_p05"] <= s["approved_n"] <= s["approved_n_p95"]
    assert s["approved_n_p95"] <= approved.max()
    assert 0 <= s["first_bank_quota_exhausted_share"] <= 1
    assert "pool_exhausted_share" in s
    json.dumps(s)  # JSON-ready
    table = ex.summary()
    assert {"metric", "mean", "p05", "p95", "n", "share"} <= set(table.columns)
    fan = ex.fan("approved_cum")
    assert (fan["p05"] <= fan["median"]).all() and (fan["median"] <= fan["p95"]).all()
    assert fan["median"].is_monotonic_increasing
    prob = ex.exhaustion_probability()
    assert len(prob) == tiny.horizon.days
    for col in ("loan pool", "first lender quota", "guarantee capacity", "any zone budget"):
        assert prob[col].is_monotonic_increasing and prob[col].between(0, 1).all()


def test_exhaustion_probability_of_a_small_pool(tiny):
    small_pool = sim.with_overrides(
        tiny, {"loan_pool.total": "3bn", "loan_pool.credit_sub_quota": "1bn"}
    )
    ex = sim.replicate(small_pool, 3, processes=1)
    prob = ex.exhaustion_probability()
    assert prob["first lender quota"].iloc[-1] == 1.0
    first = ex.runs["first_bank_quota_exhausted_day"]
    day = int(first.min())
    assert prob["first lender quota"].iloc[day] >= 1 / 3
    assert prob["first lender quota"].iloc[day - 1] == 0


# --------------------------------------------------------------------------- targets

# the applications reading, whose pool, lender quotas and guarantee capacity are targets, on 3,000
# firms standing for its 15,000: the guarantee target is reached in most replications,
# the pool's 400 bn in none
TARGETS = ["population.firms_n=3000", "population.scale=5"]
APPLICATIONS = BASELINE.parent / "shanghai_2024_applications.yaml"


@pytest.fixture(scope="module")
def targets() -> sim.ExperimentResult:
    # the applications reading: its pool target is reached in no replication
    return sim.replicate(sim.load_scenario(APPLICATIONS, TARGETS), 4, processes=1)


def test_replications_aggregate_the_days_targets_were_reached(targets):
    from sim.experiments import NUMERIC_KEYS, OPTIONAL_NUMERIC_KEYS

    metrics = targets.metrics()
    assert metrics[: len(NUMERIC_KEYS)] == list(NUMERIC_KEYS)
    assert {"pool_target_reached_day", "guarantee_target_reached_day"} <= set(metrics)
    assert set(metrics) <= {*NUMERIC_KEYS, *OPTIONAL_NUMERIC_KEYS}
    days = targets.runs["guarantee_target_reached_day"]
    assert days.dtype == float and days.notna().any()
    s = targets.summary_dict()
    assert s["pool_kind"] == "target" and s["guarantee_kind"] == "target"
    assert s["guarantee_target_reached_share"] == days.notna().mean()
    assert s["guarantee_target_reached_day"] == pytest.approx(days.mean())
    assert s["guarantee_target_reached_day_p05"] <= s["guarantee_target_reached_day"]
    # the 400 bn floor is never reached: a share of 0, no day
    assert s["pool_target_reached_share"] == 0 and s["pool_target_reached_day"] is None
    assert s["guarantee_overshoot_amount"] == pytest.approx(
        targets.runs["guarantee_overshoot_amount"].mean()
    )
    json.dumps(s)
    table = targets.summary().set_index("metric")
    assert table.loc["guarantee_target_reached_day", "share"] == days.notna().mean()
    head = targets.headline().set_index("figure")
    assert head.loc["guarantee_target_reached_day", "mean"] == s["guarantee_target_reached_day"]
    assert head.loc["pool_kind", "mean"] == "target"


def test_exhaustion_table_shows_when_targets_were_reached(targets):
    prob = targets.exhaustion_probability()
    # a target never runs out: its column is the probability that it was reached
    assert list(prob.columns) == [
        "day",
        "date",
        "loan pool target",
        "first lender quota target",
        "credit sub-quota target",
        "guarantee capacity target",
        "any zone budget",
    ]
    days = targets.runs["guarantee_target_reached_day"]
    first = int(days.min())
    reached = prob["guarantee capacity target"]
    assert reached.iloc[first - 1] == 0 and reached.iloc[first] >= 1 / 4
    assert reached.iloc[-1] == days.notna().mean() and reached.is_monotonic_increasing
    assert (prob["loan pool target"] == 0).all()


def test_replications_table_gives_a_target_its_reached_day(targets):
    from sim.experiments import HEADLINE_KEYS
    from sim.reporting.formatting import replication_rows

    s = targets.summary_dict()
    rows = {k: mid for k, mid, _, _ in replication_rows(s, HEADLINE_KEYS)}
    # the day a target ran out is never: each account shows the day it was reached
    assert not {"guarantee_exhausted_day", "pool_exhausted_day"} & set(rows)
    share = round(100 * s["guarantee_target_reached_share"])
    assert rows["guarantee_target_reached_day"].startswith(f"reached in {share} % (mean day ")
    assert rows["pool_target_reached_day"] == "reached in 0 %"
    zh = {k: mid for k, mid, _, _ in replication_rows(s, HEADLINE_KEYS, "zh")}
    assert zh["pool_target_reached_day"] == "0%的模拟中达到"


def test_a_hard_account_keeps_its_day_of_running_out(tiny):
    ex = sim.replicate(tiny, 2, processes=1)
    from sim.experiments import NUMERIC_KEYS
    from sim.experiments.tasks import TARGET_QUOTAS

    assert not set(TARGET_QUOTAS.values()) & set(ex.metrics())
    assert set(NUMERIC_KEYS) <= set(ex.metrics())
    assert "guarantee capacity" in ex.exhaustion_probability()


def test_compare_a_target_with_a_revolving_capacity(tmp_path):
    base = sim.load_scenario(BASELINE, [*TARGETS, "horizon.days=500", "awards.round_days=[240]"])
    rev = sim.with_overrides(base, {"guarantee.kind": "revolving", "name": "revolving"})
    ex = sim.compare(base, [rev], 2, processes=1, store=tmp_path / "store")
    d = ex.differences().set_index(["variant", "metric"])
    assert ("revolving", "guarantee_target_reached_day") in d.index
    assert ex.summary_dict(1)["guarantee_kind"] == "revolving"
    assert ex.summary_dict(1)["guarantee_target_reached_share"] == 0
    assert ex.headline()["figure"].tolist().count("guarantee_kind") == 1
    # each point's exhaustion curves follow its own kinds
    assert "guarantee capacity target" in ex.exhaustion_probability(0)
    variant = ex.exhaustion_probability(1)
    assert "guarantee capacity" in variant and "guarantee capacity target" not in variant
    assert "loan pool target" in variant  # the variant's pool is still a target
    # rows read back from the task store give the same statistics
    again = sim.compare(base, [rev], 2, processes=1, store=tmp_path / "store", resume=True)
    for p in (0, 1):
        assert again.summary_dict(p) == ex.summary_dict(p)


# --------------------------------------------------------------------------- compare


def test_compare_uses_common_random_numbers(tiny):
    old_cap = sim.with_overrides(tiny, {"guarantee.cap_per_firm": "20m", "name": "old_cap"})
    ex = sim.compare(tiny, [old_cap, tiny], 3, processes=1)
    assert list(ex.point_table()["variant"]) == [tiny.name, "old_cap", f"{tiny.name}#2"]
    runs = ex.runs.set_index(["point", "replication"])
    for i in range(3):
        # same seed, so the same needs arrived: the cap changes only what happens next
        assert runs.loc[(1, i), "needs_n"] == runs.loc[(0, i), "needs_n"]
        assert runs.loc[(1, i), "seed"] == runs.loc[(0, i), "seed"]
    d = ex.differences()
    same = d[d["variant"] == f"{tiny.name}#2"]
    assert (same["diff_mean"].fillna(0) == 0).all()
    assert (same["diff_p05"].fillna(0) == 0).all() and (same["diff_p95"].fillna(0) == 0).all()
    cap = d[(d["variant"] == "old_cap") & (d["metric"] == "guaranteed_amount")].iloc[0]
    assert cap["diff_mean"] < 0  # a lower cap guarantees less
    assert cap["ci_low"] <= cap["diff_mean"] <= cap["ci_high"]
    assert cap["diff_p05"] <= cap["diff_mean"] <= cap["diff_p95"]


# --------------------------------------------------------------------------- sweep


def test_grid_points_is_the_cartesian_product():
    pts = grid_points({"a": [1, 2], "b": ["x", "y", "z"]})
    assert len(pts) == 6 and pts[0] == {"a": 1, "b": "x"} and pts[-1] == {"a": 2, "b": "z"}


def test_sweep_grid_table(tiny):
    ex = sim.sweep(
        tiny,
        vary={"guarantee.cap_per_firm": ["10m", "30m"], "awareness.initial_share": [0.2, 0.5]},
        replications=2,
        processes=1,
    )
    assert len(ex.runs) == 4 * 2
    assert ex.levers == ["guarantee.cap_per_firm", "awareness.initial_share"]
    assert sorted(ex.runs["guarantee.cap_per_firm"].unique()) == [1e7, 3e7]  # money parsed
    assert ex.runs.groupby("point")["replication"].apply(list).tolist() == [[0, 1]] * 4
    pts = ex.points()
    assert len(pts) == 4 and "guaranteed_amount_p95" in pts
    by_cap = pts.groupby("guarantee.cap_per_firm")["guaranteed_amount_mean"].mean()
    assert by_cap[3e7] > by_cap[1e7]


def test_lhs_is_reproducible_and_stratified():
    ranges = {"guarantee.cap_per_firm": ("10m", "40m"), "population.firms_n": (1000, 2000)}
    a = lhs_points(ranges, 8, seed=5, integer=["population.firms_n"])
    assert a == lhs_points(ranges, 8, seed=5, integer=["population.firms_n"])
    assert a != lhs_points(ranges, 8, seed=6, integer=["population.firms_n"])
    caps = np.array([p["guarantee.cap_per_firm"] for p in a])
    assert ((caps >= 1e7) & (caps <= 4e7)).all()
    # one point in each of the 8 strata
    assert sorted(((caps - 1e7) / 3e7 * 8).astype(int)) == list(range(8))
    assert all(isinstance(p["population.firms_n"], int) for p in a)


def test_sweep_lhs_levers_follow_the_scenario_seed(tiny):
    kw = dict(ranges={"guarantee.cap_per_firm": ("10m", "40m")}, samples=3, processes=1)
    a = sim.sweep(tiny, **kw)
    b = sim.sweep(tiny, **kw)
    pd.testing.assert_frame_equal(a.runs, b.runs)
    c = sim.sweep(sim.with_overrides(tiny, {"seed": 7}), **kw)
    assert not np.allclose(a.runs["guarantee.cap_per_firm"], c.runs["guarantee.cap_per_firm"])


# --------------------------------------------------------------------------- store


def test_resume_runs_only_the_missing_tasks(tasks, serial, tmp_path, monkeypatch):
    store = tmp_path / "store"

    def stop_after_two(done: int, total: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_tasks(tasks, processes=1, store=store, progress=stop_after_two)
    assert len(list((store / "tasks").glob("*.parquet"))) == 2

    # without --resume a store with finished tasks is refused, not overwritten
    with pytest.raises(ExperimentError, match="resume"):
        run_tasks(tasks, processes=1, store=store)

    ran: list[int] = []
    real = executors.run_task

    def counting(task: Task) -> dict:
        ran.append(task.replication)
        return real(task)

    monkeypatch.setattr(executors, "run_task", counting)
    rows = run_tasks(tasks, processes=1, store=store, resume=True)
    assert sorted(ran) == [2, 3]
    assert_rows_equal(serial, rows)
    # everything stored: resuming again runs nothing
    ran.clear()
    assert_rows_equal(serial, run_tasks(tasks, processes=1, store=store, resume=True))
    assert ran == []


def test_resume_refuses_another_experiment(tasks, tmp_path):
    store = tmp_path / "store"
    run_tasks(tasks[:1], processes=1, store=store)
    with pytest.raises(ExperimentError, match="different experiment"):
        run_tasks(tasks, processes=1, store=store, resume=True)


# --------------------------------------------------------------------------- CLI


def smesim(*args: str, **kw) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SMESIM_SCHEDULER"}
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        env=env,
        **kw,
    )


def _sets() -> list[str]:
    out = []
    for s in [*SMALL, *TINY]:
        out += ["--set", s]
    return out


def test_cli_run_replications(tmp_path):
    out = tmp_path / "r"
    r = smesim("run", str(BASELINE), "-r", "3", "-p", "1", "-o", str(out), *_sets())
    assert r.returncode == 0, r.stderr
    s = json.loads((out / "summary.json").read_text())
    assert s["replications"] == 3 and s["scenario"] == "shanghai_2024"
    assert s["approved_n_p05"] <= s["approved_n"] <= s["approved_n_p95"]
    runs = pd.read_csv(out / "tables" / "replications.csv")
    assert list(runs["replication"]) == [0, 1, 2]
    assert s["approved_n"] == pytest.approx(runs["approved_n"].mean())
    for name in [
        "report.pdf",
        "figures/uptake.png",
        "figures/quotas.png",
        "tables/fan.csv",
        "tables/exhaustion.csv",
        "manifest.json",
        "scenario.yaml",
    ]:
        assert (out / name).is_file(), name
    # the exhaustion page only when something ran out or reached its target in some run
    prob = pd.read_csv(out / "tables" / "exhaustion.csv").drop(columns=["day", "date"])
    assert (out / "figures" / "exhaustion.png").is_file() == bool(prob.to_numpy().any())
    assert not (tmp_path / "r.tasks").exists()  # the task store goes once the output is whole
    assert "approved_n" in r.stdout


def test_cli_compare_and_sweep(tmp_path):
    out = tmp_path / "c"
    r = smesim(
        "compare",
        str(BASELINE),
        str(SCENARIOS / "shanghai_2024_old_cap.yaml"),
        "-r",
        "2",
        "-p",
        "1",
        "-o",
        str(out),
        "--no-report",
        *_sets(),
    )
    assert r.returncode == 0, r.stderr
    comp = pd.read_csv(out / "tables" / "comparison.csv")
    assert {"diff_mean", "ci_low", "ci_high", "diff_p05", "diff_p95"} <= set(comp.columns)
    assert set(comp["variant"]) == {"shanghai_2024_old_cap"}
    assert len(pd.read_csv(out / "tables" / "replications.csv")) == 4
    assert "guaranteed_amount" in r.stdout and "90 % CI" in r.stdout

    out = tmp_path / "s"
    r = smesim(
        "sweep",
        str(BASELINE),
        "--vary",
        "guarantee.cap_per_firm=10m,30m",
        "-r",
        "2",
        "-p",
        "1",
        "-o",
        str(out),
        *_sets(),
    )
    assert r.returncode == 0, r.stderr
    runs = pd.read_csv(out / "tables" / "replications.csv")
    assert len(runs) == 4 and set(runs["guarantee.cap_per_firm"]) == {1e7, 3e7}
    assert (out / "figures" / "sweep_1.png").is_file()


@pytest.mark.parametrize(
    "args, message",
    [
        (["sweep", str(BASELINE), "--vary", "guarantee.cap_per_firm=10m,-5m"], "cap_per_firm"),
        (["sweep", str(BASELINE), "--vary", "guarantee.cap_per_frim=10m"], "cap_per_frim"),
        (
            ["sweep", str(BASELINE), "--vary", "a=1", "--sample", "3", "--range", "a=1:2"],
            "not both",
        ),
        (["sweep", str(BASELINE), "--sample", "3"], "--range"),
        (
            ["sweep", str(BASELINE), "--sample", "3", "--range", "guarantee.cap_per_firm=9:3"],
            "below",
        ),
        (["run", str(BASELINE), "-r", "2", "--scheduler", "tcp://127.0.0.1:1"], "Dask scheduler"),
        (["compare", str(BASELINE), str(SCENARIOS / "nope.yaml")], "nope.yaml"),
    ],
)
def test_cli_experiment_user_errors_exit_2_and_write_nothing(tmp_path, args, message):
    out = tmp_path / "x"
    r = smesim(*args, "-o", str(out))
    assert r.returncode == 2, r.stderr
    assert message in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_cli_interrupt_keeps_tasks_then_resumes(tmp_path):
    out = tmp_path / "s"
    store = tmp_path / "s.tasks"

    def args(target: Path) -> list[str]:
        return [
            "sweep",
            str(BASELINE),
            "--vary",
            "guarantee.cap_per_firm=10m,20m,30m",
            "-r",
            "12",
            "-p",
            "1",
            "-o",
            str(target),
            "--no-report",
            *_sets(),
        ]

    env = {k: v for k, v in os.environ.items() if k != "SMESIM_SCHEDULER"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", *args(out)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if len(list((store / "tasks").glob("*.parquet"))) >= 2:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert not out.exists() and not list(tmp_path.glob(".s.tmp*"))
    done = len(list((store / "tasks").glob("*.parquet")))
    assert 2 <= done < 36
    assert "--resume" in err

    r = smesim(*args(out))  # without --resume: refused, the finished tasks are not lost
    assert r.returncode == 2 and "--resume" in r.stderr
    r = smesim(*args(out), "--resume")
    assert r.returncode == 0, r.stderr
    assert len(pd.read_csv(out / "tables" / "replications.csv")) == 36
    assert not store.exists()
    r = smesim(*args(tmp_path / "fresh"))
    assert r.returncode == 0, r.stderr
    assert (out / "tables" / "replications.csv").read_text() == (
        tmp_path / "fresh" / "tables" / "replications.csv"
    ).read_text()
