"""Answer page of a run report: the run's results said in a few plain sentences, its
warnings, one chart of savings and fiscal cost by measure; and the glossary page.

Public names: :func:`answer_sentences`, :func:`answer_warnings`,
:func:`plot_cost_by_measure`, :func:`glossary`, :func:`draw_answer`,
:func:`draw_glossary`, :func:`wrap_text`, :data:`PENDING_WARN_SHARE`, :data:`THIN_CASES`.

The sentences are built from the summary, the ``quotas`` table and
:attr:`sim.results.RunResult.by_measure`, never from the scenario's name: a sentence
whose figures a run does not have is left out (no renewals, nothing additional, no
guarantee). Every text is a catalogue template (``answer.*``, ``glossary.*`` in
``sim/texts``); the code picks the template and fills in the numbers.
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .. import texts
from ..results import RunResult
from .formatting import format_count, format_money
from .i18n import code_label, tr
from .measure_rows import headline_rows
from .run_accounts import pool_reached_day

__all__ = [
    "PENDING_WARN_SHARE",
    "THIN_CASES",
    "answer_sentences",
    "answer_warnings",
    "draw_answer",
    "draw_glossary",
    "glossary",
    "plot_cost_by_measure",
    "wrap_text",
]

#: Applications still pending at the horizon, as a share of applications, above which
#: the answer page warns that the figures are cut short by the lenders' capacity.
PENDING_WARN_SHARE = 0.05

#: Fewest simulated cases a ratio rests on before the answer page calls it thin.
THIN_CASES = 30

#: Kinds of account the sentences name one by one (bank quotas and zone budgets are
#: counted, the pool has its own sentence).
_COUNTED_KINDS = ("bank_quota", "zone_budget", "loan_pool")

#: Glossary entries, in the order of the cover (keys ``glossary.<entry>`` and
#: ``glossary.<entry>.term`` of the catalogue).
_GLOSSARY = (
    "eligible",
    "uptake",
    "approval",
    "pending",
    "refused",
    "kinds",
    "hard",
    "target",
    "revolving",
    "markers",
    "new_money",
    "renewal",
    "no_principal",
    "additional",
    "anyway",
    "deadweight",
    "loan_types",
    "unmet",
    "claim_rate",
    "savings",
    "fiscal_cost",
    "bearers",
    "time",
    "per_additional",
    "concentration",
    "appropriation",
    "one_path",
)


def _pct(v: float | None, lang: str) -> str:
    return tr("na", lang) if v is None else tr("x.pct", lang, v=f"{100 * v:.0f}")


def _date(result: RunResult, day: int | None, lang: str) -> str:
    """A day of the run as a date in words (``28 Sep 2025``, ``2025年9月28日``)."""
    when = pd.Timestamp(result.scenario.horizon.start_date) + pd.Timedelta(days=int(day or 0))
    return tr("answer.date", lang, y=when.year, m=when.month, d=when.day)


def _measure_name(section: str, lang: str) -> str:
    key = f"msg.measure.{section}"
    return texts.text(key, lang) if texts.has_text(key, lang) else section.replace("_", " ")


def _account_name(row: pd.Series, lang: str) -> str:
    key = f"msg.answer.account.{row['kind']}"
    if texts.has_text(key, lang):
        return texts.text(key, lang)
    return code_label(str(row["account"]), lang)


def _lending(result: RunResult, lang: str) -> list[str]:
    s, cur = result.summary_values, result.scenario.currency
    m = lambda k: format_money(s.get(k), cur, lang)  # noqa: E731
    out = [
        tr(
            "answer.lent",
            lang,
            amount=m("disbursed_amount"),
            loans=format_count(s["approved_n"]),
            firms=format_count(s["borrower_firms_n"]),
            uptake=_pct(s["uptake_rate"], lang),
            eligible=format_count(s["eligible_firms_n"]),
        )
    ]
    disbursed = s["disbursed_amount"] or 0.0
    renewals = s.get("programme_renewal_amount") or 0.0
    if renewals > 0:
        out.append(
            tr(
                "answer.split",
                lang,
                new=m("programme_new_amount"),
                new_pct=_pct(s["programme_new_amount"] / disbursed, lang),
                renewals=m("programme_renewal_amount"),
                no_principal=m("programme_no_principal_amount"),
            )
        )
    additional = s.get("additional_loans_amount") or 0.0
    if disbursed > 0:
        key = "answer.additional" if additional > 0 else "answer.additional_none"
        out.append(
            tr(
                key,
                lang,
                amount=m("additional_loans_amount"),
                loans=format_count(s["additional_loans_n"]),
                pct=_pct(additional / disbursed, lang),
            )
        )
    return out


def _pool(result: RunResult, lang: str) -> list[str]:
    """The loan pool: reached (a target) or ran out (hard), and when."""
    s, sc, q = result.summary_values, result.scenario, result.quotas
    own = q[q["kind"] == "loan_pool"]
    if len(own):
        total = float(own["initial"].iloc[0])
    else:
        total = float(q.loc[q["kind"] == "bank_quota", "initial"].sum())
    if total <= 0:
        return []
    if sc.loan_pool.kind == "target":
        day = pool_reached_day(result)
        key = "answer.pool_reached" if day is not None else "answer.pool_not_reached"
    else:
        day = s["pool_exhausted_day"]
        key = "answer.pool_exhausted" if day is not None else "answer.pool_left"
    return [
        tr(
            key,
            lang,
            total=format_money(total, sc.currency, lang),
            date=_date(result, day, lang),
            used=_pct(s["pool_used_share"], lang),
        )
    ]


def _counted(result: RunResult, lang: str) -> list[str]:
    """Lender quotas and zone budgets, counted: how many ran out or were reached, and
    the first day."""
    q, sc = result.quotas, result.scenario
    out = []
    for kind in ("bank_quota", "zone_budget"):
        rows = q[q["kind"] == kind]
        if len(rows) < 2:  # one lender's quota is the pool itself
            continue
        target = kind == "bank_quota" and sc.loan_pool.quota_kind == "target"
        word = "reached" if target else "exhausted"
        days = rows["reached_on" if target else "exhausted_on"].dropna()
        if len(days):
            first = _date(result, int(days.min()), lang)
            out.append(tr(f"answer.{kind}.{word}", lang, k=len(days), n=len(rows), date=first))
        else:
            out.append(tr(f"answer.{kind}.none_{word}", lang, n=len(rows)))
    return out


def _other_accounts(result: RunResult, lang: str) -> list[str]:
    """Every other account: what ran out or reached its target, and when; what lasted."""
    q, cur = result.quotas, result.scenario.currency
    happened, lasted = [], []
    for _, row in q[~q["kind"].isin(_COUNTED_KINDS)].iterrows():
        name, total = _account_name(row, lang), format_money(row["initial"], cur, lang)
        for column, key in (
            ("exhausted_on", "answer.acct.exhausted"),
            ("reached_on", "answer.acct.reached"),
        ):
            day = row.get(column, pd.NA)
            if pd.notna(day):
                date = _date(result, int(day), lang)
                happened.append(tr(key, lang, name=name, total=total, date=date))
                break
        else:
            if row["account_kind"] != "target":
                lasted.append(tr("answer.acct.name_total", lang, name=name, total=total))
    out = []
    if happened:
        out.append(tr("answer.accounts", lang, items=tr("answer.item_sep", lang).join(happened)))
    if lasted:
        out.append(tr("answer.lasted", lang, items=tr("list_sep", lang).join(lasted)))
    return out


def _measures(result: RunResult, lang: str) -> list[str]:
    """What each measure did, in the sentences the measures declare for the answer page
    (:class:`sim.model.instruments.Headline` rows of the place ``answer``)."""
    rows = headline_rows(result.summary_values, result.scenario, "answer", lang)
    return [value if label is None else f"{label}: {value}" for label, value in rows]


def _money(result: RunResult, lang: str) -> list[str]:
    s, cur = result.summary_values, result.scenario.currency
    bm = result.by_measure
    sep = tr("list_sep", lang)
    m = lambda v: format_money(v, cur, lang)  # noqa: E731
    saved = [
        tr("answer.part", lang, name=_measure_name(r.measure, lang), amount=m(r.savings_amount))
        for r in bm.itertuples()
        if r.savings_amount != 0
    ]
    paid = [
        tr(
            "answer.part",
            lang,
            name=_measure_name(r.measure, lang),
            amount=m(r.fiscal_cost_amount),
        )
        for r in bm.itertuples()
        if r.fiscal_cost_amount != 0
    ]
    out = [
        tr(
            "answer.money",
            lang,
            savings=m(s["savings_total_amount"]),
            saved=sep.join(saved) or tr("na", lang),
            cost=m(s["fiscal_cost_amount"]),
            paid=sep.join(paid) or tr("na", lang),
        )
    ]
    dw_sub, dw_gua = s.get("deadweight_subsidy_share"), s.get("deadweight_guarantee_share")
    if dw_sub is not None and dw_gua is not None:
        out.append(
            tr("answer.deadweight_both", lang, sub=_pct(dw_sub, lang), gua=_pct(dw_gua, lang))
        )
    elif dw_sub is not None:
        out.append(tr("answer.deadweight_subsidy", lang, sub=_pct(dw_sub, lang)))
    elif dw_gua is not None:
        out.append(tr("answer.deadweight_guarantee", lang, gua=_pct(dw_gua, lang)))
    per_loan = s.get("fiscal_cost_per_additional_loan")
    if per_loan is not None:
        out.append(
            tr(
                "answer.per_additional",
                lang,
                per_loan=m(per_loan),
                per_yuan=f"{s['fiscal_cost_per_additional_yuan']:.3f}",
                cur=cur,
            )
        )
    top = s.get("savings_top10_share")
    if top is not None:
        out.append(
            tr("answer.concentration", lang, top=_pct(top, lang), gini=f"{s['savings_gini']:.2f}")
        )
    return out


def answer_sentences(result: RunResult, lang: str = "en") -> list[str]:
    """The answer in plain sentences: lending, what ran out or was reached, savings and
    fiscal cost by measure, deadweight, cost per additional loan, concentration.

    Parameters
    ----------
    result
        The run.
    lang
        Language of the sentences.

    Returns
    -------
    list of str
        One sentence (or two joined) per item, in reading order.
    """
    return [
        *_lending(result, lang),
        *_pool(result, lang),
        *_counted(result, lang),
        *_other_accounts(result, lang),
        *_measures(result, lang),
        *_money(result, lang),
    ]


def answer_warnings(result: RunResult, lang: str = "en") -> list[str]:
    """Warnings of the answer page: applications pending at the horizon above
    :data:`PENDING_WARN_SHARE` of applications, ratios resting on fewer than
    :data:`THIN_CASES` simulated loans, and the scenario's plausibility warnings
    (``result.meta["warnings"]``, as ``manifest.json`` keeps them).

    Parameters
    ----------
    result
        The run.
    lang
        Language of the warnings.

    Returns
    -------
    list of str
    """
    s = result.summary_values
    out = []
    apps = s["applications_n"] or 0.0
    if apps > 0 and s["pending_n"] / apps > PENDING_WARN_SHARE:
        out.append(
            tr(
                "answer.warn.pending",
                lang,
                pending=format_count(s["pending_n"]),
                apps=format_count(apps),
                pct=_pct(s["pending_n"] / apps, lang),
            )
        )
    a = result.applications
    ok = (a["outcome"] == "approved").to_numpy()
    n_add = int((ok & a["additional"].to_numpy(dtype=bool)).sum())
    if 0 < n_add < THIN_CASES:
        out.append(tr("answer.warn.thin_additional", lang, n=n_add, least=THIN_CASES))
    n_ok = int(ok.sum())
    if 0 < n_ok < THIN_CASES:
        out.append(tr("answer.warn.thin_loans", lang, n=n_ok, least=THIN_CASES))
    for note in result.meta.get("warnings", []):
        out.append(tr("answer.warn.scenario", lang, note=note))
    return out


def plot_cost_by_measure(ax: Axes, result: RunResult, lang: str = "en") -> list[Artist]:
    """Savings of firms and fiscal cost by measure (paired horizontal bars, in bn or m;
    亿元 or 万元).

    Nothing is drawn (and the axes are hidden) for a run whose measures saved and cost
    nothing.
    """
    bm = result.by_measure
    if bm.empty:
        ax.set_axis_off()
        return []
    cur = result.scenario.currency
    top = float(np.abs(bm[["savings_amount", "fiscal_cost_amount"]].to_numpy()).max())
    large = 1e8 if lang == "zh" else 1e9
    big, unit = (
        (large, "unit.bn") if top >= large else (large / 1e4 if lang == "zh" else 1e6, "unit.m")
    )
    names = [_measure_name(m, lang) for m in bm["measure"]]
    y = np.arange(len(bm))[::-1]
    saved = bm["savings_amount"].to_numpy() / big
    cost = bm["fiscal_cost_amount"].to_numpy() / big
    h = 0.38
    a = ax.barh(y + h / 2, saved, h, color="#2ca02c", label=tr("answer.chart.savings", lang))
    b = ax.barh(y - h / 2, cost, h, color="#d62728", label=tr("answer.chart.cost", lang))
    for yi, v in [*zip(y + h / 2, saved, strict=True), *zip(y - h / 2, cost, strict=True)]:
        ax.text(max(v, 0), yi, f" {v:,.2f}", va="center", fontsize=8)
    ax.set_yticks(y, names)
    right = max(float(np.max(saved, initial=0.0)), float(np.max(cost, initial=0.0)))
    if right > 0:  # room for the value written after the longest bar
        ax.set_xlim(right=right * 1.12)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel(tr(unit, lang, cur=cur))
    ax.set_title(tr("answer.chart.title", lang))
    ax.grid(alpha=0.3, axis="x")
    ax.legend(fontsize=8, loc="lower right")
    return [*a, *b]


def glossary(lang: str = "en") -> list[tuple[str, str]]:
    """The glossary: ``(term, explanation)`` for every term the cover uses."""
    return [(tr(f"glossary.{e}.term", lang), tr(f"glossary.{e}", lang)) for e in _GLOSSARY]


#: Punctuation that never begins a line of Chinese.
_CLOSING = "，。；：、）！？」』%"


def _wide(text: str) -> bool:
    return any("\u2e80" <= ch <= "\uffef" for ch in text)


def wrap_text(text: str, width: int) -> str:
    """Lines of at most ``width`` columns; Chinese (no spaces to break at) breaks between
    characters, a CJK character counting two columns, never inside a number or word."""
    if not _wide(text):
        return "\n".join(textwrap.wrap(text, width))
    lines, line, cols, last_break = [], "", 0, 0
    for ch in text:
        line += ch
        cols += 2 if _wide(ch) else 1
        if _wide(ch):
            last_break = len(line)
        if cols > width and last_break:
            lines.append(line[:last_break])
            line = line[last_break:]
            cols = sum(2 if _wide(c) else 1 for c in line)
            last_break = 0
    lines = [*lines, line] if line else lines
    for i in range(1, len(lines)):  # closing punctuation stays with what it closes
        while lines[i] and lines[i][0] in _CLOSING:
            lines[i - 1], lines[i] = lines[i - 1] + lines[i][0], lines[i][1:]
    return "\n".join(x for x in lines if x)


def _place(fig: Figure, y: float, text: str, size: float, **kw: Any) -> float:
    """Write ``text`` at height ``y`` (figure fraction) and return the height below it."""
    artist = fig.text(0.05, y, text, fontsize=size, va="top", **kw)
    box = artist.get_window_extent(renderer=fig.canvas.get_renderer())
    return y - box.height / fig.bbox.height - 0.35 * size / 72 / fig.get_figheight()


def draw_answer(fig: Figure, result: RunResult, lang: str = "en") -> None:
    """Draw the answer page: title, sentences, warnings, and the chart by measure."""
    sc = result.scenario
    fig.text(
        0.05, 0.96, tr("answer.title", lang, name=sc.name), fontsize=16, weight="bold", va="top"
    )
    sentences = answer_sentences(result, lang)
    warnings = answer_warnings(result, lang)
    size = 10 if len(sentences) + 2 * len(warnings) <= 16 else 9
    # columns that fit the page at that size (a CJK character counts two)
    width = (130 if lang == "zh" else 138) if size == 10 else (140 if lang == "zh" else 152)
    y = 0.9
    for text in sentences:
        y = _place(fig, y, wrap_text(text, width), size)
    if warnings:
        y = _place(
            fig, y - 0.005, tr("answer.warn.title", lang), size, weight="bold", color="#b35900"
        )
        for text in warnings:
            y = _place(fig, y, wrap_text(text, width), size, color="#b35900")
    if not result.by_measure.empty:
        top = min(y - 0.06, 0.45)
        ax = fig.add_axes((0.25, 0.07, 0.65, max(top - 0.07, 0.12)))
        plot_cost_by_measure(ax, result, lang=lang)


def draw_glossary(fig: Figure, lang: str = "en") -> None:
    """Draw the glossary page: every term of the cover, explained once."""
    from .pages import style_table

    fig.text(0.05, 0.96, tr("glossary.title", lang), fontsize=16, weight="bold", va="top")
    ax = fig.add_axes((0.05, 0.03, 0.9, 0.88))
    ax.set_axis_off()
    rows = glossary(lang)
    width = 125 if lang != "zh" else 110
    cells = [[wrap_text(t, 30), wrap_text(x, width)] for t, x in rows]
    table = ax.table(
        cellText=cells,
        colLabels=[tr("glossary.col_term", lang), tr("glossary.col_meaning", lang)],
        colWidths=[0.2, 0.8],
        loc="upper center",
        cellLoc="left",
    )
    style_table(
        table, fontsize=8.5 if lang == "zh" else 7.5, row_scale=1.25 if lang == "zh" else 1.0
    )
    for (r, _c), cell in table.get_celld().items():
        lines = max(c.count("\n") for c in cells[r - 1]) + 1 if r > 0 else 1
        cell.set_height(cell.get_height() * lines)
