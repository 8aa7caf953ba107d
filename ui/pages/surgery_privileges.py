"""手术授权 page: the surgeons, and the selected surgeon's card — grants in force (with 过期), their
history, ability assessments — with 授权, 暂停/取消/恢复, 能力评估 and applying its conclusion."""
from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.people.pinyin import is_pinyin_query
from desktop_app.surgery import privileges as priv
from desktop_app.surgery.manifest import SURGERY_PRIVILEGES
from desktop_app.surgery.models import GRADE_LABELS, GRADE_SCOPE
from ui.errors import guarded
from ui.pages.base import Page
from ui.table import Column, RecordTableModel, RecordTableView

STATE_COLOURS = {"有效": "#2e7d32", "过期": "#c62828", "暂停": "#b26a00", "取消": "#7a7a7a", "已替代": "#7a7a7a"}

SURGEON_COLUMNS = [
    Column("姓名", lambda s: s["name"], width=64),
    Column("科室", lambda s: s["department"], width=96),
    Column("职称", lambda s: s["title"] or "", width=84),
    Column("授权", lambda s: s["grants"] or "", width=40, align_right=True),
]


def grant_columns(today_fn) -> list[Column]:
    return [
        Column("授权内容", lambda p: p.what, width=300, tooltip=lambda p: p.end_reason),
        Column("级别", lambda p: GRADE_LABELS[p.grade], width=48, sort=lambda p: p.grade),
        Column("授权日期", lambda p: p.granted_on, width=86),
        Column("有效期至", lambda p: p.valid_until, width=86),
        Column("状态", lambda p: p.state(today_fn()), width=56, colour=lambda p: STATE_COLOURS.get(p.state(today_fn()))),
        Column("依据", lambda p: f"能力评估 #{p.assessment_id}" if p.assessment_id else "", width=96),
        Column("结束", lambda p: " ".join(x for x in (p.ended_on, p.end_reason) if x), width=220,
               tooltip=lambda p: p.end_reason),
    ]


ASSESSMENT_COLUMNS = [
    Column("评估日期", lambda a: a.assessed_on, width=86),
    Column("内容", lambda a: a.subject, width=240, tooltip=lambda a: a.subject),
    Column("期间", lambda a: f"{a.period_from}–{a.period_to}", width=170),
    Column("例数", lambda a: a.cases, width=44, align_right=True),
    Column("并发症", lambda a: a.complications, width=54, align_right=True),
    Column("不良事件", lambda a: a.adverse_events, width=64, align_right=True),
    Column("结论", lambda a: a.conclusion, width=48),
    Column("批准", lambda a: a.approved_on or "未批准", width=86, colour=lambda a: None if a.approved_on else "#b26a00"),
    Column("执行", lambda a: a.applied_on or "未执行", width=86, colour=lambda a: None if a.applied_on else "#b26a00"),
]


def card_html(card: priv.SurgeonCard) -> str:
    e = html.escape
    head = (f"<h3 style='margin:0'>{e(card.name)}（{e(card.employee_no)}）</h3>"
            f"<p style='margin:2px 0'>{e(card.department)}　{e(card.title or '无职称')}　执业证书：{e(card.licence_no or '未登记')}</p>")
    if card.refusal:
        head += f"<p style='color:#c62828; margin:2px 0'>{e(card.refusal)}</p>"
    in_force = card.in_force()
    grade = card.grade_scope
    g3 = sum(1 for p in in_force if p.scope != GRADE_SCOPE and p.grade == 3)
    g4 = sum(1 for p in in_force if p.scope != GRADE_SCOPE and p.grade == 4)
    lapsed = [p for p in card.current if p.state(card.today) == "过期"]
    head += (f"<p style='margin:2px 0'>现有授权：{'授权至' + GRADE_LABELS[grade] if grade else '无一、二级授权'}；"
             f"三级手术 {g3} 项，四级手术 {g4} 项"
             + (f"；<span style='color:#c62828'>已过期 {len(lapsed)} 项</span>" if lapsed else "") + "</p>")
    return head


