"""A report writer started ahead of the run: it loads the plotting code while the model runs.

``smesim run`` starts one, when a report is asked for and a second core is idle, once it
has imported pandas (which both processes need) and before it reads the scenario. The
forked process imports matplotlib, the report pages and the PDF tools and loads the fonts
while the command reads the scenario and runs the model on the other core (the report's
language, once the scenario has given it, follows with :meth:`ReportAhead.prepare`; the
pages that do not depend on the run, the glossary, are then drawn at once).
Once the run is done it receives the result (pickled: a few MB, a few ms) and writes the
report into the output folder being built, with its own page worker, while the command
writes the tables.

Whatever goes wrong in the forked process, the command is not left waiting: a report
error (:class:`sim.errors.ReportError`, e.g. a missing font) comes back and is raised;
a crash or a lost process makes :meth:`ReportAhead.write` return ``None`` and the caller
writes the report itself.

Public names: :class:`ReportAhead`, :func:`report_processes`.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["ReportAhead", "report_processes"]


def _runnable() -> float:
    """Processes running or ready to run now, this one among them.

    Linux counts them at this instant (``/proc/loadavg``, fourth field); elsewhere the
    one-minute load average stands in. The instant matters: a report takes a second or
    two, and right after an experiment's workers have finished the one-minute average
    still counts them.
    """
    try:
        with open("/proc/loadavg") as fh:
            return float(fh.read().split()[3].split("/")[0])
    except (OSError, IndexError, ValueError):
        pass
    try:
        return os.getloadavg()[0]
    except OSError:
        return 0.0


def report_processes(processes: int | None, n_pages: int) -> int:
    """Processes to draw report pages with: 2 when a second core and ``fork`` are at hand.

    ``processes`` (1 or 2) is taken as given; ``None`` asks for 2 with at least two pages,
    two cores for this process and one of them idle (:func:`_runnable`: processes
    running or ready to run, this one among them, at most the cores less one), the
    ``fork`` start method and no other thread running; else 1.
    """
    import multiprocessing
    import threading

    if processes is not None:
        return max(1, min(int(processes), 2))
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    busy = _runnable()
    ok = (
        n_pages >= 2
        and cores >= 2
        # a second process pays only if a core is idle for it
        and busy <= cores - 1
        and "fork" in multiprocessing.get_all_start_methods()
        # forking a process that runs other threads (a notebook kernel, a Dask worker)
        # can copy a lock another thread holds; daemonic processes may not have children
        and threading.active_count() == 1
        and not multiprocessing.current_process().daemon
    )
    return 2 if ok else 1


#: The message that gives the writer the report's language ahead of the run.
_LANGUAGE = b"lang:"


def _warm(lang: str | None) -> None:
    """Import and load what a report needs before its first page is drawn (and, with
    ``lang``, the fonts of that language)."""
    import fontTools.subset  # noqa: F401 - embedding fonts in the PDF
    import pypdfium2  # noqa: F401 - the PNG files (rendered)
    from matplotlib import font_manager
    from matplotlib.backends import backend_pdf  # noqa: F401
    from PIL import Image, PngImagePlugin  # noqa: F401 - the PNG files (written)

    from . import run_report  # noqa: F401 - matplotlib, pandas plotting code

    # the font list and DejaVu Sans (regular and bold), as the first text would load them
    for weight in ("normal", "bold"):
        font_manager.get_font(font_manager.findfont(font_manager.FontProperties(weight=weight)))
    if lang is not None:
        _warm_language(lang)


def _warm_language(lang: str) -> None:
    """Load the fonts of a report in ``lang`` (Chinese: the CJK font)."""
    if lang == "zh":
        from matplotlib import font_manager

        from .fonts import cjk_font

        family = cjk_font(required=False)
        if family is not None:
            font_manager.get_font(font_manager.findfont(family))


#: Resolution of the PNG files of the pages drawn ahead (the reports' default).
_AHEAD_DPI = 110


def _draw_static(lang: str) -> dict[str, Any]:
    """The pages of a run report in ``lang`` that do not depend on the run, drawn now
    (:func:`sim.reporting.run_report.static_pages`); none if that fails (they are then
    drawn with the others)."""
    import matplotlib

    from .fonts import report_rc
    from .pages import draw_ahead
    from .run_report import static_pages

    try:
        with matplotlib.rc_context(report_rc(lang)):
            return draw_ahead(static_pages(lang), dpi=_AHEAD_DPI)
    except Exception:  # noqa: BLE001 - the job draws them, and meets the error if any
        return {}


def _serve(conn: Any, lang: str | None) -> None:
    """The forked process: warm up, wait for one job, write the report, answer.

    Before the job, the command may send the report's language (:data:`_LANGUAGE`), whose
    fonts are then loaded while the model still runs. Once the language is known, the
    pages that do not depend on the run (the glossary) are drawn while the model runs.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the command handles Ctrl-C, then stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _own_group()
    try:
        _warm(lang)
    except Exception:  # noqa: BLE001 - the job below meets the same error and reports it
        pass
    static: dict[str, dict[str, Any]] = {}  # by language
    while True:
        try:
            job = conn.recv_bytes()
        except (EOFError, OSError):
            return
        if not job.startswith(_LANGUAGE):
            break
        known = job[len(_LANGUAGE) :].decode()
        try:
            _warm_language(known)
        except Exception:  # noqa: BLE001 - as above
            pass
        if known not in static:
            static[known] = _draw_static(known)
    if not job:
        return
    t0 = time.perf_counter()
    try:
        result, folder, lang, dpi = pickle.loads(job)
        from .run_report import write_report

        drawn = static.get(lang) if dpi == _AHEAD_DPI else None
        files = write_report(result, folder, lang=lang, dpi=dpi, processes=2, drawn=drawn)
        answer: tuple[Any, ...] = ("ok", [str(f) for f in files], time.perf_counter() - t0)
    except Exception as exc:  # noqa: BLE001 - sent back and raised by the command
        try:
            pickle.dumps(exc)
            answer = ("error", exc)
        except Exception:  # noqa: BLE001 - an exception that cannot travel
            answer = ("error", RuntimeError(f"{type(exc).__name__}: {exc}"))
    try:
        conn.send(answer)
    except (OSError, EOFError):
        pass


