"""``qledger surgery …`` — 手术分级目录 and 手术授权 from the command line (医务科 scripts, scheduled checks).

    qledger surgery catalogues [--json]                                   # versions with their ID
    qledger surgery import-catalogue 目录.xlsx --name 名称 [--based-on ID] [--effective 2027-01-01] [--replace] [--apply]
    qledger surgery import-catalogue 目录.xlsx --into ID [--replace] [--apply]
    qledger surgery template -o 手术分级目录导入模板.xlsx
    qledger surgery lapsing [--days N] [--json]                           # grants lapsing within N days, and lapsed
    qledger surgery check-log 手术记录.xlsx [--record] [--json]           # exit 1: 越权手术, or rows not understood
    qledger surgery print catalogue|filing [--catalogue ID] -o 文件.pdf|.xlsx
    qledger surgery print adjustment --catalogue ID [--against ID] -o 文件.pdf|.xlsx
    qledger surgery print authorisation|technical-file --surgeon 工号或姓名 -o 文件.pdf|.xlsx
    qledger surgery print authorised [--department 科室] [--date 2026-11-23] -o 文件.pdf|.xlsx
    qledger surgery print unprivileged --from 2026-01-01 --to 2026-06-30 [--department 科室] -o 文件.pdf|.xlsx

``import-catalogue`` previews, as every ``qledger … import`` does (:func:`desktop_app.cli.run_import`);
with ``--apply`` it writes into a draft version (a new one, or ``--into`` an existing draft) when
the file has no error — nothing takes effect before the committee approves the draft. Every
problem is printed as “第 N 行 X 列 “字段”：…” and nothing is written while any remains (exit 1). ``check-log`` checks an HIS export against the grants of
each operation's day without writing; ``--record`` stores the log (once per file) for the
figures. ``lapsing --json`` prints one object per grant: staff_id, surgeon, employee_no,
department, what, scope, grade, code, name, granted_on, valid_until, days_left (negative: lapsed),
tier (the 90/60/30/7-day reminder reached; null when lapsed), lapsed.
"""
from __future__ import annotations

import sys
from pathlib import Path

PRINTOUTS = {"catalogue": "手术分级管理目录（院务公开）", "filing": "三、四级手术目录（备案）", "adjustment": "动态调整记录",
             "authorisation": "手术授权书", "technical-file": "手术医师个人技术档案", "authorised": "手术授权医师名单",
             "unprivileged": "越权手术清单"}


def _catalogue_id(session, text: str | None) -> int | None:
    """A version by ID or by its exact name; None when not given."""
    from desktop_app import errors
    from desktop_app.surgery import catalogue

    if text is None:
        return None
    versions = catalogue.list_catalogues(session)
    found = next((c.id for c in versions if str(c.id) == text.strip() or c.name == text.strip()), None)
    if found is None:
        known = "；".join(f"{c.id} {c.label}" for c in versions) or "（还没有目录版本）"
        raise errors.UserError(f"目录版本“{text}”不存在。已有的版本（ID 名称）：{known}。")
    return found


def _surgeon_id(session, text: str) -> int:
    """A doctor by 工号, else by a name that only one doctor has."""
    from desktop_app import errors
    from desktop_app.surgery import repo

    text = text.strip()
    rows = repo.doctors_named(session.db, text)
    if rows and (len(rows) == 1 or rows[0]["employee_no"] == text):
        return rows[0]["id"]
    if rows:
        nos = "、".join(f"{r['name']}（{r['employee_no']}）" for r in rows)
        raise errors.UserError(f"有 {len(rows)} 位医师叫“{text}”：{nos}。请用工号写 --surgeon。")
    raise errors.UserError(f"没有工号或姓名为“{text}”的医师。请核对后重写 --surgeon（工号最可靠）。")


def _finding_lines(findings) -> None:
    for f in findings:
        print(("错误　" if f.is_error else "提醒　") + f.text(), file=sys.stderr)


# ----------------------------------------------------------------------------- catalogue


