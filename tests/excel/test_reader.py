"""The tolerant reader on the files people really send: messy layouts and files it must refuse."""
import datetime as dt
import hashlib
import os

import pytest

from desktop_app.excel import reader
from desktop_app.excel.reader import Column, ExcelFileError, Limits, read_table
from tests.excel.files import claim_huge_size, write_xlsx, zip_bytes

SPEC = [
    Column("employee_no", "工号", ("职工号", "员工编号"), required=True),
    Column("name", "姓名", ("名字",), required=True),
    Column("department", "科室", ("所在科室", "部门")),
    Column("hire_date", "入职日期", ("入职时间", "参加工作时间"), kind="date"),
    Column("notes", "备注"),
]
MARCH_5 = dt.date(2024, 3, 5)


def test_header_found_by_text_below_a_merged_title(tmp_path):
    path = write_xlsx(tmp_path / "名册.xlsx", [
        ["霍山县人民医院职工花名册"],
        None,
        ["序号", "工号\n(必填)", "姓 名", "＊所在科室", "参加工作时间（年月日）"],
        [1, 1023.0, "张三", "内科", dt.datetime(2024, 3, 5)],
        [2, "Ｄ００２", " 李四 ", "外科", "2024.3.5"],
    ], merges=["A1:E1"])
    t = read_table(path, SPEC)
    assert (t.sheet, t.header_row) == ("Sheet1", 3)
    assert t.columns == {"employee_no": "B", "name": "C", "department": "D", "hire_date": "E"}
    assert t.ignored == [("A", "序号")]
    assert [(r.row, r.values["employee_no"], r.values["name"]) for r in t.rows] == [(4, "1023", "张三"), (5, "D002", "李四")]
    assert t.rows[0].values["notes"] is None  # column absent
    assert not t.findings


def test_dates_in_the_spellings_people_use(tmp_path):
    spellings = [dt.datetime(2024, 3, 5, 0, 0), "2024.3.5", "2024年3月5日", 45356, "45356", "2024/03/05", "２０２４－３－５"]
    path = write_xlsx(tmp_path / "d.xlsx", [["工号", "姓名", "入职日期"]] + [[f"D{i}", "张三", v] for i, v in enumerate(spellings)])
    t = read_table(path, SPEC)
    assert [r.values["hire_date"] for r in t.rows] == [MARCH_5] * len(spellings)
    assert not t.findings


def test_bad_date_is_reported_at_its_cell(tmp_path):
    path = write_xlsx(tmp_path / "d.xlsx", [["姓名", "工号", "入职日期"], ["张三", "D1", "2024-13-45"], ["李四", "D2", "去年"]])
    t = read_table(path, SPEC)
    assert [f.text() for f in t.findings] == [
        "第 2 行 C 列 “入职日期”：“2024-13-45”不是可识别的日期，请写成 2024-03-05 或 2024年3月5日。",
        "第 3 行 C 列 “入职日期”：“去年”不是可识别的日期，请写成 2024-03-05 或 2024年3月5日。",
    ]
    assert [r.values["hire_date"] for r in t.rows] == [None, None]


def test_blank_rows_and_note_rows_are_not_data(tmp_path):
    path = write_xlsx(tmp_path / "n.xlsx", [
        ["工号", "姓名", "科室"],
        ["D1", "张三", "内科"],
        None,
        [None, None, None, "这一行只有无关列"],
        ["D2", "李四", "外科"],
        ["说明：工号必须唯一"],
        ["1. 日期写成 2024-03-05"],
        None,
        ["注：本表由人事科提供"],
    ])
    t = read_table(path, SPEC)
    assert [r.row for r in t.rows] == [2, 5]
    assert [row for row, _ in t.skipped] == [6, 7, 9]
    assert not t.findings


def test_single_cell_row_without_note_prefix_is_still_data(tmp_path):
    # a person whose row has only the 工号 must be reported, not silently dropped
    path = write_xlsx(tmp_path / "n.xlsx", [["工号", "姓名"], ["D1", "张三"], ["D2"]])
    t = read_table(path, SPEC)
    assert [(r.row, r.values["name"]) for r in t.rows] == [(2, "张三"), (3, None)]


def test_merged_department_cell_belongs_to_every_row_it_spans(tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", [
        ["科室", "工号", "姓名", "备注"],
        ["内科", "D1", "张三", None],
        [None, "D2", "李四", None],
        [None, "D3", "王五", None],
        ["外科"],
        ["骨科", "D4", "赵六", None],
        [None, "D5", "钱七", None],
    ], merges=["A2:A4", "A5:D5"])
    t = read_table(path, SPEC)
    got = [(r.row, r.values["department"], r.section) for r in t.rows]
    assert got == [(2, "内科", None), (3, "内科", None), (4, "内科", None),
                   (6, "骨科", "外科"), (7, None, "外科")]
    assert [row for row, _ in t.skipped] == [5]


