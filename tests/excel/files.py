"""Building the messy spreadsheets people really send, for the reader and importer tests."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl


def write_xlsx(path: Path, rows, *, merges=(), sheet: str = "Sheet1", extra_sheets=()) -> Path:
    """``rows`` go from row 1 down (``None`` for an empty row); ``extra_sheets`` is [(title, rows)]."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row or (), start=1):
            if value is not None:
                ws.cell(r, c, value)
    for ref in merges:
        ws.merge_cells(ref)
    for title, more in extra_sheets:
        other = wb.create_sheet(title)
        for row in more:
            other.append(row)
    wb.save(path)
    return path


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def claim_huge_size(data: bytes, member: str, size: int = 0xFFFFFFF0) -> bytes:
    """Rewrite the central directory so ``member`` claims ``size`` bytes uncompressed."""
    out = bytearray(data)
    at = out.find(b"PK\x01\x02" + b"", 0)
    while at != -1:
        name_len = int.from_bytes(out[at + 28:at + 30], "little")
        name = bytes(out[at + 46:at + 46 + name_len]).decode()
        if name == member:
            out[at + 24:at + 28] = size.to_bytes(4, "little")
            return bytes(out)
        at = out.find(b"PK\x01\x02", at + 4)
    raise ValueError(member)
