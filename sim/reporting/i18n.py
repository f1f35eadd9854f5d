"""Message catalogue of run reports and terminal summaries, in English and Chinese.

Public names: :data:`LANGUAGES`, :data:`MESSAGES`, :data:`CODE_LABELS`,
:data:`FIGURE_LABELS`, :data:`SHORT_LABELS`, :func:`tr`, :func:`code_label`,
:func:`figure_label`, :func:`short_label`, :func:`measure_text`, :func:`check_lang`,
:func:`band_caution`,
:func:`morris_caution`, :func:`probability_caution`.

Every text a reader sees (page titles, axis labels, legends, table headers, units,
summary lines) is looked up here by message id; a message is a :meth:`str.format`
template. Codes of the model shown to readers (``refused_firm_limit``, ``relief_water``,
``credit_sub_quota``, ...) are turned into words by :func:`code_label`, summary figures
(``pool_exhausted_day``) by :func:`figure_label` and :func:`short_label`. The messages of
experiment and analysis reports are kept in their own block, :mod:`.i18n_analyses`, and
merged here: one catalogue.
"""

from __future__ import annotations

from ..experiments.precision import (
    MIN_BAND_REPLICATIONS,
    MIN_MORRIS_TRAJECTORIES,
    MIN_PROBABILITY_REPLICATIONS,
)
from .i18n_analyses import EXPERIMENT_MESSAGES
from .i18n_figures import FIGURE_LABELS, SHORT_LABELS

__all__ = [
    "CODE_LABELS",
    "FIGURE_LABELS",
    "LANGUAGES",
    "MESSAGES",
    "SHORT_LABELS",
    "band_caution",
    "check_lang",
    "code_label",
    "figure_label",
    "measure_text",
    "morris_caution",
    "probability_caution",
    "short_label",
    "tr",
]

