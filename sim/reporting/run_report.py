"""Report: matplotlib figures of a run, written as PNG files and one multi-page PDF.

Public names: :func:`write_report`, :func:`plot_uptake`, :func:`plot_disbursed`,
:func:`plot_pool_levels`, :func:`plot_measure_levels`, :func:`plot_zone_levels`,
:func:`plot_savings_by_category`, :func:`plot_relief_by_zone`, :func:`plot_relief_by_bearer`,
:func:`plot_needs_funnel`, :func:`plot_refusals`, :func:`cover_rows` (the cover's table
as data), :func:`static_pages` (the pages that do not depend on the run). Formatting is in :mod:`.formatting`, the page writer in :mod:`.pages`.

Every ``plot_*`` function draws on an Axes it is given and returns the artists it
made; none uses pyplot's global state, so they work in notebooks and in the Agg
canvas used for files.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..model.instruments import reported_accounts
from ..model.instruments.base import TOTALS_ROWS_FROM
from ..model.instruments.cost_relief import BEARERS, PUBLIC_BEARERS
from ..results import RunResult
from .answer import draw_answer, draw_glossary
from .axes import (
    RGBA_GREY_05,
    RGBA_GREY_LIGHT,
    RGBA_RED_09,
    date_axis,
    event_lines,
    line_collection,
)
from .fonts import report_rc
from .formatting import format_count, format_money
from .i18n import check_lang, code_label, tr
from .measure_rows import ACCOUNT_ROWS_BELOW, fiscal_label, headline_rows
from .pages import Drawn, style_table, write_pages
from .run_accounts import account_rows, fmt_day, plot_capacity, pool_title
from .savings_plots import plot_savings_over_time
from .who_gets_what import draw_who_gets_what, shown_breakdowns, zone_name

__all__ = [
    "write_report",
    "cover_rows",
    "plot_uptake",
    "plot_disbursed",
    "plot_pool_levels",
    "plot_measure_levels",
    "plot_zone_levels",
    "plot_savings_by_category",
    "plot_relief_by_zone",
    "plot_relief_by_bearer",
    "plot_needs_funnel",
    "plot_refusals",
    "static_pages",
]

#: Line styles of the lenders' quotas, in turn, so that lines that run together differ.
_LINE_STYLES = ("-", "--", "-.", ":")

_TIER_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2"]
_REASON_COLOURS = {
    "refused_credit": "#d62728",
    "refused_quota": "#ff7f0e",
    "refused_credit_quota": "#bcbd22",
    "refused_guarantee": "#9467bd",
    "refused_firm_limit": "#8c564b",
}


def _big(lang: str) -> float:
    """Divisor of the large-amount unit: 亿 (1e8) in Chinese, billions in English."""
    return 1e8 if lang == "zh" else 1e9


def lender_name(scenario: Any, name: str, lang: str = "en") -> str:
    """A lender's name as a report shows it: its ``name_zh`` in Chinese when it has one."""
    if lang == "zh":
        for lender in scenario.banks.lenders:
            if lender.name == name and lender.name_zh:
                return lender.name_zh
    return name


def _dates(result: RunResult) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(result.timeseries["date"])


def plot_uptake(ax: Axes, result: RunResult, lang: str = "en") -> list[Artist]:
    """Cumulative applications (dashed) and approvals (solid) by tier over time."""
    apps = result.applications
    days = result.scenario.horizon.days
    scale = result.scenario.population.scale
    dates = _dates(result)
    artists: list[Artist] = []
    for i, tier in enumerate(apps["tier"].cat.categories):
        sub = apps[apps["tier"] == tier]
        if sub.empty:
            continue
        colour = _TIER_COLOURS[i % len(_TIER_COLOURS)]
        submitted = sub["submit_day"].to_numpy()
        submitted = submitted[(submitted >= 0) & (submitted < days)]
        n_sub = np.cumsum(np.bincount(submitted, minlength=days)[:days]) * scale
        ok = sub[sub["outcome"] == "approved"]["decision_day"].dropna().to_numpy(dtype=int)
        n_ok = np.cumsum(np.bincount(ok, minlength=days)[:days]) * scale
        artists += ax.plot(
            dates,
            n_sub,
            ls="--",
            color=colour,
            lw=1.2,
            label=tr("uptake.applications", lang, tier=code_label(str(tier), lang)),
        )
        artists += ax.plot(
            dates,
            n_ok,
            ls="-",
            color=colour,
            lw=2,
            label=tr("uptake.approved", lang, tier=code_label(str(tier), lang)),
        )
    ax.set_title(tr("uptake.title", lang))
    ax.set_ylabel(tr("uptake.ylabel", lang))
    ax.grid(alpha=0.3)
    event_lines(ax, result.scenario, lang)
    date_axis(ax, lang)
    if artists:
        ax.legend(fontsize=8, loc="upper left")
    return artists


