"""Chinese amounts (3000万, 40亿, 1.2万亿), full-width forms and percentages (30%), in every
place amounts or shares are read; scenario names in any script."""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

import sim
from cli import app
from sim.analysis.design_targets import DesignError, parse_target
from sim.analysis.evaluation import parse_range
from sim.analysis.targets import TargetsError, load_targets, observations
from sim.experiments import lhs_points
from sim.outdir import folder_name
from sim.scenario import (
    parse_figure,
    parse_money,
    parse_share,
    parse_value,
    scenario_from_dict,
    scenario_to_dict,
)

from .conftest import BASELINE, SMALL, small_scenario

ROOT = Path(__file__).resolve().parents[1]
TINY = [*SMALL, "population.firms_n=1500"]


def _sets(*extra: str) -> list[str]:
    return [x for s in [*TINY, *extra] for x in ("--set", s)]


# --------------------------------------------------------------------------- the readers


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3000万", 30_000_000.0),
        ("40亿", 4_000_000_000.0),
        ("1.2万亿", 1.2e12),
        ("3000万元", 30_000_000.0),
        ("40亿元", 4e9),
        ("1.2万亿元", 1.2e12),
        ("2500000元", 2.5e6),
        ("500千元", 500_000.0),
        ("3千万", 30_000_000.0),
        ("5百万", 5e6),
        ("0.3亿", 30_000_000.0),  # exact: the number times the unit is rounded once
        ("3000 万", 30_000_000.0),
        ("３０００万", 30_000_000.0),
        ("１，０００万", 10_000_000.0),
        ("１．５亿元", 150_000_000.0),
        ("３０ｍ", 30e6),
        ("\u3000４０亿\u3000", 4e9),
        ("30m", 30e6),  # the Latin forms are read as before
        ("0.03bn", 30e6),
    ],
)
def test_parse_money_reads_chinese_and_full_width_forms(text, value):
    assert parse_money(text) == value


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        ("3000万万", "expected an amount such as"),
        ("40亿亿", "expected an amount such as"),
        ("万", "expected an amount such as"),
        ("3兆", "兆 is not accepted"),
        ("30m元", "expected an amount such as"),
        ("三千万", "expected an amount such as"),
        ("30%", "expected an amount such as"),
        ("1亿2000万", "expected an amount such as"),
    ],
)
def test_parse_money_refuses_malformed_chinese_forms(bad, words):
    with pytest.raises(ValueError, match=words) as info:
        parse_money(bad)
    assert repr(bad) in str(info.value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("30%", 0.3),
        ("30％", 0.3),
        ("３０％", 0.3),
        ("30 %", 0.3),
        ("0.65%", 0.0065),
        ("０．６５％", 0.0065),
        ("6.5‰", 0.0065),
        ("0.3", 0.3),
        ("０．３", 0.3),
        ("-2%", -0.02),
        (0.3, 0.3),
    ],
)
def test_parse_share_reads_percentages(text, value):
    assert parse_share(text) == value


@pytest.mark.parametrize("bad", ["30%%", "30％％", "%30", "30万", "thirty %", "", "0.3.1"])
def test_parse_share_refuses_malformed_percentages(bad):
    with pytest.raises(ValueError, match="expected a number or a percentage"):
        parse_share(bad)


def test_numbers_pass_through_the_share_reader_unchanged():
    # results of existing scenarios stay bit-identical: a number is not re-read
    for x in (0.0065, 0.1 + 0.2, 1, 0):
        assert parse_share(x) is x


def test_figures_are_amounts_or_percentages():
    assert parse_figure("20亿") == 2e9
    assert parse_figure("73%") == 0.73
    assert parse_figure("73％") == 0.73
    assert parse_figure(0.73) == 0.73
    with pytest.raises(ValueError, match="or a percentage"):
        parse_figure("73%%")


def test_parse_value_follows_the_field():
    assert parse_value("guarantee.coverage", "80%") == 0.8
    assert parse_value("guarantee.cap_per_firm", "3000万") == 3e7
    assert parse_value("banks.lenders.0.market_share", "１２％") == 0.12
    with pytest.raises(ValueError, match="percentage"):
        parse_value("guarantee.coverage", "3000万")
    with pytest.raises(ValueError, match="amount"):
        parse_value("guarantee.cap_per_firm", "30%")


# --------------------------------------------------------------------------- scenario file


