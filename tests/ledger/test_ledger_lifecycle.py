"""The rectification loop as each role lives it: register → 整改中 → 待复查 → 销号 (and back)."""
import json

import pytest

from desktop_app import errors
from desktop_app.accounts.audit import verify_chain
from desktop_app.accounts.permissions import Role
from desktop_app.ledger import service as ledger
from desktop_app.ledger.models import LedgerFilter


@pytest.fixture
def problem(session_as, hospital):
    quality = session_as(Role.QUALITY)
    return ledger.register_item(quality, {
        "found_on": "2026-11-02", "deadline": "2026-11-30", "source": "投诉", "category": "首诊负责制度",
        "description": "急诊患者候诊超过 30 分钟无人接诊", "department_id": hospital.departments["内科"],
        "severity": "较重",
    })


def test_full_loop_per_role(session_as, problem, hospital, db):
    quality = session_as(Role.QUALITY)
    head = session_as(Role.DEPT_HEAD, "内科")
    assert problem.number == "2026-0001" and problem.status == "待整改"

    started = ledger.save_rectification(head, problem.id, {
        "cause_analysis": "夜间急诊仅 1 名医师", "measures": "增设二线听班", "responsible_person": "张三"})
    assert started.status == "整改中"
    with pytest.raises(errors.ValidationError) as exc:
        ledger.submit_for_recheck(head, problem.id, {"progress": ""})
    assert exc.value.for_field("整改情况")
    submitted = ledger.submit_for_recheck(head, problem.id, {"progress": "已排班，附排班表", "rectified_on": "2026-11-20"})
    assert submitted.status == "已整改待复查"

    with pytest.raises(errors.PermissionDenied):  # a department head cannot close their own problem
        ledger.recheck(head, problem.id, {"recheck_opinion": "好", "rechecker": "张三", "recheck_on": "2026-11-21"},
                       passed=True)
    failed = ledger.recheck(quality, problem.id, {"recheck_opinion": "二线未到岗签字", "rechecker": "周明",
                                                  "recheck_on": "2026-11-21"}, passed=False)
    assert failed.status == "整改中" and failed.recheck_opinion == "二线未到岗签字"
    ledger.submit_for_recheck(head, problem.id, {"progress": "补签到制度，附签到表"})
    closed = ledger.recheck(quality, problem.id, {"recheck_opinion": "已落实", "rechecker": "周明",
                                                  "recheck_on": "2026-11-23"}, passed=True)
    assert (closed.status, closed.closed_on, closed.closed_by) == ("已销号", "2026-11-23", "质控管理员用户")
    with pytest.raises(errors.ValidationError, match="不能早于今天"):
        ledger.reopen(quality, problem.id, "再次发现", deadline="2026-11-01")
    reopened = ledger.reopen(quality, problem.id, "上级督查再次发现同类问题", deadline="2026-12-15")
    assert reopened.status == "整改中" and reopened.closed_on is None and reopened.deadline == "2026-12-15"
    assert reopened.recheck_opinion is None and reopened.due == ""

    events = [e.event for e in ledger.timeline(quality, problem.id)]
    assert events == ["登记", "开始整改", "提交复查", "复查不通过", "提交复查", "复查通过（销号）", "重新打开"]
    audited = db.scalar("SELECT count(*) FROM audit_log WHERE entity = 'ledger_item'")
    assert audited == len(events) and verify_chain(db).ok


def test_closing_needs_opinion_rechecker_and_date(session_as, problem, hospital):
    quality = session_as(Role.QUALITY)
    ledger.save_rectification(quality, problem.id, {"cause_analysis": "a", "measures": "b", "responsible_person": "c"})
    ledger.submit_for_recheck(quality, problem.id, {"progress": "done"})
    with pytest.raises(errors.ValidationError) as exc:
        ledger.recheck(quality, problem.id, {}, passed=True)
    assert {f.label for f in exc.value.findings} == {"复查意见", "复查人", "复查日期"}
    assert ledger.get_item(quality, problem.id).status == "已整改待复查"  # nothing half-saved


def test_steps_out_of_order_are_refused(session_as, problem):
    quality = session_as(Role.QUALITY)
    with pytest.raises(errors.Conflict, match="只有“整改中”"):
        ledger.submit_for_recheck(quality, problem.id, {"progress": "x"})
    with pytest.raises(errors.Conflict, match="只有“已整改待复查”"):
        ledger.recheck(quality, problem.id, {"recheck_opinion": "x", "rechecker": "y", "recheck_on": "2026-11-20"},
                       passed=True)
    with pytest.raises(errors.Conflict, match="只有已销号"):
        ledger.reopen(quality, problem.id, "x")


def test_registration_errors_name_the_field(session_as, hospital):
    quality = session_as(Role.QUALITY)
    with pytest.raises(errors.ValidationError) as exc:
        ledger.register_item(quality, {"found_on": "2026-11-10", "deadline": "2026-11-01", "source": "路边",
                                       "category": "", "description": "", "department": "无此科室"})
    fields = {f.label for f in exc.value.findings}
    assert fields == {"整改时限", "来源", "问题类别", "问题描述", "责任科室"}
    assert "不能早于发现日期" in exc.value.message


