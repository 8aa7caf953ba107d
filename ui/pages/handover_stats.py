"""交接班统计: per ward and period — reports written and received, signed on time, census errors,
and 四级手术患者手术当日床旁交接班占比. Every figure is the core's (:func:`handover.figures`)."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel

from desktop_app.handover import service as handover
from desktop_app.handover.models import WardFigures
from desktop_app.settings import get_setting
from ui.errors import guarded
from ui.pages.base import Page
from ui.pages.dashboard import figure_cards
from ui.pages.handover import fill_kinds
from ui.table import Column, RecordTableModel, RecordTableView
from ui.widgets.period import PeriodPicker

PERIODS = ["本月", "上月", "本季度", "本年", "本年上半年", "去年全年", "近 12 个月"]


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
        self.period = PeriodPicker(PERIODS, ctx.session.today(), label="统计期间")
        self.grace = QLabel()
        self.grace.setObjectName("pageDescription")
        for w in (QLabel("类别"), self.kind, self.period):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(self.grace)
        layout.addLayout(row)
        cards = QGridLayout()
        self.cards, _ = figure_cards(cards, (
            ("应交班", "统计期间已结束的班次"), ("已接班", "交班、接班双方已签名"), ("按时率", "交班结束后规定时间内接班签名"),
            ("病人动态错误", "现有与公式不符的报告"), ("四级手术当日床旁交接班占比", "床旁交接的四级手术例次 ÷ 四级手术例次")))
        layout.addLayout(cards)
        self.model = RecordTableModel(COLUMNS, self)
        self.table = RecordTableView(self.model)
        self.table.horizontalHeader().setStretchLastSection(False)
        layout.addWidget(self.table, 1)
        self.period.changed.connect(self.mark_dirty)
        self.kind.currentIndexChanged.connect(lambda _i: self.refresh())
        self._kinds_filled = False
        ctx.session_replaced.connect(lambda: setattr(self, "_kinds_filled", False))

    def refresh(self) -> None:
        session = self.ctx.session
        if not self._kinds_filled:
            self.kind.blockSignals(True)
            fill_kinds(self, self.kind, self.ctx)
            self.kind.blockSignals(False)
            self._kinds_filled = True
        rows: list[WardFigures] = guarded(self, handover.figures, session, *self.period.range(),
                                          self.kind.currentData()) or []
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
