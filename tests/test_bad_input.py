"""Bad input: every kind of mistake gets exit code 2 and one clear message, nothing written.

Each kind of malformed scenario file, ``--set`` override or output folder has its own
test. Every test asserts, for ``smesim run`` (and ``smesim validate`` where a scenario is
at fault), that the exit code is 2, that stderr names the file and the exact dotted path
of the field (``field 'loan_pool.total'``) and says what was expected, that no traceback
is shown, and that no output or temporary folder was written.

The catalogue runs the command line in-process (Typer's runner: the same code path,
about a hundred times faster); a sample of the cases also runs as a real ``smesim``
process, and the memory cases measure a real process.
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

import cli
import sim
from sim.scenario import estimate_memory_bytes

from .conftest import BASELINE, ROOT

RAW = yaml.safe_load(BASELINE.read_text())


def _set(path: str, value: Any) -> Callable[[dict], None]:
    def edit(d: dict) -> None:
        *head, last = path.split(".")
        node: Any = d
        for p in head:
            node = node[int(p)] if isinstance(node, list) else node[p]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return edit


def _drop(path: str) -> Callable[[dict], None]:
    def edit(d: dict) -> None:
        *head, last = path.split(".")
        node: Any = d
        for p in head:
            node = node[p]
        del node[last]

    return edit


def _doc(*edits: Callable[[dict], None]) -> str:
    """The baseline as a whole file, with edits applied."""
    d = copy.deepcopy(RAW)
    for e in edits:
        e(d)
    return yaml.safe_dump(d, sort_keys=False, allow_unicode=True)


def _invoke(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli.app, list(args))
    return res.exit_code, res.stderr


def _assert_refused(
    tmp_path: Path,
    scenario: Path,
    *args: str,
    field: str | None,
    expect: tuple[str, ...],
    commands: tuple[str, ...] = ("run", "validate"),
    file: Path | None = None,
) -> str:
    """Run each command on the bad input; check exit 2, the message and that nothing is written."""
    before = sorted(tmp_path.iterdir())
    out = tmp_path / "out"
    stderr = ""
    for command in commands:
        extra = ["--out", str(out)] if command == "run" else []
        code, stderr = _invoke(command, str(scenario), *extra, *args)
        assert code == 2, (command, code, stderr)
        assert stderr.startswith("error: "), stderr
        assert "Traceback" not in stderr
        assert str(file or scenario) in stderr, stderr
        if field is not None:
            assert f"field '{field}':" in stderr, stderr
        assert "expected" in stderr, stderr
        for text in expect:
            assert text in stderr, (text, stderr)
        assert not out.exists()
        assert sorted(tmp_path.iterdir()) == before, "something was written"
    return stderr


def _scenario_file(tmp_path: Path, text: str, name: str = "bad.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


# ----------------------------------------------------------------------------- the catalogue
# id: (file text, --set overrides, field path or None, expected phrases)
CASES: dict[str, tuple[str, tuple[str, ...], str | None, tuple[str, ...]]] = {
    # the file as a whole
    "empty_file": ("", (), None, ("is empty; expected a mapping of scenario sections",)),
    "only_comments": ("# nothing here\n", (), None, ("is empty",)),
    "not_yaml": ("name: [unclosed\nseed: 1\n", (), None, ("is not valid YAML at line",)),
    "tab_indentation": ("horizon:\n\tdays: 10\n", (), None, ("is not valid YAML at line 2",)),
    "yaml_list": ("- name\n- seed\n", (), None, ("holds a YAML list", "expected a mapping")),
    "yaml_text": ("just some words\n", (), None, ("holds a YAML text", "expected a mapping")),
    "yaml_number": ("42\n", (), None, ("holds a YAML number (42)", "expected a mapping")),
    "non_text_top_key": (
        _doc() + "1: one\n",
        (),
        None,
        ("expected text keys (section names) at the top level, got 1",),
    ),
    "duplicate_key": (
        _doc() + "seed: 2\n",
        (),
        None,
        ("is not valid YAML at line", "duplicate key 'seed'", "expected each key once"),
    ),
    "invalid_calendar_date": (
        _doc().replace("start_date: 2024-12-02", "start_date: 2024-02-30"),
        (),
        None,
        ("'2024-02-30' is not a valid date", "at line", "expected a date such as 2024-12-02"),
    ),
    "key_is_a_list": (
        "? [a, b]\n: 1\n",
        (),
        None,
        ("expected a text key, found a list or mapping",),
    ),
    "nested_too_deeply": ("a: " + "[" * 1000 + "]" * 1000 + "\n", (), None, ("too deeply",)),
    # unknown keys at every depth
    "unknown_key_top": (
        _doc(_set("sead", 1)),
        (),
        "sead",
        ("unknown key (did you mean 'seed'?); expected one of: awards, awareness",),
    ),
    "unknown_key_section": (
        _doc(_set("loan_pool.totl", "1bn")),
        (),
        "loan_pool.totl",
        ("unknown key (did you mean 'total'?)",),
    ),
    "unknown_key_tier": (
        _doc(_set("population.tiers.srdi.colour", "red")),
        (),
        "population.tiers.srdi.colour",
        ("unknown key; expected one of: age_median_years",),
    ),
    "unknown_key_lender_entry": (
        _doc(_set("banks.lenders.2.oficers", 3)),
        (),
        "banks.lenders.2.oficers",
        ("unknown key (did you mean 'officers'?)",),
    ),
    "unknown_key_lender_group": (
        _doc(_set("banks.group.size", 3)),
        (),
        "banks.group.size",
        ("unknown key",),
    ),
    "unknown_key_award_level": (
        _doc(_set("awards.levels.1.ammount", "1m")),
        (),
        "awards.levels.1.ammount",
        ("did you mean 'amount'?",),
    ),
    # missing keys
    "missing_required_key": (
        _doc(_drop("loan_pool.total")),
        (),
        "loan_pool.total",
        ("required key is missing; expected an amount such as 400bn",),
    ),
    "missing_required_section": (
        _doc(_drop("horizon")),
        (),
        "horizon",
        ("required key is missing; expected a section (a mapping) with at least days",),
    ),
    "missing_tier_share": (
        _doc(_drop("population.tiers.srdi.share")),
        (),
        "population.tiers.srdi.share",
        ("required key is missing; expected a share between 0 and 1",),
    ),
    # wrong types
    "wrong_type_whole_number": (
        _doc(_set("horizon.days", "a year")),
        (),
        "horizon.days",
        ("expected a whole number, got 'a year'",),
    ),
    "wrong_type_fractional_count": (
        _doc(_set("population.firms_n", 1500.5)),
        (),
        "population.firms_n",
        ("expected a whole number, got 1500.5",),
    ),
    "wrong_type_section_is_a_number": (
        _doc(_set("horizon", 5)),
        (),
        "horizon",
        ("expected a section (a mapping) with at least days, start_date, got 5",),
    ),
    "wrong_type_section_is_a_list": (
        _doc(_set("guarantee", ["capital", "4bn"])),
        (),
        "guarantee",
        ("expected a section (a mapping) with at least capital", "got a list"),
    ),
    "wrong_type_list": (
        _doc(_set("loan_pool.eligible_tiers", "srdi")),
        (),
        "loan_pool.eligible_tiers",
        ("expected a list such as [a, b], got 'srdi'",),
    ),
    "wrong_type_boolean": (
        _doc(_set("cost_relief.requires_awareness", "sometimes")),
        (),
        "cost_relief.requires_awareness",
        ("expected true or false, got 'sometimes'",),
    ),
    "wrong_type_money": (
        _doc(_set("loan_pool.total", "lots")),
        (),
        "loan_pool.total",
        (
            "expected an amount such as 400bn, 30m, 100k, 3000万, 40亿, 1.2万亿 or 2500000, got 'lots'",
        ),
    ),
    "wrong_money_suffix": (
        _doc(_set("guarantee.cap_per_firm", "30x")),
        (),
        "guarantee.cap_per_firm",
        ("expected an amount such as 400bn", "got '30x'"),
    ),
    "wrong_type_date": (
        _doc(_set("horizon.start_date", "next monday")),
        (),
        "horizon.start_date",
        ("expected a date such as 2024-12-02, got 'next monday'",),
    ),
    "wrong_choice": (
        _doc(_set("loan_pool.quota_mode", "lottery")),
        (),
        "loan_pool.quota_mode",
        ("expected 'bank_quotas' or 'shared_pool', got 'lottery'",),
    ),
    "number_too_large_for_a_float": (
        _doc().replace("total: 400bn", "total: 1" + "0" * 400),
        (),
        "loan_pool.total",
        ("expected a finite amount, got a number of about 401 digits",),
    ),
    # NaN and infinity
    "nan_money": (
        _doc(_set("loan_pool.total", float("nan"))),
        (),
        "loan_pool.total",
        ("expected a finite amount, got nan",),
    ),
    "inf_rate": (
        _doc(_set("rates.lpr_1y", float("inf"))),
        (),
        "rates.lpr_1y",
        ("expected a finite number, got inf",),
    ),
    "minus_inf_plain_number": (
        _doc(_set("demand.amount_sigma", float("-inf"))),
        (),
        "demand.amount_sigma",
        ("expected a finite number, got -inf",),
    ),
    "nan_share": (
        _doc(_set("guarantee.coverage", float("nan"))),
        (),
        "guarantee.coverage",
        ("expected a finite number, got nan",),
    ),
    # money and counts that must be positive
    "negative_money": (
        _doc(_set("cost_relief.budget", "-5bn")),
        (),
        "cost_relief.budget",
        ("expected an amount >= 0, got '-5bn'",),
    ),
    "zero_pool": (
        _doc(_set("loan_pool.total", 0)),
        (),
        "loan_pool.total",
        ("expected an amount > 0, got 0",),
    ),
    "zero_officers": (
        _doc(_set("banks.lenders.0.officers", 0)),
        (),
        "banks.lenders.0.officers",
        ("expected a whole number >= 1, got 0",),
    ),
    "negative_firm_count": (
        _doc(_set("population.firms_n", -10)),
        (),
        "population.firms_n",
        ("expected a whole number >= 1 and <= 50,000,000, got -10",),
    ),
    # shares
    "share_above_one": (
        _doc(_set("guarantee.coverage", 1.5)),
        (),
        "guarantee.coverage",
        ("expected a share between 0 and 1 (0.3 means 30 %), got 1.5",),
    ),
    "share_below_zero": (
        _doc(_set("awareness.initial_share", -0.1)),
        (),
        "awareness.initial_share",
        ("expected a share between 0 and 1", "got -0.1"),
    ),
    "share_given_as_percent": (
        _doc(_set("loan_pool.interest_subsidy_share", 30)),
        (),
        "loan_pool.interest_subsidy_share",
        ("expected a share between 0 and 1 (0.3 means 30 %), got 30",),
    ),
    "tier_shares_not_summing": (
        _doc(_set("population.tiers.srdi.share", 0.5)),
        (),
        "population.tiers.*.share",
        ("expected the tiers' shares of the population to sum to 1", "they sum to 0.8267"),
    ),
    "sector_shares_not_summing": (
        _doc(_set("population.sectors.other", 0.2)),
        (),
        "population.sectors",
        ("expected the sector shares to sum to 1", "they sum to 1.15"),
    ),
    "market_shares_not_summing": (
        _doc(_set("banks.group.market_share", 0.3)),
        (),
        "banks.lenders.*.market_share",
        ("expected the lenders' market shares to sum to 1", "group other_bank 0.3"),
    ),
    "quota_shares_not_summing": (
        _doc(_set("banks.lenders.0.quota_share", 0.5)),
        (),
        "banks.lenders.*.quota_share",
        ("expected the lenders' quota shares", "they sum to 1.25", "ABC 0.5"),
    ),
    # caps larger than the pool they draw on
    "guarantee_cap_above_capacity": (
        _doc(_set("guarantee.capital", "5m")),
        (),
        "guarantee.cap_per_firm",
        ("expected at most the fund's capacity, capital x leverage = 5,000,000 x 5",),
    ),
    "loan_cap_above_pool": (
        _doc(_set("loan_pool.max_per_firm", "500bn")),
        (),
        "loan_pool.max_per_firm",
        ("expected at most loan_pool.total (400,000,000,000); got 500,000,000,000",),
    ),
    "credit_sub_quota_above_pool": (
        _doc(_set("loan_pool.credit_sub_quota", "401bn")),
        (),
        "loan_pool.credit_sub_quota",
        ("expected at most loan_pool.total (400,000,000,000)",),
    ),
    "min_loan_above_max_loan": (
        _doc(_set("loan_pool.min_amount", "3bn")),
        (),
        "loan_pool.min_amount",
        ("expected at most loan_pool.max_per_firm (2,000,000,000)",),
    ),
    "zone_budgets_above_relief_budget": (
        _doc(_set("cost_relief.zone_budgets", {"zone_01": "10bn", "zone_02": "10bn"})),
        (),
        "cost_relief.zone_budgets",
        ("expected the zone budgets to sum to at most cost_relief.budget",),
    ),
    # references to things that do not exist
    "award_day_outside_horizon": (
        _doc(_set("awards.round_days", [240, 2000])),
        (),
        "awards.round_days.1",
        ("expected a day within the horizon 0..1094; got 2000",),
    ),
    "reallocation_day_outside_horizon": (
        _doc(_set("loan_pool.reallocation_day", 5000)),
        (),
        "loan_pool.reallocation_day",
        ("expected a day within the horizon 1..1094",),
    ),
    "unknown_zone": (
        _doc(_set("cost_relief.zone_budgets", {"zone_99": "1bn"})),
        (),
        "cost_relief.zone_budgets.zone_99",
        ("no zone or cluster named 'zone_99'; expected one of zone_01..zone_55",),
    ),
    "unknown_tier": (
        _doc(_set("guarantee.eligible_tiers", ["little_giant", "giants"])),
        (),
        "guarantee.eligible_tiers.1",
        ("unknown tier 'giants'; expected one of the population's tiers",),
    ),
    "relief_budget_without_zones": (
        _doc(_set("population.zones", {"zones_n": 0, "clusters_n": 0})),
        (),
        "cost_relief.budget",
        ("expected 0 when there is no zone or cluster",),
    ),
    "duplicate_lender_name": (
        _doc(_set("banks.lenders.3.name", "ICBC")),
        (),
        "banks.lenders.3.name",
        ("expected a unique lender name; 'ICBC' is also banks.lenders.1.name",),
    ),
    "no_lender": (
        _doc(_set("banks", {"lenders": []})),
        (),
        "banks.lenders",
        ("expected at least one lender",),
    ),
    "name_escaping_the_reports_folder": (
        _doc(_set("name", "..")),
        (),
        "name",
        ("expected a name with a letter or digit",),
    ),
    "name_with_a_slash": (
        _doc(_set("name", "a/b")),
        (),
        "name",
        ("expected letters, digits, '_', '.' and '-' only, got 'a/b'",),
    ),
    # several problems at once: each named
    "several_problems": (
        _doc(_set("horizon.days", 0), _set("loan_pool.total", -1)),
        (),
        None,
        (
            "2 problems:",
            "field 'horizon.days': expected a whole number >= 1",
            "field 'loan_pool.total': expected an amount > 0, got -1",
        ),
    ),
    # --set overrides
    "set_unknown_path": (
        _doc(),
        ("--set", "loan_pool.totl=1bn"),
        "loan_pool.totl",
        ("--set: 'totl' is not a field of loan_pool (did you mean 'total'?); expected one of:",),
    ),
    "set_unknown_section": (
        _doc(),
        ("--set", "gurantee.cap_per_firm=20m"),
        "gurantee.cap_per_firm",
        ("--set: 'gurantee' is not a field of a scenario",),
    ),
    "set_index_out_of_range": (
        _doc(),
        ("--set", "banks.lenders.99.officers=1"),
        "banks.lenders.99.officers",
        ("--set: expected an index below 7 into banks.lenders, got '99'",),
    ),
    "set_inside_a_single_value": (
        _doc(),
        ("--set", "horizon.days.max=1"),
        "horizon.days.max",
        ("--set: horizon.days is a single value with no fields inside",),
    ),
    "set_unparseable_value": (
        _doc(),
        ("--set", "loan_pool.eligible_tiers=[srdi,"),
        "loan_pool.eligible_tiers",
        ("--set value '[srdi,' cannot be parsed: expected the node content", "expected a number"),
    ),
    "set_value_of_wrong_kind": (
        _doc(),
        ("--set", "loan_pool.total=abc"),
        "loan_pool.total",
        (
            "expected an amount such as 400bn, 30m, 100k, 3000万, 40亿, 1.2万亿 or 2500000, got 'abc'",
        ),
    ),
    "set_invalid_date_value": (
        _doc(),
        ("--set", "horizon.start_date=2024-02-30"),
        "horizon.start_date",
        ("cannot be parsed",),
    ),
    "set_without_equals": (
        _doc(),
        ("--set", "loan_pool.total"),
        "loan_pool.total",
        ("--set: expected path.to.key=value, got 'loan_pool.total'",),
    ),
    "set_malformed_path": (
        _doc(),
        ("--set", "loan_pool..total=1bn"),
        "loan_pool..total",
        ("--set: expected a dotted path such as loan_pool.total",),
    ),
    "set_into_a_scalar_in_the_file": (
        _doc(_set("horizon", 5)),
        ("--set", "horizon.days=30"),
        "horizon.days",
        ("--set: horizon is 5 in the scenario, not a mapping",),
    ),
    "set_breaks_a_cross_field_rule": (
        _doc(),
        ("--set", "horizon.days=100"),
        "awards.round_days.0",
        ("expected a day within the horizon 0..99; got 240",),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_scenario_is_refused_with_the_field_and_nothing_written(tmp_path, case):
    text, overrides, field, expect = CASES[case]
    bad = _scenario_file(tmp_path, text)
    _assert_refused(tmp_path, bad, *overrides, field=field, expect=expect)


OPTION_PATHS = {
    "sweep --vary": ("sweep", "--vary", "loan_pool.totl=1bn,2bn"),
    "sweep --range": ("sweep", "--sample", "4", "--range", "loan_pool.totl=1bn:2bn"),
    "sensitivity --param": (
        "sensitivity",
        "--output",
        "uptake_rate",
        "--param",
        "loan_pool.total=300bn:500bn",
        "--param",
        "loan_pool.totl=1bn:2bn",
    ),
    "design --lever": (
        "design",
        "--target",
        "mean uptake_rate >= 0.5",
        "--lever",
        "loan_pool.totl=1bn:2bn",
    ),
    "calibrate --fit": (
        "calibrate",
        "--targets",
        str(ROOT / "scenarios" / "targets" / "shanghai_2024_example.yaml"),
        "--fit",
        "loan_pool.totl=1bn:2bn",
    ),
}


@pytest.mark.parametrize("case", list(OPTION_PATHS))
def test_a_wrong_path_in_an_analysis_option_names_the_file_and_the_option(tmp_path, case):
    command, *args = OPTION_PATHS[case]
    option = case.split()[1]
    out = tmp_path / "out"
    code, stderr = _invoke(command, str(BASELINE), "--out", str(out), *args)
    assert code == 2, stderr
    assert stderr.startswith(f"error: {BASELINE}: field 'loan_pool.totl': {option}: 'totl' is not")
    assert "<" not in stderr.split(":")[1] and "--set" not in stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_a_bound_in_conflict_with_the_scenario_names_the_file(tmp_path):
    out = tmp_path / "out"
    code, stderr = _invoke(
        "sensitivity", str(BASELINE), "--out", str(out), "--output", "uptake_rate",
        "--param", "loan_pool.total=1bn:500bn", "--param", "guarantee.coverage=0.5:0.9",
    )  # fmt: skip
    assert code == 2, stderr
    assert stderr.startswith(f"error: {BASELINE}: field 'loan_pool.total': --param "), stderr
    assert "loan_pool.credit_sub_quota" in stderr and not out.exists()


def test_object_building_yaml_tags_are_refused_and_nothing_runs(tmp_path):
    marker = tmp_path / "pwned"
    bad = _scenario_file(
        tmp_path,
        _doc(_drop("description"))
        + f'description: !!python/object/apply:os.system ["touch {marker}"]\n',
    )
    _assert_refused(
        tmp_path,
        bad,
        field=None,
        expect=("could not determine a constructor for the tag", "expected plain data"),
    )
    assert not marker.exists()
    for tag in ("!!python/name:os.system", "!!python/object:pathlib.Path {}"):
        bad.write_text(_doc(_drop("description")) + f"description: {tag}\n")
        _assert_refused(tmp_path, bad, field=None, expect=("expected plain data",))


def test_missing_file(tmp_path):
    _assert_refused(tmp_path, tmp_path / "nope.yaml", field=None, expect=("file not found",))


def test_scenario_is_a_folder(tmp_path):
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    _assert_refused(tmp_path, folder, field=None, expect=("is a folder, expected a YAML",))


def test_scenario_not_utf8(tmp_path):
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes("description: caf\xe9\n".encode("latin-1"))
    _assert_refused(tmp_path, bad, field=None, expect=("is not UTF-8 text",))


# ----------------------------------------------------------------------------- extends:


def test_extends_missing_file(tmp_path):
    bad = _scenario_file(tmp_path, "extends: no_such_base.yaml\nname: v\n")
    _assert_refused(
        tmp_path,
        bad,
        field="extends",
        expect=("expected the path of another scenario file;", "no_such_base.yaml does not exist"),
    )


def test_extends_itself(tmp_path):
    bad = _scenario_file(tmp_path, "extends: bad.yaml\nname: v\n")
    _assert_refused(tmp_path, bad, field="extends", expect=("a scenario cannot extend itself",))


def test_extends_cycle(tmp_path):
    a = _scenario_file(tmp_path, "extends: b.yaml\nname: a\n", "a.yaml")
    b = _scenario_file(tmp_path, "extends: c.yaml\nname: b\n", "b.yaml")
    _scenario_file(tmp_path, "extends: a.yaml\nname: c\n", "c.yaml")
    err = _assert_refused(
        tmp_path,
        a,
        field="extends",
        expect=("expected a chain of files without a cycle", "a.yaml -> "),
    )
    assert str(b) in err and str(tmp_path / "c.yaml") in err


def test_extends_not_a_path(tmp_path):
    bad = _scenario_file(tmp_path, "extends: [base.yaml]\nname: v\n")
    _assert_refused(
        tmp_path,
        bad,
        field="extends",
        expect=("expected the path of another scenario file, got a list ['base.yaml']",),
    )


def test_extends_unusable_path(tmp_path):
    bad = _scenario_file(tmp_path, 'extends: "a\\0b.yaml"\nname: v\n')
    _assert_refused(tmp_path, bad, field="extends", expect=("embedded null byte",))
    bad.write_text(f"extends: {'x' * 5000}.yaml\nname: v\n")
    _assert_refused(tmp_path, bad, field="extends", expect=("File name too long",))


def test_error_in_a_base_file_names_the_variant(tmp_path):
    """A variant's own bad key is reported against the variant, with its path."""
    base = _scenario_file(tmp_path, _doc(), "base.yaml")
    bad = _scenario_file(tmp_path, f"extends: {base.name}\nguarantee:\n  coverage: 2\n")
    _assert_refused(
        tmp_path, bad, field="guarantee.coverage", expect=("expected a share between 0 and 1",)
    )


