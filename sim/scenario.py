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
# Bytes of working memory per simulated firm and per financing need; used to refuse
# populations this machine cannot hold before anything is allocated.
_BYTES_PER_FIRM = 420
_BYTES_PER_NEED = 260


class ScenarioError(ValueError):
    """A scenario is invalid: names the file, the field path and what was expected.

    Parameters
    ----------
    message
        What is wrong and what was expected.
    file
        The scenario file the error was found in, if any.
    field
        Dotted path of the offending field, if any.
    """

    def __init__(self, message: str, *, file: str | Path | None = None, field: str | None = None):
        self.message = message
        self.file = str(file) if file is not None else None
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.field:
            where.append(f"field '{self.field}'")
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
        out = float(value)
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
        raise ValueError(f"expected a finite amount, got {value!r}")
    return out


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {value!r}")
    return value


Money = Annotated[float, BeforeValidator(parse_money), Field(ge=0)]
PositiveMoney = Annotated[float, BeforeValidator(parse_money), Field(gt=0)]
Share = Annotated[float, BeforeValidator(_finite), Field(ge=0, le=1)]
NonNeg = Annotated[float, BeforeValidator(_finite), Field(ge=0)]
Positive = Annotated[float, BeforeValidator(_finite), Field(gt=0)]
Real = Annotated[float, BeforeValidator(_finite)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)


def _check_sum(shares: dict[str, float] | list[float], what: str) -> None:
    total = sum(shares.values()) if isinstance(shares, dict) else sum(shares)
    if abs(total - 1.0) > SHARE_TOLERANCE:
        raise ValueError(
            f"{what} must sum to 1 (within {SHARE_TOLERANCE}); they sum to {total:.6g}"
        )


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
        _check_sum({k: t.share for k, t in self.tiers.items()}, "population.tiers.*.share")
        _check_sum(self.sectors, "population.sectors")
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
            raise ValueError("at least one lender is needed (banks.lenders or banks.group)")
        names = [b.name for b in self.lenders]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ValueError(f"lender names must be unique; repeated: {sorted(dup)}")
        shares = [b.market_share for b in self.lenders]
        if self.group is not None:
            shares.append(self.group.market_share)
        _check_sum(shares, "banks market_share values")
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
        if self.credit_sub_quota is not None and self.credit_sub_quota > self.total:
            raise ValueError(
                f"credit_sub_quota ({self.credit_sub_quota:,.0f}) cannot exceed total "
                f"({self.total:,.0f})"
            )
        if self.max_per_firm > self.total:
            raise ValueError(
                f"max_per_firm ({self.max_per_firm:,.0f}) cannot exceed total ({self.total:,.0f})"
            )
        if self.min_amount > self.max_per_firm:
            raise ValueError("min_amount cannot exceed max_per_firm")
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
            raise ValueError(
                f"cap_per_firm ({self.cap_per_firm:,.0f}) cannot exceed the fund's capacity "
                f"capital x leverage ({self.capacity:,.0f})"
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
            raise ValueError(
                f"zone_budgets sum to {explicit:,.0f}, more than budget ({self.budget:,.0f})"
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

    @model_validator(mode="after")
    def _cross(self) -> Scenario:
        tiers = set(self.population.tiers)
        errors: list[tuple[str, str]] = []

        def tier_ok(path: str, names: list[str]) -> None:
            for i, t in enumerate(names):
                if t not in tiers:
                    errors.append((f"{path}.{i}", f"unknown tier {t!r}; tiers are {sorted(tiers)}"))

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
                            f"no zone or cluster named {z!r}; names run "
                            f"zone_01..zone_{self.population.zones.zones_n:02d} and "
                            f"cluster_01..cluster_{self.population.zones.clusters_n:02d}",
                        )
                    )
        if self.funds is not None:
            tier_ok("funds.eligible_tiers", self.funds.eligible_tiers)
        if self.awards is not None:
            for i, lvl in enumerate(self.awards.levels):
                tier_ok(f"awards.levels.{i}.from_tier", [lvl.from_tier])
                tier_ok(f"awards.levels.{i}.to_tier", [lvl.to_tier])
            for i, d in enumerate(self.awards.round_days):
                if not 0 <= d < self.horizon.days:
                    errors.append(
                        (
                            f"awards.round_days.{i}",
                            f"day {d} is outside the horizon 0..{self.horizon.days - 1} "
                            "(when shortening horizon.days, also set awards.round_days, "
                            "e.g. --set awards.round_days=[240])",
                        )
                    )
        day = self.loan_pool.reallocation_day
        if day is not None and day >= self.horizon.days:
            errors.append(
                (
                    "loan_pool.reallocation_day",
                    f"day {day} is outside the horizon 0..{self.horizon.days - 1} "
                    "(set it within the horizon, or null for no reallocation)",
                )
            )
        if self.loan_pool.quota_mode == "bank_quotas":
            shares = [b.quota_share for b in self.banks.lenders]
            if self.banks.group is not None:
                shares.append(self.banks.group.quota_share)
            if abs(sum(shares) - 1) > SHARE_TOLERANCE:
                errors.append(
                    (
                        "banks.lenders.*.quota_share",
                        f"with loan_pool.quota_mode 'bank_quotas' the quota shares must sum to 1 "
                        f"(within {SHARE_TOLERANCE}); they sum to {sum(shares):.6g}",
                    )
                )
        if self.cost_relief is not None and self.cost_relief.budget > 0:
            z = self.population.zones
            if z.zones_n + z.clusters_n == 0:
                errors.append(
                    ("cost_relief.budget", "a relief budget needs at least one zone or cluster")
                )
        need = estimate_memory_bytes(self)
        avail = _available_memory_bytes()
        if avail is not None and need > 0.8 * avail:
            errors.append(
                (
                    "population.firms_n",
                    f"this scenario needs about {need / 2**30:.1f} GiB of memory "
                    f"({self.population.firms_n:,} firms over {self.horizon.days:,} days); "
                    f"this machine has {avail / 2**30:.1f} GiB available. Use a smaller "
                    "population with population.scale to stand for the rest",
                )
            )
        if errors:
            raise _CrossFieldErrors(errors)
        return self


