"""Benchmark: our k-means (history on) against scikit-learn's Lloyd, same work on both sides.

Same data (seeded standard normal, which k-means converges on slowly), the same initial centres
(one k-means++ draw passed to both as an array), ``n_init=1``, ``tol=0`` and a fixed
``max_iter``, so both run the same number of iterations (printed; parity makes them equal).
Fit time is the median of several repeats, ours and scikit-learn's back to back (rotating
who goes first) so machine noise hits both; "ratio" is the median of the paired ratios
ours/sklearn, "best-of" the ratio of the fastest runs. Every fit allocates its own arrays
(nothing is kept between fits, on either side). Peak memory is traced (``tracemalloc``) in one
extra, untimed fit each. Fits with n_samples * n_clusters at or below the engine's
``SINGLE_THREAD_MAX_WORK`` run on one thread; every size here is above it, so both sides use
scikit-learn's thread count.

Also times the numpy paths: manhattan/median and cosine/normalized-mean. ``--threads-sweep``
instead times our fit on one thread against scikit-learn's thread count for small to medium
n x k (how ``SINGLE_THREAD_MAX_WORK`` was chosen).

Run: ``python benchmarks/bench_engine.py`` (``--quick`` for small sizes, ``--repeats N``,
``--threads N`` to pin OpenMP threads on both sides, ``--skip-numpy``, ``--threads-sweep``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from contextlib import nullcontext
from pathlib import Path

import numpy as np
import sklearn
from sklearn.cluster import KMeans as SKKMeans
from sklearn.cluster import kmeans_plusplus
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import clustering.engine._kmeans as kmeans_mod
from clustering.engine import KMeans, kmeans
from clustering.engine._sklearn_kernel import effective_threads, thread_limit

FULL = [(150, 4, 3, 50), (100_000, 2, 8, 50), (200_000, 16, 16, 30), (1_000_000, 8, 8, 20)]
QUICK = [(150, 4, 3, 50), (20_000, 2, 8, 30), (20_000, 16, 16, 20)]


def make_data(n: int, d: int, k: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.RandomState(seed)
    X = rng.standard_normal((n, d))
    init, _ = kmeans_plusplus(X, k, random_state=seed)
    return X, init


def ours(X, init, max_iter, **kw):
    return KMeans(init.shape[0], init=init, max_iter=max_iter, tol=0.0, **kw).fit(X)


def theirs(X, init, max_iter):
    return SKKMeans(init.shape[0], init=init, n_init=1, max_iter=max_iter, tol=0.0,
                    algorithm="lloyd").fit(X)


def timed(fn, *args, **kwargs) -> float:
    t0 = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - t0


def peak_mb(fn, *args, **kwargs) -> float:
    tracemalloc.start()
    fn(*args, **kwargs)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def bench_lloyd(sizes, repeats: int) -> None:
    print(f"Euclidean Lloyd, history on vs sklearn (median of {repeats}, tol=0, same init)")
    print(f"{'n x d, k':>20} {'iters':>5} {'ours s':>8} {'sklearn s':>9} {'ratio':>6} "
          f"{'best-of':>7} {'ours MB':>8} {'skl MB':>7} {'hist MB':>7} {'same':>5}")
    for n, d, k, max_iter in sizes:
        X, init = make_data(n, d, k)
        a, b = ours(X, init, max_iter), theirs(X, init, max_iter)  # warm-up + parity check
        same = (np.array_equal(a.labels_, b.labels_) and a.n_iter_ == b.n_iter_
                and np.allclose(a.cluster_centers_, b.cluster_centers_, rtol=0, atol=1e-9))
        t_ours, t_sk = [], []
        for r in range(repeats):
            # Alternate who goes first so drift in machine load favours no one.
            runs = [(t_ours, ours), (t_sk, theirs)]
            for times, fn in runs[r % 2:] + runs[: r % 2]:
                times.append(timed(fn, X, init, max_iter))
        mo, ms = statistics.median(t_ours), statistics.median(t_sk)
        # Each pair ran back to back under the same machine load: the median of the paired
        # ratios is far steadier on a shared machine than the ratio of the two medians.
        ratio = statistics.median(o / t for o, t in zip(t_ours, t_sk, strict=True))
        h = a.history_
        hist_mb = (h.labels.nbytes + h.centers.nbytes) / 2**20
        mem_o = peak_mb(ours, X, init, max_iter)
        mem_s = peak_mb(theirs, X, init, max_iter)
        best = min(t_ours) / min(t_sk)
        print(f"{f'{n:,} x {d}, {k}':>20} {a.n_iter_:>5} {mo:>8.3f} {ms:>9.3f} {ratio:>6.2f} "
              f"{best:>7.2f} {mem_o:>8.1f} {mem_s:>7.1f} {hist_mb:>7.1f} "
              f"{str(same):>5}")


def bench_numpy_paths(n: int, repeats: int) -> None:
    d, k, max_iter = 16, 16, 50
    X, _ = make_data(n, d, k)
    init = X[np.random.RandomState(1).choice(n, k, replace=False)]
    print(f"\nnumpy paths, {n:,} x {d}, k={k}, max_iter={max_iter}, tol=0, history on "
          f"(median of {repeats})")
    print(f"{'distance/center':>34} {'iters':>5} {'fit s':>7} {'ms/iter':>8}")
    cases = [("manhattan", "median", False), ("cosine", "normalized-mean", False),
             ("euclidean", "mean", True), ("euclidean", "mean", False)]
    for distance, center, numpy_only in cases:
        label = f"{distance}/{center}" + (" (numpy fallback)" if numpy_only else " (kernel)"
                                          if distance == "euclidean" else "")
        saved = kmeans_mod.fast_kernel_available
        if numpy_only:  # what runs when sklearn's private kernel is unavailable
            kmeans_mod.fast_kernel_available = lambda: False
        try:
            fit = ours(X, init, max_iter, distance=distance, center=center)
            times = [timed(ours, X, init, max_iter, distance=distance, center=center)
                     for _ in range(repeats)]
        finally:
            kmeans_mod.fast_kernel_available = saved
        t = statistics.median(times)
        print(f"{label:>34} {fit.n_iter_:>5} {t:>7.2f} {1000 * t / fit.n_iter_:>8.1f}")


def bench_threads(repeats: int) -> None:
    """Our fit (history on, 30 iterations, d=4) on one thread vs scikit-learn's thread count."""
    print(f"\nOne thread vs {effective_threads()} (median of {repeats} paired runs, "
          f"d=4, k-means++, 30 iterations, tol=0); the engine's threshold is n*k <= "
          f"{kmeans_mod.SINGLE_THREAD_MAX_WORK:,}")
    print(f"{'n':>8} {'k':>4} {'n*k':>10} {'1 thread ms':>11} {'default ms':>10} "
          f"{'1/default':>9}")
    saved = kmeans_mod.SINGLE_THREAD_MAX_WORK
    kmeans_mod.SINGLE_THREAD_MAX_WORK = -1  # the engine's own choice off: we pick here

    def fit(X, k, one):
        with thread_limit(1) if one else nullcontext():
            return timed(kmeans, X, k, random_state=0, max_iter=30, tol=0)

    try:
        for n in (150, 1_000, 5_000, 20_000, 100_000):
            X = np.random.RandomState(0).standard_normal((n, 4))
            for k in (3, 8, 32, 128):
                if 4 * k > n:
                    continue
                fit(X, k, True)  # warm-up
                fit(X, k, False)
                one, default = [], []
                for r in range(repeats):
                    pair = [(one, True), (default, False)]
                    for times, flag in pair[r % 2:] + pair[: r % 2]:
                        times.append(fit(X, k, flag))
                ratio = statistics.median(a / b for a, b in zip(one, default, strict=True))
                print(f"{n:>8,} {k:>4} {n * k:>10,} {1e3 * statistics.median(one):>11.1f} "
                      f"{1e3 * statistics.median(default):>10.1f} {ratio:>9.2f}", flush=True)
    finally:
        kmeans_mod.SINGLE_THREAD_MAX_WORK = saved


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--threads", type=int, default=None,
                        help="OpenMP threads for both sides (default: scikit-learn's choice); "
                             "1 gives steadier numbers on a busy machine")
    parser.add_argument("--skip-numpy", action="store_true", help="only the Lloyd table")
    parser.add_argument("--threads-sweep", action="store_true",
                        help="only the one-thread vs default table for small fits")
    args = parser.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 7)
    with threadpool_limits(limits=args.threads, user_api="openmp"):
        print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, "
              f"{effective_threads()} OpenMP threads, {os.cpu_count()} CPUs, "
              f"load average {os.getloadavg()[0]:.1f} at start")
        if args.threads_sweep:
            bench_threads(repeats)
            return
        bench_lloyd(QUICK if args.quick else FULL, repeats)
        if not args.skip_numpy:
            bench_numpy_paths(20_000 if args.quick else 100_000, max(1, repeats // 2))


if __name__ == "__main__":
    main()