# ----------------------------------------------------------------------------- options, folders


def test_unknown_table_format(tmp_path):
    code, err = _invoke("run", str(BASELINE), "--out", str(tmp_path / "o"), "--format", "xml")
    assert code == 2
    assert "--format: expected csv, parquet or xlsx, got 'xml'" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("make_out", "expect"),
    [
        (lambda t: t / "file" / "sub", "/file is a file, not a folder); choose another"),
        (lambda t: t / "file", "exists and is not a folder"),
        (lambda t: Path("/proc/smesim-test/out"), "cannot be written"),
        (lambda t: t / "repo", "holds a git repository"),
        (lambda t: Path(os.curdir), "is not a folder name of its own"),
        (lambda t: Path("/"), "is not a folder name of its own"),
        (lambda t: Path.home(), "holds your home folder"),
    ],
    ids=["under_a_file", "is_a_file", "proc", "git_repository", "current", "root", "home"],
)
def test_output_folder_that_cannot_or_must_not_be_written(tmp_path, make_out, expect):
    (tmp_path / "file").write_text("x")
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "code.py").write_text("keep me")
    before = sorted(p for p in tmp_path.rglob("*"))
    out = make_out(tmp_path)
    code, err = _invoke("run", str(BASELINE), "--out", str(out), "--set", "population.firms_n=100")
    assert code == 2, err
    assert err.startswith(f"error: output folder {out}: ")
    assert expect in err
    assert "Traceback" not in err
    assert sorted(p for p in tmp_path.rglob("*")) == before
    assert (tmp_path / "repo" / "code.py").read_text() == "keep me"


