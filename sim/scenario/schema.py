"""Schema: the pydantic model of a whole scenario and its cross-section checks.

Public names: :class:`Scenario` and its section models (defined in :mod:`.setting` and
:mod:`.measures`), :func:`zone_names` and :func:`zone_range` (of :mod:`.setting`),
:func:`scenario_fields`. Every model is frozen and forbids unknown keys. A check across
sections that concerns one measure is that section's own (``cross_problems``, see
:class:`~sim.scenario._base.Section`); the checks here are the setting's and the loan
pool's.

Besides the sections written here, a scenario holds the sections that measures register
(:mod:`.sections`): optional, validated by the measure's model, read with
:meth:`Scenario.section` (or as an attribute), and left out of a dump when absent.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from pydantic import (
    BaseModel,
    Field,
    PrivateAttr,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

from ..outdir import folder_name
from ._base import SHARE_TOLERANCE, CrossFieldErrors, Section, sum_problem, tier_problems
from .measures import (
    AwardLevel,
    Awards,
    CostRelief,
    Funds,
    Guarantee,
    LoanPool,
    NplCompensation,
    ReliefRates,
)
from .sections import registered_sections
from .setting import (
    MUTABLE_PATHS,
    Awareness,
    Banks,
    Behaviour,
    Demand,
    Event,
    Horizon,
    Lender,
    LenderGroup,
    ListPush,
    Population,
    Rates,
    RunningCosts,
    ServiceCentres,
    Surge,
    SurgeCapacity,
    Tier,
    Zones,
    zone_names,
    zone_range,
)

__all__ = [
    "zone_range",
    "SHARE_TOLERANCE",
    "AwardLevel",
    "Awards",
    "Awareness",
    "Banks",
    "Behaviour",
    "CostRelief",
    "Demand",
    "Event",
    "Funds",
    "Guarantee",
    "Horizon",
    "Lender",
    "LenderGroup",
    "ListPush",
    "LoanPool",
    "NplCompensation",
    "Population",
    "Rates",
    "ReliefRates",
    "RunningCosts",
    "Scenario",
    "ServiceCentres",
    "Surge",
    "SurgeCapacity",
    "Tier",
    "Zones",
    "scenario_fields",
    "zone_names",
]

#: Optional sections added after the 2024 release: left out of a dump when absent, so a
#: scenario without them writes the same resolved scenario as before they existed.
_LATER_SECTIONS = ("npl_compensation", "language")


class Scenario(Section):
    """A whole scenario: setting, behaviour, and every measure.

    Optional measures (``guarantee``, ``cost_relief``, ``awards``, ``funds``) may be
    left out; the model then has no such measure.
    """

    name: str = Field(
        min_length=1,
        description="scenario identifier; names the output folder (kept in Unicode NFC; names Windows reserves such as `CON` are refused)",
    )
    description: str = Field(default="", description="free text shown in reports")
    description_zh: str = Field(
        default="", description="the description in Chinese, shown in Chinese reports"
    )
    currency: str = Field(
        default="CNY", min_length=1, max_length=12, description="label of every amount"
    )
    language: Literal["en", "zh"] | None = Field(
        default=None, description="language of the run report and summary (`--lang` overrides it)"
    )  # of reports and summaries; None: English
    seed: int = Field(ge=0, lt=2**63, description="root of the run's `SeedSequence`")
    horizon: Horizon
    population: Population
    demand: Demand = Demand()
    awareness: Awareness = Awareness()
    service_centres: ServiceCentres = ServiceCentres()
    behaviour: Behaviour = Behaviour()
    banks: Banks
    rates: Rates
    loan_pool: LoanPool
    guarantee: Guarantee | None = None
    cost_relief: CostRelief | None = None
    awards: Awards | None = None
    funds: Funds | None = None
    npl_compensation: NplCompensation | None = None
    events: list[Event] = Field(
        default_factory=list,
        description="dated changes of the scenario during the run, one per entry (docs/model.md 7.17)",
    )

    #: The present sections registered by measures (:mod:`.sections`), by name.
    _measure_sections: dict[str, BaseModel] = PrivateAttr(default_factory=dict)

    @model_validator(mode="wrap")
    @classmethod
    def _registered_sections(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        # the sections measures register are validated by their own models; the rest of
        # the scenario as written here (an unknown key is still refused by the schema)
        sections = {s.name: s for s in registered_sections() if s.name not in cls.model_fields}
        if not isinstance(data, dict) or not sections.keys() & data.keys():
            return handler(data)
        rest = {k: v for k, v in data.items() if k not in sections}
        errors: list[Any] = []
        present: dict[str, BaseModel] = {}
        for name, section in sections.items():
            if data.get(name) is None:
                continue
            try:
                present[name] = section.model.model_validate(data[name])
            except ValidationError as e:
                errors += [{**err, "loc": (name, *err["loc"])} for err in e.errors()]
        try:
            scenario = handler(rest)
        except ValidationError as e:
            if not errors:
                raise
            errors = e.errors() + errors
        if errors:
            raise ValidationError.from_exception_data(cls.__name__, errors)
        scenario._measure_sections = present
        return scenario

    @model_serializer(mode="wrap")
    def _omit_absent_later_sections(
        self, handler: SerializerFunctionWrapHandler, info: SerializationInfo
    ) -> Any:
        data = handler(self)
        for key in _LATER_SECTIONS:
            if data.get(key, 0) is None:
                del data[key]
        if data.get("events", 0) == []:
            del data["events"]  # a scenario without events dumps as before they existed
        if data.get("description_zh", 0) == "":
            del data["description_zh"]  # likewise a scenario without a Chinese description
        for name, section in self._measure_sections.items():
            data[name] = section.model_dump(mode=info.mode)
        return data

    def section(self, name: str) -> BaseModel | None:
        """The section ``name`` (one written in the schema or registered by a measure), or
        None when the scenario has none."""
        if name in type(self).model_fields:
            return getattr(self, name)
        return self._measure_sections.get(name)

    def __getattr__(self, name: str) -> Any:
        # a registered section reads like the sections of the schema: scenario.rd_tax_credit
        if not name.startswith("_") and any(s.name == name for s in registered_sections()):
            return self._measure_sections.get(name)
        return super().__getattr__(name)  # type: ignore[misc]

    @field_validator("name")
    @classmethod
    def _name_is_a_folder_name(cls, value: str) -> str:
        # the name is the default output folder, reports/<name>/
        return folder_name(value)

    @model_validator(mode="after")
    def _cross(self) -> Scenario:
        # every check across sections, collected so that all problems of a scenario are
        # reported at once: the setting's and the loan pool's here, each measure's in its
        # section (cross_problems)
        errors = tier_problems(
            "loan_pool.eligible_tiers", self.loan_pool.eligible_tiers, self.population.tiers
        )
        errors += _setting_problems(self)
        for name in type(self).model_fields:
            section = getattr(self, name)
            if isinstance(section, Section):
                errors += section.cross_problems(self, name)
        for name, section in self._measure_sections.items():
            if isinstance(section, Section):
                errors += section.cross_problems(self, name)
        errors += _lender_day_problems(self)
        errors += _loan_pool_problems(self)
        if errors:
            raise CrossFieldErrors(errors)
        return self


def _setting_problems(sc: Scenario) -> list[tuple[str, str]]:
    """Tiers named by the demand section; list pushes within the horizon."""
    tiers = set(sc.population.tiers)
    errors: list[tuple[str, str]] = []
    if isinstance(sc.demand.existing_loans_share, dict):
        errors += [
            (
                f"demand.existing_loans_share.{t}",
                f"unknown tier {t!r}; expected one of the population's tiers "
                f"{sorted(tiers)} (tiers not named hold no loan at launch)",
            )
            for t in sc.demand.existing_loans_share
            if t not in tiers
        ]
    errors += [
        (
            f"awareness.list_pushes.{i}.day",
            f"expected a day within the horizon 0..{sc.horizon.days - 1}; got {push.day}",
        )
        for i, push in enumerate(sc.awareness.list_pushes)
        if push.day >= sc.horizon.days
    ]
    errors += _event_problems(sc)
    return errors


def _event_problems(sc: Scenario) -> list[tuple[str, str]]:
    """Events on a day within the horizon, on a path that may change mid-run, of a
    section the scenario has (their values are checked on loading, sim.scenario.events)."""
    import difflib

    errors: list[tuple[str, str]] = []
    days = sc.horizon.days
    for i, ev in enumerate(sc.events):
        day = ev.day_in(sc.horizon)
        if not 0 <= day < days:
            key = "day" if ev.day is not None else "date"
            errors.append(
                (
                    f"events.{i}.{key}",
                    f"expected a day within the horizon 0..{days - 1} (from "
                    f"{sc.horizon.start_date}); got day {day}",
                )
            )
        if ev.path not in MUTABLE_PATHS:
            near = difflib.get_close_matches(ev.path, list(MUTABLE_PATHS), n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            errors.append(
                (
                    f"events.{i}.path",
                    f"{ev.path!r} cannot change mid-run: it is not a path an event may change "
                    f"(every other path is read only when the run is set up){hint}; expected "
                    f"one of: {', '.join(MUTABLE_PATHS)}",
                )
            )
        elif sc.section(ev.path.split(".")[0]) is None:
            errors.append(
                (
                    f"events.{i}.path",
                    f"{ev.path!r} changes the section {ev.path.split('.')[0]!r}, which the "
                    "scenario does not have; expected a path of a section it has",
                )
            )
        elif ev.path in _ACCOUNTS_OPENED_AT_SET_UP and getattr(sc.loan_pool, ev.path[10:]) is None:
            errors.append(
                (
                    f"events.{i}.path",
                    f"{ev.path!r} is not set, so the run has no such account to resize; "
                    f"expected a path the scenario sets (set {ev.path} from day 0)",
                )
            )
    return errors


#: Events may resize these accounts, but not open them: the scenario must set them.
_ACCOUNTS_OPENED_AT_SET_UP = ("loan_pool.credit_sub_quota", "loan_pool.subsidy_budget")


def _loan_pool_problems(sc: Scenario) -> list[tuple[str, str]]:
    """The reallocation day within the horizon; lenders' quota shares summing to 1."""
    errors: list[tuple[str, str]] = []
    day = sc.loan_pool.reallocation_day
    if day is not None and day >= sc.horizon.days:
        within = (
            f"a day within the horizon 1..{sc.horizon.days - 1}, or null for no reallocation"
            if sc.horizon.days > 1
            else "null (a one-day horizon has no day to reallocate on)"
        )
        errors.append(
            (
                "loan_pool.reallocation_day",
                f"expected {within}; got {day} (e.g. loan_pool.reallocation_day=null)",
            )
        )
    if sc.loan_pool.quota_mode == "bank_quotas":
        shares = [(b.name, b.quota_share) for b in sc.banks.lenders]
        if sc.banks.group is not None:
            shares.append((f"group {sc.banks.group.name}", sc.banks.group.quota_share))
        problem = sum_problem(
            "banks.lenders.*.quota_share" if sc.banks.lenders else "banks.group.quota_share",
            shares,
            "the lenders' quota shares (loan_pool.quota_mode is 'bank_quotas')",
        )
        if problem is not None:
            errors.append(problem)
    return errors


