"""半年/全年报送: drafts, the snapshot, finalising with a verification code, amendments, verifying files.

API (every function takes the :class:`~desktop_app.session.Session` first):

* ``next_deadline()`` — the period whose deadline comes next (上半年 by ``submission.half_year_due``,
  全年 by ``submission.year_due`` of the next year), its due date, days left and its submission.
* ``create_submission(kind, year, first=None, last=None)`` — a 草稿 for 上半年/全年 of ``year`` or a
  custom period; one draft per period (a finalised one is amended instead).
* ``save_submission(id, values)`` — ``narrative`` (工作开展情况, 主要做法与亮点, 存在问题, 下一步计划),
  ``indicators`` (code → numerator, denominator, note, not_applicable; only indicators not computed
  from the records), ``signers`` (填报人, 联系电话, 审核人, 单位负责人). Drafts only; audited.
* ``snapshot(id)`` — what the submission says: a draft's figures gathered now from the records, a
  finalised one's as frozen. ``submission_findings(snapshot)`` (pure) — what blocks finalising.
* ``finalize(id)`` — 院领导 (and the administrator) only: the snapshot is frozen, a verification
  code derived from its content (SHA-256) is stamped on every page of the PDF and XLSX made from
  it, and both files are kept in the database, so the archive reprints byte for byte.
* ``amend(id, reason)`` — a new version (草稿) of a finalised submission, with the reason; when it
  is finalised the earlier version is marked 已被新版本替代. Every version is kept.
* ``stored_file(id, kind)``; ``verify_file(path)`` / ``verify_code(code)`` — does a file (or a code
  read off a printed copy) match a finalised submission?
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import tempfile
from pathlib import Path

from desktop_app import errors, records
from desktop_app.accounts.permissions import action
from desktop_app.accounts.scope import HOSPITAL
from desktop_app.errors import Finding
from desktop_app.hospital.service import get_profile
from desktop_app.session import Session
from desktop_app.settings import get_setting
from desktop_app.submissions import gather as gathering
from desktop_app.submissions import repo
from desktop_app.submissions.indicators import indicator_set
from desktop_app.submissions.manifest import SUBMISSION_EDIT, SUBMISSION_FINALIZE, SUBMISSION_VIEW
from desktop_app.submissions.models import (
    CUSTOM,
    DRAFT,
    FINAL,
    FULL_YEAR,
    HALF_YEAR,
    NARRATIVE,
    NARRATIVE_KEYS,
    PERIOD_KINDS,
    SIGNER_KEYS,
    SIGNERS,
    SUBMISSION_FIELDS,
    Submission,
    VerifyResult,
    default_title,
    due_date,
    period_label,
    period_range,
)
from desktop_app.textnorm import clean_prose, clean_text, parse_date

F = SUBMISSION_FIELDS

# The submission is the hospital's: the quality office drafts it, 院领导 finalise it, and those who may
# look at it see every one (科室负责人 and clinicians hold no submission right). No action reaches by
# department.


def _audit(s: Submission) -> dict:
    filled = [k for k in NARRATIVE if s.narrative.get(k)]
    return {"title": s.title, "period": period_label(s.first_day, s.last_day), "version": s.version,
            "status": s.status,
            "narrative": "、".join(f"{k} {len(s.narrative[k])} 字" for k in filled) or None,
            "indicators": "；".join(f"{k} {v.get('numerator')}/{v.get('denominator')}" + ("（不适用）" if
                                    v.get("not_applicable") else "") for k, v in sorted(s.indicators.items())) or None,
            "signers": "、".join(f"{k} {v}" for k, v in s.signers.items() if v) or None,
            "verification_code": s.verification_code}


SUBMISSION = records.Entity(
    "submission", "报送", "submissions", read=lambda session, i: repo.submission(session.db, i), audit_values=_audit,
    describe=lambda s: s.title,
    field_labels=F.labels(("title", "period", "version", "status", "narrative", "indicators", "signers",
                           "verification_code", "content_sha256", "reason")))

FORMAT = 1
CODE_RE = re.compile(r"QL-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}")


def _require(db, submission_id: int) -> Submission:
    found = repo.submission(db, submission_id)
    if found is None:
        raise errors.NotFound("该报送不存在。")
    return found


def _require_draft(db, submission_id: int) -> Submission:
    found = _require(db, submission_id)
    if found.final:
        raise errors.Conflict(f"“{found.title}”第 {found.version} 版已定稿，内容已冻结；如需修改，请“修订”生成新版本。")
    return found


def _finalised_meanwhile(s: Submission) -> str:
    return f"“{s.title}”第 {s.version} 版刚被他人定稿，内容已冻结，本次没有写入；如需修改，请“修订”生成新版本。"


# ----------------------------------------------------------------------------- periods and deadlines


def deadline(db, kind: str, year: int) -> dt.date:
    key = "submission.half_year_due" if kind == HALF_YEAR else "submission.year_due"
    return due_date(kind, year, int(get_setting(db, key)))


@action(SUBMISSION_VIEW, scope=HOSPITAL)
def next_deadline(session: Session) -> dict:
    """The next deadline not yet passed: {"kind", "year", "first", "last", "due", "days_left", "submission"}."""
    today = session.today()
    options = []
    for year in (today.year - 1, today.year):
        for kind in (HALF_YEAR, FULL_YEAR):
            due = deadline(session.db, kind, year)
            first, last = period_range(kind, year)
            if due >= today and last < due:
                options.append((due, kind, year, first, last))
    due, kind, year, first, last = min(options)
    versions = repo.for_period(session.db, first.isoformat(), last.isoformat())
    return {"kind": kind, "year": year, "first": first.isoformat(), "last": last.isoformat(), "due": due.isoformat(),
            "days_left": (due - today).days, "submission": versions[-1] if versions else None}


# ----------------------------------------------------------------------------- drafts


@action(SUBMISSION_EDIT, scope=HOSPITAL)
def create_submission(session: Session, kind: str, year: int | None = None, first=None, last=None) -> Submission:
    db = session.db
    if kind not in PERIOD_KINDS:
        raise errors.ValidationError(F.finding("period", "期间须为上半年、全年或自定义。"))
    if kind == CUSTOM:
        try:
            a, b = parse_date(first), parse_date(last)
        except ValueError:
            raise errors.ValidationError(F.finding("period", "日期格式无法识别，请写成 2026-03-05。")) from None
        if a is None or b is None or b < a:
            raise errors.ValidationError(F.finding("period", "请填写正确的起止日期（结束不早于开始）。"))
    else:
        try:
            a, b = period_range(kind, int(year))
        except (TypeError, ValueError, OverflowError):
            raise errors.ValidationError(F.finding("year", "请填写年份。")) from None
    if a > session.today():
        raise errors.ValidationError(F.finding("period", f"期间从 {a} 开始，尚未到来，不能报送。"))
    versions = repo.for_period(db, a.isoformat(), b.isoformat())
    if versions:
        latest = versions[-1]
        what = "草稿，请继续编辑" if not latest.final else "已定稿；如需修改请“修订”"
        raise errors.Conflict(f"该期间已有报送（第 {latest.version} 版，{what}）。")
    title = default_title(kind, a.isoformat(), b.isoformat())
    with db.transaction():
        return records.create(session, SUBMISSION, {
            "period_kind": kind, "first_day": a.isoformat(), "last_day": b.isoformat(), "title": title,
            "created_by": session.actor.display_name})


def _clean_number(value, label: str, item, f: list[Finding]) -> float | None:
    """An indicator's numerator or denominator (``label``); its findings name the indicator (code and name)."""
    if value in (None, ""):
        return None
    try:
        number = float(clean_text(value))
    except ValueError:
        f.append(Finding(f"“{item.name}”的{label}“{value}”不是数字。", field=item.code, label=item.name))
        return None
    if number < 0:
        f.append(Finding(f"“{item.name}”的{label}不能为负数。", field=item.code, label=item.name))
    return number


