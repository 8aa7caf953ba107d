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

from desktop_app import errors
from desktop_app.accounts import audit
from desktop_app.accounts.permissions import Perm, action
from desktop_app.errors import Finding
from desktop_app.periods import period_findings
from desktop_app.session import Session
from desktop_app.settings import get_setting
from desktop_app.surgery import repo
from desktop_app.surgery.models import (
    CANCELLED,
    CONCLUSIONS,
    EXPIRED,
    GRADE_LABELS,
    GRADE_SCOPE,
    PROCEDURE_SCOPE,
    REPLACED,
    SUSPENDED,
    VALID,
    Assessment,
    Privilege,
    normalise_code,
)
from desktop_app.textnorm import clean_prose, clean_text, parse_date

audit.register_entity("surgeon_privilege", "手术授权", {
    "surgeon": "医师", "what": "授权内容", "granted_on": "授权日期", "valid_until": "有效期至", "basis": "依据",
    "approved": "批准", "status": "状态", "reason": "原因"})
audit.register_entity("privilege_assessment", "手术能力评估", {
    "surgeon": "医师", "period": "评估期间", "subject": "评估内容", "cases": "例数", "complications": "并发症",
    "adverse_events": "不良事件", "conclusion": "结论", "assessed_on": "评估日期", "assessors": "评估人",
    "approved": "批准", "applied_on": "执行日期", "notes": "备注"})

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


def _day(value, field: str, f: list[Finding], default: dt.date | None = None) -> dt.date | None:
    try:
        day = parse_date(value)
    except ValueError:
        f.append(Finding("日期格式无法识别，请写成 2026-03-05。", field=field))
        return None
    return day or default


def _surgeon(db, staff_id: int) -> dict:
    row = db.query_one("SELECT s.id, s.name, s.employee_no, s.category, s.title, s.licence_no, s.on_duty,"
                       " s.registered_here, s.non_registered_reason, s.department_id, d.name AS department"
                       " FROM staff s JOIN departments d ON d.id = s.department_id WHERE s.id = ?", (staff_id,))
    if row is None:
        raise errors.NotFound("该人员不存在。")
    return dict(row)


def grant_refusal(person: dict) -> str | None:
    """Why this person may not be granted surgical privileges (None: they may)."""
    if person["category"] != "医师":
        return f"{person['name']}是{person['category']}，手术授权只授予医师。"
    if not person["on_duty"]:
        return f"{person['name']}已离岗，不能授予手术权限。"
    if not clean_text(person["licence_no"]):
        return f"{person['name']}没有执业证书编号（人员资料中未登记），未取得执业资格不能授予手术权限。"
    return None


def _audit_grant(p: Privilege | dict, person_name: str) -> dict:
    get = p.get if isinstance(p, dict) else (lambda k: getattr(p, k))
    what = (f"授权至{GRADE_LABELS[get('grade')]}手术" if get("scope") == GRADE_SCOPE
            else f"{get('name')}（{get('code')}，{GRADE_LABELS[get('grade')]}）")
    return {"surgeon": person_name, "what": what, "granted_on": get("granted_on"), "valid_until": get("valid_until"),
            "basis": f"能力评估 #{get('assessment_id')}" if get("assessment_id") else None,
            "approved": " ".join(x for x in (get("approved_by"), get("approved_on")) if x) or None}


