"""``qledger staff …`` — the staff registry from the command line."""
from __future__ import annotations


def cmd_staff_list(args) -> int:
    from desktop_app.cli import open_for_cli, print_json
    from desktop_app.people import service

    session = open_for_cli(args)
    try:
        rows = service.list_staff(session, service.StaffFilter(query=args.query or "", on_duty=None if args.all else True))
    finally:
        session.db.close()
    print_json([{"工号": s.employee_no, "姓名": s.name, "科室": s.department_name, "类别": s.category,
                 "职称": s.title, "执业": s.practice_status, "在岗": s.on_duty} for s in rows])
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
