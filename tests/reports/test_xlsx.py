"""The XLSX kit, read back with openpyxl as Excel would show and print it."""
import datetime as dt

import pytest
from openpyxl import load_workbook

from desktop_app import errors
from desktop_app.reports.xlsx import Column, ReportInfo, XlsxReport

INFO = ReportInfo(
    title="培训签到表", hospital="霍山县人民医院", period="统计期间：2026年1月—6月",
    filters=["科室：内科"], author="王管理", printed_at=dt.datetime(2026, 11, 23, 9, 30),
    internal=True, verification="校验码：3F9A",
)
COLUMNS = [
    Column("序号", 5, "center"), Column("姓名", 8), Column("日期", 11, group="考核"),
    Column("成绩", 6, "right", group="考核", number_format="0.0"), Column("合格", 5, "center", group="考核"),
    Column("签到时间", 16),
]


def rows(n):
    return [[i, f"学员{i}", dt.date(2026, 3, 5), 88.5, i % 2 == 0, dt.datetime(2026, 3, 5, 8, 30)]
            for i in range(1, n + 1)]


def build(path, n=30, progress=None, *, landscape=True):
    report = XlsxReport(path, INFO, landscape=landscape)
    report.table(COLUMNS, rows(n), sheet_title="签到表")
    return report.build(progress)


@pytest.fixture
def sheet(tmp_path):
    return load_workbook(build(tmp_path / "签到.xlsx"))["签到表"]


def test_title_info_rows_and_two_level_header(sheet):
    assert sheet["A1"].value == "培训签到表" and sheet["A1"].font.b and sheet["A1"].font.sz == 16
    assert "A1:F1" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["A2"].value == "霍山县人民医院　　统计期间：2026年1月—6月"
    assert sheet["A3"].value == "筛选条件：科室：内科"
    assert sheet["A4"].value == "制表：王管理　　打印时间：2026-11-23 09:30"
    assert [c.value for c in sheet[5]] == ["序号", "姓名", "考核", None, None, "签到时间"]
    assert [c.value for c in sheet[6]] == [None, None, "日期", "成绩", "合格", None]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"C5:E5", "A5:A6", "B5:B6", "F5:F6"} <= merged


def test_data_types_as_a_spreadsheet_user_expects(sheet):
    first = sheet[7]
    assert [c.value for c in first[:2]] == [1, "学员1"]
    assert first[2].is_date and first[2].value == dt.datetime(2026, 3, 5) and first[2].number_format == "yyyy-mm-dd"
    assert first[3].value == 88.5 and first[3].number_format == "0.0"
    assert first[4].value == "否" and sheet["E8"].value == "是"
    assert first[5].is_date and first[5].number_format == "yyyy-mm-dd hh:mm"
    assert sheet.max_row == 6 + 30
    assert sheet["B7"].alignment.wrap_text


def test_print_setup_frozen_header_and_filter(sheet):
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == "$5:$6"
    assert sheet.freeze_panes == "A7"
    assert sheet.auto_filter.ref == "A6:F36"
    assert sheet.oddFooter.center.text == "第 &P 页 共 &N 页"
    # the page number and the mark get their own strip, clear of the table (else they are clipped)
    assert sheet.page_margins.bottom - sheet.page_margins.footer >= 0.3
    assert sheet.page_margins.top - sheet.page_margins.header >= 0.3
    assert sheet.oddFooter.left.text == "校验码：3F9A"
    assert sheet.oddHeader.right.text == "内部资料"
    assert sheet.column_dimensions["F"].width > sheet.column_dimensions["A"].width


def test_portrait_report(tmp_path):
    ws = load_workbook(build(tmp_path / "p.xlsx", landscape=False)).active
    assert ws.page_setup.orientation == "portrait"


@pytest.mark.parametrize("at_the_end", [False, True])
def test_cancelling_leaves_no_file_and_keeps_the_old_one(tmp_path, at_the_end):
    path = tmp_path / "签到.xlsx"
    path.write_bytes(b"old")

    def progress(done, total):
        if done == total if at_the_end else done >= 10:
            raise errors.Cancelled()

    with pytest.raises(errors.Cancelled):
        build(path, n=200, progress=progress)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["签到.xlsx"]


def test_progress_reaches_the_end(tmp_path):
    calls = []
    build(tmp_path / "x.xlsx", n=300, progress=lambda d, t: calls.append((d, t)))
    assert calls[0] == (0, 301) and calls[-1] == (301, 301)
