"""scikit-learn's private k-means kernels, behind one guard: the only private sklearn imports.

The euclidean/mean Lloyd loop (:mod:`clustering.engine._lloyd`) and colour quantization's
pixel mapping drive scikit-learn's compiled kernels (``lloyd_iter_chunked_dense``,
``_inertia_dense``) and its OpenMP/threadpool helpers. They are private API with no
compatibility promise, so:

- they are imported here and nowhere else, inside ``try`` (any exception, not only
  ``ImportError``, means "unavailable");
- at import, :func:`_probe` calls them once in every shape the callers use (an update step,
  an update step that relocates an empty cluster, an assign-only step with
  ``update_centers=False``, the inertia, the thread count) on a tiny hand-checked problem.
  The outcome is the constant :data:`PROBLEM` (None when all is well);
- at run time every call goes through a wrapper that turns any exception into
  :class:`KernelFailed`, so a caller can finish the job on its numpy path: a fit started
  on the kernel that hits a renamed keyword restarts from the same initial centres in numpy
  and returns the same answer (``clustering.engine._kmeans``); quantization maps pixels with
  a KD-tree instead (:func:`kernel_assign` returns None).

Nothing is cached or switched off at run time: a failure costs the fit that meets it one
restart, and the next fit tries the kernel again (this module holds no mutable state).

The scikit-learn versions the tests cover are pinned in ``pyproject.toml``;
``tests/engine/test_sklearn_kernel.py`` fails with a clear message outside that range.
"""

from __future__ import annotations

import logging

import numpy as np
from threadpoolctl import threadpool_limits

__all__ = [
    "PROBLEM",
    "KernelFailed",
    "effective_threads",
    "fast_kernel_available",
    "kernel_assign",
    "kernel_assign_step",
    "kernel_inertia",
    "kernel_lloyd_step",
    "relocated_rows",
    "thread_limit",
]

_log = logging.getLogger(__name__)

# Pixel mapping calls the kernel on blocks of this many rows, so its weight vector (8 bytes a
# row) stays small whatever the image size.
_ASSIGN_BLOCK = 1 << 20


class KernelFailed(RuntimeError):
    """scikit-learn's kernel is unavailable or raised; the caller falls back to numpy."""


def _import():
    """The private functions, or the exception that stopped their import."""
    try:
        from sklearn.cluster._k_means_common import _inertia_dense
        from sklearn.cluster._k_means_lloyd import lloyd_iter_chunked_dense
        from sklearn.utils._openmp_helpers import _openmp_effective_n_threads
    except Exception as exc:  # any import-time failure means "use numpy"
        return None, exc
    return (lloyd_iter_chunked_dense, _inertia_dense, _openmp_effective_n_threads), None


def _import_controller():
    """scikit-learn's shared ThreadpoolController getter, or None."""
    try:
        from sklearn.utils.parallel import _get_threadpool_controller
    except Exception:
        return None
    return _get_threadpool_controller


def relocated_rows(X, centers_old, labels, empties):
    """Rows scikit-learn's kernel moves into the empty clusters (the expression it uses).

    Parameters
    ----------
    X : ndarray of shape (n, d)
    centers_old : ndarray of shape (k, d)
        Centres the step assigned to.
    labels : ndarray of int, shape (n,)
    empties : ndarray of int, shape (m,)
        Clusters left without points.

    Returns
    -------
    terms : ndarray of shape (n,)
        Squared distance of every row to its centre.
    rows : ndarray of int, shape (m,), or None
        Row taken by each empty cluster, farthest first; None when every row sits on its
        centre (nothing is moved).
    """
    terms = ((X - centers_old[labels]) ** 2).sum(axis=1)
    if np.max(terms) == 0:
        return terms, None
    n_empty = empties.size
    return terms, np.argpartition(terms, -n_empty)[: -n_empty - 1 : -1]


def _probe(lloyd_iter, inertia, n_threads) -> str | None:
    """Call the kernels in every shape the engine uses; None if all answers are right."""
    try:
        threads = n_threads()
        if not isinstance(threads, int) or threads < 1:
            return f"_openmp_effective_n_threads() returned {threads!r}"
        # Three tight groups; the third centre starts far away, so its cluster empties at the
        # first update and takes the point farthest from its centre (row 5), as relocated_rows
        # predicts.
        X = np.array([[0.0, 0], [0.3, 0], [0, 0.3], [10, 10], [10.2, 10], [50, 50]])
        w = np.ones(6)
        C = np.array([[0.0, 0], [10, 10], [100, 100]])
        C_new, in_cluster, shift = np.empty((3, 2)), np.empty(3), np.empty(3)
        labels = np.full(6, -1, dtype=np.int32)
        lloyd_iter(X, w, C, C_new, in_cluster, labels, shift, 1)
        _, rows = relocated_rows(X, C, labels, np.array([2]))
        want = np.array([[0.1, 0.1], [10.1, 10], [50, 50]])
        if (labels.tolist() != [0, 0, 0, 1, 1, 1] or rows is None or rows.tolist() != [5]
                or not np.allclose(C_new, want) or in_cluster.tolist() != [3, 2, 1]
                or not np.allclose(shift, np.sqrt(((want - C) ** 2).sum(axis=1)))):
            return "the update step or its empty-cluster relocation gave unexpected results"
        # Assign only (the final E-step and pixel mapping): labels change, centres do not.
        C_fixed = C_new.copy()
        lloyd_iter(X, w, C_fixed, C_fixed, in_cluster, labels, shift, 1, update_centers=False)
        if labels.tolist() != [0, 0, 0, 1, 1, 2] or not np.array_equal(C_fixed, C_new):
            return "the assign-only step (update_centers=False) gave unexpected results"
        value = inertia(X, w, C_fixed, labels, 1)
        if not np.isclose(value, 4 * 0.1**2 + 2 * 0.2**2 + 2 * 0.1**2):
            return f"_inertia_dense returned {value!r}"
    except Exception as exc:  # any failure means "use numpy"
        return f"{type(exc).__name__}: {exc}"
    return None


