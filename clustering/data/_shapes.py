"""Seeded 2-D point generators behind the synthetic datasets.

Every generator has the signature ``(n, noise, rng) -> (X, labels)`` where ``X`` is an
ndarray of shape (n, 2), ``labels`` an ndarray of shape (n,) of readable class names (or
None when the data has no ground truth), ``noise`` the dataset's noise setting (its meaning
is documented per generator) and ``rng`` a ``numpy.random.RandomState``.

Prior validation is assumed: ``n`` is an int at least the number of parts of the shape,
``noise`` is a finite float >= 0, ``rng`` comes from ``sklearn.utils.check_random_state``.
Rows are shuffled so that no class sits in a contiguous block of the table.

The teaching shapes (smiley, pimpled smiley, density bars, packed circles, rings, gaussian
mixture) follow the ones in Naftali Harris's k-means and DBSCAN visualisers; the blob
variants follow scikit-learn's "Demonstration of k-means assumptions" gallery example.
"""

from __future__ import annotations

import numpy as np
from sklearn.datasets import make_blobs, make_circles, make_moons


def split_counts(n: int, weights) -> np.ndarray:
    """Split ``n`` points into parts proportional to ``weights``, each part at least 1.

    Largest-remainder rounding, so the counts always sum to ``n``.

    Parameters
    ----------
    n : int, >= len(weights)
    weights : array-like of shape (p,), positive

    Returns
    -------
    counts : ndarray of shape (p,) int
    """
    w = np.asarray(weights, dtype=float)
    exact = n * w / w.sum()
    counts = np.floor(exact).astype(int)
    counts[np.argsort(-(exact - counts), kind="stable")[: n - counts.sum()]] += 1
    # Tiny n must never leave a part (an eye, a ring) empty: borrow from the largest part.
    for i in np.flatnonzero(counts == 0):
        counts[np.argmax(counts)] -= 1
        counts[i] = 1
    return counts


def _finish(parts: list[tuple[np.ndarray, str]], noise: float, rng) -> tuple:
    """Stack (points, name) parts, add Gaussian jitter of std ``noise``, shuffle rows."""
    X = np.vstack([pts for pts, _ in parts])
    y = np.concatenate([np.full(len(pts), name, dtype=object) for pts, name in parts])
    if noise > 0:
        X = X + rng.normal(scale=noise, size=X.shape)
    order = rng.permutation(len(X))
    return X[order], y[order]


def _disk(n: int, center, radius: float, rng) -> np.ndarray:
    # sqrt of a uniform radius gives uniform density over the disk's area.
    r = radius * np.sqrt(rng.uniform(size=n))
    t = rng.uniform(0, 2 * np.pi, size=n)
    return np.column_stack([center[0] + r * np.cos(t), center[1] + r * np.sin(t)])


def _arc(n: int, center, radius: float, start: float, stop: float, rng) -> np.ndarray:
    t = rng.uniform(start, stop, size=n)
    return np.column_stack([center[0] + radius * np.cos(t), center[1] + radius * np.sin(t)])


def _annulus(n: int, r_in: float, r_out: float, rng) -> np.ndarray:
    r = np.sqrt(rng.uniform(r_in**2, r_out**2, size=n))
    t = rng.uniform(0, 2 * np.pi, size=n)
    return np.column_stack([r * np.cos(t), r * np.sin(t)])


def _named(y: np.ndarray, names: list[str]) -> np.ndarray:
    return np.asarray(names, dtype=object)[y]


def _separated_means(k: int, half_width: float, min_dist: float, rng) -> np.ndarray:
    """k points uniform in [-half_width, half_width]^2, pairwise at least ``min_dist`` apart.

    Rejection sampling with a bounded number of tries (callers leave ample room); if the
    tries run out the last means are accepted as drawn rather than looping forever.
    """
    means = [rng.uniform(-half_width, half_width, size=2)]
    for _ in range(1000):
        if len(means) == k:
            break
        m = rng.uniform(-half_width, half_width, size=2)
        if min(np.hypot(*(m - q)) for q in means) >= min_dist:
            means.append(m)
    while len(means) < k:  # pragma: no cover - only if the tries above ran out
        means.append(rng.uniform(-half_width, half_width, size=2))
    return np.array(means)


