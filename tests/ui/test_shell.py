"""The main window, navigation per role, login, lock, errors."""
import logging

import pytest

from desktop_app.accounts.permissions import Role
from tests.conftest import ADMIN_PASSWORD


@pytest.mark.parametrize(
    "role, visible, hidden",
    [
        (Role.ADMIN, {"dashboard", "staff", "departments", "users", "audit", "backup", "settings"}, set()),
        (Role.QUALITY, {"dashboard", "staff", "departments", "backup", "settings"}, {"users", "audit"}),
        (Role.CLINICIAN, {"dashboard", "staff", "departments", "settings", "roster", "duty_posts"},
         {"users", "audit", "backup", "holidays"}),
    ],
)
def test_navigation_shows_only_what_the_role_may_use(window_for, role, visible, hidden):
    window = window_for(role)
    keys = set(window.visible_page_keys())
    assert visible <= keys and not (hidden & keys)


def test_title_and_status_bar_name_hospital_and_user(window_for):
    window = window_for(Role.QUALITY)
    assert "霍山县人民医院" in window.windowTitle()
    assert "质控管理员甲（质控管理员）" in window.user_label.text()


def test_dashboard_lists_backup_and_integrity_todos(window_for, qtbot):
    window = window_for(Role.ADMIN)
    page = window.page("dashboard")
    texts = "\n".join(page.todo_texts())
    assert "还没有任何有效备份" in texts and "正在检查数据库完整性" in texts


def test_roster_todo_opens_the_month_on_the_roster_page(window_for, qtbot, system, hospital):
    from tests.factories import build_roster_posts

    build_roster_posts(system, hospital)  # nothing planned: the current month is unpublished
    window = window_for(Role.QUALITY)
    assert {"roster", "duty_posts", "holidays"} <= set(window.visible_page_keys())
    dashboard = window.page("dashboard")
    dashboard.refresh()
    todos = dashboard.todos
    row = next(i for i in range(todos.count()) if "本月（2026-11）值班表尚未发布" in todos.item(i).text())
    todos.itemActivated.emit(todos.item(row))
    assert window.current_page_key() == "roster"
    assert window.page("roster").month == "2026-11"


def test_background_checks_report_to_dashboard(window_for, qtbot):
    from ui.app import start_background_checks

    window = window_for(Role.ADMIN)
    start_background_checks(window.ctx)
    qtbot.waitUntil(lambda: window.ctx.health.integrity_checked, timeout=10000)
    page = window.page("dashboard")
    qtbot.waitUntil(lambda: "完整性检查通过" in "\n".join(page.todo_texts()), timeout=5000)
    assert "最近一次有效备份" in "\n".join(page.todo_texts())


def test_login_dialog_reports_wrong_password_then_logs_in(qtbot, db, clock):
    from ui.dialogs.login import LoginDialog

    dialog = LoginDialog(db, clock, hospital_name="霍山县人民医院")
    qtbot.addWidget(dialog)
    dialog.username.setCurrentText("admin")
    dialog.password.setText("wrong")
    dialog.try_login()
    assert "用户名或密码不正确" in dialog.message.text() and dialog.session is None
    dialog.password.setText(ADMIN_PASSWORD)
    dialog.try_login()
    assert dialog.session.actor.username == "admin"


def test_forced_password_change_shows_rules_beside_fields(qtbot, db, clock, system):
    from desktop_app.accounts import service as accounts
    from desktop_app.session import Session
    from ui.dialogs.login import ChangePasswordDialog

    user = accounts.create_user(system, {"username": "n1", "display_name": "护士", "role": "clinician"}, "Temp1234")
    dialog = ChangePasswordDialog(Session(db, user.actor(), clock), forced=True, reason="请设置密码")
    qtbot.addWidget(dialog)
    dialog.old.setText("Temp1234")
    dialog.new.setText("abc")
    dialog.again.setText("abc")
    dialog.save()
    assert "至少 8 位" in dialog.form.messages()["新密码"]
    dialog.new.setText("Better2026")
    dialog.again.setText("Better2026")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted


def test_idle_lock_hides_the_page_until_login(window_for, db, monkeypatch):
    window = window_for(Role.QUALITY)
    asked = []

    def relogin(parent, locked_user):
        asked.append(locked_user)
        assert window.stack.currentWidget() is window.lock_page  # nothing readable while locked
        return window.ctx.session

    window.switch_user_callback = relogin
    window.idle.last_input -= 16 * 60  # default lock after 15 minutes
    window._check_idle()
    assert asked == ["ui_quality"]
    assert not window.locked and window.stack.currentWidget() is not window.lock_page


def test_switch_user_rebuilds_navigation(window_for, db, clock):
    from desktop_app.accounts.service import authenticate
    from desktop_app.session import Session

    window = window_for(Role.ADMIN)
    reader = authenticate(db, "admin", ADMIN_PASSWORD, clock)  # any other session
    from desktop_app.accounts import service as accounts
    from desktop_app.session import SYSTEM_ACTOR

    user = accounts.create_user(Session(db, SYSTEM_ACTOR, clock),
                                {"username": "reader", "display_name": "只读者", "role": "readonly"}, "Passw0rd1")
    window.switch_user_callback = lambda parent, locked: Session(db, user.actor(), clock)
    window.navigate("users")
    assert window.switch_user(None)
    assert "users" not in window.visible_page_keys() and "users" not in window.pages
    assert "只读者" in window.user_label.text()
    assert reader.actor.username == "admin"


def test_unexpected_error_shows_crash_dialog_and_logs(qtbot, monkeypatch, tmp_path):
    from ui import errors as ui_errors

    shown = []
    monkeypatch.setattr(ui_errors.CrashDialog, "exec", lambda self: shown.append(self.details.toPlainText()))
    ui_errors.setup_logging()
    try:
        raise RuntimeError("意外")
    except RuntimeError as exc:
        ui_errors.show_error(None, exc)
    assert shown and "RuntimeError: 意外" in shown[0]
    handler = next(h for h in ui_errors.log.handlers if isinstance(h, logging.handlers.RotatingFileHandler))
    handler.flush()
    assert "RuntimeError: 意外" in open(handler.baseFilename, encoding="utf-8").read()


def test_calm_message_for_busy_database(messages):
    from desktop_app import errors
    from ui.errors import show_error

    show_error(None, errors.DatabaseBusy("数据库正被另一台电脑使用"))
    assert messages == [("information", "数据库忙", "数据库正被另一台电脑使用")]
