"""问题台账 page: a problem's whole life driven through the page, per role."""
import pytest
from PySide6.QtCore import Qt

from desktop_app.accounts.permissions import Role
from desktop_app.ledger import service as ledger
from desktop_app.ledger.models import LedgerFilter


@pytest.fixture
def problems(system, hospital, clock):
    base = {"source": "自查", "category": "查对制度", "severity": "一般"}
    made = {}
    for key, found, deadline, dept, text in (
        ("overdue", "2026-10-01", "2026-10-31", "内科", "输液前未双人核对"),
        ("soon", "2026-11-10", "2026-11-27", "内科一病区", "交接班记录缺签名"),
        ("later", "2026-11-20", "2026-12-31", "外科", "术前讨论记录不全"),
    ):
        made[key] = ledger.register_item(system, {**base, "found_on": found, "deadline": deadline,
                                                  "department_id": hospital.departments[dept], "description": text})
    return made


def rows(page):
    return [page.model.record(i) for i in range(page.model.rowCount())]


def test_list_colours_overdue_and_due_soon(window_for, problems):
    window = window_for(Role.QUALITY)
    window.navigate("ledger")
    page = window.page("ledger")
    shown = {r.number: r for r in rows(page)}
    assert len(shown) == 3 and "逾期 1 项" in page.count.text()
    colour = lambda n: page.model.data(page.model.index(  # noqa: E731
        page.model.row_of(lambda r: r.number == n), 0), Qt.ItemDataRole.ForegroundRole)
    assert colour(problems["overdue"].number).color().name() == "#c62828"
    assert colour(problems["soon"].number).color().name() == "#b26a00"
    assert colour(problems["later"].number) is None


def test_dashboard_link_opens_the_overdue_problems(window_for, problems, qtbot):
    window = window_for(Role.QUALITY)
    dashboard = window.page("dashboard")
    texts = dashboard.todo_texts()
    assert any("逾期未销号的问题 1 项" in t for t in texts)
    item = next(dashboard.todos.item(i) for i in range(dashboard.todos.count())
                if "逾期未销号" in dashboard.todos.item(i).text())
    dashboard._open_item(item)
    page = window.page("ledger")
    assert window.current_page_key() == "ledger" and page.overdue.isChecked()
    assert [r.number for r in rows(page)] == [problems["overdue"].number]


def test_filters_narrow_the_list(window_for, problems, hospital):
    window = window_for(Role.QUALITY)
    window.navigate("ledger")
    page = window.page("ledger")
    page.department.setCurrentIndex(page.department.findData(hospital.departments["内科"]))
    assert {r.number for r in rows(page)} == {problems["overdue"].number, problems["soon"].number}  # ward included
    page.clear_filters()
    page.text.setText("术前")
    assert [r.number for r in rows(page)] == [problems["later"].number]


def test_register_dialog_shows_errors_then_saves(window_for, qtbot, hospital):
    from ui.dialogs.ledger_item import LedgerItemDialog

    window = window_for(Role.QUALITY)
    window.navigate("ledger")
    dialog = LedgerItemDialog(window.ctx, parent=window)
    qtbot.addWidget(dialog)
    dialog.save()
    messages = dialog.form.messages()
    assert "请填写问题描述" in messages["问题描述"] and "请选择责任科室" in messages["责任科室"]
    assert "请选择问题类别" in messages["问题类别"]
    dialog.category.setCurrentText("首诊负责制度")
    dialog.description.setPlainText("患者投诉急诊候诊 40 分钟无人接诊")
    dialog.department.setCurrentIndex(dialog.department.findData(hospital.departments["内科"]))
    dialog.save()
    assert dialog.saved is not None and dialog.saved.source == "投诉"
    assert dialog.saved.deadline == "2026-12-23"  # 30 days by default
    page = window.page("ledger")
    assert dialog.saved.id in [r.id for r in rows(page)]  # the list redrew after the change notice


def test_whole_loop_through_the_page(window_for, problems, session_as, monkeypatch, tmp_path):
    from desktop_app.session import Session
    from ui.dialogs import ledger_item as dialogs

    item = problems["soon"]
    head = window_for(Role.DEPT_HEAD, "内科")
    head.navigate("ledger")
    page = head.page("ledger")
    assert {r.department_name for r in rows(page)} <= {"内科", "内科一病区"}
    assert page.table.select_where(lambda r: r.id == item.id)
    assert page.rectify_button.isVisible() and not page.recheck_button.isVisible()

    def fill_rectification(self):
        self.cause.setPlainText("夜班人员不足")
        self.measures.setPlainText("调整排班，交接班双签")
        self.responsible.setText("王芳")
        self.save()
        return self.result()

    monkeypatch.setattr(dialogs.RectificationDialog, "exec", fill_rectification)
    page.next_step()  # Enter on the row: the step the problem is waiting for
    assert ledger.get_item(head.ctx.session, item.id).status == "整改中"
    assert page.submit_button.isVisible()

    photo = tmp_path / "签名整改.png"
    photo.write_bytes(b"\x89PNG\r\n" + b"x" * 100)

    def fill_submit(self):
        self.add_attachment(str(photo))
        self.progress.setPlainText("已补签并培训")
        self.save()
        return self.result()

    monkeypatch.setattr(dialogs.SubmitRecheckDialog, "exec", fill_submit)
    page.submit_button.click()
    assert ledger.get_item(head.ctx.session, item.id).status == "已整改待复查"
    assert page.attachments.count() == 1 and not page.submit_button.isVisible()

    quality = window_for(Role.QUALITY)
    quality.navigate("ledger:recheck")
    qpage = quality.page("ledger")
    assert [r.id for r in rows(qpage)] == [item.id]
    qpage.table.selectRow(0)

    def pass_recheck(self):
        self.opinion.setPlainText("现场查看交接班本，已双签")
        self.save()
        return self.result()

    monkeypatch.setattr(dialogs.RecheckDialog, "exec", pass_recheck)
    qpage.next_step()
    done = ledger.get_item(quality.ctx.session, item.id)
    assert done.status == "已销号" and done.rechecker == "质控管理员甲"
    assert "复查通过（销号）" in qpage.detail.toPlainText()
    assert qpage.reopen_button.isVisible() and not qpage.edit_button.isVisible()


