"""Parquet files (pyarrow), read batch by batch within the limits.

Private helper of :mod:`clustering.io`. The footer's declared rows, columns and unpacked
size are checked before any data is read; then the decoded size and the time are checked
batch by batch, because dictionary and run-length encodings can make a small column decode
to far more than the footer says. Whatever still slips past is caught by the child process's
memory limit.
"""

from __future__ import annotations

import io

import pandas as pd

from clustering.io._errors import TableError
from clustering.io._limits import Clock, Limits, Parsed

#: Rows decoded at a time, so the decoded size can be checked between batches.
BATCH_ROWS = 65_536

_DAMAGED = "This Parquet file could not be read; it may be damaged."


def read_parquet(data: bytes, limits: Limits) -> Parsed:
    """Read a Parquet file, checking its declared and decoded sizes as it goes."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    clock = Clock(limits.max_seconds, "Parquet file")
    try:
        handle = pq.ParquetFile(io.BytesIO(data))
        meta = handle.metadata
        declared = sum(
            meta.row_group(i).column(j).total_uncompressed_size
            for i in range(meta.num_row_groups)
            for j in range(meta.num_columns)
        )
    except Exception as exc:  # pyarrow raises many types for a damaged footer
        raise TableError(_DAMAGED) from exc
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
    if declared > limits.max_unpacked_bytes:
        raise TableError(_too_big(declared, limits, more=False))
    try:
        batches, decoded = [], 0
        for batch in handle.iter_batches(batch_size=BATCH_ROWS):
            decoded += batch.nbytes
            if decoded > limits.max_unpacked_bytes:
                raise TableError(_too_big(decoded, limits, more=True))
            batches.append(batch)
            clock.check()
        table = pa.Table.from_batches(batches, schema=handle.schema_arrow)
        table.validate(full=True)  # e.g. invalid UTF-8 in a string column
        frame = table.to_pandas()
    except TableError:
        raise
    except Exception as exc:
        raise TableError(_DAMAGED) from exc
    if not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index()
    return Parsed(
        frame=frame,
        notes=[f"Read a Parquet file with {meta.num_rows:,} rows and {frame.shape[1]:,} columns."],
    )


def _too_big(size: int, limits: Limits, more: bool) -> str:
    limit = f"{limits.max_unpacked_bytes / 1e6:,.0f} MB"
    if more:
        return f"This Parquet file unpacks to more than {limit}, the limit."
    return f"This Parquet file unpacks to {size / 1e6:,.0f} MB, more than the limit of {limit}."
