"""The printed handover book (PDF) and the period's workbook: what a reader finds on the paper."""
import datetime as dt
import re

import pytest
from openpyxl import load_workbook

from desktop_app import errors
from desktop_app.accounts.permissions import Role
from desktop_app.handover import reports, service as handover
from tests.handover.conftest import PASSWORD
from tests.reports import pdftools

DAY = "2026-11-22"
ITEMS = [{"name": "毒麻药品（吗啡注射液）", "expected": 5, "count": 5, "ok": None, "note": ""},
         {"name": "毒麻药品（哌替啶注射液）", "expected": 2, "count": 1, "ok": None,
          "note": "7床术后镇痛用 1 支，空安瓿已交回"},
         {"name": "抢救车（封存完好）", "expected": None, "count": None, "ok": True, "note": ""},
         {"name": "除颤仪", "expected": 1, "count": 1, "ok": None, "note": ""}]
LONG_S = ("患者腹腔镜胰十二指肠切除术后第 0 天，14:20 返回病房，神志清楚，T 37.8℃，P 102 次/分，R 20 次/分，"
          "BP 126/78 mmHg，SpO₂ 97%（鼻导管吸氧 3 L/min）。腹腔引流管两根通畅，引流出淡血性液体 150 ml；"
          "胃管接负压引流出墨绿色液体 80 ml；尿管通畅，尿量 60 ml/h。切口敷料干燥，无渗血渗液。")
LONG_B = "既往高血压病史 10 年，口服氨氯地平控制；2 型糖尿病 5 年，胰岛素皮下注射。术前白蛋白 32 g/L。"
LONG_A = "术后出血、胰瘘、胆瘘风险高；疼痛评分 4 分（PCA 镇痛泵持续泵入）；Braden 评分 13 分，压力性损伤中危。"
LONG_R = ("每小时记录生命体征及各引流液的量、颜色和性状，引流液突然增多或呈鲜红色立即报告值班医师；"
          "监测血糖 q4h；保持各管道固定通畅，防止脱管；每 2 小时协助翻身一次，注意骶尾部皮肤。")


def at(clock, text):
    clock.current = dt.datetime.fromisoformat(text)


def at_bedside(session, report, records: dict[str, tuple[str, str]]):
    """bed -> (time, page of the paper bedside record)."""
    uid = {e.bed: e.uid for e in report.entries}
    for bed, (when, page) in records.items():
        handover.record_bedside(session, report.id, uid[bed], f"{report.date} {when}", f"床旁交接记录单第 {page} 页")


def grade4_patient(**kw):
    return {"category": "四级手术当日", "bed": "7", "patient_name": "张三丰", "diagnosis": "胰头癌",
            "marks": ["病重"], "event_time": "14:20", "operation": "腹腔镜胰十二指肠切除术", "situation": LONG_S,
            "background": LONG_B, "assessment": LONG_A, "recommendation": LONG_R, **kw}


def critical_patient(**kw):
    return {"category": "病危", "bed": "12", "patient_name": "王二", "diagnosis": "重症肺炎 Ⅱ型呼吸衰竭",
            "situation": "无创呼吸机辅助通气，SpO₂ 88%–92%，烦躁。", "background": "COPD 20 年。",
            "assessment": "随时可能需要气管插管。", "recommendation": "床旁备插管用物，复查血气。", **kw}


CENSUS_DAY = {"原有": 40, "入院": 2, "转入": 1, "出院": 3, "转出": 0, "死亡": 0, "现有": 40, "手术": 1, "分娩": 0,
              "病危": 1, "病重": 2, "一级护理": 6}
CENSUS_EVENING = CENSUS_DAY | {"入院": 0, "转入": 0, "出院": 0, "现有": 40, "手术": 0}
CENSUS_NIGHT = CENSUS_EVENING | {"死亡": 1, "现有": 40, "病危": 0}   # does not add up: 40 − 1 = 39


