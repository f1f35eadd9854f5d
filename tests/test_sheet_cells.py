"""The workbook written directly holds what openpyxl wrote before, cell for cell: sheet
names and order, values and their types, number formats, column widths, frozen header;
floats now read back exactly (openpyxl wrote 16 significant digits)."""

from __future__ import annotations

import datetime as dt
import warnings

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import sim
from sim.results import workbook
from sim.results.workbook import headline_table, write_workbook

from .conftest import small_scenario
from .hypothesis_profiles import examples
from .workbook_reference import write_workbook_openpyxl

TINY = "population.firms_n=1500"


def _book(path) -> dict[str, tuple]:
    """Every sheet as (frozen pane, column widths, rows of (value, data type, format))."""
    with warnings.catch_warnings():
        # a number beyond Excel's dates under a date format: an error cell, in both files
        warnings.filterwarnings("ignore", "Cell .* is marked as a date", UserWarning)
        wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        widths = {k: d.width for k, d in ws.column_dimensions.items()}
        rows = [[(c.value, c.data_type, c.number_format) for c in row] for row in ws.iter_rows()]
        out[ws.title] = (ws.freeze_panes, widths, rows)
    return out


def _as_openpyxl_wrote(value):
    """A number as openpyxl wrote it ("%.16g") and read it back (int unless "." or "e")."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    text = f"{value:.16g}"
    return float(text) if any(c in text for c in ".eE") else int(text)


def _same_cell(new, old) -> bool:
    (nv, nt, nf), (ov, ot, of) = new, old
    # the new file holds the exact double, where openpyxl wrote 16 significant digits
    expected = _as_openpyxl_wrote(nv)
    if (nt, nf, type(expected)) != (ot, of, type(ov)):
        return False
    if isinstance(nv, dt.datetime):
        # openpyxl reads a serial to the millisecond; 16 digits of it can round either way
        return abs(nv - ov) <= dt.timedelta(milliseconds=1)
    if isinstance(expected, str) and "\r" in expected and "\r" not in ov:
        # openpyxl without lxml writes a carriage return as it is, and XML readers turn it
        # into a line feed; the new file keeps it (&#13;), as openpyxl with lxml did
        expected = expected.replace("\r\n", "\n").replace("\r", "\n")
    return expected == ov


def assert_same_books(new_path, old_path) -> None:
    new, old = _book(new_path), _book(old_path)
    assert list(new) == list(old)
    for title in old:
        (n_pane, n_widths, n_rows), (o_pane, o_widths, o_rows) = new[title], old[title]
        assert n_pane == o_pane == "A2", title
        assert n_widths == o_widths, title
        assert len(n_rows) == len(o_rows), title
        for i, (nr, orow) in enumerate(zip(n_rows, o_rows, strict=True)):
            assert len(nr) == len(orow), (title, i)
            for j, (nc, oc) in enumerate(zip(nr, orow, strict=True)):
                assert _same_cell(nc, oc), (title, i + 1, j + 1, nc, oc)


@pytest.fixture(scope="module")
def run_tables():
    res = sim.run(small_scenario(TINY))
    tables = {n: (df.reset_index() if df.index.name else df) for n, df in res.tables().items()}
    return tables, res.summary_values


def test_a_run_workbook_holds_what_openpyxl_wrote(run_tables, tmp_path):
    tables, summary = run_tables
    head = headline_table({**summary, "scenario": "上海 2024 专项贷款"})
    new = write_workbook(tmp_path / "new.xlsx", tables, headline=head)
    old = write_workbook_openpyxl(tmp_path / "old.xlsx", tables, headline=head)
    assert_same_books(new, old)
    assert openpyxl.load_workbook(new)["headline"]["B2"].value == "上海 2024 专项贷款"


def _every_kind(n: int = 9) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "amount": [0.1 + 0.2, 1 / 3, -0.0, 1e20, 1e-7, np.nan, 12.0, 2.5e-310, np.inf][:n],
            "attempt": np.arange(n, dtype=np.int64),
            "retried": np.arange(n) % 2 == 0,
            "exhausted_date": pd.to_datetime(
                ["2024-12-02", None, "1900-01-15", "1900-03-01", "2025-01-31 12:30:15.5",
                 "1899-12-31", "2024-02-29", "2030-01-01", "9999-12-31"], format="ISO8601"
            )[:n],  # fmt: skip
            "when": pd.to_datetime(["2024-12-02 08:00"] * n),
            "account": ["=1+1", " lead", 'a&b<c>"', "中文 上海", None, "x\r\ny\tz", "", "plain", "="][:n],
            "tier": pd.Categorical(["a", None, "b", "a", "b", "a", "a", " b", "b"][:n]),
            "exhausted_on": pd.array([1, None, 3, 4, 5, 6, 7, 8, 2**40][:n], dtype="Int64"),
            "share": pd.array([0.5, None, 0.25, 1, 0, 0, 0, 0, 1][:n], dtype="Float64"),
            "ok": pd.array([True, None, False, True, True, True, True, True, False][:n], dtype="boolean"),
            "text": pd.array(["a", None, "b", "c", "d", "e", "f", "g", "h"][:n], dtype="string"),
            "numbers": pd.Series([1.5, None, 2, 3, 0.1 + 0.2, 1e20, -7, np.nan, 2**40][:n], dtype=object),
            "mixed": pd.Series(["s", 1.5, 2, True, None, "2024-01-01", dt.datetime(2024, 5, 1), "", 7.25][:n], dtype=object),
        }
    )  # fmt: skip


def _headline() -> pd.DataFrame:
    figures = ["scenario", "disbursed_amount", "uptake_rate", "approved_n", "start", "none"]
    values = ["中文", 1.5e9 + 0.1, 0.25, 1234, "2024-12-01", None]
    return pd.DataFrame(
        {"figure": figures, "value": values, "unit": ["u"] * 6, "meaning": ["m"] * 6}
    )


def test_every_kind_of_column_and_continuation_sheets(tmp_path, monkeypatch):
    df = _every_kind()
    summary = pd.DataFrame(
        {
            "metric": ["disbursed_amount", "uptake_rate", "approved_n", "unknown"],
            "mean": [1.5e9, 0.3, 10.0, np.nan],
            "n": [3, 3, 3, 0],
        }
    )
    tables = {"quotas": df, "summary": summary, "empty": df.iloc[:0]}
    old = write_workbook_openpyxl(tmp_path / "old.xlsx", tables, headline=_headline(), max_rows=4)
    monkeypatch.setattr(workbook, "MAX_ROWS", 4)
    new = write_workbook(tmp_path / "new.xlsx", tables, headline=_headline())
    names = openpyxl.load_workbook(new).sheetnames
    assert names[:6] == [
        "headline",
        "headline (2)",
        "quotas",
        "quotas (2)",
        "quotas (3)",
        "summary",
    ]
    assert names[6:9] == ["empty", "columns", "columns (2)"]
    assert_same_books(new, old)


def test_floats_read_back_exactly(tmp_path):
    rng = np.random.default_rng(7)
    x = np.concatenate(
        [
            rng.random(500) * 10.0 ** rng.integers(-12, 15, 500),  # 17 significant digits
            [0.1 + 0.2, 5e-324, 1.7976931348623157e308, -123456.789, 2.0**53 + 2, 9.5e15],
        ]
    )
    assert any(float(f"{v:.16g}") != v for v in x)  # what openpyxl lost
    df = pd.DataFrame({"amount": x, "n": np.arange(len(x)) * 10**12})
    path = write_workbook(tmp_path / "t.xlsx", {"quotas": df}, headline=_headline())
    wb = openpyxl.load_workbook(path, read_only=True)
    got = list(wb["quotas"].iter_rows(min_row=2, values_only=True))
    wb.close()
    assert [r[0] for r in got] == x.tolist()
    assert [r[1] for r in got] == df["n"].tolist()
    back = pd.read_excel(path, sheet_name="quotas", engine="openpyxl")
    pd.testing.assert_frame_equal(back, df, check_exact=True)


def test_text_xml_cannot_hold_is_escaped_and_literal_escapes_kept(tmp_path):
    texts = ["a\x01b", "\x1f", "_x0041_", "bell\x07 and _x00e9_", "#N/A", "=SUM(A1:A2)"]
    df = pd.DataFrame({"account": texts})
    path = write_workbook(tmp_path / "t.xlsx", {"quotas": df}, headline=_headline())
    ws = openpyxl.load_workbook(path)["quotas"]
    got = [ws.cell(row=i + 2, column=1) for i in range(len(texts))]
    assert all(c.data_type == "s" for c in got)  # never a formula or an error code
    # openpyxl does not decode SpreadsheetML escapes; Excel turns them back into the text
    assert [c.value for c in got] == [
        "a_x0001_b", "_x001F_", "_x005F_x0041_", "bell_x0007_ and _x005F_x00e9_", "#N/A",
        "=SUM(A1:A2)",
    ]  # fmt: skip


def test_a_second_reader_agrees(tmp_path, run_tables):
    pytest.importorskip("python_calamine")
    tables, summary = run_tables
    tables = {"firms": tables["firms"], "quotas": tables["quotas"], "kinds": _every_kind(8)}
    path = write_workbook(tmp_path / "t.xlsx", tables, headline=headline_table(summary))
    by_openpyxl = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    by_calamine = pd.read_excel(path, sheet_name=None, engine="calamine")
    assert list(by_calamine) == list(by_openpyxl)
    for name, df in by_openpyxl.items():
        pd.testing.assert_frame_equal(by_calamine[name], df, check_dtype=False, check_exact=True)


_TEXT = st.text(alphabet=st.sampled_from(list("ab =#&<>\"'\t\n\r_x0上海")), max_size=6)
_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**60), 2**60),
    st.floats(allow_nan=True, allow_infinity=True),
    _TEXT,
)  # no datetimes: openpyxl's shared cell of a number format kept a date's format for the
# numbers after it (``tests/workbook_reference.py``), which the new writer does not copy


_DATES = st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31))
_COLUMN = st.one_of(
    st.tuples(st.just(object), st.lists(_VALUE, min_size=3, max_size=3)),
    st.tuples(st.just(np.float64), st.lists(st.floats(), min_size=3, max_size=3)),
    st.tuples(st.just(np.int64), st.lists(st.integers(-(2**62), 2**62), min_size=3, max_size=3)),
    st.tuples(st.just(bool), st.lists(st.booleans(), min_size=3, max_size=3)),
    st.tuples(st.just("datetime64[us]"), st.lists(st.none() | _DATES, min_size=3, max_size=3)),
    st.tuples(st.just("category"), st.lists(st.none() | _TEXT, min_size=3, max_size=3)),
    st.tuples(st.just(object), st.lists(st.none() | _TEXT, min_size=3, max_size=3)),
)
#: Columns of ``quotas`` with a money, share and count format, and one without; with the
#: date format for dates (text or numbers under it are parsed as dates, with warnings).
_NAMES = ["remaining", "used_share", "draws_n", "account", "overshoot"]
_DATE_NAMES = ["exhausted_date", "reached_date", "d3", "d4", "d5"]


@examples(25)
@given(
    columns=st.lists(_COLUMN, min_size=1, max_size=5),
    units=st.lists(
        st.sampled_from(["money", "share", "count", "date", "years", "text"]),
        min_size=3,
        max_size=3,
    ),
)
def test_random_columns_hold_what_openpyxl_wrote(tmp_path_factory, columns, units):
    tmp = tmp_path_factory.mktemp("random")
    names = [
        (_DATE_NAMES if d == "datetime64[us]" else _NAMES)[j] for j, (d, _) in enumerate(columns)
    ]
    df = pd.DataFrame(
        {name: pd.Series(v, dtype=d) for name, (d, v) in zip(names, columns, strict=True)}
    )
    head = pd.DataFrame({"figure": ["a", "b", "c"], "value": ["x", "y", "z"], "meaning": ["m"] * 3})
    head_units = {"value": np.array(units, dtype=object)}
    for j, (dtype, values) in enumerate(columns):
        if dtype is object and not any(isinstance(v, dt.datetime) for v in values):
            head[f"c{j}"] = df.iloc[:, j].to_numpy()  # per-row formats
            head_units[f"c{j}"] = np.array(units, dtype=object)
    new = write_workbook(tmp / "new.xlsx", {"quotas": df}, headline=head, headline_units=head_units)
    old = write_workbook_openpyxl(
        tmp / "old.xlsx", {"quotas": df}, headline=head, headline_units=head_units
    )
    assert_same_books(new, old)
