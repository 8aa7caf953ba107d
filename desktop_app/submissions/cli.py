"""``qledger submission …`` — the semi-annual/annual submission from the command line.

    qledger submission build --period 上半年 --year 2026 [-o 报送.pdf] [--xlsx 报送.xlsx]
    qledger submission verify 报送.pdf            # exit 0: the file is the archived original
    qledger submission verify --code QL-1A2B-3C4D-5E6F
    qledger submission list [--json]

``build`` writes the finalised version's archived files when the period has one (byte for byte what
was printed); otherwise it prints the current draft (made if missing), marked 草稿.
"""
from __future__ import annotations

from pathlib import Path

PERIODS = ("上半年", "全年")


def cmd_build(args) -> int:
    from desktop_app import errors
    from desktop_app.cli import cli_session, output_path
    from desktop_app.submissions import repo, reports, service
    from desktop_app.submissions.models import period_range

    if not args.output and not args.xlsx:
        raise errors.UserError("请用 -o 文件.pdf 和/或 --xlsx 文件.xlsx 指定输出文件。")
    hint = "（PDF 用 -o，扩展名应为 .pdf；Excel 用 --xlsx，扩展名应为 .xlsx）"
    if args.output:
        output_path(args.output, {".pdf": "打印"}, what="报送表（-o）", hint=hint)
    if args.xlsx:
        output_path(args.xlsx, {".xlsx": "表格"}, what="报送表（--xlsx）", hint=hint)
    first, last = period_range(args.period, args.year)
    with cli_session(args) as session:
        versions = repo.for_period(session.db, first.isoformat(), last.isoformat())
        final = next((s for s in reversed(versions) if s.final), None)
        latest = versions[-1] if versions else service.create_submission(session, args.period, args.year)
        if final is not None and final.id == latest.id:
            for path, kind in ((args.output, "pdf"), (args.xlsx, "xlsx")):
                if path:
                    Path(path).write_bytes(service.stored_file(session, final.id, kind))
            print(f"已写出定稿存档：{final.title} 第 {final.version} 版，验证码 {final.verification_code}")
            return 0
        snap = service.snapshot(session, latest.id)
        if args.output:
            reports.write_submission_pdf(snap, "", args.output)
        if args.xlsx:
            reports.write_submission_xlsx(snap, "", args.xlsx)
        missing = service.submission_findings(snap)
    print(f"已写出草稿：{latest.title} 第 {latest.version} 版（未定稿，标有“草稿”）")
    if missing:
        print("定稿前还需：" + "；".join(f.message for f in missing))
    return 0


def cmd_verify(args) -> int:
    from desktop_app import errors
    from desktop_app.cli import cli_session
    from desktop_app.submissions import service

    if bool(args.file) == bool(args.code):
        raise errors.UserError("请给出要验证的文件，或用 --code 给出打印件上的验证码（二者选一）。")
    with cli_session(args) as session:
        result = service.verify_file(session, args.file) if args.file else service.verify_code(session, args.code)
    print(result.message)
    return 0 if result.ok else 1


def cmd_list(args) -> int:
    from dataclasses import asdict

    from desktop_app.cli import cli_session, print_json
    from desktop_app.submissions import service

    with cli_session(args) as session:
        rows = service.list_submissions(session)
    if args.json:
        print_json([{k: v for k, v in asdict(s).items() if k not in ("narrative", "indicators", "signers")}
                    for s in rows])
        return 0
    for s in rows:
        print(f"{s.id}\t{s.label}\t{s.verification_code or ''}")
    return 0


def register(sub) -> None:
    from desktop_app.cli import add_db_option

    p = sub.add_parser("submission", help="半年/全年报送：生成报送表（PDF、Excel）、验证文件或验证码")
    s = p.add_subparsers(dest="submission_command", metavar="操作", required=True)
    b = s.add_parser("build", help="写出某期报送：已定稿写出存档原件，否则写出草稿")
    add_db_option(b)
    b.add_argument("--period", choices=PERIODS, required=True, help="上半年 或 全年")
    b.add_argument("--year", type=int, required=True, help="年份，如 2026")
    b.add_argument("-o", "--output", metavar="文件.pdf", help="报送表 PDF")
    b.add_argument("--xlsx", metavar="文件.xlsx", help="报送表 Excel")
    b.set_defaults(func=cmd_build)
    v = s.add_parser("verify", help="验证文件是否为定稿存档的原件（一致时退出码 0），或查询验证码")
    add_db_option(v)
    v.add_argument("file", nargs="?", metavar="文件", help="要验证的 PDF 或 Excel 文件")
    v.add_argument("--code", metavar="验证码", help="打印件上的验证码，如 QL-1A2B-3C4D-5E6F")
    v.set_defaults(func=cmd_verify)
    ls = s.add_parser("list", help="列出全部报送及其版本")
    add_db_option(ls)
    ls.add_argument("--json", action="store_true", help="以 JSON 输出")
    ls.set_defaults(func=cmd_list)
