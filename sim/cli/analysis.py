"""Commands ``sensitivity``, ``calibrate``, ``calibration-table`` and ``design``.

Public names: :func:`analysis_call`, :func:`pad`.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from ._app import (
    LangOpt,
    ProcessesOpt,
    SchedulerOpt,
    SetOpt,
    StrictOpt,
    UserError,
    app,
    check_lang,
    check_path,
    check_plausible,
    command_line,
    default_folder,
    guard,
    option_paths,
    output_language,
    output_writer,
    save_json,
    sigterm_as_interrupt,
)

# --------------------------------------------------------------------------- analyses
# sensitivity, calibrate, calibration-table, design: the model run at many points


def _analysis_store(out: Path) -> Path:
    """Task store of an analysis writing to ``out``: a sibling folder kept until it ends."""
    return out.parent / f"{out.name}.tasks"


def analysis_call(fn: Callable[[], Any]) -> Any:
    """Call an analysis, turning its request errors into user errors (exit 2)."""
    from sim.errors import AnalysisError, ExperimentError

    try:
        return fn()
    except (AnalysisError, ExperimentError) as exc:
        raise UserError(str(exc)) from None


@app.command()
def sensitivity(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    param: Annotated[
        list[str],
        typer.Option(
            "--param",
            metavar="PATH=LO:HI",
            help="A parameter and its range, e.g. demand.rollover_share=0.8:1 (repeat, >= 2).",
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
        typer.Option(
            "--out",
            "-o",
            help="Output folder (default reports/<name>_sensitivity/; reports/<name>_sensitivity.zh/ with --lang zh).",
        ),
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
    strict: StrictOpt = False,
    lang: LangOpt = None,
) -> None:
    """Global sensitivity (Sobol or Morris, SALib) of summary figures to scenario parameters.

    A *_day output that was not reached (the account lasted) counts as the horizon length.
    """

    def body() -> None:
        import sim
        from sim.analysis.evaluation import parse_range
        from sim.analysis.sensitivity import run_sensitivity
        from sim.reporting.analysis_report import write_sensitivity_report
        from sim.reporting.i18n import tr

        check_lang(lang)
        t0 = time.perf_counter()
        sc = sim.load_scenario(scenario, set_ or [])
        check_plausible(sc, strict)
        language = output_language(lang, sc)
        with option_paths("--param", scenario, sc.name):
            params = [parse_range(p, sc, option="--param") for p in param]
        target = out if out is not None else default_folder(f"{sc.name}_sensitivity", language)
        store = _analysis_store(target)
        with sigterm_as_interrupt(), output_writer(target, store=store) as o:
            tmp = o.tmp
            res = analysis_call(
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
            write_sensitivity_report(res, tmp, lang=language)
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
                "command": command_line(),
                "total_s": time.perf_counter() - t0,
            }
        _print_indices(res, language)
        typer.echo(
            tr(
                "sens.t_done",
                language,
                runs=res.meta["runs_n"],
                s=f"{res.meta['timings_s']['runs']:.0f}",
                target=target,
                path=target / "report.pdf",
            )
        )

    guard(body)


def _print_indices(res: Any, lang: str = "en") -> None:
    from sim.reporting.i18n import morris_caution, tr

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
            tr(
                "sens.t_censored",
                lang,
                pct=f"{100 * res.censored[key]:.0f}",
                days=res.scenario.horizon.days,
            )
            if key in res.censored
            else ""
        )
        typer.echo(f"{key}{note}")
        df = res.indices[res.indices["output"] == key]
        head = pad(tr("sens.col_parameter", lang), 40)
        typer.echo("  " + head + "".join(f"{c:>13}" for c in cols))
        for _, row in df.iterrows():
            typer.echo("  " + f"{row['parameter']:<40}" + "".join(f"{row[c]:>13.4g}" for c in cols))
    warning = morris_caution(res.meta["samples"], lang) if res.method == "morris" else None
    if warning:
        typer.echo(warning + tr("desc.end", lang))


def pad(text: str, width: int, right: bool = False) -> str:
    """``text`` padded to ``width`` terminal columns (Chinese characters take two)."""
    from rich.cells import cell_len

    fill = " " * max(0, width - cell_len(text))
    return fill + text if right else text + fill


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
            help="A parameter to fit and its bounds, e.g. demand.rollover_share=0.8:1 "
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
        typer.Option(
            "--out",
            "-o",
            help="Output folder (default reports/<name>_calibration/; reports/<name>_calibration.zh/ with --lang zh).",
        ),
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", min=0, help="Seed of the global stage.")
    ] = None,
    method: Annotated[
        str,
        typer.Option(
            "--method",
            help="point: the best fit and its curvature error; abc: the posterior by "
            "approximate Bayesian computation (ABC-SMC; needs the abc extra).",
        ),
    ] = "point",
    population: Annotated[
        int, typer.Option("--population", min=10, help="abc: particles a generation.")
    ] = 200,
    generations: Annotated[
        int, typer.Option("--generations", min=1, help="abc: most generations.")
    ] = 8,
    min_acceptance: Annotated[
        float,
        typer.Option(
            "--min-acceptance",
            min=0.0,
            max=0.99,
            help="abc: stop when fewer than this share of the runs tried are accepted.",
        ),
    ] = 0.02,
    processes: ProcessesOpt = None,
    scheduler: SchedulerOpt = None,
    set_: SetOpt = None,
    strict: StrictOpt = False,
    lang: LangOpt = None,
) -> None:
    """Fit scenario parameters to observed figures; write a scenario that extends the original.

    Writes the fitted values with their uncertainty, a scenario file (extends: the original
    with the fitted values), observed against simulated with residuals, and a report.
    With --method abc: weighted posterior samples (tables/posterior.csv, for predict
    --posterior), 90 % credible intervals, a pair plot, the distance schedule, and a
    scenario at the posterior median. --replications, --global, --global-points,
    --polish-evals and --refits belong to the point fit.
    """
    if method not in ("point", "abc"):

        def refuse() -> None:
            raise UserError(f"--method: expected point or abc, got {method!r}")

        guard(refuse)
        return
    if method == "abc":
        _calibrate_abc(
            scenario,
            targets,
            fit,
            population=population,
            generations=generations,
            min_acceptance=min_acceptance,
            out=out,
            seed=seed,
            processes=processes,
            scheduler=scheduler,
            set_=set_,
            lang=lang,
        )
        return

    def body() -> None:
        import sim
        from sim.analysis.calibration import (
            calibrate as run_calibration,
        )
        from sim.analysis.evaluation import parse_range
        from sim.analysis.targets import load_targets
        from sim.reporting.analysis_report import write_calibration_report
        from sim.reporting.i18n import tr

        check_lang(lang)
        t0 = time.perf_counter()
        sc = sim.load_scenario(scenario, set_ or [])
        check_plausible(sc, strict)
        language = output_language(lang, sc)
        tg = load_targets(targets, sc)
        with option_paths("--fit", scenario, sc.name):
            params = [parse_range(p, sc, option="--fit") for p in fit]
        target = out if out is not None else default_folder(f"{sc.name}_calibration", language)
        command = command_line()
        with sigterm_as_interrupt(), output_writer(target) as o:
            tmp = o.tmp
            res = analysis_call(
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
            _write_fitted_scenario(res, scenario, target, tmp, set_ or [], command)
            res.table.to_csv(tmp / "tables" / "observed_vs_simulated.csv", index=False)
            res.uncertainty.to_csv(tmp / "tables" / "fitted.csv", index=False)
            res.trace.to_csv(tmp / "tables" / "trace.csv", index=False)
            if len(res.refits):
                res.refits.to_csv(tmp / "tables" / "refits.csv", index=False)
            write_calibration_report(res, tmp, lang=language)
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
            save_json(tmp / "fit.json", fit_json)
            o.manifest = {"scenario": sc.name, "command": command, "version": sim.__version__}
        _print_calibration(res, language)
        typer.echo(
            tr(
                "cal.t_done",
                language,
                runs=res.meta["runs_n"],
                evals=res.meta["evaluations_n"],
                s=f"{time.perf_counter() - t0:.0f}",
                target=target,
                scenario=target / "scenario.yaml",
                path=target / "report.pdf",
            )
        )

    guard(body)


def _print_calibration(res: Any, lang: str = "en") -> None:
    from sim.reporting.formatting import format_value
    from sim.reporting.i18n import tr

    def h(key: str, width: int, right: bool = True) -> str:
        return pad(tr(key, lang), width, right)

    if res.targets.illustrative:
        typer.echo(tr("cal.t_illustrative", lang))
    refit = "refit_sd" in res.uncertainty
    typer.echo(
        f"  {h('cal.t_parameter', 40, False)}{h('cal.t_fitted', 12)}{h('cal.t_se', 12)}"
        + (h("cal.t_sd", 12) if refit else "")
        + h("cal.t_bounds", 24)
    )
    for _, r in res.uncertainty.iterrows():
        typer.echo(
            f"  {r['parameter']:<40}{r['fitted']:>12.5g}{r['se_curvature']:>12.3g}"
            + (f"{r['refit_sd']:>12.3g}" if refit else "")
            + f"{r['lo']:>12.4g}{r['hi']:>12.4g}"
            + (tr("cal.t_at_bound", lang) if r["at_bound"] else "")
        )
    typer.echo(tr("cal.t_objective", lang, d=f"{res.objective:.4g}"))
    typer.echo(
        f"  {h('cal.t_target', 42, False)}{h('cal.col_observed', 14)}"
        f"{h('cal.col_simulated', 14)}{h('cal.col_residual', 10)}"
    )
    for _, r in res.table.iterrows():
        held = tr("cal.held_out", lang) if r["role"] == "predict" else ""
        obs, simd = (format_value(r["key"], r[c], "", lang) for c in ("observed", "simulated"))
        typer.echo(f"  {r['label']:<42}{obs:>14}{simd:>14}{100 * r['residual']:>+9.1f}%{held}")


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
    strict: StrictOpt = False,
    lang: LangOpt = None,
) -> None:
    """Set a scenario's simulated figures beside the published calibration targets."""

    def body() -> None:
        import sim
        from sim.analysis.baseline import EARLIER_HEADERS, baseline_table
        from sim.experiments import replication_seed
        from sim.outdir import FolderLock, OutputError
        from sim.reporting.i18n import tr

        check_lang(lang)
        sc = sim.load_scenario(scenario, set_ or [])
        check_plausible(sc, strict)
        language = output_language(lang, sc, report=False)
        if sc.guarantee is None:
            raise UserError(f"{scenario}: the table needs a scenario with a guarantee fund")
        path = csv if csv is not None else Path("reports") / f"{sc.name}_calibration_table.csv"
        check_path(path, "--csv")
        if replications == 1:
            results = [sim.run(sc)]
        else:
            results = [
                sim.run(sc, seed_sequence=replication_seed(sc.seed, i)) for i in range(replications)
            ]
        table = baseline_table(results, lang=language)
        header = ",".join(table.columns)
        try:
            with FolderLock(path, command_line()):
                if path.exists():
                    with open(path, encoding="utf-8", errors="replace") as f:
                        first = f.readline().rstrip("\r\n")
                    if not path.is_file() or first not in (header, *EARLIER_HEADERS):
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
        _print_baseline_table(table, replications, language)
        typer.echo(tr("ct.wrote", language, path=path))

    guard(body)