def _own_group(pid: int = 0) -> bool:
    """Make the writer (``pid``; 0: this process) the leader of a process group of its
    own, which its page worker joins; whether that worked (POSIX only).

    Both the writer and the command call this, the usual way to be sure the group exists
    before either side relies on it. :meth:`ReportAhead.close` stops the whole group, so
    that no page worker is left drawing (or writing PNG files into a folder being
    removed) after the writer is stopped.
    """
    try:
        os.setpgid(pid, pid)
    except (AttributeError, OSError):  # not POSIX, or the writer has already ended
        return False
    return True


def _group_alive(pgid: int) -> bool:
    """Whether a process of the group ``pgid`` still runs (an ended one not yet reaped
    does not count). Reads ``/proc`` where there is one; elsewhere asks the group."""
    try:
        entries = os.listdir("/proc")
    except OSError:
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()  # after "pid (name)"
        except (OSError, IndexError):
            continue  # ended meanwhile
        if int(fields[2]) == pgid and fields[0] not in (b"Z", b"X"):
            return True
    return False


def _stop_group(pgid: int, reap: Callable[[], object], *, wait_s: float = 2.0) -> None:
    """Stop every process of the group ``pgid`` and wait until none runs.

    SIGTERM first, SIGKILL to what still runs after ``wait_s`` seconds; ``reap()`` is
    called on each round so that this process's own child, once ended, leaves the group.
    Returns at the latest half a second after SIGKILL.
    """
    sig = signal.SIGTERM
    deadline = time.monotonic() + wait_s
    while True:
        reap()
        if not _group_alive(pgid):
            return
        try:
            os.killpg(pgid, sig)
        except (ProcessLookupError, PermissionError):
            return
        if time.monotonic() > deadline:
            if sig == signal.SIGKILL:
                return
            sig, deadline = signal.SIGKILL, time.monotonic() + 0.5
        time.sleep(0.005)


