"""培训记录 page: the sessions of a period, and the selected session's sign-in and score sheet.

Recording 200 people is quick: everyone starts present, Space ticks the absent, the scores are
typed down a column (Enter moves to the next person), Ctrl+S saves sign-in and scores together.
"""
from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop_app.training import service as training
from desktop_app.training.manifest import TRAINING_RECORD
from desktop_app.training.models import SessionRow, TrainingSession, percent
from ui.errors import guarded
from ui.jobs import run_job
from ui.pages.base import Page
from ui.pdf_preview import choose_excel_file, export_xlsx, preview_pdf
from ui.table import Column, RecordTableModel, RecordTableView
from ui.widgets.attendance_grid import AttendanceModel, AttendanceView, SheetRow
from ui.widgets.period import PeriodPicker


def _reports():
    # reportlab and openpyxl load only when printing, exporting or importing
    from desktop_app.training import reports

    return reports


def _excel():
    from desktop_app.training import excel_io

    return excel_io


PERIODS = ["本年", "本年上半年", "本年下半年", "去年全年", "近 12 个月", "本月"]

COLUMNS = [
    Column("日期", lambda r: r.date, width=86),
    Column("培训主题", lambda r: r.title, width=230, tooltip=lambda r: r.title),
    Column("类别", lambda r: r.category, width=80),
    Column("组织科室", lambda r: r.department or "", width=96),
    Column("授课人", lambda r: r.lecturer or "", width=64),
    Column("学时", lambda r: f"{r.hours:g}", width=44, align_right=True, sort=lambda r: r.hours),
    Column("应到", lambda r: r.expected, width=48, align_right=True),
    Column("实到", lambda r: r.present if r.attendance_recorded else "未登记", width=58, align_right=True,
           sort=lambda r: r.present if r.attendance_recorded else -1,
           colour=lambda r: None if r.attendance_recorded else "#b26a00"),
    Column("到课率", lambda r: percent(r.attendance_rate), width=60, align_right=True,
           sort=lambda r: r.attendance_rate if r.attendance_rate is not None else -1),
    Column("考核", lambda r: r.assessments or "", width=44, align_right=True),
]


def session_html(s: TrainingSession) -> str:
    e = html.escape
    rows = [("培训主题", s.title), ("类别", s.category), ("时间", s.when), ("地点", s.place),
            ("授课人", " ".join(x for x in (s.lecturer, s.lecturer_title) if x)), ("组织科室", s.department),
            ("学时", f"{s.hours:g}"), ("形式", s.form), ("培训对象", s.audience_label),
            ("应到 / 实到", f"{s.expected} / {s.present if s.attendance_recorded else '未登记'}"),
            ("培训内容", s.content), ("备注", s.notes)]
    table = "".join(f"<tr><td style='color:#5a6472; padding-right:12px'>{k}</td><td>{e(str(v))}</td></tr>"
                    for k, v in rows if v)
    exams = "".join(f"<li>{e(a.title)}（{a.kind}，满分 {a.full_mark:g}，合格 {a.pass_mark:g}）：参考 {a.tested} 人，"
                    f"首次合格 {a.passed_first} 人，补考后合格 {a.passed_final} 人</li>" for a in s.assessments)
    return f"<table>{table}</table>" + (f"<p><b>考核</b></p><ul>{exams}</ul>" if exams else "")


