"""问题台账: registering problems and the rectification loop (书面交办、立账督办、对账销号).

Life cycle: 待整改 → 整改中 (the department fills cause analysis and measures) → 已整改待复查
(progress and evidence) → 已销号 (a quality administrator's re-check passes: opinion, re-checker
and date). A failed re-check returns the item to 整改中 with the reason; a closed item can be
reopened with a reason. Every step is one transaction with a timeline event and an audit row.
Department heads see and work on their own department's items only.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from desktop_app import errors, records
from desktop_app.accounts.permissions import action
from desktop_app.accounts.scope import department, on
from desktop_app.errors import Finding
from desktop_app.ledger import repo
from desktop_app.ledger.manifest import LEDGER_MANAGE, LEDGER_RECTIFY, LEDGER_REGISTER, LEDGER_VERIFY, LEDGER_VIEW
from desktop_app.ledger.models import (
    AUDITED_FIELDS,
    AWAITING_RECHECK,
    CLOSED,
    EV_ATTACHED,
    EV_DETACHED,
    EV_EDITED,
    EV_FAILED,
    EV_PASSED,
    EV_REGISTERED,
    EV_REOPENED,
    EV_STARTED,
    EV_SUBMITTED,
    EV_UPDATED_RECTIFICATION,
    IN_PROGRESS,
    LEDGER_FIELDS,
    PENDING,
    SEVERITIES,
    SOURCES,
    Attachment,
    LedgerEvent,
    LedgerFilter,
    LedgerItem,
    LedgerRow,
)
from desktop_app.people import repo as people_repo
from desktop_app.people.repo import department_subtree
from desktop_app.session import Session
from desktop_app.settings import get_setting
from desktop_app.textnorm import clean_prose, clean_text, parse_date

F = LEDGER_FIELDS

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
ATTACHMENT_KINDS = {
    ".jpg": "图片", ".jpeg": "图片", ".png": "图片", ".gif": "图片", ".bmp": "图片", ".webp": "图片",
    ".pdf": "PDF", ".doc": "文档", ".docx": "文档", ".xls": "表格", ".xlsx": "表格", ".wps": "文档",
    ".et": "表格", ".txt": "文本", ".ofd": "文档",
}
_MAGIC = {
    "图片": (b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"BM", b"RIFF"),
    "PDF": (b"%PDF",),
}


# ----------------------------------------------------------------------------- scope
# 科室负责人 see and work on their own department's items (and the wards under it).


def _department_in_values(db, values: dict) -> int | None:
    """The department a form's values name, by id or (an import, the command line) by name."""
    if values.get("department_id") is not None:
        return values["department_id"]
    name = clean_text(values.get("department"))
    return people_repo.department_id_named(db, name) if name else None


ALL_ITEMS = department(what="问题")


def _item_scope(doing: str):
    return department(on("item_id", repo.department_of_item), doing=doing, what="问题")


def _due_soon_days(db) -> int:
    return int(get_setting(db, "ledger.due_soon_days"))


# ----------------------------------------------------------------------------- reading


def departments_for(session: Session, flt: LedgerFilter) -> set[int] | None:
    """The departments a list for ``flt`` covers: the chosen one with its wards, within the user's reach."""
    departments = None if session.reach is None else set(session.reach)
    if flt.department_id is not None:
        chosen = department_subtree(session.db, flt.department_id)
        departments = chosen if departments is None else departments & chosen
    return departments


@action(LEDGER_VIEW, scope=ALL_ITEMS)
def reachable_departments(session: Session) -> frozenset[int] | None:
    """The departments the user's ledger work reaches (None: every one) — for the pages' pickers."""
    return session.reach


@action(LEDGER_VIEW, scope=ALL_ITEMS)
def list_items(session: Session, flt: LedgerFilter = LedgerFilter(), *, limit: int | None = None,
               offset: int = 0) -> list[LedgerRow]:
    """Newest first; ``limit``/``offset`` page through a long ledger."""
    return repo.search(session.db, flt, session.today(), departments_for(session, flt), _due_soon_days(session.db),
                       limit, offset)


@action(LEDGER_VIEW, scope=ALL_ITEMS)
def count_items(session: Session, flt: LedgerFilter = LedgerFilter()) -> int:
    return repo.count(session.db, flt, session.today(), departments_for(session, flt), _due_soon_days(session.db))


@action(LEDGER_VIEW, scope=_item_scope("查看"))
def get_item(session: Session, item_id: int) -> LedgerItem:
    item = repo.get(session.db, item_id, session.today(), _due_soon_days(session.db))
    if item is None:
        raise errors.NotFound(f"问题（编号 {item_id}）不存在，可能已被删除。")
    return item


