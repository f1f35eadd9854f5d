"""Texts: the catalogue of every text smesim shows a reader, one data file per language.

Public names: :data:`LANGUAGES`, :data:`SECTIONS`, :func:`check_lang`, :func:`text`,
:func:`has_text`, :func:`section`, :func:`table`, :func:`catalogue`,
:func:`placeholders`, :func:`omitted_fields`, :func:`register_texts`,
:func:`unregister_texts`, :func:`registered_owners`.

The texts of reports, terminal summaries and the column dictionary live in
``sim/texts/en.yaml`` and ``sim/texts/zh.yaml`` (shipped as package data), read once on
first use and kept. A key is ``<section>.<name>``; the sections are

==========  ===============================================================
``msg``     report and terminal texts (:func:`sim.reporting.i18n.tr`)
``code``    model codes as words (:func:`sim.reporting.i18n.code_label`)
``figure``  headline figures as titles and table rows
``short``   headline figures in few words (bars, legends)
``column``  meanings of table columns and headline figures
            (:func:`sim.results.columns.describe`)
``unit``    unit names of the column dictionary
``field``   meanings of scenario fields, by dotted path (``*``: any entry),
            the comments of a starter scenario (``smesim new``)
==========  ===============================================================

A text is a :meth:`str.format` template: code holds keys and fields, never sentences.
Every key exists in every language with the same fields, except the fields a language
leaves out on purpose, listed in its file under ``omitted_fields`` (Chinese has no
plural ending; its amounts name 元 in words); ``tests/test_texts.py`` checks it.

Texts of a measure
------------------
A measure module declares its own texts (its columns' meanings, its figures' labels) in
both languages without editing the data files, by calling :func:`register_texts` at
import time::

    from sim.texts import register_texts

    register_texts(
        {
            "en": {
                "column.rd_credit_amount": "R&D tax credit granted. Scaled to the population.",
                "figure.rd_credit_amount": "R&D tax credit",
                "short.rd_credit_amount": "R&D credit",
            },
            "zh": {
                "column.rd_credit_amount": "研发费用税收抵免金额。已按总体规模放大。",
                "figure.rd_credit_amount": "研发税收抵免",
                "short.rd_credit_amount": "研发抵免",
            },
        },
        owner=__name__,
    )

Keys a measure uses: ``column.<figure>`` for a summary key and ``column.<table>.<column>``
for a table column (read by :func:`sim.results.columns.describe`), ``figure.<figure>``
and ``short.<figure>`` for its figure's words, ``code.<code>`` for a code a reader sees
(a savings category), ``msg.<name>`` for any other report text.

The call checks the mapping at once (every language, the same keys, the same fields, no
empty text, known sections) and refuses a key another owner already holds; a clash with
the data files is refused when the catalogue is read (or at once if it already is).
Registering the same texts again under the same owner (a module imported twice) is a
no-op; :func:`unregister_texts` takes an owner's texts out again (a throwaway measure
defined inside a test).
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping
from importlib import resources

import yaml

__all__ = [
    "LANGUAGES",
    "SECTIONS",
    "catalogue",
    "check_lang",
    "has_text",
    "omitted_fields",
    "placeholders",
    "register_texts",
    "registered_owners",
    "section",
    "table",
    "text",
    "unregister_texts",
]

#: Languages of the catalogue (one data file each); the first is the reference.
LANGUAGES: tuple[str, ...] = ("en", "zh")

#: Sections of the catalogue: the first part of every key.
SECTIONS: tuple[str, ...] = ("msg", "code", "figure", "short", "column", "unit", "field")

_OMITTED = "omitted_fields"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# lang -> section -> name -> text, filled on first use (files, then registered texts)
_loaded: dict[str, dict[str, dict[str, str]]] = {}
_omitted: dict[str, dict[str, frozenset[str]]] = {}
# texts registered by measures: lang -> full key -> text; key -> owner
_registered: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
_owners: dict[str, str] = {}
# (section, lang) -> read-only view of _loaded[lang][section] (the dicts live as long)
_views: dict[tuple[str, str], Mapping[str, str]] = {}


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a language of the catalogue; raise ``ValueError`` otherwise."""
    if lang not in LANGUAGES:
        raise ValueError(f"language: expected one of {', '.join(LANGUAGES)}, got {lang!r}")
    return lang


def placeholders(template: str) -> frozenset[str]:
    """The field names of a :meth:`str.format` template (``"{n} of {b.x}"`` -> n, b)."""
    return frozenset(
        name.split(".", 1)[0].split("[", 1)[0]
        for _, name, _, _ in string.Formatter().parse(template)
        if name is not None
    )


