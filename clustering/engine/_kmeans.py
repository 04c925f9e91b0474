"""k-means with a full step-by-step history: :func:`kmeans` (functional core) and :class:`KMeans`.

With ``distance="euclidean"`` and the mean rule the run is scikit-learn's Lloyd algorithm, on
its own compiled kernel: same initial centres for the same ``random_state`` (k-means++ and
random), then the same labels, centres, inertia and iteration count as
``sklearn.cluster.KMeans(algorithm="lloyd", n_init=1)``. Other distances and centre rules run
the same loop in numpy (see :mod:`clustering.engine`).

``center=None`` picks the rule that minimises the distance's objective
(:data:`clustering.engine.DEFAULT_CENTER`). Any other pairing is allowed, to show why it
matters, and warns: the objective may then rise from one step to the next.

``n_init > 1`` draws one integer seed per run from ``random_state``; run ``i`` used
``RandomState(runs[i]["seed"])``, so ``kmeans(..., n_init=1, random_state=seed)`` replays it.
With ``n_init=1`` the seed reported is ``random_state`` itself (None unless an int).

Speed: with history on, a euclidean fit takes no longer than ``sklearn.cluster.KMeans`` from
100k rows up (``benchmarks/bench_engine.py``); per-step objectives cost O(k d) each. Every
array is allocated per fit, as scikit-learn does: nothing is kept between fits.

Threads: a fit with ``n_samples * n_clusters <= SINGLE_THREAD_MAX_WORK`` (500,000) runs its
init and Lloyd loop on one thread (OpenMP and BLAS, through a ``threadpoolctl`` limit held
for the fit only, so nothing changes for the next caller). Measured on a 2-core machine
shared with other jobs (``benchmarks/bench_engine.py --threads-sweep``, d=4, 30 iterations,
load 2.7-5): at those sizes one thread was 2-30x faster than scikit-learn's two whenever the
machine was busy (each parallel region waits for the second thread to be scheduled), and
at most 1.2x slower (under 2 ms a fit) in quiet moments. Bigger fits keep
scikit-learn's thread count; the threshold sits below the engine benchmark's sizes
(100,000 x k=8 and up) so that comparison stays like for like.

Kernel failures: if scikit-learn's private kernel is unavailable or raises during a fit
(:mod:`clustering.engine._sklearn_kernel`), that run starts over from the same initial
centres on the numpy loop, which reaches the same answer.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import partial
from numbers import Integral, Real
from typing import Any

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    ClusterMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_array, check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from clustering.engine._centers import CENTER_RULES
from clustering.engine._distances import (
    DEFAULT_CENTER,
    DISTANCES,
    assign,
    check_cosine_rows,
    pairwise,
    unit_rows,
)
from clustering.engine._history import History, HistoryRecorder
from clustering.engine._init import INIT_METHODS, initial_centers
from clustering.engine._lloyd import lloyd_fast, lloyd_generic
from clustering.engine._sklearn_kernel import KernelFailed, fast_kernel_available, thread_limit

__all__ = ["SINGLE_THREAD_MAX_WORK", "KMeans", "KMeansResult", "kmeans", "resolve_center"]

#: Fits with ``n_samples * n_clusters`` at or below this run on one thread (module docstring).
SINGLE_THREAD_MAX_WORK = 500_000

_log = logging.getLogger(__name__)


# eq=False: field-wise == on arrays is ambiguous; identity is what callers need.
@dataclass(frozen=True, eq=False)
class KMeansResult:
    """Outcome of :func:`kmeans` (the best of ``n_init`` runs).

    Attributes
    ----------
    labels : ndarray of int32, shape (n,)
    centers : ndarray of shape (n_clusters, d)
    inertia : float
        Objective of the chosen distance: sum of squared Euclidean distances, of L1
        distances, or of (1 - cos).
    n_iter : int
        Lloyd iterations run (scikit-learn's ``n_iter_``).
    history : History or None
        Every half-step of the best run; None when ``history=False``.
    runs : list of dict
        One per init: ``seed``, ``objective``, ``n_iter``.
    center : str
        The centre rule used.
    """

    labels: np.ndarray
    centers: np.ndarray
    inertia: float
    n_iter: int
    history: History | None
    runs: list[dict] = field(default_factory=list)
    center: str = "mean"


def resolve_center(distance: str, center: str | None) -> str:
    """The centre rule to use; warns (``UserWarning``) on a mismatched pair."""
    if center is None:
        return DEFAULT_CENTER[distance]
    if center != DEFAULT_CENTER[distance]:
        warnings.warn(
            f"center={center!r} does not minimise the {distance} objective (that is "
            f"{DEFAULT_CENTER[distance]!r}); the objective may rise between steps.",
            UserWarning,
            stacklevel=3,
        )
    return center


def kmeans(
    X,
    n_clusters: int = 8,
    *,
    init="k-means++",
    distance: str = "euclidean",
    center: str | None = None,
    n_init: int = 1,
    max_iter: int = 300,
    tol: float = 1e-4,
    random_state=None,
    history: bool = True,
) -> KMeansResult:
    """Cluster ``X`` with Lloyd's k-means and record every step.

    Parameters
    ----------
    X : array-like of shape (n, d)
        Finite values; for cosine, no all-zero row.
    n_clusters : int
    init : {"random", "random-partition", "k-means++", "farthest"}, callable or array-like
        See :mod:`clustering.engine`; an array of shape (n_clusters, d) is used as given.
    distance : {"euclidean", "manhattan", "cosine"}
    center : {"mean", "median", "normalized-mean", "medoid"} or None
        None picks the distance's matching rule.
    n_init : int
        Independent runs; the lowest objective wins. Forced to 1 with an array init.
    max_iter : int
    tol : float
        Stop when the total squared centre shift is <= ``tol`` times the mean feature
        variance (of the row-normalised data for cosine); 0 runs to strict convergence
        or ``max_iter``.
    random_state : int, RandomState or None
    history : bool
        Record every half-step (:class:`clustering.engine.History`).

    Returns
    -------
    KMeansResult
    """
    for name, value, low in (("n_clusters", n_clusters, 1), ("n_init", n_init, 1),
                             ("max_iter", max_iter, 1)):
        if not isinstance(value, Integral) or value < low:
            raise ValueError(f"{name}={value!r} must be an integer >= {low}")
    if not isinstance(tol, Real) or tol < 0:
        raise ValueError(f"tol={tol!r} must be a number >= 0")
    if distance not in DISTANCES:
        raise ValueError(f"distance={distance!r} is not one of {sorted(DISTANCES)}")
    if center is not None and center not in CENTER_RULES:
        raise ValueError(f"center={center!r} is not one of {sorted(CENTER_RULES)} or None")
    if isinstance(init, str) and init not in INIT_METHODS:
        raise ValueError(f"init={init!r} is not one of {sorted(INIT_METHODS)}")
    X = check_array(X, dtype=np.float64, order="C")
    if X.shape[0] < n_clusters:
        raise ValueError(f"n_samples={X.shape[0]} should be >= n_clusters={n_clusters}.")
    center = resolve_center(distance, center)
    return _kmeans(X, int(n_clusters), init, distance, center, int(n_init), int(max_iter),
                   float(tol), random_state, history)


# eq=False: holds arrays.
@dataclass(frozen=True, eq=False)
class LloydSpace:
    """Where the Lloyd loops run, set up as scikit-learn does.

    Attributes
    ----------
    Xw : ndarray of shape (n, d)
        Euclidean: X centred on its mean (``offset``), which keeps ||x||^2 - 2 x.c + ||c||^2
        accurate; other distances: X.
    offset : ndarray of shape (d,) or None
        Add it to centres found in this space to get them in X's units.
    X_unit : ndarray of shape (n, d) or None
        Cosine: the rows scaled to length 1.
    tol_abs : float
        ``tol`` times the mean feature variance of the space the distance works in.
    fast : bool
        Whether scikit-learn's compiled kernel applies (euclidean, mean rule, kernel found).
    """

    Xw: np.ndarray
    offset: np.ndarray | None
    X_unit: np.ndarray | None
    tol_abs: float
    fast: bool


def lloyd_space(X: np.ndarray, distance: str, center: str, tol: float) -> LloydSpace:
    """The :class:`LloydSpace` of validated data ``X`` for a distance and centre rule."""
    offset = X.mean(axis=0) if distance == "euclidean" else None
    Xw = X - offset if offset is not None else X
    X_unit = unit_rows(X) if distance == "cosine" else None
    space = X_unit if X_unit is not None else Xw
    tol_abs = float(np.mean(np.var(space, axis=0)) * tol) if tol > 0 else 0.0
    fast = distance == "euclidean" and center == "mean" and fast_kernel_available()
    return LloydSpace(Xw, offset, X_unit, tol_abs, fast)


def lloyd_run(space: LloydSpace, C0: np.ndarray, *, distance: str, center: str, max_iter: int,
              random_state, recorder: Callable[[], Any], fast: bool) -> tuple[tuple, Any, bool]:
    """One Lloyd run from ``C0`` (in the space's coordinates); prior validation is assumed.

    On scikit-learn's kernel when ``fast``, else on the numpy loop. If the kernel fails, the
    run starts over on the numpy loop from the same centres with a fresh ``recorder()``
    (the first history is half-written), and the failure is logged.

    Returns
    -------
    out : tuple
        ``(labels, centers, inertia, n_iter)``, centres in the space's coordinates.
    rec
        The recorder ``recorder()`` made that holds this run's history (or None).
    fast : bool
        Whether the kernel may be tried for a next run.
    """
    rec, out = recorder(), None
    if fast:
        try:
            out = lloyd_fast(space.Xw, C0, max_iter=max_iter, tol_abs=space.tol_abs, recorder=rec)
        except KernelFailed as exc:
            _log.warning("%s; the fit continues on the numpy path", exc)
            fast, rec = False, recorder()
    if out is None:
        out = lloyd_generic(space.Xw, C0, metric=distance, rule=CENTER_RULES[center],
                            max_iter=max_iter, tol_abs=space.tol_abs, random_state=random_state,
                            recorder=rec, X_unit=space.X_unit)
    return out, rec, fast


def _kmeans(X, n_clusters, init, distance, center, n_init, max_iter, tol, random_state,
            history) -> KMeansResult:
    """Worker for :func:`kmeans` and :class:`KMeans`; prior validation of data is assumed."""
    if distance == "cosine":
        check_cosine_rows(X)
    is_array = not isinstance(init, str) and not callable(init)
    if is_array and n_init != 1:
        warnings.warn(
            f"An explicit init array gives the same run every time: running 1 init, "
            f"not n_init={n_init}.", RuntimeWarning, stacklevel=3,
        )
        n_init = 1
    space = lloyd_space(X, distance, center, tol)
    offset, fast = space.offset, space.fast

    rng = check_random_state(random_state)
    if n_init == 1:
        run_rngs = [rng]
        seeds = [int(random_state) if isinstance(random_state, Integral) else None]
    else:
        seeds = [int(s) for s in rng.randint(np.iinfo(np.int32).max, size=n_init)]
        run_rngs = [np.random.RandomState(s) for s in seeds]

    def recorder(C0):
        if not history:
            return None
        rec = HistoryRecorder(X.shape[0], n_clusters, 2 * max_iter + 2, offset)
        rec.add("init", 0, C0, np.nan, 0.0, 0)
        return rec

    small = X.shape[0] * n_clusters <= SINGLE_THREAD_MAX_WORK
    best, runs = None, []
    with thread_limit(1) if small else nullcontext():
        for seed, run_rng in zip(seeds, run_rngs, strict=True):
            if is_array:
                C0 = initial_centers(X, n_clusters, init, distance=distance)
                C0 = C0 - offset if offset is not None else C0
            else:
                C0 = initial_centers(space.Xw, n_clusters, init, distance=distance,
                                     random_state=run_rng, centered=offset is not None)
            # After a kernel failure, later runs of this fit skip the kernel.
            out, rec, fast = lloyd_run(space, C0, distance=distance, center=center,
                                       max_iter=max_iter, random_state=run_rng,
                                       recorder=partial(recorder, C0), fast=fast)
            labels, C, inertia, n_iter = out
            runs.append({"seed": seed, "objective": inertia, "n_iter": n_iter})
            if best is None or inertia < best[2]:
                best = (labels, C, inertia, n_iter, rec)
    labels, C, inertia, n_iter, rec = best
    centers = C + offset if offset is not None else C
    found = int(np.count_nonzero(np.bincount(labels, minlength=n_clusters)))
    if found < n_clusters:
        warnings.warn(
            f"Number of distinct clusters ({found}) found smaller than n_clusters "
            f"({n_clusters}). Possibly due to duplicate points in X.",
            ConvergenceWarning, stacklevel=3,
        )
    return KMeansResult(
        labels=labels, centers=centers, inertia=inertia, n_iter=n_iter,
        history=rec.finish() if rec is not None else None, runs=runs, center=center,
    )


class KMeans(ClassNamePrefixFeaturesOutMixin, TransformerMixin, ClusterMixin, BaseEstimator):
    """scikit-learn compatible k-means with a choice of distance, centre rule and init.

    A thin wrapper around :func:`kmeans`; parameters as there.

    Attributes
    ----------
    labels_ : ndarray of int32, shape (n,)
    cluster_centers_ : ndarray of shape (n_clusters, d)
    inertia_ : float
        Objective of the chosen distance on the training data.
    n_iter_ : int
    history_ : History or None
    runs_ : list of dict
        ``seed``, ``objective``, ``n_iter`` per init.
    center_ : str
        The centre rule used (resolved from ``center=None``).
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when fitted on a DataFrame with string column names.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 2], [1, 4], [1, 0], [10, 2], [10, 4], [10, 0]])
    >>> km = KMeans(n_clusters=2, random_state=0).fit(X)
    >>> sorted(km.cluster_centers_.tolist())
    [[1.0, 2.0], [10.0, 2.0]]
    """

    _parameter_constraints: dict = {
        "n_clusters": [Interval(Integral, 1, None, closed="left")],
        "init": [StrOptions(set(INIT_METHODS)), callable, "array-like"],
        "distance": [StrOptions(set(DISTANCES))],
        "center": [StrOptions(set(CENTER_RULES)), None],
        "n_init": [Interval(Integral, 1, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "random_state": ["random_state"],
        "history": ["boolean"],
    }

    def __init__(self, n_clusters=8, *, init="k-means++", distance="euclidean", center=None,
                 n_init=1, max_iter=300, tol=1e-4, random_state=None, history=True):
        self.n_clusters = n_clusters
        self.init = init
        self.distance = distance
        self.center = center
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state
        self.history = history

    def _check_params_vs_input(self, X) -> None:
        if X.shape[0] < self.n_clusters:
            raise ValueError(
                f"n_samples={X.shape[0]} should be >= n_clusters={self.n_clusters}."
            )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Fit on ``X`` of shape (n, d); ``y`` is ignored. Returns ``self``."""
        X = validate_data(self, X, dtype=np.float64, order="C")
        self._check_params_vs_input(X)
        center = resolve_center(self.distance, self.center)
        res = _kmeans(X, self.n_clusters, self.init, self.distance, center, self.n_init,
                      self.max_iter, self.tol, self.random_state, self.history)
        self.labels_ = res.labels
        self.cluster_centers_ = res.centers
        self.inertia_ = res.inertia
        self.n_iter_ = res.n_iter
        self.history_ = res.history
        self.runs_ = res.runs
        self.center_ = res.center
        self._n_features_out = self.n_clusters
        return self

    def _assign(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, order="C", reset=False)
        if self.distance == "cosine":
            check_cosine_rows(X)
        return assign(X, self.cluster_centers_, self.distance)

    def predict(self, X):
        """Index of the nearest centre (chosen distance) for each row of ``X``, shape (n,)."""
        return self._assign(X)[0]

    def transform(self, X):
        """Distances (chosen distance, not squared) to every centre, shape (n, n_clusters)."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, order="C", reset=False)
        return pairwise(X, self.cluster_centers_, self.distance)

    def score(self, X, y=None):
        """Opposite of the objective of ``X`` against the fitted centres (higher is better)."""
        return -float(self._assign(X)[1].sum())
