"""Choosing K: run k-means for every K in a range and score each, and study initialisations.

:func:`sweep_k` runs the engine once per K (with the chosen init, distance, centre rule and
restarts) and collects the objective, the internal scores (silhouette, Calinski-Harabasz,
Davies-Bouldin), the external scores when true labels are given, and a stability score: the
mean adjusted Rand index between single-start runs from different seeds. :func:`recommend`
turns the curves into reasons ("silhouette peaks at 3; the elbow is at 3"), never one answer.

Every run is replayable: the sweep's run at K is ``kmeans(X, K, ..., random_state=seed)`` and
run r of the init study (:mod:`clustering.choose_k`) is ``kmeans(X, K, init=method,
n_init=1, random_state=seed + r)``, exactly what the Explore page runs for those settings.

Cost is bounded on big data: the silhouette uses a seeded sample of
:data:`SILHOUETTE_SAMPLE_SIZE` rows, the other scores one of :data:`SCORE_MAX_ROWS` rows (the
objective always uses every row), stability runs use a seeded sample of
:data:`STABILITY_MAX_ROWS` rows, and restarts are limited so that rows x restarts stays within
:data:`RESTART_BUDGET` per K. Each limit that applies adds a sentence to ``notes``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from numbers import Integral

import numpy as np
from sklearn import config_context
from sklearn.utils import check_array
from threadpoolctl import threadpool_limits

from clustering.choose_k._knee import Knee, find_knee
from clustering.engine import INIT_METHODS, kmeans, n_distinct_points
from clustering.evaluation import METRICS, SILHOUETTE_SAMPLE_SIZE, evaluate
from clustering.sampling import sample_rows

__all__ = [
    "DEFAULT_K_MAX",
    "SWEEP_MAX_K",
    "Progress",
    "SweepResult",
    "k_limit",
    "pair_ari",
    "recommend",
    "sweep_k",
]

DEFAULT_K_MAX = 10
#: Largest K a sweep goes to: the cost grows with K, and beyond 20 an elbow chart says little.
SWEEP_MAX_K = 20
STABILITY_RUNS = 5
STABILITY_MAX_ROWS = 10_000
#: Above this many rows the scores other than the objective use a seeded sample of this size
#: (counting labels and distances over a million rows costs seconds per K).
SCORE_MAX_ROWS = 100_000
#: Most rows x restarts per K in a sweep; above it n_init is lowered (and a note says so).
RESTART_BUDGET = 1_000_000
_SEED_MAX = 2**31 - 1
#: Internal signals that vote for a K, in the order the recommendation lists them.
_VOTERS = ("elbow", "silhouette", "calinski_harabasz", "davies_bouldin")
#: External scores quoted in the recommendation: homogeneity and completeness alone reward
#: many (or few) clusters by construction, so their peaks say little about K.
_QUOTED_EXTERNAL = ("v_measure", "ari", "ami")

Progress = Callable[[float, str], None]
"""Called with the fraction done (0..1) and a short message; keeps the engine UI-free."""


def k_limit(n_distinct: int, k_max: int = DEFAULT_K_MAX) -> int:
    """Largest K to sweep: ``k_max``, capped by the distinct points and :data:`SWEEP_MAX_K`."""
    top = min(int(k_max), int(n_distinct), SWEEP_MAX_K)
    if top < 2:
        raise ValueError(
            f"Choosing K needs at least 2 distinct points and k_max >= 2; this data has "
            f"{n_distinct} distinct point(s) and k_max={k_max}."
        )
    return top


# eq=False: fields hold arrays, whose == is elementwise.
@dataclass(frozen=True, eq=False)
class SweepResult:
    """Scores of one k-means run per K.

    Attributes
    ----------
    ks : ndarray of int, shape (m,)
        2, 3, ..., k_max.
    objective : ndarray of shape (m,)
        The run's objective at each K (the elbow curve).
    objective_k1 : float
        Objective with one cluster; the elbow is looked for on K = 1 .. k_max.
    scores : dict of str to ndarray of shape (m,)
        Every ``METRICS`` key but the objective; NaN where undefined (external scores
        without true labels).
    stability : ndarray of shape (m,)
        Mean ARI over all pairs of :data:`STABILITY_RUNS` single-start runs from seeds
        ``seed, seed + 1, ...``; 1 means every seed gives the same clustering.
    stability_min : ndarray of shape (m,)
        Lowest pairwise ARI at each K.
    n_iter : ndarray of int, shape (m,)
    labels : ndarray of int16, shape (m, n)
        Labels of the run at each K.
    knee : Knee or None
        Kneedle knee of the objective on K = 1 .. k_max; None when the curve does not bend.
    n_init : int
        Restarts used per K.
    seed : int
    silhouette_sampled : int or None
        Rows the silhouette used when sampled.
    stability_rows : int or None
        Rows the stability runs used when sampled.
    notes : list of str
        Plain sentences: sampling, lowered restarts, empty clusters.
    """

    ks: np.ndarray
    objective: np.ndarray
    objective_k1: float
    scores: dict[str, np.ndarray]
    stability: np.ndarray
    stability_min: np.ndarray
    n_iter: np.ndarray
    labels: np.ndarray
    knee: Knee | None
    n_init: int
    seed: int
    silhouette_sampled: int | None = None
    stability_rows: int | None = None
    notes: list[str] = field(default_factory=list)

    def best(self) -> dict[str, int]:
        """Best K by each defined score (ties go to the smaller K), plus ``"elbow"``."""
        out = {}
        if self.knee is not None:
            out["elbow"] = int(self.knee.x)
        for key, values in self.scores.items():
            if np.isfinite(values).any():
                pick = np.nanargmax if METRICS[key].higher_is_better else np.nanargmin
                out[key] = int(self.ks[pick(values)])
        return out

    def labels_for(self, k: int) -> np.ndarray:
        """Labels of the run at K = ``k``, shape (n,)."""
        if k not in self.ks:
            raise ValueError(f"K={k} was not swept; the sweep covers K={self.ks[0]}..{self.ks[-1]}")
        return self.labels[int(np.flatnonzero(self.ks == k)[0])]


def _check_common(X, init_methods, distance, random_state):
    X = check_array(X, dtype=np.float64)
    for init in init_methods:
        if init not in INIT_METHODS:
            raise ValueError(f"init={init!r} must be one of {sorted(INIT_METHODS)}")
    if not isinstance(random_state, Integral) or not 0 <= random_state <= _SEED_MAX:
        # An int, so every run can be replayed on the Explore page from its seed.
        raise ValueError(f"random_state={random_state!r} must be an integer in [0, {_SEED_MAX}]")
    return X, n_distinct_points(X, distance)


def pair_ari(a: np.ndarray, b: np.ndarray) -> float:
    """Adjusted Rand index of two labelings by non-negative ints, shape (n,) each.

    ``sklearn.metrics.adjusted_rand_score`` without its input checks (1 ms a call, and a
    sweep makes hundreds): the same pair-counting formula on a bincount contingency table.
    """
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    kb = int(b.max()) + 1
    table = np.bincount(a * kb + b).astype(np.float64)
    rows = np.bincount(a).astype(np.float64)
    cols = np.bincount(b).astype(np.float64)
    pairs = (table * (table - 1)).sum() / 2
    row_pairs, col_pairs = (rows * (rows - 1)).sum() / 2, (cols * (cols - 1)).sum() / 2
    n = len(a)
    expected = row_pairs * col_pairs / (n * (n - 1) / 2) if n > 1 else 0.0
    top = (row_pairs + col_pairs) / 2
    if top == expected:  # both one cluster, or both all singletons: identical partitions
        return 1.0
    return float((pairs - expected) / (top - expected))


@contextmanager
def _quiet_single_thread() -> Iterator[None]:
    """Many short runs: one thread each (OpenMP and BLAS), and no per-run warnings.

    On a small shared machine the kernel's OpenMP threads spend more time waiting for each
    other than working (measured: Iris K=5 in 14 ms with 2 threads, 2 ms with one; 100k rows
    in 0.8 s vs 0.1 s), and BLAS threads do the same in the silhouette's distance blocks.
    Mismatched centre rules and empty clusters are reported by the page once, not per run.
    Inputs are validated once at the door, so scikit-learn's per-call
    parameter checks (most of the time of a 150-row ARI) are skipped.
    """
    with (threadpool_limits(limits=1), warnings.catch_warnings(),
          config_context(skip_parameter_validation=True, assume_finite=True)):
        warnings.simplefilter("ignore")
        yield


def _seed(base: int, r: int) -> int:
    return (base + r) % (_SEED_MAX + 1)


def sweep_k(
    X,
    k_max: int = DEFAULT_K_MAX,
    *,
    true_labels=None,
    init: str = "k-means++",
    distance: str = "euclidean",
    center: str | None = None,
    n_init: int = 1,
    max_iter: int = 300,
    random_state: int = 0,
    stability_runs: int = STABILITY_RUNS,
    progress: Progress | None = None,
) -> SweepResult:
    """Run k-means for K = 2 .. k_max and score every K.

    Parameters
    ----------
    X : array-like of shape (n, d)
    k_max : int
        Capped by the number of distinct points and :data:`SWEEP_MAX_K` (:func:`k_limit`).
    true_labels : array-like of shape (n,), optional
        Known classes: adds the external scores.
    init, distance, center, n_init, max_iter
        As :func:`clustering.engine.kmeans`; ``init`` must be a method name.
    random_state : int
        Seed of every run at every K.
    stability_runs : int, default 5
        Single-start runs per K compared pairwise for the stability score (>= 2).
    progress : callable(fraction, message), optional

    Returns
    -------
    SweepResult
    """
    X, n_distinct = _check_common(X, [init], distance, random_state)
    if not isinstance(stability_runs, Integral) or stability_runs < 2:
        raise ValueError(f"stability_runs={stability_runs!r} must be an integer >= 2")
    ks = np.arange(2, k_limit(n_distinct, k_max) + 1)
    n = X.shape[0]
    report = progress or (lambda fraction, message: None)
    notes: list[str] = []
    used_n_init = max(1, min(int(n_init), RESTART_BUDGET // n))
    if used_n_init < n_init:
        notes.append(f"Restarts lowered from {n_init} to {used_n_init} per K to bound the cost "
                     f"on {n:,} rows.")
    run = {"init": init, "distance": distance, "center": center, "max_iter": max_iter,
           "history": False}
    stab_rows = None
    if n > STABILITY_MAX_ROWS:
        stab_rows = sample_rows(n, STABILITY_MAX_ROWS, random_state)
        notes.append(f"Stability runs use a seeded sample of {STABILITY_MAX_ROWS:,} of {n:,} rows.")
    X_stab = X if stab_rows is None else X[stab_rows]
    score_rows, truth = _score_sample(n, random_state), true_labels
    if score_rows is not None:
        notes.append(f"Silhouette, Calinski-Harabasz, Davies-Bouldin and the scores against the "
                     f"true labels use a seeded sample of {SCORE_MAX_ROWS:,} of {n:,} rows; the "
                     "objective uses every row.")
        truth = None if true_labels is None else np.asarray(true_labels)[score_rows]
    X_score = X if score_rows is None else X[score_rows]

    m = len(ks)
    objective, n_iter = np.empty(m), np.empty(m, dtype=int)
    stability, stability_min = np.full(m, np.nan), np.full(m, np.nan)
    labels = np.empty((m, n), dtype=np.int16)
    scores = {key: np.full(m, np.nan) for key in METRICS if key != "objective"}
    sampled = None
    with _quiet_single_thread():
        report(0.0, "K=1: the objective with one cluster")
        objective_k1 = kmeans(X, 1, n_init=1, random_state=random_state, **run).inertia
        for i, k in enumerate(ks):
            report(i / m, f"K={k}: running k-means")
            result = kmeans(X, int(k), n_init=used_n_init, random_state=random_state, **run)
            objective[i], n_iter[i], labels[i] = result.inertia, result.n_iter, result.labels
            found = len(np.unique(result.labels))
            if found < k:
                notes.append(f"At K={k} only {found} clusters are non-empty (repeated points).")
            report((i + 0.4) / m, f"K={k}: scoring")
            evaluation = evaluate(
                X_score, result.labels if score_rows is None else result.labels[score_rows],
                truth, objective=result.inertia, metric=distance,
                silhouette_sample_size=SILHOUETTE_SAMPLE_SIZE)
            for key in scores:
                value = evaluation.values[key]
                scores[key][i] = np.nan if value is None else value
            sampled = evaluation.silhouette_sampled
            notes.extend(note for note in evaluation.notes if note not in notes)
            report((i + 0.6) / m, f"K={k}: stability across seeds")
            stability[i], stability_min[i] = _stability(X_stab, int(k), stability_runs,
                                                        random_state, run)
    report(1.0, "Done")
    curve_k = np.concatenate([[1], ks])
    curve = np.concatenate([[objective_k1], objective])
    return SweepResult(
        ks=ks, objective=objective, objective_k1=float(objective_k1), scores=scores,
        stability=stability, stability_min=stability_min, n_iter=n_iter, labels=labels,
        knee=find_knee(curve_k, curve, curve="convex", direction="decreasing"),
        n_init=used_n_init, seed=int(random_state), silhouette_sampled=sampled,
        stability_rows=None if stab_rows is None else len(stab_rows), notes=notes,
    )


def _score_sample(n: int, seed: int) -> np.ndarray | None:
    if n <= SCORE_MAX_ROWS:
        return None
    return sample_rows(n, SCORE_MAX_ROWS, seed + 1)


def _stability(X, k, runs, seed, run) -> tuple[float, float]:
    """Mean and lowest ARI over all pairs of single-start runs from seeds seed .. seed+runs-1."""
    try:
        all_labels = [kmeans(X, k, n_init=1, random_state=_seed(seed, r), **run).labels
                      for r in range(runs)]
    except ValueError:  # a sample with fewer than k distinct points
        return np.nan, np.nan
    aris = [pair_ari(all_labels[a], all_labels[b])
            for a in range(runs) for b in range(a + 1, runs)]
    return float(np.mean(aris)), float(np.min(aris))


@dataclass(frozen=True)
class Recommendation:
    """The sweep read aloud: one reason per signal, and the Ks they point to.

    Attributes
    ----------
    reasons : list of str
        Sentences such as "Silhouette peaks at K=3."
    votes : dict of int to list of str
        K -> the internal signals (``"elbow"`` or a ``METRICS`` key) that pick it, most
        votes first.
    summary : str
        One sentence on how far the signals agree.
    """

    reasons: list[str]
    votes: dict[int, list[str]]
    summary: str


def _signal_name(key: str) -> str:
    return "the elbow" if key == "elbow" else METRICS[key].label


def recommend(result: SweepResult, stable_ari: float = 0.95) -> Recommendation:
    """Read the sweep: where each score is best, whether the signals agree, which K are stable."""
    best = result.best()
    top = int(result.ks[-1])
    reasons = []
    if "elbow" in best:
        reasons.append(f"The elbow of the objective is at K={best['elbow']} (Kneedle).")
    else:
        reasons.append("The objective falls without a clear elbow.")
    for key in _VOTERS[1:] + _QUOTED_EXTERNAL:
        if key not in best:
            continue
        info = METRICS[key]
        word = "peaks" if info.higher_is_better else "is lowest"
        edge = (", the largest K tried, so it may keep improving beyond"
                if best[key] == top and top > 2 else "")
        check = " (against the true labels)" if info.needs_labels else ""
        reasons.append(f"{info.label} {word} at K={best[key]}{edge}{check}.")
    stable = [int(k) for k, s in zip(result.ks, result.stability, strict=True) if s >= stable_ari]
    if stable:
        reasons.append(f"Runs from different seeds agree (mean ARI >= {stable_ari}) at K = "
                       f"{', '.join(map(str, stable))}.")
    elif np.isfinite(result.stability).any():
        i = int(np.nanargmax(result.stability))
        reasons.append(f"No K gives the same clusters from every seed; the most repeatable is "
                       f"K={result.ks[i]} (mean ARI {result.stability[i]:.2f}).")
    votes: dict[int, list[str]] = {}
    for key in _VOTERS:
        if key in best:
            votes.setdefault(best[key], []).append(key)
    votes = dict(sorted(votes.items(), key=lambda kv: (-len(kv[1]), kv[0])))
    return Recommendation(reasons, votes, _summary(votes))


def _names(keys: list[str]) -> str:
    names = [_signal_name(key) for key in keys]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _summary(votes: dict[int, list[str]]) -> str:
    if not votes:
        return "No score could be computed, so there is nothing to compare."
    total = sum(len(v) for v in votes.values())
    (k, keys), *others = votes.items()
    if not others:
        if total == 1:
            return f"Only one signal could be read: {_names(keys)} at K={k}."
        return f"All {total} signals point to K={k}."
    rest = "; ".join(f"{_names(v)} prefer{'s' * (len(v) == 1)} K={kk}" for kk, v in others)
    if len(keys) > len(others[0][1]):
        return (f"{len(keys)} of {total} signals point to K={k} ({_names(keys)}); {rest}. "
                "Compare the candidates on Explore.")
    return (f"The signals split: {_names(keys)} prefer{'s' * (len(keys) == 1)} K={k}; {rest}. "
            "Compare the candidates on Explore.")
