"""The ``smesim`` command line: parse, call :mod:`sim`, print, exit with a clear code.

Exit codes: 0 success; 2 user error (bad scenario, bad option, unwritable folder),
with a message naming the file and the field; 1 internal error (a short message, the
traceback only with ``--debug``); 130 interrupted (nothing half-written is left).
"""

from __future__ import annotations

import errno
import json
import os
import platform
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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


def _err(msg: str) -> None:
    typer.echo(f"error: {msg}", err=True)


def _with_flags(message: str) -> str:
    """Turn the library's hints ("e.g. FIELD=VALUE") into command lines ("e.g. --set ...")."""
    import re

    return re.sub(r"\be\.g\. ([A-Za-z_][\w.]*=)", r"e.g. --set \1", message)


def _guard(fn: Callable[[], Any]) -> None:
    """Run a command body and turn exceptions into messages and exit codes.

    Interrupts held since the program started (see :func:`main`) are raised here, inside
    the body, so that they too end with exit code 130. Temporary output folders are
    removed by the output writer (:func:`sim.outdir.output_folder`) however the body ends.
    """
    # an interrupt during this import is held (from main) and raised in the body below
    from sim import ExperimentError, ScenarioError

    try:
        _signals["starting"] = False
        if _signals["pending"] and not _signals["defer"]:
            _signals["pending"] = False
            raise KeyboardInterrupt
        fn()
    except (ScenarioError, UserError, ExperimentError) as exc:
        _err(_with_flags(str(exc)))
        raise typer.Exit(EXIT_USER) from None
    except KeyboardInterrupt:
        _err("interrupted; no partial output was left behind")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except typer.Exit:
        raise
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if isinstance(exc, OSError) and exc.errno in _FULL_OR_DENIED:
            # the machine, not smesim: a full disk, or a folder that became unwritable mid-run
            _err(
                f"cannot write {exc.filename or 'the output'}: {exc.strerror}; nothing was "
                "left half-written. Free some space or choose another folder with --out"
            )
            raise typer.Exit(EXIT_USER) from None
        if _state["debug"]:
            traceback.print_exc()
        _err(
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
def _sigterm_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C (and hold both in critical sections) during the block."""
    old = _install_signal_handlers()
    try:
        yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)


def _check_path(path: Path, what: str) -> None:
    """Refuse a Windows-style path on POSIX, which would become a literal file name."""
    from sim.outdir import windows_path_problem

    why = windows_path_problem(str(path))
    if why:
        raise UserError(f"{what} '{path}' {why}; write paths with / (e.g. reports/shanghai_2024)")


@contextmanager
def _output(out: Path, *, store: Path | None = None) -> Iterator[Any]:
    """The library's output-folder writer, with interrupts held in its critical sections."""
    from sim.outdir import OutputError, output_folder

    try:
        with output_folder(
            out,
            command=" ".join(["smesim", *sys.argv[1:]]),
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


@app.command()
def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Output folder (default reports/<name>/).")
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Seed (default: the scenario's).", min=0)
    ] = None,
    set_: SetOpt = None,
    fmt: Annotated[str, typer.Option("--format", help="Table format: csv or parquet.")] = "csv",
    no_report: Annotated[
        bool, typer.Option("--no-report", help="Write tables only, no PDF/PNG.")
    ] = False,
    replications: Annotated[
        int,
        typer.Option(
            "--replications",
            "-r",
            min=1,
            help="Monte Carlo replications on child seeds of the scenario seed (1 = one run).",
        ),
    ] = 1,
    processes: Annotated[
        int | None,
        typer.Option(
            "--processes", "-p", min=1, help="Local worker processes (default: all CPUs)."
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            metavar="ADDR",
            help="Run on a Dask cluster, e.g. tcp://host:8786 (default: $SMESIM_SCHEDULER).",
        ),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume", help="Continue an interrupted experiment (task store <out>.tasks/)."
        ),
    ] = False,
) -> None:
    """Run a scenario and write its report, tables, summary and manifest.

    With --replications R > 1 the summary holds each figure's mean with its 5th and 95th
    percentiles over R replications, and the report shows fan charts and the
    probability that each quota has run out by each date.
    """

    def body() -> None:
        import sim

        if fmt not in ("csv", "parquet"):
            raise UserError(f"--format: expected csv or parquet, got {fmt!r}")
        t0 = time.perf_counter()
        sc = sim.load_scenario(scenario, set_ or [])
        target = out if out is not None else Path("reports") / sc.name
        if replications > 1:
            ex = ExperimentOptions(processes, scheduler, resume, fmt, no_report)
            _run_replications(
                sc,
                target,
                ex,
                t0,
                scenario_file=scenario,
                overrides=set_,
                seed=seed,
                replications=replications,
            )
            return
        with _sigterm_as_interrupt(), _output(target) as o:
            tmp = o.tmp
            t1 = time.perf_counter()
            result = sim.run(sc, seed=seed)
            t2 = time.perf_counter()
            result.write_tables(tmp / "tables", fmt=fmt)
            _write_json(tmp / "summary.json", result.summary_dict())
            (tmp / "scenario.yaml").write_text(sim.scenario_to_yaml(sc))
            t3 = time.perf_counter()
            if not no_report:
                from sim.reporting.run_report import write_report  # matplotlib: only when needed

                write_report(result, tmp)
            t4 = time.perf_counter()
            o.manifest = {
                "scenario": sc.name,
                "scenario_file": str(scenario),
                "overrides": list(set_ or []),
                "seed": seed if seed is not None else sc.seed,
                "spawn_key": result.meta.get("spawn_key"),
                "version": sim.__version__,
                "python": platform.python_version(),
                "command": " ".join(["smesim", *sys.argv[1:]]),
                "timings_s": {
                    "load": t1 - t0,
                    **result.meta["timings_s"],
                    "write_tables": t3 - t2,
                    "report": t4 - t3,
                    "total": t4 - t0,
                },
            }
        s = result.summary_dict()
        _print_summary(s)
        _echo_wrote(target, t0, report=not no_report)

    _guard(body)


