"""Base of the scenario schema: the frozen section model and the helpers of its checks.

Public names: none (``_Section`` and the problem helpers are shared by the schema modules).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

SHARE_TOLERANCE = 1e-3


class _Section(BaseModel):
    model_config = ConfigDict(
        frozen=True, extra="forbid", validate_default=True, allow_inf_nan=False
    )


def _sum_problem(
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


def _raise_problems(problems: list[tuple[str, str] | None]) -> None:
    """Raise the problems a model validator found (paths relative to that model)."""
    found = [p for p in problems if p is not None]
    if found:
        raise _CrossFieldErrors(found)


class _CrossFieldErrors(ValueError):
    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{p}: {m}" for p, m in errors))
