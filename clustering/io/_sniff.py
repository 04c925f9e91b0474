"""Sniffing delimited text: encoding, delimiter, number format, header, line structure.

Private helpers of :mod:`clustering.io`. Everything here looks at bytes or at a
bounded sample of text; nothing is executed and nothing depends on the file name.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import numpy as np

from clustering.io._errors import TableError
from clustering.io._magic import describe_magic

#: Bytes of text examined when guessing the dialect and the header.
SAMPLE_BYTES = 64 * 1024
#: Delimiters we consider, in the order preferred when two fit equally well. A comma
#: loses ties because in ';'- or tab-separated files commas are usually decimal marks.
DELIMITERS = ("\t", ";", "|", ",")


_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}


@dataclass(frozen=True)
class Decoded:
    """Text bytes ready for pandas plus how they were decoded.

    ``body`` is UTF-8 unless ``encoding`` is a single-byte code page, in which case it is
    the original bytes (pandas decodes them); ASCII delimiters and newlines are the same
    single bytes either way, which the line scanner relies on.
    """

    body: bytes
    encoding: str  # codec for pandas
    label: str  # plain name for the note
    errors: str = "strict"  # "replace" when a few bytes are not valid UTF-8
    n_replaced: int = 0  # how many bytes were replaced


@dataclass(frozen=True)
class DecodedText:
    """A text file decoded by :func:`decode_text`.

    Attributes
    ----------
    text : str
    encoding : str
        Its plain name, as in ``Table.dialect["encoding"]`` (``"UTF-8"``,
        ``"Windows-1252"``, ``"UTF-16 (LE)"``...).
    n_replaced : int
        Damaged bytes replaced with U+FFFD (a mostly UTF-8 file with a few bad bytes).
    """

    text: str
    encoding: str
    n_replaced: int = 0


def utf16_codec(data: bytes) -> str | None:
    """``"utf-16-le"`` or ``"utf-16-be"`` when the bytes are UTF-16, else None.

    A byte-order mark decides; without one, ASCII text in UTF-16 has a NUL in every other
    byte of the sample and binary data does not.
    """
    if data[:3] == _UTF8_BOM:
        return None
    if data[:2] in _UTF16_BOMS:
        return _UTF16_BOMS[data[:2]]
    sample = data[:SAMPLE_BYTES]
    even, odd = sample[0::2], sample[1::2]
    if len(sample) >= 8:
        if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
            return "utf-16-le"
        if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
            return "utf-16-be"
    return None


def describe_binary(data: bytes) -> str | None:
    """Name what the bytes are when they are not text, or None for text.

    A magic number names images, archives, programs and the like; otherwise a NUL byte
    anywhere means binary data, unless the bytes are UTF-16 (:func:`utf16_codec`).

    Parameters
    ----------
    data : bytes
        The whole file (the NUL rule looks at every byte).

    Returns
    -------
    str or None
        A phrase such as ``"a PNG image"`` or ``"binary data"``.
    """
    what = describe_magic(data)
    if what is None and b"\x00" in data and utf16_codec(data) is None:
        what = "binary data"
    return what


def decode(data: bytes, what: str = "This file", expected: str = "a CSV file") -> Decoded:
    """Pick the text encoding: UTF-8 (BOM stripped), UTF-16, then cp1252/latin-1.

    Parameters
    ----------
    data : bytes
    what, expected : str
        How a refusal names the file and what it should have been.

    Raises
    ------
    TableError
        If the bytes contain NUL characters outside UTF-16 (binary data), or claim to be
        UTF-16 and are not.
    """
    binary = f"{what} looks like binary data, not {expected}."
    if data[:3] == _UTF8_BOM:
        body = data[3:]
        if b"\x00" in body:
            raise TableError(binary)
        bad = _invalid_utf8(body)
        label = "UTF-8 with a byte-order mark"
        # The byte-order mark declares UTF-8, so invalid bytes are damage, not cp1252.
        return Decoded(body, "utf-8", label, "replace" if bad else "strict", bad)
    codec = utf16_codec(data)
    if codec is not None:
        return _from_utf16(data[2:] if data[:2] in _UTF16_BOMS else data, codec, what, binary)
    if b"\x00" in data:
        raise TableError(binary)
    bad = _invalid_utf8(data)
    if bad == 0:
        return Decoded(data, "utf-8", "UTF-8")
    if _valid_multibyte(data) >= 10 * bad:
        # Mostly UTF-8 with a few damaged bytes (e.g. two exports pasted together):
        # reading it all as cp1252 would garble every accented letter instead.
        return Decoded(data, "utf-8", "UTF-8", "replace", bad)
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return Decoded(data, "latin-1", "Latin-1 (ISO-8859-1)")
    return Decoded(data, "cp1252", "Windows-1252")


def decode_text(data: bytes, what: str = "This file") -> DecodedText:
    """Decode a text file by the rules the table loader reads text with.

    Parameters
    ----------
    data : bytes
    what : str
        How a refusal names the file (``"This file"``, ``"'docs/a.txt'"``).

    Returns
    -------
    DecodedText

    Raises
    ------
    TableError
        ``"<what> looks like <kind>, not text."`` for binary data (:func:`describe_binary`),
        or for UTF-16 that is damaged.
    """
    kind = describe_binary(data)
    if kind is not None:
        raise TableError(f"{what} looks like {kind}, not text.")
    decoded = decode(data, what, "text")
    text = decoded.body.decode(decoded.encoding, errors=decoded.errors)
    return DecodedText(text, decoded.label, decoded.n_replaced)


def _invalid_utf8(body: bytes) -> int:
    """Number of invalid UTF-8 sequences (0 for valid text); fast when valid."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return 0
    replaced = body.decode("utf-8", errors="replace").count("\ufffd")
    return replaced - body.decode("utf-8", errors="ignore").count("\ufffd")


