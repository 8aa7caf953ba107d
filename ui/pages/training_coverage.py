"""培训覆盖: for a period, who has met the training requirements, by department, by requirement and
by person, with 知晓率 against the target. Every figure is the core's (:mod:`training.coverage`)."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.people import service as people
from desktop_app.training import coverage as training_coverage
from desktop_app.training import service as training
from desktop_app.training.models import Coverage, percent
from ui.dialogs.staff_edit import department_items
from ui.errors import guarded
from ui.pages.base import Page
from ui.pages.dashboard import figure_cards
from ui.table import Column, RecordTableModel, RecordTableView
from ui.widgets.period import PeriodPicker

PERIODS = ["本年", "本年上半年", "本年下半年", "去年全年", "近 12 个月"]
RED = "#c62828"


def department_columns(target: float) -> list[Column]:
    return [
        Column("科室", lambda d: d.department, width=140),
        Column("人数", lambda d: d.people, width=56, align_right=True),
        Column("全部达标", lambda d: d.complete, width=70, align_right=True),
        Column("达标率", lambda d: percent(d.rate), width=66, align_right=True, sort=lambda d: d.rate or 0,
               colour=lambda d: RED if d.rate is not None and d.rate < 1 else None),
        Column("知晓率抽考", lambda d: d.tested, width=80, align_right=True),
        Column("知晓", lambda d: d.aware, width=50, align_right=True),
        Column("知晓率", lambda d: percent(d.awareness), width=70, align_right=True,
               sort=lambda d: -1 if d.awareness is None else d.awareness,
               colour=lambda d: RED if d.awareness is not None and d.awareness < target else None),
    ]


RULE_COLUMNS = [
    Column("培训要求", lambda r: r.requirement.label, width=320, tooltip=lambda r: r.requirement.notes),
    Column("适用人数", lambda r: r.people, width=70, align_right=True),
    Column("已达到", lambda r: r.met, width=60, align_right=True),
    Column("未达到", lambda r: r.people - r.met, width=60, align_right=True,
           colour=lambda r: RED if r.people - r.met else None),
    Column("达标率", lambda r: percent(r.rate), width=66, align_right=True, sort=lambda r: r.rate or 0),
]

PERSON_COLUMNS = [
    Column("工号", lambda p: p.employee_no, width=70),
    Column("姓名", lambda p: p.name, width=64),
    Column("科室", lambda p: p.department, width=120),
    Column("类别", lambda p: p.category, width=48),
    Column("入职日期", lambda p: p.hire_date or "", width=86),
    Column("尚未达到的要求", lambda p: "；".join(f"{g.label.split('：')[0]} {g.text()}" for g in p.gaps), width=420,
           tooltip=lambda p: "\n".join(f"{g.label}：{g.text()}" for g in p.gaps)),
]


class TrainingCoveragePage(Page):
    title = "培训覆盖"
    domains = frozenset({"training", "people", "settings", "roster"})

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        layout = self.page_layout(
            "培训覆盖",
            "按培训要求（培训要求页设置）统计期间内每个人的培训和考核情况。计入期末在岗人员；期间内入职的按在岗天数折算次数"
            "（向上取整）；补考合格视为合格；知晓率 = 知晓率抽考合格人数 ÷ 抽考人数（按首次成绩）。双击人员查看个人培训档案。")
        row = QHBoxLayout()
        self.period = PeriodPicker(PERIODS, ctx.session.today())
        self.department = QComboBox()
        self.department.setMinimumContentsLength(12)
        self.summary = QLabel()
        self.summary.setObjectName("pageDescription")
        self.summary.setWordWrap(True)
        for w in (self.period, QLabel("科室"), self.department):
            row.addWidget(w)
        row.addStretch(1)
        print_button = QPushButton("打印覆盖报告")
        print_button.clicked.connect(self.print_report)
        export_button = QPushButton("导出 Excel")
        export_button.clicked.connect(self.export_report)
        row.addWidget(print_button)
        row.addWidget(export_button)
        layout.addLayout(row)
        layout.addWidget(self.summary)
        cards = QGridLayout()
        self.cards, self.card_widgets = figure_cards(cards, (
            ("应培训人数", "期末在岗、适用于至少一项要求"), ("全部达标", "达到所有适用的要求"), ("达标率", "全部达标 ÷ 人数"),
            ("知晓率", "知晓率抽考合格 ÷ 抽考人数"), ("考核合格率", "期间考核首次合格 ÷ 参考人次"),
            ("培训场次 / 人次", "期间培训次数与实到人次")))
        layout.addLayout(cards)
        self.tabs = QTabWidget()
        self.department_model = RecordTableModel(department_columns(0.9), self)
        self.rule_model = RecordTableModel(RULE_COLUMNS, self)
        self.person_model = RecordTableModel(PERSON_COLUMNS, self)
        self.department_table = RecordTableView(self.department_model)
        self.rule_table = RecordTableView(self.rule_model)
        for table in (self.department_table, self.rule_table):  # figures stay next to their labels
            table.horizontalHeader().setStretchLastSection(False)
        people_tab = QWidget()
        col = QVBoxLayout(people_tab)
        col.setContentsMargins(0, 4, 0, 0)
        self.person_filter = QLineEdit()
        self.person_filter.setPlaceholderText("按姓名筛选")
        self.person_filter.textChanged.connect(lambda t: self.person_model.set_text_filter(t, 1))
        col.addWidget(self.person_filter)
        self.person_table = RecordTableView(self.person_model)
        self.person_table.activated.connect(lambda _i: self.open_transcript())
        col.addWidget(self.person_table, 1)
        self.tabs.addTab(self.department_table, "按科室")
        self.tabs.addTab(self.rule_table, "按培训要求")
        self.tabs.addTab(people_tab, "未达标人员")
        layout.addWidget(self.tabs, 1)
        self.period.changed.connect(self.mark_dirty)
        self.department.currentIndexChanged.connect(lambda _i: self.mark_dirty())
        self.coverage: Coverage | None = None
        self._departments_loaded = False
        ctx.session_replaced.connect(lambda: setattr(self, "_departments_loaded", False))

    def _fill_departments(self) -> None:
        self.department.blockSignals(True)
        self.department.clear()
        if guarded(self, training.reachable_departments, self.ctx.session) is not None:
            self.department.addItem("本科室", None)  # a department head: her department and its wards
        else:
            self.department.addItem("全院", None)
            for label, dept_id in department_items(guarded(self, people.list_departments, self.ctx.session) or []):
                self.department.addItem(label, dept_id)
        self.department.blockSignals(False)
        self._departments_loaded = True

    def refresh(self) -> None:
        if not self._departments_loaded:
            self._fill_departments()
        first, last = self.period.range()
        cov = guarded(self, training_coverage.coverage, self.ctx.session, first, last, self.department.currentData())
        self.coverage = cov
        if cov is None:
            return
        total = cov.total
        self.department_model.columns = department_columns(cov.awareness_target)
        self.department_model.set_rows(list(cov.by_department))
        self.rule_model.set_rows(list(cov.by_requirement))
        self.person_model.set_rows([p for p in cov.people if p.gaps])
        self.cards["应培训人数"].setText(str(total.people))
        self.cards["全部达标"].setText(str(total.complete))
        self.cards["达标率"].setText(percent(total.rate))
        self.cards["知晓率"].setText(f"{percent(total.awareness)}")
        self.card_widgets["知晓率"].setToolTip(f"目标 ≥ {cov.awareness_target * 100:g}%；抽考 {total.tested} 人，"
                                             f"合格 {total.aware} 人")
        self.cards["考核合格率"].setText(percent(cov.assessment_pass_rate))
        self.cards["培训场次 / 人次"].setText(f"{cov.sessions} / {cov.participants}")
        low = total.awareness is not None and total.awareness < cov.awareness_target
        self.cards["知晓率"].setStyleSheet(f"color: {RED};" if low else "")
        self.summary.setText(f"{cov.first} 至 {cov.last}　未达标 {total.people - total.complete} 人"
                             + (f"　期间离岗 {cov.left} 人（不计入）" if cov.left else "")
                             + f"　知晓率目标 ≥ {cov.awareness_target * 100:g}%")

    def _snapshot(self):
        first, last = self.period.range()
        department = self.department.currentData()

        def snap(session):
            from desktop_app.training import reports

            return reports.coverage_snapshot(session, first, last, department)
        return snap, f"{first}_{last}"

    def print_report(self) -> None:
        from desktop_app.training import reports
        from ui.pdf_preview import preview_pdf

        snap, name = self._snapshot()
        preview_pdf(self, self.ctx, "培训覆盖报告", f"培训覆盖报告_{name}.pdf",
                    lambda session, path, progress: reports.write_coverage_pdf(snap(session), path, progress))

    def export_report(self) -> None:
        from desktop_app.training import reports
        from ui.pdf_preview import export_xlsx

        snap, name = self._snapshot()
        export_xlsx(self, self.ctx, "培训覆盖报告", f"培训覆盖报告_{name}.xlsx",
                    lambda session, path, progress: reports.write_coverage_xlsx(snap(session), path, progress))

    def open_transcript(self) -> None:
        from ui.dialogs.transcript import TranscriptDialog

        person = self.person_table.selected_record()
        if person is None:
            return
        dialog = TranscriptDialog(self.ctx, person.staff_id, gaps=person, parent=self)
        self._last_dialog = dialog
        dialog.exec()
