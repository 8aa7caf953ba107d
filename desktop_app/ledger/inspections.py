"""检查: inspections recorded check point by check point, department by department.

Every 不符合 becomes a ledger item at once, prefilled from the check point (category, check
point, deduction, the inspection's date and source); the item follows the result while it is
still 待整改, and a result whose problem is already being rectified can no longer be changed.
Department scores are the base score minus the deductions of the 不符合 results.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from desktop_app import errors
from desktop_app.accounts import audit
from desktop_app.accounts.permissions import action
from desktop_app.errors import Finding
from desktop_app.ledger import service as ledger
from desktop_app.ledger.checklists import ChecklistItem, items_of
from desktop_app.ledger.manifest import CHECKLISTS_MANAGE, INSPECTIONS_RECORD, LEDGER_VIEW
from desktop_app.ledger.models import PENDING, RESULTS
from desktop_app.session import Session
from desktop_app.settings import get_setting
from desktop_app.textnorm import clean_prose, clean_text, parse_date

audit.register_entity("inspection", "检查", {
    "number": "编号", "type": "检查类型", "title": "检查名称", "inspected_on": "检查日期", "inspectors": "检查人员",
    "checklist": "检查表", "departments": "受检科室", "status": "状态", "notes": "备注", "results": "检查结果",
    "department": "科室",
})

IN_PROGRESS, DONE = "进行中", "已完成"


@dataclass(frozen=True)
class InspectionType:
    name: str
    source: str
    builtin: bool


@dataclass(frozen=True)
class Inspection:
    id: int
    uid: str
    number: str
    type: str
    title: str
    inspected_on: str
    inspectors: str
    checklist_id: int | None
    checklist_label: str | None
    status: str
    completed_on: str | None
    notes: str | None
    department_ids: tuple[int, ...]
    department_names: tuple[str, ...]
    problem_count: int = 0

    def label(self) -> str:
        return f"{self.number} {self.title}"


@dataclass(frozen=True)
class ResultRow:
    """One check point of the checklist in one department, with what was recorded (if anything)."""

    item: ChecklistItem
    result: str | None
    deduction: float
    note: str | None
    ledger_item_id: int | None
    ledger_status: str | None


@dataclass(frozen=True)
class DepartmentScore:
    department_id: int
    department_name: str
    checked: int
    failed: int
    not_applicable: int
    deductions: float
    score: float


# ----------------------------------------------------------------------------- types


@action(LEDGER_VIEW)
def list_types(session: Session, *, include_inactive: bool = False) -> list[InspectionType]:
    where = "" if include_inactive else " WHERE active = 1"
    return [InspectionType(r["name"], r["source"], bool(r["builtin"]))
            for r in session.db.query(f"SELECT * FROM inspection_types{where} ORDER BY sort_order, name")]


@action(CHECKLISTS_MANAGE)
def add_type(session: Session, name: str, source: str) -> InspectionType:
    """A hospital-defined inspection type, e.g. 院长行政查房, mapped to a ledger source."""
    from desktop_app.ledger.models import SOURCES

    name = clean_text(name)
    findings = []
    if not name:
        findings.append(Finding("请填写检查类型名称。", field="检查类型"))
    elif session.db.scalar("SELECT 1 FROM inspection_types WHERE name = ?", (name,)):
        findings.append(Finding(f"已有检查类型“{name}”。", field="检查类型"))
    if source not in SOURCES:
        findings.append(Finding("请选择该类检查发现的问题在台账中的来源。", field="问题来源"))
    if findings:
        raise errors.ValidationError(findings)
    with session.db.transaction():
        order = (session.db.scalar("SELECT max(sort_order) FROM inspection_types") or 0) + 1
        session.db.execute("INSERT INTO inspection_types (name, source, builtin, sort_order) VALUES (?, ?, 0, ?)",
                           (name, source, order))
        audit.record(session, "create", "inspection", label=f"检查类型：{name}", after={"type": name})
    return InspectionType(name, source, False)


# ----------------------------------------------------------------------------- inspections


_INSPECTION_SQL = """
SELECT i.*, c.name || '（' || c.version || '）' AS checklist_label,
       (SELECT count(*) FROM ledger_items l WHERE l.inspection_id = i.id) AS problem_count
