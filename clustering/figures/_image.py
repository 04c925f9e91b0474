"""Figures of the colour-quantization page: palette swatches, pixels in colour space, error vs K.

Like every builder in this package they take computed results (a palette, shares, a pixel
sample, a sweep) and compute nothing clustering-related. Colours here are the data itself, so
the cluster palette of :mod:`clustering.figures` is not used; swatches get a thin dark
outline so a white colour stays visible on the white background.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from clustering.figures._style import (
    DEFAULT_STYLE,
    OUTLINE_COLOR,
    FigureStyle,
    axis_style,
    merge,
    new_figure,
    style_layout,
)

__all__ = ["color_space_figure", "error_curve_figure", "hex_color", "palette_figure"]

# Wide enough that 256 colours still read as separate swatches in a typical page column.
_MAX_TICK_LABELS = 24
_METHOD_DASH = {"kmeans": "solid", "random": "dot", "mediancut": "dash"}
_METHOD_COLOR = {"kmeans": "#0072B2", "random": "#A0A0A0", "mediancut": "#D55E00"}


def hex_color(rgb) -> str:
    """``(r, g, b)`` in 0-255 as ``#rrggbb``."""
    r, g, b = (int(v) for v in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"


def palette_figure(palette: np.ndarray, shares: np.ndarray, style: FigureStyle = DEFAULT_STYLE,
                   *, title: str | None = None, height: int | None = None) -> go.Figure:
    """Bars of the palette's colours, tallest (most pixels) first.

    Parameters
    ----------
    palette : ndarray of uint8, shape (k, 3)
    shares : ndarray of shape (k,)
        Fraction of pixels of each colour (sums to 1).
    style : FigureStyle
    title : str, optional
        Already escaped.
    height : int, optional

    Returns
    -------
    go.Figure
        One bar trace; ``customdata`` holds each bar's palette index.
    """
    palette = np.asarray(palette, dtype=np.uint8).reshape(-1, 3)
    shares = np.asarray(shares, dtype=np.float64)
    if shares.shape != (palette.shape[0],):
        raise ValueError(f"shares shape {shares.shape} must be ({palette.shape[0]},)")
    order = np.argsort(-shares, kind="stable")
    colors = [hex_color(palette[j]) for j in order]
    hover = [f"{c}<br>rgb({r}, {g}, {b})<br>{100 * s:.2f}% of pixels"
             for c, (r, g, b), s in zip(colors, palette[order].tolist(), shares[order],
                                        strict=True)]
    bar = go.Bar(
        x=list(range(len(order))), y=100 * shares[order], customdata=order,
        marker={"color": colors, "line": {"color": OUTLINE_COLOR, "width": 0.5}},
        hovertext=hover, hoverinfo="text", name="palette", showlegend=False,
    )
    many = len(order) > _MAX_TICK_LABELS
    xaxis = merge(axis_style(style), {
        "title": {"text": f"{len(order)} colours, most used first"},
        "showticklabels": not many, "tickmode": "array" if not many else "auto",
        "tickvals": list(range(len(order))) if not many else None,
        "ticktext": colors if not many else None, "tickangle": -45, "showgrid": False,
    })
    yaxis = merge(axis_style(style), {"title": {"text": "Share of pixels (%)"},
                                      "rangemode": "tozero"})
    layout = merge(style_layout(style, title), {
        "xaxis": xaxis, "yaxis": yaxis, "bargap": 0.08 if len(order) < 64 else 0.0,
        "height": height or max(260, style.height // 2),
    })
    return new_figure(style, data=[bar], layout=layout)


def color_space_figure(points: np.ndarray, point_rgb: np.ndarray, centers: np.ndarray,
                        palette: np.ndarray, axis_titles: tuple[str, str, str],
                        style: FigureStyle = DEFAULT_STYLE, *, ranges=None,
                        title: str | None = None) -> go.Figure:
    """A pixel sample in 3-D colour space, each point in its palette colour, plus the centres.

    Parameters
    ----------
    points : ndarray of shape (n, 3)
        Pixel coordinates in the colour space.
    point_rgb : ndarray of uint8, shape (n, 3)
        The colour to draw each point in (its palette colour, or its own).
    centers : ndarray of shape (k, 3)
        Palette colours' coordinates in the colour space.
    palette : ndarray of uint8, shape (k, 3)
    axis_titles : tuple of 3 str
        Plain text (drawn in WebGL; not user input).
    ranges : sequence of 3 (lo, hi) pairs, optional
        Fixed axis ranges, so the view does not jump when K changes.
    """
    points = np.asarray(points, dtype=np.float64).reshape(-1, 3)
    centers = np.asarray(centers, dtype=np.float64).reshape(-1, 3)
    colors = [hex_color(c) for c in np.asarray(point_rgb).reshape(-1, 3)]
    center_colors = [hex_color(c) for c in np.asarray(palette).reshape(-1, 3)]
    pixel_trace = go.Scatter3d(
        x=points[:, 0], y=points[:, 1], z=points[:, 2], mode="markers", name="pixels",
        marker={"size": max(2.5, style.marker_size / 2), "color": colors,
                "opacity": style.point_opacity},
        hoverinfo="skip",
    )
    center_trace = go.Scatter3d(
        x=centers[:, 0], y=centers[:, 1], z=centers[:, 2], mode="markers", name="palette colours",
        marker={"size": max(6.0, style.centroid_size / 2), "color": center_colors,
                "symbol": "diamond", "line": {"color": OUTLINE_COLOR, "width": 2}},
        hovertext=center_colors, hoverinfo="text",
    )
    axes = {}
    for i, name in enumerate(("xaxis", "yaxis", "zaxis")):
        axis = {"title": {"text": axis_titles[i], "font": {"size": style.font_size,
                                                           "color": style.font_color}},
                "tickfont": {"size": max(10, style.font_size - 2), "color": style.font_color},
                "gridcolor": style.grid_color, "backgroundcolor": style.background}
        if ranges is not None:
            axis["range"] = list(ranges[i])
        axes[name] = axis
    layout = merge(style_layout(style, title, axes=False), {
        "scene": {**axes, **_aspect(ranges),
                  "camera": {"eye": {"x": 1.45, "y": 1.45, "z": 0.95}}},
        "margin": {"l": 0, "r": 0, "t": 40 if title is None else 70, "b": 0},
        "height": max(560, style.height),
        "legend": {"orientation": "h", "y": 1.02, "x": 0.0},
        "uirevision": "colour-space",
    })
    return new_figure(style, data=[pixel_trace, center_trace], layout=layout)


def _log_ticks(errors: dict[str, np.ndarray]) -> dict:
    """1-2-5 ticks spanning the data; plotly's own log ticks label 2 and 5 without the decade."""
    values = np.concatenate([np.asarray(v, dtype=np.float64).ravel() for v in errors.values()]
                            or [np.zeros(0)])
    values = values[np.isfinite(values) & (values > 0)]
    if values.size == 0:
        return {}
    lo, hi = np.floor(np.log10(values.min())), np.ceil(np.log10(values.max()))
    ticks = [m * 10.0**e for e in range(int(lo), int(hi) + 1) for m in (1, 2, 5)]
    ticks = [t for t in ticks if values.min() / 2 <= t <= values.max() * 2]
    return {"tickvals": ticks, "ticktext": [f"{t:,.0f}" if t >= 1 else f"{t:g}" for t in ticks]}


def _aspect(ranges) -> dict:
    """Equal units on the three axes when ranges are fixed: k-means measures straight-line
    distance, so a unit of L* must look as long as a unit of a*."""
    if ranges is None:
        return {"aspectmode": "cube"}
    widths = np.array([hi - lo for lo, hi in ranges], dtype=np.float64)
    ratio = widths / widths.max()
    return {"aspectmode": "manual",
            "aspectratio": {"x": ratio[0], "y": ratio[1], "z": ratio[2]}}


def error_curve_figure(ks, errors: dict[str, np.ndarray], labels: dict[str, str],
                       style: FigureStyle = DEFAULT_STYLE, *, current_k: int | None = None,
                       title: str | None = None) -> go.Figure:
    """Mean squared error against K (log-2 axis), one line per method.

    Parameters
    ----------
    ks : array-like of int, shape (m,)
    errors : dict of str to ndarray of shape (m,)
        Method key -> MSE at each K.
    labels : dict of str to str
        Method key -> legend text.
    current_k : int, optional
        Marked with a vertical line.
    """
    ks = np.asarray(ks, dtype=int)
    traces = []
    for method, values in errors.items():
        traces.append(go.Scatter(
            x=ks, y=np.asarray(values, dtype=np.float64), mode="lines+markers",
            name=labels.get(method, method),
            line={"width": style.line_width, "dash": _METHOD_DASH.get(method, "solid"),
                  "color": _METHOD_COLOR.get(method)},
            marker={"size": style.marker_size},
            hovertemplate="K=%{x}: MSE %{y:.1f}<extra>%{fullData.name}</extra>",
        ))
    xaxis = merge(axis_style(style), {"title": {"text": "K (number of colours)"},
                                      "type": "log", "tickvals": ks.tolist(),
                                      "ticktext": [str(k) for k in ks]})
    yaxis = merge(axis_style(style), {"title": {"text": "Mean squared error (RGB)"},
                                      "type": "log", **_log_ticks(errors)})
    layout = merge(style_layout(style, title), {
        "xaxis": xaxis, "yaxis": yaxis, "height": max(320, style.height * 2 // 3),
        "legend": {"orientation": "h", "y": 1.02, "x": 0.0, "yanchor": "bottom"},
    })
    finite = np.concatenate([np.asarray(v, dtype=np.float64) for v in errors.values()] or
                            [np.zeros(0)])
    finite = finite[np.isfinite(finite) & (finite > 0)]
    if current_k is not None and finite.size:
        # A trace, not a layout shape: shapes on log axes need log coordinates.
        traces.append(go.Scatter(
            x=[current_k, current_k], y=[finite.min() * 0.8, finite.max() * 1.25], mode="lines",
            name=f"K = {current_k} (chosen)", hoverinfo="skip",
            line={"color": style.axis_color, "width": 1, "dash": "dot"},
        ))
    return new_figure(style, data=traces, layout=layout)
