"""Codes stored in the run's integer arrays: the outcome of an application and the fate of a need.

The engine keeps outcomes and fates as small integers in numpy arrays; the result tables
turn them into names. Both enums live here so the engine, the instruments and the result
builder agree on them without importing one another. The member order is the code: never
reorder members, only append.

Public names: :class:`Outcome`, :class:`NeedFate`, :data:`OUTCOMES`, :data:`NEED_FATES`.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["Outcome", "NeedFate", "OUTCOMES", "NEED_FATES", "REFUSALS"]


class Outcome(IntEnum):
    """Outcome of an application. ``PENDING`` = not decided by the end of the horizon."""

    APPROVED = 0
    REFUSED_CREDIT = 1
    REFUSED_QUOTA = 2
    REFUSED_CREDIT_QUOTA = 3
    REFUSED_GUARANTEE = 4
    REFUSED_FIRM_LIMIT = 5
    PENDING = 6

    @property
    def label(self) -> str:
        """The name used in result tables, e.g. ``"refused_quota"``."""
        return self.name.lower()


class NeedFate(IntEnum):
    """What became of a financing need."""

    APPLIED = 0
    DECLINED = 1
    UNAWARE = 2
    INELIGIBLE = 3
    TOO_SMALL = 4
    OVER_LIMIT = 5
    NOT_DUE = 6

    @property
    def label(self) -> str:
        """The name used in result tables, e.g. ``"not_due"``."""
        return self.name.lower()


#: Outcome names in code order (index = code).
OUTCOMES: tuple[str, ...] = tuple(o.label for o in Outcome)
#: Need-fate names in code order (index = code).
NEED_FATES: tuple[str, ...] = tuple(f.label for f in NeedFate)
#: Outcomes that refuse an application because an account (a quota or the guarantee) ran out.
REFUSALS_BY_ACCOUNT: tuple[Outcome, ...] = (
    Outcome.REFUSED_QUOTA,
    Outcome.REFUSED_CREDIT_QUOTA,
    Outcome.REFUSED_GUARANTEE,
)
#: Every refusal (an application decided and not approved).
REFUSALS: tuple[Outcome, ...] = (
    Outcome.REFUSED_CREDIT,
    *REFUSALS_BY_ACCOUNT,
    Outcome.REFUSED_FIRM_LIMIT,
)
