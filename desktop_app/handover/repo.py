"""SQL for handover templates, reports, entries, attachments and addenda, and what the handover
book reads of departments and staff. No rules here.

Rows are written through :mod:`desktop_app.storage.tables`; lists of ids go in with
``tables.in_list``. One SQLite function remains, in :func:`report_counts` (see there)."""
from __future__ import annotations

import json
from dataclasses import replace

from desktop_app.handover.models import (
    Addendum,
    Entry,
    Report,
    ReportRow,
    entry_sort_key,
)
from desktop_app.storage import tables

_REPORT_SQL = ("SELECT r.*, d.name AS department_name FROM handover_reports r"
               " JOIN departments d ON d.id = r.department_id")


# ----------------------------------------------------------------------------- departments and signers


def department(db, department_id: int):
    return db.query_one("SELECT id, name, kind, parent_id, active FROM departments WHERE id = ?", (department_id,))


def departments(db):
    """Every department (id, name, kind, active), in the department list's order."""
    return db.query("SELECT id, name, kind, active FROM departments ORDER BY sort_order, name")


def departments_of_kind(db, kind: str, *, active_only: bool = True):
    """(id, name) of the departments of one kind (护理单元, 临床), in the department list's order."""
    where = " AND active = 1" if active_only else ""
    return db.query("SELECT id, name FROM departments WHERE kind = ?" + where + " ORDER BY sort_order, name", (kind,))


def kind_of_department_named(db, name: str) -> str | None:
    return db.scalar("SELECT kind FROM departments WHERE name = ?", (name,))


def signer(db, staff_id: int):
    """What decides whether a staff member may sign a ward's report: name, category, department, on duty."""
    return db.query_one("SELECT s.name, s.category, s.department_id, s.on_duty, d.name AS dept FROM staff s"
                        " JOIN departments d ON d.id = s.department_id WHERE s.id = ?", (staff_id,))


def staff_name(db, staff_id: int | None) -> str | None:
    return db.scalar("SELECT name FROM staff WHERE id = ?", (staff_id,))


# ----------------------------------------------------------------------------- templates


def template_row(db, department_id: int, kind: str):
    return db.query_one("SELECT * FROM handover_templates WHERE department_id = ? AND kind = ?", (department_id, kind))


def template_key(db, template_id: int) -> tuple[int, str] | None:
    """(department, kind) of a saved template."""
    row = db.query_one("SELECT department_id, kind FROM handover_templates WHERE id = ?", (template_id,))
    return None if row is None else (row["department_id"], row["kind"])


# ----------------------------------------------------------------------------- reports


def _row(r) -> ReportRow:
    return ReportRow(r["id"], r["department_id"], r["department_name"], r["kind"], r["date"], r["shift_order"],
                     r["shift_name"], r["status"], bool(r["census_ok"]), r["outgoing_name"], r["outgoing_at"],
                     r["receiving_name"], r["receiving_at"])


def department_of_report(db, report_id: int) -> int | None:
    """The ward a report belongs to (what its scope is checked against)."""
    return db.scalar("SELECT department_id FROM handover_reports WHERE id = ?", (report_id,))


def status_of(db, report_id: int) -> str | None:
    return db.scalar("SELECT status FROM handover_reports WHERE id = ?", (report_id,))


def find_report_id(db, department_id: int, kind: str, date: str, shift_order: int) -> int | None:
    return db.scalar("SELECT id FROM handover_reports WHERE department_id = ? AND kind = ? AND date = ?"
                     " AND shift_order = ?", (department_id, kind, date, shift_order))


def previous_report_row(db, department_id: int, kind: str, date: str, shift_order: int):
    """The report just before (date, shift) of the same ward and kind — one step on the unique index."""
    return db.query_one(_REPORT_SQL + " WHERE r.department_id = ? AND r.kind = ? AND (r.date, r.shift_order) < (?, ?)"
                        " ORDER BY r.date DESC, r.shift_order DESC LIMIT 1",
                        (department_id, kind, date, shift_order))


