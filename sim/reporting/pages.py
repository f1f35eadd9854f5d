"""The page writer of every report: A4-landscape pages as one PDF and a PNG per page.

Each page is drawn once, by matplotlib's PDF backend; its PNG is that PDF page
rasterised (PDFium, through ``pypdfium2``), so the PNG and the PDF show the same
drawing and nothing is laid out or drawn twice. With a second idle core, a forked
worker draws pages too: the two processes take the pages in turn, each the next one
not yet taken, and each writes the PNG files of its pages; the two PDF parts are joined
into ``report.pdf`` in page order.

How fonts are embedded and text is measured while pages are drawn:
:mod:`sim.reporting.pdf_text`.

Public names: :func:`write_pages`, :func:`style_table`.
"""

from __future__ import annotations

import gc
import io
import struct
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.table import Table

from .ahead import report_processes
from .pdf_text import pdf_text

__all__ = ["style_table", "write_pages"]

#: A4 landscape, inches.
PAGE_SIZE = (11.69, 8.27)


def style_table(table: Table, *, fontsize: float, row_scale: float) -> None:
    """The reports' table style: fixed font size, taller rows, bold header on grey."""
    table.auto_set_font_size(False)
    table.set_fontsize(fontsize)
    table.scale(1, row_scale)
    for (r, _c), cell in table.get_celld().items():
        if r == 0:
            cell.set_text_props(weight="bold")
            cell.set_facecolor("#e8e8e8")


class _Page(Figure):
    """A report page whose layout pass, when it is saved, only lays the page out.

    To save a page with a layout engine, matplotlib draws it twice: once with drawing
    switched off, to run the layout, then for real. The first pass also goes through
    every artist without drawing it (their ticks, texts and legends are worked out again
    by the second): about a tenth of a page's time. While :attr:`laying_out` is set, that
    pass runs the layout alone, as the first pass would have; the page is then drawn
    once, by the second. The PDF is byte for byte the same (tested).

    The layout pass is recognised by three things together, so that any other draw is
    a whole draw: the flag, the constrained-layout engine (matplotlib replaces it with a
    placeholder for the drawing pass), and a renderer whose drawing is switched off.

    The drawing pass keeps each Axis's ticks once worked out (see
    :func:`_ticks_worked_out_once`).
    """

    #: Set by the page writer before ``savefig``.
    laying_out = False

    def draw(self, renderer: Any) -> None:
        """Draw the page; in the layout pass of a save, only lay it out (see class)."""
        engine = self.get_layout_engine()
        if not self.laying_out:
            super().draw(renderer)
        elif (
            isinstance(engine, ConstrainedLayoutEngine)
            and _drawing_off(renderer)
            and self.get_visible()
            and self.axes
        ):
            self._get_draw_artists(renderer)  # what a draw does before the layout
            try:
                engine.execute(self)
            except ValueError:  # as Figure.draw: the layout gives up, the page is drawn
                pass
        else:
            with _ticks_held():
                super().draw(renderer)


def _drawing_off(renderer: Any) -> bool:
    """Whether ``renderer`` (or the vector renderer it wraps) has its drawing switched
    off, as matplotlib's layout pass does (its ``draw_*`` methods replaced by no-ops)."""
    inner = getattr(renderer, "_renderer", renderer)
    return "draw_path" in vars(inner)


#: The ticks each Axis was given and the boxes of their labels, held while nothing that
#: decides them can change (the margins of one layout pass, the drawing of one page): one
#: dict per such span, the innermost last; empty outside them.
_TICKS: list[dict[Any, Any]] = []


@contextmanager
def _ticks_held() -> Iterator[None]:
    """Hold each Axis's ticks, once worked out, until the block ends (see
    :func:`_ticks_worked_out_once`)."""
    _TICKS.append({})
    try:
        yield
    finally:
        _TICKS.pop()


def _box_is_fixed(ax: Any) -> bool:
    """Whether an Axes keeps the box it was given (no fixed aspect, no locator): then its
    size, and with it the ticks it gets, cannot change while it is measured or drawn."""
    return (
        ax is not None
        and ax.get_aspect() == "auto"
        and ax.get_box_aspect() is None
        and ax.get_axes_locator() is None
    )


