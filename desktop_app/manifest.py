"""What a module brings to the program, declared in one place: its ``manifest.py``.

Each domain package (``desktop_app/ledger``, ``desktop_app/roster`` …) has a ``manifest.py`` that
declares its permissions (with the roles holding them) and one :class:`Module`: its schema steps,
built-in data, settings, service modules, 工作台 providers, command-line commands, its section
of the half-year submission and its self-test printout. :mod:`desktop_app.modules` lists the
modules; everything else (upgrades, a new database, the 工作台, ``qledger``, the self-test, the
submission, the role table) reads that list instead of naming domains. A manifest imports
nothing heavy: code is named by ``"submodule:function"`` and imported only when used, so the
window starts fast. (The same idea as Tryton's ``tryton.cfg`` or Odoo's ``__manifest__.py``.)
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.accounts.permissions import Permission
from desktop_app.settings import SettingDef, register_settings
from desktop_app.storage import migrations


@dataclass(frozen=True)
class SchemaStep:
    """Upgrades a database file from ``version - 1`` to ``version`` (see storage/migrations.py).

    ``script`` is an SQL file in the module's ``schema/`` folder; with ``install_data`` the
    module's built-in data installer runs after it, in the same transaction."""

    version: int
    script: str
    install_data: bool = False


@dataclass(frozen=True)
class SelftestSample:
    """The printouts the self-test writes for this module: ``write(session, folder)`` writes
    ``<key>.pdf`` and ``<key>.xlsx`` into ``folder`` and returns a line describing them; the
    XLSX must hold ``sheets``."""

    title: str
    write: str
    sheets: tuple[str, ...] = ()


@dataclass(frozen=True)
class SubmissionSection:
    """``gather(session, first, last) -> dict`` makes this module's section of a submission
    (see submissions/gather.py); sections print in ``order``."""

    order: int
    gather: str


@dataclass(frozen=True)
class Module:
    key: str  # also the name of the data domain a change announces to the UI
    label: str
    package: str  # "desktop_app.ledger": submodule names below are relative to it
    permissions: tuple[Permission, ...] = ()
    schema: tuple[SchemaStep, ...] = ()
    builtin_data: str | None = None  # "submodule:function(db, now)": idempotent, for a new database and upgrades
    settings: tuple[SettingDef, ...] = ()
    services: tuple[str, ...] = ()  # submodules holding the module's @action functions
    todos: str | None = None  # submodule with @dashboard.provider / @dashboard.stat_provider functions
    cli: str | None = None  # submodule with register(subparsers)
    submission: SubmissionSection | None = None
    selftest: SelftestSample | None = None

    def __post_init__(self) -> None:
        # Settings and schema steps are known as soon as the manifest is imported (a service
        # imports its own manifest for its permissions, so its settings are always there).
        register_settings(self.settings)
        for step in self.schema:
            migrations.register_step(step.version, f"{self.key}/{step.script}", self._upgrade_step(step))

    def _upgrade_step(self, step: SchemaStep):
        def run(db, now: str) -> None:
            migrations.run_script(db, self.schema_file(step).read_text(encoding="utf-8"))
            if step.install_data:
                self.install_builtin_data(db, now)

        return run

    def install_builtin_data(self, db, now: str) -> None:
        if self.builtin_data:
            self.resolve(self.builtin_data)(db, now)

    def submodule(self, name: str):
        """A submodule by its name in the package ("service"), or a full name ("desktop_app.x.y")."""
        return importlib.import_module(name if name.startswith("desktop_app.") else f"{self.package}.{name}")

    def resolve(self, ref: str) -> Any:
        """``"submodule:attribute"`` → the attribute, importing the submodule."""
        name, _, attribute = ref.partition(":")
        return getattr(self.submodule(name), attribute)

    def schema_file(self, step: SchemaStep) -> Path:
        # beside the package's modules, in the source tree and in the PyInstaller bundle alike
        return Path(importlib.import_module(self.package).__file__).parent / "schema" / step.script
