"""Outliers of a clustering: rows far from their own centre, relative to their cluster.

Every row gets its distance to its own centre (the run's distance, not squared) and a
**score**: that distance divided by its cluster's median distance, so 1 is a typical member,
3 is three times as far out as a typical member, whatever the cluster's size or spread. A
cluster whose median distance is 0 (more than half its rows sit on the centre) is scaled by
its mean distance instead, and by 1 when every member sits on the centre.

Rows are flagged either by **share** (the top ``share`` of all rows by score, at least one
row; rows tied with the last flagged one are flagged too) or by **threshold** (score at or
above it). Either way the rule ends as a cut on the score, :attr:`Outliers.cut`, which is
what new rows are held to (:func:`assign_new_rows`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from clustering.engine import pairwise

__all__ = ["OUTLIER_RULES", "NewAssignment", "Outliers", "assign_new_rows", "find_outliers"]

#: How rows are flagged: the top share of rows, or a score threshold.
OUTLIER_RULES = ("share", "threshold")


# eq=False: holds arrays.
@dataclass(frozen=True, eq=False)
class Outliers:
    """Per-row distances, scores and flags of one run.

    Attributes
    ----------
    distance : ndarray of shape (n,)
        Distance of each row to its own centre.
    score : ndarray of shape (n,)
        ``distance / scale[label]``.
    scale : ndarray of shape (n_clusters,)
        Each cluster's median distance (see the module docstring for the fallbacks).
    flagged : ndarray of bool, shape (n,)
    cut : float
        Rows with ``score >= cut`` are flagged (``inf`` when none is).
    rule : {"share", "threshold"}
    value : float
        The share (0 to 1) or the threshold.
    """

    distance: np.ndarray
    score: np.ndarray
    scale: np.ndarray
    flagged: np.ndarray
    cut: float
    rule: str
    value: float

    @property
    def rows(self) -> np.ndarray:
        """Positions of the flagged rows, highest score first, shape (n_flagged,)."""
        flagged = np.flatnonzero(self.flagged)
        return flagged[np.argsort(-self.score[flagged], kind="stable")]

    def describe(self) -> str:
        """One sentence: how many rows are flagged and by which rule."""
        n, m = len(self.score), int(self.flagged.sum())
        how = (f"the top {100 * self.value:.3g}% of rows by score" if self.rule == "share"
               else f"score at least {self.value:g}")
        if m == 0:
            return f"No row is flagged ({how})."
        return (f"{m:,} of {n:,} rows flagged ({how}; cut at {self.cut:.3g} times the "
                "cluster's median distance).")


def find_outliers(X, centers, labels, distance: str = "euclidean", *, rule: str = "share",
                  value: float = 0.01) -> Outliers:
    """Distances, scores and flags for the rows of a clustering.

    Parameters
    ----------
    X : array-like of shape (n, d)
        The data the run clustered.
    centers : array-like of shape (n_clusters, d)
    labels : array-like of int, shape (n,)
    distance : {"euclidean", "manhattan", "cosine"}
    rule : {"share", "threshold"}, default "share"
    value : float, default 0.01
        For "share", the fraction of rows to flag, in (0, 1]; for "threshold", the score
        cut, > 0.

    Returns
    -------
    Outliers
    """
    if rule not in OUTLIER_RULES:
        raise ValueError(f"rule={rule!r} must be one of {OUTLIER_RULES}")
    value = float(value)
    if rule == "share" and not 0 < value <= 1:
        raise ValueError(f"share={value!r} must be in (0, 1]")
    if rule == "threshold" and not (value > 0 and math.isfinite(value)):
        raise ValueError(f"threshold={value!r} must be a finite number > 0")
    X = np.asarray(X, dtype=np.float64)
    centers = np.asarray(centers, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.int64)
    if X.ndim != 2 or labels.shape != (X.shape[0],):
        raise ValueError(f"X {X.shape} and labels {labels.shape} must be (n, d) and (n,)")
    if labels.size and (labels.min() < 0 or labels.max() >= len(centers)):
        raise ValueError(f"labels must lie in 0 .. {len(centers) - 1}")
    dist = _own_distance(X, centers, labels, distance)
    scale = _cluster_scale(dist, labels, len(centers))
    score = dist / scale[labels]
    cut = _cut(score, rule, value)
    return Outliers(distance=dist, score=score, scale=scale, flagged=score >= cut, cut=cut,
                    rule=rule, value=value)


# eq=False: holds arrays.
@dataclass(frozen=True, eq=False)
class NewAssignment:
    """New rows assigned to a run's clusters.

    Attributes
    ----------
    labels : ndarray of int, shape (m,)
        Nearest centre (ties: the lowest index).
    distance, score : ndarray of shape (m,)
        As :class:`Outliers`, scaled by the clustered rows' cluster medians.
    flagged : ndarray of bool, shape (m,)
        ``score >= outliers.cut``.
    """

    labels: np.ndarray
    distance: np.ndarray
    score: np.ndarray
    flagged: np.ndarray


def assign_new_rows(X_new, centers, distance: str, outliers: Outliers) -> NewAssignment:
    """Assign prepared new rows to the nearest centre and hold them to the run's outlier cut.

    Parameters
    ----------
    X_new : array-like of shape (m, d)
        Rows prepared with the run's fitted preparation
        (:func:`clustering.data.prepare_new_rows`).
    centers : array-like of shape (n_clusters, d)
    distance : {"euclidean", "manhattan", "cosine"}
    outliers : Outliers
        Of the run, for the cluster scales and the cut.

    Returns
    -------
    NewAssignment
    """
    D = pairwise(X_new, centers, distance)
    labels = np.argmin(D, axis=1)
    dist = D[np.arange(len(labels)), labels]
    score = dist / outliers.scale[labels]
    return NewAssignment(labels=labels, distance=dist, score=score,
                         flagged=score >= outliers.cut)


def _own_distance(X, centers, labels, distance) -> np.ndarray:
    out = np.empty(X.shape[0])
    # One centre at a time keeps memory at O(n) instead of an (n, k) matrix.
    for j in range(len(centers)):
        members = np.flatnonzero(labels == j)
        if members.size:
            out[members] = pairwise(X[members], centers[j : j + 1], distance)[:, 0]
    return out


def _cluster_scale(dist: np.ndarray, labels: np.ndarray, n_clusters: int) -> np.ndarray:
    scale = np.ones(n_clusters)
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(n_clusters + 1))
    for j in range(n_clusters):
        members = dist[order[bounds[j] : bounds[j + 1]]]
        if members.size == 0:
            continue
        median = float(np.median(members))
        mean = float(members.mean())
        scale[j] = median if median > 0 else mean if mean > 0 else 1.0
    return scale


def _cut(score: np.ndarray, rule: str, value: float) -> float:
    if rule == "threshold":
        return value
    n = score.size
    if n == 0:
        return math.inf
    m = min(n, max(1, math.ceil(value * n - 1e-9)))
    # The m-th largest score; rows tied with it are flagged too.
    return float(np.partition(score, n - m)[n - m])
