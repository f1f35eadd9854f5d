"""Analysis reports: figures of sensitivity analyses, calibrations and policy designs.

Public names: :func:`plot_sobol_indices`, :func:`plot_morris_indices`,
:func:`write_sensitivity_report`, :func:`plot_series_fit`, :func:`plot_summary_fit`,
:func:`plot_fit_trace`, :func:`write_calibration_report`, :func:`plot_posterior_pairs`,
:func:`plot_distance_schedule`, :func:`write_posterior_report` (designs:
:mod:`.design_report`), :func:`mono`, :func:`wrap`, :func:`write_analysis_pages`.

As in :mod:`sim.reporting.run_report`, every ``plot_*`` function draws on the Axes it is given and
returns its artists; the ``write_*`` functions assemble pages into one PDF and one PNG
per page, with no pyplot state.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..analysis.evaluation import DAY_KEYS
from .axes import warning_note
from .fonts import report_rc
from .formatting import format_money
from .i18n import MESSAGES, check_lang, figure_label, morris_caution, tr
from .pages import style_table, write_pages

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.abc import PosteriorResult
    from ..analysis.calibration import CalibrationResult
    from ..analysis.sensitivity import SensitivityResult

__all__ = [
    "write_analysis_pages",
    "wrap",
    "mono",
    "plot_sobol_indices",
    "plot_morris_indices",
    "write_sensitivity_report",
    "plot_series_fit",
    "plot_summary_fit",
    "plot_fit_trace",
    "write_calibration_report",
    "plot_posterior_pairs",
    "plot_distance_schedule",
    "write_posterior_report",
]

Page = tuple[str, Callable[[Figure], None]]


def write_analysis_pages(
    pages: list[Page],
    folder: str | Path,
    *,
    dpi: int = 110,
    lang: str = "en",
    texts: tuple[str, ...] = (),
) -> list[Path]:
    """Write ``report.pdf`` and ``figures/<stem>.png`` in ``lang`` (see :func:`write_pages`).

    ``texts`` are the scenario's own words (name, description): Chinese in them needs the
    CJK font in English reports too.
    """
    check_lang(lang)
    with matplotlib.rc_context(report_rc(lang, texts)):
        return write_pages(pages, folder, dpi=dpi)


def wrap(line: str, lang: str, width: int = 130) -> list[str]:
    """Lines of at most ``width`` columns (Chinese characters count twice)."""
    return textwrap.wrap(line, width // 2 if lang == "zh" else width)


def mono(lang: str) -> dict[str, Any]:
    """Monospace text in English; in Chinese the report's font (no CJK monospace needed)."""
    return {"family": "monospace"} if lang == "en" else {}


def _text_page(
    fig: Figure,
    title: str,
    lines: list[str],
    table: pd.DataFrame | None = None,
    lang: str = "en",
) -> None:
    fig.set_layout_engine("none")
    fig.text(0.05, 0.95, title, fontsize=16, weight="bold", va="top")
    wrapped = []
    for line in lines:
        wrapped.extend(wrap(line, lang) or [""])
    fig.text(0.05, 0.89, "\n".join(wrapped), fontsize=9, va="top", **mono(lang))
    if table is not None and len(table):
        top = max(0.1, 0.86 - 0.017 * len(wrapped))
        ax = fig.add_axes((0.05, 0.03, 0.9, top - 0.05))
        ax.set_axis_off()
        t = ax.table(
            cellText=table.astype(str).to_numpy().tolist(),
            colLabels=list(table.columns),
            loc="upper center",
            cellLoc="left",
        )
        t.auto_set_column_width(list(range(table.shape[1])))
        style_table(t, fontsize=8, row_scale=1.25)


def _param_label(path: str, width: int = 22) -> str:
    """A dotted path broken at its dots so that no line is much wider than ``width``."""
    lines: list[str] = []
    for part in path.split("."):
        if lines and len(lines[-1]) + len(part) + 1 <= width:
            lines[-1] += "." + part
        else:
            lines.append(part if not lines else "." + part)
    return "\n".join(lines)


