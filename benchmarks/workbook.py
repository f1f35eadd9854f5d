"""Writing the tables: ``write_tables(fmt="xlsx")`` against CSV, and against the same
workbook written through XlsxWriter, on one run of a scenario.

Runs the scenario once, then writes its tables ``--repeat`` times in each format (in
turn: csv, xlsx, xlsxwriter, csv, ...) and prints per format the median, min and max wall
seconds, the CPU seconds (median), the size of what was written and the cells of the
tables, with the load average before and after (other work on the machine stretches
wall times)::

    python benchmarks/workbook.py --repeat 5
    python benchmarks/workbook.py --formats xlsx,xlsxwriter     # the two workbook writers
    python benchmarks/workbook.py --code /path/to/other/checkout   # the same, other code

``xlsxwriter`` is :func:`write_workbook_xlsxwriter` below: the sheets, values, number
formats, column widths and frozen headers of :func:`sim.results.workbook.write_workbook`,
written cell by cell through XlsxWriter's public ``write_*`` methods in its
constant-memory mode (``pip install XlsxWriter``; it is not a dependency of smesim). It
is what the project measured before keeping its own writer (benchmarks/README.md, "The
Excel workbook through XlsxWriter").

``--code`` runs it with another checkout's ``sim`` package first on the path (in a fresh
interpreter), for before/after figures of the same machine and moment.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]

#: Days from Excel's epoch (1899-12-30) to 1970-01-01; microseconds in a day.
_EPOCH_DAYS, _DAY_US = 25_569, 86_400_000_000


def _serial_days(values: np.ndarray) -> np.ndarray:
    """Excel serial days of datetimes (1899-12-30 epoch, with Excel's 29 February 1900;
    NaT: NaN), as openpyxl's and XlsxWriter's date conversions compute them."""
    us = np.asarray(values).astype("datetime64[us]")
    missing = np.isnat(us)
    days, rem = np.divmod(np.where(missing, 0, us.astype(np.int64)), _DAY_US)
    days = days + _EPOCH_DAYS
    days -= (days > 0) & (days <= 60)
    serial = days + rem / _DAY_US
    return np.where(missing, np.nan, serial)


class _Formats:
    """The workbook's cell formats by number format, made once each (None: General)."""

    def __init__(self, book: Any) -> None:
        self._book = book
        self._made: dict[str, Any] = {}

    def get(self, unit: Any, *, date: bool = False) -> Any:
        from sim.results.sheet_cells import DATETIME_FORMAT, NUMBER_FORMATS

        fmt = NUMBER_FORMATS.get(str(unit))
        if date and fmt != NUMBER_FORMATS["date"]:
            fmt = DATETIME_FORMAT
        if fmt is None:
            return None
        if fmt not in self._made:
            self._made[fmt] = self._book.add_format({"num_format": fmt})
        return self._made[fmt]


def _floats(values: np.ndarray) -> list[Any]:
    """Floats as Python values, NaN as None (no cell)."""
    out = values.astype(object)
    out[np.isnan(values)] = None
    return out.tolist()


def _value_kind(v: Any) -> str:
    if v is None or v is pd.NA or v is pd.NaT:
        return ""
    if isinstance(v, bool | np.bool_):
        return "b"
    if isinstance(v, int | np.integer | float | np.floating):
        return "" if np.isnan(v) else "n"
    if isinstance(v, str):
        return "s"
    if isinstance(v, dt.datetime | dt.date | np.datetime64):
        return "d"
    raise ValueError(f"cannot write {v!r} ({type(v).__name__}) to a workbook cell")