def test_two_row_header_with_vertically_merged_headings(tmp_path):
    path = write_xlsx(tmp_path / "h.xlsx", [
        ["工号", "姓名", "任职信息", None],
        [None, None, "所在科室", "入职时间"],
        ["D1", "张三", "内科", "2024-3-5"],
    ], merges=["A1:A2", "B1:B2", "C1:D1"])
    t = read_table(path, SPEC)
    assert t.header_row == 2
    assert t.columns == {"employee_no": "A", "name": "B", "department": "C", "hire_date": "D"}
    assert t.rows[0].values == {"employee_no": "D1", "name": "张三", "department": "内科", "hire_date": MARCH_5,
                                "notes": None}


def test_sheet_with_the_header_is_chosen_and_another_one_is_mentioned(tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", [["填表说明"], ["姓名写全名"]], sheet="说明", extra_sheets=[
        ("内科", [["工号", "姓名"], ["D1", "张三"]]),
        ("外科", [["工号", "姓名"], ["D2", "李四"]]),
    ])
    t = read_table(path, SPEC)
    assert t.sheet == "内科"
    assert [f.text() for f in t.findings] == [
        "工作表“外科”也有同样的表头，但本次只读取工作表“内科”。如需导入，请把数据合并到一张工作表，或分别导入。"]
    assert read_table(path, SPEC, sheet="外科").sheet == "外科"


def test_duplicate_heading_reads_the_first_and_warns(tmp_path):
    path = write_xlsx(tmp_path / "dup.xlsx", [["工号", "姓名", "科室", "部门"], ["D1", "张三", "内科", "外科"]])
    t = read_table(path, SPEC)
    assert t.rows[0].values["department"] == "内科"
    assert [(f.severity, f.column) for f in t.findings] == [("warning", "D")]
    assert "C 列和 D 列" in t.findings[0].message


def test_missing_required_column_names_it_and_lists_what_was_found(tmp_path):
    path = write_xlsx(tmp_path / "人员表.xlsx", [["单位人员表"], ["序号", "名字", "部门"], [1, "张三", "内科"]])
    with pytest.raises(ExcelFileError) as exc:
        read_table(path, SPEC)
    msg = exc.value.message
    assert "“人员表.xlsx”工作表“Sheet1”第 2 行的表头缺少必填列：“工号”（也可写作职工号、员工编号）" in msg
    assert "找到的列标题有：A 列“序号”、B 列“名字”、C 列“部门”" in msg


def test_a_sheet_without_any_known_heading(tmp_path):
    path = write_xlsx(tmp_path / "x.xlsx", [["甲", "乙"], [1, 2]])
    with pytest.raises(ExcelFileError, match="在“x.xlsx”中没有找到表头：.*“工号”、“姓名”等列标题"):
        read_table(path, SPEC)


def test_empty_workbook(tmp_path):
    path = write_xlsx(tmp_path / "空.xlsx", [])
    with pytest.raises(ExcelFileError, match="“空.xlsx”是空的"):
        read_table(path, SPEC)


def test_formula_without_cached_value_is_reported_by_cell(tmp_path):
    # openpyxl writes formulas without results, as a program that never calculated would
    path = write_xlsx(tmp_path / "f.xlsx", [["工号", "姓名", "科室"], ["D1", "张三", "=\"内\"&\"科\""]])
    t = read_table(path, SPEC)
    assert [f.location() for f in t.findings] == ["第 2 行 C 列"]
    assert "公式" in t.findings[0].message and "没有保存它的计算结果" in t.findings[0].message


def test_excel_error_value_huge_cell_and_lost_digits_are_findings(tmp_path):
    path = write_xlsx(tmp_path / "e.xlsx", [
        ["工号", "姓名", "科室", "备注"],
        ["D1", "张三", "#N/A", "很长" * 1500],
        [110340000012345678, "李四", "内科", None],
    ])
    t = read_table(path, SPEC)
    texts = [f.text() for f in t.findings]
    assert texts[0].startswith("第 2 行 C 列 “科室”：单元格是 Excel 错误值 #N/A")
    assert texts[1].startswith("第 2 行 D 列 “备注”：内容过长（3000 字），最多 2000 字")
    assert texts[2].startswith("第 3 行 A 列 “工号”：数字超过 15 位")
    assert len(t.rows[0].values["notes"]) == 2000


def test_the_users_file_is_never_changed(tmp_path):
    path = write_xlsx(tmp_path / "keep.xlsx", [["工号", "姓名"], ["D1", "=A2"]])
    before = (path.read_bytes(), os.stat(path).st_mtime_ns)
    t = read_table(path, SPEC)
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before
    assert t.sha256 == hashlib.sha256(before[0]).hexdigest()


def test_too_many_rows_is_refused_with_the_limit(tmp_path):
    rows = [["工号", "姓名"]] + [[f"D{i}", "张三"] for i in range(6)]
    path = write_xlsx(tmp_path / "大.xlsx", rows)
    with pytest.raises(ExcelFileError, match="“大.xlsx”工作表“Sheet1”的数据超过 5 行.*每个不超过 5 行"):
        read_table(path, SPEC, limits=Limits(max_rows=5))
    assert len(read_table(path, SPEC, limits=Limits(max_rows=6)).rows) == 6


