"""Experiment report: figures of replications, comparisons and sweeps, as PNG and PDF.

Public names: :func:`write_experiment_report`, :func:`plot_fan`,
:func:`plot_exhaustion_probability`, :func:`plot_sweep`, :func:`plot_differences`,
:func:`format_value`, :func:`format_difference`, :func:`format_lever`,
:data:`METRIC_LABELS`.

Like :mod:`sim.reporting.run_report`, every ``plot_*`` function draws on an Axes it is given and
returns the artists it made, so it works in a notebook as in the files written here.
Bands are the 5th-95th percentiles over replications; lines the median (fans) or the
mean (sweeps).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..experiments.result import HEADLINE_KEYS, ExperimentResult
from .axes import date_axis, warning_note
from .experiment_covers import compare_cover, replicate_cover, sweep_cover
from .experiment_pages import outcome_pages
from .fonts import report_rc
from .formatting import format_difference, format_lever, format_value, lever_scale
from .i18n import FIGURE_LABELS, MESSAGES, band_caution, check_lang, figure_label, short_label, tr
from .pages import write_pages

__all__ = [
    "write_experiment_report",
    "plot_fan",
    "plot_exhaustion_probability",
    "plot_sweep",
    "plot_differences",
    "format_value",
    "format_difference",
    "format_lever",
    "METRIC_LABELS",
]

#: English names of the headline figures used in tables and axes (see
#: :data:`sim.reporting.i18n.FIGURE_LABELS` for every language).
METRIC_LABELS = FIGURE_LABELS["en"]

#: Amounts on axes: bn in English, 亿 (1e8) in Chinese.
_BIG = {"en": 1e9, "zh": 1e8}

_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2"]

# the figures each sweep page plots against a lever
_SWEEP_METRICS = (
    "approved_n",
    "borrower_firms_n",
    "disbursed_amount",
    "guaranteed_amount",
    "unmet_demand_amount",
    "fiscal_cost_amount",
)


def _label(metric: str, lang: str = "en") -> str:
    return figure_label(metric, lang)


def _series_label(name: str, lang: str) -> str:
    key = f"series.{name}"
    return tr(key, lang) if key in MESSAGES["en"] else name


#: The run figure that gives the kind of the account a ``*_remaining`` series sums.
_SERIES_KIND = {
    "pool_remaining": "pool_kind",
    "credit_sub_quota_remaining": "credit_sub_quota_kind",
    "guarantee_remaining": "guarantee_kind",
}


def _is_target(result: ExperimentResult, name: str, point: int = 0) -> bool:
    """Whether the series ``name`` sums target accounts in the point's runs: what is left
    to reach a target, below zero once lending went beyond it."""
    col = _SERIES_KIND.get(name)
    runs = result.runs_of(point)
    return bool(col and col in runs and (runs[col] == "target").all())


def _has_fan(result: ExperimentResult, name: str, point: int = 0) -> bool:
    """Whether a fan of ``name`` has something to show: the series is in the runs and
    not zero (or missing) on every day of every replication."""
    try:
        fan = result.fan(name, point)
    except (KeyError, ValueError):
        return False
    vals = fan[["p05", "median", "p95"]].to_numpy(dtype=float)
    return bool(np.isfinite(vals).any() and (np.nan_to_num(vals) != 0).any())


def _fan_title(result: ExperimentResult, name: str, lang: str, point: int = 0) -> str:
    """A fan panel's title; a target's says what the values are."""
    band = tr("x.mean_band", lang)
    if _is_target(result, name, point):
        return tr("series.to_target", lang, name=_series_label(name, lang)) + band
    return _series_label(name, lang) + band


def _series_scale(name: str, lang: str = "en") -> float | None:
    """Divisor of an amount series (``None``: a count)."""
    if name.endswith(("_cum", "_remaining")) and name not in ("approved_cum", "applications_cum"):
        return _BIG[lang]
    return None


def _dates(result: ExperimentResult, days: Sequence[int] | np.ndarray) -> pd.DatetimeIndex:
    start = pd.Timestamp(result.scenario.horizon.start_date)
    return pd.DatetimeIndex(start + pd.to_timedelta(np.asarray(days), unit="D"))


# ------------------------------------------------------------------------- plots


def plot_fan(
    ax: Axes,
    result: ExperimentResult,
    name: str,
    *,
    point: int = 0,
    label: str | None = None,
    color: str | None = None,
    lang: str = "en",
) -> list[Artist]:
    """Fan chart of a daily series: median over replications and its 5-95 % band.

    Parameters
    ----------
    ax
        The Axes to draw on.
    result
        An experiment run with daily series (``series=True``).
    name
        A key of :data:`sim.experiments.tasks.SERIES` (``"approved_cum"``, ``"pool_remaining"``...).
    point
        Which point (0 = the single scenario, or the base of a comparison); call again
        with another point to overlay it.
    label, color
        Legend label (default the series' name) and colour.
    lang
        ``en`` or ``zh``: words, amounts (bn or 亿元) and dates.

    Returns
    -------
    list of matplotlib.artist.Artist
    """
    fan = result.fan(name, point)
    big = _series_scale(name, lang)
    div = big or 1.0
    dates = pd.DatetimeIndex(fan["date"])
    lab = label or _series_label(name, lang)
    (line,) = ax.plot(dates, fan["median"] / div, lw=1.8, color=color, label=lab)
    band = ax.fill_between(
        dates, fan["p05"] / div, fan["p95"] / div, color=line.get_color(), alpha=0.25, lw=0
    )
    ax.set_ylabel(tr("unit.bn", lang, cur=result.scenario.currency) if big else tr("x.count", lang))
    if not (fan["p05"] < 0).any():  # amounts and counts from zero, with room at the top
        top = ax.get_ylim()[1]
        ax.set_ylim(0, top * 1.04 if top > 0 else 1)
    target = tr("series.target_line", lang)
    if _is_target(result, name, point) and target not in [x.get_label() for x in ax.lines]:
        ax.axhline(0, color="0.3", lw=1, ls="--", label=target)  # below: beyond the target
    ax.grid(alpha=0.3)
    date_axis(ax, lang)
    warning_note(ax, band_caution(int((result.runs["point"] == point).sum()), lang))
    return [band, line]


def plot_exhaustion_probability(
    ax: Axes,
    result: ExperimentResult,
    *,
    point: int = 0,
    linestyle: str = "-",
    suffix: str = "",
    lang: str = "en",
) -> list[Artist]:
    """Probability that each quota has run out by each date (share of replications).

    Parameters
    ----------
    ax
        The Axes to draw on.
    result
        An experiment result.
    point
        Which point (0 = the single scenario, or the base of a comparison).
    linestyle, suffix
        Line style and a legend suffix, to overlay several points.
    lang
        ``en`` or ``zh``.

    Returns
    -------
    list of matplotlib.artist.Artist
    """
    prob = result.exhaustion_probability(point)
    dates = pd.DatetimeIndex(prob["date"])
    artists: list[Artist] = []
    quotas = [c for c in prob.columns if c not in ("day", "date")]
    never = [c for c in quotas if not prob[c].any()]
    for k, label in enumerate(quotas):
        if label in never:  # a flat 0 % line says nothing: named in a note instead
            continue
        artists += ax.plot(
            dates,
            prob[label] * 100,
            lw=1.8,
            ls=linestyle,
            color=_COLOURS[k % len(_COLOURS)],
            drawstyle="steps-post",
            label=tr(
                "exh.legend",
                lang,
                label=short_label(label, lang),
                suffix=suffix,
                pct=f"{100 * prob[label].iloc[-1]:.0f}",
            ),
        )
    ax.set_ylim(-3, 103)
    ax.set_ylabel(tr("exh.ylabel", lang))
    if never:
        ax.text(
            0.99,
            0.02,
            tr(
                "exh.never",
                lang,
                names=tr("list_sep", lang).join(short_label(c, lang) for c in never),
            ),
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=8,
            color="0.3",
        )
    warning_note(ax, band_caution(len(result.runs_of(point)), lang, "probability"))
    ax.set_title(tr("exh.title", lang, n=len(result.runs_of(point))))
    ax.grid(alpha=0.3)
    date_axis(ax, lang)
    if artists:
        ax.legend(fontsize=8, loc="upper left")
    return artists


def has_exhaustion(result: ExperimentResult, point: int = 0) -> bool:
    """Whether some quota ran out (or reached its target) in some replication of the point."""
    prob = result.exhaustion_probability(point)
    return bool(prob.drop(columns=["day", "date"]).to_numpy().any())


def plot_sweep(
    ax: Axes,
    result: ExperimentResult,
    metric: str,
    lever: str | None = None,
    lang: str = "en",
) -> list[Artist]:
    """A headline figure against a lever: mean over replications with its 5-95 % band.

    In a grid with several levers, one line per combination of the other levers; in a
    Latin hypercube sample, one dot per point with a 5-95 % bar.

    Parameters
    ----------
    ax
        The Axes to draw on.
    result
        A sweep.
    metric
        A numeric summary key, e.g. ``"guaranteed_amount"``.
    lever
        The lever on the x axis (default the first).
    lang
        ``en`` or ``zh``: words and amounts (bn or 亿元).

    Returns
    -------
    list of matplotlib.artist.Artist
    """
    lever = lever or result.levers[0]
    pts = result.points()
    cols = [f"{metric}_mean", f"{metric}_p05", f"{metric}_p95"]
    div = (
        _BIG[lang]
        if metric.endswith("_amount")
        else (0.01 if metric.endswith(("_rate", "_share")) else 1)
    )
    xdiv, xunit = lever_scale(pts[lever].abs().max(), lang)
    others = [lv for lv in result.levers if lv != lever]
    artists: list[Artist] = []
    if result.meta.get("design") == "grid":
        groups = pts.groupby(others, sort=True) if others else [((), pts)]
        for k, (key, grp) in enumerate(groups):
            g = grp.sort_values(lever)
            x = g[lever].to_numpy(float) / xdiv
            c = _COLOURS[k % len(_COLOURS)]
            lab = None
            if others:
                vals = key if isinstance(key, tuple) else (key,)
                lab = ", ".join(
                    f"{o}={format_lever(v, lang)}" for o, v in zip(others, vals, strict=True)
                )
            artists.append(
                ax.fill_between(x, g[cols[1]] / div, g[cols[2]] / div, color=c, alpha=0.2, lw=0)
            )
            artists += ax.plot(x, g[cols[0]] / div, marker="o", ms=3, color=c, label=lab)
        if others and len(artists) > 2:
            ax.legend(fontsize=7, loc="best")
    else:
        x = pts[lever].to_numpy(float) / xdiv
        m = pts[cols[0]].to_numpy(float) / div
        lo = m - pts[cols[1]].to_numpy(float) / div
        hi = pts[cols[2]].to_numpy(float) / div - m
        eb = ax.errorbar(x, m, yerr=[lo, hi], fmt="o", ms=3, lw=0.8, capsize=2)
        artists.append(eb)
    unit = (
        tr("unit.bn", lang, cur=result.scenario.currency)
        if metric.endswith("_amount")
        else ("%" if metric.endswith(("_rate", "_share")) else "")
    )
    ax.set_title(_label(metric, lang), fontsize=10)
    ax.set_xlabel(lever + xunit)
    if unit:
        ax.set_ylabel(unit)
    ax.set_ylim(bottom=min(0.0, ax.get_ylim()[0]))  # amounts from zero
    ax.grid(alpha=0.3)
    warning_note(ax, band_caution(result.replications, lang))
    return artists


def plot_differences(
    ax: Axes,
    result: ExperimentResult,
    metrics: Sequence[str] | None = None,
    lang: str = "en",
) -> list[Artist]:
    """Relative change of each figure from the base, per variant (forest plot).

    Dots are mean paired differences as % of the base mean; thick bars the 90 %
    t confidence interval of the mean; thin bars the 5-95 % range of the paired
    differences.

    Parameters
    ----------
    ax
        The Axes to draw on.
    result
        A comparison.
    metrics
        Figures to show (default the headline figures that are not days).
    lang
        ``en`` or ``zh``.

    Returns
    -------
    list of matplotlib.artist.Artist
    """
    metrics = [m for m in (metrics or HEADLINE_KEYS) if not m.endswith("_day")]
    d = result.differences(metrics)
    variants = list(dict.fromkeys(d["variant"]))
    artists: list[Artist] = []
    n = len(metrics)
    height = 0.8 / max(len(variants), 1)
    for k, v in enumerate(variants):
        dv = d[d["variant"] == v].set_index("metric").reindex(metrics)
        base = dv["base_mean"].abs().replace(0, np.nan)
        y = np.arange(n) + (k - (len(variants) - 1) / 2) * height
        c = _COLOURS[(k + 1) % len(_COLOURS)]
        rel = dv["diff_mean"] / base * 100
        artists.append(
            ax.hlines(y, dv["diff_p05"] / base * 100, dv["diff_p95"] / base * 100, color=c, lw=0.8)
        )
        artists.append(
            ax.hlines(y, dv["ci_low"] / base * 100, dv["ci_high"] / base * 100, color=c, lw=3)
        )
        artists += ax.plot(rel, y, "o", color=c, ms=4, label=str(v))
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(np.arange(n), [_label(m, lang) for m in metrics], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(tr("diff.xlabel", lang, base=result.meta.get("base", "base")))
    ax.set_title(tr("diff.title", lang), fontsize=9)
    ax.grid(alpha=0.3, axis="x")
    ax.legend(fontsize=8, loc="lower right")
    return artists


# ------------------------------------------------------------------------- pages


def _pages(result: ExperimentResult, lang: str = "en") -> list[tuple[str, Any]]:
    """The pages of an experiment's report, by its kind: (stem, draw(fig)) pairs."""
    if result.kind == "replicate":
        return _replicate_pages(result, lang)
    if result.kind == "compare":
        return _compare_pages(result, lang)
    return _sweep_pages(result, lang)


def _replicate_pages(result: ExperimentResult, lang: str) -> list[tuple[str, Any]]:
    """Pages of a replication: cover, fans, exhaustion, outcomes."""
    pages: list[tuple[str, Any]] = []
    has_series = not result.series.empty
    pages.append(("cover", lambda fig: replicate_cover(fig, result, lang)))
    if has_series:

        def uptake(fig: Figure) -> None:
            ax1, ax2 = fig.subplots(2, 1)
            plot_fan(ax1, result, "approved_cum", lang=lang)
            ax1.set_title(tr("page.uptake", lang))
            plot_fan(ax2, result, "disbursed_cum", lang=lang)
            plot_fan(ax2, result, "guaranteed_cum", lang=lang)
            ax2.set_title(tr("page.disbursed", lang))
            ax2.legend(fontsize=8, loc="upper left")

        shown = [
            name
            for name in (
                "pool_remaining",
                "guarantee_remaining",
                "credit_sub_quota_remaining",
                "zone_budgets_exhausted_n",
            )
            if _has_fan(result, name)
        ]

        def quotas(fig: Figure) -> None:
            rows, cols = (1, len(shown)) if len(shown) <= 2 else (2, 2)
            axes = fig.subplots(rows, cols, squeeze=False).ravel()
            for ax, name in zip(axes, shown, strict=False):
                plot_fan(ax, result, name, lang=lang)
                ax.set_title(_fan_title(result, name, lang), fontsize=10)
                if _is_target(result, name):
                    ax.legend(fontsize=7, loc="upper right")
            for ax in axes[len(shown) :]:
                fig.delaxes(ax)  # no empty axes

        pages.append(("uptake", uptake))
        if shown:
            pages.append(("quotas", quotas))
    if has_exhaustion(result):
        pages.append(
            (
                "exhaustion",
                lambda fig: plot_exhaustion_probability(fig.subplots(1, 1), result, lang=lang),
            )
        )
    pages += outcome_pages(result, lang=lang)
    return pages


def _compare_pages(result: ExperimentResult, lang: str) -> list[tuple[str, Any]]:
    """Pages of a comparison: cover, differences, fans, exhaustion, outcomes."""
    pages: list[tuple[str, Any]] = []
    has_series = not result.series.empty
    pages.append(("cover", lambda fig: compare_cover(fig, result, lang)))
    pages.append(
        ("differences", lambda fig: plot_differences(fig.subplots(1, 1), result, lang=lang))
    )
    table = result.point_table()
    if has_series:
        shown = [
            name
            for name in ("approved_cum", "guaranteed_cum", "pool_remaining", "guarantee_remaining")
            if any(_has_fan(result, name, int(r["point"])) for _, r in table.iterrows())
        ]

        def fans(fig: Figure) -> None:
            rows, cols = (1, len(shown)) if len(shown) <= 2 else (2, 2)
            axes = fig.subplots(rows, cols, squeeze=False).ravel()
            for ax in axes[len(shown) :]:
                fig.delaxes(ax)  # no empty axes
            for ax, name in zip(axes, shown, strict=False):
                for k, r in table.iterrows():
                    plot_fan(
                        ax,
                        result,
                        name,
                        point=int(r["point"]),
                        label=str(r["variant"]),
                        color=_COLOURS[k % len(_COLOURS)],
                        lang=lang,
                    )
                ax.set_title(_fan_title(result, name, lang), fontsize=10)
                ax.legend(fontsize=7, loc="best")

        if shown:
            pages.append(("fans", fans))
    ran_out = [r for _, r in table.iterrows() if has_exhaustion(result, int(r["point"]))]

    def exhaustion(fig: Figure) -> None:
        axes = fig.subplots(len(ran_out), 1, squeeze=False).ravel()
        for ax, r in zip(axes, ran_out, strict=True):
            plot_exhaustion_probability(ax, result, point=int(r["point"]), lang=lang)
            ax.set_title(tr("exh.variant_title", lang, variant=r["variant"]), fontsize=10)

    if ran_out:  # variants in which nothing ran out: said on the cover, no flat panels
        pages.append(("exhaustion", exhaustion))
    pages += outcome_pages(result, lang=lang)
    return pages


def sweep_outputs(result: ExperimentResult) -> list[str]:
    """The figures a sweep's report plots against each lever: those asked for
    (``result.meta["outputs"]``, ``smesim sweep --output``), else the headline figures
    the runs hold that are not zero at every point (a flat zero says nothing)."""
    pts = result.points()
    asked = result.meta.get("outputs")
    if asked:
        return [m for m in asked if f"{m}_mean" in pts.columns]
    return [
        m
        for m in _SWEEP_METRICS
        if f"{m}_mean" in pts.columns and pts[f"{m}_mean"].fillna(0).abs().to_numpy().any()
    ]


def _sweep_pages(result: ExperimentResult, lang: str) -> list[tuple[str, Any]]:
    """Pages of a sweep: cover, pages of the figures against each lever (six to a
    page), outcomes."""
    pages: list[tuple[str, Any]] = []
    pages.append(("cover", lambda fig: sweep_cover(fig, result, lang)))
    metrics = sweep_outputs(result)
    chunks = [metrics[i : i + 6] for i in range(0, len(metrics), 6)]
    for j, lever in enumerate(result.levers):
        for k, chunk in enumerate(chunks):

            def lever_page(fig: Figure, lever: str = lever, chunk: list[str] = chunk) -> None:
                rows, cols = (1, len(chunk)) if len(chunk) <= 3 else (2, 3)
                axes = fig.subplots(rows, cols, squeeze=False).ravel()
                for ax, m in zip(axes, chunk, strict=False):
                    plot_sweep(ax, result, m, lever, lang=lang)
                for ax in axes[len(chunk) :]:
                    fig.delaxes(ax)  # no empty axes
                fig.suptitle(tr("swp.suptitle", lang, lever=lever))

            stem = f"sweep_{j + 1}" if k == 0 else f"sweep_{j + 1}_{k + 1}"
            pages.append((stem, lever_page))
    pages += outcome_pages(result, plot_sweep, lang=lang)
    return pages


def write_experiment_report(
    result: ExperimentResult, folder: str | Path, *, dpi: int = 110, lang: str = "en"
) -> list[Path]:
    """Write ``report.pdf`` and ``figures/<page>.png`` for an experiment into ``folder``.

    Parameters
    ----------
    result
        A replication, comparison or sweep.
    folder
        Output folder (created if needed).
    dpi
        Resolution of the PNG files.
    lang
        ``en`` or ``zh``: the language of every title, label, legend and table.

    Returns
    -------
    list of pathlib.Path
        The files written, the PDF first.

    Raises
    ------
    ValueError
        For an unknown language.
    sim.errors.ReportError
        For ``zh`` without a CJK font installed.
    """
    check_lang(lang)
    sc = result.scenario
    names = (sc.name, sc.description or "", *map(str, result.meta.get("variants", [])))
    with matplotlib.rc_context(report_rc(lang, names)):
        return write_pages(_pages(result, lang), folder, dpi=dpi)
