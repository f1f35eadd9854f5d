"""Scenario: the validated description of one programme and its setting.

Public names: :class:`Scenario` (and its section models), :func:`load_scenario`,
:func:`parse_money`, :func:`parse_share`, :func:`parse_figure`, :func:`parse_value`,
:func:`is_money_field`, :func:`apply_overrides`, :func:`scenario_to_yaml`,
:class:`ScenarioError`.

A scenario file is YAML. It is loaded with the safe loader (:mod:`.reading`), merged
with the file it ``extends:`` (:mod:`.extends`; recursively, cycles are refused),
overridden by ``path=value`` pairs (:mod:`.overrides`), and validated once by pydantic
models that forbid unknown keys (:mod:`.schema`, amounts parsed by :mod:`.money`);
a validation error becomes one message per field (:mod:`.messages`). Everything
downstream takes the typed, frozen :class:`Scenario`.
"""

from ..errors import ScenarioError
from .loading import (
    load_scenario,
    scenario_from_dict,
    scenario_to_dict,
    scenario_to_yaml,
    with_overrides,
)
from .memory import check_memory, estimate_memory_bytes
from .messages import is_money_field
from .money import parse_figure, parse_money, parse_share
from .overrides import apply_overrides, get_path, parse_value, scenario_changes
from .schema import (
    SHARE_TOLERANCE,
    AwardLevel,
    Awards,
    Awareness,
    Banks,
    Behaviour,
    CostRelief,
    Demand,
    Funds,
    Guarantee,
    Horizon,
    Lender,
    LenderGroup,
    ListPush,
    LoanPool,
    NplCompensation,
    Population,
    Rates,
    ReliefRates,
    RunningCosts,
    Scenario,
    ServiceCentres,
    Tier,
    Zones,
    zone_names,
)

__all__ = [
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "scenario_from_dict",
    "scenario_to_dict",
    "scenario_to_yaml",
    "with_overrides",
    "parse_money",
    "parse_share",
    "parse_figure",
    "parse_value",
    "is_money_field",
    "apply_overrides",
    "get_path",
    "scenario_changes",
    "estimate_memory_bytes",
    "check_memory",
    "zone_names",
    "SHARE_TOLERANCE",
    "AwardLevel",
    "Awards",
    "Awareness",
    "Banks",
    "Behaviour",
    "CostRelief",
    "Demand",
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
    "ServiceCentres",
    "Tier",
    "Zones",
]
