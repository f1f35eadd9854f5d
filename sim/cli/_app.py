"""The command line's shared parts: the Typer app, errors to exit codes, interrupts, options.

Public names: :func:`check_lang`, :func:`check_path`, :func:`console`,
:func:`echo_wrote`, :func:`guard`, :func:`option_paths`, :func:`sigterm_as_interrupt`,
:func:`command_line`, :func:`print_error`, :func:`output_language`,
:func:`output_writer`, :func:`save_json`, :func:`check_plausible`,
:func:`refuse_if_strict`.

Exit codes: 0 success; 2 user error (bad scenario, bad option, unwritable folder),
with a message naming the file and the field; 1 internal error (a short message, the
traceback only with ``--debug``); 130 interrupted (nothing half-written is left).

The library raises; this module maps its exceptions to messages and exit codes, and
adds the flag names (``--set``, ``--out``) to the library's messages, which speak of
scenario fields and folders.
"""

from __future__ import annotations

import errno
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(
    add_completion=False,
    # help texts are plain text: square brackets such as "[/ KEY]" or "[240]" are not markup
    rich_markup_mode=None,
    no_args_is_help=True,
    help="smesim: simulate SME support measures (loan pools, guarantees, cost relief, awards, funds).",
)

EXIT_OK, EXIT_INTERNAL, EXIT_USER, EXIT_INTERRUPTED = 0, 1, 2, 130
_FULL_OR_DENIED = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}
_state = {"debug": False}


class UserError(Exception):
    """A mistake of the user that is not in a scenario file (e.g. an unwritable folder)."""


def print_error(msg: str) -> None:
    """Print ``error: msg`` on stderr."""
    typer.echo(f"error: {msg}", err=True)


def _with_flags(message: str) -> str:
    """Name the flags behind the library's words: hints "e.g. FIELD=VALUE" and "override"
    errors become "--set" (the library speaks of scenario fields, not of options)."""
    import re

    message = re.sub(r"\be\.g\. ([A-Za-z_][\w.]*=)", r"e.g. --set \1", message)
    # an override given on the command line is a --set option
    return re.sub(r"\boverride( value|:)", r"--set\1", message)


@contextmanager
def option_paths(option: str, scenario_file: Path, scenario_name: str) -> Iterator[None]:
    """Errors about the paths or values given to ``option`` (``--vary``, ``--range``,
    ``--param``, ``--fit``, ``--lever``) name the scenario file and that option.

    The library checks those paths as overrides of the loaded scenario, which it knows
    by name only (``<name>``); without this they would read as a ``--set`` error in
    ``<name>``. An error naming no file (a bound that conflicts with another field of the
    scenario) gets the scenario file too.
    """
    import re

    from sim import ScenarioError

    try:
        yield
    except ScenarioError as exc:
        if exc.file not in (None, f"<{scenario_name}>"):
            raise
        message = re.sub(r"\boverride( value|:)", rf"{option}\1", exc.message)
        raise ScenarioError(
            message, file=scenario_file, field=exc.field, fields=exc.fields
        ) from None


def guard(fn: Callable[[], Any]) -> None:
    """Run a command body and turn exceptions into messages and exit codes.

    Interrupts held since the program started (see :func:`main`) are raised here, inside
    the body, so that they too end with exit code 130. Temporary output folders are
    removed by the output writer (:func:`sim.outdir.output_folder`) however the body ends.
    """
    # an interrupt during this import is held (from main) and raised in the body below
    from sim import ExperimentError, ScenarioError
    from sim.errors import ReportError

    try:
        _signals["starting"] = False
        if _signals["pending"] and not _signals["defer"]:
            _signals["pending"] = False
            raise KeyboardInterrupt
        fn()
    except (ScenarioError, UserError, ExperimentError, ReportError) as exc:
        print_error(_with_flags(str(exc)))
        raise typer.Exit(EXIT_USER) from None
    except KeyboardInterrupt:
        print_error("interrupted; no partial output was left behind")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except typer.Exit:
        raise
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if isinstance(exc, OSError) and exc.errno in _FULL_OR_DENIED:
            # the machine, not smesim: a full disk, or a folder that became unwritable mid-run
            print_error(
                f"cannot write {exc.filename or 'the output'}: {exc.strerror}; nothing was "
                "left half-written. Free some space or choose another folder with --out"
            )
            raise typer.Exit(EXIT_USER) from None
        if _state["debug"]:
            traceback.print_exc()
        print_error(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "This is a defect in smesim, not in your input. Please report it with the scenario "
            "file and the command line (rerun with --debug to see the traceback)."
        )
        raise typer.Exit(EXIT_INTERNAL) from None


