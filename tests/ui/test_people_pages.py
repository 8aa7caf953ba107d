"""人员 and 科室 pages as a user drives them."""
import subprocess

from PySide6.QtCore import Qt

from desktop_app.accounts.permissions import Role


def shown_names(page):
    return [page.model.record(i).name for i in range(page.model.rowCount())]


def test_pinyin_search_as_you_type(window_for, qtbot):
    window = window_for(Role.QUALITY)
    window.navigate("staff")
    page = window.page("staff")
    assert len(shown_names(page)) == 7 and "共 7 人" in page.count.text()
    qtbot.keyClicks(page.search, "zs")
    assert shown_names(page) == ["张三"]
    page.search.clear()
    qtbot.keyClicks(page.search, "czw")
    assert shown_names(page) == ["曾志伟"]


def test_filters_by_department_and_practice_status(window_for):
    window = window_for(Role.QUALITY)
    window.navigate("staff")
    page = window.page("staff")
    page.practice.setCurrentIndex(page.practice.findData(False))
    assert sorted(shown_names(page)) == sorted(["赵敏", "曾志伟"])
    page.practice.setCurrentIndex(0)
    page.department.setCurrentIndex(page.department.findText("　内科一病区"))
    assert sorted(shown_names(page)) == sorted(["王芳", "赵敏"])


def test_non_registered_staff_are_highlighted(window_for):
    window = window_for(Role.QUALITY)
    window.navigate("staff")
    page = window.page("staff")
    col = [c.title for c in page.model.columns].index("执业状态")
    for row in range(page.model.rowCount()):
        staff = page.model.record(row)
        brush = page.model.data(page.model.index(row, col), Qt.ItemDataRole.ForegroundRole)
        assert (brush is not None) == (not staff.registered_here)


def test_new_staff_dialog_shows_messages_beside_fields_then_saves(window_for, qtbot, db):
    from ui.dialogs.staff_edit import StaffDialog

    window = window_for(Role.QUALITY)
    window.navigate("staff")
    dialog = StaffDialog(window.ctx, parent=window)
    qtbot.addWidget(dialog)
    dialog.employee_no.setText("D001")  # already used by 张三
    dialog.save()
    messages = dialog.form.messages()
    assert "已被其他人员使用" in messages["工号"] and "请填写姓名" in messages["姓名"]
    assert dialog.result() != dialog.DialogCode.Accepted
    dialog.employee_no.setText("D100")
    dialog.name.setText("钱七")
    dialog.category.setCurrentText("医师")
    dialog.title.setCurrentText("主治医师")
    dialog.licence.setText("110340000099999")
    dialog.save()
    assert dialog.saved is not None and dialog.saved.name == "钱七"
    page = window.page("staff")
    assert "钱七" in shown_names(page)  # the page redrew after the change notice


