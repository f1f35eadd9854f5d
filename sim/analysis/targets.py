"""Calibration targets: the observed figures a targets file lists, loaded and validated.

Public names: :class:`Targets` (and :class:`SummaryTarget`, :class:`CumulativeTarget`,
:class:`CumulativePoint`, :class:`Prior`), :func:`load_targets`, :func:`check_horizon`, :func:`observations`, :func:`simulated`,
:class:`TargetsError`, :data:`CUMULATIVE_FLOWS`. The file format is described in
:mod:`sim.analysis.calibration`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ..experiments import OPTIONAL_NUMERIC_KEYS
from ..scenario import (
    Scenario,
    ScenarioError,
    parse_figure,
)
from ..scenario.messages import did_you_mean, from_validation_error
from ..scenario.reading import ScenarioLoader
from .evaluation import (
    NUMERIC_KEYS,
    numeric_outputs,
)

#: Daily flows whose running totals a targets file may name, and the series of the
#: experiment runs that hold them.
CUMULATIVE_FLOWS = {
    "applications_n": "series_applications_cum",
    "disbursed_amount": "series_disbursed_cum",
    "approved_n": "series_approved_cum",
    "guaranteed_amount": "series_guaranteed_cum",
}


#: What an observation is for: ``fit`` (the calibration's objective) or ``predict`` (held
#: out: reported beside the fit, never used by it).
Role = Literal["fit", "predict"]


class TargetsError(ScenarioError):
    """A targets file is invalid: names the file, the field path and what was expected."""


# --------------------------------------------------------------------------- targets


#: An observed figure or its scale: a number, an amount (``20bn``, ``3000万``) or a
#: percentage (``73%``), read by :func:`sim.scenario.parse_figure`.
Amount = Annotated[float, BeforeValidator(parse_figure)]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SummaryTarget(_Strict):
    """An observed headline figure (a key of ``summary.json``)."""

    key: str
    value: Amount
    weight: float = Field(default=1.0, ge=0)
    scale: Amount | None = Field(default=None, gt=0)
    role: Role = "fit"
    source: str = ""

    @field_validator("key")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in NUMERIC_KEYS and v not in OPTIONAL_NUMERIC_KEYS:
            near = did_you_mean(v, (*NUMERIC_KEYS, *OPTIONAL_NUMERIC_KEYS))
            raise ValueError(
                f"{v!r} is not a numeric figure of summary.json{near}; expected one of: "
                + ", ".join(NUMERIC_KEYS)
                + "; or, when the scenario has what they describe: "
                + ", ".join(OPTIONAL_NUMERIC_KEYS)
            )
        return v

    @model_validator(mode="after")
    def _scale(self) -> SummaryTarget:
        if self.scale is None and self.value == 0:
            raise ValueError("an observed value of 0 needs a scale: (the size of a miss)")
        return self


class CumulativePoint(_Strict):
    """The running total of a flow observed at the end of day ``day``."""

    day: int = Field(ge=0)
    value: Amount
    weight: float | None = Field(default=None, ge=0)
    scale: Amount | None = Field(default=None, gt=0)
    role: Role | None = None

    @model_validator(mode="after")
    def _scale(self) -> CumulativePoint:
        if self.scale is None and self.value == 0:
            raise ValueError("an observed value of 0 needs a scale: (the size of a miss)")
        return self


class CumulativeTarget(_Strict):
    """Running totals of one daily flow (``disbursed_amount``, ``approved_n``...) at days."""

    of: Literal["applications_n", "disbursed_amount", "approved_n", "guaranteed_amount"]
    points: list[CumulativePoint] = Field(min_length=1)
    weight: float = Field(default=1.0, ge=0)
    role: Role = "fit"
    source: str = ""


class Prior(_Strict):
    """The prior of a parameter in a Bayesian calibration, truncated to its ``--fit`` range.

    ``uniform`` (the default for a parameter without an entry), ``loguniform`` (uniform in
    the logarithm: for a rate known only to its order of magnitude) or ``normal`` (with
    ``mean`` and ``sd``).
    """

    dist: Literal["uniform", "loguniform", "normal"] = "uniform"
    mean: float | None = None
    sd: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _moments(self) -> Prior:
        if self.dist == "normal" and (self.mean is None or self.sd is None):
            raise ValueError(
                "a normal prior needs mean: and sd: (e.g. {dist: normal, mean: 0.02, sd: 0.01})"
            )
        if self.dist != "normal" and (self.mean is not None or self.sd is not None):
            raise ValueError(
                f"a {self.dist} prior takes no mean: or sd: (its range is the --fit range)"
            )
        return self

    def describe(self) -> str:
        """``uniform``, ``loguniform`` or ``normal(mean, sd)``."""
        return f"normal({self.mean:g}, {self.sd:g})" if self.dist == "normal" else self.dist


class Targets(_Strict):
    """A set of observations to calibrate a scenario against."""

    name: str = Field(min_length=1)
    description: str = ""
    illustrative: bool = False
    summary: list[SummaryTarget] = Field(default_factory=list)
    cumulative: list[CumulativeTarget] = Field(default_factory=list)
    #: priors of a Bayesian calibration (``smesim calibrate --method abc``), by path
    priors: dict[str, Prior] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _some(self) -> Targets:
        n = len(self.summary) + sum(len(c.points) for c in self.cumulative)
        if n == 0:
            raise ValueError("no observations: give summary: and/or cumulative: entries")
        if (
            sum(t.weight for t in self.summary if t.role == "fit")
            + sum(
                (p.weight if p.weight is not None else c.weight)
                for c in self.cumulative
                for p in c.points
                if (p.role or c.role) == "fit"
            )
            <= 0
        ):
            raise ValueError(
                "no observation to fit: every one has weight 0 or role predict; give at least "
                "one a positive weight and role fit"
            )
        return self


def load_targets(path: str | Path, scenario: Scenario | None = None) -> Targets:
    """Read and validate a targets file (and its days against a scenario's horizon).

    Parameters
    ----------
    path
        The YAML targets file.
    scenario
        When given, every day must lie within its horizon.

    Returns
    -------
    Targets
        The validated, frozen targets.

    Raises
    ------
    TargetsError
        For any problem, naming the file and the field.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        from ..outdir import windows_path_problem

        why = windows_path_problem(str(path))
        hint = f" (the path {why}; write paths with /)" if why else ""
        raise TargetsError(f"file not found{hint}", file=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TargetsError(f"cannot be read as UTF-8 text ({exc})", file=path) from None
    try:
        data = yaml.load(text, Loader=ScenarioLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise TargetsError(f"is not valid YAML{where}: {problem}", file=path) from None
    if not isinstance(data, dict):
        raise TargetsError(
            "expected a mapping with name:, summary: and/or cumulative: (see docs/validation.md)",
            file=path,
        )
    try:
        targets = Targets.model_validate(data)
    except ValidationError as exc:
        err = from_validation_error(exc, path)
        raise TargetsError(err.message, file=path, field=err.field) from None
    if scenario is not None:
        check_horizon(targets, scenario, file=path)
    return targets


def check_horizon(targets: Targets, scenario: Scenario, *, file: str | Path | None = None) -> None:
    """Refuse an observation on a day beyond the scenario's horizon.

    Raises
    ------
    TargetsError
        Naming the file (when given), the field (``cumulative.i.points.j.day``) and the
        horizon.
    """
    days = scenario.horizon.days
    for i, c in enumerate(targets.cumulative):
        for j, p in enumerate(c.points):
            if p.day >= days:
                raise TargetsError(
                    f"day {p.day} is beyond the horizon of scenario {scenario.name!r} "
                    f"(days 0..{days - 1}); lengthen horizon.days or drop the point",
                    file=file,
                    field=f"cumulative.{i}.points.{j}.day",
                )


def observations(targets: Targets) -> pd.DataFrame:
    """The targets flattened to one row per observation.

    Returns
    -------
    pandas.DataFrame
        Columns ``label, kind ("summary" or "cumulative"), key, day, observed, weight,
        scale, role ("fit" or "predict"), source``; ``day`` is NaN for summary figures.
    """
    rows = []
    for t in targets.summary:
        rows.append(
            {
                "label": t.key,
                "kind": "summary",
                "key": t.key,
                "day": np.nan,
                "observed": t.value,
                "weight": t.weight,
                "scale": t.scale if t.scale is not None else abs(t.value),
                "role": t.role,
                "source": t.source,
            }
        )
    for c in targets.cumulative:
        for p in c.points:
            rows.append(
                {
                    "label": f"cumulative {c.of} by day {p.day}",
                    "kind": "cumulative",
                    "key": c.of,
                    "day": float(p.day),
                    "observed": p.value,
                    "weight": p.weight if p.weight is not None else c.weight,
                    "scale": p.scale if p.scale is not None else abs(p.value),
                    "role": p.role or c.role,
                    "source": c.source,
                }
            )
    return pd.DataFrame(rows)


def _series_at(runs: pd.DataFrame, column: str, day: float) -> np.ndarray:
    """Value of a compact daily series at ``day`` in every run (linear between its days)."""
    return np.array(
        [
            np.interp(day, np.asarray(d, dtype=float), np.asarray(y, dtype=float))
            for d, y in zip(runs["series_day"], runs[column], strict=True)
        ]
    )


def simulated(runs: pd.DataFrame, obs: pd.DataFrame) -> np.ndarray:
    """Simulated value of every observation in every run: shape ``(runs, observations)``.

    A ``*_day`` figure not reached in a run counts as the horizon length.
    """
    cols = []
    for row in obs.itertuples():
        if row.kind == "summary":
            values = numeric_outputs(runs, row.key) if row.key in runs else None
            if values is None or np.isnan(values).any():
                raise TargetsError(
                    f"summary key {row.key!r} has no value in "
                    + ("these runs" if values is None else "some of these runs")
                    + " (the scenario does not use what it describes, or it did not happen "
                    "within the horizon: a claim rate needs guarantees released after the "
                    "first loan term); drop the target or change the scenario",
                    field="summary",
                )
            cols.append(values)
        else:
            cols.append(_series_at(runs, CUMULATIVE_FLOWS[row.key], row.day))
    return np.column_stack(cols) if cols else np.zeros((len(runs), 0))
