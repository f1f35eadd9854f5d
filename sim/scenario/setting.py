"""Setting sections of a scenario: horizon, population, demand, awareness, behaviour, banks, rates.

Public names: :class:`Horizon`, :class:`Tier`, :class:`ZoneLabel`, :class:`Zones`, :class:`District`,
:class:`RunningCosts`,
:class:`Population`, :class:`Demand`, :class:`ListPush`, :class:`Awareness`,
:class:`ServiceCentres`, :class:`Behaviour`, :class:`Lender`, :class:`LenderGroup`,
:class:`Banks`, :class:`Rates`, :func:`zone_names`, :func:`zone_range`.
"""

from __future__ import annotations

from datetime import date
from datetime import date as Date
from typing import Annotated, Any, Literal

from pydantic import (
    Discriminator,
    Field,
    Tag,
    model_validator,
)

from ._base import Section, raise_problems, sum_problem
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


class Horizon(Section):
    """Simulated period. ``days`` is the number of simulated days from ``start_date``."""

    days: int = Field(ge=1, le=36500, description="simulated days from the start date")
    start_date: date = Field(
        description="calendar date of day 0 (labels, months, and the working days of `banks.calendar`)",
    )


class Tier(Section):
    """A segment of the firm population (e.g. national little giants)."""

    share: Share = Field(description="share of firms in the tier (exact counts)")
    core_tech: bool = Field(
        default=True,
        description="label: whether the tier has core-technology status. No mechanism reads it; eligibility is by tier name",
    )
    revenue_median: PositiveMoney = Field(description="median annual revenue `Rmed_k`, per year")
    revenue_sigma: float = Field(
        ge=0, le=4, description="log-standard deviation of revenue (log units)"
    )
    revenue_per_employee: PositiveMoney = Field(
        default=1_000_000.0, description="revenue per employee (median), per year"
    )
    pd_annual_median: Rate = Field(
        gt=0, lt=1, description="PD of a firm of median revenue and age `PDmed_k`"
    )
    pd_sigma: float = Field(
        default=0.6, ge=0, le=4, description="standard deviation of the PD noise on the logit scale"
    )
    collateral_ratio_mean: Share = Field(
        default=0.3, description="mean collateral as a share of a loan `cbar_k`"
    )
    in_zone_share: Share = Field(
        default=0.5, description="probability that a firm is in a zone or cluster"
    )
    growth_mean: Rate = Field(
        default=0.1, description="mean annual revenue growth (fixed attribute)"
    )
    growth_sd: NonNegRate = Field(default=0.15, description="standard deviation of growth")
    age_median_years: Positive = Field(default=8.0, description="median firm age")


class ZoneLabel(Section):
    """The name and district of one zone or cluster: labels for reports, read by no mechanism."""

    name: str = Field(default="", description="name shown in reports (empty: the code)")
    name_zh: str = Field(
        default="", description="name shown in Chinese reports (empty: `name`, else the code)"
    )
    district: str = Field(
        default="",
        description="the district it lies in, a key of `population.districts` (empty: none)",
    )

    omitted_at = {"name_zh": "", "district": ""}


class Zones(Section):
    """Industrial zones and industry clusters that host firms and hold relief budgets."""

    zones_n: int = Field(default=0, ge=0, le=100_000, description="industrial zones")
    clusters_n: int = Field(
        default=0, ge=0, le=100_000, description="SME industry clusters (treated like zones)"
    )
    size_concentration: Positive = Field(
        default=2.0,
        description="Dirichlet concentration `alpha` of firm counts over zones; lower = more unequal",
    )
    labels: dict[str, ZoneLabel] = Field(
        default_factory=dict,
        description=(
            "name and district of zones and clusters, by code (`zone_01`, `cluster_01`); "
            "labels only: a zone left out keeps its code and has no district"
        ),
    )

    omitted_at = {"labels": {}}


class District(Section):
    """A district of the city: its name in Chinese and its share of the firms outside zones.

    Labels only (the who-gets-what tables); no mechanism reads a district.
    """

    name_zh: str = Field(default="", description="name shown in Chinese reports (empty: the key)")
    outside_share: Share = Field(
        default=0.0,
        description=(
            "share of the firms outside zones and clusters located in the district (all 0: "
            "those firms have no district)"
        ),
    )

    omitted_at = {"name_zh": "", "outside_share": 0.0}


