"""Exit codes as the README documents them: 0 success, 2 the user's input (or a disk that
fills up), 1 a defect of smesim (a short message; the traceback only with
``smesim --debug``), 130 interrupted."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import typer

from sim import ScenarioError
from sim.cli import _app as cli

from .conftest import BASELINE, ROOT

DEFECT = """
    import sim

    def run(*args, **kwargs):
        raise RuntimeError("boom in the engine")

    sim.run = run
"""


def _smesim(*args: str, prelude: str = "") -> subprocess.CompletedProcess:
    code = textwrap.dedent(prelude) + (
        "\nimport sys, cli\nsys.argv = ['smesim', *sys.argv[1:]]\ncli.main()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


def test_internal_error_is_exit_1_with_a_short_message_and_nothing_written(tmp_path):
    out = tmp_path / "out"
    r = _smesim(
        "run", str(BASELINE), "--out", str(out), "--set", "population.firms_n=500", prelude=DEFECT
    )
    assert r.returncode == 1, r.stderr
    assert r.stderr == (
        "error: internal error: RuntimeError: boom in the engine\n"
        "This is a defect in smesim, not in your input. Please report it with the scenario "
        "file and the command line (rerun with --debug to see the traceback).\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_debug_shows_the_traceback_of_an_internal_error(tmp_path):
    out = tmp_path / "out"
    r = _smesim(
        "--debug",
        "run",
        str(BASELINE),
        "--out",
        str(out),
        "--set",
        "population.firms_n=500",
        prelude=DEFECT,
    )
    assert r.returncode == 1
    assert r.stderr.startswith("Traceback (most recent call last):")
    assert 'File "<string>", line 5, in run' in r.stderr  # where the defect was raised
    assert "error: internal error: RuntimeError: boom in the engine" in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_full_disk_while_writing_is_exit_2_and_leaves_the_previous_output(tmp_path):
    """The machine's fault, not the input's nor smesim's: exit 2, nothing half-written."""
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "summary.json").write_text("old")
    (tmp_path / "out" / "manifest.json").write_text(
        '{"written_by": "smesim", "files": ["manifest.json", "summary.json"]}'
    )
    prelude = """
        import errno, os
        import sim.results

        _write = sim.results.RunResult.write_tables

        def write_tables(self, folder, fmt="csv", *, lang="en"):
            _write(self, folder, fmt, lang=lang)  # some tables are on disk
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(folder / "firms.csv"))

        sim.results.RunResult.write_tables = write_tables
    """
    r = _smesim(
        "run", str(BASELINE), "--out", str(tmp_path / "out"), "--set", "population.firms_n=500",
        prelude=prelude,
    )  # fmt: skip
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith("error: cannot write ")
    assert "firms.csv: No space left on device; nothing was left half-written" in r.stderr
    assert "Traceback" not in r.stderr
    assert [x.name for x in tmp_path.iterdir()] == ["out"]
    assert sorted(x.name for x in (tmp_path / "out").iterdir()) == ["manifest.json", "summary.json"]


def test_success_is_exit_0():
    r = _smesim("validate", str(BASELINE))
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""


def _guarded(exc: BaseException) -> int:
    def body() -> None:
        raise exc

    with pytest.raises(typer.Exit) as e:
        cli.guard(body)
    return e.value.exit_code


@pytest.mark.parametrize(
    ("exc", "code", "message"),
    [
        (ScenarioError("bad", file="s.yaml", field="a.b"), 2, "error: s.yaml: field 'a.b': bad"),
        (cli.UserError("output folder x: cannot be written"), 2, "error: output folder x"),
        (KeyboardInterrupt(), 130, "error: interrupted; no partial output was left behind"),
        (ValueError("oops"), 1, "error: internal error: ValueError: oops"),
        (typer.Exit(0), 0, ""),
    ],
    ids=["scenario", "user", "interrupt", "defect", "exit"],
)
def test_guard_maps_exceptions_to_exit_codes(capsys, exc, code, message):
    assert _guarded(exc) == code
    err = capsys.readouterr().err
    assert err.startswith(message)
    assert "Traceback" not in err


def test_guard_removes_temporary_folders_of_a_failed_command(tmp_path):
    def body() -> None:
        with cli.output_writer(tmp_path / "out") as build:
            (build.tmp / "half.csv").write_text("a")
            raise RuntimeError("fails after the temporary folder was made")

    with pytest.raises(typer.Exit):
        cli.guard(body)
    assert list(Path(tmp_path).iterdir()) == []


def _ended_by(body: str) -> subprocess.CompletedProcess:
    import os

    code = "import sys\nfrom sim.cli._app import _exit_now\n" + textwrap.dedent(body)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # buffered output
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120, env=env
    )


def test_the_process_ends_at_once_with_its_code_and_its_output_flushed():
    r = _ended_by("""
        print("written before the end", end="")  # buffered: stdout is a pipe
        sys.stderr.write("and a warning")
        _exit_now(2)
        print("never")
    """)
    assert (r.returncode, r.stdout, r.stderr) == (2, "written before the end", "and a warning")
    r = _ended_by('_exit_now("a message")')
    assert (r.returncode, r.stderr.strip()) == (1, "a message")


def test_the_process_waits_for_a_thread_or_child_still_running(tmp_path):
    r = _ended_by(f"""
        import threading, time
        from pathlib import Path

        def late():
            time.sleep(0.5)
            Path({str(tmp_path / "thread")!r}).write_text("done")

        threading.Thread(target=late).start()
        _exit_now(0)
    """)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "thread").read_text() == "done"
    r = _ended_by(f"""
        import multiprocessing, time
        from pathlib import Path

        def late():
            time.sleep(0.5)
            Path({str(tmp_path / "child")!r}).write_text("done")

        if __name__ == "__main__":
            multiprocessing.get_context("fork").Process(target=late).start()
            _exit_now(0)
    """)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "child").read_text() == "done"
