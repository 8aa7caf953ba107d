"""The in-app PDF preview (QPdfView) with 打印 and 另存为, and the export helpers every page uses.

Exports are written off the GUI thread (:func:`ui.jobs.run_job`): a PDF is built into a
temporary file and shown in the preview, from where it can be printed or saved; an XLSX is
written straight to the file the user chose.
"""
from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPointF, QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.jobs import run_job


class PdfPreviewDialog(QDialog):
    def __init__(self, pdf_path: Path, title: str, suggested_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.pdf_path = Path(pdf_path)
        self.suggested_name = suggested_name
        self.setWindowTitle(f"打印预览 — {title}")
        self.resize(1000, 820)
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.print_button = QPushButton("打印…")
        self.save_button = QPushButton("另存为 PDF…")
        zoom_in = QPushButton("放大")
        zoom_out = QPushButton("缩小")
        fit = QPushButton("适合宽度")
        self.pages_label = QLabel()
        for b in (self.print_button, self.save_button, zoom_out, zoom_in, fit):
            bar.addWidget(b)
        bar.addStretch(1)
        bar.addWidget(self.pages_label)
        layout.addLayout(bar)
        self.document = QPdfDocument(self)
        self.document.load(str(self.pdf_path))
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        layout.addWidget(self.view, 1)
        self.pages_label.setText(f"共 {self.document.pageCount()} 页")
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_as)
        zoom_in.clicked.connect(lambda: self._zoom(1.25))
        zoom_out.clicked.connect(lambda: self._zoom(0.8))
        fit.clicked.connect(lambda: self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth))

    def _zoom(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(0.2, min(5.0, self.view.zoomFactor() * factor)))

    def save_as(self) -> Path | None:
        target, _ = QFileDialog.getSaveFileName(self, "另存为", str(Path.home() / self.suggested_name), "PDF 文件 (*.pdf)")
        if not target:
            return None
        target_path = Path(target)
        if target_path.suffix.lower() != ".pdf":
            target_path = target_path.with_suffix(".pdf")
        try:
            shutil.copyfile(self.pdf_path, target_path)
        except OSError as exc:
            QMessageBox.warning(self, "无法保存", f"无法写入“{target_path}”：{exc.strerror or exc}。请换一个文件夹。")
            return None
        return target_path

    def print_document(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.suggested_name)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        print_pdf(self.document, printer)


def print_pdf(document: QPdfDocument, printer: QPrinter) -> int:
    """Render every page at the printer's resolution, on white (QtPdf renders transparent)."""
    painter = QPainter()
    if not painter.begin(printer):
        raise RuntimeError("无法开始打印，请检查打印机。")
    printed = 0
    try:
        dpi = min(printer.resolution(), 300)
        first = True
        for index in range(document.pageCount()):
            if not first:
                printer.newPage()
            first = False
            points = document.pagePointSize(index)
            size = QSize(int(points.width() / 72 * dpi), int(points.height() / 72 * dpi))
            image = document.render(index, size)
            page = QImage(size, QImage.Format.Format_RGB32)
            page.fill(Qt.GlobalColor.white)
            p = QPainter(page)
            p.drawImage(QPointF(0, 0), image)
            p.end()
            target = painter.viewport()
            scaled = page.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.setViewport(target.x(), target.y(), scaled.width(), scaled.height())
            painter.setWindow(page.rect())
            painter.drawImage(0, 0, page)
            painter.setViewport(target)
            printed += 1
    finally:
        painter.end()
    return printed


def preview_pdf(parent: QWidget, ctx, title: str, suggested_name: str,
                build: Callable[[object, Path, Callable], object]) -> None:
    """Build a PDF in the background (``build(session, path, progress)``), then preview it."""
    folder = Path(tempfile.mkdtemp(prefix="qledger-print-"))
    path = folder / suggested_name

    def work(session, progress):
        build(session, path, progress)
        return path

    def done(result: Path) -> None:
        dialog = PdfPreviewDialog(result, title, suggested_name, parent)
        parent._last_preview = dialog  # tests look at it; also keeps it alive
        dialog.open()

    run_job(parent, ctx, f"正在生成“{title}”…", work, done)


def choose_excel_file(parent: QWidget, title: str) -> str | None:
    """Ask for a workbook to import (from the home folder); None when the user cancels."""
    path, _ = QFileDialog.getOpenFileName(parent, title, str(Path.home()), "Excel 工作簿 (*.xlsx *.xlsm);;所有文件 (*)")
    return path or None


def export_xlsx(parent: QWidget, ctx, title: str, suggested_name: str,
                write: Callable[[object, Path, Callable], object], *, target: Path | None = None) -> None:
    """Ask where to save, write the workbook in the background, offer to open it."""
    if target is None:
        chosen, _ = QFileDialog.getSaveFileName(parent, f"导出{title}", str(Path.home() / suggested_name),
                                                "Excel 工作簿 (*.xlsx)")
        if not chosen:
            return
        target = Path(chosen)
    if target.suffix.lower() != ".xlsx":
        target = target.with_suffix(".xlsx")

    def done(_result) -> None:
        ctx.status_message.emit(f"已导出：{target}")
        answer = QMessageBox.question(parent, "导出完成", f"已保存到：\n{target}\n\n现在打开吗？")
        if answer == QMessageBox.StandardButton.Yes:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))

    run_job(parent, ctx, f"正在导出“{title}”…", lambda s, p: write(s, target, p), done)
