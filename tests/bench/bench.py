"""Benchmark on the large synthetic hospital (not part of the normal test run).

    .venv/bin/python tests/bench/bench.py              # 10-year simulated hospital, 5 runs each
    .venv/bin/python tests/bench/bench.py --years 1 --runs 3

Builds the simulated hospital once with the simulator in ``tools/demo_hospital`` (cached under the
system temp folder, rebuilt when the schema version changes) and prints medians of several runs:

* cold start — a fresh ``qledger`` process until the login dialog is usable, and until the
  main window is shown and usable after logging in (offscreen Qt);
* opening the 人员 page (building it and loading every row);
* one pinyin-search keystroke on the 人员 page.

Targets on a 2-core machine (issue 3): start ≤ 1.5 s, page ≤ 200 ms, keystroke ≤ 50 ms; the
handover book (issue 6): a new report with carry-over ≤ 100 ms, the history page's first 500 rows
with their count ≤ 200 ms, a year's figures with the bedside ratio ≤ 500 ms; training (issue 7): the
培训记录 page with a year of sessions ≤ 200 ms, a year's coverage ≤ 1 s, 200 sign-ins saved ≤ 200 ms;
surgery (issue 8): a catalogue search keystroke ≤ 50 ms, a surgeon's card ≤ 100 ms, a year's
operations log of 30,000 rows checked ≤ 3 s. The surgery figures are taken again on a copy whose grants
are copied 12 and 24 years back as replaced grants, near the issue's 20,000 (19,590 on the 10-year demo).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ADMIN = ("admin", "Admin2026")


def demo_database(years: int, rebuild: bool) -> Path:
    from desktop_app.storage.database import SCHEMA_VERSION
    from tools.demo_hospital.hospital import build_demo

    folder = Path(tempfile.gettempdir()) / "qledger-bench"
    folder.mkdir(exist_ok=True)
    path = folder / f"demo-{years}y-v{SCHEMA_VERSION}-logins.db"  # rename when the demo's content changes
    if rebuild:
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    if not path.exists():
        t = time.perf_counter()
        print(f"building the {years}-year demo hospital into {path} …", flush=True)
        build_demo(path, years=years)
        print(f"  built in {time.perf_counter() - t:.1f} s", flush=True)
    return path


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:7.1f} ms  (min {min(samples) * 1000:.1f}, max {max(samples) * 1000:.1f}, n={len(samples)})"


# ----------------------------------------------------------------------------- cold start


def cold_start(db: Path, runs: int) -> dict[str, list[float]]:
    """Start the real program in a new process; it reports its milestones to a probe file."""
    results: dict[str, list[float]] = {"login": [], "usable": [], "after_login": []}
    home = Path(tempfile.mkdtemp(prefix="qledger-bench-home-"))
    for run in range(runs + 1):
        probe = home / "probe.jsonl"
        probe.unlink(missing_ok=True)
        env = dict(os.environ, QLEDGER_STARTUP_PROBE=str(probe), QLEDGER_PROBE_LOGIN=":".join(ADMIN),
                   QLEDGER_HOME=str(home), QT_QPA_PLATFORM="offscreen")
        # as installed: compiled modules kept (a shell with PYTHONDONTWRITEBYTECODE would compile
        # every module on every start, ~0.5 s); the first, untimed run writes them
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        t0 = time.time()
        subprocess.run([sys.executable, "-m", "desktop_app", "gui", "--db", str(db)], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
        events = {e["event"]: e["t"] for e in map(json.loads, probe.read_text().splitlines())}
        if run == 0:
            continue
        results["login"].append(events["login_shown"] - t0)
        results["usable"].append(events["main_window_usable"] - t0)
        results["after_login"].append(events["main_window_usable"] - events["login_shown"])
    return results


# ----------------------------------------------------------------------------- in-process UI timings


def qt_app():
    """The one QApplication of the benchmark, set up as the program sets it up."""
    from PySide6.QtWidgets import QApplication

    from ui.qt_setup import setup_application

    app = QApplication.instance() or QApplication([])
    setup_application(app)
    return app


def shown_window(app, session):
    """A main window at a desktop size, shown and settled, ready to be measured."""
    from ui.context import AppContext
    from ui.main_window import MainWindow

    window = MainWindow(AppContext(session))
    window.resize(1440, 900)
    window.show()
    app.processEvents()
    return window


def dispose(app, window) -> None:
    """Close and really destroy a measured main window. deleteLater() alone waits for an event loop the
    benchmark never runs, so closed windows piled up (4,000 widgets, 128 top-level windows, an idle-lock
    event filter each) and slowed every later measurement far beyond the program's single window."""
    from PySide6.QtCore import QCoreApplication, QEvent

    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app.processEvents()


