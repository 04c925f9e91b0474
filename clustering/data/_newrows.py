"""New rows through a fitted preparation: the scaler and the encoder are reused, never refitted.

:func:`prepare_new_rows` turns a second table with the same feature columns into points of the
clustering space of an existing :class:`~clustering.data.Prepared`, so they can be assigned to
that run's clusters. Differences that make this impossible (a feature column missing, numbers
that arrive as text, dates) are refused with one sentence naming the columns; smaller ones
(extra columns, missing cells, unseen levels) are done and reported in ``notes``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from clustering.data._encode import describe_unseen
from clustering.data._prepare import Prepared, read_numbers
from clustering.io import TableError, join_names

__all__ = ["NewRows", "prepare_new_rows"]


# eq=False: holds arrays.
@dataclass(frozen=True, eq=False)
class NewRows:
    """Rows of a second table in the clustering space of a fitted preparation.

    Attributes
    ----------
    X : ndarray of shape (m, n_features), float64
        Prepared rows, comparable with the fitted ``Prepared.X``.
    row_index : ndarray of shape (m,), int64
        Position in the new table of each prepared row.
    n_rows : int
        Rows in the new table.
    notes : list of str
        Plain sentences: ignored columns, missing cells dropped or filled, unseen levels.
    """

    X: np.ndarray
    row_index: np.ndarray
    n_rows: int
    notes: list[str] = field(default_factory=list)

    @property
    def n_dropped(self) -> int:
        return self.n_rows - len(self.row_index)


def prepare_new_rows(prepared: Prepared, frame: pd.DataFrame,
                     known_columns: Sequence[str] | None = None) -> NewRows:
    """Prepare a second table exactly as ``prepared`` prepared the clustered one.

    Parameters
    ----------
    prepared : Prepared
        The fitted preparation of the clustered table.
    frame : DataFrame of shape (n_rows, ...)
        The new table; it needs every feature column, by name, in any order.
    known_columns : sequence of str, optional
        The clustered table's columns; new columns outside it are named in a note.

    Returns
    -------
    NewRows

    Raises
    ------
    TableError
        A feature column is missing, holds text where numbers were clustered (or dates), or
        no row is left; one sentence naming the columns.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a pandas DataFrame, got {type(frame).__name__}")
    if not frame.columns.is_unique:
        dupes = sorted({str(c) for c in frame.columns[frame.columns.duplicated()]})
        raise TableError(f"The new table repeats the column names {join_names(dupes)}.")
    numeric = list(prepared.numeric_features)
    categories = list(prepared.categorical_features)
    needed = numeric + categories
    absent = [c for c in needed if c not in frame.columns]
    if absent:
        raise TableError(
            f"The new table has no column {join_names(absent)}, which the clustering uses as "
            f"{'a feature' if len(absent) == 1 else 'features'}; add "
            f"{'it' if len(absent) == 1 else 'them'} with the same name."
        )
    notes: list[str] = []
    if known_columns is not None:
        extra = [c for c in frame.columns if c not in set(known_columns)]
        if extra:
            notes.append(f"The new table has {len(extra):,} column{'s' * (len(extra) != 1)} "
                         f"the clustered table does not ({join_names(extra)}); "
                         f"{'it is' if len(extra) == 1 else 'they are'} not used.")
    n = len(frame)
    if n == 0:
        raise TableError("The new table has no rows.")
    X = _numbers(frame, numeric, notes)
    keep = np.ones(n, dtype=bool)
    if prepared.missing == "drop":
        keep &= ~np.isnan(X).any(axis=1)
        if categories:
            keep &= frame[categories].notna().to_numpy().all(axis=1)
        if not keep.any():
            raise TableError("Every row of the new table has a missing value in the features, "
                             "so none can be assigned.")
        if not keep.all():
            notes.append(f"{int((~keep).sum()):,} of {n:,} new rows have a missing value in "
                         "the features and are left unassigned.")
    elif numeric and np.isnan(X).any():
        nan = np.isnan(X)
        X = np.where(nan, prepared._fill[None, :], X)
        notes.append(f"Filled {int(nan.sum()):,} missing value{'s' * (int(nan.sum()) != 1)} in "
                     f"the new rows with the clustered table's column {prepared.missing}.")
    row_index = np.flatnonzero(keep).astype(np.int64)
    X = X[row_index]
    if prepared._scaler is not None and numeric:
        X = prepared._scaler.transform(X / prepared._factor)
    if categories:
        block, unseen = prepared.encoding.transform(frame.iloc[row_index][categories])
        if (sentence := describe_unseen(unseen, len(row_index))) is not None:
            notes.append(sentence)
        X = np.hstack([X, block])
    X = np.ascontiguousarray(X + 0.0, dtype=np.float64)
    return NewRows(X=X, row_index=row_index, n_rows=n, notes=notes)


def _numbers(frame: pd.DataFrame, numeric: list[str], notes: list[str]) -> np.ndarray:
    """The numeric features as float64 (NaN where missing), read as the clustered table was;
    refuses text and dates."""
    numbers = read_numbers(frame, numeric)
    if numbers.text or numbers.dates:
        bad = numbers.text + numbers.dates
        kind = ("text or dates" if numbers.text and numbers.dates
                else "dates" if numbers.dates else "text")
        raise TableError(
            f"{join_names(bad)} {'holds' if len(bad) == 1 else 'hold'} {kind} in the new "
            "table but numbers in the clustered one; fix the column types and upload again."
        )
    notes.extend(numbers.notes)
    return numbers.X