def test_scenario_file_reads_chinese_amounts_and_percentages(tmp_path):
    text = BASELINE.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    data["guarantee"].update(
        capital="40亿", cap_per_firm="3000万元", coverage="80％", fee_rate="0.65%"
    )
    data["loan_pool"].update(total="４０００亿", interest_subsidy_share="30%")
    data["rates"]["programme_spread"] = "0.3%"
    data["funds"]["min_growth"] = "20%"
    path = tmp_path / "中文金额.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    sc = sim.load_scenario(path)
    assert sc.guarantee.capital == 4e9
    assert sc.guarantee.cap_per_firm == 3e7
    assert sc.guarantee.coverage == 0.8
    assert sc.guarantee.fee_rate == 0.0065
    assert sc.loan_pool.total == 400e9
    assert sc.loan_pool.interest_subsidy_share == 0.3
    assert sc.rates.programme_spread == 0.003
    assert sc.funds.min_growth == 0.2


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("guarantee.cap_per_firm", "3000万万", "expected an amount such as"),
        ("guarantee.coverage", "30%%", "expected a number or a percentage"),
        ("guarantee.coverage", "130%", "expected a share between 0 and 1"),
        ("loan_pool.total", "-40亿", "expected an amount > 0"),
        ("rates.programme_spread", "0.3%%", "expected a number or a percentage"),
    ],
)
def test_bad_forms_in_a_scenario_file_exit_2_naming_the_field(tmp_path, field, value, words):
    data = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))
    section, key = field.split(".")
    data[section][key] = value
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    r = CliRunner().invoke(app, ["validate", str(path)])
    assert r.exit_code == 2, r.output
    assert f"field '{field}'" in r.output and words in r.output and value in r.output


# --------------------------------------------------------------------------- --set


def test_set_reads_chinese_amounts_and_percentages():
    r = CliRunner().invoke(
        app,
        ["show", str(BASELINE), "--set", "guarantee.cap_per_firm=3000万",
         "--set", "guarantee.capital=40亿", "--set", "loan_pool.interest_subsidy_share=30%",
         "--set", "loan_pool.total=1.2万亿", "--set", "guarantee.coverage=７５％"],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    sc = sim.load_scenario(
        BASELINE,
        ["guarantee.cap_per_firm=３０００万", "guarantee.capital=40亿元",
         "loan_pool.interest_subsidy_share=30％", "loan_pool.total=1.2万亿",
         "guarantee.coverage=７５％"],
    )  # fmt: skip
    assert (sc.guarantee.cap_per_firm, sc.guarantee.capital) == (3e7, 4e9)
    assert (sc.loan_pool.interest_subsidy_share, sc.loan_pool.total) == (0.3, 1.2e12)
    assert sc.guarantee.coverage == 0.75
    shown = yaml.safe_load(r.output)
    assert shown["guarantee"]["cap_per_firm"] == 3e7
    assert shown["loan_pool"]["interest_subsidy_share"] == 0.3


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ("guarantee.cap_per_firm=3000万万", "guarantee.cap_per_firm"),
        ("loan_pool.interest_subsidy_share=30%%", "loan_pool.interest_subsidy_share"),
        ("guarantee.capital=40亿亿", "guarantee.capital"),
    ],
)
def test_bad_forms_in_set_exit_2_naming_the_field(item, field):
    r = CliRunner().invoke(app, ["validate", str(BASELINE), "--set", item])
    assert r.exit_code == 2, r.output
    assert f"field '{field}'" in r.output and item.split("=")[1] in r.output


# --------------------------------------------------------------------------- targets file


def test_targets_file_reads_chinese_amounts_and_percentages(tmp_path):
    path = tmp_path / "目标.yaml"
    path.write_text(
        "name: 观测\n"
        "summary:\n"
        "  - {key: approval_rate, value: 73%}\n"
        "  - {key: disbursed_amount, value: 1200亿元, scale: １０亿}\n"
        "cumulative:\n"
        "  - of: disbursed_amount\n"
        "    points: [{day: 30, value: 40亿}, {day: 60, value: '1,200万', scale: 30%}]\n",
        encoding="utf-8",
    )
    obs = observations(load_targets(path))
    assert obs["observed"].tolist() == [0.73, 1.2e11, 4e9, 1.2e7]
    assert obs["scale"].tolist() == [0.73, 1e9, 4e9, 0.3]


