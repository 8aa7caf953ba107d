"""Every service action, called by every role: refused exactly when the role table says so.

The expected table below is the one printed in the README ("角色与权限"); when a module adds an
action it must add a sample call here, or ``test_every_action_has_a_sample`` fails.
"""
import shutil

import pytest

import desktop_app.services  # noqa: F401 - fills the registry
from desktop_app import errors
from desktop_app.accounts import service as accounts
from desktop_app.accounts.permissions import ACTIONS, USER_ROLES, Role
from desktop_app.backup import service as backups
from desktop_app.session import Session
from desktop_app.storage.database import open_database

ROSTER_ALL = {"roster.view", "roster.setup", "roster.plan", "roster.publish", "roster.revise", "roster.export"}
ROSTER_READ = {"roster.view", "roster.export"}
LEDGER = {"ledger.view", "ledger.register", "ledger.rectify", "ledger.verify", "ledger.manage", "ledger.export",
          "inspections.record", "checklists.manage"}
HANDOVER_WRITE = {"handover.view", "handover.write"}
HANDOVER_ALL = HANDOVER_WRITE | {"handover.all", "handover.setup"}
TRAINING_ALL = {"training.view", "training.record", "training.setup"}
SURGERY_ALL = {"surgery.view", "surgery.catalogue", "surgery.privileges", "surgery.operations"}
SUBMISSION_ALL = {"submission.view", "submission.edit", "submission.finalize"}
EXPECTED = {
    Role.ADMIN: {"account.self", "people.view", "people.edit", "departments.edit", "people.import",
                 "people.export", "users.manage", "hospital.edit", "settings.edit", "backup.create",
                 "backup.restore", "audit.view"} | LEDGER | ROSTER_ALL | HANDOVER_ALL | TRAINING_ALL | SURGERY_ALL
    | SUBMISSION_ALL,
    Role.QUALITY: {"account.self", "people.view", "people.edit", "departments.edit", "people.import",
                   "people.export", "backup.create", "submission.view", "submission.edit"} | LEDGER | ROSTER_ALL
    | HANDOVER_ALL | TRAINING_ALL | SURGERY_ALL,
    Role.LEADER: {"account.self", "people.view", "people.export", "ledger.view", "ledger.export",
                  "handover.view", "training.view", "surgery.view", "submission.view",
                  "submission.finalize"} | ROSTER_READ,
    Role.DEPT_HEAD: {"account.self", "people.view", "people.edit", "people.export", "ledger.view",
                     "ledger.register", "ledger.rectify", "ledger.export", "inspections.record",
                     "roster.plan", "roster.revise", "handover.setup", "training.view",
                     "training.record", "surgery.view"} | ROSTER_READ | HANDOVER_WRITE,
    Role.CLINICIAN: {"account.self", "people.view", "surgery.view"} | ROSTER_READ | HANDOVER_WRITE,
    Role.READONLY: {"account.self", "people.view", "people.export", "ledger.view", "ledger.export",
                    "handover.view", "training.view", "surgery.view", "submission.view"} | ROSTER_READ,
}


