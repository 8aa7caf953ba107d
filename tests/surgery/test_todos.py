"""What surgery grading puts on the 工作台."""
from desktop_app.accounts.permissions import Role
from desktop_app.dashboard import StartupHealth
from desktop_app.surgery import catalogue as catalogues
from desktop_app.surgery import operations
from desktop_app.surgery import privileges as priv
from desktop_app.surgery.todos import surgery_todos


def todos(session):
    return {t.title: t for t in surgery_todos(session, StartupHealth())}


def test_lapses_unfiled_catalogue_pending_assessment_and_unprivileged_operations(system, hospital, book, session_as):
    li, zs = hospital.staff["李四"], hospital.staff["张三"]
    priv.grant(system, li, {"scope": "procedure", "codes": ["43.7x01"], "granted_on": "2026-01-01",
                            "valid_until": "2026-11-28"})  # 5 days left
    priv.grant(system, zs, {"scope": "grade", "grade": 2, "granted_on": "2026-01-01", "valid_until": "2026-11-01"})
    priv.save_assessment(system, {"staff_id": li, "period_from": "2026-01-01", "period_to": "2026-10-31",
                                  "procedures": [{"code": "43.7x01", "cases": 20}], "conclusion": "维持",
                                  "assessed_on": "2026-11-10", "approved_by": "委员会", "approved_on": "2026-11-15"})
    operations.record_operations(system, "手术记录.xlsx", "x1", [
        {"row": 2, "date": "2026-11-05", "patient_no": "Z1", "code": "47.0901", "surgeon": "张三"}])
    found = todos(session_as(Role.QUALITY))
    assert found["手术分级管理目录（2026 年版）尚未备案"].severity == "warning"
    assert found["1 项手术授权已过期未再评估"].severity == "alert" and "张三" in found["1 项手术授权已过期未再评估"].detail
    soon = found["1 项手术授权将在 7 天内到期"]
    assert soon.severity == "alert" and "李四（2026-11-28）" in soon.detail and soon.page == f"surgery_privileges:staff={li}"
    assert "李四（维持）" in found["1 份已批准的能力评估尚未执行结论"].detail
    assert found["本年发现越权手术 1 例"].page == "surgery_operations"
    catalogues.file_catalogue(system, book.id, "2026-01-05")
    assert not any("尚未备案" in t for t in todos(session_as(Role.QUALITY)))
    assert todos(session_as(Role.LEADER)) == {}
