"""SpreadsheetML package: an ``.xlsx`` file written part by part, without a workbook model.

An ``.xlsx`` file is a zip of XML parts: ``[Content_Types].xml``, ``_rels/.rels``,
``docProps/``, ``xl/workbook.xml`` with its relationships, ``xl/styles.xml`` and one
``xl/worksheets/sheetN.xml`` per sheet. :class:`Package` writes them; a sheet's rows are
joined column-wise from :class:`Cells` (the XML of one column's cells around its value
texts) by Arrow's element-wise string join, a block of rows at a time, so no Python code
runs per cell. The workbook-level parts follow what openpyxl writes (so the file reads the
same in openpyxl, pandas and Excel): one General cell format plus one per number format in
use, a frozen header row, column widths, text as inline strings.

Text is escaped for XML (``& < > "`` and carriage returns as character references);
characters XML 1.0 cannot hold (control characters other than tab and line feed,
U+FFFE, U+FFFF) are written as SpreadsheetML's ``_xHHHH_`` escapes, which Excel reads back
as the character, and a literal ``_xHHHH_`` in the text has its underscore escaped
(``_x005F_``) so that Excel shows it as written.

Kept over XlsxWriter because it is measured faster: about 15 times for the baseline's
workbook, with no Python call per cell (benchmarks/README.md, "The Excel workbook through
XlsxWriter"; ``benchmarks/workbook.py --formats xlsx,xlsxwriter`` measures it again).

Public names: :class:`Package`, :class:`Styles`, :class:`Cells`, :func:`xml_text`,
:func:`column_letter`, :func:`is_date_format`.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

#: Excel's built-in number formats by format code (others get ids from 164).
_BUILTIN_FORMATS = {
    "General": 0,
    "0": 1,
    "0.00": 2,
    "#,##0": 3,
    "#,##0.00": 4,
    "0%": 9,
    "0.00%": 10,
    "0.00E+00": 11,
    "mm-dd-yy": 14,
    "d-mmm-yy": 15,
    "d-mmm": 16,
    "mmm-yy": 17,
    "h:mm": 20,
    "h:mm:ss": 21,
    "m/d/yy h:mm": 22,
    "@": 49,
}
_FIRST_CUSTOM_FORMAT = 164

#: Rows of a sheet joined at a time (bounds the memory of the XML text).
CHUNK_ROWS = 65_536
#: Characters XML 1.0 cannot hold, and literal ``_xHHHH_`` escapes (RE2 syntax for Arrow).
_NEEDS_ESCAPE_RE2 = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x{fffe}\x{ffff}]|_x[0-9A-Fa-f]{4}_"
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_LITERAL_ESCAPE = re.compile("_(?=x[0-9A-Fa-f]{4}_)")
_ENTITIES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("\r", "&#13;"))
_INVALID_TITLE = re.compile(r"[\\*?:/\[\]]")
#: A part is written with Zip64 headers (which a zip without them cannot grow past) when
#: twice its size estimated from its first block of rows passes 2 GiB, as zipfile decides
#: for a file of known size; a smaller part keeps the plain headers openpyxl wrote.
_ZIP64_LIMIT, _ZIP64_MARGIN = zipfile.ZIP64_LIMIT, 2.0


def column_letter(j: int) -> str:
    """Excel's letters of the 0-based column ``j``: 0 -> ``A``, 26 -> ``AA``."""
    letters = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        letters = chr(65 + r) + letters
    return letters


_DATE_STRIP = re.compile(r'\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]|"[^"]*"|\\.|_.')


def is_date_format(fmt: str | None) -> bool:
    """Whether a number format shows a date or time (as openpyxl decides it)."""
    if fmt is None or fmt == "General":
        return False
    return re.search(r"[dmhysDMHYS]", _DATE_STRIP.sub("", fmt)) is not None


def _escape_attr(text: str) -> str:
    for ch, ent in _ENTITIES:
        text = text.replace(ch, ent)
    return text


