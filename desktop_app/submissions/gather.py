"""The figures of a submission, gathered for a period from every module's records.

:func:`gather` returns a plain, JSON-able snapshot: sections of figures (label, text), tables
(columns, rows of texts) and notes, plus ``data`` with the raw numbers (what the tests compare
with the records). Texts are formatted here once, so a finalised snapshot prints the same way
years later, whatever the program's formatting then. Indicators and the narrative are added by
:mod:`desktop_app.submissions.service`, which knows the draft's entries.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter

from desktop_app.session import Session

NUMERALS = "一二三四五六七八九十"


def pct(part: float, whole: float) -> str:
    return "—" if not whole else f"{part / whole * 100:.1f}%"


def cn_day(day: str) -> str:
    d = dt.date.fromisoformat(day)
    return f"{d.year}年{d.month}月{d.day}日"


def _section(key: str, title: str) -> dict:
    return {"key": key, "title": title, "figures": [], "tables": [], "notes": [], "data": {}}


def _table(title: str, columns: list[tuple[str, float]], rows: list[list]) -> dict:
    """columns: (label, relative width)."""
    return {"title": title, "columns": [list(c) for c in columns], "rows": [[str(v) for v in r] for r in rows]}


# ----------------------------------------------------------------------------- 自查自纠与问题台账


def ledger_section(session: Session, first: dt.date, last: dt.date) -> dict:
    from desktop_app.ledger import inspections as insp
    from desktop_app.ledger import stats
    from desktop_app.ledger.models import LedgerFilter

    s = _section("ledger", "自查自纠与问题整改")
    held = [i for year in range(first.year, last.year + 1) for i in insp.list_inspections(session, year=year)
            if first.isoformat() <= i.inspected_on <= last.isoformat()]
    by_type = Counter(i.type for i in held)
    st = stats.ledger_stats(session, LedgerFilter(date_from=first, date_to=last))
    c = st.overall
    s["figures"] = [["开展检查", f"{len(held)} 次"], ["发现问题", f"{c.total} 项"], ["已销号", f"{c.closed} 项"],
                    ["已整改待复查", f"{c.by_status.get('已整改待复查', 0)} 项"],
                    ["整改中", f"{c.by_status.get('整改中', 0)} 项"], ["待整改", f"{c.by_status.get('待整改', 0)} 项"],
                    ["逾期未销号", f"{c.overdue} 项"], ["整改率", stats.percent(c.rectification_rate)],
                    ["销号率", stats.percent(c.closure_rate)]]
    s["data"] = {"inspections": len(held), "problems": c.total, "closed": c.closed, "rectified": c.rectified,
                 "overdue": c.overdue, "by_type": dict(by_type)}
    if held:
        s["tables"].append(_table("检查开展情况", [("检查类型", 30), ("次数", 10)],
                                  [[t, n] for t, n in by_type.most_common()]))

    def counts_rows(groups, limit=None):
        rows = [[name, k.total, k.closed, k.by_status.get("已整改待复查", 0), k.total - k.rectified, k.overdue,
                 stats.percent(k.rectification_rate), stats.percent(k.closure_rate)]
                for name, k in groups if k.total]
        return rows[:limit] if limit else rows

    columns = [("名称", 32), ("问题数", 10), ("已销号", 10), ("待复查", 10), ("未整改", 10), ("逾期", 8),
               ("整改率", 10), ("销号率", 10)]
    if c.total:
        for title, label, groups, limit in (("问题按类别", "问题类别", st.by_category, None),
                                            ("问题按来源", "来源", st.by_source, None),
                                            ("问题按责任科室（前 20 个科室）", "责任科室", st.by_department, 20)):
            rows = counts_rows(sorted(groups, key=lambda g: -g[1].total), limit)
            s["tables"].append(_table(title, [(label, 32), *columns[1:]], rows))
    else:
        s["notes"].append("本期间没有登记问题。")
    return s


# ----------------------------------------------------------------------------- 培训与考核


def training_section(session: Session, first: dt.date, last: dt.date) -> tuple[dict, dict]:
    """The section, and the 知晓率 figures the indicators use."""
    from desktop_app.training import coverage as training_coverage
    from desktop_app.training import service as training

    s = _section("training", "培训与考核")
    sessions = training.list_sessions(session, first, last)
    held = [r for r in sessions if r.attendance_recorded]
    cov = training_coverage.coverage(session, first, last)
    total = cov.total
    s["figures"] = [["举办培训", f"{len(held)} 次"], ["参训", f"{sum(r.present for r in held)} 人次"],
                    ["应培训人员", f"{total.people} 人"], ["全部达到培训要求", f"{total.complete} 人（{pct(total.complete, total.people)}）"],
                    ["考核合格率（首次）", "—" if cov.assessment_pass_rate is None else f"{cov.assessment_pass_rate * 100:.1f}%"],
                    ["核心制度知晓率", f"{pct(total.aware, total.tested)}（抽考 {total.tested} 人，合格 {total.aware} 人）"]]
    s["data"] = {"sessions": len(held), "participants": sum(r.present for r in held), "people": total.people,
                 "complete": total.complete, "tested": total.tested, "aware": total.aware}
    by_cat: dict[str, list] = {}
    for r in held:
        by_cat.setdefault(r.category, []).append(r)
    if by_cat:
        s["tables"].append(_table("培训开展情况（按类别）", [("类别", 20), ("次数", 8), ("应到", 10), ("实到", 10),
                                                          ("到课率", 10), ("学时", 8)],
                                  [[cat, len(rs), sum(r.expected for r in rs), sum(r.present for r in rs),
                                    pct(sum(r.present_expected for r in rs), sum(r.expected for r in rs)),
                                    f"{sum(r.hours for r in rs):g}"] for cat, rs in by_cat.items()]))
    if cov.by_requirement:
        s["tables"].append(_table("培训要求完成情况", [("培训要求", 44), ("适用人数", 10), ("已达到", 10), ("达标率", 10)],
                                  [[r.requirement.label, r.people, r.met, pct(r.met, r.people)]
                                   for r in cov.by_requirement]))
    low = [d for d in cov.by_department[:-1] if d.awareness is not None and d.awareness < cov.awareness_target]
    if low:
        s["notes"].append(f"知晓率低于目标（{cov.awareness_target * 100:g}%）的科室：" + "、".join(
            f"{d.department} {d.awareness * 100:.1f}%" for d in low) + "。")
    if not held:
        s["notes"].append("本期间没有登记签到的培训。")
    return s, {"numerator": total.aware, "denominator": total.tested}


# ----------------------------------------------------------------------------- 值班与交接班


def duty_section(session: Session, first: dt.date, last: dt.date) -> tuple[dict, dict]:
    from desktop_app.handover import service as handover
    from desktop_app.handover.models import DOCTOR, KIND_LABELS, NURSE
    from desktop_app.roster import service as roster

    s = _section("duty", "值班与交接班")
    months, published = [], 0
    day = first.replace(day=1)
    while day <= last:
        months.append(day.strftime("%Y-%m"))
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    posts = roster.list_posts(session)
    if posts:
        for m in months:
            published += roster.month_status(session, m).status == "已发布"
        found = roster.check_range(session, first, last)
        rules = Counter(v.rule for v in found)
        s["figures"] += [["值班岗位", f"{len(posts)} 个"], ["值班表按月发布", f"{published}/{len(months)} 个月"],
                         ["值班规则检查", f"{len(found)} 处不符合" if found else "未发现违反值班规则"]]
        if found:
            s["tables"].append(_table("值班规则检查结果", [("规则", 24), ("处数", 10)],
                                      [[rule, n] for rule, n in rules.most_common()]))
        s["data"].update({"posts": len(posts), "months": len(months), "published": published,
                          "violations": len(found)})
    bedside = {"numerator": 0, "denominator": 0}
    rows = []
    for kind in (NURSE, DOCTOR):
        total = handover.figures(session, first, last, kind)[-1]
        if not total.written and not total.expected:
            continue
        rows.append([KIND_LABELS[kind], total.expected, total.written, total.received, pct(total.received, total.expected),
                     total.on_time, pct(total.on_time, total.expected), total.census_errors, total.grade4,
                     total.grade4_bedside, total.bedside_ratio_text])
        s["data"][kind] = {"expected": total.expected, "written": total.written, "received": total.received,
                           "on_time": total.on_time, "grade4": total.grade4, "grade4_bedside": total.grade4_bedside}
        if kind == NURSE:
            bedside = {"numerator": total.grade4_bedside, "denominator": total.grade4}
    if rows:
        s["tables"].append(_table("交接班记录完成情况", [("类别", 14), ("应交班", 9), ("已书写", 9), ("已接班", 9),
                                                     ("完成率", 9), ("按时签名", 9), ("按时率", 9), ("病人动态错误", 11),
                                                     ("四级手术", 9), ("床旁交接", 9), ("床旁交接占比", 11)], rows))
        s["figures"].append(["四级手术患者手术当日床旁交接班占比",
                             pct(bedside["numerator"], bedside["denominator"])])
    if not posts and not rows:
        s["notes"].append("本期间没有值班表和交接班记录。")
    return s, bedside


# ----------------------------------------------------------------------------- 手术分级管理


def surgery_section(session: Session, first: dt.date, last: dt.date) -> tuple[dict, dict]:
    from desktop_app.surgery import catalogue, operations, privileges, repo

    s = _section("surgery", "手术分级管理")
    perf = {"numerator": 0, "denominator": 0}
    book = catalogue.catalogue_in_force(session, last)
    if book is None:
        s["notes"].append("期末没有已批准生效的手术分级管理目录。")
        return s, perf
    filed = f"已于 {cn_day(book.filed_on)} 备案" if book.filed and book.filed_on else "尚未备案"
    g = book.grade_counts
    s["figures"] += [["手术分级管理目录", book.name],
                     ["目录批准与备案", f"{book.approved_by or ''} {cn_day(book.approved_on) if book.approved_on else ''} 批准；{filed}"],
                     ["目录收录手术", f"{book.procedures} 项（一级 {g[0]}、二级 {g[1]}、三级 {g[2]}、四级 {g[3]}）"]]
    end = last.isoformat()
    grants = [p for p in repo.all_privileges(session.db, end, end)
              if p.granted_on <= end <= p.valid_until and (p.ended_on is None or p.ended_on > end)]
    grade3 = {p.staff_id for p in grants if p.scope == "procedure" and p.grade == 3}
    grade4 = {p.staff_id for p in grants if p.scope == "procedure" and p.grade == 4}
    assessed = privileges.list_assessments(session, first, last)
    conclusions = Counter(a.conclusion for a in assessed)
    soon = (last + dt.timedelta(days=90)).isoformat()
    due = [p for p in repo.lapsing(session.db, soon) if p.valid_until >= first.isoformat()]
    lapsed = [p for p in due if p.valid_until < end]
    s["figures"] += [["期末获三级手术授权的医师", f"{len(grade3)} 人"], ["期末获四级手术授权的医师", f"{len(grade4)} 人"],
                     ["期内完成能力评估", f"{len(assessed)} 人次" + (
                         "（" + "、".join(f"{k} {n}" for k, n in conclusions.most_common()) + "）" if assessed else "")],
                     ["期末前已到期未再评估的授权", f"{len(lapsed)} 项"],
                     ["期末后 90 天内到期、待再评估的授权", f"{len(due) - len(lapsed)} 项"]]
    p = operations.performance(session, first, last)
    perf = {"numerator": p.performed, "denominator": p.filed}
    s["figures"] += [["手术例数（导入的手术记录）", f"{p.operations} 例，其中三、四级 {p.grade34_operations} 例"],
                     ["越权手术", f"{p.unprivileged} 例"],
                     ["三、四级手术实际开展率", f"{pct(p.performed, p.filed)}（备案 {p.filed} 种，开展 {p.performed} 种）"]]
    s["data"] = {"procedures": book.procedures, "filed": book.filed, "grade3_surgeons": len(grade3),
                 "grade4_surgeons": len(grade4), "assessments": len(assessed), "lapsed": len(lapsed),
                 "operations": p.operations, "unprivileged": p.unprivileged, "performed": p.performed,
                 "filed_grade34": p.filed}
    bad = operations.unprivileged(session, first, last)
    if bad:
        s["tables"].append(_table("越权手术（前 50 例）", [("日期", 12), ("术者", 8), ("科室", 12), ("手术", 30), ("级别", 6),
                                                       ("原因", 30)],
                                  [[r["date"], r["staff_name"], r["department"], f"{r['code']} {r['name']}",
                                    f"{r['grade']}级", r["finding"]] for r in bad[:50]]))
    return s, perf


# ----------------------------------------------------------------------------- all of it


def gather(session: Session, first: dt.date, last: dt.date) -> tuple[list[dict], dict[str, dict]]:
    """(sections, computed indicator inputs by ``computed_from`` key)."""
    ledger = ledger_section(session, first, last)
    training, awareness = training_section(session, first, last)
    duty, bedside = duty_section(session, first, last)
    surgery, performed = surgery_section(session, first, last)
    computed = {"training.awareness": awareness, "handover.grade4_bedside": bedside,
                "surgery.grade34_performed": performed}
    return [ledger, training, duty, surgery], computed


def is_empty(sections: list[dict]) -> bool:
    """No record at all in the period: no inspection, problem, training, handover or operation."""
    d = {s["key"]: s["data"] for s in sections}
    return not any([d["ledger"].get("inspections"), d["ledger"].get("problems"), d["training"].get("sessions"),
                    (d["duty"].get("nurse") or {}).get("written"), (d["duty"].get("doctor") or {}).get("written"),
                    d["surgery"].get("operations"), d["surgery"].get("assessments")])
