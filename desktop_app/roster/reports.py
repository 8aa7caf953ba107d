"""值班表 printed for the notice board (全院公开, PDF) and exported (XLSX).

Two steps, as for every report: :func:`roster_snapshot` reads everything the printouts need at
once (through :func:`desktop_app.roster.service.month_view`, so a draft is refused to anyone who
may not plan), then a writer lays the snapshot out — on a worker thread if need be::

    snap = roster_snapshot(session, "2026-12")                       # or department_id= / group=
    write_roster_pdf(snap, "值班表.pdf", layout="week")               # one table per calendar week
    write_roster_pdf(snap, "内科值班表.pdf", layout="month")          # dates down, post·shifts across
    write_roster_xlsx(snap, "值班表.xlsx")                            # 值班表 / 通讯录 / 统计 / 变更记录

What is printed:

* the title "<医院名称><YYYY年M月>值班表" (+ the department or post group when filtered); a draft
  says "（草稿）" in the title, carries a boxed "草稿 未发布，不得张贴" line under it, and
  "草稿（未发布）" in the footer of every page;
* footer on every page: "第 N 版 · 发布日期 … · 生成日期 …" at the left, "第 n 页 共 m 页" in the middle;
* **week layout**: one table per calendar week (Monday–Sunday, this month's dates only; a first
  or last week of one or two days joins its neighbour), columns = the dates with 星期 (holidays
  named and shaded, weekends shaded), rows = post · shift grouped by post group (a group heading
  row never ends a page; a post's shifts stay on one page; the header row repeats on every page);
  each cell lists the people, each with the phone number in small type beside the name (under
  it in a week of more than seven days). A shift that does not apply that day prints "—";
* **month layout** (a department's roster, few posts): one table for the month, rows = dates,
  columns = post · shift under a post heading; when the columns would not fit at a readable
  size (more than :data:`MONTH_COLUMNS_PER_TABLE`) the posts are split over several tables
  ("续表") instead of shrinking the text. Cells hold names only; a 联系电话 list follows;
* then 换班/替班 记录 (if any) and the signature lines 医务科 / 护理部 / 分管院长 (签字) and 日期.

Tallies (统计) are :func:`desktop_app.roster.rules.tallies` of the whole month — a person's load
over every post — listed for the people on the printed posts.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from desktop_app.accounts.permissions import action
from desktop_app.hospital.service import get_profile
from desktop_app.people.repo import department_name
from desktop_app.reports.base import Column, ProgressCallback, ReportInfo
from desktop_app.reports.pdf import Grid, PdfReport, mm, para, rich, style, text_width
from desktop_app.reports.xlsx import XlsxReport
from desktop_app.roster import repo, service
from desktop_app.roster.calendar import HOLIDAY, HOLIDAY_KIND, MAKEUP_WORKDAY, WEEKEND
from desktop_app.roster.manifest import ROSTER_EXPORT
from desktop_app.roster.models import DRAFT, ROSTER_FIELDS, Post, Revision, Shift, StaffInfo
from desktop_app.roster.rules import Tally
from desktop_app.session import Session

WEEKDAYS = "一二三四五六日"
SIGNATURES = ("医务科（签字）", "护理部（签字）", "分管院长（签字）", "日期")
DRAFT_MARK = "草稿　未发布，仅供排班核对，不得张贴"
MONTH_COLUMNS_PER_TABLE = 9  # post·shift columns of the month layout that stay readable at 8.5 pt
LAYOUTS = ("week", "month")
R = ROSTER_FIELDS

_GROUP_SHADE = 0.91
_REST_SHADE = 0.95    # weekends and holidays


def weekday_text(day: dt.date) -> str:
    return "星期" + WEEKDAYS[day.weekday()]


def month_title(month: str) -> str:
    year, m = month.split("-")
    return f"{year}年{int(m)}月"


@dataclass(frozen=True)
class RosterSnapshot:
    hospital: str
    month: str                     # 2026-12
    status: str                    # 草稿 / 已发布
    version: int
    published_at: str | None       # "2026-11-25 10:02:11"
    published_by: str | None
    department: str | None         # the filter, as printed
    group: str | None
    days: tuple[dt.date, ...]
    day_kinds: dict[str, str]      # date -> 工作日 / 周末 / 节假日
    day_names: dict[str, str]      # date -> 元旦 / 调休上班（春节）…
    posts: tuple[Post, ...]        # grouped by post group, in the posts' order
    cells: dict[tuple[str, int], tuple[StaffInfo, ...]]
    revisions: tuple[Revision, ...]
    confirmed_violations: tuple[dict, ...]  # accepted when the month was published
    tallies: tuple[Tally, ...]
    people: tuple[StaffInfo, ...]  # everyone on the printed posts, by department then name
    shared_names: frozenset[str]   # names two staff on duty share: printed with 工号 in the XLSX
    generated_on: dt.date
    author: str

    @property
    def draft(self) -> bool:
        return self.status == DRAFT

    @property
    def scope(self) -> str:
        return "　".join(p for p in (self.department, self.group) if p)

    @property
    def title(self) -> str:
        return f"{self.hospital}{month_title(self.month)}值班表"

    def full_title(self) -> str:
        return self.title + (f"（{self.scope}）" if self.scope else "") + ("（草稿）" if self.draft else "")

    def edition_line(self) -> str:
        """Printed at the foot of every page."""
        made = f"生成日期 {self.generated_on.isoformat()}"
        if self.draft:
            return f"草稿（未发布） · {made}"
        published = (self.published_at or "")[:10]
        return f"第 {self.version} 版 · 发布日期 {published} · {made}"

    def shifts(self) -> list[tuple[Post, Shift]]:
        return [(p, s) for p in self.posts for s in p.shifts if s.active]

    def people_at(self, day: dt.date, shift_id: int) -> tuple[StaffInfo, ...]:
        return self.cells.get((day.isoformat(), shift_id), ())

    def applies(self, day: dt.date, shift: Shift) -> bool:
        return shift.applies_on(self.day_kinds[day.isoformat()])

    def day_note(self, day: dt.date) -> str:
        return self.day_names.get(day.isoformat(), "")

    def weeks(self) -> list[list[dt.date]]:
        """The month's days by week (Monday to Sunday), only dates of this month; a first or last
        week of one or two days joins its neighbour, so no table is a sliver (at most 9 days)."""
        weeks: list[list[dt.date]] = []
        for day in self.days:
            if not weeks or day.weekday() == 0:
                weeks.append([])
            weeks[-1].append(day)
        if len(weeks) > 1 and len(weeks[0]) <= 2:
            first = weeks.pop(0)
            weeks[0] = first + weeks[0]
        if len(weeks) > 1 and len(weeks[-1]) <= 2:
            last = weeks.pop()
            weeks[-1] = weeks[-1] + last
        return weeks

    def label(self, person: StaffInfo) -> str:
        """The name as written in the XLSX: with the 工号 when another person on duty has it too."""
        return f"{person.name}({person.employee_no})" if person.name in self.shared_names else person.name


def _group_order(posts) -> list[Post]:
    groups = list(dict.fromkeys(p.group_name for p in posts))
    return sorted(posts, key=lambda p: groups.index(p.group_name))


# Printed as shown (service.month_view): the published roster is everyone's; a draft its planners'.
@action(ROSTER_EXPORT, scope=service.VIEWING)
def roster_snapshot(session: Session, month: str, *, department_id: int | None = None,
                    group: str | None = None) -> RosterSnapshot:
    """Everything the printouts of ``month`` need (a department's or a post group's posts if given)."""
    view = service.month_view(session, month, group=group, department_id=department_id)
    db = session.db
    names = {}
    for date, kind, name in repo.holiday_entries(db, view.days[0], view.days[-1]):
        names[date] = name if kind == HOLIDAY_KIND else f"{MAKEUP_WORKDAY}（{name}）"
    posts = _group_order([p for p in view.posts if any(s.active for s in p.shifts)])
    shown = {s.id for p in posts for s in p.shifts}
    cells = {k: v for k, v in view.cells.items() if k[1] in shown}
    people = {p.id: p for v in cells.values() for p in v}
    shared = repo.shared_staff_names(db)
    department = department_name(db, department_id) if department_id else None
    profile = get_profile(db)
    return RosterSnapshot(
        hospital=profile.name if profile else "", month=view.month, status=view.status, version=view.version,
        published_at=view.published_at, published_by=view.published_by, department=department, group=group,
        days=view.days, day_kinds=view.day_kinds, day_names=names, posts=tuple(posts), cells=cells,
        revisions=tuple(r for r in view.revisions if r.shift_id in shown),
        confirmed_violations=() if view.status == DRAFT else tuple(service.confirmed_violations(session, view.month)),
        tallies=tuple(t for t in view.tallies if t.staff_id in people),
        people=tuple(sorted(people.values(), key=lambda p: (p.department_name, p.name, p.employee_no))),
        shared_names=frozenset(shared), generated_on=session.today(), author=session.actor.display_name,
    )


def _info(snapshot: RosterSnapshot) -> ReportInfo:
    period = month_title(snapshot.month) + ("　草稿（未发布）" if snapshot.draft else f"　第 {snapshot.version} 版")
    return ReportInfo(title=snapshot.full_title(), hospital=snapshot.hospital, period=period,
                      filters=(snapshot.scope,) if snapshot.scope else ("全院",), author=snapshot.author,
                      printed_at=dt.datetime.combine(snapshot.generated_on, dt.time()),
                      verification=snapshot.edition_line())


# ----------------------------------------------------------------------------- PDF


_TIGHT = {"align": "center", "line_height": 1.25}  # a board's cells: centred, close lines
_HEAD = style("rh", 8.5, bold=True, **_TIGHT)
_HEAD_SMALL = style("rhs", 7, **_TIGHT)
_POST = style("rp", 8.5, bold=True, **_TIGHT)
_SHIFT = style("rs", 8, **_TIGHT)
_CELL = style("rc", 8.5, leading=10, **_TIGHT)
_MONTH_CELL = style("rmc", 8, leading=9.4, **_TIGHT)
_GROUP = style("rg", 9, bold=True, line_height=1.25)
_MARK = style("draft", 12, bold=True, **_TIGHT)
_SUB = style("sub", 10.5, **_TIGHT)
_GRID = {"font_size": 8.5, "padding": (2, 2.5, 2, 2)}  # the printed roster's grid


def _names_with_phones(people: tuple[StaffInfo, ...], *, inline: bool):
    """Each person on a line: the name, then the phone in small type — beside it when the column
    is wide enough (a week of 7 days), under it otherwise."""
    if not people:
        return ""
    parts = []
    joint = "&nbsp;" if inline else "<br/>"
    for person in people:
        phone = f"{joint}<font size=\"6.5\">{escape(person.phone)}</font>" if person.phone else ""
        parts.append(escape(person.name) + phone)
    return rich("<br/>".join(parts), _CELL)


def _fits_inline(snapshot: RosterSnapshot, week: list[dt.date], width: float) -> bool:
    """Whether every name with its phone fits on one line of a cell ``width`` points wide."""
    widest = max((text_width(p.name, _CELL.fontSize) + text_width(f" {p.phone or ''}", 6.5)
                  for day in week for _post, shift in snapshot.shifts() for p in snapshot.people_at(day, shift.id)),
                 default=0)
    return widest <= width


def _date_head(snapshot: RosterSnapshot, day: dt.date):
    note = snapshot.day_note(day)
    text = f"{day.month}月{day.day}日<br/>{weekday_text(day)}"
    if note:
        text += f"<br/><font size=\"7\">{escape(note)}</font>"
    return rich(text, _HEAD)


def _rest_day(snapshot: RosterSnapshot, day: dt.date) -> bool:
    return snapshot.day_kinds.get(day.isoformat()) in (WEEKEND, HOLIDAY)


def week_title(snapshot: RosterSnapshot, n: int, week: list[dt.date]) -> str:
    first, last = week[0], week[-1]
    return (f"第 {n} 周　{first.month}月{first.day}日（{weekday_text(first)}）至"
            f"{last.month}月{last.day}日（{weekday_text(last)}）")


def _week_table(snapshot: RosterSnapshot, n: int, week: list[dt.date], width: float) -> Grid:
    """The week's title (a row spanning the table, repeated with the header on every page), the header, the posts."""
    post_w, shift_w = 30 * mm, 31 * mm
    day_w = (width - post_w - shift_w) / max(len(week), 7)
    inline = _fits_inline(snapshot, week, day_w - 4)  # "王明月 13912345678" on one line
    grid = Grid([post_w, shift_w] + [day_w] * len(week), header_rows=2, **_GRID)
    grid.add_row([para(week_title(snapshot, n, week), _GROUP)], span=True, shade=1)
    grid.add_row([para("岗位", _HEAD), para("班次", _HEAD)] + [_date_head(snapshot, d) for d in week])
    grid.line_below(rows=0)
    grid.pad(top=1, bottom=1.5, rows=(2, -1))
    for c, day in enumerate(week, start=2):
        if _rest_day(snapshot, day):
            grid.shade(_REST_SHADE, cols=c, rows=(2, -1))
    group = None
    for post in snapshot.posts:
        shifts = [s for s in post.shifts if s.active]
        if post.group_name != group:
            group = post.group_name
            grid.add_row([para(group, _GROUP)], span=True, shade=_GROUP_SHADE, keep_with_next=True)
        first = len(grid)
        for shift in shifts:
            row = [para(post.name, _POST) if len(grid) == first else "",
                   rich(f"{escape(shift.name)} <font size=\"7\">{shift.starts}–"
                        f"{'次日' if shift.overnight else ''}{shift.ends}</font>", _SHIFT)]
            for day in week:
                if not snapshot.applies(day, shift):
                    row.append("—")
                else:
                    row.append(_names_with_phones(snapshot.people_at(day, shift.id), inline=inline))
            grid.add_row(row)
        if len(shifts) > 1:
            grid.span(cols=0, rows=(first, len(grid) - 1))
            grid.keep_together(rows=(first, len(grid) - 1))
    return grid


