"""What the PDF and XLSX builders share: the report heading, column specs, cell text,
progress reporting and the atomic write (a temp file beside the target, ``os.replace`` on
success, deleted on any failure or cancellation — a partial file is never left behind).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop_app import errors

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class ReportInfo:
    """The heading every printed report carries.

    ``period`` is printed as given beside the hospital name, e.g. ``"统计期间：2026年1月—6月"`` or
    ``"截至2026年11月23日"``. ``filters`` are printed as ``筛选条件：a；b`` (``全部`` when empty).
    ``verification`` (e.g. ``"校验码：3F9A-…"``) is printed in the footer of every page.
    """

    title: str
    hospital: str = ""
    period: str = ""
    filters: Sequence[str] = ()
    author: str = ""
    printed_at: dt.datetime | None = None
    internal: bool = False
    verification: str = ""
    keywords: str = ""   # the file's keywords property (a submission's verification code, readable without drawing)

    def filter_line(self) -> str:
        return "筛选条件：" + ("；".join(self.filters) if self.filters else "全部")

    def author_line(self) -> str:
        at = (self.printed_at or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
        return f"制表：{self.author or '—'}　　打印时间：{at}"

    def hospital_line(self) -> str:
        return "　　".join(p for p in (self.hospital, self.period) if p)


@dataclass(frozen=True)
class Column:
    """One table column.

    ``width`` is a relative weight in PDFs (the widths are scaled to fill the frame) and the
    column width in Excel character units; choose it as "about how many Latin characters"
    (a Chinese character counts 2). ``group`` puts a merged upper header over consecutive
    columns that share it. ``align`` is ``left``, ``center`` or ``right``.
    """

    label: str
    width: float = 8
    align: str = "left"
    group: str | None = None
    number_format: str | None = None  # Excel only; dates get "yyyy-mm-dd" automatically


@dataclass(frozen=True)
class GroupRow:
    """A full-width sub-heading row inside a PDF table (e.g. one per department)."""

    text: str


def cn_date(value: dt.date | str) -> str:
    """2026年3月5日 — dates as Chinese documents write them (a date or an ISO string)."""
    d = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{d.year}年{d.month}月{d.day}日"


def cell_text(value) -> str:
    """How a value is printed in a PDF cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def header_rows(columns: Sequence[Column]) -> int:
    return 2 if any(c.group for c in columns) else 1


def group_runs(columns: Sequence[Column]) -> list[tuple[int, int, str | None]]:
    """Consecutive columns sharing a group: ``(first, last, group)`` (0-based, inclusive)."""
    runs: list[tuple[int, int, str | None]] = []
    for i, col in enumerate(columns):
        if runs and col.group and runs[-1][2] == col.group:
            runs[-1] = (runs[-1][0], i, col.group)
        else:
            runs.append((i, i, col.group))
    return runs


class Progress:
    """Calls ``callback(done, total)`` about a hundred times over a job, and at its end.

    The callback cancels the job by raising :class:`desktop_app.errors.Cancelled`.
    """

    def __init__(self, callback: ProgressCallback | None, total: int):
        self.callback = callback
        self.total = max(1, total)
        self.done = 0
        self._step = max(1, self.total // 100)
        self._reported = -1
        self._report()

    def advance(self, n: int = 1) -> None:
        self.done = min(self.total, self.done + n)
        if self.done - self._reported >= self._step or self.done == self.total:
            self._report()

    def finish(self) -> None:
        self.done = self.total
        if self._reported != self.total:
            self._report()

    def _report(self) -> None:
        self._reported = self.done
        if self.callback is not None:
            self.callback(self.done, self.total)


@contextlib.contextmanager
def atomic_output(path: Path | str) -> Iterator[Path]:
    """Yield a temp path beside ``path``; on success it replaces ``path``, otherwise it is deleted."""
    path = Path(path)
    try:
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f"~{path.stem}-", suffix=".tmp")
    except OSError as exc:
        raise errors.UserError(
            f"无法在文件夹“{path.parent}”中创建文件（{exc.strerror}）。请选择一个可写入的文件夹，例如“桌面”或“文档”。"
        ) from exc
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        try:
            os.replace(tmp, path)
        except PermissionError as exc:
            raise errors.UserError(
                f"文件“{path.name}”正被其他程序打开（例如 PDF 阅读器或 Excel），无法覆盖。请先关闭它再试，或换一个文件名。"
            ) from exc
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            raise errors.DiskFull("磁盘空间已满，文件没有保存。请清理磁盘后再试，或保存到其他磁盘。") from exc
        raise
