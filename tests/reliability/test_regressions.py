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
