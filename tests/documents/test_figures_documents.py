"""Figures of the Documents page: structure, escaping of corpus text, valid plotly, and the
document map built as Explore draws a run (the timeline figure, from the same replay inputs)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from clustering.documents import (
    TextSettings,
    frequent_terms,
    hover_frame,
    make_corpus,
    run_pipeline,
    top_terms,
)
from clustering.evaluation import hover_lines
from clustering.figures import (
    PRESENTATION_STYLE,
    document_lengths_figure,
    term_frequency_figure,
    timeline_figure,
    top_terms_figure,
)
from clustering.view import fit_projection, replay_inputs

EVIL = '<img src=x onerror=alert(1)> "quoted"'


def valid(fig: go.Figure) -> dict:
    """The figure's dict, after plotly validated it (builders skip validation for speed)."""
    spec = fig.to_dict()
    go.Figure(spec)
    return spec


@pytest.fixture(scope="module")
def result():
    rng = np.random.default_rng(1)
    words = {"a": "orbit rocket launch moon", "b": "butter flour oven bake",
             "c": "goal match striker referee"}
    texts, labels = [], []
    for topic, vocab in words.items():
        for _ in range(20):
            texts.append(" ".join(rng.choice(vocab.split(), 6)))
            labels.append(topic)
    texts[0] = f"{EVIL} orbit rocket"
    corpus = make_corpus(texts, labels=labels, titles=[EVIL] + [""] * 59, name="t")
    return corpus, run_pipeline(corpus, 3, TextSettings(min_df=1, max_df=1.0), n_components=4)


def test_top_terms_bars_one_panel_per_cluster_with_escaped_terms(result):
    _, res = result
    top = top_terms(res.space, res.run, res.matrix, n_terms=4)
    terms = [["<b>bold</b>", *t[1:]] for t in top.terms]
    spec = valid(top_terms_figure(terms, top.weights, top.sizes, title=EVIL))
    assert len(spec["data"]) == 3
    assert {t["xaxis"] for t in spec["data"]} == {"x", "x2", "x3"}
    assert spec["data"][0]["y"][0] == "&lt;b&gt;bold&lt;/b&gt;"
    assert "<img" not in str(spec["layout"]["title"]["text"])
    texts = [a["text"] for a in spec["layout"]["annotations"]]
    assert texts[0].startswith("<b>Cluster 0</b>") and f"{top.sizes[0]:,} docs" in texts[0]
    ranges = {tuple(spec["layout"][f"xaxis{s}"]["range"]) for s in ("", "2", "3")}
    assert len(ranges) == 1  # one scale for every panel, so bars compare across clusters
    big = valid(top_terms_figure(terms, top.weights, top.sizes, style=PRESENTATION_STYLE))
    assert big["layout"]["font"]["size"] > spec["layout"]["font"]["size"]


def test_term_frequencies_against_the_corpus(result):
    _, res = result
    freq = frequent_terms(res.matrix, res.run, n_terms=4)
    part = freq[freq["cluster"] == 1]
    spec = valid(term_frequency_figure([EVIL, *part["term"][1:]], part["cluster share"],
                                       part["corpus share"], 1))
    assert [t["name"] for t in spec["data"]] == ["in Cluster 1", "in the whole corpus"]
    assert spec["data"][0]["y"][0].startswith("&lt;img")
    assert spec["layout"]["xaxis"]["title"]["text"] == "share of all counted words (%)"
    with pytest.raises(ValueError, match="need 2 values each"):
        term_frequency_figure(["a", "b"], [1.0], [1.0, 2.0], 0)


def test_document_lengths_per_cluster_and_corpus(result):
    corpus, res = result
    words = hover_frame(corpus, res.matrix)["words"].to_numpy()
    spec = valid(document_lengths_figure(words, res.run.labels, 3))
    assert len(spec["data"]) == 4 and spec["data"][-1]["name"] == "All (60)"
    assert spec["layout"]["xaxis"]["type"] == "log"
    assert sum(len(t["x"]) for t in spec["data"][:3]) == 60


def test_the_document_map_is_the_timeline_with_escaped_hover(result):
    corpus, res = result
    projection = fit_projection(res.space.X, method="pca", n_components=2)
    drawn = res.run.drawn
    hover = hover_lines(hover_frame(corpus, res.matrix), drawn.rows)
    inputs = replay_inputs(res.space.X, drawn, projection, hover_text=hover,
                           true_labels=corpus.labels[res.matrix.rows], distance="cosine")
    fig = timeline_figure(**inputs.timeline_kwargs(drawn), axis_titles=projection.axis_titles,
                          movable=False)
    spec = valid(fig)
    assert len(spec["frames"]) == res.run.history.n_steps
    meta = spec["layout"]["meta"]["timeline"]
    assert meta["movable"] is False
    points = spec["data"][meta["points"]]
    assert points["name"] == "points"
    hover = points["text"][0]
    assert "title: &lt;img src=x onerror=alert(1)&gt; &#34;quoted&#34;" in hover
    assert "<img" not in hover
    # Cosine centres are directions: drawn at their members' mean, the centre as computed
    # apart, and the update caption names the normalised-mean rule.
    names = [t.get("name") for t in spec["data"]]
    assert "centres as computed" in names
    assert any("mean direction" in f["layout"]["title"]["text"] for f in spec["frames"])
