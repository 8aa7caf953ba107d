"""台账统计: figures, tables by category / department / source / severity, and the monthly trend.

Every figure comes from :func:`desktop_app.ledger.stats.ledger_stats` (fast enough to call on
every filter change); the page only chooses the period and department and lays the figures out.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
)

from desktop_app.ledger import service as ledger
from desktop_app.ledger import stats
from desktop_app.ledger.models import STATUSES, LedgerFilter
from desktop_app.people import service as people
from ui.dialogs.staff_edit import department_items
from ui.errors import guarded
from ui.forms import date_edit, set_date
from ui.pages.base import Page
from ui.pages.dashboard import figure_cards
from ui.widgets.period import period_range as named_period
from ui.table import Column, RecordTableModel, RecordTableView
from ui.widgets.trend_chart import TrendChart

CUSTOM = "自定义"
PERIODS = ["本年", "本年上半年", "本年下半年", "去年全年", "近 12 个月", "全部", CUSTOM]


def period_range(period: str, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The dates a named period covers (发现日期 from/to); None = no limit. 本年 runs to today here."""
    if period == "全部":
        return None, None
    if period == "本年":
        return dt.date(today.year, 1, 1), today
    return named_period(period, today)


def count_columns(first: str) -> list[Column]:
    """Rows are (name, Counts); the figures are the core's."""
    by_status = [Column(s, lambda r, s=s: r[1].by_status.get(s, 0), width=92 if len(s) > 4 else 64, align_right=True)
                 for s in STATUSES]
    return [
        Column(first, lambda r: r[0], width=190, tooltip=lambda r: r[0]),
        *by_status,
        Column("合计", lambda r: r[1].total, width=60, align_right=True),
        Column("逾期", lambda r: r[1].overdue, width=60, align_right=True,
               colour=lambda r: "#c62828" if r[1].overdue else None),
        Column("整改率", lambda r: stats.percent(r[1].rectification_rate), width=72, align_right=True),
        Column("销号率", lambda r: stats.percent(r[1].closure_rate), width=72, align_right=True),
    ]


CARDS = [("问题总数", ""), ("未销号", ""), ("已销号", ""), ("整改率", "（已整改待复查 + 已销号）÷ 问题总数"),
         ("销号率", "已销号 ÷ 问题总数"), ("逾期", "未销号且已过整改时限")]
TABLES = [("按类别", "问题类别", "by_category"), ("按科室", "科室", "by_department"),
          ("按来源", "来源", "by_source"), ("按严重程度", "严重程度", "by_severity")]


