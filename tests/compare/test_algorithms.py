"""The algorithm registry: every entry on every toy set, parameters, size guards, noise scores."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score, silhouette_score

from clustering.compare import _run as alg
from clustering.compare._auto import K_DISTANCE_QUERIES, k_distance
from clustering.compare._guards import (
    BIRCH_MAX_SUBCLUSTERS,
    MEANSHIFT_MAX_SEEDS,
    NEIGHBOR_PAIRS_BUDGET,
    SPECTRAL_RBF_ROWS,
    birch_budget,
    gmm_budget,
    meanshift_budget,
    spectral_budget,
)
from clustering.compare._run import (
    ALGORITHMS,
    DEFAULT_ALGORITHMS,
    TOY_SETS,
    agreement_matrix,
    check_params,
    dendrogram_data,
    load_toy,
    run_algorithm,
    score_labels,
)
from clustering.compare._scores import TOY_N_SAMPLES
from clustering.evaluation._metrics import evaluate

NAMES = list(ALGORITHMS)


@pytest.fixture(scope="module")
def toys():
    return {key: load_toy(key) for key in TOY_SETS}


def blobs(n_per=40, centers=((0, 0), (6, 0), (0, 6)), seed=0):
    rng = np.random.RandomState(seed)
    X = np.vstack([rng.normal(c, 0.5, size=(n_per, 2)) for c in centers])
    y = np.repeat(np.arange(len(centers)), n_per)
    return X, y


def params_for(name: str, k: int) -> dict:
    return {"n_clusters": k} if ALGORITHMS[name].takes_k else {}


# --- the registry -----------------------------------------------------------------------------


def test_registry_has_every_algorithm_of_the_issue():
    expected = {"kmeans", "minibatch_kmeans", "agglomerative_ward", "agglomerative_complete",
                "agglomerative_average", "agglomerative_single", "dbscan", "hdbscan", "optics",
                "meanshift", "spectral", "gaussian_mixture", "birch", "affinity_propagation"}
    assert set(ALGORITHMS) == expected
    assert set(DEFAULT_ALGORITHMS) <= expected and 5 <= len(DEFAULT_ALGORITHMS) <= 7


@pytest.mark.parametrize("name", NAMES)
def test_spec_declarations_are_consistent(name):
    spec = ALGORITHMS[name]
    names = [p.name for p in spec.params]
    assert len(names) == len(set(names))
    assert spec.takes_k == ("n_clusters" in names)
    # Every default passes its own check; automatic ones have a rule.
    check_params(name, {})
    for p in spec.params:
        assert p.default is not None or p.auto is not None
        assert p.label and (p.kind != "choice" or p.default in p.choices)
    # Quadratic entries are guarded well below the 200k rows a synthetic set can have.
    if spec.quadratic:
        assert spec.max_rows <= 20_000 and spec.why_limit
    assert spec.description.endswith(".")


@pytest.mark.parametrize("toy", list(TOY_SETS))
@pytest.mark.parametrize("name", NAMES)
def test_every_entry_runs_on_every_toy_set(toys, name, toy):
    data = toys[toy]
    result = run_algorithm(name, data.X, params_for(name, data.n_clusters), random_state=0)
    assert result.skipped_reason is None, result.skipped_reason
    labels = result.labels
    assert labels.shape == (TOY_N_SAMPLES,) and labels.dtype.kind == "i"
    assert labels.min() >= -1
    if not ALGORITHMS[name].marks_noise:
        assert labels.min() >= 0
    clusters = np.unique(labels[labels >= 0])
    assert np.array_equal(clusters, np.arange(clusters.size))  # numbered 0..m-1
    sizes = np.bincount(labels[labels >= 0])
    assert np.all(np.diff(sizes) <= 0)  # 0 is the largest
    if ALGORITHMS[name].takes_k:
        assert result.n_clusters <= data.n_clusters
    assert result.fit_seconds > 0 and result.sampled_rows is None
    assert all(v is not None for v in result.params.values())
    score_labels(data.X, labels, data.true_labels)  # scores never raise


def test_the_easy_cases_come_out_right(toys):
    """Sanity of the defaults: the gallery's well-known outcomes."""
    def ari(name, toy):
        data = toys[toy]
        labels = run_algorithm(name, data.X, params_for(name, data.n_clusters)).labels
        return adjusted_rand_score(data.true_labels, labels)

    for name in DEFAULT_ALGORITHMS:
        assert ari(name, "blobs") > 0.9, name
    for name in ("dbscan", "hdbscan", "spectral", "agglomerative_single"):
        assert ari(name, "noisy_circles") > 0.9, name
    assert ari("kmeans", "noisy_circles") < 0.1  # the lesson: centres cannot split rings


