"""Benchmark: load and prepare a ~45 MB, 500k x 10 CSV.

Run ``python benchmarks/bench_loader.py [--rows N] [--repeat R]``. Writes the file to a
temporary directory, then prints the median wall time of ``load_table`` + ``prepare``
over the repeats and the peak extra memory, measured two ways: Python allocations
(tracemalloc, which includes numpy and pandas buffers) and the growth of the process's
peak resident set size. Target: well under 2 s and 500 MB. Also times the labelled
CSV export of the same table.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

from clustering.data import labeled_csv, prepare
from clustering.io import load_table


def _peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux, bytes on macOS.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024


def make_csv(path: Path, n_rows: int, n_cols: int = 10, seed: int = 0) -> int:
    """Write random floats (5 decimals, ~97 bytes a row); return the size in bytes."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        rng.normal(scale=100.0, size=(n_rows, n_cols)),
        columns=[f"f{i}" for i in range(n_cols)],
    )
    frame.to_csv(path, index=False, float_format="%.5f")
    return path.stat().st_size


def run_once(data: bytes) -> tuple[float, tuple[int, int]]:
    """Time one load + prepare; return seconds and (n_rows, n_features)."""
    start = time.perf_counter()
    table = load_table(data, "bench.csv")
    prepared = prepare(table.frame, table.default_features, scaling="standard")
    elapsed = time.perf_counter() - start
    return elapsed, prepared.X.shape


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.csv"
        size = make_csv(path, args.rows)
        data = path.read_bytes()
    print(f"file: {size / 1e6:.1f} MB, {args.rows:,} rows x 10 columns")

    rss_before = _peak_rss_mb()
    times = []
    for _ in range(args.repeat):
        elapsed, shape = run_once(data)
        times.append(elapsed)
    rss_growth = _peak_rss_mb() - rss_before

    tracemalloc.start()
    base, _ = tracemalloc.get_traced_memory()
    run_once(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    print(
        f"load_table + prepare: median {statistics.median(times):.3f} s "
        f"(runs: {', '.join(f'{t:.3f}' for t in times)}), X shape {shape}"
    )
    print(
        f"peak extra memory: {(peak - base) / 1e6:.0f} MB (tracemalloc), "
        f"peak RSS growth {rss_growth:.0f} MB"
    )

    table = load_table(data, "bench.csv")
    prepared = prepare(table.frame, table.default_features)
    labels = np.random.default_rng(1).integers(0, 5, len(prepared.row_index))
    export_times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        out = labeled_csv(table.frame, prepared.row_index, labels)
        export_times.append(time.perf_counter() - start)
    print(
        f"labelled_csv export: median {statistics.median(export_times):.3f} s "
        f"({len(out) / 1e6:.1f} MB)"
    )


if __name__ == "__main__":
    main()
