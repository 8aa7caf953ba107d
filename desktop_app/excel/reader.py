"""The tolerant Excel reader every importer uses (staff, ledger, roster, training, catalogue).

``read_table(path, columns)`` takes a file people edited by hand and returns its data rows as
dicts keyed by the importer's field keys, each with its spreadsheet row number, plus the column
letter of every field, so an importer can say “第 12 行 D 列“科室”：……”. It never writes into the
file: the bytes are read once, checked, and parsed from memory.

What it does, in order:

1. **Refuses what is not an .xlsx workbook**, in Chinese and naming the file: legacy ``.xls``
   (OLE2 signature), password-protected files (OLE2 with an ``EncryptedPackage`` stream, or zip
   entries flagged as encrypted), text/CSV or web pages renamed to ``.xlsx``, other zip documents
   (Word, .ods), broken zips, and zip bombs — the sizes in the zip directory are checked before
   openpyxl decompresses anything (Python's zipfile never inflates a member beyond the size its
   directory entry declares, so checking the directory is enough).
2. Opens the bytes with ``load_workbook(read_only=True, data_only=True)``: formulas give their
   cached values. ``sha256`` of the same bytes is kept so an importer can tell later whether the
   file changed after a preview.
3. **Finds the sheet and the header row by their text** within the first rows of every sheet
   (the sheet with the most recognised headings wins, a preferred sheet name breaks ties).
   Headings are compared after NFKC (full-width → half-width), removing all spaces and newlines,
   ``*``/``※`` marks, colons and anything in brackets: ``姓 名``, ``工号\\n(必填)``, ``*姓名`` and
   ``科室（病区）`` all match. A heading cell left empty takes the heading right above it if that
   one is recognised (two-row headers with vertically merged cells).
4. Reads the data rows: blank rows are skipped; a row whose only content is one text cell starting
   with 说明/注:/备注:/填表说明… is a note (so are the single-cell rows that follow it); a bad cell
   becomes a :class:`Finding` with row, column and field, never an exception.

**Merged cells.** read_only mode does not expose merges: a merged area has its value in the top-left
cell and ``None`` in the others. A second, normal-mode load would build every cell in memory, so
instead the data rows are read in one pass over the chosen sheet's XML (“the data rows, fast”
below: regular expressions; a sheet they do not recognise is streamed with ``iterparse`` and read
through openpyxl), which also collects the ``<mergeCell>`` ranges, the cells holding a formula
without a cached value, and the number of non-empty rows (an oversize sheet is refused). Then:

* a vertical merge inside the table (a department written once beside several rows) gives its
  value to every row it covers, in its first column;
* a row whose only content is one text cell merged across columns is a **section row** (“外科”):
  it is not data; the rows under it carry its text in :attr:`TableRow.section` (an importer may
  also pass ``section_test`` for section rows written without merging);
* a merged title above the header row is simply above the header and ignored.

Values are normalised through :mod:`desktop_app.textnorm`: text columns give clean ``str`` (a 工号
stored as the number 1023.0 gives ``"1023"``), date columns give ``datetime.date`` from real dates,
Excel serial numbers and the usual spellings (``2024.3.5``, ``2024年3月5日`` …).
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import html
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError, iterparse

from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.xml.constants import SHARED_STRINGS

from desktop_app.errors import Finding, UserError
from desktop_app.fields import Field
from desktop_app.textnorm import clean_text, parse_date

MB = 1024 * 1024
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EXCEL_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!"}
NOTE_PREFIXES = ("说明", "注:", "注意:", "备注:", "填表说明", "提示:", "填表人:", "填报人:", "制表人:", "审核人:")
_BRACKETS = re.compile(r"[(\[【〔][^)\]】〕]*[)\]】〕]")
_HEADING_JUNK = re.compile(r"[\s*※★☆:#]")
_SERIAL_TEXT = re.compile(r"^\d{5}(\.\d+)?$")
_UNSEEN = object()


class ExcelFileError(UserError):
    """The file as a whole cannot be imported; the message names the file and what to do."""

    title = "无法读取 Excel 文件"


# The columns an importer wants are fields (desktop_app/fields.py): ``key`` for the code, ``label``
# and ``aliases`` as people write them, ``required``, and ``kind`` ("text" → str | None; "date" →
# datetime.date | None).
Column = Field


@dataclass(frozen=True)
class Limits:
    max_rows: int = 50_000  # data rows below the header
    max_file_bytes: int = 50 * MB
    max_uncompressed: int = 200 * MB  # sum of the sizes declared in the zip directory
    max_ratio: int = 100  # uncompressed ÷ compressed, for members larger than ratio_floor
    ratio_floor: int = 10 * MB
    max_members: int = 5_000
    max_cell_chars: int = 2_000
    header_scan_rows: int = 20


@dataclass(frozen=True)
class TableRow:
    row: int  # 1-based spreadsheet row number
    values: dict[str, Any]  # every key of the spec; None when empty or the column is absent
    section: str | None = None  # text of the section row above, if any


@dataclass
class Table:
    path: Path
    sha256: str
    sheet: str
    header_row: int
    spec: tuple[Column, ...]
    columns: dict[str, str]  # key -> column letter, for the fields found in the file
    headings: dict[str, str]  # key -> the heading as written in the file
    ignored: list[tuple[str, str]] = field(default_factory=list)  # (letter, heading) not recognised
    rows: list[TableRow] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row, why) notes and sections
    findings: list[Finding] = field(default_factory=list)  # bad cells (errors) and warnings

    @property
    def file_name(self) -> str:
        return self.path.name

    def label(self, key: str) -> str:
        return next(c.label for c in self.spec if c.key == key)

    def finding(self, row: int, key: str, message: str, severity: str = "error") -> Finding:
        """A finding placed at ``row`` in the column of ``key`` (no column when it is absent)."""
        return Finding(message, field=self.label(key), severity=severity, row=row, column=self.columns.get(key))


def heading_key(value: Any) -> str:
    """The comparable form of a heading: NFKC, no spaces/newlines/marks/bracketed notes, lower case."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    text = _BRACKETS.sub("", text)
    return _HEADING_JUNK.sub("", text).lower()


