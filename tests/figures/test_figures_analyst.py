"""Analyst figures: outliers ringed on the run chart, and what sets each cluster apart."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from clustering.figures import MAX_BARS, separation_figure, timeline_figure

pytestmark = pytest.mark.timeout(60)


def small_run(rings=None, d=2):
    rng = np.random.default_rng(0)
    points = rng.normal(size=(40, d))
    labels = np.tile(rng.integers(0, 3, 40), (3, 1))
    labels[0] = -1
    centers = np.stack([points[:3]] * 3)
    return timeline_figure(points, labels, centers, ["init", "assign", "update"], [0, 1, 1],
                           [np.nan, 3.0, 2.0], axis_titles=["a", "b", "c"][:d],
                           ranges=[(-4, 4)] * d, rings=rings)


@pytest.mark.parametrize("d", [2, 3])
def test_rings_are_one_static_trace_after_the_key(d):
    plain, ringed = small_run(d=d), small_run(rings=[1, 4, 7], d=d)
    assert len(ringed.data) == len(plain.data) + 1
    ring = ringed.data[-1]
    assert ring.name == "flagged outliers (3)"
    assert ring.marker.symbol == "circle-open"
    assert list(ring.x) == [ringed.data[0].x[i] for i in (1, 4, 7)]
    # Frames animate the same traces as before, so the rings stay put and axes stay fixed.
    assert ringed.frames[-1].traces == plain.frames[-1].traces
    if d == 2:
        assert tuple(ringed.layout.xaxis.range) == (-4, 4)
    go.Figure(ringed.to_dict())  # valid plotly


def test_rings_must_index_drawn_points():
    with pytest.raises(ValueError, match="rings must index the 40 drawn points"):
        small_run(rings=[40])


def test_separation_bars_strongest_on_top_with_escaped_names():
    fig = separation_figure(["<b>petal</b>", "plan = gold", "width"], [1.8, 1.2, -0.9],
                            ["numeric", "category", "numeric"], 2, x_range=3.0)
    bars = fig.data[0]
    assert list(bars.y) == ["width", "plan = gold", "&lt;b&gt;petal&lt;/b&gt;"]  # top = last
    assert list(bars.x) == [-0.9, 1.2, 1.8]
    assert list(bars.marker.pattern.shape) == ["", "/", ""]
    assert bars.marker.pattern.fillmode == "overlay"  # hatching over the cluster colour
    assert fig.layout.xaxis.range == (-3.0, 3.0)
    assert "What sets Cluster 2 apart" in fig.layout.title.text
    assert "standard deviations" in fig.layout.xaxis.title.text
    go.Figure(fig.to_dict())


def test_separation_chart_caps_the_bars_and_says_so():
    n = MAX_BARS + 5
    fig = separation_figure([f"f{i}" for i in range(n)], np.linspace(2, 0.1, n),
                            ["numeric"] * n, 0, n_more=3)
    assert len(fig.data[0].y) == MAX_BARS
    assert f"strongest {MAX_BARS}; 8 more in the table" in fig.layout.title.text
    with pytest.raises(ValueError, match="one length"):
        separation_figure(["a"], [1.0, 2.0], ["numeric"], 0)
