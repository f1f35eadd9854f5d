"""Hints in scenario errors ("e.g. --set ...") work when followed literally."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

import sim
from cli import app

from .conftest import BASELINE

HINT = re.compile(r"e\.g\. --set (\S+?)\)")


def _validate(sets: list[str]) -> tuple[int, str]:
    r = CliRunner().invoke(
        app, ["validate", str(BASELINE), *[a for s in sets for a in ("--set", s)]]
    )
    return r.exit_code, r.output


@pytest.mark.parametrize(
    "sets",
    [
        ["horizon.days=30"],  # no award round and no reallocation day left inside
        ["horizon.days=1"],
        ["horizon.days=300"],  # the first award round still fits
        ["horizon.days=700", "loan_pool.reallocation_day=null"],  # two rounds fit
        ["awards.round_days=[5,4000]"],
        ["horizon.days=365", "loan_pool.reallocation_day=400"],
    ],
)
def test_day_hints_followed_literally_validate(sets):
    code, out = _validate(sets)
    assert code == 2, out
    hints = dict.fromkeys(HINT.findall(out))  # each distinct hint once, in order
    assert hints, out
    code, out = _validate([*sets, *hints])
    assert code == 0, out


def test_round_day_hint_keeps_the_rounds_inside_the_horizon():
    code, out = _validate(["horizon.days=700", "loan_pool.reallocation_day=null"])
    assert code == 2
    assert set(HINT.findall(out)) == {"awards.round_days=[240,605]"}
    code, out = _validate(["horizon.days=30", "loan_pool.reallocation_day=null"])
    assert set(HINT.findall(out)) == {"awards.round_days=[]"}


@pytest.mark.parametrize(
    ("args", "near"),
    [
        (["validate", str(BASELINE), "--set", "guarantee.cap_per_frim=30m"], "'cap_per_firm'"),
        (["validate", str(BASELINE), "--set", "garantee.fee_rate=0.01"], "'guarantee'"),
        (
            ["validate", str(BASELINE), "--set", "population.tiers.srdii.share=0.5"],
            "'srdi'",
        ),
        (
            [
                "sensitivity",
                str(BASELINE),
                "--param",
                "guarantee.cap_per_firm=10m:30m",
                "--param",
                "demand.rollover_share=0.8:1",
                "--output",
                "disbursed_amont",
            ],
            "'disbursed_amount'",
        ),
        (
            [
                "design",
                str(BASELINE),
                "--lever",
                "guarantee.cap_per_firm=10m:30m",
                "--target",
                "P(pool_exhausted_dya <= 300) >= 0.5",
            ],
            "'pool_exhausted_day'",
        ),
    ],
)
def test_a_typo_in_an_option_gets_the_nearest_name(args, near, tmp_path):
    r = CliRunner().invoke(
        app, [*args, "--out", str(tmp_path / "o")] if args[0] != "validate" else args
    )
    assert r.exit_code == 2, r.output
    assert f"did you mean {near}?" in r.output
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("setting", "hint"),
    [
        ("guarantee.fee_rate=0.65", "did you mean 0.65 % (0.0065)?"),
        ("guarantee.cap_per_firm=30", "did you mean 30m?"),
        ("guarantee.market_fee_rate=0.15", "did you mean 0.15 % (0.0015)?"),
    ],
)
def test_a_unit_slip_passes_with_a_warning_naming_the_likely_slip(setting, hint):
    code, out = _validate([setting])
    assert code == 0
    path = setting.split("=")[0]
    assert f"warning: {path}=" in out and hint in out


def test_the_shipped_scenarios_raise_no_plausibility_warning():
    from sim.scenario.plausibility import plausibility_warnings

    from .conftest import SCENARIOS

    files = [*SCENARIOS.glob("*.yaml"), *SCENARIOS.glob("validation/*.yaml")]
    for path in [p for p in files if not p.stem.endswith("_targets")]:
        assert plausibility_warnings(sim.load_scenario(path)) == [], path


def test_a_runs_slip_warning_is_kept_in_its_manifest(tmp_path):
    import json

    r = CliRunner().invoke(
        app,
        [
            "run",
            str(BASELINE),
            "--set",
            "population.firms_n=500",
            "--set",
            "guarantee.fee_rate=0.65",
            "--no-report",
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert r.exit_code == 0, r.output
    notes = json.loads((tmp_path / "o" / "manifest.json").read_text())["warnings"]
    assert any("guarantee.fee_rate=0.65" in n and "0.0065" in n for n in notes)
