"""手术分级管理 printed (PDF) and exported (XLSX): the catalogue for 院务公开, the 三、四级手术目录 for
备案, the 动态调整 record between two versions, a surgeon's 手术授权书 and 个人技术档案, the
authorised-surgeons list by department, and the 越权手术 of a period with 三、四级手术实际开展率.

Two steps, as for every report: a snapshot function reads what is printed through the surgery
services (permission ``SURGERY_VIEW``), then a writer lays the snapshot out — on a worker thread
if need be, with progress and cancellation::

    cat = catalogue_snapshot(session, catalogue_id=None)      # default: the version in force today
    write_catalogue_pdf(cat, "手术分级管理目录.pdf"); write_catalogue_xlsx(cat, "手术分级管理目录.xlsx")

    filing = filing_snapshot(session, catalogue_id)           # approved versions only
    write_filing_pdf(filing, "三、四级手术目录（备案）.pdf"); write_filing_xlsx(filing, "….xlsx")

    adj = adjustment_snapshot(session, catalogue_id, other_id=None)   # against the version it was made from
    write_adjustment_pdf(adj, "动态调整记录.pdf"); write_adjustment_xlsx(adj, "动态调整记录.xlsx")

    doc = surgeon_snapshot(session, staff_id)
    write_authorisation_pdf(doc, "手术授权书.pdf")             # the privileges in force, to sign and seal
    write_technical_file_pdf(doc, "个人技术档案.pdf")          # grants with history, assessments, operations
    write_surgeon_xlsx(doc, "手术授权.xlsx")                   # 现行授权 / 授权记录 / 能力评估 / 近12个月手术

    who = authorised_snapshot(session, department_id=None, day=None)
    write_authorised_pdf(who, "授权医师名单.pdf"); write_authorised_xlsx(who, "授权医师名单.xlsx")

    bad = unprivileged_snapshot(session, first, last, department_id=None)
    write_unprivileged_pdf(bad, "越权手术.pdf"); write_unprivileged_xlsx(bad, "越权手术.xlsx")

**Layout.** Everything that is filed or posted is A4 portrait with the GB/T 9704 margins — the
catalogue and the 备案 list go into the filing binder and onto the 院务公开 board, the 授权书 into
the surgeon's technical file; their tables need no more than 156 mm (codes such as 81.5100x001 on
one line, names wrap). The 越权手术 list alone is landscape: nine columns with a reason in words.
The documents (catalogue, 备案, 动态调整, 授权书, 技术档案) have their particulars in a ruled grid
under the title, as hospitals' paper forms do, and every page's footer names the version or the
surgeon, so a loose page can be put back. Procedures are grouped by department (the hospital's
departments in their order), then by the 专业 written in the imported file, then 未分科室; within a
group by code, numbered 序号 1…n across the whole document. Flags print as “√” (blank otherwise),
which survives photocopying. Workbooks hold the same rows with every field in its own column and
flags as 是/否, so the catalogue workbook can be edited and imported back
(:mod:`desktop_app.surgery.excel_io`).
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from desktop_app import errors
from desktop_app.accounts.permissions import action
from desktop_app.accounts.scope import HOSPITAL
from desktop_app.hospital.service import get_profile
from desktop_app.people.repo import department_subtree
from desktop_app.reports.base import (
    Column,
    GroupRow,
    ProgressCallback,
    ReportInfo,
    cn_date,
)
from desktop_app.reports.pdf import PdfReport
from desktop_app.reports.xlsx import XlsxReport
from desktop_app.session import Session
from desktop_app.surgery import catalogue as catalogues
from desktop_app.surgery import operations as ops
from desktop_app.surgery import privileges as privs
from desktop_app.surgery import repo
from desktop_app.surgery.manifest import SURGERY_VIEW
from desktop_app.surgery.models import (
    ADDED,
    ASSESSMENT_FIELDS,
    CHANGED,
    DOWNGRADED,
    EXPIRED,
    GRADE_LABELS,
    GRADE_SCOPE,
    GRANT_FIELDS,
    OPERATION_FIELDS,
    REMOVED,
    SURGERY_FIELDS,
    SUSPENDED,
    UPGRADED,
    VALID,
    Assessment,
    Catalogue,
    Difference,
    Privilege,
    Procedure,
)
from desktop_app.textnorm import parse_date

CATALOGUE_TITLE = "手术分级管理目录"
FILING_TITLE = "三、四级手术目录（备案）"
ADJUSTMENT_TITLE = "手术分级管理目录动态调整记录"
AUTHORISATION_TITLE = "手术授权书"
TECHNICAL_FILE_TITLE = "手术医师个人技术档案（摘要）"
AUTHORISED_TITLE = "手术授权医师名单"
UNPRIVILEGED_TITLE = "越权手术清单"
NO_DEPARTMENT = "未分科室"
TICK = "√"
COMMITTEE = "医疗质量与安全管理委员会"
KINDS = (ADDED, REMOVED, UPGRADED, DOWNGRADED, CHANGED)
OPERATIONS_MONTHS = 12
# Columns showing a record's fields come from its fields (labels, widths); where a printed heading is
# not the field's label (级别 for 手术级别, 依据（评估日期） for 依据, 结束原因 for 原因 …) the column stays
# the document's own until one heading is chosen for both.
F, G, A, O = SURGERY_FIELDS, GRANT_FIELDS, ASSESSMENT_FIELDS, OPERATION_FIELDS


def _hospital(session: Session) -> str:
    profile = get_profile(session.db)
    return profile.name if profile else ""


def _cn(day: str | None, missing: str = "—") -> str:
    return cn_date(day) if day else missing


def _day(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _tick(on: bool) -> str:
    return TICK if on else ""


def approval_text(c: Catalogue) -> str:
    if not c.frozen:
        return "草稿（尚未批准）"
    return f"已批准（{c.approved_by or COMMITTEE}，{_cn(c.approved_on)}）"


def filing_text(c: Catalogue) -> str:
    return f"已备案（{_cn(c.filed_on)}）" if c.filed else "未备案"


def _require_catalogue(session: Session, catalogue_id: int | None) -> Catalogue:
    if catalogue_id is not None:
        return catalogues.get_catalogue(session, catalogue_id)
    found = catalogues.catalogue_in_force(session)
    if found is None:
        raise errors.NotFound("今天没有已批准生效的手术分级目录。请选择要打印的目录版本（草稿也可打印供审议）。")
    return found


# ----------------------------------------------------------------------------- catalogue and 备案


@dataclass(frozen=True)
class Section:
    """One department (or the 专业 as the imported file wrote it) and its procedures, by code."""

    title: str
    procedures: tuple[Procedure, ...]


def section_order(db):
    """The sort key of a section title: the hospital's departments in their order, then other 专业
    (as the imported file wrote them) by name, then 未分科室."""
    order = {r["name"]: n for n, r in enumerate(repo.departments(db))}

    def rank(title: str):
        if title == NO_DEPARTMENT:
            return (2, 0, title)
        return (0, order[title], title) if title in order else (1, 0, title)
    return rank


def sections_of(db, procedures: list[Procedure]) -> tuple[Section, ...]:
    """Procedures grouped by department, 专业 or 未分科室 (:func:`section_order`), by code within."""
    groups: dict[str, list[Procedure]] = {}
    for p in procedures:
        groups.setdefault(p.department or p.specialty or NO_DEPARTMENT, []).append(p)
    return tuple(Section(t, tuple(sorted(groups[t], key=lambda p: p.code)))
                 for t in sorted(groups, key=section_order(db)))


@dataclass(frozen=True)
class CatalogueSnapshot:
    hospital: str
    catalogue: Catalogue
    based_on: str | None           # the name of the version it was made from
    title: str                     # 手术分级管理目录 / 三、四级手术目录（备案）
    grades: tuple[int, ...]        # the grades printed
    sections: tuple[Section, ...]
    author: str
    printed_at: dt.datetime

    @property
    def procedures(self) -> list[Procedure]:
        return [p for s in self.sections for p in s.procedures]

    def grade_counts(self) -> dict[int, int]:
        c = Counter(p.grade for p in self.procedures)
        return {g: c[g] for g in self.grades}

    def summary(self) -> str:
        ps = self.procedures
        grades = "，".join(f"{GRADE_LABELS[g]} {n} 项" for g, n in self.grade_counts().items())
        flags = [f"{label} {n} 项" for label, n in (
            ("限制类技术", sum(p.restricted for p in ps)), ("日间手术", sum(p.day_surgery for p in ps)),
            ("微创/介入", sum(p.minimally_invasive for p in ps))) if n]
        return f"共 {len(ps)} 项：{grades}" + (f"；其中{'，'.join(flags)}" if flags else "") + "。"

    def particulars(self) -> list[list[tuple[str, object]]]:
        c = self.catalogue
        lines = [[("医疗机构", self.hospital)], [("目录版本", c.name)],
                 [("生效日期", _cn(c.effective_date, "未定")), ("备案", filing_text(c))], [("批准", approval_text(c))]]
        if self.based_on:
            lines.append([("依据版本", f"{self.based_on}（本版由其动态调整而来）")])
        if c.notes:
            lines.append([("说明", c.notes)])
        return lines

    def info(self) -> ReportInfo:
        c = self.catalogue
        state = "、".join(x for x in (c.status, "已备案" if c.filed else "") if x)
        return ReportInfo(title=self.title, hospital=self.hospital,
                          period=f"{c.name}　生效日期：{_cn(c.effective_date, '未定')}",
                          filters=("级别：三级、四级",) if self.grades == (3, 4) else (),
                          author=self.author, printed_at=self.printed_at, verification=f"{c.name}（{state}）")


def _catalogue_snapshot(session: Session, cat: Catalogue, title: str, grades: tuple[int, ...]) -> CatalogueSnapshot:
    db = session.db
    procs = [p for p in repo.procedures(db, cat.id) if p.grade in grades]
    base = repo.catalogue(db, cat.based_on_id) if cat.based_on_id else None
    return CatalogueSnapshot(_hospital(session), cat, base.name if base else None, title, grades,
                             sections_of(db, procs), session.actor.display_name, session.now())


@action(SURGERY_VIEW, scope=HOSPITAL)
def catalogue_snapshot(session: Session, catalogue_id: int | None = None) -> CatalogueSnapshot:
    """A version (default: the one in force today) for 院务公开; a draft prints as 草稿 for the committee."""
    return _catalogue_snapshot(session, _require_catalogue(session, catalogue_id), CATALOGUE_TITLE, (1, 2, 3, 4))


@action(SURGERY_VIEW, scope=HOSPITAL)
def filing_snapshot(session: Session, catalogue_id: int | None = None) -> CatalogueSnapshot:
    """The grade 3–4 procedures of an approved version, for 备案 with the health commission."""
    cat = _require_catalogue(session, catalogue_id)
    if not cat.frozen:
        raise errors.Conflict(f"“{cat.name}”尚未批准：报卫生健康行政部门备案的三、四级手术目录须为已批准的版本。"
                              "请先批准该版本（草稿可打印“院务公开目录”供委员会审议）。")
    return _catalogue_snapshot(session, cat, FILING_TITLE, (3, 4))


CATALOGUE_PDF_COLUMNS = [*F.pdf_columns(("seq", "code", "name")), Column("级别", 11, "center"),
                         *F.pdf_columns(("restricted", "day_surgery", "minimally_invasive", "notes"))]
CATALOGUE_XLSX_COLUMNS = F.xlsx_columns(
    ("seq", "code", "name", "grade", "department", "specialty", "restricted", "day_surgery", "minimally_invasive",
     "notes"),
    widths={"code": 13, "grade": 8, "department": 12, "specialty": 12, "restricted": 8, "day_surgery": 8,
            "minimally_invasive": 8})
SUMMARY_COLUMNS = [Column("项目", 14), Column("内容", 70)]


def catalogue_rows(snapshot: CatalogueSnapshot):
    """PDF rows: a group heading per section, procedures numbered across the document."""
    rows, n = [], 0
    for s in snapshot.sections:
        rows.append(GroupRow(f"{s.title}（{len(s.procedures)} 项）"))
        for p in s.procedures:
            n += 1
            rows.append([n, p.code, p.name, p.grade_label, _tick(p.restricted), _tick(p.day_surgery),
                         _tick(p.minimally_invasive), p.notes or ""])
    return rows


def catalogue_xlsx_rows(snapshot: CatalogueSnapshot) -> list[list]:
    return [[n, p.code, p.name, p.grade_label, p.department, p.specialty, p.restricted, p.day_surgery,
             p.minimally_invasive, p.notes] for n, p in enumerate(snapshot.procedures, start=1)]


def _form_heading(report: PdfReport, title: str, hospital: str, particulars) -> None:
    report.title(title)
    if hospital:
        report.paragraph(hospital, align="center")
    report.spacer(1)
    report.fields(particulars)
    report.spacer(2)


def write_catalogue_pdf(snapshot: CatalogueSnapshot, path: Path | str, progress: ProgressCallback | None = None) -> Path:
    """院务公开 (or 备案 for a filing snapshot): particulars, counts, the table by department; the
    备案 list ends with 填报人/联系电话/审核人/单位负责人/日期/单位（盖章）."""
    report = PdfReport(path, snapshot.info(), heading=False)
    c = snapshot.catalogue
    report.title(snapshot.title)
    if snapshot.title == FILING_TITLE and snapshot.hospital:
        report.paragraph(f"填报单位（盖章）：{snapshot.hospital}", align="center")
    elif snapshot.hospital:
        report.paragraph(snapshot.hospital, align="center")
    report.spacer(1)
    report.fields(snapshot.particulars()[1:])
    report.note(snapshot.summary())
    report.table(CATALOGUE_PDF_COLUMNS, catalogue_rows(snapshot), font_size=9, empty_text="（目录中没有手术）")
    if snapshot.title == FILING_TITLE:
        report.note("注：限制类技术按四级手术管理，不纳入日间手术。本目录经" + (c.approved_by or COMMITTEE)
                    + f"于{_cn(c.approved_on)}审议批准，自{_cn(c.effective_date, '批准之日')}起施行。")
        report.signature_block()
    else:
        report.note("注：“√”表示是。限制类技术按四级手术管理，不纳入日间手术；三、四级手术须逐项授权后方可开展。")
    return report.build(progress)


def write_catalogue_xlsx(snapshot: CatalogueSnapshot, path: Path | str, progress: ProgressCallback | None = None) -> Path:
    """One row per procedure (科室 and 专业 in their own columns, flags 是/否) and a 目录信息 sheet."""
    report = XlsxReport(path, snapshot.info())
    report.table(CATALOGUE_XLSX_COLUMNS, catalogue_xlsx_rows(snapshot), sheet_title=snapshot.title)
    facts = [[label, value] for line in snapshot.particulars() for label, value in line]
    report.table(SUMMARY_COLUMNS, facts + [["合计", snapshot.summary()]], sheet_title="目录信息")
    return report.build(progress)


write_filing_pdf = write_catalogue_pdf
write_filing_xlsx = write_catalogue_xlsx


# ----------------------------------------------------------------------------- 动态调整


@dataclass(frozen=True)
class AdjustmentSnapshot:
    hospital: str
    catalogue: Catalogue          # the new version
    base: Catalogue               # the one it is compared with
    differences: tuple[Difference, ...]   # 新增 删除 升级 降级 属性变化, then by code
    author: str
    printed_at: dt.datetime

    def counts(self) -> dict[str, int]:
        c = Counter(d.kind for d in self.differences)
        return {k: c[k] for k in KINDS}

    @property
    def without_reason(self) -> int:
        return sum(not d.reason for d in self.differences)

    def summary(self) -> str:
        if not self.differences:
            return f"与“{self.base.name}”相比没有调整。"
        parts = "，".join(f"{k} {n} 项" for k, n in self.counts().items() if n)
        late = f"；尚有 {self.without_reason} 项未写明调整原因" if self.without_reason else ""
        return f"与“{self.base.name}”相比共调整 {len(self.differences)} 项：{parts}{late}。"

    def approval_line(self) -> str:
        c = self.catalogue
        if not c.frozen:
            return f"审议批准：本次调整尚未经{COMMITTEE}审议批准（“{c.name}”为草稿）。"
        return (f"审议批准：经{c.approved_by or COMMITTEE}于{_cn(c.approved_on)}审议批准，"
                f"自{_cn(c.effective_date, '批准之日')}起施行。")

    def particulars(self) -> list[list[tuple[str, object]]]:
        c, b = self.catalogue, self.base
        return [[("调整后版本", c.name)], [("调整前版本", b.name)],
                [("生效日期", _cn(c.effective_date, "未定")), ("批准", approval_text(c))]]

    def info(self) -> ReportInfo:
        c = self.catalogue
        return ReportInfo(title=ADJUSTMENT_TITLE, hospital=self.hospital, period=f"{self.base.name} → {c.name}",
                          author=self.author, printed_at=self.printed_at,
                          verification=f"{c.name} 动态调整（{c.status}）")


@action(SURGERY_VIEW, scope=HOSPITAL)
def adjustment_snapshot(session: Session, catalogue_id: int, other_id: int | None = None) -> AdjustmentSnapshot:
    """The differences of a version from the one it was made from (or ``other_id``), with the reasons."""
    cat = catalogues.get_catalogue(session, catalogue_id)
    base_id = other_id or cat.based_on_id
    if base_id is None:
        raise errors.ValidationError(f"“{cat.name}”不是由其他版本调整而来，没有动态调整记录。请选择要与之比较的版本。",
                                     field="比较版本")
    if base_id == cat.id:
        raise errors.ValidationError("请选择另一个版本进行比较。", field="比较版本")
    base = catalogues.get_catalogue(session, base_id)
    diffs = catalogues.differences(session, cat.id, base_id)
    return AdjustmentSnapshot(_hospital(session), cat, base, tuple(diffs), session.actor.display_name, session.now())


ADJUSTMENT_PDF_COLUMNS = F.pdf_columns(("seq", "code", "name", "before", "after", "reason"),
                                       widths={"code": 21, "name": 32})
ADJUSTMENT_XLSX_COLUMNS = F.xlsx_columns(("seq", "change", "code", "name", "before", "after", "reason"),
                                         widths={"code": 13, "name": 30, "reason": 36})
ADJUSTMENT_SIGNATURES = ("填报人", "医务科负责人", "委员会主任（签字）", "日期")


def adjustment_rows(snapshot: AdjustmentSnapshot):
    rows, n = [], 0
    for kind in KINDS:
        mine = [d for d in snapshot.differences if d.kind == kind]
        if not mine:
            continue
        rows.append(GroupRow(f"{kind}（{len(mine)} 项）"))
        for d in mine:
            n += 1
            rows.append([n, d.code, d.name, d.before or "—", d.after or "—", d.reason or "（未写明原因）"])
    return rows


def write_adjustment_pdf(snapshot: AdjustmentSnapshot, path: Path | str, progress: ProgressCallback | None = None) -> Path:
    report = PdfReport(path, snapshot.info(), heading=False)
    _form_heading(report, ADJUSTMENT_TITLE, snapshot.hospital, snapshot.particulars())
    report.note(snapshot.summary())
    report.table(ADJUSTMENT_PDF_COLUMNS, adjustment_rows(snapshot), font_size=9, empty_text="（两个版本之间没有调整）")
    report.paragraph(snapshot.approval_line(), indent=False)
    report.signature_block(ADJUSTMENT_SIGNATURES, columns=2)
    return report.build(progress)


def write_adjustment_xlsx(snapshot: AdjustmentSnapshot, path: Path | str,
                          progress: ProgressCallback | None = None) -> Path:
    report = XlsxReport(path, snapshot.info())
    rows = [[n, d.kind, d.code, d.name, d.before, d.after, d.reason]
            for n, d in enumerate(snapshot.differences, start=1)]
    report.table(ADJUSTMENT_XLSX_COLUMNS, rows, sheet_title="动态调整")
    facts = [[label, value] for line in snapshot.particulars() for label, value in line]
    report.table(SUMMARY_COLUMNS, facts + [["合计", snapshot.summary()], ["审议批准", snapshot.approval_line()]],
                 sheet_title="调整信息")
    return report.build(progress)


# ----------------------------------------------------------------------------- a surgeon


@dataclass(frozen=True)
class OperationCount:
    code: str
    name: str
    grade: int
    operations: int
    unprivileged: int


@dataclass(frozen=True)
class SurgeonSnapshot:
    hospital: str
    card: privs.SurgeonCard
    grants: tuple[Privilege, ...]           # every grant ever made, newest first (history included)
    operations: tuple[OperationCount, ...]  # grade 3–4 operations recorded in the last 12 months, by procedure
    operations_from: dt.date
    today: dt.date
    author: str
    printed_at: dt.datetime

    @property
    def in_force(self) -> list[Privilege]:
        return self.card.in_force()

    @property
    def not_in_force(self) -> list[Privilege]:
        """Grants still on the card but not usable today: 暂停 and 过期."""
        return [p for p in self.card.current if p.state(self.today) != VALID]

    def in_force_of(self, grade: int) -> list[Privilege]:
        return sorted((p for p in self.in_force if p.scope != GRADE_SCOPE and p.grade == grade), key=lambda p: p.code)

    @property
    def grade_grant(self) -> Privilege | None:
        return next((p for p in self.in_force if p.scope == GRADE_SCOPE), None)

    def assessed_on(self, p: Privilege) -> str | None:
        """The date of the assessment a grant was based on (None: granted without one)."""
        a = next((a for a in self.card.assessments if a.id == p.assessment_id), None) if p.assessment_id else None
        return a.assessed_on if a else None

    def basis(self, p: Privilege) -> str:
        return f"能力评估 {self.assessed_on(p)}" if self.assessed_on(p) else "—"

    @staticmethod
    def approval(p: Privilege | Assessment) -> str:
        return " ".join(x for x in (p.approved_by, p.approved_on) if x) or "—"

    @staticmethod
    def approved_on(p: Privilege | Assessment) -> str:
        """The approval date; the approver too when it is not the committee the document names."""
        if p.approved_by and p.approved_by != COMMITTEE:
            return f"{p.approved_by}\n{p.approved_on or ''}".strip()
        return p.approved_on or "—"

    def scope_text(self) -> str:
        g = self.grade_grant
        parts = [f"授权至{GRADE_LABELS[g.grade]}手术" if g else "无一、二级手术授权"]
        parts += [f"{GRADE_LABELS[n]}手术 {len(self.in_force_of(n))} 项" for n in (3, 4)]
        return "；".join(parts)

    def particulars(self) -> list[list[tuple[str, object]]]:
        c = self.card
        return [[("姓名", c.name), ("工号", c.employee_no)], [("科室", c.department), ("职称", c.title or "—")],
                [("执业证书编号", c.licence_no or "（未登记）")],
                [("现行授权", f"{self.scope_text()}（截至{cn_date(self.today)}）")]]

    def info(self, title: str) -> ReportInfo:
        c = self.card
        return ReportInfo(title=title, hospital=self.hospital, period=f"截至{cn_date(self.today)}",
                          filters=(f"医师：{c.name}（{c.employee_no}，{c.department}）",), author=self.author,
                          printed_at=self.printed_at, verification=f"{c.name}（{c.employee_no}） {title}")


@action(SURGERY_VIEW, scope=HOSPITAL)
def surgeon_snapshot(session: Session, staff_id: int) -> SurgeonSnapshot:
    """A surgeon's card (grants in force, history, assessments) and the grade 3–4 operations of the
    last 12 months recorded from the HIS logs."""
    card = privs.surgeon_card(session, staff_id)
    today = session.today()
    since = privs.add_months(today, -OPERATIONS_MONTHS) + dt.timedelta(days=2)  # 2025-11-24 … 2026-11-23
    rows = repo.surgeon_operations(session.db, staff_id, since.isoformat(), today.isoformat())
    return SurgeonSnapshot(
        _hospital(session), card, tuple(repo.privileges_of(session.db, staff_id)),
        tuple(OperationCount(r["code"], r["name"], r["grade"], r["n"], r["bad"]) for r in rows), since, today,
        session.actor.display_name, session.now())


AUTHORISED_PROCEDURE_COLUMNS = [  # the procedure and its grant
    *F.pdf_columns(("seq", "code", "name"), widths={"code": 21, "name": 46}),
    *G.pdf_columns(("granted_on", "valid_until")), Column("依据（评估日期）", 20, "center"),
    *G.pdf_columns(("approved_on",), widths={"approved_on": 20}),
]
AUTHORISATION_TEXT = (
    "根据《医疗机构手术分级管理办法》和本院手术分级管理制度，经科室质量与安全管理小组能力评估、医务科审核、"
    f"{COMMITTEE}审议批准，授予{{name}}同志以下手术权限。被授权人须在授权范围和有效期内开展手术；"
    "三、四级手术逐项授权，未经授权不得主刀；授权到期前须重新评估，发生严重不良事件等情形时，授权可暂停、降级或取消。"
)
SEALS = ("医务科（盖章）", f"{COMMITTEE}（盖章）", "院长（签字）", "被授权人（签字）")
SEAL_WIDTHS = (0.2, 0.38, 0.19, 0.23)


def authorisation_rows(snapshot: SurgeonSnapshot) -> list:
    """One table, a sub-heading per part: the grade grant, then 三级 and 四级 procedure by procedure."""
    def row(n, code, what, p: Privilege | None) -> list:
        if p is None:
            return [n, code, what, "", "", "", ""]
        return [n, code, what, p.granted_on, p.valid_until, snapshot.assessed_on(p) or "—", snapshot.approved_on(p)]

    g = snapshot.grade_grant
    rows = [GroupRow("一、按级别授权（一、二级手术）"),
            row("", "—", f"授权至{GRADE_LABELS[g.grade]}手术" + ("（含一级）" if g.grade == 2 else ""), g) if g
            else row("", "", "（无一、二级手术授权）", None)]
    for number, grade in (("二", 3), ("三", 4)):
        mine = snapshot.in_force_of(grade)
        rows.append(GroupRow(f"{number}、逐项授权：{GRADE_LABELS[grade]}手术（{len(mine)} 项）"))
        rows += [row(n, p.code, p.name, p) for n, p in enumerate(mine, start=1)] or [
            row("", "", f"（无{GRADE_LABELS[grade]}手术授权）", None)]
    return rows


def _heading(report: PdfReport, text: str) -> None:
    """A section heading that never ends a page: with less than 30 mm left (the heading, a table
    header and two rows) it starts the next page; a table that does fit is not moved whole."""
    report.heading(text, level=2, room_mm=30)


def write_authorisation_pdf(snapshot: SurgeonSnapshot, path: Path | str,
                            progress: ProgressCallback | None = None) -> Path:
    """手术授权书: the privileges in force today — 一、二级 by grade, 三级 and 四级 procedure by procedure —
    with validity, basis and approval; grants 暂停 or 过期 are named as not usable; seals and signatures."""
    c = snapshot.card
    report = PdfReport(path, snapshot.info(AUTHORISATION_TITLE), heading=False)
    _form_heading(report, AUTHORISATION_TITLE, snapshot.hospital, snapshot.particulars()[:3])
    report.paragraph(AUTHORISATION_TEXT.format(name=c.name))
    report.table(AUTHORISED_PROCEDURE_COLUMNS, authorisation_rows(snapshot), font_size=9)
    if snapshot.not_in_force:
        listed = "；".join(f"{p.what} {_state_phrase(p, snapshot.today)}" for p in snapshot.not_in_force)
        report.note(f"以下授权目前不可使用，未列入上表：{listed}。")
    report.note(f"现行授权：{snapshot.scope_text()}。本授权书一式两份，医务科存档（纳入个人技术档案）一份，"
                "被授权人留存一份。")
    report.seals(SEALS, SEAL_WIDTHS)  # room for seals and signatures, a date under each; never alone on a page
    return report.build(progress)


def _state_phrase(p: Privilege, today: dt.date) -> str:
    state = p.state(today)
    if state == SUSPENDED:
        return f"自 {p.ended_on} 暂停" + (f"（{p.end_reason}）" if p.end_reason else "")
    if state == EXPIRED:
        return f"已于 {p.valid_until} 到期"
    return state


CURRENT_COLUMNS = [*G.pdf_columns(("what", "granted_on", "valid_until", "status")),
                   Column("依据（评估日期）", 22, "center"), *G.pdf_columns(("approved_on",))]
HISTORY_COLUMNS = [*G.pdf_columns(("what", "granted_on", "valid_until", "status", "ended_on"),
                                  widths={"what": 50, "granted_on": 21, "valid_until": 21}), Column("结束原因", 29)]
ASSESSMENT_COLUMNS = [
    *A.pdf_columns(("assessed_on", "period")), Column("评估内容（例数/并发症）", 40),
    *A.pdf_columns(("cases", "complications", "adverse_events", "conclusion")),
    Column("批准 / 执行", 32),  # who approved and when, and when it was applied, in one cell
]
# the grade 3–4 operations of the last 12 months counted per procedure (figures, not a record's fields)
OPERATION_COLUMNS = [
    Column("序号", 9, "center"), Column("手术编码", 22, "center"), Column("手术名称", 63), Column("级别", 14, "center"),
    Column("例数", 16, "center"), Column("其中无授权", 18, "center"),
]
TECHNICAL_FILE_SIGNATURES = ("经办人", "审核人", "日期")


def current_rows(snapshot: SurgeonSnapshot) -> list[list]:
    return [[p.what, p.granted_on, p.valid_until, p.state(snapshot.today), snapshot.assessed_on(p) or "—",
             snapshot.approved_on(p)] for p in snapshot.card.current]


def history_rows(snapshot: SurgeonSnapshot, *, for_excel: bool = False) -> list[list]:
    out = []
    for p in snapshot.grants:
        row = [p.what, p.granted_on, p.valid_until, p.state(snapshot.today), p.ended_on, p.end_reason]
        if for_excel:
            row = [p.what, GRADE_LABELS[p.grade], p.code, _day(p.granted_on), _day(p.valid_until), row[3],
                   _day(p.ended_on), p.end_reason, snapshot.basis(p), snapshot.approval(p)]
        out.append(row)
    return out


def assessment_content(a: Assessment) -> str:
    if a.grade:
        return a.subject
    return "；".join(f"{p.get('name') or p.get('code')}（{p.get('cases', 0)}/{p.get('complications', 0)}）"
                    for p in a.procedures)


def assessment_rows(snapshot: SurgeonSnapshot, *, for_excel: bool = False) -> list[list]:
    out = []
    for a in snapshot.card.assessments:
        done = f"执行 {a.applied_on}" if a.applied_on else "未执行"
        approval = f"批准 {SurgeonSnapshot.approved_on(a)}\n{done}" if a.approved_on else "未批准"
        if for_excel:
            out.append([_day(a.assessed_on), _day(a.period_from), _day(a.period_to), assessment_content(a), a.cases,
                        a.complications, a.adverse_events, a.conclusion, a.assessors, a.approved_by,
                        _day(a.approved_on), _day(a.applied_on), a.notes])
        else:
            out.append([a.assessed_on, f"{a.period_from}\n至 {a.period_to}", assessment_content(a), a.cases,
                        a.complications, a.adverse_events, a.conclusion, approval])
    return out


def operation_rows(snapshot: SurgeonSnapshot) -> list[list]:
    return [[n, o.code, o.name, GRADE_LABELS[o.grade], o.operations, o.unprivileged]
            for n, o in enumerate(snapshot.operations, start=1)]


def write_technical_file_pdf(snapshot: SurgeonSnapshot, path: Path | str,
                             progress: ProgressCallback | None = None) -> Path:
    """个人技术档案（摘要）: grants on the card, every grant ever made, assessments, recent operations."""
    report = PdfReport(path, snapshot.info(TECHNICAL_FILE_TITLE), heading=False)
    _form_heading(report, TECHNICAL_FILE_TITLE, snapshot.hospital, snapshot.particulars())
    _heading(report, "一、现行授权")
    report.table(CURRENT_COLUMNS, current_rows(snapshot), empty_text="（没有现行授权）")
    _heading(report, "二、授权记录（含已替代、暂停、取消）")
    report.table(HISTORY_COLUMNS, history_rows(snapshot), empty_text="（没有授权记录）")
    _heading(report, "三、能力评估")
    report.table(ASSESSMENT_COLUMNS, assessment_rows(snapshot), empty_text="（没有能力评估记录）")
    _heading(report, f"四、近 {OPERATIONS_MONTHS} 个月三、四级手术（{snapshot.operations_from} 至 {snapshot.today}，"
                     "据已导入的手术记录）")
    report.table(OPERATION_COLUMNS, operation_rows(snapshot), empty_text="（没有已导入的三、四级手术记录）")
    report.signature_block(TECHNICAL_FILE_SIGNATURES, columns=3)
    return report.build(progress)


SURGEON_XLSX_HISTORY = [
    *G.xlsx_columns(("what", "grade")), *F.xlsx_columns(("code",), widths={"code": 12}),
    *G.xlsx_columns(("granted_on", "valid_until", "status", "ended_on")), Column("结束原因", 24),
    *G.xlsx_columns(("basis", "approved")),
]
SURGEON_XLSX_ASSESSMENTS = [
    *A.xlsx_columns(("assessed_on",)), Column("期间自", 11, "center"), Column("期间至", 11, "center"),
    Column("评估内容（例数/并发症）", 36),
    *A.xlsx_columns(("cases", "complications", "adverse_events", "conclusion", "assessors", "approved_by",
                     "approved_on", "applied_on", "notes")),
]
SURGEON_XLSX_OPERATIONS = [  # as OPERATION_COLUMNS: counts per procedure
    Column("序号", 6, "center"), Column("手术编码", 12), Column("手术名称", 36), Column("级别", 6, "center"),
    Column("例数", 6, "right"), Column("其中无授权", 8, "right"),
]


def write_surgeon_xlsx(snapshot: SurgeonSnapshot, path: Path | str, progress: ProgressCallback | None = None) -> Path:
    """现行授权 (usable today), 授权记录 (every grant), 能力评估, 近12个月手术 — dates as dates."""
    report = XlsxReport(path, snapshot.info(TECHNICAL_FILE_TITLE))
    usable = {p.id for p in snapshot.in_force}
    rows = history_rows(snapshot, for_excel=True)
    report.table(SURGEON_XLSX_HISTORY, [r for r, p in zip(rows, snapshot.grants) if p.id in usable],
                 sheet_title="现行授权")
    report.table(SURGEON_XLSX_HISTORY, rows, sheet_title="授权记录")
    report.table(SURGEON_XLSX_ASSESSMENTS, assessment_rows(snapshot, for_excel=True), sheet_title="能力评估")
    report.table(SURGEON_XLSX_OPERATIONS, operation_rows(snapshot), sheet_title=f"近{OPERATIONS_MONTHS}个月三四级手术")
    return report.build(progress)


# ----------------------------------------------------------------------------- authorised surgeons


@dataclass(frozen=True)
class Holder:
    """A surgeon authorised for a procedure (or a grade) on the snapshot's day."""

    staff_id: int
    name: str
    employee_no: str
    department: str
    granted_on: str
    valid_until: str
    basis: str