def samples(ctx):
    """action name -> a call with realistic arguments (ctx gives ids from the template)."""
    from desktop_app.people.service import StaffFilter
    from desktop_app.people import reports as people_reports

    h = ctx["hospital"]
    people_excel = desktop_app.services.people_excel

    def staff_file(s):
        """The roster exported by the system into the template's folder, for the import samples."""
        path = ctx["path"].parent / "人员名册.xlsx"
        people_excel.export_staff_xlsx(s.as_actor(desktop_app.session.SYSTEM_ACTOR), path)
        return path

    def staff_plan(s):
        return people_excel.preview_staff_import(s.as_actor(desktop_app.session.SYSTEM_ACTOR), staff_file(s))

    return {
        "accounts.service.change_own_password": lambda s: accounts.change_own_password(s, "Passw0rd1", "Newpass2026"),
        "accounts.service.list_users": lambda s: accounts.list_users(s),
        "accounts.service.create_user": lambda s: accounts.create_user(
            s, {"username": "newuser", "display_name": "新用户", "role": "readonly"}, "Passw0rd1"),
        "accounts.service.update_user": lambda s: accounts.update_user(s, ctx["reader_id"], {"display_name": "改名"}),
        "accounts.service.reset_password": lambda s: accounts.reset_password(s, ctx["reader_id"], "Reset2026x"),
        "accounts.service.unlock_user": lambda s: accounts.unlock_user(s, ctx["reader_id"]),
        "accounts.service.search_audit": lambda s: accounts.search_audit(s, accounts.AuditFilter()),
        "accounts.service.audit_actor_names": lambda s: accounts.audit_actor_names(s),
        "accounts.service.verify_audit": lambda s: accounts.verify_audit(s),
        "backup.actions.list_backups": lambda s: desktop_app.services.backup.list_backups(s),
        "backup.actions.backup_now": lambda s: desktop_app.services.backup.backup_now(s),
        "backup.actions.restore_from_backup": lambda s: desktop_app.services.backup.restore_from_backup(
            s, backups.list_backups(s.db.path)[0]),
        "hospital.service.save_profile": lambda s: desktop_app.services.hospital.save_profile(
            s, {"name": "霍山县人民医院", "level": "二级甲等", "region": "安徽省六安市霍山县", "phone": "0564-1234567"}),
        "hospital.service.save_settings": lambda s: desktop_app.services.hospital.save_settings(
            s, {"backup.keep_days": 60}),
        "people.service.list_departments": lambda s: desktop_app.services.people.list_departments(s),
        "people.service.get_department": lambda s: desktop_app.services.people.get_department(s, h.departments["内科"]),
        "people.service.create_department": lambda s: desktop_app.services.people.create_department(
            s, {"name": "新科室", "kind": "临床"}),
        "people.service.update_department": lambda s: desktop_app.services.people.update_department(
            s, h.departments["外科"], {"phone": "8001"}),
        "people.service.delete_department": lambda s: desktop_app.services.people.delete_department(
            s, ctx["empty_department"]),
        "people.service.list_staff": lambda s: desktop_app.services.people.list_staff(s),
        "people.service.get_staff": lambda s: desktop_app.services.people.get_staff(s, h.staff["张三"]),
        "people.service.staff_counts": lambda s: desktop_app.services.people.staff_counts(s),
        "people.service.create_staff": lambda s: desktop_app.services.people.create_staff(
            s, {"employee_no": "NEW1", "name": "新人", "department_id": h.departments["内科一病区"], "category": "护士"}),
        "people.service.update_staff": lambda s: desktop_app.services.people.update_staff(
            s, h.staff["王芳"], {"phone": "13500000000"}),
        "people.service.delete_staff": lambda s: desktop_app.services.people.delete_staff(s, h.staff["赵敏"]),
        "people.reports.staff_list_snapshot": lambda s: people_reports.staff_list_snapshot(
            s, StaffFilter(department_id=h.departments["内科"])),
        "people.reports.department_list_snapshot": lambda s: people_reports.department_list_snapshot(s),
        "people.excel_io.write_staff_template": lambda s: people_excel.write_staff_template(
            s, ctx["path"].parent / "人员导入模板.xlsx"),
        "people.excel_io.export_staff_xlsx": lambda s: people_excel.export_staff_xlsx(
            s, ctx["path"].parent / "导出.xlsx"),
        "people.excel_io.preview_staff_import": lambda s: people_excel.preview_staff_import(s, staff_file(s)),
        "people.excel_io.apply_staff_import": lambda s: people_excel.apply_staff_import(s, staff_plan(s)),
        **ledger_samples(ctx),
        **roster_samples(ctx),
        **handover_samples(ctx),
        **training_samples(ctx),
        **surgery_samples(ctx),
        **submission_samples(ctx),
    }


