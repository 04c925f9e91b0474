"""k-means over a table larger than memory, in passes over its batches.

1. *scan*: count rows, fit ``StandardScaler.partial_fit`` on every batch, keep a seeded
   reservoir of rows to initialise on (scikit-learn's ``KMeans``, k-means++, on that sample);
2. *fit*: passes of ``MiniBatchKMeans.partial_fit``, or exact Lloyd passes (one iteration per
   pass: assign every row, then move each center to the mean of its rows), until the centers
   move less than ``tol`` or ``max_iter`` passes;
3. *final*: inertia, counts and per-cluster means in the table's units at the final centers,
   and a seeded reservoir sample of rows with their labels for display.

Memory is bounded by the batch size, the read-ahead, the init sample and the display sample,
never by the number of rows.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state

from clustering.big._run import (
    CLUSTER_COLUMN,
    DEFAULT_SAMPLE_SIZE,
    SCALES,
    Progress,
    ProgressCallback,
    RunSummary,
    check_int,
    versions,
)
from clustering.big._source import DEFAULT_BATCH_SIZE, Source, SourceError, open_source

METHODS = ("minibatch", "lloyd")
#: Most clusters a fit may ask for (a run file is refused above it too).
MAX_CLUSTERS = 1_000
#: Rows kept during the scan to pick the initial centers on (at least 100 per cluster).
INIT_SAMPLE_SIZE = 20_000
#: Restarts of k-means++ on the init sample (the best is kept).
INIT_RESTARTS = 3


def stream_fit(source: str | os.PathLike | Source, n_clusters: int, *,
               columns: list[str] | None = None, scale: str = "standard",
               method: str = "minibatch", max_iter: int = 20, tol: float = 1e-4,
               batch_size: int = DEFAULT_BATCH_SIZE, sample_size: int = DEFAULT_SAMPLE_SIZE,
               random_state: int | np.random.RandomState | None = None,
               progress: ProgressCallback | None = None) -> RunSummary:
    """Fit k-means on every row of a Parquet/CSV file or folder, reading it in batches.

    Parameters
    ----------
    source : str, path-like or Source
        A file or folder (see :func:`open_source`), or one already opened.
    n_clusters : int
        k, from 1 to ``MAX_CLUSTERS``.
    columns : list of str, optional
        Numeric columns to fit (default: every numeric column). Ignored for an opened Source.
    scale : {"standard", "none"}
        Standardise each column (mean 0, population standard deviation 1) or use raw values.
    method : {"minibatch", "lloyd"}
        ``MiniBatchKMeans.partial_fit`` on every batch of each pass, or one exact Lloyd
        iteration per pass.
    max_iter : int
        Most passes of the fit stage.
    tol : float
        Stop when the centers move less than ``tol`` times the mean feature variance (squared
        distance, summed over centers) in one pass.
    batch_size : int
        Rows read per batch.
    sample_size : int
        Rows kept (seeded reservoir sample) with their labels for display.
    random_state : int, RandomState or None
    progress : callable, optional
        Called with a :class:`Progress` after every batch.

    Returns
    -------
    RunSummary

    Raises
    ------
    SourceError
        The source or a column is unusable, a batch cannot be read, or the table has fewer
        complete rows than ``n_clusters``.
    ValueError
        A parameter is out of range.
    """
    check_int("n_clusters", n_clusters, 1, MAX_CLUSTERS)
    check_int("max_iter", max_iter, 1, 10_000)
    check_int("batch_size", batch_size, 1, 10_000_000)
    check_int("sample_size", sample_size, 0, 1_000_000)
    if scale not in SCALES:
        raise ValueError(f"scale={scale!r} should be one of {', '.join(SCALES)}.")
    if method not in METHODS:
        raise ValueError(f"method={method!r} should be one of {', '.join(METHODS)}.")
    if not (isinstance(tol, (int, float)) and np.isfinite(tol) and tol >= 0):
        raise ValueError(f"tol={tol!r} should be a number >= 0.")
    if not isinstance(source, Source):
        source = open_source(source, columns)
    rng = check_random_state(random_state)
    settings = {"source": source.name, "n_clusters": n_clusters, "columns": list(source.columns),
                "scale": scale, "method": method, "max_iter": max_iter, "tol": float(tol),
                "batch_size": batch_size, "sample_size": sample_size,
                "seed": random_state if isinstance(random_state, int) else None}
    return _fit(source, n_clusters, scale, method, max_iter, float(tol), batch_size,
                sample_size, rng, progress or _silent, settings)


@dataclass
class _Passes:
    """Bookkeeping shared by the passes: progress numbering and timings."""

    source: Source
    batch_size: int
    progress: ProgressCallback
    steps: int
    total: int | None
    step: int = 0

    def read(self, stage: str) -> Iterator[np.ndarray]:
        self.step += 1
        done = 0
        for X in _even(self.source.batches(self.batch_size), self.batch_size):
            yield X
            done += X.shape[0]
            self.progress(Progress(stage, self.step, self.steps, done, self.total))


def _fit(source: Source, k: int, scale: str, method: str, max_iter: int, tol: float,
         batch_size: int, sample_size: int, rng: np.random.RandomState,
         progress: ProgressCallback, settings: dict) -> RunSummary:
    """The three stages; prior validation of the parameters is assumed."""
    passes = _Passes(source, batch_size, progress, max_iter + 2, source.n_rows)
    timings: list[tuple[str, float]] = []
    d = len(source.columns)

    start = time.perf_counter()
    scaler = StandardScaler()
    init_pool = _Reservoir(max(INIT_SAMPLE_SIZE, 100 * k), d, rng)
    n_rows = n_seen = 0
    for X in passes.read("scan"):
        n_seen += X.shape[0]
        X = _finite(X)
        if X.shape[0]:
            scaler.partial_fit(X)
            init_pool.offer(X, np.zeros(X.shape[0], dtype=np.int64), n_rows)
            n_rows += X.shape[0]
    timings.append(("scan", time.perf_counter() - start))
    passes.total = n_seen
    if n_rows == 0:
        why = f" ({n_seen:,} rows, none complete)" if n_seen else ""
        raise SourceError(f"{source.name} has no rows to cluster{why}.")
    if n_rows < k:
        raise SourceError(f"{source.name} has {n_rows:,} complete rows, fewer than "
                          f"n_clusters={k}.")
    mean = scaler.mean_ if scale == "standard" else None
    std = scaler.scale_ if scale == "standard" else None

    def to_fit(X: np.ndarray) -> np.ndarray:
        return X if mean is None else (X - mean) / std

    fit_var = scaler.var_ if std is None else scaler.var_ / std**2
    tol_abs = float(np.mean(fit_var)) * tol
    initial = KMeans(k, n_init=INIT_RESTARTS, random_state=rng.randint(2**31 - 1)).fit(
        to_fit(init_pool.values())).cluster_centers_
    del init_pool

    fit_seed = rng.randint(2**31 - 1)
    centers = initial.copy()
    costs: list[float | None] = []
    shifts: list[float | None] = []
    converged = False
    learner = MiniBatchKMeans(k, init=initial, n_init=1, batch_size=batch_size,
                              compute_labels=False, random_state=fit_seed)
    for _ in range(max_iter):
        start = time.perf_counter()
        before = centers.copy()
        if method == "minibatch":
            for X in passes.read("fit"):
                X = _finite(X)
                if X.shape[0]:
                    learner.partial_fit(to_fit(X))
            centers = learner.cluster_centers_.copy()
            costs.append(None)
        else:
            cost, centers = _lloyd_pass(passes.read("fit"), centers, to_fit)
            costs.append(cost)
        shift = float(((centers - before) ** 2).sum())
        shifts.append(shift)
        timings.append(("fit", time.perf_counter() - start))
        if shift <= tol_abs:
            converged = True
            break

    start = time.perf_counter()
    passes.step = passes.steps - 1
    final = _final_pass(passes.read("final"), centers, to_fit, sample_size, rng)
    timings.append(("final", time.perf_counter() - start))
    inertia, counts, sums, sample = final
    means = np.full_like(sums, np.nan)
    filled = counts > 0
    means[filled] = sums[filled] / counts[filled, None]
    original = centers if mean is None else centers * std + mean
    frame = pd.DataFrame(sample[0], columns=list(source.columns))
    frame[CLUSTER_COLUMN] = sample[1]
    return RunSummary(
        engine="stream", method=method, settings=settings, versions=versions(),
        columns=source.columns, n_rows=n_rows, n_skipped=n_seen - n_rows,
        scale_mean=None if mean is None else mean.copy(),
        scale_std=None if std is None else std.copy(),
        centers_scaled=centers, centers=original, means=means, counts=counts,
        inertia=inertia, n_iter=len(shifts), converged=converged,
        cost_history=tuple(costs), shift_history=tuple(shifts), sample=frame,
        timings=tuple(timings))


def _lloyd_pass(batches, centers: np.ndarray, to_fit) -> tuple[float, np.ndarray]:
    """One exact Lloyd iteration: the objective at ``centers`` and the updated centers.

    A cluster that receives no row keeps its center (a second pass to find a far point
    would double the cost of the iteration).
    """
    k, d = centers.shape
    sums = np.zeros((k, d))
    counts = np.zeros(k, dtype=np.int64)
    cost = 0.0
    for X in batches:
        X = _finite(X)
        if not X.shape[0]:
            continue
        Xf = to_fit(X)
        labels, d2 = _assign(Xf, centers)
        cost += float(d2.sum())
        counts += np.bincount(labels, minlength=k)
        for j in range(d):
            sums[:, j] += np.bincount(labels, weights=Xf[:, j], minlength=k)
    updated = centers.copy()
    filled = counts > 0
    updated[filled] = sums[filled] / counts[filled, None]
    return cost, updated


def _final_pass(batches, centers: np.ndarray, to_fit, sample_size: int,
                rng: np.random.RandomState):
    k, d = centers.shape
    sums = np.zeros((k, d))
    counts = np.zeros(k, dtype=np.int64)
    inertia = 0.0
    sample = _Reservoir(sample_size, d, rng)
    used = 0
    for X in batches:
        X = _finite(X)
        if not X.shape[0]:
            continue
        labels, d2 = _assign(to_fit(X), centers)
        inertia += float(d2.sum())
        counts += np.bincount(labels, minlength=k)
        for j in range(d):
            sums[:, j] += np.bincount(labels, weights=X[:, j], minlength=k)
        sample.offer(X, labels, used)
        used += X.shape[0]
    return inertia, counts, sums, (sample.values(), sample.labels())


def _assign(X: np.ndarray, centers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest center of each row and the squared distance to it."""
    d2 = (X**2).sum(axis=1)[:, None] - 2.0 * (X @ centers.T) + (centers**2).sum(axis=1)
    labels = d2.argmin(axis=1)
    best = np.maximum(d2[np.arange(X.shape[0]), labels], 0.0)
    return labels, best


