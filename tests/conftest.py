"""Shared fixtures: paths and a small, fast version of the baseline."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
BASELINE = SCENARIOS / "shanghai_2024.yaml"
#: The baseline read as hard ceilings (rescue guarantees, claimed relief, subsidy on
#: approval): the setting of the mechanism tests, where pools, quotas and budgets must be
#: able to run out within a small run. The revised baseline itself is covered by the
#: golden files and the calibration tests.
HARD_CAPS = SCENARIOS / "shanghai_2024_hard_caps.yaml"

# the baseline's behaviour on a smaller population and a shorter horizon: fast enough
# to run many seeds, large enough for quotas to run out when pools are made small
SMALL = [
    "population.firms_n=3000",
    "horizon.days=365",
    "awards.round_days=[200]",
    "loan_pool.reallocation_day=180",
]


def small_scenario(*extra: str) -> sim.Scenario:
    """The baseline read as hard ceilings, shrunk to 3,000 firms and one year, with extra
    overrides."""
    return sim.load_scenario(HARD_CAPS, [*SMALL, *extra])


@pytest.fixture(scope="session")
def baseline() -> sim.Scenario:
    return sim.load_scenario(BASELINE)


@pytest.fixture(scope="session")
def small() -> sim.Scenario:
    return small_scenario()
