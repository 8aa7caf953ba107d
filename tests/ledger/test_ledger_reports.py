"""问题台账 printed and exported, and the 整改通知书 — PDFs read back with poppler-utils, XLSX with openpyxl."""
import datetime as dt
import re

import pytest
from openpyxl import load_workbook

from desktop_app import errors
from desktop_app.accounts.permissions import Role
from desktop_app.ledger import inspections, reports
from desktop_app.ledger import service as ledger
from desktop_app.ledger.checklists import list_checklists, list_items
from desktop_app.ledger.models import LedgerFilter
from tests.reports import pdftools

A4_LANDSCAPE = (841.89, 595.28)
A4_PORTRAIT = (595.28, 841.89)
PDF_HEADER = ["序号", "编号", "发现日期", "来源", "问题类别", "问题描述", "责任科室", "原因分析", "整改措施", "责任人",
              "整改时限", "状态", "复查/销号"]
NUMBER = re.compile(r"20\d\d-\d{4}")


def register(session, hospital, department, description, found_on="2026-10-12", deadline="2026-11-12", **more):
    return ledger.register_item(session, {
        "found_on": found_on, "deadline": deadline, "source": more.pop("source", "科室自查"),
        "category": more.pop("category", "值班和交接班制度"), "description": description,
        "department_id": hospital.departments[department], **more})


@pytest.fixture
def items(system, hospital):
    """内科: overdue (待整改), 整改中 and 已销号; 内科一病区: 待复查; 外科: one not yet due; 检验科: older."""
    made = {
        "overdue": register(system, hospital, "内科", "交接班记录未双签名", severity="较重"),
        "started": register(system, hospital, "内科", "危急值登记本未记录处理措施", found_on="2026-10-20",
                            deadline="2026-12-20", category="危急值报告制度"),
        "closed": register(system, hospital, "内科", "术前讨论记录缺上级医师意见", found_on="2026-10-05",
                           deadline="2026-11-05", category="术前讨论制度", source="投诉"),
        "ward": register(system, hospital, "内科一病区", "床旁交接班未记录", found_on="2026-11-02",
                         deadline="2026-11-30", source="上级督查/专项检查"),
        "surgery": register(system, hospital, "外科", "手术安全核查表签字不全", found_on="2026-11-03",
                            deadline="2026-12-03", category="手术安全核查制度"),
        "old": register(system, hospital, "检验科", "危急值未在规定时间内报告", found_on="2026-03-01",
                        deadline="2026-03-31", category="危急值报告制度"),
    }
    answer = {"cause_analysis": "夜班人员交接流程执行不严", "measures": "全科培训并每周抽查", "responsible_person": "张三"}
    for key in ("started", "closed", "ward"):
        ledger.save_rectification(system, made[key].id, answer)
    for key in ("closed", "ward"):
        ledger.submit_for_recheck(system, made[key].id, {"progress": "已培训 25 人", "rectified_on": "2026-11-10"})
    ledger.recheck(system, made["closed"].id, {"recheck_opinion": "已落实", "rechecker": "周明",
                                               "recheck_on": "2026-11-15"}, passed=True)
    return {k: ledger.get_item(system, v.id) for k, v in made.items()}


@pytest.fixture
def quality(session_as):
    return session_as(Role.QUALITY)


def row_line(page: str, number: str) -> str:
    return next(line for line in page.splitlines() if number in line)


# ----------------------------------------------------------------------------- the ledger PDF


