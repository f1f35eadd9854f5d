"""Savings over time: the figure of the savings page that shows when the money falls.

Public names: :func:`plot_savings_over_time`.

Savings of firms accrue over the loans' lives (:mod:`sim.results.money_over_time`):
the figure shows them cumulated within the horizon, with what the loans made within
it still bring after the horizon as a bracket at its end, the subsidy the city has paid,
and the day the subsidy appropriation ran out when it did.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes

from ..results import RunResult
from .axes import date_axis
from .formatting import format_money
from .i18n import tr

__all__ = ["plot_savings_over_time"]


def plot_savings_over_time(ax: Axes, result: RunResult, lang: str = "en") -> list[Artist]:
    """Cumulative savings of firms and subsidy paid; committed savings after the horizon."""
    ts, s = result.timeseries, result.summary_values
    cur = result.scenario.currency
    big = 1e8 if lang == "zh" else 1e9
    dates = pd.DatetimeIndex(ts["date"])
    saved = ts["savings_accrued_amount"].cumsum() / big
    artists: list[Artist] = []
    artists += ax.plot(dates, saved, lw=2, color="#2ca02c", label=tr("time.savings", lang))
    artists += ax.plot(
        dates,
        ts["interest_saving_accrued_amount"].cumsum() / big,
        lw=1.5,
        color="#1f77b4",
        label=tr("time.interest", lang),
    )
    artists += ax.plot(
        dates,
        ts["subsidy_paid_amount"].cumsum() / big,
        lw=1.5,
        ls="--",
        color="#9467bd",
        label=tr("time.subsidy_paid", lang),
    )
    committed = s["savings_total_committed_amount"] / big
    if len(dates) and committed > 0:
        end, top = dates[-1], float(saved.iloc[-1])
        artists.append(
            ax.annotate(
                "",
                xy=(end, top + committed),
                xytext=(end, top),
                arrowprops={"arrowstyle": "-|>", "color": "#2ca02c", "lw": 2},
            )
        )
        artists.append(
            ax.text(
                end,
                top + committed / 2,
                tr(
                    "time.committed",
                    lang,
                    v=format_money(s["savings_total_committed_amount"], cur, lang),
                )
                + "  ",
                ha="right",
                va="center",
                fontsize=8,
                color="#2ca02c",
            )
        )
    day = s.get("subsidy_budget_exhausted_day")
    if day is not None:
        when = dates[0] + pd.Timedelta(days=int(day))
        artists.append(ax.axvline(when, color="#b00000", lw=1))
        artists.append(
            ax.text(
                when,
                0.5,
                tr("time.exhausted", lang, d=day, date=f"{when:%Y-%m-%d}") + " ",
                transform=ax.get_xaxis_transform(),
                fontsize=8,
                color="#b00000",
                ha="right",
                va="center",
            )
        )
    ax.set_title(
        tr(
            "time.title",
            lang,
            h=format_money(s["savings_total_in_horizon_amount"], cur, lang),
            c=format_money(s["savings_total_committed_amount"], cur, lang),
            pv=format_money(s["savings_total_pv_amount"], cur, lang),
            r=f"{100 * result.scenario.rates.discount_rate:g}",
        )
    )
    ax.set_ylabel(tr("unit.bn", lang, cur=cur))
    ax.grid(alpha=0.3)
    date_axis(ax, lang)
    ax.legend(fontsize=8, loc="upper left")
    return artists
