"""手术分级管理目录: versions, procedures, the 动态调整 between versions, approval and 备案.

API (every function takes the :class:`~desktop_app.session.Session` first):

* ``list_catalogues`` / ``get_catalogue(id)`` / ``catalogue_in_force(day=None)`` (the approved
  version effective on that day, default today).
* ``create_catalogue(values, based_on_id=None)`` — a new 草稿; made from a version, it starts as a
  copy of it. ``update_catalogue(id, values)`` — name, effective date, notes (draft only).
* ``save_procedure(catalogue_id, values, procedure_id=None)`` / ``delete_procedure`` (draft only):
  code normalised (21.3104, 213104 …) and unique within the version, grade written any common
  way, a 限制类技术 is 四级 and never 日间手术 (every finding with its field).
* ``differences(catalogue_id, other_id=None)`` — 新增, 删除, 升级, 降级, 属性变化 against the
  version it was made from (or ``other_id``), each with the reason kept by ``set_change_reason``.
* ``approve_catalogue(id, approved_by, approved_on, effective_date)`` — freezes a draft; refused
  while a difference has no reason. ``file_catalogue(id, filed_on)`` — 三、四级目录已备案.
* ``search_procedures(catalogue_id, text, …)`` — by name, code or pinyin initials, with filters.
"""
from __future__ import annotations

from dataclasses import dataclass

from desktop_app import errors, records
from desktop_app.accounts.permissions import action
from desktop_app.accounts.scope import HOSPITAL
from desktop_app.errors import Finding
from desktop_app.people import repo as people_repo
from desktop_app.session import Session
from desktop_app.surgery import repo
from desktop_app.surgery.manifest import SURGERY_CATALOGUE, SURGERY_VIEW
from desktop_app.surgery.models import (
    ADDED,
    APPROVED,
    CATALOGUE_FIELDS,
    CHANGED,
    DOWNGRADED,
    DRAFT,
    GRADE_LABELS,
    REMOVED,
    SURGERY_FIELDS,
    UPGRADED,
    Catalogue,
    Difference,
    Procedure,
    initials,
    normalise_code,
    parse_grade,
)
from desktop_app.textnorm import clean_prose, clean_text, parse_date

F = SURGERY_FIELDS
C = CATALOGUE_FIELDS

# The catalogue is the hospital's (院务公开): every clinician may read it and its printouts; the
# 医务科/质控 keep it for the whole hospital. No action here reaches by department.


# ----------------------------------------------------------------------------- the records


def _catalogue_audit(c: Catalogue) -> dict:
    return {"name": c.name, "effective_date": c.effective_date, "status": c.status, "approved_by": c.approved_by,
            "approved_on": c.approved_on, "filed": "已备案" if c.filed else "未备案", "filed_on": c.filed_on,
            "notes": c.notes, "procedures": c.procedures}


CATALOGUE = records.Entity(
    "surgery_catalogue", "手术分级目录", "surgery_catalogues", read=lambda session, i: repo.catalogue(session.db, i),
    audit_values=_catalogue_audit, describe=lambda c: c.name,
    field_labels=C.labels(("name", "effective_date", "status", "approved_by", "approved_on", "filed", "filed_on",
                           "notes", "procedures", "based_on")))


@dataclass(frozen=True)
class ListedProcedure:
    """A procedure as the audit log names it: by its version and code (``procedure`` None: a code the
    draft no longer has, e.g. the reason for a 删除 difference)."""

    catalogue: Catalogue
    code: str
    name: str
    procedure: Procedure | None = None

    @property
    def id(self) -> int:
        return self.procedure.id

    @property
    def uid(self) -> str:
        return f"{self.catalogue.uid}:{self.code}"


def _listed(cat: Catalogue, p: Procedure) -> ListedProcedure:
    return ListedProcedure(cat, p.code, p.name, p)


def _read_procedure(session: Session, procedure_id: int) -> ListedProcedure | None:
    p = repo.procedure(session.db, procedure_id)
    return None if p is None else _listed(repo.catalogue(session.db, p.catalogue_id), p)


def _procedure_audit(x: ListedProcedure) -> dict:
    p = x.procedure
    return {"code": p.code, "name": p.name, "grade": GRADE_LABELS.get(p.grade), "department": p.department,
            "specialty": p.specialty, "flags": p.flags or None, "notes": p.notes}


