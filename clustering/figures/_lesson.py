"""Figures of the guided k-means lesson (one or two per screen), drawn for the back row.

Builders take results computed in :mod:`clustering.lesson` and only draw them. Every 2-D
chart has one unit the same length on both axes, so "nearest" on screen is nearest in the
data, and all sizes come from the ``style`` (markers are drawn a size larger than on the
Explore page: a lesson has at most a few hundred points). Points are SVG scatter, not
WebGL, so the lines, arrows and labels drawn over them always sit on top.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from clustering.evaluation import METRICS
from clustering.figures._animation import step_caption
from clustering.figures._style import (
    DEFAULT_STYLE,
    MAX_LABEL_LENGTH,
    OUTLINE_COLOR,
    FigureStyle,
    cluster_color,
    cluster_name,
    escape_text,
    merge,
    new_figure,
    style_layout,
)
from clustering.lesson import AssignStep, CenterMoves, DistanceLines

__all__ = [
    "COLOR_NAMES",
    "assign_figure",
    "assign_timeline",
    "update_timeline",
    "centroids_figure",
    "centroid_numbers",
    "color_name",
    "fit_height",
    "lesson_ranges",
    "metric_bars_figure",
    "points_figure",
    "residuals_figure",
    "two_runs_figure",
    "update_figure",
]

#: Plain names of the palette colours, so a class can say "the orange one".
COLOR_NAMES: dict[str, str] = {
    "#0072B2": "blue", "#E69F00": "orange", "#009E73": "green", "#D55E00": "red",
    "#CC79A7": "pink", "#56B4E9": "sky blue", "#F0E442": "yellow", "#000000": "black",
    "#332288": "indigo", "#882255": "wine", "#88CCEE": "cyan", "#44AA99": "teal",
    "#117733": "dark green", "#999933": "olive", "#DDCC77": "sand", "#CC6677": "rose",
    "#AA4499": "purple",
}

POINT_COLOR = "#4D4D4D"  # points before any cluster exists: one neutral colour
LINE_GREY = "#7F7F7F"
_LESSON_MARKER = 1.4  # lesson markers relative to style.marker_size


def color_name(j: int) -> str:
    """Plain name of cluster ``j``'s colour (``"grey"`` for unassigned)."""
    return COLOR_NAMES.get(cluster_color(j), "grey")


def lesson_ranges(*arrays: np.ndarray, pad: float = 0.08) -> list[tuple[float, float]]:
    """Axis ranges holding every point of the given (n, 2) arrays, padded on each side."""
    A = np.vstack([np.asarray(a, dtype=np.float64).reshape(-1, 2) for a in arrays])
    lo, hi = A.min(axis=0), A.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    return [(float(lo[i] - pad * span[i]), float(hi[i] + pad * span[i])) for i in range(2)]


def fit_height(ranges, style: FigureStyle, *, rows: int = 1, columns: int = 1,
               title: bool = False) -> int:
    """Figure height (px) at which equal-scale axes fill a plot of typical width.

    Wide data (Iris petals are 2.5 times wider than tall) then gets a shorter figure
    instead of empty bands above and below the plot; square data keeps ``style.height``.
    """
    (x0, x1), (y0, y1) = ranges
    aspect = (x1 - x0) / (y1 - y0) if y1 > y0 and x1 > x0 else 1.0
    width = style.height * 1.6 / columns  # about what a plot gets on a wide page
    extra = style.font_size * 3 + style.title_size * 2 + (style.title_size * 2 if title else 0)
    return int(np.clip(rows * (width / aspect + extra), 320, rows * style.height))


def _layout(style: FigureStyle, axis_titles, ranges, title: str | None,
            xaxis: str = "xaxis", yaxis: str = "yaxis", anchor: str = "x") -> dict:
    names = [escape_text(t, MAX_LABEL_LENGTH) for t in axis_titles]
    return merge(
        style_layout(style, title),
        {
            "height": fit_height(ranges, style, title=bool(title)),
            xaxis: {"title": {"text": names[0]}, "range": list(ranges[0]), "constrain": "domain"},
            yaxis: {"title": {"text": names[1]}, "range": list(ranges[1]), "constrain": "domain",
                    "scaleanchor": anchor, "scaleratio": 1},
            "showlegend": False,
        },
    )


