"""Results: the tables of one run and its one-row summary, and :func:`run` that makes them.

Public names: :func:`run`, :class:`RunResult`, :func:`build_result`, :func:`write_csv` (:mod:`.csv_writer`),
:data:`SUMMARY_KEYS`, :data:`OPTIONAL_SUMMARY_KEYS`, :data:`SAVINGS_CATEGORIES`, :class:`RegisteredKeys`,
:data:`TABLE_FORMATS`,
:func:`write_table_files`, :func:`check_table_format`; the column dictionary in
:mod:`sim.results.columns` (:func:`column_dictionary`, :func:`describe`) and the
workbook in :mod:`sim.results.workbook` (:func:`write_workbook`, written as SpreadsheetML
by :mod:`sim.results.sheet_cells` and :mod:`sim.results.spreadsheetml`); the figures of existing
loans, renewals and lists in :mod:`sim.results.demand_figures`.
"""

from .columns import column_dictionary, describe
from .result import (
    OPTIONAL_SUMMARY_KEYS,
    SAVINGS_CATEGORIES,
    SUMMARY_KEYS,
    TABLE_FORMATS,
    RegisteredKeys,
    RunResult,
    build_result,
    check_table_format,
    is_missing,
    write_csv,
    write_table_files,
)
from .runner import run
from .workbook import write_workbook

__all__ = [
    "RegisteredKeys",
    "run",
    "RunResult",
    "build_result",
    "write_csv",
    "is_missing",
    "SUMMARY_KEYS",
    "OPTIONAL_SUMMARY_KEYS",
    "SAVINGS_CATEGORIES",
    "TABLE_FORMATS",
    "check_table_format",
    "column_dictionary",
    "describe",
    "write_table_files",
    "write_workbook",
]
