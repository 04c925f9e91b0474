"""Reading untrusted uploads into tables: format detection, delimited text, Excel and Parquet,
column roles, the limits that bound all of it, and the child process that contains a parse.

:func:`load_table` is the one entry point; it returns a :class:`Table` (the frame plus the notes
that say how it was read) or raises :class:`TableError` with one plain sentence. :class:`Limits`
holds every bound (bytes, rows, columns, cells, shared strings, unpacked bytes, seconds, memory);
:func:`run_contained` runs any parser (tables here, images in :mod:`clustering.image`) in a
child process bounded by them. :func:`decode_text` holds the one set of rules for "is this text
and which encoding" (documents use it too).
"""
from clustering.io._columns import NUMERIC_SHARE, is_text, join_names, quote, to_numeric
from clustering.io._errors import TableError
from clustering.io._limits import DEFAULT_LIMITS, Limits
from clustering.io._loader import Table, load_table
from clustering.io._sandbox import Parcel, run_contained, start_readers
from clustering.io._sniff import DecodedText, decode_text, describe_binary

__all__ = [
    "DEFAULT_LIMITS",
    "DecodedText",
    "Limits",
    "NUMERIC_SHARE",
    "Parcel",
    "Table",
    "TableError",
    "decode_text",
    "describe_binary",
    "is_text",
    "join_names",
    "load_table",
    "quote",
    "run_contained",
    "start_readers",
    "to_numeric",
]
