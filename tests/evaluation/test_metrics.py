import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm
from sklearn.cluster import KMeans as SkKMeans

from clustering.data._datasets import load_dataset
from clustering.evaluation._metrics import (
    EXTERNAL,
    INTERNAL,
    METRICS,
    SILHOUETTE_SAMPLE_SIZE,
    Evaluation,
    contingency,
    evaluate,
    per_sample_silhouette,
)


@pytest.fixture(scope="module")
def iris_run():
    ds = load_dataset("iris")
    km = SkKMeans(n_clusters=3, n_init=1, random_state=0).fit(ds.X)
    return ds.X, km.labels_, ds.true_labels, km.inertia_


def test_registry_is_complete_and_readable():
    assert set(METRICS) == {
        "objective",
        "silhouette",
        "calinski_harabasz",
        "davies_bouldin",
        "homogeneity",
        "completeness",
        "v_measure",
        "ari",
        "ami",
    }
    assert set(INTERNAL) == {"objective", "silhouette", "calinski_harabasz", "davies_bouldin"}
    assert set(EXTERNAL) == set(METRICS) - set(INTERNAL)
    for info in METRICS.values():
        assert info.label and info.range and "\n" not in info.explanation
    assert not METRICS["objective"].higher_is_better
    assert not METRICS["davies_bouldin"].higher_is_better
    assert METRICS["silhouette"].higher_is_better and METRICS["ari"].needs_labels


def test_values_match_sklearn_directly(iris_run):
    X, labels, truth, inertia = iris_run
    ev = evaluate(X, labels, truth)
    assert isinstance(ev, Evaluation)
    v = ev.values
    assert v["objective"] == pytest.approx(inertia, rel=1e-10)
    assert v["silhouette"] == pytest.approx(skm.silhouette_score(X, labels))
    assert v["calinski_harabasz"] == pytest.approx(skm.calinski_harabasz_score(X, labels))
    assert v["davies_bouldin"] == pytest.approx(skm.davies_bouldin_score(X, labels))
    assert v["homogeneity"] == pytest.approx(skm.homogeneity_score(truth, labels))
    assert v["completeness"] == pytest.approx(skm.completeness_score(truth, labels))
    assert v["v_measure"] == pytest.approx(skm.v_measure_score(truth, labels))
    assert v["ari"] == pytest.approx(skm.adjusted_rand_score(truth, labels))
    assert v["ami"] == pytest.approx(skm.adjusted_mutual_info_score(truth, labels))
    assert ev.reasons == {} and ev.silhouette_sampled is None and ev.n_labeled == 150
    assert all(isinstance(x, float) for x in v.values())


def test_given_objective_is_reported_as_is(iris_run):
    X, labels, _, _ = iris_run
    assert evaluate(X, labels, objective=12.5).values["objective"] == 12.5


def test_objective_hand_computed():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [4.0, 0.0], [4.0, 2.0]])
    # Cluster means (0, .5) and (4, 1): squared errors .25 + .25 + 1 + 1.
    assert evaluate(X, [0, 0, 1, 1]).values["objective"] == pytest.approx(2.5)


def test_objective_for_other_distances_needs_the_run():
    X = np.array([[0.0, 1.0], [1.0, 1.0], [5.0, 1.0], [6.0, 1.0]])
    ev = evaluate(X, [0, 0, 1, 1], metric="manhattan")
    assert ev.values["objective"] is None and "centre rule" in ev.reasons["objective"]
    assert evaluate(X, [0, 0, 1, 1], metric="manhattan", objective=2.0).values["objective"] == 2


@pytest.mark.parametrize("metric", ["euclidean", "manhattan", "cityblock", "cosine"])
def test_silhouette_uses_the_clustering_distance(iris_run, metric):
    X, labels, _, _ = iris_run
    expected = skm.silhouette_score(X, labels, metric=metric)
    assert evaluate(X, labels, metric=metric).values["silhouette"] == pytest.approx(expected)