def test_same_seed_same_labels_and_seed_matters(toys):
    X = toys["varied"].X
    a = run_algorithm("minibatch_kmeans", X, {"n_clusters": 3}, random_state=1)
    b = run_algorithm("minibatch_kmeans", X, {"n_clusters": 3}, random_state=1)
    assert np.array_equal(a.labels, b.labels)


# --- parameters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("nope", {}, "unknown algorithm 'nope'"),
        ("dbscan", {"k": 3}, "no parameter 'k'"),
        ("dbscan", {"eps": -1.0}, "eps=-1.0 must be >="),
        ("dbscan", {"eps": "wide"}, "must be a number"),
        ("dbscan", {"min_samples": 2.5}, "whole number"),
        ("kmeans", {"n_clusters": None}, "no automatic choice"),
        ("spectral", {"affinity": "cosine"}, "must be one of nearest_neighbors, rbf"),
        ("meanshift", {"bin_seeding": 1}, "True or False"),
        ("gaussian_mixture", {"n_clusters": 0}, "n_clusters=0 must be >= 1"),
    ],
)
def test_bad_parameters_are_refused_with_the_value(name, params, message):
    with pytest.raises(ValueError, match=message):
        run_algorithm(name, np.zeros((10, 2)), params)


def test_automatic_parameters_are_resolved_and_said(toys):
    X = toys["noisy_moons"].X
    result = run_algorithm("dbscan", X, {})
    assert result.params["min_samples"] == 10
    assert result.params["eps"] == pytest.approx(k_distance(X, 10, np.random.RandomState(0)).eps)
    assert any("eps" in note and "chosen from the data" in note for note in result.notes)
    given = run_algorithm("dbscan", X, {"eps": 0.3, "min_samples": 7})
    assert given.params == {"min_samples": 7, "eps": 0.3}
    assert not any("chosen from the data" in note for note in given.notes)


def test_parameter_that_does_not_apply_is_not_announced(toys):
    knn = run_algorithm("spectral", toys["blobs"].X, {"n_clusters": 3})
    assert not any("gamma" in note for note in knn.notes)
    rbf = run_algorithm("spectral", toys["blobs"].X, {"n_clusters": 3, "affinity": "rbf"})
    assert any("Kernel width" in note for note in rbf.notes)


def test_kmeans_entry_follows_distance_and_init(toys):
    X = toys["aniso"].X
    base = run_algorithm("kmeans", X, {"n_clusters": 3})
    other = run_algorithm("kmeans", X, {"n_clusters": 3, "distance": "cosine",
                                        "init": "farthest"})
    assert not np.array_equal(base.labels, other.labels)
    assert other.params["distance"] == "cosine"


def test_k_distance_knee_and_sample():
    X, _ = blobs(n_per=50)
    kd = k_distance(X, 5, np.random.RandomState(0))
    assert kd.k == 4 and kd.distances.shape == (150,) and kd.sampled is None
    assert np.all(np.diff(kd.distances) >= 0)
    assert kd.eps == kd.distances[kd.knee_index]
    big = np.random.RandomState(0).normal(size=(K_DISTANCE_QUERIES + 100, 2))
    kd = k_distance(big, 5, np.random.RandomState(0))
    assert kd.sampled == K_DISTANCE_QUERIES and kd.distances.shape == (K_DISTANCE_QUERIES,)


