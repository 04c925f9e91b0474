"""Readers for binary table formats: Excel .xlsx (openpyxl) and Parquet (pyarrow).

Private helpers of :mod:`clustering.io`. Formulas are never evaluated: openpyxl is
asked for the values Excel cached (``data_only=True``) and macros are not loaded.
"""

from __future__ import annotations

import datetime as dt
import io
import numbers
import warnings

import pandas as pd

from clustering.io._errors import TableError
from clustering.io._sniff import first_row_is_data


def read_xlsx(
    data: bytes, sheet: str | int | None, header: bool | None, limits, notes: list[str]
) -> tuple[pd.DataFrame, bool, list[str], str]:
    """Read one sheet of an .xlsx workbook.

    Returns
    -------
    frame : pandas.DataFrame
    used_header : bool
    sheet_names : list of str
    chosen : str
        The name of the sheet read.
    """
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(
                io.BytesIO(data), read_only=True, data_only=True, keep_links=False
            )
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise TableError(
            "This Excel file could not be opened; it may be damaged or password-protected."
        ) from exc
    try:
        names = list(book.sheetnames)
        chosen = _choose_sheet(names, sheet)
        ws = book[chosen]
        declared_rows = ws.max_row or 0
        declared_cols = ws.max_column or 0
        if declared_cols > limits.max_columns:
            raise TableError(
                f"The sheet {chosen!r} has {declared_cols:,} columns, more than the limit of "
                f"{limits.max_columns:,}."
            )
        if declared_rows > limits.max_rows + 1:
            raise TableError(
                f"The sheet {chosen!r} has {declared_rows - 1:,} rows, more than the limit of "
                f"{limits.max_rows:,}."
            )
        if declared_rows * declared_cols > limits.max_excel_cells:
            raise _too_many_cells(chosen, declared_rows * declared_cols, limits)
        rows = []
        cells = 0
        for row in ws.iter_rows(values_only=True):
            cells += len(row) if row else 0
            if cells > limits.max_excel_cells:
                raise _too_many_cells(chosen, cells, limits, more=True)
            if row is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
                continue
            rows.append(row)
            if len(rows) > limits.max_rows + 1:
                raise TableError(
                    f"The sheet {chosen!r} has more than {limits.max_rows:,} rows, the limit."
                )
    except TableError:
        raise
    except Exception as exc:
        raise TableError("This Excel file could not be read; it may be damaged.") from exc
    finally:
        book.close()
    if not rows:
        raise TableError(f"The sheet {chosen!r} is empty.")
    width = max(len(r) for r in rows)
    if width > limits.max_columns:
        raise TableError(
            f"The sheet {chosen!r} has {width:,} columns, more than the limit of "
            f"{limits.max_columns:,}."
        )
    rows = [tuple(r) + (None,) * (width - len(r)) for r in rows]
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
        raise TableError(f"The sheet {chosen!r} has a header but no data rows.")
    frame = pd.DataFrame.from_records(body, columns=range(width))
    frame = frame.infer_objects()
    frame.columns = columns
    where = f"sheet {chosen!r}" + (f" (1 of {len(names)} sheets)" if len(names) > 1 else "")
    if len(names) > 1 and chosen != names[0]:
        where = f"sheet {chosen!r} ({names.index(chosen) + 1} of {len(names)} sheets)"
    notes.append(f"Read {where} of an Excel workbook; formulas show their saved values.")
    if not used_header:
        notes.append(
            "The first row was read as data"
            + (" because it has numbers where the other rows do" if header is None else "")
            + f", and the columns were named column_1 to column_{width}; choose "
            "'first row is header' if that is wrong."
        )
    return frame, used_header, names, chosen


def _too_many_cells(chosen: str, cells: int, limits, more: bool = False) -> TableError:
    if more:
        size = f"more than the Excel limit of {limits.max_excel_cells:,} cells"
    else:
        size = f"{cells:,} cells, more than the Excel limit of {limits.max_excel_cells:,}"
    return TableError(f"The sheet {chosen!r} has {size}; save it as CSV, which loads faster.")


def _title_rows(rows: list[tuple], limit: int = 10) -> int:
    """Leading rows with one filled cell above a table whose rows fill two or more."""
    filled = [sum(v is not None for v in row) for row in rows[: limit + 1]]
    lead = 0
    while lead < min(limit, len(rows) - 1) and filled[lead] == 1:
        lead += 1
    return lead if lead and filled[lead] >= 2 else 0


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
        listed = ", ".join(repr(n) for n in names[:10])
        raise TableError(f"This workbook has no sheet named {sheet!r}; its sheets are {listed}.")
    return sheet


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _header_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value)


def read_parquet(data: bytes, limits, notes: list[str]) -> pd.DataFrame:
    """Read a Parquet file, checking its declared size before loading it."""
    import pyarrow.parquet as pq

    try:
        handle = pq.ParquetFile(io.BytesIO(data))
        meta = handle.metadata
    except Exception as exc:
        raise TableError("This Parquet file could not be read; it may be damaged.") from exc
    if meta.num_columns > limits.max_columns:
        raise TableError(
            f"The file has {meta.num_columns:,} columns, more than the limit of "
            f"{limits.max_columns:,}."
        )
    if meta.num_rows > limits.max_rows:
        raise TableError(
            f"The file has {meta.num_rows:,} rows, more than the limit of {limits.max_rows:,}."
        )
    if meta.num_rows == 0:
        raise TableError("The file has columns but no data rows.")
    try:
        table = handle.read()
        table.validate(full=True)  # e.g. invalid UTF-8 in a string column
        frame = table.to_pandas()
    except Exception as exc:
        raise TableError("This Parquet file could not be read; it may be damaged.") from exc
    if not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index()
    notes.append(f"Read a Parquet file with {meta.num_rows:,} rows and {frame.shape[1]:,} columns.")
    return frame