class SurgeryPrivilegesPage(Page):
    title = "手术授权"
    domains = frozenset({"surgery", "people", "settings"})

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        layout = self.page_layout(
            "手术授权",
            "一、二级手术按级别授权，三、四级手术逐项授权；授权依据能力评估，与职称、职务不挂钩。四级手术每年至少评估一次，"
            "其他手术按设置的周期再评估。授权历史全部保留；过期的授权显示为红色。")
        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        col = QVBoxLayout(left)
        col.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit()
        self.search.setPlaceholderText("姓名、工号或拼音首字母")
        self.search.setClearButtonEnabled(True)
        col.addWidget(self.search)
        self.surgeon_model = RecordTableModel(SURGEON_COLUMNS, self)
        self.surgeon_table = RecordTableView(self.surgeon_model)
        col.addWidget(self.surgeon_table, 1)
        split.addWidget(left)
        right = QWidget()
        col = QVBoxLayout(right)
        col.setContentsMargins(0, 0, 0, 0)
        self.card = QLabel()
        self.card.setWordWrap(True)
        self.card.setTextFormat(Qt.TextFormat.RichText)
        col.addWidget(self.card)
        self.tabs = QTabWidget()
        today = lambda: self.ctx.session.today()  # noqa: E731
        self.grant_model = RecordTableModel(grant_columns(today), self)
        self.grant_table = RecordTableView(self.grant_model)
        self.history_model = RecordTableModel(grant_columns(today), self)
        self.history_table = RecordTableView(self.history_model)
        self.assessment_model = RecordTableModel(ASSESSMENT_COLUMNS, self)
        self.assessment_table = RecordTableView(self.assessment_model)
        self.tabs.addTab(self.grant_table, "现有授权")
        self.tabs.addTab(self.assessment_table, "能力评估")
        self.tabs.addTab(self.history_table, "授权历史")
        col.addWidget(self.tabs, 1)
        row = QHBoxLayout()
        self.grant_button = QPushButton("授权…")
        self.grant_button.clicked.connect(self.grant)
        self.suspend_button = QPushButton("暂停…")
        self.suspend_button.clicked.connect(lambda: self.change("suspend"))
        self.cancel_button = QPushButton("取消授权…")
        self.cancel_button.clicked.connect(lambda: self.change("cancel"))
        self.resume_button = QPushButton("恢复")
        self.resume_button.clicked.connect(lambda: self.change("resume"))
        self.assess_button = QPushButton("能力评估…")
        self.assess_button.clicked.connect(self.assess)
        self.apply_button = QPushButton("执行评估结论")
        self.apply_button.clicked.connect(self.apply_assessment)
        for b in (self.grant_button, self.suspend_button, self.cancel_button, self.resume_button, self.assess_button,
                  self.apply_button):
            row.addWidget(b)
        row.addStretch(1)
        self.print_button = QPushButton("打印/导出 ▾")
        menu = QMenu(self.print_button)
        menu.addAction("打印手术授权书", lambda: self.print_pdf("authorisation"))
        menu.addAction("打印个人技术档案", lambda: self.print_pdf("file"))
        menu.addAction("导出 Excel…", self.export)
        self.print_button.setMenu(menu)
        row.addWidget(self.print_button)
        col.addLayout(row)
        split.addWidget(right)
        split.setSizes([330, 900])
        layout.addWidget(split, 1)
        self.search.textChanged.connect(self._filter)
        self.surgeon_table.selectionModel().selectionChanged.connect(lambda *_: self.show_card())
        self.staff_id: int | None = None
        self._select_staff: int | None = None
        self._all: list[dict] = []

    def refresh(self) -> None:
        editor = self.ctx.can(SURGERY_PRIVILEGES)
        for b in (self.grant_button, self.suspend_button, self.cancel_button, self.resume_button, self.assess_button,
                  self.apply_button):
            b.setVisible(editor)
        self._all = guarded(self, priv.surgeons, self.ctx.session) or []
        self._filter(self.search.text())

    def _filter(self, text: str) -> None:
        q = text.strip().lower()
        pinyin = is_pinyin_query(q)

        def match(s) -> bool:
            return (not q or q in s["name"] or q in s["employee_no"].lower()
                    or (pinyin and any(k.startswith(q) for k in (s["pinyin"] or "").split())))

        keep = self._select_staff or self.staff_id
        self.surgeon_model.set_rows([s for s in self._all if match(s)])
        if keep is None or not self.surgeon_table.select_where(lambda s: s["id"] == keep):
            self.surgeon_table.select_first()
        self._select_staff = None
        self.show_card()

    def show_card(self) -> None:
        s = self.surgeon_table.selected_record()
        self.staff_id = s["id"] if s else None
        card = guarded(self, priv.surgeon_card, self.ctx.session, self.staff_id) if s else None
        self.current_card = card
        if card is None:
            self.card.setText("请选择医师。")
            for m in (self.grant_model, self.history_model, self.assessment_model):
                m.set_rows([])
            return
        self.card.setText(card_html(card))
        self.grant_model.set_rows(list(card.current))
        self.history_model.set_rows(list(card.history))
        self.assessment_model.set_rows(list(card.assessments))
        self.grant_button.setEnabled(card.refusal is None)

    def apply_preset(self, preset: str) -> None:
        """``staff=<id>`` opens that surgeon's card (工作台 links)."""
        key, _, value = preset.partition("=")
        if key == "staff" and value.isdigit():
            self._select_staff = int(value)
            self.search.clear()
            self.mark_dirty()
            self._refresh_now()

    # ------------------------------------------------------------------ printouts
    def print_pdf(self, what: str) -> None:
        from desktop_app.surgery import reports
        from ui.pdf_preview import preview_pdf

        card = self.current_card
        if card is None:
            return
        staff_id = card.staff_id
        title, write = {"authorisation": ("手术授权书", reports.write_authorisation_pdf),
                        "file": ("个人技术档案", reports.write_technical_file_pdf)}[what]
        preview_pdf(self, self.ctx, f"{title} — {card.name}", f"{title}-{card.name}.pdf",
                    lambda session, path, progress: write(reports.surgeon_snapshot(session, staff_id), path, progress))

    def export(self) -> None:
        from desktop_app.surgery import reports
        from ui.pdf_preview import export_xlsx

        card = self.current_card
        if card is not None:
            staff_id = card.staff_id
            export_xlsx(self, self.ctx, "手术授权", f"手术授权-{card.name}.xlsx",
                        lambda session, path, progress: reports.write_surgeon_xlsx(
                            reports.surgeon_snapshot(session, staff_id), path, progress))

    # ------------------------------------------------------------------ actions
    def _after(self) -> None:
        self._select_staff = self.staff_id
        self.ctx.notify("surgery")

    def grant(self) -> None:
        from ui.dialogs.surgery_edit import GrantDialog

        card = self.current_card
        if card is None:
            return
        dialog = GrantDialog(self.ctx, card.staff_id, card.name, parent=self)
        self._last_dialog = dialog
        if dialog.exec():
            self._after()

    def assess(self) -> None:
        from ui.dialogs.surgery_edit import AssessmentDialog

        card = self.current_card
        if card is None:
            return
        dialog = AssessmentDialog(self.ctx, card.staff_id, card.name, parent=self)
        self._last_dialog = dialog
        if dialog.exec():
            self.tabs.setCurrentIndex(1)
            self._after()

    def change(self, what: str) -> None:
        p = self.grant_table.selected_record()
        if p is None:
            QMessageBox.information(self, "请选择授权", "请先在“现有授权”中选择一项授权。")
            return
        reason = ""
        if what != "resume":
            label = "暂停" if what == "suspend" else "取消"
            reason, ok = QInputDialog.getText(self, f"{label}授权", f"{label}“{p.what}”的原因：")
            if not ok:
                return
        if guarded(self, priv.change_status, self.ctx.session, p.id, what, None, reason):
            self._after()

    def apply_assessment(self) -> None:
        a = self.assessment_table.selected_record()
        if a is None:
            self.tabs.setCurrentIndex(1)
            QMessageBox.information(self, "请选择能力评估", "请先在“能力评估”中选择要执行结论的评估。")
            return
        if QMessageBox.question(self, "执行评估结论", f"按{a.assessed_on}能力评估的结论“{a.conclusion}”调整{a.staff_name}的手术授权？"
                                f"\n（{a.subject}）") != QMessageBox.StandardButton.Yes:
            return
        changed = guarded(self, priv.apply_assessment, self.ctx.session, a.id)
        if changed is not None:
            self.ctx.status_message.emit(f"已执行评估结论：{a.conclusion}，调整授权 {len(changed)} 项")
            self.tabs.setCurrentIndex(0)
            self._after()
