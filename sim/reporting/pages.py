"""The page writer of every report: A4-landscape pages as one PDF and a PNG per page.

Each page is drawn once, by matplotlib's PDF backend; its PNG is that PDF page
rasterised (PDFium, through ``pypdfium2``), so the PNG and the PDF show the same
drawing and nothing is laid out or drawn twice. With a second idle core, a forked
worker draws the second half of the pages (their PDF part and PNG files) while this
process draws the first; the two parts are joined into ``report.pdf``.

Fonts are embedded as TrueType/OpenType subsets without the tables that only text
shaping uses (GSUB, GPOS, kerning): a PDF places every glyph itself, and leaving those
tables out makes embedding a font several times faster.

Public names: :func:`write_pages`, :func:`style_table`.
"""

from __future__ import annotations

import gc
import io
import struct
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.table import Table

from .ahead import report_processes

__all__ = ["style_table", "write_pages"]

#: A4 landscape, inches.
PAGE_SIZE = (11.69, 8.27)

# tables of a font that only text shaping reads; a PDF positions each glyph itself
_SHAPING_TABLES = ("GSUB", "GPOS", "GDEF", "kern", "JSTF", "BASE", "morx", "kerx")


def style_table(table: Table, *, fontsize: float, row_scale: float) -> None:
    """The reports' table style: fixed font size, taller rows, bold header on grey."""
    table.auto_set_font_size(False)
    table.set_fontsize(fontsize)
    table.scale(1, row_scale)
    for (r, _c), cell in table.get_celld().items():
        if r == 0:
            cell.set_text_props(weight="bold")
            cell.set_facecolor("#e8e8e8")


class _LeanSubset:
    """``fontTools.subset`` as matplotlib's PDF backend calls it, with shaping tables
    dropped from every subset (see the module docstring); everything else is fontTools'."""

    def __init__(self, subset: Any) -> None:
        self._subset = subset

    def __getattr__(self, name: str) -> Any:
        return getattr(self._subset, name)

    def Options(self, *args: Any, **kwargs: Any) -> Any:  # noqa: N802 - fontTools' name
        options = self._subset.Options(*args, **kwargs)
        options.layout_features = []
        options.drop_tables = [*options.drop_tables, *_SHAPING_TABLES]
        return options


@contextmanager
def _lean_font_subsets() -> Iterator[None]:
    """Embed font subsets without shaping tables while the block runs.

    Works on matplotlib's private module for PDF/PS fonts; where that module has another
    shape (a matplotlib this code does not know), fonts are embedded as matplotlib does.
    """
    try:
        from matplotlib.backends import _backend_pdf_ps as pdfps
    except ImportError:  # pragma: no cover - another matplotlib
        yield
        return
    subset = getattr(pdfps, "subset", None)
    if subset is None or not hasattr(subset, "Options"):  # pragma: no cover
        yield
        return
    pdfps.subset = _LeanSubset(subset)
    try:
        yield
    finally:
        pdfps.subset = subset


def _new_page(stem: str) -> Figure:
    """An empty A4-landscape page: laid out by hand (``cover``) or constrained."""
    fig = Figure(figsize=PAGE_SIZE, layout=None if stem == "cover" else "constrained")
    # a canvas for page code that measures text while it builds the page; the page itself
    # is laid out and drawn once, by the PDF backend
    FigureCanvasAgg(fig)
    return fig


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the block runs.

    Drawing a page makes tens of thousands of small objects, and each time enough of them
    pile up the collector walks every object of the process: in a process that also
    holds a run's tables and the plotting modules that was a third of the pages' time.
    The pages' cycles (a Figure and its Axes point at each other) are freed once the
    collector runs again, after the block: a few MB a page meanwhile.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _draw_part(pages: list[tuple[str, Callable[[Figure], None]]], which: list[int]) -> bytes:
    """Draw the pages ``which`` into one PDF and return its bytes."""
    buf = io.BytesIO()
    with _collector_paused(), _lean_font_subsets(), PdfPages(buf) as pdf:
        for i in which:
            stem, draw = pages[i]
            fig = _new_page(stem)
            draw(fig)
            pdf.savefig(fig)
    return buf.getvalue()


def _write_part(
    pages: list[tuple[str, Callable[[Figure], None]]], which: list[int], figdir: Path, dpi: int
) -> bytes:
    """Draw the pages ``which`` into one PDF, write their PNG files; the PDF's bytes."""
    part = _draw_part(pages, which)
    _rasterise(part, [pages[i][0] for i in which], figdir, dpi)
    return part