def _valid_multibyte(body: bytes) -> int:
    """Characters beyond ASCII that decode as UTF-8."""
    text = body.decode("utf-8", errors="ignore")
    return len(text) - len(text.encode("ascii", errors="ignore"))


def _from_utf16(raw: bytes, codec: str, what: str, binary: str) -> Decoded:
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as exc:
        raise TableError(f"{what} says it is UTF-16 but its text is damaged.") from exc
    if "\x00" in text:
        raise TableError(binary)
    return Decoded(text.encode("utf-8"), "utf-8", f"UTF-16 ({codec[-2:].upper()})")


def text_sample(body: bytes, encoding: str) -> str:
    """Decode the first :data:`SAMPLE_BYTES` of ``body``, whole lines only."""
    chunk = body[:SAMPLE_BYTES]
    if len(body) > SAMPLE_BYTES:
        # Drop the partial last line (and a partial multi-byte character with it).
        cut = max(chunk.rfind(b"\n"), chunk.rfind(b"\r"))
        if cut > 0:
            chunk = chunk[:cut]
    return chunk.decode(encoding, errors="replace")


def sample_rows(text: str, delimiter: str, limit: int = 200) -> list[list[str]]:
    """Parse up to ``limit`` non-blank records of the sample with the csv module."""
    rows: list[list[str]] = []
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=False
    )
    try:
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            rows.append(row)
            if len(rows) >= limit:
                break
    except csv.Error:
        pass
    return rows


def sniff_delimiter(text: str) -> str:
    """Choose the delimiter among ``, ; TAB |`` that splits the sample most consistently.

    A delimiter scores by the share of records (the header included) whose field count
    equals the most common count, which must be at least 2; ties follow
    :data:`DELIMITERS`. A file with no delimiter at all is one column, read with ','.
    """
    best, best_score = ",", 0.0
    for delim in DELIMITERS:
        if delim not in text:
            continue
        counts = [len(row) for row in sample_rows(text, delim)]
        if not counts:
            continue
        values, freq = np.unique(counts, return_counts=True)
        mode = int(values[np.argmax(freq)])
        if mode < 2:
            continue
        share = float(freq.max()) / len(counts)
        header_fits = counts[0] == mode
        score = share + (0.5 if header_fits else 0.0)
        if score > best_score + 1e-9:
            best, best_score = delim, score
    return best


_COMMA_DEC = re.compile(r"^[+-]?(\d+|\d{1,3}([. ]\d{3})+),\d+$")
_SPACE_THOUSANDS = re.compile(r"^[+-]?\d{1,3}( \d{3})+(,\d+)?$")
_DOT_DEC = re.compile(r"^[+-]?\d*\.\d+([eE][+-]?\d+)?$")
_DOT_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")
_COMMA_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def sniff_number_format(rows: list[list[str]], delimiter: str) -> tuple[str, str | None]:
    """Guess the decimal mark and thousands separator from sample cells.

    Returns
    -------
    decimal : {".", ","}
    thousands : {".", ",", " ", None}
        Only set when every dotted (or comma'd) number in the sample fits the
        thousands pattern, so that ``1.5`` is never read as ``15``.
    """
    cells = [c.strip() for row in rows[1:] for c in row]
    comma = sum(1 for c in cells if _COMMA_DEC.match(c))
    dot = sum(1 for c in cells if _DOT_DEC.match(c))
    decimal = "," if delimiter != "," and comma > dot else "."
    dotted = [c for c in cells if "." in c and re.match(r"^[+-]?[\d.,]+$", c)]
    commaed = [c for c in cells if "," in c and re.match(r"^[+-]?[\d.,]+$", c)]
    spaced = [c for c in cells if " " in c and re.match(r"^[+-]?[\d ,]+$", c)]
    thousands = None
    if decimal == "," and dotted and all(_DOT_THOUSANDS.match(c) for c in dotted):
        thousands = "."
    elif (
        decimal == "," and not dotted and spaced and all(_SPACE_THOUSANDS.match(c) for c in spaced)
    ):
        thousands = " "  # French style: 1 234,5
    elif decimal == "." and commaed and all(_COMMA_THOUSANDS.match(c) for c in commaed):
        # In ';'/tab files "1,234" alone is ambiguous; require a decimal point somewhere.
        if delimiter == "," or any("." in c for c in commaed) or dot > 0:
            thousands = ","
    return decimal, thousands


