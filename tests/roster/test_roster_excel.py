"""Importing a roster kept in Excel: the layouts hospitals use, every bad cell by row and column."""
import datetime as dt

import pytest
from openpyxl import load_workbook

from desktop_app import errors
from desktop_app.accounts.permissions import Role
from desktop_app.people import service as people
from desktop_app.roster import calendar, excel_io, reports, service as roster
from desktop_app.roster.rules import COVERAGE
from tests.excel.files import write_xlsx

MONTH = "2026-12"


def duties(system, month=MONTH) -> set:
    view = roster.month_view(system, month)
    return {(d, s, p.name) for (d, s), people_ in view.cells.items() for p in people_}


def audit_count(db) -> int:
    return db.scalar("SELECT count(*) FROM audit_log")


def test_one_heading_row_day_numbers_and_several_names(system, posts, doctors, tmp_path, db):
    path = write_xlsx(tmp_path / "12月值班.xlsx", [
        ["霍山县人民医院12月份值班表"],
        ["日期", "星期", "内科一线 白班", "内科一线-夜班", "医院总值班", "内科一病区护理夜班"],
        ["1日", "二", "孙医生", "钱医生", "吴医生", "王芳、赵敏"],
        [2, "三", None, "张三", None, "王芳 赵敏"],
        ["12月3日（周四）", None, "吴医生", "孙医生", None, "王芳，赵敏"],
        ["制表人：周明"],
    ])
    plan = excel_io.preview_roster_import(system, path, MONTH)
    assert plan.can_apply, [plan.finding_text(f) for f in plan.errors]
    assert plan.columns == {"C": "内科一线 白班", "D": "内科一线 夜班", "E": "医院总值班 24小时",
                            "F": "内科一病区护理夜班 夜班"}
    assert len(plan.assignments) == 12 and plan.skipped_rows == ((6, "说明行：制表人：周明"),)
    assert any(v.rule == COVERAGE for v in plan.violations)  # rules are warnings: the month is far from full
    assert duties(system) == set()  # a preview writes nothing
    before = audit_count(db)
    result = excel_io.apply_roster_import(system, plan)
    assert (result.added, result.already_there) == (12, 0)
    got = duties(system)
    assert ("2026-12-01", posts["day"].id, "孙医生") in got and ("2026-12-03", posts["ward_night"].id, "赵敏") in got
    assert ("2026-12-02", posts["night"].id, "张三") in got
    assert audit_count(db) == before + 1


def test_two_heading_rows_post_over_shift(system, posts, doctors, tmp_path):
    path = write_xlsx(tmp_path / "两行表头.xlsx", [
        ["日期", "内科一线", None, "医院总值班"],
        [None, "白班", "夜班", None],
        [dt.datetime(2026, 12, 1), "孙医生", "钱医生", "吴医生"],
        ["2026/12/2", None, "张三", "孙医生"],
    ], merges=["A1:A2", "B1:C1", "D1:D2"])
    plan = excel_io.preview_roster_import(system, path, MONTH)
    assert plan.can_apply, [plan.finding_text(f) for f in plan.errors]
    assert plan.columns == {"B": "内科一线 白班", "C": "内科一线 夜班", "D": "医院总值班 24小时"}
    excel_io.apply_roster_import(system, plan)
    assert ("2026-12-02", posts["chief_shift"].id, "孙医生") in duties(system)


def test_every_kind_of_bad_cell_by_row_and_column(system, hospital, posts, doctors, tmp_path, db):
    calendar.set_holiday(system, "2026-12-31", "法定节假日", "元旦")
    people.create_staff(system, {"employee_no": "N012", "name": "王芳", "department_id": hospital.departments["外科"],
                                 "category": "护士", "title": "护师"})
    gone = people.create_staff(system, {"employee_no": "D099", "name": "郑离", "department_id": hospital.departments["内科"],
                                        "category": "医师", "title": "医师", "on_duty": False,
                                        "leave_date": "2026-06-30"})
    assert gone.on_duty is False
    path = write_xlsx(tmp_path / "有错.xlsx", [
        ["日期", "内科一线 白班", "内科一线 夜班", "内科一病区护理夜班", "内科二线 夜班", "内科一线"],
        ["12月1日", "孙医生", "钱大夫", "王芳", "张三", None],
        ["2027-01-02", None, "张三", None, None, None],
        ["明天", None, "孙医生", None, None, None],
        [31, "吴医生", "郑离", "王芳(N012)、赵敏", None, None],
        [5, None, "孙医生(D001)", "王芳(X999)", None, None],
    ])
    plan = excel_io.preview_roster_import(system, path, MONTH)
    assert not plan.can_apply
    where = {(f.row, f.column): f.message for f in plan.errors}
    assert "不是本院的值班岗位或班次" in where[(1, "E")] and "内科一线 夜班" in where[(1, "E")]  # near matches
    assert "写明班次" in where[(1, "F")]
    assert "钱大夫" in where[(2, "C")] and "不在人员名册中" in where[(2, "C")]
    assert "有 2 位在岗人员叫“王芳”" in where[(2, "D")] and "王芳(N001)" in where[(2, "D")]
    assert "不在 2026-12 内" in where[(3, "A")]
    assert "不是可识别的日期" in where[(4, "A")]
    assert "节假日（元旦）" in where[(5, "B")] and "只在工作日排班" in where[(5, "B")]
    assert "已于 2026-06-30 离岗" in where[(5, "C")]
    assert (5, "D") not in where  # 王芳(N012) and 赵敏 are both fine
    assert "是“张三”，不是“孙医生”" in where[(6, "C")] and "X999" in where[(6, "D")]
    assert all(plan.finding_text(f).startswith("工作表“Sheet1” 第 ") for f in plan.errors)
    before = audit_count(db)
    with pytest.raises(errors.ValidationError):
        excel_io.apply_roster_import(system, plan)
    assert duties(system) == set() and audit_count(db) == before