def test_filtered_ledger_pdf_prints_filters_period_rows_summary_and_signatures(quality, hospital, items, tmp_path):
    flt = LedgerFilter(date_from=dt.date(2026, 10, 1), date_to=dt.date(2026, 11, 30),
                       department_id=hospital.departments["内科"])
    path = reports.write_ledger_pdf(reports.ledger_snapshot(quality, flt), tmp_path / "台账.pdf")
    assert pdftools.page_size(path) == pytest.approx(A4_LANDSCAPE, abs=0.5)
    assert all(f["emb"] == "yes" for f in pdftools.fonts(path))
    [page] = pdftools.pages(path)
    flat = pdftools.squash(page)
    for text in ("问题台账", "霍山县人民医院", "统计期间：2026年10月1日至2026年11月30日",
                 "筛选条件：发现日期：2026-10-01至2026-11-30；科室：内科（含下属病区）", "制表：质控管理员用户",
                 "打印时间：2026-11-23 09:30"):
        assert pdftools.squash(text) in flat
    assert next(line for line in page.splitlines() if "序号" in line).split() == PDF_HEADER
    printed = NUMBER.findall(page)
    # oldest first: 已销号 (10-05), overdue (10-12), 整改中 (10-20), the ward's (11-02); 外科 and 检验科 left out
    assert printed == [items[k].number for k in ("closed", "overdue", "started", "ward")]
    overdue = row_line(page, items["overdue"].number)
    assert "2026-10-12" in overdue and "2026-11-12" in overdue and "内科" in overdue
    _, words = pdftools.words(path)
    number = next(w for w in words if w.text == items["overdue"].number)
    late = [w for w in words if w.text.startswith("逾期")]
    assert len(late) == 1 and abs(late[0].y0 - number.y0) < 12  # 逾期 marked in that row's 状态 only
    assert "11" in {w.text for w in words if abs(w.y0 - late[0].y0) < 2 and w.x0 > late[0].x0}
    assert "内科一病区" in row_line(page, items["ward"].number)
    closed = page.split("复查/销号")[1].split(items["overdue"].number)[0]  # the first row (wraps)
    assert "周明" in closed and "2026-11-15复查" in pdftools.squash(closed) and "已销号" in closed
    assert ("共4项：待整改1项，整改中1项，已整改待复查1项，已销号1项；整改率50.0%，销号率25.0%；"
            "逾期未销号1项（按2026-11-23计）。") in flat
    for label in ("填表人：", "审核人：", "日期："):
        assert label in page


def test_unfiltered_ledger_is_as_of_today_and_says_all(quality, items, tmp_path):
    path = reports.write_ledger_pdf(reports.ledger_snapshot(quality), tmp_path / "全部.pdf")
    flat = pdftools.flat(path)
    assert "霍山县人民医院截至2026年11月23日" in flat and "筛选条件：全部问题" in flat
    assert len(NUMBER.findall(pdftools.pages(path)[0])) == 6


def test_open_ended_periods_read_naturally(quality, items):
    since = reports.ledger_snapshot(quality, LedgerFilter(date_from=dt.date(2026, 11, 1)))
    assert since.info.period == "统计期间：2026年11月1日起，截至2026年11月23日"
    assert since.info.filters == ("发现日期：2026-11-01 起至今",)
    assert [i.number for i in since.items] == [items["ward"].number, items["surgery"].number]
    until = reports.ledger_snapshot(quality, LedgerFilter(date_to=dt.date(2026, 3, 31)))
    assert until.info.period == "统计期间：截至2026年3月31日" and [i.number for i in until.items] == [items["old"].number]


def test_filter_by_status_source_overdue_and_inspection_is_printed_in_words(quality, system, hospital, items, tmp_path):
    snap = reports.ledger_snapshot(quality, LedgerFilter(status="未销号", overdue=True, text="交接班"))
    assert [i.number for i in snap.items] == [items["overdue"].number]
    assert list(snap.info.filters) == ["状态：未销号", "仅逾期", "包含文字：交接班"]
    core = next(c for c in list_checklists(system) if c.kind == "核心制度")
    inspection = inspections.create_inspection(system, {
        "type": "全院半年自查", "inspected_on": "2026-11-10", "inspectors": "周明", "checklist_id": core.id,
        "department_ids": [hospital.departments["外科"]]})
    snap = reports.ledger_snapshot(quality, LedgerFilter(inspection_id=inspection.id, source="自查"))
    assert snap.items == () and snap.info.filters == (f"检查：{inspection.number} {inspection.title}", "来源：自查")
    path = reports.write_ledger_pdf(snap, tmp_path / "空.pdf")
    assert "（无符合条件的问题）" in pdftools.flat(path) and "共0项。" in pdftools.flat(path)


def test_department_head_prints_only_their_department_and_wards(session_as, hospital, items):
    head = session_as(Role.DEPT_HEAD, "内科")
    shown = {i.department_name for i in reports.ledger_snapshot(head).items}
    assert shown == {"内科", "内科一病区"}
    assert reports.ledger_snapshot(head, LedgerFilter(department_id=hospital.departments["外科"])).items == ()


