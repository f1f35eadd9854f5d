"""Validation: a scenario's replications set beside observed figures at the targets' days.

Public names: :class:`Prediction`, :func:`predict`, :func:`series_band`.

The second half of the validation protocol (``docs/validation.md``): a scenario fitted
on the early observations of a real programme (``role: fit`` in its targets file, see
:mod:`sim.analysis.calibration`) is run with ``R`` replications and every observation,
above all the held-out ones (``role: predict``), is compared with the distribution of
the simulated figure: its mean, its 5th and 95th percentiles and the relative error of
the mean, ``error = mean / observed - 1``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..scenario import Scenario
from .evaluation import AnalysisError, evaluate_points
from .targets import CUMULATIVE_FLOWS, Targets, observations, simulated


@dataclass
class Prediction:
    """A scenario's replications compared with observed figures.

    Attributes
    ----------
    scenario
        The scenario that was run.
    targets
        The observations.
    table
        One row per observation: ``label, kind, key, day, role, observed, mean, p05,
        p95, error`` (relative error of the mean), ``in_band`` (the observation lies
        within the simulated 5-95 % band) and ``source``.
    runs
        One row per replication, with the daily series (see
        :func:`sim.analysis.evaluation.evaluate_points`).
    meta
        Replications and seed.
    """

    scenario: Scenario
    targets: Targets
    table: pd.DataFrame
    runs: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)


def predict(
    scenario: Scenario,
    targets: Targets,
    replications: int = 20,
    *,
    processes: int | None = None,
    scheduler: str | None = None,
) -> Prediction:
    """Run ``scenario`` ``replications`` times and compare it with every observation.

    Parameters
    ----------
    scenario
        The scenario (usually the one ``smesim calibrate`` wrote, fitted on the
        observations with ``role: fit``).
    targets
        The observations (:func:`sim.analysis.targets.load_targets`).
    replications
        Runs on child seeds ``0..R-1`` of the scenario's seed.
    processes, scheduler
        Where the runs go (see :func:`sim.analysis.evaluation.evaluate_points`).

    Returns
    -------
    Prediction
        The comparison table and the runs.

    Raises
    ------
    AnalysisError
        Fewer than 1 replication, or an observation beyond the scenario's horizon.
    """
    if replications < 1:
        raise AnalysisError("replications must be at least 1")
    last = max((p.day for c in targets.cumulative for p in c.points), default=-1)
    if last >= scenario.horizon.days:
        raise AnalysisError(
            f"an observation is on day {last}, beyond the horizon of scenario "
            f"{scenario.name!r} (days 0..{scenario.horizon.days - 1})"
        )
    runs = evaluate_points(
        scenario, [{}], replications, series=True, processes=processes, scheduler=scheduler
    )
    obs = observations(targets)
    sim = simulated(runs, obs)
    table = obs[["label", "kind", "key", "day", "role", "observed"]].copy()
    with warnings.catch_warnings():  # a figure no run defined: NaN, not a warning
        warnings.simplefilter("ignore", RuntimeWarning)
        table["mean"] = np.nanmean(sim, axis=0)
        table["p05"] = np.nanpercentile(sim, 5, axis=0)
        table["p95"] = np.nanpercentile(sim, 95, axis=0)
    table["error"] = table["mean"] / table["observed"] - 1.0
    table["in_band"] = (table["observed"] >= table["p05"]) & (table["observed"] <= table["p95"])
    table["source"] = obs["source"]
    return Prediction(
        scenario=scenario,
        targets=targets,
        table=table,
        runs=runs,
        meta={"replications": replications, "seed": scenario.seed},
    )


def series_band(runs: pd.DataFrame, flow: str) -> pd.DataFrame:
    """Daily mean and 5-95 % band over runs of the running total of ``flow``.

    Parameters
    ----------
    runs
        Runs with daily series (:attr:`Prediction.runs`).
    flow
        A flow of a targets file: ``applications_n``, ``approved_n``,
        ``disbursed_amount`` or ``guaranteed_amount``.

    Returns
    -------
    pandas.DataFrame
        Columns ``day, mean, p05, p95``.
    """
    if flow not in CUMULATIVE_FLOWS:
        raise AnalysisError(f"unknown flow {flow!r}; expected one of {list(CUMULATIVE_FLOWS)}")
    days = np.asarray(runs["series_day"].iloc[0], dtype=float)
    y = np.vstack([np.asarray(v, dtype=float) for v in runs[CUMULATIVE_FLOWS[flow]]])
    return pd.DataFrame(
        {
            "day": days,
            "mean": y.mean(axis=0),
            "p05": np.percentile(y, 5, axis=0),
            "p95": np.percentile(y, 95, axis=0),
        }
    )
