"""The run as one timeline: scatter, paths, objective cursor and caption on the same frames."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from clustering.figures import PRESENTATION_STYLE, timeline_figure
from clustering.figures._animation import UPDATE_CAPTION, step_caption
from clustering.figures._style import CLUSTER_SYMBOLS
from tests.figures.test_figures import HOSTILE, all_strings, make_run


def build(d=2, k=3, m=12, **kw):
    points, labels, centers, phases, iterations, objective, titles, ranges = make_run(d, k, m)
    kw.setdefault("axis_titles", titles)
    kw.setdefault("ranges", ranges)
    return timeline_figure(points, labels, centers, phases, iterations, objective, **kw)


def meta(fig) -> dict:
    return fig.layout.meta["timeline"]


def cursor(fig, frame: int):
    """The objective cursor's x and ring value in frame ``frame``."""
    f = fig.frames[frame]
    at = meta(fig)["cursor"]
    line = f.data[f.traces.index(at[0])]
    ring = f.data[f.traces.index(at[1])]
    return line.x[0], ring.y[0]


@pytest.mark.parametrize("d", [2, 3], ids=["2d", "3d"])
def test_every_frame_moves_scatter_cursor_and_caption_together(d):
    fig = build(d=d)
    go.Figure(fig.to_dict())  # valid plotly
    points, labels, _, phases, iterations, objective, _, _ = make_run(d)
    assert len(fig.frames) == len(phases)
    for s, frame in enumerate(fig.frames):
        assert frame.name == str(s)
        # the caption counts half-steps from 0, like the objective panel's x axis
        assert frame.layout.title.text.startswith(f"<b>Step {s} of {len(phases) - 1}</b>")
        assert f"iteration {iterations[s]}" in frame.layout.title.text
        x, value = cursor(fig, s)
        assert x == s
        assert (value is None) if np.isnan(objective[s]) else value == objective[s]
        np.testing.assert_array_equal(frame.data[0].marker.color, labels[s])


def test_the_objective_panel_counts_steps_and_keeps_its_ranges():
    fig = build()
    layout = fig.layout
    assert tuple(layout.xaxis2.range) == (-0.5, 4.5)
    assert layout.xaxis2.autorange is False and layout.yaxis2.autorange is False
    lo, hi = layout.yaxis2.range
    assert lo < 7.0 and hi > 10.0
    curve = next(t for t in fig.data if t.name == "objective")
    assert list(curve.x) == [1.0, 2.0, 3.0, 4.0]  # the init step has no objective


def test_the_update_caption_names_the_centre_rule():
    fig = build(center_rule="median")
    assert "median of its points" in fig.frames[2].layout.title.text
    assert step_caption(2, 4, "update", 1, "normalized-mean").endswith(
        UPDATE_CAPTION["normalized-mean"])
    assert "final assign" in step_caption(5, 5, "final", 2)
    assert "moved a centre" in step_caption(3, 9, "move", 1)


def test_the_last_note_and_start_step():
    fig = build(last_note="converged: no point changed cluster", start_step=1)
    assert fig.frames[-1].layout.title.text.endswith("converged: no point changed cluster")
    assert meta(fig)["start"] == 1
    assert fig.layout.title.text == fig.frames[1].layout.title.text


def test_shapes_carry_the_cluster_when_class_shapes_are_off():
    points, labels, *_ = make_run()
    fig = build(true_labels=np.array(["a", "b"] * 6), shapes="cluster")
    for s, frame in enumerate(fig.frames):
        symbols = frame.data[0].marker.symbol
        expected = ["circle" if j < 0 else CLUSTER_SYMBOLS[j % len(CLUSTER_SYMBOLS)]
                    for j in labels[s]]
        assert list(symbols) == expected
    assert meta(fig)["symbols"][1:] == list(CLUSTER_SYMBOLS[:3])
    by_class = build(true_labels=np.array(["a", "b"] * 6), shapes="class")
    assert by_class.frames[1].data[0].marker.symbol is None  # fixed shapes, not per step
    assert meta(by_class)["symbols"] is None