def submission_samples(ctx):
    from desktop_app.submissions import service as sub

    sm = ctx["submissions"]
    pdf = ctx["path"].parent / "报送.pdf"
    return {
        "submissions.service.next_deadline": lambda s: sub.next_deadline(s),
        "submissions.service.create_submission": lambda s: sub.create_submission(s, "全年", 2025),
        "submissions.service.save_submission": lambda s: sub.save_submission(s, sm["draft"], {"narrative": {"存在问题": "x"}}),
        "submissions.service.snapshot": lambda s: sub.snapshot(s, sm["draft"]),
        "submissions.service.finalize": lambda s: sub.finalize(s, sm["ready"]),
        "submissions.service.amend": lambda s: sub.amend(s, sm["final"], "更正"),
        "submissions.service.list_submissions": lambda s: sub.list_submissions(s),
        "submissions.service.get_submission": lambda s: sub.get_submission(s, sm["final"]),
        "submissions.service.stored_file": lambda s: sub.stored_file(s, sm["final"], "pdf"),
        "submissions.service.verify_file": lambda s: sub.verify_file(s, pdf),
        "submissions.service.verify_code": lambda s: sub.verify_code(s, sm["code"]),
    }


def build_submissions(system, folder) -> dict:
    """A finalised custom period, a draft ready to finalise, and a plain draft (the ledger gives them data)."""
    from desktop_app.submissions import service as sub

    narrative = {"工作开展情况": "a", "主要做法与亮点": "b", "存在问题": "c", "下一步计划": "d"}
    signers = {"填报人": "周明", "联系电话": "1", "审核人": "李", "单位负责人": "王"}
    manual = ("unplanned_reoperation", "postop_acquired", "adverse_event_reports", "principal_diagnosis_coding",
              "stemi_reperfusion", "stroke_reperfusion", "grade4_mdt")

    def ready(first, last):
        made = sub.create_submission(system, "自定义", first=first, last=last)
        return sub.save_submission(system, made.id, {"narrative": narrative, "signers": signers, "indicators": {
            k: {"numerator": 1, "denominator": 2} for k in manual}})

    final = sub.finalize(system, ready("2026-11-01", "2026-11-15").id)
    (folder / "报送.pdf").write_bytes(sub.stored_file(system, final.id, "pdf"))
    return {"final": final.id, "code": final.verification_code, "ready": ready("2026-11-01", "2026-11-20").id,
            "draft": sub.create_submission(system, "上半年", 2026).id}


def surgery_samples(ctx):
    from desktop_app.surgery import catalogue as cat, operations as ops, privileges as priv

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
        "surgery.operations.unprivileged": lambda s: ops.unprivileged(s, "2026-01-01", "2026-12-31"),
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


def build_surgery(system, h) -> dict:
    """An approved catalogue in force since 2026-01-01, a draft made from it, a grant, an approved assessment."""
    from desktop_app.surgery import catalogue as cat, privileges as priv

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
    return {"book": book.id, "draft": draft.id, "draft_procedure": spare.id, "grant": grant.id,
            "assessment": assessment.id}


