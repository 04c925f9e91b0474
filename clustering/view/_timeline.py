"""How the run's timeline is computed (nothing drawn here): its steps, axis titles, positions.

How a timeline counts its steps (:func:`display_steps`), honest axis titles
(:func:`axis_titles`: a standardised feature says "z-score"), where each cluster's members are
on average (:func:`member_means`, for centre rules whose centre is not among its points), the
spread of a one-feature strip (:func:`strip_offsets`), and where a centre dropped on the plot
lands in the clustering space (:func:`lift_point`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from clustering.view._projection import NO_AXIS_TITLE, Projection

__all__ = ["FINAL_PHASE", "SCALED_UNITS", "STRIP_TITLE", "axis_titles", "converged",
           "display_steps", "is_strip", "lift_point", "member_means", "stop_reason",
           "strip_offsets"]


FINAL_PHASE = "final"
"""Display phase of the re-assign a run makes after stopping on the tolerance (the engine
records it as an ``"assign"`` of iteration ``n_iter + 1``)."""

STRIP_TITLE = "(random spread, no meaning)"
"""Title of the y axis of a one-feature strip."""

#: What an axis plotting a scaled feature measures, by ``prepare``'s scaling name.
SCALED_UNITS = {
    "standard": "z-score",
    "minmax": "scaled 0 to 1",
    "robust": "robust-scaled",
}
_UNIT = re.compile(r"\s*\([^()]*\)\s*$")


def display_steps(phase: Sequence[str], iteration: Sequence[int], n_iter: int
                  ) -> tuple[tuple[str, ...], np.ndarray]:
    """Phase and iteration of every step as a timeline names them.

    Steps are counted one way everywhere: step ``s`` of ``n_steps - 1``, 0 being the start.
    The re-assign after a stop on the tolerance becomes :data:`FINAL_PHASE` of iteration
    ``n_iter`` (so the last step, the banner and the iteration count agree); everything
    else is as recorded.

    Parameters
    ----------
    phase : sequence of str, length n_steps
    iteration : sequence of int, length n_steps
    n_iter : int
        The run's iteration count (``KMeansResult.n_iter``).

    Returns
    -------
    phase : tuple of str
    iteration : ndarray of int, shape (n_steps,)
    """
    if len(phase) != len(iteration):
        raise ValueError(f"phase has {len(phase)} steps, iteration {len(iteration)}")
    phases = list(phase)
    its = np.asarray(iteration, dtype=np.int64).copy()
    if phases and phases[-1] == "assign" and its[-1] > n_iter:
        phases[-1] = FINAL_PHASE
        its[-1] = n_iter
    return tuple(phases), its


def stop_reason(phase: Sequence[str], n_iter: int, max_iter: int) -> str:
    """Why a run ended, in words for its timeline's last caption.

    Parameters
    ----------
    phase : sequence of str, length n_steps
        The run's recorded phases (:attr:`DrawableRun.phase`).
    n_iter : int
        Iterations run.
    max_iter : int
        The run's iteration cap.

    Returns
    -------
    str
        "converged: no point changed cluster" (an update changed nothing), "converged: the
        centres moved less than the tolerance", or "stopped at the iteration cap (...)".
    """
    if not converged(phase, n_iter, max_iter):
        return f"stopped at the iteration cap (max_iter={max_iter})"
    if phase[-1] == "update":
        return "converged: no point changed cluster"
    return "converged: the centres moved less than the tolerance"


def converged(phase: Sequence[str], n_iter: int, max_iter: int) -> bool:
    """Whether a run converged (an update changed nothing, or it stopped on the tolerance
    before its cap) rather than being stopped by ``max_iter``; arguments as
    :func:`stop_reason`."""
    if not len(phase):
        raise ValueError("phase is empty: a run has at least its init step")
    return phase[-1] == "update" or n_iter < max_iter


def axis_titles(projection: Projection, scaling: str = "none") -> list[str]:
    """Axis titles that say what is plotted.

    Raw features keep their name when unscaled; a scaled one has its unit replaced by the
    scaling's (``"petal length (cm)"`` standardised is ``"petal length (z-score)"``). PCA
    axes keep their share of the variance (``"PC1 (72.8%)"``: a combination of the
    clustered, maybe scaled, features; the page says which). A one-feature strip's y axis is
    :data:`STRIP_TITLE`.
    """
    unit = SCALED_UNITS.get(scaling)
    titles = []
    for i, title in enumerate(projection.axis_titles):
        if title == NO_AXIS_TITLE:
            titles.append(STRIP_TITLE if i == 1 and is_strip(projection) else title)
        elif projection.method == "pca":
            titles.append(title)  # "PC1 (72.8%)": of whatever was clustered, said beside
        elif unit:
            titles.append(f"{_UNIT.sub('', title) or title} ({unit})")
        else:
            titles.append(title)
    return titles


def is_strip(projection: Projection) -> bool:
    """True for a 2-D view showing one feature (the y axis carries no data)."""
    return (projection.n_components == 2 and projection.features is not None
            and len(projection.features) == 1)


def strip_offsets(m: int, seed: int = 0) -> np.ndarray:
    """Fixed y positions in [-0.8, 0.8] for ``m`` points of a strip (the same every run)."""
    rng = np.random.default_rng(seed)
    return rng.uniform(-0.8, 0.8, size=m)


def member_means(points: np.ndarray, step_labels: np.ndarray, n_clusters: int) -> np.ndarray:
    """Mean plot position of each cluster's drawn members at every step.

    For a centre rule whose centre is not the mean of its points in the plot (normalised
    mean for cosine: a unit-length direction), this is where the cluster sits on screen.

    Parameters
    ----------
    points : ndarray of shape (m, c)
    step_labels : ndarray of shape (n_steps, m), -1 for unassigned
    n_clusters : int

    Returns
    -------
    ndarray of shape (n_steps, n_clusters, c)
        NaN for a cluster with no drawn member at a step.
    """
    points = np.asarray(points, dtype=np.float64)
    labels = np.asarray(step_labels)
    if labels.ndim != 2 or labels.shape[1] != len(points):
        raise ValueError(f"step_labels must have shape (n_steps, {len(points)}); got "
                         f"{labels.shape}")
    out = np.full((labels.shape[0], n_clusters, points.shape[1]), np.nan)
    for s, lab in enumerate(labels):
        ok = lab >= 0
        counts = np.bincount(lab[ok], minlength=n_clusters)[:n_clusters]
        for c in range(points.shape[1]):
            sums = np.bincount(lab[ok], weights=points[ok, c], minlength=n_clusters)
            with np.errstate(invalid="ignore", divide="ignore"):
                out[s, :, c] = np.where(counts > 0, sums[:n_clusters] / counts, np.nan)
    return out


def lift_point(projection: Projection, center: np.ndarray, plot_xy: Sequence[float]
               ) -> np.ndarray:
    """Where a centre dropped at ``plot_xy`` on a 2-D view lands in the clustering space.

    What the view shows changes to the dropped position; what it does not show stays as it
    was (raw features: the unshown features; PCA: the part of the centre off the plane). So
    dropping a centre where it already is changes nothing.

    Parameters
    ----------
    projection : Projection
        A 2-D view.
    center : ndarray of shape (d,)
        The centre before the move, in the clustering space.
    plot_xy : sequence of 2 floats
        The drop position in plot coordinates (a strip uses only x).

    Returns
    -------
    ndarray of shape (d,)
    """
    center = np.asarray(center, dtype=np.float64)
    p = np.asarray(plot_xy, dtype=np.float64)
    if projection.n_components != 2 or p.shape != (2,) or not np.isfinite(p).all():
        raise ValueError(f"a drop needs a 2-D view and 2 finite coordinates; got "
                         f"{projection.n_components}-D and {p.tolist()}")
    if center.shape != (projection.n_features_in,):
        raise ValueError(f"center must have {projection.n_features_in} values; got "
                         f"{center.shape}")
    out = center.copy()
    if projection.features is not None:
        for axis, col in enumerate(projection.features):
            out[col] = p[axis]
        return out
    return out + (p - projection.transform(center)) @ projection.components
