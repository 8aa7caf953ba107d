"""What training puts on the 工作台."""
import datetime as dt

from desktop_app import dashboard
from desktop_app.accounts.permissions import Role
from desktop_app.dashboard import StartupHealth
from desktop_app.training import service as training
from desktop_app.training.models import Audience
from desktop_app.training.todos import period_end, training_todos


def titles(session):
    return [t.title for t in training_todos(session, StartupHealth())]


def test_held_sessions_without_sign_in_are_listed(session_as, system, cats):
    quality = session_as(Role.QUALITY)
    training.save_session(system, {"title": "核心制度培训", "category_id": cats["core"], "date": "2026-11-20",
                                   "audience": Audience(everyone=True)})
    training.save_session(system, {"title": "年末培训", "category_id": cats["core"], "date": "2026-12-10",
                                   "audience": Audience(everyone=True)})  # not yet held
    items = training_todos(quality, StartupHealth())
    unrecorded = next(t for t in items if "尚未登记签到" in t.title)
    assert unrecorded.title.startswith("1 次") and "2026-11-20 核心制度培训" in unrecorded.detail
    assert unrecorded.page == "training:unrecorded"


def test_gaps_appear_as_the_year_end_approaches(session_as, clock, cats):
    quality = session_as(Role.QUALITY)
    clock.current = dt.datetime(2026, 9, 1, 9, 0)  # 121 days before the year's end: beyond the 60-day reminder
    assert not [t for t in titles(quality) if "尚未达到本年培训要求" in t]
    clock.current = dt.datetime(2026, 11, 23, 9, 30)  # 38 days left
    gap = next(t for t in training_todos(quality, StartupHealth()) if "尚未达到本年培训要求" in t.title)
    assert gap.title == "距全年结束还有 38 天，7 人尚未达到本年培训要求" and gap.severity == "warning"
    assert "核心制度 7 人" in gap.detail and gap.page == "training_coverage"
    clock.current = dt.datetime(2026, 12, 20, 9, 0)
    assert any(t.severity == "alert" and "11 天" in t.title for t in training_todos(quality, StartupHealth()))
    assert period_end(dt.date(2026, 3, 1)) == dt.date(2026, 6, 30)


def test_low_awareness_is_flagged_and_figures_counted(session_as, system, hospital, cats):
    st = hospital.staff
    survey = training.save_assessment(system, {"kind": "知晓率调查", "title": "抽考", "category_id": cats["core"],
                                               "date": "2026-11-15"})
    training.record_scores(system, survey.id, [{"staff_id": st["张三"], "score": 95},
                                               {"staff_id": st["王芳"], "score": 40}])
    assert "本年核心制度知晓率 50.0%，低于目标 90%" in titles(session_as(Role.QUALITY))
    stats = {s.label: s.value for s in dashboard.collect_stats(session_as(Role.LEADER))}
    assert stats["本年培训"] == "0 次"
    assert titles(session_as(Role.LEADER)) == []  # leaders read, they do not record
