"""Deprecated: use :mod:`sim.experiments` (this alias is removed in the next release)."""

from sim._deprecated import alias

alias(
    __name__,
    "sim.experiments",
    "sim.experiments.tasks",
    "sim.experiments.store",
    "sim.experiments.executors",
    "sim.experiments.result",
    "sim.experiments.designs",
)
