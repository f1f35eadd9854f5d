"""Commands ``run --replications``, ``compare`` and ``sweep``: experiments over seeds and levers.

Public names: :func:`run_replications`.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from ._app import (
    ExpProcessesOpt,
    ExpSchedulerOpt,
    FormatOpt,
    LangOpt,
    NoReportOpt,
    ReplicationsOpt,
    ResumeOpt,
    SetOpt,
    StrictOpt,
    UserError,
    app,
    check_lang,
    check_plausible,
    command_line,
    console,
    default_folder,
    echo_wrote,
    guard,
    option_paths,
    output_language,
    output_writer,
    print_error,
    save_json,
    sigterm_as_interrupt,
)

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
    lang: str = "en"


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
    from sim.reporting.folders import write_experiment_files
    from sim.results import TABLE_FORMATS

    if opts.fmt not in TABLE_FORMATS:
        raise UserError(f"--format: expected csv, parquet or xlsx, got {opts.fmt!r}")
    store = _task_store(target)
    with sigterm_as_interrupt(), output_writer(target, store=store) as build:
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
                print_error(
                    f"finished tasks are kept in {store}/; run the same command with "
                    "--resume to continue"
                )
            raise
        t2 = time.perf_counter()
        write_experiment_files(
            build,
            result,
            fmt=opts.fmt,
            report=not opts.no_report,
            write_extra=write_extra,
            manifest={
                **manifest,
                "executor": (
                    f"dask {opts.scheduler or os.environ.get('SMESIM_SCHEDULER')}"
                    if (opts.scheduler or os.environ.get("SMESIM_SCHEDULER", "local"))
                    not in ("", "local")
                    else f"local processes ({opts.processes or 'all CPUs'})"
                ),
                "task_store": str(store),
                "timings_s": {"load": t1 - t0, "tasks": t2 - t1},
            },
            started=t0,
            command=command_line(),
            lang=opts.lang,
        )
    return result


def _echo_band_warning(result: Any, lang: str = "en") -> None:
    """Print the caution of :func:`sim.experiments.precision.band_warning`, if any."""
    from sim.reporting.i18n import band_caution, tr

    warning = band_caution(result.replications, lang)
    if warning:
        typer.echo(tr("warn.band_terminal", lang, warning=warning))


def _figure_name(key: str, lang: str) -> str:
    """A figure as the terminal names it: its key in English, its words in Chinese."""
    from sim.reporting.i18n import figure_label

    return key if lang == "en" else figure_label(key, lang)


def _print_replications(result: Any, lang: str = "en") -> None:
    from rich.table import Table

    from sim.experiments import HEADLINE_KEYS
    from sim.reporting.formatting import replication_rows
    from sim.reporting.i18n import tr

    s = result.summary_dict()
    table = Table(
        title=tr("t.rep_title", lang, name=s["scenario"], r=result.replications),
        title_justify="left",
    )
    for col in ("figure", "mean", "p05", "p95"):
        table.add_column(tr(f"t.{col}", lang), justify="left" if col == "figure" else "right")
    for k, mid, p05, p95 in replication_rows(s, HEADLINE_KEYS, lang):
        table.add_row(_figure_name(k, lang), mid, p05, p95)
    console().print(table)
    _echo_band_warning(result, lang)


def _print_comparison(result: Any, lang: str = "en") -> None:
    from rich.table import Table

    from sim.experiments import HEADLINE_KEYS
    from sim.reporting.formatting import format_difference, format_value
    from sim.reporting.i18n import tr

    d = result.differences(HEADLINE_KEYS)
    for variant, dv in d.groupby("variant", sort=False):
        table = Table(
            title=tr(
                "t.cmp_title",
                lang,
                variant=variant,
                base=result.meta["base"],
                r=result.replications,
                cur=result.scenario.currency,
            ),
            title_justify="left",
            caption=tr("t.cmp_caption", lang),
            caption_justify="left",
        )
        for col in ("figure", "base", "variant", "difference", "ci", "pairs"):
            table.add_column(tr(f"t.{col}", lang), justify="left" if col == "figure" else "right")
        for _, r in dv.iterrows():
            m = r["metric"]

            def diff(col: str, m: str = m, r: Any = r) -> str:
                return format_difference(m, r[col], lang=lang)

            table.add_row(
                _figure_name(m, lang),
                format_value(m, r["base_mean"], lang=lang),
                format_value(m, r["variant_mean"], lang=lang),
                diff("diff_mean"),
                f"{diff('ci_low')} .. {diff('ci_high')}",
                f"{diff('diff_p05')} .. {diff('diff_p95')}",
            )
        console().print(table)
    _echo_band_warning(result, lang)


def _print_sweep(result: Any, lang: str = "en") -> None:
    from rich.table import Table

    from sim.reporting.formatting import format_lever, format_value
    from sim.reporting.i18n import tr

    cur = result.scenario.currency
    pts = result.points()
    show = ["approved_n", "borrower_firms_n", "guaranteed_amount", "unmet_demand_amount"]
    table = Table(
        title=tr("t.swp_title", lang, name=result.scenario.name, n=len(pts), r=result.replications),
        title_justify="left",
    )
    for col in [tr("t.point", lang), *result.levers, *[_figure_name(m, lang) for m in show]]:
        table.add_column(col, justify="right")
    for _, r in pts.head(40).iterrows():
        table.add_row(
            str(int(r["point"])),
            *[format_lever(r[lv], lang) for lv in result.levers],
            *[format_value(m, r[f"{m}_mean"], cur, lang) for m in show],
        )
    console().print(table)
    if len(pts) > 40:
        typer.echo(tr("t.more_points", lang, n=len(pts) - 40))
    _echo_band_warning(result, lang)


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


def _parse_ranges(items: list[str], scenario: Any) -> dict[str, tuple[float, float]]:
    """``--range PATH=LO:HI`` items, checked against the scenario by the library's parser."""
    from sim.analysis.evaluation import parse_range

    ranges = [parse_range(item, scenario, option="--range") for item in items]
    return {r.path: (r.lo, r.hi) for r in ranges}


