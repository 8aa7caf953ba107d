"""检查表: the checklists, and the categories and check points of the selected one.

Built-in checklists (national documents) are shown read-only: their wording is the
authority's, so changes go into a new version (新版本), which is the hospital's own.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app.ledger import checklists
from desktop_app.ledger.manifest import CHECKLISTS_MANAGE
from ui.dialogs.checklist_edit import ChecklistDialog, ChecklistItemDialog, NewVersionDialog
from ui.errors import attempt, guarded
from ui.pages.base import Page, button_row
from ui.table import Column, RecordTableModel, RecordTableView
from ui.widgets.result_grid import number

GREY = "#888888"
BUILTIN_NOTE = ("内置检查表依据国家文件，检查要点不能直接修改。需要增删或修改要点时，请点“新版本”复制一份"
                "（成为本院检查表），在新版本中修改。")

CHECKLIST_COLUMNS = [
    Column("名称", lambda c: c.name, width=300, tooltip=lambda c: c.basis or c.description),
    Column("版本", lambda c: c.version, width=70),
    Column("类型", lambda c: c.kind, width=80),
    Column("来源", lambda c: "内置" if c.builtin else "本院", width=60),
    Column("检查要点", lambda c: c.item_count, sort=lambda c: c.item_count, width=80, align_right=True),
    Column("状态", lambda c: "启用" if c.active else "停用", width=60),
]
ITEM_COLUMNS = [
    Column("编号", lambda i: i.code, width=60),
    Column("检查要点", lambda i: i.text, width=430, tooltip=lambda i: i.text),
    Column("检查方法", lambda i: i.method, width=230, tooltip=lambda i: i.method),
    Column("扣分", lambda i: number(i.deduction), sort=lambda i: i.deduction, width=56, align_right=True),
    Column("启用", lambda i: "是" if i.active else "否", width=50),
]


class ChecklistsPage(Page):
    title = "检查表"
    domains = frozenset({"ledger"})

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        layout = self.page_layout(
            "检查表", "检查时逐项对照的要点。每个检查表可按年份出新版本；旧版本和用过它的检查记录保持不变。")
        split = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        tv = QVBoxLayout(top)
        tv.setContentsMargins(0, 0, 0, 0)
        self.model = RecordTableModel(CHECKLIST_COLUMNS, self, row_colour=lambda c: None if c.active else GREY)
        self.table = RecordTableView(self.model)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_checklist())
        tv.addWidget(self.table, 1)
        self.new_button = QPushButton("新建检查表…")
        self.version_button = QPushButton("新版本…")
        self.active_button = QPushButton("停用")
        self.show_inactive = QCheckBox("显示已停用的检查表")
        self.new_button.clicked.connect(self.new_checklist)
        self.version_button.clicked.connect(self.new_version)
        self.active_button.clicked.connect(self.toggle_active)
        self.show_inactive.toggled.connect(lambda _c: self.refresh())
        row = button_row(self.new_button, self.version_button, self.active_button)
        row.addWidget(self.show_inactive)
        tv.addLayout(row)
        split.addWidget(top)

        bottom = QWidget()
        bv = QVBoxLayout(bottom)
        bv.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel()
        self.heading.setObjectName("sectionTitle")
        self.heading.setWordWrap(True)
        bv.addWidget(self.heading)
        self.notice = QLabel(BUILTIN_NOTE)
        self.notice.setObjectName("noticeBanner")
        self.notice.setWordWrap(True)
        bv.addWidget(self.notice)
        inner = QSplitter(Qt.Orientation.Horizontal)
        self.categories = QListWidget()
        self.categories.setObjectName("categoryList")
        self.categories.setWordWrap(True)
        self.categories.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.categories.currentItemChanged.connect(lambda *_: self._show_items())
        inner.addWidget(self.categories)
        self.items = RecordTableModel(ITEM_COLUMNS, self, row_colour=lambda i: None if i.active else GREY)
        self.items_view = RecordTableView(self.items)
        self.items_view.setWordWrap(True)
        self.items_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.items_view.horizontalHeader().setStretchLastSection(False)
        self.items_view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.items_view.doubleClicked.connect(lambda _i: self.edit_item())
        inner.addWidget(self.items_view)
        inner.setSizes([260, 870])
        inner.setStretchFactor(1, 1)
        bv.addWidget(inner, 1)
        self.add_item_button = QPushButton("添加检查要点…")
        self.edit_item_button = QPushButton("编辑…")
        self.add_item_button.clicked.connect(self.add_item)
        self.edit_item_button.clicked.connect(self.edit_item)
        self.item_count = QLabel()
        item_row = button_row(self.add_item_button, self.edit_item_button)
        item_row.addWidget(self.item_count)
        bv.addLayout(item_row)
        split.addWidget(bottom)
        split.setSizes([200, 460])
        layout.addWidget(split, 1)
        self.all_items: list[checklists.ChecklistItem] = []
        self.dialog = None

    # -- reading
    def refresh(self) -> None:
        keep = self.selected_checklist()
        rows = guarded(self, checklists.list_checklists, self.ctx.session,
                       include_inactive=self.show_inactive.isChecked())
        if rows is None:
            return
        self.model.set_rows(rows)
        if not (keep and self.select_checklist(keep.id)):
            self.table.select_first()
        self._show_checklist()

    def selected_checklist(self) -> checklists.Checklist | None:
        return self.table.selected_record()

    def select_checklist(self, checklist_id: int) -> bool:
        return self.table.select_where(lambda c: c.id == checklist_id)

    def can_manage(self) -> bool:
        return self.ctx.can(CHECKLISTS_MANAGE)

    def _show_checklist(self) -> None:
        c = self.selected_checklist()
        manage = self.can_manage()
        for b in (self.new_button, self.version_button, self.active_button, self.add_item_button,
                  self.edit_item_button):
            b.setVisible(manage)
        self.version_button.setEnabled(c is not None)
        self.active_button.setEnabled(c is not None)
        self.active_button.setText("停用" if c is None or c.active else "启用")
        editable = manage and c is not None and not c.builtin
        self.add_item_button.setEnabled(editable)
        self.edit_item_button.setEnabled(editable)
        for b in (self.add_item_button, self.edit_item_button):
            b.setToolTip("" if editable else BUILTIN_NOTE)
        self.notice.setVisible(c is not None and c.builtin)
        self.categories.clear()
        if c is None:
            self.heading.setText("没有检查表。")
            self.items.set_rows([])
            self.all_items = []
            return
        parts = [f"{c.label()}　{c.kind}", "内置" if c.builtin else "本院", "启用" if c.active else "已停用"]
        self.heading.setText("　·　".join(parts) + (f"\n依据：{c.basis}" if c.basis else ""))
        self.all_items = guarded(self, checklists.list_items, self.ctx.session, c.id, include_inactive=True) or []
        cats = guarded(self, checklists.list_categories, self.ctx.session, c.id) or []
        first = QListWidgetItem(f"全部类别（{len(self.all_items)}）")
        first.setData(Qt.ItemDataRole.UserRole, None)
        self.categories.addItem(first)
        for cat in cats:
            n = sum(1 for i in self.all_items if i.category_id == cat.id)
            item = QListWidgetItem(f"{cat.code}　{cat.name}（{n}）")
            item.setData(Qt.ItemDataRole.UserRole, cat.id)
            item.setToolTip(cat.name + (f"\n又称：{'、'.join(cat.aliases)}" if cat.aliases else ""))
            self.categories.addItem(item)
        self.categories.setCurrentRow(0)

    def current_category_id(self) -> int | None:
        item = self.categories.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _show_items(self) -> None:
        cat = self.current_category_id()
        rows = [i for i in self.all_items if cat is None or i.category_id == cat]
        self.items.set_rows(rows)
        inactive = sum(1 for i in rows if not i.active)
        self.item_count.setText(f"共 {len(rows)} 个要点" + (f"（其中停用 {inactive} 个）" if inactive else ""))

    def shown_codes(self) -> list[str]:
        return [self.items.record(i).code for i in range(self.items.rowCount())]

    # -- changes
    def _run(self, dialog, select_result: bool = False):
        self.dialog = dialog
        if dialog.exec() and select_result and dialog.saved is not None:
            self.select_checklist(dialog.saved.id)
        return dialog

    def new_checklist(self):
        return self._run(ChecklistDialog(self.ctx, parent=self), select_result=True)

    def new_version(self):
        c = self.selected_checklist()
        if c is not None:
            return self._run(NewVersionDialog(self.ctx, c, parent=self), select_result=True)
        return None

    def add_item(self):
        c = self.selected_checklist()
        if c is None or c.builtin:
            return None
        return self._run(ChecklistItemDialog(self.ctx, c, parent=self, category_id=self.current_category_id()))

    def edit_item(self):
        c = self.selected_checklist()
        item = self.items_view.selected_record()
        if c is None or item is None or not self.can_manage():
            return None
        if c.builtin:
            self.ctx.status_message.emit(BUILTIN_NOTE)
            return None
        return self._run(ChecklistItemDialog(self.ctx, c, item, parent=self))

    def toggle_active(self) -> None:
        c = self.selected_checklist()
        if c is None:
            return
        if c.active and QMessageBox.question(
                self, "停用检查表",
                f"停用“{c.label()}”后，新建检查时不再能选它；用过它的检查记录不受影响。确定停用吗？") \
                != QMessageBox.StandardButton.Yes:
            return
        if attempt(self, checklists.set_checklist_active, self.ctx.session, c.id, not c.active):
            self.ctx.notify("ledger")
            self.ctx.status_message.emit(f"已{'停用' if c.active else '启用'}“{c.label()}”")
