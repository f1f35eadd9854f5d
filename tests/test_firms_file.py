"""population.firms_file: a user's own list of firms, read, checked and used by the model."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import sim
from sim.scenario.firms_file import RATING_PD, read_firms_file

from .conftest import BASELINE, SCENARIOS, SMALL
from .test_cli import smesim

EXAMPLE = SCENARIOS / "firms" / "example_firms.csv"
OWN = SCENARIOS / "shanghai_2024_own_firms.yaml"


def _scenario(tmp_path, firms: str = "firms.csv", extra: str = "") -> str:
    """A scenario next to ``firms`` extending the baseline, one year long."""
    path = tmp_path / "own.yaml"
    path.write_text(
        f"extends: {BASELINE}\n"
        "name: own\n"
        "population:\n"
        f"  firms_file: {firms}\n"
        "  firms_n: null\n"
        f"{extra}"
        "horizon: {days: 365}\n"
        "awards: {round_days: [200]}\n"
        "loan_pool: {reallocation_day: 180}\n",
        encoding="utf-8",
    )
    return str(path)


def _firms(n: int = 50) -> pd.DataFrame:
    """``n`` valid firms with every kind of column."""
    return pd.DataFrame(
        {
            "id": [f"F{i:03d}" for i in range(n)],
            "tier": ["srdi"] * n,
            "zone": ["zone_01"] * n,
            "sector": ["manufacturing"] * n,
            "revenue": [50_000_000] * n,
            "employees": [40] * n,
            "age": [6.5] * n,
            "main_bank": ["ICBC"] * n,
            "pd": [0.02] * n,
            "collateral_ratio": [0.3] * n,
        }
    )


# --------------------------------------------------------------------------- running


def test_the_shipped_example_runs_end_to_end_and_lists_its_firms_by_id(tmp_path):
    out = tmp_path / "o"
    r = smesim(
        "run",
        str(OWN),
        "--out",
        str(out),
        "--no-report",
        "--set",
        "horizon.days=365",
        "--set",
        "awards.round_days=[200]",
        "--set",
        "loan_pool.reallocation_day=180",
    )
    assert r.returncode == 0, r.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["simulated_firms_n"] == 1000
    assert summary["firms_n"] == 15_000  # scale 15
    assert summary["approved_n"] > 0
    firms = pd.read_csv(out / "tables" / "firms.csv", keep_default_na=False)
    example = pd.read_csv(EXAMPLE, keep_default_na=False)
    assert firms["id"].tolist() == example["id"].tolist()
    # the file's tiers, but for the firms certification promoted during the run
    same = firms["tier"] == example["tier"]
    promoted = set(zip(example.loc[~same, "tier"], firms.loc[~same, "tier"], strict=True))
    assert promoted <= {("srdi", "little_giant"), ("non_core", "srdi")}
    assert 0 < (~same).sum() <= 8 + 53  # one round of the scenario's per-round counts
    assert (firms["zone"] == example["zone"]).all()
    assert (firms["main_bank"] == example["main_bank"]).all()


def test_the_example_is_consistent_with_the_baseline():
    sc = sim.load_scenario(OWN)
    table = read_firms_file(sc.population.firms_file, sc)
    assert table.n == sc.population.firms_n == 1000
    ex = pd.read_csv(EXAMPLE, keep_default_na=False)
    shares = ex["tier"].value_counts(normalize=True)
    for name, tier in sc.population.tiers.items():
        assert abs(shares[name] - tier.share) < 0.05, name
    # every column of the shipped file is a known one, and the file shows empty cells
    assert set(ex.columns) <= set(sim.scenario.firms_file.FIRMS_COLUMNS)
    assert (ex["collateral_ratio"] == "").any() and (ex["rating"] != "").any()


@pytest.mark.parametrize("columns", ["all", "id_tier"])
def test_a_file_holding_the_drawn_population_gives_the_synthetic_run_exactly(tmp_path, columns):
    # the same draws in the same order: a file that gives every attribute the model drew,
    # or only ids and tiers (the rest drawn), reproduces the synthetic run bit for bit
    # no certification rounds: the firms table then holds the tiers the firms were drawn in
    no_rounds = ["population.firms_n=1500", "awards.round_days=[]"]
    want = sim.run(sim.load_scenario(BASELINE, [*SMALL, *no_rounds]))
    f = want.firms.reset_index(drop=True).rename(columns={"age_years": "age", "pd_annual": "pd"})
    f.insert(0, "id", [f"X{i}" for i in range(len(f))])
    if columns == "id_tier":
        f = f[["id", "tier"]]
    f.to_parquet(tmp_path / "firms.parquet")
    own = sim.load_scenario(
        _scenario(tmp_path, "firms.parquet"), ["name=shanghai_2024", "awards.round_days=[]"]
    )
    got = sim.run(own)
    assert got.summary_dict() == want.summary_dict()
    assert got.firms["id"].tolist() == f["id"].tolist()


def test_a_firm_with_pd_09_is_refused_more_often_than_one_with_pd_0001(tmp_path):
    n = 1000
    f = _firms(n).drop(columns=["collateral_ratio"])
    f["pd"] = np.where(np.arange(n) % 2 == 0, 0.9, 0.001)
    f.to_csv(tmp_path / "firms.csv", index=False)
    res = sim.run(sim.load_scenario(_scenario(tmp_path)))
    apps = res.applications
    decided = apps[apps["outcome"] != "pending"]
    risky = decided["firm"].to_numpy() % 2 == 0
    refused = decided["outcome"].astype(str).str.startswith("refused").to_numpy()
    assert risky.sum() > 20 and (~risky).sum() > 20
    assert refused[risky].mean() > refused[~risky].mean() + 0.5
    assert res.firms["pd_annual"].to_numpy()[:4].tolist() == [0.9, 0.001, 0.9, 0.001]


def test_given_cells_are_used_and_empty_cells_drawn_from_the_tier(tmp_path):
    f = _firms(400).astype(object)
    f.loc[::2, "revenue"] = ""  # drawn for even rows
    f["rating"] = ""
    f.loc[1::4, "pd"] = ""
    f.loc[1::4, "rating"] = "BB+"  # pd from the rating where pd is empty
    f.loc[3::4, "zone"] = "none"
    f.loc[0, "revenue"] = "30m"  # amounts as in a scenario
    f.loc[2, "pd"] = "2%"
    f.to_csv(tmp_path / "firms.csv", index=False)
    res = sim.run(sim.load_scenario(_scenario(tmp_path)))
    firms = res.firms.reset_index(drop=True)
    assert firms.loc[0, "revenue"] == 30_000_000
    assert (firms.loc[1::2, "revenue"] == 50_000_000).all()
    drawn = firms.loc[2::2, "revenue"]
    assert drawn.nunique() == len(drawn)  # drawn: all different
    assert (firms.loc[1::4, "pd_annual"] == RATING_PD["BB"]).all()
    assert (firms.loc[2::4, "pd_annual"] == 0.02).all()
    assert (firms.loc[3::4, "zone"] == "none").all()
    assert (firms.loc[0::4, "zone"] == "zone_01").all()
    assert (firms["main_bank"] == "ICBC").all()
    assert (firms["employees"] == 40).all() and (firms["age_years"] == 6.5).all()


def test_scale_applies_each_listed_firm_standing_for_scale_firms():
    for scale in (1, 4):
        sc = sim.load_scenario(
            OWN,
            [
                f"population.scale={scale}",
                "horizon.days=200",
                "awards.round_days=[100]",
                "loan_pool.reallocation_day=null",
            ],
        )
        s = sim.run(sc).summary_dict()
        assert s["simulated_firms_n"] == 1000
        assert s["firms_n"] == 1000 * scale


def test_xlsx_and_parquet_read_as_the_csv(tmp_path):
    f = _firms(30)
    f.loc[5, "collateral_ratio"] = np.nan
    f.to_csv(tmp_path / "a.csv", index=False)
    f.to_excel(tmp_path / "a.xlsx", index=False)
    f.to_parquet(tmp_path / "a.parquet")
    sc = sim.load_scenario(_scenario(tmp_path, "a.csv"))
    want = read_firms_file(tmp_path / "a.csv", sc)
    for name in ("a.xlsx", "a.parquet"):
        got = read_firms_file(tmp_path / name, sc)
        assert got.ids.tolist() == want.ids.tolist()
        assert got.tier.tolist() == want.tier.tolist()
        assert set(got.given) == set(want.given)
        for k, (v, m) in want.given.items():
            assert got.given[k][1].tolist() == m.tolist(), (name, k)
            np.testing.assert_array_equal(got.given[k][0][m], v[m])


def test_a_csv_saved_by_excel_in_a_chinese_locale_is_read(tmp_path):
    f = _firms(5)
    f["name"] = "上海精密机械有限公司"  # other columns are ignored
    f.to_csv(tmp_path / "firms.csv", index=False, encoding="gb18030")
    sc = sim.load_scenario(_scenario(tmp_path))
    assert sc.population.firms_n == 5


def test_the_path_is_taken_from_the_scenario_file_that_names_it(tmp_path):
    child = tmp_path / "child.yaml"
    child.write_text(f"extends: {OWN}\nname: child\n", encoding="utf-8")
    r = smesim("validate", str(child), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "1,000 firms" in r.stdout


def test_a_conflicting_firms_n_is_refused_and_the_same_number_accepted(tmp_path):
    _firms(20).to_csv(tmp_path / "firms.csv", index=False)
    path = _scenario(tmp_path)
    assert sim.load_scenario(path, ["population.firms_n=20"]).population.firms_n == 20
    with pytest.raises(sim.ScenarioError) as e:
        sim.load_scenario(path, ["population.firms_n=15000"])
    assert e.value.field == "population.firms_n"
    assert "20" in str(e.value) and "null" in str(e.value)


# --------------------------------------------------------------------------- bad files


def _bad(tmp_path, frame: pd.DataFrame | str, name: str = "firms.csv"):
    if isinstance(frame, str):
        (tmp_path / name).write_text(frame, encoding="utf-8")
    else:
        frame.to_csv(tmp_path / name, index=False)
    return smesim("validate", _scenario(tmp_path, name))


def _mutate(**cells) -> pd.DataFrame:
    f = _firms(10).astype(object)
    for key, value in cells.items():
        column, row = key.rsplit("_", 1)
        f.loc[int(row), column] = value
    return f


@pytest.mark.parametrize(
    ("frame", "row", "column", "expected"),
    [
        (_firms(5).drop(columns=["id"]), 1, "id", "no column 'id'"),
        (_mutate(revenue_3=-5), 5, "revenue", "above 0"),
        (_mutate(tier_0="giant"), 2, "tier", "one of the tiers little_giant, srdi, non_core"),
        (_mutate(zone_7="zone_99"), 9, "zone", "zone_01..zone_55 or cluster_01..cluster_34"),
        (_mutate(main_bank_2="HSBC"), 4, "main_bank", "lenders"),
        (_mutate(id_6="F001"), 8, "id", "also the id of row 3"),
        (_mutate(pd_4=1.5), 6, "pd", "from 0 to 1"),
        (_mutate(pd_4=-0.1), 6, "pd", "from 0 to 1"),
        (_mutate(employees_1="many"), 3, "employees", "a number"),
        (_mutate(revenue_9="lots"), 11, "revenue", "an amount"),
        (_mutate(sector_0="mining"), 2, "sector", "sectors"),
        (_mutate(tier_5=""), 7, "tier", "an empty cell"),
        (_mutate(age_2=0), 4, "age", "above 0"),
        (_firms(5).rename(columns={"revenue": "revenu"}), 1, "revenu", "did you mean 'revenue'"),
    ],
    ids=[
        "missing-id-column",
        "negative-revenue",
        "unknown-tier",
        "unknown-zone",
        "unknown-bank",
        "duplicate-id",
        "pd-above-1",
        "pd-below-0",
        "non-numeric",
        "non-amount",
        "unknown-sector",
        "empty-tier",
        "zero-age",
        "misspelt-column",
    ],
)
def test_a_bad_firms_file_exits_2_naming_file_row_and_column(
    tmp_path, frame, row, column, expected
):
    r = _bad(tmp_path, frame)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "firms.csv" in r.stderr
    assert f"row {row}" in r.stderr
    assert f"column '{column}'" in r.stderr
    assert expected in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", "is empty"), ("id,tier\n", "holds no firms"), ("\n\n", "is empty")],
    ids=["empty", "header-only", "blank-lines"],
)
def test_an_empty_firms_file_exits_2(tmp_path, text, expected):
    r = _bad(tmp_path, text)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "firms.csv" in r.stderr and expected in r.stderr


def test_other_file_problems_exit_2(tmp_path):
    r = smesim("validate", _scenario(tmp_path, "nowhere.csv"))
    assert r.returncode == 2 and "nowhere.csv" in r.stderr and "not found" in r.stderr
    r = smesim("validate", _scenario(tmp_path, "firms.txt"))
    assert r.returncode == 2 and "population.firms_file" in r.stderr and ".xlsx" in r.stderr
    (tmp_path / "bad.xlsx").write_text("not a workbook")
    r = smesim("validate", _scenario(tmp_path, "bad.xlsx"))
    assert r.returncode == 2 and "bad.xlsx" in r.stderr and "Excel" in r.stderr


def test_many_problems_show_the_first_ten_in_row_order_and_count_the_rest(tmp_path):
    f = _firms(30).astype(object)
    f.loc[:, "revenue"] = -1
    f.loc[3, "tier"] = "giant"
    r = _bad(tmp_path, f)
    assert r.returncode == 2
    lines = [x for x in r.stderr.splitlines() if x.strip().startswith("- row")]
    assert len(lines) == 10
    assert lines[0].strip().startswith("- row 2, column 'revenue'")
    assert any("row 5, column 'tier'" in x for x in lines)
    assert "31 problems in 30 rows" in r.stderr


def test_a_bad_file_refused_by_run_writes_nothing(tmp_path):
    _mutate(revenue_3=-5).to_csv(tmp_path / "firms.csv", index=False)
    out = tmp_path / "out"
    r = smesim("run", _scenario(tmp_path), "--out", str(out))
    assert r.returncode == 2 and "row 5, column 'revenue'" in r.stderr
    assert not out.exists()


def test_blank_rows_are_skipped_and_rows_keep_their_spreadsheet_numbers(tmp_path):
    text = _mutate(tier_3="giant").to_csv(index=False).splitlines()
    text.insert(2, "")  # a blank line after the first firm
    text.insert(3, ",,,,,,,,,")  # and an empty row
    r = _bad(tmp_path, "\n".join(text) + "\n\n")
    assert r.returncode == 2
    assert "row 7, column 'tier'" in r.stderr and "1 problem" in r.stderr
