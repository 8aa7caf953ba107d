"""Every service action, called by every role: refused exactly when the role table says so.

The expected table below is the one printed in the README ("角色与权限"); when a module adds an
action it must add a sample call here, or ``test_every_action_has_a_sample`` fails.
"""
import shutil

import pytest

import desktop_app.services  # noqa: F401 - fills the registry
from desktop_app import errors
from desktop_app.accounts import service as accounts
from desktop_app.accounts.permissions import ACTIONS, USER_ROLES, Role
from desktop_app.backup import service as backups
from desktop_app.session import Session
from desktop_app.storage.database import open_database

EXPECTED = {
    Role.ADMIN: {"account.self", "people.view", "people.edit", "departments.edit", "people.import",
                 "people.export", "users.manage", "hospital.edit", "settings.edit", "backup.create",
                 "backup.restore", "audit.view"},
    Role.QUALITY: {"account.self", "people.view", "people.edit", "departments.edit", "people.import",
                   "people.export", "backup.create"},
    Role.LEADER: {"account.self", "people.view", "people.export"},
    Role.DEPT_HEAD: {"account.self", "people.view", "people.edit", "people.export"},
    Role.CLINICIAN: {"account.self", "people.view"},
    Role.READONLY: {"account.self", "people.view", "people.export"},
}


def samples(ctx):
    """action name -> a call with realistic arguments (ctx gives ids from the template)."""
    from desktop_app.people.service import StaffFilter
    from desktop_app.reports import people_reports

    h = ctx["hospital"]
    people_excel = desktop_app.services.people_excel

    def staff_file(s):
        """The roster exported by the system into the template's folder, for the import samples."""
        path = ctx["path"].parent / "人员名册.xlsx"
        people_excel.export_staff_xlsx(s.as_actor(desktop_app.session.SYSTEM_ACTOR), path)
        return path

    def staff_plan(s):
        return people_excel.preview_staff_import(s.as_actor(desktop_app.session.SYSTEM_ACTOR), staff_file(s))

    return {
        "accounts.service.change_own_password": lambda s: accounts.change_own_password(s, "Passw0rd1", "Newpass2026"),
        "accounts.service.list_users": lambda s: accounts.list_users(s),
        "accounts.service.create_user": lambda s: accounts.create_user(
            s, {"username": "newuser", "display_name": "新用户", "role": "readonly"}, "Passw0rd1"),
        "accounts.service.update_user": lambda s: accounts.update_user(s, ctx["reader_id"], {"display_name": "改名"}),
        "accounts.service.reset_password": lambda s: accounts.reset_password(s, ctx["reader_id"], "Reset2026x"),
        "accounts.service.unlock_user": lambda s: accounts.unlock_user(s, ctx["reader_id"]),
        "accounts.service.search_audit": lambda s: accounts.search_audit(s, accounts.AuditFilter()),
        "accounts.service.audit_actor_names": lambda s: accounts.audit_actor_names(s),
        "accounts.service.verify_audit": lambda s: accounts.verify_audit(s),
        "backup.actions.list_backups": lambda s: desktop_app.services.backup.list_backups(s),
        "backup.actions.backup_now": lambda s: desktop_app.services.backup.backup_now(s),
        "backup.actions.restore_from_backup": lambda s: desktop_app.services.backup.restore_from_backup(
            s, backups.list_backups(s.db.path)[0]),
        "hospital.service.save_profile": lambda s: desktop_app.services.hospital.save_profile(
            s, {"name": "霍山县人民医院", "level": "二级甲等", "region": "安徽省六安市霍山县", "phone": "0564-1234567"}),
        "hospital.service.save_settings": lambda s: desktop_app.services.hospital.save_settings(
            s, {"backup.keep_days": 60}),
        "people.service.list_departments": lambda s: desktop_app.services.people.list_departments(s),
        "people.service.get_department": lambda s: desktop_app.services.people.get_department(s, h.departments["内科"]),
        "people.service.create_department": lambda s: desktop_app.services.people.create_department(
            s, {"name": "新科室", "kind": "临床"}),
        "people.service.update_department": lambda s: desktop_app.services.people.update_department(
            s, h.departments["外科"], {"phone": "8001"}),
        "people.service.delete_department": lambda s: desktop_app.services.people.delete_department(
            s, ctx["empty_department"]),
        "people.service.list_staff": lambda s: desktop_app.services.people.list_staff(s),
        "people.service.get_staff": lambda s: desktop_app.services.people.get_staff(s, h.staff["张三"]),
        "people.service.staff_counts": lambda s: desktop_app.services.people.staff_counts(s),
        "people.service.create_staff": lambda s: desktop_app.services.people.create_staff(
            s, {"employee_no": "NEW1", "name": "新人", "department_id": h.departments["内科一病区"], "category": "护士"}),
        "people.service.update_staff": lambda s: desktop_app.services.people.update_staff(
            s, h.staff["王芳"], {"phone": "13500000000"}),
        "people.service.delete_staff": lambda s: desktop_app.services.people.delete_staff(s, h.staff["赵敏"]),
        "reports.people_reports.staff_list_snapshot": lambda s: people_reports.staff_list_snapshot(
            s, StaffFilter(department_id=h.departments["内科"])),
        "reports.people_reports.department_list_snapshot": lambda s: people_reports.department_list_snapshot(s),
        "people.excel_io.write_staff_template": lambda s: people_excel.write_staff_template(
            s, ctx["path"].parent / "人员导入模板.xlsx"),
        "people.excel_io.export_staff_xlsx": lambda s: people_excel.export_staff_xlsx(
            s, ctx["path"].parent / "导出.xlsx"),
        "people.excel_io.preview_staff_import": lambda s: people_excel.preview_staff_import(s, staff_file(s)),
        "people.excel_io.apply_staff_import": lambda s: people_excel.apply_staff_import(s, staff_plan(s)),
    }


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """One database with a user of every role; each call below runs on a fresh copy of it."""
    from desktop_app.clock import FixedClock
    from desktop_app.hospital.service import initialize_database
    from desktop_app.people import service as people
    from desktop_app.session import SYSTEM_ACTOR
    from tests.conftest import PROFILE, TODAY
    from tests.factories import build_small_hospital

    folder = tmp_path_factory.mktemp("matrix")
    path = folder / "template.db"
    clock = FixedClock(TODAY)
    db = initialize_database(path, PROFILE, {"username": "admin", "display_name": "管理员", "password": "Admin2026"},
                             clock=clock)
    system = Session(db, SYSTEM_ACTOR, clock)
    h = build_small_hospital(system)
    empty = people.create_department(system, {"name": "待撤销科", "kind": "职能"}).id
    users = {}
    for role in USER_ROLES:
        user = accounts.create_user(system, {
            "username": f"u_{role.value}", "display_name": role.label, "role": role.value,
            "department_id": h.departments["内科"] if role == Role.DEPT_HEAD else None,
        }, "Passw0rd1")
        users[role] = user.actor()
    backups.make_backup(db, clock=clock)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return {"path": path, "clock": clock, "hospital": h, "users": users, "empty_department": empty,
            "reader_id": users[Role.READONLY].user_id}