def scenario_fields() -> dict[str, Any]:
    """The top-level keys of a scenario and their annotations: the schema's fields, then
    the sections registered by measures (each optional)."""
    fields: dict[str, Any] = {k: f.annotation for k, f in Scenario.model_fields.items()}
    for s in registered_sections():
        fields.setdefault(s.name, s.model | None)
    return fields


def _lender_day_problems(sc: Scenario) -> list[tuple[str, str]]:
    """Join days within the horizon; the official calendar covering the horizon."""
    days = sc.horizon.days
    errors: list[tuple[str, str]] = []
    for i, b in enumerate(sc.banks.lenders):
        if b.join_day >= days:
            errors.append(
                (
                    f"banks.lenders.{i}.join_day",
                    f"expected a day within the horizon 0..{days - 1}; got {b.join_day}",
                )
            )
    g = sc.banks.group
    if g is not None and g.join_day + g.onboarding_days > days:
        errors.append(
            (
                "banks.group.onboarding_days",
                f"expected the group's lenders to join within the horizon: join_day + "
                f"onboarding_days at most {days}; got {g.join_day} + {g.onboarding_days}",
            )
        )
    if sc.banks.calendar == "china":
        import chinese_calendar

        years = [d.year for d in chinese_calendar.holidays]
        first, last = min(years), max(years)
        start = sc.horizon.start_date
        end = start + timedelta(days=days - 1)
        if start.year < first or end.year > last:
            errors.append(
                (
                    "banks.calendar",
                    f"expected a horizon within the years the official PRC calendar covers "
                    f"({first}-{last}, package chinese-calendar; each year's calendar is "
                    f"published in the November before it); the horizon runs {start} to "
                    f"{end}. Use calendar 'weekdays', or a horizon that ends by {last}-12-31",
                )
            )
    return errors
