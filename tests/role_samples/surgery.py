"""手术分级与授权: what the role-matrix test calls (see tests/role_samples/__init__.py)."""
from __future__ import annotations

import desktop_app.session  # noqa: F401 - samples call desktop_app.session.SYSTEM_ACTOR
from tests.role_samples import OTHER


def build(system, h, users, folder) -> dict:
    """An approved catalogue in force since 2026-01-01, a draft made from it, a grant, an approved assessment."""
    from desktop_app.surgery import catalogue as cat
    from desktop_app.surgery import privileges as priv

    book = cat.create_catalogue(system, {"name": "2026 年版", "effective_date": "2026-01-01"})
    for code, name, grade in (("47.0901", "阑尾切除术", 1), ("43.7x01", "胃大部切除伴胃空肠吻合术", 3)):
        cat.save_procedure(system, book.id, {"code": code, "name": name, "grade": grade})
    cat.approve_catalogue(system, book.id, "医疗质量与安全管理委员会", "2025-12-20", "2026-01-01")
    draft = cat.create_catalogue(system, {"name": "2027 年版"}, based_on_id=book.id)
    gone = next(p for p in cat.list_procedures(system, draft.id) if p.code == "47.0901")
    cat.delete_procedure(system, gone.id)
    spare = cat.save_procedure(system, draft.id, {"code": "01.0101", "name": "待删手术", "grade": 1})
    cat.set_change_reason(system, draft.id, "47.0901", "本院已停止开展")
    cat.set_change_reason(system, draft.id, "01.0101", "新开展")
    li = h.staff["李四"]
    (grant,) = priv.grant(system, li, {"scope": "procedure", "codes": ["43.7x01"], "granted_on": "2026-02-01"})
    assessment = priv.save_assessment(system, {
        "staff_id": li, "period_from": "2026-01-01", "period_to": "2026-06-30", "procedures": [{"code": "43.7x01"}],
        "conclusion": "维持", "assessed_on": "2026-07-01", "approved_by": "委员会", "approved_on": "2026-07-10"})
    # 外科's records: 李四 is 外科's surgeon; an operation of his without a grant, its patient marked OTHER
    from desktop_app.surgery import operations as ops

    ops.record_operations(system, "外科手术记录.xlsx", "other", [
        {"row": 2, "date": "2026-03-05", "patient_no": f"{OTHER}Z9", "code": "47.0901", "surgeon": "李四"}])
    return {"book": book.id, "draft": draft.id, "draft_procedure": spare.id, "grant": grant.id,
            "assessment": assessment.id}


def samples(ctx):
    from desktop_app.surgery import catalogue as cat
    from desktop_app.surgery import operations as ops
    from desktop_app.surgery import privileges as priv

    h, sg = ctx["hospital"], ctx["surgery"]
    li = h.staff["李四"]
    log = [{"row": 2, "date": "2026-03-05", "patient_no": "Z1", "code": "43.7x01", "surgeon": "李四"}]
    return {
        "surgery.catalogue.list_catalogues": lambda s: cat.list_catalogues(s),
        "surgery.catalogue.get_catalogue": lambda s: cat.get_catalogue(s, sg["book"]),
        "surgery.catalogue.catalogue_in_force": lambda s: cat.catalogue_in_force(s),
        "surgery.catalogue.create_catalogue": lambda s: cat.create_catalogue(s, {"name": "2027 年版"}, sg["book"]),
        "surgery.catalogue.update_catalogue": lambda s: cat.update_catalogue(s, sg["draft"], {"notes": "说明"}),
        "surgery.catalogue.approve_catalogue": lambda s: cat.approve_catalogue(
            s, sg["draft"], "医疗质量与安全管理委员会", "2026-11-20", "2027-01-01"),
        "surgery.catalogue.file_catalogue": lambda s: cat.file_catalogue(s, sg["book"], "2026-01-05"),
        "surgery.catalogue.save_procedure": lambda s: cat.save_procedure(
            s, sg["draft"], {"code": "81.5101", "name": "全髋关节置换术", "grade": 4}),
        "surgery.catalogue.delete_procedure": lambda s: cat.delete_procedure(s, sg["draft_procedure"]),
        "surgery.catalogue.list_procedures": lambda s: cat.list_procedures(s, sg["book"]),
        "surgery.catalogue.search_procedures": lambda s: cat.search_procedures(s, sg["book"], "胃"),
        "surgery.catalogue.differences": lambda s: cat.differences(s, sg["draft"]),
        "surgery.catalogue.set_change_reason": lambda s: cat.set_change_reason(s, sg["draft"], "47.0901", "停止开展"),
        "surgery.privileges.grant": lambda s: priv.grant(s, li, {"scope": "grade", "grade": 2}),
        "surgery.privileges.change_status": lambda s: priv.change_status(s, sg["grant"], "suspend", None, "不良事件"),
        "surgery.privileges.save_assessment": lambda s: priv.save_assessment(s, {
            "staff_id": li, "period_from": "2026-01-01", "period_to": "2026-06-30", "grade": 2, "conclusion": "维持"}),
        "surgery.privileges.apply_assessment": lambda s: priv.apply_assessment(s, sg["assessment"]),
        "surgery.privileges.list_assessments": lambda s: priv.list_assessments(s, "2026-01-01", "2026-12-31"),
        "surgery.privileges.surgeon_card": lambda s: priv.surgeon_card(s, li),
        "surgery.privileges.surgeons": lambda s: priv.surgeons(s),
        "surgery.privileges.lapsing": lambda s: priv.lapsing(s),
        "surgery.privileges.authorised_surgeons": lambda s: priv.authorised_surgeons(s, "43.7x01"),
        "surgery.privileges.title_report": lambda s: priv.title_report(s),
        "surgery.operations.check_operations": lambda s: ops.check_operations(s, log),
        "surgery.operations.record_operations": lambda s: ops.record_operations(s, "手术.xlsx", "sha", log),
        "surgery.operations.unprivileged": lambda s: [dict(r) for r in ops.unprivileged(  # rows show their text
            s, "2026-01-01", "2026-12-31")],
        "surgery.operations.performance": lambda s: ops.performance(s, "2026-01-01", "2026-12-31"),
        **surgery_output_samples(ctx),
    }


