"""Which rows the charts draw: all of them, or a fixed seeded sample of a large table.

Drawing is bounded, clustering is not: k-means always runs on every row, but a browser
chart with a hundred thousand markers per animation frame is slow to send and to draw. The
sample is seeded so the same data always shows the same points, and sorted so drawn rows
keep the table's order.
"""

from __future__ import annotations

import numpy as np

from clustering.sampling import sample_rows

MAX_DRAWN_POINTS = 5000
"""Most points drawn in one chart. Above this, a seeded sample of this size is drawn (and
the page says so); the clustering and the metrics still use all rows."""


def display_rows(
    n_rows: int,
    max_points: int = MAX_DRAWN_POINTS,
    *,
    label_rows: np.ndarray | None = None,
    random_state=0,
) -> np.ndarray:
    """Rows of the data to draw.

    Parameters
    ----------
    n_rows : int
        Number of rows the clustering ran on.
    max_points : int, default=MAX_DRAWN_POINTS
        Most rows to return.
    label_rows : ndarray of shape (m,) int or None
        ``History.label_rows``: the rows the run's per-step labels were kept for, when the
        history kept only a sample. Drawn rows are then taken from these, so every drawn
        point has a label at every step. ``None`` means labels were kept for all rows.
    random_state : int, RandomState instance or None, default=0
        Seed of the sample; the default keeps the drawn rows the same across reruns.

    Returns
    -------
    rows : ndarray of shape (min(pool, max_points),) int
        Sorted row positions (into the data the clustering ran on). ``pool`` is ``n_rows``
        or ``len(label_rows)``.
    """
    if n_rows < 0:
        raise ValueError(f"n_rows={n_rows} must be >= 0")
    if max_points < 1:
        raise ValueError(f"max_points={max_points} must be >= 1")
    if label_rows is None:
        pool = np.arange(n_rows)
    else:
        pool = np.unique(np.asarray(label_rows, dtype=np.intp))
        if pool.size and (pool[0] < 0 or pool[-1] >= n_rows):
            raise ValueError(
                f"label_rows must lie in [0, {n_rows}); got range [{pool[0]}, {pool[-1]}]"
            )
    if pool.size <= max_points:
        return pool
    return sample_rows(pool, max_points, random_state)


def label_positions(rows: np.ndarray, label_rows: np.ndarray | None) -> np.ndarray:
    """Columns of ``History.labels`` that hold the labels of ``rows``.

    Parameters
    ----------
    rows : ndarray of shape (r,) int
        Rows to draw, as returned by :func:`display_rows` (a subset of ``label_rows``).
    label_rows : ndarray of shape (m,) int or None
        ``History.label_rows``; ``None`` means the labels cover every row in order.

    Returns
    -------
    positions : ndarray of shape (r,) int
        ``history.labels[:, positions]`` are the per-step labels of ``rows``.
    """
    rows = np.asarray(rows, dtype=np.intp)
    if label_rows is None:
        return rows
    label_rows = np.asarray(label_rows, dtype=np.intp)
    if label_rows.size == 0:
        if rows.size:
            raise ValueError(f"label_rows is empty but {rows.size} rows were asked for")
        return rows
    order = np.argsort(label_rows, kind="stable")
    found = np.searchsorted(label_rows, rows, sorter=order)
    found = np.minimum(found, len(label_rows) - 1)
    positions = order[found]
    missing = label_rows[positions] != rows
    if missing.any():
        raise ValueError(
            f"{int(missing.sum())} of the rows have no kept labels (first: row "
            f"{int(rows[missing][0])}); draw rows from display_rows(..., label_rows=...)"
        )
    return positions
