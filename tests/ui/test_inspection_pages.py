"""检查记录: new inspection, keyboard recording, unsaved changes, read-only states, per role."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QMessageBox

from desktop_app.accounts.permissions import Role
from desktop_app.ledger import checklists, inspections
from desktop_app.ledger import service as ledger
from desktop_app.ledger.models import LedgerFilter
from ui.forms import set_date
from ui.widgets.result_grid import DEDUCTION, ERROR_BACKGROUND, LEDGER, RESULT

Yes, No, Cancel = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No, QMessageBox.StandardButton.Cancel


def core_systems(session):
    return next(c for c in checklists.list_checklists(session) if c.kind == "核心制度")


def make_inspection(session, hospital, departments=("内科", "外科"), type_="全院半年自查"):
    return inspections.create_inspection(session, {
        "type": type_, "inspected_on": "2026-11-10", "inspectors": "周明、王芳", "checklist_id": core_systems(session).id,
        "department_ids": [hospital.departments[d] for d in departments]})


def track(qtbot, dialog):
    """Close the dialog after the test without asking (a window's dialogs outlive it in tests)."""
    qtbot.addWidget(dialog, before_close_func=lambda d: d.model.load(d.model.rows, read_only=True))
    return dialog


def open_record(qtbot, window, inspection_id):
    window.navigate("inspections")
    page = window.page("inspections")
    assert page.select_inspection(inspection_id)
    dialog = track(qtbot, page.open_selected())
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
    return page, dialog


def type_into_cell(qtbot, dialog, key, text):
    """Open the current cell's editor with ``key`` (Enter/F2), type ``text``, commit with Enter."""
    grid = dialog.grid
    qtbot.keyClick(grid, key)
    editor = grid.viewport().findChild(QLineEdit)
    editor.setText(text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: grid.state() != grid.State.EditingState, timeout=2000)  # committed (queued)


def results(dialog):
    return [e.result for e in dialog.model.entries]


def problems_of(session, inspection_id):
    return ledger.list_items(session, LedgerFilter(inspection_id=inspection_id))


def answer_questions(monkeypatch, *answers):
    """Patch QMessageBox.question to give these answers in turn; returns the texts asked."""
    asked, queue = [], list(answers)

    def question(parent, title, text, *args, **kwargs):
        asked.append(text)
        return queue.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


@pytest.fixture
def quality(window_for, hospital):
    """The quality officer's window and a 全院半年自查 of 内科 and 外科 with the 核心制度 checklist."""
    window = window_for(Role.QUALITY)
    return window, window.ctx.session, make_inspection(window.ctx.session, hospital)


@pytest.fixture
def recording(qtbot, quality):
    """That inspection's recording window, open on 内科."""
    window, session, inspection = quality
    page, dialog = open_record(qtbot, window, inspection.id)
    return session, inspection, page, dialog


def test_new_inspection_dialog_shows_messages_beside_fields_then_creates(window_for, qtbot, messages):
    window = window_for(Role.QUALITY)
    window.navigate("inspections")
    page = window.page("inspections")
    dialog = page.new_inspection()
    qtbot.addWidget(dialog)
    set_date(dialog.date, "2026-12-01")  # after today (2026-11-23)
    dialog.save()
    shown = dialog.form.messages()
    assert "不能晚于今天" in shown["检查日期"]
    assert "请填写检查人员" in shown["检查人员"]
    assert "请至少选择一个受检科室" in shown["受检科室"]
    assert dialog.saved is None and page.model.rowCount() == 0

    picker = dialog.departments
    picker.select_kind("临床")
    assert sorted(picker.list.item(i).text().strip() for i in range(picker.list.count())
                  if picker.list.item(i).checkState() == Qt.CheckState.Checked) == ["内科", "外科"]
    picker.filter.setText("内科")
    assert picker.visible_labels() == ["内科", "内科一病区"]
    picker.filter.clear()
    dialog.type.setCurrentIndex(dialog.type.findData("全院半年自查"))
    set_date(dialog.date, "2026-11-20")
    dialog.inspectors.setText("周明、王芳")
    dialog.save()
    assert dialog.saved is not None and dialog.saved.title == "2026年11月全院半年自查"  # title defaulted by the core
    assert dialog.saved.department_names == ("内科", "外科")
    assert page.shown_numbers() == [dialog.saved.number]
    record = track(qtbot, page.record_dialog)  # recording starts at once
    assert record.inspection_id == dialog.saved.id and record.isVisible()
    assert record.department_progress()[0] == "内科 已录 0/69"  # the first checklist: 专项整治, 69 check points
    record.reject()


def test_results_are_recorded_with_the_keyboard(qtbot, recording, messages):
    session, inspection, _page, dialog = recording
    grid = dialog.grid
    assert dialog.department_name() == "内科" and grid.current_row() == 0
    qtbot.keyClick(grid, Qt.Key.Key_1)          # 符合, next row
    qtbot.keyClick(grid, "2")                   # 不符合, next row
    qtbot.keyClick(grid, Qt.Key.Key_Up)
    type_into_cell(qtbot, dialog, Qt.Key.Key_Return, "抽查 5 份病历，2 份首诊记录缺签名")  # the 不符合 row's note
    qtbot.keyClick(grid, Qt.Key.Key_Down)
    qtbot.keyClick(grid, Qt.Key.Key_Space)      # 不适用
    qtbot.keyClick(grid, Qt.Key.Key_N)          # 不符合
    assert results(dialog)[:5] == ["符合", "不符合", "不适用", "不符合", None]
    assert grid.current_row() == 4 and dialog.isWindowModified()
    assert "有 4 项修改尚未保存" in dialog.status.text()
    assert problems_of(session, inspection.id) == []  # nothing written before 保存

    qtbot.keyClick(grid, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    problems = problems_of(session, inspection.id)
    assert len(problems) == 2 and "抽查 5 份病历，2 份首诊记录缺签名" in {p.description for p in problems}
    assert "新登记问题 2 个" in dialog.status.text() and not dialog.isWindowModified()
    assert dialog.model.data(dialog.model.index(1, LEDGER)) == "待整改"
    assert dialog.department_progress()[0] == "内科 已录 4/84　不符合 2"
    scores = {s.department_name: s for s in dialog.scores.rows}
    core = {s.department_name: s for s in inspections.department_scores(session, inspection.id)}
    assert scores["内科"].score == core["内科"].score < 100

    # changing the result back removes the problem that was not yet being rectified
    grid.go_to_row(3)
    qtbot.keyClick(grid, Qt.Key.Key_Y)
    assert dialog.save()
    assert len(problems_of(session, inspection.id)) == 1 and "撤销问题 1 个" in dialog.status.text()


def test_all_pass_fills_only_unrecorded_rows(qtbot, recording, messages):
    *_, dialog = recording
    qtbot.keyClick(dialog.grid, "2")
    dialog.fill_button.click()
    assert results(dialog)[0] == "不符合" and set(results(dialog)[1:]) == {"符合"}
    dialog.grid.go_to_row(5)
    qtbot.keyClick(dialog.grid, Qt.Key.Key_Delete)   # undo this row's unsaved change
    assert results(dialog)[5] is None
    qtbot.keyClick(dialog.grid, "1")
    assert dialog.save()
    assert dialog.department_progress()[0] == "内科 已录 84/84　不符合 1"


def test_switching_department_asks_about_unsaved_results(qtbot, recording, hospital, monkeypatch):
    session, inspection, _page, dialog = recording
    qtbot.keyClick(dialog.grid, "2")

    asked = answer_questions(monkeypatch, Cancel)
    dialog.departments.setCurrentRow(1)           # click 外科, then 取消
    assert "1 项检查结果尚未保存" in asked[0]
    assert dialog.department_name() == "内科" and dialog.departments.currentRow() == 0
    assert results(dialog)[0] == "不符合"

    answer_questions(monkeypatch, No)
    dialog.departments.setCurrentRow(1)           # 否: the typed result is dropped, as asked
    assert dialog.department_name() == "外科" and problems_of(session, inspection.id) == []

    dialog.departments.setCurrentRow(0)           # nothing unsaved: no question
    qtbot.keyClick(dialog.grid, "2")
    asked = answer_questions(monkeypatch, Yes)
    qtbot.keyClick(dialog.grid, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)  # 是: saved, then 外科
    assert asked and dialog.department_name() == "外科"
    assert [p.department_name for p in problems_of(session, inspection.id)] == ["内科"]

    qtbot.keyClick(dialog.grid, "3")
    answer_questions(monkeypatch, Cancel)
    dialog.reject()                               # closing asks too; 取消 keeps the window open
    assert dialog.isVisible() and results(dialog)[0] == "不适用"
    answer_questions(monkeypatch, Yes)
    dialog.reject()
    assert not dialog.isVisible()
    assert inspections.results_for(session, inspection.id, hospital.departments["外科"])[0].result == "不适用"


def test_core_validation_errors_mark_the_rows(qtbot, recording, messages):
    session, inspection, _page, dialog = recording
    grid = dialog.grid
    qtbot.keyClick(grid, "2")
    grid.setCurrentIndex(dialog.model.index(0, DEDUCTION))
    type_into_cell(qtbot, dialog, Qt.Key.Key_F2, "两分")
    assert not dialog.save()
    assert dialog.findings.isVisible() and "扣分须为 0–100 之间的数字" in dialog.findings.text()
    background = dialog.model.data(dialog.model.index(0, RESULT), Qt.ItemDataRole.BackgroundRole)
    assert background.color().name() == ERROR_BACKGROUND
    assert problems_of(session, inspection.id) == [] and dialog.isWindowModified()


def test_result_of_a_problem_in_rectification_is_read_only(qtbot, quality, hospital, messages):
    window, session, inspection = quality
    dept = hospital.departments["内科"]
    first = inspections.results_for(session, inspection.id, dept)[0]
    inspections.record_results(session, inspection.id, dept, [{"item_id": first.item.id, "result": "不符合"}])
    [problem] = problems_of(session, inspection.id)
    ledger.save_rectification(session, problem.id, {"cause_analysis": "培训不到位", "measures": "重新培训",
                                                    "responsible_person": "张三"})
    _page, dialog = open_record(qtbot, window, inspection.id)
    model = dialog.model
    assert model.data(model.index(0, LEDGER)) == "整改中（锁定）" and model.is_locked(0)
    dialog.grid.go_to_row(0)
    qtbot.keyClick(dialog.grid, "1")
    assert results(dialog)[0] == "不符合" and not dialog.isWindowModified()
    assert "已进入整改" in dialog.status.text()
    assert dialog.grid.current_row() == 0
    qtbot.keyClick(dialog.grid, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.grid, "1")               # other rows stay editable
    assert results(dialog)[1] == "符合"


def test_completed_inspection_is_read_only(qtbot, recording, messages):
    session, inspection, page, dialog = recording
    dialog.complete_button.click()                 # confirmed (the fixture answers 是)
    assert [title for kind, title, _text in messages if kind == "question"] == ["完成检查"]
    assert inspections.get_inspection(session, inspection.id).status == "已完成"
    assert dialog.read_only and not dialog.save_button.isVisible() and not dialog.complete_button.isVisible()
    assert "完成，结果只读" in dialog.notice.text()
    qtbot.keyClick(dialog.grid, "1")
    assert results(dialog)[0] is None and not dialog.isWindowModified()
    dialog.reject()
    assert page.model.record(0).status == "已完成"  # the list redrew after the change notice


def test_view_problems_opens_the_ledger_filtered_by_the_inspection(qtbot, quality, messages):
    window, _session, inspection = quality
    seen = []
    window.ctx.navigate_requested.connect(seen.append)
    page, dialog = open_record(qtbot, window, inspection.id)
    dialog.problems_button.click()
    assert seen == [f"ledger:inspection={inspection.id}"] and not dialog.isVisible()
    window.navigate("inspections")
    page.problems_button.click()
    assert seen[-1] == f"ledger:inspection={inspection.id}"


def test_page_lists_the_year_and_shows_department_scores(window_for, qtbot, hospital, system, messages):
    older = inspections.create_inspection(system, {
        "type": "交叉检查", "inspected_on": "2025-06-10", "inspectors": "周明", "checklist_id": None,
        "department_ids": [hospital.departments["外科"]]})
    current = make_inspection(system, hospital)
    dept = hospital.departments["外科"]
    rows = inspections.results_for(system, current.id, dept)
    inspections.record_results(system, current.id, dept, [
        {"item_id": rows[0].item.id, "result": "不符合", "deduction": 3}, {"item_id": rows[1].item.id, "result": "符合"}])
    window = window_for(Role.LEADER)
    window.navigate("inspections")
    page = window.page("inspections")
    assert page.shown_numbers() == [current.number] and not page.new_button.isVisible()
    page.year.setCurrentIndex(page.year.findData(2025))
    assert page.shown_numbers() == [older.number]
    page.year.setCurrentIndex(page.year.findData(None))
    assert set(page.shown_numbers()) == {older.number, current.number}
    page.search.setText("外科")
    assert set(page.shown_numbers()) == {older.number, current.number}
    page.search.setText("交叉")
    assert page.shown_numbers() == [older.number]
    page.search.clear()
    page.select_inspection(current.id)
    scores = {s.department_name: (s.checked, s.failed, s.score) for s in page.scores.rows}
    assert scores == {"内科": (0, 0, 100.0), "外科": (2, 1, 97.0)}
    dialog = track(qtbot, page.open_selected())    # a leader may look, not record
    assert dialog.read_only and "只读" in dialog.notice.text() and not dialog.fill_button.isVisible()
    dialog.reject()


def test_department_head_sees_own_inspections_and_runs_a_monthly_self_check(window_for, qtbot, hospital, system,
                                                                           messages):
    other = make_inspection(system, hospital, departments=("外科",))
    shared = make_inspection(system, hospital, departments=("内科", "外科"))
    window = window_for(Role.DEPT_HEAD, "内科")
    session = window.ctx.session
    window.navigate("inspections")
    page = window.page("inspections")
    assert page.shown_numbers() == [shared.number] and other.number not in page.shown_numbers()
    _page, shared_dialog = open_record(qtbot, window, shared.id)
    assert shared_dialog.department_progress() == ["内科 已录 0/84"]  # not 外科's results
    shared_dialog.reject()

    dialog = page.new_inspection()
    qtbot.addWidget(dialog)
    assert dialog.type.currentData() == "科室月度自查"
    assert dialog.departments.visible_labels() == ["内科", "内科一病区"]
    dialog.departments.set_selected([hospital.departments["内科一病区"]])
    dialog.inspectors.setText("护士长")
    dialog.save()
    assert dialog.saved is not None
    record = track(qtbot, page.record_dialog)
    assert record.department_progress() == ["内科一病区 已录 0/69"]
    qtbot.keyClick(record.grid, "2")
    assert record.save()
    [problem] = problems_of(session, dialog.saved.id)
    assert problem.source == "科室自查" and problem.department_name == "内科一病区"
    record.reject()
