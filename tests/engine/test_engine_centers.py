"""Centre rules, each against a hand computation, and the medoid's bounded cost."""

import numpy as np
import pytest

from clustering.engine import _centers as centers_mod
from clustering.engine._centers import CENTER_RULES, MEDOID_EXACT_MAX, cluster_sums
from clustering.engine._distances import pairwise

X = np.array([[0.0, 0.0], [1.0, 0.0], [5.0, 3.0], [10.0, 10.0], [12.0, 10.0], [11.0, 20.0]])
LABELS = np.array([0, 0, 0, 1, 1, 1])
PREVIOUS = np.full((3, 2), -7.0)  # cluster 2 is empty and must keep this


def _rule(name, metric="euclidean", X=X, labels=LABELS, k=3, previous=PREVIOUS):
    return CENTER_RULES[name](X, labels, k, metric=metric, previous=previous,
                              random_state=np.random.RandomState(0))


def test_registry_names():
    assert set(CENTER_RULES) == {"mean", "median", "normalized-mean", "medoid"}


def test_cluster_sums():
    sums, counts = cluster_sums(X, LABELS, 3)
    np.testing.assert_allclose(sums, [[6, 3], [33, 40], [0, 0]])
    np.testing.assert_array_equal(counts, [3, 3, 0])


def test_mean():
    np.testing.assert_allclose(_rule("mean"), [[2, 1], [11, 40 / 3], [-7, -7]])


def test_median():
    np.testing.assert_allclose(_rule("median", "manhattan"), [[1, 0], [11, 10], [-7, -7]])


def test_normalized_mean_is_the_direction_of_the_summed_unit_vectors():
    Xc = np.array([[1.0, 0.0], [0.0, 2.0], [3.0, 3.0], [-1.0, 0.0]])
    got = CENTER_RULES["normalized-mean"](Xc, np.array([0, 0, 1, 1]), 2, metric="cosine",
                                          previous=np.zeros((2, 2)))
    np.testing.assert_allclose(got[0], [np.sqrt(0.5), np.sqrt(0.5)])
    s = np.array([np.sqrt(0.5) - 1, np.sqrt(0.5)])
    np.testing.assert_allclose(got[1], s / np.linalg.norm(s))


def test_normalized_mean_keeps_the_previous_center_when_directions_cancel():
    Xc = np.array([[1.0, 0.0], [-2.0, 0.0]])
    got = CENTER_RULES["normalized-mean"](Xc, np.array([0, 0]), 1, metric="cosine",
                                          previous=np.array([[0.0, 1.0]]))
    np.testing.assert_array_equal(got, [[0.0, 1.0]])


@pytest.mark.parametrize("metric", ["euclidean", "manhattan", "cosine"])
def test_medoid_is_the_member_with_the_smallest_summed_distance(metric):
    got = _rule("medoid", metric, X=X[:5] + 1, labels=LABELS[:5])
    for j, rows in enumerate([np.arange(3), np.arange(3, 5)]):
        members = X[rows] + 1
        cost = pairwise(members, members, metric).sum(axis=0)
        np.testing.assert_array_equal(got[j], members[np.argmin(cost)])


def test_medoid_on_a_large_cluster_is_a_sampled_member_and_bounded(monkeypatch):
    calls = []
    real = centers_mod._summed_distance

    def counting(members, candidates, metric):
        calls.append((members.shape[0], candidates.shape[0]))
        return real(members, candidates, metric)

    monkeypatch.setattr(centers_mod, "_summed_distance", counting)
    rng = np.random.RandomState(1)
    big = rng.normal(size=(MEDOID_EXACT_MAX * 5, 3))
    got = CENTER_RULES["medoid"](big, np.zeros(len(big), dtype=int), 1, metric="euclidean",
                                 previous=np.zeros((1, 3)), random_state=rng)
    assert calls == [(centers_mod.MEDOID_REFERENCE, centers_mod.MEDOID_CANDIDATES)]
    assert any(np.array_equal(got[0], row) for row in big)
    assert np.linalg.norm(got[0]) < 0.5  # near the centre of a standard normal cloud
