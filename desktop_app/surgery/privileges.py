"""手术授权 and 能力评估: grants per surgeon (by grade for 一、二级, procedure by procedure for 三、四级),
their lapse, suspension and cancellation, and assessments whose conclusion changes the grants.

API (every function takes the :class:`~desktop_app.session.Session` first):

* ``grant(staff_id, values)`` — ``values``: ``scope`` (``grade`` or ``procedure``), ``grade`` (1–2,
  scope grade) or ``codes`` (scope procedure: codes of 三、四级 procedures in the catalogue in force on
  ``granted_on``), ``granted_on`` (default today), ``valid_until`` (default: the cycle — setting
  ``surgery.grade4_cycle_months`` for a 四级 procedure, ``surgery.cycle_months`` otherwise — and never
  beyond it), ``assessment_id`` (required for 四级: an approved assessment of this surgeon),
  ``approved_by``/``approved_on``. Only a 医师 on duty with a practising-certificate number may be
  granted. A grant still 有效 for the same procedure (or the grade grant) is replaced (已替代): the
  history keeps both. One transaction, audited.
* ``change_status(privilege_id, action, on, reason)`` — ``suspend`` (有效 → 暂停), ``cancel``
  (有效/暂停 → 取消), ``resume`` (暂停 → 有效, while still within its validity).
* ``save_assessment(values, assessment_id=None)`` / ``apply_assessment(assessment_id)`` — the
  conclusion (授予 维持 升级 降级 暂停 取消) changes the grants in one audited step, once the
  committee's approval is recorded; an applied assessment is kept as it was.
* ``surgeon_card(staff_id)`` — the person, grants now in force (with 过期), history, assessments.
* ``lapsing(within_days=None)``, ``authorised_surgeons(code, day=None)``, ``title_report()``.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from desktop_app import errors, records
from desktop_app.accounts.permissions import action
from desktop_app.accounts.scope import HOSPITAL
from desktop_app.errors import Finding
from desktop_app.periods import period_findings
from desktop_app.session import Session
from desktop_app.settings import get_setting
from desktop_app.surgery import repo
from desktop_app.surgery.manifest import SURGERY_PRIVILEGES, SURGERY_VIEW
from desktop_app.surgery.models import (
    ASSESSMENT_FIELDS,
    CANCELLED,
    CONCLUSIONS,
    EXPIRED,
    GRADE_LABELS,
    GRADE_SCOPE,
    GRANT_FIELDS,
    PROCEDURE_SCOPE,
    REPLACED,
    SUSPENDED,
    VALID,
    Assessment,
    Privilege,
    normalise_code,
)
from desktop_app.textnorm import clean_prose, clean_text, parse_date

G = GRANT_FIELDS
A = ASSESSMENT_FIELDS

# Grants and assessments are kept by 医务科/质控 for the whole hospital; what they say is readable by
# every clinician (the surgeon's card, the 授权医师名单 the theatre nurse checks, the lapse list): no
# action here reaches by department.

REMINDER_TIERS = (7, 30, 60, 90)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the last day of the month when it has no such day), minus one day:
    a grant from 2026-03-15 for 12 months is valid until 2027-03-14."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d) - dt.timedelta(days=1)
        except ValueError:
            continue
    raise ValueError(day)


def cycle_months(db, grade: int) -> int:
    return int(get_setting(db, "surgery.grade4_cycle_months" if grade == 4 else "surgery.cycle_months"))


def _day(value, finding, f: list[Finding], default: dt.date | None = None) -> dt.date | None:
    """``finding(message)``: the field's finding (e.g. ``G["granted_on"].finding``)."""
    try:
        day = parse_date(value)
    except ValueError:
        f.append(finding("日期格式无法识别，请写成 2026-03-05。"))
        return None
    return day or default


def _surgeon(db, staff_id: int) -> dict:
    person = repo.surgeon(db, staff_id)
    if person is None:
        raise errors.NotFound("该人员不存在。")
    return person


def grant_refusal(person: dict) -> str | None:
    """Why this person may not be granted surgical privileges (None: they may)."""
    if person["category"] != "医师":
        return f"{person['name']}是{person['category']}，手术授权只授予医师。"
    if not person["on_duty"]:
        return f"{person['name']}已离岗，不能授予手术权限。"
    if not clean_text(person["licence_no"]):
        return f"{person['name']}没有执业证书编号（人员资料中未登记），未取得执业资格不能授予手术权限。"
    return None


