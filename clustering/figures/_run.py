"""The k-means run as an animated scatter: one frame per history step.

The builder takes a computed run (labels and centres per step, already projected to the
plot space) and only draws it. Frame structure is fixed so plotly can animate in the
browser without a server round trip: every frame updates the same traces in the same order
(``frame.traces``), and every drawn point is in every frame (one points trace whose
colours change), so a point never jumps between traces.

Trace order (2-D): [regions heatmap], points, one trajectory per cluster, centroids, then
legend-only key entries (clusters, unassigned, centroid, true classes), which frames leave
alone. 3-D has no regions. The objective curve is in :mod:`clustering.figures`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from clustering.figures._animation import (
    axes_layout,
    centroid_symbol,
    class_marker,
    controls_layout,
    frame_name,
    legend_key,
    point_symbol,
)
from clustering.figures._style import (
    DEFAULT_STYLE,
    MAX_LABEL_LENGTH,
    OUTLINE_COLOR,
    FigureStyle,
    cluster_color,
    cluster_name,
    escape_lines,
    escape_text,
    label_colorscale,
    merge,
    new_figure,
    style_layout,
)
from clustering.view import RegionGrid

UPDATE_TEXT = {
    "mean": "update: centres move to the mean of their points",
    "median": "update: centres move to the median of their points",
    "normalized-mean": "update: centres move to the mean direction of their points",
    "medoid": "update: centres move to their most central point",
}
PHASE_TEXT = {
    "init": "init: centres placed, no point assigned yet",
    "assign": "assign: points join their nearest centre",
    "update": UPDATE_TEXT["mean"],
}


def _check_run(points, step_labels, centers, phases, iterations, objective):
    points = np.asarray(points, dtype=np.float64)
    step_labels = np.asarray(step_labels)
    centers = np.asarray(centers, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] not in (2, 3):
        raise ValueError(f"points must have shape (m, 2) or (m, 3); got {points.shape}")
    m, d = points.shape
    if step_labels.ndim != 2 or step_labels.shape[1] != m or step_labels.shape[0] < 1:
        raise ValueError(f"step_labels must have shape (n_steps, {m}); got {step_labels.shape}")
    n_steps = step_labels.shape[0]
    if centers.ndim != 3 or centers.shape[0] != n_steps or centers.shape[2] != d:
        raise ValueError(
            f"centers must have shape ({n_steps}, k, {d}) to match points and step_labels; "
            f"got {centers.shape}"
        )
    for name, seq in (("phases", phases), ("iterations", iterations), ("objective", objective)):
        if len(seq) != n_steps:
            raise ValueError(f"{name} has length {len(seq)}; expected n_steps={n_steps}")
    k = centers.shape[1]
    if step_labels.size and (step_labels.min() < -1 or step_labels.max() >= k):
        raise ValueError(f"step_labels must lie in -1 .. {k - 1} (k={k} centres)")
    # The smallest integer type keeps each frame's label array small on the wire (plotly
    # sends numpy arrays as typed binary).
    return points, step_labels.astype(np.int8 if k < 127 else np.int16), centers


def _class_order(name: str) -> tuple:
    """Numbers in numeric order ("2" before "10"), then text."""
    try:
        return (0, float(name), name)
    except ValueError:
        return (1, 0.0, name)


def _trajectory(centers: np.ndarray, s: int, j: int) -> np.ndarray:
    """Positions of centroid ``j`` from the start to step ``s``, skipping steps it stayed."""
    path = centers[: s + 1, j]
    keep = np.ones(len(path), dtype=bool)
    keep[1:] = np.any(path[1:] != path[:-1], axis=1)
    return path[keep]


def _coords(a: np.ndarray, d: int) -> dict:
    out = {"x": a[:, 0], "y": a[:, 1]}
    if d == 3:
        out["z"] = a[:, 2]
    return out


def _point_hover(points, hover_text, axis_titles) -> list[str]:
    if hover_text is not None:
        if len(hover_text) != len(points):
            raise ValueError(
                f"hover_text has {len(hover_text)} entries; expected one per point ({len(points)})"
            )
        return [escape_lines(t) for t in hover_text]
    names = [escape_text(t, MAX_LABEL_LENGTH) for t in axis_titles]
    return ["<br>".join(f"{n}: {v:.4g}" for n, v in zip(names, row, strict=True)) for row in points]


def _centroid_hover(c: np.ndarray, names: list[str]) -> list[str]:
    return [
        f"{cluster_name(j)} centroid<br>"
        + "<br>".join(f"{n}: {v:.4g}" for n, v in zip(names, row, strict=True))
        for j, row in enumerate(c)
    ]


def _step_title(title, phase, iteration, objective_value, phase_text) -> str:
    text = f"Iteration {int(iteration)} \u00b7 {escape_text(phase_text.get(phase, phase))}"
    if objective_value is not None and np.isfinite(objective_value):
        text += f" \u00b7 objective {objective_value:.4g}"
    return f"<b>{escape_text(title)}</b><br>{text}" if title else text


def run_figure(
    points: np.ndarray,
    step_labels: np.ndarray,
    centers: np.ndarray,
    phases: Sequence[str],
    iterations: Sequence[int],
    objective: Sequence[float],
    *,
    axis_titles: Sequence[str],
    ranges: Sequence[tuple[float, float]],
    hover_text: Sequence[str | Sequence[str]] | None = None,
    true_labels: Sequence | None = None,
    regions: Sequence[RegionGrid] | None = None,
    start_step: int | None = None,
    style: FigureStyle = DEFAULT_STYLE,
    title: str | None = None,
    center_rule: str = "mean",
    equal_aspect: bool = False,
    uirevision: str | None = None,
    rings: Sequence[int] | None = None,
    ring_name: str = "flagged outliers",
) -> go.Figure:
    """Animated scatter of a k-means run: one frame per history step.

    Parameters
    ----------
    points : ndarray of shape (m, 2) or (m, 3)
        Drawn points in plot coordinates (already sampled and projected).
    step_labels : ndarray of shape (n_steps, m) int
        Cluster of each drawn point at each step; -1 for unassigned (the init step).
    centers : ndarray of shape (n_steps, k, 2) or (n_steps, k, 3)
        Centres at each step, in the same plot coordinates.
    phases : sequence of str, length n_steps
        ``"init"``, ``"assign"`` or ``"update"`` (``History.phase``).
    iterations : sequence of int, length n_steps
    objective : sequence of float, length n_steps
        Shown in each frame's title; NaN is left out.
    axis_titles : sequence of str, length 2 or 3
        Raw names (escaped here).
    ranges : sequence of (low, high), one per axis
        Fixed for all frames, so points do not jump when the view would rescale.
    hover_text : sequence, length m, optional
        Per point: a str (lines separated by ``"\\n"``) or a list of lines; raw text,
        escaped here. Default: the point's coordinates.
    true_labels : sequence, length m, optional
        True class of each drawn point: points are then shaped by class, with a legend of
        class names (escaped).
    regions : sequence of RegionGrid, length n_steps, optional
        Voronoi shading per step (2-D only), from :func:`clustering.view._regions.region_grids`.
    start_step : int, optional
        Step shown before the animation plays; default the last.
    style : FigureStyle
    title : str, optional
        Raw text (escaped here), shown above the per-step phase line.
    center_rule : str, default="mean"
        The run's centre rule, so the update caption says what the centres move to.
    equal_aspect : bool, default=False
        One unit is the same length on both axes (honest distances; good with regions).
    uirevision : str, optional
        Zoom and legend state survive reruns while this stays the same; default derived
        from the axis titles, so picking other axes resets the zoom.
    rings : sequence of int, optional
        Positions (into ``points``) of points to ring, e.g. flagged outliers: one static
        trace after the legend key (points never move between frames, so frames leave it
        alone and the axis ranges stay fixed).
    ring_name : str
        Legend entry of the rings (raw text, escaped here), followed by their count.

    Returns
    -------
    go.Figure
        ``len(fig.frames) == n_steps``; frame ``s`` is named ``frame_name(iterations[s],
        phases[s])``.
    """
    points, step_labels, centers = _check_run(
        points, step_labels, centers, phases, iterations, objective
    )
    m, d = points.shape
    n_steps, k = centers.shape[:2]
    if len(axis_titles) != d or len(ranges) != d:
        raise ValueError(
            f"axis_titles and ranges need {d} entries each; got {len(axis_titles)} and "
            f"{len(ranges)}"
        )
    if regions is not None and (d != 2 or len(regions) != n_steps):
        raise ValueError(
            f"regions need 2-D points and one grid per step ({n_steps}); got d={d}, "
            f"{len(regions)} grids"
        )
    if true_labels is not None and len(true_labels) != m:
        raise ValueError(f"true_labels has {len(true_labels)} entries; expected m={m}")
    s0 = n_steps - 1 if start_step is None else int(start_step)
    if not 0 <= s0 < n_steps:
        raise ValueError(f"start_step={start_step} must be in [0, {n_steps})")
    phase_text = {**PHASE_TEXT, "update": UPDATE_TEXT.get(center_rule, UPDATE_TEXT["mean"])}
    names = [escape_text(t, MAX_LABEL_LENGTH) for t in axis_titles]
    # Traces are plain dicts, validated once when the figure is built: building graph
    # objects per frame and then the figure validated every array twice (3x slower).
    ttype = "scattergl" if d == 2 else "scatter3d"
    colorscale, cmin, cmax = label_colorscale(k)
    marker_scale = 0.6 if d == 3 else 1.0  # scatter3d sizes read larger than 2-D ones

    # Symbols: by true class when given; else by palette round when k outgrows the palette.
    classes = None
    symbols_by_step = None
    point_symbols = None
    if true_labels is not None:
        cls_text = np.array([str(v) for v in true_labels], dtype=object)
        classes = sorted(set(cls_text), key=_class_order)
        sym_of = {c: class_marker(i, d) for i, c in enumerate(classes)}
        point_symbols = [sym_of[c] for c in cls_text]
    elif point_symbol(k - 1, d) != point_symbol(0, d):
        sym = np.array([point_symbol(j, d) for j in range(-1, k)], dtype=object)
        symbols_by_step = [list(sym[lab + 1]) for lab in step_labels]

    def points_marker(s: int, full: bool) -> dict:
        mk = {"color": step_labels[s]}
        if symbols_by_step is not None:
            mk["symbol"] = symbols_by_step[s]
        if full:
            mk.update(
                colorscale=colorscale,
                cmin=cmin,
                cmax=cmax,
                showscale=False,
                size=style.marker_size * marker_scale,
                opacity=style.point_opacity,
                # A thin dark edge keeps pale colours (yellow, sand) visible on white;
                # 3-D markers go without, as WebGL outlines can render broken.
                line={"width": 0.5 if d == 2 else 0, "color": "rgba(0,0,0,0.45)"},
            )
            if point_symbols is not None:
                mk["symbol"] = point_symbols
        return mk

    def step_traces(s: int, full: bool) -> list:
        traces = []
        if regions is not None:
            g = regions[s]
            heat = {"z": g.z.astype(step_labels.dtype)}
            if full:
                heat.update(
                    x=g.x,
                    y=g.y,
                    colorscale=colorscale,
                    zmin=cmin,
                    zmax=cmax,
                    showscale=False,
                    opacity=style.region_opacity,
                    hoverinfo="skip",
                    zsmooth=False,
                    name="regions",
                    showlegend=False,
                )
            traces.append({"type": "heatmap", **heat})
        pts = {"marker": points_marker(s, full)}
        if full:
            pts.update(
                _coords(points, d),
                mode="markers",
                name="points",
                showlegend=False,
                text=_point_hover(points, hover_text, axis_titles),
                hovertemplate="%{text}<extra></extra>",
            )
        traces.append({"type": ttype, **pts})
        for j in range(k):
            path = _trajectory(centers, s, j)
            tr = _coords(path, d)
            if full:
                tr.update(
                    mode="lines+markers",
                    showlegend=False,
                    hoverinfo="skip",
                    name=f"{cluster_name(j)} path",
                    line={"color": cluster_color(j), "width": style.line_width},
                    marker={
                        "color": cluster_color(j),
                        "size": style.marker_size * 0.9,
                        "line": {"width": 1, "color": OUTLINE_COLOR},
                    },
                )
            traces.append({"type": ttype, **tr})
        c = centers[s]
        cen = {**_coords(c, d), "text": _centroid_hover(c, names)}
        if full:
            cen.update(
                mode="markers",
                name="centroids",
                showlegend=False,
                hovertemplate="%{text}<extra></extra>",
                marker={
                    "symbol": centroid_symbol(d),
                    "color": [cluster_color(j) for j in range(k)],
                    "size": style.centroid_size * marker_scale,
                    "line": {"width": max(1.5, style.line_width * 0.75), "color": OUTLINE_COLOR},
                },
            )
        traces.append({"type": ttype, **cen})
        return traces

    key = legend_key(k, bool((step_labels < 0).any()), classes, style, d)
    frame_names = [frame_name(iterations[s], phases[s]) for s in range(n_steps)]
    frames = []
    # Frames list only the animated traces (all but the legend key, which comes last), so
    # the key is not rebuilt in every frame; plotly leaves unlisted traces as they are.
    animated = list(range(len(step_traces(s0, full=False))))
    for s in range(n_steps):
        obj = float(objective[s]) if objective[s] is not None else None
        text = _step_title(title, phases[s], iterations[s], obj, phase_text)
        frames.append(
            {
                "name": frame_names[s],
                "data": step_traces(s, full=False),
                "traces": animated,
                "layout": {"title": {"text": text}},
            }
        )
    obj0 = float(objective[s0]) if objective[s0] is not None else None
    layout = merge(
        style_layout(
            style, _step_title(title, phases[s0], iterations[s0], obj0, phase_text), axes=d == 2
        ),
        axes_layout(axis_titles, ranges, equal_aspect, style),
        controls_layout(frame_names, s0, style, d),
        {
            "uirevision": uirevision if uirevision is not None else "|".join(names),
            "legend": {"itemclick": False, "itemdoubleclick": False},
            "margin": {"t": style.title_size * 4 + 10},
        },
    )
    extra = [] if rings is None else [_ring_trace(points, rings, ring_name, style, d)]
    return new_figure(style, step_traces(s0, full=True) + key + extra, frames, layout)


def _ring_trace(points: np.ndarray, rings, name: str, style: FigureStyle, d: int) -> dict:
    rows = np.asarray(rings, dtype=np.int64)
    if rows.size and (rows.min() < 0 or rows.max() >= len(points)):
        raise ValueError(f"rings must index the {len(points)} drawn points")
    scale = 0.6 if d == 3 else 1.0
    return {
        "type": "scattergl" if d == 2 else "scatter3d",
        **_coords(points[rows], d),
        "mode": "markers",
        "name": f"{escape_text(name)} ({rows.size:,})",
        "hoverinfo": "skip",
        "showlegend": True,
        "marker": {"symbol": "circle-open", "size": (style.marker_size + 9) * scale,
                   "color": OUTLINE_COLOR,
                   "line": {"width": max(1.5, style.line_width), "color": OUTLINE_COLOR}},
    }


__all__ = ["PHASE_TEXT", "UPDATE_TEXT", "frame_name", "run_figure"]
