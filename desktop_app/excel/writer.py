"""Saving a workbook we generate, without ever leaving a half-written file behind."""
from __future__ import annotations

import os
from pathlib import Path

from desktop_app.errors import UserError


def save_workbook(wb, path: Path | str) -> Path:
    """Write ``wb`` to a temporary file next to ``path`` and move it into place.

    A failure (file open in Excel, no permission, disk full) leaves any existing file untouched
    and raises a :class:`UserError` that says what to do.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.saving.xlsx")
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except PermissionError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(
            f"无法保存“{path.name}”：同名文件正被其他程序（如 Excel/WPS）打开，或文件夹没有写入权限。"
            "请关闭该文件后重试，或换一个位置保存。"
        ) from exc
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(f"无法保存“{path}”（{exc.strerror or exc}）。请检查文件夹是否存在、磁盘空间是否足够后重试。") from exc
    return path
