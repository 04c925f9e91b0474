"""Reading delimited text (CSV/TSV/TXT) into a DataFrame.

Private helper of :mod:`clustering.io`. The dialect is sniffed on a bounded sample,
a vectorised scan of the whole body finds ragged lines, and pandas' C parser reads the
values. Where the scan and pandas could disagree (stray quotes inside unquoted cells),
pandas decides, so the result always matches what pandas reads.
"""

from __future__ import annotations

import io
import json
import re
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from clustering.io import _sniff
from clustering.io._errors import TableError
from clustering.io._limits import Limits, Parsed


@dataclass(frozen=True)
class _Reading:
    """How pandas should read the body."""

    delimiter: str
    decimal: str
    thousands: str | None
    encoding: str
    errors: str  # "strict", or "replace" for a few damaged UTF-8 bytes
    text_columns: tuple[int, ...] = ()  # codes with leading zeros, kept as text
    line_offset: int = 0  # physical lines cut above the body, for line numbers in messages


_DELIM_SHOWN = {",": "','", ";": "';'", "\t": "tab", "|": "'|'"}
_SEP_HINT = re.compile(rb'^"?sep=([,;\t|])"?[ \t]*(\r\n|\n|\r)', re.IGNORECASE)
#: Most single-value lines (titles, notes) skipped above a table.
MAX_TITLE_LINES = 10


def _title_lines(fields: np.ndarray) -> int:
    """How many leading records hold one value above a table of two or more columns."""
    if len(fields) < 2:
        return 0
    mode = int(np.argmax(np.bincount(fields)))
    if mode < 2:
        return 0
    lead = 0
    while lead < min(MAX_TITLE_LINES, len(fields) - 1) and fields[lead] == 1:
        lead += 1
    return lead if lead and fields[lead] == mode else 0


def read_text(data: bytes, header: bool | None, skip_bad_lines: bool, limits: Limits) -> Parsed:
    """Read delimited text; the notes say how (delimiter, decimal mark, encoding, skips)."""
    notes: list[str] = []
    decoded = _sniff.decode(data)
    body = decoded.body
    sample = _sniff.text_sample(body, decoded.encoding)
    if not sample.strip():
        raise TableError("The file is empty.")
    if sample.lstrip()[:1] in ("{", "[") and _is_json(body, decoded.encoding):
        raise TableError("This looks like a JSON file, not a CSV file.")
    line_offset = 0  # physical lines cut from the top, for line numbers in messages
    hint = _SEP_HINT.match(body[:20])
    if hint and hint.group(1).decode() in _DELIM_SHOWN:
        # Excel's "sep=;" first line names the delimiter; it is not part of the table.
        line_offset = 1
        body = body[hint.end() :]
        sample = _sniff.text_sample(body, decoded.encoding)
        notes.append(f"The first line {hint.group(0).decode().strip()!r} named the delimiter.")
    delim = hint.group(1).decode() if line_offset else _sniff.sniff_delimiter(sample)
    lines = _sniff.scan_lines(body, delim)
    lead = _title_lines(lines.fields)
    if lead:
        start = int(lines.starts[lead])
        line_offset += _sniff.line_number(body, start) - 1
        body = body[start:]
        sample = _sniff.text_sample(body, decoded.encoding)
        lines = _sniff.scan_lines(body, delim)
        notes.append(
            f"Skipped {lead} line{'s' if lead != 1 else ''} above the table that "
            f"{'hold' if lead != 1 else 'holds'} a single value (a title or a note)."
        )
    rows = _sniff.sample_rows(sample, delim)
    decimal, thousands = _sniff.sniff_number_format(rows, delim)
    reading = _Reading(delim, decimal, thousands, decoded.encoding, decoded.errors,
                       _leading_zero_columns(rows), line_offset)
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
            frame = _parse(body, reading, use_header)
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
        line_no = _sniff.line_number(body, int(lines.starts[first_bad])) + line_offset
        if pandas_view is not None and pandas_view.line != first_bad + 1:
            # The scan was misled by a stray quote; pandas counts records, not lines.
            line_no, seen = pandas_view.line + line_offset, pandas_view.seen
        else:
            seen = int(lines.fields[first_bad])
        if not skip_bad_lines:
            raise _ragged(line_no, seen, expected)
        if has_quotes:
            skipping = _parse_skipping(body, reading, use_header)
            frame, skipped, line_no = skipping.frame, skipping.n_lines, skipping.first_line
        else:
            skipped = int(bad.size)
            body = _drop_records(body, lines, bad)
        if skipped:
            notes.append(_skipped_note(skipped, line_no))
        n_records -= skipped
        left = len(frame) if frame is not None else n_records - int(use_header)
        if left <= 0:
            raise TableError("No data rows are left after skipping the bad lines.")
    if frame is None:
        _check_rows(n_records - int(use_header), limits)
        try:
            frame = _parse(body, reading, use_header)
        except _PandasRagged as exc:
            if not skip_bad_lines:
                raise _ragged(exc.line + line_offset, exc.seen, exc.expected) from None
            skipping = _parse_skipping(body, reading, use_header)
            frame, skipped = skipping.frame, skipping.n_lines
            notes.append(_skipped_note(skipped, skipping.first_line))
    names = [c.strip() for c in first] if use_header else None
    if names is not None and len(names) == frame.shape[1]:
        frame.columns = names
    elif names is None:
        frame.columns = [f"column_{i + 1}" for i in range(frame.shape[1])]
    parts = [f"delimiter {_DELIM_SHOWN[delim]}", f"decimal '{decimal}'"]
    if thousands:
        parts.append(
            "thousands separator space"
            if thousands == " "
            else f"thousands separator '{thousands}'"
        )
    notes.insert(0, f"Read as text with {', '.join(parts)}, encoding {decoded.label}.")
    if decoded.n_replaced:
        notes.append(
            f"{decoded.n_replaced:,} damaged character{'s' if decoded.n_replaced != 1 else ''} "
            "that {} not valid UTF-8 {} replaced with '\ufffd'.".format(
                *(("was", "was") if decoded.n_replaced == 1 else ("were", "were"))
            )
        )
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
    return Parsed(frame=frame, notes=notes, header=use_header, dialect=dialect,
                  n_skipped_lines=skipped)