# ----------------------------------------------------------------------------- files that are not .xlsx


def refused(tmp_path, name: str, data: bytes, **kw) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ExcelFileError) as exc:
        read_table(path, SPEC, **kw)
    return exc.value.message


def test_legacy_xls_file(tmp_path):
    data = reader.OLE2_SIGNATURE + b"\x00" * 504 + "Workbook".encode("utf-16-le") + b"\x00" * 1000
    assert refused(tmp_path, "人员.xls", data) == (
        "“人员.xls”：这是旧版 Excel 97-2003 (.xls) 文件，请在 Excel 中“另存为” .xlsx 后再导入")


def test_password_protected_file(tmp_path):
    data = reader.OLE2_SIGNATURE + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 1000
    assert "“加密.xlsx”设置了打开密码" in refused(tmp_path, "加密.xlsx", data)


@pytest.mark.parametrize("encoding", ["utf-8", "gbk", "utf-16"])
def test_csv_renamed_to_xlsx(tmp_path, encoding):
    data = "工号,姓名,科室\nD001,张三,内科\n".encode(encoding)
    assert "“人员.xlsx”其实是文本或 CSV 文件" in refused(tmp_path, "人员.xlsx", data)


def test_web_page_saved_as_excel(tmp_path):
    data = "<html><body><table><tr><td>工号</td></tr></table></body></html>".encode()
    assert "网页（HTML/XML）格式" in refused(tmp_path, "导出.xls", data)


def test_random_bytes(tmp_path):
    data = bytes(range(256)) * 8
    assert "“乱码.xlsx”不是 Excel 工作簿（.xlsx）" in refused(tmp_path, "乱码.xlsx", data)


def test_zip_that_is_not_a_workbook(tmp_path):
    docx = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    assert "“报告.xlsx”不是 Excel 工作簿，而是Word 文档" in refused(tmp_path, "报告.xlsx", docx)
    plain = zip_bytes({"readme.txt": b"hello"})
    assert "而是普通压缩包" in refused(tmp_path, "包.xlsx", plain)


def test_truncated_download(tmp_path):
    whole = write_xlsx(tmp_path / "ok.xlsx", [["工号", "姓名"], ["D1", "张三"]]).read_bytes()
    assert "已损坏" in refused(tmp_path, "半截.xlsx", whole[: len(whole) // 2])


def test_zip_bomb_is_refused_from_the_directory_before_openpyxl_opens_it(tmp_path, monkeypatch):
    ok = write_xlsx(tmp_path / "ok.xlsx", [["工号", "姓名"], ["D1", "张三"]]).read_bytes()
    bomb = claim_huge_size(ok, "xl/worksheets/sheet1.xml")
    monkeypatch.setattr(reader, "load_workbook", lambda *a, **k: pytest.fail("openpyxl must not see a zip bomb"))
    assert "“炸弹.xlsx”解压后的内容异常庞大（约 4,096 MB" in refused(tmp_path, "炸弹.xlsx", bomb)
    assert len(bomb) < 10_000


def test_absurdly_compressible_member_is_refused(tmp_path):
    bomb = zip_bytes({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b" " * (2 * 1024 * 1024)})
    msg = refused(tmp_path, "b.xlsx", bomb, limits=Limits(ratio_floor=1024 * 1024, max_ratio=100))
    assert "异常庞大" in msg


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(ExcelFileError, match="找不到文件"):
        read_table(tmp_path / "没有.xlsx", SPEC)
    assert "是空的（0 字节）" in refused(tmp_path, "零.xlsx", b"")


def test_oversize_sheet_is_refused_before_its_rows_are_read(tmp_path, monkeypatch):
    path = write_xlsx(tmp_path / "大.xlsx", [["工号", "姓名"]] + [[f"D{i}", "张三"] for i in range(30)])
    monkeypatch.setattr(reader._Reader, "_rows", lambda *a: pytest.fail("rows were read"))
    with pytest.raises(ExcelFileError, match="超过 10 行"):
        read_table(path, SPEC, limits=Limits(max_rows=10))


def test_wrong_sheet_size_written_by_another_program_is_ignored(tmp_path):
    import re
    import zipfile

    good = write_xlsx(tmp_path / "ok.xlsx", [["工号", "姓名", "科室"], ["D1", "张三", "内科"], ["D2", "李四", "外科"]])
    with zipfile.ZipFile(good) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    members["xl/worksheets/sheet1.xml"] = re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1"', sheet).encode()
    path = tmp_path / "他处导出.xlsx"
    path.write_bytes(zip_bytes(members))
    t = read_table(path, SPEC)
    assert [(r.values["employee_no"], r.values["department"]) for r in t.rows] == [("D1", "内科"), ("D2", "外科")]