def test_unknown_metric_is_an_input_error(iris_run):
    X, labels, _, _ = iris_run
    with pytest.raises(ValueError, match="metric='chebyshev'"):
        evaluate(X, labels, metric="chebyshev")


def test_no_true_labels_gives_reasons():
    X = np.array([[0.0], [1.0], [5.0], [6.0]])
    ev = evaluate(X, [0, 0, 1, 1])
    for key in EXTERNAL:
        assert ev.values[key] is None and "true labels" in ev.reasons[key]
    assert ev.contingency is None and ev.n_labeled is None


@pytest.mark.parametrize(
    "labels, phrase",
    [
        ([0, 0, 0, 0], "single cluster"),
        ([0, 1, 2, 3], "own cluster"),
    ],
    ids=["one-cluster", "all-singletons"],
)
def test_degenerate_clusterings_give_reasons_not_errors(labels, phrase):
    X = np.array([[0.0, 0.0], [1.0, 0.0], [5.0, 0.0], [6.0, 0.0]])
    ev = evaluate(X, labels, ["a", "a", "b", "b"])
    for key in ("silhouette", "calinski_harabasz", "davies_bouldin"):
        assert ev.values[key] is None
        assert phrase in ev.reasons[key]
    # External metrics stay defined for these partitions.
    assert ev.values["ari"] is not None and ev.values["homogeneity"] is not None
    assert ev.values["objective"] is not None


@pytest.mark.parametrize("n", [0, 1])
def test_fewer_than_two_samples(n):
    X = np.zeros((n, 2))
    ev = evaluate(X, np.zeros(n, dtype=int), ["a"] * n)
    for key in ("silhouette", "calinski_harabasz", "davies_bouldin"):
        assert ev.values[key] is None and "at least 2 samples" in ev.reasons[key]
    for key in EXTERNAL:
        assert ev.values[key] is None and "at least 2" in ev.reasons[key]


def test_identical_points_in_two_clusters_do_not_raise():
    X = np.ones((6, 2))
    ev = evaluate(X, [0, 0, 0, 1, 1, 1])
    assert set(ev.values) == set(METRICS)  # whatever sklearn says, no exception


def test_missing_true_labels_are_excluded():
    X = np.array([[0.0], [0.1], [5.0], [5.1], [9.0], [9.1]])
    labels = np.array([0, 0, 1, 1, 2, 2])
    truth = np.array(["a", "a", None, "b", np.nan, "c"], dtype=object)
    ev = evaluate(X, labels, truth)
    keep = [0, 1, 3, 5]
    expected = skm.adjusted_rand_score(truth[keep].astype(str), labels[keep])
    assert ev.values["ari"] == pytest.approx(expected)
    assert ev.n_labeled == 4
    assert any("2 of 6 rows" in note for note in ev.notes)
    assert ev.contingency.to_numpy().sum() == 4
    # Internal metrics still see every row.
    assert ev.values["silhouette"] == pytest.approx(skm.silhouette_score(X, labels))


def test_contingency_rows_are_classes_columns_are_clusters(iris_run):
    X, labels, truth, _ = iris_run
    table = evaluate(X, labels, truth).contingency
    assert list(table.index) == ["setosa", "versicolor", "virginica"]
    assert list(table.columns) == [0, 1, 2]
    assert table.index.name == "true label" and table.columns.name == "cluster"
    np.testing.assert_array_equal(table.to_numpy(), skm.cluster.contingency_matrix(truth, labels))
    assert table.to_numpy().sum(axis=1).tolist() == [50, 50, 50]
    pd.testing.assert_frame_equal(contingency(labels, truth), table)


def test_mixed_type_true_labels_are_compared_as_text():
    table = contingency([0, 1, 1], [3, "3", "x"])
    assert list(table.index) == ["3", "x"]


