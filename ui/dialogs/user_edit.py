"""用户账户 dialog (administrators)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from desktop_app.accounts import service as accounts
from desktop_app.accounts.models import USER_FIELDS as F
from desktop_app.accounts.passwords import temporary_password
from desktop_app.accounts.permissions import ROLE_DESCRIPTIONS, USER_ROLES, Role
from desktop_app.people import service as people
from ui.dialogs.staff_edit import department_items
from ui.forms import save_cancel_buttons, ValidatedForm, line_edit


class UserDialog(QDialog):
    """Create (user=None) or edit an account. After creating, ``self.password`` is the temporary
    password to hand to the user."""

    def __init__(self, ctx, user: accounts.User | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.user = user
        self.saved = None
        self.password: str | None = None
        self.setWindowTitle("编辑用户" if user else "新增用户")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        self.form = ValidatedForm()
        f = self.form
        u = user
        self.username = f.add(F["username"], line_edit(u.username if u else "", max_length=32), required=True,
                              hint="字母或数字，登录时使用；建立后不能修改。")
        self.username.setEnabled(u is None)
        self.display = f.add(F["display_name"], line_edit(u.display_name if u else "", max_length=20), required=True)
        self.role = f.add(F["role"], QComboBox(), required=True)
        for role in USER_ROLES:
            self.role.addItem(role.label, role.value)
        self.role.setCurrentIndex(max(0, self.role.findData((u.role if u else Role.CLINICIAN).value)))
        self.role_help = QLabel()
        self.role_help.setWordWrap(True)
        self.role_help.setObjectName("fieldHint")
        layout.addWidget(self.form)
        layout.addWidget(self.role_help)
        self.department = f.add(F["department_id"], QComboBox(), hint="科室负责人必须选择；其他角色可不选。")
        self.department.addItem("（无）", None)
        for label, dept_id in department_items(people.list_departments(ctx.session)):
            self.department.addItem(label, dept_id)
        if u and u.department_id:
            self.department.setCurrentIndex(max(0, self.department.findData(u.department_id)))
        self.staff = f.add(F["staff_id"], QComboBox(), hint="把账户与人员名册中的本人关联（可输入姓名或拼音首字母查找）。")
        self.staff.setEditable(True)
        self.staff.addItem("（不关联）", None)
        for s in people.list_staff(ctx.session, people.StaffFilter()):
            self.staff.addItem(f"{s.name}（{s.employee_no}，{s.department_name}）", s.id)
        self.staff.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.staff.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        if u and u.staff_id:
            self.staff.setCurrentIndex(max(0, self.staff.findData(u.staff_id)))
        self.active = f.add(F["active"], QCheckBox("启用（停用后不能登录，记录保留）"))
        self.active.setChecked(u.active if u else True)
        if u is None:
            self.password = temporary_password()
            self.initial = f.add(F["initial_password"], line_edit(self.password), required=True,
                                 hint="请把初始密码告知本人；首次登录时必须修改。")
        self.role.currentIndexChanged.connect(self._show_role_help)
        self._show_role_help()
        buttons = save_cancel_buttons(self, self.save)
        layout.addWidget(buttons)

    def _show_role_help(self) -> None:
        self.role_help.setText(ROLE_DESCRIPTIONS.get(Role(self.role.currentData()), ""))

    def values(self) -> dict:
        staff_id = self.staff.currentData() if self.staff.currentIndex() >= 0 else None
        if self.staff.currentText() != self.staff.itemText(self.staff.currentIndex()):
            staff_id = None
        return {
            "username": self.username.text().strip(),
            "display_name": self.display.text(),
            "role": self.role.currentData(),
            "department_id": self.department.currentData(),
            "staff_id": staff_id,
            "active": self.active.isChecked(),
        }

    def save(self) -> None:
        values = self.values()
        if self.user is None:
            self.password = self.initial.text()
            ok, self.saved = self.form.submit(accounts.create_user, self.ctx.session, values, self.password)
        else:
            values.pop("username")
            ok, self.saved = self.form.submit(accounts.update_user, self.ctx.session, self.user.id, values)
        if not ok:
            return
        self.ctx.notify("accounts")
        self.accept()
