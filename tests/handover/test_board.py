"""The ward's shift board (today view), the history count, open and missing reports (工作台)."""
import datetime as dt

from desktop_app.accounts.permissions import Role
from desktop_app.handover import service as handover
from tests.handover.conftest import CENSUS_OK

ITEMS = [{"name": "抢救车", "expected": None, "ok": True}]


def write(session, ward, day, shift):
    return handover.create_report(session, ward, day, shift, "nurse", {"census": CENSUS_OK, "items": ITEMS})


def test_board_lists_every_shift_newest_first_with_its_report(ward):
    # the clock stands at 2026-11-23 09:30: the 白班 of 11-23 runs, the 大夜班 of 11-22 has just ended
    night = handover.sign_outgoing(ward.wang, write(ward.wang, ward.ward, "2026-11-22", "大夜班").id)
    board = handover.shift_board(ward.wang, "nurse", "2026-11-22", "2026-11-23", ward.ward)
    assert [(s.date, s.shift.name) for s in board] == [
        ("2026-11-23", "大夜班"), ("2026-11-23", "小夜班"), ("2026-11-23", "白班"),
        ("2026-11-22", "大夜班"), ("2026-11-22", "小夜班"), ("2026-11-22", "白班")]
    slot = board[3]
    assert slot.report.id == night.id and slot.state == "已交班"
    assert slot.starts_at == dt.datetime(2026, 11, 23, 0, 0) and slot.ends_at == dt.datetime(2026, 11, 23, 8, 0)
    now = dt.datetime(2026, 11, 23, 9, 30)
    assert board[2].running(now) and board[2].state == "未书写" and slot.ended(now)
    assert slot.title == "内科一病区 2026-11-22 大夜班护理交接班"


def test_a_nurse_sees_only_her_ward_on_the_board(ward):
    wards = {s.department_name for s in handover.shift_board(ward.chen, "nurse", "2026-11-23", "2026-11-23")}
    assert wards == {"外科病区"}


def test_missing_reports_are_ended_shifts_past_the_grace_without_a_report(ward, clock):
    write(ward.wang, ward.ward, "2026-11-22", "白班")
    missing = {(s.department_name, s.date, s.shift.name) for s in handover.missing_reports(ward.wang)}
    # 09:30 on 11-23: every shift of 11-21 and 11-22 has ended (the 大夜班 of 11-22 at 08:00, +30 min grace)
    assert ("内科一病区", "2026-11-22", "白班") not in missing
    assert ("内科一病区", "2026-11-22", "大夜班") in missing and ("内科一病区", "2026-11-21", "白班") in missing
    assert ("内科一病区", "2026-11-23", "白班") not in missing  # still running
    clock.current = dt.datetime(2026, 11, 23, 8, 20)
    assert ("内科一病区", "2026-11-22", "大夜班") not in {
        (s.department_name, s.date, s.shift.name) for s in handover.missing_reports(ward.wang)}  # within the grace


def test_open_reports_and_the_history_count(ward, session_as):
    first = write(ward.wang, ward.ward, "2026-11-21", "白班")
    handover.sign_outgoing(ward.wang, first.id)
    write(ward.wang, ward.ward, "2026-11-22", "白班")
    write(ward.chen, ward.other_ward, "2026-11-22", "白班")
    assert [(r.date, r.status) for r in handover.open_reports(ward.wang)] == [
        ("2026-11-21", "已交班"), ("2026-11-22", "草稿")]
    assert len(handover.open_reports(session_as(Role.QUALITY))) == 3
    assert handover.count_reports(ward.wang, "nurse", "2026-11-01", "2026-11-30") == 2
    assert handover.count_reports(session_as(Role.QUALITY), "nurse", "2026-11-01", "2026-11-30", status="草稿") == 2
    assert len(handover.list_reports(session_as(Role.QUALITY), "nurse", "2026-11-01", "2026-11-30", limit=2)) == 2
