"""Formatting of amounts and counts for reports and terminal summaries (no matplotlib).

Public names: :func:`format_money`, :func:`format_count`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["format_count", "format_money"]


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
