"""--format xlsx: one workbook with a headline sheet, one sheet per table and the column
dictionary; amounts with thousands separators, shares as percentages, frozen headers."""

from __future__ import annotations

import json
import math

import numpy as np
import openpyxl
import pandas as pd
import pytest

import sim
from sim.results import workbook
from sim.results.workbook import write_workbook

from .conftest import small_scenario
from .test_cli import _sets, smesim

TINY = "population.firms_n=1500"


def _sheet(ws) -> pd.DataFrame:
    rows = list(ws.iter_rows(values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0], dtype=object)


def _same(got: pd.Series, want: pd.Series) -> bool:
    """Equal values, missing where missing (dates compared as dates)."""
    if pd.api.types.is_datetime64_any_dtype(want):
        return list(pd.to_datetime(got)) == list(want)
    g = got.to_numpy(dtype=object)
    w = want.astype(object).where(want.notna(), None).to_numpy(dtype=object)
    for a, b in zip(g, w, strict=True):
        if b is None or (isinstance(b, float) and math.isnan(b)):
            if a is not None:
                return False
        elif isinstance(b, str):  # an ISO date in the table is a date in the workbook
            if a != b and not (hasattr(a, "date") and a.date().isoformat() == b):
                return False
        elif isinstance(b, float):  # openpyxl writes 16 significant digits (Excel shows 15)
            if not math.isclose(a, b, rel_tol=2e-16 * 8, abs_tol=0):
                return False
        elif a != b:
            return False
    return True


@pytest.fixture(scope="module")
def run_book(tmp_path_factory):
    out = tmp_path_factory.mktemp("xlsx") / "run"
    # the scenario small_scenario() reads, so that a library run gives the same tables
    r = smesim("run", "scenarios/shanghai_2024_hard_caps.yaml", "-o", str(out), "--no-report",
               "--format", "xlsx", *_sets(TINY))  # fmt: skip
    assert r.returncode == 0, r.stderr
    return out


def test_run_writes_one_workbook_with_every_sheet(run_book):
    assert sorted(p.name for p in (run_book / "tables").iterdir()) == ["tables.xlsx"]
    wb = openpyxl.load_workbook(run_book / "tables" / "tables.xlsx")
    assert wb.sheetnames == ["headline", "firms", "applications", "timeseries", "quotas",
                             "levels", "savings", "needs", "by_district", "by_sector", "by_size",
                             "columns"]  # fmt: skip
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert all(c.value is not None for c in ws[1]), ws.title


def test_sheets_hold_the_tables_values_unrounded(run_book):
    res = sim.run(small_scenario(TINY))
    wb = openpyxl.load_workbook(run_book / "tables" / "tables.xlsx")
    for name, df in res.tables().items():
        df = df.reset_index() if df.index.name else df
        got = _sheet(wb[name])
        assert list(got.columns) == list(df.columns), name
        assert len(got) == len(df), name
        for c in df.columns:
            assert _same(got[c], df[c]), (name, c)
    head = _sheet(wb["headline"])
    summary = json.loads((run_book / "summary.json").read_text())
    assert head["figure"].tolist() == list(summary)
    assert _same(head["value"], pd.Series(list(summary.values()), dtype=object))
    assert head.loc[head["figure"] == "disbursed_amount", "unit"].item() == "CNY"


