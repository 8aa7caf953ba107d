"""The main window: navigation on the left, pages on the right, the user in the status bar.

Pages are built the first time they are shown, so start-up builds only the 工作台. Only modules
that work — and that the current user may use — appear in the navigation.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME
from desktop_app.hospital.service import get_profile
from desktop_app.settings import get_setting
from ui.context import AppContext
from ui.modules import PAGES


class IdleWatcher(QObject):
    """Counts time since the last keyboard or mouse input anywhere in the program."""

    INPUT_EVENTS = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel}

    def __init__(self, parent: QObject):
        super().__init__(parent)
        from time import monotonic

        self._clock = monotonic
        self.last_input = monotonic()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        if event.type() in self.INPUT_EVENTS:
            self.last_input = self._clock()
        return False

    def idle_seconds(self) -> float:
        return self._clock() - self.last_input


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, *, switch_user: Callable[[QWidget, str | None], object] | None = None):
        super().__init__()
        self.ctx = ctx
        self.switch_user_callback = switch_user
        self.locked = False
        self.pages: dict[str, QWidget] = {}
        self.specs = {s.key: s for s in PAGES}
        self.resize(1280, 800)

        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(180)
        self.nav.currentItemChanged.connect(self._nav_changed)
        row.addWidget(self.nav)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget()
        right.addWidget(self.stack)
        row.addLayout(right, 1)
        self.setCentralWidget(central)

        self.lock_page = QLabel("程序已锁定\n\n请重新登录以继续")
        self.lock_page.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.lock_page.setObjectName("lockPage")
        self.stack.addWidget(self.lock_page)

        self._build_toolbar()
        self.user_label = QLabel()
        self.db_label = QLabel()
        self.statusBar().addPermanentWidget(self.user_label)
        self.statusBar().addPermanentWidget(self.db_label)

        ctx.navigate_requested.connect(self.navigate)
        ctx.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        ctx.session_replaced.connect(self._session_replaced)
        ctx.changed.connect(self._maybe_update_title)
        self._session_replaced()

        self.idle = IdleWatcher(self)
        QApplication.instance().installEventFilter(self.idle)
        self.idle_timer = QTimer(self)
        self.idle_timer.setInterval(15_000)
        self.idle_timer.timeout.connect(self._check_idle)
        self.idle_timer.start()

    # -- chrome
    def _build_toolbar(self) -> None:
        bar = self.addToolBar("主工具栏")
        bar.setMovable(False)
        bar.setObjectName("mainToolbar")
        self.hospital_label = QLabel()
        self.hospital_label.setObjectName("toolbarTitle")
        bar.addWidget(self.hospital_label)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        self.user_button = QToolButton()
        self.user_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.user_button)
        self.change_password_action = QAction("修改密码…", self)
        self.change_password_action.triggered.connect(self.change_password)
        self.switch_action = QAction("切换用户…", self)
        self.switch_action.triggered.connect(lambda: self.switch_user(None))
        self.lock_action = QAction("锁定", self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.lock)
        quit_action = QAction("退出程序", self)
        quit_action.triggered.connect(self.close)
        for a in (self.change_password_action, self.switch_action, self.lock_action):
            menu.addAction(a)
        menu.addSeparator()
        menu.addAction(quit_action)
        self.addAction(self.lock_action)
        self.user_button.setMenu(menu)
        bar.addWidget(self.user_button)

    def _maybe_update_title(self, domains: set[str]) -> None:
        if domains & {"hospital", "*"}:
            self._update_title()

    def _update_title(self) -> None:
        profile = get_profile(self.ctx.db)
        name = profile.name if profile else ""
        self.setWindowTitle(f"{APP_NAME} — {name}" if name else APP_NAME)
        self.hospital_label.setText(f"  {name}  ·  {APP_NAME}")

    def _session_replaced(self) -> None:
        actor = self.ctx.actor
        self._update_title()
        self.user_button.setText(f"{actor.display_name}（{actor.role_label}） ▾")
        self.user_label.setText(f"当前用户：{actor.display_name}（{actor.role_label}）")
        self.db_label.setText(f"数据库：{self.ctx.db.path}")
        self._build_navigation()

    def _build_navigation(self) -> None:
        current = self.current_page_key() or "dashboard"
        self.nav.blockSignals(True)
        self.nav.clear()
        group = None
        for spec in self.specs.values():
            if spec.permission and not self.ctx.can(spec.permission):
                continue
            if spec.group and spec.group != group:
                header = QListWidgetItem(spec.group)
                header.setFlags(Qt.ItemFlag.NoItemFlags)
                header.setData(Qt.ItemDataRole.UserRole, None)
                f = header.font()
                f.setBold(True)
                header.setFont(f)
                self.nav.addItem(header)
            group = spec.group
            item = QListWidgetItem(("    " if spec.group else "") + spec.title)
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            self.nav.addItem(item)
        self.nav.blockSignals(False)
        # pages of another user's session must not linger
        for key, page in list(self.pages.items()):
            spec = self.specs[key]
            if spec.permission and not self.ctx.can(spec.permission):
                self.stack.removeWidget(page)
                page.deleteLater()
                del self.pages[key]
        if not self.navigate(current):
            self.navigate("dashboard")

    def visible_page_keys(self) -> list[str]:
        keys = []
        for i in range(self.nav.count()):
            key = self.nav.item(i).data(Qt.ItemDataRole.UserRole)
            if key:
                keys.append(key)
        return keys

    def current_page_key(self) -> str | None:
        item = self.nav.currentItem() if hasattr(self, "nav") else None
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    # -- navigation
    def navigate(self, key: str) -> bool:
        """Show a page; ``"ledger:overdue"`` also hands the preset after the colon to the page."""
        key, _, preset = key.partition(":")
        for i in range(self.nav.count()):
            if self.nav.item(i).data(Qt.ItemDataRole.UserRole) == key:
                self.nav.setCurrentRow(i)
                page = self.pages.get(key)
                if preset and page is not None and hasattr(page, "apply_preset"):
                    page.apply_preset(preset)
                return True
        return False

    def page(self, key: str) -> QWidget:
        if key not in self.pages:
            page = self.specs[key].factory(self.ctx)
            self.pages[key] = page
            self.stack.addWidget(page)
        return self.pages[key]

    def _nav_changed(self, item, _previous) -> None:
        if item is None or self.locked:
            return
        key = item.data(Qt.ItemDataRole.UserRole)
        if key:
            self.stack.setCurrentWidget(self.page(key))

    # -- account actions
    def change_password(self) -> None:
        from ui.dialogs.login import ChangePasswordDialog

        if ChangePasswordDialog(self.ctx.session, parent=self).exec():
            self.ctx.notify("accounts")
            self.ctx.status_message.emit("密码已修改")

    def switch_user(self, locked_user: str | None) -> bool:
        if self.switch_user_callback is None:
            return False
        session = self.switch_user_callback(self, locked_user)
        if session is None:
            return False
        if session.actor != self.ctx.actor:
            self.ctx.replace_session(session)
        return True

    def lock(self) -> None:
        if self.locked:
            return
        self.locked = True
        self.nav.setEnabled(False)
        self.stack.setCurrentWidget(self.lock_page)
        while not self.switch_user(self.ctx.actor.username):
            # Cancelling leaves the program locked; the lock page offers to try again.
            from PySide6.QtWidgets import QMessageBox

            if QMessageBox.question(self, "程序已锁定", "需要登录才能继续。是否退出程序？") == QMessageBox.StandardButton.Yes:
                self.close()
                return
        self.unlock()

    def unlock(self) -> None:
        self.locked = False
        self.nav.setEnabled(True)
        key = self.current_page_key() or "dashboard"
        self.stack.setCurrentWidget(self.page(key))
        self.idle.last_input = self.idle._clock()

    def _check_idle(self) -> None:
        if self.locked or not self.isVisible():  # a closed window has nothing to lock (its database may be gone)
            return
        minutes = int(get_setting(self.ctx.db, "security.idle_lock_minutes"))
        if minutes and self.idle.idle_seconds() >= minutes * 60:
            self.lock()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.idle_timer.stop()
        super().closeEvent(event)
