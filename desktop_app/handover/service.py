"""交接班记录: templates, writing a report, signatures, bedside handover, addenda, figures.

API (every function takes the :class:`~desktop_app.session.Session` first):

* ``handover_departments(session, kind)`` — the wards (kind ``nurse``: 护理单元) or clinical
  departments (``doctor``) this user may see, as (id, name, names_visible).
* ``get_template(session, department_id, kind)`` / ``save_template(session, department_id, kind,
  shifts, checklist)`` — shift pattern (ordered; defaults 白班/小夜班/大夜班 for nurses, 白班/夜班
  for doctors) and checklist (``{"name", "expected"}``; expected count or None).
* ``prepare_report(session, department_id, date, shift, kind)`` → :class:`NewReport` — read only,
  fast (four indexed queries): 原有 carried from the previous report's 现有 (the shift before,
  across midnight and days), the other counts 0 and 现有 = 原有, the checklist, and the previous
  report's key patients as ``suggestions`` (not saved: the form shows them, the user keeps the ones
  still relevant by passing ``entry.values()`` in ``entries``). A 四级手术当日 entry of an earlier
  day is suggested as 手术 (it is no longer the day of surgery). Conflict if the report exists.
* ``create_report(session, department_id, date, shift, kind, values=None)`` → Report (草稿);
  Conflict naming the existing report for a second report of the same shift.
* ``save_draft(session, report_id, values)`` — autosave: cheap, idempotent, saves whatever was
  typed (a census that does not add up is kept, so nothing is lost). ``values`` may hold
  ``census`` (dict), ``entries`` (list of dicts, each with a ``uid`` — kept across saves so bedside
  records stay attached; a new entry without uid gets one), ``items`` and ``notes``; keys left
  out are unchanged. **Not audited per save**: drafts are audited at creation and their full final
  content at the outgoing signature (the UI autosaves every few seconds; an audit row per save
  would bury the log).
* ``report_findings(report)`` — pure: everything that blocks the outgoing signature (census,
  entries without bed / destination / origin / operation name, checklist counts).
* ``sign_outgoing(session, report_id)`` — 草稿 → 已交班 by the logged-in user, who must be a
  nurse (kind nurse: staff record in that ward) or a doctor (kind doctor: staff record in the
  department, a department under it, or its parent) who is on duty.
* ``record_bedside(session, report_id, entry_uid, at, evidence=None, photo=None)`` — the bedside
  handover of an entry marked 病危/病重/四级手术当日: time plus a reference text to the paper record
  and/or a photo (stored in the database like the ledger's attachments). Allowed while 草稿/已交班.
* ``sign_receive(session, report_id, username, password)`` — the receiver types her own account
  on the same PC: the password is checked by the accounts service (a wrong one counts as a failed
  login and can lock the account); she must be another person, of the ward, with a handover role.
  Refused while a required bedside handover is missing (the beds are listed). → 已接班, frozen.
* ``return_to_draft(session, report_id, reason)`` — the receiver refuses (七不接) before signing:
  已交班 → 草稿, the outgoing signature is cleared; audited with the reason.
* ``add_addendum(session, report_id, text)`` — after 已接班: a signed, timed addition, never an edit.
* ``get_report``, ``list_reports(session, kind, first, last, department_id=None, status=None,
  limit=None, offset=0)`` — history (LIMIT/OFFSET paging).
* ``count_reports(...)`` — the history's total for paging; ``shift_board(session, kind, first, last,
  department_id=None)`` — every shift of those days per ward with its report or None (the ward's
  today view); ``open_reports`` (草稿/已交班, oldest first) and ``missing_reports`` (ended shifts
  without any report) — the 工作台.
* ``figures(session, first, last, kind="nurse", department_id=None)`` → per ward
  :class:`WardFigures` plus a total row: expected (shifts × days up to today), written, 已接班,
  on time (received within setting ``handover.sign_within_minutes`` after the shift change), census
  errors, and 四级手术患者手术当日床旁交接班占比 (see :func:`repo.grade4_counts`).

Visibility (decided): holders of HANDOVER_ALL (质控/护理部, admin) see every ward with patient
names. A department head sees her department and the wards under it; a nurse or doctor sees the
ward of her staff record (a doctor: her department and the wards under it) — both with names. Other
roles that may view (院领导, 只读) see every ward with names masked (``mask_name``: 张三 → 张*); a
user without a staff record sees no ward. Writing follows the same scopes, without the 院领导/只读 rows.
Each action declares this as its ``ward`` scope (:data:`VIEWING`, :func:`viewing`, :func:`writing`;
see desktop_app/accounts/scope.py): a call naming another ward's report or department is refused
before it runs, and lists read ``session.reach``.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from desktop_app import errors, records
from desktop_app.accounts.permissions import Role, action, has_permission
from desktop_app.accounts.scope import Target, on, own_departments
from desktop_app.accounts.scope import ward as ward_scope
from desktop_app.clock import stamp
from desktop_app.errors import Finding
from desktop_app.handover import repo
from desktop_app.handover.census import census_findings, clean_census, expected_current, parse_count
from desktop_app.handover.manifest import HANDOVER_ALL, HANDOVER_SETUP, HANDOVER_VIEW, HANDOVER_WRITE
from desktop_app.handover.models import (
    ARRIVED,
    BEDSIDE_MARKS,
    CARRY_OVER,
    CATEGORIES,
    CENSUS_FIELDS,
    DEFAULT_CHECKLIST,
    DEFAULT_SHIFTS,
    DOCTOR,
    DRAFT,
    ENTRY_FIELDS,
    GRADE4,
    HANDED,
    HANDOVER_FIELDS,
    KIND_CATEGORY,
    KIND_LABELS,
    LEFT,
    NURSE,
    RECEIVED,
    Entry,
    NewReport,
    Report,
    ReportRow,
    Shift,
    ShiftSlot,
    Template,
    WardFigures,
    entry_sort_key,
    mask_name,
    shifts_from,
)
from desktop_app.people.repo import department_subtree
from desktop_app.periods import date_range
from desktop_app.session import Session
from desktop_app.settings import get_setting
from desktop_app.textnorm import clean_prose, clean_text, parse_date

F = HANDOVER_FIELDS
E = ENTRY_FIELDS

_TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_DEPT_KIND = {NURSE: "护理单元", DOCTOR: "临床"}


# ----------------------------------------------------------------------------- scope


# A nurse or doctor reaches the wards she works in (her staff record's department and the wards
# under it; a 科室负责人 also her department's); 质控/护理部 (HANDOVER_ALL) every ward. 院领导 and 只读
# look at every ward but see patient names only of their own wards (names_visible).


def viewing(*targets):
    """Looking at the book: 院领导 and 只读 reach every ward too (names hidden, see names_visible)."""
    return ward_scope(*targets, all_perm=HANDOVER_ALL, all_roles={Role.LEADER, Role.READONLY}, doing="查看",
                      what="交接班记录")


def writing(*targets):
    """Writing, signing and setting up the book: one's own wards (质控/护理部: every ward)."""
    return ward_scope(*targets, all_perm=HANDOVER_ALL, doing="书写", what="交接班记录")


