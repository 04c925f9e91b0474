"""k-means engine: hand-computed cases, parity with sklearn's Lloyd, history, edge cases."""

import warnings

import numpy as np
import pytest
from sklearn.cluster import KMeans as SKKMeans
from sklearn.cluster import kmeans_plusplus
from sklearn.datasets import load_digits, load_iris, load_wine, make_blobs
from sklearn.exceptions import ConvergenceWarning

from clustering.engine._distances import objective_terms
from clustering.engine._history import History, label_dtype
from clustering.engine._kmeans import KMeans, kmeans


def _blobs(n, d, k, seed):
    return make_blobs(n, d, centers=k, cluster_std=2.0, random_state=seed)[0]


DATASETS = {
    "iris": lambda: load_iris().data,
    "wine": lambda: load_wine().data,
    "digits": lambda: load_digits().data,
    "blobs-500x2": lambda: _blobs(500, 2, 4, 0),
    "blobs-3000x5": lambda: _blobs(3000, 5, 6, 1),
    "blobs-20000x3": lambda: _blobs(20000, 3, 8, 2),
}


def test_four_point_example_from_sklearn():
    # sklearn's test_kmeans_results uses sample weights (3, 1, 1, 3); repeating rows is the
    # same thing. By hand: centres (0.125, 0), (0.875, 1); inertia 3*0.125^2*2 + 0.375^2*2.
    X = np.array([[0, 0], [0.5, 0], [0.5, 1], [1, 1]], dtype=float)
    Xw = np.repeat(X, [3, 1, 1, 3], axis=0)
    km = KMeans(n_clusters=2, init=np.array([[0.0, 0], [1, 1]]), max_iter=1).fit(Xw)
    np.testing.assert_array_equal(km.predict(X), [0, 0, 1, 1])
    np.testing.assert_allclose(km.cluster_centers_, [[0.125, 0], [0.875, 1]])
    assert km.inertia_ == pytest.approx(0.375)
    assert km.n_iter_ == 1
    # Unweighted, the same start gives centres (0.25, 0), (0.75, 1) and inertia 4 * 0.25^2.
    km = KMeans(n_clusters=2, init=np.array([[0.0, 0], [1, 1]])).fit(X)
    np.testing.assert_allclose(km.cluster_centers_, [[0.25, 0], [0.75, 1]])
    assert km.inertia_ == pytest.approx(0.25)


@pytest.mark.parametrize("name", sorted(DATASETS), ids=sorted(DATASETS))
@pytest.mark.parametrize("k", [3, 8], ids=["k3", "k8"])
def test_parity_with_sklearn_lloyd_from_the_same_centers(name, k):
    X = DATASETS[name]()
    init, _ = kmeans_plusplus(X, k, random_state=11)
    sk = SKKMeans(k, init=init, n_init=1, algorithm="lloyd").fit(X)
    ours = KMeans(k, init=init).fit(X)
    np.testing.assert_array_equal(ours.labels_, sk.labels_)
    np.testing.assert_allclose(ours.cluster_centers_, sk.cluster_centers_, rtol=0, atol=1e-9)
    assert ours.inertia_ == pytest.approx(sk.inertia_, rel=1e-12)
    assert ours.n_iter_ == sk.n_iter_


@pytest.mark.parametrize("name", ["iris", "wine", "blobs-3000x5"])
@pytest.mark.parametrize("init", ["k-means++", "random"])
def test_parity_with_sklearn_for_the_same_random_state(name, init):
    X = DATASETS[name]()
    for seed in range(3):
        sk = SKKMeans(4, init=init, n_init=1, random_state=seed).fit(X)
        ours = KMeans(4, init=init, random_state=seed).fit(X)
        np.testing.assert_array_equal(ours.labels_, sk.labels_)
        np.testing.assert_allclose(ours.cluster_centers_, sk.cluster_centers_, atol=1e-9)
        assert ours.n_iter_ == sk.n_iter_


