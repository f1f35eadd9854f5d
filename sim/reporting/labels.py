"""Words for the codes that reach the figures and tables of experiment and analysis reports.

Public names: :data:`LABELS`, :data:`FIGURE_LABELS`, :func:`label`, :func:`figure_label`.

One mapping, so a translation can extend it: outcome codes (``refused_firm_limit``),
savings categories (``relief_water``) and the summary figures used on report pages.
"""

from __future__ import annotations

__all__ = ["FIGURE_LABELS", "LABELS", "figure_label", "label"]

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
    "relief_tariff_cut_rent": "rent cut (landlords)",
    "relief_tariff_cut_electricity": "electricity tariff cut (utility)",
    "relief_tariff_cut_water": "water tariff cut (utility)",
    "relief_tariff_cut_internet": "broadband tariff cut (carriers)",
    "award": "awards",
    # summary figures on the savings and refusal pages
    "interest_savings_amount": "interest saved",
    "guarantee_fee_savings_amount": "guarantee fees saved",
    "relief_paid_amount": "cost relief",
    "relief_tariff_cut_amount": "tariff cuts (borne by suppliers)",
    "awards_paid_amount": "awards",
    "savings_total_amount": "total savings",
    "refused_credit_n": "credit",
    "refused_quota_n": "quota exhausted",
    "refused_guarantee_n": "guarantee capacity exhausted",
    "refused_firm_limit_n": "firm limit",
    "zone_budgets_exhausted_n": "zone budgets exhausted",
}


#: Headline figures as titles and table rows name them.
FIGURE_LABELS: dict[str, str] = {
    "applications_n": "Applications",
    "approved_n": "Approved applications",
    "approval_rate": "Approval rate",
    "borrower_firms_n": "Borrowing firms",
    "uptake_rate": "Uptake (borrowers / eligible)",
    "disbursed_amount": "Disbursed",
    "guaranteed_amount": "Guaranteed",
    "guaranteed_loans_n": "Guaranteed loans",
    "avg_guaranteed_loan_amount": "Average guaranteed loan",
    "unmet_demand_amount": "Unmet demand",
    "pool_used_share": "Loan pool used",
    "bank_quotas_exhausted_n": "Lender quotas exhausted",
    "guarantee_exhausted_day": "Guarantee capacity exhausted (day)",
    "zone_budgets_exhausted_n": "Zone budgets exhausted",
    "pool_exhausted_day": "Loan pool exhausted (day)",
    "first_bank_quota_exhausted_day": "First lender quota exhausted (day)",
    "credit_sub_quota_exhausted_day": "Credit-loan sub-quota exhausted (day)",
    "first_zone_budget_exhausted_day": "First zone budget exhausted (day)",
    "relief_paid_amount": "Cost relief paid",
    "savings_total_amount": "Savings of firms",
    "fiscal_cost_amount": "Fiscal cost",
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


def figure_label(key: str) -> str:
    """A headline figure's title words (:data:`FIGURE_LABELS`), else :func:`label`.

    Parameters
    ----------
    key
        A summary key, e.g. ``"pool_exhausted_day"``.

    Returns
    -------
    str
    """
    return FIGURE_LABELS.get(key) or label(key)