def _grant_audit(p: Privilege) -> dict:
    return {"surgeon": p.staff_name, "what": p.what, "granted_on": p.granted_on, "valid_until": p.valid_until,
            "basis": f"能力评估 #{p.assessment_id}" if p.assessment_id else None,
            "approved": " ".join(x for x in (p.approved_by, p.approved_on) if x) or None, "status": p.status,
            "ended_on": p.ended_on, "reason": p.end_reason}


GRANT = records.Entity(
    "surgeon_privilege", "手术授权", "surgeon_privileges", read=lambda session, i: repo.privilege(session.db, i),
    audit_values=_grant_audit, describe=lambda p: f"{p.staff_name} {p.what}", stamped=False,
    field_labels=G.labels(("surgeon", "what", "granted_on", "valid_until", "basis", "approved", "status", "ended_on",
                           "reason")))


def _plan_grants(session: Session, person: dict, values: dict, f: list[Finding]) -> list[dict]:
    """The rows a grant request would add, checked; findings collected in ``f``."""
    db = session.db
    scope = values.get("scope") or (PROCEDURE_SCOPE if values.get("codes") else GRADE_SCOPE)
    granted = _day(values.get("granted_on"), G["granted_on"].finding, f, session.today())
    approved_on = _day(values.get("approved_on"), G["approved_on"].finding, f)
    assessment_id = values.get("assessment_id") or None
    basis = repo.assessment(db, assessment_id) if assessment_id else None
    if assessment_id and (basis is None or basis.staff_id != person["id"]):
        f.append(G.finding("basis", "所选能力评估不是这位医师的。"))
        basis = None
    if basis is not None and not basis.approved_on:
        f.append(G.finding("basis", "所选能力评估尚未经委员会批准。"))
    rows: list[dict] = []
    if granted is None:
        return rows
    if scope == GRADE_SCOPE:
        try:
            grade = int(values.get("grade"))
        except (TypeError, ValueError, OverflowError):
            grade = 0
        if grade not in (1, 2):
            f.append(G.finding("grade", "按级别授权只用于一、二级手术（授权至一级或二级）；三、四级手术须逐项授权。"))
            return rows
        rows.append({"scope": GRADE_SCOPE, "grade": grade, "code": None, "name": None})
    elif scope == PROCEDURE_SCOPE:
        catalogue = repo.in_force(db, granted.isoformat())
        if catalogue is None:
            f.append(G.finding("codes", f"{granted} 没有已批准生效的手术分级目录，无法逐项授权。请先批准目录。"))
            return rows
        codes = [c for c in values.get("codes") or [] if clean_text(c)]
        if not codes:
            f.append(G.finding("codes", "请选择要授权的手术。"))
        seen = set()
        for raw in codes:
            code = normalise_code(raw)
            p = repo.procedure_by_code(db, catalogue.id, code) if code else None
            if p is None:
                f.append(G.finding("codes", f"编码 {clean_text(raw)} 不在{catalogue.name}中。"))
                continue
            if p.grade < 3:
                f.append(G.finding("codes", f"{p.name}（{p.code}）是{p.grade_label}手术，一、二级手术按级别授权（授权至二级）。"))
                continue
            if code in seen:
                continue
            seen.add(code)
            rows.append({"scope": PROCEDURE_SCOPE, "grade": p.grade, "code": p.code, "name": p.name})
    else:
        f.append(G.finding("scope", "授权方式须为按级别或逐项。"))
    if any(r["grade"] == 4 for r in rows) and basis is None and not assessment_id:
        f.append(G.finding("basis", "四级手术授权须以能力评估为依据，请先登记并批准该医师的能力评估。"))
    wanted_until = _day(values.get("valid_until"), G["valid_until"].finding, f)
    for r in rows:
        longest = add_months(granted, cycle_months(db, r["grade"]))
        until = wanted_until or longest
        if until > longest:
            f.append(G.finding("valid_until", f"{GRADE_LABELS[r['grade']]}手术授权有效期最长 {cycle_months(db, r['grade'])}"
                                              f" 个月（至 {longest}），请缩短有效期。"))
        elif until < granted:
            f.append(G.finding("valid_until", "有效期不能早于授权日期。"))
        r.update({"staff_id": person["id"], "granted_on": granted.isoformat(), "valid_until": until.isoformat(),
                  "assessment_id": basis.id if basis else None,
                  "approved_by": clean_text(values.get("approved_by")) or (basis.approved_by if basis else None),
                  "approved_on": approved_on.isoformat() if approved_on else (basis.approved_on if basis else None)})
    return rows


