"""A writer that works through the core services the way a ward, the 质控办 and the 医务科 do, and
keeps a journal of what it was told was saved.

* :func:`build_template` makes the database every run starts from: the small hospital, one nurse
  ward per worker (two nurses with accounts each, so reports can be handed over and received),
  a licensed surgeon per worker, an approved surgery catalogue with 三、四级 procedures.
* :class:`Worker` performs one random write per :meth:`Worker.step` — a ledger item registered or
  moved one step along its rectification loop, a handover report with 1–4 patient entries created,
  signed by the outgoing nurse, bedside-recorded and received with the receiver's password, a
  training session planned, its attendance recorded, an assessment and its scores, a surgeon's
  grant (by grade or procedure by procedure) or its suspension/resumption — and, **after the call
  returned**, appends one JSON line (a *fact*) to its journal and fsyncs it. A line in the journal
  is therefore a write the program reported as committed.
* :func:`check_facts` and :func:`half_written` (in :mod:`tests.reliability.checks`) say whether the
  database still holds every journalled fact and nothing half-written.

Each worker works on its own ward and on the records it created (recognised by a ``W<n>|`` prefix),
so several workers on one file never legitimately contradict each other: any error other than the
calm busy/locked class is a finding.
"""
from __future__ import annotations

import json
import os
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app import errors
from desktop_app.session import SYSTEM_ACTOR, Session

PASSWORD = "Passw0rd1"
CENSUS = {"原有": 30, "入院": 1, "转入": 0, "出院": 1, "转出": 0, "死亡": 0, "现有": 30, "手术": 0, "分娩": 0,
          "病危": 1, "病重": 0, "一级护理": 3}
ENTRY_KINDS = ("病危", "病重", "手术", "异常")
MAX_WORKERS = 4
GRADE3_CODES = ("43.7x01", "52.7x01", "37.3401", "81.5101")


