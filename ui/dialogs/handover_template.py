"""班次与交接物品: a ward's shift pattern and the checklist of items handed over at every shift."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.handover import service as handover
from desktop_app.handover.models import DEFAULT_SHIFTS, KIND_LABELS, TWO_SHIFTS, Template
from desktop_app.handover.models import HANDOVER_FIELDS as F
from ui.forms import ValidatedForm, save_cancel_buttons


def _table(headers: list[str], widths: list[int]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
    for i, w in enumerate(widths):
        if w:
            table.setColumnWidth(i, w)
        else:
            table.horizontalHeader().setSectionResizeMode(i, QHeaderView.ResizeMode.Stretch)
    return table


def _set_rows(table: QTableWidget, rows: list[list]) -> None:
    table.setRowCount(0)
    for values in rows:
        r = table.rowCount()
        table.insertRow(r)
        for c, v in enumerate(values):
            table.setItem(r, c, QTableWidgetItem("" if v is None else str(v)))


def _rows(table: QTableWidget) -> list[list[str]]:
    return [[(table.item(r, c).text().strip() if table.item(r, c) else "") for c in range(table.columnCount())]
            for r in range(table.rowCount())]


def _buttons(layout: QVBoxLayout, *specs) -> list[QPushButton]:
    row = QHBoxLayout()
    made = []
    for text, fn in specs:
        b = QPushButton(text)
        b.setAutoDefault(False)
        b.clicked.connect(fn)
        row.addWidget(b)
        made.append(b)
    row.addStretch(1)
    layout.addLayout(row)
    return made


class HandoverTemplateDialog(QDialog):
    def __init__(self, ctx, template: Template, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.template = template
        self.saved: Template | None = None
        self.setWindowTitle(f"班次与交接物品 — {template.department_name}（{KIND_LABELS[template.kind]}）")
        self.resize(640, 560)
        layout = QVBoxLayout(self)
        if not template.configured:
            note = QLabel("本病区尚未设置，下面是默认班次和物品，修改后保存即为本病区的设置。")
            note.setObjectName("noticeBanner")
            note.setWordWrap(True)
            layout.addWidget(note)
        self.form = ValidatedForm()
        layout.addWidget(self.form)

        shifts = QGroupBox("班次（按一天中的先后顺序；前一班结束即后一班开始，合计 24 小时）")
        col = QVBoxLayout(shifts)
        self.shifts = _table(["班次名称", "开始", "结束"], [0, 90, 90])
        _set_rows(self.shifts, [[s.name, s.starts, "24:00" if s.ends == "00:00" else s.ends] for s in template.shifts])
        col.addWidget(self.shifts)
        buttons = _buttons(col, ("添加班次", lambda: self._add(self.shifts, ["", "", ""])),
                           ("删除所选", lambda: self._remove(self.shifts)),
                           ("三班制", lambda: self._preset(DEFAULT_SHIFTS["nurse"])),
                           ("两班制", lambda: self._preset(TWO_SHIFTS)))
        self.two_shifts_button = buttons[-1]
        self.form.add(F["shifts"], shifts)

        items = QGroupBox("交接物品（需清点数量的填基数；只查看是否完好的留空）")
        col = QVBoxLayout(items)
        self.items = _table(["物品", "基数"], [0, 80])
        _set_rows(self.items, [[i["name"], i["expected"]] for i in template.checklist])
        col.addWidget(self.items)
        _buttons(col, ("添加物品", lambda: self._add(self.items, ["", ""])), ("删除所选", lambda: self._remove(self.items)))
        self.form.add(F["checklist"], items)
        layout.addWidget(save_cancel_buttons(self, self.save))

    def _add(self, table: QTableWidget, values: list) -> None:
        _set_rows(table, _rows(table) + [values])
        table.setCurrentCell(table.rowCount() - 1, 0)
        table.editItem(table.item(table.rowCount() - 1, 0))

    def _remove(self, table: QTableWidget) -> None:
        for r in sorted({i.row() for i in table.selectedIndexes()}, reverse=True):
            table.removeRow(r)

    def _preset(self, pattern: list[dict]) -> None:
        _set_rows(self.shifts, [[s["name"], s["starts"], s["ends"]] for s in pattern])

    def save(self) -> None:
        shifts = [{"name": n, "starts": a, "ends": b} for n, a, b in _rows(self.shifts)]
        checklist = [{"name": n, "expected": e} for n, e in _rows(self.items) if n or e]
        ok, saved = self.form.submit(handover.save_template, self.ctx.session, self.template.department_id,
                                     self.template.kind, shifts, checklist)
        if ok:
            self.saved = saved
            self.ctx.notify("handover")
            self.accept()
