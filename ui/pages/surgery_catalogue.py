"""手术分级目录 page: the versions, the procedures of the chosen one with search (name, code, pinyin
initials) and filters, and its 动态调整 against the version it was made from."""
from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
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
from desktop_app.surgery.manifest import SURGERY_CATALOGUE
from desktop_app.surgery.models import GRADE_LABELS, Catalogue
from ui.dialogs.surgery_edit import ApproveDialog, CatalogueDialog, FileDialog, ProcedureDialog, department_combo
from ui.errors import guarded
from ui.pages.base import Page
from ui.table import Column, RecordTableModel, RecordTableView

GRADE_COLOURS = {4: "#c62828", 3: "#b26a00"}
COLUMNS = [
    Column("编码", lambda p: p.code, width=96),
    Column("手术名称", lambda p: p.name, width=300, tooltip=lambda p: p.notes),
    Column("级别", lambda p: p.grade_label, width=52, sort=lambda p: p.grade, colour=lambda p: GRADE_COLOURS.get(p.grade)),
    Column("科室", lambda p: p.department or p.specialty or "", width=110),
    Column("属性", lambda p: p.flags, width=170),
    Column("备注", lambda p: p.notes or "", width=200),
]
DIFF_COLUMNS = [
    Column("调整", lambda d: d.kind, width=70),
    Column("编码", lambda d: d.code, width=96),
    Column("手术名称", lambda d: d.name, width=240),
    Column("调整前", lambda d: d.before, width=190),
    Column("调整后", lambda d: d.after, width=190),
    Column("原因", lambda d: d.reason or "（请写明原因）", width=260,
           colour=lambda d: None if d.reason else "#c62828"),
]


