"""continue_kmeans: a run goes on from centres the user moved, recorded as a "move" step."""

import numpy as np
import pytest

from clustering.engine import MOVE_PHASE, apply_moves, continue_kmeans, kmeans
from clustering.engine import _history as history_module


@pytest.fixture(scope="module")
def blobs():
    rng = np.random.default_rng(0)
    centers = np.array([[0.0, 0.0], [6.0, 0.0], [0.0, 6.0]])
    return np.vstack([c + rng.normal(size=(40, 2)) for c in centers])


@pytest.mark.parametrize("distance", ["euclidean", "manhattan", "cosine"])
def test_continuing_from_the_init_step_is_a_fresh_run_from_those_centres(blobs, distance):
    X = blobs + 10.0  # away from the origin, for cosine
    base = kmeans(X, 3, init="random", distance=distance, random_state=1, tol=0)
    start = base.history.centers[0]
    cont = continue_kmeans(X, base, 0, start, distance=distance, tol=0)
    fresh = kmeans(X, 3, init=start, distance=distance, tol=0)
    np.testing.assert_array_equal(cont.labels, fresh.labels)
    np.testing.assert_allclose(cont.centers, fresh.centers, atol=1e-12)
    assert cont.inertia == pytest.approx(fresh.inertia, rel=1e-12)
    h, f = cont.history, fresh.history
    assert h.phase == ("init", MOVE_PHASE, *f.phase[1:])
    np.testing.assert_array_equal(h.iteration[2:], f.iteration[1:])
    np.testing.assert_allclose(h.centers[2:], f.centers[1:], atol=1e-12)
    assert cont.n_iter == fresh.n_iter


def test_a_move_mid_run_keeps_the_prefix_and_counts_iterations_on(blobs):
    base = kmeans(blobs, 3, init="random", random_state=3, tol=0)
    h = base.history
    step = 3  # assign of iteration 2
    moved = h.centers[step].copy()
    moved[1] = [20.0, 20.0]
    cont = continue_kmeans(blobs, base, step, moved, tol=0)
    c = cont.history
    assert c.phase[: step + 1] == h.phase[: step + 1]
    np.testing.assert_array_equal(c.labels[: step + 1], h.labels[: step + 1])
    np.testing.assert_array_equal(c.centers[: step + 1], h.centers[: step + 1])
    assert c.phase[step + 1] == MOVE_PHASE
    np.testing.assert_array_equal(c.centers[step + 1], moved)
    np.testing.assert_array_equal(c.labels[step + 1], h.labels[step])
    labels = h.labels[step].astype(int)
    expected = ((blobs - moved[labels]) ** 2).sum()
    assert c.objective[step + 1] == pytest.approx(expected, rel=1e-12)
    # Iterations go on from the moved step's iteration (2): the next assign is the 3rd.
    assert c.phase[step + 2] == "assign" and c.iteration[step + 2] == h.iteration[step] + 1
    assert cont.n_iter == int(c.iteration[-1])
    # The last step holds the final labels and centres.
    np.testing.assert_array_equal(c.labels[-1], cont.labels)
    np.testing.assert_allclose(c.centers[-1], cont.centers, atol=1e-12)


def test_moves_chain(blobs):
    base = kmeans(blobs, 3, init="random", random_state=3)
    first = continue_kmeans(blobs, base, 2, base.history.centers[2] + 1.0)
    second = continue_kmeans(blobs, first, 5, first.history.centers[5] - 1.0)
    assert second.history.phase.count(MOVE_PHASE) == 2
    assert second.history.phase[3] == MOVE_PHASE and second.history.phase[6] == MOVE_PHASE


def test_a_sampled_history_keeps_its_rows(blobs, monkeypatch):
    monkeypatch.setattr(history_module, "LABEL_BUDGET_BYTES", 400)
    base = kmeans(blobs, 3, init="random", random_state=0)
    rows = base.history.label_rows
    assert rows is not None
    cont = continue_kmeans(blobs, base, 2, base.history.centers[2])
    np.testing.assert_array_equal(cont.history.label_rows, rows)
    assert np.isnan(cont.history.objective[3])  # not every row's label is known
    np.testing.assert_array_equal(cont.history.labels[-1], cont.labels[rows])


@pytest.mark.parametrize("kwargs, message", [
    ({"step": 99}, "step=99"),
    ({"centers": np.zeros((2, 2))}, "shape"),
    ({"centers": np.full((3, 2), np.nan)}, "finite"),
    ({"distance": "chebyshev"}, "distance"),
])
def test_bad_arguments_say_what_is_wrong(blobs, kwargs, message):
    base = kmeans(blobs, 3, random_state=0)
    args = {"step": 1, "centers": base.history.centers[1], **kwargs}
    with pytest.raises(ValueError, match=message):
        continue_kmeans(blobs, base, args.pop("step"), args.pop("centers"), **args)


def test_no_history_is_refused(blobs):
    base = kmeans(blobs, 3, random_state=0, history=False)
    with pytest.raises(ValueError, match="history"):
        continue_kmeans(blobs, base, 0, np.zeros((3, 2)))


def test_apply_moves_is_the_chain_of_continuations(blobs):
    base = kmeans(blobs, 3, init="random", random_state=3)
    chained = continue_kmeans(blobs, base, 2, np.vstack([[9.0, 9.0], base.history.centers[2][1:]]))
    applied = apply_moves(blobs, base, [(2, 0, (9.0, 9.0))])
    np.testing.assert_array_equal(applied.labels, chained.labels)
    assert applied.history.phase == chained.history.phase
    assert apply_moves(blobs, base, []) is base


@pytest.mark.parametrize("move, message", [
    ((99, 0, (0.0, 0.0)), "step 99"),
    ((1, 7, (0.0, 0.0)), "centre 7"),
    ((1, 0, (0.0,)), "1 coordinates for 2"),
])
def test_a_move_that_does_not_fit_says_why(blobs, move, message):
    base = kmeans(blobs, 3, random_state=0)
    with pytest.raises(ValueError, match=message):
        apply_moves(blobs, base, [move])
