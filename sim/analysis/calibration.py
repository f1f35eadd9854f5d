"""Calibration: fitting scenario parameters to observed figures, and the baseline's targets.

Public names: :class:`Targets` (and :class:`SummaryTarget`, :class:`CumulativeTarget`,
:class:`CumulativePoint`), :class:`TargetsError`, :func:`load_targets`,
:func:`observations`, :func:`simulated`, :class:`CalibrationResult`, :func:`calibrate`,
:func:`calibrated_scenario_yaml`, :func:`relative_extends`, :data:`CUMULATIVE_FLOWS`.

**Targets file.** A YAML file of observations, validated by pydantic (unknown keys are
refused; errors name the file and the field)::

    name: my_programme
    description: what was observed, where and when
    illustrative: false          # true when the figures are made up for a demonstration
    summary:                     # headline figures of summary.json at the end of the run
      - {key: loan_holding_share, value: 0.73, weight: 2, source: "PBOC, end-2025"}
      - {key: avg_loan_amount, value: 12.5m}
      - {key: pool_exhausted_day, value: 300}   # not exhausted counts as the horizon
    cumulative:                  # running totals of a daily flow, at given days
      - of: disbursed_amount     # or approved_n (loans), guaranteed_amount
        weight: 1                # default weight of its points
        points:
          - {day: 90, value: 20bn}
          - {day: 180, value: 38bn, weight: 2}
          - {day: 270, value: 52bn, role: predict}   # held out: never fitted

A ``summary:`` key is a numeric key every run writes, or one a run writes when its
scenario uses what it describes (``loan_holding_share`` and ``loan_stock_start_amount``
with existing loans, ``guarantee_claim_rate`` with a guarantee rule of the second
revision); a target whose key has no value in some run (the scenario lacks it, or a claim
rate over a horizon no longer than one loan term) stops the fit with an error naming it.

``of:`` is ``applications_n`` (applications submitted to lenders), ``approved_n``,
``disbursed_amount`` (approved amount: a loan is disbursed on its approval day) or
``guaranteed_amount``. ``role: predict`` (on an observation or a whole ``cumulative:``
entry; default ``fit``) holds an observation out of the fit: the calibration reports
it beside the fitted ones and :func:`sim.analysis.validation.predict` compares a
scenario's replications with it (the validation protocol of ``docs/validation.md``).

Days count from the scenario's ``horizon.start_date`` (day 0). Amounts may carry the
suffixes of scenario files (``12.5m``, ``20bn``).

**Distance.** Each observation ``i`` has a residual ``r_i = (sim_i - obs_i) / scale_i``
where ``sim_i`` is the mean over ``R`` replications run with common random numbers and
``scale_i`` defaults to ``|obs_i|`` (relative error; give ``scale:`` for an observation
of 0). The fit minimises ``D = sum(w_i r_i^2) / sum(w_i)``.

**Fit.** A global stage over the parameter box (a Latin hypercube scan, or a small
differential evolution), then a Nelder-Mead polish within the bounds from the best
point. Both work in the unit cube of the ranges. Common random numbers make ``D`` a
deterministic function of the parameters with small steps, which Nelder-Mead tolerates.

**Uncertainty.** (1) *Curvature*: standard errors from the Gauss-Newton approximation of
the objective's curvature at the optimum, ``cov = s^2 (J' W J)^-1`` with ``J`` the
residuals' Jacobian by central differences over 5 % of each range and
``s^2 = sum(w r^2) / (n - p)`` the residual variance (needs more observations than
parameters). It measures how tightly the targets pin the parameters down given the
misfit. (2) *Replication subsets* (``refits > 0``): the polish is repeated from the
optimum on ``K`` fresh sets of ``R`` replications; the spread of the refitted values
measures how much the answer owes to the particular random draws.

**Baseline targets.** :data:`sim.analysis.baseline.BASELINE_TARGETS` holds the published
figures the Shanghai baseline is compared with, each with its source in ``FACTS.md``, its
band, its confidence and its role (a check, an input, or not comparable);
:func:`sim.analysis.baseline.baseline_table` sets a run's (or several runs') simulated
figures beside them (``smesim calibration-table``).
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
import yaml

from ..scenario import (
    Scenario,
    scenario_to_dict,
    with_overrides,
)
from .evaluation import (
    AnalysisError,
    ParamRange,
    evaluate_points,
    fitted_paths,
)
from .targets import Targets, TargetsError, check_horizon, observations, simulated  # noqa: F401 - TargetsError: re-exported (module docstring)

if TYPE_CHECKING:  # pragma: no cover
    from .abc import PosteriorResult

# --------------------------------------------------------------------------- objective

_MISSING_RESIDUAL = 10.0  # residual of a figure undefined in every replication (1000 %)


def _residuals(sim: np.ndarray, obs: pd.DataFrame) -> np.ndarray:
    """Relative residuals of the mean over runs (see :meth:`_Objective.residuals`)."""
    with np.errstate(invalid="ignore"):
        counts = np.sum(~np.isnan(sim), axis=0)
        mean = np.where(counts > 0, np.nansum(sim, axis=0) / np.maximum(counts, 1), np.nan)
    r = (mean - obs["observed"].to_numpy(float)) / obs["scale"].to_numpy(float)
    return np.where(np.isnan(r), _MISSING_RESIDUAL, r)


class _Objective:
    """``D(u)`` on the unit cube, evaluated in batches through the experiment executor."""

    def __init__(
        self,
        scenario: Scenario,
        params: tuple[ParamRange, ...],
        obs: pd.DataFrame,
        replications: int,
        *,
        first_replication: int = 0,
        processes: int | None,
        scheduler: str | None,
    ):
        self.scenario = scenario
        self.params = params
        self.obs = obs
        self.replications = replications
        self.first_replication = first_replication
        self.processes = processes
        self.scheduler = scheduler
        self.w = obs["weight"].to_numpy(float)
        self.scale = obs["scale"].to_numpy(float)
        self.observed = obs["observed"].to_numpy(float)
        self.cache: dict[tuple, dict[str, Any]] = {}
        self.trace: list[dict[str, Any]] = []
        self.stage = "global"
        self.runs_n = 0

    def values(self, u: np.ndarray) -> dict[str, Any]:
        u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
        return {p.path: p.value(x) for p, x in zip(self.params, u, strict=True)}

    def _key(self, values: dict[str, Any]) -> tuple:
        return tuple(round(float(v), 12) for v in values.values())

    def residuals(self, sim: np.ndarray) -> np.ndarray:
        return _residuals(sim, self.obs)

    def distance(self, r: np.ndarray) -> float:
        return float(np.sum(self.w * r**2) / np.sum(self.w))

    def batch(self, us: np.ndarray) -> list[dict[str, Any]]:
        """Evaluate the points ``us`` (rows in the unit cube); return their cache entries."""
        us = np.atleast_2d(us)
        vals = [self.values(u) for u in us]
        keys = [self._key(v) for v in vals]
        todo = []
        for k, v in zip(keys, vals, strict=True):
            if k not in self.cache and k not in {self._key(t) for t in todo}:
                todo.append(v)
        if todo:
            n_tasks = len(todo) * self.replications
            # small batches run in this process: starting worker processes costs more
            processes = 1 if (n_tasks <= 8 and not self.scheduler) else self.processes
            runs = evaluate_points(
                self.scenario,
                todo,
                self.replications,
                series=True,
                first_replication=self.first_replication,
                processes=processes,
                scheduler=self.scheduler,
            )
            self.runs_n += len(runs)
            for i, v in enumerate(todo):
                pr = runs[runs["point"] == i].reset_index(drop=True)
                sim = simulated(pr, self.obs)
                r = self.residuals(sim)
                entry = {
                    "values": v,
                    "u": np.array([p.to_unit(v[p.path]) for p in self.params]),
                    "sim": sim,
                    "residuals": r,
                    "objective": self.distance(r),
                    "runs": pr,
                }
                self.cache[self._key(v)] = entry
                self.trace.append(
                    {
                        "evaluation": len(self.trace),
                        "stage": self.stage,
                        **v,
                        "objective": entry["objective"],
                    }
                )
        return [self.cache[k] for k in keys]

    def __call__(self, u: np.ndarray) -> float:
        return self.batch(np.asarray(u)[None, :])[0]["objective"]

    def vectorised(self, x: np.ndarray) -> np.ndarray:
        """For ``differential_evolution(vectorized=True)``: ``x`` has shape ``(k, S)``."""
        return np.array([e["objective"] for e in self.batch(np.asarray(x).T)])


def _polish(
    obj: _Objective, u0: np.ndarray, max_evals: int, step: float = 0.1
) -> tuple[np.ndarray, int]:
    from scipy.optimize import minimize

    k = len(u0)
    simplex = [u0]
    for i in range(k):
        v = u0.copy()
        v[i] = v[i] + step if v[i] + step <= 1 else v[i] - step
        simplex.append(v)
    res = minimize(
        obj,
        u0,
        method="Nelder-Mead",
        bounds=[(0.0, 1.0)] * k,
        options={
            "initial_simplex": np.array(simplex),
            "maxfev": max_evals,
            "xatol": 2e-3,
            "fatol": 1e-5,
        },
    )
    best = min(obj.cache.values(), key=lambda e: e["objective"])
    # the best point seen may beat Nelder-Mead's last simplex when the objective has steps
    u = best["u"] if best["objective"] < obj(res.x) else np.clip(res.x, 0, 1)
    return u, int(res.nfev)


def _curvature_se(obj: _Objective, u: np.ndarray, h: float = 0.05) -> tuple[np.ndarray, float]:
    """Gauss-Newton standard errors (in the unit cube) and the condition number of J'WJ."""
    k = len(u)
    n = len(obj.observed)
    pts = []
    for i in range(k):
        up, dn = u.copy(), u.copy()
        up[i] = min(1.0, u[i] + h)
        dn[i] = max(0.0, u[i] - h)
        pts += [up, dn]
    entries = obj.batch(np.array(pts))
    jac = np.zeros((n, k))
    for i in range(k):
        e_up, e_dn = entries[2 * i], entries[2 * i + 1]
        du = e_up["u"][i] - e_dn["u"][i]
        jac[:, i] = (e_up["residuals"] - e_dn["residuals"]) / du if du > 0 else 0.0
    w = obj.w
    jtwj = jac.T @ (w[:, None] * jac)
    cond = float(np.linalg.cond(jtwj)) if np.all(np.isfinite(jtwj)) else math.inf
    if n <= k or not np.isfinite(cond) or cond > 1e12:
        return np.full(k, np.nan), cond
    obj(u)
    r = obj.cache[obj._key(obj.values(u))]["residuals"]
    s2 = float(np.sum(w * r**2) / (n - k))
    cov = s2 * np.linalg.inv(jtwj)
    return np.sqrt(np.clip(np.diag(cov), 0, None)), cond


