"""The printed roster (notice board, PDF) and the XLSX export: what a reader finds on the paper."""
import datetime as dt
import re

import pytest
from openpyxl import load_workbook

from desktop_app import errors
from desktop_app.accounts.permissions import Role
from desktop_app.people import service as people
from desktop_app.roster import calendar, reports, service as roster
from tests.reports import pdftools

MONTH = "2026-12"
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章"
GIVEN = ["建国", "秀英", "海燕", "志强"]
GROUPS = ["内科系统", "外科系统", "妇儿系统", "急诊重症", "医技", "护理一", "护理二", "总值班"]


def build_big_roster(system, hospital, *, posts: int = 40) -> dict:
    """``posts`` posts over 8 groups, each with 白班 (workdays) and 夜班; two doctors a post, a
    long name and a long phone number among them; every slot of December filled."""
    made = {}
    rows = []
    for n in range(posts):
        group = GROUPS[n % len(GROUPS)]
        post = roster.save_post(system, {"name": f"{group[:2]}{n + 1:02d}号岗位", "kind": "一线", "group_name": group,
                                         "sort_order": n})
        day = roster.save_shift(system, post.id, {"name": "白班", "starts": "08:00", "ends": "17:30",
                                                  "on_weekends": False, "on_holidays": False})
        night = roster.save_shift(system, post.id, {"name": "夜班", "starts": "17:30", "ends": "08:00"})
        people_ids = []
        for k in range(2):
            name = "欧阳娜娜娜" if (n, k) == (3, 0) else SURNAMES[n] + GIVEN[(n + k) % 4]
            s = people.create_staff(system, {
                "employee_no": f"B{n:02d}{k}", "name": name, "department_id": hospital.departments["内科"],
                "category": "医师", "title": "主治医师", "licence_no": f"11034000{n:03d}{k}",
                "phone": "0564-5212345-8001" if (n, k) == (3, 0) else f"139{n:04d}{k:04d}"})
            people_ids.append(s.id)
        made[post.name] = (post, day, night, people_ids)
        for d in range(1, 32):
            date = f"{MONTH}-{d:02d}"
            rows.append((date, night.id, people_ids[d % 2]))
            if dt.date.fromisoformat(date).weekday() < 5:
                rows.append((date, day.id, people_ids[(d + 1) % 2]))
    with system.db.transaction():
        roster.insert_assignments(system, MONTH, rows, "测试")
    return made


@pytest.fixture
def december(system, posts, doctors):
    """内科一线 filled for a week, 总值班 on a holiday, the ward at night; published, then a 替班."""
    calendar.set_holiday(system, "2026-12-31", "法定节假日", "元旦")
    for d in range(1, 8):
        roster.assign(system, f"{MONTH}-{d:02d}", posts["night"].id, doctors[d % 4])
    roster.assign(system, "2026-12-01", posts["day"].id, doctors[2])
    roster.assign(system, "2026-12-31", posts["chief_shift"].id, doctors[3])
    return posts


def test_draft_is_marked_and_hidden_from_non_planners(system, december, session_as, tmp_path):
    snap = reports.roster_snapshot(system, MONTH)
    assert snap.draft and snap.full_title() == "霍山县人民医院2026年12月值班表（草稿）"
    out = reports.write_roster_pdf(snap, tmp_path / "draft.pdf")
    pages = pdftools.pages(out)
    assert "草稿" in pdftools.squash(pages[0]) and "不得张贴" in pdftools.squash(pages[0])
    assert all("草稿（未发布）" in pdftools.squash(p) for p in pages)  # footer of every page
    with pytest.raises(errors.UserError, match="尚未发布"):
        reports.roster_snapshot(session_as(Role.CLINICIAN), MONTH)


