"""Reading the cells of an .xlsx file exactly and in bounded memory.

The sheet XML is streamed (``iterparse``; each row is dropped once read), so a sheet of a million
formatted empty rows costs time, not memory. Numbers are read from the text the file stores, never
through a float of the caller's: ``2314.68`` stays ``Decimal("2314.68")``; a 17-digit binary artefact
(``2314.6799999999998``, as older spreadsheet programs store 2314.68) is read as the shortest decimal
that stands for the same double. The cached value of a formula cell is its value; a formula without
one is reported. Encrypted workbooks, old ``.xls`` files and broken archives are refused with a message
that says what to do.
"""

from __future__ import annotations

import functools
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError, XMLPullParser, iterparse

from ..errors import InputError

__all__ = ["Cell", "SheetData", "WorkbookError", "cell_ref", "read_workbook"]

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAX_MEMBER = 1 << 30  # an uncompressed part larger than 1 GiB is refused (a zip bomb, not a budget)
_MAX_CELLS = 2_000_000  # cells with content in one workbook
_BUILTIN_FORMATS = {1: 0, 2: 2, 3: 0, 4: 2, 9: 0, 10: 2, 11: 2, 37: 0, 38: 0, 39: 2, 40: 2, 48: 1}
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


class WorkbookError(InputError):
    """A workbook that cannot be read at all: what is wrong and, where it helps, how to fix it."""


@dataclass
class Cell:
    row: int
    col: int
    value: Any  # str, int, Decimal, bool or None
    formula: str | None = None
    error: str | None = None  # an error value (#DIV/0!) or a formula without a cached value
    places: int | None = None  # the decimals the number format shows


@dataclass
class SheetData:
    name: str
    hidden: bool = False
    cells: dict[int, dict[int, Cell]] = field(default_factory=dict)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)

    def rows(self) -> Iterator[tuple[int, dict[int, Cell]]]:
        for r in sorted(self.cells):
            yield r, self.cells[r]


def cell_ref(sheet: str, row: int, col: int) -> str:
    """``一般公共预算支出表!D12``; a sheet name with other characters is quoted as spreadsheets write it."""
    return f"{_quoted(sheet)}!{column_letters(col)}{row}"


@functools.lru_cache(maxsize=256)
def _quoted(sheet: str) -> str:
    return sheet if re.fullmatch(r"[\w.]+", sheet) else "'" + sheet.replace("'", "''") + "'"


