"""The k-means run as one timeline: one frame per history step.

The builder takes a computed run (labels and centres per step, already projected to the
plot space) and only draws it. Frame structure is fixed so plotly can animate in the
browser without a server round trip: every frame updates the same traces in the same order
(``frame.traces``), and every drawn point is in every frame (one points trace whose
colours change), so a point never jumps between traces.

Trace order (2-D): [regions heatmap], points, one trajectory per cluster, [centres as
computed, when centroids are drawn at their members' mean], centroids, then legend-only key
entries (clusters, unassigned, centroid, true classes), which frames leave alone. 3-D has no
regions. :func:`timeline_figure` puts the objective panel (static curve, then its two-trace
cursor) between the centroids and the key, and moves the cursor and the caption with the
same frames.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from clustering.figures._animation import (
    axes_layout,
    centroid_symbol,
    class_marker,
    cluster_shape,
    direction_key,
    legend_key,
    step_caption,
)
from clustering.figures._objective import objective_cursor, objective_panel
from clustering.figures._style import (
    DEFAULT_STYLE,
    MAX_LABEL_LENGTH,
    OUTLINE_COLOR,
    FigureStyle,
    axis_style,
    cluster_color,
    cluster_name,
    escape_lines,
    escape_text,
    label_colorscale,
    merge,
    style_layout,
)
from clustering.view import RegionGrid


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


def _centroid_hover(c: np.ndarray, names: list[str], what: str = "centroid") -> list[str]:
    return [
        f"{cluster_name(j)} {what}<br>"
        + "<br>".join(f"{n}: {v:.4g}" for n, v in zip(names, row, strict=True))
        for j, row in enumerate(c)
    ]


class _Scatter:
    """The run's scatter, step by step: the traces every frame updates and the legend key.

    Drawn by :func:`timeline_figure` (scatter, objective panel and caption moving together).
    ``shapes``: ``"class"`` (by true class; needs ``true_labels``) or ``"cluster"`` (every
    cluster its own shape, so identity never rests on colour alone).
    """

    def __init__(self, points, step_labels, centers, *, axis_titles, hover_text, true_labels,
                 regions, style, shapes="cluster", member_means=None, gl=True):
        self.points, self.step_labels, self.centers = points, step_labels, centers
        self.style, self.regions = style, regions
        m, d = points.shape
        n_steps, k = centers.shape[:2]
        self.d, self.k, self.n_steps = d, k, n_steps
        if regions is not None and (d != 2 or len(regions) != n_steps):
            raise ValueError(
                f"regions need 2-D points and one grid per step ({n_steps}); got d={d}, "
                f"{len(regions)} grids"
            )
        if true_labels is not None and len(true_labels) != m:
            raise ValueError(f"true_labels has {len(true_labels)} entries; expected m={m}")
        if shapes not in ("class", "cluster"):
            raise ValueError(f"shapes={shapes!r} must be 'class' or 'cluster'")
        self.names = [escape_text(t, MAX_LABEL_LENGTH) for t in axis_titles]
        self.hover = _point_hover(points, hover_text, axis_titles)
        # Traces are plain dicts, validated once when the figure is built: building graph
        # objects per frame and then the figure validated every array twice (3x slower).
        self.gl = gl
        self.ttype = ("scattergl" if gl else "scatter") if d == 2 else "scatter3d"
        self.colorscale, self.cmin, self.cmax = label_colorscale(k)
        self.marker_scale = 0.6 if d == 3 else 1.0  # scatter3d sizes read larger than 2-D

        # Where centroids are drawn: at the mean of their members when given (a cosine
        # centre is a unit-length direction, away from its points), else where they are.
        self.shown_centers = centers
        if member_means is not None:
            member_means = np.asarray(member_means, dtype=np.float64)
            if member_means.shape != centers.shape:
                raise ValueError(f"member_means must have shape {centers.shape}; got "
                                 f"{member_means.shape}")
            self.shown_centers = np.where(np.isfinite(member_means), member_means, centers)
        self.directions = member_means is not None

        self.classes = None
        self.symbols_by_step = None
        self.label_symbols = None
        self.point_symbols = None
        self.cluster_shapes = False
        if true_labels is not None and shapes == "class":
            cls_text = np.array([str(v) for v in true_labels], dtype=object)
            self.classes = sorted(set(cls_text), key=_class_order)
            sym_of = {c: class_marker(i, d) for i, c in enumerate(self.classes)}
            self.point_symbols = [sym_of[c] for c in cls_text]
        else:
            # Shape follows the cluster, so cluster identity never rests on colour alone.
            self.cluster_shapes = True
            sym = np.array([cluster_shape(j, d) for j in range(-1, k)], dtype=object)
            self.label_symbols = list(sym)  # for labels -1 .. k-1
            self.symbols_by_step = [list(sym[lab + 1]) for lab in step_labels]

    def points_marker(self, s: int, full: bool) -> dict:
        mk = {"color": self.step_labels[s]}
        if self.symbols_by_step is not None:
            mk["symbol"] = self.symbols_by_step[s]
        if full:
            mk.update(
                colorscale=self.colorscale,
                cmin=self.cmin,
                cmax=self.cmax,
                showscale=False,
                size=self.style.marker_size * self.marker_scale,
                opacity=self.style.point_opacity,
                # A thin dark edge keeps pale colours (yellow, sand) visible on white;
                # 3-D markers go without, as WebGL outlines can render broken.
                line={"width": 0.5 if self.d == 2 else 0, "color": "rgba(0,0,0,0.45)"},
            )
            if self.point_symbols is not None:
                mk["symbol"] = self.point_symbols
        return mk

    def step_traces(self, s: int, full: bool) -> list:
        """Traces of step ``s``: complete (``full``) for the figure, else only what changes."""
        d, k, style = self.d, self.k, self.style
        traces = []
        if self.regions is not None:
            g = self.regions[s]
            heat = {"z": g.z.astype(self.step_labels.dtype)}
            if full:
                heat.update(
                    x=g.x,
                    y=g.y,
                    colorscale=self.colorscale,
                    zmin=self.cmin,
                    zmax=self.cmax,
                    showscale=False,
                    opacity=style.region_opacity,
                    hoverinfo="skip",
                    zsmooth=False,
                    name="regions",
                    showlegend=False,
                )
            traces.append({"type": "heatmap", **heat})
        pts = {"marker": self.points_marker(s, full)}
        if full:
            pts.update(
                _coords(self.points, d),
                mode="markers",
                name="points",
                showlegend=False,
                text=self.hover,
                hovertemplate="%{text}<extra></extra>",
            )
        traces.append({"type": self.ttype, **pts})
        for j in range(k):
            path = _trajectory(self.shown_centers, s, j)
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
            traces.append({"type": self.ttype, **tr})
        if self.directions:
            c = self.centers[s]
            own = {**_coords(c, d), "text": _centroid_hover(c, self.names, "centre as computed")}
            if full:
                own.update(
                    mode="markers",
                    name="centres as computed",
                    showlegend=False,
                    hovertemplate="%{text}<extra></extra>",
                    marker={
                        "symbol": "diamond-open",
                        "color": [cluster_color(j) for j in range(k)],
                        "size": style.centroid_size * 0.6 * self.marker_scale,
                        "line": {"width": max(1.5, style.line_width * 0.6)},
                    },
                )
            traces.append({"type": self.ttype, **own})
        c = self.shown_centers[s]
        cen = {**_coords(c, d), "text": _centroid_hover(c, self.names)}
        if full:
            cen.update(
                mode="markers",
                name="centroids",
                showlegend=False,
                hovertemplate="%{text}<extra></extra>",
                marker={
                    "symbol": centroid_symbol(d),
                    "color": [cluster_color(j) for j in range(k)],
                    "size": style.centroid_size * self.marker_scale,
                    "line": {"width": max(1.5, style.line_width * 0.75), "color": OUTLINE_COLOR},
                },
            )
        traces.append({"type": self.ttype, **cen})
        return traces

    def key(self) -> list:
        """Legend-only traces (clusters, unassigned, centroid, true classes)."""
        key = legend_key(self.k, bool((self.step_labels < 0).any()), self.classes, self.style,
                         self.d, cluster_shapes=self.cluster_shapes, gl=self.gl)
        if self.directions:
            key.append(direction_key(self.style, self.d, self.gl))
        return key


def _check_axes(d: int, axis_titles, ranges) -> None:
    if len(axis_titles) != d or len(ranges) != d:
        raise ValueError(
            f"axis_titles and ranges need {d} entries each; got {len(axis_titles)} and "
            f"{len(ranges)}"
        )


def _start(start_step, n_steps: int) -> int:
    s0 = n_steps - 1 if start_step is None else int(start_step)
    if not 0 <= s0 < n_steps:
        raise ValueError(f"start_step={start_step} must be in [0, {n_steps})")
    return s0


#: Share of the width the scatter takes in a timeline; the objective panel and the legend
#: share the rest.
SCATTER_WIDTH = 0.64
#: Up to this many points (the pages' drawing limit) a 2-D timeline draws in SVG, which can be
#: stepped without a full redraw (WebGL traces need one, plotly.js issue #5688, and without a
#: GPU a redraw of a few thousand WebGL points takes most of a second); more go to WebGL.
SVG_MAX_POINTS = 5000
_PANEL_GAP = 0.09
PANEL_BOTTOM = 0.55  # the objective panel's lower edge (share of the height)


def timeline_spec(
    points: np.ndarray,
    step_labels: np.ndarray,
    centers: np.ndarray,
    phases: Sequence[str],
    iterations: Sequence[int],
    objective: Sequence[float],
    *,
    axis_titles: Sequence[str],
    ranges: Sequence[tuple[float, float]],
    metric_label: str = "Total reconstruction error",
    hover_text: Sequence[str | Sequence[str]] | None = None,
    true_labels: Sequence | None = None,
    shapes: str = "class",
    regions: Sequence[RegionGrid] | None = None,
    member_means: np.ndarray | None = None,
    start_step: int | None = None,
    style: FigureStyle = DEFAULT_STYLE,
    center_rule: str = "mean",
    last_note: str | None = None,
    equal_aspect: bool = False,
    movable: bool = False,
    residuals: bool = False,
    uirevision: str | None = None,
    rings: Sequence[int] | None = None,
    ring_name: str = "flagged outliers",
) -> dict:
    """A k-means run as one timeline: scatter, centroid paths, objective and caption, all
    moved by the same frames.

    Frame ``s`` (named ``str(s)``) updates the scatter's traces, the cursor on the objective
    panel, and the layout's title, which is the step's caption (:func:`step_caption`), so
    whatever steps the figure (plotly's ``animate``, the page's timeline component) moves
    all of them at once, in the browser. Steps are half-steps counted from 0, the objective
    panel's x axis counts the same steps, and ``phases``/``iterations`` are the timeline's
    display phases (:func:`clustering.view.display_steps`: the run's last step is in its
    last iteration). The figure has no plotly controls: the timeline component draws them.

    Parameters
    ----------
    points : ndarray of shape (m, 2) or (m, 3)
        Drawn points in plot coordinates (already sampled and projected).
    step_labels : ndarray of shape (n_steps, m) int
        Cluster of each drawn point at each step; -1 for unassigned (the init step).
    centers : ndarray of shape (n_steps, k, 2) or (n_steps, k, 3)
        Centres at each step, in the same plot coordinates.
    phases : sequence of str, length n_steps
        ``"init"``, ``"assign"``, ``"update"``, ``"final"`` or ``"move"``.
    iterations : sequence of int, length n_steps
    objective : sequence of float, length n_steps
        Drawn on the objective panel; NaN (the init step) is left out.
    axis_titles : sequence of str, length 2 or 3
        Raw names (escaped here).
    ranges : sequence of (low, high), one per axis
        Fixed for all frames, so points do not jump when the view would rescale.
    metric_label : str
        What the objective is (raw text, escaped here): the panel's y title.
    hover_text : sequence, length m, optional
        Per point: a str (lines separated by ``"\\n"``) or a list of lines; raw text,
        escaped here. Default: the point's coordinates.
    true_labels : sequence, length m, optional
        True class of each drawn point: with ``shapes="class"`` points are shaped by class,
        with a legend of class names (escaped).
    regions : sequence of RegionGrid, length n_steps, optional
        Nearest-centre shading per step (2-D only), from
        :func:`clustering.view._regions.region_grids`.
    style : FigureStyle
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
    shapes : {"class", "cluster"}
        Marker shape by true class (when ``true_labels`` is given), else by cluster, so
        cluster identity is carried by shape as well as colour.
    member_means : ndarray of shape (n_steps, k, c), optional
        Mean plot position of each cluster's members (:func:`clustering.view.member_means`):
        centroids and paths are drawn there, and the centres as computed as small hollow
        diamonds (for cosine, whose centres are unit-length directions).
    start_step : int, optional
        Step shown first; default the last.
    center_rule : str
        Named in the update steps' caption.
    last_note : str, optional
        Raw text appended to the last step's caption (e.g. why the run stopped).
    movable : bool
        The page lets the user drag centres (2-D only): recorded in ``layout.meta``.
    residuals : bool
        Draw a line from every point to its centre at each step (2-D; the lesson's "total
        error" screen): one trace per cluster, under the points.

    Returns
    -------
    dict
        The figure as plotly's plain dict (``data``, ``layout``, ``frames``), built without
        plotly's validation: plotly validates every frame's traces on construction whatever
        ``_validate`` says (most of a page's rerun on Iris), and the browser reads the dict as
        JSON (:func:`figure_json`). ``len(spec["frames"]) == n_steps``;
        ``layout.meta["timeline"]`` holds the start step, the number of steps, the trace
        indices of the centroids and of the cursor, and ``movable``.

    See Also
    --------
    timeline_figure : the same figure as a validated ``go.Figure``.
    """
    points, step_labels, centers = _check_run(
        points, step_labels, centers, phases, iterations, objective
    )
    d = points.shape[1]
    n_steps, k = centers.shape[:2]
    _check_axes(d, axis_titles, ranges)
    if shapes not in ("class", "cluster"):
        raise ValueError(f"shapes={shapes!r} must be 'class' or 'cluster'")
    scatter = _Scatter(points, step_labels, centers, axis_titles=axis_titles,
                       hover_text=hover_text, true_labels=true_labels, regions=regions,
                       style=style, shapes=shapes if true_labels is not None else "cluster",
                       member_means=member_means, gl=len(points) > SVG_MAX_POINTS)
    s0 = _start(start_step, n_steps)
    last = n_steps - 1
    obj = np.array([np.nan if v is None else float(v) for v in objective])
    panel, panel_axes = objective_panel(obj, phases, iterations, metric_label=metric_label,
                                        style=style)
    y_range = panel_axes["yaxis2"]["range"]
    # The panel is short on a 720p projector: a long title's parenthesis gets a line of its
    # own, so "Objective (total error)" is not cut off (the markup is ours, after escaping).
    label = escape_text(metric_label, MAX_LABEL_LENGTH).replace(" (", "<br>(", 1)

    def caption(s: int) -> str:
        return step_caption(s, last, phases[s], iterations[s], center_rule,
                            last_note if s == last else None)

    left = SCATTER_WIDTH + _PANEL_GAP
    def residual_lines(s: int) -> list[dict]:
        """One trace per cluster: a line from every member to its centre (under the points)."""
        if not residuals:
            return []
        out = []
        for j in range(k):
            members = points[step_labels[s] == j]
            xs = np.full(3 * len(members), np.nan)
            ys = np.full(3 * len(members), np.nan)
            xs[0::3], ys[0::3] = members[:, 0], members[:, 1]
            xs[1::3], ys[1::3] = scatter.shown_centers[s, j, 0], scatter.shown_centers[s, j, 1]
            out.append({"type": "scatter", "x": xs, "y": ys, "mode": "lines",
                        "name": f"{cluster_name(j)} lines", "hoverinfo": "skip",
                        "showlegend": False, "connectgaps": False,
                        "line": {"color": cluster_color(j), "width": style.line_width * 0.5}})
        return out

    if residuals and d != 2:
        raise ValueError("residual lines are drawn in 2-D only")
    lines0 = residual_lines(s0)
    scatter_traces = lines0 + scatter.step_traces(s0, full=True)
    points_at = len(lines0) + (1 if regions is not None else 0)
    # A page may recolour the points itself: a neutral hover box never shows a stale colour.
    scatter_traces[points_at]["hoverlabel"] = {
        "bgcolor": "#FFFFFF", "bordercolor": OUTLINE_COLOR,
        "font": {"color": style.font_color, "size": style.font_size}}
    n_scatter = len(scatter_traces)
    cursor_at = n_scatter + len(panel)
    animated = [*range(n_scatter), cursor_at, cursor_at + 1]
    frames = [
        {
            "name": str(s),
            "data": residual_lines(s) + scatter.step_traces(s, full=False)
            + objective_cursor(obj, s, y_range, style=style),
            "traces": animated,
            # The caption is the title; a page drawing its own caption reads it from here.
            "layout": {"title": {"text": caption(s)}},
        }
        for s in range(n_steps)
    ]
    domain = {"domain": [0.0, SCATTER_WIDTH]}
    scene_axes = axes_layout(axis_titles, ranges, equal_aspect, style)
    if d == 2:
        scene_axes["xaxis"].update(domain)
    else:
        scene = scene_axes["scene"]
        scene["domain"] = {"x": [0.0, SCATTER_WIDTH], "y": [0.0, 1.0]}
        # A rotated scene has little room: body-size titles and small ticks stay inside it.
        for axis in ("xaxis", "yaxis", "zaxis"):
            scene[axis]["title"]["font"]["size"] = style.font_size
            scene[axis]["tickfont"]["size"] = max(10, int(style.font_size * 0.7))
    panel_axes["xaxis2"].update(domain=[left, 1.0], **axis_style(style))
    panel_axes["yaxis2"].update(domain=[PANEL_BOTTOM, 1.0], **axis_style(style))
    # Untitled: the caption says "Step s of n" and the ticks count the same steps; a title
    # would push the legend down.
    panel_axes["xaxis2"]["title"] = {"text": ""}
    panel_axes["yaxis2"]["title"] = {"text": label,
                                     "font": {"size": max(11, int(style.font_size * 0.8))}}
    layout = merge(
        style_layout(style, caption(s0), axes=d == 2),
        scene_axes,
        panel_axes,
        {
            "title": {"x": 0, "xref": "paper", "xanchor": "left", "y": 1, "yref": "container",
                      "yanchor": "top", "pad": {"t": 6}},
            "uirevision": uirevision if uirevision is not None else "|".join(scatter.names),
            # Under the objective panel, entries side by side: the key stays whole at
            # projector sizes instead of scrolling.
            "legend": {"itemclick": False, "itemdoubleclick": False, "x": left,
                       "y": PANEL_BOTTOM - 0.17, "xanchor": "left", "yanchor": "top",
                       "orientation": "h", "tracegroupgap": 2,
                       "font": {"size": max(11, int(style.font_size * 0.75))},
                       "grouptitlefont": {"size": max(11, int(style.font_size * 0.75))}},
            "margin": {"t": int(style.title_size * 2 + style.font_size * 1.5), "l": 10,
                       "r": 10, "b": 10},
            "meta": {"timeline": {
                "start": s0, "steps": n_steps, "k": k,
                "centroids": n_scatter - 1, "cursor": [cursor_at, cursor_at + 1],
                "movable": bool(movable and d == 2),
                # SVG traces step by restyling; WebGL, 3-D and heatmaps need a redraw.
                "redraw": bool(scatter.gl or d == 3 or regions is not None),
                # The points trace and how a label looks, so a page can recolour the points
                # itself (plotly recomputes every trace on each animated step).
                "points": points_at,
                "colors": [cluster_color(j) for j in range(-1, k)],
                "symbols": scatter.label_symbols,
            }},
        },
    )
    extra = [] if rings is None else [_ring_trace(points, rings, ring_name, style, d)]
    cursor = objective_cursor(obj, s0, y_range, style=style)
    return {"data": scatter_traces + panel + cursor + scatter.key() + extra,
            "layout": {"template": style.template, **layout}, "frames": frames}


def timeline_figure(*args, **kwargs) -> go.Figure:
    """The run's timeline as a validated ``go.Figure``: :func:`timeline_spec`'s figure.

    Takes :func:`timeline_spec`'s arguments. Pages send :func:`timeline_spec`'s dict to the
    browser; this is for code that reads the figure (``fig.frames[s].data``), and validating
    it checks every property the builder wrote.
    """
    return go.Figure(timeline_spec(*args, **kwargs))


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


__all__ = ["SCATTER_WIDTH", "timeline_figure", "timeline_spec"]
