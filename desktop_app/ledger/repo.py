"""SQL for the problem ledger. Small functions taking a Database; no rules here."""
from __future__ import annotations

import datetime as dt

from desktop_app.ledger.models import (
    CLOSED,
    Attachment,
    LedgerEvent,
    LedgerFilter,
    LedgerItem,
    LedgerRow,
    due_state,
)
from desktop_app.storage import tables

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
        clause, more = tables.in_list("l.department_id", sorted(departments))
        clauses.append(clause)
        params += more
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


_GROUPS = {"all": "'全部'", "category": "l.category", "department": "d.name", "source": "l.source",
           "severity": "l.severity"}


def counts_by_status(db, by: str, where: str, params: list, today: str):
    """(group, status, items, overdue) for the items matching ``where`` (from :func:`where_clause`)."""
    return db.query(
        f"SELECT {_GROUPS[by]} AS k, l.status, count(*) AS n,"
        " sum(CASE WHEN l.status <> ? AND l.deadline < ? THEN 1 ELSE 0 END) AS overdue"
        f" FROM ledger_items l JOIN departments d ON d.id = l.department_id{where} GROUP BY k, l.status",
        [CLOSED, today, *params],
    )


def counts_by_month(db, date_column: str, where: str, params: list) -> dict[str, int]:
    """YYYY-MM -> items whose ``date_column`` (found_on / closed_on) falls in it."""
    column = {"found_on": "l.found_on", "closed_on": "l.closed_on"}[date_column]
    where += (" AND " if where else " WHERE ") + f"{column} IS NOT NULL"
    return {r[0]: r[1] for r in db.query(
        f"SELECT substr({column}, 1, 7) AS m, count(*) FROM ledger_items l JOIN departments d ON d.id = l.department_id"
        f"{where} GROUP BY m", params)}


def search(db, flt: LedgerFilter, today: dt.date, departments: set[int] | None, due_soon_days: int,
           limit: int | None = None, offset: int = 0) -> list[LedgerRow]:
    where, params = where_clause(flt, today, departments, due_soon_days)
    sql = _ROW_SQL + where + " ORDER BY l.found_on DESC, l.number DESC"
    if limit:
        sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
    # the SELECT's two placeholders (today, the due-soon limit) come before the WHERE's
    params = [today.isoformat(), (today + dt.timedelta(days=due_soon_days)).isoformat(), *params]
    return list(map(LedgerRow._make, db.tuples(sql, params)))  # plain tuples straight into the NamedTuple


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
        clause, more = tables.in_list("l.id", [int(i) for i in ids])
        where += (" AND " if where else " WHERE ") + clause
        params += more
    sql = _ITEM_SQL + where + " ORDER BY l.found_on, l.number"
    return [_item(r, today, due_soon_days) for r in db.query(sql, params)]


def department_of_item(db, item_id: int) -> int | None:
    return db.scalar("SELECT department_id FROM ledger_items WHERE id = ?", (item_id,))


def department_of_attachment(db, attachment_id: int) -> int | None:
    return db.scalar("SELECT l.department_id FROM ledger_attachments a JOIN ledger_items l ON l.id = a.item_id"
                     " WHERE a.id = ?", (attachment_id,))


def departments_of_items(db, item_ids) -> set[int]:
    where, params = tables.in_list("id", [int(i) for i in item_ids])
    return {r[0] for r in db.query(f"SELECT DISTINCT department_id FROM ledger_items WHERE {where}", params)}






def item_keys(db) -> list[tuple]:
    """(发现日期, 科室, 问题描述) of every item — what an import compares a row with."""
    return db.query("SELECT found_on, department_id, description FROM ledger_items")




def status_of(db, item_id: int) -> str | None:
    return db.scalar("SELECT status FROM ledger_items WHERE id = ?", (item_id,))


def next_number(db, year: int) -> str:
    # a range, not LIKE, so SQLite uses the unique index on number
    last = db.scalar("SELECT max(number) FROM ledger_items WHERE number >= ? AND number < ?", (f"{year}-", f"{year}."))
    seq = int(last.split("-")[1]) + 1 if last else 1
    return f"{year}-{seq:04d}"


def add_event(db, item_id: int, ts: str, actor: str, event: str, from_status: str | None, to_status: str | None,
              note: str | None) -> None:
    tables.insert(db, "ledger_events", {"item_id": item_id, "ts": ts, "actor_name": actor, "event": event,
                                        "from_status": from_status, "to_status": to_status, "note": note})


def events(db, item_id: int) -> list[LedgerEvent]:
    return [LedgerEvent(r["id"], r["ts"], r["actor_name"], r["event"], r["from_status"], r["to_status"], r["note"])
            for r in db.query("SELECT * FROM ledger_events WHERE item_id = ? ORDER BY id", (item_id,))]


def attachments(db, item_id: int) -> list[Attachment]:
    rows = db.query(
        "SELECT id, uid, item_id, file_name, kind, size, sha256, note, added_by, added_at"
        " FROM ledger_attachments WHERE item_id = ? ORDER BY id", (item_id,))
    return [Attachment(*tuple(r)) for r in rows]


