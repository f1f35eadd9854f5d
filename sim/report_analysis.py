"""Deprecated: use :mod:`sim.reporting.analysis_report` (this alias is removed in the next release)."""

from sim._deprecated import alias

alias(__name__, "sim.reporting.analysis_report", "sim.reporting.design_report")
