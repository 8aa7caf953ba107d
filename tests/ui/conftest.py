"""UI tests run offscreen with the bundled font, the zh_CN translation and the real style."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from desktop_app.accounts import service as accounts
from desktop_app.accounts.permissions import Role
from desktop_app.session import Session


@pytest.fixture(scope="session", autouse=True)
def _qt_setup(qapp):
    from ui.qt_setup import setup_application

    setup_application(qapp)
    return qapp


@pytest.fixture
def messages(monkeypatch):
    """Every QMessageBox shown, as (kind, title, text); questions are answered Yes."""
    shown: list[tuple[str, str, str]] = []

    def record(kind, answer=None):
        def fn(parent, title, text, *args, **kwargs):
            shown.append((kind, title, text))
            return answer if answer is not None else QMessageBox.StandardButton.Ok
        return fn

    monkeypatch.setattr(QMessageBox, "information", record("information"))
    monkeypatch.setattr(QMessageBox, "warning", record("warning", QMessageBox.StandardButton.Yes))
    monkeypatch.setattr(QMessageBox, "critical", record("critical"))
    monkeypatch.setattr(QMessageBox, "question", record("question", QMessageBox.StandardButton.Yes))
    return shown


@pytest.fixture
def window_for(qtbot, db, clock, hospital):
    """``window_for(Role.QUALITY)`` — the main window, logged in as a new user of that role."""
    from ui.context import AppContext
    from ui.main_window import MainWindow

    def make(role: Role = Role.ADMIN, department: str = "内科"):
        from desktop_app.session import SYSTEM_ACTOR

        dept_id = hospital.departments[department] if role == Role.DEPT_HEAD else None
        user = accounts.create_user(
            Session(db, SYSTEM_ACTOR, clock),
            {"username": f"ui_{role.value}", "display_name": f"{role.label}甲", "role": role.value,
             "department_id": dept_id, "password_is_final": True},
            "Passw0rd1",
        )
        ctx = AppContext(Session(db, user.actor(), clock))
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        window.show()
        return window

    return make
