"""Codes stored in the run's integer arrays: the outcome of an application and the fate of a need.

The engine keeps outcomes and fates as small integers in numpy arrays; the result tables
turn them into names. Both enums live here so the engine, the instruments and the result
builder agree on them without importing one another. The member order is the code: never
reorder members, only append.

Public names: :class:`Outcome`, :class:`NeedFate`, :class:`LoanType`, :data:`OUTCOMES`,
:data:`NEED_FATES`, :data:`LOAN_TYPES`.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["Outcome", "NeedFate", "LoanType", "OUTCOMES", "NEED_FATES", "LOAN_TYPES", "REFUSALS"]


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


class LoanType(IntEnum):
    """Type of an approved loan: a credit loan (信用贷款: no collateral above the credit-loan
    threshold and, when the scenario says so, no guarantee), a guaranteed loan (保证贷款:
    the fund covers it) or a secured loan (抵质押贷款: collateral above the threshold)."""

    CREDIT = 0
    GUARANTEED = 1
    SECURED = 2

    @property
    def label(self) -> str:
        """The name used in result tables, e.g. ``"guaranteed"``."""
        return self.name.lower()


#: Outcome names in code order (index = code).
OUTCOMES: tuple[str, ...] = tuple(o.label for o in Outcome)
#: Need-fate names in code order (index = code).
NEED_FATES: tuple[str, ...] = tuple(f.label for f in NeedFate)
#: Loan-type names in code order (index = code).
LOAN_TYPES: tuple[str, ...] = tuple(t.label for t in LoanType)
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
