"""Who is acting, on which database, at what time — passed explicitly to every service."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from desktop_app.accounts.permissions import Permission, Role, has_permission
from desktop_app.clock import Clock, SystemClock, stamp
from desktop_app.storage.database import Database


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    display_name: str
    role: Role
    department_id: int | None = None
    staff_id: int | None = None

    def can(self, perm: Permission) -> bool:
        return has_permission(self.role, perm)

    @property
    def role_label(self) -> str:
        return Role(self.role).label


SYSTEM_ACTOR = Actor(user_id=None, username="system", display_name="系统", role=Role.SYSTEM)
CLI_ACTOR = Actor(user_id=None, username="qledger", display_name="命令行（qledger）", role=Role.SYSTEM)


@dataclass
class Session:
    db: Database
    actor: Actor
    clock: Clock = field(default_factory=SystemClock)
    # The departments the running action may reach (None: the whole hospital); set by @action from
    # the action's scope (desktop_app/accounts/scope.py), read by lists and reports to filter.
    reach: frozenset[int] | None = None

    def now(self) -> dt.datetime:
        return self.clock.now()

    def today(self) -> dt.date:
        return self.clock.today()

    def stamp(self) -> str:
        return stamp(self.clock.now())

    def on(self, db: Database) -> "Session":
        """The same user and clock on another connection (for a worker thread)."""
        return replace(self, db=db)

    def as_actor(self, actor: Actor) -> "Session":
        return replace(self, actor=actor, reach=None)

    def within(self, reach: frozenset[int] | None) -> "Session":
        return self if reach == self.reach else replace(self, reach=reach)

    def reaches(self, department_id: int | None) -> bool:
        return self.reach is None or department_id in self.reach
