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

Forms and boards that are not a list of records (the handover book, the roster's week tables)
lay out their own grid with :class:`Grid` — every cell placed by the caller, with spans,
shading, keep-together rows and repeated header rows — and hand it to :meth:`PdfReport.add`::

    head, cell = style("head", 8.5, bold=True, align="center"), style("cell", 8.5, leading=11)
    grid = Grid([30 * mm, 31 * mm] + [day_w] * 7, header_rows=2, font_size=8.5)
    grid.add_row([para("第 1 周", head)], span=True, shade=1)   # a title row across the table, unshaded
    grid.add_row([para("岗位", head), para("班次", head), *dates])
    r = grid.add_row([para("总值班", cell), "白班", ...])
    grid.shade(0.95, cols=(7, 8), rows=(2, -1))                # Saturday's and Sunday's columns
    grid.keep_together(rows=(r, r + 1))
    report.add(grid)

Text is made into cells and lines with :func:`style` (the one place the font and leading
defaults live), :func:`para` (plain text) and :func:`rich` (paragraph markup: ``<b>``,
``<font size="7">``, ``<br/>``); other blocks are :meth:`PdfReport.boxed` (a framed line such
as “草稿 未发布”), :meth:`PdfReport.rule`, :meth:`PdfReport.seals`, :meth:`PdfReport.together`
(what must not be split over two pages) and ``heading(…, room_mm=)`` (a heading that never
ends a page). Domain modules print with these and never import reportlab themselves.

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

import contextlib
import functools
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.pagesizes import landscape as landscape_size
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    HRFlowable,
    KeepTogether,
    LongTable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from desktop_app import APP_NAME
from desktop_app.reports.base import (
    Column,
    GroupRow,
    Progress,
    ProgressCallback,
    ReportInfo,
    atomic_output,
    cell_text,
    group_runs,
    header_rows,
)
from desktop_app.reports.fonts import FONT, FONT_BOLD, register_fonts

__all__ = ["Column", "GroupRow", "Grid", "PdfReport", "ReportInfo", "SignatureBlock", "DEFAULT_SIGNATURE_LABELS",
           "mm", "para", "rich", "style", "text_width"]


@dataclass(frozen=True)
class Margins:
    top: float
    bottom: float
    left: float
    right: float


PORTRAIT_MARGINS = Margins(top=37 * mm, bottom=35 * mm, left=28 * mm, right=26 * mm)  # GB/T 9704-2012
LANDSCAPE_MARGINS = Margins(top=25 * mm, bottom=20 * mm, left=20 * mm, right=20 * mm)

DEFAULT_SIGNATURE_LABELS = ("填报人", "联系电话", "审核人", "单位负责人（签字）", "日期", "单位（盖章）")

# Shades are grey levels (0 black … 1 white): cells print well in black and white.
HEADER_SHADE = 0.85   # header rows
GROUP_SHADE = 0.90    # a GroupRow of PdfReport.table
ZEBRA_SHADE = 0.955   # every other data row of PdfReport.table
_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}


def _grey(level: float):
    return colors.Color(level, level, level)


HEADER_FILL, ZEBRA_FILL = _grey(HEADER_SHADE), _grey(ZEBRA_SHADE)


def style(name: str, size: float, *, bold: bool = False, align: str = "left", leading: float | None = None,
          line_height: float = 1.3, **kw) -> ParagraphStyle:
    """A paragraph style in the bundled font: ``size`` points, regular or ``bold``, ``align`` left,
    center or right, Chinese line breaking; ``leading`` (points between baselines) defaults to
    ``line_height`` × ``size``. Other keywords are reportlab's ParagraphStyle attributes
    (``spaceBefore``, ``spaceAfter``, ``firstLineIndent``, in points). ``style.clone(name, **kw)``
    makes a variant."""
    return ParagraphStyle(
        name, fontName=FONT_BOLD if bold else FONT, fontSize=size, leading=leading or size * line_height,
        alignment=_ALIGN[align], wordWrap="CJK", **kw,
    )


