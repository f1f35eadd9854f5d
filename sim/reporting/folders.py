"""Output folders of a run and of an experiment: the one writer the CLI and notebooks share.

:func:`write_run` and :func:`write_experiment` write everything a command writes (tables,
``summary.json``, the resolved ``scenario.yaml``, the report, ``manifest.json``) through
:func:`sim.outdir.output_folder`: built in a temporary folder, moved into place whole,
only into a folder that is smesim's own, one writer at a time.

Public names: :func:`write_run`, :func:`write_experiment` (one call: hold the folder,
write, move into place), :func:`write_run_files`, :func:`write_experiment_files` (into a
folder held with :func:`sim.outdir.output_folder` from before the work, as the command
line does, so that its lock and ownership check cover the work too),
:data:`TABLE_FORMATS`.
"""

from __future__ import annotations

import platform
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._version import __version__
from ..jsonio import write_json
from ..outdir import OutputBuild, output_folder
from ..results import TABLE_FORMATS, RunResult, check_table_format
from ..scenario import scenario_to_yaml
from .ahead import ReportAhead

if TYPE_CHECKING:  # experiments (and their executors) only when an experiment is written
    from ..experiments import ExperimentResult

__all__ = [
    "TABLE_FORMATS",
    "write_experiment",
    "write_experiment_files",
    "write_run",
    "write_run_files",
]

Critical = Callable[[], AbstractContextManager[Any]]


def _check_format(fmt: str) -> None:
    check_table_format(fmt)


def write_run(
    result: RunResult,
    folder: str | Path,
    *,
    fmt: str = "csv",
    report: bool = True,
    manifest: Mapping[str, Any] | None = None,
    started: float | None = None,
    command: str = "",
    critical: Critical = nullcontext,
    lang: str | None = None,
) -> Path:
    """Write one run's output folder, the same folder ``smesim run`` writes.

    Parameters
    ----------
    result : RunResult
        What :func:`sim.run` returned.
    folder : str or Path
        The output folder; replaced whole if it is a previous smesim output, refused
        (:class:`sim.outdir.OutputError`) if it holds anything else.
    fmt : {"csv", "parquet", "xlsx"}
        Format of the tables in ``tables/``: one file per table and ``columns.csv`` (the
        meaning and unit of every column), or the one workbook ``tables/tables.xlsx``.
    report : bool
        Also write ``report.pdf`` and ``figures/*.png``.
    manifest : mapping, optional
        Extra entries of ``manifest.json`` (e.g. the scenario file and overrides).
    started : float, optional
        ``time.perf_counter()`` when the work began, for the manifest's total time.
    command : str
        The command line, recorded in the manifest and the folder's lock.
    critical : callable returning a context manager
        Wraps the folder's creation and final move (the command line holds Ctrl-C there).
    lang : {"en", "zh"}, optional
        Language of the report (default: the scenario's ``language``, else English).

    Returns
    -------
    Path
        The folder written.

    Examples
    --------
    >>> import sim
    >>> res = sim.run(sim.load_scenario("scenarios/shanghai_2024.yaml"))  # doctest: +SKIP
    >>> sim.write_run(res, "reports/my_run", report=False)  # doctest: +SKIP
    """
    _check_format(fmt)
    with output_folder(folder, command=command, critical=critical) as build:
        write_run_files(
            build,
            result,
            fmt=fmt,
            report=report,
            manifest=manifest,
            started=started,
            command=command,
            lang=lang or result.scenario.language or "en",
        )
    return Path(folder)


