"""Refresh the README's screenshots from a fresh simulated hospital (tools/demo_hospital, 1 year; offscreen Qt).

    .venv/bin/python build_scripts/screenshots.py            # writes docs/screenshots/*.png

Every screen a module adds should get a shot here, so the README stays current.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QLEDGER_HOME", tempfile.mkdtemp(prefix="qledger-shots-"))

OUT = ROOT / "docs" / "screenshots"


def main() -> int:
    from PySide6.QtWidgets import QApplication

    from desktop_app.accounts.service import authenticate
    from desktop_app.backup.service import make_backup
    from desktop_app.clock import SystemClock
    from desktop_app.session import Session
    from desktop_app.storage.database import open_database
    from tools.demo_hospital.hospital import build_demo
    from ui.context import AppContext
    from ui.main_window import MainWindow
    from ui.qt_setup import setup_application

    OUT.mkdir(parents=True, exist_ok=True)
    db_path = Path(tempfile.mkdtemp(prefix="qledger-shots-db-")) / "qledger.db"
    build_demo(db_path)
    app = QApplication.instance() or QApplication([])
    setup_application(app)
    clock = SystemClock()
    db = open_database(db_path)
    make_backup(db, reason="每日自动", clock=clock)

    def shot(widget, name: str) -> None:
        app.processEvents()
        widget.grab().save(str(OUT / f"{name}.png"))
        print("wrote", OUT / f"{name}.png")

    from ui.app import demo_hint
    from ui.dialogs.login import LoginDialog

    login = LoginDialog(db, clock, hospital_name="青山县人民医院", hint=demo_hint(db))
    login.show()
    shot(login, "login")
    login.close()

    actor = authenticate(db, "zhikong", "Demo2026", clock).actor
    ctx = AppContext(Session(db, actor, clock))
    ctx.health.integrity_checked = True
    window = MainWindow(ctx)
    window.resize(1366, 800)
    window.show()
    shot(window, "dashboard")
    window.navigate("staff")
    page = window.page("staff")
    shot(window, "staff")
    page.search.setText("zh")
    shot(window, "staff-search")
    page.search.setText("")

    from ui.dialogs.staff_edit import StaffDialog

    dialog = StaffDialog(ctx, parent=window)
    dialog.show()
    dialog.employee_no.setText("N0015")
    dialog.name.setText("张")
    dialog.category.setCurrentText("护士")
    dialog.title.setCurrentText("主治医师")
    dialog.phone.setText("138-abc")
    dialog.save()
    shot(dialog, "staff-dialog-errors")
    dialog.close()

    from tests.excel.files import write_xlsx
    from desktop_app.people import excel_io
    from ui.dialogs.import_preview import ImportPreviewDialog

    messy = write_xlsx(Path(tempfile.mkdtemp()) / "2026年新入职人员.xlsx", [
        ["2026 年新入职人员名单"],
        ["序号", "工号", "姓 名", "所在科室", "人员类别", "职称", "入职时间"],
        [1, "N2601", "刘婷", "骨科病区", "护士", "护士", "2026.7.1"],
        [2, "N2602", "陈静", "骨科病区", "护理", "护师", "2026年7月1日"],
        [3, "D2601", "王磊", "骨外科", "医师", "医师", "2026-07-01"],
        [4, "N2601", "赵雪", "儿科病区", "护士", "主治医师", "2026-13-01"],
    ])
    plan = excel_io.preview_staff_import(ctx.session, messy)
    from ui.table import Column

    columns = [Column("行", lambda r: r.row, width=50), Column("处理", lambda r: r.action, width=70),
               Column("工号", lambda r: r.employee_no, width=80), Column("姓名", lambda r: r.name, width=90),
               Column("内容", lambda r: r.describe(), width=560)]
    preview = ImportPreviewDialog("导入人员", plan.file_name, plan.summary(), plan.findings, columns, plan.rows,
                                  plan.can_apply, window)
    preview.show()
    shot(preview, "import-preview")
    preview.close()

    window.navigate("departments")
    shot(window, "departments")

    from desktop_app.people import reports as people_reports
    from ui.pdf_preview import PdfPreviewDialog

    pdf = Path(tempfile.mkdtemp()) / "人员名册.pdf"
    people_reports.write_staff_list_pdf(people_reports.staff_list_snapshot(ctx.session), pdf)
    pv = PdfPreviewDialog(pdf, "人员名册", "人员名册.pdf", window)
    pv.resize(1000, 760)
    pv.show()
    import time

    for _ in range(60):  # QPdfView renders pages in a background thread
        app.processEvents()
        time.sleep(0.03)
    shot(pv, "print-preview")
    pv.close()

    admin = authenticate(db, "admin", "Admin2026", clock).actor
    ctx.replace_session(Session(db, admin, clock))
    for key in ("users", "audit", "backup", "settings"):
        window.navigate(key)
        shot(window, key)

    quality = authenticate(db, "zhikong", "Demo2026", clock).actor
    ctx.replace_session(Session(db, quality, clock))
    inspection_shots(app, window, ctx, shot)
    ledger_shots(app, window, ctx, shot)
    roster_shots(app, window, ctx, shot)
    window.navigate("handover_stats")
    shot(window, "handover-stats")
    training_shots(app, window, ctx, shot)
    surgery_shots(app, window, ctx, shot)
    submission_shots(app, window, ctx, shot)
    nurse = authenticate(db, "hushi", "Demo2026", clock).actor
    ctx.replace_session(Session(db, nurse, clock))
    handover_shots(app, window, ctx, shot)
    window.close()
    db.close()
    return 0


def training_shots(app, window, ctx, shot) -> None:
    """培训考核: the session list with a held session's sheet, coverage, the 知晓率 surveys, the rules."""
    window.navigate("training")
    page = window.page("training")
    held = next((r for r in page.model.rows if r.attendance_recorded and r.assessments), None)
    if held is not None:
        page.table.select_where(lambda r: r is held)
    shot(window, "training")
    window.navigate("training_coverage")
    shot(window, "training-coverage")
    window.navigate("assessments")
    shot(window, "assessments")
    window.navigate("training_setup")
    shot(window, "training-setup")