STYLES = {
    "title": style("title", 18, bold=True, align="center", leading=26, spaceAfter=2 * mm),
    "subtitle": style("subtitle", 12, align="center", leading=18, spaceAfter=2 * mm),
    "meta": style("meta", 9.5, leading=13),
    "heading1": style("heading1", 13, bold=True, leading=20, spaceBefore=3 * mm, spaceAfter=1.5 * mm),
    "heading2": style("heading2", 11.5, bold=True, leading=17, spaceBefore=2 * mm, spaceAfter=1 * mm),
    "body": style("body", 11, leading=18, firstLineIndent=22, spaceAfter=1 * mm),
    "note": style("note", 9.5, leading=14, spaceBefore=1.5 * mm),
}


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """How wide ``text`` prints on one line, in points."""
    register_fonts()
    return stringWidth(text, FONT_BOLD if bold else FONT, size)


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


def para(text: str, paragraph_style: ParagraphStyle) -> Paragraph:
    """Plain text (escaped; a newline starts a new line) as a wrapping paragraph — a table cell
    or a line of its own."""
    return Paragraph(_text(text), paragraph_style)


def rich(markup: str, paragraph_style: ParagraphStyle) -> Paragraph:
    """Paragraph markup (``<b>``, ``<font size="7">``, ``<br/>``; text in it escaped by the caller)."""
    return Paragraph(markup, paragraph_style)


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
        label_style = style("sig", self.font_size, align="right")
        value_style = style("sigv", self.font_size)
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


class SealBlock(SignatureBlock):
    """Labels side by side (医务科（盖章） | … | 被授权人（签字）), each over ``room`` points left free
    for a seal or a signature, with a “年　月　日” line under each; ``widths`` are the columns'
    shares of the frame width. A signature block to :func:`_keep_signatures_with_tables`."""

    DATE_LINE = "年" + "\u00a0" * 5 + "月" + "\u00a0" * 5 + "日"

    def __init__(self, labels: Sequence[str], widths: Sequence[float], *, room: float = 15 * mm):
        super().__init__(labels, columns=len(labels))
        self.widths, self.room = list(widths), room
        self.extra = 0
        self.spaceBefore = 3 * mm

    def _build(self, width: float) -> Table:
        cell_style = STYLES["note"].clone("seal", alignment=TA_CENTER, spaceBefore=0)
        data = [[para(label, cell_style) for label in self.labels], [""] * len(self.labels),
                [para(self.DATE_LINE, cell_style) for _ in self.labels]]
        table = Table(data, colWidths=[width * w for w in self.widths], rowHeights=[None, self.room, None])
        table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, cell_style.fontSize),
                                   ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
        return table


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
    """A table made by :meth:`PdfReport.table` or a :class:`Grid`; its split parts are of this class
    too. A signature block keeps the last rows of such a table with it, and its rows count for the
    build's progress."""


Span = int | tuple[int, int]  # one row (column), or (first, last) inclusive; negative counts from the end
ALL: Span = (0, -1)


def _area(cols: Span, rows: Span) -> tuple[tuple[int, int], tuple[int, int]]:
    c0, c1 = (cols, cols) if isinstance(cols, int) else cols
    r0, r1 = (rows, rows) if isinstance(rows, int) else rows
    return (c0, r0), (c1, r1)