def test_live_validation_while_typing(window_for, qtbot):
    from ui.dialogs.staff_edit import StaffDialog

    window = window_for(Role.QUALITY)
    dialog = StaffDialog(window.ctx, parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.phone.setText("电话号码")
    qtbot.waitUntil(lambda: "联系电话" in dialog.form.messages(), timeout=2000)
    assert "只能包含数字" in dialog.form.messages()["联系电话"]
    assert "姓名" not in dialog.form.messages()  # untouched fields are not nagged before 保存


def test_reader_cannot_see_edit_buttons(window_for):
    window = window_for(Role.READONLY)
    window.navigate("staff")
    page = window.page("staff")
    assert page.add_button.isHidden() and page.delete_button.isHidden()


def test_department_head_edit_outside_department_is_refused_with_message(window_for, hospital, messages, qtbot):
    from desktop_app.people import service as people
    from ui.dialogs.staff_edit import StaffDialog

    window = window_for(Role.DEPT_HEAD, "内科")
    other = people.get_staff(window.ctx.session, hospital.staff["李四"])
    dialog = StaffDialog(window.ctx, other, parent=window)
    qtbot.addWidget(dialog)
    dialog.phone.setText("13911112222")
    dialog.save()
    assert messages and messages[-1][0] == "warning" and "只能修改本科室" in messages[-1][2]


def test_delete_staff_asks_then_removes(window_for, messages):
    window = window_for(Role.QUALITY)
    window.navigate("staff")
    page = window.page("staff")
    page.search.setText("周明")
    page.table.selectRow(0)
    page.delete_selected()
    assert messages[0][0] == "question"
    page.search.setText("")
    assert "周明" not in shown_names(page)


def test_department_dialog_creates_ward_under_department(window_for, qtbot, hospital):
    from ui.dialogs.staff_edit import DepartmentDialog

    window = window_for(Role.QUALITY)
    window.navigate("departments")
    dialog = DepartmentDialog(window.ctx, parent=window)
    qtbot.addWidget(dialog)
    dialog.name.setText("外科一病区")
    dialog.kind.setCurrentText("护理单元")
    dialog.parent_box.setCurrentIndex(dialog.parent_box.findData(hospital.departments["外科"]))
    dialog.save()
    page = window.page("departments")
    rows = {page.model.record(i).name: page.model.record(i) for i in range(page.model.rowCount())}
    assert rows["外科一病区"].parent_name == "外科"


def test_import_with_errors_shows_rows_and_columns_and_writes_nothing(window_for, qtbot, tmp_path, monkeypatch, db):
    from tests.excel.files import write_xlsx
    from ui.dialogs.import_preview import ImportPreviewDialog
    from ui.jobs import active_jobs

    path = write_xlsx(tmp_path / "名单.xlsx", [
        ["人员名单"],
        ["工号", "姓名", "科室", "人员类别"],
        ["X01", "新同事", "不存在的科", "医师"],
        ["X02", "另一位", "外科", "医生"],
    ])
    seen = []
    monkeypatch.setattr(ImportPreviewDialog, "exec", lambda self: seen.append(self) or 0)
    window = window_for(Role.QUALITY)
    window.navigate("staff")
    before = db.scalar("SELECT count(*) FROM staff")
    window.page("staff").import_file(str(path))
    qtbot.waitUntil(lambda: active_jobs() == 0 and bool(seen), timeout=5000)
    dialog = seen[0]
    assert not dialog.apply_button.isEnabled()
    assert "第 3 行 C 列" in dialog.problem_text() and "不存在的科" in dialog.problem_text()
    assert db.scalar("SELECT count(*) FROM staff") == before


def test_import_good_file_after_confirmation(window_for, qtbot, tmp_path, monkeypatch, messages):
    from tests.excel.files import write_xlsx
    from ui.dialogs.import_preview import ImportPreviewDialog
    from ui.jobs import active_jobs

    path = write_xlsx(tmp_path / "名单.xlsx", [
        ["工号", "姓名", "科室", "人员类别", "职称"],
        ["X01", "新同事", "外科", "医师", "医师"],
        ["D001", "张三", "内科", "医师", "副主任医师"],  # an update of an existing person
    ])
    monkeypatch.setattr(ImportPreviewDialog, "exec", lambda self: 1)
    window = window_for(Role.QUALITY)
    window.navigate("staff")
    page = window.page("staff")
    page.import_file(str(path))
    qtbot.waitUntil(lambda: active_jobs() == 0 and any(t == "导入完成" for _k, t, _x in messages), timeout=5000)
    assert "新增 1 人，更新 1 人" in messages[-1][2]
    assert "新同事" in shown_names(page)


def test_print_staff_list_opens_preview_with_pages(window_for, qtbot):
    from ui.jobs import active_jobs

    window = window_for(Role.QUALITY)
    window.navigate("staff")
    page = window.page("staff")
    page.search.setText("n00")  # the printout follows the filter on screen
    page.print_list()
    qtbot.waitUntil(lambda: active_jobs() == 0 and getattr(page, "_last_preview", None) is not None, timeout=15000)
    preview = page._last_preview
    assert preview.document.pageCount() >= 1
    text = subprocess.run(["pdftotext", "-layout", str(preview.pdf_path), "-"], capture_output=True, text=True).stdout
    assert "王芳" in text and "赵敏" in text and "张三" not in text and "n00" in text
    preview.close()


def test_export_menu_writes_both_kinds_of_excel(window_for, qtbot, tmp_path, monkeypatch, messages):
    import openpyxl
    from PySide6.QtWidgets import QFileDialog
    from ui.jobs import active_jobs

    window = window_for(Role.QUALITY)
    window.navigate("staff")
    page = window.page("staff")
    targets = iter([tmp_path / "可编辑.xlsx", tmp_path / "打印版.xlsx"])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(next(targets)), ""))
    monkeypatch.setattr("ui.pdf_preview.QDesktopServices.openUrl", lambda url: True)
    page.export_excel()
    qtbot.waitUntil(lambda: active_jobs() == 0 and (tmp_path / "可编辑.xlsx").exists(), timeout=10000)
    page.export_print_xlsx()
    qtbot.waitUntil(lambda: active_jobs() == 0 and (tmp_path / "打印版.xlsx").exists(), timeout=10000)
    editable = openpyxl.load_workbook(tmp_path / "可编辑.xlsx").active
    printed = openpyxl.load_workbook(tmp_path / "打印版.xlsx").active
    assert any(c.value == "张三" for row in editable.iter_rows() for c in row)
    assert "人员名册" in str(printed["A1"].value) and printed.print_title_rows


def test_keyboard_search_then_enter_opens_the_person(window_for, qtbot, monkeypatch):
    from ui.dialogs.staff_edit import StaffDialog

    opened = []
    monkeypatch.setattr(StaffDialog, "exec", lambda self: opened.append(self.staff.name) or 0)
    window = window_for(Role.QUALITY)
    window.navigate("staff")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    page = window.page("staff")
    page.search.setFocus()
    qtbot.keyClicks(page.search, "wf")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)   # to the list, first row selected
    assert page.table.hasFocus() and page.table.selected_record().name == "王芳"
    qtbot.keyClick(page.table, Qt.Key.Key_Return)    # open it
    assert opened == ["王芳"]


def test_sorting_by_header_and_filtering_departments(window_for):
    window = window_for(Role.QUALITY)
    window.navigate("departments")
    page = window.page("departments")
    page.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)  # 在岗人数, most first
    counts = [page.model.record(i).staff_count for i in range(page.model.rowCount())]
    assert counts == sorted(counts, reverse=True)
    page.filter.setText("内科")
    assert {page.model.record(i).name for i in range(page.model.rowCount())} == {"内科", "内科一病区"}


def test_lists_start_in_the_order_the_service_returns(window_for):
    from desktop_app.people import service as people

    window = window_for(Role.QUALITY)
    window.navigate("staff")
    page = window.page("staff")
    expected = [s.employee_no for s in people.list_staff(window.ctx.session, page.current_filter())]
    assert [page.model.record(i).employee_no for i in range(page.model.rowCount())] == expected
