"""Printing from the preview, background jobs with cancel, Chinese in Qt's own dialogs."""
import subprocess
import time

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFontDatabase
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

from ui.jobs import active_jobs, run_job


def test_print_renders_every_page(tmp_path, system, hospital):
    from desktop_app.people import reports as people_reports
    from ui.pdf_preview import print_pdf

    source = tmp_path / "名册.pdf"
    people_reports.write_staff_list_pdf(people_reports.staff_list_snapshot(system), source)
    document = QPdfDocument()
    document.load(str(source))
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    assert print_pdf(document, printer) == document.pageCount() >= 1
    info = subprocess.run(["pdfinfo", str(printed)], capture_output=True, text=True).stdout
    pages = next(int(line.split()[-1]) for line in info.splitlines() if line.startswith("Pages:"))
    assert pages == document.pageCount()


def test_cancelled_job_reports_nothing_and_leaves_no_file(qtbot, window_for, tmp_path):
    window = window_for()
    target = tmp_path / "out.txt"
    results = []

    def work(session, progress):
        for i in range(200):
            progress(i, 200)
            time.sleep(0.01)
        target.write_text("done")
        return "finished"

    job = run_job(window, window.ctx, "长时间任务", work, results.append)
    qtbot.waitUntil(lambda: True, timeout=100)
    job.cancelled = True  # what the progress dialog's 取消 button does
    qtbot.waitUntil(lambda: active_jobs() == 0, timeout=5000)
    assert results == [] and not target.exists()


def test_failed_job_reaches_the_user(qtbot, window_for, messages):
    from desktop_app.errors import UserError

    window = window_for()

    def work(session, progress):
        raise UserError("文件“x.xlsx”正被其他程序打开。")

    run_job(window, window.ctx, "导出", work, lambda r: None)
    qtbot.waitUntil(lambda: active_jobs() == 0, timeout=5000)
    assert messages and "正被其他程序打开" in messages[-1][2]


def test_qt_standard_buttons_are_chinese():
    assert "是" in QCoreApplication.translate("QPlatformTheme", "&Yes")
    assert "取消" in QCoreApplication.translate("QPlatformTheme", "Cancel")


def test_bundled_chinese_font_is_the_application_font(qapp):
    assert "Noto Sans SC" in QFontDatabase.families()
    assert qapp.font().family() == "Noto Sans SC"
