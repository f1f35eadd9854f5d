"""Attributes of a package imported on first use (a module-level ``__getattr__``).

Public names: :func:`lazy_attributes`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any


def lazy_attributes(
    package: str, where: Mapping[str, str], names: Iterable[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of a package whose attributes load on first use.

    Parameters
    ----------
    package
        The package's ``__name__``.
    where
        Attribute name -> the submodule (relative to ``package``) that defines it.
    names
        The package's public names (``__all__``), listed by ``dir()``.

    Returns
    -------
    tuple
        ``(__getattr__, __dir__)`` to assign in the package's ``__init__``. An attribute,
        once imported, becomes an ordinary attribute of the package.
    """
    import sys

    public = tuple(names)

    def __getattr__(name: str) -> Any:  # noqa: N807 - the module hook's name
        if name in where:
            value = getattr(importlib.import_module(f".{where[name]}", package), name)
            setattr(sys.modules[package], name, value)
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:  # noqa: N807
        return sorted({*vars(sys.modules[package]), *public})

    return __getattr__, __dir__
