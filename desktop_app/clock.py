"""Time is passed in, never read directly by services, so tests can fix 'now'."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol


class Clock(Protocol):
    def now(self) -> dt.datetime: ...

    def today(self) -> dt.date: ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now().replace(microsecond=0)

    def today(self) -> dt.date:
        return dt.date.today()


@dataclass
class FixedClock:
    """A clock for tests and the demo builder; ``advance`` moves it forward."""

    current: dt.datetime

    def now(self) -> dt.datetime:
        return self.current

    def today(self) -> dt.date:
        return self.current.date()

    def advance(self, **kwargs) -> None:
        self.current = self.current + dt.timedelta(**kwargs)


def stamp(moment: dt.datetime) -> str:
    """The one text form of a timestamp stored in the database (local time, seconds)."""
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def parse_stamp(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
