"""The import preview: what an Excel file would change, and every problem by row and column.

Nothing is written until the user presses 导入; with any error the button stays disabled and
the problems can be copied to fix the file. Reused by every importer: give it the summary,
the findings, and the planned rows with the columns to show them.
"""
from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from PySide6.QtCore import Qt

from desktop_app.errors import Finding
from ui.forms import ERROR_COLOUR, WARNING_COLOUR
from ui.table import Column, RecordTableModel, RecordTableView


class ImportPreviewDialog(QDialog):
    def __init__(self, title: str, file_name: str, summary: str, findings: Sequence[Finding],
                 columns: Sequence[Column], rows: Sequence, can_apply: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"{title} — 预览")
        self.resize(980, 680)
        layout = QVBoxLayout(self)
        head = QLabel(f"<b>{file_name}</b><br>{summary}")
        head.setWordWrap(True)
        layout.addWidget(head)
        if not can_apply:
            note = QLabel("文件中有错误，尚未写入任何数据。请按下面列出的行和列改正 Excel 文件后重新导入。")
            note.setObjectName("formBanner")
            note.setWordWrap(True)
            layout.addWidget(note)
        split = QSplitter(Qt.Orientation.Vertical)
        self.problems = QListWidget()
        for f in findings:
            item = QListWidgetItem(("错误　" if f.is_error else "提醒　") + f.text())
            item.setForeground(QColor(ERROR_COLOUR if f.is_error else WARNING_COLOUR))
            self.problems.addItem(item)
        if not findings:
            self.problems.addItem("没有发现问题。")
        self.model = RecordTableModel(columns, self)
        self.model.set_rows(rows)
        self.table = RecordTableView(self.model)
        split.addWidget(self.problems)
        split.addWidget(self.table)
        split.setSizes([220, 380])
        layout.addWidget(split, 1)
        buttons = QDialogButtonBox()
        self.apply_button = buttons.addButton("导入", QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.setEnabled(can_apply)
        copy = buttons.addButton("复制问题清单", QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(lambda: QApplication.clipboard().setText(self.problem_text()))
        copy.setEnabled(bool(findings))
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def problem_text(self) -> str:
        return "\n".join(self.problems.item(i).text() for i in range(self.problems.count()))
