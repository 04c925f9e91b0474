"""Pairing the clusters of one labelling with the groups of another (the Hungarian method).

Cluster numbers are arbitrary, so two labellings of the same rows can only be compared, or
drawn in matching colours, once each cluster is paired with the group it overlaps most. The
pairing that keeps the most rows together over all pairs at once is an assignment problem on
the contingency table, solved exactly by ``scipy.optimize.linear_sum_assignment``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

__all__ = ["ClusterMatch", "match_clusters"]


@dataclass(frozen=True, eq=False)
class ClusterMatch:
    """Which group of the reference each cluster is paired with.

    Attributes
    ----------
    clusters : ndarray of shape (c,) int
        The non-negative cluster ids of ``labels``, sorted.
    groups : ndarray of shape (g,)
        The reference's groups found on rows where both labellings are valid, sorted.
    pair : ndarray of shape (c,) int
        Index into ``groups`` of the group each cluster is paired with, or -1 for a cluster
        left over (there are more clusters than groups).
    overlap : ndarray of shape (c, g) int
        Rows shared by each cluster and group (the contingency table).
    """

    clusters: np.ndarray
    groups: np.ndarray
    pair: np.ndarray
    overlap: np.ndarray


def match_clusters(labels: np.ndarray, reference: np.ndarray) -> ClusterMatch:
    """Pair each cluster of ``labels`` with one group of ``reference``, at most one each.

    Rows with a negative label (noise) or a missing or negative reference are left out of
    the overlap counts. Non-numeric references are compared as text.

    Parameters
    ----------
    labels : array-like of shape (n,) int
    reference : array-like of shape (n,)
        True classes or another clustering of the same rows.

    Returns
    -------
    ClusterMatch
    """
    labels = np.asarray(labels, dtype=np.int64).ravel()
    reference = np.asarray(reference).ravel()
    if len(reference) != len(labels):
        raise ValueError(f"reference has {len(reference)} entries but labels has {len(labels)}")
    valid = ~pd.isna(reference)
    if reference.dtype.kind in "iu":
        valid &= reference >= 0
    elif reference.dtype.kind != "f":
        reference = reference.astype(str)
    both = (labels >= 0) & valid
    clusters = np.unique(labels[labels >= 0])
    groups, codes = np.unique(reference[both], return_inverse=True)
    overlap = np.zeros((clusters.size, groups.size), dtype=np.int64)
    np.add.at(overlap, (np.searchsorted(clusters, labels[both]), codes.ravel()), 1)
    pair = np.full(clusters.size, -1, dtype=np.int64)
    if overlap.size:
        rows, cols = linear_sum_assignment(overlap, maximize=True)
        pair[rows] = cols
    return ClusterMatch(clusters=clusters, groups=groups, pair=pair, overlap=overlap)
