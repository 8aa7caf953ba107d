"""人员 and 科室 pages."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
)

from desktop_app.people import service as people
from desktop_app.people.manifest import DEPARTMENTS_EDIT, PEOPLE_EDIT, PEOPLE_EXPORT, PEOPLE_IMPORT
from desktop_app.people.models import STAFF_CATEGORIES
from desktop_app.training.manifest import TRAINING_VIEW
from ui.dialogs.import_preview import ImportPreviewDialog
from ui.dialogs.staff_edit import DepartmentDialog, StaffDialog, department_items
from ui.errors import attempt, guarded
from ui.jobs import run_job
from ui.pages.base import Page, button_row
from ui.pdf_preview import choose_excel_file, export_xlsx, preview_pdf
from ui.table import Column, RecordTableModel, RecordTableView

NOT_REGISTERED_COLOUR = "#b26a00"


def _reports():
    # reportlab and openpyxl take a third of a second to import: only when printing/exporting.
    from desktop_app.people import reports as people_reports

    return people_reports


def _excel():
    from desktop_app.people import excel_io

    return excel_io

LEFT_COLOUR = "#888888"

STAFF_COLUMNS = [
    Column("工号", lambda s: s.employee_no, width=80),
    Column("姓名", lambda s: s.name, width=90),
    Column("性别", lambda s: s.gender, width=50),
    Column("科室", lambda s: s.department_name, width=130),
    Column("类别", lambda s: s.category, width=60),
    Column("职称", lambda s: s.title, width=100),
    Column("执业状态", lambda s: s.practice_status, width=90,
           colour=lambda s: None if s.registered_here else NOT_REGISTERED_COLOUR,
           tooltip=lambda s: None if s.registered_here else "非本机构执业：不得单独值班"),
    Column("执业证书编号", lambda s: s.licence_no, width=140),
    Column("入职日期", lambda s: s.hire_date, width=95),
    Column("在岗", lambda s: "在岗" if s.on_duty else f"离岗 {s.leave_date or ''}".strip(), width=80,
           colour=lambda s: None if s.on_duty else LEFT_COLOUR),
    Column("联系电话", lambda s: s.phone, width=110),
]


class StaffPage(Page):
    title = "人员"
    domains = frozenset({"people"})

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        layout = self.page_layout("人员名册", "按姓名、工号或拼音首字母（如 zs 查找“张三”）搜索；双击一行可编辑。")
        filters = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索：姓名 / 工号 / 拼音首字母（Ctrl+F）")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(240)
        self.department = QComboBox()
        self.category = QComboBox()
        self.category.addItem("全部类别", None)
        for c in STAFF_CATEGORIES:
            self.category.addItem(c, c)
        self.practice = QComboBox()
        for label, value in (("全部执业状态", None), ("本机构执业", True), ("非本机构执业", False)):
            self.practice.addItem(label, value)
        self.include_left = QCheckBox("含离岗人员")
        for w in (self.search, self.department, self.category, self.practice, self.include_left):
            filters.addWidget(w)
        filters.addStretch(1)
        self.count = QLabel()
        filters.addWidget(self.count)
        layout.addLayout(filters)

        self.model = RecordTableModel(STAFF_COLUMNS, self)
        self.table = RecordTableView(self.model)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        layout.addWidget(self.table, 1)

        self.add_button = QPushButton("新增人员")
        self.edit_button = QPushButton("编辑")
        self.delete_button = QPushButton("删除")
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.import_button = QPushButton("从 Excel 导入…")
        self.template_button = QPushButton("下载导入模板…")
        self.export_button = QPushButton("导出 Excel")
        self.print_button = QPushButton("打印名册…")
        export_menu = QMenu(self.export_button)
        export_menu.addAction("可编辑名册（与导入模板同格式，改后可再导入）…", self.export_excel)
        export_menu.addAction("打印版名册（含标题、筛选条件，表头每页重复）…", self.export_print_xlsx)
        self.export_button.setMenu(export_menu)
        self.import_button.clicked.connect(self.import_file)
        self.template_button.clicked.connect(self.save_template)
        self.print_button.clicked.connect(self.print_list)
        self.actions_row = button_row(self.add_button, self.edit_button, self.delete_button)
        self.actions_row.addWidget(self.import_button)
        self.actions_row.addWidget(self.template_button)
        self.actions_row.addWidget(self.export_button)
        self.actions_row.addWidget(self.print_button)
        self.transcript_button = QPushButton("培训档案…")
        self.transcript_button.clicked.connect(self.show_transcript)
        self.actions_row.addWidget(self.transcript_button)
        layout.addLayout(self.actions_row)

        self.search.textChanged.connect(lambda _t: self.reload_rows())
        for box in (self.department, self.category, self.practice):
            box.currentIndexChanged.connect(lambda _i: self.reload_rows())
        self.include_left.toggled.connect(lambda _c: self.reload_rows())
        self._apply_permissions()
        self.ctx.session_replaced.connect(self._apply_permissions)
        # Keyboard: Ctrl+F search, Ctrl+N new, Enter edit, Del delete.
        QShortcut(QKeySequence.StandardKey.Find, self, self._focus_search)
        QShortcut(QKeySequence.StandardKey.New, self, lambda: self.add_button.isVisible() and self.add())
        for key, slot in ((QKeySequence(Qt.Key.Key_Return), self.edit_selected),
                          (QKeySequence.StandardKey.Delete,
                           lambda: self.delete_button.isVisible() and self.delete_selected())):
            shortcut = QShortcut(key, self.table, slot)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)  # only while the list has focus
        self.search.returnPressed.connect(self._to_table)

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _to_table(self) -> None:
        self.table.setFocus()
        if not self.table.selectionModel().hasSelection():
            self.table.select_first()

    def _apply_permissions(self) -> None:
        can_edit = self.ctx.can(PEOPLE_EDIT)
        for b in (self.add_button, self.edit_button, self.delete_button):
            b.setVisible(can_edit)
        self.import_button.setVisible(self.ctx.can(PEOPLE_IMPORT))
        for b in (self.template_button, self.export_button, self.print_button):
            b.setVisible(self.ctx.can(PEOPLE_EXPORT))
        self.transcript_button.setVisible(self.ctx.can(TRAINING_VIEW))

    def show_transcript(self) -> None:
        """个人培训档案 of the selected person (sessions, exams, printable)."""
        from ui.dialogs.transcript import TranscriptDialog

        staff = self.table.selected_record()
        if staff is None:
            return
        dialog = TranscriptDialog(self.ctx, staff.id, parent=self)
        self._last_dialog = dialog
        dialog.exec()

    def refresh(self) -> None:
        self._fill_departments()
        self.reload_rows()

    def _fill_departments(self) -> None:
        current = self.department.currentData()
        self.department.blockSignals(True)
        self.department.clear()
        self.department.addItem("全部科室", None)
        for label, dept_id in department_items(people.list_departments(self.ctx.session), active_only=False):
            self.department.addItem(label, dept_id)
        idx = self.department.findData(current)
        self.department.setCurrentIndex(max(idx, 0))
        self.department.blockSignals(False)

    def current_filter(self) -> people.StaffFilter:
        return people.StaffFilter(
            query=self.search.text(),
            department_id=self.department.currentData(),
            category=self.category.currentData(),
            registered_here=self.practice.currentData(),
            on_duty=None if self.include_left.isChecked() else True,
        )

    def reload_rows(self) -> None:
        rows = guarded(self, people.list_staff, self.ctx.session, self.current_filter())
        if rows is None:
            return
        self.model.set_rows(rows)
        self.count.setText(f"共 {len(rows)} 人")

    # -- Excel
    def save_template(self) -> None:
        export_xlsx(self, self.ctx, "人员导入模板", "人员导入模板.xlsx",
                    lambda session, path, _progress: _excel().write_staff_template(session, path))

    def export_excel(self) -> None:
        flt = self.current_filter()
        export_xlsx(self, self.ctx, "人员名册", f"人员名册-{self.ctx.session.today():%Y%m%d}.xlsx",
                    lambda session, path, _progress: _excel().export_staff_xlsx(session, path, flt))

    def export_print_xlsx(self) -> None:
        flt = self.current_filter()
        export_xlsx(self, self.ctx, "人员名册（打印版）", f"人员名册-打印版-{self.ctx.session.today():%Y%m%d}.xlsx",
                    lambda session, path, progress: _reports().write_staff_list_xlsx(
                        _reports().staff_list_snapshot(session, flt), path, progress=progress))

    def print_list(self) -> None:
        flt = self.current_filter()
        preview_pdf(self, self.ctx, "人员名册", f"人员名册-{self.ctx.session.today():%Y%m%d}.pdf",
                    lambda session, path, progress: _reports().write_staff_list_pdf(
                        _reports().staff_list_snapshot(session, flt), path, progress=progress))

    def import_file(self, path: str | None = None) -> None:
        if not path:
            path = choose_excel_file(self, "选择要导入的 Excel 文件")
            if not path:
                return
        run_job(self, self.ctx, "正在读取并检查 Excel 文件…",
                lambda session, _p: _excel().preview_staff_import(session, path), self._show_import_plan)

    def _show_import_plan(self, plan) -> None:
        columns = [
            Column("行", lambda r: r.row, sort=lambda r: r.row, width=50, align_right=True),
            Column("处理", lambda r: r.action, width=70,
                   colour=lambda r: "#c62828" if r.action == _excel().INVALID else None),
            Column("工号", lambda r: r.employee_no, width=80),
            Column("姓名", lambda r: r.name, width=90),
            Column("内容", lambda r: r.describe(), width=560),
        ]
        dialog = ImportPreviewDialog("导入人员", plan.file_name, plan.summary(), plan.findings, columns,
                                     plan.rows, plan.can_apply, self)
        self._last_import_dialog = dialog
        if not dialog.exec():
            return

        def done(result) -> None:
            self.ctx.notify("people")
            QMessageBox.information(self, "导入完成",
                                    f"已导入：新增 {result.created} 人，更新 {result.updated} 人，"
                                    f"无变化 {result.unchanged} 人。每条变更均已记入审计日志。")

        run_job(self, self.ctx, "正在导入…", lambda session, _p: _excel().apply_staff_import(session, plan), done)

    def add(self) -> None:
        dialog = StaffDialog(self.ctx, parent=self)
        if self.department.currentData() is not None:
            idx = dialog.department.findData(self.department.currentData())
            if idx >= 0:
                dialog.department.setCurrentIndex(idx)
        dialog.exec()

    def edit_selected(self) -> None:
        staff = self.table.selected_record()
        if staff is None:
            return
        StaffDialog(self.ctx, staff, parent=self).exec()

    def delete_selected(self) -> None:
        staff = self.table.selected_record()
        if staff is None:
            return
        answer = QMessageBox.question(
            self, "删除人员",
            f"确定删除“{staff.label()}”吗？\n删除仅用于录入错误的记录；已离开本院的人员请改为“离岗”。",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        if attempt(self, people.delete_staff, self.ctx.session, staff.id):
            self.ctx.notify("people")


DEPARTMENT_COLUMNS = [
    Column("科室名称", lambda d: d.name, width=180),
    Column("类型", lambda d: d.kind, width=80),
    Column("上级科室", lambda d: d.parent_name, width=150),
    Column("科室编码", lambda d: d.code, width=90),
    Column("在岗人数", lambda d: d.staff_count, sort=lambda d: d.staff_count, width=80, align_right=True),
    Column("电话", lambda d: d.phone, width=100),
    Column("状态", lambda d: "启用" if d.active else "停用", width=60,
           colour=lambda d: None if d.active else LEFT_COLOUR),
]


class DepartmentsPage(Page):
    title = "科室"
    domains = frozenset({"people"})

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        layout = self.page_layout("科室", "临床科室、医技科室、护理单元（病区）和职能科室；病区挂在所属临床科室之下。")
        top = QHBoxLayout()
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("筛选科室名称")
        self.filter.setClearButtonEnabled(True)
        top.addWidget(self.filter)
        top.addStretch(1)
        self.count = QLabel()
        top.addWidget(self.count)
        layout.addLayout(top)
        self.model = RecordTableModel(DEPARTMENT_COLUMNS, self)
        self.table = RecordTableView(self.model)
        self.filter.textChanged.connect(lambda text: self.model.set_text_filter(text, 0))
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        layout.addWidget(self.table, 1)
        self.add_button = QPushButton("新增科室")
        self.edit_button = QPushButton("编辑")
        self.delete_button = QPushButton("删除")
        self.add_button.clicked.connect(lambda: DepartmentDialog(self.ctx, parent=self).exec())
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.print_button = QPushButton("打印科室名册…")
        self.export_button = QPushButton("导出 Excel…")
        self.print_button.clicked.connect(self.print_list)
        self.export_button.clicked.connect(self.export_excel)
        self.actions_row = button_row(self.add_button, self.edit_button, self.delete_button)
        self.actions_row.addWidget(self.export_button)
        self.actions_row.addWidget(self.print_button)
        layout.addLayout(self.actions_row)
        self._apply_permissions()
        self.ctx.session_replaced.connect(self._apply_permissions)

    def _apply_permissions(self) -> None:
        can_edit = self.ctx.can(DEPARTMENTS_EDIT)
        for b in (self.add_button, self.edit_button, self.delete_button):
            b.setVisible(can_edit)
        for b in (self.print_button, self.export_button):
            b.setVisible(self.ctx.can(PEOPLE_EXPORT))

    def print_list(self) -> None:
        preview_pdf(self, self.ctx, "科室名册", f"科室名册-{self.ctx.session.today():%Y%m%d}.pdf",
                    lambda session, path, progress: _reports().write_department_list_pdf(
                        _reports().department_list_snapshot(session), path, progress=progress))

    def export_excel(self) -> None:
        export_xlsx(self, self.ctx, "科室名册", f"科室名册-{self.ctx.session.today():%Y%m%d}.xlsx",
                    lambda session, path, progress: _reports().write_department_list_xlsx(
                        _reports().department_list_snapshot(session), path, progress=progress))

    def refresh(self) -> None:
        rows = guarded(self, people.list_departments, self.ctx.session)
        if rows is None:
            return
        self.model.set_rows(rows)
        self.count.setText(f"共 {len(rows)} 个科室")

    def edit_selected(self) -> None:
        dept = self.table.selected_record()
        if dept is not None and self.ctx.can(DEPARTMENTS_EDIT):
            DepartmentDialog(self.ctx, dept, parent=self).exec()

    def delete_selected(self) -> None:
        dept = self.table.selected_record()
        if dept is None:
            return
        if QMessageBox.question(self, "删除科室", f"确定删除科室“{dept.name}”吗？") != QMessageBox.StandardButton.Yes:
            return
        if attempt(self, people.delete_department, self.ctx.session, dept.id):
            self.ctx.notify("people")