def _month_tables(snapshot: RosterSnapshot, width: float) -> list[Grid]:
    columns = snapshot.shifts()
    chunks: list[list[tuple[Post, Shift]]] = []
    for post, shift in columns:  # split between posts, never inside one
        if not chunks or (len(chunks[-1]) + len(post.shifts) > MONTH_COLUMNS_PER_TABLE
                          and chunks[-1][-1][0].id != post.id):
            chunks.append([])
        chunks[-1].append((post, shift))
    tables = []
    date_w, weekday_w = 16 * mm, 24 * mm  # the 星期 column also names the holiday: "六 调休上班"
    for part in chunks or [[]]:
        col_w = (width - date_w - weekday_w) / max(len(part), MONTH_COLUMNS_PER_TABLE // 2 or 1)
        grid = Grid([date_w, weekday_w] + [col_w] * len(part), header_rows=2, **_GRID)
        top = [para("日期", _HEAD), para("星期", _HEAD)]
        bottom = ["", ""]
        grid.span(cols=0, rows=(0, 1))
        grid.span(cols=1, rows=(0, 1))
        c = 2
        for post in dict.fromkeys(p for p, _ in part):
            shifts = [s for p, s in part if p.id == post.id]
            if len(shifts) == 1:
                top.append(para(f"{post.name}\n{shifts[0].name}", _HEAD))
                bottom.append("")
                grid.span(cols=c, rows=(0, 1))
            else:
                top += [para(post.name, _HEAD)] + [""] * (len(shifts) - 1)
                bottom += [para(s.name, _HEAD_SMALL) for s in shifts]
                grid.span(cols=(c, c + len(shifts) - 1), rows=0)
            c += len(shifts)
        grid.add_row(top)
        grid.add_row(bottom)
        for day in snapshot.days:
            note = snapshot.day_note(day)
            note = note.split("（")[0]  # "调休上班（国庆节）" → "调休上班": one line a day
            row = [para(f"{day.month}月{day.day}日", _MONTH_CELL),
                   para(weekday_text(day)[2:] + (f" {note}" if note else ""), _MONTH_CELL)]
            for _post, shift in part:
                if not snapshot.applies(day, shift):
                    row.append("—")
                else:
                    row.append(para("、".join(p.name for p in snapshot.people_at(day, shift.id)), _MONTH_CELL))
            grid.add_row(row, shade=_REST_SHADE if _rest_day(snapshot, day) else None)
        grid.pad(top=0.6, bottom=1.2, rows=(2, -1))  # a month on a page
        tables.append(grid)
    return tables


# 换班/替班记录: the revisions' fields; 岗位班次 (post and shift in one cell) and 变更内容 (the change in
# words, Revision.text) are the printout's own.
REVISION_COLUMNS = [*R.pdf_columns(("version", "kind", "date")), Column("岗位班次", 14), Column("变更内容", 40),
                    *R.pdf_columns(("reason", "requested_by", "approved_by", "recorded_at"))]
# the 联系电话 list under a month layout: three people a line (a layout; 电话 is shorter than the staff
# field's 联系电话)
CONTACT_COLUMNS = [Column("姓名", 8), Column("科室", 12), Column("电话", 13)] * 3


def revision_rows(snapshot: RosterSnapshot) -> list[list]:
    return [[f"第 {r.version} 版", r.kind, r.date, f"{r.post_name} {r.shift_name}", r.text().split("：", 1)[-1],
             r.reason, r.requested_by, r.approved_by, r.recorded_at[:16]] for r in snapshot.revisions]


def _contact_rows(snapshot: RosterSnapshot) -> list[list]:
    flat = [[p.name, p.department_name, p.phone or "（未登记）"] for p in snapshot.people]
    rows = []
    third = -(-len(flat) // 3)  # read down the first column, then the second …
    for i in range(third):
        row = []
        for k in range(3):
            j = i + k * third
            row += flat[j] if j < len(flat) else ["", "", ""]
        rows.append(row)
    return rows


def write_roster_pdf(snapshot: RosterSnapshot, path: Path | str, progress: ProgressCallback | None = None, *,
                     layout: str = "week") -> Path:
    """A4 landscape notice-board roster (see the module docstring); ``layout`` "week" or "month"."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}")
    report = PdfReport(path, _info(snapshot), landscape=True, heading=False)
    report.title(snapshot.title)
    sub = [snapshot.scope] if snapshot.scope else []
    if not snapshot.draft:
        sub.append(f"第 {snapshot.version} 版　{(snapshot.published_at or '')[:10]} 发布")
    if sub:
        report.add(para("　　".join(sub), _SUB))
    if snapshot.draft:
        report.boxed(DRAFT_MARK, _MARK, padding=(3, 4))
    report.spacer(3)
    width = report.frame_width
    if not snapshot.shifts():
        report.paragraph("（没有可打印的值班岗位）", align="center")
    elif layout == "week":
        for n, week in enumerate(snapshot.weeks(), start=1):
            report.add(_week_table(snapshot, n, week, width))
            report.spacer(4)
    else:
        tables = _month_tables(snapshot, width)
        for n, table in enumerate(tables, start=1):
            if len(tables) > 1:
                report.add(para(f"{'续表' if n > 1 else '表'} {n}/{len(tables)}", _GROUP))
            report.add(table)
            report.spacer(4)
        if snapshot.people:
            report.heading("联系电话", level=2)
            report.table(CONTACT_COLUMNS, _contact_rows(snapshot), font_size=8.5)
    if snapshot.revisions:
        report.heading("换班 / 替班记录", level=2)
        report.table(REVISION_COLUMNS, revision_rows(snapshot), font_size=8.5)
    report.signature_block(SIGNATURES, columns=3)
    return report.build(progress)


# ----------------------------------------------------------------------------- XLSX


def roster_columns(snapshot: RosterSnapshot) -> list[Column]:
    """日期, 星期, 节假日, then a column per post · shift (the post over its shifts when it has several)."""
    cols = [Column("日期", 11, "center"), Column("星期", 7, "center"), Column("节假日", 10, "center")]
    for post in snapshot.posts:
        shifts = [s for s in post.shifts if s.active]
        for shift in shifts:
            if len(shifts) == 1:
                cols.append(Column(post.name, max(10, len(post.name) * 2 + 1)))
            else:
                cols.append(Column(shift.name, max(10, len(post.name) * 2 // len(shifts) + 1), group=post.name))
    return cols


def roster_rows(snapshot: RosterSnapshot) -> list[list]:
    rows = []
    for day in snapshot.days:
        kind = snapshot.day_kinds[day.isoformat()]
        note = snapshot.day_note(day) or (kind if kind != "工作日" else "")
        row = [day, weekday_text(day), note]
        row += ["、".join(snapshot.label(p) for p in snapshot.people_at(day, s.id)) for _p_, s in snapshot.shifts()]
        rows.append(row)
    return rows


# 通讯录 (the people on duty with their phones: headings, widths and formats of its own, e.g. 电话 where the
# staff field says 联系电话, 工号 not as text) and 统计 (counts) are the workbook's own; 变更记录 has the
# revisions' fields, where 原值班人, 接替人 and 对方的班（换班） are shorter than the dialog's field labels
# (原值班人员, 接替人员, 对方的班).
CONTACT_XLSX = [Column("姓名", 10), Column("工号", 10), Column("科室", 16), Column("职称", 14),
                Column("执业状态", 12), Column("电话", 15)]
TALLY_XLSX = [Column("姓名", 10), Column("科室", 16), Column("值班数", 8, "right"), Column("夜班数", 8, "right"),
              Column("周末班", 8, "right"), Column("节假日班", 9, "right"),
              Column("工时", 8, "right", number_format="0.0")]
REVISION_XLSX = [*R.xlsx_columns(("version", "kind", "date", "post", "shift")), Column("原值班人", 10),
                 Column("接替人", 10), Column("对方的班（换班）", 12, "center"),
                 *R.xlsx_columns(("reason", "requested_by", "approved_by", "recorded_by", "recorded_at"))]


def write_roster_xlsx(snapshot: RosterSnapshot, path: Path | str, progress: ProgressCallback | None = None) -> Path:
    """Sheets 值班表, 通讯录, 统计 and 变更记录; frozen headers, A4 landscape fit to width."""
    report = XlsxReport(path, _info(snapshot), landscape=True)
    report.table(roster_columns(snapshot), roster_rows(snapshot), sheet_title="值班表")
    report.table(CONTACT_XLSX, [[p.name, p.employee_no, p.department_name, p.title, p.practice_status, p.phone]
                                for p in snapshot.people], sheet_title="通讯录")
    report.table(TALLY_XLSX, [[t.name, t.department, t.duties, t.nights, t.weekends, t.holidays, t.hours]
                              for t in snapshot.tallies], sheet_title="统计")
    report.table(REVISION_XLSX, [[f"第 {r.version} 版", r.kind, dt.date.fromisoformat(r.date), r.post_name,
                                  r.shift_name, r.from_staff, r.to_staff,
                                  dt.date.fromisoformat(r.other_date) if r.other_date else None, r.reason,
                                  r.requested_by, r.approved_by, r.recorded_by, r.recorded_at[:16]]
                                 for r in snapshot.revisions], sheet_title="变更记录")
    return report.build(progress)


# ----------------------------------------------------------------------------- self-test


def write_selftest_sample(session, pdf: Path, xlsx: Path) -> str:
    """The self-test's printout of this module (see desktop_app/selftest.py)."""
    month = session.today().strftime("%Y-%m")
    snapshot = roster_snapshot(session, month)
    write_roster_pdf(snapshot, pdf)
    write_roster_xlsx(snapshot, xlsx)
    return f"{month} 值班表 {len(snapshot.posts)} 个岗位"
