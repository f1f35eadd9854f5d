"""Interrupting ``smesim run`` (Ctrl-C or SIGTERM) leaves the previous output or none.

Never a partial folder, never a leftover temporary folder, and always exit code 130 with
one line of explanation. The first tests interrupt a real run at a real moment; the
others place the interrupt deterministically where it is hardest to handle (while the
libraries load, while the report is written, between the two moves that put the new
output in place, and while a temporary folder is being deleted) by wrapping one
function in the ``smesim`` process.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from .conftest import BASELINE, ROOT

MESSAGE = "error: interrupted; no partial output was left behind\n"
OLD = '{"old": true}\n'


def _start(out: Path, *extra: str, prelude: str = "") -> subprocess.Popen:
    """Start ``smesim run`` on the baseline; ``prelude`` is Python run before ``cli.main()``."""
    code = textwrap.dedent(prelude) + (
        "\nimport sys, cli\nsys.argv = ['smesim', *sys.argv[1:]]\ncli.main()\n"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code, "run", str(BASELINE), "--out", str(out), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


# a previous smesim output: its manifest lists its files, so a new run may replace it
MANIFEST = '{"written_by": "smesim", "files": ["manifest.json", "summary.json"]}'


def _previous(folder: Path, present: bool) -> None:
    if present:
        (folder / "out").mkdir()
        (folder / "out" / "summary.json").write_text(OLD)
        (folder / "out" / "manifest.json").write_text(MANIFEST)


def _assert_left_whole(folder: Path, previous: bool) -> None:
    """Only the previous output (untouched) or nothing; no temporary folder of any kind."""
    names = sorted(p.name for p in folder.iterdir())
    if previous:
        assert names == ["out"], names
        assert sorted(p.name for p in (folder / "out").iterdir()) == [
            "manifest.json",
            "summary.json",
        ]
        assert (folder / "out" / "summary.json").read_text() == OLD
    else:
        assert names == [], names


@pytest.mark.parametrize("previous", [False, True], ids=["no_previous", "previous_output"])
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupted_run_leaves_previous_output_or_none(tmp_path, sig, previous):
    _previous(tmp_path, previous)
    p = _start(tmp_path / "out", "--set", "population.firms_n=300000")
    # wait until the run is under way: its temporary folder exists
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".out.tmp-*")):
        assert p.poll() is None, p.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.01)
    time.sleep(0.3)
    assert p.poll() is None, "the run ended before it could be interrupted"
    p.send_signal(sig)
    stdout, stderr = p.communicate(timeout=60)
    assert p.returncode == 130, stderr
    assert stderr == MESSAGE
    assert stdout == ""
    _assert_left_whole(tmp_path, previous)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupt_while_the_libraries_load(tmp_path, sig):
    """A signal while ``sim`` (numpy, pandas...) is imported is held, then ends the run."""
    prelude = f"""
        import os, sys

        class _Interrupt:
            def find_spec(self, name, path=None, target=None):
                if name == "pandas":
                    sys.meta_path.remove(self)
                    os.kill(os.getpid(), {int(sig)})
                return None

        sys.meta_path.insert(0, _Interrupt())
    """
    p = _start(tmp_path / "out", prelude=prelude)
    _, stderr = p.communicate(timeout=120)
    assert p.returncode == 130, stderr
    assert stderr == MESSAGE
    _assert_left_whole(tmp_path, previous=False)


@pytest.mark.parametrize("previous", [False, True], ids=["no_previous", "previous_output"])
def test_interrupt_while_the_report_is_written(tmp_path, previous):
    _previous(tmp_path, previous)
    prelude = """
        import os, signal
        from matplotlib.figure import Figure

        _savefig = Figure.savefig

        def savefig(self, *args, **kwargs):
            _savefig(self, *args, **kwargs)  # one figure is on disk, the others are not
            os.kill(os.getpid(), signal.SIGTERM)

        Figure.savefig = savefig
    """
    p = _start(tmp_path / "out", "--set", "population.firms_n=1000", prelude=prelude)
    _, stderr = p.communicate(timeout=120)
    assert p.returncode == 130, stderr
    assert stderr == MESSAGE
    _assert_left_whole(tmp_path, previous)


def test_interrupt_between_the_moves_that_put_the_output_in_place(tmp_path):
    """The old output is moved aside, then the new one into place: an interrupt between
    the two is held until both are done, so the folder is the complete new output."""
    _previous(tmp_path, True)
    prelude = """
        import os, signal
        import cli

        _replace = os.replace
        _calls = []

        def replace(src, dst):
            _replace(src, dst)
            _calls.append(dst)
            if len(_calls) == 1:
                os.kill(os.getpid(), signal.SIGINT)

        os.replace = replace
    """
    p = _start(tmp_path / "out", "--set", "population.firms_n=1000", "--no-report", prelude=prelude)
    _, stderr = p.communicate(timeout=120)
    assert p.returncode == 130, stderr
    assert stderr == MESSAGE
    assert sorted(x.name for x in tmp_path.iterdir()) == ["out"]
    out = tmp_path / "out"
    assert (out / "summary.json").read_text() != OLD
    for name in ["manifest.json", "scenario.yaml", "summary.json", "tables/applications.csv"]:
        assert (out / name).is_file(), name


def test_second_interrupt_while_cleaning_up(tmp_path):
    """A second signal while the temporary folder is deleted does not leave it behind."""
    prelude = """
        import os, signal, shutil
        import cli, sim

        _rmtree = shutil.rmtree
        _calls = []

        def rmtree(path, *args, **kwargs):
            _calls.append(path)
            if len(_calls) == 1:  # the first clean-up is cut short by a second signal
                os.kill(os.getpid(), signal.SIGTERM)
            return _rmtree(path, *args, **kwargs)

        def run(*args, **kwargs):
            raise KeyboardInterrupt

        shutil.rmtree = rmtree
        sim.run = run
    """
    p = _start(tmp_path / "out", "--set", "population.firms_n=1000", prelude=prelude)
    _, stderr = p.communicate(timeout=120)
    assert p.returncode == 130, stderr
    assert stderr == MESSAGE
    _assert_left_whole(tmp_path, previous=False)
