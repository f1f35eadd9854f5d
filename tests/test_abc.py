"""Bayesian calibration (ABC-SMC) and posterior-predictive bands (docs/validation.md, 4).

The coverage of the credible intervals over 20 synthetic data sets is measured by
``scenarios/validation/abc_coverage.py`` (half an hour); here, one synthetic data set on
a small sample checks the mechanics and that the posterior learns from the data.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest
import yaml

import sim
from sim.analysis.abc import (
    calibrate_abc,
    draw_posterior,
    read_posterior,
    weighted_quantile,
)
from sim.analysis.evaluation import parse_range
from sim.analysis.targets import Targets, TargetsError, observations, simulated
from sim.errors import AnalysisError
from sim.experiments.tasks import Task, run_task
from sim.scenario import scenario_to_dict

from .conftest import SCENARIOS


def run_cli(args: list[str]):
    """The command in this process: exit code and the text of stdout and stderr."""
    from typer.testing import CliRunner

    import cli

    res = CliRunner().invoke(cli.app, args)
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        raise res.exception
    res.output_all = res.stdout + res.stderr
    return res


PBOC = SCENARIOS / "validation" / "pboc_2020.yaml"
SMALL = ["population.firms_n=300", "population.scale=33"]
PATH = "awareness.outreach_rate_day"
TRUTH = 0.02


def _synthetic(sc) -> Targets:
    """Days 42 and 60 of one run at the true outreach rate, on a seed ABC never uses."""
    spec = {
        "name": "synthetic",
        "illustrative": True,
        "cumulative": [
            {"of": of, "points": [{"day": 42, "value": 1}, {"day": 60, "value": 1}]}
            for of in ("disbursed_amount", "approved_n")
        ],
    }
    run = run_task(
        Task(
            scenario_to_dict(sc),
            overrides={PATH: TRUTH},
            replication=10**7,
            seed=sc.seed,
            series=True,
        )
    )
    values = simulated(pd.DataFrame([run]), observations(Targets.model_validate(spec)))[0]
    it = iter(values)
    for c in spec["cumulative"]:
        for p in c["points"]:
            p["value"] = float(next(it))
    return Targets.model_validate(spec)


@pytest.fixture(scope="module")
def posterior():
    pytest.importorskip("pyabc")
    sc = sim.load_scenario(PBOC, SMALL)
    tg = _synthetic(sc)
    prm = parse_range(f"{PATH}=0.005:0.1", sc)
    return calibrate_abc(sc, tg, [prm], population_size=24, generations=3, seed=1, processes=1)


def test_weighted_quantiles_are_those_of_the_repeated_samples():
    x = np.array([3.0, 1.0, 2.0])
    w = np.array([1.0, 1.0, 2.0])
    # equivalent to the samples 1, 2, 2, 3
    assert weighted_quantile(x, w, 0.5)[0] == pytest.approx(2.0)
    assert weighted_quantile(x, w, [0.0, 1.0]).tolist() == [1.0, 3.0]


def test_the_posterior_learns_the_true_value_and_narrows_the_prior(posterior):
    iv = posterior.intervals.set_index("parameter").loc[PATH]
    # the prior is uniform on 0.005..0.1 (sd 0.027): the data pin the rate down
    assert iv["sd"] < 0.5 * (0.1 - 0.005) / np.sqrt(12)
    assert iv["q05"] <= TRUTH <= iv["q95"]
    assert 0.005 <= iv["q05"] < iv["median"] < iv["q95"] <= 0.1
    assert posterior.samples["weight"].sum() == pytest.approx(1.0)
    # thresholds fall generation by generation; each generation holds its particles
    eps = posterior.schedule["epsilon"].to_numpy()
    assert np.all(np.diff(eps) < 0)
    assert (posterior.schedule["particles"] == 24).all()
    # the written scenario takes the posterior median
    assert posterior.median_scenario.awareness.outreach_rate_day == pytest.approx(iv["median"])
    t = posterior.table
    assert set(t["key"]) == {"disbursed_amount", "approved_n"}
    assert (t["p05"] <= t["mean"]).all() and (t["mean"] <= t["p95"]).all()


def test_posterior_draws_follow_the_weights_and_are_reproducible():
    s = pd.DataFrame({PATH: [0.01, 0.02, 0.03], "weight": [0.0, 0.25, 0.75]})
    a = draw_posterior(s, 400, seed=7)
    assert a == draw_posterior(s, 400, seed=7)
    v = np.array([d[PATH] for d in a])
    assert 0.01 not in v
    assert np.mean(v == 0.03) == pytest.approx(0.75, abs=0.07)


def test_priors_are_validated_and_must_belong_to_a_fitted_path():
    sc = sim.load_scenario(PBOC, SMALL)
    base = {"name": "t", "summary": [{"key": "approved_n", "value": 100}]}
    with pytest.raises(ValueError, match="mean: and sd:"):
        Targets.model_validate({**base, "priors": {PATH: {"dist": "normal"}}})
    with pytest.raises(ValueError, match="takes no mean"):
        Targets.model_validate({**base, "priors": {PATH: {"dist": "uniform", "mean": 1}}})
    tg = Targets.model_validate(
        {**base, "priors": {"demand.patience_days": {"dist": "loguniform"}}}
    )
    with pytest.raises(TargetsError, match="not fitted"):
        calibrate_abc(sc, tg, [parse_range(f"{PATH}=0.005:0.1", sc)], population_size=10)
    with pytest.raises(AnalysisError, match="population"):
        calibrate_abc(sc, tg, [parse_range(f"{PATH}=0.005:0.1", sc)], population_size=5)


def test_missing_abc_extra_is_a_clear_error(monkeypatch):
    sc = sim.load_scenario(PBOC, SMALL)
    tg = Targets.model_validate({"name": "t", "summary": [{"key": "approved_n", "value": 100}]})
    monkeypatch.setitem(sys.modules, "pyabc", None)
    with pytest.raises(AnalysisError, match=r"abc extra"):
        calibrate_abc(sc, tg, [parse_range(f"{PATH}=0.005:0.1", sc)], population_size=10)


def test_a_bad_posterior_file_names_the_problem(tmp_path):
    sc = sim.load_scenario(PBOC, SMALL)
    f = tmp_path / "p.csv"
    with pytest.raises(AnalysisError, match="not found"):
        read_posterior(f, sc)
    f.write_text("awareness.outreach_rat_day,weight\n0.01,1\n")
    with pytest.raises(AnalysisError, match="outreach_rat_day"):
        read_posterior(f, sc)
    f.write_text(f"{PATH},weight\n0.01,-1\n")
    with pytest.raises(AnalysisError, match="non-negative"):
        read_posterior(f, sc)


def test_cli_abc_writes_a_posterior_that_predict_carries_into_its_band(tmp_path):
    pytest.importorskip("pyabc")
    out = tmp_path / "abc"
    targets = tmp_path / "targets.yaml"
    targets.write_text(
        yaml.safe_dump(
            {
                "name": "pboc_small",
                "cumulative": [
                    {"of": "approved_n", "points": [{"day": 42, "value": 4708}]},
                    {"of": "approved_n", "role": "predict", "points": [{"day": 60, "value": 5995}]},
                ],
            }
        )
    )
    sets = [a for s in SMALL for a in ("--set", s)]
    r = run_cli(
        ["calibrate", str(PBOC), "-t", str(targets), "--fit", f"{PATH}=0.005:0.2",
         "--method", "abc", "--population", "10", "--generations", "2", "-p", "1",
         "-o", str(out), *sets]
    )  # fmt: skip
    assert r.exit_code == 0, r.output_all
    for f in ("posterior.csv", "intervals.csv", "schedule.csv", "observed_vs_simulated.csv"):
        assert (out / "tables" / f).is_file(), f
    assert (out / "report.pdf").is_file()
    fitted = sim.load_scenario(out / "scenario.yaml")
    med = pd.read_csv(out / "tables" / "intervals.csv")["median"].iloc[0]
    assert fitted.awareness.outreach_rate_day == pytest.approx(med)
    assert "90 %" in r.output_all

    pred = tmp_path / "pred"
    r = run_cli(
        ["predict", str(out / "scenario.yaml"), "-t", str(targets), "--posterior", str(out),
         "-r", "6", "-p", "1", "-o", str(pred)]
    )  # fmt: skip
    assert r.exit_code == 0, r.output_all
    t = pd.read_csv(pred / "tables" / "observed_vs_simulated.csv")
    assert {"point_mean", "point_p05", "point_p95"} <= set(t.columns)
    # parameter uncertainty widens the band beyond the point fit's (same seeds)
    assert ((t["p95"] - t["p05"]) >= (t["point_p95"] - t["point_p05"])).all()
    assert (pred / "tables" / "fan_point_approved_n.csv").is_file()

    r = run_cli(
        ["predict", str(out / "scenario.yaml"), "-t", str(targets), "--posterior",
         str(tmp_path / "none.csv"), "-r", "2", "-o", str(tmp_path / "p2")]
    )  # fmt: skip
    assert r.exit_code == 2 and "posterior file not found" in r.output_all
    assert not (tmp_path / "p2").exists()


def test_cli_refuses_an_unknown_method():
    r = run_cli(
        ["calibrate", str(PBOC), "-t", str(PBOC), "--fit", f"{PATH}=0:1", "--method", "mcmc"]
    )
    assert r.exit_code == 2 and "expected point or abc" in r.output_all
