"""Choose several departments: a filter box, quick selections by kind, a checkable list."""
from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.people.models import Department
from ui.dialogs.staff_edit import department_items

KIND_ROLE = Qt.ItemDataRole.UserRole + 1
QUICK_KINDS = (("全选临床科室", "临床"), ("全选护理单元", "护理单元"))


class _FilterEdit(QLineEdit):
    """Enter in the filter goes to the list, not to the dialog's default button."""

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()


class DepartmentPicker(QWidget):
    """``set_departments(list)`` then ``selected_ids()``; wards are indented under their department."""

    selection_changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.filter = _FilterEdit()
        self.filter.setPlaceholderText("筛选科室名称")
        self.filter.setClearButtonEnabled(True)
        top.addWidget(self.filter, 1)
        self.quick_buttons: dict[str, QPushButton] = {}
        for text, kind in QUICK_KINDS:
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, k=kind: self.select_kind(k))
            self.quick_buttons[kind] = button
            top.addWidget(button)
        self.clear_button = QPushButton("清空")
        self.clear_button.clicked.connect(self.clear)
        top.addWidget(self.clear_button)
        col.addLayout(top)
        self.list = QListWidget()
        self.list.setObjectName("departmentPicker")
        self.list.setMinimumHeight(150)
        self.list.itemChanged.connect(lambda _i: self._changed())
        col.addWidget(self.list, 1)
        self.count = QLabel()
        self.count.setObjectName("fieldHint")
        col.addWidget(self.count)
        self.filter.textChanged.connect(self._apply_filter)
        self.filter.returnPressed.connect(self._to_list)
        self._changed()

    def set_departments(self, departments: list[Department], selected: Iterable[int] = ()) -> None:
        kinds = {d.id: d.kind for d in departments}
        chosen = set(selected)
        self.list.blockSignals(True)
        self.list.clear()
        for label, dept_id in department_items(departments):
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, dept_id)
            item.setData(KIND_ROLE, kinds.get(dept_id))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if dept_id in chosen else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.blockSignals(False)
        for kind, button in self.quick_buttons.items():
            button.setVisible(any(kinds.get(self._id(i)) == kind for i in self._items()))
        self._apply_filter(self.filter.text())
        self._changed()

    def _items(self) -> list[QListWidgetItem]:
        return [self.list.item(i) for i in range(self.list.count())]

    @staticmethod
    def _id(item: QListWidgetItem) -> int:
        return item.data(Qt.ItemDataRole.UserRole)

    def selected_ids(self) -> list[int]:
        return [self._id(i) for i in self._items() if i.checkState() == Qt.CheckState.Checked]

    def set_selected(self, ids: Iterable[int]) -> None:
        chosen = set(ids)
        self._set_checked(lambda item: self._id(item) in chosen, only=False)

    def select_kind(self, kind: str) -> None:
        """Tick every department of a kind (the ones already ticked stay ticked)."""
        self._set_checked(lambda item: item.data(KIND_ROLE) == kind, only=True)

    def clear(self) -> None:
        self._set_checked(lambda _item: False, only=False)

    def _set_checked(self, wanted, *, only: bool) -> None:
        self.list.blockSignals(True)
        for item in self._items():
            if wanted(item):
                item.setCheckState(Qt.CheckState.Checked)
            elif not only:
                item.setCheckState(Qt.CheckState.Unchecked)
        self.list.blockSignals(False)
        self._changed()

    def visible_labels(self) -> list[str]:
        return [i.text().strip() for i in self._items() if not i.isHidden()]

    def _apply_filter(self, text: str) -> None:
        text = text.strip()
        for item in self._items():
            item.setHidden(bool(text) and text not in item.text())

    def _to_list(self) -> None:
        self.list.setFocus()
        for i, item in enumerate(self._items()):
            if not item.isHidden():
                self.list.setCurrentRow(i)
                return

    def _changed(self) -> None:
        n = len(self.selected_ids())
        self.count.setText(f"已选 {n} 个科室　（空格键勾选/取消当前科室）" if n else "尚未选择科室　（空格键勾选当前科室）")
        self.selection_changed.emit()
