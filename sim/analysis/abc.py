"""Bayesian calibration: approximate Bayesian computation by sequential Monte Carlo.

Public names: :class:`PosteriorResult`, :func:`calibrate_abc`,
:func:`weighted_quantile`, :func:`read_posterior`, :func:`draw_posterior`.

A point fit (:func:`sim.analysis.calibration.calibrate`) returns the parameters that
bring the simulated figures closest to the observed ones, with a standard error from the
objective's curvature. When two parameter values fit the early observations equally well
and disagree later (docs/validation.md, the PBOC case), that error hides the
disagreement. ABC returns instead a *posterior*: the distribution of the parameters
given the observations, which :func:`sim.analysis.validation.predict` can carry into a
posterior-predictive band.

**Method** (ABC-SMC with the ``pyabc`` library, the ``abc`` extra; Toni et al. 2009,
Beaumont et al. 2009). Each particle is one parameter vector drawn from the prior (then
from a perturbation of the previous generation) and **one** run of the scenario with it,
on a replication seed of its own, so the posterior holds the parameters whose runs,
stochastic as they are, come close to the observations. A particle is accepted when its
distance to the observations is below the generation's threshold ``eps_t``; ``eps_t`` is
the median distance of the previous generation (pyabc's ``QuantileEpsilon`` with
``alpha = 0.5``), so the thresholds fall generation by generation. Weights correct for
the proposal (importance sampling); the perturbation kernel is a multivariate normal
fitted to the previous generation. The run stops after ``generations`` generations, when
the threshold reaches ``min_epsilon``, or when fewer than ``min_acceptance`` of the
particles tried are accepted.

**Distance** (the relative residuals of :mod:`sim.analysis.calibration`, one run in place
of a mean over ``R``)::

    d = sqrt( sum_i w_i ((sim_i - obs_i) / scale_i)^2 / sum_i w_i )

over the observations with ``role: fit``; held-out observations (``role: predict``) are
simulated with every particle but never enter ``d``. A figure a run leaves undefined has
the residual 10 (1000 %).

**Priors.** Uniform over each ``--fit`` range by default. A targets file may give others
under ``priors:``, by path, always truncated to the ``--fit`` range::

    priors:
      awareness.outreach_rate_day: {dist: loguniform}
      demand.waiting_at_launch_share: {dist: normal, mean: 0.02, sd: 0.01}

**Outputs.** Weighted posterior samples, each parameter's mean, median and 5-95 %
credible interval (weighted quantiles), the threshold schedule, and the observations
against the final generation's simulated figures (a posterior-predictive check: weighted
mean and 5-95 % band over its particles).

**Reproducibility.** With one process the result is a function of ``seed``. With several
processes (pyabc's multicore sampler) or a Dask cluster (its distributed sampler) the
order in which particles come back changes the draws: the posterior is the same in
distribution, not to the digit.
"""

from __future__ import annotations

import math
import os
import tempfile
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import AnalysisError
from ..scenario import Scenario, scenario_to_dict, with_overrides
from .evaluation import ParamRange, fitted_paths
from .targets import Targets, TargetsError, check_horizon, observations, simulated

__all__ = [
    "PosteriorResult",
    "calibrate_abc",
    "draw_posterior",
    "read_posterior",
    "weighted_quantile",
]

#: Residual of a figure a run leaves undefined (as in the point fit).
_MISSING_RESIDUAL = 10.0
#: Column of the particles' weights in a posterior table.
WEIGHT = "weight"


def weighted_quantile(x: np.ndarray, w: np.ndarray, q: float | Sequence[float]) -> np.ndarray:
    """Quantiles of weighted samples (the inverse of the weighted empirical distribution,
    interpolated between the midpoints of the samples' weights).

    Parameters
    ----------
    x, w
        Samples and their non-negative weights (any total).
    q
        Probabilities in ``[0, 1]``.

    Returns
    -------
    numpy.ndarray
        One quantile per probability.
    """
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    order = np.argsort(x)
    x, w = x[order], w[order]
    cw = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.interp(np.atleast_1d(q), cw, x)