def build_template(path: Path, clock, workers: int = MAX_WORKERS) -> None:
    """The starting database (see the module docstring); closed and checkpointed when it returns."""
    from desktop_app.accounts import service as accounts
    from desktop_app.hospital.service import initialize_database
    from desktop_app.people import service as people
    from desktop_app.surgery import catalogue as catalogues
    from tests.conftest import PROFILE
    from tests.factories import build_small_hospital

    db = initialize_database(path, PROFILE, {"username": "admin", "display_name": "管理员", "password": "Admin2026"},
                             clock=clock)
    system = Session(db, SYSTEM_ACTOR, clock)
    h = build_small_hospital(system)
    for n in range(workers):
        ward = people.create_department(system, {"name": f"可靠性病区{n}", "kind": "护理单元",
                                                 "parent_id": h.departments["内科"]}).id
        for role, name in (("out", "交班"), ("in", "接班")):
            staff = people.create_staff(system, {"employee_no": f"R{n}{role}", "name": f"{'甲乙丙丁'[n]}{name}护士",
                                                 "department_id": ward, "category": "护士", "title": "护师"}).id
            accounts.create_user(system, {"username": f"w{n}_{role}", "display_name": f"{'甲乙丙丁'[n]}{name}护士",
                                          "role": "clinician", "staff_id": staff}, PASSWORD)
    for k in range(workers):
        people.create_staff(system, {"employee_no": f"S{k}", "name": f"外科{'甲乙丙丁'[k]}医师", "department_id": h.departments["外科"],
                                     "category": "医师", "title": "主任医师", "licence_no": f"11034000009{k:04d}"})
    book = catalogues.create_catalogue(system, {"name": "手术分级管理目录（可靠性）", "effective_date": "2026-01-01"})
    for code, name, grade in (("47.0901", "阑尾切除术", 1), ("43.7x01", "胃大部切除伴胃空肠吻合术", 3),
                              ("52.7x01", "胰十二指肠切除术", 3), ("37.3401", "经皮心内膜射频消融术", 3),
                              ("81.5101", "全髋关节置换术", 3)):
        catalogues.save_procedure(system, book.id, {"code": code, "name": name, "grade": grade,
                                                    "department_id": h.departments["外科"]})
    catalogues.approve_catalogue(system, book.id, "医疗质量与安全管理委员会", "2025-12-20", "2026-01-01")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def copy_database(template: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(template, target)
    return target


class Journal:
    """Append-only, one JSON line per committed write, fsync'd before the next write starts."""

    def __init__(self, path: Path):
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def write(self, fact: dict) -> None:
        os.write(self.fd, (json.dumps(fact, ensure_ascii=False) + "\n").encode("utf-8"))
        os.fsync(self.fd)

    def close(self) -> None:
        os.close(self.fd)


def read_journal(path: Path) -> list[dict]:
    """The complete lines (a line cut short by a kill was never finished: its write is not claimed)."""
    if not path.exists():
        return []
    facts = []
    for line in path.read_bytes().split(b"\n"):
        if not line:
            continue
        try:
            facts.append(json.loads(line))
        except ValueError:
            continue
    return facts


@dataclass
class Tally:
    ops: int = 0
    busy: int = 0  # StorageEnvironmentError (busy/locked) met by the caller and retried
    backups: int = 0  # verified online backups taken while the others wrote
    begin_retries: int = 0  # BEGIN IMMEDIATE tried again inside the transaction helper (busy > busy_timeout)
    user_errors: list[str] = field(default_factory=list)  # anything else a user would see: findings


class Worker:
    def __init__(self, db_path: Path, number: int, seed: int, journal: Journal | None, clock, *, marks_fd=None,
                 shared: bool = False):
        """``shared``: work on the same ward, surgeon and records as every other shared worker, choosing
        among the newest two records, so two processes often act on the same one at the same time."""
        from desktop_app.storage.database import open_database

        self.db = open_database(db_path, migrate=False)
        self.n = number
        self.rng = random.Random(seed)
        self.journal = journal
        self.marks_fd = marks_fd  # "started" marks, unsynced (a kill keeps what was written)
        self.clock = clock
        home = 0 if shared else number
        self.tag = "W|" if shared else f"W{number}|"
        self.pick = " ORDER BY id DESC LIMIT 1 OFFSET abs(random() % 2)" if shared else " ORDER BY random() LIMIT 1"
        self.system = Session(self.db, SYSTEM_ACTOR, clock)
        ward = self.db.query_one("SELECT id FROM departments WHERE name = ?", (f"可靠性病区{home}",))
        self.ward = ward["id"]
        from desktop_app.accounts.service import _get_user

        out_id = self.db.scalar("SELECT id FROM users WHERE username = ?", (f"w{home}_out",))
        self.nurse = Session(self.db, _get_user(self.db, out_id).actor(), clock)
        self.receiver = f"w{home}_in"
        self.inner = self.db.scalar("SELECT id FROM departments WHERE name = '内科'")
        self.category = self.db.scalar("SELECT id FROM training_categories ORDER BY id LIMIT 1")
        self.surgeon = self.db.scalar("SELECT id FROM staff WHERE employee_no = ?", (f"S{home}",))
        self.tally = Tally()

    def close(self) -> None:
        self.db.close()

    # -- the loop
    OPS = (("ledger_register", 4), ("ledger_step", 5), ("handover_create", 3), ("handover_sign", 3),
           ("handover_receive", 3), ("training_session", 2), ("training_attendance", 2), ("training_scores", 2),
           ("surgery_grant", 3), ("surgery_status", 2))

    def step(self) -> None:
        names, weights = zip(*self.OPS)
        name = self.rng.choices(names, weights)[0]
        if self.marks_fd is not None:
            os.write(self.marks_fd, f"start {name}\n".encode())
        facts = getattr(self, name)()
        for fact in facts:
            fact["w"] = self.n
            if self.journal is not None:
                self.journal.write(fact)
        if self.marks_fd is not None:
            os.write(self.marks_fd, b"done\n")
        self.tally.ops += 1

    def _text(self, what: str) -> str:
        return f"{self.tag}{what}{self.rng.randrange(10**6)}"

    # -- 问题台账
    def ledger_register(self) -> list[dict]:
        from desktop_app.ledger import service as ledger

        description = self._text("问题描述：病历书写不及时，")
        item = ledger.register_item(self.system, {
            "found_on": "2026-11-0" + str(self.rng.randint(1, 9)), "deadline": "2026-12-31", "source": "自查",
            "category": "病历管理制度", "description": description, "department_id": self.inner})
        return [{"t": "ledger", "uid": item.uid, "number": item.number, "description": description,
                 "events": ["登记"], "status": item.status}]

    def ledger_step(self) -> list[dict]:
        from desktop_app.ledger import service as ledger

        row = self.db.query_one(
            "SELECT id FROM ledger_items WHERE description LIKE ? AND status <> '已销号'" + self.pick,
            (self.tag + "%",))
        if row is None:
            return self.ledger_register()
        item = ledger.get_item(self.system, row["id"])
        if item.status in ("待整改", "整改中"):
            if item.status == "整改中" and self.rng.random() < 0.6:
                item = ledger.submit_for_recheck(self.system, item.id, {"progress": self._text("已整改，佐证：")})
            else:
                item = ledger.save_rectification(self.system, item.id, {
                    "cause_analysis": self._text("原因："), "measures": self._text("措施："), "responsible_person": "王芳"})
        else:
            item = ledger.recheck(self.system, item.id, {"recheck_opinion": self._text("复查："), "rechecker": "周明",
                                                         "recheck_on": "2026-11-23"}, passed=self.rng.random() < 0.7)
        events = [e.event for e in ledger.timeline(self.system, item.id)]
        return [{"t": "ledger", "uid": item.uid, "number": item.number, "description": item.description,
                 "events": events, "status": item.status}]

    # -- 交接班
    def _next_slot(self) -> tuple[str, str]:
        import datetime as dt

        from desktop_app.handover import service as handover

        template = handover.get_template(self.system, self.ward, "nurse")
        used = self.db.scalar("SELECT count(*) FROM handover_reports WHERE department_id = ?", (self.ward,))
        shifts = template.shifts
        day = dt.date(2026, 11, 22) - dt.timedelta(days=used // len(shifts))
        return day.isoformat(), shifts[used % len(shifts)].name

    def handover_create(self) -> list[dict]:
        from desktop_app.handover import service as handover

        day, shift = self._next_slot()
        k = self.rng.randint(1, 4)
        entries = [{"category": self.rng.choice(ENTRY_KINDS), "bed": str(b + 1), "patient_name": f"患者{b}",
                    "diagnosis": "心衰"} for b in range(k)]
        report = handover.create_report(self.nurse, self.ward, day, shift, "nurse", {
            "census": CENSUS, "items": [{"name": "抢救车", "expected": None, "ok": True}], "entries": entries,
            "notes": f"{self.tag}条目{k}"})
        return [{"t": "handover", "uid": report.uid, "entries": k, "status": report.status}]

    def _report(self, status: str):
        return self.db.query_one("SELECT id FROM handover_reports WHERE department_id = ? AND status = ?"
                                 "" + self.pick, (self.ward, status))

    def handover_sign(self) -> list[dict]:
        from desktop_app.handover import service as handover

        row = self._report("草稿")
        if row is None:
            return self.handover_create()
        report = handover.sign_outgoing(self.nurse, row["id"])
        return [{"t": "handover", "uid": report.uid, "entries": len(report.entries), "status": report.status}]

    def handover_receive(self) -> list[dict]:
        from desktop_app.handover import service as handover

        row = self._report("已交班")
        if row is None:
            return self.handover_sign()
        report = handover.get_report(self.nurse, row["id"])
        facts = []
        for e in report.entries:
            if e.needs_bedside and not e.bedside_at:
                report = handover.record_bedside(self.nurse, report.id, e.uid, "2026-11-22 08:05",
                                                 f"床旁交接记录单第 {self.rng.randint(1, 99)} 页")
                facts.append({"t": "bedside", "uid": e.uid})
        report = handover.sign_receive(self.nurse, report.id, self.receiver, PASSWORD)
        return facts + [{"t": "handover", "uid": report.uid, "entries": len(report.entries), "status": report.status}]

    # -- 培训考核
    def training_session(self) -> list[dict]:
        from desktop_app.training import service as training

        s = training.save_session(self.system, {
            "title": self._text("核心制度培训"), "category_id": self.category, "date": "2026-11-1" + str(self.rng.randint(0, 9)),
            "hours": 2, "audience": {"departments": [self.ward]}})
        return [{"t": "training", "uid": s.uid, "expected": s.expected, "present": None}]

    def training_attendance(self) -> list[dict]:
        from desktop_app.training import service as training

        row = self.db.query_one("SELECT id FROM training_sessions WHERE title LIKE ?" + self.pick,
                                (self.tag + "%",))
        if row is None:
            return self.training_session()
        s = training.get_session(self.system, row["id"])
        rows = [{"staff_id": a.staff_id, "present": self.rng.random() < 0.8} for a in s.attendees if a.expected]
        s = training.record_attendance(self.system, s.id, rows)
        present = sum(1 for r in rows if r["present"])
        return [{"t": "training", "uid": s.uid, "expected": s.expected, "present": present}]

    def training_scores(self) -> list[dict]:
        from desktop_app.training import service as training

        row = self.db.query_one("SELECT id FROM training_sessions WHERE title LIKE ? AND attendance_recorded = 1"
                                "" + self.pick, (self.tag + "%",))
        if row is None:
            return self.training_attendance()
        s = training.get_session(self.system, row["id"])
        a = training.save_assessment(self.system, {"session_id": s.id, "full_mark": 100, "pass_mark": 60})
        rows = [{"staff_id": x.staff_id, "score": self.rng.randint(40, 100)} for x in s.attendees if x.present]
        a = training.record_scores(self.system, a.id, rows)
        return [{"t": "assessment", "uid": a.uid, "results": len(rows)}]

    # -- 手术授权
    def surgery_grant(self) -> list[dict]:
        from desktop_app.surgery import privileges

        surgeon = self.surgeon
        if self.rng.random() < 0.5:
            made = privileges.grant(self.system, surgeon, {"scope": "grade", "grade": self.rng.randint(1, 2),
                                                           "reason": self._text("授权")})
        else:
            codes = self.rng.sample(GRADE3_CODES, self.rng.randint(1, 3))
            made = privileges.grant(self.system, surgeon, {"scope": "procedure", "codes": codes,
                                                           "reason": self._text("授权")})
        return [{"t": "privilege", "uid": p.uid} for p in made]

    def surgery_status(self) -> list[dict]:
        from desktop_app.surgery import privileges

        row = self.db.query_one("SELECT id, status FROM surgeon_privileges WHERE status IN ('有效', '暂停')"
                                " AND staff_id = ?" + self.pick, (self.surgeon,))
        if row is None:
            return self.surgery_grant()
        if row["status"] == "有效":
            p = privileges.change_status(self.system, row["id"], "suspend", None, self._text("暂停："))
        else:
            p = privileges.change_status(self.system, row["id"], "resume", None, "")
        return [{"t": "privilege", "uid": p.uid}]


def _mark_transactions(fd: int) -> None:
    """In this (child) process, write "begin"/"commit" marks around every outermost write transaction,
    so the parent can tell whether a kill landed inside one. Unsynced: a killed process's writes stay."""
    import contextlib

    from desktop_app.storage.database import Database

    original = Database.transaction

    @contextlib.contextmanager
    def marked(self):
        outer = not self.in_transaction
        if outer:
            os.write(fd, b"begin\n")
        with original(self) as db:
            yield db
        if outer:
            os.write(fd, b"commit\n")

    Database.transaction = marked


def run_worker(db_path: Path, number: int, seed: int, journal_path: Path, clock, *, seconds: float | None = None,
               ready=None, marks_path: Path | None = None, backup_every: float | None = None,
               shared: bool = False) -> Tally:
    """Write until ``seconds`` have passed (or forever: until killed); every ``backup_every`` seconds take
    an online backup as the daily backup does. Busy/locked errors are counted and the step retried (as a
    user would after the calm message); any other error a user would see is recorded in the tally."""
    import time

    from desktop_app.backup.service import make_backup

    journal = Journal(journal_path)
    marks_fd = os.open(marks_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644) if marks_path else None
    if marks_fd is not None:
        _mark_transactions(marks_fd)
    worker = Worker(db_path, number, seed, journal, clock, marks_fd=marks_fd, shared=shared)
    if ready is not None:
        ready()
    now = time.monotonic()
    end = None if seconds is None else now + seconds
    next_backup = None if backup_every is None else now + backup_every
    try:
        while end is None or time.monotonic() < end:
            try:
                if next_backup is not None and time.monotonic() >= next_backup:
                    make_backup(worker.db, reason="手动", clock=clock)
                    worker.tally.backups += 1
                    next_backup = time.monotonic() + backup_every
                else:
                    worker.step()
            except errors.StorageEnvironmentError as exc:
                if not exc.retry_possible:
                    raise
                worker.tally.busy += 1
                time.sleep(0.05)
            except errors.UserError as exc:
                worker.tally.user_errors.append(f"{type(exc).__name__}: {exc.message}")
    finally:
        worker.tally.begin_retries = worker.db.busy_retries
        worker.close()
        journal.close()
    return worker.tally
