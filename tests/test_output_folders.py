"""Output folders: smesim replaces only its own, one writer at a time, no Windows paths.

Every command that writes a folder refuses one holding a file it did not write (exit 2,
the file named, nothing touched); a second run into a folder another run is writing is
refused at once, naming that run; the folder then holds one self-consistent output.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from sim.outdir import FolderLock, OutputError, check_replaceable, windows_path_problem

from .conftest import BASELINE, SMALL
from .test_cli import SMESIM, smesim

ROOT = Path(__file__).resolve().parents[1]
VARIANT = BASELINE.with_name("shanghai_2024_old_cap.yaml")


def _sets(*extra: str) -> list[str]:
    out: list[str] = []
    for s in [*SMALL, "population.firms_n=800", *extra]:
        out += ["--set", s]
    return out


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# each command that writes a folder, with arguments that would otherwise succeed
COMMANDS = {
    "run": ["run", str(BASELINE), *_sets(), "--no-report"],
    "replications": ["run", str(BASELINE), *_sets(), "-r", "2", "-p", "1", "--no-report"],
    "compare": ["compare", str(BASELINE), str(VARIANT), *_sets(), "-r", "2", "-p", "1"],
    "sweep": ["sweep", str(BASELINE), "--vary", "guarantee.cap_per_firm=20m,30m", "-r", "1", *_sets()],
    "sensitivity": [
        "sensitivity", str(BASELINE), "--param", "loan_pool.total=200bn:400bn",
        "--output", "uptake_rate", "--method", "morris", "--samples", "2", *_sets(),
    ],
    "calibrate": [
        "calibrate", str(BASELINE), "--targets",
        str(ROOT / "scenarios" / "targets" / "shanghai_2024_example.yaml"),
        "--fit", "behaviour.apply_intercept=-2:0", *_sets(),
    ],
    "design": [
        "design", str(BASELINE), "--lever", "guarantee.capital=1bn:4bn",
        "--target", "P(guarantee_exhausted_day < horizon) <= 0.5", *_sets(),
    ],
}  # fmt: skip


@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_folder_holding_a_users_file_is_refused_and_kept(name, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "budget_notes.docx").write_bytes(b"the user's own notes")
    (out / "data").mkdir()
    (out / "data" / "firms_list.xlsx").write_bytes(b"PK\x03\x04")
    before = _tree(out)
    r = smesim(*COMMANDS[name], "--out", str(out))
    assert r.returncode == 2, r.stderr
    assert "budget_notes.docx" in r.stderr and "did not write" in r.stderr
    assert _tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]  # no lock, temp or store


def test_own_output_is_replaced_but_not_once_a_user_adds_a_file(tmp_path):
    out = tmp_path / "o"
    assert smesim("run", str(BASELINE), *_sets(), "--no-report", "--out", str(out)).returncode == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["written_by"] == "smesim"
    assert sorted(manifest["files"]) == sorted(_tree(out))
    r = smesim("run", str(BASELINE), *_sets(), "--no-report", "--seed", "7", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert json.loads((out / "manifest.json").read_text())["seed"] == 7
    (out / "tables" / "my_pivot.csv").write_text("a,b\n")
    before = _tree(out)
    r = smesim("run", str(BASELINE), *_sets(), "--no-report", "--out", str(out))
    assert r.returncode == 2
    assert "tables/my_pivot.csv" in r.stderr
    assert _tree(out) == before


def test_a_folder_with_a_foreign_manifest_is_not_smesims(tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    (out / "manifest.json").write_text('{"files": ["manifest.json"], "tool": "other"}')
    with pytest.raises(OutputError, match="did not write"):
        check_replaceable(out)
    check_replaceable(tmp_path / "absent")
    (tmp_path / "empty").mkdir()
    check_replaceable(tmp_path / "empty")


def test_a_held_lock_refuses_a_second_writer_naming_the_holder(tmp_path):
    out = tmp_path / "o"
    with FolderLock(out, command="smesim run other.yaml"):
        r = smesim("run", str(BASELINE), *_sets(), "--no-report", "--out", str(out))
        assert r.returncode == 2
        assert f"pid {os.getpid()}" in r.stderr and "smesim run other.yaml" in r.stderr
        assert not out.exists()
        with pytest.raises(OutputError, match="another smesim run"):
            FolderLock(out).acquire()
    # released: the lock file is gone and the folder can be written
    assert not (tmp_path / ".o.lock").exists()
    with FolderLock(out):
        pass


def test_a_stale_lock_file_of_a_dead_run_does_not_block(tmp_path):
    out = tmp_path / "o"
    # a lock file left by a killed run: its content names a pid, but no process holds it
    (tmp_path / ".o.lock").write_text('{"pid": 999999, "host": "x", "command": "smesim run"}')
    r = smesim("run", str(BASELINE), *_sets(), "--no-report", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert not (tmp_path / ".o.lock").exists()


def test_two_concurrent_runs_leave_one_self_consistent_output(tmp_path):
    out = tmp_path / "o"
    first = subprocess.Popen(
        [*SMESIM, "run", str(BASELINE), "--seed", "11", "--out", str(out), "--no-report"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lock = tmp_path / ".o.lock"
    deadline = time.monotonic() + 120
    while not (lock.exists() and lock.stat().st_size) and first.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    # the first run holds the lock, paused, while the second tries (however fast it runs)
    os.kill(first.pid, signal.SIGSTOP)
    try:
        second = smesim("run", str(BASELINE), *_sets(), "--seed", "12", "--out", str(out))
    finally:
        os.kill(first.pid, signal.SIGCONT)
    _, err = first.communicate(timeout=600)
    assert first.returncode == 0, err
    assert second.returncode == 2
    assert f"pid {first.pid}" in second.stderr and "--seed 11" in second.stderr
    assert json.loads((out / "manifest.json").read_text())["seed"] == 11
    # summary and tables are those of seed 11: a fresh run of seed 11 writes the same bytes
    ref = tmp_path / "ref"
    r = smesim("run", str(BASELINE), "--seed", "11", "--out", str(ref), "--no-report")
    assert r.returncode == 0, r.stderr
    assert _tree(out / "tables") == _tree(ref / "tables")
    assert (out / "summary.json").read_bytes() == (ref / "summary.json").read_bytes()
    assert not lock.exists()


@pytest.mark.parametrize("path", ["D:\\reports\\x", "C:/reports/x", "reports\\x"])
def test_windows_paths_are_refused_not_made_literal(path, tmp_path):
    assert windows_path_problem(path)
    r = smesim("run", str(BASELINE), *_sets(), "--no-report", "--out", path, cwd=tmp_path)
    assert r.returncode == 2
    assert "write paths with /" in r.stderr
    assert list(tmp_path.iterdir()) == []
    r = smesim("validate", path + ".yaml", cwd=tmp_path)
    assert r.returncode == 2 and "write paths with /" in r.stderr
    assert windows_path_problem("reports/x") is None


def test_calibration_table_does_not_overwrite_a_users_csv(tmp_path):
    mine = tmp_path / "table.csv"
    mine.write_text("my,own\n1,2\n")
    r = smesim("calibration-table", str(BASELINE), *_sets(), "--csv", str(mine))
    assert r.returncode == 2 and "not a calibration table smesim wrote" in r.stderr
    assert mine.read_text() == "my,own\n1,2\n"
    ours = tmp_path / "ours.csv"
    for _ in range(2):  # written, then replaced: it is smesim's own
        r = smesim("calibration-table", str(BASELINE), *_sets(), "--csv", str(ours))
        assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ours.csv", "table.csv"]


def test_the_library_writes_the_folder_the_command_writes(tmp_path):
    import sim

    sets = [*SMALL, "population.firms_n=800"]
    lib = tmp_path / "lib"
    sim.write_run(sim.run(sim.load_scenario(BASELINE, sets), seed=5), lib, report=False)
    cmd = tmp_path / "cmd"
    r = smesim("run", str(BASELINE), *_sets(), "--seed", "5", "--no-report", "--out", str(cmd))
    assert r.returncode == 0, r.stderr
    ours, theirs = _tree(lib), _tree(cmd)
    assert sorted(ours) == sorted(theirs)
    assert {k: v for k, v in ours.items() if k != "manifest.json"} == {
        k: v for k, v in theirs.items() if k != "manifest.json"
    }
    assert json.loads(ours["manifest.json"])["seed"] == 5
    # and it refuses a folder holding a user's file, as the command does
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep")
    with pytest.raises(OutputError, match="notes.txt"):
        sim.write_run(sim.run(sim.load_scenario(BASELINE, sets), seed=5), tmp_path / "mine")
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep"


def test_the_library_writes_an_experiment_folder(tmp_path):
    import sim

    sc = sim.load_scenario(BASELINE, [*SMALL, "population.firms_n=500"])
    res = sim.replicate(sc, 2, processes=1)
    out = sim.write_experiment(res, tmp_path / "e", report=False)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["replications"] == 2 and manifest["written_by"] == "smesim"
    assert sorted(manifest["files"]) == sorted(_tree(out))