def _echo_wrote(target: Path, t0: float, *, report: bool) -> None:
    """Tell where the output went, how long it took and where the report is."""
    typer.echo(
        f"wrote {target}/ in {time.perf_counter() - t0:.1f} s"
        + (f" (report: {target / 'report.pdf'})" if report else "")
    )


def _print_summary(s: dict[str, Any]) -> None:
    from sim.reporting.run_report import format_money

    cur = s["currency"]
    day = lambda d: "not exhausted" if d is None else f"day {d}"  # noqa: E731
    lines = [
        f"scenario {s['scenario']}: {s['firms_n']:,.0f} firms, {s['horizon_days']} days"
        + (f" (scaled x{s['scale']:g})" if s["scale"] != 1 else ""),
        f"  applications {s['applications_n']:,.0f}, approved {s['approved_n']:,.0f} "
        f"({(s['approval_rate'] or 0) * 100:.1f} %), borrowers {s['borrower_firms_n']:,.0f} "
        f"(uptake {s['uptake_rate'] * 100:.1f} % of eligible)",
        f"  disbursed {format_money(s['disbursed_amount'], cur)}, pool used "
        f"{(s['pool_used_share'] or 0) * 100:.1f} %, pool {day(s['pool_exhausted_day'])}, "
        f"lender quotas exhausted {s['bank_quotas_exhausted_n']}/{s['bank_quotas_n']}",
        f"  guaranteed {format_money(s['guaranteed_amount'], cur)} (capacity "
        f"{day(s['guarantee_exhausted_day'])}), zone budgets exhausted "
        f"{s['zone_budgets_exhausted_n']}/{s['zone_budgets_n']}",
        f"  savings of firms {format_money(s['savings_total_amount'], cur)}, fiscal cost "
        f"{format_money(s['fiscal_cost_amount'], cur)}",
    ]
    typer.echo("\n".join(lines))


@app.command()
def validate(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    set_: SetOpt = None,
) -> None:
    """Check a scenario file (and overrides) without running it."""

    def body() -> None:
        import sim

        sc = sim.load_scenario(scenario, set_ or [])
        typer.echo(
            f"{scenario}: valid scenario '{sc.name}' ({sc.population.firms_n:,} firms, "
            f"{sc.horizon.days} days)"
        )

    _guard(body)


@app.command()
def show(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    set_: SetOpt = None,
) -> None:
    """Print the resolved scenario (after extends: and --set) as YAML."""

    def body() -> None:
        import sim

        typer.echo(sim.scenario_to_yaml(sim.load_scenario(scenario, set_ or [])), nl=False)

    _guard(body)


# --------------------------------------------------------------------------- analyses
# sensitivity, calibrate, calibration-table, design: the model run at many points


def _analysis_store(out: Path) -> Path:
    """Task store of an analysis writing to ``out``: a sibling folder kept until it ends."""
    return out.parent / f"{out.name}.tasks"


def _analysis_call(fn: Callable[[], Any]) -> Any:
    """Call an analysis, turning its request errors into user errors (exit 2)."""
    from sim.errors import AnalysisError, ExperimentError

    try:
        return fn()
    except (AnalysisError, ExperimentError) as exc:
        raise UserError(str(exc)) from None


def _write_json(path: Path, data: Any) -> None:
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


