"""Text in the report PDFs: fonts embedded lean and as declared, each text measured once.

matplotlib's PDF backend, while a share of the report's pages is drawn
(:func:`pdf_text`):

- embeds font subsets without the tables that only text shaping uses (GSUB, GPOS,
  kerning): a PDF places every glyph itself, and leaving those tables out makes
  embedding a font several times faster;
- embeds a font with PostScript (CFF) outlines, such as the CJK font, with TrueType
  outlines, the type the PDF declares for it;
- measures each text once per string and font, not once per page and layout pass.

Each works on private parts of matplotlib; with a matplotlib that lacks them, fonts are
embedded and text measured as matplotlib does. The pages are the same either way (the
text measures give byte-identical PDFs; tests/test_report.py checks it).

Public names: :func:`pdf_text`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

__all__ = ["pdf_text"]

# tables of a font that only text shaping reads; a PDF positions each glyph itself
_SHAPING_TABLES = ("GSUB", "GPOS", "GDEF", "kern", "JSTF", "BASE", "morx", "kerx")


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
def pdf_text() -> Iterator[None]:
    """Lean font subsets, TrueType outlines and text measured once, while the block runs."""
    with ExitStack() as stack:
        stack.enter_context(_lean_font_subsets())
        stack.enter_context(_truetype_subsets())
        stack.enter_context(_text_measured_once())
        yield