def read_table(
    path: Path | str,
    columns: Sequence[Column],
    *,
    sheet: str | Sequence[str] = (),
    limits: Limits = Limits(),
    section_test: Callable[[str], bool] | None = None,
) -> Table:
    """Read the table described by ``columns`` from ``path`` (see the module docstring).

    Raises :class:`ExcelFileError` when the file cannot be imported at all (not an .xlsx, no
    header, a required column missing, too many rows …); problems in single cells are returned
    in :attr:`Table.findings`.
    """
    path = Path(path)
    spec = tuple(columns)
    preferred = (sheet,) if isinstance(sheet, str) else tuple(sheet)
    data = _read_bytes(path, limits)
    _check_container(path.name, data, limits)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of exception for a damaged package
        raise ExcelFileError(
            f"无法打开“{path.name}”：文件已损坏或不是标准的 Excel 工作簿（{type(exc).__name__}）。"
            "请用 Excel 打开它，“另存为” Excel 工作簿 (.xlsx) 后再导入。"
        ) from exc
    try:
        return _Reader(path, data, spec, preferred, limits, section_test).read(wb)
    except (zipfile.BadZipFile, ParseError, zlib.error, EOFError, KeyError) as exc:
        raise ExcelFileError(
            f"读取“{path.name}”时发现文件内容已损坏（{type(exc).__name__}）。"
            "请用 Excel 打开它，“另存为”一份新的 .xlsx 后再导入。"
        ) from exc
    finally:
        wb.close()


# ----------------------------------------------------------------------------- the container


def _read_bytes(path: Path, limits: Limits) -> bytes:
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise ExcelFileError(f"“{path}”是文件夹，请选择其中的 Excel 文件。")
        if size == 0:
            raise ExcelFileError(f"文件“{path.name}”是空的（0 字节），可能没有保存完整。请重新保存后再导入。")
        if size > limits.max_file_bytes:
            raise ExcelFileError(
                f"文件“{path.name}”有 {size / MB:.0f} MB，超过了导入上限 {limits.max_file_bytes / MB:.0f} MB。"
                "请删除无关的工作表、图片后再导入，或分成几个文件。"
            )
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise ExcelFileError(f"找不到文件“{path}”。请确认文件仍在原处，或重新选择。") from exc
    except PermissionError as exc:
        raise ExcelFileError(
            f"无法读取“{path.name}”：文件正被其他程序占用，或没有读取权限。请在 Excel/WPS 中关闭这个文件后重试。"
        ) from exc
    except OSError as exc:
        raise ExcelFileError(f"读取“{path}”时出错（{exc.strerror or exc}）。请检查文件所在的磁盘或网络位置后重试。") from exc


