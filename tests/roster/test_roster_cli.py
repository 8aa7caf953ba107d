"""``qledger roster …`` as a script or an administrator runs it (a real process)."""
import json
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from desktop_app.roster import service as roster
from tests.excel.files import write_xlsx
from tests.reports import pdftools

MONTH = "2026-12"


@pytest.fixture
def run(db_path):
    def call(*args):
        return subprocess.run([sys.executable, "-m", "desktop_app", "roster", *args, "--db", str(db_path)],
                              capture_output=True, text=True, timeout=120)
    return call


@pytest.fixture
def planned(system, posts, doctors, db):
    """December: only 12-01's 内科一线 night and 总值班 filled (by 张三 — without 总值班 training)."""
    roster.assign(system, "2026-12-01", posts["night"].id, doctors[1])
    roster.assign(system, "2026-12-01", posts["chief_shift"].id, doctors[0])
    return posts


def test_check_lists_violations_as_json_and_exits_1(run, planned, db):
    db.close()
    out = run("check", "--month", MONTH, "--json")
    assert out.returncode == 1, out.stderr
    items = json.loads(out.stdout)
    assert set(items[0]) == {"date", "post", "shift", "person", "rule", "message"}
    assert {"date": "2026-12-01", "post": "医院总值班", "shift": "24小时", "person": "张三", "rule": "资质不符",
            "message": "未经总值班培训并考核合格"} in items
    assert any(i["rule"] == "人数不足" and i["date"] == "2026-12-31" for i in items)
    text = run("check", "--month", MONTH)
    assert text.returncode == 1 and "处违反值班规则" in text.stdout


def test_check_clean_month_exits_0_with_empty_list(run, system, db):
    db.close()
    out = run("check", "--month", MONTH, "--json")  # no posts: nothing to break
    assert (out.returncode, json.loads(out.stdout)) == (0, [])
    bad = run("check", "--month", "2026-13")
    assert bad.returncode == 1 and "请写成 2026-12" in bad.stderr


def test_export_pdf_and_xlsx(run, planned, db, tmp_path):
    db.close()
    pdf = tmp_path / "值班表.pdf"
    out = run("export", "--month", MONTH, "--out", str(pdf), "--layout", "month", "--department", "内科")
    assert out.returncode == 0, out.stderr
    text = pdftools.flat(pdf)
    assert "霍山县人民医院2026年12月值班表" in text and "草稿" in text and "钱医生" in text and "内科一线" in text
    assert "医院总值班" not in text  # not a post of 内科
    xlsx = tmp_path / "值班表.xlsx"
    assert run("export", "--month", MONTH, "-o", str(xlsx)).returncode == 0
    assert load_workbook(xlsx).sheetnames == ["值班表", "通讯录", "统计", "变更记录"]
    wrong = run("export", "--month", MONTH, "--out", str(tmp_path / "x.doc"))
    assert wrong.returncode == 1 and ".pdf" in wrong.stderr
    unknown = run("export", "--month", MONTH, "--out", str(pdf), "--department", "眼科")
    assert unknown.returncode == 1 and "科室“眼科”不存在" in unknown.stderr


def test_import_preview_apply_and_errors(run, planned, db, system, tmp_path):
    good = write_xlsx(tmp_path / "好.xlsx", [["日期", "内科一线 夜班", "医院总值班"], [2, "孙医生", "吴医生"]])
    bad = write_xlsx(tmp_path / "坏.xlsx", [["日期", "内科一线 夜班"], [2, "无此人"], ["2027-01-01", "孙医生"]])
    db.close()
    out = run("import", str(bad), "--month", MONTH, "--apply")
    assert out.returncode == 1
    assert "工作表“Sheet1” 第 2 行 B 列 “内科一线 夜班”：“无此人”不在人员名册中" in out.stderr
    assert "第 3 行 A 列 “日期”：2027-01-01 不在 2026-12 内" in out.stderr and "未写入任何数据" in out.stderr
    preview = run("import", str(good), "--month", MONTH)
    assert preview.returncode == 0 and "这是预览" in preview.stdout and "2 人次值班" in preview.stdout
    applied = run("import", str(good), "--month", MONTH, "--apply")
    assert applied.returncode == 0 and "新增 2 人次" in applied.stdout, applied.stderr


def test_import_result_is_in_the_month(run, planned, system, tmp_path, db_path):
    good = write_xlsx(tmp_path / "好.xlsx", [["日期", "内科一线 夜班"], ["12月2日", "孙医生"]])
    system.db.close()
    assert run("import", str(good), "--month", MONTH, "--apply").returncode == 0
    from desktop_app.session import SYSTEM_ACTOR, Session
    from desktop_app.storage.database import open_database

    db = open_database(db_path)
    try:
        view = roster.month_view(Session(db, SYSTEM_ACTOR, system.clock), MONTH)
        assert [p.name for p in view.people("2026-12-02", planned["night"].id)] == ["孙医生"]
    finally:
        db.close()


def test_template(run, planned, db, tmp_path):
    db.close()
    out = tmp_path / "模板.xlsx"
    result = run("template", "--month", MONTH, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert load_workbook(out)["值班表"]["C1"].value == "内科一线 白班"
    helptext = run("--help")
    assert "check" in helptext.stdout and "从 Excel 导入" in helptext.stdout