def report_row(db, report_id: int):
    return db.query_one(_REPORT_SQL + " WHERE r.id = ?", (report_id,))


def read_report(db, report_id: int) -> Report | None:
    """The report with its entries and addenda (None: no such report)."""
    row = report_row(db, report_id)
    return None if row is None else report(db, row)


def entries(db, report_id: int) -> list[Entry]:
    photos: dict[str, list[str]] = {}
    for a in db.query("SELECT entry_uid, file_name FROM handover_attachments WHERE report_id = ? ORDER BY id",
                      (report_id,)):
        photos.setdefault(a["entry_uid"], []).append(a["file_name"])
    rows = db.query("SELECT * FROM handover_entries WHERE report_id = ? ORDER BY position, id", (report_id,))
    out = [_entry(r, photos) for r in rows]
    out.sort(key=lambda e: entry_sort_key(e.category, e.bed))
    return out


def _entry(r, photos: dict[str, list[str]]) -> Entry:
    return Entry(r["uid"], r["category"], r["bed"], r["patient_name"], r["diagnosis"],
                 tuple(m for m in r["marks"].split("、") if m), r["event_time"], r["place"], r["operation"],
                 r["situation"], r["background"], r["assessment"], r["recommendation"], r["bedside_at"],
                 r["bedside_evidence"], r["bedside_by"], r["carried_from"], tuple(photos.get(r["uid"], ())))


def addenda(db, report_id: int) -> list[Addendum]:
    return [Addendum(r["text"], r["author"], r["added_at"]) for r in
            db.query("SELECT text, author, added_at FROM handover_addenda WHERE report_id = ? ORDER BY id",
                     (report_id,))]


def report(db, row, *, with_entries: bool = True) -> Report:
    return Report(
        id=row["id"], uid=row["uid"], department_id=row["department_id"], department_name=row["department_name"],
        kind=row["kind"], date=row["date"], shift_order=row["shift_order"], shift_name=row["shift_name"],
        shift_starts_at=row["shift_starts_at"], shift_ends_at=row["shift_ends_at"], status=row["status"],
        census=json.loads(row["census_json"]), census_ok=bool(row["census_ok"]),
        items=tuple(json.loads(row["items_json"])), notes=row["notes"], outgoing_name=row["outgoing_name"],
        outgoing_at=row["outgoing_at"], receiving_name=row["receiving_name"], receiving_at=row["receiving_at"],
        created_by=row["created_by"], created_at=row["created_at"], updated_at=row["updated_at"],
        outgoing_user_id=row["outgoing_user_id"], outgoing_staff_id=row["outgoing_staff_id"],
        entries=tuple(entries(db, row["id"])) if with_entries else (),
        addenda=tuple(addenda(db, row["id"])) if with_entries else ())


def list_rows(db, *, kind: str, departments: set[int] | None, first: str, last: str, status: str | None = None,
              limit: int | None = None, offset: int = 0) -> list[ReportRow]:
    where, params = _list_where(kind, departments, first, last, status)
    sql = _REPORT_SQL + where + " ORDER BY r.date DESC, r.shift_order DESC, d.sort_order"
    if limit is not None:
        sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
    return [_row(r) for r in db.query(sql, params)]


def _in_departments(departments: set[int]) -> tuple[str, list]:
    if len(departments) == 1:  # a nurse's ward, or the ward picked: the unique index gives the order too
        return "r.department_id = ?", [*departments]
    return tables.in_list("r.department_id", sorted(departments))


def _list_where(kind: str, departments: set[int] | None, first: str, last: str, status: str | None):
    where, params = ["r.kind = ?", "r.date >= ?", "r.date <= ?"], [kind, first, last]
    if departments is not None:
        clause, more = _in_departments(departments)
        where.append(clause)
        params += more
    if status:
        where.append("r.status = ?")
        params.append(status)
    return " WHERE " + " AND ".join(where), params


