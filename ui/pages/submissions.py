"""报送 page: the submissions and their versions, the next deadline, and the selected one's content —
the figures gathered from the records, the narrative, the indicators to enter, the signers — with
定稿 for 院领导, 修订 with a reason, printing the archived original, and verifying a file."""
from __future__ import annotations

import html
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop_app.submissions import service as submissions
from desktop_app.submissions.manifest import SUBMISSION_EDIT, SUBMISSION_FINALIZE
from desktop_app.submissions.models import (
    CUSTOM,
    FULL_YEAR,
    HALF_YEAR,
    NARRATIVE_KEYS,
    SIGNER_KEYS,
    SUBMISSION_FIELDS,
    Submission,
)
from ui.errors import guarded
from ui.forms import ValidatedForm, date_edit, date_value, line_edit, text_area
from ui.pages.base import Page
from ui.table import Column, RecordTableModel, RecordTableView

COLUMNS = [
    Column("期间", lambda s: s.period_name, width=150, tooltip=lambda s: s.title),
    Column("版本", lambda s: f"第 {s.version} 版", width=60),
    Column("状态", lambda s: "已被替代" if s.superseded else s.status, width=70,
           colour=lambda s: "#7a7a7a" if s.superseded else ("#2e7d32" if s.final else "#b26a00")),
    Column("验证码", lambda s: s.verification_code or "", width=150),
]


def snapshot_html(snap: dict) -> str:
    e = html.escape
    parts = [f"<h3 style='margin:0'>{e(snap['hospital']['name'])}{e(snap['title'])}</h3>",
             f"<p>报送期间：{e(snap['period']['label'])}　第 {snap['version']} 版"
             + (f"　修订原因：{e(snap['amend_reason'])}" if snap.get("amend_reason") else "") + "</p>"]
    style = "border='1' cellspacing='0' cellpadding='3' style='border-color:#b9c2cc'"
    from desktop_app.submissions.gather import NUMERALS

    for n, s in enumerate(snap["sections"]):
        parts.append(f"<h4 style='margin:8px 0 2px 0'>{NUMERALS[n]}、{e(s['title'])}</h4>")
        if s["figures"]:
            rows = "".join(f"<tr><td style='color:#5a6472'>{e(k)}</td><td>{e(v)}</td></tr>" for k, v in s["figures"])
            parts.append(f"<table {style}>{rows}</table>")
        for t in s["tables"]:
            head = "".join(f"<th>{e(c[0])}</th>" for c in t["columns"])
            body = "".join("<tr>" + "".join(f"<td>{e(v)}</td>" for v in r) + "</tr>" for r in t["rows"])
            parts.append(f"<p style='margin:6px 0 2px 0'><b>{e(t['title'])}</b></p>"
                         f"<table {style}><tr style='background:#eef1f4'>{head}</tr>{body}</table>")
        for note in s["notes"]:
            parts.append(f"<p style='color:#6b7480'>{e(note)}</p>")
    n = len(snap["sections"])
    rows = "".join(f"<tr><td>{e(r['name'])}</td><td align='right'>{e(r['numerator'] or '—')}</td>"
                   f"<td align='right'>{e(r['denominator'] or '—')}</td><td align='right'>{e(r['rate'])}</td>"
                   f"<td>{e(r['target'])}</td><td style='color:{'#c62828' if r['met'] == '未达标' else '#333'}'>"
                   f"{e(r['met'])}</td><td>{e(r['source'])}</td></tr>" for r in snap["indicators"]["rows"])
    parts.append(f"<h4 style='margin:8px 0 2px 0'>{NUMERALS[n]}、结果监测指标</h4><table {style}><tr style='background:#eef1f4'>"
                 "<th>指标</th><th>分子</th><th>分母</th><th>结果</th><th>目标</th><th>达标</th><th>来源</th></tr>"
                 f"{rows}</table>")
    parts.append(f"<h4 style='margin:8px 0 2px 0'>{NUMERALS[n + 1]}、工作总结</h4>")
    for title, text in snap["narrative"]:
        parts.append(f"<p><b>{e(title)}</b>：{e(text) or '<span style=color:#c62828>（未填写）</span>'}</p>")
    return "".join(parts)