PROCEDURE = records.Entity(
    "surgery_procedure", "目录手术", "surgery_procedures", read=_read_procedure, audit_values=_procedure_audit,
    describe=lambda x: f"{x.catalogue.name} {x.code} {x.name}", stamped=False,
    field_labels=F.labels(("code", "name", "grade", "department", "specialty", "flags", "notes", "reason")))


def _date_or_none(value, key: str, f: list[Finding]) -> str | None:
    try:
        day = parse_date(value)
    except ValueError:
        f.append(C.finding(key, "日期格式无法识别，请写成 2026-03-05。"))
        return None
    return day.isoformat() if day else None


def _require(db, catalogue_id: int) -> Catalogue:
    found = repo.catalogue(db, catalogue_id)
    if found is None:
        raise errors.NotFound("该目录版本不存在，可能已被删除。")
    return found


def _require_draft(db, catalogue_id: int) -> Catalogue:
    found = _require(db, catalogue_id)
    if found.frozen:
        raise errors.Conflict(f"“{found.name}”已批准，内容已冻结；如需调整，请以它为基础新建一个版本。")
    return found


def _approved_meanwhile(name: str) -> str:
    return f"“{name}”刚被他人批准，内容已冻结，本次没有写入；如需调整，请以它为基础新建一个版本。"


# ----------------------------------------------------------------------------- versions


@action(SURGERY_VIEW, scope=HOSPITAL)
def list_catalogues(session: Session) -> list[Catalogue]:
    return repo.catalogues(session.db)


@action(SURGERY_VIEW, scope=HOSPITAL)
def get_catalogue(session: Session, catalogue_id: int) -> Catalogue:
    return _require(session.db, catalogue_id)


@action(SURGERY_VIEW, scope=HOSPITAL)
def catalogue_in_force(session: Session, day=None) -> Catalogue | None:
    day = parse_date(day) if day else session.today()
    return repo.in_force(session.db, day.isoformat())


@action(SURGERY_CATALOGUE, scope=HOSPITAL)
def create_catalogue(session: Session, values: dict, based_on_id: int | None = None) -> Catalogue:
    db = session.db
    f: list[Finding] = []
    name = clean_text(values.get("name"))
    if not name:
        f.append(C.finding("name", "请填写目录名称，例如“手术分级管理目录（2027 年版）”。"))
    effective = _date_or_none(values.get("effective_date"), "effective_date", f)
    base = _require(db, based_on_id) if based_on_id else None
    if f:
        raise errors.ValidationError(f)
    with db.transaction():
        return records.create(
            session, CATALOGUE, {"name": name, "based_on_id": based_on_id, "effective_date": effective,
                                 "notes": clean_prose(values.get("notes")), "created_by": session.actor.display_name},
            note={"based_on": base.name if base else None},
            then=(lambda new_id: repo.copy_procedures(db, base.id, new_id)) if base else None)


@action(SURGERY_CATALOGUE, scope=HOSPITAL)
def update_catalogue(session: Session, catalogue_id: int, values: dict) -> Catalogue:
    db = session.db
    before = _require_draft(db, catalogue_id)
    f: list[Finding] = []
    name = clean_text(values.get("name", before.name))
    if not name:
        f.append(C.finding("name", "请填写目录名称。"))
    effective = _date_or_none(values.get("effective_date", before.effective_date), "effective_date", f)
    if f:
        raise errors.ValidationError(f)
    with db.transaction():
        return records.change(session, CATALOGUE, before, {
            "name": name, "effective_date": effective, "notes": clean_prose(values.get("notes", before.notes))},
            expect={"status": DRAFT}, conflict=_approved_meanwhile(before.name))


@action(SURGERY_CATALOGUE, scope=HOSPITAL)
def approve_catalogue(session: Session, catalogue_id: int, approved_by: str, approved_on, effective_date) -> Catalogue:
    """Approve a draft (the committee and date) and freeze it; every difference needs its reason first."""
    db = session.db
    before = _require_draft(db, catalogue_id)
    f: list[Finding] = []
    approved_by = clean_text(approved_by)
    if not approved_by:
        f.append(C.finding("approved_by", "请填写批准机构，例如“医疗质量与安全管理委员会”。"))
    on = _date_or_none(approved_on, "approved_on", f)
    if not clean_text(approved_on):
        f.append(C.finding("approved_on", "请填写批准日期。"))
    effective = _date_or_none(effective_date, "effective_date", f)
    if not clean_text(effective_date):
        f.append(C.finding("effective_date", "请填写生效日期。"))
    if not before.procedures:
        f.append(C.finding("procedures", "目录中还没有手术，不能批准。"))
    if before.based_on_id:
        missing = [d for d in _differences(db, before) if not d.reason]
        if missing:
            listed = "；".join(f"{d.kind} {d.code} {d.name}" for d in missing[:10])
            f.append(C.finding("changes", f"与上一版本相比有 {len(missing)} 处调整尚未写明原因：{listed}"
                                          + ("……" if len(missing) > 10 else "") + "。"))
    if f:
        raise errors.ValidationError(f)
    with db.transaction():
        return records.change(session, CATALOGUE, before, {
            "status": APPROVED, "approved_by": approved_by, "approved_on": on, "effective_date": effective},
            expect={"status": DRAFT}, conflict=_approved_meanwhile(before.name))


