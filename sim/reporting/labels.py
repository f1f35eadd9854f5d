"""Words for the codes that reach the figures and tables of experiment and analysis reports.

Public names: :data:`LABELS`, :func:`label`.

One mapping, so a translation can extend it: outcome codes (``refused_firm_limit``),
savings categories (``relief_water``) and the summary figures used on report pages.
"""

from __future__ import annotations

__all__ = ["LABELS", "label"]

#: Code -> words shown to a reader.
LABELS: dict[str, str] = {
    # outcomes of applications
    "approved": "approved",
    "refused_credit": "credit",
    "refused_quota": "quota exhausted",
    "refused_credit_quota": "credit sub-quota exhausted",
    "refused_guarantee": "guarantee capacity exhausted",
    "refused_firm_limit": "firm limit",
    "pending": "pending",
    # savings categories
    "interest": "interest subsidy",
    "guarantee_fee": "guarantee fee",
    "relief_rent": "rent relief",
    "relief_electricity": "electricity relief",
    "relief_water": "water relief",
    "relief_internet": "internet relief",
    "award": "awards",
    # summary figures on the savings and refusal pages
    "interest_savings_amount": "interest saved",
    "guarantee_fee_savings_amount": "guarantee fees saved",
    "relief_paid_amount": "cost relief",
    "awards_paid_amount": "awards",
    "savings_total_amount": "total savings",
    "refused_credit_n": "credit",
    "refused_quota_n": "quota exhausted",
    "refused_guarantee_n": "guarantee capacity exhausted",
    "refused_firm_limit_n": "firm limit",
    "zone_budgets_exhausted_n": "zone budgets exhausted",
}


def label(code: str) -> str:
    """The words for ``code``; unknown codes lose their underscores (``a_b`` -> ``a b``).

    Parameters
    ----------
    code
        An outcome, savings category or summary key.

    Returns
    -------
    str
    """
    return LABELS.get(code, code.replace("_", " "))