def plot_disbursed(ax: Axes, result: RunResult, lang: str = "en") -> list[Artist]:
    """Cumulative amount disbursed and guaranteed."""
    ts = result.timeseries
    cur = result.scenario.currency
    dates = _dates(result)
    a = ax.plot(
        dates,
        ts["disbursed_amount"].cumsum() / _big(lang),
        lw=2,
        label=tr("disbursed.disbursed", lang),
    )
    b = (
        ax.plot(
            dates,
            ts["guaranteed_amount"].cumsum() / _big(lang),
            lw=2,
            label=tr("disbursed.guaranteed", lang),
        )
        if ts["guaranteed_amount"].sum() > 0  # no flat line for a run without guarantees
        else []
    )
    ax.set_title(tr("disbursed.title", lang))
    ax.set_ylabel(tr("unit.bn", lang, cur=cur))
    ax.grid(alpha=0.3)
    event_lines(ax, result.scenario, lang)
    date_axis(ax, lang)
    ax.legend(fontsize=8, loc="upper left")
    return [*a, *b]


def _level_lines(
    ax: Axes,
    result: RunResult,
    accounts: list[str],
    labels: list[str],
    absolute: bool = False,
    lang: str = "en",
    styles: tuple[str, ...] = ("-",),
) -> list[Artist]:
    q = result.quotas.set_index("account")
    lv = result.levels
    dates = _dates(result)[: len(lv)]
    artists: list[Artist] = []
    for i, (acc, lab) in enumerate(zip(accounts, labels, strict=True)):
        row = q.loc[acc]
        if absolute:
            y = lv[acc].to_numpy() / _big(lang)
        elif row["initial"] > 0:
            y = lv[acc].to_numpy() / row["initial"] * 100
        else:
            y = np.zeros(len(lv))
        (line,) = ax.plot(dates, y, lw=1.6, ls=styles[i % len(styles)], label=lab)
        artists.append(line)
        # X: a hard or revolving account exhausted; o: a target reached
        for col, marker in (("exhausted_on", "X"), ("reached_on", "o")):
            d = row.get(col, pd.NA)
            if pd.notna(d) and int(d) < len(dates):
                artists.append(
                    ax.plot(
                        dates[int(d)],
                        y[int(d)],
                        marker=marker,
                        ms=9 if marker == "X" else 7,
                        color=line.get_color(),
                        ls="none",
                    )[0]
                )
    ax.axhline(0, color="black", lw=0.8)
    ax.set_ylabel(
        tr("levels.remaining_abs", lang, cur=result.scenario.currency)
        if absolute
        else tr("levels.remaining_pct", lang)
    )
    ax.grid(alpha=0.3)
    event_lines(ax, result.scenario, lang)
    date_axis(ax, lang)
    return artists


