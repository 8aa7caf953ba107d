"""工作台: today's to-dos from every module, and a few figures."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from desktop_app import dashboard
from desktop_app.hospital.service import get_profile
from desktop_app.modules import MODULES
from ui.pages.base import Page

SEVERITY_STYLE = {
    "alert": ("#c62828", "紧急"),
    "warning": ("#b26a00", "提醒"),
    "info": ("#1565c0", "信息"),
    "ok": ("#2e7d32", "正常"),
}
WEEKDAYS = "一二三四五六日"


class StatCard(QPushButton):
    """A figure with its label; clicking it opens the page behind the figure."""

    def __init__(self, stat: dashboard.Stat):
        super().__init__()
        self.setObjectName("statCard")
        self.setCursor(Qt.CursorShape.PointingHandCursor if stat.page else Qt.CursorShape.ArrowCursor)
        inner = QVBoxLayout(self)
        inner.setContentsMargins(14, 8, 14, 8)
        value = QLabel(stat.value)
        value.setObjectName("statValue")
        label = QLabel(stat.label)
        label.setObjectName("statLabel")
        for w in (value, label):
            w.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            inner.addWidget(w)
        if stat.note:
            self.setToolTip(stat.note)
        self.page = stat.page
        self.setMinimumHeight(84)


def figure_cards(grid: QGridLayout, specs) -> tuple[dict[str, QLabel], dict[str, StatCard]]:
    """A row of figure cards (label, note) in ``grid``: the label → its figure, and the label → its card.
    Figures, not links: no hover effect, no focus."""
    grid.setContentsMargins(0, 4, 0, 4)
    values, cards = {}, {}
    for i, (label, note) in enumerate(specs):
        card = StatCard(dashboard.Stat(label, "—", note=note))
        card.setObjectName("figureCard")
        card.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        values[label] = card.findChild(QLabel, "statValue")
        cards[label] = card
        grid.addWidget(card, 0, i)
    return values, cards


class DashboardPage(Page):
    title = "工作台"
    domains = frozenset({m.key for m in MODULES} | {"health", "settings"})

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        self.greeting = QLabel()
        self.greeting.setObjectName("pageTitle")
        layout.addWidget(self.greeting)
        self.subtitle = QLabel()
        self.subtitle.setObjectName("pageDescription")
        layout.addWidget(self.subtitle)
        self.stats_frame = QFrame()
        self.stats = QGridLayout(self.stats_frame)
        self.stats.setContentsMargins(0, 8, 0, 8)
        layout.addWidget(self.stats_frame)
        todo_title = QLabel("待办与提醒")
        todo_title.setObjectName("sectionTitle")
        layout.addWidget(todo_title)
        self.todos = QListWidget()
        self.todos.setObjectName("todoList")
        self.todos.setWordWrap(True)
        self.todos.itemActivated.connect(self._open_item)
        self.todos.itemClicked.connect(self._open_item)
        layout.addWidget(self.todos, 1)

    def refresh(self) -> None:
        session = self.ctx.session
        today = session.today()
        profile = get_profile(session.db)
        self.greeting.setText(f"{profile.name if profile else ''} · 工作台")
        self.subtitle.setText(
            f"{today:%Y年%m月%d日} 星期{WEEKDAYS[today.weekday()]}　当前用户：{session.actor.display_name}"
            f"（{session.actor.role_label}）"
        )
        while self.stats.count():
            item = self.stats.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for i, stat in enumerate(dashboard.collect_stats(session)):
            card = StatCard(stat)
            card.clicked.connect(lambda _=False, p=stat.page: p and self.ctx.navigate_requested.emit(p))
            self.stats.addWidget(card, i // 4, i % 4)
        self.todos.clear()
        for todo in dashboard.collect(session, self.ctx.health):
            colour, word = SEVERITY_STYLE.get(todo.severity, ("#333", ""))
            text = f"【{word}】{todo.module}：{todo.title}"
            if todo.detail:
                text += f"\n{todo.detail}"
            item = QListWidgetItem(text)
            item.setForeground(QColor(colour))
            item.setData(Qt.ItemDataRole.UserRole, todo.page)
            if todo.page:
                item.setToolTip("点击前往处理")
            self.todos.addItem(item)

    def todo_texts(self) -> list[str]:
        return [self.todos.item(i).text() for i in range(self.todos.count())]

    def _open_item(self, item: QListWidgetItem) -> None:
        page = item.data(Qt.ItemDataRole.UserRole)
        if page:
            self.ctx.navigate_requested.emit(page)
