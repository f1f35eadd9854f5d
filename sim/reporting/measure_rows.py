"""Headline rows of the cover page for the guarantee rules and the relief channels.

Public names: :func:`guarantee_rows`, :func:`relief_rows`. The rows appear only when a
scenario sets an option of docs/model.md 2.8a or 2.13a, so other reports are unchanged.
"""

from __future__ import annotations

import pandas as pd

from ..results import RunResult
from .formatting import format_count, format_money
from .i18n import code_label, tr

__all__ = ["guarantee_rows", "relief_rows"]


def _fmt_day(result: RunResult, day: int | None, lang: str) -> str:
    """``day d (date)``, or n/a when nothing happened."""
    if day is None:
        return tr("na", lang)
    date = pd.Timestamp(result.scenario.horizon.start_date) + pd.Timedelta(days=int(day))
    return tr("day_date", lang, d=day, date=f"{date:%Y-%m-%d}")


def guarantee_rows(result: RunResult, lang: str = "en") -> list[tuple[str, str]]:
    """Rows on the guarantee rules, when a scenario sets one (docs/model.md 2.8a)."""
    s = result.summary_values
    g = result.scenario.guarantee
    if g is None or "guarantee_claim_rate" not in s:
        return []
    rate = s["guarantee_claim_rate"]
    rows = [
        (
            "h.guarantee_rules",
            tr(
                "h.guarantee_rules_value",
                lang,
                mode=code_label(g.mode, lang),
                sharing=code_label(g.risk_sharing, lang),
                claim_rate=tr("na", lang) if rate is None else f"{100 * rate:.2f} %",
            ),
        ),
        ("h.guarantee_approvable", format_count(s["guaranteed_approvable_loans_n"])),
    ]
    if g.fee_subsidy_share > 0:
        rows.append(
            (
                "h.guarantee_fee_subsidy",
                format_money(s["guarantee_fee_subsidy_amount"], s["currency"], lang),
            )
        )
    if g.suspend_claim_rate is not None:
        first = _fmt_day(result, s["guarantee_first_suspension_day"], lang)
        rows.append(("h.guarantee_suspended", f"{s['guarantee_lenders_suspended_n']} ({first})"))
    return rows


def relief_rows(result: RunResult, lang: str = "en") -> list[tuple[str, str]]:
    """Relief paid; claims and tariff cuts apart (with who bears the cuts) when a category
    is a tariff cut."""
    s = result.summary_values
    m = lambda k: format_money(s[k], s["currency"], lang)  # noqa: E731
    if "relief_tariff_cut_amount" not in s:
        return [("h.relief", m("relief_paid_amount"))]
    by = ", ".join(
        f"{tr('bearer.' + b, lang)} {m(f'relief_tariff_cut_{b}_amount')}"
        for b in ("utilities", "carriers", "landlords")
        if s[f"relief_tariff_cut_{b}_amount"] > 0
    )
    return [
        ("h.relief_claim", m("relief_claim_amount")),
        (
            "h.tariff_cut",
            tr("h.tariff_cut_value", lang, total=m("relief_tariff_cut_amount"), by=by),
        ),
    ]
