"""Importing hospitals' own Excel ledgers (messy files, every error path) and the import template."""
import datetime as dt

import openpyxl
import pytest

from desktop_app import errors
from desktop_app.accounts.audit import verify_chain
from desktop_app.accounts.permissions import Role
from desktop_app.excel.reader import ExcelFileError
from desktop_app.ledger import excel_io, reports
from desktop_app.ledger import service as ledger
from desktop_app.ledger.models import LedgerFilter
from tests.excel.files import write_xlsx

HEADER = ["序号", "发现日期", "来源", "问题描述", "问题类别", "责任科室", "整改时限", "是否销号", "复查人", "复查日期",
          "复查意见"]


@pytest.fixture
def quality(session_as):
    return session_as(Role.QUALITY)


def counts(db):
    return tuple(db.scalar(f"SELECT count(*) FROM {t}") for t in ("ledger_items", "ledger_events", "audit_log"))


def simple(tmp_path, rows, header=HEADER, name="台账.xlsx"):
    return write_xlsx(tmp_path / name, [header, *rows])


def messages(plan):
    return [f.text() for f in plan.findings]


# ----------------------------------------------------------------------------- a real hospital's file


def messy_file(tmp_path):
    """Title rows, heading variants, a department merged over two rows, a section row, dates spelt
    four ways and as an Excel serial, older names of the core systems, a note at the end."""
    rows = [
        ["霍山县人民医院2026年医疗质量安全问题整改台账"],
        ["填报科室：医务科　　　　填报日期：2026年11月"],
        None,
        ["序号", "检查时间", "问题来源", "存在问题", "类别", "责任部门", "原因分析", "整改措施", "完成时限", "责任人",
         "整改完成情况", "复查人", "复查时间", "复查意见", "是否销号", "销号时间", "备注"],
        [1, "2026/3/5", "上级督查", "急诊首诊医师未书写首诊记录", "首诊医师负责制度", "内科", "新入职医师不熟悉制度",
         "组织培训", "2026.4.5", "张三", "已培训并考核", "周明", "2026年4月10日", "已落实", "是", "2026年4月10日", None],
        [2, dt.datetime(2026, 3, 6), "科室月度自查", "夜班交接班记录缺接班者签名", "值班与交接班制度", None,
         "夜班人少", "护士长每周抽查", "2026-04-06", "王芳", None, None, None, None, "否", None, "病区"],
        [3, 46088, "投诉", "患者反映输液前未核对姓名", "查对", "外科", None, None, "2026年4月30日", None, None, None, None,
         None, "否", None, None],
        ["检验科"],
        [4, "2026.3.20", "质控中心检查", "危急值报告登记不全", "危急值报告与处置制度", None, None, None, None, None,
         None, None, None, None, None, None, None],
        [5, "2026-03-21", "自查", "科室质控小组活动记录缺失", "院感", "医务科", None, None, "2026-05-01", None,
         "已补齐记录", None, None, None, "否", None, None],
        ["说明：本表由医务科每月汇总。"],
    ]
    return write_xlsx(tmp_path / "2026年问题台账.xlsx", rows, merges=["A1:Q1", "A2:Q2", "F5:F6", "A11:Q11"])


def test_messy_hospital_file_previews_every_row_correctly(quality, tmp_path):
    before = counts(quality.db)
    plan = excel_io.preview_ledger_import(quality, messy_file(tmp_path))
    assert counts(quality.db) == before  # a preview writes nothing
    assert plan.header_row == 4 and plan.can_apply, messages(plan)
    assert [(r.row, r.action, r.status, r.department) for r in plan.rows] == [
        (5, "新增", "已销号", "内科"),
        (6, "新增", "整改中", "内科"),  # 责任部门 merged over rows 5–6
        (7, "新增", "待整改", "外科"),
        (9, "新增", "待整改", "检验科"),  # under the section row 检验科
        (10, "新增", "已整改待复查", "医务科"),
    ]
    values = [r.values for r in plan.rows]
    assert [v["found_on"] for v in values] == ["2026-03-05", "2026-03-06", "2026-03-07", "2026-03-20", "2026-03-21"]
    assert [v["category"] for v in values] == ["首诊负责制度", "值班和交接班制度", "查对制度", "危急值报告制度", "院感"]
    assert [v["source"] for v in values] == ["上级督查/专项检查", "科室自查", "投诉", "质控中心", "自查"]
    assert values[0]["deadline"] == "2026-04-05" and values[3]["deadline"] == "2026-04-19"  # 30 days by default
    assert (values[0]["rechecker"], values[0]["recheck_on"], values[0]["closed_on"], values[0]["recheck_opinion"]) == (
        "周明", "2026-04-10", "2026-04-10", "已落实")
    assert values[1]["remarks"] == "病区" and values[4]["progress"] == "已补齐记录"
    assert messages(plan) == [
        "第 9 行 I 列 “整改时限”：未填写整改时限，按发现日期后 30 天（2026-04-19）登记。",
        "第 10 行 E 列 “问题类别”：“院感”不是检查表中的类别，将按原文登记（统计时单独成类）；如是核心制度或专项整治类别，请改用标准名称。",
    ]
    assert plan.skipped_rows == ((8, "分组行：检验科"), (11, "说明行：说明：本表由医务科每月汇总。"))
    assert "新增 5 项（待整改 2 项，整改中 1 项，已整改待复查 1 项，已销号 1 项）" in plan.summary()


