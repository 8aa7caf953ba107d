"""``qledger --self-test`` (or ``qledger selftest``): does this copy of the program work?

Run after every build (``build_scripts/build.py``) and by IT staff on a hospital PC after
installing. Everything happens in a temporary folder (``QLEDGER_HOME`` points there while it
runs), so the machine's data folder and database are never touched:

1. the bundled files are where the program looks for them (fonts, style sheet, icon, checklists,
   holidays, training defaults, ``db_schema.sql``, one upgrade script per data version);
2. a new empty database: the schema applied, seeded, integrity check;
3. the demo hospital (青山县人民医院, 1 year by default) built through the services;
4. one PDF and one XLSX from each module that prints (人员, 问题台账, 值班表, 交接班, 培训,
   手术分级与授权 — a module whose reports are not in this version is skipped with a line saying
   so); each PDF must have pages and the Noto Sans SC font embedded (reportlab subsets it as a
   TrueType ``/FontFile2`` named ``XXXXXX+NotoSansSC-…``), each XLSX must open with openpyxl
   and hold its sheets;
5. Qt (:mod:`ui.selftest`, imported only here): the Chinese font, the zh_CN translation, the
   icon, the platform and PDF-preview libraries, and the main window built with every page.

It prints one line per check in Chinese with an English key, then a summary; the exit code is
0 when nothing failed (skips allowed), else 1. Qt runs offscreen unless ``QT_QPA_PLATFORM``
says otherwise, so it also works over SSH and in CI.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import os
import re
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

PASS, FAIL, SKIP = "通过 PASS", "失败 FAIL", "跳过 SKIP"
FONT_NAME = "NotoSansSC"


@dataclass
class Check:
    title: str  # "人员名册 people"
    status: str = PASS
    detail: str = ""
    seconds: float = 0.0

    def line(self) -> str:
        return f"[{self.status}] {self.title}：{self.detail}（{self.seconds:.1f} s）"


@dataclass
class SelfTestResult:
    checks: list[Check] = field(default_factory=list)
    output_dir: Path | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(c.status != FAIL for c in self.checks)

    def count(self, status: str) -> int:
        return sum(c.status == status for c in self.checks)

    def summary(self) -> str:
        verdict = "全部通过 ALL PASSED" if self.ok else "有失败项 FAILED"
        return (f"自检结果 result：{verdict} — 通过 {self.count(PASS)} 项，失败 {self.count(FAIL)} 项，"
                f"跳过 {self.count(SKIP)} 项，用时 {self.seconds:.1f} s")


class CheckFailed(Exception):
    """A check found something wrong; the message (Chinese) says what."""


class Skipped(Exception):
    """Nothing to check in this version (e.g. a module whose reports are not there yet)."""


# ----------------------------------------------------------------------------- file checks


def check_pdf(path: Path) -> str:
    """A reportlab PDF with pages and the bundled CJK font embedded; returns a short description."""
    if not path.exists():
        raise CheckFailed(f"没有生成 {path.name}")
    data = path.read_bytes()
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        raise CheckFailed(f"{path.name} 不是完整的 PDF 文件（{len(data)} 字节）")
    pages = len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", data))
    if pages == 0:
        raise CheckFailed(f"{path.name} 没有页面")
    embedded = set(re.findall(rb"/BaseFont\s*/[A-Z]{6}\+(" + FONT_NAME.encode() + rb"[-\w]*)", data))
    if not embedded or b"/FontFile2" not in data:
        raise CheckFailed(f"{path.name} 没有内嵌中文字体 {FONT_NAME}（打印时会缺字）")
    faces = "、".join(sorted(name.decode() for name in embedded))
    return f"PDF {pages} 页，内嵌字体 {faces}，{len(data) / 1024:.0f} KB"


def check_xlsx(path: Path, sheets: tuple[str, ...]) -> str:
    """Opens with openpyxl, has ``sheets`` (in any order, others allowed) and a non-empty first one."""
    import openpyxl

    if not path.exists():
        raise CheckFailed(f"没有生成 {path.name}")
    try:
        workbook = openpyxl.load_workbook(path, read_only=True)
    except Exception as exc:
        raise CheckFailed(f"{path.name} 无法用 openpyxl 打开：{exc}") from exc
    try:
        missing = [name for name in sheets if name not in workbook.sheetnames]
        if missing:
            raise CheckFailed(f"{path.name} 缺少工作表 {'、'.join(missing)}（现有：{'、'.join(workbook.sheetnames)}）")
        first = workbook[sheets[0]] if sheets else workbook.worksheets[0]
        rows = sum(1 for row in first.iter_rows(values_only=True) if any(v not in (None, "") for v in row))
        if rows == 0:
            raise CheckFailed(f"{path.name} 的工作表“{first.title}”是空的")
        return f"XLSX 工作表 {'、'.join(workbook.sheetnames)}（“{first.title}” {rows} 行）"
    finally:
        workbook.close()


# ----------------------------------------------------------------------------- the steps


def check_resources() -> str:
    import json

    from desktop_app import paths
    from desktop_app.ledger.checklists import BUILTIN_FILES
    from desktop_app.storage import migrations
    from desktop_app.storage.database import SCHEMA_VERSION
    from desktop_app.training.service import DEFAULTS_FILE

    data_files = [paths.resource_path("checklists", name) for name in BUILTIN_FILES]
    data_files += [paths.resource_path("holidays", "holidays.json"), paths.resource_path(*DEFAULTS_FILE)]
    required = [paths.resource_path("fonts", name) for name in
                ("NotoSansSC-Regular.ttf", "NotoSansSC-Bold.ttf", "OFL.txt")]
    required += [paths.resource_path("style.qss"), paths.resource_path("icons", "app.svg"), paths.schema_path()]
    required += data_files
    steps = []
    for version in sorted(migrations.MIGRATIONS):
        found = sorted(migrations.STEPS_DIR.glob(f"{version:04d}_*.sql"))
        steps += found
        if not found:
            required.append(migrations.STEPS_DIR / f"{version:04d}_*.sql")
    missing = [str(p) for p in required if not p.is_file() or p.stat().st_size == 0]
    if missing:
        raise CheckFailed("找不到程序文件（程序文件夹不完整，或解压时中文文件名出错）：" + "；".join(missing))
    for path in data_files:
        try:
            json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise CheckFailed(f"{path.name} 不是有效的 JSON：{exc}") from exc
    return (f"字体、样式、图标、{len(BUILTIN_FILES)} 份检查表、节假日、培训要求、数据库结构（数据版本 {SCHEMA_VERSION}）、"
            f"{len(steps)} 个升级脚本；位置 {paths.install_root()}")


def check_schema(folder: Path) -> str:
    from desktop_app.hospital.service import initialize_database
    from desktop_app.storage.database import SCHEMA_VERSION, open_database

    path = folder / "empty.db"
    db = initialize_database(path, {"name": "自检医院", "level": "二级甲等", "region": "自检"},
                             {"username": "admin", "display_name": "自检", "password": "SelfTest2026"})
    db.close()
    db = open_database(path, check="full")
    try:
        version = db.scalar("PRAGMA user_version")
        tables = db.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table'")
        problems = db.integrity_check()
    finally:
        db.close()
    if version != SCHEMA_VERSION:
        raise CheckFailed(f"新数据库的数据版本是 {version}，应为 {SCHEMA_VERSION}")
    if problems:
        raise CheckFailed("新数据库完整性检查未通过：" + "；".join(problems[:3]))
    return f"新数据库 {tables} 个表，数据版本 {version}，完整性检查通过"


def build_demo_hospital(path: Path, years: int) -> str:
    from desktop_app.demo.hospital import build_demo

    summary = build_demo(path, years=years)
    return (f"{summary.hospital}，模拟 {years} 年，科室 {sum(summary.departments.values())} 个，"
            f"在岗 {summary.staff_on_duty} 人")


@dataclass(frozen=True)
class Output:
    """One module's printouts: ``write(session, folder)`` writes ``<key>.pdf`` and ``<key>.xlsx``."""

    key: str
    title: str
    module: str  # imported first: missing → the module is skipped (not in this version)
    sheets: tuple[str, ...]
    write: Callable