@dataclass(frozen=True)
class AuthorisedLine:
    procedure: Procedure
    holders: tuple[Holder, ...]


@dataclass(frozen=True)
class AuthorisedSection:
    title: str
    lines: tuple[AuthorisedLine, ...]                       # the section's 三、四级 procedures
    grade_holders: tuple[tuple[int, tuple[Holder, ...]], ...]  # (2, …), (1, …): the department's grade grants
    department: bool = True                                 # False: a 专业 written in the imported file


@dataclass(frozen=True)
class AuthorisedSnapshot:
    hospital: str
    catalogue: Catalogue
    day: dt.date
    department: str | None
    sections: tuple[AuthorisedSection, ...]
    author: str
    printed_at: dt.datetime

    @property
    def lines(self) -> list[AuthorisedLine]:
        return [line for s in self.sections for line in s.lines]

    def summary(self) -> str:
        lines = self.lines
        nobody = sum(not line.holders for line in lines)
        return (f"三、四级手术 {len(lines)} 项，其中无授权医师 {nobody} 项（未经授权不得开展）。一、二级手术按级别授权，"
                "见各科末行。名单随授权变动而变化，以打印日期为准。")

    def info(self) -> ReportInfo:
        return ReportInfo(title=AUTHORISED_TITLE, hospital=self.hospital,
                          period=f"截至{cn_date(self.day)}（{self.catalogue.name}）",
                          filters=(f"科室：{self.department}",) if self.department else (),
                          author=self.author, printed_at=self.printed_at,
                          verification=f"{AUTHORISED_TITLE} {self.day}")


