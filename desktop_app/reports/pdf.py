"""PDF reports on reportlab platypus — the one builder every module prints with.

Usage::

    info = ReportInfo(title="人员名册", hospital="霍山县人民医院", period="截至2026年11月23日",
                      filters=["科室：内科（含下属科室）"], author="王管理", printed_at=now)
    report = PdfReport(path, info, landscape=True)
    report.heading("一、基本情况")
    report.paragraph("本院……")                       # plain text, escaped; "\\n" starts a new line
    report.table([Column("序号", 4, "center"), Column("姓名", 8)], rows)   # rows: values or GroupRow
    report.fields([[("培训主题", "…")], [("时间", "…"), ("地点", "…")]])  # a form's particulars, ruled
    report.signature_block()                          # 填报人 / 联系电话 / 审核人 / … / 单位（盖章）
    report.build(progress=callback)                   # writes ``path`` atomically, returns it

Documents that are not tables under one heading (letters such as the 整改通知书) pass
``heading=False`` and lay out their own title with :meth:`PdfReport.title`; several such
documents go into one file with :meth:`PdfReport.new_page_group`, which starts a new page and
restarts the page numbering there ("第 1 页 共 2 页" counts the pages of that document only).

What every page gets: A4; GB/T 9704 margins in portrait (top 37, bottom 35, left 28, right
26 mm). Landscape pages carry wide tables, so they use top 25 (the binding edge once the
sheet is turned into a portrait-bound file), bottom 20, left/right 20 mm: 257 mm of width
for a twelve-column roster. The footer reads "第 n 页 共 m 页" (drawn after layout, when the
page count is known) with ``info.verification`` at its left; ``info.internal`` puts a
"内部资料" mark at the top right of every page. The first page starts with the title (bold,
centred), the hospital and period, "筛选条件：…" and "制表：… 打印时间：…".

Tables repeat their header row(s) on every page, wrap text inside cells, scale the columns'
``width`` weights to the frame width, and use a grid with light zebra rows that prints well
in black and white. A :class:`GroupRow` heading never ends a page, and a signature block takes
the table's last rows with it rather than stand alone on a page. Fonts: bundled Noto Sans SC
Regular/Bold, embedded (see ``fonts.py``); body text is sans-serif, not the 仿宋 of GB/T 9704.

A report is built from values already read (a snapshot), never from the database while
drawing. ``progress(done, total)`` is called during the build; raising
:class:`desktop_app.errors.Cancelled` from it stops the build and no file is left behind.
"""
from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape as landscape_size
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable, KeepTogether, LongTable, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle,
)

from desktop_app import APP_NAME
from desktop_app.reports.base import (
    Column, GroupRow, Progress, ProgressCallback, ReportInfo, atomic_output, cell_text, group_runs, header_rows,
)
from desktop_app.reports.fonts import FONT, FONT_BOLD, register_fonts

__all__ = ["Column", "GroupRow", "PdfReport", "ReportInfo", "SignatureBlock", "DEFAULT_SIGNATURE_LABELS"]


@dataclass(frozen=True)
class Margins:
    top: float
    bottom: float
    left: float
    right: float


PORTRAIT_MARGINS = Margins(top=37 * mm, bottom=35 * mm, left=28 * mm, right=26 * mm)  # GB/T 9704-2012
LANDSCAPE_MARGINS = Margins(top=25 * mm, bottom=20 * mm, left=20 * mm, right=20 * mm)

DEFAULT_SIGNATURE_LABELS = ("填报人", "联系电话", "审核人", "单位负责人（签字）", "日期", "单位（盖章）")

HEADER_FILL = colors.Color(0.85, 0.85, 0.85)
GROUP_FILL = colors.Color(0.90, 0.90, 0.90)
ZEBRA_FILL = colors.Color(0.955, 0.955, 0.955)
_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}


def _style(name: str, size: float, *, bold=False, align=TA_LEFT, leading=None, **kw) -> ParagraphStyle:
    return ParagraphStyle(
        name, fontName=FONT_BOLD if bold else FONT, fontSize=size, leading=leading or size * 1.3,
        alignment=align, wordWrap="CJK", **kw,
    )