def plot_pool_levels(ax: Axes, result: RunResult, lang: str = "en") -> list[Artist]:
    """Remaining share of every lender quota (or the shared pool); X marks exhaustion."""
    q = result.quotas
    rows = q[q["kind"].isin(["bank_quota", "loan_pool"])]
    rows = rows.sort_values("initial", ascending=False)
    named = rows.head(9)
    artists = _level_lines(
        ax,
        result,
        list(named["account"]),
        [
            tr("measures.label", lang, name=tr("pool.own", lang), kind=tr(f"kind.{k}", lang))
            if a == "loan_pool"
            else lender_name(result.scenario, a.replace("quota:", ""), lang)
            for a, k in zip(named["account"], named["account_kind"], strict=True)
        ],
        absolute=True,
        lang=lang,
        styles=_LINE_STYLES,  # lines that run together stay apart by their dashes
    )
    rest = rows.iloc[9:]
    if len(rest):
        share = result.levels[list(rest["account"])].to_numpy() / _big(lang)
        dates = _dates(result)[: len(share)]
        artists.append(line_collection(ax, dates, share, lw=0.5, colours=RGBA_GREY_LIGHT))
        target = result.scenario.loan_pool.quota_kind == "target"
        n_ex = int(rest["reached_on" if target else "exhausted_on"].notna().sum())
        artists.append(
            ax.plot(
                [],
                [],
                color="grey",
                lw=0.5,
                label=tr(
                    "pool.smaller_target" if target else "pool.smaller", lang, n=len(rest), ex=n_ex
                ),
            )[0]
        )
    handles = [a for a in artists if a.get_label() and not a.get_label().startswith("_")]
    if len(rows) > 1 and not (q["kind"] == "loan_pool").any():
        # the pool is the lenders' quotas together: its level on its own scale (right)
        whole = result.levels[list(rows["account"])].sum(axis=1).to_numpy() / _big(lang)
        right = ax.twinx()
        (line,) = right.plot(
            _dates(result)[: len(whole)],
            whole,
            color="black",
            lw=2.2,
            ls=(0, (6, 2)),
            label=tr("pool.whole_right", lang),
        )
        right.set_ylabel(tr("levels.remaining_abs", lang, cur=result.scenario.currency))
        handles.append(line)
        artists.append(line)
    day = result.scenario.loan_pool.reallocation_day
    if day is not None and day < result.scenario.horizon.days:
        when = _dates(result)[day]
        artists.append(ax.axvline(when, color="#555555", ls="-.", lw=1.0))
        artists.append(
            ax.annotate(
                tr("pool.reallocated", lang),
                (when, 0.02),
                xycoords=("data", "axes fraction"),
                fontsize=7,
                rotation=90,
                va="bottom",
                ha="right",
            )
        )
    ax.set_title(pool_title(result, lang))
    ax.legend(handles=handles, fontsize=7, ncol=1, loc="upper left", bbox_to_anchor=(1.12, 1.0))
    return artists


def plot_measure_levels(ax: Axes, result: RunResult, lang: str = "en") -> list[Artist]:
    """Remaining share of the accounts the measures declare for this plot (the credit
    sub-quota, guarantee capacity and capital, awards, funds, ...)."""
    q = result.quotas
    kinds = [acc.kind for _, acc in reported_accounts() if acc.plot]
    rows = q[q["kind"].isin(kinds)]
    accounts = list(rows["account"])
    labels = [
        tr("measures.label", lang, name=code_label(a, lang), kind=tr(f"kind.{k}", lang))
        for a, k in zip(accounts, rows["account_kind"], strict=True)
    ]
    artists = _level_lines(ax, result, accounts, labels, lang=lang)
    ax.set_title(tr("measures.title_kinds", lang))
    if artists:
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return artists


def plot_zone_levels(ax: Axes, result: RunResult, lang: str = "en") -> list[Artist]:
    """Every zone budget's remaining share; exhausted zones in red."""
    q = result.quotas
    rows = q[q["kind"] == "zone_budget"]
    artists: list[Artist] = []
    if rows.empty:
        ax.text(
            0.5,
            0.5,
            tr("zones.none", lang),
            ha="center",
            va="center",
            transform=ax.transAxes,
        )
        ax.set_axis_off()
        return artists
    lv = result.levels[list(rows["account"])].to_numpy()
    init = rows["initial"].to_numpy()
    share = np.divide(lv, init[None, :], out=np.zeros_like(lv), where=init[None, :] > 0) * 100
    dates = _dates(result)[: len(lv)]
    ex = rows["exhausted_on"].notna().to_numpy()
    artists.append(
        line_collection(
            ax,
            dates,
            share,
            lw=np.where(ex, 1.0, 0.6),
            colours=np.where(ex[:, None], RGBA_RED_09, RGBA_GREY_05),
        )
    )
    artists.append(
        ax.plot([], [], color="#d62728", label=tr("zones.exhausted", lang, n=ex.sum()))[0]
    )
    artists.append(
        ax.plot([], [], color="#7f7f7f", label=tr("zones.not_exhausted", lang, n=(~ex).sum()))[0]
    )
    ax.set_title(tr("zones.title", lang, n=len(rows)))
    ax.set_ylabel(tr("levels.remaining_pct", lang))
    ax.grid(alpha=0.3)
    date_axis(ax, lang)
    ax.legend(fontsize=8, loc="lower left")
    return artists


