"""Excel .xlsx, read as a stream: one sheet's cells, with every limit checked while reading.

Private helper of :mod:`clustering.io`. An .xlsx file is a ZIP archive of XML parts, so a
526 KB upload can hold 60 million empty ``<row/>`` elements (360 MB of XML). Nothing here
builds a tree or trusts a declared size: each part is unpacked in 64 KB pieces (counted
against ``max_member_bytes``) and fed to expat, whose callbacks count every ``<row>`` and
``<c>`` element, empty or not, and every shared string, and stop the read with a sentence
as soon as a limit is passed; the clock is checked after every piece. The sheet's
``<dimension>`` tag is ignored: what is there is read.

Formulas are never evaluated (the values Excel saved are used), macros and external links
are never opened, and a document type declaration (the vehicle of entity-expansion bombs)
is refused.
"""

from __future__ import annotations

import datetime as dt
import io
import numbers
import posixpath
import re
import zipfile
from xml.parsers import expat

import pandas as pd
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from clustering.io._errors import TableError
from clustering.io._limits import Clock, Limits, Parsed
from clustering.io._sniff import first_row_is_data

#: Bytes unpacked and parsed at a time; the clock and the limits are checked between pieces.
CHUNK = 64 * 1024
#: Most rows above the table that hold a single value (a title or a note) and are skipped.
MAX_TITLE_ROWS = 10

_WORKBOOK = "xl/workbook.xml"
_WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
_SHARED_STRINGS = "xl/sharedStrings.xml"
_STYLES = "xl/styles.xml"
# OOXML escapes control characters as _xHHHH_ (and a literal "_x" as _x005F_).
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def read_xlsx(data: bytes, sheet: str | int | None, header: bool | None,
              limits: Limits) -> Parsed:
    """Read one sheet of an .xlsx workbook (the first by default).

    Prior validation is assumed: ``data`` is a ZIP archive holding ``xl/workbook.xml``
    whose declared total size is within ``limits.max_unpacked_bytes``.

    Raises
    ------
    TableError
        For a damaged workbook, a missing sheet, a chart sheet, or any limit passed.
    """
    clock = Clock(limits.max_seconds, "Excel file")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        raise TableError("This Excel file could not be opened; it may be damaged.") from exc
    with archive:
        if any(info.flag_bits & 0x1 for info in archive.infolist()):
            raise TableError(
                "This Excel file is password-protected; save an unprotected copy and upload it."
            )
        book = _Workbook.read(archive, limits, clock)
        chosen = _choose_sheet(book.names, sheet)
        target, kind = book.targets[chosen]
        if kind != "worksheet":
            raise TableError(f"The sheet {quoted(chosen)} is a {kind}, not a table of values.")
        shared = _read_shared_strings(archive, limits, clock)
        dates, durations = _read_date_styles(archive, limits, clock)
        reader = _SheetReader(chosen, shared, dates, durations, book.epoch, limits)
        _parse(archive, target, reader, limits, clock)
    return _to_frame(reader.rows, reader.width, chosen, book.names, header)


def quoted(name: str) -> str:
    """A sheet name inside a sentence (plain text; the UI escapes it)."""
    return f"'{name}'"


def _member(archive: zipfile.ZipFile, name: str) -> zipfile.ZipInfo | None:
    try:
        return archive.getinfo(name)
    except KeyError:
        return None


def _parse(archive: zipfile.ZipFile, name: str, handler, limits: Limits, clock: Clock) -> None:
    """Unpack one member in pieces and feed it to expat with ``handler``'s callbacks.

    ``handler`` has ``start(name, attrs)``, ``end(name)`` and ``text(data)``. Element names
    arrive as written: usually bare (``row``), sometimes with the prefix the writer chose
    (``x:row``); handlers try the bare name first, which keeps the hot path short.
    """
    info = _member(archive, name)
    if info is None:
        raise TableError("This Excel file could not be read; a part of it is missing.")
    limit = limits.max_member_bytes
    if info.file_size > limit:
        raise TableError(
            f"A part of this Excel file unpacks to {info.file_size / 1e6:,.0f} MB, more than "
            f"the limit of {limit / 1e6:,.0f} MB per part."
        )
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = CHUNK
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    parser.CharacterDataHandler = handler.text
    parser.StartDoctypeDeclHandler = _refuse_doctype
    unpacked = 0
    try:
        with archive.open(info) as stream:
            while piece := stream.read(CHUNK):
                unpacked += len(piece)
                if unpacked > limit:  # zipfile stops at the declared size; belt and braces
                    raise TableError(
                        f"A part of this Excel file unpacks to more than {limit / 1e6:,.0f} MB, "
                        "the limit per part."
                    )
                parser.Parse(piece, False)
                clock.check()
            parser.Parse(b"", True)
    except TableError:
        raise
    except (expat.ExpatError, zipfile.BadZipFile, EOFError, OSError, ValueError,
            NotImplementedError, IndexError, KeyError) as exc:
        raise TableError("This Excel file could not be read; it may be damaged.") from exc