@action(SUBMISSION_EDIT, scope=HOSPITAL)
def save_submission(session: Session, submission_id: int, values: dict) -> Submission:
    db = session.db
    before = _require_draft(db, submission_id)
    _year, _name, items = indicator_set(db, int(before.first_day[:4]))
    manual = {i.code: i for i in items if not i.computed_from}
    f: list[Finding] = []
    changes: dict = {}
    if "narrative" in values:
        narrative = {k: clean_prose(values["narrative"].get(k)) or "" for k in NARRATIVE}
        changes["narrative_json"] = json.dumps(narrative, ensure_ascii=False)
    if "signers" in values:
        signers = {k: clean_text(values["signers"].get(k)) for k in SIGNERS}
        changes["signers_json"] = json.dumps(signers, ensure_ascii=False)
    if "indicators" in values:
        entries = {}
        for code, entry in values["indicators"].items():
            item = manual.get(code)
            if item is None:
                continue  # computed from the records, or not in this year's set
            entries[code] = {"numerator": _clean_number(entry.get("numerator"), "分子", item, f),
                             "denominator": _clean_number(entry.get("denominator"), "分母", item, f),
                             "note": clean_prose(entry.get("note")) or "", "not_applicable": bool(entry.get("not_applicable"))}
        changes["indicators_json"] = json.dumps(entries, ensure_ascii=False)
    if f:
        raise errors.ValidationError(f)
    if not changes:
        return before
    with db.transaction():  # not if it was finalised meanwhile on another computer
        return records.change(session, SUBMISSION, before, changes, expect={"status": DRAFT},
                              conflict=_finalised_meanwhile(before))


