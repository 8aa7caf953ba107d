"""问题台账 page: the filtered list, the selected problem's detail and timeline, its next step."""
from __future__ import annotations

import datetime as dt
import html
import tempfile
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop_app.ledger import checklists, inspections
from desktop_app.ledger import service as ledger
from desktop_app.ledger.manifest import LEDGER_EXPORT, LEDGER_MANAGE, LEDGER_RECTIFY, LEDGER_REGISTER, LEDGER_VERIFY
from desktop_app.ledger.models import (
    AWAITING_RECHECK,
    CLOSED,
    IN_PROGRESS,
    PENDING,
    SEVERITIES,
    SOURCES,
    STATUSES,
    LedgerFilter,
)
from desktop_app.people import service as people
from ui.dialogs.import_preview import ImportPreviewDialog
from ui.dialogs.ledger_item import (
    LedgerItemDialog,
    RecheckDialog,
    RectificationDialog,
    ReopenDialog,
    SubmitRecheckDialog,
)
from ui.dialogs.staff_edit import department_items
from ui.errors import attempt, guarded
from ui.jobs import run_job
from ui.pages.base import Page
from ui.pdf_preview import choose_excel_file, export_xlsx, preview_pdf
from ui.table import Column, RecordTableModel, RecordTableView


def _reports():
    # reportlab and openpyxl load only when printing or exporting (start-up stays fast)
    from desktop_app.ledger import reports

    return reports


def _excel():
    from desktop_app.ledger import excel_io

    return excel_io


OVERDUE_COLOUR = "#c62828"
DUE_SOON_COLOUR = "#b26a00"
CLOSED_COLOUR = "#7a7a7a"


def row_colour(row) -> str | None:
    if row.due == "逾期":
        return OVERDUE_COLOUR
    if row.due == "即将到期":
        return DUE_SOON_COLOUR
    if row.status == CLOSED:
        return CLOSED_COLOUR
    return None


COLUMNS = [  # the columns a quality officer scans first come first
    Column("编号", lambda r: r.number, width=78),
    Column("责任科室", lambda r: r.department_name, width=104),
    Column("问题描述", lambda r: r.description, width=230, tooltip=lambda r: r.description),
    Column("状态", lambda r: r.status, width=92),
    Column("整改时限", lambda r: r.deadline, width=86),
    Column("提醒", lambda r: r.due, width=74),
    Column("问题类别", lambda r: r.category, width=130),
    Column("来源", lambda r: r.source, width=80),
    Column("发现日期", lambda r: r.found_on, width=86),
    Column("严重程度", lambda r: r.severity, width=62),
    Column("责任人", lambda r: r.responsible_person, width=66),
]

_NO_DATE = QDate(2000, 1, 1)


def _optional_date_edit() -> QDateEdit:
    """A date filter that can say 不限 (its minimum date means no limit)."""
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(_NO_DATE)
    edit.setSpecialValueText("不限")
    edit.setDate(_NO_DATE)
    return edit


def _qdate(edit: QDateEdit) -> dt.date | None:
    d = edit.date()
    return None if d == _NO_DATE else dt.date(d.year(), d.month(), d.day())


def _set(edit: QDateEdit, value: dt.date | None) -> None:
    edit.setDate(QDate(value.year, value.month, value.day) if value else _NO_DATE)