def training_samples(ctx):
    from desktop_app.training import coverage as training_coverage
    from desktop_app.training import service as training
    from desktop_app.training.models import Audience

    h, t = ctx["hospital"], ctx["training"]
    return {
        "training.service.list_categories": lambda s: training.list_categories(s),
        "training.service.save_category": lambda s: training.save_category(s, None, "医患沟通"),
        "training.service.audience_people": lambda s: training.audience_people(s, Audience(everyone=True), "2026-11-20"),
        "training.service.sample_people": lambda s: training.sample_people(s, 2, "2026-11-20", seed=1),
        "training.service.save_session": lambda s: training.save_session(s, {
            "title": "内科三基培训", "category_id": t["sanji"], "date": "2026-11-25", "department_id": h.departments["内科"],
            "audience": Audience(departments=(h.departments["内科"],))}),
        "training.service.delete_session": lambda s: training.delete_session(s, t["planned"]),
        "training.service.list_sessions": lambda s: training.list_sessions(s, "2026-01-01", "2026-12-31"),
        "training.service.get_session": lambda s: training.get_session(s, t["held"]),
        "training.service.record_attendance": lambda s: training.record_attendance(s, t["held"], [
            {"staff_id": h.staff["张三"], "present": True}, {"staff_id": h.staff["王芳"], "present": False}]),
        "training.service.record_sheet": lambda s: training.record_sheet(s, t["held"], [
            {"staff_id": h.staff["张三"], "present": True}], t["exam"], [{"staff_id": h.staff["张三"], "score": 70}]),
        "training.service.save_assessment": lambda s: training.save_assessment(s, {"session_id": t["held"],
                                                                                   "title": "补充考核"}),
        "training.service.get_assessment": lambda s: training.get_assessment(s, t["exam"]),
        "training.service.list_assessments": lambda s: training.list_assessments(s, "2026-01-01", "2026-12-31"),
        "training.service.record_scores": lambda s: training.record_scores(s, t["exam"], [
            {"staff_id": h.staff["张三"], "score": 90}]),
        "training.service.delete_assessment": lambda s: training.delete_assessment(s, t["empty_exam"]),
        "training.service.list_requirements": lambda s: training.list_requirements(s),
        "training.service.save_requirement": lambda s: training.save_requirement(s, {
            "category_id": t["sanji"], "staff_group": "护士", "times_per_year": 4}),
        "training.coverage.coverage": lambda s: training_coverage.coverage(s, "2026-01-01", "2026-12-31"),
        "training.coverage.transcript": lambda s: training_coverage.transcript(s, h.staff["张三"]),
        **training_output_samples(ctx),
    }


def training_output_samples(ctx):
    from desktop_app.training import excel_io as training_excel
    from desktop_app.training import reports as training_reports
    from tests.excel.files import write_xlsx

    h, t = ctx["hospital"], ctx["training"]

    def sign_in_file():
        return write_xlsx(ctx["path"].parent / "签到导入.xlsx", [["姓名", "签到", "成绩"], ["张三", "到", 90]])

    def sign_in_plan(s):
        return training_excel.preview_attendance_import(s.as_actor(desktop_app.session.SYSTEM_ACTOR), sign_in_file(),
                                                        t["held"], t["exam"])

    return {
        "training.excel_io.preview_attendance_import": lambda s: training_excel.preview_attendance_import(
            s, sign_in_file(), t["held"], t["exam"]),
        "training.excel_io.apply_attendance_import": lambda s: training_excel.apply_attendance_import(
            s, sign_in_plan(s)),
        "training.excel_io.write_attendance_template": lambda s: training_excel.write_attendance_template(
            s, ctx["path"].parent / "签到导入模板.xlsx", t["held"]),
        "training.reports.session_snapshot": lambda s: training_reports.session_snapshot(s, t["held"]),
        "training.reports.transcript_snapshot": lambda s: training_reports.transcript_snapshot(s, h.staff["张三"]),
        "training.reports.coverage_snapshot": lambda s: training_reports.coverage_snapshot(
            s, "2026-01-01", "2026-12-31"),
    }


def build_training(system, h) -> dict:
    """内科's own 三基 session (held, with an exam), a planned hospital-wide one, an exam without results."""
    from desktop_app.training import service as training
    from desktop_app.training.models import Audience

    cats = {c.code: c.id for c in training.list_categories(system)}
    held = training.save_session(system, {"title": "内科三基三严培训", "category_id": cats["sanji"], "date": "2026-11-10",
                                          "department_id": h.departments["内科"],
                                          "audience": Audience(departments=(h.departments["内科"],))})
    exam = training.save_assessment(system, {"session_id": held.id})
    empty = training.save_assessment(system, {"session_id": held.id, "title": "第二次考核"})
    planned = training.save_session(system, {"title": "核心制度培训", "category_id": cats["core"], "date": "2026-12-10",
                                             "department_id": h.departments["内科"], "audience": Audience(everyone=True)})
    return {"sanji": cats["sanji"], "held": held.id, "exam": exam.id, "empty_exam": empty.id, "planned": planned.id}


