"""Plausibility: values a scenario accepts but that are most likely a slip of units, and
results that cannot be right.

Public names: :class:`Typical`, :data:`TYPICAL`, :data:`KINDS`, :func:`typical_range`,
:func:`plausibility_warnings`, :func:`outcome_warnings`.

A rate or fee is written as a fraction (0.0065 = 0.65 % a year) and an amount in yuan
(``30m``, ``30万``): ``guarantee.fee_rate: 0.65`` (meant 0.65 %) is a fee of 65 % a year,
and ``guarantee.cap_per_firm: 30`` (meant 30 m) a cap of 30 yuan. Both pass the schema's
bounds and give nonsense. Every numeric field of the schema has a typical range and a
unit kind in :data:`TYPICAL` (``tests/test_plausibility.py`` checks that none is
missing); a value outside its range passes with a warning that names the field, the
value, the range and the likely slip. A run prints the warnings and keeps them in
``manifest.json`` (``warnings``); ``smesim validate`` prints them; ``--strict`` turns
them into exit code 2.

A key of :data:`TYPICAL` is a field's dotted path; ``*`` stands for every entry of a
mapping or list of sections (``population.tiers.*.share``). A field whose value is a
mapping or list of numbers (``population.sectors``, ``demand.monthly_weights``) has one
range for each of its numbers. An event's value is checked against the range of the
path it changes. A section a measure registers may declare the ranges of its own fields
as ``typical = {field: Typical(...)}`` on its section model.

After a run, :func:`outcome_warnings` flags what cannot be right (more lent than a hard
pool holds, a share above 1) and explains what looks wrong but is not (a negative
fiscal cost: the guarantee fees exceed the expected losses).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

__all__ = [
    "KINDS",
    "TYPICAL",
    "Typical",
    "outcome_warnings",
    "plausibility_warnings",
    "typical_range",
]


class Typical(NamedTuple):
    """The typical range of a field: its unit kind (one of :data:`KINDS`), lowest and
    highest typical value, and for a plain number the unit it is counted in."""

    kind: str
    low: float
    high: float
    unit: str = ""


#: Unit kinds of scenario fields: what a value means, and the slip each kind invites.
KINDS: dict[str, str] = {
    "share": "a fraction of a whole, 0..1 (0.3 = 30 %)",
    "rate": "a yearly rate as a fraction (0.031 = 3.1 % a year)",
    "rate_day": "a rate per day as a fraction",
    "money": "an amount of the scenario's currency (30m, 3000万)",
    "days": "a number of days",
    "years": "a number of years",
    "count": "a whole number of things",
    "ratio": "a multiple or ratio (1 = the same)",
    "number": "a plain number (log units, logit units, weights, quantities)",
    "id": "an identifier (any value)",
}

_INF = math.inf
_S = Typical("share", 0.0, 1.0)
_DAY = Typical("days", 0, 36_500)

#: Path -> typical range, for every numeric field of the schema (docs/model.md 6.4).
TYPICAL: dict[str, Typical] = {
    "seed": Typical("id", 0, _INF),
    "horizon.days": Typical("days", 30, 3_650),
    # population
    "population.firms_n": Typical("count", 10, 20_000_000),
    "population.scale": Typical("ratio", 0.01, 100_000),
    "population.pd_scale": Typical("ratio", 0.1, 10),
    "population.tiers.*.share": _S,
    "population.tiers.*.revenue_median": Typical("money", 100_000, 1e11),
    "population.tiers.*.revenue_sigma": Typical("number", 0, 2.5, "log units"),
    "population.tiers.*.revenue_per_employee": Typical("money", 50_000, 1e8),
    "population.tiers.*.pd_annual_median": Typical("rate", 0.0005, 0.2),
    "population.tiers.*.pd_sigma": Typical("number", 0, 2, "logit units"),
    "population.tiers.*.collateral_ratio_mean": _S,
    "population.tiers.*.in_zone_share": _S,
    "population.tiers.*.growth_mean": Typical("rate", -0.5, 1.0),
    "population.tiers.*.growth_sd": Typical("rate", 0, 1.0),
    "population.tiers.*.age_median_years": Typical("years", 0.5, 60),
    "population.sectors": _S,
    "population.zones.zones_n": Typical("count", 0, 1_000),
    "population.zones.clusters_n": Typical("count", 0, 1_000),
    "population.zones.size_concentration": Typical("number", 0.05, 100, "Dirichlet alpha"),
    "population.districts.*.outside_share": Typical("share", 0, 1),
    "population.size_bands": Typical("money", 100_000, 1e11),
    "population.running_costs.floor_m2_per_employee": Typical("number", 1, 500, "m2"),
    "population.running_costs.rent_per_m2_day": Typical("money", 0, 20),
    "population.running_costs.electricity_kwh_per_employee_year": Typical(
        "number", 0, 500_000, "kWh"
    ),
    "population.running_costs.electricity_per_kwh": Typical("money", 0, 5),
    "population.running_costs.water_m3_per_employee_year": Typical("number", 0, 10_000, "m3"),
    "population.running_costs.water_per_m3": Typical("money", 0, 50),
    "population.running_costs.internet_per_month": Typical("money", 0, 200_000),
    # demand
    "demand.needs_per_firm_year": Typical("number", 0, 5, "needs a year"),
    "demand.amount_revenue_ratio_median": Typical("ratio", 0.005, 2),
    "demand.amount_sigma": Typical("number", 0, 2.5, "log units"),
    "demand.waiting_at_launch_share": _S,
    "demand.patience_days": Typical("days", 7, 730),
    "demand.monthly_weights": Typical("number", 0, 100, "weight"),
    "demand.existing_loans_share": _S,
    "demand.renewal_share": _S,
    "demand.existing_amount_revenue_ratio_median": Typical("ratio", 0.005, 5),
    "demand.rollover_share": _S,
    "demand.no_principal_share": _S,
    "demand.surge.multiplier": Typical("ratio", 0, 20),
    "demand.surge.peak_day": _DAY,
    "demand.surge.half_life_days": Typical("days", 1, 3_650),
    "demand.surge.weekly": Typical("ratio", 0, 20),
    # awareness and service centres
    "awareness.initial_share": _S,
    "awareness.outreach_rate_day": Typical("rate_day", 0, 0.05),
    "awareness.peer_rate_day": Typical("rate_day", 0, 0.5),
    "awareness.ceiling": _S,
    "awareness.list_pushes.*.day": _DAY,
    "awareness.list_pushes.*.share": _S,
    "awareness.list_contacts_per_day": Typical("count", 1, 1e7),
    "awareness.size_odds_elasticity": Typical("number", -3, 3, "elasticity"),
    "awareness.customer_odds": Typical("ratio", 0.1, 20),
    "service_centres.centres_n": Typical("count", 0, 1_000),
    "service_centres.contacts_per_centre_day": Typical("count", 0, 1e9),
    "service_centres.assists_per_centre_day": Typical("count", 0, 1_000),
    # behaviour
    "behaviour.application_cost": Typical("money", 0, 1e7),
    "behaviour.apply_intercept": Typical("number", -10, 10, "logit units"),
    "behaviour.apply_benefit_slope": Typical("number", 0, 10, "logit units"),
    "behaviour.apply_size_slope": Typical("number", -3, 3, "logit units"),
    "behaviour.access_value_rate": Typical("rate", 0, 0.5),
    "behaviour.assisted_share": _S,
    "behaviour.prep_days": Typical("days", 0, 180),
    "behaviour.prep_size_elasticity": Typical("number", -2, 2, "elasticity"),
    "behaviour.customer_prep_factor": Typical("ratio", 0.1, 10),
    "behaviour.retry_probability": _S,
    "behaviour.retry_delay_days": Typical("days", 0, 365),
    "behaviour.max_attempts": Typical("count", 1, 20),
    # lenders
    "banks.appetite_noise_sd": Typical("number", 0, 3, "log units"),
    "banks.monthly_lending_weights": Typical("number", 0, 100, "weight"),
    "banks.surge_capacity.max_multiplier": Typical("ratio", 1, 100),
    "banks.surge_capacity.queue_days_trigger": Typical("days", 0, 365),
    "banks.surge_capacity.delay_days": Typical("days", 0, 365),
    "banks.group.n": Typical("count", 1, 100_000),
    "banks.group.onboarding_days": Typical("days", 1, 3_650),
    # rates
    "rates.lpr_1y": Typical("rate", 0.0, 0.2),
    "rates.programme_spread": Typical("rate", -0.05, 0.05),
    "rates.market_spread_base": Typical("rate", -0.05, 0.05),
    "rates.market_risk_premium_per_pd": Typical("number", 0, 10, "rate per PD"),
    "rates.discount_rate": Typical("rate", 0, 0.2),
    # the loan pool
    "loan_pool.total": Typical("money", 1_000_000.0, 1e14),
    "loan_pool.credit_sub_quota": Typical("money", 1_000_000.0, 1e14),
    "loan_pool.credit_loan_max_collateral": _S,
    "loan_pool.interest_subsidy_share": _S,
    "loan_pool.max_per_firm": Typical("money", 100_000.0, 1e11),
    "loan_pool.min_amount": Typical("money", 1_000.0, 1e10),
    "loan_pool.term_days": Typical("days", 30, 3_650),
    "loan_pool.reallocation_day": _DAY,
    "loan_pool.processing_cap_per_day": Typical("count", 1, 1e7),
    "loan_pool.subsidy_budget": Typical("money", 100_000, 1e13),
    # the guarantee
    "guarantee.capital": Typical("money", 1_000_000.0, 1e13),
    "guarantee.leverage": Typical("ratio", 0, 20),
    "guarantee.cap_per_firm": Typical("money", 100_000.0, 1e10),
    "guarantee.coverage": _S,
    "guarantee.fee_rate": Typical("rate", 0.0, 0.05),
    "guarantee.market_fee_rate": Typical("rate", 0.0, 0.05),
    "guarantee.max_pd_annual": _S,
    "guarantee.batch_max_pd_annual": _S,
    "guarantee.suspend_claim_rate": Typical("rate", 0, 0.5),
    "guarantee.fee_subsidy_share": _S,
    # cost relief
    "cost_relief.budget": Typical("money", 100_000, 1e13),
    "cost_relief.zone_budgets": Typical("money", 0, 1e12),
    "cost_relief.subsidy_rates.rent": _S,
    "cost_relief.subsidy_rates.electricity": _S,
    "cost_relief.subsidy_rates.water": _S,
    "cost_relief.subsidy_rates.internet": _S,
    "cost_relief.cap_per_firm_year": Typical("money", 1_000, 1e9),
    "cost_relief.claim_interval_days": Typical("days", 1, 365),
    # awards
    "awards.budget": Typical("money", 10_000, 1e12),
    "awards.round_days": _DAY,
    "awards.levels.*.amount": Typical("money", 1_000, 1e8),
    "awards.levels.*.per_round_max": Typical("count", 0, 100_000),
    "awards.levels.*.min_revenue": Typical("money", 0, 1e11),
    "awards.levels.*.min_growth": Typical("rate", -1, 2),
    # funds
    "funds.total": Typical("money", 1_000_000, 1e13),
    "funds.round_interval_days": Typical("days", 1, 3_650),
    "funds.firms_per_round_max": Typical("count", 0, 100_000),
    "funds.ticket_revenue_share": _S,
    "funds.ticket_min": Typical("money", 0, 1e10),
    "funds.ticket_max": Typical("money", 100_000, 1e11),
    "funds.min_growth": Typical("rate", -1, 2),
    # NPL compensation
    "npl_compensation.budget": Typical("money", 100_000, 1e12),
    "npl_compensation.share": _S,
    "npl_compensation.first_loan_bonus": _S,
    # events (the value is checked against the range of the path it changes)
    "events.*.day": _DAY,
}

#: A lender's fields: the same range for the named lenders and the group.
_LENDER: dict[str, Typical] = {
    "market_share": _S,
    "quota_share": _S,
    "officers": Typical("count", 1, 100_000),
    "reviews_per_officer_day": Typical("count", 0.1, 100),
    "review_days": Typical("days", 0, 180),
    "max_expected_loss": Typical("rate", 0.0001, 0.2),
    "lgd": _S,
    "join_day": _DAY,
    "ramp_days": Typical("days", 0, 730),
}
for _name, _typ in _LENDER.items():
    TYPICAL[f"banks.lenders.*.{_name}"] = _typ
    TYPICAL[f"banks.group.{_name}"] = _typ

#: Amounts of zero that mean "none" rather than a slip (a budget of 0 is no budget).
_ZERO_IS_NONE = {
    "loan_pool.credit_sub_quota",
    "loan_pool.subsidy_budget",
    "cost_relief.budget",
    "awards.budget",
    "funds.total",
    "npl_compensation.budget",
    "guarantee.capital",
    "cost_relief.zone_budgets",
}

#: Rates of the summary that are shares of a whole (a claim rate over a period is not).
_SHARES = ("approval_rate", "uptake_rate")

#: Units an amount may have been meant in, tried in turn for an amount too small.
_MONEY_UNITS = (("k", 1e3), ("m", 1e6), ("bn", 1e9))


def typical_range(path: str) -> Typical | None:
    """The typical range of the field at ``path`` (entries' keys or indices as ``*``).

    Examples
    --------
    >>> typical_range("banks.lenders.3.review_days")
    Typical(kind='days', low=0, high=180, unit='')
    >>> typical_range("population.tiers.srdi.share").kind
    'share'
    """
    if path in TYPICAL:
        return TYPICAL[path]
    parts = path.split(".")
    for i in range(len(parts)):
        star = ".".join([*parts[:i], "*", *parts[i + 1 :]])
        if star in TYPICAL:
            return TYPICAL[star]
    if len(parts) > 1 and ".".join(parts[:-1]) in TYPICAL:  # a number of a list or mapping
        return TYPICAL[".".join(parts[:-1])]
    return _registered_range(parts)


def _registered_range(parts: list[str]) -> Typical | None:
    """The range a measure's registered section declares for one of its fields."""
    from .sections import registered_sections

    for s in registered_sections():
        if parts[0] == s.name and len(parts) == 2:
            return getattr(s.model, "typical", {}).get(parts[1])
    return None


def _amount(value: float, currency: str) -> str:
    unit = "yuan" if currency == "CNY" else currency
    return f"{value:,.10g} {unit}" if abs(value) < 1_000 else f"{value:,.0f} {unit}"


def _money_hint(value: float, t: Typical) -> str:
    if not 0 < value < t.low:
        return ""
    fits = [f"{value:g}{u}" for u, f in _MONEY_UNITS if t.low <= value * f <= t.high]
    return f"; did you mean {' or '.join(fits)}?" if fits else ""


def _days_hint(value: float, t: Typical) -> str:
    if not 0 < value < t.low:
        return ""
    for word, f in (("year", 365), ("month", 30), ("week", 7)):
        if t.low <= value * f <= t.high:
            word += "" if value == 1 else "s"
            return f"; did you mean {value:g} {word} ({value * f:g} days)?"
    return ""


def _describe(path: str, value: float, t: Typical, currency: str) -> str:
    """The warning of one value outside its typical range, with the likely slip."""
    hint = ""
    if t.kind in ("rate", "rate_day", "share"):
        per = {"rate": " a year", "rate_day": " a day", "share": ""}[t.kind]
        shown = f"{100 * value:g} %{per}"
        span = f"{100 * t.low:g} % .. {100 * t.high:g} %"
        if value > t.high and t.low <= value / 100 <= t.high:
            hint = f"; did you mean {value:g} % ({value / 100:g})?"
        elif value > t.high and t.kind == "rate" and t.low <= value / 10_000 <= t.high:
            hint = f"; did you mean {value:g} basis points ({value / 10_000:g})?"
    elif t.kind == "money":
        shown = _amount(value, currency)
        span = f"{_amount(t.low, currency)} .. {_amount(t.high, currency)}"
        hint = _money_hint(value, t)
    elif t.kind in ("days", "years"):
        shown = f"{value:g} {t.kind}"
        span = f"{t.low:g} .. {t.high:g} {t.kind}"
        hint = _days_hint(value, t) if t.kind == "days" else ""
    else:
        unit = f" {t.unit}" if t.unit else ""
        shown = f"{value:,.10g}{unit} ({KINDS[t.kind].split(' (')[0]})"
        span = f"{t.low:,.10g} .. {t.high:,.10g}{unit}"
    return f"{path}={value:g} is {shown}, outside the typical {span}{hint}"


def _entries(data: Any, parts: list[str], path: str) -> Iterator[tuple[str, Any]]:
    """``(path, value)`` of every value ``parts`` reaches in ``data`` (``*``: each entry)."""
    if not parts:
        yield path, data
        return
    head, rest = parts[0], parts[1:]
    if head == "*":
        items = (
            data.items()
            if isinstance(data, Mapping)
            else enumerate(data)
            if isinstance(data, list)
            else ()
        )
        for k, v in items:
            yield from _entries(v, rest, f"{path}.{k}")
    elif isinstance(data, Mapping) and data.get(head) is not None:
        yield from _entries(data[head], rest, f"{path}.{head}" if path else head)


def _numbers(path: str, value: Any, kind: str) -> Iterator[tuple[str, float]]:
    """The numbers of a value: itself, or each number of a list or mapping of numbers
    (written values such as ``'400bn'`` or ``'30%'`` read as numbers; others skipped)."""
    if isinstance(value, Mapping):
        for k, v in value.items():
            yield from _numbers(f"{path}.{k}", v, kind)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _numbers(f"{path}.{i}", v, kind)
    else:
        number = _as_number(value, kind)
        if number is not None:
            yield path, number


def _as_number(value: Any, kind: str) -> float | None:
    """A value written in a file (``'400bn'``, ``'30%'``) as a number, if it reads as one."""
    from .money import parse_money, parse_share

    if isinstance(value, bool) or value is None:
        return None
    try:
        if isinstance(value, int | float):
            number = float(value)
        else:
            number = float(parse_money(value) if kind == "money" else parse_share(value))
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _outside(pattern: str, number: float, t: Typical) -> bool:
    """Whether ``number`` is outside the range (an amount of 0 that means none is not; an
    identifier never is)."""
    if t.kind == "id" or (t.kind == "money" and number == 0 and pattern in _ZERO_IS_NONE):
        return False
    return not t.low <= number <= t.high


def _registered_patterns() -> dict[str, Typical]:
    """The ranges the sections registered by measures declare (``typical``)."""
    from .sections import registered_sections

    out: dict[str, Typical] = {}
    for s in registered_sections():
        for name, t in getattr(s.model, "typical", {}).items():
            out.setdefault(f"{s.name}.{name}", t)
    return out


def plausibility_warnings(scenario: Any) -> list[str]:
    """The warnings of a scenario's values outside their typical range.

    Parameters
    ----------
    scenario
        A :class:`~sim.scenario.Scenario`, or a raw scenario mapping (values as written:
        ``'400bn'``, ``'30%'``; values that do not read as numbers are skipped). Sections
        it does not have are skipped.

    Returns
    -------
    list of str
        One line per value, in the order of :data:`TYPICAL`; empty when all are typical.

    Examples
    --------
    >>> raw = {"guarantee": {"fee_rate": 0.65, "cap_per_firm": 30}, "horizon": {"days": 3}}
    >>> for w in plausibility_warnings(raw):
    ...     print(w)
    horizon.days=3 is 3 days, outside the typical 30 .. 3650 days; did you mean 3 years (1095 days)?
    guarantee.cap_per_firm=30 is 30 yuan, outside the typical 100,000 yuan .. 10,000,000,000 yuan; did you mean 30m?
    guarantee.fee_rate=0.65 is 65 % a year, outside the typical 0 % .. 5 %; did you mean 0.65 % (0.0065)?
    """
    data = scenario.model_dump() if hasattr(scenario, "model_dump") else scenario
    if not isinstance(data, Mapping):
        return []
    currency = str(data.get("currency") or "CNY")
    out: list[str] = []
    for pattern, t in {**TYPICAL, **_registered_patterns()}.items():
        for path, value in _entries(data, pattern.split("."), ""):
            for p, number in _numbers(path, value, t.kind):
                if _outside(pattern, number, t):
                    out.append(_describe(p, number, t, currency))
    out += _event_warnings(data, currency)
    out += _inert_warnings(data)
    return out


def _inert_warnings(data: Mapping[str, Any]) -> list[str]:
    """Settings that cannot act because what delivers them is absent."""
    out = []
    aw = data.get("awareness") or {}
    centres = data.get("service_centres") or {}
    rate = _as_number(aw.get("outreach_rate_day"), "rate") if isinstance(aw, Mapping) else None
    n = centres.get("centres_n", 0) if isinstance(centres, Mapping) else 0
    contacts = centres.get("contacts_per_centre_day", 0) if isinstance(centres, Mapping) else 0
    if rate and rate > 0 and not (_as_number(n, "count") and _as_number(contacts, "number")):
        out.append(
            f"awareness.outreach_rate_day={rate:g} reaches no firm: outreach is delivered by "
            "the service centres and the scenario has none (service_centres.centres_n and "
            "contacts_per_centre_day); declare them, or set the rate to 0"
        )
    return out


def _event_warnings(data: Mapping[str, Any], currency: str) -> list[str]:
    """An event's value checked against the range of the path it changes."""
    out = []
    events = data.get("events") or []
    for i, ev in enumerate(events if isinstance(events, list) else []):
        if not isinstance(ev, Mapping) or not isinstance(ev.get("path"), str):
            continue
        t = typical_range(ev["path"])
        number = None if t is None else _as_number(ev.get("value"), t.kind)
        if t is not None and number is not None and _outside(ev["path"], number, t):
            note = _describe(ev["path"], number, t, currency)
            out.append(f"events.{i}.value: {note}")
    return out


def outcome_warnings(summary: Mapping[str, Any], scenario: Any) -> list[str]:
    """Results of a run that cannot be right, and results that look wrong but are not.

    Parameters
    ----------
    summary
        The run's summary (``RunResult.summary_dict()``).
    scenario
        The run's :class:`~sim.scenario.Scenario`.

    Returns
    -------
    list of str
        A line for: more lent than a hard pool holds; a share of the summary above 1
        (the approval and uptake rates too; the used share of a target or revolving
        account may pass 1); a negative
        fiscal cost, explained (the guarantee fees exceed its expected losses).
    """
    out: list[str] = []
    pool = getattr(scenario, "loan_pool", None)
    hard = pool is not None and pool.kind == "hard"
    lent = summary.get("disbursed_amount")
    if hard and isinstance(lent, int | float) and lent > pool.total * (1 + 1e-9):
        out.append(
            f"disbursed_amount={lent:,.0f} is more than the hard pool loan_pool.total="
            f"{pool.total:,.0f} holds: this cannot be right (please report it)"
        )
    for key, value in summary.items():
        if not (key.endswith("_share") or key in _SHARES) or not isinstance(value, int | float):
            continue
        if isinstance(value, bool) or value <= 1 + 1e-9:
            continue
        if key.endswith("_used_share") and not (hard and key == "pool_used_share"):
            continue  # the used share of a target or revolving account may pass 1
        out.append(f"{key}={value:.4g} is a share above 1: this cannot be right (please report it)")
    cost = summary.get("fiscal_cost_amount")
    if isinstance(cost, int | float) and cost < 0:
        fee = getattr(getattr(scenario, "guarantee", None), "fee_rate", 0.0)
        slip = (
            f"; guarantee.fee_rate={fee:g} is {100 * fee:g} % a year: if it was meant in "
            "percent, it is far too high"
            if fee > TYPICAL["guarantee.fee_rate"].high
            else ""
        )
        out.append(
            f"fiscal_cost_amount={cost:,.0f} is negative: the guarantee fees the fund collects "
            f"exceed the expected losses of its guarantees. Fees can exceed losses, so this is "
            f"not an error{slip}"
        )
    return out
