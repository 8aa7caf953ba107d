"""The submission's section 培训与考核, and the 核心制度知晓率 the indicators use."""
from __future__ import annotations

import datetime as dt

from desktop_app.session import Session
from desktop_app.submissions.gather import SectionPart, new_section, pct, table


def section(session: Session, first: dt.date, last: dt.date) -> SectionPart:
    """The section, and the 知晓率 figures the indicators use."""
    from desktop_app.training import coverage as training_coverage
    from desktop_app.training import service as training

    s = new_section("training", "培训与考核")
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
        s["tables"].append(table("培训开展情况（按类别）", [("类别", 20), ("次数", 8), ("应到", 10), ("实到", 10),
                                                          ("到课率", 10), ("学时", 8)],
                                  [[cat, len(rs), sum(r.expected for r in rs), sum(r.present for r in rs),
                                    pct(sum(r.present_expected for r in rs), sum(r.expected for r in rs)),
                                    f"{sum(r.hours for r in rs):g}"] for cat, rs in by_cat.items()]))
    if cov.by_requirement:
        s["tables"].append(table("培训要求完成情况", [("培训要求", 44), ("适用人数", 10), ("已达到", 10), ("达标率", 10)],
                                  [[r.requirement.label, r.people, r.met, pct(r.met, r.people)]
                                   for r in cov.by_requirement]))
    low = [d for d in cov.by_department[:-1] if d.awareness is not None and d.awareness < cov.awareness_target]
    if low:
        s["notes"].append(f"知晓率低于目标（{cov.awareness_target * 100:g}%）的科室：" + "、".join(
            f"{d.department} {d.awareness * 100:.1f}%" for d in low) + "。")
    if not held:
        s["notes"].append("本期间没有登记签到的培训。")
    return SectionPart(s, {"training.awareness": {"numerator": total.aware, "denominator": total.tested}},
                       records=len(held))
