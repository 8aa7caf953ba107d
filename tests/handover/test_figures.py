"""Figures per ward: expected vs written, signed on time, census errors, the bedside ratio."""
import datetime as dt

import pytest

from desktop_app.accounts.permissions import Role
from desktop_app.handover import service as handover
from tests.handover.conftest import CENSUS_OK, PASSWORD

DAY = "2026-11-22"
ITEMS = [{"name": "抢救车", "expected": None, "ok": True}]


def at(clock, text):
    clock.current = dt.datetime.fromisoformat(text)


def entry(bed, operation, **kw):
    return {"category": "四级手术当日", "bed": bed, "patient_name": "患者", "operation": operation, **kw}


def test_figures_per_ward(ward, clock):
    day = handover.create_report(ward.wang, ward.ward, DAY, "白班", "nurse", {"census": CENSUS_OK, "items": ITEMS,
        "entries": [entry("7", "腹腔镜胰十二指肠切除术"), entry("9", "全胃切除术")]})
    beds = {(e.bed, e.operation): e.uid for e in day.entries}
    handover.record_bedside(ward.wang, day.id, beds[("7", "腹腔镜胰十二指肠切除术")], "2026-11-22 15:55", "床旁记录 1")
    # 9床 has no bedside record: the report stays waiting for the receiver
    at(clock, "2026-11-22 15:50:00")
    handover.sign_outgoing(ward.wang, day.id)
    evening = handover.create_report(ward.wang, ward.ward, DAY, "小夜班", "nurse", {"census": CENSUS_OK, "items": ITEMS})
    assert evening.status == "草稿"
    # the next shift carries 7床's operation (not again at the bedside: once on the day is enough) and
    # 7床 has a second grade-4 operation in the evening, handed over at the bedside
    carried = handover.save_draft(ward.wang, evening.id, {"entries": [
        entry("7", "腹腔镜胰十二指肠切除术"), entry("7", "肝部分切除术")]})
    second = next(e.uid for e in carried.entries if e.operation == "肝部分切除术")
    handover.record_bedside(ward.wang, evening.id, second, "2026-11-22 23:55", "床旁记录 2")

    first, *_ = handover.figures(ward.wang, DAY, "2026-11-30")
    assert first.department_name == "内科一病区"
    # 7床 two operations (both at the bedside on the day) + 9床 one (not yet) = 2 / 3
    assert (first.grade4, first.grade4_bedside, first.bedside_ratio_text) == (3, 2, "66.7%")
    assert first.expected == 0  # 15:50: no shift of the period has ended yet
    assert (first.written, first.received, first.on_time, first.census_errors) == (2, 0, 0, 0)

    # the 小夜班 report with a census error stays a draft and is counted
    handover.save_draft(ward.wang, evening.id, {"census": {"现有": 39}})
    handover.record_bedside(ward.wang, day.id, beds[("9", "全胃切除术")], "2026-11-22 15:58", "床旁记录 3")
    at(clock, "2026-11-22 16:20:00")
    handover.sign_receive(ward.wang, day.id, "liuyang", PASSWORD)
    rows = handover.figures(ward.wang, DAY, "2026-11-30")
    first, total = rows[0], rows[-1]
    assert (first.received, first.on_time, first.census_errors) == (1, 1, 1)
    assert first.bedside_ratio_text == "100.0%"
    assert total.department_name == "合计" and total.written == 2
    assert first.expected == 1  # 16:20: the 白班 has ended
    at(clock, "2026-11-23 09:30:00")
    assert handover.figures(ward.wang, DAY, "2026-11-30")[0].expected == 3  # 11-22: 白班, 小夜班, 大夜班 (ends 11-23 08:00)


def test_late_signature_is_not_on_time_and_the_setting_decides(ward, clock, system):
    from desktop_app.hospital import service as hospital

    report = handover.create_report(ward.wang, ward.ward, DAY, "小夜班", "nurse", {"census": CENSUS_OK, "items": ITEMS})
    handover.sign_outgoing(ward.wang, report.id)
    at(clock, "2026-11-23 00:45:00")  # 小夜班 ends at midnight
    handover.sign_receive(ward.wang, report.id, "liuyang", PASSWORD)
    assert handover.figures(ward.wang, DAY, DAY)[0].on_time == 0
    hospital.save_settings(system, {"handover.sign_within_minutes": 60})
    assert handover.figures(ward.wang, DAY, DAY)[0].on_time == 1


def test_quality_sees_every_ward_and_a_nurse_only_hers(ward, session_as):
    names = [f.department_name for f in handover.figures(session_as(Role.QUALITY), DAY, DAY)]
    assert names == ["内科一病区", "外科病区", "合计"]
    assert [f.department_name for f in handover.figures(ward.chen, DAY, DAY)] == ["外科病区", "合计"]
    assert handover.figures(ward.chen, DAY, DAY)[0].bedside_ratio_text == "—"


@pytest.mark.slow
def test_ten_years_of_thirty_wards(system, hospital):
    """330,000 reports: the carry-over and a year's figures are right at that size. (How fast they
    are is measured by tests/bench/bench.py on the 10-year demo hospital, not here.)"""
    from desktop_app.people import service as people

    db = system.db
    wards = [people.create_department(system, {"name": f"病区{i:02d}", "kind": "护理单元"}).id for i in range(30)]
    start = dt.date(2016, 11, 23)
    with db.transaction():
        for w in wards:
            rows = []
            for d in range(3652):  # to 2026-11-22
                day = (start + dt.timedelta(days=d)).isoformat()
                for order, name in ((1, "白班"), (2, "小夜班"), (3, "大夜班")):
                    rows.append((w, day, order, name, f"{day} 08:00:00", f"{day} 16:00:00", '{"现有": 40}',
                                 f"{day} 16:10:00"))
            db.conn.executemany(
                "INSERT INTO handover_reports (department_id, kind, date, shift_order, shift_name, shift_starts_at,"
                " shift_ends_at, status, census_json, census_ok, receiving_at, created_by, created_at, updated_at)"
                " VALUES (?, 'nurse', ?, ?, ?, ?, ?, '已接班', ?, 1, ?, 'x', '', '')", rows)
        db.execute("INSERT INTO handover_entries (uid, report_id, category, bed, operation, grade4, needs_bedside,"
                   " bedside_at) SELECT hex(randomblob(16)), id, '四级手术当日', '7', '手术', 1, 1,"
                   " CASE WHEN id % 3 THEN shift_ends_at END FROM handover_reports WHERE id % 10 = 0")
    assert db.scalar("SELECT count(*) FROM handover_reports") == 328680
    new = handover.prepare_report(system, wards[5], "2026-11-23", "白班")
    assert new.census["原有"] == 40 and new.previous_title == "病区05 2026-11-22 大夜班护理交接班"
    rows = handover.figures(system, "2025-11-23", "2026-11-22")
    assert rows[-1].written == 30 * 3 * 365
    # every 10th report has a 四级手术当日 entry, two in three of them handed over at the bedside
    assert rows[-1].grade4 == sum(r.grade4 for r in rows[:-1]) > 0
    assert 0.6 < rows[-1].bedside_ratio < 0.7