def plot_savings_by_category(ax: Axes, result: RunResult, lang: str = "en") -> list[Artist]:
    """Total savings of firms by category and segment (stacked bars)."""
    sv = result.savings
    scale = result.scenario.population.scale
    cur = result.scenario.currency
    if sv.empty:
        ax.text(0.5, 0.5, tr("savings.none", lang), ha="center", transform=ax.transAxes)
        return []
    tab = (
        sv.pivot_table(
            index="category", columns="tier", values="amount", aggfunc="sum", observed=False
        ).fillna(0.0)
        * scale
        / _big(lang)
    )
    # tariff-cut categories appear only when a category is cut (docs/model.md 7.12a); then
    # relief rows that are empty go, and claimed relief is marked as paid by the budget
    codes = tab.index.astype(str)
    cuts = codes.str.startswith("relief_tariff_cut_")
    has_cuts = bool((tab[cuts].sum(axis=1) > 0).any())
    relief = codes.str.startswith("relief_")
    tab = tab[~(relief if has_cuts else cuts) | (tab.sum(axis=1) > 0).to_numpy()]
    tab = tab[(tab.sum(axis=1) != 0).to_numpy()]  # a category nobody received says nothing
    labels = [
        tr("savings.claimed", lang, what=code_label(c, lang))
        if has_cuts and c.startswith("relief_") and not c.startswith("relief_tariff_cut_")
        else code_label(c, lang)
        for c in tab.index.astype(str)
    ]
    bottom = np.zeros(len(tab))
    artists: list[Artist] = []
    for i, tier in enumerate(tab.columns):
        bars = ax.barh(
            labels,
            tab[tier],
            left=bottom,
            color=_TIER_COLOURS[i % len(_TIER_COLOURS)],
            label=code_label(str(tier), lang),
        )
        artists.extend(bars)
        bottom += tab[tier].to_numpy()
    for y, v in enumerate(bottom):
        ax.text(v, y, f" {v:.2f}", va="center", fontsize=8)
    ax.set_xlabel(tr("savings.xlabel", lang, cur=cur))
    ax.set_title(tr("savings.title", lang))
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(alpha=0.3, axis="x")
    return artists


def plot_relief_by_zone(
    ax: Axes, result: RunResult, top: int = 25, lang: str = "en"
) -> list[Artist]:
    """Relief paid per zone against its budget, the ``top`` largest zones."""
    q = result.quotas
    rows = q[q["kind"] == "zone_budget"].copy()
    if rows.empty:
        ax.text(0.5, 0.5, tr("zones.none", lang), ha="center", transform=ax.transAxes)
        ax.set_axis_off()
        return []
    rows = rows.sort_values("drawn", ascending=False).head(top)
    names = [
        zone_name(result.scenario, code, lang)
        for code in rows["account"].str.replace("zone:", "", regex=False)
    ]
    y = np.arange(len(rows))[::-1]
    unit = 1e4 if lang == "zh" else 1e6  # 万元 in Chinese, millions in English
    a = ax.barh(y, rows["initial"] / unit, color="#dddddd", label=tr("relief.budget", lang))
    colours = np.where(rows["exhausted_on"].notna(), "#d62728", "#2ca02c")
    b = ax.barh(y, rows["drawn"] / unit, color=colours, height=0.5, label=tr("relief.paid", lang))
    ax.set_yticks(y, names, fontsize=7)
    ax.set_xlabel(tr("unit.m", lang, cur=result.scenario.currency))
    ax.set_title(tr("relief.title", lang, n=len(rows)))
    ax.legend(fontsize=8, loc="lower right")
    return [*a, *b]


