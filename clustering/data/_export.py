"""Downloads of a clustering run: labelled table, centroids and settings.

CSV exports are safe to open in a spreadsheet: every text cell and header that starts
with ``= + - @``, TAB, CR, LF or NUL (or their full-width forms) is prefixed with ``'`` as
OWASP advises against formula injection, while numeric columns are written as numbers
(``-1.5`` stays ``-1.5``; whole floats are written bare, ``2`` for ``2.0``, and
missing numbers as empty cells). Text is always quoted, so embedded commas, quotes, CR and LF
survive a round trip through Python's csv module, pandas and spreadsheets.
Download names are fixed (:data:`EXPORT_FILENAMES`) and never taken from the upload.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import PurePath

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from clustering.io import is_text

__all__ = [
    "CLUSTER_COLUMN",
    "DISTANCE_COLUMN",
    "EXPORT_FILENAMES",
    "STATUS_CLUSTERED",
    "STATUS_COLUMN",
    "STATUS_DROPPED",
    "centroids_csv",
    "labeled_csv",
    "neutralize",
    "rows_with_columns",
    "settings_json",
]

#: Fixed download file names, by export.
EXPORT_FILENAMES = {
    "labelled": "clustered_data.csv",
    "centroids": "centroids.csv",
    "settings": "run_settings.json",
}
CLUSTER_COLUMN = "cluster"
DISTANCE_COLUMN = "distance_to_center"
STATUS_COLUMN = "status"
STATUS_CLUSTERED = "clustered"
STATUS_DROPPED = "dropped (missing values)"

# Characters that make a spreadsheet treat a cell as a formula (or hide one behind them).
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# A signed plain number cannot run anything; leaving it alone keeps "-1.5" readable.
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def neutralize(value: object) -> object:
    """Defuse a spreadsheet formula in one text value (OWASP CSV injection).

    Parameters
    ----------
    value : object
        A cell or header. Non-strings are returned unchanged.

    Returns
    -------
    object
        ``"'" + value`` if ``value`` is a string starting with a formula trigger
        (and is not a plain signed number), else ``value``.

    Examples
    --------
    >>> neutralise("=1+1")
    "'=1+1"
    >>> neutralise("-1.5")
    '-1.5'
    """
    if isinstance(value, str) and value.startswith(_TRIGGERS) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def _unique(name: str, taken: set[str]) -> str:
    candidate, count = name, 1
    while candidate in taken:
        count += 1
        candidate = f"{name} ({count})"
    taken.add(candidate)
    return candidate


def rows_with_columns(frame: pd.DataFrame, rows: np.ndarray,
                      columns: Mapping[str, Sequence]) -> pd.DataFrame:
    """Some rows of a table with run columns in front (a preview of labelled rows).

    Parameters
    ----------
    frame : DataFrame of shape (n_rows, n_columns)
        The table as loaded.
    rows : array-like of int, shape (m,)
        Positions in ``frame`` of the rows to show, in order.
    columns : mapping of str to array-like of shape (m,)
        Put first, in order; a name the table already has becomes ``"name (2)"`` and so on,
        as in :func:`labeled_csv`.

    Returns
    -------
    DataFrame of shape (m, len(columns) + n_columns), indexed 0 .. m - 1
    """
    shown = frame.iloc[np.asarray(rows)].copy()
    taken = {str(c) for c in shown.columns}
    for position, (name, values) in enumerate(columns.items()):
        shown.insert(position, _unique(name, taken), values)
    return shown.reset_index(drop=True)


def _safe_columns(frame: pd.DataFrame) -> tuple[list[str], list[pd.Series]]:
    """Neutralised names and columns; text cells become ``str`` (or None), defused."""
    names = [neutralize(str(c)) for c in frame.columns]
    columns = []
    for j in range(frame.shape[1]):
        col = frame.iloc[:, j]
        if is_text(col):
            col = col.astype(object).map(
                lambda v: neutralize(v if isinstance(v, str) else str(v)), na_action="ignore"
            )
        columns.append(col.reset_index(drop=True))
    return names, columns


def _write_csv(names: list[str], columns: list, bom: bool) -> bytes:
    """CSV bytes: text quoted, numbers bare, missing values empty, CRLF line ends.

    pyarrow's C++ writer is several times faster than pandas on big tables; pandas
    (with csv.QUOTE_NONNUMERIC) takes over for column types Arrow cannot write.
    """
    prefix = b"\xef\xbb\xbf" if bom else b""
    try:
        return prefix + _arrow_csv(names, columns)
    except (pa.ArrowException, TypeError, ValueError):
        pass
    table = pd.DataFrame({j: col for j, col in enumerate(columns)})
    table.columns = names
    text = table.to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    return prefix + text.encode("utf-8")


def _arrow_csv(names: list[str], columns: list) -> bytes:
    arrays = []
    for col in columns:
        col = pd.Series(col)
        if is_text(col):
            values = col.astype(object).where(col.notna(), None)
            arrays.append(pa.array(values.to_numpy(), type=pa.string()))
        elif pd.api.types.is_bool_dtype(col.dtype) or pd.api.types.is_numeric_dtype(col.dtype):
            arrays.append(pa.array(col, from_pandas=True))  # NaN and NA -> empty cell
        else:
            raise TypeError(f"no fast CSV path for {col.dtype}")
    table = pa.Table.from_arrays(arrays, names=names)
    sink = io.BytesIO()
    pa_csv.write_csv(table, sink, pa_csv.WriteOptions(quoting_style="needed", eol="\r\n"))
    return sink.getvalue()


def labeled_csv(
    frame: pd.DataFrame,
    row_index: np.ndarray,
    labels: np.ndarray,
    distances: np.ndarray | None = None,
    *,
    extra: Mapping[str, np.ndarray] | None = None,
    status: str = STATUS_CLUSTERED,
    bom: bool = True,
) -> bytes:
    """The original table plus cluster, distance and status columns, as CSV bytes.

    Parameters
    ----------
    frame : pandas.DataFrame of shape (n_rows, n_columns)
        The table as loaded; every row is written, in order.
    row_index : array-like of shape (n_used,)
        Position in ``frame`` of each clustered row (:attr:`Prepared.row_index`).
    labels : array-like of shape (n_used,)
        Cluster of each clustered row.
    distances : array-like of shape (n_used,), optional
        Distance of each clustered row to its centre.
    extra : mapping of str to array-like of shape (n_used,), optional
        More per-row columns (e.g. an outlier score and flag), written after the distance;
        empty for rows left out. Booleans are written as true/false.
    status : str, default "clustered"
        Status of the rows in ``row_index`` (e.g. "assigned" for scored new rows).
    bom : bool, default True
        Start with a UTF-8 byte-order mark so Excel shows accented names correctly.

    Returns
    -------
    bytes
        UTF-8 CSV. Rows dropped in preparation have an empty cluster (never 0) and
        status ``"dropped (missing values)"``; the others read ``"clustered"``. Added
        columns are renamed ``"cluster (2)"`` etc. if the table already has the name.
    """
    n = len(frame)
    row_index = np.asarray(row_index)
    labels = np.asarray(labels)
    if row_index.ndim != 1 or labels.shape != row_index.shape:
        raise ValueError(
            f"row_index {row_index.shape} and labels {labels.shape} must be 1-D and the same shape"
        )
    if row_index.size:
        if not np.issubdtype(row_index.dtype, np.integer):
            raise ValueError(f"row_index must hold integers, got {row_index.dtype}")
        if row_index.min() < 0 or row_index.max() >= n:
            raise ValueError(
                f"row_index must lie in [0, {n}), got {row_index.min()}..{row_index.max()}"
            )
        if np.bincount(row_index, minlength=n).max() > 1:  # O(n), unlike np.unique
            raise ValueError("row_index must not repeat a row")
    names, columns = _safe_columns(frame)
    taken = set(names)
    cluster = pd.array(np.full(n, pd.NA, dtype=object), dtype="Int64")
    cluster[row_index] = labels.astype(np.int64)
    status_column = np.full(n, STATUS_DROPPED, dtype=object)
    status_column[row_index] = status
    names.append(_unique(CLUSTER_COLUMN, taken))
    columns.append(pd.Series(cluster))
    if distances is not None:
        distances = np.asarray(distances, dtype=np.float64)
        if distances.shape != row_index.shape:
            raise ValueError(f"distances {distances.shape} must match row_index {row_index.shape}")
        full = np.full(n, np.nan)
        full[row_index] = distances
        names.append(_unique(DISTANCE_COLUMN, taken))
        columns.append(pd.Series(full))
    for name, values in (extra or {}).items():
        values = np.asarray(values)
        if values.shape != row_index.shape:
            raise ValueError(f"column {name!r} {values.shape} must match row_index "
                             f"{row_index.shape}")
        if values.dtype == bool:
            full = pd.array(np.full(n, pd.NA, dtype=object), dtype="boolean")
            full[row_index] = values
        else:
            full = np.full(n, np.nan)
            full[row_index] = values.astype(np.float64)
        names.append(neutralize(_unique(str(name), taken)))
        columns.append(pd.Series(full))
    names.append(_unique(STATUS_COLUMN, taken))
    columns.append(pd.Series(status_column, dtype=object))
    return _write_csv(names, columns, bom)


def centroids_csv(
    centers_original_units: np.ndarray,
    feature_names: list[str],
    *,
    sizes: np.ndarray | None = None,
    bom: bool = True,
) -> bytes:
    """Centroids in the original feature units, one row per cluster, as CSV bytes.

    Parameters
    ----------
    centers_original_units : array-like of shape (n_clusters, n_features)
        From :meth:`Prepared.to_original_units`.
    feature_names : list of str of length n_features
    sizes : array-like of shape (n_clusters,), optional
        Points in each cluster, written as a ``size`` column.
    bom : bool, default True

    Returns
    -------
    bytes
        Columns ``cluster``, the features (neutralised names), and ``size`` if given.
    """
    centers = np.asarray(centers_original_units, dtype=np.float64)
    if centers.ndim != 2 or centers.shape[1] != len(feature_names):
        raise ValueError(
            f"centers of shape {centers.shape} must be (n_clusters, {len(feature_names)})"
        )
    data = {0: np.arange(len(centers))}
    for j in range(centers.shape[1]):
        data[j + 1] = centers[:, j]
    headers = [CLUSTER_COLUMN] + [str(f) for f in feature_names]
    if sizes is not None:
        sizes = np.asarray(sizes)
        if sizes.shape != (len(centers),):
            raise ValueError(f"sizes {sizes.shape} must be ({len(centers)},)")
        data[len(data)] = sizes.astype(np.int64)
        headers.append("size")
    taken: set[str] = set()
    names = [neutralize(_unique(h, taken)) for h in headers]
    return _write_csv(names, [pd.Series(v) for v in data.values()], bom)


def _plain(value: object) -> object:
    """Convert to JSON-safe plain values; NaN and infinities become null."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [_plain(v) for v in items]
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return value.isoformat()
    if isinstance(value, PurePath):
        return str(value)
    return str(value)


def settings_json(settings: dict) -> bytes:
    """The run's settings as pretty, sorted UTF-8 JSON.

    numpy scalars and arrays become plain numbers and lists, NaN/inf become ``null``,
    anything else unknown becomes its string form, so this never fails on odd values.
    """
    if not isinstance(settings, Mapping):
        raise TypeError(f"settings must be a mapping, got {type(settings).__name__}")
    text = json.dumps(
        _plain(settings), indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False
    )
    return (text + "\n").encode("utf-8")
