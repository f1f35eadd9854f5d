"""smesim new: a commented starter scenario that validates as written and runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import sim
from cli import app
from sim import texts
from sim.scenario import scenario_to_dict, starter
from sim.scenario.parameter_table import parameter_rows
from sim.scenario.plausibility import typical_range

from .conftest import BASELINE


def _invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def test_a_blank_starter_validates_strictly_and_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = _invoke("new", "x.yaml", "--blank")
    assert r.exit_code == 0, r.output
    assert "smesim validate x.yaml" in r.output
    assert _invoke("validate", "x.yaml", "--strict").exit_code == 0
    r = _invoke("run", "x.yaml", "--no-report", "--out", "o", "--strict")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "o" / "summary.json").is_file()
    sc = sim.load_scenario("x.yaml")
    assert sc.name == "x"
    # no zones, and one service centre (to deliver outreach), not Shanghai's 55 zones and 17 centres
    assert sc.population.zones.zones_n == 0 and sc.service_centres.centres_n == 1
    assert [b.name for b in sc.banks.lenders] == ["bank_a"]


def test_every_numeric_field_of_a_starter_has_its_meaning_unit_and_range(tmp_path):
    text = starter.starter_yaml(tmp_path / "x.yaml")
    lines = text.splitlines()
    numeric = 0
    for i, line in enumerate(lines):
        m = re.match(r"^\s*(?:- )?(\w+): (-?[\d.]+(?:k|m|bn|tn)?)$", line)
        if not m or m.group(1) == "seed":
            continue
        numeric += 1
        assert lines[i - 1].lstrip().startswith("# "), line
        assert "typical" in lines[i - 1], (line, lines[i - 1])
    assert numeric > 60


def test_like_shanghai_in_chinese_is_the_same_scenario_with_chinese_comments(tmp_path):
    f = tmp_path / "city.yaml"
    r = _invoke("new", str(f), "--like", "shanghai_2024", "--lang", "zh")
    assert r.exit_code == 0, r.output
    text = f.read_text(encoding="utf-8")
    assert "# 担保费率，每年占担保额的比例" in text
    assert "常见范围" in text and "guarantee fee" not in text
    got = scenario_to_dict(sim.load_scenario(f))
    want = scenario_to_dict(sim.load_scenario(BASELINE))
    assert {**got, "name": want["name"]} == want


def test_like_takes_a_path_too(tmp_path):
    f = tmp_path / "pool.yaml"
    path = BASELINE.parent / "example_national_pool.yaml"
    assert _invoke("new", str(f), "--like", str(path)).exit_code == 0
    assert sim.load_scenario(f).loan_pool.total == sim.load_scenario(path).loan_pool.total


def test_an_existing_file_is_kept_unless_force(tmp_path):
    f = tmp_path / "x.yaml"
    f.write_text("keep me", encoding="utf-8")
    r = _invoke("new", str(f))
    assert r.exit_code == 2 and "--force" in r.output
    assert f.read_text(encoding="utf-8") == "keep me"
    assert _invoke("new", str(f), "--force").exit_code == 0
    assert sim.load_scenario(f).name == "x"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--like", "shanghai_2025"], "did you mean 'shanghai_2024'?"),
        (["--like", "shanghai_2024", "--blank"], "not both"),
        (["--lang", "fr"], "--lang: expected zh or en"),
    ],
)
def test_a_bad_request_exits_2_and_writes_nothing(args, words, tmp_path):
    f = tmp_path / "x.yaml"
    r = _invoke("new", str(f), *args)
    assert r.exit_code == 2, r.output
    assert words in r.output
    assert not f.exists() and list(tmp_path.iterdir()) == []


def test_every_field_has_its_meaning_in_every_language():
    paths = {row.field_path for row in parameter_rows()}
    for lang in texts.LANGUAGES:
        missing = [p for p in paths if not texts.has_text(f"field.{p}", lang)]
        assert missing == [], lang
    assert {k for k in texts.section("field", "en")} <= paths
    assert typical_range("guarantee.fee_rate") is not None


def test_shipped_scenarios_are_found_in_an_installed_data_folder(tmp_path, monkeypatch):
    data = tmp_path / "share" / "smesim" / "scenarios"
    data.mkdir(parents=True)
    (data / "shanghai_2024.yaml").write_text(BASELINE.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(starter, "_SOURCE_TREE", tmp_path / "no_source_tree")
    monkeypatch.setattr(starter.sysconfig, "get_path", lambda name, scheme=None: str(tmp_path))
    assert starter.find_scenario("shanghai_2024") == data / "shanghai_2024.yaml"


def test_the_starter_names_itself_from_the_file(tmp_path: Path):
    text = starter.starter_yaml(tmp_path / "my_city.yaml")
    assert "\nname: my_city\n" in text
