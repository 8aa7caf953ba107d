"""Hostile input for every Excel importer and every form's save function (shared by the tests and run.py).

The property, for each input: the program answers with a plan or a :class:`~desktop_app.errors.UserError`
(ValidationError, ExcelFileError …) — never another exception; a refused call leaves every table's
row count and the audit chain as they were; every error found in a file names its row (and column).
"""
from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.utils.exceptions import IllegalCharacterError
from hypothesis import strategies as st

from desktop_app import errors
from desktop_app.session import SYSTEM_ACTOR, Session

ODD_TEXTS = ["=cmd|' /C calc'!A0", "=1+1", "=HYPERLINK(\"http://x\",\"点我\")", "@SUM(A1:A9)", "+86-1", "-1", "😀🏥👩‍⚕️",
             "\u202e反转文字", "   ", "NaN", "nan", "inf", "2026-02-30", "2026年13月1日", "1e999", "0x1F",
             "DROP TABLE staff;--", "'; --", "\t\n\r", "ＡＢＣ１２３", "四级", "Ⅳ级", "是", "√", "#N/A", "#REF!",
             "１９９９．１．１", "12:30", "25:61"]
HUGE = "长" * 100_000
# numbers that break comparisons and conversions, tried often rather than by chance
SPECIAL_NUMBERS = st.sampled_from([float("nan"), float("inf"), float("-inf"), -0.0, 2**63 - 1, -2**63, 0, -1, 1e19,
                                  -5.3e23, 1e308])


@dataclass
class Counts:
    forms: int = 0  # form submissions tried
    files: int = 0  # spreadsheet files fed to the importers (each to all of them)
    imports: int = 0  # importer calls (preview, and apply where the preview allowed it)
    refused: int = 0  # calls answered with a user error
    failures: list[str] = field(default_factory=list)


COUNTS = Counts()


def text_values() -> st.SearchStrategy:
    return st.one_of(st.text(st.characters(exclude_categories=("Cs",)), max_size=40), st.sampled_from(ODD_TEXTS),
                     st.just(HUGE), st.text(st.characters(max_codepoint=0x1F), max_size=5))


def scalar_values() -> st.SearchStrategy:
    """What a widget can hand over: text of any kind, a number (ids and spin boxes within SQLite's 64-bit
    range; floats with NaN and infinities, as a text parsed to a number may give), a truth value, a date,
    a date and time, or nothing."""
    return st.one_of(st.none(), st.booleans(), st.integers(-2**63, 2**63 - 1), st.integers(-5, 100),
                     st.floats(allow_nan=True, allow_infinity=True), SPECIAL_NUMBERS, text_values(), st.dates(),
                     st.datetimes())


def typed_like(value) -> st.SearchStrategy:
    """A hostile value of the same type, for the cells of a table or the items of a multi-select, which
    the form fills from its own widgets: any text for text, any 64-bit number for numbers, a check box's
    three states for truth values."""
    if isinstance(value, bool) or value is None:
        return st.one_of(st.none(), st.booleans())
    if isinstance(value, int):
        return st.integers(-2**63, 2**63 - 1)
    if isinstance(value, float):
        return st.floats(allow_nan=True, allow_infinity=True)
    return text_values()


def hostile_like(value, *, inside: bool = False) -> st.SearchStrategy:
    """A hostile value of the same shape: a field gets any scalar (wrong types included); a table (list of
    dicts) or a group of fields (dict) keeps its fields, each holding a hostile value of its own type;
    a multi-select (list) gets hostile items of its type."""
    if isinstance(value, dict):
        return st.fixed_dictionaries({k: st.one_of(st.just(v), hostile_like(v, inside=True)) for k, v in value.items()})
    if isinstance(value, list):
        item = value[0] if value else ""
        return st.lists(st.one_of(st.just(item), hostile_like(item, inside=True)), max_size=3)
    return typed_like(value) if inside else scalar_values()