def _encrypted(name: str) -> ExcelFileError:
    return ExcelFileError(
        f"“{name}”设置了打开密码（文件已加密），程序无法读取。请在 Excel 中打开它，"
        "在“文件→信息→保护工作簿→用密码进行加密”中清空密码并保存，再导入。"
    )


def _check_container(name: str, data: bytes, limits: Limits) -> None:
    if data.startswith(OLE2_SIGNATURE):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise _encrypted(name)
        raise ExcelFileError(
            f"“{name}”：这是旧版 Excel 97-2003 (.xls) 文件，请在 Excel 中“另存为” .xlsx 后再导入"
        )
    if not data.startswith(b"PK"):
        raise ExcelFileError(_not_a_zip(name, data))
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
        raise ExcelFileError(
            f"“{name}”已损坏（文件结构不完整，可能没有下载或复制完整）。请重新获取文件，或用 Excel 打开后另存为 .xlsx。"
        ) from exc
    declared = sum(i.file_size for i in infos)
    absurd = any(
        i.file_size > limits.ratio_floor and i.file_size > limits.max_ratio * max(i.compress_size, 1) for i in infos
    )
    if len(infos) > limits.max_members or declared > limits.max_uncompressed or absurd:
        raise ExcelFileError(
            f"“{name}”解压后的内容异常庞大（约 {declared / MB:,.0f} MB，{len(infos)} 个部件），"
            "不像正常的表格文件（可能已损坏或是恶意构造的文件），已拒绝读取。"
            "如确为正常文件，请删除多余的内容或分成几个文件后再导入。"
        )
    if any(i.flag_bits & 0x1 for i in infos):
        raise _encrypted(name)
    names = {i.filename for i in infos}
    if not any(n.startswith("xl/") for n in names):
        if any(n.startswith("word/") for n in names):
            kind = "Word 文档"
        elif any(n.startswith("ppt/") for n in names):
            kind = "PowerPoint 演示文稿"
        elif "mimetype" in names or "content.xml" in names:
            kind = "OpenDocument（WPS/LibreOffice .ods 等）文件"
        else:
            kind = "普通压缩包"
        raise ExcelFileError(f"“{name}”不是 Excel 工作簿，而是{kind}。请用 Excel 打开并“另存为” .xlsx，或选择正确的文件。")


