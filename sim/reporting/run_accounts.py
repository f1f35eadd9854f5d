"""Run report: the accounts of the loan pool and guarantee, by kind (hard, target,
revolving): the quotas page title and the headline rows.

Public names: :func:`plot_capacity` (the lenders' review capacity over time); the rest
are helpers of :mod:`.run_report`, :func:`account_rows`, :func:`fmt_day`,
:func:`pool_title`.

"Exhausted" is only ever said of a hard or revolving account; of a target, the report
says "reached" and how far lending went beyond it.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes

from ..results import RunResult
from .axes import RGBA_GREY_05, date_axis, event_lines
from .formatting import format_money
from .i18n import tr


def fmt_day(result: RunResult, d: int | None, lang: str = "en", none: str = "not_exhausted") -> str:
    """``day d (date)`` of a run, or the text ``none`` names when the day never came."""
    if d is None:
        return tr(none, lang)
    date = pd.Timestamp(result.scenario.horizon.start_date) + pd.Timedelta(days=int(d))
    return tr("day_date", lang, d=d, date=f"{date:%Y-%m-%d}")


def pool_title(result: RunResult, lang: str) -> str:
    """Title of the pool page: the kind of the pool and of the lender quotas, and whether
    they were exhausted (hard, revolving) or reached (target)."""
    s, q = result.summary_values, result.quotas
    lp = result.scenario.loan_pool
    if lp.kind == "target":
        pool_day = pool_reached_day(result)
        pday = (
            tr("not_reached", lang)
            if pool_day is None
            else tr("pool.reached_day", lang, day=fmt_day(result, pool_day, lang))
        )
    elif s["pool_exhausted_day"] is None:
        pday = tr("not_exhausted", lang)
    else:
        pday = tr("pool.exhausted_day", lang, day=fmt_day(result, s["pool_exhausted_day"], lang))
    quotas = q[q["kind"] == "bank_quota"]
    if lp.quota_kind == "target":
        qtext = tr(
            "pool.quotas_reached", lang, ex=int(quotas["reached_on"].notna().sum()), n=len(quotas)
        )
    else:
        qtext = tr("pool.quotas_exhausted", lang, ex=s["bank_quotas_exhausted_n"], n=len(quotas))
    return tr(
        "pool.title_kinds",
        lang,
        pkind=tr(f"kind.{lp.kind}", lang),
        pday=pday,
        qkind=tr(f"kind.{lp.quota_kind}", lang),
        qtext=qtext,
    )


def pool_reached_day(result: RunResult) -> int | None:
    """Day the pool's target was reached: its own account's, else the lender quotas' sum."""
    s = result.summary_values
    if "pool_target_reached_day" in s:
        return s["pool_target_reached_day"]
    q = result.quotas
    own = q[q["kind"] == "loan_pool"]
    if len(own):
        d = own["reached_on"].iloc[0]
        return int(d) if pd.notna(d) else None
    rows = q[q["kind"] == "bank_quota"]
    total = result.levels[list(rows["account"])].sum(axis=1).to_numpy()
    scale = result.scenario.population.scale
    hit = (total <= 1e-6 * scale + 1e-9 * rows["initial"].sum()).nonzero()[0]
    return int(hit[0]) if hit.size else None


