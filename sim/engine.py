"""Deprecated: use :mod:`sim.model.engine` (this alias is removed in the next release)."""

from sim._deprecated import alias

alias(__name__, "sim.model.engine", "sim.model.codes", "sim.results.runner")
