"""Scenario: the validated description of one programme and its setting.

Public names: :class:`Scenario` (and its section models), :func:`load_scenario`,
:func:`parse_money`, :func:`apply_overrides`, :func:`scenario_to_yaml`,
:class:`ScenarioError`.

A scenario file is YAML. It is loaded with the safe loader, merged with the file it
``extends:`` (recursively; cycles are refused), overridden by ``--set path=value``
pairs, and validated once by pydantic models that forbid unknown keys. Everything
downstream takes the typed, frozen :class:`Scenario`.
"""

from __future__ import annotations

import copy
import math
import re
import reprlib
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

__all__ = [
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "parse_money",
    "apply_overrides",
    "scenario_to_yaml",
    "RELIEF_CATEGORIES",
]

RELIEF_CATEGORIES = ("rent", "electricity", "water", "internet")
SHARE_TOLERANCE = 1e-3
# Bytes of working memory per simulated firm, per financing need, per account-day (the
# daily level history is held three times at its peak: snapshots, stacked, scaled) and
# per zone-day (awareness curves), plus the interpreter with its libraries; used to
# refuse scenarios this machine cannot hold before anything is allocated. Measured with
# tests/test_bad_input.py::test_memory_estimate_is_near_a_measured_run.
_BYTES_PER_FIRM = 420
_BYTES_PER_NEED = 260
_BYTES_PER_ACCOUNT_DAY = 24
_BYTES_PER_GROUP_DAY = 16
_BYTES_BASE = 160 * 2**20
#: Share of the available memory a run may be expected to use.
MEMORY_SHARE = 0.8
#: Largest scenario file read (a scenario is a few kilobytes).
MAX_FILE_BYTES = 16 * 2**20


def _printable(text: str) -> str:
    """``text`` with control characters escaped, so that a message stays on its line."""
    return text if text.isprintable() else repr(text)[1:-1]


class ScenarioError(ValueError):
    """A scenario is invalid: names the file, the field path and what was expected.

    Parameters
    ----------
    message
        What is wrong and what was expected.
    file
        The scenario file the error was found in, if any.
    field
        Dotted path of the offending field, if any (the first one when there are several).
    fields
        Dotted paths of every offending field, when the message lists several problems.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        field: str | None = None,
        fields: tuple[str, ...] | list[str] | None = None,
    ):
        self.message = message
        self.file = str(file) if file is not None else None
        self.field = field
        self.fields = tuple(fields) if fields else ((field,) if field else ())
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        # with several problems each line names its own field
        if self.field and len(self.fields) <= 1:
            where.append(f"field '{_printable(self.field)}'")
        prefix = ": ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


# --------------------------------------------------------------------------- money

_MONEY_RE = re.compile(r"^\s*([-+]?\d[\d,_]*(?:\.\d+)?|[-+]?\.\d+)\s*([a-z]*)\s*$", re.IGNORECASE)
_SUFFIX = {
    "": 1.0,
    "k": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "t": 1e12,
    "tn": 1e12,
}


def parse_money(value: Any) -> float:
    """Parse an amount of money given as a number or a string such as ``"400bn"``.

    Parameters
    ----------
    value
        An int or float, or a string: digits (``,`` and ``_`` allowed as separators)
        with an optional suffix ``k`` (thousand), ``m``/``mn`` (million),
        ``b``/``bn`` (billion) or ``t``/``tn`` (trillion), case-insensitive.

    Returns
    -------
    float
        The amount in currency units.

    Raises
    ------
    ValueError
        If the value is not a finite amount in one of those forms.
    """
    if isinstance(value, bool):
        raise ValueError("expected an amount such as 400bn, 30m, 100k or 2500000, got a boolean")
    if isinstance(value, int | float):
        try:
            out = float(value)
        except OverflowError:
            raise ValueError(f"expected a finite amount, got {_shown(value)}") from None
    elif isinstance(value, str):
        m = _MONEY_RE.match(value)
        if not m or m.group(2).lower() not in _SUFFIX:
            raise ValueError(
                f"expected an amount such as 400bn, 30m, 100k or 2500000, got {value!r}"
            )
        out = float(m.group(1).replace(",", "").replace("_", "")) * _SUFFIX[m.group(2).lower()]
    else:
        raise ValueError(
            f"expected an amount such as 400bn, 30m, 100k or 2500000, got {type(value).__name__}"
        )
    if not math.isfinite(out):
        raise ValueError(f"expected a finite amount, got {_shown(value)}")
    return out


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {_shown(value)}")
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 1000:
        raise ValueError(f"expected a finite number, got {_shown(value)}")
    return value


_REPR = reprlib.Repr()
_REPR.maxstring = 60
_REPR.maxother = 60
_REPR.maxlist = _REPR.maxdict = _REPR.maxtuple = _REPR.maxset = 4
_REPR.maxlevel = 2


def _shown(value: Any) -> str:
    """A short rendering of a user's value for a message (bounded, even for huge input)."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return f"a mapping {_REPR.repr(value)}"
    if isinstance(value, list):
        return f"a list {_REPR.repr(value)}"
    if isinstance(value, int) and value.bit_length() > 200:
        return f"a number of about {int(value.bit_length() * 0.30103) + 1} digits"
    return _REPR.repr(value)


Money = Annotated[float, BeforeValidator(parse_money), Field(ge=0)]
PositiveMoney = Annotated[float, BeforeValidator(parse_money), Field(gt=0)]
Share = Annotated[float, BeforeValidator(_finite), Field(ge=0, le=1)]
NonNeg = Annotated[float, BeforeValidator(_finite), Field(ge=0)]
Positive = Annotated[float, BeforeValidator(_finite), Field(gt=0)]
Real = Annotated[float, BeforeValidator(_finite)]


