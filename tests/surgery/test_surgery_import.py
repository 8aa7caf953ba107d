"""Importing catalogues as hospitals publish them (messy files, every finding in Chinese, nothing
written while any error remains), into new and existing drafts; HIS operations logs."""
import datetime as dt

import openpyxl
import pytest

from desktop_app import errors
from desktop_app.accounts.permissions import Role
from desktop_app.excel.reader import ExcelFileError
from desktop_app.surgery import catalogue as catalogues
from desktop_app.surgery import excel_io, reports
from desktop_app.surgery import privileges as priv
from tests.excel.files import write_xlsx

HEADER = ["序号", "手术（操作）编码", "手术名称", "手术级别", "限制类技术", "日间手术", "微创/介入", "备注"]


def counts(db):
    return tuple(db.scalar(f"SELECT count(*) FROM {t}") for t in ("surgery_catalogues", "surgery_procedures",
                                                                  "audit_log"))


def messy_catalogue(tmp_path, *, fixed=False):
    """As a county hospital publishes its catalogue: a merged title, a header with 手术（操作）编码, merged
    department rows (外科 is a department here, 普外科 is not), a section written without merging
    (“二、骨科（共 2 项）”), codes as numbers and without the dot, grades as Ⅳ级/4/3级/IV, √ and ✓, a
    notes row, a blank row, the header repeated, a 小计 row, a row with only its 序号 — and, unless
    ``fixed``, a duplicate code and an unknown grade."""
    rows = [
        ["霍山县人民医院手术分级管理目录（2027 年版）"],
        ["填报科室：医务科"],
        HEADER,
        ["外科"],
        [1, "47.0901", "阑尾切除术", "一级", None, "√", None, None],
        [2, 51.2301, "腹腔镜下胆囊切除术", "2", "否", "✓", "✓", None],
        [3, 437.0, "胃大部切除伴胃空肠吻合术", "3级", None, None, None, "编码写法测试"],
        [4, "52.7x01", "胰十二指肠切除术", "Ⅳ级", None, None, None, "需术前多学科讨论"],
        None,
        ["普外科"],
        [5, 213104, "鼻骨骨折闭合复位术", 4, None, None, None, None],
        [6, "53.0201", "腹股沟斜疝疝囊高位结扎术", "一级", None, "是", None, None],
        ["小计：2 项"],
        HEADER,
        ["二、骨科（共 2 项）"],
        [7, "81.5100x001", "全髋关节置换术", "IV", "是", None, None, None],
        [8, "79.3501" if fixed else "51.2301", "股骨骨折切开复位内固定术", "三级", None, None, None, None],
        [9],
        [10, "37.3401", "经皮心内膜射频消融术", "四级" if fixed else "特级", "√", None, "√", None],
        ["注：“√”表示是；限制类技术按四级手术管理。"],
        ["本目录经医疗质量与安全管理委员会审议通过。"],
    ]
    return write_xlsx(tmp_path / ("目录.xlsx" if fixed else "目录（有错）.xlsx"), rows,
                      merges=["A1:H1", "A2:H2", "A4:H4", "A10:H10"])