FROM inspections i LEFT JOIN checklists c ON c.id = i.checklist_id
"""


def _inspections(db, rows) -> list[Inspection]:
    """Inspections with their departments, fetched in one query for all of them."""
    rows = list(rows)
    depts: dict[int, list[tuple[int, str]]] = {}
    if rows:
        for r in db.query(
                "SELECT x.inspection_id, d.id, d.name FROM inspection_departments x JOIN departments d"
                " ON d.id = x.department_id WHERE x.inspection_id IN (SELECT value FROM json_each(?))"
                " ORDER BY d.sort_order, d.id", (json.dumps([r["id"] for r in rows]),)):
            depts.setdefault(r[0], []).append((r[1], r[2]))
    return [Inspection(
        id=row["id"], uid=row["uid"], number=row["number"], type=row["type"], title=row["title"],
        inspected_on=row["inspected_on"], inspectors=row["inspectors"], checklist_id=row["checklist_id"],
        checklist_label=row["checklist_label"], status=row["status"], completed_on=row["completed_on"],
        notes=row["notes"], department_ids=tuple(d[0] for d in depts.get(row["id"], [])),
        department_names=tuple(d[1] for d in depts.get(row["id"], [])), problem_count=row["problem_count"],
    ) for row in rows]


def _scope_allows(session: Session, department_ids) -> bool:
    allowed = ledger.visible_departments(session)
    return allowed is None or set(department_ids) <= allowed


@action(LEDGER_VIEW)
def list_inspections(session: Session, *, year: int | None = None, limit: int | None = None) -> list[Inspection]:
    """Newest first; ``limit`` keeps the newest few (e.g. for a filter drop-down)."""
    where, params = "", []
    if year:
        where, params = " WHERE i.inspected_on >= ? AND i.inspected_on < ?", [f"{year}-", f"{year + 1}-"]
    rows = session.db.query(_INSPECTION_SQL + where + " ORDER BY i.inspected_on DESC, i.number DESC", params)
    allowed = ledger.visible_departments(session)
    out = _inspections(session.db, rows)
    if allowed is not None:  # department heads see the inspections that covered their department
        out = [i for i in out if set(i.department_ids) & allowed]
    return out[:limit] if limit else out


@action(LEDGER_VIEW)
def get_inspection(session: Session, inspection_id: int) -> Inspection:
    row = session.db.query_one(_INSPECTION_SQL + " WHERE i.id = ?", (inspection_id,))
    if row is None:
        raise errors.NotFound("该检查不存在，可能已被删除。")
    [inspection] = _inspections(session.db, [row])
    allowed = ledger.visible_departments(session)
    if allowed is not None and not set(inspection.department_ids) & allowed:
        raise errors.PermissionDenied("科室负责人只能查看涉及本科室的检查。")
    return inspection


def _next_number(db, year: int) -> str:
    last = db.scalar("SELECT max(number) FROM inspections WHERE number >= ? AND number < ?", (f"JC{year}-", f"JC{year}."))
    seq = int(last.split("-")[1]) + 1 if last else 1
    return f"JC{year}-{seq:03d}"


@action(INSPECTIONS_RECORD)
def create_inspection(session: Session, values: dict) -> Inspection:
    db = session.db
    findings: list[Finding] = []
    type_ = clean_text(values.get("type"))
    if not db.scalar("SELECT 1 FROM inspection_types WHERE name = ? AND active = 1", (type_,)):
        findings.append(Finding("请选择检查类型。", field="检查类型"))
    try:
        on = parse_date(values.get("inspected_on"))
    except (ValueError, TypeError):
        on = None
    if on is None:
        findings.append(Finding("请填写检查日期。", field="检查日期"))
    elif on > session.today():
        findings.append(Finding("检查日期不能晚于今天（计划中的检查请在检查当天再登记）。", field="检查日期"))
    title = clean_text(values.get("title")) or (f"{on:%Y年%m月}{type_}" if on and type_ else "")
    inspectors = clean_text(values.get("inspectors"))
    if not inspectors:
        findings.append(Finding("请填写检查人员。", field="检查人员"))
    checklist_id = values.get("checklist_id")
    if checklist_id is not None and not db.scalar("SELECT 1 FROM checklists WHERE id = ?", (checklist_id,)):
        findings.append(Finding("所选检查表不存在。", field="检查表"))
    departments = list(dict.fromkeys(values.get("department_ids") or []))
    if not departments:
        findings.append(Finding("请至少选择一个受检科室。", field="受检科室"))
    elif not all(db.scalar("SELECT 1 FROM departments WHERE id = ?", (d,)) for d in departments):
        findings.append(Finding("所选科室中有不存在的科室。", field="受检科室"))
    if findings:
        raise errors.ValidationError(findings)
    if not _scope_allows(session, departments):
        raise errors.PermissionDenied("科室负责人只能检查本科室（含下属病区）。")
    now = session.stamp()
    with db.transaction():
        cur = db.execute(
            "INSERT INTO inspections (number, type, title, inspected_on, inspectors, checklist_id, status, notes,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (_next_number(db, on.year), type_, title, on.isoformat(), inspectors, checklist_id, IN_PROGRESS,
             clean_prose(values.get("notes")), now, now),
        )
        for d in departments:
            db.execute("INSERT INTO inspection_departments (inspection_id, department_id) VALUES (?, ?)", (cur.lastrowid, d))
        inspection = get_inspection(session, cur.lastrowid)
        audit.record(session, "create", "inspection", uid=inspection.uid, label=inspection.label(), after={
            "number": inspection.number, "type": type_, "title": title, "inspected_on": inspection.inspected_on,
            "inspectors": inspectors, "checklist": inspection.checklist_label,
            "departments": "、".join(inspection.department_names)})
    return inspection


@action(LEDGER_VIEW)
def results_for(session: Session, inspection_id: int, department_id: int) -> list[ResultRow]:
    """The checklist's check points for one department, with what has been recorded."""
    inspection = get_inspection(session, inspection_id)
    if inspection.checklist_id is None:
        return []
    recorded = {
        r["item_id"]: r for r in session.db.query(
            "SELECT r.item_id, r.result, r.deduction, r.note, l.id AS ledger_id, l.status AS ledger_status"
            " FROM inspection_results r LEFT JOIN ledger_items l ON l.result_id = r.id"
            " WHERE r.inspection_id = ? AND r.department_id = ?", (inspection_id, department_id))
    }
    rows = []
    for item in items_of(session.db, inspection.checklist_id):
        r = recorded.get(item.id)
        rows.append(ResultRow(item, r["result"] if r else None, r["deduction"] if r else 0.0,
                              r["note"] if r else None, r["ledger_id"] if r else None,
                              r["ledger_status"] if r else None))
    return rows


