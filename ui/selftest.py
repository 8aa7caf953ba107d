"""The Qt half of ``qledger --self-test`` (see :mod:`desktop_app.selftest`): is the interface complete?

Checks what a build most easily leaves out: the bundled Chinese font registered, the zh_CN
``qtbase`` translation loaded (standard buttons read 取消), the SVG icon drawn (SVG plugins), the
platform plugin of this system present, the PDF preview library opening a report, printing
support, and the main window built for the demo administrator with every page opened once.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QSize, QThreadPool
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication

from desktop_app.selftest import CheckFailed

PLATFORM_PLUGINS = {"win32": "qwindows", "darwin": "qcocoa"}  # others: xcb (X11, XWayland)


def _platform_plugin_present() -> tuple[bool, str]:
    """The plugin a desktop session of this system needs, looked for where Qt looks for plugins."""
    wanted = PLATFORM_PLUGINS.get(sys.platform, "qxcb")
    folders = [Path(p) / "platforms" for p in QCoreApplication.libraryPaths()]
    folders.append(Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms")
    found = [p.name for folder in folders for p in folder.glob("*") if p.stem.removeprefix("lib") == wanted]
    return bool(found), (found[0] if found else f"{wanted}（在 {'、'.join(map(str, folders))} 中没有找到）")


def check_gui(db_path: Path, pdf_path: Path | None) -> str:
    from desktop_app.accounts.service import authenticate
    from desktop_app.clock import SystemClock
    from desktop_app.practice.accounts import DEMO_ACCOUNTS
    from desktop_app.session import Session
    from desktop_app.storage.database import open_database
    from ui.context import AppContext
    from ui.qt_setup import FONT_FAMILY, setup_application

    problems: list[str] = []
    notes: list[str] = []
    app = QApplication.instance() or QApplication(["qledger"])
    setup_application(app)
    notes.append(f"平台 {app.platformName()}")

    if FONT_FAMILY not in QFontDatabase.families():
        problems.append(f"中文字体 {FONT_FAMILY} 没有注册（界面会显示方框）")
    cancel = QCoreApplication.translate("QPlatformTheme", "Cancel")
    if cancel != "取消":
        problems.append(f"没有加载 Qt 的中文翻译 qtbase_zh_CN（“Cancel”显示为“{cancel}”）")
    else:
        notes.append("中文字体与翻译")
    icon = app.windowIcon()
    if icon.isNull() or icon.pixmap(QSize(32, 32)).isNull():
        problems.append("程序图标无法显示（缺少 resources/icons/app.svg 或 Qt 的 SVG 插件）")
    present, plugin = _platform_plugin_present()
    if not present:
        problems.append(f"缺少本系统的 Qt 平台插件 {plugin}，程序窗口无法在桌面上打开")
    else:
        notes.append(f"平台插件 {plugin}")

    if pdf_path is None:
        problems.append("没有可供预览的 PDF")
    else:
        from PySide6.QtPdf import QPdfDocument

        document = QPdfDocument(app)
        error = document.load(str(pdf_path))
        image = document.render(0, QSize(595, 842)) if document.pageCount() else None
        if error != QPdfDocument.Error.None_ or document.pageCount() == 0 or image is None or image.isNull():
            problems.append(f"PDF 预览无法打开 {pdf_path.name}（{error.name}）")
        else:
            notes.append(f"PDF 预览 {pdf_path.name} {document.pageCount()} 页")
        document.close()
    from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

    QPrinter()
    notes.append(f"打印机 {len(QPrinterInfo.availablePrinterNames())} 台")

    account = next(a for a in DEMO_ACCOUNTS if a.username == "admin")
    db = open_database(db_path)
    window = None
    try:
        clock = SystemClock()
        actor = authenticate(db, account.username, account.password, clock).actor
        ctx = AppContext(Session(db, actor, clock))
        ctx.health.integrity_checked = True
        started = time.perf_counter()
        from ui.main_window import MainWindow

        window = MainWindow(ctx)
        window.resize(1366, 800)
        window.show()
        app.processEvents()
        opened = []
        for key in window.visible_page_keys():
            if not window.navigate(key):
                problems.append(f"页面“{window.specs[key].title}”无法打开")
                continue
            app.processEvents()
            opened.append(key)
        notes.append(f"主窗口与 {len(opened)} 个页面 {time.perf_counter() - started:.1f} s")
    finally:
        if window is not None:
            window.close()
            window.deleteLater()
        app.processEvents()
        QThreadPool.globalInstance().waitForDone(30_000)
        db.close()
    if problems:
        raise CheckFailed("；".join(problems))
    return "，".join(notes)
