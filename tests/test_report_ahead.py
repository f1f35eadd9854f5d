"""The report writer started ahead of the run: same report, errors that travel back, and
a command that never waits on a writer that is gone."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

import sim
from sim.errors import ReportError
from sim.reporting import ahead as ahead_module
from sim.reporting import run_report as run_report_module
from sim.reporting.ahead import ReportAhead
from sim.reporting.run_report import _pages, write_report

from .conftest import BASELINE, small_scenario
from .test_cli import _sets, invoke


@pytest.fixture(scope="module")
def result() -> sim.RunResult:
    return sim.run(small_scenario())


def test_the_writer_started_ahead_writes_the_same_report(result, tmp_path):
    with ReportAhead.start() as ahead:
        assert ahead.active
        assert ahead.submit(result, tmp_path / "ahead")
        files = ahead.write()
    assert files is not None and ahead.elapsed is not None and ahead.elapsed > 0
    here = write_report(result, tmp_path / "here", processes=1)
    assert [f.relative_to(tmp_path / "ahead") for f in files] == [
        f.relative_to(tmp_path / "here") for f in here
    ]
    for a, b in zip(files[1:], here[1:], strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def _glossary_not_drawn_again(*args, **kwargs):
    raise AssertionError("the glossary was drawn again")


def _serve_and_forbid_a_second_glossary(conn) -> None:
    """The writer's process, in which the glossary may be drawn once: ahead."""
    draw_static = ahead_module._draw_static

    def once(lang):
        drawn = draw_static(lang)
        run_report_module.draw_glossary = _glossary_not_drawn_again
        return drawn

    ahead_module._draw_static = once
    ahead_module._serve(conn, None)


def test_a_writer_told_the_language_draws_the_glossary_while_the_model_runs(result, tmp_path):
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    mine, theirs = ctx.Pipe(duplex=True)
    process = ctx.Process(target=_serve_and_forbid_a_second_glossary, args=(theirs,))
    process.start()
    theirs.close()
    with ReportAhead(process, mine) as ahead:
        ahead.prepare("en")
        assert ahead.submit(result, tmp_path / "ahead")
        files = ahead.write()  # an AssertionError from the writer is raised here
    assert files is not None
    # every page is there, in its place, the glossary last (the same report as one
    # written in one process: test_the_writer_started_ahead_writes_the_same_report)
    assert [f.stem for f in files[1:]] == [stem for stem, _ in _pages(result)]
    texts = _pdf_texts(files[0])
    assert len(texts) == len(files) - 1 and "Glossary" in texts[-1]


def test_pages_drawn_ahead_are_taken_as_they_are(result, tmp_path, monkeypatch):
    import matplotlib

    from sim.reporting.fonts import report_rc
    from sim.reporting.pages import draw_ahead

    with matplotlib.rc_context(report_rc("en")):
        drawn = draw_ahead(run_report_module.static_pages("en"))
    assert list(drawn) == ["glossary"]

    monkeypatch.setattr(run_report_module, "draw_glossary", _glossary_not_drawn_again)
    files = write_report(result, tmp_path, processes=2, drawn=drawn)
    assert (tmp_path / "figures" / "glossary.png").read_bytes() == drawn["glossary"][1]
    texts = _pdf_texts(files[0])
    assert len(texts) == len(_pages(result)) and "Glossary" in texts[-1]
    assert "What the run says" in texts[0]  # the pages in their order


def _pdf_texts(path: Path) -> list[str]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path)
    try:
        return [page.get_textpage().get_text_range().strip() for page in doc]
    finally:
        doc.close()


def test_a_report_error_comes_back_and_is_raised(result, tmp_path):
    with ReportAhead.start() as ahead:
        ahead.submit(result, tmp_path, lang="fr")
        with pytest.raises(ReportError, match="fr"):
            ahead.write()


def test_a_writer_that_is_gone_leaves_the_report_to_the_command(result, tmp_path):
    from sim.outdir import output_folder
    from sim.reporting.folders import write_run_files

    ahead = ReportAhead.start()
    os.kill(ahead._process.pid, signal.SIGKILL)
    ahead._process.join()
    with output_folder(tmp_path / "out") as build:
        write_run_files(build, result, ahead=ahead)
    assert (tmp_path / "out" / "report.pdf").stat().st_size > 1000
    pages = [stem for stem, _ in _pages(result)]  # answer, cover, ..., glossary
    assert sorted(p.stem for p in (tmp_path / "out" / "figures").glob("*.png")) == sorted(pages)
    assert not ahead.active