def count_rows(db, *, kind: str, departments: set[int] | None, first: str, last: str,
               status: str | None = None) -> int:
    where, params = _list_where(kind, departments, first, last, status)
    return db.scalar("SELECT count(*) FROM handover_reports r" + where, params)


def rows_by_slot(db, kind: str, departments: list[int], first: str, last: str) -> dict[tuple, ReportRow]:
    """(department, date, shift order) -> row, for the shift board (one range scan per ward)."""
    out = {}
    for d in departments:
        for r in db.query(_REPORT_SQL + " WHERE r.department_id = ? AND r.kind = ? AND r.date >= ? AND r.date <= ?",
                          (d, kind, first, last)):
            out[(r["department_id"], r["date"], r["shift_order"])] = _row(r)
    return out


def waiting_rows(db, kind: str, departments: set[int] | None) -> list[ReportRow]:
    """Reports not yet received (草稿, 已交班), oldest first — the partial index keeps it small."""
    sql = _REPORT_SQL + " WHERE r.status <> '已接班' AND r.kind = ?"
    params: list = [kind]
    if departments is not None:
        clause, more = _in_departments(departments)
        sql += " AND " + clause
        params += more
    # "r.date || ''": sort the few open reports rather than walk the date index over every report
    return [_row(r) for r in db.query(sql + " ORDER BY r.date || '', r.shift_order", params)]


# ----------------------------------------------------------------------------- writing what belongs to a report
# (the report's own row is written by desktop_app.records, through the service's entity)

_ENTRY_COLS = ("category", "bed", "patient_name", "diagnosis", "marks", "event_time", "place", "operation",
               "situation", "background", "assessment", "recommendation", "grade4", "needs_bedside",
               "carried_from", "position")


def replace_entries(db, report_id: int, rows: list[dict]) -> None:
    """The report's entries become ``rows``, matched by uid: entries no longer present go (with their
    bedside photos), kept ones are updated (their bedside records stay), new ones are added. A uid
    that belongs to another report's entry is left alone there and not added here."""
    rows = list({r["uid"]: r for r in rows}.values())  # a uid given twice: its last values, as an upsert would
    keep = {r["uid"] for r in rows}
    mine = {r[0] for r in db.tuples("SELECT uid FROM handover_entries WHERE report_id = ?", (report_id,))}
    for uid in mine - keep:
        tables.delete(db, "handover_entries", {"report_id": report_id, "uid": uid})
    for (uid,) in db.tuples("SELECT DISTINCT entry_uid FROM handover_attachments WHERE report_id = ?", (report_id,)):
        if uid not in keep:
            tables.delete(db, "handover_attachments", {"report_id": report_id, "entry_uid": uid})
    clause, params = tables.in_list("uid", sorted(keep - mine))
    elsewhere = {r[0] for r in db.tuples("SELECT uid FROM handover_entries WHERE " + clause, params)}
    new = []
    for r in rows:
        values = {c: r[c] for c in _ENTRY_COLS}
        if r["uid"] in mine:
            tables.update(db, "handover_entries", {"uid": r["uid"], "report_id": report_id}, values)
        elif r["uid"] not in elsewhere:
            new.append([r["uid"], report_id, *values.values()])
    if new:
        tables.insert_many(db, "handover_entries", ("uid", "report_id", *_ENTRY_COLS), new)


def set_bedside(db, report_id: int, uid: str, at: str, evidence: str | None, by: str) -> None:
    tables.update(db, "handover_entries", {"report_id": report_id, "uid": uid},
                  {"bedside_at": at, "bedside_evidence": evidence, "bedside_by": by})


def add_attachment(db, report_id: int, uid: str, name: str, kind: str, content: bytes, digest: str,
                   by: str, at: str) -> int:
    return tables.insert(db, "handover_attachments", {
        "report_id": report_id, "entry_uid": uid, "file_name": name, "kind": kind, "size": len(content),
        "sha256": digest, "content": content, "added_by": by, "added_at": at})