@action(INSPECTIONS_RECORD)
def record_results(session: Session, inspection_id: int, department_id: int,
                   entries: list[dict]) -> dict[str, int]:
    """Save one department's results: ``entries`` = [{"item_id", "result", "deduction", "note"}].

    Validates every entry first (each finding names its check point's code in ``record``, so a
    grid can mark the row); then, in one transaction, stores the results and keeps the ledger
    in step (a new 不符合 registers a problem; a problem still 待整改 follows its result).
    Returns counts: saved, problems_created, problems_removed.
    """
    db = session.db
    inspection = get_inspection(session, inspection_id)
    if inspection.status == DONE:
        raise errors.Conflict(f"检查 {inspection.number} 已完成，结果不能再修改；发现的问题请在问题台账中处理。")
    if department_id not in inspection.department_ids:
        raise errors.ValidationError("该科室不在本次检查的受检科室中。", field="科室")
    if not _scope_allows(session, [department_id]):
        raise errors.PermissionDenied("科室负责人只能录入本科室的检查结果。")
    items = {i.id: i for i in items_of(db, inspection.checklist_id)} if inspection.checklist_id else {}
    findings: list[Finding] = []
    clean: list[dict] = []
    for n, e in enumerate(entries, start=1):
        item = items.get(e.get("item_id"))
        where = f"第 {n} 项"
        if item is None:
            findings.append(Finding(f"{where}：检查要点不属于本次检查使用的检查表。", field="检查要点"))
            continue
        where = f"要点 {item.code}"
        result = e.get("result")
        if result in (None, ""):
            continue  # not recorded yet
        if result not in RESULTS:
            findings.append(Finding(f"{where}：结果须为符合、不符合或不适用。", field="结果", record=item.code))
            continue
        try:
            deduction = float(e.get("deduction") if e.get("deduction") not in (None, "") else
                              (item.deduction if result == "不符合" else 0))
            if not 0 <= deduction <= 100:  # written so that NaN is refused too
                raise ValueError
        except (TypeError, ValueError, OverflowError):
            findings.append(Finding(f"{where}：扣分须为 0–100 之间的数字。", field="扣分", record=item.code))
            continue
        if result != "不符合" and deduction:
            findings.append(Finding(f"{where}：只有“不符合”才能扣分。", field="扣分", record=item.code))
            continue
        clean.append({"item": item, "result": result, "deduction": deduction, "note": clean_prose(e.get("note"))})
    if findings:
        raise errors.ValidationError(findings)
    existing = {r["item_id"]: r for r in db.query(
        "SELECT r.*, l.id AS ledger_id, l.status AS ledger_status, l.number AS ledger_number FROM inspection_results r"
        " LEFT JOIN ledger_items l ON l.result_id = r.id WHERE r.inspection_id = ? AND r.department_id = ?",
        (inspection_id, department_id))}
    for c in clean:
        old = existing.get(c["item"].id)
        if old and old["ledger_id"] and old["ledger_status"] != PENDING and (
                c["result"] != old["result"] or c["deduction"] != old["deduction"]):
            findings.append(Finding(
                f"要点 {c['item'].code}：已生成问题 {old['ledger_number']} 且已进入整改（{old['ledger_status']}），"
                "不能再修改结果；如有误，请在问题台账中处理。", field="结果", record=c["item"].code))
    if findings:
        raise errors.ValidationError(findings)

    counts = {"saved": 0, "problems_created": 0, "problems_removed": 0}
    department_name = db.scalar("SELECT name FROM departments WHERE id = ?", (department_id,))
    changed_text = []
    now = session.stamp()
    source = db.scalar("SELECT source FROM inspection_types WHERE name = ?", (inspection.type,))
    found_on = dt.date.fromisoformat(inspection.inspected_on)
    with db.transaction():
        for c in clean:
            item, old = c["item"], existing.get(c["item"].id)
            if old and (old["result"], old["deduction"], old["note"]) == (c["result"], c["deduction"], c["note"]):
                continue
            if old:
                db.execute("UPDATE inspection_results SET result = ?, deduction = ?, note = ?, updated_at = ? WHERE id = ?",
                           (c["result"], c["deduction"], c["note"], now, old["id"]))
                result_id = old["id"]
            else:
                result_id = db.execute(
                    "INSERT INTO inspection_results (inspection_id, department_id, item_id, result, deduction, note,"
                    " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (inspection_id, department_id, item.id, c["result"], c["deduction"], c["note"], now)).lastrowid
            counts["saved"] += 1
            changed_text.append(f"{item.code} {(old['result'] if old else '未录入')}→{c['result']}")
            linked = old["ledger_id"] if old else None
            if c["result"] == "不符合":
                description = c["note"] or f"不符合：{item.text}"
                if linked is None:
                    ledger.insert_item(session, {
                        "found_on": found_on.isoformat(), "source": source, "inspection_id": inspection_id,
                        "result_id": result_id, "checklist_item_id": item.id, "category": item.category,
                        "check_point": item.text, "description": description, "department_id": department_id,
                        "severity": "一般", "deduction": c["deduction"],
                        "deadline": ledger.default_deadline(session, found_on).isoformat(),
                        "responsible_person": None, "remarks": None,
                    }, note=f"由检查 {inspection.number} 的不符合项生成")
                    counts["problems_created"] += 1
                else:
                    before = ledger.get_item(session, linked)
                    ledger._step(session, before, {"description": description, "deduction": c["deduction"]},
                                 "修改", "随检查结果更新")
            elif linked is not None:
                before = ledger.get_item(session, linked)
                db.execute("DELETE FROM ledger_items WHERE id = ?", (linked,))
                audit.record(session, "delete", "ledger_item", uid=before.uid, label=before.label(),
                             before={"number": before.number, "description": before.description,
                                     "status": f"检查结果改为“{c['result']}”，问题撤销"})
                counts["problems_removed"] += 1
        if changed_text:
            audit.record(session, "update", "inspection", uid=inspection.uid, label=inspection.label(),
                         after={"department": department_name, "results": "；".join(changed_text)})
    return counts


@action(INSPECTIONS_RECORD)
def complete_inspection(session: Session, inspection_id: int) -> Inspection:
    inspection = get_inspection(session, inspection_id)
    if inspection.status == DONE:
        return inspection
    if not _scope_allows(session, inspection.department_ids):
        raise errors.PermissionDenied("科室负责人只能完成本科室的检查。")
    db = session.db
    with db.transaction():
        db.execute("UPDATE inspections SET status = ?, completed_on = ?, updated_at = ? WHERE id = ?",
                   (DONE, session.today().isoformat(), session.stamp(), inspection_id))
        audit.record(session, "update", "inspection", uid=inspection.uid, label=inspection.label(),
                     before={"status": IN_PROGRESS}, after={"status": DONE})
    return get_inspection(session, inspection_id)


@action(LEDGER_VIEW)
def department_scores(session: Session, inspection_id: int) -> list[DepartmentScore]:
    inspection = get_inspection(session, inspection_id)
    base = float(get_setting(session.db, "inspection.base_score"))
    rows = {r["department_id"]: r for r in session.db.query(
        "SELECT department_id, count(*) AS checked, sum(result = '不符合') AS failed,"
        " sum(result = '不适用') AS na, coalesce(sum(deduction), 0) AS deductions"
        " FROM inspection_results WHERE inspection_id = ? GROUP BY department_id", (inspection_id,))}
    out = []
    for dept_id, name in zip(inspection.department_ids, inspection.department_names):
        r = rows.get(dept_id)
        deductions = float(r["deductions"]) if r else 0.0
        out.append(DepartmentScore(dept_id, name, r["checked"] if r else 0, r["failed"] if r else 0,
                                   r["na"] if r else 0, deductions, max(base - deductions, 0.0)))
    allowed = ledger.visible_departments(session)
    if allowed is not None:
        out = [s for s in out if s.department_id in allowed]
    return out
