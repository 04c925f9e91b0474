"""Lloyd iterations with history: a fast euclidean/mean path and a generic numpy path.

Both loops follow scikit-learn's ``_kmeans_single_lloyd`` exactly: one assign + update per
iteration; strict convergence when labels do not change; otherwise stop when the total squared
centre shift is <= ``tol_abs``; after a non-strict stop, one more assign step so labels match
the final centres; empty clusters take the points farthest from their centres. Prior
validation of data is assumed throughout.

The fast path drives scikit-learn's own compiled kernel one iteration at a time, which is
what makes labels, centres and ``n_iter`` identical to ``sklearn.cluster.KMeans``. That kernel
is private API, reached only through :mod:`clustering.engine._sklearn_kernel` (checked at
import in every call shape used here); any failure there raises ``KernelFailed`` out of
:func:`lloyd_fast`, and the caller reruns the fit on :func:`lloyd_generic` (same results up to
rounding, about twice as slow).

Per-step objectives on the fast path cost O(k d), not a pass over the data: on mean-centred X,
with ``n_j`` members, new centre ``m_j`` (their mean) and old centre ``c_j``,

    J_update = sum ||x||^2 - sum_j n_j ||m_j||^2
    J_assign = J_update + sum_j n_j ||c_j - m_j||^2.

Both are exact algebra, but the first subtracts two large numbers: its rounding error is about
``1e-16 * sum ||x||^2``. When ``J_update`` is below ``_CANCELLATION * sum ||x||^2`` (tight,
far-apart clusters) it is recomputed directly (one O(n d) pass) so every recorded objective
keeps ~1e-9 relative accuracy (tested against direct sums). The final objective
(``inertia``) is always computed directly, as scikit-learn does.
"""

from __future__ import annotations

import numpy as np

from clustering.engine._centers import normalized_mean
from clustering.engine._distances import assign, objective_terms, unit_rows
from clustering.engine._history import HistoryRecorder
from clustering.engine._sklearn_kernel import (
    effective_threads,
    kernel_assign_step,
    kernel_inertia,
    kernel_lloyd_step,
    relocated_rows,
    thread_limit,
)

__all__ = ["lloyd_fast", "lloyd_generic"]

# Below this fraction of sum ||x||^2 the update objective is recomputed directly.
_CANCELLATION = 1e-7


def lloyd_fast(X, centers_init, *, max_iter, tol_abs, recorder: HistoryRecorder | None):
    """Euclidean/mean Lloyd on mean-centred, C-contiguous float64 ``X`` via sklearn's kernel.

    Raises
    ------
    KernelFailed
        scikit-learn's kernel is unavailable or raised; ``recorder`` is then half-written
        and the caller starts over on :func:`lloyd_generic`.

    Returns
    -------
    labels : ndarray of int32, shape (n,)
    centers : ndarray of shape (k, d), in the centred space
    inertia : float
    n_iter : int
    """
    n, k = X.shape[0], centers_init.shape[0]
    n_threads = effective_threads()
    weights = np.ones(n)
    centers = np.ascontiguousarray(centers_init, dtype=np.float64).copy()
    centers_new = np.zeros_like(centers)
    in_cluster = np.zeros(k)
    shift = np.zeros(k)
    labels, labels_old = np.full(n, -1, dtype=np.int32), np.full(n, -1, dtype=np.int32)
    shown = labels_old  # labels of the last recorded step (differ after a relocation)
    strict = False
    with thread_limit(1, "blas"):
        # Inside the limit: multi-threaded BLAS workers left spinning would compete with
        # the kernel's OpenMP threads for the cores.
        total_sq = float(np.dot(X.ravel(), X.ravel())) if recorder is not None else 0.0
        for i in range(max_iter):
            kernel_lloyd_step(X, weights, centers, centers_new, in_cluster, labels, shift,
                              n_threads)
            shift_tot = float((shift**2).sum())
            changed = int(np.count_nonzero(labels != labels_old))
            empties = None
            # A relocated cluster ends with weight exactly 1; only then is a count worth it.
            if in_cluster.min() <= 1.0:
                counts = np.bincount(labels, minlength=k)
                if (counts == 0).any():
                    empties = np.flatnonzero(counts == 0)
            if recorder is not None:
                shown = _record_fast(
                    recorder, i + 1, X, centers, centers_new, in_cluster, labels, shown,
                    changed if shown is labels_old else None, total_sq, shift_tot, empties,
                    weights, n_threads,
                )
            centers, centers_new = centers_new, centers
            if changed == 0:
                strict = True
                break
            if shift_tot <= tol_abs:
                break
            labels, labels_old = labels_old, labels
        if not strict:
            if shown is labels:
                shown = labels.copy()  # the final assign overwrites this buffer
            kernel_assign_step(X, weights, centers, labels, n_threads, (in_cluster, shift))
        inertia = kernel_inertia(X, weights, centers, labels, n_threads)
    if recorder is not None:
        if not strict:
            recorder.add(
                "assign", i + 2, centers, inertia, 0.0,
                np.count_nonzero(labels != shown), labels,
            )
        else:
            recorder.objective[-1] = inertia
    return labels, centers, inertia, i + 1


