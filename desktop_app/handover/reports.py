"""交接班记录 printed as the book (病区交班报告, PDF) and exported for a period (XLSX).

Two steps, as for every report: :func:`handover_snapshot` reads the period at once (four
queries, see ``repo.printout_reports``) within the user's scope — a nurse her ward, 院领导/只读
every ward with patient names masked (``张*``), exactly as the history page shows them — then a
writer lays the snapshot out, on a worker thread if need be::

    snap = handover_snapshot(session, "nurse", "2026-11-01", "2026-11-30", department_id=ward)
    write_handover_pdf(snap, "交班报告.pdf", progress=cb)    # the book: a page (or more) per ward and day
    write_handover_xlsx(snap, "交班报告.xlsx", progress=cb)  # 交班报告 / 患者交班 / 交接物品 / 补记 / 统计

**The printed page (A4 landscape).** The classic paper book gives each shift its own column
(白班 | 小夜班 | 大夜班) and each patient a row, so one patient's day reads across the page. We
keep that, on landscape paper: three shift columns of about 67 mm hold some 25 characters a
line at 8 pt — long SBAR text stays readable — where portrait would leave 40 mm columns of a
dozen characters, or force the shifts one under the other and lose the row-per-patient view.
A day page holds, in order:

* the title 病区交班报告 (医师交接班记录 for doctors), the hospital, ward and date, 内部资料 at
  the top right of every page; a boxed line when a shift is not yet received
  (“未完成交接：小夜班 已交班（未接班）…”);
* 病人动态: a row per shift — 原有 … 一级护理 (0 printed as 0), 核对 (正确 / 有误, the reason
  under the table), the state, and both signatures with their times (交班者, 接班者; 未签名 /
  未接班 where missing): who handed over to whom, and when, is the first thing the 护理部
  checks, so it sits at the top of the page. A shift without a report reads 未书写 across the
  row (未到交班时间 for a shift not yet ended);
* 患者交班: rows grouped 离开病区 → 新入与转入 → 重点患者 (a patient's group is the first of
  her categories in that order, so a patient who died in the night is under 离开病区), then by
  bed; 床号, 姓名, 诊断, and in each shift's column what that shift wrote: the category and
  marks, time and 去向/来源, the operation, 现状/背景/评估/建议, and the bedside handover
  (床旁交接 ✓ 11-23 08:10 床旁记录单第 3 页, or “床旁交接：未记录” where one is required).
  The header (with the ward and date) repeats on every page; a row taller than a page is split
  inside the row, never cut;
* 交接物品, in the same shift columns: each item's count (基数, 不符 with the note), 完好, 备注;
* 补记 (after both signatures): shift, time, author and text.

Consecutive days of a ward without any report share one page listing their shifts as 未书写,
so gaps stay visible without a page of blanks per day. Each ward's pages are numbered on their
own (第 n 页 共 m 页), as each ward files its own book; the footer names the hospital, period
and who printed it.

**The workbook** has one row per report (and per ended shift without one, 状态 未书写) in
交班报告, one row per patient entry with every field in 患者交班, then 交接物品, 补记 and 统计
(:func:`desktop_app.handover.service.figures`: per ward and a 合计 row).
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from xml.sax.saxutils import escape

from desktop_app import errors
from desktop_app.accounts.permissions import action
from desktop_app.handover import repo, service
from desktop_app.handover.census import census_findings, parse_count
from desktop_app.handover.manifest import HANDOVER_VIEW
from desktop_app.handover.models import (
    ARRIVED,
    CATEGORIES,
    CENSUS,
    CENSUS_FIELDS,
    DOCTOR,
    DRAFT,
    ENTRY_FIELDS,
    HANDED,
    HANDOVER_FIELDS,
    KIND_LABELS,
    LEFT,
    NURSE,
    RECEIVED,
    SECTION_LABELS,
    Entry,
    Report,
    Shift,
    WardFigures,
    bed_key,
    mask_name,
)
from desktop_app.hospital.service import get_profile
from desktop_app.periods import date_range
from desktop_app.reports.base import Column, ProgressCallback, ReportInfo, cn_date
from desktop_app.reports.fonts import missing_glyphs
from desktop_app.reports.pdf import Grid, PdfReport, mm, rich, style
from desktop_app.reports.xlsx import XlsxReport
from desktop_app.session import Session

TITLES = {NURSE: "病区交班报告", DOCTOR: "医师交接班记录"}
UNIT_LABELS = {NURSE: "病区", DOCTOR: "科室"}
NOT_WRITTEN = "未书写"
NOT_YET = "未到交班时间"
STATE_TEXT = {DRAFT: "草稿（未交班）", HANDED: "已交班（未接班）", RECEIVED: "已接班"}
SECTIONS = ("离开病区", "新入与转入", "重点患者")
SBAR = (("situation", "现状"), ("background", "背景"), ("assessment", "评估"), ("recommendation", "建议"))
WEEKDAYS = "一二三四五六日"
MAX_DAYS = 366  # a year of all 30 wards is ~33,000 reports: larger periods are printed in parts
H, E = HANDOVER_FIELDS, ENTRY_FIELDS


def short_stamp(value: str | None) -> str:
    """"2026-11-23 08:10:00" → "11-23 08:10" (the page names the day and year)."""
    return value[5:16] if value else ""


# ----------------------------------------------------------------------------- snapshot


@dataclass(frozen=True)
class Slot:
    """One shift of a ward's handover day, with its report if one was written."""

    shift: Shift
    report: Report | None
    ended: bool          # the shift had ended when the snapshot was taken

    @property
    def state(self) -> str:
        """草稿 / 已交班 / 已接班, or 未书写 (ended without a report), or 未到交班时间."""
        if self.report is not None:
            return self.report.status
        return NOT_WRITTEN if self.ended else NOT_YET

    @property
    def state_text(self) -> str:
        return STATE_TEXT.get(self.state, self.state)

    @property
    def missing(self) -> bool:
        return self.report is None and self.ended


