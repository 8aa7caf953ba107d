"""检查表 page: a hospital's own checklist, its check points, new versions; built-ins read-only."""
from PySide6.QtCore import Qt

from desktop_app.accounts.permissions import Role
from desktop_app.ledger import checklists
from ui.dialogs.checklist_edit import ChecklistDialog, ChecklistItemDialog, NewVersionDialog
from ui.pages.checklists import BUILTIN_NOTE


def open_page(window_for, role=Role.QUALITY):
    window = window_for(role)
    window.navigate("checklists")
    return window, window.page("checklists")


def names(page):
    return [page.model.record(i).label() for i in range(page.model.rowCount())]


def select(page, kind):
    assert page.table.select_where(lambda c: c.kind == kind and c.builtin)
    return page.selected_checklist()


def test_new_checklist_with_messages_beside_fields(window_for, qtbot, messages):
    window, page = open_page(window_for)
    dialog = ChecklistDialog(window.ctx, parent=page)
    qtbot.addWidget(dialog)
    dialog.version.clear()
    dialog.categories.setPlainText("手卫生\n手卫生")
    dialog.save()
    shown = dialog.form.messages()
    assert "请填写检查表名称" in shown["名称"] and "请填写版本" in shown["版本"] and "不能重复" in shown["类别"]
    dialog.name.setText("院感防控专项检查表")
    dialog.version.setText("2026")
    dialog.categories.setPlainText("手卫生\n\n医疗废物管理\n")
    dialog.save()
    assert dialog.saved is not None
    page.select_checklist(dialog.saved.id)  # what new_checklist() does after the dialog
    assert "院感防控专项检查表（2026）" in names(page)
    assert page.selected_checklist().id == dialog.saved.id
    assert [page.categories.item(i).text() for i in range(page.categories.count())] == [
        "全部类别（0）", "1　手卫生（0）", "2　医疗废物管理（0）"]
    assert page.add_item_button.isEnabled() and not page.notice.isVisibleTo(page)


def test_add_and_edit_check_points(window_for, qtbot, messages):
    window, page = open_page(window_for)
    own = checklists.create_checklist(window.ctx.session, {"name": "院感防控专项检查表", "version": "2026"},
                                      ["手卫生", "医疗废物管理"])
    window.ctx.notify("ledger")
    page.select_checklist(own.id)
    page.categories.setCurrentRow(2)  # 医疗废物管理: the new point goes there
    dialog = ChecklistItemDialog(window.ctx, own, parent=page, category_id=page.current_category_id())
    qtbot.addWidget(dialog)
    assert dialog.category.currentText() == "2　医疗废物管理"
    dialog.deduction.setText("200")
    dialog.save()
    shown = dialog.form.messages()
    assert "请填写检查要点" in shown["检查要点"] and "0–100" in shown["扣分"]
    dialog.text.setPlainText("医疗废物是否分类收集、日产日清")
    dialog.method.setPlainText("现场查看 2 个病区")
    dialog.deduction.setText("2")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert page.shown_codes() == ["2.1"]
    item = page.items.record(0)
    assert (item.text, item.method, item.deduction, item.active) == ("医疗废物是否分类收集、日产日清", "现场查看 2 个病区", 2, True)

    edit = ChecklistItemDialog(window.ctx, own, item, parent=page)
    qtbot.addWidget(edit)
    edit.deduction.setText("1.5")
    edit.active.setChecked(False)
    edit.save()
    page.categories.setCurrentRow(0)
    row = page.items.row_of(lambda i: i.code == "2.1")
    assert page.items.data(page.items.index(row, 3)) == "1.5" and page.items.data(page.items.index(row, 4)) == "否"
    assert page.items.data(page.items.index(row, 1), Qt.ItemDataRole.ForegroundRole).color().name() == "#888888"
    assert "其中停用 1 个" in page.item_count.text()


def test_builtin_checklists_are_read_only_until_copied_as_a_new_version(window_for, qtbot, messages):
    window, page = open_page(window_for)
    builtin = select(page, "核心制度")
    assert len(page.shown_codes()) == 84
    assert page.notice.isVisibleTo(page) and page.notice.text() == BUILTIN_NOTE
    assert not page.add_item_button.isEnabled() and not page.edit_item_button.isEnabled()
    page.items_view.selectRow(0)
    assert page.edit_item() is None  # double-click on a built-in point opens nothing

    dialog = NewVersionDialog(window.ctx, builtin, parent=page)
    qtbot.addWidget(dialog)
    dialog.version.setText("2025")
    dialog.save()
    assert "已有" in dialog.form.messages()["版本"]
    dialog.version.setText("2027")
    dialog.save()
    copy = dialog.saved
    assert copy is not None and not copy.builtin and copy.item_count == builtin.item_count == 84
    page.select_checklist(copy.id)
    assert page.selected_checklist().label() == f"{builtin.name}（2027）"
    assert not page.notice.isVisibleTo(page) and page.add_item_button.isEnabled() and page.edit_item_button.isEnabled()
    assert len(page.shown_codes()) == 84


def test_deactivate_and_activate_a_checklist(window_for, messages):
    window, page = open_page(window_for)
    builtin = select(page, "专项整治")
    page.toggle_active()  # confirmed (the fixture answers 是)
    assert builtin.label() not in names(page)
    assert not checklists.get_checklist(window.ctx.session, builtin.id).active
    page.show_inactive.setChecked(True)
    assert builtin.label() in names(page)
    page.select_checklist(builtin.id)
    assert page.active_button.text() == "启用" and "已停用" in page.heading.text()
    page.toggle_active()
    assert checklists.get_checklist(window.ctx.session, builtin.id).active


def test_roles_without_checklist_rights_only_read(window_for):
    _window, page = open_page(window_for, Role.LEADER)
    select(page, "核心制度")
    assert len(page.shown_codes()) == 84
    for button in (page.new_button, page.version_button, page.active_button, page.add_item_button,
                   page.edit_item_button):
        assert not button.isVisibleTo(page)
