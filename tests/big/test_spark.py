"""The Spark backend on ``local[1]`` against scikit-learn on the same rows.

These tests run in CI (``.ci/run`` installs Java 17 and ``make test`` the ``[spark]`` extra);
elsewhere they are skipped, with the reason, only when pyspark or Java is missing. Under
``CI=true`` a missing Spark is a failure, never a skip.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler

from clustering.big import (
    CLUSTER_COLUMN,
    SourceError,
    main,
    read_run_path,
    spark_available,
    spark_fit,
    stream_fit,
)
from tests.big.datasets import NAMES, blob_rows, write_parquet

REPO = Path(__file__).resolve().parents[2]
K = 4
# Starting the JVM and a first job take a minute on a loaded 2-core machine.
pytestmark = pytest.mark.timeout(900)


def require_spark() -> None:
    reason = spark_available()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the Spark tests: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def spark():
    require_spark()
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[1]").appName("cluster-explorer-tests")
               .config("spark.ui.enabled", "false").config("spark.log.level", "ERROR")
               .config("spark.sql.shuffle.partitions", "2").getOrCreate())
    yield session
    session.stop()


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    X, _ = blob_rows(12_000, 4, K, seed=5, spread=8.0)
    return X, write_parquet(tmp_path_factory.mktemp("spark") / "t", X, files=2, row_group=2_000)


def test_spark_inertia_is_within_one_percent_of_scikit_learn(spark, table):
    X, folder = table
    run = spark_fit(folder, K, random_state=0, session=spark)
    scaler = StandardScaler().fit(X)
    km = KMeans(K, n_init=10, random_state=0).fit(scaler.transform(X))
    assert (run.engine, run.method) == ("spark", "k-means||")
    assert run.n_rows == len(X) and run.counts.sum() == len(X)
    np.testing.assert_allclose(run.scale_mean, scaler.mean_, rtol=1e-9)
    np.testing.assert_allclose(run.scale_std, scaler.scale_, rtol=1e-9)
    assert run.inertia == pytest.approx(km.inertia_, rel=0.01)
    rows, cols = linear_sum_assignment(cdist(km.cluster_centers_, run.centers_scaled))
    assert np.abs(km.cluster_centers_[rows] - run.centers_scaled[cols]).max() < 0.05
    np.testing.assert_allclose(run.centers, run.centers_scaled * run.scale_std + run.scale_mean)
    assert run.versions["pyspark"] and run.settings["master"] == "local[*]"
    assert spark.sparkContext._jsc is not None  # a given session is left running


def test_spark_and_the_streaming_fit_give_the_same_summary(spark, table):
    X, folder = table
    on_spark = spark_fit(folder, K, random_state=0, sample_size=300, session=spark)
    streamed = stream_fit(folder, K, random_state=0, sample_size=300)
    assert on_spark.columns == streamed.columns == tuple(NAMES[:4])
    assert list(on_spark.sample.columns) == list(streamed.sample.columns)
    assert len(on_spark.sample) == 300 and on_spark.sample[CLUSTER_COLUMN].between(0, K - 1).all()
    assert on_spark.inertia == pytest.approx(streamed.inertia, rel=0.01)
    rows, cols = linear_sum_assignment(cdist(on_spark.means, streamed.means))
    np.testing.assert_allclose(on_spark.counts[rows], streamed.counts[cols], rtol=0.01)
    np.testing.assert_allclose(on_spark.means[rows], streamed.means[cols], atol=0.05)


def test_spark_unscaled_on_csv(spark, table, tmp_path):
    X, _ = table
    pd.DataFrame(X[:3_000], columns=NAMES[:4]).to_csv(tmp_path / "t.csv", index=False)
    run = spark_fit(tmp_path / "t.csv", K, scale="none", random_state=1, session=spark)
    km = KMeans(K, n_init=10, random_state=0).fit(X[:3_000])
    assert run.scale_mean is None and run.n_rows == 3_000
    assert run.inertia == pytest.approx(km.inertia_, rel=0.01)


def test_more_starts_keep_the_cheapest_run(spark, table):
    _, folder = table
    one = spark_fit(folder, K, random_state=4, sample_size=0, session=spark)
    best = spark_fit(folder, K, random_state=4, n_init=2, sample_size=0, session=spark)
    assert best.settings["n_init"] == 2 and best.inertia <= one.inertia * (1 + 1e-9)
    assert best.sample.empty and list(best.sample.columns) == [*NAMES[:4], CLUSTER_COLUMN]


def test_spark_refuses_bad_input_like_the_streaming_fit(spark, table):
    _, folder = table
    with pytest.raises(SourceError, match="has no column 'income'"):
        spark_fit(folder, K, columns=["f0", "income"], session=spark)


def test_the_command_line_fits_on_spark(spark, table, tmp_path, capsys):
    # In process, on the fixture's session (the command line uses an active session and
    # leaves it running): a subprocess would start a second JVM, a minute on 2 cores.
    # `python -m clustering` itself runs as a subprocess in test_cli.py.
    _, folder = table
    status = main(["fit", str(folder), "--k", str(K), "--engine", "spark", "--master",
                   "local[1]", "--seed", "3", "--conf", "spark.sql.shuffle.partitions=2",
                   "--out", str(tmp_path / "run.json")])
    out = capsys.readouterr().out
    assert status == 0, out[-2000:]
    assert "Wrote" in out and "spark (k-means||)" in out
    run = read_run_path("run.json", tmp_path)
    assert run.engine == "spark" and run.settings["master"] == "local[1]"
    assert json.loads((tmp_path / "run.json").read_text())["engine"]["versions"]["pyspark"]