def _plan_grants(session: Session, person: dict, values: dict, f: list[Finding]) -> list[dict]:
    """The rows a grant request would add, checked; findings collected in ``f``."""
    db = session.db
    scope = values.get("scope") or (PROCEDURE_SCOPE if values.get("codes") else GRADE_SCOPE)
    granted = _day(values.get("granted_on"), "授权日期", f, session.today())
    approved_on = _day(values.get("approved_on"), "批准日期", f)
    assessment_id = values.get("assessment_id") or None
    basis = repo.assessment(db, assessment_id) if assessment_id else None
    if assessment_id and (basis is None or basis.staff_id != person["id"]):
        f.append(Finding("所选能力评估不是这位医师的。", field="依据"))
        basis = None
    if basis is not None and not basis.approved_on:
        f.append(Finding("所选能力评估尚未经委员会批准。", field="依据"))
    rows: list[dict] = []
    if granted is None:
        return rows
    if scope == GRADE_SCOPE:
        try:
            grade = int(values.get("grade"))
        except (TypeError, ValueError, OverflowError):
            grade = 0
        if grade not in (1, 2):
            f.append(Finding("按级别授权只用于一、二级手术（授权至一级或二级）；三、四级手术须逐项授权。", field="级别"))
            return rows
        rows.append({"scope": GRADE_SCOPE, "grade": grade, "code": None, "name": None})
    elif scope == PROCEDURE_SCOPE:
        catalogue = repo.in_force(db, granted.isoformat())
        if catalogue is None:
            f.append(Finding(f"{granted} 没有已批准生效的手术分级目录，无法逐项授权。请先批准目录。", field="手术"))
            return rows
        codes = [c for c in values.get("codes") or [] if clean_text(c)]
        if not codes:
            f.append(Finding("请选择要授权的手术。", field="手术"))
        seen = set()
        for raw in codes:
            code = normalise_code(raw)
            p = repo.procedure_by_code(db, catalogue.id, code) if code else None
            if p is None:
                f.append(Finding(f"编码 {clean_text(raw)} 不在{catalogue.name}中。", field="手术"))
                continue
            if p.grade < 3:
                f.append(Finding(f"{p.name}（{p.code}）是{p.grade_label}手术，一、二级手术按级别授权（授权至二级）。",
                                 field="手术"))
                continue
            if code in seen:
                continue
            seen.add(code)
            rows.append({"scope": PROCEDURE_SCOPE, "grade": p.grade, "code": p.code, "name": p.name})
    else:
        f.append(Finding("授权方式须为按级别或逐项。", field="授权方式"))
    if any(r["grade"] == 4 for r in rows) and basis is None and not assessment_id:
        f.append(Finding("四级手术授权须以能力评估为依据，请先登记并批准该医师的能力评估。", field="依据"))
    wanted_until = _day(values.get("valid_until"), "有效期至", f)
    for r in rows:
        longest = add_months(granted, cycle_months(db, r["grade"]))
        until = wanted_until or longest
        if until > longest:
            f.append(Finding(f"{GRADE_LABELS[r['grade']]}手术授权有效期最长 {cycle_months(db, r['grade'])} 个月"
                             f"（至 {longest}），请缩短有效期。", field="有效期至"))
        elif until < granted:
            f.append(Finding("有效期不能早于授权日期。", field="有效期至"))
        r.update({"staff_id": person["id"], "granted_on": granted.isoformat(), "valid_until": until.isoformat(),
                  "assessment_id": basis.id if basis else None,
                  "approved_by": clean_text(values.get("approved_by")) or (basis.approved_by if basis else None),
                  "approved_on": approved_on.isoformat() if approved_on else (basis.approved_on if basis else None)})
    return rows


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
            repo.end_privilege(db, old.id, REPLACED, r["granted_on"], reason)
            r["replaces_id"] = old.id
        new_id = repo.insert_privilege(db, r, session.actor.display_name, session.stamp())
        made.append(repo.privilege(db, new_id))
        audit.record(session, "create", "surgeon_privilege", uid=made[-1].uid, label=f"{person['name']} {made[-1].what}",
                     before=_audit_grant(old, person["name"]) if old else None,
                     after={**_audit_grant(made[-1], person["name"]), "status": VALID, "reason": reason})
    return made