def _output_label(key: str, horizon_days: int, censored: dict[str, float], lang: str = "en") -> str:
    if key in DAY_KEYS:
        share = censored.get(key, 0.0)
        return tr(
            "sens.censored_label",
            lang,
            label=figure_label(key, lang),
            days=horizon_days,
            pct=f"{100 * share:.0f}",
        )
    return figure_label(key, lang)


# ------------------------------------------------------------------ sensitivity


def plot_sobol_indices(
    ax: Axes, result: SensitivityResult, output: str, lang: str = "en"
) -> list[Artist]:
    """Bars of first-order (S1) and total (ST) Sobol indices of one output, with 95 % CIs.

    Parameters
    ----------
    ax
        Axes to draw on.
    result
        A Sobol analysis.
    output
        One of ``result.outputs``.
    lang
        ``en`` or ``zh``.

    Returns
    -------
    list of Artist
        The bar containers.
    """
    df = result.indices[result.indices["output"] == output]
    x = np.arange(len(df))
    w = 0.38
    s1, st = tr("sens.s1", lang), tr("sens.st", lang)
    b1 = ax.bar(x - w / 2, df["S1"], w, yerr=df["S1_conf"], capsize=3, label=s1)
    b2 = ax.bar(x + w / 2, df["ST"], w, yerr=df["ST_conf"], capsize=3, label=st)
    ax.set_xticks(x, [_param_label(p) for p in df["parameter"]], fontsize=8)
    ax.axhline(0, color="black", lw=0.6)
    ax.set_ylabel(tr("sens.sobol_ylabel", lang))
    ax.set_title(
        _output_label(output, result.scenario.horizon.days, result.censored, lang), fontsize=10
    )
    ax.legend(fontsize=8)
    return [b1, b2]


def plot_morris_indices(
    ax: Axes, result: SensitivityResult, output: str, lang: str = "en"
) -> list[Artist]:
    """Bars of Morris mu* (with its 95 % CI) and sigma of one output.

    Parameters
    ----------
    ax
        Axes to draw on.
    result
        A Morris analysis.
    output
        One of ``result.outputs``.
    lang
        ``en`` or ``zh``.

    Returns
    -------
    list of Artist
        The bar containers.
    """
    df = result.indices[result.indices["output"] == output]
    x = np.arange(len(df))
    w = 0.38
    b1 = ax.bar(
        x - w / 2,
        df["mu_star"],
        w,
        yerr=df["mu_star_conf"],
        capsize=3,
        label=tr("sens.mu", lang),
    )
    b2 = ax.bar(x + w / 2, df["sigma"], w, label=tr("sens.sigma", lang))
    ax.set_xticks(x, [_param_label(p) for p in df["parameter"]], fontsize=8)
    ax.set_ylabel(
        tr(
            "sens.morris_ylabel",
            lang,
            label=figure_label(output, lang).lower(),
            levels=result.meta.get("levels", 4),
        )
    )
    ax.set_title(
        _output_label(output, result.scenario.horizon.days, result.censored, lang), fontsize=10
    )
    ax.legend(fontsize=8)
    warning_note(ax, morris_caution(result.meta["samples"], lang))
    return [b1, b2]


def _fmt_bound(p: Any, lang: str = "en") -> str:
    def f(v: float) -> str:
        if lang == "zh" and abs(v) >= 1e5:
            return format_money(v, lang=lang)
        return f"{v:,.0f}" if abs(v) >= 1e5 else f"{v:g}"

    return f"{f(p.lo)} .. {f(p.hi)}" + (tr("sens.integer", lang) if p.integer else "")


