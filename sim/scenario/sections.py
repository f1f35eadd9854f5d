"""Sections: the registry of the scenario sections that measures declare.

Public names: :class:`Section`, :func:`register_section`, :func:`unregister_section`,
:func:`section_registered`, :func:`registered_sections`, :func:`load_measures`,
:data:`MEASURE_PACKAGES`.

A measure (a module of :mod:`sim.model.instruments`) registers its section when it is
imported: ``register_section("rd_tax_credit", RdTaxCredit, order=80)``. The
:class:`~sim.scenario.schema.Scenario` then validates that section (an optional one:
absent, it stays absent, also in a dumped scenario), and the messages and overrides of
the scenario layer know its keys, as they know the sections written in the schema.

The scenario layer does not import the model layer: before the first scenario is
validated, :func:`load_measures` imports the packages named in :data:`MEASURE_PACKAGES`
by name, so that their measures have registered their sections whichever way a program
starts (the command line, ``import sim``, a fresh interpreter that only loads a
scenario, a subprocess or Dask worker).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

__all__ = [
    "MEASURE_PACKAGES",
    "Section",
    "load_measures",
    "register_section",
    "registered_sections",
    "section_registered",
    "unregister_section",
]

#: Packages whose import registers the measures' sections (imported by name, once).
MEASURE_PACKAGES: list[str] = ["sim.model.instruments"]


@dataclass(frozen=True)
class Section:
    """A scenario section declared by a measure.

    Attributes
    ----------
    name
        The top-level key of the section in a scenario (``rd_tax_credit``).
    model
        The pydantic model of the section (frozen, forbidding unknown keys).
    order
        Position of the section in a dumped scenario among the registered sections
        (the measure's rank).
    """

    name: str
    model: Any
    order: float


_SECTIONS: dict[str, Section] = {}
_loaded = False


def register_section(name: str, model: Any, *, order: float) -> None:
    """Register the section ``name`` of a scenario, validated by ``model``.

    Registering the same name with the same model again does nothing (a module imported
    twice); another model under a name already taken raises :class:`ValueError`.
    """
    known = _SECTIONS.get(name)
    if known is not None and known.model is not model:
        raise ValueError(f"scenario section {name!r} is already registered by {known.model!r}")
    _SECTIONS[name] = Section(name, model, order)


def unregister_section(name: str) -> None:
    """Forget the section ``name`` (nothing when it is not registered)."""
    _SECTIONS.pop(name, None)


@contextmanager
def section_registered(name: str, model: Any, *, order: float) -> Iterator[Section]:
    """Register a section for the duration of a ``with`` block (tests, examples)."""
    register_section(name, model, order=order)
    try:
        yield _SECTIONS[name]
    finally:
        unregister_section(name)


def registered_sections() -> tuple[Section, ...]:
    """The registered sections, in ``order`` (the measures' packages loaded first)."""
    load_measures()
    return tuple(sorted(_SECTIONS.values(), key=lambda s: s.order))


def load_measures() -> None:
    """Import the packages of :data:`MEASURE_PACKAGES` once, so that every measure has
    registered its section."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    for package in MEASURE_PACKAGES:
        importlib.import_module(package)
