"""The 工作台 counts down to the next deadline (a card, always) and says what is missing (a to-do, near it)."""
import datetime as dt

from desktop_app.accounts.permissions import Role
from desktop_app.dashboard import StartupHealth
from desktop_app.submissions import service as submissions
from desktop_app.submissions.todos import submission_countdown, submission_todos


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


def cards(session):
    return [(c.label, c.value, c.page) for c in submission_countdown(session)]


def test_the_countdown_card_shows_far_from_the_deadline_with_the_state(system, half_year, clock, session_as):
    quality = session_as(Role.QUALITY)
    clock.current = dt.datetime(2026, 5, 20, 9, 0)  # no to-do yet (51 days), but the card counts down
    assert cards(quality) == [("距2026年上半年报送截止（未开始）", "51 天", "submissions")]
    s = submissions.create_submission(system, "上半年", 2026)
    assert cards(quality)[0][0] == "距2026年上半年报送截止（草稿）"
    clock.current = dt.datetime(2026, 7, 5, 9, 0)
    submissions.finalize(system, ready_existing(system, s.id).id)
    assert cards(session_as(Role.LEADER)) == [("距2026年上半年报送截止（已定稿）", "5 天", "submissions")]
    clock.current = dt.datetime(2026, 7, 11, 9, 0)  # past the half-year's due date: the year's comes next
    assert cards(quality) == [("距2026年全年报送截止（未开始）", "183 天", "submissions")]
    assert cards(session_as(Role.CLINICIAN)) == [] and cards(session_as(Role.DEPT_HEAD)) == []


def test_the_list_names_each_period_briefly(system, half_year):
    half = submissions.create_submission(system, "上半年", 2026)
    custom = submissions.create_submission(system, "自定义", first="2026-03-01", last="2026-05-31")
    assert (half.period_name, custom.period_name) == ("2026年上半年", "2026年3月1日至2026年5月31日")