def _write_people(session, folder: Path) -> str:
    from desktop_app.people import reports as people_reports

    snapshot = people_reports.staff_list_snapshot(session)
    people_reports.write_staff_list_pdf(snapshot, folder / "people.pdf")
    people_reports.write_staff_list_xlsx(snapshot, folder / "people.xlsx")
    return f"人员名册 {len(snapshot.staff)} 人"


def _write_ledger(session, folder: Path) -> str:
    from desktop_app.ledger import reports
    from desktop_app.ledger.models import LedgerFilter

    today = session.today()
    snapshot = reports.ledger_snapshot(session, LedgerFilter(date_from=today - dt.timedelta(days=60), date_to=today))
    reports.write_ledger_pdf(snapshot, folder / "ledger.pdf")
    reports.write_ledger_xlsx(snapshot, folder / "ledger.xlsx")
    return f"近 60 天的问题台账 {len(snapshot.items)} 项"


def _write_roster(session, folder: Path) -> str:
    from desktop_app.roster import reports

    month = session.today().strftime("%Y-%m")
    snapshot = reports.roster_snapshot(session, month)
    reports.write_roster_pdf(snapshot, folder / "roster.pdf")
    reports.write_roster_xlsx(snapshot, folder / "roster.xlsx")
    return f"{month} 值班表 {len(snapshot.posts)} 个岗位"


