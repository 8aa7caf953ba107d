"""Grants, their history and lapse; assessments applied in one step; the operations log check."""
import datetime as dt

import pytest

from desktop_app import errors
from desktop_app.surgery import operations
from desktop_app.surgery import privileges as priv


def approved_assessment(system, staff_id, codes=(), grade=None, conclusion="授予", on="2026-02-01"):
    return priv.save_assessment(system, {
        "staff_id": staff_id, "period_from": "2025-01-01", "period_to": "2025-12-31", "grade": grade,
        "procedures": [{"code": c, "cases": 12, "complications": 0} for c in codes], "conclusion": conclusion,
        "assessed_on": on, "assessors": "外科质量与安全管理小组", "approved_by": "医疗质量与安全管理委员会",
        "approved_on": on})


def test_grade_grants_and_procedure_grants(system, hospital, book):
    li = hospital.staff["李四"]
    (g,) = priv.grant(system, li, {"scope": "grade", "grade": 2, "granted_on": "2026-01-10"})
    assert g.what == "授权至二级手术" and g.valid_until == "2028-01-09"  # 24 months
    made = priv.grant(system, li, {"scope": "procedure", "codes": ["437x01"], "granted_on": "2026-01-10"})
    assert [p.what for p in made] == ["胃大部切除伴胃空肠吻合术（43.7x01，三级）"]
    with pytest.raises(errors.ValidationError, match="三、四级手术须逐项授权"):
        priv.grant(system, li, {"scope": "grade", "grade": 3})
    with pytest.raises(errors.ValidationError, match="一、二级手术按级别授权"):
        priv.grant(system, li, {"scope": "procedure", "codes": ["47.0901"]})


def test_grade_four_needs_an_approved_assessment_and_at_most_a_year(system, hospital, book):
    li = hospital.staff["李四"]
    with pytest.raises(errors.ValidationError, match="四级手术授权须以能力评估为依据"):
        priv.grant(system, li, {"scope": "procedure", "codes": ["52.7x01"], "granted_on": "2026-02-01"})
    basis = approved_assessment(system, li, ["52.7x01"])
    with pytest.raises(errors.ValidationError, match="四级手术授权有效期最长 12 个月（至 2027-01-31）"):
        priv.grant(system, li, {"scope": "procedure", "codes": ["52.7x01"], "granted_on": "2026-02-01",
                                "valid_until": "2027-06-30", "assessment_id": basis.id})
    (g,) = priv.grant(system, li, {"scope": "procedure", "codes": ["52.7x01"], "granted_on": "2026-02-01",
                                   "assessment_id": basis.id})
    assert g.valid_until == "2027-01-31" and g.approved_by == "医疗质量与安全管理委员会"


def test_no_grant_without_a_practising_certificate(system, hospital, book):
    with pytest.raises(errors.ValidationError, match="曾志伟没有执业证书编号"):
        priv.grant(system, hospital.staff["曾志伟"], {"scope": "grade", "grade": 1})
    with pytest.raises(errors.ValidationError, match="手术授权只授予医师"):
        priv.grant(system, hospital.staff["王芳"], {"scope": "grade", "grade": 1})


def test_renewal_replaces_and_keeps_history_and_states(system, hospital, book, clock):
    li = hospital.staff["李四"]
    priv.grant(system, li, {"scope": "procedure", "codes": ["43.7x01"], "granted_on": "2026-01-01",
                            "valid_until": "2026-10-31"})
    card = priv.surgeon_card(system, li)
    assert [p.state(card.today) for p in card.current] == ["过期"]  # today is 2026-11-23
    priv.grant(system, li, {"scope": "procedure", "codes": ["43.7x01"], "granted_on": "2026-11-20"})
    card = priv.surgeon_card(system, li)
    assert [(p.granted_on, p.state(card.today)) for p in card.current] == [("2026-11-20", "有效")]
    assert [(p.status, p.ended_on) for p in card.history] == [("已替代", "2026-11-20")]


def test_suspend_resume_cancel(system, hospital, book):
    li = hospital.staff["李四"]
    (g,) = priv.grant(system, li, {"scope": "procedure", "codes": ["43.7x01"], "granted_on": "2026-01-10"})
    with pytest.raises(errors.ValidationError, match="请写明原因"):
        priv.change_status(system, g.id, "suspend", "2026-06-01")
    g = priv.change_status(system, g.id, "suspend", "2026-06-01", "术后出血不良事件，暂停待再评估")
    assert (g.status, g.ended_on) == ("暂停", "2026-06-01")
    with pytest.raises(errors.Conflict, match="当前为“暂停”，不能暂停"):
        priv.change_status(system, g.id, "suspend", "2026-06-02", "再次")
    assert priv.change_status(system, g.id, "resume").status == "有效"
    assert priv.change_status(system, g.id, "cancel", "2026-07-01", "调离").status == "取消"