def surgery_shots(app, window, ctx, shot) -> None:
    """手术分级与授权: the catalogue in force, a surgeon with grade-4 grants, the checks."""
    from desktop_app.surgery import privileges

    window.navigate("surgery_catalogue")
    shot(window, "surgery-catalogue")
    window.navigate("surgery_privileges")
    page = window.page("surgery_privileges")
    card = max(privileges.title_report(ctx.session), key=lambda r: (r.grade4, r.grade3), default=None)
    if card is not None:
        page.surgeon_table.select_where(lambda s: s["id"] == card.staff_id)
    shot(window, "surgery-privileges")
    window.navigate("surgery_operations")
    shot(window, "surgery-checks")


def submission_shots(app, window, ctx, shot) -> None:
    """报送: the demo's latest submission, and its printed first page."""
    import subprocess
    import tempfile

    from desktop_app.submissions import reports, service as submissions

    window.navigate("submissions")
    page = window.page("submissions")
    shot(window, "submissions")
    if page.current is not None:
        folder = Path(tempfile.mkdtemp())
        pdf = folder / "submission.pdf"
        if page.current.final:
            pdf.write_bytes(submissions.stored_file(ctx.session, page.current.id, "pdf"))
        else:
            reports.write_submission_pdf(submissions.snapshot(ctx.session, page.current.id), "", pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                        str(OUT / "submission-pdf")], check=True)
        print("wrote", OUT / "submission-pdf.png")


def handover_shots(app, window, ctx, shot) -> None:
    """交接班 as the demo nurse sees it: her ward's board with the report awaiting the receiver, the
    editor of the current shift (census carried over, key patients offered), the receiver's dialog."""
    from desktop_app.handover import service as handover
    from ui.dialogs.handover_edit import HandoverEditor
    from ui.dialogs.handover_sign import ReceiveDialog

    window.navigate("handover")
    page = window.page("handover")
    waiting = next((s for s in page.board_model.rows if s.state == "已交班"), None)
    if waiting is not None:
        page.board.select_where(lambda s: s is waiting)
    shot(window, "handover")
    if waiting is not None:
        dialog = ReceiveDialog(ctx, handover.get_report(ctx.session, waiting.report.id), parent=window)
        dialog.resize(760, 700)
        dialog.show()
        shot(dialog, "handover-receive")
        dialog.close()
    now = ctx.session.now()
    slot = next((s for s in page.board_model.rows if s.report is None and s.running(now)), None)
    if slot is not None:
        new = handover.prepare_report(ctx.session, slot.department_id, slot.date, slot.shift.order, slot.kind)
        editor = HandoverEditor(ctx, new=new, parent=window)
        editor.show()
        shot(editor, "handover-editor")
        editor.autosave.stop()
        editor.dirty = False  # a screenshot must not write a draft into the demo
        editor.done(0)


