"""The page writer of every report: A4-landscape pages as one PDF and a PNG per page.

Each page is drawn once, by matplotlib's PDF backend; its PNG is that PDF page
rasterised (PDFium, through ``pypdfium2``), so the PNG and the PDF show the same
drawing and nothing is laid out or drawn twice. With a second idle core, a forked
worker draws pages too: the two processes take the pages in turn, each the next one
not yet taken, and each writes the PNG files of its pages; the two PDF parts are joined
into ``report.pdf`` in page order.

Fonts are embedded as TrueType/OpenType subsets without the tables that only text
shaping uses (GSUB, GPOS, kerning): a PDF places every glyph itself, and leaving those
tables out makes embedding a font several times faster.

Text is measured once per string and font while a share of the pages is drawn, not once
per page and layout pass: matplotlib keeps its measurements per renderer, and each page
(and its layout pass) has a renderer of its own.

Public names: :func:`write_pages`, :func:`style_table`.
"""

from __future__ import annotations

import gc
import io
import struct
import zlib
from collections.abc import Callable, Iterable, Iterator
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


def _as_truetype(font: Any) -> None:
    """Give a font subset with PostScript (CFF) outlines TrueType outlines, in place.

    matplotlib embeds every font of a ``pdf.fonttype`` 42 PDF as a TrueType CID font
    (``CIDFontType2``, ``FontFile2``); an OpenType font with CFF outlines, such as Noto
    Sans CJK, then does not match its declared type: viewers differ in whether they draw
    it, and poppler warns "Mismatch between font type and embedded font file". The
    curves are converted to quadratic ones within 1 font unit (of 1,000 or more to the
    em), as fontTools' ``otf2ttf`` recipe does; glyph order, and so glyph indices, stay.
    """
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    for name in order:
        glyf.glyphs[name].recalcBounds(glyf)
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    font["head"].glyphDataFormat = 0
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in (
        "maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
        "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
        "maxComponentElements",
    ):  # fmt: skip
        setattr(maxp, field, 1 if field == "maxZones" else 0)
    maxp.maxComponentDepth = 0
    maxp.recalc(font)  # points and contours per glyph
    post = font["post"]
    post.formatType = 3.0  # no glyph names: a CID font's are only "cid01234"
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = None
    font.sfntVersion = "\x00\x01\x00\x00"


@contextmanager
def _truetype_subsets() -> Iterator[None]:
    """Embed font subsets with PostScript (CFF) outlines as TrueType while the block runs
    (see :func:`_as_truetype`). Works on matplotlib's private module for PDF/PS fonts;
    with another shape of it, fonts are embedded as matplotlib does."""
    try:
        from matplotlib.backends import _backend_pdf_ps as pdfps
    except ImportError:  # pragma: no cover - another matplotlib
        yield
        return
    as_file = getattr(pdfps, "font_as_file", None)
    if as_file is None:  # pragma: no cover
        yield
        return

    def font_as_file(font: Any) -> Any:
        if "CFF " in font:
            _as_truetype(font)
        return as_file(font)

    pdfps.font_as_file = font_as_file
    try:
        yield
    finally:
        pdfps.font_as_file = as_file


def _new_page(stem: str) -> Figure:
    """An empty A4-landscape page: laid out by hand (``cover``) or constrained."""
    fig = Figure(figsize=PAGE_SIZE, layout=None if stem == "cover" else "constrained")
    # a canvas for page code that measures text while it builds the page; the page itself
    # is laid out and drawn once, by the PDF backend
    FigureCanvasAgg(fig)
    return fig