class _Model(BaseModel):
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


# --------------------------------------------------------------------------- sections


class Horizon(_Model):
    """Simulated period. ``days`` is the number of simulated days from ``start_date``."""

    days: int = Field(ge=1, le=36500)
    start_date: date = date(2024, 12, 2)


class Tier(_Model):
    """A segment of the firm population (e.g. national little giants)."""

    share: Share
    core_tech: bool = True
    revenue_median: PositiveMoney
    revenue_sigma: float = Field(ge=0, le=4)
    revenue_per_employee: PositiveMoney = 1_000_000.0
    pd_annual_median: float = Field(gt=0, lt=1)
    pd_sigma: float = Field(default=0.6, ge=0, le=4)
    collateral_ratio_mean: Share = 0.3
    in_zone_share: Share = 0.5
    growth_mean: Real = 0.1
    growth_sd: NonNeg = 0.15
    age_median_years: Positive = 8.0


class Zones(_Model):
    """Industrial zones and industry clusters that host firms and hold relief budgets."""

    zones_n: int = Field(default=55, ge=0, le=100_000)
    clusters_n: int = Field(default=34, ge=0, le=100_000)
    size_concentration: Positive = 2.0


class RunningCosts(_Model):
    """Yearly running costs of a firm, by category, as quantities times tariffs."""

    floor_m2_per_employee: NonNeg = 25.0
    rent_per_m2_day: NonNeg = 1.55
    electricity_kwh_per_employee_year: NonNeg = 8000.0
    electricity_per_kwh: NonNeg = 0.70
    water_m3_per_employee_year: NonNeg = 40.0
    water_per_m3: NonNeg = 5.0
    internet_per_month: NonNeg = 3000.0


class Population(_Model):
    """The synthetic population of firms."""

    firms_n: int = Field(ge=1, le=50_000_000)
    scale: Positive = 1.0
    tiers: dict[str, Tier] = Field(min_length=1)
    sectors: dict[str, Share] = Field(default_factory=lambda: {"manufacturing": 1.0}, min_length=1)
    zones: Zones = Zones()
    running_costs: RunningCosts = RunningCosts()

    @model_validator(mode="after")
    def _shares(self) -> Population:
        _raise_problems(
            [
                _sum_problem(
                    "tiers.*.share",
                    {k: t.share for k, t in self.tiers.items()},
                    "the tiers' shares of the population",
                ),
                _sum_problem("sectors", dict(self.sectors), "the sector shares"),
            ]
        )
        return self


class Demand(_Model):
    """Financing needs: a Poisson process per firm with amounts scaled to revenue."""

    needs_per_firm_year: NonNeg = 1.0
    amount_revenue_ratio_median: Positive = 0.12
    amount_sigma: float = Field(default=0.8, ge=0, le=4)
    waiting_at_launch_share: Share = 0.3
    patience_days: int = Field(default=90, ge=0)


class Awareness(_Model):
    """Bass-style diffusion of awareness of the measures, per zone."""

    initial_share: Share = 0.4
    outreach_rate_day: Share = 0.002
    peer_rate_day: NonNeg = 0.02
    ceiling: Share = 0.95


class ServiceCentres(_Model):
    """Service centres: outreach contacts and application assistance, both per day."""

    centres_n: int = Field(default=17, ge=0)
    contacts_per_centre_day: NonNeg = 10.0
    assists_per_centre_day: NonNeg = 6.0


class Behaviour(_Model):
    """Firm decisions: whether to apply, with whose help, and whether to retry."""

    application_cost: Money = 20_000.0
    apply_intercept: Real = 0.0
    apply_benefit_slope: NonNeg = 1.0
    apply_size_slope: Real = 0.3
    access_value_rate: NonNeg = 0.02
    assisted_share: Share = 0.3
    prep_days: int = Field(default=5, ge=0)
    retry_probability: Share = 0.6
    retry_delay_days: int = Field(default=14, ge=0)
    max_attempts: int = Field(default=3, ge=1, le=20)


class Lender(_Model):
    """A lender taking part in the programme."""

    name: str = Field(min_length=1)
    market_share: Share
    quota_share: Share = 0.0
    officers: int = Field(ge=1)
    reviews_per_officer_day: Positive = 1.0
    review_days: int = Field(default=10, ge=0, le=3650)
    max_expected_loss: Positive = 0.008
    lgd: Share = 0.6


class LenderGroup(Lender):
    """``n`` identical lenders sharing ``market_share`` and ``quota_share`` equally."""

    name: str = "lender"
    n: int = Field(ge=1, le=100_000)


class Banks(_Model):
    """The lenders: named ones and, optionally, a group of many identical ones."""

    lenders: list[Lender] = Field(default_factory=list)
    group: LenderGroup | None = None
    appetite_noise_sd: NonNeg = 0.5

    @model_validator(mode="after")
    def _shares(self) -> Banks:
        if not self.lenders and self.group is None:
            _raise_problems(
                [("lenders", "expected at least one lender, in banks.lenders or banks.group")]
            )
        problems: list[tuple[str, str] | None] = []
        first: dict[str, int] = {}
        for i, b in enumerate(self.lenders):
            if b.name in first:
                problems.append(
                    (
                        f"lenders.{i}.name",
                        f"expected a unique lender name; {b.name!r} is also "
                        f"banks.lenders.{first[b.name]}.name",
                    )
                )
            first.setdefault(b.name, i)
        shares = [(b.name, b.market_share) for b in self.lenders]
        if self.group is not None:
            shares.append((f"group {self.group.name}", self.group.market_share))
        path = "lenders.*.market_share" if self.lenders else "group.market_share"
        problems.append(_sum_problem(path, shares, "the lenders' market shares"))
        _raise_problems(problems)
        return self


