"""A small bar chart of problems found and closed per month, drawn with QPainter.

QtCharts lives in the large PySide6-Addons wheel; two series of at most 24 months do not need
it. The chart draws with the application font (Chinese labels), keeps a sensible scale when
everything is zero, thins out month labels when they would collide, and shows the figures of
the month under the mouse as a tooltip.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

FOUND_COLOUR = QColor("#1f6fb2")
CLOSED_COLOUR = QColor("#2e9d5b")
AXIS_COLOUR = QColor("#8a94a0")
GRID_COLOUR = QColor("#e6e9ed")
TEXT_COLOUR = QColor("#3a4450")


def nice_ticks(maximum: int, count: int = 5) -> list[int]:
    """0 … a round number above maximum, in steps of 1, 2 or 5 × 10ⁿ (0–5 for small or empty data).

    The top tick is always above the tallest bar, so its figure fits under the legend.
    """
    maximum = max(int(maximum), 0)
    if maximum <= 4:
        return list(range(6))
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = max(int(next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)), 1)
    top = step * math.ceil(maximum / step)
    if top == maximum:
        top += step
    return list(range(0, top + 1, step))


def month_label(month: str, first: bool) -> str:
    """'2026-03' → '3月', or '2026年3月' for the first label and every January."""
    year, mon = month.split("-")
    return f"{year}年{int(mon)}月" if first or mon == "01" else f"{int(mon)}月"


class TrendChart(QWidget):
    """``set_data([(\"2026-01\", found, closed), …])``; series names and colours fixed."""

    SERIES = (("发现问题", FOUND_COLOUR), ("已销号", CLOSED_COLOUR))

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.months: list[tuple[str, int, int]] = []
        self.empty_text = "所选期间没有问题记录"
        self.setMouseTracking(True)
        self.setMinimumHeight(180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("月度趋势图：每月发现问题数与销号数")

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(640, 240)

    def set_data(self, months: Sequence[tuple[str, int, int]]) -> None:
        self.months = [(m, int(f), int(c)) for m, f, c in months]
        self.update()

    def has_values(self) -> bool:
        return any(f or c for _m, f, c in self.months)

    # -- geometry (shared by painting, tooltips and tests)
    def plot_rect(self) -> QRectF:
        fm = QFontMetrics(self.font())
        ticks = nice_ticks(max((max(f, c) for _m, f, c in self.months), default=0))
        left = 12 + fm.horizontalAdvance(str(ticks[-1])) + 8
        top = 14 + fm.height() + 10  # the legend sits above the plot
        bottom = fm.height() + 12
        return QRectF(left, top, max(self.width() - left - 16, 10), max(self.height() - top - bottom, 10))

    def ticks(self) -> list[int]:
        return nice_ticks(max((max(f, c) for _m, f, c in self.months), default=0))

    def bar_rects(self) -> list[tuple[QRectF, QRectF]]:
        """(found bar, closed bar) per month, in widget coordinates."""
        if not self.months:
            return []
        plot = self.plot_rect()
        top_value = self.ticks()[-1]
        slot = plot.width() / len(self.months)
        bar = max(min(slot * 0.34, 28.0), 1.0)
        gap = min(slot * 0.06, 4.0)
        out = []
        for i, (_m, found, closed) in enumerate(self.months):
            centre = plot.left() + slot * (i + 0.5)
            rects = []
            for value, x in ((found, centre - gap / 2 - bar), (closed, centre + gap / 2)):
                h = plot.height() * value / top_value
                rects.append(QRectF(x, plot.bottom() - h, bar, h))
            out.append((rects[0], rects[1]))
        return out

    def month_at(self, x: float) -> int | None:
        if not self.months:
            return None
        plot = self.plot_rect()
        if not plot.left() <= x <= plot.right():
            return None
        return min(int((x - plot.left()) / (plot.width() / len(self.months))), len(self.months) - 1)

    # -- painting
    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt API
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("#ffffff"))
        fm = QFontMetrics(self.font())
        plot = self.plot_rect()
        self._paint_legend(p, fm)
        ticks = self.ticks()
        for value in ticks:
            y = plot.bottom() - plot.height() * value / ticks[-1]
            p.setPen(QPen(AXIS_COLOUR if value == 0 else GRID_COLOUR, 1))
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(TEXT_COLOUR)
            p.drawText(QRectF(0, y - fm.height() / 2, plot.left() - 8, fm.height()),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(value))
        if not self.has_values():
            p.setPen(AXIS_COLOUR)
            p.drawText(plot, Qt.AlignmentFlag.AlignCenter, self.empty_text if self.months else "暂无数据")
        rects = self.bar_rects()
        p.setPen(Qt.PenStyle.NoPen)
        for found, closed in rects:
            p.setBrush(FOUND_COLOUR)
            p.drawRect(found)
            p.setBrush(CLOSED_COLOUR)
            p.drawRect(closed)
        self._paint_values(p, fm, rects)
        self._paint_months(p, fm, plot)
        p.end()

    def _paint_legend(self, p: QPainter, fm: QFontMetrics) -> None:
        x = self.width() - 16
        y = 12
        for name, colour in reversed(self.SERIES):
            w = fm.horizontalAdvance(name)
            x -= w
            p.setPen(TEXT_COLOUR)
            p.drawText(QRectF(x, y, w + 2, fm.height()), Qt.AlignmentFlag.AlignVCenter, name)
            x -= 18
            p.fillRect(QRectF(x, y + fm.height() / 2 - 6, 12, 12), colour)
            x -= 18

    def _paint_values(self, p: QPainter, fm: QFontMetrics, rects) -> None:
        """Figures above the bars, when every bar is wide enough for its number."""
        if not rects or rects[0][0].width() < fm.horizontalAdvance("999") or not self.has_values():
            return
        p.setPen(TEXT_COLOUR)
        for (found_rect, closed_rect), (_m, found, closed) in zip(rects, self.months):
            for rect, value in ((found_rect, found), (closed_rect, closed)):
                if value:
                    box = QRectF(rect.center().x() - 30, rect.top() - fm.height() - 1, 60, fm.height())
                    p.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, str(value))

    def _paint_months(self, p: QPainter, fm: QFontMetrics, plot: QRectF) -> None:
        if not self.months:
            return
        slot = plot.width() / len(self.months)
        widest = max(fm.horizontalAdvance(month_label(m, True)) for m, _f, _c in self.months)
        every = max(1, math.ceil((widest + 8) / slot))
        p.setPen(TEXT_COLOUR)
        for i, (month, _f, _c) in enumerate(self.months):
            if i % every:
                continue
            text = month_label(month, i == 0)
            centre = plot.left() + slot * (i + 0.5)
            box = QRectF(centre - widest / 2 - 4, plot.bottom() + 4, widest + 8, fm.height())
            p.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, text)

    # -- tooltips
    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt API
        i = self.month_at(event.position().x())
        if i is None:
            QToolTip.hideText()
            return
        month, found, closed = self.months[i]
        year, mon = month.split("-")
        QToolTip.showText(event.globalPosition().toPoint(), f"{year}年{int(mon)}月：发现 {found} 个，销号 {closed} 个", self)
