"""``qledger`` — the command line. With no subcommand it opens the window.

Subcommands run as the system actor (they are for the machine's administrator and for
scheduled tasks), and every change they make is audited like any other. Each module adds its
subcommands through a ``register(subparsers)`` function in the submodule its manifest names as
``cli``; the program-wide ones are listed in :data:`PROGRAM_COMMANDS`. Heavy libraries are
imported only inside the handlers so that starting the window stays fast.

What the modules' commands share lives here: the database session (:func:`cli_session`), an
Excel import's preview/apply (:func:`run_import`), and the options they all read — a date, a
``--from``/``--to`` period, a department by name, and the output file whose extension chooses
the writer (:func:`output_writer`) — each with its Chinese message saying what to fix.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib
import json
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from desktop_app import APP_NAME, __version__

PROGRAM_COMMANDS = ["desktop_app.practice.cli", "desktop_app.selftest"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def db_path_from_args(args) -> Path:
    from desktop_app.paths import default_db_path

    return Path(args.db) if getattr(args, "db", None) else default_db_path()


@contextlib.contextmanager
def cli_session(args, *, check: str = "none"):
    """The database named by ``--db`` (or the default one), opened as the command line."""
    from desktop_app.session import CLI_ACTOR, Session
    from desktop_app.storage.database import open_database

    db = open_database(db_path_from_args(args), check=check)
    try:
        yield Session(db, CLI_ACTOR)
    finally:
        db.close()


def add_db_option(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    # Subcommands must not reset a --db given before the subcommand: SUPPRESS keeps it.
    parser.add_argument("--db", metavar="文件", default=None if top else argparse.SUPPRESS,
                        help="数据库文件（默认：本机数据文件夹中的 qledger.db）")


def print_json(value) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def run_import(args, preview, apply, *, notes=None) -> int:
    """An Excel import's two steps from the command line: ``preview(session)`` makes the plan, whose
    summary goes to stdout and every finding (by ``plan.finding_text`` if it has one), then the
    lines of ``notes(plan)``, to stderr; errors end it with exit 1 and nothing written; without
    ``--apply`` it stops after the preview; else ``apply(session, plan)`` writes and returns the
    line to print."""
    with cli_session(args) as session:
        plan = preview(session)
        print(f"{plan.file_name}：{plan.summary()}")
        text = getattr(plan, "finding_text", None) or (lambda f: f.text())
        for finding in plan.findings:
            print(("错误　" if finding.is_error else "提醒　") + text(finding), file=sys.stderr)
        for line in notes(plan) if notes else ():
            print(line, file=sys.stderr)
        if not plan.can_apply:
            print("文件有错误，未写入任何数据。请按上面的行号、列号改正后再导入。", file=sys.stderr)
            return EXIT_FAILED
        if not args.apply:
            print("这是预览，未写入数据；确认无误后加 --apply 导入。")
            return EXIT_OK
        print(apply(session, plan))
    return EXIT_OK


# ----------------------------------------------------------------------------- options every domain reads


def date_option(text: str | None, option: str) -> dt.date | None:
    """The date given to ``option`` (``--from``, ``--date`` …) in any spelling people use
    (2026-03-05, 2026/3/5, 2026年3月5日); None when the option was not given."""
    from desktop_app import errors
    from desktop_app.textnorm import parse_date

    try:
        return parse_date(text)
    except ValueError:
        raise errors.UserError(f"{option} 的日期“{text}”无法识别，请写成 2026-03-05。") from None


def period_options(args, *, what: str = "日期", example: tuple[str, str] = ("2026-01-01", "2026-12-31")
                   ) -> tuple[dt.date, dt.date]:
    """``--from`` and ``--to`` (``args.date_from``, ``args.date_to``), both required, as dates. Their
    order is the service's to check (:func:`desktop_app.periods.date_range`)."""
    from desktop_app import errors

    first, last = date_option(args.date_from, "--from"), date_option(args.date_to, "--to")
    if first is None or last is None:
        raise errors.UserError(f"请用 --from 和 --to 写明{what}，例如 --from {example[0]} --to {example[1]}。")
    return first, last


