"""The workbook as openpyxl wrote it before ``sim.results.workbook`` wrote the file itself:
the reference the equivalence tests compare the new file with (openpyxl write-only mode,
one Python call per cell). Used only by the tests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.results.columns import column_dictionary, column_units, figure_unit
from sim.results.workbook import (
    _MAX_WIDTH,
    _MIN_WIDTH,
    _TEXT_MAX_WIDTH,
    _WIDTH_SAMPLE,
    MAX_ROWS,
    NUMBER_FORMATS,
    _cell_values,
    _display_width,
    _shown,
)


def _append_sheet(
    wb: Any,
    title: str,
    df: pd.DataFrame,
    units: Mapping[str, str | np.ndarray],
    widths_cap: Mapping[str, int] | None = None,
) -> None:
    """Write one table as sheets of at most :data:`MAX_ROWS` rows (write-only mode)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    names = [str(c) for c in df.columns]
    cols = [_cell_values(df[c], units.get(str(c), "number")) for c in df.columns]
    n = len(df)
    # widths from the header and a sample of the values as shown
    widths = []
    for j, name in enumerate(names):
        unit = units.get(name, "number")
        sample = cols[j][:_WIDTH_SAMPLE]
        us = [unit] * len(sample) if isinstance(unit, str) else list(unit[: len(sample)])
        shown = [_display_width(_shown(v, str(u))) for v, u in zip(sample, us, strict=True)]
        is_text = all(not isinstance(v, int | float) or isinstance(v, bool) for v in sample)
        cap = (widths_cap or {}).get(name, _TEXT_MAX_WIDTH if is_text else _MAX_WIDTH)
        widths.append(min(max([_display_width(name), *shown, _MIN_WIDTH - 2]) + 2, cap))
    for part, lo in enumerate(range(0, max(n, 1), MAX_ROWS)):
        ws = wb.create_sheet(title if part == 0 else f"{title} ({part + 1})"[:31])
        ws.freeze_panes = "A2"
        for j, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(j)].width = w
        ws.append(names)
        # one reusable cell per (column, format): openpyxl writes a row as it is appended
        styled: list[tuple[int, Any, dict[str, Any] | None]] = []
        for j, name in enumerate(names):
            unit = units.get(name, "number")
            if isinstance(unit, str):
                if unit in NUMBER_FORMATS:
                    cell = WriteOnlyCell(ws)
                    cell.number_format = NUMBER_FORMATS[unit]
                    styled.append((j, cell, None))
            else:
                by_unit = {}
                for u in pd.unique(unit):
                    cell = WriteOnlyCell(ws)
                    if str(u) in NUMBER_FORMATS:
                        cell.number_format = NUMBER_FORMATS[str(u)]
                    by_unit[u] = cell
                styled.append((j, unit, by_unit))
        formulas = [
            j
            for j, c in enumerate(cols)
            if any(isinstance(v, str) and v.startswith("=") for v in c[lo : lo + MAX_ROWS])
        ]
        hi = min(lo + MAX_ROWS, n)
        rows = zip(*(c[lo:hi] for c in cols), strict=True) if cols else iter(())
        for i, row in enumerate(rows, start=lo):
            out = list(row)
            for j, cell, by_unit in styled:
                v = out[j]
                if v is None or isinstance(v, str):
                    continue
                if by_unit is not None:
                    cell = by_unit[cell[i]]
                cell.value = v
                out[j] = cell
            for j in formulas:  # text, never a formula
                if isinstance(out[j], str) and out[j].startswith("="):
                    c = WriteOnlyCell(ws, value=out[j])
                    c.data_type = "s"
                    out[j] = c
            ws.append(out)


def write_workbook_openpyxl(
    path: str | Path,
    tables: Mapping[str, pd.DataFrame],
    *,
    headline: pd.DataFrame,
    headline_units: Mapping[str, str | np.ndarray] | None = None,
    lang: str = "en",
    currency: str = "CNY",
    levers: Sequence[str] = (),
    max_rows: int = MAX_ROWS,
) -> Path:
    """``write_workbook`` as it was (same arguments; ``max_rows`` for continuation sheets)."""
    from openpyxl import Workbook

    global MAX_ROWS
    saved, MAX_ROWS = MAX_ROWS, max_rows
    try:
        path = Path(path)
        wb = Workbook(write_only=True)
        h_units: dict[str, str | np.ndarray] = {c: "text" for c in headline.columns}
        if "figure" in headline.columns:
            per_row = headline["figure"].map(figure_unit).to_numpy(dtype=object)
            for c in headline.columns:
                if c not in ("figure", "unit", "meaning"):
                    h_units[c] = per_row
        h_units.update(headline_units or {})
        _append_sheet(wb, "headline", headline, h_units, {"meaning": _TEXT_MAX_WIDTH})
        for name, df in tables.items():
            _append_sheet(wb, name, df, column_units(name, df, levers=levers))
        dictionary = column_dictionary(tables, lang=lang, currency=currency, levers=levers)
        _append_sheet(wb, "columns", dictionary, {c: "text" for c in dictionary.columns})
        wb.save(path)
    finally:
        MAX_ROWS = saved
    return path
