"""The registry of scenario sections that measures declare (sim/scenario/sections.py)."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict

from sim.scenario import ScenarioError, scenario_from_dict, scenario_to_dict
from sim.scenario.overrides import apply_overrides
from sim.scenario.schema import scenario_fields
from sim.scenario.sections import (
    register_section,
    registered_sections,
    section_registered,
    unregister_section,
)

from .conftest import small_scenario


class _Extra(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    level: float = 1.0


class _Other(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def test_registered_section_is_read_and_forgotten():
    base = scenario_to_dict(small_scenario())
    with section_registered("extra_measure", _Extra, order=99):
        assert "extra_measure" in scenario_fields()
        sc = scenario_from_dict({**base, "extra_measure": {"level": 2}})
        assert sc.extra_measure == _Extra(level=2) and sc.section("extra_measure").level == 2
        assert scenario_to_dict(sc)["extra_measure"] == {"level": 2.0}
        absent = scenario_from_dict(base)
        assert absent.extra_measure is None and scenario_to_dict(absent) == base
        # an override reaches into the registered section
        data = apply_overrides(base, ["extra_measure.level=3"])
        assert scenario_from_dict(data).extra_measure.level == 3
    assert "extra_measure" not in [s.name for s in registered_sections()]
    with pytest.raises(ScenarioError):
        scenario_from_dict({**base, "extra_measure": {}})


def test_errors_of_a_registered_section_and_of_the_rest_are_reported_together():
    base = scenario_to_dict(small_scenario())
    with section_registered("extra_measure", _Extra, order=99):
        with pytest.raises(ScenarioError) as err:
            scenario_from_dict({**base, "seed": -1, "extra_measure": {"levle": 2}})
    assert {"seed", "extra_measure.levle"} <= set(err.value.fields)
    assert "did you mean 'level'" in str(err.value)


def test_a_name_is_registered_once():
    register_section("extra_measure", _Extra, order=99)
    try:
        register_section("extra_measure", _Extra, order=99)  # the same module again: fine
        with pytest.raises(ValueError, match="already registered"):
            register_section("extra_measure", _Other, order=99)
    finally:
        unregister_section("extra_measure")