class Grid:
    """A ruled table whose every cell the caller places: forms and boards that are not a list of
    records (:meth:`PdfReport.table` is for those) — the handover book's census and patient
    grids, the roster's week tables and month grid.

    ``widths`` are the column widths in points (``mm`` is exported for them). The first
    ``header_rows`` rows are shaded and repeat at the top of every page the table runs onto.
    A cell is ``""``, a string (printed on one line in the grid's font at ``font_size``, aligned
    by ``align``), a paragraph from :func:`para` / :func:`rich` (wraps in the cell; its style
    aligns it), or a list of paragraphs (a cell that may be split between pages, see
    ``whole_rows``). Grid lines are 0.5 pt, the frame 1 pt; ``padding`` is (top, bottom, left,
    right) in points; ``valign`` is top, middle or bottom.

    Areas are given as ``cols=`` and ``rows=``: an index, or ``(first, last)`` inclusive, with
    negative indexes counting from the end (``rows=(2, -1)``: the third row to the last, however
    many there will be). What is set later wins where areas overlap (a row shaded after a column).

    Page breaks fall between rows and a row that does not fit moves to the next page; set
    ``whole_rows = False`` for a table holding a row taller than a page, which is then split
    inside rows (between the paragraphs of list cells), so that nothing is cut off. Every grid
    is centred in the frame.
    """

    def __init__(self, widths: Sequence[float], *, header_rows: int = 1, font_size: float = 8.5,
                 leading: float | None = None, align: str | None = "center", valign: str = "middle",
                 padding: tuple[float, float, float, float] = (2, 2.5, 2, 2), header_shade: float = HEADER_SHADE,
                 zebra: bool = False, whole_rows: bool = True):
        self.widths = list(widths)
        self.header_rows = header_rows
        self.whole_rows = whole_rows
        self.padding = padding
        self.rows: list[list] = []
        top, bottom, left, right = padding
        font = ("FONT", (0, 0), (-1, -1), FONT, font_size) + ((leading,) if leading else ())
        self._cmds: list[tuple] = [
            font,
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("BOX", (0, 0), (-1, -1), 1, colors.black),
            ("VALIGN", (0, 0), (-1, -1), valign.upper()),
        ]
        if align:
            self._cmds.append(("ALIGN", (0, 0), (-1, -1), align.upper()))
        self._cmds += [
            ("TOPPADDING", (0, 0), (-1, -1), top),
            ("BOTTOMPADDING", (0, 0), (-1, -1), bottom),
            ("LEFTPADDING", (0, 0), (-1, -1), left),
            ("RIGHTPADDING", (0, 0), (-1, -1), right),
        ]
        if header_rows:
            self._cmds.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), _grey(header_shade)))
        if zebra:  # every other row below the header lightly shaded
            self._cmds.append(("ROWBACKGROUNDS", (0, header_rows), (-1, -1), [colors.white, ZEBRA_FILL]))

    def __len__(self) -> int:
        return len(self.rows)

    def add_row(self, cells: Sequence, *, span: bool = False, shade: float | None = None,
                keep_with_next: bool = False) -> int:
        """Append a row (short rows are filled with empty cells) and return its index. ``span``
        joins its cells into one (a sub-heading across the table), ``shade`` fills it, and
        ``keep_with_next`` never lets it end a page."""
        r = len(self.rows)
        self.rows.append(list(cells) + [""] * (len(self.widths) - len(cells)))
        if span:
            self.span(rows=r)
        if shade is not None:
            self.shade(shade, rows=r)
        if keep_with_next:
            self.keep_together(rows=(r, r + 1))
        return r

    def span(self, *, cols: Span = ALL, rows: Span = ALL) -> None:
        """Join the cells of an area into one; its first cell's content fills it."""
        self._cmds.append(("SPAN", *_area(cols, rows)))

    def shade(self, level: float, *, cols: Span = ALL, rows: Span = ALL) -> None:
        """Fill an area grey: ``level`` 0 black … 1 white (white clears a header shade)."""
        self._cmds.append(("BACKGROUND", *_area(cols, rows), _grey(level)))

    def keep_together(self, *, rows: Span) -> None:
        """Never break the page inside these rows."""
        self._cmds.append(("NOSPLIT", *_area(ALL, rows)))

    def pad(self, *, top: float | None = None, bottom: float | None = None, left: float | None = None,
            right: float | None = None, cols: Span = ALL, rows: Span = ALL) -> None:
        """Other cell padding (points) for an area, e.g. tighter body rows so a month fits a page."""
        for name, value in (("TOP", top), ("BOTTOM", bottom), ("LEFT", left), ("RIGHT", right)):
            if value is not None:
                self._cmds.append((f"{name}PADDING", *_area(cols, rows), value))

    def align(self, how: str, *, cols: Span = ALL, rows: Span = ALL) -> None:
        """Horizontal alignment (left, center, right) of the string cells of an area."""
        self._cmds.append(("ALIGN", *_area(cols, rows), how.upper()))

    def valign(self, how: str, *, cols: Span = ALL, rows: Span = ALL) -> None:
        """Vertical alignment (top, middle, bottom) of the cells of an area."""
        self._cmds.append(("VALIGN", *_area(cols, rows), how.upper()))

    def line_below(self, *, rows: Span, width: float = 1) -> None:
        """A heavier rule under these rows (e.g. under a title row)."""
        self._cmds.append(("LINEBELOW", *_area(ALL, rows), width, colors.black))

    def row_height(self, cells: Sequence) -> float:
        """About how tall a row of these cells will be, padding included, counting the list cells
        (a row that may be taller than a page is one of them)."""
        top, bottom, left, right = self.padding
        return max((sum(f.wrap(w - left - right, 1e6)[1] for f in cell) + top + bottom
                    for cell, w in zip(cells, self.widths) if isinstance(cell, list)), default=0)

    def flowable(self) -> Table:
        # (reportlab falls back to splitting inside a row whenever the rest of a table starts with a
        # row that does not fit: allowed only where a row could not fit any page)
        table = _DataTable(self.rows, colWidths=self.widths, repeatRows=self.header_rows, hAlign="CENTER",
                           splitByRow=int(self.whole_rows), splitInRow=0 if self.whole_rows else 40)
        table.setStyle(TableStyle(self._cmds))
        return table


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