@action(Perm.SURGERY_PRIVILEGES)
def grant(session: Session, staff_id: int, values: dict) -> list[Privilege]:
    person = _surgeon(session.db, staff_id)
    why = grant_refusal(person)
    if why:
        raise errors.ValidationError(why, field="医师")
    f: list[Finding] = []
    rows = _plan_grants(session, person, values, f)
    if f:
        raise errors.ValidationError(f)
    with session.db.transaction():
        return _write_grants(session, person, rows, clean_prose(values.get("reason")) or "授权")


@action(Perm.SURGERY_PRIVILEGES)
def change_status(session: Session, privilege_id: int, what: str, on=None, reason: str = "") -> Privilege:
    """``suspend`` / ``cancel`` / ``resume`` one grant, with the date and reason."""
    db = session.db
    p = repo.privilege(db, privilege_id)
    if p is None:
        raise errors.NotFound("该授权不存在。")
    f: list[Finding] = []
    day = _day(on, "日期", f, session.today())
    reason = clean_prose(reason)
    if what in ("suspend", "cancel") and not reason:
        f.append(Finding("请写明原因，例如“发生严重不良事件，暂停待再评估”。", field="原因"))
    if f:
        raise errors.ValidationError(f)
    allowed = {"suspend": (VALID,), "cancel": (VALID, SUSPENDED), "resume": (SUSPENDED,)}
    if what not in allowed:
        raise errors.ValidationError("操作须为暂停、取消或恢复。", field="操作")
    verb = {"suspend": "暂停", "cancel": "取消", "resume": "恢复"}[what]
    new_status = {"suspend": SUSPENDED, "cancel": CANCELLED, "resume": VALID}[what]
    with db.transaction():
        # checked under the write lock: another computer may have replaced or ended it meanwhile
        p = repo.privilege(db, privilege_id)
        if p.status not in allowed[what]:
            raise errors.Conflict(f"该授权当前为“{p.state(session.today())}”，不能{verb}。")
        if what == "resume" and p.valid_until < day.isoformat():
            raise errors.Conflict(f"该授权有效期已于 {p.valid_until} 届满，不能恢复；请重新评估后授权。")
        if what == "resume":
            repo.resume_privilege(db, privilege_id)
        else:
            repo.end_privilege(db, privilege_id, new_status, day.isoformat(), reason)
        audit.record(session, "update", "surgeon_privilege", uid=p.uid, label=f"{p.staff_name} {p.what}",
                     before={"status": p.status}, after={"status": new_status, "reason": reason or None})
    return repo.privilege(db, privilege_id)


# ----------------------------------------------------------------------------- assessments


def _clean_assessment(session: Session, values: dict) -> tuple[dict, list[Finding]]:
    db = session.db
    f: list[Finding] = []
    staff_id = values.get("staff_id")
    person = None
    if not staff_id:
        f.append(Finding("请选择医师。", field="医师"))
    else:
        person = _surgeon(db, staff_id)
        if person["category"] != "医师":
            f.append(Finding(f"{person['name']}不是医师。", field="医师"))
    first, last, found = period_findings(values.get("period_from"), values.get("period_to"),
                                         fields=("评估期间", "评估期间"), what="评估期间")
    f += found
    assessed = _day(values.get("assessed_on"), "评估日期", f, session.today())
    approved = _day(values.get("approved_on"), "批准日期", f)
    conclusion = clean_text(values.get("conclusion"))
    if conclusion not in CONCLUSIONS:
        f.append(Finding("结论须为：" + "、".join(CONCLUSIONS) + "。", field="结论"))
    grade = values.get("grade") or None
    procs = []
    catalogue = repo.in_force(db, (assessed or session.today()).isoformat())
    for i, item in enumerate(values.get("procedures") or [], 1):
        code = normalise_code(item.get("code"))
        p = repo.procedure_by_code(db, catalogue.id, code) if (code and catalogue) else None
        if p is None:
            f.append(Finding(f"第 {i} 项：编码 {clean_text(item.get('code'))} 不在现行手术分级目录中。", field="手术"))
            continue
        counts = {}
        for key in ("cases", "complications"):
            try:
                counts[key] = int(item.get(key) or 0)
                if not 0 <= counts[key] <= 10**6:
                    raise ValueError
            except (TypeError, ValueError, OverflowError):
                f.append(Finding(f"{p.name}：例数与并发症须为 0 或正整数。", field="手术"))
                counts[key] = 0
        procs.append({"code": p.code, "name": p.name, "grade": p.grade, **counts})
    if grade is not None:
        try:
            grade = int(grade)
        except (TypeError, ValueError, OverflowError):
            grade = 0
        if grade not in (1, 2):
            f.append(Finding("按级别评估只用于一、二级手术。", field="级别"))
    if not procs and grade is None:
        f.append(Finding("请选择评估的手术（三、四级逐项），或按级别评估（一、二级）。", field="手术"))
    totals = {}
    for key, label in (("cases", "例数"), ("complications", "并发症"), ("adverse_events", "不良事件")):
        raw = values.get(key)
        try:
            totals[key] = int(raw) if raw not in (None, "") else sum(p.get(key, 0) for p in procs)
            if not 0 <= totals[key] <= 10**9:
                raise ValueError
        except (TypeError, ValueError, OverflowError):
            totals[key] = 0
            f.append(Finding(f"{label}须为 0 或正整数。", field=label))
    if approved and assessed and approved < assessed:
        f.append(Finding("批准日期不能早于评估日期。", field="批准日期"))
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