def form_values(good: dict) -> st.SearchStrategy:
    """A form's values: each field its good value or a hostile one of the same shape (see hostile_like)."""
    return st.fixed_dictionaries({k: st.one_of(st.just(v), hostile_like(v)) for k, v in good.items()})


# ----------------------------------------------------------------------------- the database state


def fingerprint(db) -> tuple:
    """Row counts of every table, and the audit chain's head: what a refused call must leave alone."""
    tables = [r[0] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                                     " ORDER BY name")]
    counts = tuple(db.scalar(f'SELECT count(*) FROM "{t}"') for t in tables)
    head = tuple(db.query_one("SELECT last_id, last_hash, row_count FROM audit_head WHERE id = 1"))
    return counts + head


def call(db, fn, *, what: str) -> object | None:
    """Run ``fn()``; a user error → None (and nothing may have changed); anything else is a finding."""
    before = fingerprint(db)
    try:
        return fn()
    except errors.UserError:
        COUNTS.refused += 1
        after = fingerprint(db)
        if after != before:
            COUNTS.failures.append(f"{what}: refused, but the database changed")
            raise AssertionError(f"{what}: a refused call changed the database") from None
        return None


# ----------------------------------------------------------------------------- the forms


def forms(ctx: dict) -> dict:
    """form name → (save function taking (session, values), good values)."""
    from desktop_app.handover import service as handover
    from desktop_app.hospital import service as hospital
    from desktop_app.ledger import service as ledger
    from desktop_app.people import service as people
    from desktop_app.roster import service as roster
    from desktop_app.surgery import catalogue, privileges
    from desktop_app.training import service as training

    d = ctx
    return {
        "人员": (people.create_staff, {"employee_no": "F001", "name": "测试", "department_id": d["dept"],
                                      "category": "护士", "title": "护师", "gender": "女", "licence_no": "1234",
                                      "hire_date": "2020-01-01", "phone": "13800000000", "on_duty": True,
                                      "registered_here": True, "non_registered_reason": None, "notes": "x"}),
        "科室": (people.create_department, {"name": "测试科", "kind": "临床", "parent_id": None, "code": "T1",
                                           "phone": "1", "sort_order": 3}),
        "问题登记": (ledger.register_item, {"found_on": "2026-11-01", "deadline": "2026-11-30", "source": "自查",
                                          "category": "查对制度", "description": "问题", "department_id": d["dept"],
                                          "severity": "一般", "deduction": 1, "check_point": "x",
                                          "responsible_person": "王", "remarks": "x", "inspection_id": None,
                                          "checklist_item_id": None}),
        "整改": (lambda s, v: ledger.save_rectification(s, d["item"], v),
                 {"cause_analysis": "a", "measures": "b", "responsible_person": "c", "progress": "d"}),
        "交接班": (lambda s, v: handover.save_draft(s, d["report"], v),
                   {"census": {"原有": 30, "现有": 30}, "notes": "x",
                    "entries": [{"category": "病危", "bed": "3", "patient_name": "王二"}],
                    "items": [{"name": "抢救车", "expected": 1, "count": "1", "ok": True, "note": ""}]}),
        "培训": (training.save_session, {"title": "培训", "category_id": d["category"], "date": "2026-11-10",
                                         "starts": "14:00", "ends": "16:00", "hours": 2, "form": "集中",
                                         "department_id": d["dept"], "audience": {"departments": [d["ward"]]},
                                         "place": "x", "lecturer": "x", "notes": "x"}),
        "考核": (training.save_assessment, {"session_id": d["session"], "title": "考核", "category_id": d["category"],
                                           "date": "2026-11-10", "full_mark": 100, "pass_mark": 60, "kind": "考核"}),
        "签到": (lambda s, v: training.record_attendance(s, d["session"], [v]),
                 {"staff_id": d["nurse"], "present": True, "note": "x"}),
        "成绩": (lambda s, v: training.record_scores(s, d["assessment"], [v]),
                 {"staff_id": d["nurse"], "score": 90, "attempt": 1}),
        "手术目录条目": (lambda s, v: catalogue.save_procedure(s, d["draft"], v),
                         {"code": "99.9901", "name": "测试手术", "grade": 3, "department_id": d["surgery"],
                          "specialty": None, "restricted": False, "day_surgery": False, "minimally_invasive": False,
                          "notes": None}),
        "手术授权": (lambda s, v: privileges.grant(s, d["surgeon"], v),
                     {"scope": "procedure", "codes": ["43.7x01"], "grade": None, "granted_on": "2026-11-01",
                      "valid_until": None, "approved_by": "委员会", "approved_on": "2026-10-30",
                      "assessment_id": None, "reason": "x"}),
        "能力评估": (privileges.save_assessment,
                     {"staff_id": d["surgeon"], "period_from": "2026-01-01", "period_to": "2026-06-30", "grade": 2,
                      "conclusion": "维持", "assessed_on": "2026-07-01", "assessors": "x", "notes": "x",
                      "procedures": [{"code": "43.7x01"}]}),
        "值班岗位": (roster.save_post, {"name": "测试岗", "kind": "一线", "group_name": "x", "department_id": d["dept"],
                                        "required_category": "医师", "min_title_rank": 1, "licence_required": True,
                                        "headcount": 1, "duties": "x", "sort_order": 1, "active": True}),
        "医院信息": (hospital.save_profile, {"name": "霍山县人民医院", "level": "二级甲等", "region": "安徽省",
                                            "address": "x", "phone": "1", "credit_code": "x"}),
    }


