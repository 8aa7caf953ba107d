"""``qledger training …`` — training records from the command line (质控科 scripts, month-end reports).

    qledger training sessions --from 2026-01-01 --to 2026-12-31 [--json]     # ids for the commands below
    qledger training coverage --from 2026-01-01 --to 2026-12-31 [--department 内科] [--json] [-o 覆盖.pdf|.xlsx]
    qledger training export-session --id 12 [--assessment 3] -o 签到与成绩表.xlsx|.pdf
    qledger training signin --id 12 -o 签到表.pdf
    qledger training transcript --staff D001 [--year 2026] -o 个人培训档案.pdf|.xlsx
    qledger training template --id 12 [--assessment 3] -o 签到导入模板.xlsx
    qledger training import 签到表.xlsx --id 12 [--assessment 3] [--apply]    # exit 1 with every bad cell listed

``coverage --json`` prints one object: ``period`` (from, to), ``scope``, ``summary`` (people,
complete, rate, tested, aware, awareness, awareness_target, assessment_pass_rate, sessions,
participants, left), ``departments`` (one per department and the total last, department_id null:
people, complete, rate, tested, aware, awareness, below_target), ``requirements`` (requirement_id,
label, people, met, rate) and ``people`` — only those still short, each with ``gaps`` (label,
required, attended, missing, needs_pass, passed, text). Rates are 0–1, null when nothing to
divide. The command line runs as the system: every department is visible.
"""
from __future__ import annotations

from pathlib import Path


def cmd_sessions(args) -> int:
    from desktop_app.cli import cli_session, period_options, print_json
    from desktop_app.training import service

    first, last = period_options(args)
    with cli_session(args) as session:
        rows = service.list_sessions(session, first, last)
    if args.json:
        print_json([{"id": r.id, "date": r.date, "title": r.title, "category": r.category, "department": r.department,
                     "expected": r.expected, "present": r.present if r.attendance_recorded else None,
                     "assessments": r.assessments} for r in rows])
        return 0
    if not rows:
        print(f"{first.isoformat()} 至 {last.isoformat()} 没有培训记录。")
    for r in rows:
        present = r.present if r.attendance_recorded else "未登记"
        print(f"{r.id}\t{r.date}\t{r.title}\t{r.category}\t应到 {r.expected}\t实到 {present}")
    return 0


def coverage_json(snapshot) -> dict:
    c, t = snapshot.coverage, snapshot.coverage.total
    target = c.awareness_target

    def department(d) -> dict:
        return {"department_id": d.department_id, "department": d.department, "people": d.people,
                "complete": d.complete, "rate": d.rate, "tested": d.tested, "aware": d.aware,
                "awareness": d.awareness, "below_target": d.awareness is not None and d.awareness < target}

    return {
        "period": {"from": c.first, "to": c.last}, "scope": snapshot.scope,
        "summary": {"people": t.people, "complete": t.complete, "rate": t.rate, "tested": t.tested, "aware": t.aware,
                    "awareness": t.awareness, "awareness_target": target,
                    "assessment_pass_rate": c.assessment_pass_rate, "sessions": c.sessions,
                    "participants": c.participants, "left": c.left},
        "departments": [department(d) for d in c.by_department],
        "requirements": [{"requirement_id": r.requirement.id, "label": r.requirement.label, "people": r.people,
                          "met": r.met, "rate": r.rate} for r in c.by_requirement],
        "people": [{"staff_id": p.staff_id, "employee_no": p.employee_no, "name": p.name, "department": p.department,
                    "category": p.category, "hire_date": p.hire_date,
                    "gaps": [{"label": g.label, "required": g.required, "attended": g.attended, "missing": g.missing,
                              "needs_pass": g.needs_pass, "passed": g.passed, "text": g.text()} for g in p.gaps]}
                   for p in snapshot.short],
    }


def cmd_coverage(args) -> int:
    from desktop_app.cli import cli_session, department_option, output_writer, period_options, print_json
    from desktop_app.training import reports
    from desktop_app.training.models import percent

    first, last = period_options(args)
    out, write = output_writer(args.output, {".pdf": ("打印", reports.write_coverage_pdf),
                                             ".xlsx": ("表格", reports.write_coverage_xlsx)},
                               what="培训覆盖报告") if args.output else (None, None)
    with cli_session(args) as session:
        department = department_option(session, args.department) if args.department else None
        snapshot = reports.coverage_snapshot(session, first, last, department)
    if out is not None:
        write(snapshot, out)
    if args.json:
        print_json(coverage_json(snapshot))
        return 0
    if out is not None:
        print(f"已写入：{out}")
    print(f"培训覆盖（{snapshot.scope}，{snapshot.period()}）：")
    for item, value, _why in snapshot.summary():
        print(f"{item}\t{value}")
    print("科室\t人数\t全部达标\t达标率\t知晓率抽考\t知晓\t知晓率")
    for d in snapshot.coverage.by_department:
        print("\t".join(str(v) for v in (d.department, d.people, d.complete, percent(d.rate), d.tested, d.aware,
                                         snapshot.awareness_text(d.awareness))))
    print(f"尚未达标 {len(snapshot.short)} 人（名单：加 --json，或 -o 文件.pdf/.xlsx）。")
    return 0


def cmd_session_output(args) -> int:
    """``export-session`` (签到与成绩表, PDF or XLSX) and ``signin`` (签到表, PDF)."""
    from desktop_app.cli import cli_session, output_writer
    from desktop_app.training import reports

    if args.training_command == "signin":
        out, write = output_writer(args.output, {".pdf": ("打印", reports.write_signin_pdf)}, what="签到表")
    else:
        out, write = output_writer(args.output, {".pdf": ("打印", reports.write_attendance_pdf),
                                                 ".xlsx": ("表格", reports.write_attendance_xlsx)}, what="签到与成绩表")
    with cli_session(args) as session:
        snapshot = reports.session_snapshot(session, args.id, getattr(args, "assessment", None))
    write(snapshot, out)
    s = snapshot.session
    print(f"已写入：{out}（{s.date} {s.title}，应到 {len(snapshot.expected_lines)} 人）")
    return 0


