"""The module list is the one place the program learns what its modules bring."""
from __future__ import annotations

import re
from pathlib import Path

from desktop_app import modules
from desktop_app.accounts.permissions import ACTIONS, PERMISSIONS
from desktop_app.settings import SETTINGS
from desktop_app.storage import migrations
from desktop_app.storage.database import SCHEMA_VERSION

ROOT = Path(__file__).resolve().parents[2]


def test_every_permission_is_declared_by_exactly_one_module():
    declared = [p for m in modules.MODULES for p in m.permissions]
    assert len(declared) == len(set(declared))
    assert set(declared) == set(PERMISSIONS.values())


def test_every_service_action_needs_a_declared_permission():
    modules.load_services()
    assert ACTIONS and set(ACTIONS.values()) <= set(PERMISSIONS.values())
    # an action is named after the module that declares it
    keys = {m.package.removeprefix("desktop_app.") for m in modules.MODULES} | {"reports"}
    assert {name.split(".")[0] for name in ACTIONS} <= keys


def test_every_service_action_declares_its_scope():
    from desktop_app.accounts.permissions import SCOPES
    from desktop_app.accounts.scope import Scope

    modules.load_services()
    assert set(SCOPES) == set(ACTIONS) and all(isinstance(scope, Scope) for scope in SCOPES.values())


def test_the_schema_steps_of_all_modules_upgrade_every_version():
    declared = sorted(step.version for m in modules.MODULES for step in m.schema)
    assert declared == list(range(2, SCHEMA_VERSION + 1))
    assert sorted(migrations.STEPS) == declared
    for m in modules.MODULES:
        for step in m.schema:
            text = m.schema_file(step).read_text(encoding="utf-8")
            assert re.search(r"\bCREATE\b|\bALTER\b", text), step.script


def test_settings_are_declared_once_with_valid_defaults():
    declared = [d.key for m in modules.MODULES for d in m.settings]
    assert len(declared) == len(set(declared)) and set(declared) == set(SETTINGS)
    for d in SETTINGS.values():
        assert d.minimum is None or d.minimum <= d.default <= d.maximum, d.key


def test_command_line_and_workbench_come_from_the_manifests():
    from desktop_app.cli import build_parser

    commands = set(build_parser()._subparsers._group_actions[0].choices)
    assert {"staff", "ledger", "roster", "handover", "training", "surgery", "submission"} <= commands
    modules.load_todos()
    from desktop_app import dashboard

    owners = {fn.__module__.split(".")[1] for fn in dashboard.PROVIDERS}
    assert {"accounts", "backup", "ledger", "roster", "handover", "training", "surgery", "submissions"} <= owners


def test_no_module_is_named_outside_the_lists():
    """Storage, the 工作台, the command line, the self-test and the submission read the list;
    they import no domain module by name."""
    domains = [m.key for m in modules.MODULES if m.key not in ("accounts", "backup", "hospital", "people")]  # the platform
    for path in ["desktop_app/storage/migrations.py", "desktop_app/storage/database.py", "desktop_app/dashboard.py",
                 "desktop_app/cli.py", "desktop_app/submissions/gather.py"]:
        text = (ROOT / path).read_text(encoding="utf-8")
        own = path.split("/")[1]  # the submissions module may name itself
        named = [d for d in domains if d != own and re.search(rf"desktop_app\.{d}\b", text)]
        assert named == [], f"{path} names {named}"
