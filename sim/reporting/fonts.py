"""A font for Chinese text in reports: found, registered with matplotlib, embedded in PDFs.

Public names: :func:`cjk_font`, :func:`has_cjk`, :func:`report_rc`, :data:`ZH_EXTRA`.

The font comes from the optional extra ``pip install -e ".[zh]"`` (the ``mplfonts``
package, which ships Noto Sans CJK SC under the SIL Open Font License) or, failing that,
from a CJK font installed on the system (Noto Sans CJK, Source Han Sans, WenQuanYi,
SimHei, ...).

matplotlib's PDF backend embeds every font of a ``pdf.fonttype`` 42 PDF as a TrueType
CID font (``CIDFontType2``, ``FontFile2``). A font with PostScript (CFF) outlines, such
as Noto Sans CJK, then does not match its declared type: viewers differ in whether they
draw it, and poppler warns "Mismatch between font type and embedded font file". So the
packaged font is converted once, with fontTools, into a TrueType copy in matplotlib's
cache folder (:func:`truetype_copy`), and that copy is the one registered. A report
whose text is all in Latin script embeds its glyphs as Type 3 fonts instead
(:func:`report_rc`).
"""

from __future__ import annotations

import importlib.util
import os
import re
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import ReportError

__all__ = ["ZH_EXTRA", "cjk_font", "cjk_font_pending", "has_cjk", "report_rc", "truetype_copy"]

ZH_EXTRA = 'pip install -e ".[zh]"'

_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
_PACKAGED = ("mplfonts", "fonts", "NotoSansCJKsc-Regular.otf")
_SYSTEM_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
)


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds Chinese (CJK) characters or full-width forms."""
    return bool(_CJK.search(text))


def cjk_font_pending() -> bool:
    """Whether the packaged CJK font still has to be converted to TrueType (once per
    machine, about a minute and a half of CPU): the first Chinese report waits for it."""
    spec = importlib.util.find_spec(_PACKAGED[0])
    if spec is None or not spec.submodule_search_locations:
        return False
    path = Path(next(iter(spec.submodule_search_locations)), *_PACKAGED[1:])
    if not path.is_file():
        return False
    copy = _truetype_copy_path(path)
    return copy is not None and not copy.is_file()


@cache
def _find_cjk_font() -> str | None:
    from matplotlib import font_manager

    spec = importlib.util.find_spec(_PACKAGED[0])
    if spec is not None and spec.submodule_search_locations:
        path = Path(next(iter(spec.submodule_search_locations)), *_PACKAGED[1:])
        if path.is_file():
            path = truetype_copy(path)
            font_manager.fontManager.addfont(str(path))
            _bold_alias(font_manager.fontManager, str(path))
            return font_manager.FontProperties(fname=str(path)).get_name()
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in _SYSTEM_FAMILIES:
        if family in installed:
            return family
    return None


#: Bumped when :func:`truetype_copy` writes its copies differently (older ones are left).
_COPY_FORMAT = 1


def truetype_copy(path: str | Path, cache_dir: str | Path | None = None) -> Path:
    """A copy of the font file ``path`` with TrueType outlines, made once and cached.

    A font with TrueType outlines already is returned as it is. A font with PostScript
    (CFF) outlines is converted, as fontTools' ``otf2ttf`` recipe does: its curves
    become quadratic ones within 1 font unit (of 1,000 or more to the em); glyph order,
    and so glyph indices, and the other tables stay (glyph names are not stored: 65,535
    of them do not fit the ``post`` table). The copy is written to ``cache_dir``
    (default: a ``smesim`` folder in matplotlib's cache folder) under a name that holds
    the source's name and size, so a changed font is converted again. Converting Noto
    Sans CJK SC (65,535 glyphs) takes about 90 s of CPU, once: the first Chinese report
    after installing waits for it.

    Parameters
    ----------
    path
        An OpenType or TrueType font file.
    cache_dir
        Folder of the converted copies.

    Returns
    -------
    pathlib.Path
        ``path`` itself, or its TrueType copy.
    """
    from fontTools.ttLib import TTFont

    path = Path(path)
    copy = _truetype_copy_path(path, cache_dir)
    if copy is None:
        return path
    if copy.is_file():
        return copy
    copy.parent.mkdir(parents=True, exist_ok=True)
    with TTFont(path) as font:
        _as_truetype(font)
        # written whole under another name, then renamed: another process converting at
        # the same time, or one stopped midway, never leaves a half file under this name
        fd, tmp = tempfile.mkstemp(suffix=".ttf", dir=copy.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                font.save(out)
            os.chmod(tmp, 0o644)  # as a font file is (mkstemp's file is private)
            os.replace(tmp, copy)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return copy


def _truetype_copy_path(path: Path, cache_dir: str | Path | None = None) -> Path | None:
    """Where :func:`truetype_copy` keeps the copy of ``path``: None for a font with
    TrueType outlines already (no copy needed)."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        if "CFF " not in font:
            return None
    if cache_dir is None:
        import matplotlib

        cache_dir = Path(matplotlib.get_cachedir(), "smesim")
    return Path(cache_dir, f"{path.stem}-{path.stat().st_size}-tt{_COPY_FORMAT}.ttf")


def _as_truetype(font: Any) -> None:
    """Give ``font`` (a fontTools ``TTFont`` with CFF outlines) TrueType outlines, in place."""
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
    hmtx = font["hmtx"]
    for name in order:
        glyph = glyf.glyphs[name]
        glyph.recalcBounds(glyf)
        # TrueType's left side bearing is the glyph's xMin
        hmtx[name] = (hmtx[name][0], getattr(glyph, "xMin", 0))
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
        "maxComponentElements", "maxComponentDepth",
    ):  # fmt: skip
        setattr(maxp, field, 1 if field == "maxZones" else 0)
    post = font["post"]
    post.formatType = 3.0  # no glyph names (65,535 do not fit format 2); indices stay
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = None
    font.sfntVersion = "\x00\x01\x00\x00"