@dataclass(frozen=True)
class BookDay:
    date: dt.date
    slots: tuple[Slot, ...]

    @property
    def written(self) -> bool:
        return any(s.report is not None for s in self.slots)


@dataclass(frozen=True)
class WardBook:
    department_id: int
    department_name: str
    names_visible: bool
    days: tuple[BookDay, ...]     # days with a report or with a shift that has ended


@dataclass(frozen=True)
class HandoverSnapshot:
    hospital: str
    kind: str
    first: dt.date
    last: dt.date
    scope: str                     # "全院" or the ward's name
    wards: tuple[WardBook, ...]
    figures: tuple[WardFigures, ...]
    author: str
    printed_at: dt.datetime

    @property
    def title(self) -> str:
        return TITLES[self.kind]

    @property
    def unit_label(self) -> str:
        return UNIT_LABELS[self.kind]

    @property
    def names_masked(self) -> bool:
        return any(not w.names_visible for w in self.wards)

    def slots(self):
        """(ward, day, slot) for every slot, in print order."""
        for ward in self.wards:
            for day in ward.days:
                for slot in day.slots:
                    yield ward, day, slot

    def reports(self) -> list[Report]:
        return [s.report for _w, _d, s in self.slots() if s.report is not None]

    @property
    def missing(self) -> int:
        return sum(s.missing for _w, _d, s in self.slots())

    def period(self) -> str:
        if self.first == self.last:
            return cn_date(self.first)
        return f"{cn_date(self.first)}至{cn_date(self.last)}"

    def summary(self) -> str:
        return (f"{self.scope}，{self.period()}，{len(self.reports())} 份{KIND_LABELS[self.kind]}记录"
                + (f"，{self.missing} 个班次未书写" if self.missing else ""))

    def info(self) -> ReportInfo:
        filters = [f"{self.unit_label}：{self.scope}", KIND_LABELS[self.kind]]
        if self.names_masked:
            filters.append("患者姓名已隐去")
        printed = self.printed_at.strftime("%Y-%m-%d %H:%M")
        return ReportInfo(title=f"{self.title}（{self.scope}）", hospital=self.hospital,
                          period=f"期间：{self.period()}", filters=tuple(filters), author=self.author,
                          printed_at=self.printed_at, internal=True,
                          verification=f"{self.hospital} {self.title} {self.period()} · 打印：{self.author} {printed}")


def _report_shift(report: Report, day: dt.date) -> Shift:
    """The shift as the report recorded it (the ward's pattern may have changed since)."""
    start = dt.datetime.fromisoformat(report.shift_starts_at)
    return Shift(report.shift_order, report.shift_name, report.shift_starts_at[11:16], report.shift_ends_at[11:16],
                 (start.date() - day).days)