def add_addendum(db, report_id: int, text: str, author: str, user_id: int | None, at: str) -> int:
    return tables.insert(db, "handover_addenda", {"report_id": report_id, "text": text, "author": author,
                                                  "user_id": user_id, "added_at": at})


# ----------------------------------------------------------------------------- figures


def report_counts(db, kind: str, first: str, last: str, grace_minutes: int) -> dict[int, tuple]:
    """department -> (written, received, received on time, census errors)."""
    rows = db.tuples(
        "SELECT department_id, count(*), sum(CASE WHEN status = '已接班' THEN 1 ELSE 0 END),"
        " sum(CASE WHEN status = '已接班' AND receiving_at <= " + tables.stamp_plus_minutes("shift_ends_at")
        + " THEN 1 ELSE 0 END),"
        " sum(CASE WHEN census_ok = 0 THEN 1 ELSE 0 END)"
        " FROM handover_reports WHERE kind = ? AND date >= ? AND date <= ? GROUP BY department_id",
        (int(grace_minutes), kind, first, last))
    return {r[0]: tuple(r[1:]) for r in rows}


def grade4_counts(db, kind: str, first: str, last: str) -> dict[int, tuple[int, int]]:
    """department -> (四级手术当日 operations, … handed over at the bedside).

    One operation = (day, bed, operation name): the same operation carried into the next shift of
    the day counts once (handed over at the bedside in any shift of the day), two grade-4 operations
    of one patient count twice.
    """
    rows = db.tuples(
        "SELECT department_id, count(*), sum(done) FROM ("
        " SELECT r.department_id, max(CASE WHEN e.bedside_at IS NOT NULL THEN 1 ELSE 0 END) AS done"
        " FROM handover_reports r JOIN handover_entries e ON e.report_id = r.id AND e.grade4 = 1"
        " WHERE r.kind = ? AND r.date >= ? AND r.date <= ?"
        " GROUP BY r.department_id, r.date, e.bed, coalesce(e.operation, '')) AS operations GROUP BY department_id",
        (kind, first, last))
    return {r[0]: (r[1], r[2] or 0) for r in rows}


# ----------------------------------------------------------------------------- printouts
# The printed book and the export read a whole period at once: the reports, then every entry,
# photo name and addendum of those reports in one query each (no query per report).


def printout_reports(db, *, kind: str, departments: set[int] | None, first: str, last: str) -> list[Report]:
    """Every report of the period with its entries and addenda, by ward, day and shift."""
    where, params = _list_where(kind, departments, first, last, None)
    rows = db.query(_REPORT_SQL + where + " ORDER BY d.sort_order, d.name, r.date, r.shift_order", params)
    join = " FROM {} x JOIN handover_reports r ON r.id = x.report_id" + where
    photos: dict[str, list[str]] = {}
    for a in db.query("SELECT x.entry_uid, x.file_name" + join.format("handover_attachments") + " ORDER BY x.id",
                      params):
        photos.setdefault(a["entry_uid"], []).append(a["file_name"])
    entries_of: dict[int, list[Entry]] = {}
    for r in db.query("SELECT x.*" + join.format("handover_entries") + " ORDER BY x.report_id, x.position, x.id",
                      params):
        entries_of.setdefault(r["report_id"], []).append(_entry(r, photos))
    addenda_of: dict[int, list[Addendum]] = {}
    for r in db.query("SELECT x.report_id, x.text, x.author, x.added_at" + join.format("handover_addenda")
                      + " ORDER BY x.id", params):
        addenda_of.setdefault(r["report_id"], []).append(Addendum(r["text"], r["author"], r["added_at"]))
    out = []
    for row in rows:
        entries = sorted(entries_of.get(row["id"], ()), key=lambda e: entry_sort_key(e.category, e.bed))
        out.append(replace(report(db, row, with_entries=False), entries=tuple(entries),
                           addenda=tuple(addenda_of.get(row["id"], ()))))
    return out
