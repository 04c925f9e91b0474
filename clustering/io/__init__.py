"""Reading untrusted uploads into tables: format detection, delimited text, Excel and Parquet,
column roles, and the limits that bound all of it.

:func:`load_table` is the one entry point; it returns a :class:`Table` (the frame plus the notes
that say how it was read) or raises :class:`TableError` with one plain sentence.
"""
from clustering.io._columns import NUMERIC_SHARE, is_text, join_names, quote, to_numeric
from clustering.io._errors import TableError
from clustering.io._loader import Table, load_table

__all__ = [
    "NUMERIC_SHARE",
    "Table",
    "TableError",
    "is_text",
    "join_names",
    "load_table",
    "quote",
    "to_numeric",
]
