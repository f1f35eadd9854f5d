"""Results: the tables of one run and its one-row summary, and :func:`run` that makes them.

Public names: :func:`run`, :class:`RunResult`, :func:`build_result`, :func:`write_csv`,
:data:`SUMMARY_KEYS`, :data:`SAVINGS_CATEGORIES`.
"""

from .result import (
    SAVINGS_CATEGORIES,
    SUMMARY_KEYS,
    RunResult,
    build_result,
    is_missing,
    write_csv,
)
from .runner import run

__all__ = [
    "run",
    "RunResult",
    "build_result",
    "write_csv",
    "is_missing",
    "SUMMARY_KEYS",
    "SAVINGS_CATEGORIES",
]
