"""检查: inspections recorded check point by check point, department by department.

Every 不符合 becomes a ledger item at once, prefilled from the check point (category, check
point, deduction, the inspection's date and source); the item follows the result while it is
still 待整改, and a result whose problem is already being rectified can no longer be changed.
Department scores are the base score minus the deductions of the 不符合 results.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desktop_app import errors, records
from desktop_app.accounts import audit
from desktop_app.accounts.permissions import action
from desktop_app.accounts.scope import HOSPITAL, department, on
from desktop_app.errors import Finding
from desktop_app.fields import Field, Fields
from desktop_app.ledger import repo
from desktop_app.ledger import service as ledger
from desktop_app.ledger.checklists import ChecklistItem, items_of
from desktop_app.ledger.manifest import CHECKLISTS_MANAGE, INSPECTIONS_RECORD, LEDGER_VIEW
from desktop_app.ledger.models import PENDING, RESULTS
from desktop_app.people import repo as people_repo
from desktop_app.session import Session
from desktop_app.settings import get_setting
from desktop_app.textnorm import clean_prose, clean_text, parse_date

IN_PROGRESS, DONE = "进行中", "已完成"

INSPECTION_FIELDS = Fields(
    Field("number", "编号"), Field("type", "检查类型"), Field("source", "问题来源"), Field("title", "检查名称"),
    Field("inspected_on", "检查日期"), Field("inspectors", "检查人员"), Field("checklist_id", "检查表"),
    Field("department_ids", "受检科室"), Field("status", "状态"), Field("completed_on", "完成日期"),
    Field("notes", "备注"), Field("results", "检查结果"), Field("department_id", "科室"),
    Field("item_id", "检查要点"), Field("result", "结果"), Field("deduction", "扣分"),
)
F = INSPECTION_FIELDS


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


@action(LEDGER_VIEW, scope=HOSPITAL)
def list_types(session: Session, *, include_inactive: bool = False) -> list[InspectionType]:
    return [InspectionType(r["name"], r["source"], bool(r["builtin"]))
            for r in repo.inspection_types(session.db, include_inactive=include_inactive)]


@action(CHECKLISTS_MANAGE, scope=HOSPITAL)
def add_type(session: Session, name: str, source: str) -> InspectionType:
    """A hospital-defined inspection type, e.g. 院长行政查房, mapped to a ledger source."""
    from desktop_app.ledger.models import SOURCES

    name = clean_text(name)
    findings = []
    if not name:
        findings.append(F.finding("type", "请填写检查类型名称。"))
    elif repo.inspection_type_source(session.db, name) is not None:
        findings.append(F.finding("type", f"已有检查类型“{name}”。"))
    if source not in SOURCES:
        findings.append(F.finding("source", "请选择该类检查发现的问题在台账中的来源。"))
    if findings:
        raise errors.ValidationError(findings)
    with session.db.transaction():
        repo.add_inspection_type(session.db, name, source)
        audit.record(session, "create", "inspection", label=f"检查类型：{name}", after={"type": name})
    return InspectionType(name, source, False)


# ----------------------------------------------------------------------------- inspections


def _inspections(db, rows) -> list[Inspection]:
    """Inspections with their departments, fetched in one query for all of them."""
    rows = list(rows)
    depts = repo.inspected_departments(db, [r["id"] for r in rows]) if rows else {}
    return [Inspection(
        id=row["id"], uid=row["uid"], number=row["number"], type=row["type"], title=row["title"],
        inspected_on=row["inspected_on"], inspectors=row["inspectors"], checklist_id=row["checklist_id"],
        checklist_label=row["checklist_label"], status=row["status"], completed_on=row["completed_on"],
        notes=row["notes"], department_ids=tuple(d[0] for d in depts.get(row["id"], [])),
        department_names=tuple(d[1] for d in depts.get(row["id"], [])), problem_count=row["problem_count"],
    ) for row in rows]


def _read(session: Session, inspection_id: int) -> Inspection | None:
    rows = repo.inspection_rows(session.db, inspection_id=inspection_id)
    return _inspections(session.db, rows)[0] if rows else None


def _audit_values(i: Inspection) -> dict:
    return {"number": i.number, "type": i.type, "title": i.title, "inspected_on": i.inspected_on,
            "inspectors": i.inspectors, "checklist_id": i.checklist_label, "department_ids": "、".join(i.department_names),
            "status": i.status, "completed_on": i.completed_on, "notes": i.notes}


INSPECTION = records.Entity("inspection", "检查", "inspections", read=_read, audit_values=_audit_values,
                            describe=Inspection.label, field_labels=F.labels())

# Each department sees the inspections that covered it; recording is per department.
ALL_INSPECTIONS = department(what="检查")


@action(LEDGER_VIEW, scope=ALL_INSPECTIONS)
def list_inspections(session: Session, *, year: int | None = None, limit: int | None = None) -> list[Inspection]:
    """Newest first; ``limit`` keeps the newest few (e.g. for a filter drop-down)."""
    out = _inspections(session.db, repo.inspection_rows(session.db, year=year))
    if session.reach is not None:  # department heads see the inspections that covered their department
        out = [i for i in out if set(i.department_ids) & session.reach]
    return out[:limit] if limit else out


@action(LEDGER_VIEW, scope=department(on("inspection_id", repo.departments_of_inspection, any_of=True),
                                      doing="查看", what="检查"))
def get_inspection(session: Session, inspection_id: int) -> Inspection:
    inspection = _read(session, inspection_id)
    if inspection is None:
        raise errors.NotFound("该检查不存在，可能已被删除。")
    return inspection


@action(INSPECTIONS_RECORD, scope=department(on("values", key="department_ids"), doing="检查", what="科室"))
def create_inspection(session: Session, values: dict) -> Inspection:
    db = session.db
    findings: list[Finding] = []
    type_ = clean_text(values.get("type"))
    if repo.inspection_type_source(db, type_, active_only=True) is None:
        findings.append(F.finding("type", "请选择检查类型。"))
    try:
        on = parse_date(values.get("inspected_on"))
    except (ValueError, TypeError):
        on = None
    if on is None:
        findings.append(F.finding("inspected_on", "请填写检查日期。"))
    elif on > session.today():
        findings.append(F.finding("inspected_on", "检查日期不能晚于今天（计划中的检查请在检查当天再登记）。"))
    title = clean_text(values.get("title")) or (f"{on:%Y年%m月}{type_}" if on and type_ else "")
    inspectors = clean_text(values.get("inspectors"))
    if not inspectors:
        findings.append(F.finding("inspectors", "请填写检查人员。"))
    checklist_id = values.get("checklist_id")
    if checklist_id is not None and not repo.checklist_exists(db, checklist_id):
        findings.append(F.finding("checklist_id", "所选检查表不存在。"))
    departments = list(dict.fromkeys(values.get("department_ids") or []))
    if not departments:
        findings.append(F.finding("department_ids", "请至少选择一个受检科室。"))
    elif not all(people_repo.department_exists(db, d) for d in departments):
        findings.append(F.finding("department_ids", "所选科室中有不存在的科室。"))
    if findings:
        raise errors.ValidationError(findings)
    with db.transaction():
        # the departments are written before the inspection is read back for its audit row
        number = repo.next_inspection_number(db, on.year)
        values = {"number": number, "type": type_, "title": title, "inspected_on": on.isoformat(),
                  "inspectors": inspectors, "checklist_id": checklist_id, "status": IN_PROGRESS,
                  "notes": clean_prose(values.get("notes"))}
        return records.create(session, INSPECTION, values,
                              then=lambda new_id: repo.add_inspected_departments(db, new_id, departments))


@action(LEDGER_VIEW, scope=department(on("department_id"), doing="查看", what="检查结果"))
def results_for(session: Session, inspection_id: int, department_id: int) -> list[ResultRow]:
    """The checklist's check points for one department, with what has been recorded."""
    inspection = get_inspection(session, inspection_id)
    if inspection.checklist_id is None:
        return []
    recorded = repo.recorded_results(session.db, inspection_id, department_id)
    rows = []
    for item in items_of(session.db, inspection.checklist_id):
        r = recorded.get(item.id)
        rows.append(ResultRow(item, r["result"] if r else None, r["deduction"] if r else 0.0,
                              r["note"] if r else None, r["ledger_id"] if r else None,
                              r["ledger_status"] if r else None))
    return rows