VIEWING = viewing()  # lists: what the user may look at
A_WARD = on("department_id")  # the ward (or, for doctors, the department) the call names
A_REPORT = on("report_id", repo.department_of_report)


@dataclass(frozen=True)
class _BookOf(Target):
    """The ward whose book a printout asks for (``department_id``), seen with the call's ``kind``:
    a nurses' book (or a book of no known kind) asked of a department that is not a 护理单元 names
    no ward, and the printout refuses it for everyone alike (“……不是护理单元”), as it always did.
    (A target reads one argument; this one also reads ``kind``.)"""

    def departments(self, db, arguments: dict) -> set[int]:
        found = super().departments(db, arguments)
        if found and arguments.get("kind", NURSE) != DOCTOR:
            d = repo.department(db, next(iter(found)))
            if d is not None and d["kind"] != _DEPT_KIND[NURSE]:
                return set()
        return found


A_BOOK = _BookOf("department_id")


def names_visible(session: Session, department_id: int) -> bool:
    """Whether the user sees patient names of the ward (else ``mask_name``)."""
    return session.actor.can(HANDOVER_ALL) or department_id in own_departments(session)


def within(session: Session, department_id: int | None) -> set[int] | None:
    """The wards a list covers: the one asked for (the action's scope has let it through), or every
    ward within the user's reach (None: every ward)."""
    if department_id is None:
        return None if session.reach is None else set(session.reach)
    return {department_id}


def _member(db, staff_id: int | None, department_id: int, kind: str) -> str | None:
    """Why this person may not sign for the department (None: she may)."""
    if not staff_id:
        return "账户未关联人员档案，不能签名。请系统管理员在“用户管理”中关联本人的人员档案。"
    s = repo.signer(db, staff_id)
    if s is None:
        return "人员档案不存在。"
    want = KIND_CATEGORY[kind]
    name = repo.department(db, department_id)["name"]
    if s["category"] != want:
        return f"{s['name']}是{s['category']}，{KIND_LABELS[kind]}须由{want}签名。"
    if not s["on_duty"]:
        return f"{s['name']}已离岗，不能签名。"
    if kind == NURSE:
        ok = s["department_id"] == department_id
    else:
        parent = repo.department(db, department_id)["parent_id"]
        ok = s["department_id"] in department_subtree(db, department_id) or s["department_id"] == parent
    if not ok:
        return f"{s['name']}属于{s['dept']}，不是{name}的{want}，不能签名。"
    return None


# ----------------------------------------------------------------------------- templates


def _department(db, department_id: int, kind: str):
    d = repo.department(db, department_id)
    if d is None:
        raise errors.NotFound("该病区（科室）不存在，可能已被删除。")
    if kind not in KIND_LABELS:
        raise errors.ValidationError(F.finding("kind", "交接班类别须为护理交接班或医师交接班。"))
    if kind == NURSE and d["kind"] != "护理单元":
        raise errors.ValidationError(F.finding("department_id", f"“{d['name']}”不是护理单元，不能书写护理交接班。"))
    return d


