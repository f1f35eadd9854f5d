"""Plausibility: values a scenario accepts but that are most likely a slip of units.

Public names: :data:`TYPICAL`, :func:`plausibility_warnings`.

A rate or fee is written as a fraction (0.0065 = 0.65 % a year) and an amount in yuan
(``30m``, ``30万``): ``guarantee.fee_rate: 0.65`` (meant 0.65 %) is a fee of 65 % a year,
and ``guarantee.cap_per_firm: 30`` (meant 30 m) a cap of 30 yuan. Both pass the schema's
bounds and give nonsense. Each field of :data:`TYPICAL` has a typical range; a value
outside it passes with a warning that names the field, the value, the range and the
likely slip. A run prints the warnings and keeps them in ``manifest.json``
(``warnings``); ``smesim validate`` prints them.
"""

from __future__ import annotations

from typing import Any

__all__ = ["TYPICAL", "plausibility_warnings"]

#: Path -> (kind, low, high): ``rate`` (a yearly fraction), ``amount`` (yuan).
TYPICAL: dict[str, tuple[str, float, float]] = {
    "rates.lpr_1y": ("rate", 0.0, 0.2),
    "rates.programme_spread": ("rate", -0.05, 0.05),
    "rates.market_spread_base": ("rate", -0.05, 0.05),
    "guarantee.fee_rate": ("rate", 0.0, 0.05),
    "guarantee.market_fee_rate": ("rate", 0.0, 0.05),
    "guarantee.cap_per_firm": ("amount", 100_000.0, 1e10),
    "guarantee.capital": ("amount", 1_000_000.0, 1e13),
    "loan_pool.total": ("amount", 1_000_000.0, 1e14),
    "loan_pool.max_per_firm": ("amount", 100_000.0, 1e11),
    "loan_pool.min_amount": ("amount", 1_000.0, 1e10),
}


def _value(data: Any, path: str) -> Any:
    for part in path.split("."):
        data = getattr(data, part, None)
        if data is None:
            return None
    return data


def _slip(path: str, kind: str, value: float, low: float, high: float) -> str:
    """The warning of one value outside its typical range, with the likely slip."""
    if kind == "rate":
        shown = f"{100 * value:g} % a year"
        hint = (
            f"; did you mean {value:g} % ({value / 100:g})?"
            if value > high and value / 100 <= high
            else ""
        )
        span = f"{100 * low:g} % .. {100 * high:g} %"
    else:
        shown = f"{value:,.0f} yuan"
        hint = f"; did you mean {value:g}m?" if value < low and value * 1e6 >= low else ""
        span = f"{low:,.0f} .. {high:,.0f} yuan"
    return f"{path}={value:g} is {shown}, outside the typical {span}{hint}"


def plausibility_warnings(scenario: Any) -> list[str]:
    """The warnings of a validated scenario's values outside their typical range.

    Parameters
    ----------
    scenario
        A :class:`~sim.scenario.Scenario` (sections it does not have are skipped).

    Returns
    -------
    list of str
        One line per value, in the order of :data:`TYPICAL`; empty when all are typical.

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> sc = NS(guarantee=NS(fee_rate=0.65, cap_per_firm=30.0))
    >>> for w in plausibility_warnings(sc):
    ...     print(w)
    guarantee.fee_rate=0.65 is 65 % a year, outside the typical 0 % .. 5 %; did you mean 0.65 % (0.0065)?
    guarantee.cap_per_firm=30 is 30 yuan, outside the typical 100,000 .. 10,000,000,000 yuan; did you mean 30m?
    """
    out = []
    for path, (kind, low, high) in TYPICAL.items():
        value = _value(scenario, path)
        if isinstance(value, int | float) and not low <= value <= high:
            out.append(_slip(path, kind, float(value), low, high))
    return out
