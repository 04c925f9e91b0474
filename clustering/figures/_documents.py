"""Figures of the Documents page: top terms per cluster, term frequencies against the corpus,
and document lengths. The document map is the run's timeline (:func:`timeline_figure`).

Builders take computed values (:mod:`clustering.documents`) and only draw them; every term,
title and label comes from the user's text and is escaped here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from clustering.figures._style import (
    DEFAULT_STYLE,
    FigureStyle,
    axis_style,
    cluster_color,
    cluster_name,
    escape_text,
    merge,
    new_figure,
    style_layout,
)

__all__ = ["document_lengths_figure", "term_frequency_figure", "top_terms_figure"]

#: Panels per row of the top-terms grid.
TERM_PANELS_PER_ROW = 4
_TERM_LENGTH = 30  # longest term shown in full on an axis


def _grid(n: int, per_row: int) -> tuple[int, int]:
    cols = max(1, min(per_row, n))
    return cols, -(-n // cols)


def top_terms_figure(
    terms: Sequence[Sequence[str]],
    weights: Sequence[Sequence[float]],
    sizes: Sequence[int],
    *,
    style: FigureStyle = DEFAULT_STYLE,
    title: str | None = None,
    per_row: int = TERM_PANELS_PER_ROW,
) -> go.Figure:
    """One bar chart per cluster: its heaviest terms, heaviest on top.

    Parameters
    ----------
    terms : k sequences of str
        Terms per cluster, heaviest first (raw text, escaped here).
    weights : k sequences of float
        Their weights in the cluster's centre (TF-IDF units).
    sizes : sequence of int, length k
        Documents per cluster (in each panel's title).
    style : FigureStyle
    title : str, optional
        Raw text.
    per_row : int
        Panels per row.

    Returns
    -------
    go.Figure
        One bar trace per cluster, on its own axes (``xaxis``, ``xaxis2``, ...).
    """
    k = len(terms)
    if len(weights) != k or len(sizes) != k:
        raise ValueError(f"terms, weights and sizes need one entry per cluster; got {k}, "
                         f"{len(weights)} and {len(sizes)}")
    cols, rows = _grid(k, per_row)
    n_terms = max((len(t) for t in terms), default=1) or 1
    # Sizes in pixels, so every term keeps its label whatever the number of rows: a bar per
    # line of text, a gap for the x axis below a row and the next row's panel titles.
    bar_px = style.font_size * 1.7
    panel_px = n_terms * bar_px
    gap_px = style.title_size * 2 + style.font_size * 2.5
    top_px = (70 if title else 30) + style.font_size * 1.5
    bottom_px = style.title_size * 2 + style.font_size * 2
    plot_px = rows * panel_px + (rows - 1) * gap_px
    gap_x = 0.1 if cols > 1 else 0.0
    width = (1 - gap_x * (cols - 1)) / cols
    top = max((float(np.max(w)) for w in weights if len(w)), default=1.0)
    traces, layout, annotations = [], {}, []
    for j in range(k):
        r, c = divmod(j, cols)
        axis = "" if j == 0 else str(j + 1)
        x0 = c * (width + gap_x)
        y1 = 1 - r * (panel_px + gap_px) / plot_px
        y0 = max(y1 - panel_px / plot_px, 0.0)
        shown = [escape_text(t, _TERM_LENGTH) for t in terms[j]]
        traces.append({
            "type": "bar", "orientation": "h", "x": list(np.asarray(weights[j], float)),
            "y": shown, "xaxis": f"x{axis}", "yaxis": f"y{axis}",
            "marker": {"color": cluster_color(j), "line": {"width": 0}},
            "name": cluster_name(j), "showlegend": False,
            "hovertemplate": "%{y}: %{x:.3f}<extra>" + cluster_name(j) + "</extra>",
        })
        layout[f"xaxis{axis}"] = merge(axis_style(style), {
            "domain": [x0, x0 + width], "anchor": f"y{axis}", "range": [0, top * 1.05],
            "title": {"text": "weight (TF-IDF)"}, "nticks": 4,
        })
        layout[f"yaxis{axis}"] = merge(axis_style(style), {
            "domain": [y0, y1], "anchor": f"x{axis}", "autorange": "reversed",
            "showgrid": False, "ticks": "", "dtick": 1,
        })
        annotations.append({
            "text": f"<b>{cluster_name(j)}</b> · {int(sizes[j]):,} docs",
            "x": x0, "y": y1, "xref": "paper", "yref": "paper", "xanchor": "left",
            "yanchor": "bottom", "showarrow": False,
            "font": {"size": style.font_size, "color": cluster_color(j)},
        })
    layout = merge(style_layout(style, escape_text(title) if title else None, axes=False),
                   layout, {
                       "annotations": annotations, "bargap": 0.25,
                       "height": int(plot_px + top_px + bottom_px),
                       "margin": {"t": int(top_px), "b": int(bottom_px)},
                   })
    return new_figure(style, traces, None, layout)


def term_frequency_figure(
    terms: Sequence[str],
    cluster_share: Sequence[float],
    corpus_share: Sequence[float],
    cluster: int,
    *,
    style: FigureStyle = DEFAULT_STYLE,
    title: str | None = None,
) -> go.Figure:
    """A cluster's most frequent terms: their share of the cluster's words beside their share
    of the whole corpus's.

    Parameters
    ----------
    terms : sequence of str, length m
        Raw text, escaped here; most frequent first.
    cluster_share, corpus_share : sequence of float, length m
        Percent of all counted terms.
    cluster : int
    style : FigureStyle
    title : str, optional

    Returns
    -------
    go.Figure
        Two bar traces: the cluster, then the corpus.
    """
    m = len(terms)
    if len(cluster_share) != m or len(corpus_share) != m:
        raise ValueError(f"cluster_share and corpus_share need {m} values each")
    shown = [escape_text(t, _TERM_LENGTH) for t in terms]
    traces = [
        {"type": "bar", "orientation": "h", "y": shown, "x": list(map(float, cluster_share)),
         "name": f"in {cluster_name(cluster)}", "marker": {"color": cluster_color(cluster)},
         "hovertemplate": "%{y}: %{x:.2f}% of the cluster's words<extra></extra>"},
        {"type": "bar", "orientation": "h", "y": shown, "x": list(map(float, corpus_share)),
         "name": "in the whole corpus", "marker": {"color": "#A0A0A0"},
         "hovertemplate": "%{y}: %{x:.2f}% of the corpus's words<extra></extra>"},
    ]
    layout = merge(style_layout(style, escape_text(title) if title else None), {
        "barmode": "group", "bargap": 0.25,
        "xaxis": {"title": {"text": "share of all counted words (%)"}, "rangemode": "tozero"},
        "yaxis": {"autorange": "reversed", "showgrid": False},
        "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        "height": int(max(280, style.font_size * 2.4 * m + 120)),
    })
    return new_figure(style, traces, None, layout)


def document_lengths_figure(
    words: np.ndarray,
    labels: np.ndarray,
    n_clusters: int,
    *,
    style: FigureStyle = DEFAULT_STYLE,
    title: str | None = None,
) -> go.Figure:
    """Words per document, per cluster and for the whole corpus, as box plots (log scale).

    Parameters
    ----------
    words : ndarray of int, shape (n,)
    labels : ndarray of int, shape (n,)
    n_clusters : int
    style : FigureStyle
    title : str, optional

    Returns
    -------
    go.Figure
        One box per cluster (top to bottom), then the corpus.
    """
    words = np.asarray(words)
    labels = np.asarray(labels)
    if words.shape != labels.shape:
        raise ValueError(f"words {words.shape} and labels {labels.shape} must match")
    traces = []
    for j in range(n_clusters):
        w = words[labels == j]
        traces.append({
            "type": "box", "orientation": "h", "x": w.tolist(),
            "name": f"{cluster_name(j)} ({len(w):,})", "marker": {"color": cluster_color(j)},
            "boxpoints": False, "showlegend": False,
        })
    traces.append({"type": "box", "orientation": "h", "x": words.tolist(),
                   "name": f"All ({len(words):,})", "marker": {"color": "#595959"},
                   "boxpoints": False, "showlegend": False})
    layout = merge(style_layout(style, escape_text(title) if title else None), {
        "xaxis": {"type": "log", "title": {"text": "words per document (log scale)"}},
        "yaxis": {"autorange": "reversed", "showgrid": False},
        "height": int(max(260, (n_clusters + 1) * style.font_size * 2.6 + 110)),
    })
    return new_figure(style, traces, None, layout)