class RunningCosts(Section):
    """Yearly running costs of a firm, by category, as quantities times tariffs."""

    floor_m2_per_employee: NonNeg = Field(default=25.0, description="floor space per employee, m2")
    rent_per_m2_day: NonNeg = Field(default=0.0, description="rent, per m2 per day")
    electricity_kwh_per_employee_year: NonNeg = Field(
        default=8000.0, description="electricity use, kWh per employee per year"
    )
    electricity_per_kwh: NonNeg = Field(default=0.0, description="electricity tariff, per kWh")
    water_m3_per_employee_year: NonNeg = Field(
        default=40.0, description="water use, m3 per employee per year"
    )
    water_per_m3: NonNeg = Field(default=0.0, description="water and sewage tariff, per m3")
    internet_per_month: NonNeg = Field(
        default=0.0, description="enterprise broadband, per firm per month"
    )


class Population(Section):
    """The population of firms: drawn from the tiers, or listed in ``firms_file``.

    With ``firms_file`` the file lists the firms (``sim.scenario.firms_file``) and
    ``firms_n`` is its number of rows: leave ``firms_n`` out (or null), or give that
    number; another number is refused when the scenario is loaded.
    """

    firms_n: int | None = Field(
        default=None,
        ge=1,
        le=50_000_000,
        description="simulated firms; with `firms_file`, its number of rows (leave out, null, or that number)",
    )
    #: A table of the firms (.csv, .xlsx, .parquet), relative to the scenario file.
    firms_file: str | None = Field(
        default=None,
        description="a table of the firms (`.csv`, `.xlsx`, `.parquet`), relative to the scenario file",
    )
    scale: Positive = Field(default=1.0, description="real firms each simulated firm stands for")
    pd_scale: Positive = Field(
        default=1.0,
        description="multiplier on every firm's annual default probability (for screening)",
    )
    tiers: dict[str, Tier] = Field(
        min_length=1,
        description="named segments of the population; each entry has the fields below",
    )
    sectors: dict[str, Share] = Field(
        default_factory=lambda: {"manufacturing": 1.0},
        min_length=1,
        description="sector shares (labels only; no mechanism uses sectors)",
    )
    zones: Zones = Zones()
    districts: dict[str, District] = Field(
        default_factory=dict,
        description=(
            "districts of the city by name (the names zones give as `district`); labels "
            "for the who-gets-what tables only"
        ),
    )
    size_bands: list[PositiveMoney] = Field(
        default_factory=lambda: [10_000_000.0, 50_000_000.0, 200_000_000.0],
        max_length=20,
        description=(
            "revenue at the edges of the firm-size bands of the who-gets-what tables, "
            "ascending, per year (output only)"
        ),
    )
    running_costs: RunningCosts = RunningCosts()

    omitted_at = {
        "firms_file": None,
        "pd_scale": 1.0,
        "districts": {},
        "size_bands": [10_000_000.0, 50_000_000.0, 200_000_000.0],
    }

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
        raise_problems(
            problems
            + [
                sum_problem(
                    "tiers.*.share",
                    {k: t.share for k, t in self.tiers.items()},
                    "the tiers' shares of the population",
                ),
                sum_problem("sectors", dict(self.sectors), "the sector shares"),
            ]
            + self._label_problems()
        )
        return self

    def _label_problems(self) -> list[tuple[str, str] | None]:
        """Zone labels name known codes and districts; district shares sum to 1 (or are all
        0); size bands ascend."""
        problems: list[tuple[str, str] | None] = []
        known = set(zone_names(self.zones))
        for code, label in self.zones.labels.items():
            if code not in known:
                problems.append(
                    (
                        f"zones.labels.{code}",
                        f"no zone or cluster coded {code!r}; expected one of "
                        f"{zone_range(self.zones)}",
                    )
                )
            if label.district and label.district not in self.districts:
                names = sorted(self.districts) or "none: population.districts is empty"
                problems.append(
                    (
                        f"zones.labels.{code}.district",
                        f"unknown district {label.district!r}; expected one of {names}",
                    )
                )
        outside = {k: d.outside_share for k, d in self.districts.items()}
        if any(v > 0 for v in outside.values()):
            problems.append(
                sum_problem(
                    "districts.*.outside_share",
                    outside,
                    "the districts' shares of the firms outside zones",
                )
            )
        bands = list(self.size_bands)
        if any(b <= a for a, b in zip(bands, bands[1:], strict=False)):
            problems.append(("size_bands", f"expected revenues in ascending order; got {bands}"))
        return problems


