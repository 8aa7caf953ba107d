"""``qledger surgery …`` as the 医务科 or a scheduled task runs it (a real process)."""
import datetime as dt
import json
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from desktop_app.surgery import privileges as priv
from tests.excel.files import write_xlsx
from tests.reports import pdftools
from tests.surgery.test_surgery_import import messy_catalogue


@pytest.fixture
def run(db_path):
    def call(*args):
        return subprocess.run([sys.executable, "-m", "desktop_app", "surgery", *args, "--db", str(db_path)],
                              capture_output=True, text=True, timeout=120)
    return call


# The command line runs on the real clock: grants and operations are dated from the real today.
REAL_TODAY = dt.date.today()
GRANTED = (REAL_TODAY - dt.timedelta(days=60)).isoformat()
LAPSES_ON = (REAL_TODAY + dt.timedelta(days=38)).isoformat()
DAY1, DAY2 = ((REAL_TODAY - dt.timedelta(days=n)).isoformat() for n in (20, 19))


@pytest.fixture
def ready(system, hospital, book, db):
    """The approved catalogue (ID 1); 李四 授权至二级 and 43.7x01 lapsing in 38 days; 张三 nothing."""
    li = hospital.staff["李四"]
    priv.grant(system, li, {"scope": "grade", "grade": 2, "granted_on": GRANTED})
    priv.grant(system, li, {"scope": "procedure", "codes": ["43.7x01"], "granted_on": GRANTED, "valid_until": LAPSES_ON})
    db.close()
    return book.id


def log_file(tmp_path, rows, name="手术记录.xlsx"):
    return write_xlsx(tmp_path / name, [["手术日期", "住院号", "手术编码", "手术名称", "主刀医师"], *rows])


def test_import_catalogue_reports_every_problem_and_writes_nothing(run, ready, tmp_path):
    out = run("import-catalogue", str(messy_catalogue(tmp_path)), "--name", "2027 年版", "--apply")
    assert out.returncode == 1
    assert "有错误 3 行，共 3 处问题" in out.stdout
    assert "错误　第 19 行 D 列 “手术级别”：级别“特级”无法识别" in out.stderr
    assert "提醒　第 11 行 “科室”：“普外科”不是本院科室" in out.stderr
    assert "文件有错误，未写入任何数据" in out.stderr
    listed = json.loads(run("catalogues", "--json").stdout)
    assert [c["name"] for c in listed] == ["手术分级管理目录（2026 年版）"]


def test_import_catalogue_into_a_new_draft_then_list_it(run, ready, tmp_path):
    path = messy_catalogue(tmp_path, fixed=True)
    dry = run("import-catalogue", str(path), "--name", "2027 年版", "--based-on", str(ready), "--replace")
    assert dry.returncode == 0 and "这是预览，未写入数据；确认无误后加 --apply 导入" in dry.stdout
    assert "删除　37.3401 经皮心内膜射频消融术（文件中没有）" not in dry.stderr  # the file has it
    assert "删除　43.7x01 胃大部切除伴胃空肠吻合术（文件中没有）" in dry.stderr
    out = run("import-catalogue", str(path), "--name", "2027 年版", "--based-on", "手术分级管理目录（2026 年版）",
              "--effective", "2027-01-01", "--replace", "--apply")
    assert out.returncode == 0, out.stderr
    assert "已导入草稿“2027 年版”（ID 2）" in out.stdout and "草稿须经委员会批准后生效" in out.stdout
    listed = {c["name"]: c for c in json.loads(run("catalogues", "--json").stdout)}
    assert listed["2027 年版"]["status"] == "草稿" and listed["2027 年版"]["procedures"] == 9
    both = run("import-catalogue", str(path), "--into", "2", "--name", "x")
    assert both.returncode == 1 and "二者选一" in both.stderr
    frozen = run("import-catalogue", str(path), "--into", str(ready), "--apply")
    assert frozen.returncode == 1 and "已批准，内容已冻结，不能导入" in frozen.stderr


def test_lapsing_as_json(run, ready):
    out = run("lapsing", "--json")
    assert out.returncode == 0, out.stderr
    (grant,) = json.loads(out.stdout)
    assert grant == {"staff_id": grant["staff_id"], "surgeon": "李四", "employee_no": "D002", "department": "外科",
                     "what": "胃大部切除伴胃空肠吻合术（43.7x01，三级）", "scope": "procedure", "grade": 3,
                     "code": "43.7x01", "name": "胃大部切除伴胃空肠吻合术", "granted_on": GRANTED,
                     "valid_until": LAPSES_ON, "days_left": 38, "tier": 60, "lapsed": False}
    assert json.loads(run("lapsing", "--days", "7", "--json").stdout) == []
    assert "没有即将到期或已过期的手术授权" in run("lapsing", "--days", "7").stdout


