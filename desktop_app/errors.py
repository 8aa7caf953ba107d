"""Error classes, sorted by how the user meets them (see architecture.md, 'Errors the user sees').

* :class:`UserError` and subclasses — the user can act on the message (shown as is).
* :class:`Cancelled` — the user cancelled; nothing to show.
* :class:`StorageEnvironmentError` — busy/locked/read-only database or a full disk: a calm
  message, nothing was written, the action can be retried.
* anything else is a bug: crash dialog plus the log file.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """One problem found by a rule check or a validator.

    ``field`` is the key of the form field (or import column) concerned and ``label`` its name as
    the user sees it (see desktop_app/fields.py); ``row``/``column`` are set for spreadsheet cells
    (1-based row, column letter), so the message can say exactly what to fix.
    """

    message: str
    field: str | None = None
    severity: str = "error"  # "error" blocks saving; "warning" is shown but allowed
    row: int | None = None
    column: str | None = None
    record: str | None = None
    label: str | None = None  # the field's label; the key when not given

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def location(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(f"第 {self.row} 行")
        if self.column:
            parts.append(f"{self.column} 列")
        return " ".join(parts)

    def text(self) -> str:
        where = self.location()
        name = self.label or self.field
        label = f"“{name}”" if name else ""
        prefix = " ".join(p for p in (where, label) if p)
        return f"{prefix}：{self.message}" if prefix else self.message


class UserError(Exception):
    """An expected problem the user can fix; the message is Chinese and says what to do."""

    title = "无法完成操作"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ValidationError(UserError):
    title = "请修改后再保存"

    def __init__(self, findings: list[Finding] | Finding | str, *, field: str | None = None,
                 label: str | None = None):
        if isinstance(findings, str):
            findings = [Finding(findings, field=field, label=label)]
        elif isinstance(findings, Finding):
            findings = [findings]
        self.findings: list[Finding] = list(findings)
        super().__init__("\n".join(f.text() for f in self.findings))

    def for_field(self, name: str) -> list[Finding]:
        """The findings about one field, named by its key or by its label."""
        return [f for f in self.findings if name in (f.field, f.label)]


class NotFound(UserError):
    title = "记录不存在"


class Conflict(UserError):
    title = "数据冲突"


class PermissionDenied(UserError):
    title = "没有权限"


class AuthenticationError(UserError):
    title = "登录失败"


class Cancelled(Exception):
    """The user cancelled a long job; shown to nobody."""


class StorageEnvironmentError(Exception):
    """The storage refused for reasons outside the program (busy, read-only, disk full)."""

    title = "暂时无法写入"

    def __init__(self, message: str, *, retry_possible: bool = True):
        super().__init__(message)
        self.message = message
        self.retry_possible = retry_possible


class DatabaseBusy(StorageEnvironmentError):
    title = "数据库忙"


class DatabaseReadOnly(StorageEnvironmentError):
    title = "数据库只读"


class DiskFull(StorageEnvironmentError):
    title = "磁盘空间不足"


class DatabaseOpenError(Exception):
    """The file cannot be used as our database; ``message`` tells the user what to do."""

    title = "无法打开数据库"

    def __init__(self, message: str, *, path=None, offer_backup: bool = False):
        super().__init__(message)
        self.message = message
        self.path = path
        self.offer_backup = offer_backup


class DatabaseDamaged(DatabaseOpenError):
    title = "数据库文件已损坏"


class DatabaseTooNew(DatabaseOpenError):
    title = "数据库版本过新"


class NotADatabase(DatabaseOpenError):
    title = "不是本程序的数据库"
