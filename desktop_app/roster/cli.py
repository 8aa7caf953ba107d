"""``qledger roster …`` — the duty roster from the command line (scripts, scheduled checks).

    qledger roster check --month 2026-12 [--json]    # exit 0: no violation (JSON: []); exit 1: violations listed
    qledger roster export --month 2026-12 --out 值班表.pdf|.xlsx [--layout week|month] [--department 内科]
    qledger roster import 值班表.xlsx --month 2026-12 [--apply]   # exit 1 with every bad cell listed
    qledger roster template --month 2026-12 --out 值班表导入模板.xlsx

``check`` exits 1 when the month has any violation of the duty rules, so a script can act on
it; each JSON object has date, post, shift, person, rule and message.
"""
from __future__ import annotations

from pathlib import Path


def cmd_check(args) -> int:
    from desktop_app.cli import EXIT_FAILED, EXIT_OK, cli_session, print_json
    from desktop_app.roster import service

    with cli_session(args) as session:
        violations = service.check_month(session, args.month)
    if args.json:
        print_json([{"date": v.date, "post": v.post_name, "shift": v.shift_name, "person": v.staff_name,
                     "rule": v.rule, "message": v.message} for v in violations])
    elif not violations:
        print(f"{args.month} 的值班表没有违反值班规则的情况。")
    else:
        print(f"{args.month} 的值班表有 {len(violations)} 处违反值班规则：")
        for v in violations:
            print(v.text())
    return EXIT_FAILED if violations else EXIT_OK


def cmd_export(args) -> int:
    from desktop_app.cli import cli_session, department_option, output_writer
    from desktop_app.roster import reports

    out, write = output_writer(args.out, {
        ".pdf": ("打印张贴", lambda snapshot, path: reports.write_roster_pdf(snapshot, path, layout=args.layout)),
        ".xlsx": ("表格", reports.write_roster_xlsx)}, what="值班表")
    with cli_session(args) as session:
        department = department_option(session, args.department) if args.department else None
        snapshot = reports.roster_snapshot(session, args.month, department_id=department)
    write(snapshot, out)
    state = "草稿" if snapshot.draft else f"第 {snapshot.version} 版"
    print(f"已写入：{out}（{snapshot.full_title()}，{state}，{len(snapshot.posts)} 个岗位）")
    return 0


def cmd_import(args) -> int:
    from desktop_app.cli import run_import
    from desktop_app.roster import excel_io

    def applied(session, plan) -> str:
        result = excel_io.apply_roster_import(session, plan)
        return f"已导入 {result.month}：新增 {result.added} 人次" + (
            f"，{result.already_there} 人次原已排好" if result.already_there else "") + "。"

    return run_import(args, lambda s: excel_io.preview_roster_import(s, Path(args.file), args.month), applied,
                      notes=lambda plan: ["规则　" + v.text() for v in plan.violations])


def cmd_template(args) -> int:
    from desktop_app.cli import cli_session
    from desktop_app.roster import excel_io

    with cli_session(args) as session:
        path = excel_io.write_roster_template(session, Path(args.out), args.month)
    print(f"已写入导入模板：{path}")
    return 0


def register(sub) -> None:
    from desktop_app.cli import add_db_option

    p = sub.add_parser("roster", help="值班表：规则检查、打印/导出、从 Excel 导入、导入模板")
    roster_sub = p.add_subparsers(dest="roster_command", metavar="操作", required=True)

    def month(parser) -> None:
        add_db_option(parser)
        parser.add_argument("--month", required=True, metavar="月份", help="月份，如 2026-12")

    c = roster_sub.add_parser("check", help="检查某月值班表是否违反值班规则；有违规时退出码 1")
    month(c)
    c.add_argument("--json", action="store_true",
                   help="以 JSON 输出（每项含 date、post、shift、person、rule、message；没有违规时为 []）")
    c.set_defaults(func=cmd_check)

    e = roster_sub.add_parser("export", help="打印（.pdf，A4 横向，全院公开）或导出（.xlsx）某月值班表")
    month(e)
    e.add_argument("--out", "-o", required=True, metavar="文件", help="输出文件，扩展名决定格式（.pdf 或 .xlsx）")
    e.add_argument("--layout", choices=("week", "month"), default="week",
                   help="PDF 版式：week 每周一张表（全院）；month 全月一张表（适合科室）")
    e.add_argument("--department", metavar="科室名称", help="只打印该科室（含下属病区）的岗位")
    e.set_defaults(func=cmd_export)

    i = roster_sub.add_parser("import", help="从 Excel 导入某月值班表（草稿月份）：先检查并列出问题，加 --apply 才写入")
    month(i)
    i.add_argument("file", metavar="文件", help="Excel 文件（.xlsx），第一列日期，其余列为“岗位 班次”")
    i.add_argument("--apply", action="store_true", help="没有错误时写入（一个事务，全部或全不）")
    i.set_defaults(func=cmd_import)

    t = roster_sub.add_parser("template", help="生成某月的值班表导入模板（本院岗位、班次和日期，含填写说明）")
    month(t)
    t.add_argument("--out", "-o", required=True, metavar="文件", help="输出的 .xlsx 文件")
    t.set_defaults(func=cmd_template)
