"""Commands ``run``, ``validate`` and ``show``: one scenario, one run."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ._app import (
    LangOpt,
    SetOpt,
    StrictOpt,
    UserError,
    app,
    check_lang,
    check_plausible,
    command_line,
    default_folder,
    echo_wrote,
    guard,
    output_language,
    output_writer,
    refuse_if_strict,
    sigterm_as_interrupt,
)
from .experiments import ExperimentOptions, run_replications

if TYPE_CHECKING:  # pragma: no cover
    from sim.scenario import Scenario


@app.command()
def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Output folder (default reports/<name>/; reports/<name>.zh/ with --lang zh).",
        ),
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Seed (default: the scenario's).", min=0)
    ] = None,
    set_: SetOpt = None,
    strict: StrictOpt = False,
    fmt: Annotated[
        str, typer.Option("--format", help="Table format: csv, parquet or xlsx (one workbook).")
    ] = "csv",
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
    lang: LangOpt = None,
) -> None:
    """Run a scenario and write its report, tables, summary and manifest.

    With --replications R > 1 the summary holds each figure's mean with its 5th and 95th
    percentiles over R replications, and the report shows fan charts and the
    probability that each quota has run out by each date.
    """

    def body() -> None:
        from sim.reporting.ahead import ReportAhead

        one_report = replications == 1 and not no_report
        if one_report:
            # both processes need pandas: imported before the fork, it is loaded once
            import pandas  # noqa: F401
        # the report code (matplotlib, fonts) loads on the second core while this one
        # reads the scenario and runs the model
        ahead = ReportAhead.start_if_useful(lang) if one_report else ReportAhead()
        try:
            # the writer stops before a failed run's temporary folder is removed
            work(ahead)
        finally:
            ahead.close()

    def work(ahead: Any) -> None:
        import sim
        from sim.reporting.folders import write_run_files
        from sim.results import TABLE_FORMATS

        if fmt not in TABLE_FORMATS:
            raise UserError(f"--format: expected csv, parquet or xlsx, got {fmt!r}")
        check_lang(lang)
        t0 = time.perf_counter()
        sc = sim.load_scenario(scenario, set_ or [])
        check_plausible(sc, strict, echo=False)  # a run prints them with its summary
        # no font for a Chinese report: exit 2 before the run, naming the extra to install
        language = output_language(lang, sc, report=not no_report)
        target = out if out is not None else default_folder(sc.name, language)
        if replications > 1:
            ex = ExperimentOptions(processes, scheduler, resume, fmt, no_report, language)
            run_replications(
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
        ahead.prepare(language)
        with sigterm_as_interrupt(), output_writer(target) as build, ahead:
            t1 = time.perf_counter()
            result = sim.run(sc, seed=seed)
            refuse_if_strict(result.meta.get("warnings", []), strict)
            write_run_files(
                build,
                result,
                fmt=fmt,
                report=not no_report,
                manifest={
                    "scenario_file": str(scenario),
                    "overrides": list(set_ or []),
                    "timings_s": {"load": t1 - t0},
                },
                started=t0,
                command=command_line(),
                lang=language,
                ahead=ahead,
            )
        typer.echo("\n".join(summary_lines(result.summary_dict(), result.scenario, language)))
        for note in result.meta.get("warnings", []):
            typer.echo(f"warning: {note}", err=True)
        echo_wrote(target, t0, report=not no_report, lang=language)

    guard(body)


def _pool_line(s: dict[str, Any], lang: str, money: Any, pct: Any, day: Any) -> str:
    """The pool line of the terminal summary: "exhausted" of hard and revolving accounts,
    "reached" of targets (the kinds are in the summary when the scenario names one)."""
    from sim.reporting.i18n import tr

    pool_kind = s.get("pool_kind", "hard")
    quota_kind = s.get("bank_quota_kind") or pool_kind
    common = {
        "disbursed": money("disbursed_amount"),
        "used": pct(s["pool_used_share"]),
        "n": s["bank_quotas_n"],
    }
    if pool_kind != "target" and quota_kind != "target":
        return tr("sum.pool", lang, pool_day=day(s["pool_exhausted_day"]),
                  ex=s["bank_quotas_exhausted_n"], **common)  # fmt: skip
    d = s.get("pool_target_reached_day")
    target_day = tr("not_reached", lang) if d is None else tr("day", lang, d=d)
    if pool_kind == quota_kind:
        return tr("sum.pool_target", lang, pool_day=target_day,
                  ex=s["bank_quota_targets_reached_n"], **common)  # fmt: skip
    quota_target = quota_kind == "target"
    return tr(
        "sum.pool_mixed",
        lang,
        pkind=tr(f"kind.{pool_kind}", lang),
        qkind=tr(f"kind.{quota_kind}", lang),
        pool_day=target_day if pool_kind == "target" else day(s["pool_exhausted_day"]),
        qtext=tr("sum.reached" if quota_target else "sum.exhausted", lang),
        ex=s["bank_quota_targets_reached_n"] if quota_target else s["bank_quotas_exhausted_n"],
        **common,
    )


def summary_lines(s: dict[str, Any], scenario: Scenario, lang: str = "en") -> list[str]:
    """The terminal summary of a run: the run's figures, then the lines every measure
    declares for the terminal (:func:`sim.model.instruments.headlines`), then the totals.

    Parameters
    ----------
    s
        The run's summary (:meth:`sim.RunResult.summary_dict`).
    scenario
        The run's scenario.
    lang
        Language of the lines.
    """
    from sim.reporting.formatting import format_money
    from sim.reporting.i18n import tr
    from sim.reporting.measure_rows import headline_rows

    cur = s["currency"]
    money = lambda k: format_money(s[k], cur, lang)  # noqa: E731
    pct = lambda v: f"{(v or 0) * 100:.1f} %"  # noqa: E731

    def day(d: int | None) -> str:
        return tr("not_exhausted", lang) if d is None else tr("day", lang, d=d)

    head = tr(
        "sum.head", lang, name=s["scenario"], n=f"{s['firms_n']:,.0f}", days=s["horizon_days"]
    )
    if s["scale"] != 1:
        head += tr("sum.scaled", lang, scale=f"{s['scale']:g}")
    return [
        head,
        tr(
            "sum.apps",
            lang,
            apps=f"{s['applications_n']:,.0f}",
            ok=f"{s['approved_n']:,.0f}",
            rate=pct(s["approval_rate"]),
            borrowers=f"{s['borrower_firms_n']:,.0f}",
            uptake=pct(s["uptake_rate"]),
        ),
        _pool_line(s, lang, money, pct, day),
        # a measure's line: a sentence of its own, or "  label: value"
        *(
            value if label is None else f"  {label}: {value}"
            for label, value in headline_rows(s, scenario, "terminal", lang)
        ),
        tr(
            "sum.savings",
            lang,
            savings=money("savings_total_amount"),
            fiscal=money("fiscal_cost_amount"),
        ),
    ]


@app.command()
def validate(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    set_: SetOpt = None,
    strict: StrictOpt = False,
) -> None:
    """Check a scenario file (and overrides) without running it."""

    def body() -> None:
        import sim

        sc = sim.load_scenario(scenario, set_ or [])
        check_plausible(sc, strict, echo=False)
        typer.echo(
            f"{scenario}: valid scenario '{sc.name}' ({sc.population.firms_n:,} firms, "
            f"{sc.horizon.days} days)"
        )
        check_plausible(sc, False)

    guard(body)


@app.command()
def show(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    set_: SetOpt = None,
    strict: StrictOpt = False,
    defaults: Annotated[
        bool,
        typer.Option(
            "--defaults",
            help="Then list the values no file wrote (the schema's defaults), as comments.",
        ),
    ] = False,
) -> None:
    """Print the resolved scenario (after extends: and --set) as YAML."""

    def body() -> None:
        import yaml

        import sim
        from sim.scenario.loading import values_from_defaults

        sc = sim.load_scenario(scenario, set_ or [])
        check_plausible(sc, strict)
        typer.echo(sim.scenario_to_yaml(sc), nl=False)
        if defaults:
            typer.echo(
                "# values from defaults (not written in the scenario, a file it extends or --set):"
            )
            for path, value in values_from_defaults(scenario, set_ or []).items():
                shown = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True)
                typer.echo(f"#   {path}: {shown.removesuffix(chr(10) + '...' + chr(10)).strip()}")

    guard(body)