@dataclass
class CalibrationResult:
    """A fitted calibration.

    Attributes
    ----------
    scenario
        The scenario that was fitted (with any ``--set`` overrides).
    targets
        The observations.
    params
        The fitted parameters and their bounds.
    fitted
        ``{path: value}`` at the optimum.
    fitted_scenario
        ``scenario`` with the fitted values.
    objective
        ``D`` at the optimum (weighted mean squared relative residual).
    uncertainty
        One row per parameter: ``parameter, lo, hi, fitted, se_curvature`` and, with
        refits, ``refit_sd, refit_min, refit_max``; ``at_bound`` flags a value within
        1 % of the range of a bound.
    table
        Observed against simulated, one row per observation: ``label, kind, key, day,
        role, observed, simulated (mean over R), sim_min, sim_max, residual (relative),
        weight, contribution (share of D), source``. Held-out observations (``role:
        predict``) have weight 0: they are simulated at the optimum, never fitted.
    trace
        Every evaluated point: ``evaluation, stage, <paths>, objective``.
    refits
        Fitted values on fresh replication subsets (empty without refits).
    runs
        The runs at the optimum (one per replication, with daily series).
    meta
        Replications, methods, budgets, counts and timings.
    """

    scenario: Scenario
    targets: Targets
    params: tuple[ParamRange, ...]
    fitted: dict[str, Any]
    fitted_scenario: Scenario
    objective: float
    uncertainty: pd.DataFrame
    table: pd.DataFrame
    trace: pd.DataFrame
    refits: pd.DataFrame
    runs: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)


