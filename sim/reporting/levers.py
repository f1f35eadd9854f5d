"""Levers of the notebook tuner: a numeric scenario field, its range and its slider steps.

A lever is written as for the analyses (``guarantee.cap_per_firm=10m:50m``, parsed by
:func:`sim.analysis.evaluation.parse_range`); a slider position becomes the text ``--set``
would use (``27.5m``), so the command line the tuner shows reproduces its run.

Public names: :class:`Lever`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..analysis.evaluation import ParamRange, parse_range
from ..scenario import Scenario, is_money_field, parse_money

__all__ = ["Lever"]


_MONEY_UNITS = ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k"))


def _nice_step(span: float, steps: int = 100) -> float:
    """A step of 1, 2 or 5 times a power of ten giving about ``steps`` slider positions."""
    raw = span / steps
    mag = 10.0 ** math.floor(math.log10(raw))
    for m in (1.0, 2.0, 5.0, 10.0):
        if m * mag >= raw * (1 - 1e-9):
            return m * mag
    return 10.0 * mag  # pragma: no cover (the loop always returns)


@dataclass(frozen=True)
class Lever:
    """A scenario field on a slider: its range, and how its value is shown and written.

    Attributes
    ----------
    range
        The field and its bounds (:class:`~sim.analysis.evaluation.ParamRange`).
    money
        The field is an amount; the slider shows it in ``suffix`` units.
    unit, suffix
        Size and name of the slider's unit: ``1e6`` and ``"m"`` for a slider in millions
        (``1`` and ``""`` for a field that is not an amount).
    step, decimals
        Slider step in the slider's unit, and the decimals a value is written with.
    """

    range: ParamRange
    money: bool
    unit: float
    suffix: str
    step: float
    decimals: int

    @classmethod
    def parse(cls, text: str, scenario: Scenario) -> Lever:
        """A lever from ``path=lo:hi`` (bounds may be amounts such as ``100bn``).

        Raises
        ------
        ScenarioError
            If the text is malformed or does not name a numeric field of ``scenario``
            with valid bounds (:func:`~sim.analysis.evaluation.parse_range`).
        """
        # a bound may be valid only with other levers moved: such a setting is shown
        # as a message when reached, not refused here
        rng = parse_range(text, scenario, option="lever", check_bounds=False)
        money = is_money_field(rng.path)
        unit, suffix = 1.0, ""
        if money:
            biggest = max(abs(rng.lo), abs(rng.hi))
            unit, suffix = next(((u, s) for u, s in _MONEY_UNITS if biggest >= u), (1.0, ""))
        if rng.integer:
            step, decimals = max(1.0, float(round(_nice_step(rng.hi - rng.lo)))), 0
        else:
            step = _nice_step((rng.hi - rng.lo) / unit)
            decimals = max(0, -math.floor(math.log10(step)))
        return cls(rng, money, unit, suffix, step, decimals)

    @property
    def path(self) -> str:
        """Dotted path of the field."""
        return self.range.path

    def label(self, currency: str) -> str:
        """The slider's caption: the path and, for an amount, its unit."""
        if not self.money:
            return self.path
        return f"{self.path} ({self.suffix + ' ' if self.suffix else ''}{currency})"

    def text(self, shown: float) -> str:
        """The field's value for slider position ``shown``, as ``--set`` writes it.

        Amounts carry the slider's suffix (``27.5m``); values are rounded to the slider's
        decimals and written without an exponent, so the text reads back exactly.
        """
        if self.range.integer:
            return str(int(round(shown)))
        t = f"{round(float(shown), self.decimals):.{self.decimals}f}"
        if "." in t:
            t = t.rstrip("0").rstrip(".")
        if t in ("-0", ""):
            t = "0"
        return t + self.suffix

    def value(self, text: str) -> float:
        """The number a :meth:`text` stands for, in the field's unit."""
        return parse_money(text) if self.money else float(text)
