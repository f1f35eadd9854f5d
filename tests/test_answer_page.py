"""The run report a policy maker reads: the answer page's sentences carry the summary's
numbers, no page has an empty axes or a date axis at 1970, a Chinese report has no
English words beyond the scenario's own names, codes and parameter paths, and the
English and Chinese reports of a scenario go to different folders."""

from __future__ import annotations

import re

import pytest

import sim
from sim.reporting.answer import answer_sentences, answer_warnings
from sim.reporting.formatting import format_count, format_money
from sim.reporting.i18n import tr
from sim.reporting.run_report import _pages, write_report

from .conftest import BASELINE, SCENARIOS, SMALL
from .test_cli import invoke

ONE_LENDER = SCENARIOS / "examples" / "one_lender_city.yaml"


@pytest.fixture(scope="module")
def runs() -> dict[str, sim.RunResult]:
    return {
        "baseline": sim.run(sim.load_scenario(BASELINE, SMALL)),
        "one_lender": sim.run(sim.load_scenario(ONE_LENDER)),
    }


@pytest.fixture(scope="module")
def reports(runs, tmp_path_factory) -> dict[tuple[str, str], list[str]]:
    """The text of every page of each run's report, in each language."""
    import pypdfium2 as pdfium

    out = {}
    for name, result in runs.items():
        for lang in ("en", "zh"):
            folder = tmp_path_factory.mktemp(f"{name}_{lang}")
            pdf = write_report(result, folder, lang=lang, processes=1)[0]
            doc = pdfium.PdfDocument(str(pdf))
            try:
                out[name, lang] = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
            finally:
                doc.close()
    return out


def _flat(text: str, lang: str) -> str:
    # lines wrapped on the page: a space in English, nothing in Chinese
    return re.sub(r"\s*\r?\n\s*", "" if lang == "zh" else " ", text)


def _pct(v: float, lang: str) -> str:
    return tr("x.pct", lang, v=f"{100 * v:.0f}")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", ["baseline", "one_lender"])
def test_answer_page_carries_the_summarys_numbers(runs, reports, name, lang):
    s = runs[name].summary_values
    cur = s["currency"]
    page = _flat(reports[name, lang][0], lang)
    wanted = [
        format_money(s["disbursed_amount"], cur, lang),
        format_count(s["approved_n"]),
        format_count(s["borrower_firms_n"]),
        format_money(s["savings_total_amount"], cur, lang),
        format_money(s["fiscal_cost_amount"], cur, lang),
        _pct(s["deadweight_subsidy_share"], lang),
        _pct(s["savings_top10_share"], lang),
        f"{s['savings_gini']:.2f}",
    ]
    if s["programme_renewal_amount"] > 0:
        wanted += [
            format_money(s["programme_new_amount"], cur, lang),
            format_money(s["programme_renewal_amount"], cur, lang),
        ]
    if s["fiscal_cost_per_additional_loan"] is not None:
        wanted += [
            format_money(s["fiscal_cost_per_additional_loan"], cur, lang),
            f"{s['fiscal_cost_per_additional_yuan']:.3f}",
            format_money(s["additional_loans_amount"], cur, lang),
        ]
    missing = [w for w in wanted if w not in page]
    assert not missing, (missing, page)
    for sentence in answer_sentences(runs[name], lang):
        assert _flat(sentence, lang) in page


def test_the_pending_warning_appears_above_five_percent(runs, reports):
    s = runs["one_lender"].summary_values
    assert s["pending_n"] / s["applications_n"] > 0.05  # the example's lender is slow
    warnings = answer_warnings(runs["one_lender"], "en")
    assert any(format_count(s["pending_n"]) in w for w in warnings)
    assert _flat(warnings[0], "en") in _flat(reports["one_lender", "en"][0], "en")
    assert runs["baseline"].summary_values["pending_n"] / runs["baseline"].summary_values[
        "applications_n"
    ] <= 0.05 or answer_warnings(runs["baseline"], "en")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", ["baseline", "one_lender"])
def test_no_page_has_an_empty_axes_or_a_1970_date(runs, reports, name, lang):
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from sim.reporting.fonts import report_rc
    from sim.reporting.pages import PAGE_SIZE

    result = runs[name]
    with matplotlib.rc_context(report_rc(lang)):
        for stem, draw in _pages(result, lang):
            fig = matplotlib.figure.Figure(figsize=PAGE_SIZE)
            FigureCanvasAgg(fig)  # as the page writer does: pages measure their text
            draw(fig)
            for ax in fig.axes:
                if ax.axison:
                    assert ax.has_data(), (stem, ax.get_title())
    assert not any("1970" in page for page in reports[name, lang])


def test_a_scenario_without_zones_or_other_accounts_prints_no_empty_page(reports):
    pages = reports["one_lender", "en"]
    assert not any("no cost relief" in p for p in pages)
    assert len(pages) < len(reports["baseline", "en"])


@pytest.mark.parametrize("name", ["baseline", "one_lender"])
def test_a_chinese_report_has_no_english_words_beyond_names_and_codes(runs, reports, name):
    sc = runs[name].scenario
    allowed = {
        "smesim",
        sc.currency,
        *sc.name.split("_"),
        *sc.population.tiers,
        *(lender.name for lender in sc.banks.lenders if not lender.name_zh),
        *([sc.banks.group.name] if sc.banks.group is not None else []),
    }
    words = set()
    for page in reports[name, "zh"]:
        page = re.sub(r"smesim [a-z-]+", "", page)  # a command, as typed
        for word in re.findall(r"-*[A-Za-z][A-Za-z0-9_.-]*", page):
            word = word.rstrip(".")
            if len(word) == 1 or word.startswith("--") or "_" in word or "." in word:
                continue  # markers (X, o), options, codes and parameter paths as typed
            if word not in allowed:
                words.add(word)
    assert not words, sorted(words)


def test_lang_zh_without_out_writes_beside_the_english_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    sets = [x for s in SMALL for x in ("--set", s)]
    for lang in ("en", "zh"):
        r = invoke("run", str(BASELINE), *sets, "--no-report", "--lang", lang)
        assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == [
        "shanghai_2024",
        "shanghai_2024.zh",
    ]
