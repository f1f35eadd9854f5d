"""Cover pages of experiment reports: replications, comparisons and sweeps.

Public names: none; :mod:`.experiment_report` puts these pages first,
:func:`compare_cover`, :func:`replicate_cover`, :func:`sweep_cover`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..experiments.result import HEADLINE_KEYS, ExperimentResult
from ..results import is_missing
from .answer import wrap_text
from .formatting import (
    day_shown,
    format_difference,
    format_lever,
    format_value,
    replication_rows,
)
from .i18n import figure_label, tr
from .pages import style_table

__all__: list[str] = [
    "sweep_cover",
    "replicate_cover",
    "compare_cover",
]


def _label(metric: str, lang: str = "en") -> str:
    return figure_label(metric, lang)


def _table_page(
    fig: Figure, title: str, lines: list[str], header: list[str], rows: list[list[str]]
) -> None:
    if not hasattr(fig.canvas, "get_renderer"):  # a bare Figure: text is measured by Agg
        FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()

    def below(artist: Any, gap: float) -> float:
        box = artist.get_window_extent(renderer=renderer)
        return artist.get_position()[1] - box.height / fig.bbox.height - gap

    # a long title (several variants) on two lines, smaller; the intro and the table
    # below it, however many lines they take
    wrapped = wrap_text(title, 80)
    head = fig.text(
        0.06, 0.95, wrapped, fontsize=17 if "\n" not in wrapped else 14, weight="bold", va="top"
    )
    intro = fig.text(0.06, below(head, 0.015), "\n".join(lines), fontsize=9, va="top")
    top = min(0.73, below(intro, 0.02))
    ax = fig.add_axes((0.04, 0.03, 0.92, max(top - 0.03, 0.3)))
    ax.set_axis_off()
    widths = [0.34] + [0.66 / (len(header) - 1)] * (len(header) - 1)
    # a header wider than its column goes on two lines
    cols = [int(w * 160) for w in widths]
    header = [wrap_text(h, c) for h, c in zip(header, cols, strict=True)]
    table = ax.table(
        cellText=rows, colLabels=header, colWidths=widths, loc="upper center", cellLoc="left"
    )
    style_table(table, fontsize=8 if len(header) <= 3 else 7, row_scale=1.3)
    if any("\n" in h for h in header):
        for c in range(len(header)):
            cell = table[0, c]
            cell.set_height(cell.get_height() * 1.8)


def _wrap(text: str, width: int = 130) -> list[str]:
    """Lines of at most ``width`` columns (Chinese characters count twice)."""
    return wrap_text(text, width).splitlines()


def _intro(result: ExperimentResult, lang: str = "en") -> list[str]:
    sc = result.scenario
    end = pd.Timestamp(sc.horizon.start_date) + pd.Timedelta(days=sc.horizon.days - 1)
    # the scenario's own words in the report's language, when it gives them
    text = (sc.description_zh if lang == "zh" else "") or sc.description or ""
    lines = _wrap(text)
    lines += [""]
    lines += _wrap(
        tr(
            "intro.horizon",
            lang,
            start=f"{sc.horizon.start_date:%Y-%m-%d}",
            end=f"{end:%Y-%m-%d}",
            days=sc.horizon.days,
            cur=sc.currency,
            r=result.replications,
            seed=result.seed,
        )
    )
    lines += [tr("intro.intervals", lang)]
    if sc.population.scale != 1:
        lines.append(tr("intro.scaled", lang, scale=f"{sc.population.scale:g}"))
    return lines


def replicate_cover(fig: Figure, result: ExperimentResult, lang: str = "en") -> None:
    """Draw a replication's cover on ``fig``: headline figures with their 5-95 % bands."""
    day = tr("x.day_suffix", lang)  # a day's row says what ran out, not "... (day)"
    rows = [
        [_label(k, lang).replace(day, "") if k.endswith("_day") else _label(k, lang), *texts]
        for k, *texts in replication_rows(result.summary_dict(), HEADLINE_KEYS, lang)
    ]
    _table_page(
        fig,
        tr("rep.title", lang, name=result.scenario.name),
        _intro(result, lang) + [tr("rep.day_note", lang)],
        [tr(f"rep.col_{c}", lang) for c in ("figure", "mean", "p05", "p95")],
        rows,
    )


#: Changes of a variant named on the compare cover; the others are counted.
_CHANGES_SHOWN = 3