def _end(session: Session, p: Privilege, status: str, on: str, reason: str | None, verb: str) -> Privilege:
    """有效/暂停 → ``status`` (暂停, 取消, 已替代) on ``on``."""
    return _changed(session, p, {"status": status, "ended_on": on, "end_reason": reason}, verb)


def _changed(session: Session, p: Privilege, changes: dict, verb: str) -> Privilege:
    """Written only if the grant is still as it was read: another computer may have replaced or ended it
    meanwhile (then a Conflict naming what it is now, and nothing written)."""
    try:
        return records.change(session, GRANT, p, changes, expect={"status": p.status})
    except errors.Conflict:
        now = repo.privilege(session.db, p.id)
        raise errors.Conflict(f"该授权当前为“{now.state(session.today())}”，不能{verb}。") from None


def _write_grants(session: Session, person: dict, rows: list[dict], reason: str) -> list[Privilege]:
    """Inside a transaction: replace what is still 有效 (or 暂停) for the same thing, add the new rows, audit.

    A suspended grant is replaced too: otherwise resuming it later would put two grants for the same
    thing in force."""
    db = session.db
    current = [p for p in repo.privileges_of(db, person["id"]) if p.status in (VALID, SUSPENDED)]
    made = []
    for r in rows:
        old = next((p for p in current if p.scope == r["scope"] and (p.code == r["code"] if r["code"] else True)), None)
        if old is not None:
            _end(session, old, REPLACED, r["granted_on"], reason, "替代")
            r["replaces_id"] = old.id
        made.append(records.create(session, GRANT, {**r, "created_by": session.actor.display_name,
                                                    "created_at": session.stamp()}, note={"reason": reason}))
    return made


@action(SURGERY_PRIVILEGES, scope=HOSPITAL)
def grant(session: Session, staff_id: int, values: dict) -> list[Privilege]:
    person = _surgeon(session.db, staff_id)
    why = grant_refusal(person)
    if why:
        raise errors.ValidationError(G.finding("surgeon", why))
    f: list[Finding] = []
    rows = _plan_grants(session, person, values, f)
    if f:
        raise errors.ValidationError(f)
    with session.db.transaction():
        return _write_grants(session, person, rows, clean_prose(values.get("reason")) or "授权")


@action(SURGERY_PRIVILEGES, scope=HOSPITAL)
def change_status(session: Session, privilege_id: int, what: str, on=None, reason: str = "") -> Privilege:
    """``suspend`` / ``cancel`` / ``resume`` one grant, with the date and reason."""
    db = session.db
    p = repo.privilege(db, privilege_id)
    if p is None:
        raise errors.NotFound("该授权不存在。")
    f: list[Finding] = []
    day = _day(on, G["date"].finding, f, session.today())
    reason = clean_prose(reason)
    if what in ("suspend", "cancel") and not reason:
        f.append(G.finding("reason", "请写明原因，例如“发生严重不良事件，暂停待再评估”。"))
    if f:
        raise errors.ValidationError(f)
    allowed = {"suspend": (VALID,), "cancel": (VALID, SUSPENDED), "resume": (SUSPENDED,)}
    if what not in allowed:
        raise errors.ValidationError(G.finding("action", "操作须为暂停、取消或恢复。"))
    verb = {"suspend": "暂停", "cancel": "取消", "resume": "恢复"}[what]
    if p.status not in allowed[what]:
        raise errors.Conflict(f"该授权当前为“{p.state(session.today())}”，不能{verb}。")
    if what == "resume" and p.valid_until < day.isoformat():
        raise errors.Conflict(f"该授权有效期已于 {p.valid_until} 届满，不能恢复；请重新评估后授权。")
    with db.transaction():
        # written only if the grant is still as read: another computer may have replaced or ended it meanwhile
        if what == "resume":
            return _changed(session, p, {"status": VALID, "ended_on": None, "end_reason": None}, verb)
        return _end(session, p, SUSPENDED if what == "suspend" else CANCELLED, day.isoformat(), reason, verb)


# ----------------------------------------------------------------------------- assessments


