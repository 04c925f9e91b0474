"""Compare figures by structure: panels, axes, annotations, escaping, the cut line, eps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clustering.compare import Panel
from clustering.compare._report import corner_score, corner_text, results_table, short_reason
from clustering.compare._run import dendrogram_data, run_algorithm, score_labels
from clustering.figures._compare import (
    agreement_figure,
    dendrogram_figure,
    grid_figure,
    k_distance_figure,
)
from clustering.figures._style import NOISE_COLOR, PRESENTATION_STYLE


def panel(labels, corner="0.01 s", message=None):
    n = 20
    return Panel(np.arange(n, dtype=float), np.arange(n, dtype=float) ** 2,
                 None if labels is None else np.asarray(labels), corner, message)


def test_grid_has_one_trace_per_panel_that_ran_and_axes_for_all():
    rows = [[panel(np.r_[np.zeros(10), np.ones(10)].astype(int)), panel(None, "", "Skipped")],
            [panel(np.full(20, -1)), panel(np.arange(20) % 3)]]
    fig = grid_figure(rows, ["Moons", "Yours"], ["k-means", "DBSCAN"])
    assert len(fig.data) == 3
    assert {t.type for t in fig.data} == {"scatter"}
    assert [t.meta for t in fig.data] == ["row 0, column 0", "row 1, column 0", "row 1, column 1"]
    assert [t.xaxis for t in fig.data] == ["x", "x3", "x4"]
    layout = fig.layout
    for i in ("", "2", "3", "4"):
        assert layout[f"xaxis{i}"].domain is not None and layout[f"yaxis{i}"].fixedrange
    # The first row is on top.
    assert layout.yaxis.domain[0] > layout.yaxis3.domain[1]
    texts = [a.text for a in layout.annotations]
    assert "Skipped" in texts and "<b>k-means</b>" in texts and "Moons" in texts
    assert fig.layout.height > 2 * 100


def test_noise_is_gray_in_the_color_scale():
    fig = grid_figure([[panel(np.r_[np.full(5, -1), np.zeros(15)].astype(int))]], ["a"], ["b"])
    marker = fig.data[0].marker
    assert marker.cmin == -1.5
    assert marker.colorscale[0][1] == NOISE_COLOR  # label -1 falls in the first band


def test_titles_and_corners_are_escaped_and_wrapped():
    fig = grid_figure([[panel([0] * 20, "sample of 3,000\n0.10 s · ARI <b>1</b>")]],
                      ["<script>x</script>"], ["Agglomerative (complete) <i>"])
    texts = [a.text for a in fig.layout.annotations]
    assert "&lt;script&gt;x&lt;/script&gt;" in texts
    assert "sample of 3,000<br>0.10 s · ARI &lt;b&gt;1&lt;/b&gt;" in texts
    assert any("&lt;i&gt;" in t for t in texts)


def test_narrow_columns_wrap_their_titles():
    rows = [[panel([0] * 20) for _ in range(7)]]
    fig = grid_figure(rows, ["a"], ["Agglomerative (average)"] * 7)
    assert "<b>Agglomerative<br>(average)</b>" in [a.text for a in fig.layout.annotations]


def test_grid_checks_its_shape_and_scales_with_the_style():
    with pytest.raises(ValueError, match="2 rows of 1 panels"):
        grid_figure([[panel([0] * 20)]], ["a", "b"], ["c"])
    small = grid_figure([[panel([0] * 20)]], ["a"], ["b"])
    big = grid_figure([[panel([0] * 20)]], ["a"], ["b"], style=PRESENTATION_STYLE)
    assert big.layout.height > small.layout.height
    assert big.data[0].marker.size > small.data[0].marker.size


def test_agreement_heatmap():
    m = pd.DataFrame([[1.0, 0.5], [0.5, 1.0]], index=["A", "B <x>"], columns=["A", "B <x>"])
    fig = agreement_figure(m)
    (heat,) = fig.data
    assert heat.type == "heatmap" and heat.zmin == 0 and heat.zmax == 1
    assert list(heat.x) == ["A", "B &lt;x&gt;"]
    assert heat.text[0][1] == "0.50"
    assert fig.layout.yaxis.autorange == "reversed"


def test_dendrogram_figure_colors_clusters_and_draws_the_cut():
    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal(c, 0.2, size=(15, 2)) for c in ((0, 0), (5, 0), (0, 5))])
    tree = dendrogram_data(X, "ward", 3)
    fig = dendrogram_figure(tree, title="Ward")
    names = [t.name for t in fig.data]
    assert names == ["above the cut", "Cluster 0", "Cluster 1", "Cluster 2"]
    assert fig.data[0].line.color == NOISE_COLOR
    (cut,) = fig.layout.shapes
    assert cut.y0 == pytest.approx(tree.cut_height)
    # One NaN-separated polyline per link: 5 values each.
    assert sum(len(t.x) for t in fig.data) == 5 * (len(X) - 1)


def test_k_distance_figure():
    d = np.sort(np.r_[np.linspace(0.1, 0.2, 90), np.linspace(0.5, 2, 10)])
    fig = k_distance_figure(d, 9, 0.3, knee_index=89)
    assert [t.name for t in fig.data] == ["k-distance", "knee"]
    assert fig.layout.shapes[0].y0 == 0.3
    assert "9th nearest" in fig.layout.yaxis.title.text
    assert fig.layout.annotations[0].text == "eps = 0.3"
    no_knee = k_distance_figure(d, 2, 0.3, knee_index=None)
    assert len(no_knee.data) == 1 and "2nd" in no_knee.layout.yaxis.title.text


# --- the words beside the figures -------------------------------------------------------------


def test_corner_text_and_score_choice():
    X = np.random.RandomState(0).normal(size=(60, 2))
    result = run_algorithm("kmeans", X, {"n_clusters": 2})
    ev = score_labels(X, result.labels, np.arange(60) % 2)
    assert corner_score("auto", True) == "ari" and corner_score("auto", False) == "silhouette"
    with pytest.raises(ValueError, match="score='x'"):
        corner_score("x", True)
    text = corner_text(result, ev, "ari")
    assert text.startswith(f"{result.fit_seconds:.2f} s · ARI ")
    one = run_algorithm("dbscan", X, {"eps": 100.0, "min_samples": 2})
    ev_one = score_labels(X, one.labels)
    assert corner_text(one, ev_one, "silhouette").endswith("Silhouette n/a")


def test_results_table_is_numeric_and_says_what_ran():
    X = np.random.RandomState(0).normal(size=(1500, 2))
    ran = run_algorithm("kmeans", X, {"n_clusters": 2})
    skipped = run_algorithm("affinity_propagation", X)
    frame = results_table([("k-means", ran, score_labels(X, ran.labels)),
                           ("AP", skipped, None)], has_truth=False)
    assert list(frame.columns) == ["Algorithm", "Clusters", "Noise (%)", "Fit time (s)",
                                   "Rows used", "Silhouette", "Calinski-Harabasz",
                                   "Davies-Bouldin", "Notes"]
    assert frame["Rows used"].tolist() == ["all 1,500", "skipped"]
    assert np.isnan(frame.loc[1, "Clusters"]) and frame.loc[0, "Clusters"] == 2
    assert "skipped above 1,000 rows" in frame.loc[1, "Notes"]
    assert short_reason(skipped, 1000) == "Skipped: more than 1,000 rows (see the table)"
    assert short_reason(ran, 1000) is None
