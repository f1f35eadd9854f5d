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
    # the PDF differs only in its creation date
    strip = lambda p: re.sub(rb"/CreationDate \([^)]*\)", b"", p.read_bytes())  # noqa: E731
    assert strip(one[0]) == strip(two[0])


def test_page_the_worker_cannot_send_is_drawn_again(result, tmp_path):
    def unpicklable(fig):
        fig.subplots(1, 1).plot([0, 1], [1, 0])
        fig.not_sent = lambda: None  # a Figure holding a lambda cannot be pickled

    pages = [*_pages(result)[:2], ("odd", unpicklable), *_pages(result)[2:4]]
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
