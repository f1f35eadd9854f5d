"""Policy design: the target grammar, bisection and bounded search, the check, the command."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import sim
from cli import app
from sim.analysis.design import _threshold_answer, describe, design
from sim.analysis.design_targets import DesignError, parse_target
from sim.analysis.evaluation import parse_range

from .conftest import HARD_CAPS, SMALL, small_scenario

# four months of 600 firms drawing on one shared pool: a pool of a few bn runs out
TINY_POOL = [
    "population.firms_n=600",
    "horizon.days=120",
    "loan_pool.reallocation_day=null",
    "awards.round_days=[100]",
    "loan_pool.quota_mode=shared_pool",
    "loan_pool.credit_sub_quota=null",
]


def tiny_pool() -> sim.Scenario:
    return small_scenario(*TINY_POOL)


# ---------------------------------------------------------------- grammar


@pytest.mark.parametrize(
    ("text", "kind", "fields"),
    [
        ("P(pool_exhausted_day <= 364) <= 0.10", "probability",
         {"key": "pool_exhausted_day", "op": "<=", "threshold": 364.0, "prob_op": "<=", "prob": 0.1}),
        ("P( guarantee_exhausted_day < horizon ) <= 10%", "probability",
         {"threshold": "horizon", "op": "<", "prob": 0.1}),
        ("P(disbursed_amount >= 20bn) > 0.5", "probability", {"threshold": 2e10, "prob_op": ">"}),
        ("mean uptake_rate >= 0.5", "mean", {"key": "uptake_rate", "op": ">=", "threshold": 0.5}),
        ("uptake_rate>=50%", "mean", {"threshold": 0.5}),
        ("max borrower_firms_n / fiscal_cost_amount", "optimum",
         {"sense": "max", "key": "borrower_firms_n", "denominator": "fiscal_cost_amount"}),
        ("min fiscal_cost_amount", "optimum", {"sense": "min", "denominator": None}),
    ],
)  # fmt: skip
def test_targets_parse(text, kind, fields):
    t = parse_target(text)
    assert t.kind == kind
    for k, v in fields.items():
        assert getattr(t, k) == v


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("pool runs out", "does not parse"),
        ("P(pool_exhausted_day <= 364)", "does not parse"),
        ("P(pool_exhausted_day <= 364) <= 1.5", "probability must lie in 0..1"),
        ("P(pool_day <= 364) <= 0.1", "not a numeric figure"),
        ("mean uptake_rate >= lots", "is not a number"),
        ("max scenario", "not a numeric figure"),
        ("max uptake_rate / nothing", "not a numeric figure"),
    ],
)
def test_bad_targets_say_what_is_wrong_and_show_the_grammar(text, words):
    with pytest.raises(DesignError, match=words) as info:
        parse_target(text)
    if "does not parse" in words or "not a number" in words:
        assert "target :=" in str(info.value)


def test_threshold_answer_takes_the_end_of_the_run_meeting_the_target():
    v = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    assert _threshold_answer(v, np.array([False, False, True, True, True]), "min") == 3.0
    # a value meeting the target below one that fails does not count for "min"
    assert _threshold_answer(v, np.array([True, False, True, True, True]), "min") == 3.0
    assert _threshold_answer(v, np.array([True, True, False, False, False]), "max") == 2.0
    assert _threshold_answer(v, np.array([False] * 5), "min") is None


# ---------------------------------------------------------------- search


def test_bisection_finds_the_smallest_pool_and_the_check_confirms_it():
    sc = tiny_pool()
    lever = parse_range("loan_pool.total=0.2bn:6bn", sc, option="--lever")
    res = design(
        sc, lever, "P(pool_exhausted_day <= 119) <= 0.25", replications=4, tol=0.02, processes=1
    )
    assert res.status == "found"
    a, b = res.bracket
    assert res.value == b and (b - a) <= 0.02 * (lever.hi - lever.lo) + 1e-6
    cur = res.curve.set_index("value")
    assert cur.loc[res.value, "figure"] <= 0.25 and cur.loc[a, "figure"] > 0.25
    # a bigger pool never runs out more often (common random numbers)
    assert (np.diff(res.curve["figure"].to_numpy()) <= 1e-12).all()
    lo, hi = res.interval
    assert lo <= res.value <= hi
    c = res.check
    assert c["replications"] == 4 and c["first_replication"] == 4
    assert 0 <= c["low"] <= c["figure"] <= c["high"] <= 1
    assert c["in_sample_figure"] == cur.loc[res.value, "figure"]
    text = "\n".join(describe(res))
    assert "smallest loan_pool.total" in text and "fresh replications" in text
    # the largest pool that still runs out in most runs: seek max on the opposite target
    res2 = design(
        sc, lever, "P(pool_exhausted_day <= 119) >= 0.75", replications=4, tol=0.02,
        seek="max", check_replications=3, processes=1,
    )  # fmt: skip
    assert res2.status == "found" and res2.value < res.value
    # the check's replications follow the search's, whatever their number
    assert res2.check["replications"] == 3 and res2.check["first_replication"] == 4


def test_targets_met_at_a_bound_or_nowhere_are_reported():
    sc = tiny_pool()
    big = parse_range("loan_pool.total=50bn:60bn", sc, option="--lever")
    res = design(sc, big, "P(pool_exhausted_day <= 119) <= 0.25", replications=2, processes=1)
    assert res.status == "met_at_bound" and res.value == 50e9
    small = parse_range("loan_pool.total=0.1bn:0.2bn", sc, option="--lever")
    res = design(sc, small, "P(pool_exhausted_day <= 119) <= 0.25", replications=2, processes=1)
    assert res.status == "not_met" and res.value is None and res.check == {}
    assert "NOT met" in "\n".join(describe(res))


def test_optimum_on_a_grid_then_refined():
    sc = small_scenario(*TINY_POOL, "loan_pool.quota_mode=bank_quotas", "loan_pool.total=400bn")
    lever = parse_range("behaviour.apply_intercept=-2:0", sc, option="--lever")
    res = design(sc, lever, "max approved_n", replications=2, grid=3, tol=0.05, processes=1)
    # more firms apply when the intercept is higher: the best value is the upper bound
    assert res.status == "optimum_at_bound" and res.value == 0.0
    assert set(res.curve["stage"]) <= {"grid", "refine"}
    ratio = design(
        sc, lever, "max approved_n / applications_n", replications=2, grid=3, tol=0.1, processes=1
    )
    assert ratio.status in {"optimum", "optimum_at_bound"}
    assert ratio.check["low"] <= ratio.check["figure"] <= ratio.check["high"]
    assert 0 < ratio.check["figure"] <= 1


def test_mean_target_bisection():
    sc = small_scenario(*TINY_POOL, "loan_pool.quota_mode=bank_quotas", "loan_pool.total=400bn")
    lever = parse_range("behaviour.apply_intercept=-3:1", sc, option="--lever")
    probe = design(sc, lever, "max uptake_rate", replications=2, grid=3, processes=1)
    mid = float(probe.curve["figure"].median())
    res = design(sc, lever, f"mean uptake_rate >= {mid:.4f}", replications=2, tol=0.05, processes=1)
    assert res.status == "found"
    assert res.curve.set_index("value").loc[res.value, "figure"] >= round(mid, 4)


# ---------------------------------------------------------------- command


def _sets(*extra: str) -> list[str]:
    return [a for s in [*SMALL, *TINY_POOL, *extra] for a in ("--set", s)]


def test_design_command_writes_report_and_prints_the_check(tmp_path):
    out = tmp_path / "d"
    r = CliRunner().invoke(
        app,
        ["design", str(HARD_CAPS), *_sets(), "--lever", "loan_pool.total=0.2bn:6bn",
         "--target", "P(pool_exhausted_day <= 119) <= 0.5", "-r", "2", "--tol", "0.05",
         "-p", "1", "--out", str(out)],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "Answer:" in r.output and "Check at" in r.output
    for name in ["report.pdf", "figures/design.png", "design.json", "tables/curve.csv",
                 "tables/runs.csv"]:  # fmt: skip
        assert (out / name).is_file(), name
    d = json.loads((out / "design.json").read_text())
    assert d["status"] == "found" and d["check"]["replications"] == 2
    assert len(pd.read_csv(out / "tables" / "curve.csv")) == d["points_n"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--lever", "loan_pool.total=1bn:2bn", "--target", "pool runs out"], "does not parse"),
        (["--lever", "loan_pool.total=2bn:1bn", "--target", "max approved_n"], "lower bound"),
        (["--lever", "loan_pool.totl=1bn:2bn", "--target", "max approved_n"], "totl"),
        (["--lever", "loan_pool.total=1bn:2bn", "--target", "max approved_n", "--seek", "mid"],
         "--seek"),
    ],
)  # fmt: skip
def test_design_input_errors_exit_2_and_write_nothing(tmp_path, args, words):
    out = tmp_path / "d"
    r = CliRunner().invoke(app, ["design", str(HARD_CAPS), *_sets(), *args, "--out", str(out)])
    assert r.exit_code == 2, r.output
    assert words in r.output
    assert not out.exists()