def roster_shots(app, window, ctx, shot) -> None:
    """值班: next month's draft (grid with a gap selected, the picker, people × dates), a 替班 on
    this month, the set-up pages, and the printed roster (全院 week and 本科室 month layouts)."""
    import datetime as dt
    import subprocess
    import tempfile

    from desktop_app.roster import reports, service as roster
    from ui.dialogs.duty_post_edit import DutyPostDialog

    session = ctx.session
    today = session.today()
    this_month = today.strftime("%Y-%m")
    next_month = (today.replace(day=28) + dt.timedelta(days=4)).strftime("%Y-%m")
    window.navigate(f"roster:{next_month}")
    page = window.page("roster")
    model = page.grid_model
    gap = next((model.index(r, c) for r in range(model.rowCount()) for c in range(model.columnCount())
                if str(model.data(model.index(r, c)) or "").startswith("缺")), model.index(0, 0))
    page.grid.setCurrentIndex(gap)
    page.grid.scrollTo(gap)
    shot(window, "roster")
    picker = page.open_picker(gap)
    if picker is not None:
        picker.search.setText("w")
        shot(picker, "roster-picker")
        picker.close()
    page.show_view(1)
    shot(window, "roster-people")
    page.show_view(0)
    window.navigate(f"roster:{this_month}")
    page.grid.setCurrentIndex(page.grid_model.index(today.day - 1, 0))
    dialog = page.revise()
    if dialog is not None:
        dialog.kind.setCurrentIndex(dialog.kind.findData("替班"))
        dialog.to_staff.list.setCurrentRow(0)
        dialog.reason.setPlainText("参加县卫健委组织的培训")
        dialog.requested_by.setText(dialog.from_staff.currentText().split("（")[0])
        dialog.approved_by.setText("医务科")
        shot(dialog, "roster-revision")
        dialog.close()
    window.navigate("duty_posts")
    shot(window, "duty-posts")
    post = next(p for p in roster.list_posts(session) if p.kind == "一线" and len(p.shifts) > 1)
    post_dialog = DutyPostDialog(ctx, post, parent=window)
    post_dialog.show()
    shot(post_dialog, "duty-post-dialog")
    post_dialog.close()
    window.navigate("holidays")
    window.page("holidays").year.setValue(today.year + 1)
    shot(window, "holidays")
    folder = Path(tempfile.mkdtemp())
    reports.write_roster_pdf(reports.roster_snapshot(session, this_month), folder / "roster.pdf", layout="week")
    department = post.department_id
    reports.write_roster_pdf(reports.roster_snapshot(session, this_month, department_id=department),
                             folder / "roster-department.pdf", layout="month")
    for name in ("roster", "roster-department"):
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile",
                        str(folder / f"{name}.pdf"), str(OUT / f"{name}-pdf")], check=True)
        print("wrote", OUT / f"{name}-pdf.png")


def ledger_shots(app, window, ctx, shot) -> None:
    """问题台账: the list with a problem awaiting re-check selected, the re-check dialog, the
    printed ledger and a 整改通知书 (first pages rendered to PNG)."""
    import subprocess
    import tempfile

    from desktop_app.ledger import reports, service as ledger
    from desktop_app.ledger.models import LedgerFilter
    from ui.dialogs.ledger_item import RecheckDialog

    window.navigate("ledger")
    page = window.page("ledger")
    page.table.select_where(lambda r: r.status == "已整改待复查")
    shot(window, "ledger")
    window.navigate("ledger:overdue")
    shot(window, "ledger-overdue")
    item = ledger.list_items(ctx.session, LedgerFilter(status="已整改待复查"), limit=1)[0]
    dialog = RecheckDialog(ctx, ledger.get_item(ctx.session, item.id), window)
    dialog.show()
    dialog.opinion.setPlainText("现场查看：已按要求整改，资料齐全。")
    shot(dialog, "ledger-recheck")
    dialog.close()
    window.navigate("dashboard")
    shot(window, "dashboard")
    folder = Path(tempfile.mkdtemp())
    month = LedgerFilter(date_from=ctx.session.today().replace(day=1))
    reports.write_ledger_pdf(reports.ledger_snapshot(ctx.session, month), folder / "ledger.pdf")
    open_items = [r.id for r in ledger.list_items(ctx.session, LedgerFilter(status="未销号"), limit=6)]
    reports.write_notice_pdf(reports.notice_snapshot(ctx.session, open_items), folder / "notice.pdf")
    for name in ("ledger", "notice"):
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile",
                        str(folder / f"{name}.pdf"), str(OUT / f"{name}-pdf")], check=True)
        print("wrote", OUT / f"{name}-pdf.png")


