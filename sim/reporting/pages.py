"""The page writer of every report: A4-landscape pages as PNG files and one PDF.

Each page is drawn once; its layout, computed for the PNG, is kept for the PDF page.
With a second idle core, a forked worker draws three pages in four.

Public names: :func:`write_pages`, :func:`style_table`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.table import Table

__all__ = ["style_table", "write_pages"]


def style_table(table: Table, *, fontsize: float, row_scale: float) -> None:
    """The reports' table style: fixed font size, taller rows, bold header on grey."""
    table.auto_set_font_size(False)
    table.set_fontsize(fontsize)
    table.scale(1, row_scale)
    for (r, _c), cell in table.get_celld().items():
        if r == 0:
            cell.set_text_props(weight="bold")
            cell.set_facecolor("#e8e8e8")


def _freeze_layout(fig: Figure) -> None:
    """Keep the Axes and titles where the last draw placed them.

    No layout engine from now on, and no title moved again: a title is placed in Axes
    coordinates after measuring every tick label of its y axis, which the draw before
    did and which gives the same place on any later draw of the same layout.
    """
    if fig.get_layout_engine() is not None:
        fig.set_layout_engine("none")
    for ax in fig.axes:
        if getattr(ax, "_autotitlepos", False) is None:  # None: automatic (matplotlib)
            ax._autotitlepos = False


def _png_page(stem: str, draw: Callable[[Figure], None], png: Path, dpi: int) -> Figure:
    """Draw one page, write its PNG and return the Figure with its layout kept."""
    fig = Figure(figsize=(11.69, 8.27), layout=None if stem == "cover" else "constrained")
    FigureCanvasAgg(fig)
    draw(fig)
    fig.savefig(png, dpi=dpi)
    # the layout the PNG's draw computed holds for the PDF page too: computing it again
    # (every Axes' ticks and labels measured twice over) was half the page's time
    _freeze_layout(fig)
    return fig


def _page_worker(
    pages: list[tuple[str, Callable[[Figure], None]]],
    mine: list[int],
    figdir: Path,
    dpi: int,
    conn: Any,
) -> None:
    """Forked worker: write the PNG of each page in ``mine``; send each Figure, pickled.

    A page whose Figure cannot be pickled is sent as ``None`` (the parent draws it again
    for the PDF); the first error stops the worker, and the parent draws what is left.
    """
    import pickle

    try:
        for i in mine:
            stem, draw = pages[i]
            fig = _png_page(stem, draw, figdir / f"{stem}.png", dpi)
            try:
                payload = pickle.dumps(fig, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # noqa: BLE001 - the parent redraws this page
                payload = None
            conn.send((i, payload))
    except BaseException:  # noqa: BLE001 - the parent redraws every page not sent
        pass
    finally:
        conn.close()


def _report_processes(processes: int | None, n_pages: int) -> int:
    """Processes to write the pages with: 2 when a second core and ``fork`` are at hand."""
    import multiprocessing
    import os
    import threading

    if processes is not None:
        return max(1, min(int(processes), 2))
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    try:
        busy = os.getloadavg()[0]  # runnable processes, this one among them
    except OSError:
        busy = 0.0
    ok = (
        n_pages >= 3
        and cores >= 2
        # a second process pays only if a core is idle for it
        and busy <= cores - 1
        and "fork" in multiprocessing.get_all_start_methods()
        # forking a process that runs other threads (a notebook kernel, a Dask worker)
        # can copy a lock another thread holds; daemonic processes may not have children
        and threading.active_count() == 1
        and not multiprocessing.current_process().daemon
    )
    return 2 if ok else 1


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
        ``(stem, draw)`` pairs: ``draw(fig)`` fills the page, saved as ``figures/<stem>.png``
        and as one page of ``report.pdf``. A page named ``cover`` is laid out by hand; the
        others use matplotlib's constrained layout.
    folder
        Output folder (created if needed).
    dpi
        Resolution of the PNG files.
    processes
        1 writes every page in this process; 2 forks one worker that draws three pages in
        four and writes their PNG files while this process writes the others and the
        whole PDF (from the worker's Figures, pickled: the same bytes as drawn here).
        Default: 2 with at least three pages, two cores for this process and one of them
        idle (one-minute load average at most the cores less one), the ``fork`` start
        method and no other thread running; else 1.

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
    if _report_processes(processes, n) == 1 or n < 2:
        with PdfPages(pdf_path) as pdf:
            for stem, draw in pages:
                pdf.savefig(_png_page(stem, draw, figdir / f"{stem}.png", dpi))
        return written
    _write_pages_forked(pages, figdir, pdf_path, dpi)
    return written


def _write_pages_forked(
    pages: list[tuple[str, Callable[[Figure], None]]], figdir: Path, pdf_path: Path, dpi: int
) -> None:
    """:func:`write_pages` with one forked worker (see there)."""
    import multiprocessing
    import pickle

    # the PDF page costs about half a PNG page (no layout, no rasterising): this process
    # keeps one page in four and writes the PDF, the worker writes the rest
    mine = [i for i in range(len(pages)) if i % 4 != 0]
    ctx = multiprocessing.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    worker = ctx.Process(target=_page_worker, args=(pages, mine, figdir, dpi, send), daemon=True)
    worker.start()
    send.close()
    try:
        own = {
            i: _png_page(stem, draw, figdir / f"{stem}.png", dpi)
            for i, (stem, draw) in enumerate(pages)
            if i not in mine
        }
        got: dict[int, Figure | None] = {}
        alive = True
        with PdfPages(pdf_path) as pdf:
            for i, (stem, draw) in enumerate(pages):
                if i in own:
                    pdf.savefig(own.pop(i))
                    continue
                while alive and i not in got:
                    try:
                        j, payload = recv.recv()
                    except EOFError:  # worker stopped: draw the rest here
                        alive = False
                        break
                    got[j] = None if payload is None else pickle.loads(payload)
                fig = got.pop(i, None)
                if fig is None:
                    fig = _png_page(stem, draw, figdir / f"{stem}.png", dpi)
                pdf.savefig(fig)
    finally:
        recv.close()
        if worker.is_alive():
            worker.terminate()
        worker.join()
