"""Workbook: the tables of a run or an experiment as one Excel file (``tables.xlsx``).

Sheets: ``headline`` (the headline figures of ``summary.json`` with meaning and unit),
one sheet per table (a table longer than Excel's 1,048,575 rows goes on in
``<table> (2)``, ...), and ``columns`` (meaning and unit of every column, as in
``tables/columns.csv``). Values stay numbers at full precision; amounts are shown with
thousands separators, shares as percentages, dates as dates; header rows are frozen.

The file is written directly as SpreadsheetML (:mod:`sim.results.spreadsheetml`), each
column converted at once (:mod:`sim.results.sheet_cells`): what openpyxl's write-only
mode wrote, cell for cell (``tests/test_sheet_cells.py``), about twenty times faster, and
with floats that read back exactly. XlsxWriter (constant-memory mode), which writes one
cell per Python call, took 15 times as long for the baseline's workbook and 4 times as
long for the whole ``smesim run`` (benchmarks/README.md, "The Excel workbook through
XlsxWriter"), so the file is not written through it.

Public names: :func:`write_workbook`, :func:`headline_table`, :data:`WORKBOOK_NAME`,
:data:`NUMBER_FORMATS`, :data:`MAX_ROWS`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .columns import UNIT_TEXTS, column_dictionary, column_units, describe, figure_unit
from .sheet_cells import NUMBER_FORMATS, column_cells, text_cells
from .spreadsheetml import CHUNK_ROWS, Cells, Package, Styles

__all__ = ["MAX_ROWS", "NUMBER_FORMATS", "WORKBOOK_NAME", "headline_table", "write_workbook"]

#: File name of the workbook in ``tables/``.
WORKBOOK_NAME = "tables.xlsx"

#: Data rows per sheet (Excel's limit of 1,048,576 rows, less the header).
MAX_ROWS = 1_048_575

_MIN_WIDTH, _MAX_WIDTH, _TEXT_MAX_WIDTH = 8, 40, 90
_WIDTH_SAMPLE = 200
#: zlib level of the zip entries: for the baseline's 40 MB of sheet XML, level 1 takes
#: 0.34 s for 7.5 MB, level 3 0.57 s for 7.0 MB, level 6 (openpyxl's) 0.96 s for 6.3 MB.
_COMPRESSLEVEL = 1


def headline_table(
    values: Mapping[str, Any], *, lang: str = "en", currency: str = "CNY"
) -> pd.DataFrame:
    """The headline sheet of a run: ``figure, value, unit, meaning`` per key of ``summary.json``.

    Parameters
    ----------
    values
        The summary (:meth:`sim.RunResult.summary_dict`).
    lang, currency
        As in :func:`sim.results.columns.describe`.
    """
    rows = []
    for key, value in values.items():
        try:
            meaning, unit = describe("summary.json", key, lang=lang, currency=currency)
        except KeyError:
            meaning, unit = "", UNIT_TEXTS[lang]["number"]
        rows.append({"figure": key, "value": value, "unit": unit, "meaning": meaning})
    return pd.DataFrame(rows, columns=["figure", "value", "unit", "meaning"])


def _display_width(text: str) -> int:
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _shown(value: Any, unit: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    if unit == "money":
        return f"{value:,.2f}"
    if unit == "share":
        return f"{value * 100:.2f}%"
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "date":
        return "yyyy-mm-dd"
    return f"{value:.6g}"


def _cell_values(col: pd.Series, unit: str | np.ndarray) -> list[Any]:
    """The column as Python values, missing values as None (what widths are measured on)."""
    dt = col.dtype
    if isinstance(dt, np.dtype) and dt.kind == "f":
        v = col.to_numpy()
        out = v.astype(object)
        out[np.isnan(v)] = None
        return out.tolist()
    if isinstance(dt, np.dtype) and dt.kind in "biu":
        return col.to_numpy().tolist()
    if isinstance(dt, np.dtype) and dt.kind == "M":
        return [None if pd.isna(t) else t.to_pydatetime() for t in col]
    if isinstance(unit, str) and unit == "date":
        parsed = pd.to_datetime(col, errors="coerce")
        return [None if pd.isna(t) else t.to_pydatetime() for t in parsed]
    values = col.to_numpy(dtype=object, na_value=None)
    if isinstance(dt, pd.Int64Dtype | pd.Float64Dtype | pd.BooleanDtype):
        return values.tolist()
    return [None if v is None or (isinstance(v, float) and np.isnan(v)) else v for v in values]


def _column_widths(
    names: Sequence[str],
    df: pd.DataFrame,
    units: Mapping[str, str | np.ndarray],
    widths_cap: Mapping[str, int] | None = None,
) -> list[int]:
    """Width of each column: its header or its widest value as shown, among the first rows."""
    widths = []
    head = df.iloc[:_WIDTH_SAMPLE]
    for j, name in enumerate(names):
        unit = units.get(name, "number")
        if not isinstance(unit, str):
            unit = unit[:_WIDTH_SAMPLE]
        sample = _cell_values(head.iloc[:, j], unit)
        us = [unit] * len(sample) if isinstance(unit, str) else list(unit)
        pairs = [(type(v), v, str(u)) for v, u in zip(sample, us, strict=True)]
        try:
            distinct = set(pairs)
        except TypeError:  # a value no cell can hold: column_cells says which
            distinct = set()
        shown = [_display_width(_shown(v, u)) for _, v, u in distinct]
        is_text = all(not isinstance(v, int | float) or isinstance(v, bool) for v in sample)
        cap = (widths_cap or {}).get(name, _TEXT_MAX_WIDTH if is_text else _MAX_WIDTH)
        widths.append(min(max([_display_width(name), *shown, _MIN_WIDTH - 2]) + 2, cap))
    return widths


def _blocks(
    df: pd.DataFrame, units: Mapping[str, str | np.ndarray], styles: Styles, lo: int, hi: int
) -> Iterator[list[Cells]]:
    """Cells of rows ``lo`` to ``hi`` of ``df``, a block of :data:`CHUNK_ROWS` at a time."""
    for a in range(lo, hi, CHUNK_ROWS):
        b = min(a + CHUNK_ROWS, hi)
        block = []
        for j, name in enumerate(df.columns):
            unit = units.get(str(name), "number")
            try:
                cells = column_cells(
                    df.iloc[a:b, j], unit if isinstance(unit, str) else unit[a:b], styles
                )
            except UnicodeEncodeError as e:  # a lone surrogate: no file can hold it
                raise ValueError(
                    f"column {name!r}: cannot write text holding {e.object[e.start : e.end]!r} "
                    "(a lone surrogate, which UTF-8 and XML cannot hold) to a workbook cell"
                ) from e
            block.append(cells)
        yield block


def _add_table(
    book: Package,
    title: str,
    df: pd.DataFrame,
    units: Mapping[str, str | np.ndarray],
    widths_cap: Mapping[str, int] | None = None,
) -> None:
    """Write one table as sheets of at most :data:`MAX_ROWS` rows."""
    import pyarrow as pa

    names = [str(c) for c in df.columns]
    widths = _column_widths(names, df, units, widths_cap)
    names_cells = text_cells(pa.array(names, pa.string()))
    header = [
        Cells(names_cells.text.slice(j, 1), names_cells.mids, names_cells.ends,
              None if names_cells.code is None else names_cells.code[j : j + 1])
        for j in range(len(names))
    ]  # fmt: skip
    n = len(df)
    for part, lo in enumerate(range(0, max(n, 1), MAX_ROWS)):
        hi = min(lo + MAX_ROWS, n)
        sheet = title if part == 0 else f"{title} ({part + 1})"[:31]
        book.add_sheet(sheet, header, widths, hi - lo, _blocks(df, units, book.styles, lo, hi))


def write_workbook(
    path: str | Path,
    tables: Mapping[str, pd.DataFrame],
    *,
    headline: pd.DataFrame,
    headline_units: Mapping[str, str | np.ndarray] | None = None,
    lang: str = "en",
    currency: str = "CNY",
    levers: Sequence[str] = (),
) -> Path:
    """Write tables, headline figures and the column dictionary as one workbook.

    Parameters
    ----------
    path
        The ``.xlsx`` file to write.
    tables
        Table name -> the table as written (index reset), one sheet each.
    headline
        The headline sheet (e.g. :func:`headline_table`); a ``figure`` column gives its
        other numeric columns the unit of the row's figure unless ``headline_units`` says.
    headline_units
        Unit code (or one per row) of columns of ``headline``.
    lang, currency, levers
        As in :func:`sim.results.columns.describe`.

    Returns
    -------
    Path
        The file written.
    """
    path = Path(path)
    h_units: dict[str, str | np.ndarray] = {c: "text" for c in headline.columns}
    if "figure" in headline.columns:
        per_row = headline["figure"].map(figure_unit).to_numpy(dtype=object)
        for c in headline.columns:
            if c not in ("figure", "unit", "meaning"):
                h_units[c] = per_row
    h_units.update(headline_units or {})
    dictionary = column_dictionary(tables, lang=lang, currency=currency, levers=levers)
    with Package(path, compresslevel=_COMPRESSLEVEL) as book:
        _add_table(book, "headline", headline, h_units, {"meaning": _TEXT_MAX_WIDTH})
        for name, df in tables.items():
            _add_table(book, name, df, column_units(name, df, levers=levers))
        _add_table(book, "columns", dictionary, {c: "text" for c in dictionary.columns})
    return path