def write_book(ward, clock) -> dict:
    """内科一病区: 11-20 only the 白班 (received); 11-21 nothing; 11-22 白班 received with two bedside
    handovers and an addendum, 小夜班 handed over but not received, 大夜班 a draft whose census does
    not add up (12床 died in the night)."""
    at(clock, "2026-11-20 15:50:00")
    early = handover.create_report(ward.wang, ward.ward, "2026-11-20", "白班", "nurse",
                                   {"census": CENSUS_EVENING | {"死亡": 0}, "items": ITEMS})
    handover.sign_outgoing(ward.wang, early.id)
    handover.sign_receive(ward.wang, early.id, "liuyang", PASSWORD)

    at(clock, "2026-11-22 08:05:00")
    day = handover.create_report(ward.wang, ward.ward, DAY, "白班", "nurse", {
        "census": CENSUS_DAY, "items": ITEMS, "notes": "科室 11-22 下午停电检修 30 分钟，已备应急灯。",
        "entries": [
            {"category": "出院", "bed": "3", "patient_name": "李一", "diagnosis": "社区获得性肺炎",
             "event_time": "10:00", "place": "回家"},
            {"category": "新入", "bed": "20", "patient_name": "赵四", "diagnosis": "急性胰腺炎",
             "event_time": "09:20", "place": "急诊", "situation": "腹痛 6 小时，禁食，补液中。"},
            grade4_patient(), critical_patient()]})
    at_bedside(ward.wang, day, {"7": ("15:40", 3), "12": ("15:45", 4)})
    at(clock, "2026-11-22 15:55:00")
    handover.sign_outgoing(ward.wang, day.id)
    at(clock, "2026-11-22 16:02:00")
    handover.sign_receive(ward.wang, day.id, "liuyang", PASSWORD)
    at(clock, "2026-11-22 18:30:00")
    handover.add_addendum(ward.liu, day.id, "更正：7床 14:20 返回病房后的腹腔引流量为 50 ml（原记 150 ml）。")

    evening = handover.create_report(ward.liu, ward.ward, DAY, "小夜班", "nurse", {
        "census": CENSUS_EVENING, "items": ITEMS,
        "entries": [grade4_patient(situation="生命体征平稳，引流量减少。", background="", assessment="",
                                   recommendation="继续观察引流。"),
                    critical_patient(situation="21:00 血气 pH 7.28，PaCO₂ 68 mmHg，医嘱调高呼吸机参数。")]})
    at_bedside(ward.liu, evening, {"7": ("23:40", 5), "12": ("23:45", 6)})
    at(clock, "2026-11-22 23:50:00")
    handover.sign_outgoing(ward.liu, evening.id)

    at(clock, "2026-11-23 07:40:00")
    night = handover.create_report(ward.wang, ward.ward, DAY, "大夜班", "nurse", {
        "census": CENSUS_NIGHT, "items": ITEMS,
        "entries": [{"category": "死亡", "bed": "12", "patient_name": "王二", "diagnosis": "重症肺炎 Ⅱ型呼吸衰竭",
                     "event_time": "03:40", "place": "太平间", "situation": "抢救无效，03:40 宣告临床死亡。"}]})
    at(clock, "2026-11-23 09:30:00")
    return {"day": day.id, "evening": evening.id, "night": night.id, "early": early.id}


@pytest.fixture
def book(ward, clock):
    return write_book(ward, clock)


def pdf(session, tmp_path, first="2026-11-20", last=DAY, name="book.pdf", **kw):
    snap = reports.handover_snapshot(session, "nurse", first, last, **kw)
    return snap, reports.write_handover_pdf(snap, tmp_path / name)


def page_with(pages, text):
    return next(pdftools.squash(p) for p in pages if text in pdftools.squash(p))


def census_row(page: str, shift: str) -> list[str]:
    """The census row of a shift as printed: its cells, left to right."""
    line = next(line for line in page.splitlines() if line.strip().startswith(shift))
    return line.split()[2:]


