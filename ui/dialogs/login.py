"""Login, the forced password change, and the lock screen."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME, errors
from desktop_app.accounts import service as accounts
from desktop_app.accounts.models import USER_FIELDS
from desktop_app.clock import Clock
from desktop_app.session import Session
from ui.errors import show_error
from ui.forms import ValidatedForm


def _password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class LoginDialog(QDialog):
    """Asks for a username and password; on success ``self.session`` is the logged-in session."""

    def __init__(self, db, clock: Clock, *, hospital_name: str = "", hint: str = "",
                 username: str | None = None, title: str = "登录", locked_user: str | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.clock = clock
        self.session: Session | None = None
        self.must_change_password = False
        self.password_expires_in_days: int | None = None
        self.setWindowTitle(f"{title} — {APP_NAME}")
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        heading = QLabel(f"<div style='font-size:18pt;font-weight:bold'>{APP_NAME}</div>"
                         f"<div style='font-size:11pt;color:#555'>{hospital_name}</div>")
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(heading)
        if locked_user:
            note = QLabel(f"程序已锁定。请“{locked_user}”输入密码继续，或换一个用户登录。")
            note.setWordWrap(True)
            layout.addWidget(note)
        self.form = ValidatedForm()
        self.username = QComboBox()
        self.username.setEditable(True)
        self.username.addItems(accounts.usernames_for_login(db))
        self.username.setCurrentText(username or (self.username.itemText(0) if self.username.count() else ""))
        self.password = _password_edit()
        self.form.add(USER_FIELDS["username"], self.username)
        self.form.add(USER_FIELDS["password"], self.password)
        layout.addWidget(self.form)
        self.message = QLabel()
        self.message.setObjectName("errorText")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        if hint:
            tip = QLabel(hint)
            tip.setObjectName("fieldHint")
            tip.setWordWrap(True)
            tip.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(tip)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton("登录", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("退出" if not locked_user else "取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.ok.setDefault(True)
        (self.password if self.username.currentText() else self.username).setFocus()

    def try_login(self) -> None:
        try:
            result = accounts.authenticate(self.db, self.username.currentText(), self.password.text(), self.clock)
        except errors.AuthenticationError as exc:
            self.message.setText(exc.message)
            self.message.show()
            self.password.selectAll()
            self.password.setFocus()
            return
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return
        self.session = Session(self.db, result.actor, self.clock)
        self.must_change_password = result.must_change_password
        self.password_expires_in_days = result.password_expires_in_days
        self.accept()


class ChangePasswordDialog(QDialog):
    def __init__(self, session: Session, *, forced: bool = False, reason: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("修改密码")
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        if reason:
            note = QLabel(reason)
            note.setWordWrap(True)
            layout.addWidget(note)
        self.form = ValidatedForm()
        F = USER_FIELDS
        self.old = self.form.add(F["old_password"], _password_edit(), required=True)
        self.new = self.form.add(F["new_password"], _password_edit(), required=True,
                                 hint="至少 8 位，须同时包含字母和数字。")
        self.again = self.form.add(F["password_again"], _password_edit(), required=True)
        layout.addWidget(self.form)
        buttons = QDialogButtonBox()
        buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("退出程序" if forced else "取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def save(self) -> None:
        if self.new.text() != self.again.text():
            self.form.show_findings([USER_FIELDS.finding("password_again", "两次输入的新密码不一致。")])
            return
        ok, _ = self.form.submit(accounts.change_own_password, self.session, self.old.text(), self.new.text())
        if ok:
            self.accept()
