"""值班表 page: planning December 2026 from the keyboard, live violations, undo, bulk steps,
publishing with a recorded confirmation, 替班 afterwards, and what read-only users see."""
import pytest
from PySide6.QtCore import Qt

from desktop_app.accounts.permissions import Role
from desktop_app.roster import rules, service as roster
from tests.roster import conftest as roster_fixtures
from ui.context import AppContext
from ui.pages.roster import FROZEN_MESSAGE, RosterPage
from ui.widgets import roster_grid

MONTH = "2026-12"
posts, doctors = roster_fixtures.posts, roster_fixtures.doctors  # the small hospital's duty posts


@pytest.fixture
def open_page(qtbot, session_as, system):
    def make(role: Role | None = Role.QUALITY, department: str = "内科") -> RosterPage:
        page = RosterPage(AppContext(system if role is None else session_as(role, department)))
        qtbot.addWidget(page)
        page.resize(1200, 800)
        page.show()
        return page

    return make


def cell(page, day, shift):
    index = page.grid_model.index_of(day, shift.id)
    assert index.isValid(), (day, shift.name)
    return index


def text(page, day, shift) -> str:
    return page.grid_model.data(cell(page, day, shift))


def go_to(page, day, shift):
    page.grid.setCurrentIndex(cell(page, day, shift))
    page.grid.setFocus()


def shown_violations(page):
    return [page.violation_model.record(i) for i in range(page.violation_model.rowCount())]


def pick(qtbot, page, day, shift, initials: str, *, stay: bool = False):
    """Select the cell, type the initials (the picker opens on the first letter), press Enter."""
    go_to(page, day, shift)
    qtbot.keyClick(page.grid, initials[0])
    picker = page.picker
    assert picker is not None and picker.isVisible() and picker.search.text() == initials[0]
    qtbot.keyClicks(picker.search, initials[1:])
    modifier = Qt.KeyboardModifier.ShiftModifier if stay else Qt.KeyboardModifier.NoModifier
    qtbot.keyClick(picker.search, Qt.Key.Key_Return, modifier)
    return picker


def test_opens_next_month_as_a_draft_with_gaps_marked(open_page, posts):
    page = open_page()
    assert page.month == MONTH and page.month_edit.text() == "2026年12月"
    assert page.status_label.text().startswith("草稿")
    night, day = posts["night"], posts["day"]
    assert text(page, "2026-12-01", night) == "缺 1 人"
    assert text(page, "2026-12-01", posts["ward_night"]) == "缺 2 人"
    gap = page.grid_model.data(cell(page, "2026-12-01", night), Qt.ItemDataRole.BackgroundRole)
    assert gap.color().name() == roster_grid.GAP_BG
    saturday = cell(page, "2026-12-05", day)  # no day shift at weekends: greyed, empty
    assert page.grid_model.data(saturday) == ""
    assert page.grid_model.data(saturday, Qt.ItemDataRole.BackgroundRole).color().name() == roster_grid.NOT_APPLICABLE_BG
    assert page.grid_model.headerData(saturday.row(), Qt.Orientation.Vertical) == "12-05 六 休"
    header = page.grid_model.headerData(cell(page, "2026-12-01", night).column(), Qt.Orientation.Horizontal)
    assert header == "内科一线\n夜班 17:30–次日08:00"
    assert page.count_label.text() == f"违规 {len(roster.check_month(page.ctx.session, MONTH))} 处"


def test_keyboard_assignment_through_the_picker(open_page, posts, qtbot):
    page = open_page()
    night = posts["night"]
    before = len(shown_violations(page))
    picker = pick(qtbot, page, "2026-12-01", night, "zs")
    assert picker.isHidden()
    assert text(page, "2026-12-01", night) == "张三"
    assert roster.month_view(page.ctx.session, MONTH).people("2026-12-01", night.id)[0].name == "张三"
    assert len(shown_violations(page)) == before - 1  # the gap is filled
    assert page.count_label.text() == f"违规 {before - 1} 处"