def _template(db, department_id: int, kind: str) -> Template:
    d = _department(db, department_id, kind)
    row = repo.template_row(db, department_id, kind)
    shifts = json.loads(row["shifts_json"]) if row else DEFAULT_SHIFTS[kind]
    checklist = json.loads(row["checklist_json"]) if row else DEFAULT_CHECKLIST[kind]
    return Template(department_id, d["name"], kind, shifts_from(shifts), tuple(checklist), row is not None,
                    row["id"] if row else None)


def _template_audit(t: Template) -> dict:
    items = "、".join(i["name"] + (f"（基数 {i['expected']}）" if i["expected"] is not None else "")
                     for i in t.checklist)
    return {"shifts": "、".join(s.label() for s in t.shifts), "checklist": items}


def _read_template(session: Session, template_id: int) -> Template | None:
    key = repo.template_key(session.db, template_id)
    return None if key is None else _template(session.db, *key)


# A ward's template is one row of handover_templates; its audit rows are the handover book's
# ("handover", uid template:<ward>:<kind>).
TEMPLATE = records.Entity("handover", "交接班记录", "handover_templates", read=_read_template,
                          audit_values=_template_audit, describe=lambda t: t.title, field_labels=F.labels(),
                          stamped=False)


def _signature(name: str | None, at: str | None) -> str | None:
    return f"{name} {at}" if name else None


def _report_audit(r: Report) -> dict:
    """What the audit log records of a report's own row: its state and signatures (the content is
    recorded at the outgoing signature, see ``_content_audit``)."""
    return {"status": r.status, "outgoing": _signature(r.outgoing_name, r.outgoing_at),
            "receiving": _signature(r.receiving_name, r.receiving_at)}


REPORT = records.Entity("handover", "交接班记录", "handover_reports",
                        read=lambda session, report_id: repo.read_report(session.db, report_id),
                        audit_values=_report_audit, describe=lambda r: r.title, field_labels=F.labels())


@action(HANDOVER_VIEW, scope=VIEWING)
def handover_departments(session: Session, kind: str = NURSE) -> list[tuple[int, str, bool]]:
    """(id, name, names visible) of the wards (nurse) or clinical departments (doctor) this user sees."""
    return [(r["id"], r["name"], names_visible(session, r["id"])) for r in repo.departments_of_kind(
        session.db, _DEPT_KIND[kind]) if session.reaches(r["id"])]


@action(HANDOVER_VIEW, scope=viewing(A_WARD))
def get_template(session: Session, department_id: int, kind: str = NURSE) -> Template:
    return _template(session.db, department_id, kind)


def _time(value, where: str, findings: list[Finding]) -> str:
    text = clean_text(value).replace("：", ":")
    if re.fullmatch(r"\d:\d\d", text):
        text = "0" + text
    if text == "24:00":
        text = "00:00"
    if not _TIME_RE.match(text):
        findings.append(F.finding("shifts", f"{where}：时间请写成 08:00 这样的 24 小时制。"))
    return text


@action(HANDOVER_SETUP, scope=writing(A_WARD))
def save_template(session: Session, department_id: int, kind: str, shifts: list[dict],
                  checklist: list[dict]) -> Template:
    """The ward's shifts (in order, covering the day) and the items handed over."""
    db = session.db
    _department(db, department_id, kind)
    f: list[Finding] = []
    clean_shifts = []
    for i, s in enumerate(shifts, 1):
        name = clean_text(s.get("name"))
        if not name:
            f.append(F.finding("shifts", f"第 {i} 个班次：请填写名称，例如“白班”。"))
        starts = _time(s.get("starts"), f"第 {i} 个班次开始时间", f)
        ends = _time(s.get("ends"), f"第 {i} 个班次结束时间", f)
        clean_shifts.append({"name": name, "starts": starts, "ends": ends})
    if not clean_shifts:
        f.append(F.finding("shifts", "至少设置一个班次。"))
    names = [s["name"] for s in clean_shifts]
    if len(set(names)) != len(names):
        f.append(F.finding("shifts", "班次名称不能重复。"))
    if not f:
        pattern = shifts_from(clean_shifts)
        total = sum(s.duration for s in pattern)
        if total != 24 * 60:
            f.append(F.finding("shifts", f"各班次合计 {total / 60:g} 小时，应正好覆盖 24 小时（前一班结束即后一班开始）。"))
        elif any(a.ends != b.starts for a, b in zip(pattern, pattern[1:])):
            f.append(F.finding("shifts", "前一班的结束时间应等于后一班的开始时间。"))
    clean_items = []
    for i, item in enumerate(checklist, 1):
        name = clean_text(item.get("name"))
        expected = item.get("expected")
        if not name:
            f.append(F.finding("checklist", f"第 {i} 项交接物品：请填写名称。"))
        if expected not in (None, ""):
            n = parse_count(expected)
            if n is None:
                f.append(F.finding("checklist", f"“{name}”的基数须为 0 或正整数，不清点数量的物品留空。"))
            expected = n
        else:
            expected = None
        clean_items.append({"name": name, "expected": expected})
    if f:
        raise errors.ValidationError(f)
    values = {"shifts_json": json.dumps(clean_shifts, ensure_ascii=False),
              "checklist_json": json.dumps(clean_items, ensure_ascii=False), "updated_at": session.stamp()}
    with db.transaction():
        before = _template(db, department_id, kind)  # read under the write lock: saved meanwhile elsewhere?
        if before.id is None:
            return records.create(session, TEMPLATE, {"department_id": department_id, "kind": kind, **values})
        return records.change(session, TEMPLATE, before, values)