def _share_or_by_tier(value: Any) -> str:
    return "[by tier]" if isinstance(value, dict) else "[share]"


#: One share, or a share per tier: checked as the one the value looks like (one message;
#: the bracketed tags are left out of the field path of a message).
_ShareOrByTier = Annotated[
    Annotated[Share, Tag("[share]")] | Annotated[dict[str, Share], Tag("[by tier]")],
    Discriminator(_share_or_by_tier),
]

#: One positive ratio, or one per tier (tiers not named take the needs' ratio).
_RatioOrByTier = Annotated[
    Annotated[PositiveRate, Tag("[share]")] | Annotated[dict[str, PositiveRate], Tag("[by tier]")],
    Discriminator(_share_or_by_tier),
]


def month_weights_problem(field: str, w: list[float] | None) -> tuple[str, str] | None:
    """The problem of a list of monthly weights (12 non-negative numbers, not all 0)."""
    if w is None or (len(w) == 12 and sum(w) > 0):
        return None
    got = f"{len(w)} numbers" if len(w) != 12 else "12 numbers summing to 0"
    return (
        field,
        "expected 12 non-negative numbers, one per calendar month from "
        f"January, not all 0 (they are normalised to sum 1); got {got}",
    )


class Surge(Section):
    """A multiplier of the rate of new needs over days since launch (docs/model.md 7.1c).

    Either a rise and fade: ``m(t) = 1 + (multiplier - 1) t / peak_day`` up to
    ``peak_day``, then ``1 + (multiplier - 1) 2^(-(t - peak_day) / half_life_days)``;
    or ``weekly``: a multiplier per week since launch (week ``k`` is days ``7k ...
    7k + 6``), the last one holding after the list ends. Not both.
    """

    multiplier: NonNeg | None = Field(
        default=None, description="multiplier of the rate of new needs at the peak `M`"
    )
    peak_day: int | None = Field(
        default=None, ge=0, description="day of the peak `P` (the rise is linear from 1 on day 0)"
    )
    half_life_days: Positive | None = Field(
        default=None, description="days after the peak in which the excess over 1 halves `H`"
    )
    weekly: list[NonNeg] | None = Field(
        default=None,
        description="multiplier for each week since launch (the last holds after the list)",
    )

    @model_validator(mode="after")
    def _one_shape(self) -> Surge:
        shape = (self.multiplier, self.peak_day, self.half_life_days)
        given = [v is not None for v in shape]
        if self.weekly is not None:
            if any(given):
                raise_problems(
                    [("weekly", "expected weekly or multiplier/peak_day/half_life_days, not both")]
                )
            if not self.weekly:
                raise_problems([("weekly", "expected at least one weekly multiplier")])
        elif not all(given):
            missing = [
                n
                for n, g in zip(("multiplier", "peak_day", "half_life_days"), given, strict=True)
                if not g
            ]
            raise_problems(
                [
                    (
                        missing[0],
                        "expected multiplier, peak_day and half_life_days together (or weekly); "
                        f"missing: {', '.join(missing)}",
                    )
                ]
            )
        return self

    def multipliers(self, days: int) -> list[float]:
        """``m(t)`` for the days ``t = 0 ... days - 1``."""
        if self.weekly is not None:
            w = self.weekly
            return [float(w[min(t // 7, len(w) - 1)]) for t in range(days)]
        m, p, h = float(self.multiplier), int(self.peak_day), float(self.half_life_days)
        out = []
        for t in range(days):
            if t <= p:
                out.append(1.0 + (m - 1.0) * (t / p if p > 0 else 1.0))
            else:
                out.append(1.0 + (m - 1.0) * 2.0 ** (-(t - p) / h))
        return out


#: Demand fields added in the second model revision, left out of a dump at their default.
_DEMAND_LATER: dict[str, Any] = {
    "monthly_weights": None,
    "surge": None,
    "existing_loans_share": 0.0,
    "renewal_share": 0.0,
    "existing_amount_revenue_ratio_median": None,
    "rollover_share": 0.0,
    "no_principal_share": 0.0,
}


class Demand(Section):
    """Financing needs: a Poisson process per firm with amounts scaled to revenue.

    ``monthly_weights`` (12 non-negative numbers, January first, normalised to sum 1)
    are the shares of a year's new needs arising in each calendar month; absent, new
    needs are uniform over the days. ``existing_loans_share`` (one share, or a share per
    tier; tiers not named hold none) is the share of firms holding a bank loan with their
    main bank at launch; at its maturity an eligible firm renews into the programme with
    probability ``renewal_share`` (docs/model.md 7.1).

    Existing loans have their own size when ``existing_amount_revenue_ratio_median`` is
    given (one ratio, or one per tier: a firm's whole bank borrowing is larger than one
    new need); absent, they are drawn like a need. ``rollover_share`` > 0 turns on the
    roll-over of loans: at each maturity a loan the firm has not defaulted on is renewed
    with that probability (the bank still decides on its risk), whether it is an existing
    loan at its first maturity or a programme loan (new or renewed); ``renewal_share``
    must then be 0. ``no_principal_share`` is the share of renewals made without repaying
    the principal first (无还本续贷), reported apart.
    """

    needs_per_firm_year: NonNeg = 1.0
    amount_revenue_ratio_median: PositiveRate = 0.12
    amount_sigma: float = Field(default=0.8, ge=0, le=4)
    waiting_at_launch_share: Share = 0.3
    patience_days: int = Field(default=90, ge=0)
    monthly_weights: list[NonNeg] | None = None
    existing_loans_share: _ShareOrByTier = 0.0
    renewal_share: Share = 0.0
    existing_amount_revenue_ratio_median: _RatioOrByTier | None = Field(
        default=None,
        description="median existing loan as a share of revenue (one, or per tier); absent: drawn like a need",
    )
    rollover_share: Share = Field(
        default=0.0,
        description="probability that a loan not defaulted on is renewed at each maturity (0: loans do not roll over)",
    )
    no_principal_share: Share = Field(
        default=0.0,
        description="share of renewals made without repaying the principal (无还本续贷), reported apart",
    )
    surge: Surge | None = Field(
        default=None,
        description="multiplier of the rate of new needs over days since launch: a rise and fade, or weekly (docs/model.md 7.1c); absent: none",
    )

    omitted_at = _DEMAND_LATER

    @model_validator(mode="after")
    def _weights(self) -> Demand:
        w = self.monthly_weights
        raise_problems([month_weights_problem("monthly_weights", w)])
        return self

    @model_validator(mode="after")
    def _one_renewal_rule(self) -> Demand:
        if self.rollover_share > 0 and self.renewal_share > 0:
            raise_problems(
                [
                    (
                        "renewal_share",
                        "expected 0 when demand.rollover_share is set (loans that roll over "
                        "enter the programme at their first maturity with probability "
                        f"rollover_share); got {self.renewal_share}",
                    )
                ]
            )
        return self

    @property
    def rolls_over(self) -> bool:
        """Whether loans roll over at maturity (``rollover_share`` > 0)."""
        return self.rollover_share > 0

    def existing_ratio_of(self, tier: str) -> float:
        """Median ratio of an existing loan to revenue for the firms of ``tier``."""
        r = self.existing_amount_revenue_ratio_median
        if r is None:
            return self.amount_revenue_ratio_median
        return float(r.get(tier, self.amount_revenue_ratio_median)) if isinstance(r, dict) else r

    def existing_share_of(self, tier: str) -> float:
        """Share of the firms of ``tier`` holding a bank loan at launch."""
        s = self.existing_loans_share
        return float(s.get(tier, 0.0)) if isinstance(s, dict) else float(s)

    @property
    def renews(self) -> bool:
        """Whether any firm holds a loan at launch (existing loans and renewals are on)."""
        s = self.existing_loans_share
        return any(v > 0 for v in s.values()) if isinstance(s, dict) else s > 0


class ListPush(Section):
    """A list of eligible, unaware firms pushed to the banks on ``day``: ``share`` of them."""

    day: int = Field(ge=0, description="day the list is pushed")
    share: Share = Field(
        description="expected share of the eligible firms unaware that day put on the list"
    )


#: Scenario paths an event may change mid-run (docs/model.md 7.17), and what happens then.
#: Every other path is read only at set-up (the population, the horizon, the seed, the
#: lenders, the needs drawn before day 0, the apply decision worked out when a need
#: comes due): an event on it is refused when the scenario is loaded.
MUTABLE_PATHS: dict[str, str] = {
    "loan_pool.total": "the pool, and each lender's quota by its share, resized",
    "loan_pool.credit_sub_quota": "the credit sub-quota resized (when the scenario has one)",
    "loan_pool.subsidy_budget": "the subsidy appropriation resized (when the scenario has one)",
    "guarantee.coverage": "share of a loan guaranteed, for loans decided from the day",
    "guarantee.cap_per_firm": "highest guarantees outstanding per firm, from the day",
    "guarantee.max_pd_annual": "the fund's PD limit, for referrals from the day",
    "guarantee.batch_max_pd_annual": "the batch scheme's PD limit, from the day",
    "guarantee.capital": "the capital account and the capacity (capital x leverage) resized",
    "guarantee.leverage": "the capacity (capital x leverage) resized",
    "demand.needs_per_firm_year": "the rate of new needs from the day (needs added or taken away before day 0)",
    "awards.budget": "the awards budget resized",
    "funds.total": "the funds resized",
}


class Event(Section):
    """One change of the scenario on a day of the run: ``path`` takes ``value``.

    The day is given as ``day`` (days since launch) or as a calendar ``date``, not both.
    """

    day: int | None = Field(default=None, ge=0, description="day of the change (days since day 0)")
    date: Date | None = Field(
        default=None, description="calendar date of the change (instead of `day`)"
    )
    path: str = Field(
        min_length=1,
        description="dotted scenario path that changes (one of the paths an event may change, docs/model.md 7.17)",
    )
    value: bool | int | float | str = Field(
        description="the new value, written as for `--set` (amounts such as `659bn` allowed)"
    )

    @model_validator(mode="after")
    def _day_or_date(self) -> Event:
        if (self.day is None) == (self.date is None):
            raise_problems(
                [
                    (
                        "day",
                        "expected a day or a date (not both); got "
                        + ("both" if self.day is not None else "neither"),
                    )
                ]
            )
        return self

    def day_in(self, horizon: Horizon) -> int:
        """The event's day since ``horizon.start_date``."""
        if self.day is not None:
            return self.day
        assert self.date is not None
        return (self.date - horizon.start_date).days


class Awareness(Section):
    """Bass-style diffusion of awareness of the measures, per zone."""

    initial_share: Share = Field(default=0.4, description="aware share of every group on day 0")
    outreach_rate_day: Share = Field(
        default=0.002,
        description="Bass innovation coefficient `p`, per day, delivered by service centres",
    )
    peer_rate_day: NonNeg = Field(
        default=0.02,
        description="Bass imitation coefficient `q`, per day, within a group (a zone, or all firms outside zones)",
    )
    ceiling: Share = Field(default=0.95, description="highest aware share `Fmax`")
    #: Lists of eligible, unaware firms pushed to the banks (docs/model.md 7.2).
    list_pushes: list[ListPush] = Field(
        default_factory=list,
        description="lists of eligible, unaware firms pushed to banks, one entry per list",
    )
    #: Real firms on the lists the banks contact per day (None: all on the push day).
    list_contacts_per_day: Positive | None = Field(
        default=None, description="listed firms the banks call a day, all lists together"
    )
    #: Who of a group learns first (docs/model.md 7.2b): the odds of being among the
    #: first rise as (revenue / median revenue) ** size_odds_elasticity, times
    #: customer_odds for a firm holding a loan with its bank at launch.
    size_odds_elasticity: float = Field(
        default=0.0,
        ge=-5,
        le=5,
        description="elasticity of the odds of learning early to a firm's revenue over the median (0: size does not matter)",
    )
    customer_odds: Positive = Field(
        default=1.0,
        description="odds ratio of learning early for a firm holding a loan with its bank at launch (1: no head start)",
    )

    omitted_at = {
        "list_pushes": [],
        "list_contacts_per_day": None,
        "size_odds_elasticity": 0.0,
        "customer_odds": 1.0,
    }

    @property
    def orders_firms(self) -> bool:
        """Whether size or being a bank's customer changes who learns first."""
        return self.size_odds_elasticity != 0 or self.customer_odds != 1


class ServiceCentres(Section):
    """Service centres: outreach contacts and application assistance, both per day."""

    centres_n: int = Field(default=0, ge=0, description="service centres")
    contacts_per_centre_day: NonNeg = Field(
        default=10.0, description="outreach contacts a centre makes, firms per day"
    )
    assists_per_centre_day: NonNeg = Field(
        default=6.0, description="applications a centre helps prepare, per day"
    )


class Behaviour(Section):
    """Firm decisions: whether to apply, with whose help, and whether to retry."""

    application_cost: Money = Field(
        default=20_000.0, description="cost to the firm of applying (staff time, documents)"
    )
    apply_intercept: Real = Field(
        default=0.0, description="intercept of the apply logit (logit units)"
    )
    apply_benefit_slope: NonNeg = Field(
        default=1.0, description="weight of ln(benefit / cost) in the apply logit"
    )
    apply_size_slope: Real = Field(
        default=0.3, description="weight of ln(employees / 50) in the apply logit"
    )
    access_value_rate: NonNegRate = Field(
        default=0.02,
        description="value of access to credit for a credit-constrained firm, as a share of the loan: once in the decision to apply, a year in the savings over time",
    )
    assisted_share: Share = Field(
        default=0.3, description="share of applicants who prepare with a service centre"
    )
    prep_days: int = Field(default=5, ge=0, description="days to prepare an application alone")
    #: Larger firms and a bank's customers prepare faster (docs/model.md 7.4a):
    #: round(prep_days x (revenue / median revenue) ** -prep_size_elasticity x
    #: customer_prep_factor for a holder of a loan at launch).
    prep_size_elasticity: float = Field(
        default=0.0,
        ge=-2,
        le=2,
        description="elasticity of the days to prepare alone to revenue over the median, negated (0: size does not matter)",
    )
    customer_prep_factor: Positive = Field(
        default=1.0,
        description="multiple of the days to prepare for a firm holding a loan with its bank at launch (1: the same)",
    )
    retry_probability: Share = Field(
        default=0.6, description="probability of trying another lender after a quota refusal"
    )
    retry_delay_days: int = Field(
        default=14, ge=0, description="days from refusal to the new submission (0 acts as 1)"
    )
    max_attempts: int = Field(
        default=3, ge=1, le=20, description="applications per need at most, the first included"
    )

    omitted_at = {"prep_size_elasticity": 0.0, "customer_prep_factor": 1.0}

    @property
    def prep_varies(self) -> bool:
        """Whether size or being a bank's customer changes the days to prepare."""
        return self.prep_size_elasticity != 0 or self.customer_prep_factor != 1


class Lender(Section):
    """A lender taking part in the programme."""

    omitted_at = {"name_zh": ""}

    name: str = Field(min_length=1, description="unique lender name")
    name_zh: str = Field(default="", description="the lender's name in Chinese reports")
    market_share: Share = Field(description="share of firms whose main bank it is")
    quota_share: Share = Field(
        default=0.0, description="share of `loan_pool.total` as its quota (bank-quota mode)"
    )
    officers: int = Field(ge=1, description="credit officers reviewing programme loans")
    reviews_per_officer_day: Positive = Field(
        default=1.0, description="reviews an officer completes, applications per day"
    )
    review_days: int = Field(
        default=10, ge=0, le=3650, description="fixed time from the end of queueing to the decision"
    )
    max_expected_loss: PositiveRate = Field(
        default=0.008, description="credit appetite `EL*`: highest expected loss rate accepted"
    )
    lgd: Share = Field(
        default=0.6, description="loss given default on uncovered exposure; also sets claims"
    )
    #: Day the lender joins the programme (its reviews start); for a group, the first
    #: of its lenders' join days.
    join_day: int = Field(
        default=0, ge=0, description="day the lender joins the programme (starts reviewing)"
    )
    #: Days over which a joined lender's review throughput rises to full:
    #: ``c(t) = c (1 - exp(-(t - join_day) / ramp_days))``; 0: full speed on joining.
    ramp_days: NonNeg = Field(
        default=0.0,
        description="time constant of staffing up: throughput `1 - exp(-(t - join_day)/ramp_days)` of full",
    )


class LenderGroup(Lender):
    """``n`` identical lenders sharing ``market_share`` and ``quota_share`` equally."""

    name: str = Field(default="lender", description="name prefix of the group's lenders")
    n: int = Field(ge=1, le=100_000, description="identical lenders in the group")
    #: The group's lenders join evenly over ``onboarding_days`` days from ``join_day``
    #: (lender ``i`` of ``n`` on day ``join_day + floor(i * onboarding_days / n)``).
    onboarding_days: int = Field(
        default=1,
        ge=1,
        description="the group's lenders join evenly over this many days from `join_day`",
    )


class SurgeCapacity(Section):
    """Lenders add review capacity when their queue grows (docs/model.md 7.5b).

    On day ``d`` a lender class whose queue (applications admitted and not yet started)
    is more than ``queue_days_trigger`` days of its full capacity multiplies its capacity
    of day ``d + delay_days`` by ``min(queue days / queue_days_trigger,
    max_multiplier)``, on top of its schedule (joining, ramp, working days).
    """

    max_multiplier: float = Field(
        ge=1, le=100, description="highest multiple of the capacity schedule lenders reach"
    )
    queue_days_trigger: Positive = Field(
        description="queue, in days of a lender class's full capacity, above which it adds capacity"
    )
    delay_days: int = Field(
        default=14, ge=0, description="days from a queue seen to the capacity added"
    )


class Banks(Section):
    """The lenders: named ones and, optionally, a group of many identical ones."""

    lenders: list[Lender] = Field(
        default_factory=list, description="named lenders; each entry has the fields below"
    )
    group: LenderGroup | None = None
    appetite_noise_sd: NonNeg = Field(
        default=0.5, description="`sigma_a`: spread of the lognormal appetite shock per decision"
    )
    #: The lenders' year-start push (开门红): the shares of a year's loans they book in
    #: each calendar month (12 numbers from January, normalised). The loans firms hold at
    #: launch were booked on this profile, so their maturities, and the renewals that
    #: follow, fall on it; None: maturities uniform over the term.
    monthly_lending_weights: list[NonNeg] | None = Field(
        default=None,
        description="the lenders' year-start push: shares of a year's loans booked in each month (12, from January); existing loans mature on it",
    )
    #: Days on which lenders review: every day, Monday to Friday, or China's official
    #: working days (public holidays off, swapped weekend days on; 2004-2026).
    calendar: Literal["all_days", "weekdays", "china"] = Field(
        default="all_days",
        description="review days: `all_days`, `weekdays` (Mon-Fri) or `china` (official PRC working days, 2004-2026)",
    )
    #: A lender reviews its own customers' applications before other firms' (retries
    #: from another lender, firms whose own lender has not joined).
    existing_customers_first: bool = Field(
        default=False, description="a lender reviews its own customers before other firms"
    )
    #: What a firm does when its main lender has not joined yet: ``wait`` for it, or
    #: apply to an ``other_lender`` that has joined (drawn by market share).
    before_join: Literal["wait", "other_lender"] = Field(
        default="wait",
        description="a firm whose lender has not joined: `wait` or apply to an `other_lender` that has",
    )

    surge_capacity: SurgeCapacity | None = Field(
        default=None,
        description="lenders add review capacity when their queue grows (docs/model.md 7.5b); absent: none",
    )

    omitted_at = {"surge_capacity": None, "monthly_lending_weights": None}

    @model_validator(mode="after")
    def _shares(self) -> Banks:
        raise_problems(
            [month_weights_problem("monthly_lending_weights", self.monthly_lending_weights)]
        )
        if not self.lenders and self.group is None:
            raise_problems(
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
        problems.append(sum_problem(path, shares, "the lenders' market shares"))
        raise_problems(problems)
        return self


class Rates(Section):
    """Interest rates, annual, as fractions (0.031 = 3.1 %)."""

    lpr_1y: Share
    programme_spread: Rate = 0.0
    market_spread_base: Rate = 0.0
    market_risk_premium_per_pd: NonNeg = 0.5
    #: How a programme loan is priced: one rate for all (``lpr_1y + programme_spread``),
    #: or from its risk (``risk_based``: the market rate of the share of the loss the bank
    #: bears after collateral and guarantee, docs/model.md "Risk and price").
    omitted_at = {"pricing": "programme_rate"}

    pricing: Literal["programme_rate", "risk_based"] = Field(
        default="programme_rate",
        description="`programme_rate` (one rate, LPR + programme spread) or `risk_based` (from the risk the bank bears)",
    )
    #: annual rate at which money after day 0 is discounted to present values
    discount_rate: Share = 0.02


def zone_range(zones: Zones) -> str:
    """The zone codes a scenario's zones section defines, as a range for messages."""
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
