"""Load an uploaded table (CSV/TSV/TXT, Excel .xlsx, Parquet) robustly.

The format is decided from the content, never from the file name. Text files go through
encoding detection, delimiter and number-format sniffing on a bounded sample, a
vectorised quote-aware scan that finds ragged lines, and pandas' C parser. Every change
made to the data is reported as a plain sentence in :attr:`Table.notes`; anything that
cannot be read raises :class:`TableError` with one sentence for the analyst.

Nothing from the file is ever executed: cells and names are only data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from clustering.io import _magic
from clustering.io._columns import classify, join_names, quote
from clustering.io._errors import TableError
from clustering.io._sheets import read_parquet, read_xlsx
from clustering.io._text import read_text

__all__ = ["DEFAULT_LIMITS", "Limits", "Table", "TableError", "load_table"]


@dataclass(frozen=True)
class Limits:
    """Upload limits; each is refused with its number.

    Attributes
    ----------
    max_bytes : int
        Largest upload accepted.
    max_rows : int
        Most data rows.
    max_columns : int
        Most columns.
    max_unpacked_bytes : int
        Largest total size an .xlsx (a ZIP archive) may unpack to.
    max_excel_cells : int
        Most cells (rows x columns) read from an Excel sheet; openpyxl reads roughly
        100,000 cells a second, so this bounds the wait.
    """

    max_bytes: int = 100_000_000
    max_rows: int = 1_000_000
    max_columns: int = 500
    max_unpacked_bytes: int = 400_000_000
    max_excel_cells: int = 2_000_000


DEFAULT_LIMITS = Limits()


@dataclass
class Table:
    """A loaded table and what the loader suggests doing with its columns.

    Attributes
    ----------
    frame : pandas.DataFrame of shape (n_rows, n_columns)
        The data with unique string column names and a 0..n-1 RangeIndex (row positions
        that :func:`clustering.data.prepare` and the export refer to).
    notes : list of str
        Plain sentences: how the file was read and what was changed.
    numeric_columns : list of str
        Columns usable as features (numbers, or text that is almost all numbers).
    default_features : list of str
        The numeric columns selected by default (no IDs, constants or label-like codes).
    label_candidates : list of str
        Low-cardinality text, boolean or integer columns offered as the optional label.
    excluded : dict of str to str
        Every column not in ``default_features``, with the reason.
    sheet_names : list of str
        Sheets of an .xlsx workbook (empty for other formats).
    source_format : {"csv", "xlsx", "parquet"}
    dialect : dict
        For text: ``delimiter``, ``decimal``, ``thousands``, ``encoding``; for .xlsx: ``sheet``.
    header : bool
        Whether the first row was used as column names.
    n_skipped_lines : int
        Lines skipped because their number of values was wrong.
    """

    frame: pd.DataFrame
    notes: list[str]
    numeric_columns: list[str]
    default_features: list[str]
    label_candidates: list[str]
    excluded: dict[str, str]
    sheet_names: list[str] = field(default_factory=list)
    source_format: str = "csv"
    dialect: dict = field(default_factory=dict)
    header: bool = True
    n_skipped_lines: int = 0


def load_table(
    data: bytes,
    filename: str,
    *,
    sheet: str | int | None = None,
    header: bool | None = None,
    skip_bad_lines: bool = False,
    limits: Limits | None = None,
) -> Table:
    """Read an uploaded table.

    Parameters
    ----------
    data : bytes
        The uploaded file's content.
    filename : str
        The uploaded name. Only used to mention a misleading extension in the notes;
        the format is decided from the content.
    sheet : str or int, optional
        Excel sheet by name or 0-based position; the first sheet by default.
    header : bool, optional
        Force the first row to be (True) or not be (False) column names. By default it
        is data when every cell is a number, or when it has a number in every numeric
        column and one of them is a fraction; otherwise it is the header.
    skip_bad_lines : bool, default False
        Skip lines whose number of values differs from the first line (and report how
        many) instead of refusing the file.
    limits : Limits, optional
        Size limits; :data:`DEFAULT_LIMITS` by default.

    Returns
    -------
    Table

    Raises
    ------
    TableError
        With one plain sentence, for anything that cannot be loaded.
    """
    limits = DEFAULT_LIMITS if limits is None else limits
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise TypeError(f"data must be bytes, got {type(data).__name__}")
    if len(data) == 0:
        raise TableError("The file is empty.")
    if len(data) > limits.max_bytes:
        raise TableError(
            f"The file is {_mb(len(data))}, more than the limit of {_mb(limits.max_bytes)}."
        )
    try:
        return _load(data, str(filename or ""), sheet, header, skip_bad_lines, limits)
    except TableError:
        raise
    except MemoryError as exc:
        raise TableError("The file is too large to read in the memory available.") from exc
    except Exception as exc:
        # The readers map every failure we know of to a sentence; this net keeps the
        # promise of one exception type for damage nobody has met yet. The cause stays
        # attached for debugging.
        raise TableError(
            "The file could not be read; it may be damaged or in an unusual format."
        ) from exc


def _load(
    data: bytes,
    filename: str,
    sheet: str | int | None,
    header: bool | None,
    skip_bad_lines: bool,
    limits: Limits,
) -> Table:
    kind = _magic.sniff_kind(data, limits.max_unpacked_bytes, _claimed(filename)).name
    notes: list[str] = []
    _note_extension(filename, kind, notes)
    sheet_names: list[str] = []
    skipped = 0
    if kind == "text":
        frame, used_header, dialect, skipped = read_text(
            data, header, skip_bad_lines, limits, notes
        )
    elif kind == "xlsx":
        frame, used_header, sheet_names, chosen = read_xlsx(data, sheet, header, limits, notes)
        dialect = {"sheet": chosen}
    else:
        frame = read_parquet(data, limits, notes)
        used_header, dialect = True, {}
    frame = _clean(frame, limits, notes)
    roles = classify(frame)
    return Table(
        frame=frame,
        notes=notes + roles.notes,
        numeric_columns=roles.numeric_columns,
        default_features=roles.default_features,
        label_candidates=roles.label_candidates,
        excluded=roles.excluded,
        sheet_names=sheet_names,
        source_format="csv" if kind == "text" else kind,
        dialect=dialect,
        header=used_header,
        n_skipped_lines=skipped,
    )


def _mb(n: int) -> str:
    return f"{n / 1e6:,.1f} MB"


def _claimed(filename: object) -> str:
    ext = str(filename or "").rsplit(".", 1)[-1].lower()
    if ext in {"xlsx", "xlsm"}:
        return "an Excel workbook"
    if ext in {"parquet", "pq"}:
        return "a Parquet file"
    return "a CSV file"


def _note_extension(filename: str, kind: str, notes: list[str]) -> None:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    expected = {"xlsx": "xlsx", "xlsm": "xlsx", "parquet": "parquet", "pq": "parquet"}
    said = expected.get(ext, "text" if ext in {"csv", "tsv", "txt", "tab", "dat"} else None)
    if said is not None and said != kind:
        what = {"text": "delimited text", "xlsx": "an Excel workbook", "parquet": "Parquet"}
        notes.append(
            f"The file name ends in .{ext} but the content is {what[kind]}; read it as such."
        )


def _clean(frame: pd.DataFrame, limits: Limits, notes: list[str]) -> pd.DataFrame:
    """Name columns readably and uniquely, drop empty columns, make ±inf missing."""
    frame = frame.reset_index(drop=True)
    if frame.shape[1] > limits.max_columns:
        raise TableError(
            f"The file has {frame.shape[1]:,} columns, more than the limit of "
            f"{limits.max_columns:,}."
        )
    if len(frame) > limits.max_rows:
        raise TableError(
            f"The file has {len(frame):,} rows, more than the limit of {limits.max_rows:,}."
        )
    frame.columns = _unique_names(list(frame.columns), notes)
    empty = [c for c in frame.columns if not frame[c].notna().any()]
    if empty:
        frame = frame.drop(columns=empty)
        notes.append(
            f"Dropped {len(empty):,} empty column{'s' if len(empty) != 1 else ''}: "
            f"{join_names(empty)}."
        )
    if frame.shape[1] == 0:
        raise TableError("Every column in the file is empty.")
    if len(frame) == 0:
        raise TableError("The file has a header but no data rows.")
    inf_counts = {}
    for name in frame.columns:
        col = frame[name]
        if pd.api.types.is_float_dtype(col.dtype):
            mask = np.isinf(col.to_numpy(dtype=np.float64, na_value=np.nan))
            count = int(np.count_nonzero(mask))
            if count:
                frame[name] = col.mask(mask)
                inf_counts[name] = count
    if inf_counts:
        total = sum(inf_counts.values())
        where = ", ".join(f"{quote(k)} ({v:,})" for k, v in inf_counts.items())
        notes.append(
            f"Treated {total:,} infinite value{'s' if total != 1 else ''} as missing: {where}."
        )
    return frame


def _unique_names(raw: list, notes: list[str]) -> list[str]:
    names: list[str] = []
    blanks: list[str] = []
    for i, name in enumerate(raw):
        text = "" if name is None or (isinstance(name, float) and np.isnan(name)) else str(name)
        # Control characters in a header only hurt readability; they are not data.
        text = " ".join(text.replace("\x00", " ").split())
        if not text:
            text = f"column_{i + 1}"
            blanks.append(text)
        names.append(text)
    seen: dict[str, int] = {}
    taken = set(names)
    renamed: list[str] = []
    out: list[str] = []
    for name in names:
        if name not in seen:
            seen[name] = 1
            out.append(name)
            continue
        count = seen[name]
        while True:
            count += 1
            candidate = f"{name} ({count})"
            if candidate not in taken:
                break
        seen[name] = count
        taken.add(candidate)
        renamed.append(candidate)
        out.append(candidate)
    if blanks:
        notes.append(f"Blank column names were filled in: {join_names(blanks)}.")
    if renamed:
        notes.append(
            f"Duplicate column names were renamed to keep them apart: {join_names(renamed)}."
        )
    return out