def _holder(p: Privilege, people: dict[int, dict], assessed: dict[int, str]) -> Holder:
    person = people.get(p.staff_id, {})
    basis = f"能力评估 {assessed[p.assessment_id]}" if p.assessment_id in assessed else ""
    return Holder(p.staff_id, p.staff_name, person.get("employee_no", ""), person.get("department", ""),
                  p.granted_on, p.valid_until, basis)


@action(SURGERY_VIEW, scope=HOSPITAL)
def authorised_snapshot(session: Session, department_id: int | None = None, day=None) -> AuthorisedSnapshot:
    """Per department: each 三、四级 procedure of the catalogue in force on ``day`` (default today) with
    the surgeons authorised for it that day, and the department's surgeons authorised by grade."""
    db = session.db
    when = parse_date(day) if day else session.today()
    cat = repo.in_force(db, when.isoformat())
    if cat is None:
        raise errors.NotFound(f"{when} 没有已批准生效的手术分级目录，无法列出授权医师。请先批准目录。")
    scope = department_subtree(db, department_id) if department_id else None
    dept_name = repo.department_name(db, department_id) if department_id else None
    procs = [p for p in repo.procedures(db, cat.id)
             if p.grade >= 3 and (scope is None or p.department_id in scope)]
    people = repo.staff_index(db)
    assessed = repo.assessment_dates(db)
    today = when.isoformat()
    by_code: dict[str, list[Holder]] = {}
    by_grade: dict[str, dict[int, list[Holder]]] = {}
    for g in repo.all_privileges(db, today, today):  # as they stood that day (a later suspension not yet)
        if not g.covers(g.code, g.grade, today):
            continue
        h = _holder(g, people, assessed)
        if g.scope == GRADE_SCOPE:
            if scope is None or people.get(g.staff_id, {}).get("department_id") in scope:
                by_grade.setdefault(h.department, {}).setdefault(g.grade, []).append(h)
        else:
            by_code.setdefault(g.code, []).append(h)
    sections = {s.title: s for s in sections_of(db, procs)}
    departments = {r["name"] for r in repo.departments(db)}
    out = []
    for title in sorted(sections.keys() | by_grade.keys(), key=section_order(db)):
        section = sections.get(title)
        lines = tuple(AuthorisedLine(p, tuple(sorted(by_code.get(p.code, ()), key=lambda h: h.name)))
                      for p in (section.procedures if section else ()))
        grades = by_grade.get(title, {})
        out.append(AuthorisedSection(title, lines, tuple(
            (g, tuple(sorted(grades[g], key=lambda h: h.name))) for g in (2, 1) if grades.get(g)),
            title in departments))
    return AuthorisedSnapshot(_hospital(session), cat, when, dept_name, tuple(out), session.actor.display_name,
                              session.now())


