"""换班/替班 on a published month, and the confirmation that rule violations were seen.

A published roster is frozen; changes are recorded as revisions with the reason, who asked and
who approved. When a change (or a publication) would leave violations, the user must tick
"我已知晓上述 N 处违规…" before the button is enabled; the core records that confirmation.
"""
from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.roster import service as roster
from desktop_app.roster.models import COVER, ROSTER_FIELDS, SWAP
from ui.dialogs.roster_pick import CandidateList
from ui.forms import ValidatedForm, line_edit, save_cancel_buttons, text_area


class ViolationConfirmDialog(QDialog):
    """Lists the violations; ``action`` is enabled only once the acknowledgement is ticked."""

    def __init__(self, title: str, intro: str, violations, action: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(760, 460)
        col = QVBoxLayout(self)
        head = QLabel(intro)
        head.setWordWrap(True)
        col.addWidget(head)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        for v in violations:
            self.list.addItem(v.text())
        col.addWidget(self.list, 1)
        self.acknowledge = QCheckBox(f"我已知晓上述 {len(violations)} 处违规，仍要{action}")
        col.addWidget(self.acknowledge)
        note = QLabel("确认后，这些违规与确认人、时间一并记入值班表和审计日志。")
        note.setObjectName("fieldHint")
        col.addWidget(note)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setEnabled(False)
        buttons.addButton("返回修改", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.acknowledge.toggled.connect(self.ok_button.setEnabled)
        col.addWidget(buttons)


class RevisionDialog(QDialog):
    """Prefilled from the current cell: the date, the slot and the person on duty.

    ``duties_of(staff_id)`` gives that person's duties in the month as (label, date, shift_id),
    for the slot given back in a 换班.
    """

    def __init__(self, ctx, day, post, shift, people, *, duties_of, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.day, self.post, self.shift = ctx, day, post, shift
        self.duties_of = duties_of
        self.saved = None
        self.setWindowTitle("登记换班/替班")
        self.resize(620, 640)
        col = QVBoxLayout(self)
        self.form = ValidatedForm()
        f, F = self.form, ROSTER_FIELDS
        self.kind = QComboBox()
        self.kind.addItem("替班（他人代值此班）", COVER)
        self.kind.addItem("换班（两人互换各自的班）", SWAP)
        f.add(F["kind"], self.kind, required=True)
        f.add(F["shift_id"], QLabel(f"{day:%Y-%m-%d}（星期{'一二三四五六日'[day.weekday()]}）{post.name} · {shift.label()}"))
        self.from_staff = QComboBox()
        for p in people:
            self.from_staff.addItem(f"{p.name}（{p.department_name}）", p.id)
        f.add(F["from_staff_id"], self.from_staff, required=True)
        self.to_staff = CandidateList(ctx, day.isoformat(), shift.id, self,
                                      exclude=lambda: {p.id for p in people})
        self.to_staff.list.setMinimumHeight(140)
        f.add(F["to_staff_id"], self.to_staff, required=True, hint="输入姓名或拼音首字母，↑↓ 选择；灰色为资质不符或时间冲突者")
        self.other = QComboBox()
        f.add(F["other_shift_id"], self.other, hint="换班时，原值班人去值接替人员原有的这个班")
        self.reason = text_area(placeholder="例如：家中有事、病假、外出学习", height=56)
        f.add(F["reason"], self.reason, required=True)
        self.requested_by = line_edit(placeholder="提出换班/替班的人")
        f.add(F["requested_by"], self.requested_by, required=True)
        self.approved_by = line_edit(placeholder="科主任、护士长或医务科")
        f.add(F["approved_by"], self.approved_by, required=True)
        col.addWidget(f, 1)
        buttons = save_cancel_buttons(self, self.save, save_text="登记")
        self.save_button = buttons.save_button
        col.addWidget(buttons)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.to_staff.list.currentRowChanged.connect(lambda _r: self._fill_other())
        self.to_staff.chosen.connect(lambda _stay: self.reason.setFocus())
        self.to_staff.reload()
        self._kind_changed()
        self.to_staff.search.setFocus()

    def _kind_changed(self) -> None:
        swap = self.kind.currentData() == SWAP
        self.other.setEnabled(swap)
        self._fill_other()

    def _fill_other(self) -> None:
        self.other.clear()
        chosen = self.to_staff.current()
        if self.kind.currentData() != SWAP or chosen is None:
            return
        for label, day, shift_id in self.duties_of(chosen.staff.id):
            self.other.addItem(label, (day, shift_id))
        if not self.other.count():
            self.other.addItem(f"{chosen.staff.name}本月没有可换的班", None)

    def values(self) -> dict:
        chosen = self.to_staff.current()
        other = self.other.currentData() if self.kind.currentData() == SWAP else None
        return {"kind": self.kind.currentData(), "date": self.day.isoformat(), "shift_id": self.shift.id,
                "from_staff_id": self.from_staff.currentData(), "to_staff_id": chosen.staff.id if chosen else None,
                "other_date": other[0] if other else None, "other_shift_id": other[1] if other else None,
                "reason": self.reason.toPlainText(), "requested_by": self.requested_by.text(),
                "approved_by": self.approved_by.text()}

    def save(self) -> None:
        values = self.values()
        if values["to_staff_id"] is None:
            self.form.show_findings([ROSTER_FIELDS.finding("to_staff_id", "请选择接替人员。")])
            return
        ok, revision = self.form.submit(record_with_confirmation, self, self.ctx.session, values)
        if ok and revision is not None:
            self.saved = revision
            self.accept()


def record_with_confirmation(parent, session, values):
    """record_revision; when it would break rules, ask (check box) and record the confirmation.
    Returns None when the user went back to change it."""
    try:
        return roster.record_revision(session, values)
    except roster.NeedsConfirmation as exc:
        dialog = ViolationConfirmDialog("换班/替班带来违规", exc.message, exc.violations, "登记", parent)
        parent._confirm_dialog = dialog  # tests look at it
        if not dialog.exec():
            return None
    return roster.record_revision(session, values, confirm_violations=True)
