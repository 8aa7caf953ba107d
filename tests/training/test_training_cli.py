"""``qledger training …`` as a quality officer's script runs it (a real process on a real file)."""
import json
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from desktop_app.training import service as training
from desktop_app.training.models import AWARENESS, Audience
from tests.excel.files import write_xlsx
from tests.reports import pdftools
from tests.training.test_coverage import only_rules


@pytest.fixture
def run(db_path):
    def call(*args):
        return subprocess.run([sys.executable, "-m", "desktop_app", "training", *args, "--db", str(db_path)],
                              capture_output=True, text=True, timeout=120)
    return call


@pytest.fixture
def ids(system, hospital, cats, db):
    """A held 核心制度 session for everyone (赵敏 absent, an exam: 张三 90, 王芳 60), a 知晓率调查 where 王芳
    fails, and a planned session; the database is then closed for the command line to open."""
    st = hospital.staff
    only_rules(system, cats, "core")
    held = training.save_session(system, {"title": "核心制度培训（一）", "category_id": cats["core"], "date": "2026-11-20",
                                          "place": "会议室", "audience": Audience(everyone=True)})
    exam = training.save_assessment(system, {"session_id": held.id, "pass_mark": 80})
    training.record_sheet(system, held.id, [{"staff_id": a.staff_id, "present": a.name != "赵敏"}
                                            for a in held.attendees], exam.id,
                          [{"staff_id": st["张三"], "score": 90}, {"staff_id": st["王芳"], "score": 60}])
    survey = training.save_assessment(system, {"kind": AWARENESS, "title": "知晓率调查", "category_id": cats["core"],
                                               "date": "2026-11-21"})
    training.record_scores(system, survey.id, [{"staff_id": st["张三"], "score": 95},
                                               {"staff_id": st["王芳"], "score": 50}])
    planned = training.save_session(system, {"title": "核心制度培训（二）", "category_id": cats["core"],
                                             "date": "2026-12-10", "audience": Audience(everyone=True)})
    db.close()
    return {"held": held.id, "exam": exam.id, "planned": planned.id}


