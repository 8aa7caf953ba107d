"""A field is a stable key with one definition: its label, the headings importers accept for it,
how it prints. Forms, importers, reports, the audit log and the command line all use it.

Each module defines its fields once (e.g. ``LEDGER_FIELDS`` in ``ledger/models.py``). A
:class:`~desktop_app.errors.Finding` names the field by its key and carries its label, so a form
puts the message beside the right widget whatever the label says, and renaming a label is a
one-line change.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from desktop_app.errors import Finding


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    aliases: tuple[str, ...] = ()  # other headings of this column in hospitals' own spreadsheets
    kind: str = "text"  # text / date / number — how an importer reads the cell
    required: bool = False  # an import file must have the column
    pdf_width: float = 0  # relative width in printed (PDF) tables; 0: not printed
    xlsx_width: float = 0  # column width in exported spreadsheets; 0: not exported
    align: str = "left"  # left / center / right in printed tables (and spreadsheets, unless xlsx_align)
    number_format: str | None = None  # spreadsheets
    xlsx_align: str | None = None  # in spreadsheets where not as printed (a code centred on paper, left in Excel)

    def finding(self, message: str, **kwargs) -> Finding:
        return Finding(message, field=self.key, label=self.label, **kwargs)


class Fields(Mapping[str, Field]):
    """The fields of one kind of record, in their usual order."""

    def __init__(self, *fields: Field):
        self._fields = {f.key: f for f in fields}
        if len(self._fields) != len(fields):
            raise ValueError("two fields with the same key")

    def __getitem__(self, key: str) -> Field:
        return self._fields[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def label(self, key: str) -> str:
        return self._fields[key].label

    def labels(self, keys: Iterable[str] | None = None) -> dict[str, str]:
        """key -> label (e.g. for the audit log's field names)."""
        return {k: self._fields[k].label for k in (self._fields if keys is None else keys)}

    def finding(self, key: str, message: str, **kwargs) -> Finding:
        return self._fields[key].finding(message, **kwargs)

    def pick(self, keys: Iterable[str]) -> tuple[Field, ...]:
        """Some fields in ``keys`` order — e.g. the columns an importer looks for
        (desktop_app.excel.reader reads a table of fields)."""
        return tuple(self._fields[k] for k in keys)

    def pdf_columns(self, keys: Iterable[str], *, widths: Mapping[str, float] | None = None):
        """Printed table columns (desktop_app.reports.base.Column) with the fields' PDF widths.

        ``widths`` gives some of the fields other widths in one document (key -> width), e.g. the
        整改通知书's narrower table: ``pdf_columns(keys, widths={"description": 42})``."""
        from desktop_app.reports.base import Column

        return [Column(f.label, w, f.align) for f, w in self._widths(keys, widths, "pdf_width")]

    def xlsx_columns(self, keys: Iterable[str], *, widths: Mapping[str, float] | None = None):
        """Spreadsheet columns with the fields' widths, alignment and number formats (``widths`` as for
        :meth:`pdf_columns`)."""
        from desktop_app.reports.base import Column

        return [Column(f.label, w, f.xlsx_align or f.align, number_format=f.number_format)
                for f, w in self._widths(keys, widths, "xlsx_width")]

    def _widths(self, keys: Iterable[str], widths: Mapping[str, float] | None, attr: str) -> list[tuple[Field, float]]:
        keys = list(keys)
        widths = widths or {}
        if not set(widths) <= set(keys):
            raise KeyError(f"widths for fields not in the table: {sorted(set(widths) - set(keys))}")
        out = [(f, widths.get(f.key, getattr(f, attr))) for f in (self._fields[k] for k in keys)]
        if unsized := [f.key for f, w in out if not w]:
            raise ValueError(f"fields without a {attr} in a table: {unsized}")
        return out