@action(SURGERY_CATALOGUE, scope=HOSPITAL)
def file_catalogue(session: Session, catalogue_id: int, filed_on) -> Catalogue:
    """三、四级手术目录已报卫生健康行政部门备案 (approved versions only)."""
    db = session.db
    before = _require(db, catalogue_id)
    if not before.frozen:
        raise errors.Conflict(f"“{before.name}”尚未批准，批准后才能备案。")
    f: list[Finding] = []
    on = _date_or_none(filed_on, "filed_on", f)
    if on is None and not f:
        f.append(C.finding("filed_on", "请填写备案日期。"))
    if on and before.approved_on and on < before.approved_on:
        f.append(C.finding("filed_on", f"备案日期不能早于批准日期（{before.approved_on}）。"))
    if f:
        raise errors.ValidationError(f)
    with db.transaction():
        return records.change(session, CATALOGUE, before, {"filed": True, "filed_on": on})


# ----------------------------------------------------------------------------- procedures


def clean_procedure(db, values: dict) -> tuple[dict, list[Finding]]:
    """A procedure's values checked against the catalogue rules (pure apart from the department lookup)."""
    f: list[Finding] = []
    raw_code = values.get("code")
    code = normalise_code(raw_code)
    if code is None:
        f.append(F.finding("code", f"编码“{clean_text(raw_code)}”不是 ICD-9-CM-3 编码，应写成 21.3104 这样（两位数字、"
                                   "小数点、两到四位数字）。" if clean_text(raw_code) else "请填写手术编码，例如 21.3104。"))
    name = clean_text(values.get("name"))
    if not name:
        f.append(F.finding("name", "请填写手术名称。"))
    grade = parse_grade(values.get("grade"))
    if grade is None:
        f.append(F.finding("grade", f"级别“{clean_text(values.get('grade'))}”无法识别，请写一级至四级（或 1–4、Ⅰ–Ⅳ）。"
                                    if clean_text(values.get("grade")) else "请填写手术级别。"))
    restricted = bool(values.get("restricted"))
    day_surgery = bool(values.get("day_surgery"))
    if restricted and grade is not None and grade != 4:
        f.append(F.finding("grade", "限制类技术按四级手术管理，级别应为四级。"))
    if restricted and day_surgery:
        f.append(F.finding("day_surgery", "限制类技术不得纳入日间手术。"))
    department_id = values.get("department_id") or None
    if department_id and not people_repo.department_exists(db, department_id):
        f.append(F.finding("department", "科室不存在。"))
    return {"code": code, "name": name, "grade": grade, "department_id": department_id,
            "specialty": clean_text(values.get("specialty")) or None, "restricted": int(restricted),
            "day_surgery": int(day_surgery), "minimally_invasive": int(bool(values.get("minimally_invasive"))),
            "notes": clean_prose(values.get("notes")), "initials": initials(name)}, f


@action(SURGERY_CATALOGUE, scope=HOSPITAL)
def save_procedure(session: Session, catalogue_id: int, values: dict, procedure_id: int | None = None) -> Procedure:
    db = session.db
    cat = _require_draft(db, catalogue_id)
    before = repo.procedure(db, procedure_id) if procedure_id else None
    if procedure_id and (before is None or before.catalogue_id != catalogue_id):
        raise errors.NotFound("该手术不在这个目录版本中。")
    clean, f = clean_procedure(db, values)
    if clean["code"]:
        other = repo.procedure_by_code(db, catalogue_id, clean["code"])
        if other and other.id != procedure_id:
            f.append(F.finding("code", f"编码 {clean['code']} 在本目录中已有（{other.name}），同一版本中编码不能重复。"))
    if f:
        raise errors.ValidationError(f)
    with db.transaction():
        if before is None:
            saved = records.create(session, PROCEDURE, {"catalogue_id": catalogue_id, **clean})
        else:
            saved = records.change(session, PROCEDURE, _listed(cat, before), clean)
    return saved.procedure


