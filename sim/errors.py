"""Exception types every layer raises (the command line maps them to exit codes).

Public names: :class:`ScenarioError`, :class:`ExperimentError`, :class:`AnalysisError`,
:class:`ReportError`, :func:`printable`.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["printable", "ScenarioError", "ExperimentError", "AnalysisError", "ReportError"]


def printable(text: str) -> str:
    """``text`` with control characters escaped, so that a message stays on its line."""
    return text if text.isprintable() else repr(text)[1:-1]


class ScenarioError(ValueError):
    """A scenario is invalid: names the file, the field path and what was expected.

    Parameters
    ----------
    message
        What is wrong and what was expected.
    file
        The scenario file the error was found in, if any.
    field
        Dotted path of the offending field, if any (the first one when there are several).
    fields
        Dotted paths of every offending field, when the message lists several problems.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        field: str | None = None,
        fields: tuple[str, ...] | list[str] | None = None,
    ):
        self.message = message
        self.file = str(file) if file is not None else None
        self.field = field
        self.fields = tuple(fields) if fields else ((field,) if field else ())
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        # with several problems each line names its own field
        if self.field and len(self.fields) <= 1:
            where.append(f"field '{printable(self.field)}'")
        prefix = ": ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class ExperimentError(ValueError):
    """A problem with an experiment's definition, its task store or its executor.

    Raised for a store whose manifest describes another experiment, a missing optional
    dependency (Dask), an unreachable scheduler or a task a Dask cluster lost for good
    (its workers died): things the user can fix, or retry with ``resume=True``.
    """


class AnalysisError(ValueError):
    """A request of an analysis cannot be met (an unknown output, a bad sample size...).

    The message says what was asked and what is allowed; the command line turns it into
    exit code 2.
    """


class ReportError(ValueError):
    """A report cannot be written as asked (an unknown language, no font for its script).

    The message says what is missing and how to install it; the command line turns it
    into exit code 2.
    """