def column_text(path, state: str, neighbour: str) -> str:
    """Everything printed in one shift column of the patient table (all pages), top to bottom,
    without spaces. The column is found by the state under its header (“已接班”, centred in the
    column) and a neighbouring column's, on the same line."""
    (_w, height), words = pdftools.words(path)
    words = [w for w in words if w.y1 < height - 57]  # not the footer (20 mm)
    heads = [(a, b) for a in words for b in words if a.text == state and b.text == neighbour
             and a.page == b.page and a.y0 == b.y0 and abs(b.x0 - a.x0) > 100]
    a, b = heads[0]
    centre, half = (a.x0 + a.x1) / 2, abs((b.x0 + b.x1) - (a.x0 + a.x1)) / 4
    inside = [w for w in words if centre - half <= w.x0 < centre + half]  # (a line may end in a hanging 。)
    return "".join(w.text for w in sorted(inside, key=lambda w: (w.page, w.y0, w.x0)))


def bed_column(path) -> list[str]:
    """The 床号 column and the group headings beside it, top to bottom."""
    (_w, _h), words = pdftools.words(path)
    right = next(w.x1 for w in words if w.text == "床号") + 8
    wanted = {"离开病区", "新入与转入", "重点患者"}
    return [w.text for w in sorted(words, key=lambda w: (w.page, w.y0))
            if w.x0 < right and (w.text in wanted or w.text.isdigit()) and w.y0 > 90]


def test_day_page_prints_census_entries_in_order_signatures_and_marks(ward, book, tmp_path):
    snap, path = pdf(ward.wang, tmp_path, department_id=ward.ward)
    pages = pdftools.pages(path)
    day = page_with(pages, "2026年11月22日星期日")
    assert "病区交班报告" in day and "霍山县人民医院" in day and "病区：内科一病区" in day and "星期日" in day
    assert all("内部资料" in pdftools.squash(p) for p in pages)
    assert all(f["emb"] == "yes" for f in pdftools.fonts(path))  # no Helvetica named by the boxed 未完成交接
    # the census row of the 白班, 0 printed as 0, in the paper book's order
    raw = next(p for p in pages if "星期日" in p)
    assert census_row(raw, "白班") == ["40", "2", "1", "3", "0", "0", "40", "1", "0", "1", "2", "6", "正确", "已接班",
                                      "王芳", "11-22", "15:55", "刘洋", "11-22", "16:02"]  # both signatures, with times
    # what is not yet received says so
    assert census_row(raw, "小夜班")[12:] == ["正确", "已交班", "刘洋", "11-22", "23:50", "未接班"]
    assert census_row(raw, "大夜班")[5:7] == ["1", "40"] and census_row(raw, "大夜班")[12:] == ["有误", "草稿", "未签名",
                                                                                              "未接班"]
    assert "有误" in day and "大夜班病人动态有误" in day and "现有应为" in day
    # 离开病区 (3床 discharged, 12床 died in the night) → 新入与转入 → 重点患者
    assert bed_column(path)[-7:] == ["离开病区", "3", "12", "新入与转入", "20", "重点患者", "7"]
    assert "3李一社区获得性肺炎" in day and "20赵四急性胰腺炎" in day and "7张三丰胰头癌" in pdftools.flat(path)
    white = column_text(path, "已接班", "已交班（未接班）")
    assert "出院10:00去向：回家" in white and "新入09:20来源：急诊" in white
    assert "死亡03:40去向：太平间" in column_text(path, "草稿（未交班）", "已交班（未接班）")
    assert "四级手术当日、病重14:20手术：腹腔镜胰十二指肠切除术现状：患者腹腔镜" in white
    assert "建议：每小时记录生命体征" in white
    assert "床旁交接✓11-2215:40床旁交接记录单第3页（王芳）" in white
    assert "床旁交接✓11-2215:45床旁交接记录单第4页（王芳）" in white
    assert "未完成交接：小夜班已交班（未接班）；大夜班草稿（未交班）" in day
    # items with counts; a count that does not match the 基数 shows it and the note
    assert "1（基数2，不符）备注：7床术后镇痛用1支，空安瓿已交回" in white
    # the addendum after the report, with author and time
    last = pdftools.squash(pages[-1])
    assert "补记" in last and "白班11-2218:30刘洋更正：7床14:20返回病房后的腹腔引流量为50ml（原记150ml）。" in last


