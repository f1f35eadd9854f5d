"""Evaluation: the model run at many parameter points with common random numbers.

Public names: :class:`AnalysisError`, :class:`ParamRange`, :func:`parse_range`, :func:`fitted_paths`, :func:`point_scenario`,
:func:`evaluate_points`, :func:`numeric_output`,
:func:`numeric_outputs`, :data:`DAY_KEYS`.

Sensitivity analysis, calibration and policy design all ask the same thing of the model:
run the scenario with some fields changed (a *point*), ``R`` times, and return the
headline figures of every run. Every point is run with the same ``R`` replications:
replication ``i`` uses child ``i`` of ``SeedSequence(scenario.seed).spawn(R)``, the
scheme of :mod:`sim.experiments`. Differences between points are therefore not blurred
by different random draws (common random numbers), which makes the simulated figures
smooth enough in the parameters for optimisers and bisection.

:func:`evaluate_points` is the one place where these analyses dispatch runs: it turns
points into :class:`sim.experiments.tasks.Task` objects and hands them to
:func:`sim.experiments.executors.run_tasks`, so they run in this process, in local processes or on
a Dask cluster, and can resume from a task store.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import AnalysisError
from ..experiments import NUMERIC_KEYS
from ..results import is_missing
from ..scenario import (
    Scenario,
    ScenarioError,
    get_path,
    parse_value,
    scenario_to_dict,
    with_overrides,
)

__all__ = [
    "AnalysisError",
    "DAY_KEYS",
    "NUMERIC_KEYS",
    "ParamRange",
    "parse_range",
    "fitted_paths",
    "point_scenario",
    "evaluate_points",
    "numeric_output",
    "numeric_outputs",
]


#: Headline figures of a run that hold numbers: the summary keys but the scenario name
#: and currency, and the experiments' extra keys.
#: Those that hold a day (missing = the account lasted the whole horizon).
DAY_KEYS = tuple(k for k in NUMERIC_KEYS if k.endswith("_day"))


def is_day_key(key: str) -> bool:
    """Whether a summary figure is a day (a day that never came reads as the horizon)."""
    return key.endswith("_day")


@dataclass(frozen=True)
class ParamRange:
    """A scenario field varied between two bounds.

    Attributes
    ----------
    path
        Dotted path of the field, as for ``--set`` (``behaviour.apply_intercept``).
    lo, hi
        Bounds, ``lo < hi``, in the field's unit (money in currency units).
    integer
        The field holds whole numbers; values are rounded before a run.
    """

    path: str
    lo: float
    hi: float
    integer: bool = False

    def value(self, u: float) -> float | int:
        """The field's value at ``u`` in ``[0, 1]`` of the range (rounded if integer)."""
        x = self.lo + float(u) * (self.hi - self.lo)
        return int(round(x)) if self.integer else x

    def to_unit(self, x: float) -> float:
        """Position of value ``x`` in the range, 0 at ``lo`` and 1 at ``hi``."""
        return (float(x) - self.lo) / (self.hi - self.lo)


def fitted_paths(params: Sequence[ParamRange]) -> list[str]:
    """The paths of the parameters to fit, refusing none or one given twice.

    Raises
    ------
    AnalysisError
        No parameter, or a path given twice.
    """
    if not params:
        raise AnalysisError("give at least one parameter to fit (a range path=lo:hi)")
    paths = [p.path for p in params]
    if len(set(paths)) != len(paths):
        raise AnalysisError(f"a parameter is given twice: {paths}")
    return paths


def parse_range(
    text: str, scenario: Scenario, *, option: str = "range", check_bounds: bool = True
) -> ParamRange:
    """Parse ``path=lo:hi`` against a scenario; bounds as the field reads them.

    Bounds of an amount may be written ``100bn`` or ``1000亿``, of a share ``50%`` or
    ``0.5`` (:func:`sim.scenario.parse_value`).

    Parameters
    ----------
    text
        The range, e.g. ``"loan_pool.total=100bn:400bn"``.
    scenario
        The scenario the path must exist in; a field holding an integer gives an
        integer range.
    option
        What the range is called in messages (``"range"``; the command line passes its
        flag, e.g. ``"--fit"``).
    check_bounds
        Also check that each bound is a valid value of the field with the scenario's
        other fields as they are. False for a range whose ends are valid only together
        with other changes (a tuning slider shows such a setting's message when reached).

    Returns
    -------
    ParamRange
        The validated range.

    Raises
    ------
    ScenarioError
        If the text is malformed, the path is not a numeric field of the scenario, the
        bounds are not ordered, or (with ``check_bounds``) a bound is not a valid value of
        the field.
    """
    if "=" not in text or ":" not in text.split("=", 1)[1]:
        raise ScenarioError(
            f"{option} expects path=lo:hi (e.g. loan_pool.total=100bn:400bn), got {text!r}",
            field=text,
        )
    path, bounds = (s.strip() for s in text.split("=", 1))
    lo_txt, hi_txt = (s.strip() for s in bounds.split(":", 1))
    try:
        lo, hi = parse_value(path, lo_txt), parse_value(path, hi_txt)
    except ValueError as exc:
        raise ScenarioError(f"{option} {text!r}: {exc}", field=path) from None
    if not lo < hi:
        raise ScenarioError(
            f"{option} {text!r}: the lower bound must be below the upper bound", field=path
        )
    current = get_path(scenario_to_dict(scenario), path)
    if isinstance(current, str):
        # a value kept as written (an event's value, ``659bn``): numeric if it reads as one
        try:
            current = parse_value(path, current)
        except ValueError:
            pass
    if isinstance(current, bool) or not isinstance(current, int | float | None):
        raise ScenarioError(
            f"{option} {text!r}: {path} is not a numeric field of scenario "
            f"{scenario.name!r} (its value is {current!r})",
            field=path,
        )
    if current is None:
        # a wrong path, or an optional field left empty: with_overrides names the valid
        # fields in the first case and accepts the second
        with_overrides(scenario, {path: lo})
    rng = ParamRange(path, lo, hi, integer=isinstance(current, int))
    for bound, shown in ((lo, lo_txt), (hi, hi_txt)) if check_bounds else ():
        try:
            with_overrides(scenario, {path: rng.value(rng.to_unit(bound))})
        except ScenarioError as exc:
            # the bound may clash with another field (a pool below its credit sub-quota):
            # say which, or the message reads as if the bound were that other value
            other = getattr(exc, "field", None)
            where = f"with {other} as it is " if other and other != path else ""
            raise ScenarioError(
                f"{option} {text!r}: the bound {shown} is not allowed {where}({other or path}: "
                f"{exc.message})",
                field=path,
            ) from None
    return rng