LANGUAGES: tuple[str, ...] = ("en", "zh")

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "na": "n/a",
        "not_exhausted": "not exhausted",
        "not_reached": "not reached",
        "kind.hard": "hard",
        "kind.target": "target",
        "kind.revolving": "revolving",
        "kinds.value": "{pool} / {quotas} / {credit} / {guarantee}",
        "pool.smaller_target": "{n} smaller lenders ({ex} targets reached)",
        "pool.title_kinds": (
            "Loan pool ({pkind}: {pday}); lender quotas ({qkind}: {qtext})\n"
            "X = exhausted (hard, revolving), o = target reached; below 0 = beyond the target"
        ),
        "pool.quotas_exhausted": "{ex} of {n} exhausted",
        "pool.own": "whole pool",
        "pool.quotas_reached": "{ex} of {n} reached",
        "pool.exhausted_day": "exhausted {day}",
        "pool.reached_day": "reached {day}",
        "measures.title_kinds": (
            "Other accounts: remaining share over time\n"
            "(X = exhausted, o = target reached; below 0 = beyond the target)"
        ),
        "measures.label": "{name} ({kind})",
        "h.kinds": "Account kinds: pool / lender quotas / credit sub-quota / guarantee",
        "h.pool_target": "Loan pool target reached (beyond it)",
        "h.quotas_target": "Lender quota targets reached",
        "h.credit_sub_target": "Credit-loan sub-quota target reached (beyond it)",
        "h.guarantee_target": "Guarantee capacity target reached (beyond it)",
        "h.partial": "Loans granted in part (what remained of a quota)",
        "sum.pool_target": (
            "  disbursed {disbursed}, pool used {used}, pool target {pool_day}, "
            "lender quota targets reached {ex}/{n}"
        ),
        "sum.pool_mixed": (
            "  disbursed {disbursed}, pool used {used}, pool ({pkind}) {pool_day}, "
            "lender quotas ({qkind}) {qtext} {ex}/{n}"
        ),
        "sum.exhausted": "exhausted",
        "sum.reached": "reached",
        "sum.guarantee_target": (
            "  guaranteed {guaranteed} (capacity target {cap_day}), zone budgets exhausted "
            "{zex}/{zn}"
        ),
        "day": "day {d}",
        "day_date": "day {d} ({date})",
        "of": "{a} of {b}",
        # uptake and disbursed
        "uptake.title": "Uptake: cumulative applications and approvals by segment",
        "capacity.title": "Lenders' review capacity and applications submitted",
        "capacity.capacity": "reviews possible a day (7-day mean; lenders that have joined)",
        "capacity.submitted": "applications submitted a day (7-day mean)",
        "capacity.ylabel": "applications a day",
        "capacity.joins": "{name} joins",
        "capacity.onboarding": "{name}: {n} lenders join",
        "uptake.ylabel": "applications (cumulative)",
        "uptake.applications": "{tier}: applications",
        "uptake.approved": "{tier}: approved",
        "disbursed.title": "Loans disbursed and guaranteed (cumulative)",
        "disbursed.disbursed": "disbursed",
        "disbursed.guaranteed": "guaranteed",
        "unit.bn": "bn {cur}",
        "unit.m": "m {cur}",
        # levels
        "levels.remaining_abs": "remaining, bn {cur}",
        "levels.remaining_pct": "remaining, % of initial",
        "pool.smaller": "{n} smaller lenders ({ex} exhausted)",
        "pool.title": (
            "Loan pool quotas ({ex} of {n} lender quotas exhausted; pool {day}); X = exhausted"
        ),
        "measures.title": "Other accounts: remaining share over time (X = exhausted)",
        "zones.none": "no cost relief in this scenario",
        "zones.exhausted": "exhausted ({n})",
        "zones.not_exhausted": "not exhausted ({n})",
        "zones.title": "Cost-relief budgets of {n} zones and clusters",
        "savings.none": "no savings",
        "savings.xlabel": "bn {cur} (interest and guarantee fees: loans' whole terms, on approval)",
        "savings.title": "Cost savings of firms by category and segment",
        "time.title": (
            "Savings of firms over time: {h} in the horizon, {c} committed after it\n"
            "(present value {pv} at {r} % a year)"
        ),
        "time.savings": "savings of firms accrued (cumulative)",
        "time.interest": "of which interest saved",
        "time.subsidy_paid": "interest subsidy paid by the city",
        "time.committed": "+{v} after the horizon",
        "time.exhausted": "subsidy appropriation\nexhausted day {d}\n({date})",
        "relief.budget": "budget",
        "relief.paid": "paid",
        "relief.title": "Relief paid vs budget: {n} zones paying most\n(red = exhausted)",
        "needs.title": "Financing needs by segment: applied, declined, unaware, ineligible",
        "needs.xlabel": "needs over the horizon",
        "refusals.none": "no application was refused",
        "refusals.title": "Who was refused and why",
        "refusals.xlabel": "refused applications",
        # cover
        "cover.title": "smesim report: {name}",
        "cover.horizon": (
            "Horizon: {start} to {end} ({days} days).   Currency: {cur}.   Seed: {seed}.   "
            "smesim {version}"
        ),
        "cover.scaled": (
            "SCALED: {sim_n} simulated firms stand for {n} (scale {scale}); counts and "
            "amounts below are scaled up."
        ),
        "cover.one_path": (
            "One stochastic replication: read figures as one plausible path, not as a forecast."
        ),
        "cover.col_figure": "Headline figure",
        "cover.col_value": "Value",
        "h.firms": "Firms (eligible for the loan pool)",
        "h.applications": "Applications / approved / pending",
        "h.borrowers": "Borrowing firms (uptake among eligible)",
        "h.approval_rate": "Approval rate of decided applications",
        "h.refused": "Refused: credit / quota / guarantee / firm limit",
        "h.disbursed": "Disbursed (average loan)",
        "h.pool_used": "Loan pool used",
        "h.pool_exhausted": "Loan pool exhausted",
        "h.quotas_exhausted": "Lender quotas exhausted",
        "h.quotas_value": "{ex} of {n} (first: {day})",
        "h.credit_sub_quota": "Credit-loan sub-quota exhausted",
        "h.guarantee_exhausted": "Guarantee capacity exhausted",
        "h.zones_exhausted": "Zone budgets exhausted",
        "h.unmet": "Unmet demand (refused for exhausted quotas)",
        "h.guaranteed": "Guaranteed (loans)",
        "h.interest": "Interest saved by firms (city subsidy)",
        "h.fees": "Guarantee fees saved",
        "h.relief": "Cost relief paid",
        "h.awards": "Awards paid (firms certified)",
        "h.funds": "Fund investments",
        "h.npl": "NPL risk compensation paid to banks",
        "h.relief_claim": "Cost relief claimed (paid from zone budgets)",
        "h.tariff_cut": "Tariff cuts (borne by suppliers, not the budget)",
        "h.tariff_cut_value": "{total} ({by})",
        "bearer.utilities": "utilities",
        "bearer.carriers": "carriers",
        "bearer.landlords": "landlords",
        "savings.claimed": "{what} (claimed, budget)",
        "h.guarantee_rules": "Guarantee mode, risk sharing; claim rate",
        "h.guarantee_rules_value": "{mode}, {sharing}; {claim_rate}",
        "h.guarantee_approvable": "Guaranteed loans the bank would make anyway",
        "h.guarantee_fee_subsidy": "Guarantee fee paid by districts",
        "h.guarantee_suspended": "Lenders suspended (first day)",
        "h.savings": "Savings of firms, total",
        "h.fiscal": "Fiscal cost (subsidy + relief + awards + net guarantee loss)",
        "h.fiscal_of": "Fiscal cost ({terms})",
        "h.savings_total_time": "Savings of firms: in horizon / committed after / present value",
        "h.fiscal_cost_time": "Fiscal cost: in horizon / committed after / present value",
        "h.additional": "Additional loans: would be refused without the programme (share of amount)",
        "h.subsidy_budget": "Subsidy appropriation exhausted (unpaid, firms)",
        # terminal summary
        "sum.head": "scenario {name}: {n} firms, {days} days",
        "sum.scaled": " (scaled x{scale})",
        "sum.apps": (
            "  applications {apps}, approved {ok} ({rate}), borrowers {borrowers} "
            "(uptake {uptake} of eligible)"
        ),
        "sum.pool": (
            "  disbursed {disbursed}, pool used {used}, pool {pool_day}, "
            "lender quotas exhausted {ex}/{n}"
        ),
        "sum.guarantee": (
            "  guaranteed {guaranteed} (capacity {cap_day}), zone budgets exhausted {zex}/{zn}"
        ),
        "sum.savings": "  savings of firms {savings}, fiscal cost {fiscal}",
    },
    "zh": {
        "na": "无",
        "not_exhausted": "未用尽",
        "not_reached": "未达到",
        "kind.hard": "硬约束",
        "kind.target": "目标",
        "kind.revolving": "循环",
        "kinds.value": "{pool} / {quotas} / {credit} / {guarantee}",
        "pool.smaller_target": "其他{n}家较小贷款机构（{ex}家达到目标）",
        "pool.title_kinds": (
            "专项贷款（{pkind}：{pday}）；贷款机构额度（{qkind}：{qtext}）\n"
            "X = 用尽（硬约束、循环），o = 达到目标；低于0 = 超出目标"
        ),
        "pool.quotas_exhausted": "{n}家中{ex}家用尽",
        "pool.own": "专项贷款总额度",
        "pool.quotas_reached": "{n}家中{ex}家达到目标",
        "pool.exhausted_day": "{day}用尽",
        "pool.reached_day": "{day}达到目标",
        "measures.title_kinds": (
            "其他账户：剩余额度占比随时间变化\n（X = 用尽，o = 达到目标；低于0 = 超出目标）"
        ),
        "measures.label": "{name}（{kind}）",
        "h.kinds": "账户类型：专项贷款 / 贷款机构额度 / 信用贷款子额度 / 担保",
        "h.pool_target": "专项贷款目标达到（超出部分）",
        "h.quotas_target": "贷款机构额度目标达到",
        "h.credit_sub_target": "信用贷款子额度目标达到（超出部分）",
        "h.guarantee_target": "担保能力目标达到（超出部分）",
        "h.partial": "部分发放的贷款（额度剩余部分）",
        "sum.pool_target": (
            "  发放 {disbursed}，专项贷款额度使用 {used}，总额度目标{pool_day}，"
            "贷款机构额度目标达到 {ex}/{n}"
        ),
        "sum.pool_mixed": (
            "  发放 {disbursed}，专项贷款额度使用 {used}，总额度（{pkind}）{pool_day}，"
            "贷款机构额度（{qkind}）{qtext} {ex}/{n}"
        ),
        "sum.exhausted": "用尽",
        "sum.reached": "达到目标",
        "sum.guarantee_target": (
            "  担保 {guaranteed}（担保能力目标{cap_day}），园区预算用尽 {zex}/{zn}"
        ),
        "day": "第{d}天",
        "day_date": "第{d}天（{date}）",
        "of": "{a}/{b}",
        "uptake.title": "申请与获批：按企业类别的累计申请数和获批数",
        "capacity.title": "贷款机构审批能力与申请提交量",
        "capacity.capacity": "每日可审批件数（7日均值；已加入的机构）",
        "capacity.submitted": "每日提交申请件数（7日均值）",
        "capacity.ylabel": "件/日",
        "capacity.joins": "{name}加入",
        "capacity.onboarding": "{name}：{n}家机构陆续加入",
        "uptake.ylabel": "申请数（累计）",
        "uptake.applications": "{tier}：申请",
        "uptake.approved": "{tier}：获批",
        "disbursed.title": "贷款发放额与担保额（累计）",
        "disbursed.disbursed": "发放",
        "disbursed.guaranteed": "担保",
        "unit.bn": "亿元",
        "unit.m": "万元",
        "levels.remaining_abs": "剩余额度（亿元）",
        "levels.remaining_pct": "剩余额度（占初始额度 %）",
        "pool.smaller": "其他{n}家较小贷款机构（{ex}家用尽）",
        "pool.title": "专项贷款额度（{n}家贷款机构中{ex}家额度用尽；总额度{day}）；X = 用尽",
        "measures.title": "其他账户：剩余额度占比随时间变化（X = 用尽）",
        "zones.none": "本情景无降本减负措施",
        "zones.exhausted": "已用尽（{n}）",
        "zones.not_exhausted": "未用尽（{n}）",
        "zones.title": "{n}个园区和集群的降本减负预算",
        "savings.none": "无节省",
        "savings.xlabel": "亿元（利息和担保费：贷款全期，获批时计入）",
        "savings.title": "企业成本节省：按类别和企业类别",
        "time.title": "企业节省随时间累计：模拟期内{h}，期后已承诺{c}\n（按年{r} %折现的现值{pv}）",
        "time.savings": "企业累计节省",
        "time.interest": "其中节省利息",
        "time.subsidy_paid": "市级已付贴息",
        "time.committed": "期后 +{v}",
        "time.exhausted": "贴息资金用尽\n第{d}天（{date}）",
        "relief.budget": "预算",
        "relief.paid": "已支付",
        "relief.title": "减负资金支付与预算：支付最多的{n}个园区\n（红色 = 已用尽）",
        "needs.title": "按企业类别的融资需求：已申请、放弃、不知晓、不符合条件",
        "needs.xlabel": "模拟期内融资需求数",
        "refusals.none": "没有被拒绝的申请",
        "refusals.title": "被拒绝的申请及原因",
        "refusals.xlabel": "被拒绝的申请数",
        "cover.title": "smesim 报告：{name}",
        "cover.horizon": (
            "模拟期：{start} 至 {end}（{days}天）。   币种：{cur}。   随机种子：{seed}。   "
            "smesim {version}"
        ),
        "cover.scaled": (
            "已缩放：{sim_n}家模拟企业代表{n}家企业（比例 {scale}）；以下数量和金额均已按比例放大。"
        ),
        "cover.one_path": "单次随机模拟：图表是一种可能的路径，而非预测。",
        "cover.col_figure": "主要指标",
        "cover.col_value": "数值",
        "h.firms": "企业数（符合专项贷款条件）",
        "h.applications": "申请 / 获批 / 待审",
        "h.borrowers": "获贷企业（占符合条件企业比例）",
        "h.approval_rate": "已审结申请的获批率",
        "h.refused": "被拒：信用 / 额度 / 担保 / 单户限额",
        "h.disbursed": "发放金额（平均每笔贷款）",
        "h.pool_used": "专项贷款额度使用率",
        "h.pool_exhausted": "专项贷款额度用尽",
        "h.quotas_exhausted": "贷款机构额度用尽",
        "h.quotas_value": "{n}家中{ex}家（最早：{day}）",
        "h.credit_sub_quota": "信用贷款子额度用尽",
        "h.guarantee_exhausted": "担保能力用尽",
        "h.zones_exhausted": "园区预算用尽",
        "h.unmet": "未满足需求（因额度用尽被拒）",
        "h.guaranteed": "担保金额（笔数）",
        "h.interest": "企业节省利息（市级贴息）",
        "h.fees": "节省担保费",
        "h.relief": "降本减负支付",
        "h.awards": "奖励支付（认定企业数）",
        "h.funds": "基金投资",
        "h.npl": "向银行支付的不良贷款风险补偿",
        "h.relief_claim": "降本减负申领（园区预算支付）",
        "h.tariff_cut": "资费减免（由供应方承担，不占预算）",
        "h.tariff_cut_value": "{total}（{by}）",
        "bearer.utilities": "水电公司",
        "bearer.carriers": "电信运营商",
        "bearer.landlords": "业主",
        "savings.claimed": "{what}（申领，预算）",
        "h.guarantee_rules": "担保模式、风险分担；代偿率",
        "h.guarantee_rules_value": "{mode}，{sharing}；{claim_rate}",
        "h.guarantee_approvable": "银行本会发放的担保贷款（笔）",
        "h.guarantee_fee_subsidy": "区财政承担的担保费",
        "h.guarantee_suspended": "暂停担保的银行（首日）",
        "h.savings": "企业节省合计",
        "h.fiscal": "财政成本（贴息 + 减负 + 奖励 + 担保净损失）",
        "h.fiscal_of": "财政成本（{terms}）",
        "h.savings_total_time": "企业节省：模拟期内 / 期后已承诺 / 现值",
        "h.fiscal_cost_time": "财政成本：模拟期内 / 期后已承诺 / 现值",
        "h.additional": "新增贷款：无政策时银行会拒绝（占金额比例）",
        "h.subsidy_budget": "贴息资金用尽（未付金额，企业数）",
        "sum.head": "情景 {name}：{n}家企业，{days}天",
        "sum.scaled": "（缩放 x{scale}）",
        "sum.apps": (
            "  申请 {apps}，获批 {ok}（{rate}），获贷企业 {borrowers}（占符合条件企业 {uptake}）"
        ),
        "sum.pool": (
            "  发放 {disbursed}，专项贷款额度使用 {used}，总额度{pool_day}，"
            "贷款机构额度用尽 {ex}/{n}"
        ),
        "sum.guarantee": "  担保 {guaranteed}（担保能力{cap_day}），园区预算用尽 {zex}/{zn}",
        "sum.savings": "  企业节省 {savings}，财政成本 {fiscal}",
    },
}

