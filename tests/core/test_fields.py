"""Printed and exported columns come from the fields' definitions (desktop_app/fields.py)."""
import pytest

from desktop_app.fields import Field, Fields
from desktop_app.reports.base import Column

F = Fields(
    Field("seq", "序号", pdf_width=26, xlsx_width=5, align="center"),
    Field("number", "编号", pdf_width=46, xlsx_width=10, align="center", xlsx_align="left"),
    Field("deduction", "扣分", xlsx_width=5, align="right", number_format="0.0#"),
    Field("note", "备注"),
)


def test_columns_carry_the_fields_labels_widths_and_alignment():
    assert F.pdf_columns(("seq", "number")) == [Column("序号", 26, "center"), Column("编号", 46, "center")]
    assert F.xlsx_columns(("number", "deduction")) == [Column("编号", 10, "left"),
                                                       Column("扣分", 5, "right", number_format="0.0#")]


def test_a_document_may_give_some_fields_other_widths():
    assert F.pdf_columns(("seq", "number"), widths={"number": 11}) == [Column("序号", 26, "center"),
                                                                       Column("编号", 11, "center")]
    assert F.xlsx_columns(("note",), widths={"note": 20}) == [Column("备注", 20)]


def test_a_width_for_a_field_not_in_the_table_or_a_field_without_one_is_a_mistake():
    with pytest.raises(KeyError, match="deduction"):
        F.pdf_columns(("seq",), widths={"deduction": 5})
    with pytest.raises(ValueError, match="note"):
        F.pdf_columns(("seq", "note"))
