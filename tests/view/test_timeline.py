"""The timeline's computations: step counting, honest titles, member means, strips, drops."""

import numpy as np
import pytest

from clustering.engine import kmeans
from clustering.view import (
    FINAL_PHASE,
    STRIP_TITLE,
    axis_titles,
    converged,
    display_steps,
    drawable_run,
    fit_projection,
    is_strip,
    lift_point,
    member_means,
    replay_inputs,
    stop_reason,
)


def test_the_re_assign_after_a_tolerance_stop_is_the_last_iterations_final_step():
    phases = ("init", "assign", "update", "assign", "update", "assign")
    phase, iteration = display_steps(phases, [0, 1, 1, 2, 2, 3], n_iter=2)
    assert phase[-1] == FINAL_PHASE and iteration[-1] == 2
    assert phase[:-1] == phases[:-1]


def test_a_strictly_converged_run_is_left_as_recorded():
    phases = ("init", "assign", "update", "assign", "update")
    phase, iteration = display_steps(phases, [0, 1, 1, 2, 2], n_iter=2)
    assert phase == phases and iteration.tolist() == [0, 1, 1, 2, 2]


def test_a_real_run_ends_on_its_iteration_count():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(c, 1.0, size=(50, 2)) for c in (0, 4, 8)])
    for tol in (0.0, 1e-1):
        result = kmeans(X, 3, init="random", random_state=2, tol=tol)
        _, iteration = display_steps(result.history.phase, result.history.iteration,
                                     result.n_iter)
        assert iteration[-1] == result.n_iter


@pytest.fixture(scope="module")
def four_features():
    rng = np.random.default_rng(1)
    return rng.normal(size=(60, 4))


NAMES = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width"]


def test_scaled_feature_axes_say_so(four_features):
    view = fit_projection(four_features, method="features", features=[2, 3],
                          feature_names=NAMES)
    assert axis_titles(view, "standard") == ["petal length (z-score)", "petal width (z-score)"]
    assert axis_titles(view, "minmax") == ["petal length (scaled 0 to 1)",
                                           "petal width (scaled 0 to 1)"]
    assert axis_titles(view, "none") == ["petal length (cm)", "petal width"]


def test_pca_axes_keep_their_variance_share(four_features):
    view = fit_projection(four_features, method="pca", feature_names=NAMES)
    assert axis_titles(view, "standard") == view.axis_titles


def test_one_feature_is_a_strip(four_features):
    view = fit_projection(four_features[:, :1], method="features", feature_names=NAMES[:1])
    assert is_strip(view)
    assert axis_titles(view, "standard") == ["sepal length (z-score)", STRIP_TITLE]
    result = kmeans(four_features[:, :1], 2, random_state=0)
    inputs = replay_inputs(four_features[:, :1], drawable_run(result), view,
                           hover_text=[[""]] * 60)
    assert inputs.strip and inputs.ranges[1] == (-1.0, 1.0)
    assert np.ptp(inputs.points[:, 1]) > 0.5  # spread out
    np.testing.assert_array_equal(inputs.centers[..., 1], 0.0)  # centres on the midline
    again = replay_inputs(four_features[:, :1], drawable_run(result), view,
                          hover_text=[[""]] * 60)
    np.testing.assert_array_equal(again.points, inputs.points)  # the same spread every time


def test_member_means_follow_the_labels():
    points = np.array([[0.0, 0.0], [2.0, 0.0], [10.0, 10.0]])
    labels = np.array([[-1, -1, -1], [0, 0, 1], [0, 1, 1]])
    means = member_means(points, labels, 3)
    assert np.isnan(means[0]).all()
    np.testing.assert_allclose(means[1, 0], [1.0, 0.0])
    np.testing.assert_allclose(means[1, 1], [10.0, 10.0])
    assert np.isnan(means[1, 2]).all()
    np.testing.assert_allclose(means[2, 1], [6.0, 5.0])


def test_a_centre_dropped_where_it_is_does_not_move(four_features):
    for method in ("pca", "features"):
        view = fit_projection(four_features, method=method, features=[1, 3])
        center = four_features[5]
        np.testing.assert_allclose(lift_point(view, center, view.transform(center)), center,
                                   atol=1e-12)


def test_a_dropped_centre_lands_under_the_cursor_and_keeps_what_is_not_shown(four_features):
    pca = fit_projection(four_features, method="pca")
    center = four_features[7]
    lifted = lift_point(pca, center, [1.5, -0.5])
    np.testing.assert_allclose(pca.transform(lifted), [1.5, -0.5], atol=1e-12)
    off_plane = lambda c: (c - pca.mean) - pca.transform(c) @ pca.components  # noqa: E731
    np.testing.assert_allclose(off_plane(lifted), off_plane(center), atol=1e-12)
    raw = fit_projection(four_features, method="features", features=[1, 3])
    moved = lift_point(raw, center, [9.0, 8.0])
    assert moved[1] == 9.0 and moved[3] == 8.0
    assert moved[0] == center[0] and moved[2] == center[2]


def test_a_drop_needs_a_2d_view(four_features):
    view3 = fit_projection(four_features, method="pca", n_components=3)
    with pytest.raises(ValueError, match="2-D"):
        lift_point(view3, four_features[0], [0.0, 0.0])


def test_stop_reason_names_what_ended_the_run():
    assert stop_reason(("init", "assign", "update"), 1, 100) == (
        "converged: no point changed cluster")
    assert stop_reason(("init", "assign", "update", "assign"), 1, 100) == (
        "converged: the centres moved less than the tolerance")
    assert stop_reason(("init", "assign", "update", "assign"), 3, 3) == (
        "stopped at the iteration cap (max_iter=3)")
    with pytest.raises(ValueError, match="phase is empty"):
        stop_reason((), 0, 100)
    assert converged(("init", "assign", "update"), 3, 3)  # an update that changed nothing
    assert not converged(("init", "assign", "update", "assign"), 3, 3)


def test_stop_reason_of_real_runs():
    X = np.random.default_rng(0).normal(size=(300, 2))
    capped = kmeans(X, 5, init="random", max_iter=1, random_state=0, tol=0)
    assert stop_reason(drawable_run(capped).phase, capped.n_iter, 1).startswith("stopped at")
    free = kmeans(X, 5, init="random", max_iter=300, random_state=0, tol=0)
    assert stop_reason(drawable_run(free).phase, free.n_iter, 300).startswith("converged")
