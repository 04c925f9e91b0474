"""Benchmark: load and prepare a ~49 MB, 500k x 10 CSV, read in the contained child process.

Run ``python benchmarks/bench_loader.py [--rows N] [--repeat R]``. Writes the file to a
temporary directory, then prints the median wall time of ``load_table`` + ``prepare``
over the repeats and the peak extra memory of this (the server's) process, measured two
ways: Python allocations (tracemalloc, which includes numpy and pandas buffers) and the
growth of the process's peak resident set size. The parse itself runs in a child process
(clustering.io.run_contained), whose memory is bounded by ``Limits.max_memory_mb`` and not
counted here. Target: under 2 s and 500 MB. Also times the labelled CSV export, and prints the
child process's overhead on a 10 KB CSV (median of in-process vs contained reads of the same
bytes), and what a CSV at the in-process line (``Limits.in_process_bytes``, 1 MB, and
``Limits.in_process_columns``, 50, of the smallest possible cells) costs to read in process,
which is why that line is safe.

The forkserver that forks the children starts once per server process; it is warmed up before
anything is timed, as it is in a running app after its first upload.
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
from clustering.io import DEFAULT_LIMITS, Limits, load_table


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


def run_once(data: bytes, limits: Limits = DEFAULT_LIMITS) -> tuple[float, tuple[int, int]]:
    """Time one load + prepare; return seconds and (n_rows, n_features)."""
    start = time.perf_counter()
    table = load_table(data, "bench.csv", limits=limits)
    prepared = prepare(table.frame, table.default_features, scaling="standard")
    elapsed = time.perf_counter() - start
    return elapsed, prepared.X.shape


def child_overhead(repeat: int = 21) -> None:
    """Median read of a 10 KB CSV in process and in the child; print both and the difference."""
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(rng.normal(size=(200, 5)).round(3), columns=list("abcde"))
    data = frame.to_csv(index=False).encode()
    here, child = Limits(isolate=False), Limits(in_process_bytes=0)
    times: dict[str, list[float]] = {"in process": [], "child": []}
    for _ in range(repeat):
        for name, limits in (("in process", here), ("child", child)):
            start = time.perf_counter()
            load_table(data, "small.csv", limits=limits)
            times[name].append(time.perf_counter() - start)
    med = {name: statistics.median(t) * 1000 for name, t in times.items()}
    print(
        f"10 KB CSV ({len(data):,} bytes): in process {med['in process']:.1f} ms, "
        f"in the child {med['child']:.1f} ms, overhead {med['child'] - med['in process']:.1f} ms "
        f"(median of {repeat}); by default it is read in process "
        f"(line at {DEFAULT_LIMITS.in_process_bytes:,} bytes and "
        f"{DEFAULT_LIMITS.in_process_columns} columns)"
    )


def in_process_line() -> None:
    """The worst CSVs the server reads itself: 1 MB of one-character cells in 50 columns."""
    size, width = DEFAULT_LIMITS.in_process_bytes, DEFAULT_LIMITS.in_process_columns
    row = ",".join(["1"] * width) + "\n"
    data = (row * (size // len(row))).encode()
    text = data.replace(b"1", b"a")  # text cells: one Python object each in pandas
    for what, body in (("numbers", data), ("text", text)):
        here = Limits(isolate=False)
        start = time.perf_counter()
        load_table(body, "line.csv", limits=here)
        elapsed = time.perf_counter() - start
        tracemalloc.start()  # apart from the timing: tracing slows Python code down
        load_table(body, "line.csv", limits=here)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(
            f"in-process line, {len(body) / 1e6:.1f} MB CSV, {width} columns of one-character "
            f"{what}: {elapsed * 1000:.0f} ms, peak {peak / 1e6:.0f} MB"
        )


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
    start = time.perf_counter()
    load_table(b"a,b\n1,2\n", "warm.csv", limits=Limits(in_process_bytes=0))
    print(f"forkserver start (once per server): {time.perf_counter() - start:.2f} s")

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
    # The same read in this process, measured in the same run: the ratio does not depend on
    # how loaded the machine is (the child runs at a lower priority, so load stretches it).
    here = [run_once(data, Limits(isolate=False))[0] for _ in range(args.repeat)]
    print(
        f"same read in process: median {statistics.median(here):.3f} s; child / in process "
        f"= {statistics.median(times) / statistics.median(here):.2f}"
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
    child_overhead()
    in_process_line()


if __name__ == "__main__":
    main()