def test_messy_catalogue_every_row_understood_or_reported_and_nothing_written(system, hospital, db, tmp_path):
    before = counts(db)
    plan = excel_io.preview_catalogue_import(system, messy_catalogue(tmp_path), name="手术分级管理目录（2027 年版）")
    assert (plan.sheet, plan.header_row) == ("Sheet1", 3)
    assert [f.text() for f in plan.errors] == [
        "第 6 行 B 列 “手术编码”：编码 51.2301 在文件中出现了 2 次（第 6 行“腹腔镜下胆囊切除术”、第 17 行“股骨骨折切开复位内固定术”），"
        "同一版本中编码不能重复。请删除重复的行或改正编码。",
        "第 17 行 B 列 “手术编码”：编码 51.2301 在文件中出现了 2 次（第 6 行“腹腔镜下胆囊切除术”、第 17 行“股骨骨折切开复位内固定术”），"
        "同一版本中编码不能重复。请删除重复的行或改正编码。",
        "第 19 行 D 列 “手术级别”：级别“特级”无法识别，请写一级至四级（或 1–4、Ⅰ–Ⅳ）。",
    ]
    warnings = [f.text() for f in plan.warnings]
    assert any(w.startswith("第 7 行 B 列 “手术编码”：编码 43.7 比国家临床版编码（如 21.3100）短") for w in warnings)
    assert any(w.startswith("第 11 行 “科室”：“普外科”不是本院科室（2 项，第 11 行起），按“专业”保存") for w in warnings)
    assert any(w.startswith("第 16 行 “科室”：“骨科”不是本院科室（1 项，第 16 行起）") for w in warnings)
    assert dict(plan.skipped_rows) == {
        4: "分组行：外科", 10: "分组行：普外科", 13: "合计行：小计：2 项", 14: "重复的表头行", 15: "分组行：二、骨科（共 2 项）",
        18: "只有序号的空行", 20: "说明行：注：“√”表示是；限制类技术按四级手术管理。",
        21: "说明行：本目录经医疗质量与安全管理委员会审议通过。"}
    assert plan.counts == {"新增": 6, "更新": 0, "无变化": 0, "有错误": 3} and not plan.can_apply
    assert "有错误 3 行，共 3 处问题，改正后才能导入" in plan.summary()
    with pytest.raises(errors.ValidationError):
        excel_io.apply_catalogue_import(system, plan)
    assert counts(db) == before


def test_fixed_file_imports_into_a_new_draft_in_one_audited_step(system, hospital, db, tmp_path):
    plan = excel_io.preview_catalogue_import(system, messy_catalogue(tmp_path, fixed=True),
                                             name="手术分级管理目录（2027 年版）", effective_date="2027-01-01")
    assert plan.can_apply and plan.counts["新增"] == 9 and plan.grade_counts == {1: 2, 2: 1, 3: 2, 4: 4}
    audit_before = counts(db)[2]
    result = excel_io.apply_catalogue_import(system, plan)
    cat = result.catalogue
    assert (cat.name, cat.status, cat.effective_date, cat.procedures) == ("手术分级管理目录（2027 年版）", "草稿", "2027-01-01", 9)
    got = {p.code: p for p in catalogues.list_procedures(system, cat.id)}
    assert sorted(got) == ["21.3104", "37.3401", "43.7", "47.0901", "51.2301", "52.7x01", "53.0201", "79.3501",
                           "81.5100x001"]
    assert got["21.3104"].grade == 4 and got["21.3104"].specialty == "普外科" and got["21.3104"].department_id is None
    assert got["51.2301"].department == "外科" and got["51.2301"].day_surgery and got["51.2301"].minimally_invasive
    assert got["81.5100x001"].restricted and got["81.5100x001"].specialty == "骨科"
    assert got["52.7x01"].notes == "需术前多学科讨论" and got["47.0901"].grade == 1
    assert got["37.3401"].restricted and got["37.3401"].grade == 4
    rows = db.query("SELECT entity, action FROM audit_log ORDER BY id DESC LIMIT 2")
    assert [(r[0], r[1]) for r in rows] == [("surgery_catalogue", "import"), ("surgery_catalogue", "create")]
    assert counts(db)[2] == audit_before + 2


