"""Sensitivity analysis: parameter ranges, SALib designs and indices, the command."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import sim
from cli import app
from sim.analysis.evaluation import AnalysisError, evaluate_points, numeric_outputs, parse_range
from sim.analysis.sensitivity import analyse, run_sensitivity, sample_unit

from .conftest import BASELINE, SMALL, small_scenario

# a tiny version of the baseline: a few hundred firms over four months
TINY = [
    "population.firms_n=600",
    "horizon.days=120",
    "loan_pool.reallocation_day=60",
    "awards.round_days=[100]",
]


def tiny(*extra: str) -> sim.Scenario:
    return small_scenario(*TINY, *extra)


def _sets(*extra: str) -> list[str]:
    out = []
    for s in [*SMALL, *TINY, *extra]:
        out += ["--set", s]
    return out


# ---------------------------------------------------------------- parameter ranges


def test_parse_range_money_and_integer_fields():
    sc = small_scenario()
    p = parse_range("guarantee.cap_per_firm=10m:40m", sc)
    assert (p.path, p.lo, p.hi, p.integer) == ("guarantee.cap_per_firm", 1e7, 4e7, False)
    q = parse_range("banks.lenders.0.officers=2:10", sc)
    assert q.integer and q.value(0.49) == 6 and isinstance(q.value(0.49), int)
    assert p.to_unit(p.value(0.25)) == pytest.approx(0.25)
    assert parse_range("behaviour.apply_intercept=-2:0.5", sc).lo == -2.0


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("behaviour.apply_intercept", "path=lo:hi"),
        ("behaviour.apply_intercept=1", "path=lo:hi"),
        ("behaviour.apply_intercept=1:0", "lower bound"),
        ("behaviour.apply_intercept=a:b", "expected an amount"),
        ("behaviour.no_such_field=0:1", "no_such_field"),
        ("name=0:1", "not a numeric field"),
        ("behaviour.retry_probability=0:2", "the bound 2 is not allowed"),
        # a bound that clashes with another field names that field
        ("loan_pool.total=0.2bn:6bn", "0.2bn is not allowed with loan_pool.credit_sub_quota"),
    ],
)
def test_parse_range_errors_name_the_problem(text, words):
    with pytest.raises(sim.ScenarioError, match=words):
        parse_range(text, small_scenario())


# ---------------------------------------------------------------- designs and indices


def test_designs_have_the_documented_sizes():
    sc = small_scenario()
    params = tuple(
        parse_range(t, sc)
        for t in [
            "behaviour.apply_intercept=-2:0",
            "banks.appetite_noise_sd=0:1",
            "loan_pool.total=200bn:400bn",
        ]
    )
    x = sample_unit(params, "sobol", 16, seed=1)
    assert x.shape == (16 * (3 + 2), 3) and x.min() >= 0 and x.max() <= 1
    m = sample_unit(params, "morris", 5, seed=1, levels=4)
    assert m.shape == (5 * (3 + 1), 3)
    with pytest.raises(AnalysisError, match="power of 2"):
        sample_unit(params, "sobol", 12, seed=1)


def test_sobol_indices_of_a_known_function():
    # y = 2a + b with a, b uniform: Var = 4/12 + 1/12, so S1 = ST = 0.8 and 0.2; c is inert
    sc = small_scenario()
    params = tuple(
        parse_range(t, sc)
        for t in [
            "behaviour.apply_intercept=0:1",
            "banks.appetite_noise_sd=0:1",
            "rates.lpr_1y=0:1",
        ]
    )
    x = sample_unit(params, "sobol", 1024, seed=3)
    y = 2 * x[:, 0] + x[:, 1]
    idx = analyse(params, "sobol", x, y, seed=3).set_index("parameter")
    assert idx["S1"].to_numpy() == pytest.approx([0.8, 0.2, 0.0], abs=0.05)
    assert idx["ST"].to_numpy() == pytest.approx([0.8, 0.2, 0.0], abs=0.05)
    assert (idx["S1_conf"].iloc[:2] > 0).all()
    # Morris: mu* is the effect of a step of the grid, in the output's unit
    xm = sample_unit(params, "morris", 20, seed=3, levels=4)
    ym = 2 * xm[:, 0] + xm[:, 1]
    mo = analyse(params, "morris", xm, ym, seed=3, levels=4).set_index("parameter")
    assert mo["mu_star"].to_numpy() == pytest.approx([2.0, 1.0, 0.0], abs=1e-9)
    assert mo["sigma"].to_numpy() == pytest.approx([0.0, 0.0, 0.0], abs=1e-9)


# ---------------------------------------------------------------- model runs


def test_evaluate_points_uses_common_random_numbers():
    sc = tiny()
    runs = evaluate_points(sc, [{}, {"behaviour.apply_intercept": -1.0}, {}], 2, processes=1)
    assert list(runs["point"]) == [0, 0, 1, 1, 2, 2]
    assert list(runs["replication"]) == [0, 1, 0, 1, 0, 1]
    # the same point and replication gives the same run; replications differ
    a, b = runs[runs["point"] == 0], runs[runs["point"] == 2]
    assert list(a["approved_n"]) == list(b["approved_n"])
    assert a["disbursed_amount"].iloc[0] != a["disbursed_amount"].iloc[1]
    # replication i is child i of SeedSequence(seed): identical to sim.run with it
    child = np.random.SeedSequence(sc.seed).spawn(2)[1]
    assert sim.run(sc, seed_sequence=child).summary_dict()["approved_n"] == a["approved_n"].iloc[1]


def test_days_not_reached_count_as_the_horizon():
    runs = pd.DataFrame({"pool_exhausted_day": [10.0, np.nan], "horizon_days": [120, 120]})
    assert list(numeric_outputs(runs, "pool_exhausted_day")) == [10.0, 120.0]


def test_sensitivity_on_the_model_ranks_the_pool_first_for_its_exhaustion():
    # demand as dense as the baseline's before it had existing loans (one new need a firm
    # a year, no renewals): quotas of these few hundred firms run out at days that vary
    sc = tiny(
        "loan_pool.credit_sub_quota=null",
        "demand.needs_per_firm_year=1",
        "demand.existing_loans_share=0",
        "demand.monthly_weights=null",
    )
    params = [
        parse_range("loan_pool.total=0.5bn:4bn", sc),
        parse_range("banks.appetite_noise_sd=0.3:0.6", sc),
    ]
    res = run_sensitivity(
        sc, params, ["first_bank_quota_exhausted_day", "uptake_rate"], samples=8, processes=1
    )
    assert res.meta["runs_n"] == 8 * 4
    assert set(res.indices.columns) == {"output", "parameter", "S1", "S1_conf", "ST", "ST_conf"}
    day = res.indices[res.indices["output"] == "first_bank_quota_exhausted_day"]
    day = day.set_index("parameter")
    assert day.loc["loan_pool.total", "ST"] > day.loc["banks.appetite_noise_sd", "ST"]
    assert 0 <= res.censored["first_bank_quota_exhausted_day"] <= 1
    assert len(res.samples) == 32 and "uptake_rate" in res.samples


def test_an_interrupted_analysis_resumes_from_its_task_store(tmp_path):
    sc = tiny()
    params = [
        parse_range("behaviour.apply_intercept=-2:0", sc),
        parse_range("banks.appetite_noise_sd=0.1:1", sc),
    ]
    store = tmp_path / "s.tasks"
    kw = {"method": "morris", "samples": 2, "processes": 1, "store": store}
    first = run_sensitivity(sc, params, ["uptake_rate"], **kw)
    assert len(list((store / "tasks").glob("*.parquet"))) == first.meta["runs_n"]
    # drop one finished run as if it had been in flight when interrupted
    next((store / "tasks").glob("*.parquet")).unlink()
    again = run_sensitivity(sc, params, ["uptake_rate"], resume=True, **kw)
    pd.testing.assert_frame_equal(first.indices, again.indices)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--output", "no_such_key"], "not a numeric summary figure"),
        (["--output", "scenario"], "not a numeric summary figure"),
        (["--output", "uptake_rate", "--method", "fast"], "--method"),
        (["--output", "uptake_rate", "--samples", "6"], "power of 2"),
    ],
)
def test_sensitivity_request_errors_exit_2(tmp_path, args, message):
    out = tmp_path / "s"
    r = CliRunner().invoke(
        app,
        [
            "sensitivity", str(BASELINE), *_sets(),
            "--param", "behaviour.apply_intercept=-2:0",
            "--param", "banks.appetite_noise_sd=0.1:1",
            *args, "--out", str(out), "-p", "1",
        ],
    )  # fmt: skip
    assert r.exit_code == 2, r.output
    assert message in r.output
    assert not out.exists() and not list(tmp_path.iterdir())


def test_sensitivity_command_writes_report_and_tables(tmp_path):
    out = tmp_path / "sens"
    r = CliRunner().invoke(
        app,
        [
            "sensitivity", str(BASELINE), *_sets(),
            "--param", "behaviour.apply_intercept=-2:0",
            "--param", "banks.appetite_noise_sd=0.1:1",
            "--output", "uptake_rate", "--output", "pool_exhausted_day",
            "--method", "morris", "--samples", "2", "--out", str(out), "-p", "1",
        ],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "mu_star" in r.output and "counted as 120 days" in r.output
    assert "WARNING: Morris with only 2 trajectories" in r.output  # fewer than 10
    for name in [
        "report.pdf",
        "figures/cover.png",
        "figures/morris_uptake_rate.png",
        "figures/morris_pool_exhausted_day.png",
        "tables/indices.csv",
        "tables/samples.csv",
        "tables/runs.csv",
        "manifest.json",
    ]:
        assert (out / name).is_file(), name
    idx = pd.read_csv(out / "tables" / "indices.csv")
    assert {"mu_star", "mu_star_conf", "sigma"} <= set(idx.columns)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["runs_n"] == 2 * 3
    assert not (tmp_path / "sens.tasks").exists()
