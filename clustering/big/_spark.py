"""The same fit on Apache Spark: ``pyspark.ml.clustering.KMeans`` (k-means|| init, seeded).

The table is read by Spark (``spark.read.parquet`` / ``csv``), scaled exactly as the streaming
fit scales it (population standard deviation, 1 for a constant column), clustered by MLlib, and
summarised into the same :class:`RunSummary`: inertia, counts and per-cluster means are computed
by Spark at the final centers, and a seeded sample of labelled rows is brought back for display.

pyspark is an optional extra (``pip install 'cluster-explorer[spark]'``) and needs Java 17;
without either, :func:`spark_fit` raises :class:`SparkError` with one sentence saying what to
install. By default an embedded ``local[*]`` session runs on this machine; any Spark master URL
(``spark://host:7077``, ``yarn``, ``k8s://...``) sends the job to a cluster.
"""

from __future__ import annotations

import math
import os
import shutil
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import numpy as np
import pandas as pd
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
from clustering.big._source import SourceError, open_source
from clustering.big._stream import MAX_CLUSTERS
from clustering.io import join_names, quote

DEFAULT_MASTER = "local[*]"
#: Steps reported to the progress callback, in order.
STEPS = ("read", "scale", "fit", "summary", "sample")


class SparkError(ValueError):
    """Spark cannot run here (no pyspark, no Java) or a job failed; one plain sentence."""