def test_numpy_fallback_matches_the_kernel(monkeypatch):
    X = DATASETS["blobs-3000x5"]()
    fast = kmeans(X, 5, random_state=0)
    monkeypatch.setattr("clustering.engine._kmeans.fast_kernel_available", lambda: False)
    slow = kmeans(X, 5, random_state=0)
    np.testing.assert_array_equal(slow.labels, fast.labels)
    np.testing.assert_allclose(slow.centers, fast.centers, atol=1e-9)
    assert slow.n_iter == fast.n_iter
    np.testing.assert_allclose(slow.history.objective[1:], fast.history.objective[1:],
                               rtol=1e-9)


def test_history_layout_and_consistency():
    X = DATASETS["blobs-500x2"]()
    res = kmeans(X, 4, random_state=0, tol=1e-2)
    h = res.history
    assert isinstance(h, History)
    assert h.phase[0] == "init" and h.iteration[0] == 0
    assert all(p == ("assign" if i % 2 else "update") for i, p in enumerate(h.phase[1:], 1)
               if i < 2 * res.n_iter + 1)
    assert h.centers.shape == (h.n_steps, 4, 2)
    assert h.labels.shape == (h.n_steps, 500) and h.labels.dtype == np.int8
    assert h.label_rows is None
    assert (h.labels[0] == -1).all() and np.isnan(h.objective[0])
    with pytest.raises(ValueError, match="read-only"):
        h.labels[0, 0] = 1  # a record, not a scratch array
    assert h.n_changed[1] == 500
    np.testing.assert_array_equal(h.labels[-1], res.labels)
    np.testing.assert_allclose(h.centers[-1], res.centers, atol=1e-12)
    assert h.objective[-1] == pytest.approx(res.inertia, rel=1e-12)
    for s in range(1, h.n_steps):
        direct = objective_terms(X, h.centers[s], h.labels[s]).sum()
        assert h.objective[s] == pytest.approx(direct, rel=1e-9)
    shifts = [((h.centers[s] - h.centers[s - 1]) ** 2).sum() for s in range(1, h.n_steps)]
    np.testing.assert_allclose(h.center_shift[1:], shifts, atol=1e-9)
    # Labels only change at assign steps; centres only at update steps.
    for s in range(2, h.n_steps):
        if h.phase[s] == "update":
            np.testing.assert_array_equal(h.labels[s], h.labels[s - 1])
        else:
            np.testing.assert_array_equal(h.centers[s], h.centers[s - 1])
            assert h.n_changed[s] == np.count_nonzero(h.labels[s] != h.labels[s - 1])


def test_recorded_objectives_stay_accurate_for_tight_far_apart_clusters():
    # sum ||x||^2 is ~1e10 times the objective here: the cheap formula alone would lose it.
    X, _ = make_blobs(4000, 3, centers=5, cluster_std=1e-3, center_box=(-1e3, 1e3),
                      random_state=4)
    h = kmeans(X + 5e3, 5, init="farthest", random_state=0, tol=0).history
    for s in range(1, h.n_steps):
        direct = objective_terms(X + 5e3, h.centers[s], h.labels[s]).sum()
        assert h.objective[s] == pytest.approx(direct, rel=1e-8), (s, h.phase[s])


def test_strict_convergence_ends_on_an_update_and_tol_stop_adds_a_final_assign():
    X = DATASETS["iris"]()
    strict = kmeans(X, 3, random_state=0, tol=0)
    assert strict.history.phase[-1] == "update"
    assert strict.history.n_steps == 2 * strict.n_iter + 1
    capped = kmeans(X, 3, random_state=0, max_iter=2, tol=0)
    assert capped.n_iter == 2
    assert capped.history.phase[-1] == "assign" and capped.history.iteration[-1] == 3


