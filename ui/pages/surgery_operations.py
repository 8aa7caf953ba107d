"""授权核查 page: operations done without a valid privilege (越权手术) and 三、四级手术实际开展率 of a
period, grants lapsing soon, grants against titles, and who is authorised for a procedure today."""
from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.surgery import catalogue as catalogues
from desktop_app.surgery import operations
from desktop_app.surgery import privileges as priv
from desktop_app.surgery.manifest import SURGERY_OPERATIONS
from desktop_app.surgery.models import GRADE_LABELS
from ui.errors import guarded
from ui.pages.base import Page
from ui.pages.dashboard import figure_cards
from ui.table import Column, RecordTableModel, RecordTableView
from ui.widgets.period import PeriodPicker

PERIODS = ["本年", "本年上半年", "本年下半年", "去年全年", "近 12 个月", "本月"]
OPERATION_COLUMNS = [
    Column("手术日期", lambda r: r["date"], width=86),
    Column("病案号", lambda r: r["patient_no"], width=90),
    Column("术者", lambda r: r["staff_name"], width=64),
    Column("科室", lambda r: r["department"], width=96),
    Column("手术", lambda r: f"{r['code']} {r['name']}", width=260),
    Column("级别", lambda r: GRADE_LABELS[r["grade"]], width=48, sort=lambda r: r["grade"]),
    Column("原因", lambda r: r["finding"], width=280, colour=lambda r: "#c62828"),
]
LAPSE_COLUMNS = [
    Column("医师", lambda lp: lp.privilege.staff_name, width=64),
    Column("授权内容", lambda lp: lp.privilege.what, width=300),
    Column("有效期至", lambda lp: lp.privilege.valid_until, width=86),
    Column("剩余", lambda lp: f"{lp.days_left} 天" if lp.days_left >= 0 else f"已过期 {-lp.days_left} 天", width=100,
           sort=lambda lp: lp.days_left, colour=lambda lp: "#c62828" if lp.days_left <= 7 else
           ("#b26a00" if lp.days_left <= 30 else None)),
]
TITLE_COLUMNS = [
    Column("医师", lambda r: r.name, width=64),
    Column("科室", lambda r: r.department, width=96),
    Column("职称", lambda r: r.title or "", width=96),
    Column("一、二级", lambda r: f"授权至{GRADE_LABELS[r.grade_scope]}" if r.grade_scope else "", width=90),
    Column("三级（项）", lambda r: r.grade3, width=70, align_right=True),
    Column("四级（项）", lambda r: r.grade4, width=70, align_right=True),
    Column("无评估依据", lambda r: r.without_assessment or "", width=80, align_right=True,
           colour=lambda r: "#b26a00" if r.without_assessment else None),
]
AUTHORISED_COLUMNS = [
    Column("医师", lambda p: p.staff_name, width=64),
    Column("授权", lambda p: p.what, width=300),
    Column("有效期至", lambda p: p.valid_until, width=86),
    Column("依据", lambda p: f"能力评估 #{p.assessment_id}" if p.assessment_id else "", width=100),
]