def point_scenario(scenario: Scenario, values: Mapping[str, Any]) -> Scenario:
    """The scenario with fields set to ``values`` (``{path: value}``), validated."""
    return with_overrides(scenario, dict(values)) if values else scenario


def numeric_output(
    summary: Mapping[str, Any], key: str, *, missing_day: float | None = None
) -> float:
    """A summary figure as a float; a day key that is ``None`` becomes ``missing_day``.

    Parameters
    ----------
    summary
        One run's summary (a dict or a row of the table from :func:`evaluate_points`).
    key
        A numeric summary key (or an extra measure).
    missing_day
        Value for a ``*_day`` key whose account was not exhausted; by default the
        horizon length ``summary["horizon_days"]`` (the first day the run cannot see).

    Returns
    -------
    float
        The value; NaN when a non-day figure is undefined (e.g. no decided application).
    """
    v = summary[key]
    if is_missing(v):
        if key in DAY_KEYS:
            return float(summary["horizon_days"] if missing_day is None else missing_day)
        return math.nan
    return float(v)


def numeric_outputs(
    runs: pd.DataFrame, key: str, *, missing_day: float | None = None
) -> np.ndarray:
    """Column ``key`` of a runs table as floats, with :func:`numeric_output`'s rules."""
    col = runs[key]
    out = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
    if is_day_key(key):
        fill = (
            runs["horizon_days"].to_numpy(dtype=float)
            if missing_day is None
            else np.full(len(runs), float(missing_day))
        )
        out = np.where(np.isnan(out), fill, out)
    return out


# --------------------------------------------------------------------------- dispatch


def evaluate_points(
    scenario: Scenario,
    points: Sequence[Mapping[str, Any]],
    replications: int,
    *,
    series: bool = False,
    first_replication: int = 0,
    processes: int | None = None,
    scheduler: str | None = None,
    store: str | Path | None = None,
    resume: bool = False,
    progress: bool = False,
) -> pd.DataFrame:
    """Run the scenario at every point, ``replications`` times each, and tabulate the runs.

    Every run is a :class:`sim.experiments.tasks.Task` executed by
    :func:`sim.experiments.executors.run_tasks`: in this process, in local processes or on a Dask
    cluster, optionally with a task store that lets an interrupted evaluation resume.

    Parameters
    ----------
    scenario
        The scenario the points change.
    points
        One mapping ``{path: value}`` per point (``{}`` is the scenario as it is).
    replications
        Runs per point. Replication ``i`` of every point uses the same seed (child
        ``i`` of ``SeedSequence(scenario.seed)``): common random numbers.
    series
        Keep the compact daily series of every run (``series_day``,
        ``series_disbursed_cum``, ``series_approved_cum``, ...; see
        :data:`sim.experiments.tasks.SERIES`).
    first_replication
        Index of the first replication; use ``R`` to draw ``R`` fresh replications
        beside a first set of ``R`` (an out-of-sample check).
    processes
        Local worker processes; ``1`` runs everything in this process, ``None`` uses
        every core.
    scheduler
        Address of a Dask scheduler (``tcp://host:8786``); the runs then go to that
        cluster.
    store, resume
        Task store folder, and whether to reuse the runs already in it.
    progress
        Show a progress bar on the terminal.

    Returns
    -------
    pandas.DataFrame
        One row per run, in point order then replication order: ``point``,
        ``replication``, ``seed``, the point's values (one column per path), the summary
        keys, ``first_zone_budget_exhausted_day`` and, with ``series``, the series.
        ``*_day`` columns are floats, NaN where the account lasted.

    Raises
    ------
    ScenarioError
        If a point's values are not valid for the scenario (checked before any run).
    sim.errors.ExperimentError
        A task store of another experiment, Dask missing, a scheduler unreachable.
    """
    from ..experiments import Task, run_tasks

    if replications < 1:
        raise AnalysisError("replications must be at least 1")
    base = scenario_to_dict(scenario)
    tasks = [
        Task(
            base,
            overrides=dict(p),
            replication=first_replication + r,
            seed=scenario.seed,
            keys={"point": i},
            series=series,
        )
        for i, p in enumerate(points)
        for r in range(replications)
    ]
    runs = run_tasks(
        tasks,
        scheduler=scheduler,
        processes=processes,
        store=store,
        resume=resume,
        progress=progress,
    )
    paths = sorted({k for p in points for k in p})
    for j, path in enumerate(paths):
        runs.insert(
            3 + j,
            path,
            [points[i].get(path, np.nan) for i in runs["point"].to_numpy()],
        )
    return runs
