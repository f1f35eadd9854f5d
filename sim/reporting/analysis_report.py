"""Analysis reports: figures of sensitivity analyses, calibrations and policy designs.

Public names: :func:`plot_sobol_indices`, :func:`plot_morris_indices`,
:func:`write_sensitivity_report`, :func:`plot_series_fit`, :func:`plot_summary_fit`,
:func:`plot_fit_trace`, :func:`write_calibration_report`, :func:`plot_design_curve`,
:func:`write_design_report`.

As in :mod:`sim.report`, every ``plot_*`` function draws on the Axes it is given and
returns its artists; the ``write_*`` functions assemble pages into one PDF and one PNG
per page, with no pyplot state.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..analysis.evaluation import DAY_KEYS
from ..experiments.precision import morris_warning
from .axes import warning_note
from .labels import figure_label
from .pages import style_table, write_pages

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.calibration import CalibrationResult
    from ..analysis.design import DesignResult
    from ..analysis.sensitivity import SensitivityResult

__all__ = [
    "plot_sobol_indices",
    "plot_morris_indices",
    "write_sensitivity_report",
    "plot_series_fit",
    "plot_summary_fit",
    "plot_fit_trace",
    "write_calibration_report",
    "plot_design_curve",
    "write_design_report",
]

Page = tuple[str, Callable[[Figure], None]]


def _write_pages(pages: list[Page], folder: str | Path, *, dpi: int = 110) -> list[Path]:
    """Write ``report.pdf`` and ``figures/<stem>.png`` (see :func:`sim.report.write_pages`)."""
    return write_pages(pages, folder, dpi=dpi)


def _text_page(
    fig: Figure, title: str, lines: list[str], table: pd.DataFrame | None = None
) -> None:
    fig.set_layout_engine("none")
    fig.text(0.05, 0.95, title, fontsize=16, weight="bold", va="top")
    wrapped = []
    for line in lines:
        wrapped.extend(textwrap.wrap(line, 130) or [""])
    fig.text(0.05, 0.89, "\n".join(wrapped), fontsize=9, va="top", family="monospace")
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


def _output_label(key: str, horizon_days: int, censored: dict[str, float]) -> str:
    if key in DAY_KEYS:
        share = censored.get(key, 0.0)
        return (
            f"{figure_label(key)}  (not exhausted counts as the horizon, {horizon_days} days; "
            f"{100 * share:.0f} % of runs)"
        )
    return figure_label(key)


# ------------------------------------------------------------------ sensitivity


def plot_sobol_indices(ax: Axes, result: SensitivityResult, output: str) -> list[Artist]:
    """Bars of first-order (S1) and total (ST) Sobol indices of one output, with 95 % CIs.

    Parameters
    ----------
    ax
        Axes to draw on.
    result
        A Sobol analysis.
    output
        One of ``result.outputs``.

    Returns
    -------
    list of Artist
        The bar containers.
    """
    df = result.indices[result.indices["output"] == output]
    x = np.arange(len(df))
    w = 0.38
    b1 = ax.bar(x - w / 2, df["S1"], w, yerr=df["S1_conf"], capsize=3, label="first order S1")
    b2 = ax.bar(x + w / 2, df["ST"], w, yerr=df["ST_conf"], capsize=3, label="total ST")
    ax.set_xticks(x, [_param_label(p) for p in df["parameter"]], fontsize=8)
    ax.axhline(0, color="black", lw=0.6)
    ax.set_ylabel("Sobol index (share of variance)")
    ax.set_title(_output_label(output, result.scenario.horizon.days, result.censored), fontsize=10)
    ax.legend(fontsize=8)
    return [b1, b2]


def plot_morris_indices(ax: Axes, result: SensitivityResult, output: str) -> list[Artist]:
    """Bars of Morris mu* (with its 95 % CI) and sigma of one output.

    Parameters
    ----------
    ax
        Axes to draw on.
    result
        A Morris analysis.
    output
        One of ``result.outputs``.

    Returns
    -------
    list of Artist
        The bar containers.
    """
    df = result.indices[result.indices["output"] == output]
    x = np.arange(len(df))
    w = 0.38
    b1 = ax.bar(
        x - w / 2, df["mu_star"], w, yerr=df["mu_star_conf"], capsize=3, label="mu* (mean |effect|)"
    )
    b2 = ax.bar(x + w / 2, df["sigma"], w, label="sigma (non-linearity, interactions)")
    ax.set_xticks(x, [_param_label(p) for p in df["parameter"]], fontsize=8)
    ax.set_ylabel(
        f"effect on {figure_label(output).lower()} of a step of "
        f"{result.meta.get('levels', 4)}-level grid"
    )
    ax.set_title(_output_label(output, result.scenario.horizon.days, result.censored), fontsize=10)
    ax.legend(fontsize=8)
    warning_note(ax, morris_warning(result.meta["samples"]))
    return [b1, b2]


def _fmt_bound(p: Any) -> str:
    def f(v: float) -> str:
        return f"{v:,.0f}" if abs(v) >= 1e5 else f"{v:g}"

    return f"{f(p.lo)} .. {f(p.hi)}" + (" (integer)" if p.integer else "")


def write_sensitivity_report(
    result: SensitivityResult, folder: str | Path, *, dpi: int = 110
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

    Returns
    -------
    list of pathlib.Path
        The files written, the PDF first.
    """
    sc = result.scenario
    m = result.meta
    sobol = result.method == "sobol"
    lines = [
        f"Scenario: {sc.name} ({sc.population.firms_n:,} simulated firms, {sc.horizon.days} days, "
        f"seed {sc.seed}).",
        f"Method: {'Sobol (Saltelli design, first-order and total indices)' if sobol else 'Morris (elementary effects)'}; "
        + (
            f"base sample N = {m['samples']}"
            if sobol
            else f"{m['samples']} trajectories on a {m['levels']}-level grid"
        )
        + f"; {m['points_n']} points x {result.replications} replication(s) = {m['runs_n']} runs"
        f" in {m['timings_s']['runs']:.0f} s.",
        "Each point is run with the same replications (common random numbers); the output is "
        "their mean. Intervals are 95 % bootstrap intervals "
        f"({m['bootstrap_resamples']} resamples of the design).",
        "A *_day output is the day an account ran out; when it lasted the whole horizon it "
        f"counts as the horizon length ({sc.horizon.days} days), a censored value.",
        "",
        "Parameters (uniform over their range):",
        *[f"  {p.path}: {_fmt_bound(p)}" for p in result.params],
        "",
        "Outputs: "
        + ", ".join(
            f"{k} ({100 * result.censored[k]:.0f} % of runs not exhausted)"
            if k in result.censored
            else k
            for k in result.outputs
        ),
    ]
    warning = None if sobol else morris_warning(m["samples"])
    if warning:
        lines[2:2] = [warning + "."]
    table = result.indices.copy()
    for c in table.columns[2:]:
        table[c] = table[c].map(lambda v: f"{v:.3g}")

    def cover(fig: Figure) -> None:
        _text_page(fig, f"Sensitivity of {sc.name}", lines, table)

    pages: list[Page] = [("cover", cover)]
    for key in result.outputs:

        def draw(fig: Figure, key: str = key) -> None:
            ax = fig.subplots()
            (plot_sobol_indices if sobol else plot_morris_indices)(ax, result, key)

        pages.append((f"{result.method}_{key}", draw))
    return _write_pages(pages, folder, dpi=dpi)


