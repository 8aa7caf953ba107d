"""SQL for the problem ledger. Small functions taking a Database; no rules here."""
from __future__ import annotations

import datetime as dt
import json

from desktop_app.ledger.models import (
    CLOSED,
    Attachment,
    LedgerEvent,
    LedgerFilter,
    LedgerItem,
    LedgerRow,
    due_state,
)

_ROW_SQL = """
SELECT l.id, l.number, l.found_on, l.source, l.category, l.description, l.department_id, d.name,
       l.severity, l.responsible_person, l.deadline, l.status, l.closed_on,
       CASE WHEN l.status = '已销号' THEN '' WHEN l.deadline < ? THEN '逾期'
            WHEN l.deadline <= ? THEN '即将到期' ELSE '' END
FROM ledger_items l JOIN departments d ON d.id = l.department_id
"""  # the last column is models.due_state computed by SQLite (same rule), for speed

# Every field of LedgerItem except ``due``, in its order (rows become items positionally: fast for 20,000).
_ITEM_SQL = """
SELECT l.id, l.uid, l.number, l.found_on, l.source, l.inspection_id, i.number || ' ' || i.title,
       l.checklist_item_id, l.category, l.check_point, l.description, l.department_id, d.name, l.severity,
       l.deduction, l.cause_analysis, l.measures, l.responsible_person, l.deadline, l.progress, l.status,
       l.rectified_on, l.rechecker, l.recheck_on, l.recheck_opinion, l.closed_on, l.closed_by, l.remarks,
       l.created_at, l.updated_at
FROM ledger_items l JOIN departments d ON d.id = l.department_id
LEFT JOIN inspections i ON i.id = l.inspection_id
"""

ITEM_COLUMNS = [
    "found_on", "source", "inspection_id", "result_id", "checklist_item_id", "category", "check_point",
    "description", "department_id", "severity", "deduction", "cause_analysis", "measures", "responsible_person",
    "deadline", "progress", "status", "rectified_on", "rechecker", "recheck_on", "recheck_opinion", "closed_on",
    "closed_by", "remarks",
]


def where_clause(flt: LedgerFilter, today: dt.date, departments: set[int] | None,
                 due_soon_days: int) -> tuple[str, list]:
    clauses, params = [], []
    if flt.date_from:
        clauses.append("l.found_on >= ?")
        params.append(flt.date_from.isoformat())
    if flt.date_to:
        clauses.append("l.found_on <= ?")
        params.append(flt.date_to.isoformat())
    if flt.inspection_id:
        clauses.append("l.inspection_id = ?")
        params.append(flt.inspection_id)
    if flt.category:
        clauses.append("l.category = ?")
        params.append(flt.category)
    if departments is not None:
        clauses.append(f"l.department_id IN ({','.join('?' * len(departments))})")
        params += sorted(departments)
    if flt.status == "未销号":
        clauses.append("l.status <> ?")
        params.append(CLOSED)
    elif flt.status:
        clauses.append("l.status = ?")
        params.append(flt.status)
    if flt.source:
        clauses.append("l.source = ?")
        params.append(flt.source)
    if flt.severity:
        clauses.append("l.severity = ?")
        params.append(flt.severity)
    if flt.overdue:
        clauses.append("l.status <> ? AND l.deadline < ?")
        params += [CLOSED, today.isoformat()]
    if flt.due_soon:
        clauses.append("l.status <> ? AND l.deadline >= ? AND l.deadline <= ?")
        params += [CLOSED, today.isoformat(), (today + dt.timedelta(days=due_soon_days)).isoformat()]
    if flt.text:
        like = f"%{flt.text}%"
        clauses.append("(l.description LIKE ? OR l.number LIKE ? OR l.check_point LIKE ? OR l.responsible_person LIKE ?)")
        params += [like] * 4
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def search(db, flt: LedgerFilter, today: dt.date, departments: set[int] | None, due_soon_days: int,
           limit: int | None = None, offset: int = 0) -> list[LedgerRow]:
    where, params = where_clause(flt, today, departments, due_soon_days)
    sql = _ROW_SQL + where + " ORDER BY l.found_on DESC, l.number DESC"
    if limit:
        sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
    # the SELECT's two placeholders (today, the due-soon limit) come before the WHERE's
    params = [today.isoformat(), (today + dt.timedelta(days=due_soon_days)).isoformat(), *params]
    cursor = db.conn.cursor()
    cursor.row_factory = None  # plain tuples straight into the NamedTuple
    try:
        return list(map(LedgerRow._make, cursor.execute(sql, params)))
    except Exception as exc:
        from desktop_app.storage.database import translate_error

        raise translate_error(exc, db.path) from exc



