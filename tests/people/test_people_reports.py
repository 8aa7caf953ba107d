"""人员名册 / 科室名册 as printed and exported (PDFs read back with poppler-utils)."""
import datetime as dt
import re

import pytest
from openpyxl import load_workbook

from desktop_app import errors
from desktop_app.accounts.permissions import Role
from desktop_app.people import service as people
from desktop_app.people.service import StaffFilter
from desktop_app.people import reports
from tests.reports import pdftools

A4_LANDSCAPE = (841.89, 595.28)
A4_PORTRAIT = (595.28, 841.89)
SIGNATURE = ("填报人：", "联系电话：", "审核人：", "单位负责人（签字）：", "日期：", "单位（盖章）：")


@pytest.fixture
def quality(session_as):
    return session_as(Role.QUALITY)


def add_staff(system, hospital, count):
    for i in range(count):
        people.create_staff(system, {
            "employee_no": f"W{i:03d}", "name": f"外科{'甲乙丙丁戊己庚辛壬癸'[i % 10]}{'子丑寅卯辰巳午未申酉戌亥'[i // 10 % 12]}",
            "department_id": hospital.departments["外科"], "category": "护士", "title": "护师",
            "licence_no": f"20183400{i:04d}", "hire_date": "2019-09-01",
        })


def test_staff_list_pdf_is_landscape_grouped_by_department_and_complete(quality, hospital, tmp_path):
    path = reports.write_staff_list_pdf(reports.staff_list_snapshot(quality), tmp_path / "人员名册.pdf")
    assert pdftools.page_size(path) == pytest.approx(A4_LANDSCAPE, abs=0.5)
    [page] = pdftools.pages(path)
    for text in ("人员名册", "霍山县人民医院", "截至2026年11月23日", "筛选条件：在岗状态：仅在岗",
                 "制表：质控管理员用户", "打印时间：2026-11-23 09:30", "110340000012345", "2020-07-01"):
        assert text in page
    header = next(line for line in page.splitlines() if "序号" in line).split()
    assert header == ["序号", "工号", "姓名", "性别", "科室", "人员类别", "职称", "执业证书编号", "执业状态",
                      "入职日期", "在岗", "联系电话"]
    # departments in tree order (the ward right after its department), each with a sub-heading
    flat = pdftools.flat(path)
    order = ["内科（2人）", "张三", "曾志伟", "内科一病区（2人）", "王芳", "赵敏", "外科（1人）", "李四",
             "检验科（1人）", "孙立", "医务科（1人）", "周明"]
    positions = [flat.index(text) for text in order]
    assert positions == sorted(positions)
    zhao = next(line for line in page.splitlines() if "赵敏" in line)
    assert "实习" in zhao and "内科一病区" in zhao and "护士" in zhao
    assert "规培" in next(line for line in page.splitlines() if "曾志伟" in line)
    assert "共7人，其中本机构执业5人、规培1人、实习1人。" in flat
    for label in SIGNATURE:
        assert label in page


def test_filtered_staff_list_prints_the_filter_and_only_matching_people(quality, hospital, tmp_path):
    flt = StaffFilter(department_id=hospital.departments["内科"], registered_here=False)
    path = reports.write_staff_list_pdf(reports.staff_list_snapshot(quality, flt), tmp_path / "内科.pdf")
    flat = pdftools.flat(path)
    assert "筛选条件：科室：内科（含下属科室）；执业状态：非本机构执业（进修、规培、实习、外院会诊）；在岗状态：仅在岗" in flat
    assert "曾志伟" in flat and "赵敏" in flat  # the ward under 内科 is included
    for name in ("张三", "王芳", "李四", "孙立"):
        assert name not in flat
    assert "共2人" in flat


def test_empty_staff_list_says_so(quality, hospital, tmp_path):
    snapshot = reports.staff_list_snapshot(quality, StaffFilter(query="没有这个人"))
    flat = pdftools.flat(reports.write_staff_list_pdf(snapshot, tmp_path / "空.pdf"))
    assert "（无符合条件的人员）" in flat and "关键词：没有这个人" in flat and "共0人。" in flat


def test_long_staff_list_repeats_the_header_and_numbers_pages(system, hospital, quality, tmp_path):
    add_staff(system, hospital, 90)
    path = reports.write_staff_list_pdf(reports.staff_list_snapshot(quality), tmp_path / "全院.pdf")
    pages = pdftools.pages(path)
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        lines = page.splitlines()
        header = next(i for i, line in enumerate(lines) if line.split()[:3] == ["序号", "工号", "姓名"])
        first_row = next(i for i, line in enumerate(lines) if re.match(r"\s*\d+\s+[A-Z]\d{3}\s", line))
        assert header < first_row, number
        assert f"第{number}页共{len(pages)}页" in pdftools.squash(page)
    assert "外科（91人）" in pdftools.flat(path)
    assert "97" in pages[-1].split()  # the last 序号