def _open_inspection(session):
    """An inspection still being recorded; the demo may not have one, so make one if needed."""
    from desktop_app.ledger import checklists, inspections
    from desktop_app.people.service import list_departments

    found = [i for i in inspections.list_inspections(session, year=session.today().year)
             if i.status == inspections.IN_PROGRESS and i.checklist_id]
    if found:
        return found[0]
    core = next(c for c in checklists.list_checklists(session) if c.kind == "核心制度")
    clinical = [d.id for d in list_departments(session, include_inactive=False) if d.kind == "临床"][:4]
    made = inspections.create_inspection(session, {
        "type": "全院半年自查", "inspected_on": session.today().isoformat(), "inspectors": "质控科、医务科、护理部",
        "checklist_id": core.id, "department_ids": clinical})
    rows = inspections.results_for(session, made.id, clinical[0])
    entries = [{"item_id": r.item.id, "result": "符合"} for r in rows[:14]]
    entries[3] = {"item_id": rows[3].item.id, "result": "不符合", "note": "抽查 5 份运行病历，2 份三级查房记录缺上级医师签字"}
    entries[9] = {"item_id": rows[9].item.id, "result": "不适用"}
    inspections.record_results(session, made.id, clinical[0], entries)
    return inspections.get_inspection(session, made.id)


def inspection_shots(app, window, ctx, shot) -> None:
    """检查记录 (list, 新建检查 with its messages, the recording window), 检查表, 台账统计."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent

    from ui.dialogs.checklist_edit import ChecklistItemDialog, NewVersionDialog

    inspection = _open_inspection(ctx.session)
    ctx.notify("ledger")
    window.navigate("inspections")
    page = window.page("inspections")
    page.select_inspection(inspection.id)
    shot(window, "inspections")

    new = page.new_inspection()
    new.inspectors.setText("")
    new.departments.select_kind("临床")
    new.departments.filter.setText("内")
    new.save()
    shot(new, "inspection-new")
    new.done(0)

    record = page.open_inspection(inspection.id)
    record.resize(1366, 800)
    app.processEvents()
    for key, text in ((Qt.Key.Key_1, "1"), (Qt.Key.Key_1, "1"), (Qt.Key.Key_2, "2")):  # typed, not yet saved
        app.sendEvent(record.grid, QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier, text))
    shot(record, "inspection-record")
    record.tabs.setCurrentIndex(1)
    shot(record, "inspection-scores")
    record.model.load(record.model.rows, read_only=True)  # leave without saving the typed results
    record.done(0)

    window.navigate("checklists")
    checklist_page = window.page("checklists")
    shot(window, "checklists")
    builtin = checklist_page.selected_checklist()
    version = NewVersionDialog(ctx, builtin, parent=window)
    version.show()
    shot(version, "checklist-new-version")
    version.close()
    from desktop_app.ledger import checklists

    own = next((c for c in checklist_page.model.rows if not c.builtin), None)
    if own is None:  # the demo may have only the built-in ones: make the hospital's own version
        own = checklists.new_version(ctx.session, builtin.id, str(ctx.session.today().year + 1))
        ctx.notify("ledger")
    item = ChecklistItemDialog(ctx, own, parent=window)
    item.show()
    item.text.setPlainText("")
    item.deduction.setText("200")
    item.save()
    shot(item, "checklist-item")
    item.close()

    window.navigate("ledger_stats")
    stats_page = window.page("ledger_stats")
    stats_page.period.setCurrentText("近 12 个月")
    shot(window, "ledger-stats")


if __name__ == "__main__":
    sys.exit(main())