def test_a_writer_never_given_a_run_stops_at_once():
    ahead = ReportAhead.start()
    process = ahead._process
    ahead.close()
    assert not process.is_alive()
    assert ahead.write() is None


def test_run_command_with_the_writer_ahead(tmp_path, monkeypatch):
    # a second core counted idle, as on a quiet machine
    started = _spy_on_writers(monkeypatch)
    out = tmp_path / "out"
    r = invoke("run", str(BASELINE), "--out", str(out), *_sets())
    assert r.returncode == 0, r.stderr
    assert len(started) == 1
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["timings_s"]["report"] > 0
    assert "report.pdf" in manifest["files"] and "figures/cover.png" in manifest["files"]
    # the answer, the cover, five pages of figures and the glossary
    assert len(list((out / "figures").glob("*.png"))) == 9


def test_a_second_process_only_for_an_idle_core(monkeypatch):
    import threading

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setattr(ahead_module, "_runnable", lambda: 1.0)  # this process alone
    assert ahead_module.report_processes(None, 6) == 2
    assert ahead_module.report_processes(None, 1) == 1  # one page: nothing to share
    monkeypatch.setattr(ahead_module, "_runnable", lambda: 2.0)  # the other core is busy
    assert ahead_module.report_processes(None, 6) == 1
    assert ahead_module.report_processes(2, 6) == 2  # asked for: taken as given
    assert 0 <= ahead_module._runnable() < 10_000


def test_a_run_that_fails_while_the_writer_draws_leaves_nothing(tmp_path, monkeypatch):
    import time

    from sim.reporting import run_report

    monkeypatch.setattr(ahead_module, "report_processes", lambda *a, **k: 2)
    draw = run_report.write_pages

    def slow_pages(*args, **kwargs):  # the forked writer starts its pages late
        time.sleep(0.2)
        return draw(*args, **kwargs)

    monkeypatch.setattr(run_report, "write_pages", slow_pages)

    def failing_tables(self, folder, fmt="csv", *, lang="en"):
        raise OSError(28, "No space left on device", str(folder))

    monkeypatch.setattr(sim.RunResult, "write_tables", failing_tables)
    out = tmp_path / "out"
    r = invoke("run", str(BASELINE), "--out", str(out), *_sets())
    assert r.returncode == 2, r.stderr
    assert "No space left" in r.stderr
    time.sleep(1.5)  # a writer left running would have made its folders by now
    assert list(tmp_path.iterdir()) == []


def test_the_report_time_is_the_writers_not_the_wait_for_the_tables(tmp_path, monkeypatch):
    import time

    monkeypatch.setattr(ahead_module, "report_processes", lambda *a, **k: 2)
    write_tables = sim.RunResult.write_tables

    def slow_tables(self, *args, **kwargs):  # a workbook takes this long
        write_tables(self, *args, **kwargs)
        time.sleep(6.0)

    monkeypatch.setattr(sim.RunResult, "write_tables", slow_tables)

    def quick_report(result, folder, **kwargs):  # the writer's own work takes no time
        pdf = Path(folder) / "report.pdf"
        pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
        return [pdf]

    # patched before the writer is forked, so the writer runs it: what this test checks
    # is which span the manifest reports (the writer's, not the wait for the tables),
    # whatever the machine's load
    monkeypatch.setattr(run_report_module, "write_report", quick_report)
    out = tmp_path / "out"
    r = invoke("run", str(BASELINE), "--out", str(out), *_sets())
    assert r.returncode == 0, r.stderr
    timings = json.loads((out / "manifest.json").read_text())["timings_s"]
    assert timings["write_tables"] > 6.0
    assert 0 < timings["report"] < timings["write_tables"] - 5.0


def _spy_on_writers(monkeypatch) -> list[tuple[object, str | None]]:
    """Count a second core idle and record each writer started, with its language."""
    monkeypatch.setattr(ahead_module, "report_processes", lambda *a, **k: 2)
    started: list[tuple[object, str | None]] = []
    real_start = ReportAhead.start.__func__

    def spy(cls, lang="en"):
        writer = real_start(cls, lang)
        started.append((writer, lang))
        return writer

    monkeypatch.setattr(ReportAhead, "start", classmethod(spy))
    return started