def attachment_file(db, attachment_id: int):
    """(item id, file name, content, sha256) of an attachment, or None."""
    return db.query_one("SELECT item_id, file_name, content, sha256 FROM ledger_attachments WHERE id = ?",
                        (attachment_id,))


def add_attachment(db, item_id: int, name: str, kind: str, content: bytes, digest: str, note: str | None,
                   added_by: str, added_at: str) -> int:
    return tables.insert(db, "ledger_attachments", {
        "item_id": item_id, "file_name": name, "kind": kind, "size": len(content), "sha256": digest,
        "content": content, "note": note, "added_by": added_by, "added_at": added_at})


def remove_attachment(db, attachment_id: int) -> None:
    tables.delete(db, "ledger_attachments", attachment_id)


def attachment_count(db, item_id: int) -> int:
    return int(db.scalar("SELECT count(*) FROM ledger_attachments WHERE item_id = ?", (item_id,)))


# ----------------------------------------------------------------------------- inspections

INSPECTION_SQL = """
SELECT i.*, c.name || '（' || c.version || '）' AS checklist_label,
       (SELECT count(*) FROM ledger_items l WHERE l.inspection_id = i.id) AS problem_count
FROM inspections i LEFT JOIN checklists c ON c.id = i.checklist_id
"""


def inspection_types(db, *, include_inactive: bool):
    where = "" if include_inactive else " WHERE active = 1"
    return db.query("SELECT name, source, builtin FROM inspection_types" + where + " ORDER BY sort_order, name")


def inspection_type_source(db, name: str, *, active_only: bool = False) -> str | None:
    return db.scalar("SELECT source FROM inspection_types WHERE name = ?" + (" AND active = 1" if active_only else ""),
                     (name,))


def inspection_type_sources(db) -> dict[str, str]:
    return {r[0]: r[1] for r in db.query("SELECT name, source FROM inspection_types")}


def add_inspection_type(db, name: str, source: str) -> None:
    order = (db.scalar("SELECT max(sort_order) FROM inspection_types") or 0) + 1
    tables.insert(db, "inspection_types", {"name": name, "source": source, "builtin": False, "sort_order": order},
                  returning=None)


def inspection_rows(db, *, year: int | None = None, inspection_id: int | None = None):
    where, params = "", []
    if inspection_id is not None:
        where, params = " WHERE i.id = ?", [inspection_id]
    elif year:
        where, params = " WHERE i.inspected_on >= ? AND i.inspected_on < ?", [f"{year}-", f"{year + 1}-"]
    return db.query(INSPECTION_SQL + where + " ORDER BY i.inspected_on DESC, i.number DESC", params)


def inspected_departments(db, inspection_ids) -> dict[int, list[tuple[int, str]]]:
    """inspection id -> [(department id, name)] in the department list's order."""
    found: dict[int, list[tuple[int, str]]] = {}
    where, params = tables.in_list("x.inspection_id", inspection_ids)
    for r in db.query("SELECT x.inspection_id, d.id, d.name FROM inspection_departments x JOIN departments d"
                      f" ON d.id = x.department_id WHERE {where} ORDER BY d.sort_order, d.id", params):
        found.setdefault(r[0], []).append((r[1], r[2]))
    return found


def inspection_label(db, inspection_id: int) -> str | None:
    return db.scalar("SELECT number || ' ' || title FROM inspections WHERE id = ?", (inspection_id,))


def departments_of_inspection(db, inspection_id: int) -> set[int]:
    return {r[0] for r in db.query("SELECT department_id FROM inspection_departments WHERE inspection_id = ?",
                                   (inspection_id,))}


def next_inspection_number(db, year: int) -> str:
    last = db.scalar("SELECT max(number) FROM inspections WHERE number >= ? AND number < ?", (f"JC{year}-", f"JC{year}."))
    seq = int(last.split("-")[1]) + 1 if last else 1
    return f"JC{year}-{seq:03d}"


def add_inspected_departments(db, inspection_id: int, department_ids) -> None:
    tables.insert_many(db, "inspection_departments", ("inspection_id", "department_id"),
                       [(inspection_id, d) for d in department_ids])


def checklist_exists(db, checklist_id) -> bool:
    return db.scalar("SELECT 1 FROM checklists WHERE id = ?", (checklist_id,)) is not None


def recorded_results(db, inspection_id: int, department_id: int) -> dict:
    """check point id -> its recorded result, with the ledger item it made (if any)."""
    return {r["item_id"]: r for r in db.query(
        "SELECT r.*, l.id AS ledger_id, l.status AS ledger_status, l.number AS ledger_number FROM inspection_results r"
        " LEFT JOIN ledger_items l ON l.result_id = r.id WHERE r.inspection_id = ? AND r.department_id = ?",
        (inspection_id, department_id))}


def save_result(db, result_id: int | None, inspection_id: int, department_id: int, item_id: int, values: dict,
                now: str) -> int:
    """Insert or update one check point's result; returns its id."""
    if result_id is not None:
        tables.update(db, "inspection_results", result_id, {**values, "updated_at": now})
        return result_id
    return tables.insert(db, "inspection_results", {"inspection_id": inspection_id, "department_id": department_id,
                                                    "item_id": item_id, **values, "updated_at": now})


