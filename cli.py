"""The ``smesim`` command line: parse, call :mod:`sim`, print, exit with a clear code.

Exit codes: 0 success; 2 user error (bad scenario, bad option, unwritable folder),
with a message naming the file and the field; 1 internal error (a short message, the
traceback only with ``--debug``); 130 interrupted (nothing half-written is left).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="smesim: simulate SME support measures (loan pools, guarantees, cost relief, awards, funds).",
)

EXIT_OK, EXIT_INTERNAL, EXIT_USER, EXIT_INTERRUPTED = 0, 1, 2, 130
_state = {"debug": False}


class UserError(Exception):
    """A mistake of the user that is not in a scenario file (e.g. an unwritable folder)."""


def _err(msg: str) -> None:
    typer.echo(f"error: {msg}", err=True)


def _guard(fn: Callable[[], Any]) -> None:
    """Run a command body and turn exceptions into messages and exit codes."""
    from sim import ScenarioError

    try:
        fn()
    except (ScenarioError, UserError) as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_USER) from None
    except KeyboardInterrupt:
        _err("interrupted; no partial output was left behind")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except typer.Exit:
        raise
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if _state["debug"]:
            traceback.print_exc()
        _err(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "This is a defect in smesim, not in your input. Please report it with the scenario "
            "file and the command line (rerun with --debug to see the traceback)."
        )
        raise typer.Exit(EXIT_INTERNAL) from None


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C so the temporary output is cleaned up."""

    def handler(signum: int, frame: Any) -> None:  # noqa: ARG001
        raise KeyboardInterrupt

    try:
        old = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def _prepare_out(out: Path) -> Path:
    """Check that ``out`` can be written and return a fresh temporary folder beside it."""
    if out.exists() and not out.is_dir():
        raise UserError(f"output folder {out}: exists and is not a folder")
    parent = out.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=parent))
    except OSError as exc:
        raise UserError(
            f"output folder {out}: cannot be written ({exc.strerror or exc}); choose another with --out"
        ) from None
    return tmp


def _commit_out(tmp: Path, out: Path) -> None:
    """Move a complete temporary folder into place, replacing any previous output whole."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.replace(out, old)
    os.replace(tmp, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@contextmanager
def atomic_output(out: Path) -> Iterator[Path]:
    """Yield a temporary folder; on success move it to ``out`` whole, else delete it."""
    tmp = _prepare_out(out)
    try:
        yield tmp
        _commit_out(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


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
) -> None:
    """Run a scenario and write its report, tables, summary and manifest."""

    def body() -> None:
        import sim
        from sim.report import write_report

        if fmt not in ("csv", "parquet"):
            raise UserError(f"--format: expected csv or parquet, got {fmt!r}")
        t0 = time.perf_counter()
        sc = sim.load_scenario(scenario, set_ or [])
        target = out if out is not None else Path("reports") / sc.name
        with _sigterm_as_interrupt():
            tmp = _prepare_out(target)
            try:
                t1 = time.perf_counter()
                result = sim.run(sc, seed=seed)
                t2 = time.perf_counter()
                files = result.write_tables(tmp / "tables", fmt=fmt)
                (tmp / "summary.json").write_text(
                    json.dumps(result.summary_dict(), indent=2) + "\n"
                )
                (tmp / "scenario.yaml").write_text(sim.scenario_to_yaml(sc))
                t3 = time.perf_counter()
                if not no_report:
                    files += write_report(result, tmp)
                t4 = time.perf_counter()
                manifest = {
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
                    "files": sorted(str(p.relative_to(tmp)) for p in files)
                    + ["manifest.json", "scenario.yaml", "summary.json"],
                }
                (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
                _commit_out(tmp, target)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
        s = result.summary_dict()
        _print_summary(s)
        typer.echo(
            f"wrote {target}/ in {time.perf_counter() - t0:.1f} s"
            + ("" if no_report else f" (report: {target / 'report.pdf'})")
        )

    _guard(body)


def _print_summary(s: dict[str, Any]) -> None:
    from sim.report import format_money

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
    from sim.evaluation import AnalysisError
    from sim.experiment import ExperimentError

    try:
        return fn()
    except (AnalysisError, ExperimentError) as exc:
        raise UserError(str(exc)) from None


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")


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
        from sim.evaluation import parse_range
        from sim.report_analysis import write_sensitivity_report
        from sim.sensitivity import run_sensitivity

        t0 = time.perf_counter()
        sc = sim.load_scenario(scenario, set_ or [])
        params = [parse_range(p, sc, option="--param") for p in param]
        target = out if out is not None else Path("reports") / f"{sc.name}_sensitivity"
        store = _analysis_store(target)
        with _sigterm_as_interrupt():
            tmp = _prepare_out(target)
            try:
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
                files = write_sensitivity_report(res, tmp)
                (tmp / "scenario.yaml").write_text(sim.scenario_to_yaml(sc))
                _write_json(
                    tmp / "manifest.json",
                    {
                        "scenario": sc.name,
                        "scenario_file": str(scenario),
                        "overrides": list(set_ or []),
                        "params": [p.__dict__ for p in params],
                        "outputs": list(output),
                        "censored_share": res.censored,
                        **res.meta,
                        "version": sim.__version__,
                        "command": " ".join(["smesim", *sys.argv[1:]]),
                        "files": sorted(str(p.relative_to(tmp)) for p in files)
                        + ["tables/indices.csv", "tables/samples.csv", "tables/runs.csv"],
                        "total_s": time.perf_counter() - t0,
                    },
                )
                _commit_out(tmp, target)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
        shutil.rmtree(store, ignore_errors=True)
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


def main() -> None:
    """Entry point of the ``smesim`` command."""
    app()


if __name__ == "__main__":
    main()