def test_check_log_exits_1_on_operations_without_privilege_and_records_once(run, ready, tmp_path):
    clean = log_file(tmp_path, [[DAY1, "Z1", "43.7x01", None, "李四"], [DAY2, "Z2", None, "阑尾切除术", "D002"]])
    out = run("check-log", str(clean))
    assert out.returncode == 0, out.stderr + out.stdout
    assert f"手术 2 例（{DAY1} 至 {DAY2}），越权手术 0 例" in out.stdout
    bad = log_file(tmp_path, [[DAY1, "Z1", "52.7x01", None, "张三"], [DAY2, "Z2", "47.0901", None, "王五"]],
                   "有问题.xlsx")
    out = run("check-log", str(bad), "--json")
    assert out.returncode == 1
    result = json.loads(out.stdout)
    assert result["unknown_surgeons"] == {"王五": [3]} and result["recorded"] is False
    assert [(o["row"], o["surgeon"], o["finding"]) for o in result["unprivileged"]] == [
        (2, "张三", "四级手术，该医师未获此项授权")]
    text = run("check-log", str(bad), "--record")
    assert text.returncode == 1 and "术者“王五”不是本院登记的医师：第 3 行" in text.stderr and "未登记" in text.stderr
    assert f"越权　第 2 行 {DAY1} Z1 52.7x01 胰十二指肠切除术（四级） 术者 张三" in text.stdout
    recorded = run("check-log", str(clean), "--record")
    assert recorded.returncode == 0 and "已登记 2 例手术" in recorded.stdout
    again = run("check-log", str(clean), "--record")
    assert again.returncode == 1 and "不能重复登记" in again.stderr


@pytest.mark.parametrize("what, extra, title", [
    ("catalogue", (), "手术分级管理目录"),
    ("filing", ("--catalogue", "1"), "三、四级手术目录（备案）"),
    ("authorisation", ("--surgeon", "D002"), "手术授权书"),
    ("technical-file", ("--surgeon", "李四"), "手术医师个人技术档案（摘要）"),
    ("authorised", ("--department", "外科"), "手术授权医师名单"),
    ("unprivileged", ("--from", "2026-01-01", "--to", REAL_TODAY.isoformat()), "越权手术清单"),
])
def test_print_every_output_as_pdf(run, ready, tmp_path, what, extra, title):
    pdf = tmp_path / f"{what}.pdf"
    out = run("print", what, *extra, "-o", str(pdf))
    assert out.returncode == 0, out.stderr
    assert f"已写入：{pdf}" in out.stdout
    assert title in pdftools.flat(pdf)


def test_print_as_xlsx_and_refusals(run, ready, tmp_path):
    xlsx = tmp_path / "名单.xlsx"
    assert run("print", "authorised", "-o", str(xlsx)).returncode == 0
    assert load_workbook(xlsx).sheetnames == ["三四级手术授权医师", "一二级手术按级别授权"]
    wrong = run("print", "catalogue", "-o", str(tmp_path / "目录.docx"))
    assert wrong.returncode == 1 and "扩展名须为 .pdf（打印）或 .xlsx（表格）" in wrong.stderr
    nobody = run("print", "authorisation", "--surgeon", "王五", "-o", str(tmp_path / "a.pdf"))
    assert nobody.returncode == 1 and "没有工号或姓名为“王五”的医师" in nobody.stderr
    no_base = run("print", "adjustment", "--catalogue", "1", "-o", str(tmp_path / "b.pdf"))
    assert no_base.returncode == 1 and "不是由其他版本调整而来" in no_base.stderr
    unknown = run("print", "filing", "--catalogue", "9", "-o", str(tmp_path / "c.pdf"))
    assert unknown.returncode == 1 and "目录版本“9”不存在。已有的版本（ID 名称）：1 手术分级管理目录（2026 年版）（已批准）" in unknown.stderr
    assert not any((tmp_path / n).exists() for n in ("a.pdf", "b.pdf", "c.pdf"))
    template = tmp_path / "模板.xlsx"
    assert run("template", "-o", str(template)).returncode == 0 and template.exists()