def _clean_assessment(session: Session, values: dict) -> tuple[dict, list[Finding]]:
    db = session.db
    f: list[Finding] = []
    staff_id = values.get("staff_id")
    person = None
    if not staff_id:
        f.append(A.finding("surgeon", "请选择医师。"))
    else:
        person = _surgeon(db, staff_id)
        if person["category"] != "医师":
            f.append(A.finding("surgeon", f"{person['name']}不是医师。"))
    first, last, found = period_findings(values.get("period_from"), values.get("period_to"),
                                         fields=(A["period"], A["period"]), what="评估期间")
    f += found
    assessed = _day(values.get("assessed_on"), A["assessed_on"].finding, f, session.today())
    approved = _day(values.get("approved_on"), A["approved_on"].finding, f)
    conclusion = clean_text(values.get("conclusion"))
    if conclusion not in CONCLUSIONS:
        f.append(A.finding("conclusion", "结论须为：" + "、".join(CONCLUSIONS) + "。"))
    grade = values.get("grade") or None
    procs = []
    catalogue = repo.in_force(db, (assessed or session.today()).isoformat())
    for i, item in enumerate(values.get("procedures") or [], 1):
        code = normalise_code(item.get("code"))
        p = repo.procedure_by_code(db, catalogue.id, code) if (code and catalogue) else None
        if p is None:
            f.append(A.finding("procedures", f"第 {i} 项：编码 {clean_text(item.get('code'))} 不在现行手术分级目录中。"))
            continue
        counts = {}
        for key in ("cases", "complications"):
            try:
                counts[key] = int(item.get(key) or 0)
                if not 0 <= counts[key] <= 10**6:
                    raise ValueError
            except (TypeError, ValueError, OverflowError):
                f.append(A.finding("procedures", f"{p.name}：例数与并发症须为 0 或正整数。"))
                counts[key] = 0
        procs.append({"code": p.code, "name": p.name, "grade": p.grade, **counts})
    if grade is not None:
        try:
            grade = int(grade)
        except (TypeError, ValueError, OverflowError):
            grade = 0
        if grade not in (1, 2):
            f.append(A.finding("grade", "按级别评估只用于一、二级手术。"))
    if not procs and grade is None:
        f.append(A.finding("procedures", "请选择评估的手术（三、四级逐项），或按级别评估（一、二级）。"))
    totals = {}
    for key in ("cases", "complications", "adverse_events"):
        raw = values.get(key)
        try:
            totals[key] = int(raw) if raw not in (None, "") else sum(p.get(key, 0) for p in procs)
            if not 0 <= totals[key] <= 10**9:
                raise ValueError
        except (TypeError, ValueError, OverflowError):
            totals[key] = 0
            f.append(A.finding(key, f"{A.label(key)}须为 0 或正整数。"))
    if approved and assessed and approved < assessed:
        f.append(A.finding("approved_on", "批准日期不能早于评估日期。"))
    return {"staff_id": staff_id, "period_from": first.isoformat() if first else None,
            "period_to": last.isoformat() if last else None, "grade": grade,
            "procedures_json": json.dumps(procs, ensure_ascii=False), **totals, "conclusion": conclusion,
            "assessed_on": assessed.isoformat() if assessed else None,
            "assessors": clean_text(values.get("assessors")) or None,
            "approved_by": clean_text(values.get("approved_by")) or None,
            "approved_on": approved.isoformat() if approved else None,
            "notes": clean_prose(values.get("notes"))}, f


def _assessment_audit(a: Assessment) -> dict:
    return {"surgeon": a.staff_name, "period": f"{a.period_from} 至 {a.period_to}", "subject": a.subject,
            "cases": a.cases, "complications": a.complications, "adverse_events": a.adverse_events,
            "conclusion": a.conclusion, "assessed_on": a.assessed_on, "assessors": a.assessors,
            "approved": " ".join(x for x in (a.approved_by, a.approved_on) if x) or None,
            "applied_on": a.applied_on, "notes": a.notes}


ASSESSMENT = records.Entity(
    "privilege_assessment", "手术能力评估", "privilege_assessments",
    read=lambda session, i: repo.assessment(session.db, i), audit_values=_assessment_audit,
    describe=lambda a: f"{a.staff_name} {a.assessed_on} {a.conclusion}",
    field_labels=A.labels(("surgeon", "period", "subject", "cases", "complications", "adverse_events", "conclusion",
                           "assessed_on", "assessors", "approved", "applied_on", "notes")))
_APPLIED = "该能力评估的结论已执行，不能再修改；如需调整请新建一次评估。"


