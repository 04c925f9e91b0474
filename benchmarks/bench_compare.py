"""Benchmark: the Compare page's grid and its behaviour on a 100k-row table.

1. The default grid (goal < 10 s): the six toy sets x the default algorithms, from nothing
   cached: load and standardise the sets, run every algorithm, score every panel (noise
   aware), align the colours and build the grid figure, serialised to JSON as Streamlit
   sends it.
2. The whole page under Streamlit's AppTest with empty caches (toy sets + Iris: the grid,
   the table, the agreement matrix, the dendrogram and the k-distance plot), and the rerun
   after changing one algorithm's parameter (only that algorithm reruns).
3. Blobs with 100,000 rows: every registry entry under its size guard (each must stay
   within a few seconds), the whole page under AppTest, and the rerun after changing the
   corner score (served from the cache: the page stays responsive on big data).

Times are medians of several repeats; the machine is shared, so the load average is
printed. Run: ``python benchmarks/bench_compare.py`` (``--quick`` for fewer repeats).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from clustering.compare import (
    ALGORITHMS,
    DEFAULT_ALGORITHMS,
    TOY_SETS,
    Panel,
    align_labels,
    corner_score,
    corner_text,
    load_toy,
    run_algorithm,
    score_labels,
)
from clustering.data import load_dataset, prepare
from clustering.figures import grid_figure


def median_time(fn, repeats: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def default_grid() -> None:
    rows, titles = [], []
    for key in TOY_SETS:
        toy = load_toy(key)
        score = corner_score("auto", toy.true_labels is not None)
        reference = toy.true_labels
        line = []
        for name in DEFAULT_ALGORITHMS:
            params = {"n_clusters": toy.n_clusters} if ALGORITHMS[name].takes_k else {}
            result = run_algorithm(name, toy.X, params, random_state=0)
            evaluation = score_labels(toy.X, result.labels, toy.true_labels)
            if reference is None:
                reference = result.labels
            labels = align_labels(result.labels, reference)
            line.append(Panel(toy.X[:, 0], toy.X[:, 1], labels,
                              corner_text(result, evaluation, score)))
        rows.append(line)
        titles.append(toy.title)
    fig = grid_figure(rows, titles, [ALGORITHMS[n].title for n in DEFAULT_ALGORITHMS])
    fig.to_json()


def apptest(query: dict | None = None, change_one: bool = False,
            change_score: bool = False) -> tuple[float, float | None]:
    import streamlit as st

    from tests.apptest_helpers import app_test

    st.cache_data.clear()
    at = app_test("pages/3_Compare.py", timeout=300)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    start = time.perf_counter()
    at.run()
    first = time.perf_counter() - start
    assert not at.exception, at.exception
    rerun = None
    if change_one:
        start = time.perf_counter()
        at.number_input(key="compare_dbscan_eps").set_value(0.4).run()
        rerun = time.perf_counter() - start
        assert not at.exception, at.exception
    if change_score:
        start = time.perf_counter()
        at.selectbox(key="compare_score").set_value("silhouette").run()
        rerun = time.perf_counter() - start
        assert not at.exception, at.exception
    return first, rerun


def big_registry(n: int) -> None:
    ds = load_dataset("blobs", n_samples=n)
    X = prepare(ds.frame, ds.feature_names, "label", scaling="standard").X
    total = 0.0
    for name in ALGORITHMS:
        params = {"n_clusters": 3} if ALGORITHMS[name].takes_k else {}
        start = time.perf_counter()
        result = run_algorithm(name, X, params, random_state=0)
        if result.ran:
            score_labels(X, result.labels, ds.true_labels)
        seconds = time.perf_counter() - start
        total += seconds
        how = ("skipped" if not result.ran else "all rows" if result.sampled_rows is None
               else f"sample of {len(result.sampled_rows):,}")
        print(f"  {ALGORITHMS[name].title:<24} {seconds:6.2f} s  ({how}; run + scores)")
    print(f"  every entry, one after another: {total:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=None)
    args = parser.parse_args()
    repeats = args.repeats or (3 if args.quick else 5)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    default_grid()  # warm imports once
    t, times = median_time(default_grid, repeats)
    print(f"Default grid, {len(TOY_SETS)} toy sets x {len(DEFAULT_ALGORITHMS)} algorithms "
          f"({', '.join(DEFAULT_ALGORITHMS)}), nothing cached: median {t:.2f} s over {repeats} "
          f"(min {min(times):.2f}, max {max(times):.2f}; goal < 10 s)")

    page = [apptest(change_one=True) for _ in range(max(2, repeats // 2))]
    print(f"Whole page under AppTest, toy sets + Iris, empty caches: median "
          f"{statistics.median(p[0] for p in page):.2f} s; rerun after changing DBSCAN's eps: "
          f"median {statistics.median(p[1] for p in page):.2f} s")

    n = 30_000 if args.quick else 100_000
    print(f"Blobs {n:,} rows, every registry entry under its size guard:")
    big_registry(n)
    first, rerun = apptest({"dataset": "blobs", "n": str(n)}, change_score=True)
    print(f"Whole page under AppTest on blobs {n:,} rows (toy sets + that data, default "
          f"algorithms), empty caches: {first:.1f} s (goal < 150 s); rerun after changing "
          f"the corner score: {rerun:.2f} s (goal < 20 s)")


if __name__ == "__main__":
    main()