def test_apply_writes_all_rows_in_one_go_with_events_and_one_summary_audit(quality, db, tmp_path):
    items, events, audits = counts(db)
    plan = excel_io.preview_ledger_import(quality, messy_file(tmp_path))
    result = excel_io.apply_ledger_import(quality, plan)
    assert (result.created, result.duplicates) == (5, 0)
    assert counts(db) == (items + 5, events + 5, audits + 6)  # one per item, one for the import
    rows = ledger.list_items(quality, LedgerFilter(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31)))
    assert sorted(r.number for r in rows) == [f"2026-{n:04d}" for n in range(1, 6)]
    closed = ledger.get_item(quality, result.item_ids[0])
    assert (closed.status, closed.closed_by, closed.rectified_on) == ("已销号", "周明", "2026-04-10")
    assert closed.due == ""  # a closed item is never overdue
    [event] = ledger.timeline(quality, closed.id)
    assert (event.event, event.to_status, event.note) == (
        "登记", "已销号", "从 Excel 导入：2026年问题台账.xlsx 第 5 行（原台账编号 1）")
    summary = db.query_one("SELECT action, entity_label, after_json FROM audit_log ORDER BY id DESC LIMIT 1")
    assert (summary["action"], summary["entity_label"]) == ("import", "2026年问题台账.xlsx")
    assert '"新增": 5' in summary["after_json"] and plan.sha256 in summary["after_json"]
    assert verify_chain(db).ok


def test_importing_the_same_file_twice_skips_duplicates(quality, db, tmp_path):
    path = messy_file(tmp_path)
    excel_io.apply_ledger_import(quality, excel_io.preview_ledger_import(quality, path))
    before = counts(db)
    again = excel_io.preview_ledger_import(quality, path)
    assert again.counts == {"新增": 0, "重复": 5, "有错误": 0} and again.can_apply
    assert again.warnings[0].text() == (
        "第 5 行 D 列 “问题描述”：重复：台账中已有 2026-03-05 内科“急诊首诊医师未书写首诊记录”，本行跳过。")
    result = excel_io.apply_ledger_import(quality, again)
    assert (result.created, result.duplicates) == (0, 5)
    assert counts(db)[:2] == before[:2]


def test_the_same_row_twice_in_one_file_is_imported_once(quality, tmp_path):
    row = [1, "2026-05-01", "自查", "医嘱本未签名", "查对制度", "内科", "2026-05-31", "否"]
    plan = excel_io.preview_ledger_import(quality, simple(tmp_path, [row, [2, *row[1:]]]))
    assert [r.action for r in plan.rows] == ["新增", "重复"]
    assert plan.warnings[-1].text() == (
        "第 3 行 D 列 “问题描述”：重复：与文件第 2 行相同（发现日期、科室、问题描述都一样），本行跳过。")


def test_exported_ledger_imports_back_as_duplicates(quality, tmp_path):
    excel_io.apply_ledger_import(quality, excel_io.preview_ledger_import(quality, messy_file(tmp_path)))
    path = reports.write_ledger_xlsx(reports.ledger_snapshot(quality), tmp_path / "导出.xlsx")
    plan = excel_io.preview_ledger_import(quality, path)
    assert plan.counts == {"新增": 0, "重复": 5, "有错误": 0}
    assert plan.ignored_columns == ("E 列“所属检查”", "Q 列“逾期天数”")


def test_closed_without_opinion_column_is_recorded_and_said(quality, tmp_path):
    header = ["发现日期", "问题描述", "责任科室", "整改时限", "销号", "复查人", "销号日期"]
    plan = excel_io.preview_ledger_import(quality, simple(tmp_path, [
        ["2026-06-01", "病历书写不及时", "外科", "2026-06-30", "√", "周明", "2026-06-28"]], header))
    assert plan.can_apply and plan.rows[0].status == "已销号"
    assert plan.rows[0].values["recheck_opinion"] == "原台账记为已销号"
    assert "没有复查意见，记为“原台账记为已销号”" in " ".join(messages(plan))


# ----------------------------------------------------------------------------- errors: nothing is written


