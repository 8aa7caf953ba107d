"""Dialogs of the problem ledger: register/edit a problem, and each step of its rectification.

Each dialog gathers input and hands it to one core service call; the core's findings appear
beside the fields. None of them decides anything about the life cycle itself.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.ledger import checklists
from desktop_app.ledger import service as ledger
from desktop_app.ledger.models import LEDGER_FIELDS as F
from desktop_app.ledger.models import SEVERITIES, SOURCES, LedgerItem
from desktop_app.people import service as people
from ui.dialogs.staff_edit import department_items
from ui.errors import guarded
from ui.forms import (
    ValidatedForm,
    combo,
    date_edit,
    date_value,
    line_edit,
    save_cancel_buttons,
    set_date,
    text_area,
)


def _item_header(item: LedgerItem) -> QLabel:
    label = QLabel(f"<b>{item.number}</b>　{item.department_name}　{item.category}<br>{item.description}")
    label.setWordWrap(True)
    label.setObjectName("itemHeader")
    return label


class _StepDialog(QDialog):
    """Common frame: the problem on top, a form, 保存/取消."""

    save_text = "保存"

    def __init__(self, ctx, item: LedgerItem | None, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.item = item
        self.saved: LedgerItem | None = None
        self.setWindowTitle(title)
        self.setMinimumWidth(620)
        self.outer = QVBoxLayout(self)
        if item is not None:
            self.outer.addWidget(_item_header(item))
        self.form = ValidatedForm()
        self.outer.addWidget(self.form)

    def finish_layout(self) -> None:
        buttons = save_cancel_buttons(self, self.save, save_text=self.save_text)
        self.outer.addWidget(buttons)

    def call(self, fn, *args, **kwargs) -> None:
        ok, self.saved = self.form.submit(fn, self.ctx.session, *args, **kwargs)
        if ok:
            self.ctx.notify("ledger")
            self.accept()

    def save(self) -> None:
        raise NotImplementedError


class LedgerItemDialog(_StepDialog):
    """Register a problem directly (投诉、不良事件、上级检查来函…) or correct a registered one."""

    def __init__(self, ctx, item: LedgerItem | None = None, parent: QWidget | None = None):
        super().__init__(ctx, None, "修改问题登记" if item else "登记问题", parent)
        self.editing = item
        session = ctx.session
        f = self.form
        today = session.today()
        self.found_on = f.add(F["found_on"], date_edit(item.found_on if item else today), required=True)
        self.source = f.add(F["source"], combo(SOURCES, item.source if item else "投诉"), required=True)
        self.category = f.add(F["category"], combo(checklists.category_names(session), item.category if item else None,
                                             editable=True), required=True,
                              hint="可选检查表类别或核心制度，也可直接输入。")
        if item is None:
            self.category.setCurrentIndex(-1)
        self.check_point = f.add(F["check_point"], line_edit(item.check_point if item else "", max_length=300))
        self.description = f.add(F["description"], text_area(item.description if item else "",
                                                   "写清楚发现了什么：时间、地点、病历号或数量等"), required=True)
        self.department = f.add(F["department_id"], combo([], None), required=True)
        for label, dept_id in department_items(people.list_departments(session)):
            self.department.addItem(label, dept_id)
        if item:
            self.department.setCurrentIndex(max(0, self.department.findData(item.department_id)))
        else:
            self.department.setCurrentIndex(-1)
        self.severity = f.add(F["severity"], combo(SEVERITIES, item.severity if item else "一般"))
        self.deduction = f.add(F["deduction"], QDoubleSpinBox())
        self.deduction.setRange(0, 100)
        self.deduction.setSingleStep(0.5)
        self.deduction.setValue(item.deduction if item else 0)
        self.deadline = f.add(F["deadline"], date_edit(item.deadline if item else
                                                  ledger.default_deadline(session, today)), required=True,
                              hint="默认为发现日期后若干天（系统设置中可改）。")
        self.responsible = f.add(F["responsible_person"],
                                 line_edit(item.responsible_person if item else "", max_length=30))
        self.remarks = f.add(F["remarks"], line_edit(item.remarks if item else "", max_length=500))
        if item is None:
            self._deadline_touched = False
            self.deadline.dateChanged.connect(lambda _d: setattr(self, "_deadline_touched", True))
            self.found_on.dateChanged.connect(self._follow_found_on)
        self.finish_layout()

    def _follow_found_on(self, _date) -> None:
        if not self._deadline_touched:
            found = dt.date.fromisoformat(date_value(self.found_on))
            self.deadline.blockSignals(True)
            set_date(self.deadline, ledger.default_deadline(self.ctx.session, found))
            self.deadline.blockSignals(False)

    def values(self) -> dict:
        return {
            "found_on": date_value(self.found_on), "source": self.source.currentText(),
            "category": self.category.currentText(), "check_point": self.check_point.text(),
            "description": self.description.toPlainText(), "department_id": self.department.currentData(),
            "severity": self.severity.currentText(), "deduction": self.deduction.value(),
            "deadline": date_value(self.deadline), "responsible_person": self.responsible.text(),
            "remarks": self.remarks.text(),
        }

    def save(self) -> None:
        if self.editing is None:
            self.call(ledger.register_item, self.values())
        else:
            self.call(ledger.update_registration, self.editing.id, self.values())


class RectificationDialog(_StepDialog):
    """The department's answer: 原因分析, 整改措施, 责任人 (and 整改情况 so far)."""

    def __init__(self, ctx, item: LedgerItem, parent: QWidget | None = None):
        super().__init__(ctx, item, "填写整改", parent)
        f = self.form
        self.cause = f.add(F["cause_analysis"], text_area(item.cause_analysis, "从制度、人员、流程、设备等方面分析"),
                           required=True)
        self.measures = f.add(F["measures"], text_area(item.measures, "具体措施、完成时间、由谁落实"), required=True)
        self.responsible = f.add(F["responsible_person"], line_edit(item.responsible_person or "", max_length=30),
                                 required=True)
        self.progress = f.add(F["progress"], text_area(item.progress, "已完成的工作（可稍后在“提交复查”时填写）"))
        self.finish_layout()

    def save(self) -> None:
        self.call(ledger.save_rectification, self.item.id, {
            "cause_analysis": self.cause.toPlainText(), "measures": self.measures.toPlainText(),
            "responsible_person": self.responsible.text(), "progress": self.progress.toPlainText()})