def _start_up():
    """(functions, None) when the kernel imports and passes :func:`_probe`, else (None, why)."""
    functions, error = _import()
    if functions is None:
        problem = f"import failed ({type(error).__name__}: {error})"
    else:
        problem = _probe(*functions)
    if problem is None:
        return functions, None
    _log.warning("scikit-learn's Lloyd kernel is not used: %s. k-means runs on the numpy "
                 "path (same results, about twice as slow).", problem)
    return None, problem


# Set once, at import; never changed afterwards.
_FUNCTIONS, PROBLEM = _start_up()
_CONTROLLER = _import_controller()


def fast_kernel_available() -> bool:
    """True when scikit-learn's Lloyd kernel imported and passed the start-up check."""
    return _FUNCTIONS is not None


def _call(index: int, *args, **kwargs):
    if _FUNCTIONS is None:
        raise KernelFailed(f"scikit-learn's kernel is unavailable: {PROBLEM}")
    try:
        return _FUNCTIONS[index](*args, **kwargs)
    except Exception as exc:  # reported to the caller, which falls back
        raise KernelFailed(f"scikit-learn's kernel failed: {type(exc).__name__}: {exc}") \
            from exc


def effective_threads() -> int:
    """OpenMP threads scikit-learn would use here (honours :func:`thread_limit`)."""
    return int(_call(2))


def kernel_lloyd_step(X, weights, centers, centers_new, in_cluster, labels, shift, n_threads):
    """One assign + update step in place (empty clusters relocated); see ``_probe``.

    Raises
    ------
    KernelFailed
    """
    _call(0, X, weights, centers, centers_new, in_cluster, labels, shift, n_threads)


def kernel_assign_step(X, weights, centers, labels, n_threads, scratch=None) -> None:
    """Nearest centre of every row into ``labels`` (int32, in place); centres unchanged.

    ``scratch``: two float64 arrays of shape (k,) the kernel may write (allocated if None).

    Raises
    ------
    KernelFailed
    """
    k = centers.shape[0]
    in_cluster, shift = scratch if scratch is not None else (np.empty(k), np.empty(k))
    _call(0, X, weights, centers, centers, in_cluster, labels, shift, n_threads,
          update_centers=False)


def kernel_inertia(X, weights, centers, labels, n_threads) -> float:
    """Sum of weighted squared distances of the rows to their centres.

    Raises
    ------
    KernelFailed
    """
    return float(_call(1, X, weights, centers, labels, n_threads))


def kernel_assign(points, centers) -> np.ndarray | None:
    """Nearest centre (euclidean, ties to the lower index) by scikit-learn's kernel.

    Parameters
    ----------
    points : ndarray of float64, shape (n, d), C-contiguous
    centers : ndarray of float64, shape (k, d), C-contiguous

    Returns
    -------
    ndarray of int32, shape (n,), or None
        None when the kernel is unavailable or fails: the caller uses its own path.
    """
    if _FUNCTIONS is None:
        return None
    n, k = points.shape[0], centers.shape[0]
    labels = np.empty(n, dtype=np.int32)
    try:
        threads = effective_threads()
        weights = np.ones(min(n, _ASSIGN_BLOCK))
        scratch = (np.empty(k), np.empty(k))
        for start in range(0, n, _ASSIGN_BLOCK):
            block = points[start:start + _ASSIGN_BLOCK]
            kernel_assign_step(block, weights[: block.shape[0]], centers,
                               labels[start:start + _ASSIGN_BLOCK], threads, scratch)
    except KernelFailed as exc:
        _log.warning("%s; mapping falls back to the caller's path", exc)
        return None
    return labels


def thread_limit(limits: int, user_api: str | None = None):
    """``threadpoolctl`` limit as a context manager, through scikit-learn's shared controller.

    ``threadpool_limits(...)`` rescans the loaded libraries on every call (3-4 ms measured
    here, more than a whole Iris fit); scikit-learn keeps one ``ThreadpoolController`` for
    that reason (about 15 us a limit). If its getter is missing or fails, the plain
    ``threadpool_limits`` is used.
    """
    if _CONTROLLER is not None:
        try:
            return _CONTROLLER().limit(limits=limits, user_api=user_api)
        except Exception:  # the plain call below does the same, slower
            pass
    return threadpool_limits(limits=limits, user_api=user_api)