def _split(key: str) -> tuple[str, str]:
    sec, dot, name = key.partition(".")
    if not dot or sec not in SECTIONS or not name:
        raise ValueError(
            f"text key {key!r}: expected '<section>.<name>' with a section of {', '.join(SECTIONS)}"
        )
    return sec, name


def _read_file(lang: str) -> dict[str, dict[str, str]]:
    raw = resources.files(__name__).joinpath(f"{lang}.yaml").read_text(encoding="utf-8")
    doc = yaml.load(raw, Loader=_LOADER) or {}
    omitted = doc.pop(_OMITTED, None) or {}
    unknown = set(doc) - set(SECTIONS)
    if unknown:
        raise ValueError(f"sim/texts/{lang}.yaml: unknown sections {sorted(unknown)}")
    out: dict[str, dict[str, str]] = {}
    for sec in SECTIONS:
        out[sec] = dict(doc.get(sec) or {})
        for name, value in out[sec].items():
            if not isinstance(name, str) or not isinstance(value, str):
                # YAML reads an unquoted yes, no, 1.5 or null as another type: quote it
                raise ValueError(f"sim/texts/{lang}.yaml: {sec}.{name} is not a string")
    _omitted[lang] = {key: frozenset(fields) for key, fields in omitted.items()}
    return out


def _merge(loaded: dict[str, dict[str, str]], lang: str, key: str) -> None:
    sec, name = _split(key)
    texts = loaded[sec]
    if name in texts:
        raise ValueError(
            f"text {key!r} registered by {_owners[key]} is already in sim/texts/{lang}.yaml"
        )
    texts[name] = _registered[lang][key]


def _catalogue(lang: str) -> dict[str, dict[str, str]]:
    texts = _loaded.get(lang)
    if texts is None:
        texts = _read_file(lang)
        for key in _registered[lang]:
            _merge(texts, lang, key)
        _loaded[lang] = texts
    return texts


def section(name: str, lang: str = "en") -> Mapping[str, str]:
    """The texts of one section in ``lang``: name (without the section) -> template.

    Parameters
    ----------
    name
        One of :data:`SECTIONS`.
    lang
        One of :data:`LANGUAGES`.

    Returns
    -------
    Mapping[str, str]
        A live, read-only view (texts registered later appear in it).
    """
    view = _views.get((name, lang))
    if view is None:
        if name not in SECTIONS:
            raise ValueError(f"section: expected one of {', '.join(SECTIONS)}, got {name!r}")
        view = _views[name, lang] = _ReadOnly(_catalogue(check_lang(lang))[name])
    return view


def text(key: str, lang: str = "en", /, **fields: object) -> str:
    """The text ``key`` (``"msg.day"``) in ``lang``, with ``fields`` filled in.

    Raises
    ------
    KeyError
        When the catalogue has no such text.
    ValueError
        When ``lang`` is not a language of the catalogue, or ``key`` names no section.
    """
    texts = _loaded.get(lang) or _catalogue(check_lang(lang))
    sec, _, name = key.partition(".")
    try:
        template = texts[sec][name]
    except KeyError:
        _split(key)  # a key of no section: ValueError
        raise
    return template.format(**fields)


def has_text(key: str, lang: str = "en") -> bool:
    """Whether the catalogue has the text ``key`` (``"msg.series.pool_remaining"``)."""
    sec, name = _split(key)
    return name in _catalogue(check_lang(lang))[sec]


def catalogue(lang: str = "en") -> dict[str, str]:
    """Every text of ``lang`` by full key (``"msg.day"``), registered texts included."""
    texts = _catalogue(check_lang(lang))
    return {f"{sec}.{name}": value for sec in SECTIONS for name, value in texts[sec].items()}


def omitted_fields(lang: str) -> dict[str, frozenset[str]]:
    """Fields of the reference language's texts that ``lang`` leaves out on purpose, by key."""
    _catalogue(check_lang(lang))
    return dict(_omitted[lang])


def registered_owners() -> dict[str, str]:
    """Keys added by :func:`register_texts`, with the owner that added each."""
    return dict(_owners)


