"""``qledger staff …`` and ``qledger departments …`` — the people registry from the command line."""
from __future__ import annotations

import sys
from pathlib import Path


def _filter(args):
    from desktop_app.people import service

    return service.StaffFilter(query=getattr(args, "query", None) or "", on_duty=None if args.all else True)


def cmd_staff_list(args) -> int:
    from desktop_app.cli import cli_session, print_json
    from desktop_app.people import service
    from desktop_app.people.models import STAFF_FIELDS

    with cli_session(args) as session:
        rows = service.list_staff(session, _filter(args))
    label = STAFF_FIELDS.label  # keyed by the fields' labels, as the 人员名册 heads its columns
    print_json([{label("employee_no"): s.employee_no, label("name"): s.name, label("department_id"): s.department_name,
                 label("category"): s.category, label("title"): s.title, label("practice_status"): s.practice_status,
                 label("on_duty"): s.on_duty} for s in rows])
    return 0


def cmd_staff_export(args) -> int:
    from desktop_app.cli import cli_session, output_path
    from desktop_app.people import excel_io

    out = output_path(args.output, {".xlsx": "可再导入的表格", ".pdf": "打印"}, what="人员名册")
    with cli_session(args) as session:
        if out.suffix.lower() == ".pdf":
            from desktop_app.people import reports

            reports.write_staff_list_pdf(reports.staff_list_snapshot(session, _filter(args)), out)
        else:
            count = excel_io.export_staff_xlsx(session, out, _filter(args))
            print(f"已导出 {count} 人。", file=sys.stderr)
    print(f"已写入：{out}")
    return 0


def cmd_staff_template(args) -> int:
    from desktop_app.cli import cli_session
    from desktop_app.people import excel_io

    with cli_session(args) as session:
        path = excel_io.write_staff_template(session, Path(args.output))
    print(f"已写入导入模板：{path}")
    return 0


def cmd_staff_import(args) -> int:
    from desktop_app.cli import run_import
    from desktop_app.people import excel_io

    def applied(session, plan) -> str:
        result = excel_io.apply_staff_import(session, plan)
        return f"已导入：新增 {result.created} 人，更新 {result.updated} 人，无变化 {result.unchanged} 人。"

    return run_import(args, lambda s: excel_io.preview_staff_import(s, Path(args.file)), applied)


def cmd_departments_export(args) -> int:
    from desktop_app.cli import cli_session, output_writer
    from desktop_app.people import reports

    out, write = output_writer(args.output, {".xlsx": ("表格", reports.write_department_list_xlsx),
                                             ".pdf": ("打印", reports.write_department_list_pdf)}, what="科室名册")
    with cli_session(args) as session:
        snapshot = reports.department_list_snapshot(session)
    write(snapshot, out)
    print(f"已写入：{out}")
    return 0


def register(sub) -> None:
    from desktop_app.cli import add_db_option

    p = sub.add_parser("staff", help="人员名册：查询、导入、导出")
    staff_sub = p.add_subparsers(dest="staff_command", metavar="操作", required=True)

    q = staff_sub.add_parser("list", help="查询人员（JSON 输出）")
    add_db_option(q)
    q.add_argument("query", nargs="?", help="姓名、工号或拼音首字母")
    q.add_argument("--all", action="store_true", help="包括离岗人员")
    q.set_defaults(func=cmd_staff_list)

    e = staff_sub.add_parser("export", help="导出人员名册：.xlsx（可再导入）或 .pdf（打印用）")
    add_db_option(e)
    e.add_argument("-o", "--output", required=True, help="输出文件，扩展名决定格式（.xlsx 或 .pdf）")
    e.add_argument("--query", help="只导出姓名、工号或拼音首字母匹配的人员")
    e.add_argument("--all", action="store_true", help="包括离岗人员")
    e.set_defaults(func=cmd_staff_export)

    t = staff_sub.add_parser("template", help="生成人员导入模板（含下拉列表）")
    add_db_option(t)
    t.add_argument("-o", "--output", required=True)
    t.set_defaults(func=cmd_staff_template)

    i = staff_sub.add_parser("import", help="从 Excel 导入人员：先检查并列出问题，加 --apply 才写入")
    add_db_option(i)
    i.add_argument("file")
    i.add_argument("--apply", action="store_true", help="没有错误时写入（一个事务，全部或全不）")
    i.set_defaults(func=cmd_staff_import)

    d = sub.add_parser("departments", help="科室名册")
    dept_sub = d.add_subparsers(dest="departments_command", metavar="操作", required=True)
    de = dept_sub.add_parser("export", help="导出科室名册（.xlsx 或 .pdf）")
    add_db_option(de)
    de.add_argument("-o", "--output", required=True)
    de.set_defaults(func=cmd_departments_export)
