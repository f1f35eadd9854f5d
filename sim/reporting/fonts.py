"""A font for Chinese text in reports: found, registered with matplotlib, embedded in PDFs.

Public names: :func:`cjk_font`, :func:`has_cjk`, :func:`report_rc`, :data:`ZH_EXTRA`.

The font comes from the optional extra ``pip install -e ".[zh]"`` (the ``mplfonts``
package, which ships Noto Sans CJK SC under the SIL Open Font License) or, failing that,
from a CJK font installed on the system (Noto Sans CJK, Source Han Sans, WenQuanYi,
SimHei, ...).
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import ReportError

__all__ = ["ZH_EXTRA", "cjk_font", "has_cjk", "report_rc"]

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


@cache
def _find_cjk_font() -> str | None:
    from matplotlib import font_manager

    spec = importlib.util.find_spec(_PACKAGED[0])
    if spec is not None and spec.submodule_search_locations:
        path = Path(next(iter(spec.submodule_search_locations)), *_PACKAGED[1:])
        if path.is_file():
            font_manager.fontManager.addfont(str(path))
            _bold_alias(font_manager.fontManager, str(path))
            return font_manager.FontProperties(fname=str(path)).get_name()
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in _SYSTEM_FAMILIES:
        if family in installed:
            return family
    return None


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

    Fonts are embedded in PDFs as TrueType/OpenType (``pdf.fonttype`` 42). For Chinese
    reports, and for English ones whose scenario texts hold Chinese characters, the CJK
    font is added as a fallback family after DejaVu Sans.
    """
    rc: dict[str, Any] = {"pdf.fonttype": 42}
    need = lang == "zh" or any(has_cjk(t) for t in texts)
    family = cjk_font(required=lang == "zh") if need else None
    if family is not None:
        # a list of named families: matplotlib falls back glyph by glyph along it (a
        # generic "sans-serif" would resolve to its first font only)
        rc["font.family"] = ["DejaVu Sans", family]
        rc["axes.unicode_minus"] = False
    return rc
