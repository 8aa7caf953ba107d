"""Writing a report: carry-over of 原有 and key patients, duplicates, drafts, order of entries."""
import datetime as dt

import pytest

from desktop_app import errors
from desktop_app.handover import service as handover
from tests.handover.conftest import CENSUS_OK

DAY = "2026-11-22"


def write(session, ward, date, shift, census=None, entries=(), **kw):
    report = handover.create_report(session, ward, date, shift, "nurse", {"census": census or {}, **kw})
    if entries:
        report = handover.save_draft(session, report.id, {"entries": list(entries)})
    return report


def test_default_shifts_run_through_midnight(ward):
    t = handover.get_template(ward.wang, ward.ward)
    assert [s.label() for s in t.shifts] == ["白班 08:00–16:00", "小夜班 16:00–24:00", "大夜班 00:00–08:00"]
    night = t.shift("大夜班")
    start, end = night.interval(dt.date(2026, 11, 22))
    assert (str(start), str(end)) == ("2026-11-23 00:00:00", "2026-11-23 08:00:00")


def test_first_report_has_no_original_and_counts_zero(ward):
    new = handover.prepare_report(ward.wang, ward.ward, DAY, "白班")
    assert new.census["原有"] == "" and new.census["入院"] == 0 and new.previous_id is None
    assert [i["name"] for i in new.items][:2] == ["毒麻药品（吗啡注射液）", "毒麻药品（哌替啶注射液）"]


def test_original_is_carried_across_midnight_and_into_the_next_day(ward):
    write(ward.wang, ward.ward, DAY, "白班", CENSUS_OK | {"现有": 40})
    write(ward.wang, ward.ward, DAY, "小夜班", CENSUS_OK | {"原有": 40, "入院": 3, "出院": 0, "转入": 0, "现有": 43})
    night = handover.prepare_report(ward.wang, ward.ward, DAY, "大夜班")
    assert night.census["原有"] == 43 and night.census["现有"] == 43
    assert night.previous_title == "内科一病区 2026-11-22 小夜班护理交接班"
    write(ward.wang, ward.ward, DAY, "大夜班", CENSUS_OK | {"原有": 43, "入院": 0, "转入": 0, "出院": 1, "现有": 42})
    morning = handover.prepare_report(ward.wang, ward.ward, "2026-11-23", "白班")
    assert morning.census["原有"] == 42
    # a gap of days still finds the last report written
    assert handover.prepare_report(ward.wang, ward.ward, "2026-11-26", "小夜班").census["原有"] == 42


def test_second_report_for_the_same_shift_is_refused_naming_the_first(ward):
    write(ward.wang, ward.ward, DAY, "白班")
    with pytest.raises(errors.Conflict, match="内科一病区 2026-11-22 白班护理交接班已经存在（草稿，王芳创建）"):
        handover.create_report(ward.liu, ward.ward, DAY, "白班")
    with pytest.raises(errors.Conflict):
        handover.prepare_report(ward.liu, ward.ward, DAY, 1)


def test_unknown_shift_lists_the_wards_shifts(ward):
    with pytest.raises(errors.ValidationError, match="没有“中班”班次，班次为：白班、小夜班、大夜班"):
        handover.prepare_report(ward.wang, ward.ward, DAY, "中班")


def test_key_patients_of_the_previous_report_are_offered(ward):
    write(ward.wang, ward.ward, DAY, "白班", CENSUS_OK, entries=[
        {"category": "出院", "bed": "3", "patient_name": "李一", "event_time": "10:00", "place": "回家"},
        {"category": "病危", "bed": "12", "patient_name": "王二", "diagnosis": "重症肺炎", "situation": "血氧 88%"},
        {"category": "四级手术当日", "bed": "7", "patient_name": "张三丰", "operation": "腹腔镜胰十二指肠切除术"},
        {"category": "新入", "bed": "20", "patient_name": "赵四", "place": "急诊"},
        {"category": "异常", "bed": "3", "patient_name": "李一"}])
    later = handover.prepare_report(ward.wang, ward.ward, DAY, "小夜班")
    offered = {(e.bed, e.category) for e in later.suggestions}
    assert offered == {("12", "病危"), ("7", "四级手术当日")}  # 3 left the ward; 20 is not a key patient
    sick = next(e for e in later.suggestions if e.bed == "12")
    assert sick.situation == "血氧 88%" and sick.bedside_at is None and sick.carried_from
    # the next day, the grade-4 patient is no longer on the day of surgery
    handover.create_report(ward.wang, ward.ward, DAY, "小夜班", "nurse",
                           {"entries": [e.values() for e in later.suggestions]})
    handover.create_report(ward.wang, ward.ward, DAY, "大夜班")
    nxt = handover.prepare_report(ward.wang, ward.ward, "2026-11-23", "白班")
    assert nxt.suggestions == ()  # the empty 大夜班 report carried nobody
    night = handover.prepare_report(ward.wang, ward.ward, "2026-11-23", "小夜班")
    assert night.previous_id is not None


def test_grade4_becomes_surgery_on_the_next_day(ward):
    write(ward.wang, ward.ward, DAY, "大夜班", CENSUS_OK, entries=[
        {"category": "四级手术当日", "bed": "7", "patient_name": "张三丰", "operation": "胰十二指肠切除术"}])
    nxt = handover.prepare_report(ward.wang, ward.ward, "2026-11-23", "白班")
    assert [(e.bed, e.category, e.operation) for e in nxt.suggestions] == [("7", "手术", "胰十二指肠切除术")]