def form_context(db, clock) -> dict:
    """Ids the forms need, made in the workload's template database (its worker 0's ward and surgeon)."""
    from desktop_app.handover import service as handover
    from desktop_app.ledger import service as ledger
    from desktop_app.surgery import catalogue
    from desktop_app.training import service as training
    from tests.reliability.workload import CENSUS

    system = Session(db, SYSTEM_ACTOR, clock)
    q = db.scalar
    ctx = {"dept": q("SELECT id FROM departments WHERE name = '内科'"),
           "ward": q("SELECT id FROM departments WHERE name = '可靠性病区0'"),
           "surgery": q("SELECT id FROM departments WHERE name = '外科'"),
           "surgeon": q("SELECT id FROM staff WHERE employee_no = 'S0'"),
           "nurse": q("SELECT id FROM staff WHERE employee_no = 'R0out'"),
           "category": q("SELECT id FROM training_categories ORDER BY id LIMIT 1")}
    ctx["item"] = ledger.register_item(system, {"found_on": "2026-11-01", "deadline": "2026-11-30", "source": "自查",
                                                "category": "查对制度", "description": "待整改",
                                                "department_id": ctx["dept"]}).id
    ctx["report"] = handover.create_report(system, ctx["ward"], "2026-11-20", "白班", "nurse",
                                           {"census": CENSUS}).id
    ctx["session"] = training.save_session(system, {"title": "核心制度", "category_id": ctx["category"],
                                                    "date": "2026-11-10", "audience": {"departments": [ctx["ward"]]}}).id
    ctx["assessment"] = training.save_assessment(system, {"session_id": ctx["session"]}).id
    ctx["draft"] = catalogue.create_catalogue(system, {"name": "草稿目录"},
                                              q("SELECT id FROM surgery_catalogues ORDER BY id LIMIT 1")).id
    return ctx


def try_form(db, clock, name: str, fn, values: dict) -> None:
    COUNTS.forms += 1
    session = Session(db, SYSTEM_ACTOR, clock)
    call(db, lambda: fn(session, values), what=f"表单“{name}”")


# ----------------------------------------------------------------------------- the spreadsheets


