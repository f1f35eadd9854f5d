"""Catalogue block of experiment and analysis reports (merged into :mod:`.i18n`).

Public names: :data:`EXPERIMENT_MESSAGES` (the words of summary figures:
:mod:`.i18n_figures`).

The messages of replications, comparisons, sweeps, sensitivity analyses, calibrations
and designs, and the words for the summary figures their pages show, kept apart from the
single-run report's block of :data:`sim.reporting.i18n.MESSAGES` (one catalogue, two
files). Look texts up with :func:`sim.reporting.i18n.tr` and
:func:`sim.reporting.i18n.figure_label`, not here.
"""

from __future__ import annotations

__all__ = ["EXPERIMENT_MESSAGES"]

EXPERIMENT_MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        # shared
        "x.count": "count",
        "x.pp": "{v} pp",
        "x.days": "{v} days",
        "x.day_suffix": " (day)",
        "x.pct": "{v} %",
        "x.mean_band": " (median, 5-95 %)",
        "x.lever_bn": " (bn)",
        "x.lever_m": " (m)",
        "x.lever_tn": " (tn)",
        "x.wrote": "wrote {target}/ in {s} s",
        "x.wrote_report": " (report: {path})",
        # warnings on thin estimates
        "warn.what_band": "band",
        "warn.what_probability": "probability",
        "warn.few": "WARNING: {what} from only {n} replication{s} (fewer than {min})",
        "warn.morris": (
            "WARNING: Morris with only {n} trajectories (fewer than {min}): mu* and its "
            "confidence interval are rough; do not rank parameters on them"
        ),
        "warn.probability": (
            "WARNING: the probability rests on only {n} replication{s} (fewer than {min}): "
            "the answer is uncertain; rerun with more replications"
        ),
        "warn.band_terminal": "{warning}: the 5-95 % bands and intervals above are not reliable ranges.",
        # series of fan charts
        "series.applications_cum": "Applications (cumulative)",
        "series.approved_cum": "Approved applications (cumulative)",
        "series.disbursed_cum": "Disbursed (cumulative)",
        "series.guaranteed_cum": "Guaranteed (cumulative)",
        "series.pool_remaining": "Loan pool remaining",
        "series.credit_sub_quota_remaining": "Credit-loan sub-quota remaining",
        "series.guarantee_remaining": "Guarantee capacity remaining",
        "series.zone_budgets_exhausted_n": "Zone budgets exhausted",
        # exhaustion probability
        "exh.legend": "{label}{suffix} ({pct} % by the end)",
        "exh.ylabel": "probability exhausted (a target: reached) by date, %",
        "exh.title": "Probability that each quota has run out or reached its target "
        "({n} replications)",
        "exh.variant_title": "{variant}: probability that each quota has run out or reached "
        "its target",
        # differences (compare)
        "diff.xlabel": "difference from {base}, % of base mean",
        "diff.title": (
            "Change from the base: mean paired difference (dot), 90 % t interval of the mean "
            "(thick), 5-95 % of paired differences (thin)"
        ),
        # covers
        "intro.horizon": (
            "Horizon {start} to {end} ({days} days); currency {cur}; {r} replications per "
            "scenario on child seeds SeedSequence({seed}).spawn(R) (replication i shares its "
            "seed everywhere)."
        ),
        "intro.intervals": "Intervals: 5th-95th percentiles over replications (linear interpolation).",
        "intro.scaled": "SCALED: counts and amounts are scaled x{scale}.",
        "rep.title": "smesim replications: {name}",
        "rep.day_note": (
            "Day figures: share of replications in which the account ran out (a target: was "
            "reached); mean and band over those."
        ),
        "rep.ran_out": "ran out in {pct} %",
        "rep.reached": "reached in {pct} %",
        "rep.mean_day": " (mean day {d})",
        "rep.col_figure": "Headline figure",
        "rep.col_mean": "Mean",
        "rep.col_p05": "5th percentile",
        "rep.col_p95": "95th percentile",
        "cmp.title": "smesim comparison: {variants} vs {base}",
        "cmp.col_base": "{base} (base)",
        "cmp.col_change": "{variant}: change (90 % t CI)",
        "cmp.note": (
            "Changes are means of paired differences (variant minus base, replication by "
            "replication, common random numbers) with a 90 % Student-t confidence interval "
            "of the mean; comparison.csv also gives the 5-95 % range of the paired differences."
        ),
        "swp.title": "smesim sweep: {name}",
        "swp.col_point": "Point",
        "swp.col_mean": "{label} (mean)",
        "swp.grid": "grid (cartesian product)",
        "swp.lhs": "Latin hypercube sample",
        "swp.design": "Design: {design}, {n} points x {r} replications; levers: {levers}.",
        "swp.crn": "Every point runs the same replication seeds (common random numbers).",
        "swp.first": " First {n} points shown; see tables/points.csv.",
        "swp.suptitle": "Headline figures against {lever}: mean and 5-95 % over replications",
        # pages of replications and comparisons
        "page.uptake": "Uptake: approved applications (cumulative), median and 5-95 % band",
        "page.disbursed": "Disbursed and guaranteed (cumulative), median and 5-95 % band",
        # savings, zone and refusal pages
        "out.grid_suptitle": "{title} against {lever}: mean and 5-95 % over replications",
        "out.savings": "Savings of firms by category",
        "out.zones": "Zone budgets exhausted",
        "out.refusals": "Refused applications by reason",
        "out.savings_title": "Savings of firms by category: mean and 5-95 % over replications",
        "out.zone_share_title": "Share of zone budgets exhausted over time: median and 5-95 % band",
        "out.zone_end_title": "Zone budgets exhausted by the end: mean and 5-95 % over replications",
        "out.refusals_title": "Refused applications by reason: mean and 5-95 % over replications",
        "out.zone_share_ylabel": "zone budgets exhausted, % of zones",
        "out.zone_unit": "zone budgets",
        "out.refusal_unit": "refused applications",
        # terminal tables of experiments
        "t.rep_title": "{name}: {r} replications (mean, 5th and 95th percentiles)",
        "t.figure": "figure",
        "t.mean": "mean",
        "t.p05": "p05",
        "t.p95": "p95",
        "t.cmp_title": (
            "{variant} minus {base}: {r} paired replications (common random numbers; money in "
            "{cur})"
        ),
        "t.cmp_caption": (
            "difference: mean of paired differences; 90 % CI: Student-t interval of that mean; "
            "5-95 %: percentiles of the paired differences"
        ),
        "t.base": "base",
        "t.variant": "variant",
        "t.difference": "difference",
        "t.ci": "90 % CI",
        "t.pairs": "5-95 % of pairs",
        "t.swp_title": (
            "{name}: {n} points x {r} replications (means; tables/points.csv has 5-95 % bands)"
        ),
        "t.point": "point",
        "t.more_points": "... {n} more points in tables/points.csv",
        # sensitivity
        "sens.title": "Sensitivity of {name}",
        "sens.scenario": "Scenario: {name} ({n} simulated firms, {days} days, seed {seed}).",
        "sens.sobol": "Sobol (Saltelli design, first-order and total indices)",
        "sens.morris": "Morris (elementary effects)",
        "sens.sobol_n": "base sample N = {n}",
        "sens.morris_n": "{n} trajectories on a {levels}-level grid",
        "sens.method": "Method: {method}; {design}; {points} points x {r} replication(s) = {runs} runs in {s} s.",
        "sens.crn": (
            "Each point is run with the same replications (common random numbers); the output is "
            "their mean. Intervals are 95 % bootstrap intervals ({b} resamples of the design)."
        ),
        "sens.day_note": (
            "A *_day output is the day an account ran out; when it lasted the whole horizon it "
            "counts as the horizon length ({days} days), a censored value."
        ),
        "sens.params": "Parameters (uniform over their range):",
        "sens.integer": " (integer)",
        "sens.outputs": "Outputs: {outputs}",
        "sens.censored": "{key} ({pct} % of runs not exhausted)",
        "sens.col_output": "output",
        "sens.col_parameter": "parameter",
        "sens.censored_label": (
            "{label}  (not exhausted counts as the horizon, {days} days; {pct} % of runs)"
        ),
        "sens.s1": "first order S1",
        "sens.st": "total ST",
        "sens.sobol_ylabel": "Sobol index (share of variance)",
        "sens.mu": "mu* (mean |effect|)",
        "sens.sigma": "sigma (non-linearity, interactions)",
        "sens.morris_ylabel": "effect on {label} of a step of {levels}-level grid",
        "sens.t_censored": "  ({pct} % of runs not exhausted: counted as {days} days)",
        "sens.t_done": "{runs} runs in {s} s; wrote {target}/ (report: {path})",
        # calibration
        "cal.title": "Calibration of {name}",
        "cal.scenario": (
            "Scenario {name} ({n} simulated firms, scale {scale}, {days} days); targets '{targets}'"
        ),
        "cal.illustrative": "  -- ILLUSTRATIVE figures, not observations",
        "cal.fit": (
            "Fit: {method} global stage ({gp} points), then {polish} (at most {pe} points); {r} "
            "replications per point with common random numbers; {evals} points, {runs} runs in "
            "{s} s."
        ),
        "cal.objective": (
            "Objective at the fit D = {d} (weighted mean of squared relative residuals)."
        ),
        "cal.uncertainty": "Uncertainty: {u}.",
        "cal.fitted": "Fitted values:",
        "cal.refit_sd": "; replication-subset sd {sd}",
        "cal.at_bound": "  (AT A BOUND: widen the range)",
        "cal.fitted_line": "  {p} = {v}  (bounds {lo}..{hi}; curvature se {se}{extra}){flag}",
        "cal.col_label": "label",
        "cal.col_observed": "observed",
        "cal.col_simulated": "simulated",
        "cal.col_min": "sim_min",
        "cal.col_max": "sim_max",
        "cal.col_residual": "residual",
        "cal.col_weight": "weight",
        "cal.band": "simulated, range of {n} replications",
        "cal.mean": "simulated, mean",
        "cal.observed": "observed",
        "cal.day_axis": "day (0 = {start})",
        "cal.cum_ylabel": "cumulative {of}{unit}",
        "cal.cum_title": "cumulative {of}: observed against simulated at the fitted values",
        "cal.ratio_label": "simulated / observed (range over replications)",
        "cal.ratio": "simulated / observed",
        "cal.targets_title": "every target at the fitted values",
        "cal.evaluation": "evaluation",
        "cal.objective_ylabel": "objective D (weighted mean squared relative residual)",
        "cal.search": "search",
        "cal.held_out": " (held out)",
        "cal.polish": "Nelder-Mead within bounds",
        "cal.se_text": (
            "se_curvature: Gauss-Newton curvature of the objective at the optimum (central "
            "differences over 5 % of each range, scaled by the residual variance "
            "sum(w r^2)/(n-p))"
        ),
        "cal.sd_text": (
            "; refit_sd: spread of the fit over {refits} fresh sets of {r} replications plus "
            "the main set"
        ),
        "cal.stage_global": "global",
        "cal.stage_polish": "polish",
        "cal.stage_curvature": "curvature",
        "cal.stage_refit": "refit {j}",
        "cal.t_illustrative": (
            "targets are ILLUSTRATIVE (made-up figures): the fit shows the machinery only"
        ),
        "cal.t_parameter": "parameter",
        "cal.t_fitted": "fitted",
        "cal.t_se": "se (curv.)",
        "cal.t_sd": "sd (refits)",
        "cal.t_bounds": "bounds",
        "cal.t_at_bound": "  AT BOUND",
        "cal.t_objective": "objective D = {d}",
        "cal.t_target": "target",
        "cal.t_done": (
            "{runs} runs, {evals} points in {s} s; wrote {target}/ (calibrated scenario: "
            "{scenario}, report: {path})"
        ),
        # calibration table
        "ct.band": "band",
        "ct.simulated": "simulated ({runs})",
        "ct.one_run": "1 run",
        "ct.mean_runs": "mean of {n} runs",
        "ct.status": "status",
        "ct.published": "published",
        "ct.by": " by {pct} %",
        "ct.wrote": "wrote {path}",
        "ct.within": "within",
        "ct.below": "below",
        "ct.above": "above",
        "ct.n/a": "n/a",
        # design
        "des.title": "Design on {name}",
        "des.evaluated": "evaluated ({stage})",
        "des.target": "target {op} {v}",
        "des.p_ylabel": "P({key} {op} {thr})  over {r} replications",
        "des.mean_ylabel": "mean {key}",
        "des.ratio": " / {den} (ratio of means)",
        "des.answer": "answer {v}",
        "des.interval": "90 % bootstrap interval",
        "des.check": "check: {n} fresh replications, 95 % interval",
        "des.t_done": "wrote {dest}/ in {s} s (report: {path})",
        "desc.rng": "{path} in {lo}..{hi}",
        "desc.q_optimum": "the value of {rng} that gives the {sense} of {what}",
        "desc.ratio": "{key} / {den} (ratio of means)",
        "desc.mean": "mean {key}",
        "desc.sense_max": "max",
        "desc.sense_min": "min",
        "desc.q_threshold": "the {end} {rng} such that {text}",
        "desc.smallest": "smallest",
        "desc.largest": "largest",
        "desc.question": "Question: {q}.",
        "desc.scenario": (
            "Scenario {name}; {r} replications per lever value with common random numbers; "
            "{points} values, {runs} runs in {s} s."
        ),
        "desc.day": "{key} is missing when the account lasted the whole horizon ({days} days): ",
        "desc.day_prob": "in a probability it counts as never reached.",
        "desc.day_len": "it counts as the horizon length.",
        "desc.status_found": "found by bisection",
        "desc.status_met_at_bound": (
            "already met at the {side} bound of the range (widen it to see where it stops "
            "being met)"
        ),
        "desc.lower": "lower",
        "desc.upper": "upper",
        "desc.status_not_met": "NOT met anywhere in the range (widen the range or ease the target)",
        "desc.status_optimum": "best value of the range",
        "desc.status_optimum_at_bound": "best value at a bound of the range (widen it)",
        "desc.answer": "Answer: {v}  ({status}).",
        "desc.bracket": "  bisection bracket [{a}, {b}] ({pct} % of the range)",
        "desc.interval": (
            "  90 % bootstrap interval over replications [{lo}, {hi}] (on the lever values "
            "evaluated)"
        ),
        "desc.what_p": "P = {v}",
        "desc.what_ratio": "ratio = {v}",
        "desc.what_mean": "mean = {v}",
        "desc.met": "  target met",
        "desc.not_met": "  target NOT met",
        "desc.check": (
            "Check at {v} on {n} fresh replications (seeds {a}..{b}, unused by the search): "
            "{what} (95 % interval {lo}..{hi}){verdict}; in the search's replications {ins}."
        ),
        "desc.spread": (
            "  the figure varies by {spread} % over the range; the check's 95 % half-width is "
            "{noise} %"
        ),
        "desc.hardly": ": the lever hardly matters for this target",
        "desc.end": ".",
        # predict
        "pred.observation": "observation",
        "pred.role": "role",
        "pred.observed": "observed",
        "pred.mean": "mean",
        "pred.band": "5-95 % band ({n} runs)",
        "pred.error": "error",
        "pred.role_fit": "fit",
        "pred.role_predict": "predict",
        "pred.sim_mean": "simulated mean",
        "pred.sim_band": "simulated 5-95 %",
        "pred.fitted": "observed, fitted",
        "pred.held": "observed, held out",
        "pred.flow_applications_n": "applications (cumulative)",
        "pred.flow_approved_n": "approved loans (cumulative)",
        "pred.flow_disbursed_amount": "approved amount (cumulative)",
        "pred.flow_guaranteed_amount": "guaranteed amount (cumulative)",
        "des.status_found": "found",
        "des.status_met_at_bound": "met_at_bound",
        "des.status_not_met": "not_met",
        "des.status_optimum": "optimum",
        "des.status_optimum_at_bound": "optimum_at_bound",
    },
    "zh": {
        "x.count": "数量",
        "x.pp": "{v}个百分点",
        "x.days": "{v}天",
        "x.day_suffix": "（天）",
        "x.pct": "{v}%",
        "x.mean_band": "（中位数，5%-95%区间）",
        "x.lever_bn": "（亿）",
        "x.lever_m": "（万）",
        "x.lever_tn": "（万亿）",
        "x.wrote": "已写入 {target}/，用时 {s} 秒",
        "x.wrote_report": "（报告：{path}）",
        "warn.what_band": "区间",
        "warn.what_probability": "概率",
        "warn.few": "警告：{what}仅基于{n}次重复模拟（少于{min}次）",
        "warn.morris": (
            "警告：Morris 仅有{n}条轨迹（少于{min}条）：mu*及其置信区间很粗略，不要据此对参数排序"
        ),
        "warn.probability": (
            "警告：概率仅基于{n}次重复模拟（少于{min}次）：答案不确定，请增加重复模拟次数后重新运行"
        ),
        "warn.band_terminal": "{warning}：上表的5%-95%区间不是可靠的范围。",
        "series.applications_cum": "申请数（累计）",
        "series.approved_cum": "获批申请数（累计）",
        "series.disbursed_cum": "发放金额（累计）",
        "series.guaranteed_cum": "担保金额（累计）",
        "series.pool_remaining": "专项贷款剩余额度",
        "series.credit_sub_quota_remaining": "信用贷款子额度剩余",
        "series.guarantee_remaining": "担保能力剩余",
        "series.zone_budgets_exhausted_n": "用尽的园区预算数",
        "exh.legend": "{label}{suffix}（期末{pct}%）",
        "exh.ylabel": "截至该日已用尽（目标：已达到）的概率（%）",
        "exh.title": "各项额度用尽或达到目标的概率（{n}次重复模拟）",
        "exh.variant_title": "{variant}：各项额度用尽或达到目标的概率",
        "diff.xlabel": "与{base}的差异（占基准均值 %）",
        "diff.title": (
            "相对基准的变化：配对差异均值（点）、均值的90% t区间（粗线）、配对差异的5%-95%区间（细线）"
        ),
        "intro.horizon": (
            "模拟期 {start} 至 {end}（{days}天）；币种 {cur}；每个情景{r}次重复模拟，"
            "种子为 SeedSequence({seed}).spawn(R) 的子种子（第 i 次重复在各处使用相同种子）。"
        ),
        "intro.intervals": "区间：重复模拟结果的第5至第95百分位数（线性插值）。",
        "intro.scaled": "已缩放：数量和金额按 x{scale} 放大。",
        "rep.title": "smesim 重复模拟：{name}",
        "rep.day_note": "日期类指标：额度用尽（目标：已达到）的重复模拟所占比例；均值和区间仅基于这些模拟。",
        "rep.ran_out": "{pct}%的模拟中用尽",
        "rep.reached": "{pct}%的模拟中达到",
        "rep.mean_day": "（平均第{d}天）",
        "rep.col_figure": "主要指标",
        "rep.col_mean": "均值",
        "rep.col_p05": "第5百分位数",
        "rep.col_p95": "第95百分位数",
        "cmp.title": "smesim 情景比较：{variants} 对比 {base}",
        "cmp.col_base": "{base}（基准）",
        "cmp.col_change": "{variant}：变化（90% t置信区间）",
        "cmp.note": (
            "变化为配对差异的均值（方案减基准，逐次重复模拟，共同随机数），附均值的90% Student-t"
            "置信区间；comparison.csv 另给出配对差异的5%-95%范围。"
        ),
        "swp.title": "smesim 参数扫描：{name}",
        "swp.col_point": "参数点",
        "swp.col_mean": "{label}（均值）",
        "swp.grid": "网格（笛卡尔积）",
        "swp.lhs": "拉丁超立方抽样",
        "swp.design": "设计：{design}，{n}个参数点 x {r}次重复模拟；杠杆：{levers}。",
        "swp.crn": "每个参数点使用相同的重复模拟种子（共同随机数）。",
        "swp.first": "仅显示前{n}个参数点；完整结果见 tables/points.csv。",
        "swp.suptitle": "主要指标随 {lever} 的变化：重复模拟的均值和5%-95%区间",
        "page.uptake": "申请获批：获批申请数（累计），中位数和5%-95%区间",
        "page.disbursed": "发放与担保金额（累计），中位数和5%-95%区间",
        "out.grid_suptitle": "{title}随 {lever} 的变化：重复模拟的均值和5%-95%区间",
        "out.savings": "企业成本节省（按类别）",
        "out.zones": "园区预算用尽",
        "out.refusals": "被拒申请（按原因）",
        "out.savings_title": "企业成本节省（按类别）：重复模拟的均值和5%-95%区间",
        "out.zone_share_title": "园区预算用尽比例随时间变化：中位数和5%-95%区间",
        "out.zone_end_title": "期末用尽的园区预算数：重复模拟的均值和5%-95%区间",
        "out.refusals_title": "被拒申请（按原因）：重复模拟的均值和5%-95%区间",
        "out.zone_share_ylabel": "预算用尽的园区占比（%）",
        "out.zone_unit": "园区预算数",
        "out.refusal_unit": "被拒申请数",
        "t.rep_title": "{name}：{r}次重复模拟（均值、第5和第95百分位数）",
        "t.figure": "指标",
        "t.mean": "均值",
        "t.p05": "第5百分位",
        "t.p95": "第95百分位",
        "t.cmp_title": "{variant} 减 {base}：{r}次配对重复模拟（共同随机数；金额单位 元）",
        "t.cmp_caption": (
            "差异：配对差异的均值；90%置信区间：该均值的 Student-t 区间；5%-95%：配对差异的百分位数"
        ),
        "t.base": "基准",
        "t.variant": "方案",
        "t.difference": "差异",
        "t.ci": "90%置信区间",
        "t.pairs": "配对差异5%-95%",
        "t.swp_title": "{name}：{n}个参数点 x {r}次重复模拟（均值；5%-95%区间见 tables/points.csv）",
        "t.point": "参数点",
        "t.more_points": "……另有{n}个参数点，见 tables/points.csv",
        "sens.title": "{name} 的敏感性分析",
        "sens.scenario": "情景：{name}（{n}家模拟企业，{days}天，随机种子 {seed}）。",
        "sens.sobol": "Sobol（Saltelli 设计，一阶和总效应指数）",
        "sens.morris": "Morris（基本效应）",
        "sens.sobol_n": "基础样本 N = {n}",
        "sens.morris_n": "{levels}级网格上的{n}条轨迹",
        "sens.method": "方法：{method}；{design}；{points}个参数点 x {r}次重复模拟 = {runs}次运行，用时 {s} 秒。",
        "sens.crn": (
            "每个参数点使用相同的重复模拟（共同随机数），输出为其均值。区间为95% bootstrap 区间"
            "（对设计重抽样{b}次）。"
        ),
        "sens.day_note": (
            "*_day 类输出是账户额度用尽的日期；若整个模拟期内未用尽，则按模拟期长度（{days}天）"
            "计，为删失值。"
        ),
        "sens.params": "参数（在其范围内均匀分布）：",
        "sens.integer": "（整数）",
        "sens.outputs": "输出指标：{outputs}",
        "sens.censored": "{key}（{pct}%的运行未用尽）",
        "sens.col_output": "输出指标",
        "sens.col_parameter": "参数",
        "sens.censored_label": "{label}（未用尽按模拟期{days}天计；占运行的{pct}%）",
        "sens.s1": "一阶指数 S1",
        "sens.st": "总效应指数 ST",
        "sens.sobol_ylabel": "Sobol 指数（方差占比）",
        "sens.mu": "mu*（|效应|均值）",
        "sens.sigma": "sigma（非线性与交互作用）",
        "sens.morris_ylabel": "{levels}级网格上一步对{label}的效应",
        "sens.t_censored": "（{pct}%的运行未用尽：按{days}天计）",
        "sens.t_done": "{runs}次运行，用时 {s} 秒；已写入 {target}/（报告：{path}）",
        "cal.title": "{name} 的参数校准",
        "cal.scenario": "情景 {name}（{n}家模拟企业，比例 {scale}，{days}天）；校准目标“{targets}”",
        "cal.illustrative": "——示意数据，并非观测值",
        "cal.fit": (
            "拟合：{method} 全局搜索（{gp}个参数点），然后 {polish}（最多{pe}个参数点）；每个参数点"
            "{r}次重复模拟（共同随机数）；共{evals}个参数点、{runs}次运行，用时 {s} 秒。"
        ),
        "cal.objective": "拟合处的目标函数 D = {d}（相对残差平方的加权均值）。",
        "cal.uncertainty": "不确定性：{u}。",
        "cal.fitted": "拟合值：",
        "cal.refit_sd": "；重复模拟子集标准差 {sd}",
        "cal.at_bound": "（位于边界：请放宽范围）",
        "cal.fitted_line": "  {p} = {v}（边界 {lo}..{hi}；曲率标准误 {se}{extra}）{flag}",
        "cal.col_label": "校准目标",
        "cal.col_observed": "观测值",
        "cal.col_simulated": "模拟值",
        "cal.col_min": "模拟最小值",
        "cal.col_max": "模拟最大值",
        "cal.col_residual": "残差",
        "cal.col_weight": "权重",
        "cal.band": "模拟值，{n}次重复模拟的范围",
        "cal.mean": "模拟值，均值",
        "cal.observed": "观测值",
        "cal.day_axis": "天（0 = {start}）",
        "cal.cum_ylabel": "累计 {of}{unit}",
        "cal.cum_title": "累计 {of}：观测值与拟合值下的模拟值",
        "cal.ratio_label": "模拟值 / 观测值（重复模拟范围）",
        "cal.ratio": "模拟值 / 观测值",
        "cal.targets_title": "拟合值下的各校准目标",
        "cal.evaluation": "评估序号",
        "cal.objective_ylabel": "目标函数 D（相对残差平方的加权均值）",
        "cal.search": "搜索过程",
        "cal.held_out": "（留出验证）",
        "cal.polish": "有界 Nelder-Mead 局部优化",
        "cal.se_text": (
            "se_curvature：最优点处目标函数的 Gauss-Newton 曲率（在各范围5%内做中心差分，"
            "按残差方差 sum(w r^2)/(n-p) 缩放）"
        ),
        "cal.sd_text": "；refit_sd：在{refits}组新的{r}次重复模拟及主组上重新拟合的离散程度",
        "cal.stage_global": "全局搜索",
        "cal.stage_polish": "局部优化",
        "cal.stage_curvature": "曲率估计",
        "cal.stage_refit": "重新拟合 {j}",
        "cal.t_illustrative": "校准目标为示意数据（虚构数字）：拟合仅演示方法",
        "cal.t_parameter": "参数",
        "cal.t_fitted": "拟合值",
        "cal.t_se": "标准误",
        "cal.t_sd": "标准差",
        "cal.t_bounds": "边界",
        "cal.t_at_bound": "  位于边界",
        "cal.t_objective": "目标函数 D = {d}",
        "cal.t_target": "校准目标",
        "cal.t_done": (
            "{runs}次运行、{evals}个参数点，用时 {s} 秒；已写入 {target}/（校准后情景："
            "{scenario}，报告：{path}）"
        ),
        "ct.band": "区间",
        "ct.simulated": "模拟值（{runs}）",
        "ct.one_run": "1次运行",
        "ct.mean_runs": "{n}次运行均值",
        "ct.status": "状态",
        "ct.published": "公开数据",
        "ct.by": "，偏离 {pct}%",
        "ct.wrote": "已写入 {path}",
        "ct.within": "区间内",
        "ct.below": "偏低",
        "ct.above": "偏高",
        "ct.n/a": "无",
        "des.title": "{name} 的政策设计",
        "des.evaluated": "已评估（{stage}）",
        "des.target": "目标 {op} {v}",
        "des.p_ylabel": "P({key} {op} {thr})，{r}次重复模拟",
        "des.mean_ylabel": "{key} 均值",
        "des.ratio": " / {den}（均值之比）",
        "des.answer": "答案 {v}",
        "des.interval": "90% bootstrap 区间",
        "des.check": "检验：{n}次新的重复模拟，95%区间",
        "des.t_done": "已写入 {dest}/，用时 {s} 秒（报告：{path}）",
        "desc.rng": "{path}（范围 {lo}..{hi}）",
        "desc.q_optimum": "使{what}达到{sense}的 {rng} 取值",
        "desc.ratio": "{key} / {den}（均值之比）",
        "desc.mean": "{key} 均值",
        "desc.sense_max": "最大值",
        "desc.sense_min": "最小值",
        "desc.q_threshold": "满足 {text} 的{end} {rng}",
        "desc.smallest": "最小",
        "desc.largest": "最大",
        "desc.question": "问题：{q}。",
        "desc.scenario": (
            "情景 {name}；每个杠杆取值{r}次重复模拟（共同随机数）；共{points}个取值、{runs}次运行，"
            "用时 {s} 秒。"
        ),
        "desc.day": "若账户在整个模拟期（{days}天）内未用尽，{key} 为缺失值：",
        "desc.day_prob": "在概率中按从未达到计。",
        "desc.day_len": "按模拟期长度计。",
        "desc.status_found": "二分法求得",
        "desc.status_met_at_bound": "在范围的{side}边界已满足（请放宽范围以查看何处不再满足）",
        "desc.lower": "下",
        "desc.upper": "上",
        "desc.status_not_met": "在整个范围内均未满足（请放宽范围或降低目标）",
        "desc.status_optimum": "范围内的最优值",
        "desc.status_optimum_at_bound": "最优值位于范围边界（请放宽范围）",
        "desc.answer": "答案：{v}（{status}）。",
        "desc.bracket": "  二分区间 [{a}, {b}]（占范围的{pct}%）",
        "desc.interval": "  重复模拟的90% bootstrap 区间 [{lo}, {hi}]（基于已评估的杠杆取值）",
        "desc.what_p": "P = {v}",
        "desc.what_ratio": "比值 = {v}",
        "desc.what_mean": "均值 = {v}",
        "desc.met": "，目标已满足",
        "desc.not_met": "，目标未满足",
        "desc.check": (
            "检验：在 {v} 处用{n}次新的重复模拟（种子 {a}..{b}，搜索中未使用）：{what}"
            "（95%区间 {lo}..{hi}）{verdict}；搜索所用重复模拟中为 {ins}。"
        ),
        "desc.spread": "  该指标在范围内变化{spread}%；检验的95%半宽为{noise}%",
        "desc.hardly": "：该杠杆对此目标几乎没有影响",
        "desc.end": "。",
        "pred.observation": "观测指标",
        "pred.role": "用途",
        "pred.observed": "观测值",
        "pred.mean": "均值",
        "pred.band": "5%-95%区间（{n}次运行）",
        "pred.error": "误差",
        "pred.role_fit": "拟合",
        "pred.role_predict": "留出",
        "pred.sim_mean": "模拟均值",
        "pred.sim_band": "模拟5%-95%区间",
        "pred.fitted": "观测值（用于拟合）",
        "pred.held": "观测值（留出验证）",
        "pred.flow_applications_n": "申请数（累计）",
        "pred.flow_approved_n": "获批贷款数（累计）",
        "pred.flow_disbursed_amount": "获批金额（累计）",
        "pred.flow_guaranteed_amount": "担保金额（累计）",
        "des.status_found": "已求得",
        "des.status_met_at_bound": "边界处已满足",
        "des.status_not_met": "未满足",
        "des.status_optimum": "最优值",
        "des.status_optimum_at_bound": "最优值在边界",
    },
}
