"""The reader's fast path (the sheet XML read with regular expressions, shared strings likewise)
gives exactly what openpyxl's cells give, on files written the ways Excel, WPS and openpyxl write
them — and hands unusual sheets to openpyxl."""
import datetime as dt
import re
import zipfile
from xml.sax.saxutils import escape, unescape

import openpyxl
import pytest

from desktop_app.excel import reader
from desktop_app.excel.reader import Column, read_table
from tests.excel.files import write_xlsx

SPEC = [
    Column("no", "工号", required=True),
    Column("name", "姓名", required=True),
    Column("department", "科室"),
    Column("day", "日期", kind="date"),
    Column("flag", "在岗"),
    Column("notes", "备注"),
]


def shared_strings(path, *, prefix: str = "") -> None:
    """Rewrite an openpyxl file (inline strings) as Excel writes it: text in a shared-string table
    (one of them rich text with a phonetic run); ``prefix`` puts every sheet element in a namespace
    prefix, as some generators do."""
    with zipfile.ZipFile(path) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    strings: list[str] = []

    def to_shared(m):
        strings.append(unescape(m.group(3)))
        return f'<c r="{m.group(1)}"{m.group(2) or ""} t="s"><v>{len(strings) - 1}</v></c>'

    sheet = members["xl/worksheets/sheet1.xml"].decode()
    sheet = re.sub(r'<c r="([A-Z]+\d+)"( s="\d+")? t="inlineStr"><is><t(?: xml:space="preserve")?>(.*?)</t></is></c>',
                   to_shared, sheet)
    items = [f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in strings]
    items = [i.replace("<t xml:space=\"preserve\">内科</t>", "<r><t>内</t></r><r><rPr><b/></rPr><t>科</t></r>"
                                                              "<rPh sb=\"0\" eb=\"1\"><t>ネイカ</t></rPh>") for i in items]
    if prefix:
        sheet = re.sub(r"<(/?)(?!\?)(\w+)", rf"<\1{prefix}:\2", sheet).replace(
            f"<{prefix}:worksheet xmlns=", f"<{prefix}:worksheet xmlns:{prefix}=")
    members["xl/worksheets/sheet1.xml"] = sheet.encode()
    members["xl/sharedStrings.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        f' count="{len(items)}" uniqueCount="{len(items)}">{"".join(items)}</sst>').encode()
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(b"</Types>", (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.sharedStrings+xml"/></Types>'))
    members["xl/_rels/workbook.xml.rels"] = members["xl/_rels/workbook.xml.rels"].replace(b"</Relationships>", (
        b'<Relationship Id="rIdSS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)


def messy(tmp_path, name="m.xlsx"):
    """Title, notes, a merged section row, a department merged down, dates as dates, serials and text,
    booleans, numbers, an error value, a formula without a result, a lone text cell, entities."""
    path = write_xlsx(tmp_path / name, [
        ["花名册"],
        ["工号", "姓名", "科室", "日期", "在岗", "备注"],
        ["外科"],
        [1023.0, "张三", "内科", dt.datetime(2024, 3, 5), True, "A & B <c>"],
        ["D2", "李四", None, 45356, False, 12.5],
        ["D3", "王五", "外科", "2024.3.5", "是", "#N/A"],
        ["D4", "赵六", "外科", "=TODAY()", None, None],
        ["D5"],
        ["说明：工号必须唯一"],
        ["1. 日期写成 2024-03-05"],
    ], merges=["A1:F1", "A3:F3", "C4:C5"])
    return path


def both(path, **kw):
    fast = read_table(path, SPEC, **kw)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(reader._SheetXml, "parse", classmethod(lambda *a: None))
        slow = read_table(path, SPEC, **kw)
    return fast, slow


def same(fast, slow):
    assert [(r.row, r.values, r.section) for r in fast.rows] == [(r.row, r.values, r.section) for r in slow.rows]
    assert fast.skipped == slow.skipped
    assert [f.text() for f in fast.findings] == [f.text() for f in slow.findings]


@pytest.mark.parametrize("layout", ["inline", "shared", "prefixed"])
def test_fast_path_reads_what_openpyxl_reads(tmp_path, layout):
    path = messy(tmp_path)
    if layout != "inline":
        shared_strings(path, prefix="x" if layout == "prefixed" else "")
    fast, slow = both(path, section_test=lambda text: text == "外科")
    same(fast, slow)
    got = {r.row: r.values for r in fast.rows}
    assert got[4] == {"no": "1023", "name": "张三", "department": "内科", "day": dt.date(2024, 3, 5), "flag": "是",
                      "notes": "A & B <c>"}
    assert got[5]["department"] == "内科" and got[5]["day"] == dt.date(2024, 3, 5) and got[5]["notes"] == "12.5"
    assert [r.section for r in fast.rows] == ["外科"] * 5
    assert [row for row, _ in fast.skipped] == [3, 9, 10]
    assert any("公式" in f.message and f.row == 7 for f in fast.findings)
    assert any("#N/A" in f.message and f.row == 6 for f in fast.findings)


def test_rich_text_and_phonetic_runs_in_shared_strings(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [["工号", "姓名", "科室"], ["D1", "张三", "内科"], ["D2", "李四", "外科"]])
    shared_strings(path)
    assert reader._shared_strings(zipfile.ZipFile(path).read("xl/sharedStrings.xml"))[5] == "内科"
    fast, slow = both(path)
    same(fast, slow)
    assert fast.rows[0].values["department"] == "内科"


def test_cells_without_references_go_through_openpyxl(tmp_path, monkeypatch):
    path = messy(tmp_path)
    with zipfile.ZipFile(path) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    members["xl/worksheets/sheet1.xml"] = re.sub(rb' r="[A-Z]+\d+"', b"", members["xl/worksheets/sheet1.xml"])
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    calls = []
    real = reader._SheetXml.parse.__func__
    monkeypatch.setattr(reader._SheetXml, "parse", classmethod(lambda cls, *a: calls.append(real(cls, *a)) or calls[-1]))
    t = read_table(path, SPEC)
    assert calls == [None]  # not recognised: openpyxl read it
    assert [r.values["name"] for r in t.rows][:2] == ["张三", "李四"]


def test_a_wide_table_decodes_only_the_wanted_columns(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["工号", *(f"其他{i}" for i in range(20)), "姓名"])
    for i in range(50):
        ws.append([f"D{i}", *range(20), f"张{i}"])
    wb.save(tmp_path / "w.xlsx")
    fast, slow = both(tmp_path / "w.xlsx")
    same(fast, slow)
    assert len(fast.rows) == 50 and fast.rows[-1].values["name"] == "张49"