def test_snapshot_reads_the_ledger_in_one_query_however_many_items(quality, system, hospital, items):
    for n in range(40):
        register(system, hospital, "外科", f"病历首页填写不全（抽查第{n}份）")
    statements = []
    quality.db.conn.set_trace_callback(statements.append)
    try:
        snap = reports.ledger_snapshot(quality)
    finally:
        quality.db.conn.set_trace_callback(None)
    assert len(snap.items) == 46
    assert sum("FROM ledger_items" in s for s in statements) == 1


def test_long_ledger_repeats_the_header_and_the_xlsx_has_the_same_rows(quality, system, hospital, items, tmp_path):
    for n in range(70):
        register(system, hospital, ["外科", "内科", "检验科"][n % 3], f"抽查病历第{n}份：首程记录未在入院8小时内完成",
                 found_on=f"2026-{9 + n % 2:02d}-{1 + n % 28:02d}", deadline="2026-12-31")
    snap = reports.ledger_snapshot(quality)
    pdf = reports.write_ledger_pdf(snap, tmp_path / "长.pdf")
    xlsx = reports.write_ledger_xlsx(snap, tmp_path / "长.xlsx")
    pages = pdftools.pages(pdf)
    assert len(pages) >= 3
    for n, page in enumerate(pages, start=1):
        assert next(line for line in page.splitlines() if "序号" in line).split() == PDF_HEADER
        assert f"第{n}页共{len(pages)}页" in pdftools.squash(page)
    pdf_numbers = [m for page in pages for m in NUMBER.findall(page)]
    ws = load_workbook(xlsx).active
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == "序号")
    rows = list(ws.iter_rows(min_row=header + 1, values_only=True))
    assert [r[1] for r in rows] == pdf_numbers == [i.number for i in snap.items]
    assert [r[0] for r in rows] == list(range(1, 77))
    found = [r[2] for r in rows]
    assert found == sorted(found)  # oldest first, in both
    # read as an importer or a viewer streams it: every row once, in order, and wrapped rows made taller
    streamed = load_workbook(xlsx, read_only=True).active.iter_rows(min_row=header + 1, values_only=True)
    assert [r[1] for r in streamed] == pdf_numbers
    long_row = header + 1 + next(n for n, r in enumerate(rows) if r[7].startswith("抽查病历"))
    assert ws.row_dimensions[long_row].height >= 30 and ws.row_dimensions[header].height >= 30  # 逾期天数 wraps


def test_xlsx_has_every_field_in_its_own_column_with_real_dates_and_print_setup(quality, items, tmp_path):
    path = reports.write_ledger_xlsx(reports.ledger_snapshot(quality), tmp_path / "台账.xlsx")
    ws = load_workbook(path)["问题台账"]
    assert ws["A1"].value == "问题台账" and ws["A2"].value == "霍山县人民医院　　截至2026年11月23日"
    assert [c.value for c in ws[5]] == [
        "序号", "编号", "发现日期", "来源", "所属检查", "问题类别", "检查要点", "问题描述", "责任科室", "严重程度", "扣分",
        "原因分析", "整改措施", "责任人", "整改时限", "状态", "逾期天数", "整改情况", "完成整改日期", "复查人", "复查日期",
        "复查意见", "销号日期", "销号人", "备注"]
    by_number = {row[1]: row for row in ws.iter_rows(min_row=6, values_only=True)}
    closed = by_number[items["closed"].number]
    assert closed[2] == dt.datetime(2026, 10, 5) and closed[14] == dt.datetime(2026, 11, 5)
    assert closed[3] == "投诉" and closed[5] == "术前讨论制度" and closed[15] == "已销号" and closed[16] is None
    assert closed[17] == "已培训 25 人" and closed[18] == dt.datetime(2026, 11, 10)
    assert closed[19:24] == ("周明", dt.datetime(2026, 11, 15), "已落实", dt.datetime(2026, 11, 15), "系统")
    overdue = by_number[items["overdue"].number]
    assert overdue[9] == "较重" and overdue[15] == "待整改" and overdue[16] == 11
    assert ws["C6"].is_date and ws["C6"].number_format == "yyyy-mm-dd"
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$5:$5"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.freeze_panes == "A6" and ws.auto_filter.ref == "A5:Y11"


