"""Message lookup of reports and terminal summaries, in English and Chinese.

Public names: :data:`LANGUAGES`, :data:`MESSAGES`, :data:`CODE_LABELS`,
:data:`FIGURE_LABELS`, :data:`SHORT_LABELS`, :func:`tr`, :func:`code_label`,
:func:`figure_label`, :func:`short_label`, :func:`check_lang`, :func:`band_caution`,
:func:`morris_caution`, :func:`probability_caution`.

Every text a reader sees (page titles, axis labels, legends, table headers, units,
summary lines) is looked up here by message id; a message is a :meth:`str.format`
template. Codes of the model shown to readers (``refused_firm_limit``, ``relief_water``,
``credit_sub_quota``, ...) are turned into words by :func:`code_label`, summary figures
(``pool_exhausted_day``) by :func:`figure_label` and :func:`short_label`. The texts
themselves are data, in the catalogue :mod:`sim.texts` (``sim/texts/en.yaml``,
``zh.yaml``; sections ``msg``, ``code``, ``figure``, ``short``); :data:`MESSAGES`,
:data:`CODE_LABELS`, :data:`FIGURE_LABELS` and :data:`SHORT_LABELS` are read-only views
of those sections by language. The cautions on thin estimates (:func:`band_caution`, ...)
hold the logic of when and how to warn, their words are in the catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping

from .. import texts
from ..experiments.precision import (
    MIN_BAND_REPLICATIONS,
    MIN_MORRIS_TRAJECTORIES,
    MIN_PROBABILITY_REPLICATIONS,
)

__all__ = [
    "CODE_LABELS",
    "FIGURE_LABELS",
    "LANGUAGES",
    "MESSAGES",
    "SHORT_LABELS",
    "band_caution",
    "check_lang",
    "code_label",
    "figure_label",
    "morris_caution",
    "probability_caution",
    "short_label",
    "tr",
]

#: Languages of reports and terminal summaries.
LANGUAGES: tuple[str, ...] = texts.LANGUAGES

#: Report and terminal texts by language: ``MESSAGES[lang][msg_id]`` (section ``msg``).
MESSAGES: Mapping[str, Mapping[str, str]] = texts.table("msg")
#: Model codes as words by language (section ``code``).
CODE_LABELS: Mapping[str, Mapping[str, str]] = texts.table("code")
#: Headline figures as titles and table rows name them (section ``figure``).
FIGURE_LABELS: Mapping[str, Mapping[str, str]] = texts.table("figure")
#: Headline figures in few words: bars, small titles, legends (section ``short``).
SHORT_LABELS: Mapping[str, Mapping[str, str]] = texts.table("short")


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a known language; raise ``ValueError`` otherwise."""
    return texts.check_lang(lang)


def tr(msg_id: str, lang: str = "en", /, **fields: object) -> str:
    """The message ``msg_id`` in ``lang``, with ``fields`` filled in.

    Raises
    ------
    KeyError
        When the catalogue has no such message.
    """
    return texts.text(f"msg.{msg_id}", lang, **fields)


def code_label(code: str, lang: str = "en") -> str:
    """A model code as words (``refused_firm_limit`` -> ``firm limit`` / ``超出单户限额``).

    Codes the catalogue does not know (a scenario's own tier or zone names) are shown as
    they are.
    """
    return texts.section("code", lang).get(code) or code


def short_label(key: str, lang: str = "en") -> str:
    """Short words for a summary figure or code (bars, small titles, legends).

    Looked up in :data:`SHORT_LABELS`, then :data:`CODE_LABELS`; unknown keys lose their
    underscores (``a_b`` -> ``a b``).
    """
    return (
        texts.section("short", lang).get(key)
        or texts.section("code", lang).get(key)
        or key.replace("_", " ")
    )


def figure_label(key: str, lang: str = "en") -> str:
    """A headline figure's title words (:data:`FIGURE_LABELS`), else :func:`short_label`.

    Parameters
    ----------
    key
        A summary key, e.g. ``"pool_exhausted_day"``.
    lang
        ``en`` or ``zh``.

    Returns
    -------
    str
    """
    return texts.section("figure", lang).get(key) or short_label(key, lang)


def _plural(n: int, lang: str) -> str:
    return "" if n == 1 or lang != "en" else "s"


def band_caution(replications: int, lang: str = "en", what: str = "band") -> str | None:
    """:func:`sim.experiments.precision.band_warning` in ``lang`` (``what``: band, probability)."""
    if replications >= MIN_BAND_REPLICATIONS:
        return None
    return tr(
        "warn.few",
        lang,
        what=tr(f"warn.what_{what}", lang),
        n=replications,
        s=_plural(replications, lang),
        min=MIN_BAND_REPLICATIONS,
    )


def morris_caution(trajectories: int, lang: str = "en") -> str | None:
    """:func:`sim.experiments.precision.morris_warning` in ``lang``."""
    if trajectories >= MIN_MORRIS_TRAJECTORIES:
        return None
    return tr("warn.morris", lang, n=trajectories, min=MIN_MORRIS_TRAJECTORIES)


def probability_caution(replications: int, lang: str = "en") -> str | None:
    """:func:`sim.experiments.precision.probability_warning` in ``lang``."""
    if replications >= MIN_PROBABILITY_REPLICATIONS:
        return None
    return tr(
        "warn.probability",
        lang,
        n=replications,
        s=_plural(replications, lang),
        min=MIN_PROBABILITY_REPLICATIONS,
    )
