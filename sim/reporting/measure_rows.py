"""Measure rows: the headline rows the measures declare, written in a language.

Public names: :class:`Formatter`, :func:`headline_rows`, :func:`fiscal_label`,
:data:`ACCOUNT_ROWS_BELOW`.

The measures declare their rows (:class:`sim.model.instruments.Headline`, read with
:func:`sim.model.instruments.headlines`); this module writes them for the report cover,
the terminal summary and the tuner, and the label of the fiscal cost from the terms of
the measures a scenario has (:func:`sim.model.instruments.fiscal_label_keys`). No
measure is named here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..model.instruments import fiscal_label_keys, headlines
from ..scenario import Scenario
from .formatting import format_count, format_money
from .i18n import code_label, tr

__all__ = ["ACCOUNT_ROWS_BELOW", "Formatter", "fiscal_label", "headline_rows"]

#: On the cover, the measures' rows with an order below this stand with the accounts
#: (after the pool's use); the others with the money (after the unmet demand).
ACCOUNT_ROWS_BELOW = 100.0


@dataclass(frozen=True)
class Formatter:
    """Writes headline values in a language (:class:`sim.model.instruments.HeadlineFormat`).

    Parameters
    ----------
    lang
        Language of the texts.
    currency
        Currency of the amounts.
    start_date
        First day of the horizon (days are shown with their dates).
    """

    lang: str
    currency: str
    start_date: Any

    def amount(self, value: Any) -> str:
        """An amount with its currency, in short form."""
        return format_money(value, self.currency, self.lang)

    def count(self, value: Any) -> str:
        """A count with thousands separators."""
        return format_count(value)

    def day(self, value: Any) -> str:
        """``day d (date)``, or n/a when nothing happened."""
        if value is None:
            return tr("na", self.lang)
        date = pd.Timestamp(self.start_date) + pd.Timedelta(days=int(value))
        return tr("day_date", self.lang, d=int(value), date=f"{date:%Y-%m-%d}")

    def share(self, value: Any) -> str:
        """A share as a percentage with one decimal."""
        if value is None:
            return tr("na", self.lang)
        return f"{100 * value:.1f}{'%' if self.lang == 'zh' else ' %'}"  # 75.0% in Chinese

    def text(self, key: str, /, **fields: object) -> str:
        """The text ``key`` in the language."""
        return tr(key, self.lang, **fields)

    def code(self, code: str) -> str:
        """A model code as words."""
        return code_label(code, self.lang)


def headline_rows(
    summary: Mapping[str, Any],
    scenario: Scenario,
    place: str,
    lang: str = "en",
    *,
    below: float | None = None,
    above: float | None = None,
) -> list[tuple[str | None, str]]:
    """The measures' headline rows for ``place``, as ``(label text, value text)``.

    Parameters
    ----------
    summary
        A run's summary (:meth:`sim.RunResult.summary_dict`).
    scenario
        The run's scenario.
    place
        ``cover``, ``terminal``, ``workbook`` or ``tuner``.
    lang
        Language of the texts.
    below, above
        Keep only the rows whose order is below ``below`` / at least ``above``.

    Returns
    -------
    list of (str or None, str)
        The rows shown for this run, in their declared order; the label is None for a
        row that is a sentence of its own.
    """
    fmt = Formatter(lang, summary["currency"], scenario.horizon.start_date)
    rows: list[tuple[str | None, str]] = []
    for h in headlines(place):
        if (below is not None and h.order >= below) or (above is not None and h.order < above):
            continue
        if h.shown(summary, scenario):
            label = None if h.label is None else tr(h.label, lang)
            rows.append((label, h.text(fmt, summary, scenario)))
    return rows


def fiscal_label(scenario: Scenario, lang: str = "en") -> str:
    """Label of the fiscal cost naming the terms it adds, those of the measures the
    scenario has (``Fiscal cost (subsidy + relief + awards + net guarantee loss)``)."""
    terms = " + ".join(tr(k, lang) for k in fiscal_label_keys(scenario))
    return tr("h.fiscal_of", lang, terms=terms)