# the surgeons authorised for each procedure: 授权医师, 工号 and 医师科室 are the grant holder's (a person, no
# field of a grant); the grade grants' 科室 is the section's (a department or a 专业) and 授权范围 says what
# the grant's 授权方式 (scope) and 级别 amount to
AUTHORISED_PDF_COLUMNS = [*F.pdf_columns(("seq", "code", "name"), widths={"code": 21, "name": 46}),
                          Column("级别", 10, "center"), Column("授权医师（有效期至）", 70)]
AUTHORISED_XLSX_COLUMNS = [
    *F.xlsx_columns(("department", "code", "name"), widths={"department": 12, "code": 12, "name": 32}),
    Column("级别", 6, "center"), Column("授权医师", 10), Column("工号", 8), Column("医师科室", 12),
    *G.xlsx_columns(("granted_on", "valid_until", "basis")),
]
GRADE_HOLDER_XLSX_COLUMNS = [Column("科室", 12), Column("授权范围", 16), *G.xlsx_columns(("surgeon",)), Column("工号", 8),
                             *G.xlsx_columns(("granted_on", "valid_until", "basis"))]


def _names(holders: tuple[Holder, ...], section: str) -> str:
    return "、".join(h.name + (f"[{h.department}]" if h.department != section else "") + f"（{h.valid_until}）"
                    for h in holders)


