"""The one exception type raised for bad uploads and bad feature choices."""

from __future__ import annotations


class TableError(ValueError):
    """A table cannot be loaded or prepared.

    The message is one plain sentence meant for the person who uploaded the file,
    and it carries the values involved (a line number, a limit, column names).
    """