STYLES = {
    "title": _style("title", 18, bold=True, align=TA_CENTER, leading=26, spaceAfter=2 * mm),
    "subtitle": _style("subtitle", 12, align=TA_CENTER, leading=18, spaceAfter=2 * mm),
    "meta": _style("meta", 9.5, leading=13),
    "heading1": _style("heading1", 13, bold=True, leading=20, spaceBefore=3 * mm, spaceAfter=1.5 * mm),
    "heading2": _style("heading2", 11.5, bold=True, leading=17, spaceBefore=2 * mm, spaceAfter=1 * mm),
    "body": _style("body", 11, leading=18, firstLineIndent=22, spaceAfter=1 * mm),
    "note": _style("note", 9.5, leading=14, spaceBefore=1.5 * mm),
}


def _fit(text: str, font: str, size: float, room: float) -> str:
    """``text``, cut short with “…” to fit ``room`` points on one line."""
    if stringWidth(text, font, size) <= room:
        return text
    while text and stringWidth(text + "…", font, size) > room:
        text = text[:-1]
    return text + "…"


def _text(text: str) -> str:
    """Plain text as paragraph markup: escaped, newlines kept."""
    return escape(text).replace("\n", "<br/>")


class SignatureBlock(Flowable):
    """Labels with lines to sign on, ``columns`` pairs a row; never split over two pages.

    A label containing "盖章" gets no line, and the block keeps 10 mm free below itself for
    the seal. ``values`` prefill blanks (e.g. ``{"填报人": "王管理"}``).
    """

    SEAL_ROOM = 10 * mm

    def __init__(self, labels: Sequence[str] = DEFAULT_SIGNATURE_LABELS, *, columns: int = 2,
                 values: Mapping[str, str] | None = None, font_size: float = 11):
        super().__init__()
        self.labels, self.columns, self.values = list(labels), columns, dict(values or {})
        self.font_size = font_size
        self.spaceBefore = 6 * mm
        self.extra = self.SEAL_ROOM if any("盖章" in label for label in self.labels) else 0
        self._table: Table | None = None

    def _build(self, width: float) -> Table:
        label_style = _style("sig", self.font_size, align=TA_RIGHT)
        value_style = _style("sigv", self.font_size)
        rows, cmds = [], []
        for r, start in enumerate(range(0, len(self.labels), self.columns)):
            row = []
            for c, label in enumerate(self.labels[start:start + self.columns]):
                row += [Paragraph(_text(label) + "：", label_style),
                        Paragraph(_text(self.values.get(label, "")), value_style)]
                if "盖章" not in label:
                    cmds.append(("LINEBELOW", (2 * c + 1, r), (2 * c + 1, r), 0.6, colors.black))
            rows.append(row + [""] * (2 * self.columns - len(row)))
        pair_w = width / self.columns
        widest = max((stringWidth(label + "：", FONT, self.font_size) for label in self.labels), default=0)
        label_w = min(widest + 14, pair_w * 0.6)  # cell padding is 6 + 6
        value_w = pair_w - label_w
        table = Table(rows, colWidths=[label_w, value_w] * self.columns, rowHeights=10 * mm)
        table.setStyle(TableStyle(cmds + [
            ("FONT", (0, 0), (-1, -1), FONT, self.font_size),
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ]))
        return table

    def wrap(self, availWidth, availHeight):
        self._table = self._build(availWidth)
        w, h = self._table.wrap(availWidth, availHeight)
        return w, h + self.extra

    def draw(self):
        self._table.drawOn(self.canv, 0, self.extra)


class _PageGroupStart(Flowable):
    """Zero-size mark: the page it lands on starts a new page-numbering group."""

    def wrap(self, availWidth, availHeight):
        return 0, 0

    def draw(self):
        self.canv._page_group = getattr(self.canv, "_page_group", 0) + 1


def _cell(text: str, style: ParagraphStyle, room: float):
    """A cell's content: text that fits on one line is a plain string (about ten times cheaper to
    lay out than a paragraph: a 20,000-row ledger), anything longer a wrapping paragraph."""
    size = style.fontSize
    if "\n" not in text and (len(text) * size <= room or stringWidth(text, FONT, size) <= room):
        return text
    return Paragraph(_text(text), style)


class _DataTable(LongTable):
    """A table made by :meth:`PdfReport.table`; its split parts are of this class too."""


