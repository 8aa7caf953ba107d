"""The long experiments, as functions the tests (small counts) and ``run.py`` (full counts) share.

* :func:`crash_run` — a forked child writes through the services (:mod:`tests.reliability.workload`)
  and is killed with SIGKILL at a random moment; after every kill the file is opened as the program
  opens it and checked: ``integrity_check``, every journalled write present, nothing half-written.
* :func:`concurrent_run` — 2–4 processes write to one file at the same time for a while; afterwards
  every process's journal is checked against the file, and so is the audit chain.

Children are made with ``os.fork`` (the parent holds no database connection at that moment), so a
kill lands in a program that is already writing rather than in Python's start-up.
"""
from __future__ import annotations

import json
import os
import random
import select
import signal
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.clock import FixedClock
from desktop_app.storage.database import open_database
from tests.reliability import checks, workload


READY_TIMEOUT = 120.0  # seconds a child may take to start writing (or to finish after its time is up)


def _clock():
    from tests.conftest import TODAY

    return FixedClock(TODAY)


@dataclass
class CrashFigures:
    kills: int = 0
    mid_call: int = 0  # kills that landed inside a service call (started, not returned)
    mid_transaction: int = 0  # … inside an open write transaction (BEGIN IMMEDIATE issued, COMMIT not returned)
    writes_verified: int = 0  # journalled writes, all present after the last kill
    checks: int = 0  # fact checks made (every kill re-checks all facts so far)
    audit_rows: int = 0
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _child(fn) -> int:
    """Fork; the child runs ``fn`` and never returns into the caller's code."""
    pid = os.fork()
    if pid:
        return pid
    code = 0
    try:
        fn()
    except BaseException:  # noqa: BLE001 - reported through the exit code and stderr
        traceback.print_exc()
        code = 70
    finally:
        os._exit(code)


def verify(db_path: Path, facts: list[dict]) -> tuple[int, list[str], int]:
    """Open the file as the program does (recovering the WAL), then every check. (facts, problems, audit rows)."""
    db = open_database(db_path, migrate=False)
    try:
        n, problems = checks.check_facts(db, facts)
        problems += checks.half_written(db)
        return n, problems, int(db.scalar("SELECT count(*) FROM audit_log"))
    finally:
        db.close()


def _fresh_copy(workdir: Path, template: Path | None, name: str) -> Path:
    """A copy of ``template`` (built in ``workdir`` when not given) to run on."""
    workdir.mkdir(parents=True, exist_ok=True)
    if template is None:
        template = workdir / "template.db"
        if not template.exists():
            workload.build_template(template, _clock())
    return workload.copy_database(template, workdir / name)


def crash_run(workdir: Path, kills: int, *, seed: int = 1, max_delay: float = 0.25, template: Path | None = None,
              progress=None) -> CrashFigures:
    db_path = _fresh_copy(workdir, template, "crash.db")
    journal, marks = workdir / "journal.jsonl", workdir / "marks.txt"
    for p in (journal, marks):
        p.unlink(missing_ok=True)
    rng = random.Random(seed)
    fig = CrashFigures()
    started = time.monotonic()
    for i in range(kills):
        r, w = os.pipe()

        def work(i=i, w=w, r=r):
            os.close(r)
            workload.run_worker(db_path, 0, seed * 100_003 + i, journal, _clock(), marks_path=marks,
                                ready=lambda: (os.write(w, b"r"), os.close(w)))

        pid = _child(work)
        os.close(w)
        ready = os.read(r, 1) if select.select([r], [], [], READY_TIMEOUT)[0] else b""
        os.close(r)
        if ready:
            time.sleep(rng.uniform(0, max_delay))
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        if not (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL):
            fig.problems.append(f"kill {i}: the writer stopped by itself (status {status}) — see stderr")
            break
        fig.kills += 1
        lines = marks.read_text().splitlines() if marks.exists() else []
        if lines and lines[-1] != "done":
            fig.mid_call += 1
        if lines and lines[-1] == "begin":
            fig.mid_transaction += 1
        marks.unlink(missing_ok=True)
        facts = workload.read_journal(journal)
        n, problems, fig.audit_rows = verify(db_path, facts)
        fig.checks += n
        fig.writes_verified = n
        if problems:
            fig.problems += [f"kill {i + 1}: {p}" for p in problems[:10]]
            break
        if progress:
            progress(fig)
    fig.seconds = time.monotonic() - started
    return fig


@dataclass
class ConcurrentFigures:
    processes: int = 0
    seconds: float = 0.0
    ops: int = 0
    busy_retries: int = 0
    begin_retries: int = 0
    backups: int = 0
    writes_verified: int = 0
    audit_rows: int = 0
    user_errors: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def concurrent_run(workdir: Path, processes: int, seconds: float, *, seed: int = 7, template: Path | None = None,
                   backups: bool = True, shared: bool = False) -> ConcurrentFigures:
    """``processes`` writers for ``seconds`` on one file; worker 0 also takes an online backup now and then
    (``backups``), as the daily backup does while someone works. ``shared``: all of them on the same
    ward, surgeon and records (see :class:`workload.Worker`)."""
    db_path = _fresh_copy(workdir, template, "shared.db")
    fig = ConcurrentFigures(processes=processes)
    pids = {}
    started = time.monotonic()
    for n in range(processes):
        journal, report = workdir / f"journal{n}.jsonl", workdir / f"tally{n}.json"
        journal.unlink(missing_ok=True)
        report.unlink(missing_ok=True)

        def work(n=n, journal=journal, report=report):
            tally = workload.run_worker(db_path, n, seed * 1000 + n, journal, _clock(), seconds=seconds,
                                        backup_every=(5.0 if backups and n == 0 else None), shared=shared)
            report.write_text(json.dumps(tally.__dict__, ensure_ascii=False), encoding="utf-8")

        pids[_child(work)] = n
    deadline = time.monotonic() + seconds + READY_TIMEOUT
    for pid, n in pids.items():
        while (waited := os.waitpid(pid, os.WNOHANG)) == (0, 0) and time.monotonic() < deadline:
            time.sleep(0.2)
        if waited == (0, 0):  # hung: never wait forever in a test
            os.kill(pid, signal.SIGKILL)
            waited = os.waitpid(pid, 0)
            fig.problems.append(f"进程 {n} 没有按时结束，已强行结束")
        if waited[1] != 0:
            fig.problems.append(f"进程 {n} 异常退出（{waited[1]}），见 stderr")
    fig.seconds = time.monotonic() - started
    facts = []
    for n in range(processes):
        report = workdir / f"tally{n}.json"
        if report.exists():
            tally = json.loads(report.read_text(encoding="utf-8"))
            fig.ops += tally["ops"]
            fig.busy_retries += tally["busy"]
            fig.backups += tally["backups"]
            fig.begin_retries += tally["begin_retries"]
            fig.user_errors += tally["user_errors"]
        facts += workload.read_journal(workdir / f"journal{n}.jsonl")
    n, problems, fig.audit_rows = verify(db_path, facts)
    fig.writes_verified = n
    fig.problems += problems
    return fig
