"""Every JSON file smesim writes parses with a strict parser: no NaN, no Infinity."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
from typer.testing import CliRunner

import sim
from cli import app
from sim.experiments import Task, run_tasks
from sim.jsonio import dumps, plain, write_json

from .conftest import BASELINE, HARD_CAPS, SCENARIOS, SMALL, small_scenario
from .test_calibration import SHORT
from .test_design import TINY_POOL
from .test_sensitivity import TINY


def _refuse(name: str) -> None:
    raise ValueError(f"non-standard JSON constant {name}")


def strict_load(path: Path) -> object:
    """Parse ``path`` as JavaScript, Go or jq would: NaN and Infinity are refused."""
    return json.loads(path.read_text(), parse_constant=_refuse)


def _assert_all_strict(folder: Path, expected: set[str]) -> dict[str, object]:
    found = {str(p.relative_to(folder)): p for p in sorted(folder.rglob("*.json"))}
    assert expected <= set(found), sorted(found)
    return {name: strict_load(p) for name, p in found.items()}


def _sets(*overrides: str) -> list[str]:
    return [a for s in overrides for a in ("--set", s)]


def _invoke(*args: str) -> None:
    r = CliRunner().invoke(app, list(args))
    assert r.exit_code == 0, r.output


# ---------------------------------------------------------------- the helper


def test_dumps_writes_missing_and_non_finite_numbers_as_null():
    data = {
        "nan": float("nan"),
        "inf": -math.inf,
        "np": [np.float64("nan"), np.float32(1.5), np.int64(3), np.bool_(True)],
        "arr": np.array([1.0, np.inf]),
        "na": pd.NA,
        np.int64(7): {"nested": (np.nan, 2)},
        "path": Path("a") / "b",
    }
    text = dumps(data)
    assert json.loads(text, parse_constant=_refuse) == {
        "nan": None,
        "inf": None,
        "np": [None, 1.5, 3, True],
        "arr": [1.0, None],
        "na": None,
        "7": {"nested": [None, 2]},
        "path": str(Path("a") / "b"),
    }


def test_dumps_keeps_plain_values_byte_for_byte():
    data = {"a": 0.1, "b": [1, 2.5e-17, None, "x"], "c": {"d": True, "e": 123456789.125}}
    assert dumps(data) == json.dumps(data, indent=2)
    assert plain(data) == data


def test_write_json_adds_the_final_newline(tmp_path):
    write_json(tmp_path / "x.json", {"a": float("nan")})
    assert (tmp_path / "x.json").read_text() == '{\n  "a": null\n}\n'


# ---------------------------------------------------------------- every writer


def test_run_summary_and_manifest_are_strict(tmp_path):
    out = tmp_path / "run"
    _invoke("run", str(BASELINE), *_sets(*SMALL, *TINY), "--no-report", "--out", str(out))
    files = _assert_all_strict(out, {"summary.json", "manifest.json"})
    # a figure that is missing (no exhaustion within the horizon) is null, not NaN
    assert all(v is None or not isinstance(v, float) or math.isfinite(v)
               for v in files["summary.json"].values())  # fmt: skip


def test_replications_compare_and_sweep_are_strict(tmp_path):
    sets = _sets(*SMALL, *TINY)
    common = ["-r", "2", "-p", "1", "--no-report", *sets]
    _invoke("run", str(BASELINE), *common, "--out", str(tmp_path / "rep"))
    _assert_all_strict(tmp_path / "rep", {"summary.json", "manifest.json"})
    old_cap = SCENARIOS / "shanghai_2024_old_cap.yaml"
    _invoke("compare", str(BASELINE), str(old_cap), *common, "--out", str(tmp_path / "cmp"))
    _assert_all_strict(tmp_path / "cmp", {"summary.json", "manifest.json"})
    _invoke(
        "sweep", str(BASELINE), "--vary", "guarantee.cap_per_firm=10m,30m", *common,
        "--out", str(tmp_path / "swp"),
    )  # fmt: skip
    _assert_all_strict(tmp_path / "swp", {"summary.json", "manifest.json"})


def test_task_store_manifest_is_strict(tmp_path):
    store = tmp_path / "store"
    sc = small_scenario(*TINY)
    run_tasks([Task(sc, seed=1)], processes=1, store=store)
    _assert_all_strict(store, {"manifest.json"})


def test_sensitivity_manifest_is_strict(tmp_path):
    out = tmp_path / "sens"
    _invoke(
        "sensitivity", str(BASELINE), *_sets(*SMALL, *TINY),
        "--param", "behaviour.apply_intercept=-2:0", "--param", "banks.appetite_noise_sd=0.1:1",
        "--output", "uptake_rate", "--output", "pool_exhausted_day",
        "--method", "morris", "--samples", "2", "-p", "1", "--out", str(out),
    )  # fmt: skip
    _assert_all_strict(out, {"manifest.json"})


def test_calibrate_fit_json_is_strict_where_figures_are_missing(tmp_path):
    targets = tmp_path / "t.yaml"
    targets.write_text(
        "name: t\nsummary:\n  - {key: approval_rate, value: 0.73}\n"
        "cumulative:\n  - of: disbursed_amount\n    points: [{day: 90, value: 1.5bn}]\n"
    )
    out = tmp_path / "cal"
    _invoke(
        "calibrate", str(BASELINE), "--targets", str(targets), *_sets(*SMALL, *SHORT),
        "--fit", "behaviour.apply_intercept=-2:0",
        "-r", "1", "--global-points", "4", "--polish-evals", "4", "--refits", "1",
        "--out", str(out),
    )  # fmt: skip
    files = _assert_all_strict(out, {"fit.json", "manifest.json"})
    # a summary target has no day: the table's missing value was written as NaN
    rows = {r["kind"]: r for r in files["fit.json"]["observed_vs_simulated"]}
    assert rows["summary"]["day"] is None and rows["cumulative"]["day"] == 90


def test_design_json_is_strict(tmp_path):
    out = tmp_path / "d"
    _invoke(
        "design", str(HARD_CAPS), *_sets(*SMALL, *TINY_POOL),
        "--lever", "loan_pool.total=0.2bn:6bn", "--target", "P(pool_exhausted_day <= 119) <= 0.5",
        "-r", "2", "--tol", "0.2", "-p", "1", "--out", str(out),
    )  # fmt: skip
    _assert_all_strict(out, {"design.json"})


def test_library_summary_text_is_strict():
    res = sim.run(small_scenario(*TINY), seed=1)
    json.loads(dumps(res.summary_dict()), parse_constant=_refuse)
