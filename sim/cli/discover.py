"""Command ``discover``: which combinations of uncertain inputs lead to an outcome (PRIM, CART).

Public names: :func:`discover`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from ._app import (
    ExpProcessesOpt,
    ExpSchedulerOpt,
    LangOpt,
    NoReportOpt,
    ResumeOpt,
    SetOpt,
    UserError,
    app,
    check_lang,
    command_line,
    guard,
    option_paths,
    output_language,
    output_writer,
    print_error,
    save_json,
    sigterm_as_interrupt,
)


def _call(fn: Any) -> Any:
    """Call the library, turning a request it cannot meet into a user error (exit 2)."""
    from sim.errors import AnalysisError

    try:
        return fn()
    except AnalysisError as exc:
        raise UserError(str(exc)) from None


def _write_tables(result: Any, tmp: Path) -> list[Path]:
    tables = tmp / "tables"
    tables.mkdir()
    files = {
        "runs.csv": result.runs,
        "peeling.csv": result.trajectory,
        "box.csv": result.box,
        "cart_leaves.csv": result.leaves,
    }
    out = []
    for name, df in files.items():
        df.to_csv(tables / name, index=False)
        out.append(tables / name)
    (tables / "tree.txt").write_text(result.boxes.tree_text, encoding="utf-8")
    out.append(tables / "tree.txt")
    save_json(tmp / "discovery.json", result.to_dict())
    return [*out, tmp / "discovery.json"]


def _print_result(result: Any, lang: str) -> None:
    from sim.reporting.discover_report import discovery_lines
    from sim.reporting.formatting import format_lever
    from sim.reporting.i18n import tr

    m = result.meta
    typer.echo(
        tr(
            "disc.t_cases",
            lang,
            cases=m["cases_n"],
            runs=m["runs_n"],
            cond=result.condition.text,
            pct=f"{100 * m['cases_n'] / m['runs_n']:.0f}",
        )
    )
    for line in discovery_lines(result, lang)[5:]:
        typer.echo(line)
    for _, r in result.box[result.box["restricted"]].iterrows():
        qp = [f"{v:.2g}" for v in (r["qp_lo"], r["qp_hi"]) if v == v]
        typer.echo(
            tr(
                "disc.t_limit",
                lang,
                path=r["parameter"],
                lo=format_lever(r["box_lo"], lang),
                hi=format_lever(r["box_hi"], lang),
                flo=format_lever(r["lo"], lang),
                fhi=format_lever(r["hi"], lang),
                qp=" / ".join(qp),
            )
        )


@app.command()
def discover(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    range_: Annotated[
        list[str],
        typer.Option(
            "--range",
            metavar="PATH=LO:HI",
            help="An uncertain input and its range, e.g. behaviour.apply_intercept=-3:-1 "
            "(repeatable).",
        ),
    ],
    sample: Annotated[
        int, typer.Option("--sample", "-n", min=2, help="Points of the Latin hypercube.")
    ],
    where: Annotated[
        str,
        typer.Option(
            "--where",
            metavar="'KEY OP VALUE'",
            help="What makes a run a case of interest: a numeric summary figure, one of "
            "< <= > >= == != and a number, amount (100bn), percentage (5%) or date "
            "(2025-12-31, for a *_day key), e.g. 'pool_exhausted_day < 365'.",
        ),
    ],
    replications: Annotated[
        int, typer.Option("--replications", "-r", min=1, help="Runs per point (each is a case).")
    ] = 1,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Output folder (default reports/<name>_discover/)."),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option("--seed", min=0, help="Root seed of runs and sample (default: scenario's)."),
    ] = None,
    threshold: Annotated[
        float | None,
        typer.Option(
            "--threshold",
            metavar="DENSITY",
            min=0.0,
            max=1.0,
            help="Choose the PRIM box of highest coverage whose density is at least DENSITY "
            "(default: the densest box with coverage >= --min-coverage).",
        ),
    ] = None,
    min_coverage: Annotated[
        float,
        typer.Option(
            "--min-coverage", min=0.0, max=1.0, help="Coverage floor of the chosen PRIM box."
        ),
    ] = 0.8,
    set_: SetOpt = None,
    processes: ExpProcessesOpt = None,
    scheduler: ExpSchedulerOpt = None,
    resume: ResumeOpt = False,
    no_report: NoReportOpt = False,
    lang: LangOpt = None,
) -> None:
    """Scenario discovery: where in the ranges does a condition hold? (PRIM boxes, CART tree)

    Runs a Latin hypercube sample of the ranges (as sweep --sample, resumable, on local
    processes or Dask), flags every run that meets --where, then finds PRIM's peeling
    trajectory (coverage, density, restricted inputs), the chosen box with a quasi-p-value
    per limit, and a CART tree. A *_day figure that never came counts as the day after
    the horizon. Needs the discover extra: pip install 'smesim[discover]'.
    """

    def body() -> None:
        import sim
        from sim.analysis.discover import discover as run_discovery
        from sim.analysis.discover import parse_condition, require_extra
        from sim.analysis.evaluation import parse_range
        from sim.reporting.i18n import tr

        check_lang(lang)
        t0 = time.perf_counter()
        _call(require_extra)
        sc = sim.load_scenario(scenario, set_ or [])
        language = output_language(lang, sc, report=not no_report)
        with option_paths("--range", scenario, sc.name):
            params = [parse_range(r, sc, option="--range") for r in range_]
        if len({p.path for p in params}) != len(params):
            raise UserError("--range: an input is given twice")
        cond = _call(lambda: parse_condition(where, sc, option="--where"))
        target = out if out is not None else Path("reports") / f"{sc.name}_discover"
        store = target.parent / f"{target.name}.tasks"
        with sigterm_as_interrupt(), output_writer(target, store=store) as o:
            try:
                result = _call(
                    lambda: run_discovery(
                        sc,
                        params,
                        cond,
                        sample,
                        replications=replications,
                        seed=seed,
                        min_coverage=min_coverage,
                        threshold=threshold,
                        processes=processes,
                        scheduler=scheduler,
                        store=store,
                        resume=resume,
                        progress=sys.stderr.isatty(),
                    )
                )
            except (KeyboardInterrupt, UserError):
                if store.is_dir():
                    print_error(
                        f"finished runs are kept in {store}/; run the command again with "
                        "--resume (another --where reuses them too)"
                    )
                raise
            _write_tables(result, o.tmp)
            if not no_report:
                from sim.reporting.discover_report import write_discovery_report

                write_discovery_report(result, o.tmp, lang=language)
            (o.tmp / "scenario.yaml").write_text(sim.scenario_to_yaml(sc))
            o.manifest = {
                "scenario": sc.name,
                "scenario_file": str(scenario),
                "overrides": list(set_ or []),
                "ranges": [p.__dict__ for p in params],
                "where": where,
                **result.meta,
                "version": sim.__version__,
                "command": command_line(),
                "total_s": time.perf_counter() - t0,
            }
        _print_result(result, language)
        key = "disc.t_done_noreport" if no_report else "disc.t_done"
        typer.echo(
            tr(
                key,
                language,
                runs=result.meta["runs_n"],
                s=f"{time.perf_counter() - t0:.0f}",
                target=target,
                path=target / "report.pdf",
            )
        )

    guard(body)
