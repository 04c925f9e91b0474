"""Do initial values matter? Every init method run from the same R seeds at one K.

:func:`init_study` keeps, per method and seed, the final objective, the iterations and the
agreement (ARI) with the best run found. Run r of every method is
``kmeans(X, K, init=method, n_init=1, random_state=seed + r)``, so the Explore page can replay
any of them, the worst included.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral

import numpy as np

from clustering.choose_k._sweep import (
    Progress,
    _check_common,
    _quiet_single_thread,
    _seed,
    pair_ari,
)
from clustering.engine import kmeans

__all__ = ["BEST_RTOL", "INIT_STUDY_METHODS", "InitStudy", "init_study"]

INIT_STUDY_METHODS = ("random", "random-partition", "k-means++", "farthest")
#: A run "reached the best" when its objective is within this relative distance of the best:
#: runs stop at a small tolerance, so one optimum gives slightly different objectives.
BEST_RTOL = 1e-4


# eq=False: fields hold arrays.
@dataclass(frozen=True, eq=False)
class InitStudy:
    """Every init method run from the same seeds at one K.

    Attributes
    ----------
    n_clusters : int
    methods : tuple of str, length M
    seeds : ndarray of int, shape (R,)
        Run r of every method used ``random_state=seeds[r]`` (``seed + r``).
    objective : ndarray of shape (M, R)
    n_iter : ndarray of int, shape (M, R)
    ari_to_best : ndarray of shape (M, R)
        ARI between each run's labels and the best run's.
    best : tuple of (int, int)
        (method index, run index) of the lowest objective (first on ties).
    max_iter : int
    """

    n_clusters: int
    methods: tuple[str, ...]
    seeds: np.ndarray
    objective: np.ndarray
    n_iter: np.ndarray
    ari_to_best: np.ndarray
    best: tuple[int, int]
    max_iter: int

    @property
    def best_objective(self) -> float:
        return float(self.objective[self.best])

    @property
    def reached_best(self) -> np.ndarray:
        """(M, R) bool: the run ended within :data:`BEST_RTOL` of the best objective."""
        return self.objective <= self.best_objective * (1 + BEST_RTOL) + 1e-12

    @property
    def share_best(self) -> np.ndarray:
        """(M,) share of each method's runs that reached the best objective."""
        return self.reached_best.mean(axis=1)

    def worst(self, method: str) -> tuple[int, float, int]:
        """Seed, objective and iterations of ``method``'s worst run (most iterations on ties)."""
        i = self.methods.index(method)
        order = np.lexsort((-self.n_iter[i], -self.objective[i]))
        r = int(order[0])
        return int(self.seeds[r]), float(self.objective[i, r]), int(self.n_iter[i, r])


def init_study(
    X,
    n_clusters: int,
    *,
    methods: tuple[str, ...] = INIT_STUDY_METHODS,
    n_seeds: int = 20,
    distance: str = "euclidean",
    center: str | None = None,
    max_iter: int = 300,
    random_state: int = 0,
    progress: Progress | None = None,
) -> InitStudy:
    """Run every method in ``methods`` from seeds ``random_state .. + n_seeds - 1`` at one K.

    Parameters
    ----------
    X : array-like of shape (n, d)
    n_clusters : int
        At most the number of distinct points.
    methods : tuple of str
        Init method names (:data:`clustering.engine.INIT_METHODS`).
    n_seeds : int, default 20
        Runs per method (>= 1), one start each.
    distance, center, max_iter
        As :func:`clustering.engine.kmeans`.
    random_state : int
        First seed; run r uses ``random_state + r``.
    progress : callable(fraction, message), optional

    Returns
    -------
    InitStudy
    """
    X, n_distinct = _check_common(X, methods, distance, random_state)
    if not methods:
        raise ValueError("methods must name at least one init method")
    if not isinstance(n_seeds, Integral) or n_seeds < 1:
        raise ValueError(f"n_seeds={n_seeds!r} must be an integer >= 1")
    if not isinstance(n_clusters, Integral) or not 1 <= n_clusters <= n_distinct:
        raise ValueError(f"n_clusters={n_clusters!r} must be between 1 and the number of "
                         f"distinct points ({n_distinct})")
    report = progress or (lambda fraction, message: None)
    seeds = np.array([_seed(random_state, r) for r in range(n_seeds)])
    shape = (len(methods), n_seeds)
    objective, n_iter = np.empty(shape), np.empty(shape, dtype=int)
    labels = np.empty((*shape, X.shape[0]), dtype=np.int16)
    with _quiet_single_thread():
        for i, method in enumerate(methods):
            for r, seed in enumerate(seeds):
                report((i * n_seeds + r) / objective.size, f"{method}: run {r + 1} of {n_seeds}")
                result = kmeans(X, int(n_clusters), init=method, distance=distance,
                                center=center, n_init=1, max_iter=max_iter,
                                random_state=int(seed), history=False)
                objective[i, r], n_iter[i, r], labels[i, r] = (result.inertia, result.n_iter,
                                                               result.labels)
    best = np.unravel_index(int(np.argmin(objective)), shape)
    best = (int(best[0]), int(best[1]))
    ari = np.array([[pair_ari(labels[best], labels[i, r]) for r in range(n_seeds)]
                    for i in range(len(methods))])
    report(1.0, "Done")
    return InitStudy(n_clusters=int(n_clusters), methods=tuple(methods), seeds=seeds,
                     objective=objective, n_iter=n_iter, ari_to_best=ari, best=best,
                     max_iter=int(max_iter))
