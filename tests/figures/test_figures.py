"""Structure of the run's timeline figure (:func:`clustering.figures.timeline_figure`, the one
way every page draws a k-means run): frames, traces, fixed axes, escaping, palette, 3-D.

The timeline's own behaviour (caption, objective cursor, member means, shapes) is in
``test_timeline_figure.py``; this module checks what any drawing of a run must keep.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clustering.figures import DEFAULT_STYLE, PRESENTATION_STYLE, timeline_figure
from clustering.figures._style import CLUSTER_COLORS, cluster_color, label_colorscale
from clustering.view._regions import region_grids

HOSTILE = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
LINK = '<a href="https://evil.example">click</a>'


def make_run(d: int = 2, k: int = 3, m: int = 12, seed: int = 0):
    """A hand-made 5-step history: init, assign, update, assign, update."""
    rng = np.random.RandomState(seed)
    points = rng.normal(size=(m, d))
    c0 = points[:k].copy()
    c1 = c0 + 0.1
    c2 = c1 + 0.05
    centers = np.stack([c0, c0, c1, c1, c2])
    first = np.arange(m) % k
    second = (np.arange(m) + 1) % k
    labels = np.stack([np.full(m, -1), first, first, second, second])
    phases = ("init", "assign", "update", "assign", "update")
    iterations = np.array([0, 1, 1, 2, 2])
    objective = np.array([np.nan, 10.0, 8.0, 7.5, 7.0])
    ranges = [(-4.0, 4.0)] * d
    titles = ["feature a", "feature b", "feature c"][:d]
    return points, labels, centers, phases, iterations, objective, titles, ranges


def build(d=2, k=3, m=12, **kw):
    points, labels, centers, phases, iterations, objective, titles, ranges = make_run(d, k, m)
    kw.setdefault("axis_titles", titles)
    kw.setdefault("ranges", ranges)
    return timeline_figure(points, labels, centers, phases, iterations, objective, **kw)


def all_strings(obj):
    """Every string anywhere in a plotly JSON-like structure."""
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from all_strings(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from all_strings(v)


def font_sizes(obj):
    """Every ``font.size`` (and ``*font.size``) set anywhere in a layout-like structure."""
    if isinstance(obj, dict):
        for key, v in obj.items():
            if key.endswith("font") and isinstance(v, dict) and "size" in v:
                yield key, v["size"]
            yield from font_sizes(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from font_sizes(v)


def points_trace_index(fig) -> int:
    return next(i for i, t in enumerate(fig.data) if t.name == "points")


def meta(fig) -> dict:
    return fig.layout.meta["timeline"]


# --- frames and traces -------------------------------------------------------------------


@pytest.mark.parametrize("d", [2, 3], ids=["2d", "3d"])
def test_one_frame_per_step_with_fixed_trace_structure(d):
    fig = build(d=d)
    assert [f.name for f in fig.frames] == ["0", "1", "2", "3", "4"]  # steps count from 0
    info = meta(fig)
    n_scatter = info["centroids"] + 1
    animated = list(fig.frames[0].traces)
    # The scatter's traces, then the objective cursor; the panel's curve in between and the
    # legend-only key (x = [None]) after it are static.
    assert animated == [*range(n_scatter), *info["cursor"]]
    assert all(list(t.x) != [None] for t in fig.data[: info["cursor"][1] + 1])
    assert all(list(t.x) == [None] for t in fig.data[info["cursor"][1] + 1:])
    assert {t.xaxis for t in fig.data[n_scatter: info["cursor"][0]]} == {"x2"}
    for f in fig.frames:
        assert list(f.traces) == animated
        assert [t.type for t in f.data] == [fig.data[i].type for i in animated]


def test_every_frame_holds_every_point_with_that_steps_labels():
    points, labels, *_ = make_run()
    fig = build()
    p = points_trace_index(fig)
    assert len(fig.data[p].x) == len(points)
    for s, f in enumerate(fig.frames):
        np.testing.assert_array_equal(np.asarray(f.data[p].marker.color), labels[s])


def test_centroids_and_trajectories_follow_the_history():
    _, _, centers, *_ = make_run()
    fig = build()
    cen = next(i for i, t in enumerate(fig.data) if t.name == "centroids")
    assert cen == meta(fig)["centroids"]
    paths = [i for i, t in enumerate(fig.data) if (t.name or "").endswith(" path")]
    assert len(paths) == 3
    for s, f in enumerate(fig.frames):
        np.testing.assert_allclose(np.asarray(f.data[cen].x), centers[s, :, 0])
        # The path of centroid 0 lists each distinct position it has held up to step s.
        distinct = len({tuple(c) for c in centers[: s + 1, 0]})
        assert len(f.data[paths[0]].x) == distinct
    marker = fig.data[cen].marker
    assert marker.symbol == "x"
    assert list(marker.color) == [cluster_color(j) for j in range(3)]
    assert marker.size > fig.data[points_trace_index(fig)].marker.size


def test_points_colored_by_cluster_through_a_stepped_colorscale():
    k = 4
    scale, cmin, cmax = label_colorscale(k)
    for v in range(-1, k):
        pos = (v - cmin) / (cmax - cmin)
        band = [
            c for (lo, c), (hi, _) in zip(scale[::2], scale[1::2], strict=True) if lo < pos < hi
        ]
        assert band == [cluster_color(v)]
    fig = build(k=k, m=12)
    marker = fig.data[points_trace_index(fig)].marker
    assert (marker.cmin, marker.cmax) == (cmin, cmax)
    # A page recolouring the points itself uses the same palette (labels -1 .. k-1).
    assert meta(fig)["colors"] == [cluster_color(j) for j in range(-1, k)]


def test_start_step_defaults_to_last_and_can_be_set():
    _, labels, *_ = make_run()
    fig = build()
    p = points_trace_index(fig)
    np.testing.assert_array_equal(np.asarray(fig.data[p].marker.color), labels[-1])
    assert meta(fig)["start"] == 4
    fig0 = build(start_step=0)
    np.testing.assert_array_equal(np.asarray(fig0.data[p].marker.color), labels[0])
    assert meta(fig0)["start"] == 0
    assert fig0.layout.title.text.startswith("<b>Step 0 of 4</b>")
    assert "start" in fig0.layout.title.text


def test_axis_ranges_fixed_and_frames_do_not_touch_axes():
    fig = build()
    assert tuple(fig.layout.xaxis.range) == (-4.0, 4.0)
    assert tuple(fig.layout.yaxis.range) == (-4.0, 4.0)
    assert fig.layout.xaxis.autorange is False
    assert fig.layout.yaxis.autorange is False
    for f in fig.frames:
        # A frame changes only the caption: no axis of the scatter or the panel rescales.
        assert set(f.layout.to_plotly_json()) == {"title"}


def test_3d_uses_scatter3d_and_a_fixed_scene():
    fig = build(d=3)
    assert {t.type for t in fig.data} == {"scatter3d", "scatter"}
    # Only the objective panel (curve and cursor) is 2-D, on its own axes.
    assert all(t.xaxis == "x2" for t in fig.data if t.type == "scatter")
    assert next(t for t in fig.data if t.name == "centroids").marker.symbol == "diamond"
    assert tuple(fig.layout.scene.zaxis.range) == (-4.0, 4.0)
    assert fig.layout.scene.zaxis.autorange is False
    assert fig.layout.scene.zaxis.title.text == "feature c"
    for f in fig.frames:
        assert set(f.layout.to_plotly_json()) == {"title"}


def test_the_timeline_has_no_plotly_controls():
    # The timeline component draws the buttons and scrubber; plotly's own would be a second,
    # unsynchronised set.
    fig = build()
    assert not fig.layout.updatemenus and not fig.layout.sliders


def test_uirevision_survives_reruns_and_changes_with_the_axes():
    a, b = build(), build()
    assert a.layout.uirevision == b.layout.uirevision is not None
    other = build(axis_titles=["feature x", "feature y"])
    assert other.layout.uirevision != a.layout.uirevision
    assert build(uirevision="run-1").layout.uirevision == "run-1"


# --- escaping ----------------------------------------------------------------------------


def test_user_text_is_escaped_everywhere():
    m = 12
    fig = build(
        axis_titles=[HOSTILE, LINK],
        metric_label=HOSTILE,
        hover_text=[[f"name: {HOSTILE}", "x: 1"]] * m,
        true_labels=[HOSTILE, LINK, "plain"] * 4,
    )
    assert fig.layout.xaxis.title.text == ESCAPED
    assert fig.layout.yaxis.title.text.startswith("&lt;a href=&#34;")
    assert fig.layout.yaxis2.title.text == ESCAPED
    legend = [t.name for t in fig.data if t.showlegend is not False]
    assert ESCAPED in legend
    p = points_trace_index(fig)
    assert fig.data[p].text[0] == f"name: {ESCAPED}<br>x: 1"
    for s in all_strings(fig.to_plotly_json()):
        assert "<script" not in s and "<a " not in s, s


def test_3d_axis_titles_cannot_form_tags():
    fig = build(d=3, axis_titles=[HOSTILE, "a & b", "<b>c</b>"], true_labels=[HOSTILE] * 12)
    scene = fig.layout.scene
    # WebGL titles show entities literally, so brackets become look-alikes instead.
    assert scene.xaxis.title.text == "\u2039script\u203aalert(1)\u2039/script\u203a"
    assert scene.yaxis.title.text == "a & b"
    assert ESCAPED in [t.name for t in fig.data]  # the legend is SVG: entities work there
    assert "<b>c</b>" not in str(fig.layout.scene.zaxis.title.text)
    for s in all_strings(fig.to_plotly_json()):
        # The caption's own bold step count is markup of ours; no user text forms a tag.
        assert "<script" not in s and "<b>c" not in s, s


def test_default_hover_shows_escaped_coordinates():
    fig = build(axis_titles=[HOSTILE, "b"])
    text = fig.data[points_trace_index(fig)].text[0]
    assert text.startswith(ESCAPED + ": ") and "<br>b: " in text


def test_true_labels_shape_points_and_get_a_legend():
    labels = ["setosa", "versicolor", "virginica"] * 4
    fig = build(true_labels=labels)
    symbols = list(fig.data[points_trace_index(fig)].marker.symbol)
    assert len(set(symbols)) == 3
    assert symbols[0] == symbols[3] != symbols[1]
    classes = [t for t in fig.data if t.legendgroup == "classes"]
    assert [t.name for t in classes] == ["setosa", "versicolor", "virginica"]
    assert classes[0].legendgrouptitle.text == "True class"


def test_numeric_classes_listed_in_numeric_order():
    fig = build(true_labels=[10, 2, 1] * 4)
    assert [t.name for t in fig.data if t.legendgroup == "classes"] == ["1", "2", "10"]


def test_many_clusters_vary_symbols_beyond_the_palette():
    k = len(CLUSTER_COLORS) + 3
    fig = build(k=k, m=3 * k)
    key = [t for t in fig.data if t.legendgroup == "clusters" and t.name != "unassigned"]
    pairs = {(t.marker.color, t.marker.symbol) for t in key}
    assert len(key) == k and len(pairs) == k
    p = points_trace_index(fig)
    for f in fig.frames:
        assert len(f.data[p].marker.symbol) == 3 * k


def test_legend_is_a_key_not_toggles():
    fig = build()
    assert fig.layout.legend.itemclick is False
    names = [t.name for t in fig.data if t.showlegend is not False]
    assert names[:3] == ["Cluster 0", "Cluster 1", "Cluster 2"]
    assert "unassigned" in names and "centroid" in names


# --- regions -----------------------------------------------------------------------------


def test_regions_drawn_under_points_and_animated():
    points, labels, centers, phases, iterations, objective, titles, ranges = make_run()
    grids = region_grids(centers, "euclidean", ranges[0], ranges[1], resolution=20)
    fig = timeline_figure(
        points, labels, centers, phases, iterations, objective,
        axis_titles=titles, ranges=ranges, regions=grids,
    )  # fmt: skip
    assert fig.data[0].type == "heatmap" and points_trace_index(fig) == 1
    assert meta(fig)["points"] == 1 and meta(fig)["redraw"] is True
    assert fig.data[0].hoverinfo == "skip"
    for s, f in enumerate(fig.frames):
        np.testing.assert_array_equal(np.asarray(f.data[0].z), grids[s].z)


def test_regions_refused_in_3d():
    points, labels, centers, phases, iterations, objective, titles, ranges = make_run(d=3)
    grids = region_grids(centers[:, :, :2], "euclidean", ranges[0], ranges[1], resolution=10)
    with pytest.raises(ValueError, match="2-D"):
        timeline_figure(
            points, labels, centers, phases, iterations, objective,
            axis_titles=titles, ranges=ranges, regions=grids,
        )  # fmt: skip


# --- validation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, message",
    [
        ({"step_labels": np.zeros((5, 11), int)}, r"shape \(n_steps, 12\)"),
        ({"centers": np.zeros((4, 3, 2))}, r"centers must have shape \(5, k, 2\)"),
        ({"phases": ("init",)}, "phases has length 1"),
        ({"step_labels": np.full((5, 12), 3)}, r"-1 \.\. 2"),
        ({"start_step": 5}, r"start_step=5"),
        ({"hover_text": ["a"]}, "hover_text has 1 entries"),
        ({"true_labels": ["a"]}, "true_labels has 1 entries"),
        ({"axis_titles": ["only one"]}, "axis_titles and ranges need 2"),
    ],
    ids=["labels", "centers", "phases", "label-range", "start", "hover", "truth", "titles"],
)
def test_bad_inputs_raise_with_values(change, message):
    points, labels, centers, phases, iterations, objective, titles, ranges = make_run()
    args = {"points": points, "step_labels": labels, "centers": centers, "phases": phases,
            "iterations": iterations, "objective": objective}  # fmt: skip
    kw = {"axis_titles": titles, "ranges": ranges}
    for key, value in change.items():
        (args if key in args else kw)[key] = value
    with pytest.raises(ValueError, match=message):
        timeline_figure(*args.values(), **kw)


# --- styles ------------------------------------------------------------------------------


@pytest.mark.parametrize("d", [2, 3], ids=["2d", "3d"])
def test_presentation_style_is_big(d):
    fig = build(d=d, style=PRESENTATION_STYLE, true_labels=["a", "b", "c"] * 4)
    layout = fig.to_plotly_json()["layout"]
    layout.pop("template")
    sizes = list(font_sizes(layout))
    assert layout["font"]["size"] >= 18 and layout["title"]["font"]["size"] >= 18
    # The legend and a rotated scene's ticks are a step smaller, so the key stays whole and
    # the ticks inside the scene; still projector-sized, and each larger than on a laptop.
    assert sizes and all(size >= 14 for _, size in sizes), sizes
    small = build(d=d, true_labels=["a", "b", "c"] * 4).to_plotly_json()["layout"]
    small.pop("template")
    assert all(big > little for (_, big), (_, little)
               in zip(sizes, font_sizes(small), strict=True))
    p = points_trace_index(fig)
    assert fig.data[p].marker.size > build(d=d).data[p].marker.size


def test_timeline_from_the_engine_history():
    kmeans = pytest.importorskip("clustering.engine._kmeans")
    rng = np.random.RandomState(1)
    X = np.vstack([rng.normal(c, 0.3, size=(40, 2)) for c in ((0, 0), (4, 0), (0, 4))])
    result = kmeans.kmeans(X, 3, init="random", random_state=0)
    h = result.history
    cols = np.arange(len(X)) if h.label_rows is None else h.label_rows
    fig = timeline_figure(
        X[cols], h.labels, h.centers, h.phase, h.iteration, h.objective,
        axis_titles=["x", "y"], ranges=[(-2, 6), (-2, 6)], style=DEFAULT_STYLE,
    )  # fmt: skip
    assert len(fig.frames) == h.n_steps
    assert isinstance(fig, go.Figure)


# --- structure over random shapes --------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(
    d=st.sampled_from([2, 3]),
    k=st.integers(1, 20),
    m=st.integers(0, 30),
    n_steps=st.integers(1, 7),
    truth=st.booleans(),
    seed=st.integers(0, 10_000),
)
def test_structure_holds_for_any_run_shape(d, k, m, n_steps, truth, seed):
    rng = np.random.RandomState(seed)
    points = rng.normal(size=(m, d))
    centers = rng.normal(size=(n_steps, k, d))
    labels = rng.randint(-1, k, size=(n_steps, m))
    phases = ["init"] + ["assign", "update"] * n_steps
    iterations = [0] + [i // 2 + 1 for i in range(2 * n_steps)]
    regions = None
    if d == 2 and seed % 2:
        regions = region_grids(centers, "euclidean", (-3, 3), (-3, 3), resolution=6)
    fig = timeline_figure(
        points, labels, centers, phases[:n_steps], iterations[:n_steps], rng.rand(n_steps),
        axis_titles=["a", "b", "c"][:d], ranges=[(-3, 3)] * d, regions=regions,
        true_labels=rng.choice(["x", "y", "z"], size=m) if truth else None,
    )  # fmt: skip
    assert len(fig.frames) == n_steps
    animated = list(fig.frames[0].traces)
    p = points_trace_index(fig)
    for s, f in enumerate(fig.frames):
        assert list(f.traces) == animated and len(f.data) == len(animated)
        np.testing.assert_array_equal(np.asarray(f.data[p].marker.color), labels[s])
    assert meta(fig)["start"] == n_steps - 1