@app.command()
def sensitivity(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    param: Annotated[
        list[str],
        typer.Option(
            "--param",
            metavar="PATH=LO:HI",
            help="A parameter and its range, e.g. behaviour.apply_intercept=-2:0 (repeat, >= 2).",
        ),
    ],
    output: Annotated[
        list[str],
        typer.Option(
            "--output",
            metavar="KEY",
            help="A numeric summary figure, e.g. uptake_rate, pool_exhausted_day (repeatable).",
        ),
    ],
    method: Annotated[str, typer.Option("--method", help="sobol or morris.")] = "sobol",
    samples: Annotated[
        int,
        typer.Option(
            "--samples",
            "-n",
            min=2,
            help="Sobol base sample N (a power of 2; N(k+2) points) or Morris trajectories.",
        ),
    ] = 64,
    replications: Annotated[
        int, typer.Option("--replications", "-r", min=1, help="Runs per point (their mean).")
    ] = 1,
    levels: Annotated[int, typer.Option("--levels", min=2, help="Morris grid levels.")] = 4,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Output folder (default reports/<name>_sensitivity/)."),
    ] = None,
    processes: ProcessesOpt = None,
    scheduler: SchedulerOpt = None,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume", help="Reuse the runs of an interrupted analysis (task store <out>.tasks/)."
        ),
    ] = False,
    seed: Annotated[
        int | None, typer.Option("--seed", min=0, help="Seed of the design (default: scenario's).")
    ] = None,
    set_: SetOpt = None,
) -> None:
    """Global sensitivity (Sobol or Morris, SALib) of summary figures to scenario parameters.

    A *_day output that was not reached (the account lasted) counts as the horizon length.
    """

    def body() -> None:
        import sim
        from sim.analysis.evaluation import parse_range
        from sim.analysis.sensitivity import run_sensitivity
        from sim.reporting.analysis_report import write_sensitivity_report

        t0 = time.perf_counter()
        sc = sim.load_scenario(scenario, set_ or [])
        params = [parse_range(p, sc, option="--param") for p in param]
        target = out if out is not None else Path("reports") / f"{sc.name}_sensitivity"
        store = _analysis_store(target)
        with _sigterm_as_interrupt(), _output(target, store=store) as o:
            tmp = o.tmp
            res = _analysis_call(
                lambda: run_sensitivity(
                    sc,
                    params,
                    output,
                    method=method,  # type: ignore[arg-type]
                    samples=samples,
                    replications=replications,
                    levels=levels,
                    seed=seed,
                    processes=processes,
                    scheduler=scheduler,
                    store=store,
                    resume=resume,
                    progress=sys.stderr.isatty(),
                )
            )
            (tmp / "tables").mkdir()
            res.indices.to_csv(tmp / "tables" / "indices.csv", index=False)
            res.samples.to_csv(tmp / "tables" / "samples.csv", index=False)
            runs = res.runs[[c for c in res.runs.columns if not c.startswith("series_")]]
            runs.to_csv(tmp / "tables" / "runs.csv", index=False)
            write_sensitivity_report(res, tmp)
            (tmp / "scenario.yaml").write_text(sim.scenario_to_yaml(sc))
            o.manifest = {
                "scenario": sc.name,
                "scenario_file": str(scenario),
                "overrides": list(set_ or []),
                "params": [p.__dict__ for p in params],
                "outputs": list(output),
                "censored_share": res.censored,
                **res.meta,
                "version": sim.__version__,
                "command": " ".join(["smesim", *sys.argv[1:]]),
                "total_s": time.perf_counter() - t0,
            }
        _print_indices(res)
        typer.echo(
            f"{res.meta['runs_n']} runs in {res.meta['timings_s']['runs']:.0f} s; "
            f"wrote {target}/ (report: {target / 'report.pdf'})"
        )

    _guard(body)


def _print_indices(res: Any) -> None:
    cols = (
        ["S1", "S1_conf", "ST", "ST_conf"]
        if res.method == "sobol"
        else [
            "mu_star",
            "mu_star_conf",
            "sigma",
        ]
    )
    for key in res.outputs:
        note = (
            f"  ({100 * res.censored[key]:.0f} % of runs not exhausted: counted as "
            f"{res.scenario.horizon.days} days)"
            if key in res.censored
            else ""
        )
        typer.echo(f"{key}{note}")
        df = res.indices[res.indices["output"] == key]
        typer.echo("  " + f"{'parameter':<40}" + "".join(f"{c:>13}" for c in cols))
        for _, row in df.iterrows():
            typer.echo("  " + f"{row['parameter']:<40}" + "".join(f"{row[c]:>13.4g}" for c in cols))


# --------------------------------------------------------------------------- experiments
# run --replications, compare, sweep: many runs as tasks, locally or on a Dask cluster


@dataclass(frozen=True)
class ExperimentOptions:
    """How an experiment command runs and writes (shared by run -r, compare, sweep)."""

    processes: int | None
    scheduler: str | None
    resume: bool
    fmt: str
    no_report: bool


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
FormatOpt = Annotated[str, typer.Option("--format", help="Table format: csv or parquet.")]
NoReportOpt = Annotated[bool, typer.Option("--no-report", help="Write tables only, no PDF/PNG.")]


def _task_store(out: Path) -> Path:
    """Task store of an experiment writing to ``out``: a sibling folder, kept until it ends."""
    return out.parent / f"{out.name}.tasks"


def _run_experiment(
    target: Path,
    opts: ExperimentOptions,
    t0: float,
    execute: Callable[..., Any],
    write_extra: Callable[[Any, Path], list[Path]],
    manifest: dict[str, Any],
) -> Any:
    """Run an experiment with a resumable task store and write its output folder whole.

    Finished tasks are stored in ``<out>.tasks/`` as they complete; the output folder is
    built in a temporary folder and moved into place only when complete, after which the
    task store is removed. On interruption the store is kept for ``--resume``.
    """
    import sim
    from sim.reporting.experiment_report import write_experiment_report

    if opts.fmt not in ("csv", "parquet"):
        raise UserError(f"--format: expected csv or parquet, got {opts.fmt!r}")
    store = _task_store(target)
    with _sigterm_as_interrupt(), _output(target, store=store) as o:
        tmp = o.tmp
        t1 = time.perf_counter()
        try:
            result = execute(
                scheduler=opts.scheduler,
                processes=opts.processes,
                store=store,
                resume=opts.resume,
                progress=sys.stderr.isatty(),
            )
        except KeyboardInterrupt:
            if store.is_dir():
                _err(
                    f"finished tasks are kept in {store}/; run the same command with "
                    "--resume to continue"
                )
            raise
        t2 = time.perf_counter()
        result.write_tables(tmp / "tables", fmt=opts.fmt)
        write_extra(result, tmp)
        (tmp / "scenario.yaml").write_text(sim.scenario_to_yaml(result.scenario))
        t3 = time.perf_counter()
        if not opts.no_report:
            write_experiment_report(result, tmp)
        t4 = time.perf_counter()
        o.manifest = {
            **manifest,
            "kind": result.kind,
            "replications": result.replications,
            "seed": result.seed,
            "seeds": f"replication i runs on numpy SeedSequence({result.seed}).spawn(R)[i]",
            "tasks_n": len(result.runs),
            "executor": (
                f"dask {opts.scheduler or os.environ.get('SMESIM_SCHEDULER')}"
                if (opts.scheduler or os.environ.get("SMESIM_SCHEDULER", "local"))
                not in ("", "local")
                else f"local processes ({opts.processes or 'all CPUs'})"
            ),
            "task_store": str(store),
            "version": sim.__version__,
            "python": platform.python_version(),
            "command": " ".join(["smesim", *sys.argv[1:]]),
            "timings_s": {
                "load": t1 - t0,
                "tasks": t2 - t1,
                "write_tables": t3 - t2,
                "report": t4 - t3,
                "total": t4 - t0,
            },
        }
    return result