@action(Perm.SURGERY_PRIVILEGES)
def save_assessment(session: Session, values: dict, assessment_id: int | None = None) -> Assessment:
    db = session.db
    before = repo.assessment(db, assessment_id) if assessment_id else None
    if assessment_id and before is None:
        raise errors.NotFound("该能力评估不存在。")
    if before is not None and before.applied_on:
        raise errors.Conflict("该能力评估的结论已执行，不能再修改；如需调整请新建一次评估。")
    clean, f = _clean_assessment(session, values)
    if f:
        raise errors.ValidationError(f)
    with db.transaction():
        if before is None:
            new_id = repo.insert_assessment(db, clean, session.actor.display_name, session.stamp())
        else:
            new_id = assessment_id
            repo.update_assessment(db, assessment_id, clean, session.stamp())
        after = repo.assessment(db, new_id)
        old, new = audit.diff(_assessment_audit(before) if before else {}, _assessment_audit(after))
        audit.record(session, "update" if before else "create", "privilege_assessment", uid=after.uid,
                     label=f"{after.staff_name} {after.assessed_on} {after.conclusion}", before=old or None, after=new)
    return after


@action(Perm.SURGERY_PRIVILEGES)
def apply_assessment(session: Session, assessment_id: int, valid_until=None) -> list[Privilege]:
    """Carry out an approved assessment's conclusion on the grants, in one audited step."""
    db = session.db
    a = repo.assessment(db, assessment_id)
    if a is None:
        raise errors.NotFound("该能力评估不存在。")
    if a.applied_on:
        raise errors.Conflict(f"该能力评估的结论已于 {a.applied_on} 执行。")
    if not a.approved_on:
        raise errors.ValidationError("能力评估须经医疗质量与安全管理委员会批准（填写批准日期）后才能执行结论。",
                                     field="批准日期")
    person = _surgeon(db, a.staff_id)
    current = [p for p in repo.privileges_of(db, a.staff_id) if p.status in (VALID, SUSPENDED)]
    codes = [p["code"] for p in a.procedures]
    reason = f"能力评估（{a.assessed_on}）结论：{a.conclusion}"
    changed: list[Privilege] = []
    with db.transaction():
        if repo.assessment(db, assessment_id).applied_on:  # applied meanwhile on another computer
            raise errors.Conflict("该能力评估的结论刚被他人执行，本次没有重复执行。")
        if a.conclusion in ("授予", "维持", "升级") or (a.conclusion == "降级" and a.grade):
            why = grant_refusal(person)
            if why:
                raise errors.ValidationError(why, field="医师")
            values = {"scope": GRADE_SCOPE if a.grade else PROCEDURE_SCOPE, "grade": a.grade, "codes": codes,
                      "granted_on": a.approved_on, "valid_until": valid_until, "assessment_id": a.id}
            if a.conclusion == "升级" and a.grade:
                have = next((p.grade for p in current if p.scope == GRADE_SCOPE and p.status == VALID), 0)
                if a.grade <= have:
                    raise errors.ValidationError(f"升级须高于现有授权（现为授权至{GRADE_LABELS[have]}）。", field="级别")
            f: list[Finding] = []
            rows = _plan_grants(session, person, values, f)
            if f:
                raise errors.ValidationError(f)
            changed = _write_grants(session, person, rows, reason)
        else:  # 暂停, 取消, and 降级 of procedures (those procedures are withdrawn)
            targets = [p for p in current if (p.code in codes) or (a.grade and p.scope == GRADE_SCOPE)]
            if not targets:
                raise errors.ValidationError("该医师没有与评估内容对应的有效授权，无需执行。", field="手术")
            status = SUSPENDED if a.conclusion == "暂停" else CANCELLED
            for p in targets:
                if p.status == SUSPENDED and status == SUSPENDED:
                    continue
                repo.end_privilege(db, p.id, status, a.approved_on, reason)
                changed.append(repo.privilege(db, p.id))
                audit.record(session, "update", "surgeon_privilege", uid=p.uid, label=f"{person['name']} {p.what}",
                             before={"status": p.status}, after={"status": status, "reason": reason})
        repo.update_assessment(db, a.id, {"applied_on": session.today().isoformat()}, session.stamp())
        audit.record(session, "update", "privilege_assessment", uid=a.uid,
                     label=f"{a.staff_name} {a.assessed_on} {a.conclusion}", after={"applied_on": session.today().isoformat()})
    return changed


