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
        :func:`sim.analysis.evaluation.evaluate_points`); with a posterior, the
        posterior-predictive runs.
    meta
        Replications and seed.
    point_runs
        With a posterior: the runs of the scenario as written (the point fit), whose
        band the table keeps in ``point_mean``, ``point_p05``, ``point_p95``.
    """

    scenario: Scenario
    targets: Targets
    table: pd.DataFrame
    runs: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)
    point_runs: pd.DataFrame | None = None


def predict(
    scenario: Scenario,
    targets: Targets,
    replications: int = 20,
    *,
    posterior: pd.DataFrame | None = None,
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
    posterior
        Posterior samples (:func:`sim.analysis.abc.read_posterior`): run ``i`` then takes
        parameters drawn by weight from them (reproducibly from the scenario's seed) on
        child seed ``i``, so the band holds the parameters' uncertainty and the runs'
        randomness together: a posterior-predictive band. The scenario as written is run
        too, on the same seeds, and its band is kept beside (``point_mean``,
        ``point_p05``, ``point_p95``).
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
    point_runs = evaluate_points(
        scenario, [{}], replications, series=True, processes=processes, scheduler=scheduler
    )
    obs = observations(targets)
    table = obs[["label", "kind", "key", "day", "role", "observed"]].copy()
    meta: dict[str, Any] = {"replications": replications, "seed": scenario.seed}
    if posterior is None:
        runs = point_runs
    else:
        runs = _posterior_runs(scenario, posterior, replications, processes, scheduler)
        meta["posterior_samples_n"] = len(posterior)
    for prefix, rs in (
        (("", runs), ("point_", point_runs)) if posterior is not None else (("", runs),)
    ):
        sim = simulated(rs, obs)
        with warnings.catch_warnings():  # a figure no run defined: NaN, not a warning
            warnings.simplefilter("ignore", RuntimeWarning)
            table[f"{prefix}mean"] = np.nanmean(sim, axis=0)
            table[f"{prefix}p05"] = np.nanpercentile(sim, 5, axis=0)
            table[f"{prefix}p95"] = np.nanpercentile(sim, 95, axis=0)
        if not prefix:
            table["error"] = table["mean"] / table["observed"] - 1.0
            table["in_band"] = (table["observed"] >= table["p05"]) & (
                table["observed"] <= table["p95"]
            )
    table["source"] = obs["source"]
    return Prediction(
        scenario=scenario,
        targets=targets,
        table=table,
        runs=runs,
        meta=meta,
        point_runs=point_runs if posterior is not None else None,
    )


def _posterior_runs(
    scenario: Scenario,
    posterior: pd.DataFrame,
    replications: int,
    processes: int | None,
    scheduler: str | None,
) -> pd.DataFrame:
    """One run per replication ``i``, with parameters drawn from the posterior, on seed ``i``."""
    from ..experiments import Task, run_tasks
    from ..scenario import scenario_to_dict
    from .abc import draw_posterior

    base = scenario_to_dict(scenario)
    draws = draw_posterior(posterior, replications, scenario.seed)
    tasks = [
        Task(base, overrides=d, replication=i, seed=scenario.seed, keys={"point": i}, series=True)
        for i, d in enumerate(draws)
    ]
    return run_tasks(tasks, scheduler=scheduler, processes=processes)


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