def importers(ctx: dict) -> dict:
    """importer name → (preview(session, path), apply(session, plan))."""
    from desktop_app.ledger import excel_io as ledger_x
    from desktop_app.people import excel_io as people_x
    from desktop_app.roster import excel_io as roster_x
    from desktop_app.surgery import excel_io as surgery_x
    from desktop_app.training import excel_io as training_x

    return {
        "人员": (people_x.preview_staff_import, people_x.apply_staff_import),
        "问题台账": (ledger_x.preview_ledger_import, ledger_x.apply_ledger_import),
        "值班表": (lambda s, p: roster_x.preview_roster_import(s, p, "2026-12"), roster_x.apply_roster_import),
        "签到与成绩": (lambda s, p: training_x.preview_attendance_import(s, p, ctx["session"], ctx["assessment"]),
                       training_x.apply_attendance_import),
        "手术目录": (lambda s, p: surgery_x.preview_catalogue_import(s, p, into=ctx["draft"]),
                     surgery_x.apply_catalogue_import),
        "手术记录": (surgery_x.preview_operations_import, surgery_x.apply_operations_import),
    }


def all_headings() -> list[str]:
    from desktop_app.ledger.excel_io import LEDGER_COLUMNS
    from desktop_app.people.excel_io import STAFF_COLUMNS
    from desktop_app.surgery.excel_io import CATALOGUE_COLUMNS, OPERATION_COLUMNS
    from desktop_app.training.excel_io import SHEET_COLUMNS

    out = []
    for spec in (STAFF_COLUMNS, LEDGER_COLUMNS, SHEET_COLUMNS, CATALOGUE_COLUMNS, OPERATION_COLUMNS):
        for c in spec:
            out += [c.label, *c.aliases[:2]]
    return sorted(set(out)) + ["日期", "内科一线 夜班", "值班人员"]


def cell_values() -> st.SearchStrategy:
    return st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=False, width=64),
                     st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=30), st.sampled_from(ODD_TEXTS),
                     st.dates(min_value=dt.date(1900, 3, 1)), st.just("长" * 40_000),
                     st.sampled_from(["张三", "王芳", "内科", "内科一病区", "医师", "护士", "2026-11-05", "3日", "43.7x01",
                                      "胃大部切除伴胃空肠吻合术", "四级", "D001", "N001"]))


@st.composite
def workbooks(draw) -> list[list]:
    """A sheet as rows: maybe a title, a header of real and junk headings, rows of hostile cells."""
    headings = draw(st.lists(st.one_of(st.sampled_from(all_headings()), st.text(max_size=8)), min_size=1, max_size=9))
    width = len(headings)
    rows = []
    if draw(st.booleans()):
        rows.append(["某某医院导入表"])
    rows.append(headings)
    rows += draw(st.lists(st.lists(cell_values(), min_size=0, max_size=width + 2), max_size=12))
    return rows


def write_rows(path: Path, rows: list[list], *, formulas: bool = True) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row, 1):
            if value is None:
                continue
            if isinstance(value, str) and not formulas and value.startswith("="):
                value = "'" + value
            try:
                ws.cell(r, c, value)
            except (ValueError, TypeError, IllegalCharacterError):  # openpyxl refuses some values: left empty
                pass
    wb.save(path)
    return path


def feed(db, clock, ctx: dict, path: Path) -> None:
    """One file to every importer: preview, then apply if allowed (or check that apply refuses)."""
    COUNTS.files += 1
    session = Session(db, SYSTEM_ACTOR, clock)
    for name, (preview, apply) in importers(ctx).items():
        COUNTS.imports += 1
        plan = call(db, lambda: preview(session, path), what=f"导入“{name}”预览 {path.name}")
        if plan is None:
            continue
        for f in plan.findings:
            if f.is_error and f.row is None and "行" not in f.message:
                COUNTS.failures.append(f"{name}: error without a row: {f.text()}")
                raise AssertionError(f"导入“{name}”：错误没有指出行：{f.text()}")
        COUNTS.imports += 1
        call(db, lambda: apply(session, plan), what=f"导入“{name}” {path.name}")


