"""The audit log: who changed what, when, the values before and after — hash-chained.

Every row's ``hash`` is SHA-256 over its own content, its id and the previous row's hash, and
``audit_head`` holds the newest hash and the row count. Editing, deleting, inserting or
reordering rows in the file therefore breaks the chain, and :func:`verify_chain` names the first
broken link. Rows are written by :func:`record` inside the same transaction as the change.

This module is also the audit log's storage: its SQL (the chain, the page's search) lives here.
Changes to records are audited through desktop_app/records.py; :func:`record` is called directly
only for events that are not a change of one record's fields (a login, a password reset, an import,
a restore, a new database) and for entities that are not one table row (settings, the database).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from desktop_app.storage import tables

GENESIS = "0" * 64

ACTION_LABELS = {
    "create": "新增",
    "update": "修改",
    "delete": "删除",
    "login": "登录",
    "login_failed": "登录失败",
    "account_locked": "账户锁定",
    "password_change": "修改密码",
    "password_reset": "重置密码",
    "unlock": "解锁账户",
    "import": "导入",
    "restore": "从备份恢复",
    "initialize": "初始化",
}

# entity -> (label, {field: label}); filled by the domain modules.
ENTITY_LABELS: dict[str, tuple[str, dict[str, str]]] = {}


def register_entity(entity: str, label: str, fields: dict[str, str]) -> None:
    ENTITY_LABELS[entity] = (label, fields)


def entity_label(entity: str) -> str:
    return ENTITY_LABELS.get(entity, (entity, {}))[0]


def field_label(entity: str, name: str) -> str:
    return ENTITY_LABELS.get(entity, (entity, {}))[1].get(name, name)


def _json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _row_hash(row: dict) -> str:
    material = json.dumps(
        [
            row["id"],
            row["ts"],
            row["actor_id"],
            row["actor_name"],
            row["action"],
            row["entity"],
            row["entity_uid"],
            row["entity_label"],
            row["before_json"],
            row["after_json"],
            row["prev_hash"],
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def diff(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields that changed, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def record(
    session,
    action: str,
    entity: str,
    *,
    uid: str | None = None,
    label: str | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> int:
    """Append one audit row; must be called inside the transaction that makes the change."""
    db = session.db
    db.require_transaction()
    head = db.query_one("SELECT last_id, last_hash, row_count FROM audit_head WHERE id = 1")
    next_id = int(db.scalar("SELECT coalesce(max(id), 0) FROM audit_log")) + 1
    actor = session.actor
    row = {
        "id": next_id,
        "ts": session.stamp(),
        "actor_id": actor.user_id,
        "actor_name": actor.display_name,
        "action": action,
        "entity": entity,
        "entity_uid": uid,
        "entity_label": label,
        "before_json": _json(before),
        "after_json": _json(after),
        "prev_hash": head["last_hash"],
    }
    row["hash"] = _row_hash(row)
    tables.insert(db, "audit_log", row, returning=None)
    # the head is read above inside this write transaction: no other writer can move it meanwhile
    tables.update(db, "audit_head", 1, {"last_id": next_id, "last_hash": row["hash"],
                                        "row_count": head["row_count"] + 1})
    return next_id


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    rows_checked: int
    broken_id: int | None = None
    problem: str = ""

    def text(self) -> str:
        if self.ok:
            return f"审计日志完整：共 {self.rows_checked} 条记录，哈希链全部衔接。"
        where = f"编号 {self.broken_id} 处" if self.broken_id is not None else "日志末尾"
        return f"审计日志校验未通过：{where}{self.problem}（已校验 {self.rows_checked} 条）。"


def verify_chain(db) -> ChainReport:
    prev = GENESIS
    checked = 0
    last_id = 0
    cur = db.execute(
        "SELECT id, ts, actor_id, actor_name, action, entity, entity_uid, entity_label,"
        " before_json, after_json, prev_hash, hash FROM audit_log ORDER BY id"
    )
    for r in cur:
        row = dict(r)
        if row["prev_hash"] != prev:
            return ChainReport(
                False, checked, row["id"], "与前一条记录不衔接——前面有记录被删除、插入或调换了顺序"
            )
        if _row_hash(row) != row["hash"]:
            return ChainReport(False, checked, row["id"], "的内容在写入后被修改过")
        prev = row["hash"]
        last_id = row["id"]
        checked += 1
    head = db.query_one("SELECT last_id, last_hash, row_count FROM audit_head WHERE id = 1")
    if head is None:
        return ChainReport(False, checked, None, "缺少链头记录（audit_head 被删除）")
    if head["last_hash"] != prev or head["row_count"] != checked or head["last_id"] != last_id:
        return ChainReport(
            False,
            checked,
            None,
            f"与链头不符——链头记录 {head['row_count']} 条，实际 {checked} 条；末尾的记录被删除或链头被改动",
        )
    return ChainReport(True, checked)


@dataclass(frozen=True)
class AuditEntry:
    id: int
    ts: str
    actor_name: str
    action: str
    entity: str
    entity_uid: str | None
    entity_label: str | None
    before: dict | None
    after: dict | None

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)

    @property
    def entity_type_label(self) -> str:
        return entity_label(self.entity)

    def changes(self) -> list[tuple[str, Any, Any]]:
        """(field label, before, after) for every field mentioned in the entry."""
        before = self.before or {}
        after = self.after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        return [(field_label(self.entity, k), before.get(k), after.get(k)) for k in keys]

    def summary(self) -> str:
        parts = []
        for name, old, new in self.changes():
            if not self.before:  # a creation or an event: just the values
                if new not in (None, ""):
                    parts.append(f"{name}={new}")
            elif not self.after:  # a deletion: what was removed
                if old not in (None, ""):
                    parts.append(f"{name}={old}")
            else:
                parts.append(f"{name}: {_shown(old)} → {_shown(new)}")
        return "；".join(parts)


def _shown(value: Any) -> str:
    return "（空）" if value in (None, "") else str(value)


# ----------------------------------------------------------------------------- the audit log page


@dataclass(frozen=True)
class AuditFilter:
    actor_name: str | None = None
    entity: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    text: str | None = None


def _where(f: AuditFilter) -> tuple[list[str], list]:
    clauses, params = [], []
    if f.actor_name:
        clauses.append("actor_name = ?")
        params.append(f.actor_name)
    if f.entity:
        clauses.append("entity = ?")
        params.append(f.entity)
    if f.date_from:
        clauses.append("ts >= ?")
        params.append(f.date_from.isoformat())
    if f.date_to:
        clauses.append("ts < ?")
        params.append((f.date_to + dt.timedelta(days=1)).isoformat())
    if f.text:
        clauses.append("(entity_label LIKE ? OR before_json LIKE ? OR after_json LIKE ?)")
        params += [f"%{f.text}%"] * 3
    return clauses, params


def search(db, flt: AuditFilter, *, limit: int = 200, before_id: int | None = None) -> list[AuditEntry]:
    """Newest first, ``limit`` rows; ``before_id``: only rows older than that one (the next page)."""
    clauses, params = _where(flt)
    if before_id is not None:
        clauses.append("id < ?")
        params.append(before_id)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    rows = db.query(
        "SELECT id, ts, actor_name, action, entity, entity_uid, entity_label, before_json, after_json"
        " FROM audit_log" + where + " ORDER BY id DESC LIMIT ?",
        [*params, limit],
    )
    return [
        AuditEntry(
            id=r["id"], ts=r["ts"], actor_name=r["actor_name"], action=r["action"], entity=r["entity"],
            entity_uid=r["entity_uid"], entity_label=r["entity_label"],
            before=json.loads(r["before_json"]) if r["before_json"] else None,
            after=json.loads(r["after_json"]) if r["after_json"] else None,
        )
        for r in rows
    ]


def actor_names(db) -> list[str]:
    return [r[0] for r in db.query("SELECT DISTINCT actor_name FROM audit_log ORDER BY actor_name")]
