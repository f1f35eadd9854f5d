"""The .xlsx package: every part well-formed XML, the parts Excel needs and in the order it
expects, text escaped, sheet names checked, a failed write leaves no file."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile

import numpy as np
import pandas as pd
import pytest

from sim.results.spreadsheetml import Package, column_letter, is_date_format
from sim.results.workbook import write_workbook

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _head() -> pd.DataFrame:
    return pd.DataFrame({"figure": ["scenario"], "value": ["x"], "unit": ["u"], "meaning": ["m"]})


@pytest.fixture
def book(tmp_path):
    df = pd.DataFrame(
        {
            "account": ["a\x01b", "<&>", " 上海 ", None, "\x0b\ufffe"],
            "remaining": [1.5, np.nan, 3.0, 0.1, 1e300],
            "exhausted_date": pd.to_datetime(["2025-01-01"] * 5),
            "draws_n": [1, 2, 3, 4, 5],
        }
    )
    return write_workbook(tmp_path / "t.xlsx", {"quotas": df}, headline=_head())


def test_every_part_is_well_formed_xml(book):
    with zipfile.ZipFile(book) as z:
        names = z.namelist()
        for name in names:
            ET.fromstring(z.read(name))  # raises on a character XML 1.0 cannot hold
    assert {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/styles.xml",
            "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml"} <= set(names)  # fmt: skip
    assert {f"xl/worksheets/sheet{i}.xml" for i in (1, 2, 3)} <= set(names)


def test_worksheet_elements_in_schema_order_with_frozen_header(book):
    with zipfile.ZipFile(book) as z:
        root = ET.fromstring(z.read("xl/worksheets/sheet2.xml"))
    tags = [child.tag.removeprefix(NS) for child in root]
    assert tags == ["sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData",
                    "pageMargins"]  # fmt: skip
    assert root.find(f"{NS}dimension").get("ref") == "A1:D6"
    pane = root.find(f"{NS}sheetViews/{NS}sheetView/{NS}pane")
    assert (pane.get("ySplit"), pane.get("topLeftCell"), pane.get("state")) == ("1", "A2", "frozen")
    rows = root.findall(f"{NS}sheetData/{NS}row")
    assert [r.get("r") for r in rows] == ["1", "2", "3", "4", "5", "6"]
    refs = [c.get("r") for c in rows[2]]
    assert refs == ["A3", "C3", "D3"]  # no cell for the missing amount
    texts = [t.text for t in root.iter(f"{NS}t")]
    assert texts[4:7] == ["a_x0001_b", "<&>", " 上海 "]
    space = "{http://www.w3.org/XML/1998/namespace}space"
    kept = [t.text for t in root.iter(f"{NS}t") if t.get(space) == "preserve"]
    assert kept == [" 上海 "]  # Excel drops leading and trailing spaces otherwise
    assert "_x000B__xFFFE_" in texts


def test_styles_have_the_parts_excel_requires(book):
    with zipfile.ZipFile(book) as z:
        styles = ET.fromstring(z.read("xl/styles.xml"))
    tags = [child.tag.removeprefix(NS) for child in styles]
    assert tags[:7] == ["numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs",
                        "cellStyles"]  # fmt: skip
    fills = [f[0].get("patternType") for f in styles.find(f"{NS}fills")]
    assert fills == ["none", "gray125"]
    xfs = styles.find(f"{NS}cellXfs")
    assert int(xfs.get("count")) == len(xfs) == 4  # General, money, date, count
    custom = {f.get("formatCode") for f in styles.find(f"{NS}numFmts")}
    assert custom == {"yyyy-mm-dd"}  # the others are Excel's built-in formats 3 and 4
    assert sorted(int(x.get("numFmtId")) for x in xfs) == [0, 3, 4, 164]


def test_sheet_names_excel_refuses_are_refused_and_no_file_is_left(tmp_path):
    df = pd.DataFrame({"a": [1]})
    for bad in ("a/b", "x" * 32, "headline", "'a", "a'", ""):
        path = tmp_path / "t.xlsx"
        with pytest.raises(ValueError, match="sheet name"):
            write_workbook(path, {bad: df}, headline=_head())
        assert not path.exists()


def test_a_value_no_cell_can_hold_is_named_and_no_file_is_left(tmp_path):
    df = pd.DataFrame({"account": pd.Series(["a", [1, 2]], dtype=object)})
    path = tmp_path / "t.xlsx"
    with pytest.raises(ValueError, match=r"cannot write \[1, 2\] \(list\)"):
        write_workbook(path, {"quotas": df}, headline=_head())
    assert not path.exists()


def test_a_lone_surrogate_is_refused_with_its_column_named_and_no_file_is_left(tmp_path):
    # pandas' Arrow-backed text cannot hold one either; an object column can
    df = pd.DataFrame({"account": pd.Series(["a", "b\ud800c"], dtype=object)})
    path = tmp_path / "t.xlsx"
    with pytest.raises(ValueError, match=r"column 'account': .*'\\ud800' \(a lone surrogate"):
        write_workbook(path, {"quotas": df}, headline=_head())
    assert not path.exists()


def test_column_letters_and_date_formats():
    assert [column_letter(j) for j in (0, 25, 26, 51, 52, 701, 702, 16383)] == [
        "A", "Z", "AA", "AZ", "BA", "ZZ", "AAA", "XFD"
    ]  # fmt: skip
    assert is_date_format("yyyy-mm-dd") and is_date_format("yyyy-mm-dd h:mm:ss")
    assert not any(map(is_date_format, ["#,##0.00", "0.00%", "0.0", "General", None]))
    assert not is_date_format('0.0 "days"')


def test_an_empty_package_has_a_workbook_without_sheets(tmp_path):
    with Package(tmp_path / "e.xlsx") as book:
        pass
    with zipfile.ZipFile(book.path) as z:
        xml = z.read("xl/workbook.xml").decode()
    assert re.search(r"<sheets>\s*</sheets>", xml)


def _zip64_local_headers(path) -> set[str]:
    """Entries whose local header carries a Zip64 extra field (id 1)."""
    raw = path.read_bytes()
    out = set()
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            at = info.header_offset
            name_n, extra_n = (int.from_bytes(raw[at + k : at + k + 2], "little") for k in (26, 28))
            extra = raw[at + 30 + name_n : at + 30 + name_n + extra_n]
            while len(extra) >= 4:
                kind, size = (int.from_bytes(extra[k : k + 2], "little") for k in (0, 2))
                if kind == 1:
                    out.add(info.filename)
                extra = extra[4 + size :]
    return out


def test_zip64_headers_only_for_a_part_that_may_pass_2_gib(tmp_path, monkeypatch):
    import openpyxl

    from sim.results import spreadsheetml

    df = pd.DataFrame({"draws_n": np.arange(1000)})
    small = write_workbook(tmp_path / "small.xlsx", {"quotas": df}, headline=_head())
    # as if 2 GiB were 20 kB: the 1,000-row sheet (about 24 kB) needs Zip64, the others not
    monkeypatch.setattr(spreadsheetml, "_ZIP64_LIMIT", 20_000)
    big = write_workbook(tmp_path / "big.xlsx", {"quotas": df}, headline=_head())
    for path, want in ((small, set()), (big, {"xl/worksheets/sheet2.xml"})):
        assert _zip64_local_headers(path) == want
        with zipfile.ZipFile(path) as z:
            assert z.testzip() is None
        assert openpyxl.load_workbook(path)["quotas"]["A1001"].value == 999


@pytest.mark.skipif(
    __import__("shutil").which("soffice") is None, reason="LibreOffice (soffice) not installed"
)
def test_libreoffice_calc_reads_every_cell_of_a_run_workbook_as_written(tmp_path):
    """A second spreadsheet program opens the workbook of a run and finds every sheet and
    cell as openpyxl reads them (numbers to the last digit, percentages included)."""
    import datetime
    import subprocess

    import sim

    from .conftest import small_scenario

    result = sim.run(small_scenario("population.firms_n=1000"))
    (book,) = result.write_tables(tmp_path / "tables", fmt="xlsx")
    out = tmp_path / "csv"
    # every sheet as CSV (sheet -1), cell values as stored rather than as shown
    csv_filter = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    subprocess.run(
        ["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo",
         "--convert-to", csv_filter, "--outdir", str(out), str(book)],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    sheets = pd.read_excel(book, sheet_name=None, header=None)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{book.stem}-{name}.csv" for name in sheets
    )
    for name, df in sheets.items():
        calc = pd.read_csv(out / f"{book.stem}-{name}.csv", header=None, dtype=str,
                           keep_default_na=False)  # fmt: skip
        assert calc.shape == df.shape, name
        for (i, j), x in np.ndenumerate(df.to_numpy(dtype=object)):
            y = calc.iat[i, j]
            if x is None or (isinstance(x, float) and np.isnan(x)):
                assert y == "", (name, i, j, y)
            elif isinstance(x, bool | np.bool_):
                assert y.upper() == str(bool(x)).upper(), (name, i, j, x, y)
            elif isinstance(x, int | float | np.integer | np.floating):
                shown = float(y[:-1]) / 100 if y.endswith("%") else float(y)
                assert shown == pytest.approx(float(x), rel=1e-13, abs=0), (name, i, j, x, y)
            elif isinstance(x, datetime.datetime):
                assert y[:10] == x.date().isoformat(), (name, i, j, x, y)
            else:
                assert y == str(x), (name, i, j, x, y)