def assert_refused(session, plan):
    before = counts(session.db)
    assert not plan.can_apply
    with pytest.raises(errors.ValidationError):
        excel_io.apply_ledger_import(session, plan)
    assert counts(session.db) == before


def test_every_bad_cell_is_named_by_row_and_column(quality, tmp_path):
    plan = excel_io.preview_ledger_import(quality, simple(tmp_path, [
        [1, "2026-05-01", "自查", "输液未双人核对", "查对制度", "心内科", "2026-05-31", "否"],
        [2, "2026-05-10", "自查", "交班本缺页", "值班和交接班制度", "内科", "2026-05-01", "否"],
        [3, "2026-05-10", "自查", "已销号但没有复查人", "查对制度", "外科", "2026-05-20", "是", None, "2026-05-18", "好"],
        [4, "2026-05-10", "自查", "已销号但没有日期", "查对制度", "外科", "2026-05-20", "是", "周明", None, "好"],
        [5, "2026-12-01", "路边", "将来发现的问题", "查对制度", "外科", "2026-12-31", "否"],
        [6, "2026-13-01", "自查", "日期写错", "查对制度", "外科", "2026-05-31", "大概吧"],
        [7, "2026-05-02", "自查", None, "查对制度", None, None, "否"],
    ]))
    assert [f.text() for f in plan.errors] == [
        "第 2 行 F 列 “责任科室”：科室“心内科”在系统中不存在。请改成系统中已有的科室名称（如：内科、外科、内科一病区、检验科、医务科），"
        "或先在“科室”页添加该科室后再导入。",
        "第 3 行 G 列 “整改时限”：整改时限（2026-05-01）早于发现日期（2026-05-10），请改正。",
        "第 4 行 I 列 “复查人”：原台账记为已销号，但没有复查人。销号须有复查人、复查意见和日期：请填写“复查人”，或把本行改为未销号。",
        "第 5 行 “销号日期”：原台账记为已销号，但没有销号日期或复查日期，请填写其中之一。",
        "第 6 行 C 列 “来源”：来源“路边”无法识别，请写：自查、科室自查、交叉检查、上级督查/专项检查、质控中心、投诉、不良事件。",
        "第 6 行 B 列 “发现日期”：发现日期（2026-12-01）晚于今天，请核对。",
        "第 7 行 B 列 “发现日期”：“2026-13-01”不是可识别的日期，请写成 2024-03-05 或 2024年3月5日。",
        "第 7 行 H 列 “是否销号”：“大概吧”无法识别。请写“是/否”，或状态：待整改、整改中、已整改待复查、已销号。",
        "第 8 行 F 列 “责任科室”：请填写责任科室。",
        "第 8 行 D 列 “问题描述”：请填写问题描述。",
    ]
    assert plan.counts == {"新增": 0, "重复": 0, "有错误": 7}
    assert_refused(quality, plan)


def test_future_recheck_and_close_dates_are_refused(quality, tmp_path):
    plan = excel_io.preview_ledger_import(quality, simple(tmp_path, [
        [1, "2026-05-01", "自查", "交班本缺页", "查对制度", "内科", "2026-05-31", "是", "周明", "2026-12-01", "好"],
        [2, "2026-05-01", "自查", "交班本缺页二", "查对制度", "内科", "2026-05-31", "是", "周明", "2026-04-01", "好"],
    ]))
    assert [f.text() for f in plan.errors] == [
        "第 2 行 J 列 “复查日期”：复查日期（2026-12-01）晚于今天，请核对。",
        "第 3 行 J 列 “复查日期”：复查日期（2026-04-01）早于发现日期（2026-05-01），请核对。",
    ]
    assert_refused(quality, plan)


def test_missing_required_columns_are_listed_before_anything_is_read(quality, tmp_path):
    before = counts(quality.db)
    path = simple(tmp_path, [["2026-05-01", "自查", "查对制度"]], header=["检查日期", "来源", "类别"])
    with pytest.raises(ExcelFileError) as exc:
        excel_io.preview_ledger_import(quality, path)
    assert "缺少必填列：“问题描述”（也可写作存在问题、问题、发现问题、问题内容）；“责任科室”（也可写作责任部门、科室" in exc.value.message
    assert "A 列“检查日期”" in exc.value.message
    assert counts(quality.db) == before


def test_legacy_xls_and_renamed_csv_are_refused_clearly(quality, tmp_path):
    xls = tmp_path / "台账.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    csv = tmp_path / "台账.xlsx"
    csv.write_text("序号,发现日期,问题描述,责任科室\n1,2026-05-01,交班本缺页,内科\n", encoding="gbk")
    before = counts(quality.db)
    with pytest.raises(ExcelFileError, match=r"旧版 Excel 97-2003 \(\.xls\) 文件，请在 Excel 中“另存为” \.xlsx"):
        excel_io.preview_ledger_import(quality, xls)
    with pytest.raises(ExcelFileError, match="其实是文本或 CSV 文件"):
        excel_io.preview_ledger_import(quality, csv)
    assert counts(quality.db) == before


