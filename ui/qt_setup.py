"""Application-wide Qt set-up: bundled Chinese fonts, zh_CN translations, style sheet."""
from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
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