def _write_handover(session, folder: Path) -> str:
    from desktop_app.handover import reports

    today = session.today()
    snapshot = reports.handover_snapshot(session, "nurse", today, today)
    reports.write_handover_pdf(snapshot, folder / "handover.pdf")
    reports.write_handover_xlsx(snapshot, folder / "handover.xlsx")
    return snapshot.summary()


def _write_training(session, folder: Path) -> str:
    from desktop_app.training import reports

    today = session.today()
    snapshot = reports.coverage_snapshot(session, today.replace(month=1, day=1), today)
    reports.write_coverage_pdf(snapshot, folder / "training.pdf")
    reports.write_coverage_xlsx(snapshot, folder / "training.xlsx")
    return f"培训覆盖报告（{snapshot.period()}）"


def _write_surgery(session, folder: Path) -> str:
    """The approved grading catalogue when the database has one, else the 越权手术 check (needs none)."""
    from desktop_app import errors
    from desktop_app.surgery import reports

    try:
        snapshot = reports.catalogue_snapshot(session, None)
    except errors.NotFound:
        today = session.today()
        snapshot = reports.unprivileged_snapshot(session, today.replace(month=1, day=1), today, None)
        reports.write_unprivileged_pdf(snapshot, folder / "surgery.pdf")
        reports.write_unprivileged_xlsx(snapshot, folder / "surgery.xlsx")
        return "越权手术核查（数据库中没有已批准的手术分级目录）"
    reports.write_catalogue_pdf(snapshot, folder / "surgery.pdf")
    reports.write_catalogue_xlsx(snapshot, folder / "surgery.xlsx")
    return "手术分级目录"


def _write_submission(session, folder: Path) -> str:
    """The newest submission (as archived when finalised), else a draft for the last half-year."""
    from desktop_app.submissions import reports
    from desktop_app.submissions import service as submissions
    from desktop_app.submissions.models import HALF_YEAR

    done = submissions.list_submissions(session)
    if done:
        latest = max(done, key=lambda s: s.id)
    else:
        today = session.today()
        latest = submissions.create_submission(session, HALF_YEAR, today.year if today.month > 6 else today.year - 1)
    snapshot = submissions.snapshot(session, latest.id)
    code = latest.verification_code or "草稿"
    reports.write_submission_pdf(snapshot, code, folder / "submission.pdf")
    reports.write_submission_xlsx(snapshot, code, folder / "submission.xlsx")
    return f"{latest.title} 第 {latest.version} 版（{latest.status}）"


OUTPUTS = [
    Output("people", "人员名册 people", "desktop_app.people.reports", ("人员名册",), _write_people),
    Output("ledger", "问题台账 ledger", "desktop_app.ledger.reports", ("问题台账",), _write_ledger),
    Output("roster", "值班表 roster", "desktop_app.roster.reports", ("值班表",), _write_roster),
    Output("handover", "交接班记录 handover", "desktop_app.handover.reports", ("交班报告", "统计"), _write_handover),
    Output("training", "培训覆盖 training", "desktop_app.training.reports", ("汇总", "按科室"), _write_training),
    Output("surgery", "手术分级与授权 surgery", "desktop_app.surgery.reports", (), _write_surgery),
    Output("submission", "半年/全年报送 submission", "desktop_app.submissions.reports", ("结果监测指标", "工作总结"),
           _write_submission),
]


def write_outputs(output: Output, session, folder: Path) -> str:
    try:
        importlib.import_module(output.module)
    except ModuleNotFoundError as exc:
        if exc.name and output.module.startswith(exc.name):
            raise Skipped(f"本版本没有这一模块的打印与导出（{output.module}），未检查") from exc
        raise
    what = output.write(session, folder)
    pdf = check_pdf(folder / f"{output.key}.pdf")
    xlsx = check_xlsx(folder / f"{output.key}.xlsx", output.sheets)
    return f"{what}；{pdf}；{xlsx}"