def authorised_rows(snapshot: AuthorisedSnapshot):
    rows, n = [], 0
    for s in snapshot.sections:
        rows.append(GroupRow(s.title))
        for line in s.lines:
            n += 1
            p = line.procedure
            rows.append([n, p.code, p.name, p.grade_label, _names(line.holders, s.title) or "无授权医师"])
        grades = dict(s.grade_holders)
        text = "；".join(f"授权至{GRADE_LABELS[g]}：" + _names(grades[g], s.title) for g in (2, 1) if g in grades)
        if s.department:
            rows.append(["", "", "一、二级手术（按级别授权）", "", text or "本科室无按级别授权"])
    return rows


def write_authorised_pdf(snapshot: AuthorisedSnapshot, path: Path | str,
                         progress: ProgressCallback | None = None) -> Path:
    """By department: each 三、四级 procedure and who may perform it today; the grade grants last."""
    report = PdfReport(path, snapshot.info())
    report.note(snapshot.summary())
    report.table(AUTHORISED_PDF_COLUMNS, authorised_rows(snapshot), font_size=9, empty_text="（没有授权记录）")
    report.signature_block(("医务科（盖章）", "日期"), columns=2)
    return report.build(progress)


def write_authorised_xlsx(snapshot: AuthorisedSnapshot, path: Path | str,
                          progress: ProgressCallback | None = None) -> Path:
    """A row per procedure and surgeon (a procedure without anyone: one row, 授权医师 empty), and the grade grants."""
    rows, grade_rows = [], []
    for s in snapshot.sections:
        for line in s.lines:
            p = line.procedure
            for h in line.holders or (None,):
                rows.append([s.title, p.code, p.name, p.grade_label] + (
                    [h.name, h.employee_no, h.department, _day(h.granted_on), _day(h.valid_until), h.basis]
                    if h else ["", "", "", None, None, "无授权医师"]))
        for g, holders in s.grade_holders:
            grade_rows += [[s.title, f"授权至{GRADE_LABELS[g]}手术", h.name, h.employee_no, _day(h.granted_on),
                            _day(h.valid_until), h.basis] for h in holders]
    report = XlsxReport(path, snapshot.info())
    report.table(AUTHORISED_XLSX_COLUMNS, rows, sheet_title="三四级手术授权医师")
    report.table(GRADE_HOLDER_XLSX_COLUMNS, grade_rows, sheet_title="一二级手术按级别授权")
    return report.build(progress)