class TrainingPage(Page):
    title = "培训记录"
    domains = frozenset({"training", "people"})

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        layout = self.page_layout(
            "培训记录",
            "培训计划、签到（应到/实到）与考核成绩。签到表默认全部到场：按空格键标记缺席；成绩沿一列输入，回车到下一人；"
            "Ctrl+S 保存签到和成绩。")
        filters = QHBoxLayout()
        self.period = PeriodPicker(PERIODS, ctx.session.today())
        self.category = QComboBox()
        self.text = QLineEdit()
        self.text.setPlaceholderText("主题、授课人或内容")
        self.text.setClearButtonEnabled(True)
        self.count = QLabel()
        self.unrecorded = QCheckBox("仅未登记签到的")
        for w in (self.period, QLabel("类别"), self.category, self.unrecorded):
            filters.addWidget(w)
        filters.addWidget(self.text, 1)
        filters.addWidget(self.count)
        layout.addLayout(filters)

        split = QSplitter(Qt.Orientation.Vertical)
        self.model = RecordTableModel(COLUMNS, self)
        self.table = RecordTableView(self.model)
        self.table.horizontalHeader().setStretchLastSection(False)
        split.addWidget(self.table)
        split.addWidget(self._build_sheet())
        split.setSizes([300, 420])
        layout.addWidget(split, 1)

        actions = QHBoxLayout()
        self.new_button = QPushButton("新建培训（Ctrl+N）")
        self.new_button.clicked.connect(self.new_session)
        self.edit_button = QPushButton("修改…")
        self.edit_button.clicked.connect(self.edit_session)
        self.delete_button = QPushButton("删除")
        self.delete_button.clicked.connect(self.delete_session)
        for b in (self.new_button, self.edit_button, self.delete_button):
            actions.addWidget(b)
        actions.addStretch(1)
        self.signin_button = QPushButton("打印签到表")
        self.signin_button.clicked.connect(self.print_signin)
        self.sheet_pdf_button = QPushButton("打印签到与成绩表")
        self.sheet_pdf_button.clicked.connect(self.print_sheet)
        self.sheet_xlsx_button = QPushButton("导出 Excel")
        self.sheet_xlsx_button.clicked.connect(self.export_sheet)
        self.template_button = QPushButton("导入模板")
        self.template_button.clicked.connect(self.save_template)
        self.import_button = QPushButton("导入签到/成绩…")
        self.import_button.clicked.connect(lambda: self.import_file())
        for b in (self.signin_button, self.sheet_pdf_button, self.sheet_xlsx_button, self.template_button,
                  self.import_button):
            actions.addWidget(b)
        self.actions_row = actions
        layout.addLayout(actions)

        self.period.changed.connect(self.mark_dirty)
        self.category.currentIndexChanged.connect(lambda _i: self.mark_dirty())
        self.text.textChanged.connect(lambda _t: self.mark_dirty())
        self.unrecorded.toggled.connect(lambda _c: self.mark_dirty())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.show_session())
        self.table.activated.connect(lambda _i: self.sheet.setFocus())
        QShortcut(QKeySequence.StandardKey.New, self, lambda: self.new_button.isVisible() and self.new_session())
        QShortcut(QKeySequence.StandardKey.Save, self, self.save_sheet)
        self.current: TrainingSession | None = None
        self._categories_loaded = False
        self._select_id: int | None = None

    # ------------------------------------------------------------------ building
    def _build_sheet(self) -> QWidget:
        self.tabs = QTabWidget()
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 4, 0, 0)
        row = QHBoxLayout()
        self.sheet_title = QLabel()
        self.sheet_title.setObjectName("sectionTitle")
        row.addWidget(self.sheet_title, 1)
        row.addWidget(QLabel("考核"))
        self.assessment = QComboBox()
        self.assessment.setMinimumContentsLength(16)
        self.assessment.currentIndexChanged.connect(lambda _i: self._fill_sheet())
        row.addWidget(self.assessment)
        self.new_exam_button = QPushButton("新建考核…")
        self.new_exam_button.clicked.connect(self.new_assessment)
        self.all_present_button = QPushButton("全部到")
        self.all_present_button.clicked.connect(self.all_present)
        self.walk_in_button = QPushButton("添加计划外人员…")
        self.walk_in_button.clicked.connect(self.add_walk_ins)
        self.save_button = QPushButton("保存签到和成绩（Ctrl+S）")
        self.save_button.clicked.connect(self.save_sheet)
        for b in (self.new_exam_button, self.all_present_button, self.walk_in_button, self.save_button):
            row.addWidget(b)
        col.addLayout(row)
        self.sheet_model = AttendanceModel(self)
        self.sheet = AttendanceView(self.sheet_model)
        col.addWidget(self.sheet, 1)
        self.sheet_status = QLabel()
        self.sheet_status.setObjectName("pageDescription")
        self.sheet_status.setWordWrap(True)
        col.addWidget(self.sheet_status)
        self.sheet_model.dataChanged.connect(lambda *_: self._sheet_counts())
        self.tabs.addTab(box, "签到与成绩")
        self.info = QTextBrowser()
        self.tabs.addTab(self.info, "培训详情")
        return self.tabs

    # ------------------------------------------------------------------ loading
    def _confirm_unsaved(self) -> None:
        """Unsaved sign-in or scores are never dropped silently when the list changes."""
        if self.current is not None and self.sheet_model.changed and self.save_button.isVisible():
            if QMessageBox.question(self, "尚未保存", f"“{self.current.title}”的签到或成绩尚未保存，现在保存吗？") \
                    == QMessageBox.StandardButton.Yes:
                self.save_sheet()
            self.sheet_model.changed = False

    def refresh(self) -> None:
        self._confirm_unsaved()
        if not self._categories_loaded:
            self.category.blockSignals(True)
            self.category.clear()
            self.category.addItem("全部类别", None)
            for c in guarded(self, training.list_categories, self.ctx.session) or []:
                self.category.addItem(c.name, c.id)
            self.category.blockSignals(False)
            self._categories_loaded = True
        writer = self.ctx.can(TRAINING_RECORD)
        for b in (self.new_button, self.edit_button, self.delete_button, self.new_exam_button,
                  self.all_present_button, self.walk_in_button, self.save_button, self.template_button,
                  self.import_button):
            b.setVisible(writer)
        first, last = self.period.range()
        rows = guarded(self, training.list_sessions, self.ctx.session, first, last,
                       category_id=self.category.currentData(), text=self.text.text()) or []
        if self.unrecorded.isChecked():  # held (today or before) and still without a sign-in
            today = self.ctx.session.today().isoformat()
            rows = [r for r in rows if not r.attendance_recorded and r.date <= today]
        keep = self._select_id or (self.current.id if self.current else None)
        self.model.set_rows(rows)
        present = sum(r.present for r in rows)
        self.count.setText(f"{len(rows)} 次培训，参训 {present} 人次")
        if keep is None or not self.table.select_where(lambda r: r.id == keep):
            self.table.select_first()
        self._select_id = None
        self.show_session()

    def show_session(self) -> None:
        row: SessionRow | None = self.table.selected_record()
        if row is None:
            self.current = None
            self.sheet_model.set_rows([], None)
            self.sheet_title.setText("请选择或新建一次培训")
            self.info.setHtml("")
            self._sheet_counts()
            return
        if self.current is not None and self.current.id != row.id:
            self._confirm_unsaved()
        self.current = guarded(self, training.get_session, self.ctx.session, row.id)
        if self.current is None:
            return
        self.sheet_title.setText(f"{self.current.date} {self.current.title}")
        self.info.setHtml(session_html(self.current))
        self.assessment.blockSignals(True)
        self.assessment.clear()
        self.assessment.addItem("（只登记签到）", None)
        for a in self.current.assessments:
            self.assessment.addItem(a.title, a.id)
        if self.current.assessments:
            self.assessment.setCurrentIndex(1)
        self.assessment.blockSignals(False)
        self._fill_sheet()

    def _fill_sheet(self) -> None:
        s = self.current
        if s is None:
            return
        exam_id = self.assessment.currentData()
        exam = guarded(self, training.get_assessment, self.ctx.session, exam_id) if exam_id else None
        scores: dict[int, dict[int, float]] = {}
        for r in exam.results if exam else ():
            scores.setdefault(r.staff_id, {})[r.attempt] = r.score
        rows = []
        for a in s.attendees:
            done = scores.get(a.staff_id, {})
            rows.append(SheetRow(a.staff_id, a.employee_no, a.name, a.department, a.title, a.expected,
                                 True if a.present is None else a.present, a.note or "",
                                 f"{done[1]:g}" if 1 in done else "", f"{done[2]:g}" if 2 in done else ""))
        self.sheet_model.set_rows(rows, exam.pass_mark if exam else None)
        self.sheet.show_scores(exam is not None)
        self._exam = exam
        self._sheet_counts()

    def _sheet_counts(self) -> None:
        s = self.current
        if s is None:
            self.sheet_status.setText("")
            return
        rows = self.sheet_model.rows
        expected = sum(r.expected for r in rows)
        present = sum(r.present for r in rows)
        absent = [r.name for r in rows if r.expected and not r.present]
        state = "签到已登记" if s.attendance_recorded else ("尚未登记签到（保存后记入）" if not self.sheet_model.changed
                                                       else "签到尚未保存")
        text = f"应到 {expected} 人，实到 {present} 人" + (f"，缺席：{'、'.join(absent[:20])}"
                                                          + (f" 等 {len(absent)} 人" if len(absent) > 20 else "")
                                                          if absent else "") + f"。{state}。"
        if self._exam_loaded():
            scored = [r for r in rows if r.score]
            passed = sum(1 for r in scored if self.sheet_model.passes(r.make_up or r.score))
            text += f" 已录入成绩 {len(scored)} 人，合格 {passed} 人（含补考；合格分 {self.sheet_model.pass_mark:g}）。"
        if self.sheet_model.changed:
            text += " <b style='color:#b26a00'>有未保存的修改</b>"
        self.sheet_status.setText(text)

    def _exam_loaded(self) -> bool:
        return getattr(self, "_exam", None) is not None

    def apply_preset(self, preset: str) -> None:
        """``unrecorded``: this year's sessions held without a sign-in (the 工作台 link)."""
        if preset == "unrecorded":
            self.period.set_period("本年")
            self.unrecorded.setChecked(True)
            self._refresh_now()

    # ------------------------------------------------------------------ sheet actions
    def all_present(self) -> None:
        for i, r in enumerate(self.sheet_model.rows):
            if not r.present:
                self.sheet_model.toggle(i)

    def add_walk_ins(self) -> None:
        from ui.dialogs.staff_pick import StaffPickDialog

        if self.current is None:
            return
        dialog = StaffPickDialog(self.ctx, "添加计划外参加的人员", exclude={r.staff_id for r in self.sheet_model.rows},
                                 parent=self)
        self._last_dialog = dialog
        dialog.exec()
        for s in dialog.picked:
            self.sheet_model.add_row(SheetRow(s.id, s.employee_no, s.name, s.department_name, s.title, False, True))
        self._sheet_counts()

    def sheet_values(self) -> tuple[list[dict], list[dict]]:
        attendance = [{"staff_id": r.staff_id, "present": r.present, "note": r.note} for r in self.sheet_model.rows]
        scores = []
        for r in self.sheet_model.rows:
            if r.score:
                scores.append({"staff_id": r.staff_id, "score": r.score, "attempt": 1})
            if r.make_up:
                scores.append({"staff_id": r.staff_id, "score": r.make_up, "attempt": 2})
        return attendance, scores

    def save_sheet(self) -> None:
        if self.current is None or not self.save_button.isVisible():
            return
        attendance, scores = self.sheet_values()
        exam_id = self.assessment.currentData()
        saved = guarded(self, training.record_sheet, self.ctx.session, self.current.id, attendance, exam_id,
                        scores if exam_id else None)
        if saved is None:
            return
        self.sheet_model.changed = False
        self.ctx.status_message.emit(f"已保存：{saved.title}（实到 {saved.present} 人）")
        self._select_id = saved.id
        self.current = None
        self.ctx.notify("training")

    # ------------------------------------------------------------------ printouts and import
    def _snapshot(self):
        s, exam_id = self.current, self.assessment.currentData()
        return lambda session: _reports().session_snapshot(session, s.id, exam_id)

    def print_signin(self) -> None:
        if self.current is None:
            return
        snap = self._snapshot()
        preview_pdf(self, self.ctx, f"签到表 — {self.current.title}", f"签到表-{self.current.date}.pdf",
                    lambda session, path, progress: _reports().write_signin_pdf(snap(session), path, progress))

    def print_sheet(self) -> None:
        if self.current is None:
            return
        snap = self._snapshot()
        preview_pdf(self, self.ctx, f"签到与成绩表 — {self.current.title}", f"签到与成绩表-{self.current.date}.pdf",
                    lambda session, path, progress: _reports().write_attendance_pdf(snap(session), path, progress))

    def export_sheet(self) -> None:
        if self.current is None:
            return
        snap = self._snapshot()
        export_xlsx(self, self.ctx, "签到与成绩表", f"签到与成绩表-{self.current.date}.xlsx",
                    lambda session, path, progress: _reports().write_attendance_xlsx(snap(session), path, progress))

    def save_template(self) -> None:
        if self.current is None:
            return
        s, exam_id = self.current, self.assessment.currentData()
        export_xlsx(self, self.ctx, "签到与成绩导入模板", f"签到导入模板-{s.date}.xlsx",
                    lambda session, path, _p: _excel().write_attendance_template(session, path, s.id, exam_id))

    def import_file(self, path: str | None = None) -> None:
        if self.current is None:
            return
        if not path:
            path = choose_excel_file(self, "选择签到表（Excel）")
            if not path:
                return
        s, exam_id = self.current, self.assessment.currentData()
        run_job(self, self.ctx, "正在读取并检查签到表…",
                lambda session, _p: _excel().preview_attendance_import(session, path, s.id, exam_id),
                self._show_import_plan)

    def _show_import_plan(self, plan) -> None:
        from ui.dialogs.import_preview import ImportPreviewDialog

        columns = [Column("行", lambda r: r.row, width=50, align_right=True),
                   Column("处理", lambda r: r.action, width=70,
                          colour=lambda r: "#c62828" if r.action == "有错误" else None),
                   Column("内容", lambda r: r.describe(), width=640)]
        dialog = ImportPreviewDialog("导入签到与成绩", plan.file_name, plan.summary(), plan.findings, columns, plan.rows,
                                     plan.can_apply, self)
        self._last_import_dialog = dialog
        if not dialog.exec():
            return

        def done(result) -> None:
            self._select_id = result.session.id
            self.current = None
            self.ctx.notify("training")
            QMessageBox.information(self, "导入完成", f"已登记：到 {result.present} 人，缺席 {result.absent} 人，"
                                    f"计划外 {result.walk_ins} 人，成绩 {result.scores} 条。已记入审计日志。")

        run_job(self, self.ctx, "正在导入…", lambda session, _p: _excel().apply_attendance_import(session, plan), done)

    # ------------------------------------------------------------------ session actions
    def new_session(self) -> None:
        from ui.dialogs.training_session import TrainingSessionDialog

        dialog = TrainingSessionDialog(self.ctx, parent=self)
        self._last_dialog = dialog
        if dialog.exec() and dialog.saved:
            self._select_id = dialog.saved.id
            self.mark_dirty()

    def edit_session(self) -> None:
        from ui.dialogs.training_session import TrainingSessionDialog

        if self.current is None:
            return
        dialog = TrainingSessionDialog(self.ctx, self.current, parent=self)
        self._last_dialog = dialog
        if dialog.exec() and dialog.saved:
            self._select_id = dialog.saved.id
            self.current = None
            self.mark_dirty()

    def delete_session(self) -> None:
        s = self.current
        if s is None:
            return
        if QMessageBox.question(self, "删除培训", f"删除“{s.date} {s.title}”？") != QMessageBox.StandardButton.Yes:
            return
        if guarded(self, lambda: training.delete_session(self.ctx.session, s.id) or True):
            self.current = None
            self.ctx.notify("training")

    def new_assessment(self) -> None:
        from ui.dialogs.training_session import AssessmentDialog

        if self.current is None:
            return
        dialog = AssessmentDialog(self.ctx, session=self.current, parent=self)
        self._last_dialog = dialog
        if dialog.exec() and dialog.saved:
            self._select_id = self.current.id
            self.current = None
            self.mark_dirty()