@action(LEDGER_VIEW, scope=_item_scope("查看"))
def timeline(session: Session, item_id: int) -> list[LedgerEvent]:
    get_item(session, item_id)
    return repo.events(session.db, item_id)


@action(LEDGER_VIEW, scope=_item_scope("查看"))
def list_attachments(session: Session, item_id: int) -> list[Attachment]:
    get_item(session, item_id)
    return repo.attachments(session.db, item_id)


@action(LEDGER_VIEW, scope=department(on("attachment_id", repo.department_of_attachment), doing="查看", what="问题"))
def attachment_content(session: Session, attachment_id: int) -> tuple[str, bytes]:
    row = repo.attachment_file(session.db, attachment_id)
    if row is None:
        raise errors.NotFound("该附件不存在，可能已被删除。")
    content = bytes(row["content"])
    if hashlib.sha256(content).hexdigest() != row["sha256"]:
        raise errors.DatabaseDamaged(f"附件“{row['file_name']}”的内容与登记时的校验值不符，请从备份恢复。")
    return row["file_name"], content


# ----------------------------------------------------------------------------- validation


def _date(values: dict, key: str, findings: list[Finding], *, required: bool) -> str | None:
    try:
        value = parse_date(values.get(key))
    except (ValueError, TypeError):
        findings.append(F.finding(key, "日期无法识别，请写成 2026-03-05 或 2026年3月5日。"))
        return None
    if value is None and required:
        findings.append(F.finding(key, f"请填写{F.label(key)}。"))
    return value.isoformat() if value else None


def validate_registration(session: Session, values: dict) -> tuple[dict, list[Finding]]:
    """The fields of a problem as registered (not the rectification fields)."""
    db = session.db
    f: list[Finding] = []
    c: dict = {}
    c["found_on"] = _date(values, "found_on", f, required=True)
    if c["found_on"] and c["found_on"] > session.today().isoformat():
        f.append(F.finding("found_on", "发现日期不能晚于今天。"))
    c["deadline"] = _date(values, "deadline", f, required=True)
    if c["found_on"] and c["deadline"] and c["deadline"] < c["found_on"]:
        f.append(F.finding("deadline", "整改时限不能早于发现日期。"))
    c["source"] = clean_text(values.get("source"))
    if c["source"] not in SOURCES:
        f.append(F.finding("source", "来源须为：" + "、".join(SOURCES) + "。"))
    c["category"] = clean_text(values.get("category"))
    if not c["category"]:
        f.append(F.finding("category", "请选择问题类别（检查表类别或核心制度）。"))
    c["check_point"] = clean_prose(values.get("check_point"))
    c["description"] = clean_prose(values.get("description")) or ""
    if not c["description"]:
        f.append(F.finding("description", "请填写问题描述。"))
    elif len(c["description"]) > 2000:
        f.append(F.finding("description", "问题描述不能超过 2000 字。"))
    dept = _department_in_values(db, values)
    if dept is None:
        name = clean_text(values.get("department"))
        f.append(F.finding("department_id", f"科室“{name}”不存在。" if name else "请选择责任科室。"))
    elif not people_repo.department_exists(db, dept):
        f.append(F.finding("department_id", "所选责任科室不存在。"))
    c["department_id"] = dept
    c["severity"] = clean_text(values.get("severity")) or "一般"
    if c["severity"] not in SEVERITIES:
        f.append(F.finding("severity", "严重程度须为：一般、较重、严重。"))
    try:
        c["deduction"] = float(values.get("deduction") or 0)
        if not 0 <= c["deduction"] <= 100:  # written so that NaN is refused too
            raise ValueError
    except (TypeError, ValueError, OverflowError):
        f.append(F.finding("deduction", "扣分须为 0–100 之间的数字。"))
        c["deduction"] = 0.0
    c["responsible_person"] = clean_text(values.get("responsible_person")) or None
    c["remarks"] = clean_prose(values.get("remarks"))
    c["inspection_id"] = values.get("inspection_id")
    c["checklist_item_id"] = values.get("checklist_item_id")
    return c, f


def check_registration(session: Session, values: dict) -> list[Finding]:
    """Validation only, for live messages in the form."""
    return validate_registration(session, values)[1]


def _audit_values(item: LedgerItem) -> dict:
    shown = {"department_id": item.department_name, "inspection_id": item.inspection_label}
    return {k: shown.get(k, getattr(item, k)) for k in AUDITED_FIELDS}