# --- scikit-learn style sets ---------------------------------------------------------------
# make_blobs draws its own centres anywhere in a box, which for some seeds puts two blobs on
# top of each other; the "easy case" must stay easy, so centres are drawn well apart first.


def blobs(n, noise, rng):
    """Three isotropic Gaussian blobs; ``noise`` is each blob's standard deviation."""
    centers = _separated_means(3, 10, 7, rng)
    X, y = make_blobs(n_samples=n, centers=centers, cluster_std=noise, random_state=rng)
    return X, _named(y, ["blob 1", "blob 2", "blob 3"])


def anisotropic(n, noise, rng):
    """Three blobs sheared by a fixed linear map (scikit-learn gallery); ``noise`` = blob std."""
    centers = _separated_means(3, 10, 7, rng)
    X, y = make_blobs(n_samples=n, centers=centers, cluster_std=noise, random_state=rng)
    X = X @ np.array([[0.6, -0.6], [-0.4, 0.8]])
    return X, _named(y, ["blob 1", "blob 2", "blob 3"])


def unequal_variance(n, noise, rng):
    """Three blobs with standard deviations ``noise`` x (1, 2.5, 0.5)."""
    centers = _separated_means(3, 10, 8, rng)
    stds = [noise, 2.5 * noise, 0.5 * noise]
    X, y = make_blobs(n_samples=n, centers=centers, cluster_std=stds, random_state=rng)
    return X, _named(y, ["medium blob", "wide blob", "tight blob"])


def unequal_size(n, noise, rng):
    """Three blobs holding 500 : 100 : 10 of the points; ``noise`` = blob std."""
    counts = split_counts(n, [500, 100, 10])
    centers = _separated_means(3, 10, 7, rng)
    X, y = make_blobs(n_samples=counts, centers=centers, cluster_std=noise, random_state=rng)
    return X, _named(y, ["large blob", "medium blob", "small blob"])


def moons(n, noise, rng):
    """Two interleaving half circles; ``noise`` = std of the Gaussian jitter."""
    X, y = make_moons(n_samples=n, noise=noise or None, random_state=rng)
    return X, _named(y, ["upper moon", "lower moon"])


def circles(n, noise, rng):
    """A small circle inside a large one (radius ratio 0.5); ``noise`` = jitter std."""
    X, y = make_circles(n_samples=n, noise=noise or None, factor=0.5, random_state=rng)
    return X, _named(y, ["outer circle", "inner circle"])


def uniform(n, noise, rng):
    """Points uniform on the unit square: no structure, so no truth. ``noise`` is unused."""
    return rng.uniform(size=(n, 2)), None


# --- Naftali Harris style teaching shapes --------------------------------------------------

_SMILEY_WEIGHTS = {"face outline": 0.5, "left eye": 0.125, "right eye": 0.125, "mouth": 0.25}


def _smiley_parts(counts, rng):
    c = counts
    return [
        (_arc(c[0], (0, 0), 1.0, 0, 2 * np.pi, rng), "face outline"),
        (_disk(c[1], (-0.35, 0.35), 0.12, rng), "left eye"),
        (_disk(c[2], (0.35, 0.35), 0.12, rng), "right eye"),
        (_arc(c[3], (0, 0.05), 0.5, 1.15 * np.pi, 1.85 * np.pi, rng), "mouth"),
    ]


def smiley(n, noise, rng):
    """A face outline (radius 1), two eyes and a mouth arc; ``noise`` = jitter std.

    Classes are far from round, so k-means splits the outline across the eyes and mouth.
    """
    counts = split_counts(n, list(_SMILEY_WEIGHTS.values()))
    return _finish(_smiley_parts(counts, rng), noise, rng)


