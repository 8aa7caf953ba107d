"""``qledger demo`` — build the practice hospital (青山县人民医院, fictional) to try the program with."""
from __future__ import annotations

import sys
from pathlib import Path


def refuse_existing(path: Path, *, force: bool, if_missing: bool) -> int | None:
    """The exit code when an existing database file stops the build (None: go ahead). Also used by
    the simulator's command (``python -m tools.demo_hospital``)."""
    from desktop_app.cli import EXIT_FAILED, EXIT_OK

    if not path.exists() or path.stat().st_size == 0 or force:
        return None
    if if_missing:
        print(f"数据库已存在，未生成演示数据：{path}")
        return EXIT_OK
    print(f"数据库文件“{path}”已存在，没有生成演示数据。"
          "如要重新生成演示数据库，请加 --force；只在缺少时生成，请用 --if-missing。", file=sys.stderr)
    return EXIT_FAILED


def cmd_demo(args) -> int:
    from desktop_app.cli import EXIT_OK, db_path_from_args
    from desktop_app.practice.hospital import build_practice

    path = Path(db_path_from_args(args))
    refused = refuse_existing(path, force=args.force, if_missing=args.if_missing)
    if refused is not None:
        return refused
    print("\n".join(build_practice(path, force=args.force).lines()))
    return EXIT_OK


def register(sub) -> None:
    from desktop_app.cli import add_db_option

    p = sub.add_parser("demo", help="生成演练医院数据库（青山县人民医院，虚构，约 40 名人员，各模块都有记录），用于试用和培训，"
                                    "几秒钟完成")
    add_db_option(p)
    when = p.add_mutually_exclusive_group()
    when.add_argument("--force", action="store_true", help="覆盖已有的演示数据库（正式数据库永远不会被覆盖）")
    when.add_argument("--if-missing", action="store_true", help="数据库文件已存在时什么也不做（退出码 0）")
    p.set_defaults(func=cmd_demo)