def cmd_transcript(args) -> int:
    from desktop_app import errors
    from desktop_app.cli import cli_session, output_writer
    from desktop_app.training import repo, reports

    out, write = output_writer(args.output, {".pdf": ("打印", reports.write_transcript_pdf),
                                             ".xlsx": ("表格", reports.write_transcript_xlsx)}, what="个人培训档案")
    with cli_session(args) as session:
        staff_id = repo.staff_id_by_employee_no(session.db, args.staff.strip())
        if staff_id is None:
            raise errors.UserError(f"工号“{args.staff}”不在人员名册中，请核对 --staff。")
        snapshot = reports.transcript_snapshot(session, staff_id, args.year)
    write(snapshot, out)
    print(f"已写入：{out}（{snapshot.person.department} {snapshot.person.name}，{snapshot.totals()}）")
    return 0


def cmd_template(args) -> int:
    from desktop_app.cli import cli_session, output_path
    from desktop_app.training import excel_io

    out = output_path(args.output, {".xlsx": "表格"}, what="签到导入模板")
    with cli_session(args) as session:
        excel_io.write_attendance_template(session, out, args.id, args.assessment)
    print(f"已写入导入模板：{out}")
    return 0


def cmd_import(args) -> int:
    from desktop_app.cli import run_import
    from desktop_app.training import excel_io

    def applied(session, plan) -> str:
        r = excel_io.apply_attendance_import(session, plan)
        return f"已导入：到 {r.present} 人（计划外 {r.walk_ins} 人），缺席 {r.absent} 人，成绩 {r.scores} 人。"

    return run_import(args, lambda s: excel_io.preview_attendance_import(s, Path(args.file), args.id, args.assessment),
                      applied)


def register(sub) -> None:
    from desktop_app.cli import add_db_option

    p = sub.add_parser("training", help="培训与考核：覆盖情况、签到表、签到与成绩表、个人培训档案、从 Excel 导入签到与成绩")
    training_sub = p.add_subparsers(dest="training_command", metavar="操作", required=True)

    def period(parser) -> None:
        add_db_option(parser)
        parser.add_argument("--from", dest="date_from", required=True, metavar="日期", help="开始日期（如 2026-01-01）")
        parser.add_argument("--to", dest="date_to", required=True, metavar="日期", help="结束日期（如 2026-12-31）")

    def one_session(parser, *, assessment: bool = True) -> None:
        add_db_option(parser)
        parser.add_argument("--id", type=int, required=True, metavar="编号",
                            help="培训编号（qledger training sessions 列出）")
        if assessment:
            parser.add_argument("--assessment", type=int, metavar="编号",
                                help="考核编号（默认：这次培训的第一次考核）")

    s = training_sub.add_parser("sessions", help="列出一段时间的培训（编号、日期、主题、应到、实到）")
    period(s)
    s.add_argument("--json", action="store_true", help="以 JSON 输出")
    s.set_defaults(func=cmd_sessions)

    c = training_sub.add_parser("coverage", help="培训覆盖：全部达标、知晓率、各科室、各项要求、尚未达标人员")
    period(c)
    c.add_argument("--department", metavar="科室名称", help="只统计该科室（含下属科室）")
    c.add_argument("--json", action="store_true",
                   help="以 JSON 输出（period、scope、summary、departments、requirements，people 只列尚未达标的人员）")
    c.add_argument("-o", "--output", metavar="文件", help="同时写入培训覆盖报告（.pdf 或 .xlsx）")
    c.set_defaults(func=cmd_coverage)

    e = training_sub.add_parser("export-session", help="一次培训的签到与成绩表（.pdf 打印，.xlsx 表格）")
    one_session(e)
    e.add_argument("-o", "--output", required=True, metavar="文件", help="输出文件（.pdf 或 .xlsx）")
    e.set_defaults(func=cmd_session_output)

    g = training_sub.add_parser("signin", help="一次培训的签到表（PDF，应到人员与空白签名栏，培训前打印）")
    one_session(g, assessment=False)
    g.add_argument("-o", "--output", required=True, metavar="文件", help="输出的 .pdf 文件")
    g.set_defaults(func=cmd_session_output)

    t = training_sub.add_parser("transcript", help="个人培训档案（.pdf 或 .xlsx）")
    add_db_option(t)
    t.add_argument("--staff", required=True, metavar="工号", help="人员工号")
    t.add_argument("--year", type=int, metavar="年份", help="列出该年培训要求的完成情况（默认今年）")
    t.add_argument("-o", "--output", required=True, metavar="文件", help="输出文件（.pdf 或 .xlsx）")
    t.set_defaults(func=cmd_transcript)

    m = training_sub.add_parser("template", help="签到与成绩导入模板（已填好应到人员）")
    one_session(m)
    m.add_argument("-o", "--output", required=True, metavar="文件", help="输出的 .xlsx 文件")
    m.set_defaults(func=cmd_template)

    i = training_sub.add_parser("import", help="从 Excel 导入一次培训的签到与成绩：先检查并列出问题，加 --apply 才写入")
    one_session(i)
    i.add_argument("file", metavar="文件", help="Excel 文件（.xlsx），列：姓名、工号、科室、签到、成绩、补考、备注")
    i.add_argument("--apply", action="store_true", help="没有错误时写入（一个事务，全部或全不）")
    i.set_defaults(func=cmd_import)