def test_week_layout_prints_names_and_phones_in_their_week_and_day(system, hospital, december, doctors, tmp_path,
                                                                  session_as):
    people.update_staff(system, doctors[1], {"phone": "13911112222"})
    roster.publish(system, MONTH, confirm_violations=True)
    roster.record_revision(system, {"kind": "替班", "date": "2026-12-05", "shift_id": december["night"].id,
                                    "from_staff_id": doctors[1], "to_staff_id": doctors[2], "reason": "发热请假",
                                    "requested_by": "钱医生", "approved_by": "内科主任"}, confirm_violations=True)
    snap = reports.roster_snapshot(session_as(Role.CLINICIAN), MONTH)  # published: everyone may print
    out = reports.write_roster_pdf(snap, tmp_path / "week.pdf")
    assert pdftools.page_size(out)[0] > pdftools.page_size(out)[1]  # landscape
    text = pdftools.flat(out)
    assert "霍山县人民医院2026年12月值班表" in text and "第2版" in text and "草稿" not in text
    assert "生成日期2026-11-23" in text and "发布日期2026-11-23" in text
    assert "换班/替班记录" in text and "发热请假" in text and "内科主任" in text and "孙医生替钱医生值班" in text
    for label in ("医务科（签字）", "护理部（签字）", "分管院长（签字）"):
        assert label in text
    # 钱医生 (doctors[1]) has 12-01 and 12-05 nights; 12-05 went to 孙医生: only 12-01 is left, in week 1
    _size, words = pdftools.words(out)
    # Monday-to-Sunday weeks, 12-01 is a Tuesday (a week split over two pages repeats its title)
    assert list(dict.fromkeys(re.findall(r"第(\d)周", text))) == ["1", "2", "3", "4", "5"]
    assert "第1周12月1日（星期二）至12月6日（星期日）" in text
    revisions_page = next(w.page for w in words if w.text.startswith("换班"))
    name = [w for w in words if w.text == "钱医生" and w.page < revisions_page]
    phone = [w for w in words if w.text == "13911112222"]
    assert len(name) == 1 and len(phone) == 1 and name[0].page == 1
    # beside the name on the same line (a week of seven days leaves room for it)
    assert phone[0].y0 < name[0].y1 and phone[0].y1 > name[0].y0 and 0 < phone[0].x0 - name[0].x1 < 8
    head = next(w for w in words if w.text == "12月1日")
    assert abs((name[0].x0 + phone[0].x1) / 2 - (head.x0 + head.x1) / 2) < 30  # in the 12-01 column


def test_holiday_and_not_applicable_day_marked(system, december, tmp_path):
    snap = reports.roster_snapshot(system, MONTH)
    out = reports.write_roster_pdf(snap, tmp_path / "w.pdf")
    _size, words = pdftools.words(out)
    head = next(w for w in words if w.text == "12月31日")
    holiday = next(w for w in words if w.text == "元旦")
    assert holiday.page == head.page and 0 < holiday.y0 - head.y0 < 25 and abs(holiday.x0 - head.x0) < 20
    dashes = [w for w in words if w.text == "—"]
    saturday = next(w for w in words if w.text == "12月5日")
    assert any(abs(d.x0 - saturday.x0) < 25 for d in dashes)  # 白班 does not apply on Saturday


def test_forty_posts_paginate_with_every_post_and_repeated_header(system, hospital, tmp_path):
    made = build_big_roster(system, hospital)
    snap = reports.roster_snapshot(system, MONTH)
    out = reports.write_roster_pdf(snap, tmp_path / "big.pdf")
    pages = pdftools.pages(out)
    assert len(pages) > 5
    body = [pdftools.squash(p) for p in pages]
    text = "".join(body)
    for name in made:
        assert text.count(name) == 5, name  # once in each week's table
    for group in GROUPS:
        assert group in text
    assert all("岗位" in p and "班次" in p for p in body)  # the header row on every page
    assert all(re.search(r"第\d+页共\d+页", p) for p in body)
    size, words = pdftools.words(out)
    right = size[0] - 20 * 72 / 25.4 + 2
    assert all(w.x1 <= right for w in words), "text runs past the right margin"
    assert "0564-5212345-8001" in text and "欧阳娜娜娜" in text


def test_month_layout_for_a_department_splits_wide_tables(system, hospital, december, tmp_path):
    snap = reports.roster_snapshot(system, MONTH, department_id=hospital.departments["内科"])
    assert [p.name for p in snap.posts] == ["内科一线", "内科一病区护理夜班"]  # 内科 and its ward, not 总值班
    out = reports.write_roster_pdf(snap, tmp_path / "m.pdf", layout="month")
    text = pdftools.flat(out)
    assert "霍山县人民医院2026年12月值班表" in text and "内科" in text and "联系电话" in text
    assert "13800000000" in text  # 张三's phone in the contact list
    made = build_big_roster(system, hospital, posts=12)
    wide = reports.roster_snapshot(system, MONTH)
    out = reports.write_roster_pdf(wide, tmp_path / "wide.pdf", layout="month")
    flat = pdftools.flat(out)
    assert "续表2/" in flat
    for name in made:
        assert name in flat


