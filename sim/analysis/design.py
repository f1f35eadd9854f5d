"""Design: the value of a policy lever that meets a target on a headline figure.

Public names: :class:`DesignTarget`, :func:`parse_target`, :class:`DesignResult`,
:func:`design`, :func:`describe`, :func:`optimum_spread`, :class:`DesignError`,
:data:`GRAMMAR`.

A *lever* is one numeric scenario field with a range (``loan_pool.total=20bn:200bn``).
A *target* is a sentence of a small grammar on the summary figures of a run
(:data:`GRAMMAR`)::

    P(pool_exhausted_day <= 364) <= 0.10      probability over replications
    P(guarantee_exhausted_day < horizon) <= 10%
    mean uptake_rate >= 0.5                   mean over replications ("mean" optional)
    max borrower_firms_n / fiscal_cost_amount best ratio of means (or max KEY, min KEY)

A ``*_day`` figure of an account that lasted the whole horizon is missing; in a
probability it counts as never reached (so ``P(day <= d)`` does not count it), in a mean
it counts as the horizon length.

**Threshold targets** (probability or mean) are solved by bisection on the lever: the
target is checked at both bounds, then the bracket between a value that fails and one
that meets it is halved until it is narrower than ``tol`` of the range. The lever is
assumed to act monotonically (a bigger pool never runs out sooner); every point is run
with the same ``R`` replications (common random numbers), which keeps the estimated
curve monotone in practice. The answer is the end of the final bracket that meets the
target: the smallest value meeting it (``seek="min"``, the default: the cheapest
policy) or the largest (``seek="max"``).

**Optimum targets** are solved on a grid of the range, then refined by a bounded scalar
search (:func:`scipy.optimize.minimize_scalar`, bounded method) between the neighbours of
the best grid point.

**Uncertainty.** (1) The bracket width (numerical). (2) A bootstrap over replications:
the replications are resampled with replacement and the answer is found again on the
points already evaluated; the 5th-95th percentiles of those answers form a 90 %
interval. It is as fine as the evaluated points allow: near the answer, where bisection
has been, it is fine.

**Check.** The model is re-run at the answer on ``R`` *fresh* replications (seeds never
used in the search) and the achieved figure is reported with its 95 % interval (Wilson
for a probability, normal for a mean or ratio).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..experiments.precision import probability_warning
from ..scenario import Scenario
from .design_targets import (
    DesignError,
    DesignTarget,
    meets_target,
    parse_target,
    per_run_values,
    target_figure,
)
from .evaluation import (
    DAY_KEYS,
    ParamRange,
    evaluate_points,
)

# --------------------------------------------------------------------------- search


@dataclass
class DesignResult:
    """The answer to a design question.

    Attributes
    ----------
    scenario, lever, target
        The question.
    seek
        ``"min"`` or ``"max"`` (threshold targets): which end of the values meeting the
        target is sought.
    status
        ``"found"``; ``"met_at_bound"`` (the target is already met at the sought end of
        the range); ``"not_met"`` (nowhere in the range); for optimum targets
        ``"optimum"`` or ``"optimum_at_bound"``.
    value
        The answer (the lever value), or ``None`` when not met.
    bracket
        The final bisection bracket (threshold targets) or the refinement interval.
    interval
        90 % bootstrap interval of the answer over replications.
    curve
        One row per evaluated lever value: ``value, figure, meets, stage``.
    runs
        Every run of the search (``point``, ``replication``, summary keys).
    check
        The re-run at the answer on fresh replications: ``figure, low, high, meets,
        replications, in_sample_figure``.
    meta
        Replications, tolerance, timings, counts.
    """

    scenario: Scenario
    lever: ParamRange
    target: DesignTarget
    seek: str
    status: str
    value: float | None
    bracket: tuple[float, float] | None
    interval: tuple[float, float] | None
    curve: pd.DataFrame
    runs: pd.DataFrame
    check: dict[str, Any]
    meta: dict[str, Any] = field(default_factory=dict)


class _Search:
    def __init__(
        self,
        scenario: Scenario,
        lever: ParamRange,
        target: DesignTarget,
        replications: int,
        processes: int | None,
        scheduler: str | None,
    ):
        self.scenario = scenario
        self.lever = lever
        self.target = target
        self.replications = replications
        self.processes = processes
        self.scheduler = scheduler
        self.points: dict[float, dict[str, Any]] = {}
        self.frames: list[pd.DataFrame] = []

    def evaluate(self, values: list[float], stage: str) -> list[dict[str, Any]]:
        vals = [self.lever.value(self.lever.to_unit(v)) for v in values]
        todo = list(dict.fromkeys(v for v in vals if v not in self.points))
        if todo:
            n_tasks = len(todo) * self.replications
            processes = 1 if (n_tasks <= 8 and not self.scheduler) else self.processes
            runs = evaluate_points(
                self.scenario,
                [{self.lever.path: v} for v in todo],
                self.replications,
                processes=processes,
                scheduler=self.scheduler,
            )
            base = len(self.points)
            runs["point"] = runs["point"] + base
            self.frames.append(runs)
            for i, v in enumerate(todo):
                pr = runs[runs["point"] == base + i]
                per = per_run_values(self.target, pr, self.scenario)
                fig = target_figure(self.target, per)
                self.points[v] = {
                    "value": v,
                    "per_run": per,
                    "figure": fig,
                    "meets": meets_target(self.target, fig, self.scenario),
                    "stage": stage,
                }
        return [self.points[v] for v in vals]

    def curve(self) -> pd.DataFrame:
        rows = [
            {k: p[k] for k in ("value", "figure", "meets", "stage")} for p in self.points.values()
        ]
        return pd.DataFrame(rows).sort_values("value").reset_index(drop=True)


def _threshold_answer(values: np.ndarray, meets: np.ndarray, seek: str) -> float | None:
    """Smallest (seek min) value meeting the target with every larger one meeting it too."""
    order = np.argsort(values)
    v, m = values[order], meets[order]
    if seek == "max":
        v, m = v[::-1], m[::-1]
    # walk from the far end of the range back while the target holds
    ok = None
    for x, good in zip(v[::-1], m[::-1], strict=True):
        if not good:
            break
        ok = x
    return None if ok is None else float(ok)


def _bootstrap(
    search: _Search, rng: np.random.Generator, seek: str, n_boot: int
) -> tuple[float, float] | None:
    pts = sorted(search.points.values(), key=lambda p: p["value"])
    values = np.array([p["value"] for p in pts], dtype=float)
    per = [p["per_run"] for p in pts]
    r = search.replications
    answers = []
    for _ in range(n_boot):
        idx = rng.integers(0, r, size=r)
        figs = np.array([target_figure(search.target, x[idx]) for x in per])
        if search.target.kind == "optimum":
            sign = 1.0 if search.target.sense == "max" else -1.0
            answers.append(values[int(np.nanargmax(sign * figs))])
        else:
            meets = np.array([meets_target(search.target, f, search.scenario) for f in figs])
            a = _threshold_answer(values, meets, seek)
            if a is not None:
                answers.append(a)
    if len(answers) < n_boot / 2:
        return None
    lo, hi = np.percentile(answers, [5, 95])
    return float(lo), float(hi)


def _check(
    scenario: Scenario,
    lever: ParamRange,
    target: DesignTarget,
    value: float,
    replications: int,
    first: int,
    processes: int | None,
    scheduler: str | None,
) -> dict[str, Any]:
    # replications first.. were never used by the search (it used 0..first-1)
    runs = evaluate_points(
        scenario,
        [{lever.path: value}],
        replications,
        first_replication=first,
        processes=processes,
        scheduler=scheduler,
    )
    per = per_run_values(target, runs, scenario)
    fig = target_figure(target, per)
    n = replications
    if target.kind == "probability":
        z = 1.959964
        centre = (fig + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(fig * (1 - fig) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        low, high = centre - half, centre + half
    elif target.kind == "optimum" and target.denominator is not None:
        # delta method for a ratio of means
        num, den = per[:, 0], per[:, 1]
        mn, md = float(np.mean(num)), float(np.mean(den))
        se = math.nan
        if n > 1 and mn != 0 and md != 0:
            c = np.cov(num, den, ddof=1)
            rel = (c[0, 0] / mn**2 + c[1, 1] / md**2 - 2 * c[0, 1] / (mn * md)) / n
            se = abs(fig) * math.sqrt(max(float(rel), 0.0))
        low, high = fig - 1.96 * se, fig + 1.96 * se
    else:
        se = float(np.nanstd(per, ddof=1) / math.sqrt(n)) if n > 1 else math.nan
        low, high = fig - 1.96 * se, fig + 1.96 * se
    return {
        "value": value,
        "figure": fig,
        "low": float(low),
        "high": float(high),
        "meets": meets_target(target, fig, scenario) if target.kind != "optimum" else None,
        "replications": replications,
        "first_replication": first,
    }


def design(
    scenario: Scenario,
    lever: ParamRange,
    target: DesignTarget | str,
    *,
    replications: int = 20,
    seek: Literal["min", "max"] = "min",
    tol: float = 0.01,
    grid: int = 9,
    check_replications: int | None = None,
    bootstrap: int = 1000,
    seed: int | None = None,
    processes: int | None = None,
    scheduler: str | None = None,
) -> DesignResult:
    """Find the lever value that meets a target, with its uncertainty, and check it.

    Parameters
    ----------
    scenario
        The scenario.
    lever
        The lever and its range (:func:`sim.analysis.evaluation.parse_range`).
    target
        A :class:`DesignTarget` or its text (:data:`GRAMMAR`).
    replications
        Runs per lever value (common random numbers).
    seek
        Threshold targets: the smallest (``"min"``) or largest (``"max"``) value
        meeting the target.
    tol
        Bisection stops when the bracket is narrower than ``tol`` of the range; the
        refinement of an optimum stops at the same width.
    grid
        Grid points of an optimum search (at least 3).
    check_replications
        Fresh replications of the check (default ``replications``).
    bootstrap
        Bootstrap resamples of the replications.
    seed
        Seed of the bootstrap (default: the scenario's).
    processes, scheduler
        Where the runs go (see :func:`sim.analysis.evaluation.evaluate_points`).

    Returns
    -------
    DesignResult
        The answer, its bracket and bootstrap interval, the evaluated curve and the check.

    Raises
    ------
    DesignError
        A target that does not parse, or bad settings.
    """
    # the search as one readable sequence (checks, bounds, bisection or grid, bootstrap,
    # check run); the steps are helpers (_Search, _threshold_search, _bootstrap, _check)
    from scipy.optimize import minimize_scalar

    if isinstance(target, str):
        target = parse_target(target)
    _check_settings(seek, replications, tol, grid)
    check_r = check_replications or replications
    rng = np.random.default_rng(scenario.seed if seed is None else seed)
    t0 = time.perf_counter()
    s = _Search(scenario, lever, target, replications, processes, scheduler)
    width = tol * (lever.hi - lever.lo)
    if lever.integer:
        width = max(width, 1.0)
    if target.kind != "optimum":
        status, value, bracket, iterations = _threshold_search(s, lever, seek, width)
    else:
        xs = np.linspace(lever.lo, lever.hi, grid)
        pts = s.evaluate(list(xs), "grid")
        sign = 1.0 if target.sense == "max" else -1.0
        figs = np.array([p["figure"] for p in pts])
        if np.all(np.isnan(figs)):
            raise DesignError(f"--target {target.text!r}: the figure is undefined at every point")
        i = int(np.nanargmax(sign * figs))
        a, b = xs[max(i - 1, 0)], xs[min(i + 1, grid - 1)]
        bracket = (float(a), float(b))

        def f(x: float) -> float:
            (p,) = s.evaluate([x], "refine")
            return -sign * p["figure"] if not math.isnan(p["figure"]) else math.inf

        res = minimize_scalar(f, bounds=(a, b), method="bounded", options={"xatol": width})
        iterations = int(res.nfev)
        best = max(
            s.points.values(),
            key=lambda p: sign * p["figure"] if not math.isnan(p["figure"]) else -math.inf,
        )
        value = best["value"]
        at_bound = value in (lever.value(0.0), lever.value(1.0))
        status = "optimum_at_bound" if at_bound else "optimum"
    t1 = time.perf_counter()
    interval = _bootstrap(s, rng, seek, bootstrap) if value is not None else None
    check = (
        _check(scenario, lever, target, value, check_r, replications, processes, scheduler)
        if value is not None
        else {}
    )
    if check:
        check["in_sample_figure"] = s.points[value]["figure"]
    t2 = time.perf_counter()
    runs = pd.concat(s.frames, ignore_index=True) if s.frames else pd.DataFrame()
    return DesignResult(
        scenario=scenario,
        lever=lever,
        target=target,
        seek=seek,
        status=status,
        value=value,
        bracket=bracket,
        interval=interval,
        curve=s.curve(),
        runs=runs,
        check=check,
        meta={
            "replications": replications,
            "check_replications": check_r,
            "tol": tol,
            "grid": grid if target.kind == "optimum" else None,
            "iterations": iterations,
            "points_n": len(s.points),
            "runs_n": len(s.points) * replications + (check_r if check else 0),
            "bootstrap": bootstrap,
            "timings_s": {"search": t1 - t0, "check": t2 - t1, "total": t2 - t0},
        },
    )


def _fmt(v: float | None) -> str:
    if v is None:
        return "n/a"
    a = abs(v)
    for div, suf in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
        if a >= div:
            return f"{v / div:.4g} {suf}"
    return f"{v:.4g}"


def optimum_spread(result: DesignResult) -> tuple[float, float]:
    """How much an optimum's figure varies over the lever's range, against the check's noise.

    Returns
    -------
    tuple of float
        ``(spread, noise)``: the range of the curve's figure over the best in-sample
        figure, and the check's 95 % half-width over its figure (NaN where a figure is 0).
        A spread under twice the noise means the lever hardly matters for the target.
    """
    c = result.check
    figs = result.curve["figure"].to_numpy(float)
    best = c["in_sample_figure"]
    spread = (np.nanmax(figs) - np.nanmin(figs)) / abs(best) if best else math.nan
    noise = (c["high"] - c["low"]) / 2 / abs(c["figure"]) if c["figure"] else math.nan
    return float(spread), float(noise)


def describe(result: DesignResult) -> list[str]:
    """The question, the answer, its uncertainty and the check, as lines of text.

    Parameters
    ----------
    result
        A design.

    Returns
    -------
    list of str
        Lines for a terminal or a report page.
    """
    t, lev, m = result.target, result.lever, result.meta
    rng = f"{lev.path} in {_fmt(lev.lo)}..{_fmt(lev.hi)}"
    if t.kind == "optimum":
        question = f"the value of {rng} that gives the {t.sense} of " + (
            f"{t.key} / {t.denominator} (ratio of means)" if t.denominator else f"mean {t.key}"
        )
    else:
        end = "smallest" if result.seek == "min" else "largest"
        question = f"the {end} {rng} such that {t.text}"
    lines = [
        f"Question: {question}.",
        f"Scenario {result.scenario.name}; {m['replications']} replications per lever value "
        f"with common random numbers; {m['points_n']} values, {m['runs_n']} runs in "
        f"{m['timings_s']['total']:.0f} s.",
    ]
    if t.key in DAY_KEYS:
        lines.append(
            f"{t.key} is missing when the account lasted the whole horizon "
            f"({result.scenario.horizon.days} days): "
            + (
                "in a probability it counts as never reached."
                if t.kind == "probability"
                else "it counts as the horizon length."
            )
        )
    status = {
        "found": "found by bisection",
        "met_at_bound": "already met at the "
        + ("lower" if result.seek == "min" else "upper")
        + " bound of the range (widen it to see where it stops being met)",
        "not_met": "NOT met anywhere in the range (widen the range or ease the target)",
        "optimum": "best value of the range",
        "optimum_at_bound": "best value at a bound of the range (widen it)",
    }[result.status]
    lines.append(f"Answer: {_fmt(result.value)}  ({status}).")
    if result.bracket is not None and t.kind != "optimum":
        a, b = result.bracket
        lines.append(
            f"  bisection bracket [{_fmt(a)}, {_fmt(b)}] "
            f"({100 * (b - a) / (lev.hi - lev.lo):.2g} % of the range)"
        )
    if result.interval is not None:
        lo, hi = result.interval
        lines.append(
            f"  90 % bootstrap interval over replications [{_fmt(lo)}, {_fmt(hi)}] "
            "(on the lever values evaluated)"
        )
    c = result.check
    if c:
        what = (
            f"P = {c['figure']:.3g}"
            if t.kind == "probability"
            else f"{'ratio' if t.denominator else 'mean'} = {c['figure']:.4g}"
        )
        verdict = (
            "" if c["meets"] is None else ("  target met" if c["meets"] else "  target NOT met")
        )
        lines.append(
            f"Check at {_fmt(c['value'])} on {c['replications']} fresh replications "
            f"(seeds {c['first_replication']}..{c['first_replication'] + c['replications'] - 1}, "
            f"unused by the search): {what} (95 % interval {c['low']:.4g}..{c['high']:.4g})"
            f"{verdict}; in the search's replications {c['in_sample_figure']:.4g}."
        )
        if t.kind == "optimum":
            spread, noise = optimum_spread(result)
            lines.append(
                f"  the figure varies by {100 * spread:.2g} % over the range; the check's "
                f"95 % half-width is {100 * noise:.2g} %"
                + (": the lever hardly matters for this target" if spread < 2 * noise else "")
            )
    warning = probability_caution(result)
    if warning:
        lines.append(warning + ".")
    return lines


def probability_caution(result: DesignResult) -> str | None:
    """The warning when the answer rests on a probability from too few replications.

    Parameters
    ----------
    result
        A design.

    Returns
    -------
    str or None
        :func:`sim.experiments.precision.probability_warning` of the fewer of the
        search's and the check's replications; ``None`` for other targets or enough
        replications.
    """
    if result.target.kind != "probability":
        return None
    c = result.check
    return probability_warning(
        min([result.meta["replications"], *([c["replications"]] if c else [])])
    )


def _check_settings(seek: str, replications: int, tol: float, grid: int) -> None:
    """Refuse settings :func:`design` cannot work with (:class:`DesignError`)."""
    if seek not in ("min", "max"):
        raise DesignError(f"--seek {seek!r}: expected min or max")
    if replications < 2:
        raise DesignError("--replications must be at least 2 (probabilities and intervals)")
    if not 0 < tol < 0.5:
        raise DesignError(f"--tol {tol}: expected a share of the range in (0, 0.5)")
    if grid < 3:
        raise DesignError("--grid must be at least 3")


def _threshold_search(
    s: _Search, lever: ParamRange, seek: str, width: float
) -> tuple[str, float | None, tuple[float, float] | None, int]:
    """A threshold target: the bounds, then bisection between a failing and a meeting value.

    Returns ``(status, value, bracket, iterations)``.
    """
    bracket: tuple[float, float] | None = None
    iterations = 0
    lo_p, hi_p = s.evaluate([lever.lo, lever.hi], "bounds")
    near, far = (lo_p, hi_p) if seek == "min" else (hi_p, lo_p)
    if near["meets"]:
        status, value = "met_at_bound", near["value"]
    elif not far["meets"]:
        status, value = "not_met", None
    else:
        bad, good = near["value"], far["value"]
        while abs(good - bad) > width and iterations < 60:
            mid = lever.value(lever.to_unit((bad + good) / 2))
            if mid in (bad, good):
                break
            iterations += 1
            (p,) = s.evaluate([mid], "bisection")
            if p["meets"]:
                good = p["value"]
            else:
                bad = p["value"]
        status, value = "found", good
        bracket = (min(bad, good), max(bad, good))
    return status, value, bracket, iterations
