"""The command line as a scheduled task or an administrator would use it."""
import json
import subprocess
import sys

import openpyxl
import pytest


@pytest.fixture
def run(db_path):
    def call(*args):
        return subprocess.run([sys.executable, "-m", "desktop_app", *args, "--db", str(db_path)],
                              capture_output=True, text=True, timeout=120)
    return call


@pytest.fixture
def closed(hospital, db):
    db.close()


def test_staff_list_as_json(closed, run):
    out = run("staff", "list", "zs")
    assert out.returncode == 0
    assert [p["姓名"] for p in json.loads(out.stdout)] == ["张三"]


def test_export_template_and_import_round_trip(closed, run, tmp_path):
    export = tmp_path / "名册.xlsx"
    assert run("staff", "export", "-o", str(export)).returncode == 0
    ws = openpyxl.load_workbook(export).active
    assert any(c.value == "张三" for row in ws.iter_rows() for c in row)
    preview = run("staff", "import", str(export))
    assert preview.returncode == 0 and "无变化 7 人" in preview.stdout and "这是预览" in preview.stdout


def test_import_with_errors_exits_1_and_names_cells(closed, run, tmp_path):
    from tests.excel.files import write_xlsx

    bad = write_xlsx(tmp_path / "bad.xlsx", [["工号", "姓名", "科室", "人员类别"], ["Z1", "某人", "无此科", "医师"]])
    out = run("staff", "import", str(bad), "--apply")
    assert out.returncode == 1 and "第 2 行 C 列" in out.stderr and "未写入任何数据" in out.stderr
    good = write_xlsx(tmp_path / "good.xlsx", [["工号", "姓名", "科室", "人员类别"], ["Z1", "某人", "外科", "医师"]])
    assert run("staff", "import", str(good), "--apply").returncode == 0
    assert "某人" in run("staff", "list", "某人").stdout


def test_template_has_drop_downs(closed, run, tmp_path):
    path = tmp_path / "模板.xlsx"
    assert run("staff", "template", "-o", str(path)).returncode == 0
    wb = openpyxl.load_workbook(path)
    assert wb.active.data_validations.dataValidation


def test_info_names_database_and_version(closed, run, db_path):
    out = run("info")
    assert out.returncode == 0 and str(db_path) in out.stdout and "数据版本" in out.stdout


def test_missing_database_is_a_clear_error(tmp_path):
    out = subprocess.run([sys.executable, "-m", "desktop_app", "check", "--db", str(tmp_path / "none.db")],
                         capture_output=True, text=True)
    assert out.returncode == 1 and "找不到数据库文件" in out.stderr


def test_the_shared_options_say_what_to_fix(system, hospital):
    """date, period, department and output file: one helper each in desktop_app/cli.py for every domain."""
    import argparse
    import datetime as dt

    from desktop_app import cli, errors

    assert cli.date_option("2026年3月5日", "--from") == dt.date(2026, 3, 5) and cli.date_option(None, "--to") is None
    with pytest.raises(errors.UserError, match="--to 的日期“月底”无法识别，请写成 2026-03-05。"):
        cli.period_options(argparse.Namespace(date_from="2026-03-01", date_to="月底"))
    with pytest.raises(errors.UserError, match="请用 --from 和 --to 写明交班日期，例如 --from 2026-11-01 --to 2026-11-30。"):
        cli.period_options(argparse.Namespace(date_from="2026-03-01", date_to=None), what="交班日期",
                           example=("2026-11-01", "2026-11-30"))
    assert cli.department_option(system, " 内科 ") == hospital.departments["内科"]
    with pytest.raises(errors.UserError, match="科室“心内科”不存在。已有的科室：内科、外科.*。请按上面的名称填写 --department。"):
        cli.department_option(system, "心内科")

    def pdf(snapshot, path):
        return "pdf"

    out, write = cli.output_writer("台账.PDF", {".xlsx": ("表格", None), ".pdf": ("打印", pdf)})
    assert out.name == "台账.PDF" and write is pdf
    with pytest.raises(errors.UserError) as caught:
        cli.output_writer("台账.csv", {".xlsx": ("表格", None), ".pdf": ("打印", pdf)}, what="问题台账")
    assert caught.value.message == "问题台账的输出文件“台账.csv”的扩展名须为 .xlsx（表格）或 .pdf（打印），请改用其中一种。"
    with pytest.raises(errors.UserError) as caught:
        cli.output_path("book.xlsx", {".pdf": "打印"}, what="打印交班报告", hint="（或用 qledger handover export）")
    assert caught.value.message == ("打印交班报告的输出文件须为 .pdf 文件，请把“book.xlsx”的扩展名改为 .pdf"
                                    "（或用 qledger handover export）。")


def test_an_export_to_an_unknown_format_is_refused(closed, run, tmp_path):
    out = run("staff", "export", "-o", str(tmp_path / "名册.csv"))
    assert out.returncode == 1 and "人员名册的输出文件“名册.csv”的扩展名须为 .xlsx（可再导入的表格）或 .pdf（打印）" in out.stderr
    assert not (tmp_path / "名册.csv").exists()
