"""Load an uploaded table (CSV/TSV/TXT, Excel .xlsx, Parquet) robustly.

The format is decided from the content, never from the file name. Text files go through
encoding detection, delimiter and number-format sniffing on a bounded sample, a
vectorised quote-aware scan that finds ragged lines, and pandas' C parser. Every change
made to the data is reported as a plain sentence in :attr:`Table.notes`; anything that
cannot be read raises :class:`TableError` with one sentence for the analyst.

Nothing from the file is ever executed: cells and names are only data.

Where it runs: plain text of at most ``Limits.in_process_bytes`` (1 MB) and
``Limits.in_process_columns`` (50) is read in this process, because such a CSV cannot hurt
(its parse is bounded by those two numbers) and a child would cost more than the read.
Everything else (wider or larger text, and any .xlsx, Parquet or binary upload, however
small, since compressed formats unpack to any size) is read by
:func:`clustering.io.run_contained` in a child process with hard memory, CPU and wall-time
limits; the table comes back as a JSON header and an Arrow IPC stream.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd

from clustering.io import _magic
from clustering.io._columns import classify, join_names, quote
from clustering.io._errors import TableError
from clustering.io._limits import DEFAULT_LIMITS, Limits, Parsed
from clustering.io._parquet import read_parquet
from clustering.io._sandbox import Parcel, run_contained
from clustering.io._text import read_text
from clustering.io._xlsx import read_xlsx

__all__ = ["DEFAULT_LIMITS", "Limits", "Table", "TableError", "load_table"]


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
    if not isinstance(limits, Limits):
        raise TypeError(f"limits must be a Limits, got {type(limits).__name__}")
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
    options = {"filename": str(filename or ""), "sheet": sheet, "header": header,
               "skip_bad_lines": bool(skip_bad_lines), "limits": limits}
    if not limits.isolate or _harmless(data, limits):
        try:
            return _load_here(data, **options)
        except MemoryError as exc:
            raise TableError("The file is too large to read in the memory available.") from exc
    parcel = run_contained(_table_task, data, options, limits=limits, refusal=TableError)
    return _unpack(parcel)


def _harmless(data: bytes, limits: Limits) -> bool:
    """Small, narrow plain text: read in process, since a child would cost more than the read.

    A text file's parse is bounded by its size and its number of columns (pandas needs at
    most tens of bytes of memory per byte of CSV; classifying costs about a millisecond per
    column), whereas an archive, a Parquet file or anything binary can unpack to any size
    however small it is. Only the first bytes and the first line are looked at; nothing is
    unpacked here.
    """
    if len(data) > limits.in_process_bytes:
        return False
    head = data[:4]
    if head in _magic.ZIP_MAGICS or head == b"PAR1" or _magic.looks_binary(data):
        return False
    end = data.find(b"\n")
    first = data[: end if end >= 0 else len(data)]
    fields = 1 + max(first.count(d) for d in (b",", b";", b"\t", b"|"))
    return fields <= limits.in_process_columns


def _load_here(data: bytes, filename: str, sheet: str | int | None, header: bool | None,
               skip_bad_lines: bool, limits: Limits) -> Table:
    """Read in this process; every failure but ``MemoryError`` becomes one sentence.

    ``MemoryError`` is left to the caller: in a child it means the memory limit was hit,
    which the parent words with the limit's number.
    """
    try:
        return _load(data, filename, sheet, header, skip_bad_lines, limits)
    except (TableError, MemoryError):
        raise
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
    if kind == "text":
        parsed = read_text(data, header, skip_bad_lines, limits)
    elif kind == "xlsx":
        parsed = read_xlsx(data, sheet, header, limits)
    else:
        parsed = read_parquet(data, limits)
    extension = _extension_note(filename, kind)
    cleaned = _clean(parsed, limits)
    roles = classify(cleaned.frame)
    return Table(
        frame=cleaned.frame,
        notes=extension + cleaned.notes + roles.notes,
        numeric_columns=roles.numeric_columns,
        default_features=roles.default_features,
        label_candidates=roles.label_candidates,
        excluded=roles.excluded,
        sheet_names=cleaned.sheet_names,
        source_format="csv" if kind == "text" else kind,
        dialect=cleaned.dialect,
        header=cleaned.header,
        n_skipped_lines=cleaned.n_skipped_lines,
    )


# --- across the process boundary: a Table as a JSON header and an Arrow IPC stream ------------

_META = tuple(f.name for f in fields(Table) if f.name != "frame")


def _table_task(data: bytes, **options) -> Parcel:
    """Runs in the child: read the upload and pack the result without pickling it."""
    table = _load_here(data, **options)
    header = {name: getattr(table, name) for name in _META}
    return Parcel(header=header, blobs=(_frame_to_ipc(table.frame),))


def _unpack(parcel: Parcel) -> Table:
    import pyarrow as pa

    try:
        frame = pa.ipc.open_stream(parcel.blobs[0]).read_all().to_pandas()
        values = {name: parcel.header[name] for name in _META}
    except Exception as exc:  # a damaged or hostile reply is refused, not trusted
        raise TableError(
            "The file could not be read; it may be damaged or in an unusual format."
        ) from exc
    return Table(frame=frame, **values)


def _frame_to_ipc(frame: pd.DataFrame) -> bytes:
    """The frame as an Arrow IPC stream; a column of mixed types travels as text.

    Mixed columns (numbers and words in one Excel column) have no Arrow type; their values
    become strings, which classification and :func:`clustering.data.prepare` read exactly
    as before (``repr`` of a float round-trips), so nothing the user sees changes.
    """
    import pyarrow as pa

    try:
        table = pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        arrays = []
        for name in frame.columns:
            try:
                arrays.append(pa.Array.from_pandas(frame[name]))
            except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
                arrays.append(pa.array([_as_text(v) for v in frame[name]], pa.string()))
        table = pa.Table.from_arrays(arrays, names=[str(c) for c in frame.columns])
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def _as_text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return None
    return str(value)


def _mb(n: int) -> str:
    return f"{n / 1e6:,.1f} MB"


def _claimed(filename: object) -> str:
    ext = str(filename or "").rsplit(".", 1)[-1].lower()
    if ext in {"xlsx", "xlsm"}:
        return "an Excel workbook"
    if ext in {"parquet", "pq"}:
        return "a Parquet file"
    return "a CSV file"


def _extension_note(filename: str, kind: str) -> list[str]:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    expected = {"xlsx": "xlsx", "xlsm": "xlsx", "parquet": "parquet", "pq": "parquet"}
    said = expected.get(ext, "text" if ext in {"csv", "tsv", "txt", "tab", "dat"} else None)
    if said is None or said == kind:
        return []
    what = {"text": "delimited text", "xlsx": "an Excel workbook", "parquet": "Parquet"}
    return [f"The file name ends in .{ext} but the content is {what[kind]}; read it as such."]


def _clean(parsed: Parsed, limits: Limits) -> Parsed:
    """Name columns readably and uniquely, drop empty columns, make ±inf missing."""
    frame = parsed.frame.reset_index(drop=True)
    notes = list(parsed.notes)
    if frame.shape[1] > limits.max_columns:
        raise TableError(
            f"The file has {frame.shape[1]:,} columns, more than the limit of "
            f"{limits.max_columns:,}."
        )
    if len(frame) > limits.max_rows:
        raise TableError(
            f"The file has {len(frame):,} rows, more than the limit of {limits.max_rows:,}."
        )
    named = _unique_names(list(frame.columns))
    frame.columns = named.names
    notes += named.notes
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
    return Parsed(frame=frame, notes=notes, header=parsed.header, dialect=parsed.dialect,
                  sheet_names=parsed.sheet_names, n_skipped_lines=parsed.n_skipped_lines)


@dataclass(frozen=True)
class _Names:
    """Column names made unique and readable, and the notes saying what was filled or renamed."""

    names: list[str]
    notes: list[str]


def _unique_names(raw: list) -> _Names:
    """Unique, readable column names for ``raw`` (blanks filled, duplicates numbered)."""
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
    notes = []
    if blanks:
        notes.append(f"Blank column names were filled in: {join_names(blanks)}.")
    if renamed:
        notes.append(
            f"Duplicate column names were renamed to keep them apart: {join_names(renamed)}."
        )
    return _Names(out, notes)