CODE_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "approved": "approved",
        "pending": "pending",
        "refused_credit": "credit",
        "refused_quota": "quota exhausted",
        "refused_credit_quota": "credit sub-quota exhausted",
        "refused_guarantee": "guarantee",
        "refused_firm_limit": "firm limit",
        "applied": "applied",
        "declined": "declined",
        "unaware": "unaware",
        "ineligible": "ineligible",
        "too_small": "too small",
        "over_limit": "over limit",
        "not_due": "not due",
        "interest": "interest",
        "guarantee_fee": "guarantee fee",
        "award": "award",
        "relief_rent": "rent",
        "relief_electricity": "electricity",
        "relief_water": "water",
        "relief_internet": "internet",
        "relief_tariff_cut_rent": "rent cut (landlords)",
        "relief_tariff_cut_electricity": "electricity tariff cut (utility)",
        "relief_tariff_cut_water": "water tariff cut (utility)",
        "relief_tariff_cut_internet": "broadband tariff cut (carriers)",
        "rescue": "rescue",
        "bank_choice": "bank's choice",
        "batch": "batch",
        "first_loss": "first loss",
        "proportional": "proportional",
        "credit_sub_quota": "credit-loan sub-quota",
        "guarantee_capacity": "guarantee capacity",
        "guarantee_capital": "guarantee capital",
        "awards_budget": "awards budget",
        "sme_funds": "SME funds",
        "little_giant": "little giant",
        "srdi": "SRDI",
        "non_core": "other SMEs",
    },
    "zh": {
        "approved": "获批",
        "pending": "待审",
        "refused_credit": "信用不足",
        "refused_quota": "额度用尽",
        "refused_credit_quota": "信用贷款子额度用尽",
        "refused_guarantee": "担保不足",
        "refused_firm_limit": "超出单户限额",
        "applied": "已申请",
        "declined": "放弃",
        "unaware": "不知晓",
        "ineligible": "不符合条件",
        "too_small": "金额过小",
        "over_limit": "超出限额",
        "not_due": "未到期",
        "interest": "利息",
        "guarantee_fee": "担保费",
        "award": "奖励",
        "relief_rent": "租金",
        "relief_electricity": "电费",
        "relief_water": "水费",
        "relief_internet": "网费",
        "relief_tariff_cut_rent": "租金减免（业主承担）",
        "relief_tariff_cut_electricity": "电价下调（电力公司承担）",
        "relief_tariff_cut_water": "水价下调（水务公司承担）",
        "relief_tariff_cut_internet": "宽带资费下调（运营商承担）",
        "rescue": "拒贷救助",
        "bank_choice": "银行自选",
        "batch": "批次担保",
        "first_loss": "首损",
        "proportional": "比例分担",
        "credit_sub_quota": "信用贷款子额度",
        "guarantee_capacity": "担保能力",
        "guarantee_capital": "担保资本金",
        "awards_budget": "奖励预算",
        "sme_funds": "中小企业基金",
        "little_giant": "小巨人",
        "srdi": "专精特新",
        "non_core": "其他中小企业",
    },
}


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a known language; raise ``ValueError`` otherwise."""
    if lang not in LANGUAGES:
        raise ValueError(f"language: expected one of {', '.join(LANGUAGES)}, got {lang!r}")
    return lang


def tr(msg_id: str, lang: str = "en", /, **fields: object) -> str:
    """The message ``msg_id`` in ``lang``, with ``fields`` filled in.

    Raises
    ------
    KeyError
        When the catalogue has no such message.
    """
    messages = MESSAGES[check_lang(lang)]
    text = messages[msg_id] if msg_id in messages else measure_text(msg_id, lang)
    return text.format(**fields)


def measure_text(key: str, lang: str = "en") -> str:
    """A text a registered measure declares (:attr:`sim.model.instruments.Instrument.texts`).

    Raises
    ------
    KeyError
        When no measure declares ``key`` in ``lang``.
    """
    from ..model.instruments import measure_texts

    return measure_texts(check_lang(lang))[key]


def code_label(code: str, lang: str = "en") -> str:
    """A model code as words (``refused_firm_limit`` -> ``firm limit`` / ``超出单户限额``).

    Codes the catalogue does not know (a scenario's own tier or zone names) are shown as
    they are.
    """
    labels = CODE_LABELS[check_lang(lang)]
    if code in labels:
        return labels[code]
    try:
        return measure_text(code, lang)
    except KeyError:
        return code


# the block of experiment and analysis reports (see .i18n_analyses)
for _lang in LANGUAGES:
    MESSAGES[_lang].update(EXPERIMENT_MESSAGES[_lang])


def short_label(key: str, lang: str = "en") -> str:
    """Short words for a summary figure or code (bars, small titles, legends).

    Looked up in :data:`SHORT_LABELS`, then :data:`CODE_LABELS`; unknown keys lose their
    underscores (``a_b`` -> ``a b``).
    """
    check_lang(lang)
    return SHORT_LABELS[lang].get(key) or CODE_LABELS[lang].get(key) or key.replace("_", " ")


def figure_label(key: str, lang: str = "en") -> str:
    """A headline figure's title words (:data:`FIGURE_LABELS`), else :func:`short_label`.

    Parameters
    ----------
    key
        A summary key, e.g. ``"pool_exhausted_day"``.
    lang
        ``en`` or ``zh``.

    Returns
    -------
    str
    """
    check_lang(lang)
    return FIGURE_LABELS[lang].get(key) or short_label(key, lang)


def _plural(n: int, lang: str) -> str:
    return "" if n == 1 or lang != "en" else "s"


def band_caution(replications: int, lang: str = "en", what: str = "band") -> str | None:
    """:func:`sim.experiments.precision.band_warning` in ``lang`` (``what``: band, probability)."""
    if replications >= MIN_BAND_REPLICATIONS:
        return None
    return tr(
        "warn.few",
        lang,
        what=tr(f"warn.what_{what}", lang),
        n=replications,
        s=_plural(replications, lang),
        min=MIN_BAND_REPLICATIONS,
    )


def morris_caution(trajectories: int, lang: str = "en") -> str | None:
    """:func:`sim.experiments.precision.morris_warning` in ``lang``."""
    if trajectories >= MIN_MORRIS_TRAJECTORIES:
        return None
    return tr("warn.morris", lang, n=trajectories, min=MIN_MORRIS_TRAJECTORIES)


def probability_caution(replications: int, lang: str = "en") -> str | None:
    """:func:`sim.experiments.precision.probability_warning` in ``lang``."""
    if replications >= MIN_PROBABILITY_REPLICATIONS:
        return None
    return tr(
        "warn.probability",
        lang,
        n=replications,
        s=_plural(replications, lang),
        min=MIN_PROBABILITY_REPLICATIONS,
    )
