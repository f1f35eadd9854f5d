"""One replication end to end: simulate the model, then build its result tables.

Public names: :func:`run`.

This is the seam between the model layer (:mod:`sim.model`, which knows nothing of
tables) and the result layer: :func:`run` builds a :class:`~sim.model.engine.Model`,
runs it, and hands its final state to :func:`~sim.results.result.build_result`.
"""

from __future__ import annotations

import time

import numpy as np

from .._version import __version__
from ..model.engine import Model
from ..scenario import Scenario, check_memory
from ..scenario.plausibility import outcome_warnings
from .result import RunResult, build_result

__all__ = ["run"]


def run(
    scenario: Scenario,
    *,
    seed: int | None = None,
    seed_sequence: np.random.SeedSequence | None = None,
) -> RunResult:
    """Run one replication of a scenario.

    Parameters
    ----------
    scenario
        The validated scenario.
    seed
        Overrides ``scenario.seed``.
    seed_sequence
        A spawned child sequence (for replications); takes precedence over ``seed``.

    Returns
    -------
    RunResult
        The run's tables and summary.

    Raises
    ------
    ScenarioError
        When the run would not fit in this host's memory (the pre-flight check,
        :func:`sim.scenario.check_memory`), before anything is allocated.

    Examples
    --------
    >>> import sim
    >>> sc = sim.load_scenario("scenarios/shanghai_2024.yaml", ["population.firms_n=2000"])
    >>> res = sim.run(sc, seed=1)
    >>> res.summary()["approved_n"].iloc[0] > 0
    True
    """
    check_memory(scenario)
    if seed_sequence is None:
        seed_sequence = np.random.SeedSequence(scenario.seed if seed is None else seed)
    t0 = time.perf_counter()
    model = Model(scenario, seed_sequence)
    t1 = time.perf_counter()
    model.run()
    t2 = time.perf_counter()
    result = build_result(model)
    t3 = time.perf_counter()
    result.meta.update(
        {
            "seed": int(seed_sequence.entropy) if isinstance(seed_sequence.entropy, int) else None,
            "spawn_key": list(seed_sequence.spawn_key),
            "version": __version__,
            "timings_s": {"setup": t1 - t0, "simulate": t2 - t1, "tables": t3 - t2},
            "simpy_steps": model.events_n,
            # the scenario's likely slips, then results that cannot be right
            "warnings": [*model.warnings, *outcome_warnings(result.summary_dict(), scenario)],
        }
    )
    return result