def department_option(session, name: str, option: str = "--department") -> int:
    """The department called ``name`` (exactly, spaces around it ignored), or a message listing them all."""
    from desktop_app import errors
    from desktop_app.people import repo

    found = repo.department_id_named(session.db, name.strip())
    if found is None:
        known = "、".join(repo.department_ids_by_name(session.db))
        raise errors.UserError(f"科室“{name}”不存在。已有的科室：{known}。请按上面的名称填写 {option}。")
    return found


def output_path(path, formats: Mapping[str, str], *, what: str = "", hint: str = "") -> Path:
    """``path`` when its extension is one of ``formats`` (extension → what that format is for, listed
    in this order), else a message naming the file, what it is, the extensions allowed and what to
    change; ``hint`` (e.g. "（或用 qledger handover export 导出表格）") goes before the full stop."""
    from desktop_app import errors

    out = Path(path)
    if out.suffix.lower() in formats:
        return out
    subject = f"{what}的输出文件" if what else "输出文件"
    if len(formats) == 1:
        (suffix,) = formats
        raise errors.UserError(f"{subject}须为 {suffix} 文件，请把“{out.name}”的扩展名改为 {suffix}{hint}。")
    listed = [f"{suffix}（{use}）" for suffix, use in formats.items()]
    allowed = "、".join(listed[:-1]) + "或 " + listed[-1]
    raise errors.UserError(f"{subject}“{out.name}”的扩展名须为 {allowed}，请改用其中一种{hint}。")


def output_writer(path, writers: Mapping[str, tuple[str, Callable]], *, what: str = "",
                  hint: str = "") -> tuple[Path, Callable]:
    """The output file and the writer its extension chooses, e.g. ``{".pdf": ("打印", write_pdf),
    ".xlsx": ("表格", write_xlsx)}``; any other extension is refused as :func:`output_path` does,
    before any work is done."""
    out = output_path(path, {suffix: use for suffix, (use, _w) in writers.items()}, what=what, hint=hint)
    return out, writers[out.suffix.lower()][1]


# ----------------------------------------------------------------------------- built-in commands


def cmd_gui(args) -> int:
    from ui.app import run_gui  # the only place the GUI is imported

    return run_gui(db_path=Path(args.db) if args.db else None)


def cmd_info(args) -> int:
    from desktop_app import paths
    from desktop_app.storage.database import SCHEMA_VERSION

    print_json({
        "程序": APP_NAME, "版本": __version__, "数据版本": SCHEMA_VERSION,
        "数据文件夹": str(paths.data_dir()), "数据库": str(db_path_from_args(args)),
        "便携模式": paths.is_portable(), "备份文件夹": str(paths.backup_dir(db_path_from_args(args))),
    })
    return EXIT_OK


def print_backup_offer(db_path: Path) -> None:
    """After damage: the newest backup that still verifies, and how to restore it (to stderr)."""
    from desktop_app.backup.service import newest_good_backup

    backup = newest_good_backup(db_path)
    if backup is None:
        print("没有找到有效的备份。请不要删除或覆盖数据库文件，尽快联系信息科。", file=sys.stderr)
    else:
        print(f"最近的有效备份：{backup.path}（{backup.describe()}）。\n"
              "恢复：qledger restore --latest（恢复前会把当前文件另存一份，不会覆盖任何备份）。", file=sys.stderr)


def cmd_check(args) -> int:
    with cli_session(args) as session:
        problems = session.db.integrity_check()
    if problems:
        print("数据库完整性检查未通过：\n" + "\n".join(problems[:20]), file=sys.stderr)
        print_backup_offer(db_path_from_args(args))
        return EXIT_FAILED
    print(f"数据库完整性检查通过：{db_path_from_args(args)}")
    return EXIT_OK


def cmd_backup(args) -> int:
    from desktop_app.backup.service import make_backup, prune_backups
    from desktop_app.settings import get_setting

    with cli_session(args) as session:
        info = make_backup(session.db, reason=args.reason)
        removed = prune_backups(session.db.path, int(get_setting(session.db, "backup.keep_days")), session.today())
    print(f"已备份并校验：{info.path}（{info.size / 1024 / 1024:.1f} MB）")
    if removed:
        print(f"已清理过期的自动备份 {len(removed)} 份。")
    return EXIT_OK