def _masked(report: Report) -> Report:
    return replace(report, names_visible=False,
                   entries=tuple(replace(e, patient_name=mask_name(e.patient_name)) for e in report.entries))


def _wards(session: Session, kind: str, department_id: int | None, with_reports: set[int]) -> list[tuple[int, str]]:
    """The wards to print: those of the kind the user sees (doctors: departments with a template
    or a report in the period, as in the figures), or the one asked for."""
    db = session.db
    allowed = service.within(session, department_id)
    out = []
    for w in repo.departments(db):
        if (allowed is not None and w["id"] not in allowed) or department_id not in (None, w["id"]):
            continue
        own_kind = w["kind"] == service._DEPT_KIND[kind] and w["active"]
        configured = kind == NURSE or repo.template_row(db, w["id"], kind) is not None
        if w["id"] in with_reports or w["id"] == department_id or (own_kind and configured):
            out.append((w["id"], w["name"]))
    return out


@action(HANDOVER_VIEW, scope=service.viewing(service.A_BOOK))
def handover_snapshot(session: Session, kind: str, first, last, department_id: int | None = None) -> HandoverSnapshot:
    """Every report of ``first``–``last`` (handover days) of the wards this user sees, or of one
    ward, with every ended shift that has no report, and the period's figures."""
    if kind not in KIND_LABELS:
        raise errors.ValidationError("交接班类别须为 nurse（护理交接班）或 doctor（医师交接班）。", field="类别")
    a, b = (dt.date.fromisoformat(d) for d in date_range(first, last, example="2026-11-01"))
    if (b - a).days >= MAX_DAYS:
        raise errors.ValidationError(f"一次最多打印或导出 {MAX_DAYS} 天（所选 {(b - a).days + 1} 天），请分段进行，"
                                     "例如每次一个月或一个季度。", field="日期")
    db = session.db
    if department_id is not None:
        service._template(db, department_id, kind)  # a ward of the right kind, or a message saying why not
    reports = repo.printout_reports(db, kind=kind, departments=service.within(session, department_id),
                                    first=a.isoformat(), last=b.isoformat())
    by_day: dict[tuple[int, str], list[Report]] = {}
    for r in reports:
        by_day.setdefault((r.department_id, r.date), []).append(r)
    now = session.now()
    books = []
    for ward, name in _wards(session, kind, department_id, {r.department_id for r in reports}):
        visible = service.names_visible(session, ward)
        try:
            shifts = service._template(db, ward, kind).shifts
        except errors.UserError:  # a former ward that is no longer a 护理单元: its reports still print
            shifts = ()
        days = []
        day = a
        while day <= b:
            slots = {s.order: Slot(s, None, s.interval(day)[1] <= now) for s in shifts}
            for report in by_day.get((ward, day.isoformat()), ()):
                slots[report.shift_order] = Slot(_report_shift(report, day), report if visible else _masked(report),
                                                 True)
            ordered = tuple(slots[k] for k in sorted(slots))
            if any(s.report is not None or s.ended for s in ordered):
                days.append(BookDay(day, ordered))
            day += dt.timedelta(days=1)
        books.append(WardBook(ward, name, visible, tuple(days)))
    profile = get_profile(db)
    scope = books[0].department_name if department_id is not None and books else "全院"
    if department_id is None and session.reach is not None:
        scope = "、".join(w.department_name for w in books) or "本病区"
    return HandoverSnapshot(
        hospital=profile.name if profile else "", kind=kind, first=a, last=b, scope=scope, wards=tuple(books),
        figures=tuple(service.figures(session, a, b, kind, department_id)), author=session.actor.display_name,
        printed_at=now)


# ----------------------------------------------------------------------------- PDF


_TITLE = style("htitle", 16, bold=True, align="center", leading=21, spaceAfter=1 * mm)
_SUB = style("hsub", 10.5, align="center", leading=15)
_MARK = style("hmark", 10.5, bold=True, align="center")
_HEAD = style("hhead", 8.5, bold=True, align="center", leading=10.5)
_ADDENDA_HEAD = style("hadd", 10.5, bold=True, leading=15, spaceBefore=3 * mm, spaceAfter=1 * mm)
_HEAD_LEFT = style("hheadl", 9, bold=True, leading=11.5)
_CELL = style("hcell", 8.5, leading=11)
_NEXT_ENTRY = _CELL.clone("hnext", spaceBefore=4)
_CELL_CENTER = style("hcellc", 8.5, align="center", leading=11)
_SIGN = style("hsign", 8, align="center", leading=10)
_NOTE = style("hnote", 8.5, leading=11.5, spaceBefore=1.5)
_GROUP_SHADE = 0.91
_GAP_SHADE = 0.94     # a shift without a report, a handover not yet received
_GRID = {"font_size": 8.5, "padding": (2, 2.5, 3, 3)}  # the roster's grid, 3 pt either side of the text


