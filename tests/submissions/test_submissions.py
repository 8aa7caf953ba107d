"""The snapshot's figures against the records; finalising, freezing, versions; verifying files and codes."""
import pytest

from desktop_app import errors
from desktop_app.accounts.permissions import Role
from desktop_app.hospital import service as hospital_settings
from desktop_app.ledger import service as ledger
from desktop_app.submissions import service as submissions
from tests.submissions.conftest import ready


def section(snap, key):
    return next(s for s in snap["sections"] if s["key"] == key)


def indicator(snap, code):
    return next(r for r in snap["indicators"]["rows"] if r["code"] == code)


def test_snapshot_figures_come_from_the_records(system, half_year):
    s = ready(system)
    snap = submissions.snapshot(system, s.id)
    assert snap["period"]["label"] == "2026年1月1日至2026年6月30日" and not snap["empty"]
    ledger_data = section(snap, "ledger")["data"]
    assert (ledger_data["problems"], ledger_data["closed"]) == (2, 0)  # the July problem is outside the period
    assert section(snap, "training")["data"]["sessions"] == 1
    nurse = section(snap, "duty")["data"]["nurse"]
    assert (nurse["written"], nurse["received"], nurse["grade4"], nurse["grade4_bedside"]) == (1, 1, 2, 2)
    surgery = section(snap, "surgery")["data"]
    assert (surgery["operations"], surgery["unprivileged"], surgery["performed"], surgery["filed_grade34"]) == (2, 1, 2, 2)
    awareness = indicator(snap, "core_awareness")
    assert (awareness["numerator"], awareness["denominator"], awareness["rate"], awareness["met"]) == ("3", "4", "75.00%",
                                                                                                     "未达标")
    assert indicator(snap, "grade4_bedside_handover")["rate"] == "100.00%"
    assert indicator(snap, "grade34_performed")["rate"] == "100.00%"
    reop = indicator(snap, "unplanned_reoperation")
    assert (reop["rate"], reop["target"], reop["met"], reop["source"]) == ("0.83‰", "≤ 1.8‰", "达标", "填报")
    assert indicator(snap, "adverse_event_reports")["rate"] == "3.00" and indicator(snap, "adverse_event_reports")["met"] == "达标"


def test_finalising_needs_everything_and_the_right_role(system, half_year, session_as):
    s = submissions.create_submission(system, "上半年", 2026)
    snap = submissions.snapshot(system, s.id)
    fields = {f.label for f in submissions.submission_findings(snap)}
    assert {"工作开展情况", "下一步计划", "非计划重返手术室再手术率", "填报人", "单位负责人"} <= fields
    submissions.save_submission(system, s.id, {"indicators": {"grade4_mdt": {"numerator": 0, "denominator": 0}}})
    messages = [f.message for f in submissions.submission_findings(submissions.snapshot(system, s.id))]
    assert any("四级手术术前多学科讨论完成率”的分母为 0" in m for m in messages)
    s = ready_existing(system, s.id)
    with pytest.raises(errors.PermissionDenied):
        submissions.finalize(session_as(Role.QUALITY), s.id)
    done = submissions.finalize(session_as(Role.LEADER), s.id)
    assert done.final and done.verification_code.startswith("QL-") and done.finalized_by == "院领导用户"


def ready_existing(system, submission_id):
    from tests.submissions.conftest import NARRATIVE, SIGNERS

    manual = ("unplanned_reoperation", "postop_acquired", "adverse_event_reports", "principal_diagnosis_coding",
              "stemi_reperfusion", "stroke_reperfusion", "grade4_mdt")
    return submissions.save_submission(system, submission_id, {
        "narrative": NARRATIVE, "signers": SIGNERS,
        "indicators": {k: {"numerator": 1, "denominator": 10} for k in manual}})