def test_violation_shows_at_once_names_the_rule_and_undo_removes_it(open_page, posts, qtbot):
    page = open_page()
    night = posts["night"]
    pick(qtbot, page, "2026-12-03", night, "zzw")  # 曾志伟: 规培, no practising certificate
    assert text(page, "2026-12-03", night) == "曾志伟"
    found = [v for v in shown_violations(page) if v.staff_name == "曾志伟"]
    assert {v.rule for v in found} == {rules.QUALIFICATION}
    assert any(v.rule == rules.REGISTERED and v.date == "2026-12-03" for v in shown_violations(page))
    index = cell(page, "2026-12-03", night)
    tooltip = page.grid_model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert "【资质不符】" in tooltip and "没有执业证书" in tooltip
    assert page.grid_model.data(index, Qt.ItemDataRole.BackgroundRole).color().name() == roster_grid.VIOLATION_BG
    # the panel links back to the cell
    go_to(page, "2026-12-20", posts["day"])
    page.violation_table.select_where(lambda v: v.staff_name == "曾志伟")
    assert page.jump_to_violation() and page.grid.currentIndex() == index
    page.undo()
    assert text(page, "2026-12-03", night) == "缺 1 人"
    assert not [v for v in shown_violations(page) if v.staff_name == "曾志伟"]
    assert not roster.month_view(page.ctx.session, MONTH).people("2026-12-03", night.id)
    page.redo()
    assert text(page, "2026-12-03", night) == "曾志伟"


def test_two_nurses_with_shift_enter_and_delete_asks_whom(open_page, posts, qtbot, monkeypatch):
    page = open_page()
    ward = posts["ward_night"]
    picker = pick(qtbot, page, "2026-12-02", ward, "wf", stay=True)  # 王芳, and the picker stays open
    assert picker.isVisible() and picker.on_duty.count() == 1
    assert "缺 1 人" in text(page, "2026-12-02", ward)
    qtbot.keyClicks(picker.search, "zm")
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert picker.isHidden() and text(page, "2026-12-02", ward) == "王芳、赵敏"
    from PySide6.QtWidgets import QInputDialog

    asked = []
    monkeypatch.setattr(QInputDialog, "getItem",
                        lambda parent, title, label, items, *a: (asked.append(items), (items[2], True))[1])
    go_to(page, "2026-12-02", ward)
    qtbot.keyClick(page.grid, Qt.Key.Key_Delete)
    assert asked == [["全部 2 人", "王芳", "赵敏"]]
    assert text(page, "2026-12-02", ward).startswith("王芳")
    assert any(v.rule == rules.COVERAGE and v.date == "2026-12-02" for v in shown_violations(page))


def test_copy_previous_week_and_undo_takes_back_exactly_that(open_page, posts, doctors, system):
    night = posts["night"]
    roster.assign(system, "2026-12-01", night.id, doctors[1])  # Tuesday of the first week
    roster.assign(system, "2026-12-09", night.id, doctors[2])  # already in the target week
    page = open_page()
    go_to(page, "2026-12-10", posts["day"])
    page.copy_week()
    assert text(page, "2026-12-08", night) == "钱医生"  # the Tuesday a week later
    assert text(page, "2026-12-09", night) == "孙医生"  # people already there stay
    page.undo()
    assert text(page, "2026-12-08", night) == "缺 1 人"
    assert text(page, "2026-12-01", night) == "钱医生" and text(page, "2026-12-09", night) == "孙医生"


def test_fill_from_rotation_and_clear_are_undoable(open_page, posts, doctors, system, messages):
    roster.set_rotation(system, posts["first"].id, doctors)
    page = open_page()
    go_to(page, "2026-12-01", posts["night"])
    page.fill_rotation()
    view = roster.month_view(page.ctx.session, MONTH)
    assert all(view.people(d.isoformat(), posts["night"].id) for d in view.days)
    assert "张三" in text(page, "2026-12-01", posts["day"]) or text(page, "2026-12-01", posts["day"])
    assert not any(v.post_name == "内科一线" and v.rule == rules.COVERAGE for v in shown_violations(page))
    page.clear_shown()
    assert ("question", "清空") == messages[-1][:2]
    assert text(page, "2026-12-01", posts["night"]) == "缺 1 人"
    page.undo()  # the cleared duties come back
    assert text(page, "2026-12-01", posts["night"]) != "缺 1 人"
    page.undo()  # and the rotation fill goes
    assert not roster.month_view(page.ctx.session, MONTH).cells


def test_publish_with_violations_needs_the_check_box_and_is_recorded(open_page, posts, doctors, system,
                                                                     monkeypatch, qtbot, messages):
    roster.assign(system, "2026-12-01", posts["night"].id, doctors[0])
    page = open_page()
    seen = {}

    def confirm(dialog):
        seen["disabled_first"] = not dialog.ok_button.isEnabled()
        seen["box"] = dialog.acknowledge.text()
        dialog.acknowledge.setChecked(True)
        seen["enabled_after"] = dialog.ok_button.isEnabled()
        return 1

    from ui.dialogs.roster_revision import ViolationConfirmDialog

    monkeypatch.setattr(ViolationConfirmDialog, "exec", confirm)
    count = len(roster.check_month(system, MONTH))
    page.publish()
    assert seen == {"disabled_first": True, "box": f"我已知晓上述 {count} 处违规，仍要发布", "enabled_after": True}
    assert roster.month_status(system, MONTH).status == "已发布"
    assert len(roster.confirmed_violations(system, MONTH)) == count
    assert page.status_label.text().startswith("已发布 第 1 版 · 发布于 2026-11-23")
    # frozen: editing keys say what to do instead
    go_to(page, "2026-12-02", posts["night"])
    qtbot.keyClick(page.grid, Qt.Key.Key_Return)
    qtbot.keyClick(page.grid, Qt.Key.Key_Delete)
    assert [m[2] for m in messages] == [FROZEN_MESSAGE, FROZEN_MESSAGE]
    assert page.picker is None and not page.copy_week_button.isEnabled() and page.revise_button.isEnabled()