def test_export_reports_progress_and_cancelling_leaves_no_file(quality, items, tmp_path):
    snap = reports.ledger_snapshot(quality)
    seen = []
    reports.write_ledger_xlsx(snap, tmp_path / "a.xlsx", progress=lambda done, total: seen.append((done, total)))
    assert seen[-1][0] == seen[-1][1] and len(seen) > 2

    def cancel(done, total):
        if done > 2:
            raise errors.Cancelled()

    for write, name in ((reports.write_ledger_xlsx, "b.xlsx"), (reports.write_ledger_pdf, "b.pdf")):
        with pytest.raises(errors.Cancelled):
            write(snap, tmp_path / name, progress=cancel)
        assert not (tmp_path / name).exists()
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("hospital.db")] == ["a.xlsx"]


# ----------------------------------------------------------------------------- 整改通知书


@pytest.fixture
def inspected(system, hospital):
    """An inspection of 内科 and 外科 whose 不符合 results became ledger items."""
    core = next(c for c in list_checklists(system) if c.kind == "核心制度")
    points = list_items(system, core.id)
    inspection = inspections.create_inspection(system, {
        "type": "全院半年自查", "inspected_on": "2026-11-10", "inspectors": "周明", "checklist_id": core.id,
        "department_ids": [hospital.departments["内科"], hospital.departments["外科"]]})
    for dept, picks in (("内科", (0, 3)), ("外科", (5,))):
        inspections.record_results(system, inspection.id, hospital.departments[dept],
                                   [{"item_id": points[i].id, "result": "不符合"} for i in picks])
    return inspection


def test_notice_has_one_page_group_per_department_with_receipt(quality, system, hospital, items, inspected, tmp_path):
    chosen = ledger.list_items(quality, LedgerFilter(status="未销号"))
    snap = reports.notice_snapshot(quality, [r.id for r in chosen])
    assert [n.department_name for n in snap.notices] == ["内科", "外科", "内科一病区", "检验科"]
    path = reports.write_notice_pdf(snap, tmp_path / "整改通知书.pdf")
    assert pdftools.page_size(path) == pytest.approx(A4_PORTRAIT, abs=0.5)
    pages = pdftools.pages(path)
    starts = [n for n, page in enumerate(pages) if page.strip().startswith("整改通知书")]
    assert len(starts) == 4 and starts[0] == 0
    groups = [pages[a:b] for a, b in zip(starts, starts[1:] + [len(pages)])]
    for notice, group in zip(snap.notices, groups):
        text = pdftools.squash("".join(group))
        assert f"{notice.department_name}：" in text
        assert pdftools.squash(notice.document_number) in text
        assert [m for m in NUMBER.findall("".join(group))] == [i.number for i in notice.items]
        for label in ("签收人（签字）：", "签收日期：", "科室负责人（签字）：", "霍山县人民医院质控科（盖章）",
                      "2026年11月23日", "整改要求", "逾期未整改或整改不到位的"):
            assert label in text
        assert f"第1页共{len(group)}页" in pdftools.squash(group[0])
    internal = pdftools.squash("".join(groups[0]))
    assert "2026年10月12日至11月10日" in internal
    assert "“2026年11月全院半年自查”（JC2026-001）" in internal and "科室自查" in internal
    assert "存在以下4项问题" in internal  # 2 from the inspection, overdue and 整改中 (not the 已销号 one)
    assert items["closed"].number not in internal and items["surgery"].number not in internal
    assert snap.notices[1].document_number == f"质控通〔2026〕第 1123-{hospital.departments['外科']:02d} 号"
    assert next(n for n in snap.notices if n.department_name == "检验科").opening.startswith("2026年3月1日，在科室自查中")


def test_notice_scope_and_bad_choices(session_as, hospital, items):
    head = session_as(Role.DEPT_HEAD, "内科")
    snap = reports.notice_snapshot(head, [items["overdue"].id, items["ward"].id])
    assert [n.department_name for n in snap.notices] == ["内科", "内科一病区"]
    with pytest.raises(errors.PermissionDenied, match="本科室"):
        reports.notice_snapshot(head, [items["overdue"].id, items["surgery"].id])
    with pytest.raises(errors.ValidationError, match="请至少选择一项问题"):
        reports.notice_snapshot(head, [])
    with pytest.raises(errors.NotFound, match="1 项已不存在"):
        reports.notice_snapshot(head, [items["overdue"].id, 99999])
