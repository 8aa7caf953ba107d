"""``python -m tools.demo_hospital`` — build the simulated hospital (青山县人民医院, fictional) with its
years of history, for development (``./dev.sh run``), screenshots and the benchmark."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m tools.demo_hospital",
        description="生成模拟多年的演示医院数据库（青山县人民医院，虚构），用于开发、截图和性能测试。"
                    "随程序发布的是小型演练医院（qledger demo）。")
    p.add_argument("--db", metavar="文件", default=None, help="数据库文件（默认：本机数据文件夹中的 qledger.db）")
    p.add_argument("--years", type=int, default=1, metavar="年数",
                   help="模拟多少年（默认 1，约 20–30 秒；10 年约有 600 人在岗、数百人离岗、30 万份交接班记录、"
                        "5,000 次培训（约 48 万条签到）、28 万例手术记录，约需 4–6 分钟、1.2 GB，用于性能测试）")
    p.add_argument("--seed", type=int, default=2026, metavar="种子", help="随机种子：相同种子生成相同的医院（默认 2026）")
    when = p.add_mutually_exclusive_group()
    when.add_argument("--force", action="store_true", help="覆盖已有的演示数据库（正式数据库永远不会被覆盖）")
    when.add_argument("--if-missing", action="store_true", help="数据库文件已存在时什么也不做（退出码 0）")
    return p


def main(argv: list[str] | None = None) -> int:
    from desktop_app import errors
    from desktop_app.cli import EXIT_FAILED, EXIT_OK, db_path_from_args
    from desktop_app.practice.cli import refuse_existing
    from tools.demo_hospital.hospital import build_demo

    args = build_parser().parse_args(argv)
    path = Path(db_path_from_args(args))
    refused = refuse_existing(path, force=args.force, if_missing=args.if_missing)
    if refused is not None:
        return refused

    def progress(label: str, done: int, total: int) -> None:
        if done < total:
            print(f"[{done + 1}/{total}] {label}…", file=sys.stderr, flush=True)

    try:
        summary = build_demo(path, years=args.years, seed=args.seed, progress=progress, force=args.force)
    except errors.UserError as exc:
        print(f"{exc.title}：{exc.message}", file=sys.stderr)
        return EXIT_FAILED
    print("\n".join(summary.lines()))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
