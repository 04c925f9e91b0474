"""Server time of Explore page reruns, measured with Streamlit's AppTest.

Prints the median wall time of a rerun after a K change (a new k-means run, metrics and
figure: nothing cached) on Iris and on a 100,000-row synthetic set, plus a view-only rerun
(2-D -> 3-D, k-means cached). Goals: Iris under 100 ms, 100k rows under 1 s.

    python benchmarks/bench_explore.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402


def k_change_times(query: dict[str, str], repeats: int,
                   view_change) -> tuple[list[float], list[float]]:
    st.cache_data.clear()
    at = AppTest.from_file(str(REPO / "pages" / "1_Explore.py"), default_timeout=300)
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, at.exception
    k_times, view_times = [], []
    for i in range(repeats):
        # A K not seen before, so nothing in the run's path is cached.
        at.slider(key="sb_k").set_value(4 + i % 2 if i < 2 else 3 + i)
        start = time.perf_counter()
        at.run()
        k_times.append(time.perf_counter() - start)
        assert not at.exception, at.exception
        view_change(at, i)
        start = time.perf_counter()
        at.run()
        view_times.append(time.perf_counter() - start)
    return k_times, view_times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
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
    print(f"{'data':<22}{'K change (median)':>20}{'view only (median)':>22}{'goal':>8}")
    for title, query, goal, view_change in cases:
        k_times, view_times = k_change_times(query, args.repeats, view_change)
        k_med, v_med = statistics.median(k_times), statistics.median(view_times)
        verdict = "ok" if k_med <= goal else "SLOW"
        print(f"{title:<22}{k_med * 1000:>17.0f} ms{v_med * 1000:>19.0f} ms"
              f"{goal * 1000:>6.0f} ms  {verdict}")


if __name__ == "__main__":
    main()