# ------------------------------------------------------------------ calibration


def plot_series_fit(ax: Axes, result: CalibrationResult, of: str) -> list[Artist]:
    """Observed running totals of a flow against the simulated band at the fitted values.

    Parameters
    ----------
    ax
        Axes to draw on.
    result
        A calibration with a ``cumulative`` target on ``of``.
    of
        The flow: ``disbursed_amount``, ``approved_n`` or ``guaranteed_amount``.

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
    div, unit = (1e9, " bn") if of.endswith("_amount") else (1.0, "")
    band = ax.fill_between(
        days,
        ys.min(axis=0) / div,
        ys.max(axis=0) / div,
        alpha=0.3,
        label=f"simulated, range of {len(ys)} replications",
    )
    (line,) = ax.plot(days, ys.mean(axis=0) / div, lw=1.5, label="simulated, mean")
    obs = result.table[(result.table["kind"] == "cumulative") & (result.table["key"] == of)]
    pts = ax.scatter(
        obs["day"], obs["observed"] / div, color="black", zorder=3, marker="o", label="observed"
    )
    ax.set_xlabel(f"day (0 = {result.scenario.horizon.start_date:%Y-%m-%d})")
    ax.set_ylabel(f"cumulative {of}{' (' + result.scenario.currency + unit + ')' if unit else ''}")
    ax.set_title(f"cumulative {of}: observed against simulated at the fitted values", fontsize=10)
    ax.legend(fontsize=8)
    return [band, line, pts]


def plot_summary_fit(ax: Axes, result: CalibrationResult) -> list[Artist]:
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
        label="simulated / observed (range over replications)",
    )
    ax.axvline(1.0, color="black", lw=0.8)
    ax.set_yticks(y, list(t["label"]), fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("simulated / observed")
    ax.set_title("every target at the fitted values", fontsize=10)
    ax.legend(fontsize=8)
    return [bars]


def plot_fit_trace(ax: Axes, result: CalibrationResult) -> list[Artist]:
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
    tr = result.trace
    out = []
    for stage, df in tr.groupby("stage", sort=False):
        out.append(ax.scatter(df["evaluation"], df["objective"], s=12, label=str(stage)))
    ax.set_yscale("log")
    ax.set_xlabel("evaluation")
    ax.set_ylabel("objective D (weighted mean squared relative residual)")
    ax.set_title("search", fontsize=10)
    ax.legend(fontsize=8)
    return out


def write_calibration_report(
    result: CalibrationResult, folder: str | Path, *, dpi: int = 110
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

    Returns
    -------
    list of pathlib.Path
        The files written, the PDF first.
    """
    m = result.meta
    sc = result.scenario
    unc = result.uncertainty.copy()
    lines = [
        f"Scenario {sc.name} ({sc.population.firms_n:,} simulated firms, scale "
        f"{sc.population.scale:g}, {sc.horizon.days} days); targets '{result.targets.name}'"
        + ("  -- ILLUSTRATIVE figures, not observations" if result.targets.illustrative else ""),
        *(textwrap.wrap(result.targets.description, 130) if result.targets.description else []),
        f"Fit: {m['global_method'].upper()} global stage ({m['global_points']} points), then "
        f"{m['polish']} (at most {m['polish_evals_max']} points); {m['replications']} "
        f"replications per point with common random numbers; {m['evaluations_n']} points, "
        f"{m['runs_n']} runs in {m['timings_s']['total']:.0f} s.",
        f"Objective at the fit D = {result.objective:.4g} (weighted mean of squared relative "
        "residuals).",
        f"Uncertainty: {m['uncertainty']}.",
        "",
        "Fitted values:",
    ]
    for _, r in unc.iterrows():
        extra = f"; replication-subset sd {r['refit_sd']:.4g}" if "refit_sd" in unc else ""
        flag = "  (AT A BOUND: widen the range)" if r["at_bound"] else ""
        lines.append(
            f"  {r['parameter']} = {r['fitted']:.5g}  (bounds {r['lo']:.4g}..{r['hi']:.4g}; "
            f"curvature se {r['se_curvature']:.3g}{extra}){flag}"
        )
    tab = result.table[["label", "observed", "simulated", "sim_min", "sim_max", "residual"]].copy()
    for c in ["observed", "simulated", "sim_min", "sim_max"]:
        tab[c] = tab[c].map(lambda v: f"{v:.4g}")
    tab["residual"] = result.table["residual"].map(lambda v: f"{100 * v:+.1f} %")
    tab["weight"] = result.table["weight"].map(lambda v: f"{v:g}")
    held = (result.table["role"] == "predict").to_numpy()
    tab.loc[held, "label"] = tab.loc[held, "label"] + " (held out)"

    def cover(fig: Figure) -> None:
        _text_page(fig, f"Calibration of {sc.name}", lines, tab)

    pages: list[Page] = [("cover", cover)]
    for of in dict.fromkeys(result.table.loc[result.table["kind"] == "cumulative", "key"]):

        def draw(fig: Figure, of: str = of) -> None:
            plot_series_fit(fig.subplots(), result, of)

        pages.append((f"cumulative_{of}", draw))

    def summary(fig: Figure) -> None:
        ax1, ax2 = fig.subplots(1, 2)
        plot_summary_fit(ax1, result)
        plot_fit_trace(ax2, result)

    pages.append(("targets", summary))
    return _write_pages(pages, folder, dpi=dpi)