class Rates(_Model):
    """Interest rates, annual, as fractions (0.031 = 3.1 %)."""

    lpr_1y: Share = 0.031
    programme_spread: Real = 0.003
    market_spread_base: Real = 0.006
    market_risk_premium_per_pd: NonNeg = 0.5


class LoanPool(_Model):
    """The special loan pool, its bank quotas and its credit-loan sub-quota."""

    total: PositiveMoney
    quota_mode: Literal["bank_quotas", "shared_pool"] = "bank_quotas"
    credit_sub_quota: Money | None = None
    credit_loan_max_collateral: Share = 0.2
    interest_subsidy_share: Share = 0.30
    eligible_tiers: list[str] = Field(min_length=1)
    max_per_firm: PositiveMoney
    min_amount: PositiveMoney = 100_000.0
    term_days: int = Field(default=365, ge=1)
    reallocation_day: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _caps(self) -> LoanPool:
        problems: list[tuple[str, str] | None] = []
        if self.credit_sub_quota is not None and self.credit_sub_quota > self.total:
            problems.append(
                (
                    "credit_sub_quota",
                    f"expected at most loan_pool.total ({self.total:,.0f}), the pool it is "
                    f"part of; got {self.credit_sub_quota:,.0f}",
                )
            )
        if self.max_per_firm > self.total:
            problems.append(
                (
                    "max_per_firm",
                    f"expected at most loan_pool.total ({self.total:,.0f}); "
                    f"got {self.max_per_firm:,.0f}",
                )
            )
        elif self.min_amount > self.max_per_firm:
            problems.append(
                (
                    "min_amount",
                    f"expected at most loan_pool.max_per_firm ({self.max_per_firm:,.0f}); "
                    f"got {self.min_amount:,.0f}",
                )
            )
        _raise_problems(problems)
        return self


class Guarantee(_Model):
    """The policy guarantee fund: capacity = capital x leverage."""

    capital: Money
    leverage: NonNeg = 5.0
    cap_per_firm: Money
    coverage: Share = 0.8
    fee_rate: Share = 0.0065
    market_fee_rate: Share = 0.015
    max_pd_annual: Share = 1.0
    eligible_tiers: list[str] = Field(min_length=1)

    @property
    def capacity(self) -> float:
        """Guarantee volume the fund can write (capital x leverage)."""
        return self.capital * self.leverage

    @model_validator(mode="after")
    def _caps(self) -> Guarantee:
        if self.cap_per_firm > self.capacity:
            _raise_problems(
                [
                    (
                        "cap_per_firm",
                        f"expected at most the fund's capacity, capital x leverage = "
                        f"{self.capital:,.0f} x {self.leverage:g} = {self.capacity:,.0f}; "
                        f"got {self.cap_per_firm:,.0f}",
                    )
                ]
            )
        return self


class ReliefRates(_Model):
    """Share of each running-cost category the relief pays."""

    rent: Share = 0.0
    electricity: Share = 0.0
    water: Share = 0.0
    internet: Share = 0.0


class CostRelief(_Model):
    """Cost relief for firms in zones, paid from zone budgets first come first served."""

    budget: Money
    allocation: Literal["equal", "by_firms"] = "by_firms"
    zone_budgets: dict[str, Money] = Field(default_factory=dict)
    subsidy_rates: ReliefRates = ReliefRates()
    cap_per_firm_year: Money = 1_000_000.0
    claim_interval_days: int = Field(default=30, ge=1)
    eligible_tiers: list[str] = Field(min_length=1)
    requires_awareness: bool = True

    @model_validator(mode="after")
    def _budgets(self) -> CostRelief:
        explicit = sum(self.zone_budgets.values())
        if explicit > self.budget * (1 + 1e-9):
            _raise_problems(
                [
                    (
                        "zone_budgets",
                        f"expected the zone budgets to sum to at most cost_relief.budget "
                        f"({self.budget:,.0f}); they sum to {explicit:,.0f}",
                    )
                ]
            )
        return self


class AwardLevel(_Model):
    """One kind of certification (e.g. to national little giant) and its award."""

    from_tier: str
    to_tier: str
    amount: Money
    per_round_max: int = Field(ge=0)
    min_revenue: Money = 0.0
    min_growth: Real = 0.0


class Awards(_Model):
    """Certification rounds and the awards paid from a budget."""

    budget: Money
    round_days: list[int] = Field(default_factory=list)
    levels: list[AwardLevel] = Field(default_factory=list)


class Funds(_Model):
    """SME funds investing equity in selected high-growth firms."""

    total: Money
    round_interval_days: int = Field(default=90, ge=1)
    firms_per_round_max: int = Field(default=40, ge=0)
    ticket_revenue_share: Share = 0.1
    ticket_min: Money = 5_000_000.0
    ticket_max: Money = 100_000_000.0
    min_growth: Real = 0.2
    eligible_tiers: list[str] = Field(min_length=1)