def _console() -> Any:
    from rich.console import Console

    return Console(width=None if sys.stdout.isatty() else 120)


def _print_replications(result: Any) -> None:
    from rich.table import Table

    from sim.experiments import HEADLINE_KEYS
    from sim.reporting.experiment_report import format_value

    s = result.summary_dict()
    cur = s["currency"]
    table = Table(
        title=f"{s['scenario']}: {result.replications} replications "
        "(mean, 5th and 95th percentiles)",
        title_justify="left",
    )
    for col in ("figure", "mean", "p05", "p95"):
        table.add_column(col, justify="left" if col == "figure" else "right")
    keys = [*HEADLINE_KEYS]
    keys += [k for k in ("pool_exhausted_day", "first_bank_quota_exhausted_day") if k not in keys]
    for k in keys:
        if k.endswith("_day"):
            share = s[k[: -len("_day")] + "_share"]
            table.add_row(
                k,
                f"ran out in {100 * share:.0f} %",
                format_value(k, s[f"{k}_p05"]),
                format_value(k, s[f"{k}_p95"]),
            )
        else:
            table.add_row(
                k,
                format_value(k, s[k], cur),
                format_value(k, s[f"{k}_p05"], cur),
                format_value(k, s[f"{k}_p95"], cur),
            )
    _console().print(table)


def _print_comparison(result: Any) -> None:
    from rich.table import Table

    from sim.experiments import HEADLINE_KEYS
    from sim.reporting.experiment_report import format_difference, format_value

    d = result.differences(HEADLINE_KEYS)
    for variant, dv in d.groupby("variant", sort=False):
        table = Table(
            title=f"{variant} minus {result.meta['base']}: {result.replications} paired "
            f"replications (common random numbers; money in {result.scenario.currency})",
            title_justify="left",
            caption="difference: mean of paired differences; 90 % CI: Student-t interval of "
            "that mean; 5-95 %: percentiles of the paired differences",
            caption_justify="left",
        )
        for col in ("figure", "base", "variant", "difference", "90 % CI", "5-95 % of pairs"):
            table.add_column(col, justify="left" if col == "figure" else "right")
        for _, r in dv.iterrows():
            m = r["metric"]
            table.add_row(
                m,
                format_value(m, r["base_mean"]),
                format_value(m, r["variant_mean"]),
                format_difference(m, r["diff_mean"]),
                f"{format_difference(m, r['ci_low'])} .. {format_difference(m, r['ci_high'])}",
                f"{format_difference(m, r['diff_p05'])} .. {format_difference(m, r['diff_p95'])}",
            )
        _console().print(table)


def _print_sweep(result: Any) -> None:
    from rich.table import Table

    from sim.reporting.experiment_report import format_lever, format_value

    cur = result.scenario.currency
    pts = result.points()
    show = ["approved_n", "borrower_firms_n", "guaranteed_amount", "unmet_demand_amount"]
    table = Table(
        title=f"{result.scenario.name}: {len(pts)} points x {result.replications} replications "
        "(means; tables/points.csv has 5-95 % bands)",
        title_justify="left",
    )
    for col in ["point", *result.levers, *show]:
        table.add_column(col, justify="right")
    for _, r in pts.head(40).iterrows():
        table.add_row(
            str(int(r["point"])),
            *[format_lever(r[lv]) for lv in result.levers],
            *[format_value(m, r[f"{m}_mean"], cur) for m in show],
        )
    _console().print(table)
    if len(pts) > 40:
        typer.echo(f"... {len(pts) - 40} more points in tables/points.csv")


def _split_values(text: str) -> list[str]:
    """Split ``a,b,[c,d]`` on commas outside brackets."""
    out, depth, cur = [], 0, ""
    for ch in text:
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return [v.strip() for v in out]


def _parse_vary(items: list[str]) -> dict[str, list[Any]]:
    import yaml

    vary: dict[str, list[Any]] = {}
    for item in items:
        path, sep, values = item.partition("=")
        path = path.strip()
        if not sep or not path or not values.strip():
            raise UserError(f"--vary expects path=v1,v2,..., got {item!r}")
        if path in vary:
            raise UserError(f"--vary {path}: given twice")
        parsed = []
        for v in _split_values(values):
            if not v:
                raise UserError(f"--vary {path}: empty value in {values!r}")
            try:
                parsed.append(yaml.safe_load(v))
            except yaml.YAMLError:
                raise UserError(f"--vary {path}: value {v!r} cannot be parsed") from None
        vary[path] = parsed
    return vary