def _coerce(
    scenario: Scenario | str | Path,
    targets: Targets | str | Path,
    params: Sequence[ParamRange | str],
) -> tuple[Scenario, Targets, list[ParamRange]]:
    """Load a scenario and targets given as files, and parse ranges given as text."""
    from ..scenario import load_scenario
    from .evaluation import parse_range
    from .targets import load_targets

    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    tg = targets if isinstance(targets, Targets) else load_targets(targets, sc)
    return sc, tg, [parse_range(p, sc) if isinstance(p, str) else p for p in params]


def calibrate(
    scenario: Scenario | str | Path,
    targets: Targets | str | Path,
    params: Sequence[ParamRange | str],
    *,
    method: Literal["point", "abc"] = "point",
    population_size: int = 200,
    generations: int = 8,
    min_acceptance: float = 0.02,
    replications: int = 4,
    global_method: Literal["lhs", "de"] = "lhs",
    global_points: int | None = None,
    polish_evals: int = 40,
    refits: int = 0,
    seed: int | None = None,
    processes: int | None = None,
    scheduler: str | None = None,
) -> CalibrationResult:
    """Fit scenario parameters to observed figures.

    Parameters
    ----------
    scenario
        The scenario to calibrate (e.g. loaded with ``--set`` overrides for a smaller
        population standing for the real one through ``population.scale``), or its file.
    targets
        The observations (:func:`load_targets`), or their file.
    params
        The parameters to fit and their bounds (:func:`sim.analysis.evaluation.parse_range`,
        or its text ``"path=lo:hi"``).
    method
        ``"point"``: the best fit with its curvature standard errors (this function's
        stages below); ``"abc"``: the posterior by ABC-SMC
        (:func:`sim.analysis.abc.calibrate_abc`, which takes ``population_size``,
        ``generations``, ``min_acceptance``, ``seed``, ``processes`` and ``scheduler``,
        and returns a :class:`sim.analysis.abc.PosteriorResult`).
    population_size, generations, min_acceptance
        The ABC-SMC's budgets (``method="abc"`` only).
    replications
        Runs per evaluated point, with common random numbers; ``D`` uses their mean.
    global_method
        ``"lhs"``: evaluate a Latin hypercube of ``global_points`` points and keep the
        best; ``"de"``: differential evolution with a population of ``global_points``
        and 4 generations.
    global_points
        Size of the global stage (default ``max(8, 4 k)`` for ``k`` parameters).
    polish_evals
        Budget of the Nelder-Mead polish (evaluated points).
    refits
        Number of fresh replication subsets to refit on for the spread of the fit.
    seed
        Seed of the global stage (default: the scenario's seed).
    processes, scheduler
        Where the runs go (see :func:`sim.analysis.evaluation.evaluate_points`); batches of a
        few runs always run in this process.

    Returns
    -------
    CalibrationResult or PosteriorResult
        Fitted values, uncertainty, observed against simulated, trace and runs; with
        ``method="abc"``, the posterior.

    Raises
    ------
    AnalysisError
        No parameter, a repeated parameter, or bad budgets.
    TargetsError
        A day beyond the scenario's horizon.
    """
    # long on purpose: the sequence of a fit (checks, global search, polish, both uncertainty
    # estimates, result) read in one place; each step is a helper (_Objective, _polish,
    # _curvature_se)
    from scipy.optimize import differential_evolution
    from scipy.stats import qmc

    scenario, targets, params = _coerce(scenario, targets, params)
    if method == "abc":
        from .abc import calibrate_abc

        return calibrate_abc(  # type: ignore[return-value]
            scenario,
            targets,
            params,
            population_size=population_size,
            generations=generations,
            min_acceptance=min_acceptance,
            seed=seed,
            processes=processes,
            scheduler=scheduler,
        )
    if method != "point":
        raise AnalysisError(f"method {method!r}: expected point or abc")
    params = tuple(params)
    k = len(params)
    names = fitted_paths(params)
    if replications < 1 or polish_evals < 1 or refits < 0:
        raise AnalysisError("replications and polish evaluations must be >= 1, refits >= 0")
    if global_method not in ("lhs", "de"):
        raise AnalysisError(f"global method {global_method!r}: expected lhs or de")
    check_horizon(targets, scenario)
    seed = scenario.seed % 2**32 if seed is None else seed
    n_global = global_points if global_points is not None else max(8, 4 * k)
    obs_all = observations(targets)
    # held-out observations (role: predict) never enter the objective; the table reports them
    obs = obs_all[obs_all["role"] == "fit"].reset_index(drop=True)
    obj = _Objective(scenario, params, obs, replications, processes=processes, scheduler=scheduler)
    t0 = time.perf_counter()
    obj.stage = "global"
    if global_method == "lhs":
        u_lhs = qmc.LatinHypercube(d=k, seed=seed).random(n_global)
        entries = obj.batch(u_lhs)
        u_best = min(entries, key=lambda e: e["objective"])["u"]
    else:
        de = differential_evolution(
            lambda x: obj.vectorised(x),
            bounds=[(0.0, 1.0)] * k,
            popsize=max(1, math.ceil(n_global / k)),
            maxiter=4,
            polish=False,
            init="latinhypercube",
            seed=seed,
            vectorized=True,
            updating="deferred",
            tol=0,
        )
        u_best = np.clip(de.x, 0, 1)
    t1 = time.perf_counter()
    obj.stage = "polish"
    u_fit, _ = _polish(obj, np.asarray(u_best, dtype=float), polish_evals)
    t2 = time.perf_counter()
    obj.stage = "curvature"
    se_u, cond = _curvature_se(obj, u_fit)
    t3 = time.perf_counter()
    best = obj.cache[obj._key(obj.values(u_fit))]
    refit_rows = []
    runs_n = obj.runs_n
    for j in range(1, refits + 1):
        sub = _Objective(
            scenario,
            params,
            obs,
            replications,
            first_replication=j * replications,
            processes=processes,
            scheduler=scheduler,
        )
        sub.stage = f"refit {j}"
        u_j, _ = _polish(sub, u_fit.copy(), polish_evals)
        e = sub.cache[sub._key(sub.values(u_j))]
        refit_rows.append({"refit": j, **e["values"], "objective": e["objective"]})
        obj.trace.extend({**t, "evaluation": len(obj.trace) + i} for i, t in enumerate(sub.trace))
        runs_n += sub.runs_n
    t4 = time.perf_counter()

    fitted = best["values"]
    unc = pd.DataFrame(
        {
            "parameter": names,
            "lo": [p.lo for p in params],
            "hi": [p.hi for p in params],
            "fitted": [fitted[n] for n in names],
            "se_curvature": [s * (p.hi - p.lo) for s, p in zip(se_u, params, strict=True)],
        }
    )
    unc["at_bound"] = [bool(min(u, 1 - u) < 0.01) for u in best["u"]]
    refits_df = pd.DataFrame(refit_rows)
    if refit_rows:
        vals = pd.concat(
            [refits_df[names], pd.DataFrame([{n: fitted[n] for n in names}])], ignore_index=True
        )
        unc["refit_sd"] = [float(vals[n].std(ddof=1)) for n in names]
        unc["refit_min"] = [float(vals[n].min()) for n in names]
        unc["refit_max"] = [float(vals[n].max()) for n in names]

    sim = simulated(best["runs"], obs_all)
    r = _residuals(sim, obs_all)
    w = np.where(obs_all["role"] == "fit", obs_all["weight"].to_numpy(float), 0.0)
    table = obs_all[["label", "kind", "key", "day", "role", "observed"]].copy()
    with np.errstate(invalid="ignore"):
        table["simulated"] = [
            float(np.nanmean(c)) if np.any(~np.isnan(c)) else np.nan for c in sim.T
        ]
        table["sim_min"] = [float(np.nanmin(c)) if np.any(~np.isnan(c)) else np.nan for c in sim.T]
        table["sim_max"] = [float(np.nanmax(c)) if np.any(~np.isnan(c)) else np.nan for c in sim.T]
    table["residual"] = r
    table["weight"] = w
    contrib = w * r**2
    table["contribution"] = contrib / contrib.sum() if contrib.sum() > 0 else 0.0
    table["source"] = obs_all["source"]

    return CalibrationResult(
        scenario=scenario,
        targets=targets,
        params=params,
        fitted=dict(fitted),
        fitted_scenario=with_overrides(scenario, fitted),
        objective=best["objective"],
        uncertainty=unc,
        table=table,
        trace=pd.DataFrame(obj.trace),
        refits=refits_df,
        runs=best["runs"],
        meta={
            "replications": replications,
            "global_method": global_method,
            "global_points": n_global,
            "polish": "Nelder-Mead within bounds",
            "polish_evals_max": polish_evals,
            "refits": refits,
            "seed": seed,
            "evaluations_n": len(obj.trace),
            "runs_n": runs_n,
            "jtwj_condition": cond,
            "uncertainty": (
                "se_curvature: Gauss-Newton curvature of the objective at the optimum "
                "(central differences over 5 % of each range, scaled by the residual "
                "variance sum(w r^2)/(n-p))"
                + (
                    f"; refit_sd: spread of the fit over {refits} fresh sets of "
                    f"{replications} replications plus the main set"
                    if refits
                    else ""
                )
            ),
            "timings_s": {
                "global": t1 - t0,
                "polish": t2 - t1,
                "curvature": t3 - t2,
                "refits": t4 - t3,
                "total": t4 - t0,
            },
        },
    )