def _points(X, labels, style: FigureStyle, *, opacity: float | None = None, name="points",
            **axes) -> dict:
    colors = (POINT_COLOR if labels is None
               else [cluster_color(int(j)) for j in np.asarray(labels)])
    return {
        "type": "scatter", "x": X[:, 0], "y": X[:, 1], "mode": "markers", "name": name,
        "hovertemplate": "(%{x:.3g}, %{y:.3g})<extra></extra>",
        "marker": {"color": colors, "size": style.marker_size * _LESSON_MARKER,
                   "opacity": style.point_opacity if opacity is None else opacity,
                   "line": {"width": 0.8, "color": "rgba(0,0,0,0.5)"}},
        **axes,
    }


def _centroids(C, style: FigureStyle, *, hollow: bool = False, name: str = "centroids",
               **axes) -> dict:
    C = np.asarray(C, dtype=np.float64)
    colors = [cluster_color(j) for j in range(len(C))]
    return {
        "type": "scatter", "x": C[:, 0], "y": C[:, 1], "name": name, "mode": "markers",
        "hovertext": [f"{cluster_name(j)} centroid ({c[0]:.3g}, {c[1]:.3g})"
                      for j, c in enumerate(C)],
        "hoverinfo": "text",
        "marker": {"symbol": "x-open" if hollow else "x", "size": style.centroid_size,
                   "color": colors, "opacity": 0.75 if hollow else 1.0,
                   "line": {"width": max(1.5, style.line_width * 0.75),
                            "color": colors if hollow else OUTLINE_COLOR}},
        **axes,
    }


def centroid_numbers(C, style: FigureStyle, xref: str = "x", yref: str = "y") -> list[dict]:
    """Each centroid's number on a white tag beside it: annotations sit above every trace,
    so a number stays readable when two centroids start close together."""
    C = np.asarray(C, dtype=np.float64)
    shift = style.centroid_size * 0.75
    return [
        {"x": c[0], "y": c[1], "xref": xref, "yref": yref, "text": f"<b>{j}</b>",
         "showarrow": False, "xshift": shift, "yshift": shift,
         "font": {"size": style.title_size, "color": cluster_color(j)},
         "bgcolor": "rgba(255,255,255,0.85)", "borderpad": 1}
        for j, c in enumerate(C)
    ]


def _segments(starts, ends) -> tuple[list, list]:
    """x and y lists of separate segments (None between them): one trace, many lines."""
    xs, ys = [], []
    for a, b in zip(np.asarray(starts), np.asarray(ends), strict=True):
        xs += [a[0], b[0], None]
        ys += [a[1], b[1], None]
    return xs, ys


def _ring(X, row: int, style: FigureStyle) -> dict:
    return {
        "type": "scatter", "x": [X[row, 0]], "y": [X[row, 1]], "mode": "markers",
        "name": "highlighted point", "hoverinfo": "skip",
        "marker": {"symbol": "circle-open", "size": style.marker_size * 4,
                   "color": OUTLINE_COLOR, "line": {"width": style.line_width * 1.2}},
    }


def _callout(X, row: int, text: str, style: FigureStyle) -> dict:
    return {"x": X[row, 0], "y": X[row, 1], "text": text, "showarrow": True,
            "arrowhead": 2, "arrowwidth": max(1.5, style.line_width * 0.6),
            "arrowcolor": OUTLINE_COLOR, "ax": 60, "ay": -70,
            "font": {"size": style.font_size, "color": style.font_color},
            "bgcolor": "rgba(255,255,255,0.9)", "bordercolor": OUTLINE_COLOR, "borderpad": 4}


