"""交接班记录 page: the ward's shifts of the last three days (what is open, what awaits a signature),
the history with filters, and the selected report as it reads in the book.

Enter (or a double click) does what the selected shift is waiting for: 书写 a shift with no
report, continue a draft, 接班签名 a handed-over report. A nurse sees her own ward; 护理部/质控
see every ward (全部病区).
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop_app.handover import service as handover
from desktop_app.handover.manifest import HANDOVER_SETUP, HANDOVER_WRITE
from desktop_app.handover.models import DOCTOR, DRAFT, HANDED, KIND_LABELS, NURSE, RECEIVED, ReportRow, ShiftSlot
from ui.errors import guarded
from ui.forms import date_edit, date_value, set_date
from ui.pages.base import Page
from ui.table import Column, RecordTableModel, RecordTableView
from ui.widgets.handover_view import MISSING, STATE_COLOURS, report_html, slot_note

ALL_WARDS = "全部病区"
BOARD_DAYS = 2  # the board shows today and the handover days before it (as the 工作台 lists missing shifts)
HISTORY_DAYS = 30


def _hm(stamp: str | None) -> str:
    return stamp[5:16] if stamp else ""


def _time_range(slot: ShiftSlot) -> str:
    end = "24:00" if slot.ends_at.time() == dt.time(0) else f"{slot.ends_at:%H:%M}"
    return f"{slot.starts_at:%H:%M}–{end}"


class BookPeriodDialog(QDialog):
    """Which days of the book to print or export (default: this month so far)."""

    def __init__(self, ctx, ward_label: str, excel: bool, parent=None):
        from ui.widgets.period import PeriodPicker

        super().__init__(parent)
        self.setWindowTitle("导出交接班记录" if excel else "打印交班本")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"病区：{ward_label}"))
        self.picker = PeriodPicker(["本月", "上月", "本季度", "本年"], ctx.session.today(), label="日期")
        layout.addWidget(self.picker)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("导出…" if excel else "生成并预览")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def fill_kinds(parent, box: QComboBox, ctx) -> None:
    """Only the kinds this user has departments for (a ward nurse: 护理交接班 alone)."""
    current = box.currentData()
    kinds = [k for k in (NURSE, DOCTOR) if guarded(parent, handover.handover_departments, ctx.session, k)]
    box.blockSignals(True)
    box.clear()
    for kind in kinds or [NURSE]:
        box.addItem(KIND_LABELS[kind], kind)
    box.setCurrentIndex(max(0, box.findData(current)))
    box.blockSignals(False)
    box.setEnabled(len(kinds) > 1)


class HandoverPage(Page):
    title = "交接班记录"
    domains = frozenset({"handover", "people", "settings"})

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        layout = self.page_layout(
            "交接班记录",
            "每个病区每个班次一份交班报告：交班者书写并签名，接班者核对后用本人账户签名（病危、病重、四级手术当日患者须床旁交接），"
            "双方签名后内容封存，更正只能补记。选中班次按回车即书写、继续书写或接班签名。")
        top = QHBoxLayout()
        self.kind = QComboBox()
        self.ward = QComboBox()
        self.ward.setMinimumContentsLength(12)
        self.setup_button = QPushButton("班次与交接物品…")
        self.setup_button.clicked.connect(self.edit_template)
        top.addWidget(QLabel("类别"))
        top.addWidget(self.kind)
        top.addWidget(QLabel("病区"))
        top.addWidget(self.ward)
        top.addStretch(1)
        self.print_button = QPushButton("打印交班本…")
        self.print_button.clicked.connect(lambda: self.print_book())
        self.export_button = QPushButton("导出 Excel…")
        self.export_button.clicked.connect(lambda: self.print_book(excel=True))
        for b in (self.setup_button, self.print_button, self.export_button):
            top.addWidget(b)
        layout.addLayout(top)

        split = QSplitter(Qt.Orientation.Horizontal)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_board(), "当班")
        self.tabs.addTab(self._build_history(), "历史记录")
        split.addWidget(self.tabs)
        split.addWidget(self._build_detail())
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([700, 520])
        layout.addWidget(split, 1)

        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.ward.currentIndexChanged.connect(lambda _i: self._reload())
        self.tabs.currentChanged.connect(lambda _i: self.show_detail())
        self._wards_kind: str | None = None
        self._pending_select: int | None = None
        self._pending_slot: tuple | None = None
        self.ctx.session_replaced.connect(lambda: setattr(self, "_wards_kind", None))

    # ------------------------------------------------------------------ building
    def _build_board(self) -> QWidget:
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 4, 0, 0)
        self.board_note = QLabel()
        self.board_note.setObjectName("pageDescription")
        col.addWidget(self.board_note)
        now = self.ctx.session.now
        self.board_model = RecordTableModel([
            Column("病区", lambda s: s.department_name, width=118),
            Column("日期", lambda s: s.date, width=86),
            Column("班次", lambda s: s.shift.name, width=58),
            Column("时间", _time_range, width=92),
            Column("状态", lambda s: s.state, width=62, colour=lambda s: STATE_COLOURS.get(s.state)),
            Column("说明", lambda s: slot_note(s, now())[0], width=190, colour=lambda s: slot_note(s, now())[1]),
            Column("交班者", lambda s: s.report and s.report.outgoing_name, width=64),
            Column("接班者", lambda s: s.report and s.report.receiving_name, width=64),
        ], self)
        self.board = RecordTableView(self.board_model)
        self.board.selectionModel().selectionChanged.connect(lambda *_: self.show_detail())
        self.board.activated.connect(lambda _i: self.primary_action())  # Enter or a double click
        col.addWidget(self.board, 1)
        return box

    def _build_history(self) -> QWidget:
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 4, 0, 0)
        row = QHBoxLayout()
        today = self.ctx.session.today()
        self.date_from = date_edit(today - dt.timedelta(days=HISTORY_DAYS - 1))
        self.date_to = date_edit(today)
        self.status = QComboBox()
        self.status.addItem("全部状态", None)
        for s in (DRAFT, HANDED, RECEIVED):
            self.status.addItem(s, s)
        self.count = QLabel()
        for w in (QLabel("日期"), self.date_from, QLabel("至"), self.date_to, self.status):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(self.count)
        col.addLayout(row)
        self.history_model = RecordTableModel([
            Column("病区", lambda r: r.department_name, width=118),
            Column("日期", lambda r: r.date, width=86),
            Column("班次", lambda r: r.shift_name, width=58, sort=lambda r: (r.date, r.shift_order)),
            Column("状态", lambda r: r.status, width=62, colour=lambda r: STATE_COLOURS.get(r.status)),
            Column("病人动态", lambda r: "" if r.census_ok else "不符", width=64,
                   colour=lambda r: None if r.census_ok else "#c62828"),
            Column("交班者", lambda r: r.outgoing_name, width=64),
            Column("交班时间", lambda r: _hm(r.outgoing_at), width=96),
            Column("接班者", lambda r: r.receiving_name, width=64),
            Column("接班时间", lambda r: _hm(r.receiving_at), width=96),
        ], self)
        self.history = RecordTableView(self.history_model)
        self.history.selectionModel().selectionChanged.connect(lambda *_: self.show_detail())
        self.history.activated.connect(lambda _i: self.primary_action())  # Enter or a double click
        col.addWidget(self.history, 1)
        for w in (self.date_from, self.date_to):
            w.dateChanged.connect(lambda _d: self.load_history())
        self.status.currentIndexChanged.connect(lambda _i: self.load_history())
        return box

    def _build_detail(self) -> QWidget:
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        col.addWidget(self.detail, 1)
        row = QHBoxLayout()
        self.write_button = QPushButton("书写交班报告")
        self.write_button.clicked.connect(self.write)
        self.receive_button = QPushButton("接班签名…")
        self.receive_button.clicked.connect(self.receive)
        self.addendum_button = QPushButton("补记…")
        self.addendum_button.clicked.connect(self.add_addendum)
        for b in (self.write_button, self.receive_button, self.addendum_button):
            row.addWidget(b)
        row.addStretch(1)
        col.addLayout(row)
        return box

    # ------------------------------------------------------------------ loading
    def refresh(self) -> None:
        if self._wards_kind is None:
            self._fill_kinds()
        kind = self.kind.currentData()
        if self._wards_kind != kind:
            self._fill_wards(kind)
        self._reload()

    def _fill_kinds(self) -> None:
        fill_kinds(self, self.kind, self.ctx)

    def _kind_changed(self) -> None:
        self._fill_wards(self.kind.currentData())
        self._reload()

    def _fill_wards(self, kind: str) -> None:
        wards = guarded(self, handover.handover_departments, self.ctx.session, kind) or []
        current = self.ward.currentData()
        self.ward.blockSignals(True)
        self.ward.clear()
        if len(wards) > 1:
            self.ward.addItem(ALL_WARDS, None)
        for ward_id, name, _visible in wards:
            self.ward.addItem(name, ward_id)
        index = self.ward.findData(current) if current is not None else -1
        self.ward.setCurrentIndex(max(index, 0))
        self.ward.blockSignals(False)
        self._wards_kind = kind
        self.setup_button.setVisible(self.ctx.can(HANDOVER_SETUP))

    def ward_id(self) -> int | None:
        return self.ward.currentData()

    def _reload(self) -> None:
        if self.ward.count() == 0:
            self.board_model.set_rows([])
            self.history_model.set_rows([])
            self.board_note.setText("您的账户没有可查看的病区：护士和医师按人员档案所在科室查看本病区的交接班记录。"
                                    "请系统管理员在“用户管理”中关联您的人员档案。")
            self.show_detail()
            return
        self.load_board()
        self.load_history()
        self.setup_button.setEnabled(self.ward_id() is not None)

    def load_board(self) -> None:
        session = self.ctx.session
        one_ward = self.ward_id() is not None
        self.board.setColumnHidden(0, one_ward)
        self.history.setColumnHidden(0, one_ward)
        today = session.today()
        kind = self.kind.currentData()
        slots = guarded(self, handover.shift_board, session, kind, today - dt.timedelta(days=BOARD_DAYS), today,
                        self.ward_id()) or []
        now = session.now()
        slots = [s for s in slots if s.starts_at <= now + dt.timedelta(hours=12)]  # not tomorrow's night yet
        previous = self._selected_key()
        self.board_model.set_rows(slots)
        waiting = sum(1 for s in slots if s.state == HANDED)
        missing = sum(1 for s in slots if s.report is None and s.ended(now))
        self.board_note.setText(f"最近 {BOARD_DAYS + 1} 天的班次（{today - dt.timedelta(days=BOARD_DAYS):%m-%d} 至 "
                                f"{today:%m-%d}）：待接班 {waiting} 份，已结束未书写 {missing} 个班次。")
        if not self._reselect(self.board, previous):
            running = self.board_model.row_of(lambda s: s.running(now))
            if running >= 0:
                self.board.selectRow(running)
            else:
                self.board.select_first()
        self.show_detail()

    def load_history(self) -> None:
        session = self.ctx.session
        kind, ward, status = self.kind.currentData(), self.ward_id(), self.status.currentData()
        first, last = date_value(self.date_from), date_value(self.date_to)
        total = guarded(self, handover.count_reports, session, kind, first, last, department_id=ward, status=status)
        if total is None:
            return
        fetch = lambda offset, limit: handover.list_reports(  # noqa: E731
            self.ctx.session, kind, first, last, department_id=ward, status=status, limit=limit, offset=offset)
        previous = self._selected_key()
        self.history_model.set_rows(fetch(0, RecordTableModel.PAGE), total=total, fetch=fetch)
        self.count.setText(f"共 {total} 份")
        self._reselect(self.history, previous)

    def _selected_key(self) -> tuple | None:
        record = self.current_record()
        if isinstance(record, ShiftSlot):
            return (record.department_id, record.date, record.shift.order)
        if isinstance(record, ReportRow):
            return (record.department_id, record.date, record.shift_order)
        return None

    def _reselect(self, view: RecordTableView, key: tuple | None) -> bool:
        if self._pending_slot is not None and view is self.board:
            key, self._pending_slot = self._pending_slot, None
        elif self._pending_select is not None:
            rid = self._pending_select
            if view.select_where(lambda r: self._report_id(r) == rid):
                self._pending_select = None
                return True
        if key is None:
            return False
        return view.select_where(lambda r: (r.department_id, r.date,
                                            r.shift.order if isinstance(r, ShiftSlot) else r.shift_order) == key)

    # ------------------------------------------------------------------ the selection
    def current_record(self):
        view = self.board if self.tabs.currentIndex() == 0 else self.history
        return view.selected_record()

    @staticmethod
    def _report_id(record) -> int | None:
        if isinstance(record, ShiftSlot):
            return record.report.id if record.report else None
        if isinstance(record, ReportRow):
            return record.id
        return None

    def _state(self, record) -> str | None:
        if isinstance(record, ShiftSlot):
            return record.state
        if isinstance(record, ReportRow):
            return record.status
        return None

    def show_detail(self) -> None:
        record = self.current_record()
        state = self._state(record)
        writer = self.ctx.can(HANDOVER_WRITE)
        self.write_button.setVisible(writer and state in (MISSING, DRAFT))
        self.write_button.setText("书写交班报告" if state == MISSING else "继续书写")
        self.receive_button.setVisible(writer and state == HANDED)
        self.addendum_button.setVisible(writer and state == RECEIVED)
        if record is None:
            self.detail.setHtml("<p style='color:#6b7480'>请选择一个班次。</p>")
            return
        rid = self._report_id(record)
        if rid is None:
            note, colour = slot_note(record, self.ctx.session.now())
            self.detail.setHtml(
                f"<h3>{record.title}</h3><p>{_time_range(record)}</p>"
                f"<p style='color:{colour or '#5a6472'}'>{note}。</p>"
                + ("<p>按回车或点“书写交班报告”开始：原有人数由上一班的现有带入，上一班的重点患者可勾选带入。</p>"
                   if writer else ""))
            return
        report = guarded(self, handover.get_report, self.ctx.session, rid)
        self.detail.setHtml(report_html(report) if report else "")

    def primary_action(self) -> None:
        state = self._state(self.current_record())
        if state in (MISSING, DRAFT) and self.write_button.isVisible():
            self.write()
        elif state == HANDED and self.receive_button.isVisible():
            self.receive()

    # ------------------------------------------------------------------ actions
    def write(self) -> None:
        from ui.dialogs.handover_edit import HandoverEditor

        record = self.current_record()
        rid = self._report_id(record)
        session = self.ctx.session
        if rid is None and isinstance(record, ShiftSlot):
            new = guarded(self, handover.prepare_report, session, record.department_id, record.date,
                          record.shift.order, record.kind)
            if new is None:
                return
            editor = HandoverEditor(self.ctx, new=new, parent=self)
        elif rid is not None:
            editor = guarded(self, HandoverEditor, self.ctx, report_id=rid, parent=self)
            if editor is None:
                return
        else:
            return
        self._last_editor = editor  # tests and screenshots look at it
        editor.exec()
        if editor.report is not None:
            self._pending_select = editor.report.id
        self.mark_dirty()

    def _report_dialog(self, dialog_class) -> None:
        """Open one of the step dialogs on the selected report, then show what changed."""
        rid = self._report_id(self.current_record())
        report = rid and guarded(self, handover.get_report, self.ctx.session, rid)
        if not report:
            return
        dialog = dialog_class(self.ctx, report, parent=self)
        self._last_dialog = dialog  # tests and screenshots look at it
        dialog.exec()
        self._pending_select = rid
        self.mark_dirty()

    def receive(self) -> None:
        from ui.dialogs.handover_sign import ReceiveDialog

        self._report_dialog(ReceiveDialog)

    def add_addendum(self) -> None:
        from ui.dialogs.handover_sign import AddendumDialog

        self._report_dialog(AddendumDialog)

    def edit_template(self) -> None:
        from ui.dialogs.handover_template import HandoverTemplateDialog

        ward = self.ward_id()
        template = ward and guarded(self, handover.get_template, self.ctx.session, ward, self.kind.currentData())
        if not template:
            return
        dialog = HandoverTemplateDialog(self.ctx, template, parent=self)
        self._last_dialog = dialog
        dialog.exec()

    def print_book(self, *, excel: bool = False, period: tuple[str, str] | None = None) -> None:
        """The 病区交班报告 of a period (PDF preview) or its workbook, for the ward shown (or every ward)."""
        from ui.pdf_preview import export_xlsx, preview_pdf

        if period is None:
            dialog = BookPeriodDialog(self.ctx, self.ward.currentText(), excel, parent=self)
            self._last_dialog = dialog
            if not dialog.exec():
                return
            period = dialog.picker.range()
        first, last = period
        kind, ward = self.kind.currentData(), self.ward_id()
        days = (dt.date.fromisoformat(last) - dt.date.fromisoformat(first)).days + 1
        if not excel and ward is None and self.ward.count() > 2 and days > 7:
            pages = days * (self.ward.count() - 1)
            if QMessageBox.question(self, "打印全部病区", f"全部病区 {days} 天的交班本约 {pages} 页以上。建议先选择一个病区。"
                                    "仍要生成吗？") != QMessageBox.StandardButton.Yes:
                return

        def snapshot(session):
            from desktop_app.handover import reports

            return reports.handover_snapshot(session, kind, first, last, department_id=ward)

        name = f"交班报告_{self.ward.currentText()}_{first}_{last}"
        if excel:
            def write(session, path, progress):
                from desktop_app.handover import reports

                reports.write_handover_xlsx(snapshot(session), path, progress)

            export_xlsx(self, self.ctx, "交接班记录", f"{name}.xlsx", write)
        else:
            def build(session, path, progress):
                from desktop_app.handover import reports

                reports.write_handover_pdf(snapshot(session), path, progress)

            preview_pdf(self, self.ctx, f"交班报告（{self.ward.currentText()}，{first} 至 {last}）", f"{name}.pdf", build)

    # ------------------------------------------------------------------ links
    def apply_preset(self, preset: str) -> None:
        """Links from the 工作台 (format: :mod:`desktop_app.handover.todos`): ``report=<id>`` selects that
        report; ``ward=<id>&kind=…&date=…&shift=<order>`` selects that shift on the ward's board;
        ``kind=…&status=…`` shows the history of every date with that status."""
        from desktop_app.handover.todos import parse_preset

        values = parse_preset(preset)
        kind = values.get("kind", NURSE)
        today = self.ctx.session.today()
        if values.get("report", "").isdigit():
            report = guarded(self, handover.get_report, self.ctx.session, int(values["report"]))
            if report is None:
                return
            self._select_kind_and_ward(report.kind, report.department_id)
            self._pending_select = report.id
            in_board = dt.date.fromisoformat(report.date) >= today - dt.timedelta(days=BOARD_DAYS)
            if not in_board:
                set_date(self.date_from, min(dt.date.fromisoformat(report.date), today))
            self.tabs.setCurrentIndex(0 if in_board else 1)
        elif values.get("ward", "").isdigit():
            self._select_kind_and_ward(kind, int(values["ward"]))
            self.tabs.setCurrentIndex(0)
            if values.get("date") and values.get("shift", "").isdigit():
                self._pending_slot = (int(values["ward"]), values["date"], int(values["shift"]))
        else:
            self._select_kind_and_ward(kind, None)
            if values.get("status"):
                self.status.blockSignals(True)
                self.status.setCurrentIndex(max(0, self.status.findData(values["status"])))
                self.status.blockSignals(False)
                set_date(self.date_from, dt.date(2000, 1, 1))
                set_date(self.date_to, today)
                self.tabs.setCurrentIndex(1)
        self._reload()

    def _select_kind_and_ward(self, kind: str, ward: int | None) -> None:
        if self._wards_kind is None:
            self._fill_kinds()
        self.kind.blockSignals(True)
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
        self.kind.blockSignals(False)
        if self._wards_kind != self.kind.currentData():
            self._fill_wards(self.kind.currentData())
        self.ward.blockSignals(True)
        self.ward.setCurrentIndex(max(0, self.ward.findData(ward)))
        self.ward.blockSignals(False)
        self._dirty = False
