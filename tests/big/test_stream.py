"""The streaming fit against a full in-memory fit on the same rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler

from clustering.big import CLUSTER_COLUMN, Progress, open_source, stream_fit
from tests.big.datasets import NAMES, blob_rows, write_parquet

K = 6


@pytest.fixture(scope="module")
def blobs(tmp_path_factory):
    """60,000 rows x 5 in three Parquet files with 7,000-row row groups."""
    X, _ = blob_rows(60_000, 5, K, seed=3, spread=6.0)
    folder = write_parquet(tmp_path_factory.mktemp("blobs") / "table", X, files=3,
                           row_group=7_000)
    return X, folder


@pytest.fixture(scope="module")
def reference(blobs):
    X, _ = blobs
    scaler = StandardScaler().fit(X)
    km = KMeans(K, n_init=10, random_state=0).fit(scaler.transform(X))
    return scaler, km


def matched(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``b`` paired with the rows of ``a`` (Hungarian method on center distances)."""
    rows, cols = linear_sum_assignment(cdist(a, b))
    return rows, cols


@pytest.mark.parametrize("method", ["minibatch", "lloyd"])
def test_streaming_fit_equals_a_full_in_memory_kmeans(blobs, reference, method):
    X, folder = blobs
    scaler, km = reference
    run = stream_fit(folder, K, method=method, batch_size=4_096, random_state=0)

    assert run.n_rows == len(X) and run.n_skipped == 0
    np.testing.assert_allclose(run.scale_mean, scaler.mean_, rtol=1e-10)
    np.testing.assert_allclose(run.scale_std, scaler.scale_, rtol=1e-10)
    assert run.inertia == pytest.approx(km.inertia_, rel=0.01)
    rows, cols = matched(km.cluster_centers_, run.centers_scaled)
    assert np.abs(km.cluster_centers_[rows] - run.centers_scaled[cols]).max() < 0.05
    full_counts = np.bincount(km.labels_, minlength=K)
    np.testing.assert_allclose(run.counts[cols], full_counts[rows], rtol=0.01)


