"""Measure sections of a scenario: the loan pool, guarantee, cost relief, awards, NPL
compensation and funds.

Public names: :data:`AccountKind`, :class:`LoanPool`, :class:`Guarantee`,
:class:`ReliefRates`, :class:`ReliefChannels`, :class:`ReliefBearers`,
:class:`CostRelief`, :class:`AwardLevel`,
:class:`Awards`, :class:`NplCompensation`, :class:`Funds`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from ._base import Problem, Section, raise_problems, tier_problems
from .money import (
    Money,
    NonNeg,
    Positive,
    PositiveMoney,
    Rate,
    Share,
)

if TYPE_CHECKING:  # pragma: no cover
    from .schema import Scenario

#: How an account behaves (docs/model.md 7.7): ``hard`` refuses a request it cannot serve
#: and stays closed, ``target`` never refuses (an announced aim: the day it is reached and
#: the overshoot are reported), ``revolving`` refuses when empty and refills when the
#: loans it financed end.
AccountKind = Literal["hard", "target", "revolving"]


class LoanPool(Section):
    """The special loan pool, its bank quotas and its credit-loan sub-quota."""

    total: PositiveMoney
    quota_mode: Literal["bank_quotas", "shared_pool"] = "bank_quotas"
    credit_sub_quota: Money | None = None
    credit_loan_max_collateral: Share = 0.2
    interest_subsidy_share: Share = 0.0
    eligible_tiers: list[str] = Field(min_length=1)
    max_per_firm: PositiveMoney
    min_amount: PositiveMoney = 100_000.0
    term_days: int = Field(default=365, ge=1)
    reallocation_day: int | None = Field(default=None, ge=1)
    #: Programme-wide registration throughput (real applications a day, e.g. an
    #: administrator's system) before the banks' review; None: no such step.
    processing_cap_per_day: Positive | None = None
    #: Kind of the pool and of the lender quotas (see :data:`AccountKind`).
    kind: AccountKind = "hard"
    #: Kind of the lender quotas when it differs from ``kind`` (the pool is then an
    #: account of its own); None: the quotas are of ``kind``.
    bank_quota_kind: AccountKind | None = None
    credit_sub_quota_kind: AccountKind = "hard"
    #: Grant what remains of a hard or revolving account when it is at least
    #: ``min_amount`` (the loan is smaller), instead of refusing the request.
    partial_grants: bool = False
    #: What counts toward the pool: the loans of applications to the programme
    #: (``applications``), or every loan a lender books to a firm of an eligible tier in
    #: the window, new or renewed (``listed_lending``: a pledge to a list of firms, met by
    #: labelling their loans; no application decision, docs/model.md "Counting").
    omitted_at = {"counts": "applications", "credit_loan_excludes_guaranteed": False}

    counts: Literal["applications", "listed_lending"] = Field(
        default="applications",
        description="what counts toward the pool: `applications`, or `listed_lending` (every loan booked to a listed firm, new or renewed)",
    )
    #: Whether a loan the guarantee covers stops being a credit loan (a credit loan then
    #: has neither collateral above ``credit_loan_max_collateral`` nor a guarantee: the
    #: subsidy and the credit sub-quota count credit loans only); False: a loan's type
    #: follows its collateral alone.
    credit_loan_excludes_guaranteed: bool = Field(
        default=False, description="a loan the guarantee covers is not a credit loan"
    )

    @property
    def quota_kind(self) -> str:
        """Kind of the lender quotas (``bank_quota_kind``, else ``kind``)."""
        return self.bank_quota_kind or self.kind

    #: the interest-subsidy appropriation: a hard budget (None: unlimited)
    subsidy_budget: Money | None = None
    #: when the subsidy is paid: the whole term on approval, or in arrears each period
    subsidy_payment: Literal["at_approval", "monthly", "quarterly", "annually"] = "at_approval"

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
        raise_problems(problems)
        return self


class Guarantee(Section):
    """The policy guarantee fund: capacity = capital x leverage."""

    capital: Money = Field(description="the fund's capital; pays claims")
    leverage: NonNeg = Field(
        description="capacity = capital x leverage (guarantees outstanding, revolving)"
    )
    cap_per_firm: Money = Field(description="highest guarantees outstanding for one firm")
    coverage: Share = Field(description="share of the loan guaranteed")
    fee_rate: Share = Field(description="guarantee fee, a year as a share of the guarantee")
    market_fee_rate: Share = Field(
        description="commercial guarantee fee a firm would pay otherwise, a year as a share of the guarantee",
    )
    max_pd_annual: Share = Field(
        default=1.0, description="the fund's screen: referrals with a higher PD are declined"
    )
    eligible_tiers: list[str] = Field(min_length=1, description="tiers the fund guarantees")
    #: Kind of the capacity account (see :data:`AccountKind`); a guarantee draws on it
    #: while its loan runs, so ``revolving`` (released at loan end) is the default.
    kind: AccountKind = Field(
        default="revolving",
        description="kind of the capacity account: `revolving` (guarantees outstanding: released when the loan ends), `hard` (cumulative) or `target` (never refuses)",
    )
    #: Which loans are guaranteed: ``rescue`` (only loans the bank would refuse),
    #: ``bank_choice`` (rescues, and loans whose cover is worth more to the bank than the
    #: fee) or ``batch`` (every eligible loan of a participating lender).
    mode: Literal["rescue", "bank_choice", "batch"] = Field(
        default="rescue",
        description="which loans are guaranteed: `rescue` (only loans the lender would refuse), `bank_choice` (rescues, and loans whose cover is worth more to the lender than the fee), `batch` (every loan of a batch lender to a firm on the batch's list)",
    )
    #: Lenders in the batch scheme (``mode: batch``): ``all``, or lender names; a group's
    #: name stands for all its members (``other_bank`` = ``other_bank_01``...).
    batch_lenders: Literal["all"] | list[str] = Field(
        default="all",
        description="lenders in the batch scheme (`mode: batch`): `all`, or a list of lender names; a group's name (`other_bank`) stands for all its members (`other_bank_01`, ...)",
    )
    #: PD screen of the batch (the lender approves and files afterwards: the fund does not
    #: vet each loan with ``max_pd_annual``); 1.0 = none beyond the eligible tiers.
    batch_max_pd_annual: Share = Field(
        default=1.0,
        description="the batch's PD screen (the lender approves and files afterwards; `max_pd_annual`, the fund's one-by-one screen, does not apply to batch loans)",
    )
    #: How a guaranteed loss is split: ``first_loss`` (the guarantee covers the loss
    #: after collateral first) or ``proportional`` (the fund bears ``coverage`` of it).
    risk_sharing: Literal["first_loss", "proportional"] = Field(
        default="first_loss",
        description="`first_loss` (the guarantee takes the loss after collateral first; claim `LGD x Gu`) or `proportional` (the fund bears its covered share of the loss after collateral; claim `LGD x (1 - C) x Gu`)",
    )
    #: Claims / guaranteed amount of a lender above which it gets no new guarantees.
    suspend_claim_rate: Share | None = Field(
        default=None,
        description="a lender whose claims paid / guarantees written passes this gets no new guarantees; `null` = never",
    )
    #: Share of the guarantee fee the districts pay for the firm.
    fee_subsidy_share: Share = Field(
        default=0.0,
        description="part of the guarantee fee the districts pay for the firm (a fiscal cost; the firm saves it)",
    )

    @property
    def extended(self) -> bool:
        """Whether any option of the second revision differs from today's rule."""
        return (
            self.mode != "rescue"
            or self.risk_sharing != "first_loss"
            or self.suspend_claim_rate is not None
            or self.fee_subsidy_share > 0
        )

    @property
    def capacity(self) -> float:
        """Guarantee volume the fund can write (capital x leverage)."""
        return self.capital * self.leverage

    @model_validator(mode="after")
    def _caps(self) -> Guarantee:
        if self.cap_per_firm > self.capacity:
            raise_problems(
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

    def cross_problems(self, scenario: Scenario, path: str) -> list[Problem]:
        """Eligible tiers among the population's; batch lenders among the lenders."""
        errors = tier_problems(
            f"{path}.eligible_tiers", self.eligible_tiers, scenario.population.tiers
        )
        if self.batch_lenders != "all":
            known = [b.name for b in scenario.banks.lenders]
            if scenario.banks.group is not None:
                known.append(scenario.banks.group.name)
            errors += [
                (
                    f"{path}.batch_lenders.{i}",
                    f"unknown lender {name!r}; expected 'all' or names among "
                    f"{known} (a group's name stands for all its members)",
                )
                for i, name in enumerate(self.batch_lenders)
                if name not in known
            ]
        return errors


class ReliefRates(Section):
    """Share of each running-cost category the relief pays."""

    rent: Share = Field(default=0.0, description="share of rent paid")
    electricity: Share = Field(default=0.0, description="share of electricity paid")
    water: Share = Field(default=0.0, description="share of water paid")
    internet: Share = Field(default=0.0, description="share of broadband paid")


#: How a relief category reaches firms: ``claim`` (firms claim it from the zone budget)
#: or ``tariff_cut`` (the supplier bills less: no application, no budget).
Channel = Literal["claim", "tariff_cut"]


class ReliefChannels(Section):
    """Channel of each running-cost category."""

    rent: Channel = Field(
        default="claim",
        description="how rent relief reaches firms: `claim` (claimed from the zone budget) or `tariff_cut` (the landlord bills less; no application, no budget)",
    )
    electricity: Channel = Field(
        default="claim",
        description="the same for electricity (a tariff cut is borne by the power utility)",
    )
    water: Channel = Field(
        default="claim", description="the same for water (borne by the water utility)"
    )
    internet: Channel = Field(
        default="claim", description="the same for broadband (borne by the telecom carriers)"
    )


#: Who bears relief: the municipal budget, the district budgets (public: a fiscal cost), or
#: the park operators, utilities and telecom carriers (not a fiscal cost).
Bearer = Literal["city", "districts", "park_operators", "utilities", "carriers"]


class ReliefBearers(Section):
    """Who bears each yuan of relief: ``claim`` funds the zone budgets the claims are paid
    from; each category names who bears it when its channel is ``tariff_cut``."""

    claim: Bearer = Field(
        default="city", description="who funds the zone budgets claims are paid from"
    )
    rent: Bearer = Field(default="park_operators", description="who bears a rent cut")
    electricity: Bearer = Field(
        default="utilities", description="who bears an electricity tariff cut"
    )
    water: Bearer = Field(default="utilities", description="who bears a water tariff cut")
    internet: Bearer = Field(default="carriers", description="who bears a broadband price cut")


class CostRelief(Section):
    """Cost relief for firms in zones: claims paid from zone budgets first come first
    served, and tariff cuts borne by the suppliers."""

    budget: Money = Field(description="total relief budget")
    allocation: Literal["equal", "by_firms", "by_floor_area"] = Field(
        default="by_firms",
        description="split of the budget not set in `zone_budgets`: `equal`, `by_firms` or `by_floor_area`",
    )
    zone_budgets: dict[str, Money] = Field(
        default_factory=dict,
        description="explicit budgets by zone name (`zone_01`, `cluster_01`, ...)",
    )
    subsidy_rates: ReliefRates = ReliefRates()
    channels: ReliefChannels = ReliefChannels()
    #: None: claims are a fiscal cost and tariff cuts are borne by the suppliers, with no
    #: summary by bearer (as before bearers were declared)
    bearers: ReliefBearers | None = Field(
        default=None,
        description="who bears each yuan of relief (`claim`, and each category when it is a tariff cut); none: claims are a fiscal cost, cuts are not",
    )
    cap_per_firm_year: Money = Field(
        default=1_000_000.0, description="highest relief per firm per run year"
    )
    claim_interval_days: int = Field(default=30, ge=1, description="days between claim rounds")
    eligible_tiers: list[str] = Field(
        min_length=1, description="tiers that may claim (if in a zone)"
    )
    requires_awareness: bool = Field(
        default=True, description="whether a firm must know of the measures to claim"
    )

    @model_validator(mode="after")
    def _budgets(self) -> CostRelief:
        explicit = sum(self.zone_budgets.values())
        if explicit > self.budget * (1 + 1e-9):
            raise_problems(
                [
                    (
                        "zone_budgets",
                        f"expected the zone budgets to sum to at most cost_relief.budget "
                        f"({self.budget:,.0f}); they sum to {explicit:,.0f}",
                    )
                ]
            )
        return self

    def cross_problems(self, scenario: Scenario, path: str) -> list[Problem]:
        """Eligible tiers among the population's; zone budgets of zones that exist; no
        budget without zones."""
        from .setting import zone_names, zone_range

        zones = scenario.population.zones
        errors = tier_problems(
            f"{path}.eligible_tiers", self.eligible_tiers, scenario.population.tiers
        )
        known = set(zone_names(zones))
        errors += [
            (
                f"{path}.zone_budgets.{z}",
                f"no zone or cluster named {z!r}; expected one of {zone_range(zones)}",
            )
            for z in self.zone_budgets
            if z not in known
        ]
        if self.budget > 0 and zones.zones_n + zones.clusters_n == 0:
            errors.append(
                (
                    f"{path}.budget",
                    "expected 0 when there is no zone or cluster "
                    "(population.zones.zones_n and clusters_n are 0: a scenario has no zones "
                    "unless it declares them), or drop the section; "
                    f"got {self.budget:,.0f}",
                )
            )
        return errors + self._price_problems(scenario, path)

    def _price_problems(self, scenario: Scenario, path: str) -> list[Problem]:
        """A category with relief needs its price: prices have no default."""
        costs = scenario.population.running_costs
        return [
            (
                f"population.running_costs.{price}",
                f"expected a price above 0: {path}.subsidy_rates.{category} is "
                f"{getattr(self.subsidy_rates, category):g}, and a scenario has no prices "
                "unless it declares them; got 0",
            )
            for category, price in _PRICES.items()
            if getattr(self.subsidy_rates, category) > 0 and getattr(costs, price) == 0
        ]


#: The price of each relief category in ``population.running_costs``.
_PRICES = {
    "rent": "rent_per_m2_day",
    "electricity": "electricity_per_kwh",
    "water": "water_per_m3",
    "internet": "internet_per_month",
}


class AwardLevel(Section):
    """One kind of certification (e.g. to national little giant) and its award."""

    from_tier: str = Field(description="tier a candidate must be in")
    to_tier: str = Field(description="tier a certified firm moves to")
    amount: Money = Field(description="award paid to each certified firm")
    per_round_max: int = Field(ge=0, description="firms certified per round at most")
    min_revenue: Money = Field(default=0.0, description="revenue criterion")
    min_growth: Rate = Field(default=0.0, description="growth criterion")


class Awards(Section):
    """Certification rounds and the awards paid from a budget."""

    budget: Money = Field(description="awards budget")
    round_days: list[int] = Field(default_factory=list, description="days of certification rounds")
    levels: list[AwardLevel] = Field(
        default_factory=list,
        description="certification levels, applied in order in each round; each entry has the fields below",
    )

    def cross_problems(self, scenario: Scenario, path: str) -> list[Problem]:
        """Levels' tiers among the population's; certification rounds within the horizon."""
        tiers, days = scenario.population.tiers, scenario.horizon.days
        errors: list[Problem] = []
        for i, lvl in enumerate(self.levels):
            errors += tier_problems(f"{path}.levels.{i}.from_tier", [lvl.from_tier], tiers)
            errors += tier_problems(f"{path}.levels.{i}.to_tier", [lvl.to_tier], tiers)
        # the hint keeps the rounds that fall within the horizon (none: no rounds), so
        # that following it literally clears the error
        inside = [d for d in self.round_days if 0 <= d < days]
        errors += [
            (
                f"{path}.round_days.{i}",
                f"expected a day within the horizon 0..{days - 1}; "
                f"got {d} (when shortening horizon.days, also set "
                f"{path}.round_days, e.g. {path}.round_days="
                f"[{','.join(str(x) for x in inside)}])",
            )
            for i, d in enumerate(self.round_days)
            if not 0 <= d < days
        ]
        return errors


class NplCompensation(Section):
    """Bank NPL risk compensation pool: pays banks a share of their loss on bad loans to
    firms in key sectors, from a hard budget (FACTS.md 1.2: 1 bn yuan for 2024-25, 55 %,
    +5 points for a firm's first loan). Banks weigh the compensated share in their credit
    rule while the budget lasts."""

    budget: Money = Field(
        description="money the NPL risk compensation pool can pay banks (section absent: no pool)"
    )
    share: Share = Field(
        description="share of a bank's loss on a bad loan to a key-sector firm that is compensated",
    )
    first_loan_bonus: Share = Field(
        default=0.0, description="extra share when the loan is the firm's first programme loan"
    )
    #: Tiers of the firms in key sectors; None: the tiers marked ``core_tech``.
    key_tiers: list[str] | None = Field(
        default=None, description="tiers of the firms in key sectors"
    )
    #: Sectors (``population.sectors``) counted as key; None: every sector.
    key_sectors: list[str] | None = Field(default=None, description="sectors counted as key")

    @model_validator(mode="after")
    def _at_most_all(self) -> NplCompensation:
        if self.share + self.first_loan_bonus > 1.0:
            raise_problems(
                [
                    (
                        "first_loan_bonus",
                        f"expected share + first_loan_bonus at most 1 (all of the loss); got "
                        f"{self.share:g} + {self.first_loan_bonus:g}",
                    )
                ]
            )
        return self

    def cross_problems(self, scenario: Scenario, path: str) -> list[Problem]:
        """Key tiers and key sectors among the population's."""
        pop = scenario.population
        errors = (
            tier_problems(f"{path}.key_tiers", self.key_tiers, pop.tiers)
            if self.key_tiers is not None
            else []
        )
        errors += [
            (
                f"{path}.key_sectors.{i}",
                f"unknown sector {sector!r}; expected one of the population's "
                f"sectors {sorted(pop.sectors)}",
            )
            for i, sector in enumerate(self.key_sectors or [])
            if sector not in pop.sectors
        ]
        return errors


class Funds(Section):
    """SME funds investing equity in selected high-growth firms."""

    total: Money = Field(description="money the funds can invest")
    round_interval_days: int = Field(default=90, ge=1, description="days between investment rounds")
    firms_per_round_max: int = Field(
        default=40, ge=0, description="firms invested in per round at most"
    )
    ticket_revenue_share: Share = Field(
        default=0.1, description="ticket as a share of the firm's revenue"
    )
    ticket_min: Money = Field(default=5_000_000.0, description="smallest ticket")
    ticket_max: Money = Field(default=100_000_000.0, description="largest ticket")
    min_growth: Rate = Field(default=0.2, description="growth criterion")
    eligible_tiers: list[str] = Field(min_length=1, description="tiers the funds invest in")

    def cross_problems(self, scenario: Scenario, path: str) -> list[Problem]:
        """Eligible tiers among the population's."""
        return tier_problems(
            f"{path}.eligible_tiers", self.eligible_tiers, scenario.population.tiers
        )