# ----------------------------------------------------------------------------- the snapshot


def _indicator_rows(db, s: Submission, computed: dict) -> dict:
    year, name, items = indicator_set(db, int(s.first_day[:4]))
    rows = []
    for i in items:
        if i.computed_from:
            values = computed.get(i.computed_from) or {"numerator": 0, "denominator": 0}
            entry = {"numerator": values["numerator"], "denominator": values["denominator"], "note": "",
                     "not_applicable": False}
            source = "系统统计"
        else:
            entry = s.indicators.get(i.code) or {}
            source = "填报"
        num, den = entry.get("numerator"), entry.get("denominator")
        rate = None if entry.get("not_applicable") or num is None or not den else i.rate(num, den)
        met = i.meets(rate)
        rows.append({"code": i.code, "name": i.name, "definition": i.definition, "numerator_label": i.numerator_label,
                     "denominator_label": i.denominator_label, "computed": bool(i.computed_from),
                     "numerator": "" if num is None else f"{num:g}", "denominator": "" if den is None else f"{den:g}",
                     "rate": i.rate_text(rate), "target": i.target_text,
                     "met": "不适用" if entry.get("not_applicable") else ("—" if met is None else ("达标" if met else "未达标")),
                     "not_applicable": bool(entry.get("not_applicable")), "source": source, "note": entry.get("note") or ""})
    return {"set": name, "year": year, "rows": rows}


def build_snapshot(session: Session, s: Submission) -> dict:
    """The draft's content as it stands now (figures from the records, the typed narrative)."""
    profile = get_profile(session.db)
    a, b = dt.date.fromisoformat(s.first_day), dt.date.fromisoformat(s.last_day)
    sections, computed, empty = gathering.gather(session, a, b)
    return {"format": FORMAT, "title": s.title, "version": s.version, "amend_reason": s.amend_reason,
            "hospital": {"name": profile.name if profile else "", "level": profile.level if profile else "",
                         "region": profile.region if profile else "", "address": profile.address if profile else "",
                         "phone": profile.phone if profile else ""},
            "period": {"kind": s.period_kind, "first": s.first_day, "last": s.last_day,
                       "label": period_label(s.first_day, s.last_day)},
            "sections": sections, "indicators": _indicator_rows(session.db, s, computed),
            "narrative": [[k, s.narrative.get(k, "")] for k in NARRATIVE],
            "signers": {k: s.signers.get(k, "") for k in SIGNERS}, "empty": empty,
            "gathered_at": session.stamp()}


@action(SUBMISSION_VIEW, scope=HOSPITAL)
def snapshot(session: Session, submission_id: int) -> dict:
    s = _require(session.db, submission_id)
    if s.final:
        return repo.snapshot(session.db, submission_id)
    return build_snapshot(session, s)