@action(SURGERY_PRIVILEGES, scope=HOSPITAL)
def save_assessment(session: Session, values: dict, assessment_id: int | None = None) -> Assessment:
    db = session.db
    before = repo.assessment(db, assessment_id) if assessment_id else None
    if assessment_id and before is None:
        raise errors.NotFound("该能力评估不存在。")
    if before is not None and before.applied_on:
        raise errors.Conflict(_APPLIED)
    clean, f = _clean_assessment(session, values)
    if f:
        raise errors.ValidationError(f)
    with db.transaction():
        if before is None:
            return records.create(session, ASSESSMENT, {**clean, "created_by": session.actor.display_name})
        # not if its conclusion was carried out meanwhile on another computer
        return records.change(session, ASSESSMENT, before, clean, expect={"applied_on": None}, conflict=_APPLIED)


@action(SURGERY_PRIVILEGES, scope=HOSPITAL)
def apply_assessment(session: Session, assessment_id: int, valid_until=None) -> list[Privilege]:
    """Carry out an approved assessment's conclusion on the grants, in one audited step."""
    db = session.db
    a = repo.assessment(db, assessment_id)
    if a is None:
        raise errors.NotFound("该能力评估不存在。")
    if a.applied_on:
        raise errors.Conflict(f"该能力评估的结论已于 {a.applied_on} 执行。")
    if not a.approved_on:
        raise errors.ValidationError(A.finding(
            "approved_on", "能力评估须经医疗质量与安全管理委员会批准（填写批准日期）后才能执行结论。"))
    person = _surgeon(db, a.staff_id)
    current = [p for p in repo.privileges_of(db, a.staff_id) if p.status in (VALID, SUSPENDED)]
    codes = [p["code"] for p in a.procedures]
    reason = f"能力评估（{a.assessed_on}）结论：{a.conclusion}"
    changed: list[Privilege] = []
    with db.transaction():
        # marked applied first, only if nobody applied it meanwhile on another computer
        records.change(session, ASSESSMENT, a, {"applied_on": session.today().isoformat()}, expect={"applied_on": None},
                       conflict="该能力评估的结论刚被他人执行，本次没有重复执行。")
        if a.conclusion in ("授予", "维持", "升级") or (a.conclusion == "降级" and a.grade):
            why = grant_refusal(person)
            if why:
                raise errors.ValidationError(G.finding("surgeon", why))
            values = {"scope": GRADE_SCOPE if a.grade else PROCEDURE_SCOPE, "grade": a.grade, "codes": codes,
                      "granted_on": a.approved_on, "valid_until": valid_until, "assessment_id": a.id}
            if a.conclusion == "升级" and a.grade:
                have = next((p.grade for p in current if p.scope == GRADE_SCOPE and p.status == VALID), 0)
                if a.grade <= have:
                    raise errors.ValidationError(A.finding("grade", f"升级须高于现有授权（现为授权至{GRADE_LABELS[have]}）。"))
            f: list[Finding] = []
            rows = _plan_grants(session, person, values, f)
            if f:
                raise errors.ValidationError(f)
            changed = _write_grants(session, person, rows, reason)
        else:  # 暂停, 取消, and 降级 of procedures (those procedures are withdrawn)
            targets = [p for p in current if (p.code in codes) or (a.grade and p.scope == GRADE_SCOPE)]
            if not targets:
                raise errors.ValidationError(A.finding("procedures", "该医师没有与评估内容对应的有效授权，无需执行。"))
            status = SUSPENDED if a.conclusion == "暂停" else CANCELLED
            for p in targets:
                if p.status == SUSPENDED and status == SUSPENDED:
                    continue
                changed.append(_end(session, p, status, a.approved_on, reason, a.conclusion))
    return changed


@action(SURGERY_VIEW, scope=HOSPITAL)
def list_assessments(session: Session, first, last) -> list[Assessment]:
    f: list[Finding] = []
    a, b = _day(first, A["first"].finding, f), _day(last, A["last"].finding, f)
    if f or a is None or b is None:
        raise errors.ValidationError(f or "请填写期间。")
    return repo.assessment_rows(session.db, a.isoformat(), b.isoformat())


# ----------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class SurgeonCard:
    staff_id: int
    name: str
    employee_no: str
    department: str
    title: str | None
    licence_no: str | None
    refusal: str | None              # why no grant can be made now (no licence …)
    current: tuple[Privilege, ...]   # 有效 (incl. 过期) and 暂停
    history: tuple[Privilege, ...]   # ended: 取消 and 已替代
    assessments: tuple[Assessment, ...]
    today: str

    @property
    def grade_scope(self) -> int:
        return max((p.grade for p in self.current if p.scope == GRADE_SCOPE and p.state(self.today) == VALID), default=0)

    def in_force(self) -> list[Privilege]:
        return [p for p in self.current if p.state(self.today) == VALID]


