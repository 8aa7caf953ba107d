"""The bundled Chinese font for PDFs: Noto Sans SC Regular + Bold, embedded (subset) in every file.

Registration reads two 10 MB files, so it happens on the first PDF build, not at import;
:func:`register_fonts` is idempotent and thread-safe (exports run on worker threads).
Provenance and licence: ``resources/fonts/README.md`` and ``OFL.txt``.
"""
from __future__ import annotations

import threading
import unicodedata

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.pdfbase.ttfonts import TTFont

from desktop_app.paths import resource_path

FONT = "NotoSansSC"
FONT_BOLD = "NotoSansSC-Bold"
_FILES = {FONT: "NotoSansSC-Regular.ttf", FONT_BOLD: "NotoSansSC-Bold.ttf"}
_lock = threading.Lock()
_registered = False


def register_fonts() -> str:
    """Register the family once (``<b>`` in paragraphs picks the Bold file); returns its name."""
    global _registered
    with _lock:
        if not _registered:
            for name, filename in _FILES.items():
                pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", filename))))
            # No italic faces: italic maps to upright (reportlab never fakes bold or italic).
            registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD)
            _registered = True
    return FONT


def missing_glyphs(text: str) -> set[str]:
    """The characters of ``text`` that the bundled font cannot draw (they would print as boxes)."""
    register_fonts()
    cmaps = [pdfmetrics.getFont(name).face.charToGlyph for name in _FILES]
    return {
        ch for ch in set(text)
        if unicodedata.category(ch) != "Cc" and any(ord(ch) not in cmap for cmap in cmaps)
    }