@contextmanager
def _ticks_worked_out_once() -> Iterator[None]:
    """Work out each Axis's ticks, and measure their labels, once per span in which they
    cannot change, while the block runs.

    matplotlib works out an Axis's ticks (locations, labels, which to draw) and measures
    their labels whenever it measures or draws the Axis, its label, its title or a
    neighbour's: about five times per Axis in each of the two passes of constrained
    layout and in the drawing, the same each time. In those spans (the margins of one
    layout pass, the drawing of one page), nothing that decides them changes: no Axes
    moves or is resized (the layout moves them between its passes), and the data limits
    are fixed before the ticks are first asked for. The ticks of an Axes that could be
    resized meanwhile (a fixed aspect, a locator) are worked out each time. The PDF is
    byte for byte the same (tested).

    Works on matplotlib's ``Axis._update_ticks`` and ``Axis._get_ticklabel_bboxes`` and
    its constrained layout's ``make_layout_margins``; with a matplotlib that lacks them
    (another version), ticks are worked out as matplotlib does.
    """
    import matplotlib._constrained_layout as layout
    from matplotlib.axis import Axis

    update = Axis.__dict__.get("_update_ticks")
    boxes = Axis.__dict__.get("_get_ticklabel_bboxes")
    margins = getattr(layout, "make_layout_margins", None)
    if update is None or boxes is None or margins is None:  # pragma: no cover
        yield  # another matplotlib
        return

    def once(axis: Any, key: Any, work_out: Callable[[], Any]) -> Any:
        """``work_out()``, or what it gave for ``key`` earlier in the same span."""
        if not _TICKS or not _box_is_fixed(axis.axes):
            return work_out()
        held = _TICKS[-1]
        if key not in held:
            held[key] = work_out()
        return held[key]

    def _update_ticks(self: Any) -> list[Any]:
        return list(once(self, self, lambda: update(self)))

    def _get_ticklabel_bboxes(self: Any, ticks: Any, renderer: Any) -> Any:
        key = (self, renderer, *map(id, ticks))
        found = once(self, key, lambda: boxes(self, ticks, renderer))
        return list(found[0]), list(found[1])

    def make_layout_margins(*args: Any, **kwargs: Any) -> Any:
        with _ticks_held():
            return margins(*args, **kwargs)

    Axis._update_ticks = _update_ticks  # type: ignore[method-assign]
    Axis._get_ticklabel_bboxes = _get_ticklabel_bboxes  # type: ignore[method-assign]
    layout.make_layout_margins = make_layout_margins
    try:
        yield
    finally:
        Axis._update_ticks = update  # type: ignore[method-assign]
        Axis._get_ticklabel_bboxes = boxes  # type: ignore[method-assign]
        layout.make_layout_margins = margins


def _new_page(stem: str) -> Figure:
    """An empty A4-landscape page: laid out by hand (``cover``) or constrained."""
    fig = _Page(figsize=PAGE_SIZE, layout=None if stem == "cover" else "constrained")
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


#: Whether pages are drawn with the shortcuts that leave their PDF as it was: the layout
#: pass of a save runs the layout alone (:class:`_Page`) and each Axis's ticks are worked
#: out once per span (:func:`_ticks_worked_out_once`). Off, pages are drawn as matplotlib
#: draws them (the tests compare the two).
_SHORTCUTS = True

#: Pages as the writer takes them: ``(stem, draw)`` pairs.
Pages = list[tuple[str, Callable[[Figure], None]]]

#: A share of the pages drawn by one process: their numbers, in drawing order, and the
#: PDF holding them in that order.
Part = tuple[list[int], bytes]


def _draw_part(pages: Pages, which: Iterable[int]) -> Part:
    """Draw the pages ``which`` (taken one at a time) into one PDF."""
    buf = io.BytesIO()
    drawn: list[int] = []
    shortcuts = _ticks_worked_out_once() if _SHORTCUTS else nullcontext()
    with _collector_paused(), pdf_text(), shortcuts, PdfPages(buf) as pdf:
        for i in which:
            stem, draw = pages[i]
            fig = _new_page(stem)
            draw(fig)
            fig.laying_out = _SHORTCUTS
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


def _worker(pages: Pages, counter: Any, figdir: Path, dpi: int, conn: Any, other: Any) -> None:
    """Forked worker: draw pages taken in turn, write their PNG files, send the PDF part.

    Any error ends the worker without sending; the parent then draws the pages it has
    not drawn itself (and meets the same error, which it raises). ``other``, the
    parent's end of the pipe, is closed first: should the parent be gone, sending then
    fails at once instead of waiting for a reader that never comes.
    """
    other.close()
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
    worker = ctx.Process(
        target=_worker, args=(pages, counter, figdir, dpi, send, recv), daemon=True
    )
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