def test_department_head_sees_and_works_only_own_department(session_as, hospital, problem):
    quality = session_as(Role.QUALITY)
    other = ledger.register_item(quality, {
        "found_on": "2026-11-03", "deadline": "2026-12-03", "source": "自查", "category": "查对制度",
        "description": "手术部位未标记", "department_id": hospital.departments["外科"]})
    ward = ledger.register_item(quality, {
        "found_on": "2026-11-04", "deadline": "2026-12-04", "source": "自查", "category": "分级护理制度",
        "description": "巡视记录缺", "department_id": hospital.departments["内科一病区"]})
    head = session_as(Role.DEPT_HEAD, "内科")
    assert {r.id for r in ledger.list_items(head)} == {problem.id, ward.id}
    with pytest.raises(errors.PermissionDenied):
        ledger.get_item(head, other.id)
    with pytest.raises(errors.PermissionDenied):
        ledger.save_rectification(head, other.id, {"cause_analysis": "a", "measures": "b", "responsible_person": "c"})
    with pytest.raises(errors.PermissionDenied):
        ledger.register_item(head, {"found_on": "2026-11-05", "deadline": "2026-12-05", "source": "科室自查",
                                    "category": "查对制度", "description": "x",
                                    "department_id": hospital.departments["外科"]})
    assert {r.id for r in ledger.list_items(quality)} == {problem.id, other.id, ward.id}


def test_reader_and_clinician_rights(session_as, problem):
    reader = session_as(Role.READONLY)
    assert ledger.get_item(reader, problem.id).number == problem.number
    with pytest.raises(errors.PermissionDenied):
        ledger.save_rectification(reader, problem.id, {"cause_analysis": "a", "measures": "b", "responsible_person": "c"})
    with pytest.raises(errors.PermissionDenied):
        ledger.list_items(session_as(Role.CLINICIAN))


def test_overdue_is_computed_from_deadline_and_today(session_as, problem, clock):
    quality = session_as(Role.QUALITY)
    assert ledger.get_item(quality, problem.id).due == "即将到期"  # deadline 11-30, today 11-23
    clock.advance(days=8)  # 12-01
    assert ledger.get_item(quality, problem.id).due == "逾期"
    assert [r.id for r in ledger.list_items(quality, LedgerFilter(overdue=True))] == [problem.id]
    ledger.save_rectification(quality, problem.id, {"cause_analysis": "a", "measures": "b", "responsible_person": "c"})
    ledger.submit_for_recheck(quality, problem.id, {"progress": "done"})
    ledger.recheck(quality, problem.id, {"recheck_opinion": "ok", "rechecker": "r", "recheck_on": "2026-12-01"},
                   passed=True)
    assert ledger.get_item(quality, problem.id).due == ""
    assert ledger.list_items(quality, LedgerFilter(overdue=True)) == []
    assert "逾期" not in json.dumps([r[0] for r in quality.db.query("SELECT * FROM ledger_items")])


def test_attachments_are_stored_checked_and_refused_when_unreadable(session_as, problem, tmp_path):
    head = session_as(Role.DEPT_HEAD, "内科")
    photo = tmp_path / "整改照片.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + b"jpegdata" * 100)
    ledger.save_rectification(head, problem.id, {"cause_analysis": "a", "measures": "b", "responsible_person": "c"})
    att = ledger.add_attachment(head, problem.id, photo, "整改后现场")
    name, content = ledger.attachment_content(head, att.id)
    assert name == "整改照片.jpg" and content == photo.read_bytes()
    fake = tmp_path / "扫描件.pdf"
    fake.write_text("not a pdf")
    with pytest.raises(errors.ValidationError, match="不是有效的PDF"):
        ledger.add_attachment(head, problem.id, fake)
    with pytest.raises(errors.ValidationError, match="无法读取"):
        ledger.add_attachment(head, problem.id, tmp_path / "不存在.png")
    with pytest.raises(errors.ValidationError, match="不是可作为附件"):
        ledger.add_attachment(head, problem.id, tmp_path / "病毒.exe")
    assert len(ledger.list_attachments(head, problem.id)) == 1


def test_only_untouched_problems_can_be_deleted(session_as, problem):
    quality = session_as(Role.QUALITY)
    ledger.save_rectification(quality, problem.id, {"cause_analysis": "a", "measures": "b", "responsible_person": "c"})
    with pytest.raises(errors.Conflict, match="不能删除"):
        ledger.delete_item(quality, problem.id)


def test_numbers_run_per_year(session_as, hospital):
    quality = session_as(Role.QUALITY)
    base = {"deadline": "2026-12-31", "source": "自查", "category": "查对制度", "description": "x",
            "department_id": hospital.departments["内科"]}
    a = ledger.register_item(quality, {**base, "found_on": "2025-12-30"})
    b = ledger.register_item(quality, {**base, "found_on": "2026-01-02"})
    c = ledger.register_item(quality, {**base, "found_on": "2026-01-03"})
    assert (a.number, b.number, c.number) == ("2025-0001", "2026-0001", "2026-0002")


def test_closed_problem_cannot_be_edited_without_reopening(session_as, problem):
    quality = session_as(Role.QUALITY)
    ledger.save_rectification(quality, problem.id, {"cause_analysis": "a", "measures": "b", "responsible_person": "c"})
    ledger.submit_for_recheck(quality, problem.id, {"progress": "done"})
    ledger.recheck(quality, problem.id, {"recheck_opinion": "ok", "rechecker": "r", "recheck_on": "2026-11-23"},
                   passed=True)
    with pytest.raises(errors.Conflict, match="重新打开"):
        ledger.update_registration(quality, problem.id, {"description": "改"})


def test_dashboard_lists_overdue_and_due_soon(session_as, problem, clock):
    from desktop_app.dashboard import StartupHealth, collect

    head = session_as(Role.DEPT_HEAD, "内科")
    titles = [t.title for t in collect(head, StartupHealth(integrity_checked=True))]
    assert any("7 天内到期的问题 1 项" in t for t in titles)
    clock.advance(days=10)
    titles = [t.title for t in collect(head, StartupHealth(integrity_checked=True))]
    assert any("逾期未销号的问题 1 项" in t for t in titles)
