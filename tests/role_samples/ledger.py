"""问题台账: what the role-matrix test calls (see tests/role_samples/__init__.py)."""
from __future__ import annotations

import desktop_app.session  # noqa: F401 - samples call desktop_app.session.SYSTEM_ACTOR
from tests.role_samples import OTHER


def build(system, h, users, folder) -> dict:
    """Items of 内科 in every status, an inspection of 内科, an attachment, a checklist of our own."""
    from desktop_app.ledger import checklists, inspections
    from desktop_app.ledger import service as ledger

    def item(description):
        return ledger.register_item(system, {
            "found_on": "2026-11-01", "deadline": "2026-11-30", "source": "自查", "category": "查对制度",
            "description": description, "department_id": h.departments["内科"]}).id

    answer = {"cause_analysis": "a", "measures": "b", "responsible_person": "c"}
    out = {"pending": item("待整改的问题"), "in_progress": item("整改中的问题"), "awaiting": item("待复查的问题"),
           "closed": item("已销号的问题")}
    for key in ("in_progress", "awaiting", "closed"):
        ledger.save_rectification(system, out[key], answer)
    for key in ("awaiting", "closed"):
        ledger.submit_for_recheck(system, out[key], {"progress": "done"})
    ledger.recheck(system, out["closed"], {"recheck_opinion": "ok", "rechecker": "r", "recheck_on": "2026-11-23"},
                   passed=True)
    photo = folder / "整改照片.png"
    photo.write_bytes(b"\x89PNG\r\n" + b"0" * 64)
    out["photo"] = photo
    out["attachment"] = ledger.add_attachment(system, out["in_progress"], photo).id
    core = next(c for c in checklists.list_checklists(system) if c.kind == "核心制度")
    out["checklist"] = core.id
    out["checklist_item"] = checklists.list_items(system, core.id)[0].id
    out["inspection"] = inspections.create_inspection(system, {
        "type": "全院半年自查", "inspected_on": "2026-11-10", "inspectors": "周明", "checklist_id": core.id,
        "department_ids": [h.departments["内科"], h.departments["外科"]]}).id
    out["ward_inspection"] = inspections.create_inspection(system, {
        "type": "科室月度自查", "inspected_on": "2026-11-12", "inspectors": "王芳", "checklist_id": core.id,
        "department_ids": [h.departments["内科一病区"]]}).id
    # 外科's records, for the other-department calls
    surgery = h.departments["外科"]
    out["other_pending"] = ledger.register_item(system, {
        "found_on": "2026-11-01", "deadline": "2026-11-30", "source": "自查", "category": "查对制度",
        "description": f"{OTHER}手术部位未标记", "department_id": surgery}).id
    out["other_in_progress"] = ledger.register_item(system, {
        "found_on": "2026-11-02", "deadline": "2026-11-30", "source": "自查", "category": "查对制度",
        "description": f"{OTHER}术前讨论记录缺失", "department_id": surgery}).id
    ledger.save_rectification(system, out["other_in_progress"], answer)
    out["other_attachment"] = ledger.add_attachment(system, out["other_in_progress"], photo).id
    out["other_inspection"] = inspections.create_inspection(system, {
        "type": "科室月度自查", "inspected_on": "2026-11-13", "inspectors": "李四", "checklist_id": core.id,
        "title": f"{OTHER}月度自查", "department_ids": [surgery]}).id
    own = checklists.create_checklist(system, {"name": "本院院感检查表", "version": "2026"}, ["手卫生"])
    out["own_checklist"] = own.id
    out["own_category"] = checklists.list_categories(system, own.id)[0].id
    out["own_item"] = checklists.add_item(system, own.id, {"category_id": out["own_category"], "text": "洗手"})
    return out


