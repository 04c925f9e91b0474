"""Figures of the Compare page: the grid of small scatter panels, the agreement heatmap, the
dendrogram and DBSCAN's k-distance plot.

The grid is ONE figure whose panels are subplots laid out by hand (``make_subplots`` costs
tens of milliseconds more for 40 panels) and drawn as SVG ``scatter``: a browser allows only
a handful of WebGL contexts, and a grid of ``scattergl`` charts would exhaust them. Each panel
therefore draws a bounded number of points (the caller picks them with
:func:`clustering.view.display_rows`).

Builders compute nothing clustering-related: they take coordinates, labels and texts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from clustering.figures._style import (
    DEFAULT_STYLE,
    NOISE_COLOR,
    FigureStyle,
    axis_style,
    cluster_color,
    escape_lines,
    escape_text,
    label_colorscale,
    merge,
    new_figure,
    style_layout,
)

__all__ = [
    "GRID_PANEL_HEIGHT",
    "agreement_figure",
    "dendrogram_figure",
    "grid_figure",
    "k_distance_figure",
    "ordinal",
]

GRID_PANEL_HEIGHT = 150
"""Height of one grid row in px (at the default style) with up to 6 columns."""
GRID_WIDTH = 950
"""The width the grid is expected to get (px, a wide page on a laptop): with more than 6
columns rows get shorter, so panels stay about square instead of tall and thin."""

_GAP_X, _GAP_Y = 0.012, 0.03  # gaps between panels, as fractions of the plotting area

if TYPE_CHECKING:
    from clustering.compare import Panel


# eq=False: fields hold arrays.


def _domains(count: int, gap: float) -> list[tuple[float, float]]:
    size = (1 - gap * (count - 1)) / count
    return [(i * (size + gap), i * (size + gap) + size) for i in range(count)]


def grid_figure(
    panels: list[list[Panel]],
    row_titles: list[str],
    column_titles: list[str],
    *,
    style: FigureStyle = DEFAULT_STYLE,
    panel_height: int | None = None,
) -> go.Figure:
    """Rows of datasets by columns of algorithms, one small scatter per cell.

    Parameters
    ----------
    panels : list of rows, each a list of Panel
        ``panels[r][c]`` is dataset ``r`` under algorithm ``c``; every row has
        ``len(column_titles)`` panels.
    row_titles, column_titles : list of str
        Plain text (escaped here).
    style : FigureStyle
    panel_height : int or None
        Height of one row in px (scaled up with the style's font size); None: 150, less
        with more than 6 columns (never below 80).

    Returns
    -------
    go.Figure
        One scatter trace per panel that ran (named ``"row r, column c"`` in ``meta``),
        axes ``x, x2 ... x{rows*cols}`` in row-major order, annotations for titles, corners
        and messages.
    """
    n_rows, n_cols = len(panels), len(column_titles)
    if len(row_titles) != n_rows or any(len(row) != n_cols for row in panels):
        raise ValueError(f"panels must be {len(row_titles)} rows of {n_cols} panels")
    scale = style.font_size / DEFAULT_STYLE.font_size
    if panel_height is None:
        panel_height = int(np.clip(GRID_WIDTH / max(n_cols, 1), 80, GRID_PANEL_HEIGHT))
    narrow = n_cols > 7
    height = int(n_rows * panel_height * scale + (56 if narrow else 40) * scale)
    row_dom = _domains(n_rows, _GAP_Y)[::-1]  # first row on top
    col_dom = _domains(n_cols, _GAP_X)
    small = {"size": max(9 if narrow else 10, style.font_size - (4 if narrow else 2)),
             "color": style.font_color}
    marker_size = max(3.0, style.marker_size * 0.45)
    layout: dict = {"showlegend": False, "height": height, "hovermode": "closest",
                    "dragmode": False}
    data, annotations = [], []
    for r, row in enumerate(panels):
        for c, panel in enumerate(row):
            i = r * n_cols + c + 1
            # plotly names the first axes "x"/"y" ("x1 domain" is refused as a reference).
            sx, sy = (f"x{i}", f"y{i}") if i > 1 else ("x", "y")
            axis = {**axis_style(style), "showgrid": False, "showticklabels": False,
                    "ticks": "", "mirror": True, "linecolor": style.grid_color,
                    "fixedrange": True, "automargin": False, "title": None}
            layout[f"xaxis{i}"] = {**axis, "domain": col_dom[c], "anchor": sy}
            layout[f"yaxis{i}"] = {**axis, "domain": row_dom[r], "anchor": sx}
            ref = {"xref": f"{sx} domain", "yref": f"{sy} domain", "showarrow": False}
            if panel.labels is not None:
                labels = np.asarray(panel.labels)
                k = int(labels.max()) + 1 if labels.size else 0
                scale_, cmin, cmax = label_colorscale(max(k, 1))
                data.append(go.Scatter(
                    x=panel.x, y=panel.y, mode="markers", xaxis=sx, yaxis=sy,
                    marker={"color": labels, "colorscale": scale_, "cmin": cmin, "cmax": cmax,
                            "size": marker_size, "opacity": style.point_opacity,
                            "line": {"width": 0}},
                    hovertemplate="cluster %{marker.color}<extra></extra>",
                    meta=f"row {r}, column {c}", name=f"{row_titles[r]} / {column_titles[c]}",
                ))
            if panel.corner:
                annotations.append({**ref, "x": 0.99, "y": 0.01, "xanchor": "right",
                                    "yanchor": "bottom", "text": escape_lines(panel.corner),
                                    "font": small, "bgcolor": "rgba(255,255,255,0.75)"})
            if panel.message:
                annotations.append({**ref, "x": 0.5, "y": 0.5, "text": _wrap(panel.message),
                                    "font": {**small, "color": NOISE_COLOR}})
    title_font = {"size": style.font_size - (3 if narrow else 0), "color": style.font_color}
    # Narrow columns get their titles on two or three lines rather than running together.
    width = 40 if n_cols <= 3 else 24 if n_cols <= 5 else 14 if n_cols <= 7 else 8
    for c, title in enumerate(column_titles):
        annotations.append({"xref": "paper", "yref": "paper", "x": sum(col_dom[c]) / 2,
                            "y": 1.0, "yanchor": "bottom", "showarrow": False, "align": "center",
                            "text": f"<b>{_wrap(title, width, lines=3 if narrow else 2)}</b>",
                            "font": title_font})
    # Rotated row titles run along the row's height: wrap them to fit it.
    row_chars = max(8, int(panel_height * 0.9 / (0.6 * title_font["size"])))
    for r, title in enumerate(row_titles):
        annotations.append({"xref": "paper", "yref": "paper", "x": 0, "xanchor": "right",
                            "y": sum(row_dom[r]) / 2, "showarrow": False, "textangle": -90,
                            "text": _wrap(title, row_chars, lines=2), "font": title_font})
    layout["annotations"] = annotations
    base = style_layout(style, axes=False)
    base["margin"] = {"l": int(44 * scale), "r": 10, "t": int((58 if narrow else 44) * scale),
                      "b": 6}
    fig = new_figure(style, data=data, layout=merge(base, layout))
    return fig


def _wrap(text: str, width: int = 22, lines: int = 4) -> str:
    """Escape and break short text into at most ``lines`` lines of about ``width``
    characters (longer words are cut with an ellipsis)."""
    out, line = [], ""
    for word in str(text).split():
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    out.append(line)
    if len(out) > lines:
        out = out[: lines - 1] + [" ".join(out[lines - 1:])]
    return "<br>".join(escape_text(part, width + 4) for part in out)


def agreement_figure(matrix: pd.DataFrame, *, style: FigureStyle = DEFAULT_STYLE,
                     title: str | None = None) -> go.Figure:
    """Heatmap of the adjusted Rand index between every pair of algorithms.

    Parameters
    ----------
    matrix : pandas.DataFrame of shape (m, m)
        Symmetric ARI values; index/columns are display names (plain text).
    style : FigureStyle
    title : str or None
        Plain text.

    Returns
    -------
    go.Figure
        One heatmap trace, values written in the cells; colour from 0 (chance) to 1
        (identical); the first name on top.
    """
    names = [escape_text(n, 28) for n in matrix.index]
    z = matrix.to_numpy(dtype=float)
    text = [[f"{v:.2f}" for v in row] for row in z]
    heat = go.Heatmap(
        z=z, x=names, y=names, text=text, texttemplate="%{text}", zmin=0.0, zmax=1.0,
        colorscale="Blues", colorbar={"title": {"text": "ARI"}, "thickness": 12},
        hovertemplate="%{y} vs %{x}<br>ARI %{z:.3f}<extra></extra>",
        textfont={"size": style.font_size},
    )
    size = max(320, 60 * len(names) + 160)
    layout = merge(style_layout(style, escape_text(title) if title else None), {
        "height": size,
        "xaxis": {"showgrid": False, "showline": False, "ticks": "", "tickangle": -30},
        "yaxis": {"showgrid": False, "showline": False, "ticks": "", "autorange": "reversed"},
    })
    return new_figure(style, data=[heat], layout=layout)


def dendrogram_figure(tree, *, style: FigureStyle = DEFAULT_STYLE,
                      title: str | None = None) -> go.Figure:
    """The merge tree of agglomerative clustering, coloured by cluster below the cut.

    Parameters
    ----------
    tree : clustering.compare.DendrogramData
    style : FigureStyle
    title : str or None
        Plain text.

    Returns
    -------
    go.Figure
        One line trace per cluster below the cut (cluster colours) plus one grey trace for
        the links above it, and a dashed line at the cut height when there is one.
    """
    data = []
    groups = sorted(set(tree.link_cluster.tolist()))
    for g in groups:
        idx = np.flatnonzero(tree.link_cluster == g)
        xs = np.full((len(idx), 5), np.nan)
        ys = np.full((len(idx), 5), np.nan)
        xs[:, :4], ys[:, :4] = tree.icoord[idx], tree.dcoord[idx]
        data.append(go.Scatter(
            x=xs.ravel(), y=ys.ravel(), mode="lines", connectgaps=False,
            line={"color": cluster_color(g) if g >= 0 else NOISE_COLOR,
                  "width": max(1.0, style.line_width * 0.6)},
            name=f"Cluster {g}" if g >= 0 else "above the cut", hoverinfo="skip",
        ))
    shapes = []
    if tree.cut_height is not None:
        shapes.append({"type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y",
                       "y0": tree.cut_height, "y1": tree.cut_height,
                       "line": {"dash": "dash", "color": style.axis_color,
                                "width": max(1.0, style.line_width / 2)}})
    layout = merge(style_layout(style, escape_text(title) if title else None), {
        "height": int(style.height * 0.7), "showlegend": False, "shapes": shapes,
        "xaxis": {"showticklabels": False, "ticks": "", "showgrid": False,
                  "title": {"text": f"{tree.n_leaves} points (leaves)"}},
        "yaxis": {"title": {"text": "merge distance"}},
    })
    return new_figure(style, data=data, layout=layout)


def k_distance_figure(distances: np.ndarray, k: int, eps: float, *, knee_index: int | None,
                      style: FigureStyle = DEFAULT_STYLE, title: str | None = None) -> go.Figure:
    """The sorted k-distance curve with the eps in use, and the knee that suggests it.

    Parameters
    ----------
    distances : ndarray of shape (m,)
        Each point's distance to its k-th nearest neighbour, sorted increasing.
    k : int
    eps : float
        The radius DBSCAN used (drawn as a dashed horizontal line).
    knee_index : int or None
        Where the curve bends most (a marker).
    style : FigureStyle
    title : str or None
        Plain text.

    Returns
    -------
    go.Figure
        Traces ``"k-distance"`` and, with a knee, ``"knee"``; a horizontal line at eps.
    """
    distances = np.asarray(distances, dtype=float)
    order = np.arange(distances.size)
    data = [go.Scatter(x=order, y=distances, mode="lines", name="k-distance",
                       line={"color": cluster_color(0), "width": style.line_width},
                       hovertemplate="point %{x}<br>distance %{y:.3g}<extra></extra>")]
    if knee_index is not None:
        data.append(go.Scatter(
            x=[knee_index], y=[distances[knee_index]], mode="markers", name="knee",
            marker={"size": style.marker_size * 1.6, "color": cluster_color(1),
                    "line": {"width": 1, "color": style.axis_color}},
            hovertemplate="knee: %{y:.3g}<extra></extra>",
        ))
    shapes = [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": eps,
               "y1": eps, "line": {"dash": "dash", "color": cluster_color(3),
                                   "width": max(1.0, style.line_width / 2)}}]
    annotations = [{"xref": "paper", "x": 0.01, "y": eps, "yref": "y", "yanchor": "bottom",
                    "xanchor": "left", "showarrow": False, "text": f"eps = {eps:.3g}",
                    "font": {"size": style.font_size, "color": cluster_color(3)}}]
    layout = merge(style_layout(style, escape_text(title) if title else None), {
        "height": int(style.height * 0.65), "showlegend": False, "shapes": shapes,
        "annotations": annotations,
        "xaxis": {"title": {"text": "points, sorted by that distance"}},
        "yaxis": {"title": {"text": f"distance to the {ordinal(k)} nearest neighbour"}},
    })
    return new_figure(style, data=data, layout=layout)


def ordinal(k: int) -> str:
    """1st, 2nd, 3rd, 4th, ... 11th, 12th, 13th, 21st."""
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"
