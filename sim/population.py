"""Deprecated: use :mod:`sim.model.population` (this alias is removed in the next release)."""

from sim._deprecated import alias

alias(__name__, "sim.model.population")
