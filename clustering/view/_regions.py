"""Voronoi regions on a grid: which centre is nearest to each point of the plot plane.

Drawn as shading under the points, these show the rule k-means applies in its assign step.
They are only meaningful when the plot plane *is* the clustering space (two features, no
projection), since a cell is "nearest centre under the run's metric". The figure code only
draws the grids computed here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clustering.engine import pairwise


@dataclass(frozen=True)
class RegionGrid:
    """Nearest-centre label at every cell of a regular grid.

    Attributes
    ----------
    x : ndarray of shape (r,)
        Cell centres along the horizontal axis, increasing.
    y : ndarray of shape (r,)
        Cell centres along the vertical axis, increasing.
    z : ndarray of shape (r, r) int
        ``z[i, j]`` is the index of the centre nearest to ``(x[j], y[i])`` (row = y, as
        plotly's heatmap expects); -1 where the distance is undefined (the origin, for
        cosine).
    """

    x: np.ndarray
    y: np.ndarray
    z: np.ndarray


def _check_range(name: str, r) -> tuple[float, float]:
    lo, hi = (float(v) for v in r)
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"{name}=({lo}, {hi}) must be two finite numbers with low < high")
    return lo, hi


def _cell_centers(lo: float, hi: float, resolution: int) -> np.ndarray:
    step = (hi - lo) / resolution
    return lo + step * (np.arange(resolution) + 0.5)


def region_grid(
    centers: np.ndarray,
    metric: str,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    resolution: int = 120,
) -> RegionGrid:
    """Label every cell of a ``resolution`` x ``resolution`` grid with its nearest centre.

    Parameters
    ----------
    centers : ndarray of shape (k, 2)
        Centres in the plot plane (which must be the clustering space).
    metric : {"euclidean", "manhattan", "cosine"}
        The run's distance; ties go to the lowest centre index, as in the assign step.
    x_range, y_range : (float, float)
        Extent of the grid, normally the figure's fixed axis ranges.
    resolution : int, default=120
        Cells per axis.

    Returns
    -------
    RegionGrid
    """
    centers = np.asarray(centers, dtype=np.float64)
    if centers.ndim != 2 or centers.shape[1] != 2 or centers.shape[0] < 1:
        raise ValueError(f"centers must have shape (k, 2) with k >= 1; got {centers.shape}")
    if int(resolution) < 2:
        raise ValueError(f"resolution={resolution} must be >= 2")
    resolution = int(resolution)
    x = _cell_centers(*_check_range("x_range", x_range), resolution)
    y = _cell_centers(*_check_range("y_range", y_range), resolution)
    gx, gy = np.meshgrid(x, y)  # row i <-> y[i], column j <-> x[j]
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    z = np.full(grid.shape[0], -1, dtype=np.int16)
    defined = np.ones(grid.shape[0], dtype=bool)
    if metric == "cosine":
        # A zero vector has no direction; leave that cell unlabelled rather than fail.
        defined = np.any(grid != 0, axis=1)
    if defined.any():
        z[defined] = np.argmin(pairwise(grid[defined], centers, metric), axis=1)
    return RegionGrid(x=x, y=y, z=z.reshape(resolution, resolution))


def region_grids(
    center_history: np.ndarray,
    metric: str,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    resolution: int = 120,
) -> list[RegionGrid]:
    """:func:`region_grid` for every step of a run.

    Parameters
    ----------
    center_history : ndarray of shape (n_steps, k, 2)
        ``History.centers`` in the plot plane.
    metric, x_range, y_range, resolution
        As in :func:`region_grid`.

    Returns
    -------
    grids : list of RegionGrid, length n_steps
        A step whose centres equal the previous step's (every assign step) shares the
        previous grid object.
    """
    center_history = np.asarray(center_history, dtype=np.float64)
    if center_history.ndim != 3 or center_history.shape[2] != 2:
        raise ValueError(
            f"center_history must have shape (n_steps, k, 2); got {center_history.shape}"
        )
    grids: list[RegionGrid] = []
    for s, centers in enumerate(center_history):
        if s > 0 and np.array_equal(centers, center_history[s - 1]):
            grids.append(grids[-1])
        else:
            grids.append(region_grid(centers, metric, x_range, y_range, resolution))
    return grids
