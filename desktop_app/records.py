"""Changing a record and accounting for it: one path for every module.

A module describes each kind of record it keeps once, as an :class:`Entity`: its table, the
label and field labels the audit log shows, how to read a record back and what of it the audit
log records. Its services then say *what* changes —

    item = records.create(session, LEDGER_ITEM, values)
    item = records.change(session, LEDGER_ITEM, before, {"status": CLOSED, ...}, expect={"status": before.status})
    records.remove(session, LEDGER_ITEM, item)

— and this module writes the row (desktop_app/storage/tables.py), stamps ``created_at`` /
``updated_at``, reads the record back, works out what changed and writes the audit row, all in
the caller's transaction. ``expect`` makes an update conditional on the row still being as the
caller read it (another computer may have moved it on meanwhile): if it is not, nothing is
written and the user gets a calm :class:`~desktop_app.errors.Conflict`.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from desktop_app import errors
from desktop_app.accounts import audit
from desktop_app.storage import tables


@dataclass(frozen=True)
class Entity:
    key: str  # the audit log's name for it ("ledger_item")
    label: str  # what the audit log calls it ("问题台账")
    table: str
    read: Callable[[Any, int], Any]  # (session, id) -> the record, freshly read
    audit_values: Callable[[Any], dict]  # the record as the audit log shows it (field key -> value)
    describe: Callable[[Any], str]  # the record's name in an audit row ("2026-0012 病历书写不及时")
    field_labels: Mapping[str, str] = field(default_factory=dict)  # field key -> label, for the audit log
    stamped: bool = True  # the table has created_at / updated_at

    def __post_init__(self) -> None:
        audit.register_entity(self.key, self.label, dict(self.field_labels))


def _uid(record) -> str | None:
    return getattr(record, "uid", None)


def create(session, entity: Entity, values: Mapping[str, Any], *, note: Mapping[str, Any] | None = None,
           then: Callable[[int], None] | None = None):
    """Insert a record, read it back and audit its creation (``note``: more for the audit row;
    ``then(new_id)`` writes what belongs to the record, e.g. its lines, before it is read back)."""
    db = session.db
    db.require_transaction()
    row = dict(values)
    if entity.stamped:
        now = session.stamp()
        row.setdefault("created_at", now)
        row.setdefault("updated_at", now)
    new_id = tables.insert(db, entity.table, row)
    if then is not None:
        then(new_id)
    after = entity.read(session, new_id)
    audit.record(session, "create", entity.key, uid=_uid(after), label=entity.describe(after),
                 after={**entity.audit_values(after), **(note or {})})
    return after


def change(session, entity: Entity, before, changes: Mapping[str, Any], *,
           expect: Mapping[str, Any] | None = None, conflict: str | None = None,
           note: Mapping[str, Any] | None = None, always_audit: bool = False):
    """Update ``before`` with ``changes``, read it back and audit what changed.

    ``expect``: column values the row must still have (else :class:`errors.Conflict` with
    ``conflict``, and nothing is written). ``note``: entries added to the audit row's "after"
    (e.g. the step taken), shown as empty before. Nothing that changed and no note: no audit row,
    unless ``always_audit``."""
    db = session.db
    db.require_transaction()
    row = dict(changes)
    if entity.stamped and row:
        row["updated_at"] = session.stamp()
    if row:
        if not tables.update(db, entity.table, {"id": before.id, **(expect or {})}, row):
            raise errors.Conflict(conflict or "这条记录刚被他人修改过，本次没有写入。请刷新后再看是否还需要这样做。")
    elif expect and not tables.exists(db, entity.table, {"id": before.id, **expect}):
        raise errors.Conflict(conflict or "这条记录刚被他人修改过，本次没有写入。请刷新后再看是否还需要这样做。")
    after = entity.read(session, before.id)
    old, new = audit.diff(entity.audit_values(before), entity.audit_values(after))
    if new or note or always_audit:
        audit.record(session, "update", entity.key, uid=_uid(after), label=entity.describe(after),
                     before={**{k: None for k in note or {}}, **old}, after={**(note or {}), **new})
    return after


def remove(session, entity: Entity, before, *, note: Mapping[str, Any] | None = None) -> None:
    """Delete the record and audit what it was."""
    db = session.db
    db.require_transaction()
    tables.delete(db, entity.table, before.id)
    audit.record(session, "delete", entity.key, uid=_uid(before), label=entity.describe(before),
                 before={**entity.audit_values(before), **(note or {})})


def event(session, entity: Entity, record, *, before: Mapping[str, Any] | None = None,
          after: Mapping[str, Any] | None = None) -> None:
    """An audit row about a record that is not a change of its own fields (an attachment added,
    a file imported into it)."""
    audit.record(session, "update", entity.key, uid=_uid(record), label=entity.describe(record),
                 before=dict(before) if before else None, after=dict(after) if after else None)