def cmd_catalogues(args) -> int:
    from desktop_app.cli import cli_session, print_json
    from desktop_app.surgery import catalogue
    from desktop_app.surgery.models import CATALOGUE_FIELDS

    with cli_session(args) as session:
        versions = catalogue.list_catalogues(session)
    if args.json:
        print_json([{"id": c.id, "name": c.name, "status": c.status, "effective_date": c.effective_date,
                     "approved_by": c.approved_by, "approved_on": c.approved_on, "filed": c.filed,
                     "filed_on": c.filed_on, "based_on_id": c.based_on_id, "procedures": c.procedures,
                     "grade_counts": list(c.grade_counts)} for c in versions])
    elif not versions:
        print("还没有手术分级目录。可用 qledger surgery import-catalogue 从 Excel 导入。")
    else:
        label = CATALOGUE_FIELDS.label
        print(f"ID\t{label('name')}\t{label('status')}\t{label('effective_date')}\t手术数（一/二/三/四级）")
        for c in versions:
            counts = "/".join(str(n) for n in c.grade_counts)
            print(f"{c.id}\t{c.name}\t{'已备案' if c.filed else c.status}\t{c.effective_date or '未定'}\t"
                  f"{c.procedures}（{counts}）")
    return 0


def cmd_import_catalogue(args) -> int:
    from desktop_app import errors
    from desktop_app.cli import run_import
    from desktop_app.surgery import excel_io

    if (args.into is None) == (args.name is None):
        raise errors.UserError("请用 --into ID 导入到已有的草稿版本，或用 --name 名称（可加 --based-on ID）新建草稿版本，"
                               "二者选一。可用 qledger surgery catalogues 查看版本 ID。")

    def preview(session):
        return excel_io.preview_catalogue_import(
            session, Path(args.file), into=_catalogue_id(session, args.into), name=args.name,
            based_on=_catalogue_id(session, args.based_on), effective_date=args.effective, replace=args.replace)

    def apply(session, plan) -> str:
        result = excel_io.apply_catalogue_import(session, plan)
        c = result.catalogue
        return (f"已导入草稿“{c.name}”（ID {c.id}）：新增 {result.created} 项，更新 {result.updated} 项，"
                f"删除 {result.removed} 项；共 {c.procedures} 项。草稿须经委员会批准后生效。")

    return run_import(args, preview, apply,
                      notes=lambda plan: [f"删除　{code} {name}（文件中没有）" for code, name in plan.removed])


def cmd_template(args) -> int:
    from desktop_app.cli import cli_session
    from desktop_app.surgery import excel_io

    with cli_session(args) as session:
        path = excel_io.write_catalogue_template(session, Path(args.output))
    print(f"已写入导入模板：{path}")
    return 0


# ----------------------------------------------------------------------------- grants and logs


def cmd_lapsing(args) -> int:
    from desktop_app.cli import cli_session, print_json
    from desktop_app.surgery import privileges, repo

    with cli_session(args) as session:
        lapses = privileges.lapsing(session, args.days)
        people = repo.staff_index(session.db)
    rows = [{"staff_id": p.staff_id, "surgeon": p.staff_name, "employee_no": people[p.staff_id]["employee_no"],
             "department": people[p.staff_id]["department"], "what": p.what, "scope": p.scope, "grade": p.grade,
             "code": p.code, "name": p.name, "granted_on": p.granted_on, "valid_until": p.valid_until,
             "days_left": lapse.days_left, "tier": lapse.tier, "lapsed": lapse.days_left < 0}
            for lapse in lapses for p in [lapse.privilege]]
    if args.json:
        print_json(rows)
    elif not rows:
        print("没有即将到期或已过期的手术授权。")
    else:
        print(f"即将到期或已过期的手术授权 {len(rows)} 项：")
        for r in rows:
            when = f"已过期 {-r['days_left']} 天" if r["lapsed"] else f"还有 {r['days_left']} 天"
            print(f"{r['valid_until']}\t{when}\t{r['department']}\t{r['surgeon']}（{r['employee_no']}）\t{r['what']}")
    return 0


