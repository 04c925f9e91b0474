"""Server time and memory of Explore page reruns, measured with Streamlit's AppTest.

Two parts, both in this one process (AppTest runs the page in-process, so this process's
memory is the server's):

* Reruns after a K change (a new k-means run, metrics and figure: nothing cached) and after
  a view-only change (k-means cached) on Iris and on a 100,000-row synthetic set. Goals:
  Iris under 100 ms, 100k rows under 1 s.
* The same K change with the analyst's parts on (issue 14): Iris uploaded with a categorical
  column used as a feature (one-hot encoded), flagged outliers ringed on the chart, and each
  analyst tab open in turn (Outliers, What sets clusters apart, Score new rows, Download with
  the script); and the 100,000-row set with the Outliers tab open and rings on. Same goals.
* A 1,000,000 x 8 CSV upload (seeded blobs, 65 MB): time to the first chart (reading,
  preparing, k-means, metrics and the figure), a rerun after a K change, a rerun after a
  view-only change (2-D <-> 3-D of the new run), and the resident memory after them (current
  and peak). Goals: first chart under 10 s, K change under 5 s, view change under 0.5 s, RSS
  under 1.5 GB.

Times are also printed as multiples of a fixed scikit-learn fit measured in the same run, so
runs on a loaded machine can be compared.

    python benchmarks/bench_explore.py [--repeats 5] [--rows 1000000] [--skip-small]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np
import streamlit as st

from tests.apptest_helpers import app_test

EXPLORE = "pages/1_Explore.py"
ANALYST_TABS = ("Outliers", "What sets clusters apart", "Score new rows", "Download")
MB = 1024 * 1024


def timed_run(at) -> float:
    """Seconds of one rerun of the page (which must not raise)."""
    start = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - start
    assert not at.exception, at.exception
    return seconds


def k_change_times(query: dict[str, str], repeats: int,
                   view_change) -> tuple[list[float], list[float]]:
    st.cache_data.clear()
    at = app_test(EXPLORE, timeout=300)
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, at.exception
    k_times, view_times = [], []
    for i in range(repeats):
        # A K not seen before, so nothing in the run's path is cached.
        at.slider(key="sb_k").set_value(4 + i % 2 if i < 2 else 3 + i)
        k_times.append(timed_run(at))
        view_change(at, i)
        view_times.append(timed_run(at))
    return k_times, view_times


def iris_with_a_category() -> tuple[bytes, list[str]]:
    """Iris as a CSV upload with a seeded categorical column (3 levels), and its features."""
    from clustering.data import load_dataset

    iris = load_dataset("iris")
    frame = iris.frame.copy()
    frame["region"] = np.random.default_rng(0).choice(["north", "south", "west"], len(frame))
    return frame.to_csv(index=False).encode(), [*iris.feature_names, "region"]


def analyst_k_change_times(tab: str, repeats: int) -> list[float]:
    """K changes on the Iris upload with its categorical feature, rings on, ``tab`` open."""
    data, features = iris_with_a_category()
    st.cache_data.clear()
    at = app_test(EXPLORE, timeout=300)
    at.query_params["rings"] = "1"
    at.run()
    at.file_uploader(key="sb_upload").set_value(("iris_regions.csv", data, "text/csv")).run()
    at.multiselect(key="sb_features").set_value(features).run()
    at.session_state["explore_tab"] = tab  # as a click on the tab does
    at.run()
    assert not at.exception, at.exception
    assert "region" in at.multiselect(key="sb_features").value, "the category is not a feature"
    times = []
    for i in range(repeats):
        at.slider(key="sb_k").set_value(4 + i)  # a K not seen before
        times.append(timed_run(at))
    return times


def reference_seconds() -> float:
    """Median time of a fixed scikit-learn fit, measured in this run: these machines are
    shared, so each page time is also printed as a multiple of it."""
    from sklearn.cluster import KMeans

    X = np.random.default_rng(1).normal(size=(200_000, 8))
    times = []
    for _ in range(3):
        start = time.perf_counter()
        KMeans(8, n_init=1, max_iter=20, tol=0, random_state=0).fit(X)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def current_rss() -> int:
    """Resident bytes of this process now (Linux /proc; 0 elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except OSError:
        return 0
    return pages * resource.getpagesize()


def peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def big_csv(n_rows: int, folder: Path) -> bytes:
    """Seeded blobs, 8 features, 6 significant digits: what an exported table looks like."""
    rng = np.random.default_rng(0)
    centers = rng.uniform(-10, 10, size=(8, 8))
    X = centers[rng.integers(0, 8, n_rows)] + rng.normal(size=(n_rows, 8))
    path = folder / "big.csv"
    header = ",".join(f"f{j}" for j in range(8))
    np.savetxt(path, X, fmt="%.6g", delimiter=",", header=header, comments="")
    return path.read_bytes()


def big_upload(n_rows: int, repeats: int, reference: float) -> None:
    with tempfile.TemporaryDirectory() as folder:
        data = big_csv(n_rows, Path(folder))
    size = len(data)
    st.cache_data.clear()
    base = current_rss()
    at = app_test(EXPLORE, timeout=600)
    at.run()
    assert not at.exception, at.exception
    at.file_uploader(key="sb_upload").set_value(("big.csv", data, "text/csv"))
    del data
    first = timed_run(at)
    assert at.selectbox(key="sb_dataset").value == "upload", "the upload was not used"
    k_times, view_times = [], []
    for i in range(repeats):
        at.slider(key="sb_k").set_value(4 + i)  # a K not seen before
        k_times.append(timed_run(at))
        at.radio(key="explore_view").set_value("3d" if i % 2 == 0 else "2d")
        view_times.append(timed_run(at))
    rss, peak = current_rss(), peak_rss()
    print(f"\nExplore on a {n_rows:,} x 8 CSV upload ({size / MB:.0f} MB; RSS before the page "
          f"{base / MB:.0f} MB)")
    rows = [
        ("first chart (read + k-means + figure)", first, 10.0),
        ("rerun after a K change (median)", statistics.median(k_times), 5.0),
        ("rerun after a view change (median)", statistics.median(view_times), 0.5),
    ]
    for title, seconds, goal in rows:
        verdict = "ok" if seconds <= goal else "SLOW"
        print(f"  {title:<40}{seconds:>8.2f} s   goal {goal:>4} s  {verdict}"
              f"   ({seconds / reference:.1f} x reference)")
    verdict = "ok" if peak <= 1.5 * 1024 * MB else "HIGH"
    print(f"  {'server RSS now / peak':<40}{rss / MB:>6.0f} MB / {peak / MB:.0f} MB"
          f"   goal 1536 MB  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the big upload")
    parser.add_argument("--skip-small", action="store_true", help="only the big upload")
    parser.add_argument("--skip-big", action="store_true", help="only Iris and the blobs")
    args = parser.parse_args()
    reference = reference_seconds()
    print(f"reference: scikit-learn KMeans, 200,000 x 8, K=8, 20 iterations: "
          f"{reference * 1000:.0f} ms (median of 3, this run)")

    def dims(at, i):
        at.radio(key="explore_view").set_value("3d" if i % 2 == 0 else "2d")

    def regions(at, i):
        at.toggle(key="explore_voronoi").set_value(i % 2 == 0)

    # The view-only change: 2-D <-> 3-D on Iris; the blobs have two features, so there it is
    # the nearest-centre regions (which cost a grid per step) switched on and off.
    cases = [
        ("Iris (150 x 4)", {}, 0.100, dims),
        ("blobs 100,000 x 2", {"dataset": "blobs", "n": "100000", "axes": "features"}, 1.0,
         regions),
    ]
    if not args.skip_small:
        print(f"{'data':<22}{'K change (median)':>20}{'view only (median)':>22}{'goal':>8}")
        for title, query, goal, view_change in cases:
            k_times, view_times = k_change_times(query, args.repeats, view_change)
            k_med, v_med = statistics.median(k_times), statistics.median(view_times)
            verdict = "ok" if k_med <= goal else "SLOW"
            print(f"{title:<22}{k_med * 1000:>17.0f} ms{v_med * 1000:>19.0f} ms"
                  f"{goal * 1000:>6.0f} ms  {verdict}   (K change {k_med / reference:.2f} x "
                  "reference)")
        print("\nWith the analyst's parts on (K change, median):")
        analyst_cases = [(f"Iris + category, {tab}", lambda tab=tab: analyst_k_change_times(
            tab, args.repeats), 0.100) for tab in ANALYST_TABS]
        analyst_cases.append(("blobs 100k, Outliers + rings", lambda: k_change_times(
            {**cases[1][1], "tab": "Outliers", "rings": "1"}, args.repeats, regions)[0], 1.0))
        for title, measure, goal in analyst_cases:
            k_med = statistics.median(measure())
            verdict = "ok" if k_med <= goal else "SLOW"
            print(f"  {title:<48}{k_med * 1000:>7.0f} ms  goal {goal * 1000:.0f} ms  {verdict}"
                  f"   ({k_med / reference:.2f} x reference)")
    if not args.skip_big:
        big_upload(args.rows, max(1, min(args.repeats, 3)), reference)


if __name__ == "__main__":
    main()