def test_long_text_is_never_cut_and_headers_repeat(ward, book, tmp_path):
    _snap, path = pdf(ward.wang, tmp_path, first=DAY, department_id=ward.ward)
    day_column = column_text(path, "已接班", "已交班（未接班）")
    for sentence in (LONG_S, LONG_B, LONG_A, LONG_R):
        # SpO₂: the font has no subscript 2, so it prints in its plain form rather than as a box
        assert pdftools.squash(sentence.replace("₂", "2")) in day_column
    pages = pdftools.pages(path)
    assert len(pages) >= 2
    # a patient's row is never torn from its group heading and left under a second copy of the header
    assert all(pdftools.squash(p).count("患者交班内科一病区") <= 1 for p in pages)
    for page in pages[1:]:  # the table's header with the ward and date repeats on the next page
        assert "患者交班内科一病区2026年11月22日" in pdftools.squash(page) or "补记" in pdftools.squash(page)
    (w, h), words = pdftools.words(path)
    assert all(0 <= wd.x0 and wd.x1 <= w and 0 <= wd.y0 and wd.y1 <= h for wd in words)
    assert pdftools.squash(pages[-1]).endswith(f"第{len(pages)}页共{len(pages)}页")


def test_shifts_without_a_report_are_printed_as_not_written(ward, book, tmp_path):
    _snap, path = pdf(ward.wang, tmp_path, department_id=ward.ward)
    pages = [pdftools.squash(p) for p in pdftools.pages(path)]
    first = page_with(pages, "2026年11月20日星期五")
    assert "小夜班16:00–24:00未书写" in first and "大夜班00:00–08:00未书写" in first
    gap = page_with(pages, "2026年11月21日")
    assert "以下1天没有任何交接班记录，共3个班次未书写" in gap
    assert "2026-11-21六未书写未书写未书写" in gap
    assert pages[0].endswith(f"第1页共{len(pages)}页")


def test_each_ward_is_numbered_on_its_own(ward, book, tmp_path, session_as):
    _snap, path = pdf(session_as(Role.QUALITY), tmp_path, first=DAY)
    pages = [pdftools.squash(p) for p in pdftools.pages(path)]
    surgery = [p for p in pages if "病区：外科病区" in p]
    assert surgery and surgery[0].endswith(f"第1页共{len(surgery)}页")
    assert "本日没有交接班记录" not in surgery[0] and "未书写" in surgery[0]


def test_leaders_see_every_ward_with_names_masked(ward, book, tmp_path, session_as):
    snap, path = pdf(session_as(Role.LEADER), tmp_path, first=DAY)
    assert [w.department_name for w in snap.wards] == ["内科一病区", "外科病区"]
    text = pdftools.flat(path)
    assert "患者姓名已隐去" in text and "张**" in text and "王*" in text and "李*" in text
    assert "张三丰" not in text and "王二" not in text and "赵四" not in text
    out = reports.write_handover_xlsx(snap, tmp_path / "leader.xlsx")
    names = {c.value for c in load_workbook(out)["患者交班"]["H"]}
    assert "张**" in names and "张三丰" not in names


def test_a_nurse_prints_only_her_ward(ward, book, tmp_path):
    snap = reports.handover_snapshot(ward.chen, "nurse", DAY, DAY)
    assert [w.department_name for w in snap.wards] == ["外科病区"] and snap.reports() == []
    with pytest.raises(errors.PermissionDenied, match="只能查看本病区"):
        reports.handover_snapshot(ward.chen, "nurse", DAY, DAY, department_id=ward.ward)


def test_bad_period_and_ward_say_what_to_fix(ward, hospital):
    with pytest.raises(errors.ValidationError, match="结束日期不能早于开始日期"):
        reports.handover_snapshot(ward.wang, "nurse", "2026-11-22", "2026-11-01")
    with pytest.raises(errors.ValidationError, match="一次最多打印或导出 366 天（所选 367 天），请分段进行"):
        reports.handover_snapshot(ward.wang, "nurse", "2026-01-01", "2027-01-02")
    with pytest.raises(errors.ValidationError, match="请写成 2026-11-01"):
        reports.handover_snapshot(ward.wang, "nurse", "11月的", "2026-11-30")
    with pytest.raises(errors.ValidationError, match="不是护理单元"):
        reports.handover_snapshot(ward.wang, "nurse", DAY, DAY, department_id=hospital.departments["内科"])