@action(SURGERY_VIEW, scope=HOSPITAL)
def surgeon_card(session: Session, staff_id: int) -> SurgeonCard:
    db = session.db
    person = _surgeon(db, staff_id)
    grants = repo.privileges_of(db, staff_id)
    key = lambda p: (-p.grade, p.code or "")  # noqa: E731
    return SurgeonCard(
        staff_id, person["name"], person["employee_no"], person["department"], person["title"], person["licence_no"],
        grant_refusal(person), tuple(sorted((p for p in grants if p.status in (VALID, SUSPENDED)), key=key)),
        tuple(p for p in grants if p.status in (CANCELLED, REPLACED)), tuple(repo.assessments_of(db, staff_id)),
        session.today().isoformat())


@action(SURGERY_VIEW, scope=HOSPITAL)
def surgeons(session: Session) -> list[dict]:
    """Doctors on duty, with their department and the number of grants in force."""
    return repo.surgeons(session.db, session.today().isoformat())


@dataclass(frozen=True)
class Lapse:
    privilege: Privilege
    days_left: int          # negative: already lapsed (过期)

    @property
    def tier(self) -> int | None:
        """The reminder step it has reached (90, 60, 30, 7 days), None when lapsed."""
        return next((t for t in REMINDER_TIERS if self.days_left <= t), None) if self.days_left >= 0 else None


@action(SURGERY_VIEW, scope=HOSPITAL)
def lapsing(session: Session, within_days: int | None = None) -> list[Lapse]:
    """Grants 有效 whose validity ends within the reminder window (setting), and those already lapsed."""
    today = session.today()
    days = within_days if within_days is not None else int(get_setting(session.db, "surgery.remind_days"))
    rows = repo.lapsing(session.db, (today + dt.timedelta(days=days)).isoformat())
    return [Lapse(p, (dt.date.fromisoformat(p.valid_until) - today).days) for p in rows]


@action(SURGERY_VIEW, scope=HOSPITAL)
def authorised_surgeons(session: Session, code: str, day=None) -> list[Privilege]:
    """Who may perform the procedure ``code`` on ``day`` (default today): 逐项 grants for it and, for a
    一、二级 procedure, grade grants at or above its grade — the list the theatre nurse checks."""
    db = session.db
    day = (parse_date(day) if day else session.today()).isoformat()
    catalogue = repo.in_force(db, day)
    normal = normalise_code(code)
    p = repo.procedure_by_code(db, catalogue.id, normal) if (catalogue and normal) else None
    if p is None:
        raise errors.NotFound(f"编码 {clean_text(code)} 不在现行手术分级目录中。")
    # grants as they stood that day: one suspended or replaced later still counts for a past day
    found = [g for g in repo.all_privileges(db, day, day)
             if (g.code == p.code or g.scope == GRADE_SCOPE) and g.covers(p.code, p.grade, day)]
    return sorted(found, key=lambda g: (g.staff_name, -g.grade, g.code or ""))


@dataclass(frozen=True)
class TitleRow:
    staff_id: int
    name: str
    department: str
    title: str | None
    grade_scope: int
    grade3: int
    grade4: int
    without_assessment: int   # grants in force with no assessment as their basis


@action(SURGERY_VIEW, scope=HOSPITAL)
def title_report(session: Session) -> list[TitleRow]:
    """Grants against titles: surgeons of the same title with identical grants and grants made without
    an assessment suggest privileges that follow the title rather than an assessment of ability."""
    db = session.db
    today = session.today().isoformat()
    people = surgeons(session)
    grants = repo.active_privileges(db)
    by_staff: dict[int, list[Privilege]] = {}
    for g in grants:
        if g.state(today) == VALID:
            by_staff.setdefault(g.staff_id, []).append(g)
    out = []
    for s in people:
        mine = by_staff.get(s["id"], [])
        out.append(TitleRow(s["id"], s["name"], s["department"], s["title"],
                            max((g.grade for g in mine if g.scope == GRADE_SCOPE), default=0),
                            sum(1 for g in mine if g.scope == PROCEDURE_SCOPE and g.grade == 3),
                            sum(1 for g in mine if g.scope == PROCEDURE_SCOPE and g.grade == 4),
                            sum(1 for g in mine if g.assessment_id is None)))
    return out


__all__ = ["EXPIRED", "REMINDER_TIERS", "add_months"]
