"""考核与知晓率: assessments held on their own (not part of a session) and 知晓率调查 (sample testing).

Pick people by name or draw a sample per department, type the scores down the column (Enter moves
down), Ctrl+S saves. 知晓率 = passed ÷ tested at the first attempt (see 培训覆盖 per department).
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app.training import service as training
from desktop_app.training.manifest import TRAINING_RECORD
from desktop_app.training.models import ASSESSMENT_KINDS, AWARENESS, Assessment, percent
from ui.errors import guarded
from ui.pages.base import Page
from ui.table import Column, RecordTableModel, RecordTableView
from ui.widgets.attendance_grid import AttendanceModel, AttendanceView, SheetRow
from ui.widgets.period import PeriodPicker

PERIODS = ["本年", "本年上半年", "本年下半年", "去年全年", "近 12 个月"]
COLUMNS = [
    Column("日期", lambda a: a.date, width=86),
    Column("名称", lambda a: a.title, width=240, tooltip=lambda a: a.title),
    Column("类型", lambda a: a.kind, width=80),
    Column("类别", lambda a: a.category, width=80),
    Column("参考", lambda a: a.tested, width=50, align_right=True),
    Column("首次合格", lambda a: a.passed_first, width=70, align_right=True),
    Column("补考后合格", lambda a: a.passed_final, width=80, align_right=True),
    Column("合格率/知晓率", lambda a: percent(a.pass_rate), width=96, align_right=True,
           sort=lambda a: -1 if a.pass_rate is None else a.pass_rate),
]


class AssessmentsPage(Page):
    title = "考核与知晓率"
    domains = frozenset({"training", "people"})

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        layout = self.page_layout(
            "考核与知晓率",
            "不随某次培训进行的考核，以及核心制度知晓率抽考（知晓率 = 合格人数 ÷ 抽考人数，按首次成绩）。随培训进行的考核在“培训记录”中登记。")
        row = QHBoxLayout()
        self.period = PeriodPicker(PERIODS, ctx.session.today())
        self.kind = QComboBox()
        self.kind.addItem("全部类型", None)
        for k in ASSESSMENT_KINDS:
            self.kind.addItem(k, k)
        for w in (self.period, QLabel("类型"), self.kind):
            row.addWidget(w)
        row.addStretch(1)
        self.new_button = QPushButton("新建考核或知晓率调查…")
        self.new_button.clicked.connect(self.new_assessment)
        row.addWidget(self.new_button)
        layout.addLayout(row)
        split = QSplitter(Qt.Orientation.Vertical)
        self.model = RecordTableModel(COLUMNS, self)
        self.table = RecordTableView(self.model)
        self.table.horizontalHeader().setStretchLastSection(False)
        split.addWidget(self.table)
        sheet_box = QWidget()
        col = QVBoxLayout(sheet_box)
        col.setContentsMargins(0, 4, 0, 0)
        bar = QHBoxLayout()
        self.sheet_title = QLabel()
        self.sheet_title.setObjectName("sectionTitle")
        bar.addWidget(self.sheet_title, 1)
        self.add_button = QPushButton("添加人员…")
        self.add_button.clicked.connect(self.add_people)
        self.sample_button = QPushButton("按科室抽取…")
        self.sample_button.clicked.connect(self.sample)
        self.remove_button = QPushButton("移除所选人员")
        self.remove_button.clicked.connect(self.remove_person)
        self.save_button = QPushButton("保存成绩（Ctrl+S）")
        self.save_button.clicked.connect(self.save)
        for b in (self.add_button, self.sample_button, self.remove_button, self.save_button):
            bar.addWidget(b)
        col.addLayout(bar)
        self.sheet_model = AttendanceModel(self)
        self.sheet = AttendanceView(self.sheet_model)
        for hidden in (AttendanceModel.TITLE, AttendanceModel.PRESENT, AttendanceModel.NOTE):
            self.sheet.setColumnHidden(hidden, True)
        col.addWidget(self.sheet, 1)
        self.status = QLabel()
        self.status.setObjectName("pageDescription")
        col.addWidget(self.status)
        split.addWidget(sheet_box)
        split.setSizes([260, 440])
        layout.addWidget(split, 1)
        self.period.changed.connect(self.mark_dirty)
        self.kind.currentIndexChanged.connect(lambda _i: self.mark_dirty())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.show_assessment())
        self.sheet_model.dataChanged.connect(lambda *_: self._counts())
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        self.current: Assessment | None = None
        self._select_id: int | None = None

    def refresh(self) -> None:
        writer = self.ctx.can(TRAINING_RECORD)
        for b in (self.new_button, self.add_button, self.sample_button, self.remove_button, self.save_button):
            b.setVisible(writer)
        first, last = self.period.range()
        rows = guarded(self, training.list_assessments, self.ctx.session, first, last, kind=self.kind.currentData(),
                       standalone=True) or []
        keep = self._select_id or (self.current.id if self.current else None)
        self.model.set_rows(rows)
        if keep is None or not self.table.select_where(lambda a: a.id == keep):
            self.table.select_first()
        self._select_id = None
        self.show_assessment()

    def show_assessment(self) -> None:
        row = self.table.selected_record()
        self.current = guarded(self, training.get_assessment, self.ctx.session, row.id) if row else None
        a = self.current
        if a is None:
            self.sheet_model.set_rows([], None)
            self.sheet_title.setText("请选择或新建一次考核")
            self._counts()
            return
        self.sheet_title.setText(f"{a.date} {a.title}（{a.kind}，满分 {a.full_mark:g}，合格 {a.pass_mark:g}）")
        by_person: dict[int, SheetRow] = {}
        for r in a.results:
            row_ = by_person.setdefault(r.staff_id, SheetRow(r.staff_id, r.employee_no, r.name, r.department, None,
                                                              True, True))
            if r.attempt == 1:
                row_.score = f"{r.score:g}"
            else:
                row_.make_up = f"{r.score:g}"
        self.sheet_model.set_rows(list(by_person.values()), a.pass_mark)
        self.sheet.show_scores(True)
        self._counts()

    def _counts(self) -> None:
        rows = self.sheet_model.rows
        scored = [r for r in rows if r.score]
        first_pass = sum(1 for r in scored if self.sheet_model.passes(r.score))
        text = f"{len(rows)} 人，已录入 {len(scored)} 人，首次合格 {first_pass} 人"
        if scored:
            what = "知晓率" if self.current and self.current.kind == AWARENESS else "合格率"
            text += f"（{what} {first_pass / len(scored) * 100:.1f}%）"
        if self.sheet_model.changed:
            text += "　有未保存的修改"
        self.status.setText(text)

    def _add(self, staff) -> None:
        have = {r.staff_id for r in self.sheet_model.rows}
        for s in staff:
            if s["id"] not in have:
                self.sheet_model.add_row(SheetRow(s["id"], s["employee_no"], s["name"], s["department"], s["title"],
                                                  True, True))
        self._counts()

    def add_people(self) -> None:
        from ui.dialogs.staff_pick import StaffPickDialog

        if self.current is None:
            return
        dialog = StaffPickDialog(self.ctx, "添加参加考核的人员", exclude={r.staff_id for r in self.sheet_model.rows},
                                 parent=self)
        self._last_dialog = dialog
        dialog.exec()
        self._add([{"id": s.id, "employee_no": s.employee_no, "name": s.name, "department": s.department_name,
                    "title": s.title} for s in dialog.picked])

    def sample(self) -> None:
        if self.current is None:
            return
        n, ok = QInputDialog.getInt(self, "按科室抽取", "每个科室随机抽取人数：", 3, 1, 100)
        if ok:
            self._add(guarded(self, training.sample_people, self.ctx.session, n, self.current.date) or [])

    def remove_person(self) -> None:
        index = self.sheet.currentIndex()
        if not index.isValid():
            return
        rows = list(self.sheet_model.rows)
        del rows[index.row()]
        pass_mark = self.sheet_model.pass_mark
        self.sheet_model.set_rows(rows, pass_mark)
        self.sheet_model.changed = True
        self._counts()

    def save(self) -> None:
        if self.current is None or not self.save_button.isVisible():
            return
        scores = []
        for r in self.sheet_model.rows:
            scores.append({"staff_id": r.staff_id, "score": r.score, "attempt": 1})
            if r.make_up:
                scores.append({"staff_id": r.staff_id, "score": r.make_up, "attempt": 2})
        missing = [r.name for r in self.sheet_model.rows if not r.score]
        if missing and QMessageBox.question(
                self, "有人没有成绩", f"{'、'.join(missing[:10])}{' 等' if len(missing) > 10 else ''} {len(missing)} 人没有成绩，"
                "保存后他们不计入参考人数。仍要保存吗？") != QMessageBox.StandardButton.Yes:
            return
        saved = guarded(self, training.record_scores, self.ctx.session, self.current.id, scores)
        if saved is not None:
            self.sheet_model.changed = False
            self._select_id = saved.id
            self.ctx.status_message.emit(f"已保存：{saved.title}（参考 {saved.tested} 人，首次合格 {saved.passed_first} 人）")
            self.ctx.notify("training")

    def new_assessment(self) -> None:
        from ui.dialogs.training_session import AssessmentDialog

        dialog = AssessmentDialog(self.ctx, kind=AWARENESS, parent=self)
        self._last_dialog = dialog
        if dialog.exec() and dialog.saved:
            self._select_id = dialog.saved.id
            self.mark_dirty()