def test_tolerance_is_scaled_by_the_mean_feature_variance():
    X = DATASETS["blobs-3000x5"]()
    for tol in (1e-1, 1e-3, 1e-6):
        init, _ = kmeans_plusplus(X, 6, random_state=2)
        sk = SKKMeans(6, init=init, n_init=1, tol=tol).fit(X)
        assert KMeans(6, init=init, tol=tol).fit(X).n_iter_ == sk.n_iter_


def test_label_dtype_is_the_smallest_that_fits():
    assert label_dtype(3) == np.int8 and label_dtype(127) == np.int8
    assert label_dtype(128) == np.int16 and label_dtype(40000) == np.int32
    X = np.random.RandomState(0).normal(size=(400, 2))
    assert kmeans(X, 130, random_state=0, max_iter=2).history.labels.dtype == np.int16


def test_labels_beyond_the_budget_are_kept_for_a_fixed_sample(monkeypatch):
    monkeypatch.setattr("clustering.engine._history.LABEL_BUDGET_BYTES", 20_000)
    X = DATASETS["blobs-3000x5"]()
    res = kmeans(X, 6, random_state=0, max_iter=20, tol=0)
    h = res.history
    assert h.label_rows is not None and h.labels.nbytes <= 20_000
    assert h.labels.shape == (h.n_steps, h.label_rows.size)
    np.testing.assert_array_equal(h.labels[-1], res.labels[h.label_rows])
    assert h.centers.shape[0] == h.n_steps and np.isfinite(h.objective[1:]).all()
    again = kmeans(X, 6, random_state=1, max_iter=20, tol=0).history
    np.testing.assert_array_equal(again.label_rows, h.label_rows)


def test_empty_cluster_is_relocated_as_sklearn_does_and_recorded():
    X = np.array([[0.0, 0], [0.1, 0], [0, 0.1], [10, 10], [10.1, 10], [50, 50]])
    init = np.array([[0.0, 0], [10, 10], [100.0, 100]])  # third centre attracts nobody
    sk = SKKMeans(3, init=init, n_init=1).fit(X)
    res = kmeans(X, 3, init=init)
    np.testing.assert_array_equal(res.labels, sk.labels_)
    np.testing.assert_allclose(res.centers, sk.cluster_centers_, atol=1e-12)
    h, ev = res.history, res.history.empty_events
    assert len(ev) == 1 and ev[0].cluster == 2 and ev[0].relocated_row == 5
    # The update step shows the point in its new cluster, matching the new centres.
    assert h.phase[ev[0].step] == "update" and h.labels[ev[0].step][5] == 2
    assert h.n_changed[ev[0].step] == 1
    for s in range(1, h.n_steps):
        direct = objective_terms(X, h.centers[s], h.labels[s]).sum()
        assert h.objective[s] == pytest.approx(direct, rel=1e-9, abs=1e-12)


def test_empty_cluster_relocation_in_the_numpy_loop(monkeypatch):
    monkeypatch.setattr("clustering.engine._kmeans.fast_kernel_available", lambda: False)
    X = np.array([[0.0, 0], [0.1, 0], [0, 0.1], [10, 10], [10.1, 10], [50, 50]])
    init = np.array([[0.0, 0], [10, 10], [100.0, 100]])
    sk = SKKMeans(3, init=init, n_init=1).fit(X)
    res = kmeans(X, 3, init=init)
    np.testing.assert_array_equal(res.labels, sk.labels_)
    np.testing.assert_allclose(res.centers, sk.cluster_centers_, atol=1e-9)
    assert [(e.cluster, e.relocated_row) for e in res.history.empty_events] == [(2, 5)]


def test_center_none_picks_the_matching_rule_and_mismatch_warns():
    X = DATASETS["blobs-500x2"]()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for distance, rule in [("euclidean", "mean"), ("manhattan", "median"),
                               ("cosine", "normalized-mean")]:
            assert KMeans(3, distance=distance, random_state=0).fit(X).center_ == rule
    with pytest.warns(UserWarning, match="objective may rise"):
        KMeans(3, distance="manhattan", center="mean", random_state=0).fit(X)
    with pytest.warns(UserWarning, match="objective may rise"):
        kmeans(X, 3, center="medoid", random_state=0)