# ----------------------------------------------------------------------------- preparing and creating


def _shift(template: Template, shift) -> Shift:
    found = template.shift(shift)
    if found is None:
        names = "、".join(s.name for s in template.shifts)
        raise errors.ValidationError(F.finding("shift", f"{template.department_name}没有“{shift}”班次，班次为：{names}。"))
    return found


def _title(row) -> str:
    return f"{row['department_name']} {row['date']} {row['shift_name']}{KIND_LABELS[row['kind']]}"


def _refuse_duplicate(db, department_id: int, kind: str, date: str, shift: Shift) -> None:
    existing = repo.find_report_id(db, department_id, kind, date, shift.order)
    if existing:
        row = repo.report_row(db, existing)
        who = f"，{row['outgoing_name']}交班" if row["outgoing_name"] else f"，{row['created_by']}创建"
        raise errors.Conflict(f"{_title(row)}已经存在（{row['status']}{who}）。同一班次只能有一份交接班记录，"
                              "请打开已有的记录继续书写。")


def _carry(entry: Entry, same_day: bool) -> Entry:
    category, marks = entry.category, entry.marks
    if not same_day and category == GRADE4:
        category = "手术"
    if not same_day:
        marks = tuple(m for m in marks if m != GRADE4)
    return Entry(uuid.uuid4().hex, category, entry.bed, entry.patient_name, entry.diagnosis, marks, None, None,
                 entry.operation, entry.situation, entry.background, entry.assessment, entry.recommendation,
                 None, None, None, entry.uid)


@action(HANDOVER_WRITE, scope=writing(A_WARD))
def prepare_report(session: Session, department_id: int, date, shift, kind: str = NURSE) -> NewReport:
    """A new report pre-filled from the previous one (nothing is saved; see the module docstring)."""
    db = session.db
    day = parse_date(date)
    template = _template(db, department_id, kind)
    sh = _shift(template, shift)
    _refuse_duplicate(db, department_id, kind, day.isoformat(), sh)
    prev = repo.previous_report_row(db, department_id, kind, day.isoformat(), sh.order)
    census: dict = {name: 0 for name in CENSUS_FIELDS}
    suggestions: tuple[Entry, ...] = ()
    if prev is not None:
        current = parse_count(json.loads(prev["census_json"]).get("现有"))
        census["原有"] = current if current is not None else ""
        census["现有"] = census["原有"]
        visible = names_visible(session, department_id)
        left = {e.bed for e in repo.entries(db, prev["id"]) if e.category in LEFT}
        suggestions = tuple(_masked(_carry(e, prev["date"] == day.isoformat()), visible)
                            for e in repo.entries(db, prev["id"])
                            if e.all_marks & CARRY_OVER and e.bed not in left)
    else:
        census["原有"] = census["现有"] = ""
    items = tuple({"name": i["name"], "expected": i["expected"], "count": None, "ok": None, "note": ""}
                  for i in template.checklist)
    return NewReport(department_id, template.department_name, kind, day.isoformat(), sh, census,
                     prev["id"] if prev else None, _title(prev) if prev else None, suggestions, items)


@action(HANDOVER_WRITE, scope=writing(A_WARD))
def create_report(session: Session, department_id: int, date, shift, kind: str = NURSE,
                  values: dict | None = None) -> Report:
    """Save a new draft (pre-filled like ``prepare_report`` where ``values`` say nothing)."""
    db = session.db
    new = prepare_report(session, department_id, date, shift, kind)
    start, end = new.shift.interval(dt.date.fromisoformat(new.date))
    values = dict(values or {})
    census = clean_census({**new.census, **values.get("census", {})})
    entries = _clean_entries(values["entries"]) if values.get("entries") else None
    with db.transaction():
        _refuse_duplicate(db, department_id, kind, new.date, new.shift)
        return records.create(session, REPORT, {
            "department_id": department_id, "kind": kind, "date": new.date, "shift_order": new.shift.order,
            "shift_name": new.shift.name, "shift_starts_at": stamp(start), "shift_ends_at": stamp(end),
            "census_json": json.dumps(census, ensure_ascii=False), "census_ok": int(not census_findings(census)),
            "items_json": json.dumps(values.get("items", list(new.items)), ensure_ascii=False),
            "notes": clean_prose(values.get("notes")), "created_by": session.actor.display_name},
            then=(lambda report_id: repo.replace_entries(db, report_id, entries)) if entries else None)


# ----------------------------------------------------------------------------- drafts