def _fitted_mapping(fitted_dict: dict[str, Any], paths: Sequence[str]) -> dict[str, Any]:
    """Nested mapping of the fitted fields; a path through a list writes the whole list."""
    out: dict[str, Any] = {}
    for path in paths:
        parts = path.split(".")
        src: Any = fitted_dict
        dst = out
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            child = src[part]
            if last or isinstance(child, list):
                # lists are replaced whole by extends:, so the whole list is written
                dst[part] = child
                break
            src = child
            dst = dst.setdefault(part, {})
    return out


def calibrated_scenario_yaml(
    result: CalibrationResult | PosteriorResult,
    extends: str,
    *,
    overrides: Sequence[str] = (),
    command: str = "",
) -> str:
    """A scenario file that ``extends:`` the original with the fitted values.

    Parameters
    ----------
    result
        The calibration: a point fit, or a posterior (the file then takes the posterior
        medians and records each 90 % credible interval in a comment).
    extends
        Path of the original scenario file, relative to where the new file will be.
    overrides
        The ``--set`` overrides the fit ran with; recorded in a comment, not applied
        (they usually shrink the population for speed).
    command
        The command line, recorded in a comment.

    Returns
    -------
    str
        YAML text; :func:`sim.load_scenario` loads it.
    """
    from .abc import PosteriorResult

    tg = result.targets
    illustrative = " (ILLUSTRATIVE targets)" if tg.illustrative else ""
    lines = [
        f"# Calibrated by smesim on {date.today().isoformat()}: {command}".rstrip(": "),
        f"# targets: {tg.name}"
        + (" (ILLUSTRATIVE figures, not observations)" if tg.illustrative else ""),
    ]
    if isinstance(result, PosteriorResult):
        fitted, fitted_scenario, suffix = result.median, result.median_scenario, "posterior"
        description = (
            f"{result.scenario.name} with the posterior medians of {', '.join(fitted)} "
            f"given the targets '{tg.name}'{illustrative} "
            f"(ABC-SMC, final threshold {result.meta['epsilon_final']:.3g})."
        )
        lines.append(
            "# posterior medians; tables/posterior.csv beside this file holds the samples "
            "(smesim predict --posterior)"
        )
        lines += [
            f"# {row['parameter']} = {row['median']:.6g} (90 % credible interval "
            f"{row['q05']:.6g}..{row['q95']:.6g}; prior {row['prior']} on "
            f"{row['lo']:.6g}..{row['hi']:.6g})"
            for _, row in result.intervals.iterrows()
        ]
    else:
        fitted, fitted_scenario, suffix = result.fitted, result.fitted_scenario, "calibrated"
        description = (
            f"{result.scenario.name} with {', '.join(fitted)} fitted to the targets "
            f"'{tg.name}'{illustrative}; objective {result.objective:.4g}."
        )
        for _, row in result.uncertainty.iterrows():
            extra = f", replication-subset sd {row['refit_sd']:.4g}" if "refit_sd" in row else ""
            lines.append(
                f"# {row['parameter']} = {row['fitted']:.6g} (bounds {row['lo']:.6g}.."
                f"{row['hi']:.6g}; curvature se {row['se_curvature']:.3g}{extra})"
            )
    if overrides:
        lines.append(
            "# fitted with the overrides (not applied here): --set " + " --set ".join(overrides)
        )
    body = {
        "extends": extends,
        "name": f"{result.scenario.name}_{suffix}",
        "description": description,
        **_fitted_mapping(scenario_to_dict(fitted_scenario), list(fitted)),
    }
    return "\n".join(lines) + "\n" + yaml.safe_dump(body, sort_keys=False, allow_unicode=True)


def relative_extends(original: str | Path, folder: str | Path) -> str:
    """Path of ``original`` relative to ``folder`` (absolute when on another drive)."""
    original, folder = Path(original).resolve(), Path(folder).resolve()
    try:
        return os.path.relpath(original, folder)
    except ValueError:  # pragma: no cover - Windows, another drive
        return str(original)