def _decoded_text(head: bytes) -> str | None:
    """The start of a text file, or None when the bytes do not look like text."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head[: len(head) // 2 * 2].decode("utf-16", errors="replace")
    if b"\x00" in head:
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        for cut in range(4):  # the sample may end inside a multi-byte character
            try:
                text = head[: len(head) - cut].decode(encoding)
            except UnicodeDecodeError:
                continue
            controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n")
            return text if controls <= len(text) // 100 else None
    return None


def _not_a_zip(name: str, data: bytes) -> str:
    head = data[:4096]
    if head.startswith(b"%PDF"):
        return f"“{name}”是 PDF 文件，不是 Excel 工作簿。请选择 .xlsx 格式的表格文件。"
    text = _decoded_text(head)
    if text is not None:
        start = text.lstrip().lower()
        if start.startswith("<") and ("<html" in start or "<table" in start or "<?xml" in start):
            return (f"“{name}”其实是网页（HTML/XML）格式的表格，只是扩展名写成了 Excel。"
                    "请用 Excel 打开它，再“另存为” Excel 工作簿 (.xlsx) 后导入。")
        return (f"“{name}”其实是文本或 CSV 文件，只是扩展名改成了 Excel。"
                "请用 Excel 打开它，再“另存为” Excel 工作簿 (.xlsx) 后导入。")
    return (f"“{name}”不是 Excel 工作簿（.xlsx），可能已损坏或根本不是表格文件。"
            "请用 Excel 打开确认，“另存为” .xlsx 后再导入。")


# ----------------------------------------------------------------------------- the sheet


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _at(row: Sequence, column: int) -> Any:
    return row[column - 1] if column <= len(row) else None


@dataclass
class _Header:
    row: int = 0
    found: dict[str, tuple[int, str]] = field(default_factory=dict)  # key -> (column, heading)
    duplicates: list[tuple[str, int]] = field(default_factory=list)  # (key, column) also matched
    cells: list[tuple[int, str]] = field(default_factory=list)  # every non-empty heading

    @property
    def score(self) -> int:
        return len(self.found)


class _Reader:
    def __init__(self, path, data, spec, preferred, limits, section_test):
        self.path, self.data, self.spec, self.preferred = path, data, spec, preferred
        self.limits, self.section_test = limits, section_test
        self._cleaned: dict[str, dict[str, Any]] = {"text": {}, "date": {}}
        self.index: dict[str, str] = {}
        for col in spec:
            for name in (col.label, *col.aliases):
                other = self.index.setdefault(heading_key(name), col.key)
                if other != col.key:
                    raise ValueError(f"heading {name!r} is given to both {other} and {col.key}")

    # -- header
    def _header(self, rows: list[tuple]) -> _Header:
        best = _Header()
        for r, row in enumerate(rows, start=1):
            h = _Header(row=r)
            above = rows[r - 2] if r > 1 else ()
            for c in range(1, max(len(row), len(above)) + 1):
                value = _at(row, c)
                key = self.index.get(heading_key(value))
                if _blank(value) and above:
                    value = _at(above, c)
                    key = self.index.get(heading_key(value))
                    if key is None:
                        continue
                if _blank(value):
                    continue
                text = clean_text(value)
                h.cells.append((c, text))
                if key is None:
                    continue
                if key in h.found:
                    h.duplicates.append((key, c))
                else:
                    h.found[key] = (c, text)
            if h.score > best.score:
                best = h
        return best

    def read(self, wb) -> Table:
        name, limits = self.path.name, self.limits
        candidates = []
        anything = False
        for index, ws in enumerate(wb.worksheets):
            ws.reset_dimensions()  # some programs write a wrong <dimension>; read what is there
            head = [tuple(r) for r in ws.iter_rows(min_row=1, max_row=limits.header_scan_rows, values_only=True)]
            anything = anything or any(not _blank(v) for r in head for v in r)
            header = self._header(head)
            candidates.append(((header.score, ws.title in self.preferred, -index), ws, header))
        required = [c for c in self.spec if c.required]
        if not anything:
            raise ExcelFileError(
                f"“{name}”是空的：所有工作表的前 {limits.header_scan_rows} 行都没有内容。请填写后再导入（可先下载导入模板）。"
            )
        _, ws, header = max(candidates, key=lambda item: item[0])
        if header.score == 0:
            wanted = "、".join(f"“{c.label}”" for c in (required or self.spec))
            raise ExcelFileError(
                f"在“{name}”中没有找到表头：各工作表的前 {limits.header_scan_rows} 行里都没有{wanted}等列标题。"
                "请把列标题写在数据上方的一行里（可参照导入模板）后再导入。"
            )
        missing = [c for c in required if c.key not in header.found]
        if missing:
            found = "、".join(f"{get_column_letter(c)} 列“{t}”" for c, t in header.cells[:30]) or "（无）"
            wants = "；".join(
                f"“{c.label}”" + (f"（也可写作{'、'.join(c.aliases[:4])}）" if c.aliases else "") for c in missing
            )
            raise ExcelFileError(
                f"“{name}”工作表“{ws.title}”第 {header.row} 行的表头缺少必填列：{wants}。"
                f"找到的列标题有：{found}。请把对应的列标题改成上面的名称后再导入。"
            )
        table = Table(
            path=self.path, sha256=hashlib.sha256(self.data).hexdigest(), sheet=ws.title, header_row=header.row,
            spec=self.spec,
            columns={k: get_column_letter(c) for k, (c, _) in header.found.items()},
            headings={k: t for k, (_, t) in header.found.items()},
        )
        matched = {c for c, _ in header.found.values()} | {c for _, c in header.duplicates}
        table.ignored = [(get_column_letter(c), t) for c, t in header.cells if c not in matched]
        for key, c in header.duplicates:
            first = table.columns[key]
            table.findings.append(Finding(
                f"第 {header.row} 行有两列都表示“{table.label(key)}”（{first} 列和 {get_column_letter(c)} 列），"
                f"只读取 {first} 列；请删除或改名多余的一列。",
                field=table.label(key), severity="warning", row=header.row, column=get_column_letter(c)))
        for (score, _, _), other, h in candidates:
            if other is not ws and score and all(c.key in h.found for c in required):
                table.findings.append(Finding(
                    f"工作表“{other.title}”也有同样的表头，但本次只读取工作表“{ws.title}”。"
                    "如需导入，请把数据合并到一张工作表，或分别导入。", severity="warning"))
        where = {k: c for k, (c, _) in header.found.items()}
        fast = _SheetXml.parse(self.data, ws, header.row, set(where.values()), self.limits)
        if fast is None:  # an unusual or very large sheet: openpyxl's cells and a streaming scan
            merges, uncached = self._scan(ws, header.row)
            source = _openpyxl_rows(ws, header.row)
        else:
            if fast.data_rows > self.limits.max_rows:
                raise self._too_many(ws.title)
            merges, uncached, source = fast.merges, fast.uncached, fast.rows
        self._rows(ws, table, where, merges, uncached, source)
        return table

    # -- one streaming pass over the sheet XML: merges, formulas without values, row count
    def _scan(self, ws, header_row: int) -> tuple[list[tuple[int, int, int, int]], set[tuple[int, int]]]:
        member = getattr(ws, "_worksheet_path", None)
        merges: list[tuple[int, int, int, int]] = []
        uncached: set[tuple[int, int]] = set()
        if not member:  # openpyxl internals changed: read without merge information
            return merges, uncached
        count, row_no, row_has_value = 0, 0, False
        with zipfile.ZipFile(io.BytesIO(self.data)).open(member.lstrip("/")) as src:
            for _, el in iterparse(src):
                tag = el.tag.rsplit("}", 1)[-1]
                if tag == "c":
                    v = f = None
                    for child in el:
                        local = child.tag.rsplit("}", 1)[-1]
                        if local == "f":
                            f = child
                        elif local in ("v", "is"):
                            v = child
                    has_value = v is not None and (v.text or len(v))
                    row_has_value = row_has_value or bool(has_value)
                    if f is not None and not has_value and el.get("r"):
                        col, row = range_boundaries(el.get("r"))[:2]
                        uncached.add((row, col))
                        row_has_value = True
                    el.clear()
                elif tag == "row":
                    row_no = int(el.get("r") or row_no + 1)
                    if row_has_value and row_no > header_row:
                        count += 1
                        if count > self.limits.max_rows:
                            raise self._too_many(ws.title)
                    row_has_value = False
                    el.clear()
                elif tag == "mergeCell" and el.get("ref"):
                    merges.append(range_boundaries(el.get("ref")))
        return merges, uncached

    def _too_many(self, sheet: str) -> ExcelFileError:
        n = self.limits.max_rows
        return ExcelFileError(
            f"“{self.path.name}”工作表“{sheet}”的数据超过 {n} 行，超出一次导入的上限。"
            f"请分成几个文件分别导入（每个不超过 {n} 行）。"
        )

    # -- data rows
    def _rows(self, ws, table: Table, where: dict[str, int], merges, uncached, source) -> None:
        """``source`` yields ``(row, cells, filled)``: the row's values by column (at least those of
        ``where``), and its non-blank cells — None when there are several (a data row)."""
        header_row = table.header_row
        down: dict[int, list[tuple[int, int]]] = {}  # anchor row -> [(column, last row)]
        across: dict[tuple[int, int], int] = {}  # (row, column) of a merge anchor -> width
        for c1, r1, c2, r2 in merges:
            if r2 > r1 and r1 > header_row:
                down.setdefault(r1, []).append((c1, r2))
            if c2 > c1:
                across[(r1, c1)] = c2 - c1 + 1
        carry: dict[int, tuple[Any, int]] = {}
        section = None
        in_notes = False
        mapped = set(where.values())
        for r, cells, filled in source:
            for c, last in down.get(r, ()):
                carry[c] = (cells.get(c), last)
            if carry:
                carry = {c: v for c, v in carry.items() if v[1] >= r}
            if filled is not None and len(filled) == 1 and isinstance(filled[0][1], str):
                c, text = filled[0][0], clean_text(filled[0][1])
                if in_notes or text.replace("：", ":").startswith(NOTE_PREFIXES):  # 注：as 注:
                    in_notes = True
                    table.skipped.append((r, f"说明行：{text[:30]}"))
                    continue
                if across.get((r, c), 1) > 1 or (self.section_test and self.section_test(text)):
                    section = text
                    table.skipped.append((r, f"分组行：{text[:30]}"))
                    continue
            elif filled is None or filled:
                in_notes = False
            values = {}
            for key, c in where.items():
                value = cells.get(c)
                values[key] = carry[c][0] if value is None and c in carry else value
            if all(_blank(v) for v in values.values()) and not any((r, c) in uncached for c in mapped):
                continue
            if len(table.rows) >= self.limits.max_rows:
                raise self._too_many(ws.title)
            out = {}
            for col in self.spec:
                c = where.get(col.key)
                if c is None:
                    out[col.key] = None
                elif (r, c) in uncached:
                    out[col.key] = None
                    table.findings.append(table.finding(
                        r, col.key, "这里是公式，但文件中没有保存它的计算结果。请在 Excel 中打开并保存一次"
                        "（或把该列复制后“选择性粘贴→数值”），再导入。"))
                else:
                    out[col.key] = self._value(table, col, r, values[col.key])
            table.rows.append(TableRow(r, out, section))

    def _value(self, table: Table, col: Column, r: int, value: Any) -> Any:
        if type(value) is str:  # a column repeats its text (names, codes): each text is checked once
            known = self._cleaned[col.kind].get(value, _UNSEEN)
            if known is not _UNSEEN:
                return known
            before = len(table.findings)
            result = self._checked_value(table, col, r, value)
            if len(table.findings) == before:  # only text that passed without a finding
                self._cleaned[col.kind][value] = result
            return result
        return self._checked_value(table, col, r, value)

    def _checked_value(self, table: Table, col: Column, r: int, value: Any) -> Any:
        def bad(message: str) -> None:
            table.findings.append(table.finding(r, col.key, message))

        if _blank(value):
            return None
        if isinstance(value, str):
            if value.strip() in EXCEL_ERRORS:
                bad(f"单元格是 Excel 错误值 {value.strip()}（公式出错），请改正公式或直接填写内容。")
                return None
            if len(value) > self.limits.max_cell_chars:
                bad(f"内容过长（{len(value)} 字），最多 {self.limits.max_cell_chars} 字，请精简后再导入。")
                value = value[: self.limits.max_cell_chars]
        if col.kind == "date":
            if isinstance(value, str) and _SERIAL_TEXT.match(value.strip()):
                value = float(value)
            try:
                if isinstance(value, (dt.time, dt.timedelta)):
                    raise ValueError("a time, not a date")
                return parse_date(value)
            except (ValueError, TypeError, OverflowError):
                bad(f"“{clean_text(value)[:40]}”不是可识别的日期，请写成 2024-03-05 或 2024年3月5日。")
                return None
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, float) and abs(value) >= 1e15:
            bad("数字超过 15 位，Excel 已把它存成近似值，末尾几位已经丢失。"
                "请把该列设为“文本”格式后重新输入完整的号码。")
        if isinstance(value, dt.datetime) and value.time() == dt.time(0):
            value = value.date()
        if isinstance(value, dt.date):
            return value.isoformat()
        return clean_text(value) or None


# ----------------------------------------------------------------------------- the data rows, fast
# openpyxl builds an object for every cell it reads (about 10 µs each): a 30,000-row HIS export of
# 13 columns took 5.6 s (inline strings: 12 s), and the merge scan read the XML a second time. The
# data rows are therefore read straight from the sheet XML with regular expressions, in one pass
# that also finds the merges and the formulas without a cached value: only the columns the
# importer wants are decoded, except in rows of three or fewer values, which are decoded whole
# (section and note rows are recognised there). The values are openpyxl's own (shared strings,
# numbers, booleans, dates by the cell's number format, errors as text). Sheets this does not
# recognise — cells or rows without their reference, or a sheet over 64 MB of XML — are read
# through openpyxl as before.

FAST_XML_LIMIT = 64 * MB


def _openpyxl_rows(ws, header_row: int):
    for r, raw in enumerate(ws.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1):
        yield r, dict(enumerate(raw, start=1)), [(c, v) for c, v in enumerate(raw, start=1) if not _blank(v)]


@functools.lru_cache(maxsize=None)
def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _xml_text(text: str) -> str:
    return html.unescape(text) if "&" in text else text


@dataclass
class _SheetXml:
    merges: list[tuple[int, int, int, int]]
    uncached: set[tuple[int, int]]
    rows: list[tuple[int, dict[int, Any], list[tuple[int, Any]] | None]]
    data_rows: int  # rows below the header with a value

    @classmethod
    def parse(cls, data: bytes, ws, header_row: int, wanted: set[int], limits: Limits) -> _SheetXml | None:
        member = (getattr(ws, "_worksheet_path", None) or "").lstrip("/")
        wb = ws.parent
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
            if not member or zf.getinfo(member).file_size > FAST_XML_LIMIT:
                return None
            xml = zf.read(member).decode("utf-8")
            return _SheetParser(xml, ws._shared_strings, wb._date_formats, wb._timedelta_formats, wb.epoch,
                                header_row, wanted).parse()
        except (KeyError, AttributeError, ValueError, IndexError, UnicodeDecodeError):
            return None  # not what this expects: openpyxl reads it


class _SheetParser:
    def __init__(self, xml, shared, date_styles, timedelta_styles, epoch, header_row, wanted):
        self.xml, self.shared, self.epoch, self.header_row = xml, shared, epoch, header_row
        self.date_styles, self.timedelta_styles = date_styles, timedelta_styles
        self.letters = "|".join(sorted((get_column_letter(c) for c in wanted), key=len, reverse=True)) or "@"

    def parse(self) -> _SheetXml | None:
        xml = self.xml
        m = re.search(r"<(\w+:)?sheetData\b[^>]*?(/?)>", xml)
        if m is None:
            return None
        px = m.group(1) or ""
        p = re.escape(px)
        if m.group(2):
            body, tail = "", xml[m.end():]
        else:
            end = xml.index(f"</{px}sheetData>", m.end())
            body, tail = xml[m.start():end], xml[end:]
        # every row and cell must carry its reference, the reference first (as Excel, WPS and
        # openpyxl write them): otherwise openpyxl counts them
        if (body.count(f"<{px}row ") + body.count(f"<{px}row>") != body.count(f"<{px}row r=\"")
                or body.count(f"<{px}c ") + body.count(f"<{px}c>") != body.count(f"<{px}c r=\"")):
            return None
        self.v_open, self.is_open, self.f_open = f"<{px}v>", f"<{px}is>", f"<{px}f"
        self.t_open, self.t_close, self.r_open = f"<{px}t", f"</{px}t>", f"<{px}r>"
        self.cell = re.compile(rf'<{p}c r="([A-Z]+)(\d+)"([^>]*?)(?:/>|>(.*?)</{p}c>)', re.S)
        self.wanted = re.compile(rf'<{p}c r="({self.letters})(\d+)"([^>]*?)(?:/>|>(.*?)</{p}c>)', re.S)
        self.value = re.compile(rf"<{p}v>(.*?)</{p}v>", re.S)
        self.texts = re.compile(rf"<{p}t(?:\s[^>]*)?>(.*?)</{p}t>", re.S)
        self.phonetic = re.compile(rf"<{p}rPh\b.*?</{p}rPh>", re.S)
        self.attr_t = re.compile(r'\bt="(\w+)"')
        self.attr_s = re.compile(r'\bs="(\d+)"')
        rows, uncached, count = [], set(), 0
        row_re = re.compile(rf'<{p}row r="(\d+)"[^>]*?(?:/>|>(.*?)</{p}row>)', re.S)
        for rm in row_re.finditer(body):
            r, inner = int(rm.group(1)), rm.group(2)
            if r <= self.header_row or not inner:
                continue
            filled_count = inner.count(self.v_open) + inner.count(self.is_open)
            if self.f_open in inner:
                for letters, _, _, content in self.cell.findall(inner):
                    if self.f_open in content and self.v_open not in content:
                        uncached.add((r, _column_number(letters)))
            if filled_count or any(k[0] == r for k in uncached):
                count += 1
            if not filled_count:
                continue
            decode = self._decode
            if filled_count <= 3:
                cells = {_column_number(c): decode(a, v) for c, _, a, v in self.cell.findall(inner)}
                filled = [(c, v) for c, v in sorted(cells.items()) if not _blank(v)]
            else:
                cells = {_column_number(c): decode(a, v) for c, _, a, v in self.wanted.findall(inner)}
                filled = None
            rows.append((r, cells, filled))
        merges = [range_boundaries(ref) for ref in re.findall(rf'<{p}mergeCell\b[^>]*?\bref="([^"]+)"', tail)]
        return _SheetXml(merges, uncached, rows, count)

    def _decode(self, attrs: str, inner: str) -> Any:
        """A cell's value from its attributes and content, as openpyxl gives it."""
        if not inner:
            return None
        if 't="' in attrs:
            t = self.attr_t.search(attrs)
            kind = t.group(1) if t else "n"
        else:
            kind = "n"
        if kind == "s":  # most cells of a table: Excel keeps text as shared strings
            start = inner.find(self.v_open)
            if start < 0:
                return None
            end = inner.find("<", start + len(self.v_open))
            return self.shared[int(inner[start + len(self.v_open):end])]
        if kind == "inlineStr":
            found = inner.find(self.is_open)
            if found < 0:
                return None
            body = inner[found + len(self.is_open):]
            if body.count(self.t_close) == 1 and self.r_open not in body:  # plain text: one <t>, no runs
                start = body.find(">", body.find(self.t_open) + len(self.t_open) - 1) + 1
                return _xml_text(body[start:body.find(self.t_close)])
            return _xml_text("".join(self.texts.findall(self.phonetic.sub("", body))))
        vm = self.value.search(inner)
        if vm is None:
            return None
        text = vm.group(1)
        if not text:
            return None
        if kind == "n":
            number = float(text) if ("." in text or "E" in text or "e" in text) else int(text)
            sm = self.attr_s.search(attrs) if 's="' in attrs else None
            style = int(sm.group(1)) if sm else 0
            if style in self.date_styles:
                try:
                    return from_excel(number, self.epoch, timedelta=style in self.timedelta_styles)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            return from_ISO8601(text)
        return _xml_text(text)  # str (a formula's text), e (an error such as #N/A)