def ledger_samples(ctx):
    from desktop_app.ledger import checklists, excel_io, inspections, reports, service as ledger, stats
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


def roster_samples(ctx):
    from desktop_app.roster import calendar, service as roster, setup

    h, r = ctx["hospital"], ctx["roster"]
    night, zs, ls = r["night"], h.staff["张三"], h.staff["李四"]
    return {
        "roster.calendar.list_holidays": lambda s: calendar.list_holidays(s, 2026),
        "roster.calendar.set_holiday": lambda s: calendar.set_holiday(s, "2026-12-31", "法定节假日", "元旦"),
        "roster.calendar.confirm_year": lambda s: calendar.confirm_year(s, 2027),
        "roster.service.list_posts": lambda s: roster.list_posts(s),
        "roster.service.post_groups": lambda s: roster.post_groups(s),
        "roster.service.save_post": lambda s: roster.save_post(s, {"name": "外科一线", "kind": "一线",
                                                                   "group_name": "外科系统"}),
        "roster.service.save_shift": lambda s: roster.save_shift(s, r["post"], {"name": "白班", "starts": "08:00",
                                                                                "ends": "17:30"}),
        "roster.service.set_rotation": lambda s: roster.set_rotation(s, r["post"], [zs, ls]),
        "roster.service.rotation": lambda s: roster.rotation(s, r["post"]),
        "roster.service.month_view": lambda s: roster.month_view(s, "2026-11"),
        "roster.service.check_month": lambda s: roster.check_month(s, "2026-11"),
        "roster.service.check_range": lambda s: roster.check_range(s, s.today(), s.today()),
        "roster.service.candidates": lambda s: roster.candidates(s, "2026-12-02", night),
        "roster.service.assign": lambda s: roster.assign(s, "2026-12-02", night, zs),
        "roster.service.unassign": lambda s: roster.unassign(s, "2026-12-01", night, zs),
        "roster.service.copy_days": lambda s: roster.copy_days(s, "2026-12-01", "2026-12-08", 7),
        "roster.service.copy_previous_month": lambda s: roster.copy_previous_month(s, "2026-12"),
        "roster.service.fill_from_rotation": lambda s: roster.fill_from_rotation(s, "2026-12", r["post"]),
        "roster.service.clear_month": lambda s: roster.clear_month(s, "2026-12"),
        "roster.service.publish": lambda s: roster.publish(s, "2026-12", confirm_violations=True),
        "roster.service.confirmed_violations": lambda s: roster.confirmed_violations(s, "2026-11"),
        "roster.service.record_revision": lambda s: roster.record_revision(s, {
            "kind": "替班", "date": "2026-11-05", "shift_id": night, "from_staff_id": zs, "to_staff_id": ls,
            "reason": "病假", "requested_by": "张三", "approved_by": "内科主任"}, confirm_violations=True),
        "roster.service.list_revisions": lambda s: roster.list_revisions(s, "2026-11"),
        "roster.service.month_status": lambda s: roster.month_status(s, "2026-12"),
        "roster.setup.save_post_with_shifts": lambda s: setup.save_post_with_shifts(
            s, {"name": "外科一线", "kind": "一线"}, [{"name": "夜班", "starts": "17:30", "ends": "08:00"}]),
        "roster.setup.set_holiday_range": lambda s: setup.set_holiday_range(
            s, "2026-10-01", "2026-10-08", "法定节假日", "国庆节、中秋节"),
        "roster.setup.remove_holidays": lambda s: setup.remove_holidays(s, ["2027-01-01"]),
        "roster.service.view_scopes": lambda s: roster.view_scopes(s),
        "roster.service.apply_changes": lambda s: roster.apply_changes(
            s, "2026-12", add=[("2026-12-03", night, zs)], remove=[("2026-12-01", night, zs)]),
        **roster_output_samples(ctx),
    }