def _clean_entries(entries: list[dict]) -> list[dict]:
    out, f = [], []
    for i, e in enumerate(entries, 1):
        category = clean_text(e.get("category"))
        if category not in CATEGORIES:
            f.append(E.finding("category", f"第 {i} 条：类别须为：" + "、".join(CATEGORIES) + "。", row=i))
            continue
        raw_marks = e.get("marks") or ()
        if isinstance(raw_marks, str):
            raw_marks = re.split(r"[、,，\s]+", raw_marks)
        marks = tuple(dict.fromkeys(m for m in (clean_text(x) for x in raw_marks) if m and m != category))
        bad = [m for m in marks if m not in CATEGORIES]
        if bad:
            f.append(E.finding("marks", f"第 {i} 条：标记“{'、'.join(bad)}”不认识，可用：" + "、".join(CATEGORIES) + "。",
                               row=i))
        all_marks = {category, *marks}
        out.append({
            "uid": clean_text(e.get("uid")) or uuid.uuid4().hex, "category": category, "bed": clean_text(e.get("bed")),
            "patient_name": clean_text(e.get("patient_name")), "diagnosis": clean_text(e.get("diagnosis")),
            "marks": "、".join(marks), "event_time": clean_text(e.get("event_time")) or None,
            "place": clean_text(e.get("place")) or None, "operation": clean_text(e.get("operation")) or None,
            "situation": clean_prose(e.get("situation")) or "", "background": clean_prose(e.get("background")) or "",
            "assessment": clean_prose(e.get("assessment")) or "",
            "recommendation": clean_prose(e.get("recommendation")) or "",
            "grade4": int(GRADE4 in all_marks), "needs_bedside": int(bool(all_marks & BEDSIDE_MARKS)),
            "carried_from": clean_text(e.get("carried_from")) or None})
    if f:
        raise errors.ValidationError(f)
    out.sort(key=lambda r: entry_sort_key(r["category"], r["bed"]))
    for position, r in enumerate(out):
        r["position"] = position
    return out


def _report_row(session: Session, report_id: int):
    """The report's row (the action's scope has checked that the user may write it)."""
    row = repo.report_row(session.db, report_id)
    if row is None:
        raise errors.NotFound("该交接班记录不存在，可能已被删除。")
    return row


def _in_state(session: Session, report_id: int, status: str, message: str | None = None):
    """The report's row if it is in ``status``; a Conflict saying why not."""
    row = _report_row(session, report_id)
    if row["status"] != status:
        raise errors.Conflict(message if message and row["status"] != RECEIVED else _frozen_message(row))
    return row


def _moved_on(db, report_id: int) -> errors.UserError:
    """What to say when a report is no longer as it was read: signed or sent back meanwhile on
    another computer (nothing was written)."""
    now = repo.report_row(db, report_id)
    if now is None:
        return errors.NotFound("该交接班记录刚被删除，本次没有写入。")
    return errors.Conflict(f"{_title(now)}刚被他人处理过（现为“{now['status']}”），本次没有写入。请刷新后再看。")


def _still(db, row, *, allowed: tuple[str, ...]) -> None:
    """Inside the write transaction: the report is still in one of ``allowed`` (for what is written
    beside the report's row, e.g. a bedside record)."""
    if repo.status_of(db, row["id"]) not in allowed:
        raise _moved_on(db, row["id"])


def _change(session: Session, row, changes: dict, *, note: dict | None = None, by: Session | None = None) -> Report:
    """Write ``changes`` to the report read as ``row`` and audit them (as ``by``, else the user),
    provided it is still in the status it was read in — a signature or a change made meanwhile on
    another computer is never overwritten. Caller's transaction."""
    before = repo.report(session.db, row, with_entries=False)
    try:
        return records.change(by or session, REPORT, before, changes, expect={"status": row["status"]}, note=note)
    except errors.Conflict:
        raise _moved_on(session.db, row["id"]) from None


def _frozen_message(row) -> str:
    if row["status"] == RECEIVED:
        return f"{_title(row)}已接班（双方签名），内容已封存，不能修改；如需更正，请添加补记。"
    return f"{_title(row)}已交班，等待接班签名，不能修改；如需修改，请由接班者退回。"


@action(HANDOVER_WRITE, scope=writing(A_REPORT))
def save_draft(session: Session, report_id: int, values: dict) -> Report:
    """Autosave a draft: whatever was typed is kept (see the module docstring: not audited per save:
    the draft's state and signatures, all the audit log records of its row, do not change)."""
    db = session.db
    row = _in_state(session, report_id, DRAFT)
    changes: dict = {"updated_at": session.stamp()}  # stamped even when only the entries change
    if "census" in values:
        census = clean_census({**json.loads(row["census_json"]), **values["census"]})
        changes["census_json"] = json.dumps(census, ensure_ascii=False)
        changes["census_ok"] = int(not census_findings(census))
    if "items" in values:
        changes["items_json"] = json.dumps(list(values["items"]), ensure_ascii=False)
    if "notes" in values:
        changes["notes"] = clean_prose(values["notes"])
    entries = _clean_entries(values["entries"]) if "entries" in values else None
    with db.transaction():
        if entries is not None:  # first, so the report read back has them; a conflict below undoes them
            repo.replace_entries(db, report_id, entries)
        return _change(session, row, changes)


