"""The training printouts and workbooks, read back as a quality officer would read the paper."""
import re

import pytest
from openpyxl import load_workbook

from desktop_app import errors
from desktop_app.accounts.permissions import Role
from desktop_app.training import reports
from desktop_app.training import service as training
from desktop_app.training.models import AWARENESS, Audience
from tests.reports import pdftools
from tests.training.conftest import hold
from tests.training.test_coverage import only_rules

MM = 72 / 25.4
ORDER = ["张三", "曾志伟", "王芳", "赵敏", "周明", "李四", "孙立"]  # department order (by name here), then 工号


def plan(system, hospital, cats, date="2026-12-10", **extra):
    return training.save_session(system, {
        "title": "医疗质量安全核心制度培训（一）", "category_id": cats["core"], "date": date, "starts": "14:30",
        "ends": "16:30", "place": "门诊楼六楼会议室", "lecturer": "周明", "lecturer_title": "主任医师", "hours": "2",
        "department_id": hospital.departments["医务科"], "audience": Audience(everyone=True), **extra})


@pytest.fixture
def held(system, hospital, cats):
    """A session of 2026-11-20: 赵敏 absent (病假), 周明 not expected but came; an exam passed at 80 with
    张三 90, 王芳 70 then 88 at the make-up, 曾志伟 50 twice, 孙立 present without a score."""
    st = hospital.staff
    s = plan(system, hospital, cats, "2026-11-20", audience=Audience(departments=(
        hospital.departments["内科"], hospital.departments["外科"], hospital.departments["检验科"])))
    rows = [{"staff_id": a.staff_id, "present": a.name != "赵敏", "note": "病假" if a.name == "赵敏" else None}
            for a in s.attendees]
    exam = training.save_assessment(system, {"session_id": s.id, "pass_mark": 80})
    training.record_sheet(system, s.id, rows + [{"staff_id": st["周明"], "present": True}], exam.id, [
        {"staff_id": st["张三"], "score": 90}, {"staff_id": st["王芳"], "score": 70},
        {"staff_id": st["王芳"], "score": 88, "attempt": 2}, {"staff_id": st["曾志伟"], "score": 50},
        {"staff_id": st["曾志伟"], "score": 50, "attempt": 2}, {"staff_id": st["李四"], "score": 85}])
    return s.id


def rows_of(pdf) -> list[str]:
    """Each printed line, spaces squashed."""
    return [pdftools.squash(line) for page in pdftools.pages(pdf) for line in page.splitlines() if line.strip()]


# ----------------------------------------------------------------------------- 签到表


def test_signin_sheet_of_a_planned_session(system, hospital, cats, tmp_path):
    s = plan(system, hospital, cats)
    snap = reports.session_snapshot(system, s.id)
    assert [line.name for line in snap.lines] == ORDER and not s.attendance_recorded
    pdf = reports.write_signin_pdf(snap, tmp_path / "签到表.pdf")
    assert pdftools.page_size(pdf) == pytest.approx((595.3, 841.9), abs=1)
    assert all(f["emb"] == "yes" for f in pdftools.fonts(pdf))
    text = pdftools.flat(pdf)
    for part in ("培训签到表", "霍山县人民医院", "培训主题医疗质量安全核心制度培训（一）", "类别核心制度", "学时2",
                 "时间2026-12-1014:30–16:30", "地点门诊楼六楼会议室", "授课人（职称）周明（主任医师）", "组织科室医务科",
                 "培训对象全院人员", "应到7人", "序号科室姓名工号职称签名备注", "实到：人", "记录人：", "授课人签字："):
        assert part in text, part
    lines = rows_of(pdf)
    people = [line for line in lines if re.match(r"^\d+(内科|外科|检验科|医务科)", line)]
    assert people == ["1内科张三D001主治医师", "2内科曾志伟D003医师", "3内科一病区王芳N001主管护师", "4内科一病区赵敏N002护士",
                      "5医务科周明A001", "6外科李四D002副主任医师", "7检验科孙立T001主管技师"]
    assert [line for line in lines if re.fullmatch(r"\d+", line)] == [str(n) for n in range(8, 8 + reports.BLANK_ROWS)]
    assert "考核" not in text  # the sign-in sheet is for attendance only