def printable(text: str) -> str:
    """The text with characters the bundled font lacks in their plain form (NFKC: SpO₂ → SpO2),
    so that nothing typed on the ward prints as a box."""
    for ch in missing_glyphs(text):
        plain = unicodedata.normalize("NFKC", ch)
        if plain != ch and not missing_glyphs(plain):
            text = text.replace(ch, plain)
    return text


def _markup(text: str) -> str:
    return escape(printable(text)).replace("\n", "<br/>")


def _p(text: str, paragraph_style=_CELL):
    return rich(_markup(text), paragraph_style)


def _shift_head(slot: Slot, *, times: bool = True):
    s = slot.shift
    label = s.label() if times else s.name
    return rich(f"{escape(label)}<br/><font size=\"7.5\">{escape(slot.state_text)}</font>", _HEAD)


def _census_value(report: Report, name: str) -> str:
    value = report.census.get(name)
    return "" if value is None else str(value)


def census_table(day: BookDay, width: float) -> Grid:
    """Rows = the day's shifts: 原有 … 一级护理, 核对, 状态, and both signatures with their times
    (at the top of the page, where the 护理部 looks first)."""
    shift_w, check_w, state_w, sign_w, wide_w = 31 * mm, 10 * mm, 14 * mm, 26 * mm, 15 * mm  # wide: 一级护理
    n = len(CENSUS_FIELDS)
    field_w = (width - shift_w - check_w - state_w - 2 * sign_w - wide_w) / (n - 1)
    grid = Grid([shift_w] + [field_w] * (n - 1) + [wide_w, check_w, state_w, sign_w, sign_w], **_GRID)
    grid.add_row([_p(h, _HEAD) for h in ("班次", *CENSUS_FIELDS, "核对", "状态", "交班者", "接班者")])
    for slot in day.slots:
        row = [_p(slot.shift.label(), _CELL_CENTER)]
        report = slot.report
        if report is None:
            r = grid.add_row(row + [_p(slot.state, _HEAD)])
            grid.span(cols=(1, -1), rows=r)
            grid.shade(_GAP_SHADE, rows=r)
            continue
        row += [_census_value(report, f) for f in CENSUS_FIELDS]
        row.append(_p("正确" if not census_findings(report.census) else "有误", _CELL_CENTER))
        row.append(_p(slot.state, _CELL_CENTER))  # 接班者 says 未接班 where it applies
        row.append(_p(signature_text(report.outgoing_name, report.outgoing_at, "未签名"), _SIGN))
        row.append(_p(signature_text(report.receiving_name, report.receiving_at, "未接班"), _SIGN))
        r = grid.add_row(row)
        if report.status != RECEIVED:
            grid.shade(_GAP_SHADE, cols=-1, rows=r)
    return grid


def signature_text(name: str | None, at: str | None, missing: str) -> str:
    return f"{name} {short_stamp(at)}" if name else missing


def census_notes(day: BookDay) -> list[str]:
    """Why a census row reads 有误, per shift."""
    out = []
    for slot in day.slots:
        if slot.report is not None:
            findings = census_findings(slot.report.census)
            if findings:
                out.append(f"{slot.shift.name}病人动态有误：" + "；".join(
                    (f"{f.field}：" if f.field and not f.message.startswith(f.field) else "") + f.message.rstrip("。")
                    for f in findings) + "。")
    return out


@dataclass
class PatientRow:
    """One patient of the day across the shifts (same bed and name)."""

    bed: str
    name: str
    diagnosis: str
    entries: dict[int, list[Entry]]   # shift order -> what that shift wrote

    @property
    def first_category(self) -> int:
        return min(CATEGORIES.index(e.category) if e.category in CATEGORIES else len(CATEGORIES)
                   for es in self.entries.values() for e in es)

    @property
    def section(self) -> str:
        i = self.first_category
        return SECTION_LABELS[CATEGORIES[i]] if i < len(CATEGORIES) else SECTIONS[-1]