def test_the_writer_starts_before_the_scenario_and_is_told_its_language(tmp_path, monkeypatch):
    from .test_language import _embeds_cjk_font

    started = _spy_on_writers(monkeypatch)
    told: list[str] = []
    prepare = ReportAhead.prepare

    def spy_prepare(self, lang):
        told.append(lang)
        prepare(self, lang)

    monkeypatch.setattr(ReportAhead, "prepare", spy_prepare)
    out = tmp_path / "zh"
    # the scenario, not --lang, asks for Chinese: the writer learns it once it is read
    r = invoke("run", str(BASELINE), "--out", str(out), *_sets("language=zh"))
    assert r.returncode == 0, r.stderr
    assert [lang for _, lang in started] == [None] and told == ["zh"]
    assert "Glyph" not in r.stderr
    assert _embeds_cjk_font(out / "report.pdf")


def test_a_scenario_error_stops_the_writer_started_before_it(tmp_path, monkeypatch):
    started = _spy_on_writers(monkeypatch)
    out = tmp_path / "out"
    r = invoke("run", str(BASELINE), "--out", str(out), "--set", "populaton.firms_n=100")
    assert r.returncode == 2
    assert "populaton" in r.stderr
    ((writer, _),) = started
    assert not writer.active  # closed: its process was stopped and waited for
    assert list(tmp_path.iterdir()) == []


def test_no_writer_for_replications_or_without_a_report(tmp_path, monkeypatch):
    started = _spy_on_writers(monkeypatch)
    r = invoke("run", str(BASELINE), "--no-report", "--out", str(tmp_path / "a"), *_sets())
    assert r.returncode == 0, r.stderr
    assert started == []


def test_telling_a_writer_that_is_gone_its_language_is_harmless(result, tmp_path):
    ahead = ReportAhead.start(None)
    os.kill(ahead._process.pid, signal.SIGKILL)
    ahead._process.join()
    ahead.prepare("zh")  # a broken pipe: the writer is closed, nothing raised
    assert not ahead.submit(result, tmp_path)
    assert ahead.write() is None


def test_the_writer_is_forked_with_pandas_loaded_and_the_model_code_not(tmp_path):
    """pandas, which both processes need, is imported once, before the fork; the
    scenario and model code is not yet (the writer does not need it to warm up)."""
    import subprocess
    import sys

    from .conftest import SMALL

    script = f"""
import sys
import cli
from sim.reporting import ahead
ahead.report_processes = lambda *a, **k: 2
start = ahead.ReportAhead.start.__func__
def spy(cls, lang="en"):
    print("at fork:", "pandas" in sys.modules, "sim.model.engine" in sys.modules)
    return start(cls, lang)
ahead.ReportAhead.start = classmethod(spy)
sys.argv = ["smesim", "run", {str(BASELINE)!r}, "--out", {str(tmp_path / "out")!r},
            *[a for s in {SMALL!r} for a in ("--set", s)]]
cli.main()
"""
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "at fork: True False" in r.stdout
    assert (tmp_path / "out" / "report.pdf").is_file()


def _running(pid: int) -> bool:
    """Whether process ``pid`` runs (an ended one not yet reaped does not count)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            state = fh.read().rsplit(b")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in (b"Z", b"X")


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads processes from /proc")
def test_stopping_the_writer_stops_its_page_worker_and_nothing_is_written_after(
    result, tmp_path, monkeypatch
):
    # as when Ctrl-C stops the command while the writer and its page worker draw
    import time

    from sim.reporting import run_report

    marks = tmp_path / "marks"
    marks.mkdir()
    pages = run_report._pages

    def slow_pages(result, lang="en"):
        def slow(draw):
            def page(fig):
                (marks / str(os.getpid())).touch()
                time.sleep(0.4)
                draw(fig)

            return page

        return [(stem, slow(draw)) for stem, draw in pages(result, lang)]

    monkeypatch.setattr(run_report, "_pages", slow_pages)
    out = tmp_path / "out"
    ahead = ReportAhead.start()
    assert ahead.submit(result, out)
    deadline = time.monotonic() + 30
    while len(list(marks.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    drawing = [int(m.name) for m in marks.iterdir()]
    assert len(drawing) == 2  # the writer and its page worker
    ahead.close()
    assert not any(_running(pid) for pid in drawing)
    written = sorted(p for p in out.rglob("*")) if out.exists() else []
    time.sleep(1.0)  # a worker left drawing would write its next PNG file by now
    assert (sorted(out.rglob("*")) if out.exists() else []) == written
