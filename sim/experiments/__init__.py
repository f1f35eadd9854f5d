"""Experiments: replications, comparisons and sweeps run as independent tasks.

Public names: :class:`Task`, :func:`run_task`, :func:`run_tasks`, :class:`ExperimentError`,
:class:`ExperimentResult`, :func:`replicate`, :func:`compare`, :func:`sweep`,
:func:`grid_points`, :func:`lhs_points`, :func:`replication_seed`, :data:`SERIES`,
:data:`EXHAUSTION_QUOTAS`, :data:`TARGET_QUOTAS`, :data:`OPTIONAL_NUMERIC_KEYS`.

An experiment is a list of :class:`Task` objects (:mod:`.tasks`), built by a design
(:mod:`.designs`), run by an executor (:mod:`.executors`: in-process, local processes
or Dask) that keeps finished rows in a task store (:mod:`.store`) and returns an
:class:`ExperimentResult` (:mod:`.result`).
"""

# The submodules are imported when a name is first used (PEP 562): a single run that only
# needs :mod:`.precision` (the report's wording) does not import the executors.
from .._lazy import lazy_attributes
from ..errors import ExperimentError

_LAZY = {
    **dict.fromkeys(("compare", "grid_points", "lhs_points", "replicate", "sweep"), "designs"),
    **dict.fromkeys(("SCHEDULER_ENV", "run_tasks"), "executors"),
    **dict.fromkeys(("HEADLINE_KEYS", "NUMERIC_KEYS", "ExperimentResult"), "result"),
    "experiment_hash": "store",
    **dict.fromkeys(
        (
            "EXHAUSTION_QUOTAS",
            "EXTRA_KEYS",
            "OPTIONAL_NUMERIC_KEYS",
            "SERIES",
            "TARGET_QUOTAS",
            "Task",
            "replication_seed",
            "run_task",
        ),
        "tasks",
    ),
}

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
    "TARGET_QUOTAS",
    "EXTRA_KEYS",
    "OPTIONAL_NUMERIC_KEYS",
    "NUMERIC_KEYS",
    "HEADLINE_KEYS",
    "SCHEDULER_ENV",
]


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, __all__)
