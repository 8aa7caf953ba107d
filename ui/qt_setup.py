"""Application-wide Qt set-up: bundled Chinese fonts, zh_CN translations, style sheet."""
from __future__ import annotations

import gc

from PySide6.QtCore import QLibraryInfo, QLocale, QObject, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from desktop_app.paths import resource_path

FONT_FAMILY = "Noto Sans SC"
_translators: list[QTranslator] = []  # Qt keeps only a pointer: keep the objects alive


def register_fonts() -> str:
    """Register the bundled Noto Sans SC so Chinese never depends on the host's fonts."""
    family = FONT_FAMILY
    for name in ("NotoSansSC-Regular.ttf", "NotoSansSC-Bold.ttf"):
        font_id = QFontDatabase.addApplicationFont(str(resource_path("fonts", name)))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        if families:
            family = families[0]
    return family


def install_translations(app: QApplication) -> None:
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for catalogue in ("qtbase",):
        translator = QTranslator(app)
        if translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), catalogue, "_", folder):
            app.installTranslator(translator)
            _translators.append(translator)


def apply_style(app: QApplication, family: str) -> None:
    app.setStyle("Fusion")
    font = QFont(family)
    font.setPointSizeF(10.5)
    app.setFont(font)
    qss = resource_path("style.qss")
    if qss.exists():
        app.setStyleSheet(qss.read_text(encoding="utf-8"))


class GuiThreadGarbageCollector(QObject):
    """Python's cyclic garbage collector runs in whichever thread happens to allocate when a
    threshold is crossed. When that is a worker (a PDF job) and the garbage holds Qt widgets
    (a closed dialog in a reference cycle), Qt destroys them off the GUI thread and the program
    crashes. So automatic collection is switched off and this timer collects, generation by
    generation as the thresholds are crossed, in the GUI thread (as Anki and qutebrowser do)."""

    def __init__(self, parent: QObject, interval_ms: int = 1000):
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(interval_ms)

    def check(self) -> None:
        collect_due_garbage(self.thresholds)


def collect_due_garbage(thresholds: tuple[int, int, int]) -> None:
    """What the automatic collector would do now: the oldest generation over its threshold."""
    counts = gc.get_count()
    for generation in (2, 1, 0):
        if counts[generation] > thresholds[generation]:
            gc.collect(generation)
            return


def setup_application(app: QApplication) -> None:
    from desktop_app import APP_ID, APP_NAME, __version__

    app.setApplicationName(APP_ID)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_ID)
    icon = resource_path("icons", "app.svg")  # drawn at every size by Qt's SVG icon engine
    if icon.exists():
        from PySide6.QtGui import QIcon

        app.setWindowIcon(QIcon(str(icon)))
    install_translations(app)
    apply_style(app, register_fonts())
    app._garbage_collector = GuiThreadGarbageCollector(app)  # noqa: SLF001 - kept alive with the app
