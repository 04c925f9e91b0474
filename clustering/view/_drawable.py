"""A k-means run reduced to what the pages draw and measure, for caching.

A :class:`~clustering.engine.History` keeps per-step labels under a 64 MB budget, which is
right for the engine's record but wrong for a cache that copies its values on every read: a
1,000,000-row run would unpickle up to 64 MB of labels on every rerun of the page, to draw
5,000 of them. :class:`DrawableRun` keeps the centres and objective of every step, the
per-step labels of the drawn rows only, and the final labels once (the metrics, profiles,
downloads and what-if comparison need every row's cluster).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clustering.engine import KMeansResult
from clustering.view._display import MAX_DRAWN_POINTS, display_rows, label_positions

__all__ = ["DrawableRun", "drawable_run"]


# eq=False: field-wise == on arrays is ambiguous; identity is what callers need.
@dataclass(frozen=True, eq=False)
class DrawableRun:
    """What the pages use from one k-means run (see the module docstring).

    Attributes
    ----------
    labels : ndarray of shape (n,)
        Final cluster of every row.
    centers : ndarray of shape (n_clusters, d)
        Final centres, in the space k-means ran in.
    inertia : float
        Final objective.
    n_iter : int
        Lloyd iterations run.
    center : str
        The centre rule used.
    phase : tuple of str, length n_steps
        ``"init"``, then ``"assign"`` / ``"update"`` (see :class:`clustering.engine.History`).
    iteration : ndarray of int, shape (n_steps,)
    objective : ndarray of shape (n_steps,)
        Objective at each step; nan at init.
    step_centers : ndarray of shape (n_steps, n_clusters, d)
        Centres in effect at each step.
    rows : ndarray of int, shape (m,)
        Rows drawn (sorted positions in the clustered data), m <= the drawing limit.
    step_labels : ndarray of shape (n_steps, m)
        Labels of ``rows`` at each step, -1 at init.
    """

    labels: np.ndarray
    centers: np.ndarray
    inertia: float
    n_iter: int
    center: str
    phase: tuple[str, ...]
    iteration: np.ndarray
    objective: np.ndarray
    step_centers: np.ndarray
    rows: np.ndarray
    step_labels: np.ndarray

    @property
    def n_steps(self) -> int:
        """Number of recorded half-steps."""
        return len(self.phase)

    @property
    def n_rows(self) -> int:
        """Rows clustered."""
        return len(self.labels)

    @property
    def n_clusters(self) -> int:
        return self.centers.shape[0]


def drawable_run(result: KMeansResult, max_points: int = MAX_DRAWN_POINTS) -> DrawableRun:
    """Reduce a run with history to what is drawn (see the module docstring).

    Parameters
    ----------
    result : KMeansResult
        A run fitted with ``history=True``.
    max_points : int, default=MAX_DRAWN_POINTS
        Most rows whose per-step labels are kept; they are chosen by
        :func:`clustering.view.display_rows` from the rows the history kept labels for.

    Returns
    -------
    DrawableRun
        Its arrays are read-only copies, independent of ``result``.
    """
    history = result.history
    if history is None:
        raise ValueError("result has no history; fit with history=True to draw it")
    n = len(result.labels)
    rows = display_rows(n, max_points, label_rows=history.label_rows)
    positions = label_positions(rows, history.label_rows)
    arrays = {
        "labels": np.array(result.labels),
        "centers": np.array(result.centers, dtype=np.float64),
        "iteration": np.array(history.iteration),
        "objective": np.array(history.objective),
        "step_centers": np.array(history.centers),
        "rows": np.array(rows),
        "step_labels": np.ascontiguousarray(history.labels[:, positions]),
    }
    for a in arrays.values():
        a.flags.writeable = False
    return DrawableRun(inertia=float(result.inertia), n_iter=int(result.n_iter),
                       center=result.center, phase=tuple(history.phase), **arrays)