def _checked_keys(texts: Mapping[str, Mapping[str, str]], owner: str) -> set[str]:
    """The keys of a registration, once every check of :func:`register_texts` passed."""
    langs = set(texts)
    if langs != set(LANGUAGES):
        raise ValueError(
            f"texts of {owner}: expected the languages {', '.join(LANGUAGES)}, "
            f"got {', '.join(sorted(langs)) or 'none'}"
        )
    ref = LANGUAGES[0]
    keys = set(texts[ref])
    for lang in LANGUAGES:
        if set(texts[lang]) != keys:
            diff = sorted(keys ^ set(texts[lang]))
            raise ValueError(f"texts of {owner}: {lang!r} and {ref!r} differ in keys {diff}")
    for key in sorted(keys):
        _split(key)
        for lang in LANGUAGES:
            value = texts[lang][key]
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"texts of {owner}: {key!r} in {lang!r} is empty")
            if placeholders(value) != placeholders(texts[ref][key]):
                raise ValueError(
                    f"texts of {owner}: {key!r} has fields "
                    f"{sorted(placeholders(value))} in {lang!r} but "
                    f"{sorted(placeholders(texts[ref][key]))} in {ref!r}"
                )
        held = _owners.get(key)
        if held is not None and (
            held != owner or any(_registered[lang][key] != texts[lang][key] for lang in LANGUAGES)
        ):
            raise ValueError(f"text {key!r} of {owner} is already registered by {held}")
    _refuse_file_clash(keys, owner)
    return keys


def _refuse_file_clash(keys: set[str], owner: str) -> None:
    """Refuse a new key a data file already holds (files read so far)."""
    for key in sorted(keys - set(_owners)):
        sec, name = _split(key)
        for lang in LANGUAGES:
            if lang in _loaded and name in _loaded[lang][sec]:
                raise ValueError(
                    f"text {key!r} registered by {owner} is already in sim/texts/{lang}.yaml"
                )


def register_texts(texts: Mapping[str, Mapping[str, str]], *, owner: str) -> None:
    """Add texts to the catalogue, in every language at once.

    Parameters
    ----------
    texts
        Language -> full key (``"column.rd_credit_amount"``) -> template; every language
        of :data:`LANGUAGES`, each with the same keys and the same fields.
    owner
        Who declares them (a module's ``__name__``); named in errors.

    Raises
    ------
    ValueError
        A language is missing or unknown, the languages' keys or fields differ, a text is
        empty, a key has no known section, or a key is already held by another owner or
        by the data files.
    """
    keys = _checked_keys(texts, owner)
    for key in sorted(keys - set(_owners)):
        _owners[key] = owner
        for lang in LANGUAGES:
            _registered[lang][key] = texts[lang][key]
            if lang in _loaded:
                _merge(_loaded[lang], lang, key)


def unregister_texts(owner: str) -> list[str]:
    """Take the texts :func:`register_texts` added for ``owner`` out of the catalogue.

    Returns
    -------
    list[str]
        The keys removed.
    """
    keys = sorted(key for key, held in _owners.items() if held == owner)
    for key in keys:
        del _owners[key]
        sec, name = _split(key)
        for lang in LANGUAGES:
            del _registered[lang][key]
            if lang in _loaded:
                del _loaded[lang][sec][name]
    return keys


class _ReadOnly(Mapping[str, str]):
    """A read-only view of one section (no copy; registered texts show through)."""

    __slots__ = ("_data",)

    def __init__(self, data: dict[str, str]) -> None:
        self._data = data

    def __getitem__(self, key: str) -> str:
        return self._data[key]

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        return self._data.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


class _Table(Mapping[str, Mapping[str, str]]):
    """Language -> :func:`section` view; reads the files only when a language is asked."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __getitem__(self, lang: str) -> Mapping[str, str]:
        if lang not in LANGUAGES:
            raise KeyError(lang)
        return _LazySection(self._name, lang)

    def __iter__(self) -> Iterator[str]:
        return iter(LANGUAGES)

    def __len__(self) -> int:
        return len(LANGUAGES)


class _LazySection(Mapping[str, str]):
    """:func:`section`, read on first access (a module may hold one from import time)."""

    __slots__ = ("_lang", "_name")

    def __init__(self, name: str, lang: str) -> None:
        self._name, self._lang = name, lang

    def _texts(self) -> dict[str, str]:
        return _catalogue(self._lang)[self._name]

    def __getitem__(self, key: str) -> str:
        return self._texts()[key]

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        return self._texts().get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._texts()

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts())

    def __len__(self) -> int:
        return len(self._texts())


def table(name: str) -> Mapping[str, Mapping[str, str]]:
    """One section in every language: language -> name -> template (read on first access).

    The shape of the dictionaries of earlier releases (``MESSAGES["zh"]["day"]``), for
    code that iterates over languages.
    """
    if name not in SECTIONS:
        raise ValueError(f"section: expected one of {', '.join(SECTIONS)}, got {name!r}")
    return _Table(name)
