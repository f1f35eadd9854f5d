"""Deprecated: use :mod:`sim.model.instruments` (this alias is removed in the next release)."""

from sim._deprecated import alias

alias(__name__, "sim.model.instruments")
