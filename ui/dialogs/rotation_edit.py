"""轮转表 editor: the turn order of a post (一线 轮转) that 按轮转表排班 follows.

Type a name or pinyin initials (``zs`` finds 张三), Enter adds the highlighted person; the list
is reordered with Alt+↑/Alt+↓ and Delete removes. People who do not meet the post's
qualification (judged on the first day of next month, for the post's first shift) carry a
warning sign and the reason; they may stay on the list, the roster checks flag them when placed.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from desktop_app.people import service as people
from desktop_app.roster import service as roster
from desktop_app.roster.models import Post
from ui.errors import attempt, guarded
from ui.forms import save_cancel_buttons

ID_ROLE = Qt.ItemDataRole.UserRole
MAX_MATCHES = 60


def _next_month_first(today: dt.date) -> dt.date:
    return (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


class _SearchEdit(QLineEdit):
    """↑/↓ move through the matches below; Enter adds (and never presses the dialog's 保存)."""

    def __init__(self, matches: QListWidget, on_enter):
        super().__init__()
        self.matches = matches
        self.on_enter = on_enter

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        key = event.key()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.matches.count():
            step = 1 if key == Qt.Key.Key_Down else -1
            self.matches.setCurrentRow(max(0, min(self.matches.count() - 1, self.matches.currentRow() + step)))
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.on_enter()
            event.accept()
            return
        super().keyPressEvent(event)


class RotationDialog(QDialog):
    def __init__(self, ctx, post: Post, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.post = post
        self.saved = False
        self.setWindowTitle(f"轮转表 — {post.name}")
        self.resize(860, 560)
        self.day = _next_month_first(ctx.session.today())
        shifts = [s for s in post.shifts if s.active] or list(post.shifts)
        self.shift = shifts[0] if shifts else None
        self.warning_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        self.people: dict[int, tuple[str, tuple[str, ...]]] = {}  # id -> (label, problems)

        outer = QVBoxLayout(self)
        basis = (f"资质要求：{post.qualification_text()}。资质按 {self.day:%Y-%m-%d}（下月第一天）"
                 f"{'、' + self.shift.label() if self.shift else ''}核对，不符合者标有警告标志。")
        if self.shift is None:
            basis = f"资质要求：{post.qualification_text()}。该岗位尚未设置班次，无法核对资质。"
        self.basis = QLabel(basis)
        self.basis.setWordWrap(True)
        outer.addWidget(self.basis)

        grid = QGridLayout()
        self.matches = QListWidget()
        self.search = _SearchEdit(self.matches, self.add_current)
        self.search.setPlaceholderText("输入姓名、工号或拼音首字母（如 zs），Enter 加入")
        self.search.setClearButtonEnabled(True)
        self.members = QListWidget()
        self.members.setObjectName("rotationList")
        left_title, right_title = QLabel("查找人员"), QLabel("轮转顺序")
        self.count = QLabel()
        grid.addWidget(left_title, 0, 0)
        grid.addWidget(self.search, 1, 0)
        grid.addWidget(self.matches, 2, 0)
        grid.addWidget(right_title, 0, 2)
        grid.addWidget(self.count, 1, 2)
        grid.addWidget(self.members, 2, 2)
        middle = QVBoxLayout()
        self.add_button = QPushButton("加入 →")
        self.add_button.clicked.connect(self.add_current)
        middle.addStretch(1)
        middle.addWidget(self.add_button)
        middle.addStretch(1)
        grid.addLayout(middle, 2, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(2, 1)
        outer.addLayout(grid, 1)

        row = QVBoxLayout()
        hint = QLabel("“按轮转表排班”时从指定的人员开始，按此顺序依次轮转；不符合资质的人员标有警告标志（鼠标停留可见原因）。")
        hint.setObjectName("fieldHint")
        row.addWidget(hint)
        outer.addLayout(row)
        self.up_button, self.down_button = QPushButton("上移 (Alt+↑)"), QPushButton("下移 (Alt+↓)")
        self.remove_button = QPushButton("移出 (Delete)")
        for b, slot in ((self.up_button, lambda: self.move(-1)), (self.down_button, lambda: self.move(1)),
                        (self.remove_button, self.remove_current)):
            b.clicked.connect(slot)
        moves = QHBoxLayout()
        for b in (self.up_button, self.down_button, self.remove_button):
            moves.addWidget(b)
        moves.addStretch(1)
        grid.addLayout(moves, 4, 2)
        self.reason = QLabel()  # why the current person does not qualify (keyboard users see no tooltips)
        self.reason.setObjectName("errorText")
        self.reason.setWordWrap(True)
        grid.addWidget(self.reason, 3, 2)
        self.members.currentItemChanged.connect(
            lambda item, _old: self.reason.setText(item.toolTip() if item is not None else ""))
        outer.addWidget(save_cancel_buttons(self, self.save))

        for key, slot in (("Alt+Up", lambda: self.move(-1)), ("Alt+Down", lambda: self.move(1))):
            QShortcut(QKeySequence(key), self, slot)
        delete = QShortcut(QKeySequence.StandardKey.Delete, self.members, self.remove_current)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.matches.itemDoubleClicked.connect(lambda _i: self.add_current())

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.find)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self._load_members()
        self.find()
        self.search.setFocus()

    # -- who is who
    def _lookup(self, query: str) -> list[tuple[int, str, tuple[str, ...]]]:
        """(id, label, problems) of the people matching ``query``, those who qualify first."""
        session = self.ctx.session
        if self.shift is not None:
            found = guarded(self, roster.candidates, session, self.day, self.shift.id, query) or []
            return [(c.staff.id, f"{c.staff.name}　{c.staff.title or '无职称'}　{c.staff.department_name}",
                     c.problems) for c in found]
        found = guarded(self, people.list_staff, session, people.StaffFilter(query=query, on_duty=True)) or []
        return [(s.id, f"{s.name}　{s.title or '无职称'}　{s.department_name}", ()) for s in found]

    def _remember(self, found) -> None:
        for staff_id, label, problems in found:
            self.people[staff_id] = (label, problems)

    def _item(self, staff_id: int) -> QListWidgetItem:
        label, problems = self.people.get(staff_id) or self._unknown(staff_id)
        item = QListWidgetItem(label)
        item.setData(ID_ROLE, staff_id)
        if problems:
            item.setIcon(self.warning_icon)
            item.setToolTip("不符合岗位资质：" + "；".join(problems))
        return item

    def _unknown(self, staff_id: int) -> tuple[str, tuple[str, ...]]:
        """Someone on the list who is not a candidate any more (left, or another staff category)."""
        s = guarded(self, people.get_staff, self.ctx.session, staff_id)
        if s is None:
            return str(staff_id), ("人员不存在",)
        reasons = []
        if not s.on_duty:
            reasons.append("已离岗")
        if self.post.required_category and s.category != self.post.required_category:
            reasons.append(f"岗位要求{self.post.required_category}，本人为{s.category}")
        entry = (f"{s.name}　{s.title or '无职称'}　{s.department_name}", tuple(reasons) or ("不在可选人员中",))
        self.people[staff_id] = entry
        return entry

    def _load_members(self) -> None:
        self._remember(self._lookup(""))
        for staff_id in guarded(self, roster.rotation, self.ctx.session, self.post.id) or []:
            self.members.addItem(self._item(staff_id))
        if self.members.count():
            self.members.setCurrentRow(0)
        self._update_count()

    def member_ids(self) -> list[int]:
        return [self.members.item(i).data(ID_ROLE) for i in range(self.members.count())]

    def member_names(self) -> list[str]:
        return [self.members.item(i).text().split("　")[0] for i in range(self.members.count())]

    def _update_count(self) -> None:
        bad = sum(1 for i in self.member_ids() if self.people.get(i, ("", ()))[1])
        self.count.setText(f"共 {self.members.count()} 人" + (f"，其中 {bad} 人不符合资质" if bad else ""))

    # -- actions
    def find(self) -> None:
        found = self._lookup(self.search.text())
        self._remember(found)
        taken = set(self.member_ids())
        self.matches.clear()
        for staff_id, _label, _problems in [f for f in found if f[0] not in taken][:MAX_MATCHES]:
            self.matches.addItem(self._item(staff_id))
        if self.matches.count():
            self.matches.setCurrentRow(0)

    def add_current(self) -> None:
        item = self.matches.currentItem()
        if item is None:
            return
        staff_id = item.data(ID_ROLE)
        self.members.addItem(self._item(staff_id))
        self.members.setCurrentRow(self.members.count() - 1)
        self.matches.takeItem(self.matches.row(item))
        self.search.clear()
        self._update_count()

    def move(self, step: int) -> None:
        row = self.members.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.members.count():
            return
        item = self.members.takeItem(row)
        self.members.insertItem(target, item)
        self.members.setCurrentRow(target)

    def remove_current(self) -> None:
        row = self.members.currentRow()
        if row < 0:
            return
        self.members.takeItem(row)
        self.members.setCurrentRow(min(row, self.members.count() - 1))
        self._update_count()
        self.find()

    def save(self) -> None:
        if attempt(self, roster.set_rotation, self.ctx.session, self.post.id, self.member_ids()):
            self.saved = True
            self.ctx.notify("roster")
            self.accept()

    def done(self, result: int) -> None:  # noqa: D401 - Qt API
        self._timer.stop()
        super().done(result)