class SurgeryCataloguePage(Page):
    title = "手术分级目录"
    domains = frozenset({"surgery", "people"})

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        layout = self.page_layout(
            "手术分级管理目录",
            "本院开展的手术按一至四级分级（限制类技术按四级管理，不得纳入日间手术）。每个版本经医疗质量与安全管理委员会批准后冻结；"
            "三、四级目录报卫健部门备案。调整目录时以上一版本为基础新建版本，每处调整写明原因（动态调整）。")
        top = QHBoxLayout()
        self.version = QComboBox()
        self.version.setMinimumContentsLength(26)
        self.version_info = QLabel()
        self.version_info.setObjectName("pageDescription")
        self.version_info.setWordWrap(True)
        top.addWidget(QLabel("版本"))
        top.addWidget(self.version)
        top.addStretch(1)
        self.new_version_button = QPushButton("新建版本…")
        self.new_version_button.clicked.connect(self.new_version)
        self.edit_version_button = QPushButton("版本信息…")
        self.edit_version_button.clicked.connect(self.edit_version)
        self.approve_button = QPushButton("批准…")
        self.approve_button.clicked.connect(self.approve)
        self.file_button = QPushButton("登记备案…")
        self.file_button.clicked.connect(self.file)
        self.import_button = QPushButton("导入 Excel…")
        self.import_button.clicked.connect(lambda: self.import_file())
        self.print_button = QPushButton("打印/导出 ▾")
        menu = QMenu(self.print_button)
        menu.addAction("打印目录（院务公开）", lambda: self.print_pdf("catalogue"))
        menu.addAction("打印三、四级手术目录（备案）", lambda: self.print_pdf("filing"))
        menu.addAction("打印动态调整记录", lambda: self.print_pdf("adjustment"))
        menu.addSeparator()
        menu.addAction("导出目录 Excel…", lambda: self.export("catalogue"))
        menu.addAction("导出动态调整 Excel…", lambda: self.export("adjustment"))
        menu.addAction("下载导入模板…", self.save_template)
        self.print_button.setMenu(menu)
        for b in (self.new_version_button, self.edit_version_button, self.approve_button, self.file_button,
                  self.import_button, self.print_button):
            top.addWidget(b)
        layout.addLayout(top)
        layout.addWidget(self.version_info)

        filters = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("手术名称、编码或拼音首字母（Ctrl+F）")
        self.search.setClearButtonEnabled(True)
        self.grade = QComboBox()
        self.grade.addItem("全部级别", None)
        for g in (4, 3, 2, 1):
            self.grade.addItem(GRADE_LABELS[g], g)
        self.department = department_combo(ctx, None, blank="全部科室")
        self.restricted = QCheckBox("限制类技术")
        self.day_surgery = QCheckBox("日间手术")
        self.minimal = QCheckBox("微创/介入")
        self.count = QLabel()
        filters.addWidget(self.search, 1)
        for w in (self.grade, self.department, self.restricted, self.day_surgery, self.minimal, self.count):
            filters.addWidget(w)
        layout.addLayout(filters)

        self.tabs = QTabWidget()
        self.model = RecordTableModel(COLUMNS, self)
        self.table = RecordTableView(self.model)
        self.table.activated.connect(lambda _i: self.edit_procedure())
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 4, 0, 0)
        col.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton("新增手术（Ctrl+N）")
        self.add_button.clicked.connect(self.add_procedure)
        self.edit_button = QPushButton("修改…")
        self.edit_button.clicked.connect(self.edit_procedure)
        self.delete_button = QPushButton("删除")
        self.delete_button.clicked.connect(self.delete_procedure)
        for b in (self.add_button, self.edit_button, self.delete_button):
            row.addWidget(b)
        row.addStretch(1)
        col.addLayout(row)
        self.tabs.addTab(box, "目录")
        self.diff_model = RecordTableModel(DIFF_COLUMNS, self)
        self.diff_table = RecordTableView(self.diff_model)
        self.diff_table.activated.connect(lambda _i: self.edit_reason())
        diff_box = QWidget()
        col = QVBoxLayout(diff_box)
        col.setContentsMargins(0, 4, 0, 0)
        self.diff_note = QLabel()
        self.diff_note.setObjectName("pageDescription")
        col.addWidget(self.diff_note)
        col.addWidget(self.diff_table, 1)
        self.tabs.addTab(diff_box, "动态调整")
        layout.addWidget(self.tabs, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(120)  # typing pauses briefly before the list follows
        self._search_timer.timeout.connect(lambda: self.isVisible() and self.load_procedures())
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        for w in (self.grade, self.department):
            w.currentIndexChanged.connect(lambda _i: self.load_procedures())
        for w in (self.restricted, self.day_surgery, self.minimal):
            w.toggled.connect(lambda _c: self.load_procedures())
        self.version.currentIndexChanged.connect(lambda _i: self._version_changed())
        QShortcut(QKeySequence.StandardKey.Find, self, lambda: (self.search.setFocus(), self.search.selectAll()))
        QShortcut(QKeySequence.StandardKey.New, self, lambda: self.add_button.isVisible() and self.add_procedure())
        self.current: Catalogue | None = None
        self._select_version: int | None = None

    # ------------------------------------------------------------------ loading
    def refresh(self) -> None:
        versions = guarded(self, catalogues.list_catalogues, self.ctx.session) or []
        in_force = guarded(self, catalogues.catalogue_in_force, self.ctx.session)
        keep = self._select_version or (self.current.id if self.current else (in_force.id if in_force else None))
        self.version.blockSignals(True)
        self.version.clear()
        for c in versions:
            mark = "（现行）" if in_force and c.id == in_force.id else ""
            self.version.addItem(c.label + mark, c.id)
        index = self.version.findData(keep)
        self.version.setCurrentIndex(index if index >= 0 else 0)
        self.version.blockSignals(False)
        self._select_version = None
        self._version_changed()

    def _version_changed(self) -> None:
        cid = self.version.currentData()
        self.current = guarded(self, catalogues.get_catalogue, self.ctx.session, cid) if cid else None
        c = self.current
        editor = self.ctx.can(SURGERY_CATALOGUE)
        draft = c is not None and not c.frozen
        self.new_version_button.setVisible(editor)
        self.import_button.setVisible(editor)
        self.edit_version_button.setVisible(editor and draft)
        self.approve_button.setVisible(editor and draft)
        self.file_button.setVisible(editor and c is not None and c.frozen and not c.filed)
        for b in (self.add_button, self.edit_button, self.delete_button):
            b.setVisible(editor and draft)
        if c is None:
            self.version_info.setText("还没有手术分级目录：新建一个版本，或从 Excel 导入本院目录。")
        else:
            parts = [f"共 {c.procedures} 项（一级 {c.grade_counts[0]}、二级 {c.grade_counts[1]}、三级 {c.grade_counts[2]}、"
                     f"四级 {c.grade_counts[3]}）", f"生效 {c.effective_date or '未定'}"]
            if c.frozen:
                parts.append(f"{c.approved_by} {c.approved_on} 批准")
            parts.append(f"已于 {c.filed_on} 备案" if c.filed else "未备案")
            self.version_info.setText("；".join(parts))
        self.load_procedures()
        self.load_differences()

    def load_procedures(self) -> None:
        c = self.current
        if c is None:
            self.model.set_rows([])
            self.count.setText("")
            return
        check = lambda box: True if box.isChecked() else None  # noqa: E731 - unticked: no filter
        rows = guarded(self, catalogues.search_procedures, self.ctx.session, c.id, self.search.text(),
                       grade=self.grade.currentData(), department_id=self.department.currentData(),
                       restricted=check(self.restricted), day_surgery=check(self.day_surgery),
                       minimally_invasive=check(self.minimal)) or []
        self.model.set_rows(rows)
        self.count.setText(f"{len(rows)} 项")

    def load_differences(self) -> None:
        c = self.current
        diffs = guarded(self, catalogues.differences, self.ctx.session, c.id) if c and c.based_on_id else []
        self.diff_model.set_rows(diffs or [])
        missing = sum(1 for d in diffs or [] if not d.reason)
        if c is None or not c.based_on_id:
            self.diff_note.setText("这个版本不是由上一版本调整而来，没有动态调整记录。")
        else:
            self.diff_note.setText(f"与上一版本相比调整 {len(diffs)} 处" + (f"，{missing} 处尚未写明原因（双击填写）"
                                                                        if missing else "，原因均已写明") + "。")
        self.tabs.setTabText(1, f"动态调整（{len(diffs or [])}）")

    # ------------------------------------------------------------------ versions
    def new_version(self) -> None:
        dialog = CatalogueDialog(self.ctx, based_on=self.current, parent=self)
        self._last_dialog = dialog
        if dialog.exec() and dialog.saved:
            self._select_version = dialog.saved.id
            self.mark_dirty()

    def edit_version(self) -> None:
        self._version_dialog(CatalogueDialog, existing=self.current)

    def approve(self) -> None:
        self._version_dialog(ApproveDialog, cat=self.current)

    def file(self) -> None:
        self._version_dialog(FileDialog, cat=self.current)

    def _version_dialog(self, dialog_class, **kw) -> None:
        if self.current is None:
            return
        dialog = dialog_class(self.ctx, parent=self, **kw)
        self._last_dialog = dialog
        if dialog.exec():
            self._select_version = self.current.id
            self.mark_dirty()

    # ------------------------------------------------------------------ procedures
    def add_procedure(self) -> None:
        self._procedure_dialog(None)

    def edit_procedure(self) -> None:
        p = self.table.selected_record()
        if p is not None and self.edit_button.isVisible():
            self._procedure_dialog(p)

    def _procedure_dialog(self, existing) -> None:
        if self.current is None:
            return
        dialog = ProcedureDialog(self.ctx, self.current.id, existing, parent=self)
        self._last_dialog = dialog
        if dialog.exec() and dialog.saved:
            self._select_version = self.current.id
            self.mark_dirty()

    def delete_procedure(self) -> None:
        p = self.table.selected_record()
        if p is None:
            return
        if QMessageBox.question(self, "删除手术", f"从本版本中删除“{p.code} {p.name}”？与上一版本相比将记为“删除”，"
                                "请在动态调整中写明原因。") != QMessageBox.StandardButton.Yes:
            return
        if guarded(self, lambda: catalogues.delete_procedure(self.ctx.session, p.id) or True):
            self.ctx.notify("surgery")

    def edit_reason(self) -> None:
        d = self.diff_table.selected_record()
        if d is None or self.current is None or self.current.frozen or not self.ctx.can(SURGERY_CATALOGUE):
            return
        text, ok = QInputDialog.getText(self, "调整原因", f"{d.kind} {d.code} {d.name}：", text=d.reason or "")
        if ok and guarded(self, lambda: catalogues.set_change_reason(self.ctx.session, self.current.id, d.code, text)
                          or True):
            self._select_version = self.current.id
            self.ctx.notify("surgery")

    # ------------------------------------------------------------------ printing, export, import
    def _writer(self, what: str, kind: str):
        from desktop_app.surgery import reports

        cid = self.current.id if self.current else None
        snap = {"catalogue": lambda s: reports.catalogue_snapshot(s, cid),
                "filing": lambda s: reports.filing_snapshot(s, cid),
                "adjustment": lambda s: reports.adjustment_snapshot(s, cid)}[what]
        write = {("catalogue", "pdf"): reports.write_catalogue_pdf, ("filing", "pdf"): reports.write_catalogue_pdf,
                 ("adjustment", "pdf"): reports.write_adjustment_pdf, ("catalogue", "xlsx"): reports.write_catalogue_xlsx,
                 ("adjustment", "xlsx"): reports.write_adjustment_xlsx}[(what, kind)]
        return lambda session, path, progress: write(snap(session), path, progress)

    TITLES = {"catalogue": "手术分级管理目录", "filing": "三、四级手术目录（备案）", "adjustment": "手术分级目录动态调整记录"}

    def print_pdf(self, what: str) -> None:
        from ui.pdf_preview import preview_pdf

        if self.current is None:
            return
        if what == "adjustment" and not self.current.based_on_id:
            QMessageBox.information(self, "动态调整记录", "这个版本不是由上一版本调整而来，没有动态调整记录。")
            return
        preview_pdf(self, self.ctx, self.TITLES[what], f"{self.TITLES[what]}.pdf", self._writer(what, "pdf"))

    def export(self, what: str) -> None:
        from ui.pdf_preview import export_xlsx

        if self.current is not None:
            export_xlsx(self, self.ctx, self.TITLES[what], f"{self.TITLES[what]}.xlsx", self._writer(what, "xlsx"))

    def save_template(self) -> None:
        from desktop_app.surgery import excel_io
        from ui.pdf_preview import export_xlsx

        export_xlsx(self, self.ctx, "手术分级目录导入模板", "手术分级目录导入模板.xlsx",
                    lambda session, path, _p: excel_io.write_catalogue_template(session, path))

    def import_file(self, path: str | None = None, name: str | None = None) -> None:
        """Into the draft shown; from an approved version: into a new draft made from it (named first)."""
        from desktop_app.surgery import excel_io
        from ui.jobs import run_job

        c = self.current
        if c is not None and not c.frozen:
            target = {"into": c.id}
        else:
            if name is None:
                name, ok = QInputDialog.getText(self, "导入为新版本", "新版本的名称：",
                                                text=f"手术分级管理目录（{self.ctx.session.today().year + 1} 年版）")
                if not ok:
                    return
            target = {"name": name, "based_on": c.id if c else None}
        if not path:
            from ui.pdf_preview import choose_excel_file

            path = choose_excel_file(self, "选择手术分级目录（Excel）")
            if not path:
                return
        run_job(self, self.ctx, "正在读取并检查目录…",
                lambda session, _p: excel_io.preview_catalogue_import(session, path, **target), self._show_plan)

    def _show_plan(self, plan) -> None:
        from desktop_app.surgery import excel_io
        from ui.dialogs.import_preview import ImportPreviewDialog
        from ui.jobs import run_job

        columns = [Column("行", lambda r: r.row, width=50, align_right=True),
                   Column("处理", lambda r: r.action, width=70, colour=lambda r: "#c62828" if r.action == "有错误" else None),
                   Column("内容", lambda r: r.describe(), width=640)]
        dialog = ImportPreviewDialog("导入手术分级目录", plan.file_name, plan.summary(), plan.findings, columns, plan.rows,
                                     plan.can_apply, self)
        self._last_import_dialog = dialog
        if not dialog.exec():
            return

        def done(result) -> None:
            self._select_version = result.catalogue.id
            self.ctx.notify("surgery")
            QMessageBox.information(self, "导入完成", f"已导入到“{result.catalogue.name}”：新增 {result.created} 项，"
                                    f"更新 {result.updated} 项。请在“动态调整”中核对调整原因，再提交批准。")

        run_job(self, self.ctx, "正在导入…", lambda session, _p: excel_io.apply_catalogue_import(session, plan), done)

    def apply_preset(self, preset: str) -> None:
        if preset.isdigit():
            self._select_version = int(preset)
            self.mark_dirty()
