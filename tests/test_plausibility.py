"""Plausibility: every numeric field has a typical range; --strict refuses what warns;
results that cannot be right are flagged."""

from __future__ import annotations

import json
import typing

import pytest
from typer.testing import CliRunner

import sim
from cli import app
from sim.scenario._base import Section
from sim.scenario.plausibility import (
    KINDS,
    TYPICAL,
    outcome_warnings,
    plausibility_warnings,
    typical_range,
)
from sim.scenario.schema import Scenario

from .conftest import BASELINE

#: Numeric fields checked another way: an event's value against the path it changes.
_ELSEWHERE = {"events.*.value"}


def _sections(annotation: typing.Any) -> list[type[Section]]:
    if isinstance(annotation, type) and issubclass(annotation, Section):
        return [annotation]
    return [s for a in typing.get_args(annotation) for s in _sections(a)]


def _numeric(annotation: typing.Any) -> bool:
    if annotation in (int, float):
        return True
    return any(_numeric(a) for a in typing.get_args(annotation))


def _numeric_fields(model: type[Section], path: str = "") -> list[str]:
    out = []
    for name, field in model.model_fields.items():
        p = f"{path}.{name}" if path else name
        subs = _sections(field.annotation)
        many = typing.get_origin(field.annotation) in (list, dict) or any(
            typing.get_origin(a) in (list, dict) for a in typing.get_args(field.annotation)
        )
        if subs:
            for s in subs:
                out += _numeric_fields(s, f"{p}.*" if many else p)
        elif _numeric(field.annotation):
            out.append(p)
    return out


def test_every_numeric_field_has_a_typical_range_and_a_unit_kind():
    fields = _numeric_fields(Scenario)
    assert len(fields) > 100
    missing = [p for p in fields if p not in _ELSEWHERE and typical_range(p) is None]
    assert missing == []
    for path, t in TYPICAL.items():
        assert t.kind in KINDS, path
        assert t.low <= t.high, path
    # no range for a field the schema does not have
    assert sorted(set(TYPICAL) - set(fields)) == []


def test_the_baseline_is_typical_everywhere():
    assert plausibility_warnings(sim.load_scenario(BASELINE)) == []


def _invoke(*args: str) -> typing.Any:
    return CliRunner().invoke(app, list(args))


@pytest.mark.parametrize(
    "command",
    [
        *("validate", "show", "run", "compare", "sweep", "sensitivity", "calibrate", "design"),
        *("calibration-table", "predict"),
    ],
)
def test_strict_turns_a_warning_into_exit_2_with_nothing_written(command, tmp_path):
    out = tmp_path / "o"
    args = {
        "validate": [],
        "show": [],
        "run": ["--no-report", "--out", str(out)],
        "compare": [str(BASELINE), "-r", "2", "--no-report", "--out", str(out)],
        "sweep": ["--vary", "loan_pool.total=300bn,400bn", "--no-report", "--out", str(out)],
        "sensitivity": [
            *("--param", "loan_pool.total=300bn:400bn", "--param", "guarantee.coverage=0.5:0.9"),
            *("--output", "uptake_rate", "--out", str(out)),
        ],
        "calibrate": [
            *("--fit", "behaviour.apply_intercept=-2:0", "--out", str(out)),
            *("--targets", str(BASELINE.parent / "targets" / "shanghai_2024_example.yaml")),
        ],
        "calibration-table": ["--csv", str(out)],
        "predict": [
            *("--targets", str(BASELINE.parent / "targets" / "shanghai_2024_example.yaml")),
            *("--out", str(out)),
        ],
        "design": [
            *("--lever", "guarantee.capital=1bn:4bn", "--target", "mean uptake_rate >= 0.5"),
            *("--out", str(out)),
        ],
    }[command]
    r = _invoke(
        command,
        str(BASELINE),
        *args,
        "--set",
        "guarantee.fee_rate=0.65",
        "--set",
        "population.firms_n=300",
        "--strict",
    )
    assert r.exit_code == 2, r.output
    assert "--strict: 1 warning" in r.output or command == "compare"
    assert "guarantee.fee_rate=0.65 is 65 % a year" in r.output
    assert not out.exists()


def test_without_strict_the_same_slip_only_warns():
    r = _invoke("validate", str(BASELINE), "--set", "guarantee.fee_rate=0.65")
    assert r.exit_code == 0
    assert "warning: guarantee.fee_rate=0.65" in r.output


def test_strict_passes_a_typical_scenario(tmp_path):
    r = _invoke("validate", str(BASELINE), "--strict")
    assert r.exit_code == 0, r.output


def test_a_hard_pool_lending_more_than_it_holds_and_a_share_above_1_are_flagged():
    sc = sim.load_scenario(BASELINE, ["loan_pool.kind=hard", "loan_pool.total=1000bn"])
    notes = outcome_warnings({"disbursed_amount": 1.5e12, "approval_rate": 1.2}, sc)
    assert any("disbursed_amount=1,500,000,000,000 is more than the hard pool" in n for n in notes)
    assert any("approval_rate=1.2 is a share above 1" in n for n in notes)
    # a target pool may be passed: its used share is above 1 by design
    target = sim.load_scenario(BASELINE)
    assert outcome_warnings({"disbursed_amount": 1.5e12, "pool_used_share": 3.6}, target) == []


def test_a_negative_fiscal_cost_is_explained_not_refused(tmp_path):
    out = tmp_path / "o"
    r = _invoke(
        "run",
        str(BASELINE),
        "--set",
        "population.firms_n=300",
        "--set",
        "guarantee.fee_rate=0.65",
        "--no-report",
        "--out",
        str(out),
    )
    assert r.exit_code == 0, r.output
    notes = json.loads((out / "manifest.json").read_text())["warnings"]
    assert any(
        "fiscal_cost_amount=" in n and "is negative" in n and "Fees can exceed losses" in n
        for n in notes
    )
    assert "is negative: the guarantee fees" in r.output


def test_outreach_without_service_centres_is_flagged_as_reaching_no_firm():
    sc = sim.load_scenario(BASELINE, ["service_centres.centres_n=0"])
    warned = [w for w in plausibility_warnings(sc) if "reaches no firm" in w]
    assert len(warned) == 1 and "service_centres.centres_n" in warned[0]
    # with the centres, or without outreach, nothing to say
    assert not [w for w in plausibility_warnings(sim.load_scenario(BASELINE)) if "no firm" in w]
    sc = sim.load_scenario(
        BASELINE, ["service_centres.centres_n=0", "awareness.outreach_rate_day=0"]
    )
    assert not [w for w in plausibility_warnings(sc) if "no firm" in w]
