"""The long reliability runs, with figures: ``.venv/bin/python tests/reliability/run.py``.

Defaults are the full versions (1,000 kills; 4 processes for 4 minutes on their own records, then 2
minutes on the same records; 400 examples per form and 400 spreadsheets; 50,001 rows); ``--quick`` runs
small counts. Exit code 1 when anything was found.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QLEDGER_HOME", tempfile.mkdtemp(prefix="qledger-home-"))


def section(title: str) -> None:
    print(f"\n== {title}", flush=True)


def crash(work: Path, template: Path, kills: int) -> list[str]:
    from tests.reliability import drivers

    section(f"崩溃：写入进程被 SIGKILL 杀死 {kills} 次")

    def progress(fig):
        if fig.kills % 100 == 0:
            print(f"  {fig.kills} 次 …", flush=True)

    fig = drivers.crash_run(work / "crash", kills, seed=2026, template=template, progress=progress)
    print(f"  杀死 {fig.kills} 次，全部通过检查：integrity_check、外键、审计哈希链、无半条记录")
    print(f"  其中 {fig.mid_call} 次落在服务调用之中，{fig.mid_transaction} 次落在已开始的写事务之中")
    print(f"  已确认提交的写入 {fig.writes_verified} 条，每次杀死后全部核对（累计核对 {fig.checks} 次）；"
          f"审计记录 {fig.audit_rows} 条；用时 {fig.seconds:.0f} 秒")
    return fig.problems


def concurrent(work: Path, template: Path, processes: int, minutes: float, *, shared: bool) -> list[str]:
    from collections import Counter

    from tests.reliability import drivers

    what = "同一病区、同一批记录" if shared else "各自的病区与记录"
    section(f"多个程序同写一个文件：{processes} 个进程，{minutes:g} 分钟，{what}")
    fig = drivers.concurrent_run(work / ("shared" if shared else "concurrent"), processes, minutes * 60,
                                 template=template, shared=shared)
    print(f"  {fig.processes} 个进程同时写入 {fig.seconds / 60:.1f} 分钟：{fig.ops} 次服务调用，"
          f"{fig.backups} 次在线备份；写事务开始时等待超过 4 秒而自动重试 {fig.begin_retries} 次，"
          f"重试后仍忙而提示用户 {fig.busy_retries} 次")
    def kind(e: str) -> str:
        for key, label in (("刚被他人", "刚被他人处理过，本次没有写入"), ("已经存在", "同一班次已有交接班记录"),
                           ("不能", "状态已被他人改变，不能再这样操作"), ("当前为", "状态已被他人改变，不能再这样操作")):
            if key in e:
                return label
        return e[:60]

    kinds = Counter(kind(e) for e in fig.user_errors)
    print(f"  用户看到的提示 {len(fig.user_errors)} 个" + (f"（{'；'.join(f'{k} ×{n}' for k, n in kinds.most_common(6))}）"
                                                     if fig.user_errors else ""))
    print(f"  已确认的写入 {fig.writes_verified} 条全部在库；审计记录 {fig.audit_rows} 条，哈希链完整；"
          f"无半条记录、无被覆盖的签名或状态")
    calm = ("本次没有写入", "已经存在", "不能", "当前为")
    odd = [e for e in fig.user_errors if not (shared and e.startswith("Conflict: ") and any(w in e for w in calm))]
    return fig.problems + odd


def corruption(work: Path) -> list[str]:
    import shutil

    from desktop_app import errors
    from desktop_app.backup.service import make_backup, newest_good_backup
    from desktop_app.storage.database import open_database
    from tests.reliability import damage, drivers, workload

    section("文件损坏")
    base = work / "damage" / "base"
    base.mkdir(parents=True, exist_ok=True)
    src = workload.copy_database(work / "template.db", base / "q.db")
    workload.run_worker(src, 0, 9, base / "j.jsonl", drivers._clock(), seconds=3)
    db = open_database(src)
    make_backup(db, clock=drivers._clock())
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    problems = []
    seen = {}
    for kind in (*damage.DAMAGE, "random-bytes", "newer-version"):
        found = offered = 0
        seeds = range(25 if kind in ("random-page", "random-bytes", "truncated", "truncated-mid-page") else 3)
        for seed in seeds:
            folder = work / "damage" / f"{kind}-{seed}"
            shutil.rmtree(folder, ignore_errors=True)
            shutil.copytree(base, folder)
            path = folder / "q.db"
            before = damage.files_state(folder / "backups")
            damage.damage(kind, path, seed)
            exc = damage.open_like_the_program(path)
            if exc is not None and damage.has_chinese(exc.message):
                found += 1
            if exc is not None and exc_offer(exc) and newest_good_backup(path) is not None:
                offered += 1
            if damage.files_state(folder / "backups") != before:
                problems.append(f"{kind}: a backup changed")
            shutil.rmtree(folder, ignore_errors=True)
        seen[kind] = (found, offered, len(seeds))
        print(f"  {kind:20s} 发现 {found}/{len(seeds)}，提供最近的有效备份 {offered}/{len(seeds)}")
        if kind in damage.DAMAGE and found != len(seeds):
            problems.append(f"{kind}: not noticed {len(seeds) - found} times")
    print("  （random-bytes 为 64 字节的随机改写：落在记录内容中的改动 SQLite 无从分辨，只有破坏结构的才能发现；"
          "newer-version 不提供旧备份：恢复旧备份会丢掉新版本写入的数据）")
    with damage.small_filesystem(4096) as folder:
        print(f"  磁盘已满：{'4 MB 的 tmpfs' if folder else 'SQLite max_page_count（无法挂载 tmpfs）'}，"
              "见 tests/reliability/test_corruption.py")
    del errors
    return problems


def exc_offer(exc) -> bool:
    return bool(getattr(exc, "offer_backup", False))


def hostile(work: Path, template: Path, examples: int, rows_50k: bool) -> list[str]:
    import shutil

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from desktop_app.storage.database import open_database
    from tests.reliability import drivers, hostile as h

    section(f"恶意输入（Hypothesis，每个表单 {examples} 组，{examples} 个随机表格文件）")
    path = work / "hostile.db"
    shutil.copyfile(template, path)
    db = open_database(path)
    clock = drivers._clock()
    ctx = h.form_context(db, clock)
    problems = []
    opts = dict(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def form_run(name, fn, good):
        @settings(**opts)
        @given(h.form_values(good))
        def run(values):
            h.try_form(db, clock, name, fn, values)
        return run

    for name, (fn, good) in h.forms(ctx).items():
        try:
            form_run(name, fn, good)()
        except Exception as exc:  # noqa: BLE001 - a finding, printed
            problems.append(f"表单“{name}”：{type(exc).__name__}: {exc}")
    counter = iter(range(10**9))
    files = work / "hostile-files"
    files.mkdir(exist_ok=True)

    @settings(**opts)
    @given(h.workbooks(), st.booleans())
    def run_files(rows, formulas):
        p = h.write_rows(files / f"fuzz{next(counter) % 50}.xlsx", rows, formulas=formulas)
        h.feed(db, clock, ctx, p)

    try:
        run_files()
    except Exception as exc:  # noqa: BLE001
        problems.append(f"导入：{type(exc).__name__}: {exc}")
    malformed = h.malformed_files(work / "malformed", rows_50k=rows_50k)
    before = h.fingerprint(db)
    for p in malformed.values():
        try:
            h.feed(db, clock, ctx, p)
        except Exception as exc:  # noqa: BLE001
            problems.append(f"{p.name}: {type(exc).__name__}: {exc}")
    if h.fingerprint(db) != before:
        problems.append("a malformed file changed the database")
    db.close()
    c = h.COUNTS
    print(f"  表单提交 {c.forms} 次（{len(h.forms(ctx))} 个表单）；表格文件 {c.files} 个"
          f"（其中特制的坏文件 {len(malformed)} 个：{', '.join(malformed)}），"
          f"送入 6 个导入功能共 {c.imports} 次")
    print(f"  以中文提示拒绝 {c.refused} 次，拒绝时数据库未变；其他异常 {len(problems)} 个")
    return problems + c.failures


def pytest_figures(args: list[str], pattern: str) -> list[str]:
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", *args],
                         capture_output=True, text=True, cwd=ROOT)
    for line in out.stdout.splitlines():
        if re.search(pattern, line):
            print("  " + line.strip())
    tail = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else out.stderr[-300:]
    print(f"  pytest：{tail}")
    return [] if out.returncode == 0 else [f"pytest {' '.join(args)} failed"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--minutes", type=float, default=4.0)
    parser.add_argument("--shared-minutes", type=float, default=2.0, help="the same records, several processes")
    parser.add_argument("--examples", type=int, default=400)
    parser.add_argument("--quick", action="store_true", help="small counts (development)")
    parser.add_argument("--only", nargs="*", default=(), help="crash concurrent corruption hostile audit roles")
    args = parser.parse_args()
    if args.quick:
        args.kills, args.minutes, args.shared_minutes, args.examples = 20, 0.25, 0.25, 10
    from desktop_app.clock import FixedClock
    from tests.conftest import TODAY
    from tests.reliability import workload

    work = Path(tempfile.mkdtemp(prefix="qledger-reliability-"))
    template = work / "template.db"
    workload.build_template(template, FixedClock(TODAY))
    started = time.monotonic()
    want = set(args.only) or {"crash", "concurrent", "corruption", "hostile", "audit", "roles"}
    problems: list[str] = []
    if "crash" in want:
        problems += crash(work, template, args.kills)
    if "concurrent" in want:
        problems += concurrent(work, template, args.processes, args.minutes, shared=False)
        problems += concurrent(work, template, args.processes, args.shared_minutes, shared=True)
    if "corruption" in want:
        problems += corruption(work)
    if "hostile" in want:
        problems += hostile(work, template, args.examples, rows_50k=not args.quick)
    if "audit" in want:
        section("审计日志篡改（qledger audit verify）")
        problems += pytest_figures(["tests/reliability/test_audit_tamper.py", "-vv"], r"PASSED|FAILED")
    if "roles" in want:
        section("权限：每个角色调用每个服务操作")
        problems += pytest_figures(["tests/core/test_role_matrix.py", "-k", "test_role_matrix"], "个操作，允许")
    section(f"共用时 {(time.monotonic() - started) / 60:.1f} 分钟；发现问题 {len(problems)} 个")
    for p in problems[:50]:
        print("  " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
