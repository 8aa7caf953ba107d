"""``qledger demo`` — build the demo hospital (青山县人民医院) to try the program with."""
from __future__ import annotations

import sys
from pathlib import Path


def cmd_demo(args) -> int:
    from desktop_app.cli import EXIT_FAILED, EXIT_OK, db_path_from_args
    from desktop_app.demo.hospital import build_demo

    path = Path(db_path_from_args(args))
    if path.exists() and path.stat().st_size > 0 and not args.force:
        if args.if_missing:
            print(f"数据库已存在，未生成演示数据：{path}")
            return EXIT_OK
        print(f"数据库文件“{path}”已存在，没有生成演示数据。"
              "如要重新生成演示数据库，请加 --force；只在缺少时生成，请用 --if-missing。", file=sys.stderr)
        return EXIT_FAILED

    def progress(label: str, done: int, total: int) -> None:
        if done < total:
            print(f"[{done + 1}/{total}] {label}…", file=sys.stderr, flush=True)

    summary = build_demo(path, years=args.years, seed=args.seed, progress=progress, force=args.force)
    print("\n".join(summary.lines()))
    return EXIT_OK


def register(sub) -> None:
    from desktop_app.cli import add_db_option

    p = sub.add_parser("demo", help="生成演示医院数据库（青山县人民医院，虚构），用于试用和培训")
    add_db_option(p)
    p.add_argument("--years", type=int, default=1, metavar="年数",
                   help="模拟多少年（默认 1，约 30 秒；10 年约有 600 人在岗、数百人离岗、30 万份交接班记录、"
                        "5,000 次培训（约 48 万条签到）、28 万例手术记录，约需 4–6 分钟、1.2 GB，用于性能测试）")
    p.add_argument("--seed", type=int, default=2026, metavar="种子", help="随机种子：相同种子生成相同的医院（默认 2026）")
    when = p.add_mutually_exclusive_group()
    when.add_argument("--force", action="store_true", help="覆盖已有的演示数据库（正式数据库永远不会被覆盖）")
    when.add_argument("--if-missing", action="store_true", help="数据库文件已存在时什么也不做（退出码 0）")
    p.set_defaults(func=cmd_demo)