def report_findings(report: Report) -> list[Finding]:
    """Everything that blocks the outgoing signature (pure; the form may show it at any time)."""
    f = census_findings(report.census)
    for e in report.entries:
        where = f"{e.bed or '（未填床号）'}床 {e.category}"
        if not e.bed:
            f.append(E.finding("bed", f"{where}：请填写床号。"))
        if e.category in LEFT and not (e.event_time and e.place):
            f.append(E.finding("place", f"{where}：请填写离开的时间和去向。"))
        if e.category in ARRIVED and not e.place:
            f.append(E.finding("place", f"{where}：请填写来源（门诊、急诊或转出科室）。"))
        if GRADE4 in e.all_marks and not e.operation:
            f.append(E.finding("operation", f"{where}：请填写四级手术名称。"))
    for item in report.items:
        name, expected, count = item.get("name"), item.get("expected"), item.get("count")
        if expected is not None:
            n = parse_count(count)
            if n is None:
                f.append(F.finding("items", f"“{name}”请清点后填写数量。"))
            elif n != expected and not clean_text(item.get("note")):
                f.append(F.finding("items", f"“{name}”清点 {n}，基数 {expected}，数量不符，请在备注中说明。"))
        elif item.get("ok") is None:
            f.append(F.finding("items", f"“{name}”请勾选是否完好。"))
        elif not item.get("ok") and not clean_text(item.get("note")):
            f.append(F.finding("items", f"“{name}”不完好，请在备注中说明。"))
    return f


def _content_audit(report: Report) -> dict:
    census = "，".join(f"{k} {report.census.get(k)}" for k in CENSUS_FIELDS)
    entries = "；".join(f"{e.bed}床 {e.category}" + (f"（{'、'.join(e.marks)}）" if e.marks else "")
                        for e in report.entries)
    items = "；".join(f"{i.get('name')} {i.get('count') if i.get('expected') is not None else ('完好' if i.get('ok') else '不完好')}"
                     for i in report.items)
    return {"census": census, "entries": entries or "无", "items": items or "无", "notes": report.notes}


# ----------------------------------------------------------------------------- signatures


@action(HANDOVER_WRITE, scope=writing(A_REPORT))
def sign_outgoing(session: Session, report_id: int) -> Report:
    """草稿 → 已交班, signed by the logged-in nurse (doctor) of the ward."""
    db = session.db
    row = _in_state(session, report_id, DRAFT)
    why = _member(db, session.actor.staff_id, row["department_id"], row["kind"])
    if why:
        raise errors.PermissionDenied(why)
    report = get_report(session, report_id)
    findings = report_findings(report)
    if findings:
        raise errors.ValidationError(findings)
    name = repo.staff_name(db, session.actor.staff_id)
    with db.transaction():
        return _change(session, row, {"status": HANDED, "outgoing_user_id": session.actor.user_id,
                                      "outgoing_staff_id": session.actor.staff_id, "outgoing_name": name,
                                      "outgoing_at": session.stamp()}, note=_content_audit(report))


@action(HANDOVER_WRITE, scope=writing(A_REPORT))
def return_to_draft(session: Session, report_id: int, reason: str) -> Report:
    """The receiver refuses (七不接) before signing: back to 草稿, the outgoing signature is cleared."""
    db = session.db
    row = _in_state(session, report_id, HANDED, "这份记录还是草稿，不需要退回。")
    reason = clean_prose(reason)
    if not reason:
        raise errors.ValidationError(F.finding("reason", "请写明退回原因，例如“病人数不准”“物品数量不符”。"))
    with db.transaction():
        return _change(session, row, {"status": DRAFT, "outgoing_user_id": None, "outgoing_staff_id": None,
                                      "outgoing_name": None, "outgoing_at": None}, note={"reason": reason})


@action(HANDOVER_WRITE, scope=writing(A_REPORT))
def record_bedside(session: Session, report_id: int, entry_uid: str, at, evidence: str | None = None,
                   photo: Path | str | None = None) -> Report:
    """The bedside handover of one entry: time and evidence (a paper-record reference and/or a photo)."""
    from desktop_app.ledger.service import read_attachment_file

    db = session.db
    row = _report_row(session, report_id)
    if row["status"] == RECEIVED:
        raise errors.Conflict(_frozen_message(row))
    entry = next((e for e in repo.entries(db, report_id) if e.uid == entry_uid), None)
    if entry is None:
        raise errors.NotFound("该患者条目不存在，可能已被删除；请先保存草稿。")
    f: list[Finding] = []
    when = _stamp_or_none(at)
    if when is None:
        f.append(F.finding("bedside_at", "请填写床旁交接时间，例如 2026-11-23 08:10。"))
    evidence = clean_prose(evidence)
    if not evidence and photo is None:
        f.append(F.finding("evidence", "请填写床旁交接记录的出处（如“床旁交接记录单第 12 页”）或附上照片。"))
    if f:
        raise errors.ValidationError(f)
    attachment = read_attachment_file(photo) if photo is not None else None
    by = session.actor.display_name
    with db.transaction():
        _still(db, row, allowed=(DRAFT, HANDED))
        repo.set_bedside(db, report_id, entry_uid, when, evidence, by)
        if attachment:
            name, kind, content = attachment
            repo.add_attachment(db, report_id, entry_uid, name, kind, content, hashlib.sha256(content).hexdigest(),
                                by, session.stamp())
        records.event(session, REPORT, repo.report(db, row, with_entries=False),
                      before={"bedside": entry.bedside_at and f"{entry.bed}床 {entry.bedside_at}"},
                      after={"bedside": f"{entry.bed}床 {entry.category} {when} "
                                        + "；".join(x for x in (evidence, attachment and attachment[0]) if x)})
    return get_report(session, report_id)


