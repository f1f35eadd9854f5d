"""Sheet cells: one column of a table as the XML of its workbook cells, a column at a time.

:func:`column_cells` turns a pandas column and its unit into :class:`Cells` of
:mod:`sim.results.spreadsheetml`, as openpyxl would have written the column's Python
values (``sim.results.workbook`` before it wrote the file itself):

- numbers (type ``n``, the default, so not written) with the unit's number format (:data:`NUMBER_FORMATS`), flags
  ``t="b"`` (``1``/``0``) with the same format, missing values (NaN, None, NA, NaT) as no
  cell;
- a float as the shortest text that reads back to the same double (Arrow's float to
  string cast, ``1e-7`` where ``repr`` writes ``1e-07``: about seven times faster than
  :mod:`sim.results.csv_writer`'s ``repr``-identical text, which CSV needs and XML does
  not), a whole float below 1e16 as an integer, as openpyxl wrote it (so readers give
  the same ``int`` as before); openpyxl wrote 16 significant digits, which lost the last
  bit of some doubles;
- dates and times as Excel serial days (1899-12-30 epoch, with Excel's 1900 leap-year
  shift, as openpyxl computes them) with the unit's date format, or
  ``yyyy-mm-dd h:mm:ss`` where the unit has none (openpyxl's default);
- text as inline strings, never a formula or an error code: ``=1+1`` or ``#N/A`` in a
  table is text in the workbook.

Typed columns (floats, integers, flags, dates, categories, text) are converted with numpy
and Arrow; only object columns that mix types (the headline's ``value``) are looked at
value by value.

Public names: :func:`column_cells`, :func:`text_cells`, :data:`NUMBER_FORMATS`,
:data:`DATETIME_FORMAT`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from .spreadsheetml import Cells, Styles, is_date_format, xml_text

__all__ = ["DATETIME_FORMAT", "NUMBER_FORMATS", "column_cells", "text_cells"]

#: Excel number format by unit code (others: General).
NUMBER_FORMATS = {
    "money": "#,##0.00",
    "share": "0.00%",
    "count": "#,##0",
    "date": "yyyy-mm-dd",
    "years": "0.0",
}
#: Format of a date or time in a column whose unit has no date format (openpyxl's).
DATETIME_FORMAT = "yyyy-mm-dd h:mm:ss"

_STR = ('" t="inlineStr"><is><t>', '" t="inlineStr"><is><t xml:space="preserve">')
_STR_END = "</t></is></c>"
_V_END = "</v></c>"
#: Whole floats below this are written as integers (exactly: all are integers in int64).
_WHOLE_LIMIT = 1e16
#: Integers from here on are not all doubles.
_EXACT_INT = 2.0**53
#: Days from Excel's epoch (1899-12-30) to 1970-01-01; microseconds in a day.
_EPOCH_DAYS, _DAY_US = 25_569, 86_400_000_000


def _mid(kind: str, style: int) -> str:
    s = f' s="{style}"' if style else ""
    t = "" if kind == "n" else f' t="{kind}"'  # a number is the default type
    return f'"{s}{t}><v>'


def _number_text(x: np.ndarray) -> Any:
    """Text of floats: integers for whole values, else the shortest text that reads back to
    the same double; null for NaN and infinities."""
    import pyarrow as pa
    import pyarrow.compute as pc

    x = np.asarray(x, dtype=np.float64)
    finite = np.isfinite(x)
    whole = finite & (np.trunc(x) == x) & (np.abs(x) < _WHOLE_LIMIT)
    rest = finite & ~whole
    out = pa.nulls(len(x), pa.string())
    if whole.any():
        ints = pc.cast(pa.array(x[whole].astype(np.int64)), pa.string())
        out = ints if whole.all() else pc.replace_with_mask(out, pa.array(whole), ints)
    if rest.any():
        # Arrow's shortest round-trip formatting (``1e-7`` where repr writes ``1e-07``)
        text = pc.cast(pa.array(x[rest]), pa.string())
        out = text if rest.all() else pc.replace_with_mask(out, pa.array(rest), text)
    return out


def _serial_text(values: np.ndarray) -> Any:
    """Excel serial days of datetimes (NaT: null), as openpyxl's ``to_excel`` computes them."""
    us = values.astype("datetime64[us]")
    missing = np.isnat(us)
    days, rem = np.divmod(np.where(missing, 0, us.astype(np.int64)), _DAY_US)
    days = days + _EPOCH_DAYS
    days -= (days > 0) & (days <= 60)  # Excel's 29 February 1900
    secs, micros = np.divmod(rem, 1_000_000)
    serial = days + (secs + micros / 1e6) / 86_400
    return _number_text(np.where(missing, np.nan, serial))


