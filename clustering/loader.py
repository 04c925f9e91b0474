"""Load an uploaded table (CSV/TSV/TXT, Excel .xlsx, Parquet) robustly.

The format is decided from the content, never from the file name. Text files go through
encoding detection, delimiter and number-format sniffing on a bounded sample, a
vectorised quote-aware scan that finds ragged lines, and pandas' C parser. Every change
made to the data is reported as a plain sentence in :attr:`Table.notes`; anything that
cannot be read raises :class:`TableError` with one sentence for the analyst.

Nothing from the file is ever executed: cells and names are only data.
"""

from __future__ import annotations

import io
import json
import re
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from clustering import _sniff
from clustering._columns import classify, join_names, quote
from clustering._errors import TableError
from clustering._sheets import read_parquet, read_xlsx

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
        that :func:`clustering.preprocess.prepare` and the export refer to).
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
        is a header unless every cell in it is a number.
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
    kind = _sniff.sniff_kind(data, limits.max_unpacked_bytes, _claimed(filename)).name
    notes: list[str] = []
    _note_extension(str(filename or ""), kind, notes)
    sheet_names: list[str] = []
    skipped = 0
    if kind == "text":
        frame, used_header, dialect, skipped = _read_text(
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


_DELIM_SHOWN = {",": "','", ";": "';'", "\t": "tab", "|": "'|'"}


def _read_text(
    data: bytes, header: bool | None, skip_bad_lines: bool, limits: Limits, notes: list[str]
) -> tuple[pd.DataFrame, bool, dict, int]:
    decoded = _sniff.decode(data)
    body = decoded.body
    sample, _ = _sniff.text_sample(body, decoded.encoding)
    if not sample.strip():
        raise TableError("The file is empty.")
    if sample.lstrip()[:1] in ("{", "[") and _is_json(body, decoded.encoding):
        raise TableError("This looks like a JSON file, not a CSV file.")
    delim = _sniff.sniff_delimiter(sample)
    rows = _sniff.sample_rows(sample, delim)
    decimal, thousands = _sniff.sniff_number_format(rows, delim)
    lines = _sniff.scan_lines(body, delim)
    if not len(lines.starts) or not rows:
        raise TableError("The file is empty.")
    expected = int(lines.fields[0])
    if expected > limits.max_columns:
        raise TableError(
            f"The file has {expected:,} columns, more than the limit of {limits.max_columns:,}."
        )
    bad = np.flatnonzero(lines.fields != expected)
    if bad.size:
        lines, bad = _drop_whitespace_records(body, lines, bad)
    first = rows[0]
    auto_header = not _sniff.first_row_is_data(
        rows, lambda cell: _is_number(cell, decimal, thousands)
    )
    use_header = auto_header if header is None else bool(header)
    n_records = len(lines.starts)
    skipped = 0
    has_quotes = b'"' in body
    if has_quotes and (bad.size or n_records == 1):
        # A stray quote inside an unquoted cell (a 15" screen) can fool the quote-parity
        # scan; pandas, which treats such quotes as text, has the last word.
        pandas_view: _PandasRagged | None = None
        try:
            frame = _parse(body, delim, decimal, thousands, decoded.encoding, use_header)
        except _PandasRagged as exc:
            frame, pandas_view = None, exc
        except TableError:
            frame = None
        if frame is not None:
            bad = bad[:0]
            _check_rows(len(frame), limits)
    else:
        frame, pandas_view = None, None
    if frame is None and use_header and n_records == 1:
        raise TableError("The file has a header but no data rows.")
    if bad.size:
        first_bad = int(bad[0])
        line_no = _sniff.line_number(body, int(lines.starts[first_bad]))
        if pandas_view is not None and pandas_view.line != first_bad + 1:
            # The scan was misled by a stray quote; pandas counts records, not lines.
            line_no, seen = pandas_view.line, pandas_view.seen
        else:
            seen = int(lines.fields[first_bad])
        if not skip_bad_lines:
            raise _ragged(line_no, seen, expected)
        if has_quotes:
            frame, skipped, line_no = _parse_skipping(
                body, delim, decimal, thousands, decoded.encoding, use_header
            )
        else:
            skipped = int(bad.size)
            body = _drop_records(body, lines, bad)
        if skipped:
            notes.append(
                f"Skipped {skipped:,} line{'s' if skipped != 1 else ''} whose number of values "
                f"did not match the first line (the first was line {line_no:,})."
            )
        n_records -= skipped
        left = len(frame) if frame is not None else n_records - int(use_header)
        if left <= 0:
            raise TableError("No data rows are left after skipping the bad lines.")
    if frame is None:
        _check_rows(n_records - int(use_header), limits)
        try:
            frame = _parse(body, delim, decimal, thousands, decoded.encoding, use_header)
        except _PandasRagged as exc:
            if not skip_bad_lines:
                raise _ragged(exc.line, exc.seen, exc.expected) from None
            frame, skipped, line_no = _parse_skipping(
                body, delim, decimal, thousands, decoded.encoding, use_header
            )
            notes.append(
                f"Skipped {skipped:,} line{'s' if skipped != 1 else ''} whose number of values "
                f"did not match the first line (the first was line {line_no:,})."
            )
    names = [c.strip() for c in first] if use_header else None
    if names is not None and len(names) == frame.shape[1]:
        frame.columns = names
    elif names is None:
        frame.columns = [f"column_{i + 1}" for i in range(frame.shape[1])]
    parts = [f"delimiter {_DELIM_SHOWN[delim]}", f"decimal '{decimal}'"]
    if thousands:
        parts.append(f"thousands separator '{thousands}'")
    notes.append(f"Read as text with {', '.join(parts)}, encoding {decoded.label}.")
    if decoded.encoding in {"cp1252", "latin-1"}:
        notes.append(
            f"The file is not valid UTF-8, so it was read as {decoded.label}; check that "
            "accented letters look right."
        )
    if not use_header:
        notes.append(
            "The first row was read as data"
            + (" because it has numbers where the other rows do" if header is None else "")
            + f", and the columns were named column_1 to column_{frame.shape[1]}; choose "
            "'first row is header' if that is wrong."
        )
    dialect = {
        "delimiter": delim,
        "decimal": decimal,
        "thousands": thousands,
        "encoding": decoded.label,
    }
    return frame, use_header, dialect, skipped


def _is_json(body: bytes, encoding: str) -> bool:
    try:
        parsed = json.loads(body.decode(encoding))
    except (ValueError, RecursionError):
        return False
    return isinstance(parsed, (dict, list))


def _is_number(cell: str, decimal: str, thousands: str | None) -> bool:
    text = cell.strip()
    if thousands:
        text = text.replace(thousands, "")
    if decimal == ",":
        text = text.replace(",", ".")
    if not text:
        return False
    try:
        float(text)
    except ValueError:
        return False
    return True


def _drop_whitespace_records(
    body: bytes, lines: _sniff.Lines, bad: np.ndarray
) -> tuple[_sniff.Lines, np.ndarray]:
    """Forget records that hold only spaces or tabs; pandas skips them like blank lines."""
    single = bad[lines.fields[bad] == 1][:100_000]
    blank = [
        i for i in single.tolist() if not body[int(lines.starts[i]) : int(lines.ends[i])].strip()
    ]
    if not blank:
        return lines, bad
    keep = np.ones(len(lines.starts), dtype=bool)
    keep[blank] = False
    lines = _sniff.Lines(lines.starts[keep], lines.ends[keep], lines.fields[keep])
    return lines, np.flatnonzero(lines.fields != lines.fields[0])


def _drop_records(body: bytes, lines: _sniff.Lines, bad: np.ndarray) -> bytes:
    """The body without the ``bad`` records, copying the runs between them."""
    pieces = []
    begin = 0
    for idx in bad.tolist():
        pieces.append(body[begin : int(lines.starts[idx])])
        begin = int(lines.ends[idx])
    pieces.append(body[begin:])
    return b"".join(pieces)


class _PandasRagged(TableError):
    """pandas found a line with too many values that the fast scan missed."""

    def __init__(self, line: int, seen: int, expected: int) -> None:
        super().__init__(f"Line {line} has {seen} values but the first line has {expected}.")
        self.line, self.seen, self.expected = line, seen, expected


_PANDAS_RAGGED = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_PANDAS_SKIPPED = re.compile(r"Skipping line (\d+)")


def _ragged(line: int, seen: int, expected: int) -> TableError:
    return TableError(
        f"Line {line:,} has {seen:,} value{'s' if seen != 1 else ''} but the first line has "
        f"{expected:,}; fix the file or choose to skip bad lines."
    )


def _check_rows(n_rows: int, limits: Limits) -> None:
    if n_rows > limits.max_rows:
        raise TableError(
            f"The file has {n_rows:,} rows, more than the limit of {limits.max_rows:,}."
        )


def _parse(
    body: bytes,
    delim: str,
    decimal: str,
    thousands: str | None,
    encoding: str,
    header: bool,
    on_bad_lines: str = "error",
) -> pd.DataFrame:
    try:
        with warnings.catch_warnings():
            if on_bad_lines != "warn":  # the caller counts skipped lines from warnings
                warnings.simplefilter("ignore")
            return pd.read_csv(
                io.BytesIO(body),
                sep=delim,
                decimal=decimal,
                thousands=thousands,
                header=0 if header else None,
                encoding=encoding,
                index_col=False,
                engine="c",
                quotechar='"',
                skip_blank_lines=True,
                low_memory=False,
                on_bad_lines=on_bad_lines,
            )
    except pd.errors.EmptyDataError as exc:
        raise TableError("The file is empty.") from exc
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        detail = str(exc)
        if "EOF inside string" in detail:
            line = detail.rsplit("line", 1)[-1].strip(" .\n")
            raise TableError(f"A quoted value that starts on line {line} is never closed.") from exc
        found = _PANDAS_RAGGED.search(detail)
        if found:
            expected, line, seen = (int(g) for g in found.groups())
            raise _PandasRagged(line, seen, expected) from exc
        raise TableError("The file could not be read as a table of values.") from exc


def _parse_skipping(
    body: bytes, delim: str, decimal: str, thousands: str | None, encoding: str, header: bool
) -> tuple[pd.DataFrame, int, int]:
    """Parse with pandas skipping over-long lines; return the frame, count, first line."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = _parse(body, delim, decimal, thousands, encoding, header, on_bad_lines="warn")
    lines = [int(m) for w in caught for m in _PANDAS_SKIPPED.findall(str(w.message))]
    return frame, len(lines), (min(lines) if lines else 0)


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
