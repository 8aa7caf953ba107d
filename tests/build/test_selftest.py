"""qledger --self-test from source: it passes, writes what it says, and its checks can fail."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app import selftest

ROOT = Path(__file__).resolve().parents[2]
KEYS = [o.key for o in selftest.outputs()]


def test_self_test_from_source_passes_and_writes_a_pdf_and_xlsx_per_module(tmp_path):
    out = tmp_path / "out"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QLEDGER_HOME=str(tmp_path / "home"))
    result = subprocess.run([sys.executable, "-m", "desktop_app", "selftest", "--output", str(out)],
                            cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8", timeout=600,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "全部通过 ALL PASSED" in result.stdout and "失败 0 项" in result.stdout
    assert {"people", "ledger", "roster", "handover", "training", "surgery", "submissions"} <= set(KEYS)
    for key in KEYS:
        for suffix in (".pdf", ".xlsx"):
            assert (out / f"{key}{suffix}").stat().st_size > 1000, key + suffix
    assert "[通过 PASS] 程序界面 GUI" in result.stdout and "主窗口与" in result.stdout
    assert (out / "demo.db").exists() and (out / "empty.db").exists()
    # The machine's data folder was not touched: everything went to the output folder.
    assert not (tmp_path / "home").exists() or not any((tmp_path / "home").iterdir())


def test_the_top_level_flag_runs_the_self_test(monkeypatch):
    from desktop_app import cli

    calls = []
    monkeypatch.setattr(selftest, "cli_command", lambda args: calls.append(args) or 7)
    assert cli.main(["--self-test"]) == 7
    assert len(calls) == 1
    assert "selftest" in cli.build_parser().format_help() and "--self-test" in cli.build_parser().format_help()


def test_a_pdf_without_the_embedded_chinese_font_fails(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "plain.pdf"
    c = canvas.Canvas(str(path))
    c.drawString(100, 700, "Helvetica only")
    c.showPage()
    c.save()
    with pytest.raises(selftest.CheckFailed, match="没有内嵌中文字体"):
        selftest.check_pdf(path)
    (tmp_path / "cut.pdf").write_bytes(path.read_bytes()[:400])
    with pytest.raises(selftest.CheckFailed, match="不是完整的 PDF"):
        selftest.check_pdf(tmp_path / "cut.pdf")
    with pytest.raises(selftest.CheckFailed, match="没有生成"):
        selftest.check_pdf(tmp_path / "missing.pdf")


def test_a_report_pdf_passes_with_its_pages_and_font(tmp_path):
    from desktop_app.reports.base import ReportInfo
    from desktop_app.reports.pdf import PdfReport

    path = tmp_path / "report.pdf"
    report = PdfReport(path, ReportInfo(title="自检报告", hospital="青山县人民医院", filters=[]))
    report.heading("一、总体情况")
    report.paragraph("中文内容")
    report.build()
    assert "PDF 1 页，内嵌字体 NotoSansSC" in selftest.check_pdf(path)


def test_a_workbook_without_its_sheets_fails(tmp_path):
    import openpyxl

    path = tmp_path / "book.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "人员名册"
    book.active.append(["工号", "姓名"])
    book.save(path)
    assert "人员名册" in selftest.check_xlsx(path, ("人员名册",))
    with pytest.raises(selftest.CheckFailed, match="缺少工作表 统计"):
        selftest.check_xlsx(path, ("人员名册", "统计"))
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    with pytest.raises(selftest.CheckFailed, match="无法用 openpyxl 打开"):
        selftest.check_xlsx(tmp_path / "bad.xlsx", ())


def test_the_printouts_are_those_the_modules_declare(tmp_path):
    """Each module's manifest names its self-test printout; a module without one (accounts) has none,
    and a printout that writes nothing fails its check."""
    from desktop_app import modules

    assert [o.key for o in selftest.outputs()] == [m.key for m in modules.MODULES if m.selftest]
    assert "accounts" not in KEYS
    silent = selftest.Output("x", "某模块 x", (), lambda session, pdf, xlsx: "")
    with pytest.raises(selftest.CheckFailed):
        selftest.write_outputs(silent, None, tmp_path)
    result = selftest.SelfTestResult([selftest.Check("a"), selftest.Check("b", selftest.FAIL, "坏了")])
    assert not result.ok and "失败 1 项" in result.summary()


def test_any_failure_makes_the_exit_code_one(monkeypatch, tmp_path):
    def broken():
        raise selftest.CheckFailed("找不到程序文件：resources/fonts")

    def crash(path):
        raise RuntimeError("boom")

    monkeypatch.setattr(selftest, "check_resources", broken)
    monkeypatch.setattr(selftest, "build_demo_hospital", crash)
    lines = []
    result = selftest.run_self_test(tmp_path / "out", echo=lines.append)
    assert not result.ok
    text = "\n".join(lines)
    assert "[失败 FAIL] 程序文件 resources：找不到程序文件" in text
    assert "[失败 FAIL] 演示医院 demo hospital：RuntimeError: boom" in text
    assert "[失败 FAIL] 程序界面 GUI：演示医院没有建成" in text
    assert "有失败项 FAILED" in lines[-2]

    class Args:
        output, no_gui = str(tmp_path / "again"), True

    assert selftest.cli_command(Args()) == 1
