"""Kneedle on curves whose knee is known."""

from __future__ import annotations

import numpy as np
import pytest

from clustering.choose_k._knee import find_knee


def _elbow(k: np.ndarray, at: int) -> np.ndarray:
    """Two straight pieces, steep up to ``at`` then gentle: the bend is exactly at ``at``."""
    return np.where(k <= at, 1000.0 - 200.0 * (k - 1), 1000.0 - 200.0 * (at - 1) - 5.0 * (k - at))


@pytest.mark.parametrize("at", [2, 3, 4, 5, 6])
def test_piecewise_elbow_is_found(at):
    k = np.arange(1, 11)
    knee = find_knee(k, _elbow(k, at))
    assert knee is not None and knee.x == at and knee.index == at - 1


def test_right_angle_is_strong_and_a_line_has_no_knee():
    x = np.arange(1, 11)
    corner = find_knee(x, np.r_[100.0, np.zeros(9)])
    assert corner is not None and corner.x == 2 and corner.strength > 0.85
    assert find_knee(x, 50.0 - 3.0 * x) is None
    assert find_knee(x, np.full(10, 7.0)) is None
    assert find_knee([1, 2], [5.0, 1.0]) is None


def test_one_over_x_matches_the_paper_example():
    # Satopaa et al. (2011), figure 1: y = 1/x on [0.1, 1]; the Kneedle knee lies where the
    # curve is farthest from its chord, at x = sqrt(0.1) ~ 0.316.
    x = np.linspace(0.1, 1.0, 91)
    knee = find_knee(x, 1.0 / x)
    assert knee is not None and knee.x == pytest.approx(np.sqrt(0.1), abs=0.011)


@pytest.mark.parametrize(
    ("curve", "direction", "y"),
    [
        ("concave", "increasing", lambda x: np.minimum(x, 3) * 10.0),
        ("convex", "decreasing", lambda x: np.maximum(3 - x, 0) * 10.0),
        ("convex", "increasing", lambda x: np.maximum(x - 7, 0) * 10.0),
        ("concave", "decreasing", lambda x: np.minimum(7 - x, 0) * 10.0),
    ],
    ids=["concave-increasing", "convex-decreasing", "convex-increasing", "concave-decreasing"],
)
def test_every_orientation(curve, direction, y):
    x = np.arange(0, 11, dtype=float)
    knee = find_knee(x, y(x), curve=curve, direction=direction)
    assert knee is not None
    expected = {"concave-increasing": 3, "convex-decreasing": 3, "convex-increasing": 7,
                "concave-decreasing": 7}[f"{curve}-{direction}"]
    assert knee.x == expected


def test_noisy_exponential_decay_knee_is_near_the_bend():
    rng = np.random.default_rng(0)
    k = np.arange(1, 16)
    y = 100 * np.exp(-(k - 1) / 1.5) + 5 + rng.normal(0, 0.3, k.size)
    knee = find_knee(k, y)
    assert knee is not None and 2 <= knee.x <= 5


def test_bad_input_is_refused_with_the_values():
    with pytest.raises(ValueError, match="curve='wavy'"):
        find_knee([1, 2, 3], [3, 2, 1], curve="wavy")
    with pytest.raises(ValueError, match="direction='up'"):
        find_knee([1, 2, 3], [3, 2, 1], direction="up")
    with pytest.raises(ValueError, match="strictly increasing"):
        find_knee([1, 1, 3], [3, 2, 1])
    with pytest.raises(ValueError, match="x has 3 points but y has 2"):
        find_knee([1, 2, 3], [3, 2])
    with pytest.raises(ValueError, match="finite"):
        find_knee([1, 2, 3], [3, np.nan, 1])
