"""Money and units: amounts written as ``400bn``, ``30m``, ``3000万``, ``40亿``, shares
written as ``0.3`` or ``30%``, and the bounded number types.

The one reader of amounts is :func:`parse_money`, the one reader of shares and
percentages :func:`parse_share`; :func:`parse_figure` reads either (a target's value).
Every place that accepts an amount or a share (scenario files, ``--set``, targets files,
design targets, ``PATH=LO:HI`` ranges, sweep values) goes through them.

Public names: :func:`parse_money`, :func:`parse_share`, :func:`parse_figure`, and the
field types ``Money``, ``PositiveMoney``, ``Share``, ``Rate``, ``NonNegRate``,
``PositiveRate``, ``NonNeg``, ``Positive``, ``Real`` used by the schema,
:data:`AMOUNT_FORMS`, :data:`SHARE_FORMS`, :func:`shown_value`, :func:`to_ascii`.
"""

from __future__ import annotations

import math
import re
import reprlib
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
    Field,
)

#: Full-width ASCII forms (U+FF01..U+FF5E: ``３``, ``．``, ``，``, ``％``, ``ｍ``) and the
#: ideographic space, mapped to their ASCII forms before a number is read.
_FULL_WIDTH = {0xFF01 + i: 0x21 + i for i in range(0x5E)} | {0x3000: 0x20}

# a number as Python writes floats too: 1e-06, 2.5E+9 (the exponent binds before a suffix)
_NUMBER = r"[-+]?(?:\d[\d,_]*(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?"
_MONEY_RE = re.compile(rf"^\s*({_NUMBER})\s*([a-z]*|[\u4e00-\u9fff]*)\s*$", re.IGNORECASE)
_SHARE_RE = re.compile(rf"^\s*({_NUMBER})\s*(%|‰)?\s*$")
_SUFFIX = {
    "": 1,
    "k": 10**3,
    "m": 10**6,
    "mn": 10**6,
    "b": 10**9,
    "bn": 10**9,
    "t": 10**12,
    "tn": 10**12,
}
#: Chinese units of amounts, each also with 元 after it (``3000万元``); 元 alone is 1.
#: 千 (thousand) is accepted as in financial statements (单位：千元); 兆 is refused, as it
#: means a million in some places and a trillion in others.
_CN_SUFFIX = {
    "": 1,
    "千": 10**3,
    "万": 10**4,
    "十万": 10**5,
    "百万": 10**6,
    "千万": 10**7,
    "亿": 10**8,
    "十亿": 10**9,
    "百亿": 10**10,
    "千亿": 10**11,
    "万亿": 10**12,
}
_UNITS = _SUFFIX | {k + "元": v for k, v in _CN_SUFFIX.items()} | _CN_SUFFIX
AMOUNT_FORMS = "400bn, 30m, 100k, 3000万, 40亿, 1.2万亿 or 2500000"
SHARE_FORMS = "0.3 or 30%"


def to_ascii(text: str) -> str:
    """``text`` with full-width digits, punctuation and letters in their ASCII forms."""
    return text.translate(_FULL_WIDTH)


def _decimal(number: str) -> Decimal:
    return Decimal(number.replace(",", "").replace("_", ""))