class _KeepWithTail(Flowable):
    """A table and what closes it (a total, the signature block): those never start a page
    alone — the last rows of the table move to the next page with them."""

    TAIL_ROWS = 3

    def __init__(self, table: Table, following: list):
        super().__init__()
        self.table, self.following = table, following

    def wrap(self, availWidth, availHeight):
        return availWidth, availHeight + 1  # never drawn whole: split() hands out the pieces

    def split(self, aw, ah):
        table_h = self.table.wrap(aw, ah)[1]
        rest_h = sum(f.wrap(aw, ah)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in self.following)
        if table_h + rest_h <= ah:
            return [self.table, *self.following]
        if table_h > ah:  # the table goes on over the page: keep the tail for later
            parts = self.table.split(aw, ah)
            return [parts[0], _KeepWithTail(parts[1], self.following)] if len(parts) == 2 else parts
        parts = self.table.split(aw, table_h - sum(self.table._rowHeights[-self.TAIL_ROWS:]))
        if len(parts) == 2:
            return [parts[0], KeepTogether([parts[1], *self.following])]
        if getattr(getattr(self, "_frame", None), "_atTop", True):
            return [self.table, *self.following]  # a short table that cannot move anywhere better
        return [PageBreak(), self.table, *self.following]


def _keep_signatures_with_tables(story: list) -> list:
    out: list = []
    for f in story:
        if isinstance(f, SignatureBlock):
            t = max((i for i, x in enumerate(out) if isinstance(x, _DataTable)), default=None)
            if t is not None and all(isinstance(x, (Paragraph, Spacer)) for x in out[t + 1:]):
                out[t:] = [_KeepWithTail(out[t], out[t + 1:] + [f])]
                continue
        out.append(f)
    return out


@dataclass
class _TableSpec:
    columns: list[Column]
    rows: list
    font_size: float
    empty_text: str
    row_height: float = 0  # points; 0: as tall as the text


class _Doc(SimpleDocTemplate):
    def __init__(self, filename, *, on_rows, **kw):
        super().__init__(filename, **kw)
        self._on_rows = on_rows

    def afterFlowable(self, flowable):
        if isinstance(flowable, _DataTable):
            self._on_rows(len(flowable._cellvalues) - flowable.repeatRows)


class _NumberedCanvas(Canvas):
    """Keeps every page until the end, then decorates each with "第 n 页 共 m 页"."""

    def __init__(self, *args, decorate, **kw):
        super().__init__(*args, **kw)
        self._decorate = decorate
        self._pages: list[dict] = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        groups = [state.get("_page_group", 0) for state in self._pages]
        totals = Counter(groups)
        seen: Counter = Counter()
        for state, group in zip(self._pages, groups):
            self.__dict__.update(state)
            seen[group] += 1
            self._decorate(self, seen[group], totals[group])
            super().showPage()
        super().save()


