"""Everything the replay chart needs from a run, in plot coordinates (no drawing here).

The run figure draws the rows a :class:`~clustering.view.DrawableRun` kept per-step labels
for, in a 2-D or 3-D projection; centres and their whole history go through the same
projection, and the axis ranges are fixed from the points *and* every centre position so
nothing jumps between frames.

A view of one feature is a strip: y is a fixed random spread (see
:func:`clustering.view.strip_offsets`), so points do not hide each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clustering.view._drawable import DrawableRun
from clustering.view._projection import Projection, data_bounds
from clustering.view._regions import RegionGrid, region_grids
from clustering.view._timeline import display_steps, is_strip, member_means, strip_offsets


@dataclass(frozen=True)
class ReplayInputs:
    """Arguments of :func:`clustering.figures.timeline_figure` for one run and one view.

    Attributes
    ----------
    rows : ndarray of shape (m,)
        Drawn rows, as positions in the clustered data (``DrawableRun.rows``).
    points : ndarray of shape (m, c)
        Drawn rows in plot coordinates (c = 2 or 3).
    centers : ndarray of shape (n_steps, k, c)
    ranges : list of c (low, high) pairs
    hover_text : list of m lists of str
    true_labels : ndarray of shape (m,) or None
    regions : list of RegionGrid or None
        One per step, only when the plot plane is the clustering space.
    n_total : int
        Rows clustered (so a page can say "showing m of n").
    strip : bool
        One feature shown: y is a fixed random spread with no meaning
        (``clustering.view.STRIP_TITLE``), so points do not hide each other; centres sit
        on y = 0.
    """

    rows: np.ndarray
    points: np.ndarray
    centers: np.ndarray
    ranges: list[tuple[float, float]]
    hover_text: list[list[str]]
    true_labels: np.ndarray | None
    regions: list[RegionGrid] | None
    n_total: int
    strip: bool = False

    def figure_kwargs(self, run: DrawableRun) -> dict:
        """The run's data for ``timeline_figure``, as recorded (phases and iterations as the
        engine counts them; :meth:`timeline_kwargs` is what a page draws)."""
        return {
            "points": self.points,
            "step_labels": run.step_labels,
            "centers": self.centers,
            "phases": run.phase,
            "iterations": run.iteration,
            "objective": run.objective,
            "ranges": self.ranges,
            "hover_text": self.hover_text,
            "true_labels": self.true_labels,
            "regions": self.regions,
        }

    def timeline_kwargs(self, run: DrawableRun) -> dict:
        """Keyword arguments for ``timeline_figure`` as every page draws a run.

        :meth:`figure_kwargs` with the timeline's display steps
        (:func:`clustering.view.display_steps`: the run's last step is in its last
        iteration), the run's centre rule for the caption, and, for the normalised-mean
        rule (cosine), the members' mean positions: a cosine centre is a unit-length
        direction, away from its points, so the cluster is drawn at its members' mean and
        the centre as computed apart. Explore's replay and the Documents map both take it
        from here, so a run is drawn the same way on both pages.

        Parameters
        ----------
        run : DrawableRun
            The run these inputs were projected from.

        Returns
        -------
        dict
            Pass as ``timeline_figure(**kwargs, axis_titles=..., ...)``.
        """
        phases, iterations = display_steps(run.phase, run.iteration, run.n_iter)
        means = (member_means(self.points, run.step_labels, run.n_clusters)
                 if run.center == "normalized-mean" else None)
        return {**self.figure_kwargs(run), "phases": phases, "iterations": iterations,
                "member_means": means, "center_rule": run.center}


def replay_inputs(
    X: np.ndarray,
    run: DrawableRun,
    projection: Projection,
    *,
    hover_text: list[list[str]],
    true_labels: np.ndarray | None = None,
    distance: str = "euclidean",
    regions: bool = False,
) -> ReplayInputs:
    """Project a run's drawn rows and centres for drawing.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        The data k-means ran on.
    run : DrawableRun
    projection : Projection
        Fitted on X; maps (..., d) to (..., c).
    hover_text : list of m lists of str
        Hover lines of each drawn row (``run.rows``), e.g. from
        :func:`clustering.evaluation.hover_lines`.
    true_labels : ndarray of shape (n,), optional
        Shapes points by their true class.
    distance : str
        The run's distance, for the nearest-centre regions.
    regions : bool
        Shade nearest-centre regions; only honoured when the plot plane is the clustering
        space (``projection.is_identity_2d``), because elsewhere they would be wrong.

    Returns
    -------
    ReplayInputs
    """
    rows = run.rows
    if len(hover_text) != len(rows):
        raise ValueError(f"hover_text has {len(hover_text)} entries; expected one per drawn "
                         f"row ({len(rows)})")
    points = projection.transform(X[rows])
    centers = projection.transform(run.step_centers)
    c = points.shape[1]
    strip = is_strip(projection)
    if strip:
        points[:, 1] = strip_offsets(len(rows))
    ranges = data_bounds(np.vstack([points, centers.reshape(-1, c)]))
    if strip:
        ranges[1] = (-1.0, 1.0)
    grids = None
    if regions and projection.is_identity_2d:
        grids = region_grids(run.step_centers, distance, ranges[0], ranges[1])
    return ReplayInputs(
        rows=rows,
        points=points,
        centers=centers,
        ranges=[tuple(r) for r in ranges],
        hover_text=hover_text,
        true_labels=None if true_labels is None else np.asarray(true_labels)[rows],
        regions=grids,
        n_total=X.shape[0],
        strip=strip,
    )
