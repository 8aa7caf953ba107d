"""Importing attendance and scores typed from paper sign-in sheets: messy files, matching people,
every refusal named by row and column, and nothing written until a clean file is confirmed."""
import openpyxl
import pytest

from desktop_app import errors
from desktop_app.accounts.permissions import Role
from desktop_app.people import service as people
from desktop_app.training import excel_io, service as training
from desktop_app.training.models import Audience
from tests.excel.files import write_xlsx

HEADER = ["序 号", "科室", "姓 名", "工号\n(必填)", "是否参加", "考核成绩", "补考成绩", "备注"]


@pytest.fixture
def session_id(system, hospital, cats):
    """A 2026-11-20 session for 内科 (with its ward), 外科 and 检验科, with an exam (80 to pass); a second
    王芳 works in 外科 and 钱进 (工号 0012) in 医务科; nobody signed in yet."""
    d = hospital.departments
    people.create_staff(system, {"employee_no": "N101", "name": "王芳", "department_id": d["外科"], "category": "护士",
                                 "hire_date": "2021-01-01"})
    people.create_staff(system, {"employee_no": "0012", "name": "钱进", "department_id": d["医务科"],
                                 "category": "管理", "hire_date": "2021-01-01"})
    s = training.save_session(system, {"title": "核心制度培训（一）", "category_id": cats["core"], "date": "2026-11-20",
                                       "department_id": d["医务科"],
                                       "audience": Audience(departments=(d["内科"], d["外科"], d["检验科"]))})
    training.save_assessment(system, {"session_id": s.id, "pass_mark": 80})
    return s.id


@pytest.fixture
def exam_id(system, session_id):
    return training.get_session(system, session_id).assessments[0].id


def written(db) -> tuple:
    return tuple(db.scalar(sql) for sql in (
        "SELECT count(*) FROM training_attendees WHERE present IS NOT NULL", "SELECT count(*) FROM assessment_results",
        "SELECT count(*) FROM audit_log", "SELECT count(*) FROM training_sessions WHERE attendance_recorded = 1"))


def texts(plan) -> list[str]:
    return [f.text() for f in plan.findings]


def messy(tmp_path, wang_department=None, rows=None):
    """A typed sign-in sheet as hospitals send it: two merged title rows and an empty row above the
    header, spaced and annotated headings, a 工号 in full-width digits and one typed as a number
    (0012 → 12), a score written ８５分, a blank row and a note at the end."""
    body = rows if rows is not None else [
        [1, "内科", "张三", "Ｄ００１", "√", "８５分", None, None],
        [2, "内科", "曾志伟", None, "到", 60, 85, None],
        [3, wang_department, "王芳", None, "到", 90, None, None],
        [4, "外科", "李四", "D002", "请假", None, None, None],
        None,
        [5, "检验科", "孙立", None, "到", 95, None, None],
        [6, "医务科", "钱进", 12, "到", None, None, "计划外"],
    ]
    return write_xlsx(tmp_path / "签到表.xlsx", [
        ["霍山县人民医院医疗质量安全核心制度培训签到表"], ["培训时间：2026年11月20日　　地点：门诊楼六楼会议室"], None,
        HEADER, *body, ["说明：本表由医务科根据纸质签到表录入。"]], merges=["A1:H1", "A2:H2"])