def test_future_shifts_are_not_gaps(ward, clock, tmp_path):
    at(clock, "2026-11-23 09:30:00")
    snap, path = pdf(ward.wang, tmp_path, first="2026-11-23", last="2026-11-30", department_id=ward.ward)
    assert snap.missing == 0 and snap.wards[0].days == ()
    assert "没有可打印的交接班记录" in pdftools.flat(path)


def test_doctor_book_has_its_own_title(ward, tmp_path, hospital):
    report = handover.create_report(ward.zhang, hospital.departments["内科"], DAY, "白班", "doctor")
    snap = reports.handover_snapshot(ward.zhang, "doctor", DAY, DAY, department_id=hospital.departments["内科"])
    assert snap.reports()[0].id == report.id
    text = pdftools.flat(reports.write_handover_pdf(snap, tmp_path / "doctor.pdf"))
    assert "医师交接班记录" in text and "科室：内科" in text and "白班08:00–17:30" in text and "夜班17:30–08:00" in text
    sheet = load_workbook(reports.write_handover_xlsx(snap, tmp_path / "doctor.xlsx"))["交班报告"]
    assert [r[:3] for r in sheet.iter_rows(values_only=True) if r[0] in ("科室", "内科")] == [
        ("科室", "日期", "班次"), ("内科", dt.datetime(2026, 11, 22), "白班"), ("内科", dt.datetime(2026, 11, 22), "夜班")]


def test_workbook_of_the_period(ward, book, tmp_path, session_as):
    snap = reports.handover_snapshot(session_as(Role.QUALITY), "nurse", "2026-11-20", DAY)
    wb = load_workbook(reports.write_handover_xlsx(snap, tmp_path / "book.xlsx"))
    assert wb.sheetnames == ["交班报告", "患者交班", "交接物品", "补记", "统计"]

    def table(name):
        ws = wb[name]
        rows = [[c.value for c in row] for row in ws.iter_rows()]
        header = next(i for i, r in enumerate(rows) if r[0] == "病区")
        head = rows[header] if name != "交班报告" else [b or a for a, b in zip(rows[header], rows[header + 1])]
        start = header + (2 if name == "交班报告" else 1)
        assert ws.freeze_panes == f"A{start + 1}" and ws.print_title_rows
        return [dict(zip(head, r)) for r in rows[start:]]

    rows = table("交班报告")
    ours = [r for r in rows if r["病区"] == "内科一病区"]
    assert [(r["日期"].date().isoformat(), r["班次"], r["状态"]) for r in ours] == [
        ("2026-11-20", "白班", "已接班"), ("2026-11-20", "小夜班", "未书写"), ("2026-11-20", "大夜班", "未书写"),
        ("2026-11-21", "白班", "未书写"), ("2026-11-21", "小夜班", "未书写"), ("2026-11-21", "大夜班", "未书写"),
        ("2026-11-22", "白班", "已接班"), ("2026-11-22", "小夜班", "已交班"), ("2026-11-22", "大夜班", "草稿")]
    white = ours[6]
    assert [white[f] for f in ("原有", "入院", "转入", "出院", "转出", "死亡", "现有", "一级护理")] == [40, 2, 1, 3, 0, 0, 40, 6]
    assert white["病人动态是否正确"] == "是" and ours[8]["病人动态是否正确"] == "否"
    assert (white["交班人"], white["交班时间"], white["接班人"], white["接班时间"]) == (
        "王芳", dt.datetime(2026, 11, 22, 15, 55), "刘洋", dt.datetime(2026, 11, 22, 16, 2))

    entries = table("患者交班")
    grade4 = next(e for e in entries if e["类别"] == "四级手术当日" and e["班次"] == "白班")
    assert grade4["姓名"] == "张三丰" and grade4["手术名称"] == "腹腔镜胰十二指肠切除术" and grade4["现状"] == LONG_S
    assert (grade4["须床旁交接"], grade4["床旁交接时间"], grade4["床旁交接佐证"]) == (
        "是", dt.datetime(2026, 11, 22, 15, 40), "床旁交接记录单第 3 页")
    assert [e["床号"] for e in entries if e["班次"] == "白班"] == ["3", "20", "7", "12"]

    items = table("交接物品")
    short = next(i for i in items if i["交接物品"] == "毒麻药品（哌替啶注射液）" and i["班次"] == "白班")
    assert (short["基数"], short["清点数"], short["数量相符"]) == (2, 1, "否")
    addenda = table("补记")
    assert addenda[0]["补记人"] == "刘洋" and addenda[0]["补记内容"].startswith("更正：7床")

    figures = table("统计")
    first = figures[0]
    assert first["病区"] == "内科一病区" and (first["已书写"], first["已接班"], first["四级手术例次"], first["床旁交接"]) == (
        4, 2, 1, 1)
    assert first["占比"] == 1.0 and figures[-1]["病区"] == "合计"
    ratio = next(c for c in wb["统计"]["I"] if c.value == 1.0)
    assert ratio.number_format == "0.0%"  # shown as 100.0%
    assert [f["占比"] for f in figures if f["病区"] == "外科病区"] == ["—"]  # no grade-4 operation