class LedgerPage(Page):
    title = "问题台账"
    domains = frozenset({"ledger", "people"})

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        layout = self.page_layout(
            "问题台账",
            "书面交办、立账督办、对账销号：每个问题从登记到销号的全过程。红色为逾期，橙色为 7 天内到期，灰色为已销号。")
        self._build_filters(layout)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.model = RecordTableModel(COLUMNS, self, row_colour=row_colour)
        self.table = RecordTableView(self.model, multi_select=True)
        split.addWidget(self.table)
        split.addWidget(self._build_detail())
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([820, 460])
        layout.addWidget(split, 1)
        self._build_actions(layout)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.show_detail())
        self.table.doubleClicked.connect(lambda _i: self.next_step())
        self.current_id: int | None = None
        self._filters_ready = False
        QShortcut(QKeySequence.StandardKey.Find, self, lambda: (self.text.setFocus(), self.text.selectAll()))
        QShortcut(QKeySequence.StandardKey.New, self, lambda: self.new_button.isVisible() and self.register())
        enter = QShortcut(QKeySequence(Qt.Key.Key_Return), self.table, self.next_step)
        enter.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.ctx.session_replaced.connect(self._filters_dirty)

    # ------------------------------------------------------------------ building
    def _build_filters(self, layout) -> None:
        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        self.date_from = _optional_date_edit()
        self.date_to = _optional_date_edit()
        self.inspection = QComboBox()
        self.inspection.setMinimumContentsLength(14)
        self.category = QComboBox()
        self.category.setMinimumContentsLength(12)
        self.department = QComboBox()
        self.status = QComboBox()
        for label in ("全部状态", "未销号", *STATUSES):
            self.status.addItem(label, None if label == "全部状态" else label)
        self.source = QComboBox()
        self.source.addItem("全部来源", None)
        for s in SOURCES:
            self.source.addItem(s, s)
        self.severity = QComboBox()
        self.severity.addItem("全部程度", None)
        for s in SEVERITIES:
            self.severity.addItem(s, s)
        self.overdue = QCheckBox("仅逾期")
        self.due_soon = QCheckBox("仅即将到期")
        self.text = QLineEdit()
        self.text.setPlaceholderText("编号、描述、检查要点或责任人（Ctrl+F）")
        self.text.setClearButtonEnabled(True)
        clear = QPushButton("清除筛选")
        clear.clicked.connect(self.clear_filters)
        self.count = QLabel()
        row1 = [("发现日期", self.date_from), ("至", self.date_to), ("检查", self.inspection), ("类别", self.category),
                ("科室", self.department)]
        col = 0
        for label, w in row1:
            grid.addWidget(QLabel(label), 0, col)
            grid.addWidget(w, 0, col + 1)
            col += 2
        row2 = QHBoxLayout()
        for w in (self.status, self.source, self.severity, self.overdue, self.due_soon):
            row2.addWidget(w)
        row2.addWidget(self.text, 1)
        row2.addWidget(clear)
        row2.addWidget(self.count)
        layout.addLayout(grid)
        layout.addLayout(row2)
        for w in (self.date_from, self.date_to):
            w.dateChanged.connect(lambda _d: self.reload_rows())
        for w in (self.inspection, self.category, self.department, self.status, self.source, self.severity):
            w.currentIndexChanged.connect(lambda _i: self.reload_rows())
        for w in (self.overdue, self.due_soon):
            w.toggled.connect(lambda _c: self.reload_rows())
        self.text.textChanged.connect(lambda _t: self.reload_rows())
        self.text.returnPressed.connect(lambda: (self.table.setFocus(), self.table.select_first()))

    def _build_detail(self) -> QWidget:
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(6, 0, 0, 0)
        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        col.addWidget(self.detail, 3)
        attach_title = QLabel("佐证材料（双击打开）")
        attach_title.setObjectName("sectionTitle")
        col.addWidget(attach_title)
        self.attachments = QListWidget()
        self.attachments.setMaximumHeight(72)
        self.attachments.itemActivated.connect(self.open_attachment)
        col.addWidget(self.attachments)
        self.step_buttons = QHBoxLayout()
        self.rectify_button = QPushButton("填写整改…")
        self.submit_button = QPushButton("提交复查…")
        self.recheck_button = QPushButton("复查…")
        self.reopen_button = QPushButton("重新打开…")
        self.edit_button = QPushButton("修改登记…")
        self.delete_button = QPushButton("删除")
        self.rectify_button.clicked.connect(lambda: self._open_step(RectificationDialog))
        self.submit_button.clicked.connect(lambda: self._open_step(SubmitRecheckDialog))
        self.recheck_button.clicked.connect(lambda: self._open_step(RecheckDialog))
        self.reopen_button.clicked.connect(lambda: self._open_step(ReopenDialog))
        self.edit_button.clicked.connect(self.edit_registration)
        self.delete_button.clicked.connect(self.delete_current)
        for b in (self.rectify_button, self.submit_button, self.recheck_button, self.reopen_button,
                  self.edit_button, self.delete_button):
            self.step_buttons.addWidget(b)
        self.step_buttons.addStretch(1)
        col.addLayout(self.step_buttons)
        return box

    def _build_actions(self, layout) -> None:
        row = QHBoxLayout()
        self.new_button = QPushButton("登记问题…")
        self.new_button.clicked.connect(self.register)
        self.notice_button = QPushButton("打印整改通知书…")
        self.notice_button.setToolTip("为选中的问题（可按 Ctrl 或 Shift 多选）按科室生成书面整改通知书，含签收栏")
        self.notice_button.clicked.connect(self.print_notices)
        self.print_button = QPushButton("打印台账…")
        self.print_button.clicked.connect(self.print_ledger)
        self.export_button = QPushButton("导出 Excel…")
        self.export_button.clicked.connect(self.export_ledger)
        self.import_button = QPushButton("从 Excel 导入…")
        self.import_button.clicked.connect(self.import_file)
        self.template_button = QPushButton("下载导入模板…")
        self.template_button.clicked.connect(self.save_template)
        for b in (self.new_button, self.notice_button, self.print_button, self.export_button, self.import_button,
                  self.template_button):
            row.addWidget(b)
        row.addStretch(1)
        layout.addLayout(row)

    # ------------------------------------------------------------------ filters
    def _filters_dirty(self) -> None:
        self._filters_ready = False

    def _fill_filter_lists(self) -> None:
        session = self.ctx.session
        for box in (self.inspection, self.category, self.department):
            box.blockSignals(True)
        keep = (self.inspection.currentData(), self.category.currentData(), self.department.currentData())
        self.inspection.clear()
        self.inspection.addItem("全部检查", None)
        for i in inspections.list_inspections(session, limit=200):
            self.inspection.addItem(f"{i.inspected_on} {i.title}", i.id)
        self.category.clear()
        self.category.addItem("全部类别", None)
        for name in checklists.category_names(session):
            self.category.addItem(name, name)
        self.department.clear()
        self.department.addItem("全部科室", None)
        visible = ledger.reachable_departments(session)
        for label, dept_id in department_items(people.list_departments(session), active_only=False):
            if visible is None or dept_id in visible:
                self.department.addItem(label, dept_id)
        for box, value in zip((self.inspection, self.category, self.department), keep):
            box.setCurrentIndex(max(0, box.findData(value)))
            box.blockSignals(False)
        self._filters_ready = True

    def current_filter(self) -> LedgerFilter:
        return LedgerFilter(
            date_from=_qdate(self.date_from), date_to=_qdate(self.date_to),
            inspection_id=self.inspection.currentData(), category=self.category.currentData(),
            department_id=self.department.currentData(), status=self.status.currentData(),
            source=self.source.currentData(), severity=self.severity.currentData(),
            overdue=self.overdue.isChecked(), due_soon=self.due_soon.isChecked(), text=self.text.text().strip(),
        )

    def set_filter(self, flt: LedgerFilter) -> None:
        """Show the ledger with exactly this filter (used by presets and by other pages)."""
        if not self._filters_ready:
            self._fill_filter_lists()
        widgets = (self.date_from, self.date_to, self.inspection, self.category, self.department, self.status,
                   self.source, self.severity, self.overdue, self.due_soon, self.text)
        for w in widgets:
            w.blockSignals(True)
        _set(self.date_from, flt.date_from)
        _set(self.date_to, flt.date_to)
        for box, value in ((self.inspection, flt.inspection_id), (self.category, flt.category),
                           (self.department, flt.department_id), (self.status, flt.status),
                           (self.source, flt.source), (self.severity, flt.severity)):
            box.setCurrentIndex(max(0, box.findData(value)))
        self.overdue.setChecked(flt.overdue)
        self.due_soon.setChecked(flt.due_soon)
        self.text.setText(flt.text)
        for w in widgets:
            w.blockSignals(False)
        self.reload_rows()

    def clear_filters(self) -> None:
        self.set_filter(LedgerFilter())

    def apply_preset(self, preset: str) -> None:
        """Presets from the 工作台 and other pages: overdue, due_soon, recheck, open, inspection=ID."""
        if preset.startswith("inspection="):
            self.set_filter(LedgerFilter(inspection_id=int(preset.split("=", 1)[1])))
            return
        self.set_filter({
            "overdue": LedgerFilter(overdue=True),
            "due_soon": LedgerFilter(due_soon=True),
            "recheck": LedgerFilter(status=AWAITING_RECHECK),
            "open": LedgerFilter(status="未销号"),
        }.get(preset, LedgerFilter()))

    # ------------------------------------------------------------------ data
    def refresh(self) -> None:
        if not self._filters_ready:
            guarded(self, self._fill_filter_lists)
        self._apply_permissions()
        self.reload_rows()

    def reload_rows(self) -> None:
        """The first page of the filtered ledger; the rest loads as the list is scrolled."""
        session, flt = self.ctx.session, self.current_filter()
        page = RecordTableModel.PAGE
        rows = guarded(self, ledger.list_items, session, flt, limit=page)
        if rows is None:
            return
        total = len(rows) if len(rows) < page else ledger.count_items(session, flt)
        overdue = ledger.count_items(session, replace(flt, overdue=True))
        keep = self.current_id
        self.model.set_rows(rows, total=total,
                            fetch=lambda offset, limit: ledger.list_items(session, flt, limit=limit, offset=offset))
        self.count.setText(f"共 {total} 项" + (f"，逾期 {overdue} 项" if overdue else ""))
        if keep is not None and not self.table.select_where(lambda r: r.id == keep):
            # Not on the first page, or it just left the filtered list (e.g. it was closed).
            self._show_item(keep, note="" if not self.model.complete else "（该问题已不在当前筛选结果中）")
        elif keep is None:
            self.show_detail()

    def _apply_permissions(self) -> None:
        self.new_button.setVisible(self.ctx.can(LEDGER_REGISTER))
        for b in (self.notice_button, self.print_button, self.export_button, self.template_button):
            b.setVisible(self.ctx.can(LEDGER_EXPORT))
        self.import_button.setVisible(self.ctx.can(LEDGER_MANAGE))

    # ------------------------------------------------------------------ detail
    def show_detail(self) -> None:
        row = self.table.selected_record()
        self._show_item(row.id if row else None)

    def _show_item(self, item_id: int | None, note: str = "") -> None:
        self.current_id = item_id
        for b in (self.rectify_button, self.submit_button, self.recheck_button, self.reopen_button,
                  self.edit_button, self.delete_button):
            b.setVisible(False)
        self.attachments.clear()
        if item_id is None:
            self.detail.setHtml("<p style='color:#777'>选择左侧的一个问题查看详情与整改过程。</p>")
            return
        session = self.ctx.session
        item = guarded(self, ledger.get_item, session, item_id)
        if item is None:
            self.current_id = None
            return
        events = ledger.timeline(session, item.id)
        self.detail.setHtml((f"<p style='color:#777'>{note}</p>" if note else "") + detail_html(item, events))
        for a in ledger.list_attachments(session, item.id):
            entry = QListWidgetItem(f"{a.file_name}（{a.kind}，{a.size / 1024:.0f} KB，{a.added_by} {a.added_at[:10]}）")
            entry.setData(Qt.ItemDataRole.UserRole, a.id)
            self.attachments.addItem(entry)
        can = self.ctx.can
        self.rectify_button.setVisible(can(LEDGER_RECTIFY) and item.status in (PENDING, IN_PROGRESS))
        self.rectify_button.setText("开始整改…" if item.status == PENDING else "修改整改内容…")
        self.submit_button.setVisible(can(LEDGER_RECTIFY) and item.status == IN_PROGRESS)
        self.recheck_button.setVisible(can(LEDGER_VERIFY) and item.status == AWAITING_RECHECK)
        self.reopen_button.setVisible(can(LEDGER_VERIFY) and item.status == CLOSED)
        self.edit_button.setVisible(can(LEDGER_MANAGE) and item.status != CLOSED)
        self.delete_button.setVisible(can(LEDGER_MANAGE) and item.status == PENDING)

    def current_item(self):
        return None if self.current_id is None else guarded(self, ledger.get_item, self.ctx.session, self.current_id)

    # ------------------------------------------------------------------ actions
    def next_step(self) -> None:
        """Enter/double-click: the step this problem is waiting for, if the user may take it."""
        for button in (self.rectify_button, self.submit_button, self.recheck_button, self.reopen_button):
            if button.isVisible():
                button.click()
                return

    def _open_step(self, dialog_class) -> None:
        item = self.current_item()
        if item is not None:
            dialog_class(self.ctx, item, parent=self).exec()

    def register(self) -> None:
        dialog = LedgerItemDialog(self.ctx, parent=self)
        if dialog.exec() and dialog.saved:
            self.current_id = dialog.saved.id
            self.reload_rows()

    def edit_registration(self) -> None:
        item = self.current_item()
        if item is not None:
            LedgerItemDialog(self.ctx, item, parent=self).exec()

    def delete_current(self) -> None:
        item = self.current_item()
        if item is None:
            return
        if QMessageBox.question(self, "删除问题", f"确定删除问题 {item.number} 吗？\n删除仅用于登记错误的问题，会记入审计日志。") \
                != QMessageBox.StandardButton.Yes:
            return
        if attempt(self, ledger.delete_item, self.ctx.session, item.id):
            self.current_id = None
            self.ctx.notify("ledger")

    # ------------------------------------------------------------------ printing, export, import
    LARGE_PRINT = 3000  # rows; a PDF beyond this is thousands of pages

    def print_ledger(self) -> None:
        flt = self.current_filter()
        count = self.model.rowCount()
        if count > self.LARGE_PRINT and QMessageBox.question(
                self, "打印台账",
                f"当前筛选结果有 {count} 项，打印版约 {count // 4} 页以上，生成需要一两分钟。\n"
                "建议先按发现日期、科室或状态筛选后再打印；如需全部数据，可用“导出 Excel”。\n\n仍然生成全部吗？"
        ) != QMessageBox.StandardButton.Yes:
            return
        preview_pdf(self, self.ctx, "问题台账", f"问题台账-{self.ctx.session.today():%Y%m%d}.pdf",
                    lambda session, path, progress: _reports().write_ledger_pdf(
                        _reports().ledger_snapshot(session, flt), path, progress))

    def export_ledger(self) -> None:
        flt = self.current_filter()
        export_xlsx(self, self.ctx, "问题台账", f"问题台账-{self.ctx.session.today():%Y%m%d}.xlsx",
                    lambda session, path, progress: _reports().write_ledger_xlsx(
                        _reports().ledger_snapshot(session, flt), path, progress))

    def print_notices(self) -> None:
        chosen = [r.id for r in self.table.selected_records() if r.status != CLOSED]
        if not chosen:
            QMessageBox.information(self, "打印整改通知书",
                                    "请先在列表中选中要书面交办的问题（可按 Ctrl 或 Shift 多选；已销号的问题不列入）。")
            return
        preview_pdf(self, self.ctx, "整改通知书", f"整改通知书-{self.ctx.session.today():%Y%m%d}.pdf",
                    lambda session, path, progress: _reports().write_notice_pdf(
                        _reports().notice_snapshot(session, chosen), path, progress))

    def save_template(self) -> None:
        export_xlsx(self, self.ctx, "问题台账导入模板", "问题台账导入模板.xlsx",
                    lambda session, path, _progress: _excel().export_ledger_template(session, path))

    def import_file(self, path: str | None = None) -> None:
        if not path:
            path = choose_excel_file(self, "选择原有的问题台账（Excel）")
            if not path:
                return
        run_job(self, self.ctx, "正在读取并检查 Excel 文件…",
                lambda session, _p: _excel().preview_ledger_import(session, path), self._show_import_plan)

    def _show_import_plan(self, plan) -> None:
        columns = [
            Column("行", lambda r: r.row, width=50, align_right=True),
            Column("处理", lambda r: r.action, width=70,
                   colour=lambda r: "#c62828" if r.action == _excel().INVALID else None),
            Column("内容", lambda r: r.describe(), width=640),
        ]
        dialog = ImportPreviewDialog("导入问题台账", plan.file_name, plan.summary(), plan.findings, columns,
                                     plan.rows, plan.can_apply, self)
        self._last_import_dialog = dialog
        if not dialog.exec():
            return

        def done(result) -> None:
            self.ctx.notify("ledger")
            QMessageBox.information(self, "导入完成",
                                    f"已导入问题 {result.created} 项，跳过重复 {result.duplicates} 项。"
                                    "每个问题都记有来源文件和行号，并记入审计日志。")

        run_job(self, self.ctx, "正在导入…", lambda session, _p: _excel().apply_ledger_import(session, plan), done)

    def open_attachment(self, entry: QListWidgetItem) -> None:
        result = guarded(self, ledger.attachment_content, self.ctx.session, entry.data(Qt.ItemDataRole.UserRole))
        if result is None:
            return
        name, content = result
        target = Path(tempfile.mkdtemp(prefix="qledger-attachment-")) / name
        target.write_bytes(content)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))


