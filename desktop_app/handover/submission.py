"""The submission's section 值班与交接班 (the roster's months and rule checks, the handover books), and the
四级手术患者手术当日床旁交接班占比 the indicators use."""
from __future__ import annotations

import datetime as dt
from collections import Counter

from desktop_app.session import Session
from desktop_app.submissions.gather import SectionPart, new_section, pct, table


def section(session: Session, first: dt.date, last: dt.date) -> SectionPart:
    from desktop_app.handover import service as handover
    from desktop_app.handover.models import DOCTOR, KIND_LABELS, NURSE
    from desktop_app.roster import service as roster

    s = new_section("duty", "值班与交接班")
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
            s["tables"].append(table("值班规则检查结果", [("规则", 24), ("处数", 10)],
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
        s["tables"].append(table("交接班记录完成情况", [("类别", 14), ("应交班", 9), ("已书写", 9), ("已接班", 9),
                                                     ("完成率", 9), ("按时签名", 9), ("按时率", 9), ("病人动态错误", 11),
                                                     ("四级手术", 9), ("床旁交接", 9), ("床旁交接占比", 11)], rows))
        s["figures"].append(["四级手术患者手术当日床旁交接班占比",
                             pct(bedside["numerator"], bedside["denominator"])])
    if not posts and not rows:
        s["notes"].append("本期间没有值班表和交接班记录。")
    written = sum((s["data"].get(kind) or {}).get("written", 0) for kind in (NURSE, DOCTOR))
    return SectionPart(s, {"handover.grade4_bedside": bedside}, records=written)