class NewSubmissionDialog(QDialog):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.saved: Submission | None = None
        self.setWindowTitle("新建报送")
        layout = QVBoxLayout(self)
        self.form = ValidatedForm()
        today = ctx.session.today()
        self.kind = QComboBox()
        for k in (HALF_YEAR, FULL_YEAR, CUSTOM):
            self.kind.addItem(k, k)
        self.year = QSpinBox()
        self.year.setRange(2000, today.year)
        self.year.setValue(today.year if today.month > 6 else today.year - 1)
        self.first = date_edit(today.replace(month=1, day=1))
        self.last = date_edit(today)
        self.form.add(SUBMISSION_FIELDS["period"], self.kind)
        self.form.add(SUBMISSION_FIELDS["year"], self.year)
        self.form.add("自定义起止", self._pair(self.first, self.last), key="dates")
        layout.addWidget(self.form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("新建")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.kind.currentIndexChanged.connect(lambda _i: self._mode())
        self._mode()

    @staticmethod
    def _pair(a, b) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        for w in (a, QLabel("至"), b):
            row.addWidget(w)
        return box

    def _mode(self) -> None:
        custom = self.kind.currentData() == CUSTOM
        self.year.setEnabled(not custom)
        self.first.setEnabled(custom)
        self.last.setEnabled(custom)

    def save(self) -> None:
        kind = self.kind.currentData()
        ok, self.saved = self.form.submit(submissions.create_submission, self.ctx.session, kind, self.year.value(),
                                          date_value(self.first), date_value(self.last))
        if ok:
            self.ctx.notify("submissions")
            self.accept()


class SubmissionsPage(Page):
    title = "报送"
    domains = frozenset({"submissions", "settings"})

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        layout = self.page_layout(
            "半年/全年报送",
            "报送表中的检查、问题、培训、值班交接班、手术授权等数据由程序按期间从记录中汇总；质控科填写工作总结、需填报的监测指标和签署人，"
            "院领导审核定稿。定稿后内容冻结，每页印有验证码，存档的 PDF 和 Excel 可随时原样重印；如需更改，“修订”生成新版本并写明原因。")
        self.deadline = QLabel()
        self.deadline.setObjectName("noticeBanner")
        self.deadline.setWordWrap(True)
        layout.addWidget(self.deadline)
        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        col = QVBoxLayout(left)
        col.setContentsMargins(0, 0, 0, 0)
        self.model = RecordTableModel(COLUMNS, self)
        self.table = RecordTableView(self.model)
        col.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.new_button = QPushButton("新建报送…")
        self.new_button.clicked.connect(self.new_submission)
        self.verify_button = QPushButton("验证文件…")
        self.verify_button.clicked.connect(lambda: self.verify())
        row.addWidget(self.new_button)
        row.addWidget(self.verify_button)
        row.addStretch(1)
        col.addLayout(row)
        split.addWidget(left)
        right = QWidget()
        col = QVBoxLayout(right)
        col.setContentsMargins(0, 0, 0, 0)
        self.findings = QLabel()
        self.findings.setObjectName("formBanner")
        self.findings.setWordWrap(True)
        col.addWidget(self.findings)
        self.tabs = QTabWidget()
        self.preview = QTextBrowser()
        self.tabs.addTab(self.preview, "内容")
        self.tabs.addTab(self._build_narrative(), "工作总结")
        self.tabs.addTab(self._build_indicators(), "监测指标")
        self.tabs.addTab(self._build_signers(), "签署")
        col.addWidget(self.tabs, 1)
        row = QHBoxLayout()
        self.save_button = QPushButton("保存（Ctrl+S）")
        self.save_button.clicked.connect(self.save)
        self.print_button = QPushButton("预览打印")
        self.print_button.clicked.connect(self.print_pdf)
        self.export_button = QPushButton("导出 Excel")
        self.export_button.clicked.connect(self.export_xlsx)
        self.finalize_button = QPushButton("审核定稿…")
        self.finalize_button.clicked.connect(self.finalize)
        self.amend_button = QPushButton("修订…")
        self.amend_button.clicked.connect(self.amend)
        for b in (self.save_button, self.print_button, self.export_button, self.finalize_button, self.amend_button):
            row.addWidget(b)
        row.addStretch(1)
        col.addLayout(row)
        split.addWidget(right)
        split.setSizes([470, 770])  # the list shows its 验证码 column without scrolling
        layout.addWidget(split, 1)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.show_submission())
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        self.current: Submission | None = None
        self.snapshot: dict | None = None
        self._select_id: int | None = None

    # ------------------------------------------------------------------ building
    def _build_narrative(self) -> QWidget:
        self.narrative_form = ValidatedForm()
        F = SUBMISSION_FIELDS  # the narrative is kept by its parts' titles (the fields' labels)
        self.narrative = {F.label(k): self.narrative_form.add(F[k], text_area("", "", 90)) for k in NARRATIVE_KEYS}
        return self.narrative_form

    def _build_indicators(self) -> QWidget:
        box = QWidget()
        col = QVBoxLayout(box)
        note = QLabel("“系统统计”的指标由程序的记录计算；其余请根据病案、不良事件报告等统计填写分子和分母，本院不开展的勾选“不适用”并在说明中写明。")
        note.setWordWrap(True)
        note.setObjectName("pageDescription")
        col.addWidget(note)
        self.indicator_table = QTableWidget(0, 7)
        self.indicator_table.setHorizontalHeaderLabels(["指标", "分子", "分母", "结果", "目标", "不适用", "说明"])
        self.indicator_table.verticalHeader().setVisible(False)
        self.indicator_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for i, w in ((1, 70), (2, 70), (3, 80), (4, 80), (5, 56), (6, 160)):
            self.indicator_table.setColumnWidth(i, w)
        self.indicator_table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        col.addWidget(self.indicator_table, 1)
        return box

    def _build_signers(self) -> QWidget:
        self.signer_form = ValidatedForm()
        F = SUBMISSION_FIELDS  # the signers are kept by their titles (the fields' labels)
        self.signers = {F.label(k): self.signer_form.add(F[k], line_edit("", max_length=40)) for k in SIGNER_KEYS}
        return self.signer_form

    # ------------------------------------------------------------------ loading
    def refresh(self) -> None:
        session = self.ctx.session
        d = guarded(self, submissions.next_deadline, session)
        if d:
            s = d["submission"]
            state = f"第 {s.version} 版{'已定稿' if s.final else '草稿'}" if s else "尚未开始"
            self.deadline.setText(f"下一期：{d['year']}年{d['kind']}报送，截止 {d['due']}，还有 {d['days_left']} 天（{state}）。")
        editor = self.ctx.can(SUBMISSION_EDIT)
        self.new_button.setVisible(editor)
        rows = guarded(self, submissions.list_submissions, session) or []
        keep = self._select_id or (self.current.id if self.current else None)
        self.model.set_rows(rows)
        if keep is None or not self.table.select_where(lambda s: s.id == keep):
            self.table.select_first()
        self._select_id = None
        self.show_submission()

    def show_submission(self) -> None:
        row = self.table.selected_record()
        self.current = guarded(self, submissions.get_submission, self.ctx.session, row.id) if row else None
        s = self.current
        editor, finalizer = self.ctx.can(SUBMISSION_EDIT), self.ctx.can(SUBMISSION_FINALIZE)
        draft = s is not None and not s.final
        self.save_button.setVisible(editor and draft)
        self.finalize_button.setVisible(finalizer and draft)
        self.amend_button.setVisible(editor and s is not None and s.final and not s.superseded)
        for b in (self.print_button, self.export_button):
            b.setEnabled(s is not None)
        for w in (*self.narrative.values(), *self.signers.values(), self.indicator_table):
            w.setEnabled(editor and draft)
        if s is None:
            self.preview.setHtml("<p style='color:#6b7480'>还没有报送：点“新建报送”，选择上半年或全年。</p>")
            self.findings.hide()
            return
        self.snapshot = guarded(self, submissions.snapshot, self.ctx.session, s.id)
        if self.snapshot is None:
            return
        self.preview.setHtml(snapshot_html(self.snapshot))
        for k, area in self.narrative.items():
            area.setPlainText(s.narrative.get(k, ""))
        for k, edit in self.signers.items():
            edit.setText(s.signers.get(k, ""))
        self._fill_indicators()
        self._show_findings()

    def _fill_indicators(self) -> None:
        rows = self.snapshot["indicators"]["rows"]
        t = self.indicator_table
        t.setRowCount(0)
        for r in rows:
            i = t.rowCount()
            t.insertRow(i)
            name = QTableWidgetItem(r["name"] + ("（系统统计）" if r["computed"] else ""))
            name.setData(Qt.ItemDataRole.UserRole, r["code"])
            name.setToolTip(f"{r['definition']}\n分子：{r['numerator_label']}\n分母：{r['denominator_label']}")
            cells = [name, QTableWidgetItem(r["numerator"]), QTableWidgetItem(r["denominator"]),
                     QTableWidgetItem(r["rate"]), QTableWidgetItem(r["target"]), QTableWidgetItem(),
                     QTableWidgetItem(r["note"])]
            cells[5].setCheckState(Qt.CheckState.Checked if r["not_applicable"] else Qt.CheckState.Unchecked)
            fixed = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            for c in (0, 3, 4):
                cells[c].setFlags(fixed)
            if r["computed"]:
                for c in (1, 2, 5, 6):
                    cells[c].setFlags(fixed)
            else:
                cells[5].setFlags(fixed | Qt.ItemFlag.ItemIsUserCheckable)
            for c, cell in enumerate(cells):
                t.setItem(i, c, cell)

    def _show_findings(self) -> None:
        s = self.current
        if s.final:
            self.findings.setText(f"已于 {s.finalized_at[:16]} 由 {s.finalized_by} 定稿，验证码 {s.verification_code}。"
                                  + ("已被新版本替代。" if s.superseded else "打印和导出的是定稿时存档的原件。"))
            self.findings.setStyleSheet("background: #e8f5e9; color: #2e7d32; border: 1px solid #b7dfb9;")
        else:
            missing = submissions.submission_findings(self.snapshot)
            self.findings.setStyleSheet("")
            self.findings.setText(("定稿前还需：" + "；".join(f.message for f in missing)) if missing
                                  else "内容已齐全，可交院领导审核定稿。")
        self.findings.show()

    # ------------------------------------------------------------------ actions
    def values(self) -> dict:
        indicators = {}
        t = self.indicator_table
        for i in range(t.rowCount()):
            code = t.item(i, 0).data(Qt.ItemDataRole.UserRole)
            if t.item(i, 1).flags() & Qt.ItemFlag.ItemIsEditable:
                indicators[code] = {"numerator": t.item(i, 1).text(), "denominator": t.item(i, 2).text(),
                                    "not_applicable": t.item(i, 5).checkState() == Qt.CheckState.Checked,
                                    "note": t.item(i, 6).text()}
        return {"narrative": {k: a.toPlainText() for k, a in self.narrative.items()},
                "signers": {k: e.text() for k, e in self.signers.items()}, "indicators": indicators}

    def save(self) -> bool:
        s = self.current
        if s is None or s.final or not self.save_button.isVisible():
            return False
        saved = guarded(self, submissions.save_submission, self.ctx.session, s.id, self.values())
        if saved is None:
            return False
        self._select_id = s.id
        self.ctx.status_message.emit("报送已保存")
        self.ctx.notify("submissions")
        return True

    def new_submission(self) -> None:
        dialog = NewSubmissionDialog(self.ctx, parent=self)
        self._last_dialog = dialog
        if dialog.exec() and dialog.saved:
            self._select_id = dialog.saved.id
            self.mark_dirty()

    def finalize(self) -> None:
        s = self.current
        if s is None:
            return
        if self.save_button.isVisible():
            self.save()
        if QMessageBox.question(self, "审核定稿", f"定稿“{s.title}”第 {s.version} 版？定稿后内容冻结，生成验证码和存档文件，"
                                "以后只能修订为新版本。") != QMessageBox.StandardButton.Yes:
            return
        done = guarded(self, submissions.finalize, self.ctx.session, s.id)
        if done:
            self._select_id = done.id
            self.ctx.notify("submissions")
            QMessageBox.information(self, "已定稿", f"已定稿，验证码 {done.verification_code}。请打印、签字盖章后报送。")

    def amend(self) -> None:
        s = self.current
        if s is None:
            return
        reason, ok = QInputDialog.getText(self, "修订", "修订原因（如：更正不良事件报告例次）：")
        if not ok:
            return
        new = guarded(self, submissions.amend, self.ctx.session, s.id, reason)
        if new:
            self._select_id = new.id
            self.ctx.notify("submissions")

    def _file(self, kind: str) -> Path | None:
        """The archived original of a finalised submission, or the draft rendered now (marked 草稿)."""
        from desktop_app.submissions import reports

        s = self.current
        folder = Path(tempfile.mkdtemp(prefix="qledger-submission-"))
        path = folder / f"{s.title}（第{s.version}版{'' if s.final else '草稿'}）.{kind}"
        if s.final:
            content = guarded(self, submissions.stored_file, self.ctx.session, s.id, kind)
            if content is None:
                return None
            path.write_bytes(content)
        else:
            writer = reports.write_submission_pdf if kind == "pdf" else reports.write_submission_xlsx
            if guarded(self, writer, self.snapshot, "", path) is None:
                return None
        return path

    def print_pdf(self) -> None:
        from ui.pdf_preview import PdfPreviewDialog

        if self.current is None:
            return
        path = self._file("pdf")
        if path is not None:
            dialog = PdfPreviewDialog(path, self.current.title, path.name, self)
            self._last_preview = dialog
            dialog.open()

    def export_xlsx(self) -> None:
        if self.current is None:
            return
        source = self._file("xlsx")
        if source is None:
            return
        target, _ = QFileDialog.getSaveFileName(self, "导出 Excel", str(Path.home() / source.name), "Excel 工作簿 (*.xlsx)")
        if target:
            Path(target).write_bytes(source.read_bytes())
            self.ctx.status_message.emit(f"已导出：{target}")

    def verify(self, path: str | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getOpenFileName(self, "选择要验证的报送文件", str(Path.home()),
                                                  "报送文件 (*.pdf *.xlsx);;所有文件 (*)")
            if not path:
                return
        result = guarded(self, submissions.verify_file, self.ctx.session, path)
        if result is not None:
            (QMessageBox.information if result.ok else QMessageBox.warning)(self, "验证结果", result.message)