class _CrossFieldErrors(ValueError):
    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{p}: {m}" for p, m in errors))


def zone_names(zones: Zones) -> list[str]:
    """Names of all zones then clusters, in index order (``zone_01``, ``cluster_01``...)."""
    return [f"zone_{i + 1:02d}" for i in range(zones.zones_n)] + [
        f"cluster_{i + 1:02d}" for i in range(zones.clusters_n)
    ]


def estimate_memory_bytes(scenario: Scenario) -> int:
    """Rough peak memory of a run, from population size and expected number of needs."""
    n = scenario.population.firms_n
    years = scenario.horizon.days / 365.0
    needs = n * (
        scenario.demand.waiting_at_launch_share + scenario.demand.needs_per_firm_year * years
    )
    return int(n * _BYTES_PER_FIRM + needs * _BYTES_PER_NEED + 64 * 2**20)


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
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_SafeLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError("file not found", file=path) from None
    except IsADirectoryError:
        raise ScenarioError("is a folder, expected a YAML scenario file", file=path) from None
    except UnicodeDecodeError:
        raise ScenarioError("is not UTF-8 text, expected a YAML scenario file", file=path) from None
    except OSError as exc:
        raise ScenarioError(f"cannot be read ({exc.strerror})", file=path) from None
    try:
        data = yaml.load(text, Loader=_SafeLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ScenarioError(f"is not valid YAML{where}: {problem}", file=path) from None
    if data is None:
        raise ScenarioError("is empty; expected a mapping of scenario sections", file=path)
    if not isinstance(data, dict):
        raise ScenarioError(
            f"holds a YAML {type(data).__name__}; expected a mapping of scenario sections "
            "(name:, seed:, horizon:, ...)",
            file=path,
        )
    bad = [k for k in data if not isinstance(k, str)]
    if bad:
        raise ScenarioError(f"keys must be text, got {bad[0]!r}", file=path)
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
                f"a scenario cannot extend itself ({cycle})", file=path, field=field
            )
        raise ScenarioError(f"extends: forms a cycle: {cycle}", file=chain[-1], field=field)
    data = _read_yaml(path)
    parent = data.pop("extends", None)
    if parent is None:
        return data, path
    if not isinstance(parent, str) or not parent.strip():
        raise ScenarioError(
            f"expected the path of another scenario file, got {parent!r}",
            file=path,
            field="extends",
        )
    parent_path = (path.parent / parent).resolve()
    if not parent_path.exists():
        raise ScenarioError(
            f"extends a file that does not exist: {parent_path}", file=path, field="extends"
        )
    base, _ = _resolve(parent_path, (*chain, real))
    return _deep_merge(base, data), path


