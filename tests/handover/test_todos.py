"""The handover book on the 工作台: waiting for the receiver, drafts of ended shifts, missing reports."""
import datetime as dt

from desktop_app.accounts.permissions import Role
from desktop_app import modules
from desktop_app.dashboard import StartupHealth, collect, collect_stats
from desktop_app.handover import service as handover
from desktop_app.handover import todos
from tests.handover.conftest import CENSUS_OK

ITEMS = [{"name": "抢救车", "expected": None, "ok": True}]
HEALTH = StartupHealth(integrity_checked=True)


def write(session, ward, day, shift, sign=False):
    report = handover.create_report(session, ward, day, shift, "nurse", {"census": CENSUS_OK, "items": ITEMS})
    return handover.sign_outgoing(session, report.id) if sign else report


def handover_items(session):
    return [i for i in collect(session, HEALTH) if i.module == "交接班"]


def titled(items, text):
    return [i for i in items if text in i.title]


def at(clock, text):
    clock.current = dt.datetime.fromisoformat(text)


def test_the_module_is_on_the_dashboard():
    assert modules.module("handover").todos == "todos"  # the 工作台 imports it through the manifest


def test_a_report_waiting_past_the_grace_is_an_alert_naming_ward_day_and_shift(ward, clock):
    # 09:30 on 11-23: the 大夜班 of 11-22 ended at 08:00, more than 30 minutes ago
    night = write(ward.wang, ward.ward, "2026-11-22", "大夜班", sign=True)
    [item] = titled(handover_items(ward.wang), "待接班：")
    assert item.severity == "alert"
    assert item.title == "待接班：内科一病区 2026-11-22 大夜班护理交接班"
    assert "王芳" in item.detail and "超过 30 分钟" in item.detail
    assert item.page == f"handover:report={night.id}&kind=nurse"
    assert todos.parse_preset(item.page) == {"report": str(night.id), "kind": "nurse"}


def test_within_the_grace_it_is_only_counted(ward, clock):
    at(clock, "2026-11-23 08:10:00")
    write(ward.wang, ward.ward, "2026-11-22", "大夜班", sign=True)
    items = handover_items(ward.wang)
    assert not titled(items, "待接班：")
    [info] = titled(items, "刚交班")
    assert info.severity == "info" and info.title == "1 份护理交接班刚交班，等待接班签名"


def test_received_reports_leave_the_list(ward, clock):
    from tests.handover.conftest import PASSWORD

    night = write(ward.wang, ward.ward, "2026-11-22", "大夜班", sign=True)
    handover.sign_receive(ward.wang, night.id, "liuyang", PASSWORD)
    assert not titled(handover_items(ward.wang), "待接班：")


def test_a_draft_of_an_ended_shift_but_not_of_the_running_one(ward):
    ended = write(ward.wang, ward.ward, "2026-11-22", "大夜班")
    write(ward.wang, ward.ward, "2026-11-23", "白班")  # runs until 16:00
    [item] = titled(handover_items(ward.wang), "未交班")
    assert item.title == "未交班：内科一病区 2026-11-22 大夜班护理交接班"
    assert item.severity == "alert" and "11-23 08:00 结束" in item.detail
    assert item.page == f"handover:report={ended.id}&kind=nurse"


def test_a_shift_without_a_report_opens_the_ward_on_that_shift(ward):
    write(ward.wang, ward.ward, "2026-11-22", "白班")
    items = titled(handover_items(ward.wang), "缺交接班记录")
    titles = [i.title for i in items]
    assert "缺交接班记录：内科一病区 2026-11-22 大夜班护理交接班" in titles
    assert "缺交接班记录：内科一病区 2026-11-22 白班护理交接班" not in titles
    night = next(i for i in items if "11-22 大夜班" in i.title)
    assert night.severity == "alert"
    assert todos.parse_preset(night.page) == {"ward": str(ward.ward), "kind": "nurse", "date": "2026-11-22",
                                              "shift": "3"}


def test_six_missing_shifts_are_listed_and_more_end_in_one_line(ward, session_as):
    # nothing written on 11-21 and 11-22: six ended shifts per ward
    assert len(titled(handover_items(ward.wang), "缺交接班记录")) == todos.MAX_ITEMS == 6
    assert not titled(handover_items(ward.wang), "个班次没有")
    quality = handover_items(session_as(Role.QUALITY))  # two wards
    assert len(titled(quality, "缺交接班记录")) == 6
    assert [i.title for i in titled(quality, "个班次没有")] == ["另有 6 个班次没有护理交接班"]


def test_a_nurse_sees_her_ward_only_and_quality_every_ward(ward, session_as):
    write(ward.chen, ward.other_ward, "2026-11-22", "大夜班", sign=True)
    write(ward.wang, ward.ward, "2026-11-22", "大夜班", sign=True)
    assert [i.title for i in titled(handover_items(ward.chen), "待接班")] == [
        "待接班：外科病区 2026-11-22 大夜班护理交接班"]
    quality = titled(handover_items(session_as(Role.QUALITY)), "待接班")
    assert {i.title for i in quality} == {"待接班：外科病区 2026-11-22 大夜班护理交接班",
                                         "待接班：内科一病区 2026-11-22 大夜班护理交接班"}


def test_leaders_and_readers_get_figures_not_to_dos(ward, session_as):
    write(ward.wang, ward.ward, "2026-11-22", "大夜班", sign=True)
    for role in (Role.LEADER, Role.READONLY):
        session = session_as(role)
        assert handover_items(session) == []
        figures = {s.label: s for s in collect_stats(session)}
        assert figures["待接班"].value == "1"
        assert figures["本月交接班记录"].value == "1" and "护理 1 份" in figures["本月交接班记录"].note


def test_older_unfinished_reports_are_summed_up(ward, clock):
    old = write(ward.wang, ward.ward, "2026-11-10", "白班", sign=True)
    write(ward.wang, ward.ward, "2026-11-12", "小夜班")
    write(ward.wang, ward.ward, "2026-10-20", "白班", sign=True)  # more than 30 days ago: left to the history
    [line] = titled(handover_items(ward.wang), "未完成接班")
    assert line.title == "近 30 天有 2 份护理交接班未完成接班"
    assert "2 天以前的：已交班未接班 1 份、草稿 1 份，最早 2026-11-10" in line.detail
    assert todos.parse_preset(line.page) == {"kind": "nurse", "status": "已交班"}
    assert not titled(handover_items(ward.wang), "待接班：")  # not listed one by one
    assert old.status == "已交班"


def test_doctors_books_only_where_the_department_keeps_one(ward, session_as, hospital):
    quality = session_as(Role.QUALITY)
    assert not [i for i in handover_items(quality) if "医师交接班" in i.title]  # no department keeps one yet
    handover.save_template(quality, hospital.departments["内科"], "doctor",
                           [{"name": "白班", "starts": "08:00", "ends": "17:30"},
                            {"name": "夜班", "starts": "17:30", "ends": "08:00"}],
                           [{"name": "危急值处理", "expected": None}])
    doctors = [i for i in handover_items(quality) if "医师交接班" in i.title]
    assert doctors and all("内科 " in i.title for i in doctors if i.title.startswith("缺"))


def test_page_keys_round_trip():
    key = todos.page_key(kind="nurse", status="已交班")
    assert key == "handover:kind=nurse&status=已交班"
    assert todos.parse_preset(key) == {"kind": "nurse", "status": "已交班"}
    assert todos.parse_preset("report=7") == {"report": "7"}
