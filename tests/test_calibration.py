"""Calibration: the targets file, recovery of known parameters, the baseline table."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

import sim
from cli import app
from sim.analysis.baseline import (
    BASELINE_TARGETS,
    EARLIER_HEADERS,
    ROLES,
    baseline_table,
    grown_amount,
    target_band,
)
from sim.analysis.calibration import calibrate, calibrated_scenario_yaml, relative_extends
from sim.analysis.evaluation import evaluate_points, parse_range
from sim.analysis.targets import Targets, TargetsError, load_targets, observations

from .conftest import BASELINE, SCENARIOS, SMALL, small_scenario

EXAMPLE = SCENARIOS / "targets" / "shanghai_2024_example.yaml"
# a short, small version of the baseline for fits: 1,500 firms over half a year
SHORT = [
    "population.firms_n=1500",
    "horizon.days=180",
    "loan_pool.reallocation_day=90",
    "awards.round_days=[150]",
]


def short(*extra: str) -> sim.Scenario:
    return small_scenario(*SHORT, *extra)


def _write(tmp_path: Path, data: object, name: str = "t.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data) if not isinstance(data, str) else data)
    return path


# ---------------------------------------------------------------- targets file


def test_example_targets_load_and_are_labelled_illustrative():
    t = load_targets(EXAMPLE, sim.load_scenario(BASELINE))
    assert t.illustrative
    obs = observations(t)
    assert list(obs["kind"]) == [*["summary"] * 3, *["cumulative"] * 4]
    # the corrected targets (docs/model.md "Calibration targets"): the 73 % is a share of
    # firms holding a loan, the stock is the grown one, the claim rate the funds' 代偿率
    assert obs.loc[obs["key"] == "loan_holding_share", "observed"].item() == 0.73
    stock = obs.loc[obs["key"] == "loan_stock_start_amount", "observed"].item()
    grown = grown_amount(303.9e9, date(2024, 3, 31), date(2024, 12, 2), 0.45)
    assert stock == pytest.approx(grown, rel=1e-3)
    assert obs.loc[obs["key"] == "guarantee_claim_rate", "observed"].item() == 0.0184
    # neither the approvals reading of the 73 % nor the national average balance is a target
    assert not {"approval_rate", "avg_loan_amount"} & set(obs["key"])
    # a point without its own weight takes its target's; scale defaults to |observed|
    assert (obs["weight"] > 0).all() and (obs["scale"] == obs["observed"].abs()).all()


def test_a_summary_target_may_be_an_optional_key_and_must_have_a_value_in_every_run():
    from sim.analysis.targets import simulated

    t = Targets.model_validate(
        {"name": "t", "summary": [{"key": "guarantee_claim_rate", "value": 0.0184}]}
    )
    obs = observations(t)
    runs = pd.DataFrame({"horizon_days": [365, 365]})
    with pytest.raises(TargetsError, match="'guarantee_claim_rate' has no value in these runs"):
        simulated(runs, obs)
    runs["guarantee_claim_rate"] = [0.01, None]
    with pytest.raises(TargetsError, match="some of these runs"):
        simulated(runs, obs)
    runs["guarantee_claim_rate"] = [0.01, 0.02]
    assert simulated(runs, obs)[:, 0].tolist() == [0.01, 0.02]


def test_targets_accept_money_weights_and_explicit_scale(tmp_path):
    path = _write(
        tmp_path,
        {
            "name": "x",
            "summary": [{"key": "pool_exhausted_day", "value": 300, "weight": 0.5}],
            "cumulative": [
                {
                    "of": "approved_n",
                    "weight": 3,
                    "points": [{"day": 10, "value": 0, "scale": 50}, {"day": 20, "value": "1k"}],
                }
            ],
        },
    )
    obs = observations(load_targets(path))
    assert list(obs["observed"]) == [300, 0, 1000]
    assert list(obs["weight"]) == [0.5, 3, 3]
    assert list(obs["scale"]) == [300, 50, 1000]


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"name": "x", "sumary": []}, "sumary", "unknown key"),
        ({"name": "x", "summary": [{"key": "approval", "value": 1}]}, "summary.0.key", "approval"),
        ({"name": "x", "summary": [{"key": "approval_rate", "value": "lots"}]}, "summary.0.value", "amount"),
        ({"name": "x", "summary": [{"key": "approval_rate", "value": 0.7, "weight": -1}]}, "summary.0.weight", ">= 0"),
        ({"name": "x", "summary": [{"key": "approved_n", "value": 0}]}, "summary.0", "scale"),
        ({"name": "x", "cumulative": [{"of": "loans", "points": [{"day": 1, "value": 1}]}]}, "cumulative.0.of", "disbursed_amount"),
        ({"name": "x", "cumulative": [{"of": "approved_n", "points": [{"day": 1, "value": 1, "extra": 2}]}]}, "cumulative.0.points.0.extra", "unknown key"),
        ({"name": "x"}, None, "no observations"),
    ],
)  # fmt: skip
def test_bad_targets_name_the_file_and_the_field(tmp_path, data, field, words):
    path = _write(tmp_path, data)
    with pytest.raises(TargetsError) as info:
        load_targets(path)
    assert str(path) in str(info.value)
    assert words in str(info.value)
    if field is not None:
        assert info.value.field == field


def test_targets_days_must_lie_in_the_horizon(tmp_path):
    path = _write(
        tmp_path,
        {"name": "x", "cumulative": [{"of": "approved_n", "points": [{"day": 400, "value": 9}]}]},
    )
    with pytest.raises(TargetsError, match="beyond the horizon") as info:
        load_targets(path, small_scenario())
    assert info.value.field == "cumulative.0.points.0.day"


def test_targets_file_errors_exit_2_and_write_nothing(tmp_path):
    path = _write(tmp_path, "name: x\nsummary:\n  - {key: approval_rate, valu: 0.7}\n")
    out = tmp_path / "cal"
    r = CliRunner().invoke(
        app,
        ["calibrate", str(BASELINE), "--targets", str(path), "--fit",
         "behaviour.apply_intercept=-2:0", "--out", str(out)],
    )  # fmt: skip
    assert r.exit_code == 2, r.output
    assert str(path) in r.output and "summary.0" in r.output
    assert not out.exists()


# ---------------------------------------------------------------- recovery


def _synthetic_targets(sc: sim.Scenario, truth: dict[str, float]) -> Targets:
    """'Observations' generated by the model at ``truth``, on replications the fit never uses."""
    runs = evaluate_points(sc, [truth], 8, series=True, first_replication=100, processes=1)
    days = [60, 120, 179]
    approved = [
        float(np.mean([np.interp(d, x, y) for x, y in zip(runs["series_day"], runs["series_approved_cum"], strict=True)]))
        for d in days
    ]  # fmt: skip
    disbursed = float(np.mean([y[-1] for y in runs["series_disbursed_cum"]]))
    return Targets.model_validate(
        {
            "name": "synthetic",
            "summary": [{"key": "approval_rate", "value": float(runs["approval_rate"].mean())}],
            "cumulative": [
                {"of": "approved_n", "points": [{"day": d, "value": v} for d, v in zip(days, approved, strict=True)]},
                {"of": "disbursed_amount", "points": [{"day": 179, "value": disbursed}]},
            ],
        }
    )  # fmt: skip


def test_calibration_recovers_known_parameters():
    """Observations generated at known values; the fit finds them again.

    Tolerance: 12.5 % of each range (0.25 for the intercept on -2..0, 0.003 for the fund's
    PD screen on 0.01..0.035, in rescue mode: the screen then decides every referral). The observations are means of 8 replications the fit never
    sees (replications 100-107) of 1,500 firms over 180 days, so they carry sampling noise
    of their own; the fit uses 4 other replications.
    """
    sc = short("guarantee.mode=rescue")
    truth = {"behaviour.apply_intercept": -1.0, "guarantee.max_pd_annual": 0.02}
    targets = _synthetic_targets(sc, truth)
    params = [
        parse_range("behaviour.apply_intercept=-2:0", sc, option="--fit"),
        parse_range("guarantee.max_pd_annual=0.01:0.035", sc, option="--fit"),
    ]
    res = calibrate(sc, targets, params, replications=4, polish_evals=30, processes=1)
    assert res.fitted["behaviour.apply_intercept"] == pytest.approx(-1.0, abs=0.25)
    assert res.fitted["guarantee.max_pd_annual"] == pytest.approx(0.02, abs=0.003)
    assert res.objective < 0.01
    assert (res.table["residual"].abs() < 0.1).all()
    unc = res.uncertainty.set_index("parameter")
    assert (unc["se_curvature"] > 0).all() and not unc["at_bound"].any()
    # the fitted scenario holds the fitted values
    assert res.fitted_scenario.guarantee.max_pd_annual == res.fitted["guarantee.max_pd_annual"]
    stages = set(res.trace["stage"])
    assert {"global", "polish", "curvature"} <= stages


# ---------------------------------------------------------------- calibrated scenario


def test_calibrated_scenario_extends_the_original_and_loads(tmp_path):
    sc = short()
    targets = Targets.model_validate(
        {"name": "t", "illustrative": True, "summary": [{"key": "approval_rate", "value": 0.7}]}
    )
    params = [
        parse_range("behaviour.apply_intercept=-2:0", sc, option="--fit"),
        parse_range("banks.lenders.1.max_expected_loss=0.004:0.012", sc, option="--fit"),
    ]
    # the differential-evolution global stage, on a tiny budget
    res = calibrate(
        sc,
        targets,
        params,
        replications=1,
        global_method="de",
        global_points=4,
        polish_evals=3,
        processes=1,
    )
    assert res.meta["global_method"] == "de" and "global" in set(res.trace["stage"])
    folder = tmp_path / "deep" / "out"
    folder.mkdir(parents=True)
    text = calibrated_scenario_yaml(res, relative_extends(BASELINE, folder), overrides=SHORT)
    assert "ILLUSTRATIVE" in text and "population.firms_n=1500" in text
    (folder / "scenario.yaml").write_text(text)
    loaded = sim.load_scenario(folder / "scenario.yaml")
    assert loaded.name == f"{sc.name}_calibrated"
    assert loaded.behaviour.apply_intercept == res.fitted["behaviour.apply_intercept"]
    lender = loaded.banks.lenders[1]
    assert lender.max_expected_loss == res.fitted["banks.lenders.1.max_expected_loss"]
    # the list of lenders is written whole (extends: replaces lists), so the others stay
    assert [b.name for b in loaded.banks.lenders] == [b.name for b in sc.banks.lenders]
    # the --set overrides of the fit are recorded, not applied
    assert loaded.population.firms_n == sim.load_scenario(BASELINE).population.firms_n


def test_calibrate_command_writes_fit_scenario_tables_and_report(tmp_path):
    out = tmp_path / "cal"
    sets = [a for s in [*SMALL, *SHORT] for a in ("--set", s)]
    r = CliRunner().invoke(
        app,
        ["calibrate", str(BASELINE), "--targets", str(EXAMPLE.with_name("t.yaml")),
         "--fit", "behaviour.apply_intercept=-2:0"],
    )  # fmt: skip
    assert r.exit_code == 2 and "file not found" in r.output
    targets = _write(
        tmp_path,
        {
            "name": "t",
            "summary": [{"key": "approval_rate", "value": 0.73}],
            "cumulative": [{"of": "disbursed_amount", "points": [{"day": 90, "value": "1.5bn"}]}],
        },
    )
    r = CliRunner().invoke(
        app,
        ["calibrate", str(BASELINE), "--targets", str(targets), *sets,
         "--fit", "behaviour.apply_intercept=-2:0", "--fit", "guarantee.max_pd_annual=0.01:0.035",
         "-r", "1", "--global-points", "4", "--polish-evals", "4", "--refits", "1",
         "--out", str(out)],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    for name in [
        "fit.json",
        "scenario.yaml",
        "manifest.json",
        "report.pdf",
        "figures/cover.png",
        "figures/cumulative_disbursed_amount.png",
        "figures/targets.png",
        "tables/observed_vs_simulated.csv",
        "tables/fitted.csv",
        "tables/trace.csv",
        "tables/refits.csv",
    ]:
        assert (out / name).is_file(), name
    fit = json.loads((out / "fit.json").read_text())
    assert set(fit["fitted"]) == {"behaviour.apply_intercept", "guarantee.max_pd_annual"}
    table = pd.read_csv(out / "tables" / "observed_vs_simulated.csv")
    assert {"observed", "simulated", "residual"} <= set(table.columns)
    fitted = pd.read_csv(out / "tables" / "fitted.csv")
    assert {"se_curvature", "refit_sd"} <= set(fitted.columns)
    loaded = sim.load_scenario(out / "scenario.yaml")
    assert loaded.guarantee.max_pd_annual == pytest.approx(fit["fitted"]["guarantee.max_pd_annual"])
    assert "extends: " in (out / "scenario.yaml").read_text()


# ---------------------------------------------------------------- baseline table


def test_baseline_table_sets_simulated_figures_beside_the_targets():
    sc = small_scenario()
    results = [sim.run(sc, seed=s) for s in (1, 2)]
    one = baseline_table(results[0])
    two = baseline_table(results)
    assert list(one["target"]) == [t.name for t in BASELINE_TARGETS]
    assert set(one["status"]) <= {"within", "below", "above", "n/a", "not_comparable"}
    assert set(one["role"]) <= set(ROLES)
    row = one.set_index("target")
    assert 0 < row.loc["srdi_loan_holder_share", "simulated"] < 1
    assert row.loc["guarantee_fee", "simulated"] == sc.guarantee.fee_rate
    assert row.loc["guarantee_fee", "status"] == "within"
    # a one-year horizon from 2 December holds no whole calendar year: no first quarter
    assert row.loc["first_quarter_lending_share", "status"] == "n/a"
    # nor any guarantee released after the first one-year loans end: no claim rate
    assert row.loc["guarantee_claim_rate", "status"] == "n/a"
    assert row.loc["loan_stock_start", "simulated"] == pytest.approx(
        results[0].summary_values["loan_stock_start_amount"]
    )
    assert row.loc["loan_stock_start", "reference_day"] == 0
    known = two[two["status"].isin(["within", "below", "above"])]
    assert (known["sim_min"] <= known["simulated"] + 1e-12).all()
    assert (known["simulated"] <= known["sim_max"] + 1e-12).all()
    # every target names its source and its confidence
    assert all("FACTS.md" in s for s in one["source"])
    assert set(one["confidence"]) <= {"H", "M", "L"}


def test_rows_say_which_are_inputs_and_which_are_not_comparable():
    r = sim.run(small_scenario("population.firms_n=800"))
    for lang in ("en", "zh"):
        t = baseline_table(r, lang=lang).set_index("target")
        roles = t["role"].to_dict()
        assert roles == {
            "srdi_loan_holder_share": "input",  # demand.existing_loans_share sets it
            "loan_stock_start": "check",
            "first_quarter_lending_share": "check",
            "loan_balance_per_borrower": "not_comparable",
            "avg_guaranteed_loan": "not_comparable",
            "guarantee_fee": "input",
            "guarantee_claim_rate": "check",
            "guaranteed_volume": "check",
        }
        # a row that is not comparable has no status, keeps its figure, gives its reason
        nc = t[t["role"] == "not_comparable"]
        assert (nc["status"] == "not_comparable").all() and nc["off_by"].isna().all()
        assert nc["simulated"].notna().all()
        assert (t.loc[t["role"] != "check", "reason"].str.len() > 10).all()
        assert (t.loc[t["role"] == "check", "reason"] == "").all()
        share = f"{100 * r.scenario.demand.existing_share_of('srdi'):.1f} %"
        assert share in t.loc["srdi_loan_holder_share", "reason"]
    zh = baseline_table(r, lang="zh").set_index("target")
    assert "262,500" not in zh.loc["loan_balance_per_borrower", "reason"]
    assert "26.25万" in zh.loc["loan_balance_per_borrower", "reason"]


def test_the_loan_holding_row_is_a_check_without_existing_loans():
    r = sim.run(small_scenario("population.firms_n=800", "demand.existing_loans_share=0"))
    t = baseline_table(r).set_index("target")
    assert "loan_stock_start_amount" not in r.summary_values
    assert t.loc["srdi_loan_holder_share", "role"] == "check"
    assert t.loc["loan_stock_start", "simulated"] == 0.0
    assert t.loc["loan_stock_start", "status"] == "below"


def test_the_loan_stock_target_is_grown_to_the_start_date():
    # a year of growth at 45 % (2024-03-31 to 2025-03-31 is 365 days)
    assert grown_amount(303.9e9, date(2024, 3, 31), date(2025, 3, 31), 0.45) == pytest.approx(
        303.9e9 * 1.45
    )
    assert grown_amount(303.9e9, date(2024, 3, 31), date(2024, 3, 31), 0.45) == 303.9e9
    # the baseline starts on 2024-12-02: 246 days later, 303.9 x 1.45^(246/365) = 390.4 bn
    sc = sim.load_scenario(BASELINE)
    (stock,) = [t for t in BASELINE_TARGETS if t.name == "loan_stock_start"]
    value, lo, hi = target_band(stock, sc)
    assert value == pytest.approx(303.9e9 * 1.45 ** (246 / 365))
    assert value == pytest.approx(390.38e9, rel=1e-4)
    assert (lo, hi) == pytest.approx((0.85 * value, 1.15 * value))
    # a scenario starting later is compared with a larger stock
    later = sim.load_scenario(BASELINE, ["horizon.start_date=2025-03-31"])
    assert target_band(stock, later)[0] == pytest.approx(303.9e9 * 1.45)


def test_loan_stock_at_launch_counts_the_core_tech_tiers_by_their_tier_at_launch():
    from sim.model.engine import Model
    from sim.results.demand_figures import loan_stock_at_launch

    sc = small_scenario("population.firms_n=800", "population.scale=5")
    m = Model(sc, np.random.SeedSequence(sc.seed))
    core = np.isin(np.array(m.firms.tier_names)[m.firms.launch_tier], ["little_giant", "srdi"])
    ex = m.existing
    amount, share = loan_stock_at_launch(m)
    assert amount == pytest.approx(ex.amount[core & ex.holds].sum() * 5)
    assert share == pytest.approx(ex.holds[core].mean())
    # certification after launch changes the firms' tiers, not the figures at launch
    m.firms.tier[:] = m.firms.tier_names.index("non_core")
    assert loan_stock_at_launch(m) == (amount, share)


def test_calibration_table_command_prints_and_writes_csv(tmp_path):
    path = tmp_path / "t.csv"
    sets = [a for s in SMALL for a in ("--set", s)]
    r = CliRunner().invoke(app, ["calibration-table", str(BASELINE), *sets, "--csv", str(path)])
    assert r.exit_code == 0, r.output
    assert "srdi_loan_holder_share" in r.output and "guarantee_claim_rate" in r.output
    assert "approval_rate" not in r.output and "tech_sme_loan_share" not in r.output
    # the markers and the reasons are printed under their rows
    assert r.output.count("not comparable: ") == 2
    assert r.output.count("input, not a check: ") == 2
    df = pd.read_csv(path, keep_default_na=False)
    assert len(df) == len(BASELINE_TARGETS)
    assert {"role", "reason", "confidence", "value"} <= set(df.columns)
    nc = df[df["role"] == "not_comparable"]
    assert len(nc) == 2 and (nc["reason"].str.len() > 10).all()


def test_calibration_table_writes_its_reasons_in_chinese_and_replaces_an_older_table(tmp_path):
    path = tmp_path / "t.csv"
    # a table an earlier version wrote may be overwritten
    path.write_text(EARLIER_HEADERS[0] + "\n")
    sets = [a for s in SMALL for a in ("--set", s)]
    r = CliRunner().invoke(
        app, ["calibration-table", str(BASELINE), *sets, "--csv", str(path), "--lang", "zh"]
    )
    assert r.exit_code == 0, r.output
    assert "不可比：" in r.output and "输入值，非检验：" in r.output
    df = pd.read_csv(path, keep_default_na=False).set_index("target")
    assert "全国" in df.loc["loan_balance_per_borrower", "reason"]
    assert "获贷率" in df.loc["srdi_loan_holder_share", "published"]


# ---------------------------------------------------------------- held-out observations


def test_held_out_observations_are_reported_but_never_fitted():
    """A point with role predict changes nothing in the fit; it is simulated beside it."""
    sc = short()
    fit_only = {
        "name": "t",
        "cumulative": [{"of": "approved_n", "points": [{"day": 60, "value": 150}]}],
    }
    with_held = {
        "name": "t",
        "cumulative": [
            {"of": "approved_n", "points": [{"day": 60, "value": 150}]},
            {"of": "applications_n", "role": "predict", "points": [{"day": 120, "value": 1}]},
        ],
    }
    params = [parse_range("behaviour.apply_intercept=-2:0", sc, option="--fit")]
    kw = {"replications": 1, "global_points": 4, "polish_evals": 4, "processes": 1}
    a = calibrate(sc, Targets.model_validate(fit_only), params, **kw)
    b = calibrate(sc, Targets.model_validate(with_held), params, **kw)
    # a held-out value of 1 would pull any fit that used it far away
    assert b.fitted == a.fitted and b.objective == a.objective
    held = b.table[b.table["role"] == "predict"].iloc[0]
    assert held["weight"] == 0 and held["contribution"] == 0
    assert held["simulated"] > 100 and held["residual"] > 10


def test_targets_need_an_observation_to_fit(tmp_path):
    path = _write(
        tmp_path,
        {
            "name": "x",
            "cumulative": [
                {"of": "approved_n", "role": "predict", "points": [{"day": 9, "value": 5}]}
            ],
        },
    )
    with pytest.raises(TargetsError, match="no observation to fit"):
        load_targets(path)


def test_predict_sets_replications_beside_observations(tmp_path):
    from sim.analysis.validation import predict, series_band

    sc = short()
    targets = Targets.model_validate(
        {
            "name": "t",
            "cumulative": [
                {"of": "applications_n", "points": [{"day": 90, "value": 100}]},
                {"of": "approved_n", "role": "predict", "points": [{"day": 179, "value": 1e9}]},
            ],
        }
    )
    pr = predict(sc, targets, 3, processes=1)
    t = pr.table.set_index("key")
    runs = pr.runs
    apps_90 = [np.interp(90, d, y) for d, y in zip(runs["series_day"], runs["series_applications_cum"], strict=True)]  # fmt: skip
    assert t.loc["applications_n", "mean"] == pytest.approx(np.mean(apps_90))
    assert t.loc["applications_n", "p05"] <= t.loc["applications_n", "mean"] <= t.loc["applications_n", "p95"]  # fmt: skip
    # more applications than approvals, and a billion approvals is far outside the band
    assert t.loc["applications_n", "mean"] > 0
    assert not t.loc["approved_n", "in_band"] and t.loc["approved_n", "error"] < -0.99
    band = series_band(runs, "approved_n")
    assert (np.diff(band["mean"]) >= 0).all() and band["day"].iloc[-1] == 179
    # the command writes the same comparison
    tpath = _write(tmp_path, targets.model_dump())
    out = tmp_path / "pred"
    sets = [a for s in [*SMALL, *SHORT] for a in ("--set", s)]
    r = CliRunner().invoke(
        app,
        ["predict", str(BASELINE), "-t", str(tpath), "-r", "2", "-p", "1", *sets, "-o", str(out)],
    )
    assert r.exit_code == 0, r.output
    assert "predict" in r.output and "5-95 %" in r.output
    table = pd.read_csv(out / "tables" / "observed_vs_simulated.csv")
    assert list(table["role"]) == ["fit", "predict"]
    assert (out / "tables" / "fan_approved_n.csv").is_file()
    assert json.loads((out / "prediction.json").read_text())["replications"] == 2