def patient_rows(day: BookDay) -> list[PatientRow]:
    """The day's patients in the customary order: 离开病区 → 新入与转入 → 重点患者, then by bed."""
    rows: dict[tuple[str, str], PatientRow] = {}
    for slot in day.slots:
        if slot.report is None:
            continue
        for e in slot.report.entries:
            row = rows.setdefault((e.bed, e.patient_name), PatientRow(e.bed, e.patient_name, "", {}))
            row.entries.setdefault(slot.shift.order, []).append(e)
            row.diagnosis = e.diagnosis or row.diagnosis  # the latest shift's diagnosis
    return sorted(rows.values(), key=lambda r: (r.first_category, bed_key(r.bed), r.name))


def entry_lines(e: Entry) -> list[str]:
    """What a shift wrote about a patient, as printed in its column (markup, escaped)."""
    head = "、".join(dict.fromkeys((e.category, *e.marks)))
    facts = []
    if e.event_time:
        facts.append(_markup(e.event_time))
    if e.place:
        facts.append(("去向：" if e.category in LEFT else "来源：" if e.category in ARRIVED else "")
                     + _markup(e.place))
    if e.operation:
        facts.append("手术：" + _markup(e.operation))
    lines = [f"<b>{escape(head)}</b>" + ("　" + "　".join(facts) if facts else "")]
    lines += [f"<b>{label}</b>：{_markup(text)}" for attr, label in SBAR if (text := getattr(e, attr))]
    if e.bedside_at:
        proof = "；".join(x for x in (e.bedside_evidence, "照片：" + "、".join(e.attachments) if e.attachments
                                     else None) if x)
        by = f"（{e.bedside_by}）" if e.bedside_by else ""
        lines.append(_markup(f"床旁交接 ✓ {short_stamp(e.bedside_at)} {proof}{by}".rstrip()))
    elif e.needs_bedside:
        lines.append("<b>床旁交接：未记录</b>")
    return lines


def entry_paragraphs(entries: list[Entry]) -> list:
    """A shift's cell: a paragraph per line of each entry (a long row splits between them), a
    little space between two entries of the same patient."""
    out = []
    for n, e in enumerate(entries):
        out += [rich(line, _NEXT_ENTRY if n and i == 0 else _CELL) for i, line in enumerate(entry_lines(e))]
    return out


def patient_table(snapshot: HandoverSnapshot, ward: WardBook, day: BookDay, width: float, height: float) -> Grid:
    """Cells are lists of paragraphs, so a row taller than the page (``height``) can be split
    inside the row (reportlab drops a lone paragraph when it splits a row)."""
    slots = day.slots
    fixed = [11 * mm, 16 * mm, 28 * mm]
    grid = Grid(fixed + [(width - sum(fixed)) / max(1, len(slots))] * len(slots), header_rows=2, **_GRID)
    top = f"患者交班　{ward.department_name}　{cn_date(day.date)}" + ("　（患者姓名已隐去）" if not ward.names_visible else "")
    grid.add_row([_p(top, _HEAD_LEFT)], span=True, shade=1)
    grid.add_row([_p("床号", _HEAD), _p("姓名", _HEAD), _p("诊断", _HEAD)] + [_shift_head(s) for s in slots])
    grid.valign("top", rows=(2, -1))
    for c, slot in enumerate(slots, start=len(fixed)):
        if slot.report is None:
            grid.shade(_GAP_SHADE, cols=c, rows=(2, -1))
    section, tallest = None, 0.0
    rows = patient_rows(day)
    for row in rows:
        cells = [[_p(row.bed, _CELL_CENTER)], [_p(row.name, _CELL_CENTER)], [_p(row.diagnosis)]] + [
            entry_paragraphs(row.entries.get(s.shift.order, ())) for s in slots]
        row_height = grid.row_height(cells)
        tallest = max(tallest, row_height)
        if row.section != section:
            section = row.section
            # a group heading never ends a page, unless its first row must be split anyway
            grid.add_row([_p(section, _HEAD_LEFT)], span=True, shade=_GROUP_SHADE,
                         keep_with_next=row_height < height * 0.8)
        grid.add_row(cells)
    if not rows:
        text = "（本日各班次均未填写患者交班内容）" if day.written else "（本日没有交接班记录）"
        grid.add_row([_p(text, _CELL_CENTER)], span=True)
    grid.whole_rows = tallest < height * 0.8
    return grid


