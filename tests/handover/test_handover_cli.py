"""``qledger handover …`` as the 护理部 or a script runs it (a real process)."""
import json
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from tests.handover.test_printouts import DAY, write_book
from tests.reports import pdftools

FIRST = "2026-11-20"


@pytest.fixture
def run(db_path):
    def call(*args):
        return subprocess.run([sys.executable, "-m", "desktop_app", "handover", *args, "--db", str(db_path)],
                              capture_output=True, text=True, timeout=120)
    return call


@pytest.fixture
def written(ward, clock, db):
    """The book of tests/handover/test_printouts.py, in a database the command line opens."""
    write_book(ward, clock)
    db.close()


def test_print_one_ward(run, written, tmp_path):
    pdf = tmp_path / "交班报告.pdf"
    out = run("print", "--from", FIRST, "--to", DAY, "--ward", "内科一病区", "-o", str(pdf))
    assert out.returncode == 0, out.stderr
    assert f"已写入：{pdf}" in out.stdout and "内科一病区" in out.stdout and "4 份护理交接班记录" in out.stdout
    text = pdftools.flat(pdf)
    assert "病区交班报告" in text and "病区：内科一病区" in text and "外科病区" not in text
    assert "张三丰" in text and "打印：命令行（qledger）" in text  # the system sees names
    assert all("内部资料" in pdftools.squash(p) for p in pdftools.pages(pdf))


def test_export_every_ward(run, written, tmp_path):
    xlsx = tmp_path / "交班报告.xlsx"
    out = run("export", "--from", FIRST, "--to", DAY, "-o", str(xlsx))
    assert out.returncode == 0, out.stderr
    assert "全院" in out.stdout
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["交班报告", "患者交班", "交接物品", "补记", "统计"]
    statuses = [(r[0], r[2], r[3]) for r in wb["交班报告"].iter_rows(values_only=True) if r[3] in ("已接班", "已交班", "草稿")]
    assert statuses == [("内科一病区", "白班", "已接班"), ("内科一病区", "白班", "已接班"),
                        ("内科一病区", "小夜班", "已交班"), ("内科一病区", "大夜班", "草稿")]
    assert any(r[7] == "张三丰" for r in wb["患者交班"].iter_rows(values_only=True))


def test_figures_as_json_and_text(run, written):
    out = run("figures", "--from", FIRST, "--to", DAY, "--json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert set(rows[0]) == {"department_id", "department_name", "expected", "written", "received", "on_time",
                            "census_errors", "grade4", "grade4_bedside", "bedside_ratio"}
    ours = next(r for r in rows if r["department_name"] == "内科一病区")
    assert (ours["written"], ours["received"], ours["census_errors"], ours["grade4"], ours["grade4_bedside"],
            ours["bedside_ratio"]) == (4, 2, 1, 1, 1, 1.0)
    assert rows[-1]["department_name"] == "合计" and rows[-1]["department_id"] is None
    assert next(r for r in rows if r["department_name"] == "外科病区")["bedside_ratio"] is None
    text = run("figures", "--from", FIRST, "--to", DAY, "--ward", "内科一病区")
    assert text.returncode == 0 and "病区\t应交班\t已书写" in text.stdout and "\t100.0%" in text.stdout
    assert "外科病区" not in text.stdout


def test_unknown_ward_lists_the_wards(run, written, tmp_path):
    out = run("print", "--from", FIRST, "--to", DAY, "--ward", "内科二病区", "-o", str(tmp_path / "x.pdf"))
    assert out.returncode == 1
    assert "病区“内科二病区”不存在。可选的病区：内科一病区、外科病区" in out.stderr
    clinical = run("figures", "--from", FIRST, "--to", DAY, "--ward", "内科")
    assert clinical.returncode == 1 and "“内科”是临床科室，不是护理单元；医师交接班请加 --kind doctor" in clinical.stderr
    doctors = run("figures", "--from", FIRST, "--to", DAY, "--ward", "内科", "--kind", "doctor", "--json")
    assert doctors.returncode == 0, doctors.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_bad_input_says_what_to_fix(run, written, tmp_path):
    wrong = run("print", "--from", FIRST, "--to", DAY, "-o", str(tmp_path / "book.xlsx"))
    assert wrong.returncode == 1 and "扩展名改为 .pdf" in wrong.stderr and "qledger handover export" in wrong.stderr
    wrong = run("export", "--from", FIRST, "--to", DAY, "-o", str(tmp_path / "book.pdf"))
    assert wrong.returncode == 1 and "扩展名改为 .xlsx" in wrong.stderr
    date = run("export", "--from", "11月1日前", "--to", DAY, "-o", str(tmp_path / "book.xlsx"))
    assert date.returncode == 1 and "请写成 2026-03-05" in date.stderr
    backwards = run("figures", "--from", DAY, "--to", FIRST)
    assert backwards.returncode == 1 and "结束日期不能早于开始日期" in backwards.stderr
    assert not list(tmp_path.glob("book.*"))  # nothing written, not even a partial file