def surgery_output_samples(ctx):
    from desktop_app.surgery import excel_io, reports
    from tests.excel.files import write_xlsx

    h, sg = ctx["hospital"], ctx["surgery"]
    folder = ctx["path"].parent
    system = desktop_app.session.SYSTEM_ACTOR

    def catalogue_file():
        return write_xlsx(folder / "手术分级目录.xlsx", [
            ["手术编码", "手术名称", "手术级别"], ["外科"], ["51.2301", "腹腔镜下胆囊切除术", "三级"]], merges=["A2:C2"])

    def log_file():
        return write_xlsx(folder / "手术记录.xlsx", [
            ["手术日期", "住院号", "手术编码", "主刀医师"], ["2026-03-05", "Z1", "43.7x01", "李四"]])

    return {
        "surgery.reports.catalogue_snapshot": lambda s: reports.catalogue_snapshot(s, sg["book"]),
        "surgery.reports.filing_snapshot": lambda s: reports.filing_snapshot(s, sg["book"]),
        "surgery.reports.adjustment_snapshot": lambda s: reports.adjustment_snapshot(s, sg["draft"]),
        "surgery.reports.surgeon_snapshot": lambda s: reports.surgeon_snapshot(s, h.staff["李四"]),
        "surgery.reports.authorised_snapshot": lambda s: reports.authorised_snapshot(s),
        "surgery.reports.unprivileged_snapshot": lambda s: reports.unprivileged_snapshot(s, "2026-01-01", "2026-12-31"),
        "surgery.excel_io.write_catalogue_template": lambda s: excel_io.write_catalogue_template(
            s, folder / "手术分级目录导入模板.xlsx"),
        "surgery.excel_io.preview_catalogue_import": lambda s: excel_io.preview_catalogue_import(
            s, catalogue_file(), into=sg["draft"]),
        "surgery.excel_io.apply_catalogue_import": lambda s: excel_io.apply_catalogue_import(
            s, excel_io.preview_catalogue_import(s.as_actor(system), catalogue_file(), into=sg["draft"])),
        "surgery.excel_io.preview_operations_import": lambda s: excel_io.preview_operations_import(s, log_file()),
        "surgery.excel_io.apply_operations_import": lambda s: excel_io.apply_operations_import(
            s, excel_io.preview_operations_import(s.as_actor(system), log_file())),
    }


# Everything a 科室负责人 or a clinician may call here is the hospital's, as the README's role table says
# (查看手术分级目录、手术授权与授权医师名单: ✓ for both, not 本科室):
HOSPITAL_WIDE = {
    # the catalogue and its printouts are published to every clinician (院务公开)
    "surgery.catalogue.list_catalogues", "surgery.catalogue.get_catalogue", "surgery.catalogue.catalogue_in_force",
    "surgery.catalogue.list_procedures", "surgery.catalogue.search_procedures", "surgery.catalogue.differences",
    "surgery.reports.catalogue_snapshot", "surgery.reports.filing_snapshot", "surgery.reports.adjustment_snapshot",
    # the 授权医师名单: the theatre nurse checks who may operate, whatever the surgeon's department
    "surgery.privileges.authorised_surgeons", "surgery.reports.authorised_snapshot",
    # the surgeons' cards (grants in force, history, assessments) and their printouts (授权书, 技术档案)
    "surgery.privileges.surgeons", "surgery.privileges.surgeon_card", "surgery.reports.surgeon_snapshot",
    # what the cards show, across the hospital: assessments, lapsing grants, grants against titles
    "surgery.privileges.list_assessments", "surgery.privileges.lapsing", "surgery.privileges.title_report",
    # the 授权核查 page every clinician may open (the theatre nurse included: tests/ui/test_surgery_pages.py):
    # a log checked against the grants, the 越权手术 and the hospital's 三、四级手术实际开展率
    "surgery.operations.check_operations", "surgery.operations.unprivileged", "surgery.operations.performance",
    "surgery.reports.unprivileged_snapshot",
}


def other_department(ctx):
    """外科's surgeon and records, asked for by name: hospital-wide, so never refused (the test checks)."""
    from desktop_app.surgery import operations as ops
    from desktop_app.surgery import privileges as priv
    from desktop_app.surgery import reports

    h = ctx["hospital"]
    li, surgery = h.staff["李四"], h.departments["外科"]
    return {
        "surgery.privileges.surgeon_card": lambda s: priv.surgeon_card(s, li),
        "surgery.reports.surgeon_snapshot": lambda s: reports.surgeon_snapshot(s, li),
        "surgery.reports.authorised_snapshot": lambda s: reports.authorised_snapshot(s, surgery),
        "surgery.privileges.authorised_surgeons": lambda s: priv.authorised_surgeons(s, "43.7x01"),
        "surgery.operations.unprivileged": lambda s: [dict(r) for r in ops.unprivileged(  # rows show their text
            s, "2026-01-01", "2026-12-31")],
        "surgery.reports.unprivileged_snapshot": lambda s: reports.unprivileged_snapshot(
            s, "2026-01-01", "2026-12-31", surgery),
    }