@dataclass(frozen=True)
class Lines:
    """Record boundaries found by a quote-aware scan of the whole body."""

    starts: np.ndarray  # byte offset of each non-blank record
    ends: np.ndarray  # byte offset just past its terminator
    fields: np.ndarray  # number of fields in each record


def scan_lines(body: bytes, delimiter: str, chunk: int = 8 << 20) -> Lines:
    """Count the fields of every record without parsing values.

    Vectorised with numpy in chunks: a delimiter or newline is structural when the
    number of quote characters before it is even (doubled quotes toggle twice), so
    embedded newlines inside quoted cells do not split records.
    """
    arr = np.frombuffer(body, dtype=np.uint8)
    delim = ord(delimiter)
    has_quotes = b'"' in body
    # Like pandas, a CR not followed by LF also ends a line.
    lone_cr = b"\r" in body
    nl_parts, dl_parts = [], []
    parity = np.uint8(0)
    for start in range(0, len(arr), chunk):
        part = arr[start : start + chunk]
        is_nl = part == 10
        if lone_cr:
            following = arr[start + 1 : start + len(part) + 1]
            if len(following) < len(part):
                following = np.append(following, np.uint8(0))
            is_nl |= (part == 13) & (following != 10)
        is_dl = part == delim
        if has_quotes:
            q = np.cumsum(part == 34, dtype=np.uint8)
            q += parity
            parity = q[-1]
            outside = (q & 1) == 0
            # A quote character itself is never a delimiter or newline, so using the
            # parity after it is harmless.
            is_nl &= outside
            is_dl &= outside
        nl_parts.append(np.flatnonzero(is_nl) + start)
        dl_parts.append(np.flatnonzero(is_dl) + start)
    newlines = np.concatenate(nl_parts) if nl_parts else np.empty(0, np.int64)
    delims = np.concatenate(dl_parts) if dl_parts else np.empty(0, np.int64)
    ends = newlines + 1
    if len(arr) and (not len(newlines) or newlines[-1] != len(arr) - 1):
        ends = np.append(ends, len(arr))
    starts = np.concatenate(([0], ends[:-1])).astype(np.int64)
    # Delimiters before each record end; differences give delimiters per record.
    before_end = np.searchsorted(delims, ends, side="left")
    fields = np.diff(before_end, prepend=0) + 1
    length = ends - starts
    # Blank records: empty, or only a line terminator (\n, \r\n, \r).
    last = arr[np.maximum(ends - 1, 0)] if len(arr) else np.empty(0, np.uint8)
    before = arr[np.maximum(ends - 2, 0)] if len(arr) else np.empty(0, np.uint8)
    blank = (length == 0) | ((length == 1) & ((last == 10) | (last == 13)))
    blank |= (length == 2) & (before == 13) & (last == 10)
    blank &= fields == 1
    keep = ~blank
    return Lines(starts[keep], ends[keep], fields[keep])


def line_number(body: bytes, offset: int) -> int:
    """1-based physical line number of the byte at ``offset`` (LF, CRLF or lone CR)."""
    head = body[:offset]
    return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1


def first_row_is_data(rows: list, is_number) -> bool:
    """Guess whether the first row holds data rather than column names.

    It is data when every cell is a number, or when it has a number in every column
    whose other sampled cells are (almost) all numbers and at least one of them is not
    a whole number. Column names are rarely fractions, so a fraction where numbers
    belong points to a file without a header; ``country,2019,2020`` stays a header.

    Parameters
    ----------
    rows : list of sequences
        The first records of the file (up to a few hundred).
    is_number : callable
        ``is_number(cell) -> bool`` for this file's number format.
    """
    first = rows[0]
    if first and all(is_number(c) for c in first):
        return True
    rest = rows[1:200]
    if not rest:
        return False
    numeric_columns = []
    for j in range(len(first)):
        cells = [r[j] for r in rest if j < len(r) and r[j] is not None and str(r[j]).strip()]
        if cells and sum(map(is_number, cells)) >= 0.9 * len(cells):
            numeric_columns.append(j)
    if not numeric_columns or not all(is_number(first[j]) for j in numeric_columns):
        return False
    # Whole numbers make plausible names (years, wavelengths); a fraction does not.
    return not all(_whole(first[j]) for j in numeric_columns)


def _whole(cell: object) -> bool:
    if isinstance(cell, float):
        return cell.is_integer()
    if isinstance(cell, int):
        return True
    return re.fullmatch(r"\s*[+-]?\d+\s*", str(cell)) is not None
