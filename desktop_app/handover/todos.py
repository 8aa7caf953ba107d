"""What the handover book puts on the 工作台: reports waiting for the receiver, drafts of shifts
that have ended, shifts with no report; and two figures (本月交接班记录, 待接班).

Who sees what: the to-dos go to those who may write handover reports (a nurse or doctor: her
ward; 护士长/科主任: the department and its wards; 质控/护理部: every ward) — the service scopes
decide. 院领导 and 只读 see every ward but act on none: they get the figures only.

Items name the ward, the handover day and the shift. Reports and shifts of the last
:data:`RECENT_DAYS` handover days are listed one by one (at most :data:`MAX_ITEMS` of a kind, then
one line for the rest); older unfinished reports of the last :data:`OLDER_DAYS` days — e.g. one the
receiver could not sign because a bedside handover was never recorded — are summed up in one line.
(The recent ones come from ``shift_board``, the older ones from ``list_reports`` with a date range:
both use the date index. ``open_reports`` reads every unfinished report of all years, and on ten
years of reports SQLite answers it with a scan of the whole table, ~0.2 s per kind.)

Page keys for the UI (page ``handover``; the text after the colon is a query string — build it with
:func:`page_key`, read it with :func:`parse_preset`)::

    handover:report=1234                              open report 1234 (a draft in the editor)
    handover:ward=17&kind=nurse&date=2026-11-22&shift=3
                                                      the ward's shifts of that handover day with
                                                      shift 3 (its order in the ward's pattern)
                                                      selected — a missing report: write it there
    handover:kind=nurse&status=已交班                  the history filtered by status (every date)

``kind`` is ``nurse`` (护理交接班, the default when absent) or ``doctor`` (医师交接班); ``ward`` is
the department id (a 护理单元 or, for doctors, a clinical department).
"""
from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qsl

from desktop_app.dashboard import StartupHealth, Stat, TodoItem, provider, stat_provider
from desktop_app.handover import service as handover
from desktop_app.handover.manifest import HANDOVER_VIEW, HANDOVER_WRITE
from desktop_app.handover.models import DOCTOR, DRAFT, HANDED, KIND_LABELS, NURSE, ShiftSlot
from desktop_app.session import Session
from desktop_app.settings import get_setting

PAGE = "handover"
MODULE = "交接班"
RECENT_DAYS = 2   # like missing_reports: the handover days before today that are listed one by one
OLDER_DAYS = 30   # unfinished reports before those are summed up back to this many days
MAX_ITEMS = 6     # per kind of item; the rest in one line


def page_key(**values) -> str:
    """``page_key(report=12)`` → ``"handover:report=12"`` (values in the order given; they never
    hold ``&`` or ``=``, so they are written as they are, 已交班 included)."""
    return f"{PAGE}:" + "&".join(f"{k}={v}" for k, v in values.items() if v is not None)


def parse_preset(preset: str) -> dict[str, str]:
    """The preset after ``handover:`` as a dict (``"report=12"`` → ``{"report": "12"}``)."""
    return dict(parse_qsl(preset.partition(f"{PAGE}:")[2] if preset.startswith(f"{PAGE}:") else preset))


def _hhmm(stamp: str | None) -> str:
    return stamp[11:16] if stamp else ""


def _when(moment: dt.datetime) -> str:
    return moment.strftime("%m-%d %H:%M")


def _title(slot: ShiftSlot, what: str) -> str:
    return f"{what}：{slot.department_name} {slot.date} {slot.shift.name}{KIND_LABELS[slot.kind]}"


def _capped(items: list[TodoItem], rest: TodoItem) -> list[TodoItem]:
    return items if len(items) <= MAX_ITEMS else items[:MAX_ITEMS] + [rest]