class Scenario(_Model):
    """A whole scenario: setting, behaviour, and every measure.

    Optional measures (``guarantee``, ``cost_relief``, ``awards``, ``funds``) may be
    left out; the model then has no such measure.
    """

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")
    description: str = ""
    currency: str = Field(default="CNY", min_length=1, max_length=12)
    seed: int = Field(ge=0, lt=2**63)
    horizon: Horizon
    population: Population
    demand: Demand = Demand()
    awareness: Awareness = Awareness()
    service_centres: ServiceCentres = ServiceCentres()
    behaviour: Behaviour = Behaviour()
    banks: Banks
    rates: Rates = Rates()
    loan_pool: LoanPool
    guarantee: Guarantee | None = None
    cost_relief: CostRelief | None = None
    awards: Awards | None = None
    funds: Funds | None = None

    @field_validator("name")
    @classmethod
    def _name_is_a_folder_name(cls, value: str) -> str:
        # the name is the default output folder, reports/<name>/: '.' or '..' would escape it
        if set(value) == {"."}:
            raise ValueError(
                f"expected a name with a letter or digit (it names the output folder), "
                f"got {value!r}"
            )
        return value

    @model_validator(mode="after")
    def _cross(self) -> Scenario:
        tiers = set(self.population.tiers)
        errors: list[tuple[str, str]] = []

        def tier_ok(path: str, names: list[str]) -> None:
            for i, t in enumerate(names):
                if t not in tiers:
                    errors.append(
                        (
                            f"{path}.{i}",
                            f"unknown tier {t!r}; expected one of the population's tiers "
                            f"{sorted(tiers)}",
                        )
                    )

        tier_ok("loan_pool.eligible_tiers", self.loan_pool.eligible_tiers)
        if self.guarantee is not None:
            tier_ok("guarantee.eligible_tiers", self.guarantee.eligible_tiers)
        if self.cost_relief is not None:
            tier_ok("cost_relief.eligible_tiers", self.cost_relief.eligible_tiers)
            known = set(zone_names(self.population.zones))
            for z in self.cost_relief.zone_budgets:
                if z not in known:
                    errors.append(
                        (
                            f"cost_relief.zone_budgets.{z}",
                            f"no zone or cluster named {z!r}; expected one of "
                            f"{_zone_range(self.population.zones)}",
                        )
                    )
        if self.funds is not None:
            tier_ok("funds.eligible_tiers", self.funds.eligible_tiers)
        if self.awards is not None:
            for i, lvl in enumerate(self.awards.levels):
                tier_ok(f"awards.levels.{i}.from_tier", [lvl.from_tier])
                tier_ok(f"awards.levels.{i}.to_tier", [lvl.to_tier])
            days = self.awards.round_days
            # the hint keeps the rounds that fall within the horizon (none: no rounds), so
            # that following it literally clears the error
            inside = [d for d in days if 0 <= d < self.horizon.days]
            for i, d in enumerate(days):
                if not 0 <= d < self.horizon.days:
                    errors.append(
                        (
                            f"awards.round_days.{i}",
                            f"expected a day within the horizon 0..{self.horizon.days - 1}; "
                            f"got {d} (when shortening horizon.days, also set "
                            "awards.round_days, e.g. --set awards.round_days="
                            f"[{','.join(str(x) for x in inside)}])",
                        )
                    )
        day = self.loan_pool.reallocation_day
        if day is not None and day >= self.horizon.days:
            within = (
                f"a day within the horizon 1..{self.horizon.days - 1}, or null for no reallocation"
                if self.horizon.days > 1
                else "null (a one-day horizon has no day to reallocate on)"
            )
            errors.append(
                (
                    "loan_pool.reallocation_day",
                    f"expected {within}; got {day} (e.g. --set loan_pool.reallocation_day=null)",
                )
            )
        if self.loan_pool.quota_mode == "bank_quotas":
            shares = [(b.name, b.quota_share) for b in self.banks.lenders]
            if self.banks.group is not None:
                shares.append((f"group {self.banks.group.name}", self.banks.group.quota_share))
            problem = _sum_problem(
                "banks.lenders.*.quota_share" if self.banks.lenders else "banks.group.quota_share",
                shares,
                "the lenders' quota shares (loan_pool.quota_mode is 'bank_quotas')",
            )
            if problem is not None:
                errors.append(problem)
        if self.cost_relief is not None and self.cost_relief.budget > 0:
            z = self.population.zones
            if z.zones_n + z.clusters_n == 0:
                errors.append(
                    (
                        "cost_relief.budget",
                        "expected 0 when there is no zone or cluster "
                        "(population.zones.zones_n and clusters_n are 0), or drop the section; "
                        f"got {self.cost_relief.budget:,.0f}",
                    )
                )
        need = estimate_memory_bytes(self)
        avail = _available_memory_bytes()
        if avail is not None and need > MEMORY_SHARE * avail:
            # name the field that drives the estimate: the population, or the horizon over
            # which every account and zone is recorded daily
            n = self.population.firms_n
            per_firm, _ = _memory_terms(self)
            field = "population.firms_n" if per_firm >= need / 2 else "horizon.days"
            errors.append(
                (
                    field,
                    f"expected a scenario that fits in this machine's memory: a run needs "
                    f"about {need / 2**30:.1f} GiB ({n:,} firms over {self.horizon.days:,} days); "
                    f"{avail / 2**30:.1f} GiB is available and a run may use "
                    f"{MEMORY_SHARE:.0%} of it ({MEMORY_SHARE * avail / 2**30:.1f} GiB). Use a "
                    "smaller population (population.scale lets each firm stand for several) "
                    "or a shorter horizon",
                )
            )
        if errors:
            raise _CrossFieldErrors(errors)
        return self