def test_snapshot_is_what_gets_printed(system, hospital, quality, tmp_path):
    snapshot = reports.staff_list_snapshot(quality)
    people.update_staff(system, hospital.staff["张三"], {"name": "张三丰"})
    flat = pdftools.flat(reports.write_staff_list_pdf(snapshot, tmp_path / "x.pdf"))
    assert "张三" in flat and "张三丰" not in flat


def test_staff_list_xlsx_has_real_dates_and_print_setup(quality, hospital, tmp_path):
    path = reports.write_staff_list_xlsx(reports.staff_list_snapshot(quality), tmp_path / "人员名册.xlsx")
    ws = load_workbook(path).active
    assert ws["A1"].value == "人员名册"
    assert ws["A3"].value == "筛选条件：在岗状态：仅在岗"
    assert [c.value for c in ws[5]][:4] == ["序号", "工号", "姓名", "性别"]
    first = [c.value for c in ws[6]]
    assert first[:5] == [1, "D001", "张三", "男", "内科"] and first[8] == "本机构执业" and first[10] == "是"
    assert ws["J6"].is_date and ws["J6"].value == dt.datetime(2020, 7, 1)
    assert ws.max_row == 5 + 7  # no sub-heading rows in the spreadsheet
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$5:$5" and ws.freeze_panes == "A6" and ws.auto_filter.ref == "A5:L12"


def test_department_list_pdf_is_portrait_in_tree_order(quality, system, hospital, tmp_path):
    old = people.create_department(system, {"name": "原传染科", "kind": "临床", "code": "CRK"})
    people.update_department(system, old.id, {"active": False})
    path = reports.write_department_list_pdf(reports.department_list_snapshot(quality), tmp_path / "科室名册.pdf")
    assert pdftools.page_size(path) == pytest.approx(A4_PORTRAIT, abs=0.5)
    text = "\n".join(pdftools.pages(path))
    lines = text.splitlines()
    assert next(line for line in lines if "序号" in line).split() == [
        "序号", "科室编码", "科室名称", "类型", "上级科室", "在岗人数", "电话", "状态"]
    ward = next(line for line in lines if "内科一病区" in line).split()
    assert ward == ["2", "内科一病区", "护理单元", "内科", "2", "启用"]
    assert next(line for line in lines if "原传染科" in line).split() == ["6", "CRK", "原传染科", "临床", "0", "停用"]
    flat = pdftools.flat(path)
    assert "筛选条件：科室状态：全部（含停用）" in flat
    assert "共6个科室（启用5个，停用1个），在岗人员合计7人。" in flat
    for label in SIGNATURE:
        assert label in text


def test_department_list_xlsx(quality, hospital, tmp_path):
    snapshot = reports.department_list_snapshot(quality, include_inactive=False)
    ws = load_workbook(reports.write_department_list_xlsx(snapshot, tmp_path / "科室名册.xlsx")).active
    assert ws["A1"].value == "科室名册" and ws["A3"].value == "筛选条件：科室状态：仅启用"
    assert [c.value for c in ws[6]] == [1, None, "内科", "临床", None, 2, None, "启用"]
    assert [c.value for c in ws[7]][2:6] == ["内科一病区", "护理单元", "内科", 2]
    assert ws.page_setup.orientation == "portrait"


@pytest.mark.parametrize("role", [Role.CLINICIAN])
def test_printing_needs_the_export_permission(session_as, hospital, tmp_path, role):
    session = session_as(role)
    with pytest.raises(errors.PermissionDenied, match="打印/导出人员与科室名册"):
        reports.staff_list_snapshot(session)
    with pytest.raises(errors.PermissionDenied):
        reports.department_list_snapshot(session)


def test_cancelled_staff_list_leaves_no_file(system, hospital, quality, tmp_path):
    add_staff(system, hospital, 60)
    folder = tmp_path / "导出"
    folder.mkdir()
    snapshot = reports.staff_list_snapshot(quality)

    def cancel(done, total):
        if done > total // 2:
            raise errors.Cancelled()

    for write, name in ((reports.write_staff_list_pdf, "a.pdf"), (reports.write_staff_list_xlsx, "a.xlsx")):
        with pytest.raises(errors.Cancelled):
            write(snapshot, folder / name, progress=cancel)
    assert list(folder.iterdir()) == []
