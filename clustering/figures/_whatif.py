"""Run A and run B side by side, in the same projection and axis ranges."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from clustering.figures._style import (
    DEFAULT_STYLE,
    OUTLINE_COLOR,
    FigureStyle,
    apply_style,
    cluster_color,
    escape_text,
)


def whatif_figure(
    points: np.ndarray,
    labels_a: np.ndarray,
    labels_b: np.ndarray,
    changed: np.ndarray,
    *,
    axis_titles: Sequence[str],
    ranges: Sequence[tuple[float, float]],
    centers_a: np.ndarray | None = None,
    centers_b: np.ndarray | None = None,
    titles: tuple[str, str] = ("Run A (pinned)", "Run B (current)"),
    style: FigureStyle = DEFAULT_STYLE,
) -> go.Figure:
    """Two panels: points coloured by A's clusters and by B's (matched to A's colours).

    Parameters
    ----------
    points : ndarray of shape (m, 2)
        Drawn points in plot coordinates (the same for both panels).
    labels_a, labels_b : ndarray of shape (m,)
        Cluster of each drawn point in A, and in B renumbered to match A
        (:func:`clustering.evaluation.compare_runs`' ``aligned_b``), so colours agree.
    changed : ndarray of bool, shape (m,)
        Points whose matched cluster differs; ringed in black in B's panel.
    axis_titles : sequence of 2 str
        Raw names (escaped here).
    ranges : sequence of 2 (low, high)
        Shared by both panels.
    centers_a, centers_b : ndarray of shape (k, 2), optional
        Centres in plot coordinates (B's already renumbered); drawn as large X markers.
    titles : pair of str
        Panel titles (raw text, escaped here).
    style : FigureStyle

    Returns
    -------
    go.Figure
    """
    fig = make_subplots(rows=1, cols=2, shared_xaxes=True, shared_yaxes=True,
                        horizontal_spacing=0.04,
                        subplot_titles=[escape_text(t) for t in titles])
    for col, (labels, centers) in enumerate(((labels_a, centers_a), (labels_b, centers_b)), 1):
        fig.add_trace(go.Scattergl(
            x=points[:, 0], y=points[:, 1], mode="markers", showlegend=False, hoverinfo="skip",
            marker={"size": style.marker_size, "opacity": style.point_opacity,
                    "color": [cluster_color(int(j)) for j in labels]},
        ), row=1, col=col)
        if centers is not None:
            fig.add_trace(go.Scatter(
                x=centers[:, 0], y=centers[:, 1], mode="markers", showlegend=False,
                hoverinfo="skip",
                marker={"size": style.centroid_size, "symbol": "x",
                        "color": [cluster_color(j) for j in range(len(centers))],
                        "line": {"width": style.line_width, "color": OUTLINE_COLOR}},
            ), row=1, col=col)
    moved = np.flatnonzero(changed)
    fig.add_trace(go.Scattergl(
        x=points[moved, 0], y=points[moved, 1], mode="markers",
        name=f"changed cluster ({len(moved)})", hoverinfo="skip",
        marker={"size": style.marker_size + 6, "color": "rgba(0,0,0,0)",
                "line": {"width": max(1.5, style.line_width / 1.5), "color": OUTLINE_COLOR}},
    ), row=1, col=2)
    apply_style(fig, style)
    fig.update_layout(legend={"orientation": "h", "y": -0.12}, uirevision="whatif")
    for col in (1, 2):
        fig.update_xaxes(title_text=escape_text(axis_titles[0]), range=list(ranges[0]),
                         row=1, col=col)
    fig.update_yaxes(title_text=escape_text(axis_titles[1]), range=list(ranges[1]), row=1, col=1)
    fig.update_yaxes(range=list(ranges[1]), row=1, col=2)
    return fig