def _print_baseline_table(table: Any, replications: int, lang: str = "en") -> None:
    from sim.reporting.formatting import format_money
    from sim.reporting.i18n import tr

    def fmt(v: Any, unit: str) -> str:
        if v is None or v != v:
            return "-"
        if unit == "amount":
            return format_money(v, lang=lang)
        return f"{100 * v:.2f} %" if unit == "rate" else f"{100 * v:.1f} %"

    runs = tr("ct.one_run", lang) if replications == 1 else tr("ct.mean_runs", lang, n=replications)
    typer.echo(
        pad(tr("cal.t_target", lang), 28)
        + pad(tr("ct.band", lang), 26, True)
        + " "
        + pad(tr("ct.simulated", lang, runs=runs), 30, True)
        + "  "
        + pad(tr("ct.status", lang), 17)
        + pad(tr("ct.conf", lang), 7)
        + tr("ct.published", lang)
    )
    for _, r in table.iterrows():
        band = f"{fmt(r['lo'], r['unit'])} .. {fmt(r['hi'], r['unit'])}"
        sim_txt = fmt(r["simulated"], r["unit"])
        if replications > 1:
            sim_txt += f" [{fmt(r['sim_min'], r['unit'])}, {fmt(r['sim_max'], r['unit'])}]"
        status = tr(f"ct.{r['status']}", lang) + (
            tr("ct.by", lang, pct=f"{100 * r['off_by']:.0f}")
            if r["status"] in ("below", "above")
            else ""
        )
        typer.echo(
            pad(str(r["target"]), 28)
            + pad(band, 26, True)
            + " "
            + pad(sim_txt, 30, True)
            + "  "
            + pad(status, 16)
            + " "
            + pad(str(r["confidence"]), 7)
            + f"{r['published']}"
        )
        if r["role"] != "check":
            role = tr(f"ct.role.{r['role']}", lang)
            typer.echo(tr("ct.reason", lang, role=role, reason=r["reason"]))


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
        typer.Option(
            "--out",
            "-o",
            help="Output folder (default reports/<name>_design/; reports/<name>_design.zh/ with --lang zh).",
        ),
    ] = None,
    processes: ProcessesOpt = None,
    scheduler: SchedulerOpt = None,
    set_: SetOpt = None,
    strict: StrictOpt = False,
    lang: LangOpt = None,
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
        from sim.analysis.design import describe as describe_en
        from sim.analysis.design import design as run_design
        from sim.analysis.design_targets import parse_target
        from sim.analysis.evaluation import parse_range
        from sim.reporting.design_report import describe, write_design_report
        from sim.reporting.i18n import tr

        check_lang(lang)
        t0 = time.perf_counter()
        sc = sim.load_scenario(scenario, set_ or [])
        check_plausible(sc, strict)
        language = output_language(lang, sc)
        with option_paths("--lever", scenario, sc.name):
            lev = parse_range(lever, sc, option="--lever")
        tg = analysis_call(lambda: parse_target(target))
        dest = out if out is not None else default_folder(f"{sc.name}_design", language)
        with sigterm_as_interrupt(), output_writer(dest) as o:
            tmp = o.tmp
            res = analysis_call(
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
            lines = describe(res, language)
            (tmp / "tables").mkdir()
            res.curve.to_csv(tmp / "tables" / "curve.csv", index=False)
            runs = res.runs[[c for c in res.runs.columns if not c.startswith("series_")]]
            runs.to_csv(tmp / "tables" / "runs.csv", index=False)
            write_design_report(res, tmp, lang=language)
            save_json(
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
                    "summary": describe_en(res),
                    **res.meta,
                    "version": sim.__version__,
                    "command": command_line(),
                },
            )
            o.manifest = {
                "scenario": sc.name,
                "command": command_line(),
                "version": sim.__version__,
            }
        typer.echo("\n".join(lines))
        typer.echo(
            tr(
                "des.t_done",
                language,
                dest=dest,
                s=f"{time.perf_counter() - t0:.0f}",
                path=dest / "report.pdf",
            )
        )

    guard(body)