# ----------------------------------------------------------------------------- 越权手术


@dataclass(frozen=True)
class UnprivilegedOperation:
    date: str
    patient_no: str
    code: str
    name: str
    grade: int
    surgeon: str
    department: str
    finding: str | None


@dataclass(frozen=True)
class UnprivilegedSnapshot:
    hospital: str
    first: dt.date
    last: dt.date
    department: str | None
    operations: tuple[UnprivilegedOperation, ...]
    performance: ops.Performance          # the whole hospital's figures for the period
    author: str
    printed_at: dt.datetime

    def performance_text(self) -> str:
        p = self.performance
        text = (f"统计期间全院手术 {p.operations} 例（其中三、四级手术 {p.grade34_operations} 例），"
                f"越权手术 {p.unprivileged} 例。")
        if p.catalogue is None:
            return text + "三、四级手术实际开展率：尚无已备案的手术分级目录，无法计算。"
        rate = f"{p.rate * 100:.1f}%" if p.rate is not None else "—"
        return (text + f"三、四级手术实际开展率 = 实际开展的三、四级术种 {p.performed} 个 ÷ 备案的三、四级术种 "
                f"{p.filed} 个 = {rate}（备案目录：{p.catalogue}）。")

    def summary(self) -> str:
        where = f"{self.department}" if self.department else "全院"
        return f"{where}越权手术 {len(self.operations)} 例（术者在手术当日没有该手术的有效授权）。"

    def info(self) -> ReportInfo:
        return ReportInfo(title=UNPRIVILEGED_TITLE, hospital=self.hospital,
                          period=f"统计期间：{cn_date(self.first)}至{cn_date(self.last)}",
                          filters=(f"科室：{self.department}",) if self.department else (),
                          author=self.author, printed_at=self.printed_at)


