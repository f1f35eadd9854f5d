"""Command ``predict``: a scenario's replications beside observed figures (validation)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer

from ._app import (
    LangOpt,
    ProcessesOpt,
    SchedulerOpt,
    SetOpt,
    StrictOpt,
    app,
    check_lang,
    check_plausible,
    command_line,
    default_folder,
    guard,
    output_language,
    output_writer,
    save_json,
    sigterm_as_interrupt,
)
from .analysis import analysis_call


@app.command()
def predict(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file (e.g. a fitted one).")],
    targets: Annotated[
        Path, typer.Option("--targets", "-t", help="Targets YAML file (observations).")
    ],
    replications: Annotated[
        int, typer.Option("--replications", "-r", min=1, help="Replications (mean, 5-95 % band).")
    ] = 20,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Output folder (default reports/<name>_prediction/; reports/<name>_prediction.zh/ with --lang zh).",
        ),
    ] = None,
    posterior: Annotated[
        Path | None,
        typer.Option(
            "--posterior",
            help="Posterior samples (tables/posterior.csv of calibrate --method abc, or its "
            "folder): each run draws its parameters from them.",
        ),
    ] = None,
    processes: ProcessesOpt = None,
    scheduler: SchedulerOpt = None,
    set_: SetOpt = None,
    strict: StrictOpt = False,
    lang: LangOpt = None,
) -> None:
    """Run a scenario with replications and set it beside every observation of a targets file.

    Observations held out of the fit (role: predict) are the out-of-sample test of a
    calibrated scenario: observed, simulated mean, 5-95 % band and relative error at each
    observed day. Writes tables/observed_vs_simulated.csv, tables/fan_<flow>.csv and
    prediction.json. With --posterior, each run draws its parameters from the posterior
    (a posterior-predictive band: parameter and run-to-run uncertainty together), and the
    scenario as written is run beside it (the point fit's band, tables/fan_point_<flow>.csv).
    """

    def body() -> None:
        import sim
        from sim.analysis.abc import read_posterior
        from sim.analysis.targets import load_targets
        from sim.analysis.validation import predict as run_prediction
        from sim.analysis.validation import series_band
        from sim.reporting.i18n import tr

        check_lang(lang)
        t0 = time.perf_counter()
        sc = sim.load_scenario(scenario, set_ or [])
        check_plausible(sc, strict)
        language = output_language(lang, sc, report=False)
        tg = load_targets(targets, sc)
        target = out if out is not None else default_folder(f"{sc.name}_prediction", language)
        command = command_line()
        with sigterm_as_interrupt(), output_writer(target) as o:
            tmp = o.tmp
            samples = (
                analysis_call(lambda: read_posterior(posterior, sc))
                if posterior is not None
                else None
            )
            res = analysis_call(
                lambda: run_prediction(
                    sc,
                    tg,
                    replications,
                    posterior=samples,
                    processes=processes,
                    scheduler=scheduler,
                )
            )
            (tmp / "tables").mkdir()
            res.table.to_csv(tmp / "tables" / "observed_vs_simulated.csv", index=False)
            for flow in sorted({c.of for c in tg.cumulative}):
                series_band(res.runs, flow).to_csv(tmp / "tables" / f"fan_{flow}.csv", index=False)
                if res.point_runs is not None:
                    series_band(res.point_runs, flow).to_csv(
                        tmp / "tables" / f"fan_point_{flow}.csv", index=False
                    )
            save_json(
                tmp / "prediction.json",
                {
                    "scenario": sc.name,
                    "scenario_file": str(scenario),
                    "targets_file": str(targets),
                    "overrides": list(set_ or []),
                    "observed_vs_simulated": res.table.to_dict("records"),
                    **res.meta,
                    "version": sim.__version__,
                    "command": command,
                },
            )
            o.manifest = {"scenario": sc.name, "command": command, "version": sim.__version__}
        if posterior is not None:
            typer.echo(tr("pred.posterior", language, n=replications, file=posterior))
        _print_prediction(res.table, replications, language)
        typer.echo(tr("x.wrote", language, target=target, s=f"{time.perf_counter() - t0:.0f}"))

    guard(body)


def _print_prediction(table: Any, replications: int, lang: str = "en") -> None:
    from sim.reporting.formatting import format_value
    from sim.reporting.i18n import tr

    from .analysis import pad

    typer.echo(
        "  "
        + pad(tr("pred.observation", lang), 42)
        + pad(tr("pred.role", lang), 8, True)
        + pad(tr("pred.observed", lang), 12, True)
        + pad(tr("pred.mean", lang), 12, True)
        + pad(tr("pred.band", lang, n=replications), 28, True)
        + pad(tr("pred.error", lang), 9, True)
    )
    for _, r in table.iterrows():
        obs, mean, p05, p95 = (
            format_value(r["key"], r[c], "", lang) for c in ("observed", "mean", "p05", "p95")
        )
        band = f"{p05} .. {p95}"
        role = tr(f"pred.role_{r['role']}", lang) if r["role"] in ("fit", "predict") else r["role"]
        point = ""
        if "point_mean" in r:
            lo, hi = (format_value(r["key"], r[c], "", lang) for c in ("point_p05", "point_p95"))
            point = f"   {tr('pred.point_band', lang)} {lo} .. {hi}"
        typer.echo(
            f"  {r['label']:<42}{pad(role, 8, True)}{obs:>12}{mean:>12}"
            f"{band:>28}{100 * r['error']:>+8.1f}%{point}"
        )