def samples(ctx):
    from desktop_app.ledger import checklists, excel_io, inspections, reports, stats
    from desktop_app.ledger import service as ledger
    from desktop_app.ledger.models import LedgerFilter
    from tests.excel.files import write_xlsx

    h, lg = ctx["hospital"], ctx["ledger"]

    def ledger_file():
        return write_xlsx(ctx["path"].parent / "台账导入.xlsx",
                          [["发现日期", "问题描述", "责任科室"], ["2026-11-02", "交班本缺页", "内科"]])

    def ledger_plan(s):
        return excel_io.preview_ledger_import(s.as_actor(desktop_app.session.SYSTEM_ACTOR), ledger_file())
    done = {"recheck_opinion": "已落实", "rechecker": "周明", "recheck_on": "2026-11-23"}
    answer = {"cause_analysis": "制度培训不到位", "measures": "重新培训并考核", "responsible_person": "张三"}
    return {
        "ledger.checklists.list_checklists": lambda s: checklists.list_checklists(s),
        "ledger.checklists.category_names": lambda s: checklists.category_names(s),
        "ledger.checklists.get_checklist": lambda s: checklists.get_checklist(s, lg["checklist"]),
        "ledger.checklists.list_categories": lambda s: checklists.list_categories(s, lg["checklist"]),
        "ledger.checklists.list_items": lambda s: checklists.list_items(s, lg["checklist"]),
        "ledger.checklists.create_checklist": lambda s: checklists.create_checklist(
            s, {"name": "院感专项检查表", "version": "2026"}, ["手卫生", "医疗废物"]),
        "ledger.checklists.new_version": lambda s: checklists.new_version(s, lg["checklist"], "2027"),
        "ledger.checklists.add_item": lambda s: checklists.add_item(
            s, lg["own_checklist"], {"category_id": lg["own_category"], "text": "是否按规定洗手", "deduction": 1}),
        "ledger.checklists.update_item": lambda s: checklists.update_item(s, lg["own_item"], {"deduction": 2}),
        "ledger.checklists.set_checklist_active": lambda s: checklists.set_checklist_active(s, lg["own_checklist"], False),
        "ledger.service.list_items": lambda s: ledger.list_items(s),
        "ledger.service.reachable_departments": lambda s: ledger.reachable_departments(s),
        "ledger.service.count_items": lambda s: ledger.count_items(s, LedgerFilter(overdue=True)),
        "ledger.service.get_item": lambda s: ledger.get_item(s, lg["pending"]),
        "ledger.service.timeline": lambda s: ledger.timeline(s, lg["pending"]),
        "ledger.service.list_attachments": lambda s: ledger.list_attachments(s, lg["in_progress"]),
        "ledger.service.attachment_content": lambda s: ledger.attachment_content(s, lg["attachment"]),
        "ledger.service.register_item": lambda s: ledger.register_item(s, {
            "found_on": "2026-11-20", "deadline": "2026-12-20", "source": "科室自查", "category": "查对制度",
            "description": "输液前未双人核对", "department_id": h.departments["内科一病区"]}),
        "ledger.service.update_registration": lambda s: ledger.update_registration(
            s, lg["pending"], {"severity": "严重"}),
        "ledger.service.delete_item": lambda s: ledger.delete_item(s, lg["pending"]),
        "ledger.service.save_rectification": lambda s: ledger.save_rectification(s, lg["pending"], answer),
        "ledger.service.submit_for_recheck": lambda s: ledger.submit_for_recheck(
            s, lg["in_progress"], {"progress": "已培训 32 人"}),
        "ledger.service.recheck": lambda s: ledger.recheck(s, lg["awaiting"], done, passed=True),
        "ledger.service.reopen": lambda s: ledger.reopen(s, lg["closed"], "再次发现"),
        "ledger.service.add_attachment": lambda s: ledger.add_attachment(s, lg["in_progress"], lg["photo"]),
        "ledger.service.remove_attachment": lambda s: ledger.remove_attachment(s, lg["attachment"]),
        "ledger.inspections.list_types": lambda s: inspections.list_types(s),
        "ledger.inspections.add_type": lambda s: inspections.add_type(s, "院长行政查房", "自查"),
        "ledger.inspections.list_inspections": lambda s: inspections.list_inspections(s),
        "ledger.inspections.get_inspection": lambda s: inspections.get_inspection(s, lg["inspection"]),
        "ledger.inspections.create_inspection": lambda s: inspections.create_inspection(s, {
            "type": "科室月度自查", "inspected_on": "2026-11-20", "inspectors": "张三",
            "checklist_id": lg["checklist"], "department_ids": [h.departments["内科"]]}),
        "ledger.inspections.results_for": lambda s: inspections.results_for(s, lg["inspection"], h.departments["内科"]),
        "ledger.inspections.record_results": lambda s: inspections.record_results(
            s, lg["inspection"], h.departments["内科"], [{"item_id": lg["checklist_item"], "result": "不符合"}]),
        "ledger.inspections.complete_inspection": lambda s: inspections.complete_inspection(s, lg["ward_inspection"]),
        "ledger.inspections.department_scores": lambda s: inspections.department_scores(s, lg["inspection"]),
        "ledger.stats.ledger_stats": lambda s: stats.ledger_stats(s),
        "ledger.reports.ledger_snapshot": lambda s: reports.ledger_snapshot(s, LedgerFilter(status="未销号")),
        "ledger.reports.notice_snapshot": lambda s: reports.notice_snapshot(s, [lg["pending"], lg["in_progress"]]),
        "ledger.excel_io.export_ledger_template": lambda s: excel_io.export_ledger_template(
            s, ctx["path"].parent / "问题台账导入模板.xlsx"),
        "ledger.excel_io.preview_ledger_import": lambda s: excel_io.preview_ledger_import(s, ledger_file()),
        "ledger.excel_io.apply_ledger_import": lambda s: excel_io.apply_ledger_import(s, ledger_plan(s)),
    }


