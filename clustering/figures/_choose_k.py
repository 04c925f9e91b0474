"""Figures of the Choose K page: scores against K, the silhouette plot, the init study.

The builders draw results computed by :mod:`clustering.choose_k` and
:func:`clustering.evaluation.per_sample_silhouette`; they compute nothing clustering-related.
Points of the score charts carry their K as ``customdata`` so a page can open a clicked K.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from clustering.figures._style import (
    DEFAULT_STYLE,
    MAX_LABEL_LENGTH,
    OUTLINE_COLOR,
    FigureStyle,
    apply_style,
    cluster_color,
    cluster_name,
    escape_text,
)

__all__ = [
    "external_vs_k_figure",
    "init_study_figure",
    "score_vs_k_figure",
    "silhouette_figure",
    "silhouette_scatter",
]

K_TITLE = "Number of clusters K"
LINE_COLOR = "#4D4D4D"  # scores are not clusters: neutral ink, so no cluster colour is implied
MARK_COLOR = "#D55E00"  # the recommended K: vermillion stands out on grey for every viewer
NEGATIVE_COLOR = "#000000"
# Series of the external-score chart: told apart by dash and symbol as well as shade.
_SERIES_LOOKS = (("#1A1A1A", "solid", "circle"), ("#6B6B6B", "dash", "square"),
                 ("#9A9A9A", "dot", "diamond"), ("#4D4D4D", "dashdot", "triangle-up"),
                 ("#808080", "longdash", "cross"))
#: Above this many points the scatter uses WebGL.
_GL_POINTS = 2000


def _small(fig: go.Figure, style: FigureStyle, title: str | None, height_ratio=0.55):
    apply_style(fig, style, escape_text(title) if title else None)
    # Room for the y axis title: the shared 10 px margin clips long titles in half-width charts.
    fig.update_layout(margin={"l": 4 * style.title_size + 10})
    fig.update_yaxes(automargin=True)
    return fig.update_layout(height=max(300, int(style.height * height_ratio)))


def _k_axis(fig: go.Figure, ks: np.ndarray, current_k: int | None, style: FigureStyle,
            label: bool = True, label_at: str = "bottom"):
    """K on x; the sidebar's K as a dotted line, labelled at ``label_at`` ("top" or
    "bottom": away from the recommended K's label) unless ``label`` is False (that label
    already names it)."""
    fig.update_xaxes(title_text=K_TITLE, tickmode="array", tickvals=ks.tolist(),
                     range=[ks.min() - 0.5, ks.max() + 0.5], zeroline=False)
    if current_k is not None and ks.min() <= current_k <= ks.max():
        fig.add_vline(x=current_k, line={"color": "#9A9A9A", "width": 1, "dash": "dot"},
                      annotation={"text": f"sidebar K={current_k}" if label else "", "font": {
                          "size": style.font_size - 2, "color": "#6B6B6B"}},
                      annotation_position=f"{label_at} right")


def score_vs_k_figure(
    ks: Sequence[int],
    values: Sequence[float],
    *,
    label: str,
    best_k: int | None = None,
    best_text: str = "best",
    current_k: int | None = None,
    lower: Sequence[float] | None = None,
    y_range: tuple[float, float] | None = None,
    style: FigureStyle = DEFAULT_STYLE,
    title: str | None = None,
) -> go.Figure:
    """One score against K, its recommended K marked with a ring and a label.

    Parameters
    ----------
    ks : sequence of int, length m
    values : sequence of float, length m
        NaN where the score is undefined (left out).
    label : str
        The score's name (y axis title; escaped here).
    best_k : int, optional
        K to mark, with ``best_text`` (e.g. "elbow", "peak").
    current_k : int, optional
        The sidebar's K, drawn as a dotted line.
    lower : sequence of float, length m, optional
        A lower bound drawn as a shaded band under the line (stability: the worst pair).
    y_range : (float, float), optional
    style : FigureStyle
    title : str, optional

    Returns
    -------
    go.Figure
        Trace 0 is the score line; its points carry K as ``customdata``.
    """
    ks = np.asarray(ks, dtype=int)
    y = np.asarray(values, dtype=np.float64)
    if y.shape != ks.shape:
        raise ValueError(f"values has {y.size} entries but ks has {ks.size}")
    if best_k is not None and best_k not in ks:
        raise ValueError(f"best_k={best_k} is not one of the Ks {ks.tolist()}")
    name = escape_text(label, MAX_LABEL_LENGTH)
    ok = np.isfinite(y)
    fig = go.Figure(go.Scatter(
        x=ks[ok], y=y[ok], mode="lines+markers", name=name, customdata=ks[ok],
        hovertemplate=f"K=%{{x}}<br>{name}: %{{y:.4g}}<extra></extra>", showlegend=False,
        line={"color": LINE_COLOR, "width": style.line_width},
        marker={"size": style.marker_size * 1.4, "color": LINE_COLOR},
    ))
    if lower is not None:
        low = np.asarray(lower, dtype=np.float64)
        both = ok & np.isfinite(low)
        fig.add_trace(go.Scatter(
            x=np.r_[ks[both], ks[both][::-1]], y=np.r_[y[both], low[both][::-1]],
            mode="lines", fill="toself", fillcolor="rgba(77,77,77,0.15)", line={"width": 0},
            hoverinfo="skip", name="lowest pair", showlegend=False,
        ))
    if best_k is not None and ok[ks == best_k].any():
        yb = float(y[ks == best_k][0])
        fig.add_trace(go.Scatter(
            x=[best_k], y=[yb], mode="markers", name=escape_text(best_text),
            customdata=[best_k], showlegend=False,
            hovertemplate=f"{escape_text(best_text)}: K=%{{x}}<extra></extra>",
            marker={"symbol": "circle-open", "size": style.marker_size * 3.2,
                    "color": MARK_COLOR, "line": {"width": style.line_width + 1}},
        ))
        # The label points in from the ring towards the middle of the chart, so it never
        # leaves the plot at a top or bottom extreme or at the first K.
        upper = yb >= np.nanmean(y[ok])
        same = best_k == current_k  # one label says both, so the two never overlap
        fig.add_annotation(
            x=best_k, y=yb, text=f"<b>{escape_text(best_text)} K={best_k}</b>"
            + (" (= sidebar K)" if same else ""),
            showarrow=True, arrowcolor=MARK_COLOR, arrowwidth=1.5,
            ax=45 if best_k < ks.max() else -45, ay=40 if upper else -40,
            font={"color": MARK_COLOR, "size": style.font_size}, bgcolor="rgba(255,255,255,0.8)",
        )
    _small(fig, style, title)
    marked = best_k is not None and ok[ks == best_k].any()
    # The best K's label points down from a high point and up from a low one: the sidebar
    # label goes to the other end of its line.
    high = marked and float(y[ks == best_k][0]) >= np.nanmean(y[ok])
    _k_axis(fig, ks, current_k, style, label=not (marked and best_k == current_k),
            label_at="top" if high else "bottom")
    fig.update_yaxes(title_text=name, range=list(y_range) if y_range else None)
    return fig


def external_vs_k_figure(
    ks: Sequence[int],
    series: Mapping[str, Sequence[float]],
    *,
    best: Mapping[str, int] | None = None,
    current_k: int | None = None,
    style: FigureStyle = DEFAULT_STYLE,
    title: str | None = None,
) -> go.Figure:
    """Several scores on one 0-1 scale against K (agreement with the true labels).

    ``series`` maps a label to m values; ``best`` maps the same labels to the K to ring.
    Traces: one line per series (in order, points carry K as ``customdata``), then rings.
    """
    ks = np.asarray(ks, dtype=int)
    fig = go.Figure()
    for i, (label, values) in enumerate(series.items()):
        y = np.asarray(values, dtype=np.float64)
        if y.shape != ks.shape:
            raise ValueError(f"{label!r} has {y.size} values but ks has {ks.size}")
        color, dash, symbol = _SERIES_LOOKS[i % len(_SERIES_LOOKS)]
        name = escape_text(label, MAX_LABEL_LENGTH)
        ok = np.isfinite(y)
        fig.add_trace(go.Scatter(
            x=ks[ok], y=y[ok], mode="lines+markers", name=name, customdata=ks[ok],
            hovertemplate=f"K=%{{x}}<br>{name}: %{{y:.3f}}<extra></extra>",
            line={"color": color, "dash": dash, "width": style.line_width},
            marker={"symbol": symbol, "size": style.marker_size * 1.3, "color": color},
        ))
    for label, k in (best or {}).items():
        y = np.asarray(series[label], dtype=np.float64)[ks == k]
        fig.add_trace(go.Scatter(
            x=[k], y=y, mode="markers", showlegend=False, customdata=[k],
            hovertemplate=f"{escape_text(label)} is highest at K=%{{x}}<extra></extra>",
            marker={"symbol": "circle-open", "size": style.marker_size * 2.8,
                    "color": MARK_COLOR, "line": {"width": style.line_width}},
        ))
    _small(fig, style, title)
    _k_axis(fig, ks, current_k, style)
    fig.update_yaxes(title_text="Agreement with true labels", range=[-0.05, 1.05])
    return fig


def silhouette_figure(
    values: Sequence[float],
    labels: Sequence[int],
    *,
    mean: float | None = None,
    style: FigureStyle = DEFAULT_STYLE,
    title: str | None = None,
) -> go.Figure:
    """The silhouette plot: each cluster's per-sample silhouettes sorted, as a coloured band.

    Parameters
    ----------
    values : sequence of float, length m
        Silhouette of each sample, in [-1, 1].
    labels : sequence of int, length m
        Cluster of each sample (>= 0).
    mean : float, optional
        Drawn as a dashed line; defaults to the mean of ``values``.
    style, title

    Returns
    -------
    go.Figure
        One filled trace per cluster present (in cluster order), named ``cluster_name(j)``.
    """
    v = np.asarray(values, dtype=np.float64)
    lab = np.asarray(labels, dtype=int)
    if v.shape != lab.shape or v.ndim != 1 or v.size == 0:
        raise ValueError(f"values and labels must be two 1-D arrays of one length; got "
                         f"{v.shape} and {lab.shape}")
    mean = float(v.mean()) if mean is None else float(mean)
    gap = max(2, v.size // 60)  # white space between bands, in samples
    fig = go.Figure()
    ticks, names, y0 = [], [], 0
    for j in np.unique(lab):
        s = np.sort(v[lab == j])  # smallest at the bottom of the band
        y = y0 + np.arange(s.size)
        negatives = int((s < 0).sum())
        name = f"{cluster_name(int(j))} ({s.size}, {negatives} negative)"
        fig.add_trace(go.Scatter(
            x=np.r_[0.0, s, 0.0], y=np.r_[y0, y, y0 + s.size - 1], fill="toself", mode="lines",
            fillcolor=cluster_color(int(j)), line={"color": cluster_color(int(j)), "width": 0.5},
            name=cluster_name(int(j)), hoverinfo="text",
            hovertext=f"{name}<br>mean {s.mean():.3f}", hoveron="fills", showlegend=False,
        ))
        ticks.append(y0 + (s.size - 1) / 2)
        names.append(cluster_name(int(j)))
        y0 += s.size + gap
    _small(fig, style, title, height_ratio=0.8)
    fig.add_vline(x=mean, line={"color": OUTLINE_COLOR, "width": style.line_width,
                                "dash": "dash"},
                  annotation={"text": f"mean {mean:.2f}", "font": {"size": style.font_size}},
                  annotation_position="top right")
    fig.add_vline(x=0, line={"color": "#9A9A9A", "width": 1})
    low = min(-0.1, float(v.min()) - 0.05)
    fig.update_xaxes(title_text="Silhouette (-1 to 1)",
                     range=[low, 1.0], zeroline=False)
    fig.update_yaxes(title_text="", tickmode="array", tickvals=ticks, ticktext=names,
                     showgrid=False, zeroline=False, range=[-gap, y0])
    return fig


def silhouette_scatter(
    points: np.ndarray,
    labels: Sequence[int],
    values: Sequence[float],
    *,
    axis_titles: Sequence[str] = ("x", "y"),
    hover_text: Sequence[str] | None = None,
    style: FigureStyle = DEFAULT_STYLE,
    title: str | None = None,
) -> go.Figure:
    """The points coloured as in the silhouette plot, negative-silhouette points ringed.

    Parameters
    ----------
    points : ndarray of shape (m, 2)
        Plot coordinates of the samples of the silhouette plot.
    labels, values : sequences of length m
    axis_titles : two str (escaped here)
    hover_text : sequence of str, length m, optional
        Already escaped (``<br>`` separated lines).
    style, title

    Returns
    -------
    go.Figure
        One trace per cluster, then one trace of the negative points (always present, maybe
        empty) named "negative silhouette (n)".
    """
    p = np.asarray(points, dtype=np.float64)
    lab = np.asarray(labels, dtype=int)
    v = np.asarray(values, dtype=np.float64)
    if p.ndim != 2 or p.shape[1] != 2 or not p.shape[0] == lab.size == v.size:
        raise ValueError(f"points must have shape (m, 2) with m = len(labels) = len(values); "
                         f"got {p.shape}, {lab.size}, {v.size}")
    scatter = go.Scattergl if p.shape[0] > _GL_POINTS else go.Scatter
    extra = np.asarray(hover_text, dtype=object) if hover_text is not None else None
    text = np.array([f"silhouette {s:.3f}" for s in v], dtype=object)
    if extra is not None:
        text = text + "<br>" + extra
    fig = go.Figure()
    for j in np.unique(lab):
        sel = lab == j
        fig.add_trace(scatter(
            x=p[sel, 0], y=p[sel, 1], mode="markers", name=cluster_name(int(j)),
            text=text[sel], hovertemplate=f"{cluster_name(int(j))}<br>%{{text}}<extra></extra>",
            marker={"color": cluster_color(int(j)), "size": style.marker_size,
                    "opacity": style.point_opacity},
        ))
    neg = v < 0
    fig.add_trace(scatter(
        x=p[neg, 0], y=p[neg, 1], mode="markers", name=f"negative silhouette ({int(neg.sum())})",
        text=text[neg], hovertemplate="closer to another cluster<br>%{text}<extra></extra>",
        marker={"symbol": "circle-open", "color": NEGATIVE_COLOR,
                "size": style.marker_size * 2.2, "line": {"width": style.line_width}},
    ))
    _small(fig, style, title, height_ratio=0.8)
    fig.update_xaxes(title_text=escape_text(axis_titles[0], MAX_LABEL_LENGTH))
    fig.update_yaxes(title_text=escape_text(axis_titles[1], MAX_LABEL_LENGTH))
    return fig


def init_study_figure(
    method_labels: Sequence[str],
    values: np.ndarray,
    *,
    value_label: str,
    seeds: Sequence[int],
    reference: float | None = None,
    reference_text: str = "best found",
    style: FigureStyle = DEFAULT_STYLE,
    title: str | None = None,
) -> go.Figure:
    """A box with every run drawn as a point, one per init method.

    Parameters
    ----------
    method_labels : sequence of str, length M
    values : ndarray of shape (M, R)
        One value per method and run (final objective, or iterations).
    value_label : str
        Y axis title.
    seeds : sequence of int, length R
        Shown on hover, so a run can be replayed.
    reference : float, optional
        A dashed horizontal line (the best objective found), with ``reference_text``.
    style, title

    Returns
    -------
    go.Figure
        One box trace per method (every run a point).
    """
    values = np.asarray(values, dtype=np.float64)
    seeds = np.asarray(seeds)
    if values.shape != (len(method_labels), len(seeds)):
        raise ValueError(f"values must have shape ({len(method_labels)}, {len(seeds)}); "
                         f"got {values.shape}")
    label = escape_text(value_label, MAX_LABEL_LENGTH)
    fig = go.Figure()
    for name, row in zip(method_labels, values, strict=True):
        # One word per line keeps the category labels level (and readable) on a projector.
        name = "<br>".join(escape_text(name, MAX_LABEL_LENGTH).split(" "))
        fig.add_trace(go.Box(
            y=row, name=name, boxpoints="all", jitter=0.5, pointpos=0, customdata=seeds,
            hovertemplate=f"{name}<br>seed %{{customdata}}<br>{label}: %{{y:.5g}}<extra></extra>",
            fillcolor="rgba(77,77,77,0.08)", line={"color": LINE_COLOR, "width": 1.5},
            marker={"color": "rgba(0,114,178,0.7)", "size": style.marker_size,
                    "line": {"width": 0.5, "color": OUTLINE_COLOR}},
            showlegend=False,
        ))
    _small(fig, style, title, height_ratio=0.7)
    if reference is not None:
        fig.add_hline(y=reference, line={"color": MARK_COLOR, "width": style.line_width,
                                         "dash": "dash"},
                      annotation={"text": escape_text(reference_text),
                                  "font": {"color": MARK_COLOR, "size": style.font_size}},
                      annotation_position="bottom right")
    fig.update_yaxes(title_text=label)
    fig.update_xaxes(title_text="Initialisation", tickangle=0)
    return fig
