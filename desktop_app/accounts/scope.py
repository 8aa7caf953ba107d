"""How far an action reaches: declared with the action, checked in one place.

A 科室负责人 may see and change only their own department and the wards under it; a nurse or
doctor only her own ward's handover book. Each service action says which records it touches and
how they are scoped (``@action(PERM, scope=...)``); :func:`check` runs before the action, like
the permission check, and refuses a record outside the user's reach. The action then runs with
``session.reach`` set (None: the whole hospital; else the department ids the user may reach),
which list and report functions use to filter what they read.

Scopes:

* :data:`HOSPITAL` — the records are hospital-wide for everyone who holds the permission
  (settings, the staff roster everyone may read, the published duty roster, the surgery
  catalogue …).
* :data:`OWN` — the user's own records only (their password); nothing to check.
* :func:`department` — for department-bound roles (:data:`DEPARTMENT_SCOPED`), their department
  and the departments under it.
* :func:`ward` — the departments the user works in (a 科室负责人's subtree, and the department
  of the user's staff record), unless she holds ``all_perm`` or has one of ``all_roles``.

A scope names its *targets* with :func:`on`: which argument of the call identifies the records (a
department id, a record id with the repo function that finds its department, or a key of a
values dict).
An action with no target (a list, a report) is not refused; it filters by ``session.reach``.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from desktop_app.accounts.permissions import DEPARTMENT_SCOPED, Permission, Role
from desktop_app.errors import PermissionDenied

Lookup = Callable[[Any, Any], "int | Iterable[int] | None"]  # (db, argument value) -> department id(s)


@dataclass(frozen=True)
class Target:
    """Which argument of the call names records, and how to find their departments."""

    arg: str
    lookup: Lookup | None = None  # None: the argument is a department id
    key: str | None = None  # the argument is a dict (a form's values): look at this key
    any_of: bool = False  # reachable when one of the departments is (else: all of them)

    def reaches(self, db, arguments: dict, reach: frozenset[int]) -> bool:
        found = self.departments(db, arguments)
        return bool(found & reach) if self.any_of and found else found <= reach

    def departments(self, db, arguments: dict) -> set[int]:
        value = arguments.get(self.arg)
        if self.key is not None:
            value = value.get(self.key) if isinstance(value, dict) else None
        if value is None:
            return set()
        found = self.lookup(db, value) if self.lookup else value
        if found is None:
            return set()  # no such record: the action itself says so
        if isinstance(found, (set, frozenset, list, tuple)):
            return {d for d in found if d is not None}
        return {found}


def on(arg: str, lookup: Lookup | None = None, *, key: str | None = None, any_of: bool = False) -> Target:
    """The records the argument ``arg`` names: a department id, or (with ``lookup(db, value)``) a
    record whose department(s) the lookup finds; ``key``: the argument is a dict of form values and
    ``values[key]`` is what to look at. ``any_of``: one of the record's departments within reach is
    enough (an inspection of several departments may be viewed by each of them)."""
    return Target(arg, lookup, key, any_of)


@dataclass(frozen=True)
class Scope:
    kind: str  # "hospital" | "own" | "department" | "ward"
    targets: tuple[Target, ...] = ()
    doing: str = "处理"  # the refusal: 科室负责人只能{doing}本科室（含下属病区）的{what}
    what: str = "记录"
    all_perm: Permission | None = None  # ward: holders reach every department
    all_roles: frozenset[Role] = field(default_factory=frozenset)  # ward: roles that reach every department

    def reach(self, session) -> frozenset[int] | None:
        actor = session.actor
        if self.kind == "department":
            if Role(actor.role) not in DEPARTMENT_SCOPED:
                return None
            return frozenset(subtree(session.db, actor.department_id)) if actor.department_id else frozenset()
        if self.kind == "ward":
            if (self.all_perm is not None and actor.can(self.all_perm)) or Role(actor.role) in self.all_roles:
                return None
            return frozenset(own_departments(session))
        return None

    def refusal(self) -> str:
        if self.kind == "ward":
            return f"只能{self.doing}本病区（本科室）的{self.what}。"
        return f"科室负责人只能{self.doing}本科室（含下属病区）的{self.what}。"


HOSPITAL = Scope("hospital")
OWN = Scope("own")


def department(*targets: Target, doing: str = "处理", what: str = "记录") -> Scope:
    return Scope("department", tuple(targets), doing, what)


def ward(*targets: Target, all_perm: Permission, all_roles=(), doing: str = "处理", what: str = "记录") -> Scope:
    return Scope("ward", tuple(targets), doing, what, all_perm, frozenset(all_roles))


def subtree(db, department_id: int) -> set[int]:
    from desktop_app.people import repo

    return repo.department_subtree(db, department_id)


def own_departments(session) -> set[int]:
    """Departments a user works in: a 科室负责人's subtree, and her staff record's department's."""
    from desktop_app.people import repo

    actor, db = session.actor, session.db
    found: set[int] = set()
    if Role(actor.role) == Role.DEPT_HEAD and actor.department_id:
        found |= repo.department_subtree(db, actor.department_id)
    if actor.staff_id:
        home = repo.staff_department(db, actor.staff_id)
        if home:
            found |= repo.department_subtree(db, home)
    return found


def check(scope: Scope, signature: inspect.Signature, session, args: tuple, kwargs: dict):
    """Refuse a call reaching outside the user's departments; return the session the action runs
    with (``reach`` set)."""
    reach = scope.reach(session)
    if reach is not None and scope.targets:
        arguments = signature.bind_partial(session, *args, **kwargs).arguments
        for target in scope.targets:
            if not target.reaches(session.db, arguments, reach):
                raise PermissionDenied(scope.refusal())
    return session.within(reach)