def _need_pyabc() -> Any:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pyabc
    except ImportError:
        raise AnalysisError(
            "Bayesian calibration (--method abc) needs the abc extra: "
            'pip install -e ".[abc]" (or pip install "smesim[abc]")'
        ) from None
    import logging

    # pyabc reports every generation on its loggers; the command line prints its own lines
    for name in ("ABC", "ABC.History", "ABC.Sampler", "ABC.Distance", "ABC.Epsilon"):
        logging.getLogger(name).setLevel(logging.WARNING)
    return pyabc


class _Simulator:
    """One particle: the scenario with the parameter values, run once on its own seed.

    Picklable (pyabc's samplers send it to worker processes or a Dask cluster).
    """

    def __init__(
        self,
        base: dict[str, Any],
        seed: int,
        params: tuple[ParamRange, ...],
        obs: pd.DataFrame,
        names: dict[str, str],
    ):
        self.base = base
        self.seed = seed
        self.params = params
        self.obs = obs
        self.names = names

    def values(self, parameter: Mapping[str, float]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for p in self.params:
            x = float(parameter[self.names[p.path]])
            out[p.path] = int(round(x)) if p.integer else x
        return out

    def __call__(self, parameter: Mapping[str, float]) -> dict[str, float]:
        from ..experiments.tasks import Task, run_task

        # the replication index: drawn from numpy's global stream, which pyabc seeds
        replication = int(np.random.randint(0, 2**31 - 1))  # noqa: NPY002 - pyabc seeds it
        row = run_task(
            Task(
                self.base,
                overrides=self.values(parameter),
                replication=replication,
                seed=self.seed,
                series=True,
            )
        )
        sim = simulated(pd.DataFrame([row]), self.obs)[0]
        return {f"o{i}": float(v) for i, v in enumerate(sim)}


class _Distance:
    """Weighted relative L2 distance over the fitted observations (picklable)."""

    def __init__(
        self, fit_index: np.ndarray, observed: np.ndarray, scale: np.ndarray, w: np.ndarray
    ):
        self.fit_index = fit_index
        self.observed = observed
        self.scale = scale
        self.w = w

    def __call__(self, x: Mapping[str, float], x0: Mapping[str, float] | None = None) -> float:
        sim = np.array([x[f"o{i}"] for i in self.fit_index], dtype=float)
        r = (sim - self.observed) / self.scale
        r = np.where(np.isnan(r), _MISSING_RESIDUAL, r)
        return float(math.sqrt(np.sum(self.w * r**2) / np.sum(self.w)))


def _prior(
    pyabc: Any, params: tuple[ParamRange, ...], names: dict[str, str], priors: Mapping[str, Any]
) -> Any:
    rvs = {}
    for p in params:
        spec = priors.get(p.path)
        dist = getattr(spec, "dist", "uniform") if spec is not None else "uniform"
        if dist == "uniform":
            rv = pyabc.RV("uniform", p.lo, p.hi - p.lo)
        elif dist == "loguniform":
            if p.lo <= 0:
                raise AnalysisError(
                    f"prior of {p.path}: a loguniform prior needs a positive lower bound, "
                    f"the --fit range starts at {p.lo:g}"
                )
            rv = pyabc.RV("loguniform", p.lo, p.hi)
        else:  # normal, truncated to the range
            mean, sd = float(spec.mean), float(spec.sd)
            rv = pyabc.RV("truncnorm", (p.lo - mean) / sd, (p.hi - mean) / sd, mean, sd)
        rvs[names[p.path]] = rv
    return pyabc.Distribution(**rvs)


def _sampler(pyabc: Any, processes: int | None, scheduler: str | None) -> Any:
    if scheduler:
        try:
            from distributed import Client
        except ImportError:
            raise AnalysisError(
                'a Dask scheduler needs the dask extra: pip install -e ".[dask]"'
            ) from None
        return pyabc.sampler.DaskDistributedSampler(dask_client=Client(scheduler))
    n = (os.cpu_count() or 1) if processes is None else processes
    if n <= 1:
        return pyabc.sampler.SingleCoreSampler()
    return pyabc.sampler.MulticoreEvalParallelSampler(n_procs=n)


@dataclass
class PosteriorResult:
    """A Bayesian calibration: the posterior of the fitted parameters.

    Attributes
    ----------
    scenario
        The scenario that was fitted (with any ``--set`` overrides).
    targets
        The observations.
    params
        The fitted parameters and their ``--fit`` ranges (the priors' support).
    samples
        The final generation's particles: one column per parameter path and ``weight``
        (summing to 1).
    intervals
        One row per parameter: ``parameter, lo, hi, prior, mean, sd, q05, median, q95``
        (weighted; ``q05..q95`` is the 90 % credible interval).
    median
        ``{path: posterior median}``.
    median_scenario
        ``scenario`` with the posterior medians.
    schedule
        One row per generation: ``generation, epsilon, particles, simulations,
        acceptance`` (the share of the simulations tried that were accepted).
    table
        Observed against the final generation's simulated figures, one row per
        observation: ``label, kind, key, day, role, observed, mean, p05, p95, error``
        (weighted over the particles; ``error = mean / observed - 1``), ``in_band``.
    meta
        Population size, generations, stop reason, seed, simulations, timings.
    """

    scenario: Scenario
    targets: Targets
    params: tuple[ParamRange, ...]
    samples: pd.DataFrame
    intervals: pd.DataFrame
    median: dict[str, Any]
    median_scenario: Scenario
    schedule: pd.DataFrame
    table: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def fitted(self) -> dict[str, Any]:
        """The posterior medians (the values the written scenario takes)."""
        return self.median


def _check_inputs(
    scenario: Scenario,
    targets: Targets,
    params: tuple[ParamRange, ...],
    population_size: int,
    generations: int,
    min_acceptance: float,
) -> list[str]:
    """The fitted paths, once the budgets, the priors and the days are checked."""
    paths = fitted_paths(params)
    if population_size < 10 or generations < 1:
        raise AnalysisError("ABC needs a population of at least 10 and at least 1 generation")
    if not 0 <= min_acceptance < 1:
        raise AnalysisError(f"minimum acceptance {min_acceptance!r}: expected 0 <= a < 1")
    stray = sorted(set(targets.priors) - set(paths))
    if stray:
        raise TargetsError(
            f"a prior is given for {stray[0]}, which is not fitted; fit it with "
            f"--fit {stray[0]}=LO:HI or drop its prior (fitted: {', '.join(paths)})",
            field=f"priors.{stray[0]}",
        )
    check_horizon(targets, scenario)
    return paths


def calibrate_abc(
    scenario: Scenario,
    targets: Targets,
    params: Sequence[ParamRange],
    *,
    population_size: int = 200,
    generations: int = 8,
    min_epsilon: float = 0.0,
    min_acceptance: float = 0.02,
    seed: int | None = None,
    processes: int | None = None,
    scheduler: str | None = None,
    database: str | Path | None = None,
) -> PosteriorResult:
    """The posterior of scenario parameters given observed figures (ABC-SMC).

    Parameters
    ----------
    scenario
        The scenario to calibrate.
    targets
        The observations (:func:`sim.analysis.targets.load_targets`); ``role: fit``
        ones enter the distance, and ``priors:`` gives non-uniform priors.
    params
        The parameters and their ranges (:func:`sim.analysis.evaluation.parse_range`):
        the support of each prior.
    population_size
        Particles per generation.
    generations
        Most generations (after the first, drawn from the prior).
    min_epsilon
        Stop when the threshold falls to this distance.
    min_acceptance
        Stop when fewer than this share of the simulations tried are accepted.
    seed
        Seed of the draws (default: the scenario's seed).
    processes, scheduler
        One process, local worker processes, or a Dask scheduler's address.
    database
        SQLite file pyabc keeps the generations in (default: a temporary file).

    Returns
    -------
    PosteriorResult
        Weighted samples, credible intervals, schedule and the posterior-predictive table.

    Raises
    ------
    AnalysisError
        No parameter, a repeated one, bad budgets, a prior for a path not fitted, or the
        ``abc`` extra missing.
    TargetsError
        A day beyond the scenario's horizon.
    """
    params = tuple(params)
    paths = _check_inputs(scenario, targets, params, population_size, generations, min_acceptance)
    pyabc = _need_pyabc()
    seed = scenario.seed % 2**32 if seed is None else int(seed)
    obs = observations(targets)
    fit = obs["role"].to_numpy() == "fit"
    names = {p: f"p{i}" for i, p in enumerate(paths)}
    simulator = _Simulator(scenario_to_dict(scenario), scenario.seed, params, obs, names)
    distance = _Distance(
        np.flatnonzero(fit),
        obs["observed"].to_numpy(float)[fit],
        obs["scale"].to_numpy(float)[fit],
        obs["weight"].to_numpy(float)[fit],
    )
    prior = _prior(pyabc, params, names, targets.priors)
    # pyabc draws from numpy's global stream: seed it, and give it back as it was
    state = np.random.get_state()  # noqa: NPY002
    np.random.seed(seed)  # noqa: NPY002
    t0 = time.perf_counter()
    tmp = None
    try:
        abc = pyabc.ABCSMC(
            simulator,
            prior,
            pyabc.distance.FunctionDistance(distance),
            population_size=population_size,
            sampler=_sampler(pyabc, processes, scheduler),
            eps=pyabc.epsilon.QuantileEpsilon(alpha=0.5),
        )
        if database is None:
            tmp = tempfile.TemporaryDirectory(prefix="smesim-abc-")
            database = Path(tmp.name) / "abc.db"
        abc.new(
            f"sqlite:///{Path(database).resolve()}",
            {f"o{i}": v for i, v in enumerate(obs["observed"])},
        )
        history = abc.run(
            max_nr_populations=generations,
            minimum_epsilon=min_epsilon,
            min_acceptance_rate=min_acceptance,
        )
        t_last = history.max_t
        df, w = history.get_distribution(m=0, t=t_last)
        pops = history.get_all_populations()
        ws, stats = history.get_weighted_sum_stats(t=t_last)
    finally:
        np.random.set_state(state)  # noqa: NPY002
        if tmp is not None:
            tmp.cleanup()
    elapsed = time.perf_counter() - t0

    w = np.asarray(w, dtype=float)
    samples = pd.DataFrame({p: df[names[p]].to_numpy(float) for p in paths})
    samples[WEIGHT] = w / w.sum()
    intervals, median = _intervals(samples, params, targets)

    pops = pops[pops["t"] >= 0].reset_index(drop=True)
    schedule = pd.DataFrame(
        {
            "generation": pops["t"].astype(int),
            "epsilon": pops["epsilon"].astype(float),
            "particles": pops["particles"].astype(int),
            "simulations": pops["samples"].astype(int),
        }
    )
    schedule["acceptance"] = schedule["particles"] / schedule["simulations"]

    table = _predictive_table(obs, ws, stats)

    last = schedule.iloc[-1]
    if len(schedule) >= generations:
        stop = "generations"
    elif last["epsilon"] <= min_epsilon:
        stop = "min_epsilon"
    else:
        stop = "min_acceptance"
    return PosteriorResult(
        scenario=scenario,
        targets=targets,
        params=params,
        samples=samples,
        intervals=intervals,
        median=median,
        median_scenario=with_overrides(scenario, median),
        schedule=schedule,
        table=table,
        meta={
            "method": "ABC-SMC (pyabc)",
            "population_size": population_size,
            "generations_max": generations,
            "generations": int(len(schedule)),
            "min_epsilon": min_epsilon,
            "min_acceptance": min_acceptance,
            "stop": stop,
            "seed": seed,
            "simulations_n": int(schedule["simulations"].sum()),
            "epsilon_final": float(last["epsilon"]),
            "distance": "weighted relative L2 over the fitted observations, one run a particle",
            "timings_s": {"total": elapsed},
        },
    )


def _intervals(
    samples: pd.DataFrame, params: tuple[ParamRange, ...], targets: Targets
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Weighted mean, sd and 5/50/95 % quantiles of each parameter; the medians."""
    w = samples[WEIGHT].to_numpy(float)
    rows = []
    median: dict[str, Any] = {}
    for p in params:
        x = samples[p.path].to_numpy(float)
        q05, q50, q95 = weighted_quantile(x, w, [0.05, 0.5, 0.95])
        mean = float(np.sum(w * x))
        spec = targets.priors.get(p.path)
        rows.append(
            {
                "parameter": p.path,
                "lo": p.lo,
                "hi": p.hi,
                "prior": spec.describe() if spec is not None else "uniform",
                "mean": mean,
                "sd": float(math.sqrt(np.sum(w * (x - mean) ** 2))),
                "q05": float(q05),
                "median": float(q50),
                "q95": float(q95),
            }
        )
        median[p.path] = int(round(q50)) if p.integer else float(q50)
    return pd.DataFrame(rows), median


def _predictive_table(
    obs: pd.DataFrame, weights: Any, stats: Sequence[Mapping[str, float]]
) -> pd.DataFrame:
    """Observed against the particles' simulated figures (weighted mean and 5-95 %)."""
    ws = np.asarray(weights, dtype=float)
    ws = ws / ws.sum()
    sim = np.array([[s[f"o{i}"] for i in range(len(obs))] for s in stats], dtype=float)
    table = obs[["label", "kind", "key", "day", "role", "observed"]].copy()
    cols: dict[str, list[float]] = {"mean": [], "p05": [], "p95": []}
    for j in range(len(obs)):
        ok = ~np.isnan(sim[:, j])
        if not ok.any():
            for v in cols.values():
                v.append(np.nan)
            continue
        x, ww = sim[ok, j], ws[ok]
        lo, hi = weighted_quantile(x, ww, [0.05, 0.95])
        cols["mean"].append(float(np.sum(ww * x) / ww.sum()))
        cols["p05"].append(float(lo))
        cols["p95"].append(float(hi))
    for k, v in cols.items():
        table[k] = v
    table["error"] = table["mean"] / table["observed"] - 1.0
    table["in_band"] = (table["observed"] >= table["p05"]) & (table["observed"] <= table["p95"])
    table["source"] = obs["source"]
    return table


def read_posterior(path: str | Path, scenario: Scenario) -> pd.DataFrame:
    """Read posterior samples (``posterior.csv`` of ``smesim calibrate --method abc``).

    Parameters
    ----------
    path
        A CSV with one column per scenario path and an optional ``weight`` column; a
        calibration folder is accepted for its ``tables/posterior.csv``.
    scenario
        Every column but ``weight`` must be a field the scenario accepts.

    Returns
    -------
    pandas.DataFrame
        The samples, with ``weight`` normalised to sum 1 (equal weights if absent).

    Raises
    ------
    AnalysisError
        The file is missing, empty, not a table of numbers, or names an unknown field.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "tables" / "posterior.csv"
    try:
        df = pd.read_csv(path)
    except FileNotFoundError:
        raise AnalysisError(f"{path}: posterior file not found") from None
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise AnalysisError(f"{path}: cannot be read as a CSV table ({exc})") from None
    cols = [c for c in df.columns if c != WEIGHT]
    if df.empty or not cols:
        raise AnalysisError(f"{path}: no posterior samples (expected columns path..., weight)")
    try:
        df = df.apply(pd.to_numeric, errors="raise")
    except (ValueError, TypeError):
        raise AnalysisError(f"{path}: every column must hold numbers") from None
    w = df[WEIGHT].to_numpy(float) if WEIGHT in df else np.ones(len(df))
    if np.any(~np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
        raise AnalysisError(f"{path}: the weights must be non-negative numbers, not all 0")
    try:
        with_overrides(scenario, {c: df[c].iloc[0].item() for c in cols})
    except Exception as exc:  # a ScenarioError naming the path
        raise AnalysisError(f"{path}: column {exc}") from None
    df[WEIGHT] = w / w.sum()
    return df


def draw_posterior(samples: pd.DataFrame, n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` parameter sets drawn with replacement by weight, reproducibly from ``seed``."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0xABC,)))
    idx = rng.choice(len(samples), size=n, replace=True, p=samples[WEIGHT].to_numpy(float))
    cols = [c for c in samples.columns if c != WEIGHT]

    def value(x: Any) -> Any:
        # a whole number is written as one: an integer field refuses 3.0, a float one takes 3
        x = x.item() if hasattr(x, "item") else x
        return int(x) if isinstance(x, float) and x.is_integer() else x

    return [{c: value(samples[c].iloc[i]) for c in cols} for i in idx]
