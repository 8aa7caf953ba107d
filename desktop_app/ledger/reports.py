"""问题台账 printed (PDF) and exported (XLSX), and the 整改通知书 (书面交办).

Two steps, as for every report: a snapshot function reads everything in one query through the
ledger's own filter and scope (a department head gets their department and its wards only),
then a writer lays the snapshot out — on a worker thread if need be, with progress::

    snap = ledger_snapshot(session, LedgerFilter(status="未销号"))
    write_ledger_pdf(snap, "问题台账.pdf", progress=cb)     # A4 landscape, the columns hospitals keep
    write_ledger_xlsx(snap, "问题台账.xlsx", progress=cb)   # the same rows, every field in its column

    notes = notice_snapshot(session, [item ids])            # one notice per department
    write_notice_pdf(notes, "整改通知书.pdf")

The PDF and the XLSX print the same rows in the same order: oldest first (发现日期, then 编号),
numbered 序号 1…n. 逾期 is computed for the snapshot's day, never stored.

**整改通知书 document numbers** are derived, never stored (printing is a read-only action that
a 只读 user may take): ``质控通〔YYYY〕第 MMDD-KK 号`` — the issue date's year, month and day,
and the department's id in two digits. The same department on the same day gets the same
number (a reprint is the same notice); different departments or days never share one.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from desktop_app import errors
from desktop_app.accounts.permissions import action
from desktop_app.accounts.scope import department, on
from desktop_app.hospital.service import get_profile
from desktop_app.ledger import repo
from desktop_app.ledger.manifest import LEDGER_EXPORT
from desktop_app.ledger.models import CLOSED, LEDGER_FIELDS, STATUSES, LedgerFilter, LedgerItem
from desktop_app.ledger.service import ALL_ITEMS, _due_soon_days, departments_for
from desktop_app.ledger.stats import Counts, percent
from desktop_app.people import repo as people_repo
from desktop_app.reports.base import ProgressCallback, ReportInfo, cn_date
from desktop_app.reports.pdf import PdfReport
from desktop_app.reports.xlsx import XlsxReport
from desktop_app.session import Session

LEDGER_TITLE = "问题台账"
NOTICE_TITLE = "整改通知书"
QUALITY_OFFICE = "质控科"
RESPONSE_WORKING_DAYS = 5
F = LEDGER_FIELDS

# The printed ledger (A4 landscape), the exported one (every field) and the 整改通知书's table: the fields'
# labels and widths (LEDGER_FIELDS); the notice's narrower portrait table has widths of its own.
PDF_KEYS = ("seq", "number", "found_on", "source", "category", "description", "department_id", "cause_analysis",
            "measures", "responsible_person", "deadline", "status", "recheck")
XLSX_KEYS = ("seq", "number", "found_on", "source", "inspection_id", "category", "check_point", "description",
             "department_id", "severity", "deduction", "cause_analysis", "measures", "responsible_person", "deadline",
             "status", "overdue_days", "progress", "rectified_on", "rechecker", "recheck_on", "recheck_opinion",
             "closed_on", "closed_by", "remarks")
NOTICE_KEYS = ("seq", "number", "category", "description", "deadline")
NOTICE_WIDTHS = {"seq": 5, "number": 11, "category": 16, "description": 42, "deadline": 12}
PDF_COLUMNS = F.pdf_columns(PDF_KEYS)
XLSX_COLUMNS = F.xlsx_columns(XLSX_KEYS)
NOTICE_COLUMNS = F.pdf_columns(NOTICE_KEYS, widths=NOTICE_WIDTHS)
LEDGER_SIGNATURES = ("填表人", "审核人", "日期")
RECEIPT_SIGNATURES = ("签收人（签字）", "签收日期", "科室负责人（签字）")
SOURCE_PHRASES = {"自查": "医院自查", "质控中心": "质控中心检查", "投诉": "患者投诉处理", "不良事件": "不良事件报告"}


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def days_overdue(item: LedgerItem, today: dt.date) -> int | None:
    """Days past 整改时限 for an item not yet 已销号 (None when not overdue)."""
    if item.status == CLOSED or item.deadline >= today.isoformat():
        return None
    return (today - dt.date.fromisoformat(item.deadline)).days


def _hospital(session: Session) -> str:
    profile = get_profile(session.db)
    return profile.name if profile else ""


# ----------------------------------------------------------------------------- the ledger


@dataclass(frozen=True)
class LedgerSnapshot:
    info: ReportInfo
    items: tuple[LedgerItem, ...]  # print order: 发现日期, then 编号
    today: dt.date  # the day 逾期 is computed for

    def counts(self) -> Counts:
        by_status = Counter(i.status for i in self.items)
        overdue = sum(days_overdue(i, self.today) is not None for i in self.items)
        return Counts(len(self.items), {s: by_status[s] for s in STATUSES if by_status[s]}, overdue)

    def summary(self) -> str:
        c = self.counts()
        if not c.total:
            return "共 0 项。"
        statuses = "，".join(f"{s} {c.by_status.get(s, 0)} 项" for s in STATUSES)
        return (f"共 {c.total} 项：{statuses}；整改率 {percent(c.rectification_rate)}，"
                f"销号率 {percent(c.closure_rate)}；逾期未销号 {c.overdue} 项（按 {self.today.isoformat()} 计）。")


def period_text(flt: LedgerFilter, today: dt.date) -> str:
    if flt.date_from and flt.date_to:
        return f"统计期间：{cn_date(flt.date_from)}至{cn_date(flt.date_to)}"
    if flt.date_from:
        return f"统计期间：{cn_date(flt.date_from)}起，截至{cn_date(today)}"
    if flt.date_to:
        return f"统计期间：截至{cn_date(flt.date_to)}"
    return f"截至{cn_date(today)}"


def describe_filter(session: Session, flt: LedgerFilter) -> list[str]:
    """The filter in words with department and inspection names, as printed under the title."""
    department = people_repo.department_name(session.db, flt.department_id)
    inspection = repo.inspection_label(session.db, flt.inspection_id) if flt.inspection_id else None
    return flt.describe(department, inspection)


@action(LEDGER_EXPORT, scope=ALL_ITEMS)
def ledger_snapshot(session: Session, flt: LedgerFilter = LedgerFilter()) -> LedgerSnapshot:
    """The items matching ``flt`` (within the user's scope, as in the ledger list), every field."""
    today = session.today()
    items = repo.search_items(session.db, flt, today, departments_for(session, flt), _due_soon_days(session.db))
    info = ReportInfo(title=LEDGER_TITLE, hospital=_hospital(session), period=period_text(flt, today),
                      filters=tuple(describe_filter(session, flt)), author=session.actor.display_name,
                      printed_at=session.now())
    return LedgerSnapshot(info, tuple(items), today)


def status_text(item: LedgerItem, today: dt.date) -> str:
    """As printed: "已整改待复查" broken where a reader would, with the days overdue below."""
    late = days_overdue(item, today)
    return item.status.replace("已整改待", "已整改\n待") + (f"\n逾期 {late} 天" if late is not None else "")


def recheck_text(item: LedgerItem) -> str:
    lines = [item.rechecker or ""]
    if item.recheck_on:
        lines.append(f"{item.recheck_on}复查")
    if item.closed_on:
        lines.append(f"{item.closed_on}销号")
    return "\n".join(line for line in lines if line)


def pdf_rows(snapshot: LedgerSnapshot) -> list[list]:
    return [[n, i.number, i.found_on, i.source.replace("/", "/\n"), i.category, i.description, i.department_name, i.cause_analysis,
             i.measures, i.responsible_person, i.deadline, status_text(i, snapshot.today), recheck_text(i)]
            for n, i in enumerate(snapshot.items, start=1)]


def xlsx_rows(snapshot: LedgerSnapshot) -> list[list]:
    return [[n, i.number, _date(i.found_on), i.source, i.inspection_label, i.category, i.check_point,
             i.description, i.department_name, i.severity, i.deduction, i.cause_analysis, i.measures,
             i.responsible_person, _date(i.deadline), i.status, days_overdue(i, snapshot.today), i.progress,
             _date(i.rectified_on), i.rechecker, _date(i.recheck_on), i.recheck_opinion, _date(i.closed_on),
             i.closed_by, i.remarks]
            for n, i in enumerate(snapshot.items, start=1)]


def write_ledger_pdf(snapshot: LedgerSnapshot, path: Path | str, progress: ProgressCallback | None = None) -> Path:
    """A4 landscape; filters and period under the title; the summary and 填表人/审核人/日期 at the end."""
    report = PdfReport(path, snapshot.info, landscape=True)
    report.table(PDF_COLUMNS, pdf_rows(snapshot), font_size=8, empty_text="（无符合条件的问题）")
    report.note(snapshot.summary())
    report.signature_block(LEDGER_SIGNATURES, columns=3)
    return report.build(progress)


def write_ledger_xlsx(snapshot: LedgerSnapshot, path: Path | str, progress: ProgressCallback | None = None) -> Path:
    """The PDF's rows, one field a column, dates as dates; A4 landscape print setup."""
    report = XlsxReport(path, snapshot.info, landscape=True)
    report.table(XLSX_COLUMNS, xlsx_rows(snapshot))
    return report.build(progress)


# ----------------------------------------------------------------------------- 整改通知书


@dataclass(frozen=True)
class Notice:
    department_id: int
    department_name: str
    document_number: str
    opening: str  # the sentence citing the inspections / sources and dates
    items: tuple[LedgerItem, ...]


@dataclass(frozen=True)
class NoticeSnapshot:
    info: ReportInfo
    issuer: str  # e.g. 霍山县人民医院质控科
    issued_on: dt.date
    notices: tuple[Notice, ...]  # in the department list's order

    def requirements(self) -> list[str]:
        office = QUALITY_OFFICE
        return [
            f"一、请科室负责人于收到本通知书之日起 {RESPONSE_WORKING_DAYS} 个工作日内，组织科室人员逐项分析问题原因，"
            f"制定切实可行的整改措施并明确整改责任人，将原因分析和整改措施报{office}（也可在“问题台账”中直接填写）。",
            "二、请按上表所列整改时限逐项整改到位。整改完成后，将整改情况及佐证材料（制度修订稿、培训签到表、"
            f"检查记录、照片等）提交{office}。",
            f"三、{office}将对照问题台账逐项复查，复查合格的予以销号；复查不合格的，退回继续整改。",
            "四、逾期未整改或整改不到位的，将在全院通报，并纳入科室医疗质量考核和绩效考核。",
        ]


def document_number(issued_on: dt.date, department_id: int) -> str:
    return f"质控通〔{issued_on.year}〕第 {issued_on:%m%d}-{department_id:02d} 号"


def _date_span(dates: list[str]) -> str:
    first, last = min(dates), max(dates)
    if first == last:
        return cn_date(first)
    a, b = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return f"{cn_date(a)}至{cn_date(b) if a.year != b.year else f'{b.month}月{b.day}日'}"


def opening_sentence(items: list[LedgerItem]) -> str:
    found_in: list[str] = []
    for i in items:
        if i.inspection_label:
            number, _, title = i.inspection_label.partition(" ")
            found_in.append(f"“{title}”（{number}）")
        else:
            found_in.append(SOURCE_PHRASES.get(i.source, i.source))
    where = "、".join(dict.fromkeys(found_in))
    return (f"{_date_span([i.found_on for i in items])}，在{where}中发现你科存在以下 {len(items)} 项问题。"
            "根据“书面交办、立账督办、对账销号”的要求，现将问题书面交办你科，请按以下要求限期整改。")


@action(LEDGER_EXPORT, scope=department(on("item_ids", repo.departments_of_items), doing="打印",
                                       what="问题整改通知书"))
def notice_snapshot(session: Session, item_ids: list[int]) -> NoticeSnapshot:
    """The chosen items grouped by department, one 整改通知书 each (department heads: their own only)."""
    ids = list(dict.fromkeys(int(i) for i in item_ids))
    if not ids:
        raise errors.ValidationError("请至少选择一项问题，再打印整改通知书。", field="item_ids", label="问题")
    db, today = session.db, session.today()
    items = repo.search_items(db, LedgerFilter(), today, None, _due_soon_days(db), ids=ids)
    missing = len(ids) - len(items)
    if missing:
        raise errors.NotFound(f"所选问题中有 {missing} 项已不存在（可能已被删除），请刷新台账后重新选择。")
    order = {dept: n for n, dept in enumerate(people_repo.department_ids_by_name(db).values())}
    by_department: dict[int, list[LedgerItem]] = {}
    for item in items:
        by_department.setdefault(item.department_id, []).append(item)
    notices = tuple(
        Notice(dept, group[0].department_name, document_number(today, dept), opening_sentence(group), tuple(group))
        for dept, group in sorted(by_department.items(), key=lambda kv: order.get(kv[0], len(order)))
    )
    hospital = _hospital(session)
    info = ReportInfo(title=NOTICE_TITLE, hospital=hospital, author=session.actor.display_name,
                      printed_at=session.now())
    return NoticeSnapshot(info, f"{hospital}{QUALITY_OFFICE}", today, notices)


def write_notice_pdf(snapshot: NoticeSnapshot, path: Path | str, progress: ProgressCallback | None = None) -> Path:
    """A4 portrait; each department's notice starts a new page and has its own page numbers."""
    report = PdfReport(path, snapshot.info, heading=False)
    for notice in snapshot.notices:
        report.new_page_group()
        report.title(NOTICE_TITLE)
        report.paragraph(notice.document_number, align="center")
        report.rule(thickness=1.2, space_before_mm=1, space_after_mm=4)
        report.paragraph(f"{notice.department_name}：", indent=False, align="left")
        report.paragraph(notice.opening)
        report.table(NOTICE_COLUMNS, [[n, i.number, i.category, i.description, i.deadline]
                                      for n, i in enumerate(notice.items, start=1)], font_size=9)
        report.heading("整改要求", level=2)
        for line in snapshot.requirements():
            report.paragraph(line)
        with report.together():
            report.spacer(6)
            report.paragraph(f"{snapshot.issuer}（盖章）", align="right")
            report.paragraph(cn_date(snapshot.issued_on), align="right")
        with report.together():  # the receipt, to be cut off along the dashed line
            report.rule(thickness=0.6, dashed=True, space_before_mm=8, space_after_mm=2)
            report.heading("签 收 回 执", level=2)
            report.paragraph(f"已收到{notice.document_number}《{NOTICE_TITLE}》（共 {len(notice.items)} 项问题），"
                             "将按要求限期整改。")
            report.signature_block(RECEIPT_SIGNATURES, columns=2)
    if not snapshot.notices:
        report.paragraph("（没有选中的问题）", align="center")
    return report.build(progress)


# ----------------------------------------------------------------------------- self-test


def write_selftest_sample(session, pdf: Path, xlsx: Path) -> str:
    """The self-test's printout of this module (see desktop_app/selftest.py)."""
    from desktop_app.ledger.models import LedgerFilter

    today = session.today()
    snapshot = ledger_snapshot(session, LedgerFilter(date_from=today - dt.timedelta(days=60), date_to=today))
    write_ledger_pdf(snapshot, pdf)
    write_ledger_xlsx(snapshot, xlsx)
    return f"近 60 天的问题台账 {len(snapshot.items)} 项"