def submission_findings(snap: dict) -> list[Finding]:
    """Everything that keeps a snapshot from being finalised (pure)."""
    f: list[Finding] = []
    if snap.get("empty"):
        f.append(F.finding("period", f"{snap['period']['label']}没有任何检查、问题、培训、交接班或手术记录，"
                                     "请确认期间是否正确，或先录入本期的工作记录。"))
    narrative = dict(snap["narrative"])  # title -> text
    for key in NARRATIVE_KEYS:
        if not (narrative.get(F.label(key)) or "").strip():
            f.append(F.finding(key, f"请填写“{F.label(key)}”。"))
    for row in snap["indicators"]["rows"]:
        if row["computed"] or row["not_applicable"]:
            continue
        if not row["numerator"] or not row["denominator"]:
            f.append(Finding(f"请填写“{row['name']}”的分子（{row['numerator_label']}）和分母（{row['denominator_label']}），"
                             "本院不开展的请标为不适用。", field=row["code"], label=row["name"]))
        elif float(row["denominator"]) == 0:
            f.append(Finding(f"“{row['name']}”的分母为 0，无法计算结果；请核对，或标为不适用并说明。", field=row["code"],
                             label=row["name"]))
    for key in SIGNER_KEYS:
        if not snap["signers"].get(F.label(key)):
            f.append(F.finding(key, f"请填写{F.label(key)}。"))
    return f


def entry_gaps(db, s: Submission) -> list[str]:
    """What the quality officer still has to type (narrative, indicators to enter, signers) — cheap: no
    figures are gathered (the 工作台 asks at every login)."""
    _year, _name, items = indicator_set(db, int(s.first_day[:4]))
    gaps = [f"“{k}”" for k in NARRATIVE if not (s.narrative.get(k) or "").strip()]
    for i in items:
        entry = s.indicators.get(i.code) or {}
        if not i.computed_from and not entry.get("not_applicable") and not (entry.get("numerator") is not None
                                                                              and entry.get("denominator")):
            gaps.append(f"“{i.name}”")
    gaps += [k for k in SIGNERS if not s.signers.get(k)]
    return gaps


def verification_code(content_sha256: str) -> str:
    h = content_sha256[:12].upper()
    return f"QL-{h[:4]}-{h[4:8]}-{h[8:12]}"


