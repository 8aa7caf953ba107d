"""``qledger ledger …`` — the problem ledger from the command line (scheduled or scripted use).

    qledger ledger export -o 台账.xlsx|台账.pdf [--from 2026-01-01 --to 2026-06-30 --department 内科
                          --status 未销号 --source 自查 --category 查对制度 --overdue --text 交接班]
    qledger ledger import 旧台账.xlsx [--apply]       # exit 1 and every problem listed when the file has errors
    qledger ledger overdue [--json]                   # overdue items, most overdue first (exit 0)
    qledger ledger notice --department 内科 [--status 未销号] -o 整改通知书.pdf
    qledger ledger template -o 问题台账导入模板.xlsx
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path


def _filter(session, args):
    from desktop_app.cli import date_option, department_option
    from desktop_app.ledger.checklists import category_aliases
    from desktop_app.ledger.models import LedgerFilter

    category = args.category.strip() if args.category else None
    return LedgerFilter(
        date_from=date_option(args.date_from, "--from"), date_to=date_option(args.date_to, "--to"),
        department_id=department_option(session, args.department) if args.department else None,
        status=args.status, source=args.source, overdue=args.overdue, text=(args.text or "").strip(),
        category=category_aliases(session.db).get(category, category) if category else None,
    )


def cmd_export(args) -> int:
    from desktop_app.cli import cli_session, output_writer
    from desktop_app.ledger import reports

    out, write = output_writer(args.output, {".xlsx": ("表格", reports.write_ledger_xlsx),
                                             ".pdf": ("打印", reports.write_ledger_pdf)}, what="问题台账")
    with cli_session(args) as session:
        snapshot = reports.ledger_snapshot(session, _filter(session, args))
    write(snapshot, out)
    print(f"已写入：{out}（{len(snapshot.items)} 项；{'；'.join(snapshot.info.filters)}）")
    return 0


def cmd_import(args) -> int:
    from desktop_app.cli import run_import
    from desktop_app.ledger import excel_io

    def applied(session, plan) -> str:
        result = excel_io.apply_ledger_import(session, plan)
        return f"已导入：新增 {result.created} 项，重复跳过 {result.duplicates} 项。"

    return run_import(args, lambda s: excel_io.preview_ledger_import(s, Path(args.file)), applied)


def cmd_overdue(args) -> int:
    from desktop_app.cli import cli_session, print_json
    from desktop_app.ledger import service as ledger
    from desktop_app.ledger.models import LEDGER_FIELDS, LedgerFilter

    with cli_session(args) as session:
        today = session.today()
        rows = sorted(ledger.list_items(session, LedgerFilter(overdue=True)), key=lambda r: (r.deadline, r.number))
    items = [{"number": r.number, "department_id": r.department_name, "description": r.description,
              "deadline": r.deadline, "overdue_days": (today - dt.date.fromisoformat(r.deadline)).days,
              "responsible_person": r.responsible_person, "status": r.status} for r in rows]
    if args.json:  # keyed by the fields' labels: 编号, 责任科室 …
        print_json([{LEDGER_FIELDS.label(k): v for k, v in i.items()} for i in items])
    elif not items:
        print(f"截至 {today.isoformat()}，没有逾期未销号的问题。")
    else:
        print(f"截至 {today.isoformat()}，逾期未销号的问题 {len(items)} 项：")
        for i in items:
            print(f"{i['number']}　{i['department_id']}　逾期 {i['overdue_days']} 天（整改时限 {i['deadline']}，"
                  f"{i['status']}）　{i['description']}　责任人：{i['responsible_person'] or '未填'}")
    return 0


def cmd_notice(args) -> int:
    from desktop_app import errors
    from desktop_app.cli import cli_session, department_option, output_path
    from desktop_app.ledger import reports
    from desktop_app.ledger import service as ledger
    from desktop_app.ledger.models import LedgerFilter

    out = output_path(args.output, {".pdf": "打印"}, what="整改通知书")
    with cli_session(args) as session:
        flt = LedgerFilter(department_id=department_option(session, args.department), status=args.status or None)
        ids = [r.id for r in ledger.list_items(session, flt)]
        if not ids:
            raise errors.UserError(f"科室“{args.department}”（含下属病区）没有状态为“{args.status or '全部'}”的问题，"
                                   "未生成整改通知书。")
        snapshot = reports.notice_snapshot(session, ids)
    reports.write_notice_pdf(snapshot, out)
    print(f"已写入：{out}（{len(snapshot.notices)} 份整改通知书，共 {len(ids)} 项问题）")
    return 0


def cmd_template(args) -> int:
    from desktop_app.cli import cli_session
    from desktop_app.ledger import excel_io

    with cli_session(args) as session:
        path = excel_io.export_ledger_template(session, Path(args.output))
    print(f"已写入导入模板：{path}")
    return 0


def register(sub) -> None:
    from desktop_app.cli import add_db_option
    from desktop_app.ledger.models import SOURCES, STATUSES

    p = sub.add_parser("ledger", help="问题台账：导出、导入、逾期清单、整改通知书")
    ledger_sub = p.add_subparsers(dest="ledger_command", metavar="操作", required=True)

    e = ledger_sub.add_parser("export", help="导出问题台账：.xlsx（全部字段）或 .pdf（打印用，A4 横向）")
    add_db_option(e)
    e.add_argument("-o", "--output", required=True, help="输出文件，扩展名决定格式（.xlsx 或 .pdf）")
    e.add_argument("--from", dest="date_from", metavar="日期", help="发现日期从（如 2026-01-01）")
    e.add_argument("--to", dest="date_to", metavar="日期", help="发现日期到（如 2026-06-30）")
    e.add_argument("--department", metavar="科室", help="责任科室（含下属病区）")
    e.add_argument("--status", choices=[*STATUSES, "未销号"], help="状态")
    e.add_argument("--source", choices=SOURCES, help="来源")
    e.add_argument("--category", metavar="类别", help="问题类别（核心制度的旧称也可以）")
    e.add_argument("--overdue", action="store_true", help="只导出逾期未销号的问题")
    e.add_argument("--text", metavar="文字", help="问题描述、编号、检查要点或责任人中包含的文字")
    e.set_defaults(func=cmd_export)

    i = ledger_sub.add_parser("import", help="从 Excel 导入原有台账：先检查并列出问题，加 --apply 才写入")
    add_db_option(i)
    i.add_argument("file")
    i.add_argument("--apply", action="store_true", help="没有错误时写入（一个事务，全部或全不）")
    i.set_defaults(func=cmd_import)

    o = ledger_sub.add_parser("overdue", help="列出逾期未销号的问题（逾期最久的在前）")
    add_db_option(o)
    o.add_argument("--json", action="store_true", help="以 JSON 输出")
    o.set_defaults(func=cmd_overdue)

    n = ledger_sub.add_parser("notice", help="打印某科室的整改通知书（PDF，每个科室一份）")
    add_db_option(n)
    n.add_argument("--department", required=True, metavar="科室", help="科室（含下属病区，各病区单独成份）")
    n.add_argument("--status", default="未销号", choices=[*STATUSES, "未销号"], help="问题状态（默认：未销号）")
    n.add_argument("-o", "--output", required=True, help="输出的 PDF 文件")
    n.set_defaults(func=cmd_notice)

    t = ledger_sub.add_parser("template", help="生成问题台账导入模板（含下拉列表和填写说明）")
    add_db_option(t)
    t.add_argument("-o", "--output", required=True)
    t.set_defaults(func=cmd_template)
