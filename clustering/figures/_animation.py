"""Layout pieces of the run's timeline figure: legend key, fixed axes and the step caption
(the timeline component draws the step controls).

Split from :mod:`clustering.figures` so that module holds only the per-step traces.
"""

from __future__ import annotations

import functools

from clustering.figures._style import (
    CLUSTER_SYMBOLS,
    MAX_LABEL_LENGTH,
    OUTLINE_COLOR,
    FigureStyle,
    class_symbol,
    cluster_color,
    cluster_name,
    escape_gl_text,
    escape_text,
)


def centroid_symbol(d: int) -> str:
    """Centroid marker: a big X in 2-D; a diamond in 3-D, where WebGL draws an outlined X
    as a broken rectangle (seen in Chromium)."""
    return "x" if d == 2 else "diamond"


# Markers scatter3d can draw; the 2-D symbol lists include shapes it cannot.
# No filled diamond (the 3-D centroid marker) and no "x" (drawn broken with an outline).
SYMBOLS_3D = ("circle", "square", "cross", "circle-open", "square-open", "diamond-open")


def cluster_shape(j: int, d: int) -> str:
    """Symbol of cluster ``j`` when shapes carry cluster identity: each cluster its own
    shape (cycling through those the plot type can draw); circle for unassigned."""
    if j < 0:
        return "circle"
    shapes = CLUSTER_SYMBOLS if d == 2 else SYMBOLS_3D
    return shapes[j % len(shapes)]


def class_marker(i: int, d: int) -> str:
    """Symbol of the ``i``-th true class in a ``d``-D plot."""
    return class_symbol(i) if d == 2 else SYMBOLS_3D[i % len(SYMBOLS_3D)]


def legend_key(
    k: int, has_unassigned: bool, classes: list[str] | None, style: FigureStyle, d: int,
    *, cluster_shapes: bool = False, gl: bool = True,
) -> list[dict]:
    """Legend-only traces (drawn nowhere): clusters, unassigned, centroid, true classes.

    The points are one trace whose colours change per frame, so the legend is a key, not
    a set of toggles; the figure turns legend clicks off. ``gl=False`` keys a 2-D figure
    drawn in SVG (no WebGL context for traces that draw nothing).
    """
    size = style.marker_size * 1.4
    entry = functools.partial(_legend_entry, d, gl)
    key = []
    for j in range(k):
        # With true classes, shape is the class: the cluster key shows colour alone.
        sym = cluster_shape(j, d) if cluster_shapes else "circle"
        key.append(entry(cluster_name(j), "clusters",
                         {"color": cluster_color(j), "size": size, "symbol": sym},
                         "Clusters" if j == 0 else None))
    if has_unassigned:
        key.append(entry(cluster_name(-1), "clusters",
                         {"color": cluster_color(-1), "size": size}))
    key.append(entry("centroid", "centroids", {
        "symbol": centroid_symbol(d), "color": "#FFFFFF", "size": style.centroid_size * 0.7,
        "line": {"width": 2, "color": OUTLINE_COLOR}}))
    for i, c in enumerate(classes or []):
        key.append(entry(escape_text(c, MAX_LABEL_LENGTH), "classes",
                         {"color": "#555555", "size": size, "symbol": class_marker(i, d)},
                         "True class" if i == 0 else None))
    return key


def direction_key(style: FigureStyle, d: int, gl: bool = True) -> dict:
    """Legend entry of the centres as computed, when centroids are drawn at their members'
    mean (a cosine centre is a unit-length direction, away from its points)."""
    return _legend_entry(d, gl, "centre as computed (unit length)", "centroids",
                         {"symbol": "diamond-open", "color": OUTLINE_COLOR,
                          "size": style.centroid_size * 0.5, "line": {"width": 2}})


