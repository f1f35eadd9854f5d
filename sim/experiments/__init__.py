"""Experiments: replications, comparisons and sweeps run as independent tasks.

Public names: :class:`Task`, :func:`run_task`, :func:`run_tasks`, :class:`ExperimentError`,
:class:`ExperimentResult`, :func:`replicate`, :func:`compare`, :func:`sweep`,
:func:`grid_points`, :func:`lhs_points`, :func:`replication_seed`, :data:`SERIES`,
:data:`EXHAUSTION_QUOTAS`.

An experiment is a list of :class:`Task` objects (:mod:`.tasks`), built by a design
(:mod:`.designs`), run by an executor (:mod:`.executors`: in-process, local processes
or Dask) that keeps finished rows in a task store (:mod:`.store`) and returns an
:class:`ExperimentResult` (:mod:`.result`).
"""

from ..errors import ExperimentError
from .designs import compare, grid_points, lhs_points, replicate, sweep
from .executors import SCHEDULER_ENV, run_tasks
from .result import HEADLINE_KEYS, NUMERIC_KEYS, ExperimentResult
from .store import experiment_hash
from .tasks import EXHAUSTION_QUOTAS, EXTRA_KEYS, SERIES, Task, replication_seed, run_task

__all__ = [
    "Task",
    "run_task",
    "run_tasks",
    "ExperimentError",
    "ExperimentResult",
    "replicate",
    "compare",
    "sweep",
    "grid_points",
    "lhs_points",
    "replication_seed",
    "experiment_hash",
    "SERIES",
    "EXHAUSTION_QUOTAS",
    "EXTRA_KEYS",
    "NUMERIC_KEYS",
    "HEADLINE_KEYS",
    "SCHEDULER_ENV",
]
