"""The submission printed in the official style (PDF) and as a workbook (XLSX), from its snapshot.

PDF (A4 portrait, GB/T 9704 margins): the title with the hospital and period, 填报单位（盖章）, the
sections — 一、自查自纠与问题整改 … 五、结果监测指标 六、工作总结 — each with its figures (a ruled grid)
and tables (headers repeated on every page), then the signature block (填报人 and 联系电话, 审核人,
单位负责人（签字）, 日期, 单位盖章). A finalised submission's verification code is printed in the footer
of every page and kept in the file's properties; a draft says 草稿 instead.
XLSX: the same content, print-ready: a sheet per section (its figures and notes), each of its tables
on a sheet of its own after it, the indicators, and the narrative with the signers.
"""
from __future__ import annotations

from pathlib import Path

from desktop_app.reports.base import Column, ProgressCallback, ReportInfo
from desktop_app.reports.pdf import PdfReport
from desktop_app.reports.xlsx import XlsxReport
from desktop_app.submissions.gather import NUMERALS

INDICATOR_COLUMNS = [("指标", 36), ("分子", 9), ("分母", 9), ("结果", 12), ("目标", 11), ("达标", 8), ("来源", 10)]


def _info(snap: dict, code: str) -> ReportInfo:
    return ReportInfo(title=f"{snap['hospital']['name']}{snap['title']}", hospital=snap["hospital"]["name"],
                      period=f"报送期间：{snap['period']['label']}", author=snap["signers"].get("填报人") or "",
                      verification=f"验证码：{code}" if code else "草稿（未定稿，不得报送）", keywords=code)


def _version_line(snap: dict) -> str:
    line = f"第 {snap['version']} 版"
    if snap.get("amend_reason"):
        line += f"（修订原因：{snap['amend_reason']}）"
    if snap.get("finalized_at"):
        line += f"　{snap['finalized_at'][:10]} 由 {snap['finalized_by']} 定稿"
    return line


def _sections(snap: dict) -> list[tuple[str, dict]]:
    """Numbered section titles (一、…) for the gathered sections, the indicators and the narrative."""
    out = [(f"{NUMERALS[i]}、{s['title']}", s) for i, s in enumerate(snap["sections"])]
    n = len(out)
    out.append((f"{NUMERALS[n]}、结果监测指标", {"key": "indicators"}))
    out.append((f"{NUMERALS[n + 1]}、工作总结", {"key": "narrative"}))
    return out


def _indicator_rows(snap: dict) -> list[list[str]]:
    return [[r["name"], r["numerator"] or "—", r["denominator"] or "—", r["rate"], r["target"], r["met"], r["source"]]
            for r in snap["indicators"]["rows"]]


def write_submission_pdf(snap: dict, code: str, path: Path | str, progress: ProgressCallback | None = None) -> Path:
    report = PdfReport(path, _info(snap, code), heading=False)
    report.title(snap["title"])
    report.paragraph(f"填报单位（盖章）：{snap['hospital']['name']}", indent=False)
    report.paragraph(f"报送期间：{snap['period']['label']}　　{_version_line(snap)}", indent=False)
    if not code:
        report.note("草稿：内容随记录变化，未经院领导定稿，不得报送。")
    for title, section in _sections(snap):
        report.heading(title)
        if section["key"] == "indicators":
            report.paragraph(f"依据：{snap['indicators']['set']}。“系统统计”由本程序的记录计算，“填报”由质控科根据病案、"
                             "不良事件等统计填写。", indent=False)
            report.table([Column(label, width, "left" if i == 0 else "center")
                          for i, (label, width) in enumerate(INDICATOR_COLUMNS)], _indicator_rows(snap))
            notes = [f"{r['name']}：{r['note']}" for r in snap["indicators"]["rows"] if r["note"]]
            for note in notes:
                report.note(note)
            continue
        if section["key"] == "narrative":
            for i, (label, text) in enumerate(snap["narrative"], 1):
                report.heading(f"（{NUMERALS[i - 1]}）{label}", level=2)
                for para in (text or "").split("\n"):
                    if para.strip():
                        report.paragraph(para.strip())
            continue
        if section["figures"]:  # short particulars two a line; a long label or value gets a line of its own
            lines, pending = [], []
            for label, value in section["figures"]:
                if len(label) > 9 or len(value) > 10:
                    lines.append([(label, value)])
                    continue
                pending.append((label, value))
                if len(pending) == 2:
                    lines.append(pending)
                    pending = []
            if pending:
                lines.append(pending)
            report.fields(lines)
        for table in section["tables"]:
            report.heading(table["title"], level=2)
            report.table([Column(label, width, "left" if i == 0 else "center")
                          for i, (label, width) in enumerate(table["columns"])], table["rows"])
        for note in section["notes"]:
            report.note(note)
    signers = snap["signers"]
    report.spacer(6)
    report.signature_block(("填报人", "联系电话", "审核人", "单位负责人（签字）", "日期", "单位（盖章）"),
                           values={"填报人": signers.get("填报人", ""), "联系电话": signers.get("联系电话", ""),
                                   "审核人": signers.get("审核人", "")})
    return report.build(progress)


def write_submission_xlsx(snap: dict, code: str, path: Path | str, progress: ProgressCallback | None = None) -> Path:
    report = XlsxReport(path, _info(snap, code))
    for title, section in _sections(snap):
        sheet = title.split("、", 1)[1]
        if section["key"] == "indicators":
            report.table([Column(label, width * 1.6) for label, width in INDICATOR_COLUMNS], _indicator_rows(snap),
                         sheet_title=sheet)
            continue
        if section["key"] == "narrative":
            report.table([Column("项目", 16), Column("内容", 100)], [*snap["narrative"],
                                                                   *[[k, v] for k, v in snap["signers"].items()]],
                         sheet_title=sheet)
            continue
        rows = [[label, value] for label, value in section["figures"]] + [["说明", note] for note in section["notes"]]
        report.table([Column("项目", 36), Column("内容", 70)], rows, sheet_title=sheet)
        for table in section["tables"]:  # each table on its own sheet, right after its section's figures
            report.table([Column(label, width * 1.6) for label, width in table["columns"]], table["rows"],
                         sheet_title=table["title"].split("（")[0])
    return report.build(progress)


# ----------------------------------------------------------------------------- self-test


def write_selftest_sample(session, pdf: Path, xlsx: Path) -> str:
    """The newest submission (as archived when finalised), else a draft for the last half-year."""
    from desktop_app.submissions import service as submissions
    from desktop_app.submissions.models import HALF_YEAR

    done = submissions.list_submissions(session)
    if done:
        latest = max(done, key=lambda s: s.id)
    else:
        today = session.today()
        latest = submissions.create_submission(session, HALF_YEAR, today.year if today.month > 6 else today.year - 1)
    snapshot = submissions.snapshot(session, latest.id)
    code = latest.verification_code or "草稿"
    write_submission_pdf(snapshot, code, pdf)
    write_submission_xlsx(snapshot, code, xlsx)
    return f"{latest.title} 第 {latest.version} 版（{latest.status}）"
