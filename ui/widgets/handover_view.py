"""A handover report as it reads on screen: the order and wording of the paper book.

Presentation only — every figure and finding comes from the core (``census_findings`` and the
report's own fields); this module turns them into HTML for a ``QTextBrowser``.
"""
from __future__ import annotations

import datetime as dt
import html

from desktop_app.handover.census import census_findings
from desktop_app.handover.models import (
    ARRIVED,
    BEDSIDE_MARKS,
    CENSUS_FIELDS,
    DRAFT,
    HANDED,
    LEFT,
    RECEIVED,
    Entry,
    Report,
    ShiftSlot,
)

MISSING = "未书写"
STATE_COLOURS = {MISSING: "#c62828", DRAFT: "#b26a00", HANDED: "#1f4e79", RECEIVED: "#2e7d32"}
_SBAR = (("situation", "S 现状"), ("background", "B 背景"), ("assessment", "A 评估"), ("recommendation", "R 建议"))


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def _short(stamp: str | None) -> str:
    """'2026-11-23 08:10:00' → '11-23 08:10'."""
    return stamp[5:16] if stamp else ""


def slot_note(slot: ShiftSlot, now: dt.datetime) -> tuple[str, str | None]:
    """What the board says about a shift beside its state, and the colour to say it in."""
    if slot.report is None:
        if slot.ended(now):
            return "班次已结束，尚未书写交班报告", "#c62828"
        return ("当前班次" if slot.running(now) else "未到班次"), None
    if slot.report.status == DRAFT:
        return ("交班者尚未签名" if slot.ended(now) else "正在书写"), "#b26a00"
    if slot.report.status == HANDED:
        return "等待接班者核对签名", "#1f4e79"
    return "双方已签名", None


def entry_heading(e: Entry) -> str:
    marks = "、".join(m for m in (e.category, *e.marks) if m)
    who = " ".join(x for x in (e.patient_name, e.diagnosis) if x)
    return f"{e.bed or '？'}床 {who}（{marks}）" if who else f"{e.bed or '？'}床（{marks}）"


def _entry_html(e: Entry) -> str:
    out = [f"<p style='margin:6px 0 2px 0'><b>{_e(entry_heading(e))}</b>"]
    facts = []
    if e.category in LEFT:
        facts.append(f"{e.category}时间 {_e(e.event_time) or '？'}，去向：{_e(e.place) or '？'}")
    elif e.category in ARRIVED:
        facts.append(f"{'入科' if e.category == '新入' else '转入'}时间 {_e(e.event_time) or '—'}，来源：{_e(e.place) or '？'}")
    elif e.event_time:
        facts.append(f"时间 {_e(e.event_time)}")
    if e.operation:
        facts.append(f"手术：{_e(e.operation)}")
    if facts:
        out.append("　" + "；".join(facts))
    out.append("</p>")
    for key, label in _SBAR:
        text = getattr(e, key)
        if text:
            out.append(f"<p style='margin:0 0 0 16px'>{label}：{_e(text)}</p>")
    if e.needs_bedside:
        need = "、".join(sorted(e.all_marks & BEDSIDE_MARKS))
        if e.bedside_done:
            evidence = "；".join(x for x in (e.bedside_evidence, *(f"照片 {p}" for p in e.attachments)) if x)
            out.append(f"<p style='margin:0 0 0 16px; color:#2e7d32'>床旁交接 ✓ {_e(_short(e.bedside_at))}"
                       f"（{_e(e.bedside_by)}）　佐证：{_e(evidence)}</p>")
        else:
            out.append(f"<p style='margin:0 0 0 16px; color:#c62828'>{_e(need)}：须床旁交接，尚未记录</p>")
    return "".join(out)


def _census_html(report: Report) -> str:
    head = "".join(f"<th>{name}</th>" for name in CENSUS_FIELDS)
    cells = "".join(f"<td align='center'>{_e(report.census.get(name, ''))}</td>" for name in CENSUS_FIELDS)
    table = (f"<table border='1' cellspacing='0' cellpadding='3' style='border-color:#b9c2cc'>"
             f"<tr style='background:#eef1f4'>{head}</tr><tr>{cells}</tr></table>")
    problems = census_findings(report.census)
    if problems:
        table += "".join(f"<p style='color:#c62828; margin:2px 0'>{_e(f.label)}：{_e(f.message)}</p>" for f in problems)
    return table


def _item_state(item: dict) -> str:
    if item.get("expected") is not None:
        count = item.get("count")
        return f"清点 {_e(count) if count not in (None, '') else '？'} / 基数 {item['expected']}"
    ok = item.get("ok")
    return "完好" if ok else ("未勾选" if ok is None else "<span style='color:#c62828'>不完好</span>")


def report_html(report: Report) -> str:
    colour = STATE_COLOURS.get(report.status, "#333")
    parts = [
        f"<h3 style='margin:0'>{_e(report.title)}</h3>",
        f"<p style='margin:2px 0 6px 0'>班次 {_e(_short(report.shift_starts_at))}–{_e(_short(report.shift_ends_at))}"
        f"　状态：<b style='color:{colour}'>{_e(report.status)}</b>"
        + ("　<span style='color:#6b7480'>（患者姓名已隐去）</span>" if not report.names_visible else "") + "</p>",
        "<p style='margin:6px 0 2px 0'><b>病人动态</b></p>", _census_html(report),
    ]
    section = None
    parts.append("<p style='margin:8px 0 0 0'><b>患者交班</b></p>")
    if not report.entries:
        parts.append("<p style='color:#6b7480; margin:2px 0'>（无）</p>")
    for e in report.entries:
        if e.section != section:
            section = e.section
            parts.append(f"<p style='margin:6px 0 0 0; color:#1f4e79'>【{_e(section)}】</p>")
        parts.append(_entry_html(e))
    if report.items:
        rows = "".join(f"<tr><td>{_e(i.get('name'))}</td><td>{_item_state(i)}</td><td>{_e(i.get('note'))}</td></tr>"
                       for i in report.items)
        parts.append("<p style='margin:8px 0 2px 0'><b>交接物品</b></p>"
                     "<table border='1' cellspacing='0' cellpadding='3' style='border-color:#b9c2cc'>"
                     f"<tr style='background:#eef1f4'><th>物品</th><th>清点</th><th>备注</th></tr>{rows}</table>")
    if report.notes:
        parts.append(f"<p style='margin:8px 0 2px 0'><b>备注</b>：{_e(report.notes)}</p>")
    out_sign = f"{_e(report.outgoing_name)}　{_e(_short(report.outgoing_at))}" if report.outgoing_name else "（未签名）"
    in_sign = f"{_e(report.receiving_name)}　{_e(_short(report.receiving_at))}" if report.receiving_name else "（未签名）"
    parts.append(f"<p style='margin:10px 0 2px 0'><b>交班者</b>：{out_sign}　　<b>接班者</b>：{in_sign}</p>")
    for a in report.addenda:
        parts.append(f"<p style='margin:4px 0; background:#fff6e0'>补记（{_e(a.author)} {_e(_short(a.added_at))}）："
                     f"{_e(a.text)}</p>")
    return "".join(parts)
