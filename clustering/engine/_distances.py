"""Distances between points and centres, and the k-means objective they induce.

Every distance is a plain function ``f(X, C) -> D`` with ``X`` of shape (n, d), ``C`` of shape
(k, d) and ``D`` of shape (n, k), collected in the registry :data:`DISTANCES`.

The objective k-means minimises is the sum, over points, of a per-point *term* of the distance
to the point's own centre (:func:`objective_terms`):

==========  =====================================  ===================================
metric      distance ``dist(x, c)``                objective term
==========  =====================================  ===================================
euclidean   ``sqrt(sum_f (x_f - c_f)**2)``         ``dist**2`` (squared, as k-means)
manhattan   ``sum_f |x_f - c_f|``                  ``dist`` (L1)
cosine      ``1 - x.c / (||x|| ||c||)``            ``dist`` (1 - cosine similarity)
==========  =====================================  ===================================

The centre rule that minimises each objective is :data:`DEFAULT_CENTER`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.spatial.distance import cdist

__all__ = [
    "DEFAULT_CENTER",
    "DISTANCES",
    "assign",
    "check_cosine_rows",
    "check_metric",
    "cosine",
    "euclidean",
    "manhattan",
    "objective_terms",
    "pairwise",
    "term_from_distance",
    "unit_rows",
]

# Rows are processed in blocks of this many so temporaries of shape (block, k) stay small.
_BLOCK_ROWS = 8192


def euclidean(X: np.ndarray, C: np.ndarray) -> np.ndarray:
    """Euclidean distance ``sqrt(sum_f (x_f - c_f)**2)``.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    C : ndarray of shape (k, d)

    Returns
    -------
    D : ndarray of shape (n, k)
    """
    return cdist(X, C, metric="euclidean")


def manhattan(X: np.ndarray, C: np.ndarray) -> np.ndarray:
    """Manhattan (L1, city-block) distance ``sum_f |x_f - c_f|``.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    C : ndarray of shape (k, d)

    Returns
    -------
    D : ndarray of shape (n, k)
    """
    return cdist(X, C, metric="cityblock")


def unit_rows(A: np.ndarray) -> np.ndarray:
    """Rows of ``A`` scaled to unit Euclidean length (all-zero rows left as they are)."""
    norms = np.sqrt(np.einsum("ij,ij->i", A, A))
    # A zero row has no direction; callers that accept data reject it earlier
    # (check_cosine_rows). For centres it yields similarity 0, i.e. distance 1.
    norms[norms == 0] = 1.0
    return A / norms[:, None]


def cosine(X: np.ndarray, C: np.ndarray) -> np.ndarray:
    """Cosine distance ``1 - x.c / (||x|| ||c||)``, in [0, 2].

    Parameters
    ----------
    X : ndarray of shape (n, d)
        No row may be all zeros (see :func:`check_cosine_rows`).
    C : ndarray of shape (k, d)

    Returns
    -------
    D : ndarray of shape (n, k)
    """
    D = 1.0 - unit_rows(X) @ unit_rows(C).T
    # Rounding can push 1 - cos a hair below 0 for identical directions.
    np.maximum(D, 0.0, out=D)
    return D


DISTANCES: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "euclidean": euclidean,
    "manhattan": manhattan,
    "cosine": cosine,
}

DEFAULT_CENTER: dict[str, str] = {
    "euclidean": "mean",
    "manhattan": "median",
    "cosine": "normalized-mean",
}


def check_metric(metric: str) -> None:
    """Raise ``ValueError`` naming the choices when ``metric`` is not in :data:`DISTANCES`."""
    if metric not in DISTANCES:
        raise ValueError(f"metric={metric!r} is not one of {sorted(DISTANCES)}")


def check_cosine_rows(X: np.ndarray, what: str = "X") -> None:
    """Raise ``ValueError`` if a row of ``X`` is all zeros (it has no direction).

    Parameters
    ----------
    X : ndarray of shape (n, d)
    what : str
        Name used in the message.
    """
    zero = np.flatnonzero(~np.any(X != 0, axis=1))
    if zero.size:
        raise ValueError(
            f"cosine distance is undefined for all-zero rows; {what} has {zero.size} "
            f"such row(s), first at row {zero[0]}. Remove them or pick another distance."
        )


def term_from_distance(D: np.ndarray, metric: str) -> np.ndarray:
    """Map distances to objective terms: squared for euclidean, unchanged otherwise."""
    return D * D if metric == "euclidean" else D


def pairwise(X, C, metric: str = "euclidean") -> np.ndarray:
    """Distances between every row of ``X`` and every row of ``C``.

    Parameters
    ----------
    X : array-like of shape (n, d)
    C : array-like of shape (k, d)
    metric : {"euclidean", "manhattan", "cosine"}

    Returns
    -------
    D : ndarray of shape (n, k)
        ``D[i, j] = dist(X[i], C[j])``; euclidean is *not* squared.

    Raises
    ------
    ValueError
        Unknown metric, mismatched feature counts, non-finite values, or (cosine) an
        all-zero row in ``X``.
    """
    check_metric(metric)
    X = np.atleast_2d(np.asarray(X, dtype=np.float64))
    C = np.atleast_2d(np.asarray(C, dtype=np.float64))
    if X.ndim != 2 or C.ndim != 2 or X.shape[1] != C.shape[1]:
        raise ValueError(
            f"X has shape {X.shape} and C has shape {C.shape}; both must be 2-D with the "
            "same number of columns"
        )
    if not (np.isfinite(X).all() and np.isfinite(C).all()):
        raise ValueError("X and C must contain only finite values (no NaN or infinity)")
    if metric == "cosine":
        check_cosine_rows(X)
    return DISTANCES[metric](X, C)


def objective_terms(X, C, labels, metric: str = "euclidean") -> np.ndarray:
    """Per-point contribution to the k-means objective.

    Parameters
    ----------
    X : array-like of shape (n, d)
    C : array-like of shape (k, d)
    labels : array-like of int, shape (n,)
        Index of each point's centre in ``C``.
    metric : {"euclidean", "manhattan", "cosine"}

    Returns
    -------
    terms : ndarray of shape (n,)
        Squared Euclidean distance, L1 distance, or ``1 - cos`` between ``X[i]`` and
        ``C[labels[i]]``; their sum is the objective (``inertia_``).
    """
    check_metric(metric)
    X = np.asarray(X, dtype=np.float64)
    C = np.asarray(C, dtype=np.float64)
    labels = np.asarray(labels)
    out = np.empty(X.shape[0])
    for start in range(0, X.shape[0], _BLOCK_ROWS):
        stop = start + _BLOCK_ROWS
        diff = X[start:stop] - C[labels[start:stop]]
        if metric == "euclidean":
            out[start:stop] = np.einsum("ij,ij->i", diff, diff)
        elif metric == "manhattan":
            out[start:stop] = np.abs(diff).sum(axis=1)
        else:
            xs, cs = unit_rows(X[start:stop]), unit_rows(C[labels[start:stop]])
            out[start:stop] = np.maximum(1.0 - np.einsum("ij,ij->i", xs, cs), 0.0)
    return out


def assign(
    X: np.ndarray, C: np.ndarray, metric: str, *, X_unit: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Nearest centre of every row and its objective term; prior validation assumed.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    C : ndarray of shape (k, d)
    metric : str
    X_unit : ndarray of shape (n, d), optional
        Row-normalised ``X`` for cosine, precomputed once per fit.

    Returns
    -------
    labels : ndarray of int32, shape (n,)
        Ties go to the lowest centre index.
    terms : ndarray of shape (n,)
        Objective term of each row to its nearest centre.
    """
    n = X.shape[0]
    labels = np.empty(n, dtype=np.int32)
    terms = np.empty(n)
    if metric == "cosine":
        Xu = unit_rows(X) if X_unit is None else X_unit
        Cu = unit_rows(C)
    else:
        c_sq = np.einsum("ij,ij->i", C, C)
    for start in range(0, n, _BLOCK_ROWS):
        stop = min(start + _BLOCK_ROWS, n)
        rows = np.arange(stop - start)
        if metric == "euclidean":
            Xb = X[start:stop]
            # ||x||^2 is constant per row, so the arg-min only needs ||c||^2 - 2 x.c.
            D = c_sq - 2.0 * (Xb @ C.T)
            lab = np.argmin(D, axis=1)
            x_sq = np.einsum("ij,ij->i", Xb, Xb)
            terms[start:stop] = np.maximum(D[rows, lab] + x_sq, 0.0)
        elif metric == "manhattan":
            D = cdist(X[start:stop], C, metric="cityblock")
            lab = np.argmin(D, axis=1)
            terms[start:stop] = D[rows, lab]
        else:
            S = Xu[start:stop] @ Cu.T
            lab = np.argmax(S, axis=1)
            terms[start:stop] = np.maximum(1.0 - S[rows, lab], 0.0)
        labels[start:stop] = lab
    return labels, terms