# ----------------------------------------------------------------------------- files that are not what they say


def malformed_files(folder: Path, *, rows_50k: bool = False) -> dict[str, Path]:
    """Named hostile files: renamed .xls/.csv/.pdf, a zip bomb, a truncated or empty file, a workbook without
    sheets, one whose sheet part is missing, one with a formula-only column, an encrypted marker …"""
    from tests.excel.files import claim_huge_size, zip_bytes

    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}

    def put(name: str, data: bytes) -> None:
        (folder / name).write_bytes(data)
        out[name] = folder / name

    good = write_rows(folder / "good.xlsx", [["姓名", "工号", "科室", "人员类别"], ["张三", "D001", "内科", "医师"]])
    data = good.read_bytes()
    put("renamed-xls.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000))
    put("renamed-csv.xlsx", "姓名,工号,科室\n张三,D001,内科\n".encode("gb18030"))
    put("renamed-html.xlsx", b"<html><table><tr><td>x</td></tr></table></html>")
    put("renamed-pdf.xlsx", b"%PDF-1.4\n" + bytes(500))
    put("empty.xlsx", b"")
    put("truncated.xlsx", data[: len(data) // 2])
    put("zip-bomb-declared.xlsx", claim_huge_size(data, "xl/worksheets/sheet1.xml"))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in zipfile.ZipFile(io.BytesIO(data)).namelist():
            zf.writestr(name, zipfile.ZipFile(io.BytesIO(data)).read(name))
        zf.writestr("xl/media/bomb.bin", b"\0" * (300 * 1024 * 1024))
    put("zip-bomb-real.xlsx", bomb.getvalue())
    put("word.xlsx", zip_bytes({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<Types/>"}))
    members = {n: zipfile.ZipFile(io.BytesIO(data)).read(n) for n in zipfile.ZipFile(io.BytesIO(data)).namelist()}
    put("missing-sheet-part.xlsx", zip_bytes({k: v for k, v in members.items() if "worksheets/sheet1" not in k}))
    put("garbage-sheet-xml.xlsx", zip_bytes({**members, "xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row"}))
    put("no-workbook-part.xlsx", zip_bytes({k: v for k, v in members.items() if k != "xl/workbook.xml"}))
    write_rows(folder / "only-formulas.xlsx", [["姓名", "工号", "科室", "人员类别", "发现日期", "问题描述", "手术名称", "手术级别"],
                                                ["=A1", "=1/0", "=B2&C2", "=NOW()", "=TODAY()", "=cmd|' /C calc'!A0",
                                                 "=HYPERLINK(\"x\")", "=4"]])
    out["only-formulas.xlsx"] = folder / "only-formulas.xlsx"
    write_rows(folder / "no-header.xlsx", [[1, 2, 3], [4, 5, 6]])
    out["no-header.xlsx"] = folder / "no-header.xlsx"
    write_rows(folder / "huge-cells.xlsx", [["姓名", "工号", "科室", "人员类别", "问题描述", "手术名称", "手术级别"],
                                            ["长" * 32_000] * 7, [math.pi, 10**30, -1, True, False, "四级", 4]])
    out["huge-cells.xlsx"] = folder / "huge-cells.xlsx"
    if rows_50k:
        out["50001-rows.xlsx"] = fifty_thousand_rows(folder / "50001-rows.xlsx")
    return out


def fifty_thousand_rows(path: Path, rows: int = 50_001) -> Path:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Sheet1")
    ws.append(["工号", "姓名", "科室", "人员类别", "发现日期", "问题描述", "责任科室", "手术名称", "手术级别", "手术日期",
               "主刀医师", "手术编码"])
    for n in range(rows):
        ws.append([f"X{n}", "张三", "内科", "医师", "2026-11-01", "问题", "内科", "阑尾切除术", "一级", "2026-11-01",
                   "张三", "47.0901"])
    wb.save(path)
    return path