def test_entries_come_in_the_customary_order(ward):
    report = write(ward.wang, ward.ward, DAY, "白班", CENSUS_OK, entries=[
        {"category": "病重", "bed": "10"}, {"category": "转入", "bed": "2"}, {"category": "死亡", "bed": "15"},
        {"category": "病重", "bed": "2"}, {"category": "出院", "bed": "21"}, {"category": "手术", "bed": "加1"},
        {"category": "手术", "bed": "9"}])
    assert [(e.category, e.bed) for e in report.entries] == [
        ("出院", "21"), ("死亡", "15"), ("转入", "2"), ("手术", "9"), ("手术", "加1"), ("病重", "2"), ("病重", "10")]
    assert [e.section for e in report.entries][:3] == ["离开病区", "离开病区", "新入与转入"]


def test_a_draft_keeps_a_census_that_does_not_add_up(ward, db):
    report = write(ward.wang, ward.ward, DAY, "白班", CENSUS_OK)
    audit_rows = db.scalar("SELECT count(*) FROM audit_log")
    for _ in range(3):  # autosave: idempotent, no audit row each time
        report = handover.save_draft(ward.wang, report.id, {"census": {"现有": "41", "入院": "x"}, "notes": "备注"})
    assert report.census["现有"] == 41 and report.census["入院"] == "x" and not report.census_ok
    assert report.notes == "备注"
    assert db.scalar("SELECT count(*) FROM audit_log") == audit_rows
    report = handover.save_draft(ward.wang, report.id, {"census": {"入院": 2, "现有": 40}})
    assert report.census_ok


def test_entry_uids_survive_saves_and_unknown_categories_are_refused(ward):
    report = write(ward.wang, ward.ward, DAY, "白班", CENSUS_OK, entries=[{"category": "病危", "bed": "12"}])
    uid = report.entries[0].uid
    again = handover.save_draft(ward.wang, report.id, {"entries": [report.entries[0].values() | {"diagnosis": "心衰"}]})
    assert again.entries[0].uid == uid and again.entries[0].diagnosis == "心衰"
    with pytest.raises(errors.ValidationError, match="第 1 条：类别须为"):
        handover.save_draft(ward.wang, report.id, {"entries": [{"category": "出走", "bed": "1"}]})
    assert handover.get_report(ward.wang, report.id).entries[0].diagnosis == "心衰"


def test_template_must_cover_the_day(ward, system):
    with pytest.raises(errors.ValidationError, match="应正好覆盖 24 小时"):
        handover.save_template(system, ward.ward, "nurse", [{"name": "白班", "starts": "08:00", "ends": "20:00"}], [])
    t = handover.save_template(system, ward.ward, "nurse", [
        {"name": "白班", "starts": "8:00", "ends": "20:00"}, {"name": "夜班", "starts": "20:00", "ends": "08:00"}],
        [{"name": "毒麻药品（吗啡）", "expected": "5"}, {"name": "抢救车", "expected": ""}])
    assert [s.label() for s in t.shifts] == ["白班 08:00–20:00", "夜班 20:00–08:00"]
    assert t.checklist == ({"name": "毒麻药品（吗啡）", "expected": 5}, {"name": "抢救车", "expected": None})
    with pytest.raises(errors.ValidationError, match="“毒麻药品”的基数须为 0 或正整数"):
        handover.save_template(system, ward.ward, "nurse", [{"name": "白班", "starts": "08:00", "ends": "08:00"}],
                               [{"name": "毒麻药品", "expected": "五"}])


def test_saving_entries_keeps_other_reports_entries_and_drops_removed_photos(ward, db, tmp_path):
    first = write(ward.wang, ward.ward, DAY, "白班", CENSUS_OK, entries=[
        {"category": "病危", "bed": "12", "patient_name": "王二"}])
    uid = first.entries[0].uid
    second = write(ward.wang, ward.ward, DAY, "小夜班", CENSUS_OK)
    second = handover.save_draft(ward.wang, second.id, {"entries": [
        {"uid": uid, "category": "病重", "bed": "3"},  # another report's entry: not taken over
        {"uid": "x1", "category": "病重", "bed": "5"}, {"uid": "x1", "category": "病重", "bed": "6"}]})
    assert [(e.uid, e.bed) for e in second.entries] == [("x1", "6")]  # a uid given twice: the last values
    assert [(e.uid, e.bed, e.category) for e in handover.get_report(ward.wang, first.id).entries] == [
        (uid, "12", "病危")]
    photo = tmp_path / "床旁.png"
    photo.write_bytes(b"\x89PNG\r\n" + b"0" * 64)
    handover.record_bedside(ward.wang, second.id, "x1", "2026-11-22 16:05", photo=photo)
    assert db.scalar("SELECT count(*) FROM handover_attachments WHERE report_id = ?", (second.id,)) == 1
    assert handover.save_draft(ward.wang, second.id, {"entries": []}).entries == ()
    assert db.scalar("SELECT count(*) FROM handover_attachments WHERE report_id = ?", (second.id,)) == 0
    assert len(handover.get_report(ward.wang, first.id).entries) == 1