@action(Perm.SURGERY_VIEW)
def list_assessments(session: Session, first, last) -> list[Assessment]:
    f: list[Finding] = []
    a, b = _day(first, "开始日期", f), _day(last, "结束日期", f)
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


@action(Perm.SURGERY_VIEW)
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


@action(Perm.SURGERY_VIEW)
def surgeons(session: Session) -> list[dict]:
    """Doctors on duty, with their department and the number of grants in force."""
    today = session.today().isoformat()
    return [dict(r) for r in session.db.query(
        "SELECT s.id, s.name, s.employee_no, s.title, s.licence_no, s.pinyin, d.name AS department,"
        " (SELECT count(*) FROM surgeon_privileges g WHERE g.staff_id = s.id AND g.status = '有效'"
        " AND g.valid_until >= ?) AS grants FROM staff s JOIN departments d ON d.id = s.department_id"
        " WHERE s.category = '医师' AND s.on_duty = 1 ORDER BY d.sort_order, d.name, s.name", (today,))]


@dataclass(frozen=True)
class Lapse:
    privilege: Privilege
    days_left: int          # negative: already lapsed (过期)

    @property
    def tier(self) -> int | None:
        """The reminder step it has reached (90, 60, 30, 7 days), None when lapsed."""
        return next((t for t in REMINDER_TIERS if self.days_left <= t), None) if self.days_left >= 0 else None


@action(Perm.SURGERY_VIEW)
def lapsing(session: Session, within_days: int | None = None) -> list[Lapse]:
    """Grants 有效 whose validity ends within the reminder window (setting), and those already lapsed."""
    today = session.today()
    days = within_days if within_days is not None else int(get_setting(session.db, "surgery.remind_days"))
    rows = repo.lapsing(session.db, (today + dt.timedelta(days=days)).isoformat())
    return [Lapse(p, (dt.date.fromisoformat(p.valid_until) - today).days) for p in rows]


@action(Perm.SURGERY_VIEW)
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


@action(Perm.SURGERY_VIEW)
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
