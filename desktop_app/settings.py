"""Hospital-wide settings: typed, with their defaults in one place, stored in the database.

Rules that differ by hospital, province or year (deadlines, thresholds, cycles) are settings
or data rows, never constants in code. Machine-local settings needed before a database is open
(such as which database file to open) live in ``config.json`` (see :mod:`desktop_app.paths`).
The settings table is the hospital module's (its SQL is in desktop_app/hospital/repo.py).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from desktop_app import errors
from desktop_app.errors import Finding
from desktop_app.hospital import repo


@dataclass(frozen=True)
class SettingDef:
    key: str
    label: str
    type: type
    default: Any
    minimum: int | None = None
    maximum: int | None = None
    help: str = ""
    group: str = "常规"


# key -> definition, in the order the modules declare them (each module's manifest.py); the
# 系统设置 page shows them grouped by ``group``.
SETTINGS: dict[str, SettingDef] = {}


def register_settings(defs) -> None:
    for d in defs:
        if d.key in SETTINGS and SETTINGS[d.key] != d:
            raise RuntimeError(f"setting {d.key} declared twice")
        SETTINGS[d.key] = d


def _coerce(d: SettingDef, value: Any) -> Any:
    if d.type is bool:
        if isinstance(value, str):
            return value.strip().lower() in {"1", "true", "是", "yes", "on"}
        return bool(value)
    if d.type is int:
        if isinstance(value, bool):
            raise ValueError
        return int(str(value).strip())
    return d.type(value)


def get_setting(db, key: str) -> Any:
    d = SETTINGS[key]
    raw = repo.setting_value(db, key)
    if raw is None:
        return d.default
    try:
        return _coerce(d, json.loads(raw))
    except (ValueError, TypeError):
        return d.default


def all_settings(db) -> dict[str, Any]:
    return {key: get_setting(db, key) for key in SETTINGS}


def validate_setting(key: str, value: Any) -> tuple[Any, list[Finding]]:
    d = SETTINGS.get(key)
    if d is None:
        return None, [Finding(f"未知的设置项“{key}”。")]
    try:
        coerced = _coerce(d, value)
    except (ValueError, TypeError):
        return None, [Finding("请输入整数。" if d.type is int else "取值无效。", field=key, label=d.label)]
    if d.type is int:
        if d.minimum is not None and coerced < d.minimum:
            return None, [Finding(f"不能小于 {d.minimum}。", field=key, label=d.label)]
        if d.maximum is not None and coerced > d.maximum:
            return None, [Finding(f"不能大于 {d.maximum}。", field=key, label=d.label)]
    return coerced, []


def write_setting(session, key: str, value: Any) -> bool:
    """Store one setting inside the caller's transaction (audited). Returns True if it changed."""
    from desktop_app.accounts import audit

    coerced, findings = validate_setting(key, value)
    if findings:
        raise errors.ValidationError(findings)
    old = get_setting(session.db, key)
    if old == coerced:  # unchanged (or still the default): nothing to store or audit
        return False
    repo.store_setting(session.db, key, json.dumps(coerced, ensure_ascii=False), session.stamp())
    label = SETTINGS[key].label
    audit.record(session, "update", "setting", uid=key, label=label, before={label: old}, after={label: coerced})
    return True
