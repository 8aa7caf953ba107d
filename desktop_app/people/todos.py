"""工作台 figures: departments and staff on duty."""
from __future__ import annotations

from desktop_app.dashboard import Stat, stat_provider
from desktop_app.people.manifest import PEOPLE_VIEW
from desktop_app.session import Session


@stat_provider
def people_stats(session: Session) -> list[Stat]:
    from desktop_app.people import service as people

    if not session.actor.can(PEOPLE_VIEW):
        return []
    counts = people.staff_counts(session)
    departments = [d for d in people.list_departments(session) if d.active]
    return [
        Stat("科室", str(len(departments)), page="departments"),
        Stat("在岗人员", str(counts["on_duty"]), page="staff"),
        Stat("非本机构执业（在岗）", str(counts["not_registered"]), page="staff",
             note="进修、规培、实习、外院会诊人员不得单独值班"),
    ]