def _styles_of(unit: str | np.ndarray, styles: Styles, *, date: bool) -> int | np.ndarray:
    """Cell format of each row for a number (or, ``date``, a date) under ``unit``."""

    def xf(u: Any) -> int:
        fmt = NUMBER_FORMATS.get(str(u))
        if date and not is_date_format(fmt):
            fmt = DATETIME_FORMAT
        return styles.xf(fmt)

    if isinstance(unit, str):
        return xf(unit)
    uniq, inverse = np.unique(np.asarray(unit, dtype=str), return_inverse=True)
    return np.array([xf(u) for u in uniq], dtype=np.int64)[inverse]


def _empty_mid(style: int) -> str:
    """A cell with a format and no value (openpyxl's infinities: ``<v></v>``)."""
    return f'" s="{style}">' if style else '">'


def _templated(
    kind: str, style: int | np.ndarray, text: Any, empty: np.ndarray | None = None
) -> Cells:
    """Cells of one value kind (``n`` or ``b``) whose format is one, or one per row;
    ``empty`` rows (infinities) are cells with the format and no value."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(style, int | np.integer):
        uniq, code = np.array([style]), None
    else:
        uniq, code = np.unique(style, return_inverse=True)
    mids = [_mid(kind, int(s)) for s in uniq]
    ends = [_V_END] * len(uniq)
    if empty is not None and empty.any():
        text = pc.replace_with_mask(text, pa.array(empty), pa.array([""] * int(empty.sum())))
        code = (0 if code is None else code) * 2 + empty.astype(np.int64)
        mids = [m for s, mid in zip(uniq, mids, strict=True) for m in (mid, _empty_mid(int(s)))]
        ends = [e for e in ends for e in (e, "</c>")]
    return Cells(text, mids, ends, code)


def text_cells(values: Any) -> Cells:
    """Cells of text (inline strings), from a ``pyarrow`` string array (null: no cell).

    An empty text is a cell without a value, as openpyxl wrote it (empty in Excel).
    """
    import pyarrow.compute as pc

    text, preserve = xml_text(values)
    code = preserve.astype(np.int8)
    if len(text):
        code[pc.fill_null(pc.equal(text, ""), False).to_numpy(zero_copy_only=False)] = 2
    if not code.any():
        return Cells(text, _STR[:1], [_STR_END])
    return Cells(text, [*_STR, '" t="inlineStr">'], [_STR_END, _STR_END, "</c>"], code)


def _categorical(col: pd.Series) -> Cells | None:
    import pyarrow as pa

    cats = col.cat.categories
    if not all(isinstance(c, str) for c in cats):
        return None
    names = text_cells(pa.array(list(cats), pa.string()))
    codes = col.cat.codes.to_numpy().astype(np.int64)
    take = pa.array(codes, mask=codes < 0)
    text = names.text.take(take)
    if names.code is None:
        return Cells(text, names.mids, names.ends)
    return Cells(text, names.mids, names.ends, names.code[np.maximum(codes, 0)])


def _kind(v: Any) -> str:
    if v is None or v is pd.NA or v is pd.NaT:
        return ""
    if isinstance(v, bool | np.bool_):
        return "b"
    if isinstance(v, int | np.integer):
        return "i"
    if isinstance(v, float | np.floating):
        return "" if np.isnan(v) else "f"
    if isinstance(v, str):
        return "s"
    if isinstance(v, dt.datetime | dt.date | np.datetime64):
        return "d"
    raise ValueError(f"cannot write {v!r} ({type(v).__name__}) to a workbook cell")


def _mixed(values: np.ndarray, unit: str | np.ndarray, styles: Styles) -> Cells:
    """Cells of an object column holding values of several types, value by value."""
    import pyarrow as pa

    n = len(values)
    kinds = np.array([_kind(v) for v in values], dtype="<U1")
    text = np.full(n, None, dtype=object)
    mids = np.full(n, "", dtype=object)
    ends = np.full(n, _V_END, dtype=object)
    per_row = not isinstance(unit, str)
    for kind in ("b", "i", "f", "d", "s"):
        idx = np.flatnonzero(kinds == kind)
        if not len(idx):
            continue
        part = values[idx]
        u = unit[idx] if per_row else unit
        if kind == "s":
            cells = text_cells(pa.array(part.tolist(), pa.string()))
            style = None
        elif kind == "b":
            cells = Cells(pa.array(["1" if v else "0" for v in part]), [""], [""])
            style = _styles_of(u, styles, date=False)
        elif kind == "i":
            cells = Cells(pa.array([str(int(v)) for v in part]), [""], [""])
            style = _styles_of(u, styles, date=False)
        elif kind == "f":
            floats = part.astype(np.float64)
            style = _styles_of(u, styles, date=False)
            cells = _templated("n", style, _number_text(floats), np.isinf(floats))
        else:
            stamps = pd.to_datetime(pd.Series(part, dtype=object)).to_numpy()
            cells = Cells(_serial_text(stamps), [""], [""])
            style = _styles_of(u, styles, date=True)
        text[idx] = cells.text.to_pylist()
        if style is None or kind == "f":
            code = np.zeros(len(idx), dtype=np.int64) if cells.code is None else cells.code
            mids[idx] = np.asarray(cells.mids, dtype=object)[code]
            ends[idx] = np.asarray(cells.ends, dtype=object)[code]
        else:
            kind_attr = "b" if kind == "b" else "n"
            mids[idx] = [_mid(kind_attr, int(s)) for s in np.broadcast_to(style, len(idx))]
    templates = sorted({(m, e) for m, e, k in zip(mids, ends, kinds, strict=True) if k})
    if not templates:
        templates = [("", "")]
    lookup = {t: i for i, t in enumerate(templates)}
    code = np.array([lookup.get((m, e), 0) for m, e in zip(mids, ends, strict=True)], np.int64)
    return Cells(
        pa.array(text.tolist(), pa.string()),
        [m for m, _ in templates],
        [e for _, e in templates],
        code,
    )


def _numpy_cells(col: pd.Series, unit: str | np.ndarray, styles: Styles) -> Cells:
    """Cells of a column of numpy floats, integers, booleans or datetimes."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = col.dtype.kind
    if kind == "f":
        values = col.to_numpy()
        style = _styles_of(unit, styles, date=False)
        return _templated("n", style, _number_text(values), np.isinf(values))
    if kind in "iu":
        text = pc.cast(pa.array(col.to_numpy()), pa.string())
        return _templated("n", _styles_of(unit, styles, date=False), text)
    if kind == "b":
        text = pc.if_else(pa.array(col.to_numpy()), "1", "0")
        return _templated("b", _styles_of(unit, styles, date=False), text)
    return _templated("n", _styles_of(unit, styles, date=True), _serial_text(col.to_numpy()))