# --------------------------------------------------------------------------- interrupts
# SIGINT and SIGTERM raise KeyboardInterrupt, except inside a critical section (creating,
# moving or deleting an output folder), where they are held until the section ends: a
# folder is never left half-moved, and every temporary folder is known and removed.

_signals = {"defer": 0, "pending": False, "starting": False}


def _on_signal(signum: int, frame: Any) -> None:  # noqa: ARG001
    if _signals["defer"] or (_signals["starting"] and not _signals["pending"]):
        # held; while starting, a second signal is not held (an escape hatch)
        _signals["pending"] = True
        return
    raise KeyboardInterrupt


def _install_signal_handlers() -> dict[int, Any]:
    """Route SIGINT and SIGTERM to :func:`_on_signal`; return the previous handlers."""
    old = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            old[sig] = signal.signal(sig, _on_signal)
        except (ValueError, OSError):  # not the main thread, or not supported here
            pass
    return old


@contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold SIGINT/SIGTERM during the block; raise KeyboardInterrupt after it if one came."""
    _signals["defer"] += 1
    try:
        yield
    finally:
        _signals["defer"] -= 1
        if not _signals["defer"] and _signals["pending"]:
            _signals["pending"] = False
            raise KeyboardInterrupt


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C (and hold both in critical sections) during the block."""
    old = _install_signal_handlers()
    try:
        yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)


def command_line() -> str:
    """The command line as the user typed it (for manifests and locks)."""
    return " ".join(["smesim", *sys.argv[1:]])


def check_path(path: Path, what: str) -> None:
    """Refuse a Windows-style path on POSIX, which would become a literal file name."""
    from sim.outdir import windows_path_problem

    why = windows_path_problem(str(path))
    if why:
        raise UserError(f"{what} '{path}' {why}; write paths with / (e.g. reports/shanghai_2024)")


@contextmanager
def output_writer(out: Path, *, store: Path | None = None) -> Iterator[Any]:
    """The library's output-folder writer, with interrupts held in its critical sections."""
    from sim.outdir import OutputError, output_folder

    try:
        with output_folder(
            out,
            command=command_line(),
            store=store,
            critical=_interrupts_held,
        ) as build:
            yield build
    except OutputError as exc:
        msg = str(exc)
        raise UserError(
            msg + " with --out" if msg.endswith("choose another folder") else f"{msg} (--out DIR)"
        ) from None


@app.callback()
def _main(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks of internal errors.")
    ] = False,
) -> None:
    _state["debug"] = debug


SetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        "-s",
        metavar="PATH=VALUE",
        help="Override a scenario field, e.g. --set loan_pool.total=200bn (repeatable).",
    ),
]


StrictOpt = Annotated[
    bool,
    typer.Option(
        "--strict",
        help="Treat warnings (a value outside its typical range, a result that cannot be "
        "right) as errors: exit 2 and write nothing.",
    ),
]


def refuse_if_strict(notes: list[str], strict: bool) -> None:
    """Under ``--strict``, refuse the command (exit 2, nothing written) when there are notes."""
    if strict and notes:
        listed = "".join(f"\n  - {n}" for n in notes)
        raise UserError(
            f"--strict: {len(notes)} warning{'s' if len(notes) > 1 else ''}, so nothing was "
            f"written:{listed}"
        )


def check_plausible(scenarios: Any, strict: bool, *, echo: bool = True) -> list[str]:
    """The plausibility warnings of one scenario or a list of them: exit 2 under
    ``--strict`` when there are any, else printed on stderr (unless ``echo`` is False)."""
    from sim.scenario.plausibility import plausibility_warnings

    many = scenarios if isinstance(scenarios, list) else [scenarios]
    notes: list[str] = []
    for sc in many:
        found = plausibility_warnings(sc)
        notes += [f"{sc.name}: {n}" for n in found] if len(many) > 1 else found
    refuse_if_strict(notes, strict)
    if echo:
        for note in notes:
            typer.echo(f"warning: {note}", err=True)
    return notes


def echo_wrote(target: Path, t0: float, *, report: bool, lang: str = "en") -> None:
    """Tell where the output went, how long it took and where the report is."""
    from sim.reporting.i18n import tr

    typer.echo(
        tr("x.wrote", lang, target=target, s=f"{time.perf_counter() - t0:.1f}")
        + (tr("x.wrote_report", lang, path=target / "report.pdf") if report else "")
    )


