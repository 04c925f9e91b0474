"""k-means with a full step-by-step history: the estimator, its registries and its kernel.

:func:`kmeans` (functional core) and :class:`KMeans` (scikit-learn estimator) fit; the
registries ``INIT_METHODS``, ``DISTANCES`` and ``CENTER_RULES`` name every initialisation,
distance and centre rule (adding one is one function and one line); :class:`History` is the
record of every half-step that the pages replay. scikit-learn's private compiled kernel is
reached only through a guard: :func:`fast_kernel_available` says whether it passed its
start-up check, and :func:`kernel_assign` maps points to their nearest centre with it (None
when it is unavailable or fails, so the caller uses its own path). :func:`continue_kmeans`
goes on with a recorded run after the user moved its centres at some step (a ``"move"`` step
in the history).
"""
from clustering.engine._centers import CENTER_RULES
from clustering.engine._continue import MOVE_PHASE, apply_moves, continue_kmeans
from clustering.engine._distances import DEFAULT_CENTER, DISTANCES, pairwise
from clustering.engine._history import History
from clustering.engine._init import INIT_METHODS, n_distinct_points
from clustering.engine._kmeans import KMeans, KMeansResult, kmeans
from clustering.engine._sklearn_kernel import fast_kernel_available, kernel_assign

__all__ = [
    "CENTER_RULES",
    "DEFAULT_CENTER",
    "DISTANCES",
    "History",
    "INIT_METHODS",
    "KMeans",
    "KMeansResult",
    "MOVE_PHASE",
    "apply_moves",
    "continue_kmeans",
    "fast_kernel_available",
    "kernel_assign",
    "kmeans",
    "n_distinct_points",
    "pairwise",
]