class _ExcelReader(ExcelReader):
    """openpyxl's ``load_workbook(read_only=True, data_only=True)``, with the shared-string table
    read by regular expressions (openpyxl builds an object per string: 36,000 strings took 0.4 s);
    openpyxl reads it itself when the table is not what the expressions expect."""

    def read_strings(self):
        ct = self.package.find(SHARED_STRINGS)
        strings = _shared_strings(self.archive.read(ct.PartName[1:])) if ct is not None else []
        if strings is None:
            super().read_strings()
        else:
            self.shared_strings = strings


def load_workbook(source, *, read_only: bool = False, data_only: bool = False):
    """openpyxl's ``load_workbook``, through :class:`_ExcelReader`."""
    reader = _ExcelReader(source, read_only=read_only, data_only=data_only)
    reader.read()
    return reader.wb


def _shared_strings(raw: bytes) -> list[str] | None:
    """Each <si>'s text as openpyxl gives it: its <t> and the <t> of its runs, not the phonetic
    <rPh> runs, without the x005F_ escape."""
    try:
        xml = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    m = re.search(r"<(\w+:)?sst\b", xml)
    if m is None:
        return None
    px = m.group(1) or ""
    p = re.escape(px)
    items = re.findall(rf"<{p}si>(.*?)</{p}si>|<{p}si/>", xml, re.S)
    if len(items) != xml.count(f"<{px}si>") + xml.count(f"<{px}si/>") or f"<{px}si " in xml:
        return None
    texts = re.compile(rf"<{p}t(?:\s[^>]*)?>(.*?)</{p}t>", re.S)
    phonetic = re.compile(rf"<{p}rPh\b.*?</{p}rPh>", re.S)
    out = []
    for item in items:
        if f"<{px}rPh" in item:
            item = phonetic.sub("", item)
        text = "".join(texts.findall(item))
        out.append(_xml_text(text).replace("x005F_", ""))
    return out
