"""The 值班表 grids: dates × post-slots (where planning happens) and people × dates (the load).

Both read one :class:`RosterState` — the month as the service returned it, patched in place by
each edit with the live violations the service returns (no reload of the whole month per key).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from desktop_app.roster.calendar import HOLIDAY, WEEKEND
from desktop_app.roster.models import SWAP
from desktop_app.roster.rules import COVERAGE, REGISTERED

WEEKDAYS = "一二三四五六日"
SLOT_RULES = {COVERAGE, REGISTERED}  # judged per slot; the others per person

GAP_BG = "#fde0e0"
GAP_FG = "#b71c1c"
VIOLATION_BG = "#ffe6bf"
NOT_APPLICABLE_BG = "#e6e6e6"
WEEKEND_BG = "#eef3fb"
HOLIDAY_BG = "#fdf1dc"
REVISED_FG = "#1a4fa0"

SLOT_ROLE = Qt.ItemDataRole.UserRole + 10


def day_label(day: dt.date, kind: str) -> str:
    """'12-05 六 休': date, 星期, and 休 (weekend), 节 (public holiday) or 班 (调休上班)."""
    mark = {WEEKEND: " 休", HOLIDAY: " 节"}.get(kind, "")
    if not mark and day.weekday() >= 5:
        mark = " 班"  # a weekend day worked (调休上班)
    return f"{day:%m-%d} {WEEKDAYS[day.weekday()]}{mark}"


def day_kind_text(day: dt.date, kind: str) -> str:
    if kind == HOLIDAY:
        return "法定节假日"
    if kind == WEEKEND:
        return "周末"
    return "调休上班" if day.weekday() >= 5 else "工作日"


class RosterState:
    """The shown month: cells and violations, kept current by the page after every edit."""

    def __init__(self, view):
        self.view = view
        self.month = view.month
        self.days = list(view.days)
        self.kinds = {d: view.day_kinds[d.isoformat()] for d in self.days}
        self.posts = {p.id: p for p in view.posts}
        self.slots = [(p, s) for p in view.posts for s in p.shifts if s.active]
        self.shifts = {s.id: (p, s) for p, s in self.slots}
        self.cells: dict[tuple[str, int], list] = {k: list(v) for k, v in view.cells.items()}
        self.violations = list(view.violations)
        self.revised: dict[tuple[str, int | None], list] = defaultdict(list)
        for r in view.revisions:
            self.revised[(r.date, r.shift_id)].append(r)
            if r.kind == SWAP and r.other_date:
                self.revised[(r.other_date, None)].append(r)  # the slot given back: matched by person
        self._index()

    def _index(self) -> None:
        self.by_slot: dict[tuple[str, int], list] = defaultdict(list)
        for v in self.violations:
            if v.shift_id is not None:
                self.by_slot[(v.date, v.shift_id)].append(v)

    # -- reading
    def people(self, day: str, shift_id: int) -> list:
        return self.cells.get((day, shift_id), [])

    def applies(self, day: dt.date, shift) -> bool:
        return shift.applies_on(self.kinds[day])

    def violations_at(self, day: str, shift_id: int) -> list:
        return self.by_slot.get((day, shift_id), [])

    def shown_violations(self) -> list:
        """The month's violations on the shown posts, and those of the people on them."""
        people = {p.id for (_d, s), ps in self.cells.items() if s in self.shifts for p in ps}
        return [v for v in self.violations if v.post_id in self.posts or v.staff_id in people]

    def revisions_at(self, day: str, shift_id: int, person) -> list:
        mine = [r for r in self.revised.get((day, shift_id), []) if r.to_staff == person.name]
        given = [r for r in self.revised.get((day, None), []) if r.from_staff == person.name]
        return mine + given

    # -- edits (the service has already made them)
    def add(self, day: str, shift_id: int, person, live: list) -> None:
        self.cells.setdefault((day, shift_id), []).append(person)
        self.replace_live(day, shift_id, person.id, live)

    def remove(self, day: str, shift_id: int, staff_id: int, live: list) -> None:
        self.cells[(day, shift_id)] = [p for p in self.cells.get((day, shift_id), []) if p.id != staff_id]
        self.replace_live(day, shift_id, staff_id, live)

    def replace_live(self, day: str, shift_id: int, staff_id: int, live: list) -> None:
        """``live`` is the service's verdict on this slot and this person: it replaces theirs."""
        def stale(v) -> bool:
            return v.staff_id == staff_id or (v.rule in SLOT_RULES and (v.date, v.shift_id) == (day, shift_id))

        self.violations = [v for v in self.violations if not stale(v)] + list(live)
        self.violations.sort(key=lambda v: (v.date, v.post_name, v.shift_name, v.staff_name))
        self._index()


