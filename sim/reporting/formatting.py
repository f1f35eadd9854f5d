"""Formatting of amounts and counts for reports and terminal summaries (no matplotlib).

Public names: :func:`format_money`, :func:`format_count`, :func:`format_value`,
:func:`format_difference`, :func:`format_lever`, :func:`replication_rows`,
:func:`lever_scale`, :func:`day_shown`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .i18n import tr

__all__ = [
    "day_shown",
    "lever_scale",
    "format_count",
    "format_difference",
    "format_lever",
    "format_money",
    "format_value",
    "replication_rows",
]

#: the days a replications table gives after the headline figures
_RAN_OUT_DAYS = (
    "pool_exhausted_day",
    "first_bank_quota_exhausted_day",
    "credit_sub_quota_exhausted_day",
)


def day_shown(key: str, summary: Mapping[str, Any]) -> str:
    """``key``, or for an account that is a target (it never runs out) the day it was
    reached (``pool_exhausted_day`` -> ``pool_target_reached_day``)."""
    from ..experiments.tasks import EXHAUSTION_QUOTAS, account_day

    label = next((k for k, day in EXHAUSTION_QUOTAS.items() if day == key), None)
    return key if label is None else account_day(label, summary)[1]


def format_money(x: float | None, currency: str = "", lang: str = "en") -> str:
    """Short human form of an amount.

    Parameters
    ----------
    x
        The amount (``None`` or NaN: missing).
    currency
        Currency code appended in English (``412 bn CNY``); Chinese amounts are in yuan
        (元) whatever the code.
    lang
        ``en``: ``412 bn``, ``2.61 m``, ``950 k``. ``zh``: ``1770亿元``, ``2,600万元``,
        ``950元``.

    Returns
    -------
    str
        The amount as text.
    """
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return "无" if lang == "zh" else "n/a"
    sign = "-" if x < 0 else ""
    x = abs(float(x))
    if lang == "zh":
        return sign + _money_zh(x)
    for div, suf in ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if x >= div:
            v = x / div
            txt = f"{v:.3g}" if v < 100 else f"{v:,.0f}"
            return f"{sign}{txt} {suf}" + (f" {currency}" if currency else "")
    return f"{sign}{x:,.0f}" + (f" {currency}" if currency else "")


def _money_zh(x: float) -> str:
    for div, suf in ((1e12, "万亿元"), (1e8, "亿元"), (1e4, "万元")):
        if x >= div:
            v = x / div
            txt = f"{v:.3g}" if v < 100 else f"{v:,.0f}"
            return f"{txt}{suf}"
    return f"{x:,.0f}元"


def format_count(x: float | None) -> str:
    """A count with thousands separators, ``n/a`` when missing."""
    return "n/a" if x is None else f"{x:,.0f}"


def format_value(metric: str, x: Any, currency: str = "", lang: str = "en") -> str:
    """Format a figure by its kind: money, share (%), day, or count.

    Parameters
    ----------
    metric
        The figure's key (its suffix decides the kind: ``_amount``, ``_rate``/``_share``,
        ``_day``, else a count).
    x
        The value (``None``/NaN gives ``n/a``).
    currency
        Currency code appended to money.
    lang
        ``en`` or ``zh`` (money in 万元/亿元, days as 第N天).

    Returns
    -------
    str
    """
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return tr("na", lang)
    if metric.endswith("_amount"):
        return format_money(x, currency, lang)
    if metric.endswith(("_rate", "_share")):
        return tr("x.pct", lang, v=f"{100 * x:.1f}")
    if metric.endswith("_day"):
        return tr("day", lang, d=f"{x:,.0f}")
    return f"{x:,.0f}" if abs(x) >= 100 or x == int(x) else f"{x:,.2f}"


def format_difference(metric: str, x: Any, currency: str = "", lang: str = "en") -> str:
    """Like :func:`format_value`, with a sign; shares in percentage points, days as days."""
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return tr("na", lang)
    sign = "+" if x > 0 else ("-" if x < 0 else "±")
    if metric.endswith(("_rate", "_share")):
        return sign + tr("x.pp", lang, v=f"{abs(100 * x):.2f}")
    if metric.endswith("_day"):
        return sign + tr("x.days", lang, v=f"{abs(x):,.1f}")
    return sign + format_value(metric, abs(x), currency, lang)


def lever_scale(top: float, lang: str = "en") -> tuple[float, str]:
    """Divisor and axis suffix of lever values of size ``top``: bn/m, or 亿/万 in Chinese."""
    if lang == "zh":
        steps = ((1e12, "x.lever_tn"), (1e8, "x.lever_bn"), (1e4, "x.lever_m"))
    else:
        steps = ((1e9, "x.lever_bn"), (1e6, "x.lever_m"))
    for div, key in steps:
        if top >= div:
            return div, tr(key, lang)
    return 1.0, ""


def format_lever(v: Any, lang: str = "en") -> str:
    """A lever value in short form: money-sized numbers as ``30 m`` (``3000万元``), others as they are."""
    if isinstance(v, float | int) and abs(v) >= 1e3:
        return format_money(v, lang=lang)
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def replication_rows(
    summary: Mapping[str, Any], keys: Sequence[str], lang: str = "en"
) -> list[tuple[str, str, str, str]]:
    """The rows of a replications table: the report's cover and the terminal's alike.

    Parameters
    ----------
    summary
        :meth:`sim.experiments.ExperimentResult.summary_dict` (means with ``_p05`` and
        ``_p95``; for a day, the share of runs where it happened, ``<name>_share``).
    keys
        The headline figures; the pool, first lender quota and credit sub-quota days
        follow them. The day an account ran out is replaced by the day its target was
        reached when the account is a target (``summary["pool_kind"] == "target"``...).
    lang
        Language of the texts.

    Returns
    -------
    list of tuple
        ``(key, mean, p05, p95)`` as texts; a day's middle text is the share of runs
        where the account ran out (a target: was reached) and the mean day of those runs.
    """
    cur = summary.get("currency", "")
    rows = []
    for k in [*keys, *(d for d in _RAN_OUT_DAYS if d not in keys)]:
        k = day_shown(k, summary)
        if k.endswith("_day"):
            share = summary[k[: -len("_day")] + "_share"]
            said = "rep.reached" if k.endswith("_target_reached_day") else "rep.ran_out"
            mid = tr(said, lang, pct=f"{100 * share:.0f}")
            if summary[k] is not None:
                mid += tr("rep.mean_day", lang, d=f"{summary[k]:,.0f}")
            rows.append(
                (
                    k,
                    mid,
                    format_value(k, summary[f"{k}_p05"], lang=lang),
                    format_value(k, summary[f"{k}_p95"], lang=lang),
                )
            )
        else:
            rows.append(
                (
                    k,
                    format_value(k, summary[k], cur, lang),
                    format_value(k, summary[f"{k}_p05"], cur, lang),
                    format_value(k, summary[f"{k}_p95"], cur, lang),
                )
            )
    return rows