def roster_output_samples(ctx):
    from desktop_app.roster import excel_io, reports
    from tests.excel.files import write_xlsx

    def roster_file():
        return write_xlsx(ctx["path"].parent / "值班表导入.xlsx", [["日期", "内科一线 夜班"], ["3日", "张三"]])

    def roster_plan(s):
        return excel_io.preview_roster_import(s.as_actor(desktop_app.session.SYSTEM_ACTOR), roster_file(), "2026-12")

    return {
        "roster.reports.roster_snapshot": lambda s: reports.roster_snapshot(s, "2026-11"),
        "roster.excel_io.preview_roster_import": lambda s: excel_io.preview_roster_import(s, roster_file(), "2026-12"),
        "roster.excel_io.apply_roster_import": lambda s: excel_io.apply_roster_import(s, roster_plan(s)),
        "roster.excel_io.write_roster_template": lambda s: excel_io.write_roster_template(
            s, ctx["path"].parent / "值班表导入模板.xlsx", "2026-12"),
    }


def handover_samples(ctx):
    from desktop_app.handover import reports, service as handover

    h, ho = ctx["hospital"], ctx["handover"]
    ward = h.departments["内科一病区"]
    return {
        "handover.service.handover_departments": lambda s: handover.handover_departments(s),
        "handover.service.get_template": lambda s: handover.get_template(s, ward),
        "handover.service.save_template": lambda s: handover.save_template(s, ward, "nurse", [
            {"name": "白班", "starts": "08:00", "ends": "20:00"}, {"name": "夜班", "starts": "20:00", "ends": "08:00"}],
            [{"name": "抢救车", "expected": None}]),
        "handover.service.prepare_report": lambda s: handover.prepare_report(s, ward, "2026-11-23", "白班"),
        "handover.service.create_report": lambda s: handover.create_report(s, ward, "2026-11-23", "白班"),
        "handover.service.save_draft": lambda s: handover.save_draft(s, ho["draft"], {"notes": "备注"}),
        "handover.service.sign_outgoing": lambda s: handover.sign_outgoing(s, ho["draft"]),
        "handover.service.return_to_draft": lambda s: handover.return_to_draft(s, ho["handed"], "病人数不准"),
        "handover.service.record_bedside": lambda s: handover.record_bedside(
            s, ho["handed"], ho["critical"], "2026-11-23 08:05", "床旁交接记录单第 3 页"),
        "handover.service.sign_receive": lambda s: handover.sign_receive(s, ho["handed"], "u_receiver", "Passw0rd1"),
        "handover.service.add_addendum": lambda s: handover.add_addendum(s, ho["received"], "更正床号"),
        "handover.service.get_report": lambda s: handover.get_report(s, ho["draft"]),
        "handover.service.list_reports": lambda s: handover.list_reports(s, "nurse", "2026-11-01", "2026-11-30"),
        "handover.service.figures": lambda s: handover.figures(s, "2026-11-01", "2026-11-30"),
        "handover.service.count_reports": lambda s: handover.count_reports(s, "nurse", "2026-11-01", "2026-11-30"),
        "handover.service.shift_board": lambda s: handover.shift_board(s, "nurse", "2026-11-22", "2026-11-23"),
        "handover.service.open_reports": lambda s: handover.open_reports(s),
        "handover.service.missing_reports": lambda s: handover.missing_reports(s),
        "handover.reports.handover_snapshot": lambda s: reports.handover_snapshot(s, "nurse", "2026-11-20", "2026-11-22"),
    }


