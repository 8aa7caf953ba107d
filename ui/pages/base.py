"""What every page shares: the context, its domains, and redrawing only when they changed."""
from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.context import AppContext


class Page(QWidget):
    title = ""
    domains: frozenset[str] = frozenset()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._dirty = True
        ctx.changed.connect(self._on_changed)
        ctx.session_replaced.connect(self.mark_dirty)

    # Subclasses implement refresh(): ask the services for rows and hand them to the models.
    def refresh(self) -> None:
        raise NotImplementedError

    def mark_dirty(self) -> None:
        self._dirty = True
        if self.isVisible():
            self._refresh_now()

    def _on_changed(self, domains: set[str]) -> None:
        if domains & self.domains or "*" in domains:
            self.mark_dirty()

    def _refresh_now(self) -> None:
        self._dirty = False
        self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self._dirty:
            self._refresh_now()

    # -- small layout helpers
    def page_layout(self, heading: str, description: str = "") -> QVBoxLayout:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        title = QLabel(heading)
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        if description:
            text = QLabel(description)
            text.setObjectName("pageDescription")
            text.setWordWrap(True)
            layout.addWidget(text)
        return layout


def button_row(*buttons: QPushButton, stretch_first: bool = False) -> QHBoxLayout:
    row = QHBoxLayout()
    if stretch_first:
        row.addStretch(1)
    for b in buttons:
        row.addWidget(b)
    if not stretch_first:
        row.addStretch(1)
    return row
