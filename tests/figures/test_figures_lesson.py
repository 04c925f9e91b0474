"""Structure of the lesson figures: traces, arrows, lines, equal axes, sizes from the style."""

from __future__ import annotations

import numpy as np
import pytest

from clustering.figures._lesson import (
    COLOR_NAMES,
    assign_figure,
    centroid_numbers,
    centroids_figure,
    color_name,
    lesson_ranges,
    metric_bars_figure,
    points_figure,
    residuals_figure,
    two_runs_figure,
    update_figure,
)
from clustering.figures._style import (
    CLUSTER_COLORS,
    DEFAULT_STYLE,
    NOISE_COLOR,
    PRESENTATION_STYLE,
    cluster_color,
)
from clustering.lesson._screens import (
    center_moves,
    distance_lines,
    init_links,
    lesson_data,
    lesson_run,
    lesson_scores,
    predict_question,
    showcase_rows,
    two_starts,
)

STYLES = pytest.mark.parametrize("style", [DEFAULT_STYLE, PRESENTATION_STYLE],
                                 ids=["default", "presentation"])
TITLES = ("x <b>", "y")


@pytest.fixture(scope="module")
def lesson():
    data = lesson_data("blobs")
    run = lesson_run(data.X, 3, "random", 0)
    return data.X, run


def trace(fig, name):
    found = [t for t in fig.data if t.name == name]
    assert found, [t.name for t in fig.data]
    return found[0]


def assert_equal_axes(fig, x="xaxis", y="yaxis", anchor="x"):
    assert fig.layout[y].scaleanchor == anchor and fig.layout[y].scaleratio == 1


def test_color_names_cover_the_palette():
    assert set(COLOR_NAMES) == set(CLUSTER_COLORS)
    assert color_name(0) == "blue" and color_name(1) == "orange" and color_name(-1) == "grey"


def test_ranges_hold_every_point():
    (x0, x1), (y0, y1) = lesson_ranges(np.array([[0, 0], [10, 2]]), np.array([[5, 4.0]]))
    assert x0 < 0 and x1 > 10 and y0 < 0 and y1 > 4
    assert lesson_ranges(np.zeros((3, 2)))[0] == (-0.08, 0.08)


@STYLES
def test_points_figure_highlights_one_point(lesson, style):
    X, _ = lesson
    fig = points_figure(X, TITLES, highlight=5, style=style)
    pts = trace(fig, "points")
    assert len(pts.x) == len(X) and pts.marker.size == style.marker_size * 1.4
    ring = trace(fig, "highlighted point")
    assert (ring.x[0], ring.y[0]) == tuple(X[5])
    assert f"{X[5, 0]:.3g}" in fig.layout.annotations[0].text
    assert fig.layout.xaxis.title.text == "x &lt;b&gt;"  # user text escaped
    assert fig.layout.font.size == style.font_size
    assert_equal_axes(fig)


@STYLES
def test_centroids_figure_numbers_and_farthest_links(lesson, style):
    X, run = lesson
    start = run.history.centers[0]
    fig = centroids_figure(X, start, TITLES, links=init_links(start), style=style)
    cen = trace(fig, "centroids")
    np.testing.assert_array_equal(np.c_[cen.x, cen.y], start)
    assert cen.marker.size == style.centroid_size
    assert [a.text for a in fig.layout.annotations] == ["<b>0</b>", "<b>1</b>", "<b>2</b>"]
    links = [t for t in fig.data if "farthest" in t.name]
    assert len(links) == 2 and links[0].line.dash == "dot"
    assert len(centroids_figure(X, start, TITLES).data) == 2  # points + centroids only


def test_centroid_numbers_sit_on_their_centroids():
    notes = centroid_numbers(np.array([[1.0, 2.0], [3.0, 4.0]]), DEFAULT_STYLE, "x2", "y2")
    assert [(n["x"], n["y"], n["xref"]) for n in notes] == [(1.0, 2.0, "x2"), (3.0, 4.0, "x2")]
    assert notes[1]["font"]["color"] == cluster_color(1)


@STYLES
def test_assign_figure_before_and_after_the_answer(lesson, style):
    X, run = lesson
    h = run.history
    q = predict_question(X, h)
    before = assign_figure(X, q.before, q.centers, TITLES, highlight=q.row,
                           question="Which <i>one</i>?", style=style)
    assert set(trace(before, "points").marker.color) == {NOISE_COLOR}  # nobody assigned yet
    assert any("Which &lt;i&gt;one" in a.text for a in before.layout.annotations)
    assert not any("centroid" in t.name and "nearest" in t.name for t in before.data)

    rows = showcase_rows(X, q.centers, q.row)
    lines = distance_lines(X, q.centers, rows)
    after = assign_figure(X, h.labels[q.step], q.centers, TITLES, lines=lines,
                          highlight=q.row, style=style)
    colors = trace(after, "points").marker.color
    assert colors[q.row] == cluster_color(q.answer)
    nearest = [t for t in after.data if t.name.startswith("to the nearest")]
    assert sum(np.count_nonzero(np.isnan(np.array(t.x, dtype=float))) for t in nearest) == 3
    other = trace(after, "to the other centroids")
    assert np.count_nonzero(np.isnan(np.array(other.x, dtype=float))) == 3 * 2
    assert other.line.dash == "dash"
    # The highlighted point's three distances are written on its lines.
    labels = {a.text for a in after.layout.annotations}
    assert {f"{d:.2g}" for d in q.distances} <= labels
    assert_equal_axes(after)


