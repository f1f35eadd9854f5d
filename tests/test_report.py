"""The page writer shared by every report: files, pages, and the forked worker."""

from __future__ import annotations

import re

import pytest

import sim
from sim.reporting.pages import write_pages
from sim.reporting.run_report import _pages

from .conftest import small_scenario


@pytest.fixture(scope="module")
def result() -> sim.RunResult:
    return sim.run(small_scenario())


def _pdf_pages(path) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", path.read_bytes()))


def _page_texts(path) -> list[str]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


def test_forked_worker_writes_the_same_files_as_one_process(result, tmp_path):
    pages = _pages(result)
    one = write_pages(pages, tmp_path / "one", processes=1)
    two = write_pages(pages, tmp_path / "two", processes=2)
    assert [p.relative_to(tmp_path / "one") for p in one] == [
        p.relative_to(tmp_path / "two") for p in two
    ]
    assert one[0].name == "report.pdf"
    assert _pdf_pages(one[0]) == _pdf_pages(two[0]) == len(pages)
    for a, b in zip(one[1:], two[1:], strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    # the joined PDF holds the same pages, in the same order, with the same text
    texts = _page_texts(one[0])
    assert texts == _page_texts(two[0])
    assert "smesim" in texts[1] and len(set(texts)) == len(pages)  # the cover, after the answer
    # each part's fonts are copied into the joined PDF once, not once per page
    programs = [len(re.findall(rb"/Type\s*/Font\b", f.read_bytes())) for f in (one[0], two[0])]
    assert 0 < programs[1] <= 2 * programs[0], programs


def test_png_is_the_pdf_page_rasterised(result, tmp_path):
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    pages = _pages(result)[:2]
    files = write_pages(pages, tmp_path, dpi=80, processes=1)
    doc = pdfium.PdfDocument(str(files[0]))
    for k, png in enumerate(files[1:]):
        image = Image.open(png)
        w, h = image.size
        assert abs(w - 11.69 * 80) <= 1 and abs(h - 8.27 * 80) <= 1
        assert image.info["dpi"] == pytest.approx((80, 80), abs=0.01)
        pixels = np.asarray(image.convert("RGB"))
        page = doc[k].render(scale=80 / 72, rev_byteorder=True).to_numpy()[:, :, :3]
        assert np.array_equal(pixels, page)
        assert pixels.std() > 10  # a drawing, not a blank page
    doc.close()


def test_pages_the_worker_fails_on_are_drawn_here(result, tmp_path):
    import os

    parent = os.getpid()

    def here_only(draw):
        def page(fig):
            if os.getpid() != parent:
                raise RuntimeError("the worker stops here")
            draw(fig)

        return page

    pages = [(stem, here_only(draw)) for stem, draw in _pages(result)[:4]]
    files = write_pages(pages, tmp_path, processes=2)
    assert [p.name for p in files] == ["report.pdf", *(f"{s}.png" for s, _ in pages)]
    assert all(p.is_file() and p.stat().st_size > 1000 for p in files)
    assert _page_texts(files[0]) == _page_texts(
        write_pages(_pages(result)[:4], tmp_path / "one", processes=1)[0]
    )


def test_the_two_processes_take_pages_in_turn_and_the_pdf_keeps_their_order(tmp_path):
    """The parent is held on its first page until the worker has taken every other page:
    with pages split in fixed halves it would have drawn half of them."""
    import os
    import time

    parent = os.getpid()
    marks = tmp_path / "marks"
    marks.mkdir()
    stems = [f"page{k}" for k in range(6)]

    def page(stem):
        def draw(fig):
            (marks / f"{stem}.{os.getpid()}").touch()
            if os.getpid() == parent:
                deadline = time.monotonic() + 20
                while time.monotonic() < deadline:
                    others = [m for m in marks.iterdir() if not m.name.endswith(f".{parent}")]
                    if len(others) >= len(stems) - 1:
                        break
                    time.sleep(0.02)
            fig.text(0.5, 0.5, stem)

        return draw

    files = write_pages([(s, page(s)) for s in stems], tmp_path / "out", processes=2)
    by = {m.name.rsplit(".", 1)[0]: int(m.name.rsplit(".", 1)[1]) for m in marks.iterdir()}
    assert sorted(by) == stems
    assert sum(pid == parent for pid in by.values()) == 1
    assert [t.strip() for t in _page_texts(files[0])] == stems
    assert all((tmp_path / "out" / "figures" / f"{s}.png").is_file() for s in stems)


def test_an_error_in_a_page_is_raised_by_the_writer(result, tmp_path):
    def broken(fig):
        raise ValueError("no such series")

    pages = [*_pages(result)[:3], ("broken", broken)]
    with pytest.raises(ValueError, match="no such series"):
        write_pages(pages, tmp_path, processes=2)


def test_date_ticks_follow_the_view():
    import matplotlib.dates as mdates
    import numpy as np
    import pandas as pd
    from matplotlib.figure import Figure

    from sim.reporting.axes import date_axis as _date_axis

    dates = pd.date_range("2024-12-02", periods=1095, freq="D")
    fig = Figure()
    ours, ref = fig.subplots(1, 2)
    for ax in (ours, ref):
        ax.plot(dates, np.arange(1095.0))
    _date_axis(ours)
    loc = mdates.AutoDateLocator(maxticks=8)
    ref.xaxis.set_major_locator(loc)
    ref.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))
    for lo, hi in [(None, None), ("2025-03-01", "2025-04-15"), ("2024-12-01", "2027-12-01")]:
        if lo is not None:
            for ax in (ours, ref):
                ax.set_xlim(pd.Timestamp(lo), pd.Timestamp(hi))
        for _ in range(2):  # asked again: the same answer
            np.testing.assert_array_equal(
                ours.xaxis.get_majorticklocs(), ref.xaxis.get_majorticklocs()
            )
            locs = ours.xaxis.get_majorticklocs()
            assert ours.xaxis.get_major_formatter().format_ticks(locs) == (
                ref.xaxis.get_major_formatter().format_ticks(locs)
            )
            assert ours.xaxis.get_major_formatter().get_offset() == (
                ref.xaxis.get_major_formatter().get_offset()
            )