def department_result_totals(db, inspection_id: int) -> dict:
    return {r["department_id"]: r for r in db.query(
        "SELECT department_id, count(*) AS checked, sum(CASE WHEN result = '不符合' THEN 1 ELSE 0 END) AS failed,"
        " sum(CASE WHEN result = '不适用' THEN 1 ELSE 0 END) AS na, coalesce(sum(deduction), 0) AS deductions"
        " FROM inspection_results WHERE inspection_id = ? GROUP BY department_id", (inspection_id,))}


# ----------------------------------------------------------------------------- checklists

_CHECKLIST_SQL = """
SELECT c.*, (SELECT count(*) FROM checklist_items i WHERE i.checklist_id = c.id AND i.active = 1) AS item_count
FROM checklists c
"""


def checklist_rows(db, *, include_inactive: bool = False, checklist_id: int | None = None):
    if checklist_id is not None:
        return db.query(_CHECKLIST_SQL + " WHERE c.id = ?", (checklist_id,))
    where = "" if include_inactive else " WHERE c.active = 1"
    return db.query(_CHECKLIST_SQL + where + " ORDER BY c.kind, c.name, c.version DESC")


def checklist_named(db, name: str, version: str) -> int | None:
    return db.scalar("SELECT id FROM checklists WHERE name = ? AND version = ?", (name, version))


def category_rows(db, checklist_id: int):
    return db.query("SELECT * FROM checklist_categories WHERE checklist_id = ? ORDER BY sort_order, id", (checklist_id,))


def item_rows(db, checklist_id: int | None = None, *, include_inactive: bool = False, item_id: int | None = None):
    sql = "SELECT i.*, c.name AS category FROM checklist_items i JOIN checklist_categories c ON c.id = i.category_id"
    if item_id is not None:
        return db.query(sql + " WHERE i.id = ?", (item_id,))
    where = "" if include_inactive else " AND i.active = 1"
    return db.query(sql + " WHERE i.checklist_id = ?" + where + " ORDER BY c.sort_order, i.sort_order, i.id",
                    (checklist_id,))


def listed_category_names(db) -> list[str]:
    """The active checklists' categories (built-in first), then any other category used in the ledger."""
    listed = [r[0] for r in db.query(
        "SELECT c.name FROM checklist_categories c JOIN checklists k ON k.id = c.checklist_id"
        " WHERE k.active = 1 ORDER BY k.builtin DESC, k.id, c.sort_order")]
    used = [r[0] for r in db.query("SELECT DISTINCT category FROM ledger_items ORDER BY category")]
    return list(dict.fromkeys(listed + used))


def category_alias_rows(db):
    return db.query("SELECT name, aliases FROM checklist_categories")


def category_in_checklist(db, category_id, checklist_id: int) -> bool:
    return db.scalar("SELECT 1 FROM checklist_categories WHERE id = ? AND checklist_id = ?",
                     (category_id, checklist_id)) is not None


def next_item_code(db, checklist_id: int, category_id: int) -> str:
    """The category's code and the next free number in it, e.g. 3.7."""
    n = db.scalar("SELECT count(*) FROM checklist_items WHERE category_id = ?", (category_id,)) or 0
    prefix = db.scalar("SELECT code FROM checklist_categories WHERE id = ?", (category_id,)) or "0"
    while item_with_code(db, checklist_id, f"{prefix}.{n + 1}") is not None:
        n += 1
    return f"{prefix}.{n + 1}"


def item_with_code(db, checklist_id: int, code: str) -> int | None:
    return db.scalar("SELECT id FROM checklist_items WHERE checklist_id = ? AND code = ?", (checklist_id, code))


def next_item_order(db, category_id: int) -> int:
    return (db.scalar("SELECT max(sort_order) FROM checklist_items WHERE category_id = ?", (category_id,)) or 0) + 1


def add_checklist(db, values: dict) -> int:
    return tables.insert(db, "checklists", values)


def add_checklist_item(db, values: dict) -> int:
    return tables.insert(db, "checklist_items", values)


def add_category(db, checklist_id: int, code: str, name: str, order: int, aliases: str | None = None) -> int:
    values = {"checklist_id": checklist_id, "code": code, "name": name, "sort_order": order}
    if aliases is not None:
        values["aliases"] = aliases
    return tables.insert(db, "checklist_categories", values)


def copy_checklist_contents(db, source_id: int, target_id: int) -> None:
    """The categories and active items of one checklist into another (a new version)."""
    mapping = {}
    for cat in category_rows(db, source_id):
        mapping[cat["id"]] = add_category(db, target_id, cat["code"], cat["name"], cat["sort_order"], cat["aliases"])
    for item in item_rows(db, source_id):
        tables.insert(db, "checklist_items", {
            "checklist_id": target_id, "category_id": mapping[item["category_id"]], "code": item["code"],
            "text": item["text"], "method": item["method"], "deduction": item["deduction"],
            "sort_order": item["sort_order"]})
