"""Every service action, called by every role: refused exactly when the role table says so, and
never reaching another department's records for a department-bound role.

The expected outcomes are the README's table ("角色与权限"), read from the README. Each module's sample
calls are in tests/role_samples/<module>.py (see its docstring): a module that adds an action
adds a sample there, or ``test_every_action_has_a_sample`` fails; an action a 科室负责人 or a
clinician may call needs a call aimed at another department, or ``test_department_scope`` fails.
"""
import shutil

import pytest

from desktop_app import errors, modules
from desktop_app.accounts import service as accounts
from desktop_app.accounts.permissions import ACTIONS, USER_ROLES, Role, has_permission
from desktop_app.backup import service as backups
from desktop_app.session import Session
from desktop_app.storage.database import open_database
from tests.role_samples import OTHER, module_samples

modules.load_services()  # every module's actions in the registry

def samples(ctx) -> dict:
    """action name -> a call with realistic arguments (ctx gives ids from the template)."""
    return {name: call for _m, file in module_samples() if hasattr(file, "samples")
            for name, call in file.samples(ctx).items()}


def other_department_samples(ctx) -> dict:
    return {name: call for _m, file in module_samples() if hasattr(file, "other_department")
            for name, call in file.other_department(ctx).items()}


def hospital_wide() -> set[str]:
    return {name for _m, file in module_samples() for name in getattr(file, "HOSPITAL_WIDE", ())}


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
    ctx = {"path": path, "clock": clock, "hospital": h, "users": users, "empty_department": empty,
           "reader_id": users[Role.READONLY].user_id}
    for m, file in module_samples():
        if hasattr(file, "build"):
            ctx[m.key] = file.build(system, h, users, folder)
    backups.make_backup(db, clock=clock)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return ctx


def _run(template, tmp_path, role, name, call):
    """Call as ``role`` on a fresh copy of the template: ("allowed", result) or ("refused", None)."""
    copy = tmp_path / f"{name}.db"
    shutil.copyfile(template["path"], copy)
    shutil.copytree(template["path"].parent / "backups", tmp_path / "backups", dirs_exist_ok=True)
    db = open_database(copy)
    session = Session(db, template["users"][role], template["clock"])
    try:
        return "allowed", call(session)
    except errors.PermissionDenied:
        return "refused", None
    finally:
        db.close()


def test_every_action_has_a_sample(template):
    assert set(ACTIONS) == set(samples(template))


@pytest.mark.parametrize("role", USER_ROLES, ids=lambda r: r.value)
def test_role_matrix(template, tmp_path, role):
    allowed = refused = 0
    mismatches = []
    readme = readme_role_table()[role]  # the table users read is the expectation, not the code's grants
    for name, call in samples(template).items():
        outcome, _result = _run(template, tmp_path, role, name, call)
        expected = "allowed" if ACTIONS[name] in readme else "refused"
        if outcome != expected:
            mismatches.append(f"{name}: expected {expected}, got {outcome}")
        allowed += outcome == "allowed"
        refused += outcome == "refused"
    assert not mismatches, "\n".join(mismatches)
    assert allowed + refused == len(ACTIONS)
    expected_allowed = sum(1 for a in ACTIONS.values() if a in readme)
    print(f"\n{role.label}：{len(ACTIONS)} 个操作，允许 {allowed}，拒绝 {refused}（README 角色表：允许 {expected_allowed}）")
    assert allowed == expected_allowed, f"{role.label}: {allowed} allowed, the README's table says {expected_allowed}"


@pytest.mark.parametrize("role", [Role.DEPT_HEAD, Role.CLINICIAN], ids=lambda r: r.value)
def test_department_scope(template, tmp_path, role):
    """A 科室负责人 of 内科 (or a nurse of 内科一病区) calling any action she may call, aimed at 外科's
    records: refused, or nothing of 外科 in the answer — whatever the action's scope says."""
    others, wide = other_department_samples(template), hospital_wide()
    held = [name for name, perm in ACTIONS.items() if has_permission(role, perm) and name not in wide]
    missing = [name for name in held if name not in others]
    assert not missing, "no other-department call for: " + ", ".join(missing)
    leaks, refused = [], 0
    for name in held:
        outcome, result = _run(template, tmp_path, role, name, others[name])
        refused += outcome == "refused"
        if outcome == "allowed" and OTHER in repr(result):
            leaks.append(f"{name}: {repr(result)[:200]}")
    print(f"\n{role.label}：{len(held)} 个本科室范围的操作对准外科，拒绝 {refused}，其余的结果中没有外科的记录；"
          f"全院范围的操作 {sum(has_permission(role, ACTIONS[n]) for n in wide)} 个")
    assert not leaks, "\n".join(leaks)
    reached = [name for name in wide if name in others
               and has_permission(role, ACTIONS[name])
               and _run(template, tmp_path, role, name, others[name])[0] == "refused"]
    assert not reached, "hospital-wide actions refused for another department: " + ", ".join(reached)


def test_permission_message_is_chinese_and_names_the_right(session_as):
    reader = session_as(Role.READONLY)
    with pytest.raises(errors.PermissionDenied, match="没有“管理用户账户”的权限"):
        accounts.list_users(reader)


def readme_role_table() -> dict:
    """The README's "角色与权限" table: role → the permissions whose cell is not empty (✓, 本科室, 本病区)."""
    from pathlib import Path

    from desktop_app.accounts.permissions import PERMISSIONS

    text = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = text.split("## 角色与权限", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    roles = [next(r for r in USER_ROLES if r.label == name) for name in header[1:]]
    by_label = {perm.label: perm for perm in PERMISSIONS.values()}
    table = {role: set() for role in roles}
    for line in lines[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        for role, cell in zip(roles, cells[1:]):
            if cell:
                table[role].add(by_label[cells[0]])
    table["rows"] = {by_label[[c.strip() for c in line.strip("|").split("|")][0]] for line in lines[2:]}
    return table


def test_readme_role_table_matches_the_code():
    """The table users read in the README is the table the code enforces."""
    from desktop_app.accounts.permissions import PERMISSIONS, has_permission

    table = readme_role_table()
    for role in USER_ROLES:
        for perm in PERMISSIONS.values():
            assert (perm in table[role]) == has_permission(role, perm), f"{perm.label} / {role.label}"
    assert table["rows"] == set(PERMISSIONS.values())