class _CrossFieldErrors(ValueError):
    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{p}: {m}" for p, m in errors))


def _zone_range(zones: Zones) -> str:
    parts = []
    if zones.zones_n:
        parts.append(f"zone_01..zone_{zones.zones_n:02d}")
    if zones.clusters_n:
        parts.append(f"cluster_01..cluster_{zones.clusters_n:02d}")
    return " or ".join(parts) if parts else "nothing: the population has no zone or cluster"


def zone_names(zones: Zones) -> list[str]:
    """Names of all zones then clusters, in index order (``zone_01``, ``cluster_01``...)."""
    return [f"zone_{i + 1:02d}" for i in range(zones.zones_n)] + [
        f"cluster_{i + 1:02d}" for i in range(zones.clusters_n)
    ]


def estimate_memory_bytes(scenario: Scenario) -> int:
    """Rough peak memory of a run, in bytes.

    From the population size, the expected number of financing needs, the number of
    accounts (whose levels are recorded every day) and of zones (whose awareness is
    tracked every day). Within about 20 % of the measured peak of a run on the
    scenarios this was checked on, on the high side.
    """
    per_firm, per_day = _memory_terms(scenario)
    return int(per_firm + per_day + _BYTES_BASE)


def _memory_terms(scenario: Scenario) -> tuple[float, float]:
    """Bytes that grow with the population and its needs, and bytes that grow with days."""
    n = scenario.population.firms_n
    days = scenario.horizon.days
    needs = n * (
        scenario.demand.waiting_at_launch_share + scenario.demand.needs_per_firm_year * days / 365.0
    )
    banks = scenario.banks
    lenders = len(banks.lenders) + (banks.group.n if banks.group is not None else 0)
    zones = scenario.population.zones.zones_n + scenario.population.zones.clusters_n
    accounts = (
        (lenders if scenario.loan_pool.quota_mode == "bank_quotas" else 1)
        + (scenario.loan_pool.credit_sub_quota is not None)
        + 2 * (scenario.guarantee is not None)
        + (zones if scenario.cost_relief is not None else 0)
        + (scenario.awards is not None)
        + (scenario.funds is not None)
    )
    return (
        n * _BYTES_PER_FIRM + needs * _BYTES_PER_NEED,
        days * accounts * _BYTES_PER_ACCOUNT_DAY + days * (zones + 1) * _BYTES_PER_GROUP_DAY,
    )


def _available_memory_bytes() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


# --------------------------------------------------------------------------- loading


