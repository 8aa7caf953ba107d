"""Forms whose validation messages appear beside the fields they concern.

The core returns :class:`~desktop_app.errors.Finding` objects naming the field by its key (see
desktop_app/fields.py); :class:`ValidatedForm` puts each message under that field's row (red for
errors, amber for warnings) and anything it cannot place in a banner at the top. A row is added
for a :class:`~desktop_app.fields.Field` (its key and label), or for a label with an explicit key.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from typing import Any

from desktop_app.errors import Finding, ValidationError
from desktop_app.fields import Field
from ui.errors import show_error

ERROR_COLOUR = "#c62828"
WARNING_COLOUR = "#b26a00"


class ValidatedForm(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setObjectName("formBanner")
        self.banner.hide()
        outer.addWidget(self.banner)
        self.layout_ = QFormLayout()
        self.layout_.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.layout_.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        outer.addLayout(self.layout_)
        self.fields: dict[str, tuple[QWidget, QLabel]] = {}  # row key -> (widget, message)
        self.labels: dict[str, str] = {}  # row key -> label shown
        self.aliases: dict[str, str] = {}  # a finding's field -> the row it is shown in

    def add(self, field: Field | str, widget: QWidget, *, required: bool = False, hint: str = "",
            key: str | None = None) -> QWidget:
        """A row for ``field`` (a Field, or a label; ``key`` names it for findings, else the label)."""
        label = field.label if isinstance(field, Field) else field
        key = field.key if isinstance(field, Field) else (key or field)
        box = QWidget()
        # Fill the field column, so hints and messages wrap over the full width.
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        box.setSizePolicy(policy)
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(2)
        col.addWidget(widget)
        message = QLabel()
        message.setWordWrap(True)
        message.setObjectName("fieldMessage")
        message.hide()
        col.addWidget(message)
        if hint:
            tip = QLabel(hint)
            tip.setObjectName("fieldHint")
            tip.setWordWrap(True)
            col.addWidget(tip)
        shown = f"{label}<span style='color:{ERROR_COLOUR}'> *</span>" if required else label
        title = QLabel(shown)
        title.setTextFormat(Qt.TextFormat.RichText)
        title.setBuddy(widget)
        self.layout_.addRow(title, box)
        self.fields[key] = (widget, message)
        self.labels[key] = label
        return widget

    def alias(self, name: str, row: str) -> None:
        """Show findings about ``name`` (e.g. the key of 开始时间) under the row keyed ``row``."""
        self.aliases[name] = row

    def clear_findings(self) -> None:
        self.banner.hide()
        for widget, message in self.fields.values():
            message.hide()
            widget.setProperty("invalid", False)
            widget.style().unpolish(widget)
            widget.style().polish(widget)

    def show_findings(self, findings: list[Finding]) -> None:
        self.clear_findings()
        loose: list[str] = []
        by_field: dict[str, list[Finding]] = {}
        for f in findings:
            field = self.aliases.get(f.field, f.field)
            if field in self.fields:
                by_field.setdefault(field, []).append(f)
            else:
                loose.append(f.text())
        first_bad = None
        for name, items in by_field.items():
            widget, message = self.fields[name]
            is_error = any(i.is_error for i in items)
            colour = ERROR_COLOUR if is_error else WARNING_COLOUR
            message.setText("<br>".join(i.message if i.field == name else f"{i.label or i.field}：{i.message}"
                                        for i in items))
            message.setStyleSheet(f"color: {colour};")
            message.show()
            if is_error:
                widget.setProperty("invalid", True)
                widget.style().unpolish(widget)
                widget.style().polish(widget)
                first_bad = first_bad or widget
        if loose:
            self.banner.setText("<br>".join(loose))
            self.banner.show()
        if first_bad is not None:
            first_bad.setFocus()

    def submit(self, fn, *args, **kwargs) -> tuple[bool, Any]:
        """Run the service call behind this form. Its validation findings appear beside the
        fields; any other error is shown the usual way. Returns (succeeded, result)."""
        try:
            result = fn(*args, **kwargs)
        except ValidationError as exc:
            self.show_findings(exc.findings)
            return False, None
        except Exception as exc:  # noqa: BLE001 - every error reaches the user, by kind
            show_error(self.window(), exc)
            return False, None
        self.clear_findings()
        return True, result

    def messages(self) -> dict[str, str]:
        """Visible messages by the label of their row (used by tests and screenshots)."""
        return {self.labels[key]: msg.text() for key, (_w, msg) in self.fields.items() if not msg.isHidden()}


def save_cancel_buttons(dialog, on_save, *, save_text: str = "保存", cancel_text: str = "取消"):
    """The 保存/取消 row every edit dialog ends with."""
    from PySide6.QtWidgets import QDialogButtonBox

    buttons = QDialogButtonBox()
    save = buttons.addButton(save_text, QDialogButtonBox.ButtonRole.AcceptRole)
    buttons.addButton(cancel_text, QDialogButtonBox.ButtonRole.RejectRole)
    buttons.accepted.connect(on_save)
    buttons.rejected.connect(dialog.reject)
    buttons.save_button = save
    return buttons


def line_edit(text: str | None = "", placeholder: str = "", max_length: int = 0) -> QLineEdit:
    edit = QLineEdit(text or "")
    if placeholder:
        edit.setPlaceholderText(placeholder)
    if max_length:
        edit.setMaxLength(max_length)
    return edit


def combo(items: list[str], current: str | None = None, *, editable: bool = False, blank: str | None = None) -> QComboBox:
    box = QComboBox()
    box.setEditable(editable)
    if blank is not None:
        box.addItem(blank, None)
    for item in items:
        box.addItem(item, item)
    if current:
        idx = box.findData(current)
        if idx >= 0:
            box.setCurrentIndex(idx)
        elif editable:
            box.setEditText(current)
    return box


def combo_value(box: QComboBox):
    if box.isEditable():
        text = box.currentText().strip()
        idx = box.findText(text)
        return box.itemData(idx) if idx >= 0 and box.itemData(idx) is not None else (text or None)
    return box.currentData()


def date_edit(value: dt.date | str | None = None) -> QDateEdit:
    """A date field with a calendar pop-up, shown as 2026-11-23."""
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    set_date(edit, value or dt.date.today())
    return edit


def set_date(edit: QDateEdit, value: dt.date | str) -> None:
    d = dt.date.fromisoformat(value) if isinstance(value, str) else value
    edit.setDate(QDate(d.year, d.month, d.day))


def date_value(edit: QDateEdit) -> str:
    return edit.date().toString("yyyy-MM-dd")


def text_area(text: str | None = "", placeholder: str = "", height: int = 72):
    from PySide6.QtWidgets import QPlainTextEdit

    area = QPlainTextEdit(text or "")
    area.setPlaceholderText(placeholder)
    area.setTabChangesFocus(True)  # Tab moves to the next field, as in every other input
    area.setMinimumHeight(height)
    area.setMaximumHeight(height * 2)
    return area


class OptionalDateEdit(QWidget):
    """A date field that may be left empty (a checkbox turns it on)."""

    def __init__(self, value: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        from PySide6.QtWidgets import QHBoxLayout

        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.enabled = QCheckBox("填写")
        self.edit = QDateEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setDate(QDate.currentDate())
        row.addWidget(self.enabled)
        row.addWidget(self.edit, 1)
        self.enabled.toggled.connect(self.edit.setEnabled)
        self.set_value(value)

    def set_value(self, value: str | None) -> None:
        if value:
            d = dt.date.fromisoformat(value)
            self.edit.setDate(QDate(d.year, d.month, d.day))
            self.enabled.setChecked(True)
            self.edit.setEnabled(True)
        else:
            self.enabled.setChecked(False)
            self.edit.setEnabled(False)

    def value(self) -> str | None:
        if not self.enabled.isChecked():
            return None
        return self.edit.date().toString("yyyy-MM-dd")