def _escape_python(text: str) -> str:
    text = _LITERAL_ESCAPE.sub("_x005F_", text)
    return _FORBIDDEN.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def xml_text(values: Any) -> tuple[Any, np.ndarray]:
    """Text escaped for a ``<t>`` element, and where it needs ``xml:space="preserve"``.

    Parameters
    ----------
    values
        A ``pyarrow`` string array, or chunked array (nulls stay null).

    Returns
    -------
    (pyarrow.Array, numpy.ndarray)
        The escaped text (``pa.string()``) and a boolean mask of the values with leading
        or trailing white space.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    text = pc.cast(values, pa.string())
    if len(text) == 0:
        return text, np.zeros(0, dtype=bool)
    odd = pc.match_substring_regex(text, _NEEDS_ESCAPE_RE2)
    if pc.any(odd).as_py():
        idx = np.flatnonzero(odd.to_numpy(zero_copy_only=False) == True)  # noqa: E712
        fixed = [_escape_python(s) for s in text.take(pa.array(idx)).to_pylist()]
        mask = np.zeros(len(text), dtype=bool)
        mask[idx] = True
        text = pc.replace_with_mask(text, pa.array(mask), pa.array(fixed, pa.string()))
    for ch, ent in _ENTITIES:
        if pc.any(pc.match_substring(text, ch)).as_py():
            text = pc.replace_substring(text, ch, ent)
    spaced = pc.not_equal(text, pc.utf8_trim_whitespace(text))
    preserve = pc.fill_null(spaced, False).to_numpy(zero_copy_only=False)
    return text, np.asarray(preserve, dtype=bool)


class Styles:
    """The cell formats of a workbook: index 0 is General, then one per number format."""

    def __init__(self) -> None:
        self._formats: list[str] = []

    def xf(self, number_format: str | None) -> int:
        """Index of the cell format showing ``number_format`` (0: General)."""
        if number_format is None or number_format == "General":
            return 0
        if number_format not in self._formats:
            self._formats.append(number_format)
        return self._formats.index(number_format) + 1

    def xml(self) -> bytes:
        """``xl/styles.xml``."""
        custom, ids = [], []
        for fmt in self._formats:
            if fmt in _BUILTIN_FORMATS:
                ids.append(_BUILTIN_FORMATS[fmt])
            else:
                ids.append(_FIRST_CUSTOM_FORMAT + len(custom))
                custom.append(f'<numFmt numFmtId="{ids[-1]}" formatCode="{_escape_attr(fmt)}"/>')
        num_fmts = f'<numFmts count="{len(custom)}">{"".join(custom)}</numFmts>' if custom else ""
        xf = '<xf numFmtId="{}" fontId="0" fillId="0" borderId="0" xfId="0"{}/>'
        xfs = [xf.format(0, "")] + [xf.format(i, ' applyNumberFormat="1"') for i in ids]
        return (
            f'{_DECLARATION}<styleSheet xmlns="{_MAIN_NS}">{num_fmts}'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/>'
            "</font></fonts>"
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
            "</borders>"
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            f'</cellStyleXfs><cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            '<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium9" '
            'defaultPivotStyle="PivotStyleLight16"/></styleSheet>'
        ).encode()


@dataclass(frozen=True)
class Cells:
    """The cells of one column over a block of rows.

    A cell is ``<c r="`` + column letter + row number + ``mids[k]`` + ``text`` +
    ``ends[k]``, with ``k = code[i]`` (``0`` for every row if ``code`` is ``None``); a
    null ``text`` is no cell at all (a missing value).

    Attributes
    ----------
    text
        The value of each row as its XML text (``pa.string()``), null for no cell.
    mids, ends
        The XML between the reference and the value (attributes, opening tags) and after
        the value (closing tags), one pair per template.
    code
        Template of each row (small integers), or ``None``.
    """

    text: Any
    mids: Sequence[str]
    ends: Sequence[str]
    code: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.text)


def _rows_xml(first_row: int, columns: Sequence[Cells]) -> memoryview:
    """``<row>`` elements of a block of rows, numbered from ``first_row`` (1-based)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(columns[0])
    rows = pc.cast(pa.array(np.arange(first_row, first_row + n, dtype=np.int64)), pa.string())
    args: list[Any] = ['<row r="', rows, '">']
    for j, col in enumerate(columns):
        start = f'<c r="{column_letter(j)}'
        if col.code is None:
            mid, end = col.mids[0], col.ends[0]
        else:
            code = pa.array(col.code)
            mid = pa.array(list(col.mids), pa.string()).take(code)
            end = pa.array(list(col.ends), pa.string()).take(code)
        if col.text.null_count == 0:
            args += [start, rows, mid, col.text, end]
        else:
            args.append(
                pc.binary_join_element_wise(
                    start, rows, mid, col.text, end, "", null_handling="emit_null"
                )
            )
    args.append("</row>")
    joined = pc.binary_join_element_wise(*args, "", null_handling="replace", null_replacement="")
    width = np.int64 if joined.type == pa.large_string() else np.int32
    offsets = np.frombuffer(joined.buffers()[1], dtype=width)[joined.offset :][: n + 1]
    return memoryview(joined.buffers()[2])[offsets[0] : offsets[-1]]


def _check_title(title: str, taken: Iterable[str]) -> None:
    refused = _INVALID_TITLE.search(title) or title.startswith("'") or title.endswith("'")
    if not title or len(title) > 31 or refused:
        raise ValueError(
            f"sheet name {title!r}: Excel takes 1 to 31 characters, none of \\ * ? : / [ ], "
            "not beginning or ending with '"
        )
    if title.casefold() in (t.casefold() for t in taken):
        raise ValueError(f"sheet name {title!r} is used twice")


