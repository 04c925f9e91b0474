"""Initial centres: four strategies behind one dispatcher, :func:`initial_centers`.

Every strategy has the signature ``f(X, n_clusters, *, distance, random_state)`` with
``random_state`` a ``numpy.random.RandomState`` and returns centres of shape (n_clusters, d).

- ``"random"`` (Forgy): k distinct data points, drawn as scikit-learn's ``init="random"``.
- ``"random-partition"``: every point gets a random cluster (each cluster at least one),
  centres are the clusters' centres under the distance's matching rule (mean for euclidean).
- ``"k-means++"``: greedy k-means++ exactly as scikit-learn does it. For euclidean it *is*
  :func:`sklearn.cluster.kmeans_plusplus` on mean-centred data, so ``random_state`` gives the
  same centres as ``sklearn.cluster.KMeans``. For manhattan and cosine the sampling weight is
  the distance's objective term (L1, 1 - cos) instead of the squared Euclidean distance.
- ``"farthest"`` (maximin): a random first point, then repeatedly the point farthest from
  all centres chosen so far.

Whatever the strategy, the result has k distinct centres when ``X`` has at least k distinct
points (for cosine: distinct directions): a strategy that produces a repeated centre (possible
with duplicated rows) has the repeats replaced by the farthest points, as in maximin. With
fewer distinct points than k, a ``ValueError`` names both numbers.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sklearn.cluster import kmeans_plusplus as _sk_kmeans_plusplus
from sklearn.utils import check_random_state

from clustering.engine._centers import CENTER_RULES
from clustering.engine._distances import (
    DEFAULT_CENTER,
    DISTANCES,
    check_cosine_rows,
    check_metric,
    unit_rows,
)

__all__ = [
    "INIT_METHODS",
    "farthest",
    "initial_centers",
    "k_means_plus_plus",
    "n_distinct_points",
    "random_partition",
    "random_points",
]


def n_distinct_points(X: np.ndarray, distance: str = "euclidean") -> int:
    """Number of distinct rows of ``X``; for cosine, distinct directions.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    distance : str

    Returns
    -------
    int
    """
    if distance == "cosine":
        # Parallel rows differ in the last bits once normalised; rounding merges them.
        return int(np.unique(np.round(unit_rows(X), 12), axis=0).shape[0])
    return int(np.unique(X, axis=0).shape[0])


def _too_few(X: np.ndarray, n_clusters: int, distance: str) -> ValueError:
    m = n_distinct_points(X, distance)
    what = "distinct directions" if distance == "cosine" else "distinct points"
    return ValueError(f"n_clusters={n_clusters} must be <= number of {what} ({m})")


# Points closer than this (objective term) are the same point: exact for euclidean and
# manhattan (cdist gives exactly 0 for equal rows); cosine of parallel rows is off by ~1e-16.
_SAME = {"euclidean": 0.0, "manhattan": 0.0, "cosine": 1e-12}


def _terms_to(X: np.ndarray, c: np.ndarray, distance: str) -> np.ndarray:
    """Objective term of every row of ``X`` to the single point ``c``, shape (n,)."""
    return pairwise_terms(X, c[None, :], distance)[:, 0]


def _make_distinct(X: np.ndarray, centers: np.ndarray, distance: str) -> np.ndarray:
    """Replace repeated centres by the points farthest from the centres kept so far."""
    key = np.round(unit_rows(centers), 12) if distance == "cosine" else centers
    _, first = np.unique(key, axis=0, return_index=True)
    if first.size == centers.shape[0]:
        return centers
    chosen = [centers[i] for i in np.sort(first)]
    closest = np.min([_terms_to(X, c, distance) for c in chosen], axis=0)
    while len(chosen) < centers.shape[0]:
        far = int(np.argmax(closest))
        if closest[far] <= _SAME[distance]:
            raise _too_few(X, centers.shape[0], distance)
        chosen.append(X[far])
        np.minimum(closest, _terms_to(X, X[far], distance), out=closest)
    return np.asarray(chosen, dtype=np.float64)


def random_points(X, n_clusters, *, distance="euclidean", random_state):
    """Forgy: ``n_clusters`` distinct data points chosen uniformly at random.

    The draw is scikit-learn's (``choice(n, k, replace=False, p=uniform)``), so the same
    ``RandomState`` picks the same rows as ``KMeans(init="random")``.
    """
    n = X.shape[0]
    rows = random_state.choice(n, size=n_clusters, replace=False, p=np.full(n, 1.0 / n))
    return X[rows]


def _require_distinct(X: np.ndarray, n_clusters: int, distance: str) -> None:
    """Raise unless ``X`` has ``n_clusters`` distinct points; cheap when it clearly has."""
    # The leading rows usually settle it without sorting the whole data set.
    if n_distinct_points(X[:4096], distance) >= n_clusters:
        return
    if n_distinct_points(X, distance) < n_clusters:
        raise _too_few(X, n_clusters, distance)


def random_partition(X, n_clusters, *, distance="euclidean", random_state):
    """Random labels (every cluster non-empty), then each cluster's matching centre.

    Means of a partition can differ even when the points do not, so the number of distinct
    points is checked first.
    """
    _require_distinct(X, n_clusters, distance)
    n = X.shape[0]
    labels = random_state.randint(n_clusters, size=n)
    # The first k of a random permutation seed one cluster each, so none starts empty.
    labels[random_state.permutation(n)[:n_clusters]] = np.arange(n_clusters)
    rule = CENTER_RULES[DEFAULT_CENTER[distance]]
    return rule(
        X, labels, n_clusters, metric=distance,
        previous=np.zeros((n_clusters, X.shape[1])), random_state=random_state,
    )


def k_means_plus_plus(X, n_clusters, *, distance="euclidean", random_state, centered=False):
    """Greedy k-means++ (``2 + log k`` local trials per centre), as scikit-learn.

    ``centered=True`` says ``X`` already has zero column means; scikit-learn runs k-means++
    on centred data, and centring here keeps the draws identical to ``KMeans``.
    """
    if distance == "euclidean":
        Xc = X if centered else X - X.mean(axis=0)
        norms = np.einsum("ij,ij->i", Xc, Xc)
        _, rows = _sk_kmeans_plusplus(
            Xc, n_clusters, x_squared_norms=norms, random_state=random_state
        )
        return X[rows]
    n = X.shape[0]
    trials = 2 + int(np.log(n_clusters))
    rows = [random_state.choice(n, p=np.full(n, 1.0 / n))]
    closest = _terms_to(X, X[rows[0]], distance)
    potential = closest.sum()
    for _ in range(1, n_clusters):
        draws = random_state.uniform(size=trials) * potential
        cand = np.searchsorted(np.cumsum(closest), draws)
        np.clip(cand, None, n - 1, out=cand)
        to_cand = np.minimum(closest[:, None], pairwise_terms(X, X[cand], distance))
        pots = to_cand.sum(axis=0)
        best = int(np.argmin(pots))
        potential, closest = pots[best], to_cand[:, best]
        rows.append(int(cand[best]))
    return X[rows]


def pairwise_terms(X: np.ndarray, C: np.ndarray, distance: str) -> np.ndarray:
    """Objective terms between all rows and centres, shape (n, k)."""
    D = DISTANCES[distance](X, C)
    return D * D if distance == "euclidean" else D


def farthest(X, n_clusters, *, distance="euclidean", random_state):
    """Maximin: a random first point, then the point farthest from the chosen ones."""
    rows = [int(random_state.randint(X.shape[0]))]
    closest = _terms_to(X, X[rows[0]], distance)
    for _ in range(1, n_clusters):
        far = int(np.argmax(closest))
        if closest[far] <= _SAME[distance]:
            raise _too_few(X, n_clusters, distance)
        rows.append(far)
        np.minimum(closest, _terms_to(X, X[far], distance), out=closest)
    return X[rows]


INIT_METHODS: dict[str, Callable[..., np.ndarray]] = {
    "random": random_points,
    "random-partition": random_partition,
    "k-means++": k_means_plus_plus,
    "farthest": farthest,
}


def initial_centers(
    X,
    n_clusters: int,
    init="k-means++",
    *,
    distance: str = "euclidean",
    random_state=None,
    centered: bool = False,
) -> np.ndarray:
    """Initial centres by name, from an array, or from a callable.

    Parameters
    ----------
    X : array-like of shape (n, d)
    n_clusters : int
    init : {"random", "random-partition", "k-means++", "farthest"}, callable or array-like
        A name picks from :data:`INIT_METHODS`; an array of shape (n_clusters, d) is used as
        given (after checks); a callable is called as
        ``init(X, n_clusters, random_state=random_state)``.
    distance : {"euclidean", "manhattan", "cosine"}
    random_state : int, RandomState or None
        Normalised once with ``check_random_state``.
    centered : bool
        ``X`` already has zero column means (saves a copy for euclidean k-means++).

    Returns
    -------
    centers : ndarray of shape (n_clusters, d), float64
        k distinct centres (named strategies; see the module docstring).

    Raises
    ------
    ValueError
        ``n_clusters`` larger than the number of rows or of distinct points, an unknown
        name, or an array of the wrong shape.
    """
    check_metric(distance)
    X = np.asarray(X, dtype=np.float64)
    if distance == "cosine":
        check_cosine_rows(X)
    n = X.shape[0]
    if n_clusters > n:
        raise ValueError(f"n_samples={n} should be >= n_clusters={n_clusters}.")
    rng = check_random_state(random_state)
    if isinstance(init, str):
        if init not in INIT_METHODS:
            raise ValueError(f"init={init!r} is not one of {sorted(INIT_METHODS)}")
        if init == "k-means++":
            C = k_means_plus_plus(
                X, n_clusters, distance=distance, random_state=rng, centered=centered
            )
        else:
            C = INIT_METHODS[init](X, n_clusters, distance=distance, random_state=rng)
        return _make_distinct(X, np.array(C, dtype=np.float64), distance)
    C = init(X, n_clusters, random_state=rng) if callable(init) else init
    C = np.array(C, dtype=np.float64)
    if C.shape != (n_clusters, X.shape[1]):
        raise ValueError(
            f"init array has shape {C.shape}; expected (n_clusters, n_features) = "
            f"({n_clusters}, {X.shape[1]})"
        )
    if not np.isfinite(C).all():
        raise ValueError("init array must contain only finite values")
    return C