def points_figure(X: np.ndarray, axis_titles: Sequence[str], *, highlight: int | None = None,
                  ranges=None, style: FigureStyle = DEFAULT_STYLE,
                  title: str | None = None) -> go.Figure:
    """Screen 1: the points alone, one colour; ``highlight`` is circled with its numbers."""
    X = np.asarray(X, dtype=np.float64)
    ranges = ranges or lesson_ranges(X)
    traces = [_points(X, None, style)]
    layout = _layout(style, axis_titles, ranges, escape_text(title) if title else None)
    if highlight is not None:
        traces.append(_ring(X, highlight, style))
        x, y = X[highlight]
        layout["annotations"] = [_callout(X, highlight, f"one point = ({x:.3g}, {y:.3g})", style)]
    return new_figure(style, traces, layout=layout)


def centroids_figure(X: np.ndarray, centers: np.ndarray, axis_titles: Sequence[str], *,
                     links: tuple[np.ndarray, np.ndarray] | None = None, ranges=None,
                     style: FigureStyle = DEFAULT_STYLE, title: str | None = None) -> go.Figure:
    """Screen 2: grey points and the K starting centroids, numbered in the order picked.

    ``links`` (from :func:`clustering.lesson.init_links`) draws, dotted, each centroid's
    distance to the nearest one picked before it: why farthest-point picked it.
    """
    X = np.asarray(X, dtype=np.float64)
    centers = np.asarray(centers, dtype=np.float64)
    ranges = ranges or lesson_ranges(X, centers)
    traces = [_points(X, None, style, opacity=0.55)]
    if links is not None:
        segments, _ = links
        for i, (a, b) in enumerate(segments, start=1):
            traces.append({
                "type": "scatter", "x": [a[0], b[0]], "y": [a[1], b[1]], "mode": "lines",
                "name": f"centroid {i} farthest from the others", "hoverinfo": "skip",
                "line": {"color": cluster_color(i), "width": style.line_width, "dash": "dot"},
            })
    traces.append(_centroids(centers, style))
    layout = _layout(style, axis_titles, ranges, escape_text(title) if title else None)
    layout["annotations"] = centroid_numbers(centers, style)
    return new_figure(style, traces, layout=layout)


def assign_figure(X: np.ndarray, labels: np.ndarray, centers: np.ndarray,
                  axis_titles: Sequence[str], *, lines: DistanceLines | None = None,
                  highlight: int | None = None, question: str | None = None, ranges=None,
                  style: FigureStyle = DEFAULT_STYLE, title: str | None = None) -> go.Figure:
    """Screen 3: points coloured by ``labels`` (-1 = grey), centroids, distance lines.

    For each point of ``lines`` a solid line in the cluster's colour goes to its nearest
    centroid and a dashed grey one to each other centroid; the highlighted point's lines
    carry their lengths. ``question`` (raw text) is written next to the highlighted point.
    """
    X = np.asarray(X, dtype=np.float64)
    centers = np.asarray(centers, dtype=np.float64)
    ranges = ranges or lesson_ranges(X, centers)
    traces = [_points(X, labels, style)]
    annotations = []
    if lines is not None:
        k = len(lines.ends)
        others = [(s, lines.ends[j]) for s, near in zip(lines.starts, lines.nearest, strict=True)
                  for j in range(k) if j != near]
        if others:
            xs, ys = _segments(*zip(*others, strict=True))
            traces.append({"type": "scatter", "x": xs, "y": ys, "mode": "lines",
                           "name": "to the other centroids", "hoverinfo": "skip",
                           "line": {"color": LINE_GREY, "width": style.line_width * 0.6,
                                    "dash": "dash"}})
        for j in sorted(set(lines.nearest.tolist())):
            sel = lines.nearest == j
            xs, ys = _segments(lines.starts[sel], np.repeat(lines.ends[[j]], sel.sum(), 0))
            traces.append({"type": "scatter", "x": xs, "y": ys, "mode": "lines",
                           "name": f"to the nearest centroid ({cluster_name(j)})",
                           "hoverinfo": "skip",
                           "line": {"color": cluster_color(j), "width": style.line_width * 1.3}})
        if highlight is not None and highlight in lines.rows:
            i = int(np.flatnonzero(lines.rows == highlight)[0])
            mids = (lines.starts[i] + lines.ends) / 2
            near = 0.04 * float(np.linalg.norm([hi - lo for lo, hi in ranges]))
            for j in range(k):
                # Lines to two close centroids run side by side: stack their labels.
                clash = int(np.sum(np.linalg.norm(mids[:j] - mids[j], axis=1) < near))
                annotations.append({
                    "x": mids[j, 0], "y": mids[j, 1], "text": f"{lines.distances[i, j]:.2g}",
                    "showarrow": False, "bgcolor": "rgba(255,255,255,0.85)",
                    "yshift": -clash * style.font_size * 1.3,
                    "font": {"size": style.font_size, "color": cluster_color(j)
                             if j == lines.nearest[i] else style.font_color}})
    if highlight is not None:
        traces.append(_ring(X, highlight, style))
        if question:
            annotations.append(_callout(X, highlight, escape_text(question), style))
    traces.append(_centroids(centers, style))
    layout = _layout(style, axis_titles, ranges, escape_text(title) if title else None)
    layout["annotations"] = centroid_numbers(centers, style) + annotations
    return new_figure(style, traces, layout=layout)