class Package:
    """An ``.xlsx`` file being written: sheets are added in order, the rest on :meth:`close`.

    Parameters
    ----------
    path
        The file to write (replaced if it exists; removed again if writing fails when
        used as a context manager).
    compresslevel
        zlib level of the zip entries (1 is about three times faster than zlib's
        default 6 and makes a file about a fifth larger).
    """

    def __init__(self, path: str | Path, *, compresslevel: int = 1) -> None:
        self.path = Path(path)
        self.styles = Styles()
        self._titles: list[str] = []
        self._zip = zipfile.ZipFile(
            self.path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel
        )

    def __enter__(self) -> Package:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.close()
        else:
            self._zip.close()
            self.path.unlink(missing_ok=True)

    def add_sheet(
        self,
        title: str,
        header: Sequence[Cells],
        widths: Sequence[float],
        n_rows: int,
        blocks: Iterable[Sequence[Cells]],
    ) -> None:
        """Write one sheet: a frozen header row, then the data rows block by block.

        Parameters
        ----------
        title
            Sheet name (1 to 31 characters, none of ``\\ * ? : / [ ]``, not beginning or
            ending with ``'``, not used before).
        header
            The header row: :class:`Cells` of one row, one per column.
        widths
            Width of each column (Excel's character units).
        n_rows
            Data rows, the sum of the blocks' lengths.
        blocks
            The data rows: each block a sequence of :class:`Cells`, one per column, of
            equal length.
        """
        _check_title(title, self._titles)
        self._titles.append(title)
        n_cols = len(widths)
        last = f"{column_letter(max(n_cols, 1) - 1)}{n_rows + 1}"
        cols = "".join(
            f'<col min="{j}" max="{j}" width="{w:g}" customWidth="1"/>'
            for j, w in enumerate(widths, start=1)
        )
        head = (
            f'{_DECLARATION}<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
            '<sheetPr><outlinePr summaryBelow="1" summaryRight="1"/><pageSetUpPr/></sheetPr>'
            f'<dimension ref="A1:{last}"/>'
            '<sheetViews><sheetView workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A1" sqref="A1"/></sheetView></sheetViews>'
            '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
            + (f"<cols>{cols}</cols>" if cols else "")
            + "<sheetData>"
        )
        name = f"xl/worksheets/sheet{len(self._titles)}.xml"
        # the rows as text, block by block; the first block's size estimates the part's
        blocks = iter(blocks)
        first_row, first_text = 2, None
        for block in blocks:
            if len(block) and len(block[0]):
                first_text, rows_n = _rows_xml(first_row, block), len(block[0])
                break
        est = 0 if first_text is None else len(first_text) * max(n_rows, 1) / rows_n
        with self._zip.open(name, "w", force_zip64=est * _ZIP64_MARGIN > _ZIP64_LIMIT) as fh:
            fh.write(head.encode())
            fh.write(_rows_xml(1, header) if n_cols else b'<row r="1"/>')
            if first_text is not None:
                fh.write(first_text)
                first_row += rows_n
            for block in blocks:
                if len(block) and len(block[0]):
                    fh.write(_rows_xml(first_row, block))
                    first_row += len(block[0])
            fh.write(
                b'</sheetData><pageMargins left="0.75" right="0.75" top="1" bottom="1" '
                b'header="0.5" footer="0.5"/></worksheet>'
            )

    def close(self) -> None:
        """Write the workbook-level parts and close the file."""
        n = len(self._titles)
        sheets = "".join(
            f'<sheet name="{_escape_attr(t)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, t in enumerate(self._titles, start=1)
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{_REL_NS}/worksheet" '
            f'Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_SHEET_TYPE}"/>'
            for i in range(1, n + 1)
        )
        office = "application/vnd.openxmlformats-officedocument"
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        parts = {
            "[Content_Types].xml": (
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" '
                'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/xl/workbook.xml" '
                f'ContentType="{office}.spreadsheetml.sheet.main+xml"/>'
                '<Override PartName="/xl/styles.xml" '
                f'ContentType="{office}.spreadsheetml.styles+xml"/>'
                '<Override PartName="/docProps/core.xml" '
                'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
                '<Override PartName="/docProps/app.xml" '
                f'ContentType="{office}.extended-properties+xml"/>{overrides}</Types>'
            ),
            "_rels/.rels": (
                f'<Relationships xmlns="{_PKG_REL_NS}">'
                f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
                '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
                'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
                f'<Relationship Id="rId3" Type="{_REL_NS}/extended-properties" '
                'Target="docProps/app.xml"/></Relationships>'
            ),
            "docProps/app.xml": (
                '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
                'extended-properties"><Application>smesim</Application></Properties>'
            ),
            "docProps/core.xml": (
                '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
                'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
                'xmlns:dcterms="http://purl.org/dc/terms/" '
                'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                "<dc:creator>smesim</dc:creator>"
                f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
                f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified>'
                "</cp:coreProperties>"
            ),
            "xl/workbook.xml": (
                f'<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><workbookPr/>'
                '<bookViews><workbookView activeTab="0"/></bookViews>'
                f'<sheets>{sheets}</sheets><calcPr calcId="124519" fullCalcOnLoad="1"/>'
                "</workbook>"
            ),
            "xl/_rels/workbook.xml.rels": (
                f'<Relationships xmlns="{_PKG_REL_NS}">{rels}'
                f'<Relationship Id="rId{n + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>'
                "</Relationships>"
            ),
        }
        for name, text in parts.items():
            self._zip.writestr(name, (_DECLARATION + text).encode())
        self._zip.writestr("xl/styles.xml", self.styles.xml())
        self._zip.close()
