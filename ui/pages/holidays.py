"""节假日 page: the year's 法定节假日 and 调休上班 days, which decide the shifts of each date.

The program ships the current year and pre-fills the next (statutory days only); a pre-filled
year shows a banner until the administrator has checked it against the State Council notice
and pressed 确认本年安排. Keyboard: Ctrl+N add, Enter edit, Delete remove, PgUp/PgDn year.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QMessageBox, QPushButton, QSpinBox, QVBoxLayout, QWidget

from desktop_app.roster import calendar, setup
from desktop_app.roster.calendar import HOLIDAY_KIND, MAKEUP_WORKDAY, Holiday
from desktop_app.roster.models import HOLIDAY_FIELDS as F
from ui.errors import attempt, guarded
from ui.forms import ValidatedForm, combo, date_edit, date_value, save_cancel_buttons
from ui.pages.base import Page, button_row
from ui.table import Column, RecordTableModel, RecordTableView

WEEKDAYS = "一二三四五六日"
FESTIVALS = ["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"]
HOLIDAY_COLOUR, WORKDAY_COLOUR, UNCONFIRMED_COLOUR = "#c62828", "#1f4e79", "#b26a00"


def weekday(date: str) -> str:
    return "星期" + WEEKDAYS[dt.date.fromisoformat(date).weekday()]


HOLIDAY_COLUMNS = [
    Column("日期", lambda h: h.date, width=110),
    Column("星期", lambda h: weekday(h.date), width=70),
    Column("类型", lambda h: h.kind, width=100,
           colour=lambda h: HOLIDAY_COLOUR if h.kind == HOLIDAY_KIND else WORKDAY_COLOUR),
    Column("名称", lambda h: h.name, width=160),
    Column("核对", lambda h: "已核对" if h.confirmed else "预填，待核对", width=110,
           colour=lambda h: None if h.confirmed else UNCONFIRMED_COLOUR),
]


@dataclass(frozen=True)
class YearState:
    year: int
    holidays: list[Holiday]

    @property
    def unconfirmed(self) -> int:
        return sum(1 for h in self.holidays if not h.confirmed)

    def banner(self) -> str:
        if not self.holidays:
            return (f"{self.year} 年尚无节假日安排：请按国务院办公厅通知添加法定节假日和调休上班日；"
                    "未添加的日期按周一至周五工作、周六周日休息计算。")
        if self.unconfirmed:
            return (f"{self.year} 年的节假日安排为预填，请按国务院办公厅通知核对后点击“确认本年安排”"
                    f"（{self.unconfirmed} 天待核对；调休上班日须自行补充）。")
        return ""

    def summary(self) -> str:
        off = sum(1 for h in self.holidays if h.kind == HOLIDAY_KIND)
        return f"法定节假日 {off} 天，调休上班 {len(self.holidays) - off} 天"


class HolidayDialog(QDialog):
    """添加 a day or a run of days (e.g. 国庆节 10-01 至 10-08), or 修改 one day's type and name."""

    def __init__(self, ctx, year: int, holiday: Holiday | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.holiday = holiday
        self.setWindowTitle("修改节假日" if holiday else "添加节假日")
        self.setMinimumWidth(540)
        outer = QVBoxLayout(self)
        self.form = ValidatedForm()
        outer.addWidget(self.form)
        f = self.form
        today = ctx.session.today()
        start = holiday.date if holiday else (today if today.year == year else dt.date(year, 1, 1))
        self.first = f.add(F["date"], date_edit(start), required=True)
        self.last = f.add(F["last"], date_edit(start),
                          hint="连续几天（如春节、国庆节）一次添加：填最后一天；只有一天时与日期相同。")
        self.first.dateChanged.connect(self._follow_first)
        self.kind = f.add(F["kind"], combo([HOLIDAY_KIND, MAKEUP_WORKDAY], holiday.kind if holiday else HOLIDAY_KIND),
                          required=True, hint="调休上班：周末按工作日上班（排工作日的班次）。")
        self.name = f.add(F["name"], combo(FESTIVALS, holiday.name if holiday else None, editable=True), required=True)
        if holiday is None:
            self.name.setEditText("")
        else:
            # One date at a time when changing; a wrong date is removed and added again.
            self.first.setEnabled(False)
            self.last.setEnabled(False)
        buttons = save_cancel_buttons(self, self.save)
        outer.addWidget(buttons)

    def _follow_first(self, date) -> None:
        if self.last.date() < date or self.holiday is None:
            self.last.setDate(date)

    def save(self) -> None:
        ok, _n = self.form.submit(setup.set_holiday_range, self.ctx.session, date_value(self.first),
                                  date_value(self.last), self.kind.currentText(), self.name.currentText())
        if ok:
            self.ctx.notify("roster")
            self.accept()


class HolidaysPage(Page):
    title = "节假日"
    domains = frozenset({"roster"})

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        layout = self.page_layout(
            "节假日", "法定节假日排节假日的班次，调休上班日按工作日排班；未列出的日期按周一至周五工作、周六周日休息。"
            "PgUp/PgDn 切换年份，Ctrl+N 添加，Enter 修改，Delete 删除。")
        top = QHBoxLayout()
        top.addWidget(QLabel("年份"))
        self.year = QSpinBox()
        self.year.setRange(2000, 2099)
        self.year.setSuffix(" 年")
        self.year.setKeyboardTracking(False)  # a typed year loads on Enter, not at every digit
        self.year.setValue(ctx.session.today().year)
        self.year.setMinimumWidth(100)
        top.addWidget(self.year)
        for text, offset in (("今年", 0), ("明年", 1)):
            b = QPushButton(text)
            b.clicked.connect(lambda _=False, o=offset: self.year.setValue(self.ctx.session.today().year + o))
            top.addWidget(b)
        top.addStretch(1)
        self.count = QLabel()
        top.addWidget(self.count)
        layout.addLayout(top)

        banner_row = QHBoxLayout()
        self.banner = QLabel()
        self.banner.setObjectName("noticeBanner")
        self.banner.setWordWrap(True)
        self.confirm_button = QPushButton("确认本年安排")
        self.confirm_button.clicked.connect(self.confirm_year)
        banner_row.addWidget(self.banner, 1)
        banner_row.addWidget(self.confirm_button)
        layout.addLayout(banner_row)

        self.model = RecordTableModel(HOLIDAY_COLUMNS, self)
        self.table = RecordTableView(self.model, multi_select=True)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        layout.addWidget(self.table, 1)
        self.add_button = QPushButton("添加")
        self.edit_button = QPushButton("修改")
        self.remove_button = QPushButton("删除")
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        layout.addLayout(button_row(self.add_button, self.edit_button, self.remove_button))

        self.year.valueChanged.connect(lambda _v: self.refresh())
        QShortcut(QKeySequence.StandardKey.New, self, self.add)
        QShortcut(QKeySequence(Qt.Key.Key_PageUp), self, lambda: self.year.stepBy(-1))
        QShortcut(QKeySequence(Qt.Key.Key_PageDown), self, lambda: self.year.stepBy(1))
        for key, slot in ((QKeySequence(Qt.Key.Key_Return), self.edit_selected),
                          (QKeySequence.StandardKey.Delete, self.remove_selected)):
            shortcut = QShortcut(key, self.table, slot)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.state = YearState(self.year.value(), [])

    def refresh(self) -> None:
        year = self.year.value()
        holidays = guarded(self, calendar.list_holidays, self.ctx.session, year)
        if holidays is None:
            return
        self.state = YearState(year, holidays)
        self.model.set_rows(holidays)
        text = self.state.banner()
        self.banner.setText(text)
        self.banner.setVisible(bool(text))
        self.confirm_button.setVisible(self.state.unconfirmed > 0)
        self.count.setText(self.state.summary())

    def add(self) -> None:
        dialog = HolidayDialog(self.ctx, self.year.value(), parent=self)
        self._last_dialog = dialog
        dialog.exec()

    def edit_selected(self) -> None:
        holiday = self.table.selected_record()
        if holiday is None:
            return
        dialog = HolidayDialog(self.ctx, self.year.value(), holiday, parent=self)
        self._last_dialog = dialog
        dialog.exec()

    def remove_selected(self) -> None:
        chosen = self.table.selected_records()
        if not chosen:
            return
        names = "、".join(f"{h.date}（{h.name}）" for h in chosen[:5]) + (f" 等 {len(chosen)} 天" if len(chosen) > 5 else "")
        answer = QMessageBox.question(self, "删除节假日",
                                      f"删除 {names} 吗？\n删除后这些日期按普通的工作日或周末排班。")
        if answer != QMessageBox.StandardButton.Yes:
            return
        if attempt(self, setup.remove_holidays, self.ctx.session, [h.date for h in chosen]):
            self.ctx.notify("roster")

    def confirm_year(self) -> None:
        year = self.year.value()
        answer = QMessageBox.question(
            self, "确认本年安排",
            f"已按国务院办公厅关于 {year} 年部分节假日安排的通知核对了全部法定节假日和调休上班日吗？")
        if answer != QMessageBox.StandardButton.Yes:
            return
        if attempt(self, calendar.confirm_year, self.ctx.session, year):
            self.ctx.notify("roster")