class _TextMeasures:
    """Text sizes and font heights for the PDF renderer, measured once per string and font.

    matplotlib measures a text by laying it out in its font (``FT2Font.set_text``) and reads
    a font's heights from its tables each time a text is laid out; it caches sizes per
    renderer only, and every page has two renderers (layout and drawing). The PDF
    renderer's measures depend on the string, the font properties and the fonts these
    resolve to; the latter are fixed while :func:`_text_measured_once` is active, as the
    report's rcParams are set around the whole drawing. Math text and the 14 core fonts go
    to matplotlib's own methods.
    """

    def __init__(self, renderer_class: type) -> None:
        self._size = renderer_class.get_text_width_height_descent
        self._heights = renderer_class._get_font_height_metrics
        self.sizes: dict[tuple[str, Any], tuple[float, float, float]] = {}
        self.heights: dict[Any, tuple[Any, Any, Any]] = {}

    def size(self, renderer: Any, s: str, prop: Any, ismath: Any) -> tuple[float, float, float]:
        """``get_text_width_height_descent``, measured once per string and font."""
        if ismath or _core_fonts(renderer):
            return self._size(renderer, s, prop, ismath)
        key = (s, prop)
        found = self.sizes.get(key)
        if found is None:
            found = self._size(renderer, s, prop, ismath)
            self.sizes[(s, prop.copy())] = found
        return found

    def font_heights(self, renderer: Any, prop: Any) -> tuple[Any, Any, Any]:
        """Ascent, descent and line gap of the font of ``prop``, in points.

        For a TrueType/OpenType font matplotlib returns ``None`` here and reads them from
        the font's tables for each text it lays out; these are the same figures (scaled
        to points: a PDF figure is laid out at 72 dpi), read once per font.
        """
        if _core_fonts(renderer):
            return self._heights(renderer, prop)
        found = self.heights.get(prop)
        if found is None:
            found = _ttf_heights(prop)
            self.heights[prop.copy()] = found
        return found


def _core_fonts(renderer: Any) -> bool:
    """Whether ``renderer`` uses the 14 PDF core fonts (AFM) instead of embedded ones."""
    import matplotlib

    return bool(matplotlib.rcParams[renderer._use_afm_rc_name])


def _ttf_heights(prop: Any) -> tuple[Any, Any, Any]:
    """Ascent, descent and line gap of the font ``prop`` resolves to, at 72 dpi.

    What ``matplotlib.text.Text`` reads from the font's OS/2 (else hhea) table; ``None``
    for each when the font has neither (matplotlib then measures the text "lp").
    """
    from matplotlib import font_manager

    font = font_manager.get_font(font_manager.fontManager._find_fonts_by_props(prop))
    for table_name, gap, ascent, descent in (
        ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
        ("hhea", "lineGap", "ascent", "descent"),
    ):
        table = font.get_sfnt_table(table_name)
        if table is None:
            continue
        scale = 1 / font.get_sfnt_table("head")["unitsPerEm"] * prop.get_size_in_points()
        return table[ascent] * scale, -table[descent] * scale, table[gap] * scale
    return None, None, None


@contextmanager
def _text_measured_once() -> Iterator[None]:
    """Measure each text and font once while the block runs (see :class:`_TextMeasures`).

    Works on methods of matplotlib's PDF renderer; with a matplotlib that lacks them
    (another version), text is measured as matplotlib does.
    """
    from matplotlib.backends.backend_pdf import RendererPdf

    if not all(
        hasattr(RendererPdf, name)
        for name in (
            "get_text_width_height_descent",
            "_get_font_height_metrics",
            "_use_afm_rc_name",
        )
    ):  # pragma: no cover - another matplotlib
        yield
        return
    measures = _TextMeasures(RendererPdf)
    saved = {
        name: RendererPdf.__dict__[name]
        for name in ("get_text_width_height_descent", "_get_font_height_metrics")
        if name in RendererPdf.__dict__
    }

    def size(renderer: Any, s: str, prop: Any, ismath: Any) -> tuple[float, float, float]:
        return measures.size(renderer, s, prop, ismath)

    def font_heights(renderer: Any, prop: Any) -> tuple[Any, Any, Any]:
        return measures.font_heights(renderer, prop)

    RendererPdf.get_text_width_height_descent = size
    RendererPdf._get_font_height_metrics = font_heights
    try:
        yield
    finally:
        for name in ("get_text_width_height_descent", "_get_font_height_metrics"):
            if name in saved:
                setattr(RendererPdf, name, saved[name])
            else:
                delattr(RendererPdf, name)


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


#: Pages as the writer takes them: ``(stem, draw)`` pairs.
Pages = list[tuple[str, Callable[[Figure], None]]]

#: A share of the pages drawn by one process: their numbers, in drawing order, and the
#: PDF holding them in that order.
Part = tuple[list[int], bytes]