class _SafeLoader(yaml.SafeLoader):
    """Safe loader that also refuses duplicate keys."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False):
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            repeated = key in seen
        except TypeError:  # a list or mapping used as a key
            raise yaml.constructor.ConstructorError(
                None, None, "expected a text key, found a list or mapping", key_node.start_mark
            ) from None
        if repeated:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {_shown(key)} (expected each key once in a mapping)",
                key_node.start_mark,
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError) as exc:  # e.g. 2024-02-30
        raise yaml.constructor.ConstructorError(
            None,
            None,
            f"{node.value!r} is not a valid date ({exc}); expected a date such as 2024-12-02",
            node.start_mark,
        ) from None


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_int(loader, node)
    except ValueError as exc:  # e.g. more digits than Python converts
        raise yaml.constructor.ConstructorError(
            None, None, f"{_shown(node.value)} is not a usable number ({exc})", node.start_mark
        ) from None


_SafeLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_SafeLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


_SYNTAX_HINT = " (expected YAML text: key: value lines indented with spaces)"


def _parse_yaml(text: str) -> Any:
    """Parse YAML text safely: no tags that build Python objects, no duplicate keys.

    Raises
    ------
    ValueError
        With a message saying where and what, for anything that is not plain YAML data.
    """
    try:
        return yaml.load(text, Loader=_SafeLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if "could not determine a constructor for the tag" in problem:
            problem += " (tags that build objects are not allowed; expected plain data)"
        elif "expected" not in problem and not isinstance(exc, yaml.constructor.ConstructorError):
            problem += _SYNTAX_HINT
        raise ValueError(f"is not valid YAML{where}: {problem}") from None
    except RecursionError:
        raise ValueError(
            "is not usable YAML: it is nested too deeply; expected a mapping of scenario "
            "sections a few levels deep"
        ) from None
    except (ValueError, TypeError, OverflowError) as exc:  # a value PyYAML cannot build
        raise ValueError(f"is not usable YAML: {exc}; expected plain YAML data") from None


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        # a bounded read: a pipe is fine, /dev/zero or a huge file is refused, not read whole
        with open(path, "rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise ScenarioError(
                f"is larger than {MAX_FILE_BYTES / 2**20:.0f} MiB; expected a YAML scenario "
                "file (a few kilobytes)",
                file=path,
            )
        text = raw.decode("utf-8")
    except FileNotFoundError:
        from .outdir import windows_path_problem

        why = windows_path_problem(str(path))
        hint = f" (the path {why}; write paths with /)" if why else ""
        raise ScenarioError(
            f"file not found{hint}; expected a YAML scenario file", file=path
        ) from None
    except IsADirectoryError:
        raise ScenarioError("is a folder, expected a YAML scenario file", file=path) from None
    except UnicodeDecodeError:
        raise ScenarioError("is not UTF-8 text, expected a YAML scenario file", file=path) from None
    except OSError as exc:
        raise ScenarioError(
            f"cannot be read ({exc.strerror}); expected a readable YAML scenario file", file=path
        ) from None
    try:
        data = _parse_yaml(text)
    except ValueError as exc:
        raise ScenarioError(str(exc), file=path) from None
    if data is None:
        raise ScenarioError("is empty; expected a mapping of scenario sections", file=path)
    if not isinstance(data, dict):
        kind = {"list": "list", "str": "text", "int": "number", "float": "number"}.get(
            type(data).__name__, type(data).__name__
        )
        raise ScenarioError(
            f"holds a YAML {kind} ({_shown(data)}); expected a mapping of scenario sections "
            "(name:, seed:, horizon:, ...)",
            file=path,
        )
    bad = [k for k in data if not isinstance(k, str)]
    if bad:
        raise ScenarioError(
            f"expected text keys (section names) at the top level, got {_shown(bad[0])}",
            file=path,
        )
    return data


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _deep_merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def _resolve(path: Path, chain: tuple[Path, ...]) -> tuple[dict[str, Any], Path]:
    """Read ``path`` and its ``extends:`` ancestors; return the merged raw mapping."""
    real = path.resolve()
    if real in chain:
        cycle = " -> ".join(str(p) for p in (*chain, real))
        field = "extends"
        if real == chain[-1]:
            raise ScenarioError(
                f"expected another scenario file; a scenario cannot extend itself ({cycle})",
                file=path,
                field=field,
            )
        raise ScenarioError(
            f"expected a chain of files without a cycle; this one forms a cycle: {cycle}",
            file=chain[-1],
            field=field,
        )
    data = _read_yaml(path)
    parent = data.pop("extends", None)
    if parent is None:
        return data, path
    if not isinstance(parent, str) or not parent.strip():
        raise ScenarioError(
            f"expected the path of another scenario file, got {_shown(parent)}",
            file=path,
            field="extends",
        )
    try:
        parent_path = (path.parent / parent).resolve()
        found = parent_path.exists()
    except (OSError, ValueError) as exc:  # a NUL byte, a name too long for the system
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise ScenarioError(
            f"expected the path of another scenario file, got {_shown(parent)} ({reason})",
            file=path,
            field="extends",
        ) from None
    if not found:
        raise ScenarioError(
            f"expected the path of another scenario file; {parent_path} does not exist",
            file=path,
            field="extends",
        )
    base, _ = _resolve(parent_path, (*chain, real))
    return _deep_merge(base, data), path


def _loc_parts(loc: tuple[Any, ...]) -> list[str]:
    # pydantic adds markers such as '[key]' or a validator's name to some locations; drop them
    return [str(p) for p in loc if not (isinstance(p, str) and "[" in p)]


def _loc_to_path(loc: tuple[Any, ...]) -> str:
    return ".".join(_loc_parts(loc))


def _annotation_at(parts: list[str]) -> tuple[Any, Any]:
    """The annotation and pydantic ``FieldInfo`` (if any) at a path of the scenario schema."""
    import typing

    ann: Any = Scenario
    info: Any = None
    for part in parts:
        base = _unwrap(ann)
        origin = typing.get_origin(base)
        if isinstance(base, type) and issubclass(base, BaseModel):
            f = base.model_fields.get(part)
            if f is None:
                return None, None
            ann, info = f.annotation, f
        elif origin is dict:
            ann, info = typing.get_args(base)[1], None
        elif origin is list:
            ann, info = typing.get_args(base)[0], None
        else:
            return None, None
    return ann, info


def _metadata(ann: Any, info: Any) -> list[Any]:
    import typing

    out = list(getattr(info, "metadata", None) or [])
    if typing.get_origin(ann) is Annotated:
        for m in typing.get_args(ann)[1:]:
            out.extend(getattr(m, "metadata", None) or [m])
    return out


def _bounds(ann: Any, info: Any) -> dict[str, float]:
    out: dict[str, float] = {}
    for m in _metadata(ann, info):
        for k in ("ge", "gt", "le", "lt"):
            v = getattr(m, k, None)
            if isinstance(v, int | float):
                out[k] = v
    return out


def _is_money(ann: Any, info: Any) -> bool:
    return any(getattr(m, "func", None) is parse_money for m in _metadata(ann, info))


def _num(x: float, money: bool) -> str:
    if float(x).is_integer() and (money or abs(x) >= 10_000):
        return f"{x:,.0f}"
    return f"{x:g}"


def _describe(ann: Any, info: Any) -> str:
    """What a field expects, in words (for messages)."""
    import typing

    base = _unwrap(ann)
    b = _bounds(ann, info)
    if isinstance(base, type) and issubclass(base, BaseModel):
        req = [n for n, f in base.model_fields.items() if f.is_required()]
        return "a section (a mapping)" + (f" with at least {', '.join(req)}" if req else "")
    if typing.get_origin(base) is Literal:
        return "one of " + ", ".join(repr(a) for a in typing.get_args(base))
    if typing.get_origin(base) is dict:
        return "a mapping of names to values"
    if typing.get_origin(base) is list:
        return "a list such as [a, b]"
    if base is bool:
        return "true or false"
    if base is int:
        return "a whole number"
    if base is date:
        return "a date such as 2024-12-02"
    if base is str:
        return "text"
    if base is float:
        if _is_money(ann, info):
            return "an amount such as 400bn, 30m, 100k or 2500000"
        if b.get("ge") == 0 and b.get("le") == 1:
            return "a share between 0 and 1 (0.3 means 30 %)"
        return "a number"
    return "a value"


def _range_text(b: dict[str, float], money: bool) -> str:
    lo = (
        f">= {_num(b['ge'], money)}"
        if "ge" in b
        else (f"> {_num(b['gt'], money)}" if "gt" in b else "")
    )
    hi = (
        f"<= {_num(b['le'], money)}"
        if "le" in b
        else (f"< {_num(b['lt'], money)}" if "lt" in b else "")
    )
    return " and ".join(x for x in (lo, hi) if x)


_TYPE_WORDS = {
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "int_parsing_size": "a whole number of a usable size",
    "float_type": "a number",
    "float_parsing": "a number",
    "finite_number": "a finite number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "text",
    "date_type": "a date such as 2024-12-02",
    "date_parsing": "a date such as 2024-12-02",
    "date_from_datetime_parsing": "a date such as 2024-12-02",
    "date_from_datetime_inexact": "a date such as 2024-12-02 (a day, without a time)",
    "list_type": "a list such as [a, b]",
    "dict_type": "a mapping of names to values",
}


def _explain(err: Any, parts: list[str]) -> str:
    """The message for one pydantic error: what was expected and what was found."""
    import difflib

    kind = err["type"]
    ctx = err.get("ctx") or {}
    ann, info = _annotation_at(parts)
    got = f"got {_shown(err['input'])}" if "input" in err else ""
    if kind == "extra_forbidden":
        parent, _ = _annotation_at(parts[:-1])
        parent = _unwrap(parent)
        names = sorted(parent.model_fields) if isinstance(parent, type) else []
        near = difflib.get_close_matches(parts[-1] if parts else "", names, n=1)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        return f"unknown key{hint}; expected one of: {', '.join(names)}"
    if kind == "missing":
        return f"required key is missing; expected {_describe(ann, info)}"
    if kind in ("model_type", "model_attributes_type"):
        return f"expected {_describe(ann, info)}, got {_shown(err.get('input'))}"
    if kind in _TYPE_WORDS:
        want = _TYPE_WORDS[kind]
        if kind.startswith("float") and _is_money(ann, info):
            want = _describe(ann, info)
        return f"expected {want}, {got}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        money = _is_money(ann, info)
        b = _bounds(ann, info) or {k: v for k, v in ctx.items() if k in ("ge", "gt", "le", "lt")}
        if b.get("ge") == 0 and b.get("le") == 1 and not money:
            return f"expected a share between 0 and 1 (0.3 means 30 %), {got}"
        what = "an amount" if money else ("a whole number" if _unwrap(ann) is int else "a number")
        return f"expected {what} {_range_text(b, money)}, {got}"
    if kind == "literal_error":
        return f"expected {ctx.get('expected', 'one of the allowed values')}, {got}"
    if kind == "too_short":
        n = ctx.get("min_length", 1)
        return f"expected at least {n} entr{'y' if n == 1 else 'ies'}, {got}"
    if kind == "too_long":
        return f"expected at most {ctx.get('max_length')} entries, {got}"
    if kind == "string_too_short":
        return f"expected non-empty text, {got}"
    if kind == "string_too_long":
        return f"expected at most {ctx.get('max_length')} characters, {got}"
    if kind == "string_pattern_mismatch":
        return f"expected letters, digits, '_', '.' and '-' only, {got}"
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if got and "got" not in msg:
        msg = f"{msg}; {got}"
    return msg


_MAX_LISTED = 20


def _from_validation_error(
    exc: ValidationError, file: Path | str | None, prefix: str = ""
) -> ScenarioError:
    problems: list[tuple[str, str]] = []
    for err in exc.errors(include_url=False):
        parts = _loc_parts(tuple(err["loc"]))
        ctx_err = (err.get("ctx") or {}).get("error")
        if isinstance(ctx_err, _CrossFieldErrors):
            # a model's own check: its paths are relative to the model
            for path, msg in ctx_err.errors:
                full = ".".join([*parts, path])
                problems.append((f"{prefix}.{full}" if prefix else full, msg))
            continue
        path = ".".join(parts)
        if prefix:
            path = f"{prefix}.{path}" if path else prefix
        problems.append((path, _explain(err, parts)))
    if len(problems) == 1:
        path, msg = problems[0]
        return ScenarioError(msg, file=file, field=path or None)
    lines = [f"field '{_printable(p)}': {m}" if p else m for p, m in problems[:_MAX_LISTED]]
    if len(problems) > _MAX_LISTED:
        lines.append(f"... and {len(problems) - _MAX_LISTED} more")
    return ScenarioError(
        f"{len(problems)} problems:\n  - " + "\n  - ".join(lines),
        file=file,
        field=problems[0][0] or None,
        fields=[p for p, _ in problems],
    )


# --------------------------------------------------------------------------- overrides


def _schema_child(model: Any, key: str) -> Any:
    """Return the annotation of ``key`` under ``model`` (a pydantic model class), or None."""
    fields = getattr(model, "model_fields", None)
    if fields is None or key not in fields:
        return None
    return fields[key].annotation


def _unwrap(ann: Any) -> Any:
    import types
    import typing

    origin = typing.get_origin(ann)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(ann) if a is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else ann
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(ann)[0])
    return ann


def apply_overrides(
    data: dict[str, Any], overrides: list[str] | dict[str, Any] | None, *, file: str | None = None
) -> dict[str, Any]:
    """Apply ``path.to.key=value`` overrides to a raw scenario mapping.

    Every path is checked against the scenario schema before any is applied. Values are
    parsed as YAML scalars (so ``30m`` stays a money string and ``0.5`` a number).

    Parameters
    ----------
    data
        Raw (unvalidated) scenario mapping, typically after ``extends:`` merging.
    overrides
        ``["a.b=1", ...]`` or ``{"a.b": 1, ...}``.
    file
        File name used in error messages.

    Returns
    -------
    dict
        A new mapping with the overrides applied.

    Raises
    ------
    ScenarioError
        If a path does not exist in the schema or a value cannot be parsed.
    """
    import typing

    if not overrides:
        return copy.deepcopy(data)
    pairs: list[tuple[str, Any]] = []
    if isinstance(overrides, dict):
        pairs = list(overrides.items())
    else:
        for item in overrides:
            if "=" not in item:
                raise ScenarioError(
                    f"--set: expected path.to.key=value, got {_shown(item)}", file=file, field=item
                )
            key, raw = item.split("=", 1)
            key = key.strip()
            try:
                value = _parse_yaml(raw) if raw.strip() else None
            except ValueError as exc:
                reason = str(exc).split(": ", 1)[-1].replace(_SYNTAX_HINT, "")
                if not any(k in reason for k in ("expected a date", "expected plain data")):
                    reason += "; expected a number, an amount such as 30m, true/false, text, "
                    reason += "a [list] or a {mapping}"
                raise ScenarioError(
                    f"--set value {_shown(raw)} cannot be parsed: {reason}",
                    file=file,
                    field=key,
                ) from None
            pairs.append((key, value))
    out = copy.deepcopy(data)
    plans = []
    for key, value in pairs:
        if not isinstance(key, str):
            raise ScenarioError(
                f"--set: expected a dotted path such as loan_pool.total, got {_shown(key)}",
                file=file,
            )
        parts = key.split(".")
        if not key or any(not p for p in parts):
            raise ScenarioError(
                f"--set: expected a dotted path such as loan_pool.total, got {key!r}",
                file=file,
                field=key,
            )
        model: Any = Scenario
        node: Any = out
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            where = ".".join(parts[:i])
            ann = _unwrap(model) if model is not None else None
            origin = typing.get_origin(ann)
            child_ann: Any
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                child_ann = _schema_child(ann, part)
                if child_ann is None:
                    valid = ", ".join(sorted(ann.model_fields))
                    raise ScenarioError(
                        f"--set: {part!r} is not a field of {where or 'a scenario'}; "
                        f"expected one of: {valid}",
                        file=file,
                        field=key,
                    )
                if not isinstance(node, dict):
                    raise ScenarioError(
                        f"--set: {where} is {_shown(node)} in the scenario, not a mapping, so "
                        f"{part!r} cannot be set in it; expected {where} to be a mapping",
                        file=file,
                        field=key,
                    )
                container_key: Any = part
            elif origin is dict:
                child_ann = typing.get_args(ann)[1]
                if not isinstance(node, dict) or (part not in node and not last):
                    known = sorted(str(k) for k in node) if isinstance(node, dict) else []
                    raise ScenarioError(
                        f"--set: {where} has no entry {part!r}; expected one of {known}",
                        file=file,
                        field=key,
                    )
                container_key = part
            elif origin is list:
                child_ann = typing.get_args(ann)[0]
                if not part.isdigit() or not isinstance(node, list) or int(part) >= len(node):
                    size = len(node) if isinstance(node, list) else 0
                    raise ScenarioError(
                        f"--set: expected an index below {size} into {where}, got {part!r}",
                        file=file,
                        field=key,
                    )
                container_key = int(part)
            else:
                raise ScenarioError(
                    f"--set: {where} is a single value with no fields inside; expected a path "
                    f"that ends at {where}",
                    file=file,
                    field=key,
                )
            if last:
                plans.append((node, container_key, value))
            else:
                if isinstance(node, dict) and node.get(container_key) is None:
                    node[container_key] = {}
                node = node[container_key]
            model = child_ann
    for node, k, v in plans:
        node[k] = v
    return out


# --------------------------------------------------------------------------- public


def load_scenario(
    path: str | Path, overrides: list[str] | dict[str, Any] | None = None
) -> Scenario:
    """Load, merge, override and validate a scenario file.

    Parameters
    ----------
    path
        The YAML scenario file.
    overrides
        ``--set``-style overrides, ``["loan_pool.total=200bn"]`` or a mapping.

    Returns
    -------
    Scenario
        The validated, frozen scenario.

    Raises
    ------
    ScenarioError
        For any problem, naming the file and the field.
    """
    path = Path(path)
    try:
        data, _ = _resolve(path, ())
        data = apply_overrides(data, overrides, file=str(path))
        return scenario_from_dict(data, file=path)
    except RecursionError:
        raise ScenarioError(
            "is nested too deeply (or extends: too many files); expected a scenario mapping",
            file=path,
        ) from None


def scenario_from_dict(data: dict[str, Any], *, file: str | Path | None = None) -> Scenario:
    """Validate a raw mapping into a :class:`Scenario` (errors name ``file`` and the field)."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise _from_validation_error(exc, file) from None


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """Plain, YAML-ready mapping of a scenario (dates as ISO text)."""
    return scenario.model_dump(mode="json")


def scenario_to_yaml(scenario: Scenario) -> str:
    """The resolved scenario as YAML text that loads back to an equal scenario."""
    return yaml.safe_dump(scenario_to_dict(scenario), sort_keys=False, allow_unicode=True)


def with_overrides(scenario: Scenario, overrides: list[str] | dict[str, Any]) -> Scenario:
    """Return a copy of ``scenario`` with ``--set``-style overrides applied and validated."""
    data = apply_overrides(scenario_to_dict(scenario), overrides, file=f"<{scenario.name}>")
    return scenario_from_dict(data, file=f"<{scenario.name}>")
