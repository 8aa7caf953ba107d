"""培训考核 pages: plan a session, record 200-style sign-in and scores from the keyboard, coverage,
requirements, 知晓率 surveys — driven through the real widgets."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QLineEdit

from desktop_app.accounts.permissions import Role
from desktop_app.training import service as training
from desktop_app.training.models import Audience
from tests.training.conftest import hold


@pytest.fixture
def cats(system, hospital):
    return {c.code: c.id for c in training.list_categories(system)}


def open_page(window_for, key, role=Role.QUALITY):
    window = window_for(role)
    window.navigate(key)
    return window, window.page(key)


def test_plan_a_session_for_the_doctors_of_medicine(window_for, hospital, cats, monkeypatch):
    from ui.dialogs import training_session

    window, page = open_page(window_for, "training")

    def fill(dialog):
        dialog.save()
        assert "请填写培训主题" in dialog.form.messages()["培训主题"]
        dialog.title.setText("内科三基三严培训")
        dialog.category.setCurrentIndex(dialog.category.findData(cats["sanji"]))
        dialog.starts.setText("14:30")
        dialog.ends.setText("14:00")
        dialog.audience.chosen.setChecked(True)
        for i in range(dialog.audience.departments.count()):
            item = dialog.audience.departments.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == hospital.departments["内科"]:
                item.setCheckState(Qt.CheckState.Checked)
        dialog.audience.categories["医师"].setChecked(True)
        assert dialog.expected.text().startswith("2 人")  # 张三 and 曾志伟
        dialog.save()
        assert "结束时间：结束时间应晚于开始时间" in dialog.form.messages()["日期"]
        dialog.ends.setText("16:30")
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(training_session.TrainingSessionDialog, "exec", fill)
    page.new_session()
    row = page.table.selected_record()
    assert row.title == "内科三基三严培训" and row.expected == 2 and row.audience_label == "内科的医师"
    assert [r.name for r in page.sheet_model.rows] == ["张三", "曾志伟"]


def test_sign_in_and_scores_from_the_keyboard(window_for, hospital, cats, qtbot, system):
    window, page = open_page(window_for, "training")
    session = training.save_session(system, {"title": "核心制度培训", "category_id": cats["core"], "date": "2026-11-20",
                                             "audience": Audience(everyone=True)})
    training.save_assessment(system, {"session_id": session.id, "pass_mark": 80})
    window.ctx.notify("training")
    assert page.table.select_where(lambda r: r.id == session.id)
    assert page.assessment.currentText() == "核心制度培训考核"
    names = [r.name for r in page.sheet_model.rows]
    sheet = page.sheet
    sheet.setFocus()
    zhao = names.index("赵敏")
    sheet.setCurrentIndex(page.sheet_model.index(zhao, page.sheet_model.PRESENT))
    qtbot.keyClick(sheet, Qt.Key.Key_Space)  # absent
    assert page.sheet_model.rows[zhao].present is False and "缺席：赵敏" in page.sheet_status.text()
    sheet.setCurrentIndex(page.sheet_model.index(0, page.sheet_model.SCORE))
    for row, score in enumerate(("92", "75", "88")):
        qtbot.keyClicks(sheet, score[0])  # typing opens the editor with the first digit …
        # (the last row's editor may still exist until its deferred delete: take the open one)
        def open_editors(first=score[0]):
            return [e for e in sheet.findChildren(QLineEdit) if e.isVisible() and e.text() == first]
        qtbot.waitUntil(lambda: len(open_editors()) == 1, timeout=3000)
        editor = open_editors()[0]
        qtbot.keyClicks(editor, score[1:])  # … the rest goes into it
        qtbot.keyClick(editor, Qt.Key.Key_Return)  # Enter saves the cell and moves down
        # the delegate commits the cell and moves down through queued calls
        qtbot.waitUntil(lambda r=row, v=score: page.sheet_model.rows[r].score == v and sheet.currentIndex().row() == r + 1,
                        timeout=3000)
    assert [r.score for r in page.sheet_model.rows[:3]] == ["92", "75", "88"]
    assert page.sheet_model.result(page.sheet_model.rows[1]) == "不合格"
    qtbot.keyClick(page, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    saved = training.get_session(system, session.id)
    assert saved.attendance_recorded and saved.present == 6
    exam = saved.assessments[0]
    assert (exam.tested, exam.passed_first) == (3, 2)
    assert page.table.selected_record().present == 6 and not page.sheet_model.changed


def test_a_bad_score_saves_nothing(window_for, cats, messages, system):
    window, page = open_page(window_for, "training")
    session = training.save_session(system, {"title": "核心制度培训", "category_id": cats["core"], "date": "2026-11-20",
                                             "audience": Audience(everyone=True)})
    training.save_assessment(system, {"session_id": session.id})
    window.ctx.notify("training")
    page.table.select_where(lambda r: r.id == session.id)
    model = page.sheet_model
    model.setData(model.index(0, model.SCORE), "120")
    page.save_sheet()
    assert messages and "成绩 120 超出 0–100 分" in messages[-1][2]
    assert not training.get_session(system, session.id).attendance_recorded and model.changed


def test_future_session_cannot_take_a_sign_in(window_for, cats, messages, system):
    window, page = open_page(window_for, "training")
    session = training.save_session(system, {"title": "年末核心制度培训", "category_id": cats["core"], "date": "2026-12-15",
                                             "audience": Audience(everyone=True)})
    window.ctx.notify("training")
    page.table.select_where(lambda r: r.id == session.id)
    page.save_sheet()
    assert "在今天之后，还不能登记签到" in messages[-1][2]


def test_walk_ins_are_added_and_counted(window_for, hospital, cats, monkeypatch, system):
    from desktop_app.people import service as people
    from ui.dialogs import staff_pick

    window, page = open_page(window_for, "training")
    session = training.save_session(system, {"title": "检验科院感培训", "category_id": cats["infection"],
                                             "date": "2026-11-20", "audience": Audience(
                                                 departments=(hospital.departments["检验科"],))})
    window.ctx.notify("training")
    page.table.select_where(lambda r: r.id == session.id)

    def pick(dialog):
        dialog.picked.append(people.get_staff(system, hospital.staff["周明"]))
        return 1

    monkeypatch.setattr(staff_pick.StaffPickDialog, "exec", pick)
    page.add_walk_ins()
    assert [r.name for r in page.sheet_model.rows] == ["孙立", "周明"] and "实到 2 人" in page.sheet_status.text()
    page.save_sheet()
    saved = training.get_session(system, session.id)
    assert (saved.expected, saved.present) == (1, 2)


def test_coverage_page_and_a_transcript(window_for, hospital, cats, monkeypatch, system):
    from ui.dialogs import transcript

    st = hospital.staff
    hold(system, cats["core"], "2026-03-10", scores={st["王芳"]: [50, 75]}, title="核心制度培训（一）")
    window, page = open_page(window_for, "training_coverage")
    assert page.cards["应培训人数"].text() == "7" and page.cards["培训场次 / 人次"].text() == "1 / 7"
    assert page.department_model.rows[-1].department == "全院"
    page.tabs.setCurrentIndex(2)
    page.person_filter.setText("王芳")
    assert [p.name for p in page.person_model.rows] == ["王芳"]
    page.person_table.select_first()
    shown = []
    monkeypatch.setattr(transcript.TranscriptDialog, "exec", lambda d: shown.append(d.view.toPlainText()) or 0)
    page.open_transcript()
    assert "王芳（N001）个人培训档案" in shown[0] and "本期尚未达到" in shown[0] and "（补考）" in shown[0]


def test_requirements_are_edited_by_quality_and_read_by_leaders(window_for, cats, monkeypatch):
    from ui.pages import training_setup

    window, page = open_page(window_for, "training_setup")
    assert len(page.rules.rows) == 5 and page.add_rule_button.isVisible()

    def edit(dialog):
        dialog.times.setValue(4)
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(training_setup.RequirementDialog, "exec", edit)
    page.rule_table.select_where(lambda r: r.category_code == "sanji")
    page.edit_rule()
    assert next(r for r in page.rules.rows if r.category_code == "sanji").times_per_year == 4
    _, leader_page = open_page(window_for, "training_setup", Role.LEADER)
    assert not leader_page.add_rule_button.isVisible() and len(leader_page.rules.rows) == 5


def test_awareness_survey_with_a_sample_per_department(window_for, cats, monkeypatch):
    from ui.dialogs import training_session

    window, page = open_page(window_for, "assessments")

    def create(dialog):
        assert dialog.kind.currentText() == "知晓率调查"
        dialog.title.setText("核心制度知晓率抽考")
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(training_session.AssessmentDialog, "exec", create)
    page.new_assessment()
    assert page.table.selected_record().title == "核心制度知晓率抽考"
    monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: (1, True))
    page.sample()
    assert len(page.sheet_model.rows) == 5  # one from each department
    model = page.sheet_model
    for i, score in enumerate(("95", "80", "50", "90", "70")):
        model.setData(model.index(i, model.SCORE), score)
    page.save()
    saved = page.table.selected_record()
    assert (saved.tested, saved.passed_first) == (5, 4) and "知晓率 80.0%" in page.status.text()


def test_dashboard_link_shows_sessions_waiting_for_their_sign_in(window_for, cats, system):
    training.save_session(system, {"title": "核心制度培训", "category_id": cats["core"], "date": "2026-11-20",
                                   "audience": Audience(everyone=True)})
    hold(system, cats["core"], "2026-03-10", title="已登记的培训")
    window = window_for(Role.QUALITY)
    dashboard = window.page("dashboard")
    row = next(i for i, t in enumerate(dashboard.todo_texts()) if "尚未登记签到" in t)
    dashboard._open_item(dashboard.todos.item(row))
    page = window.page("training")
    assert window.current_page_key() == "training" and page.unrecorded.isChecked()
    assert [r.title for r in page.model.rows] == ["核心制度培训"]


def test_print_the_sign_in_sheet_and_import_a_typed_one(window_for, cats, system, qtbot, tmp_path, monkeypatch,
                                                        messages):
    import subprocess

    from openpyxl import load_workbook

    from desktop_app.training import excel_io
    from ui.dialogs.import_preview import ImportPreviewDialog
    from ui.jobs import active_jobs

    session = training.save_session(system, {"title": "核心制度培训", "category_id": cats["core"], "date": "2026-11-20",
                                             "place": "六楼会议室", "audience": Audience(everyone=True)})
    training.save_assessment(system, {"session_id": session.id})
    window, page = open_page(window_for, "training")
    page.table.select_where(lambda r: r.id == session.id)
    page.print_signin()
    qtbot.waitUntil(lambda: active_jobs() == 0 and getattr(page, "_last_preview", None) is not None, timeout=20000)
    text = subprocess.run(["pdftotext", "-layout", str(page._last_preview.pdf_path), "-"], capture_output=True,
                          text=True).stdout
    assert "培训签到表" in text and "六楼会议室" in text and "赵敏" in text
    page._last_preview.close()
    template = tmp_path / "签到.xlsx"
    excel_io.write_attendance_template(system, template, session.id)
    book = load_workbook(template)
    sheet = book.worksheets[0]
    header = next(r for r in range(1, 15) if any(c.value == "姓名" for c in sheet[r]))
    cols = {c.value: c.column for c in sheet[header]}
    for r in range(header + 1, sheet.max_row + 1):
        name = sheet.cell(r, cols["姓名"]).value
        if name:
            sheet.cell(r, cols["签到"]).value = "缺席" if name == "赵敏" else "到"
            sheet.cell(r, cols["成绩"]).value = None if name == "赵敏" else 90
    book.save(template)
    seen = []
    monkeypatch.setattr(ImportPreviewDialog, "exec", lambda self: seen.append(self) or 1)
    page.import_file(str(template))
    qtbot.waitUntil(lambda: active_jobs() == 0 and any(t == "导入完成" for _k, t, _x in messages), timeout=20000)
    saved = training.get_session(system, session.id)
    assert saved.present == 6 and saved.assessments[0].tested == 6
