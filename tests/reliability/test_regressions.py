"""Bugs the reliability runs found, each pinned by the smallest case that shows it."""
import pytest

from desktop_app import errors
from desktop_app.surgery import catalogue as catalogues, privileges as priv


@pytest.fixture
def surgeon(system, hospital):
    book = catalogues.create_catalogue(system, {"name": "目录", "effective_date": "2026-01-01"})
    catalogues.save_procedure(system, book.id, {"code": "43.7x01", "name": "胃大部切除伴胃空肠吻合术", "grade": 3,
                                                "department_id": hospital.departments["外科"]})
    catalogues.approve_catalogue(system, book.id, "医疗质量与安全管理委员会", "2025-12-20", "2026-01-01")
    return hospital.staff["李四"]


def _in_force(db, staff_id):
    return db.scalar("SELECT count(*) FROM surgeon_privileges WHERE staff_id = ? AND code = '43.7x01'"
                     " AND status = '有效'", (staff_id,))


def test_a_new_grant_replaces_a_suspended_one_so_resuming_cannot_make_two(system, db, surgeon):
    """Found by the crash run's checks: grant, suspend, grant again, resume the first → two grants in force."""
    (first,) = priv.grant(system, surgeon, {"scope": "procedure", "codes": ["43.7x01"]})
    priv.change_status(system, first.id, "suspend", None, "不良事件，暂停待再评估")
    (second,) = priv.grant(system, surgeon, {"scope": "procedure", "codes": ["43.7x01"]})
    assert second.replaces_id == first.id
    with pytest.raises(errors.Conflict, match="不能恢复"):
        priv.change_status(system, first.id, "resume")
    assert _in_force(db, surgeon) == 1


def test_resuming_checks_the_grant_again_under_the_write_lock(system, db, db_path, surgeon, monkeypatch):
    """Found by the two-programs run: one computer resumes a suspended grant while another has just granted
    the same procedure again (replacing it); the resume must see that, not the state read before."""
    from desktop_app.session import Session
    from desktop_app.storage.database import open_database

    (first,) = priv.grant(system, surgeon, {"scope": "procedure", "codes": ["43.7x01"]})
    priv.change_status(system, first.id, "suspend", None, "暂停")
    other = open_database(db_path)
    real = priv.clean_prose
    done = []

    def meanwhile(text):  # runs after change_status has read the grant, before its transaction
        if not done:
            done.append(True)
            priv.grant(Session(other, system.actor, system.clock), surgeon, {"scope": "procedure", "codes": ["43.7x01"]})
        return real(text)

    monkeypatch.setattr(priv, "clean_prose", meanwhile)
    try:
        with pytest.raises(errors.Conflict, match="已替代"):
            priv.change_status(system, first.id, "resume")
    finally:
        other.close()
    assert done and _in_force(db, surgeon) == 1


# ---- two computers acting on the same record at once (found by the shared-records concurrency run)

@pytest.fixture
def two(tmp_path, template_db):
    """Two connections to one copy of the workload template: (here, there) sessions of ward 0's nurse."""
    from desktop_app.accounts.service import _get_user
    from desktop_app.session import Session
    from desktop_app.storage.database import open_database
    from tests.reliability import drivers, workload

    path = workload.copy_database(template_db, tmp_path / "two.db")
    here, there = open_database(path), open_database(path)
    nurse = _get_user(here, here.scalar("SELECT id FROM users WHERE username = 'w0_out'")).actor()
    yield Session(here, nurse, drivers._clock()), Session(there, nurse, drivers._clock())
    here.close()
    there.close()


def _meanwhile(monkeypatch, module, name, action):
    """Patch ``module.name`` so that its first call first runs ``action`` (the other computer's step)."""
    real = getattr(module, name)
    done = []

    def patched(*args, **kwargs):
        if not done:
            done.append(True)
            action()
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, patched)
    return done


def test_two_rechecks_at_once_do_not_both_count(two, monkeypatch):
    from desktop_app.ledger import service as ledger
    from desktop_app.session import SYSTEM_ACTOR

    here, there = (s.as_actor(SYSTEM_ACTOR) for s in two)
    dept = here.db.scalar("SELECT id FROM departments WHERE name = '内科'")
    item = ledger.register_item(here, {"found_on": "2026-11-01", "deadline": "2026-11-30", "source": "自查",
                                       "category": "查对制度", "description": "同时复查", "department_id": dept})
    ledger.save_rectification(here, item.id, {"cause_analysis": "a", "measures": "b", "responsible_person": "c"})
    ledger.submit_for_recheck(here, item.id, {"progress": "done"})
    check = {"recheck_opinion": "ok", "rechecker": "周明", "recheck_on": "2026-11-23"}
    done = _meanwhile(monkeypatch, ledger, "clean_text",
                      lambda: ledger.recheck(there, item.id, check, passed=True))
    with pytest.raises(errors.Conflict, match="刚被他人处理过"):
        ledger.recheck(here, item.id, {**check, "recheck_opinion": "不通过"}, passed=False)
    assert done
    events = [(e.event, e.from_status, e.to_status) for e in ledger.timeline(here, item.id)]
    assert events[-1][1:] == ("已整改待复查", "已销号") and len(events) == 4 and ledger.get_item(here, item.id).status == "已销号"


