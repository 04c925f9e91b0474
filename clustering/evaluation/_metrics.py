"""Clustering quality metrics: one call for internal and external scores, with explanations.

Every score comes from scikit-learn (``sklearn.metrics``); this module only decides which
ones are defined, samples where a score is quadratic, and explains the numbers.

Internal metrics use only the data and the clustering: the k-means objective, silhouette,
Calinski-Harabasz, Davies-Bouldin. External metrics compare the clustering with known true
classes: homogeneity, completeness, V-measure, adjusted Rand index (ARI) and adjusted mutual
information (AMI), plus the contingency table.

Where a score is not defined (one cluster, every point its own cluster, fewer than two
samples, no true labels) its value is None and ``Evaluation.reasons`` says why, in one plain
sentence; ``evaluate`` never raises for such data.

Silhouette costs O(n^2) time. Above ``silhouette_sample_size`` rows (default
``SILHOUETTE_SAMPLE_SIZE`` = 2000) it is computed on a seeded random sample of that many rows,
drawn exactly as ``sklearn.metrics.silhouette_score(sample_size=..., random_state=...)`` draws
it, and ``Evaluation.silhouette_sampled`` records the sample size.

Rows whose true label is missing (None, NaN, pandas NA) are left out of the external metrics
and of the contingency table only; ``Evaluation.notes`` says how many.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn import metrics as skm
from sklearn.metrics.cluster import contingency_matrix
from sklearn.utils import check_array, check_random_state

__all__ = [
    "INTERNAL",
    "EXTERNAL",
    "METRICS",
    "SILHOUETTE_METRICS",
    "SILHOUETTE_SAMPLE_SIZE",
    "Evaluation",
    "MetricInfo",
    "contingency",
    "evaluate",
    "per_sample_silhouette",
]

# 2000 rows: the estimate is within about 0.01 of the full score on typical data, and the
# O(n^2) cost stays near 30 ms (5000 rows took ~0.4 s here, too slow for a rerun).
SILHOUETTE_SAMPLE_SIZE = 2000
#: Distance names accepted for the silhouette, mapped to scikit-learn's names.
SILHOUETTE_METRICS = {
    "euclidean": "euclidean",
    "manhattan": "manhattan",
    "cityblock": "manhattan",
    "cosine": "cosine",
}


@dataclass(frozen=True)
class MetricInfo:
    """How to read one metric.

    Attributes
    ----------
    label : str
        Short display name.
    explanation : str
        One line: what it measures.
    range : str
        Possible values, as text.
    higher_is_better : bool
    needs_labels : bool
        True for external metrics, which need true classes.
    """

    label: str
    explanation: str
    range: str
    higher_is_better: bool
    needs_labels: bool


METRICS: dict[str, MetricInfo] = {
    "objective": MetricInfo(
        "Objective (total error)",
        "Total distance from each point to its cluster centre (sum of squared distances for "
        "Euclidean); only comparable between runs with the same k and distance.",
        "0 to infinity",
        False,
        False,
    ),
    "silhouette": MetricInfo(
        "Silhouette",
        "How much closer each point is to its own cluster than to the next nearest one, "
        "averaged over points.",
        "-1 to 1",
        True,
        False,
    ),
    "calinski_harabasz": MetricInfo(
        "Calinski-Harabasz",
        "Spread between cluster centres relative to spread within clusters (Euclidean).",
        "0 to infinity",
        True,
        False,
    ),
    "davies_bouldin": MetricInfo(
        "Davies-Bouldin",
        "Average similarity of each cluster to its most similar other cluster: size over "
        "separation (Euclidean).",
        "0 to infinity",
        False,
        False,
    ),
    "homogeneity": MetricInfo(
        "Homogeneity",
        "Whether each cluster contains only members of a single true class.",
        "0 to 1",
        True,
        True,
    ),
    "completeness": MetricInfo(
        "Completeness",
        "Whether all members of a true class end up in the same cluster.",
        "0 to 1",
        True,
        True,
    ),
    "v_measure": MetricInfo(
        "V-measure",
        "Harmonic mean of homogeneity and completeness.",
        "0 to 1",
        True,
        True,
    ),
    "ari": MetricInfo(
        "Adjusted Rand index",
        "Agreement between clusters and true classes over all pairs of points, corrected so "
        "that random labelling scores about 0.",
        "-0.5 to 1 (0 = chance)",
        True,
        True,
    ),
    "ami": MetricInfo(
        "Adjusted mutual information",
        "Information shared by clusters and true classes, corrected so that random "
        "labelling scores about 0.",
        "below 0 up to 1 (0 = chance)",
        True,
        True,
    ),
}
INTERNAL = tuple(k for k, m in METRICS.items() if not m.needs_labels)
EXTERNAL = tuple(k for k, m in METRICS.items() if m.needs_labels)


# eq=False: fields hold arrays/frames, whose == is elementwise.
@dataclass(frozen=True, eq=False)
class Evaluation:
    """Result of ``evaluate``.

    Attributes
    ----------
    values : dict of str to float or None
        One entry per key of ``METRICS``; None when not defined.
    reasons : dict of str to str
        For each None value, one sentence saying why.
    silhouette_sampled : int or None
        Rows the silhouette was computed on when sampled; None when all rows were used.
    contingency : pandas.DataFrame or None
        Counts, rows = true classes, columns = clusters; None without true labels.
    notes : list of str
        Plain sentences about how the scores were computed (sampling, excluded rows).
    n_labelled : int or None
        Rows with a true label that the external metrics used; None without true labels.
    """

    values: dict[str, float | None]
    reasons: dict[str, str]
    silhouette_sampled: int | None = None
    contingency: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    n_labeled: int | None = None


def evaluate(
    X,
    labels,
    true_labels=None,
    *,
    objective: float | None = None,
    metric: str = "euclidean",
    silhouette_sample_size: int | None = SILHOUETTE_SAMPLE_SIZE,
    random_state=0,
) -> Evaluation:
    """Score a clustering with every applicable metric.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The data the clustering ran on (prepared/scaled features). Must be finite.
    labels : array-like of shape (n_samples,)
        Cluster of each row.
    true_labels : array-like of shape (n_samples,), optional
        Known classes; missing entries (None/NaN) are excluded from the external metrics.
    objective : float, optional
        The run's objective (e.g. ``KMeans.inertia_``). When None and ``metric`` is
        Euclidean it is computed as the sum of squared distances to the cluster means;
        for other distances it depends on the centre rule, so it is reported as not given.
    metric : {"euclidean", "manhattan", "cityblock", "cosine"}, default "euclidean"
        The clustering's distance, used by the silhouette. Calinski-Harabasz and
        Davies-Bouldin are Euclidean by definition.
    silhouette_sample_size : int or None, default 2000
        Above this many rows the silhouette uses a seeded sample of this size; None means
        always use every row.
    random_state : int, RandomState instance or None, default 0
        Seed for the silhouette sample.

    Returns
    -------
    Evaluation

    Raises
    ------
    ValueError
        Malformed input only (non-finite X, length mismatch, unknown metric), never
        because a score is undefined.
    """
    X, labels = _check_X_labels(X, labels)
    sk_metric = _check_metric(metric)
    values: dict[str, float | None] = dict.fromkeys(METRICS)
    reasons: dict[str, str] = {}
    notes: list[str] = []
    n = len(labels)
    n_clusters = len(np.unique(labels)) if n else 0

    # Objective.
    if objective is not None:
        values["objective"] = float(objective)
    elif sk_metric == "euclidean" and n:
        values["objective"] = _within_sum_of_squares(X, labels)
    elif not n:
        reasons["objective"] = "There are no samples."
    else:
        reasons["objective"] = (
            f"With {metric} distance the objective depends on the centre rule; it was not given."
        )

    # Silhouette, Calinski-Harabasz, Davies-Bouldin share one definedness rule.
    why = _internal_undefined(n, n_clusters)
    sampled = None
    if why:
        for key in ("silhouette", "calinski_harabasz", "davies_bouldin"):
            reasons[key] = why
    else:
        rows = _silhouette_rows(n, silhouette_sample_size, random_state)
        if rows is not None:
            sampled = len(rows)
            notes.append(
                f"Silhouette computed on a random sample of {sampled} of {n} rows "
                f"(it costs time proportional to n squared)."
            )
        values["silhouette"], reasons_s = _silhouette_value(X, labels, rows, sk_metric)
        if reasons_s:
            reasons["silhouette"] = reasons_s
        values["calinski_harabasz"] = _safe(
            skm.calinski_harabasz_score, X, labels, reasons, "calinski_harabasz"
        )
        values["davies_bouldin"] = _safe(
            skm.davies_bouldin_score, X, labels, reasons, "davies_bouldin"
        )

    # External metrics.
    table = None
    n_labeled = None
    if true_labels is None:
        for key in EXTERNAL:
            reasons[key] = "No true labels were given."
    else:
        truth, mask = _clean_truth(true_labels, n)
        n_labeled = int(mask.sum())
        if n_labeled < n:
            notes.append(
                f"{n - n_labeled} of {n} rows have no true label and are left out of the "
                "comparison with true labels."
            )
        pred = labels[mask]
        if n_labeled < 2:
            for key in EXTERNAL:
                reasons[key] = f"Only {n_labeled} row(s) have a true label; at least 2 are needed."
        else:
            # Integer codes: sklearn's label checks on strings cost ~0.2 s per metric at 100k.
            codes = np.unique(truth, return_inverse=True)[1]
            h, c, v = skm.homogeneity_completeness_v_measure(codes, pred)
            values.update(homogeneity=float(h), completeness=float(c), v_measure=float(v))
            values["ari"] = float(skm.adjusted_rand_score(codes, pred))
            values["ami"] = float(skm.adjusted_mutual_info_score(codes, pred))
        if n_labeled:
            table = _contingency_frame(truth, pred)

    return Evaluation(
        values=values,
        reasons=reasons,
        silhouette_sampled=sampled,
        contingency=table,
        notes=notes,
        n_labeled=n_labeled,
    )


def contingency(labels, true_labels) -> pd.DataFrame:
    """Counts of each true class in each cluster.

    Parameters
    ----------
    labels : array-like of shape (n_samples,)
    true_labels : array-like of shape (n_samples,)
        Rows whose true label is missing are left out.

    Returns
    -------
    table : pandas.DataFrame of shape (n_classes, n_clusters)
        Index = sorted true classes (name "true label"), columns = sorted clusters present
        among the labelled rows (name "cluster"), values = counts (int).
    """
    labels = np.asarray(labels).ravel()
    truth, mask = _clean_truth(true_labels, len(labels))
    return _contingency_frame(truth, labels[mask])


def per_sample_silhouette(
    X,
    labels,
    metric: str = "euclidean",
    sample_size: int | None = SILHOUETTE_SAMPLE_SIZE,
    random_state=0,
) -> tuple[np.ndarray, np.ndarray]:
    """Silhouette of each row, on the same seeded sample ``evaluate`` uses.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    labels : array-like of shape (n_samples,)
    metric : {"euclidean", "manhattan", "cityblock", "cosine"}
    sample_size : int or None
        As ``evaluate``'s ``silhouette_sample_size``.
    random_state : int, RandomState instance or None

    Returns
    -------
    rows : ndarray of shape (m,) int
        Sorted row positions the values belong to (all rows when not sampled).
    values : ndarray of shape (m,) float
        Silhouette of each of those rows, computed within the sample; the mean equals
        ``evaluate(...).values["silhouette"]``.

    Raises
    ------
    ValueError
        When the silhouette is not defined (the message is the reason ``evaluate`` gives);
        check ``evaluate(...).values["silhouette"] is not None`` first.
    """
    X, labels = _check_X_labels(X, labels)
    sk_metric = _check_metric(metric)
    n = len(labels)
    why = _internal_undefined(n, len(np.unique(labels)) if n else 0)
    if why:
        raise ValueError(why)
    rows = _silhouette_rows(n, sample_size, random_state)
    if rows is None:
        rows = np.arange(n)
    why = _sample_undefined(labels[rows], n)
    if why:
        raise ValueError(why)
    return rows, skm.silhouette_samples(X[rows], labels[rows], metric=sk_metric)


# --- private helpers (prior validation of data is assumed) --------------------------------


def _check_X_labels(X, labels):
    X = check_array(X, dtype=np.float64, ensure_min_samples=0, ensure_2d=True)
    labels = np.asarray(labels)
    if labels.ndim != 1:
        labels = labels.ravel()
    if len(labels) != len(X):
        raise ValueError(f"labels has {len(labels)} entries but X has {len(X)} rows")
    return X, labels


def _check_metric(metric: str) -> str:
    try:
        return SILHOUETTE_METRICS[metric]
    except (KeyError, TypeError):
        choices = ", ".join(SILHOUETTE_METRICS)
        raise ValueError(f"metric={metric!r} is not supported; choose one of: {choices}") from None


def _internal_undefined(n: int, n_clusters: int) -> str | None:
    if n < 2:
        return f"Needs at least 2 samples; there are {n}."
    if n_clusters < 2:
        return "Not defined for a single cluster: there is nothing to separate."
    if n_clusters >= n:
        return "Not defined when every point is its own cluster."
    return None


def _sample_undefined(sample_labels: np.ndarray, n: int) -> str | None:
    m = len(sample_labels)
    k = len(np.unique(sample_labels))
    if 1 < k < m:
        return None
    return (
        f"Not defined on the random sample of {m} of {n} rows, which holds {k} cluster(s); "
        "try a larger silhouette sample."
    )


def _silhouette_rows(n: int, sample_size: int | None, random_state) -> np.ndarray | None:
    """Rows of the silhouette sample (sorted), or None when every row is used.

    Same draw as ``sklearn.metrics.silhouette_score``: the first ``sample_size`` entries of
    ``check_random_state(random_state).permutation(n)``.
    """
    if sample_size is None or n <= sample_size:
        return None
    if int(sample_size) < 2:
        raise ValueError(f"silhouette_sample_size={sample_size} must be at least 2")
    rng = check_random_state(random_state)
    return np.sort(rng.permutation(n)[: int(sample_size)])


def _silhouette_value(X, labels, rows, sk_metric):
    if rows is not None:
        X, labels = X[rows], labels[rows]
        why = _sample_undefined(labels, len(rows))
        if why:
            return None, why
    try:
        return float(skm.silhouette_score(X, labels, metric=sk_metric)), None
    except ValueError as exc:  # safety net: an undefined score must not crash a page
        return None, str(exc)


def _safe(func, X, labels, reasons, key):
    try:
        return float(func(X, labels))
    except ValueError as exc:  # safety net, as above
        reasons[key] = str(exc)
        return None


def _within_sum_of_squares(X: np.ndarray, labels: np.ndarray) -> float:
    """Sum of squared Euclidean distances of rows to their cluster mean (k-means inertia)."""
    _, inverse = np.unique(labels, return_inverse=True)
    inverse = inverse.ravel()
    k = inverse.max() + 1
    counts = np.bincount(inverse, minlength=k)
    # bincount per column: np.add.at is an order of magnitude slower on a million rows.
    sums = np.column_stack(
        [np.bincount(inverse, weights=X[:, j], minlength=k) for j in range(X.shape[1])]
    )
    means = sums / counts[:, None]
    return float(((X - means[inverse]) ** 2).sum())


def _clean_truth(true_labels, n: int) -> tuple[np.ndarray, np.ndarray]:
    """True labels of the labelled rows, and the mask of those rows."""
    truth = pd.Series(np.asarray(true_labels, dtype=object).ravel())
    if len(truth) != n:
        raise ValueError(f"true_labels has {len(truth)} entries but labels has {n}")
    mask = truth.notna().to_numpy()
    kept = truth[mask]
    values = np.asarray(kept.tolist())
    # Objects numpy cannot coerce to one type (mixed classes) are compared as text.
    if values.dtype == object:
        values = kept.astype(str).to_numpy()
    return values, mask


def _contingency_frame(truth: np.ndarray, pred: np.ndarray) -> pd.DataFrame:
    classes, codes = np.unique(truth, return_inverse=True)
    counts = contingency_matrix(codes, pred)
    return pd.DataFrame(
        counts,
        index=pd.Index(classes, name="true label"),
        columns=pd.Index(np.unique(pred), name="cluster"),
    )
