"""Who gets what: the tables by district, sector and revenue band add up to the run's
totals, zones and districts are labels that move no figure, and the report's page names
them (in English and Chinese) or is left out when it has nothing to show."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from sim.reporting.run_report import _pages, write_report
from sim.reporting.who_gets_what import shown_breakdowns, zone_name
from sim.results.breakdowns import (
    BREAKDOWN_COLUMNS,
    breakdown,
    fiscal_by_firm,
    size_band_labels,
)
from sim.scenario import ScenarioError

from .conftest import BASELINE, SCENARIOS, SMALL

ONE_LENDER = SCENARIOS / "examples" / "one_lender_city.yaml"


@pytest.fixture(scope="module")
def runs() -> dict[str, sim.RunResult]:
    return {
        "baseline": sim.run(sim.load_scenario(BASELINE, SMALL)),
        "one_lender": sim.run(sim.load_scenario(ONE_LENDER)),
    }


def _pdf_text(result: sim.RunResult, folder, lang: str) -> list[str]:
    import pypdfium2 as pdfium

    pdf = write_report(result, folder, lang=lang, processes=1)[0]
    doc = pdfium.PdfDocument(str(pdf))
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


# ------------------------------------------------------------------ hand-built frames


def _apps() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "firm": [0, 0, 1, 2, 2],
            "outcome": ["approved", "approved", "refused_credit", "approved", "pending"],
            "amount": [10.0, 5.0, 7.0, 4.0, 3.0],
            "renewal": [False, True, False, False, False],
            "additional": [True, False, False, False, False],
            "interest_subsidy": [2.0, 1.0, 0.0, 1.0, 0.0],
            "guarantee": [5.0, 0.0, 0.0, 2.0, 0.0],
        }
    )


def test_a_breakdown_counts_each_groups_firms_loans_and_deadweight():
    savings = pd.DataFrame({"firm": [0, 2, 2], "amount": [3.0, 1.0, 0.5]})
    t = breakdown(np.array([0, 1, 0]), ["a", "b", "c"], _apps(), savings, np.ones(3), scale=2.0)
    assert list(t.columns) == list(BREAKDOWN_COLUMNS)
    assert t["firms_n"].tolist() == [4.0, 2.0, 0.0]
    assert t["applications_n"].tolist() == [8.0, 2.0, 0.0]
    assert t["approved_n"].tolist() == [6.0, 0.0, 0.0]
    assert t["approved_amount"].tolist() == [38.0, 0.0, 0.0]
    assert t["new_money_amount"].tolist() == [28.0, 0.0, 0.0]
    assert t["savings_amount"].tolist() == [9.0, 0.0, 0.0]
    assert t["fiscal_cost_amount"].tolist() == [2.0, 1.0, 0.0]  # already scaled
    # group a: subsidy 4, of which 2 on the additional loan; 2 guaranteed loans, 1 anyway
    assert t.loc["a", "deadweight_subsidy_share"] == pytest.approx(0.5)
    assert t.loc["a", "deadweight_guarantee_share"] == pytest.approx(0.5)
    assert t.loc[["b", "c"], "deadweight_subsidy_share"].isna().all()


def test_fiscal_cost_follows_each_measures_savings_else_its_loans():
    bm = pd.DataFrame({"measure": ["pool", "npl", "idle"], "fiscal_cost_amount": [6.0, 3.0, 0.0]})
    savings = pd.DataFrame(
        {
            "firm": [0, 1, 1],
            "category": pd.Categorical(["interest", "interest", "award"]),
            "amount": [1.0, 2.0, 9.0],
        }
    )
    got = fiscal_by_firm(bm, {"pool": ("interest",), "npl": ()}, savings, _apps(), 3)
    # the pool by interest saved (1 : 2), the NPL compensation by loans approved (15 : 0 : 4)
    assert got == pytest.approx([2.0 + 3 * 15 / 19, 4.0, 3 * 4 / 19])
    assert got.sum() == pytest.approx(9.0)


def test_size_bands_are_labelled_from_their_edges():
    assert size_band_labels([1e7, 5e7, 2e8]) == ["< 10 m", "10 m-50 m", "50 m-200 m", ">= 200 m"]
    assert size_band_labels([]) == ["all"]


# ------------------------------------------------------------------ runs


@pytest.mark.parametrize("name", ["baseline", "one_lender"])
def test_every_breakdown_adds_up_to_the_runs_totals(runs, name):
    res = runs[name]
    s = res.summary_values
    totals = {
        "firms_n": s["firms_n"],
        "applications_n": s["applications_n"],
        "approved_n": s["approved_n"],
        "approved_amount": s["disbursed_amount"],
        "new_money_amount": s["programme_new_amount"],
        "savings_amount": s["savings_total_amount"],
        "fiscal_cost_amount": s["fiscal_cost_amount"],
    }
    for table in (res.by_district, res.by_sector, res.by_size):
        for column, total in totals.items():
            assert table[column].sum() == pytest.approx(total, rel=1e-9, abs=1e-6), column


def test_the_baseline_places_every_firm_in_one_of_shanghais_districts(runs):
    res = runs["baseline"]
    assert list(res.by_district["district"])[:2] == ["Pudong", "Minhang"]
    assert len(res.by_district) == 16  # no row "none": firms outside zones are placed too
    assert (res.by_district["firms_n"] > 0).all()
    in_zone = res.firms["zone"] != "none"
    labels = res.scenario.population.zones.labels
    expected = [labels[z].district for z in res.firms.loc[in_zone, "zone"]]
    assert list(res.firms.loc[in_zone, "district"].astype(str)) == expected


def test_a_city_without_districts_or_sectors_shows_only_its_size_bands(runs):
    res = runs["one_lender"]
    assert res.by_district["district"].tolist() == ["none"]
    assert shown_breakdowns(res) == ["by_size"]
    assert shown_breakdowns(runs["baseline"]) == ["by_district", "by_sector", "by_size"]


def test_labels_move_no_figure():
    labelled = sim.run(sim.load_scenario(BASELINE, SMALL))
    bare = sim.run(
        sim.load_scenario(
            BASELINE, [*SMALL, "population.zones.labels={}", "population.districts={}"]
        )
    )
    assert labelled.summary_values == bare.summary_values
    assert bare.by_district["district"].tolist() == ["none"]


def test_the_tables_are_written_with_their_meanings(runs, tmp_path):
    paths = runs["baseline"].write_tables(tmp_path)
    names = {p.name for p in paths}
    assert {"by_district.csv", "by_sector.csv", "by_size.csv"} <= names
    columns = pd.read_csv(tmp_path / "columns.csv")
    assert set(columns.loc[columns["table"] == "by_size", "column"]) >= {
        "size_band",
        "revenue_min",
        *BREAKDOWN_COLUMNS,
    }


@pytest.mark.parametrize(
    ("override", "field", "words"),
    [
        (
            "population.zones.labels={zone_99: {name: x}}",
            "population.zones.labels.zone_99",
            "zone_01..zone_55",
        ),
        (
            "population.zones.labels={zone_01: {name: x, district: Atlantis}}",
            "population.zones.labels.zone_01.district",
            "Atlantis",
        ),
        (
            "population.districts={a: {outside_share: 0.5}, b: {outside_share: 0.4}}",
            "population.districts.*.outside_share",
            "sum to 1",
        ),
        ("population.size_bands=[50m, 10m]", "population.size_bands", "ascending"),
    ],
)
def test_bad_labels_name_the_field(override, field, words):
    with pytest.raises(ScenarioError) as e:
        sim.load_scenario(BASELINE, ["population.zones.labels={}", override])
    assert field in str(e.value)
    assert words in str(e.value)


def test_a_zone_is_shown_by_its_name_and_district_in_each_language():
    sc = sim.load_scenario(BASELINE)
    assert zone_name(sc, "zone_01", "en") == "Industrial zone 1 (Pudong)"
    assert zone_name(sc, "cluster_34", "zh") == "中小企业产业集群34（黄浦区）"
    bare = sim.load_scenario(BASELINE, ["population.zones.labels={}"])
    assert zone_name(bare, "zone_20", "zh") == "zone_20"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_names_the_districts_sectors_and_bands(runs, tmp_path, lang):
    res = runs["baseline"]
    pages = _pdf_text(res, tmp_path, lang)
    page = next(p for p in pages if ("Who gets what" in p or "谁得到了什么" in p))
    wanted = (
        ["Pudong", "Huangpu", "manufacturing", "software and IT", "below 10 m", "200 m and more"]
        if lang == "en"
        else ["浦东新区", "黄浦区", "制造业", "生物医药", "1,000万元以下", "2亿元及以上"]
    )
    flat = page.replace("\r", "").replace("\n", "")
    missing = [w for w in wanted if w not in flat]
    assert not missing, (missing, page)
    top = res.summary_values["savings_top10_share"]
    assert f"{100 * top:.0f}" in flat


def test_the_one_lender_city_prints_the_page_with_its_size_bands_only(runs, tmp_path):
    pages = _pdf_text(runs["one_lender"], tmp_path, "en")
    page = next(p for p in pages if "Who gets what" in p)
    assert "By annual revenue" in page
    assert "By district" not in page and "By sector" not in page
    assert "who" in [stem for stem, _ in _pages(runs["one_lender"], "en")]


def test_the_zone_budget_chart_names_labelled_zones():
    from matplotlib.figure import Figure

    from sim.reporting.run_report import plot_relief_by_zone

    from .conftest import small_scenario

    entries = ", ".join(
        f"{z}_{i:02d}: {{name: Park {z} {i}, district: D}}"
        for z, n in (("zone", 55), ("cluster", 34))
        for i in range(1, n + 1)
    )
    labels = "{" + entries + "}"
    res = sim.run(
        small_scenario(
            f"population.zones.labels={labels}", "population.districts={D: {name_zh: 某区}}"
        )
    )
    ax = Figure().subplots()
    plot_relief_by_zone(ax, res, lang="zh")
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert names and all(n.startswith("Park ") and n.endswith("（某区）") for n in names), names
