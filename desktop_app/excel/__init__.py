"""Reading the spreadsheets people bring (tolerant, cell-precise messages) and writing ours safely.

* :mod:`desktop_app.excel.reader` — one tolerant reader for every importer (staff, ledger,
  roster, training, surgery catalogue).
* :mod:`desktop_app.excel.writer` — saving a workbook without leaving a half-written file.
"""
