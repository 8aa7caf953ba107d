"""A first half of 2026 with a little of everything: problems, a training with a 知晓率 survey, a handover
report with a 四级手术 handed over at the bedside, a catalogue with operations (one without privilege)."""
import datetime as dt

import pytest

from desktop_app.handover import service as handover
from desktop_app.ledger import service as ledger
from desktop_app.submissions import service as submissions
from desktop_app.surgery import catalogue as catalogues
from desktop_app.surgery import operations
from desktop_app.surgery import privileges as priv
from desktop_app.training import service as training
from tests.handover.conftest import CENSUS_OK, PASSWORD, user_for
from tests.training.conftest import hold

NARRATIVE = {"工作开展情况": "上半年开展全院自查两次。", "主要做法与亮点": "推行床旁交接班。", "存在问题": "部分科室整改不及时。",
             "下一步计划": "下半年开展专项检查。"}
SIGNERS = {"填报人": "周明", "联系电话": "0564-5012120", "审核人": "李院长", "单位负责人": "王院长"}


@pytest.fixture
def half_year(system, hospital, clock):
    """Records of 2026-01-01 … 06-30; returns the ids the tests compare with."""
    from desktop_app.people import service as people

    d, st = hospital.departments, hospital.staff
    for i, (found, category) in enumerate((("2026-02-10", "查对制度"), ("2026-03-15", "病历管理制度"),
                                            ("2026-07-02", "查对制度"))):
        item = ledger.register_item(system, {"source": "自查", "category": category, "severity": "一般",
                                             "found_on": found, "deadline": "2026-12-31", "description": f"问题 {i}",
                                             "department_id": d["内科"]})
        if i == 0:
            ledger.save_rectification(system, item.id, {"cause_analysis": "a", "measures": "b",
                                                        "responsible_person": "c"})
    cats = {c.code: c.id for c in training.list_categories(system)}
    hold(system, cats["core"], "2026-03-10", scores={st["张三"]: 90, st["王芳"]: 50}, title="核心制度培训")
    survey = training.save_assessment(system, {"kind": "知晓率调查", "title": "知晓率抽考", "category_id": cats["core"],
                                               "date": "2026-05-20"})
    training.record_scores(system, survey.id, [{"staff_id": st["张三"], "score": 95}, {"staff_id": st["李四"], "score": 55},
                                               {"staff_id": st["王芳"], "score": 80}, {"staff_id": st["孙立"], "score": 85}])
    liu = people.create_staff(system, {"employee_no": "N003", "name": "刘洋", "department_id": d["内科一病区"],
                                       "category": "护士", "title": "护师"}).id
    wang = user_for(system, st["王芳"], "wangfang")
    user_for(system, liu, "liuyang")
    clock.current = dt.datetime(2026, 4, 8, 15, 50)
    report = handover.create_report(wang, d["内科一病区"], "2026-04-08", "白班", "nurse", {
        "census": CENSUS_OK, "items": [{"name": "抢救车", "expected": None, "ok": True}],
        "entries": [{"category": "四级手术当日", "bed": "7", "patient_name": "赵六", "operation": "胰十二指肠切除术"},
                    {"category": "四级手术当日", "bed": "9", "patient_name": "钱七", "operation": "全胃切除术"}]})
    handover.record_bedside(wang, report.id, report.entries[0].uid, "2026-04-08 15:40", "床旁交接记录单第 3 页")
    handover.record_bedside(wang, report.id, report.entries[1].uid, "2026-04-08 15:45", "床旁交接记录单第 4 页")
    handover.sign_outgoing(wang, report.id)
    clock.current = dt.datetime(2026, 4, 8, 16, 10)
    handover.sign_receive(wang, report.id, "liuyang", PASSWORD)
    clock.current = dt.datetime(2026, 11, 23, 9, 30)
    book = catalogues.create_catalogue(system, {"name": "手术分级管理目录（2026 年版）", "effective_date": "2026-01-01"})
    for code, name, grade in (("47.0901", "阑尾切除术", 1), ("43.7x01", "胃大部切除伴胃空肠吻合术", 3),
                              ("52.7x01", "胰十二指肠切除术", 4)):
        catalogues.save_procedure(system, book.id, {"code": code, "name": name, "grade": grade})
    catalogues.approve_catalogue(system, book.id, "医疗质量与安全管理委员会", "2025-12-20", "2026-01-01")
    catalogues.file_catalogue(system, book.id, "2026-01-05")
    priv.grant(system, st["李四"], {"scope": "procedure", "codes": ["43.7x01"], "granted_on": "2026-01-10"})
    operations.record_operations(system, "手术记录.xlsx", "x", [
        {"row": 2, "date": "2026-03-05", "patient_no": "Z1", "code": "43.7x01", "surgeon": "李四"},
        {"row": 3, "date": "2026-03-06", "patient_no": "Z2", "code": "52.7x01", "surgeon": "李四"},
        {"row": 4, "date": "2026-08-06", "patient_no": "Z3", "code": "43.7x01", "surgeon": "李四"}])
    return {"report": report.id}


def ready(system):
    """A 上半年 2026 draft with the narrative, the signers and every indicator to be entered filled in."""
    s = submissions.create_submission(system, "上半年", 2026)
    manual = {"unplanned_reoperation": (1, 1200), "postop_acquired": (6, 1100), "adverse_event_reports": (120, 4000),
              "principal_diagnosis_coding": (3700, 4000), "stemi_reperfusion": (17, 20), "stroke_reperfusion": (20, 40),
              "grade4_mdt": (30, 30)}
    return submissions.save_submission(system, s.id, {
        "narrative": NARRATIVE, "signers": SIGNERS,
        "indicators": {k: {"numerator": n, "denominator": d} for k, (n, d) in manual.items()}})
