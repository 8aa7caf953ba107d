"""How errors reach the user (see architecture.md, 'Errors the user sees').

* :class:`UserError` — a message the user can act on, as a warning box.
* :class:`Cancelled` — nothing.
* :class:`StorageEnvironmentError` — a calm information box: nothing was written, try again.
* anything else is a bug — a crash dialog with a short text, the details and a copy button,
  and the traceback in the rotating log file.
"""
from __future__ import annotations

import logging
import logging.handlers
import sys
import traceback

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app import errors
from desktop_app.paths import log_dir

log = logging.getLogger("qledger")


def setup_logging() -> None:
    if any(isinstance(h, logging.handlers.RotatingFileHandler) for h in log.handlers):
        return
    handler = logging.handlers.RotatingFileHandler(
        log_dir() / "qledger.log", maxBytes=1_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)


class CrashDialog(QDialog):
    def __init__(self, summary: str, details: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("程序出现错误")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        text = QLabel(
            f"<b>很抱歉，程序遇到了一个意外错误。</b><br>{summary}<br><br>"
            "您的数据没有丢失：未完成的操作已撤销。请把下面的详细信息复制后发给信息科或维护人员；"
            f"日志文件位于：{log_dir() / 'qledger.log'}"
        )
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(text)
        self.details = QPlainTextEdit(details)
        self.details.setReadOnly(True)
        self.details.setMinimumHeight(180)
        layout.addWidget(self.details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton("复制详细信息", QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(lambda: QApplication.clipboard().setText(details))
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """Show ``exc`` in the way its kind deserves."""
    if isinstance(exc, errors.Cancelled):
        return
    if isinstance(exc, errors.UserError):
        QMessageBox.warning(parent, exc.title, exc.message)
        return
    if isinstance(exc, errors.StorageEnvironmentError):
        log.warning("environment: %s", exc)
        QMessageBox.information(parent, exc.title, exc.message)
        return
    if isinstance(exc, errors.DatabaseOpenError):
        log.warning("database: %s", exc)
        QMessageBox.critical(parent, exc.title, exc.message)
        return
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    log.error("unexpected error\n%s", details)
    CrashDialog(f"{type(exc).__name__}: {exc}", details, parent).exec()


def guarded(parent: QWidget | None, fn, *args, **kwargs):
    """Run ``fn``; on failure show the error and return None. For short service calls."""
    try:
        return fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - every error is shown, by kind
        show_error(parent, exc)
        return None


def attempt(parent: QWidget | None, fn, *args, **kwargs) -> bool:
    """Run ``fn`` for its effect; True when it succeeded, otherwise the error is shown."""
    try:
        fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001
        show_error(parent, exc)
        return False
    return True


def install_excepthook() -> None:
    """Uncaught exceptions in slots reach the crash dialog instead of killing the program."""

    def hook(exc_type, exc, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        exc.__traceback__ = tb
        show_error(QApplication.activeWindow(), exc)

    sys.excepthook = hook
