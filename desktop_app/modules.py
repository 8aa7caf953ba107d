"""The program's modules, in the order they appear: the one list the rest of the core reads.

Importing this module imports every module's manifest (light: permissions, settings and schema
steps are declared there, code is imported only when used). To add a module, write its package
with a ``manifest.py`` (see desktop_app/manifest.py and the README's 开发者说明) and list it here.
"""
from __future__ import annotations

from desktop_app.accounts import manifest as accounts
from desktop_app.backup import manifest as backup
from desktop_app.handover import manifest as handover
from desktop_app.hospital import manifest as hospital
from desktop_app.ledger import manifest as ledger
from desktop_app.manifest import Module
from desktop_app.people import manifest as people
from desktop_app.roster import manifest as roster
from desktop_app.submissions import manifest as submissions
from desktop_app.surgery import manifest as surgery
from desktop_app.training import manifest as training

MODULES: list[Module] = [
    accounts.MODULE,
    hospital.MODULE,
    people.MODULE,
    backup.MODULE,
    ledger.MODULE,
    roster.MODULE,
    handover.MODULE,
    training.MODULE,
    surgery.MODULE,
    submissions.MODULE,
]


def module(key: str) -> Module:
    return next(m for m in MODULES if m.key == key)


def load_services() -> None:
    """Import every module's services, so the registries they fill (service actions, audit entity
    labels) are complete: the role-matrix test, the audit log page and the role table need all."""
    for m in MODULES:
        for name in m.services:
            m.submodule(name)


def load_todos() -> None:
    """Import every module's 工作台 providers (kept apart from the heavy report modules)."""
    for m in MODULES:
        if m.todos:
            m.submodule(m.todos)


def cli_modules() -> list:
    return [m.submodule(m.cli) for m in MODULES if m.cli]


def install_builtin_data(db, now: str) -> None:
    """A new database: every module's built-in data (checklists, holidays, training rules, indicators)."""
    for m in MODULES:
        m.install_builtin_data(db, now)


def submission_sections() -> list:
    """``gather(session, first, last)`` of every module that contributes to the submission, in order."""
    found = sorted((m.submission.order, m) for m in MODULES if m.submission)
    return [m.resolve(m.submission.gather) for _order, m in found]


def selftest_samples() -> list[tuple[Module, object]]:
    return [(m, m.selftest) for m in MODULES if m.selftest]