def _plain(value: Any, lang: str) -> str:
    """A scenario value as the cover shows it: 20,000,000; 0.3; [9.0, 9.0, ...]; none."""
    if value is None:
        return tr("cmp.none", lang)
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1e4:
        return f"{value:,.0f}"
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return text if len(text) <= 32 else text[:29] + "..."


def _changes(result: ExperimentResult, lang: str) -> list[str]:
    """A line per variant: what it sets differently from the base (path: base -> variant)."""
    lines: list[str] = []
    sep = tr("list_sep", lang)
    for variant, changes in (result.meta.get("changes") or {}).items():
        items = [
            tr("cmp.change", lang, path=path, a=_plain(a, lang), b=_plain(b, lang))
            for path, a, b in changes[:_CHANGES_SHOWN]
        ]
        if not items:
            items = [tr("cmp.no_change", lang)]
        more = len(changes) - _CHANGES_SHOWN
        text = tr("cmp.changes", lang, variant=variant, items=sep.join(items))
        if more > 0:
            text += tr("cmp.changes_more", lang, n=more)
        lines += _wrap(text)
    return [*lines, ""] if lines else []


def compare_cover(fig: Figure, result: ExperimentResult, lang: str = "en") -> None:
    """Draw a comparison's cover on ``fig``: each headline figure's change from the base;
    for an account that is a target (it never runs out), the day it was reached."""
    base = result.summary_dict(0)
    keys = [k for k in (day_shown(m, base) for m in HEADLINE_KEYS) if k in base]
    d = result.differences(keys)
    cur = result.scenario.currency
    variants = list(dict.fromkeys(d["variant"]))
    header = [tr("rep.col_figure", lang), tr("cmp.col_base", lang, base=result.meta.get("base"))]
    for v in variants:
        header += [tr("cmp.col_change", lang, variant=v)]
    rows = []
    for m in keys:
        sub = d[d["metric"] == m].set_index("variant")
        if m.endswith("_day") and is_missing(base[m]):
            # the day never came in the base: say so, in the account's words
            never = "not_reached" if m.endswith("_target_reached_day") else "not_exhausted"
            row = [_label(m, lang), tr(never, lang)]
            row += [tr("na", lang)] * len(variants)
            rows.append(row)
            continue
        row = [_label(m, lang), format_value(m, sub["base_mean"].iloc[0], cur, lang)]
        for v in variants:
            r = sub.loc[v]

            def diff(col: str, m: str = m, r: Any = r) -> str:
                return format_difference(m, r[col], cur, lang)

            row.append(f"{diff('diff_mean')} [{diff('ci_low')}, {diff('ci_high')}]")
        rows.append(row)
    _table_page(
        fig,
        tr("cmp.title", lang, variants=", ".join(variants), base=result.meta.get("base")),
        _intro(result, lang) + _changes(result, lang) + _wrap(tr("cmp.note", lang)),
        header,
        rows,
    )


def sweep_cover(fig: Figure, result: ExperimentResult, lang: str = "en") -> None:
    """Draw a sweep's cover on ``fig``: the headline figures at each point."""
    pts = result.points()
    cur = result.scenario.currency
    show = [
        m
        for m in ("approved_n", "disbursed_amount", "guaranteed_amount", "fiscal_cost_amount")
        if f"{m}_mean" in pts.columns
    ]
    header = [
        tr("swp.col_point", lang),
        *[tr("swp.col_mean", lang, label=_label(m, lang)) for m in show],
    ]
    rows = []
    for _, r in pts.head(28).iterrows():
        key = ", ".join(f"{lv}={format_lever(r[lv], lang)}" for lv in result.levers)
        rows.append([key, *[format_value(m, r[f"{m}_mean"], cur, lang) for m in show]])
    design = result.meta.get("design")
    words = {"grid": tr("swp.grid", lang), "lhs": tr("swp.lhs", lang)}
    lines = _intro(result, lang) + [
        tr(
            "swp.design",
            lang,
            design=words.get(str(design), str(design)),
            n=len(pts),
            r=result.replications,
            levers=", ".join(result.levers),
        ),
        tr("swp.crn", lang) + (tr("swp.first", lang, n=28) if len(pts) > 28 else ""),
    ]
    _table_page(fig, tr("swp.title", lang, name=result.scenario.name), lines, header, rows)