class _Reservoir:
    """A uniform sample of ``size`` rows of a stream, seeded, in the stream's order.

    Every row gets a uniform random key and the ``size`` smallest keys are kept, so the
    sample is the same for the same seed and order, and memory is O(size).
    """

    def __init__(self, size: int, d: int, rng: np.random.RandomState):
        self._size, self._rng = size, rng
        self._keys = np.empty(0)
        self._rows = np.empty((0, d))
        self._labels = np.empty(0, dtype=np.int64)
        self._order = np.empty(0, dtype=np.int64)

    def offer(self, X: np.ndarray, labels: np.ndarray, first: int) -> None:
        keys = self._rng.random_sample(X.shape[0])
        if not self._size:
            return
        order = np.arange(first, first + X.shape[0])
        if self._keys.size == self._size:
            take = keys < self._keys.max()
            keys, X, labels, order = keys[take], X[take], labels[take], order[take]
        keys = np.concatenate([self._keys, keys])
        rows = np.concatenate([self._rows, X])
        labels = np.concatenate([self._labels, labels])
        order = np.concatenate([self._order, order])
        if keys.size > self._size:
            keep = np.argpartition(keys, self._size - 1)[: self._size]
            keys, rows, labels, order = keys[keep], rows[keep], labels[keep], order[keep]
        self._keys, self._rows, self._labels, self._order = keys, rows, labels, order

    def values(self) -> np.ndarray:
        return self._rows[np.argsort(self._order, kind="stable")]

    def labels(self) -> np.ndarray:
        return self._labels[np.argsort(self._order, kind="stable")]


def _even(batches: Iterator[np.ndarray], size: int) -> Iterator[np.ndarray]:
    """Join the small batches pyarrow yields at row-group ends, so each step sees ~size rows."""
    held: list[np.ndarray] = []
    rows = 0
    for X in batches:
        held.append(X)
        rows += X.shape[0]
        if rows >= size // 2:
            yield held[0] if len(held) == 1 else np.concatenate(held)
            held, rows = [], 0
    if held:
        yield held[0] if len(held) == 1 else np.concatenate(held)


def _finite(X: np.ndarray) -> np.ndarray:
    ok = np.isfinite(X).all(axis=1)
    return X if ok.all() else X[ok]


def _silent(_: Progress) -> None:
    return None
