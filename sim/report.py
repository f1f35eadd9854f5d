"""Deprecated: use :mod:`sim.reporting.run_report` (this alias is removed in the next release)."""

from sim._deprecated import alias

alias(__name__, "sim.reporting.run_report")
