"""Money and units: amounts written as ``400bn``, ``30m``, ``100k``, and the bounded number types.

Public names: :func:`parse_money`, and the field types ``Money``, ``PositiveMoney``,
``Share``, ``NonNeg``, ``Positive``, ``Real`` used by the schema.
"""

from __future__ import annotations

import math
import re
import reprlib
from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
    Field,
)

_MONEY_RE = re.compile(r"^\s*([-+]?\d[\d,_]*(?:\.\d+)?|[-+]?\.\d+)\s*([a-z]*)\s*$", re.IGNORECASE)
_SUFFIX = {
    "": 1.0,
    "k": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "t": 1e12,
    "tn": 1e12,
}


def parse_money(value: Any) -> float:
    """Parse an amount of money given as a number or a string such as ``"400bn"``.

    Parameters
    ----------
    value
        An int or float, or a string: digits (``,`` and ``_`` allowed as separators)
        with an optional suffix ``k`` (thousand), ``m``/``mn`` (million),
        ``b``/``bn`` (billion) or ``t``/``tn`` (trillion), case-insensitive.

    Returns
    -------
    float
        The amount in currency units.

    Raises
    ------
    ValueError
        If the value is not a finite amount in one of those forms.
    """
    if isinstance(value, bool):
        raise ValueError("expected an amount such as 400bn, 30m, 100k or 2500000, got a boolean")
    if isinstance(value, int | float):
        try:
            out = float(value)
        except OverflowError:
            raise ValueError(f"expected a finite amount, got {_shown(value)}") from None
    elif isinstance(value, str):
        m = _MONEY_RE.match(value)
        if not m or m.group(2).lower() not in _SUFFIX:
            raise ValueError(
                f"expected an amount such as 400bn, 30m, 100k or 2500000, got {value!r}"
            )
        out = float(m.group(1).replace(",", "").replace("_", "")) * _SUFFIX[m.group(2).lower()]
    else:
        raise ValueError(
            f"expected an amount such as 400bn, 30m, 100k or 2500000, got {type(value).__name__}"
        )
    if not math.isfinite(out):
        raise ValueError(f"expected a finite amount, got {_shown(value)}")
    return out


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {_shown(value)}")
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 1000:
        raise ValueError(f"expected a finite number, got {_shown(value)}")
    return value


_REPR = reprlib.Repr()
_REPR.maxstring = 60
_REPR.maxother = 60
_REPR.maxlist = _REPR.maxdict = _REPR.maxtuple = _REPR.maxset = 4
_REPR.maxlevel = 2


def _shown(value: Any) -> str:
    """A short rendering of a user's value for a message (bounded, even for huge input)."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return f"a mapping {_REPR.repr(value)}"
    if isinstance(value, list):
        return f"a list {_REPR.repr(value)}"
    if isinstance(value, int) and value.bit_length() > 200:
        return f"a number of about {int(value.bit_length() * 0.30103) + 1} digits"
    return _REPR.repr(value)


Money = Annotated[float, BeforeValidator(parse_money), Field(ge=0)]
PositiveMoney = Annotated[float, BeforeValidator(parse_money), Field(gt=0)]
Share = Annotated[float, BeforeValidator(_finite), Field(ge=0, le=1)]
NonNeg = Annotated[float, BeforeValidator(_finite), Field(ge=0)]
Positive = Annotated[float, BeforeValidator(_finite), Field(gt=0)]
Real = Annotated[float, BeforeValidator(_finite)]