def parse_money(value: Any) -> float:
    """Parse an amount of money given as a number or a string such as ``"400bn"`` or ``"3000万"``.

    Parameters
    ----------
    value
        An int or float, or a string: digits (``,`` and ``_`` allowed as separators)
        with an optional unit: ``k`` (thousand), ``m``/``mn`` (million), ``b``/``bn``
        (billion) or ``t``/``tn`` (trillion), case-insensitive; or a Chinese unit ``千``
        (10^3), ``万`` (10^4), ``十万``, ``百万``, ``千万`` (10^7), ``亿`` (10^8), ``十亿``,
        ``百亿``, ``千亿``, ``万亿`` (10^12), each optionally followed by ``元``
        (``3000万元``; ``元`` alone is 1). Full-width digits and punctuation
        (``３０００万``, ``１，０００``, ``１．５亿``) are read as their ASCII forms.

    Returns
    -------
    float
        The amount in currency units: the number times the unit, rounded once (so
        ``0.3亿`` is exactly 30,000,000).

    Raises
    ------
    ValueError
        If the value is not a finite amount in one of those forms.
    """
    if isinstance(value, bool):
        raise ValueError(f"expected an amount such as {AMOUNT_FORMS}, got a boolean")
    if isinstance(value, int | float):
        try:
            out = float(value)
        except OverflowError:
            raise ValueError(f"expected a finite amount, got {shown_value(value)}") from None
    elif isinstance(value, str):
        m = _MONEY_RE.match(to_ascii(value))
        unit = m.group(2).lower() if m else ""
        if m and "兆" in unit:
            raise ValueError(
                f"兆 is not accepted as a unit (it means 10^6 in some places and 10^12 in "
                f"others); expected 万亿 (10^12) or 百万 (10^6), got {shown_value(value)}"
            )
        if not m or unit not in _UNITS:
            raise ValueError(f"expected an amount such as {AMOUNT_FORMS}, got {shown_value(value)}")
        try:
            scale = _UNITS[unit]
            number = _decimal(m.group(1))
            out = float(number * scale) if scale != 1 else float(number)
        except (InvalidOperation, OverflowError):  # pragma: no cover - the pattern is a number
            raise ValueError(f"expected a finite amount, got {shown_value(value)}") from None
    else:
        raise ValueError(f"expected an amount such as {AMOUNT_FORMS}, got {type(value).__name__}")
    if not math.isfinite(out):
        raise ValueError(f"expected a finite amount, got {shown_value(value)}")
    return out


def parse_share(value: Any) -> Any:
    """Parse a share, rate or fraction given as a number or a percentage such as ``"30%"``.

    Parameters
    ----------
    value
        A number (returned unchanged, once checked finite), or a string: a number with an
        optional ``%`` (``30%`` is 0.3) or ``‰`` (``6.5‰`` is 0.0065). Full-width forms
        (``３０％``, ``０．３``) are read as their ASCII forms.

    Returns
    -------
    float or int
        The fraction (the range, e.g. 0..1, is checked by the field).

    Raises
    ------
    ValueError
        If the value is a string that is not a number or a percentage.
    """
    if isinstance(value, str):
        m = _SHARE_RE.match(to_ascii(value))
        if not m:
            raise ValueError(
                f"expected a number or a percentage such as {SHARE_FORMS}, got {shown_value(value)}"
            )
        per = {None: 1, "%": 100, "‰": 1000}[m.group(2)]
        try:
            value = float(_decimal(m.group(1)) / per)
        except (InvalidOperation, OverflowError):  # pragma: no cover - the pattern is a number
            raise ValueError(f"expected a finite number, got {shown_value(value)}") from None
    return _finite(value)


def parse_figure(value: Any) -> float:
    """Parse an observed or target figure: a number, an amount (``20亿``) or a percentage.

    Parameters
    ----------
    value
        What :func:`parse_money` reads (``20bn``, ``3000万``, ``2500000``) or what
        :func:`parse_share` reads (``30%``, ``6.5‰``).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If it is neither.
    """
    if isinstance(value, str) and to_ascii(value).strip().endswith(("%", "‰")):
        return float(parse_share(value))
    try:
        return parse_money(value)
    except ValueError:
        raise ValueError(
            f"expected a number, an amount such as 20bn or 20亿, or a percentage such as "
            f"30%, got {shown_value(value)}"
        ) from None


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {shown_value(value)}")
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 1000:
        raise ValueError(f"expected a finite number, got {shown_value(value)}")
    return value


_REPR = reprlib.Repr()
_REPR.maxstring = 60
_REPR.maxother = 60
_REPR.maxlist = _REPR.maxdict = _REPR.maxtuple = _REPR.maxset = 4
_REPR.maxlevel = 2


def shown_value(value: Any) -> str:
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
Share = Annotated[float, BeforeValidator(parse_share), Field(ge=0, le=1)]
#: A rate or fraction that may lie outside 0..1 (a growth rate, a spread): ``0.2`` or ``20%``.
Rate = Annotated[float, BeforeValidator(parse_share)]
NonNegRate = Annotated[float, BeforeValidator(parse_share), Field(ge=0)]
PositiveRate = Annotated[float, BeforeValidator(parse_share), Field(gt=0)]
NonNeg = Annotated[float, BeforeValidator(_finite), Field(ge=0)]
Positive = Annotated[float, BeforeValidator(_finite), Field(gt=0)]
Real = Annotated[float, BeforeValidator(_finite)]