def test_a_clean_file_is_previewed_then_written_in_one_go(system, hospital, session_id, exam_id, db, tmp_path):
    before = written(db)
    plan = excel_io.preview_attendance_import(system, messy(tmp_path, "内科一病区"), session_id)
    assert written(db) == before  # the preview writes nothing
    assert plan.can_apply, texts(plan)
    assert (plan.sheet, plan.header_row, plan.columns["present"], plan.assessment_id) == ("Sheet1", 4, "E", exam_id)
    assert plan.counts == {"到": 5, "缺席": 1, "有错误": 0, "计划外": 1, "成绩": 4}
    assert plan.not_listed == ("赵敏（N002）", "王芳（N101）")
    assert plan.summary() == ("2026-11-20 核心制度培训（一）：文件中 6 人，到 5 人（其中计划外 1 人），缺席 1 人；"
                              "应到但文件中没有 2 人（记为缺席）；成绩 4 人（核心制度培训（一）考核（满分 100，80 分合格））。")
    assert "应到但文件中没有的 2 人将记为缺席：赵敏（N002）、王芳（N101）。" in texts(plan)
    assert "不在应到名单中、按计划外参加登记 1 人：钱进（医务科）。" in texts(plan)
    assert [r.describe() for r in plan.rows][:2] == ["张三（D001，内科）：到，成绩 85", "曾志伟（D003，内科）：到，成绩 60，补考 85"]

    result = excel_io.apply_attendance_import(system, plan)
    assert (result.present, result.absent, result.walk_ins, result.scores) == (5, 1, 1, 4)
    s = result.session
    marks = {(a.name, a.employee_no): (a.expected, a.present, a.note) for a in s.attendees}
    assert marks[("李四", "D002")] == (True, False, "请假")
    assert marks[("赵敏", "N002")] == (True, False, None) and marks[("王芳", "N101")] == (True, False, None)
    assert marks[("钱进", "0012")] == (False, True, "计划外") and marks[("王芳", "N001")][1] is True
    exam = training.get_assessment(system, exam_id)
    assert {(r.name, r.attempt, r.score) for r in exam.results} == {
        ("张三", 1, 85), ("曾志伟", 1, 60), ("曾志伟", 2, 85), ("王芳", 1, 90), ("孙立", 1, 95)}
    assert (exam.tested, exam.passed_first, exam.passed_final) == (4, 3, 4)
    audit = db.query_one("SELECT action, after_json FROM audit_log WHERE entity = 'training' ORDER BY id DESC LIMIT 1")
    assert audit["action"] == "import" and "签到表.xlsx" in audit["after_json"] and plan.sha256 in audit["after_json"]


def test_every_problem_is_named_by_row_and_column_and_nothing_is_written(system, session_id, db, tmp_path):
    path = messy(tmp_path, rows=[
        [1, "内科", "张三", "Ｄ００１", "√", 85, None, None],
        [2, None, "王芳", None, "到", 90, None, None],               # two 王芳 on duty
        [3, "检验科", "孙利", None, "到", 120, None, None],          # unknown name, score out of range
        None,
        [4, "内科", "张三", None, "到", 85, None, None],             # 张三 again
        [5, "外科", "李四", "D001", "到", 70, None, None],           # 张三's 工号
        [6, "内科", "曾志伟", None, "来了", 90, 95, None],           # unreadable sign-in, make-up after a pass
        [7, "外科", "赵敏", "N002", "到", "优", None, None],         # not a score
        [8, "医务科", None, None, "到", None, None, None],           # a sign-in without a name
    ])
    before = written(db)
    plan = excel_io.preview_attendance_import(system, path, session_id)
    found = texts(plan)
    for text in (
        "第 6 行 C 列 “姓名”：有 2 位在岗人员叫“王芳”（内科一病区 王芳（N001）、外科 王芳（N101）），无法确定是哪一位。"
        "请在“工号”列填写工号，或在“科室”列写明科室。",
        "第 7 行 C 列 “姓名”：“孙利”不在人员名册中。是否是：孙立？请核对姓名，或先在“人员”中添加此人。",
        "第 7 行 F 列 “成绩”：成绩 120 超出 0–100 分（核心制度培训（一）考核满分 100 分），请改正。",
        "第 9 行 C 列 “姓名”：与第 5 行是同一人（内科 张三（D001））：同一人只能占一行，请删除重复的一行（补考成绩请填在“补考”列）。",
        "第 10 行 D 列 “工号”：工号 D001 是“张三”（内科），不是“李四”。请核对工号或姓名。",
        "第 11 行 E 列 “签到”：“来了”无法识别。请写“到”或“缺席”（也可写 √、×、是、否，或请假、病假等缺席原因）。",
        "第 11 行 G 列 “补考”：首次成绩 90 已合格（80 分合格），不需要补考：请删去补考成绩，或核对首次成绩。",
        "第 12 行 F 列 “成绩”：“优”不是分数。请填写 0–100 的数字（缺考可留空或写“缺考”）。",
        "第 13 行 C 列 “姓名”：这一行填写了签到或成绩，但没有姓名和工号：请填写姓名（同名时再填工号）。",
    ):
        assert text in found, text
    assert not plan.can_apply and plan.counts["有错误"] == 7
    assert "第 12 行 B 列 “科室”：名册中的“赵敏”在内科一病区，不在“外科”；已按此匹配，请核对科室。" in found  # a warning
    with pytest.raises(errors.ValidationError):
        excel_io.apply_attendance_import(system, plan)
    assert written(db) == before