def cmd_check_log(args) -> int:
    from desktop_app.cli import cli_session, print_json
    from desktop_app.surgery import excel_io
    from desktop_app.surgery.models import GRADE_LABELS

    recorded = False
    with cli_session(args) as session:
        plan = excel_io.preview_operations_import(session, Path(args.file))
        if args.record and plan.can_apply:
            excel_io.apply_operations_import(session, plan)
            recorded = True
    bad = plan.unprivileged
    if args.json:
        print_json({
            "file": plan.file_name, "operations": len(plan.check.operations), "first_date": plan.check.first_date,
            "last_date": plan.check.last_date, "recorded": recorded,
            "already_recorded": len(plan.check.already_recorded),
            "problems": [{"row": f.row, "column": f.column, "field": f.label or f.field, "message": f.message}
                         for f in plan.errors],
            "unknown_surgeons": {k: list(v) for k, v in plan.unknown_surgeons.items()},
            "unknown_procedures": {k: list(v) for k, v in plan.unknown_procedures.items()},
            "unprivileged": [{"row": o.row, "date": o.date, "patient_no": o.patient_no, "code": o.code, "name": o.name,
                              "grade": o.grade, "staff_id": o.staff_id, "surgeon": o.staff_name,
                              "finding": o.finding} for o in bad]})
    else:
        print(f"{plan.file_name}：{plan.summary()}")
        for who, rows in plan.unknown_surgeons.items():
            print(f"术者“{who}”不是本院登记的医师：第 {_rows_text(rows)} 行", file=sys.stderr)
        for what, rows in plan.unknown_procedures.items():
            print(f"手术“{what}”不在当日生效的手术分级目录中：第 {_rows_text(rows)} 行", file=sys.stderr)
        _finding_lines(f for f in plan.findings if f.field not in ("operator", "procedure") or not f.is_error)
        for o in bad:
            print(f"越权　第 {o.row} 行 {o.date} {o.patient_no} {o.code} {o.name}（{GRADE_LABELS[o.grade]}）"
                  f" 术者 {o.staff_name}：{o.finding}")
        if recorded:
            again = len(plan.check.already_recorded)
            print(f"已登记 {len(plan.check.operations) - again} 例手术"
                  + (f"（另有 {again} 例此前已导入，未重复记入）。" if again else "。"))
        elif args.record:
            print("文件有错误，未登记。请按上面的行号改正后再登记。", file=sys.stderr)
    return 1 if (bad or plan.errors) else 0


def _rows_text(rows) -> str:
    shown = "、".join(str(n) for n in rows[:20])
    return shown + (f" 等 {len(rows)} 行" if len(rows) > 20 else "")


# ----------------------------------------------------------------------------- printouts


def cmd_print(args) -> int:
    from desktop_app import errors
    from desktop_app.cli import cli_session, date_option, department_option, output_writer, period_options
    from desktop_app.surgery import reports

    what = args.printout
    pdf, xlsx = {
        "catalogue": (reports.write_catalogue_pdf, reports.write_catalogue_xlsx),
        "filing": (reports.write_filing_pdf, reports.write_filing_xlsx),
        "adjustment": (reports.write_adjustment_pdf, reports.write_adjustment_xlsx),
        "authorisation": (reports.write_authorisation_pdf, reports.write_surgeon_xlsx),
        "technical-file": (reports.write_technical_file_pdf, reports.write_surgeon_xlsx),
        "authorised": (reports.write_authorised_pdf, reports.write_authorised_xlsx),
        "unprivileged": (reports.write_unprivileged_pdf, reports.write_unprivileged_xlsx),
    }[what]
    out, write = output_writer(args.output, {".pdf": ("打印", pdf), ".xlsx": ("表格", xlsx)}, what=PRINTOUTS[what])
    with cli_session(args) as session:
        if what in ("catalogue", "filing", "adjustment"):
            catalogue_id = _catalogue_id(session, args.catalogue)
            if what == "adjustment":
                if catalogue_id is None:
                    raise errors.UserError("请用 --catalogue ID 指定调整后的版本（可用 qledger surgery catalogues 查看）。")
                snapshot = reports.adjustment_snapshot(session, catalogue_id, _catalogue_id(session, args.against))
            else:
                snapshot = (reports.catalogue_snapshot if what == "catalogue" else reports.filing_snapshot)(
                    session, catalogue_id)
        elif what in ("authorisation", "technical-file"):
            if not args.surgeon:
                raise errors.UserError("请用 --surgeon 写明医师的工号（或姓名）。")
            snapshot = reports.surgeon_snapshot(session, _surgeon_id(session, args.surgeon))
        else:
            department = department_option(session, args.department) if args.department else None
            if what == "authorised":
                snapshot = reports.authorised_snapshot(session, department, date_option(args.date, "--date"))
            else:
                first, last = period_options(args, what="统计期间", example=("2026-01-01", "2026-06-30"))
                snapshot = reports.unprivileged_snapshot(session, first, last, department)
    write(snapshot, out)
    print(f"已写入：{out}（{PRINTOUTS[what]}）")
    return 0