def plot_relief_by_bearer(ax: Axes, result: RunResult, lang: str = "en") -> list[Artist]:
    """All cost relief by who bears it; the public budgets' part is the fiscal cost (for a
    run whose scenario declares ``cost_relief.bearers``)."""
    s = result.summary_values
    cur = result.scenario.currency
    amounts = np.array([s[f"relief_{b}_amount"] for b in BEARERS])
    public = np.array([b in PUBLIC_BEARERS for b in BEARERS])
    y = np.arange(len(BEARERS))[::-1]
    values = amounts / _big(lang)
    bars = ax.barh(y, values, color=np.where(public, "#d62728", "#7f7f7f"))
    ax.set_yticks(y, [tr(f"bearer.{b}", lang) for b in BEARERS])
    for yi, v in zip(y, values, strict=True):
        ax.text(v, yi, f" {v:.2f}", va="center", fontsize=8)
    handles = [
        Patch(color=c, label=tr(k, lang))
        for c, k in (("#d62728", "bearers.public"), ("#7f7f7f", "bearers.other"))
    ]
    ax.set_xlabel(tr("unit.bn", lang, cur=cur))
    ax.set_title(
        tr(
            "bearers.title",
            lang,
            total=format_money(s["relief_total_amount"], cur, lang),
            fiscal=format_money(amounts[public].sum(), cur, lang),
        )
    )
    ax.legend(handles=handles, fontsize=8, loc="lower right")
    ax.grid(alpha=0.3, axis="x")
    return list(bars)


def plot_needs_funnel(ax: Axes, result: RunResult, lang: str = "en") -> list[Artist]:
    """What became of financing needs, by segment (stacked bars); a need whose
    application is still pending at the horizon is ``pending``, not ``applied``."""
    nd = result.needs.set_index("tier").astype(float)
    apps = result.applications
    waiting = apps[apps["outcome"] == "pending"]
    if len(waiting) and "applied" in nd.columns:
        by_tier = waiting.groupby("tier", observed=False).size() * result.scenario.population.scale
        pending = by_tier.reindex(nd.index.astype(str)).fillna(0.0).to_numpy()
        pending = np.minimum(pending, nd["applied"].to_numpy())
        nd["applied"] = nd["applied"] - pending
        nd.insert(list(nd.columns).index("applied") + 1, "pending", pending)
    cols = [c for c in nd.columns if nd[c].sum() > 0]
    colours = {
        "applied": "#2ca02c",
        "pending": "#98df8a",
        "declined": "#ff7f0e",
        "unaware": "#7f7f7f",
        "ineligible": "#c7c7c7",
        "too_small": "#e7ba52",
        "over_limit": "#8c564b",
        "not_due": "#17becf",
    }
    left = np.zeros(len(nd))
    artists: list[Artist] = []
    for c in cols:
        artists.extend(
            ax.barh(
                [code_label(str(t), lang) for t in nd.index],
                nd[c],
                left=left,
                color=colours.get(c),
                label=code_label(c, lang),
            )
        )
        left += nd[c].to_numpy()
    ax.set_title(tr("needs.title", lang))
    ax.set_xlabel(tr("needs.xlabel", lang))
    # beside the bars: inside, the legend hid the end of the longest bar
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return artists


def plot_refusals(ax: Axes, result: RunResult, lang: str = "en") -> list[Artist]:
    """Refused applications by reason and segment."""
    apps = result.applications
    scale = result.scenario.population.scale
    ref = apps[apps["outcome"].astype(str).str.startswith("refused")]
    if ref.empty:
        ax.text(0.5, 0.5, tr("refusals.none", lang), ha="center", transform=ax.transAxes)
        return []
    tab = pd.crosstab(ref["tier"], ref["outcome"].astype(str)) * scale
    left = np.zeros(len(tab))
    artists: list[Artist] = []
    for c in tab.columns:
        artists.extend(
            ax.barh(
                [code_label(str(t), lang) for t in tab.index],
                tab[c],
                left=left,
                color=_REASON_COLOURS.get(c),
                label=code_label(c, lang),
            )
        )
        left += tab[c].to_numpy()
    ax.set_title(tr("refusals.title", lang))
    ax.set_xlabel(tr("refusals.xlabel", lang))
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return artists