def test_coverage_as_json(run, ids):
    out = run("coverage", "--from", "2026-01-01", "--to", "2026-12-31", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == {"period", "scope", "summary", "departments", "requirements", "people"}
    assert data["period"] == {"from": "2026-01-01", "to": "2026-12-31"} and data["scope"] == "全院"
    s = data["summary"]
    assert (s["people"], s["complete"], s["tested"], s["aware"], s["awareness"], s["awareness_target"]) == \
           (7, 0, 2, 1, 0.5, 0.9)
    assert (s["sessions"], s["participants"], s["assessment_pass_rate"]) == (2, 6, 0.5)
    ward = next(d for d in data["departments"] if d["department"] == "内科一病区")
    assert (ward["tested"], ward["aware"], ward["below_target"]) == (1, 0, True)
    assert data["departments"][-1]["department"] == "全院" and data["departments"][-1]["department_id"] is None
    assert data["requirements"] == [{"requirement_id": data["requirements"][0]["requirement_id"],
                                     "label": "核心制度：全体人员每年 2 次，并考核合格", "people": 7, "met": 0, "rate": 0.0}]
    zhang = next(p for p in data["people"] if p["name"] == "张三")
    assert zhang["gaps"] == [{"label": "核心制度：全体人员每年 2 次，并考核合格", "required": 2, "attended": 1, "missing": 1,
                              "needs_pass": True, "passed": True, "text": "还差 1 次"}]
    assert len(data["people"]) == 7


def test_coverage_of_a_department_as_text_and_a_report(run, ids, tmp_path):
    pdf = tmp_path / "覆盖.pdf"
    out = run("coverage", "--from", "2026-01-01", "--to", "2026-12-31", "--department", "内科", "-o", str(pdf))
    assert out.returncode == 0, out.stderr
    assert "培训覆盖（内科（含下属科室），2026年1月1日至2026年12月31日）" in out.stdout
    assert "在岗人数\t4" in out.stdout and "内科一病区\t2\t0\t0.0%\t1\t0\t0.0%（未达标）" in out.stdout
    assert "外科" not in out.stdout and "培训场次（全院）\t2" in out.stdout
    assert f"已写入：{pdf}" in out.stdout and "科室：内科（含下属科室）" in pdftools.flat(pdf)
    unknown = run("coverage", "--from", "2026-01-01", "--to", "2026-12-31", "--department", "儿科")
    assert unknown.returncode == 1 and "科室“儿科”不存在。已有的科室：内科、外科" in unknown.stderr


def test_export_session_and_the_sign_in_sheet(run, ids, tmp_path):
    xlsx, pdf, sheet = tmp_path / "成绩.xlsx", tmp_path / "成绩.pdf", tmp_path / "签到表.pdf"
    out = run("export-session", "--id", str(ids["held"]), "-o", str(xlsx))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"已写入：{xlsx}（2026-11-20 核心制度培训（一），应到 7 人）"
    rows = {r[2]: r for r in load_workbook(xlsx)["签到与成绩"].iter_rows(values_only=True) if isinstance(r[0], int)}
    assert rows["张三"][5:9] == ("到", 90, None, "合格") and rows["赵敏"][5] == "缺席" and rows["王芳"][8] == "不合格"
    assert run("export-session", "--id", str(ids["held"]), "-o", str(pdf)).returncode == 0
    assert "培训签到与成绩表" in pdftools.flat(pdf)
    out = run("signin", "--id", str(ids["planned"]), "-o", str(sheet))
    assert out.returncode == 0, out.stderr
    text = pdftools.flat(sheet)
    assert "培训签到表" in text and "培训主题核心制度培训（二）" in text and "应到7人" in text


def test_wrong_extension_or_unknown_session_is_answered_in_chinese(run, ids, tmp_path):
    wrong = run("signin", "--id", str(ids["planned"]), "-o", str(tmp_path / "签到表.xlsx"))
    assert wrong.returncode == 1 and "签到表的输出文件须为 .pdf 文件，请把“签到表.xlsx”的扩展名改为 .pdf。" in wrong.stderr
    missing = run("export-session", "--id", "999", "-o", str(tmp_path / "x.pdf"))
    assert missing.returncode == 1 and "该培训记录不存在" in missing.stderr
    assert not (tmp_path / "签到表.xlsx").exists() and not (tmp_path / "x.pdf").exists()


def test_sessions_list_and_transcript(run, ids, tmp_path):
    out = run("sessions", "--from", "2026-11-01", "--to", "2026-12-31")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [f"{ids['planned']}\t2026-12-10\t核心制度培训（二）\t核心制度\t应到 7\t实到 未登记",
                                       f"{ids['held']}\t2026-11-20\t核心制度培训（一）\t核心制度\t应到 7\t实到 6"]
    pdf = tmp_path / "档案.pdf"
    out = run("transcript", "--staff", "N001", "--year", "2026", "-o", str(pdf))
    assert out.returncode == 0, out.stderr
    assert "内科一病区 王芳" in out.stdout and "个人培训档案" in pdftools.flat(pdf)
    assert run("transcript", "--staff", "X999", "-o", str(pdf)).stderr.strip().endswith("工号“X999”不在人员名册中，请核对 --staff。")


def test_import_previews_then_applies(run, ids, db_path, tmp_path):
    bad = write_xlsx(tmp_path / "错.xlsx", [["姓名", "签到", "成绩"], ["张三", "到", 120], ["李五", "到", 80]])
    out = run("import", str(bad), "--id", str(ids["held"]), "--apply")
    assert out.returncode == 1
    assert "错误　第 2 行 C 列 “成绩”：成绩 120 超出 0–100 分" in out.stderr
    assert "错误　第 3 行 A 列 “姓名”：“李五”不在人员名册中。是否是：李四？" in out.stderr
    assert "未写入任何数据" in out.stderr

    good = write_xlsx(tmp_path / "签到.xlsx", [["姓名", "工号", "签到", "成绩", "补考"], ["王芳", "N001", "到", 60, 85],
                                             ["赵敏", "N002", "到", 82, None]])
    preview = run("import", str(good), "--id", str(ids["held"]))
    assert preview.returncode == 0, preview.stderr
    assert "这是预览，未写入数据" in preview.stdout and "提醒　这次培训已登记过签到（实到 6 人）" in preview.stderr
    done = run("import", str(good), "--id", str(ids["held"]), "--apply")
    assert done.returncode == 0, done.stderr
    assert "已导入：到 2 人（计划外 0 人），缺席 0 人，成绩 2 人。" in done.stdout
    listing = run("sessions", "--from", "2026-11-20", "--to", "2026-11-20", "--json")
    assert json.loads(listing.stdout)[0]["present"] == 7

    template = tmp_path / "模板.xlsx"
    assert run("template", "--id", str(ids["held"]), "-o", str(template)).returncode == 0
    assert load_workbook(template).sheetnames == ["签到表", "说明"]
