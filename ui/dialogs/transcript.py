"""个人培训档案: one person's sessions and exam results (and, from the coverage page, what is missing)."""
from __future__ import annotations

import html

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout

from desktop_app.training import coverage as training_coverage
from desktop_app.training.coverage import Transcript
from desktop_app.training.models import PersonCoverage
from ui.errors import guarded


def transcript_html(t: Transcript, gaps: PersonCoverage | None = None) -> str:
    e = html.escape
    head = (f"<h3 style='margin:0'>{e(t.name)}（{e(t.employee_no)}）个人培训档案</h3>"
            f"<p>{e(t.department)}　{e(t.category)}　{e(t.title or '')}　入职 {e(t.hire_date or '—')}"
            f"{'' if t.on_duty else '　<b>已离岗</b>'}</p>")
    if gaps is not None and gaps.gaps:
        head += ("<p style='color:#c62828'><b>本期尚未达到：</b>"
                 + "；".join(e(f"{g.label} — {g.text()}") for g in gaps.gaps) + "</p>")
    attended = [s for s in t.sessions if s.present]
    rows = "".join(
        f"<tr><td>{e(s.date)}</td><td>{e(s.title)}</td><td>{e(s.category)}</td><td align='right'>{s.hours:g}</td>"
        f"<td>{'到' if s.present else ('缺席' if s.present is False else '未登记')}</td></tr>" for s in t.sessions)
    exams = "".join(
        f"<tr><td>{e(x.date)}</td><td>{e(x.title)}{'（补考）' if x.attempt > 1 else ''}</td><td>{e(x.kind)}</td>"
        f"<td align='right'>{x.score:g} / {x.full_mark:g}</td>"
        f"<td style='color:{'#2e7d32' if x.passed else '#c62828'}'>{'合格' if x.passed else '不合格'}</td></tr>"
        for x in t.exams)
    style = "border='1' cellspacing='0' cellpadding='3' style='border-color:#b9c2cc'"
    return (head + f"<p><b>培训</b>：参加 {len(attended)} 次，共 {t.hours:g} 学时</p>"
            + (f"<table {style}><tr style='background:#eef1f4'><th>日期</th><th>培训主题</th><th>类别</th><th>学时</th>"
               f"<th>签到</th></tr>{rows}</table>" if rows else "<p>（无）</p>")
            + f"<p><b>考核</b>：{len(t.exams)} 次</p>"
            + (f"<table {style}><tr style='background:#eef1f4'><th>日期</th><th>名称</th><th>类型</th><th>成绩</th>"
               f"<th>结果</th></tr>{exams}</table>" if exams else "<p>（无）</p>"))


class TranscriptDialog(QDialog):
    def __init__(self, ctx, staff_id: int, *, gaps: PersonCoverage | None = None, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.staff_id = staff_id
        self.setWindowTitle("个人培训档案")
        self.resize(760, 640)
        layout = QVBoxLayout(self)
        self.view = QTextBrowser()
        layout.addWidget(self.view, 1)
        self.transcript = guarded(self, training_coverage.transcript, ctx.session, staff_id)
        if self.transcript is not None:
            self.setWindowTitle(f"个人培训档案 — {self.transcript.name}")
            self.view.setHtml(transcript_html(self.transcript, gaps))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        print_button = self.buttons.addButton("打印档案", QDialogButtonBox.ButtonRole.ActionRole)
        print_button.clicked.connect(self.print_transcript)
        layout.addWidget(self.buttons)

    def print_transcript(self) -> None:
        from desktop_app.training import reports
        from ui.pdf_preview import preview_pdf

        if self.transcript is None:
            return
        staff_id, year = self.staff_id, self.ctx.session.today().year
        preview_pdf(self, self.ctx, f"个人培训档案 — {self.transcript.name}", f"个人培训档案-{self.transcript.name}.pdf",
                    lambda session, path, progress: reports.write_transcript_pdf(
                        reports.transcript_snapshot(session, staff_id, year), path, progress))