def test_department_rows_and_a_signature_column(system, hospital, session_id, tmp_path):
    """No 科室 column: departments written on merged rows of their own; a 签名 column (names typed in it)
    and no scores."""
    rows = [["霍山县人民医院培训签到表"], ["序号", "姓名", "工号", "签名", "备注"],
            ["内科一病区"], [1, "王芳", None, "王芳", None], [2, "赵敏", None, None, "夜班"],
            ["外科"], [3, "王芳", None, "王芳", None], [4, "李四", None, "李四", None]]
    path = write_xlsx(tmp_path / "签到.xlsx", rows, merges=["A1:E1", "A3:E3", "A6:E6"])
    plan = excel_io.preview_attendance_import(system, path, session_id)
    assert plan.can_apply, texts(plan)
    got = {(r.name, r.employee_no): r.present for r in plan.rows}
    assert got == {("王芳", "N001"): True, ("赵敏", "N002"): False, ("王芳", "N101"): True, ("李四", "D002"): True}
    assert plan.assessment_id is None and plan.skipped_rows[0] == (3, "分组行：内科一病区")


def test_without_a_sign_in_column_everyone_listed_came(system, session_id, tmp_path):
    path = write_xlsx(tmp_path / "名单.xlsx", [["姓名", "工号"], ["张三", "D001"], ["孙立", "T001"]])
    plan = excel_io.preview_attendance_import(system, path, session_id)
    assert plan.can_apply and plan.counts["到"] == 2 and len(plan.not_listed) == 5
    done = excel_io.apply_attendance_import(system, plan).session
    assert (done.expected, done.present) == (7, 2)


@pytest.mark.parametrize("heading", ["签到", "本人签名"])
def test_a_sign_in_column_left_blank_is_refused(system, session_id, tmp_path, heading):
    path = write_xlsx(tmp_path / "空.xlsx", [["姓名", heading, "成绩"], ["张三", None, "缺考"], ["孙立", None, None]])
    plan = excel_io.preview_attendance_import(system, path, session_id)
    assert f"B 列 “签到”：“{heading}”列（B 列）没有填写任何内容，导入后所有人都会记为缺席。请填写“到”或“缺席”；" \
           "如果文件只列出到场的人，请删除这一列。" in texts(plan)
    assert not plan.can_apply and len(plan.errors) == 1  # 缺考 is no score: no question of an assessment


def test_scores_need_an_assessment_and_the_right_one(system, hospital, cats, tmp_path):
    s = training.save_session(system, {"title": "院感培训", "category_id": cats["infection"], "date": "2026-11-20",
                                       "audience": Audience(everyone=True)})
    path = write_xlsx(tmp_path / "成绩.xlsx", [["姓名", "签到", "成绩"], ["张三", "到", 90]])
    plan = excel_io.preview_attendance_import(system, path, s.id)
    assert "“成绩”：文件中填写了成绩，但这次培训还没有考核。请先在“培训记录”中为这次培训添加考核（满分、合格分），再导入；" \
           "或删除“成绩”“补考”列，只导入签到。" in texts(plan)
    first = training.save_assessment(system, {"session_id": s.id, "title": "理论考核"})
    training.save_assessment(system, {"session_id": s.id, "title": "操作考核", "full_mark": 50, "pass_mark": 30})
    plan = excel_io.preview_attendance_import(system, path, s.id)
    assert "“考核”：文件中填写了成绩，这次培训有 2 次考核（“理论考核”、“操作考核”），请选择要导入成绩的考核后再预览。" \
           in texts(plan)
    assert excel_io.preview_attendance_import(system, path, s.id, first.id).can_apply


def test_make_up_without_a_first_score(system, session_id, tmp_path):
    path = write_xlsx(tmp_path / "补考.xlsx", [["姓名", "签到", "成绩", "补考"], ["张三", "到", "缺考", 85]])
    plan = excel_io.preview_attendance_import(system, path, session_id)
    assert plan.errors[0].text() == "第 2 行 D 列 “补考”：只有补考成绩，没有首次成绩：请在“成绩”列填写首次成绩。"


def test_someone_who_left_before_the_session_is_refused(system, hospital, session_id, tmp_path):
    people.update_staff(system, hospital.staff["孙立"], {"on_duty": False, "leave_date": "2026-10-31"})
    path = write_xlsx(tmp_path / "离岗.xlsx", [["姓名", "工号", "签到"], ["孙立", "T001", "到"]])
    plan = excel_io.preview_attendance_import(system, path, session_id)
    assert plan.errors[0].text() == ("第 2 行 B 列 “工号”：孙立（T001）已于 2026-10-31 离岗，不能登记这次培训的签到。"
                                     "请核对人员或培训日期。")