class LedgerStatsPage(Page):
    title = "台账统计"
    domains = frozenset({"ledger", "people"})

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        layout = self.page_layout(
            "台账统计",
            "按发现日期统计问题台账。整改率 =（已整改待复查 + 已销号）÷ 问题总数；销号率 = 已销号 ÷ 问题总数；"
            "逾期 = 未销号且已过整改时限。")
        filters = QHBoxLayout()
        filters.addWidget(QLabel("统计期间"))
        self.period = QComboBox()
        self.period.addItems(PERIODS)
        filters.addWidget(self.period)
        self.date_from = date_edit(ctx.session.today())
        self.date_to = date_edit(ctx.session.today())
        self.range_label = QLabel("至")
        for w in (self.date_from, self.range_label, self.date_to):
            filters.addWidget(w)
        filters.addSpacing(16)
        filters.addWidget(QLabel("科室"))
        self.department = QComboBox()
        self.department.setMinimumWidth(160)
        filters.addWidget(self.department)
        filters.addStretch(1)
        self.period_text = QLabel()
        self.period_text.setObjectName("pageDescription")
        filters.addWidget(self.period_text)
        layout.addLayout(filters)

        self.cards_frame = QFrame()
        self.cards, card_widgets = figure_cards(QGridLayout(self.cards_frame), CARDS)  # label → its figure
        self.overdue_card = card_widgets["逾期"]
        layout.addWidget(self.cards_frame)

        split = QSplitter(Qt.Orientation.Vertical)
        chart_box = QGroupBox("月度趋势：每月发现的问题与销号的问题")
        cv = QVBoxLayout(chart_box)
        self.chart = TrendChart()
        cv.addWidget(self.chart)
        split.addWidget(chart_box)
        self.tabs = QTabWidget()
        self.tables: dict[str, RecordTableModel] = {}
        for tab, first, key in TABLES:
            model = RecordTableModel(count_columns(first), self)
            view = RecordTableView(model)
            view.setSortingEnabled(False)  # the core's order, 合计 last
            view.horizontalHeader().setStretchLastSection(False)
            self.tables[key] = model
            self.tabs.addTab(view, tab)
        split.addWidget(self.tabs)
        split.setSizes([270, 290])
        layout.addWidget(split, 1)

        self._departments_ready = False
        self.period.currentIndexChanged.connect(lambda _i: self._period_changed())
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(lambda _d: self.period.currentText() == CUSTOM and self.reload_stats())
        self.department.currentIndexChanged.connect(lambda _i: self.reload_stats())
        self._period_changed(reload=False)

    # -- filters
    def _fill_departments(self) -> None:
        session = self.ctx.session
        current = self.department.currentData()
        scoped = ledger.reachable_departments(session)
        self.department.blockSignals(True)
        self.department.clear()
        self.department.addItem("本科室（含病区）" if scoped is not None else "全院", None)
        for label, dept_id in department_items(people.list_departments(session), active_only=False):
            if scoped is None or dept_id in scoped:
                self.department.addItem(label, dept_id)
        self.department.setCurrentIndex(max(self.department.findData(current), 0))
        self.department.blockSignals(False)
        self._departments_ready = True

    def _period_changed(self, reload: bool = True) -> None:
        custom = self.period.currentText() == CUSTOM
        for w in (self.date_from, self.range_label, self.date_to):
            w.setVisible(custom)
        if not custom:
            start, end = period_range(self.period.currentText(), self.ctx.session.today())
            for edit, value in ((self.date_from, start), (self.date_to, end)):
                if value:
                    edit.blockSignals(True)
                    set_date(edit, value)
                    edit.blockSignals(False)
        if reload:
            self.reload_stats()

    def current_filter(self) -> LedgerFilter:
        if self.period.currentText() == CUSTOM:
            qd = lambda e: dt.date(e.date().year(), e.date().month(), e.date().day())  # noqa: E731
            start, end = qd(self.date_from), qd(self.date_to)
        else:
            start, end = period_range(self.period.currentText(), self.ctx.session.today())
        return LedgerFilter(date_from=start, date_to=end, department_id=self.department.currentData())

    # -- figures
    def refresh(self) -> None:
        if guarded(self, self._fill_departments) is None and not self._departments_ready:
            return
        self.reload_stats()

    def reload_stats(self) -> None:
        flt = self.current_filter()
        result = guarded(self, stats.ledger_stats, self.ctx.session, flt)
        if result is None:
            return
        self.stats = result
        self.period_text.setText("；".join(flt.describe(self.department.currentText().strip())))
        self._show_cards(result.overall)
        for _tab, _first, key in TABLES:
            rows = list(getattr(result, key))
            if rows:
                rows.append(("合计", result.overall))
            self.tables[key].set_rows(rows)
        self.chart.set_data(result.monthly)

    def _show_cards(self, overall: stats.Counts) -> None:
        figures = {
            "问题总数": str(overall.total), "未销号": str(overall.open), "已销号": str(overall.closed),
            "整改率": stats.percent(overall.rectification_rate), "销号率": stats.percent(overall.closure_rate),
            "逾期": str(overall.overdue),
        }
        for label, value in figures.items():
            self.cards[label].setText(value)
        card = self.overdue_card
        card.setProperty("alert", overall.overdue > 0)  # red figure when anything is overdue
        card.style().unpolish(card)
        card.style().polish(card)
        for child in card.findChildren(QLabel):
            child.style().unpolish(child)
            child.style().polish(child)

    def card_values(self) -> dict[str, str]:
        """The figures as shown on the cards (used by tests)."""
        return {label: value.text() for label, value in self.cards.items()}

    def table_rows(self, key: str) -> list[list[str]]:
        model = self.tables[key]
        return [[model.data(model.index(r, c)) for c in range(model.columnCount())] for r in range(model.rowCount())]