def _refuse_doctype(*_args) -> None:
    raise TableError("This Excel file declares a document type, which .xlsx files never do.")


def _local_attrs(attrs: dict) -> dict:
    return {key.rpartition(":")[2]: value for key, value in attrs.items()}


class _Collector:
    """Base for small parts: strips a namespace prefix, then calls ``open``/``close``."""

    def start(self, name: str, attrs: dict) -> None:
        self.open(name.rpartition(":")[2], attrs)

    def end(self, name: str) -> None:
        self.close(name.rpartition(":")[2])

    def open(self, name: str, attrs: dict) -> None:
        pass

    def close(self, name: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass


class _Workbook(_Collector):
    """Sheet names in order, where each one's XML lives, and the date system."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.ids: dict[str, str] = {}
        self.epoch = CALENDAR_WINDOWS_1900
        self.targets: dict[str, tuple[str, str]] = {}

    def open(self, name: str, attrs: dict) -> None:
        if name == "sheet":
            local = _local_attrs(attrs)
            sheet_name = local.get("name")
            if sheet_name is not None and sheet_name not in self.ids:
                self.names.append(sheet_name)
                self.ids[sheet_name] = local.get("id", "")
        elif name == "workbookPr" and attrs.get("date1904", "").lower() in {"1", "true"}:
            self.epoch = CALENDAR_MAC_1904

    @classmethod
    def read(cls, archive: zipfile.ZipFile, limits: Limits, clock: Clock) -> _Workbook:
        book = cls()
        _parse(archive, _WORKBOOK, book, limits, clock)
        rels = _Relations()
        if _member(archive, _WORKBOOK_RELS) is not None:
            _parse(archive, _WORKBOOK_RELS, rels, limits, clock)
        for sheet_name in book.names:
            target, kind = rels.by_id.get(book.ids[sheet_name], ("", ""))
            if not target:
                raise TableError(
                    f"This Excel file could not be read; the sheet {quoted(sheet_name)} "
                    "is missing."
                )
            book.targets[sheet_name] = (target, kind)
        return book


class _Relations(_Collector):
    def __init__(self) -> None:
        self.by_id: dict[str, tuple[str, str]] = {}

    def open(self, name: str, attrs: dict) -> None:
        if name != "Relationship" or attrs.get("TargetMode") == "External":
            return
        target = attrs.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        path = posixpath.normpath(path)
        kind = attrs.get("Type", "").rpartition("/")[2]
        self.by_id[attrs.get("Id", "")] = (path, {"chartsheet": "chart"}.get(kind, kind))


class _SharedStrings(_Collector):
    """The workbook's shared-string table, counted against ``max_shared_strings``."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.strings: list[str] = []
        self.parts: list[str] = []
        self.capture = False
        self.phonetic = 0

    def open(self, name: str, attrs: dict) -> None:
        if name == "t" and not self.phonetic:
            self.capture = True
        elif name == "rPh":
            self.phonetic += 1
        elif name == "si":
            self.parts = []

    def close(self, name: str) -> None:
        if name == "t":
            self.capture = False
        elif name == "rPh":
            self.phonetic -= 1
        elif name == "si":
            if len(self.strings) >= self.limit:
                raise TableError(
                    f"This Excel file has more than {self.limit:,} shared text values, the "
                    "limit; save it as CSV."
                )
            self.strings.append(_unescape("".join(self.parts)))

    def text(self, data: str) -> None:
        if self.capture:
            self.parts.append(data)


def _read_shared_strings(archive: zipfile.ZipFile, limits: Limits, clock: Clock) -> list[str]:
    if _member(archive, _SHARED_STRINGS) is None:
        return []
    table = _SharedStrings(limits.max_shared_strings)
    _parse(archive, _SHARED_STRINGS, table, limits, clock)
    return table.strings


class _Styles(_Collector):
    """Number formats of the cell styles: which style indices show dates or durations."""

    def __init__(self) -> None:
        self.custom: dict[int, str] = {}
        self.formats: list[int] = []
        self.in_cell_xfs = False

    def open(self, name: str, attrs: dict) -> None:
        if name == "numFmt":
            try:
                self.custom[int(attrs.get("numFmtId", ""))] = attrs.get("formatCode", "")
            except ValueError:
                pass
        elif name == "cellXfs":
            self.in_cell_xfs = True
        elif name == "xf" and self.in_cell_xfs:
            try:
                self.formats.append(int(attrs.get("numFmtId", "0")))
            except ValueError:
                self.formats.append(0)

    def close(self, name: str) -> None:
        if name == "cellXfs":
            self.in_cell_xfs = False


def _read_date_styles(archive: zipfile.ZipFile, limits: Limits,
                      clock: Clock) -> tuple[frozenset[int], frozenset[int]]:
    if _member(archive, _STYLES) is None:
        return frozenset(), frozenset()
    styles = _Styles()
    _parse(archive, _STYLES, styles, limits, clock)
    dates, durations = set(), set()
    for index, fmt_id in enumerate(styles.formats):
        code = styles.custom.get(fmt_id) or BUILTIN_FORMATS.get(fmt_id)
        if code and is_date_format(code):
            dates.add(index)
            if is_timedelta_format(code):
                durations.add(index)
    return frozenset(dates), frozenset(durations)


class _SheetReader(_Collector):
    """Cells of one worksheet as rows of values, every element counted as it arrives.

    Rows without a value are counted but not kept; a value is placed by its cell reference
    (``C7``), so gaps stay gaps. The number of columns is refused from the first value
    beyond ``max_columns``.
    """

    def __init__(self, sheet: str, shared: list[str], dates: frozenset[int],
                 durations: frozenset[int], epoch: dt.datetime, limits: Limits) -> None:
        self.sheet = sheet
        self.shared = shared
        self.dates = dates
        self.durations = durations
        self.epoch = epoch
        self.limits = limits
        self.max_row_elements = limits.max_rows + 1 + MAX_TITLE_ROWS  # header and titles
        self.rows: list[list] = []
        self.width = 0
        self.n_rows = 0
        self.n_cells = 0
        self.row: dict[int, object] = {}
        self.next_col = 0
        self.col = 0
        self.kind = "n"
        self.style = 0
        self.parts: list[str] = []
        self.capture = False
        self.inline = False
        self.phonetic = 0

    def start(self, name: str, attrs: dict) -> None:
        if name == "c":
            self.n_cells += 1
            if self.n_cells > self.limits.max_excel_cells:
                raise TableError(
                    f"The sheet {quoted(self.sheet)} has more than the Excel limit of "
                    f"{self.limits.max_excel_cells:,} cells; save it as CSV, which loads faster."
                )
            ref = attrs.get("r")
            self.col = _column_index(ref) if ref else self.next_col
            self.next_col = self.col + 1
            self.kind = attrs.get("t", "n")
            style = attrs.get("s")
            self.style = int(style) if style and style.isdigit() else 0
            self.parts = []
        elif name == "v":
            self.capture = True
        elif name == "row":
            self.n_rows += 1
            if self.n_rows > self.max_row_elements:
                raise TableError(
                    f"The sheet {quoted(self.sheet)} has more than {self.limits.max_rows:,} "
                    "rows (counting empty ones), the limit."
                )
            self.row = {}
            self.next_col = 0
        elif name == "is":
            self.inline = True
        elif name == "t" and self.inline and not self.phonetic:
            self.capture = True
        elif name == "rPh":
            self.phonetic += 1
        elif ":" in name:
            self.start(name.rpartition(":")[2], attrs)

    def end(self, name: str) -> None:
        if name == "c":
            value = self._value()
            if value is not None:
                if self.col >= self.limits.max_columns:
                    raise TableError(
                        f"The sheet {quoted(self.sheet)} has a value in column {self.col + 1:,}, "
                        f"more than the limit of {self.limits.max_columns:,} columns."
                    )
                self.row[self.col] = value
        elif name in ("v", "t"):
            self.capture = False
        elif name == "row":
            if self.row:
                self._keep(self.row)
        elif name == "is":
            self.inline = False
        elif name == "rPh":
            self.phonetic -= 1
        elif ":" in name:
            self.end(name.rpartition(":")[2])

    def text(self, data: str) -> None:
        if self.capture:
            self.parts.append(data)

    def _keep(self, cells: dict[int, object]) -> None:
        if all(isinstance(v, str) and not v.strip() for v in cells.values()):
            return
        width = max(cells) + 1
        self.width = max(self.width, width)
        row = [None] * width
        for col, value in cells.items():
            row[col] = value
        self.rows.append(row)

    def _value(self) -> object:
        text = "".join(self.parts)
        kind = self.kind
        if kind == "inlineStr":
            return _unescape(text) if self.parts else None
        if not text:
            return None
        if kind == "s":
            index = int(text)
            if not 0 <= index < len(self.shared):
                raise TableError("This Excel file could not be read; it may be damaged.")
            return self.shared[index]
        if kind == "str":
            return _unescape(text)
        if kind == "b":
            return text.strip() in {"1", "true"}
        if kind == "e":
            return text
        if kind == "d":
            try:
                return dt.datetime.fromisoformat(text)
            except ValueError:
                return text
        value = _number(text)
        if self.style in self.dates:
            try:
                return from_excel(value, self.epoch, timedelta=self.style in self.durations)
            except (OverflowError, ValueError, TypeError):
                return "#VALUE!"
        return value


def _number(text: str) -> int | float:
    text = text.strip()
    if "." in text or "e" in text or "E" in text:
        return float(text)
    try:
        return int(text)
    except ValueError:
        return float(text)  # "NaN", "INF" and the like; a damaged cell raises ValueError


def _column_index(ref: str) -> int:
    """0-based column of a cell reference such as ``"AB12"``."""
    col = 0
    for char in ref:
        code = ord(char) | 0x20  # lower case
        if 97 <= code <= 122:
            col = col * 26 + code - 96
            if col > 16_384:  # Excel's last column, XFD
                raise ValueError(f"column of {ref!r} beyond XFD")
        else:
            break
    if col == 0:
        raise ValueError(f"no column in cell reference {ref!r}")
    return col - 1


def _unescape(text: str) -> str:
    if "_x" not in text:
        return text
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)


