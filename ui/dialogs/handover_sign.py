"""The steps after writing: the receiver's signature (or her refusal), the bedside handover record,
and the addendum that corrects a frozen report. Each dialog is one core call; the core decides."""
from __future__ import annotations

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop_app import errors
from desktop_app.handover import service as handover
from desktop_app.handover.models import BEDSIDE_MARKS, Entry, Report
from desktop_app.handover.models import HANDOVER_FIELDS as F
from ui.forms import ValidatedForm, line_edit, save_cancel_buttons, text_area
from ui.widgets.handover_view import entry_heading, report_html


class BedsideDialog(QDialog):
    """床旁交接: when it happened and what backs it (the paper record's page, or a photo)."""

    def __init__(self, ctx, report: Report, entry: Entry, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.report, self.entry = ctx, report, entry
        self.saved: Report | None = None
        self.setWindowTitle("记录床旁交接")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        need = "、".join(sorted(entry.all_marks & BEDSIDE_MARKS))
        head = QLabel(f"<b>{entry_heading(entry)}</b><br>{need}患者须由交班者与接班者共同到床旁交接"
                      "（神志、生命体征、伤口敷料、引流管、输液与穿刺部位、受压皮肤、吸氧/监护）。")
        head.setWordWrap(True)
        layout.addWidget(head)
        self.form = ValidatedForm()
        now = ctx.session.now()
        self.at = QDateTimeEdit(QDateTime(now.year, now.month, now.day, now.hour, now.minute, 0))
        self.at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.at.setCalendarPopup(True)
        self.form.add(F["bedside_at"], self.at, required=True)
        self.evidence = self.form.add(F["evidence"], line_edit(entry.bedside_evidence or "", "如：床旁交接记录单第 12 页",
                                                               max_length=200),
                                      hint="纸质床旁交接记录的出处，或附上照片（二者至少其一）。")
        photo_row = QWidget()
        row = QHBoxLayout(photo_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.photo = QLineEdit()
        self.photo.setReadOnly(True)
        self.photo.setPlaceholderText("（可选）床旁交接记录的照片或扫描件")
        choose = QPushButton("选择文件…")
        choose.clicked.connect(self._choose)
        row.addWidget(self.photo, 1)
        row.addWidget(choose)
        self.form.add(F["photo"], photo_row)
        layout.addWidget(self.form)
        layout.addWidget(save_cancel_buttons(self, self.save, save_text="记录"))

    def _choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择床旁交接记录的照片", "", "图片或 PDF (*.jpg *.jpeg *.png *.pdf)")
        if path:
            self.photo.setText(path)

    def save(self) -> None:
        at = self.at.dateTime().toString("yyyy-MM-dd HH:mm")
        ok, saved = self.form.submit(handover.record_bedside, self.ctx.session, self.report.id, self.entry.uid, at,
                                     self.evidence.text(), self.photo.text() or None)
        if ok:
            self.saved = saved
            self.ctx.notify("handover")
            self.accept()


class ReceiveDialog(QDialog):
    """接班签名: the receiver checks the report and signs with her own account on this PC."""

    def __init__(self, ctx, report: Report, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.report = report
        self.saved: Report | None = None
        self.setWindowTitle(f"接班签名 — {report.title}")
        self.resize(760, 700)
        layout = QVBoxLayout(self)
        self.view = QTextBrowser()
        layout.addWidget(self.view, 1)
        self.bedside_row = QWidget()
        row = QHBoxLayout(self.bedside_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.missing = QComboBox()
        self.bedside_button = QPushButton("记录床旁交接…")
        self.bedside_button.clicked.connect(self.record_bedside)
        self.missing_label = QLabel()
        self.missing_label.setStyleSheet("color: #c62828;")
        row.addWidget(self.missing_label)
        row.addWidget(self.missing, 1)
        row.addWidget(self.bedside_button)
        layout.addWidget(self.bedside_row)
        self.form = ValidatedForm()
        self.username = self.form.add(F["username"], line_edit("", "接班者本人的用户名", 40), required=True)
        self.password = self.form.add(F["password"], QLineEdit(), required=True)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.returnPressed.connect(self.sign)
        layout.addWidget(self.form)
        buttons = QHBoxLayout()
        tip = QLabel("“七不接”：病人数不准、病情不清、床铺不洁、皮肤不洁、管道不通、治疗未完成、物品数量不符时，可退回交班者。")
        tip.setObjectName("fieldHint")
        tip.setWordWrap(True)
        buttons.addWidget(tip, 1)
        self.return_button = QPushButton("退回交班者…")
        self.return_button.clicked.connect(self.return_to_draft)
        self.sign_button = QPushButton("接班签名")
        self.sign_button.setDefault(True)
        self.sign_button.clicked.connect(self.sign)
        cancel = QPushButton("取消")
        cancel.clicked.connect(self.reject)
        for b in (self.return_button, self.sign_button, cancel):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self._show(report)
        self.username.setFocus()

    def _show(self, report: Report) -> None:
        self.report = report
        self.view.setHtml(report_html(report))
        missing = report.missing_bedside()
        self.missing.clear()
        for e in missing:
            self.missing.addItem(entry_heading(e), e.uid)
        self.missing_label.setText(f"尚未床旁交接 {len(missing)} 人：" if missing else "")
        self.bedside_row.setVisible(bool(missing))

    def record_bedside(self) -> None:
        uid = self.missing.currentData()
        entry = next((e for e in self.report.entries if e.uid == uid), None)
        if entry is None:
            return
        dialog = BedsideDialog(self.ctx, self.report, entry, parent=self)
        if dialog.exec():
            self._show(dialog.saved)

    def sign(self) -> None:
        def receive():
            try:
                return handover.sign_receive(self.ctx.session, self.report.id, self.username.text().strip(),
                                             self.password.text())
            except errors.AuthenticationError as exc:  # shown beside the password, like any other finding
                raise errors.ValidationError(F.finding("password", exc.message)) from exc

        ok, saved = self.form.submit(receive)
        self.password.clear()
        if ok:
            self.saved = saved
            self.ctx.notify("handover")
            self.ctx.status_message.emit(f"已接班：{saved.title}（{saved.receiving_name}）")
            self.accept()

    def return_to_draft(self) -> None:
        reason, ok = QInputDialog.getText(self, "退回交班者", "退回原因（如：病人数不准、物品数量不符）：")
        if not ok:
            return
        form_ok, saved = self.form.submit(handover.return_to_draft, self.ctx.session, self.report.id, reason)
        if form_ok:
            self.saved = saved
            self.ctx.notify("handover")
            self.ctx.status_message.emit(f"已退回交班者修改：{saved.title}")
            self.accept()


class AddendumDialog(QDialog):
    """补记: a signed, timed addition under a frozen report — never an edit of it."""

    def __init__(self, ctx, report: Report, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.report = ctx, report
        self.saved: Report | None = None
        self.setWindowTitle(f"补记 — {report.title}")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        note = QLabel("本报告已由双方签名封存。补记与原报告一并显示和打印，注明补记人和时间，原内容不变。")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.form = ValidatedForm()
        self.text = self.form.add(F["addendum"], text_area("", "如：更正 12 床患者诊断为“急性前壁心肌梗死”", 90), required=True)
        layout.addWidget(self.form)
        layout.addWidget(save_cancel_buttons(self, self.save, save_text="添加补记"))

    def save(self) -> None:
        ok, saved = self.form.submit(handover.add_addendum, self.ctx.session, self.report.id, self.text.toPlainText())
        if ok:
            self.saved = saved
            self.ctx.notify("handover")
            self.accept()