def count(db, flt: LedgerFilter, today: dt.date, departments: set[int] | None, due_soon_days: int) -> int:
    where, params = where_clause(flt, today, departments, due_soon_days)
    return int(db.scalar("SELECT count(*) FROM ledger_items l" + where, params))


def _item(r, today: dt.date, due_soon_days: int) -> LedgerItem:
    return LedgerItem(*r, due=due_state(r[20], r[18], today, due_soon_days))  # status, deadline


def get(db, item_id: int, today: dt.date, due_soon_days: int) -> LedgerItem | None:
    r = db.query_one(_ITEM_SQL + " WHERE l.id = ?", (item_id,))
    return None if r is None else _item(r, today, due_soon_days)


def search_items(db, flt: LedgerFilter, today: dt.date, departments: set[int] | None, due_soon_days: int,
                 *, ids: list[int] | None = None) -> list[LedgerItem]:
    """Every field of the items matching ``flt`` (and ``ids`` when given), oldest first, in one query."""
    where, params = where_clause(flt, today, departments, due_soon_days)
    if ids is not None:
        where += (" AND " if where else " WHERE ") + "l.id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps([int(i) for i in ids]))
    sql = _ITEM_SQL + where + " ORDER BY l.found_on, l.number"
    return [_item(r, today, due_soon_days) for r in db.query(sql, params)]


def next_number(db, year: int) -> str:
    # a range, not LIKE, so SQLite uses the unique index on number
    last = db.scalar("SELECT max(number) FROM ledger_items WHERE number >= ? AND number < ?", (f"{year}-", f"{year}."))
    seq = int(last.split("-")[1]) + 1 if last else 1
    return f"{year}-{seq:04d}"


def insert(db, values: dict, number: str, now: str) -> int:
    cols = [c for c in ITEM_COLUMNS if c in values]
    cur = db.execute(
        f"INSERT INTO ledger_items (number, {', '.join(cols)}, created_at, updated_at)"
        f" VALUES (?, {', '.join('?' * len(cols))}, ?, ?)",
        [number, *[values[c] for c in cols], now, now],
    )
    return cur.lastrowid


def update(db, item_id: int, values: dict, now: str) -> None:
    cols = [c for c in ITEM_COLUMNS if c in values]
    if not cols:
        return
    db.execute(
        f"UPDATE ledger_items SET {', '.join(f'{c} = ?' for c in cols)}, updated_at = ? WHERE id = ?",
        [*[values[c] for c in cols], now, item_id],
    )


def add_event(db, item_id: int, ts: str, actor: str, event: str, from_status: str | None, to_status: str | None,
              note: str | None) -> None:
    db.execute(
        "INSERT INTO ledger_events (item_id, ts, actor_name, event, from_status, to_status, note)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (item_id, ts, actor, event, from_status, to_status, note),
    )


def events(db, item_id: int) -> list[LedgerEvent]:
    return [LedgerEvent(r["id"], r["ts"], r["actor_name"], r["event"], r["from_status"], r["to_status"], r["note"])
            for r in db.query("SELECT * FROM ledger_events WHERE item_id = ? ORDER BY id", (item_id,))]


def attachments(db, item_id: int) -> list[Attachment]:
    rows = db.query(
        "SELECT id, uid, item_id, file_name, kind, size, sha256, note, added_by, added_at"
        " FROM ledger_attachments WHERE item_id = ? ORDER BY id", (item_id,))
    return [Attachment(*tuple(r)) for r in rows]


def attachment_count(db, item_id: int) -> int:
    return int(db.scalar("SELECT count(*) FROM ledger_attachments WHERE item_id = ?", (item_id,)))
