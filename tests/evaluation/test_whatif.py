"""Run A vs run B: Hungarian matching, changed points, agreement, metric differences."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from clustering.evaluation._whatif import compare_runs, metrics_difference


def test_relabeled_partition_is_identical():
    a = np.array([0, 0, 1, 1, 2, 2])
    b = np.array([2, 2, 0, 0, 1, 1])  # same partition, other numbers
    result = compare_runs(a, b)
    assert result.ari == 1.0
    assert result.n_changed == 0
    assert result.b_to_a == {2: 0, 0: 1, 1: 2}
    np.testing.assert_array_equal(result.aligned_b, a)
    # Matched pairs sit on the diagonal of the table.
    assert np.all(np.diag(result.matched_table.to_numpy()) == 2)


def test_one_point_moves():
    a = np.array([0, 0, 0, 1, 1, 1])
    b = np.array([1, 1, 0, 0, 0, 0])  # B swaps numbers and takes row 2 into the other cluster
    result = compare_runs(a, b)
    assert result.n_changed == 1
    assert np.flatnonzero(result.changed).tolist() == [2]
    assert result.ari == pytest.approx(adjusted_rand_score(a, b))


def test_more_clusters_in_b_get_new_numbers():
    a = np.array([0, 0, 0, 1, 1, 1])
    b = np.array([0, 0, 2, 1, 1, 1])
    result = compare_runs(a, b)
    assert sorted(result.b_to_a.values()) == [0, 1, 2]
    assert result.aligned_b[2] == 2 and result.changed[2]
    assert result.matched_table.shape == (2, 3)


@pytest.mark.parametrize("seed", range(5))
def test_ari_equals_sklearn_on_random_labellings(seed):
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, 4, 200), rng.integers(0, 5, 200)
    result = compare_runs(a, b)
    assert result.ari == adjusted_rand_score(a, b)
    # Matching maximises the kept points: no other pairing keeps more on the diagonal.
    kept = int((~result.changed).sum())
    assert kept >= int((a == b).sum())


def test_different_lengths_are_refused():
    with pytest.raises(ValueError, match="same rows"):
        compare_runs([0, 1], [0, 1, 1])


def test_metrics_difference_table():
    table = metrics_difference({"objective": 10.0, "silhouette": 0.5, "ari": None},
                               {"objective": 8.0, "silhouette": 0.55, "ari": None})
    rows = table.set_index("Metric")
    assert rows.loc["Objective (total error)", "B − A"] == "-2"
    assert rows.loc["Silhouette", "B − A"] == "+0.05"
    assert "Adjusted Rand index" not in rows.index  # undefined in both runs