def _draw_part(pages: Pages, which: Iterable[int]) -> Part:
    """Draw the pages ``which`` (taken one at a time) into one PDF."""
    buf = io.BytesIO()
    drawn: list[int] = []
    with (
        _collector_paused(),
        _lean_font_subsets(),
        _truetype_subsets(),
        _text_measured_once(),
        PdfPages(buf) as pdf,
    ):
        for i in which:
            stem, draw = pages[i]
            fig = _new_page(stem)
            draw(fig)
            pdf.savefig(fig)
            drawn.append(i)
    return drawn, buf.getvalue()


def _write_part(pages: Pages, which: Iterable[int], figdir: Path, dpi: int) -> Part:
    """Draw the pages ``which`` into one PDF and write their PNG files."""
    drawn, part = _draw_part(pages, which)
    _rasterise(part, [pages[i][0] for i in drawn], figdir, dpi)
    return drawn, part


def _taken_in_turn(counter: Any, n: int) -> Iterator[int]:
    """Page numbers below ``n``, each taken once from ``counter``, a counter shared with
    the other drawing process: each process draws the next page not yet taken, so the
    two finish together whichever pages cost more and whatever else shares the cores."""
    while True:
        with counter.get_lock():
            k = counter.value
            if k >= n:
                return
            counter.value = k + 1
        yield k


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


def _join(parts: list[Part], n: int) -> bytes:
    """One PDF of pages ``0 .. n-1``, each taken from the part that holds it.

    Each part is imported whole (so its fonts and other resources are copied once, not
    once a page), then the pages are moved into order.
    """
    if len(parts) == 1 and parts[0][0] == list(range(n)):
        return parts[0][1]
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    docs = [pdfium.PdfDocument(part) for _, part in parts]
    try:
        first = docs[0]
        for doc in docs[1:]:
            first.import_pages(doc)
        held = [k for drawn, _ in parts for k in drawn]  # page number at each position
        order = (ctypes.c_int * n)(*(held.index(k) for k in range(n)))
        if not pdfium_c.FPDF_MovePages(first.raw, order, n, 0):  # pragma: no cover
            raise RuntimeError("PDFium could not put the report's pages in order")
        out = io.BytesIO()
        first.save(out)
        return out.getvalue()
    finally:
        for doc in docs:
            doc.close()


def _worker(pages: Pages, counter: Any, figdir: Path, dpi: int, conn: Any) -> None:
    """Forked worker: draw pages taken in turn, write their PNG files, send the PDF part.

    Any error ends the worker without sending; the parent then draws the pages it has
    not drawn itself (and meets the same error, which it raises).
    """
    try:
        conn.send(_write_part(pages, _taken_in_turn(counter, len(pages)), figdir, dpi))
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
        1 draws every page in this process; 2 forks one worker, and the two take the
        pages in turn, each the next page not yet taken (PDF part and PNG files).
        Default: as :func:`sim.reporting.ahead.report_processes` decides (2 with a core
        idle, ``fork`` at hand and no other thread running; else 1).

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
        pdf_path.write_bytes(_write_part(pages, range(n), figdir, dpi)[1])
        return written
    pdf_path.write_bytes(_write_pages_forked(pages, figdir, dpi))
    return written


def _write_pages_forked(pages: Pages, figdir: Path, dpi: int) -> bytes:
    """:func:`write_pages` with one forked worker (see there); the joined PDF's bytes."""
    import multiprocessing

    n = len(pages)
    ctx = multiprocessing.get_context("fork")
    counter = ctx.Value("i", 0)
    recv, send = ctx.Pipe(duplex=False)
    worker = ctx.Process(target=_worker, args=(pages, counter, figdir, dpi, send), daemon=True)
    worker.start()
    send.close()
    try:
        mine = _write_part(pages, _taken_in_turn(counter, n), figdir, dpi)
        try:
            other = recv.recv()
        except EOFError:  # the worker stopped: draw here what this process has not
            left = [k for k in range(n) if k not in mine[0]]
            other = _write_part(pages, left, figdir, dpi)
    finally:
        recv.close()
        if worker.is_alive():
            worker.terminate()
        worker.join()
    return _join([mine, other], n)