def test_xlsx_sheets_and_cells(system, hospital, december, doctors, tmp_path):
    roster.publish(system, MONTH, confirm_violations=True)
    roster.record_revision(system, {"kind": "替班", "date": "2026-12-05", "shift_id": december["night"].id,
                                    "from_staff_id": doctors[1], "to_staff_id": doctors[2], "reason": "发热请假",
                                    "requested_by": "钱医生", "approved_by": "内科主任"}, confirm_violations=True)
    out = reports.write_roster_xlsx(reports.roster_snapshot(system, MONTH), tmp_path / "r.xlsx")
    wb = load_workbook(out)
    assert wb.sheetnames == ["值班表", "通讯录", "统计", "变更记录"]
    ws = wb["值班表"]
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == "日期")
    heads = {ws.cell(header, c).value: c for c in range(1, ws.max_column + 1)}
    subs = {ws.cell(header + 1, c).value: c for c in range(1, ws.max_column + 1)}
    assert heads["内科一线"] == subs["白班"] and subs["夜班"] == subs["白班"] + 1  # post over its shifts
    assert "医院总值班" in heads and "内科一病区护理夜班" in heads
    first = header + 2
    assert ws.cell(first, 1).value.date() == dt.date(2026, 12, 1) and ws.cell(first, 2).value == "星期二"
    assert ws.cell(first, subs["夜班"]).value == "钱医生" and ws.cell(first, subs["白班"]).value == "孙医生"
    assert ws.cell(first + 4, subs["夜班"]).value == "孙医生"  # 12-05 after the 替班
    assert ws.cell(first + 30, 3).value == "元旦" and ws.cell(first + 30, heads["医院总值班"]).value == "吴医生"
    assert ws.freeze_panes == f"A{first}" and ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    contacts = [[c.value for c in r] for r in wb["通讯录"].iter_rows()]
    assert ["张三", "D001", "内科", "主治医师", "本机构执业", "13800000000"] in contacts
    tallies = {r[0].value: [c.value for c in r] for r in wb["统计"].iter_rows()}
    # 12-01 day; nights 12-02, 12-05 (Saturday, taken over) and 12-06 (Sunday): 4 duties, 3 nights, 2 weekends
    assert tallies["孙医生"][2:6] == [4, 3, 2, 0]
    changes = [[c.value for c in r] for r in wb["变更记录"].iter_rows()]
    assert any(r[:2] == ["第 2 版", "替班"] and "发热请假" in r for r in changes)


def test_group_filter_and_bad_month(system, december):
    snap = reports.roster_snapshot(system, MONTH, group="总值班")
    assert [p.name for p in snap.posts] == ["医院总值班"] and snap.full_title().endswith("（总值班）（草稿）")
    with pytest.raises(errors.ValidationError, match="2026-12"):
        reports.roster_snapshot(system, "2026年12月")


def test_weeks_hold_only_the_months_dates_and_no_slivers(system, posts):
    # November 2026 starts on a Sunday and ends on a Monday: both single days join their neighbours
    weeks = reports.roster_snapshot(system, "2026-11").weeks()
    spans = [(w[0].isoformat(), w[-1].isoformat()) for w in weeks]
    assert spans == [("2026-11-01", "2026-11-08"), ("2026-11-09", "2026-11-15"), ("2026-11-16", "2026-11-22"),
                     ("2026-11-23", "2026-11-30")]
    # December 2026: Tuesday the 1st to Thursday the 31st — a 6-day first week, a 4-day last week
    assert [len(w) for w in reports.roster_snapshot(system, MONTH).weeks()] == [6, 7, 7, 7, 4]


def test_department_printout_lists_only_its_own_revisions_and_a_month_fits_a_page(system, hospital, december,
                                                                                  doctors, tmp_path):
    from desktop_app.people import service as people_service

    nurse = people_service.create_staff(system, {
        "employee_no": "N091", "name": "总值班甲", "department_id": hospital.departments["内科"], "category": "医师",
        "title": "主任医师", "licence_no": "110340009100", "duty_training_passed_on": "2026-01-05"}).id
    roster.assign(system, "2026-12-02", december["chief_shift"].id, nurse)
    roster.publish(system, MONTH, confirm_violations=True)
    roster.record_revision(system, {"kind": "替班", "date": "2026-12-02", "shift_id": december["chief_shift"].id,
                                    "from_staff_id": nurse, "to_staff_id": doctors[3], "reason": "外出学习",
                                    "requested_by": "总值班甲", "approved_by": "医务科"}, confirm_violations=True)
    whole = reports.roster_snapshot(system, MONTH)
    assert [r.post_name for r in whole.revisions] == ["医院总值班"]
    department = reports.roster_snapshot(system, MONTH, department_id=hospital.departments["内科"])
    assert department.revisions == ()  # 医院总值班 is not 内科's post
    out = reports.write_roster_pdf(department, tmp_path / "dept.pdf", layout="month")
    words = pdftools.words(out)[1]
    last_day = next(w for w in words if w.text == "12月31日")
    assert last_day.page == 1  # all 31 days of the month on the first page
    assert "外出学习" not in pdftools.flat(out)