class ReportAhead:
    """A forked process that prepares the report code during the run (see module doc).

    Use as a context manager, so that the process is stopped however the command ends::

        with ReportAhead.start_if_useful() as ahead:
            result = sim.run(sc)
            ahead.submit(result, folder, lang="en")
            ...  # write the tables
            files = ahead.write()  # None: write the report here

    Parameters
    ----------
    process, conn
        The forked process and this side of its pipe (see :meth:`start_if_useful`).
    """

    def __init__(self, process: Any = None, conn: Any = None) -> None:
        self._process = process
        self._conn = conn
        # the writer leads a process group of its own (see _own_group)
        self._group = process is not None and _own_group(process.pid)
        self._submitted = False
        #: seconds from :meth:`submit` until the report was written (set by :meth:`write`):
        #: the time to send the run and the writer's own time, not the wait for this
        #: process to ask
        self.elapsed: float | None = None
        self._t_submit = 0.0
        self._send_s = 0.0

    @classmethod
    def start_if_useful(cls, lang: str | None = "en") -> ReportAhead:
        """Fork the writer when a second core is idle and forking is safe; else a no-op.

        ``lang`` is the report's language (its fonts are loaded ahead too); ``None`` when
        it is not known yet (:meth:`prepare` gives it later).

        The test is the page writer's (:func:`report_processes`):
        two cores for this process, one of them idle, the ``fork`` start method, no
        other thread running.
        """
        if report_processes(None, 2) < 2:
            return cls()
        return cls.start(lang)

    @classmethod
    def start(cls, lang: str | None = "en") -> ReportAhead:
        """Fork the writer now (a no-op writer where ``fork`` is not available)."""
        import multiprocessing

        if "fork" not in multiprocessing.get_all_start_methods():
            return cls()
        ctx = multiprocessing.get_context("fork")
        mine, theirs = ctx.Pipe(duplex=True)
        sys.stdout.flush()
        sys.stderr.flush()
        process = ctx.Process(target=_serve, args=(theirs, lang), name="smesim-report")
        try:
            process.start()
        except OSError:  # no process to be had: write the report in this one
            mine.close()
            theirs.close()
            return cls()
        theirs.close()
        return cls(process, mine)

    @property
    def active(self) -> bool:
        """Whether a forked writer is there to take the report."""
        return self._process is not None

    def prepare(self, lang: str) -> None:
        """Give the writer the report's language, so that it loads its fonts while the
        model runs (a no-op without a writer)."""
        if self._process is None or self._submitted:
            return
        try:
            self._conn.send_bytes(_LANGUAGE + lang.encode())
        except OSError:
            self.close()

    def submit(self, result: Any, folder: str | Path, *, lang: str = "en", dpi: int = 110) -> bool:
        """Send the run to the writer; ``False`` if there is none (or it is gone)."""
        if self._process is None:
            return False
        self._t_submit = time.perf_counter()
        try:
            self._conn.send_bytes(
                pickle.dumps((result, Path(folder), lang, dpi), protocol=pickle.HIGHEST_PROTOCOL)
            )
        except (OSError, pickle.PicklingError, TypeError, AttributeError):
            self.close()
            return False
        self._send_s = time.perf_counter() - self._t_submit
        self._submitted = True
        return True

    def write(self) -> list[Path] | None:
        """Wait for the report; its files, or ``None`` if the writer did not write it.

        Raises
        ------
        Exception
            The error the report met in the writer (e.g. :class:`sim.errors.ReportError`).
        """
        if not self._submitted:
            return None
        try:
            answer = self._conn.recv()
        except (EOFError, OSError):
            answer = None
        self.elapsed = time.perf_counter() - self._t_submit
        self.close()
        if answer is None:
            return None
        if answer[0] == "error":
            raise answer[1]
        self.elapsed = min(self.elapsed, self._send_s + answer[2])
        return [Path(f) for f in answer[1]]

    def close(self) -> None:
        """Stop the writer (if still there) and its page worker, and release the pipe.

        When this returns, no process of the writer's is left: none can write into the
        output folder any more.
        """
        process, self._process = self._process, None
        if process is None:
            return
        try:
            self._conn.close()
        except OSError:
            pass
        process.join(timeout=0.5 if self._submitted else 0.05)
        if self._group:
            _stop_group(process.pid, process.is_alive)
        elif process.is_alive():
            process.terminate()
        process.join()

    def __enter__(self) -> ReportAhead:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
