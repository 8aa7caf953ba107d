"""``qledger --self-test`` (or ``qledger selftest``): does this copy of the program work?

Run after every build (``build_scripts/build.py``) and by IT staff on a hospital PC after
installing. Everything happens in a temporary folder (``QLEDGER_HOME`` points there while it
runs), so the machine's data folder and database are never touched:

1. the bundled files are where the program looks for them (fonts, style sheet, icon, checklists,
   holidays, training defaults, ``db_schema.sql``, one upgrade script per data version);
2. a new empty database: the schema applied, seeded, integrity check;
3. the practice hospital (演练医院, :mod:`desktop_app.practice.hospital`) built through the services;
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

PASS, FAIL = "通过 PASS", "失败 FAIL"
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
                f"用时 {self.seconds:.1f} s")


class CheckFailed(Exception):
    """A check found something wrong; the message (Chinese) says what."""


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

    from desktop_app import modules, paths
    from desktop_app.ledger.checklists import BUILTIN_FILES
    from desktop_app.storage.database import SCHEMA_VERSION
    from desktop_app.training.service import DEFAULTS_FILE

    data_files = [paths.resource_path("checklists", name) for name in BUILTIN_FILES]
    data_files += [paths.resource_path("holidays", "holidays.json"), paths.resource_path(*DEFAULTS_FILE)]
    required = [paths.resource_path("fonts", name) for name in
                ("NotoSansSC-Regular.ttf", "NotoSansSC-Bold.ttf", "OFL.txt")]
    required += [paths.resource_path("style.qss"), paths.resource_path("icons", "app.svg"), paths.schema_path()]
    required += data_files
    steps = [m.schema_file(step) for m in modules.MODULES for step in m.schema]
    required += steps
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
        version = db.user_version()
        tables = len(db.table_names())
        problems = db.integrity_check()
    finally:
        db.close()
    if version != SCHEMA_VERSION:
        raise CheckFailed(f"新数据库的数据版本是 {version}，应为 {SCHEMA_VERSION}")
    if problems:
        raise CheckFailed("新数据库完整性检查未通过：" + "；".join(problems[:3]))
    return f"新数据库 {tables} 个表，数据版本 {version}，完整性检查通过"


def build_demo_hospital(path: Path) -> str:
    from desktop_app.practice.hospital import build_practice

    summary = build_practice(path)
    return f"演练医院 {summary.hospital}，科室 {summary.departments} 个，人员 {summary.staff} 人"


@dataclass(frozen=True)
class Output:
    """One module's printouts (its manifest's ``selftest``): ``write(session, pdf, xlsx)`` writes
    both files and returns a line describing them."""

    key: str
    title: str
    sheets: tuple[str, ...]
    write: Callable


def outputs() -> list[Output]:
    from desktop_app import modules

    return [Output(m.key, sample.title, sample.sheets, m.resolve(sample.write))
            for m, sample in modules.selftest_samples()]


def write_outputs(output: Output, session, folder: Path) -> str:
    pdf, xlsx = folder / f"{output.key}.pdf", folder / f"{output.key}.xlsx"
    what = output.write(session, pdf, xlsx)
    return f"{what}；{check_pdf(pdf)}；{check_xlsx(xlsx, output.sheets)}"


def check_gui(demo_path: Path | None, folder: Path) -> str:
    if demo_path is None:
        raise CheckFailed("演示医院没有建成，无法检查程序窗口")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    pdf = next((folder / f"{o.key}.pdf" for o in outputs() if (folder / f"{o.key}.pdf").exists()), None)
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


def run_self_test(output_dir: Path | str | None = None, *, gui: bool = True,
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
            demo_ok = step("演示医院 demo hospital", lambda: build_demo_hospital(demo_path))
            if demo_ok:
                from desktop_app.session import CLI_ACTOR, Session
                from desktop_app.storage.database import open_database

                db = open_database(demo_path)
                try:
                    session = Session(db, CLI_ACTOR)
                    for output in outputs():
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
    result = run_self_test(getattr(args, "output", None), gui=not getattr(args, "no_gui", False),
                           echo=lambda line: print(line, flush=True))
    return 0 if result.ok else 1


def register(sub) -> None:
    p = sub.add_parser("selftest", help="自检：在临时文件夹中建库、生成演练医院、导出各模块的 PDF 与 Excel 并检查，"
                                        "打开程序窗口（与 --self-test 相同）")
    p.add_argument("--output", metavar="文件夹", default=None, help="把生成的数据库、PDF 和 Excel 保留在此文件夹（默认用后即删）")
    p.add_argument("--no-gui", action="store_true", help="不检查程序窗口（没有 Qt 图形库的服务器上使用）")
    p.set_defaults(func=cli_command)
