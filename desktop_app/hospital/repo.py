"""SQL for the hospital profile, the hospital-wide settings and the database's own notes (meta).

The profile is written through desktop_app/records.py (the PROFILE entity in hospital/service.py);
settings are stored here for desktop_app/settings.py (typed, with their defaults, declared by the
modules). Small functions that take a Database; no rules here.
"""
from __future__ import annotations

from desktop_app.hospital.models import HospitalProfile
from desktop_app.storage import tables


def get_profile(db) -> HospitalProfile | None:
    row = db.query_one("SELECT name, level, region, credit_code, address, phone FROM hospital WHERE id = 1")
    return None if row is None else HospitalProfile(**dict(row))


def meta_value(db, key: str) -> str | None:
    return db.scalar("SELECT value FROM meta WHERE key = ?", (key,))


def set_meta(db, key: str, value: str) -> None:
    tables.upsert(db, "meta", {"key": key, "value": value}, conflict=("key",))


def setting_value(db, key: str) -> str | None:
    """The stored JSON text of a setting, or None (its default applies)."""
    return db.scalar("SELECT value FROM settings WHERE key = ?", (key,))


def store_setting(db, key: str, value: str, now: str) -> None:
    tables.upsert(db, "settings", {"key": key, "value": value, "updated_at": now}, conflict=("key",))