def canonical(snap: dict) -> bytes:
    return json.dumps(snap, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


@action(SUBMISSION_FINALIZE, scope=HOSPITAL)
def finalize(session: Session, submission_id: int) -> Submission:
    """院领导 finalises: freeze the snapshot, stamp the code, keep the PDF and XLSX made from it."""
    from desktop_app.submissions import reports

    db = session.db
    s = _require_draft(db, submission_id)
    snap = build_snapshot(session, s)
    f = submission_findings(snap)
    if f:
        raise errors.ValidationError(f)
    snap["finalized_by"] = session.actor.display_name
    snap["finalized_at"] = session.stamp()
    digest = hashlib.sha256(canonical(snap)).hexdigest()
    code = verification_code(digest)
    with tempfile.TemporaryDirectory(prefix="qledger-submission-") as name:
        folder = Path(name)
        pdf = reports.write_submission_pdf(snap, code, folder / "报送.pdf").read_bytes()
        xlsx = reports.write_submission_xlsx(snap, code, folder / "报送.xlsx").read_bytes()
    with db.transaction():  # not if another computer finalised it meanwhile
        done = records.change(session, SUBMISSION, s, {
            "status": FINAL, "snapshot_json": canonical(snap).decode("utf-8"), "content_sha256": digest,
            "verification_code": code, "pdf": pdf, "pdf_sha256": hashlib.sha256(pdf).hexdigest(), "xlsx": xlsx,
            "xlsx_sha256": hashlib.sha256(xlsx).hexdigest(), "finalized_by": snap["finalized_by"],
            "finalized_at": snap["finalized_at"]}, expect={"status": DRAFT}, conflict=_finalised_meanwhile(s),
            note={"content_sha256": digest})
        if s.amends_id:
            repo.mark_superseded(db, s.amends_id)
    return done


@action(SUBMISSION_EDIT, scope=HOSPITAL)
def amend(session: Session, submission_id: int, reason: str) -> Submission:
    db = session.db
    s = _require(db, submission_id)
    if not s.final:
        raise errors.Conflict("这一版还是草稿，直接修改即可，不需要修订。")
    versions = repo.for_period(db, s.first_day, s.last_day)
    if versions[-1].id != s.id:
        raise errors.Conflict(f"该期间已有第 {versions[-1].version} 版，请在最新版本上修订。")
    reason = clean_prose(reason)
    if not reason:
        raise errors.ValidationError(F.finding("reason", "请写明修订原因，例如“更正监测指标分母”。"))
    with db.transaction():
        return records.create(session, SUBMISSION, {
            "period_kind": s.period_kind, "first_day": s.first_day, "last_day": s.last_day, "title": s.title,
            "version": s.version + 1, "narrative_json": json.dumps(s.narrative, ensure_ascii=False),
            "indicators_json": json.dumps(s.indicators, ensure_ascii=False),
            "signers_json": json.dumps(s.signers, ensure_ascii=False), "amends_id": s.id, "amend_reason": reason,
            "created_by": session.actor.display_name}, note={"reason": reason})


# ----------------------------------------------------------------------------- reading and verifying


@action(SUBMISSION_VIEW, scope=HOSPITAL)
def list_submissions(session: Session) -> list[Submission]:
    return repo.submissions(session.db)


@action(SUBMISSION_VIEW, scope=HOSPITAL)
def get_submission(session: Session, submission_id: int) -> Submission:
    return _require(session.db, submission_id)


@action(SUBMISSION_VIEW, scope=HOSPITAL)
def stored_file(session: Session, submission_id: int, kind: str) -> bytes:
    """The PDF or XLSX kept when the submission was finalised (byte for byte what was printed)."""
    s = _require(session.db, submission_id)
    if not s.final:
        raise errors.Conflict("草稿没有存档文件；定稿后才保存 PDF 和 Excel。草稿可直接预览打印（标有“草稿”）。")
    content = repo.stored_file(session.db, submission_id, kind)
    if content is None:
        raise errors.NotFound("存档文件缺失。")
    return content


def _code_in(content: bytes) -> str | None:
    """The verification code carried by a PDF (document keywords) or an XLSX (docProps/core.xml)."""
    import io
    import zipfile

    match = CODE_RE.search(content.decode("latin-1"))
    if match:
        return match.group(0)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            core = z.read("docProps/core.xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    match = CODE_RE.search(core)
    return match.group(0) if match else None


@action(SUBMISSION_VIEW, scope=HOSPITAL)
def verify_file(session: Session, path: Path | str) -> VerifyResult:
    path = Path(path)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise errors.ValidationError(F.finding("file", f"无法读取“{path.name}”（{exc.strerror or exc}）。")) from exc
    digest = hashlib.sha256(content).hexdigest()
    found = repo.by_file_hash(session.db, digest)
    if found:
        s, kind = found
        return VerifyResult(True, f"“{path.name}”与存档一致：{s.title} 第 {s.version} 版（{kind}），"
                                  f"{s.finalized_at[:10]} 由 {s.finalized_by} 定稿，验证码 {s.verification_code}。"
                                  + ("该版本已被新版本替代。" if s.superseded else ""), s, s.verification_code)
    code = _code_in(content)
    s = repo.by_code(session.db, code) if code else None
    if s is not None:
        return VerifyResult(False, f"“{path.name}”带有验证码 {code}（{s.title} 第 {s.version} 版），但文件内容与存档不一致："
                                   "可能被修改过，或不是定稿时生成的原件。请以程序中的存档为准重新打印。", s, code)
    if code:
        return VerifyResult(False, f"“{path.name}”上的验证码 {code} 在本数据库中不存在。", None, code)
    return VerifyResult(False, f"“{path.name}”不是本程序定稿的报送文件（没有验证码）。")


@action(SUBMISSION_VIEW, scope=HOSPITAL)
def verify_code(session: Session, code: str) -> VerifyResult:
    """A code read off a printed copy: which submission it belongs to."""
    text = clean_text(code).upper().replace(" ", "")
    if not text.startswith("QL-") and len(text.replace("-", "")) == 12:
        h = text.replace("-", "")
        text = f"QL-{h[:4]}-{h[4:8]}-{h[8:]}"
    s = repo.by_code(session.db, text)
    if s is None:
        return VerifyResult(False, f"验证码 {text} 不属于本数据库中任何已定稿的报送。", None, text)
    return VerifyResult(True, f"验证码 {text} 属于 {s.title} 第 {s.version} 版，{s.finalized_at[:10]} 由 {s.finalized_by} 定稿。"
                              + ("该版本已被新版本替代。" if s.superseded else "") + "请核对纸质件的内容与程序中的存档一致。",
                        s, text)


__all__ = ["FULL_YEAR", "HALF_YEAR", "CUSTOM"]