def _parse_ranges(items: list[str]) -> dict[str, tuple[float, float]]:
    from sim import parse_money

    ranges: dict[str, tuple[float, float]] = {}
    for item in items:
        path, sep, bounds = item.partition("=")
        path = path.strip()
        lo, colon, hi = bounds.partition(":")
        if not sep or not path or not colon:
            raise UserError(
                f"--range expects path=low:high (e.g. guarantee.cap_per_firm=10m:40m), got {item!r}"
            )
        try:
            ranges[path] = (parse_money(lo.strip()), parse_money(hi.strip()))
        except (ValueError, TypeError) as exc:
            raise UserError(f"--range {path}: {exc}") from None
        if not ranges[path][0] < ranges[path][1]:
            raise UserError(f"--range {path}: low must be below high, got {bounds!r}")
    return ranges


@app.command()
def compare(
    base: Annotated[Path, typer.Argument(help="Base scenario YAML file.")],
    variants: Annotated[list[Path], typer.Argument(help="Variant scenario YAML files.")],
    replications: ReplicationsOpt = 20,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Output folder (default reports/<base>_vs_<variant>/)."),
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", min=0, help="Root seed (default: the base's).")
    ] = None,
    set_: SetOpt = None,
    processes: ExpProcessesOpt = None,
    scheduler: ExpSchedulerOpt = None,
    resume: ResumeOpt = False,
    fmt: FormatOpt = "csv",
    no_report: NoReportOpt = False,
) -> None:
    """Compare variants with a base on common random numbers (paired replications).

    Every scenario runs replications 0..R-1 on the base's seeds; each figure's change is
    the mean of the paired differences with a 90 % Student-t interval, and the 5-95 %
    range of the paired differences. --set applies to every scenario.
    """

    def body() -> None:
        import sim

        t0 = time.perf_counter()
        b = sim.load_scenario(base, set_ or [])
        vs = [sim.load_scenario(v, set_ or []) for v in variants]
        target = (
            out
            if out is not None
            else Path("reports") / "_vs_".join([b.name, *[v.name for v in vs]])
        )
        opts = ExperimentOptions(processes, scheduler, resume, fmt, no_report)

        def execute(**kw: Any) -> Any:
            return sim.compare(b, vs, replications, seed=seed, **kw)

        def write_extra(result: Any, tmp: Path) -> list[Path]:
            labels = [result.meta["base"], *result.meta["variants"]]
            d = result.differences()
            summary = {
                "kind": "compare",
                "base": result.meta["base"],
                "variants": result.meta["variants"],
                "replications": result.replications,
                "seed": result.seed,
                "intervals": (
                    "diff_mean: mean of paired differences (variant - base, same seeds); "
                    "ci_low/ci_high: 90 % Student-t confidence interval of that mean; "
                    "diff_p05/diff_p95: 5th/95th percentiles of the paired differences"
                ),
                "scenarios": {lab: result.summary_dict(p) for p, lab in enumerate(labels)},
                "differences": {
                    v: {
                        r["metric"]: {
                            k: (None if _isna(r[k]) else float(r[k]))
                            for k in ("diff_mean", "ci_low", "ci_high", "diff_p05", "diff_p95")
                        }
                        for _, r in d[d["variant"] == v].iterrows()
                    }
                    for v in result.meta["variants"]
                },
            }
            _write_json(tmp / "summary.json", summary)
            (tmp / "scenarios").mkdir()
            paths = [tmp / "summary.json"]
            for lab, s in zip(labels, [b, *vs], strict=True):
                path = tmp / "scenarios" / f"{lab.replace('#', '_')}.yaml"
                path.write_text(sim.scenario_to_yaml(s))
                paths.append(path)
            return paths

        manifest = {
            "base_file": str(base),
            "variant_files": [str(v) for v in variants],
            "overrides": list(set_ or []),
        }
        result = _run_experiment(target, opts, t0, execute, write_extra, manifest)
        _print_comparison(result)
        _echo_wrote(target, t0, report=not no_report)

    _guard(body)


def _isna(x: Any) -> bool:
    return x is None or (isinstance(x, float) and x != x)