class SurgeryOperationsPage(Page):
    title = "授权核查"
    domains = frozenset({"surgery", "people", "settings"})

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        layout = self.page_layout(
            "授权核查",
            "按导入的手术记录核对每台手术当天术者是否有有效授权（越权手术），统计三、四级手术实际开展率（实际开展的三、四级术种"
            " ÷ 备案目录中的三、四级术种）；列出即将到期的授权、授权与职称的对照，以及某项手术当天有权主刀的医师。")
        self.tabs = QTabWidget()
        # 越权手术
        box = QWidget()
        col = QVBoxLayout(box)
        row = QHBoxLayout()
        self.period = PeriodPicker(PERIODS, ctx.session.today())
        row.addWidget(self.period)
        row.addStretch(1)
        self.import_button = QPushButton("导入手术记录…")
        self.import_button.clicked.connect(lambda: self.import_log())
        self.print_button = QPushButton("打印/导出 ▾")
        menu = QMenu(self.print_button)
        menu.addAction("打印越权手术清单", lambda: self.output("unprivileged", "pdf"))
        menu.addAction("导出越权手术 Excel…", lambda: self.output("unprivileged", "xlsx"))
        menu.addSeparator()
        menu.addAction("打印授权医师名单（今天，按科室）", lambda: self.output("authorised", "pdf"))
        menu.addAction("导出授权医师名单 Excel…", lambda: self.output("authorised", "xlsx"))
        self.print_button.setMenu(menu)
        row.addWidget(self.import_button)
        row.addWidget(self.print_button)
        self.catalogue_note = QLabel()
        self.catalogue_note.setObjectName("pageDescription")
        row.addWidget(self.catalogue_note)
        col.addLayout(row)
        grid = QGridLayout()
        self.cards, _ = figure_cards(grid, (("手术例数", "导入的手术记录"), ("三、四级手术", "例数"),
                                            ("越权手术", "手术当天术者无有效授权"),
                                            ("三、四级手术实际开展率", "实际开展的三、四级术种 ÷ 备案的三、四级术种")))
        col.addLayout(grid)
        self.operation_model = RecordTableModel(OPERATION_COLUMNS, self)
        col.addWidget(RecordTableView(self.operation_model), 1)
        self.tabs.addTab(box, "越权手术")
        # 到期
        self.lapse_model = RecordTableModel(LAPSE_COLUMNS, self)
        self.tabs.addTab(RecordTableView(self.lapse_model), "授权到期")
        # 职称
        self.title_model = RecordTableModel(TITLE_COLUMNS, self)
        title_box = QWidget()
        col = QVBoxLayout(title_box)
        note = QLabel("手术授权应依据能力评估，与职称、职务不挂钩：同职称者授权完全相同、或授权没有评估依据的，请核实是否按职称授权。")
        note.setObjectName("pageDescription")
        note.setWordWrap(True)
        col.addWidget(note)
        col.addWidget(RecordTableView(self.title_model), 1)
        self.tabs.addTab(title_box, "授权与职称")
        # 授权医师名单
        who = QWidget()
        col = QVBoxLayout(who)
        self.procedure_search = QLineEdit()
        self.procedure_search.setPlaceholderText("输入手术名称、编码或拼音首字母，查看今天有权主刀的医师")
        col.addWidget(self.procedure_search)
        self.procedure_label = QLabel()
        col.addWidget(self.procedure_label)
        self.authorised_model = RecordTableModel(AUTHORISED_COLUMNS, self)
        col.addWidget(RecordTableView(self.authorised_model), 1)
        self.tabs.addTab(who, "授权医师名单")
        layout.addWidget(self.tabs, 1)
        self.period.changed.connect(self.mark_dirty)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(lambda: self.isVisible() and self.find_authorised())
        self.procedure_search.textChanged.connect(lambda _t: self._timer.start())

    def refresh(self) -> None:
        

        self.import_button.setVisible(self.ctx.can(SURGERY_OPERATIONS))
        session = self.ctx.session
        first, last = self.period.range()
        rows = guarded(self, operations.unprivileged, session, first, last) or []
        self.operation_model.set_rows(rows)
        perf = guarded(self, operations.performance, session, first, last)
        if perf is not None:
            self.cards["手术例数"].setText(str(perf.operations))
            self.cards["三、四级手术"].setText(str(perf.grade34_operations))
            self.cards["越权手术"].setText(str(perf.unprivileged))
            self.cards["越权手术"].setStyleSheet("color: #c62828;" if perf.unprivileged else "")
            self.cards["三、四级手术实际开展率"].setText(
                f"{perf.rate * 100:.1f}%" if perf.rate is not None else "—")
            self.catalogue_note.setText(f"备案目录：{perf.catalogue}（三、四级 {perf.filed} 种，已开展 {perf.performed} 种）"
                                        if perf.catalogue else "尚无已备案的目录：实际开展率无法计算。")
        self.lapse_model.set_rows(guarded(self, priv.lapsing, session) or [])
        self.title_model.set_rows(guarded(self, priv.title_report, session) or [])

    def output(self, what: str, kind: str) -> None:
        from desktop_app.surgery import reports
        from ui.pdf_preview import export_xlsx, preview_pdf

        first, last = self.period.range()
        if what == "unprivileged":
            title, snap = "越权手术清单", lambda s: reports.unprivileged_snapshot(s, first, last)
            write = reports.write_unprivileged_pdf if kind == "pdf" else reports.write_unprivileged_xlsx
        else:
            title, snap = "授权医师名单", lambda s: reports.authorised_snapshot(s)
            write = reports.write_authorised_pdf if kind == "pdf" else reports.write_authorised_xlsx
        build = lambda session, path, progress: write(snap(session), path, progress)  # noqa: E731
        if kind == "pdf":
            preview_pdf(self, self.ctx, title, f"{title}.pdf", build)
        else:
            export_xlsx(self, self.ctx, title, f"{title}.xlsx", build)

    def import_log(self, path: str | None = None) -> None:
        """An operations log exported from the HIS: preview (unknown surgeons and procedures by row), then record."""
        from desktop_app.surgery import excel_io
        from ui.jobs import run_job

        if not path:
            from ui.pdf_preview import choose_excel_file

            path = choose_excel_file(self, "选择 HIS 导出的手术记录（Excel）")
            if not path:
                return
        run_job(self, self.ctx, "正在读取并核对手术记录…",
                lambda session, _p: excel_io.preview_operations_import(session, path), self._show_log_plan)

    def _show_log_plan(self, plan) -> None:
        from desktop_app.surgery import excel_io
        from ui.dialogs.import_preview import ImportPreviewDialog
        from ui.jobs import run_job

        columns = [Column("行", lambda o: o.row, width=50, align_right=True),
                   Column("手术日期", lambda o: o.date, width=86), Column("术者", lambda o: o.staff_name, width=64),
                   Column("手术", lambda o: f"{o.code} {o.name}", width=260),
                   Column("核对", lambda o: "有授权" if o.privileged else f"越权：{o.finding}", width=320,
                          colour=lambda o: None if o.privileged else "#c62828")]
        rows = sorted(plan.check.operations, key=lambda o: (o.privileged, o.row))
        dialog = ImportPreviewDialog("导入手术记录", plan.file_name, plan.summary(), plan.findings, columns, rows,
                                     plan.can_apply, self)
        self._last_import_dialog = dialog
        if not dialog.exec():
            return

        def done(result) -> None:
            self.ctx.notify("surgery")
            new = [o for o in result.operations if not o.recorded]
            again = f"另有 {len(result.already_recorded)} 例此前已导入，未重复记入。" if result.already_recorded else ""
            QMessageBox.information(self, "导入完成", f"已导入手术 {len(new)} 例，其中越权手术 "
                                    f"{sum(1 for o in new if not o.privileged)} 例（见“越权手术”）。{again}")

        run_job(self, self.ctx, "正在导入…", lambda session, _p: excel_io.apply_operations_import(session, plan), done)

    def find_authorised(self) -> None:
        session = self.ctx.session
        text = self.procedure_search.text().strip()
        cat = guarded(self, catalogues.catalogue_in_force, session)
        if not text or cat is None:
            self.authorised_model.set_rows([])
            self.procedure_label.setText("" if cat else "还没有已批准生效的手术分级目录。")
            return
        found = guarded(self, catalogues.search_procedures, session, cat.id, text, limit=1) or []
        if not found:
            self.procedure_label.setText("现行目录中没有这项手术。")
            self.authorised_model.set_rows([])
            return
        p = found[0]
        rows = guarded(self, priv.authorised_surgeons, session, p.code) or []
        self.procedure_label.setText(f"<b>{p.code} {p.name}</b>（{p.grade_label}{'，' + p.flags if p.flags else ''}）："
                                     f"今天有权主刀的医师 {len(rows)} 人")
        self.authorised_model.set_rows(rows)
