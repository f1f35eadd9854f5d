"""Base of the scenario schema: the frozen section model and the helpers of its checks.

Public names (shared by the schema modules): :class:`Section`, :class:`CrossFieldErrors`,
:func:`raise_problems`, :func:`sum_problem`, :func:`tier_problems`, :data:`Problem`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, SerializerFunctionWrapHandler, model_serializer

if TYPE_CHECKING:  # pragma: no cover
    from .schema import Scenario

SHARE_TOLERANCE = 1e-3

#: A problem of a scenario: ``(field path, message)``.
Problem = tuple[str, str]


class Section(BaseModel):
    """Base of every scenario section: frozen, unknown keys refused, defaults validated."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", validate_default=True, allow_inf_nan=False
    )

    #: Fields added after a scenario format was in use, with the value that changes
    #: nothing: left out of a dump at that value, so a scenario that does not use them
    #: dumps (in a manifest, ``smesim show``) as it did before they existed.
    omitted_at: ClassVar[dict[str, Any]] = {}

    @model_serializer(mode="wrap")
    def _omit_later_fields(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        for key, value in self.omitted_at.items():
            if key in data and data[key] == value:
                del data[key]
        return data

    def cross_problems(self, scenario: Scenario, path: str) -> list[Problem]:
        """Problems of this section against the rest of ``scenario`` (its tiers, zones,
        lenders, horizon), with field paths under ``path``; none by default.

        A measure's section declares its own checks across sections here, so the
        scenario's check names no measure; every problem of a scenario is reported at once.
        """
        return []


def tier_problems(path: str, names: list[str], tiers: Any) -> list[Problem]:
    """``(path.i, message)`` for each name of ``names`` that is not one of ``tiers``."""
    return [
        (
            f"{path}.{i}",
            f"unknown tier {t!r}; expected one of the population's tiers {sorted(tiers)}",
        )
        for i, t in enumerate(names)
        if t not in tiers
    ]


def sum_problem(
    path: str, shares: dict[str, float] | list[tuple[str, float]], what: str
) -> tuple[str, str] | None:
    """``(path, message)`` when ``shares`` do not sum to 1 within the tolerance, else None."""
    items = list(shares.items()) if isinstance(shares, dict) else list(shares)
    total = sum(v for _, v in items)
    if abs(total - 1.0) <= SHARE_TOLERANCE:
        return None
    listed = ", ".join(f"{k} {v:g}" for k, v in items[:12])
    more = ", ..." if len(items) > 12 else ""
    return (
        path,
        f"expected {what} to sum to 1 (within {SHARE_TOLERANCE}); they sum to {total:.6g} "
        f"({listed}{more})",
    )


def raise_problems(problems: list[tuple[str, str] | None]) -> None:
    """Raise the problems a model validator found (paths relative to that model)."""
    found = [p for p in problems if p is not None]
    if found:
        raise CrossFieldErrors(found)


class CrossFieldErrors(ValueError):
    """Problems a section's own check found across its fields: ``(path, message)`` pairs."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{p}: {m}" for p, m in errors))
