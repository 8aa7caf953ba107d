"""交接班记录 page and dialogs: a nurse writes, signs and hands over; the receiver checks and signs."""
import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from desktop_app.accounts.permissions import Role
from desktop_app.handover import service as handover
from desktop_app.people import service as people
from desktop_app.session import Session
from tests.handover.conftest import CENSUS_OK, PASSWORD, user_for

ITEMS_OK = [{"name": "抢救车", "expected": None, "ok": True}]


@pytest.fixture
def nurses(system, hospital):
    """王芳 writes, 刘洋 receives (both nurses of 内科一病区); the ward keeps a short checklist."""
    ward = hospital.departments["内科一病区"]
    people.create_department(system, {"name": "外科病区", "kind": "护理单元", "parent_id": hospital.departments["外科"]})
    liu = people.create_staff(system, {"employee_no": "N003", "name": "刘洋", "department_id": ward,
                                       "category": "护士", "title": "护师"}).id
    handover.save_template(system, ward, "nurse", [
        {"name": "白班", "starts": "08:00", "ends": "16:00"}, {"name": "小夜班", "starts": "16:00", "ends": "24:00"},
        {"name": "大夜班", "starts": "00:00", "ends": "08:00"}],
        [{"name": "毒麻药品（吗啡注射液）", "expected": 5}, {"name": "抢救车", "expected": None}])
    return {"ward": ward, "wang": user_for(system, hospital.staff["王芳"], "wangfang"),
            "liu": user_for(system, liu, "liuyang")}


@pytest.fixture
def window_of(qtbot):
    from ui.context import AppContext
    from ui.main_window import MainWindow

    def make(session: Session):
        window = MainWindow(AppContext(session))
        qtbot.addWidget(window)
        window.show()
        window.navigate("handover")
        return window, window.page("handover")

    return make


def type_text(widget, text):
    """Chinese text cannot be typed with QTest: set it and emit what typing emits."""
    widget.setText(text)
    widget.textEdited.emit(text)


def board_states(page):
    return [(s.date, s.shift.name, s.state) for s in page.board_model.rows]


def select_slot(page, date, shift):
    assert page.board.select_where(lambda s: (s.date, s.shift.name) == (date, shift))


def test_board_shows_the_last_days_with_the_running_shift_selected(nurses, window_of):
    window, page = window_of(nurses["wang"])
    # 09:30 on 11-23: today's 白班 runs; 小夜班/大夜班 of today have not started and are not shown … except
    # those starting within 12 hours (小夜班 16:00)
    assert board_states(page)[:2] == [("2026-11-23", "小夜班", "未书写"), ("2026-11-23", "白班", "未书写")]
    assert ("2026-11-22", "大夜班", "未书写") in board_states(page)
    assert page.board.selected_record().shift.name == "白班"
    assert page.ward.count() == 1 and page.ward.currentText() == "内科一病区"  # a nurse: her ward only
    assert not page.kind.isEnabled()  # and only 护理交接班
    assert "已结束未书写 6 个班次" in page.board_note.text()  # 11-21 and 11-22: three each
    select_slot(page, "2026-11-22", "大夜班")
    assert "班次已结束，尚未书写交班报告" in page.detail.toPlainText()
    assert page.write_button.isVisible() and not page.receive_button.isVisible()


