"""Sensitivity: global sensitivity of headline figures to scenario parameters.

Public names: :class:`SensitivityResult`, :func:`run_sensitivity`, :func:`sample_unit`,
:func:`analyse`, :data:`METHODS`.

Two methods, both from SALib:

- **Sobol** (variance-based): Saltelli's extension of the Sobol' sequence
  (``SALib.sample.sobol``) with ``N`` base samples gives ``N (k + 2)`` points for ``k``
  parameters; ``SALib.analyze.sobol`` returns the first-order index ``S1`` (the share of
  the output's variance explained by the parameter alone) and the total index ``ST``
  (including all its interactions), each with a bootstrap confidence interval.
- **Morris** (elementary effects): ``r`` trajectories of ``k + 1`` points on a grid of
  ``levels`` levels (``SALib.sample.morris``); ``SALib.analyze.morris`` returns ``mu*``
  (mean absolute effect of moving the parameter by a fixed share of its range, in the
  output's unit), its bootstrap confidence interval and ``sigma`` (spread of the
  effects: non-linearity or interactions).

Every point is run ``R`` times with common random numbers and the output is the mean
over the replications. A ``*_day`` output (the day an account ran out) is ``None`` when
the account lasted the whole horizon; it then counts as the horizon length, the first
day the run cannot see (a censored value). The share of censored runs is reported
beside the indices: when it is high the indices describe "runs out or not" more than
"when".
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..experiments import OPTIONAL_NUMERIC_KEYS
from ..scenario import Scenario
from ..scenario.messages import did_you_mean
from .evaluation import (
    NUMERIC_KEYS,
    AnalysisError,
    ParamRange,
    evaluate_points,
    is_day_key,
    numeric_outputs,
)

__all__ = ["METHODS", "SensitivityResult", "run_sensitivity", "sample_unit", "analyse"]

METHODS = ("sobol", "morris")
Method = Literal["sobol", "morris"]

_CONF_LEVEL = 0.95
_RESAMPLES = 500


@dataclass
class SensitivityResult:
    """Indices of a global sensitivity analysis and the runs behind them.

    Attributes
    ----------
    method
        ``"sobol"`` or ``"morris"``.
    scenario
        The scenario the parameters vary.
    params
        The varied parameters and their ranges.
    outputs
        The summary keys analysed.
    replications
        Runs per point (common random numbers).
    samples
        One row per point: the parameters' values, then the mean of each output over
        the replications (censored days counted as the horizon length).
    runs
        One row per run (point x replication) with every summary key.
    indices
        Tidy table, one row per (output, parameter). Sobol: ``S1, S1_conf, ST,
        ST_conf``; Morris: ``mu, mu_star, mu_star_conf, sigma``. ``*_conf`` are half
        widths of 95 % bootstrap confidence intervals.
    censored
        Share of runs in which a ``*_day`` output was not reached, per output.
    meta
        Sample size, seed, levels, number of runs, timings.
    """

    method: str
    scenario: Scenario
    params: tuple[ParamRange, ...]
    outputs: tuple[str, ...]
    replications: int
    samples: pd.DataFrame
    runs: pd.DataFrame
    indices: pd.DataFrame
    censored: dict[str, float]
    meta: dict[str, Any] = field(default_factory=dict)


def _problem(params: tuple[ParamRange, ...]) -> dict[str, Any]:
    # SALib works in the unit cube; values are mapped to each range by ParamRange.value
    return {
        "num_vars": len(params),
        "names": [p.path for p in params],
        "bounds": [[0.0, 1.0]] * len(params),
    }


def sample_unit(
    params: tuple[ParamRange, ...],
    method: Method,
    samples: int,
    *,
    seed: int,
    levels: int = 4,
) -> np.ndarray:
    """Points of the design in the unit cube, one row per point.

    Parameters
    ----------
    params
        The varied parameters.
    method
        ``"sobol"`` (``samples`` is the base sample ``N``, a power of 2; the design has
        ``N (k + 2)`` rows) or ``"morris"`` (``samples`` trajectories of ``k + 1`` rows).
    samples
        ``N`` or the number of trajectories.
    seed
        Seed of the scrambled Sobol' sequence or of the Morris trajectories.
    levels
        Grid levels of the Morris method.

    Returns
    -------
    numpy.ndarray
        Shape ``(points, k)``, values in ``[0, 1]``.
    """
    problem = _problem(params)
    if method == "sobol":
        from SALib.sample import sobol

        if samples < 2 or samples & (samples - 1):
            raise AnalysisError(
                f"--samples {samples}: the Sobol method needs a power of 2 (e.g. 32, 64, 128)"
            )
        return sobol.sample(problem, samples, calc_second_order=False, scramble=True, seed=seed)
    if method == "morris":
        from SALib.sample import morris

        if samples < 2:
            raise AnalysisError(f"--samples {samples}: the Morris method needs >= 2 trajectories")
        return morris.sample(problem, samples, num_levels=levels, seed=seed)
    raise AnalysisError(f"--method {method!r}: expected one of {', '.join(METHODS)}")


def analyse(
    params: tuple[ParamRange, ...],
    method: Method,
    x_unit: np.ndarray,
    y: np.ndarray,
    *,
    seed: int,
    levels: int = 4,
) -> pd.DataFrame:
    """Sensitivity indices of one output from the design and the output's values.

    Parameters
    ----------
    params
        The varied parameters.
    method
        ``"sobol"`` or ``"morris"``.
    x_unit
        The design from :func:`sample_unit`.
    y
        The output at every point of the design.
    seed
        Seed of the bootstrap of the confidence intervals.
    levels
        Grid levels of the Morris design.

    Returns
    -------
    pandas.DataFrame
        One row per parameter (column ``parameter``) and the method's indices.
    """
    problem = _problem(params)
    if method == "sobol":
        from SALib.analyze import sobol

        res = sobol.analyze(
            problem,
            y,
            calc_second_order=False,
            num_resamples=_RESAMPLES,
            conf_level=_CONF_LEVEL,
            seed=seed,
        )
        cols = ["S1", "S1_conf", "ST", "ST_conf"]
    else:
        from SALib.analyze import morris

        res = morris.analyze(
            problem,
            x_unit,
            y,
            num_resamples=_RESAMPLES,
            conf_level=_CONF_LEVEL,
            num_levels=levels,
            seed=seed,
        )
        cols = ["mu", "mu_star", "mu_star_conf", "sigma"]
    out = pd.DataFrame({c: np.asarray(res[c], dtype=float) for c in cols})
    out.insert(0, "parameter", [p.path for p in params])
    return out


def run_sensitivity(
    scenario: Scenario,
    params: list[ParamRange] | tuple[ParamRange, ...],
    outputs: list[str] | tuple[str, ...],
    *,
    method: Method = "sobol",
    samples: int = 64,
    replications: int = 1,
    levels: int = 4,
    seed: int | None = None,
    processes: int | None = None,
    scheduler: str | None = None,
    store: str | Path | None = None,
    resume: bool = False,
    progress: bool = False,
) -> SensitivityResult:
    """Run a global sensitivity analysis of summary figures to scenario parameters.

    Parameters
    ----------
    scenario
        The scenario whose fields are varied.
    params
        The parameters and their ranges (at least two; see
        :func:`sim.analysis.evaluation.parse_range`).
    outputs
        Numeric summary keys (see :data:`sim.SUMMARY_KEYS`).
    method
        ``"sobol"`` or ``"morris"``.
    samples
        Sobol base sample ``N`` (a power of 2) or the number of Morris trajectories.
    replications
        Runs per point, with common random numbers; the output is their mean.
    levels
        Grid levels of the Morris design.
    seed
        Seed of the design and of the bootstraps (default: the scenario's seed).
    processes, scheduler, store, resume, progress
        Where the runs go, and the task store an interrupted analysis resumes from; see
        :func:`sim.analysis.evaluation.evaluate_points`.

    Returns
    -------
    SensitivityResult
        Indices, the design with mean outputs, and every run.

    Raises
    ------
    AnalysisError
        If an output is not a numeric summary key, fewer than two parameters are given,
        a parameter is repeated, the sample size does not suit the method, or an output
        is undefined in some run (e.g. the approval rate of a run with no decision).
    """
    params = tuple(params)
    outputs = tuple(outputs)
    if method not in METHODS:
        raise AnalysisError(f"--method {method!r}: expected one of {', '.join(METHODS)}")
    if len(params) < 2:
        raise AnalysisError("give at least two parameters to vary (ranges path=lo:hi)")
    names = [p.path for p in params]
    if len(set(names)) != len(names):
        raise AnalysisError(f"a parameter is given twice: {names}")
    if not outputs:
        raise AnalysisError("give at least one output (--output KEY)")
    known = (*NUMERIC_KEYS, *OPTIONAL_NUMERIC_KEYS)
    for key in outputs:
        if key not in known:
            raise AnalysisError(
                f"--output {key!r} is not a numeric summary figure"
                f"{did_you_mean(key, known)}; choose from: " + ", ".join(known)
            )
    if replications < 1:
        raise AnalysisError("--replications must be at least 1")
    seed = scenario.seed % 2**32 if seed is None else seed
    t0 = time.perf_counter()
    x_unit = sample_unit(params, method, samples, seed=seed, levels=levels)
    points = [{p.path: p.value(u) for p, u in zip(params, row, strict=True)} for row in x_unit]
    t1 = time.perf_counter()
    runs = evaluate_points(
        scenario,
        points,
        replications,
        processes=processes,
        scheduler=scheduler,
        store=store,
        resume=resume,
        progress=progress,
    )
    t2 = time.perf_counter()
    samples_df = pd.DataFrame([{k: v for k, v in p.items()} for p in points])
    samples_df.index.name = "point"
    censored: dict[str, float] = {}
    frames = []
    for key in outputs:
        if key not in runs:
            raise AnalysisError(
                f"--output {key}: the runs of this scenario do not report it (a figure of a "
                "measure or option the scenario does not use); choose another output"
            )
        values = numeric_outputs(runs, key)
        if np.isnan(values).any():
            bad = int(np.isnan(values).sum())
            raise AnalysisError(
                f"--output {key}: undefined in {bad} of {len(values)} runs "
                "(e.g. a rate with nothing to divide); choose another output or other ranges"
            )
        if is_day_key(key):
            censored[key] = float(runs[key].isna().mean())
        y = values.reshape(len(points), replications).mean(axis=1)
        samples_df[key] = y
        idx = analyse(params, method, x_unit, y, seed=seed, levels=levels)
        idx.insert(0, "output", key)
        frames.append(idx)
    t3 = time.perf_counter()
    return SensitivityResult(
        method=method,
        scenario=scenario,
        params=params,
        outputs=outputs,
        replications=replications,
        samples=samples_df.reset_index(),
        runs=runs,
        indices=pd.concat(frames, ignore_index=True),
        censored=censored,
        meta={
            "method": method,
            "samples": samples,
            "levels": levels if method == "morris" else None,
            "seed": seed,
            "points_n": len(points),
            "runs_n": len(points) * replications,
            "replications": replications,
            "conf_level": _CONF_LEVEL,
            "bootstrap_resamples": _RESAMPLES,
            "timings_s": {"design": t1 - t0, "runs": t2 - t1, "analysis": t3 - t2},
        },
    )
