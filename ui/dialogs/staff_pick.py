"""Pick people by name, 工号 or pinyin initials (zs → 张三); Enter adds the highlighted person."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout

from desktop_app.people import service as people
from desktop_app.people.models import Staff
from ui.errors import guarded

LIMIT = 50


class StaffPickDialog(QDialog):
    """Collects ``picked`` (Staff records); the list stays open for several people (Shift+Enter is not
    needed: every Enter adds one and keeps the search)."""

    def __init__(self, ctx, title: str = "添加人员", exclude: set[int] = frozenset(), parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.exclude = set(exclude)
        self.picked: list[Staff] = []
        self.setWindowTitle(title)
        self.resize(460, 480)
        layout = QVBoxLayout(self)
        self.search = QLineEdit()
        self.search.setPlaceholderText("姓名、工号或拼音首字母，回车添加")
        self.search.textChanged.connect(self._search)
        self.search.returnPressed.connect(self._add_current)
        layout.addWidget(self.search)
        self.results = QListWidget()
        self.results.itemActivated.connect(lambda item: self._add(item))
        layout.addWidget(self.results, 1)
        self.status = QLabel()
        self.status.setObjectName("fieldHint")
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("完成")
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self._search("")

    def _search(self, text: str) -> None:
        found = guarded(self, people.list_staff, self.ctx.session, people.StaffFilter(query=text), limit=LIMIT) or []
        self.results.clear()
        for s in found:
            if s.id in self.exclude:
                continue
            item = QListWidgetItem(f"{s.name}　{s.employee_no}　{s.department_name}　{s.title or s.category}")
            item.setData(Qt.ItemDataRole.UserRole, s)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def _add_current(self) -> None:
        item = self.results.currentItem()
        if item is not None:
            self._add(item)

    def _add(self, item: QListWidgetItem) -> None:
        staff: Staff = item.data(Qt.ItemDataRole.UserRole)
        self.picked.append(staff)
        self.exclude.add(staff.id)
        self.results.takeItem(self.results.row(item))
        self.status.setText("已添加：" + "、".join(s.name for s in self.picked))
        self.search.selectAll()
