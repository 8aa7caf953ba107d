"""Operations logs from the HIS, checked against the privileges on each operation's date.

* ``check_operations(rows)`` — read only: every row matched to a surgeon (工号, else a unique name
  among 医师) and to a procedure of the catalogue in force that day (code, else the exact name);
  rows that cannot be matched are findings naming the row; matched operations are judged against
  the surgeon's grants as they stood that day (history included): 越权手术 when none covered it.
* ``record_operations(file_name, sha256, rows)`` — check, then store the log and its operations
  in one transaction (refused when there is anything unmatched, or the same file was recorded).
* ``unprivileged(first, last)`` — the 越权手术 recorded in a period; ``performance(first, last)`` —
  三、四级手术实际开展率 = grade 3–4 procedures performed ÷ grade 3–4 procedures of the filed
  catalogue (the latest filed version in force at the period's end).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from desktop_app import errors
from desktop_app.accounts import audit
from desktop_app.accounts.permissions import action
from desktop_app.accounts.scope import HOSPITAL
from desktop_app.errors import Finding
from desktop_app.periods import date_range
from desktop_app.session import Session
from desktop_app.surgery import repo
from desktop_app.surgery.manifest import SURGERY_OPERATIONS, SURGERY_VIEW
from desktop_app.surgery.models import GRADE_LABELS, OPERATION_FIELDS, Privilege, Procedure, normalise_code
from desktop_app.textnorm import clean_text, parse_date

F = OPERATION_FIELDS

# An imported log is audited as one import (the file, its period and counts), not as a record's fields:
# desktop_app/records.py has no import step, so the entity is registered here.
audit.register_entity("operation_log", "手术记录", {"file": "文件", "period": "期间", "rows": "手术例数",
                                                   "unprivileged": "越权手术", "skipped": "此前已导入（未重复记入）"})

# The operations log is kept by 医务科/质控 for the whole hospital. Its check against the grants, the
# 越权手术 and the 三、四级手术实际开展率 are read by every clinician on the 授权核查 page (the theatre
# nurse included): no action here reaches by department.


@dataclass(frozen=True)
class CheckedOperation:
    row: int
    date: str
    patient_no: str
    code: str
    name: str
    grade: int
    staff_id: int
    staff_name: str
    privileged: bool
    finding: str | None
    recorded: bool = False     # the same operation (day, patient, code, surgeon) came in an earlier log

    @property
    def key(self) -> tuple[str, str, str, int]:
        return (self.date, self.patient_no, self.code, self.staff_id)


@dataclass(frozen=True)
class OperationsCheck:
    operations: tuple[CheckedOperation, ...]
    problems: tuple[Finding, ...]          # rows that could not be matched (nothing is stored while any remain)
    first_date: str | None = None
    last_date: str | None = None

    @property
    def unprivileged(self) -> list[CheckedOperation]:
        return [o for o in self.operations if not o.privileged]

    @property
    def already_recorded(self) -> list[CheckedOperation]:
        """Operations an earlier log already brought (overlapping exports): not recorded twice."""
        return [o for o in self.operations if o.recorded]


@dataclass
class _Catalogues:
    """The catalogue in force on each date, with its procedures by code and by name (loaded once each)."""

    db: object
    by_id: dict = field(default_factory=dict)
    versions: list = field(default_factory=list)

    def __post_init__(self):
        self.versions = sorted((c for c in repo.catalogues(self.db) if c.frozen and c.effective_date),
                               key=lambda c: (c.effective_date, c.id))

    def on(self, day: str) -> tuple[dict[str, Procedure], dict[str, Procedure]] | None:
        chosen = None
        for c in self.versions:
            if c.effective_date <= day:
                chosen = c
        if chosen is None:
            return None
        if chosen.id not in self.by_id:
            procs = repo.procedures(self.db, chosen.id)
            self.by_id[chosen.id] = ({p.code: p for p in procs}, {p.name: p for p in procs})
        return self.by_id[chosen.id]


def doctors_by_employee_no(db) -> dict[str, dict]:
    """Every doctor (id, name, employee_no, category) by 工号: the people an operations log may name."""
    return repo.doctors_by_employee_no(db)


def _surgeon_index(db) -> tuple[dict[str, dict], dict[str, list[dict]]]:
    by_no = repo.doctors_by_employee_no(db)
    by_name: dict[str, list[dict]] = {}
    for r in by_no.values():
        by_name.setdefault(r["name"], []).append(r)
    return by_no, by_name


def _why_not(grants: list[Privilege], code: str, grade: int, day: str) -> str:
    """In words, why no grant covered this operation on that day."""
    relevant = [g for g in grants if (g.code == code) or (g.scope == "grade" and g.grade >= grade)]
    if not relevant:
        if grade <= 2:
            best = max((g.grade for g in grants if g.scope == "grade" and g.granted_on <= day), default=0)
            return f"{GRADE_LABELS[grade]}手术，该医师{'仅授权至' + GRADE_LABELS[best] if best else '未获一、二级手术授权'}"
        return f"{GRADE_LABELS[grade]}手术，该医师未获此项授权"
    latest = max(relevant, key=lambda g: g.granted_on)
    if latest.granted_on > day:
        return f"授权自 {latest.granted_on} 起，手术时尚未授权"
    if latest.ended_on and latest.ended_on <= day and latest.status in ("暂停", "取消"):
        return f"授权已于 {latest.ended_on} {latest.status}"
    if latest.valid_until < day:
        return f"授权已于 {latest.valid_until} 到期（过期未再评估）"
    return "手术时无有效授权"


@action(SURGERY_VIEW, scope=HOSPITAL)
def check_operations(session: Session, rows: list[dict]) -> OperationsCheck:
    """``rows``: ``{"row", "date", "patient_no", "code", "name", "surgeon"}`` (surgeon: 工号 or name)."""
    db = session.db
    catalogues = _Catalogues(db)
    by_no, by_name = _surgeon_index(db)
    dates = []
    problems: list[Finding] = []
    resolved = []
    for r in rows:
        n = r.get("row")
        try:
            day = parse_date(r.get("date"))
        except ValueError:
            day = None
        if day is None:
            problems.append(F.finding("date", f"手术日期“{clean_text(r.get('date'))}”无法识别。", row=n))
            continue
        who = clean_text(r.get("surgeon"))
        person = by_no.get(who)
        if person is None:
            same = by_name.get(who, [])
            if len(same) == 1:
                person = same[0]
            elif len(same) > 1:
                nos = "、".join(p["employee_no"] for p in same)
                problems.append(F.finding("operator", f"术者“{who}”有同名医师（工号 {nos}），请在文件中写工号。", row=n))
                continue
            else:
                problems.append(F.finding("operator", f"术者“{who}”不是本院登记的医师。" if who else "缺少术者。", row=n))
                continue
        book = catalogues.on(day.isoformat())
        if book is None:
            problems.append(F.finding("date", f"{day} 没有生效的手术分级目录。", row=n))
            continue
        by_code, by_proc_name = book
        code = normalise_code(r.get("code"))
        proc = by_code.get(code) if code else None
        if proc is None:
            proc = by_proc_name.get(clean_text(r.get("name")))
        if proc is None:
            what = " ".join(x for x in (clean_text(r.get("code")), clean_text(r.get("name"))) if x)
            problems.append(F.finding("procedure", f"手术“{what}”不在 {day} 生效的手术分级目录中。", row=n))
            continue
        resolved.append((n, day.isoformat(), clean_text(r.get("patient_no")), proc, person))
        dates.append(day.isoformat())
    first, last = (min(dates), max(dates)) if dates else (None, None)
    grants: dict[tuple[int, str | None], list[Privilege]] = {}  # (surgeon, code); (surgeon, None): by grade
    for g in repo.all_privileges(db, first, last) if dates else []:
        grants.setdefault((g.staff_id, g.code), []).append(g)
    recorded = repo.recorded_operations(db, first, last) if dates else set()
    checked = []
    for n, day, patient, proc, person in resolved:
        mine = grants.get((person["id"], proc.code), []) + grants.get((person["id"], None), [])
        ok = any(g.covers(proc.code, proc.grade, day) for g in mine)
        checked.append(CheckedOperation(n, day, patient, proc.code, proc.name, proc.grade, person["id"], person["name"],
                                        ok, None if ok else _why_not(mine, proc.code, proc.grade, day),
                                        (day, patient, proc.code, person["id"]) in recorded))
    return OperationsCheck(tuple(checked), tuple(problems), first, last)


@action(SURGERY_OPERATIONS, scope=HOSPITAL)
def record_operations(session: Session, file_name: str, sha256: str, rows: list[dict]) -> OperationsCheck:
    db = session.db
    if repo.log_by_sha(db, sha256):
        raise errors.Conflict(f"“{file_name}”已经导入过（内容相同），不会重复导入。")
    result = check_operations(session, rows)
    if result.problems:
        raise errors.ValidationError(list(result.problems))
    if not result.operations:
        raise errors.ValidationError(F.finding("procedure", "文件中没有手术记录。"))
    new = [o for o in result.operations if not o.recorded]
    if not new:
        raise errors.Conflict(f"“{file_name}”中的 {len(result.operations)} 例手术此前都已导入（同一日期、病案号、手术和术者），"
                              "没有需要记入的新记录。")
    with db.transaction():
        log_id = repo.insert_log(db, {"file_name": file_name, "sha256": sha256, "first_date": result.first_date,
                                      "last_date": result.last_date, "rows": len(new),
                                      "imported_by": session.actor.display_name, "imported_at": session.stamp()})
        repo.insert_operations(db, log_id, [(o.date, o.patient_no, o.code, o.name, o.grade, o.staff_id,
                                             int(o.privileged), o.finding) for o in new])
        audit.record(session, "import", "operation_log", uid=sha256[:32], label=file_name,
                     after={"file": file_name, "period": f"{result.first_date} 至 {result.last_date}",
                            "rows": len(new), "unprivileged": sum(1 for o in new if not o.privileged),
                            "skipped": len(result.already_recorded) or None})
    return result


@action(SURGERY_VIEW, scope=HOSPITAL)
def unprivileged(session: Session, first, last) -> list:
    a, b = date_range(first, last)
    return repo.unprivileged_operations(session.db, a, b)


@dataclass(frozen=True)
class Performance:
    catalogue: str | None
    filed: int              # grade 3–4 procedures of the filed catalogue
    performed: int          # … of which performed in the period
    operations: int
    grade34_operations: int
    unprivileged: int

    @property
    def rate(self) -> float | None:
        return self.performed / self.filed if self.filed else None


@action(SURGERY_VIEW, scope=HOSPITAL)
def performance(session: Session, first, last) -> Performance:
    """三、四级手术实际开展率 and the period's counts."""
    db = session.db
    a, b = date_range(first, last)
    filed = repo.latest_filed(db, b)
    listed = {p.code for p in repo.procedures(db, filed.id) if p.grade >= 3} if filed else set()
    done = repo.performed_codes(db, a, b)
    total, grade34, bad = repo.operation_counts(db, a, b)
    return Performance(filed.name if filed else None, len(listed), len(listed & done), total, grade34, bad)
