"""The smesim command: outputs, exit codes, and nothing written on bad input.

The commands run in this process (Typer's ``CliRunner``: the same app, exit codes and
streams as the installed command, without a new interpreter importing numpy, pandas and
matplotlib each time); the first run goes through ``python -m cli`` as a user's does.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from typer.testing import CliRunner

import cli

from .conftest import BASELINE, SMALL

SMESIM = [sys.executable, "-m", "cli"]
ROOT = Path(__file__).resolve().parents[1]


def smesim(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The command in its own process, as a user runs it (other test files use it too)."""
    return subprocess.run(
        [*SMESIM, *args], capture_output=True, text=True, cwd=cwd or ROOT, timeout=600
    )


def invoke(*args: str) -> SimpleNamespace:
    """The command in this process: its exit code, stdout and stderr."""
    res = CliRunner().invoke(cli.app, list(args))
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        raise res.exception  # an internal error: show its traceback
    return SimpleNamespace(returncode=res.exit_code, stdout=res.stdout, stderr=res.stderr)


def _sets(*extra: str) -> list[str]:
    out = []
    for s in [*SMALL, *extra]:
        out += ["--set", s]
    return out


def test_run_writes_report_tables_summary_and_manifest(tmp_path):
    out = tmp_path / "out"
    r = smesim("run", str(BASELINE), "--out", str(out), *_sets())
    assert r.returncode == 0, r.stderr
    for name in [
        "report.pdf",
        "summary.json",
        "scenario.yaml",
        "manifest.json",
        "tables/applications.csv",
        "tables/quotas.csv",
        "tables/timeseries.csv",
        "tables/savings.csv",
        "figures/cover.png",
        "figures/quotas.png",
    ]:
        assert (out / name).is_file(), name
    assert (out / "report.pdf").read_bytes()[:4] == b"%PDF"
    summary = json.loads((out / "summary.json").read_text())
    assert summary["firms_n"] == 3000
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 20241202
    assert manifest["timings_s"]["simulate"] > 0
    # the resolved scenario loads back and runs to the same summary
    r2 = invoke("run", str(out / "scenario.yaml"), "--out", str(tmp_path / "again"), "--no-report")
    assert r2.returncode == 0, r2.stderr
    assert json.loads((tmp_path / "again" / "summary.json").read_text()) == summary
    assert not list(tmp_path.glob(".*tmp*"))


def test_run_parquet_and_seed(tmp_path):
    out = tmp_path / "p"
    r = invoke(
        "run",
        str(BASELINE),
        "-o",
        str(out),
        "--seed",
        "3",
        "--format",
        "parquet",
        "--no-report",
        *_sets(),
    )
    assert r.returncode == 0, r.stderr
    assert (out / "tables" / "applications.parquet").is_file()
    assert json.loads((out / "manifest.json").read_text())["seed"] == 3


def test_validate_and_show():
    r = invoke("validate", str(BASELINE))
    assert r.returncode == 0 and "valid" in r.stdout
    r = invoke("show", str(ROOT / "scenarios" / "shanghai_2024_old_cap.yaml"), "--set", "seed=9")
    assert r.returncode == 0
    shown = yaml.safe_load(r.stdout)
    assert shown["guarantee"]["cap_per_firm"] == 20e6
    assert shown["seed"] == 9
    assert shown["loan_pool"]["total"] == 400e9


BAD = {
    "misspelt_key": ({"loan_pool": {"totl": "400bn"}}, "loan_pool.totl"),
    "wrong_type": ({"horizon": {"days": "a year"}}, "horizon.days"),
    "negative_budget": ({"cost_relief": {"budget": "-15bn"}}, "cost_relief.budget"),
    "shares_not_summing": (
        {"population": {"sectors": {"manufacturing": 0.5, "other": 0.2}}},
        "population",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_scenario_exit_2_names_field_writes_nothing(tmp_path, case):
    patch, field = BAD[case]
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"extends": str(BASELINE), **patch}))
    out = tmp_path / "out"
    r = invoke("run", str(bad), "--out", str(out))
    assert r.returncode == 2, r.stderr
    assert field in r.stderr
    assert str(bad) in r.stderr
    assert "Traceback" not in r.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]


def test_unwritable_output_folder_is_a_user_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = invoke("run", str(BASELINE), "--out", str(blocker / "sub"), *_sets())
    assert r.returncode == 2
    assert "output folder" in r.stderr


def test_previous_output_is_replaced_whole(tmp_path):
    out = tmp_path / "out"
    r = invoke("run", str(BASELINE), "-o", str(out), *_sets())
    assert r.returncode == 0, r.stderr
    assert (out / "report.pdf").exists()
    r = invoke("run", str(BASELINE), "-o", str(out), "--no-report", *_sets())
    assert r.returncode == 0, r.stderr
    assert not (out / "report.pdf").exists()  # the previous run's file, not this one's
    assert (out / "summary.json").exists()