def update_figure(X: np.ndarray, labels: np.ndarray, old: np.ndarray, new: np.ndarray,
                  axis_titles: Sequence[str], *, ranges=None,
                  style: FigureStyle = DEFAULT_STYLE, title: str | None = None) -> go.Figure:
    """Screen 4: each centroid's arrow from its old position (hollow) to the new (solid).

    Arrows are layout annotations pointing at ``new`` from ``old`` (data coordinates); a
    centroid that did not move gets no arrow.
    """
    X = np.asarray(X, dtype=np.float64)
    old = np.asarray(old, dtype=np.float64)
    new = np.asarray(new, dtype=np.float64)
    ranges = ranges or lesson_ranges(X, old, new)
    traces = [_points(X, labels, style, opacity=0.6),
              _centroids(old, style, hollow=True, name="old centroids"),
              _centroids(new, style, name="new centroids")]
    arrows = [
        {"x": b[0], "y": b[1], "ax": a[0], "ay": a[1], "xref": "x", "yref": "y",
         "axref": "x", "ayref": "y", "showarrow": True, "arrowhead": 3, "arrowsize": 1.2,
         "arrowwidth": style.line_width * 1.2, "arrowcolor": cluster_color(j),
         "standoff": style.centroid_size * 0.35, "text": ""}
        for j, (a, b) in enumerate(zip(old, new, strict=True)) if np.any(a != b)
    ]
    layout = _layout(style, axis_titles, ranges, escape_text(title) if title else None)
    layout["annotations"] = arrows + centroid_numbers(new, style)
    return new_figure(style, traces, layout=layout)


def residuals_figure(X: np.ndarray, labels: np.ndarray, centers: np.ndarray,
                     axis_titles: Sequence[str], *, ranges=None,
                     style: FigureStyle = DEFAULT_STYLE, title: str | None = None) -> go.Figure:
    """Screen 6: a line from every point to its own centroid; the error is their squares."""
    X = np.asarray(X, dtype=np.float64)
    centers = np.asarray(centers, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.int64)
    ranges = ranges or lesson_ranges(X, centers)
    traces = []
    for j in range(len(centers)):
        sel = labels == j
        if sel.any():
            xs, ys = _segments(X[sel], np.repeat(centers[[j]], sel.sum(), 0))
            traces.append({"type": "scatter", "x": xs, "y": ys, "mode": "lines",
                           "name": f"{cluster_name(j)} lines", "hoverinfo": "skip",
                           "line": {"color": cluster_color(j), "width": style.line_width * 0.5}})
    traces += [_points(X, labels, style), _centroids(centers, style)]
    layout = _layout(style, axis_titles, ranges, escape_text(title) if title else None)
    layout["annotations"] = centroid_numbers(centers, style)
    return new_figure(style, traces, layout=layout)