def register(sub) -> None:
    from desktop_app.cli import add_db_option

    p = sub.add_parser("surgery", help="手术分级目录与手术授权：导入目录、到期授权、核对手术记录、打印")
    surgery_sub = p.add_subparsers(dest="surgery_command", metavar="操作", required=True)

    c = surgery_sub.add_parser("catalogues", help="列出手术分级目录的各个版本（ID、名称、状态、生效日期）")
    add_db_option(c)
    c.add_argument("--json", action="store_true", help="以 JSON 输出")
    c.set_defaults(func=cmd_catalogues)

    i = surgery_sub.add_parser("import-catalogue", help="从 Excel 导入手术分级目录到草稿版本（有错误时不写入，退出码 1）")
    add_db_option(i)
    i.add_argument("file", metavar="文件", help="Excel 文件（.xlsx），医院发布的目录格式即可（科室分组行、合并单元格等）")
    i.add_argument("--into", metavar="ID", help="导入到这个草稿版本（ID 或名称）")
    i.add_argument("--name", metavar="名称", help="新建草稿版本的名称，如“手术分级管理目录（2027 年版）”")
    i.add_argument("--based-on", metavar="ID", help="新版本以这个版本为基础（先复制它，再按文件新增、更新）")
    i.add_argument("--effective", metavar="日期", help="新版本的生效日期（批准时还可修改）")
    i.add_argument("--replace", action="store_true", help="草稿与文件完全一致：删除文件中没有的手术")
    i.add_argument("--apply", action="store_true", help="没有错误时写入草稿（一个事务，全部或全不）；不加只预览")
    i.set_defaults(func=cmd_import_catalogue)

    t = surgery_sub.add_parser("template", help="生成手术分级目录导入模板（含本院科室下拉列表和填写说明）")
    add_db_option(t)
    t.add_argument("-o", "--output", required=True, metavar="文件", help="输出的 .xlsx 文件")
    t.set_defaults(func=cmd_template)

    la = surgery_sub.add_parser("lapsing", help="即将到期（默认按设置的提醒天数）和已过期的手术授权")
    add_db_option(la)
    la.add_argument("--days", type=int, metavar="N", help="列出 N 天内到期的授权（默认：系统设置“授权到期提醒（天）”）")
    la.add_argument("--json", action="store_true", help="以 JSON 输出（字段见 qledger surgery --help 的说明）")
    la.set_defaults(func=cmd_lapsing)

    k = surgery_sub.add_parser("check-log", help="用手术当日的授权核对 HIS 导出的手术记录；有越权手术或无法识别的行时退出码 1")
    add_db_option(k)
    k.add_argument("file", metavar="文件", help="HIS 导出的手术记录（.xlsx）：手术日期、住院号、手术编码/名称、主刀医师/工号")
    k.add_argument("--record", action="store_true", help="没有错误时登记这批手术（同一文件只登记一次），用于统计")
    k.add_argument("--json", action="store_true", help="以 JSON 输出")
    k.set_defaults(func=cmd_check_log)

    pr = surgery_sub.add_parser("print", help="打印（.pdf）或导出（.xlsx）：目录、备案目录、动态调整记录、授权书、技术档案、"
                                              "授权医师名单、越权手术")
    add_db_option(pr)
    pr.add_argument("printout", choices=list(PRINTOUTS), metavar="内容",
                    help=" | ".join(f"{k} {v}" for k, v in PRINTOUTS.items()))
    pr.add_argument("-o", "--output", required=True, metavar="文件", help="输出文件，扩展名决定格式（.pdf 或 .xlsx）")
    pr.add_argument("--catalogue", metavar="ID", help="目录版本（ID 或名称）；catalogue/filing 默认为现行版本")
    pr.add_argument("--against", metavar="ID", help="adjustment：与这个版本比较（默认：它所依据的版本）")
    pr.add_argument("--surgeon", metavar="工号", help="authorisation/technical-file：医师的工号（或姓名）")
    pr.add_argument("--department", metavar="科室", help="authorised/unprivileged：只要这个科室（含下属科室）")
    pr.add_argument("--date", metavar="日期", help="authorised：名单的日期（默认今天）")
    pr.add_argument("--from", dest="date_from", metavar="日期", help="unprivileged：统计期间从")
    pr.add_argument("--to", dest="date_to", metavar="日期", help="unprivileged：统计期间到")
    pr.set_defaults(func=cmd_print)
