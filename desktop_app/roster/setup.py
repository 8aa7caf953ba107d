"""Setting up the roster in one user step: a post with its shifts, a run of holidays, removing holidays.

The pages save a post and all its shifts with one 保存, and add a holiday like 国庆节 (eight days)
at once. These functions call the single-record services (which validate and audit each change)
inside one transaction: if anything is wrong, every finding is reported and nothing is written.
"""
from __future__ import annotations

import datetime as dt
import uuid

from desktop_app import errors
from desktop_app.accounts.permissions import action
from desktop_app.accounts.scope import HOSPITAL
from desktop_app.errors import Finding
from desktop_app.periods import period_findings
from desktop_app.roster import calendar, service
from desktop_app.roster.manifest import ROSTER_SETUP
from desktop_app.roster.models import HOLIDAY_FIELDS, Post
from desktop_app.session import Session

SHIFT_KEYS = ("name", "starts", "ends", "on_workdays", "on_weekends", "on_holidays", "active")
MAX_HOLIDAY_RUN = 31


def _unchanged(shift, values: dict) -> bool:
    current = {"name": shift.name, "starts": shift.starts, "ends": shift.ends, "on_workdays": shift.on_workdays,
               "on_weekends": shift.on_weekends, "on_holidays": shift.on_holidays, "active": shift.active}
    return all(current[k] == values[k] for k in SHIFT_KEYS if k in values)


class _Rollback(Exception):
    """Raised inside the transaction so that nothing of a failed save stays."""


# Posts and holidays are set up by 质控/医务科 for the whole hospital.


@action(ROSTER_SETUP, scope=HOSPITAL)
def save_post_with_shifts(session: Session, values: dict, shifts: list[dict], post_id: int | None = None) -> Post:
    """Create or change a post and its shifts together (one transaction, every problem reported).

    Each item of ``shifts`` holds the shift's fields and, for a shift already saved, its ``id``;
    a shift is removed by saving it with ``active`` False (assignments keep their history).
    Shift findings carry ``row`` (1-based position in ``shifts``) and ``record`` (the shift name).
    """
    findings: list[Finding] = []
    post: Post | None = None
    try:
        with session.db.transaction():
            try:
                post = service.save_post(session, values, post_id)
                target = post.id
            except errors.ValidationError as exc:
                findings += exc.findings
                # Still check the shifts, against the post as it is or a stand-in that is rolled back.
                target = post_id or service.save_post(session, {"name": f"（核对班次）{uuid.uuid4().hex}"}).id
            existing = {s.id: s for p in service.list_posts(session, include_inactive=True) if p.id == post_id
                        for s in p.shifts}
            for row, shift in enumerate(shifts, start=1):
                shift_id = shift.get("id")
                fields = {k: shift[k] for k in SHIFT_KEYS if k in shift}
                if shift_id in existing and _unchanged(existing[shift_id], fields):
                    continue
                try:
                    service.save_shift(session, target, fields, shift_id)
                except errors.ValidationError as exc:
                    name = str(fields.get("name") or "").strip() or None
                    findings += [Finding(f.message, field=f.field, severity=f.severity, row=row, record=name,
                                         label=f.label) for f in exc.findings]
            if findings:
                raise _Rollback
            post = next(p for p in service.list_posts(session, include_inactive=True) if p.id == target)
    except _Rollback:
        raise errors.ValidationError(findings) from None
    return post


@action(ROSTER_SETUP, scope=HOSPITAL)
def set_holiday_range(session: Session, first, last, kind: str, name: str) -> int:
    """Mark every date from ``first`` to ``last`` as 法定节假日 or 调休上班 (e.g. 国庆节 10-01..10-08)."""
    start, end, findings = period_findings(first, last or first, fields=(HOLIDAY_FIELDS["date"], HOLIDAY_FIELDS["last"]),
                                           example="2026-10-01")
    if start and end and (end - start).days >= MAX_HOLIDAY_RUN:
        findings.append(HOLIDAY_FIELDS.finding("last", f"一次最多添加 {MAX_HOLIDAY_RUN} 天，请分段添加。"))
    if findings:
        raise errors.ValidationError(findings)
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    with session.db.transaction():
        for day in days:
            calendar.set_holiday(session, day, kind, name)
    return len(days)


@action(ROSTER_SETUP, scope=HOSPITAL)
def remove_holidays(session: Session, dates: list) -> int:
    """Make the dates ordinary days again (weekday = workday, Saturday/Sunday = weekend)."""
    with session.db.transaction():
        for day in dates:
            calendar.set_holiday(session, day, None)
    return len(dates)
