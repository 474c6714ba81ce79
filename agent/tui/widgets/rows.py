"""Row tables for sessions and questions.

A zebra-striped DataTable with a row cursor, a border title and fixed column widths, as the home,
history and debrief screens list recent sessions, all sessions and a session's questions.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.widgets import DataTable


def row_table(table_id: str, title: str) -> DataTable:
    """A DataTable that selects whole rows, zebra-striped, titled `title` on its border."""
    table: DataTable = DataTable(id=table_id, cursor_type="row", zebra_stripes=True)
    table.border_title = title
    return table


def add_fixed_columns(table: DataTable, columns: Iterable[tuple[str, int]]) -> None:
    """Add (label, width) columns. Fixed widths: columns sized to their content resize when the
    rows arrive from a worker, and the header could be drawn before or after that (a visible
    jump)."""
    for label, width in columns:
        table.add_column(label, width=width)


def focus_row_table(table: DataTable, columns: Iterable[tuple[str, int]]) -> None:
    """Make `table` a screen's main row table: its fixed columns added, the keyboard focus on it
    (its rows come later, from a worker)."""
    add_fixed_columns(table, columns)
    table.focus()