def ui_timings(db_path: Path, runs: int) -> dict[str, list[float]]:

    from desktop_app.accounts.service import authenticate
    from desktop_app.clock import SystemClock
    from desktop_app.session import Session
    from desktop_app.storage.database import open_database
    from ui.context import AppContext
    from ui.main_window import MainWindow

    app = qt_app()
    db = open_database(db_path)
    clock = SystemClock()
    actor = authenticate(db, *ADMIN, clock).actor
    out: dict[str, list[float]] = {"staff_page": [], "keystroke": [], "ledger_page": [], "ledger_filter": [],
                                   "ledger_stats": []}
    for _ in range(runs):
        window = MainWindow(AppContext(Session(db, actor, clock)))
        window.show()
        app.processEvents()
        t = time.perf_counter()
        window.navigate("staff")
        app.processEvents()
        out["staff_page"].append(time.perf_counter() - t)
        page = window.page("staff")
        assert page.model.rowCount() > 0
        for text in ("z", "zh", "zha", "zhan", "w", "wa", "l", "li", "c", "ch", "zs", "wf", "", "0", "01"):
            t = time.perf_counter()
            page.search.setText(text)
            app.processEvents()
            out["keystroke"].append(time.perf_counter() - t)
        t = time.perf_counter()
        window.navigate("ledger")
        app.processEvents()
        out["ledger_page"].append(time.perf_counter() - t)
        ledger_page = window.page("ledger")
        for setter in (lambda: ledger_page.status.setCurrentIndex(ledger_page.status.findData("未销号")),
                       lambda: ledger_page.overdue.setChecked(True),
                       lambda: ledger_page.overdue.setChecked(False),
                       lambda: ledger_page.department.setCurrentIndex(2),
                       lambda: ledger_page.department.setCurrentIndex(0),
                       lambda: ledger_page.status.setCurrentIndex(0),
                       lambda: ledger_page.text.setText("核对"),
                       lambda: ledger_page.text.setText("")):
            t = time.perf_counter()
            setter()
            app.processEvents()
            out["ledger_filter"].append(time.perf_counter() - t)
        from desktop_app.ledger import stats
        from desktop_app.ledger.models import LedgerFilter

        session = window.ctx.session
        for flt in (LedgerFilter(), LedgerFilter(date_from=dt.date(session.today().year, 1, 1))):
            t = time.perf_counter()
            stats.ledger_stats(session, flt)
            out["ledger_stats"].append(time.perf_counter() - t)
        dispose(app, window)
    db.close()
    return out


