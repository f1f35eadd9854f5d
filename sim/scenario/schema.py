"""Schema: the pydantic models of a scenario, one per section, and their cross-field checks.

Public names: :class:`Scenario` and its section models, :func:`zone_names`,
 Every model is frozen and forbids unknown keys.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

from ..outdir import folder_name
from .money import (
    Money,
    NonNeg,
    NonNegRate,
    Positive,
    PositiveMoney,
    PositiveRate,
    Rate,
    Real,
    Share,
)

SHARE_TOLERANCE = 1e-3


class _Section(BaseModel):
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


class Horizon(_Section):
    """Simulated period. ``days`` is the number of simulated days from ``start_date``."""

    days: int = Field(ge=1, le=36500)
    start_date: date = date(2024, 12, 2)


class Tier(_Section):
    """A segment of the firm population (e.g. national little giants)."""

    share: Share
    core_tech: bool = True
    revenue_median: PositiveMoney
    revenue_sigma: float = Field(ge=0, le=4)
    revenue_per_employee: PositiveMoney = 1_000_000.0
    pd_annual_median: Rate = Field(gt=0, lt=1)
    pd_sigma: float = Field(default=0.6, ge=0, le=4)
    collateral_ratio_mean: Share = 0.3
    in_zone_share: Share = 0.5
    growth_mean: Rate = 0.1
    growth_sd: NonNegRate = 0.15
    age_median_years: Positive = 8.0


class Zones(_Section):
    """Industrial zones and industry clusters that host firms and hold relief budgets."""

    zones_n: int = Field(default=55, ge=0, le=100_000)
    clusters_n: int = Field(default=34, ge=0, le=100_000)
    size_concentration: Positive = 2.0


class RunningCosts(_Section):
    """Yearly running costs of a firm, by category, as quantities times tariffs."""

    floor_m2_per_employee: NonNeg = 25.0
    rent_per_m2_day: NonNeg = 1.55
    electricity_kwh_per_employee_year: NonNeg = 8000.0
    electricity_per_kwh: NonNeg = 0.70
    water_m3_per_employee_year: NonNeg = 40.0
    water_per_m3: NonNeg = 5.0
    internet_per_month: NonNeg = 3000.0


class Population(_Section):
    """The population of firms: drawn from the tiers, or listed in ``firms_file``.

    With ``firms_file`` the file lists the firms (``sim.scenario.firms_file``) and
    ``firms_n`` is its number of rows: leave ``firms_n`` out (or null), or give that
    number; another number is refused when the scenario is loaded.
    """

    firms_n: int | None = Field(default=None, ge=1, le=50_000_000)
    #: A table of the firms (.csv, .xlsx, .parquet), relative to the scenario file.
    firms_file: str | None = None
    scale: Positive = 1.0
    tiers: dict[str, Tier] = Field(min_length=1)
    sectors: dict[str, Share] = Field(default_factory=lambda: {"manufacturing": 1.0}, min_length=1)
    zones: Zones = Zones()
    running_costs: RunningCosts = RunningCosts()

    @model_serializer(mode="wrap")
    def _omit_absent_firms_file(self, handler: SerializerFunctionWrapHandler) -> Any:
        # a scenario without a firms file dumps as it did before the field existed
        data = handler(self)
        if data.get("firms_file", 0) is None:
            del data["firms_file"]
        return data

    @model_validator(mode="after")
    def _shares(self) -> Population:
        problems: list[tuple[str, str] | None] = []
        if self.firms_file is None and self.firms_n is None:
            problems.append(
                (
                    "firms_n",
                    "expected the number of firms to draw (or population.firms_file, a "
                    "table of the firms); got nothing",
                )
            )
        elif self.firms_file is not None and not self.firms_file.lower().endswith(
            (".csv", ".xlsx", ".parquet")
        ):
            problems.append(
                (
                    "firms_file",
                    f"expected the path of a table of firms ending in .csv, .xlsx or .parquet; "
                    f"got {self.firms_file!r}",
                )
            )
        _raise_problems(
            problems
            + [
                _sum_problem(
                    "tiers.*.share",
                    {k: t.share for k, t in self.tiers.items()},
                    "the tiers' shares of the population",
                ),
                _sum_problem("sectors", dict(self.sectors), "the sector shares"),
            ]
        )
        return self


class Demand(_Section):
    """Financing needs: a Poisson process per firm with amounts scaled to revenue."""

    needs_per_firm_year: NonNeg = 1.0
    amount_revenue_ratio_median: PositiveRate = 0.12
    amount_sigma: float = Field(default=0.8, ge=0, le=4)
    waiting_at_launch_share: Share = 0.3
    patience_days: int = Field(default=90, ge=0)


class Awareness(_Section):
    """Bass-style diffusion of awareness of the measures, per zone."""

    initial_share: Share = 0.4
    outreach_rate_day: Share = 0.002
    peer_rate_day: NonNeg = 0.02
    ceiling: Share = 0.95


class ServiceCentres(_Section):
    """Service centres: outreach contacts and application assistance, both per day."""

    centres_n: int = Field(default=17, ge=0)
    contacts_per_centre_day: NonNeg = 10.0
    assists_per_centre_day: NonNeg = 6.0


class Behaviour(_Section):
    """Firm decisions: whether to apply, with whose help, and whether to retry."""

    application_cost: Money = 20_000.0
    apply_intercept: Real = 0.0
    apply_benefit_slope: NonNeg = 1.0
    apply_size_slope: Real = 0.3
    access_value_rate: NonNegRate = 0.02
    assisted_share: Share = 0.3
    prep_days: int = Field(default=5, ge=0)
    retry_probability: Share = 0.6
    retry_delay_days: int = Field(default=14, ge=0)
    max_attempts: int = Field(default=3, ge=1, le=20)


class Lender(_Section):
    """A lender taking part in the programme."""

    name: str = Field(min_length=1)
    market_share: Share
    quota_share: Share = 0.0
    officers: int = Field(ge=1)
    reviews_per_officer_day: Positive = 1.0
    review_days: int = Field(default=10, ge=0, le=3650)
    max_expected_loss: PositiveRate = 0.008
    lgd: Share = 0.6


class LenderGroup(Lender):
    """``n`` identical lenders sharing ``market_share`` and ``quota_share`` equally."""

    name: str = "lender"
    n: int = Field(ge=1, le=100_000)


class Banks(_Section):
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


class Rates(_Section):
    """Interest rates, annual, as fractions (0.031 = 3.1 %)."""

    lpr_1y: Share = 0.031
    programme_spread: Rate = 0.003
    market_spread_base: Rate = 0.006
    market_risk_premium_per_pd: NonNeg = 0.5


class LoanPool(_Section):
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


class Guarantee(_Section):
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


class ReliefRates(_Section):
    """Share of each running-cost category the relief pays."""

    rent: Share = 0.0
    electricity: Share = 0.0
    water: Share = 0.0
    internet: Share = 0.0


class CostRelief(_Section):
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


class AwardLevel(_Section):
    """One kind of certification (e.g. to national little giant) and its award."""

    from_tier: str
    to_tier: str
    amount: Money
    per_round_max: int = Field(ge=0)
    min_revenue: Money = 0.0
    min_growth: Rate = 0.0


class Awards(_Section):
    """Certification rounds and the awards paid from a budget."""

    budget: Money
    round_days: list[int] = Field(default_factory=list)
    levels: list[AwardLevel] = Field(default_factory=list)


class NplCompensation(_Section):
    """Bank NPL risk compensation pool: pays banks a share of their loss on bad loans to
    firms in key sectors, from a hard budget (FACTS.md 1.2: 1 bn yuan for 2024-25, 55 %,
    +5 points for a firm's first loan). Banks weigh the compensated share in their credit
    rule while the budget lasts."""

    budget: Money
    share: Share = 0.55
    first_loan_bonus: Share = 0.05
    #: Tiers of the firms in key sectors; None: the tiers marked ``core_tech``.
    key_tiers: list[str] | None = None
    #: Sectors (``population.sectors``) counted as key; None: every sector.
    key_sectors: list[str] | None = None

    @model_validator(mode="after")
    def _at_most_all(self) -> NplCompensation:
        if self.share + self.first_loan_bonus > 1.0:
            _raise_problems(
                [
                    (
                        "first_loan_bonus",
                        f"expected share + first_loan_bonus at most 1 (all of the loss); got "
                        f"{self.share:g} + {self.first_loan_bonus:g}",
                    )
                ]
            )
        return self


#: Optional sections added after the 2024 release: left out of a dump when absent, so a
#: scenario without them writes the same resolved scenario as before they existed.
_LATER_SECTIONS = ("npl_compensation", "language")


class Funds(_Section):
    """SME funds investing equity in selected high-growth firms."""

    total: Money
    round_interval_days: int = Field(default=90, ge=1)
    firms_per_round_max: int = Field(default=40, ge=0)
    ticket_revenue_share: Share = 0.1
    ticket_min: Money = 5_000_000.0
    ticket_max: Money = 100_000_000.0
    min_growth: Rate = 0.2
    eligible_tiers: list[str] = Field(min_length=1)


class Scenario(_Section):
    """A whole scenario: setting, behaviour, and every measure.

    Optional measures (``guarantee``, ``cost_relief``, ``awards``, ``funds``) may be
    left out; the model then has no such measure.
    """

    name: str = Field(min_length=1)
    description: str = ""
    currency: str = Field(default="CNY", min_length=1, max_length=12)
    language: Literal["en", "zh"] | None = None  # of reports and summaries; None: English
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
    npl_compensation: NplCompensation | None = None

    @model_serializer(mode="wrap")
    def _omit_absent_later_sections(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        for key in _LATER_SECTIONS:
            if data.get(key, 0) is None:
                del data[key]
        return data

    @field_validator("name")
    @classmethod
    def _name_is_a_folder_name(cls, value: str) -> str:
        # the name is the default output folder, reports/<name>/
        return folder_name(value)

    @model_validator(mode="after")
    def _cross(self) -> Scenario:
        # long on purpose: every check across sections, collected so that all problems of a
        # scenario are reported at once
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
        npl = self.npl_compensation
        if npl is not None and npl.key_tiers is not None:
            tier_ok("npl_compensation.key_tiers", npl.key_tiers)
        for i, sector in enumerate((npl.key_sectors or []) if npl is not None else []):
            if sector not in self.population.sectors:
                errors.append(
                    (
                        f"npl_compensation.key_sectors.{i}",
                        f"unknown sector {sector!r}; expected one of the population's "
                        f"sectors {sorted(self.population.sectors)}",
                    )
                )
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
                            "awards.round_days, e.g. awards.round_days="
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
                    f"expected {within}; got {day} (e.g. loan_pool.reallocation_day=null)",
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
