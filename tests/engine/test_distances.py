"""Distances: every registry entry against scikit-learn's reference, plus the objective terms."""

import numpy as np
import pytest
from sklearn.metrics import pairwise_distances

from clustering.engine._distances import (
    DEFAULT_CENTER,
    DISTANCES,
    assign,
    objective_terms,
    pairwise,
)

METRICS = sorted(DISTANCES)
SKLEARN_NAME = {"euclidean": "euclidean", "manhattan": "manhattan", "cosine": "cosine"}


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    return rng.normal(size=(40, 5)), rng.normal(size=(6, 5))


def test_registry_and_default_centers_cover_the_same_metrics():
    assert set(DISTANCES) == {"euclidean", "manhattan", "cosine"}
    assert DEFAULT_CENTER == {
        "euclidean": "mean", "manhattan": "median", "cosine": "normalized-mean"
    }


@pytest.mark.parametrize("metric", METRICS, ids=METRICS)
def test_registry_matches_sklearn_pairwise_distances(data, metric):
    X, C = data
    expected = pairwise_distances(X, C, metric=SKLEARN_NAME[metric])
    np.testing.assert_allclose(DISTANCES[metric](X, C), expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(pairwise(X, C, metric), expected, rtol=1e-12, atol=1e-12)


def test_hand_computed_values():
    X, C = np.array([[0.0, 0.0], [3.0, 4.0]]), np.array([[0.0, 0.0], [1.0, 0.0]])
    np.testing.assert_allclose(pairwise(X, C, "euclidean"), [[0, 1], [5, np.sqrt(20)]])
    np.testing.assert_allclose(pairwise(X[1:], C, "manhattan"), [[7, 6]])
    np.testing.assert_allclose(pairwise([[1.0, 1.0]], [[2.0, 2.0], [1.0, -1.0]], "cosine"),
                               [[0.0, 1.0]], atol=1e-15)


@pytest.mark.parametrize("metric", METRICS, ids=METRICS)
def test_objective_terms_are_the_metric_term_of_the_own_center(data, metric):
    X, C = data
    labels = np.arange(X.shape[0]) % C.shape[0]
    D = pairwise_distances(X, C, metric=SKLEARN_NAME[metric])[np.arange(X.shape[0]), labels]
    expected = D**2 if metric == "euclidean" else D
    np.testing.assert_allclose(objective_terms(X, C, labels, metric), expected, atol=1e-12)


@pytest.mark.parametrize("metric", METRICS, ids=METRICS)
def test_assign_picks_the_nearest_center(data, metric):
    X, C = data
    labels, terms = assign(X, C, metric)
    D = pairwise_distances(X, C, metric=SKLEARN_NAME[metric])
    np.testing.assert_array_equal(labels, D.argmin(axis=1))
    np.testing.assert_allclose(terms, objective_terms(X, C, labels, metric), atol=1e-12)


def test_pairwise_rejects_bad_input():
    with pytest.raises(ValueError, match="metric='chebyshev' is not one of"):
        pairwise(np.ones((2, 2)), np.ones((1, 2)), "chebyshev")
    with pytest.raises(ValueError, match=r"shape \(2, 2\).*shape \(1, 3\)"):
        pairwise(np.ones((2, 2)), np.ones((1, 3)))
    with pytest.raises(ValueError, match="finite"):
        pairwise(np.array([[np.nan, 1.0]]), np.ones((1, 2)))


def test_cosine_rejects_all_zero_rows_with_their_position():
    X = np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 2.0]])
    with pytest.raises(ValueError, match="all-zero rows; X has 1 such row.*row 1"):
        pairwise(X, np.ones((1, 2)), "cosine")
