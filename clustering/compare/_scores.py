"""What a comparison needs besides the runs: the toy sets, noise-aware scores, agreement
between labellings, and the data of a dendrogram.

Noise and the metrics (a documented choice)
-------------------------------------------
Density methods label some points -1, "noise": they belong to no cluster.

* **Internal scores** (silhouette, Calinski-Harabasz, Davies-Bouldin, objective) are computed
  on the clustered rows only, noise left out, because noise is not a cluster: counting it as
  one would put a scattered "cluster" around every real one and sink every score. Leaving it
  out rewards calling hard points noise, so the noise share is always shown beside them.
* **External scores** (ARI, AMI, V-measure, homogeneity, completeness) and the agreement
  matrix keep every row, with all noise points as **one extra class**: an algorithm that
  calls half the data noise is penalised for it, as it should be when truth is known.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy.cluster import hierarchy
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import StandardScaler

from clustering.data import load_dataset
from clustering.evaluation import Evaluation, evaluate, match_clusters
from clustering.sampling import sample_rows

__all__ = [
    "DENDROGRAM_MAX_ROWS",
    "INTERNAL_SCORES",
    "TOY_N_SAMPLES",
    "TOY_SETS",
    "DendrogramData",
    "ToySet",
    "agreement_matrix",
    "align_labels",
    "dendrogram_data",
    "load_toy",
    "score_labels",
]

TOY_N_SAMPLES = 500
"""Points per toy set, as in scikit-learn's comparison gallery."""

INTERNAL_SCORES = ("objective", "silhouette", "calinski_harabasz", "davies_bouldin")

# key -> (dataset registry name, row title, true number of clusters). The last has no truth;
# 3 is what the gallery asks of the methods that need a K.
TOY_SETS: dict[str, tuple[str, str, int]] = {
    "noisy_circles": ("circles", "Noisy circles", 2),
    "noisy_moons": ("moons", "Noisy moons", 2),
    "varied": ("unequal_variance_blobs", "Varied variances", 3),
    "aniso": ("anisotropic_blobs", "Anisotropic", 3),
    "blobs": ("blobs", "Blobs", 3),
    "no_structure": ("uniform_noise", "No structure", 3),
}


# eq=False: fields hold arrays.
@dataclass(frozen=True, eq=False)
class ToySet:
    """A toy set of the comparison grid.

    Attributes
    ----------
    key : str
    title : str
    X : ndarray of shape (n, 2)
        Standardised coordinates (mean 0, sd 1 per axis), as in the gallery.
    true_labels : ndarray of shape (n,) or None
    n_clusters : int
        The number of clusters asked of the methods that take K.
    """

    key: str
    title: str
    X: np.ndarray
    true_labels: np.ndarray | None
    n_clusters: int


def load_toy(key: str, n_samples: int = TOY_N_SAMPLES, random_state=0) -> ToySet:
    """Load one of ``TOY_SETS``, standardised.

    Parameters
    ----------
    key : str
        A key of ``TOY_SETS``.
    n_samples : int, default 500
    random_state : int, default 0
        Seed of the dataset generator.

    Returns
    -------
    ToySet
    """
    try:
        name, title, k = TOY_SETS[key]
    except (KeyError, TypeError):
        raise ValueError(f"unknown toy set {key!r}; choose one of: {', '.join(TOY_SETS)}") from None
    data = load_dataset(name, n_samples=n_samples, random_state=random_state)
    X = StandardScaler().fit_transform(data.X)
    return ToySet(key=key, title=title, X=X, true_labels=data.true_labels, n_clusters=k)


