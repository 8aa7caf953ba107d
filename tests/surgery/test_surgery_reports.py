"""The surgery printouts and workbooks, read back as the 医务科, the committee and the theatre nurse read them."""
import pytest
from openpyxl import load_workbook

from desktop_app import errors
from desktop_app.surgery import catalogue as catalogues
from desktop_app.surgery import operations, reports
from desktop_app.surgery import privileges as priv
from tests.reports import pdftools

A4 = (595.3, 841.9)


def rows_of(pdf) -> list[str]:
    """Each printed line, spaces squashed."""
    return [pdftools.squash(line) for page in pdftools.pages(pdf) for line in page.splitlines() if line.strip()]


def readable(pdf, *, size=A4) -> str:
    assert pdftools.page_size(pdf) == pytest.approx(size, abs=1)
    assert all(f["emb"] == "yes" for f in pdftools.fonts(pdf))
    return pdftools.flat(pdf)


@pytest.fixture
def surgeons(system, hospital, book):
    """李四: 授权至二级, 43.7x01 (renewed: the first grant 已替代), 52.7x01 and 37.3401 from an approved
    assessment, 37.3401 then suspended; 张三: 授权至一级. A log of four operations is recorded."""
    li, zs = hospital.staff["李四"], hospital.staff["张三"]
    priv.grant(system, li, {"scope": "grade", "grade": 2, "granted_on": "2026-01-10",
                            "approved_by": "医疗质量与安全管理委员会", "approved_on": "2026-01-08"})
    priv.grant(system, zs, {"scope": "grade", "grade": 1, "granted_on": "2026-01-10"})
    priv.grant(system, li, {"scope": "procedure", "codes": ["43.7x01"], "granted_on": "2026-01-10",
                            "valid_until": "2026-06-30"})
    priv.grant(system, li, {"scope": "procedure", "codes": ["43.7x01"], "granted_on": "2026-06-20"})
    a = priv.save_assessment(system, {
        "staff_id": li, "period_from": "2025-01-01", "period_to": "2025-12-31",
        "procedures": [{"code": "52.7x01", "cases": 14, "complications": 1}, {"code": "37.3401", "cases": 9}],
        "conclusion": "授予", "assessed_on": "2026-01-20", "assessors": "外科质量与安全管理小组",
        "approved_by": "医疗质量与安全管理委员会", "approved_on": "2026-02-01"})
    granted = {p.code: p for p in priv.apply_assessment(system, a.id)}
    priv.change_status(system, granted["37.3401"].id, "suspend", "2026-09-01", "术后出血不良事件，暂停待再评估")
    operations.record_operations(system, "手术记录.xlsx", "sha-1", [
        {"row": 2, "date": "2026-03-05", "patient_no": "Z001", "code": "52.7x01", "surgeon": "李四"},
        {"row": 3, "date": "2026-09-05", "patient_no": "Z002", "code": "37.3401", "surgeon": "李四"},
        {"row": 4, "date": "2026-10-05", "patient_no": "Z003", "code": "43.7x01", "surgeon": "张三"},
        {"row": 5, "date": "2026-10-06", "patient_no": "Z004", "code": "47.0901", "surgeon": "张三"},
    ])
    return {"li": li, "zs": zs, "assessment": a.id}


# ----------------------------------------------------------------------------- catalogue


def test_catalogue_for_public_display(system, hospital, book, tmp_path):
    catalogues.file_catalogue(system, book.id, "2026-01-05")
    snap = reports.catalogue_snapshot(system)  # the version in force today
    assert [s.title for s in snap.sections] == ["内科", "外科"]
    assert snap.summary() == "共 5 项：一级 1 项，二级 1 项，三级 1 项，四级 2 项；其中限制类技术 1 项，日间手术 1 项，微创/介入 2 项。"
    pdf = reports.write_catalogue_pdf(snap, tmp_path / "目录.pdf")
    text = readable(pdf)
    for part in ("手术分级管理目录霍山县人民医院", "目录版本手术分级管理目录（2026年版）", "生效日期2026年1月1日",
                 "备案已备案（2026年1月5日）", "批准已批准（医疗质量与安全管理委员会，2025年12月20日）",
                 "内科（1项）", "外科（4项）", "第1页共1页", "手术分级管理目录（2026年版）（已批准、已备案）"):
        assert part in text, part
    lines = rows_of(pdf)
    assert "137.3401经皮心内膜射频消融术四级√√" in lines  # 序号 编码 名称 级别 限制类 … 微创
    assert "451.2301腹腔镜下胆囊切除术二级√√" in lines  # 日间手术, 微创/介入
    assert text.index("内科（1项）") < text.index("外科（4项）")


