"""Live tuning (sim.tune): the widget's callbacks driven headless, as a notebook would."""

from __future__ import annotations

import shlex
import subprocess
import sys

import pytest

import sim
from sim.reporting.tuning import Lever

from .conftest import HARD_CAPS as BASELINE
from .conftest import ROOT, SMALL

pytest.importorskip("ipywidgets")

# the small baseline with pools that a small population can exhaust
POOL = ["loan_pool.total=5bn:600bn", "loan_pool.credit_sub_quota=1bn:200bn"]


def _sets(command: str) -> list[str]:
    """The values of the --set options of a command line, in order."""
    words = shlex.split(command)
    return [words[i + 1] for i, w in enumerate(words) if w == "--set"]


def _validate(command: str) -> subprocess.CompletedProcess[str]:
    """Run the command line's scenario and --set options through ``smesim validate``."""
    words = shlex.split(command)
    assert words[:2] == ["smesim", "run"]
    return subprocess.run(
        [sys.executable, "-m", "cli", "validate", *words[2:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def tuner():
    t = sim.tune(
        BASELINE,
        [*POOL, "guarantee.cap_per_firm=10m:50m", "behaviour.apply_intercept=-2:0"],
        overrides=SMALL,
        firms_n=1500,
        debounce=0,
    )
    yield t
    t.close()


def test_import_sim_does_not_import_ipywidgets():
    code = (
        "import sys, sim\n"
        "assert callable(sim.tune)\n"
        "assert 'ipywidgets' not in sys.modules, 'import sim imported ipywidgets'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_tuner_runs_once_on_construction(tuner):
    assert tuner.runs_n == 1 and tuner.error is None
    assert tuner.summary == tuner.start_summary
    assert tuner.summary["simulated_firms_n"] == 1500
    assert tuner.summary["scale"] == 2.0  # 1,500 firms stand for the 3,000 of the scenario
    assert tuner.overrides == {}
    assert _sets(tuner.command) == SMALL  # only the fixed overrides so far
    for img in tuner._images:
        assert bytes(img.value).startswith(b"\x89PNG")
    about = tuner._about.value
    assert "Seed 20241202" in about
    assert "1,500 simulated firms" in about and "firms_n=1,500" in about


def test_money_levers_are_shown_in_readable_units(tuner):
    cap = tuner.sliders["guarantee.cap_per_firm"]
    assert cap.description == "guarantee.cap_per_firm (m CNY)"
    assert (cap.min, cap.max, cap.value) == (10, 50, 30)
    total = tuner.sliders["loan_pool.total"]
    assert total.description == "loan_pool.total (bn CNY)" and total.value == 400
    assert tuner.sliders["behaviour.apply_intercept"].description == "behaviour.apply_intercept"
    assert cap.continuous_update is False  # runs on release, not while dragging


def test_smaller_pool_raises_refusals_and_the_set_line_validates(tuner):
    before = tuner.summary
    tuner.sliders["loan_pool.credit_sub_quota"].value = 5
    tuner.sliders["loan_pool.total"].value = 10
    after = tuner.summary
    assert tuner.runs_n == 3 and tuner.error is None
    assert after["refused_quota_n"] > before["refused_quota_n"]
    assert after["bank_quotas_exhausted_n"] > before["bank_quotas_exhausted_n"]
    assert after["unmet_demand_amount"] > before["unmet_demand_amount"]
    assert after["approved_n"] < before["approved_n"]
    # the --set line is exactly the fixed overrides and the moved levers
    assert tuner.overrides == {"loan_pool.credit_sub_quota": "5bn", "loan_pool.total": "10bn"}
    assert _sets(tuner.command) == [  # in the order of the levers
        *SMALL,
        "loan_pool.total=10bn",
        "loan_pool.credit_sub_quota=5bn",
    ]
    assert "--seed" not in tuner.command
    done = _validate(tuner.command)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "valid scenario" in done.stdout
    assert tuner.command in tuner._command.value.replace("&#x27;", "'")


def test_sample_command_reproduces_the_run_exactly(tuner):
    tuner.sliders["guarantee.cap_per_firm"].value = 42.5
    assert tuner.overrides == {"guarantee.cap_per_firm": "42.5m"}
    sets = _sets(tuner.sample_command)
    assert sets[-2:] == ["population.firms_n=1500", "population.scale=2.0"]
    again = sim.run(sim.load_scenario(BASELINE, sets), seed=tuner.seed)
    assert again.summary_values == tuner.summary
    assert again.scenario.guarantee.cap_per_firm == 42.5e6


def test_levers_move_figures_the_right_way(tuner):
    start = tuner.start_summary
    tuner.sliders["guarantee.cap_per_firm"].value = 50
    assert tuner.summary["guaranteed_amount"] > start["guaranteed_amount"]
    tuner.sliders["guarantee.cap_per_firm"].value = 30  # back to the start: no override
    assert tuner.overrides == {}
    assert tuner.summary == start  # the same seed: the same run
    tuner.sliders["behaviour.apply_intercept"].value = 0
    assert tuner.summary["applications_n"] > start["applications_n"]
    assert tuner.overrides == {"behaviour.apply_intercept": "0"}
    assert "+" in tuner._headline.value  # the change since the first run is shown


def test_bad_combination_shows_a_message_not_a_traceback(tuner):
    good = tuner.result
    old_images = [bytes(img.value) for img in tuner._images]
    tuner.sliders["loan_pool.total"].value = 100  # below the credit sub-quota of 200 bn
    assert tuner.error is not None
    assert "loan_pool.credit_sub_quota" in tuner.error
    assert "cannot run" in tuner._error.value and "credit_sub_quota" in tuner._error.value
    assert tuner.result is good  # the last good run stays on show
    assert [bytes(img.value) for img in tuner._images] == old_images
    tuner.sliders["loan_pool.total"].value = 300
    assert tuner.error is None and tuner._error.value == ""
    assert tuner.result is not good


def test_moves_during_the_debounce_make_one_run():
    t = sim.tune(BASELINE, ["guarantee.cap_per_firm=10m:50m", *POOL], overrides=SMALL, debounce=0.5)
    try:
        t.sliders["guarantee.cap_per_firm"].value = 40
        t.sliders["loan_pool.total"].value = 300
        timer = t._timer
        assert timer is not None and t.runs_n == 1  # nothing ran yet
        timer.join(timeout=300)
        assert t.runs_n == 2  # both moves, one run
        assert t.result.scenario.guarantee.cap_per_firm == 40e6
        assert t.result.scenario.loan_pool.total == 300e9
    finally:
        t.close()


def test_update_runs_now_and_cancels_the_scheduled_run():
    t = sim.tune(BASELINE, ["guarantee.cap_per_firm=10m:50m"], overrides=SMALL, debounce=30)
    try:
        t.sliders["guarantee.cap_per_firm"].value = 20
        timer = t._timer
        t.update()
        assert t.runs_n == 2 and t.result.scenario.guarantee.cap_per_firm == 20e6
        timer.join(timeout=5)
        assert not timer.is_alive() and t.runs_n == 2
    finally:
        t.close()


def test_seed_is_fixed_and_goes_into_the_command():
    t = sim.tune(BASELINE, ["guarantee.cap_per_firm=10m:50m"], overrides=SMALL, seed=7, debounce=0)
    try:
        assert t.result.meta["seed"] == 7
        assert t.command.endswith("--seed 7")
        assert "Seed 7" in t._about.value
    finally:
        t.close()


def test_integer_lever_and_value_texts(baseline):
    n = Lever.parse("service_centres.centres_n=0:40", baseline)
    assert n.range.integer and n.text(17.0) == "17"
    cap = Lever.parse("guarantee.cap_per_firm=10m:50m", baseline)
    assert (cap.money, cap.suffix, cap.step) == (True, "m", 0.5)
    assert cap.text(27.5) == "27.5m" and cap.text(30.0) == "30m"
    assert cap.value(cap.text(27.5)) == 27.5e6
    b = Lever.parse("behaviour.apply_intercept=-2:0", baseline)
    assert b.text(-1.2400000000000002) == "-1.24" and b.text(-0.0001) == "0"
    rate = Lever.parse("rates.lpr_1y=0.01:0.05", baseline)
    assert rate.text(0.0312) == "0.0312" and "e" not in rate.text(0.0004)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"levers": ["guarantee.cap_per_firm"]}, sim.ScenarioError, "path=lo:hi"),
        ({"levers": ["guarantee.no_such=1:2"]}, sim.ScenarioError, "no_such"),
        ({"levers": ["name=1:2"]}, sim.ScenarioError, "not a numeric field"),
        ({"levers": []}, ValueError, "at least one lever"),
        ({"firms_n": 10**9}, ValueError, "firms_n must be"),
        ({"firms_n": 1500.5}, ValueError, "whole number"),
        (
            {"levers": ["population.firms_n=100:3000"], "firms_n": 500},
            ValueError,
            "cannot be a lever",
        ),
    ],
)
def test_bad_tuner_arguments_are_refused(kwargs, error, match):
    args = {"levers": ["guarantee.cap_per_firm=10m:50m"], "overrides": SMALL, **kwargs}
    with pytest.raises(error, match=match):
        sim.tune(BASELINE, **args)


def test_a_field_outside_its_range_starts_at_the_bound_as_an_override():
    t = sim.tune(BASELINE, ["guarantee.cap_per_firm=40m:50m"], overrides=SMALL, debounce=0)
    try:
        assert t.sliders["guarantee.cap_per_firm"].value == 40  # the scenario's 30 m is below
        assert t.overrides == {"guarantee.cap_per_firm": "40m"}
        assert t.result.scenario.guarantee.cap_per_firm == 40e6  # the run is what is shown
    finally:
        t.close()
