"""工作台: the to-do list every module contributes to.

A module registers a provider ``fn(session, health) -> list[TodoItem]`` with :func:`provider` in
the submodule its manifest names as ``todos``; the 工作台 page shows them all, most urgent first.
``health`` carries what the program learned at start-up (the integrity check and the daily
backup), which is not stored in the database.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from desktop_app.session import Session

SEVERITY_ORDER = {"alert": 0, "warning": 1, "info": 2, "ok": 3}


@dataclass(frozen=True)
class TodoItem:
    severity: str  # alert / warning / info / ok
    title: str
    detail: str = ""
    page: str | None = None  # navigation key of the page that deals with it
    module: str = "系统"


@dataclass
class StartupHealth:
    integrity_checked: bool = False
    integrity_problems: list[str] = field(default_factory=list)
    backup_made: str | None = None  # path of today's automatic backup, when one was made now
    backup_error: str | None = None


@dataclass(frozen=True)
class Stat:
    label: str
    value: str
    page: str | None = None
    note: str = ""


Provider = Callable[[Session, StartupHealth], list[TodoItem]]
PROVIDERS: list[Provider] = []
STAT_PROVIDERS: list[Callable[[Session], list[Stat]]] = []


def provider(fn: Provider) -> Provider:
    PROVIDERS.append(fn)
    return fn


def stat_provider(fn):
    STAT_PROVIDERS.append(fn)
    return fn


def collect_stats(session: Session) -> list[Stat]:
    _load_all_modules()
    stats: list[Stat] = []
    for fn in STAT_PROVIDERS:
        stats.extend(fn(session))
    return stats


def _load_all_modules() -> None:
    # Each module's manifest names the submodule holding its providers (kept apart from the heavy
    # report modules, so the 工作台 after login does not pay for importing reportlab and openpyxl).
    from desktop_app import modules

    modules.load_todos()


def collect(session: Session, health: StartupHealth) -> list[TodoItem]:
    _load_all_modules()
    items: list[TodoItem] = []
    for fn in PROVIDERS:
        try:
            items.extend(fn(session, health))
        except Exception as exc:  # noqa: BLE001 - one broken provider must not hide the others
            items.append(TodoItem("warning", f"待办事项读取失败：{fn.__name__}", str(exc)))
    return sorted(items, key=lambda i: SEVERITY_ORDER.get(i.severity, 9))


def days_until(target: dt.date, today: dt.date) -> int:
    return (target - today).days
