"""值班岗位 and 节假日 pages as a 医务科 user drives them (keyboard first)."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from desktop_app.accounts.permissions import Role
from desktop_app.roster import calendar, service as roster
from tests.factories import build_roster_posts


def shown(page) -> list[str]:
    return [page.model.record(i).post.name for i in range(page.model.rowCount())]


def cell(page, name: str, title: str) -> str:
    row = shown(page).index(name)
    col = [c.title for c in page.model.columns].index(title)
    return page.model.data(page.model.index(row, col))


def activate(qtbot, widget):
    """Shortcuts (Ctrl+N, Ctrl+S …) reach only the active window."""
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow, timeout=2000)


def open_posts(window_for, role=Role.QUALITY):
    window = window_for(role)
    assert window.navigate("duty_posts")
    return window, window.page("duty_posts")


def type_into_cell(qtbot, table, row: int, col: int, text: str) -> None:
    """Start editing a cell from the keyboard (F2), type, Enter — as a user does."""
    activate(qtbot, table.window())
    table.setFocus()
    table.setCurrentCell(row, col)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    QApplication.processEvents()  # the editor is set up by posted events
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()


@pytest.fixture
def post_dialog(qtbot, monkeypatch):
    """Open the page's post dialog without blocking: returns the dialog the page built."""
    from ui.dialogs import duty_post_edit

    opened = []
    monkeypatch.setattr(duty_post_edit.DutyPostDialog, "exec", lambda self: opened.append(self) or 0)

    def open_(page, action):
        action()
        dialog = opened[-1]
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog

    return open_


