"""What makes each cluster different: the features that separate it most from the rest.

For a **numeric** column the effect is the standardised mean difference

    effect = (mean in the cluster - mean in the other clusters) / sd over all clustered rows,

in the table's own values (before scaling; missing cells left out). For a **categorical**
column every level gets the same formula applied to its 0/1 indicator,

    effect = (share in the cluster - share elsewhere) / sqrt(p (1 - p)),  p = overall share,

and only over-represented levels (effect > 0) are kept. Both are in standard deviations, so
one sorted list per cluster ranks numbers and categories together. :attr:`Separation.sentences`
says it in one plain sentence per cluster, e.g. ``"Cluster 2: high petal length (+1.8 sd),
low sepal width (-0.9 sd)."``; names are the user's own (escape them before display).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from clustering.data import as_levels
from clustering.io import to_numeric
from clustering.text import cluster_name

__all__ = ["MIN_EFFECT", "SENTENCE_ITEMS", "Separation", "cluster_separation"]

#: Smallest |effect| (in sd) named in a cluster's sentence (Cohen's "medium" effect).
MIN_EFFECT = 0.5
#: Most features named in one sentence.
SENTENCE_ITEMS = 3
_COLUMNS = ["cluster", "feature", "column", "level", "kind", "effect", "in_cluster", "elsewhere"]


# eq=False: holds a DataFrame.
@dataclass(frozen=True, eq=False)
class Separation:
    """Per-cluster separating features, sorted, and a sentence per cluster.

    Attributes
    ----------
    table : DataFrame
        One row per (cluster, numeric column) and per (cluster, over-represented level),
        sorted by cluster then by ``|effect|`` (largest first). Columns: ``cluster`` (int),
        ``feature`` (display name: the column, or ``"column = level"``), ``column``,
        ``level`` (None for numbers), ``kind`` (``"numeric"`` or ``"category"``),
        ``effect`` (sd), ``in_cluster`` and ``elsewhere`` (means, or shares in 0..1).
    sentences : list of str
        One per cluster, in cluster order (raw text).
    """

    table: pd.DataFrame
    sentences: list[str]

    def for_cluster(self, j: int, top: int | None = None) -> pd.DataFrame:
        """Rows of cluster ``j``, strongest first (at most ``top``)."""
        rows = self.table[self.table["cluster"] == j]
        return rows if top is None else rows.head(top)


def cluster_separation(
    frame: pd.DataFrame,
    row_index: np.ndarray,
    labels: np.ndarray,
    n_clusters: int,
    numeric: Sequence[str],
    categorical: Sequence[str] = (),
) -> Separation:
    """Rank, for every cluster, the features that set it apart from the other clusters.

    Parameters
    ----------
    frame : DataFrame
        The original table.
    row_index : ndarray of shape (n,)
        Positions in ``frame`` of the clustered rows.
    labels : ndarray of int, shape (n,)
        Cluster of each clustered row.
    n_clusters : int
    numeric, categorical : sequence of str
        Feature columns read as numbers, and as categories.

    Returns
    -------
    Separation
    """
    row_index = np.asarray(row_index)
    labels = np.asarray(labels, dtype=np.int64)
    if labels.shape != row_index.shape:
        raise ValueError(f"labels {labels.shape} and row_index {row_index.shape} must match")
    rows = frame.iloc[row_index]
    parts = [_numeric_effects(rows[c], c, labels, n_clusters) for c in numeric]
    parts += [_level_effects(rows[c], c, labels, n_clusters) for c in categorical]
    parts = [p for p in parts if len(p)]
    table = (pd.concat(parts, ignore_index=True) if parts
             else pd.DataFrame({c: [] for c in _COLUMNS}))
    table = table.assign(_size=table["effect"].abs()).sort_values(
        ["cluster", "_size"], ascending=[True, False], kind="stable"
    ).drop(columns="_size").reset_index(drop=True)
    sizes = np.bincount(labels, minlength=n_clusters)
    sentences = [_sentence(j, table[table["cluster"] == j], sizes[j], len(labels))
                 for j in range(n_clusters)]
    return Separation(table=table, sentences=sentences)


def _numeric_effects(series: pd.Series, name: str, labels: np.ndarray, k: int) -> pd.DataFrame:
    values = to_numeric(series).values
    ok = np.isfinite(values)
    if not ok.any():
        return pd.DataFrame()
    lab, x = labels[ok], values[ok]
    counts = np.bincount(lab, minlength=k).astype(np.float64)
    sums = np.bincount(lab, weights=x, minlength=k)
    total, n = float(x.sum()), float(x.size)
    sd = float(x.std())
    rest = n - counts
    with np.errstate(invalid="ignore", divide="ignore"):
        inside = sums / counts
        elsewhere = (total - sums) / rest
        effect = (inside - elsewhere) / sd if sd > 0 else np.zeros(k)
    keep = (counts > 0) & (rest > 0)
    j = np.flatnonzero(keep)
    return pd.DataFrame({
        "cluster": j, "feature": name, "column": name, "level": None, "kind": "numeric",
        "effect": effect[j], "in_cluster": inside[j], "elsewhere": elsewhere[j],
    })


def _level_effects(series: pd.Series, name: str, labels: np.ndarray, k: int) -> pd.DataFrame:
    codes, levels = pd.factorize(as_levels(series))
    n_levels = len(levels)
    counts = np.bincount(labels * n_levels + codes, minlength=k * n_levels).reshape(k, n_levels)
    sizes = counts.sum(axis=1, keepdims=True).astype(np.float64)
    totals = counts.sum(axis=0).astype(np.float64)
    n = float(totals.sum())
    rest = n - sizes
    p = totals / n
    with np.errstate(invalid="ignore", divide="ignore"):
        inside = counts / sizes
        elsewhere = (totals - counts) / rest
        effect = (inside - elsewhere) / np.sqrt(p * (1 - p))
    keep = (counts > 0) & (sizes > 0) & (rest > 0) & (effect > 0) & np.isfinite(effect)
    j, lev = np.nonzero(keep)
    level_text = np.asarray(levels, dtype=object)[lev]
    return pd.DataFrame({
        "cluster": j, "feature": [f"{name} = {v}" for v in level_text], "column": name,
        "level": level_text, "kind": "category", "effect": effect[j, lev],
        "in_cluster": inside[j, lev], "elsewhere": elsewhere[j, lev],
    })


def _phrase(row) -> str:
    if row.kind == "category":
        return (f"{row.column} is '{row.level}' in {100 * row.in_cluster:.0f}% "
                f"({100 * row.elsewhere:.0f}% elsewhere)")
    word = "high" if row.effect > 0 else "low"
    return f"{word} {row.column} ({row.effect:+.1f} sd)"


def _sentence(j: int, rows: pd.DataFrame, size: int, n: int) -> str:
    name = cluster_name(j)
    if size == 0:
        return f"{name} is empty."
    if size == n:
        return f"{name} holds every row, so there is nothing to compare it with."
    if rows.empty:
        return f"{name}: no feature can be compared."
    strong = rows[rows["effect"].abs() >= MIN_EFFECT].head(SENTENCE_ITEMS)
    if strong.empty:
        top = rows.iloc[0]
        return (f"{name}: close to the other clusters on every feature (no difference of "
                f"{MIN_EFFECT} sd or more; the largest is {_phrase(top)}).")
    return f"{name}: " + ", ".join(_phrase(r) for r in strong.itertuples()) + "."