def _png_bytes(rgb: np.ndarray, dpi: int) -> bytes:
    """A PNG file of an ``(height, width, 3)`` uint8 image, at ``dpi``.

    Rows are stored unfiltered and deflated at level 3: for report pages (large flat
    areas) that gives files as small as PIL's adaptive filters at level 6, four to five
    times faster.
    """
    h, w, _ = rgb.shape
    raw = np.empty((h, 3 * w + 1), np.uint8)
    raw[:, 0] = 0  # filter type None for every row
    raw[:, 1:] = rgb.reshape(h, -1)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    per_metre = round(dpi / 0.0254)
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)),
            chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
            chunk(b"tEXt", b"Software\x00smesim"),
            chunk(b"IDAT", zlib.compress(raw.tobytes(), 3)),
            chunk(b"IEND", b""),
        ]
    )


def _rasterise(pdf: bytes, stems: list[str], figdir: Path, dpi: int) -> None:
    """Write page k of ``pdf`` as ``figdir/<stems[k]>.png`` at ``dpi``."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        for k, stem in enumerate(stems):
            page = doc[k]
            bitmap = page.render(scale=dpi / 72, rev_byteorder=True)
            rgb = bitmap.to_numpy()[:, :, :3]
            (figdir / f"{stem}.png").write_bytes(_png_bytes(rgb, dpi))
            bitmap.close()
            page.close()
    finally:
        doc.close()


def _join(parts: list[bytes]) -> bytes:
    """One PDF of the pages of ``parts``, in order."""
    if len(parts) == 1:
        return parts[0]
    import pypdfium2 as pdfium

    docs = [pdfium.PdfDocument(p) for p in parts]
    try:
        first = docs[0]
        for doc in docs[1:]:
            first.import_pages(doc)
        out = io.BytesIO()
        first.save(out)
        return out.getvalue()
    finally:
        for doc in docs:
            doc.close()


def _worker(
    pages: list[tuple[str, Callable[[Figure], None]]],
    mine: list[int],
    figdir: Path,
    dpi: int,
    conn: Any,
) -> None:
    """Forked worker: draw the pages ``mine``, write their PNG files, send the PDF part.

    Any error ends the worker without sending; the parent then draws those pages itself
    (and meets the same error, which it raises).
    """
    try:
        conn.send_bytes(_write_part(pages, mine, figdir, dpi))
    except BaseException:  # noqa: BLE001 - the parent draws these pages again
        pass
    finally:
        conn.close()


def write_pages(
    pages: list[tuple[str, Callable[[Figure], None]]],
    folder: str | Path,
    *,
    dpi: int = 110,
    processes: int | None = None,
) -> list[Path]:
    """Draw each page on a new A4-landscape Figure; write ``report.pdf`` and PNG files.

    Parameters
    ----------
    pages
        ``(stem, draw)`` pairs: ``draw(fig)`` fills the page, saved as one page of
        ``report.pdf`` and as ``figures/<stem>.png``. A page named ``cover`` is laid out
        by hand; the others use matplotlib's constrained layout.
    folder
        Output folder (created if needed).
    dpi
        Resolution of the PNG files.
    processes
        1 draws every page in this process; 2 forks one worker that draws the second
        half of the pages (PDF part and PNG files) while this process draws the first
        half. Default: 2 with at least two pages, two cores for this process and one of
        them idle (one-minute load average at most the cores less one), the ``fork``
        start method and no other thread running; else 1.

    Returns
    -------
    list of pathlib.Path
        The files written, the PDF first.
    """
    folder = Path(folder)
    figdir = folder / "figures"
    figdir.mkdir(parents=True, exist_ok=True)
    pdf_path = folder / "report.pdf"
    written = [pdf_path, *(figdir / f"{stem}.png" for stem, _ in pages)]
    n = len(pages)
    if report_processes(processes, n) == 1 or n < 2:
        pdf_path.write_bytes(_write_part(pages, list(range(n)), figdir, dpi))
        return written
    pdf_path.write_bytes(_write_pages_forked(pages, figdir, dpi))
    return written


def _write_pages_forked(
    pages: list[tuple[str, Callable[[Figure], None]]], figdir: Path, dpi: int
) -> bytes:
    """:func:`write_pages` with one forked worker (see there); the joined PDF's bytes."""
    import multiprocessing

    n = len(pages)
    own = list(range((n + 1) // 2))
    theirs = list(range(len(own), n))
    ctx = multiprocessing.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    worker = ctx.Process(target=_worker, args=(pages, theirs, figdir, dpi, send), daemon=True)
    worker.start()
    send.close()
    try:
        mine = _write_part(pages, own, figdir, dpi)
        try:
            other = recv.recv_bytes()
        except EOFError:  # the worker stopped: draw its pages here
            other = _write_part(pages, theirs, figdir, dpi)
    finally:
        recv.close()
        if worker.is_alive():
            worker.terminate()
        worker.join()
    return _join([mine, other])
