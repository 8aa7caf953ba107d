"""``qledger ledger …`` as a scheduled task or an administrator runs it (a real process, real clock)."""
import datetime as dt
import json
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from desktop_app.ledger import service as ledger
from tests.excel.files import write_xlsx
from tests.reports import pdftools


@pytest.fixture
def run(db_path):
    def call(*args):
        return subprocess.run([sys.executable, "-m", "desktop_app", "ledger", *args, "--db", str(db_path)],
                              capture_output=True, text=True, timeout=120)
    return call


@pytest.fixture
def items(system, hospital, db):
    """Overdue whatever the real date: deadlines in 2020; one not due until 2099; one closed."""
    def add(dept, description, found, deadline, **more):
        return ledger.register_item(system, {
            "found_on": found, "deadline": deadline, "source": more.pop("source", "自查"),
            "category": more.pop("category", "查对制度"), "description": description,
            "department_id": hospital.departments[dept], "responsible_person": more.pop("person", None), **more})

    made = {
        "oldest": add("外科", "手术安全核查表签字不全", "2020-03-01", "2020-03-31", person="李四",
                      category="手术安全核查制度"),
        "late": add("内科", "交接班记录未双签名", "2020-05-01", "2020-05-31", person="张三", source="投诉"),
        "ward": add("内科一病区", "床旁交接班未记录", "2020-06-01", "2020-06-30"),
        "future": add("内科", "危急值登记不全", "2026-11-01", "2099-12-31", category="危急值报告制度"),
        "closed": add("内科", "病历首页缺项", "2020-04-01", "2020-04-30"),
    }
    ledger.save_rectification(system, made["closed"].id, {"cause_analysis": "a", "measures": "b",
                                                           "responsible_person": "c"})
    ledger.submit_for_recheck(system, made["closed"].id, {"progress": "done", "rectified_on": "2020-04-20"})
    ledger.recheck(system, made["closed"].id, {"recheck_opinion": "已落实", "rechecker": "周明",
                                               "recheck_on": "2020-04-25"}, passed=True)
    db.close()
    return made


def test_overdue_as_json_most_overdue_first(run, items):
    out = run("overdue", "--json")
    assert out.returncode == 0, out.stderr
    today = dt.date.today()
    assert json.loads(out.stdout) == [
        {"编号": items[k].number, "责任科室": dept, "问题描述": items[k].description, "整改时限": deadline,
         "逾期天数": (today - dt.date.fromisoformat(deadline)).days, "责任人": person, "状态": "待整改"}
        for k, dept, deadline, person in (("oldest", "外科", "2020-03-31", "李四"), ("late", "内科", "2020-05-31", "张三"),
                                          ("ward", "内科一病区", "2020-06-30", None))]


def test_overdue_as_text_and_when_there_is_none(run, items, db_path):
    out = run("overdue")
    assert out.returncode == 0 and "逾期未销号的问题 3 项" in out.stdout
    assert f"{items['late'].number}　内科　逾期" in out.stdout and "责任人：张三" in out.stdout
    assert "病历首页缺项" not in out.stdout and "危急值登记不全" not in out.stdout


def test_export_xlsx_and_pdf_with_filters(run, items, tmp_path):
    xlsx = tmp_path / "内科.xlsx"
    out = run("export", "-o", str(xlsx), "--department", "内科", "--status", "未销号", "--from", "2020-01-01",
              "--to", "2020.12.31")
    assert out.returncode == 0, out.stderr
    assert "（2 项；发现日期：2020-01-01 至 2020-12-31；科室：内科（含下属病区）；状态：未销号）" in out.stdout
    ws = load_workbook(xlsx).active
    assert ws["A3"].value == "筛选条件：发现日期：2020-01-01 至 2020-12-31；科室：内科（含下属病区）；状态：未销号"
    assert [r[1] for r in ws.iter_rows(min_row=6, values_only=True)] == [items["late"].number, items["ward"].number]

    pdf = tmp_path / "逾期.pdf"
    out = run("export", "-o", str(pdf), "--overdue", "--source", "投诉", "--category", "查对制")
    assert out.returncode == 0, out.stderr
    flat = pdftools.flat(pdf)
    assert "筛选条件：类别：查对制度；来源：投诉；仅逾期" in flat  # the old name 查对制 is the canonical 查对制度
    assert items["late"].number in flat and items["oldest"].number not in flat