def cmd_backups(args) -> int:
    from desktop_app.backup.service import list_backups

    infos = list_backups(db_path_from_args(args))
    if args.json:
        print_json([{"文件": str(i.path), "时间": i.created_at, "原因": i.reason, "大小": i.size,
                     "已校验": i.verified} for i in infos])
    elif not infos:
        print("还没有备份。")
    else:
        for i in infos:
            print(f"{i.path.name}\t{i.describe()}")
    return EXIT_OK


def cmd_restore(args) -> int:
    from desktop_app.accounts import audit
    from desktop_app.backup.service import _read_info, list_backups, newest_good_backup, restore_backup
    from desktop_app.session import CLI_ACTOR, Session
    from desktop_app.storage.database import open_database

    db_path = db_path_from_args(args)
    if args.latest:
        backup = newest_good_backup(db_path)
        if backup is None:
            print("没有找到可用的备份。", file=sys.stderr)
            return EXIT_FAILED
    elif args.file:
        path = Path(args.file)
        if not path.exists():
            print(f"找不到备份文件“{path}”。可用的备份：", file=sys.stderr)
            for i in list_backups(db_path)[:10]:
                print(f"  {i.path}", file=sys.stderr)
            return EXIT_FAILED
        backup = _read_info(path)
    else:
        print("请指定备份文件，或使用 --latest 恢复最近的有效备份。", file=sys.stderr)
        return EXIT_USAGE
    saved = restore_backup(db_path, backup)
    db = open_database(db_path)
    with db.transaction():
        audit.record(Session(db, CLI_ACTOR), "restore", "database", label=db_path.name,
                     after={"backup": backup.path.name, "backup_time": backup.created_at,
                            "saved_current_as": saved.path.name if saved else None})
    db.close()
    print(f"已从“{backup.path.name}”恢复。")
    if saved:
        print(f"恢复前的数据库已另存为“{saved.path}”。")
    return EXIT_OK


def cmd_audit(args) -> int:
    from desktop_app.accounts.audit import verify_chain

    with cli_session(args) as session:
        report = verify_chain(session.db)
    print(report.text(), file=sys.stdout if report.ok else sys.stderr)
    return EXIT_OK if report.ok else EXIT_FAILED


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qledger",
        description=f"{APP_NAME}（QualityLedger）{__version__}。不带子命令时打开程序窗口。",
    )
    parser.add_argument("--version", action="version", version=f"qledger {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help="自检（同 qledger selftest）：建库、演示医院、各模块的 PDF 与 Excel、程序窗口；全部通过时退出码 0")
    add_db_option(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="子命令")

    p = sub.add_parser("gui", help="打开程序窗口（默认）")
    add_db_option(p)
    p.set_defaults(func=cmd_gui)

    p = sub.add_parser("info", help="显示版本、数据文件夹与数据库位置")
    add_db_option(p)
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("check", help="完整性检查（PRAGMA integrity_check）")
    add_db_option(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("backup", help="立即备份并校验（可用于计划任务）")
    add_db_option(p)
    p.add_argument("--reason", default="计划任务", help="备份原因（写入备份说明）")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("backups", help="列出备份")
    add_db_option(p)
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_backups)

    p = sub.add_parser("restore", help="从备份恢复（恢复前会自动另存当前数据库）")
    add_db_option(p)
    p.add_argument("file", nargs="?", help="备份文件（.db）")
    p.add_argument("--latest", action="store_true", help="恢复最近一份有效备份")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("audit", help="审计日志")
    audit_sub = p.add_subparsers(dest="audit_command", metavar="操作", required=True)
    v = audit_sub.add_parser("verify", help="校验审计日志的哈希链，报告第一处断裂")
    add_db_option(v)
    v.set_defaults(func=cmd_audit)

    from desktop_app import modules

    for command_module in [*modules.cli_modules(), *map(importlib.import_module, PROGRAM_COMMANDS)]:
        command_module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from desktop_app import errors

    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", cmd_gui)
    if args.self_test:
        from desktop_app.selftest import cli_command as func
    try:
        return func(args)
    except (errors.UserError, errors.DatabaseOpenError, errors.StorageEnvironmentError) as exc:
        print(f"{exc.title}：{exc.message}", file=sys.stderr)
        if getattr(exc, "offer_backup", False):
            print_backup_offer(db_path_from_args(args))
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
