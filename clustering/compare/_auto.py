"""Parameter defaults tied to the data: each is one small, documented heuristic.

Every function takes the rows the algorithm will run on (after any sampling) and a context
dict (the parameters resolved so far plus ``"random_state"``, a RandomState), and returns a
plain value. Prior validation of data is assumed.
"""

from __future__ import annotations

import numpy as np
from sklearn.cluster import estimate_bandwidth
from sklearn.neighbors import NearestNeighbors

from clustering.choose_k import find_knee
from clustering.sampling import sample_rows

__all__ = [
    "K_DISTANCE_QUERIES",
    "KDistance",
    "ap_preference",
    "birch_threshold",
    "dbscan_eps",
    "hdbscan_min_cluster_size",
    "k_distance",
    "meanshift_bandwidth",
    "min_samples_rule",
    "rbf_gamma",
]

K_DISTANCE_QUERIES = 5000
"""Most points whose k-distance is computed (a seeded sample above this; each still looks for
its neighbours among all rows, so the density, and hence eps, is that of the full data)."""

BANDWIDTH_SAMPLE = 500


def min_samples_rule(X: np.ndarray, context: dict) -> int:
    """Twice the number of features, at least 10 and at most 50.

    Sander et al. (1998) and Schubert et al. (2017, "DBSCAN revisited") suggest minPts = 2 x
    dimensions. On 2-D data that is 4, and with it (or 5) the k-distance knee cuts the
    gallery's noisy moons and circles into specks (measured: 4 and 8 clusters); from 10 on
    they come out whole. 50 keeps wide tables sensible.
    """
    return int(np.clip(2 * X.shape[1], 10, 50))


class KDistance:
    """The sorted k-distance curve of DBSCAN's eps heuristic (Ester et al., 1996).

    Attributes
    ----------
    k : int
        The neighbour counted: min_samples - 1 other points (scikit-learn's min_samples
        counts the point itself).
    distances : ndarray of shape (m,)
        Distance of each query point to its k-th nearest other point, sorted increasing.
    knee_index : int or None
        Position in ``distances`` where the curve bends up most (Kneedle); None if it does
        not bend.
    eps : float
        The suggested radius: the knee's distance, or the 90th percentile without a knee.
    sampled : int or None
        Number of query points when they were a sample of the rows; None when all were used.
    """

    def __init__(self, k, distances, knee_index, eps, sampled):
        self.k = k
        self.distances = distances
        self.knee_index = knee_index
        self.eps = eps
        self.sampled = sampled


def k_distance(X: np.ndarray, min_samples: int, random_state=0) -> KDistance:
    """Compute the k-distance curve of ``X`` for a DBSCAN ``min_samples``.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    min_samples : int
        DBSCAN's min_samples (the point itself included).
    random_state : int or RandomState, default 0
        Draws the query sample when n > ``K_DISTANCE_QUERIES``. DBSCAN's automatic eps
        uses the default, so the curve a page draws is the one that chose eps.

    Returns
    -------
    KDistance
    """
    n = X.shape[0]
    k = int(min(max(min_samples - 1, 1), max(n - 1, 1)))
    if n < 2:
        return KDistance(k, np.zeros(n), None, 1.0, None)
    queries = np.arange(n)
    sampled = None
    if n > K_DISTANCE_QUERIES:
        queries = sample_rows(n, K_DISTANCE_QUERIES, random_state)
        sampled = K_DISTANCE_QUERIES
    nn = NearestNeighbors(n_neighbors=k + 1).fit(X)
    # The first neighbour of a query is itself (distance 0), so column k is the k-th other.
    dist = np.sort(nn.kneighbors(X[queries], return_distance=True)[0][:, k])
    knee = None
    if dist.size >= 3 and np.ptp(dist) > 0:
        positions = np.arange(dist.size, dtype=np.float64)
        knee = find_knee(positions, dist, curve="convex", direction="increasing")
    eps = float(dist[knee.index]) if knee is not None else float(np.quantile(dist, 0.9))
    if eps <= 0:  # many duplicate points: any positive radius joins them
        eps = float(dist[dist > 0].min()) if np.any(dist > 0) else 1.0
    return KDistance(k, dist, None if knee is None else knee.index, eps, sampled)


def dbscan_eps(X: np.ndarray, context: dict) -> float:
    """The knee of the sorted k-distance curve (see :func:`k_distance`, default seed)."""
    return k_distance(X, context["min_samples"]).eps


def meanshift_bandwidth(X: np.ndarray, context: dict) -> float:
    """``sklearn.cluster.estimate_bandwidth`` at quantile 0.2 on a seeded sample of 500 rows.

    The estimate is the mean distance to the nearest 20% of points; it is quadratic in the
    rows it looks at, hence the sample.
    """
    n = X.shape[0]
    if n < 2:
        return 1.0
    seed = context["random_state"].randint(np.iinfo(np.int32).max)
    bandwidth = estimate_bandwidth(
        X, quantile=0.2, n_samples=min(n, BANDWIDTH_SAMPLE), random_state=seed
    )
    return float(bandwidth) if bandwidth > 0 else 1.0


def hdbscan_min_cluster_size(X: np.ndarray, context: dict) -> int:
    """3% of the rows, at least 5 and at most 500: small specks are not clusters."""
    return int(np.clip(round(0.03 * X.shape[0]), 5, 500))


def ap_preference(X: np.ndarray, context: dict) -> float:
    """The minimum similarity (negative squared distance) on a seeded 500-row sample.

    scikit-learn's default, the median similarity, makes every dense spot an exemplar
    (dozens of clusters on 500 points); its documentation names the minimum as the choice
    for a small number of clusters.
    """
    n = X.shape[0]
    rows = np.arange(n)
    if n > BANDWIDTH_SAMPLE:
        rows = context["random_state"].choice(n, BANDWIDTH_SAMPLE, replace=False)
    S = X[rows]
    sq = np.einsum("ij,ij->i", S, S)
    d2 = np.maximum(sq[:, None] + sq[None, :] - 2 * S @ S.T, 0.0)
    return float(-d2.max()) if d2.size and d2.max() > 0 else -1.0


def birch_threshold(X: np.ndarray, context: dict) -> float:
    """0.35 x the root of the total variance: scikit-learn's default 0.5 on standardised
    2-D data, the same relative size on raw units, and growing as sqrt(d) on wide data.

    The threshold bounds a subcluster's radius, which sums the spread over every feature;
    a fixed 0.5 on 30 standardised features leaves nearly every row its own subcluster
    (measured: 92,550 of 100,000, and half a minute to build the tree).
    """
    total = float(np.sum(np.var(X, axis=0))) if X.shape[0] else 0.0
    return 0.5 * np.sqrt(total / 2) if total > 0 else 0.5


def rbf_gamma(X: np.ndarray, context: dict) -> float:
    """1 / (n_features x variance of X), scikit-learn's ``gamma="scale"`` rule for SVMs."""
    var = float(X.var()) if X.size else 0.0
    return 1.0 / (X.shape[1] * var) if var > 0 else 1.0