def test_into_a_draft_updates_and_replace_deletes_with_reasons_for_the_adjustment(system, hospital, book, db, tmp_path):
    draft = catalogues.create_catalogue(system, {"name": "2027 年版"}, based_on_id=book.id)
    path = write_xlsx(tmp_path / "调整.xlsx", [
        ["科室", "手术编码", "手术名称", "手术级别", "日间手术", "微创/介入", "调整原因"],
        ["外科", "47.0901", "阑尾切除术", "一级", None, None, None],
        ["外科", "51.2301", "腹腔镜下胆囊切除术", "三级", "是", "是", "近一年并发症 3 例，升为三级"],
        ["外科", "43.7x01", "胃大部切除伴胃空肠吻合术", "三级", None, None, "不应写原因"],
        ["外科", "52.7x01", "胰十二指肠切除术", "四级", None, None, None],
        ["外科", "54.5101", "腹腔镜下肠粘连松解术", "三级", None, "是", "新开展"],
    ])
    plan = excel_io.preview_catalogue_import(system, path, into=draft.id, replace=True)
    assert plan.counts == {"新增": 1, "更新": 1, "无变化": 3, "有错误": 0}
    assert plan.removed == (("37.3401", "经皮心内膜射频消融术"),)
    (update,) = [r for r in plan.rows if r.action == "更新"]
    assert update.describe() == "级别：二级 → 三级"
    assert [f.text() for f in plan.warnings] == [
        "第 4 行 G 列 “调整原因”：编码 43.7x01 与上一版本相比没有变化，调整原因不会保存。"]
    excel_io.apply_catalogue_import(system, plan)
    diffs = {d.code: (d.kind, d.reason) for d in catalogues.differences(system, draft.id)}
    assert diffs == {"54.5101": ("新增", "新开展"), "37.3401": ("删除", None),
                     "51.2301": ("升级", "近一年并发症 3 例，升为三级")}


def test_columns_the_file_lacks_leave_the_draft_as_it_is(system, hospital, book, tmp_path):
    draft = catalogues.create_catalogue(system, {"name": "2027 年版"}, based_on_id=book.id)
    path = write_xlsx(tmp_path / "简表.xlsx", [["手术编码", "手术名称", "手术级别"],
                                             ["51.2301", "腹腔镜下胆囊切除术", "二级"], ["37.3401", "经皮心内膜射频消融术", "三级"]])
    plan = excel_io.preview_catalogue_import(system, path, into=draft.id)
    assert plan.rows[0].action == "无变化"  # still 外科, 日间手术 and 微创 although the file has no such columns
    assert [f.text() for f in plan.errors] == ["第 3 行 C 列 “手术级别”：限制类技术按四级手术管理，级别应为四级。"]


def test_apply_refuses_a_changed_file_or_a_draft_approved_since_the_preview(system, hospital, book, tmp_path):
    draft = catalogues.create_catalogue(system, {"name": "2027 年版"}, based_on_id=book.id)
    path = write_xlsx(tmp_path / "a.xlsx", [["手术编码", "手术名称", "手术级别"], ["54.5101", "腹腔镜下肠粘连松解术", "三级"]])
    plan = excel_io.preview_catalogue_import(system, path, into=draft.id)
    write_xlsx(path, [["手术编码", "手术名称", "手术级别"], ["54.5101", "腹腔镜下肠粘连松解术", "四级"]])
    with pytest.raises(errors.Conflict, match="在预览之后被修改"):
        excel_io.apply_catalogue_import(system, plan)
    plan = excel_io.preview_catalogue_import(system, path, into=draft.id)
    catalogues.approve_catalogue(system, draft.id, "委员会", "2026-11-20", "2027-01-01")
    with pytest.raises(errors.Conflict, match="已批准，内容已冻结"):
        excel_io.apply_catalogue_import(system, plan)
    with pytest.raises(errors.Conflict, match="已批准，内容已冻结，不能导入"):
        excel_io.preview_catalogue_import(system, path, into=book.id)
    with pytest.raises(errors.ValidationError, match="请填写新目录版本的名称"):
        excel_io.preview_catalogue_import(system, path)


def test_file_without_the_required_columns_or_rows(system, hospital, tmp_path):
    path = write_xlsx(tmp_path / "b.xlsx", [["序号", "手术名称", "级别"], [1, "阑尾切除术", "一级"]])
    with pytest.raises(ExcelFileError, match="缺少必填列：“手术编码”"):
        excel_io.preview_catalogue_import(system, path, name="x")
    empty = write_xlsx(tmp_path / "c.xlsx", [["手术编码", "手术名称", "手术级别"], ["外科"]], merges=["A2:C2"])
    plan = excel_io.preview_catalogue_import(system, empty, name="x")
    assert [f.text() for f in plan.errors] == ["工作表“Sheet1”第 1 行表头以下没有手术数据。请在表头下面逐行填写后再导入。"]