# ------------------------------------------------------------------ design


def _lever_scale(result: DesignResult) -> tuple[float, str]:
    top = max(abs(result.lever.lo), abs(result.lever.hi))
    for div, suf in ((1e12, " (tn)"), (1e9, " (bn)"), (1e6, " (m)")):
        if top >= div:
            return div, suf
    return 1.0, ""


def plot_design_curve(ax: Axes, result: DesignResult) -> list[Artist]:
    """The target's figure against the lever, the answer, its interval and the check.

    Parameters
    ----------
    ax
        Axes to draw on.
    result
        A design.

    Returns
    -------
    list of Artist
        The evaluated points, the target line and the check.
    """
    t = result.target
    div, suf = _lever_scale(result)
    cur = result.curve
    out: list[Artist] = []
    for stage, df in cur.groupby("stage", sort=False):
        out.append(
            ax.plot(df["value"] / div, df["figure"], "o", ms=5, label=f"evaluated ({stage})")[0]
        )
    ax.plot(cur["value"] / div, cur["figure"], "-", lw=0.8, color="grey")
    if t.kind == "probability":
        out.append(
            ax.axhline(t.prob, color="red", lw=1, ls="--", label=f"target {t.prob_op} {t.prob:g}")
        )
        ax.set_ylabel(
            f"P({t.key} {t.op} {t.threshold})  over {result.meta['replications']} replications"
        )
    elif t.kind == "mean":
        thr = t.threshold_value(result.scenario)
        out.append(ax.axhline(thr, color="red", lw=1, ls="--", label=f"target {t.op} {thr:g}"))
        ax.set_ylabel(f"mean {t.key}")
    else:
        ax.set_ylabel(
            f"{t.key}" + (f" / {t.denominator} (ratio of means)" if t.denominator else "")
        )
    if result.value is not None:
        ax.axvline(
            result.value / div,
            color="black",
            lw=1,
            label=f"answer {result.value / div:.4g}{suf}",
        )
        if result.interval is not None:
            lo, hi = result.interval
            ax.axvspan(
                lo / div, hi / div, color="black", alpha=0.1, label="90 % bootstrap interval"
            )
        c = result.check
        if c:
            out.append(
                ax.errorbar(
                    [result.value / div],
                    [c["figure"]],
                    yerr=[[c["figure"] - c["low"]], [c["high"] - c["figure"]]],
                    fmt="s",
                    color="red",
                    capsize=4,
                    label=f"check: {c['replications']} fresh replications, 95 % interval",
                )
            )
    ax.set_xlabel(f"{result.lever.path}{suf}")
    ax.set_title(f"{t.text}   [{result.status}]", fontsize=10)
    ax.legend(fontsize=8)
    from ..analysis.design import probability_caution

    warning_note(ax, probability_caution(result))
    return out


def write_design_report(result: DesignResult, folder: str | Path, *, dpi: int = 110) -> list[Path]:
    """Write ``report.pdf`` and ``figures/*.png`` of a design question.

    Parameters
    ----------
    result
        The design.
    folder
        Output folder (created if needed).
    dpi
        Resolution of the PNG files.

    Returns
    -------
    list of pathlib.Path
        The files written, the PDF first.
    """
    from ..analysis.design import describe

    sc = result.scenario

    def page(fig: Figure) -> None:
        top, bottom = fig.subfigures(2, 1, height_ratios=[1, 2.2])
        top.text(0.02, 0.95, f"Design on {sc.name}", fontsize=15, weight="bold", va="top")
        top.text(
            0.02,
            0.78,
            "\n".join(w for line in describe(result) for w in textwrap.wrap(line, 150) or [""]),
            fontsize=8.5,
            va="top",
            family="monospace",
        )
        plot_design_curve(bottom.subplots(), result)

    return _write_pages([("design", page)], folder, dpi=dpi)
