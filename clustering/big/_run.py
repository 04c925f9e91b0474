"""What a fit over a big table leaves behind: one summary, the same for every engine."""

from __future__ import annotations

import platform
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata

import numpy as np
import pandas as pd

#: Name of the label column in a run's display sample.
CLUSTER_COLUMN = "cluster"
#: Rows kept in the labelled display sample by default (the charts draw at most 5,000).
DEFAULT_SAMPLE_SIZE = 5_000
SCALES = ("standard", "none")


@dataclass(frozen=True)
class Progress:
    """Where a fit is, reported after every batch (streaming) or stage (Spark).

    Attributes
    ----------
    stage : str
        ``"scan"`` (counting rows, fitting the scaler), ``"fit"``, ``"final"`` (inertia,
        counts, means, sample) or, for Spark, the name of the running step.
    step : int
        1-based number of the pass or step.
    steps : int
        Most passes or steps the fit can take (it may stop earlier).
    done : int
        Rows (or tasks, for Spark) done in this step.
    total : int or None
        Rows (or tasks) in this step when known.
    """

    stage: str
    step: int
    steps: int
    done: int
    total: int | None


ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True, eq=False)
class RunSummary:
    """A k-means fit over a whole table, whatever engine ran it.

    Attributes
    ----------
    engine : {"stream", "spark"}
    method : str
        ``"minibatch"`` or ``"lloyd"`` (streaming), ``"k-means||"`` (Spark).
    settings : dict
        Plain values that reproduce the run (source, n_clusters, scale, seed, max_iter, tol,
        batch_size or master...).
    versions : dict of str to str
        Python and library versions that ran it.
    columns : tuple of str of length d
        The fitted columns, in order.
    n_rows : int
        Rows used by the fit.
    n_skipped : int
        Rows left out because a fitted column was missing or not finite there.
    scale_mean, scale_std : ndarray of shape (d,) or None
        The standard scaler (population standard deviation; 1 for a constant column), or None
        when the columns were used as they are.
    centers_scaled : ndarray of shape (k, d)
        Centers in the space the fit ran in.
    centers : ndarray of shape (k, d)
        The same centers in the table's own units.
    means : ndarray of shape (k, d)
        Mean of the rows assigned to each center, in the table's units (NaN for an empty
        cluster).
    counts : ndarray of shape (k,) int
        Rows assigned to each center.
    inertia : float
        Sum of squared distances of every used row to its center, in the fitted space.
    n_iter : int
        Iterations (streaming: passes over the table) the fit ran.
    converged : bool
        Whether it stopped because the centers stopped moving, not at ``max_iter``.
    cost_history : tuple of float or None
        Objective at each iteration where the engine gives it (exact Lloyd passes), else None.
    shift_history : tuple of float or None
        Squared movement of the centers at each iteration where known, else None.
    sample : DataFrame of shape (m, d + 1)
        A seeded sample of used rows in the table's units, with their ``cluster``.
    timings : tuple of (str, float)
        Seconds taken by each pass or step, in order.
    """

    engine: str
    method: str
    settings: dict
    versions: dict
    columns: tuple[str, ...]
    n_rows: int
    n_skipped: int
    scale_mean: np.ndarray | None
    scale_std: np.ndarray | None
    centers_scaled: np.ndarray
    centers: np.ndarray
    means: np.ndarray
    counts: np.ndarray
    inertia: float
    n_iter: int
    converged: bool
    cost_history: tuple[float | None, ...]
    shift_history: tuple[float | None, ...]
    sample: pd.DataFrame
    timings: tuple[tuple[str, float], ...] = field(default=())

    @property
    def n_clusters(self) -> int:
        return int(self.centers.shape[0])

    def scale(self, X: np.ndarray) -> np.ndarray:
        """Rows in the table's units, shape (m, d), moved into the fitted space."""
        X = np.asarray(X, dtype=np.float64)
        if self.scale_mean is None:
            return X
        return (X - self.scale_mean) / self.scale_std


def check_int(name: str, value, low: int, high: int) -> None:
    """Refuse ``value`` unless it is an integer (not a bool) from ``low`` to ``high``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not (
            low <= value <= high):
        raise ValueError(f"{name}={value!r} should be an integer from {low} to {high:,}.")


def versions(*extra: str) -> dict[str, str]:
    """Python, the project and the libraries a fit used, by name."""
    found = {"python": platform.python_version()}
    for name in ("cluster-explorer", "numpy", "scikit-learn", "pyarrow", *extra):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found