def test_re_import_keeps_what_the_file_does_not_mention(system, hospital, session_id, exam_id, tmp_path):
    st = hospital.staff
    s = training.get_session(system, session_id)
    training.record_sheet(system, session_id, [{"staff_id": a.staff_id, "present": a.name != "赵敏",
                                                "note": "病假" if a.name == "赵敏" else None} for a in s.attendees],
                          exam_id, [{"staff_id": st["张三"], "score": 70}, {"staff_id": st["孙立"], "score": 90}])
    path = write_xlsx(tmp_path / "补录.xlsx", [["姓名", "工号", "签到", "成绩", "补考"], ["张三", "D001", "到", 70, 86]])
    plan = excel_io.preview_attendance_import(system, path, session_id)
    assert plan.can_apply and plan.keeps_recorded
    assert "第 2 行 D 列 “成绩”：原登记成绩 70，导入后为 70，补考 86。" in texts(plan)
    assert "应到但文件中没有的 6 人将保持原来的签到登记" in "".join(texts(plan))
    excel_io.apply_attendance_import(system, plan)
    after = training.get_session(system, session_id)
    zhao = next(a for a in after.attendees if a.name == "赵敏")
    assert (zhao.present, zhao.note) == (False, "病假") and after.present == 6
    results = {(r.name, r.attempt, r.score) for r in training.get_assessment(system, exam_id).results}
    assert results == {("张三", 1, 70), ("张三", 2, 86), ("孙立", 1, 90)}


def test_a_file_changed_after_the_preview_is_refused(system, session_id, db, tmp_path):
    path = messy(tmp_path, "内科一病区")
    plan = excel_io.preview_attendance_import(system, path, session_id)
    wb = openpyxl.load_workbook(path)
    wb.active["F5"] = 60
    wb.save(path)
    before = written(db)
    with pytest.raises(errors.Conflict, match="在预览之后被修改"):
        excel_io.apply_attendance_import(system, plan)
    assert written(db) == before


def test_refused_before_reading(system, hospital, cats, session_as, session_id, tmp_path):
    planned = training.save_session(system, {"title": "计划", "category_id": cats["core"], "date": "2026-12-10",
                                             "audience": Audience(everyone=True)})
    path = write_xlsx(tmp_path / "x.xlsx", [["姓名"], ["张三"]])
    with pytest.raises(errors.ValidationError, match="培训日期（2026-12-10）在今天之后，还不能导入签到"):
        excel_io.preview_attendance_import(system, path, planned.id)
    with pytest.raises(errors.PermissionDenied, match="科室负责人只能导入本科室组织的培训"):
        excel_io.preview_attendance_import(session_as(Role.DEPT_HEAD, "外科"), path, session_id)


def test_template_lists_the_expected_people_and_imports_back(system, session_id, exam_id, tmp_path):
    path = excel_io.write_attendance_template(system, tmp_path / "导入模板.xlsx", session_id)
    wb = openpyxl.load_workbook(path)
    ws = wb[excel_io.TEMPLATE_SHEET]
    assert wb.sheetnames == ["签到表", "说明"]
    assert ws["A1"].value == "霍山县人民医院培训签到表" and "考核：核心制度培训（一）考核" in ws["A2"].value
    assert [c.value for c in ws[3]] == ["序号", "科室", "姓名", "工号", "职称", "签到", "成绩", "补考", "备注"]
    listed = [(r[2], r[3]) for r in ws.iter_rows(min_row=4, values_only=True) if r[2]]
    assert listed == [("张三", "D001"), ("曾志伟", "D003"), ("王芳", "N001"), ("赵敏", "N002"), ("李四", "D002"),
                      ("王芳", "N101"), ("孙立", "T001")]
    assert ws.max_row == 3 + 7 + excel_io.TEMPLATE_BLANK_ROWS and ws["D4"].number_format == "@"
    assert ws.print_title_rows == "$3:$3"
    for r in range(4, 11):  # row 7 is 赵敏
        ws.cell(r, 6, "到" if r != 7 else "病假")
        ws.cell(r, 7, 88 if r != 7 else None)
    ws.cell(14, 3, "周明")  # a walk-in typed into a blank row
    ws.cell(14, 6, "到")
    wb.save(path)
    plan = excel_io.preview_attendance_import(system, path, session_id)
    assert plan.can_apply, texts(plan)
    assert plan.counts == {"到": 7, "缺席": 1, "有错误": 0, "计划外": 1, "成绩": 6}
    assert len(plan.skipped_rows) == excel_io.TEMPLATE_BLANK_ROWS - 1  # numbered rows left empty
    done = excel_io.apply_attendance_import(system, plan).session
    assert (done.expected, done.present) == (7, 7)