def test_signin_rows_are_tall_enough_to_sign_and_the_header_repeats(system, hospital, cats, tmp_path):
    snap = reports.session_snapshot(system, plan(system, hospital, cats).id)
    pdf = reports.write_signin_pdf(snap, tmp_path / "签到表.pdf", blank_rows=40)
    pages = pdftools.pages(pdf)
    assert len(pages) >= 2
    assert all("签名" in p and re.search(r"第\s*\d+\s*页\s*共\s*%d\s*页" % len(pages), p) for p in pages)
    assert "2026-12-10医疗质量安全核心制度培训（一）" in pdftools.squash(pages[1])  # a loose page names its session
    _size, words = pdftools.words(pdf)
    first_page_numbers = sorted(w.y0 for w in words if w.page == 1 and re.fullmatch(r"\d+", w.text) and w.x0 < 110)
    gaps = [b - a for a, b in zip(first_page_numbers, first_page_numbers[1:])]
    assert gaps and min(gaps) >= reports.SIGNIN_ROW_MM * MM - 0.5
    assert all(w.x1 <= 595.3 - 26 * MM + 1 for w in words)  # nothing runs into the right margin


def test_cancelled_signin_leaves_no_file(system, hospital, cats, tmp_path):
    snap = reports.session_snapshot(system, plan(system, hospital, cats).id)

    def cancel(done, total):
        if done:
            raise errors.Cancelled()

    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(errors.Cancelled):
        reports.write_signin_pdf(snap, folder / "签到表.pdf", progress=cancel)
    assert list(folder.iterdir()) == []


# ----------------------------------------------------------------------------- 签到与成绩表


def test_attendance_and_score_list(system, held, tmp_path):
    snap = reports.session_snapshot(system, held)
    pdf = reports.write_attendance_pdf(snap, tmp_path / "签到与成绩表.pdf")
    lines = rows_of(pdf)
    text = "".join(lines)
    assert "培训签到与成绩表" in text and "考核医疗质量安全核心制度培训（一）考核（2026-11-20，满分100分，80分合格）" in text
    assert "序号科室姓名工号职称签到成绩补考结果备注" in text
    for row in ("1内科张三D001主治医师到90合格", "2内科曾志伟D003医师到5050不合格", "3内科一病区王芳N001主管护师到7088补考合格",
                "4内科一病区赵敏N002护士缺席病假", "5外科李四D002副主任医师到85合格", "6检验科孙立T001主管技师到未考",
                "7医务科周明A001到未考计划外"):
        assert row in lines, row
    assert ("应到6人，实到6人（含计划外1人），到课率83.3%。医疗质量安全核心制度培训（一）考核：参考4人，合格2人，"
            "合格率50.0%；补考后合格3人。") in text
    assert "记录人：" in text and "审核人：" in text