def _stamp_or_none(value) -> str | None:
    if isinstance(value, dt.datetime):
        return stamp(value)
    text = clean_text(value).replace("T", " ").replace("/", "-")
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"):
        try:
            return stamp(dt.datetime.strptime(text, fmt))
        except ValueError:
            pass
    return None


@action(HANDOVER_WRITE, scope=writing(A_REPORT))
def sign_receive(session: Session, report_id: int, username: str, password: str) -> Report:
    """已交班 → 已接班: the receiver signs with her own account and password on the same PC."""
    from desktop_app.accounts.service import authenticate

    row = _ready_to_receive(session, report_id)
    receiver = authenticate(session.db, username, password, session.clock).actor  # a wrong password counts as a failed login
    return _receive(session, row, receiver)


def _ready_to_receive(session: Session, report_id: int):
    """The report's row when it awaits the receiver and no required bedside handover is missing
    (checked before the password, so a refusal here costs the receiver no failed login)."""
    row = _in_state(session, report_id, HANDED, "这份记录还没有交班签名，接班者不能签名。")
    missing = get_report(session, report_id).missing_bedside()
    if missing:
        beds = "、".join(f"{e.bed}床（{'、'.join(sorted(e.all_marks & BEDSIDE_MARKS))}）" for e in missing)
        raise errors.ValidationError(F.finding(
            "bedside", f"以下患者须床旁交接，尚未记录床旁交接：{beds}。请到床旁交接并记录后再接班签名。"))
    return row


def _receive(session: Session, row, receiver) -> Report:
    """The receiving signature of ``receiver`` (the account :func:`sign_receive` just authenticated by
    its password) on the report ``row`` from :func:`_ready_to_receive`."""
    db = session.db
    same_staff = receiver.staff_id and receiver.staff_id == row["outgoing_staff_id"]
    if receiver.user_id == row["outgoing_user_id"] or same_staff:
        raise errors.ValidationError("接班者不能与交班者是同一人，请由接班的护士（医师）本人输入账户和密码。",
                                     field="接班人")
    if not has_permission(receiver.role, HANDOVER_WRITE):
        raise errors.ValidationError(f"“{receiver.display_name}”的账户（{receiver.role_label}）不能签署交接班记录。",
                                     field="接班人")
    why = _member(db, receiver.staff_id, row["department_id"], row["kind"])
    if why:
        raise errors.ValidationError(why, field="接班人")
    name = repo.staff_name(db, receiver.staff_id)
    now = session.stamp()
    as_receiver = session.as_actor(receiver)
    report_id = row["id"]
    with db.transaction():
        _change(session, row, {"status": RECEIVED, "receiving_user_id": receiver.user_id,
                               "receiving_staff_id": receiver.staff_id, "receiving_name": name, "receiving_at": now},
                by=as_receiver)
    return get_report(session, report_id)


@action(HANDOVER_WRITE, scope=writing(A_REPORT))
def add_addendum(session: Session, report_id: int, text: str) -> Report:
    """A correction after both signatures: shown under the report with author and time."""
    db = session.db
    row = _in_state(session, report_id, RECEIVED,
                    "补记只用于已接班（双方签名）的记录；未接班的记录请直接修改草稿或由接班者退回。")
    text = clean_prose(text)
    if not text:
        raise errors.ValidationError(F.finding("addendum", "请填写补记内容。"))
    with db.transaction():
        repo.add_addendum(db, report_id, text, session.actor.display_name, session.actor.user_id, session.stamp())
        records.event(session, REPORT, repo.report(db, row, with_entries=False), after={"addendum": text})
    return get_report(session, report_id)


# ----------------------------------------------------------------------------- reading


def _masked(entry: Entry, visible: bool) -> Entry:
    if visible:
        return entry
    from dataclasses import replace

    return replace(entry, patient_name=mask_name(entry.patient_name))


@action(HANDOVER_VIEW, scope=viewing(A_REPORT))
def get_report(session: Session, report_id: int) -> Report:
    from dataclasses import replace

    row = repo.report_row(session.db, report_id)
    if row is None:
        raise errors.NotFound("该交接班记录不存在，可能已被删除。")
    report = repo.report(session.db, row)
    visible = names_visible(session, row["department_id"])
    if visible:
        return report
    return replace(report, entries=tuple(_masked(e, False) for e in report.entries), names_visible=False)


@action(HANDOVER_VIEW, scope=viewing(A_WARD))
def list_reports(session: Session, kind: str, first, last, *, department_id: int | None = None,
                 status: str | None = None, limit: int | None = None, offset: int = 0) -> list[ReportRow]:
    """History, newest first (LIMIT/OFFSET paging for ten years of reports)."""
    a, b = date_range(first, last)
    return repo.list_rows(session.db, kind=kind, departments=within(session, department_id), first=a, last=b,
                          status=status, limit=limit, offset=offset)