def test_bad_forms_in_a_targets_file_exit_2_naming_the_field(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("name: t\nsummary:\n  - {key: approval_rate, value: 73%%}\n", encoding="utf-8")
    with pytest.raises(TargetsError, match="73%%") as info:
        load_targets(path)
    assert info.value.field == "summary.0.value"
    out = tmp_path / "cal"
    r = CliRunner().invoke(
        app,
        ["calibrate", str(BASELINE), "--targets", str(path), "--fit",
         "behaviour.apply_intercept=-2:0", "--out", str(out)],
    )  # fmt: skip
    assert r.exit_code == 2, r.output
    assert "summary.0.value" in r.output and "73%%" in r.output
    assert not out.exists()


# --------------------------------------------------------------------------- design targets


def test_design_targets_read_chinese_amounts_and_percentages():
    t = parse_target("P(disbursed_amount >= 20亿) > 50%")
    assert (t.kind, t.threshold, t.prob) == ("probability", 2e9, 0.5)
    full = parse_target("P（disbursed_amount ＞＝ ２０亿元）＞ ５０％")
    assert (full.key, full.op, full.threshold, full.prob_op, full.prob) == (
        "disbursed_amount", ">=", 2e9, ">", 0.5
    )  # fmt: skip
    assert parse_target("mean uptake_rate >= 30%").threshold == 0.3
    assert parse_target("mean disbursed_amount >= 1.2万亿").threshold == 1.2e12


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("P(disbursed_amount >= 20亿亿) > 50%", "the threshold '20亿亿'"),
        ("P(disbursed_amount >= 20亿) > 50%%", "the probability '50%%'"),
        ("P(disbursed_amount >= 20亿) > 150%", "must lie in 0..1"),
    ],
)
def test_bad_design_targets_exit_2(tmp_path, target, words):
    with pytest.raises(DesignError, match=words.replace("(", r"\(")):
        parse_target(target)
    out = tmp_path / "d"
    r = CliRunner().invoke(
        app,
        ["design", str(BASELINE), *_sets(), "--lever", "guarantee.cap_per_firm=1000万:4000万",
         "--target", target, "--out", str(out)],
    )  # fmt: skip
    assert r.exit_code == 2, r.output
    assert words in r.output
    assert not out.exists()


# --------------------------------------------------------------------------- ranges and sweeps


def test_ranges_read_as_their_field_reads():
    sc = small_scenario()
    p = parse_range("guarantee.cap_per_firm=1000万:４０００万元", sc, option="--lever")
    assert (p.lo, p.hi) == (1e7, 4e7)
    q = parse_range("guarantee.coverage=50%:８０％", sc, option="--param")
    assert (q.lo, q.hi) == (0.5, 0.8)
    r = parse_range("loan_pool.total=0.5万亿:1.2万亿", sc, option="--fit")
    assert (r.lo, r.hi) == (5e11, 1.2e12)
    pts = lhs_points(
        {"guarantee.coverage": ("50%", "80%"), "guarantee.cap_per_firm": ("1000万", "4000万")},
        6,
        seed=1,
    )
    assert all(0.5 <= x["guarantee.coverage"] <= 0.8 for x in pts)
    assert all(1e7 <= x["guarantee.cap_per_firm"] <= 4e7 for x in pts)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("guarantee.coverage=50%%:80%", "expected a number or a percentage"),
        ("guarantee.cap_per_firm=1000万万:4000万", "expected an amount such as"),
        ("guarantee.cap_per_firm=10%:40%", "expected an amount such as"),
    ],
)
def test_bad_range_bounds_exit_2_naming_the_field(tmp_path, text, words):
    with pytest.raises(sim.ScenarioError, match=words) as info:
        parse_range(text, small_scenario())
    assert info.value.field == text.split("=")[0]
    for command, option, extra in [
        ("sensitivity", "--param", ["--output", "uptake_rate"]),
        ("design", "--lever", ["--target", "max approved_n"]),
        ("sweep", "--range", ["--sample", "2"]),
    ]:
        out = tmp_path / command
        r = CliRunner().invoke(
            app, [command, str(BASELINE), *_sets(), option, text, *extra, "--out", str(out)]
        )
        assert r.exit_code == 2, (command, r.output)
        assert words in r.output and text.split("=")[0] in r.output, (command, r.output)
        assert not out.exists()