def score_labels(X, labels, true_labels=None, *, random_state=0) -> Evaluation:
    """Every metric of :func:`clustering.evaluation.evaluate`, with noise handled as the module
    docstring says.

    Parameters
    ----------
    X : array-like of shape (n, d)
    labels : array-like of shape (n,)
        -1 marks noise.
    true_labels : array-like of shape (n,) or None
    random_state : int, default 0
        Seed of the silhouette sample on large data.

    Returns
    -------
    Evaluation
        External values over all rows (noise = one class); internal values over the
        clustered rows; a note says how many noise rows the internal scores left out.
    """
    X = np.asarray(X, dtype=np.float64)
    labels = np.asarray(labels).ravel()
    full = evaluate(X, labels, true_labels, random_state=random_state)
    noise = labels < 0
    if not noise.any():
        return full
    kept = evaluate(X[~noise], labels[~noise], random_state=random_state)
    values = dict(full.values)
    reasons = {k: v for k, v in full.reasons.items() if k not in INTERNAL_SCORES}
    for key in INTERNAL_SCORES:
        values[key] = kept.values[key]
        if key in kept.reasons:
            reasons[key] = kept.reasons[key]
    if noise.all():
        for key in INTERNAL_SCORES:
            reasons[key] = "Every point is noise: there is no cluster to score."
    notes = [n for n in full.notes if not n.startswith("Silhouette")] + kept.notes
    notes.append(
        f"{int(noise.sum()):,} noise points are left out of the silhouette, Calinski-Harabasz "
        "and Davies-Bouldin scores and count as one extra class in ARI, AMI and V-measure."
    )
    return replace(full, values=values, reasons=reasons, notes=notes,
                   silhouette_sampled=kept.silhouette_sampled)


def agreement_matrix(labelings: dict[str, np.ndarray]) -> pd.DataFrame:
    """Adjusted Rand index between every pair of labellings of the same rows.

    Parameters
    ----------
    labelings : dict of str to ndarray of shape (n,)
        Name -> labels (-1 = noise, kept as one class). All of the same length.

    Returns
    -------
    pandas.DataFrame of shape (m, m)
        Symmetric, 1 on the diagonal; index and columns are the names, in the given order.
    """
    names = list(labelings)
    lengths = {len(v) for v in labelings.values()}
    if len(lengths) > 1:
        raise ValueError(f"labellings have different lengths: {sorted(lengths)}")
    m = len(names)
    ari = np.eye(m)
    for i in range(m):
        for j in range(i + 1, m):
            ari[i, j] = ari[j, i] = adjusted_rand_score(labelings[names[i]], labelings[names[j]])
    return pd.DataFrame(ari, index=names, columns=names)


def align_labels(labels, reference) -> np.ndarray:
    """Renumber clusters to match a reference labelling, so colours agree across panels.

    Each cluster takes the number of the reference group it overlaps most, one cluster per
    group (Hungarian matching on the contingency table); clusters left over get the next
    numbers, largest first. Noise (-1) stays -1; reference noise is ignored. Only the
    numbering changes, never which rows are together.

    Parameters
    ----------
    labels : array-like of shape (n,) int
    reference : array-like of shape (n,)
        True classes or another clustering.

    Returns
    -------
    ndarray of shape (n,) int
    """
    labels = np.asarray(labels, dtype=np.int64).ravel()
    match = match_clusters(labels, reference)
    if match.clusters.size == 0 or match.groups.size == 0:
        return labels.copy()
    new = match.pair.copy()
    rest = np.flatnonzero(new < 0)
    sizes = np.array([(labels == c).sum() for c in match.clusters[rest]])
    new[rest[np.argsort(-sizes, kind="stable")]] = match.groups.size + np.arange(rest.size)
    out = labels.copy()
    mask = labels >= 0
    out[mask] = new[np.searchsorted(match.clusters, labels[mask])]
    return out


DENDROGRAM_MAX_ROWS = 300
"""Most leaves a dendrogram draws; above it a seeded sample of this many rows is used."""


