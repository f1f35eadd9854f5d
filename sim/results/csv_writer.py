"""CSV tables byte for byte as ``DataFrame.to_csv(path, index=False)`` writes them, faster.

Public names: :func:`write_csv`.

Each column is turned into its CSV text as an Arrow string array, and Arrow's CSV writer
joins the fields into lines (no quoting: a table whose text needs quoting goes to
pandas). Integers, flags, categories and text are converted by Arrow. A float is written
as Python's ``repr`` writes it (the shortest text that reads back to the same number,
what pandas writes): a float that is a number of a few decimals (amounts in cents,
rounded shares, whole numbers) is written from that whole number of units by numpy, all
float columns of a table at once; the others (very large, very small, many digits) with
``repr``, once per distinct value.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

#: Rows converted at a time by :func:`write_csv` (bounds the memory of the text).
_CSV_CHUNK_ROWS = 200_000
_CSV_SPECIAL = (",", '"', "\n", "\r")
#: Decimals tried for a float written from a whole number of ``10**-k`` units.
_MAX_DECIMALS = 8
#: ``repr`` writes numbers from 1e-4 up to 1e16 without an exponent; below the upper
#: bound doubles are far closer together than ``10**-k``, so the double nearest to a
#: ``k``-decimal number is near no shorter one.
_DECIMAL_LOW, _DECIMAL_HIGH = 1e-4, 1e15
_EXACT_INT = 2.0**53
#: Digits before the point (below _DECIMAL_HIGH).
_WHOLE_DIGITS = 16
#: Floats formatted at a time (bounds the memory of the digit matrix).
_FLOAT_BATCH = 250_000


_PAIRS = np.frombuffer("".join(f"{i:02d}" for i in range(100)).encode(), dtype=np.uint16)
_POW10 = 10 ** np.arange(_MAX_DECIMALS + 1, dtype=np.int64)
_POW10_WHOLE = 10 ** np.arange(_WHOLE_DIGITS, dtype=np.int64)  # 1, 10, ..., 1e15


def _digit_matrix(a: np.ndarray, pairs_n: int) -> np.ndarray:
    """ASCII digits of non-negative integers, right-aligned in ``2 * pairs_n`` columns."""
    pairs = np.empty((len(a), pairs_n), dtype=np.uint16)
    for pos in range(pairs_n - 1, -1, -1):
        a, r = np.divmod(a, 100)
        pairs[:, pos] = _PAIRS[r]
    return pairs.view(np.uint8)


def _decimal_bytes(units: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Text of ``units[i] * 10**-k[i]`` with exactly ``k[i]`` (1 to 8) decimals.

    Every row is laid out at fixed width (a sign, the whole part's digits right-aligned,
    the point, the decimals left-aligned) and its used span is kept. Returns the lengths
    and the bytes.
    """
    n = len(units)
    whole, frac = np.divmod(np.abs(units), _POW10[k])
    whole_digits = _digit_matrix(whole, _WHOLE_DIGITS // 2)
    frac_digits = _digit_matrix(frac * _POW10[_MAX_DECIMALS - k], (_MAX_DECIMALS + 1) // 2)
    frac_digits = frac_digits[:, frac_digits.shape[1] - _MAX_DECIMALS :]
    sign = np.full((n, 1), ord("-"), dtype=np.uint8)
    point = np.full((n, 1), ord("."), dtype=np.uint8)
    chars = np.concatenate([sign, whole_digits, point, frac_digits], axis=1)
    # digits of the whole part, one at least ("0.5")
    ndigits = np.maximum(np.searchsorted(_POW10_WHOLE, whole, side="right"), 1)
    first = _WHOLE_DIGITS - ndigits
    negative = units < 0
    start = 1 + first - negative  # a minus sign just before the first digit
    chars[np.flatnonzero(negative), start[negative]] = ord("-")
    end = 1 + _WHOLE_DIGITS + 1 + k
    lengths = end - start
    # each row's span [start, end) of the flattened matrix, one after the other
    first_byte = np.arange(n, dtype=np.int64) * chars.shape[1] + start
    shift = np.repeat(first_byte - (np.cumsum(lengths) - lengths), lengths)
    return lengths, chars.ravel()[shift + np.arange(len(shift), dtype=np.int64)]


def _strings(lengths: np.ndarray, data: np.ndarray):  # -> pyarrow.StringArray
    import pyarrow as pa

    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return pa.LargeStringArray.from_buffers(
        len(lengths), pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(data))
    )


def _float_text(values: np.ndarray):  # -> pyarrow.Array
    """``repr`` of each float (NaN as a null: an empty field).

    A float ``x`` equal to ``c / 10**k`` (the correctly rounded quotient) for a whole
    ``c``, with the smallest such ``k``, is the double nearest to that ``k``-decimal
    number and to no shorter one (within :data:`_DECIMAL_HIGH`), so ``repr`` writes
    exactly those digits.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(values)
    size = np.abs(values)
    todo = (size < _DECIMAL_HIGH) & ((size >= _DECIMAL_LOW) | (values == 0))
    todo &= ~((values == 0) & np.signbit(values))  # -0.0 is "-0.0": left to repr
    idx = np.flatnonzero(todo)
    units = np.zeros(n, dtype=np.int64)
    decimals = np.zeros(n, dtype=np.int64)
    scale = 1.0
    for k in range(_MAX_DECIMALS + 1):
        if not len(idx):
            break
        x = values[idx]
        c = np.round(x * scale)
        hit = (c / scale == x) & (np.abs(c) < _EXACT_INT)
        # a whole number is written with one decimal: "12.0"
        units[idx[hit]] = c[hit].astype(np.int64) * (10 if k == 0 else 1)
        decimals[idx[hit]] = max(k, 1)
        idx = idx[~hit]
        scale *= 10.0
    fast = decimals > 0
    out = pa.nulls(n, pa.large_string())
    if fast.any():
        out = pc.replace_with_mask(
            out, pa.array(fast), _strings(*_decimal_bytes(units[fast], decimals[fast]))
        )
    rest = ~fast & ~np.isnan(values)
    if rest.any():
        uniq, inverse = np.unique(values[rest], return_inverse=True)
        text = pa.array(list(map(repr, uniq.tolist())), pa.large_string())
        out = pc.replace_with_mask(out, pa.array(rest), text.take(pa.array(inverse)))
    return out


def _floats_text(columns: list[np.ndarray]) -> list[Any]:
    """:func:`_float_text` of several columns, converted together in batches."""
    import pyarrow as pa

    if not columns:
        return []
    values = np.concatenate(columns)
    parts = [
        _float_text(values[lo : lo + _FLOAT_BATCH])
        for lo in range(0, max(len(values), 1), _FLOAT_BATCH)
    ]
    text = pa.chunked_array(parts, pa.large_string()).combine_chunks()
    out, lo = [], 0
    for col in columns:
        out.append(text.slice(lo, len(col)))
        lo += len(col)
    return out


def _date_text(values: np.ndarray):  # -> pyarrow.Array | None
    """Dates at midnight as pandas writes them (``2025-01-31``); ``None`` for times of day."""
    import pyarrow as pa

    missing = np.isnat(values)
    days = values.astype("datetime64[D]")
    ok = days[~missing]
    if (days[~missing] != values[~missing]).any() or (
        len(ok)
        and (ok.min() < np.datetime64("0001-01-01") or ok.max() > np.datetime64("9999-12-31"))
    ):
        return None
    return pa.array(np.datetime_as_string(days, unit="D").astype(object), pa.string(), mask=missing)


def _column_text(col: pd.Series):  # -> pyarrow.Array | None
    """The CSV fields of one non-float column as ``to_csv`` writes them (flags, integers,
    dates, categories, text); ``None`` if not handled here."""
    import pyarrow as pa
    import pyarrow.compute as pc

    dt = col.dtype
    if isinstance(dt, np.dtype) and dt.kind == "b":
        return pc.if_else(pa.array(col.to_numpy()), "True", "False")
    if isinstance(dt, np.dtype) and dt.kind in "iu":
        return pc.cast(pa.array(col.to_numpy()), pa.string())
    if isinstance(dt, np.dtype) and dt.kind == "M":
        return _date_text(col.to_numpy())
    if isinstance(dt, pd.CategoricalDtype):
        names = [str(c) for c in dt.categories]
        if any(ch in n for n in names for ch in _CSV_SPECIAL):
            return None
        codes = col.cat.codes.to_numpy().astype(np.int64)
        return pa.array(names, pa.string()).take(pa.array(codes, mask=codes < 0))
    if isinstance(dt, pd.Int64Dtype):
        return pc.cast(pa.array(col), pa.string())
    if isinstance(dt, pd.StringDtype):
        text = pa.array(col.to_numpy(dtype=object, na_value=None), pa.string())
        if any(pc.any(pc.match_substring(text, ch)).as_py() for ch in _CSV_SPECIAL):
            return None
        return text
    return None


def write_csv(df: pd.DataFrame, path: str | Path) -> None:
    """Write ``df`` without its index, byte for byte as ``df.to_csv(path, index=False)``.

    Numbers, flags, categories and plain text are converted column by column (see the
    module) and the lines are joined by Arrow's CSV writer, several times faster than
    pandas; a frame with any other column type, or text that needs quoting, goes to
    pandas.

    Parameters
    ----------
    df
        The table.
    path
        The CSV file to write.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [str(c) for c in df.columns]
    if df.shape[1] == 0 or any(ch in n for n in names for ch in _CSV_SPECIAL):
        df.to_csv(path, index=False)
        return
    batches = []
    for lo in range(0, len(df), _CSV_CHUNK_ROWS):
        part = df.iloc[lo : lo + _CSV_CHUNK_ROWS]
        cols: list[Any] = [None] * part.shape[1]
        floats = []
        for c in range(part.shape[1]):
            col = part.iloc[:, c]
            if col.dtype == np.float64:
                floats.append(c)
                continue
            cols[c] = _column_text(col)
            if cols[c] is None:
                df.to_csv(path, index=False)
                return
        texts = _floats_text([part.iloc[:, c].to_numpy() for c in floats])
        for c, text in zip(floats, texts, strict=True):
            cols[c] = text
        if len(cols) == 1 and cols[0].null_count:
            # pandas quotes the empty field of a one-column line: ""
            df.to_csv(path, index=False)
            return
        batches.append(pa.RecordBatch.from_arrays(cols, names=names))
    options = pacsv.WriteOptions(include_header=False, quoting_style="none", eol=os.linesep)
    with open(path, "wb") as fh:
        fh.write((",".join(names) + os.linesep).encode("utf-8"))
        for batch in batches:
            pacsv.write_csv(batch, fh, options)