@action(HANDOVER_VIEW, scope=viewing(A_WARD))
def count_reports(session: Session, kind: str, first, last, *, department_id: int | None = None,
                  status: str | None = None) -> int:
    """How many reports ``list_reports`` would return without a limit (for paging the history)."""
    a, b = date_range(first, last)
    return repo.count_rows(session.db, kind=kind, departments=within(session, department_id), first=a, last=b,
                           status=status)


def _board_departments(session: Session, kind: str, department_id: int | None) -> list[tuple[int, str]]:
    allowed = within(session, department_id)
    return [(r["id"], r["name"]) for r in repo.departments_of_kind(session.db, _DEPT_KIND[kind])
            if allowed is None or r["id"] in allowed]


@action(HANDOVER_VIEW, scope=viewing(A_WARD))
def shift_board(session: Session, kind: str, first, last, department_id: int | None = None) -> list[ShiftSlot]:
    """Every shift of the handover days ``first``–``last`` of the wards this user sees (or one ward),
    each with its report or None — newest shift first. The ward's today view and the 工作台 read it."""
    a, b = date_range(first, last)
    db = session.db
    wards = _board_departments(session, kind, department_id)
    reports = repo.rows_by_slot(db, kind, [w for w, _ in wards], a, b)
    out: list[ShiftSlot] = []
    first_day, last_day = dt.date.fromisoformat(a), dt.date.fromisoformat(b)
    for ward, name in wards:
        shifts = _template(db, ward, kind).shifts
        day = first_day
        while day <= last_day:
            for sh in shifts:
                start, end = sh.interval(day)
                out.append(ShiftSlot(ward, name, kind, day.isoformat(), sh, start, end,
                                     reports.get((ward, day.isoformat(), sh.order))))
            day += dt.timedelta(days=1)
    out.sort(key=lambda s: (s.starts_at, s.department_id), reverse=True)
    return out


@action(HANDOVER_VIEW, scope=viewing(A_WARD))
def open_reports(session: Session, kind: str = NURSE, department_id: int | None = None) -> list[ReportRow]:
    """Reports not yet received (草稿 and 已交班) of the wards this user sees, oldest first."""
    return repo.waiting_rows(session.db, kind, within(session, department_id))


@action(HANDOVER_VIEW, scope=VIEWING)
def missing_reports(session: Session, kind: str = NURSE, days: int = 2) -> list[ShiftSlot]:
    """Shifts of the last ``days`` handover days that ended more than the signing grace ago and
    have no report at all (未书写), newest first."""
    now = session.now()
    grace = dt.timedelta(minutes=int(get_setting(session.db, "handover.sign_within_minutes")))
    first = now.date() - dt.timedelta(days=days)
    return [s for s in shift_board(session, kind, first, now.date())
            if s.report is None and s.ends_at + grace <= now]


# ----------------------------------------------------------------------------- figures


def _shifts_ended(shifts: tuple[Shift, ...], first: dt.date, last: dt.date, now: dt.datetime) -> int:
    """How many shift instances of the period had ended by ``now`` (reports that should exist)."""
    if not shifts or last < first:
        return 0
    full_until = min(last, now.date() - dt.timedelta(days=2))  # every shift of these days has ended
    count = max(0, (full_until - first).days + 1) * len(shifts)
    day = max(first, full_until + dt.timedelta(days=1))
    while day <= last and day <= now.date():
        count += sum(1 for s in shifts if s.interval(day)[1] <= now)
        day += dt.timedelta(days=1)
    return count


@action(HANDOVER_VIEW, scope=viewing(A_WARD))
def figures(session: Session, first, last, kind: str = NURSE, department_id: int | None = None) -> list[WardFigures]:
    """Per ward: expected (shifts of the period ended by now) vs written, signed on time, census errors,
    the bedside ratio; a total row last."""
    db = session.db
    a, b = date_range(first, last)
    depts = within(session, department_id)
    grace = int(get_setting(db, "handover.sign_within_minutes"))
    counts = repo.report_counts(db, kind, a, b, grace)
    grade4 = repo.grade4_counts(db, kind, a, b)
    now = session.now()
    first_day, last_day = dt.date.fromisoformat(a), dt.date.fromisoformat(b)
    wards = repo.departments(db)
    out = []
    for w in wards:
        if depts is not None and w["id"] not in depts:
            continue
        configured = repo.template_row(db, w["id"], kind) is not None
        if not (w["id"] in counts or (w["kind"] == _DEPT_KIND[kind] and w["active"] and (kind == NURSE or configured))):
            continue
        shifts = _template(db, w["id"], kind).shifts if w["kind"] == _DEPT_KIND[kind] else ()
        written, received, on_time, errors_ = counts.get(w["id"], (0, 0, 0, 0))
        g, gb = grade4.get(w["id"], (0, 0))
        out.append(WardFigures(w["id"], w["name"], _shifts_ended(shifts, first_day, last_day, now), written, received or 0, on_time or 0,
                               errors_ or 0, g, gb))
    total = WardFigures(None, "合计", *(sum(getattr(x, k) for x in out) for k in (
        "expected", "written", "received", "on_time", "census_errors", "grade4", "grade4_bedside")))
    return [*out, total]


__all__ = ["CENSUS_FIELDS", "census_findings", "expected_current", "mask_name", "report_findings"]
