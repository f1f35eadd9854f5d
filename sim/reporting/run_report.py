"""Report: matplotlib figures of a run, written as PNG files and one multi-page PDF.

Public names: :func:`write_report`, :func:`plot_uptake`, :func:`plot_disbursed`,
:func:`plot_pool_levels`, :func:`plot_measure_levels`, :func:`plot_zone_levels`,
:func:`plot_savings_by_category`, :func:`plot_relief_by_zone`, :func:`plot_needs_funnel`,
:func:`plot_refusals`. Formatting is in :mod:`.formatting`, the page writer in
:mod:`.pages`.

Every ``plot_*`` function draws on an Axes it is given and returns the artists it
made; none uses pyplot's global state, so they work in notebooks and in the Agg
canvas used for files.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..results import RunResult
from .axes import RGBA_GREY_05, RGBA_GREY_LIGHT, RGBA_RED_09, date_axis, line_collection
from .formatting import format_count, format_money
from .pages import style_table, write_pages

__all__ = [
    "write_report",
    "plot_uptake",
    "plot_disbursed",
    "plot_pool_levels",
    "plot_measure_levels",
    "plot_zone_levels",
    "plot_savings_by_category",
    "plot_relief_by_zone",
    "plot_needs_funnel",
    "plot_refusals",
]

_TIER_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2"]
_REASON_COLOURS = {
    "refused_credit": "#d62728",
    "refused_quota": "#ff7f0e",
    "refused_credit_quota": "#bcbd22",
    "refused_guarantee": "#9467bd",
    "refused_firm_limit": "#8c564b",
}


def _fmt_day(result: RunResult, d: int | None) -> str:
    if d is None:
        return "not exhausted"
    date = pd.Timestamp(result.scenario.horizon.start_date) + pd.Timedelta(days=int(d))
    return f"day {d} ({date:%Y-%m-%d})"


def _dates(result: RunResult) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(result.timeseries["date"])


def plot_uptake(ax: Axes, result: RunResult) -> list[Artist]:
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
            dates, n_sub, ls="--", color=colour, lw=1.2, label=f"{tier}: applications"
        )
        artists += ax.plot(dates, n_ok, ls="-", color=colour, lw=2, label=f"{tier}: approved")
    ax.set_title("Uptake: cumulative applications and approvals by segment")
    ax.set_ylabel("applications (cumulative)")
    ax.grid(alpha=0.3)
    date_axis(ax)
    if artists:
        ax.legend(fontsize=8, loc="upper left")
    return artists


def plot_disbursed(ax: Axes, result: RunResult) -> list[Artist]:
    """Cumulative amount disbursed and guaranteed."""
    ts = result.timeseries
    cur = result.scenario.currency
    dates = _dates(result)
    a = ax.plot(dates, ts["disbursed_amount"].cumsum() / 1e9, lw=2, label="disbursed")
    b = ax.plot(dates, ts["guaranteed_amount"].cumsum() / 1e9, lw=2, label="guaranteed")
    ax.set_title("Loans disbursed and guaranteed (cumulative)")
    ax.set_ylabel(f"bn {cur}")
    ax.grid(alpha=0.3)
    date_axis(ax)
    ax.legend(fontsize=8, loc="upper left")
    return [*a, *b]


def _level_lines(
    ax: Axes, result: RunResult, accounts: list[str], labels: list[str], absolute: bool = False
) -> list[Artist]:
    q = result.quotas.set_index("account")
    lv = result.levels
    dates = _dates(result)[: len(lv)]
    artists: list[Artist] = []
    for acc, lab in zip(accounts, labels, strict=True):
        row = q.loc[acc]
        if absolute:
            y = lv[acc].to_numpy() / 1e9
        elif row["initial"] > 0:
            y = lv[acc].to_numpy() / row["initial"] * 100
        else:
            y = np.zeros(len(lv))
        (line,) = ax.plot(dates, y, lw=1.6, label=lab)
        artists.append(line)
        d = row["exhausted_on"]
        if pd.notna(d) and int(d) < len(dates):
            artists.append(
                ax.plot(
                    dates[int(d)], y[int(d)], marker="X", ms=9, color=line.get_color(), ls="none"
                )[0]
            )
    ax.axhline(0, color="black", lw=0.8)
    ax.set_ylabel(
        f"remaining, bn {result.scenario.currency}" if absolute else "remaining, % of initial"
    )
    ax.grid(alpha=0.3)
    date_axis(ax)
    return artists


def plot_pool_levels(ax: Axes, result: RunResult) -> list[Artist]:
    """Remaining share of every lender quota (or the shared pool); X marks exhaustion."""
    q = result.quotas
    rows = q[q["kind"].isin(["bank_quota", "loan_pool"])]
    rows = rows.sort_values("initial", ascending=False)
    named = rows.head(9)
    artists = _level_lines(
        ax,
        result,
        list(named["account"]),
        [a.replace("quota:", "") for a in named["account"]],
        absolute=True,
    )
    rest = rows.iloc[9:]
    if len(rest):
        share = result.levels[list(rest["account"])].to_numpy() / 1e9
        dates = _dates(result)[: len(share)]
        artists.append(line_collection(ax, dates, share, lw=0.5, colours=RGBA_GREY_LIGHT))
        n_ex = int(rest["exhausted_on"].notna().sum())
        artists.append(
            ax.plot(
                [],
                [],
                color="grey",
                lw=0.5,
                label=f"{len(rest)} smaller lenders ({n_ex} exhausted)",
            )[0]
        )
    s = result.summary_values
    ax.set_title(
        f"Loan pool quotas ({s['bank_quotas_exhausted_n']} of {max(s['bank_quotas_n'], 1)} "
        f"lender quotas exhausted; pool {_fmt_day(result, s['pool_exhausted_day'])}); X = exhausted"
    )
    ax.legend(fontsize=7, ncol=1, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return artists


def plot_measure_levels(ax: Axes, result: RunResult) -> list[Artist]:
    """Remaining share of the credit sub-quota, guarantee capacity and capital, awards, funds."""
    q = result.quotas
    kinds = ["credit_sub_quota", "guarantee_capacity", "guarantee_capital", "awards_budget", "fund"]
    rows = q[q["kind"].isin(kinds)]
    artists = _level_lines(ax, result, list(rows["account"]), list(rows["account"]))
    ax.set_title("Other accounts: remaining share over time (X = exhausted)")
    if artists:
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return artists


def plot_zone_levels(ax: Axes, result: RunResult) -> list[Artist]:
    """Every zone budget's remaining share; exhausted zones in red."""
    q = result.quotas
    rows = q[q["kind"] == "zone_budget"]
    artists: list[Artist] = []
    if rows.empty:
        ax.text(
            0.5,
            0.5,
            "no cost relief in this scenario",
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
    artists.append(ax.plot([], [], color="#d62728", label=f"exhausted ({ex.sum()})")[0])
    artists.append(ax.plot([], [], color="#7f7f7f", label=f"not exhausted ({(~ex).sum()})")[0])
    ax.set_title(f"Cost-relief budgets of {len(rows)} zones and clusters")
    ax.set_ylabel("remaining, % of initial")
    ax.grid(alpha=0.3)
    date_axis(ax)
    ax.legend(fontsize=8, loc="lower left")
    return artists


def plot_savings_by_category(ax: Axes, result: RunResult) -> list[Artist]:
    """Total savings of firms by category and segment (stacked bars)."""
    sv = result.savings
    scale = result.scenario.population.scale
    cur = result.scenario.currency
    if sv.empty:
        ax.text(0.5, 0.5, "no savings", ha="center", transform=ax.transAxes)
        return []
    tab = (
        sv.pivot_table(
            index="category", columns="tier", values="amount", aggfunc="sum", observed=False
        ).fillna(0.0)
        * scale
        / 1e9
    )
    bottom = np.zeros(len(tab))
    artists: list[Artist] = []
    for i, tier in enumerate(tab.columns):
        bars = ax.barh(
            tab.index.astype(str),
            tab[tier],
            left=bottom,
            color=_TIER_COLOURS[i % len(_TIER_COLOURS)],
            label=str(tier),
        )
        artists.extend(bars)
        bottom += tab[tier].to_numpy()
    for y, v in enumerate(bottom):
        ax.text(v, y, f" {v:.2f}", va="center", fontsize=8)
    ax.set_xlabel(f"bn {cur} over the horizon")
    ax.set_title("Cost savings of firms by category and segment")
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(alpha=0.3, axis="x")
    return artists


def plot_relief_by_zone(ax: Axes, result: RunResult, top: int = 25) -> list[Artist]:
    """Relief paid per zone against its budget, the ``top`` largest zones."""
    q = result.quotas
    rows = q[q["kind"] == "zone_budget"].copy()
    if rows.empty:
        ax.text(0.5, 0.5, "no cost relief in this scenario", ha="center", transform=ax.transAxes)
        ax.set_axis_off()
        return []
    rows = rows.sort_values("drawn", ascending=False).head(top)
    names = rows["account"].str.replace("zone:", "", regex=False)
    y = np.arange(len(rows))[::-1]
    a = ax.barh(y, rows["initial"] / 1e6, color="#dddddd", label="budget")
    colours = np.where(rows["exhausted_on"].notna(), "#d62728", "#2ca02c")
    b = ax.barh(y, rows["drawn"] / 1e6, color=colours, height=0.5, label="paid")
    ax.set_yticks(y, names, fontsize=7)
    ax.set_xlabel(f"m {result.scenario.currency}")
    ax.set_title(f"Relief paid vs budget: {len(rows)} zones paying most\n(red = exhausted)")
    ax.legend(fontsize=8, loc="lower right")
    return [*a, *b]


def plot_needs_funnel(ax: Axes, result: RunResult) -> list[Artist]:
    """What became of financing needs, by segment (stacked bars)."""
    nd = result.needs.set_index("tier")
    cols = [c for c in nd.columns if nd[c].sum() > 0]
    colours = {
        "applied": "#2ca02c",
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
            ax.barh(nd.index.astype(str), nd[c], left=left, color=colours.get(c), label=c)
        )
        left += nd[c].to_numpy()
    ax.set_title("Financing needs by segment: applied, declined, unaware, ineligible")
    ax.set_xlabel("needs over the horizon")
    ax.legend(fontsize=8, loc="lower right")
    return artists


def plot_refusals(ax: Axes, result: RunResult) -> list[Artist]:
    """Refused applications by reason and segment."""
    apps = result.applications
    scale = result.scenario.population.scale
    ref = apps[apps["outcome"].astype(str).str.startswith("refused")]
    if ref.empty:
        ax.text(0.5, 0.5, "no application was refused", ha="center", transform=ax.transAxes)
        return []
    tab = pd.crosstab(ref["tier"], ref["outcome"].astype(str)) * scale
    left = np.zeros(len(tab))
    artists: list[Artist] = []
    for c in tab.columns:
        artists.extend(
            ax.barh(tab.index.astype(str), tab[c], left=left, color=_REASON_COLOURS.get(c), label=c)
        )
        left += tab[c].to_numpy()
    ax.set_title("Who was refused and why")
    ax.set_xlabel("refused applications")
    ax.legend(fontsize=8, loc="lower right")
    return artists


# ------------------------------------------------------------------------- pages


def _headline_rows(result: RunResult) -> list[tuple[str, str]]:
    s = result.summary_values
    cur = s["currency"]
    m = lambda k: format_money(s[k], cur)  # noqa: E731
    pct = lambda v: "n/a" if v is None else f"{100 * v:.1f} %"  # noqa: E731
    return [
        (
            "Firms (eligible for the loan pool)",
            f"{format_count(s['firms_n'])} ({format_count(s['eligible_firms_n'])})",
        ),
        (
            "Applications / approved / pending",
            f"{format_count(s['applications_n'])} / {format_count(s['approved_n'])} / {format_count(s['pending_n'])}",
        ),
        (
            "Borrowing firms (uptake among eligible)",
            f"{format_count(s['borrower_firms_n'])} ({pct(s['uptake_rate'])})",
        ),
        ("Approval rate of decided applications", pct(s["approval_rate"])),
        (
            "Refused: credit / quota / guarantee",
            f"{format_count(s['refused_credit_n'])} / {format_count(s['refused_quota_n'])} / {format_count(s['refused_guarantee_n'])}",
        ),
        (
            "Disbursed (average loan)",
            f"{m('disbursed_amount')} ({format_money(s['avg_loan_amount'], cur)})",
        ),
        ("Loan pool used", pct(s["pool_used_share"])),
        ("Loan pool exhausted", _fmt_day(result, s["pool_exhausted_day"])),
        (
            "Lender quotas exhausted",
            f"{s['bank_quotas_exhausted_n']} of {s['bank_quotas_n']} (first: {_fmt_day(result, s['first_bank_quota_exhausted_day'])})",
        ),
        ("Credit-loan sub-quota exhausted", _fmt_day(result, s["credit_sub_quota_exhausted_day"])),
        ("Guarantee capacity exhausted", _fmt_day(result, s["guarantee_exhausted_day"])),
        ("Zone budgets exhausted", f"{s['zone_budgets_exhausted_n']} of {s['zone_budgets_n']}"),
        ("Unmet demand (refused for exhausted quotas)", m("unmet_demand_amount")),
        (
            "Guaranteed (loans)",
            f"{m('guaranteed_amount')} ({format_count(s['guaranteed_loans_n'])})",
        ),
        (
            "Interest saved by firms (city subsidy)",
            f"{m('interest_savings_amount')} ({m('interest_subsidy_amount')})",
        ),
        ("Guarantee fees saved", m("guarantee_fee_savings_amount")),
        ("Cost relief paid", m("relief_paid_amount")),
        (
            "Awards paid (firms certified)",
            f"{m('awards_paid_amount')} ({format_count(s['firms_promoted_n'])})",
        ),
        ("Fund investments", m("funds_invested_amount")),
        *(
            [("NPL risk compensation paid to banks", m("npl_compensation_paid_amount"))]
            if "npl_compensation_paid_amount" in s  # only when the measure runs
            else []
        ),
        ("Savings of firms, total", m("savings_total_amount")),
        ("Fiscal cost (subsidy + relief + awards + net guarantee loss)", m("fiscal_cost_amount")),
    ]


def _cover(fig: Figure, result: RunResult) -> None:
    sc = result.scenario
    s = result.summary_values
    fig.text(0.06, 0.95, f"smesim report: {sc.name}", fontsize=18, weight="bold", va="top")
    desc = "\n".join(textwrap.wrap(sc.description or "", 110))
    end = pd.Timestamp(sc.horizon.start_date) + pd.Timedelta(days=sc.horizon.days - 1)
    seed = result.meta.get("seed", sc.seed)
    lines = [
        desc,
        "",
        f"Horizon: {sc.horizon.start_date:%Y-%m-%d} to {end:%Y-%m-%d} ({sc.horizon.days} days).   "
        f"Currency: {sc.currency}.   Seed: {seed}.   smesim {result.meta.get('version', '')}",
    ]
    if sc.population.scale != 1:
        lines.append(
            f"SCALED: {s['simulated_firms_n']:,} simulated firms stand for {s['firms_n']:,.0f} "
            f"(scale {sc.population.scale:g}); counts and amounts below are scaled up."
        )
    lines.append(
        "One stochastic replication: read figures as one plausible path, not as a forecast."
    )
    fig.text(0.06, 0.90, "\n".join(lines), fontsize=9, va="top")
    ax = fig.add_axes((0.06, 0.05, 0.88, 0.68))
    ax.set_axis_off()
    rows = _headline_rows(result)
    table = ax.table(
        cellText=[[k, v] for k, v in rows],
        colLabels=["Headline figure", "Value"],
        colWidths=[0.55, 0.45],
        loc="upper center",
        cellLoc="left",
    )
    style_table(table, fontsize=9, row_scale=1.35)


def _pages(result: RunResult) -> list[tuple[str, Any]]:
    """(file stem, function drawing into a new Figure) for each report page."""

    def uptake(fig: Figure) -> None:
        ax1, ax2 = fig.subplots(2, 1)
        plot_uptake(ax1, result)
        plot_disbursed(ax2, result)

    def quotas(fig: Figure) -> None:
        ax1, ax2 = fig.subplots(2, 1)
        plot_pool_levels(ax1, result)
        plot_measure_levels(ax2, result)

    def zones(fig: Figure) -> None:
        ax1, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1]})
        plot_zone_levels(ax1, result)
        plot_relief_by_zone(ax2, result)

    def savings(fig: Figure) -> None:
        plot_savings_by_category(fig.subplots(1, 1), result)

    def refusals(fig: Figure) -> None:
        ax1, ax2 = fig.subplots(2, 1)
        plot_needs_funnel(ax1, result)
        plot_refusals(ax2, result)

    return [
        ("cover", lambda fig: _cover(fig, result)),
        ("uptake", uptake),
        ("quotas", quotas),
        ("zones", zones),
        ("savings", savings),
        ("refusals", refusals),
    ]


def write_report(result: RunResult, folder: str | Path, *, dpi: int = 110) -> list[Path]:
    """Write ``report.pdf`` and ``figures/<page>.png`` for a run into ``folder``.

    Parameters
    ----------
    result
        The run to report.
    folder
        Output folder (created if needed).
    dpi
        Resolution of the PNG files.

    Returns
    -------
    list of pathlib.Path
        The files written, the PDF first.
    """
    return write_pages(_pages(result), folder, dpi=dpi)