def test_applying_assessments_changes_grants_in_one_step(system, hospital, book, db):
    li = hospital.staff["李四"]
    grant_all = approved_assessment(system, li, ["43.7x01", "52.7x01"])
    made = priv.apply_assessment(system, grant_all.id)
    assert sorted(p.code for p in made) == ["43.7x01", "52.7x01"] and all(p.assessment_id == grant_all.id for p in made)
    with pytest.raises(errors.Conflict, match="已于 2026-11-23 执行"):
        priv.apply_assessment(system, grant_all.id)
    unapproved = priv.save_assessment(system, {"staff_id": li, "period_from": "2026-01-01", "period_to": "2026-06-30",
                                               "procedures": [{"code": "52.7x01"}], "conclusion": "暂停"})
    with pytest.raises(errors.ValidationError, match="须经医疗质量与安全管理委员会批准"):
        priv.apply_assessment(system, unapproved.id)
    suspend = approved_assessment(system, li, ["52.7x01"], conclusion="暂停", on="2026-07-01")
    (changed,) = priv.apply_assessment(system, suspend.id)
    assert (changed.code, changed.status, changed.ended_on) == ("52.7x01", "暂停", "2026-07-01")
    rows = db.query("SELECT entity, after_json FROM audit_log WHERE entity IN ('surgeon_privilege',"
                    " 'privilege_assessment') ORDER BY id DESC LIMIT 2")
    assert {r[0] for r in rows} == {"surgeon_privilege", "privilege_assessment"}


def test_lapses_with_reminder_tiers(system, hospital, book):
    li = hospital.staff["李四"]
    priv.grant(system, li, {"scope": "procedure", "codes": ["43.7x01"], "granted_on": "2026-01-01",
                            "valid_until": "2026-12-31"})
    priv.grant(system, li, {"scope": "grade", "grade": 2, "granted_on": "2024-11-01"})  # lapsed 2026-10-31
    lapses = {l.privilege.scope: l for l in priv.lapsing(system)}
    assert (lapses["procedure"].days_left, lapses["procedure"].tier) == (38, 60)
    assert lapses["grade"].days_left < 0 and lapses["grade"].tier is None


def test_authorised_surgeons_for_a_procedure(system, hospital, book):
    li, zs = hospital.staff["李四"], hospital.staff["张三"]
    priv.grant(system, li, {"scope": "grade", "grade": 2, "granted_on": "2026-01-10"})
    priv.grant(system, zs, {"scope": "grade", "grade": 1, "granted_on": "2026-01-10"})
    assert [g.staff_name for g in priv.authorised_surgeons(system, "51.2301")] == ["李四"]
    assert sorted(g.staff_name for g in priv.authorised_surgeons(system, "47.0901")) == ["张三", "李四"]
    with pytest.raises(errors.NotFound):
        priv.authorised_surgeons(system, "99.9999")


def test_operations_log_finds_operations_without_privilege(system, hospital, book):
    li, zs = hospital.staff["李四"], hospital.staff["张三"]
    priv.grant(system, li, {"scope": "procedure", "codes": ["43.7x01"], "granted_on": "2026-03-01"})
    (g,) = priv.grant(system, li, {"scope": "grade", "grade": 2, "granted_on": "2026-01-10"})
    priv.change_status(system, g.id, "suspend", "2026-05-01", "暂停")
    rows = [
        {"row": 2, "date": "2026-03-05", "patient_no": "Z001", "code": "43.7x01", "name": "", "surgeon": "D002"},
        {"row": 3, "date": "2026-02-05", "patient_no": "Z002", "code": "437x01", "name": "", "surgeon": "李四"},
        {"row": 4, "date": "2026-04-05", "patient_no": "Z003", "code": "", "name": "阑尾切除术", "surgeon": "李四"},
        {"row": 5, "date": "2026-05-05", "patient_no": "Z004", "code": "47.0901", "name": "", "surgeon": "李四"},
        {"row": 6, "date": "2026-05-05", "patient_no": "Z005", "code": "52.7x01", "name": "", "surgeon": "张三"},
        {"row": 7, "date": "2026-05-05", "patient_no": "Z006", "code": "99.9999", "name": "不明手术", "surgeon": "张三"},
        {"row": 8, "date": "2026-05-05", "patient_no": "Z007", "code": "47.0901", "name": "", "surgeon": "王五"},
    ]
    check = operations.check_operations(system, rows)
    assert [(p.row, p.label) for p in check.problems] == [(7, "手术"), (8, "术者")]
    bad = {o.row: o.finding for o in check.unprivileged}
    assert set(bad) == {3, 5, 6} and bad[3] == "授权自 2026-03-01 起，手术时尚未授权"
    assert bad[5] == "授权已于 2026-05-01 暂停" and bad[6] == "四级手术，该医师未获此项授权"
    with pytest.raises(errors.ValidationError) as caught:
        operations.record_operations(system, "手术记录.xlsx", "abc", rows)
    assert "不是本院登记的医师" in caught.value.message
    saved = operations.record_operations(system, "手术记录.xlsx", "abc", rows[:5])
    assert len(saved.unprivileged) == 3
    with pytest.raises(errors.Conflict, match="已经导入过"):
        operations.record_operations(system, "手术记录.xlsx", "abc", rows[:5])
    listed = operations.unprivileged(system, "2026-01-01", "2026-12-31")
    assert sorted((r["patient_no"], r["staff_name"]) for r in listed) == [("Z002", "李四"), ("Z004", "李四"), ("Z005", "张三")]
    perf = operations.performance(system, "2026-01-01", "2026-12-31")
    assert (perf.filed, perf.performed) == (0, 0)  # nothing filed yet
    from desktop_app.surgery import catalogue as catalogues
    catalogues.file_catalogue(system, book.id, "2026-01-05")
    perf = operations.performance(system, "2026-01-01", "2026-12-31")
    assert (perf.filed, perf.performed, perf.rate) == (3, 2, pytest.approx(2 / 3))
    assert (perf.operations, perf.grade34_operations, perf.unprivileged) == (5, 3, 3)
    # a later export overlapping the first: only the new operation is recorded, nothing counted twice
    overlap = rows[3:5] + [{"row": 9, "date": "2026-06-01", "patient_no": "Z008", "code": "43.7x01", "name": "",
                            "surgeon": "李四"}]
    check = operations.check_operations(system, overlap)
    assert [o.recorded for o in check.operations] == [True, True, False] and len(check.already_recorded) == 2
    saved = operations.record_operations(system, "六月手术记录.xlsx", "def", overlap)
    perf = operations.performance(system, "2026-01-01", "2026-12-31")
    assert (perf.operations, perf.unprivileged) == (6, 3)
    with pytest.raises(errors.Conflict, match="3 例手术此前都已导入"):
        operations.record_operations(system, "再导一次.xlsx", "ghi", overlap)