def test_a_long_catalogue_repeats_its_header_and_a_draft_says_so(system, hospital, book, tmp_path):
    draft = catalogues.create_catalogue(system, {"name": "手术分级管理目录（2027 年版）"}, based_on_id=book.id)
    for i in range(60):
        catalogues.save_procedure(system, draft.id, {"code": f"54.{i:02d}01", "name": f"腹腔镜下示例手术第{i + 1}种",
                                                     "grade": 1 + i % 4, "department_id": hospital.departments["外科"]})
    pdf = reports.write_catalogue_pdf(reports.catalogue_snapshot(system, draft.id), tmp_path / "草稿.pdf")
    pages = [pdftools.squash(p) for p in pdftools.pages(pdf)]
    assert len(pages) >= 2
    assert all("序号手术编码手术名称级别" in p and f"共{len(pages)}页" in p for p in pages)
    assert "批准草稿（尚未批准）" in pages[0] and "依据版本手术分级管理目录（2026年版）（本版由其动态调整而来）" in pages[0]
    assert all("手术分级管理目录（2027年版）（草稿）" in p for p in pages)


def test_catalogue_workbook(system, hospital, book, tmp_path):
    snap = reports.catalogue_snapshot(system, book.id)
    wb = load_workbook(reports.write_catalogue_xlsx(snap, tmp_path / "目录.xlsx"))
    assert wb.sheetnames == ["手术分级管理目录", "目录信息"]
    ws = wb["手术分级管理目录"]
    rows = [r for r in ws.iter_rows(values_only=True)]
    header = rows.index(("序号", "手术编码", "手术名称", "手术级别", "科室", "专业", "限制类技术", "日间手术", "微创/介入", "备注"))
    assert rows[header + 1] == (1, "37.3401", "经皮心内膜射频消融术", "四级", "内科", None, "是", "否", "是", None)
    assert len(rows) - header - 1 == 5
    assert ws.page_setup.fitToWidth == 1 and ws.print_title_rows == f"${header + 1}:${header + 1}"
    info = {r[0]: r[1] for r in wb["目录信息"].iter_rows(values_only=True) if r[0]}
    assert info["目录版本"] == "手术分级管理目录（2026 年版）" and info["备案"] == "未备案"


def test_filing_list_is_grade_three_and_four_of_an_approved_version(system, hospital, book, tmp_path):
    draft = catalogues.create_catalogue(system, {"name": "2027 年版"}, based_on_id=book.id)
    with pytest.raises(errors.Conflict, match="尚未批准：报卫生健康行政部门备案的三、四级手术目录须为已批准的版本"):
        reports.filing_snapshot(system, draft.id)
    snap = reports.filing_snapshot(system, book.id)
    assert sorted(p.code for p in snap.procedures) == ["37.3401", "43.7x01", "52.7x01"]
    assert snap.grade_counts() == {3: 1, 4: 2}
    text = readable(reports.write_filing_pdf(snap, tmp_path / "备案.pdf"))
    for part in ("三、四级手术目录（备案）", "填报单位（盖章）：霍山县人民医院", "共3项：三级1项，四级2项；其中限制类技术1项",
                 "填报人：", "联系电话：", "审核人：", "单位负责人（签字）：", "日期：", "单位（盖章）：",
                 "本目录经医疗质量与安全管理委员会于2025年12月20日审议批准，自2026年1月1日起施行"):
        assert part in text, part
    assert "阑尾切除术" not in text and "腹腔镜下胆囊切除术" not in text
    wb = load_workbook(reports.write_filing_xlsx(snap, tmp_path / "备案.xlsx"))
    assert wb.sheetnames == ["三、四级手术目录（备案）", "目录信息"]