def test_published_month_refused(system, posts, doctors, tmp_path):
    roster.assign(system, "2026-12-01", posts["night"].id, doctors[0])
    roster.publish(system, MONTH, confirm_violations=True)
    path = write_xlsx(tmp_path / "r.xlsx", [["日期", "内科一线 夜班"], [2, "孙医生"]])
    with pytest.raises(errors.Conflict, match="换班"):
        excel_io.preview_roster_import(system, path, MONTH)


def test_file_without_posts_and_changed_file(system, posts, doctors, tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [["日期", "姓名"], [1, "张三"]])
    with pytest.raises(errors.UserError, match="没有找到值班岗位"):
        excel_io.preview_roster_import(system, path, MONTH)
    path = write_xlsx(tmp_path / "ok.xlsx", [["日期", "内科一线 夜班"], [2, "孙医生"]])
    plan = excel_io.preview_roster_import(system, path, MONTH)
    write_xlsx(path, [["日期", "内科一线 夜班"], [2, "吴医生"]])
    with pytest.raises(errors.Conflict, match="重新预览"):
        excel_io.apply_roster_import(system, plan)
    assert duties(system) == set()


def test_department_head_imports_own_posts_only(session_as, posts, doctors, tmp_path):
    head = session_as(Role.DEPT_HEAD, "外科")
    path = write_xlsx(tmp_path / "r.xlsx", [["日期", "内科一线 夜班"], [2, "孙医生"]])
    plan = excel_io.preview_roster_import(head, path, MONTH)
    assert "只能导入本科室" in plan.errors[0].message and plan.errors[0].column == "B"
    with pytest.raises(errors.PermissionDenied):
        excel_io.preview_roster_import(session_as(Role.CLINICIAN), path, MONTH)


def test_round_trip_export_then_import_into_an_empty_month(system, posts, doctors, tmp_path):
    calendar.set_holiday(system, "2026-12-31", "法定节假日", "元旦")
    roster.set_rotation(system, posts["first"].id, doctors)
    roster.fill_from_rotation(system, MONTH, posts["first"].id)
    for d in range(1, 32):
        roster.assign(system, f"{MONTH}-{d:02d}", posts["chief_shift"].id, doctors[d % 4])
        roster.assign(system, f"{MONTH}-{d:02d}", posts["ward_night"].id, system.db.scalar(
            "SELECT id FROM staff WHERE name = '王芳'"))
    exported = duties(system)
    out = reports.write_roster_xlsx(reports.roster_snapshot(system, MONTH), tmp_path / "导出.xlsx")
    roster.clear_month(system, MONTH)
    assert duties(system) == set()
    plan = excel_io.preview_roster_import(system, out, MONTH)
    assert plan.can_apply, [plan.finding_text(f) for f in plan.errors]
    assert "C 列“节假日”" in plan.ignored_columns
    excel_io.apply_roster_import(system, plan)
    assert duties(system) == exported and len(exported) > 90


def test_template_has_real_posts_dates_and_help(system, posts, doctors, tmp_path):
    calendar.set_holiday(system, "2026-12-31", "法定节假日", "元旦")
    out = excel_io.write_roster_template(system, tmp_path / "模板.xlsx", MONTH)
    wb = load_workbook(out)
    assert wb.sheetnames == ["值班表", "说明"]
    ws = wb["值班表"]
    assert [c.value for c in ws[1]] == ["日期", "星期", "内科一线 白班", "内科一线 夜班", "医院总值班 24小时",
                                        "内科一病区护理夜班 夜班"]
    assert ws["A2"].value.date() == dt.date(2026, 12, 1) and ws["B2"].value == "星期二" and ws.max_row == 32
    assert ws["C6"].fill.fgColor.rgb.endswith("BFBFBF")  # 12-05 is a Saturday: no 白班
    assert "王芳(N012)" in " ".join(c.value or "" for c in wb["说明"]["A"])
    # the template, filled in, imports
    ws["D2"] = "孙医生"
    ws.cell(2, 6).value = "王芳、赵敏"
    wb.save(out)
    plan = excel_io.preview_roster_import(system, out, MONTH)
    assert plan.can_apply and len(plan.assignments) == 3


def test_department_heads_template_holds_her_posts_and_imports(session_as, posts, doctors, tmp_path):
    head = session_as(Role.DEPT_HEAD, "内科")
    out = excel_io.write_roster_template(head, tmp_path / "内科模板.xlsx", MONTH)
    wb = load_workbook(out)
    ws = wb["值班表"]
    assert [c.value for c in ws[1]] == ["日期", "星期", "内科一线 白班", "内科一线 夜班", "内科一病区护理夜班 夜班"]
    ws["D2"] = "孙医生"
    wb.save(out)
    plan = excel_io.preview_roster_import(head, out, MONTH)
    assert plan.can_apply, [plan.finding_text(f) for f in plan.errors]
    assert excel_io.apply_roster_import(head, plan).added == 1
