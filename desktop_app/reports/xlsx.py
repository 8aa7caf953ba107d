"""XLSX helpers shared by every export and template."""
from __future__ import annotations


def apply_print_setup(ws, *, landscape: bool = False, title_rows: str | None = None, footer: bool = True) -> None:
    """A4, fit to page width (as many pages tall as needed), repeated header rows, page numbers.

    ``title_rows`` is a row range such as ``"1:3"`` repeated at the top of every printed page.
    """
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # without it fitToWidth is ignored
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    if title_rows:
        ws.print_title_rows = title_rows
    if footer:
        ws.oddFooter.center.text = "第 &P 页 共 &N 页"