def spark_available() -> str | None:
    """None when a Spark fit can start here, else the reason it cannot (one sentence)."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return ("pyspark is not installed; install the Spark extra with "
                "pip install 'cluster-explorer[spark]'.")
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        return ("Spark needs Java 17 and none was found; install it (Debian: apt-get install "
                "openjdk-17-jre-headless) or set JAVA_HOME.")
    return None


def spark_fit(source: str | os.PathLike, n_clusters: int, *, columns: list[str] | None = None,
              scale: str = "standard", max_iter: int = 20, tol: float = 1e-4,
              sample_size: int = DEFAULT_SAMPLE_SIZE, random_state: int | None = None,
              n_init: int = 1, master: str = DEFAULT_MASTER, config: dict[str, str] | None = None,
              session=None, progress: ProgressCallback | None = None) -> RunSummary:
    """Fit k-means on every row of a Parquet/CSV file or folder with Spark MLlib.

    Parameters
    ----------
    source : str or path-like
        A local file or folder (checked as :func:`open_source` checks it, so errors read the
        same as the streaming fit's), or a URI Spark reads itself (``hdfs://``, ``s3a://``...).
    n_clusters : int
    columns : list of str, optional
        Numeric columns to fit; by default every numeric column.
    scale : {"standard", "none"}
    max_iter : int
        MLlib's ``maxIter``.
    tol : float
        MLlib's ``tol``: stop when no center moves farther than this (distance, fitted units).
    sample_size : int
        Rows brought back with their labels for display (a seeded Bernoulli sample).
    random_state : int or None
        Seeds k-means|| and the sample.
    n_init : int
        k-means|| runs with different seeds; the one with the lowest training cost is kept.
        One run, MLlib's way, is the default, but a single k-means|| start can settle in a
        local minimum (two blobs merged, one split): on 8 Gaussian blobs, 4 seeds of 6 did.
    master : str
        Spark master URL for a new session (ignored when ``session`` is given).
    config : dict, optional
        Extra Spark settings for a new session (``spark.driver.memory``...).
    session : SparkSession, optional
        A running session to use (and leave running); by default the active session, else a
        new one that is stopped at the end.
    progress : callable, optional
        Called with a :class:`Progress` per step, and with finished/total tasks while a step
        runs.

    Returns
    -------
    RunSummary
        ``engine="spark"``, ``method="k-means||"``; no per-iteration cost (MLlib gives none).

    Raises
    ------
    SourceError, SparkError, ValueError
    """
    check_int("n_clusters", n_clusters, 1, MAX_CLUSTERS)
    check_int("max_iter", max_iter, 1, 10_000)
    check_int("sample_size", sample_size, 0, 1_000_000)
    check_int("n_init", n_init, 1, 100)
    if scale not in SCALES:
        raise ValueError(f"scale={scale!r} should be one of {', '.join(SCALES)}.")
    if not (isinstance(tol, (int, float)) and math.isfinite(tol) and tol >= 0):
        raise ValueError(f"tol={tol!r} should be a number >= 0.")
    if not isinstance(master, str) or not master.strip():
        raise ValueError("master should be a Spark master URL such as local[*].")
    reason = spark_available()
    if reason:
        raise SparkError(reason)
    name = str(source)
    files: list[str] = [name]
    kind = "csv" if name.lower().endswith(".csv") else "parquet"
    if "://" not in name:
        opened = open_source(source, columns)
        files, kind, columns = list(opened.files), opened.kind, list(opened.columns)
    rng = check_random_state(random_state)
    seeds = [int(rng.randint(2**31 - 1)) for _ in range(n_init)]
    settings = {"source": name, "n_clusters": n_clusters, "columns": columns, "scale": scale,
                "method": "k-means||", "max_iter": max_iter, "tol": float(tol),
                "sample_size": sample_size, "n_init": n_init, "master": master,
                "seed": random_state if isinstance(random_state, int) else None}
    report = progress or (lambda _: None)
    with _session(session, master, config or {}) as spark, _Tasks(spark, report) as tasks:
        try:
            summary = _fit(spark, name, files, kind, columns, n_clusters, scale, max_iter,
                           float(tol), sample_size, seeds, tasks)
        except (SourceError, SparkError):
            raise
        except Exception as exc:  # noqa: BLE001 (py4j and Spark raise many kinds)
            raise SparkError(f"Spark could not fit {name}: {_first_line(exc)}.") from exc
    settings["columns"] = list(summary.columns)
    return replace(summary, settings=settings)


def _fit(spark, name: str, files: list[str], kind: str, columns: list[str] | None, k: int,
         scale: str, max_iter: int, tol: float, sample_size: int, seeds: list[int],
         tasks: _Tasks) -> RunSummary:
    """Read, scale, fit, summarise; prior validation of the parameters is assumed."""
    import pyspark
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    with warnings.catch_warnings():
        # pyspark 4 warns on import that it is not tested with pandas 3; no pandas is used here.
        warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas",
                                FutureWarning)
        from pyspark.ml.clustering import KMeans
        from pyspark.ml.feature import VectorAssembler

    timings: list[tuple[str, float]] = []
    tasks.step("read")
    start = time.perf_counter()
    if kind == "csv":
        df = spark.read.csv(files, header=True, inferSchema=True)
    else:
        df = spark.read.parquet(*files)
    numeric = {f.name for f in df.schema.fields if isinstance(f.dataType, T.NumericType)}
    if columns is None:
        columns = [f.name for f in df.schema.fields
                   if f.name in numeric and f.name != CLUSTER_COLUMN]
        if not columns:
            raise SourceError(f"{name} has no numeric column to cluster.")
    if CLUSTER_COLUMN in columns:
        raise SourceError(f"The column {quote(CLUSTER_COLUMN)} holds a run's labels; it "
                          "cannot be fitted (choose other columns).")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise SourceError(f"{name} has no column {join_names(missing)}.")
    for c in columns:
        if c not in numeric:
            raise SourceError(f"Column {quote(c)} of {name} is not numeric.")
    x_names = [f"x{j}" for j in range(len(columns))]
    df = df.select(*[F.col(f"`{c}`").cast("double").alias(n)
                     for c, n in zip(columns, x_names, strict=True)])
    ok = F.lit(True)
    for n in x_names:
        ok = ok & F.col(n).isNotNull() & ~F.isnan(n) & (F.abs(n) != float("inf"))

    tasks.step("scale")
    stats = df.select(
        F.count(F.lit(1)).alias("seen"), F.sum(F.when(ok, 1).otherwise(0)).alias("used"),
        *[F.avg(F.when(ok, F.col(n))).alias(f"m{n}") for n in x_names],
        *[F.stddev_pop(F.when(ok, F.col(n))).alias(f"s{n}") for n in x_names]).first()
    timings.append(("read+scale", time.perf_counter() - start))
    n_seen, n_rows = int(stats["seen"]), int(stats["used"] or 0)
    if n_rows == 0:
        why = f" ({n_seen:,} rows, none complete)" if n_seen else ""
        raise SourceError(f"{name} has no rows to cluster{why}.")
    if n_rows < k:
        raise SourceError(f"{name} has {n_rows:,} complete rows, fewer than n_clusters={k}.")
    mean = std = None
    if scale == "standard":
        mean = np.array([stats[f"m{n}"] for n in x_names], dtype=np.float64)
        std = np.array([stats[f"s{n}"] or 0.0 for n in x_names], dtype=np.float64)
        std[std < 10 * np.finfo(np.float64).eps * np.maximum(np.abs(mean), 1.0)] = 1.0
    fitted = [F.col(n) for n in x_names]
    if mean is not None:
        fitted = [(z - float(m)) / float(s) for z, m, s in zip(fitted, mean, std, strict=True)]
    f_names = [f"z{j}" for j in range(len(columns))]
    data = df.where(ok).select(*x_names, *[z.alias(n) for z, n in zip(fitted, f_names,
                                                                        strict=True)])
    data = VectorAssembler(inputCols=f_names, outputCol="features").transform(data)
    data = data.persist()

    tasks.step("fit")
    start = time.perf_counter()
    model = None
    for seed in seeds:
        candidate = KMeans(k=k, initMode="k-means||", seed=seed, maxIter=max_iter, tol=tol,
                           featuresCol="features", predictionCol="prediction").fit(data)
        if model is None or candidate.summary.trainingCost < model.summary.trainingCost:
            model = candidate
    timings.append(("fit", time.perf_counter() - start))
    centers = np.array([np.asarray(c, dtype=np.float64) for c in model.clusterCenters()])
    n_iter = int(model.summary.numIter)

    tasks.step("summary")
    start = time.perf_counter()
    predicted = model.transform(data)
    label = F.col("prediction")
    sq = sum((F.col(n) - F.element_at(F.array(*[F.lit(float(v)) for v in centers[:, j]]),
                                      label + 1)) ** 2 for j, n in enumerate(f_names))
    rows = predicted.groupBy("prediction").agg(
        F.count(F.lit(1)).alias("n"), F.sum(sq).alias("cost"),
        *[F.avg(F.col(n)).alias(n) for n in x_names]).collect()
    counts = np.zeros(k, dtype=np.int64)
    means = np.full((k, len(columns)), np.nan)
    inertia = 0.0
    for row in rows:
        j = int(row["prediction"])
        counts[j] = int(row["n"])
        means[j] = [row[n] for n in x_names]
        inertia += float(row["cost"])
    timings.append(("summary", time.perf_counter() - start))

    tasks.step("sample")
    start = time.perf_counter()
    sample = pd.DataFrame(columns=[*columns, CLUSTER_COLUMN])
    if sample_size:
        fraction = min(1.0, (sample_size + 10 * math.sqrt(sample_size) + 100) / n_rows)
        picked = (predicted.sample(withReplacement=False, fraction=fraction, seed=seeds[0])
                  .limit(sample_size).select(*x_names, "prediction").collect())
        values = np.array([[r[n] for n in x_names] for r in picked], dtype=np.float64)
        sample = pd.DataFrame(values.reshape(len(picked), len(columns)), columns=columns)
        sample[CLUSTER_COLUMN] = np.array([r["prediction"] for r in picked], dtype=np.int64)
    data.unpersist()
    timings.append(("sample", time.perf_counter() - start))
    original = centers if mean is None else centers * std + mean
    return RunSummary(
        engine="spark", method="k-means||", settings={},
        versions={**versions(), "pyspark": pyspark.__version__, "spark": spark.version},
        columns=tuple(columns), n_rows=n_rows, n_skipped=n_seen - n_rows,
        scale_mean=mean, scale_std=std, centers_scaled=centers, centers=original, means=means,
        counts=counts, inertia=inertia, n_iter=n_iter, converged=n_iter < max_iter,
        cost_history=(), shift_history=(), sample=sample, timings=tuple(timings))


@contextmanager
def _session(session, master: str, config: dict[str, str]) -> Iterator:
    from pyspark.sql import SparkSession

    session = session or SparkSession.getActiveSession()
    if session is not None:  # someone else's session: use it, leave it running
        yield session
        return

    builder = (SparkSession.builder.master(master).appName("cluster-explorer")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.log.level", "ERROR"))
    for key, value in config.items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # noqa: BLE001 (the JVM failing to start has many causes)
        raise SparkError(f"Spark could not start on {master}: {_first_line(exc)}.") from exc
    try:
        yield spark
    finally:
        spark.stop()


class _Tasks:
    """Reports each step, and finished/total tasks of the running stages every half second."""

    def __init__(self, spark, report: ProgressCallback):
        self._tracker = spark.sparkContext.statusTracker()
        self._report = report
        self._name, self._step = STEPS[0], 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self) -> _Tasks:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def step(self, name: str) -> None:
        self._name, self._step = name, STEPS.index(name) + 1
        self._report(Progress(name, self._step, len(STEPS), 0, None))

    def _poll(self) -> None:
        while not self._stop.wait(0.5):
            done = total = 0
            try:
                for stage in self._tracker.getActiveStageIds():
                    info = self._tracker.getStageInfo(stage)
                    if info is not None:
                        done += info.numCompletedTasks
                        total += info.numTasks
            except Exception:  # noqa: BLE001 (the session may be stopping)
                return
            if total:
                self._report(Progress(self._name, self._step, len(STEPS), done, total))


def _first_line(exc: BaseException) -> str:
    text = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    return (text[0] if text else type(exc).__name__).rstrip(".")[:300]
