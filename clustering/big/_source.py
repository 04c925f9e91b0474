"""A table on disk read in batches: one Parquet or CSV file, or a folder of them.

Everything is read through ``pyarrow.dataset``, one record batch at a time, so no pass ever
holds more than a few batches (``READAHEAD``) whatever the number of rows. The schema of every
file is checked before the first pass: a missing or non-numeric column is refused up front, not
halfway through a fit.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.dataset as ds

from clustering.big._run import CLUSTER_COLUMN
from clustering.io import join_names, quote

#: File suffixes read as each format (a folder must hold one format only).
FORMATS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv"}
#: Rows per batch by default: 64k rows x 8 float64 columns is 4 MB.
DEFAULT_BATCH_SIZE = 65_536
#: Batches and files read ahead of the one being used (pyarrow defaults to 16 and 4). Parquet
#: is read one row group at a time, so memory is bounded by the file's row-group size.
READAHEAD = (2, 1)


class SourceError(ValueError):
    """A source cannot be read for a fit; the message is one plain sentence with the values."""


@dataclass(frozen=True)
class Source:
    """A validated table on disk, ready to be read in batches.

    Attributes
    ----------
    name : str
        The path as given (for messages and the run file).
    kind : {"parquet", "csv"}
    files : tuple of str
        The files read, in order.
    columns : tuple of str
        The numeric columns the fit uses, in order.
    n_rows : int or None
        Rows in the files when known without a pass (Parquet metadata), else None.
    """

    name: str
    kind: str
    files: tuple[str, ...]
    columns: tuple[str, ...]
    n_rows: int | None

    def dataset(self) -> ds.Dataset:
        return ds.dataset(list(self.files), format=_format(self.kind))

    def batches(self, batch_size: int = DEFAULT_BATCH_SIZE) -> Iterator[np.ndarray]:
        """Each batch as a float64 array of shape (rows, len(columns)); missing cells are NaN.

        Read errors (a corrupt row group or page, a CSV cell that is not a number) become a
        :class:`SourceError` naming the file.
        """
        try:
            for batch in self._scan(batch_size):
                if batch.num_rows:
                    yield _to_matrix(batch)
        except (pa.ArrowException, OSError, ValueError) as exc:
            raise SourceError(f"{self.name} could not be read: {_first_line(exc)}.") from exc

    def _scan(self, batch_size: int) -> Iterator[pa.RecordBatch]:
        options = {"columns": list(self.columns), "batch_size": batch_size,
                   "batch_readahead": READAHEAD[0],
                   "fragment_scan_options": _scan_options(self.kind)}
        dataset = self.dataset()
        if self.kind == "csv":
            yield from dataset.to_batches(fragment_readahead=READAHEAD[1], **options)
            return
        # One row group at a time: a whole-file Parquet scan reads row groups ahead of a slow
        # consumer without bound (99 MB held at 3M x 8 rows; one row group at a time, 10 MB).
        for fragment in dataset.get_fragments():
            for row_group in fragment.split_by_row_group():
                yield from row_group.to_batches(**options)


def open_source(path: str | os.PathLike, columns: Sequence[str] | None = None) -> Source:
    """Check a file or folder and the columns to fit, without reading any row.

    Parameters
    ----------
    path : str or path-like
        A ``.parquet``/``.pq``/``.csv`` file, or a folder holding files of one of these kinds
        (searched recursively; names starting with ``.`` or ``_`` are skipped, as pyarrow does).
    columns : sequence of str, optional
        The columns to fit; by default every numeric column of the first file.

    Returns
    -------
    Source

    Raises
    ------
    SourceError
        The path does not exist, holds no table file or mixes formats, a file cannot be opened,
        or a column is missing from a file or is not numeric there.
    """
    name = str(path)
    kind, files = _find_files(Path(path))
    try:
        fragments = list(ds.dataset(list(files), format=_format(kind)).get_fragments())
        schemas = [(f.path, f.physical_schema) for f in fragments]
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise SourceError(f"{name} could not be opened: {_first_line(exc)}.") from exc
    first = schemas[0][1]
    if columns is None:
        # A column named like the labels a run writes is an earlier result, not a feature.
        columns = [f.name for f in first if _is_numeric(f.type) and f.name != CLUSTER_COLUMN]
        if not columns and all(pa.types.is_null(f.type) for f in first):
            raise SourceError(f"{name} has no rows.")  # a CSV header alone types as null
        if not columns:
            raise SourceError(f"{name} has no numeric column to cluster "
                              f"(its columns: {join_names(first.names)}).")
    else:
        columns = list(columns)
        if not columns:
            raise SourceError("Choose at least one column to cluster.")
        if CLUSTER_COLUMN in columns:
            raise SourceError(f"The column {quote(CLUSTER_COLUMN)} holds a run's labels; "
                              "it cannot be fitted (choose other columns).")
        repeated = sorted({c for c in columns if columns.count(c) > 1})
        if repeated:
            raise SourceError(f"Columns are named more than once: {join_names(repeated)}.")
    for file, schema in schemas:
        missing = [c for c in columns if schema.get_field_index(c) < 0]
        if missing:
            raise SourceError(f"{_short(file)} has no column {join_names(missing)} "
                              f"(its columns: {join_names(schema.names)}).")
        for c in columns:
            kind_of = schema.field(c).type
            if not _is_numeric(kind_of):
                raise SourceError(f"Column {quote(c)} of {_short(file)} is not numeric "
                                  f"({kind_of}); choose numeric columns with --columns.")
    n_rows = None
    if kind == "parquet":
        n_rows = sum(f.metadata.num_rows for f in fragments)
        if n_rows == 0:
            raise SourceError(f"{name} has no rows.")
    return Source(name=name, kind=kind, files=tuple(files), columns=tuple(columns),
                  n_rows=n_rows)


def _find_files(path: Path) -> tuple[str, tuple[str, ...]]:
    if path.is_file():
        kind = FORMATS.get(path.suffix.lower())
        if kind is None:
            raise SourceError(f"{path} is not a Parquet or CSV file (by its suffix "
                              f"{path.suffix or 'none'}; use .parquet, .pq or .csv).")
        if path.stat().st_size == 0:
            raise SourceError(f"{path} is empty.")
        return kind, (str(path),)
    if not path.is_dir():
        raise SourceError(f"{path} does not exist.")
    found: dict[str, list[str]] = {}
    for root, dirs, names in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        for file in sorted(names):
            kind = FORMATS.get(Path(file).suffix.lower())
            if kind and not file.startswith((".", "_")):
                found.setdefault(kind, []).append(os.path.join(root, file))
    if not found:
        raise SourceError(f"{path} holds no .parquet or .csv file.")
    if len(found) > 1:
        raise SourceError(f"{path} mixes Parquet and CSV files; put one format in a folder.")
    (kind, files), = found.items()
    empty = [f for f in files if os.path.getsize(f) == 0]
    if empty:
        raise SourceError(f"{_short(empty[0])} is empty.")
    return kind, tuple(files)


def _format(kind: str) -> ds.FileFormat:
    if kind == "csv":
        return ds.CsvFileFormat()
    return ds.ParquetFileFormat(default_fragment_scan_options=_scan_options(kind))


def _scan_options(kind: str) -> ds.FragmentScanOptions | None:
    # Files written with page checksums are verified, so a flipped byte is an error, not a
    # silently different number. pre_buffer (pyarrow's default) keeps the raw column chunks
    # of a whole file in memory as it goes: 3M x 8 rows held 245 MB; without it, 3 MB.
    if kind == "parquet":
        return ds.ParquetFragmentScanOptions(page_checksum_verification=True, pre_buffer=False)
    return None


def _is_numeric(kind: pa.DataType) -> bool:
    return (pa.types.is_integer(kind) or pa.types.is_floating(kind)
            or pa.types.is_decimal(kind))


def _to_matrix(batch: pa.RecordBatch) -> np.ndarray:
    out = np.empty((batch.num_rows, batch.num_columns), dtype=np.float64)
    for j, column in enumerate(batch.columns):
        if column.type != pa.float64():
            column = column.cast(pa.float64())
        out[:, j] = column.to_numpy(zero_copy_only=False)
    return out


def _short(file: str) -> str:
    return Path(file).name


def _first_line(exc: BaseException) -> str:
    """The useful part of an Arrow error: its first line, after Arrow's own prefixes."""
    text = str(exc).strip().splitlines()
    line = text[0] if text else type(exc).__name__
    line = line.rpartition("Invalid: ")[2] or line
    line = "".join(ch for ch in line if ch.isprintable())
    return line.strip().rstrip(".: ")[:300]