def test_flags_that_are_not_yes_or_no_are_reported_at_their_cell(system, hospital, tmp_path):
    path = write_xlsx(tmp_path / "f.xlsx", [["手术编码", "手术名称", "手术级别", "限制类技术", "日间手术"],
                                            ["47.0901", "阑尾切除术", "一级", "待定", None],
                                            ["37.3401", "经皮心内膜射频消融术", "三级", "是", None]])
    plan = excel_io.preview_catalogue_import(system, path, name="x")
    assert [f.text() for f in plan.errors] == [
        "第 2 行 D 列 “限制类技术”：“待定”无法识别，请写“是”或“否”（也可写 √ 表示是，留空表示否）。",
        "第 3 行 C 列 “手术级别”：限制类技术按四级手术管理，级别应为四级。"]


def test_the_catalogue_workbook_imports_back_and_the_template_reads(system, hospital, book, tmp_path):
    snap = reports.catalogue_snapshot(system, book.id)
    exported = reports.write_catalogue_xlsx(snap, tmp_path / "目录.xlsx")
    plan = excel_io.preview_catalogue_import(system, exported, name="副本")
    assert plan.can_apply and plan.counts["新增"] == 5 and not plan.warnings
    copy = excel_io.apply_catalogue_import(system, plan).catalogue
    key = lambda p: (p.code, p.name, p.grade, p.department_id, p.restricted, p.day_surgery, p.minimally_invasive)  # noqa: E731
    assert sorted(map(key, catalogues.list_procedures(system, copy.id))) == \
        sorted(map(key, catalogues.list_procedures(system, book.id)))

    template = excel_io.write_catalogue_template(system, tmp_path / "模板.xlsx")
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames == ["手术分级目录导入模板", "说明", "下拉列表"] and wb["下拉列表"].sheet_state == "hidden"
    ws = wb["手术分级目录导入模板"]
    assert [c.value for c in ws[1]] == ["序号", "*手术编码", "*手术名称", "*手术级别", "科室", "限制类技术", "日间手术",
                                        "微创/介入", "备注", "调整原因"]
    assert any(dv.formula1 == '"一级,二级,三级,四级"' for dv in ws.data_validations.dataValidation)
    ws.append([1, "47.0901", "阑尾切除术", "一级", "外科", "否", "是", "否", None, None])
    wb.save(template)
    plan = excel_io.preview_catalogue_import(system, template, name="从模板")
    assert plan.can_apply and plan.rows[0].department == "外科" and plan.rows[0].values["day_surgery"] == 1


def test_only_catalogue_keepers_import(session_as, hospital, tmp_path):
    path = write_xlsx(tmp_path / "x.xlsx", [["手术编码", "手术名称", "手术级别"], ["47.0901", "阑尾切除术", "一级"]])
    with pytest.raises(errors.PermissionDenied):
        excel_io.preview_catalogue_import(session_as(Role.DEPT_HEAD), path, name="x")


# ----------------------------------------------------------------------------- operations logs


def his_export(tmp_path, rows, name="手术记录.xlsx"):
    """As an HIS exports it: a title, many columns, dates with times, the surgeon's name and 工号."""
    head = ["序号", "住院号", "患者姓名", "科室", "手术开始时间", "手术操作编码", "手术操作名称", "手术级别", "术者", "术者工号",
            "麻醉方式"]
    return write_xlsx(tmp_path / name, [["手术明细（2026年）"], head] + [
        [i, f"Z{i:05d}", "患者", "外科", when, code, opname, None, who, no, "全麻"]
        for i, (when, code, opname, who, no) in enumerate(rows, start=1)])


