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


# --- the objective as a panel of the run's timeline ------------------------------------------

#: How each kind of step is marked on the curve (symbol, fill); neutral colours, since
#: cluster colours here would suggest the points belong to clusters.
STEP_MARKS = {
    "assign": ("circle", "#3A3A3A", "after assign"),
    "update": ("diamond", "#FFFFFF", "after update"),
    "final": ("circle", "#3A3A3A", "after assign"),
    "move": ("star", "#E69F00", "after your move"),
}


def objective_panel(
    objective: Sequence[float],
    phases: Sequence[str],
    iterations: Sequence[int],
    *,
    metric_label: str,
    style: FigureStyle,
    xaxis: str = "x2",
    yaxis: str = "y2",
) -> tuple[list[dict], dict]:
    """The objective against the step (half-steps, the timeline's own count), as a subplot.

    Returns the static traces (the curve, one marker set per kind of step) and the layout of
    the two axes (fixed ranges, so the cursor never rescales them). The moving cursor is
    :func:`objective_cursor`. ``metric_label`` is raw text (escaped here); ``phases`` are the
    timeline's display phases (:func:`clustering.view.display_steps`).
    """
    y = np.asarray(objective, dtype=np.float64)
    n = len(y)
    if len(phases) != n or len(iterations) != n:
        raise ValueError(
            f"objective, phases and iterations must have one entry per step; got {n}, "
            f"{len(phases)}, {len(iterations)}"
        )
    x = np.arange(n, dtype=np.float64)
    ph = np.asarray(phases, dtype=object)
    ok = np.isfinite(y)
    label = escape_text(metric_label, MAX_LABEL_LENGTH)
    on = {"xaxis": xaxis, "yaxis": yaxis}
    traces = [{
        "type": "scatter", **on, "x": x[ok], "y": y[ok], "mode": "lines", "showlegend": False,
        "hoverinfo": "skip", "name": "objective", "line": {"color": "#777777",
                                                            "width": style.line_width},
    }]
    shown = set()
    for phase, (symbol, color, name) in STEP_MARKS.items():
        sel = ok & (ph == phase)
        if not sel.any():
            continue
        traces.append({
            "type": "scatter", **on, "x": x[sel], "y": y[sel], "mode": "markers",
            "name": name, "legendgroup": name, "showlegend": False,
            "text": [f"step {s} \u00b7 iteration {int(iterations[s])} \u00b7 "
                     f"{escape_text(phases[s])}<br>{label}: {y[s]:.6g}"
                     for s in np.flatnonzero(sel)],
            "hovertemplate": "%{text}<extra></extra>",
            "marker": {"symbol": symbol, "color": color, "size": style.marker_size * 1.3,
                       "line": {"width": 1, "color": OUTLINE_COLOR}},
        })
        shown.add(name)
    finite = y[ok]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    pad = 0.08 * (hi - lo) if hi > lo else max(abs(hi) * 0.1, 1.0)
    axes = {
        f"xaxis{xaxis[1:]}": {
            "title": {"text": "Step"}, "range": [-0.5, max(n - 0.5, 0.5)],
            "autorange": False, "anchor": yaxis, "zeroline": False,
            **({"dtick": 1} if n <= 12 else {}),
        },
        f"yaxis{yaxis[1:]}": {
            "title": {"text": label}, "range": [lo - pad, hi + pad], "autorange": False,
            "anchor": xaxis, "zeroline": False, "nticks": 5,
        },
    }
    return traces, axes


def objective_cursor(objective: Sequence[float], step: int, y_range: Sequence[float], *,
                     style: FigureStyle, xaxis: str = "x2", yaxis: str = "y2") -> list[dict]:
    """The timeline's cursor on the objective panel at ``step``: a dashed vertical line and a
    ring around the step's value, written beside it (both empty where the objective is
    undefined, before the first assign)."""
    value = float(objective[step])
    on = {"type": "scatter", "xaxis": xaxis, "yaxis": yaxis, "hoverinfo": "skip",
          "showlegend": False}
    ring = [value] if np.isfinite(value) else [None]
    # The value rides on the ring (a trace, so it moves with the frames without a redraw).
    text = [f"{value:.5g}"] if np.isfinite(value) else [""]
    where = "top left" if step > 0 else "top right"
    return [
        {**on, "name": "current step line", "x": [step, step], "y": list(y_range),
         "mode": "lines",
         "line": {"color": OUTLINE_COLOR, "width": max(1.0, style.line_width * 0.6),
                  "dash": "dash"}},
        {**on, "name": "current step", "x": [step], "y": ring, "mode": "markers+text",
         "text": text, "textposition": where, "cliponaxis": False,
         "textfont": {"size": style.font_size, "color": style.font_color},
         "marker": {"symbol": "circle-open", "color": OUTLINE_COLOR,
                    "size": style.marker_size * 3, "line": {"width": style.line_width}}},
    ]
