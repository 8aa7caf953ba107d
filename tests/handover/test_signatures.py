"""Signatures per role, bedside handover, freezing and addenda, visibility and name masking."""
import pytest

from desktop_app import errors
from desktop_app.accounts.permissions import Role
from desktop_app.handover import service as handover
from tests.handover.conftest import CENSUS_OK, PASSWORD

DAY = "2026-11-22"
CHECKED = [{"name": "毒麻药品（吗啡注射液）", "expected": 5, "count": 5},
           {"name": "抢救车", "expected": None, "ok": True}]


def draft(ward, entries=(), census=CENSUS_OK, shift="白班"):
    report = handover.create_report(ward.wang, ward.ward, DAY, shift, "nurse",
                                    {"census": census, "items": CHECKED, "entries": list(entries)})
    return report


def handed(ward, entries=()):
    return handover.sign_outgoing(ward.wang, draft(ward, entries).id)


def test_outgoing_nurse_signs_and_the_draft_is_closed_to_edits(ward, db):
    report = handed(ward)
    assert report.status == "已交班" and report.outgoing_name == "王芳" and report.outgoing_at == "2026-11-23 09:30:00"
    with pytest.raises(errors.Conflict, match="已交班，等待接班签名，不能修改"):
        handover.save_draft(ward.wang, report.id, {"notes": "x"})
    row = db.query_one("SELECT after_json FROM audit_log WHERE entity = 'handover' ORDER BY id DESC LIMIT 1")
    assert "原有 40" in row[0] and "王芳" in row[0]  # the final content is audited at the signature


def test_census_error_blocks_the_outgoing_signature(ward):
    report = draft(ward, census=CENSUS_OK | {"现有": 39})
    with pytest.raises(errors.ValidationError, match="现有应为"):
        handover.sign_outgoing(ward.wang, report.id)
    assert handover.get_report(ward.wang, report.id).status == "草稿"


def test_checklist_and_entries_must_be_complete_to_sign(ward):
    report = handover.create_report(ward.wang, ward.ward, DAY, "白班", "nurse", {"census": CENSUS_OK, "items": [
        {"name": "毒麻药品", "expected": 5, "count": 4}, {"name": "抢救车", "expected": None, "ok": None}],
        "entries": [{"category": "出院", "bed": "3"}, {"category": "四级手术当日", "bed": "7"}]})
    with pytest.raises(errors.ValidationError) as caught:
        handover.sign_outgoing(ward.wang, report.id)
    text = caught.value.message
    for part in ("3床 出院：请填写离开的时间和去向", "7床 四级手术当日：请填写四级手术名称",
                 "“毒麻药品”清点 4，基数 5，数量不符", "“抢救车”请勾选是否完好"):
        assert part in text


def test_outgoing_signer_must_be_a_nurse_of_the_ward(ward, session_as):
    report = draft(ward)
    with pytest.raises(errors.PermissionDenied, match="只能书写本病区"):
        handover.sign_outgoing(ward.chen, report.id)  # nurse of another ward
    with pytest.raises(errors.PermissionDenied, match="张三是医师，护理交接班须由护士签名"):
        handover.sign_outgoing(ward.zhang, report.id)  # doctor of 内科: may see the ward, not sign a nurses' report
    with pytest.raises(errors.PermissionDenied, match="账户未关联人员档案"):
        handover.sign_outgoing(session_as(Role.QUALITY), report.id)
    assert handover.get_report(ward.wang, report.id).status == "草稿"


def test_receiver_signs_with_her_own_password(ward, db):
    report = handed(ward)
    done = handover.sign_receive(ward.wang, report.id, "liuyang", PASSWORD)
    assert done.status == "已接班" and done.receiving_name == "刘洋" and done.outgoing_name == "王芳"
    actor = db.scalar("SELECT actor_name FROM audit_log WHERE entity = 'handover' ORDER BY id DESC LIMIT 1")
    assert actor == "刘洋"


def test_receiver_refusals_change_nothing(ward, db):
    report = handed(ward)
    with pytest.raises(errors.ValidationError, match="接班者不能与交班者是同一人"):
        handover.sign_receive(ward.wang, report.id, "wangfang", PASSWORD)
    with pytest.raises(errors.ValidationError, match="陈静属于外科病区，不是内科一病区的护士"):
        handover.sign_receive(ward.wang, report.id, "chenjing", PASSWORD)
    with pytest.raises(errors.ValidationError, match="张三是医师"):
        handover.sign_receive(ward.wang, report.id, "zhangsan", PASSWORD)
    assert handover.get_report(ward.wang, report.id).status == "已交班"


def test_wrong_receiver_password_counts_as_a_failed_login(ward, db):
    report = handed(ward)
    for left in (4, 3, 2, 1):
        with pytest.raises(errors.AuthenticationError, match=f"再错 {left} 次账户将被锁定"):
            handover.sign_receive(ward.wang, report.id, "liuyang", "wrong")
    with pytest.raises(errors.AuthenticationError, match="账户锁定 10 分钟"):
        handover.sign_receive(ward.wang, report.id, "liuyang", "wrong")
    with pytest.raises(errors.AuthenticationError, match="已被锁定"):
        handover.sign_receive(ward.wang, report.id, "liuyang", PASSWORD)
    assert db.scalar("SELECT count(*) FROM audit_log WHERE action = 'login_failed'") == 4
    assert handover.get_report(ward.wang, report.id).status == "已交班"


