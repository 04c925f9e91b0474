"""Run A vs run B: how two clusterings of the same rows agree, cluster by cluster.

Cluster numbers are arbitrary, so B's clusters are first matched to A's by the Hungarian
method on their contingency table (the pairing that keeps the most points together); a point
"changed cluster" when its matched B cluster differs from its A cluster.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from clustering.evaluation._matching import match_clusters
from clustering.evaluation._metrics import METRICS
from clustering.text import cluster_name


@dataclass(frozen=True, eq=False)
class RunComparison:
    """Agreement between two labellings of the same rows.

    Attributes
    ----------
    ari : float
        Adjusted Rand index between A and B (``sklearn.metrics.adjusted_rand_score``).
    labels_a : ndarray of shape (n,)
        A's labels as given.
    b_to_a : dict of int to int
        B cluster -> the A cluster it is matched to; unmatched B clusters (B has more
        clusters than A) get new numbers from ``max(A) + 1`` upwards.
    aligned_b : ndarray of shape (n,)
        B's labels renumbered with ``b_to_a``.
    changed : ndarray of bool, shape (n,)
        True where the matched B cluster differs from the A cluster.
    matched_table : DataFrame
        Counts, rows = A clusters, columns = B clusters ordered so matched pairs sit on the
        diagonal; column names say which B cluster each is.
    """

    ari: float
    labels_a: np.ndarray
    b_to_a: dict[int, int]
    aligned_b: np.ndarray
    changed: np.ndarray
    matched_table: pd.DataFrame

    @property
    def n_changed(self) -> int:
        return int(self.changed.sum())


def compare_runs(labels_a: np.ndarray, labels_b: np.ndarray) -> RunComparison:
    """Match B's clusters to A's and measure their agreement.

    Parameters
    ----------
    labels_a, labels_b : array-like of int, shape (n,)
        Cluster of each row in run A and run B (the same rows, in the same order).

    Returns
    -------
    RunComparison
    """
    a = np.asarray(labels_a).ravel()
    b = np.asarray(labels_b).ravel()
    if a.shape != b.shape:
        raise ValueError(
            f"run A labels {a.shape[0]} rows and run B labels {b.shape[0]}; "
            "they must cluster the same rows to be compared"
        )
    match = match_clusters(b, a)
    b_ids, a_ids = match.clusters, match.groups
    b_to_a = {int(b_ids[c]): int(a_ids[g]) for c, g in enumerate(match.pair) if g >= 0}
    spare = int(a_ids.max()) + 1 if a_ids.size else 0
    for b_id in b_ids:
        if int(b_id) not in b_to_a:
            b_to_a[int(b_id)] = spare
            spare += 1
    # b_ids is sorted (np.unique), so each label's position in it indexes its A cluster.
    aligned = np.array([b_to_a[int(c)] for c in b_ids])[np.searchsorted(b_ids, b)]
    # Columns: matched B clusters in A's order, then the unmatched ones.
    order = [int(c) for g, c in sorted((g, c) for c, g in enumerate(match.pair) if g >= 0)]
    order += [c for c in range(len(b_ids)) if c not in order]
    table = pd.DataFrame(
        match.overlap.T[:, order],
        index=pd.Index([cluster_name(int(i)) for i in a_ids], name="run A"),
        columns=pd.Index([f"B {cluster_name(int(b_ids[c]))}" for c in order], name="run B"),
    )
    return RunComparison(
        ari=float(adjusted_rand_score(a, b)),
        labels_a=a,
        b_to_a=b_to_a,
        aligned_b=aligned,
        changed=aligned != a,
        matched_table=table,
    )


def metrics_difference(values_a: dict[str, float | None],
                       values_b: dict[str, float | None]) -> pd.DataFrame:
    """One table of both runs' metrics and B − A (blank where a metric is undefined).

    Returns
    -------
    DataFrame with columns Metric, Run A, Run B, B − A, Better.
    """
    rows = []
    for key, info in METRICS.items():
        a, b = values_a.get(key), values_b.get(key)
        if a is None and b is None:
            continue
        rows.append({
            "Metric": info.label,
            "Run A": "" if a is None else f"{a:.4g}",
            "Run B": "" if b is None else f"{b:.4g}",
            "B − A": "" if a is None or b is None else f"{b - a:+.4g}",
            "Better": "higher" if info.higher_is_better else "lower",
        })
    return pd.DataFrame(rows)
