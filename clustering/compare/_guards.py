"""Row budgets that depend on the parameters: how many rows a run can afford.

``AlgorithmSpec.max_rows`` bounds what an algorithm costs with sensible parameters; some
parameter values make the same rows far more expensive (DBSCAN with a huge eps stores every
pair, mean shift without binning climbs from every row, a tiny BIRCH threshold keeps one
subcluster per row). Each function here is an ``AlgorithmSpec.row_budget``:
``budget(X, params, random_state) -> rows``, measured cheaply before the fit, so the run
takes a smaller seeded sample instead of stalling. Limits were measured on the project's
2-core machine with one thread.
"""

from __future__ import annotations

import numpy as np
from sklearn import cluster
from sklearn.neighbors import NearestNeighbors

__all__ = [
    "BIRCH_MAX_SUBCLUSTERS",
    "MEANSHIFT_MAX_SEEDS",
    "NEIGHBOR_PAIRS_BUDGET",
    "SPECTRAL_RBF_ROWS",
    "birch_budget",
    "dbscan_budget",
    "gmm_budget",
    "meanshift_budget",
    "spectral_budget",
]

BIRCH_MAX_SUBCLUSTERS = 5000
"""BIRCH's global step clusters its subclusters agglomeratively (quadratic memory); above this
many the threshold is too small for the data and the run is refused with that reason."""
NEIGHBOR_PAIRS_BUDGET = 10_000_000
"""Most (point, neighbour) pairs DBSCAN may store: about 100 MB with their distances."""


def dbscan_budget(X, p, rng) -> int:
    """Rows whose neighbourhoods within eps fit :data:`NEIGHBOUR_PAIRS_BUDGET`.

    The mean neighbourhood size is measured on 200 seeded query rows; it grows in
    proportion to the rows kept, so the pairs grow with their square.
    """
    n = X.shape[0]
    queries = rng.choice(n, min(n, 200), replace=False)
    counts = NearestNeighbors(radius=p["eps"]).fit(X).radius_neighbors(
        X[queries], return_distance=False)
    pairs = n * float(np.mean([len(c) for c in counts]))
    if pairs <= NEIGHBOR_PAIRS_BUDGET:
        return n
    return max(2, int(n * np.sqrt(NEIGHBOR_PAIRS_BUDGET / pairs)))


MEANSHIFT_MAX_SEEDS = 1000
"""Most seeds mean shift may climb from: each costs ~2-3 ms here (20,000 seeds: 68 s)."""
SPECTRAL_RBF_ROWS = 3000
"""Rows for the dense Gaussian-kernel affinity (n x n floats, and a dense eigenproblem)."""


def meanshift_budget(X, p, rng) -> int:
    """Rows that give at most :data:`MEANSHIFT_MAX_SEEDS` seeds (every row is a seed
    without binning; with binning, a small bandwidth makes nearly every row a bin)."""
    n = X.shape[0]
    seeds = len(cluster.get_bin_seeds(X, p["bandwidth"])) if p["bin_seeding"] else n
    if seeds <= MEANSHIFT_MAX_SEEDS:
        return n
    return max(2, int(n * MEANSHIFT_MAX_SEEDS / seeds))


def spectral_budget(X, p, rng) -> int:
    return SPECTRAL_RBF_ROWS if p["affinity"] == "rbf" else X.shape[0]


BIRCH_PROBE_ROWS = 2000
GMM_WORK = 6_000_000
"""Most rows x components x restarts x (features / 2)^2 a Gaussian mixture fits in full:
about 3 s here (measured 30 s for 100,000 x 30 x 20 in 2-D)."""


def birch_budget(X, p, rng) -> int:
    """Rows that should leave at most :data:`BIRCH_MAX_SUBCLUSTERS` subclusters.

    Building the tree of a too-small threshold takes a minute at 100,000 rows before the
    subclusters can even be counted, so they are counted first on a 2,000-row sample; a
    denser full set packs more rows per subcluster, so the estimate errs on the safe side.
    """
    n = X.shape[0]
    if n <= BIRCH_PROBE_ROWS:
        return n
    probe = X[rng.choice(n, BIRCH_PROBE_ROWS, replace=False)]
    tree = cluster.Birch(threshold=p["threshold"], branching_factor=p["branching_factor"],
                         n_clusters=None).fit(probe)
    per_row = len(tree.subcluster_centers_) / BIRCH_PROBE_ROWS
    return max(2, min(n, int(BIRCH_MAX_SUBCLUSTERS / per_row)))


def gmm_budget(X, p, rng) -> int:
    units = p["n_clusters"] * p["n_init"] * max(1.0, X.shape[1] / 2) ** 2
    return max(1000, int(GMM_WORK / units))
