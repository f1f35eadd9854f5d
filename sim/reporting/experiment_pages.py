"""Savings, zone and refusal pages of experiment reports, with 5-95 % bands.

Public names: :func:`plot_band_bars`, :func:`plot_zone_share`, :func:`outcome_pages`,
:data:`SAVINGS_KEYS`, :data:`REFUSAL_KEYS`.

Bars are means over replications, whiskers the 5th-95th percentiles; every figure whose
band comes from fewer than :data:`sim.experiments.precision.MIN_BAND_REPLICATIONS`
replications carries a warning on its Axes.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..experiments.result import ExperimentResult
from .axes import date_axis, warning_note
from .i18n import band_caution, short_label, tr

__all__ = ["REFUSAL_KEYS", "SAVINGS_KEYS", "outcome_pages", "plot_band_bars", "plot_zone_share"]

#: Savings of firms by category (summary keys), the total last.
SAVINGS_KEYS = (
    "interest_savings_amount",
    "guarantee_fee_savings_amount",
    "relief_paid_amount",
    "awards_paid_amount",
    "savings_total_amount",
)


def _savings_keys(result: ExperimentResult) -> tuple[str, ...]:
    """:data:`SAVINGS_KEYS`, with the tariff cuts after the relief claimed when a run has them."""
    if "relief_tariff_cut_amount" not in result.runs:
        return SAVINGS_KEYS
    i = SAVINGS_KEYS.index("relief_paid_amount") + 1
    return (*SAVINGS_KEYS[:i], "relief_tariff_cut_amount", *SAVINGS_KEYS[i:])


#: Refused applications by reason (summary keys); together they are every refusal.
REFUSAL_KEYS = (
    "refused_credit_n",
    "refused_quota_n",
    "refused_guarantee_n",
    "refused_firm_limit_n",
)

_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2"]


def _point_names(result: ExperimentResult) -> list[tuple[int, str]]:
    table = result.point_table()
    if "variant" in table:
        return [(int(r["point"]), str(r["variant"])) for _, r in table.iterrows()]
    return [(int(p), result.scenario.name) for p in table["point"]]


def plot_band_bars(
    ax: Axes,
    result: ExperimentResult,
    keys: Sequence[str],
    *,
    scale: float = 1.0,
    unit: str = "",
    lang: str = "en",
) -> list[Artist]:
    """Mean of each figure over replications with its 5-95 % band, one bar per point.

    Parameters
    ----------
    ax
        The Axes to draw on.
    result
        A replication or a comparison (one group of bars per figure, one bar per
        scenario).
    keys
        Numeric summary keys (bars in this order, labelled in words).
    scale, unit
        Values are divided by ``scale``; ``unit`` labels the y axis.
    lang
        ``en`` or ``zh``: the words of the bars and the warning.

    Returns
    -------
    list of matplotlib.artist.Artist
        The bar containers. The y axis starts at zero.
    """
    points = _point_names(result)
    width = 0.8 / len(points)
    x = np.arange(len(keys))
    artists: list[Artist] = []
    fewest = len(result.runs)
    for k, (p, name) in enumerate(points):
        rows = result.runs[result.runs["point"] == p]
        fewest = min(fewest, len(rows))
        v = rows[list(keys)].to_numpy(dtype=float) / scale
        with warnings.catch_warnings():  # a figure a scenario does not have: no bar
            warnings.simplefilter("ignore", RuntimeWarning)
            mean = np.nanmean(v, axis=0)
            lo, hi = np.nanpercentile(v, [5, 95], axis=0)
        err = np.vstack([mean - lo, hi - mean])
        artists.append(
            ax.bar(
                x + (k - (len(points) - 1) / 2) * width,
                mean,
                width,
                yerr=err,
                capsize=3,
                color=_COLOURS[k % len(_COLOURS)],
                label=name,
            )
        )
    ax.set_xticks(x, [short_label(key, lang) for key in keys], fontsize=8)
    ax.set_ylim(bottom=0)
    if unit:
        ax.set_ylabel(unit)
    ax.grid(alpha=0.3, axis="y")
    if len(points) > 1:
        ax.legend(fontsize=8, loc="upper right")
    warning_note(ax, band_caution(fewest, lang))
    return artists


def plot_zone_share(ax: Axes, result: ExperimentResult, lang: str = "en") -> list[Artist]:
    """Share of zone budgets exhausted over time: median and 5-95 % band, per point.

    Parameters
    ----------
    ax
        The Axes to draw on.
    result
        A replication or comparison run with daily series and a cost-relief measure.
    lang
        ``en`` or ``zh``.

    Returns
    -------
    list of matplotlib.artist.Artist
        Bands and lines. The y axis runs from 0 to 100 %.
    """
    artists: list[Artist] = []
    fewest = len(result.runs)
    for k, (p, name) in enumerate(_point_names(result)):
        zones = float(result.runs.loc[result.runs["point"] == p, "zone_budgets_n"].max())
        fewest = min(fewest, int((result.runs["point"] == p).sum()))
        fan = result.fan("zone_budgets_exhausted_n", p)
        dates = pd.DatetimeIndex(fan["date"])
        div = zones / 100 if zones > 0 else 1.0
        c = _COLOURS[k % len(_COLOURS)]
        artists.append(
            ax.fill_between(dates, fan["p05"] / div, fan["p95"] / div, color=c, alpha=0.25, lw=0)
        )
        artists += ax.plot(dates, fan["median"] / div, lw=1.8, color=c, label=name)
    ax.set_ylim(0, 100)
    ax.set_ylabel(tr("out.zone_share_ylabel", lang))
    ax.grid(alpha=0.3)
    date_axis(ax, lang)
    ax.legend(fontsize=8, loc="center left")
    warning_note(ax, band_caution(fewest, lang))
    return artists


def _has_zones(result: ExperimentResult) -> bool:
    """Whether a zone page has something to show: a zone budget ran out in some run (a
    page of zeros says nothing the cover does not)."""
    runs = result.runs
    return (
        result.scenario.cost_relief is not None
        and "zone_budgets_exhausted_n" in runs
        and bool((runs["zone_budgets_exhausted_n"].fillna(0) > 0).any())
    )


def _nonzero_keys(result: ExperimentResult, keys: Sequence[str]) -> list[str]:
    """The figures of ``keys`` the runs have and that are not zero in every run: a bar of
    0 with no band says nothing (a total stays: it says what the parts add up to)."""
    runs = result.runs
    return [
        k
        for k in keys
        if k in runs
        and (k == "savings_total_amount" or runs[k].fillna(0).astype(float).abs().to_numpy().any())
    ]


def _sweep_outcome_pages(
    result: ExperimentResult, sweep_plot: Callable[..., Any], lang: str
) -> list[tuple[str, Callable[[Figure], None]]]:
    """The savings, zone and refusal pages of a sweep: each figure against the first
    lever; a figure that is zero at every point, and a page with no figure left, are
    left out."""
    lever = result.levers[0]
    pages: list[tuple[str, Callable[[Figure], None]]] = []

    points = result.points()

    def grid(keys: Sequence[str], title: str) -> list[tuple[str, Callable[[Figure], None]]]:
        # a figure the sweep's point table does not summarise has no band to draw, and
        # one that is zero at every point is a flat line that says nothing
        keys = [
            k
            for k in keys
            if f"{k}_p05" in points.columns and points[f"{k}_p95"].fillna(0).abs().to_numpy().any()
        ]
        if not keys:
            return []

        def draw(fig: Figure) -> None:
            rows, cols = (1, len(keys)) if len(keys) <= 3 else (2, 3)
            axes = fig.subplots(rows, cols, squeeze=False).ravel()
            for ax, key in zip(axes, keys, strict=False):
                sweep_plot(ax, result, key, lever, lang=lang)
                ax.set_title(short_label(key, lang), fontsize=10)
            for ax in axes[len(keys) :]:
                fig.delaxes(ax)
            fig.suptitle(tr("out.grid_suptitle", lang, title=tr(title, lang), lever=lever))

        return [(title.rpartition(".")[2], draw)]

    pages += grid(_savings_keys(result), "out.savings")
    if _has_zones(result):
        pages += grid(["zone_budgets_exhausted_n"], "out.zones")
    pages += grid(REFUSAL_KEYS, "out.refusals")
    return pages


def outcome_pages(
    result: ExperimentResult, sweep_plot: Callable[..., Any] | None = None, lang: str = "en"
) -> list[tuple[str, Callable[[Figure], None]]]:
    """The savings, zone and refusal pages of an experiment report.

    Parameters
    ----------
    result
        A replication, comparison or sweep.
    sweep_plot
        For sweeps, the function drawing a figure against a lever
        (:func:`sim.reporting.experiment_report.plot_sweep`).
    lang
        ``en`` or ``zh``: titles, labels and amounts (bn or 亿元).

    Returns
    -------
    list of (name, draw) pairs
    """
    cur = result.scenario.currency
    pages: list[tuple[str, Callable[[Figure], None]]] = []
    if result.kind == "sweep" and sweep_plot is not None:
        return _sweep_outcome_pages(result, sweep_plot, lang)

    def savings(fig: Figure) -> None:
        ax = fig.subplots()
        big = 1e8 if lang == "zh" else 1e9
        unit = tr("unit.bn", lang, cur=cur)
        keys = _nonzero_keys(result, _savings_keys(result))
        plot_band_bars(ax, result, keys, scale=big, unit=unit, lang=lang)
        ax.set_title(tr("out.savings_title", lang))

    def zones(fig: Figure) -> None:
        ax1, ax2 = fig.subplots(2, 1)
        if not result.series.empty:
            plot_zone_share(ax1, result, lang)
            ax1.set_title(tr("out.zone_share_title", lang))
        else:
            ax1.set_axis_off()
        unit = tr("out.zone_unit", lang)
        plot_band_bars(ax2, result, ["zone_budgets_exhausted_n"], unit=unit, lang=lang)
        ax2.set_title(tr("out.zone_end_title", lang))

    refused = _nonzero_keys(result, REFUSAL_KEYS)

    def refusals(fig: Figure) -> None:
        ax = fig.subplots()
        plot_band_bars(ax, result, refused, unit=tr("out.refusal_unit", lang), lang=lang)
        ax.set_title(tr("out.refusals_title", lang))

    pages.append(("savings", savings))
    if _has_zones(result):
        pages.append(("zones", zones))
    if refused:  # no application refused in any run: no page of empty bars
        pages.append(("refusals", refusals))
    return pages
