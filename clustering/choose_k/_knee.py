"""The knee (or elbow) of a curve by the Kneedle method, written small.

Satopää, Albrecht, Irwin and Raghavan (2011), "Finding a 'Kneedle' in a Haystack": scale both
axes to [0, 1], flip the curve so it rises and bends downwards (concave increasing), and take
the point farthest above the straight line from the first point to the last. For an elbow
curve (the k-means objective against K: convex and decreasing) the flip is ``y -> 1 - y``.

The paper smooths noisy curves and uses a sensitivity threshold to accept a knee online; a
K sweep has a handful of exact points, so neither is needed here. Instead a knee is reported
only when the curve bends enough: its height above the chord (on the [0, 1] scales) must be at
least ``min_strength``; a straight line has strength 0, a sharp right angle nearly 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Knee", "find_knee"]

_CURVES = ("convex", "concave")
_DIRECTIONS = ("decreasing", "increasing")


@dataclass(frozen=True)
class Knee:
    """Where a curve bends most.

    Attributes
    ----------
    index : int
        Position of the knee in the input arrays.
    x : float
        The knee's x value (for a K sweep, the K of the elbow).
    strength : float
        Height of the knee above the chord on the normalised scales, in (0, 1]: how sharp
        the bend is (0.1 is a gentle bend, 0.5 a clear elbow).
    """

    index: int
    x: float
    strength: float


def find_knee(
    x,
    y,
    *,
    curve: str = "convex",
    direction: str = "decreasing",
    min_strength: float = 0.05,
) -> Knee | None:
    """The Kneedle knee of ``y`` against ``x``.

    Parameters
    ----------
    x : array-like of shape (m,)
        Strictly increasing.
    y : array-like of shape (m,)
        Finite values.
    curve : {"convex", "concave"}
        Shape of the curve: an objective falling with K is convex.
    direction : {"decreasing", "increasing"}
    min_strength : float, default 0.05
        Smallest height above the chord (normalised scales) accepted as a knee.

    Returns
    -------
    Knee or None
        None when there are fewer than 3 points, ``y`` is constant, or the curve does not bend
        enough (nearly straight, or bent the other way).
    """
    if curve not in _CURVES:
        raise ValueError(f"curve={curve!r} must be one of {_CURVES}")
    if direction not in _DIRECTIONS:
        raise ValueError(f"direction={direction!r} must be one of {_DIRECTIONS}")
    x = np.asarray(x, dtype=np.float64).ravel()
    y = np.asarray(y, dtype=np.float64).ravel()
    if x.shape != y.shape:
        raise ValueError(f"x has {x.size} points but y has {y.size}")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("x and y must be finite")
    if x.size and np.any(np.diff(x) <= 0):
        raise ValueError("x must be strictly increasing")
    if x.size < 3 or np.ptp(y) == 0:
        return None
    xn = (x - x[0]) / (x[-1] - x[0])
    yn = (y - y.min()) / np.ptp(y)
    # Flip to concave increasing: the knee is then the highest point above the chord y = x.
    if curve == "convex":
        yn = 1.0 - yn
    if (curve == "convex") == (direction == "increasing"):
        xn = 1.0 - xn
    return _best(yn - xn, x, min_strength)


def _best(difference: np.ndarray, x: np.ndarray, min_strength: float) -> Knee | None:
    i = int(np.argmax(difference))
    strength = float(difference[i])
    if strength < min_strength:
        return None
    return Knee(index=i, x=float(x[i]), strength=strength)