@app.command()
def sweep(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    vary: Annotated[
        list[str] | None,
        typer.Option(
            "--vary",
            metavar="PATH=V1,V2,...",
            help="Grid lever and its values, e.g. guarantee.cap_per_firm=10m,20m,30m (repeat: cartesian product).",
        ),
    ] = None,
    sample: Annotated[
        int | None,
        typer.Option("--sample", min=1, help="Latin hypercube sample of N points (with --range)."),
    ] = None,
    range_: Annotated[
        list[str] | None,
        typer.Option(
            "--range",
            metavar="PATH=LO:HI",
            help="Lever range of the Latin hypercube, e.g. loan_pool.total=200bn:600bn (repeatable).",
        ),
    ] = None,
    replications: ReplicationsOpt = 1,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Output folder (default reports/<name>_sweep/)."),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option("--seed", min=0, help="Root seed of runs and sample (default: scenario's)."),
    ] = None,
    set_: SetOpt = None,
    processes: ExpProcessesOpt = None,
    scheduler: ExpSchedulerOpt = None,
    resume: ResumeOpt = False,
    fmt: FormatOpt = "csv",
    no_report: NoReportOpt = False,
) -> None:
    """Run a scenario over a grid (--vary) or a Latin hypercube sample (--sample, --range).

    Every point runs replications 0..R-1 on the same seeds. Writes a tidy table
    (tables/replications.csv: one row per point and replication, lever values as
    columns), per-point means and 5-95 % bands (tables/points.csv) and plots of the
    headline figures against each lever.
    """

    def body() -> None:
        import sim

        t0 = time.perf_counter()
        if vary and (sample is not None or range_):
            raise UserError(
                "give either --vary (grid) or --sample with --range (Latin hypercube), not both"
            )
        if not vary and sample is None and not range_:
            raise UserError("give --vary PATH=V1,V2,... or --sample N with --range PATH=LO:HI")
        if (sample is None) != (not range_):
            raise UserError("a Latin hypercube needs both --sample N and at least one --range")
        sc = sim.load_scenario(scenario, set_ or [])
        design: dict[str, Any] = (
            {"vary": _parse_vary(vary)}
            if vary
            else {"ranges": _parse_ranges(range_ or []), "samples": sample}
        )
        target = out if out is not None else Path("reports") / f"{sc.name}_sweep"
        opts = ExperimentOptions(processes, scheduler, resume, fmt, no_report)

        def execute(**kw: Any) -> Any:
            return sim.sweep(sc, **design, replications=replications, seed=seed, **kw)

        def write_extra(result: Any, tmp: Path) -> list[Path]:
            summary = {
                "kind": "sweep",
                "design": result.meta.get("design"),
                "levers": result.levers,
                "points_n": result.meta.get("points_n"),
                "replications": result.replications,
                "seed": result.seed,
                "intervals": "<figure>_p05/_p95: 5th/95th percentiles over replications",
                "points": json.loads(result.points().to_json(orient="records")),
            }
            _write_json(tmp / "summary.json", summary)
            return [tmp / "summary.json"]

        manifest = {
            "scenario": sc.name,
            "scenario_file": str(scenario),
            "overrides": list(set_ or []),
            **{k: v for k, v in design.items()},
        }
        result = _run_experiment(target, opts, t0, execute, write_extra, manifest)
        _print_sweep(result)
        _echo_wrote(target, t0, report=not no_report)

    _guard(body)


def _run_replications(
    sc: Any,
    target: Path,
    opts: ExperimentOptions,
    t0: float,
    *,
    scenario_file: Path,
    overrides: list[str] | None,
    seed: int | None,
    replications: int,
) -> None:
    """``smesim run --replications R`` with R > 1."""
    import sim

    def execute(**kw: Any) -> Any:
        return sim.replicate(sc, replications, seed=seed, **kw)

    def write_extra(result: Any, tmp: Path) -> list[Path]:
        _write_json(tmp / "summary.json", result.summary_dict())
        return [tmp / "summary.json"]

    manifest = {
        "scenario": sc.name,
        "scenario_file": str(scenario_file),
        "overrides": list(overrides or []),
    }
    result = _run_experiment(target, opts, t0, execute, write_extra, manifest)
    _print_replications(result)
    _echo_wrote(target, t0, report=not opts.no_report)


# --------------------------------------------------------------------------- calibration
# calibrate, calibration-table: fitting to observed figures; the baseline beside its targets


@app.command()
def calibrate(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    targets: Annotated[
        Path, typer.Option("--targets", "-t", help="Targets YAML file (observations).")
    ],
    fit: Annotated[
        list[str],
        typer.Option(
            "--fit",
            metavar="PATH=LO:HI",
            help="A parameter to fit and its bounds, e.g. behaviour.apply_intercept=-2:0 "
            "(repeatable).",
        ),
    ],
    replications: Annotated[
        int,
        typer.Option("--replications", "-r", min=1, help="Runs per point (common random numbers)."),
    ] = 4,
    global_method: Annotated[
        str,
        typer.Option(
            "--global",
            help="Global stage: lhs (Latin hypercube scan) or de (differential evolution).",
        ),
    ] = "lhs",
    global_points: Annotated[
        int | None,
        typer.Option("--global-points", min=2, help="Size of the global stage (default 4k, >= 8)."),
    ] = None,
    polish_evals: Annotated[
        int, typer.Option("--polish-evals", min=1, help="Budget of the Nelder-Mead polish.")
    ] = 40,
    refits: Annotated[
        int,
        typer.Option(
            "--refits",
            min=0,
            help="Refit on this many fresh sets of replications for the spread of the fit.",
        ),
    ] = 0,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Output folder (default reports/<name>_calibration/)."),
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", min=0, help="Seed of the global stage.")
    ] = None,
    processes: ProcessesOpt = None,
    scheduler: SchedulerOpt = None,
    set_: SetOpt = None,
) -> None:
    """Fit scenario parameters to observed figures; write a scenario that extends the original.

    Writes the fitted values with their uncertainty, a scenario file (extends: the original
    with the fitted values), observed against simulated with residuals, and a report.
    """

    def body() -> None:
        import sim
        from sim.analysis.calibration import (
            calibrate as run_calibration,
        )
        from sim.analysis.calibration import (
            calibrated_scenario_yaml,
            relative_extends,
        )
        from sim.analysis.evaluation import parse_range
        from sim.analysis.targets import load_targets
        from sim.reporting.analysis_report import write_calibration_report

        t0 = time.perf_counter()
        sc = sim.load_scenario(scenario, set_ or [])
        tg = load_targets(targets, sc)
        params = [parse_range(p, sc, option="--fit") for p in fit]
        target = out if out is not None else Path("reports") / f"{sc.name}_calibration"
        command = " ".join(["smesim", *sys.argv[1:]])
        with _sigterm_as_interrupt(), _output(target) as o:
            tmp = o.tmp
            res = _analysis_call(
                lambda: run_calibration(
                    sc,
                    tg,
                    params,
                    replications=replications,
                    global_method=global_method,  # type: ignore[arg-type]
                    global_points=global_points,
                    polish_evals=polish_evals,
                    refits=refits,
                    seed=seed,
                    processes=processes,
                    scheduler=scheduler,
                )
            )
            # tmp and target share a parent, so the relative path holds for both
            text = calibrated_scenario_yaml(
                res,
                relative_extends(scenario, target.resolve().parent / target.name),
                overrides=set_ or [],
                command=command,
            )
            (tmp / "scenario.yaml").write_text(text)
            sim.load_scenario(tmp / "scenario.yaml")  # it must load as written
            (tmp / "tables").mkdir()
            res.table.to_csv(tmp / "tables" / "observed_vs_simulated.csv", index=False)
            res.uncertainty.to_csv(tmp / "tables" / "fitted.csv", index=False)
            res.trace.to_csv(tmp / "tables" / "trace.csv", index=False)
            if len(res.refits):
                res.refits.to_csv(tmp / "tables" / "refits.csv", index=False)
            write_calibration_report(res, tmp)
            fit_json = {
                "scenario": sc.name,
                "scenario_file": str(scenario),
                "targets_file": str(targets),
                "targets_illustrative": tg.illustrative,
                "overrides": list(set_ or []),
                "fitted": res.fitted,
                "objective": res.objective,
                "uncertainty": res.uncertainty.to_dict("records"),
                "observed_vs_simulated": res.table.to_dict("records"),
                **res.meta,
                "version": sim.__version__,
                "command": command,
                "wall_time_s": time.perf_counter() - t0,
            }
            _write_json(tmp / "fit.json", fit_json)
            o.manifest = {"scenario": sc.name, "command": command, "version": sim.__version__}
        _print_calibration(res)
        typer.echo(
            f"{res.meta['runs_n']} runs, {res.meta['evaluations_n']} points in "
            f"{time.perf_counter() - t0:.0f} s; wrote {target}/ (calibrated scenario: "
            f"{target / 'scenario.yaml'}, report: {target / 'report.pdf'})"
        )

    _guard(body)


