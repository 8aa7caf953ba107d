"""A from–to period as people type it: one check and one set of messages for every list,
statistic and printout that asks for a 开始日期 and a 结束日期.

    first, last = date_range("2026-11-01", "2026/11/30")        # ("2026-11-01", "2026-11-30")
    date_range("2026-11-30", "2026-11-01")   # ValidationError “结束日期”：结束日期不能早于开始日期（现为 …）

Dates are read by :func:`desktop_app.textnorm.parse_date` (2026-03-05, 2026/3/5, 2026年3月5日 …).
``fields`` are the form fields (:class:`~desktop_app.fields.Field`, or a label such as a command
line option) the findings belong to, so a dialog shows each message beside its field; ``what`` names the period in the message (“评估期间的结束日期…”).
Every problem is reported at once: both ends missing gives two findings.
"""
from __future__ import annotations

import datetime as dt

from desktop_app import errors
from desktop_app.errors import Finding
from desktop_app.fields import Field
from desktop_app.textnorm import parse_date

EXAMPLE = "2026-03-05"
DEFAULT_FIELDS = ("开始日期", "结束日期")


def _finding(field: Field | str, message: str) -> Finding:
    return field.finding(message) if isinstance(field, Field) else Finding(message, field=field, label=field)


def _end(value, word: str, field: Field | str, example: str, findings: list[Finding]) -> dt.date | None:
    try:
        day = parse_date(value)
    except (TypeError, ValueError):
        d = dt.date.fromisoformat(example)
        findings.append(_finding(field, f"{word}“{value}”无法识别，请写成 {example}（也可写 {d.year}/{d.month}/{d.day} 或 "
                                        f"{d.year}年{d.month}月{d.day}日）。"))
        return None
    if day is None:
        findings.append(_finding(field, f"请填写{word}，例如 {example}。"))
    return day


def period_findings(first, last, *, fields: tuple[Field | str, Field | str] = DEFAULT_FIELDS,
                    what: str = "", example: str = EXAMPLE) -> tuple[dt.date | None, dt.date | None, list[Finding]]:
    """Both ends as dates (None where missing or unreadable) and what is wrong with them, for a
    validator that gathers its findings with others'. ``example`` is the date the messages show."""
    of = f"{what}的" if what else ""
    findings: list[Finding] = []
    a = _end(first, f"{of}开始日期", fields[0], example, findings)
    b = _end(last, f"{of}结束日期", fields[1], example, findings)
    if a is not None and b is not None and b < a:
        findings.append(_finding(fields[1], f"{of}结束日期不能早于开始日期（现为 {a.isoformat()} 至 {b.isoformat()}），"
                                            "请改正其中一个日期。"))
    return a, b, findings


def date_range(first, last, *, fields: tuple[Field | str, Field | str] = DEFAULT_FIELDS, what: str = "",
               example: str = EXAMPLE) -> tuple[str, str]:
    """``(first, last)`` as ISO dates, or a :class:`~desktop_app.errors.ValidationError` naming the
    field(s) and saying what to write."""
    a, b, findings = period_findings(first, last, fields=fields, what=what, example=example)
    if findings:
        raise errors.ValidationError(findings)
    return a.isoformat(), b.isoformat()