# ------------------------------------------------------------------------- pages


def cover_rows(result: RunResult, lang: str = "en") -> list[tuple[str, str]]:
    """The cover's table as data, ``(label, value)`` per row: the run's figures, the rows
    every measure declares for the cover (:func:`sim.model.instruments.headlines`) and
    the totals, whose fiscal cost names the terms it adds.

    Parameters
    ----------
    result
        The run.
    lang
        Language of the labels and values.
    """
    s, sc = result.summary_values, result.scenario
    cur = s["currency"]
    m = lambda k: format_money(s[k], cur, lang)  # noqa: E731
    pct = lambda v: tr("na", lang) if v is None else f"{100 * v:.1f} %"  # noqa: E731
    c = format_count
    day = lambda k: fmt_day(result, s.get(k), lang)  # noqa: E731

    def measures(**bounds: float) -> list[tuple[str, str]]:
        rows = headline_rows(s, sc, "cover", lang, **bounds)
        return [(label or "", value) for label, value in rows]

    def own(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(tr(k, lang), v) for k, v in rows]

    refused = [s["refused_credit_n"], s["refused_quota_n"], s["refused_guarantee_n"]]
    refused.append(s.get("refused_firm_limit_n", 0))
    return [
        *own(
            [
                ("h.firms", f"{c(s['firms_n'])} ({c(s['eligible_firms_n'])})"),
                (
                    "h.applications",
                    f"{c(s['applications_n'])} / {c(s['approved_n'])} / {c(s['pending_n'])}",
                ),
                ("h.borrowers", f"{c(s['borrower_firms_n'])} ({pct(s['uptake_rate'])})"),
                ("h.approval_rate", pct(s["approval_rate"])),
                ("h.refused", " / ".join(c(v) for v in refused)),
                ("h.disbursed", f"{m('disbursed_amount')} ({m('avg_loan_amount')})"),
                ("h.pool_used", pct(s["pool_used_share"])),
                *account_rows(result, lang),
            ]
        ),
        *measures(below=ACCOUNT_ROWS_BELOW),
        (tr("h.unmet", lang), m("unmet_demand_amount")),
        *measures(above=ACCOUNT_ROWS_BELOW, below=TOTALS_ROWS_FROM),
        (tr("h.savings", lang), m("savings_total_amount")),
        (fiscal_label(sc, lang), m("fiscal_cost_amount")),
        *measures(above=TOTALS_ROWS_FROM),
        *own(
            [
                *[
                    (
                        f"h.{k}_time",
                        " / ".join(m(f"{k}_{p}_amount") for p in ("in_horizon", "committed", "pv")),
                    )
                    for k in ("savings_total", "fiscal_cost")
                ],
                (
                    "h.additional",
                    f"{c(s['additional_loans_n'])} ({pct(s['additionality_share'])})",
                ),
                *(
                    [
                        (
                            "h.subsidy_budget",
                            f"{day('subsidy_budget_exhausted_day')} "
                            f"({m('subsidy_unpaid_amount')}, {c(s['subsidy_unpaid_firms_n'])})",
                        )
                    ]
                    if sc.loan_pool.subsidy_budget is not None
                    else []
                ),
            ]
        ),
        *event_rows(result, lang),
    ]


