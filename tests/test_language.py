"""Reports and summaries in Chinese: catalogue, amounts, fonts, the ``--lang`` option."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import sim
from sim.errors import ReportError
from sim.reporting import fonts
from sim.reporting.formatting import format_money
from sim.reporting.i18n import code_label, tr

from .conftest import BASELINE

ROOT = Path(__file__).resolve().parents[1]
TINY = [
    "population.firms_n=800",
    "horizon.days=365",
    "awards.round_days=[200]",
    "loan_pool.reallocation_day=180",
]


def _sets(*extra: str) -> list[str]:
    return [a for s in [*TINY, *extra] for a in ("--set", s)]


def smesim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-W", "error", "-m", "cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )


# keys and fields of the languages in step: tests/test_texts.py


def test_codes_become_words():
    assert code_label("refused_firm_limit", "en") == "firm limit"
    assert code_label("refused_firm_limit", "zh") == "超出单户限额"
    assert code_label("relief_water", "zh") == "水费"
    assert code_label("zone_07", "zh") == "zone_07"  # a scenario's own name stays
    with pytest.raises(ValueError, match="zh, en|en, zh"):
        tr("na", "fr")


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (177e9, "1,770亿元"),
        (26e6, "2,600万元"),
        (1.2e12, "1.2万亿元"),
        (950, "950元"),
        (-3e8, "-3亿元"),
        (None, "无"),
    ],
)
def test_money_in_chinese_style(x, text):
    assert format_money(x, "CNY", lang="zh") == text


def test_money_in_english_unchanged():
    assert format_money(177e9, "CNY") == "177 bn CNY"
    assert format_money(26e6) == "26 m"


def test_language_field_is_left_out_of_the_dump_when_unset():
    sc = sim.load_scenario(BASELINE)
    assert sc.language is None
    assert "language" not in sim.scenario_to_yaml(sc)
    zh = sim.load_scenario(BASELINE, ["language=zh"])
    assert zh.language == "zh"
    assert "language: zh" in sim.scenario_to_yaml(zh)
    with pytest.raises(sim.ScenarioError, match="language"):
        sim.load_scenario(BASELINE, ["language=fr"])


def test_no_cjk_font_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(fonts, "_find_cjk_font", lambda: None)
    with pytest.raises(ReportError, match=re.escape(fonts.ZH_EXTRA)):
        fonts.report_rc("zh")
    assert "font.family" not in fonts.report_rc("en", ("上海",))  # English: best effort


def test_no_cjk_font_exits_2_naming_the_extra(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    import cli

    monkeypatch.setattr(fonts, "_find_cjk_font", lambda: None)
    res = CliRunner().invoke(
        cli.app, ["run", str(BASELINE), "--lang", "zh", "-o", str(tmp_path / "o"), *_sets()]
    )
    assert res.exit_code == 2
    assert "[zh]" in res.output
    assert not (tmp_path / "o").exists()


def test_unknown_lang_exits_2(tmp_path):
    r = smesim("run", str(BASELINE), "--lang", "fr", "-o", str(tmp_path / "o"), *_sets())
    assert r.returncode == 2
    assert "--lang" in r.stderr


def _embeds_cjk_font(pdf: Path) -> bool:
    data = pdf.read_bytes()
    # matplotlib writes font dictionaries uncompressed: /BaseFont /ABCDEF+NotoSansCJKsc-Regular
    names = re.findall(rb"/BaseFont\s*/([A-Z]{6}\+)?([A-Za-z0-9-]+)", data)
    cjk = [n for _, n in names if re.search(rb"CJK|Han|WenQuanYi|Hei|Droid", n)]
    return bool(cjk) and re.search(rb"/FontFile[23]?\b", data) is not None


def _embedded_outlines(pdf: Path) -> dict[str, set[str]]:
    """Each embedded font program of ``pdf`` (a font file stream has a /Length1), by the
    name in its own 'name' table: 'glyf' (TrueType) or 'CFF ' (PostScript) outlines."""
    import io
    import zlib

    from fontTools.ttLib import TTFont

    data = pdf.read_bytes()
    found: dict[str, set[str]] = {}
    for m in re.finditer(rb"<<[^<>]*/Length1[^<>]*>>\s*stream\r?\n", data):
        program = zlib.decompressobj().decompress(data[m.end() :])
        font = TTFont(io.BytesIO(program))
        name = str(font["name"].getDebugName(6) or font["name"].getDebugName(4))
        found.setdefault(name, set()).update(t for t in ("glyf", "CFF ") if t in font)
    return found


def test_run_in_chinese_writes_a_chinese_report_without_missing_glyphs(tmp_path):
    out = tmp_path / "zh"
    r = smesim(
        "run",
        str(BASELINE),
        "--lang",
        "zh",
        "-o",
        str(out),
        *_sets('description="担保上限提高至3000万元；中小企业专项贷款"'),
    )
    assert r.returncode == 0, r.stderr
    assert "Glyph" not in r.stderr and "missing from font" not in r.stderr
    assert "情景" in r.stdout and "家企业" in r.stdout and "亿元" in r.stdout
    assert _embeds_cjk_font(out / "report.pdf")
    assert (
        len(re.findall(rb"/Type\s*/Page\b", (out / "report.pdf").read_bytes())) == 9
    )  # answer, cover, who gets what, five pages, glossary
    # every font is embedded as the TrueType font the PDF declares (CIDFontType2): the
    # CJK font's PostScript outlines were converted, else viewers may not draw them
    outlines = _embedded_outlines(out / "report.pdf")
    assert any("CJK" in name for name in outlines), outlines
    assert all(kinds == {"glyf"} for kinds in outlines.values()), outlines


def test_english_report_renders_chinese_scenario_text(tmp_path):
    out = tmp_path / "en"
    r = smesim("run", str(BASELINE), "-o", str(out), *_sets('description="上海专精特新"'))
    assert r.returncode == 0, r.stderr
    assert "Glyph" not in r.stderr
    assert "scenario shanghai_2024" in r.stdout
    assert _embeds_cjk_font(out / "report.pdf")


def test_the_workbook_of_a_chinese_run_has_its_dictionary_in_chinese(tmp_path):
    import openpyxl

    out = tmp_path / "zh"
    args = ("run", str(BASELINE), "--no-report", "--format", "xlsx", "-o", str(out))
    r = smesim(*args, "--lang", "zh", *_sets())
    assert r.returncode == 0, r.stderr
    book = openpyxl.load_workbook(out / "tables" / "tables.xlsx", read_only=True)
    rows = list(book["columns"].iter_rows(values_only=True))
    assert rows[0] == ("table", "column", "meaning", "unit")
    by_column = {(t, c): (m, u) for t, c, m, u in rows[1:]}
    assert by_column["applications", "amount"] == ("申请金额（获批时即发放金额）。", "CNY")
    assert by_column["quotas", "used_share"][1] == "比例（1 = 100%）"
    assert all(re.search(r"[\u4e00-\u9fff]", m) for m, _ in by_column.values())
    headline = {row[0]: row[3] for row in book["headline"].iter_rows(values_only=True)}
    assert headline["disbursed_amount"] == "获批贷款金额。已按总体规模放大。"
    book.close()


def test_scenario_language_is_the_default(tmp_path):
    r = smesim(
        "run", str(BASELINE), "--no-report", "-o", str(tmp_path / "o"), *_sets("language=zh")
    )
    assert r.returncode == 0, r.stderr
    assert "情景" in r.stdout
    r = smesim(
        "run",
        str(BASELINE),
        "--no-report",
        "--lang",
        "en",
        "-o",
        str(tmp_path / "o"),
        *_sets("language=zh"),
    )
    assert r.returncode == 0, r.stderr
    assert "scenario shanghai_2024" in r.stdout
