"""The figures of a submission, gathered for a period from every module's records.

:func:`gather` asks every module that declares a submission section (its manifest's
``submission``, e.g. desktop_app/ledger/submission.py) for a plain, JSON-able section: figures
(label, text), tables (columns, rows of texts) and notes, plus ``data`` with the raw numbers
(what the tests compare with the records). Texts are formatted once, when gathered, so a
finalised snapshot prints the same way years later, whatever the program's formatting then. Indicators and the narrative are added by
:mod:`desktop_app.submissions.service`, which knows the draft's entries.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from desktop_app.session import Session

NUMERALS = "一二三四五六七八九十"


def pct(part: float, whole: float) -> str:
    return "—" if not whole else f"{part / whole * 100:.1f}%"


def cn_day(day: str) -> str:
    d = dt.date.fromisoformat(day)
    return f"{d.year}年{d.month}月{d.day}日"


@dataclass(frozen=True)
class SectionPart:
    """A module's section of the submission (see its manifest's ``submission``): the section,
    the indicator inputs it computes (by ``computed_from`` key) and how many records it counted."""

    section: dict
    computed: dict[str, dict] = field(default_factory=dict)
    records: int = 0


def new_section(key: str, title: str) -> dict:
    return {"key": key, "title": title, "figures": [], "tables": [], "notes": [], "data": {}}


def table(title: str, columns: list[tuple[str, float]], rows: list[list]) -> dict:
    """columns: (label, relative width)."""
    return {"title": title, "columns": [list(c) for c in columns], "rows": [[str(v) for v in r] for r in rows]}


# ----------------------------------------------------------------------------- every module's section


def gather(session: Session, first: dt.date, last: dt.date) -> tuple[list[dict], dict[str, dict], bool]:
    """(sections, computed indicator inputs by ``computed_from`` key, whether the period has no record
    at all: no inspection, problem, training, handover or operation)."""
    from desktop_app import modules

    sections, computed, records = [], {}, 0
    for make in modules.submission_sections():
        part = make(session, first, last)
        sections.append(part.section)
        computed.update(part.computed)
        records += part.records
    return sections, computed, records == 0
