"""Results: the CSV writer gives the same bytes as pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from sim.results import write_csv

from .conftest import small_scenario


def _same_bytes(df: pd.DataFrame, tmp_path) -> bool:
    want, got = tmp_path / "want.csv", tmp_path / "got.csv"
    df.to_csv(want, index=False)
    write_csv(df, got)
    return want.read_bytes() == got.read_bytes()


def test_every_table_of_a_run_is_written_as_pandas_writes_it(tmp_path):
    res = sim.run(small_scenario("population.firms_n=800"), seed=3)
    for name, df in res.tables().items():
        out = df.reset_index() if df.index.name else df
        assert _same_bytes(out, tmp_path), name


@pytest.mark.parametrize("text", ["plain", "a,b", 'say "hi"', "two\nlines"])
def test_edge_values_and_text_that_needs_quoting(tmp_path, text):
    df = pd.DataFrame(
        {
            "x": [0.0, -0.0, 1e16, 1e-5, 1.2345678901234568e17, np.nan, np.inf, 5e-324],
            "n": np.arange(8, dtype=np.int16),
            "flag": [True, False] * 4,
            "cat": pd.Categorical(["a", None, "b", "a", "b", None, "a", "b"]),
            "maybe": pd.array([1, None, 3, 4, None, 6, 7, 8], dtype="Int64"),
            "text": pd.array([text, "", None, "é", "x", "y", "z", "w"], dtype="str"),
        }
    )
    assert _same_bytes(df, tmp_path)
    assert _same_bytes(df.iloc[:0], tmp_path)


def test_floats_of_every_size_and_number_of_decimals_are_written_as_pandas_writes_them(tmp_path):
    # amounts in cents, rounded shares, whole numbers, and numbers with all their digits,
    # from tiny to huge, both signs: the decimal path and the repr path, side by side
    rng = np.random.default_rng(7)
    n = 4000
    raw = rng.normal(size=n) * 10.0 ** rng.integers(-12, 22, n)
    cols = {
        f"d{k}": np.round(rng.normal(size=n) * 10.0 ** rng.integers(-3, 15, n), k)
        for k in range(10)
    }
    sig6 = [float(f"{x:.6g}") for x in rng.normal(size=n) * 10.0 ** rng.integers(-8, 17, n)]
    edge = [0.1 + 0.2, 0.29, -0.07, 999999999999999.9, 99999999999999.99, 1e15, -1e15, 1e-4]
    df = pd.DataFrame({"raw": raw, **cols, "sig6": sig6, "edge": np.resize(edge, n)})
    df.iloc[::97] = np.nan
    assert _same_bytes(df, tmp_path)
    assert _same_bytes(df.iloc[:, :1].astype(float).mul(-1), tmp_path)


@pytest.mark.parametrize("unit", ["ns", "us", "s"])
def test_dates_are_written_as_pandas_writes_them(tmp_path, unit):
    days = pd.to_datetime(["2025-01-01", "2025-01-02", None, "1999-12-31"])
    df = pd.DataFrame({"date": days.astype(f"datetime64[{unit}]"), "x": [1.5, 2.0, np.nan, 3.0]})
    assert _same_bytes(df, tmp_path)
    with_time = df.assign(date=df["date"] + pd.Timedelta(hours=10))
    assert _same_bytes(with_time, tmp_path)
