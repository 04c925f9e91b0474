"""Clustering algorithms to compare with k-means: a registry and one runner.

>>> result = run_algorithm("dbscan", X, {"eps": 0.3}, random_state=0)  # doctest: +SKIP
>>> result.labels, result.fit_seconds, result.notes                      # doctest: +SKIP

``ALGORITHMS`` maps a name to an :class:`AlgorithmSpec` that declares the parameters (as
data, with defaults tied to the data where a fixed number would be wrong, e.g. DBSCAN's eps),
whether it takes K, whether it marks noise, how its cost grows, and its size limit.
:func:`run_algorithm` validates once at the door, then:

1. **Size guard.** Above ``spec.row_limit(d)`` rows (``max_rows``, lower for pairwise
   methods on wide data) or a data-dependent ``spec.row_budget``,
   an entry with ``oversize="sample"`` runs on a seeded sample of that many rows and every
   other row takes the cluster of its nearest sampled row (so labels always cover all rows);
   one with ``oversize="skip"`` does not run and ``skipped_reason`` says why. Either way the
   call returns in seconds: no entry is ever run on more rows than it was measured to handle.
2. **Automatic parameters.** ``None`` means "choose from the data"; the rule is applied to
   the rows the algorithm runs on and the value chosen is written in ``result.params`` and
   ``result.notes``.
3. **Fit** with one BLAS/OpenMP thread (faster on a small shared machine, see
   :mod:`clustering.choose_k`); warnings become notes; a failure inside the algorithm (e.g. a
   singular covariance) becomes ``skipped_reason`` instead of an exception.
4. **Labels** are renumbered by cluster size (0 = largest) and every negative label
   (scikit-learn's HDBSCAN uses -1, -2, -3) becomes -1, noise.

Scoring with noise is :func:`score_labels` in :mod:`clustering.compare`.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
from sklearn.neighbors import NearestNeighbors
from sklearn.utils import check_array, check_random_state
from threadpoolctl import threadpool_limits

from clustering.compare._scores import (
    TOY_SETS,
    DendrogramData,
    ToySet,
    agreement_matrix,
    align_labels,
    dendrogram_data,
    load_toy,
    score_labels,
)
from clustering.compare._specs import SPECS
from clustering.compare._types import AUTO, AlgorithmResult, AlgorithmSpec, ParamSpec
from clustering.sampling import sample_rows

__all__ = [
    "ALGORITHMS",
    "AUTO",
    "DEFAULT_ALGORITHMS",
    "TOY_SETS",
    "AlgorithmResult",
    "AlgorithmSpec",
    "DendrogramData",
    "ParamSpec",
    "ToySet",
    "agreement_matrix",
    "align_labels",
    "check_params",
    "dendrogram_data",
    "load_toy",
    "run_algorithm",
    "score_labels",
]

ALGORITHMS: dict[str, AlgorithmSpec] = {spec.name: spec for spec in SPECS}

DEFAULT_ALGORITHMS: tuple[str, ...] = (
    "kmeans",
    "agglomerative_ward",
    "spectral",
    "dbscan",
    "hdbscan",
    "gaussian_mixture",
)
"""The page's default columns: one of each family (centroid, hierarchical, graph, density,
model) that together fit the benchmark's 10 s budget on the six toy sets."""


def _spec(name: str) -> AlgorithmSpec:
    try:
        return ALGORITHMS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown algorithm {name!r}; choose one of: {', '.join(ALGORITHMS)}"
        ) from None


def check_params(name: str, params: dict | None) -> dict:
    """Every parameter of ``name``, checked, with defaults for the missing ones.

    Parameters
    ----------
    name : str
        A key of ``ALGORITHMS``.
    params : dict or None
        Parameter name -> value; ``None`` values mean "choose from the data" where the
        parameter has an automatic rule.

    Returns
    -------
    params : dict
        One entry per ``spec.params``, in declaration order; automatic ones still None.

    Raises
    ------
    ValueError
        Unknown algorithm or parameter name, or a value out of range (the message carries
        the value).
    """
    spec = _spec(name)
    params = dict(params or {})
    known = {p.name for p in spec.params}
    unknown = sorted(set(params) - known)
    if unknown:
        raise ValueError(
            f"{name} has no parameter {unknown[0]!r}; its parameters are: {', '.join(known)}"
        )
    return {p.name: p.check(params.get(p.name, p.default), name) for p in spec.params}