def test_sweep_reads_chinese_values_and_ranges(tmp_path):
    out = tmp_path / "grid"
    r = CliRunner().invoke(
        app,
        ["sweep", str(BASELINE), *_sets(), "--vary", "guarantee.cap_per_firm=1000万,３０００万元",
         "--vary", "loan_pool.interest_subsidy_share=0%,30％", "-r", "1", "--no-report", "--out", str(out)],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    runs = pd.read_csv(out / "tables" / "replications.csv")
    assert sorted(runs["guarantee.cap_per_firm"].unique()) == [1e7, 3e7]
    assert sorted(runs["loan_pool.interest_subsidy_share"].unique()) == [0.0, 0.3]
    out2 = tmp_path / "lhs"
    r = CliRunner().invoke(
        app,
        ["sweep", str(BASELINE), *_sets(), "--sample", "3", "--range", "guarantee.coverage=50%:80%",
         "--range", "guarantee.cap_per_firm=1000万:4000万", "-r", "1", "--no-report", "--out", str(out2)],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    runs = pd.read_csv(out2 / "tables" / "replications.csv")
    assert runs["guarantee.coverage"].between(0.5, 0.8).all()
    assert runs["guarantee.cap_per_firm"].between(1e7, 4e7).all()


def test_bad_sweep_value_exits_2_naming_the_field(tmp_path):
    out = tmp_path / "grid"
    r = CliRunner().invoke(
        app,
        ["sweep", str(BASELINE), *_sets(), "--vary", "guarantee.cap_per_firm=1000万,3000万万",
         "--no-report", "--out", str(out)],
    )  # fmt: skip
    assert r.exit_code == 2, r.output
    assert "guarantee.cap_per_firm" in r.output and "3000万万" in r.output
    assert not out.exists()


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    "name",
    ["上海专精特新_2025", "shanghai_2024", "Zürich-2025", "東京.v2", "서울_2025", "मुंबई_2025"],
)
def test_names_of_any_script_are_accepted_unchanged(name):
    assert folder_name(name) == name
    assert sim.load_scenario(BASELINE, [f"name={name}"]).name == name


def test_names_are_nfc_normalised():
    decomposed = "e\u0301te\u0301_2025"
    sc = sim.load_scenario(BASELINE, [f"name={decomposed}"])
    assert sc.name == "été_2025" == unicodedata.normalize("NFC", decomposed)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("上海/2025", "path separator"),
        ("上海\\2025", "path separator"),
        ("a:b", "':'"),
        ("a*b", "'*'"),
        ('a"b', "'\"'"),
        ("a<b", "'<'"),
        ("a|b", "'|'"),
        ("a?b", "'?'"),
        ("上海 2025", "a space"),
        ("a\tb", "a space"),
        ("a\x07b", "control or invisible"),
        ("a\u200bb", "control or invisible"),
        ("a\u202eb", "control or invisible"),
        (".", "a letter or digit"),
        ("..", "a letter or digit"),
        ("CON", "reserve for a device"),
        ("con", "reserve for a device"),
        ("nul.v2", "reserve for a device"),
        ("COM1", "reserve for a device"),
        ("lpt9", "reserve for a device"),
        ("上" * 67, "at most 200 bytes"),
    ],
)
def test_names_unsafe_as_folders_are_refused_naming_the_field(name, words):
    with pytest.raises(sim.ScenarioError, match="expected") as info:
        scenario_from_dict(scenario_to_dict(small_scenario()) | {"name": name})
    assert info.value.field == "name"
    assert words in str(info.value)


def test_names_safe_on_posix_stay_accepted():
    for name in ("CONSOLE", "console_2024", "a.b-c_d", "-x", "x.", "COM10"):
        assert folder_name(name) == name


def test_unicode_name_runs_end_to_end(tmp_path):
    data = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))
    data["name"] = "上海专精特新_2025"
    data["description"] = "担保上限提高至3000万元"
    data["guarantee"]["cap_per_firm"] = "3000万元"
    path = tmp_path / "上海专精特新_2025.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    sets = [x for s in [*TINY, "loan_pool.total=3000亿"] for x in ("--set", s)]
    r = subprocess.run(
        [sys.executable, "-m", "cli", "run", str(path), *sets],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=tmp_path,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr
    out = tmp_path / "reports" / "上海专精特新_2025"
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["上海专精特新_2025"]
    assert (out / "report.pdf").read_bytes()[:4] == b"%PDF"
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["scenario"] == "上海专精特新_2025"
    resolved = yaml.safe_load((out / "scenario.yaml").read_text(encoding="utf-8"))
    assert resolved["name"] == "上海专精特新_2025"
    assert resolved["guarantee"]["cap_per_firm"] == 3e7
    assert resolved["loan_pool"]["total"] == 3e11


@pytest.mark.parametrize(("text", "value"), [("1e-06", 1e-06), ("2.5E-1", 0.25), ("1e-6%", 1e-08)])
def test_shares_in_scientific_notation_as_python_writes_floats(text, value):
    # f"{1e-06}" is how a float reaches --set from a script; it was read as a float before
    # percentages were accepted, and must still be
    assert parse_share(text) == pytest.approx(value)
    sc = sim.load_scenario(BASELINE, [f"guarantee.coverage={text}"])
    assert sc.guarantee.coverage == pytest.approx(value)


def test_amounts_in_scientific_notation():
    assert parse_money("1e9") == 1e9
    assert parse_money("1.5e3m") == 1.5e9
