"""Scenario loading: money, extends:, --set overrides, and messages that name the field."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim
from sim.scenario import ScenarioError, parse_money

from .conftest import BASELINE, SCENARIOS


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("400bn", 400e9),
        ("30m", 30e6),
        ("100k", 1e5),
        ("1.5tn", 1.5e12),
        ("2,500,000", 2.5e6),
        (12, 12.0),
        (0.5, 0.5),
        ("7 M", 7e6),
        ("20mn", 20e6),
    ],
)
def test_parse_money(text, value):
    assert parse_money(text) == pytest.approx(value)


@pytest.mark.parametrize("bad", ["lots", "30x", "", True, None, float("nan"), float("inf"), [1]])
def test_parse_money_refuses(bad):
    with pytest.raises(ValueError):
        parse_money(bad)


def test_baseline_numbers(baseline):
    assert baseline.loan_pool.total == 400e9
    assert baseline.loan_pool.credit_sub_quota == 200e9
    assert baseline.guarantee.cap_per_firm == 30e6
    assert baseline.cost_relief.budget == 15e9
    assert baseline.population.zones.zones_n == 55
    assert baseline.population.zones.clusters_n == 34
    assert baseline.funds.total == 10e9
    assert sorted(a.amount for a in baseline.awards.levels) == [1e5, 3e5]
    n = baseline.population.firms_n
    lg = baseline.population.tiers["little_giant"].share * n
    core = sum(t.share for t in baseline.population.tiers.values() if t.core_tech) * n
    assert round(lg) == 900
    assert round(core) == 11000


@pytest.mark.parametrize(
    ("variant", "field", "value"),
    [
        ("shanghai_2024_old_cap.yaml", ("guarantee", "cap_per_firm"), 20e6),
        ("shanghai_2024_no_relief.yaml", ("cost_relief", "budget"), 0.0),
        ("shanghai_2024_half_pool.yaml", ("loan_pool", "total"), 200e9),
    ],
)
def test_variants_extend_the_baseline(variant, field, value, baseline):
    sc = sim.load_scenario(SCENARIOS / variant)
    assert getattr(getattr(sc, field[0]), field[1]) == value
    # everything else comes from the baseline
    assert sc.population == baseline.population
    assert sc.banks == baseline.banks


def test_overrides_required_paths():
    sc = sim.load_scenario(
        BASELINE,
        [
            "seed=5",
            "horizon.days=1000",
            "population.firms_n=1234",
            "loan_pool.total=300bn",
            "guarantee.cap_per_firm=25m",
            "cost_relief.budget=1.5bn",
        ],
    )
    assert (sc.seed, sc.horizon.days, sc.population.firms_n) == (5, 1000, 1234)
    assert sc.loan_pool.total == 300e9
    assert sc.guarantee.cap_per_firm == 25e6
    assert sc.cost_relief.budget == 1.5e9


def test_override_into_list_and_dict_entries():
    sc = sim.load_scenario(
        BASELINE, ["banks.lenders.0.officers=9", "population.tiers.srdi.pd_sigma=0.5"]
    )
    assert sc.banks.lenders[0].officers == 9
    assert sc.population.tiers["srdi"].pd_sigma == 0.5


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ("loan_pool.totl=1bn", "loan_pool.totl"),
        ("nosuch=1", "nosuch"),
        ("banks.lenders.99.officers=1", "banks.lenders.99.officers"),
        ("population.tiers.giant.share=1", "population.tiers.giant.share"),
    ],
)
def test_override_unknown_path_names_it(override, field):
    with pytest.raises(ScenarioError) as e:
        sim.load_scenario(BASELINE, [override])
    assert e.value.field == field
    assert field in str(e.value)


def test_round_trip_resolved_yaml(tmp_path, baseline):
    p = tmp_path / "resolved.yaml"
    p.write_text(sim.scenario_to_yaml(baseline))
    assert sim.load_scenario(p) == baseline


def _write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def test_extends_cycle_is_refused(tmp_path):
    _write(tmp_path, "extends: b.yaml\nname: a\n", "a.yaml")
    _write(tmp_path, "extends: a.yaml\nname: b\n", "b.yaml")
    with pytest.raises(ScenarioError) as e:
        sim.load_scenario(tmp_path / "a.yaml")
    assert "cycle" in str(e.value)
    assert e.value.field == "extends"


@pytest.mark.parametrize(
    ("patch", "field", "expect"),
    [
        ({"loan_pool": {"totl": "1bn"}}, "loan_pool.totl", "unknown key"),
        ({"population": {"firms_n": "many"}}, "population.firms_n", "whole number"),
        ({"cost_relief": {"budget": "-5bn"}}, "cost_relief.budget", ">= 0"),
        ({"population": {"sectors": {"manufacturing": 0.7}}}, "population", "sum to 1"),
    ],
)
def test_invalid_values_name_the_field(tmp_path, patch, field, expect):
    import yaml

    text = yaml.safe_dump({"extends": str(BASELINE), **patch})
    with pytest.raises(ScenarioError) as e:
        sim.load_scenario(_write(tmp_path, text))
    msg = str(e.value)
    assert field in msg
    assert expect in msg
    assert str(tmp_path / "s.yaml") in msg


def test_validation_does_not_depend_on_the_host_memory(monkeypatch):
    """Only the run pre-flight reads the host's memory; validating never does."""
    import sim.scenario.memory as memory

    monkeypatch.setattr(memory, "_available_memory_bytes", lambda: 2**20)  # a 1 MiB host
    data = sim.scenario.scenario_to_dict(sim.load_scenario(BASELINE, check_memory=False))
    sc = sim.scenario.scenario_from_dict(data)  # valid wherever it is read
    assert sc == sim.with_overrides(sc, {})
    with pytest.raises(ScenarioError, match="fits in this machine's memory") as err:
        sim.run(sc)
    assert err.value.field in ("population.firms_n", "horizon.days")
    with pytest.raises(ScenarioError, match="fits in this machine's memory") as err:
        sim.load_scenario(BASELINE)
    assert err.value.file == str(BASELINE)


@pytest.mark.parametrize(
    "path", sorted((Path(__file__).parents[1] / "scenarios").rglob("*.yaml")), ids=lambda p: p.name
)
def test_the_fast_yaml_parser_reads_every_shipped_file_as_the_python_one_does(path):
    import yaml

    from sim.scenario import reading

    text = Path(path).read_text(encoding="utf-8")
    fast = yaml.load(text, Loader=reading._FastScenarioLoader)  # noqa: S506
    assert fast == yaml.load(text, Loader=reading.ScenarioLoader)  # noqa: S506
    assert reading.parse_yaml(text) == fast


@pytest.mark.parametrize(
    "path",
    sorted((Path(__file__).parents[1] / "scenarios").glob("*.yaml"))
    + sorted((Path(__file__).parents[1] / "scenarios" / "examples").glob("*.yaml")),
    ids=lambda p: p.name,
)
def test_every_shipped_scenario_names_its_zones_and_lenders(path):
    """No zone code (zone_20) or lender code on a shipped scenario's pages, in Chinese too."""
    sc = sim.load_scenario(path)
    zones = sc.population.zones
    assert len(zones.labels) == zones.zones_n + zones.clusters_n
    assert all(label.name_zh for label in zones.labels.values())
    if sc.description:
        assert sc.description_zh
