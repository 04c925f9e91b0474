"""Nearest-centre grids: hand-checked half-planes, metric differences, shapes and errors."""

from __future__ import annotations

import numpy as np
import pytest

from clustering.view._regions import RegionGrid, region_grid, region_grids


def test_two_centers_split_the_plane_in_half():
    g = region_grid(np.array([[-1.0, 0.0], [1.0, 0.0]]), "euclidean", (-2, 2), (-2, 2), 40)
    assert isinstance(g, RegionGrid)
    assert g.z.shape == (40, 40)
    expected = np.broadcast_to((g.x > 0).astype(int), (40, 40))
    np.testing.assert_array_equal(g.z, expected)


def test_rows_follow_y_and_columns_follow_x():
    g = region_grid(np.array([[0.0, -1.0], [0.0, 1.0]]), "euclidean", (-2, 2), (-2, 2), 10)
    np.testing.assert_array_equal(g.z[:, 0], (g.y > 0).astype(int))
    assert np.all(np.diff(g.x) > 0) and np.all(np.diff(g.y) > 0)
    assert g.x[0] > -2 and g.x[-1] < 2  # cell centres, inside the range


def reference(centers, x, y, metric):
    gx, gy = np.meshgrid(x, y)
    diff = np.stack([gx, gy], axis=-1)[:, :, None, :] - centers[None, None]
    if metric == "euclidean":
        dist = np.sqrt((diff**2).sum(-1))
    else:
        dist = np.abs(diff).sum(-1)
    return dist.argmin(-1)


def test_manhattan_regions_differ_from_euclidean():
    # Centres on a diagonal: the L1 bisector has a 45-degree middle part and axis-parallel
    # arms, the L2 bisector is one straight line, so some cells change sides.
    centers = np.array([[0.0, 0.0], [2.0, 1.0]])
    e = region_grid(centers, "euclidean", (-1, 3), (-2, 3), 60)
    m = region_grid(centers, "manhattan", (-1, 3), (-2, 3), 60)
    np.testing.assert_array_equal(e.z, reference(centers, e.x, e.y, "euclidean"))
    np.testing.assert_array_equal(m.z, reference(centers, m.x, m.y, "manhattan"))
    assert (e.z != m.z).any()


def test_cosine_splits_by_angle_and_leaves_the_origin_unlabeled():
    g = region_grid(np.array([[1.0, 0.0], [0.0, 1.0]]), "cosine", (-1, 1), (-1, 1), 3)
    # Cell centres are -2/3, 0, 2/3: the middle cell is the origin.
    assert g.z[1, 1] == -1
    assert g.z[1, 2] == 0 and g.z[2, 1] == 1


def test_ties_go_to_the_lowest_center():
    g = region_grid(np.array([[1.0, 1.0], [1.0, 1.0]]), "euclidean", (0, 2), (0, 2), 5)
    assert (g.z == 0).all()


def test_region_grids_one_per_step_and_shared_when_centers_stay():
    c0 = np.array([[0.0, 0.0], [1.0, 1.0]])
    c1 = c0 + 0.5
    history = np.stack([c0, c0, c1, c1])
    grids = region_grids(history, "euclidean", (-1, 2), (-1, 2), resolution=8)
    assert len(grids) == 4
    assert grids[1] is grids[0] and grids[3] is grids[2] and grids[2] is not grids[1]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"centers": np.zeros((2, 3))}, r"shape \(k, 2\)"),
        ({"x_range": (1, 1)}, r"x_range=\(1.0, 1.0\)"),
        ({"y_range": (0, np.nan)}, "y_range"),
        ({"resolution": 1}, "resolution=1"),
        ({"metric": "chebyshev"}, "chebyshev"),
    ],
    ids=["centers", "x-range", "y-range", "resolution", "metric"],
)
def test_bad_arguments_raise_with_values(kwargs, message):
    args = {"centers": np.zeros((2, 2)), "metric": "euclidean", "x_range": (0, 1),
            "y_range": (0, 1), "resolution": 4} | kwargs  # fmt: skip
    with pytest.raises(ValueError, match=message):
        region_grid(**args)


def test_region_grids_checks_the_history_shape():
    with pytest.raises(ValueError, match=r"\(n_steps, k, 2\)"):
        region_grids(np.zeros((3, 2)), "euclidean", (0, 1), (0, 1))
