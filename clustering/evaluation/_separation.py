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
    # Columns are gathered as numpy pieces and become one DataFrame at the end: building
    # small frames per column cost more than the arithmetic (measured on Iris).
    pieces = [_numeric_effects(frame[c].iloc[row_index], c, labels, n_clusters)
              for c in numeric]
    pieces += [_level_effects(frame[c].iloc[row_index], c, labels, n_clusters)
               for c in categorical]
    pieces = [p for p in pieces if p is not None and len(p["cluster"])]
    columns = {name: (np.concatenate([p[name] for p in pieces]) if pieces else np.empty(0))
               for name in _COLUMNS}
    order = np.lexsort((-np.abs(columns["effect"]), columns["cluster"]))
    columns = {name: values[order] for name, values in columns.items()}
    table = pd.DataFrame(columns)
    table["cluster"] = table["cluster"].astype(np.int64)
    table["effect"] = table["effect"].astype(np.float64)
    bounds = np.searchsorted(columns["cluster"], np.arange(n_clusters + 1))
    sizes = np.bincount(labels, minlength=n_clusters)
    sentences = [_sentence(j, {name: values[bounds[j]:bounds[j + 1]]
                               for name, values in columns.items()}, sizes[j], len(labels))
                 for j in range(n_clusters)]
    return Separation(table=table, sentences=sentences)


def _numeric_effects(series: pd.Series, name: str, labels: np.ndarray, k: int) -> dict | None:
    values = to_numeric(series).values
    ok = np.isfinite(values)
    if not ok.any():
        return None
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
    j = np.flatnonzero((counts > 0) & (rest > 0))
    return {"cluster": j, "feature": np.full(j.size, name, dtype=object),
            "column": np.full(j.size, name, dtype=object),
            "level": np.full(j.size, None, dtype=object),
            "kind": np.full(j.size, "numeric", dtype=object),
            "effect": effect[j], "in_cluster": inside[j], "elsewhere": elsewhere[j]}


def _level_effects(series: pd.Series, name: str, labels: np.ndarray, k: int) -> dict:
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
    return {"cluster": j, "feature": np.array([f"{name} = {v}" for v in level_text], dtype=object),
            "column": np.full(j.size, name, dtype=object), "level": level_text,
            "kind": np.full(j.size, "category", dtype=object), "effect": effect[j, lev],
            "in_cluster": inside[j, lev], "elsewhere": elsewhere[j, lev]}


def _phrase(kind: str, column: str, level, effect: float, inside: float,
            elsewhere: float) -> str:
    if kind == "category":
        return (f"{column} is '{level}' in {100 * inside:.0f}% "
                f"({100 * elsewhere:.0f}% elsewhere)")
    word = "high" if effect > 0 else "low"
    return f"{word} {column} ({effect:+.1f} sd)"


def _sentence(j: int, rows: dict, size: int, n: int) -> str:
    """``rows``: the cluster's entries (numpy columns), strongest first."""
    name = cluster_name(j)
    if size == 0:
        return f"{name} is empty."
    if size == n:
        return f"{name} holds every row, so there is nothing to compare it with."
    if not len(rows["effect"]):
        return f"{name}: no feature can be compared."

    def phrase(i: int) -> str:
        return _phrase(rows["kind"][i], rows["column"][i], rows["level"][i], rows["effect"][i],
                       rows["in_cluster"][i], rows["elsewhere"][i])

    strong = np.flatnonzero(np.abs(rows["effect"]) >= MIN_EFFECT)[:SENTENCE_ITEMS]
    if not strong.size:
        return (f"{name}: close to the other clusters on every feature (no difference of "
                f"{MIN_EFFECT} sd or more; the largest is {phrase(0)}).")
    return f"{name}: " + ", ".join(phrase(i) for i in strong) + "."