def test_the_snapshot_reads_the_period_in_a_few_queries(ward, book, session_as, monkeypatch):
    """No query per report: the whole period is four queries plus a few per ward."""
    seen = []
    db = ward.wang.db
    original = type(db).query

    def counting(self, sql, params=()):
        seen.append(sql)
        return original(self, sql, params)

    monkeypatch.setattr(type(db), "query", counting)
    reports.handover_snapshot(session_as(Role.QUALITY), "nurse", "2026-11-01", DAY)
    assert sum("handover_entries" in s for s in seen) == 1
    assert sum(bool(re.search(r"FROM handover_addenda", s)) for s in seen) == 1


def test_an_entry_longer_than_a_page_goes_on_over_the_next(ward, tmp_path):
    """Nothing is cut: a row taller than a page is split inside the row, its header repeated."""
    story = "".join(f"{h:02d}:00 生命体征平稳，第 {h} 次巡视，引流通畅。" for h in range(24)) * 3
    handover.create_report(ward.wang, ward.ward, DAY, "白班", "nurse", {"entries": [
        critical_patient(situation=story, recommendation="继续观察。")]})
    _snap, path = pdf(ward.wang, tmp_path, first=DAY, department_id=ward.ward)
    pages = pdftools.pages(path)
    assert len(pages) >= 3
    white = column_text(path, "草稿（未交班）", "未书写")
    assert pdftools.squash(story) in white.replace("草稿（未交班）", "").replace("白班08:00–16:00", "")
    heads = [pdftools.squash(p).count("患者交班内科一病区2026年11月22日") for p in pages]
    assert sum(heads) >= 2 and max(heads) == 1


def test_progress_is_reported_and_cancelling_leaves_no_file(ward, book, tmp_path):
    snap = reports.handover_snapshot(ward.wang, "nurse", "2026-11-20", DAY, department_id=ward.ward)
    seen = []
    reports.write_handover_pdf(snap, tmp_path / "book.pdf", progress=lambda done, total: seen.append((done, total)))
    assert seen[0][0] == 0 and seen[-1][0] == seen[-1][1] and len(seen) >= 3  # 11-20, the gap 11-21, 11-22
    assert [d for d, _t in seen] == sorted(d for d, _t in seen)

    def cancel(done, total):
        if done:
            raise errors.Cancelled()

    for writer, name in ((reports.write_handover_pdf, "cancelled.pdf"), (reports.write_handover_xlsx, "cancelled.xlsx")):
        with pytest.raises(errors.Cancelled):
            writer(snap, tmp_path / name, progress=cancel)
        assert not (tmp_path / name).exists() and not list(tmp_path.glob("~cancelled*"))