def test_amounts_shares_counts_and_dates_have_number_formats(run_book):
    wb = openpyxl.load_workbook(run_book / "tables" / "tables.xlsx")

    def fmt(sheet: str, column: str) -> str:
        ws = wb[sheet]
        j = [c.value for c in ws[1]].index(column)
        return ws.cell(row=2, column=j + 1).number_format

    assert fmt("applications", "amount") == "#,##0.00"
    assert fmt("quotas", "remaining") == "#,##0.00"
    assert fmt("levels", "quota:ABC") == "#,##0.00"
    assert fmt("firms", "pd_annual") == "0.00%"
    assert fmt("quotas", "used_share") == "0.00%"
    assert fmt("timeseries", "aware_share") == "0.00%"
    assert fmt("timeseries", "approved_n") == "#,##0"
    assert fmt("timeseries", "date") == "yyyy-mm-dd"
    head = wb["headline"]
    rows = {r[0].value: r[1] for r in head.iter_rows(min_row=2)}
    assert rows["disbursed_amount"].number_format == "#,##0.00"
    assert rows["uptake_rate"].number_format == "0.00%"
    widths = [wb["applications"].column_dimensions[c].width for c in "ABCDEFGHIJK"]
    assert all(8 <= w <= 40 for w in widths)


def test_the_columns_sheet_describes_every_column_of_every_sheet(run_book):
    wb = openpyxl.load_workbook(run_book / "tables" / "tables.xlsx")
    d = _sheet(wb["columns"])
    assert list(d.columns) == ["table", "column", "meaning", "unit"]
    for ws in wb.worksheets:
        if ws.title in ("headline", "columns"):
            continue
        header = [c.value for c in ws[1]]
        assert d.loc[d["table"] == ws.title, "column"].tolist() == header, ws.title
    assert d["meaning"].str.len().min() > 8
    assert d.loc[(d["table"] == "applications") & (d["column"] == "amount"), "unit"].item() == "CNY"


def test_experiment_workbook_from_run_replications(tmp_path):
    out = tmp_path / "r"
    r = smesim("run", "scenarios/shanghai_2024.yaml", "-r", "2", "-p", "1", "-o", str(out),
               "--no-report", "--format", "xlsx", *_sets(TINY))  # fmt: skip
    assert r.returncode == 0, r.stderr
    wb = openpyxl.load_workbook(out / "tables" / "tables.xlsx")
    assert wb.sheetnames == ["headline", "replications", "summary", "fan", "exhaustion",
                             "columns"]  # fmt: skip
    summary = json.loads((out / "summary.json").read_text())
    head = _sheet(wb["headline"]).set_index("figure")
    assert head.loc["approved_n", "mean"] == summary["approved_n"]
    assert head.loc["approved_n", "p95"] == summary["approved_n_p95"]
    stats = wb["summary"]
    header = [c.value for c in stats[1]]
    for row in stats.iter_rows(min_row=2):
        metric, mean = row[header.index("metric")].value, row[header.index("mean")]
        if metric == "disbursed_amount":
            assert mean.number_format == "#,##0.00"
        if metric == "uptake_rate":
            assert mean.number_format == "0.00%"
    runs = _sheet(wb["replications"])
    assert runs["replication"].tolist() == [0, 1]


def test_text_that_looks_like_a_formula_stays_text_and_long_tables_go_on(tmp_path, monkeypatch):
    monkeypatch.setattr(workbook, "MAX_ROWS", 3)
    df = pd.DataFrame(
        {
            "account": ["=1+1", "b", "c", "d", "e"],
            "remaining": [1.5, np.nan, 3.0, 4.0, 5.0],
            "exhausted_on": pd.array([1, None, 3, 4, 5], dtype="Int64"),
        }
    )
    head = pd.DataFrame(
        {"figure": ["scenario"], "value": ["x"], "unit": ["text"], "meaning": ["m"]}
    )
    path = write_workbook(tmp_path / "t.xlsx", {"quotas": df}, headline=head)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["headline", "quotas", "quotas (2)", "columns"]
    first, second = _sheet(wb["quotas"]), _sheet(wb["quotas (2)"])
    assert first["account"].tolist() == ["=1+1", "b", "c"]
    assert wb["quotas"]["A2"].data_type == "s"
    assert second["account"].tolist() == ["d", "e"]
    assert first["remaining"].tolist()[:1] == [1.5] and first["remaining"][1] is None
    assert first["exhausted_on"][1] is None