def test_reader_sees_no_step_buttons(window_for, problems):
    window = window_for(Role.READONLY)
    window.navigate("ledger")
    page = window.page("ledger")
    page.table.selectRow(0)
    assert page.detail.toPlainText()
    assert not any(b.isVisible() for b in (page.rectify_button, page.submit_button, page.recheck_button,
                                           page.reopen_button, page.edit_button, page.delete_button, page.new_button))


def test_print_ledger_follows_the_filter(window_for, problems, qtbot):
    import subprocess

    from ui.jobs import active_jobs

    window = window_for(Role.QUALITY)
    window.navigate("ledger")
    page = window.page("ledger")
    page.overdue.setChecked(True)
    page.print_ledger()
    qtbot.waitUntil(lambda: active_jobs() == 0 and getattr(page, "_last_preview", None) is not None, timeout=15000)
    text = subprocess.run(["pdftotext", "-layout", str(page._last_preview.pdf_path), "-"],
                          capture_output=True, text=True).stdout
    assert "输液前未双人核对" in text and "术前讨论记录不全" not in text and "逾期" in text
    page._last_preview.close()


def test_notice_needs_a_selection_then_prints_per_department(window_for, problems, qtbot, messages):
    import subprocess

    from ui.jobs import active_jobs

    window = window_for(Role.QUALITY)
    window.navigate("ledger")
    page = window.page("ledger")
    page.table.clearSelection()
    page.print_notices()
    assert "请先在列表中选中" in messages[-1][2]
    page.table.selectAll()
    page.print_notices()
    qtbot.waitUntil(lambda: active_jobs() == 0 and getattr(page, "_last_preview", None) is not None, timeout=15000)
    text = subprocess.run(["pdftotext", "-layout", str(page._last_preview.pdf_path), "-"],
                          capture_output=True, text=True).stdout
    assert text.count("整改通知书") >= 3 and "外科：" in text and "签收人" in text
    page._last_preview.close()


def test_import_old_ledger_through_the_page(window_for, qtbot, tmp_path, monkeypatch, messages):
    from tests.excel.files import write_xlsx
    from ui.dialogs.import_preview import ImportPreviewDialog
    from ui.jobs import active_jobs

    path = write_xlsx(tmp_path / "2025年问题台账.xlsx", [
        ["2025 年医疗质量问题台账"],
        ["序号", "检查日期", "存在问题", "责任科室", "整改时限", "问题类别"],
        [1, "2025.10.8", "危急值登记本未记录报告时间", "检验科", "2025年11月8日", "危急值报告制度"],
        [2, "2025/10/9", "抢救车药品过期 1 支", "内科一病区", "2025-11-09", "急危重患者抢救制度"],
    ])
    seen = []
    monkeypatch.setattr(ImportPreviewDialog, "exec", lambda self: seen.append(self) or 1)
    window = window_for(Role.QUALITY)
    window.navigate("ledger")
    page = window.page("ledger")
    page.import_file(str(path))
    qtbot.waitUntil(lambda: active_jobs() == 0 and any(t == "导入完成" for _k, t, _x in messages), timeout=10000)
    assert seen[0].apply_button.isEnabled()
    assert "已导入问题 2 项" in messages[-1][2]
    assert {"危急值登记本未记录报告时间", "抢救车药品过期 1 支"} <= {r.description for r in rows(page)}


def test_department_head_cannot_import(window_for):
    window = window_for(Role.DEPT_HEAD, "内科")
    window.navigate("ledger")
    page = window.page("ledger")
    assert not page.import_button.isVisible() and page.print_button.isVisible()


def test_long_ledger_loads_page_by_page(window_for, system, hospital):
    with system.db.transaction():
        for n in range(620):
            ledger.insert_item(system, {"found_on": "2026-06-01", "deadline": "2026-12-31", "source": "自查",
                                        "category": "查对制度", "description": f"问题 {n}", "severity": "一般",
                                        "department_id": hospital.departments["外科"]})
    window = window_for(Role.QUALITY)
    window.navigate("ledger")
    page = window.page("ledger")
    assert page.model.rowCount() == 500 and page.count.text() == "共 620 项"
    page.table.scrollToBottom()
    while page.model.canFetchMore():
        page.model.fetchMore()
    assert page.model.rowCount() == 620
    page.clear_filters()
    page.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # sorting takes every row, not just the first page
    numbers = [page.model.record(i).number for i in range(page.model.rowCount())]
    assert len(numbers) == 620 and numbers == sorted(numbers)