def _nullable_cells(col: pd.Series, unit: str | np.ndarray, styles: Styles) -> Cells | None:
    """Cells of a column of pandas' nullable integers, floats or booleans, else None."""
    import pyarrow as pa
    import pyarrow.compute as pc

    dtype = col.dtype
    if isinstance(dtype, pd.Int64Dtype | pd.Int32Dtype | pd.UInt64Dtype):
        text = pc.cast(pa.array(col), pa.string())
        return _templated("n", _styles_of(unit, styles, date=False), text)
    if isinstance(dtype, pd.Float64Dtype | pd.Float32Dtype):
        values = col.to_numpy(dtype=np.float64, na_value=np.nan)
        style = _styles_of(unit, styles, date=False)
        return _templated("n", style, _number_text(values), np.isinf(values))
    if isinstance(dtype, pd.BooleanDtype):
        text = pc.if_else(pa.array(col), "1", "0")
        return _templated("b", _styles_of(unit, styles, date=False), text)
    return None


def column_cells(col: pd.Series, unit: str | np.ndarray, styles: Styles) -> Cells:
    """The cells of one column of a table (see the module for what each type becomes).

    Parameters
    ----------
    col
        The column (any block of its rows).
    unit
        Unit code of the column (:mod:`sim.results.columns`), or one per row.
    styles
        The workbook's cell formats, extended with those the column uses.

    Returns
    -------
    Cells
        One per row; missing values are no cell.
    """
    import pyarrow as pa

    if not isinstance(unit, str):
        unit = np.asarray(unit, dtype=object)
    dtype = col.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "fiubM":
        return _numpy_cells(col, unit, styles)
    if isinstance(unit, str) and unit == "date":
        parsed = pd.to_datetime(col, errors="coerce").to_numpy()
        return _templated("n", _styles_of(unit, styles, date=True), _serial_text(parsed))
    cells = _nullable_cells(col, unit, styles)
    if cells is not None:
        return cells
    if isinstance(dtype, pd.CategoricalDtype):
        cells = _categorical(col)
        if cells is not None:
            return cells
    if isinstance(dtype, pd.StringDtype):
        return text_cells(pa.array(col, from_pandas=True))
    values = col.to_numpy(dtype=object)
    inferred = pd.api.types.infer_dtype(values)
    if inferred in ("string", "empty"):
        return text_cells(pa.array(values, pa.string(), from_pandas=True))
    if inferred in ("floating", "integer", "mixed-integer-float"):
        # Python numbers and missing values: as floats, exact for integers below 2**53
        numbers = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(np.float64)
        if not (np.abs(numbers[np.isfinite(numbers)]) >= _EXACT_INT).any():
            style = _styles_of(unit, styles, date=False)
            return _templated("n", style, _number_text(numbers), np.isinf(numbers))
    return _mixed(values, unit, styles)