@app.command()
def compare(
    base: Annotated[Path, typer.Argument(help="Base scenario YAML file.")],
    variants: Annotated[list[Path], typer.Argument(help="Variant scenario YAML files.")],
    replications: ReplicationsOpt = 20,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Output folder (default reports/<base>_vs_<variant>/; reports/<base>_vs_<variant>.zh/ with --lang zh).",
        ),
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", min=0, help="Root seed (default: the base's).")
    ] = None,
    set_: SetOpt = None,
    strict: StrictOpt = False,
    processes: ExpProcessesOpt = None,
    scheduler: ExpSchedulerOpt = None,
    resume: ResumeOpt = False,
    fmt: FormatOpt = "csv",
    no_report: NoReportOpt = False,
    lang: LangOpt = None,
) -> None:
    """Compare variants with a base on common random numbers (paired replications).

    Every scenario runs replications 0..R-1 on the base's seeds; each figure's change is
    the mean of the paired differences with a 90 % Student-t interval, and the 5-95 %
    range of the paired differences. --set applies to every scenario.
    """

    def body() -> None:
        import sim
        from sim.jsonio import plain

        check_lang(lang)
        t0 = time.perf_counter()
        b = sim.load_scenario(base, set_ or [])
        vs = [sim.load_scenario(v, set_ or []) for v in variants]
        check_plausible([b, *vs], strict)
        language = output_language(lang, b, report=not no_report)
        target = (
            out
            if out is not None
            else default_folder("_vs_".join([b.name, *[v.name for v in vs]]), language)
        )
        opts = ExperimentOptions(processes, scheduler, resume, fmt, no_report, language)

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
                            k: plain(r[k])
                            for k in ("diff_mean", "ci_low", "ci_high", "diff_p05", "diff_p95")
                        }
                        for _, r in d[d["variant"] == v].iterrows()
                    }
                    for v in result.meta["variants"]
                },
            }
            save_json(tmp / "summary.json", summary)
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
        _print_comparison(result, language)
        echo_wrote(target, t0, report=not no_report, lang=language)

    guard(body)


