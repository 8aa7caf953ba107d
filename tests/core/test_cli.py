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