def item_text(item: dict) -> str:
    expected, note = item.get("expected"), (item.get("note") or "").strip()
    if expected is not None:
        n = parse_count(item.get("count"))
        text = "未清点" if n is None else f"{n}" + ("" if n == expected else f"（基数 {expected}，不符）")
    else:
        text = {True: "完好", False: "不完好"}.get(item.get("ok"), "未勾选")
    return text + (f"\n备注：{note}" if note else "")


def items_table(day: BookDay, width: float) -> Grid | None:
    """交接物品 (and 备注) in the patient table's shift columns; None when there is nothing."""
    slots = day.slots
    label_w = 55 * mm
    shift_w = (width - label_w) / max(1, len(slots))
    grid = Grid([label_w] + [shift_w] * len(slots), **_GRID)
    grid.add_row([_p("交接物品", _HEAD)] + [_shift_head(s, times=False) for s in slots])
    names: dict[str, object] = {}
    for slot in slots:
        for item in slot.report.items if slot.report else ():
            names.setdefault(item.get("name") or "", item.get("expected"))
    for name, expected in names.items():
        label = name + (f"（基数 {expected}）" if expected is not None else "")
        cells = []
        for slot in slots:
            found = next((i for i in slot.report.items if i.get("name") == name), None) if slot.report else None
            cells.append(_p(item_text(found), _CELL_CENTER) if found else "")
        grid.add_row([_p(label)] + cells)
    if any(s.report and s.report.notes for s in slots):
        grid.add_row([_p("备注")] + [_p(s.report.notes) if s.report and s.report.notes else "" for s in slots])
    if len(grid) == 1:
        return None
    grid.keep_together(rows=(0, min(len(grid), 16) - 1))  # a short list stays on one page
    for c, slot in enumerate(slots, start=1):
        if slot.report is None:
            grid.shade(_GAP_SHADE, cols=c, rows=(1, -1))
    return grid


def addenda_table(day: BookDay, width: float) -> Grid:
    """补记: shift, time, author, text — after the report, never mixed into it."""
    widths = [22 * mm, 26 * mm, 22 * mm]
    grid = Grid(widths + [width - sum(widths)], **_GRID)
    grid.add_row([_p(h, _HEAD) for h in ("班次", "补记时间", "补记人", "补记内容")])
    for s in day.slots:
        for a in s.report.addenda if s.report else ():
            grid.add_row([_p(s.shift.name, _CELL_CENTER), _p(short_stamp(a.added_at), _CELL_CENTER),
                          _p(a.author, _CELL_CENTER), _p(a.text)])
    return grid


GAP_FIRST_COLUMNS = [Column("日期", 16, "center"), Column("星期", 8, "center")]  # then a column per shift: a layout


def weekday(day: dt.date) -> str:
    return "星期" + WEEKDAYS[day.weekday()]


def _heading(report: PdfReport, snapshot: HandoverSnapshot, ward: WardBook, when: str) -> None:
    report.add(rich(escape(snapshot.title), _TITLE))  # smaller than a report's title: a day fits a page
    parts = [snapshot.hospital, f"{snapshot.unit_label}：{ward.department_name}", when]
    if not ward.names_visible:
        parts.append("患者姓名已隐去")
    report.add(rich(("&nbsp;" * 6).join(_markup(p) for p in parts if p), _SUB))


def _day_page(report: PdfReport, snapshot: HandoverSnapshot, ward: WardBook, day: BookDay) -> None:
    width = report.frame_width
    _heading(report, snapshot, ward, f"{cn_date(day.date)}　{weekday(day.date)}")
    unfinished = [f"{s.shift.name} {s.state_text}" for s in day.slots if s.report and s.report.status != RECEIVED]
    if unfinished:
        report.spacer(1)
        report.boxed("未完成交接：" + "；".join(unfinished), _MARK, padding=(2, 3))
    report.spacer(1.5)
    report.add(census_table(day, width))
    for line in census_notes(day):
        report.add(_p(line, _NOTE))
    report.spacer(2.5)
    report.add(patient_table(snapshot, ward, day, width, report.pagesize[1] - report.margins.top
                             - report.margins.bottom))
    items = items_table(day, width)
    if items is not None:
        report.spacer(2.5)
        report.add(items)
    if any(s.report and s.report.addenda for s in day.slots):
        with report.together():
            report.add(rich("补记（双方签名后的更正，原记录不变）", _ADDENDA_HEAD))
            report.add(addenda_table(day, width))