def test_final_pass_is_exact_at_the_final_centers(blobs):
    """Inertia, counts and means in the table's units are those of every row."""
    X, folder = blobs
    run = stream_fit(folder, K, method="lloyd", batch_size=5_000, random_state=1)
    Xs = run.scale(X)
    labels = cdist(Xs, run.centers_scaled, "sqeuclidean").argmin(axis=1)
    np.testing.assert_array_equal(run.counts, np.bincount(labels, minlength=K))
    assert run.inertia == pytest.approx(
        cdist(Xs, run.centers_scaled, "sqeuclidean").min(axis=1).sum(), rel=1e-9)
    means = np.array([X[labels == j].mean(axis=0) for j in range(K)])
    np.testing.assert_allclose(run.means, means, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(run.centers, run.centers_scaled * run.scale_std + run.scale_mean)
    assert run.cost_history and all(c is not None for c in run.cost_history)
    costs = np.array(run.cost_history)
    assert (np.diff(costs) <= 1e-6 * costs[:-1]).all()  # Lloyd never raises the objective


def test_sample_is_seeded_real_rows_with_their_labels(blobs):
    X, folder = blobs
    run = stream_fit(folder, K, sample_size=500, random_state=7)
    again = stream_fit(folder, K, sample_size=500, random_state=7)
    other = stream_fit(folder, K, sample_size=500, random_state=8)
    assert list(run.sample.columns) == [*NAMES[:5], CLUSTER_COLUMN]
    assert len(run.sample) == 500
    pd.testing.assert_frame_equal(run.sample, again.sample)
    assert not run.sample[NAMES[:5]].equals(other.sample[NAMES[:5]])
    rows = {row.tobytes() for row in X}
    values = run.sample[NAMES[:5]].to_numpy()
    assert all(row.tobytes() in rows for row in values)
    nearest = cdist(run.scale(values), run.centers_scaled, "sqeuclidean").argmin(axis=1)
    np.testing.assert_array_equal(run.sample[CLUSTER_COLUMN].to_numpy(), nearest)


def test_unscaled_fit_keeps_the_table_units(blobs):
    X, folder = blobs
    run = stream_fit(folder, K, scale="none", random_state=0)
    assert run.scale_mean is None and run.scale_std is None
    np.testing.assert_array_equal(run.centers, run.centers_scaled)
    km = KMeans(K, n_init=10, random_state=0).fit(X)
    assert run.inertia == pytest.approx(km.inertia_, rel=0.01)


def test_progress_is_reported_per_batch_and_reaches_every_row(blobs):
    X, folder = blobs
    seen: list[Progress] = []
    run = stream_fit(folder, K, batch_size=10_000, max_iter=3, random_state=0,
                     progress=seen.append)
    stages = [p.stage for p in seen]
    assert stages[0] == "scan" and stages[-1] == "final" and "fit" in stages
    assert len(seen) >= (run.n_iter + 2) * len(X) // 15_000
    last = {}
    for p in seen:
        assert p.done > last.get(p.step, 0)
        last[p.step] = p.done
        assert p.total == len(X) and p.steps == 3 + 2
    assert all(done == len(X) for done in last.values())


def test_rows_with_missing_or_infinite_values_are_left_out_and_counted(tmp_path):
    X, _ = blob_rows(5_000, 3, 3, seed=1)
    holes = X.copy()
    holes[::10, 1] = np.nan
    holes[5::50, 2] = np.inf
    folder = write_parquet(tmp_path / "holes", holes, files=2, row_group=1_000)
    run = stream_fit(folder, 3, random_state=0, method="lloyd")
    complete = np.isfinite(holes).all(axis=1)
    assert run.n_skipped == int((~complete).sum()) and run.n_rows == int(complete.sum())
    scaler = StandardScaler().fit(holes[complete])
    np.testing.assert_allclose(run.scale_mean, scaler.mean_, rtol=1e-10)
    assert np.isfinite(run.sample.drop(columns=CLUSTER_COLUMN).to_numpy()).all()


def test_a_folder_of_csv_files_fits_like_parquet(tmp_path, blobs):
    X, folder = blobs
    csv = tmp_path / "csv"
    csv.mkdir()
    for i, part in enumerate(np.array_split(X[:6_000], 2)):
        pd.DataFrame(part, columns=NAMES[:5]).to_csv(csv / f"part{i}.csv", index=False)
    from_csv = stream_fit(csv, K, method="lloyd", random_state=0)
    pq_folder = write_parquet(tmp_path / "pq", X[:6_000], files=2, row_group=1_000)
    from_parquet = stream_fit(pq_folder, K, method="lloyd", random_state=0)
    assert from_csv.n_rows == from_parquet.n_rows == 6_000
    assert from_csv.inertia == pytest.approx(from_parquet.inertia, rel=1e-9)


def test_default_columns_are_the_numeric_ones_but_not_cluster(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"name": ["a", "b", "c", "d"], "x": [1.0, 2.0, 3.0, 4.0],
                      "n": [1, 2, 3, 5], "cluster": [0, 1, 0, 1]})
    pq.write_table(table, tmp_path / "t.parquet")
    assert open_source(tmp_path / "t.parquet").columns == ("x", "n")
    run = stream_fit(tmp_path / "t.parquet", 2, random_state=0)
    assert run.columns == ("x", "n") and run.counts.sum() == 4


def test_more_clusters_than_rows_is_one_sentence(tmp_path):
    X, _ = blob_rows(5, 2, 1, seed=0)
    folder = write_parquet(tmp_path / "tiny", X, files=1, row_group=5)
    with pytest.raises(ValueError, match=r"has 5 complete rows, fewer than n_clusters=6\.$"):
        stream_fit(folder, 6)


@pytest.mark.parametrize(("name", "value"), [
    ("n_clusters", 0), ("max_iter", 0), ("batch_size", 0), ("sample_size", -1),
    ("scale", "minmax"), ("method", "elkan"), ("tol", float("nan")), ("n_clusters", 2.5),
])
def test_bad_parameters_are_refused_with_their_values(blobs, name, value):
    _, folder = blobs
    kwargs = {"n_clusters": 3, name: value}
    with pytest.raises(ValueError, match=name):
        stream_fit(folder, **kwargs)