def two_runs_figure(X: np.ndarray, labels: Sequence[np.ndarray], paths: Sequence[np.ndarray],
                    names: Sequence[str], axis_titles: Sequence[str], *, ranges=None,
                    style: FigureStyle = DEFAULT_STYLE) -> go.Figure:
    """Screen 7: two runs side by side on the same axes (one above the other when the data
    is much wider than tall, so each panel keeps a readable height).

    Parameters
    ----------
    X : ndarray of shape (n, 2)
    labels : two ndarrays of shape (n,)
        Final clusters of each run.
    paths : two ndarrays of shape (n_steps, k, 2)
        Each run's centres at every step (``History.centers``): a hollow mark where each
        centroid started, its path, and an X where it ended.
    names : two str
        Panel titles, raw (escaped here), e.g. ``"Start A: error 388"``.
    """
    X = np.asarray(X, dtype=np.float64)
    ranges = ranges or lesson_ranges(X, *[np.asarray(p).reshape(-1, 2) for p in paths])
    (x0, x1), (y0, y1) = ranges
    stacked = (x1 - x0) > 1.5 * (y1 - y0)
    rows, cols = (2, 1) if stacked else (1, 2)
    fig = make_subplots(rows=rows, cols=cols, horizontal_spacing=0.08, vertical_spacing=0.2,
                        subplot_titles=[escape_text(n, MAX_LABEL_LENGTH) for n in names])
    layout = style_layout(style, None)
    numbers: list[dict] = []
    for i, (lab, path) in enumerate(zip(labels, paths, strict=True), start=1):
        at = {"row": i if stacked else 1, "col": 1 if stacked else i}
        path = np.asarray(path, dtype=np.float64)
        fig.add_trace(go.Scatter(_points(X, lab, style)), **at)
        for j in range(path.shape[1]):
            fig.add_trace(go.Scatter(
                x=path[:, j, 0], y=path[:, j, 1], mode="lines", hoverinfo="skip",
                name=f"{cluster_name(j)} path",
                line={"color": cluster_color(j), "width": style.line_width, "dash": "dot"}),
                **at)
        fig.add_trace(go.Scatter(_centroids(path[0], style, hollow=True, name="start")), **at)
        fig.add_trace(go.Scatter(_centroids(path[-1], style, name="end")), **at)
        suffix = "" if i == 1 else str(i)
        numbers += centroid_numbers(path[-1], style, f"x{suffix}", f"y{suffix}")
        axis = _layout(style, axis_titles, ranges, None, f"xaxis{suffix}", f"yaxis{suffix}",
                       f"x{suffix}")
        layout = merge(layout, {f"xaxis{suffix}": merge(layout["xaxis"], axis[f"xaxis{suffix}"]),
                                f"yaxis{suffix}": merge(layout["yaxis"], axis[f"yaxis{suffix}"])})
    layout.update(showlegend=False,
                  height=fit_height(ranges, style, rows=rows, columns=cols, title=True))
    layout["margin"] = {**layout["margin"], "t": style.title_size * 3}
    fig.update_layout(template=style.template, **layout)
    fig.update_annotations(font={"size": style.title_size, "color": style.font_color})
    for note in numbers:  # after the titles' restyle, so numbers keep their colours
        fig.add_annotation(note)
    return fig