def test_cover_after_publishing_shows_in_the_cell_and_the_change_list(open_page, posts, doctors, system, qtbot):
    night = posts["night"]
    roster.assign(system, "2026-12-01", night.id, doctors[0])
    roster.publish(system, MONTH, confirm_violations=True)
    page = open_page()
    go_to(page, "2026-12-01", night)
    dialog = page.revise()
    assert dialog.from_staff.currentText().startswith("张三")
    qtbot.keyClicks(dialog.to_staff.search, "qys")  # 钱医生
    assert dialog.to_staff.current().staff.name == "钱医生"
    dialog.reason.setPlainText("家中有事")
    dialog.requested_by.setText("张三")
    dialog.approved_by.setText("内科主任")
    dialog.save()
    assert dialog.saved is not None and "钱医生 替 张三" in dialog.saved.text()
    assert text(page, "2026-12-01", night) == "钱医生（替）"
    tooltip = page.grid_model.data(cell(page, "2026-12-01", night), Qt.ItemDataRole.ToolTipRole)
    assert "钱医生 替 张三" in tooltip and "家中有事" in tooltip and "内科主任" in tooltip
    assert page.revision_model.rowCount() == 1 and page.tabs.tabText(1) == "变更记录（1）"
    assert page.status_label.text().startswith("已发布 第 2 版")


def test_revision_needs_reason_and_people(open_page, posts, doctors, system, qtbot):
    roster.assign(system, "2026-12-01", posts["night"].id, doctors[0])
    roster.publish(system, MONTH, confirm_violations=True)
    page = open_page()
    go_to(page, "2026-12-01", posts["night"])
    dialog = page.revise()
    dialog.save()
    assert set(dialog.form.messages()) == {"原因", "申请人", "批准人"} and dialog.saved is None


def test_clinician_sees_only_published_months_and_no_edit_buttons(open_page, posts, doctors, system, qtbot):
    roster.assign(system, "2026-12-01", posts["night"].id, doctors[0])
    page = open_page(Role.CLINICIAN)
    assert page.month == "2026-11" and "尚未发布" in page.empty_label.text()
    page.apply_preset(MONTH)
    assert "尚未发布" in page.empty_label.text() and page.stack.currentWidget() is page.empty_label
    roster.publish(system, MONTH, confirm_violations=True)
    page.reload()
    assert page.stack.currentWidget() is page.grid and text(page, "2026-12-01", posts["night"]) == "张三"
    hidden = (page.copy_week_button, page.copy_month_button, page.rotation_button, page.clear_button,
              page.undo_button, page.publish_button, page.revise_button, page.import_button)
    assert not any(b.isVisible() for b in hidden) and page.print_button.isVisible()
    go_to(page, "2026-12-02", posts["night"])
    qtbot.keyClick(page.grid, "z")
    assert page.picker is None


def test_department_head_plans_only_their_department(open_page, posts):
    page = open_page(Role.DEPT_HEAD)
    assert [page.scope.itemText(i) for i in range(page.scope.count())] == ["本科室：内科"]
    assert {p.name for p in page.state.posts.values()} == {"内科一线", "内科一病区护理夜班"}
    assert not page.publish_button.isVisible() and page.copy_week_button.isEnabled()


def test_preset_and_month_keys(open_page, posts):
    page = open_page()
    page.apply_preset("2027-01")
    assert page.month == "2027-01" and page.month_edit.text() == "2027年1月"
    assert page.grid_model.rowCount() == 31
    page.step_month(-1)
    page.step_month(-1)
    assert page.month == "2026-11" and page.grid_model.rowCount() == 30


def test_staff_view_shows_duties_and_load(open_page, posts, doctors, system):
    roster.assign(system, "2026-12-05", posts["night"].id, doctors[0])  # Saturday night
    roster.assign(system, "2026-12-07", posts["day"].id, doctors[0])
    page = open_page()
    page.by_staff.click()
    model = page.staff_model
    assert page.stack.currentWidget() is page.staff_view
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(7)]
    assert headers == ["姓名", "科室", "班数", "夜班", "周末", "节假日", "工时"]
    row = [model.data(model.index(0, c)) for c in range(7)]
    assert row == ["张三", "内科", "2", "1", "1", "0", "24"]
    saturday = 7 + 4
    assert model.headerData(saturday, Qt.Orientation.Horizontal) == "5\n六"
    assert model.data(model.index(0, saturday)) == "夜"


