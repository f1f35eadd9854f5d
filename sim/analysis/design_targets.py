"""Design targets: the small grammar of a design's target, its parser, and the figure a
target reads off the runs. The grammar is :data:`GRAMMAR`; the search is in
:mod:`sim.analysis.design`.

Public names: :data:`GRAMMAR`, :class:`DesignTarget`, :func:`parse_target`,
:class:`DesignError`, :func:`target_figure`, :func:`meets_target`,
:func:`per_run_values`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from ..scenario import Scenario, parse_figure
from ..scenario.messages import did_you_mean
from ..scenario.money import to_ascii
from .evaluation import (
    DAY_KEYS,
    NUMERIC_KEYS,
    AnalysisError,
    numeric_outputs,
)

GRAMMAR = """\
target := "P(" KEY OP NUMBER ")" OP PROB      probability over replications
        | ["mean"] KEY OP NUMBER              mean over replications
        | ("max" | "min") KEY ["/" KEY]       best value (ratio of means)
OP     := <= | < | >= | >
NUMBER := a number, an amount or a percentage (0.5, 365, 20bn, 20亿, 10%) or the word horizon
KEY    := a numeric figure of summary.json (e.g. pool_exhausted_day, uptake_rate)
examples: "P(pool_exhausted_day <= 364) <= 0.10"   "mean uptake_rate >= 0.5"
          "max borrower_firms_n / fiscal_cost_amount\""""

_OPS = {
    "<=": np.less_equal,
    "<": np.less,
    ">=": np.greater_equal,
    ">": np.greater,
}
_OP = r"(<=|>=|<|>)"
_KEY = r"([A-Za-z_][A-Za-z0-9_]*)"
_NUM = r"([^\s()]+)"
_RE_PROB = re.compile(rf"^P\(\s*{_KEY}\s*{_OP}\s*{_NUM}\s*\)\s*{_OP}\s*{_NUM}$", re.I)
_RE_MEAN = re.compile(rf"^(?:mean\s+|mean\(\s*)?{_KEY}\s*\)?\s*{_OP}\s*{_NUM}$", re.I)
_RE_OPT = re.compile(rf"^(max|min)\s+{_KEY}(?:\s*/\s*{_KEY})?$", re.I)


class DesignError(AnalysisError):
    """A design target that cannot be parsed or met as asked."""


@dataclass(frozen=True)
class DesignTarget:
    """A parsed target.

    Attributes
    ----------
    kind
        ``"probability"``, ``"mean"`` or ``"optimum"``.
    key
        The figure (the numerator of a ratio).
    op, threshold
        For probability and mean targets: the comparison inside ``P(...)`` or of the mean
        (``threshold`` may be ``"horizon"``, resolved against the scenario).
    prob_op, prob
        For probability targets: the bound on the probability.
    sense
        For optimum targets: ``"max"`` or ``"min"``.
    denominator
        For a ratio ``KEY / KEY``: the second key.
    text
        The target as written.
    """

    kind: Literal["probability", "mean", "optimum"]
    key: str
    text: str
    op: str | None = None
    threshold: float | str | None = None
    prob_op: str | None = None
    prob: float | None = None
    sense: str | None = None
    denominator: str | None = None

    def threshold_value(self, scenario: Scenario) -> float:
        """The threshold as a number (``horizon`` = the scenario's horizon length)."""
        if self.threshold == "horizon":
            return float(scenario.horizon.days)
        return float(self.threshold)  # type: ignore[arg-type]


def _number(text: str, what: str, target: str) -> float | str:
    t = text.strip()
    if t.lower() == "horizon":
        return "horizon"
    try:
        return parse_figure(t)
    except ValueError:
        raise DesignError(
            f"--target {target!r}: {what} {t!r} is not a number, an amount (20bn, 20亿) or "
            f"a percentage (10%).\n{GRAMMAR}"
        ) from None


def _key(k: str, target: str) -> str:
    if k not in NUMERIC_KEYS:
        raise DesignError(
            f"--target {target!r}: {k!r} is not a numeric figure of summary.json"
            f"{did_you_mean(k, NUMERIC_KEYS)}; choose from: " + ", ".join(NUMERIC_KEYS)
        )
    return k


def parse_target(text: str) -> DesignTarget:
    """Parse a target of the grammar :data:`GRAMMAR`.

    Parameters
    ----------
    text
        E.g. ``"P(pool_exhausted_day <= 364) <= 0.10"`` or
        ``"P(disbursed_amount >= 20亿) > 50%"``; full-width forms (``（``, ``＞``,
        ``５０％``) read as their ASCII forms.

    Returns
    -------
    DesignTarget
        The parsed target.

    Raises
    ------
    DesignError
        With the grammar, when the text does not parse or names an unknown figure.
    """
    t = " ".join(to_ascii(text).split())
    m = _RE_PROB.match(t)
    if m:
        key, op, thr, pop, p = m.groups()
        prob = _number(p, "the probability", text)
        if prob == "horizon" or not 0 <= float(prob) <= 1:
            raise DesignError(f"--target {text!r}: a probability must lie in 0..1, got {p!r}")
        return DesignTarget(
            "probability",
            _key(key, text),
            text,
            op=op,
            threshold=_number(thr, "the threshold", text),
            prob_op=pop,
            prob=float(prob),
        )
    m = _RE_OPT.match(t)
    if m:
        sense, key, den = m.groups()
        return DesignTarget(
            "optimum",
            _key(key, text),
            text,
            sense=sense.lower(),
            denominator=_key(den, text) if den else None,
        )
    m = _RE_MEAN.match(t)
    if m and m.group(1).lower() not in {"p", "max", "min"}:
        key, op, thr = m.groups()
        return DesignTarget(
            "mean", _key(key, text), text, op=op, threshold=_number(thr, "the threshold", text)
        )
    raise DesignError(f"--target {text!r} does not parse.\n{GRAMMAR}")


# --------------------------------------------------------------------------- figures


def per_run_values(target: DesignTarget, runs: pd.DataFrame, scenario: Scenario) -> np.ndarray:
    """The per-replication quantity the target aggregates: event indicator or value(s)."""
    if target.kind == "probability":
        v = pd.to_numeric(runs[target.key], errors="coerce").to_numpy(float)
        if target.key in DAY_KEYS:
            v = np.where(np.isnan(v), np.inf, v)  # not reached within the horizon
        return _OPS[target.op](v, target.threshold_value(scenario)).astype(float)
    v = numeric_outputs(runs, target.key)
    if target.kind == "optimum" and target.denominator is not None:
        return np.column_stack([v, numeric_outputs(runs, target.denominator)])
    return v


def target_figure(target: DesignTarget, per_run: np.ndarray) -> float:
    """The aggregated figure: a probability, a mean, or a ratio of means."""
    if target.kind == "optimum" and target.denominator is not None:
        num, den = np.nanmean(per_run[:, 0]), np.nanmean(per_run[:, 1])
        return float(num / den) if den != 0 else math.nan
    return float(np.nanmean(per_run)) if np.any(~np.isnan(per_run)) else math.nan


def meets_target(target: DesignTarget, figure: float, scenario: Scenario) -> bool:
    """Whether an aggregated ``figure`` meets a threshold ``target`` (never an optimum)."""
    if math.isnan(figure) or target.kind == "optimum":
        return False
    if target.kind == "probability":
        return bool(_OPS[target.prob_op](figure, target.prob))
    return bool(_OPS[target.op](figure, target.threshold_value(scenario)))
