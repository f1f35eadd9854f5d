"""Deprecated: use :mod:`sim.analysis.calibration` (this alias is removed in the next release)."""

from sim._deprecated import alias

alias(__name__, "sim.analysis.calibration", "sim.analysis.targets", "sim.analysis.baseline")