def _calibrate_abc(
    scenario: Path,
    targets: Path,
    fit: list[str],
    *,
    population: int,
    generations: int,
    min_acceptance: float,
    out: Path | None,
    seed: int | None,
    processes: int | None,
    scheduler: str | None,
    set_: list[str] | None,
    lang: str | None,
) -> None:
    """``calibrate --method abc``: the posterior, its tables, scenario and report."""

    def body() -> None:
        import sim
        from sim.analysis.abc import calibrate_abc
        from sim.analysis.evaluation import parse_range
        from sim.analysis.targets import load_targets
        from sim.reporting.analysis_report import write_posterior_report
        from sim.reporting.formatting import format_value
        from sim.reporting.i18n import tr

        check_lang(lang)
        t0 = time.perf_counter()
        sc = sim.load_scenario(scenario, set_ or [])
        language = output_language(lang, sc)
        tg = load_targets(targets, sc)
        with option_paths("--fit", scenario, sc.name):
            params = [parse_range(p, sc, option="--fit") for p in fit]
        target = out if out is not None else Path("reports") / f"{sc.name}_calibration"
        command = command_line()
        with sigterm_as_interrupt(), output_writer(target) as o:
            tmp = o.tmp
            res = analysis_call(
                lambda: calibrate_abc(
                    sc,
                    tg,
                    params,
                    population_size=population,
                    generations=generations,
                    min_acceptance=min_acceptance,
                    seed=seed,
                    processes=processes,
                    scheduler=scheduler,
                    database=tmp / "abc.db",
                )
            )
            _write_fitted_scenario(res, scenario, target, tmp, set_ or [], command)
            res.samples.to_csv(tmp / "tables" / "posterior.csv", index=False)
            res.intervals.to_csv(tmp / "tables" / "intervals.csv", index=False)
            res.schedule.to_csv(tmp / "tables" / "schedule.csv", index=False)
            res.table.to_csv(tmp / "tables" / "observed_vs_simulated.csv", index=False)
            write_posterior_report(res, tmp, lang=language)
            save_json(
                tmp / "fit.json",
                {
                    "scenario": sc.name,
                    "scenario_file": str(scenario),
                    "targets_file": str(targets),
                    "targets_illustrative": tg.illustrative,
                    "overrides": list(set_ or []),
                    "posterior_median": res.median,
                    "intervals": res.intervals.to_dict("records"),
                    "schedule": res.schedule.to_dict("records"),
                    "observed_vs_simulated": res.table.to_dict("records"),
                    **res.meta,
                    "version": sim.__version__,
                    "command": command,
                    "wall_time_s": time.perf_counter() - t0,
                },
            )
            o.manifest = {"scenario": sc.name, "command": command, "version": sim.__version__}
        typer.echo(tr("abc.posterior", language))
        for _, r in res.intervals.iterrows():
            typer.echo(
                tr(
                    "abc.t_interval",
                    language,
                    p=r["parameter"],
                    med=f"{r['median']:.5g}",
                    lo=f"{r['q05']:.4g}",
                    hi=f"{r['q95']:.4g}",
                    prior=r["prior"],
                )
            )
        for _, r in res.table.iterrows():
            held = tr("cal.held_out", language) if r["role"] == "predict" else ""
            obs, mean, lo, hi = (
                format_value(r["key"], r[c], "", language)
                for c in ("observed", "mean", "p05", "p95")
            )
            typer.echo(
                f"  {r['label']:<42}{obs:>12}{mean:>12}  {lo} .. {hi}"
                f"{100 * r['error']:>+8.1f}%{held}"
            )
        typer.echo(
            tr(
                "abc.t_done",
                language,
                sims=f"{res.meta['simulations_n']:,}",
                g=res.meta["generations"],
                s=f"{time.perf_counter() - t0:.0f}",
                target=target,
                posterior=target / "tables" / "posterior.csv",
                scenario=target / "scenario.yaml",
                path=target / "report.pdf",
            )
        )

    guard(body)


def _write_fitted_scenario(
    res: Any, scenario: Path, target: Path, tmp: Path, overrides: list[str], command: str
) -> None:
    """``scenario.yaml`` (extends the original with the fit) and the ``tables`` folder."""
    import sim
    from sim.analysis.calibration import calibrated_scenario_yaml, relative_extends

    # tmp and target share a parent, so the relative path holds for both
    text = calibrated_scenario_yaml(
        res,
        relative_extends(scenario, target.resolve().parent / target.name),
        overrides=overrides,
        command=command,
    )
    (tmp / "scenario.yaml").write_text(text)
    sim.load_scenario(tmp / "scenario.yaml")  # it must load as written
    (tmp / "tables").mkdir()
