import numpy as np
import pytest

from clustering.evaluation import match_clusters


def test_pairs_each_cluster_with_the_group_it_overlaps_most():
    labels = np.array([2, 2, 2, 0, 0, 1, 1, 1])
    reference = np.array(["b", "b", "a", "a", "a", "c", "c", "b"])
    match = match_clusters(labels, reference)
    assert list(match.clusters) == [0, 1, 2]
    assert list(match.groups) == ["a", "b", "c"]
    assert list(match.pair) == [0, 2, 1]
    assert match.overlap.sum() == len(labels)


def test_noise_and_missing_reference_are_left_out_and_extra_clusters_stay_unpaired():
    labels = np.array([0, 0, 1, 1, 2, -1])
    reference = np.array([5.0, 5.0, 7.0, np.nan, 7.0, 5.0])
    match = match_clusters(labels, reference)
    assert list(match.groups) == [5.0, 7.0]
    assert match.overlap.sum() == 4
    assert sorted(match.pair) == [-1, 0, 1]
    assert match.pair[0] == 0


def test_numeric_groups_keep_numeric_order():
    labels = np.arange(12)
    match = match_clusters(labels, labels)
    assert list(match.groups) == list(range(12))
    assert list(match.pair) == list(range(12))


def test_length_mismatch_says_both_lengths():
    with pytest.raises(ValueError, match="reference has 2 entries but labels has 3"):
        match_clusters([0, 1, 2], [0, 1])
