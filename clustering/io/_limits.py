"""The limits that bound reading one upload, and what a format reader hands back.

Private helper of :mod:`clustering.io`. Every limit is checked while reading (never only
after) and refused with its number in one plain sentence.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pandas as pd

from clustering.io._errors import TableError


@dataclass(frozen=True)
class Limits:
    """Upload limits; each is refused with its number.

    Attributes
    ----------
    max_bytes : int
        Largest upload accepted.
    max_rows : int
        Most data rows. In an .xlsx sheet every ``<row>`` element counts, empty or not,
        and the count stops the reading as soon as it is passed.
    max_columns : int
        Most columns.
    max_excel_cells : int
        Most cells (``<c>`` elements, empty or not) read from an Excel sheet.
    max_shared_strings : int
        Most entries in an .xlsx workbook's shared-string table.
    max_member_bytes : int
        Most bytes one member of an .xlsx archive may unpack to, counted as it unpacks.
    max_unpacked_bytes : int
        Largest total size an .xlsx archive may declare for its members.
    max_seconds : float
        Wall time one read may take. Readers check it as they go; a child process that
        is still busy ``CHILD_GRACE_SECONDS`` later is killed (see :mod:`clustering.io._sandbox`).
    max_memory_mb : int
        Address space (MB) that the child process reading an upload may add to what it
        starts with (``RLIMIT_AS``); more and the child stops, the server does not notice.
    in_process_bytes, in_process_columns : int
        Plain-text uploads (no ZIP, Parquet or binary bytes) of at most this size and this
        many columns (counted on the first line) are read in the server process: their read
        is bounded by those two numbers (at most about 10 MB and a fraction of a second, see
        ``benchmarks/bench_loader.py``), while a child costs tens of ms more and, on first use,
        the forkserver's start. Everything else, whatever its size, is read in a child process.
    isolate : bool
        Read uploads above the in-process line in a child process with hard limits. Turned
        off only to debug a reader in process.
    """

    max_bytes: int = 100_000_000
    max_rows: int = 1_000_000
    max_columns: int = 500
    max_excel_cells: int = 2_000_000
    max_shared_strings: int = 1_000_000
    max_member_bytes: int = 200_000_000
    max_unpacked_bytes: int = 400_000_000
    max_seconds: float = 30.0
    max_memory_mb: int = 1_500
    in_process_bytes: int = 1_000_000
    in_process_columns: int = 50
    isolate: bool = True

    def __post_init__(self) -> None:
        for name in ("max_bytes", "max_rows", "max_columns", "max_excel_cells",
                     "max_shared_strings", "max_member_bytes", "max_unpacked_bytes",
                     "max_memory_mb"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"Limits.{name} must be a positive integer, got {value!r}")
        for name in ("in_process_bytes", "in_process_columns"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"Limits.{name} must be an integer >= 0, got {value!r}")
        if not self.max_seconds > 0:
            raise ValueError(f"Limits.max_seconds must be > 0, got {self.max_seconds!r}")


DEFAULT_LIMITS = Limits()


@dataclass
class Parsed:
    """What a format reader found: the raw frame and the sentences saying how it was read.

    Attributes
    ----------
    frame : pandas.DataFrame
        Columns as the file named them (not yet made unique or cleaned).
    notes : list of str
        Plain sentences, in the order the reader decided things.
    header : bool
        Whether the first row was used as column names.
    dialect : dict
        For text: ``delimiter``, ``decimal``, ``thousands``, ``encoding``; for .xlsx:
        ``sheet``; empty for Parquet.
    sheet_names : list of str
        Sheets of an .xlsx workbook (empty for other formats).
    n_skipped_lines : int
        Lines skipped because their number of values was wrong.
    """

    frame: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    header: bool = True
    dialect: dict = field(default_factory=dict)
    sheet_names: list[str] = field(default_factory=list)
    n_skipped_lines: int = 0


class Clock:
    """Wall time of one read, refused with its number once ``max_seconds`` is passed.

    Readers that work in pieces (.xlsx parts, Parquet batches) call :meth:`check` between
    pieces; a parse that cannot be interrupted (pandas' C parser) is bounded by the child
    process's wall-time kill instead.
    """

    def __init__(self, max_seconds: float, what: str) -> None:
        self.max_seconds = max_seconds
        self.what = what
        self.deadline = time.monotonic() + max_seconds

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise TableError(
                f"Reading this {self.what} took more than {self.max_seconds:g} s, the limit; "
                "save it as CSV, which loads faster."
            )