def _loc_to_path(loc: tuple[Any, ...]) -> str:
    parts = []
    for p in loc:
        # pydantic adds the validator's name for nullable/union branches; drop it
        if isinstance(p, str) and (p in {"function-after[_caps(), Guarantee]"} or "[" in p):
            continue
        parts.append(str(p))
    return ".".join(parts)


def _from_validation_error(
    exc: ValidationError, file: Path | str | None, prefix: str = ""
) -> ScenarioError:
    msgs = []
    first_field = None
    for err in exc.errors(include_url=False):
        ctx_err = (err.get("ctx") or {}).get("error")
        if isinstance(ctx_err, _CrossFieldErrors):
            for path, msg in ctx_err.errors:
                first_field = first_field or path
                msgs.append(f"field '{path}': {msg}")
            continue
        path = _loc_to_path(tuple(err["loc"]))
        if prefix:
            path = f"{prefix}.{path}" if path else prefix
        kind = err["type"]
        msg = err["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        if kind == "extra_forbidden":
            msg = "unknown key (check its spelling; unknown keys are not allowed)"
        elif kind == "missing":
            msg = "required key is missing"
        elif "input" in err and kind not in {"model_type", "dict_type"}:
            shown = repr(err["input"])
            if len(shown) > 60:
                shown = shown[:57] + "..."
            msg = f"{msg} (got {shown})"
        first_field = first_field or path
        msgs.append(f"field '{path}': {msg}" if path else msg)
    if len(msgs) == 1:
        # keep the field in its own attribute and the message short
        text = msgs[0].split(": ", 1)[1] if msgs[0].startswith("field '") else msgs[0]
        return ScenarioError(text, file=file, field=first_field)
    return ScenarioError(
        f"{len(msgs)} problems:\n  - " + "\n  - ".join(msgs), file=file, field=first_field
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
                    f"--set expects path.to.key=value, got {item!r}", file=file, field=item
                )
            key, raw = item.split("=", 1)
            key = key.strip()
            try:
                value = yaml.load(raw, Loader=_SafeLoader) if raw.strip() else None  # noqa: S506
            except yaml.YAMLError:
                raise ScenarioError(
                    f"--set value {raw!r} cannot be parsed (expected a number, an amount "
                    "such as 30m, true/false, text, or a [list])",
                    file=file,
                    field=key,
                ) from None
            pairs.append((key, value))
    out = copy.deepcopy(data)
    plans = []
    for key, value in pairs:
        parts = key.split(".")
        if not key or any(not p for p in parts):
            raise ScenarioError(f"--set path {key!r} is malformed", file=file, field=key)
        model: Any = Scenario
        node: Any = out
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            ann = _unwrap(model) if model is not None else None
            origin = typing.get_origin(ann)
            child_ann: Any
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                child_ann = _schema_child(ann, part)
                if child_ann is None:
                    valid = ", ".join(sorted(ann.model_fields))
                    raise ScenarioError(
                        f"--set path {key!r}: {part!r} is not a field here; expected one of: {valid}",
                        file=file,
                        field=key,
                    )
                container_key: Any = part
            elif origin is dict:
                child_ann = typing.get_args(ann)[1]
                if not isinstance(node, dict) or (part not in node and not last):
                    known = sorted(node) if isinstance(node, dict) else []
                    raise ScenarioError(
                        f"--set path {key!r}: no entry {part!r}; entries are {known}",
                        file=file,
                        field=key,
                    )
                container_key = part
            elif origin is list:
                child_ann = typing.get_args(ann)[0]
                if not part.isdigit() or not isinstance(node, list) or int(part) >= len(node):
                    size = len(node) if isinstance(node, list) else 0
                    raise ScenarioError(
                        f"--set path {key!r}: {part!r} must be an index below {size}",
                        file=file,
                        field=key,
                    )
                container_key = int(part)
            else:
                raise ScenarioError(
                    f"--set path {key!r}: {'.'.join(parts[:i])!r} has no sub-fields",
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
    data, _ = _resolve(path, ())
    data = apply_overrides(data, overrides, file=str(path))
    return scenario_from_dict(data, file=path)


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