def build_handover(system, h, users) -> dict:
    """内科一病区: a draft ready to sign, a report awaiting the receiver, a frozen one; every user who may
    write is linked to a nurse of the ward (signing needs a staff record)."""
    from desktop_app.handover import service as handover
    from desktop_app.people import service as people

    ward = h.departments["内科一病区"]

    def nurse(no, name):
        return people.create_staff(system, {"employee_no": no, "name": name, "department_id": ward,
                                            "category": "护士", "title": "护师"}).id

    for role, name in ((Role.ADMIN, "护士甲"), (Role.QUALITY, "护士乙"), (Role.DEPT_HEAD, "护士丙"),
                       (Role.CLINICIAN, "护士丁")):
        staff_id = nurse(f"H_{role.value}", name)
        users[role] = accounts.update_user(system, users[role].user_id, {"staff_id": staff_id}).actor()
    out_user = accounts.create_user(system, {"username": "u_out", "display_name": "交班护士", "role": "clinician",
                                             "staff_id": nurse("H_out", "交班护士")}, "Passw0rd1")
    accounts.create_user(system, {"username": "u_receiver", "display_name": "接班护士", "role": "clinician",
                                  "staff_id": nurse("H_in", "接班护士")}, "Passw0rd1")
    outgoing = Session(system.db, out_user.actor(), system.clock)
    census = {"原有": 30, "入院": 1, "转入": 0, "出院": 1, "转出": 0, "死亡": 0, "现有": 30, "手术": 0, "分娩": 0,
              "病危": 1, "病重": 0, "一级护理": 3}
    values = {"census": census, "items": [{"name": "抢救车", "expected": None, "ok": True}],
              "entries": [{"category": "病危", "bed": "3", "patient_name": "王二", "diagnosis": "心衰"}]}

    def report(day):
        return handover.create_report(outgoing, ward, day, "白班", "nurse", values)

    received = report("2026-11-20")
    handover.sign_outgoing(outgoing, received.id)
    handover.record_bedside(outgoing, received.id, received.entries[0].uid, "2026-11-20 16:05", "床旁记录第 1 页")
    handover.sign_receive(outgoing, received.id, "u_receiver", "Passw0rd1")
    handed = report("2026-11-21")
    handover.sign_outgoing(outgoing, handed.id)
    handover.record_bedside(outgoing, handed.id, handed.entries[0].uid, "2026-11-21 16:05", "床旁记录第 2 页")
    draft = report("2026-11-22")
    return {"draft": draft.id, "handed": handed.id, "received": received.id, "critical": handed.entries[0].uid}


def build_roster(system, h) -> dict:
    """内科一线 with a night shift and a rotation; November published, December a draft."""
    from desktop_app.roster import service as roster

    post = roster.save_post(system, {"name": "内科一线", "kind": "一线", "group_name": "内科系统",
                                     "department_id": h.departments["内科"], "required_category": "医师"})
    night = roster.save_shift(system, post.id, {"name": "夜班", "starts": "17:30", "ends": "08:00"})
    roster.set_rotation(system, post.id, [h.staff["张三"], h.staff["李四"]])
    roster.assign(system, "2026-11-05", night.id, h.staff["张三"])
    roster.publish(system, "2026-11", confirm_violations=True)
    roster.assign(system, "2026-12-01", night.id, h.staff["张三"])
    return {"post": post.id, "night": night.id}


def build_ledger(system, h, folder) -> dict:
    """Items of 内科 in every status, an inspection of 内科, an attachment, a checklist of our own."""
    from desktop_app.ledger import checklists, inspections, service as ledger

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
    own = checklists.create_checklist(system, {"name": "本院院感检查表", "version": "2026"}, ["手卫生"])
    out["own_checklist"] = own.id
    out["own_category"] = checklists.list_categories(system, own.id)[0].id
    out["own_item"] = checklists.add_item(system, own.id, {"category_id": out["own_category"], "text": "洗手"})
    return out


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """One database with a user of every role; each call below runs on a fresh copy of it."""
    from desktop_app.clock import FixedClock
    from desktop_app.hospital.service import initialize_database
    from desktop_app.people import service as people
    from desktop_app.session import SYSTEM_ACTOR
    from tests.conftest import PROFILE, TODAY
    from tests.factories import build_small_hospital

    folder = tmp_path_factory.mktemp("matrix")
    path = folder / "template.db"
    clock = FixedClock(TODAY)
    db = initialize_database(path, PROFILE, {"username": "admin", "display_name": "管理员", "password": "Admin2026"},
                             clock=clock)
    system = Session(db, SYSTEM_ACTOR, clock)
    h = build_small_hospital(system)
    empty = people.create_department(system, {"name": "待撤销科", "kind": "职能"}).id
    users = {}
    for role in USER_ROLES:
        user = accounts.create_user(system, {
            "username": f"u_{role.value}", "display_name": role.label, "role": role.value,
            "department_id": h.departments["内科"] if role == Role.DEPT_HEAD else None,
        }, "Passw0rd1")
        users[role] = user.actor()
    ledger = build_ledger(system, h, folder)
    roster_data = build_roster(system, h)
    handover_data = build_handover(system, h, users)
    training_data = build_training(system, h)
    surgery_data = build_surgery(system, h)
    submission_data = build_submissions(system, folder)
    backups.make_backup(db, clock=clock)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return {"path": path, "clock": clock, "hospital": h, "users": users, "empty_department": empty,
            "reader_id": users[Role.READONLY].user_id, "ledger": ledger, "roster": roster_data,
            "handover": handover_data, "training": training_data, "surgery": surgery_data,
            "submissions": submission_data}


