"""Catalogue block: the words of summary figures in every language (merged into :mod:`.i18n`).

Public names: :data:`FIGURE_LABELS`, :data:`SHORT_LABELS`. Look words up with
:func:`sim.reporting.i18n.figure_label` and :func:`sim.reporting.i18n.short_label`.
"""

from __future__ import annotations

__all__ = ["FIGURE_LABELS", "SHORT_LABELS"]

#: Headline figures as titles and table rows name them.
FIGURE_LABELS: dict[str, dict[str, str]] = {
    "en": {
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
    },
    "zh": {
        "applications_n": "申请数",
        "approved_n": "获批申请数",
        "approval_rate": "获批率",
        "borrower_firms_n": "获贷企业数",
        "uptake_rate": "获贷率（获贷企业 / 符合条件企业）",
        "disbursed_amount": "发放金额",
        "guaranteed_amount": "担保金额",
        "guaranteed_loans_n": "担保贷款笔数",
        "avg_guaranteed_loan_amount": "平均担保贷款额",
        "unmet_demand_amount": "未满足需求",
        "pool_used_share": "专项贷款额度使用率",
        "bank_quotas_exhausted_n": "额度用尽的贷款机构数",
        "guarantee_exhausted_day": "担保能力用尽（天）",
        "zone_budgets_exhausted_n": "用尽的园区预算数",
        "pool_exhausted_day": "专项贷款额度用尽（天）",
        "first_bank_quota_exhausted_day": "首家贷款机构额度用尽（天）",
        "credit_sub_quota_exhausted_day": "信用贷款子额度用尽（天）",
        "first_zone_budget_exhausted_day": "首个园区预算用尽（天）",
        "relief_paid_amount": "降本减负支付",
        "savings_total_amount": "企业节省合计",
        "fiscal_cost_amount": "财政成本",
    },
}

#: Short words for summary figures on bars and small titles, and for the quotas whose
#: exhaustion probability is drawn.
SHORT_LABELS: dict[str, dict[str, str]] = {
    "en": {
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
        "loan pool": "loan pool",
        "first lender quota": "first lender quota",
        "credit sub-quota": "credit sub-quota",
        "guarantee capacity": "guarantee capacity",
        "any zone budget": "any zone budget",
    },
    "zh": {
        "interest_savings_amount": "节省利息",
        "guarantee_fee_savings_amount": "节省担保费",
        "relief_paid_amount": "降本减负",
        "relief_tariff_cut_amount": "资费减免（供应方承担）",
        "awards_paid_amount": "奖励",
        "savings_total_amount": "节省合计",
        "refused_credit_n": "信用不足",
        "refused_quota_n": "额度用尽",
        "refused_guarantee_n": "担保能力用尽",
        "refused_firm_limit_n": "超出单户限额",
        "zone_budgets_exhausted_n": "用尽的园区预算数",
        "loan pool": "专项贷款额度",
        "first lender quota": "首家贷款机构额度",
        "credit sub-quota": "信用贷款子额度",
        "guarantee capacity": "担保能力",
        "any zone budget": "任一园区预算",
    },
}
