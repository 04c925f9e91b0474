"""The lesson's computations agree with the engine: the predicted answer is the nearest
centroid, arrows start and end at recorded centres, two starts really differ."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from clustering.engine._distances import pairwise
from clustering.evaluation._metrics import METRICS
from clustering.lesson._screens import (
    EVALUATION_METRICS,
    INIT_CHOICES,
    INIT_NOTES,
    LESSON_DATASETS,
    SCREENS,
    center_moves,
    distance_lines,
    init_links,
    lesson_data,
    lesson_run,
    lesson_scores,
    predict_question,
    showcase_rows,
    step_of,
    two_starts,
)

CASES = [(name, init, seed, k) for name in LESSON_DATASETS for init in INIT_CHOICES
         for seed in (0, 3) for k in (2, 3, 5)]
IDS = [f"{n}-{i}-s{s}-k{k}" for n, i, s, k in CASES]


@pytest.fixture(scope="module")
def data():
    return {name: lesson_data(name) for name in LESSON_DATASETS}


def test_screens_are_eight_short_paragraphs():
    assert [s.number for s in SCREENS] == list(range(1, 9))
    assert len({s.key for s in SCREENS}) == 8
    for s in SCREENS:
        sentences = [p for p in s.text.replace("?", ".").split(". ") if p.strip()]
        assert 2 <= len(sentences) <= 4, (s.key, len(sentences))
        assert len(s.text) < 400, s.key
    assert set(INIT_NOTES) == set(INIT_CHOICES)


def test_lesson_data_is_small_2d_and_labeled(data):
    blobs, iris = data["blobs"], data["iris"]
    assert blobs.X.shape == (90, 2) and iris.X.shape == (150, 2)
    assert iris.feature_names == ("petal length (cm)", "petal width (cm)")
    assert len(set(blobs.true_labels)) == 3 and len(set(iris.true_labels)) == 3
    np.testing.assert_array_equal(lesson_data("blobs").X, blobs.X)  # seeded: same every time
    with pytest.raises(ValueError, match="'wine'"):
        lesson_data("wine")


def test_run_converges_strictly(data):
    run = lesson_run(data["blobs"].X, 3, "random", 0)
    h = run.history
    assert h.phase[-2:] == ("assign", "update")
    assert h.n_changed[-2] == 0 and h.center_shift[-1] == 0


@pytest.mark.parametrize(("name", "init", "seed", "k"), CASES, ids=IDS)
def test_predict_answer_is_the_nearest_centroid(data, name, init, seed, k):
    X = data[name].X
    h = lesson_run(X, k, init, seed).history
    for iteration in (1, 2):
        if iteration > h.iteration.max():
            break
        q = predict_question(X, h, iteration)
        assert h.phase[q.step] == "assign" and h.iteration[q.step] == iteration
        np.testing.assert_array_equal(q.centers, h.centers[q.step])
        D = pairwise(X[[q.row]], q.centers)[0]
        np.testing.assert_allclose(q.distances, D)
        assert q.answer == int(np.argmin(D)) == h.labels[q.step, q.row]
        np.testing.assert_array_equal(q.before, h.labels[q.step - 1])
        # Decidable by eye: the runner-up is visibly farther.
        two = np.sort(D)[:2]
        assert two[1] - two[0] > 0.02 * np.linalg.norm(np.ptp(X, axis=0))


def test_predict_question_is_stable(data):
    X = data["iris"].X
    h = lesson_run(X, 3, "k-means++", 1).history
    assert predict_question(X, h).row == predict_question(X, h).row


def test_distance_lines_for_showcase_rows(data):
    X = data["blobs"].X
    h = lesson_run(X, 3, "random", 0).history
    q = predict_question(X, h)
    rows = showcase_rows(X, q.centers, q.row, n=3)
    assert rows[0] == q.row and len(set(rows.tolist())) == 3
    lines = distance_lines(X, q.centers, rows)
    np.testing.assert_array_equal(lines.starts, X[rows])
    np.testing.assert_array_equal(lines.ends, q.centers)
    np.testing.assert_array_equal(lines.nearest, h.labels[q.step, rows])
    np.testing.assert_allclose(lines.distances, np.linalg.norm(
        X[rows][:, None, :] - q.centers[None], axis=2))


@pytest.mark.parametrize("iteration", [1, 2])
def test_arrows_start_and_end_at_history_centers(data, iteration):
    X = data["blobs"].X
    h = lesson_run(X, 3, "random", 0).history
    moves = center_moves(h, iteration)
    assert h.phase[moves.step] == "update" and h.iteration[moves.step] == iteration
    np.testing.assert_array_equal(moves.old, h.centers[moves.step - 1])
    np.testing.assert_array_equal(moves.new, h.centers[moves.step])
    # The update moves each centroid to the mean of its points.
    for j in range(3):
        np.testing.assert_allclose(moves.new[j], X[moves.labels == j].mean(axis=0))


def test_step_of_names_missing_steps(data):
    h = lesson_run(data["blobs"].X, 3, "random", 0).history
    assert step_of(h, "init", 0) == 0
    with pytest.raises(ValueError, match="iteration 99"):
        step_of(h, "update", 99)


def test_init_links_point_to_the_nearest_earlier_center():
    C = np.array([[0.0, 0.0], [10.0, 0.0], [1.0, 1.0]])
    segments, lengths = init_links(C)
    np.testing.assert_array_equal(segments[0], [[10, 0], [0, 0]])
    np.testing.assert_array_equal(segments[1], [[1, 1], [0, 0]])
    np.testing.assert_allclose(lengths, [10, np.sqrt(2)])


def test_farthest_start_links_are_the_longest_available(data):
    X = data["blobs"].X
    start = lesson_run(X, 3, "farthest", 0).history.centers[0]
    _, lengths = init_links(start)
    # Each picked centre was the point farthest from those picked before it.
    for i, length in enumerate(lengths, start=1):
        assert length == pytest.approx(pairwise(X, start[:i]).min(axis=1).max())


def test_two_starts_really_differ(data):
    X = data["blobs"].X
    pair = two_starts(X, 3, "random", 0)
    a, b = pair.runs
    assert pair.differ and pair.seeds[0] != pair.seeds[1]
    assert not np.allclose(a.history.centers[0], b.history.centers[0])
    assert a.inertia < b.inertia
    assert pair.agreement == pytest.approx(adjusted_rand_score(a.labels, b.labels))
    assert pair.agreement < 0.99
    # Each is the run of its own seed.
    np.testing.assert_array_equal(a.labels, lesson_run(X, 3, "random", pair.seeds[0]).labels)


def test_two_starts_says_when_every_start_agrees():
    X = np.array([[0.0, 0.0], [0.1, 0.0], [10.0, 0.0], [10.1, 0.0]])
    pair = two_starts(X, 2, "k-means++", 0, n_tries=3)
    assert not pair.differ and pair.agreement == pytest.approx(1.0)
    with pytest.raises(ValueError, match="n_tries=1"):
        two_starts(X, 2, "random", n_tries=1)


def test_lesson_scores_are_the_evaluation_metrics(data):
    d = data["iris"]
    run = lesson_run(d.X, 3, "k-means++", 0)
    scores = lesson_scores(d.X, run.labels, d.true_labels, run.inertia)
    assert tuple(scores) == EVALUATION_METRICS
    assert [METRICS[k].needs_labels for k in scores] == [True] * 5 + [False]
    assert all(v is not None and -1 <= v <= 1 for v in scores.values())
    assert scores["ari"] == pytest.approx(adjusted_rand_score(d.true_labels, run.labels))


def test_assign_steps_are_the_runs_assign_steps_with_lines_to_their_centroids(data):
    from clustering.lesson._screens import assign_steps

    X = data["blobs"].X
    history = lesson_run(X, 3, "random", 0).history
    row = predict_question(X, history).row
    steps = assign_steps(X, history, row)
    assert [a.step for a in steps] == [s for s, p in enumerate(history.phase) if p == "assign"]
    for a in steps:
        np.testing.assert_array_equal(a.centers, history.centers[a.step])
        np.testing.assert_array_equal(a.labels, history.labels[a.step])
        assert a.lines.rows[0] == row
        np.testing.assert_array_equal(a.lines.nearest, a.labels[a.lines.rows])


def test_update_steps_are_every_iterations_moves(data):
    from clustering.lesson._screens import update_steps

    history = lesson_run(data["blobs"].X, 3, "random", 0).history
    moves = update_steps(history)
    assert [m.step for m in moves] == [s for s, p in enumerate(history.phase) if p == "update"]
    for m in moves:
        np.testing.assert_array_equal(m.new, history.centers[m.step])
        np.testing.assert_array_equal(m.old, history.centers[m.step - 1])