def fill_and_sign(editor, qtbot):
    """What the nurse does in the editor: census, one critically ill patient, the items, then 交班签名."""
    editor.show()
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    for name, value in (("原有", "40"), ("入院", "2"), ("转入", "1"), ("出院", "3")):
        editor.census_edits[name].clear()
        qtbot.keyClicks(editor.census_edits[name], value)
    assert "现有应为 原有 40 + 入院 2 + 转入 1 − 出院 3 − 转出 0 − 死亡 0 = 40" in editor.census_message.text()
    editor.compute_button.click()
    assert editor.census_edits["现有"].text() == "40" and editor.census_message.text() == ""
    qtbot.keyClicks(editor.census_edits["病危"], "\b1")
    editor.add_category.setCurrentText("病危")
    qtbot.keyClick(editor, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert editor.f_bed.hasFocus()
    qtbot.keyClicks(editor.f_bed, "12")
    type_text(editor.f_name, "李四")
    type_text(editor.f_diagnosis, "急性心肌梗死")
    editor.f_sbar["situation"].setPlainText("神志清，BP 92/60 mmHg，心电监护中")
    editor.f_sbar["recommendation"].setPlainText("每小时测血压，注意胸痛")
    assert "须床旁交接" in editor.bedside_label.text()
    editor.item_table.item(0, 2).setText("5")
    rescue = editor.item_table.item(1, 2)
    assert rescue.text() == "未查"  # not looked at yet: the signature would ask for it
    rescue.setCheckState(Qt.CheckState.Checked)
    assert rescue.text() == "完好"
    editor.sign()


def test_a_nurse_writes_signs_and_the_receiver_signs_with_her_own_account(nurses, window_of, qtbot, monkeypatch,
                                                                         messages):
    from ui.dialogs import handover_edit, handover_sign

    window, page = window_of(nurses["wang"])
    select_slot(page, "2026-11-22", "大夜班")

    def drive(editor):
        assert editor.windowTitle() == "交接班记录 — 内科一病区 2026-11-22 大夜班"
        assert "第一份交班报告" in editor.carried_label.text()
        fill_and_sign(editor, qtbot)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(handover_edit.HandoverEditor, "exec", drive)
    qtbot.keyClick(page.board, Qt.Key.Key_Return)
    report = page._last_editor.report
    assert report.status == "已交班" and report.outgoing_name == "王芳"
    assert report.census["现有"] == 40 and [e.patient_name for e in report.entries] == ["李四"]
    assert dict(board_states(page)[i][1:] for i in range(len(board_states(page))))["大夜班"] in ("已交班", "未书写")
    assert page.board.selected_record().state == "已交班" and page.receive_button.isVisible()
    assert "病危：须床旁交接，尚未记录" in page.detail.toPlainText()

    def receive(dialog):
        assert dialog.missing.count() == 1 and "12床 李四" in dialog.missing.currentText()
        type_text(dialog.username, "liuyang")
        dialog.password.setText(PASSWORD)
        dialog.sign()  # refused: the bedside handover is missing
        assert "12床（病危）" in dialog.form.banner.text() and dialog.result() == 0

        def bedside(b):
            type_text(b.evidence, "床旁交接记录单第 3 页")
            b.save()
            return b.result()

        monkeypatch.setattr(handover_sign.BedsideDialog, "exec", bedside)
        dialog.record_bedside()
        assert not dialog.bedside_row.isVisibleTo(dialog)
        dialog.password.setText("wrong-password")
        dialog.sign()
        assert "用户名或密码不正确" in dialog.form.messages()["密码"]
        dialog.password.setText(PASSWORD)
        dialog.sign()
        return dialog.result()

    monkeypatch.setattr(handover_sign.ReceiveDialog, "exec", receive)
    qtbot.keyClick(page.board, Qt.Key.Key_Return)
    done = handover.get_report(nurses["wang"], report.id)
    assert done.status == "已接班" and done.receiving_name == "刘洋"
    assert done.entries[0].bedside_evidence == "床旁交接记录单第 3 页"
    assert page.board.selected_record().state == "已接班" and page.addendum_button.isVisible()
    text = page.detail.toPlainText()
    assert "交班者：王芳" in text and "接班者：刘洋" in text and "床旁交接 ✓" in text


def test_census_errors_show_at_once_and_block_the_signature(nurses, window_of, qtbot, monkeypatch, messages):
    from ui.dialogs import handover_edit

    window, page = window_of(nurses["wang"])
    select_slot(page, "2026-11-22", "大夜班")

    def drive(editor):
        qtbot.keyClicks(editor.census_edits["原有"], "40")
        editor.census_edits["入院"].clear()
        qtbot.keyClicks(editor.census_edits["入院"], "-2")
        assert "入院：不能为负数" in editor.census_message.text()
        assert editor.census_edits["入院"].property("invalid") is True
        editor.census_edits["入院"].clear()
        qtbot.keyClicks(editor.census_edits["入院"], "x")
        assert "“x”不是整数" in editor.census_message.text()
        editor.census_edits["入院"].clear()
        qtbot.keyClicks(editor.census_edits["入院"], "2")
        qtbot.keyClicks(editor.census_edits["现有"], "41")
        assert "现有应为" in editor.census_message.text() and "= 42，现填 41" in editor.census_message.text()
        editor.sign()
        assert editor.findings.isVisibleTo(editor) and "现有应为" in editor.findings.text()
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(handover_edit.HandoverEditor, "exec", drive)
    page.write()
    report = page._last_editor.report
    assert report.status == "草稿" and not report.census_ok and report.census["现有"] == 41  # kept, not lost


def test_a_draft_survives_a_closed_window_and_autosaves(nurses, window_of, qtbot, monkeypatch):
    from ui.dialogs import handover_edit

    monkeypatch.setattr(handover_edit, "AUTOSAVE_MS", 50)
    window, page = window_of(nurses["wang"])
    select_slot(page, "2026-11-23", "白班")

    def drive(editor):
        editor.autosave.setInterval(50)
        qtbot.keyClicks(editor.census_edits["原有"], "38")
        qtbot.waitUntil(lambda: editor.report is not None and not editor.dirty, timeout=2000)
        assert "已自动保存" in editor.saved_label.text()
        type_text(editor.f_bed, "x")  # no entry selected: nothing to edit
        editor.notes.setPlainText("3 床家属下午来院")
        editor.reject()  # closing the window saves what is left
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(handover_edit.HandoverEditor, "exec", drive)
    page.write()
    saved = handover.get_report(nurses["wang"], page._last_editor.report.id)
    assert saved.status == "草稿" and saved.census["原有"] == 38 and saved.notes == "3 床家属下午来院"
    assert page.board.selected_record().state == "草稿" and page.write_button.text() == "继续书写"


def test_key_patients_of_the_previous_report_are_offered_for_carrying_over(nurses, window_of, monkeypatch):
    from ui.dialogs import handover_edit

    handover.create_report(nurses["wang"], nurses["ward"], "2026-11-22", "大夜班", "nurse", {
        "census": CENSUS_OK, "items": ITEMS_OK, "entries": [
            {"category": "病危", "bed": "12", "patient_name": "李四", "diagnosis": "急性心肌梗死"},
            {"category": "出院", "bed": "3", "patient_name": "王五", "event_time": "09:00", "place": "家"},
            {"category": "手术", "bed": "7", "patient_name": "赵六", "operation": "阑尾切除术"}]})
    window, page = window_of(nurses["wang"])
    select_slot(page, "2026-11-23", "白班")

    def drive(editor):
        assert editor.census_edits["原有"].text() == "40"  # the previous 现有
        assert "原有由上一班（内科一病区 2026-11-22 大夜班护理交接班）的现有带入" in editor.carried_label.text()
        offered = [editor.suggestions.item(i).text() for i in range(editor.suggestions.count())]
        assert offered == ["7床 赵六（手术）", "12床 李四 急性心肌梗死（病危）"]  # the customary order; 出院 is not offered
        editor.suggestions.item(0).setCheckState(Qt.CheckState.Unchecked)
        editor.carry_over()
        assert [e["bed"] for e in editor.entries] == ["12"] and editor.current["patient_name"] == "李四"
        assert "未带入 1 人" in editor.suggestion_title.text()
        editor.reject()
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(handover_edit.HandoverEditor, "exec", drive)
    page.write()
    saved = page._last_editor.report
    assert [(e.bed, e.category, e.carried_from is not None) for e in saved.entries] == [("12", "病危", True)]


def received_report(nurses):
    wang = nurses["wang"]
    report = handover.create_report(wang, nurses["ward"], "2026-11-22", "小夜班", "nurse", {
        "census": CENSUS_OK, "items": [{"name": "毒麻药品（吗啡注射液）", "expected": 5, "count": 5}] + ITEMS_OK,
        "entries": [{"category": "转入", "bed": "5", "patient_name": "孙七", "diagnosis": "肺炎", "place": "急诊科",
                     "event_time": "18:20"}]})
    handover.sign_outgoing(wang, report.id)
    return handover.sign_receive(wang, report.id, "liuyang", PASSWORD)


def test_a_frozen_report_takes_an_addendum_not_an_edit(nurses, window_of, monkeypatch):
    from ui.dialogs import handover_sign

    report = received_report(nurses)
    window, page = window_of(nurses["wang"])
    select_slot(page, "2026-11-22", "小夜班")
    assert not page.write_button.isVisible() and page.addendum_button.isVisible()

    def addendum(dialog):
        dialog.save()
        assert "请填写补记内容" in dialog.form.messages()["补记"]
        dialog.text.setPlainText("更正：5 床由急诊科转入，时间为 18:40")
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(handover_sign.AddendumDialog, "exec", addendum)
    page.add_addendum()
    text = page.detail.toPlainText()
    assert "补记（王芳" in text and "18:40" in text
    assert handover.get_report(nurses["wang"], report.id).entries[0].event_time == "18:20"  # unchanged


def test_a_leader_sees_every_ward_with_names_hidden_and_cannot_write(nurses, window_of, session_as):
    received_report(nurses)
    window, page = window_of(session_as(Role.LEADER))
    assert page.ward.itemText(0) == "全部病区"
    page.tabs.setCurrentIndex(1)
    assert [r.shift_name for r in page.history_model.rows] == ["小夜班"] and page.count.text() == "共 1 份"
    page.history.select_first()
    text = page.detail.toPlainText()
    assert "孙*" in text and "孙七" not in text and "患者姓名已隐去" in text
    assert not page.write_button.isVisible() and not page.receive_button.isVisible()
    assert not page.setup_button.isVisible()


def test_history_filters_by_status_and_dates(nurses, window_of, session_as):
    received_report(nurses)
    handover.create_report(nurses["wang"], nurses["ward"], "2026-11-20", "白班", "nurse",
                           {"census": CENSUS_OK, "items": ITEMS_OK})
    window, page = window_of(session_as(Role.QUALITY))
    page.tabs.setCurrentIndex(1)
    assert page.count.text() == "共 2 份"
    page.status.setCurrentIndex(page.status.findData("草稿"))
    assert [r.date for r in page.history_model.rows] == ["2026-11-20"]
    page.status.setCurrentIndex(0)
    from ui.forms import set_date
    set_date(page.date_from, "2026-11-21")
    assert [r.date for r in page.history_model.rows] == ["2026-11-22"]


def test_template_dialog_saves_a_two_shift_pattern_and_shows_errors(nurses, window_of, session_as, monkeypatch):
    from ui.dialogs import handover_template

    window, page = window_of(session_as(Role.QUALITY))
    page.ward.setCurrentIndex(page.ward.findData(nurses["ward"]))

    def drive(dialog):
        dialog._preset([{"name": "白班", "starts": "08:00", "ends": "20:00"}])
        dialog.save()
        assert "应正好覆盖 24 小时" in dialog.form.messages()["班次"]
        dialog.two_shifts_button.click()
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(handover_template.HandoverTemplateDialog, "exec", drive)
    page.edit_template()
    template = handover.get_template(nurses["wang"], nurses["ward"])
    assert [s.name for s in template.shifts] == ["白班", "夜班"]
    assert {s.shift.name for s in page.board_model.rows} == {"白班", "夜班"}


def test_stats_page_shows_the_figures_of_the_period(nurses, window_of, session_as, clock):
    received_report(nurses)
    window, _ = window_of(session_as(Role.QUALITY))
    window.navigate("handover_stats")
    page = window.page("handover_stats")
    total = page.model.rows[-1]
    assert total.department_name == "合计" and total.written == 1 and total.received == 1
    assert page.cards["已接班"].text() == "1"
    ward_row = next(r for r in page.model.rows if r.department_name == "内科一病区")
    assert ward_row.expected == 3 * 22 + 0  # 11-01 … 11-22 ended by 11-23 09:30 (the 大夜班 of 11-22 at 08:00)
    page.period.set_period("上月")
    assert page.model.rows[-1].written == 0


def test_dashboard_links_open_the_waiting_report_and_the_missing_shift(nurses, window_of):
    report = handover.create_report(nurses["wang"], nurses["ward"], "2026-11-22", "白班", "nurse",
                                    {"census": CENSUS_OK, "items": ITEMS_OK})
    handover.sign_outgoing(nurses["wang"], report.id)
    window, page = window_of(nurses["liu"])
    dashboard = window.page("dashboard")
    texts = dashboard.todo_texts()
    waiting = next(i for i, t in enumerate(texts) if "2026-11-22 白班" in t and "接班" in t)
    dashboard._open_item(dashboard.todos.item(waiting))
    assert window.current_page_key() == "handover" and page.board.selected_record().report.id == report.id
    assert page.receive_button.isVisible()
    missing = next(i for i, t in enumerate(dashboard.todo_texts()) if "2026-11-22 大夜班" in t)
    dashboard._open_item(dashboard.todos.item(missing))
    slot = page.board.selected_record()
    assert (slot.date, slot.shift.name, slot.state) == ("2026-11-22", "大夜班", "未书写")


def test_print_and_export_the_wards_book(nurses, window_of, qtbot, tmp_path, monkeypatch, messages):
    import subprocess

    from openpyxl import load_workbook
    from PySide6.QtWidgets import QFileDialog

    from ui.jobs import active_jobs

    received_report(nurses)
    window, page = window_of(nurses["wang"])
    page.print_book(period=("2026-11-22", "2026-11-22"))
    qtbot.waitUntil(lambda: active_jobs() == 0 and getattr(page, "_last_preview", None) is not None, timeout=20000)
    text = subprocess.run(["pdftotext", "-layout", str(page._last_preview.pdf_path), "-"], capture_output=True,
                          text=True).stdout
    assert "病区交班报告" in text and "孙七" in text and "内部资料" in text and "刘洋" in text
    page._last_preview.close()
    target = tmp_path / "交班"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    page.print_book(excel=True, period=("2026-11-22", "2026-11-22"))
    qtbot.waitUntil(lambda: active_jobs() == 0 and any(t == "导出完成" for _k, t, _x in messages), timeout=20000)
    book = load_workbook(target.with_suffix(".xlsx"), read_only=True)
    assert book.sheetnames[:2] == ["交班报告", "患者交班"]
    cells = [str(c) for row in book["患者交班"].iter_rows(values_only=True) for c in row if c]
    assert "孙七" in cells and "急诊科" in cells