def test_export_refuses_bad_options_clearly(run, items, tmp_path):
    out = run("export", "-o", str(tmp_path / "x.xlsx"), "--department", "心内科")
    assert out.returncode == 1 and "科室“心内科”不存在。已有的科室：内科、外科、内科一病区、检验科、医务科。" in out.stderr
    out = run("export", "-o", str(tmp_path / "x.docx"))
    assert out.returncode == 1 and "扩展名须为 .xlsx（表格）或 .pdf（打印）" in out.stderr
    out = run("export", "-o", str(tmp_path / "x.xlsx"), "--from", "去年")
    assert out.returncode == 1 and "--from 的日期“去年”无法识别" in out.stderr
    out = run("export", "-o", str(tmp_path / "x.xlsx"), "--status", "完成")
    assert out.returncode == 2 and "invalid choice" in out.stderr
    assert not any(tmp_path.glob("x.*"))


def test_notice_for_a_department_and_its_wards(run, items, tmp_path):
    pdf = tmp_path / "内科整改通知书.pdf"
    out = run("notice", "--department", "内科", "-o", str(pdf))
    assert out.returncode == 0, out.stderr
    assert "（2 份整改通知书，共 3 项问题）" in out.stdout  # 内科 (2 open) and 内科一病区 (1); not the closed one
    pages = pdftools.pages(pdf)
    assert len(pages) == 2 and pdftools.squash(pages[0]).count("内科：") == 1 and "内科一病区：" in pdftools.squash(pages[1])
    text = pdftools.flat(pdf)
    assert items["closed"].number not in text and items["future"].number in text
    assert text.count("签收人（签字）") == 2
    out = run("notice", "--department", "检验科", "-o", str(tmp_path / "无.pdf"))
    assert out.returncode == 1 and "没有状态为“未销号”的问题，未生成整改通知书" in out.stderr
    assert not (tmp_path / "无.pdf").exists()


def test_import_previews_applies_and_fails_with_the_cells_named(run, items, tmp_path):
    good = write_xlsx(tmp_path / "旧台账.xlsx", [
        ["序号", "检查日期", "存在问题", "责任部门", "完成时限", "是否销号"],
        [1, "2019年5月6日", "交接班本缺页", "外科", "2019-06-06", "否"],
        [2, "2020-05-01", "交接班记录未双签名", "内科", "2020-05-31", "否"],  # already in the ledger
    ])
    preview = run("import", str(good))
    assert preview.returncode == 0 and "新增 1 项（待整改 1 项），重复跳过 1 项。" in preview.stdout
    assert "这是预览" in preview.stdout and "重复：台账中已有 2020-05-01 内科" in preview.stderr
    applied = run("import", str(good), "--apply")
    assert applied.returncode == 0 and "已导入：新增 1 项，重复跳过 1 项。" in applied.stdout
    assert "交接班本缺页" in run("overdue").stdout
    again = run("import", str(good), "--apply")
    assert again.returncode == 0 and "已导入：新增 0 项，重复跳过 2 项。" in again.stdout

    bad = write_xlsx(tmp_path / "错.xlsx", [["检查日期", "存在问题", "责任部门", "完成时限"],
                                           ["2020-05-01", "某问题", "心内科", "2020-04-01"]])
    out = run("import", str(bad), "--apply")
    assert out.returncode == 1 and "未写入任何数据" in out.stderr
    assert "错误　第 2 行 C 列 “责任科室”：科室“心内科”在系统中不存在" in out.stderr
    assert "错误　第 2 行 D 列 “整改时限”：整改时限（2020-04-01）早于发现日期（2020-05-01），请改正。" in out.stderr
    missing = write_xlsx(tmp_path / "缺列.xlsx", [["检查日期", "责任部门"], ["2020-05-01", "内科"]])
    out = run("import", str(missing))
    assert out.returncode == 1 and "缺少必填列：“问题描述”" in out.stderr


def test_template_command(run, items, tmp_path):
    path = tmp_path / "模板.xlsx"
    out = run("template", "-o", str(path))
    assert out.returncode == 0 and "已写入导入模板" in out.stdout
    assert load_workbook(path).sheetnames[0] == "问题台账导入模板"
