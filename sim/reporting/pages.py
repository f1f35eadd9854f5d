"""The page writer of every report: A4-landscape pages as one PDF and a PNG per page.

Each page is drawn by matplotlib's PDF backend (``PdfPages.savefig``, with
constrained layout where the page asks for it); its PNG is that PDF page rendered by
PDFium (``pypdfium2``) and written by Pillow, so the PNG and the PDF show the same
drawing and no page is drawn a second time for its PNG. With a second idle core, a
forked worker draws pages too: the two processes take the pages in turn, each the next
one not yet taken, and each writes the PNG files of its pages; the two PDF parts are
joined into ``report.pdf`` in page order by ``pypdfium2``'s page import.

A page that does not depend on the run (the glossary) can be drawn before the run ends,
by :func:`draw_ahead`; :func:`write_pages` then takes its PDF page and PNG file as they
are.

Only public APIs of matplotlib, pypdfium2 and Pillow are used. The fonts a report's
text needs: :mod:`sim.reporting.fonts`.

Public names: :func:`write_pages`, :func:`draw_ahead`, :func:`style_table`.
"""

from __future__ import annotations

import gc
import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.table import Table

from .ahead import report_processes

__all__ = ["HAND_LAID", "Drawn", "draw_ahead", "style_table", "write_pages"]

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


#: Pages laid out by hand (text placed at figure coordinates), not by constrained layout.
HAND_LAID = ("cover", "answer", "who", "glossary")


def _new_page(stem: str) -> Figure:
    """An empty A4-landscape page: laid out by hand (``cover``) or constrained."""
    fig = Figure(figsize=PAGE_SIZE, layout=None if stem in HAND_LAID else "constrained")
    # a canvas for page code that measures text while it builds the page; the page itself
    # is laid out and drawn by the PDF backend, when it is saved
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


#: Pages as the writer takes them: ``(stem, draw)`` pairs.
Pages = list[tuple[str, Callable[[Figure], None]]]

#: A share of the pages drawn by one process: their numbers, in drawing order, and the
#: PDF holding them in that order.
Part = tuple[list[int], bytes]

#: A page drawn ahead (:func:`draw_ahead`): its one-page PDF and its PNG file's bytes.
Drawn = tuple[bytes, bytes]


def _draw_part(pages: Pages, which: Iterable[int]) -> Part:
    """Draw the pages ``which`` (taken one at a time) into one PDF."""
    buf = io.BytesIO()
    drawn: list[int] = []
    with _collector_paused(), PdfPages(buf) as pdf:
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
    _rasterise(part, [figdir / f"{pages[i][0]}.png" for i in drawn], dpi)
    return drawn, part


def _taken_in_turn(counter: Any, todo: list[int]) -> Iterator[int]:
    """The page numbers of ``todo``, each taken once through ``counter``, a counter shared
    with the other drawing process: each process draws the next page not yet taken, so
    the two finish together whichever pages cost more and whatever else shares the cores."""
    while True:
        with counter.get_lock():
            k = counter.value
            if k >= len(todo):
                return
            counter.value = k + 1
        yield todo[k]


def _rasterise(pdf: bytes, targets: list[Any], dpi: int) -> None:
    """Write page k of ``pdf`` as a PNG file into ``targets[k]`` (a path or a binary
    file object) at ``dpi``.

    PDFium renders the page; Pillow writes the PNG file at zlib level 1: for report
    pages (large flat areas) as small as at the default level 6, and 40 % less time.
    """
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        for k, target in enumerate(targets):
            page = doc[k]
            bitmap = page.render(scale=dpi / 72, rev_byteorder=True)  # RGB, as PNG is
            bitmap.to_pil().save(target, format="PNG", dpi=(dpi, dpi), compress_level=1)
            bitmap.close()
            page.close()
    finally:
        doc.close()


