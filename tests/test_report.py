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
    assert "smesim" in texts[0] and len(set(texts)) == len(pages)


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


def test_a_page_the_worker_fails_on_is_drawn_here(result, tmp_path):
    import os

    parent = os.getpid()

    def only_here(fig):
        if os.getpid() != parent:
            raise RuntimeError("the worker stops here")
        fig.subplots(1, 1).plot([0, 1], [1, 0])

    pages = [*_pages(result)[:2], *_pages(result)[2:4], ("odd", only_here)]
    files = write_pages(pages, tmp_path, processes=2)
    assert [p.name for p in files] == ["report.pdf", *(f"{s}.png" for s, _ in pages)]
    assert all(p.is_file() and p.stat().st_size > 1000 for p in files)
    assert _pdf_pages(files[0]) == len(pages)


def test_an_error_in_a_page_is_raised_by_the_writer(result, tmp_path):
    def broken(fig):
        raise ValueError("no such series")

    pages = [*_pages(result)[:3], ("broken", broken)]
    with pytest.raises(ValueError, match="no such series"):
        write_pages(pages, tmp_path, processes=2)


def test_font_subsets_leave_out_shaping_tables_and_the_backend_as_it_was():
    from matplotlib import font_manager
    from matplotlib.backends import _backend_pdf_ps as pdfps

    from sim.reporting.pages import _lean_font_subsets

    path = font_manager.findfont("DejaVu Sans")
    before = pdfps.subset

    def tables() -> set[str]:
        options = pdfps.subset.Options(glyph_names=True)
        font = pdfps.subset.load_font(path, options)
        subsetter = pdfps.subset.Subsetter(options=options)
        subsetter.populate(gids=set(range(3, 60)))
        subsetter.subset(font)
        keys = set(font.keys())
        font.close()
        return keys

    assert {"GSUB", "GPOS"} <= tables()
    with _lean_font_subsets():
        lean = tables()
    assert not {"GSUB", "GPOS", "kern"} & lean and {"glyf", "cmap", "hmtx"} <= lean
    assert pdfps.subset is before


def test_date_ticks_worked_out_once_follow_the_view():
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