LANGUAGES = ("en", "zh")

LangOpt = Annotated[
    str | None,
    typer.Option(
        "--lang",
        metavar="zh|en",
        help="Language of the report and summary (default: the scenario's, else en).",
    ),
]


def check_lang(lang: str | None) -> None:
    """Refuse an unknown ``--lang`` before any work (exit 2)."""
    if lang is not None and lang not in LANGUAGES:
        raise UserError(f"--lang: expected zh or en, got {lang!r}")


def default_folder(name: str, language: str) -> Path:
    """The output folder of a command run without ``--out``: ``reports/<name>/``, and for
    a report in another language than English ``reports/<name>.<language>/``, so that the
    English and the Chinese report of one scenario never replace each other."""
    return Path("reports") / (name if language == "en" else f"{name}.{language}")


def output_language(lang: str | None, scenario: Any, *, report: bool = True) -> str:
    """The language of a command's output: ``--lang``, else the scenario's, else English.

    A Chinese report needs a CJK font: without one, exit 2 before the work starts,
    naming the extra to install.
    """
    check_lang(lang)
    language = lang or getattr(scenario, "language", None) or "en"
    if language == "zh" and report:
        from sim.reporting.fonts import cjk_font, cjk_font_pending

        if cjk_font_pending():
            typer.echo(
                "preparing the Chinese font for PDF reports (once on this machine, "
                "about a minute or two) ...",
                err=True,
            )
        cjk_font()
    return language


def save_json(path: Path, data: Any) -> None:
    """Write ``data`` as strict JSON (missing and non-finite numbers as ``null``)."""
    from sim.jsonio import write_json  # numpy and pandas: only when a command writes

    write_json(path, data)


ProcessesOpt = Annotated[
    int | None,
    typer.Option("--processes", "-p", min=1, help="Local worker processes (default: all CPUs)."),
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(
        "--scheduler", metavar="ADDR", help="Dask scheduler address, e.g. tcp://host:8786."
    ),
]


ReplicationsOpt = Annotated[
    int,
    typer.Option("--replications", "-r", min=1, help="Replications per scenario or point."),
]
ExpProcessesOpt = Annotated[
    int | None,
    typer.Option("--processes", "-p", min=1, help="Local worker processes (default: all CPUs)."),
]
ExpSchedulerOpt = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        metavar="ADDR",
        help="Run on a Dask cluster, e.g. tcp://host:8786 (default: $SMESIM_SCHEDULER).",
    ),
]
ResumeOpt = Annotated[
    bool,
    typer.Option("--resume", help="Continue an interrupted experiment (task store <out>.tasks/)."),
]
FormatOpt = Annotated[
    str, typer.Option("--format", help="Table format: csv, parquet or xlsx (one workbook).")
]
NoReportOpt = Annotated[bool, typer.Option("--no-report", help="Write tables only, no PDF/PNG.")]


def console() -> Any:
    """A rich console for tables: the terminal's width, or 120 columns when piped."""
    from rich.console import Console

    return Console(width=None if sys.stdout.isatty() else 120)


def main() -> None:
    """Entry point of the ``smesim`` command.

    SIGINT and SIGTERM are held from here until a command's body starts (see
    :func:`guard`), so an interrupt while the libraries load also ends with exit code
    130 and a message rather than a traceback.
    """
    _install_signal_handlers()
    _signals["starting"] = True
    try:
        app()
    except SystemExit as exc:
        _exit_now(exc.code)
    _exit_now(0)


def _exit_now(code: Any) -> None:
    """End the process with ``code`` once the command is done, without tearing down the
    interpreter when nothing is left to finish.

    Freeing every module and object of a process that loaded pandas and pyarrow takes
    0.1 to 0.3 s, which a user waits for after the command has written everything (its
    files are closed by then). The process ends at once only when no other thread and
    no child process is running and no tracer (a coverage tool) is watching; otherwise
    it exits as usual, running the interpreter's exit handlers.
    """
    import multiprocessing
    import os
    import threading

    if code is None:
        code = 0
    elif not isinstance(code, int):  # sys.exit("message")
        print(code, file=sys.stderr)
        code = 1
    quiet = (
        threading.active_count() == 1
        and not multiprocessing.active_children()
        and sys.gettrace() is None
        and "coverage" not in sys.modules
    )
    if not quiet:
        raise SystemExit(code)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (smesim ... | head): nothing to add
            pass
    os._exit(code)