#: A whole number written with a leading zero (``00042``, a postcode, an ID): a code, not a
#: quantity, so its column is read as text and ``00001`` is exported as ``00001``.
_LEADING_ZERO = re.compile(r"^\s*0\d+\s*$")


def _leading_zero_columns(rows: list[list[str]]) -> tuple[int, ...]:
    """Positions of columns whose sampled cells (header row aside) have a leading zero."""
    width = max((len(r) for r in rows), default=0)
    return tuple(
        j for j in range(width)
        if any(j < len(r) and _LEADING_ZERO.match(r[j]) for r in rows[1:])
    )


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


def _check_rows(n_rows: int, limits) -> None:
    if n_rows > limits.max_rows:
        raise TableError(
            f"The file has {n_rows:,} rows, more than the limit of {limits.max_rows:,}."
        )


def _parse(
    body: bytes, reading: _Reading, header: bool, on_bad_lines: str = "error"
) -> pd.DataFrame:
    try:
        with warnings.catch_warnings():
            if on_bad_lines != "warn":  # the caller counts skipped lines from warnings
                warnings.simplefilter("ignore")
            return pd.read_csv(
                io.BytesIO(body),
                sep=reading.delimiter,
                decimal=reading.decimal,
                thousands=reading.thousands,
                header=0 if header else None,
                encoding=reading.encoding,
                index_col=False,
                engine="c",
                quotechar='"',
                skip_blank_lines=True,
                low_memory=False,
                on_bad_lines=on_bad_lines,
                encoding_errors=reading.errors,
                dtype=dict.fromkeys(reading.text_columns, str) or None,
                # Only empty cells are missing here: a marker such as "n/a" stays the text
                # it was, so a download gives it back; the column is still read as numbers.
                keep_default_na=False,
                na_values=[""],
            )
    except pd.errors.EmptyDataError as exc:
        raise TableError("The file is empty.") from exc
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        detail = str(exc)
        if "out of memory" in detail:  # the C tokenizer's failed allocation
            raise MemoryError(detail) from exc
        if "EOF inside string" in detail:
            # pandas words this differently across versions ("at line", "at row"), so the
            # line number comes from the body itself.
            raise _unclosed_quote(body, reading.line_offset) from exc
        found = _PANDAS_RAGGED.search(detail)
        if found:
            expected, line, seen = (int(g) for g in found.groups())
            raise _PandasRagged(line, seen, expected) from exc
        raise TableError("The file could not be read as a table of values.") from exc


def _unclosed_quote(body: bytes, line_offset: int) -> TableError:
    """The sentence for a quote that is opened and never closed, with its line if known.

    Doubled quotes (``""``, an escaped quote inside a quoted value) are set aside; of the
    rest, an odd count means the last one opens the value that never ends.
    """
    arr = np.frombuffer(body.replace(b'""', b"\0\0"), dtype=np.uint8)
    quotes = np.flatnonzero(arr == 34)
    if len(quotes) % 2:
        line = _sniff.line_number(body, int(quotes[-1])) + line_offset
        return TableError(f"A quoted value that starts on line {line:,} is never closed.")
    return TableError('A quoted value is never closed: a " is missing its partner.')


@dataclass(frozen=True)
class _Skipping:
    """A parse that skipped over-long lines: the frame, how many, and the first one's line."""

    frame: pd.DataFrame
    n_lines: int
    first_line: int  # physical line in the uploaded file (0 if none was skipped)


def _parse_skipping(body: bytes, reading: _Reading, header: bool) -> _Skipping:
    """Parse with pandas skipping over-long lines, counting them from its warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = _parse(body, reading, header, on_bad_lines="warn")
    lines = [int(m) for w in caught for m in _PANDAS_SKIPPED.findall(str(w.message))]
    first = min(lines) + reading.line_offset if lines else 0
    return _Skipping(frame, len(lines), first)


def _skipped_note(n_lines: int, first_line: int) -> str:
    return (
        f"Skipped {n_lines:,} line{'s' if n_lines != 1 else ''} whose number of values "
        f"did not match the first line (the first was line {first_line:,})."
    )