def _print_calibration(res: Any) -> None:
    if res.targets.illustrative:
        typer.echo("targets are ILLUSTRATIVE (made-up figures): the fit shows the machinery only")
    refit = "refit_sd" in res.uncertainty
    typer.echo(
        f"  {'parameter':<40}{'fitted':>12}{'se (curv.)':>12}"
        + (f"{'sd (refits)':>12}" if refit else "")
        + f"{'bounds':>24}"
    )
    for _, r in res.uncertainty.iterrows():
        typer.echo(
            f"  {r['parameter']:<40}{r['fitted']:>12.5g}{r['se_curvature']:>12.3g}"
            + (f"{r['refit_sd']:>12.3g}" if refit else "")
            + f"{r['lo']:>12.4g}{r['hi']:>12.4g}"
            + ("  AT BOUND" if r["at_bound"] else "")
        )
    typer.echo(f"objective D = {res.objective:.4g}")
    typer.echo(f"  {'target':<42}{'observed':>14}{'simulated':>14}{'residual':>10}")
    for _, r in res.table.iterrows():
        typer.echo(
            f"  {r['label']:<42}{r['observed']:>14.5g}{r['simulated']:>14.5g}"
            f"{100 * r['residual']:>+9.1f}%"
        )


@app.command("calibration-table")
def calibration_table(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    replications: Annotated[
        int, typer.Option("--replications", "-r", min=1, help="Runs (mean and range).")
    ] = 1,
    csv: Annotated[
        Path | None,
        typer.Option(
            "--csv", help="CSV file to write (default reports/<name>_calibration_table.csv)."
        ),
    ] = None,
    processes: ProcessesOpt = None,
    set_: SetOpt = None,
) -> None:
    """Set a scenario's simulated figures beside the published calibration targets."""

    def body() -> None:
        import sim
        from sim.analysis.baseline import baseline_table
        from sim.experiments import replication_seed
        from sim.outdir import FolderLock, OutputError

        sc = sim.load_scenario(scenario, set_ or [])
        if sc.guarantee is None:
            raise UserError(f"{scenario}: the table needs a scenario with a guarantee fund")
        path = csv if csv is not None else Path("reports") / f"{sc.name}_calibration_table.csv"
        _check_path(path, "--csv")
        if replications == 1:
            results = [sim.run(sc)]
        else:
            results = [
                sim.run(sc, seed_sequence=replication_seed(sc.seed, i)) for i in range(replications)
            ]
        table = baseline_table(results)
        header = ",".join(table.columns)
        try:
            with FolderLock(path, " ".join(["smesim", *sys.argv[1:]])):
                if path.exists():
                    with open(path, encoding="utf-8", errors="replace") as f:
                        first = f.readline().rstrip("\r\n")
                    if not path.is_file() or first != header:
                        raise UserError(
                            f"{path}: exists and is not a calibration table smesim wrote (its "
                            "first line differs); it was not touched. Choose another file "
                            "with --csv"
                        )
                tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
                try:
                    table.to_csv(tmp, index=False)
                    os.replace(tmp, path)
                finally:
                    tmp.unlink(missing_ok=True)
        except OutputError as exc:
            raise UserError(f"{exc} (--csv FILE)") from None
        except OSError as exc:
            raise UserError(f"{path}: cannot be written ({exc.strerror or exc})") from None
        _print_baseline_table(table, replications)
        typer.echo(f"wrote {path}")

    _guard(body)