# --- size guards ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_size_guard_samples_or_skips_as_declared(monkeypatch, name):
    """Shrink each entry's limit to 60 rows and give it 150: it must do what it declares."""
    spec = ALGORITHMS[name]
    monkeypatch.setitem(ALGORITHMS, name, dataclasses.replace(spec, max_rows=60))
    X, _ = blobs(n_per=50)
    result = run_algorithm(name, X, params_for(name, 3), random_state=0)
    if spec.oversize == "skip":
        assert result.labels is None and result.fit_seconds == 0
        assert "skipped above 60 rows (this data has 150)" in result.skipped_reason
    else:
        assert result.skipped_reason is None
        rows = result.sampled_rows
        assert rows is not None and len(rows) <= 60 and np.all(np.diff(rows) > 0)
        assert result.labels.shape == (150,)
        assert "seeded sample of 60 of 150 rows" in result.notes[0]
        # Rows outside the sample copy their nearest sampled row's cluster.
        others = np.setdiff1d(np.arange(150), rows)
        d = ((X[others, None, :] - X[None, rows, :]) ** 2).sum(-1)
        assert np.array_equal(result.labels[others], result.labels[rows][d.argmin(1)])
        again = run_algorithm(name, X, params_for(name, 3), random_state=0)
        assert np.array_equal(again.sampled_rows, rows)


def test_real_limits_on_100k_rows(cheap_fits):
    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal(c, 0.3, size=(50_000, 2)) for c in ((0, 0), (3, 3))])
    ap = run_algorithm("affinity_propagation", X)
    assert ap.labels is None and "100,000" in ap.skipped_reason
    optics = run_algorithm("optics", X)
    assert cheap_fits["optics"] == ALGORITHMS["optics"].max_rows
    assert len(optics.sampled_rows) == ALGORITHMS["optics"].max_rows
    assert optics.labels.shape == (100_000,)


def test_pairwise_limits_shrink_on_wide_data():
    ward = ALGORITHMS["agglomerative_ward"]
    assert ward.row_limit(2) == ward.row_limit(4) == ward.max_rows
    assert ward.row_limit(16) == ward.max_rows // 2  # sqrt(4 / 16)
    assert ward.row_limit(10_000) == 300  # floor
    assert ALGORITHMS["kmeans"].row_limit(64) == ALGORITHMS["kmeans"].max_rows
    X = np.random.RandomState(0).normal(size=(2000, 16))
    result = run_algorithm("agglomerative_ward", X, {"n_clusters": 2})
    assert len(result.sampled_rows) == 1500
    ap = run_algorithm("affinity_propagation", X[:600])
    assert "skipped above 500 rows with 16 features" in ap.skipped_reason


def test_label_extension_on_wide_data_uses_a_bounded_reference(monkeypatch):
    monkeypatch.setattr(alg, "EXTEND_WORK", 1)  # force the smallest reference set
    spec = ALGORITHMS["kmeans"]
    monkeypatch.setitem(ALGORITHMS, "kmeans", dataclasses.replace(spec, max_rows=3000))
    X = np.random.RandomState(0).normal(size=(6000, 12))
    result = run_algorithm("kmeans", X, {"n_clusters": 3})
    assert result.labels.shape == (6000,) and len(result.sampled_rows) == 3000
    assert "nearest among 1,000 of the sampled rows" in result.notes[0]


def test_birch_threshold_grows_with_the_features():
    from sklearn.datasets import make_blobs

    X, y = make_blobs(20_000, n_features=30, centers=4, random_state=0)
    X = (X - X.mean(0)) / X.std(0)
    result = run_algorithm("birch", X, {"n_clusters": 4})
    assert result.skipped_reason is None
    assert result.params["threshold"] == pytest.approx(0.5 * np.sqrt(15))
    assert adjusted_rand_score(y, result.labels) > 0.9


def test_dbscan_shrinks_its_sample_when_eps_would_flood_memory():
    X = np.random.RandomState(0).normal(size=(8000, 2))
    result = run_algorithm("dbscan", X, {"eps": 100.0, "min_samples": 5})
    # With eps covering everything every row neighbours every other: 64 million pairs.
    assert result.sampled_rows is not None and len(result.sampled_rows) < 8000
    assert len(result.sampled_rows) ** 2 <= 1.05 * NEIGHBOR_PAIRS_BUDGET
    assert result.labels.shape == (8000,)


def test_affinity_propagation_that_does_not_converge_is_not_all_noise():
    X, _ = blobs(n_per=30)
    result = run_algorithm("affinity_propagation", X, {"max_iter": 10, "damping": 0.5})
    assert result.labels is None
    assert "did not converge in max_iter=10" in result.skipped_reason