def test_file_changed_after_preview_is_refused(quality, tmp_path):
    path = simple(tmp_path, [[1, "2026-05-01", "自查", "交班本缺页", "查对制度", "内科", "2026-05-31", "否"]])
    plan = excel_io.preview_ledger_import(quality, path)
    simple(tmp_path, [[1, "2026-05-01", "自查", "交班本缺两页", "查对制度", "内科", "2026-05-31", "否"]])
    before = counts(quality.db)
    with pytest.raises(errors.Conflict, match="在预览之后被修改"):
        excel_io.apply_ledger_import(quality, plan)
    assert counts(quality.db) == before


def test_ledger_changed_after_preview_is_refused(quality, system, hospital, tmp_path):
    path = simple(tmp_path, [[1, "2026-05-01", "自查", "交班本缺页", "查对制度", "内科", "2026-05-31", "否"]])
    plan = excel_io.preview_ledger_import(quality, path)
    ledger.register_item(system, {"found_on": "2026-05-01", "deadline": "2026-05-31", "source": "自查",
                                  "category": "查对制度", "description": "交班本缺页",
                                  "department_id": hospital.departments["内科"]})
    before = counts(quality.db)
    with pytest.raises(errors.Conflict, match="涉及第 2 行"):
        excel_io.apply_ledger_import(quality, plan)
    assert counts(quality.db) == before


def test_department_head_may_not_import(session_as, tmp_path):
    path = simple(tmp_path, [[1, "2026-05-01", "自查", "交班本缺页", "查对制度", "内科", "2026-05-31", "否"]])
    with pytest.raises(errors.PermissionDenied):
        excel_io.preview_ledger_import(session_as(Role.DEPT_HEAD, "内科"), path)


# ----------------------------------------------------------------------------- the template


def test_template_has_canonical_headings_lists_and_imports_when_filled(quality, system, tmp_path):
    path = excel_io.export_ledger_template(quality, tmp_path / "问题台账导入模板.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["问题台账导入模板", "说明", "下拉列表"] and wb["下拉列表"].sheet_state == "hidden"
    ws = wb["问题台账导入模板"]
    assert [c.value for c in ws[1]] == [
        "序号", "*发现日期", "来源", "问题类别", "检查要点", "*问题描述", "*责任科室", "严重程度", "原因分析", "整改措施",
        "责任人", "整改时限", "整改情况", "佐证材料", "完成整改日期", "复查人", "复查日期", "复查意见", "是否销号", "销号日期",
        "备注"]
    lists = {str(dv.sqref).split(":")[0]: (dv.formula1, dv.errorStyle) for dv in ws.data_validations.dataValidation}
    assert lists == {
        "C2": ('"自查,科室自查,交叉检查,上级督查/专项检查,质控中心,投诉,不良事件"', "stop"),
        "D2": ("=LedgerCategoryList", "warning"), "G2": ("=LedgerDeptList", "stop"),
        "H2": ('"一般,较重,严重"', "stop"), "S2": ('"是,否"', "stop")}
    hidden = wb["下拉列表"]
    assert [hidden.cell(r, 1).value for r in range(1, 7)] == ["内科", "外科", "内科一病区", "检验科", "医务科", None]
    categories = [hidden.cell(r, 2).value for r in range(1, 200) if hidden.cell(r, 2).value]
    assert "医疗文书书写、管理不规范" in categories and "首诊负责制度" in categories
    assert ws.column_dimensions["B"].number_format == "yyyy-mm-dd"
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$1"
    assert "已销号，此时必须填写复查人" in "".join(str(c.value) for c in wb["说明"]["A"] if c.value)

    empty = excel_io.preview_ledger_import(quality, path)
    assert [f.text() for f in empty.errors] == [
        "工作表“问题台账导入模板”第 1 行表头以下没有问题数据。请在表头下面逐行填写后再导入。"]
    ws.append([1, dt.date(2026, 6, 1), "交叉检查", "会诊制度", None, "急会诊超过 10 分钟到位", "外科", "较重"])
    wb.save(path)
    plan = excel_io.preview_ledger_import(quality, path)
    assert plan.can_apply and plan.rows[0].values["deadline"] == "2026-07-01"
    [item_id] = excel_io.apply_ledger_import(quality, plan).item_ids
    item = ledger.get_item(quality, item_id)
    assert (item.source, item.category, item.severity, item.status) == ("交叉检查", "会诊制度", "较重", "待整改")