def test_the_joined_pdf_copies_each_parts_fonts_once(tmp_path):
    """Six pages of the same text, drawn by two processes: the joined PDF holds no more
    font programs than the two parts together, not one set a page."""
    pages = [(f"p{k}", lambda fig, k=k: fig.text(0.5, 0.5, f"page {k}")) for k in range(6)]
    files = write_pages(pages, tmp_path, dpi=20, processes=2)
    assert [t.strip() for t in _page_texts(files[0])] == [f"page {k}" for k in range(6)]
    assert len(re.findall(rb"/FontFile2\b", files[0].read_bytes())) <= 2


def test_a_chinese_report_embeds_its_cjk_font_as_truetype(result, tmp_path):
    from sim.reporting.run_report import write_report

    pdf = write_report(result, tmp_path, lang="zh")[0]
    data = pdf.read_bytes()
    assert re.search(rb"/BaseFont\s*/[A-Z]{6}\+NotoSansCJKsc-Regular", data)
    # the font's outlines are the type the PDF declares: TrueType, not CFF
    assert b"/FontFile2" in data and b"/FontFile3" not in data
    text = "".join(_page_texts(pdf))
    assert "补贴" in text or "担保" in text, text[:200]


def test_an_english_report_embeds_type3_fonts_and_its_text_reads_back(result, tmp_path):
    from sim.reporting.run_report import write_report

    pdf = write_report(result, tmp_path, lang="en")[0]
    data = pdf.read_bytes()
    assert re.search(rb"/Subtype\s*/Type3", data) and b"/FontFile2" not in data
    text = "".join(_page_texts(pdf))
    assert "Lenders lent" in text and "Glossary" in text, text[:300]


def _cff_font(path) -> None:
    """A two-glyph OpenType font with PostScript (CFF) outlines."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen

    def box(width: int):
        pen = T2CharStringPen(width, None)
        pen.moveTo((50, 0))
        pen.curveTo((50, 300), (250, 700), (450, 700))
        pen.lineTo((450, 0))
        pen.closePath()
        return pen.getCharString()

    fb = FontBuilder(1000, isTTF=False)
    fb.setupGlyphOrder([".notdef", "A"])
    fb.setupCharacterMap({ord("A"): "A"})
    fb.setupCFF("Test-Regular", {"FullName": "Test"}, {".notdef": box(500), "A": box(600)}, {})
    fb.setupHorizontalMetrics({".notdef": (500, 50), "A": (600, 50)})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({"familyName": "Test", "styleName": "Regular"})
    fb.setupOS2()
    fb.setupPost()
    fb.save(str(path))


def test_a_cff_font_gets_a_truetype_copy_made_once(tmp_path):
    from fontTools.ttLib import TTFont
    from matplotlib import font_manager

    from sim.reporting.fonts import truetype_copy

    otf = tmp_path / "test.otf"
    _cff_font(otf)
    copy = truetype_copy(otf, tmp_path / "cache")
    assert copy != otf and copy.parent == tmp_path / "cache"
    with TTFont(copy) as tt, TTFont(otf) as cff:
        assert "glyf" in tt and "CFF " not in tt
        assert tt.getGlyphOrder() == cff.getGlyphOrder()
        assert tt.getBestCmap() == cff.getBestCmap()
        assert tt["hmtx"]["A"] == (600, 50)
        assert tt["glyf"]["A"].numberOfContours == 1
    # made once: asked again, the same file, not written again
    written = copy.stat().st_mtime_ns
    assert truetype_copy(otf, tmp_path / "cache") == copy
    assert copy.stat().st_mtime_ns == written
    # matplotlib reads it; a TrueType font is its own copy
    assert font_manager.FontProperties(fname=str(copy)).get_name() == "Test"
    assert truetype_copy(copy, tmp_path / "cache") == copy


def test_the_cli_says_when_the_chinese_font_is_still_to_be_prepared(tmp_path, monkeypatch):
    # the packaged CJK font (mplfonts, in the test extra) has PostScript outlines: its
    # TrueType copy is made once per machine, and until then the CLI says it is waiting
    import importlib.util
    from pathlib import Path

    import matplotlib

    from sim.reporting import fonts

    monkeypatch.setattr(matplotlib, "get_cachedir", lambda: str(tmp_path))
    assert fonts.cjk_font_pending()
    package = next(iter(importlib.util.find_spec("mplfonts").submodule_search_locations))
    copy = fonts._truetype_copy_path(Path(package, "fonts", "NotoSansCJKsc-Regular.otf"))
    assert copy is not None and copy.parent == tmp_path / "smesim"
    copy.parent.mkdir(parents=True)
    copy.write_bytes(b"")  # the copy as the first report leaves it (its content unread here)
    assert not fonts.cjk_font_pending()