LEDGER_ITEM = records.Entity(
    "ledger_item", "问题台账", "ledger_items",
    read=lambda session, item_id: repo.get(session.db, item_id, session.today(), _due_soon_days(session.db)),
    audit_values=_audit_values, describe=LedgerItem.label, field_labels=F.labels())


def _step(session: Session, before: LedgerItem, changes: dict, event: str, note: str | None) -> LedgerItem:
    """Write ``changes``, the timeline event and the audit row (caller holds the transaction).

    ``before`` was read before the transaction began: if another computer moved the item on meanwhile,
    nothing is written (two re-checks at once must not both count, the second from a stale status)."""
    db = session.db
    current = repo.status_of(db, before.id)
    conflict = (f"问题 {before.number} 刚被他人处理过（现为“{current or '已删除'}”），本次没有写入。"
                "请刷新后再看是否还需要这样做。")
    after = records.change(session, LEDGER_ITEM, before, changes, expect={"status": before.status},
                           conflict=conflict, note={"event": event}, always_audit=True)
    repo.add_event(db, before.id, session.stamp(), session.actor.display_name, event, before.status, after.status, note)
    return after


# ----------------------------------------------------------------------------- registering


def insert_item(session: Session, clean: dict, *, status: str = PENDING, note: str | None = None) -> LedgerItem:
    """Insert validated values with a new number, its 登记 event and audit row (caller's transaction)."""
    db = session.db
    number = repo.next_number(db, int(clean["found_on"][:4]))
    item = records.create(session, LEDGER_ITEM, {**clean, "number": number, "status": status})
    repo.add_event(db, item.id, session.stamp(), session.actor.display_name, EV_REGISTERED, None, item.status, note)
    return item


@action(LEDGER_REGISTER, scope=department(on("values", _department_in_values), doing="登记", what="问题"))
def register_item(session: Session, values: dict) -> LedgerItem:
    """Enter a problem directly (a complaint, an adverse event, a letter from an inspection)."""
    clean, findings = validate_registration(session, values)
    if findings:
        raise errors.ValidationError(findings)
    with session.db.transaction():
        return insert_item(session, clean)


def default_deadline(session: Session, found_on: dt.date) -> dt.date:
    return found_on + dt.timedelta(days=int(get_setting(session.db, "ledger.default_deadline_days")))


@action(LEDGER_MANAGE, scope=department(on("item_id", repo.department_of_item), on("values", _department_in_values),
                                       doing="修改", what="问题"))
def update_registration(session: Session, item_id: int, values: dict) -> LedgerItem:
    """Correct what was registered (description, department, deadline …); not for closed items."""
    before = get_item(session, item_id)
    if before.status == CLOSED:
        raise errors.Conflict("已销号的问题不能修改；如需更正，请先“重新打开”。")
    merged = {k: getattr(before, k) for k in ("found_on", "deadline", "source", "category", "check_point",
                                              "description", "department_id", "severity", "deduction",
                                              "responsible_person", "remarks", "inspection_id",
                                              "checklist_item_id")}
    merged.update(values)
    clean, findings = validate_registration(session, merged)
    if findings:
        raise errors.ValidationError(findings)
    with session.db.transaction():
        changed = {k: v for k, v in clean.items() if getattr(before, k, None) != v}
        if not changed:
            return before
        return _step(session, before, changed, EV_EDITED, "、".join(F.label(k) for k in changed))


@action(LEDGER_MANAGE, scope=_item_scope("删除"))
def delete_item(session: Session, item_id: int) -> None:
    """Only for problems registered by mistake that nobody has started to rectify."""
    item = get_item(session, item_id)
    if item.status != PENDING:
        raise errors.Conflict(f"问题 {item.number} 已进入整改流程（{item.status}），不能删除；如登记有误，请在备注中说明。")
    with session.db.transaction():
        records.remove(session, LEDGER_ITEM, item)


# ----------------------------------------------------------------------------- the rectification loop


def _need(values: dict, key: str, findings: list[Finding], message: str) -> str | None:
    text = clean_prose(values.get(key))
    if not text:
        findings.append(F.finding(key, message))
    return text


