"""Deprecated: use :mod:`sim.analysis.design` (this alias is removed in the next release)."""

from sim._deprecated import alias

alias(__name__, "sim.analysis.design", "sim.analysis.design_targets")
