"""``qledger handover …`` — the handover book from the command line (护理部 at month end, scripts).

    qledger handover print  --from 2026-11-01 --to 2026-11-30 [--ward 内科一病区] [--kind nurse|doctor] -o 交班报告.pdf
    qledger handover export --from 2026-11-01 --to 2026-11-30 [--ward 内科一病区] [--kind nurse|doctor] -o 交班报告.xlsx
    qledger handover figures --from 2026-11-01 --to 2026-11-30 [--ward 内科一病区] [--kind nurse|doctor] [--json]

Without ``--ward`` every ward (``--kind doctor``: every clinical department with a handover
template or a report) is printed, each ward's pages numbered on their own. ``figures --json``
prints one object per ward and a 合计 object (``department_id`` null) with the fields of
:class:`~desktop_app.handover.models.WardFigures` and ``bedside_ratio`` (四级手术患者手术当日
床旁交接班占比, 0–1, null without grade-4 operations). The command line runs as the system:
patient names are printed.
"""
from __future__ import annotations

KINDS = ("nurse", "doctor")


def _ward_id(session, name: str, kind: str) -> int:
    """The ward (kind doctor: the clinical department) called ``name``, or a message listing them."""
    from desktop_app import errors
    from desktop_app.handover import repo
    from desktop_app.handover.service import _DEPT_KIND

    name = name.strip()
    label = "病区" if kind == "nurse" else "科室"
    rows = repo.departments_of_kind(session.db, _DEPT_KIND[kind], active_only=False)
    found = next((r["id"] for r in rows if r["name"] == name), None)
    if found is not None:
        return found
    known = "、".join(r["name"] for r in rows) or "（无）"
    other = repo.kind_of_department_named(session.db, name)
    if other is not None:
        hint = "；医师交接班请加 --kind doctor" if kind == "nurse" else ""
        raise errors.UserError(f"“{name}”是{other}科室，不是{_DEPT_KIND[kind]}{hint}。"
                               f"可选的{label}：{known}。")
    raise errors.UserError(f"{label}“{name}”不存在。可选的{label}：{known}。请按上面的名称填写 --ward。")


def _period(args):
    from desktop_app.cli import period_options

    return period_options(args, what="交班日期", example=("2026-11-01", "2026-11-30"))


def _snapshot(args):
    from desktop_app.cli import cli_session
    from desktop_app.handover import reports

    first, last = _period(args)
    with cli_session(args) as session:
        ward = _ward_id(session, args.ward, args.kind) if args.ward else None
        return reports.handover_snapshot(session, args.kind, first, last, department_id=ward)


def cmd_write(args) -> int:
    """``print`` (the book, PDF) and ``export`` (the workbook, XLSX)."""
    from desktop_app.cli import output_writer
    from desktop_app.handover import reports

    if args.handover_command == "print":
        out, write = output_writer(args.output, {".pdf": ("打印", reports.write_handover_pdf)}, what="打印交班报告",
                                   hint="（或用 qledger handover export -o 文件.xlsx 导出表格）")
    else:
        out, write = output_writer(args.output, {".xlsx": ("表格", reports.write_handover_xlsx)},
                                   what="导出交接班记录", hint="（或用 qledger handover print -o 文件.pdf 打印交班报告）")
    snapshot = _snapshot(args)
    write(snapshot, out)
    print(f"已写入：{out}（{snapshot.summary()}）")
    return 0


FIGURE_HEADINGS = ("应交班", "已书写", "已接班", "按时签名", "病人动态错误", "四级手术例次", "床旁交接", "占比")


def cmd_figures(args) -> int:
    from dataclasses import asdict

    from desktop_app.cli import cli_session, print_json
    from desktop_app.handover import service

    first, last = _period(args)
    with cli_session(args) as session:
        ward = _ward_id(session, args.ward, args.kind) if args.ward else None
        rows = service.figures(session, first, last, args.kind, ward)
    if args.json:
        print_json([{**asdict(f), "bedside_ratio": f.bedside_ratio} for f in rows])
        return 0
    print(f"{first.isoformat()} 至 {last.isoformat()} 交接班统计（{'护理' if args.kind == 'nurse' else '医师'}）：")
    print("\t".join(("病区" if args.kind == "nurse" else "科室",) + FIGURE_HEADINGS))
    for f in rows:
        print("\t".join(str(v) for v in (f.department_name, f.expected, f.written, f.received, f.on_time,
                                         f.census_errors, f.grade4, f.grade4_bedside, f.bedside_ratio_text)))
    return 0


def register(sub) -> None:
    from desktop_app.cli import add_db_option

    p = sub.add_parser("handover", help="交接班记录：打印交班报告（PDF）、导出（Excel）、统计")
    handover_sub = p.add_subparsers(dest="handover_command", metavar="操作", required=True)

    def period(parser) -> None:
        add_db_option(parser)
        parser.add_argument("--from", dest="date_from", required=True, metavar="日期", help="交班日期从（如 2026-11-01）")
        parser.add_argument("--to", dest="date_to", required=True, metavar="日期", help="交班日期到（如 2026-11-30）")
        parser.add_argument("--ward", metavar="病区", help="只要这个病区（医师交接班：科室）；默认全部")
        parser.add_argument("--kind", choices=KINDS, default="nurse",
                            help="nurse 护理交接班（默认），doctor 医师交接班")

    pr = handover_sub.add_parser("print", help="打印交班报告：每个病区每天一页（或多页），A4 横向 PDF")
    period(pr)
    pr.add_argument("-o", "--output", required=True, metavar="文件", help="输出的 .pdf 文件")
    pr.set_defaults(func=cmd_write)

    ex = handover_sub.add_parser("export", help="导出一段时间的交接班记录（Excel：交班报告、患者交班、交接物品、补记、统计）")
    period(ex)
    ex.add_argument("-o", "--output", required=True, metavar="文件", help="输出的 .xlsx 文件")
    ex.set_defaults(func=cmd_write)

    fi = handover_sub.add_parser("figures", help="按病区统计：应交班、已书写、按时签名、病人动态错误、四级手术床旁交接占比")
    period(fi)
    fi.add_argument("--json", action="store_true", help="以 JSON 输出（字段同 WardFigures，另有 bedside_ratio）")
    fi.set_defaults(func=cmd_figures)