def write_sensitivity_report(
    result: SensitivityResult, folder: str | Path, *, dpi: int = 110, lang: str = "en"
) -> list[Path]:
    """Write ``report.pdf`` and ``figures/*.png`` of a sensitivity analysis.

    Parameters
    ----------
    result
        The analysis.
    folder
        Output folder (created if needed).
    dpi
        Resolution of the PNG files.
    lang
        ``en`` or ``zh``: the language of every title, label and table header.

    Returns
    -------
    list of pathlib.Path
        The files written, the PDF first.
    """
    sc = result.scenario
    m = result.meta
    sobol = result.method == "sobol"
    design = (
        tr("sens.sobol_n", lang, n=m["samples"])
        if sobol
        else tr("sens.morris_n", lang, n=m["samples"], levels=m["levels"])
    )
    outputs = [
        tr("sens.censored", lang, key=k, pct=f"{100 * result.censored[k]:.0f}")
        if k in result.censored
        else k
        for k in result.outputs
    ]
    lines = [
        tr(
            "sens.scenario",
            lang,
            name=sc.name,
            n=f"{sc.population.firms_n:,}",
            days=sc.horizon.days,
            seed=sc.seed,
        ),
        tr(
            "sens.method",
            lang,
            method=tr("sens.sobol" if sobol else "sens.morris", lang),
            design=design,
            points=m["points_n"],
            r=result.replications,
            runs=m["runs_n"],
            s=f"{m['timings_s']['runs']:.0f}",
        ),
        tr("sens.crn", lang, b=m["bootstrap_resamples"]),
        tr("sens.day_note", lang, days=sc.horizon.days),
        "",
        tr("sens.params", lang),
        *[f"  {p.path}: {_fmt_bound(p, lang)}" for p in result.params],
        "",
        tr("sens.outputs", lang, outputs=", ".join(outputs)),
    ]
    warning = None if sobol else morris_caution(m["samples"], lang)
    if warning:
        lines[2:2] = [warning + ("。" if lang == "zh" else ".")]
    table = result.indices.copy()
    for c in table.columns[2:]:
        table[c] = table[c].map(lambda v: f"{v:.3g}")
    table = table.rename(
        columns={
            "output": tr("sens.col_output", lang),
            "parameter": tr("sens.col_parameter", lang),
        }
    )

    def cover(fig: Figure) -> None:
        _text_page(fig, tr("sens.title", lang, name=sc.name), lines, table, lang)

    pages: list[Page] = [("cover", cover)]
    for key in result.outputs:

        def draw(fig: Figure, key: str = key) -> None:
            ax = fig.subplots()
            (plot_sobol_indices if sobol else plot_morris_indices)(ax, result, key, lang)

        pages.append((f"{result.method}_{key}", draw))
    return write_analysis_pages(
        pages, folder, dpi=dpi, lang=lang, texts=(sc.name, sc.description or "")
    )


# ------------------------------------------------------------------ calibration


def plot_series_fit(ax: Axes, result: CalibrationResult, of: str, lang: str = "en") -> list[Artist]:
    """Observed running totals of a flow against the simulated band at the fitted values.

    Parameters
    ----------
    ax
        Axes to draw on.
    result
        A calibration with a ``cumulative`` target on ``of``.
    of
        The flow: ``disbursed_amount``, ``approved_n`` or ``guaranteed_amount``.
    lang
        ``en`` or ``zh`` (amounts in bn or 亿元).

    Returns
    -------
    list of Artist
        The band, the mean line and the observed points.
    """
    from ..analysis.targets import CUMULATIVE_FLOWS

    col = CUMULATIVE_FLOWS[of]
    runs = result.runs
    days = np.asarray(runs["series_day"].iloc[0], dtype=float)
    ys = np.vstack([np.asarray(y, dtype=float) for y in runs[col]])
    cur = result.scenario.currency
    if of.endswith("_amount"):
        div = 1e8 if lang == "zh" else 1e9
        unit = "（亿元）" if lang == "zh" else f" ({cur} bn)"
    else:
        div, unit = 1.0, ""
    band = ax.fill_between(
        days,
        ys.min(axis=0) / div,
        ys.max(axis=0) / div,
        alpha=0.3,
        label=tr("cal.band", lang, n=len(ys)),
    )
    (line,) = ax.plot(days, ys.mean(axis=0) / div, lw=1.5, label=tr("cal.mean", lang))
    obs = result.table[(result.table["kind"] == "cumulative") & (result.table["key"] == of)]
    pts = ax.scatter(
        obs["day"],
        obs["observed"] / div,
        color="black",
        zorder=3,
        marker="o",
        label=tr("cal.observed", lang),
    )
    ax.set_xlabel(tr("cal.day_axis", lang, start=f"{result.scenario.horizon.start_date:%Y-%m-%d}"))
    ax.set_ylabel(tr("cal.cum_ylabel", lang, of=of, unit=unit))
    ax.set_title(tr("cal.cum_title", lang, of=of), fontsize=10)
    ax.legend(fontsize=8)
    return [band, line, pts]


