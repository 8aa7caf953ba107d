"""新建检查: type, date, title, inspectors, checklist and the departments covered."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from desktop_app.ledger import checklists, inspections
from desktop_app.ledger import service as ledger
from desktop_app.ledger.inspections import INSPECTION_FIELDS as F
from desktop_app.people import service as people
from ui.errors import guarded
from ui.forms import ValidatedForm, combo, date_edit, date_value, line_edit, save_cancel_buttons
from ui.widgets.department_picker import DepartmentPicker

MONTHLY_SELF_CHECK = "科室月度自查"


class NewInspectionDialog(QDialog):
    """``self.saved`` is the new :class:`~desktop_app.ledger.inspections.Inspection` after 保存."""

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.saved: inspections.Inspection | None = None
        self.setWindowTitle("新建检查")
        self.setMinimumWidth(640)
        self.resize(700, 720)
        session = ctx.session
        outer = QVBoxLayout(self)
        self.form = ValidatedForm()
        f = self.form
        types = guarded(self, inspections.list_types, session) or []
        scoped = ledger.reachable_departments(session)
        default_type = MONTHLY_SELF_CHECK if scoped is not None else None
        self.type = f.add(F["type"], combo([t.name for t in types], default_type), required=True,
                          hint="科室月度自查发现的问题记为“科室自查”，其余按检查类型记入台账来源。")
        self.date = f.add(F["inspected_on"], date_edit(session.today()), required=True)
        self.title = f.add(F["title"], line_edit(max_length=60, placeholder="可不填：自动取“年月 + 检查类型”"))
        self.inspectors = f.add(F["inspectors"], line_edit(max_length=100, placeholder="如：周明、王芳"), required=True)
        self.checklist = f.add(F["checklist_id"], combo([]), hint="逐项录入检查结果所用的检查表；不用检查表时只登记检查本身。")
        for c in guarded(self, checklists.list_checklists, session) or []:
            self.checklist.addItem(f"{c.label()}　{c.item_count} 项", c.id)
        self.checklist.addItem("（不使用检查表）", None)
        self.departments = f.add(F["department_ids"], DepartmentPicker(), required=True)
        departments = guarded(self, people.list_departments, session, include_inactive=False) or []
        if scoped is not None:  # a department head inspects their own department and its wards
            departments = [d for d in departments if d.id in scoped]
        self.departments.set_departments(departments, selected=[d.id for d in departments][:1] if scoped else ())
        self.notes = f.add(F["notes"], line_edit(max_length=200))
        outer.addWidget(self.form, 1)
        buttons = save_cancel_buttons(self, self.save, save_text="建立检查")
        self.save_button = buttons.save_button
        outer.addWidget(buttons)

    def values(self) -> dict:
        return {
            "type": self.type.currentData(),
            "inspected_on": date_value(self.date),
            "title": self.title.text(),
            "inspectors": self.inspectors.text(),
            "checklist_id": self.checklist.currentData(),
            "department_ids": self.departments.selected_ids(),
            "notes": self.notes.text(),
        }

    def save(self) -> None:
        ok, self.saved = self.form.submit(inspections.create_inspection, self.ctx.session, self.values())
        if not ok:
            return
        self.ctx.notify("ledger")
        self.accept()
