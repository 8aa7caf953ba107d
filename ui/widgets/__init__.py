"""Small reusable widgets: the monthly trend chart, the department picker, the result grid."""
from __future__ import annotations


def service_order(view, *, sortable: bool = True) -> None:
    """Show a :class:`~ui.table.RecordTableView`'s rows in the order the service returns them.

    ``QTableView.setSortingEnabled(True)`` sorts at once by the header's default indicator
    (first column, descending) before ``RecordTableView`` clears the indicator, and the model
    keeps that order; this undoes it. ``sortable=False`` also turns header sorting off (for
    tables whose order means something, e.g. a 合计 row last).
    """
    view.setSortingEnabled(sortable)
    view.horizontalHeader().setSortIndicator(-1, view.horizontalHeader().sortIndicatorOrder())
    model = view.source
    model.layoutAboutToBeChanged.emit()
    model._sort = None
    model._apply()
    model.layoutChanged.emit()
