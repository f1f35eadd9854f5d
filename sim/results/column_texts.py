"""Column texts: the meaning of every column and headline figure, and the unit names, by
language (the catalogue :mod:`sim.results.columns` reads).

Public names: :data:`MEANINGS`, :data:`UNIT_TEXTS`.

Keys of :data:`MEANINGS`: a headline figure (``disbursed_amount``), ``table.column``,
``*.column`` (that column in any table) and ``template:...`` (generated columns; fields
in braces). A translation adds a language with the same keys; ``tests/test_columns.py``
checks that it has them all.
"""

from __future__ import annotations

__all__ = ["MEANINGS", "UNIT_TEXTS"]

_SCALED = " Scaled to the population."

# Meanings in English: figure name, "table.column", "*.column" or "template:...".
_EN: dict[str, str] = {
    # ---- headline figures
    "scenario": "Name of the scenario.",
    "currency": "Currency of every amount.",
    "scale": "Real firms each simulated firm stands for (population.scale).",
    "horizon_days": "Days simulated.",
    "firms_n": "Firms in the population." + _SCALED,
    "simulated_firms_n": "Firms simulated (the sample).",
    "eligible_firms_n": "Firms whose tier may borrow from the loan pool at the end of the run."
    + _SCALED,
    "needs_n": "Financing needs that came due within the horizon." + _SCALED,
    "applications_n": "Loan applications submitted (a retry at another lender counts again)."
    + _SCALED,
    "approved_n": "Applications approved." + _SCALED,
    "pending_n": "Applications not decided by the end of the horizon." + _SCALED,
    "borrower_firms_n": "Firms with at least one approved loan." + _SCALED,
    "uptake_rate": "Borrowing firms over firms eligible for the loan pool.",
    "approval_rate": "Approved over decided applications (pending ones left out).",
    "refused_credit_n": "Applications refused by the lender's credit rule." + _SCALED,
    "refused_quota_n": "Applications refused because a lender quota, the shared pool or the "
    "credit-loan sub-quota had run out." + _SCALED,
    "refused_guarantee_n": "Applications refused because the guarantee capacity had run out."
    + _SCALED,
    "refused_firm_limit_n": "Applications refused because the firm would exceed "
    "loan_pool.max_per_firm." + _SCALED,
    "declined_needs_n": "Needs whose firm chose not to apply (benefit below the cost of "
    "applying)." + _SCALED,
    "unaware_needs_n": "Needs whose firm did not know of the measures in time." + _SCALED,
    "existing_loan_share": "Share of the firms eligible for the loan pool holding a bank "
    "loan with their main bank at launch.",
    "renewals_n": "Existing loans renewed into the programme: renewal applications (first "
    "attempts)." + _SCALED,
    "renewals_approved_n": "Renewal applications approved." + _SCALED,
    "renewals_amount": "Amount of approved renewals." + _SCALED,
    "loan_holding_share": "Share of the firms eligible for the loan pool holding a bank loan "
    "(existing, rolled over, or programme) on the last day.",
    "listed_firms_n": "Firms put on the lists pushed to the banks." + _SCALED,
    "list_called_n": "Listed firms the banks called within the horizon." + _SCALED,
    "disbursed_amount": "Amount of approved loans." + _SCALED,
    "avg_loan_amount": "Mean amount of an approved loan.",
    "credit_loans_amount": "Amount of approved credit loans (without collateral)." + _SCALED,
    "unmet_demand_amount": "Amount of applications refused for an exhausted account and not "
    "retried." + _SCALED,
    "pool_used_share": "Share of the loan pool (all lender quotas or the shared pool) drawn.",
    "pool_exhausted_day": "Day the whole loan pool had run out; empty if it lasted.",
    "bank_quotas_n": "Lender quotas.",
    "bank_quotas_exhausted_n": "Lender quotas that ran out.",
    "first_bank_quota_exhausted_day": "Day the first lender quota ran out; empty if none did.",
    "credit_sub_quota_exhausted_day": "Day the credit-loan sub-quota ran out; empty if it lasted.",
    "guarantee_exhausted_day": "Day the guarantee capacity first ran out; empty if it lasted.",
    "guarantee_capital_exhausted_day": "Day the guarantee fund's capital ran out; empty if it "
    "lasted.",
    "zone_budgets_n": "Zone and cluster cost-relief budgets.",
    "zone_budgets_exhausted_n": "Zone and cluster budgets that ran out.",
    "awards_budget_exhausted_day": "Day the awards budget ran out; empty if it lasted.",
    "funds_exhausted_day": "Day the first fund ran out; empty if none did.",
    "guaranteed_amount": "Amount guaranteed on approved loans." + _SCALED,
    "guaranteed_loans_n": "Approved loans with a guarantee." + _SCALED,
    "avg_guaranteed_loan_amount": "Mean amount of an approved guaranteed loan.",
    "defaults_n": "Loans that defaulted within the horizon." + _SCALED,
    "claims_paid_amount": "Guarantee claims paid by the fund within the horizon." + _SCALED,
    "relief_paid_amount": "Cost relief paid to firms." + _SCALED,
    "awards_paid_amount": "Certification awards paid to firms." + _SCALED,
    "firms_promoted_n": "Promotions to a higher tier in certification rounds." + _SCALED,
    "funds_invested_amount": "Equity invested by the funds (not a saving, not a fiscal cost)."
    + _SCALED,
    "interest_savings_amount": "Interest firms save against their market rate over the loans' "
    "terms." + _SCALED,
    "interest_subsidy_amount": "Interest subsidy the city pays over the loans' terms." + _SCALED,
    "guarantee_fee_savings_amount": "Guarantee fees firms save against the market fee." + _SCALED,
    "savings_total_amount": "Savings of firms: interest and guarantee fees saved, relief and "
    "awards received." + _SCALED,
    "fiscal_cost_amount": "Fiscal cost: interest subsidy, relief, awards, NPL compensation and "
    "expected guarantee losses, less guarantee fee income." + _SCALED,
    "interest_saving_in_horizon_amount": "Interest firms save within the horizon, accrued day by "
    "day over each loan's life: rate concession on loans the lender would have made anyway, "
    "plus the interest subsidy received." + _SCALED,
    "interest_saving_committed_amount": "Interest firms save after the horizon on loans made "
    "within it (to maturity or default)." + _SCALED,
    "subsidy_in_horizon_amount": "Interest subsidy firms earn within the horizon, accrued day "
    "by day, less what the appropriation could not pay." + _SCALED,
    "subsidy_committed_amount": "Interest subsidy firms earn after the horizon on loans made "
    "within it, less what the appropriation will not be able to pay." + _SCALED,
    "access_value_in_horizon_amount": "Value of access to credit of additional loans "
    "(behaviour.access_value_rate a year), accrued within the horizon." + _SCALED,
    "access_value_committed_amount": "Value of access of additional loans accrued after the "
    "horizon." + _SCALED,
    "savings_total_in_horizon_amount": "Savings of firms within the horizon: interest saved, "
    "access value, guarantee fees saved (accrued), relief and awards received." + _SCALED,
    "savings_total_committed_amount": "Savings of firms after the horizon on loans made within "
    "it." + _SCALED,
    "savings_total_pv_amount": "Present value at day 0 of the savings of firms, in horizon and "
    "committed (rates.discount_rate)." + _SCALED,
    "fiscal_cost_in_horizon_amount": "Fiscal cost paid within the horizon: subsidy paid, "
    "relief, awards, NPL compensation, and the expected guarantee loss less fees of the "
    "guarantees written." + _SCALED,
    "fiscal_cost_committed_amount": "Interest subsidy the city is due to pay after the horizon "
    "on loans made within it, within what the appropriation has left." + _SCALED,
    "fiscal_cost_pv_amount": "Present value at day 0 of the fiscal cost, in horizon and "
    "committed (rates.discount_rate)." + _SCALED,
    "subsidy_paid_amount": "Interest subsidy paid within the horizon." + _SCALED,
    "subsidy_unpaid_amount": "Interest subsidy due within the horizon and not paid: the "
    "appropriation (loan_pool.subsidy_budget) had run out." + _SCALED,
    "subsidy_unpaid_committed_amount": "Interest subsidy due after the horizon that the "
    "appropriation will not be able to pay." + _SCALED,
    "subsidy_unpaid_firms_n": "Firms with subsidy due and not paid within the horizon." + _SCALED,
    "subsidy_budget_exhausted_day": "Day the subsidy appropriation ran out; empty if it lasted "
    "or there is none.",
    "additional_loans_n": "Approved loans the lender would have refused without the programme "
    "(no guarantee, no NPL compensation)." + _SCALED,
    "additional_loans_amount": "Amount of the additional loans." + _SCALED,
    "additionality_share": "Additional loans' share of the amount disbursed.",
    "market_rate_avg": "Average rate approved borrowers would pay outside the programme "
    "(weighted by amount).",
    "npl_compensation_paid_amount": "NPL risk compensation paid to lenders on defaulted loans "
    "(present when the scenario has npl_compensation)." + _SCALED,
    "pool_kind": "Kind of the loan pool account: hard, target or revolving (written when "
    "the scenario names an account kind, as are the keys below).",
    "bank_quota_kind": "Kind of the lender quotas; empty in shared_pool mode.",
    "credit_sub_quota_kind": "Kind of the credit-loan sub-quota; empty without one.",
    "guarantee_kind": "Kind of the guarantee capacity account; empty without a fund.",
    "pool_target_reached_day": "Day the loans granted first reached the pool's total, when "
    "the pool is a target; empty if not reached or not a target.",
    "pool_overshoot_amount": "Amount lent beyond the pool's total when the pool is a target."
    + _SCALED,
    "bank_quota_targets_reached_n": "Lender quotas of kind target that were reached.",
    "first_bank_quota_target_reached_day": "Day the first lender quota target was reached; "
    "empty if none was.",
    "credit_sub_quota_target_reached_day": "Day the credit-loan sub-quota target was "
    "reached; empty if not reached or not a target.",
    "credit_sub_quota_overshoot_amount": "Credit loans granted beyond the sub-quota when it "
    "is a target." + _SCALED,
    "guarantee_target_reached_day": "Day the guarantees written reached the fund's capacity "
    "when it is a target; empty if not reached or not a target.",
    "guarantee_overshoot_amount": "Guarantees written beyond the capacity when it is a "
    "target." + _SCALED,
    "partial_grants_n": "Loans granted for less than asked: what remained of a hard or "
    "revolving account (loan_pool.partial_grants)." + _SCALED,
    "guarantee_fee_subsidy_amount": "Part of the guarantee fee the districts pay for firms "
    "(guarantee.fee_subsidy_share; a fiscal cost)." + _SCALED,
    "guarantee_claim_rate": "Claims paid within the horizon over the guarantees written.",
    "guaranteed_approvable_loans_n": "Guaranteed loans the lender would have approved without "
    "cover (batch and bank-choice guarantees)." + _SCALED,
    "guarantee_lenders_suspended_n": "Lenders whose guarantees were suspended because their "
    "claim rate passed guarantee.suspend_claim_rate.",
    "guarantee_first_suspension_day": "Day the first lender's guarantees were suspended; empty "
    "if none was.",
    "relief_claim_amount": "Relief claimed by firms and paid from the zone budgets (a fiscal "
    "cost; the same as relief_paid_amount)." + _SCALED,
    "relief_tariff_cut_amount": "Relief given as tariff cuts: no application, no budget, "
    "borne by the suppliers (not a fiscal cost)." + _SCALED,
    "relief_tariff_cut_landlords_amount": "Tariff cuts on rent, borne by landlords." + _SCALED,
    "relief_tariff_cut_utilities_amount": "Tariff cuts on electricity and water, borne by the "
    "utilities." + _SCALED,
    "relief_tariff_cut_carriers_amount": "Tariff cuts on broadband, borne by the telecom "
    "carriers." + _SCALED,
    "first_zone_budget_exhausted_day": "Day the first zone or cluster budget ran out; empty if "
    "none did.",
    "replications": "Replications (runs on different seeds).",
    "seed": "Root seed; replication i runs on numpy SeedSequence(seed).spawn(R)[i].",
    "applications_cum": "Applications submitted to lenders so far." + _SCALED,
    "approved_cum": "Approved applications so far." + _SCALED,
    "disbursed_cum": "Amount disbursed so far." + _SCALED,
    "guaranteed_cum": "Amount guaranteed so far." + _SCALED,
    "pool_remaining": "Loan pool remaining (all lender quotas or the shared pool)." + _SCALED,
    "credit_sub_quota_remaining": "Credit-loan sub-quota remaining." + _SCALED,
    "guarantee_remaining": "Guarantee capacity remaining." + _SCALED,
    # ---- shared columns
    "*.firm": "Number of the simulated firm (row of the firms table, from 0).",
    "*.tier": "Tier of the firm (its tier when the application was decided or the need came due).",
    "*.zone": "Zone or cluster the firm is in; none outside them.",
    "*.day": "Day of the run, from 0 (horizon.start_date).",
    "*.date": "Calendar date of the day.",
    "*.point": "Number of the point (scenario or lever values), from 0; 0 is the base.",
    "*.variant": "Name of the scenario of this point.",
    "*.replication": "Replication, from 0; replication i runs on the same seed at every point.",
    "*.seed": "Root seed of the experiment.",
    # ---- firms
    "firms.sector": "Sector of the firm.",
    "firms.revenue": "Annual revenue.",
    "firms.employees": "Number of employees.",
    "firms.age_years": "Age of the firm.",
    "firms.pd_annual": "Probability of default within a year.",
    "firms.collateral_ratio": "Collateral the firm can pledge, as a share of a loan.",
    "firms.main_bank": "The firm's main lender.",
    "firms.growth": "Annual revenue growth.",
    "firms.cost_rent": "Rent per year.",
    "firms.cost_electricity": "Electricity cost per year.",
    "firms.cost_water": "Water cost per year.",
    "firms.cost_internet": "Internet cost per year.",
    "firms.tier": "Tier of the firm at the end of the run.",
    "firms.existing_loan": "Whether the firm held a bank loan with its main bank at launch "
    "(demand.existing_loans_share).",
    "firms.listed": "Whether the firm was on a list of eligible firms pushed to the banks "
    "(awareness.list_pushes).",
    # ---- applications
    "applications.application": "Number of the application, from 0.",
    "applications.need": "Number of the financing need it serves.",
    "applications.tier": "Tier of the firm when the application was decided (at submission "
    "if pending).",
    "applications.bank": "Lender applied to.",
    "applications.attempt": "Attempt: 0 for the first lender, 1 for the first retry, ...",
    "applications.submit_day": "Day the application reached the lender.",
    "applications.decision_day": "Day it was decided; empty if pending at the end.",
    "applications.end_day": "Day the loan matured or defaulted; empty if refused, pending or "
    "beyond the horizon.",
    "applications.amount": "Amount asked (and lent if approved).",
    "applications.outcome": "approved, refused_credit, refused_quota, refused_credit_quota, "
    "refused_guarantee, refused_firm_limit or pending.",
    "applications.guarantee": "Amount guaranteed by the fund (0 without a guarantee).",
    "applications.credit_loan": "Whether it is a credit loan (without collateral).",
    "applications.retried": "Whether the firm retried at another lender after this refusal.",
    "applications.renewal": "Whether the application renews a loan the firm held at launch "
    "into the programme.",
    "applications.defaulted": "Whether the loan defaults within its term.",
    "applications.claim": "Guarantee claim paid by the fund on default.",
    "applications.interest_saving": "Interest saved against the firm's market rate over the "
    "term (approved loans).",
    "applications.interest_subsidy": "Part of the interest saving the city pays.",
    "applications.guarantee_fee_saving": "Guarantee fee saved against the market fee over the "
    "term.",
    "applications.additional": "Whether the lender would have refused the approved loan "
    "without the programme's cover (an additional loan).",
    "applications.subsidy_paid": "Interest subsidy paid on the loan within the horizon.",
    "applications.subsidy_unpaid": "Interest subsidy due on the loan within the horizon and "
    "not paid (the appropriation had run out).",
    # ---- timeseries (the day's flows)
    "timeseries.needs_due": "Financing needs that came due that day." + _SCALED,
    "timeseries.declined_n": "Needs whose firm chose not to apply that day." + _SCALED,
    "timeseries.applications_n": "Applications submitted that day." + _SCALED,
    "timeseries.approved_n": "Applications approved that day." + _SCALED,
    "timeseries.refused_credit_n": "Applications refused by the credit rule that day." + _SCALED,
    "timeseries.refused_quota_n": "Applications refused that day for a quota, pool or "
    "sub-quota that had run out." + _SCALED,
    "timeseries.refused_guarantee_n": "Applications refused that day for the guarantee "
    "capacity." + _SCALED,
    "timeseries.disbursed_amount": "Amount lent that day." + _SCALED,
    "timeseries.guaranteed_amount": "Amount guaranteed that day." + _SCALED,
    "timeseries.relief_paid_amount": "Cost relief paid that day." + _SCALED,
    "timeseries.awards_paid_amount": "Awards paid that day." + _SCALED,
    "timeseries.funds_invested_amount": "Equity invested by the funds that day." + _SCALED,
    "timeseries.defaults_n": "Loans that defaulted that day." + _SCALED,
    "timeseries.claims_paid_amount": "Guarantee claims paid that day." + _SCALED,
    "timeseries.aware_share": "Share of firms aware of the measures (not scaled).",
    "timeseries.review_capacity_n": "Applications the lenders that have joined can review "
    "that day (0 on a day off; rises as lenders join and staff up)." + _SCALED,
    "timeseries.npl_compensation_paid_amount": "NPL risk compensation paid that day." + _SCALED,
    "timeseries.subsidy_paid_amount": "Interest subsidy paid that day." + _SCALED,
    "timeseries.subsidy_unpaid_amount": "Interest subsidy due that day and not paid (the "
    "appropriation had run out)." + _SCALED,
    "timeseries.interest_saving_accrued_amount": "Interest saved that day on the loans "
    "outstanding (before any unpaid subsidy)." + _SCALED,
    "timeseries.subsidy_accrued_amount": "Interest subsidy earned that day on the loans "
    "outstanding (before any unpaid subsidy)." + _SCALED,
    "timeseries.savings_accrued_amount": "Savings of firms that day: interest, access value and "
    "guarantee fees accrued, relief and awards received." + _SCALED,
    "timeseries.relief_tariff_cut_amount": "Relief given as tariff cuts that day (borne by the "
    "suppliers, not a budget)." + _SCALED,
    # ---- quotas (one row per account)
    "quotas.account": "Name of the account (quota:<lender>, zone:<zone>, ...).",
    "quotas.kind": "Kind of account (bank_quota, loan_pool, credit_sub_quota, "
    "guarantee_capacity, guarantee_capital, zone_budget, awards_budget, fund, ...).",
    "quotas.group": "Group the account belongs to.",
    "quotas.initial": "Initial level." + _SCALED,
    "quotas.drawn": "Total drawn." + _SCALED,
    "quotas.released": "Total given back (guarantees released at the end of a loan)." + _SCALED,
    "quotas.transferred_in": "Received in reallocations." + _SCALED,
    "quotas.transferred_out": "Given away in reallocations." + _SCALED,
    "quotas.remaining": "Level at the end of the run." + _SCALED,
    "quotas.draws_n": "Requests served (simulated, not scaled).",
    "quotas.refused_n": "Requests refused (simulated, not scaled).",
    "quotas.unmet_demand": "Amount of requests refused by this account (a retried request "
    "counts again at its next lender)." + _SCALED,
    "quotas.exhausted_on": "Day the account first ran out (the *_exhausted_day of the "
    "summary); empty if it lasted.",
    "quotas.used_share": "(drawn - released) over (initial + transferred_in - transferred_out).",
    "quotas.exhausted_date": "Calendar date of exhausted_on; empty if it lasted.",
    "quotas.account_kind": "How the account behaves: hard (refuses when empty and stays "
    "closed), revolving (refuses when empty, refills when loans end) or target (an "
    "announced aim: never refuses). Only hard and revolving accounts are exhausted; a "
    "target is reached.",
    "quotas.reached_on": "Day a target account's cumulative draws first reached its level "
    "(the *_target_reached_day of the summary); empty if not reached or not a target.",
    "quotas.reached_date": "Calendar date of reached_on; empty if not reached.",
    "quotas.overshoot": "Amount a target account drew beyond its level (0 for hard and "
    "revolving accounts)." + _SCALED,
    "quotas.guarantee_suspended_day": "Day the lender of this quota stopped getting new "
    "guarantees (its claim rate passed guarantee.suspend_claim_rate); empty if it did not.",
    # ---- savings
    "savings.tier": "Tier of the firm at the end of the run.",
    "savings.category": "What was saved or received: interest, guarantee_fee, relief_rent, "
    "relief_electricity, relief_water, relief_internet (relief claimed from zone budgets), "
    "relief_tariff_cut_rent, ..._electricity, ..._water, ..._internet (tariff cuts borne by "
    "landlords, utilities and carriers), award.",
    "savings.amount": "Amount the firm saved or received in that category.",
    # ---- needs (funnel by tier)
    "needs.tier": "Tier of the firm when the need came due.",
    "needs.applied": "Needs that led to an application." + _SCALED,
    "needs.declined": "Needs whose firm chose not to apply." + _SCALED,
    "needs.unaware": "Needs whose firm did not know of the measures." + _SCALED,
    "needs.ineligible": "Needs of firms whose tier may not borrow from the pool." + _SCALED,
    "needs.too_small": "Needs below loan_pool.min_amount." + _SCALED,
    "needs.over_limit": "Needs of firms already at loan_pool.max_per_firm." + _SCALED,
    "needs.not_due": "Needs drawn that fall after the horizon." + _SCALED,
    # ---- experiment: summary (one row per point and figure)
    "summary.metric": "Headline figure (a key of summary.json; see the summary sheet).",
    "summary.mean": "Mean over replications (for *_day figures: over those in which the "
    "account ran out).",
    "summary.p05": "5th percentile over replications.",
    "summary.median": "Median over replications.",
    "summary.p95": "95th percentile over replications.",
    "summary.std": "Standard deviation over replications.",
    "summary.n": "Replications with a value (for *_day figures: in which the account ran out).",
    "summary.share": "n over replications: for *_day figures the probability that the "
    "account ran out.",
    # ---- experiment: comparison (one row per variant and figure)
    "comparison.variant": "The variant compared with the base.",
    "comparison.metric": "Headline figure compared.",
    "comparison.base_mean": "Mean of the base over replications.",
    "comparison.variant_mean": "Mean of the variant over replications.",
    "comparison.diff_mean": "Mean of the paired differences variant - base (same seeds).",
    "comparison.diff_p05": "5th percentile of the paired differences.",
    "comparison.diff_p95": "95th percentile of the paired differences.",
    "comparison.ci_low": "Lower end of the 90 % Student-t confidence interval of diff_mean.",
    "comparison.ci_high": "Upper end of the 90 % Student-t confidence interval of diff_mean.",
    "comparison.rel_diff": "diff_mean over base_mean.",
    "comparison.n_pairs": "Replications where both have a value.",
    # ---- experiment: fan (daily quantiles of the first point)
    "fan.series": "Daily series: applications_cum, approved_cum, disbursed_cum, guaranteed_cum, pool_remaining, "
    "credit_sub_quota_remaining, guarantee_remaining, zone_budgets_exhausted_n.",
    "fan.mean": "Mean of the series on that day over replications.",
    "fan.p05": "5th percentile over replications.",
    "fan.median": "Median over replications.",
    "fan.p95": "95th percentile over replications.",
    "exhaustion.loan pool target": "Probability that the loans granted have reached the loan "
    "pool's total by this day, the pool being a target (share of replications).",
    "exhaustion.first lender quota target": "Probability that some lender has reached its "
    "quota by this day, the quotas being targets (share of replications).",
    "exhaustion.credit sub-quota target": "Probability that the credit loans granted have "
    "reached the credit-loan sub-quota by this day, the sub-quota being a target (share of "
    "replications).",
    "exhaustion.guarantee capacity target": "Probability that the guarantees written have "
    "reached the fund's capacity by this day, the capacity being a target (share of "
    "replications).",
    # ---- generated columns
    "template:level": "Level of account {column} at the end of the day." + _SCALED,
    "template:exhaustion": "Probability that the {column} has run out by this day (share of "
    "replications).",
    "template:lever": "Value of the scenario field {column} at this point.",
    "template:points": "{stat} over replications of {figure}: {meaning}",
    "template:stat:mean": "Mean",
    "template:stat:p05": "5th percentile",
    "template:stat:p95": "95th percentile",
}

#: Meanings by language: key (figure, ``table.column``, ``*.column``, ``template:...``)
#: -> text. A translation adds a language with the same keys.
MEANINGS: dict[str, dict[str, str]] = {"en": _EN}

#: Unit texts by language; ``{currency}`` is replaced by the scenario's currency.
UNIT_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "money": "{currency}",
        "share": "share (1 = 100 %)",
        "ratio": "ratio",
        "count": "number",
        "day": "day from 0",
        "date": "date",
        "years": "years",
        "number": "number",
        "text": "text",
        "flag": "true/false",
        "id": "identifier",
        "by_metric": "the unit of the figure in metric",
        "by_series": "the unit of the series in series",
        "lever": "the unit of the scenario field",
    }
}
