"""Initialisation: k distinct centres or a clear error always; k-means++ as sklearn."""

import numpy as np
import pytest
from sklearn.cluster import KMeans as SKKMeans
from sklearn.cluster import kmeans_plusplus
from sklearn.datasets import load_iris, make_blobs
from sklearn.utils import check_random_state

from clustering.engine._distances import DISTANCES
from clustering.engine._init import INIT_METHODS, initial_centers, n_distinct_points

INITS = sorted(INIT_METHODS)
METRICS = sorted(DISTANCES)


def _n_distinct(C, metric):
    return n_distinct_points(C, metric)


@pytest.mark.parametrize("metric", METRICS, ids=METRICS)
@pytest.mark.parametrize("init", INITS, ids=INITS)
def test_every_init_gives_k_distinct_centers(init, metric):
    X = make_blobs(300, 3, centers=4, random_state=0)[0] + 10.0
    for seed in range(5):
        C = initial_centers(X, 6, init, distance=metric, random_state=seed)
        assert C.shape == (6, 3)
        assert _n_distinct(C, metric) == 6


@pytest.mark.parametrize("metric", METRICS, ids=METRICS)
@pytest.mark.parametrize("init", INITS, ids=INITS)
def test_heavy_duplicates_still_give_distinct_centers(init, metric):
    # 5 distinct points, each repeated many times: exactly k=5 distinct centres exist.
    base = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-1.0, 2.0], [3.0, -1.0]])
    X = np.repeat(base, [50, 1, 30, 2, 40], axis=0)
    for seed in range(5):
        C = initial_centers(X, 5, init, distance=metric, random_state=seed)
        assert _n_distinct(C, metric) == 5


@pytest.mark.parametrize("init", INITS, ids=INITS)
def test_too_few_distinct_points_names_both_numbers(init):
    X = np.repeat(np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]), 4, axis=0)
    msg = r"n_clusters=5 must be <= number of distinct points \(3\)"
    with pytest.raises(ValueError, match=msg):
        initial_centers(X, 5, init, random_state=0)


def test_cosine_counts_directions_not_points():
    X = np.array([[1.0, 0.0], [2.0, 0.0], [0.0, 1.0], [0.0, 3.0]])
    msg = r"n_clusters=3 must be <= number of distinct directions \(2\)"
    with pytest.raises(ValueError, match=msg):
        initial_centers(X, 3, "farthest", distance="cosine", random_state=0)


def test_more_clusters_than_rows():
    with pytest.raises(ValueError, match="n_samples=2 should be >= n_clusters=3"):
        initial_centers(np.eye(2), 3, "random", random_state=0)


@pytest.mark.parametrize("seed", [0, 1, 7, 42])
def test_kmeans_plus_plus_draws_the_same_centers_as_sklearn(seed):
    X = load_iris().data
    ours = initial_centers(X, 4, "k-means++", random_state=seed)
    Xc = X - X.mean(axis=0)
    # What sklearn.cluster.KMeans.fit does: k-means++ on centred data, same RandomState.
    _, rows = kmeans_plusplus(Xc, 4, x_squared_norms=(Xc**2).sum(1),
                              random_state=check_random_state(seed))
    np.testing.assert_array_equal(ours, X[rows])


def test_random_draws_the_same_rows_as_sklearn():
    X = make_blobs(200, 2, centers=3, random_state=3)[0]
    ours = initial_centers(X, 3, "random", random_state=5)
    # sklearn's init="random" with the same seed, run from our centres, is the same fit.
    a = SKKMeans(3, init="random", n_init=1, random_state=5).fit(X)
    b = SKKMeans(3, init=ours, n_init=1).fit(X)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    assert a.n_iter_ == b.n_iter_


def test_farthest_is_maximin_on_a_line():
    X = np.array([[0.0], [1.0], [2.0], [10.0], [4.0]])
    rng = check_random_state(0)
    first = rng.randint(5)
    C = initial_centers(X, 3, "farthest", random_state=0)
    assert C[0, 0] == X[first, 0]
    # From x=X[first], the farthest is 10 (or 0), then the point farthest from both.
    assert set(C[:, 0]) >= {10.0}
    assert len(set(C[:, 0])) == 3


def test_random_partition_centers_are_means_of_a_partition():
    X = np.arange(20, dtype=float).reshape(10, 2)
    C = initial_centers(X, 3, "random-partition", random_state=0)
    # Each centre is the mean of some non-empty subset, so it lies in the data's hull.
    assert np.all(C >= X.min(0)) and np.all(C <= X.max(0))
    assert _n_distinct(C, "euclidean") == 3


def test_same_random_state_same_centers():
    X = make_blobs(100, 2, random_state=0)[0]
    for init in INITS:
        a = initial_centers(X, 4, init, random_state=3)
        b = initial_centers(X, 4, init, random_state=np.random.RandomState(3))
        np.testing.assert_array_equal(a, b)


def test_array_and_callable_init():
    X = np.arange(12, dtype=float).reshape(6, 2)
    C = initial_centers(X, 2, [[0, 1], [4, 5]])
    np.testing.assert_array_equal(C, [[0.0, 1.0], [4.0, 5.0]])
    with pytest.raises(ValueError, match=r"init array has shape \(1, 2\); expected .*\(2, 2\)"):
        initial_centers(X, 2, [[0, 1]])
    got = initial_centers(X, 2, lambda X, k, random_state: X[:k])
    np.testing.assert_array_equal(got, X[:2])
    with pytest.raises(ValueError, match="init='bogus' is not one of"):
        initial_centers(X, 2, "bogus")


@pytest.mark.parametrize("init", INITS, ids=INITS)
def test_tiny_scales_are_not_mistaken_for_duplicates(init):
    # Squared distances here are ~1e-18: no threshold may call these points equal.
    X = np.random.RandomState(0).normal(size=(60, 2)) * 1e-9
    for metric in METRICS:
        C = initial_centers(X, 5, init, distance=metric, random_state=0)
        assert _n_distinct(C, metric) == 5