@action(SURGERY_CATALOGUE, scope=HOSPITAL)
def delete_procedure(session: Session, procedure_id: int) -> None:
    db = session.db
    p = repo.procedure(db, procedure_id)
    if p is None:
        raise errors.NotFound("该手术不存在，可能已被删除。")
    cat = _require_draft(db, p.catalogue_id)
    with db.transaction():
        records.remove(session, PROCEDURE, _listed(cat, p))


@action(SURGERY_VIEW, scope=HOSPITAL)
def list_procedures(session: Session, catalogue_id: int) -> list[Procedure]:
    return repo.procedures(session.db, catalogue_id)


@action(SURGERY_VIEW, scope=HOSPITAL)
def search_procedures(session: Session, catalogue_id: int, text: str = "", *, grade: int | None = None,
                      department_id: int | None = None, restricted: bool | None = None,
                      day_surgery: bool | None = None, minimally_invasive: bool | None = None,
                      limit: int | None = None) -> list[Procedure]:
    """By name (any part), code (its start, with or without the dot) or pinyin initials (any part)."""
    text = clean_text(text)
    code = normalise_code(text) if text[:2].isdigit() else None
    return repo.search(session.db, catalogue_id, text=code or text, grade=grade, department_id=department_id,
                       restricted=restricted, day_surgery=day_surgery, minimally_invasive=minimally_invasive,
                       limit=limit)


# ----------------------------------------------------------------------------- 动态调整


def _describe(p: Procedure) -> str:
    return "；".join(x for x in (GRADE_LABELS[p.grade], p.flags, p.department) if x)


def _differences(db, cat: Catalogue, other_id: int | None = None) -> list[Difference]:
    base_id = other_id or cat.based_on_id
    if base_id is None:
        return []
    old = {p.code: p for p in repo.procedures(db, base_id)}
    new = {p.code: p for p in repo.procedures(db, cat.id)}
    reasons = repo.change_reasons(db, cat.id)
    out: list[Difference] = []
    for code in sorted(old.keys() | new.keys()):
        a, b = old.get(code), new.get(code)
        if a is None:
            out.append(Difference(ADDED, code, b.name, "", _describe(b), reasons.get(code)))
        elif b is None:
            out.append(Difference(REMOVED, code, a.name, _describe(a), "", reasons.get(code)))
        elif b.grade != a.grade:
            out.append(Difference(UPGRADED if b.grade > a.grade else DOWNGRADED, code, b.name, _describe(a),
                                  _describe(b), reasons.get(code)))
        elif (a.name, a.restricted, a.day_surgery, a.minimally_invasive, a.department_id) != \
                (b.name, b.restricted, b.day_surgery, b.minimally_invasive, b.department_id):
            before = _describe(a) + (f"；原名“{a.name}”" if a.name != b.name else "")
            out.append(Difference(CHANGED, code, b.name, before, _describe(b), reasons.get(code)))
    order = {k: i for i, k in enumerate((ADDED, REMOVED, UPGRADED, DOWNGRADED, CHANGED))}
    return sorted(out, key=lambda d: (order[d.kind], d.code))


@action(SURGERY_VIEW, scope=HOSPITAL)
def differences(session: Session, catalogue_id: int, other_id: int | None = None) -> list[Difference]:
    return _differences(session.db, _require(session.db, catalogue_id), other_id)


@action(SURGERY_CATALOGUE, scope=HOSPITAL)
def set_change_reason(session: Session, catalogue_id: int, code: str, reason: str) -> None:
    db = session.db
    cat = _require_draft(db, catalogue_id)
    code = normalise_code(code) or clean_text(code)
    reason = clean_prose(reason)
    changed = next((d for d in _differences(db, cat) if d.code == code), None)
    if changed is None:
        raise errors.ValidationError(F.finding("reason", f"编码 {code} 与上一版本相比没有变化，不需要写调整原因。"))
    before = repo.change_reasons(db, catalogue_id).get(code)
    with db.transaction():
        repo.set_change_reason(db, catalogue_id, code, reason)
        records.event(session, PROCEDURE, ListedProcedure(cat, code, changed.name),
                      before={"reason": before} if before else None, after={"reason": reason})
