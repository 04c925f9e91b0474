"""Benchmark: big tables through the streaming fit, Spark and scikit-learn.

Run ``python benchmarks/bench_big.py [--rows 10000000] [--small 1000000] [--k 8]``.

1. Writes a seeded ``rows`` x 8 Parquet file of Gaussian blobs (in 500k-row row groups, never
   held whole) and fits it with the streaming fit (MiniBatchKMeans passes): seconds per pass,
   peak RSS of the fitting process, and its inertia against scikit-learn's ``KMeans`` fitted on a
   seeded ``small``-row sample (both sets of centers scored on that same sample).
2. Fits the first ``small`` rows, as their own Parquet file, with the streaming fit, Spark MLlib
   on ``local[2]`` and scikit-learn (file read whole, scaled, ``KMeans``), side by side: seconds,
   peak RSS (for Spark, the Python driver and the JVM), inertia.

Every fit runs in its own subprocess so its peak memory is its own. Times are wall clock on a
shared machine: read them with the load printed at the end (``uptime``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

D = 8
ROW_GROUP = 500_000


def write_table(path: Path, rows: int, k: int, seed: int = 0) -> None:
    """Gaussian blobs around ``k`` seeded centers, written 500k rows at a time."""
    rng = np.random.RandomState(seed)
    centers = rng.uniform(-10, 10, size=(k, D))
    names = [f"f{j}" for j in range(D)]
    schema = pa.schema([(n, pa.float64()) for n in names])
    with pq.ParquetWriter(path, schema) as writer:
        for start in range(0, rows, ROW_GROUP):
            n = min(ROW_GROUP, rows - start)
            X = centers[rng.randint(k, size=n)] + rng.normal(scale=2.0, size=(n, D))
            writer.write_table(pa.table({c: X[:, j] for j, c in enumerate(names)},
                                        schema=schema))


def status_kb(pid: int | str, key: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(key))


# -- workers (each in its own process) ------------------------------------------------------
def worker_stream(path: str, k: int, sample: str | None) -> dict:
    from clustering.big import stream_fit

    start = time.perf_counter()
    run = stream_fit(path, k, random_state=0)
    out = {"seconds": time.perf_counter() - start, "inertia": run.inertia,
           "passes": run.timings, "n_iter": run.n_iter, "converged": run.converged,
           "rss_mb": status_kb("self", "VmHWM:") / 1024}
    if sample:
        from sklearn.cluster import KMeans
        from sklearn.metrics import pairwise_distances_argmin_min

        X = run.scale(pq.read_table(sample).to_pandas().to_numpy())
        km = KMeans(k, n_init=1, random_state=0).fit(X)
        distance = pairwise_distances_argmin_min(X, run.centers_scaled)[1]
        out |= {"sample_rows": len(X), "stream_on_sample": float((distance**2).sum()),
                "sklearn_on_sample": float(km.inertia_)}
    return out


def worker_sklearn(path: str, k: int) -> dict:
    from sklearn.cluster import KMeans
    from sklearn.preprocessing import StandardScaler

    start = time.perf_counter()
    X = pq.read_table(path).to_pandas().to_numpy()
    Xs = StandardScaler().fit_transform(X)
    read = time.perf_counter() - start
    km = KMeans(k, n_init=1, random_state=0).fit(Xs)
    return {"seconds": time.perf_counter() - start, "read_seconds": read,
            "inertia": float(km.inertia_), "n_iter": int(km.n_iter_),
            "rss_mb": status_kb("self", "VmHWM:") / 1024}


def worker_spark(path: str, k: int, master: str) -> dict:
    from pyspark.sql import SparkSession

    from clustering.big import spark_fit

    start = time.perf_counter()
    spark = (SparkSession.builder.master(master).appName("bench_big")
             .config("spark.ui.enabled", "false").config("spark.log.level", "ERROR")
             .config("spark.driver.memory", "4g").getOrCreate())
    started = time.perf_counter() - start
    jvm = spark.sparkContext._gateway.proc.pid
    run = spark_fit(path, k, random_state=0, master=master, session=spark)
    out = {"seconds": time.perf_counter() - start, "session_seconds": started,
           "inertia": run.inertia, "n_iter": run.n_iter, "steps": run.timings,
           "rss_mb": status_kb("self", "VmHWM:") / 1024,
           "jvm_rss_mb": status_kb(jvm, "VmHWM:") / 1024}
    spark.stop()
    return out


def in_subprocess(*args: str) -> dict:
    done = subprocess.run([sys.executable, __file__, "--worker", *args], capture_output=True,
                          text=True, cwd=REPO)
    if done.returncode:
        raise SystemExit(f"worker {args[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--small", type=int, default=1_000_000)
    parser.add_argument("--k", type=int, default=8)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        kind, path, *rest = args.worker
        if kind == "stream":
            result = worker_stream(path, args.k, rest[0] if rest else None)
        elif kind == "sklearn":
            result = worker_sklearn(path, args.k)
        else:
            result = worker_spark(path, args.k, args.master)
        print(json.dumps(result))
        return

    with tempfile.TemporaryDirectory() as tmp:
        big, small = Path(tmp, "big.parquet"), Path(tmp, "small.parquet")
        start = time.perf_counter()
        write_table(big, args.rows, args.k)
        sample_rows = np.sort(np.random.RandomState(1).choice(args.rows, args.small, False))
        pq.write_table(_take(big, sample_rows), Path(tmp, "sample.parquet"))
        pq.write_table(_head(big, args.small), small)
        print(f"wrote {args.rows:,} x {D} rows ({big.stat().st_size / 1e6:,.0f} MB Parquet) "
              f"in {time.perf_counter() - start:.1f} s")

        s = in_subprocess("stream", str(big), str(Path(tmp, "sample.parquet")))
        passes = ", ".join(f"{name} {sec:.1f}" for name, sec in s["passes"])
        print(f"\n== streaming fit, {args.rows:,} x {D}, k={args.k} (MiniBatchKMeans passes)")
        print(f"total {s['seconds']:.1f} s; seconds per pass: {passes}")
        print(f"peak RSS {s['rss_mb']:,.0f} MB; {s['n_iter']} fit passes, "
              f"converged={s['converged']}")
        print(f"on a seeded {s['sample_rows']:,}-row sample: streaming centers' inertia "
              f"{s['stream_on_sample']:.6g}, scikit-learn KMeans fitted on the sample "
              f"{s['sklearn_on_sample']:.6g} "
              f"(ratio {s['stream_on_sample'] / s['sklearn_on_sample']:.4f})")

        rows = [("streaming fit", in_subprocess("stream", str(small))),
                ("scikit-learn KMeans", in_subprocess("sklearn", str(small))),
                (f"Spark MLlib {args.master}", in_subprocess("spark", str(small)))]
        print(f"\n== the same {args.small:,} x {D} file, k={args.k}")
        print(f"{'engine':<22}{'seconds':>9}{'peak RSS MB':>13}{'inertia':>14}{'ratio':>8}")
        reference = rows[1][1]["inertia"]
        for name, r in rows:
            rss = f"{r['rss_mb']:,.0f}"
            if "jvm_rss_mb" in r:
                rss += f" + JVM {r['jvm_rss_mb']:,.0f}"
            print(f"{name:<22}{r['seconds']:>9.1f}{rss:>13}{r['inertia']:>14.6g}"
                  f"{r['inertia'] / reference:>8.4f}")
        spark = rows[2][1]
        print(f"Spark: session start {spark['session_seconds']:.1f} s, steps "
              + ", ".join(f"{n} {sec:.1f}" for n, sec in spark["steps"])
              + f", {spark['n_iter']} iterations")
        print(f"scikit-learn: reading + scaling {rows[1][1]['read_seconds']:.1f} s, "
              f"{rows[1][1]['n_iter']} iterations")
    print("\nload:", os.getloadavg())


def _head(path: Path, n: int) -> pa.Table:
    handle = pq.ParquetFile(path)
    batches, got = [], 0
    for batch in handle.iter_batches(batch_size=ROW_GROUP):
        batches.append(batch.slice(0, n - got))
        got += batches[-1].num_rows
        if got >= n:
            break
    return pa.Table.from_batches(batches)


def _take(path: Path, rows: np.ndarray) -> pa.Table:
    """The given sorted rows of a big file, read one row group at a time."""
    handle = pq.ParquetFile(path)
    parts, first = [], 0
    for i in range(handle.metadata.num_row_groups):
        group = handle.read_row_group(i)
        inside = rows[(rows >= first) & (rows < first + group.num_rows)] - first
        parts.append(group.take(pa.array(inside)))
        first += group.num_rows
    return pa.concat_tables(parts)


if __name__ == "__main__":
    main()
