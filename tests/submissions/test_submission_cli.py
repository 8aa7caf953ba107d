"""``qledger submission …`` in a real process: a draft printed, the finalised original written and verified."""
import subprocess
import sys

import pytest

from desktop_app.submissions import service as submissions
from tests.reports import pdftools
from tests.submissions.conftest import ready


@pytest.fixture
def run(db_path):
    def call(*args):
        return subprocess.run([sys.executable, "-m", "desktop_app", "submission", *args, "--db", str(db_path)],
                              capture_output=True, text=True, timeout=120)
    return call


def test_build_a_draft_then_the_finalised_original_and_verify_it(run, system, half_year, db, tmp_path):
    s = ready(system)
    db.close()
    draft = tmp_path / "草稿.pdf"
    result = run("build", "--period", "上半年", "--year", "2026", "-o", str(draft))
    assert result.returncode == 0 and "已写出草稿" in result.stdout, result.stderr
    text = pdftools.flat(draft)
    assert "2026年上半年医疗质量安全工作报送表" in text and "草稿（未定稿，不得报送）" in text
    from desktop_app.storage.database import open_database
    from desktop_app.session import Session, SYSTEM_ACTOR

    with open_database(db.path) as again:
        done = submissions.finalize(Session(again, SYSTEM_ACTOR, system.clock), s.id)
    pdf, xlsx = tmp_path / "报送.pdf", tmp_path / "报送.xlsx"
    result = run("build", "--period", "上半年", "--year", "2026", "-o", str(pdf), "--xlsx", str(xlsx))
    assert result.returncode == 0 and done.verification_code in result.stdout
    assert done.verification_code in pdftools.flat(pdf)
    ok = run("verify", str(pdf))
    assert ok.returncode == 0 and "与存档一致" in ok.stdout
    assert run("verify", str(xlsx)).returncode == 0
    assert run("verify", str(draft)).returncode == 1
    code = run("verify", "--code", done.verification_code)
    assert code.returncode == 0 and "属于 2026年上半年医疗质量安全工作报送表 第 1 版" in code.stdout
    listed = run("list")
    assert done.verification_code in listed.stdout


def test_build_refuses_a_wrong_extension(run, tmp_path):
    result = run("build", "--period", "全年", "--year", "2026", "-o", str(tmp_path / "x.docx"))
    assert result.returncode != 0 and "扩展名应为 .pdf" in (result.stdout + result.stderr)