def test_attendance_workbook_has_numbers_and_the_particulars(system, held, tmp_path):
    path = reports.write_attendance_xlsx(reports.session_snapshot(system, held), tmp_path / "签到与成绩表.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["签到与成绩", "培训信息"]
    rows = list(wb["签到与成绩"].iter_rows(values_only=True))
    header = rows.index(("序号", "科室", "姓名", "工号", "职称", "签到", "成绩", "补考", "结果", "备注"))
    data = {r[2]: r for r in rows[header + 1:]}
    assert data["王芳"][5:9] == ("到", 70, 88, "补考合格") and isinstance(data["王芳"][6], float)
    assert data["赵敏"][5:] == ("缺席", None, None, None, "病假")
    assert data["周明"][9] == "计划外"
    facts = dict(r[:2] for r in wb["培训信息"].iter_rows(values_only=True) if r[0] and r[1])
    assert facts["授课人（职称）"] == "周明（主任医师）" and facts["应到"] == "6 人"
    assert "到课率 83.3%" in facts["合计"]
    assert wb["签到与成绩"].print_title_rows == "$5:$5"


def test_a_session_without_assessment_lists_sign_in_only(system, hospital, cats, tmp_path):
    s = plan(system, hospital, cats, "2026-11-20")
    training.record_attendance(system, s.id, [{"staff_id": a.staff_id, "present": True} for a in s.attendees])
    pdf = reports.write_attendance_pdf(reports.session_snapshot(system, s.id), tmp_path / "签到.pdf")
    text = pdftools.flat(pdf)
    assert "培训签到情况表" in text and "序号科室姓名工号职称签到备注" in text and "成绩" not in text
    assert "应到7人，实到7人，到课率100.0%。" in text


def test_snapshot_refuses_an_assessment_of_another_session(system, hospital, cats, held):
    other = plan(system, hospital, cats, "2026-11-21")
    exam = training.save_assessment(system, {"session_id": other.id})
    with pytest.raises(errors.NotFound, match="不属于这次培训"):
        reports.session_snapshot(system, held, exam.id)


# ----------------------------------------------------------------------------- 个人培训档案


def test_transcript_lists_sessions_exams_totals_and_the_years_gaps(system, hospital, cats, held, tmp_path):
    only_rules(system, cats, "core", "sanji")
    wang = hospital.staff["王芳"]
    plan(system, hospital, cats, "2026-12-10")  # planned: 待参加
    snap = reports.transcript_snapshot(system, wang, year=2026)
    pdf = reports.write_transcript_pdf(snap, tmp_path / "档案.pdf")
    lines = rows_of(pdf)
    text = "".join(lines)
    for part in ("个人培训档案", "姓名王芳工号N001", "科室内科一病区人员类别护士", "职称主管护师入职日期2020-07-01",
                 "一、培训记录", "二、考核记录", "三、合计", "四、2026年培训要求完成情况（截至2026年11月23日）"):
        assert part in text, part
    assert "12026-11-20医疗质量安全核心制度培训（一）核心制度2到" in lines
    assert "22026-12-10医疗质量安全核心制度培训（一）核心制度2待参加" in lines
    assert "12026-11-20医疗质量安全核心制度培训（一）考核考核70/100否" in lines
    assert "22026-11-20医疗质量安全核心制度培训（一）考核考核88/100是第1次补考" in lines
    assert "参加培训1次，累计2学时；考核2次（含补考），合格1次。" in text
    assert "核心制度：全体人员每年2次，并考核合格21已合格还差1次" in lines
    assert "三基三严：医务人员每年2次，并考核合格20未参加还差2次，未参加考核" in lines
    assert "尚有2项未达到。" in text

    wb = load_workbook(reports.write_transcript_xlsx(snap, tmp_path / "档案.xlsx"))
    assert wb.sheetnames == ["培训记录", "考核记录", "2026年培训要求"]
    exams = [r for r in wb["考核记录"].iter_rows(values_only=True) if isinstance(r[0], int)]
    assert [(r[4], r[5], r[6], r[7]) for r in exams] == [(70, 100, "否", None), (88, 100, "是", "第1次补考")]


def test_transcript_of_someone_who_left_says_they_are_not_counted(system, hospital, cats, tmp_path):
    from desktop_app.people import service as people

    people.update_staff(system, hospital.staff["李四"], {"on_duty": False, "leave_date": "2026-06-30"})
    snap = reports.transcript_snapshot(system, hospital.staff["李四"], year=2026)
    assert snap.requirements is None
    text = pdftools.flat(reports.write_transcript_pdf(snap, tmp_path / "档案.pdf"))
    assert "在岗否（已离岗）" in text and "不计入该年的培训覆盖统计" in text and "（没有培训记录）" in text


def test_department_head_prints_own_departments_transcripts_only(session_as, hospital, held):
    head = session_as(Role.DEPT_HEAD, "内科")
    assert reports.transcript_snapshot(head, hospital.staff["王芳"]).person.name == "王芳"  # the ward under 内科
    with pytest.raises(errors.PermissionDenied, match="本科室人员的培训档案"):
        reports.transcript_snapshot(head, hospital.staff["李四"])


# ----------------------------------------------------------------------------- 培训覆盖报告


@pytest.fixture
def year_of_training(system, hospital, cats, held):
    """held (11-20) plus a 3-10 core session with an exam, and a 知晓率调查 with 王芳 and 赵敏 failing."""
    st = hospital.staff
    only_rules(system, cats, "core", "infection")
    hold(system, cats["core"], "2026-03-10", scores={st["张三"]: 95, st["孙立"]: 88, st["周明"]: 90})
    survey = training.save_assessment(system, {"kind": AWARENESS, "title": "核心制度知晓率调查",
                                               "category_id": cats["core"], "date": "2026-11-21"})
    training.record_scores(system, survey.id, [{"staff_id": st[n], "score": s} for n, s in (
        ("张三", 95), ("曾志伟", 90), ("王芳", 50), ("赵敏", 40), ("孙立", 85))])


def test_coverage_report(system, year_of_training, tmp_path):
    snap = reports.coverage_snapshot(system, "2026-01-01", "2026-12-31")
    pdf = reports.write_coverage_pdf(snap, tmp_path / "覆盖.pdf")
    lines = rows_of(pdf)
    text = "".join(lines)
    for part in ("培训覆盖报告", "统计期间：2026年1月1日至2026年12月31日", "筛选条件：科室：全院", "一、总体情况",
                 "在岗人数7", "全部达标0", "达标率0.0%", "核心制度知晓率60.0%（未达标）", "目标≥90%",
                 "二、各科室培训覆盖与知晓率", "三、各项培训要求完成情况", "四、尚未达标人员（7人）", "填报人："):
        assert part in text, part
    assert "内科一病区200.0%200.0%（未达标）" in lines  # 王芳 and 赵敏 both failed the survey
    assert "内科200.0%22100.0%" in lines and "外科100.0%00—（未抽考）" in lines
    assert "全院700.0%5360.0%（未达标）" in lines
    assert "核心制度：全体人员每年2次，并考核合格75271.4%" in lines
    assert "院感：全体人员每年1次7070.0%" in lines
    assert "1内科D001张三医师院感：还差1次" in lines
    zeng = next(p for p in snap.short if p.name == "曾志伟")
    assert reports.gap_text(zeng) == "核心制度：考核未合格\n院感：还差 1 次"
    assert all(f"{p.employee_no}{p.name}" in text for p in snap.short)


def test_coverage_workbook_has_a_sheet_each(system, year_of_training, tmp_path):
    snap = reports.coverage_snapshot(system, "2026-01-01", "2026-12-31")
    wb = load_workbook(reports.write_coverage_xlsx(snap, tmp_path / "覆盖.xlsx"))
    assert wb.sheetnames == ["汇总", "按科室", "按培训要求", "未达标人员"]
    summary = {r[0]: r[1] for r in wb["汇总"].iter_rows(values_only=True) if r[1] is not None}
    assert summary["在岗人数"] == 7 and summary["核心制度知晓率"] == "60.0%（未达标）"
    depts = {r[0]: r for r in wb["按科室"].iter_rows(values_only=True) if isinstance(r[1], int)}
    assert depts["内科一病区"][6] == 0 and depts["内科一病区"][7] == "未达标" and depts["内科"][7] == "达标"
    assert depts["外科"][6] == "—" and depts["全院"][1] == 7
    assert wb["按科室"].cell(6, 7).number_format == "0.0%"
    gaps = [r for r in wb["未达标人员"].iter_rows(values_only=True) if r[0] and r[1] and r[0] != "科室"]
    zhang = [r for r in gaps if r[2] == "张三"]
    assert [(r[5], r[6], r[7], r[8], r[11]) for r in zhang] == [("院感：全体人员每年 1 次", 1, 0, 1, "还差 1 次")]
    assert len(gaps) == sum(len(p.gaps) for p in snap.short)


def test_department_head_gets_own_departments_coverage(session_as, year_of_training, tmp_path):
    head = session_as(Role.DEPT_HEAD, "内科")
    snap = reports.coverage_snapshot(head, "2026-01-01", "2026-12-31")
    assert snap.scope == "内科、内科一病区"
    text = pdftools.flat(reports.write_coverage_pdf(snap, tmp_path / "覆盖.pdf"))
    assert "科室：内科、内科一病区" in text and "李四" not in text and "检验科" not in text and "合计" in text
