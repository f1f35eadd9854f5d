"""Aliases kept at the import paths of the flat layout (``sim.engine``, ``sim.report``, ...).

Each old module is a few lines that call :func:`alias`: importing it emits a
:class:`DeprecationWarning` naming the new path, and every name (public or private) is
looked up in the new modules. The aliases are kept for one release.
"""

from __future__ import annotations

import importlib
import sys
import warnings
from typing import Any


def alias(old: str, *new: str) -> None:
    """Make module ``old`` forward attribute look-ups to the modules ``new``, in order.

    Parameters
    ----------
    old
        The deprecated module's ``__name__``.
    *new
        Dotted names of the modules that now hold its names; the first is the one the
        warning recommends.
    """
    warnings.warn(
        f"{old} is deprecated and will be removed in the next release; import {new[0]} instead",
        DeprecationWarning,
        stacklevel=3,
    )
    module = sys.modules[old]

    def __getattr__(name: str) -> Any:
        for target in new:
            found = importlib.import_module(target)
            if hasattr(found, name):
                return getattr(found, name)
        raise AttributeError(f"module {old!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted({n for t in new for n in dir(importlib.import_module(t))})

    module.__getattr__ = __getattr__  # type: ignore[attr-defined]
    module.__dir__ = __dir__  # type: ignore[method-assign]
