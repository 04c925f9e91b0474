"""The K sweep, its recommendation, stability, and the initialisation study."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_iris, make_blobs
from sklearn.metrics import adjusted_rand_score

from clustering.choose_k import _sweep as sweep_module
from clustering.choose_k._init_study import INIT_STUDY_METHODS, init_study
from clustering.choose_k._sweep import (
    k_limit,
    pair_ari,
    recommend,
    sweep_k,
)
from clustering.engine._kmeans import kmeans
from clustering.evaluation._metrics import EXTERNAL, METRICS

CORNERS = [[0, 0], [10, 0], [0, 10], [10, 10]]


@pytest.fixture(scope="module")
def four_blobs():
    X, y = make_blobs(400, centers=CORNERS, cluster_std=0.6, random_state=0)
    return X, y


@pytest.fixture(scope="module")
def blob_sweep(four_blobs):
    X, y = four_blobs
    return sweep_k(X, 10, true_labels=y, random_state=0)


def test_four_blobs_recommend_four_by_elbow_and_silhouette(blob_sweep):
    best = blob_sweep.best()
    assert best["elbow"] == 4
    assert best["silhouette"] == 4
    assert best["calinski_harabasz"] == 4 and best["davies_bouldin"] == 4
    assert best["ari"] == 4
    rec = recommend(blob_sweep)
    assert list(rec.votes) == [4]
    assert rec.summary == "All 4 signals point to K=4."
    assert "The elbow of the objective is at K=4 (Kneedle)." in rec.reasons
    assert "Silhouette peaks at K=4." in rec.reasons


def test_sweep_shapes_and_values(blob_sweep, four_blobs):
    X, _ = four_blobs
    r = blob_sweep
    assert r.ks.tolist() == list(range(2, 11))
    m = len(r.ks)
    assert r.objective.shape == r.stability.shape == r.n_iter.shape == (m,)
    assert r.labels.shape == (m, len(X))
    assert set(r.scores) == set(METRICS) - {"objective"}
    assert all(v.shape == (m,) for v in r.scores.values())
    # The objective falls with K and starts from the one-cluster total.
    assert r.objective_k1 > r.objective[0]
    assert np.all(np.diff(r.objective) < 0)
    # Every K is the run the Explore page would make with the same settings.
    again = kmeans(X, 4, random_state=0, history=False)
    assert np.array_equal(r.labels_for(4), again.labels)
    assert r.objective[r.ks == 4][0] == pytest.approx(again.inertia)
    assert r.stability[r.ks == 4][0] == pytest.approx(1.0)
    assert np.all(r.stability_min <= r.stability + 1e-12)
    assert r.silhouette_sampled is None and r.stability_rows is None and r.notes == []


def test_without_true_labels_the_external_scores_are_nan(four_blobs):
    X, _ = four_blobs
    r = sweep_k(X, 5)
    assert all(np.isnan(r.scores[key]).all() for key in EXTERNAL)
    assert not set(EXTERNAL) & set(r.best())
    assert not any("true labels" in reason for reason in recommend(r).reasons)


def test_sweep_is_reproducible_and_reports_progress(four_blobs):
    X, _ = four_blobs
    calls = []
    a = sweep_k(X, 6, init="random", random_state=3, progress=lambda f, m: calls.append((f, m)))
    b = sweep_k(X, 6, init="random", random_state=3)
    assert np.array_equal(a.labels, b.labels) and np.array_equal(a.stability, b.stability)
    fractions = [f for f, _ in calls]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert any("K=6" in m for _, m in calls)


def test_k_range_is_capped_by_distinct_points_and_the_sweep_cap():
    assert k_limit(1000, 10) == 10
    assert k_limit(4, 10) == 4
    assert k_limit(1000, 99) == sweep_module.SWEEP_MAX_K
    with pytest.raises(ValueError, match="1 distinct point"):
        k_limit(1, 10)
    X = np.repeat([[0.0, 0.0], [1.0, 1.0], [5.0, 5.0]], 10, axis=0)
    r = sweep_k(X, 10)
    assert r.ks.tolist() == [2, 3]


def test_bounded_cost_on_big_data(monkeypatch, four_blobs):
    X, _ = four_blobs
    monkeypatch.setattr(sweep_module, "STABILITY_MAX_ROWS", 100)
    monkeypatch.setattr(sweep_module, "RESTART_BUDGET", 1000)
    monkeypatch.setattr(sweep_module, "SILHOUETTE_SAMPLE_SIZE", 150)
    monkeypatch.setattr(sweep_module, "SCORE_MAX_ROWS", 300)
    r = sweep_k(X, 4, n_init=10, true_labels=np.zeros(len(X)))
    assert r.n_init == 2 and r.stability_rows == 100 and r.silhouette_sampled == 150
    assert any("sample of 300 of 400 rows; the objective uses every row" in n for n in r.notes)
    # The objective is still the full run's.
    assert r.objective[0] == pytest.approx(kmeans(X, 2, n_init=2, random_state=0).inertia)
    assert any("Restarts lowered from 10 to 2" in note for note in r.notes)
    assert any("sample of 100 of 400 rows" in note for note in r.notes)
    assert any("Silhouette computed on a random sample of 150 of 300" in n for n in r.notes)


def test_split_signals_are_reported_as_a_split():
    r = sweep_k(load_iris().data, 6)
    rec = recommend(r)
    assert sum(len(v) for v in rec.votes.values()) == 4
    if len(rec.votes) > 1:
        assert "Compare the candidates on Explore" in rec.summary
    for key, k in r.best().items():
        if key != "elbow":
            assert f"K={k}" in " ".join(rec.reasons)


def test_a_score_best_at_the_largest_k_says_so():
    # Eight separate blobs swept only up to K=4: every score still improves at the top.
    X, _ = make_blobs(400, centers=[[10 * i, 0] for i in range(8)], cluster_std=0.3,
                      random_state=0)
    reasons = " ".join(recommend(sweep_k(X, 4)).reasons)
    assert "Calinski-Harabasz peaks at K=4, the largest K tried" in reasons


def test_bad_arguments_carry_their_values(four_blobs):
    X, _ = four_blobs
    with pytest.raises(ValueError, match="init='manual'"):
        sweep_k(X, 5, init="manual")
    with pytest.raises(ValueError, match="random_state=None"):
        sweep_k(X, 5, random_state=None)
    with pytest.raises(ValueError, match="stability_runs=1"):
        sweep_k(X, 5, stability_runs=1)
    with pytest.raises(ValueError, match="n_clusters=500"):
        init_study(X, 500)
    with pytest.raises(ValueError, match="n_seeds=0"):
        init_study(X, 3, n_seeds=0)


def test_pair_ari_matches_scikit_learn():
    rng = np.random.default_rng(1)
    for _ in range(100):
        n = int(rng.integers(2, 60))
        a = rng.integers(0, int(rng.integers(1, 7)), n)
        b = rng.integers(0, int(rng.integers(1, 7)), n)
        assert pair_ari(a, b) == pytest.approx(adjusted_rand_score(a, b), abs=1e-12)
    assert pair_ari(np.zeros(5, int), np.zeros(5, int)) == 1.0
    assert pair_ari(np.arange(5), np.arange(5)) == 1.0


# --- initialisation study ----------------------------------------------------------------


@pytest.fixture(scope="module")
def iris_study():
    X = load_iris().data
    X = (X - X.mean(0)) / X.std(0)
    return X, init_study(X, 3, n_seeds=12, random_state=5)


def test_init_study_shapes(iris_study):
    X, s = iris_study
    assert s.methods == INIT_STUDY_METHODS
    assert s.seeds.tolist() == list(range(5, 17))
    for array in (s.objective, s.n_iter, s.ari_to_best, s.reached_best):
        assert array.shape == (4, 12)
    assert s.share_best.shape == (4,)
    assert s.best_objective == s.objective.min()
    assert s.ari_to_best[s.best] == pytest.approx(1.0)
    assert s.reached_best[s.best]
    assert np.all((0 <= s.share_best) & (s.share_best <= 1))
    assert np.all(s.n_iter >= 1) and np.all(s.n_iter <= s.max_iter)


def test_init_study_is_reproducible_from_the_seed(iris_study):
    X, s = iris_study
    again = init_study(X, 3, n_seeds=12, random_state=5)
    assert np.array_equal(s.objective, again.objective)
    assert np.array_equal(s.n_iter, again.n_iter)
    other = init_study(X, 3, n_seeds=12, random_state=6)
    # Seeds 6..17 overlap 5..16 in 11 runs: the same runs give the same numbers.
    assert np.array_equal(s.objective[:, 1:], other.objective[:, :-1])


def test_worst_run_replays_on_explore(iris_study):
    X, s = iris_study
    for method in s.methods:
        seed, objective, n_iter = s.worst(method)
        i = s.methods.index(method)
        assert objective == s.objective[i].max()
        replay = kmeans(X, 3, init=method, n_init=1, random_state=seed, history=False)
        assert replay.inertia == pytest.approx(objective)
        assert replay.n_iter == n_iter


def test_initial_values_matter_on_iris(iris_study):
    _, s = iris_study
    # Iris at K=3 has local optima: not every run of every method finds the best one.
    assert not s.reached_best.all()
    assert s.objective.max() > s.best_objective * 1.05
