"""Structure of the Choose K figures."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from clustering.figures._choose_k import (
    MARK_COLOR,
    external_vs_k_figure,
    init_study_figure,
    score_vs_k_figure,
    silhouette_figure,
    silhouette_scatter,
)
from clustering.figures._style import PRESENTATION_STYLE, cluster_color

KS = np.arange(2, 9)


def test_score_chart_marks_the_best_k_and_carries_k_for_clicks():
    values = np.array([0.5, 0.7, 0.6, 0.5, np.nan, 0.4, 0.3])
    fig = score_vs_k_figure(KS, values, label="Silhouette", best_k=3, best_text="peak",
                            current_k=5)
    line, ring = fig.data
    assert list(line.customdata) == [2, 3, 4, 5, 7, 8]  # the NaN at K=6 is left out
    assert list(ring.x) == [3] and ring.marker.color == MARK_COLOR
    assert [a.text for a in fig.layout.annotations if a.showarrow] == ["<b>peak K=3</b>"]
    assert fig.layout.xaxis.title.text == "Number of clusters K"
    assert list(fig.layout.xaxis.tickvals) == KS.tolist()
    assert any("sidebar K=5" in a.text for a in fig.layout.annotations)


def test_score_chart_band_and_bad_input():
    fig = score_vs_k_figure(KS, np.linspace(1, 0.5, 7), label="Stability",
                            lower=np.linspace(0.9, 0.2, 7), y_range=(0, 1.05))
    assert len(fig.data) == 2 and fig.data[1].fill == "toself"
    assert tuple(fig.layout.yaxis.range) == (0, 1.05)
    with pytest.raises(ValueError, match="best_k=12"):
        score_vs_k_figure(KS, np.ones(7), label="x", best_k=12)
    with pytest.raises(ValueError, match="values has 3 entries but ks has 7"):
        score_vs_k_figure(KS, np.ones(3), label="x")


def test_user_text_is_escaped():
    fig = score_vs_k_figure(KS, np.ones(7), label="<b>x</b>")
    assert "<b>" not in fig.layout.yaxis.title.text
    fig = init_study_figure(["<i>m</i>"], np.ones((1, 3)), value_label="v", seeds=[0, 1, 2])
    assert "<i>" not in fig.data[0].name


def test_external_chart_has_a_line_per_score_and_rings():
    series = {"ARI": np.linspace(0, 1, 7), "AMI": np.linspace(1, 0, 7)}
    fig = external_vs_k_figure(KS, series, best={"ARI": 8, "AMI": 2})
    assert [t.name for t in fig.data[:2]] == ["ARI", "AMI"]
    assert [t.x[0] for t in fig.data[2:]] == [8, 2]
    assert fig.data[0].line.dash != fig.data[1].line.dash


def test_silhouette_plot_bands_are_sorted_per_cluster_with_a_dashed_mean():
    rng = np.random.default_rng(0)
    labels = np.repeat([0, 1, 2], [30, 20, 10])
    values = rng.uniform(-0.2, 0.9, labels.size)
    fig = silhouette_figure(values, labels)
    assert len(fig.data) == 3
    for j, trace in enumerate(fig.data):
        band = np.asarray(trace.x)[1:-1]
        assert np.array_equal(band, np.sort(values[labels == j]))
        assert trace.fillcolor == cluster_color(j) and trace.fill == "toself"
    assert list(fig.layout.yaxis.ticktext) == ["Cluster 0", "Cluster 1", "Cluster 2"]
    mean_line = [s for s in fig.layout.shapes if s.line.dash == "dash"]
    assert len(mean_line) == 1 and mean_line[0].x0 == pytest.approx(values.mean())
    assert fig.layout.xaxis.range[0] <= values.min()
    with pytest.raises(ValueError, match="one length"):
        silhouette_figure(values, labels[:-1])


def test_silhouette_scatter_rings_the_negative_points():
    points = np.arange(20, dtype=float).reshape(10, 2)
    labels = np.array([0, 0, 0, 1, 1, 1, 1, 2, 2, 2])
    values = np.array([0.5, -0.1, 0.4, 0.3, 0.2, -0.3, 0.1, 0.6, 0.7, 0.8])
    fig = silhouette_scatter(points, labels, values, axis_titles=("PC1 (70%)", "PC2 (20%)"),
                             hover_text=["row 1"] * 10)
    assert [t.name for t in fig.data[:3]] == ["Cluster 0", "Cluster 1", "Cluster 2"]
    assert [t.marker.color for t in fig.data[:3]] == [cluster_color(j) for j in range(3)]
    negatives = fig.data[3]
    assert negatives.name == "negative silhouette (2)"
    assert list(negatives.x) == [2.0, 10.0] and negatives.marker.symbol == "circle-open"
    assert isinstance(negatives, go.Scatter)  # SVG for small sets
    big = silhouette_scatter(np.zeros((3000, 2)), np.zeros(3000, int), np.ones(3000))
    assert isinstance(big.data[0], go.Scattergl)
    assert big.data[-1].name == "negative silhouette (0)"


def test_init_study_figure_has_a_box_of_points_per_method():
    values = np.array([[3.0, 3.0, 4.0], [3.0, 5.0, 3.0]])
    fig = init_study_figure(["random points", "k-means++"], values, value_label="Objective",
                            seeds=[7, 8, 9], reference=3.0, style=PRESENTATION_STYLE)
    assert [t.type for t in fig.data] == ["box", "box"]
    assert [t.name for t in fig.data] == ["random<br>points", "k-means++"]
    assert fig.data[0].boxpoints == "all" and list(fig.data[1].customdata) == [7, 8, 9]
    assert fig.layout.shapes[0].y0 == 3.0
    assert fig.layout.font.size == PRESENTATION_STYLE.font_size
    with pytest.raises(ValueError, match=r"shape \(2, 2\)"):
        init_study_figure(["a", "b"], values, value_label="v", seeds=[1, 2])


def test_the_sidebar_label_never_sits_on_the_recommended_ks_label():
    objective = np.array([100.0, 30.0, 20.0, 18.0, 17.0, 16.0, 15.0])  # K=3 under the mean
    same = score_vs_k_figure(KS, objective, label="Objective", best_k=3, best_text="elbow",
                             current_k=3)
    texts = [a.text for a in same.layout.annotations]
    assert "<b>elbow K=3</b> (= sidebar K)" in texts
    assert not any(t.startswith("sidebar K") for t in texts)  # one label says both
    # A low best point has its label above it: the sidebar's label goes to the bottom.
    low = score_vs_k_figure(KS, objective, label="Objective", best_k=3, best_text="elbow",
                            current_k=4)
    (side,) = [a for a in low.layout.annotations if a.text == "sidebar K=4"]
    assert side.y == 0
    # A high best point has its label below it: the sidebar's label goes to the top.
    high = score_vs_k_figure(KS, -objective, label="Score", best_k=3, best_text="peak",
                             current_k=4)
    (side,) = [a for a in high.layout.annotations if a.text == "sidebar K=4"]
    assert side.y == 1