def test_operations_log_lists_unknown_surgeons_and_procedures_by_row_before_anything_is_written(
        system, hospital, book, db, tmp_path):
    priv.grant(system, hospital.staff["李四"], {"scope": "procedure", "codes": ["43.7x01"], "granted_on": "2026-03-01"})
    path = his_export(tmp_path, [
        (dt.datetime(2026, 3, 5, 8, 30), "43.7x01", "胃大部切除伴胃空肠吻合术", "李四", "D002"),
        (dt.datetime(2026, 3, 6, 9, 0), "437x01", None, "李四", None),
        (dt.datetime(2026, 3, 7, 9, 0), None, "阑尾切除术", None, "D001"),
        (dt.datetime(2026, 3, 8, 9, 0), "99.9999", "不明手术", "张三", "D001"),
        (dt.datetime(2026, 3, 9, 9, 0), "47.0901", None, "王五", None),
        (dt.datetime(2026, 3, 10, 9, 0), "47.0901", None, "王五", None),
        ("2026-13-45", "47.0901", None, "李四", "D002"),
    ])
    plan = excel_io.preview_operations_import(system, path)
    assert [f.text() for f in plan.errors] == [
        "第 6 行 F 列 “手术”：手术“99.9999 不明手术”不在 2026-03-08 生效的手术分级目录中。",
        "第 7 行 I 列 “术者”：术者“王五”不是本院登记的医师。",
        "第 8 行 I 列 “术者”：术者“王五”不是本院登记的医师。",
        "第 9 行 E 列 “手术日期”：“2026-13-45”不是可识别的日期，请写成 2024-03-05 或 2024年3月5日。",
    ]
    assert plan.unknown_surgeons == {"王五": (7, 8)} and plan.unknown_procedures == {"99.9999 不明手术": (6,)}
    assert [(o.row, o.staff_name, o.privileged) for o in plan.check.operations] == [
        (3, "李四", True), (4, "李四", True), (5, "张三", False)]
    assert plan.unprivileged[0].finding == "一级手术，该医师未获一、二级手术授权"
    assert not plan.can_apply and "1 名术者不是本院医师，1 种手术不在目录中" in plan.summary()
    before = db.scalar("SELECT count(*) FROM operations")
    with pytest.raises(errors.ValidationError):
        excel_io.apply_operations_import(system, plan)
    assert db.scalar("SELECT count(*) FROM operations") == before == 0


def test_a_clean_log_is_recorded_once(system, hospital, book, db, tmp_path):
    path = his_export(tmp_path, [(dt.datetime(2026, 3, 5, 8, 30), "43.7x01", None, "李四", "D002"),
                                 (dt.datetime(2026, 3, 6, 8, 30), "52.7x01", None, "张三", "D001")])
    plan = excel_io.preview_operations_import(system, path)
    assert plan.can_apply and len(plan.unprivileged) == 2
    result = excel_io.apply_operations_import(system, plan)
    assert len(result.operations) == 2 and db.scalar("SELECT count(*) FROM operations") == 2
    again = excel_io.preview_operations_import(system, path)
    assert not again.can_apply and "这个文件已于" in again.errors[0].message and "不能重复登记" in again.errors[0].message


def test_a_log_needs_a_surgeon_and_a_procedure_column(system, hospital, book, tmp_path):
    path = write_xlsx(tmp_path / "l.xlsx", [["手术日期", "住院号", "手术编码"], ["2026-03-05", "Z1", "43.7x01"]])
    with pytest.raises(ExcelFileError, match="缺少术者列"):
        excel_io.preview_operations_import(system, path)


def test_a_doctors_number_beside_another_doctors_name_is_reported_not_guessed(system, hospital, book, db, tmp_path):
    path = his_export(tmp_path, [(dt.datetime(2026, 3, 5, 8, 30), "43.7x01", None, "李四", "D002"),
                                 (dt.datetime(2026, 3, 6, 8, 30), "43.7x01", None, "李四", "D001"),
                                 (dt.datetime(2026, 3, 7, 8, 30), "43.7x01", None, " 张三 ", "D001")])
    plan = excel_io.preview_operations_import(system, path)
    assert [f.text() for f in plan.errors] == [
        "第 4 行 J 列 “术者”：术者工号 D001 是“张三”，与术者“李四”不符，请核对 HIS 导出的术者。"]
    assert [(o.row, o.staff_name) for o in plan.check.operations] == [(3, "李四"), (5, "张三")]
    assert not plan.can_apply
    with pytest.raises(errors.ValidationError):
        excel_io.apply_operations_import(system, plan)
    assert db.scalar("SELECT count(*) FROM operations") == 0
