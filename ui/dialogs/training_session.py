"""Plan (or correct) a training session, and set up an assessment (考核 or 知晓率调查)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.people import service as people
from desktop_app.training import service as training
from desktop_app.training.models import ASSESSMENT_FIELDS as A
from desktop_app.training.models import ASSESSMENT_KINDS, FORMS, STAFF_CATEGORIES, Audience, TrainingSession
from desktop_app.training.models import TRAINING_FIELDS as F
from ui.dialogs.staff_edit import department_items
from ui.dialogs.staff_pick import StaffPickDialog
from ui.errors import guarded
from ui.forms import ValidatedForm, combo, combo_value, date_edit, date_value, line_edit, save_cancel_buttons, text_area


def category_combo(ctx, current: int | None = None):
    box = combo([], None)
    for c in guarded(None, training.list_categories, ctx.session, active_only=True) or []:
        box.addItem(c.name, c.id)
    if current is not None:
        box.setCurrentIndex(max(0, box.findData(current)))
    return box


class AudienceEditor(QWidget):
    """全院人员, or departments and/or staff categories, plus named people; says how many are expected."""

    def __init__(self, ctx, audience: Audience, on_change, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.on_change = on_change
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        modes = QHBoxLayout()
        self.everyone = QRadioButton("全院人员")
        self.chosen = QRadioButton("按科室、人员类别或指定人员")
        group = QButtonGroup(self)
        for b in (self.everyone, self.chosen):
            group.addButton(b)
            modes.addWidget(b)
        modes.addStretch(1)
        col.addLayout(modes)
        self.departments = QListWidget()
        self.departments.setMaximumHeight(120)
        for label, dept_id in department_items(guarded(None, people.list_departments, ctx.session) or []):
            item = QListWidgetItem(label)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if dept_id in audience.departments else Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, dept_id)
            self.departments.addItem(item)
        col.addWidget(QLabel("科室（含下属病区；不选表示全院）："))
        col.addWidget(self.departments)
        cats = QHBoxLayout()
        cats.addWidget(QLabel("人员类别（不选表示所有类别）："))
        self.categories = {c: QCheckBox(c) for c in STAFF_CATEGORIES}
        for c, box in self.categories.items():
            box.setChecked(c in audience.categories)
            cats.addWidget(box)
            box.toggled.connect(lambda _c: self.on_change())
        cats.addStretch(1)
        col.addLayout(cats)
        named = QHBoxLayout()
        self.staff: list[int] = list(audience.staff)
        self.staff_label = QLabel()
        self.staff_label.setWordWrap(True)
        add = QPushButton("指定人员…")
        add.setAutoDefault(False)
        add.clicked.connect(self._pick)
        clear = QPushButton("清除指定")
        clear.setAutoDefault(False)
        clear.clicked.connect(self._clear)
        named.addWidget(self.staff_label, 1)
        named.addWidget(add)
        named.addWidget(clear)
        col.addLayout(named)
        self.everyone.setChecked(audience.everyone)
        self.chosen.setChecked(not audience.everyone)
        self.everyone.toggled.connect(self._mode)
        self.departments.itemChanged.connect(lambda _i: self.on_change())
        self._named: dict[int, str] = {}
        self._show_named()
        self._mode()

    def _mode(self) -> None:
        on = self.chosen.isChecked()
        self.departments.setEnabled(on)
        for box in self.categories.values():
            box.setEnabled(on)
        self.on_change()

    def _pick(self) -> None:
        dialog = StaffPickDialog(self.ctx, "指定参加培训的人员", exclude=set(self.staff), parent=self)
        dialog.exec()
        for s in dialog.picked:
            self.staff.append(s.id)
            self._named[s.id] = s.name
        if dialog.picked:
            self.chosen.setChecked(True)
        self._show_named()
        self.on_change()

    def _clear(self) -> None:
        self.staff = []
        self._show_named()
        self.on_change()

    def _show_named(self) -> None:
        names = [self._named.get(i, "") for i in self.staff]
        self.staff_label.setText(f"指定人员 {len(self.staff)} 人" + (f"：{'、'.join(n for n in names if n)}"
                                                                   if any(names) else "") if self.staff else "未指定人员")

    def audience(self) -> Audience:
        if self.everyone.isChecked():
            return Audience(everyone=True)
        depts = tuple(self.departments.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.departments.count())
                      if self.departments.item(i).checkState() == Qt.CheckState.Checked)
        cats = tuple(c for c, box in self.categories.items() if box.isChecked())
        return Audience(False, depts, cats, tuple(self.staff))


class TrainingSessionDialog(QDialog):
    def __init__(self, ctx, existing: TrainingSession | None = None, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.existing = existing
        self.saved: TrainingSession | None = None
        self.setWindowTitle("修改培训" if existing else "新建培训")
        self.resize(760, 720)
        layout = QVBoxLayout(self)
        f = self.form = ValidatedForm()
        e = existing
        self.title = f.add(F["title"], line_edit(e.title if e else "", "如：医疗质量安全核心制度培训（一）", 120),
                           required=True)
        self.category = f.add(F["category"], category_combo(ctx, e.category_id if e else None), required=True)
        when = QWidget()
        row = QHBoxLayout(when)
        row.setContentsMargins(0, 0, 0, 0)
        self.date = date_edit(e.date if e else ctx.session.today())
        self.starts = line_edit(e.starts if e else "", "14:30", 5)
        self.ends = line_edit(e.ends if e else "", "16:30", 5)
        for w in (self.date, QLabel("开始"), self.starts, QLabel("结束"), self.ends):
            row.addWidget(w)
        row.addStretch(1)
        f.add(F["date"], when, required=True)
        f.alias("starts", "date")
        f.alias("ends", "date")
        self.place = f.add(F["place"], line_edit(e.place if e else "", "如：门诊楼六楼会议室", 60))
        teacher = QWidget()
        row = QHBoxLayout(teacher)
        row.setContentsMargins(0, 0, 0, 0)
        self.lecturer = line_edit(e.lecturer if e else "", "姓名", 30)
        self.lecturer_title = line_edit(e.lecturer_title if e else "", "职称或资质，如 主任医师", 40)
        row.addWidget(self.lecturer)
        row.addWidget(self.lecturer_title, 1)
        f.add(F["lecturer"], teacher)
        f.alias("lecturer_title", "lecturer")
        self.department = f.add(F["department"], combo([], None, blank="（未指定）"))
        for label, dept_id in department_items(guarded(self, people.list_departments, ctx.session) or []):
            self.department.addItem(label, dept_id)
        if e and e.department_id:
            self.department.setCurrentIndex(max(0, self.department.findData(e.department_id)))
        form_row = QWidget()
        row = QHBoxLayout(form_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.hours = QDoubleSpinBox()
        self.hours.setRange(0, 100)
        self.hours.setSingleStep(0.5)
        self.hours.setValue(e.hours if e else 2)
        self.form_kind = combo(list(FORMS), e.form if e else "集中")
        for w in (self.hours, QLabel("形式"), self.form_kind):
            row.addWidget(w)
        row.addStretch(1)
        f.add(F["hours"], form_row)
        f.alias("form", "hours")
        self.expected = QLabel()
        self.audience = AudienceEditor(ctx, e.audience if e else Audience(everyone=True), self._count)
        f.add(F["audience"], self.audience, required=True)
        f.add(F["expected"], self.expected)
        self.content = f.add(F["content"], text_area(e.content if e else "", "讲授的要点", 60))
        self.notes = f.add(F["notes"], line_edit(e.notes if e else "", max_length=300))
        layout.addWidget(f)
        buttons = save_cancel_buttons(self, self.save)
        layout.addWidget(buttons)
        self.date.dateChanged.connect(lambda _d: self._count())
        self._count()

    def _count(self) -> None:
        audience = self.audience.audience() if hasattr(self, "audience") else None
        if audience is None:
            return
        if not (audience.everyone or audience.departments or audience.categories or audience.staff):
            self.expected.setText("请选择培训对象")
            return
        found = guarded(self, training.audience_people, self.ctx.session, audience, date_value(self.date))
        self.expected.setText(f"{len(found)} 人（培训当天在岗的人员）" if found is not None else "")

    def values(self) -> dict:
        return {"title": self.title.text(), "category_id": combo_value(self.category), "date": date_value(self.date),
                "starts": self.starts.text(), "ends": self.ends.text(), "place": self.place.text(),
                "lecturer": self.lecturer.text(), "lecturer_title": self.lecturer_title.text(),
                "department_id": self.department.currentData(), "hours": self.hours.value(),
                "form": self.form_kind.currentData(), "audience": self.audience.audience(),
                "content": self.content.toPlainText(), "notes": self.notes.text()}

    def save(self) -> None:
        ok, saved = self.form.submit(training.save_session, self.ctx.session, self.values(),
                                     self.existing.id if self.existing else None)
        if ok:
            self.saved = saved
            self.ctx.notify("training")
            self.accept()


class AssessmentDialog(QDialog):
    """A 考核 of a session, or a standalone 考核/知晓率调查."""

    def __init__(self, ctx, *, session: TrainingSession | None = None, existing=None, kind: str | None = None,
                 parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.session = session
        self.existing = existing
        self.saved = None
        self.setWindowTitle("修改考核" if existing else "新建考核")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        if session is not None:
            head = QLabel(f"所属培训：<b>{session.date} {session.title}</b>")
            layout.addWidget(head)
        f = self.form = ValidatedForm()
        e = existing
        self.kind = f.add(A["kind"], combo(list(ASSESSMENT_KINDS), e.kind if e else (kind or "考核")))
        self.kind.setEnabled(session is None)
        self.title = f.add(A["title"], line_edit(e.title if e else (f"{session.title}考核" if session else ""),
                                                "如：核心制度知晓率抽考（第三季度）", 120), required=True)
        self.category = f.add(A["category"],
                              category_combo(ctx, e.category_id if e else (session.category_id if session else None)),
                              required=True)
        self.date = f.add(A["date"], date_edit(e.date if e else (session.date if session else ctx.session.today())),
                          required=True)
        self.full_mark = f.add(A["full_mark"], QDoubleSpinBox())
        self.full_mark.setRange(1, 1000)
        self.full_mark.setValue(e.full_mark if e else 100)
        self.pass_mark = f.add(A["pass_mark"], QDoubleSpinBox(), hint="成绩不低于合格分为合格。")
        self.pass_mark.setRange(0, 1000)
        from desktop_app.settings import get_setting

        self.pass_mark.setValue(e.pass_mark if e else get_setting(ctx.db, "training.pass_mark"))
        self.notes = f.add(A["notes"], line_edit(e.notes if e else "", max_length=300))
        layout.addWidget(f)
        layout.addWidget(save_cancel_buttons(self, self.save))

    def save(self) -> None:
        values = {"session_id": self.session.id if self.session else None, "kind": self.kind.currentData(),
                  "title": self.title.text(), "category_id": combo_value(self.category), "date": date_value(self.date),
                  "full_mark": self.full_mark.value(), "pass_mark": self.pass_mark.value(), "notes": self.notes.text()}
        ok, saved = self.form.submit(training.save_assessment, self.ctx.session, values,
                                     self.existing.id if self.existing else None)
        if ok:
            self.saved = saved
            self.ctx.notify("training")
            self.accept()
