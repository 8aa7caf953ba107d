"""The submission's section 手术分级管理, and the 三、四级手术实际开展率 the indicators use."""
from __future__ import annotations

import datetime as dt
from collections import Counter

from desktop_app.session import Session
from desktop_app.submissions.gather import SectionPart, cn_day, new_section, pct, table


def section(session: Session, first: dt.date, last: dt.date) -> SectionPart:
    from desktop_app.surgery import catalogue, operations, privileges, repo

    s = new_section("surgery", "手术分级管理")
    perf = {"numerator": 0, "denominator": 0}
    book = catalogue.catalogue_in_force(session, last)
    if book is None:
        s["notes"].append("期末没有已批准生效的手术分级管理目录。")
        return SectionPart(s, {"surgery.grade34_performed": perf})
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
        s["tables"].append(table("越权手术（前 50 例）", [("日期", 12), ("术者", 8), ("科室", 12), ("手术", 30), ("级别", 6),
                                                       ("原因", 30)],
                                  [[r["date"], r["staff_name"], r["department"], f"{r['code']} {r['name']}",
                                    f"{r['grade']}级", r["finding"]] for r in bad[:50]]))
    return SectionPart(s, {"surgery.grade34_performed": perf}, records=p.operations + len(assessed))