def _check_outputs(keys: list[str]) -> list[str]:
    """``--output`` keys of a sweep, each a numeric summary figure (else exit 2, naming
    the nearest figure); given twice, once."""
    from sim.experiments import NUMERIC_KEYS, OPTIONAL_NUMERIC_KEYS
    from sim.scenario.messages import did_you_mean

    known = (*NUMERIC_KEYS, *OPTIONAL_NUMERIC_KEYS)
    for key in keys:
        if key not in known:
            raise UserError(
                f"--output {key!r} is not a numeric summary figure{did_you_mean(key, known)}"
            )
    return list(dict.fromkeys(keys))


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
    output: Annotated[
        list[str] | None,
        typer.Option(
            "--output",
            metavar="KEY",
            help="A numeric summary figure the report plots against each lever, e.g. uptake_rate (repeatable; default: the headline figures).",
        ),
    ] = None,
    replications: ReplicationsOpt = 20,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Output folder (default reports/<name>_sweep/; reports/<name>_sweep.zh/ with --lang zh).",
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option("--seed", min=0, help="Root seed of runs and sample (default: scenario's)."),
    ] = None,
    set_: SetOpt = None,
    strict: StrictOpt = False,
    processes: ExpProcessesOpt = None,
    scheduler: ExpSchedulerOpt = None,
    resume: ResumeOpt = False,
    fmt: FormatOpt = "csv",
    no_report: NoReportOpt = False,
    lang: LangOpt = None,
) -> None:
    """Run a scenario over a grid (--vary) or a Latin hypercube sample (--sample, --range).

    Every point runs replications 0..R-1 on the same seeds. Writes a tidy table
    (tables/replications.csv: one row per point and replication, lever values as
    columns), per-point means and 5-95 % bands (tables/points.csv) and plots of the
    headline figures (or the --output figures) against each lever.
    """

    def body() -> None:
        import sim

        check_lang(lang)
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
        check_plausible(sc, strict)
        outputs = _check_outputs(output or [])
        language = output_language(lang, sc, report=not no_report)
        option = "--vary" if vary else "--range"
        with option_paths(option, scenario, sc.name):
            design: dict[str, Any] = (
                {"vary": _parse_vary(vary)}
                if vary
                else {"ranges": _parse_ranges(range_ or [], sc), "samples": sample}
            )
        target = out if out is not None else default_folder(f"{sc.name}_sweep", language)
        opts = ExperimentOptions(processes, scheduler, resume, fmt, no_report, language)

        def execute(**kw: Any) -> Any:
            result = sim.sweep(sc, **design, replications=replications, seed=seed, **kw)
            if outputs:  # the figures the report plots against each lever
                result.meta["outputs"] = list(outputs)
            return result

        def write_extra(result: Any, tmp: Path) -> list[Path]:
            summary = {
                "kind": "sweep",
                "design": result.meta.get("design"),
                "levers": result.levers,
                "outputs": result.meta.get("outputs"),
                "points_n": result.meta.get("points_n"),
                "replications": result.replications,
                "seed": result.seed,
                "intervals": "<figure>_p05/_p95: 5th/95th percentiles over replications",
                "points": json.loads(result.points().to_json(orient="records")),
            }
            save_json(tmp / "summary.json", summary)
            return [tmp / "summary.json"]

        manifest = {
            "scenario": sc.name,
            "scenario_file": str(scenario),
            "overrides": list(set_ or []),
            **{k: v for k, v in design.items()},
        }
        with option_paths(option, scenario, sc.name):
            result = _run_experiment(target, opts, t0, execute, write_extra, manifest)
        _print_sweep(result, language)
        echo_wrote(target, t0, report=not no_report, lang=language)

    guard(body)


def run_replications(
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
        save_json(tmp / "summary.json", result.summary_dict())
        return [tmp / "summary.json"]

    manifest = {
        "scenario": sc.name,
        "scenario_file": str(scenario_file),
        "overrides": list(overrides or []),
    }
    result = _run_experiment(target, opts, t0, execute, write_extra, manifest)
    _print_replications(result, opts.lang)
    echo_wrote(target, t0, report=not opts.no_report, lang=opts.lang)