def test_tiny_or_impossible_inputs_are_skipped_with_a_reason():
    assert "at least 2 rows" in run_algorithm("dbscan", np.zeros((1, 2))).skipped_reason
    too_many = run_algorithm("kmeans", np.arange(10.0).reshape(5, 2), {"n_clusters": 6})
    assert "n_clusters=6 is more than the 5 rows" in too_many.skipped_reason


def test_a_failure_inside_the_algorithm_is_a_reason_not_a_crash():
    X = np.random.RandomState(0).normal(size=(50, 2))
    X[3] = 0.0  # cosine distance is undefined for an all-zero row
    result = run_algorithm("kmeans", X, {"n_clusters": 2, "distance": "cosine"})
    assert result.labels is None
    assert result.skipped_reason.startswith("k-means (ours) failed on this data:")


def test_birch_budget_counts_subclusters_on_a_probe():
    X = np.random.RandomState(0).uniform(size=(8000, 2))
    rng = np.random.RandomState(0)
    # Every row would be its own subcluster: the rows are cut to the subcluster limit.
    tiny = {"threshold": 1e-6, "branching_factor": 50}
    assert birch_budget(X, tiny, rng) == BIRCH_MAX_SUBCLUSTERS
    assert birch_budget(X, {"threshold": 0.5, "branching_factor": 50}, rng) == 8000
    assert birch_budget(X[:1500], tiny, rng) == 1500  # under the probe size: no probe


def test_gaussian_mixture_budget_counts_components_and_restarts():
    X = np.zeros((12_000, 2))
    assert gmm_budget(X, {"n_clusters": 2, "n_init": 1}, None) >= 12_000
    assert gmm_budget(X, {"n_clusters": 30, "n_init": 20}, None) == 10_000  # 6e6 / (30 x 20)
    # Wider data costs (features / 2)^2 more per component.
    assert gmm_budget(np.zeros((10, 8)), {"n_clusters": 30, "n_init": 20}, None) == 1000


def test_mean_shift_budget_counts_its_seeds():
    X = np.random.RandomState(0).normal(size=(5000, 2))
    rng = np.random.RandomState(0)
    # Without binning every row is a seed; with binning a wide bandwidth gives few bins...
    assert meanshift_budget(X, {"bin_seeding": False, "bandwidth": 1.0}, rng) == 1000
    assert meanshift_budget(X, {"bin_seeding": True, "bandwidth": 1.0}, rng) == 5000
    # ...and a tiny one nearly a bin per row.
    assert meanshift_budget(X, {"bin_seeding": True, "bandwidth": 0.005}, rng) < 5000
    assert MEANSHIFT_MAX_SEEDS == 1000


def test_spectral_budget_bounds_only_the_dense_kernel():
    X = np.zeros((5000, 2))
    assert spectral_budget(X, {"affinity": "rbf"}, None) == SPECTRAL_RBF_ROWS == 3000
    assert spectral_budget(X, {"affinity": "nearest_neighbors"}, None) == 5000


@pytest.mark.parametrize(
    ("name", "n", "params", "rows"),
    [
        ("meanshift", 5000, {"bin_seeding": False, "bandwidth": 1.0}, 1000),
        ("spectral", 5000, {"n_clusters": 2, "affinity": "rbf"}, 3000),
        ("spectral", 5000, {"n_clusters": 2}, None),
        ("gaussian_mixture", 12_000, {"n_clusters": 30, "n_init": 20}, 10_000),
        ("gaussian_mixture", 12_000, {"n_clusters": 2}, None),
        ("birch", 8000, {"n_clusters": 3, "threshold": 1e-6}, 5000),
    ],
    ids=["meanshift-no-bins", "spectral-rbf", "spectral-knn", "gmm-heavy", "gmm-light",
         "birch-tiny-threshold"],
)
def test_run_fits_on_the_row_budget(cheap_fits, name, n, params, rows):
    """The runner hands the fit a seeded sample of the budget's size (the fit itself is
    replaced: what it does on such a sample is covered by the toy-set tests)."""
    X = np.random.RandomState(0).uniform(size=(n, 2))
    result = run_algorithm(name, X, params, random_state=0)
    assert result.labels.shape == (n,)
    if rows is None:
        assert result.sampled_rows is None and cheap_fits[name] == n
        return
    assert len(result.sampled_rows) == rows == cheap_fits[name]
    assert f"seeded sample of {rows:,} of {n:,} rows" in result.notes[0]
    assert ALGORITHMS[name].why_limit.rstrip(".").lower()[:30] in result.notes[0].lower()