# ----------------------------------------------------------------------------- absurd sizes


def _measured(args: list[str]) -> tuple[int, str, int]:
    """Run a command; return its exit code, stderr and peak resident memory in bytes."""
    with tempfile.TemporaryFile("w+") as err:
        p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=err, cwd=ROOT, text=True)
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        return p.returncode, err.read(), usage.ru_maxrss * 1024


def test_population_too_large_for_memory_is_refused_before_allocating(tmp_path):
    out = tmp_path / "out"
    code, err, peak = _measured(
        [sys.executable, "-m", "cli", "run", str(BASELINE), "--out", str(out),
         "--set", "population.firms_n=50000000", "--set", "horizon.days=36500"]
    )  # fmt: skip
    assert code == 2, err
    assert f"{BASELINE}: field 'population.firms_n': " in err
    assert "expected a scenario that fits in this machine's memory: a run needs about" in err
    sc = sim.load_scenario(BASELINE, ["population.firms_n=1000", "horizon.days=36500"])
    need = estimate_memory_bytes(sc.model_copy(update={"population": sc.population.model_copy(
        update={"firms_n": 50_000_000})}))  # fmt: skip
    assert f"about {need / 2**30:.1f} GiB" in err
    assert "Traceback" not in err
    assert not out.exists() and list(tmp_path.iterdir()) == []
    # refused before anything of that size was allocated
    assert peak < 1 * 2**30


