"""The objective per step of a k-means run, with the step on screen marked."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from clustering.figures._style import (
    DEFAULT_STYLE,
    MAX_LABEL_LENGTH,
    OUTLINE_COLOR,
    FigureStyle,
    escape_text,
    merge,
    new_figure,
    style_layout,
)


def objective_figure(
    objective: Sequence[float],
    phases: Sequence[str],
    iterations: Sequence[int],
    *,
    current_step: int | None = None,
    metric_label: str = "Total reconstruction error",
    style: FigureStyle = DEFAULT_STYLE,
    title: str | None = None,
) -> go.Figure:
    """The objective at every step, assign and update half-steps marked apart.

    The x axis is the iteration: an assign step sits at ``iteration - 0.5`` and its update
    at ``iteration``, so each iteration's two drops read left to right.

    Parameters
    ----------
    objective : sequence of float, length n_steps
        NaN (the init step) is left out.
    phases : sequence of str, length n_steps
    iterations : sequence of int, length n_steps
    current_step : int, optional
        Step to mark (the one the scatter shows).
    metric_label : str
        Y axis title (escaped here).
    style : FigureStyle
    title : str, optional

    Returns
    -------
    go.Figure
    """
    y = np.asarray(objective, dtype=np.float64)
    n = len(y)
    if len(phases) != n or len(iterations) != n:
        raise ValueError(
            f"objective, phases and iterations must have one entry per step; got {n}, "
            f"{len(phases)}, {len(iterations)}"
        )
    if current_step is not None and not 0 <= current_step < n:
        raise ValueError(f"current_step={current_step} must be in [0, {n})")
    it = np.asarray(iterations, dtype=np.float64)
    ph = np.asarray(phases, dtype=object)
    x = np.where(ph == "assign", it - 0.5, it)
    label = escape_text(metric_label, MAX_LABEL_LENGTH)
    hover = [
        f"iteration {int(i)} \u00b7 {escape_text(p)}<br>{label}: {v:.6g}"
        for i, p, v in zip(iterations, phases, y, strict=True)
    ]
    ok = np.isfinite(y)
    traces = [
        {
            "type": "scatter",
            "x": x[ok],
            "y": y[ok],
            "mode": "lines",
            "showlegend": False,
            "hoverinfo": "skip",
            "line": {"color": "#777777", "width": style.line_width},
        }
    ]
    # Neutral colours: cluster colours here would suggest the points belong to clusters.
    looks = {
        "assign": ("circle", "#3A3A3A", "after assign"),
        "update": ("diamond", "#FFFFFF", "after update"),
    }
    for phase, (symbol, color, name) in looks.items():
        sel = ok & (ph == phase)
        traces.append(
            {
                "type": "scatter",
                "x": x[sel],
                "y": y[sel],
                "mode": "markers",
                "name": name,
                "text": [hover[i] for i in np.flatnonzero(sel)],
                "hovertemplate": "%{text}<extra></extra>",
                "marker": {
                    "symbol": symbol,
                    "color": color,
                    "size": style.marker_size * 1.6,
                    "line": {"width": 1, "color": OUTLINE_COLOR},
                },
            }
        )
    shapes = []
    if current_step is not None:
        xc = float(x[current_step])
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": xc,
                "x1": xc,
                "y0": 0,
                "y1": 1,
                "line": {"color": OUTLINE_COLOR, "width": style.line_width, "dash": "dash"},
            }
        )
        if ok[current_step]:
            traces.append(
                {
                    "type": "scatter",
                    "x": [xc],
                    "y": [y[current_step]],
                    "mode": "markers",
                    "name": "current step",
                    "hoverinfo": "skip",
                    "marker": {
                        "symbol": "circle-open",
                        "color": OUTLINE_COLOR,
                        "size": style.marker_size * 3.2,
                        "line": {"width": style.line_width},
                    },
                }
            )
    layout = merge(
        style_layout(style, escape_text(title) if title else None),
        {
            "xaxis": {"title": {"text": "Iteration"}},
            "yaxis": {"title": {"text": label}},
            "shapes": shapes,
            # Tall enough that a presentation-size y title is not clipped.
            "height": max(360, int(style.height * 0.6)),
            "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        },
    )
    if np.nanmax(it, initial=0) <= 20:
        layout["xaxis"]["dtick"] = 1
    fig = new_figure(style, traces, layout=layout)
    return fig