class DatePostModel(QAbstractTableModel):
    """Rows: the dates of the month; columns: each post's shifts; cells: who is on duty."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.state: RosterState | None = None

    def set_state(self, state: RosterState | None) -> None:
        self.beginResetModel()
        self.state = state
        self.endResetModel()

    def slot_changed(self, day: str, shift_id: int) -> None:
        index = self.index_of(day, shift_id)
        if index.isValid():
            self.dataChanged.emit(index, index)

    def all_changed(self) -> None:
        if self.rowCount() and self.columnCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))

    def index_of(self, day: str, shift_id: int) -> QModelIndex:
        s = self.state
        if s is None or shift_id not in s.shifts:
            return QModelIndex()
        row = next((i for i, d in enumerate(s.days) if d.isoformat() == day), -1)
        col = next((i for i, (_p, sh) in enumerate(s.slots) if sh.id == shift_id), -1)
        return self.index(row, col) if row >= 0 and col >= 0 else QModelIndex()

    def slot(self, index: QModelIndex):
        """(date, post, shift) of a cell."""
        post, shift = self.state.slots[index.column()]
        return self.state.days[index.row()], post, shift

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() or self.state is None else len(self.state.days)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() or self.state is None else len(self.state.slots)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        s = self.state
        if s is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            post, shift = s.slots[section]
            if role == Qt.ItemDataRole.DisplayRole:
                count = f"（{post.headcount} 人）" if post.headcount > 1 else ""
                return f"{post.name}{count}\n{shift.label()}"
            if role == Qt.ItemDataRole.ToolTipRole:
                return (f"{post.name} · {shift.label()}\n资质：{post.qualification_text()}\n每班 {post.headcount} 人"
                        + (f"\n职责：{post.duties}" if post.duties else ""))
            return None
        day = s.days[section]
        kind = s.kinds[day]
        if role == Qt.ItemDataRole.DisplayRole:
            return day_label(day, kind)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{day:%Y年%m月%d日} 星期{WEEKDAYS[day.weekday()]}（{day_kind_text(day, kind)}）"
        if role == Qt.ItemDataRole.ForegroundRole and kind in (WEEKEND, HOLIDAY):
            return QBrush(QColor("#b26a00" if kind == HOLIDAY else "#1a4fa0"))
        return None

    def cell_text(self, day: dt.date, post, shift) -> str:
        s = self.state
        key = day.isoformat()
        people = s.people(key, shift.id)
        if not s.applies(day, shift) and not people:
            return ""
        names = [p.name + self._mark(key, shift.id, p) for p in people]
        short = post.headcount - len(people)
        if short > 0 and any(v.rule == COVERAGE for v in s.violations_at(key, shift.id)):
            names.append(f"缺 {short} 人")
        return "、".join(names)

    def _mark(self, day: str, shift_id: int, person) -> str:
        revisions = self.state.revisions_at(day, shift_id, person)
        return f"（{revisions[-1].kind[0]}）" if revisions else ""

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.state is None:
            return None
        s = self.state
        day, post, shift = self.slot(index)
        key = day.isoformat()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell_text(day, post, shift)
        if role == SLOT_ROLE:
            return key, shift.id
        applies = s.applies(day, shift)
        found = s.violations_at(key, shift.id)
        people = s.people(key, shift.id)
        if role == Qt.ItemDataRole.BackgroundRole:
            if not applies and not people:
                return QBrush(QColor(NOT_APPLICABLE_BG))
            if found and not people:
                return QBrush(QColor(GAP_BG))
            if found:
                return QBrush(QColor(VIOLATION_BG))
            kind = s.kinds[day]
            return QBrush(QColor(HOLIDAY_BG if kind == HOLIDAY else WEEKEND_BG)) if kind in (WEEKEND, HOLIDAY) else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if found and not people:
                return QBrush(QColor(GAP_FG))
            if any(s.revisions_at(key, shift.id, p) for p in people):
                return QBrush(QColor(REVISED_FG))
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [f"{day:%m月%d日} {post.name} · {shift.label()}"]
            if not applies:
                lines.append("此班次当天不适用")
            lines += [f"{p.name}（{p.department_name}，{p.title or p.category}）" for p in people]
            lines += [v.text() for v in found]
            lines += ["变更：" + r.text() + f"。原因：{r.reason}；申请人 {r.requested_by}，批准人 {r.approved_by}"
                      for p in people for r in s.revisions_at(key, shift.id, p)]
            return "\n".join(lines)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


class RosterGridView(QTableView):
    """The planning grid. Enter, F2 or typing opens the picker (typed letters go to its search);
    Delete takes people off the cell. Arrow keys move as in any table."""

    pick_requested = Signal(QModelIndex, str)
    clear_requested = Signal(QModelIndex)

    def __init__(self, model: QAbstractTableModel, parent=None, *, slot_width: int = 118):
        super().__init__(parent)
        self.setModel(model)
        self.slot_width = slot_width
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        vertical = self.verticalHeader()
        vertical.setDefaultSectionSize(26)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setDefaultSectionSize(slot_width)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        header.setHighlightSections(True)
        vertical.setHighlightSections(True)
        self.doubleClicked.connect(lambda index: self.pick_requested.emit(index, ""))

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        index = self.currentIndex()
        key = event.key()
        plain = not (event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                                          | Qt.KeyboardModifier.MetaModifier))
        if index.isValid() and plain:
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_F2):
                self.pick_requested.emit(index, "")
                return
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.clear_requested.emit(index)
                return
            text = event.text()
            if text and text.isprintable() and not text.isspace():
                self.pick_requested.emit(index, text)
                return
        super().keyPressEvent(event)


class StaffDateModel(QAbstractTableModel):
    """Rows: the people on the shown posts; columns: name, department, the month's load (班数,
    夜班, 周末, 节假日, 工时 — all their duties, every group), then each date (short shift names). Sortable."""

    FIXED = ("姓名", "科室")
    TALLY = ("班数", "夜班", "周末", "节假日", "工时")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.state: RosterState | None = None
        self.rows: list = []
        self.duties: dict[int, dict[str, list]] = {}
        self.tallies: dict[int, object] = {}

    def set_state(self, state: RosterState | None, all_shifts: dict | None = None, extra_people=()) -> None:
        """``all_shifts``: shift id -> (post, shift) for every post, so a person's duties on other
        groups show too; ``extra_people``: StaffInfo of rotation lists without duties yet."""
        self.beginResetModel()
        self.state = state
        self.rows, self.duties = [], defaultdict(lambda: defaultdict(list))
        if state is not None:
            shifts = {**(all_shifts or {}), **state.shifts}
            people = {}
            for (day, shift_id), persons in state.cells.items():
                for p in persons:
                    if shift_id in shifts:
                        self.duties[p.id][day].append(shifts[shift_id])
                    if shift_id in state.shifts:
                        people[p.id] = p
            for p in extra_people:
                people.setdefault(p.id, p)
            self.tallies = {t.staff_id: t for t in state.view.tallies}
            self.rows = sorted(people.values(), key=lambda p: (p.department_name, p.employee_no))
        self.endResetModel()

    def _columns(self) -> int:
        return len(self.FIXED) + (len(self.state.days) if self.state else 0) + len(self.TALLY)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() or self.state is None else self._columns()

    def _kind(self, column: int) -> tuple[str, object]:
        """Name and department, the load (to compare at a glance), then each date."""
        fixed, tally = len(self.FIXED), len(self.TALLY)
        if column < fixed:
            return "fixed", column
        if column < fixed + tally:
            return "tally", column - fixed
        return "day", self.state.days[column - fixed - tally]

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or self.state is None:
            return None
        kind, what = self._kind(section)
        if role == Qt.ItemDataRole.DisplayRole:
            if kind == "fixed":
                return self.FIXED[what]
            if kind == "day":
                return f"{what.day}\n{WEEKDAYS[what.weekday()]}"
            return self.TALLY[what]
        if role == Qt.ItemDataRole.ForegroundRole and kind == "day" and self.state.kinds[what] in (WEEKEND, HOLIDAY):
            return QBrush(QColor("#b26a00" if self.state.kinds[what] == HOLIDAY else "#1a4fa0"))
        if role == Qt.ItemDataRole.ToolTipRole and kind == "day":
            return f"{what:%Y-%m-%d}（{day_kind_text(what, self.state.kinds[what])}）"
        return None

    def value(self, person, column: int):
        kind, what = self._kind(column)
        if kind == "fixed":
            return person.name if what == 0 else person.department_name
        if kind == "day":
            return self.duties.get(person.id, {}).get(what.isoformat(), [])
        t = self.tallies.get(person.id)
        if t is None:
            return 0
        return (t.duties, t.nights, t.weekends, t.holidays, t.hours)[what]

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.state is None:
            return None
        person = self.rows[index.row()]
        kind, what = self._kind(index.column())
        value = self.value(person, index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if kind == "day":
                return "/".join(short_name(s) for _p, s in value)
            if kind == "tally":
                return f"{value:g}"
            return value
        if role == Qt.ItemDataRole.ToolTipRole and kind == "day" and value:
            return "\n".join(f"{p.name} · {s.label()}" for p, s in value)
        if role == Qt.ItemDataRole.BackgroundRole and kind == "day":
            day_kind = self.state.kinds[what]
            if day_kind in (WEEKEND, HOLIDAY):
                return QBrush(QColor(HOLIDAY_BG if day_kind == HOLIDAY else WEEKEND_BG))
        if role == Qt.ItemDataRole.TextAlignmentRole and kind != "fixed":
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.FontRole and kind == "day" and any(s.is_night for _p, s in value):
            font = QFont()
            font.setBold(True)
            return font
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if self.state is None or not 0 <= column < self._columns():
            return
        kind, _what = self._kind(column)
        self.layoutAboutToBeChanged.emit()

        def key(person):
            value = self.value(person, column)
            return len(value) if kind == "day" else value

        self.rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        self.layoutChanged.emit()


def short_name(shift) -> str:
    """白班 → 白, 夜班 → 夜, 24小时 → 24, 小夜 → 小夜."""
    name = shift.name
    if name.endswith("班") and len(name) > 1:
        name = name[:-1]
    return name[:2] if not name[:2].isdigit() else name.rstrip("小时")