@functools.lru_cache(maxsize=1024)
def column_letters(col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def read_workbook(path: str) -> list[SheetData]:
    """Every sheet of the workbook at ``path`` with its cells; ``WorkbookError`` if it cannot be read."""
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head == _OLE:
        raise WorkbookError(_ole_message(path))
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise WorkbookError(f"{path}: not a readable .xlsx workbook (corrupt or truncated: {exc})") from None
    with archive:
        try:
            return _read(archive, path)
        except (zipfile.BadZipFile, ParseError, KeyError, EOFError, OSError, ValueError) as exc:
            what = type(exc).__name__
            raise WorkbookError(f"{path}: the workbook is damaged and cannot be read ({what}: {exc})") from None


def _ole_message(path: str) -> str:
    with open(path, "rb") as handle:
        data = handle.read(1 << 20)
    if "EncryptionInfo".encode("utf-16-le") in data:
        return (
            f"{path}: the workbook is encrypted (password-protected); open it, remove the password "
            "(文件 › 信息 › 保护工作簿 › 用密码进行加密) and save it again as .xlsx"
        )
    return (
        f"{path}: an old Excel 97–2003 (.xls) workbook; open it in Excel, WPS or LibreOffice and save it "
        "as .xlsx (另存为 › Excel 工作簿), or convert it with: soffice --headless --convert-to xlsx FILE.xls"
    )


def _read(archive: zipfile.ZipFile, path: str) -> list[SheetData]:
    for info in archive.infolist():
        if info.file_size > _MAX_MEMBER:
            raise WorkbookError(f"{path}: part {info.filename} unpacks to more than 1 GiB; refused")
    sheets = _sheet_list(archive)
    strings = _shared_strings(archive)
    places = _style_places(archive)
    budget = [_MAX_CELLS]
    out = []
    for name, target, hidden in sheets:
        data = SheetData(name, hidden)
        with archive.open(target) as stream:
            _read_sheet(stream, data, strings, places, budget, path)
        out.append(data)
    return out


def _parse(archive: zipfile.ZipFile, name: str) -> Element | None:
    if name not in archive.namelist():
        return None
    with archive.open(name) as stream:
        root: Element | None = None
        for _, elem in iterparse(stream, events=("end",)):
            root = elem
        return root


def _sheet_list(archive: zipfile.ZipFile) -> list[tuple[str, str, bool]]:
    book = _parse(archive, "xl/workbook.xml")
    rels = _parse(archive, "xl/_rels/workbook.xml.rels")
    if book is None or rels is None:
        raise WorkbookError("not an Excel workbook: the archive has no xl/workbook.xml (is it a .docx or .ods?)")
    targets = {r.get("Id"): str(r.get("Target")) for r in rels if _local(r.tag) == "Relationship"}
    out = []
    for elem in book.iter():
        if _local(elem.tag) != "sheet":
            continue
        rid = elem.get(f"{{{_REL_NS}}}id") or next((v for k, v in elem.attrib.items() if _local(k) == "id"), None)
        target = targets.get(rid, "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        hidden = elem.get("state") in ("hidden", "veryHidden")
        out.append((str(elem.get("name")), target, hidden))
    return out


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    out: list[str] = []
    with archive.open("xl/sharedStrings.xml") as stream:
        for _, elem in iterparse(stream, events=("end",)):
            if _local(elem.tag) == "si":
                out.append(_text(elem))
                elem.clear()
    return out


def _text(elem: Element) -> str:
    """The text of a string item: its runs, without phonetic guides."""
    parts = []
    for child in elem:
        tag = _local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


def _style_places(archive: zipfile.ZipFile) -> list[int | None]:
    root = _parse(archive, "xl/styles.xml")
    if root is None:
        return []
    formats: dict[int, str] = {}
    xfs: list[int | None] = []
    for elem in root.iter():
        if _local(elem.tag) == "numFmt":
            formats[int(elem.get("numFmtId", "0"))] = elem.get("formatCode", "")
    for section in root:
        if _local(section.tag) != "cellXfs":
            continue
        for xf in section:
            fid = int(xf.get("numFmtId", "0"))
            xfs.append(format_places(formats[fid]) if fid in formats else _BUILTIN_FORMATS.get(fid))
    return xfs


def format_places(code: str) -> int | None:
    """The decimals a number format shows (``#,##0.00`` → 2); None for General."""
    first = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code.split(";", 1)[0])
    if not first or first.lower() == "general":
        return None
    match = re.search(r"\.([0#?]+)", first)
    return len(match.group(1)) if match else 0


_NAMESPACES = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
_ROW = {f"{{{ns}}}row" for ns in _NAMESPACES} | {"row"}
_SHEET_DATA = {f"{{{ns}}}sheetData" for ns in _NAMESPACES} | {"sheetData"}
_MERGE = {f"{{{ns}}}mergeCell" for ns in _NAMESPACES} | {"mergeCell"}


def _read_sheet(
    stream: IO[bytes], data: SheetData, strings: list[str], places: list[int | None], budget: list[int], path: str
) -> None:
    holder: Element | None = None  # sheetData: emptied after every row, so memory stays flat
    for event, elem in _events(stream):
        tag = elem.tag
        if event == "start":
            if tag in _SHEET_DATA:
                holder = elem
        elif tag in _ROW:
            if elem.get("hidden") in ("1", "true"):
                data.hidden_rows.add(int(elem.get("r", "0")))
            for c in elem:
                if len(c):  # a formatted cell with nothing in it has no child
                    _keep(_cell(c, strings, places), data, budget, path)
            (holder if holder is not None else elem).clear()
        elif tag in _MERGE:
            data.merged.append(_range(elem.get("ref", "")))


# Cells and rows that hold nothing (formatted but empty): dropped from the text before it is parsed,
# so a million of them cost one pass of a regular expression. A self-closing ``<c …/>`` has no value.
_EMPTY_CELL = re.compile(rb"<(?:\w+:)?c\b[^>]*/>|<(?:\w+:)?row\b[^>]*/>")
_EMPTY_ROW = re.compile(rb"<((?:\w+:)?row)\b[^>]*>\s*</\1>")


def _events(stream: IO[bytes]) -> Iterator[tuple[str, Element]]:
    parser: XMLPullParser[Element] = XMLPullParser(events=("start", "end"))
    tail = b""
    while True:
        chunk = stream.read(1 << 20)
        buf = tail + chunk
        cut = max(buf.rfind(b"<"), 0) if chunk else len(buf)
        head, tail = buf[:cut], buf[cut:]
        parser.feed(_EMPTY_ROW.sub(b"", _EMPTY_CELL.sub(b"", head)))
        yield from parser.read_events()  # type: ignore[misc]
        if not chunk:
            break
    parser.close()
    yield from parser.read_events()  # type: ignore[misc]


def _keep(cell: Cell | None, data: SheetData, budget: list[int], path: str) -> None:
    if cell is None:
        return
    budget[0] -= 1
    if budget[0] < 0:
        raise WorkbookError(f"{path}: more than {_MAX_CELLS:,} filled cells; refused")
    data.cells.setdefault(cell.row, {})[cell.col] = cell


_REF = re.compile(r"([A-Z]+)(\d+)")


def _coords(ref: str) -> tuple[int, int]:
    m = _REF.fullmatch(ref.replace("$", ""))
    if m is None:
        raise ValueError(f"bad cell reference {ref!r}")
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


def _range(ref: str) -> tuple[int, int, int, int]:
    a, _, b = ref.partition(":")
    r1, c1 = _coords(a)
    r2, c2 = _coords(b or a)
    return r1, c1, r2, c2


def _cell(c: Element, strings: list[str], places: list[int | None]) -> Cell | None:
    row, col = _coords(c.get("r", ""))
    kind = c.get("t", "n")
    style = int(c.get("s", "0"))
    fmt = places[style] if style < len(places) else None
    f = v = None
    inline = ""
    for child in c:
        tag = _local(child.tag)
        if tag == "f":
            f = child.text or "(shared)"
        elif tag == "v":
            v = child.text
        elif tag == "is":
            inline = _text(child)
    if f is not None and (v is None or v == "") and kind != "str":
        return Cell(row, col, None, formula=f, error="formula-uncached", places=fmt)
    if kind == "inlineStr":
        return Cell(row, col, inline, formula=f) if inline else None
    if v is None:
        return None
    if kind == "s":
        return Cell(row, col, strings[int(v)], formula=f)
    if kind in ("str", "d"):
        return Cell(row, col, v, formula=f)
    if kind == "b":
        return Cell(row, col, v in ("1", "true"), formula=f)
    if kind == "e":
        return Cell(row, col, v, formula=f, error="error-value")
    return Cell(row, col, number(v, fmt, f is not None), formula=f, places=fmt)


def number(text: str, places: int | None, formula: bool) -> int | Decimal:
    """A stored number as the exact figure the cell shows (see the module's docstring)."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(f"bad number {text!r}") from None
    if not value.is_finite():
        raise ValueError(f"bad number {text!r}")
    if len(value.as_tuple().digits) >= 16:
        value = Decimal(repr(float(value)))  # a binary artefact: the shortest decimal of the same double
    exponent = value.as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if places is not None and decimals < places:
        value = value.quantize(Decimal(1).scaleb(-places))
    elif places is not None and formula and decimals > places:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if "." not in text and "e" not in text.lower() and not places and value == value.to_integral_value():
        return int(value)
    return value