_PIMPLES = [(-0.62, -0.05), (0.62, -0.05), (0.0, 0.05), (-0.25, 0.72), (0.3, 0.7)]


def pimpled_smiley(n, noise, rng):
    """The smiley plus five small, very dense "pimples" on the face; ``noise`` = jitter std.

    A fifth of the points sit in the pimples (classes ``pimple 1`` ... ``pimple 5``): tight
    clusters that pull centres away from the larger but sparser features.
    """
    weights = [0.8 * w for w in _SMILEY_WEIGHTS.values()] + [0.2 / len(_PIMPLES)] * len(_PIMPLES)
    counts = split_counts(n, weights)
    parts = _smiley_parts(counts[:4], rng)
    for i, (center, m) in enumerate(zip(_PIMPLES, counts[4:], strict=True), start=1):
        parts.append((_disk(m, center, 0.04, rng), f"pimple {i}"))
    return _finish(parts, noise, rng)


def density_bars(n, noise, rng):
    """Three side-by-side vertical bars of equal size but densities 1 : 2 : 4.

    ``noise`` = jitter std. Bars are 1 wide, 3 tall, with gaps of 0.3.
    """
    c = split_counts(n, [1, 2, 4])
    parts = []
    for i, (m, name) in enumerate(zip(c, ["sparse bar", "medium bar", "dense bar"], strict=True)):
        x0 = i * 1.3
        pts = np.column_stack([rng.uniform(x0, x0 + 1, size=m), rng.uniform(0, 3, size=m)])
        parts.append((pts, name))
    return _finish(parts, noise, rng)


def packed_circles(n, noise, rng):
    """Seven equal disks (radius 1) in a hexagonal packing, almost touching.

    ``noise`` = jitter std. Equal-sized round clusters: the case k-means handles well,
    provided the initial centres are spread out.
    """
    angles = np.arange(6) * np.pi / 3
    centers = [(0.0, 0.0)] + [(2.1 * np.cos(a), 2.1 * np.sin(a)) for a in angles]
    c = split_counts(n, [1] * len(centers))
    parts = [
        (_disk(m, ctr, 1.0, rng), f"circle {i}")
        for i, (m, ctr) in enumerate(zip(c, centers, strict=True), start=1)
    ]
    return _finish(parts, noise, rng)


def rings(n, noise, rng):
    """Three concentric rings (radii 1, 2, 3, width 0.3), points shared by circumference.

    ``noise`` = jitter std. No centre-based method can separate nested rings.
    """
    radii = [1.0, 2.0, 3.0]
    c = split_counts(n, radii)
    names = ["inner ring", "middle ring", "outer ring"]
    parts = [
        (_annulus(m, r - 0.15, r + 0.15, rng), name)
        for m, r, name in zip(c, radii, names, strict=True)
    ]
    return _finish(parts, noise, rng)


def gaussian_mixture(n, noise, rng):
    """Four Gaussians with random means, elongations, orientations and weights.

    ``noise`` scales every component's standard deviations (1 = the default spread).
    Means are drawn in [-6, 6]^2 at least 3 apart; weights are at least 10% each.
    """
    k = 4
    means = _separated_means(k, 6, 3, rng)
    weights = 0.1 + 0.6 * rng.dirichlet(np.ones(k))
    c = split_counts(n, weights)
    parts = []
    for i, (m, mean) in enumerate(zip(c, means, strict=True), start=1):
        theta = rng.uniform(0, np.pi)
        rot = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
        scales = noise * rng.uniform(0.4, 1.2, size=2)
        pts = rng.normal(size=(m, 2)) * scales @ rot.T + mean
        parts.append((pts, f"component {i}"))
    return _finish(parts, 0.0, rng)