class PdfReport:
    """Collects the body of one report; :meth:`build` lays it out and writes the file."""

    def __init__(self, path: Path | str, info: ReportInfo, *, landscape: bool = False, heading: bool = True):
        register_fonts()  # paragraphs need the fonts when they are made
        self.path = Path(path)
        self.info = info
        self.landscape = landscape
        self.heading_block = heading  # the standard title / hospital / filters / author lines
        self.pagesize = landscape_size(A4) if landscape else A4
        self.margins = LANDSCAPE_MARGINS if landscape else PORTRAIT_MARGINS
        self._story: list = []

    @property
    def frame_width(self) -> float:
        return self.pagesize[0] - self.margins.left - self.margins.right

    # ------------------------------------------------------------------ content

    def heading(self, text: str, level: int = 1) -> None:
        self._story.append(Paragraph(_text(text), STYLES["heading1" if level == 1 else "heading2"]))

    def title(self, text: str) -> None:
        """A bold centred title, as on the first page of a report (for ``heading=False`` documents)."""
        self._story.append(Paragraph(_text(text), STYLES["title"]))

    def paragraph(self, text: str, *, indent: bool = True, align: str | None = None) -> None:
        """Body text; ``indent`` starts it two characters in, as Chinese documents do.
        ``align`` ("left", "center", "right") sets a body-size line without the indent."""
        style = STYLES["body"] if indent else STYLES["note"]
        if align is not None:
            style = ParagraphStyle(f"body-{align}", parent=STYLES["body"], alignment=_ALIGN[align],
                                   firstLineIndent=0)
        self._story.append(Paragraph(_text(text), style))

    def note(self, text: str) -> None:
        """A smaller unindented line, e.g. a total under a table."""
        self.paragraph(text, indent=False)

    def spacer(self, height_mm: float) -> None:
        self._story.append(Spacer(1, height_mm * mm))

    def page_break(self) -> None:
        self._story.append(PageBreak())

    def new_page_group(self) -> None:
        """Start a new page (unless nothing came before) whose page numbers restart at 1."""
        if self._story:
            self._story.append(PageBreak())
        self._story.append(_PageGroupStart())

    def table(self, columns: Sequence[Column], rows: Iterable[Sequence | GroupRow], *,
              font_size: float = 9, empty_text: str = "（无记录）", row_height_mm: float = 0) -> None:
        """A data table; ``rows`` are sequences of values (dates, numbers, text, bools) or
        :class:`GroupRow` sub-headings. Cells are made at build time, with progress.

        ``row_height_mm`` makes every data row at least that tall (room to write or sign by
        hand); a row whose text wraps grows beyond it."""
        self._story.append(_TableSpec(list(columns), list(rows), font_size, empty_text, row_height_mm * mm))

    def signature_block(self, labels: Sequence[str] = DEFAULT_SIGNATURE_LABELS, *, columns: int | None = None,
                        values: Mapping[str, str] | None = None) -> None:
        """Two label/line pairs a row in portrait, three in landscape (unless ``columns`` says)."""
        columns = columns or (3 if self.landscape else 2)
        self._story.append(SignatureBlock(labels, columns=columns, values=values))

    def fields(self, lines: Sequence[Sequence[tuple[str, object]]], *, font_size: float = 10) -> None:
        """A ruled grid of labelled particulars (培训主题, 时间, 地点 … on a form): each inner
        sequence is one line of ``(label, value)`` pairs; a line with fewer pairs than the longest
        lets its last value run to the right edge. Values are printed as in table cells."""
        n = max((len(line) for line in lines), default=0)
        if not n:
            return
        size = font_size
        label_style = _style("fl", size, align=TA_CENTER, leading=size * 1.3)
        value_style = _style("fv", size, leading=size * 1.3)
        label_w = max(stringWidth(label, FONT, size) for line in lines for label, _v in line) + 10
        value_w = (self.frame_width - n * label_w) / n
        data, cmds = [], [
            ("FONT", (0, 0), (-1, -1), FONT, size), ("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("BOX", (0, 0), (-1, -1), 1, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5), ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ]
        for r, line in enumerate(lines):
            row = []
            for c, (label, value) in enumerate(line):
                row += [Paragraph(_text(label), label_style), Paragraph(_text(cell_text(value)), value_style)]
                cmds.append(("BACKGROUND", (2 * c, r), (2 * c, r), HEADER_FILL))
            if len(line) < n:
                cmds.append(("SPAN", (len(row) - 1, r), (-1, r)))
            data.append(row + [""] * (2 * n - len(row)))
        table = Table(data, colWidths=[label_w, value_w] * n, hAlign="CENTER")
        table.setStyle(TableStyle(cmds))
        self._story.append(table)

    def add(self, flowable: Flowable) -> None:
        """Any other reportlab flowable (use the fonts from ``fonts.py``)."""
        self._story.append(flowable)

    # ------------------------------------------------------------------ build

    def build(self, progress: ProgressCallback | None = None) -> Path:
        rows = sum(len(s.rows) or 1 for s in self._story if isinstance(s, _TableSpec))
        ticker = Progress(progress, 2 * rows + 1)  # make the cells, lay them out, save
        story = self._heading_flowables() if self.heading_block else []
        for item in self._story:
            story.append(self._make_table(item, ticker) if isinstance(item, _TableSpec) else item)
        story = _keep_signatures_with_tables(story)
        info = self.info
        with atomic_output(self.path) as tmp:
            doc = _Doc(
                str(tmp), on_rows=ticker.advance, pagesize=self.pagesize,
                topMargin=self.margins.top, bottomMargin=self.margins.bottom,
                leftMargin=self.margins.left, rightMargin=self.margins.right,
                title=info.title, author=info.author, subject=info.hospital, creator=APP_NAME,
                keywords=info.keywords,
                initialFontName=FONT,  # else every page names an unembedded Helvetica
            )
            doc.build(story, canvasmaker=functools.partial(_NumberedCanvas, decorate=self._decorate))
            ticker.finish()
        return self.path

    def _heading_flowables(self) -> list:
        info = self.info
        out = [Paragraph(_text(info.title), STYLES["title"])]
        if info.hospital_line():
            out.append(Paragraph(_text(info.hospital_line()), STYLES["subtitle"]))
        out.append(Paragraph(_text(info.filter_line()), STYLES["meta"]))
        out.append(Paragraph(_text(info.author_line()), STYLES["meta"]))
        out.append(Spacer(1, 3 * mm))
        return out

    def _decorate(self, canv: Canvas, page: int, total: int) -> None:
        width, height = self.pagesize
        m = self.margins
        canv.saveState()
        footer_y = m.bottom - 10 * mm
        canv.setFont(FONT, 9)
        number = f"第 {page} 页 共 {total} 页"
        canv.drawCentredString(width / 2, footer_y, number)
        if self.info.verification:  # left of the page number; a longer one on its own line just above it
            text, size = self.info.verification, 7.5
            room = width / 2 - stringWidth(number, FONT, 9) / 2 - 4 * mm - m.left
            canv.setFont(FONT, size)
            if stringWidth(text, FONT, size) <= room:
                canv.drawString(m.left, footer_y, text)
            else:
                canv.drawString(m.left, footer_y + 4 * mm, _fit(text, FONT, size, width - m.left - m.right))
        if self.info.internal:
            text, size = "内部资料", 10.5
            canv.setFont(FONT_BOLD, size)
            w = canv.stringWidth(text, FONT_BOLD, size)
            x, y = width - m.right - w, height - m.top + 5 * mm
            canv.drawString(x, y, text)
            canv.setLineWidth(0.8)
            canv.rect(x - 1.5 * mm, y - 1.5 * mm, w + 3 * mm, size + 2 * mm)
        canv.restoreState()

    def _make_table(self, spec: _TableSpec, ticker: Progress) -> Table:
        columns, n = spec.columns, len(spec.columns)
        size = spec.font_size
        head_style = _style("th", size, bold=True, align=TA_CENTER, leading=size * 1.25)
        cell_styles = [_style(f"td-{c.align}", size, align=_ALIGN[c.align], leading=size * 1.25) for c in columns]
        group_style = _style("tg", size, bold=True, leading=size * 1.25)

        total_weight = sum(c.width for c in columns)
        widths = [self.frame_width * c.width / total_weight for c in columns]
        room = [w - 6 for w in widths]  # inside the 3 pt left and right padding
        hdr = header_rows(columns)
        cmds = [
            ("FONT", (0, 0), (-1, -1), FONT, size, size * 1.25),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("BOX", (0, 0), (-1, -1), 1, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("BACKGROUND", (0, 0), (-1, hdr - 1), HEADER_FILL),
            ("ROWBACKGROUNDS", (0, hdr), (-1, -1), [colors.white, ZEBRA_FILL]),
        ]
        if hdr == 1:
            data = [[Paragraph(_text(c.label), head_style) for c in columns]]
        else:
            top, bottom = [""] * n, [""] * n
            for first, last, group in group_runs(columns):
                if group:
                    top[first] = Paragraph(_text(group), head_style)
                    bottom[first:last + 1] = [Paragraph(_text(c.label), head_style) for c in columns[first:last + 1]]
                    cmds.append(("SPAN", (first, 0), (last, 0)))
                else:
                    top[first] = Paragraph(_text(columns[first].label), head_style)
                    cmds.append(("SPAN", (first, 0), (first, 1)))
            data = [top, bottom]

        for row in spec.rows:
            r = len(data)
            if isinstance(row, GroupRow):
                data.append([Paragraph(_text(row.text), group_style)] + [""] * (n - 1))
                cmds += [("SPAN", (0, r), (-1, r)), ("BACKGROUND", (0, r), (-1, r), GROUP_FILL),
                         ("NOSPLIT", (0, r), (-1, r + 1))]  # never the last line of a page
            else:
                data.append([_cell(cell_text(v), st, w) for v, st, w in zip(row, cell_styles, room)])
            ticker.advance()
        if not spec.rows:
            data.append([Paragraph(_text(spec.empty_text), _style("te", size, align=TA_CENTER))] + [""] * (n - 1))
            cmds.append(("SPAN", (0, hdr), (-1, hdr)))
            ticker.advance()

        for c, col in enumerate(columns):  # for the cells that fit on one line (plain strings)
            cmds.append(("ALIGN", (c, hdr), (c, -1), col.align.upper()))
        if spec.row_height:  # a minimum height: the padding around one line of text makes it up
            pad = max(2.0, (spec.row_height - size * 1.25) / 2)
            cmds += [("TOPPADDING", (0, hdr), (-1, -1), pad), ("BOTTOMPADDING", (0, hdr), (-1, -1), pad)]
        table = _DataTable(data, colWidths=widths, repeatRows=hdr, hAlign="CENTER")
        table.setStyle(TableStyle(cmds))
        return table
