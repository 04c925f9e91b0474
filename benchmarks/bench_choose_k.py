"""Benchmark: the Choose K page's computations on Iris and a 100k-row sweep.

1. Iris, every computation the page makes (goal < 2 s): preparation, the K sweep (2..10 with
   stability and external scores), the silhouette of one K, the 2-D projection, the init study
   (4 methods x 20 seeds) and every figure. Also the whole page under Streamlit's AppTest with
   empty caches (what a first visit costs on the server, Streamlit included).
2. Blobs with 100,000 rows, K up to 10 (goal < 15 s), with the longest pause between two
   progress reports (the bar must keep moving), and the init study on the same data (which
   the page runs only on request at this size).

Times are medians of several repeats. Run: ``python benchmarks/bench_choose_k.py``
(``--quick`` for fewer repeats and 30k rows).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from clustering.choose_k import init_study, recommend, sweep_k
from clustering.data import load_dataset, prepare
from clustering.evaluation import per_sample_silhouette
from clustering.figures import (
    external_vs_k_figure,
    init_study_figure,
    score_vs_k_figure,
    silhouette_figure,
    silhouette_scatter,
)
from clustering.view import fit_projection


def median_time(fn, repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def iris_page() -> None:
    ds = load_dataset("iris")
    prepared = prepare(ds.frame, ds.feature_names, "label", scaling="standard")
    X = prepared.X
    result = sweep_k(X, 10, true_labels=prepared.true_labels)
    recommend(result)
    best = result.best()
    ks = result.ks
    score_vs_k_figure(np.r_[1, ks], np.r_[result.objective_k1, result.objective],
                      label="Objective", best_k=best.get("elbow"))
    for key in ("silhouette", "calinski_harabasz", "davies_bouldin"):
        score_vs_k_figure(ks, result.scores[key], label=key, best_k=best.get(key))
    score_vs_k_figure(ks, result.stability, label="Stability", lower=result.stability_min)
    external_vs_k_figure(ks, {k: result.scores[k] for k in ("v_measure", "ari", "ami")})
    rows, values = per_sample_silhouette(X, result.labels_for(3))
    projection = fit_projection(X, method="pca", n_components=2)
    silhouette_figure(values, result.labels_for(3)[rows])
    silhouette_scatter(projection.transform(X[rows]), result.labels_for(3)[rows], values)
    study = init_study(X, 3, n_seeds=20)
    init_study_figure(list(study.methods), study.objective, value_label="Objective",
                      seeds=study.seeds, reference=study.best_objective)
    init_study_figure(list(study.methods), study.n_iter, value_label="Iterations",
                      seeds=study.seeds)


def apptest_page() -> None:
    import streamlit as st

    from tests.apptest_helpers import app_test

    st.cache_data.clear()
    at = app_test("pages/2_Choose_K.py", timeout=120)
    at.run()
    assert not at.exception, at.exception


def big_sweep(X, y) -> tuple[float, float]:
    stamps = []
    start = time.perf_counter()
    sweep_k(X, 10, true_labels=y, progress=lambda f, m: stamps.append(time.perf_counter()))
    total = time.perf_counter() - start
    gaps = np.diff([start, *stamps])
    return total, float(gaps.max())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=None)
    args = parser.parse_args()
    repeats = args.repeats or (3 if args.quick else 5)
    n_big = 30_000 if args.quick else 100_000

    iris_page()  # warm imports and compiled paths once
    t, _ = median_time(iris_page, repeats)
    print(f"Iris, every Choose K computation and figure: median {t:.3f} s over {repeats} "
          f"(goal < 2 s)")
    t, _ = median_time(apptest_page, max(3, repeats // 2))
    print(f"Iris, whole page under AppTest (empty caches, Streamlit included): median {t:.3f} s "
          f"(goal < 2 s)")

    ds = load_dataset("blobs", n_samples=n_big)
    X, y = ds.X, ds.true_labels
    runs = [big_sweep(X, y) for _ in range(max(3, repeats // 2))]
    total = statistics.median(r[0] for r in runs)
    gap = max(r[1] for r in runs)
    print(f"Blobs {n_big:,} rows, K = 2..10 sweep (stability, sampled silhouette, external "
          f"scores): median {total:.2f} s over {len(runs)} (goal < 15 s); longest pause "
          f"between progress reports {gap:.2f} s")
    t, _ = median_time(lambda: init_study(X, 3, n_seeds=20), max(1, repeats // 3))
    print(f"Blobs {n_big:,} rows, init study 4 methods x 20 seeds at K=3: median {t:.2f} s "
          f"(runs on request at this size)")


if __name__ == "__main__":
    main()