@action(INSPECTIONS_RECORD, scope=department(on("department_id"), doing="录入", what="检查结果"))
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
        raise errors.ValidationError(F.finding("department_id", "该科室不在本次检查的受检科室中。"))
    items = {i.id: i for i in items_of(db, inspection.checklist_id)} if inspection.checklist_id else {}
    findings: list[Finding] = []
    clean: list[dict] = []
    for n, e in enumerate(entries, start=1):
        item = items.get(e.get("item_id"))
        where = f"第 {n} 项"
        if item is None:
            findings.append(F.finding("item_id", f"{where}：检查要点不属于本次检查使用的检查表。"))
            continue
        where = f"要点 {item.code}"
        result = e.get("result")
        if result in (None, ""):
            continue  # not recorded yet
        if result not in RESULTS:
            findings.append(F.finding("result", f"{where}：结果须为符合、不符合或不适用。", record=item.code))
            continue
        try:
            deduction = float(e.get("deduction") if e.get("deduction") not in (None, "") else
                              (item.deduction if result == "不符合" else 0))
            if not 0 <= deduction <= 100:  # written so that NaN is refused too
                raise ValueError
        except (TypeError, ValueError, OverflowError):
            findings.append(F.finding("deduction", f"{where}：扣分须为 0–100 之间的数字。", record=item.code))
            continue
        if result != "不符合" and deduction:
            findings.append(F.finding("deduction", f"{where}：只有“不符合”才能扣分。", record=item.code))
            continue
        clean.append({"item": item, "result": result, "deduction": deduction, "note": clean_prose(e.get("note"))})
    if findings:
        raise errors.ValidationError(findings)
    existing = repo.recorded_results(db, inspection_id, department_id)
    for c in clean:
        old = existing.get(c["item"].id)
        if old and old["ledger_id"] and old["ledger_status"] != PENDING and (
                c["result"] != old["result"] or c["deduction"] != old["deduction"]):
            findings.append(F.finding(
                "result", f"要点 {c['item'].code}：已生成问题 {old['ledger_number']} 且已进入整改（{old['ledger_status']}），"
                "不能再修改结果；如有误，请在问题台账中处理。", record=c["item"].code))
    if findings:
        raise errors.ValidationError(findings)

    counts = {"saved": 0, "problems_created": 0, "problems_removed": 0}
    department_name = inspection.department_names[inspection.department_ids.index(department_id)]
    changed_text = []
    now = session.stamp()
    source = repo.inspection_type_source(db, inspection.type)
    found_on = dt.date.fromisoformat(inspection.inspected_on)
    with db.transaction():
        for c in clean:
            item, old = c["item"], existing.get(c["item"].id)
            if old and (old["result"], old["deduction"], old["note"]) == (c["result"], c["deduction"], c["note"]):
                continue
            result_id = repo.save_result(db, old["id"] if old else None, inspection_id, department_id, item.id,
                                         {"result": c["result"], "deduction": c["deduction"], "note": c["note"]}, now)
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
                records.remove(session, ledger.LEDGER_ITEM, ledger.get_item(session, linked),
                               note={"event": f"检查结果改为“{c['result']}”，问题撤销"})
                counts["problems_removed"] += 1
        if changed_text:
            records.event(session, INSPECTION, inspection,
                          after={"department_id": department_name, "results": "；".join(changed_text)})
    return counts


