"""What every two-step import shares: preview (nothing written) → apply (one transaction).

The plan remembers the file's checksum; applying refuses a file changed since the preview and
re-plans inside the write transaction, refusing if the database changed what a row would do.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

from desktop_app import errors
from desktop_app.errors import Finding


class ImportPlan:
    """What every import plan offers the preview dialog; the plan (a frozen dataclass) has
    ``path`` and ``findings`` (errors block the import, warnings are shown)."""

    path: Path
    findings: tuple[Finding, ...]

    @property
    def file_name(self) -> str:
        return self.path.name

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_error]

    @property
    def can_apply(self) -> bool:
        return not self.errors


def table_fields(table, path) -> dict:
    """The plan fields every spreadsheet import takes from the table it read (the skipped rows are the
    caller's: some importers skip more rows than the reader did)."""
    return dict(path=Path(path), sha256=table.sha256, sheet=table.sheet, header_row=table.header_row,
                columns=dict(table.columns),
                ignored_columns=tuple(f"{letter} 列“{text}”" for letter, text in table.ignored))


def split_findings(table) -> tuple[dict[int, list[Finding]], list[Finding]]:
    """The reader's findings, by data row, and those about the file as a whole."""
    data_rows = {r.row for r in table.rows}
    by_row: dict[int, list[Finding]] = defaultdict(list)
    general: list[Finding] = []
    for f in table.findings:
        (by_row[f.row] if f.row in data_rows else general).append(f)
    return by_row, general


def require_unchanged_file(plan) -> None:
    try:
        digest = hashlib.sha256(plan.path.read_bytes()).hexdigest()
    except OSError:
        digest = None
    if digest != plan.sha256:
        raise errors.Conflict(
            f"文件“{plan.file_name}”在预览之后被修改、移动或删除了，本次没有写入任何数据。请重新预览后再导入。")


def require_same_plan(old: Sequence, fresh: Sequence, key: Callable, what: str) -> None:
    """Refuse when re-planning inside the transaction gives another outcome for some row."""
    stale = [r.row for r, f in zip(old, fresh) if key(r) != key(f)]
    if stale:
        shown = "、".join(str(n) for n in stale[:10]) + ("等" if len(stale) > 10 else "")
        raise errors.Conflict(
            f"预览之后，{what}有了变化（涉及第 {shown} 行），为避免覆盖别人的修改，本次没有写入任何数据。"
            "请重新预览后再导入。")