def check_gui(demo_path: Path | None, folder: Path) -> str:
    if demo_path is None:
        raise CheckFailed("演示医院没有建成，无法检查程序窗口")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    pdf = next((folder / f"{o.key}.pdf" for o in OUTPUTS if (folder / f"{o.key}.pdf").exists()), None)
    # Qt is imported from here on, never before.
    from ui.selftest import check_gui as check_qt

    return check_qt(demo_path, pdf)


# ----------------------------------------------------------------------------- running it all


@contextlib.contextmanager
def _isolated_home(folder: Path) -> Iterator[None]:
    """Point the data folder at ``folder`` so nothing touches this machine's real data."""
    old = os.environ.get("QLEDGER_HOME")
    os.environ["QLEDGER_HOME"] = str(folder)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("QLEDGER_HOME", None)
        else:
            os.environ["QLEDGER_HOME"] = old


def run_self_test(output_dir: Path | str | None = None, *, years: int = 1, gui: bool = True,
                  echo: Callable[[str], None] = print) -> SelfTestResult:
    """Run every check (each one's failure is recorded, the rest still run). Files go to
    ``output_dir`` (kept) or to a temporary folder (removed afterwards)."""
    from desktop_app import APP_NAME, __version__

    started = time.perf_counter()
    keep = output_dir is not None
    folder = Path(output_dir) if keep else Path(tempfile.mkdtemp(prefix="qledger-selftest-"))
    folder.mkdir(parents=True, exist_ok=True)
    result = SelfTestResult(output_dir=folder if keep else None)
    frozen = "已打包 frozen" if getattr(sys, "frozen", False) else "源码 source"
    echo(f"{APP_NAME} 自检 self-test — 版本 {__version__}（{frozen}，Python {sys.version.split()[0]}，{sys.platform}）")

    def step(title: str, fn: Callable[[], str]) -> bool:
        check = Check(title)
        t = time.perf_counter()
        try:
            check.detail = fn()
        except Skipped as exc:
            check.status, check.detail = SKIP, str(exc)
        except CheckFailed as exc:
            check.status, check.detail = FAIL, str(exc)
        except Exception as exc:  # noqa: BLE001 - a crash in one check is that check's failure
            check.status = FAIL
            check.detail = f"{type(exc).__name__}: {getattr(exc, 'message', exc)}\n{traceback.format_exc()}"
        check.seconds = time.perf_counter() - t
        result.checks.append(check)
        echo(check.line())
        return check.status != FAIL

    demo_path = folder / "demo.db"
    try:
        with _isolated_home(folder / "home"):
            step("程序文件 resources", check_resources)
            step("数据库结构 schema", lambda: check_schema(folder))
            demo_ok = step("演示医院 demo hospital", lambda: build_demo_hospital(demo_path, years))
            if demo_ok:
                from desktop_app.session import CLI_ACTOR, Session
                from desktop_app.storage.database import open_database

                db = open_database(demo_path)
                try:
                    session = Session(db, CLI_ACTOR)
                    for output in OUTPUTS:
                        step(output.title, lambda o=output: write_outputs(o, session, folder))
                finally:
                    db.close()
            if gui:
                step("程序界面 GUI", lambda: check_gui(demo_path if demo_ok else None, folder))
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
    result.seconds = time.perf_counter() - started
    echo(result.summary())
    if keep:
        echo(f"生成的文件保存在 files kept in：{folder}")
    return result


def cli_command(args) -> int:
    """``qledger selftest`` / ``qledger --self-test``."""
    with contextlib.suppress(AttributeError, ValueError):  # never fail on a console that cannot show a character
        sys.stdout.reconfigure(errors="replace")
    result = run_self_test(getattr(args, "output", None), years=getattr(args, "years", 1),
                           gui=not getattr(args, "no_gui", False), echo=lambda line: print(line, flush=True))
    return 0 if result.ok else 1


def register(sub) -> None:
    p = sub.add_parser("selftest", help="自检：在临时文件夹中建库、生成演示医院、导出各模块的 PDF 与 Excel 并检查，"
                                        "打开程序窗口（与 --self-test 相同）")
    p.add_argument("--output", metavar="文件夹", default=None, help="把生成的数据库、PDF 和 Excel 保留在此文件夹（默认用后即删）")
    p.add_argument("--years", type=int, default=1, metavar="年数", help="演示医院模拟的年数（默认 1；0 最快）")
    p.add_argument("--no-gui", action="store_true", help="不检查程序窗口（没有 Qt 图形库的服务器上使用）")
    p.set_defaults(func=cli_command)