def metric_bars_figure(values: Mapping[str, float | None], *,
                       style: FigureStyle = DEFAULT_STYLE, title: str | None = None) -> go.Figure:
    """Screen 8: one bar per score, those needing true groups apart from the silhouette.

    ``values`` maps keys of :data:`clustering.evaluation.METRICS` to a score or None (drawn as
    an empty bar labelled "n/a").
    """
    groups = {True: ("needs the true groups", "#0072B2"),
              False: ("needs only the points", "#E69F00")}
    order = list(values)
    traces = []
    for needs, (name, color) in groups.items():
        keys = [key for key in order if METRICS[key].needs_labels == needs]
        if not keys:
            continue
        vals = [values[key] for key in keys]
        traces.append({
            "type": "bar", "orientation": "h", "name": name,
            "y": [METRICS[key].label for key in keys],
            "x": [0.0 if v is None else v for v in vals],
            "text": ["n/a" if v is None else f"{v:.2f}" for v in vals],
            "textposition": "outside", "cliponaxis": False,
            "textfont": {"size": style.font_size, "color": style.font_color},
            "marker": {"color": color, "line": {"width": 1, "color": OUTLINE_COLOR}},
            "hovertext": [METRICS[key].explanation for key in keys], "hoverinfo": "text",
        })
    low = min([0.0, *[v for v in values.values() if v is not None]])
    # The legend sits between the title and the bars: room for both, title pinned on top.
    top = style.font_size * 2.5 + (style.title_size * 1.8 if title else 0) + 10
    layout = merge(style_layout(style, escape_text(title) if title else None), {
        "margin": {"t": top},
        "title": {"yref": "container", "y": 1, "yanchor": "top", "pad": {"t": 8}},
        "xaxis": {"range": [min(-0.05, low - 0.1), 1.15], "title": {"text": "score (1 = best)"},
                  "zeroline": True, "zerolinecolor": style.axis_color},
        "yaxis": {"autorange": "reversed", "categoryorder": "array",
                  "categoryarray": [METRICS[key].label for key in order]},
        "showlegend": True, "barmode": "overlay",
        "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        "height": max(360, int(style.height * 0.75)),
    })
    return new_figure(style, traces, layout=layout)


# --- screens 3 and 4 as timelines: one frame per assign (update) step of the run ------------


def _lesson_timeline(frames: list[dict], captions: list[str], layout: dict, start: int,
                     style: FigureStyle, centroids: int) -> go.Figure:
    """A figure whose frames are lesson screens of one fixed trace structure.

    Frame ``i`` (named ``str(i)``) replaces every trace and the annotations; its caption is
    its layout's title, as in :func:`clustering.figures.timeline_figure`, so the page's
    timeline component steps it the same way (``meta.timeline.layout_frames``: annotations
    move with the frames).
    """
    n = len(frames)
    if not n:
        raise ValueError("a lesson timeline needs at least one step")
    if not 0 <= start < n:
        raise ValueError(f"start={start} must be in [0, {n})")
    traces = list(range(len(frames[0]["data"])))
    out = [{"name": str(i), "data": f["data"], "traces": traces,
            "layout": {"title": {"text": captions[i]}, "annotations": f["annotations"]}}
           for i, f in enumerate(frames)]
    layout = merge(layout, {
        "title": {"text": captions[start]},
        "annotations": frames[start]["annotations"],
        "meta": {"timeline": {"start": start, "steps": n, "redraw": False,
                              "layout_frames": True, "movable": False,
                              "centroids": centroids}},
    })
    return new_figure(style, frames[start]["data"], out, layout)


def _assign_frame(X, a: AssignStep, highlight: int | None, ranges, style: FigureStyle) -> dict:
    k = len(a.centers)
    lines = a.lines
    others = [(p, lines.ends[j]) for p, near in zip(lines.starts, lines.nearest, strict=True)
              for j in range(k) if j != near]
    xs, ys = _segments(*zip(*others, strict=True)) if others else ([], [])
    data = [_points(X, a.labels, style),
            {"type": "scatter", "x": xs, "y": ys, "mode": "lines",
             "name": "to the other centroids", "hoverinfo": "skip",
             "line": {"color": LINE_GREY, "width": style.line_width * 0.6, "dash": "dash"}}]
    for j in range(k):
        sel = lines.nearest == j
        xs, ys = _segments(lines.starts[sel], np.repeat(lines.ends[[j]], sel.sum(), 0))
        data.append({"type": "scatter", "x": xs, "y": ys, "mode": "lines",
                     "name": f"to the nearest centroid ({cluster_name(j)})", "hoverinfo": "skip",
                     "line": {"color": cluster_color(j), "width": style.line_width * 1.3}})
    ring = _ring(X, highlight if highlight is not None else 0, style)
    if highlight is None:
        ring.update(x=[], y=[])
    data += [ring, _centroids(a.centers, style)]
    notes = centroid_numbers(a.centers, style)
    if highlight is not None and highlight in lines.rows:
        i = int(np.flatnonzero(lines.rows == highlight)[0])
        mids = (lines.starts[i] + lines.ends) / 2
        near = 0.04 * float(np.linalg.norm([hi - lo for lo, hi in ranges]))
        for j in range(k):
            clash = int(np.sum(np.linalg.norm(mids[:j] - mids[j], axis=1) < near))
            notes.append({
                "x": mids[j, 0], "y": mids[j, 1], "text": f"{lines.distances[i, j]:.2g}",
                "showarrow": False, "bgcolor": "rgba(255,255,255,0.85)",
                "yshift": -clash * style.font_size * 1.3,
                "font": {"size": style.font_size, "color": cluster_color(j)
                         if j == lines.nearest[i] else style.font_color}})
    return {"data": data, "annotations": notes}


