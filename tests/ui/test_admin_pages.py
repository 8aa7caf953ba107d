"""用户管理, 审计日志, 备份与恢复, 系统设置."""

from desktop_app.accounts.permissions import Role
from ui.jobs import active_jobs


def test_create_user_shows_initial_password(window_for, qtbot, messages, db):
    from ui.dialogs.user_edit import UserDialog

    window = window_for(Role.ADMIN)
    window.navigate("users")
    page = window.page("users")
    dialog = UserDialog(window.ctx, parent=window)
    qtbot.addWidget(dialog)
    dialog.username.setText("liqiang")
    dialog.display.setText("李强")
    dialog.role.setCurrentIndex(dialog.role.findData("dept_head"))
    dialog.save()
    assert "科室负责人必须指定所属科室" in dialog.form.messages()["所属科室"]
    dialog.department.setCurrentIndex(1)
    dialog.save()
    assert dialog.saved.username == "liqiang"
    usernames = [page.model.record(i).username for i in range(page.model.rowCount())]
    assert "liqiang" in usernames
    assert db.scalar("SELECT must_change_password FROM users WHERE username = 'liqiang'") == 1


def test_reset_password_reports_temporary_password(window_for, messages):
    window = window_for(Role.ADMIN)
    window.navigate("users")
    page = window.page("users")
    page.table.selectRow(0)
    page.reset_selected()
    assert any(kind == "information" and "临时密码" in text for kind, _t, text in messages)


def test_audit_page_lists_changes_and_verifies_chain(window_for, qtbot, messages):
    window = window_for(Role.ADMIN)
    window.navigate("audit")
    page = window.page("audit")
    labels = [page.model.record(i).entity_label for i in range(page.model.rowCount())]
    assert "张三（D001）" in labels
    page.entity.setCurrentIndex(page.entity.findData("department"))
    page.reload_rows()
    assert {page.model.record(i).entity for i in range(page.model.rowCount())} == {"department"}
    page.table.selectRow(0)
    assert "科室" in page.detail.toPlainText()
    page.verify()
    qtbot.waitUntil(lambda: active_jobs() == 0, timeout=5000)
    assert messages and "审计日志完整" in messages[-1][2]


def test_backup_now_runs_in_background_and_lists_backup(window_for, qtbot):
    window = window_for(Role.QUALITY)
    window.navigate("backup")
    page = window.page("backup")
    assert page.model.rowCount() == 0 and page.restore_button.isHidden()  # quality may not restore
    page.backup_now()
    qtbot.waitUntil(lambda: active_jobs() == 0 and page.model.rowCount() == 1, timeout=10000)
    assert page.model.record(0).verified


def test_restore_from_backup_page(window_for, qtbot, messages, hospital):
    from desktop_app.backup import service
    from desktop_app.people import service as people

    window = window_for(Role.ADMIN)
    service.make_backup(window.ctx.db, clock=window.ctx.session.clock)
    people.update_staff(window.ctx.session, hospital.staff["张三"], {"name": "张三丰"})
    window.navigate("backup")
    page = window.page("backup")
    page.table.selectRow(0)
    page.restore_selected()
    assert window.ctx.db.scalar("SELECT name FROM staff WHERE employee_no = 'D001'") == "张三"
    assert any("恢复完成" == title for _k, title, _t in messages)
    window.navigate("staff")
    names = [window.page("staff").model.record(i).name for i in range(window.page("staff").model.rowCount())]
    assert "张三" in names and "张三丰" not in names


def test_settings_saved_and_audited(window_for, db):
    window = window_for(Role.ADMIN)
    window.navigate("settings")
    page = window.page("settings")
    page.setting_inputs["backup.keep_days"].setValue(45)
    page.save_settings()
    from desktop_app.settings import get_setting

    assert get_setting(db, "backup.keep_days") == 45
    assert db.scalar("SELECT count(*) FROM audit_log WHERE entity = 'setting'") == 1


def test_hospital_profile_errors_beside_fields(window_for):
    window = window_for(Role.ADMIN)
    window.navigate("settings")
    page = window.page("settings")
    page.name.setText("")
    page.credit.setText("12345")
    page.save_profile()
    messages = page.profile.messages()
    assert "请填写医院名称" in messages["医院名称"] and "18 位" in messages["统一社会信用代码"]


def test_reader_sees_settings_but_cannot_change_them(window_for):
    window = window_for(Role.READONLY)
    window.navigate("settings")
    page = window.page("settings")
    assert page.save_settings_button.isHidden() and not page.name.isEnabled()
