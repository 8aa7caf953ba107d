"""Normalising what people type or paste (full-width digits, stray spaces, many date spellings).

Used by every form validator and every Excel importer, so that ``２０２４年3月5日``,
``2024/3/5`` and ``2024.03.05`` all mean the same date, and ``是``/``√``/``Y`` all mean yes.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

_SPACES = re.compile(r"\s+")
_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
_DATETIME_RE = re.compile(r"^(.+?)[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")

YES = {"是", "有", "√", "✓", "y", "yes", "true", "1", "在岗", "在职", "启用", "本机构执业", "本院"}
NO = {"否", "无", "×", "x", "n", "no", "false", "0", "离岗", "停用", "离职"}


# Chinese punctuation that NFKC would turn into ASCII; names such as 重症医学科（ICU） keep it.
_KEEP = "（），；：？！"
_PROTECT = str.maketrans({c: chr(0xE000 + i) for i, c in enumerate(_KEEP)})
_RESTORE = str.maketrans({chr(0xE000 + i): c for i, c in enumerate(_KEEP)})


def clean_text(value: Any) -> str:
    """Full-width letters and digits → half-width (NFKC, but Chinese punctuation is kept),
    trimmed, inner whitespace collapsed; None → ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value).translate(_PROTECT)).translate(_RESTORE)
    text = text.replace("\u3000", " ").replace("\u00a0", " ")
    return _SPACES.sub(" ", text).strip()


def clean_optional(value: Any) -> str | None:
    text = clean_text(value)
    return text or None


def clean_prose(value: Any) -> str | None:
    """Free text (备注, 描述, 意见): trimmed, but Chinese punctuation such as （），：； is kept —
    NFKC would silently turn it into ASCII."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\r\n", "\n").strip()
    return text or None


def parse_date(value: Any) -> dt.date | None:
    """A date from a cell or a field; ``None`` for empty; raises ValueError when unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # an Excel serial number that openpyxl did not convert (cell not formatted as date)
        if 20000 < value < 80000:
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
        raise ValueError("not a date")
    text = clean_text(value)
    if not text:
        return None
    m = _DATETIME_RE.match(text)
    if m and not text.endswith("日"):
        text = m.group(1)
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    raise ValueError("not a date")


def parse_bool(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    text = clean_text(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError("not a yes/no value")


def date_text(value: dt.date | None) -> str:
    return value.isoformat() if value else ""