class SubmitRecheckDialog(_StepDialog):
    """整改完成，提交复查: what was done, when, and the evidence (attachments)."""

    save_text = "提交复查"

    def __init__(self, ctx, item: LedgerItem, parent: QWidget | None = None):
        super().__init__(ctx, item, "提交复查", parent)
        f = self.form
        self.progress = f.add(F["progress"], text_area(item.progress, "做了什么；佐证材料是什么（制度文件、培训签到、照片…）",
                                                 height=96), required=True)
        self.rectified_on = f.add(F["rectified_on"], date_edit(ctx.session.today()), required=True)
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        self.attachments = QListWidget()
        self.attachments.setMaximumHeight(90)
        add = QPushButton("添加附件…")
        add.clicked.connect(self.add_attachment)
        row.addWidget(self.attachments, 1)
        row.addWidget(add)
        f.add("佐证材料", box, key="attachment", hint="照片、扫描件、PDF、Word 等；保存在数据库中，随备份一起保存。")
        self._refresh_attachments()
        self.finish_layout()

    def _refresh_attachments(self) -> None:
        self.attachments.clear()
        for a in guarded(self, ledger.list_attachments, self.ctx.session, self.item.id) or []:
            self.attachments.addItem(f"{a.file_name}（{a.kind}，{a.size / 1024:.0f} KB）")

    def add_attachment(self, path: str | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getOpenFileName(self, "选择佐证材料", "",
                                                  "图片、PDF 与文档 (*.jpg *.jpeg *.png *.pdf *.doc *.docx *.xls *.xlsx *.wps *.txt);;所有文件 (*)")
            if not path:
                return
        ok, _ = self.form.submit(ledger.add_attachment, self.ctx.session, self.item.id, path)
        if ok:
            self.ctx.notify("ledger")
            self._refresh_attachments()

    def save(self) -> None:
        self.call(ledger.submit_for_recheck, self.item.id, {
            "progress": self.progress.toPlainText(), "rectified_on": date_value(self.rectified_on)})


class RecheckDialog(_StepDialog):
    """The quality office's re-check: pass (销号) or send back with the reason."""

    save_text = "确定"

    def __init__(self, ctx, item: LedgerItem, parent: QWidget | None = None):
        super().__init__(ctx, item, "复查", parent)
        f = self.form
        choice = QWidget()
        row = QHBoxLayout(choice)
        row.setContentsMargins(0, 0, 0, 0)
        self.pass_button = QRadioButton("复查通过，予以销号")
        self.fail_button = QRadioButton("复查不通过，退回继续整改")
        self.pass_button.setChecked(True)
        self.group = QButtonGroup(self)
        for b in (self.pass_button, self.fail_button):
            self.group.addButton(b)
            row.addWidget(b)
        f.add("复查结论", choice)
        if item.progress:
            shown = QLabel(item.progress)
            shown.setWordWrap(True)
            f.add("科室整改情况", shown)
        self.opinion = f.add(F["recheck_opinion"], text_area("", "现场查看或查阅资料的结果；不通过时写明原因"),
                             required=True)
        self.rechecker = f.add(F["rechecker"], line_edit(ctx.actor.display_name, max_length=30), required=True)
        self.recheck_on = f.add(F["recheck_on"], date_edit(ctx.session.today()), required=True)
        self.finish_layout()

    def save(self) -> None:
        self.call(ledger.recheck, self.item.id, {
            "recheck_opinion": self.opinion.toPlainText(), "rechecker": self.rechecker.text(),
            "recheck_on": date_value(self.recheck_on)}, passed=self.pass_button.isChecked())


class ReopenDialog(_StepDialog):
    save_text = "重新打开"

    def __init__(self, ctx, item: LedgerItem, parent: QWidget | None = None):
        super().__init__(ctx, item, "重新打开已销号的问题", parent)
        self.reason = self.form.add("原因", text_area("", "例如：上级督查再次发现同类问题"), required=True, key="reason")
        self.deadline = self.form.add(F["deadline"], date_edit(ledger.default_deadline(ctx.session, ctx.session.today())),
                                      required=True, hint=f"原整改时限为 {item.deadline}，重新打开后按新的时限督办。")
        self.finish_layout()

    def save(self) -> None:
        self.call(ledger.reopen, self.item.id, self.reason.toPlainText(), deadline=date_value(self.deadline))