def event_rows(result: RunResult, lang: str = "en") -> list[tuple[str, str]]:
    """A cover row per event of the scenario (docs/model.md 7.17): its mark on the time
    charts and its date, then the path and the value it takes."""
    from ..scenario import is_money_field, parse_money

    sc = result.scenario
    rows = []
    start = pd.Timestamp(sc.horizon.start_date)
    for i, ev in enumerate(sc.events):
        day = ev.day_in(sc.horizon)
        when = start + pd.Timedelta(days=day)
        value: Any = ev.value
        if is_money_field(ev.path) and not isinstance(value, bool):
            value = format_money(parse_money(value), sc.currency, lang)
        rows.append(
            (
                tr("h.event", lang, n=i + 1, date=f"{when:%Y-%m-%d}", day=day),
                f"{ev.path} = {value}",
            )
        )
    return rows


def _cover(fig: Figure, result: RunResult, lang: str = "en") -> None:
    sc = result.scenario
    s = result.summary_values
    fig.text(
        0.06, 0.95, tr("cover.title", lang, name=sc.name), fontsize=18, weight="bold", va="top"
    )
    # Chinese has no spaces to break at: wrap it at fewer characters (each is wider)
    text = (sc.description_zh if lang == "zh" else "") or sc.description or ""
    width = 60 if any("\u2e80" <= ch <= "\uffef" for ch in text) else 110
    desc = "\n".join(textwrap.wrap(text, width))
    end = pd.Timestamp(sc.horizon.start_date) + pd.Timedelta(days=sc.horizon.days - 1)
    seed = result.meta.get("seed", sc.seed)
    lines = [
        desc,
        "",
        tr(
            "cover.horizon",
            lang,
            start=f"{sc.horizon.start_date:%Y-%m-%d}",
            end=f"{end:%Y-%m-%d}",
            days=sc.horizon.days,
            cur=sc.currency,
            seed=seed,
            version=result.meta.get("version", ""),
        ),
    ]
    if sc.population.scale != 1:
        lines.append(
            tr(
                "cover.scaled",
                lang,
                sim_n=f"{s['simulated_firms_n']:,}",
                n=f"{s['firms_n']:,.0f}",
                scale=f"{sc.population.scale:g}",
            )
        )
    lines.append(tr("cover.one_path", lang))
    fig.text(0.06, 0.90, "\n".join(lines), fontsize=9, va="top")
    ax = fig.add_axes((0.06, 0.05, 0.88, 0.68))
    ax.set_axis_off()
    rows = cover_rows(result, lang)
    table = ax.table(
        cellText=[[k, v] for k, v in rows],
        colLabels=[tr("cover.col_figure", lang), tr("cover.col_value", lang)],
        colWidths=[0.55, 0.45],
        loc="upper center",
        cellLoc="left",
    )
    # optional measures add rows: keep the table on the page
    style_table(table, fontsize=9, row_scale=min(1.35, 1.35 * 23 / len(rows)))


def _has_pool(result: RunResult) -> bool:
    return bool(result.quotas["kind"].isin(["bank_quota", "loan_pool"]).any())


def _has_measure_accounts(result: RunResult) -> bool:
    kinds = [acc.kind for _, acc in reported_accounts() if acc.plot]
    return bool(result.quotas["kind"].isin(kinds).any())


def _has_zones(result: RunResult) -> bool:
    return bool((result.quotas["kind"] == "zone_budget").any())


def _has_relief_by_bearer(result: RunResult) -> bool:
    s = result.summary_values
    return (
        "relief_total_amount" in s and s["relief_paid_amount"] == 0 and s["relief_total_amount"] > 0
    )


def _has_refusals(result: RunResult) -> bool:
    return bool(result.applications["outcome"].astype(str).str.startswith("refused").any())


def _panels(result: RunResult, lang: str, panels: list[tuple[Any, bool, float]]) -> Any:
    """A page drawing the panels whose condition holds, stacked, with their heights; None
    when none holds (the page is left out)."""
    shown = [(plot, height) for plot, keep, height in panels if keep]
    if not shown:
        return None

    def draw(fig: Figure) -> None:
        axes = fig.subplots(
            len(shown), 1, squeeze=False, gridspec_kw={"height_ratios": [h for _, h in shown]}
        )[:, 0]
        for ax, (plot, _) in zip(axes, shown, strict=True):
            plot(ax, result, lang=lang)

    return draw