def test_adjustment_record_with_reasons_and_approval(system, hospital, book, tmp_path):
    draft = catalogues.create_catalogue(system, {"name": "手术分级管理目录（2027 年版）"}, based_on_id=book.id)
    procs = {p.code: p for p in catalogues.list_procedures(system, draft.id)}
    catalogues.delete_procedure(system, procs["47.0901"].id)
    catalogues.save_procedure(system, draft.id, {"code": "43.7x01", "name": "胃大部切除伴胃空肠吻合术", "grade": 4,
                                                 "department_id": hospital.departments["外科"]}, procs["43.7x01"].id)
    catalogues.save_procedure(system, draft.id, {"code": "54.5101", "name": "腹腔镜下肠粘连松解术", "grade": 3,
                                                 "department_id": hospital.departments["外科"]})
    catalogues.set_change_reason(system, draft.id, "43.7x01", "术后并发症发生率较高，升为四级")
    snap = reports.adjustment_snapshot(system, draft.id)
    assert snap.counts() == {"新增": 1, "删除": 1, "升级": 1, "降级": 0, "属性变化": 0}
    text = readable(reports.write_adjustment_pdf(snap, tmp_path / "调整.pdf"))
    for part in ("手术分级管理目录动态调整记录", "调整后版本手术分级管理目录（2027年版）", "调整前版本手术分级管理目录（2026年版）",
                 "共调整3项：新增1项，删除1项，升级1项；尚有2项未写明调整原因", "新增（1项）", "删除（1项）", "升级（1项）",
                 "（未写明原因）", "升为四级",
                 "审议批准：本次调整尚未经医疗质量与安全管理委员会审议批准", "委员会主任（签字）："):
        assert part in text, part
    catalogues.set_change_reason(system, draft.id, "47.0901", "近三年未开展")
    catalogues.set_change_reason(system, draft.id, "54.5101", "新开展技术")
    catalogues.approve_catalogue(system, draft.id, "医疗质量与安全管理委员会", "2026-11-20", "2027-01-01")
    snap = reports.adjustment_snapshot(system, draft.id)
    assert snap.approval_line() == "审议批准：经医疗质量与安全管理委员会于2026年11月20日审议批准，自2027年1月1日起施行。"
    wb = load_workbook(reports.write_adjustment_xlsx(snap, tmp_path / "调整.xlsx"))
    rows = [r for r in wb["动态调整"].iter_rows(values_only=True) if isinstance(r[0], int)]
    assert [(r[1], r[2], r[6]) for r in rows] == [("新增", "54.5101", "新开展技术"), ("删除", "47.0901", "近三年未开展"),
                                                  ("升级", "43.7x01", "术后并发症发生率较高，升为四级")]
    with pytest.raises(errors.ValidationError, match="不是由其他版本调整而来"):
        reports.adjustment_snapshot(system, book.id)


# ----------------------------------------------------------------------------- a surgeon


def test_authorisation_lists_what_is_in_force_and_names_what_is_not(system, hospital, book, surgeons, tmp_path):
    snap = reports.surgeon_snapshot(system, surgeons["li"])
    assert snap.scope_text() == "授权至二级手术；三级手术 1 项；四级手术 1 项"
    pdf = reports.write_authorisation_pdf(snap, tmp_path / "授权书.pdf")
    assert len(pdftools.pages(pdf)) == 1
    text = readable(pdf)
    for part in ("手术授权书", "姓名李四工号D002", "科室外科职称副主任医师", "执业证书编号110340000012346",
                 "授予李四同志以下手术权限", "授权至二级手术（含一级）2026-01-102028-01-09—2026-01-08",
                 "143.7x01胃大部切除伴胃空肠吻合术2026-06-202028-06-19——", "152.7x01胰十二指肠切除术2026-02-012027-01-312026-01-202026-02-01",
                 "以下授权目前不可使用，未列入上表：经皮心内膜射频消融术（37.3401，四级）自2026-09-01暂停（术后出血不良事件，暂停待再评估）",
                 "医务科（盖章）", "医疗质量与安全管理委员会（盖章）", "院长（签字）", "被授权人（签字）", "李四（D002）手术授权书"):
        assert part in text, part
    assert text.count("37.3401") == 1  # only in the note


def test_technical_file_keeps_the_history_assessments_and_operations(system, hospital, book, surgeons, tmp_path):
    snap = reports.surgeon_snapshot(system, surgeons["li"])
    assert [(o.code, o.operations, o.unprivileged) for o in snap.operations] == [("37.3401", 1, 1), ("52.7x01", 1, 0)]
    text = readable(reports.write_technical_file_pdf(snap, tmp_path / "档案.pdf"))
    for part in ("手术医师个人技术档案（摘要）", "现行授权授权至二级手术；三级手术1项；四级手术1项（截至2026年11月23日）",
                 "一、现行授权", "二、授权记录（含已替代、暂停、取消）", "已替代", "2026-06-20", "暂停",
                 "三、能力评估", "2026-01-20", "授予", "胰十二指肠切除术（14/1）", "9/0）",
                 "四、近12个月三、四级手术（2025-11-24至2026-11-23，据已导入的手术记录）", "经办人：", "审核人："):
        assert part in text, part
    wb = load_workbook(reports.write_surgeon_xlsx(snap, tmp_path / "授权.xlsx"))
    assert wb.sheetnames == ["现行授权", "授权记录", "能力评估", "近12个月三四级手术"]
    current = [r for r in wb["现行授权"].iter_rows(values_only=True) if r[1] in ("二级", "三级", "四级")]
    assert sorted(r[2] or "" for r in current) == ["", "43.7x01", "52.7x01"]
    history = [r for r in wb["授权记录"].iter_rows(values_only=True) if r[1] in ("二级", "三级", "四级")]
    assert sorted(r[5] for r in history) == ["已替代", "暂停", "有效", "有效", "有效"]


