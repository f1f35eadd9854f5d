"""Deprecated: use :mod:`sim.analysis.sensitivity` (this alias is removed in the next release)."""

from sim._deprecated import alias

alias(__name__, "sim.analysis.sensitivity")