class _Together(list):
    """What :meth:`PdfReport.together` collected: one KeepTogether when the report is built."""


def _flatten(story: Iterable) -> Iterator:
    for item in story:
        if isinstance(item, _Together):
            yield from _flatten(item)
        else:
            yield item


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

    def heading(self, text: str, level: int = 1, *, room_mm: float = 0) -> None:
        """A section heading; with less than ``room_mm`` left on the page (the heading, a table's
        header and its first rows) it starts the next page instead of ending this one."""
        if room_mm:
            self._story.append(CondPageBreak(room_mm * mm))
        self._story.append(Paragraph(_text(text), STYLES["heading1" if level == 1 else "heading2"]))

    def title(self, text: str) -> None:
        """A bold centred title, as on the first page of a report (for ``heading=False`` documents)."""
        self._story.append(Paragraph(_text(text), STYLES["title"]))

    def paragraph(self, text: str, *, indent: bool = True, align: str | None = None) -> None:
        """Body text; ``indent`` starts it two characters in, as Chinese documents do.
        ``align`` ("left", "center", "right") sets a body-size line without the indent."""
        chosen = STYLES["body"] if indent else STYLES["note"]
        if align is not None:
            chosen = ParagraphStyle(f"body-{align}", parent=STYLES["body"], alignment=_ALIGN[align],
                                    firstLineIndent=0)
        self._story.append(Paragraph(_text(text), chosen))

    def note(self, text: str) -> None:
        """A smaller unindented line, e.g. a total under a table."""
        self.paragraph(text, indent=False)

    def spacer(self, height_mm: float) -> None:
        self._story.append(Spacer(1, height_mm * mm))

    def rule(self, *, thickness: float = 1, dashed: bool = False, space_before_mm: float = 1,
             space_after_mm: float = 1) -> None:
        """A line across the frame: under a document's number (the 红头 rule), or dashed where a
        receipt is to be cut off."""
        self._story.append(HRFlowable(width="100%", thickness=thickness, color=colors.black,
                                      dash=(3, 2) if dashed else None, spaceBefore=space_before_mm * mm,
                                      spaceAfter=space_after_mm * mm))

    def boxed(self, text: str, paragraph_style: ParagraphStyle, *, padding: tuple[float, float] = (3, 4)) -> None:
        """A framed line across the frame (“草稿 未发布，不得张贴”, “未完成交接：…”); ``padding`` is
        (top, bottom) inside the frame, in points."""
        mark = Table([[para(text, paragraph_style)]], hAlign="CENTER")
        mark.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, paragraph_style.fontSize),  # no stray Helvetica
                                  ("BOX", (0, 0), (-1, -1), 1.5, colors.black),
                                  ("TOPPADDING", (0, 0), (-1, -1), padding[0]),
                                  ("BOTTOMPADDING", (0, 0), (-1, -1), padding[1])]))
        self._story.append(mark)

    @contextlib.contextmanager
    def together(self):
        """What is added inside the ``with`` block stays on one page: it moves to the next page
        whole when it does not fit (e.g. a closing signature with the lines above it)."""
        start = len(self._story)
        yield
        block = self._story[start:]
        del self._story[start:]
        self._story.append(_Together(block))

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

    def seals(self, labels: Sequence[str], widths: Sequence[float], *, room_mm: float = 15) -> None:
        """Seals and signatures side by side, each with ``room_mm`` free below its label and a
        date line under it (:class:`SealBlock`); like a signature block, it takes the last rows of
        the table above with it to a new page rather than stand alone."""
        self._story.append(SealBlock(labels, widths, room=room_mm * mm))

    def fields(self, lines: Sequence[Sequence[tuple[str, object]]], *, font_size: float = 10) -> None:
        """A ruled grid of labelled particulars (培训主题, 时间, 地点 … on a form): each inner
        sequence is one line of ``(label, value)`` pairs; a line with fewer pairs than the longest
        lets its last value run to the right edge. Values are printed as in table cells."""
        n = max((len(line) for line in lines), default=0)
        if not n:
            return
        size = font_size
        label_style = style("fl", size, align="center")
        value_style = style("fv", size)
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

    def add(self, flowable: Flowable | Grid) -> None:
        """A :class:`Grid`, a paragraph from :func:`para` / :func:`rich`, or any other flowable."""
        self._story.append(flowable.flowable() if isinstance(flowable, Grid) else flowable)

    # ------------------------------------------------------------------ build

    def build(self, progress: ProgressCallback | None = None) -> Path:
        items = list(_flatten(self._story))
        rows = sum(len(s.rows) or 1 for s in items if isinstance(s, _TableSpec))
        laid = sum(len(t._cellvalues) - t.repeatRows for t in items if isinstance(t, _DataTable))  # grids
        ticker = Progress(progress, 2 * rows + laid + 1)  # make the cells, lay them out, save
        story = self._heading_flowables() if self.heading_block else []
        story += [self._make(item, ticker) for item in self._story]
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

    def _make(self, item, ticker: Progress):
        if isinstance(item, _TableSpec):
            return self._make_table(item, ticker)
        if isinstance(item, _Together):
            return KeepTogether([self._make(x, ticker) for x in item])
        return item

    def _make_table(self, spec: _TableSpec, ticker: Progress) -> Table:
        columns, n = spec.columns, len(spec.columns)
        size = spec.font_size
        head_style = style("th", size, bold=True, align="center", line_height=1.25)
        cell_styles = [style(f"td-{c.align}", size, align=c.align, line_height=1.25) for c in columns]
        group_style = style("tg", size, bold=True, line_height=1.25)

        total_weight = sum(c.width for c in columns)
        widths = [self.frame_width * c.width / total_weight for c in columns]
        room = [w - 6 for w in widths]  # inside the 3 pt left and right padding
        hdr = header_rows(columns)
        grid = Grid(widths, header_rows=hdr, font_size=size, leading=size * 1.25, align=None, padding=(2, 2.5, 3, 3),
                    zebra=True)
        if hdr == 1:
            grid.add_row([para(c.label, head_style) for c in columns])
        else:
            top, bottom = [""] * n, [""] * n
            for first, last, group in group_runs(columns):
                if group:
                    top[first] = para(group, head_style)
                    bottom[first:last + 1] = [para(c.label, head_style) for c in columns[first:last + 1]]
                    grid.span(cols=(first, last), rows=0)
                else:
                    top[first] = para(columns[first].label, head_style)
                    grid.span(cols=first, rows=(0, 1))
            grid.add_row(top)
            grid.add_row(bottom)

        for row in spec.rows:
            if isinstance(row, GroupRow):  # never the last line of a page
                grid.add_row([para(row.text, group_style)], span=True, shade=GROUP_SHADE, keep_with_next=True)
            else:
                grid.add_row([_cell(cell_text(v), st, w) for v, st, w in zip(row, cell_styles, room)])
            ticker.advance()
        if not spec.rows:
            grid.add_row([para(spec.empty_text, style("te", size, align="center"))], span=True)
            ticker.advance()

        for c, col in enumerate(columns):  # for the cells that fit on one line (plain strings)
            grid.align(col.align, cols=c, rows=(hdr, -1))
        if spec.row_height:  # a minimum height: the padding around one line of text makes it up
            pad = max(2.0, (spec.row_height - size * 1.25) / 2)
            grid.pad(top=pad, bottom=pad, rows=(hdr, -1))
        return grid.flowable()
