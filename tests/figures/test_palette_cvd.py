"""Cluster colours stay apart for colour-blind viewers (K <= 10), and every colour has a name."""

import itertools

import numpy as np
import pytest

from clustering.figures._lesson import COLOR_NAMES
from clustering.figures._style import CLUSTER_COLORS, CVD_SAFE_K, MIN_CVD_DELTA_E
from clustering.image._color import rgb_to_lab

# Machado, Oliveira & Fernandes (2009), "A Physiologically-based Model for Simulation of
# Color Vision Deficiency", severity 1.0; they act on linear RGB.
SIMULATIONS = {
    "normal": np.eye(3),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}


def _srgb(hexes) -> np.ndarray:
    return np.array([[int(h[i:i + 2], 16) for i in (1, 3, 5)] for h in hexes]) / 255.0


def _linear(c):
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _gamma(c):
    c = np.clip(c, 0.0, 1.0)
    return np.where(c <= 0.0031308, 12.92 * c, 1.055 * c ** (1 / 2.4) - 0.055)


def simulated_lab(hexes, matrix) -> np.ndarray:
    return rgb_to_lab(_gamma(_linear(_srgb(hexes)) @ matrix.T) * 255.0)


@pytest.mark.parametrize("vision", SIMULATIONS)
@pytest.mark.parametrize("k", range(2, CVD_SAFE_K + 1))
def test_first_k_cluster_colours_stay_apart(vision, k):
    lab = simulated_lab(CLUSTER_COLORS[:k], SIMULATIONS[vision])
    worst = min((float(np.linalg.norm(lab[a] - lab[b])), CLUSTER_COLORS[a], CLUSTER_COLORS[b])
                for a, b in itertools.combinations(range(k), 2))
    assert worst[0] >= MIN_CVD_DELTA_E, f"{worst[1]} and {worst[2]} under {vision}: {worst[0]:.1f}"


def test_the_simulation_is_not_the_identity():
    # A sanity check of the matrices: red and green collapse under deuteranopia.
    red_green = simulated_lab(["#D55E00", "#009E73"], SIMULATIONS["deuteranopia"])
    normal = simulated_lab(["#D55E00", "#009E73"], SIMULATIONS["normal"])
    assert np.linalg.norm(red_green[0] - red_green[1]) < np.linalg.norm(normal[0] - normal[1])


def test_every_cluster_colour_has_a_plain_name():
    assert set(CLUSTER_COLORS) <= set(COLOR_NAMES)
    assert len(set(COLOR_NAMES.values())) == len(COLOR_NAMES)