def account_rows(result: RunResult, lang: str = "en") -> list[tuple[str, str]]:
    """Headline rows of the pool, lender quotas and credit sub-quota: the kinds of the
    accounts, then for each the day it was exhausted (hard, revolving) or reached (target,
    with the amount beyond it). The measures' accounts follow on the cover as rows they
    declare."""
    s, sc, q = result.summary_values, result.scenario, result.quotas
    lp, g = sc.loan_pool, sc.guarantee
    cur = s["currency"]

    def kind(k: str | None, present: bool = True) -> str:
        return tr(f"kind.{k}", lang) if present and k else "-"

    def account(role: str) -> pd.Series | None:
        rows = q[q["kind"] == role]
        return rows.iloc[0] if len(rows) else None

    def reached(row: pd.Series | None) -> str:
        if row is None:
            return tr("na", lang)
        d = row["reached_on"]
        text = fmt_day(result, int(d) if pd.notna(d) else None, lang, "not_reached")
        return f"{text} ({format_money(row['overshoot'], cur, lang)})"

    quotas = q[q["kind"] == "bank_quota"]
    rows = [
        (
            "h.kinds",
            tr(
                "kinds.value",
                lang,
                pool=kind(lp.kind),
                quotas=kind(lp.quota_kind, len(quotas) > 0),
                credit=kind(lp.credit_sub_quota_kind, lp.credit_sub_quota is not None),
                guarantee=kind(g.kind if g is not None else None),
            ),
        )
    ]
    if lp.kind == "target":
        own = account("loan_pool")
        if own is not None:
            rows.append(("h.pool_target", reached(own)))
        else:
            over = max(-float(quotas["remaining"].sum()), 0.0)
            d = fmt_day(result, pool_reached_day(result), lang, "not_reached")
            rows.append(("h.pool_target", f"{d} ({format_money(over, cur, lang)})"))
    else:
        rows.append(("h.pool_exhausted", fmt_day(result, s["pool_exhausted_day"], lang)))
    if lp.quota_kind == "target":
        days = quotas["reached_on"].dropna()
        first = int(days.min()) if len(days) else None
        rows.append(
            (
                "h.quotas_target",
                tr(
                    "h.quotas_value",
                    lang,
                    ex=len(days),
                    n=len(quotas),
                    day=fmt_day(result, first, lang, "not_reached"),
                ),
            )
        )
    else:
        rows.append(
            (
                "h.quotas_exhausted",
                tr(
                    "h.quotas_value",
                    lang,
                    ex=s["bank_quotas_exhausted_n"],
                    n=s["bank_quotas_n"],
                    day=fmt_day(result, s["first_bank_quota_exhausted_day"], lang),
                ),
            )
        )
    if lp.credit_sub_quota_kind == "target" and lp.credit_sub_quota is not None:
        rows.append(("h.credit_sub_target", reached(account("credit_sub_quota"))))
    else:
        rows.append(
            ("h.credit_sub_quota", fmt_day(result, s["credit_sub_quota_exhausted_day"], lang))
        )
    # the measures' accounts follow (their headline rows: sim.model.instruments.headlines)
    return rows


def plot_capacity(ax: Axes, result: RunResult, lang: str = "en") -> list[Artist]:
    """Daily review capacity of the lenders that have joined, against applications
    submitted; shaded: a group's lenders joining; dotted: a named lender joining."""
    ts = result.timeseries
    dates = pd.DatetimeIndex(ts["date"])
    # 7-day means: with a calendar, days off would turn daily capacity into a solid band
    a = ax.plot(
        dates,
        ts["review_capacity_n"].rolling(7, min_periods=1).mean(),
        lw=1.5,
        label=tr("capacity.capacity", lang),
    )
    b = ax.plot(
        dates,
        ts["applications_n"].rolling(7, min_periods=1).mean(),
        lw=1.5,
        label=tr("capacity.submitted", lang),
    )
    banks = result.scenario.banks
    for lender in banks.lenders:
        if lender.join_day > 0:
            ax.axvline(dates[lender.join_day], color=RGBA_GREY_05, ls=":", lw=1)
            ax.annotate(
                tr(
                    "capacity.joins",
                    lang,
                    name=lender.name_zh if lang == "zh" and lender.name_zh else lender.name,
                ),
                (dates[lender.join_day], 1.0),
                xycoords=("data", "axes fraction"),
                fontsize=7,
                rotation=90,
                va="top",
                ha="right",
            )
    g = banks.group
    if g is not None and (g.join_day > 0 or g.onboarding_days > 1):
        last = min(g.join_day + g.onboarding_days - 1, len(dates) - 1)
        ax.axvspan(
            dates[g.join_day],
            dates[last],
            color="0.85",
            lw=0,
            label=tr("capacity.onboarding", lang, name=g.name, n=g.n),
        )
    ax.set_title(tr("capacity.title", lang))
    ax.set_ylabel(tr("capacity.ylabel", lang))
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    event_lines(ax, result.scenario, lang)
    date_axis(ax, lang)
    ax.legend(fontsize=8, loc="upper right")
    return [*a, *b]