@action(INSPECTIONS_RECORD, scope=department(on("inspection_id", repo.departments_of_inspection), doing="完成",
                                            what="检查"))
def complete_inspection(session: Session, inspection_id: int) -> Inspection:
    inspection = get_inspection(session, inspection_id)
    if inspection.status == DONE:
        return inspection
    with session.db.transaction():
        return records.change(session, INSPECTION, inspection,
                              {"status": DONE, "completed_on": session.today().isoformat()},
                              expect={"status": IN_PROGRESS})


@action(LEDGER_VIEW, scope=department(on("inspection_id", repo.departments_of_inspection, any_of=True),
                                      doing="查看", what="检查"))
def department_scores(session: Session, inspection_id: int) -> list[DepartmentScore]:
    inspection = get_inspection(session, inspection_id)
    base = float(get_setting(session.db, "inspection.base_score"))
    rows = repo.department_result_totals(session.db, inspection_id)
    out = []
    for dept_id, name in zip(inspection.department_ids, inspection.department_names):
        r = rows.get(dept_id)
        deductions = float(r["deductions"]) if r else 0.0
        out.append(DepartmentScore(dept_id, name, r["checked"] if r else 0, r["failed"] if r else 0,
                                   r["na"] if r else 0, deductions, max(base - deductions, 0.0)))
    if session.reach is not None:
        out = [s for s in out if s.department_id in session.reach]
    return out