def assign_timeline(X: np.ndarray, steps: Sequence[AssignStep], axis_titles: Sequence[str], *,
                    last_step: int, highlight: int | None = None, ranges=None, start: int = 0,
                    style: FigureStyle = DEFAULT_STYLE) -> go.Figure:
    """Screen 3 as a timeline: every assign step of the run, points coloured by the cluster
    they join, a few points' lines to every centroid (solid to the nearest).

    Parameters
    ----------
    X : ndarray of shape (n, 2)
    steps : sequence of AssignStep
        From :func:`clustering.lesson.assign_steps`.
    axis_titles : two str
    last_step : int
        The run's last step, so captions count steps as every other timeline does.
    highlight : int, optional
        The point whose distances are written on its lines.
    ranges : two (low, high), optional
    start : int
        The frame shown first.
    style : FigureStyle
    """
    X = np.asarray(X, dtype=np.float64)
    ranges = ranges or lesson_ranges(X, *[a.centers for a in steps])
    frames = [_assign_frame(X, a, highlight, ranges, style) for a in steps]
    captions = [step_caption(a.step, last_step, "assign", a.iteration) for a in steps]
    layout = _layout(style, axis_titles, ranges, "")
    return _lesson_timeline(frames, captions, layout, start, style,
                            centroids=len(frames[0]["data"]) - 1)


def update_timeline(X: np.ndarray, steps: Sequence[CenterMoves], axis_titles: Sequence[str], *,
                    last_step: int, iterations: Sequence[int], notes: Sequence[str] = (),
                    ranges=None, start: int = 0, center_rule: str = "mean",
                    style: FigureStyle = DEFAULT_STYLE) -> go.Figure:
    """Screen 4 as a timeline: every update step, each centroid's arrow from where it was
    (hollow) to the mean of its points (filled).

    ``notes`` (raw text, escaped here; one per step, optional) ends each caption, e.g. how
    far each centroid moved.
    """
    X = np.asarray(X, dtype=np.float64)
    ranges = ranges or lesson_ranges(X, *[m.old for m in steps], *[m.new for m in steps])
    frames = []
    for m in steps:
        old, new = np.asarray(m.old, dtype=np.float64), np.asarray(m.new, dtype=np.float64)
        arrows = [
            {"x": b[0], "y": b[1], "ax": a[0], "ay": a[1], "xref": "x", "yref": "y",
             "axref": "x", "ayref": "y", "showarrow": True, "arrowhead": 3, "arrowsize": 1.2,
             "arrowwidth": style.line_width * 1.2, "arrowcolor": cluster_color(j),
             "standoff": style.centroid_size * 0.35, "text": ""}
            for j, (a, b) in enumerate(zip(old, new, strict=True)) if np.any(a != b)
        ]
        frames.append({"data": [_points(X, m.labels, style, opacity=0.6),
                                _centroids(old, style, hollow=True, name="old centroids"),
                                _centroids(new, style, name="new centroids")],
                       "annotations": arrows + centroid_numbers(new, style)})
    captions = [step_caption(m.step, last_step, "update", it, center_rule,
                             notes[i] if i < len(notes) else None)
                for i, (m, it) in enumerate(zip(steps, iterations, strict=True))]
    layout = _layout(style, axis_titles, ranges, "")
    return _lesson_timeline(frames, captions, layout, start, style, centroids=2)