def _record_fast(rec, it, X, c_old, c_new, in_cluster, labels, shown, n_changed, total_sq,
                 shift_tot, empties, weights, n_threads):
    """Record the assign and update steps of one fast iteration; return the shown labels."""
    if n_changed is None:  # the previous update relocated points: compare with what it showed
        n_changed = int(np.count_nonzero(labels != shown))
    if empties is None:
        diff = c_old - c_new
        j_update = total_sq - float(in_cluster @ np.einsum("ij,ij->i", c_new, c_new))
        if j_update < _CANCELLATION * total_sq:
            j_update = kernel_inertia(X, weights, c_new, labels, n_threads)
        j_assign = j_update + float(in_cluster @ np.einsum("ij,ij->i", diff, diff))
        rec.add("assign", it, c_old, max(j_assign, 0.0), 0.0, n_changed, labels)
        rec.add("update", it, c_new, max(j_update, 0.0), shift_tot, 0)
        return labels
    # Rare: the kernel relocated empty clusters. Recompute what it did, and show the moved
    # points in their new clusters so the update step's labels match its centres.
    terms, rows = relocated_rows(X, c_old, labels, empties)
    rec.add("assign", it, c_old, terms.sum(), 0.0, n_changed, labels)
    moved = labels.copy()
    if rows is not None:
        moved[rows] = empties
    j_update = objective_terms(X, c_new, moved, "euclidean").sum()
    step = rec.add("update", it, c_new, j_update, shift_tot,
                   0 if rows is None else rows.size, moved)
    if rows is not None:
        for cluster, row in zip(empties, rows, strict=True):
            rec.event(step, cluster, row)
    return moved


def _objective(X, C, labels, metric, X_unit=None) -> float:
    """Objective of (labels, C); for cosine from the precomputed unit rows."""
    if metric != "cosine" or X_unit is None:
        return float(objective_terms(X, C, labels, metric).sum())
    cos = np.einsum("ij,ij->i", X_unit, unit_rows(C)[labels])
    return float(np.maximum(1.0 - cos, 0.0).sum())


def lloyd_generic(
    X, centers_init, *, metric, rule, max_iter, tol_abs, random_state,
    recorder: HistoryRecorder | None, X_unit=None,
):
    """Lloyd for any distance and centre rule, in chunked numpy.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    centers_init : ndarray of shape (k, d)
    metric : str
    rule : callable from :data:`clustering.engine.CENTER_RULES`
    max_iter : int
    tol_abs : float
        Absolute tolerance on the total squared centre shift.
    random_state : RandomState
        Passed to the rule (medoid sampling).
    recorder : HistoryRecorder or None
    X_unit : ndarray of shape (n, d), optional
        Row-normalised X, for cosine.

    Returns
    -------
    labels, centers, inertia, n_iter
        As :func:`lloyd_fast` (centres in the space of ``X``).
    """
    n, k = X.shape[0], centers_init.shape[0]
    # normalized-mean only needs directions; handing it the unit rows saves renormalising.
    X_rule = X_unit if X_unit is not None and rule is normalized_mean else X
    centers = np.array(centers_init, dtype=np.float64)
    labels_old = np.full(n, -1, dtype=np.int32)
    shown = labels_old
    strict = False
    for i in range(max_iter):
        labels, terms = assign(X, centers, metric, X_unit=X_unit)
        changed = int(np.count_nonzero(labels != labels_old))
        if recorder is not None:
            recorder.add("assign", i + 1, centers, terms.sum(), 0.0,
                         np.count_nonzero(labels != shown), labels)
        new = rule(X_rule, labels, k, metric=metric, previous=centers,
                   random_state=random_state)
        empties = np.flatnonzero(np.bincount(labels, minlength=k) == 0)
        moved, rows = labels, None
        if empties.size and terms.max() > 0:
            # As scikit-learn: each empty cluster takes one of the points farthest from
            # their centres; the clusters they left are recomputed without them.
            rows = np.argpartition(terms, -empties.size)[: -empties.size - 1 : -1]
            moved = labels.copy()
            moved[rows] = empties
            new = rule(X_rule, moved, k, metric=metric, previous=centers,
                       random_state=random_state)
        shift_tot = float(((new - centers) ** 2).sum())
        if recorder is not None:
            j_update = _objective(X, new, moved, metric, X_unit)
            step = recorder.add("update", i + 1, new, j_update, shift_tot,
                                0 if rows is None else rows.size,
                                None if rows is None else moved)
            for cluster, row in zip(empties, rows if rows is not None else [], strict=False):
                recorder.event(step, cluster, row)
        shown, centers, labels_old = moved, new, labels
        if changed == 0:
            strict = True
            break
        if shift_tot <= tol_abs:
            break
    if strict:
        inertia = _objective(X, centers, labels, metric, X_unit)
        if recorder is not None:
            recorder.objective[-1] = inertia
    else:
        labels, terms = assign(X, centers, metric, X_unit=X_unit)
        inertia = float(terms.sum())
        if recorder is not None:
            recorder.add("assign", i + 2, centers, inertia, 0.0,
                         np.count_nonzero(labels != shown), labels)
    return labels, centers, inertia, i + 1