def test_authorisation_of_a_surgeon_without_grants(system, hospital, book, tmp_path):
    snap = reports.surgeon_snapshot(system, hospital.staff["张三"])
    text = readable(reports.write_authorisation_pdf(snap, tmp_path / "z.pdf"))
    assert "（无一、二级手术授权）" in text and "（无三级手术授权）" in text and "（无四级手术授权）" in text


# ----------------------------------------------------------------------------- lists


def test_authorised_surgeons_by_department_for_the_theatre(system, hospital, book, surgeons, tmp_path):
    snap = reports.authorised_snapshot(system)
    by_code = {line.procedure.code: [h.name for h in line.holders] for line in snap.lines}
    assert by_code == {"37.3401": [], "43.7x01": ["李四"], "52.7x01": ["李四"]}  # 37.3401 is suspended
    surgery = next(s for s in snap.sections if s.title == "外科")
    assert [(g, [h.name for h in hs]) for g, hs in surgery.grade_holders] == [(2, ["李四"])]
    lines = rows_of(reports.write_authorised_pdf(snap, tmp_path / "名单.pdf"))
    assert "137.3401经皮心内膜射频消融术四级无授权医师" in lines
    assert "一、二级手术（按级别授权）授权至一级：张三（2028-01-09）" in lines
    assert any(line.endswith("四级李四（2027-01-31）") and "52.7x01" in line for line in lines)
    only = reports.authorised_snapshot(system, hospital.departments["内科"], "2026-08-01")
    assert [s.title for s in only.sections] == ["内科"] and only.lines[0].holders[0].name == "李四"
    wb = load_workbook(reports.write_authorised_xlsx(snap, tmp_path / "名单.xlsx"))
    assert wb.sheetnames == ["三四级手术授权医师", "一二级手术按级别授权"]
    rows = [r for r in wb["三四级手术授权医师"].iter_rows(values_only=True) if r[1] and r[1][:1].isdigit()]
    assert [(r[1], r[4], r[9]) for r in rows] == [("37.3401", None, "无授权医师"), ("43.7x01", "李四", None),
                                                  ("52.7x01", "李四", "能力评估 2026-01-20")]


def test_unprivileged_operations_and_the_performance_rate(system, hospital, book, surgeons, tmp_path):
    catalogues.file_catalogue(system, book.id, "2026-01-05")
    snap = reports.unprivileged_snapshot(system, "2026-01-01", "2026-11-23")
    assert [(o.patient_no, o.surgeon, o.finding) for o in snap.operations] == [
        ("Z002", "李四", "授权已于 2026-09-01 暂停"), ("Z003", "张三", "三级手术，该医师未获此项授权")]
    assert snap.performance_text().endswith(
        "三、四级手术实际开展率 = 实际开展的三、四级术种 3 个 ÷ 备案的三、四级术种 3 个 = 100.0%（备案目录：手术分级管理目录（2026 年版））。")
    pdf = reports.write_unprivileged_pdf(snap, tmp_path / "越权.pdf")
    text = readable(pdf, size=(A4[1], A4[0]))
    assert "统计期间全院手术4例（其中三、四级手术3例），越权手术2例" in text and "全院越权手术2例" in text
    assert "授权已于2026-09-01暂停" in text
    surgery_only = reports.unprivileged_snapshot(system, "2026-01-01", "2026-11-23", hospital.departments["内科"])
    assert [o.surgeon for o in surgery_only.operations] == ["张三"]
    wb = load_workbook(reports.write_unprivileged_xlsx(snap, tmp_path / "越权.xlsx"))
    assert wb.sheetnames == ["越权手术", "开展率"]
    facts = {r[0]: r[1] for r in wb["开展率"].iter_rows(values_only=True) if r[0]}
    assert facts["三、四级手术实际开展率"] == "100.0%" and facts["越权手术例数"] == 2


def test_progress_is_reported_and_a_cancelled_printout_leaves_no_file(system, hospital, book, surgeons, tmp_path):
    from desktop_app.errors import Cancelled

    seen = []
    reports.write_authorised_xlsx(reports.authorised_snapshot(system), tmp_path / "名单.xlsx",
                                  progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1][0] == seen[-1][1]

    def cancel(done, total):
        if done:
            raise Cancelled()
    with pytest.raises(Cancelled):
        reports.write_catalogue_pdf(reports.catalogue_snapshot(system, book.id), tmp_path / "目录.pdf", progress=cancel)
    assert not (tmp_path / "目录.pdf").exists() and not list(tmp_path.glob("~*"))
