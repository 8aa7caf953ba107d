"""The submission's section 自查自纠与问题整改: inspections held and problems found, rectified and closed in the period."""
from __future__ import annotations

import datetime as dt
from collections import Counter

from desktop_app.session import Session
from desktop_app.submissions.gather import SectionPart, new_section, table


def section(session: Session, first: dt.date, last: dt.date) -> SectionPart:
    from desktop_app.ledger import inspections as insp
    from desktop_app.ledger import stats
    from desktop_app.ledger.models import LedgerFilter

    s = new_section("ledger", "自查自纠与问题整改")
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
        s["tables"].append(table("检查开展情况", [("检查类型", 30), ("次数", 10)],
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
            s["tables"].append(table(title, [(label, 32), *columns[1:]], rows))
    else:
        s["notes"].append("本期间没有登记问题。")
    return SectionPart(s, records=len(held) + c.total)