def _legend_entry(d: int, gl: bool, name: str, group: str, marker: dict,
                  title: str | None = None) -> dict:
    """A trace that draws nothing and shows one legend entry, as a plain dict (a validated
    trace object costs about a millisecond per rerun)."""
    trace = {"type": ("scattergl" if gl else "scatter") if d == 2 else "scatter3d",
             "x": [None], "y": [None], "mode": "markers", "name": name,
             "legendgroup": group, "marker": marker}
    if d == 3:
        trace["z"] = [None]
    if title is not None:
        trace["legendgrouptitle"] = {"text": title}
    return trace


def axes_layout(axis_titles, ranges, equal_aspect: bool, style: FigureStyle) -> dict:
    """Layout for axis titles (escaped here) and fixed ranges: 2-D axes, or the 3-D scene."""
    rng = [[float(lo), float(hi)] for lo, hi in ranges]
    if len(axis_titles) == 2:
        names = [escape_text(t, MAX_LABEL_LENGTH) for t in axis_titles]
        x = {"title": {"text": names[0]}, "range": rng[0], "autorange": False}
        y = {"title": {"text": names[1]}, "range": rng[1], "autorange": False}
        if equal_aspect:
            x["constrain"] = "domain"
            y.update(scaleanchor="x", scaleratio=1, constrain="domain")
        return {"xaxis": x, "yaxis": y}
    # WebGL scene titles honour tags but show entities literally: see escape_gl_text.
    names = [escape_gl_text(t, MAX_LABEL_LENGTH) for t in axis_titles]
    axis = {
        "tickfont": {"size": style.font_size, "color": style.font_color},
        "title": {"font": {"size": style.title_size, "color": style.font_color}},
        "gridcolor": style.grid_color,
        "showbackground": False,
        "showline": True,
        "linecolor": style.axis_color,
        "zeroline": False,
        "autorange": False,
        "nticks": 5,  # big presentation ticks would overlap on a rotated axis
    }
    return {
        "scene": {
            "xaxis": {**axis, "range": rng[0], "title": {**axis["title"], "text": names[0]}},
            "yaxis": {**axis, "range": rng[1], "title": {**axis["title"], "text": names[1]}},
            "zaxis": {**axis, "range": rng[2], "title": {**axis["title"], "text": names[2]}},
            "aspectmode": "cube",
            # Positively correlated features lie along (1, 1, 1), plotly's default eye
            # direction, and would collapse into a blob; look from another corner.
            "camera": {"eye": {"x": 1.7, "y": -1.5, "z": 0.9}},
        }
    }


# --- the timeline's caption ------------------------------------------------------------------

#: What every centre rule does at an update step (the caption names the active rule).
UPDATE_CAPTION = {
    "mean": "update: every centre moves to the mean of its points",
    "median": "update: every centre moves to the median of its points",
    "normalized-mean": "update: every centre turns to the mean direction of its points",
    "medoid": "update: every centre moves to its most central point (medoid)",
}

#: What happens at each kind of step (``"update"`` depends on the rule: UPDATE_CAPTION).
STEP_CAPTION = {
    "init": "start: the first centres are placed, no point is assigned yet",
    "assign": "assign: every point joins its nearest centre",
    "final": "final assign: every point joins its nearest final centre",
    "move": "you moved a centre: the run goes on from here",
}


def step_caption(step: int, last: int, phase: str, iteration: int, center_rule: str = "mean",
                 note: str | None = None) -> str:
    """The timeline's caption for one step, e.g. ``"Step 5 of 7 · iteration 3 · update: every
    centre moves to the mean of its points"``.

    Steps are half-steps counted from 0 (the start), the same count as the scrubber and the
    objective panel's x axis. ``note`` (raw text, escaped here) is appended, e.g. why the run
    stopped on its last step.
    """
    what = (UPDATE_CAPTION.get(center_rule, UPDATE_CAPTION["mean"]) if phase == "update"
            else STEP_CAPTION.get(phase, escape_text(phase)))
    text = f"<b>Step {int(step)} of {int(last)}</b> \u00b7 iteration {int(iteration)} \u00b7 {what}"
    if note:
        text += f" \u00b7 {escape_text(note)}"
    return text