def test_apply_changes_is_scoped_and_exact(posts, doctors, session_as, system):
    from desktop_app import errors

    head = session_as(Role.DEPT_HEAD, "内科")
    roster.assign(system, "2026-12-01", posts["night"].id, doctors[0])
    assert roster.apply_changes(head, MONTH, add=[("2026-12-02", posts["night"].id, doctors[1])],
                                remove=[("2026-12-01", posts["night"].id, doctors[0])]) == 2
    view = roster.month_view(system, MONTH)
    assert set(view.cells) == {("2026-12-02", posts["night"].id)}
    with pytest.raises(errors.PermissionDenied):
        roster.apply_changes(head, MONTH, add=[("2026-12-03", posts["chief_shift"].id, doctors[0])])
    with pytest.raises(errors.ValidationError, match="不在"):
        roster.apply_changes(system, MONTH, add=[("2027-01-03", posts["night"].id, doctors[0])])


def _pdf_text(path) -> str:
    import subprocess

    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_print_hospital_week_layout_and_department_month_layout(open_page, posts, doctors, system, qtbot):
    from ui.jobs import active_jobs

    roster.assign(system, "2026-12-01", posts["night"].id, doctors[0])
    page = open_page()
    page.print_roster()
    qtbot.waitUntil(lambda: active_jobs() == 0 and getattr(page, "_last_preview", None) is not None, timeout=20000)
    week = page._last_preview
    assert week.suggested_name == "值班表-2026-12-全院.pdf" and "张三" in _pdf_text(week.pdf_path)
    week.close()
    page._last_preview = None
    page.scope.setCurrentIndex(next(i for i in range(page.scope.count()) if page.scope.itemText(i) == "科室：内科"))
    assert set(page.state.posts) == {posts["first"].id, posts["ward"].id}  # its ward too
    page.print_roster()
    qtbot.waitUntil(lambda: active_jobs() == 0 and getattr(page, "_last_preview", None) is not None, timeout=20000)
    month = page._last_preview
    assert month.suggested_name == "值班表-2026-12-内科.pdf"
    text = _pdf_text(month.pdf_path)
    assert "张三" in text and "医院总值班" not in text
    assert month.document.pageCount() < week.document.pageCount()  # a month on one sheet, not week by week
    month.close()


def test_export_excel_of_the_shown_posts(open_page, posts, doctors, system, qtbot, tmp_path, monkeypatch, messages):
    from openpyxl import load_workbook
    from PySide6.QtWidgets import QFileDialog

    from ui.jobs import active_jobs

    roster.assign(system, "2026-12-01", posts["night"].id, doctors[0])
    target = tmp_path / "十二月值班"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    page = open_page()
    page.export_roster()
    qtbot.waitUntil(lambda: active_jobs() == 0 and any(t == "导出完成" for _k, t, _x in messages), timeout=20000)
    book = load_workbook(target.with_suffix(".xlsx"), read_only=True)
    cells = [str(c) for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c]
    assert any("张三" in c for c in cells) and any("内科一线" in c for c in cells)


def test_import_excel_through_the_page_and_undo_it(open_page, posts, doctors, qtbot, tmp_path, monkeypatch,
                                                     messages):
    from tests.excel.files import write_xlsx
    from ui.dialogs.import_preview import ImportPreviewDialog
    from ui.jobs import active_jobs

    path = write_xlsx(tmp_path / "12月值班.xlsx", [
        ["日期", "星期", "内科一线 白班", "内科一线 夜班"],
        ["1日", "二", "孙医生", "钱医生"],
        [2, "三", None, "张三"],
    ])
    seen = []
    monkeypatch.setattr(ImportPreviewDialog, "exec", lambda self: seen.append(self) or 1)
    page = open_page()
    page.import_file(str(path))
    qtbot.waitUntil(lambda: active_jobs() == 0 and any(t == "导入完成" for _k, t, _x in messages), timeout=20000)
    assert seen[0].apply_button.isEnabled() and seen[0].model.rowCount() == 2
    assert "已排入 3 人次" in messages[-1][2]
    assert text(page, "2026-12-01", posts["night"]) == "钱医生" and text(page, "2026-12-02", posts["night"]) == "张三"
    page.undo()
    assert text(page, "2026-12-01", posts["night"]) == "缺 1 人"
    assert not roster.month_view(page.ctx.session, MONTH).cells