def test_a_receiving_signature_is_never_signed_over(two, monkeypatch):
    from desktop_app.accounts import service as accounts
    from desktop_app.handover import service as handover
    from tests.reliability.workload import CENSUS, PASSWORD

    here, there = two
    ward = here.db.scalar("SELECT id FROM departments WHERE name = '可靠性病区0'")
    report = handover.create_report(here, ward, "2026-11-20", "白班", "nurse", {
        "census": CENSUS, "items": [{"name": "抢救车", "expected": None, "ok": True}],
        "entries": [{"category": "手术", "bed": "3", "patient_name": "王二"}]})
    handover.sign_outgoing(here, report.id)
    done = _meanwhile(monkeypatch, accounts, "authenticate",
                      lambda: handover.sign_receive(there, report.id, "w0_in", PASSWORD))
    with pytest.raises(errors.Conflict, match="刚被他人处理过"):
        handover.sign_receive(here, report.id, "w0_in", PASSWORD)
    assert done
    receipts = here.db.scalar("SELECT count(*) FROM audit_log WHERE entity = 'handover' AND entity_uid = ?"
                              " AND after_json LIKE '%已接班%'", (report.uid,))
    assert receipts == 1


def test_a_draft_signed_elsewhere_is_not_changed_by_an_autosave(two, monkeypatch):
    from desktop_app.handover import service as handover
    from tests.reliability.workload import CENSUS

    here, there = two
    ward = here.db.scalar("SELECT id FROM departments WHERE name = '可靠性病区0'")
    report = handover.create_report(here, ward, "2026-11-21", "白班", "nurse", {
        "census": CENSUS, "items": [{"name": "抢救车", "expected": None, "ok": True}]})
    done = _meanwhile(monkeypatch, handover, "clean_prose", lambda: handover.sign_outgoing(there, report.id))
    with pytest.raises(errors.Conflict, match="已交班"):
        handover.save_draft(here, report.id, {"notes": "签名之后才到的自动保存"})
    assert done and handover.get_report(here, report.id).notes != "签名之后才到的自动保存"


# ---- values no widget should give but a form or a script may (found by the hostile-input run)

NAN, INF = float("nan"), float("inf")


def test_nan_and_infinite_numbers_are_refused_not_crashed_on(system, hospital, db):
    from desktop_app.ledger import checklists, inspections, service as ledger
    from desktop_app.people import service as people
    from desktop_app.roster import service as roster
    from desktop_app.surgery import catalogue

    dept = hospital.departments["内科"]
    with pytest.raises(errors.ValidationError, match="扣分"):  # NaN passed `< 0 or > 100`: NOT NULL crash
        ledger.register_item(system, {"found_on": "2026-11-01", "deadline": "2026-11-30", "source": "自查",
                                      "category": "查对制度", "description": "x", "department_id": dept,
                                      "deduction": NAN})
    core = next(c for c in checklists.list_checklists(system) if c.kind == "核心制度")
    item = checklists.list_items(system, core.id)[0].id
    insp = inspections.create_inspection(system, {"type": "科室月度自查", "inspected_on": "2026-11-20",
                                                  "inspectors": "周明", "checklist_id": core.id,
                                                  "department_ids": [dept]}).id
    with pytest.raises(errors.ValidationError, match="扣分"):
        inspections.record_results(system, insp, dept, [{"item_id": item, "result": "不符合", "deduction": NAN}])
    for order in (INF, -5.3e23):  # the second fitted int() but not SQLite's 64 bits: OverflowError on insert
        with pytest.raises(errors.ValidationError, match="排序"):
            people.create_department(system, {"name": "新科", "kind": "临床", "sort_order": order})
    with pytest.raises(errors.ValidationError, match="每班人数"):
        roster.save_post(system, {"name": "岗", "kind": "一线", "headcount": INF})
    book = catalogue.create_catalogue(system, {"name": "目录"})
    with pytest.raises(errors.ValidationError):
        catalogue.save_procedure(system, book.id, {"code": INF, "name": "手术", "grade": 3})
    with pytest.raises(errors.ValidationError, match="级别"):
        priv.save_assessment(system, {"staff_id": hospital.staff["李四"], "period_from": "2026-01-01",
                                      "period_to": "2026-06-30", "grade": INF, "conclusion": "维持"})
    with pytest.raises(errors.ValidationError, match="例数"):
        priv.save_assessment(system, {"staff_id": hospital.staff["李四"], "period_from": "2026-01-01",
                                      "period_to": "2026-06-30", "grade": 2, "conclusion": "维持", "cases": 10**20})


def test_hospital_profile_takes_a_number_typed_as_the_phone(system):
    from desktop_app.hospital import service as hospital_service

    saved = hospital_service.save_profile(system, {"name": "霍山县人民医院", "level": "二级甲等", "region": "安徽省",
                                                   "phone": 13800000000})
    assert saved.phone == "13800000000"


def test_a_make_up_attempt_of_infinity_is_refused(system, hospital):
    from desktop_app.training import service as training

    category = training.list_categories(system)[0].id
    exam = training.save_assessment(system, {"title": "考核", "category_id": category, "date": "2026-11-10"})
    with pytest.raises(errors.ValidationError, match="第几次考试"):
        training.record_scores(system, exam.id, [{"staff_id": hospital.staff["张三"], "score": 90, "attempt": INF}])
