"""The 工作台 counts down to the next deadline and says what is missing."""
import datetime as dt

from desktop_app.accounts.permissions import Role
from desktop_app.dashboard import StartupHealth
from desktop_app.submissions import service as submissions
from desktop_app.submissions.todos import submission_todos


def titles(session):
    return [(t.severity, t.title, t.detail) for t in submission_todos(session, StartupHealth())]


def test_countdown_missing_entries_and_finalised(system, half_year, clock, session_as):
    quality = session_as(Role.QUALITY)
    clock.current = dt.datetime(2026, 5, 20, 9, 0)  # 上半年 due 07-10: 51 days, beyond the 30-day reminder
    assert titles(quality) == []
    clock.current = dt.datetime(2026, 6, 20, 9, 0)
    ((severity, title, detail),) = titles(quality)
    assert title == "2026年上半年报送尚未开始（截止 2026-07-10，还有 20 天）" and severity == "warning"
    clock.current = dt.datetime(2026, 7, 5, 9, 0)
    s = submissions.create_submission(system, "上半年", 2026)
    ((severity, title, detail),) = titles(quality)
    assert severity == "alert" and "尚未定稿" in title and "还需填写 15 项" in detail and "“工作开展情况”" in detail
    submissions.finalize(system, ready_existing(system, s.id).id)
    assert titles(session_as(Role.LEADER))[0][:2] == ("ok", "2026年上半年报送已定稿")
    assert titles(session_as(Role.READONLY)) == []


def ready_existing(system, submission_id):
    from tests.submissions.test_submissions import ready_existing as fill

    return fill(system, submission_id)