@action(LEDGER_RECTIFY, scope=_item_scope("整改"))
def save_rectification(session: Session, item_id: int, values: dict) -> LedgerItem:
    """The department's answer: 原因分析, 整改措施, 责任人 (and 整改情况 so far).

    On a 待整改 item this starts the rectification (→ 整改中); on an item already 整改中 it
    updates the answer. Items awaiting re-check or closed cannot be changed here.
    """
    before = get_item(session, item_id)
    if before.status not in (PENDING, IN_PROGRESS):
        raise errors.Conflict(f"问题 {before.number} 当前为“{before.status}”，不能再修改整改内容。")
    findings: list[Finding] = []
    changes = {
        "cause_analysis": _need(values, "cause_analysis", findings, "请填写原因分析。"),
        "measures": _need(values, "measures", findings, "请填写整改措施。"),
        "responsible_person": clean_text(values.get("responsible_person")) or None,
    }
    if not changes["responsible_person"]:
        findings.append(F.finding("responsible_person", "请填写整改责任人。"))
    if "progress" in values:
        changes["progress"] = clean_prose(values.get("progress"))
    if findings:
        raise errors.ValidationError(findings)
    with session.db.transaction():
        if before.status == PENDING:
            return _step(session, before, {**changes, "status": IN_PROGRESS}, EV_STARTED, None)
        changed = {k: v for k, v in changes.items() if getattr(before, k) != v}
        return _step(session, before, changed, EV_UPDATED_RECTIFICATION, None) if changed else before


@action(LEDGER_RECTIFY, scope=_item_scope("整改"))
def submit_for_recheck(session: Session, item_id: int, values: dict) -> LedgerItem:
    """整改中 → 已整改待复查: the progress and its evidence (text, or at least one attachment)."""
    before = get_item(session, item_id)
    if before.status != IN_PROGRESS:
        raise errors.Conflict(f"只有“整改中”的问题才能提交复查（问题 {before.number} 当前为“{before.status}”）。")
    findings: list[Finding] = []
    progress = clean_prose(values.get("progress")) or before.progress
    if not progress:
        findings.append(F.finding("progress", "请填写整改情况（做了什么、佐证材料是什么）。"))
    rectified_on = _date(values, "rectified_on", findings, required=False) or session.today().isoformat()
    if rectified_on > session.today().isoformat():
        findings.append(F.finding("rectified_on", "完成整改日期不能晚于今天。"))
    if rectified_on < before.found_on:
        findings.append(F.finding("rectified_on", "完成整改日期不能早于发现日期。"))
    if findings:
        raise errors.ValidationError(findings)
    with session.db.transaction():
        return _step(session, before, {"progress": progress, "rectified_on": rectified_on,
                                       "status": AWAITING_RECHECK}, EV_SUBMITTED, None)


@action(LEDGER_VERIFY, scope=_item_scope("复查"))
def recheck(session: Session, item_id: int, values: dict, *, passed: bool) -> LedgerItem:
    """The quality administrator's re-check: passed → 已销号; failed → back to 整改中 with the reason."""
    before = get_item(session, item_id)
    if before.status != AWAITING_RECHECK:
        raise errors.Conflict(f"只有“已整改待复查”的问题才能复查（问题 {before.number} 当前为“{before.status}”）。")
    findings: list[Finding] = []
    opinion = _need(values, "recheck_opinion", findings,
                    "请填写复查意见。" if passed else "请写明复查不通过的原因，科室将据此继续整改。")
    rechecker = clean_text(values.get("rechecker")) or None
    if not rechecker:
        findings.append(F.finding("rechecker", "请填写复查人。"))
    recheck_on = _date(values, "recheck_on", findings, required=True)
    if recheck_on and recheck_on > session.today().isoformat():
        findings.append(F.finding("recheck_on", "复查日期不能晚于今天。"))
    if recheck_on and recheck_on < (before.rectified_on or before.found_on):
        findings.append(F.finding("recheck_on", "复查日期不能早于科室完成整改的日期。"))
    if findings:
        raise errors.ValidationError(findings)
    changes = {"rechecker": rechecker, "recheck_on": recheck_on, "recheck_opinion": opinion}
    with session.db.transaction():
        if passed:
            changes |= {"status": CLOSED, "closed_on": recheck_on, "closed_by": session.actor.display_name}
            return _step(session, before, changes, EV_PASSED, opinion)
        changes |= {"status": IN_PROGRESS, "rectified_on": None}
        return _step(session, before, changes, EV_FAILED, opinion)