def test_add_months_ends_the_day_before():
    assert priv.add_months(dt.date(2026, 3, 15), 12) == dt.date(2027, 3, 14)
    assert priv.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 27)  # Feb has no 31st: from the 28th


def test_authorised_surgeons_on_a_past_day_as_the_grants_then_stood(system, hospital, book):
    li, zs = hospital.staff["李四"], hospital.staff["张三"]
    (g,) = priv.grant(system, li, {"scope": "procedure", "codes": ["437x01"], "granted_on": "2026-01-10"})
    priv.grant(system, zs, {"scope": "procedure", "codes": ["437x01"], "granted_on": "2026-06-01"})
    priv.change_status(system, g.id, "suspend", on="2026-09-01", reason="发生严重并发症，暂停待再评估")
    names = lambda day=None: [x.staff_name for x in priv.authorised_surgeons(system, "43.7x01", day)]
    assert names("2026-03-01") == ["李四"]  # 张三 not yet granted
    assert names("2026-07-01") == ["张三", "李四"]  # both, although 李四 was suspended later
    assert names("2026-09-01") == names() == ["张三"]  # the suspension counts from its day


def test_a_replaced_grant_has_its_own_audit_row(system, hospital, book, db):
    li = hospital.staff["李四"]
    (first,) = priv.grant(system, li, {"scope": "procedure", "codes": ["43.7x01"], "granted_on": "2026-01-10"})
    (second,) = priv.grant(system, li, {"scope": "procedure", "codes": ["43.7x01"], "granted_on": "2026-11-20",
                                        "reason": "再评估后重新授权"})
    rows = db.query("SELECT entity_uid, action, before_json, after_json FROM audit_log WHERE entity = 'surgeon_privilege'"
                    " ORDER BY id")
    assert [(r["entity_uid"], r["action"]) for r in rows] == [(first.uid, "create"), (first.uid, "update"),
                                                              (second.uid, "create")]
    import json

    assert json.loads(rows[1]["before_json"])["status"] == "有效"
    assert {k: json.loads(rows[1]["after_json"])[k] for k in ("status", "ended_on", "reason")} == {
        "status": "已替代", "ended_on": "2026-11-20", "reason": "再评估后重新授权"}
    assert json.loads(rows[2]["after_json"])["reason"] == "再评估后重新授权"


def test_an_assessment_applied_meanwhile_elsewhere_is_not_applied_twice(system, hospital, book, db, db_path,
                                                                         monkeypatch):
    """Two computers carry out the same conclusion at once: the second is refused, nothing granted twice."""
    from desktop_app.session import Session
    from desktop_app.storage.database import open_database

    li = hospital.staff["李四"]
    a = approved_assessment(system, li, ["43.7x01"])
    other = open_database(db_path)
    real = priv._surgeon
    done = []

    def meanwhile(*args):  # runs after apply_assessment has read the assessment, before its transaction
        if not done:
            done.append(True)
            priv.apply_assessment(Session(other, system.actor, system.clock), a.id)
        return real(*args)

    monkeypatch.setattr(priv, "_surgeon", meanwhile)
    try:
        with pytest.raises(errors.Conflict, match="刚被他人执行"):
            priv.apply_assessment(system, a.id)
    finally:
        other.close()
    assert done and [p.code for p in priv.surgeon_card(system, li).current] == ["43.7x01"]
