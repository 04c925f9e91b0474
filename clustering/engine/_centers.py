"""Centre rules: how the update step turns a partition into new centres.

Every rule has the signature ``rule(X, labels, n_clusters, *, metric, previous, random_state)``
and returns the new centres, shape (n_clusters, d). A cluster without members keeps its
``previous`` centre; the k-means loop then relocates it (see :mod:`clustering.engine`).

=================  ==========================================================  ===============
rule               centre of cluster ``S``                                     minimises
=================  ==========================================================  ===============
mean               ``sum_{x in S} x / |S|``                                    squared L2
median             coordinate-wise median                                      L1
normalized-mean    ``m / ||m||`` with ``m = sum_{x in S} x / ||x||``           1 - cos
medoid             the member ``x`` minimising ``sum_{y in S} dist(x, y)``     (any metric)
=================  ==========================================================  ===============

Medoid cost is quadratic in the cluster size, so it is exact only up to
:data:`MEDOID_EXACT_MAX` members. Above that, the medoid is the best of
:data:`MEDOID_CANDIDATES` members drawn with the run's ``random_state``, each scored on its
summed distance to :data:`MEDOID_REFERENCE` members drawn the same way. The result is still a
member of the cluster, but no longer guaranteed to be the best one.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from clustering.engine._distances import DISTANCES

__all__ = [
    "CENTER_RULES",
    "MEDOID_CANDIDATES",
    "MEDOID_EXACT_MAX",
    "MEDOID_REFERENCE",
    "cluster_sums",
    "mean",
    "median",
    "medoid",
    "normalized_mean",
]

MEDOID_EXACT_MAX = 2000
MEDOID_CANDIDATES = 256
MEDOID_REFERENCE = 4096


def cluster_sums(X: np.ndarray, labels: np.ndarray, n_clusters: int) -> tuple[np.ndarray, ...]:
    """Per-cluster sums of rows and member counts.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    labels : ndarray of int, shape (n,)
    n_clusters : int

    Returns
    -------
    sums : ndarray of shape (n_clusters, d)
    counts : ndarray of int, shape (n_clusters,)
    """
    n = X.shape[0]
    # A (k, n) one-hot sparse matrix turns the scatter-add into one compiled product.
    onehot = sp.csr_matrix(
        (np.ones(n), (labels, np.arange(n))), shape=(n_clusters, n)
    )
    return np.asarray(onehot @ X), np.bincount(labels, minlength=n_clusters)


def mean(X, labels, n_clusters, *, metric="euclidean", previous, random_state=None):
    """Mean of the members; minimises the summed squared Euclidean distance.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    labels : ndarray of int, shape (n,)
    n_clusters : int
    metric : str
        Unused; every rule takes it.
    previous : ndarray of shape (n_clusters, d)
        Centres kept for empty clusters.
    random_state : RandomState, optional
        Unused.

    Returns
    -------
    centers : ndarray of shape (n_clusters, d)
    """
    sums, counts = cluster_sums(X, labels, n_clusters)
    out = previous.copy()
    full = counts > 0
    out[full] = sums[full] / counts[full, None]
    return out


def normalized_mean(X, labels, n_clusters, *, metric="cosine", previous, random_state=None):
    """Spherical k-means centre: normalised sum of the members' unit vectors.

    Maximises ``sum cos(x, c)`` over unit vectors ``c``, hence minimises the cosine
    objective. A cluster whose unit vectors cancel out exactly keeps its previous centre.
    Parameters and return as :func:`mean`; ``X`` must have no all-zero row.
    """
    norms = np.sqrt(np.einsum("ij,ij->i", X, X))
    sums, counts = cluster_sums(X / norms[:, None], labels, n_clusters)
    lengths = np.sqrt(np.einsum("ij,ij->i", sums, sums))
    out = previous.copy()
    full = (counts > 0) & (lengths > 0)
    out[full] = sums[full] / lengths[full, None]
    return out


def _groups(labels: np.ndarray, n_clusters: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows ordered by cluster and each cluster's [start, stop) bounds in that order."""
    # A stable sort of 16-bit keys is a radix sort in numpy: ~10x faster than on int32.
    keys = labels.astype(np.int16) if n_clusters <= np.iinfo(np.int16).max else labels
    order = np.argsort(keys, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(n_clusters + 1))
    return order, bounds


def median(X, labels, n_clusters, *, metric="manhattan", previous, random_state=None):
    """Coordinate-wise median of the members; minimises the summed L1 distance.

    Parameters and return as :func:`mean`.
    """
    order, bounds = _groups(labels, n_clusters)
    # Features as rows, members grouped by cluster: each median partitions a contiguous
    # slice in place (overwrite_input) instead of copying a strided block.
    grouped = np.take(X.T, order, axis=1)  # C-contiguous (d, n), one pass
    out = previous.copy()
    for j in range(n_clusters):
        if bounds[j + 1] > bounds[j]:
            block = grouped[:, bounds[j] : bounds[j + 1]]
            out[j] = np.median(block, axis=1, overwrite_input=True)
    return out


def _summed_distance(members: np.ndarray, candidates: np.ndarray, metric: str) -> np.ndarray:
    total = np.zeros(candidates.shape[0])
    # Blocks keep the (block, candidates) distance matrix near 16 MB.
    block = max(1, 2_000_000 // max(1, candidates.shape[0]))
    for start in range(0, members.shape[0], block):
        total += DISTANCES[metric](members[start : start + block], candidates).sum(axis=0)
    return total


def medoid(X, labels, n_clusters, *, metric="euclidean", previous, random_state=None):
    """The member with the smallest summed distance (``metric``) to its cluster.

    Exact up to :data:`MEDOID_EXACT_MAX` members, sampled above (see the module docstring);
    ``random_state`` (a ``RandomState``) draws the samples. Parameters and return as
    :func:`mean`.
    """
    rng = np.random.RandomState(0) if random_state is None else random_state
    order, bounds = _groups(labels, n_clusters)
    out = previous.copy()
    for j in range(n_clusters):
        rows = order[bounds[j] : bounds[j + 1]]
        if rows.size == 0:
            continue
        if rows.size <= MEDOID_EXACT_MAX:
            candidates = reference = rows
        else:
            candidates = rng.choice(rows, size=MEDOID_CANDIDATES, replace=False)
            reference = rng.choice(rows, size=MEDOID_REFERENCE, replace=False)
        cost = _summed_distance(X[reference], X[candidates], metric)
        out[j] = X[candidates[np.argmin(cost)]]
    return out


CENTER_RULES: dict[str, Callable[..., np.ndarray]] = {
    "mean": mean,
    "median": median,
    "normalized-mean": normalized_mean,
    "medoid": medoid,
}