def test_every_action_has_a_sample(template):
    assert set(ACTIONS) == set(samples(template))


@pytest.mark.parametrize("role", USER_ROLES, ids=lambda r: r.value)
def test_role_matrix(template, tmp_path, role):
    allowed = refused = 0
    mismatches = []
    for name, call in samples(template).items():
        copy = tmp_path / f"{name}.db"
        shutil.copyfile(template["path"], copy)
        shutil.copytree(template["path"].parent / "backups", tmp_path / "backups", dirs_exist_ok=True)
        db = open_database(copy)
        session = Session(db, template["users"][role], template["clock"])
        try:
            call(session)
            outcome = "allowed"
        except errors.PermissionDenied:
            outcome = "refused"
        finally:
            db.close()
        expected = "allowed" if ACTIONS[name].value in EXPECTED[role] else "refused"
        if outcome != expected:
            mismatches.append(f"{name}: expected {expected}, got {outcome}")
        allowed += outcome == "allowed"
        refused += outcome == "refused"
    assert not mismatches, "\n".join(mismatches)
    assert allowed + refused == len(ACTIONS)
    readme = readme_role_table()[role]
    expected_allowed = sum(1 for a in ACTIONS.values() if a.value in {p.value for p in readme})
    print(f"\n{role.label}：{len(ACTIONS)} 个操作，允许 {allowed}，拒绝 {refused}（README 角色表：允许 {expected_allowed}）")
    assert allowed == expected_allowed, f"{role.label}: {allowed} allowed, the README's table says {expected_allowed}"


def test_permission_message_is_chinese_and_names_the_right(session_as):
    reader = session_as(Role.READONLY)
    with pytest.raises(errors.PermissionDenied, match="没有“管理用户账户”的权限"):
        accounts.list_users(reader)


def readme_role_table() -> dict:
    """The README's "角色与权限" table: role → the permissions whose cell is not empty (✓, 本科室, 本病区)."""
    from pathlib import Path

    from desktop_app.accounts.permissions import PERM_LABELS

    text = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = text.split("## 角色与权限", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    roles = [next(r for r in USER_ROLES if r.label == name) for name in header[1:]]
    by_label = {label: perm for perm, label in PERM_LABELS.items()}
    table = {role: set() for role in roles}
    for line in lines[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        for role, cell in zip(roles, cells[1:]):
            if cell:
                table[role].add(by_label[cells[0]])
    table["rows"] = {by_label[[c.strip() for c in line.strip("|").split("|")][0]] for line in lines[2:]}
    return table


def test_readme_role_table_matches_the_code():
    """The table users read in the README is the table the code enforces."""
    from desktop_app.accounts.permissions import PERM_LABELS, ROLE_PERMISSIONS

    table = readme_role_table()
    for role in USER_ROLES:
        for perm in PERM_LABELS:
            assert (perm in table[role]) == (perm in ROLE_PERMISSIONS[role]), f"{PERM_LABELS[perm]} / {role.label}"
    assert table["rows"] == set(PERM_LABELS)
