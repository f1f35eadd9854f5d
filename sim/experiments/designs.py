"""Designs: replications, comparisons and sweeps (grid or Latin hypercube) built as tasks.

Public names: :func:`replicate`, :func:`compare`, :func:`sweep`, :func:`grid_points`,
:func:`lhs_points`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ExperimentError
from ..scenario import (
    Scenario,
    get_path,
    parse_value,
    scenario_changes,
    scenario_to_dict,
)
from .executors import run_tasks
from .result import ExperimentResult
from .tasks import Task, plain_value

# --------------------------------------------------------------------------- designs


def grid_points(vary: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Cartesian product of lever values: one ``{path: value}`` dict per point.

    Parameters
    ----------
    vary
        ``{"guarantee.cap_per_firm": ["20m", "30m"], "loan_pool.total": [...]}``; the
        last lever varies fastest.

    Returns
    -------
    list of dict
    """
    import itertools

    paths = list(vary)
    for p in paths:
        if len(vary[p]) == 0:
            raise ExperimentError(f"lever {p!r} has no values")
    return [dict(zip(paths, combo, strict=True)) for combo in itertools.product(*vary.values())]


def lhs_points(
    ranges: Mapping[str, tuple[Any, Any]],
    n: int,
    *,
    seed: int,
    integer: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """A Latin hypercube sample of ``n`` points within the lever ranges.

    Parameters
    ----------
    ranges
        ``{path: (low, high)}``; bounds may be text as the field reads it (``"10m"``,
        ``"3000万"``, ``"50%"``; :func:`sim.scenario.parse_value`).
    n
        Number of points.
    seed
        Seed of :class:`scipy.stats.qmc.LatinHypercube` (normally the scenario's), so
        the same command draws the same points.
    integer
        Paths whose values are rounded to integers.

    Returns
    -------
    list of dict
    """
    import inspect

    from scipy.stats import qmc

    if n < 1:
        raise ExperimentError(f"the sample needs at least one point, got {n}")
    paths = list(ranges)
    if not paths:
        raise ExperimentError(
            "a Latin hypercube sample needs at least one range (path: (low, high))"
        )
    lo = np.empty(len(paths))
    hi = np.empty(len(paths))
    for j, p in enumerate(paths):
        try:
            lo[j], hi[j] = (parse_value(p, x) for x in ranges[p])
        except (ValueError, TypeError) as exc:
            raise ExperimentError(f"range of {p!r}: {exc}") from None
        if not lo[j] < hi[j]:
            raise ExperimentError(f"range of {p!r}: low ({lo[j]:g}) must be below high ({hi[j]:g})")
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    if "rng" in inspect.signature(qmc.LatinHypercube).parameters:
        sampler = qmc.LatinHypercube(d=len(paths), rng=rng)
    else:  # pragma: no cover - scipy < 1.15
        sampler = qmc.LatinHypercube(d=len(paths), seed=rng)
    u = sampler.random(n)
    x = lo + u * (hi - lo)
    out = []
    for row in x:
        pt = {}
        for j, p in enumerate(paths):
            pt[p] = int(round(row[j])) if p in integer else float(row[j])
        out.append(pt)
    return out


# --------------------------------------------------------------------------- helpers


def _as_scenario(s: Scenario | str | Path) -> Scenario:
    if isinstance(s, Scenario):
        return s
    from ..scenario import load_scenario

    return load_scenario(s)


def _check_replications(replications: int) -> int:
    r = int(replications)
    if r < 1:
        raise ExperimentError(f"replications must be at least 1, got {replications}")
    return r


def replicate(
    scenario: Scenario | str | Path,
    replications: int,
    *,
    seed: int | None = None,
    series: bool = True,
    scheduler: str | None = None,
    processes: int | None = None,
    store: str | Path | None = None,
    resume: bool = False,
    progress: bool | Callable[[int, int], None] = False,
) -> ExperimentResult:
    """Run ``replications`` replications of one scenario (Monte Carlo).

    Parameters
    ----------
    scenario
        A validated scenario or the path of a scenario file.
    replications
        Number of replications ``R``; replication ``i`` runs on
        ``SeedSequence(seed).spawn(R)[i]``.
    seed
        Root seed (default the scenario's).
    series
        Keep the daily series for fan charts and exhaustion probabilities.
    scheduler, processes, store, resume, progress
        Passed to :func:`run_tasks`.

    Returns
    -------
    ExperimentResult
        ``.runs`` holds one row per replication, ``.summary()`` mean/p05/p95.

    Examples
    --------
    >>> import sim
    >>> sc = sim.load_scenario("scenarios/shanghai_2024.yaml", ["population.firms_n=1500"])
    >>> ex = sim.replicate(sc, 3, processes=1)
    >>> len(ex.runs)
    3
    """
    sc = _as_scenario(scenario)
    r = _check_replications(replications)
    root = sc.seed if seed is None else int(seed)
    tasks = [Task(sc, replication=i, seed=root, keys={"point": 0}, series=series) for i in range(r)]
    rows = run_tasks(
        tasks,
        scheduler=scheduler,
        processes=processes,
        store=store,
        resume=resume,
        progress=progress,
    )
    return ExperimentResult.from_rows(
        rows, kind="replicate", scenario=sc, point_keys=["point"], replications=r, seed=root
    )


def compare(
    base: Scenario | str | Path,
    variants: Sequence[Scenario | str | Path],
    replications: int,
    *,
    labels: Sequence[str] | None = None,
    seed: int | None = None,
    series: bool = True,
    scheduler: str | None = None,
    processes: int | None = None,
    store: str | Path | None = None,
    resume: bool = False,
    progress: bool | Callable[[int, int], None] = False,
) -> ExperimentResult:
    """Run a base and variants on common random numbers and compare them.

    Every scenario runs replications ``0..R-1`` with the base's seed, so replication
    ``i`` of each scenario shares its random draws; :meth:`ExperimentResult.differences`
    then takes paired differences.

    Parameters
    ----------
    base
        The base scenario (or its file).
    variants
        One or more variant scenarios (or files).
    replications
        Replications per scenario.
    labels
        Names of base and variants in the tables (default the scenario names, made
        unique).
    seed
        Root seed (default the base's).
    series
        Keep daily series (fan charts per scenario).
    scheduler, processes, store, resume, progress
        Passed to :func:`run_tasks`.

    Returns
    -------
    ExperimentResult
        Point 0 is the base; ``.differences()`` the paired differences.
    """
    b = _as_scenario(base)
    vs = [_as_scenario(v) for v in variants]
    if not vs:
        raise ExperimentError("compare needs at least one variant")
    r = _check_replications(replications)
    root = b.seed if seed is None else int(seed)
    scenarios = [b, *vs]
    if labels is None:
        names: list[str] = []
        for s in scenarios:
            name, k = s.name, 2
            while name in names:
                name, k = f"{s.name}#{k}", k + 1
            names.append(name)
    else:
        names = [str(x) for x in labels]
        if len(names) != len(scenarios) or len(set(names)) != len(names):
            raise ExperimentError("labels must name the base and each variant, uniquely")
    tasks = [
        Task(s, replication=i, seed=root, keys={"point": p, "variant": names[p]}, series=series)
        for p, s in enumerate(scenarios)
        for i in range(r)
    ]
    rows = run_tasks(
        tasks,
        scheduler=scheduler,
        processes=processes,
        store=store,
        resume=resume,
        progress=progress,
    )
    return ExperimentResult.from_rows(
        rows,
        kind="compare",
        scenario=b,
        point_keys=["point", "variant"],
        replications=r,
        seed=root,
        meta={
            "base": names[0],
            "variants": names[1:],
            # what each variant sets differently from the base, for the cover
            "changes": {
                n: [[path, a, c] for path, a, c in scenario_changes(b, v)]
                for n, v in zip(names[1:], vs, strict=True)
            },
        },
    )


def sweep(
    scenario: Scenario | str | Path,
    *,
    vary: Mapping[str, Sequence[Any]] | None = None,
    ranges: Mapping[str, tuple[Any, Any]] | None = None,
    samples: int | None = None,
    points: Sequence[Mapping[str, Any]] | None = None,
    replications: int = 1,
    seed: int | None = None,
    series: bool = False,
    scheduler: str | None = None,
    processes: int | None = None,
    store: str | Path | None = None,
    resume: bool = False,
    progress: bool | Callable[[int, int], None] = False,
) -> ExperimentResult:
    """Run a scenario over a grid, a Latin hypercube sample or given points of levers.

    Give exactly one design: ``vary`` (grid, cartesian product), ``ranges`` with
    ``samples`` (Latin hypercube seeded from the scenario seed) or ``points``. Every
    point runs replications ``0..R-1`` on the same seeds (common random numbers), so
    differences between points are not blurred by different draws.

    Parameters
    ----------
    scenario
        The scenario (or its file) the levers change.
    vary
        ``{path: [values]}`` for a grid; values as in ``--set`` (``"30m"``).
    ranges
        ``{path: (low, high)}`` for a Latin hypercube sample.
    samples
        Number of points of the Latin hypercube sample.
    points
        Explicit points, ``[{path: value, ...}, ...]``.
    replications
        Replications per point.
    seed
        Root seed (default the scenario's); also seeds the Latin hypercube.
    series
        Keep daily series (off by default: sweeps can be large).
    scheduler, processes, store, resume, progress
        Passed to :func:`run_tasks`.

    Returns
    -------
    ExperimentResult
        ``.runs`` is the tidy table: one row per point and replication, one column per
        lever holding the value the scenario resolved it to (money as a number).

    Raises
    ------
    ScenarioError
        A lever path or value is invalid for the scenario (before anything runs).
    """
    sc = _as_scenario(scenario)
    r = _check_replications(replications)
    root = sc.seed if seed is None else int(seed)
    designs = sum(x is not None for x in (vary, ranges, points))
    if designs != 1:
        raise ExperimentError(
            "give exactly one design: vary (grid), ranges+samples (LHS) or points"
        )
    base = scenario_to_dict(sc)
    if vary is not None:
        pts = grid_points(vary)
        design = {"design": "grid", "vary": plain_value({k: list(v) for k, v in vary.items()})}
    elif ranges is not None:
        if samples is None:
            raise ExperimentError("a Latin hypercube sample needs samples= (--sample N)")
        integer = [
            p
            for p in ranges
            if isinstance(get_path(base, p), int) and not isinstance(get_path(base, p), bool)
        ]
        pts = lhs_points(ranges, samples, seed=root, integer=integer)
        design = {"design": "lhs", "ranges": plain_value(dict(ranges)), "samples": samples}
    else:
        pts = [dict(p) for p in points or []]
        if not pts:
            raise ExperimentError("points is empty")
        design = {"design": "points"}
    levers = list(dict.fromkeys(k for p in pts for k in p))
    tasks = []
    for j, pt in enumerate(pts):
        resolved = _with_point(sc, pt)
        rd = scenario_to_dict(resolved)
        values = {p: get_path(rd, p) for p in pt}
        # list- or mapping-valued levers become text so that points stay hashable keys
        keys = {"point": j, **{lv: _key_value(values.get(lv)) for lv in levers}}
        tasks += [
            Task(base, overrides=values, replication=i, seed=root, keys=keys, series=series)
            for i in range(r)
        ]
    rows = run_tasks(
        tasks,
        scheduler=scheduler,
        processes=processes,
        store=store,
        resume=resume,
        progress=progress,
    )
    return ExperimentResult.from_rows(
        rows,
        kind="sweep",
        scenario=sc,
        point_keys=["point", *levers],
        replications=r,
        seed=root,
        levers=levers,
        meta={**design, "points_n": len(pts)},
    )


def _key_value(v: Any) -> Any:
    return json.dumps(v) if isinstance(v, list | dict) else v


def _with_point(sc: Scenario, point: Mapping[str, Any]) -> Scenario:
    from ..scenario import with_overrides

    return with_overrides(sc, dict(point))