@action(LEDGER_VERIFY, scope=_item_scope("重新打开"))
def reopen(session: Session, item_id: int, reason: str, *, deadline: str | dt.date | None = None) -> LedgerItem:
    """已销号 → 整改中 with the reason. The earlier re-check stays in the timeline; a new 整改时限
    may be set (otherwise the old one stands, and the item is usually overdue at once)."""
    before = get_item(session, item_id)
    if before.status != CLOSED:
        raise errors.Conflict(f"只有已销号的问题才需要重新打开（问题 {before.number} 当前为“{before.status}”）。")
    findings: list[Finding] = []
    reason = clean_prose(reason)
    if not reason:
        findings.append(Finding("请写明重新打开的原因。", field="reason", label="原因"))
    new_deadline = _date({"deadline": deadline}, "deadline", findings, required=False)
    if new_deadline and new_deadline < session.today().isoformat():
        findings.append(F.finding("deadline", "新的整改时限不能早于今天。"))
    if findings:
        raise errors.ValidationError(findings)
    changes = {"status": IN_PROGRESS, "closed_on": None, "closed_by": None, "rectified_on": None,
               "rechecker": None, "recheck_on": None, "recheck_opinion": None}
    if new_deadline:
        changes["deadline"] = new_deadline
    with session.db.transaction():
        return _step(session, before, changes, EV_REOPENED, reason)


# ----------------------------------------------------------------------------- attachments


def read_attachment_file(path: Path | str) -> tuple[str, str, bytes]:
    """(file name, kind, content) of a file the user picked, or a clear error saying what is wrong."""
    path = Path(path)

    def refuse(message: str) -> errors.ValidationError:
        return errors.ValidationError(F.finding("attachment", message))

    kind = ATTACHMENT_KINDS.get(path.suffix.lower())
    if kind is None:
        raise refuse(f"“{path.name}”不是可作为附件的文件类型。可以添加：图片（jpg、png）、PDF、Word/WPS 文档、Excel 表格、文本。")
    try:
        size = path.stat().st_size
        if size == 0:
            raise refuse(f"“{path.name}”是空文件，请选择拍摄或扫描好的文件。")
        if size > MAX_ATTACHMENT_BYTES:
            raise refuse(f"“{path.name}”有 {size / 1024 / 1024:.1f} MB，超过 {MAX_ATTACHMENT_BYTES // 1024 // 1024} MB。"
                         "请压缩图片或分成几个文件。")
        content = path.read_bytes()
    except errors.ValidationError:
        raise
    except OSError as exc:
        raise refuse(f"无法读取“{path.name}”（{exc.strerror or exc}）。请确认文件存在且没有被其他程序占用。") from exc
    magic = _MAGIC.get(kind)
    if magic and not content.startswith(magic):
        raise refuse(f"“{path.name}”的内容不是有效的{kind}文件（可能已损坏或扩展名不对）。")
    return path.name, kind, content


@action(LEDGER_RECTIFY, scope=_item_scope("整改"))
def add_attachment(session: Session, item_id: int, path: Path | str, note: str | None = None) -> Attachment:
    item = get_item(session, item_id)
    if item.status == CLOSED:
        raise errors.Conflict("已销号的问题不能再添加附件；如需补充，请先重新打开。")
    name, kind, content = read_attachment_file(path)
    digest = hashlib.sha256(content).hexdigest()
    db = session.db
    with db.transaction():
        new_id = repo.add_attachment(db, item_id, name, kind, content, digest, clean_prose(note),
                                     session.actor.display_name, session.stamp())
        repo.add_event(db, item_id, session.stamp(), session.actor.display_name, EV_ATTACHED, item.status,
                       item.status, name)
        records.event(session, LEDGER_ITEM, item,
                      after={"attachment": f"{name}（{len(content)} 字节，sha256 {digest[:12]}…）"})
    return next(a for a in repo.attachments(db, item_id) if a.id == new_id)


@action(LEDGER_RECTIFY, scope=department(on("attachment_id", repo.department_of_attachment), doing="整改", what="问题"))
def remove_attachment(session: Session, attachment_id: int) -> None:
    db = session.db
    row = repo.attachment_file(db, attachment_id)
    if row is None:
        raise errors.NotFound("该附件不存在，可能已被删除。")
    item = get_item(session, row["item_id"])
    if item.status in (AWAITING_RECHECK, CLOSED):
        raise errors.Conflict("已提交复查或已销号的问题，其佐证材料不能删除。")
    with db.transaction():
        repo.remove_attachment(db, attachment_id)
        repo.add_event(db, item.id, session.stamp(), session.actor.display_name, EV_DETACHED, item.status,
                       item.status, row["file_name"])
        records.event(session, LEDGER_ITEM, item, before={"attachment": row["file_name"]}, after={"attachment": None})