def plot_summary_fit(ax: Axes, result: CalibrationResult, lang: str = "en") -> list[Artist]:
    """Simulated over observed for each headline-figure target (1 = a perfect fit).

    Parameters
    ----------
    ax
        Axes to draw on.
    result
        A calibration.

    Returns
    -------
    list of Artist
        The error-bar containers.
    """
    t = result.table
    obs = t["observed"].to_numpy(float)
    ratio = t["simulated"].to_numpy(float) / obs
    lo = t["sim_min"].to_numpy(float) / obs
    hi = t["sim_max"].to_numpy(float) / obs
    y = np.arange(len(t))
    bars = ax.errorbar(
        ratio,
        y,
        xerr=[np.abs(ratio - np.minimum(lo, hi)), np.abs(np.maximum(lo, hi) - ratio)],
        fmt="o",
        capsize=3,
        label=tr("cal.ratio_label", lang),
    )
    ax.axvline(1.0, color="black", lw=0.8)
    ax.set_yticks(y, list(t["label"]), fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(tr("cal.ratio", lang))
    ax.set_title(tr("cal.targets_title", lang), fontsize=10)
    ax.legend(fontsize=8)
    return [bars]


def plot_fit_trace(ax: Axes, result: CalibrationResult, lang: str = "en") -> list[Artist]:
    """Objective of every evaluated point, by stage of the fit (log scale).

    Parameters
    ----------
    ax
        Axes to draw on.
    result
        A calibration.

    Returns
    -------
    list of Artist
        One scatter per stage.
    """
    out = []
    for stage, df in result.trace.groupby("stage", sort=False):
        out.append(
            ax.scatter(df["evaluation"], df["objective"], s=12, label=_stage(str(stage), lang))
        )
    ax.set_yscale("log")
    ax.set_xlabel(tr("cal.evaluation", lang))
    ax.set_ylabel(tr("cal.objective_ylabel", lang))
    ax.set_title(tr("cal.search", lang), fontsize=10)
    ax.legend(fontsize=8)
    return out


def _stage(stage: str, lang: str) -> str:
    """A stage of the fit in words (``refit 2`` -> ``重新拟合 2``)."""
    if stage.startswith("refit "):
        return tr("cal.stage_refit", lang, j=stage.split(" ", 1)[1])
    key = f"cal.stage_{stage}"
    return tr(key, lang) if key in MESSAGES["en"] else stage


def _fit_scenario_lines(result: Any, lang: str) -> list[str]:
    """The scenario fitted and its targets: the first lines of a calibration's cover."""
    sc = result.scenario
    return [
        tr(
            "cal.scenario",
            lang,
            name=sc.name,
            n=f"{sc.population.firms_n:,}",
            scale=f"{sc.population.scale:g}",
            days=sc.horizon.days,
            targets=result.targets.name,
        )
        + (tr("cal.illustrative", lang) if result.targets.illustrative else ""),
        *([result.targets.description] if result.targets.description else []),
    ]


def write_calibration_report(
    result: CalibrationResult, folder: str | Path, *, dpi: int = 110, lang: str = "en"
) -> list[Path]:
    """Write ``report.pdf`` and ``figures/*.png`` of a calibration.

    Parameters
    ----------
    result
        The calibration.
    folder
        Output folder (created if needed).
    dpi
        Resolution of the PNG files.
    lang
        ``en`` or ``zh``: the language of every title, label and table header.

    Returns
    -------
    list of pathlib.Path
        The files written, the PDF first.
    """
    m = result.meta
    sc = result.scenario
    unc = result.uncertainty.copy()
    lines = [
        *_fit_scenario_lines(result, lang),
        tr(
            "cal.fit",
            lang,
            method=m["global_method"].upper(),
            gp=m["global_points"],
            polish=tr("cal.polish", lang),
            pe=m["polish_evals_max"],
            r=m["replications"],
            evals=m["evaluations_n"],
            runs=m["runs_n"],
            s=f"{m['timings_s']['total']:.0f}",
        ),
        tr("cal.objective", lang, d=f"{result.objective:.4g}"),
        tr(
            "cal.uncertainty",
            lang,
            u=tr("cal.se_text", lang)
            + (
                tr("cal.sd_text", lang, refits=m["refits"], r=m["replications"])
                if m["refits"]
                else ""
            ),
        ),
        "",
        tr("cal.fitted", lang),
    ]
    for _, r in unc.iterrows():
        extra = tr("cal.refit_sd", lang, sd=f"{r['refit_sd']:.4g}") if "refit_sd" in unc else ""
        lines.append(
            tr(
                "cal.fitted_line",
                lang,
                p=r["parameter"],
                v=f"{r['fitted']:.5g}",
                lo=f"{r['lo']:.4g}",
                hi=f"{r['hi']:.4g}",
                se=f"{r['se_curvature']:.3g}",
                extra=extra,
                flag=tr("cal.at_bound", lang) if r["at_bound"] else "",
            )
        )
    cols = ["label", "observed", "simulated", "sim_min", "sim_max", "residual"]
    tab = result.table[cols].copy()
    for c in ["observed", "simulated", "sim_min", "sim_max"]:
        tab[c] = tab[c].map(lambda v: f"{v:.4g}")
    tab["residual"] = result.table["residual"].map(lambda v: f"{100 * v:+.1f} %")
    tab["weight"] = result.table["weight"].map(lambda v: f"{v:g}")
    held = (result.table["role"] == "predict").to_numpy()
    tab.loc[held, "label"] = tab.loc[held, "label"] + tr("cal.held_out", lang)
    names = {"label": "label", "sim_min": "min", "sim_max": "max"}
    tab = tab.rename(columns=lambda c: tr(f"cal.col_{names.get(c, c)}", lang))

    def cover(fig: Figure) -> None:
        _text_page(fig, tr("cal.title", lang, name=sc.name), lines, tab, lang)

    pages: list[Page] = [("cover", cover)]
    for of in dict.fromkeys(result.table.loc[result.table["kind"] == "cumulative", "key"]):

        def draw(fig: Figure, of: str = of) -> None:
            plot_series_fit(fig.subplots(), result, of, lang)

        pages.append((f"cumulative_{of}", draw))

    def summary(fig: Figure) -> None:
        ax1, ax2 = fig.subplots(1, 2)
        plot_summary_fit(ax1, result, lang)
        plot_fit_trace(ax2, result, lang)

    pages.append(("targets", summary))
    texts = (sc.name, sc.description or "", result.targets.description or "")
    return write_analysis_pages(pages, folder, dpi=dpi, lang=lang, texts=texts)


# --------------------------------------------------------------------------- posterior


def plot_posterior_pairs(fig: Figure, result: PosteriorResult, lang: str = "en") -> None:
    """Pair plot of the posterior: weighted histograms on the diagonal, particles below.

    Each axis spans the parameter's ``--fit`` range (the prior's support); the 90 %
    credible interval is shaded on the diagonal and the median marked.
    """
    params = result.params
    k = len(params)
    axes = np.atleast_2d(fig.subplots(k, k, squeeze=False))
    s = result.samples
    w = s["weight"].to_numpy(float)
    iv = result.intervals.set_index("parameter")
    for i, pi in enumerate(params):
        for j, pj in enumerate(params):
            ax = axes[i, j]
            if j > i:
                ax.set_axis_off()
                continue
            if i == j:
                x = s[pi.path].to_numpy(float)
                ax.hist(x, bins=25, range=(pi.lo, pi.hi), weights=w, color="C0", alpha=0.7)
                ax.axvspan(iv.loc[pi.path, "q05"], iv.loc[pi.path, "q95"], color="C1", alpha=0.15)
                ax.axvline(iv.loc[pi.path, "median"], color="C1", lw=1.5)
                ax.set_xlim(pi.lo, pi.hi)
                ax.set_yticks([])
            else:
                ax.scatter(
                    s[pj.path], s[pi.path], s=6 + 400 * w, alpha=0.5, color="C0", linewidths=0
                )
                ax.set_xlim(pj.lo, pj.hi)
                ax.set_ylim(pi.lo, pi.hi)
            if i == k - 1:
                ax.set_xlabel(_param_label(pj.path), fontsize=8)
            if j == 0 and i != j:
                ax.set_ylabel(_param_label(pi.path), fontsize=8)
            ax.tick_params(labelsize=7)
    fig.suptitle(tr("abc.pairs_title", lang), fontsize=11)


def plot_distance_schedule(ax: Axes, result: PosteriorResult, lang: str = "en") -> None:
    """The acceptance threshold of each generation (log scale) and its acceptance rate."""
    sch = result.schedule
    ax.plot(sch["generation"], sch["epsilon"], "o-", color="C0", label=tr("abc.epsilon", lang))
    ax.set_yscale("log")
    ax.set_xlabel(tr("abc.generation", lang))
    ax.set_ylabel(tr("abc.epsilon", lang))
    ax.set_xticks(sch["generation"].to_numpy())
    ax2 = ax.twinx()
    ax2.plot(
        sch["generation"],
        100 * sch["acceptance"],
        "s--",
        color="C2",
        label=tr("abc.acceptance", lang),
    )
    ax2.set_ylabel(tr("abc.acceptance", lang))
    ax2.set_ylim(0, 100)
    ax.set_title(tr("abc.schedule_title", lang))
    handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    ax.legend(handles=handles, fontsize=8, loc="upper right")


def write_posterior_report(
    result: PosteriorResult, folder: str | Path, *, dpi: int = 110, lang: str = "en"
) -> list[Path]:
    """Write ``report.pdf`` and ``figures/*.png`` of a Bayesian calibration.

    Parameters
    ----------
    result
        The posterior (:func:`sim.analysis.abc.calibrate_abc`).
    folder
        Output folder (created if needed).
    dpi
        Resolution of the PNG files.
    lang
        ``en`` or ``zh``.

    Returns
    -------
    list of pathlib.Path
        The files written, the PDF first.
    """
    from .formatting import format_value

    m = result.meta
    sc = result.scenario
    lines = [
        *_fit_scenario_lines(result, lang),
        tr(
            "abc.method",
            lang,
            n=m["population_size"],
            g=m["generations"],
            sims=f"{m['simulations_n']:,}",
            eps=f"{m['epsilon_final']:.3g}",
            stop=tr(f"abc.stop_{m['stop']}", lang),
            s=f"{m['timings_s']['total']:.0f}",
        ),
        "",
        tr("abc.posterior", lang),
    ]
    for _, r in result.intervals.iterrows():
        lines.append(
            tr(
                "abc.interval_line",
                lang,
                p=r["parameter"],
                med=f"{r['median']:.4g}",
                lo=f"{r['q05']:.4g}",
                hi=f"{r['q95']:.4g}",
                prior=r["prior"],
                a=f"{r['lo']:.4g}",
                b=f"{r['hi']:.4g}",
            )
        )
    t = result.table
    tab = pd.DataFrame(
        {
            "label": [
                lab + (tr("cal.held_out", lang) if role == "predict" else "")
                for lab, role in zip(t["label"], t["role"], strict=True)
            ],
            **{
                c: [format_value(k, v, "", lang) for k, v in zip(t["key"], t[c], strict=True)]
                for c in ("observed", "mean", "p05", "p95")
            },
            "error": t["error"].map(lambda v: f"{100 * v:+.1f} %"),
        }
    )
    tab = tab.rename(columns=lambda c: tr(f"abc.col_{c}", lang))

    def cover(fig: Figure) -> None:
        _text_page(fig, tr("abc.title", lang, name=sc.name), lines, tab, lang)

    def pairs(fig: Figure) -> None:
        plot_posterior_pairs(fig, result, lang)

    def schedule(fig: Figure) -> None:
        plot_distance_schedule(fig.subplots(), result, lang)

    pages: list[Page] = [("cover", cover), ("posterior_pairs", pairs), ("schedule", schedule)]
    texts = (sc.name, sc.description or "", result.targets.description or "")
    return write_analysis_pages(pages, folder, dpi=dpi, lang=lang, texts=texts)