@action(SURGERY_VIEW, scope=HOSPITAL)
def unprivileged_snapshot(session: Session, first, last, department_id: int | None = None) -> UnprivilegedSnapshot:
    """The 越权手术 recorded in a period (the surgeon's department, with the wards under it, if given)
    and the hospital's 三、四级手术实际开展率."""
    rows = ops.unprivileged(session, first, last)
    perf = ops.performance(session, first, last)
    db = session.db
    dept = None
    if department_id:
        dept = repo.department_name(db, department_id)
        scope = department_subtree(db, department_id)
        names = {r["name"] for r in repo.departments(db) if r["id"] in scope}
        rows = [r for r in rows if r["department"] in names]
    items = tuple(UnprivilegedOperation(r["date"], r["patient_no"] or "", r["code"], r["name"], r["grade"],
                                        r["staff_name"], r["department"], r["finding"]) for r in rows)
    return UnprivilegedSnapshot(_hospital(session), parse_date(first), parse_date(last), dept, items, perf,
                                session.actor.display_name, session.now())


UNPRIVILEGED_KEYS = ("seq", "date", "patient_no", "code", "name", "grade", "operator", "department", "finding")
UNPRIVILEGED_PDF_COLUMNS = O.pdf_columns(UNPRIVILEGED_KEYS)
UNPRIVILEGED_XLSX_COLUMNS = O.xlsx_columns(UNPRIVILEGED_KEYS)


