"""The objective per step of a k-means run as a panel of the run's timeline, with a cursor on
the step on screen (:func:`clustering.figures.timeline_figure` moves both with its frames)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from clustering.figures._style import (
    MAX_LABEL_LENGTH,
    OUTLINE_COLOR,
    FigureStyle,
    escape_text,
)

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