def test_a_finalised_submission_is_frozen_and_its_files_verify(system, half_year, tmp_path):
    s = ready(system)
    done = submissions.finalize(system, s.id)
    frozen = submissions.snapshot(system, s.id)
    ledger.register_item(system, {"source": "自查", "category": "查对制度", "severity": "一般", "found_on": "2026-03-01",
                                  "deadline": "2026-12-31", "description": "后来补登的问题",
                                  "department_id": next(iter(system.db.query("SELECT id FROM departments")))[0]})
    assert submissions.snapshot(system, s.id) == frozen  # records changed later: the archive does not
    with pytest.raises(errors.Conflict, match="已定稿，内容已冻结"):
        submissions.save_submission(system, s.id, {"narrative": {"存在问题": "改"}})
    pdf = tmp_path / "报送.pdf"
    pdf.write_bytes(submissions.stored_file(system, s.id, "pdf"))
    result = submissions.verify_file(system, pdf)
    assert result.ok and done.verification_code in result.message
    xlsx = tmp_path / "报送.xlsx"
    xlsx.write_bytes(submissions.stored_file(system, s.id, "xlsx"))
    assert submissions.verify_file(system, xlsx).ok
    changed = tmp_path / "改过.pdf"
    changed.write_bytes(pdf.read_bytes().replace(b"/Producer", b"/Producex"))
    result = submissions.verify_file(system, changed)
    assert not result.ok and "文件内容与存档不一致" in result.message and result.code == done.verification_code
    other = tmp_path / "别的.pdf"
    other.write_bytes(b"%PDF-1.4 nothing here")
    assert "没有验证码" in submissions.verify_file(system, other).message
    assert submissions.verify_code(system, done.verification_code.lower().replace("ql-", "")).ok
    assert not submissions.verify_code(system, "QL-0000-0000-0000").ok


def test_amending_makes_a_new_version_and_keeps_the_old(system, half_year):
    first = submissions.finalize(system, ready(system).id)
    with pytest.raises(errors.ValidationError, match="请写明修订原因"):
        submissions.amend(system, first.id, "")
    second = submissions.amend(system, first.id, "更正不良事件报告例次")
    assert (second.version, second.status, second.amend_reason) == (2, "草稿", "更正不良事件报告例次")
    assert second.narrative == first.narrative
    with pytest.raises(errors.Conflict, match="已有第 2 版"):
        submissions.amend(system, first.id, "再改")
    submissions.finalize(system, second.id)
    versions = [(s.version, s.status, s.superseded) for s in submissions.list_submissions(system)]
    assert versions == [(2, "已定稿", False), (1, "已定稿", True)]


def test_periods_refused_and_empty_period(system, half_year):
    submissions.create_submission(system, "上半年", 2026)
    with pytest.raises(errors.Conflict, match="该期间已有报送"):
        submissions.create_submission(system, "上半年", 2026)
    with pytest.raises(errors.ValidationError, match="尚未到来"):
        submissions.create_submission(system, "上半年", 2027)
    empty = submissions.create_submission(system, "自定义", first="2020-01-01", last="2020-06-30")
    messages = [f.message for f in submissions.submission_findings(submissions.snapshot(system, empty.id))]
    assert any("没有任何检查、问题、培训、交接班或手术记录" in m for m in messages)


def test_next_deadline_follows_the_settings(system, clock):
    d = submissions.next_deadline(system)  # today 2026-11-23
    assert (d["kind"], d["year"], d["due"], d["days_left"]) == ("全年", 2026, "2027-01-10", 48)
    import datetime as dt

    clock.current = dt.datetime(2026, 7, 2, 9, 0)
    d = submissions.next_deadline(system)
    assert (d["kind"], d["due"], d["days_left"]) == ("上半年", "2026-07-10", 8)
    hospital_settings.save_settings(system, {"submission.half_year_due": 712})
    assert submissions.next_deadline(system)["due"] == "2026-07-12"


def test_a_submission_finalised_meanwhile_elsewhere_is_not_finalised_again(system, half_year, db_path, monkeypatch):
    """Two 院领导 finalise the same draft at once: the second is refused and the first's code stands."""
    from desktop_app.session import Session
    from desktop_app.storage.database import open_database

    s = ready(system)
    other = open_database(db_path)
    real = submissions.submission_findings
    done = []

    def meanwhile(snap):  # runs after finalize has built its snapshot, before its transaction
        if not done:
            done.append(None)
            done[0] = submissions.finalize(Session(other, system.actor, system.clock), s.id)
        return real(snap)

    monkeypatch.setattr(submissions, "submission_findings", meanwhile)
    try:
        with pytest.raises(errors.Conflict, match="刚被他人定稿，内容已冻结，本次没有写入"):
            submissions.finalize(system, s.id)
    finally:
        other.close()
    assert submissions.get_submission(system, s.id).verification_code == done[0].verification_code