def test_renumber_maps_every_negative_to_noise_and_orders_by_size():
    raw = np.array([5, 5, -2, 7, 7, 7, -1, -3, 5, 7])
    assert alg._renumber(raw).tolist() == [1, 1, -1, 0, 0, 0, -1, -1, 1, 0]


# --- noise in the metrics ---------------------------------------------------------------------


def noisy():
    X, y = blobs(n_per=30)
    rng = np.random.RandomState(1)
    X = np.vstack([X, rng.uniform(-3, 9, size=(10, 2))])
    labels = np.concatenate([y, np.full(10, -1)])
    truth = np.concatenate([y, rng.randint(0, 3, 10)])
    return X, labels, truth


def test_internal_scores_leave_noise_out():
    X, labels, truth = noisy()
    ev = score_labels(X, labels, truth)
    kept = labels >= 0
    assert ev.values["silhouette"] == pytest.approx(silhouette_score(X[kept], labels[kept]))
    ref = evaluate(X[kept], labels[kept])
    for key in ("calinski_harabasz", "davies_bouldin", "objective"):
        assert ev.values[key] == pytest.approx(ref.values[key])
    assert any("10 noise points are left out" in note for note in ev.notes)


def test_external_scores_keep_noise_as_one_class():
    X, labels, truth = noisy()
    ev = score_labels(X, labels, truth)
    assert ev.values["ari"] == pytest.approx(adjusted_rand_score(truth, labels))
    # Relabelling noise as a 4th cluster changes nothing: noise is exactly one extra class.
    assert ev.values["ari"] == pytest.approx(
        adjusted_rand_score(truth, np.where(labels < 0, 3, labels)))
    # ...and calling everything noise is not rewarded.
    assert score_labels(X, np.full(len(X), -1), truth).values["ari"] == pytest.approx(0.0)
    assert ev.contingency is not None and -1 in ev.contingency.columns


def test_all_noise_and_no_noise():
    X, labels, truth = noisy()
    everything = score_labels(X, np.full(len(X), -1))
    assert everything.values["silhouette"] is None
    assert "Every point is noise" in everything.reasons["silhouette"]
    clean = labels.clip(0)
    plain = evaluate(X, clean, truth)
    assert score_labels(X, clean, truth).values == plain.values


def test_agreement_matrix():
    a = np.array([0, 0, 1, 1, -1, -1])
    m = agreement_matrix({"a": a, "b": np.array([1, 1, 0, 0, 2, 2]), "c": np.zeros(6, int)})
    assert list(m.index) == ["a", "b", "c"] and np.allclose(np.diag(m), 1)
    assert m.loc["a", "b"] == pytest.approx(1.0) and m.loc["a", "c"] == pytest.approx(0.0)
    assert np.allclose(m.to_numpy(), m.to_numpy().T)
    with pytest.raises(ValueError, match="different lengths"):
        agreement_matrix({"a": a, "b": a[:3]})


# --- dendrogram -------------------------------------------------------------------------------


@pytest.mark.parametrize("linkage", ["ward", "complete", "average", "single"])
def test_dendrogram_cut_gives_k_clusters(linkage):
    X, _ = blobs(n_per=20)
    tree = dendrogram_data(X, linkage, 3)
    assert tree.icoord.shape == tree.dcoord.shape == (59, 4)
    assert tree.sampled is None and tree.n_leaves == 60
    assert set(tree.link_cluster[tree.link_cluster >= 0]) == {0, 1, 2}
    above = tree.dcoord.max(axis=1) > tree.cut_height
    assert np.all(tree.link_cluster[above] == -1)
    assert above.sum() == 2  # undoing the last two merges leaves three clusters


def test_dendrogram_samples_big_data():
    X = np.random.RandomState(0).normal(size=(1000, 3))
    tree = dendrogram_data(X, "average", 4, max_rows=100)
    assert tree.sampled == 100 and tree.n_rows == 1000 and tree.n_leaves == 100
    with pytest.raises(ValueError, match="linkage='median'"):
        dendrogram_data(X, "median", 3)