@pytest.mark.parametrize("distance", ["euclidean", "manhattan", "cosine"])
def test_inertia_is_the_objective_of_the_chosen_distance(distance):
    X = DATASETS["blobs-500x2"]()
    km = KMeans(4, distance=distance, random_state=0).fit(X)
    direct = objective_terms(X, km.cluster_centers_, km.labels_, distance).sum()
    assert km.inertia_ == pytest.approx(direct, rel=1e-9)
    assert km.score(X) == pytest.approx(-km.inertia_, rel=1e-9)
    np.testing.assert_array_equal(km.predict(X), km.labels_)
    assert km.transform(X).shape == (500, 4)


def test_cosine_with_an_all_zero_row_is_a_clear_error():
    X = np.array([[1.0, 0], [0, 1], [0, 0], [1, 1]])
    with pytest.raises(ValueError, match="cosine distance is undefined for all-zero rows"):
        KMeans(2, distance="cosine").fit(X)


def test_n_init_keeps_the_best_run_and_each_seed_replays_its_run():
    X = DATASETS["blobs-500x2"]()
    res = kmeans(X, 6, init="random", n_init=4, random_state=0)
    assert len(res.runs) == 4
    assert res.inertia == min(r["objective"] for r in res.runs)
    for run in res.runs:
        alone = kmeans(X, 6, init="random", random_state=run["seed"])
        assert alone.inertia == run["objective"] and alone.n_iter == run["n_iter"]
    assert kmeans(X, 6, random_state=3).runs == [
        {"seed": 3, "objective": pytest.approx(kmeans(X, 6, random_state=3).inertia),
         "n_iter": kmeans(X, 6, random_state=3).n_iter}
    ]


def test_array_init_runs_once_with_a_warning():
    X = DATASETS["iris"]()
    with pytest.warns(RuntimeWarning, match="running 1 init, not n_init=3"):
        km = KMeans(3, init=X[:3], n_init=3).fit(X)
    assert len(km.runs_) == 1


def test_validation_errors_carry_the_values():
    X = np.zeros((3, 2)) + np.arange(3)[:, None]
    with pytest.raises(ValueError, match="n_samples=3 should be >= n_clusters=5"):
        kmeans(X, 5)
    with pytest.raises(ValueError, match="distance='hamming' is not one of"):
        kmeans(X, 2, distance="hamming")
    with pytest.raises(ValueError, match="center='mode' is not one of"):
        kmeans(X, 2, center="mode")
    with pytest.raises(ValueError, match="tol=-1 must be a number >= 0"):
        kmeans(X, 2, tol=-1)


def test_fewer_distinct_points_than_clusters_is_an_error():
    X = np.repeat(np.eye(3), 5, axis=0)
    msg = r"n_clusters=4 must be <= number of distinct points \(3\)"
    with pytest.raises(ValueError, match=msg):
        KMeans(4, random_state=0).fit(X)


def test_duplicates_may_leave_clusters_empty_with_a_warning():
    # Every point sits on a centre, so there is no far point to hand the empty cluster.
    X = np.array([[0.0, 0]] * 5 + [[1.0, 1]] * 5)
    with pytest.warns(ConvergenceWarning, match=r"distinct clusters \(2\) found smaller"):
        res = kmeans(X, 3, init=np.array([[0.0, 0], [1, 1], [5, 5]]))
    assert res.history.empty_events == ()


def test_history_off_gives_the_same_fit():
    X = DATASETS["wine"]()
    on, off = kmeans(X, 3, random_state=0), kmeans(X, 3, random_state=0, history=False)
    assert off.history is None
    np.testing.assert_array_equal(on.labels, off.labels)
    assert on.inertia == off.inertia and on.n_iter == off.n_iter
