"""Formatting of amounts and counts for reports and terminal summaries (no matplotlib).

Public names: :func:`format_money`, :func:`format_count`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["format_count", "format_money"]


def format_money(x: float | None, currency: str = "") -> str:
    """Short human form of an amount: ``412.3 bn``, ``2.61 m``, ``950 k``."""
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return "n/a"
    sign = "-" if x < 0 else ""
    x = abs(float(x))
    for div, suf in ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if x >= div:
            v = x / div
            txt = f"{v:.3g}" if v < 100 else f"{v:,.0f}"
            return f"{sign}{txt} {suf}" + (f" {currency}" if currency else "")
    return f"{sign}{x:,.0f}" + (f" {currency}" if currency else "")


def format_count(x: float | None) -> str:
    """A count with thousands separators, ``n/a`` when missing."""
    return "n/a" if x is None else f"{x:,.0f}"
