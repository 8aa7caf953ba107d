"""A period chooser: named periods (本月, 本年, 上半年 …) or two dates, and a signal when it changes."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from ui.forms import date_edit, date_value, set_date

CUSTOM = "自定义"


def period_range(period: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of a named period (a running period ends today, or on its last day)."""
    year = today.year
    if period == "本月":
        return today.replace(day=1), today
    if period == "上月":
        last = today.replace(day=1) - dt.timedelta(days=1)
        return last.replace(day=1), last
    if period == "本季度":
        return dt.date(year, (today.month - 1) // 3 * 3 + 1, 1), today
    if period == "本年":
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if period == "本年上半年":
        return dt.date(year, 1, 1), dt.date(year, 6, 30)
    if period == "本年下半年":
        return dt.date(year, 7, 1), dt.date(year, 12, 31)
    if period == "去年全年":
        return dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31)
    if period == "近 12 个月":
        month = today.month - 11
        return (dt.date(year, month, 1) if month >= 1 else dt.date(year - 1, month + 12, 1)), today
    raise ValueError(period)


class PeriodPicker(QWidget):
    changed = Signal()

    def __init__(self, periods: list[str], today: dt.date, parent: QWidget | None = None, *, label: str = "期间"):
        super().__init__(parent)
        self.today = today
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.period = QComboBox()
        self.period.addItems([*periods, CUSTOM])
        self.first = date_edit(today)
        self.last = date_edit(today)
        for w in (QLabel(label), self.period, self.first, QLabel("至"), self.last):
            row.addWidget(w)
        self._setting = False
        self.period.currentTextChanged.connect(self._period_changed)
        self.first.dateChanged.connect(self._dates_changed)
        self.last.dateChanged.connect(self._dates_changed)
        self._period_changed(self.period.currentText())

    def _period_changed(self, period: str) -> None:
        custom = period == CUSTOM
        self.first.setEnabled(custom)
        self.last.setEnabled(custom)
        if not custom:
            first, last = period_range(period, self.today)
            self._setting = True
            set_date(self.first, first)
            set_date(self.last, last)
            self._setting = False
        self.changed.emit()

    def _dates_changed(self) -> None:
        if not self._setting:
            self.changed.emit()

    def set_period(self, name: str) -> None:
        self.period.setCurrentText(name)

    def range(self) -> tuple[str, str]:
        return date_value(self.first), date_value(self.last)

    def label(self) -> str:
        first, last = self.range()
        return f"{first} 至 {last}"