def _pages(result: RunResult, lang: str = "en") -> list[tuple[str, Any]]:
    """(file stem, function drawing into a new Figure) for each report page: a panel
    with nothing to show is left out, and so is a page with no panel left."""
    s = result.summary_values
    approved = s["approved_n"] > 0

    def zones(fig: Figure) -> None:
        if _has_relief_by_bearer(result):
            # no zone budget paid anything: who bore the relief, not the budgets' levels
            plot_relief_by_bearer(fig.subplots(), result, lang=lang)
            return
        ax1, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1]})
        plot_zone_levels(ax1, result, lang=lang)
        plot_relief_by_zone(ax2, result, lang=lang)

    pages = [
        ("answer", lambda fig: draw_answer(fig, result, lang)),
        ("cover", lambda fig: _cover(fig, result, lang)),
        (
            "who",
            (lambda fig: draw_who_gets_what(fig, result, lang))
            if shown_breakdowns(result)
            else None,
        ),
        (
            "uptake",
            _panels(
                result,
                lang,
                [(plot_uptake, s["applications_n"] > 0, 1), (plot_disbursed, approved, 1)],
            ),
        ),
        (
            "quotas",
            _panels(
                result,
                lang,
                [
                    (plot_pool_levels, _has_pool(result), 1),
                    (plot_measure_levels, _has_measure_accounts(result), 1),
                    (plot_capacity, True, 1),
                ],
            ),
        ),
        ("zones", zones if _has_zones(result) or _has_relief_by_bearer(result) else None),
        (
            "savings",
            _panels(
                result,
                lang,
                [
                    (plot_savings_by_category, not result.savings.empty, 1),
                    (plot_savings_over_time, s["savings_total_amount"] > 0, 1.1),
                ],
            ),
        ),
        (
            "refusals",
            _panels(
                result,
                lang,
                [
                    (
                        plot_needs_funnel,
                        bool(result.needs.drop(columns="tier").to_numpy().sum() > 0),
                        1,
                    ),
                    (plot_refusals, _has_refusals(result), 1),
                ],
            ),
        ),
        *static_pages(lang),
    ]
    return [(stem, draw) for stem, draw in pages if draw is not None]


def static_pages(lang: str = "en") -> list[tuple[str, Any]]:
    """The pages of a run report that do not depend on the run, only on its language (the
    glossary): ``(stem, draw)`` pairs, which the writer started ahead of the run draws
    while the model runs (:func:`sim.reporting.pages.draw_ahead`)."""
    return [("glossary", lambda fig: draw_glossary(fig, lang))]


def write_report(
    result: RunResult,
    folder: str | Path,
    *,
    dpi: int = 110,
    lang: str = "en",
    processes: int | None = None,
    drawn: Mapping[str, Drawn] | None = None,
) -> list[Path]:
    """Write ``report.pdf`` and ``figures/<page>.png`` for a run into ``folder``.

    Parameters
    ----------
    result
        The run to report.
    folder
        Output folder (created if needed).
    dpi
        Resolution of the PNG files.
    lang
        Language of the report: ``en`` or ``zh`` (needs a CJK font, see
        :mod:`sim.reporting.fonts`).
    processes
        Processes to draw the pages with, 1 or 2 (default: as
        :func:`sim.reporting.pages.write_pages` decides).
    drawn
        Pages of :func:`static_pages` drawn ahead in ``lang`` at ``dpi``
        (:func:`sim.reporting.pages.draw_ahead`), taken as they are.

    Returns
    -------
    list of pathlib.Path
        The files written, the PDF first.

    Raises
    ------
    sim.errors.ReportError
        For an unknown language, or ``zh`` without a CJK font installed.
    """
    import matplotlib

    from ..errors import ReportError

    try:
        check_lang(lang)
    except ValueError as exc:
        raise ReportError(str(exc)) from None
    sc = result.scenario
    with matplotlib.rc_context(
        report_rc(lang, (sc.name, sc.description or "", sc.description_zh if lang == "zh" else ""))
    ):
        return write_pages(_pages(result, lang), folder, dpi=dpi, processes=processes, drawn=drawn)