def detail_html(item, events) -> str:
    """The selected problem as the detail pane shows it (fields, then the timeline)."""
    e = lambda v: html.escape(str(v)) if v not in (None, "") else "<span style='color:#999'>—</span>"  # noqa: E731
    due = {"逾期": f"<span style='color:{OVERDUE_COLOUR}'>（逾期）</span>",
           "即将到期": f"<span style='color:{DUE_SOON_COLOUR}'>（即将到期）</span>"}.get(item.due, "")
    rows = [
        ("状态", f"<b>{e(item.status)}</b>"), ("来源", e(item.source)),
        ("所属检查", e(item.inspection_label)), ("问题类别", e(item.category)), ("检查要点", e(item.check_point)),
        ("问题描述", e(item.description)), ("责任科室", e(item.department_name)),
        ("严重程度", e(item.severity) + (f"　扣分 {item.deduction:g}" if item.deduction else "")),
        ("发现日期", e(item.found_on)), ("整改时限", e(item.deadline) + due),
        ("原因分析", e(item.cause_analysis)), ("整改措施", e(item.measures)), ("责任人", e(item.responsible_person)),
        ("整改情况", e(item.progress)), ("完成整改", e(item.rectified_on)),
        ("复查", f"{e(item.rechecker)}　{e(item.recheck_on)}"), ("复查意见", e(item.recheck_opinion)),
        ("销号", f"{e(item.closed_on)}　{e(item.closed_by)}" if item.closed_on else e(None)),
        ("备注", e(item.remarks)),
    ]
    table = "".join(f"<tr><td style='color:#555;white-space:nowrap;padding-right:8px' valign='top'>{k}</td>"
                    f"<td>{v}</td></tr>" for k, v in rows)
    timeline = "".join(
        f"<tr><td style='color:#555;white-space:nowrap;padding-right:8px' valign='top'>{html.escape(ev.ts[:16])}</td>"
        f"<td><b>{html.escape(ev.event)}</b>　{html.escape(ev.actor_name)}"
        + (f"<br><span style='color:#555'>{html.escape(ev.note)}</span>" if ev.note else "") + "</td></tr>"
        for ev in events)
    return (f"<h3 style='margin:0'>{html.escape(item.number)}</h3><table cellspacing='2'>{table}</table>"
            f"<h4 style='margin-bottom:2px'>整改过程</h4><table cellspacing='2'>{timeline}</table>")