def _kind_todos(session: Session, kind: str, now: dt.datetime, grace: int) -> list[TodoItem]:
    """The shift board of the last RECENT_DAYS handover days gives the open reports with their shift's
    end; older unfinished ones (up to OLDER_DAYS back) are counted through the history's date index."""
    today = now.date()
    first = today - dt.timedelta(days=RECENT_DAYS)
    label = KIND_LABELS[kind]
    keeps_book: dict[int, bool] = {}

    def kept(department_id: int) -> bool:  # doctors: only departments that keep a doctors' book
        if kind == NURSE:
            return True
        if department_id not in keeps_book:
            keeps_book[department_id] = handover.get_template(session, department_id, kind).configured
        return keeps_book[department_id]

    waiting, drafts, settling = [], [], 0
    for slot in reversed(handover.shift_board(session, kind, first, today)):  # oldest first
        row = slot.report
        if row is None or row.status not in (HANDED, DRAFT) or not slot.ended(now):
            continue  # nothing written (see below), received, or the shift still runs
        late = slot.ends_at + dt.timedelta(minutes=grace) <= now
        if row.status == HANDED and not late:
            settling += 1
        elif row.status == HANDED:
            waiting.append(TodoItem(
                "alert", _title(slot, "待接班"),
                f"{row.outgoing_name or ''} {_hhmm(row.outgoing_at)} 已交班签名；班次 {_when(slot.ends_at)} 结束，超过 "
                f"{grace} 分钟仍未接班签名。接班者核对（危重患者床旁交接）后在本机输入本人账户和密码签名，或按“七不接”退回。",
                page=page_key(report=row.id, kind=kind), module=MODULE))
        else:
            drafts.append(TodoItem(
                "alert" if late else "warning", _title(slot, "未交班"),
                f"草稿：班次已于 {_when(slot.ends_at)} 结束，尚未交班签名。请补充完整后交班，再由接班者签名。",
                page=page_key(report=row.id, kind=kind), module=MODULE))
    missing = [TodoItem(
        "alert", _title(slot, "缺交接班记录"),
        f"班次 {slot.shift.label()}（{_when(slot.ends_at)} 结束）没有书写交接班记录。请补写并说明原因。",
        page=page_key(ward=slot.department_id, kind=kind, date=slot.date, shift=slot.shift.order), module=MODULE)
        for slot in reversed(handover.missing_reports(session, kind, days=RECENT_DAYS)) if kept(slot.department_id)]
    items = _capped(waiting, TodoItem("alert", f"另有 {len(waiting) - MAX_ITEMS} 份{label}超时未接班",
                                      "请在交接班记录中按状态“已交班”查看。",
                                      page=page_key(kind=kind, status=HANDED), module=MODULE))
    items += _capped(drafts, TodoItem("warning", f"另有 {len(drafts) - MAX_ITEMS} 份{label}草稿未交班",
                                      "请在交接班记录中按状态“草稿”查看。",
                                      page=page_key(kind=kind, status=DRAFT), module=MODULE))
    items += _capped(missing, TodoItem("alert", f"另有 {len(missing) - MAX_ITEMS} 个班次没有{label}",
                                       f"最近 {RECENT_DAYS} 天内已结束的班次。", page=page_key(kind=kind),
                                       module=MODULE))
    if settling:
        items.append(TodoItem("info", f"{settling} 份{label}刚交班，等待接班签名",
                              f"交班后 {grace} 分钟内接班签名即为按时。", page=page_key(kind=kind, status=HANDED),
                              module=MODULE))
    before = first - dt.timedelta(days=1)
    older = {status: handover.list_reports(session, kind, today - dt.timedelta(days=OLDER_DAYS), before, status=status)
             for status in (HANDED, DRAFT)}
    count = len(older[HANDED]) + len(older[DRAFT])
    if count:
        earliest = min(r.date for rows in older.values() for r in rows)
        items.append(TodoItem(
            "warning", f"近 {OLDER_DAYS} 天有 {count} 份{label}未完成接班",
            f"{RECENT_DAYS} 天以前的：已交班未接班 {len(older[HANDED])} 份、草稿 {len(older[DRAFT])} 份，最早 {earliest}。"
            "常见原因是床旁交接未记录，接班者无法签名；请护士长（科主任）核实处理。",
            page=page_key(kind=kind, status=HANDED if older[HANDED] else DRAFT), module=MODULE))
    return items


@provider
def handover_todos(session: Session, health: StartupHealth) -> list[TodoItem]:
    if not session.actor.can(HANDOVER_WRITE):
        return []
    now = session.now()
    grace = int(get_setting(session.db, "handover.sign_within_minutes"))
    items: list[TodoItem] = []
    for kind in (NURSE, DOCTOR):
        if handover.handover_departments(session, kind):
            items += _kind_todos(session, kind, now, grace)
    return items


@stat_provider
def handover_figures(session: Session) -> list[Stat]:
    if not session.actor.can(HANDOVER_VIEW):
        return []
    today = session.today()
    first = today.replace(day=1)
    counts = {kind: handover.count_reports(session, kind, first, today) for kind in (NURSE, DOCTOR)}
    since = today - dt.timedelta(days=OLDER_DAYS)
    handed = sum(handover.count_reports(session, kind, since, today, status=HANDED) for kind in (NURSE, DOCTOR))
    return [
        Stat("本月交接班记录", str(counts[NURSE] + counts[DOCTOR]), page=page_key(kind=NURSE),
             note=f"护理 {counts[NURSE]} 份，医师 {counts[DOCTOR]} 份"),
        Stat("待接班", str(handed), page=page_key(kind=NURSE, status=HANDED),
             note=f"近 {OLDER_DAYS} 天已交班、尚未接班签名的记录"),
    ]