def draw_ahead(pages: Pages, *, dpi: int = 110) -> dict[str, Drawn]:
    """Draw pages that do not depend on a run before the run ends (the report writer
    started ahead of the run does, on the idle core: :mod:`sim.reporting.ahead`).

    Parameters
    ----------
    pages
        ``(stem, draw)`` pairs, as for :func:`write_pages`.
    dpi
        Resolution of the PNG files.

    Returns
    -------
    dict
        ``{stem: (one-page PDF, PNG file)}``, as bytes: what :func:`write_pages` takes
        as ``drawn``.
    """
    out: dict[str, Drawn] = {}
    for stem, draw in pages:
        _, pdf = _draw_part([(stem, draw)], [0])
        png = io.BytesIO()
        _rasterise(pdf, [png], dpi)
        out[stem] = (pdf, png.getvalue())
    return out


def _join(parts: list[Part], n: int) -> bytes:
    """One PDF of pages ``0 .. n-1``, each taken from the part that holds it.

    The parts are appended whole into one document, whose pages are then imported in
    page order into the joined one, in a single import: PDFium copies what pages share
    (their fonts) once per import, so each part's fonts are copied once, not once a page.
    """
    if len(parts) == 1 and parts[0][0] == list(range(n)):
        return parts[0][1]
    import pypdfium2 as pdfium

    docs = [pdfium.PdfDocument(part) for _, part in parts]
    held = pdfium.PdfDocument.new()
    joined = pdfium.PdfDocument.new()
    try:
        for doc in docs:
            held.import_pages(doc)
        at = [k for drawn, _ in parts for k in drawn]  # page number at each position
        joined.import_pages(held, pages=[at.index(k) for k in range(n)])
        out = io.BytesIO()
        joined.save(out)
        return out.getvalue()
    finally:
        for doc in (joined, held, *docs):
            doc.close()


def _worker(
    pages: Pages, todo: list[int], counter: Any, figdir: Path, dpi: int, conn: Any, other: Any
) -> None:
    """Forked worker: draw pages taken in turn, write their PNG files, send the PDF part.

    Any error ends the worker without sending; the parent then draws the pages it has
    not drawn itself (and meets the same error, which it raises). ``other``, the
    parent's end of the pipe, is closed first: should the parent be gone, sending then
    fails at once instead of waiting for a reader that never comes.
    """
    other.close()
    try:
        conn.send(_write_part(pages, _taken_in_turn(counter, todo), figdir, dpi))
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
    drawn: Mapping[str, Drawn] | None = None,
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
    drawn
        Pages drawn ahead (:func:`draw_ahead`), by stem: taken as they are, not drawn
        again (drawn at the same ``dpi``).

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
    drawn = drawn or {}
    ready = [i for i, (stem, _) in enumerate(pages) if stem in drawn]
    todo = [i for i in range(n) if i not in ready]
    parts: list[Part] = []
    for i in ready:
        pdf, png = drawn[pages[i][0]]
        (figdir / f"{pages[i][0]}.png").write_bytes(png)
        parts.append(([i], pdf))
    if len(todo) == 1 or (todo and report_processes(processes, len(todo)) == 1):
        parts.append(_write_part(pages, todo, figdir, dpi))
    elif todo:
        parts += _write_pages_forked(pages, todo, figdir, dpi)
    pdf_path.write_bytes(_join(parts, n))
    return written


def _write_pages_forked(pages: Pages, todo: list[int], figdir: Path, dpi: int) -> list[Part]:
    """:func:`write_pages` with one forked worker (see there): the pages ``todo`` drawn
    by two processes, as two parts."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    counter = ctx.Value("i", 0)
    recv, send = ctx.Pipe(duplex=False)
    worker = ctx.Process(
        target=_worker, args=(pages, todo, counter, figdir, dpi, send, recv), daemon=True
    )
    worker.start()
    send.close()
    try:
        mine = _write_part(pages, _taken_in_turn(counter, todo), figdir, dpi)
        try:
            other = recv.recv()
        except EOFError:  # the worker stopped: draw here what this process has not
            left = [k for k in todo if k not in mine[0]]
            other = _write_part(pages, left, figdir, dpi)
    finally:
        recv.close()
        if worker.is_alive():
            worker.terminate()
        worker.join()
    return [mine, other]
