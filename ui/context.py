"""The explicit context every page and dialog receives (instead of a global app object)."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from desktop_app.accounts.permissions import Permission
from desktop_app.dashboard import StartupHealth
from desktop_app.session import Session


class AppContext(QObject):
    """The current session (database, user, clock), start-up health and change notifications.

    ``changed`` carries the set of domains a write touched (e.g. ``{"people"}``); pages listen
    and redraw only when one of their domains changed.
    """

    changed = Signal(object)
    session_replaced = Signal()
    status_message = Signal(str)
    navigate_requested = Signal(str)  # a page key, e.g. "staff"

    def __init__(self, session: Session, health: StartupHealth | None = None):
        super().__init__()
        self.session = session
        self.health = health or StartupHealth()

    @property
    def actor(self):
        return self.session.actor

    @property
    def db(self):
        return self.session.db

    def can(self, perm: Permission) -> bool:
        return self.session.actor.can(perm)

    def notify(self, *domains: str) -> None:
        self.changed.emit(set(domains))

    def replace_session(self, session: Session) -> None:
        """A different user logged in, or the database was restored/reopened."""
        self.session = session
        self.session_replaced.emit()