# eq=False: fields hold arrays.
@dataclass(frozen=True, eq=False)
class DendrogramData:
    """Coordinates of a dendrogram, as ``scipy.cluster.hierarchy.dendrogram`` computes them.

    Attributes
    ----------
    icoord, dcoord : ndarray of shape (n_links, 4)
        x and y of each link's four corners (leaves sit at x = 5, 15, 25, ...).
    link_cluster : ndarray of shape (n_links,) int
        Cluster (0-based, numbered left to right) each link lies in below the cut; -1
        for links above it.
    cut_height : float or None
        The merge height that leaves ``n_clusters`` clusters (None when n_clusters <= 1 or
        >= the leaves).
    n_leaves : int
    sampled : int or None
        Leaves when they are a seeded sample of the rows; None when all rows are leaves.
    n_rows : int
    linkage : str
    """

    icoord: np.ndarray
    dcoord: np.ndarray
    link_cluster: np.ndarray
    cut_height: float | None
    n_leaves: int
    sampled: int | None
    n_rows: int
    linkage: str


def dendrogram_data(X, linkage: str, n_clusters: int, *, metric: str = "euclidean",
                    max_rows: int = DENDROGRAM_MAX_ROWS, random_state=0) -> DendrogramData:
    """Merge tree of agglomerative clustering, cut at ``n_clusters``.

    Parameters
    ----------
    X : array-like of shape (n, d)
    linkage : {"ward", "complete", "average", "single"}
    n_clusters : int
    metric : {"euclidean", "manhattan", "cosine"}, default "euclidean"
        Distance between points; ward is always Euclidean.
    max_rows : int, default 300
        Above this many rows, a seeded sample of this size is the leaves.
    random_state : int, default 0

    Returns
    -------
    DendrogramData
    """
    if linkage not in ("ward", "complete", "average", "single"):
        raise ValueError(f"linkage={linkage!r} must be ward, complete, average or single")
    X = np.asarray(X, dtype=np.float64)
    n = X.shape[0]
    if n < 2:
        raise ValueError(f"a dendrogram needs at least 2 rows; there are {n}")
    sampled = None
    if n > max_rows:
        X = X[sample_rows(n, max_rows, random_state)]
        sampled = max_rows
    if metric not in ("euclidean", "manhattan", "cosine"):
        raise ValueError(f"metric={metric!r} must be euclidean, manhattan or cosine")
    scipy_metric = "cityblock" if metric == "manhattan" and linkage != "ward" else metric
    Z = hierarchy.linkage(X, method=linkage,
                          metric="euclidean" if linkage == "ward" else scipy_metric)
    m = X.shape[0]
    cut = None
    if 1 < n_clusters < m:
        # Z[i, 2] is the height of merge i (increasing); undoing the last k-1 merges leaves k.
        cut = float((Z[m - n_clusters - 1, 2] + Z[m - n_clusters, 2]) / 2)
    tree = hierarchy.dendrogram(Z, no_plot=True)
    icoord, dcoord = np.asarray(tree["icoord"]), np.asarray(tree["dcoord"])
    link_cluster = np.full(len(icoord), -1, dtype=np.int64)
    if cut is not None:
        flat = hierarchy.fcluster(Z, n_clusters, criterion="maxclust")[tree["leaves"]]
        # Renumber left to right in leaf order.
        _, first = np.unique(flat, return_index=True)
        rank = {flat[i]: r for r, i in enumerate(sorted(first))}
        # A link's left corner lies within its subtree's leaf span, so the nearest leaf to
        # it (leaves sit at x = 5, 15, ...) is one of its own leaves.
        leaf = np.clip(np.rint((icoord.min(axis=1) - 5) / 10).astype(int), 0, m - 1)
        below = dcoord.max(axis=1) <= cut
        link_cluster[below] = [rank[c] for c in flat[leaf[below]]]
    return DendrogramData(
        icoord=icoord, dcoord=dcoord,
        link_cluster=link_cluster, cut_height=cut, n_leaves=m, sampled=sampled, n_rows=n,
        linkage=linkage,
    )