# The checklists are the hospital's; everyone who may look at the ledger reads them.
HOSPITAL_WIDE = {
    "ledger.checklists.list_checklists", "ledger.checklists.get_checklist", "ledger.checklists.list_categories",
    "ledger.checklists.list_items", "ledger.checklists.category_names", "ledger.inspections.list_types",
    "ledger.excel_io.export_ledger_template",
}


def other_department(ctx):
    from desktop_app.ledger import excel_io, inspections, reports, stats  # noqa: F401
    from desktop_app.ledger import service as ledger
    from desktop_app.ledger.models import LedgerFilter

    h, lg = ctx["hospital"], ctx["ledger"]
    surgery = h.departments["外科"]
    answer = {"cause_analysis": "a", "measures": "b", "responsible_person": "c"}
    return {
        "ledger.service.reachable_departments": lambda s: (
            OTHER if (r := ledger.reachable_departments(s)) is None or surgery in r else r),
        "ledger.service.list_items": lambda s: ledger.list_items(s),
        "ledger.service.count_items": lambda s: OTHER if ledger.count_items(s, LedgerFilter(department_id=surgery)) else 0,
        "ledger.service.get_item": lambda s: ledger.get_item(s, lg["other_pending"]),
        "ledger.service.timeline": lambda s: ledger.timeline(s, lg["other_pending"]),
        "ledger.service.list_attachments": lambda s: ledger.list_attachments(s, lg["other_in_progress"]),
        "ledger.service.attachment_content": lambda s: ledger.attachment_content(s, lg["other_attachment"]),
        "ledger.service.register_item": lambda s: ledger.register_item(s, {
            "found_on": "2026-11-20", "deadline": "2026-12-20", "source": "科室自查", "category": "查对制度",
            "description": "术前未核对", "department_id": surgery}),
        "ledger.service.save_rectification": lambda s: ledger.save_rectification(s, lg["other_pending"], answer),
        "ledger.service.submit_for_recheck": lambda s: ledger.submit_for_recheck(
            s, lg["other_in_progress"], {"progress": "已整改"}),
        "ledger.service.add_attachment": lambda s: ledger.add_attachment(s, lg["other_in_progress"], lg["photo"]),
        "ledger.service.remove_attachment": lambda s: ledger.remove_attachment(s, lg["other_attachment"]),
        "ledger.inspections.list_inspections": lambda s: inspections.list_inspections(s),
        "ledger.inspections.get_inspection": lambda s: inspections.get_inspection(s, lg["other_inspection"]),
        "ledger.inspections.create_inspection": lambda s: inspections.create_inspection(s, {
            "type": "科室月度自查", "inspected_on": "2026-11-20", "inspectors": "张三",
            "checklist_id": lg["checklist"], "department_ids": [surgery]}),
        "ledger.inspections.results_for": lambda s: inspections.results_for(s, lg["inspection"], surgery),
        "ledger.inspections.record_results": lambda s: inspections.record_results(
            s, lg["inspection"], surgery, [{"item_id": lg["checklist_item"], "result": "不符合"}]),
        "ledger.inspections.complete_inspection": lambda s: inspections.complete_inspection(s, lg["inspection"]),
        "ledger.inspections.department_scores": lambda s: [
            OTHER for score in inspections.department_scores(s, lg["inspection"]) if score.department_id == surgery],
        "ledger.stats.ledger_stats": lambda s: [OTHER for name, _ in stats.ledger_stats(s).by_department if name == "外科"],
        "ledger.reports.ledger_snapshot": lambda s: reports.ledger_snapshot(s),
        "ledger.reports.notice_snapshot": lambda s: reports.notice_snapshot(s, [lg["other_pending"]]),
    }