def _bold_alias(manager: Any, path: str) -> None:
    """Let bold text (table headers, titles) use the regular face of a font that has no
    bold one, without matplotlib's "Failed to find font weight bold" warning."""
    import dataclasses

    entries = [e for e in manager.ttflist if e.fname == path]
    if entries and not any(e.weight == 700 for e in entries):
        manager.ttflist.append(dataclasses.replace(entries[0], weight=700))


def cjk_font(required: bool = True) -> str | None:
    """The family name of a CJK font, registered with matplotlib.

    Parameters
    ----------
    required
        Raise when no font is found (else return ``None``).

    Raises
    ------
    sim.errors.ReportError
        When ``required`` and neither the ``zh`` extra nor a system CJK font is installed.
    """
    family = _find_cjk_font()
    if family is None and required:
        raise ReportError(
            "no font for Chinese text found: install the zh extra "
            f"({ZH_EXTRA}) or a system CJK font such as Noto Sans CJK SC"
        )
    return family


def report_rc(lang: str, texts: tuple[str, ...] = ()) -> dict[str, Any]:
    """matplotlib settings for a report in ``lang`` whose free texts are ``texts``.

    For Chinese reports, and for English ones whose scenario texts hold Chinese
    characters, the CJK font is added as a fallback family after DejaVu Sans, and fonts
    are embedded in the PDF as TrueType (``pdf.fonttype`` 42: a Type 3 font holds at most
    256 glyphs). A report in Latin script embeds the glyphs it uses as a Type 3 font,
    matplotlib's default: text that copies and searches as well, and 10 % less CPU for
    the report than subsetting the TrueType files (measured on the baseline's report).
    """
    rc: dict[str, Any] = {"pdf.fonttype": 3}
    need = lang == "zh" or any(has_cjk(t) for t in texts)
    family = cjk_font(required=lang == "zh") if need else None
    if family is not None:
        rc["pdf.fonttype"] = 42
        # a list of named families: matplotlib falls back glyph by glyph along it (a
        # generic "sans-serif" would resolve to its first font only)
        rc["font.family"] = ["DejaVu Sans", family]
        rc["axes.unicode_minus"] = False
    return rc