def unprivileged_rows(snapshot: UnprivilegedSnapshot, *, for_excel: bool = False) -> list[list]:
    return [[n, _day(o.date) if for_excel else o.date, o.patient_no, o.code, o.name, GRADE_LABELS[o.grade], o.surgeon,
             o.department, o.finding] for n, o in enumerate(snapshot.operations, start=1)]


def write_unprivileged_pdf(snapshot: UnprivilegedSnapshot, path: Path | str,
                           progress: ProgressCallback | None = None) -> Path:
    """A4 landscape: 开展率 and counts first, then every 越权手术 with the reason in words."""
    report = PdfReport(path, snapshot.info(), landscape=True)
    report.note(snapshot.performance_text())
    report.note(snapshot.summary())
    report.table(UNPRIVILEGED_PDF_COLUMNS, unprivileged_rows(snapshot), font_size=9,
                 empty_text="（统计期间没有越权手术）")
    report.signature_block(("填报人", "审核人", "日期"), columns=3)
    return report.build(progress)


def write_unprivileged_xlsx(snapshot: UnprivilegedSnapshot, path: Path | str,
                            progress: ProgressCallback | None = None) -> Path:
    report = XlsxReport(path, snapshot.info(), landscape=True)
    report.table(UNPRIVILEGED_XLSX_COLUMNS, unprivileged_rows(snapshot, for_excel=True), sheet_title="越权手术")
    p = snapshot.performance
    facts = [["手术例数", p.operations], ["三、四级手术例数", p.grade34_operations], ["越权手术例数", p.unprivileged],
             ["备案目录", p.catalogue or "（无）"], ["备案三、四级术种", p.filed], ["实际开展术种", p.performed],
             ["三、四级手术实际开展率", f"{p.rate * 100:.1f}%" if p.rate is not None else "—"],
             ["说明", snapshot.performance_text()]]
    report.table(SUMMARY_COLUMNS, facts, sheet_title="开展率")
    return report.build(progress)


# ----------------------------------------------------------------------------- self-test


def write_selftest_sample(session, pdf: Path, xlsx: Path) -> str:
    """The approved grading catalogue when the database has one, else the 越权手术 check (needs none)."""
    from desktop_app import errors

    try:
        snapshot = catalogue_snapshot(session, None)
    except errors.NotFound:
        today = session.today()
        snapshot = unprivileged_snapshot(session, today.replace(month=1, day=1), today, None)
        write_unprivileged_pdf(snapshot, pdf)
        write_unprivileged_xlsx(snapshot, xlsx)
        return "越权手术核查（数据库中没有已批准的手术分级目录）"
    write_catalogue_pdf(snapshot, pdf)
    write_catalogue_xlsx(snapshot, xlsx)
    return "手术分级目录"