def write_run_files(
    build: OutputBuild,
    result: RunResult,
    *,
    fmt: str = "csv",
    report: bool = True,
    manifest: Mapping[str, Any] | None = None,
    started: float | None = None,
    command: str = "",
    lang: str = "en",
    ahead: ReportAhead | None = None,
) -> None:
    """Write a run's files into an output folder being built (see :func:`write_run`).

    ``lang`` is the language of the report (``en`` or ``zh``). ``ahead``, a report writer
    started before the run (:class:`sim.reporting.ahead.ReportAhead`), writes the report
    while this process writes the tables; the manifest's ``report`` time is then the
    time to hand it the run and its own time to write the report, which overlap
    ``write_tables``.

    For a caller that holds the folder (:func:`sim.outdir.output_folder`) from before the
    run, as the command line does: its lock and ownership check then cover the run too.
    """
    _check_format(fmt)
    t0 = time.perf_counter()
    handed = report and ahead is not None and ahead.submit(result, build.tmp, lang=lang)
    result.write_tables(build.tmp / "tables", fmt=fmt, lang=lang)
    write_json(build.tmp / "summary.json", result.summary_dict())
    (build.tmp / "scenario.yaml").write_text(scenario_to_yaml(result.scenario))
    t1 = time.perf_counter()
    report_s = 0.0
    if report:
        written = ahead.write() if handed and ahead is not None else None
        if written is None:
            from .run_report import write_report  # matplotlib: only when needed

            t = time.perf_counter()
            write_report(result, build.tmp, lang=lang)
            report_s = time.perf_counter() - t
        else:
            report_s = ahead.elapsed or 0.0
    t2 = time.perf_counter()
    extra = dict(manifest or {})
    timings = {
        **extra.pop("timings_s", {}),
        **result.meta.get("timings_s", {}),
        "write_tables": t1 - t0,
        "report": report_s,
    }
    if started is not None:
        timings["total"] = t2 - started
    build.manifest = {
        "scenario": result.scenario.name,
        **extra,
        "seed": result.meta.get("seed", result.scenario.seed),
        "spawn_key": result.meta.get("spawn_key"),
        "version": __version__,
        "python": platform.python_version(),
        "command": command,
        "timings_s": timings,
        "warnings": result.meta.get("warnings", []),
    }


def write_experiment(
    result: ExperimentResult,
    folder: str | Path,
    *,
    fmt: str = "csv",
    report: bool = True,
    write_extra: Callable[[ExperimentResult, Path], Any] | None = None,
    manifest: Mapping[str, Any] | None = None,
    store: Path | None = None,
    started: float | None = None,
    command: str = "",
    critical: Critical = nullcontext,
    lang: str | None = None,
) -> Path:
    """Write an experiment's output folder (replications, comparison or sweep).

    Parameters
    ----------
    result : ExperimentResult
        What :func:`sim.replicate`, :func:`sim.compare` or :func:`sim.sweep` returned.
    folder : str or Path
        The output folder (same rules as :func:`write_run`).
    fmt : {"csv", "parquet", "xlsx"}
        Format of the tables (as in :func:`write_run`).
    report : bool
        Also write ``report.pdf`` and ``figures/*.png``.
    write_extra : callable, optional
        Writes the experiment's own files (e.g. ``summary.json``) into the folder.
    manifest : mapping, optional
        Extra entries of ``manifest.json``.
    store : Path, optional
        The experiment's task store, deleted once the folder is in place.
    started : float, optional
        ``time.perf_counter()`` when the work began, for the manifest's total time.
    command : str
        The command line, recorded in the manifest and the folder's lock.
    critical : callable returning a context manager
        Wraps the folder's creation and final move.
    lang : {"en", "zh"}, optional
        Language of the report (default: the scenario's ``language``, else English).

    Returns
    -------
    Path
        The folder written.
    """
    _check_format(fmt)
    with output_folder(folder, command=command, store=store, critical=critical) as build:
        write_experiment_files(
            build,
            result,
            fmt=fmt,
            report=report,
            write_extra=write_extra,
            manifest=manifest,
            started=started,
            command=command,
            lang=lang or result.scenario.language or "en",
        )
    return Path(folder)


def write_experiment_files(
    build: OutputBuild,
    result: ExperimentResult,
    *,
    fmt: str = "csv",
    report: bool = True,
    write_extra: Callable[[ExperimentResult, Path], Any] | None = None,
    manifest: Mapping[str, Any] | None = None,
    started: float | None = None,
    command: str = "",
    lang: str = "en",
) -> None:
    """Write an experiment's files into an output folder being built (see :func:`write_experiment`).

    ``lang`` is the language of the report (``en`` or ``zh``).
    """
    _check_format(fmt)
    t0 = time.perf_counter()
    result.write_tables(build.tmp / "tables", fmt=fmt, lang=lang)
    if write_extra is not None:
        write_extra(result, build.tmp)
    (build.tmp / "scenario.yaml").write_text(scenario_to_yaml(result.scenario))
    t1 = time.perf_counter()
    if report:
        from .experiment_report import write_experiment_report

        write_experiment_report(result, build.tmp, lang=lang)
    t2 = time.perf_counter()
    extra = dict(manifest or {})
    timings = {**extra.pop("timings_s", {}), "write_tables": t1 - t0, "report": t2 - t1}
    if started is not None:
        timings["total"] = t2 - started
    build.manifest = {
        **extra,
        "kind": result.kind,
        "replications": result.replications,
        "seed": result.seed,
        "seeds": f"replication i runs on numpy SeedSequence({result.seed}).spawn(R)[i]",
        "tasks_n": len(result.runs),
        "version": __version__,
        "python": platform.python_version(),
        "command": command,
        "timings_s": timings,
    }
