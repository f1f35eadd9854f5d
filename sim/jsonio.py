"""Strict JSON for every file smesim writes.

Python's :mod:`json` writes ``NaN`` and ``Infinity`` by default, which JavaScript, Go,
``jq`` and other strict parsers refuse. Every JSON file of smesim goes through
:func:`dumps` (or :func:`write_json`): a missing or non-finite number becomes ``null``,
numpy scalars and arrays become plain numbers and lists, and the text is produced with
``allow_nan=False`` so that no non-finite number can slip through.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["dumps", "plain", "write_json"]


def plain(obj: Any) -> Any:
    """``obj`` with only JSON types inside, missing and non-finite numbers as ``None``.

    Parameters
    ----------
    obj
        A value, or dicts, lists and tuples of values, as a writer assembles them:
        Python and numpy scalars, numpy arrays, ``pandas.NA``/``NaT``, paths.

    Returns
    -------
    Any
        The same structure made of ``dict``, ``list``, ``str``, ``int``, ``float``
        (finite only), ``bool`` and ``None``. Objects of other types are left as they
        are (:func:`dumps` writes them with ``str``).
    """
    if obj is None or isinstance(obj, str | bool | int):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {_key(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [plain(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return [plain(v) for v in obj.tolist()]
    if isinstance(obj, np.generic):
        return plain(obj.item())
    if obj is pd.NA or obj is pd.NaT:
        return None
    if isinstance(obj, Path):
        return str(obj)
    return obj


def _key(k: Any) -> Any:
    return k.item() if isinstance(k, np.generic) else k


def dumps(obj: Any, *, indent: int | None = 2, sort_keys: bool = False) -> str:
    """Strict JSON text of ``obj`` (no ``NaN``/``Infinity``), without a final newline.

    Parameters
    ----------
    obj
        The value to write; see :func:`plain` for what is converted.
    indent
        Indentation, as for :func:`json.dumps`.
    sort_keys
        Sort the keys of every object.

    Returns
    -------
    str
        The text; for finite plain values it is byte for byte what
        ``json.dumps(obj, indent=indent)`` gives.
    """
    return json.dumps(plain(obj), indent=indent, sort_keys=sort_keys, allow_nan=False, default=str)


def write_json(path: str | Path, obj: Any) -> None:
    """Write ``obj`` to ``path`` as strict JSON, indented by 2, with a final newline.

    Parameters
    ----------
    path
        The file to write (replaced if it exists).
    obj
        The value to write; see :func:`plain`.
    """
    Path(path).write_text(dumps(obj) + "\n")