def _print_baseline_table(table: Any, replications: int) -> None:
    from sim.reporting.run_report import format_money

    def fmt(v: Any, unit: str) -> str:
        if v is None or v != v:
            return "-"
        if unit == "amount":
            return format_money(v)
        return f"{100 * v:.2f} %" if unit == "rate" else f"{100 * v:.1f} %"

    runs = "1 run" if replications == 1 else f"mean of {replications} runs"
    typer.echo(f"{'target':<28}{'band':>22}{'simulated (' + runs + ')':>28}  status   published")
    for _, r in table.iterrows():
        band = f"{fmt(r['lo'], r['unit'])} .. {fmt(r['hi'], r['unit'])}"
        sim_txt = fmt(r["simulated"], r["unit"])
        if replications > 1:
            sim_txt += f" [{fmt(r['sim_min'], r['unit'])}, {fmt(r['sim_max'], r['unit'])}]"
        status = r["status"] + (
            "" if r["status"] in ("within", "n/a") else f" by {100 * r['off_by']:.0f} %"
        )
        typer.echo(f"{r['target']:<28}{band:>22}{sim_txt:>28}  {status:<8} {r['published']}")


# --------------------------------------------------------------------------- design
# design: the lever value that meets a target on a headline figure


@app.command()
def design(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    lever: Annotated[
        str,
        typer.Option(
            "--lever",
            metavar="PATH=LO:HI",
            help="The lever and its range, e.g. guarantee.capital=1bn:4bn.",
        ),
    ],
    target: Annotated[
        str,
        typer.Option(
            "--target",
            help='E.g. "P(pool_exhausted_day <= 364) <= 0.10", "mean uptake_rate >= 0.5", '
            '"max borrower_firms_n / fiscal_cost_amount".',
        ),
    ],
    replications: Annotated[
        int, typer.Option("--replications", "-r", min=2, help="Runs per lever value.")
    ] = 20,
    seek: Annotated[
        str,
        typer.Option(
            "--seek",
            help="Threshold targets: the smallest (min) or largest (max) value meeting it.",
        ),
    ] = "min",
    tol: Annotated[
        float,
        typer.Option(
            "--tol", help="Stop when the bracket is narrower than this share of the range."
        ),
    ] = 0.01,
    grid: Annotated[
        int, typer.Option("--grid", min=3, help="Grid points of a max/min search.")
    ] = 9,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Output folder (default reports/<name>_design/)."),
    ] = None,
    processes: ProcessesOpt = None,
    scheduler: SchedulerOpt = None,
    set_: SetOpt = None,
) -> None:
    """Find the lever value meeting a target (bisection or bounded search); check it by a re-run.

    \b
    Target grammar:
      P(KEY OP NUMBER) OP PROB     probability over replications
      [mean] KEY OP NUMBER         mean over replications
      max|min KEY [/ KEY]          best value (ratio of means)
    OP is <=, <, >= or >; NUMBER a number, an amount (20bn), a percentage (10%) or horizon.
    """

    def body() -> None:
        import sim
        from sim.analysis.design import describe
        from sim.analysis.design import design as run_design
        from sim.analysis.design_targets import parse_target
        from sim.analysis.evaluation import parse_range
        from sim.reporting.analysis_report import write_design_report

        t0 = time.perf_counter()
        sc = sim.load_scenario(scenario, set_ or [])
        lev = parse_range(lever, sc, option="--lever")
        tg = _analysis_call(lambda: parse_target(target))
        dest = out if out is not None else Path("reports") / f"{sc.name}_design"
        with _sigterm_as_interrupt(), _output(dest) as o:
            tmp = o.tmp
            res = _analysis_call(
                lambda: run_design(
                    sc,
                    lev,
                    tg,
                    replications=replications,
                    seek=seek,  # type: ignore[arg-type]
                    tol=tol,
                    grid=grid,
                    processes=processes,
                    scheduler=scheduler,
                )
            )
            lines = describe(res)
            (tmp / "tables").mkdir()
            res.curve.to_csv(tmp / "tables" / "curve.csv", index=False)
            runs = res.runs[[c for c in res.runs.columns if not c.startswith("series_")]]
            runs.to_csv(tmp / "tables" / "runs.csv", index=False)
            write_design_report(res, tmp)
            _write_json(
                tmp / "design.json",
                {
                    "scenario": sc.name,
                    "scenario_file": str(scenario),
                    "overrides": list(set_ or []),
                    "lever": lev.__dict__,
                    "target": tg.__dict__,
                    "seek": res.seek,
                    "status": res.status,
                    "value": res.value,
                    "bracket": res.bracket,
                    "bootstrap_interval_90": res.interval,
                    "check": res.check,
                    "summary": lines,
                    **res.meta,
                    "version": sim.__version__,
                    "command": " ".join(["smesim", *sys.argv[1:]]),
                },
            )
            o.manifest = {
                "scenario": sc.name,
                "command": " ".join(["smesim", *sys.argv[1:]]),
                "version": sim.__version__,
            }
        typer.echo("\n".join(lines))
        typer.echo(
            f"wrote {dest}/ in {time.perf_counter() - t0:.0f} s (report: {dest / 'report.pdf'})"
        )

    _guard(body)


def main() -> None:
    """Entry point of the ``smesim`` command.

    SIGINT and SIGTERM are held from here until a command's body starts (see
    :func:`_guard`), so an interrupt while the libraries load also ends with exit code
    130 and a message rather than a traceback.
    """
    _install_signal_handlers()
    _signals["starting"] = True
    app()


if __name__ == "__main__":
    main()