def _gap_page(report: PdfReport, snapshot: HandoverSnapshot, ward: WardBook, days: list[BookDay]) -> None:
    first, last = days[0].date, days[-1].date
    when = cn_date(first) if first == last else f"{cn_date(first)}至{cn_date(last)}"
    _heading(report, snapshot, ward, when)
    missing = sum(s.missing for d in days for s in d.slots)
    report.note(f"以下 {len(days)} 天没有任何交接班记录，共 {missing} 个班次未书写：")
    names = list(dict.fromkeys(s.shift.name for d in days for s in d.slots))
    columns = GAP_FIRST_COLUMNS + [Column(n, 12, "center") for n in names]
    rows = []
    for d in days:
        states = {s.shift.name: s.state for s in d.slots}
        rows.append([d.date.isoformat(), weekday(d.date)[2:]] + [states.get(n, "—") for n in names])
    report.table(columns, rows, font_size=9)


def page_blocks(ward: WardBook) -> list[BookDay | list[BookDay]]:
    """A day with a report is a block of its own; consecutive days without one make one block."""
    out: list = []
    for day in ward.days:
        if day.written:
            out.append(day)
        elif out and isinstance(out[-1], list) and (day.date - out[-1][-1].date).days == 1:
            out[-1].append(day)
        else:
            out.append([day])
    return out


def write_handover_pdf(snapshot: HandoverSnapshot, path: Path | str, progress: ProgressCallback | None = None) -> Path:
    """The book (A4 landscape, see the module docstring); each ward's pages numbered on their own."""
    report = PdfReport(path, snapshot.info(), landscape=True, heading=False)
    books = [(w, page_blocks(w)) for w in snapshot.wards]
    books = [(w, blocks) for w, blocks in books if blocks]
    for ward, blocks in books:
        report.new_page_group()
        for i, block in enumerate(blocks):
            if i:
                report.page_break()
            if isinstance(block, BookDay):
                _day_page(report, snapshot, ward, block)
            else:
                _gap_page(report, snapshot, ward, block)
    if not books:
        report.title(snapshot.title)
        report.paragraph(f"{snapshot.scope}　{snapshot.period()}：没有可打印的交接班记录（所选期间的班次尚未结束）。",
                         align="center")
    return report.build(progress)


# ----------------------------------------------------------------------------- XLSX

# The workbook's report and entry columns come from the report's, the census's and the entry's fields.
# 记录状态 (the report's 状态 beside an entry), 床旁交接佐证 and 床旁照片 (the bedside dialog's 佐证 and
# 附件) print other headings than the fields' labels; the items handed over and the addenda have no
# fields of their own; the figures are counts — those columns stay the workbook's own.
_WHERE = H.xlsx_columns(("department_id", "date", "shift"))
REPORT_COLUMNS = [
    *_WHERE, *H.xlsx_columns(("status",)),
    *(replace(c, group=H.label("census")) for c in CENSUS.xlsx_columns(CENSUS_FIELDS)),
    *H.xlsx_columns(("census_ok", "outgoing", "outgoing_at", "receiving", "receiving_at", "notes")),
]
ENTRY_COLUMNS = [
    *_WHERE, Column("记录状态", 8, "center"),
    *E.xlsx_columns(("section", "category", "bed", "patient_name", "diagnosis", "marks", "event_time", "place",
                     "operation", "situation", "background", "assessment", "recommendation", "needs_bedside")),
    *H.xlsx_columns(("bedside_at",)), Column("床旁交接佐证", 20), Column("床旁照片", 14),
    *E.xlsx_columns(("bedside_by", "carried_from")),
]
ITEM_COLUMNS = [*_WHERE, Column("交接物品", 24), Column("基数", 6, "right"), Column("清点数", 7, "right"),
                Column("完好", 6, "center"), Column("数量相符", 8, "center"), Column("备注", 24)]