class _Writer:
    """Writes a sheet's cells through XlsxWriter's public ``write_*`` methods."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws

    def number(self, r: int, c: int, v: Any, fmt: Any) -> None:
        if math.isfinite(v):
            self.ws.write_number(r, c, v, fmt)
        else:  # an infinity: a formatted cell without a value, as openpyxl wrote it
            self.ws.write_blank(r, c, None, fmt)

    def boolean(self, r: int, c: int, v: Any, fmt: Any) -> None:
        self.ws.write_boolean(r, c, bool(v), fmt)

    def text(self, r: int, c: int, v: str, fmt: Any = None) -> None:
        if not v:
            return  # an empty text: no cell (read back as empty, as before)
        if v.startswith("<r>") and v.endswith("</r>"):
            # XlsxWriter's constant-memory mode takes such a text for rich-string XML;
            # as two runs it is escaped and reads back as the same text
            self.ws.write_rich_string(r, c, v[:1], v[1:])
        else:
            self.ws.write_string(r, c, v)

    def per_row(self, r: int, c: int, v: tuple[Any, Any, Any], fmt: Any) -> None:
        write, value, f = v
        write(r, c, value, f)


def _column_plan(
    col: pd.Series, unit: str | np.ndarray, formats: _Formats, w: _Writer
) -> tuple[list[Any], Any, Any]:
    """One column as (values, write, format): ``write(row, col, value, format)`` for each
    value that is not None."""
    per_row = not isinstance(unit, str)
    units = np.asarray(unit, dtype=object) if per_row else None

    def fmt_of(date: bool = False) -> Any:
        return None if per_row else formats.get(unit, date=date)

    def spread(values: list[Any], write: Any, date: bool = False) -> tuple[list[Any], Any, Any]:
        if not per_row:
            return values, write, fmt_of(date)
        fmts = [formats.get(u, date=date) for u in units]
        rows = [None if v is None else (write, v, f) for v, f in zip(values, fmts, strict=True)]
        return rows, w.per_row, None

    dtype = col.dtype
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return spread(_floats(col.to_numpy()), w.number)
    if isinstance(dtype, np.dtype) and dtype.kind in "iu":
        return spread(col.to_numpy().tolist(), w.number)
    if isinstance(dtype, np.dtype) and dtype.kind == "b":
        return spread(col.to_numpy().tolist(), w.boolean)
    if isinstance(dtype, np.dtype) and dtype.kind == "M":
        return spread(_floats(_serial_days(col.to_numpy())), w.number, date=True)
    if not per_row and unit == "date":
        parsed = pd.to_datetime(col, errors="coerce").to_numpy()
        return spread(_floats(_serial_days(parsed)), w.number, date=True)
    if isinstance(dtype, pd.Int64Dtype | pd.Int32Dtype | pd.UInt64Dtype | pd.BooleanDtype):
        write = w.boolean if isinstance(dtype, pd.BooleanDtype) else w.number
        return spread(col.to_numpy(dtype=object, na_value=None).tolist(), write)
    if isinstance(dtype, pd.Float64Dtype | pd.Float32Dtype):
        return spread(_floats(col.to_numpy(dtype=np.float64, na_value=np.nan)), w.number)
    values = col.to_numpy(dtype=object)
    inferred = pd.api.types.infer_dtype(values, skipna=True)
    if inferred in ("string", "empty"):
        return [None if not isinstance(v, str) else v for v in values], w.text, None
    rows = []
    for i, v in enumerate(values):
        kind = _value_kind(v)
        u = units[i] if per_row else unit
        if kind == "":
            rows.append(None)
        elif kind == "s":
            rows.append((w.text, v, None))
        elif kind == "b":
            rows.append((w.boolean, v, formats.get(u)))
        elif kind == "n":
            rows.append((w.number, v, formats.get(u)))
        else:
            serial = _serial_days(np.array([pd.Timestamp(v).to_datetime64()]))[0]
            rows.append((w.number, float(serial), formats.get(u, date=True)))
    return rows, w.per_row, None


def _add_table(
    book: Any,
    formats: _Formats,
    title: str,
    df: pd.DataFrame,
    units: Mapping[str, str | np.ndarray],
    widths_cap: Mapping[str, int] | None = None,
) -> None:
    """Write one table as sheets of at most :data:`MAX_ROWS` rows."""
    from sim.results.workbook import MAX_ROWS, _column_widths  # the project's widths

    names = [str(c) for c in df.columns]
    widths = _column_widths(names, df, units, widths_cap)
    n = len(df)
    for part, lo in enumerate(range(0, max(n, 1), MAX_ROWS)):
        hi = min(lo + MAX_ROWS, n)
        sheet = title if part == 0 else f"{title} ({part + 1})"[:31]
        ws = book.add_worksheet(sheet)
        w = _Writer(ws)
        ws.freeze_panes(1, 0)
        for j, width in enumerate(widths):
            ws.set_column(j, j, width)
        for j, name in enumerate(names):
            w.text(0, j, name)
        plan = []
        for j, name in enumerate(names):
            unit = units.get(name, "number")
            plan.append(
                _column_plan(
                    df.iloc[lo:hi, j], unit if isinstance(unit, str) else unit[lo:hi], formats, w
                )
            )
        for i in range(hi - lo):
            r = i + 1
            for j, (values, write, fmt) in enumerate(plan):
                v = values[i]
                if v is not None:
                    write(r, j, v, fmt)


def write_workbook_xlsxwriter(
    path: str | Path,
    tables: Mapping[str, pd.DataFrame],
    *,
    headline: pd.DataFrame,
    currency: str = "CNY",
) -> Path:
    """:func:`sim.results.workbook.write_workbook`'s workbook, written through XlsxWriter.

    Differences that readers see: floats are written with 16 significant digits
    (XlsxWriter's ``%.16G``, as openpyxl did), so some read back one bit off; a carriage
    return in a text is written as ``_x000D_``; column widths carry Excel's padding
    (width 10 is written 10.71); an empty text is no cell.
    """
    import xlsxwriter

    from sim.results.columns import column_dictionary, column_units, figure_unit
    from sim.results.workbook import _TEXT_MAX_WIDTH

    path = Path(path)
    h_units: dict[str, Any] = {c: "text" for c in headline.columns}
    per_row = headline["figure"].map(figure_unit).to_numpy(dtype=object)
    for c in headline.columns:
        if c not in ("figure", "unit", "meaning"):
            h_units[c] = per_row
    dictionary = column_dictionary(tables, currency=currency)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    formats = _Formats(book)
    _add_table(book, formats, "headline", headline, h_units, {"meaning": _TEXT_MAX_WIDTH})
    for name, df in tables.items():
        _add_table(book, formats, name, df, column_units(name, df))
    _add_table(book, formats, "columns", dictionary, {c: "text" for c in dictionary.columns})
    book.close()
    return path


def _write(res: Any, folder: Path, fmt: str) -> list[Path]:
    """Write the run's tables in ``fmt`` (``xlsxwriter``: :func:`write_workbook_xlsxwriter`)."""
    if fmt != "xlsxwriter":
        return res.write_tables(folder, fmt=fmt)
    from sim.results.workbook import headline_table

    folder.mkdir(parents=True, exist_ok=True)
    tables = {n: (df.reset_index() if df.index.name else df) for n, df in res.tables().items()}
    currency = res.scenario.currency
    headline = headline_table(res.summary_values, currency=currency)
    path = folder / "tables.xlsx"
    return [write_workbook_xlsxwriter(path, tables, headline=headline, currency=currency)]


def measure(scenario: str, repeat: int, formats: list[str]) -> None:
    """Run the scenario, write its tables in each format in turn; print the table."""
    import sim

    res = sim.run(sim.load_scenario(scenario))
    cells = sum(df.size for df in res.tables().values())
    wall: dict[str, list[float]] = {f: [] for f in formats}
    cpu: dict[str, list[float]] = {f: [] for f in formats}
    size = {}
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(repeat):
            for fmt in formats:
                t, c = time.perf_counter(), time.process_time()
                paths = _write(res, Path(tmp) / f"{fmt}{i}", fmt)
                wall[fmt].append(time.perf_counter() - t)
                cpu[fmt].append(time.process_time() - c)
                size[fmt] = sum(p.stat().st_size for p in paths)
    print(f"code: {Path(sim.__file__).parents[1]}; {cells:,} cells in {len(res.tables())} tables")
    print("| format | wall s (median) | min | max | CPU s | MB written |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for fmt in formats:
        w = wall[fmt]
        print(
            f"| {fmt} | {statistics.median(w):.2f} | {min(w):.2f} | {max(w):.2f} "
            f"| {statistics.median(cpu[fmt]):.2f} | {size[fmt] / 1e6:.1f} |"
        )
    print(f"load average (1 min): {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")


def main(argv: list[str] | None = None) -> int:
    """Parse the options; measure here or in a fresh interpreter on other code."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "shanghai_2024.yaml"))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument(
        "--formats",
        default="csv,xlsx",
        help="comma-separated, in turn: csv, parquet, xlsx, xlsxwriter",
    )
    ap.add_argument("--code", type=Path, default=None, help="checkout whose code is run")
    opts = ap.parse_args(argv)
    formats = opts.formats.split(",")
    scenario = str(Path(opts.scenario).resolve())
    if opts.code is None:
        measure(scenario, opts.repeat, formats)
        return 0
    code = opts.code.resolve()
    script = (
        f"import sys; sys.path.insert(0, {str(code)!r}); sys.path.insert(1, {str(ROOT)!r}); "
        "from benchmarks.workbook import measure; "
        f"measure({scenario!r}, {opts.repeat}, {formats!r})"
    )
    env = {**os.environ, "PYTHONPATH": str(code)}
    return subprocess.run([sys.executable, "-c", script], cwd=code, env=env).returncode


if __name__ == "__main__":
    raise SystemExit(main())