def test_length_mismatch_is_an_input_error():
    with pytest.raises(ValueError, match="labels has 2 entries but X has 3 rows"):
        evaluate(np.zeros((3, 2)), [0, 1])
    with pytest.raises(ValueError, match="true_labels has 2 entries"):
        evaluate(np.zeros((3, 2)), [0, 1, 1], ["a", "b"])


@pytest.fixture(scope="module")
def big_blobs():
    ds = load_dataset("blobs", n_samples=3000, random_state=1)
    labels = SkKMeans(n_clusters=3, n_init=1, random_state=0).fit_predict(ds.X)
    return ds.X, labels


def test_silhouette_sampled_above_threshold_and_reported(big_blobs):
    X, labels = big_blobs
    ev = evaluate(X, labels, silhouette_sample_size=1000, random_state=7)
    assert ev.silhouette_sampled == 1000
    assert any("1000 of 3000" in note for note in ev.notes)
    expected = skm.silhouette_score(X, labels, sample_size=1000, random_state=7)
    assert ev.values["silhouette"] == pytest.approx(expected, rel=1e-12)
    full = evaluate(X, labels, silhouette_sample_size=None)
    assert full.silhouette_sampled is None
    assert ev.values["silhouette"] == pytest.approx(full.values["silhouette"], abs=0.02)


def test_sampling_is_seeded(big_blobs):
    X, labels = big_blobs
    a = evaluate(X, labels, silhouette_sample_size=500, random_state=1).values["silhouette"]
    b = evaluate(X, labels, silhouette_sample_size=500, random_state=1).values["silhouette"]
    c = evaluate(X, labels, silhouette_sample_size=500, random_state=2).values["silhouette"]
    assert a == b != c


def test_default_threshold_not_sampled_below(big_blobs):
    X, labels = big_blobs
    X, labels = X[:SILHOUETTE_SAMPLE_SIZE], labels[:SILHOUETTE_SAMPLE_SIZE]
    assert evaluate(X, labels).silhouette_sampled is None


def test_degenerate_sample_gives_reason():
    X = np.arange(100, dtype=float).reshape(-1, 1)
    labels = np.zeros(100, dtype=int)
    labels[0] = 1  # a lone point the sample will almost surely miss
    rows = np.random.RandomState(0).permutation(100)[:5]
    assert 0 not in rows
    ev = evaluate(X, labels, silhouette_sample_size=5, random_state=0)
    assert ev.values["silhouette"] is None and "sample of 5" in ev.reasons["silhouette"]
    assert ev.values["calinski_harabasz"] is not None


def test_per_sample_silhouette_matches_evaluate(big_blobs):
    X, labels = big_blobs
    rows, values = per_sample_silhouette(X, labels, "cosine", 800, random_state=3)
    assert rows.shape == values.shape == (800,)
    assert np.all(np.diff(rows) > 0)
    ev = evaluate(X, labels, metric="cosine", silhouette_sample_size=800, random_state=3)
    assert values.mean() == pytest.approx(ev.values["silhouette"], rel=1e-12)
    rows_all, values_all = per_sample_silhouette(X, labels, sample_size=None)
    np.testing.assert_array_equal(rows_all, np.arange(len(X)))
    np.testing.assert_allclose(values_all, skm.silhouette_samples(X, labels))


def test_per_sample_silhouette_raises_with_reason_when_undefined():
    with pytest.raises(ValueError, match="single cluster"):
        per_sample_silhouette(np.zeros((4, 2)), [1, 1, 1, 1])


def test_default_threshold_samples_above_it():
    X = load_dataset("blobs", n_samples=SILHOUETTE_SAMPLE_SIZE + 1000, random_state=2).X
    labels = (X[:, 0] > np.median(X[:, 0])).astype(int)
    ev = evaluate(X, labels)
    assert ev.silhouette_sampled == SILHOUETTE_SAMPLE_SIZE
    expected = skm.silhouette_score(X, labels, sample_size=SILHOUETTE_SAMPLE_SIZE, random_state=0)
    assert ev.values["silhouette"] == pytest.approx(expected, rel=1e-12)
