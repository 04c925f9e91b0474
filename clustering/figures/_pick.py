"""The chart on which a user clicks data points to place the initial centres by hand."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from clustering.figures._style import (
    DEFAULT_STYLE,
    NOISE_COLOR,
    FigureStyle,
    apply_style,
    cluster_color,
    escape_lines,
    escape_text,
)


def pick_figure(
    points: np.ndarray,
    rows: np.ndarray,
    picked_rows: Sequence[int],
    *,
    axis_titles: Sequence[str],
    ranges: Sequence[tuple[float, float]],
    hover_text: Sequence[Sequence[str]] | None = None,
    style: FigureStyle = DEFAULT_STYLE,
) -> go.Figure:
    """Grey points to click on, with the centres picked so far drawn in their cluster colours.

    Parameters
    ----------
    points : ndarray of shape (m, 2)
        Drawn points in plot coordinates.
    rows : ndarray of shape (m,)
        Data row of each drawn point; carried as ``customdata`` so a click names its row.
    picked_rows : sequence of int
        Rows already picked, in order (the i-th becomes centre i).
    axis_titles : sequence of 2 str
        Raw names (escaped here).
    ranges : sequence of 2 (low, high)
    hover_text : sequence of m lists of str, optional
        Raw hover lines per point (escaped here).
    style : FigureStyle

    Returns
    -------
    go.Figure
        Trace 0 holds the clickable points (its ``customdata`` is the row).
    """
    hover = None if hover_text is None else [escape_lines(lines) for lines in hover_text]
    fig = go.Figure(
        go.Scattergl(
            x=points[:, 0],
            y=points[:, 1],
            mode="markers",
            customdata=np.asarray(rows),
            marker={"size": style.marker_size + 2, "color": NOISE_COLOR, "opacity": 0.8},
            hovertext=hover,
            hoverinfo="text" if hover else None,
            name="data points",
            showlegend=False,
        )
    )
    position = {int(r): i for i, r in enumerate(rows)}
    for j, row in enumerate(picked_rows):
        if int(row) not in position:
            continue
        x, y = points[position[int(row)]]
        fig.add_trace(
            go.Scatter(
                x=[x],
                y=[y],
                mode="markers+text",
                text=[str(j)],
                textposition="top center",
                marker={
                    "size": style.centroid_size,
                    "symbol": "x",
                    "color": cluster_color(j),
                    "line": {"width": style.line_width, "color": "#000000"},
                },
                name=f"centre {j}",
                hoverinfo="skip",
            )
        )
    apply_style(fig, style, title=escape_text("Click points to place the initial centres"))
    # Streamlit sets clickmode/dragmode for point selection itself; ours would override it.
    fig.update_layout(uirevision="pick")
    fig.update_xaxes(title_text=escape_text(axis_titles[0]), range=list(ranges[0]))
    fig.update_yaxes(title_text=escape_text(axis_titles[1]), range=list(ranges[1]))
    return fig