def test_missing_bedside_handover_blocks_the_receiver_and_lists_the_beds(ward, tmp_path):
    report = handed(ward, [
        {"category": "病危", "bed": "12", "patient_name": "王二"},
        {"category": "手术", "bed": "5", "marks": "四级手术当日", "operation": "全胃切除术"},
        {"category": "病重", "bed": "8"}, {"category": "异常", "bed": "9"}])
    with pytest.raises(errors.ValidationError, match=r"尚未记录床旁交接：5床（四级手术当日）、12床（病危）、8床（病重）"):
        handover.sign_receive(ward.wang, report.id, "liuyang", PASSWORD)
    beds = {e.bed: e.uid for e in report.entries}
    with pytest.raises(errors.ValidationError, match="请填写床旁交接记录的出处"):
        handover.record_bedside(ward.wang, report.id, beds["12"], "2026-11-23 08:05")
    handover.record_bedside(ward.wang, report.id, beds["12"], "2026-11-23 08:05", "床旁交接记录单第 12 页")
    handover.record_bedside(ward.liu, report.id, beds["8"], "2026-11-23 08:08", "床旁交接记录单第 12 页")
    photo = tmp_path / "床旁.png"
    photo.write_bytes(b"\x89PNG\r\n" + b"0" * 64)
    handover.record_bedside(ward.wang, report.id, beds["5"], "2026-11-23 08:10", photo=photo)
    with pytest.raises(errors.AuthenticationError):  # bedside complete: now the password is checked
        handover.sign_receive(ward.wang, report.id, "liuyang", "wrong")
    done = handover.sign_receive(ward.wang, report.id, "liuyang", PASSWORD)
    five = next(e for e in done.entries if e.bed == "5")
    assert five.attachments == ("床旁.png",) and five.bedside_done and done.status == "已接班"


def test_frozen_report_takes_only_addenda(ward):
    report = handover.sign_receive(ward.wang, handed(ward).id, "liuyang", PASSWORD)
    with pytest.raises(errors.Conflict, match="已接班（双方签名），内容已封存，不能修改；如需更正，请添加补记"):
        handover.save_draft(ward.wang, report.id, {"notes": "改"})
    with pytest.raises(errors.Conflict):
        handover.sign_outgoing(ward.wang, report.id)
    with pytest.raises(errors.Conflict):
        handover.record_bedside(ward.wang, report.id, "x", "2026-11-23 08:00", "补")
    report = handover.add_addendum(ward.liu, report.id, "12床 诊断更正为重症肺炎")
    assert [(a.text, a.author, a.added_at) for a in report.addenda] == [
        ("12床 诊断更正为重症肺炎", "刘洋", "2026-11-23 09:30:00")]
    assert report.census == CENSUS_OK


def test_addendum_only_after_both_signatures(ward):
    with pytest.raises(errors.Conflict, match="补记只用于已接班"):
        handover.add_addendum(ward.wang, draft(ward).id, "x")


def test_receiver_refuses_and_the_report_goes_back_to_draft(ward):
    report = handed(ward)
    with pytest.raises(errors.ValidationError, match="请写明退回原因"):
        handover.return_to_draft(ward.liu, report.id, " ")
    back = handover.return_to_draft(ward.liu, report.id, "物品数量不符")
    assert back.status == "草稿" and back.outgoing_name is None
    handover.save_draft(ward.wang, report.id, {"notes": "已更正"})


def test_nurse_sees_only_her_ward_and_names_are_masked_for_others(ward, session_as):
    report = draft(ward, [{"category": "病危", "bed": "12", "patient_name": "欧阳娜娜"}])
    with pytest.raises(errors.PermissionDenied, match="只能查看本病区"):
        handover.get_report(ward.chen, report.id)
    assert handover.list_reports(ward.chen, "nurse", DAY, DAY) == []
    assert [r.id for r in handover.list_reports(ward.wang, "nurse", DAY, DAY)] == [report.id]
    assert handover.get_report(ward.wang, report.id).entries[0].patient_name == "欧阳娜娜"
    assert handover.get_report(ward.zhang, report.id).entries[0].patient_name == "欧阳娜娜"  # 内科 doctor
    assert handover.get_report(session_as(Role.QUALITY), report.id).entries[0].patient_name == "欧阳娜娜"
    leader = handover.get_report(session_as(Role.LEADER), report.id)
    assert leader.entries[0].patient_name == "欧***" and not leader.names_visible
    head = session_as(Role.DEPT_HEAD, "外科")
    with pytest.raises(errors.PermissionDenied):
        handover.get_report(head, report.id)
    assert [d[1] for d in handover.handover_departments(ward.chen)] == ["外科病区"]
    with pytest.raises(errors.PermissionDenied):
        handover.create_report(ward.chen, ward.ward, "2026-11-21", "白班")
    with pytest.raises(errors.PermissionDenied):
        handover.create_report(session_as(Role.LEADER), ward.ward, "2026-11-21", "白班")


def test_mask_name():
    from desktop_app.handover.models import mask_name

    assert [mask_name(n) for n in ("张三", "欧阳娜娜", "王", "", None)] == ["张*", "欧***", "王", "", ""]