def _choose_sheet(names: list[str], sheet: str | int | None) -> str:
    if not names:
        raise TableError("This Excel workbook has no sheets.")
    if sheet is None:
        return names[0]
    if isinstance(sheet, bool) or not isinstance(sheet, (str, int)):
        raise TableError(f"Choose a sheet by name or position, not {sheet!r}.")
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names) and str(sheet) in names:
            return str(sheet)  # a sheet named like a number, e.g. "2024"
        if not 0 <= sheet < len(names):
            raise TableError(
                f"This workbook has {len(names)} sheet{'s' if len(names) != 1 else ''}, "
                f"so there is no sheet number {sheet + 1}."
            )
        return names[sheet]
    if sheet not in names:
        listed = ", ".join(quoted(n) for n in names[:10])
        raise TableError(
            f"This workbook has no sheet named {quoted(sheet)}; its sheets are {listed}."
        )
    return sheet


def _to_frame(rows: list[list], width: int, chosen: str, names: list[str],
              header: bool | None) -> Parsed:
    notes: list[str] = []
    if not rows:
        raise TableError(f"The sheet {quoted(chosen)} is empty.")
    rows = [r + [None] * (width - len(r)) for r in rows]
    lead = _title_rows(rows)
    if lead:
        rows = rows[lead:]
        notes.append(
            f"Skipped {lead} row{'s' if lead != 1 else ''} above the table that "
            f"{'hold' if lead != 1 else 'holds'} a single value (a title or a note)."
        )
    first = rows[0]
    auto = not first_row_is_data(rows[:200], _is_number)
    used_header = auto if header is None else bool(header)
    if used_header:
        columns = [None if v is None else _header_text(v) for v in first]
        body = rows[1:]
    else:
        columns = [f"column_{i + 1}" for i in range(width)]
        body = rows
    if not body:
        raise TableError(f"The sheet {quoted(chosen)} has a header but no data rows.")
    frame = pd.DataFrame.from_records(body, columns=range(width))
    frame = frame.infer_objects()
    frame.columns = columns
    where = f"sheet {quoted(chosen)}"
    if len(names) > 1:
        where += f" ({names.index(chosen) + 1} of {len(names)} sheets)"
    notes.append(f"Read {where} of an Excel workbook; formulas show their saved values.")
    if not used_header:
        notes.append(
            "The first row was read as data"
            + (" because it has numbers where the other rows do" if header is None else "")
            + f", and the columns were named column_1 to column_{width}; choose "
            "'first row is header' if that is wrong."
        )
    return Parsed(frame=frame, notes=notes, header=used_header, dialect={"sheet": chosen},
                  sheet_names=list(names))


def _title_rows(rows: list[list]) -> int:
    """Leading rows with one filled cell above a table whose rows fill two or more."""
    filled = [sum(v is not None for v in row) for row in rows[: MAX_TITLE_ROWS + 1]]
    lead = 0
    while lead < min(MAX_TITLE_ROWS, len(rows) - 1) and filled[lead] == 1:
        lead += 1
    return lead if lead and filled[lead] >= 2 else 0


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _header_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value)