@STYLES
def test_update_figure_arrows_go_from_old_to_new(lesson, style):
    X, run = lesson
    moves = center_moves(run.history, 1)
    fig = update_figure(X, moves.labels, moves.old, moves.new, TITLES, style=style)
    arrows = [a for a in fig.layout.annotations if a.showarrow]
    moved = np.any(moves.old != moves.new, axis=1)
    assert len(arrows) == moved.sum()
    for a, j in zip(arrows, np.flatnonzero(moved), strict=True):
        assert (a.ax, a.ay) == tuple(moves.old[j]) and (a.x, a.y) == tuple(moves.new[j])
        assert a.axref == "x" and a.arrowcolor == cluster_color(j)
    assert trace(fig, "old centroids").marker.symbol == "x-open"
    np.testing.assert_array_equal(np.c_[trace(fig, "new centroids").x,
                                        trace(fig, "new centroids").y], moves.new)


def test_update_figure_draws_no_arrow_for_a_centroid_that_stayed(lesson):
    X, _ = lesson
    C = np.array([[0.0, 0.0], [5.0, 5.0]])
    fig = update_figure(X, np.zeros(len(X), int), C, C + [[1, 0], [0, 0]], TITLES)
    assert len([a for a in fig.layout.annotations if a.showarrow]) == 1


def test_residuals_one_line_per_point(lesson):
    X, run = lesson
    h = run.history
    fig = residuals_figure(X, h.labels[-1], h.centers[-1], TITLES, title="error 1")
    lines = [t for t in fig.data if t.name.endswith(" lines")]
    assert sum(np.count_nonzero(np.isnan(np.array(t.x, dtype=float))) for t in lines) == len(X)
    assert fig.layout.title.text == "error 1"


@STYLES
def test_two_runs_side_by_side_share_ranges(lesson, style):
    X, _ = lesson
    pair = two_starts(X, 3, "random", 0)
    a, b = pair.runs
    fig = two_runs_figure(X, [a.labels, b.labels], [a.history.centers, b.history.centers],
                          ["Start A <x>", "Start B"], TITLES, style=style)
    assert [t.name for t in fig.data].count("points") == 2
    ends = [t for t in fig.data if t.name == "end"]
    np.testing.assert_array_equal(np.c_[ends[1].x, ends[1].y], b.centers)
    assert ends[1].xaxis == "x2"
    assert list(fig.layout.xaxis.range) == list(fig.layout.xaxis2.range)
    assert_equal_axes(fig, "xaxis2", "yaxis2", "x2")
    titles = [ann.text for ann in fig.layout.annotations]
    assert "Start A &lt;x&gt;" in titles and titles.count("<b>0</b>") == 2
    assert fig.layout.annotations[0].font.size == style.title_size


def test_wide_data_stacks_the_two_runs_and_gets_shorter_figures():
    data = lesson_data("iris")
    pair = two_starts(data.X, 3, "random", 0)
    a, b = pair.runs
    fig = two_runs_figure(data.X, [a.labels, b.labels], [a.history.centers, b.history.centers],
                          ["A", "B"], data.feature_names)
    assert fig.layout.xaxis2.domain[0] == 0 and fig.layout.yaxis2.domain[1] < 0.5
    wide = points_figure(data.X, data.feature_names)
    square = points_figure(lesson_data("blobs").X, TITLES)
    assert square.layout.height == DEFAULT_STYLE.height
    assert 320 <= wide.layout.height < square.layout.height


@STYLES
def test_metric_bars_split_label_metrics_from_silhouette(lesson, style):
    X, run = lesson
    scores = lesson_scores(X, run.labels, lesson_data("blobs").true_labels, run.inertia)
    fig = metric_bars_figure(scores, style=style)
    need, only = fig.data
    assert list(need.y) == ["Homogeneity", "Completeness", "V-measure", "Adjusted Rand index",
                            "Adjusted mutual information"]
    assert list(only.y) == ["Silhouette"]
    assert only.x[0] == pytest.approx(scores["silhouette"])
    assert need.textfont.size == style.font_size


def test_metric_bars_show_missing_scores_as_na():
    fig = metric_bars_figure({"ari": None, "silhouette": -0.4})
    assert fig.data[0].text == ("n/a",)
    assert fig.layout.xaxis.range[0] < -0.4