def run_algorithm(name: str, X, params: dict | None = None, random_state=0) -> AlgorithmResult:
    """Cluster ``X`` with a registry entry, within its size limit.

    Parameters
    ----------
    name : str
        A key of ``ALGORITHMS``.
    X : array-like of shape (n, d)
        Finite values (the prepared, usually scaled, features).
    params : dict or None
        As :func:`check_params`; missing and None values are chosen from the data.
    random_state : int, RandomState instance or None, default 0
        Seeds the sample, the automatic rules and the algorithm itself.

    Returns
    -------
    AlgorithmResult
        ``labels`` of shape (n,) with -1 for noise, or None with ``skipped_reason``.

    Raises
    ------
    ValueError
        Unknown name or parameter, a value out of range, or X not finite: the caller's
        mistakes. Failures inside the algorithm are reported in ``skipped_reason`` instead.
    """
    spec = _spec(name)
    params = check_params(name, params)
    X = check_array(X, dtype=np.float64, ensure_min_samples=0, ensure_min_features=1)
    rng = check_random_state(random_state)
    n = X.shape[0]

    if n < 2:
        return _skipped(spec, params, f"{spec.title} needs at least 2 rows; there are {n}.")
    if spec.takes_k and params["n_clusters"] > n:
        return _skipped(
            spec, params, f"n_clusters={params['n_clusters']} is more than the {n} rows."
        )
    rows = None
    limit = spec.row_limit(X.shape[1])
    if n > limit:
        wide = f" with {X.shape[1]} features" if limit < spec.max_rows else ""
        if spec.oversize == "skip":
            reason = (f"{spec.title} is skipped above {limit:,} rows{wide} (this data has "
                      f"{n:,}): {_lower_first(spec.why_limit)}")
            return _skipped(spec, params, reason)
        rows = sample_rows(n, limit, rng)

    Xfit = X if rows is None else X[rows]
    resolved, notes = _resolve(spec, Xfit, params, rng)
    if spec.row_budget is not None:
        budget = spec.row_budget(Xfit, resolved, rng)
        if budget < Xfit.shape[0]:
            pool = np.arange(n) if rows is None else rows
            rows = sample_rows(pool, max(budget, 2), rng)
            Xfit = X[rows]
    if rows is not None:
        notes.insert(0, _sample_note(spec, len(rows), n))

    with threadpool_limits(limits=1), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start = time.perf_counter()
        try:
            raw = spec.fit(Xfit, resolved, rng)
        except (ValueError, ArithmeticError, np.linalg.LinAlgError, MemoryError) as exc:
            reason = f"{spec.title} failed on this data: {_first_line(exc)}."
            return _skipped(spec, resolved, reason, notes)
        seconds = time.perf_counter() - start
    notes.extend(_warning_notes(caught))

    labels = _renumber(np.asarray(raw))
    if rows is not None:
        labels, used = _extend(X, rows, labels, rng)
        if used < len(rows):
            notes[0] = notes[0].replace(
                "nearest sampled row", f"nearest among {used:,} of the sampled rows")
    return AlgorithmResult(name=name, labels=labels, fit_seconds=seconds, sampled_rows=rows,
                           notes=notes, params=resolved)


# --- private helpers (prior validation of data is assumed) --------------------------------


def _resolve(spec: AlgorithmSpec, X: np.ndarray, params: dict, rng) -> tuple[dict, list[str]]:
    """Apply the automatic rules in declaration order (later rules may use earlier values)."""
    resolved = dict(params)
    notes = []
    for p in spec.params:
        if resolved[p.name] is None:
            value = p.auto(X, {**resolved, "random_state": rng})
            resolved[p.name] = value
            if not p.applies(resolved):
                continue
            shown = f"{value:.3g}" if isinstance(value, float) else str(value)
            notes.append(f"{p.label} chosen from the data: {shown}.")
    return resolved, notes


def _sample_note(spec: AlgorithmSpec, m: int, n: int) -> str:
    why = f" ({_lower_first(spec.why_limit).rstrip('.')})" if spec.why_limit else ""
    return (f"Ran on a seeded sample of {m:,} of {n:,} rows{why}; every other row takes the "
            "cluster of its nearest sampled row.")


def _skipped(spec, params, reason, notes=None) -> AlgorithmResult:
    return AlgorithmResult(name=spec.name, labels=None, fit_seconds=0.0, skipped_reason=reason,
                           notes=list(notes or []), params=dict(params))


def _renumber(raw: np.ndarray) -> np.ndarray:
    """Noise (any negative) -> -1; clusters -> 0, 1, ... by decreasing size."""
    raw = raw.astype(np.int64, copy=False).ravel()
    labels = np.full(raw.shape, -1, dtype=np.int64)
    kept = raw >= 0
    if kept.any():
        values, inverse, counts = np.unique(raw[kept], return_inverse=True, return_counts=True)
        # Stable sort on -count: equal sizes keep the algorithm's own order.
        order = np.argsort(-counts, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        labels[kept] = rank[inverse.ravel()]
    return labels


EXTEND_WORK = 300_000_000
"""Most (row x reference row x feature) products the label extension may compute when
neighbour trees do not help (more than ``TREE_DIMS`` features): about a second here."""
TREE_DIMS = 10


def _extend(X: np.ndarray, rows: np.ndarray, sample_labels: np.ndarray,
            rng) -> tuple[np.ndarray, int]:
    """Labels for every row: sampled rows keep theirs, the others copy their nearest
    sampled row's (noise included).

    On wide data a brute-force search over a large sample costs minutes at 100k rows, so
    the reference rows are then a seeded subset of the sample (at least 1,000). Returns the
    labels and the number of reference rows used.
    """
    n, d = X.shape
    labels = np.empty(n, dtype=np.int64)
    labels[rows] = sample_labels
    others = np.setdiff1d(np.arange(n), rows, assume_unique=True)
    reference = np.arange(len(rows))
    if d > TREE_DIMS and others.size:
        cap = max(1000, EXTEND_WORK // (others.size * d))
        if cap < len(rows):
            reference = sample_rows(len(rows), cap, rng)
    if others.size:
        with threadpool_limits(limits=1):
            nearest = NearestNeighbors(n_neighbors=1).fit(X[rows[reference]]).kneighbors(
                X[others], return_distance=False)[:, 0]
        labels[others] = sample_labels[reference[nearest]]
    return labels, len(reference)


def _warning_notes(caught) -> list[str]:
    seen: list[str] = []
    for w in caught:
        text = _first_line(w.message)
        if text and text not in seen:
            seen.append(text)
    return [f"Warning from the algorithm: {text}" for text in seen[:3]]


def _first_line(message) -> str:
    text = str(message).strip()
    # scikit-learn wraps some messages with runs of spaces inside one sentence.
    return " ".join(text.splitlines()[0].split()).rstrip(".") if text else type(message).__name__


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text