ADDENDUM_COLUMNS = [*_WHERE, Column("补记内容", 50), Column("补记人", 10), Column("补记时间", 16, "center")]
FIGURE_COLUMNS = [Column("病区", 14), Column("应交班", 8, "right"), Column("已书写", 8, "right"),
                  Column("已接班", 8, "right"), Column("按时签名", 8, "right"), Column("病人动态错误", 8, "right"),
                  Column("四级手术例次", 8, "right"), Column("床旁交接", 8, "right"),
                  Column("占比", 8, "right", number_format="0.0%")]


def _stamp(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _cell_count(value):
    """A census value as a number when it is one (a draft may hold what was typed)."""
    n = parse_count(value)
    return n if n is not None else (value if value not in (None, "") else None)


def report_rows(snapshot: HandoverSnapshot) -> list[list]:
    rows = []
    for ward, day, slot in snapshot.slots():
        where = [ward.department_name, day.date, slot.shift.name]
        r = slot.report
        if r is None:
            if slot.missing:
                rows.append(where + [NOT_WRITTEN] + [None] * (len(REPORT_COLUMNS) - 4))
            continue
        rows.append(where + [r.status] + [_cell_count(r.census.get(f)) for f in CENSUS_FIELDS] + [
            not census_findings(r.census), r.outgoing_name, _stamp(r.outgoing_at), r.receiving_name,
            _stamp(r.receiving_at), r.notes])
    return rows


def entry_rows(snapshot: HandoverSnapshot) -> list[list]:
    rows = []
    for ward, day, slot in snapshot.slots():
        for e in slot.report.entries if slot.report else ():
            rows.append([ward.department_name, day.date, slot.shift.name, slot.report.status, e.section, e.category,
                         e.bed, e.patient_name, e.diagnosis, "、".join(e.marks), e.event_time, e.place, e.operation,
                         e.situation, e.background, e.assessment, e.recommendation, e.needs_bedside,
                         _stamp(e.bedside_at), e.bedside_evidence, "、".join(e.attachments) or None, e.bedside_by,
                         bool(e.carried_from)])
    return rows


def item_rows(snapshot: HandoverSnapshot) -> list[list]:
    rows = []
    for ward, day, slot in snapshot.slots():
        for item in slot.report.items if slot.report else ():
            expected = item.get("expected")
            count = parse_count(item.get("count"))
            matches = None if expected is None or count is None else count == expected
            rows.append([ward.department_name, day.date, slot.shift.name, item.get("name"), expected, count,
                         item.get("ok") if expected is None else None, matches, item.get("note") or None])
    return rows


def addendum_rows(snapshot: HandoverSnapshot) -> list[list]:
    return [[ward.department_name, day.date, slot.shift.name, a.text, a.author, _stamp(a.added_at)]
            for ward, day, slot in snapshot.slots() if slot.report for a in slot.report.addenda]


def figure_rows(snapshot: HandoverSnapshot) -> list[list]:
    return [[f.department_name, f.expected, f.written, f.received, f.on_time, f.census_errors, f.grade4,
             f.grade4_bedside, f.bedside_ratio if f.bedside_ratio is not None else "—"] for f in snapshot.figures]


def write_handover_xlsx(snapshot: HandoverSnapshot, path: Path | str,
                        progress: ProgressCallback | None = None) -> Path:
    """交班报告, 患者交班, 交接物品, 补记, 统计: frozen headers, A4 landscape fit to width, 内部资料."""
    report = XlsxReport(path, snapshot.info(), landscape=True)
    for title, columns, rows in (("交班报告", REPORT_COLUMNS, report_rows), ("患者交班", ENTRY_COLUMNS, entry_rows),
                                 ("交接物品", ITEM_COLUMNS, item_rows), ("补记", ADDENDUM_COLUMNS, addendum_rows),
                                 ("统计", FIGURE_COLUMNS, figure_rows)):
        first = replace(columns[0], label=snapshot.unit_label)  # 病区, or 科室 for doctors
        report.table([first, *columns[1:]], rows(snapshot), sheet_title=title)
    return report.build(progress)


# ----------------------------------------------------------------------------- self-test


def write_selftest_sample(session, pdf: Path, xlsx: Path) -> str:
    """The self-test's printout of this module (see desktop_app/selftest.py)."""
    today = session.today()
    snapshot = handover_snapshot(session, "nurse", today, today)
    write_handover_pdf(snapshot, pdf)
    write_handover_xlsx(snapshot, xlsx)
    return snapshot.summary()