def test_every_action_has_a_sample(template):
    assert set(ACTIONS) == set(samples(template))


@pytest.mark.parametrize("role", USER_ROLES, ids=lambda r: r.value)
def test_role_matrix(template, tmp_path, role):
    allowed = refused = 0
    mismatches = []
    for name, call in samples(template).items():
        copy = tmp_path / f"{name}.db"
        shutil.copyfile(template["path"], copy)
        shutil.copytree(template["path"].parent / "backups", tmp_path / "backups", dirs_exist_ok=True)
        db = open_database(copy)
        session = Session(db, template["users"][role], template["clock"])
        try:
            call(session)
            outcome = "allowed"
        except errors.PermissionDenied:
            outcome = "refused"
        finally:
            db.close()
        expected = "allowed" if ACTIONS[name].value in EXPECTED[role] else "refused"
        if outcome != expected:
            mismatches.append(f"{name}: expected {expected}, got {outcome}")
        allowed += outcome == "allowed"
        refused += outcome == "refused"
    assert not mismatches, "\n".join(mismatches)
    assert allowed + refused == len(ACTIONS)


def test_permission_message_is_chinese_and_names_the_right(session_as):
    reader = session_as(Role.READONLY)
    with pytest.raises(errors.PermissionDenied, match="没有“管理用户账户”的权限"):
        accounts.list_users(reader)


def test_readme_role_table_matches_the_code():
    """The table users read in the README is the table the code enforces."""
    from pathlib import Path

    from desktop_app.accounts.permissions import PERM_LABELS, ROLE_PERMISSIONS

    text = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = text.split("## 角色与权限", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    roles = [next(r for r in USER_ROLES if r.label == name) for name in header[1:]]
    by_label = {label: perm for perm, label in PERM_LABELS.items()}
    seen = set()
    for line in lines[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        perm = by_label[cells[0]]
        seen.add(perm)
        for role, cell in zip(roles, cells[1:]):
            assert (cell != "") == (perm in ROLE_PERMISSIONS[role]), f"{cells[0]} / {role.label}"
    assert seen == set(PERM_LABELS)
