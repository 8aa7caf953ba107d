"""交接班统计: per ward and period — reports written and received, signed on time, census errors,
and 四级手术患者手术当日床旁交接班占比. Every figure is the core's (:func:`handover.figures`)."""
from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel

from desktop_app import dashboard
from desktop_app.handover import service as handover
from desktop_app.handover.models import WardFigures
from desktop_app.settings import get_setting
from ui.errors import guarded
from ui.forms import date_edit, date_value, set_date
from ui.pages.base import Page
from ui.pages.dashboard import StatCard
from ui.pages.handover import fill_kinds
from ui.table import Column, RecordTableModel, RecordTableView

CUSTOM = "自定义"
PERIODS = ["本月", "上月", "本季度", "本年", "本年上半年", "去年全年", "近 12 个月", CUSTOM]


def period_range(period: str, today: dt.date) -> tuple[dt.date, dt.date]:
    year = today.year
    if period == "本月":
        return today.replace(day=1), today
    if period == "上月":
        last = today.replace(day=1) - dt.timedelta(days=1)
        return last.replace(day=1), last
    if period == "本季度":
        return dt.date(year, (today.month - 1) // 3 * 3 + 1, 1), today
    if period == "本年":
        return dt.date(year, 1, 1), today
    if period == "本年上半年":
        return dt.date(year, 1, 1), min(today, dt.date(year, 6, 30))
    if period == "去年全年":
        return dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31)
    # 近 12 个月
    month = today.month - 11
    return (dt.date(year, month, 1) if month >= 1 else dt.date(year - 1, month + 12, 1)), today


def _rate(part: int, whole: int) -> str:
    return f"{part / whole * 100:.1f}%" if whole else "—"


COLUMNS = [
    Column("病区", lambda f: f.department_name, width=130),
    Column("应交班", lambda f: f.expected, width=62, align_right=True),
    Column("已书写", lambda f: f.written, width=62, align_right=True),
    Column("已接班", lambda f: f.received, width=62, align_right=True),
    Column("完成率", lambda f: _rate(f.received, f.expected), width=66, align_right=True,
           sort=lambda f: f.received / f.expected if f.expected else -1),
    Column("按时签名", lambda f: f.on_time, width=70, align_right=True),
    Column("按时率", lambda f: _rate(f.on_time, f.expected), width=66, align_right=True,
           sort=lambda f: f.on_time / f.expected if f.expected else -1),
    Column("病人动态错误", lambda f: f.census_errors, width=92, align_right=True,
           colour=lambda f: "#c62828" if f.census_errors else None),
    Column("四级手术例次", lambda f: f.grade4, width=92, align_right=True),
    Column("床旁交接", lambda f: f.grade4_bedside, width=70, align_right=True),
    Column("床旁交接班占比", lambda f: f.bedside_ratio_text, width=104, align_right=True,
           sort=lambda f: -1 if f.bedside_ratio is None else f.bedside_ratio),
]


class HandoverStatsPage(Page):
    title = "交接班统计"
    domains = frozenset({"handover", "people", "settings"})

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        layout = self.page_layout(
            "交接班统计",
            "应交班 = 统计期间已经结束的班次数；完成率 = 已接班（双方签名）÷ 应交班；按时率 = 交班结束后规定时间内接班签名的"
            " ÷ 应交班；四级手术患者手术当日床旁交接班占比 = 手术当日床旁交接的四级手术例次 ÷ 四级手术例次"
            "（同一患者两台四级手术计两次）。")
        row = QHBoxLayout()
        self.kind = QComboBox()
        self.period = QComboBox()
        self.period.addItems(PERIODS)
        today = ctx.session.today()
        self.date_from = date_edit(today.replace(day=1))
        self.date_to = date_edit(today)
        self.grace = QLabel()
        self.grace.setObjectName("pageDescription")
        for w in (QLabel("类别"), self.kind, QLabel("统计期间"), self.period, self.date_from, QLabel("至"), self.date_to):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(self.grace)
        layout.addLayout(row)
        cards = QGridLayout()
        self.cards: dict[str, QLabel] = {}
        for i, (label, note) in enumerate((("应交班", "统计期间已结束的班次"), ("已接班", "交班、接班双方已签名"),
                                           ("按时率", "交班结束后规定时间内接班签名"), ("病人动态错误", "现有与公式不符的报告"),
                                           ("四级手术当日床旁交接班占比", "床旁交接的四级手术例次 ÷ 四级手术例次"))):
            card = StatCard(dashboard.Stat(label, "—", note=note))
            card.setObjectName("figureCard")
            self.cards[label] = card.findChild(QLabel, "statValue")
            cards.addWidget(card, 0, i)
        layout.addLayout(cards)
        self.model = RecordTableModel(COLUMNS, self)
        self.table = RecordTableView(self.model)
        layout.addWidget(self.table, 1)
        self.period.currentTextChanged.connect(self._period_changed)
        for w in (self.date_from, self.date_to):
            w.dateChanged.connect(lambda _d: self._custom_dates())
        self.kind.currentIndexChanged.connect(lambda _i: self.refresh())
        self._setting_dates = False
        self._kinds_filled = False
        ctx.session_replaced.connect(lambda: setattr(self, "_kinds_filled", False))
        self._period_changed(self.period.currentText())

    def _period_changed(self, period: str) -> None:
        custom = period == CUSTOM
        self.date_from.setEnabled(custom)
        self.date_to.setEnabled(custom)
        if not custom:
            first, last = period_range(period, self.ctx.session.today())
            self._setting_dates = True
            set_date(self.date_from, first)
            set_date(self.date_to, last)
            self._setting_dates = False
        self.mark_dirty()

    def _custom_dates(self) -> None:
        if not self._setting_dates:
            self.mark_dirty()

    def refresh(self) -> None:
        session = self.ctx.session
        if not self._kinds_filled:
            self.kind.blockSignals(True)
            fill_kinds(self, self.kind, self.ctx)
            self.kind.blockSignals(False)
            self._kinds_filled = True
        rows: list[WardFigures] = guarded(self, handover.figures, session, date_value(self.date_from),
                                          date_value(self.date_to), self.kind.currentData()) or []
        self.model.set_rows(rows)
        total = rows[-1] if rows else None
        self.grace.setText(f"按时：交班结束后 {get_setting(session.db, 'handover.sign_within_minutes')} 分钟内接班签名"
                           "（系统设置中可改）")
        values = {"应交班": total and str(total.expected), "已接班": total and str(total.received),
                  "按时率": total and _rate(total.on_time, total.expected),
                  "病人动态错误": total and str(total.census_errors),
                  "四级手术当日床旁交接班占比": total and total.bedside_ratio_text}
        for label, value in values.items():
            self.cards[label].setText(value or "—")
