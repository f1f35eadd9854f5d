"""Who gets what: the run report's page of savings and fiscal cost by district, by sector
and by firm-size band, with the concentration of savings across firms.

Public names: :func:`plot_breakdown`, :func:`group_name`, :func:`zone_name`,
:func:`shown_breakdowns`, :func:`draw_who_gets_what`.

The page reads :attr:`sim.results.RunResult.by_district`, ``by_sector`` and ``by_size``
(:mod:`sim.results.breakdowns`) and the summary's ``savings_top10_share`` and
``savings_gini``. A breakdown with fewer than two groups of firms says nothing and is
left out (a city without districts or with one sector shows only its size bands); with
none left, the page is not printed. Every text is a catalogue entry (``who.*``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..results import RunResult
from .answer import wrap_text
from .formatting import format_count, format_money
from .i18n import code_label, tr

__all__ = [
    "draw_who_gets_what",
    "group_name",
    "plot_breakdown",
    "shown_breakdowns",
    "zone_name",
]

#: The breakdowns, in the order of the page: (table, title key).
_BREAKDOWNS = (
    ("by_district", "who.by_district"),
    ("by_sector", "who.by_sector"),
    ("by_size", "who.by_size"),
)


def _district(scenario: Any, key: str, lang: str) -> str:
    d = scenario.population.districts.get(key)
    if d is None:
        return tr("who.no_district", lang)
    return d.name_zh if lang == "zh" and d.name_zh else key


def zone_name(scenario: Any, code: str, lang: str = "en") -> str:
    """A zone's or cluster's name as a report shows it: its name (``name_zh`` in Chinese)
    and its district, from ``population.zones.labels``; the code when it has no label."""
    label = scenario.population.zones.labels.get(code)
    if label is None:
        return code
    name = (label.name_zh if lang == "zh" and label.name_zh else label.name) or code
    if not label.district:
        return name
    return tr("who.zone", lang, name=name, district=_district(scenario, label.district, lang))


def group_name(result: RunResult, table: str, row: pd.Series, lang: str = "en") -> str:
    """The name of a breakdown's group in a language: a district's name, a sector's words,
    a revenue band's bounds."""
    if table == "by_district":
        return _district(result.scenario, str(row["district"]), lang)
    if table == "by_sector":
        return code_label(str(row["sector"]), lang)
    lo, hi = row["revenue_min"], row["revenue_max"]
    money = lambda x: format_money(x, "", lang)  # noqa: E731
    if pd.isna(hi) and lo <= 0:
        return tr("who.band.all", lang)
    if lo <= 0:
        return tr("who.band.below", lang, hi=money(hi))
    if pd.isna(hi):
        return tr("who.band.above", lang, lo=money(lo))
    return tr("who.band.between", lang, lo=money(lo), hi=money(hi))


def shown_breakdowns(result: RunResult) -> list[str]:
    """The breakdowns with at least two groups of firms, in page order."""
    out = []
    for table, _ in _BREAKDOWNS:
        t = getattr(result, table)
        if not t.empty and int((t["firms_n"] > 0).sum()) >= 2:
            out.append(table)
    return out


def plot_breakdown(ax: Axes, result: RunResult, table: str, lang: str = "en") -> list[Artist]:
    """Savings of firms and fiscal cost of each group of a breakdown (paired horizontal
    bars, in bn or m; 亿元 or 万元), each group labelled with its firms and lending."""
    t = getattr(result, table)
    t = t[t["firms_n"] > 0]
    cur = result.scenario.currency
    top = float(np.abs(t[["savings_amount", "fiscal_cost_amount"]].to_numpy()).max())
    large = 1e8 if lang == "zh" else 1e9
    big, unit = (
        (large, "unit.bn") if top >= large else (large / 1e4 if lang == "zh" else 1e6, "unit.m")
    )
    labels = [
        tr(
            "who.label",
            lang,
            name=group_name(result, table, row, lang),
            firms=format_count(row["firms_n"]),
            lent=format_money(row["approved_amount"], "", lang),
        )
        for _, row in t.iterrows()
    ]
    y = np.arange(len(t))[::-1]
    saved = t["savings_amount"].to_numpy() / big
    cost = t["fiscal_cost_amount"].to_numpy() / big
    h = 0.38
    a = ax.barh(y + h / 2, saved, h, color="#2ca02c", label=tr("answer.chart.savings", lang))
    b = ax.barh(y - h / 2, cost, h, color="#d62728", label=tr("answer.chart.cost", lang))
    size = 7 if len(t) <= 8 else 6
    for yi, v in zip(y + h / 2, saved, strict=True):
        ax.text(max(v, 0), yi, f" {v:,.2f}", va="center", fontsize=size)
    ax.set_yticks(y, labels, fontsize=size)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel(tr(unit, lang, cur=cur), fontsize=8)
    ax.tick_params(axis="x", labelsize=7)
    ax.set_title(tr(dict(_BREAKDOWNS)[table], lang), fontsize=10)
    ax.grid(alpha=0.3, axis="x")
    ax.margins(x=0.12)
    return [*a, *b]


def draw_who_gets_what(fig: Figure, result: RunResult, lang: str = "en") -> None:
    """Draw the page: title, the concentration line, and the breakdowns shown."""
    s = result.summary_values
    shown = shown_breakdowns(result)
    fig.text(0.04, 0.965, tr("who.title", lang), fontsize=16, weight="bold", va="top")
    lines = []
    if s.get("savings_top10_share") is not None:
        lines.append(
            tr(
                "who.concentration",
                lang,
                top=tr("x.pct", lang, v=f"{100 * s['savings_top10_share']:.0f}"),
                gini=f"{s['savings_gini']:.2f}",
            )
        )
    lines.append(tr("who.note", lang))
    width = 125 if lang == "zh" else 150  # a CJK character is wider than two Latin ones
    text = "\n".join(wrap_text(line, width) for line in lines)
    fig.text(0.04, 0.915, text, fontsize=9, va="top")
    top, bottom = 0.78, 0.07
    districts = "by_district" in shown
    others = [t for t in shown if t != "by_district"]
    if districts:
        # the districts are many: the left half, the other breakdowns stacked on the right
        ax = fig.add_axes((0.17, bottom, 0.32, top - bottom))
        plot_breakdown(ax, result, "by_district", lang)
    left, width = (0.66, 0.3) if districts else (0.3, 0.6)
    gap = 0.09
    n = len(others)
    height = (top - bottom - gap * (n - 1)) / n if n else 0.0
    for i, table in enumerate(others):
        y0 = top - (i + 1) * height - i * gap
        ax = fig.add_axes((left, y0, width, height))
        plot_breakdown(ax, result, table, lang)
    if shown:
        handles = [
            Patch(color="#2ca02c", label=tr("answer.chart.savings", lang)),
            Patch(color="#d62728", label=tr("answer.chart.cost", lang)),
        ]
        fig.legend(handles=handles, loc="upper right", fontsize=8, frameon=False, ncols=2)
