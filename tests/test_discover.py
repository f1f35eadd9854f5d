"""Scenario discovery: a box found where it was put, the condition parser, the command."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.analysis.discover import choose_box, find_boxes, parse_condition
from sim.errors import AnalysisError

from .conftest import BASELINE, SCENARIOS
from .test_cli import invoke

TINY = SCENARIOS / "example_national_pool.yaml"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def baseline_sc() -> sim.Scenario:
    return sim.load_scenario(BASELINE)


# ------------------------------------------------------------------ the box by construction


def test_the_chosen_box_restricts_exactly_the_two_inputs_of_a_box_made_by_construction():
    # five independent inputs; a case is a run with b above 0.6 and d below 0.35, nothing
    # else matters: the failure region is a box in two of the five dimensions
    rng = np.random.default_rng(2024)
    x = pd.DataFrame(rng.uniform(size=(500, 5)), columns=["a", "b", "c", "d", "e"])
    y = ((x["b"] > 0.6) & (x["d"] < 0.35)).to_numpy()
    boxes = find_boxes(x, y, ranges=dict.fromkeys(x.columns, (0.0, 1.0)))
    assert sorted(boxes.restricted) == ["b", "d"]
    st = boxes.stats
    assert st["coverage"] >= 0.8 and st["density"] >= 0.8
    assert st["restricted_n"] == 2
    lims = boxes.box.set_index("parameter")
    assert lims.at["b", "box_lo"] == pytest.approx(0.6, abs=0.05)
    assert lims.at["d", "box_hi"] == pytest.approx(0.35, abs=0.05)
    assert lims.at["b", "box_hi"] == 1.0 and lims.at["d", "box_lo"] == 0.0  # full bounds
    assert lims.at["b", "qp_lo"] < 0.01 and lims.at["d", "qp_hi"] < 0.01
    assert np.isnan(lims.at["b", "qp_hi"]) and not lims.loc[["a", "c", "e"], "restricted"].any()
    # both limits are significant: the simplified box is the box
    sig = boxes.significant
    assert sig["dropped"] == [] and sorted(sig["restricted"]) == ["b", "d"]
    assert (sig["coverage"], sig["density"]) == pytest.approx((st["coverage"], st["density"]))
    # the trajectory starts with the whole space and ends in the box
    t = boxes.trajectory
    assert t.iloc[0][["coverage", "mass"]].tolist() == [1.0, 1.0]
    assert t["chosen"].sum() == 1 and bool(t.iloc[boxes.chosen]["chosen"])
    # CART's densest leaf is the same box, in words
    top = boxes.leaves.iloc[0]
    assert top["density"] >= 0.8 and "b > " in top["rule"] and "d <= " in top["rule"]
    assert set(top["rule"].replace(" and ", " ").split()) & {"a", "c", "e"} == set()
    assert "class: flag=1" in boxes.tree_text


def test_choose_box_rules():
    t = pd.DataFrame(
        {
            "coverage": [1.0, 0.95, 0.85, 0.7, 0.5],
            "density": [0.2, 0.4, 0.6, 0.8, 0.9],
            "restricted_n": [0, 1, 2, 2, 3],
        }
    )
    assert choose_box(t) == (2, {"min_coverage": 0.8})
    assert choose_box(t, min_coverage=0.6)[0] == 3
    assert choose_box(t, threshold=0.75) == (3, {"threshold": 0.75, "met": True})
    i, rule = choose_box(t, threshold=0.95)
    assert i == 2 and rule == {"min_coverage": 0.8, "threshold": 0.95, "met": False}


def test_no_case_of_interest_is_a_request_error():
    x = pd.DataFrame({"a": [0.1, 0.2, 0.3], "b": [1.0, 2.0, 3.0]})
    with pytest.raises(AnalysisError, match="no run meets the condition"):
        find_boxes(x, [False, False, False])
    with pytest.raises(AnalysisError, match="every run meets"):
        find_boxes(x, [True, True, True])


# ------------------------------------------------------------------ the condition


@pytest.mark.parametrize(
    ("text", "key", "op", "value"),
    [
        ("programme_new_amount < 100bn", "programme_new_amount", "<", 1e11),
        ("programme_new_amount>=1000亿", "programme_new_amount", ">=", 1e11),
        ("approval_rate < 5%", "approval_rate", "<", 0.05),
        ("approval_rate != 0.5", "approval_rate", "!=", 0.5),
        ("pool_exhausted_day <= 365", "pool_exhausted_day", "<=", 365.0),
        # the baseline starts on 2024-12-02: the last day of 2025 is day 394
        (
            "credit_sub_quota_target_reached_day > 2025-12-31",
            "credit_sub_quota_target_reached_day",
            ">",
            394.0,
        ),
        ("pool_exhausted_day == 2024-12-2", "pool_exhausted_day", "==", 0.0),
    ],
)
def test_conditions_read_amounts_percentages_and_dates(baseline_sc, text, key, op, value):
    c = parse_condition(text, baseline_sc)
    assert (c.key, c.op) == (key, op)
    assert c.value == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("pool_exhausted_dya < 365", "did you mean 'pool_exhausted_day'"),
        ("pool_exhausted_day 365", "KEY OP VALUE"),
        ("pool_exhausted_day => 365", "KEY OP VALUE"),
        ("", "KEY OP VALUE"),
        ("approval_rate < 2025-12-31", "a date compares only with a day"),
        ("pool_exhausted_day < 2025-13-01", "is not a date"),
        ("programme_new_amount < 100 bananas", "expected a number, an amount"),
        ("scenario == x", "not a numeric summary figure"),
    ],
)
def test_bad_conditions_name_the_problem(baseline_sc, text, words):
    with pytest.raises(AnalysisError, match="condition") as err:
        parse_condition(text, baseline_sc)
    assert words in str(err.value)


def test_a_day_that_never_came_reads_as_after_the_horizon(baseline_sc):
    runs = pd.DataFrame(
        {
            "horizon_days": [1095, 1095, 1095],
            "credit_sub_quota_target_reached_day": [200.0, None, 500.0],
            "approval_rate": [0.5, np.nan, 0.9],
        }
    )
    late = parse_condition("credit_sub_quota_target_reached_day > 2025-12-31", baseline_sc)
    assert late.values(runs).tolist() == [200.0, 1095.0, 500.0]
    assert late.flags(runs).tolist() == [False, True, True]
    # an undefined figure meets no condition, not even !=
    assert parse_condition("approval_rate != 0.7", baseline_sc).flags(runs).tolist() == [
        True,
        False,
        True,
    ]
    with pytest.raises(AnalysisError, match="runs hold no 'pool_exhausted_day'"):
        parse_condition("pool_exhausted_day < 9", baseline_sc).flags(runs)


# ------------------------------------------------------------------ the command

_TINY_ARGS = [
    "discover",
    str(TINY),
    "--set",
    "population.firms_n=400",
    "--range",
    "loan_pool.total=1bn:8bn",
    "--range",
    "demand.needs_per_firm_year=0.1:0.6",
    "--range",
    "awareness.initial_share=0.2:0.9",
]


@pytest.mark.parametrize(
    ("where", "words"),
    [
        ("pool_exhausted_dya < 2020-10-01", "did you mean 'pool_exhausted_day'"),
        ("pool_exhausted_day ~ 9", "--where 'pool_exhausted_day ~ 9': expected KEY OP VALUE"),
        ("approval_rate < 2020-10-01", "a date compares only with a day"),
    ],
)
def test_bad_where_exits_2_naming_it_and_writes_nothing(tmp_path, where, words):
    out = tmp_path / "d"
    r = invoke(*_TINY_ARGS, "--sample", "4", "--where", where, "-o", str(out))
    assert r.returncode == 2, r.stderr
    assert words in r.stderr
    assert not out.exists() and not (tmp_path / "d.tasks").exists()


def test_missing_extra_exits_2_with_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ema_workbench", None)  # import fails
    monkeypatch.setitem(sys.modules, "ema_workbench.analysis", None)
    out = tmp_path / "d"
    r = invoke(*_TINY_ARGS, "--sample", "4", "--where", "approval_rate < 90%", "-o", str(out))
    assert r.returncode == 2, r.stderr
    assert "pip install 'smesim[discover]'" in r.stderr
    assert not out.exists()
    with pytest.raises(AnalysisError, match="discover"):
        find_boxes(pd.DataFrame({"a": [0.0, 1.0]}), [True, False])


def test_discover_command_writes_tables_json_and_report(tmp_path):
    out = tmp_path / "d"
    r = invoke(
        *_TINY_ARGS,
        "--sample",
        "16",
        "--where",
        "pool_exhausted_day < 2020-12-31",
        "-p",
        "1",
        "-o",
        str(out),
    )
    assert r.returncode == 0, r.stderr
    assert "runs meet pool_exhausted_day < 2020-12-31" in r.stdout
    for name in [
        "report.pdf",
        "discovery.json",
        "manifest.json",
        "scenario.yaml",
        "tables/runs.csv",
        "tables/peeling.csv",
        "tables/box.csv",
        "tables/cart_leaves.csv",
        "tables/tree.txt",
        "figures/tradeoff.png",
        "figures/box.png",
        "figures/tree.png",
    ]:
        assert (out / name).is_file(), name
    assert not (tmp_path / "d.tasks").exists()  # the task store goes once the output is in place
    d = json.loads((out / "discovery.json").read_text())
    runs = pd.read_csv(out / "tables" / "runs.csv")
    assert len(runs) == d["runs_n"] == 16
    # the horizon starts on 2020-04-01: the end of 2020 is day 274; a pool that lasted is day 365
    assert d["condition"]["value"] == 274
    assert (runs["flag"] == (runs["outcome"] < 274)).all()
    assert runs["outcome"].max() <= 365
    assert d["cases_n"] == int(runs["flag"].sum())
    chosen = d["chosen_box"]
    assert 0 <= chosen["coverage"] <= 1 and 0 <= chosen["density"] <= 1
    assert {r["parameter"] for r in chosen["limits"]} == {
        "loan_pool.total",
        "demand.needs_per_firm_year",
        "awareness.initial_share",
    }
    # a smaller pool runs out sooner: the box, if restricted there, keeps its low end
    limits = {r["parameter"]: r for r in chosen["limits"]}
    if limits["loan_pool.total"]["restricted"]:
        assert limits["loan_pool.total"]["box_lo"] == 1e9


def test_bad_settings_exit_2_before_any_run(tmp_path):
    out = tmp_path / "d"
    r = invoke(
        *_TINY_ARGS,
        "--sample",
        "4",
        "--where",
        "approval_rate < 90%",
        "--threshold",
        "0",
        "-o",
        str(out),
    )
    assert r.returncode == 2, r.stderr
    assert "density threshold must be in (0, 1]" in r.stderr
    assert not out.exists() and not (tmp_path / "d.tasks").exists()


def test_chinese_report_and_summary_with_warnings_as_errors(tmp_path):
    # a user's process: -W error, so a warning of the analysis libraries would end it
    out = tmp_path / "zh"
    r = subprocess.run(
        [sys.executable, "-W", "error", "-m", "cli", *_TINY_ARGS, "--sample", "12", "-p", "1"]
        + ["--where", "pool_exhausted_day < 2020-12-31", "--lang", "zh", "-o", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr
    assert "Warning" not in r.stderr, r.stderr
    last = r.stdout.strip().splitlines()[-1]
    assert "已写入" in last and "用时" in last, r.stdout
    assert "wrote" not in r.stdout
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(out / "report.pdf"), "-"], capture_output=True, text=True
        ).stdout
        assert "的情景发现" in text and "覆盖率" in text
        assert "Scenario discovery" not in text and "coverage" not in text


def test_unknown_language_exits_2_before_any_work(tmp_path):
    r = invoke(*_TINY_ARGS, "--sample", "4", "--where", "approval_rate < 90%", "--lang", "xx")
    assert r.returncode == 2 and "--lang" in r.stderr


def test_the_simplified_box_keeps_only_significant_limits_side_by_side():
    from sim.analysis.discover import _significant_box

    x = pd.DataFrame({"a": [0.1, 0.4, 0.6, 0.9], "b": [0.9, 0.2, 0.5, 0.7]})
    y = np.array([False, True, True, False])
    box = pd.DataFrame(
        {
            "parameter": ["a", "b"],
            "lo": [0.0, 0.0],
            "hi": [1.0, 1.0],
            "box_lo": [0.3, 0.1],
            "box_hi": [0.7, 0.8],
            "restricted": [True, True],
            "qp_lo": [0.01, 0.4],  # a's lower limit is significant, b's is not
            "qp_hi": [0.3, np.nan],  # a's upper limit is not
        }
    )
    sig = _significant_box(x, y, box)
    assert sig["restricted"] == ["a"] and sig["dropped"] == ["b"]
    # only a >= 0.3 is kept: three runs inside, two of them cases
    assert (sig["mass"], sig["coverage"], sig["density"]) == pytest.approx((0.75, 1.0, 2 / 3))