def export_timings(db_path: Path, runs: int) -> dict[str, list[float]]:
    """The whole ledger to XLSX (target ≤ 5 s), and a year's ledger to PDF, as the page's jobs do."""
    from desktop_app.accounts.service import authenticate
    from desktop_app.clock import SystemClock
    from desktop_app.ledger import reports
    from desktop_app.ledger.models import LedgerFilter
    from desktop_app.session import Session
    from desktop_app.storage.database import open_database

    out: dict[str, list[float]] = {"xlsx_all": [], "pdf_month": []}
    folder = Path(tempfile.mkdtemp(prefix="qledger-bench-export-"))
    with open_database(db_path) as db:
        clock = SystemClock()
        session = Session(db, authenticate(db, *ADMIN, clock).actor, clock)
        today = session.today()
        month = LedgerFilter(date_from=(today.replace(day=1) - dt.timedelta(days=1)).replace(day=1))
        for _ in range(max(1, runs // 2)):
            t = time.perf_counter()
            reports.write_ledger_xlsx(reports.ledger_snapshot(session, LedgerFilter()), folder / "all.xlsx",
                                      progress=lambda done, total: None)
            out["xlsx_all"].append(time.perf_counter() - t)
            t = time.perf_counter()
            reports.write_ledger_pdf(reports.ledger_snapshot(session, month), folder / "month.pdf")
            out["pdf_month"].append(time.perf_counter() - t)
    return out


def roster_timings(db_path: Path, runs: int) -> dict[str, list[float]]:
    """Open next month (all posts), one assignment with its live check, check a whole month.
    Assignments are made on a copy of the database, so the cached demo stays as built."""
    import shutil

    from desktop_app.accounts.service import authenticate
    from desktop_app.clock import SystemClock
    from desktop_app.roster import service as roster
    from desktop_app.session import Session
    from desktop_app.storage.database import open_database

    copy = Path(tempfile.mkdtemp(prefix="qledger-bench-roster-")) / "copy.db"
    shutil.copyfile(db_path, copy)
    out: dict[str, list[float]] = {"month": [], "assign": [], "check": []}
    with open_database(copy) as db:
        clock = SystemClock()
        session = Session(db, authenticate(db, *ADMIN, clock).actor, clock)
        today = session.today()
        month = (today.replace(day=28) + dt.timedelta(days=4)).strftime("%Y-%m")
        if not roster.list_posts(session):
            return out
        for _ in range(runs):
            t = time.perf_counter()
            view = roster.month_view(session, month)
            out["month"].append(time.perf_counter() - t)
            t = time.perf_counter()
            roster.check_month(session, month)
            out["check"].append(time.perf_counter() - t)
        if view.status != "草稿":
            return out
        day = view.days[-1]
        shift = view.posts[0].shifts[-1]
        people = [c.staff.id for c in roster.candidates(session, day, shift.id)[:runs]]
        for person in people:
            t = time.perf_counter()
            roster.assign(session, day, shift.id, person)
            out["assign"].append(time.perf_counter() - t)
    return out


def roster_page_timings(db_path: Path, runs: int) -> dict[str, list[float]]:
    """The 值班表 page as a planner feels it: open it (next month, all posts, painted), switch
    month, and one assignment through the page with the live violation update. On a copy."""
    import shutil


    from desktop_app.accounts.service import authenticate
    from desktop_app.clock import SystemClock
    from desktop_app.roster import service as roster
    from desktop_app.session import Session
    from desktop_app.storage.database import open_database
    from ui.context import AppContext
    from ui.main_window import MainWindow

    app = qt_app()
    copy = Path(tempfile.mkdtemp(prefix="qledger-bench-roster-page-")) / "copy.db"
    shutil.copyfile(db_path, copy)
    out: dict[str, list[float]] = {"page": [], "switch": [], "assign": []}
    db = open_database(copy)
    clock = SystemClock()
    session = Session(db, authenticate(db, *ADMIN, clock).actor, clock)
    if not roster.list_posts(session):
        return out

    def painted(page) -> None:
        app.processEvents()
        page.grid.viewport().repaint()

    for _ in range(runs):
        window = shown_window(app, session)
        t = time.perf_counter()
        window.navigate("roster")
        page = window.page("roster")
        painted(page)
        out["page"].append(time.perf_counter() - t)
        planned = page.month
        for delta in (-1, 1):
            t = time.perf_counter()
            page.step_month(delta)
            painted(page)
            out["switch"].append(time.perf_counter() - t)
        assert page.month == planned
        dispose(app, window)
    window = MainWindow(AppContext(session))
    window.show()
    window.navigate("roster")
    page = window.page("roster")
    view = roster.month_view(session, page.month)
    if view.status == "草稿":
        day = view.days[-1].isoformat()
        shift = view.posts[0].shifts[-1]
        there = {person.id for person in view.people(day, shift.id)}
        free = [c for c in roster.candidates(session, day, shift.id) if c.staff.id not in there]
        for candidate in free[:runs]:
            t = time.perf_counter()
            page.edit_slot(day, shift.id, candidate.staff, True)
            painted(page)
            out["assign"].append(time.perf_counter() - t)
    dispose(app, window)
    db.close()
    return out


def handover_timings(db_path: Path, runs: int) -> dict[str, list[float]]:
    """The handover book's core queries as its pages run them, as the quality officer (every ward):
    a new report prepared with carry-over (the running shift of a different ward each time), the
    history's first page of 500 plus its count for a month and for a year, a year's figures with
    the bedside ratio, and the 工作台's handover to-dos. Read only."""
    from desktop_app.accounts.service import authenticate
    from desktop_app.clock import SystemClock
    from desktop_app.dashboard import StartupHealth
    from desktop_app.handover import service as handover
    from desktop_app.handover import todos
    from desktop_app.session import Session
    from desktop_app.storage.database import open_database

    out: dict[str, list[float]] = {"prepare": [], "history_month": [], "history_year": [], "figures_year": [],
                                   "todos": []}
    with open_database(db_path) as db:
        clock = SystemClock()
        session = Session(db, authenticate(db, "zhikong", "Demo2026", clock).actor, clock)
        now, today = session.now(), session.today()
        if not handover.count_reports(session, "nurse", today - dt.timedelta(days=7), today):
            return out
        unwritten = [s for s in handover.shift_board(session, "nurse", today, today) if s.report is None]
        slots = ([s for s in unwritten if s.running(now)] + unwritten)[:max(runs, 1)]
        for slot in slots:
            t = time.perf_counter()
            new = handover.prepare_report(session, slot.department_id, slot.date, slot.shift.name)
            out["prepare"].append(time.perf_counter() - t)
            assert new.previous_id is not None
        month, year = today - dt.timedelta(days=30), today - dt.timedelta(days=365)
        for _ in range(runs):
            for first, key in ((month, "history_month"), (year, "history_year")):
                t = time.perf_counter()
                rows = handover.list_reports(session, "nurse", first, today, limit=500)
                total = handover.count_reports(session, "nurse", first, today)
                out[key].append(time.perf_counter() - t)
                assert len(rows) == min(500, total)
            t = time.perf_counter()
            figures = handover.figures(session, year, today)
            out["figures_year"].append(time.perf_counter() - t)
            assert figures[-1].grade4 > 0
            t = time.perf_counter()
            todos.handover_todos(session, StartupHealth(integrity_checked=True))
            out["todos"].append(time.perf_counter() - t)
    return out


def handover_page_timings(db_path: Path, runs: int) -> dict[str, list[float]]:
    """The 交接班记录 page as 质控 opens it (every ward: the board of the last days), its history tab
    (a month of every ward, first 500 loaded, painted) and a scroll to the end of the loaded rows."""

    from desktop_app.accounts.service import authenticate
    from desktop_app.clock import SystemClock
    from desktop_app.session import Session
    from desktop_app.storage.database import open_database

    app = qt_app()
    out: dict[str, list[float]] = {"page": [], "history": [], "scroll": []}
    with open_database(db_path) as db:
        clock = SystemClock()
        session = Session(db, authenticate(db, "zhikong", "Demo2026", clock).actor, clock)
        for _ in range(runs):
            window = shown_window(app, session)
            t = time.perf_counter()
            window.navigate("handover")
            page = window.page("handover")
            app.processEvents()
            page.board.viewport().repaint()
            out["page"].append(time.perf_counter() - t)
            t = time.perf_counter()
            page.tabs.setCurrentIndex(1)
            app.processEvents()
            page.history.viewport().repaint()
            out["history"].append(time.perf_counter() - t)
            t = time.perf_counter()
            page.history.scrollToBottom()  # reaching the end of the first 500 fetches the next page
            app.processEvents()
            page.history.viewport().repaint()
            out["scroll"].append(time.perf_counter() - t)
            dispose(app, window)
    return out


def training_timings(db_path: Path, runs: int) -> dict[str, list[float]]:
    """培训记录 page opened on this year's sessions (painted), a year's coverage (last year and this
    year), and 签到 (and scores) of 200 people saved through record_sheet — on a copy of the database."""
    import shutil


    from desktop_app.accounts.service import authenticate
    from desktop_app.clock import SystemClock
    from desktop_app.session import Session
    from desktop_app.storage.database import open_database
    from desktop_app.training import coverage as training_coverage
    from desktop_app.training import service as training
    from desktop_app.training.models import Audience

    app = qt_app()
    copy = Path(tempfile.mkdtemp(prefix="qledger-bench-training-")) / "copy.db"
    shutil.copyfile(db_path, copy)
    out: dict[str, list[float]] = {"page": [], "coverage": [], "sheet": [], "sheet_scores": [], "sessions": []}
    db = open_database(copy)
    clock = SystemClock()
    session = Session(db, authenticate(db, *ADMIN, clock).actor, clock)
    today = session.today()
    if not training.list_sessions(session, today - dt.timedelta(days=365), today):
        db.close()
        return out
    out["sessions"].append(len(training.list_sessions(session, dt.date(today.year, 1, 1), dt.date(today.year, 12, 31))))
    for _ in range(runs):
        window = shown_window(app, session)
        t = time.perf_counter()
        window.navigate("training")
        page = window.page("training")
        app.processEvents()
        page.table.viewport().repaint()
        out["page"].append(time.perf_counter() - t)
        assert page.model.rowCount() > 100
        dispose(app, window)
    for _ in range(runs):
        for year in (today.year - 1, today.year):
            t = time.perf_counter()
            cov = training_coverage.coverage(session, dt.date(year, 1, 1), dt.date(year, 12, 31))
            out["coverage"].append(time.perf_counter() - t)
            assert cov.people
    people = [p["id"] for p in training.audience_people(session, Audience(everyone=True), today)][:200]
    yesterday = today - dt.timedelta(days=1)
    for n in range(runs):
        saved = training.save_session(session, {
            "title": f"基准测试培训（{n + 1}）", "category_id": training.list_categories(session)[0].id,
            "date": yesterday, "hours": 1, "form": "集中", "audience": Audience(staff=tuple(people))})
        exam = training.save_assessment(session, {"session_id": saved.id, "title": "基准测试考核"})
        rows = [{"staff_id": s, "present": i % 13 != 0, "note": None if i % 13 else "夜班"} for i, s in enumerate(people)]
        t = time.perf_counter()
        training.record_sheet(session, saved.id, rows)
        out["sheet"].append(time.perf_counter() - t)
        scores = [{"staff_id": s, "attempt": 1, "score": 60 + (i * 7) % 40} for i, s in enumerate(people) if i % 13]
        t = time.perf_counter()
        training.record_sheet(session, saved.id, rows, exam.id, scores)
        out["sheet_scores"].append(time.perf_counter() - t)
    db.close()
    return out


def surgery_timings(db_path: Path, runs: int) -> dict[str, list[float]]:
    """手术分级目录 search keystrokes (the service, and the page's model update), a surgeon's card
    (service and page), and the check of the last twelve months' operations log. Read only."""

    from desktop_app.accounts.service import authenticate
    from desktop_app.clock import SystemClock
    from desktop_app.session import Session
    from desktop_app.storage.database import open_database
    from desktop_app.surgery import catalogue as catalogues
    from desktop_app.surgery import operations, privileges

    app = qt_app()
    out: dict[str, list[float]] = {"search": [], "search_page": [], "card": [], "card_page": [], "check": [],
                                   "rows": [], "lapsing": [], "grants": []}
    keys = ("f", "fq", "fqj", "fqjd", "腹", "腹腔", "腹腔镜", "51", "51.2", "5123", "g", "gz", "骨折", "", "四",
            "tj", "jsq", "8151")
    with open_database(db_path) as db:
        clock = SystemClock()
        session = Session(db, authenticate(db, *ADMIN, clock).actor, clock)
        current = catalogues.catalogue_in_force(session)
        if current is None:
            return out
        for _ in range(runs):
            for text in keys:
                t = time.perf_counter()
                catalogues.search_procedures(session, current.id, text)
                out["search"].append(time.perf_counter() - t)
        out["grants"].append(db.scalar("SELECT count(*) FROM surgeon_privileges"))
        for _ in range(runs):
            t = time.perf_counter()
            privileges.lapsing(session, 90)
            out["lapsing"].append(time.perf_counter() - t)
        busiest = [r[0] for r in db.query("SELECT staff_id FROM surgeon_privileges GROUP BY staff_id"
                                          " ORDER BY count(*) DESC LIMIT ?", (max(runs, 1),))]
        for staff_id in busiest:
            for _ in range(runs):
                t = time.perf_counter()
                privileges.surgeon_card(session, staff_id)
                out["card"].append(time.perf_counter() - t)
        window = shown_window(app, session)
        window.navigate("surgery_catalogue")
        page = window.page("surgery_catalogue")
        app.processEvents()
        for _ in range(runs):
            for text in keys:
                page.search.blockSignals(True)  # the page waits for a pause in typing; time the reload itself
                page.search.setText(text)
                page.search.blockSignals(False)
                t = time.perf_counter()
                page.load_procedures()
                app.processEvents()
                page.table.viewport().repaint()
                out["search_page"].append(time.perf_counter() - t)
        window.navigate("surgery_privileges")
        cards = window.page("surgery_privileges")
        app.processEvents()
        for staff_id in busiest:
            for _ in range(runs):
                t = time.perf_counter()
                cards.surgeon_table.select_where(lambda s, i=staff_id: s["id"] == i)
                cards.show_card()
                app.processEvents()
                out["card_page"].append(time.perf_counter() - t)
                cards.surgeon_table.select_first()
        dispose(app, window)
        last = db.scalar("SELECT max(date) FROM operations")
        if last:
            first = (dt.date.fromisoformat(last) - dt.timedelta(days=364)).isoformat()
            rows = [{"row": i, "date": r[0], "patient_no": r[1], "code": r[2], "name": r[3], "surgeon": r[4]}
                    for i, r in enumerate(db.execute(
                        "SELECT o.date, o.patient_no, o.code, o.name, s.employee_no FROM operations o"
                        " JOIN staff s ON s.id = o.staff_id WHERE o.date >= ? AND o.date <= ? ORDER BY o.id",
                        (first, last)), 1)]
            out["rows"].append(len(rows))
            for _ in range(max(1, runs // 2)):
                t = time.perf_counter()
                result = operations.check_operations(session, rows)
                out["check"].append(time.perf_counter() - t)
                assert not result.problems and len(result.operations) == len(rows)
    return out


def surgery_scaled_timings(db_path: Path, runs: int) -> dict[str, list[float]]:
    """The surgery figures again near the issue's 20,000 grants: on a copy, every grant is repeated 12
    and 24 years back as a replaced grant (three times the demo's rows: 19,590 on the 10-year demo), so
    every surgeon's card, the lapse list and the log check read that much history."""
    import shutil

    from desktop_app.storage.database import open_database

    copy = Path(tempfile.mkdtemp(prefix="qledger-bench-grants-")) / "copy.db"
    shutil.copyfile(db_path, copy)
    with open_database(copy) as db, db.transaction():
        last = db.scalar("SELECT max(id) FROM surgeon_privileges")
        for back in ("-12 years", "-24 years"):
            db.execute(
                "INSERT INTO surgeon_privileges (staff_id, scope, grade, code, name, granted_on, valid_until,"
                " approved_by, approved_on, status, ended_on, end_reason, created_by, created_at)"
                " SELECT staff_id, scope, grade, code, name, date(granted_on, ?1), date(valid_until, ?1),"
                " approved_by, date(approved_on, ?1), '已替代', date(valid_until, ?1), '基准测试：更早的授权期',"
                " created_by, created_at FROM surgeon_privileges WHERE id <= ?2", (back, last or 0))
    try:
        return surgery_timings(copy, runs)
    finally:
        shutil.rmtree(copy.parent, ignore_errors=True)


def submission_timings(db_path: Path, runs: int) -> dict[str, list[float]]:
    """报送: the period's snapshot gathered from every module with its PDF, and its XLSX, for the last
    full half-year and the last full year (on a copy of the database)."""
    import shutil

    from desktop_app.accounts.service import authenticate
    from desktop_app.clock import SystemClock
    from desktop_app.session import Session
    from desktop_app.storage.database import open_database
    from desktop_app.submissions import reports as submission_reports
    from desktop_app.submissions import service as submissions
    from desktop_app.submissions.models import FULL_YEAR, HALF_YEAR

    folder = Path(tempfile.mkdtemp(prefix="qledger-bench-submission-"))
    copy = folder / "copy.db"
    shutil.copyfile(db_path, copy)
    out: dict[str, list[float]] = {"pdf": [], "xlsx": []}
    db = open_database(copy)
    clock = SystemClock()
    session = Session(db, authenticate(db, *ADMIN, clock).actor, clock)
    today = session.today()
    half = (HALF_YEAR, today.year) if today.month > 6 else (HALF_YEAR, today.year - 1)
    periods = {(s.period_kind, int(s.first_day[:4])): s for s in submissions.list_submissions(session)}
    # the demo has finalised them: gather each again as a draft would (build_snapshot), else draft it
    drafts = [periods.get((kind, year)) or submissions.create_submission(session, kind, year)
              for kind, year in (half, (FULL_YEAR, today.year - 1))]
    for _ in range(runs):
        for draft in drafts:
            t = time.perf_counter()
            snap = submissions.build_snapshot(session, draft)
            submission_reports.write_submission_pdf(snap, "QL-0000-0000-0000", folder / "报送.pdf")
            out["pdf"].append(time.perf_counter() - t)
            t = time.perf_counter()
            submission_reports.write_submission_xlsx(snap, "QL-0000-0000-0000", folder / "报送.xlsx")
            out["xlsx"].append(time.perf_counter() - t)
    db.close()
    shutil.rmtree(folder, ignore_errors=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the demo database")
    args = parser.parse_args()
    db = demo_database(args.years, args.rebuild)
    from desktop_app.storage.database import open_database

    with open_database(db) as d:
        staff_total = d.scalar("SELECT count(*) FROM staff")
        on_duty = d.scalar("SELECT count(*) FROM staff WHERE on_duty = 1")
        items = d.scalar("SELECT count(*) FROM ledger_items")
        inspections = d.scalar("SELECT count(*) FROM inspections")
        posts = d.scalar("SELECT count(*) FROM duty_posts WHERE active = 1")
        duties = d.scalar("SELECT count(*) FROM duty_assignments")
        reports = dict(d.query("SELECT kind, count(*) FROM handover_reports GROUP BY kind"))
        entries = d.scalar("SELECT count(*) FROM handover_entries")
        sessions = d.scalar("SELECT count(*) FROM training_sessions")
        sign_ins = d.scalar("SELECT count(*) FROM training_attendees")
        results = d.scalar("SELECT count(*) FROM assessment_results")
        versions = d.scalar("SELECT count(*) FROM surgery_catalogues")
        procedures = d.scalar("SELECT count(*) FROM surgery_procedures")
        grants = d.scalar("SELECT count(*) FROM surgeon_privileges")
        operations_count = d.scalar("SELECT count(*) FROM operations")
        submitted = d.scalar("SELECT count(*) FROM submissions WHERE status = '已定稿'")
    size_mb = db.stat().st_size / 1024 / 1024
    print(f"\n{args.years}-year demo hospital: {staff_total} staff ({on_duty} on duty), {items} ledger items,"
          f" {inspections} inspections, {posts} duty posts, {duties} duties, handover reports"
          f" {reports.get('nurse', 0)} nurse + {reports.get('doctor', 0)} doctor with {entries} entries,"
          f" {sessions} training sessions with {sign_ins} sign-in rows and {results} exam results, {versions} catalogue"
          f" versions with {procedures} procedures, {grants} grants, {operations_count} operations,"
          f" {submitted} finalised submissions, {size_mb:.1f} MB\n")
    start = cold_start(db, args.runs)
    ui = ui_timings(db, args.runs)
    export = export_timings(db, args.runs)
    duty = roster_timings(db, args.runs)
    duty_page = roster_page_timings(db, args.runs)
    book = handover_timings(db, args.runs)
    book_page = handover_page_timings(db, args.runs)
    courses = training_timings(db, args.runs)
    surgery = surgery_timings(db, args.runs)
    surgery_20k = surgery_scaled_timings(db, args.runs)
    submission = submission_timings(db, args.runs)
    rows = [
        ("cold start → login dialog usable", start["login"], "≤ 1.5 s (with the main window)"),
        ("cold start → main window usable (incl. login)", start["usable"], "≤ 1.5 s"),
        ("  of which: login → main window usable", start["after_login"], ""),
        ("open 人员 page", ui["staff_page"], "≤ 200 ms"),
        ("pinyin search keystroke (人员)", ui["keystroke"], "≤ 50 ms"),
        ("open 问题台账 page (all items)", ui["ledger_page"], "≤ 200 ms"),
        ("问题台账 filter change", ui["ledger_filter"], "≤ 50 ms"),
        ("台账统计 (all, this year)", ui["ledger_stats"], "≤ 300 ms"),
        ("XLSX export of every ledger item", export["xlsx_all"], "≤ 5 s"),
        ("PDF of the ledger since last month", export["pdf_month"], ""),
        ("open next month's roster (all posts)", duty["month"], "≤ 200 ms"),
        ("one roster assignment with its live check", duty["assign"], "≤ 50 ms"),
        ("check a whole month's roster", duty["check"], "≤ 200 ms"),
        ("open 值班表 page (next month, all posts, painted)", duty_page["page"], "≤ 200 ms"),
        ("值班表 page: switch month", duty_page["switch"], "≤ 200 ms"),
        ("值班表 page: one assignment incl. live violations", duty_page["assign"], "≤ 50 ms"),
        ("交接班: prepare a new report with carry-over", book["prepare"], "≤ 100 ms"),
        ("交接班 history: first 500 + count, a month", book["history_month"], "≤ 200 ms"),
        ("交接班 history: first 500 + count, a year", book["history_year"], "≤ 200 ms"),
        ("交接班 figures for a year (bedside ratio)", book["figures_year"], "≤ 500 ms"),
        ("工作台 handover to-dos (质控, every ward)", book["todos"], ""),
        ("open 交接班记录 page (质控: every ward's board)", book_page["page"], "≤ 200 ms"),
        ("交接班记录: history tab (a month, every ward)", book_page["history"], "≤ 200 ms"),
        ("交接班记录 history: scroll to the end (next 500)", book_page["scroll"], "no stall"),
        (f"open 培训记录 page (this year, {courses['sessions'][0] if courses['sessions'] else 0} sessions, painted)",
         courses["page"], "≤ 200 ms"),
        ("培训覆盖 for a year (last year, this year)", courses["coverage"], "≤ 1 s"),
        ("record_sheet: 签到 of 200 people", courses["sheet"], "≤ 200 ms"),
        ("record_sheet: 签到 and scores of 200 people", courses["sheet_scores"], "≤ 200 ms"),
        ("手术分级目录 search keystroke (service)", surgery["search"], "≤ 50 ms"),
        ("手术分级目录 search keystroke (service + page model)", surgery["search_page"], "≤ 50 ms"),
        ("surgeon's card (service, busiest surgeons)", surgery["card"], "≤ 100 ms"),
        ("surgeon's card (手术授权 page)", surgery["card_page"], "≤ 100 ms"),
        (f"check a year's operations log ({surgery['rows'][0] if surgery['rows'] else 0} rows)", surgery["check"],
         "≤ 3 s"),
        (f"grants lapsing within 90 days ({surgery['grants'][0] if surgery['grants'] else 0} grants)",
         surgery["lapsing"], ""),
        (f"surgeon's card (service), {surgery_20k['grants'][0] if surgery_20k['grants'] else 0} grants",
         surgery_20k["card"], "≤ 100 ms"),
        ("surgeon's card (手术授权 page), same", surgery_20k["card_page"], "≤ 100 ms"),
        ("grants lapsing within 90 days, same", surgery_20k["lapsing"], ""),
        ("check a year's operations log, same", surgery_20k["check"], "≤ 3 s"),
        ("报送: snapshot of every module + PDF (half-year, year)", submission["pdf"], "≤ 2 s"),
        ("报送: XLSX of the snapshot", submission["xlsx"], "≤ 2 s"),
    ]
    for label, samples, target in rows:
        if samples:
            print(f"{label:<48} {median_ms(samples)}  {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