def test_horizon_too_long_for_memory_names_the_horizon(tmp_path):
    bad = _scenario_file(
        tmp_path, _doc(_set("population.zones.zones_n", 100_000), _set("horizon.days", 36500))
    )
    _assert_refused(
        tmp_path,
        bad,
        field="horizon.days",
        expect=("expected a scenario that fits in this machine's memory", "GiB"),
    )


@pytest.mark.parametrize(
    "sets",
    [
        # firms and their needs dominate
        [
            "population.firms_n=120000",
            "horizon.days=365",
            "awards.round_days=[200]",
            "loan_pool.reallocation_day=180",
        ],
        # accounts recorded every day dominate
        ["population.firms_n=2000", "banks.group.n=3000", "horizon.days=3000"],
    ],
    ids=["firms", "accounts_x_days"],
)
def test_memory_estimate_is_near_a_measured_run(sets):
    """The estimate used to refuse scenarios is within -25 %..+50 % of a real run's peak."""
    # the peak of the run's own memory (VmHWM): ru_maxrss of a child also counts the
    # memory of the test process it was forked from
    script = (
        "import sim, sys; sim.run(sim.load_scenario(sys.argv[1], sys.argv[2:])); "
        "print(open('/proc/self/status').read())"
    )
    with tempfile.TemporaryFile("w+") as out:
        p = subprocess.run(
            [sys.executable, "-c", script, str(BASELINE), *sets],
            stdout=out, stderr=subprocess.PIPE, cwd=ROOT, text=True, check=False,
        )  # fmt: skip
        out.seek(0)
        status = out.read()
    code, err = p.returncode, p.stderr
    assert code == 0, err
    peak = next(
        int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmHWM:")
    )
    est = estimate_memory_bytes(sim.load_scenario(BASELINE, sets))
    assert 0.75 * peak <= est <= 1.5 * peak, (est / 2**20, peak / 2**20)


# ----------------------------------------------------------------------------- a real process


SAMPLE = [
    "not_yaml",
    "unknown_key_lender_entry",
    "missing_required_key",
    "nan_money",
    "share_above_one",
    "guarantee_cap_above_capacity",
    "unknown_zone",
    "set_unknown_path",
]


@pytest.mark.parametrize("case", SAMPLE)
def test_sample_through_the_smesim_process(tmp_path, case):
    """The same answer reaches a user's terminal from the installed command."""
    text, overrides, field, expect = CASES[case]
    bad = _scenario_file(tmp_path, text)
    out = tmp_path / "out"
    r = subprocess.run(
        [sys.executable, "-m", "cli", "run", str(bad), "--out", str(out), *overrides],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert r.returncode == 2, r.stderr
    assert r.stdout == ""
    assert r.stderr.startswith(f"error: {bad}")
    if field:
        assert f"field '{field}':" in r.stderr
    for e in expect:
        assert e in r.stderr
    assert "Traceback" not in r.stderr
    assert sorted(tmp_path.iterdir()) == [bad]
