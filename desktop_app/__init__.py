"""医疗质量安全台账 (QualityLedger) — the application core.

Nothing in this package imports Qt; the GUI lives in the top-level ``ui`` package
and is loaded lazily by :mod:`desktop_app.cli` only when the window is opened.
"""

APP_NAME = "医疗质量安全台账"
APP_ID = "QualityLedger"
__version__ = "0.1.0"
