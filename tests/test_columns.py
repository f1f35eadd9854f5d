"""The column dictionary: every column of every table described; CSV rounding; columns.csv."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from sim.experiments import EXTRA_KEYS, SERIES
from sim.model.instruments.base import instrument_classes, measure_units
from sim.results import SUMMARY_KEYS
from sim.results.columns import (
    FIGURES,
    LANGUAGES,
    MEANINGS,
    UNIT_TEXTS,
    UNITS,
    column_dictionary,
    column_unit,
    describe,
    round_for_csv,
)

from .conftest import small_scenario

# every measure active, so every optional column is present
ALL = [
    "population.firms_n=1500",
    "npl_compensation={budget: 1bn, share: 0.55, first_loan_bonus: 0.05}",
    "guarantee.suspend_claim_rate=0.05",
    "cost_relief.channels.internet=tariff_cut",
]


@pytest.fixture(scope="module")
def run() -> sim.RunResult:
    return sim.run(small_scenario(*ALL), seed=5)


@pytest.fixture(scope="module")
def experiments() -> list:
    base = small_scenario(*ALL)
    variant = small_scenario(*ALL, "guarantee.cap_per_firm=10m")
    return [
        sim.replicate(base, 2, processes=1),
        sim.compare(base, [variant], 2, processes=1),
        sim.sweep(
            base, vary={"guarantee.cap_per_firm": ["10m", "30m"]}, replications=2, processes=1
        ),  # fmt: skip
    ]


CJK = r"[\u4e00-\u9fff]"
#: a meaning is a sentence: in Chinese a few characters say what takes a line in English
MIN_MEANING = {"en": 10, "zh": 4}


def _written(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {n: (df.reset_index() if df.index.name else df) for n, df in tables.items()}


def _check_meanings(d: pd.DataFrame, lang: str) -> None:
    assert (d["meaning"].str.len() >= MIN_MEANING[lang]).all(), lang
    assert (d["unit"].str.len() > 0).all(), lang
    if lang == "zh":
        assert d["meaning"].str.contains(CJK).all()
        assert d["unit"][d["unit"] != "CNY"].str.contains(CJK).all()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_column_of_every_run_table_is_described(run, lang):
    tables = _written(run.tables())
    d = column_dictionary(tables, strict=True, lang=lang)
    assert len(d) == sum(df.shape[1] for df in tables.values())
    _check_meanings(d, lang)
    assert "npl_compensation_paid_amount" in set(d["column"])  # optional measures too


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_column_of_every_experiment_table_is_described(experiments, lang):
    for ex in experiments:
        tables = ex.tables()
        d = column_dictionary(tables, strict=True, levers=ex.levers, lang=lang)
        assert len(d) == sum(df.shape[1] for df in tables.values()), ex.kind
        _check_meanings(d, lang)
    sweep = experiments[2]
    assert column_unit("replications", "guarantee.cap_per_firm", levers=sweep.levers) == "lever"


def test_an_undescribed_column_is_caught():
    with pytest.raises(KeyError, match="not_a_column"):
        column_dictionary({"applications": pd.DataFrame({"not_a_column": [1]})}, strict=True)


def test_every_headline_figure_has_a_meaning_and_a_unit_by_its_suffix():
    optional = [k for cls in instrument_classes() for k in (*cls.summary_keys, *cls.extra_columns)]
    declared = measure_units()  # a measure's own keys: their units declared with it
    for key in [*SUMMARY_KEYS, *optional, *EXTRA_KEYS, *SERIES]:
        assert key in FIGURES or key in declared, key
        for lang in LANGUAGES:
            meaning, unit = describe("summary.json", key, lang=lang)
            assert meaning and unit, (key, lang)
    suffix_unit = {"_amount": "money", "_share": "share", "_rate": "share", "_day": "day",
                   "_n": "count"}  # fmt: skip
    for key, unit in {**FIGURES, **declared}.items():
        for suffix, want in suffix_unit.items():
            if key.endswith(suffix):
                assert unit == want, key
    for lang, texts in MEANINGS.items():
        assert set(texts) == set(MEANINGS["en"]), lang
        assert set(UNIT_TEXTS[lang]) == set(UNITS), lang


def test_every_described_column_has_a_meaning_in_every_language():
    keys = set(MEANINGS["en"])
    assert keys >= set(FIGURES)
    for lang in LANGUAGES:
        assert set(MEANINGS[lang]) == keys, lang
        assert all(text.strip() for text in MEANINGS[lang].values()), lang


def test_the_dictionary_in_chinese():
    meaning, unit = describe("applications", "amount", lang="zh")
    assert (meaning, unit) == ("申请金额（获批时即发放金额）。", "CNY")
    assert describe("summary.json", "uptake_rate", lang="zh")[1] == "比例（1 = 100%）"
    meaning, _ = describe("points", "disbursed_amount_p05", lang="zh")
    assert meaning.startswith("disbursed_amount 各次重复运行的第5百分位数：获批贷款金额。")
    assert (
        "loan_pool.max_per_firm" in describe("summary.json", "refused_firm_limit_n", lang="zh")[0]
    )


def test_units_read_the_scenario_currency_and_unknown_languages_are_refused():
    assert describe("quotas", "remaining", currency="EUR")[1] == "EUR"
    assert describe("summary.json", "uptake_rate")[1].startswith("share")
    with pytest.raises(ValueError, match="language"):
        describe("quotas", "remaining", lang="xx")


def test_csv_rounding_amounts_to_cents_and_shares_to_six_digits():
    df = pd.DataFrame(
        {
            "account": ["a", "b", "c"],
            "initial": [65619559.97612932, 1e20, np.nan],
            "draws_n": [1, 2, 3],
            "used_share": [0.123456789, 1.23456789e-7, 0.0],
        }
    )
    out = round_for_csv("quotas", df)
    assert out["initial"].tolist()[:2] == [65619559.98, 1e20] and np.isnan(out["initial"][2])
    assert out["used_share"].tolist() == [0.123457, 1.23457e-7, 0.0]
    assert out["draws_n"].tolist() == [1, 2, 3]
    assert df["initial"][0] == 65619559.97612932  # the library's table keeps full precision


def test_csv_rounding_of_a_statistics_table_follows_each_row_figure():
    df = pd.DataFrame(
        {
            "point": [0, 0],
            "metric": ["disbursed_amount", "uptake_rate"],
            "mean": [1234.56789, 0.123456789],
            "n": [3, 3],
            "share": [1.0, 2 / 3],
        }
    )
    out = round_for_csv("summary", df)
    assert out["mean"].tolist() == [1234.57, 0.123457]
    assert out["share"].tolist() == [1.0, 0.666667]


def test_csv_tables_are_rounded_parquet_keeps_full_precision_both_have_columns_csv(run, tmp_path):
    run.write_tables(tmp_path / "csv")
    run.write_tables(tmp_path / "pq", fmt="parquet")
    tables = _written(run.tables())
    for fmt in ("csv", "pq"):
        d = pd.read_csv(tmp_path / fmt / "columns.csv")
        assert list(d.columns) == ["table", "column", "meaning", "unit"]
        for name, df in tables.items():
            assert d.loc[d["table"] == name, "column"].tolist() == list(df.columns), name
    apps = pd.read_csv(tmp_path / "csv" / "applications.csv")
    # no amount carries more than 2 decimals
    amounts = apps["amount"].map(repr)
    assert not amounts.str.contains(r"\.\d{3,}").any()
    np.testing.assert_allclose(apps["amount"], run.applications["amount"], rtol=0, atol=0.005)
    firms = pd.read_csv(tmp_path / "csv" / "firms.csv")
    np.testing.assert_allclose(firms["pd_annual"], run.firms["pd_annual"], rtol=5e-6)
    pq = pd.read_parquet(tmp_path / "pq" / "applications.parquet")
    assert (pq["amount"].to_numpy() == run.applications["amount"].to_numpy()).all()


def test_experiment_tables_are_rounded_with_a_column_dictionary(experiments, tmp_path):
    ex = experiments[2]
    ex.write_tables(tmp_path)
    d = pd.read_csv(tmp_path / "columns.csv")
    assert set(d["table"]) == {"replications", "summary", "points"}
    lever = d[(d["table"] == "replications") & (d["column"] == "guarantee.cap_per_firm")]
    assert "guarantee.cap_per_firm" in lever["meaning"].item()
    runs = pd.read_csv(tmp_path / "replications.csv")
    assert set(runs["guarantee.cap_per_firm"]) == {1e7, 3e7}
    np.testing.assert_allclose(
        runs["disbursed_amount"], ex.runs["disbursed_amount"], rtol=0, atol=0.005
    )
