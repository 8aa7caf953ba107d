"""人员 and 科室 edit dialogs. Validation comes from the core and is shown beside each field."""
from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.people import service as people
from desktop_app.people.manifest import PEOPLE_EDIT
from desktop_app.people.models import (
    DEPARTMENT_FIELDS,
    DEPARTMENT_KINDS,
    GENDERS,
    NON_REGISTERED_REASONS,
    PRACTICE_CATEGORIES,
    STAFF_CATEGORIES,
    STAFF_FIELDS,
    TITLES_BY_CATEGORY,
    Department,
    Staff,
)
from ui.forms import OptionalDateEdit, ValidatedForm, combo, combo_value, line_edit, save_cancel_buttons

PRACTICE_STATUSES = ["本机构执业", *NON_REGISTERED_REASONS]
F = STAFF_FIELDS
D = DEPARTMENT_FIELDS


def department_items(departments: list[Department], *, active_only: bool = True) -> list[tuple[str, int]]:
    """(label, id) in tree order, wards indented under their parent department."""
    by_parent: dict[int | None, list[Department]] = {}
    for d in departments:
        if active_only and not d.active:
            continue
        by_parent.setdefault(d.parent_id, []).append(d)
    ids = {d.id for d in departments if d.active or not active_only}
    out: list[tuple[str, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for d in by_parent.get(parent, []):
            out.append(("　" * depth + d.name, d.id))
            walk(d.id, depth + 1)

    walk(None, 0)
    # departments whose parent is inactive/hidden still appear, at the top level
    shown = {i for _, i in out}
    for d in departments:
        if d.id in ids and d.id not in shown:
            out.append((d.name, d.id))
    return out


class StaffDialog(QDialog):
    """Create (staff=None) or edit a person. ``self.saved`` is the stored record after 保存."""

    def __init__(self, ctx, staff: Staff | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.staff = staff
        self.saved: Staff | None = None
        self._attempted = False
        self.setWindowTitle("编辑人员" if staff else "新增人员")
        self.setMinimumWidth(560)
        self.resize(620, 760)
        outer = QVBoxLayout(self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        self.form = ValidatedForm()
        scroll.setWidget(self.form)
        outer.addWidget(scroll)
        s = staff
        f = self.form
        self.employee_no = f.add(F["employee_no"], line_edit(s.employee_no if s else "", max_length=20), required=True)
        self.name = f.add(F["name"], line_edit(s.name if s else "", max_length=30), required=True)
        self.gender = f.add(F["gender"], combo(GENDERS, s.gender if s else None, blank="（未填）"))
        self.department = f.add(F["department_id"], combo([], None), required=True)
        for label, dept_id in department_items(people.list_departments(ctx.session)):
            self.department.addItem(label, dept_id)
        if s:
            idx = self.department.findData(s.department_id)
            if idx < 0:  # an inactive department: still show it
                self.department.addItem(s.department_name, s.department_id)
                idx = self.department.count() - 1
            self.department.setCurrentIndex(idx)
        self.category = f.add(F["category"], combo(STAFF_CATEGORIES, s.category if s else "医师"), required=True)
        self.title = f.add(F["title"], combo([], None, editable=True))
        self.licence = f.add(F["licence_no"], line_edit(s.licence_no if s else "", max_length=30))
        self.practice_category = f.add(F["practice_category"], combo([], None, editable=True))
        self.status = f.add(F["registered_here"], combo(PRACTICE_STATUSES, s.practice_status if s else "本机构执业"),
                            hint="进修、规培、实习、外院会诊人员不得单独值班。")
        self.hire_date = f.add(F["hire_date"], OptionalDateEdit(s.hire_date if s else None))
        self.on_duty = f.add(F["on_duty"], QCheckBox("在岗"))
        self.on_duty.setChecked(s.on_duty if s else True)
        self.leave_date = f.add(F["leave_date"], OptionalDateEdit(s.leave_date if s else None))
        self.phone = f.add(F["phone"], line_edit(s.phone if s else "", max_length=20))
        self.notes = f.add(F["notes"], line_edit(s.notes if s else "", max_length=200))
        self.duty_training = f.add(F["duty_training_passed_on"],
                                   OptionalDateEdit(s.duty_training_passed_on if s else None),
                                   hint="经总值班培训并考核合格后才能排入总值班岗位。")
        self._fill_category_lists(s.title if s else None, s.practice_category if s else None)
        self.category.currentIndexChanged.connect(lambda _i: self._fill_category_lists(None, None))

        buttons = save_cancel_buttons(self, self.save)
        self.save_button = buttons.save_button
        outer.addWidget(buttons)

        # Live validation: messages appear beside fields shortly after typing stops.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)
        self._timer.timeout.connect(self.validate_live)
        for w in (self.employee_no, self.name, self.licence, self.phone, self.notes):
            w.textChanged.connect(lambda _t: self._timer.start())
        for w in (self.gender, self.department, self.category, self.status, self.title, self.practice_category):
            w.currentTextChanged.connect(lambda _t: self._timer.start())
        self.on_duty.toggled.connect(lambda _c: self._timer.start())
        if not ctx.can(PEOPLE_EDIT):
            self.save_button.setEnabled(False)

    def _fill_category_lists(self, title: str | None, practice: str | None) -> None:
        category = self.category.currentText()
        current_title = title if title is not None else self.title.currentText()
        self.title.clear()
        self.title.addItem("")
        self.title.addItems(TITLES_BY_CATEGORY.get(category, []))
        self.title.setCurrentText(current_title or "")
        current_practice = practice if practice is not None else self.practice_category.currentText()
        self.practice_category.clear()
        self.practice_category.addItem("")
        self.practice_category.addItems(PRACTICE_CATEGORIES.get(category, []))
        self.practice_category.setCurrentText(current_practice or "")

    def values(self) -> dict:
        status = self.status.currentText()
        return {
            "employee_no": self.employee_no.text(),
            "name": self.name.text(),
            "gender": combo_value(self.gender),
            "department_id": self.department.currentData(),
            "category": self.category.currentText(),
            "title": self.title.currentText().strip() or None,
            "licence_no": self.licence.text(),
            "practice_category": self.practice_category.currentText().strip() or None,
            "registered_here": status == "本机构执业",
            "non_registered_reason": None if status == "本机构执业" else status,
            "hire_date": self.hire_date.value(),
            "on_duty": self.on_duty.isChecked(),
            "leave_date": self.leave_date.value(),
            "phone": self.phone.text(),
            "notes": self.notes.text(),
            "duty_training_passed_on": self.duty_training.value(),
        }

    def done(self, result: int) -> None:  # noqa: D401 - Qt API
        self._timer.stop()  # no validation after the dialog is gone
        super().done(result)

    def validate_live(self) -> None:
        if not self.isVisible():
            return
        findings = people.check_staff(self.ctx.session, self.values(), staff_id=self.staff.id if self.staff else None)
        if not self._attempted:
            # Before the first 保存, only comment on fields that have something in them.
            filled = {key for key, (w, _m) in self.form.fields.items() if _has_text(w)}
            findings = [x for x in findings if x.field in filled]
        self.form.show_findings(findings)

    def save(self) -> None:
        self._attempted = True
        if self.staff is None:
            ok, self.saved = self.form.submit(people.create_staff, self.ctx.session, self.values())
        else:
            ok, self.saved = self.form.submit(people.update_staff, self.ctx.session, self.staff.id, self.values())
        if not ok:
            return
        self.ctx.notify("people")
        self.accept()


def _has_text(widget) -> bool:
    text = getattr(widget, "text", None) or getattr(widget, "currentText", None)
    try:
        return bool(text().strip()) if callable(text) else False
    except TypeError:
        return False


class DepartmentDialog(QDialog):
    def __init__(self, ctx, department: Department | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.department = department
        self.saved: Department | None = None
        self.setWindowTitle("编辑科室" if department else "新增科室")
        self.setMinimumWidth(480)
        outer = QVBoxLayout(self)
        self.form = ValidatedForm()
        d = department
        f = self.form
        self.name = f.add(D["name"], line_edit(d.name if d else "", max_length=30), required=True)
        self.kind = f.add(D["kind"], combo(DEPARTMENT_KINDS, d.kind if d else "临床"), required=True,
                          hint="病区、手术室等护理单元请选“护理单元”，并指定所属的临床科室。")
        self.parent_box = f.add(D["parent_id"], combo([], None))
        self.parent_box.addItem("（无）", None)
        for label, dept_id in department_items(people.list_departments(ctx.session)):
            if not d or dept_id != d.id:
                self.parent_box.addItem(label, dept_id)
        if d and d.parent_id:
            self.parent_box.setCurrentIndex(max(0, self.parent_box.findData(d.parent_id)))
        self.code = f.add(D["code"], line_edit(d.code if d else "", max_length=20))
        self.phone = f.add(D["phone"], line_edit(d.phone if d else "", max_length=20))
        self.sort_order = f.add(D["sort_order"], QSpinBox())
        self.sort_order.setRange(0, 9999)
        self.sort_order.setValue(d.sort_order if d else 0)
        self.active = f.add(D["active"], QCheckBox("启用"))
        self.active.setChecked(d.active if d else True)
        outer.addWidget(self.form)
        buttons = save_cancel_buttons(self, self.save)
        outer.addWidget(buttons)

    def values(self) -> dict:
        return {
            "name": self.name.text(), "kind": self.kind.currentText(), "parent_id": self.parent_box.currentData(),
            "code": self.code.text(), "phone": self.phone.text(), "sort_order": self.sort_order.value(),
            "active": self.active.isChecked(),
        }

    def save(self) -> None:
        if self.department is None:
            ok, self.saved = self.form.submit(people.create_department, self.ctx.session, self.values())
        else:
            ok, self.saved = self.form.submit(people.update_department, self.ctx.session, self.department.id,
                                              self.values())
        if not ok:
            return
        self.ctx.notify("people")
        self.accept()
