
import pytest

from desktop_app import errors
from desktop_app.accounts import service as accounts
from desktop_app.accounts.permissions import Role
from desktop_app.hospital.service import initialize_database
from tests.conftest import ADMIN_PASSWORD


def test_first_administrator_can_log_in(db, clock):
    result = accounts.authenticate(db, "admin", ADMIN_PASSWORD, clock)
    assert result.actor.role == Role.ADMIN and not result.must_change_password
    assert result.password_expires_in_days == 180


def test_passwords_are_hashed_with_scrypt_and_salt(db, system):
    accounts.create_user(system, {"username": "u1", "display_name": "甲", "role": "readonly"}, "Passw0rd1")
    accounts.create_user(system, {"username": "u2", "display_name": "乙", "role": "readonly"}, "Passw0rd1")
    hashes = [r[0] for r in db.query("SELECT password_hash FROM users WHERE username IN ('u1','u2')")]
    assert all(h.startswith("scrypt$") for h in hashes) and hashes[0] != hashes[1]
    assert "Passw0rd1" not in "".join(hashes)


def test_five_wrong_passwords_lock_for_ten_minutes(db, clock):
    for attempt in range(4):
        with pytest.raises(errors.AuthenticationError, match=f"再错 {4 - attempt} 次"):
            accounts.authenticate(db, "admin", "wrong", clock)
    with pytest.raises(errors.AuthenticationError, match="锁定 10 分钟"):
        accounts.authenticate(db, "admin", "wrong", clock)
    with pytest.raises(errors.AuthenticationError, match="已被锁定"):
        accounts.authenticate(db, "admin", ADMIN_PASSWORD, clock)  # even the right password
    clock.advance(minutes=10, seconds=1)
    assert accounts.authenticate(db, "admin", ADMIN_PASSWORD, clock).actor.username == "admin"
    actions = [r[0] for r in db.query("SELECT action FROM audit_log WHERE entity = 'user' ORDER BY id")]
    assert actions.count("login_failed") == 4 and "account_locked" in actions and actions[-1] == "login"


def test_new_or_reset_password_must_be_changed_at_first_login(db, system, clock):
    user = accounts.create_user(system, {"username": "nurse1", "display_name": "护士甲", "role": "clinician"}, "Temp1234")
    assert accounts.authenticate(db, "nurse1", "Temp1234", clock).must_change_password
    from desktop_app.session import Session

    nurse = Session(db, user.actor(), clock)
    with pytest.raises(errors.ValidationError) as exc:
        accounts.change_own_password(nurse, "Temp1234", "short")
    assert exc.value.for_field("新密码")
    accounts.change_own_password(nurse, "Temp1234", "Better2026")
    assert not accounts.authenticate(db, "nurse1", "Better2026", clock).must_change_password
    accounts.reset_password(system, user.id, "Reset2026")
    assert accounts.authenticate(db, "nurse1", "Reset2026", clock).must_change_password


def test_wrong_old_password_is_named(db, system, clock):
    from desktop_app.session import Session

    user = accounts.create_user(system, {"username": "x1", "display_name": "甲", "role": "readonly"}, "Temp1234")
    with pytest.raises(errors.ValidationError) as exc:
        accounts.change_own_password(Session(db, user.actor(), clock), "nope", "Better2026")
    assert exc.value.for_field("原密码")


def test_expired_password_is_reported(db, clock):
    clock.advance(days=200)
    assert accounts.authenticate(db, "admin", ADMIN_PASSWORD, clock).password_expires_in_days < 0


def test_last_administrator_cannot_be_removed(db, system):
    admin_id = db.scalar("SELECT id FROM users WHERE username = 'admin'")
    with pytest.raises(errors.ValidationError, match="至少要保留一个"):
        accounts.update_user(system, admin_id, {"role": "readonly"})
    with pytest.raises(errors.ValidationError, match="至少要保留一个"):
        accounts.update_user(system, admin_id, {"active": False})


def test_department_head_needs_a_department(system):
    with pytest.raises(errors.ValidationError, match="所属科室"):
        accounts.create_user(system, {"username": "head", "display_name": "主任", "role": "dept_head"}, "Passw0rd1")


def test_duplicate_username_is_refused(system):
    with pytest.raises(errors.ValidationError, match="已被使用"):
        accounts.create_user(system, {"username": "ADMIN", "display_name": "x", "role": "readonly"}, "Passw0rd1")


def test_wizard_validates_before_creating_a_file(tmp_path):
    target = tmp_path / "new.db"
    with pytest.raises(errors.ValidationError) as exc:
        initialize_database(target, {"name": "", "level": "x", "region": ""},
                            {"username": "a", "display_name": "", "password": "123"})
    fields = {f.label for f in exc.value.findings}
    assert {"医院名称", "医院等级", "所在地区", "用户名", "姓名", "密码"} <= fields
    assert not target.exists()


def test_credit_code_check_digit():
    from desktop_app.hospital.service import credit_code_is_valid

    assert credit_code_is_valid("91350100M000100Y43")
    assert not credit_code_is_valid("91350100M000100Y44")


def test_a_missing_builtin_checklist_file_refuses_the_new_database_and_leaves_no_file(tmp_path, monkeypatch):
    """A broken installation (an unzip tool mangled a Chinese file name) must not create a database
    that silently lacks the national checklists."""
    import shutil

    from desktop_app.ledger import checklists
    from desktop_app.paths import resource_path
    from tests.conftest import PROFILE

    shipped = resource_path("checklists")
    broken = tmp_path / "resources" / "checklists"
    shutil.copytree(shipped, broken)
    (broken / checklists.BUILTIN_FILES[0]).unlink()
    monkeypatch.setattr(checklists, "resource_path", lambda *parts: tmp_path.joinpath("resources", *parts))
    target = tmp_path / "new.db"
    with pytest.raises(errors.UserError, match=f"程序文件不完整：找不到内置检查表“{checklists.BUILTIN_FILES[0]}”"):
        initialize_database(target, PROFILE, {"username": "admin", "display_name": "管理员", "password": ADMIN_PASSWORD})
    assert not target.exists()
