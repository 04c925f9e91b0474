"""Outliers: distance to the own centre, score relative to the cluster, flags by share or cut."""

from __future__ import annotations

import numpy as np
import pytest

from clustering.evaluation import assign_new_rows, find_outliers

pytestmark = pytest.mark.timeout(30)

# Two clusters on a line: distances 1, 1, 2, 6 to centre 0 and 0.5, 0.5, 1.5 to centre 10.
X = np.array([[-1.0], [1.0], [2.0], [6.0], [9.5], [10.5], [11.5]])
CENTERS = np.array([[0.0], [10.0]])
LABELS = np.array([0, 0, 0, 0, 1, 1, 1])


def test_scores_are_distance_over_the_cluster_median():
    out = find_outliers(X, CENTERS, LABELS, rule="threshold", value=2.5)
    np.testing.assert_allclose(out.distance, [1, 1, 2, 6, 0.5, 0.5, 1.5])
    # Medians: cluster 0 (1, 1, 2, 6) -> 1.5; cluster 1 (0.5, 0.5, 1.5) -> 0.5.
    np.testing.assert_allclose(out.scale, [1.5, 0.5])
    np.testing.assert_allclose(out.score, [2 / 3, 2 / 3, 4 / 3, 4, 1, 1, 3])
    assert out.flagged.tolist() == [False, False, False, True, False, False, True]
    assert out.rows.tolist() == [3, 6]  # highest score first
    assert out.describe().startswith("2 of 7 rows flagged (score at least 2.5")


def test_share_flags_the_top_rows_at_least_one():
    top = find_outliers(X, CENTERS, LABELS, rule="share", value=0.01)
    assert top.rows.tolist() == [3]
    assert top.cut == pytest.approx(4.0)
    two = find_outliers(X, CENTERS, LABELS, rule="share", value=2 / 7)
    assert two.rows.tolist() == [3, 6]


def test_ties_with_the_last_flagged_row_are_flagged_too():
    X2 = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    out = find_outliers(X2, np.array([[0.0]]), np.zeros(4, int), rule="share", value=0.25)
    assert sorted(out.rows.tolist()) == [0, 3]


def test_clusters_sitting_on_their_centre_use_the_mean_then_one():
    X3 = np.array([[0.0], [0.0], [0.0], [3.0], [5.0], [5.0]])
    labels = np.array([0, 0, 0, 0, 1, 1])
    out = find_outliers(X3, np.array([[0.0], [5.0]]), labels, rule="threshold", value=3)
    np.testing.assert_allclose(out.scale, [0.75, 1.0])
    np.testing.assert_allclose(out.score, [0, 0, 0, 4, 0, 0])


@pytest.mark.parametrize("distance", ["euclidean", "manhattan", "cosine"])
def test_new_rows_are_held_to_the_runs_cut(distance):
    rng = np.random.default_rng(0)
    data = rng.normal(size=(300, 3)) + 5
    centers = data[[0, 100, 200]]
    from clustering.engine import pairwise
    labels = np.argmin(pairwise(data, centers, distance), axis=1)
    out = find_outliers(data, centers, labels, distance, rule="share", value=0.05)
    again = assign_new_rows(data, centers, distance, out)
    assert (again.labels == labels).all()
    np.testing.assert_allclose(again.score, out.score, atol=1e-9)
    assert (again.flagged == out.flagged).all()
    far = assign_new_rows(np.array([[50.0, 50.0, -40.0]]), centers, distance, out)
    assert far.flagged.tolist() == [True]


def test_bad_rules_are_refused():
    with pytest.raises(ValueError, match="rule='top'"):
        find_outliers(X, CENTERS, LABELS, rule="top")
    with pytest.raises(ValueError, match=r"share=1.5 must be in \(0, 1\]"):
        find_outliers(X, CENTERS, LABELS, rule="share", value=1.5)
    with pytest.raises(ValueError, match="threshold=0.0"):
        find_outliers(X, CENTERS, LABELS, rule="threshold", value=0)
    with pytest.raises(ValueError, match="labels must lie in 0 .. 1"):
        find_outliers(X, CENTERS, LABELS + 1)