def test_create_post_with_two_shifts_from_the_keyboard(window_for, qtbot, post_dialog, hospital):
    window, page = open_posts(window_for)
    activate(qtbot, window)
    assert shown(page) == [] and "共 0 个岗位" in page.count.text()
    dialog = post_dialog(page, lambda: qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier))
    dialog.name.setText("外科一线")
    dialog.kind.setCurrentText("二线")
    # the kind brings the usual qualification: 医师, 中级 and above, licence required
    assert dialog.category.currentText() == "医师" and dialog.min_title.currentData() == 3
    assert dialog.licence.isChecked() and not dialog.training.isChecked()
    dialog.group.setEditText("外科系统")
    dialog.department.setCurrentIndex(dialog.department.findData(hospital.departments["外科"]))
    qtbot.mouseClick(dialog.shifts.preset_buttons["白班"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.shifts.preset_buttons["夜班"], Qt.MouseButton.LeftButton)
    table = dialog.shifts.table
    type_into_cell(qtbot, table, 0, table.ENDS, "17:00")
    assert table.item(1, table.OVERNIGHT).text() == "跨夜（次日）" and table.item(0, table.OVERNIGHT).text() == ""
    activate(qtbot, dialog)
    qtbot.keyClick(dialog.name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Ctrl+S saves
    assert dialog.result() == dialog.DialogCode.Accepted
    assert shown(page) == ["外科一线"]
    assert cell(page, "外科一线", "资质要求") == "医师、中级及以上、须有执业证书"
    assert cell(page, "外科一线", "班次") == "白班 08:00–17:00（工作日）；\n夜班 17:30–次日08:00（每天）"
    assert cell(page, "外科一线", "科室") == "外科" and cell(page, "外科一线", "状态") == "启用"
    assert page.table.selected_record().post.name == "外科一线"  # the new post is selected


def test_bad_input_is_shown_beside_the_fields_and_nothing_is_saved(window_for, qtbot, post_dialog, system, db):
    window, page = open_posts(window_for)
    dialog = post_dialog(page, page.add)
    before = db.scalar("SELECT count(*) FROM audit_log")
    qtbot.mouseClick(dialog.shifts.preset_buttons["白班"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.shifts.add_button, Qt.MouseButton.LeftButton)
    table = dialog.shifts.table
    type_into_cell(qtbot, table, 1, table.NAME, "night")
    type_into_cell(qtbot, table, 1, table.STARTS, "25:00")
    type_into_cell(qtbot, table, 1, table.ENDS, "08:00")
    dialog.save()
    messages = dialog.form.messages()
    assert "请填写岗位名称" in messages["岗位名称"]
    assert "第 2 行（night）“开始时间”：时间请写成 08:00" in messages["班次"]
    assert dialog.result() != dialog.DialogCode.Accepted
    assert table.item(1, 0).background().color().name() == "#fde7e7"  # the bad row is marked
    assert roster.list_posts(system, include_inactive=True) == []
    assert db.scalar("SELECT count(*) FROM audit_log") == before
    # fixing both saves post and shifts together
    dialog.name.setText("急诊一线")
    type_into_cell(qtbot, table, 1, table.STARTS, "17:30")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert [s.name for s in roster.list_posts(system)[0].shifts] == ["白班", "night"]


def test_edit_post_and_remove_a_shift(window_for, qtbot, post_dialog, system, hospital):
    build_roster_posts(system, hospital)
    window, page = open_posts(window_for)
    page.table.selectRow(shown(page).index("内科一线"))
    page.table.setFocus()
    dialog = post_dialog(page, page.edit_selected)
    assert dialog.name.text() == "内科一线" and dialog.shifts.table.rowCount() == 2
    dialog.headcount.setValue(2)
    table = dialog.shifts.table
    activate(qtbot, dialog)
    table.setFocus()
    table.setCurrentCell(0, 0)
    qtbot.keyClick(table, Qt.Key.Key_Delete)  # a saved shift is deactivated, not deleted
    assert table.item(0, table.STATUS).text() == "停用"
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert cell(page, "内科一线", "每班人数") == "2"
    assert cell(page, "内科一线", "班次") == "夜班 17:30–次日08:00（每天）"
    post = next(p for p in roster.list_posts(system) if p.name == "内科一线")
    assert [(s.name, s.active) for s in post.shifts] == [("白班", False), ("夜班", True)]


def test_deactivate_and_enable_a_post(window_for, messages, system, hospital):
    build_roster_posts(system, hospital)
    window, page = open_posts(window_for)
    page.table.selectRow(shown(page).index("医院总值班"))
    assert page.toggle_button.text() == "停用"
    page.toggle_selected()
    assert messages[-1][0] == "question" and "停用“医院总值班”" in messages[-1][2]
    assert cell(page, "医院总值班", "状态") == "停用" and page.include_inactive.isChecked()
    assert "1 个停用" in page.count.text()
    assert [p.name for p in roster.list_posts(system)] == ["内科一线", "内科一病区护理夜班"]
    assert page.toggle_button.text() == "启用"
    page.toggle_selected()
    assert cell(page, "医院总值班", "状态") == "启用"


def test_filter_by_group_and_text(window_for, qtbot, system, hospital):
    build_roster_posts(system, hospital)
    window, page = open_posts(window_for)
    page.group.setCurrentIndex(page.group.findData("护理"))
    assert shown(page) == ["内科一病区护理夜班"]
    page.group.setCurrentIndex(0)
    page.search.setText("总值班")
    assert shown(page) == ["医院总值班"]
    assert cell(page, "医院总值班", "资质要求") == "须经总值班培训考核合格"
    page.search.setText("nkyx")  # pinyin initials of 内科一线
    assert shown(page) == ["内科一线"]
    page.search.setText("huli")  # the 护理 group, spelled out
    assert shown(page) == ["内科一病区护理夜班"]


def test_clinician_sees_posts_read_only(window_for, post_dialog, system, hospital):
    build_roster_posts(system, hospital)
    window, page = open_posts(window_for, Role.CLINICIAN)
    assert window.navigate("holidays") is False  # the holiday calendar is for those who set up the roster
    assert len(shown(page)) == 3
    assert page.add_button.isHidden() and page.toggle_button.isHidden() and page.rotation_button.isHidden()
    assert page.edit_button.text() == "查看"
    page.table.selectRow(0)
    dialog = post_dialog(page, page.edit_selected)
    assert dialog.save_button.isHidden() and not dialog.name.isEnabled()
    assert dialog.shifts.add_button.isHidden()


def test_rotation_editor_finds_by_pinyin_orders_and_saves(window_for, qtbot, monkeypatch, system, hospital):
    from ui.dialogs.rotation_edit import RotationDialog

    posts = build_roster_posts(system, hospital)
    window, page = open_posts(window_for)
    page.table.selectRow(shown(page).index("内科一线"))
    opened = []
    monkeypatch.setattr(RotationDialog, "exec", lambda self: opened.append(self) or 0)
    page.edit_rotation()
    dialog = opened[0]
    qtbot.addWidget(dialog)
    dialog.show()
    activate(qtbot, dialog)
    assert dialog.member_ids() == [] and "2026-12-01" in dialog.basis.text()
    for query in ("zs", "czw", "ls"):
        dialog.search.setText(query)
        dialog.find()
        qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    assert dialog.member_names() == ["张三", "曾志伟", "李四"]
    # 曾志伟 is a 规培 医师 without a licence: on the list with a warning and the reason
    warned = dialog.members.item(1)
    assert not warned.icon().isNull() and "没有执业证书" in warned.toolTip()
    dialog.members.setCurrentRow(1)
    assert "不符合岗位资质" in dialog.reason.text() and "没有执业证书" in dialog.reason.text()
    assert dialog.members.item(0).icon().isNull()
    assert "其中 1 人不符合资质" in dialog.count.text()
    dialog.members.setFocus()
    dialog.members.setCurrentRow(2)
    qtbot.keyClick(dialog.members, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert dialog.member_names() == ["张三", "李四", "曾志伟"]
    qtbot.keyClick(dialog.members, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    dialog.members.setCurrentRow(1)
    qtbot.keyClick(dialog.members, Qt.Key.Key_Delete)
    assert dialog.member_names() == ["张三", "李四"]
    dialog.save()
    assert roster.rotation(system, posts["first"].id) == [hospital.staff["张三"], hospital.staff["李四"]]
    assert cell(page, "内科一线", "轮转人数") == "2"


def test_holidays_of_the_prefilled_year_are_confirmed_and_the_banner_goes(window_for, messages, system):
    window = window_for(Role.QUALITY)
    assert window.navigate("holidays")
    page = window.page("holidays")
    assert page.year.value() == 2026 and not page.banner.isVisible()
    assert page.model.record(0).date == "2026-01-01" and "法定节假日" in page.count.text()
    page.year.stepBy(1)
    assert page.year.value() == 2027
    assert page.banner.isVisible() and page.confirm_button.isVisible()
    assert "2027 年的节假日安排为预填，请按国务院办公厅通知核对后点击“确认本年安排”" in page.banner.text()
    page.confirm_year()
    assert messages[-1][0] == "question"
    assert not page.banner.isVisible() and not page.confirm_button.isVisible()
    assert all(h.confirmed for h in calendar.list_holidays(system, 2027))


def test_add_a_run_of_holidays_then_remove_some(window_for, qtbot, messages, monkeypatch, system):
    from ui.forms import set_date
    from ui.pages.holidays import HolidayDialog

    window = window_for(Role.QUALITY)
    window.navigate("holidays")
    page = window.page("holidays")
    activate(qtbot, window)
    page.year.setValue(2028)  # typed by the administrator: no data yet
    assert page.model.rowCount() == 0 and "2028 年尚无节假日安排" in page.banner.text()
    opened = []
    monkeypatch.setattr(HolidayDialog, "exec", lambda self: opened.append(self) or 0)
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = opened[-1]
    qtbot.addWidget(dialog)
    set_date(dialog.first, "2028-10-01")
    set_date(dialog.last, "2028-10-07")
    dialog.save()  # no name: said beside the field, nothing written
    assert "请填写节日名称" in dialog.form.messages()["名称"]
    assert calendar.list_holidays(system, 2028) == []
    dialog.name.setCurrentText("国庆节")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert page.model.rowCount() == 7 and "法定节假日 7 天" in page.count.text()
    assert [page.model.data(page.model.index(0, c)) for c in range(4)] == ["2028-10-01", "星期日", "法定节假日", "国庆节"]
    assert not page.banner.isVisible()  # entered by hand: checked
    page.table.setFocus()
    page.table.selectRow(5)
    page.table.selectionModel().select(page.model.index(6, 0), page.table.selectionModel().SelectionFlag.Select
                                       | page.table.selectionModel().SelectionFlag.Rows)
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert messages[-1][0] == "question" and "2028-10-06（国庆节）、2028-10-07（国庆节）" in messages[-1][2]
    assert page.model.rowCount() == 5
    assert [h.date for h in calendar.list_holidays(system, 2028)][-1] == "2028-10-05"


def test_edit_a_holiday_into_a_makeup_workday(window_for, monkeypatch, system):
    from ui.pages.holidays import HolidayDialog

    window = window_for(Role.ADMIN)
    window.navigate("holidays")
    page = window.page("holidays")
    page.table.select_where(lambda h: h.date == "2026-10-07")
    opened = []
    monkeypatch.setattr(HolidayDialog, "exec", lambda self: opened.append(self) or 0)
    page.edit_selected()
    dialog = opened[-1]
    assert not dialog.first.isEnabled() and dialog.name.currentText() == "国庆节"
    dialog.kind.setCurrentText("调休上班")
    dialog.save()
    day = next(h for h in calendar.list_holidays(system, 2026) if h.date == "2026-10-07")
    assert day.kind == "调休上班"