def test_member_means_draw_the_centroids_among_their_points():
    points, labels, centers, *_ = make_run()
    means = centers + 5.0
    fig = build(member_means=means)
    names = [t.name for t in fig.data]
    assert "centres as computed" in names
    centroids = fig.data[meta(fig)["centroids"]]
    np.testing.assert_allclose(centroids.x, means[-1][:, 0])
    computed = fig.data[names.index("centres as computed")]
    np.testing.assert_allclose(computed.x, centers[-1][:, 0])


def test_small_2d_runs_draw_in_svg_and_step_without_redraw():
    fig = build()
    assert fig.data[0].type == "scatter"
    assert meta(fig)["redraw"] is False
    assert meta(build(d=3))["redraw"] is True
    assert meta(build(movable=True))["movable"] is True
    assert meta(build(d=3, movable=True))["movable"] is False


def test_user_text_is_escaped_everywhere():
    fig = build(axis_titles=[HOSTILE, HOSTILE], metric_label=HOSTILE,
                hover_text=[HOSTILE] * 12, true_labels=[HOSTILE] * 12,
                last_note=HOSTILE)
    spec = fig.to_dict()
    assert not any("<script" in s for s in all_strings(spec))


def test_presentation_sizes():
    fig = build(style=PRESENTATION_STYLE)
    assert fig.layout.font.size == PRESENTATION_STYLE.font_size
    assert fig.data[0].marker.size == PRESENTATION_STYLE.marker_size


def test_bad_shapes_are_refused():
    with pytest.raises(ValueError, match="shapes"):
        build(shapes="stars")


# --- the lesson's timelines ------------------------------------------------------------------


@pytest.fixture(scope="module")
def lesson_history():
    from clustering.lesson import lesson_data, lesson_run

    data = lesson_data("blobs")
    return data.X, lesson_run(data.X, 3, "random", 0).history


def test_assign_timeline_has_one_frame_per_assign_with_fixed_traces(lesson_history):
    from clustering.figures import assign_timeline
    from clustering.lesson import assign_steps

    X, history = lesson_history
    steps = assign_steps(X, history, 5)
    fig = assign_timeline(X, steps, ["x", "y"], last_step=history.n_steps - 1, highlight=5)
    go.Figure(fig.to_dict())
    assert len(fig.frames) == len(steps)
    assert {len(f.data) for f in fig.frames} == {len(fig.data)}
    assert fig.layout.meta["timeline"]["layout_frames"] is True
    for frame, a in zip(fig.frames, steps, strict=True):
        assert frame.layout.title.text.startswith(f"<b>Step {a.step} of ")
        assert any(n.text == f"{a.lines.distances[0, 0]:.2g}" for n in frame.layout.annotations)


def test_update_timeline_arrows_go_from_old_to_new(lesson_history):
    from clustering.figures import update_timeline
    from clustering.lesson import update_steps

    X, history = lesson_history
    moves = update_steps(history)
    iterations = [int(history.iteration[m.step]) for m in moves]
    fig = update_timeline(X, moves, [HOSTILE, "y"], last_step=history.n_steps - 1,
                          iterations=iterations, notes=[HOSTILE] * len(moves))
    assert len(fig.frames) == len(moves)
    first = fig.frames[0]
    arrows = [a for a in first.layout.annotations if a.showarrow]
    moved = int(np.sum(np.any(moves[0].old != moves[0].new, axis=1)))
    assert len(arrows) == moved
    assert not any("<script" in s for s in all_strings(fig.to_dict()))


def test_residual_lines_join_every_point_to_its_centre():
    fig = build(residuals=True)
    points, labels, centers, *_ = make_run()
    names = [t.name for t in fig.data]
    lines = [t for t in fig.frames[-1].data if (t.name or "").endswith(" lines")]
    assert len(lines) == 3 and names.index("Cluster 0 lines") < names.index("points")
    assert sum(np.isfinite(np.asarray(t.x, dtype=float)).sum() for t in lines) == 2 * len(points)
    assert meta(fig)["points"] == 3
