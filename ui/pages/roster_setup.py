"""值班岗位 page: every duty post with its qualification, headcount, shifts and rotation list.

Keyboard: Ctrl+F search, Ctrl+N new post, Enter edit, Ctrl+R 轮转表, Ctrl+D 停用/启用.
Without the right to set up the roster the list is read-only (Enter shows the post).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPushButton

from desktop_app.people.pinyin import search_keys
from desktop_app.roster import service as roster
from desktop_app.roster.manifest import ROSTER_SETUP
from desktop_app.roster.models import Post
from ui.dialogs.duty_post_edit import INACTIVE_COLOUR, DutyPostDialog, shifts_summary
from ui.dialogs.rotation_edit import RotationDialog
from ui.errors import attempt, guarded
from ui.pages.base import Page, button_row
from ui.table import Column, RecordTableModel, RecordTableView

NO_SHIFT_COLOUR = "#c62828"


@dataclass(frozen=True)
class PostRow:
    post: Post
    rotation: int  # people on the rotation list

    @cached_property
    def search_text(self) -> str:
        """Name, kind, group and department, and their pinyin initials and spelling (nkyx → 内科一线)."""
        p = self.post
        words = [x for x in (p.name, p.kind, p.group_name, p.department_name or "") if x]
        return " ".join(words) + "".join(search_keys(w) for w in words)


POST_COLUMNS = [
    Column("名称", lambda r: r.post.name, width=150),
    Column("类型", lambda r: r.post.kind, width=84),
    Column("分组", lambda r: r.post.group_name, width=76),
    Column("科室", lambda r: r.post.department_name or "全院", width=100),
    Column("资质要求", lambda r: r.post.qualification_text(), width=236,
           tooltip=lambda r: r.post.duties and f"岗位职责：{r.post.duties}"),
    Column("每班人数", lambda r: r.post.headcount, sort=lambda r: r.post.headcount, width=66, align_right=True),
    Column("班次", lambda r: shifts_summary(r.post, "；\n"), width=300,  # one shift a line
           colour=lambda r: None if any(s.active for s in r.post.shifts) else NO_SHIFT_COLOUR),
    Column("轮转人数", lambda r: r.rotation or "", sort=lambda r: r.rotation, width=66, align_right=True),
    Column("状态", lambda r: "启用" if r.post.active else "停用", width=50),
]


class DutyPostsPage(Page):
    title = "值班岗位"
    domains = frozenset({"roster", "people"})

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        layout = self.page_layout(
            "值班岗位", "每个岗位有职责、资质要求、每班人数和班次；值班表按岗位和班次排班。"
            "双击或按 Enter 编辑，Ctrl+N 新增，Ctrl+R 编辑轮转表。")
        filters = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("筛选：岗位名称 / 类型 / 科室，可用拼音首字母（Ctrl+F）")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(self.search.fontMetrics().horizontalAdvance(self.search.placeholderText()) + 40)
        self.group = QComboBox()
        self.group.setMinimumWidth(120)
        self.include_inactive = QCheckBox("含停用岗位")
        for w in (self.search, self.group, self.include_inactive):
            filters.addWidget(w)
        filters.addStretch(1)
        self.count = QLabel()
        filters.addWidget(self.count)
        layout.addLayout(filters)

        self.model = RecordTableModel(POST_COLUMNS, self,
                                      row_colour=lambda r: None if r.post.active else INACTIVE_COLOUR)
        self.table = RecordTableView(self.model)
        self.table.setWordWrap(True)  # 资质要求 and 班次 are long: whole, on two lines
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        layout.addWidget(self.table, 1)

        self.add_button = QPushButton("新增岗位")
        self.edit_button = QPushButton("编辑")
        self.toggle_button = QPushButton("停用")
        self.rotation_button = QPushButton("轮转表…")
        self.add_button.setToolTip("Ctrl+N")
        self.rotation_button.setToolTip("一线等岗位按轮转表顺序排班（Ctrl+R）")
        self.toggle_button.setToolTip("停用的岗位不再排班，已排的值班记录保留（Ctrl+D）")
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit_selected)
        self.toggle_button.clicked.connect(self.toggle_selected)
        self.rotation_button.clicked.connect(self.edit_rotation)
        layout.addLayout(button_row(self.add_button, self.edit_button, self.toggle_button, self.rotation_button))

        self.search.textChanged.connect(lambda _t: self.reload_rows())
        self.group.currentIndexChanged.connect(lambda _i: self.reload_rows())
        self.include_inactive.toggled.connect(lambda _c: self.reload_rows())
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)
        self._apply_permissions()
        self.ctx.session_replaced.connect(self._apply_permissions)
        QShortcut(QKeySequence.StandardKey.Find, self, self._focus_search)
        QShortcut(QKeySequence.StandardKey.New, self, lambda: self.can_edit and self.add())
        QShortcut(QKeySequence("Ctrl+R"), self, lambda: self.can_edit and self.edit_rotation())
        QShortcut(QKeySequence("Ctrl+D"), self, lambda: self.can_edit and self.toggle_selected())
        enter = QShortcut(QKeySequence(Qt.Key.Key_Return), self.table, self.edit_selected)
        enter.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.search.returnPressed.connect(self._to_table)

    @property
    def can_edit(self) -> bool:
        return self.ctx.can(ROSTER_SETUP)

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _to_table(self) -> None:
        self.table.setFocus()
        if not self.table.selectionModel().hasSelection():
            self.table.select_first()

    def _apply_permissions(self) -> None:
        for b in (self.add_button, self.toggle_button, self.rotation_button):
            b.setVisible(self.can_edit)
        self.edit_button.setText("编辑" if self.can_edit else "查看")

    def _update_buttons(self) -> None:
        row = self.table.selected_record()
        self.toggle_button.setText("启用" if row is not None and not row.post.active else "停用")
        for b in (self.edit_button, self.toggle_button, self.rotation_button):
            b.setEnabled(row is not None)

    def refresh(self) -> None:
        groups = guarded(self, roster.post_groups, self.ctx.session) or []
        current = self.group.currentData()
        self.group.blockSignals(True)
        self.group.clear()
        self.group.addItem("全部分组", None)
        for g in groups:
            self.group.addItem(g, g)
        self.group.setCurrentIndex(max(0, self.group.findData(current)))
        self.group.blockSignals(False)
        self.reload_rows()

    def reload_rows(self) -> None:
        posts = guarded(self, roster.list_posts, self.ctx.session, include_inactive=self.include_inactive.isChecked())
        if posts is None:
            return
        group, text = self.group.currentData(), self.search.text().strip().lower()
        rows = [PostRow(p, len(roster.rotation(self.ctx.session, p.id))) for p in posts
                if (group is None or p.group_name == group)]
        rows = [r for r in rows if not text or text in r.search_text.lower()]
        selected = self.table.selected_record()
        self.model.set_rows(rows)
        self.table.resizeRowsToContents()
        if selected is not None:
            self.select_post(selected.post.id)
        active = sum(1 for r in rows if r.post.active)
        self.count.setText(f"共 {len(rows)} 个岗位" + (f"（{len(rows) - active} 个停用）" if active < len(rows) else ""))

    def select_post(self, post_id: int) -> bool:
        return self.table.select_where(lambda r: r.post.id == post_id)

    def add(self) -> None:
        dialog = DutyPostDialog(self.ctx, parent=self)
        if self.group.currentData():
            dialog.group.setEditText(self.group.currentData())
        self._last_dialog = dialog
        dialog.accepted.connect(lambda: self.select_post(dialog.saved.id))  # the new post, selected
        dialog.exec()

    def edit_selected(self) -> None:
        row = self.table.selected_record()
        if row is None:
            return
        dialog = DutyPostDialog(self.ctx, row.post, parent=self)
        self._last_dialog = dialog
        dialog.exec()

    def toggle_selected(self) -> None:
        row = self.table.selected_record()
        if row is None:
            return
        post = row.post
        if post.active:
            answer = QMessageBox.question(
                self, "停用岗位", f"停用“{post.name}”吗？\n停用后不再为该岗位排班，已排的值班记录保留；以后可再启用。")
            if answer != QMessageBox.StandardButton.Yes:
                return
        if attempt(self, roster.save_post, self.ctx.session, {"active": not post.active}, post.id):
            if post.active and not self.include_inactive.isChecked():
                self.include_inactive.setChecked(True)  # keep the post in sight, now grey
            self.ctx.notify("roster")
            self.select_post(post.id)

    def edit_rotation(self) -> None:
        row = self.table.selected_record()
        if row is None:
            return
        dialog = RotationDialog(self.ctx, row.post, parent=self)
        self._last_dialog = dialog
        dialog.exec()
