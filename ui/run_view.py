"""Explore's replay: the view controls, the run's timeline, the banner and moved centres.

The run is one timeline (:func:`clustering.figures.timeline_spec` in the ``ui.timeline``
component): scatter, centroid paths, objective panel and caption move together and step in
the browser, with no server round trip per step. The only thing that comes back to the
server is a centre the user moved: it becomes a setting (``explore_moves``, so in the link)
and the run continues from there (:func:`clustering.engine.apply_moves` in ``ui.cache.run``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from clustering.data import DATASETS
from clustering.engine import DEFAULT_CENTER, MOVE_PHASE
from clustering.evaluation import METRICS, describe_run
from clustering.figures import figure_json, timeline_spec
from clustering.view import (
    DrawableRun,
    axis_titles,
    converged,
    lift_point,
    stop_reason,
)
from ui import cache
from ui.data import ActiveData
from ui.knobs import RunSettings
from ui.layout import STYLES, presentation, style_name
from ui.state import get, set_data_default, set_value, setting
from ui.text import md_escape
from ui.timeline import timeline

SCALING_WORDS = {
    "none": "raw values, in the table's own units",
    "standard": "standardised (z-scores)",
    "minmax": "min-max scaled to 0 to 1",
    "robust": "robust-scaled (median and IQR)",
}


@dataclass(frozen=True)
class View:
    """How the run is drawn: plot dimensions, axes, region shading and marker shapes."""

    dims: int
    method: str  # "pca" or "features"
    feature_idx: tuple[int, ...] | None
    voronoi: bool
    shapes: str = "class"  # "class" (true class, when known) or "cluster"

    @property
    def key(self) -> tuple:
        """What the replay's plot coordinates depend on (``ui.cache.replay``)."""
        return (self.dims, self.method, self.feature_idx, self.voronoi)


def slots() -> tuple:
    """Containers for (banner and metrics, view controls, timeline), in page order.

    On a projector the timeline comes first, right under the title, so chart, controls,
    caption and objective panel fit one screen; the banner and metrics follow it.
    """
    if presentation():
        chart, controls, head = st.container(), st.container(), st.container()
    else:
        head, controls, chart = st.container(), st.container(), st.container()
    return head, controls, chart


def view_controls(active: ActiveData) -> View:
    """Radio buttons and pickers for the plot space; returns the chosen view."""
    prepared = active.prepared
    names = list(prepared.feature_names)
    d = len(names)
    cols = st.columns([1, 1.3, 2.4, 1.3, 1.3])
    with cols[4]:
        shapes = _shape_toggle(prepared.true_labels is not None)
    if d == 1:
        set_value("explore_view", "2d")
        set_value("explore_axes", "features")
        with cols[0]:
            st.caption("One feature: a strip. The feature runs along x; points are spread up "
                       "and down at random only so they do not hide each other.")
        return View(dims=2, method="features", feature_idx=(0,), voronoi=False, shapes=shapes)
    with cols[0]:
        if d >= 3:
            view = setting(st.radio, "explore_view", "View", ["2d", "3d"], horizontal=True,
                           format_func=str.upper)
        else:
            set_value("explore_view", "2d")
            view = "2d"
            st.caption("2-D view (3-D needs at least 3 features).")
    dims = 3 if view == "3d" else 2
    with cols[1]:
        if d > dims:
            axes = setting(
                st.radio, "explore_axes", "Axes", ["pca", "features"], horizontal=True,
                format_func={"pca": "PCA", "features": "Features"}.get,
                help="PCA shows the directions of largest spread (combinations of the "
                     "clustered features, as scaled); Features plots the clustered columns "
                     f"themselves, {SCALING_WORDS[prepared.scaling]}.",
            )
        else:
            set_value("explore_axes", "features")
            axes = "features"
    feature_idx = None
    if axes == "features":
        with cols[2]:
            # The same feature on two axes is one feature: drawn as a strip (or padded).
            feature_idx = tuple(dict.fromkeys(_axis_pickers(names, dims)))
    voronoi = False
    with cols[3]:
        identity = axes == "features" and dims == 2 and d == 2 and feature_idx == (0, 1)
        if identity:
            voronoi = setting(st.toggle, "explore_voronoi", "Nearest-centre regions",
                              help="Shades the plane by nearest centre, in the axes' units "
                                   f"({SCALING_WORDS[prepared.scaling]}).")
        else:
            st.toggle("Nearest-centre regions", value=False, disabled=True,
                      key="explore_voronoi_off",
                      help="Regions are drawn only when the plot is the clustering space: "
                           "exactly two features, shown as the axes.")
    return View(dims=dims, method=axes, feature_idx=feature_idx, voronoi=bool(voronoi),
                shapes=shapes)


def _shape_toggle(has_truth: bool) -> str:
    if not has_truth:
        st.caption("Shape and colour both show the cluster.")
        return "cluster"
    by_class = setting(st.toggle, "explore_class_shapes", "Shape = true class",
                       help="On: a point's shape is its true class and its colour its cluster. "
                            "Off: shape and colour both show the cluster, so clusters stay "
                            "apart without colour.")
    return "class" if by_class else "cluster"


def _axis_pickers(names: list[str], dims: int) -> tuple[int, ...]:
    picks = []
    axis_cols = st.columns(dims)
    for i, axis in enumerate("xyz"[:dims]):
        key = f"explore_{axis}"
        set_data_default(key, names[i % len(names)])
        if get(key) not in names:
            set_value(key, names[i % len(names)])
        with axis_cols[i]:
            picked = setting(st.selectbox, key, f"{axis.upper()} axis", names)
        picks.append(names.index(picked))
    return tuple(picks)


# --- the banner ---------------------------------------------------------------------------


def run_banner(active: ActiveData, run: RunSettings, result: DrawableRun) -> None:
    """What ran, on which features and with which scaling; "raw" (or standardised) one
    click away, with a note that the clusters and metrics depend on the scaling."""
    prepared = active.prepared
    done = converged(result.phase, result.n_iter, run.max_iter)
    sentence = describe_run(prepared.X.shape[0], prepared.X.shape[1], run.n_clusters,
                            result.n_iter, done, result.inertia, "total reconstruction error")
    names = list(prepared.feature_names)
    shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
    moved = (f" You moved {len(run.moves)} centre{'s' * (len(run.moves) != 1)}; the run went "
             "on from there." if run.moves else "")
    st.success(f"{sentence} Features: {md_escape(shown)}; "
               f"{SCALING_WORDS[prepared.scaling]}.{moved}", icon=":material/check_circle:")
    other = "none" if prepared.scaling != "none" else "standard"
    left, right = st.columns([1, 3], vertical_alignment="center")
    left.button("Use raw features" if other == "none" else "Standardise the features",
                key="explore_scaling_flip", on_click=set_value, args=("sb_scaling", other),
                width="stretch")
    right.caption("Clusters and metrics depend on the scaling: distances are measured in the "
                  "scaled units, so raw and standardised features can give different "
                  "clusters and scores.")
    if run.moves:
        st.button("Undo my centre moves", key="explore_moves_clear", on_click=set_value,
                  args=("explore_moves", ()))


def settings_record(active: ActiveData, settings: RunSettings) -> dict:
    """Everything needed to reproduce the run (``run_settings.json``): the data and its own
    seed and size, the features, the label column, missing values, scaling, the k-means
    settings and any moved centres."""
    prepared, name = active.prepared, get("sb_dataset")
    data: dict = {"data": active.source.title, "dataset": name}
    spec = DATASETS.get(name)
    if spec is not None and spec.takes_n_samples:
        data.update(n_samples=get("sb_n") or spec.default_n, data_seed=get("sb_data_seed"))
    if spec is not None and spec.takes_noise:
        data["noise"] = spec.default_noise if get("sb_noise") is None else get("sb_noise")
    upload = st.session_state.get("upload")
    if name not in DATASETS and upload is not None:
        data["file_sha256_prefix"] = upload.get("digest")
    return {
        **data,
        "rows_in_table": int(prepared.n_rows_original),
        "rows_clustered": int(prepared.X.shape[0]),
        "features": list(prepared.feature_names),
        "categorical": list(prepared.categorical_features),
        "label_column": prepared.label_name,
        "missing_values": prepared.missing,
        "scaling": prepared.scaling,
        **settings.as_dict(),
    }


def profile_caption(active: ActiveData) -> str:
    """What the profile table shows, and how it differs from centroids.csv after filling."""
    prepared = active.prepared
    text = ("Size and mean of every numeric feature per cluster, in the table's own units; "
            "categorical features as the shares of their levels.")
    if prepared.missing not in ("mean", "median") or not prepared.numeric_features:
        return text
    cells = active.source.frame.iloc[prepared.row_index][list(prepared.numeric_features)]
    n = int(cells.apply(pd.to_numeric, errors="coerce").isna().to_numpy().sum())
    if n:
        text += (f" These means leave out the {n:,} missing cell{'s' * (n != 1)}; "
                 "centroids.csv holds the centres k-means used, where those cells were "
                 f"filled with the column {prepared.missing}, so the two can differ slightly.")
    return text


# --- moved centres ---------------------------------------------------------------------------


def run_moves(active: ActiveData, run: RunSettings) -> tuple[str, ...]:
    """The centre moves that apply to this run (cleared when anything else changes)."""
    base = cache.content_key(active.key, run)
    moves = tuple(get("explore_moves"))
    owner = st.session_state.get("explore_moves_base")
    st.session_state["explore_moves_base"] = base
    if moves and owner is not None and owner != base:
        set_value("explore_moves", ())
        return ()
    k, d = run.n_clusters, active.prepared.X.shape[1]
    fits = [m for m in moves if int(m.split(":")[1]) < k and len(m.split(":")[2].split(",")) == d]
    if len(fits) != len(moves):
        st.info(f"Ignored {len(moves) - len(fits)} moved centre(s) from the link: they do not "
                f"fit K={k} and {d} features.", icon=":material/info:")
        set_value("explore_moves", tuple(fits))
    return tuple(fits)


def run_with_moves(spec: cache.RunSpec, plain: cache.RunSpec) -> tuple[cache.RunSpec, DrawableRun]:
    """The run of ``spec`` (with moves); when its moves do not fit the run (a hand-made
    link), a notice and the run without them."""
    try:
        return spec, cache.run(spec)
    except ValueError as exc:
        if not spec.settings.moves:
            raise
        st.info(f"Ignored the moved centres from the link: {md_escape(exc)}.",
                icon=":material/info:")
        set_value("explore_moves", ())
        return plain, cache.run(plain)


def _apply_move(spec: cache.RunSpec, view: View, result: DrawableRun, event: dict) -> bool:
    """Turn a drop on the timeline into a setting; True when the run changes."""
    try:
        step, center = int(event["step"]), int(event["center"])
        x, y = float(event["x"]), float(event["y"])
    except (KeyError, TypeError, ValueError):
        return False
    if not (0 <= step < result.n_steps and 0 <= center < result.n_clusters
            and np.isfinite([x, y]).all() and view.dims == 2):
        return False
    projection = cache.projection(spec.data, view.method, view.dims, view.feature_idx)
    position = lift_point(projection, result.step_centers[step][center], (x, y))
    kept = [m for m in spec.settings.moves if int(m.split(":")[0]) < step]
    move = f"{step}:{center}:{','.join(repr(float(v)) for v in position)}"
    set_value("explore_moves", (*kept, move))
    return True


# --- the timeline ------------------------------------------------------------------------------


@cache.cached
def timeline_json(spec: cache.RunSpec, view_key: tuple, style: str, shapes: str,
                  rings: cache.Keyed | None = None) -> str:
    """The run's timeline figure for a view and a style, as plotly JSON."""
    dims, method, feature_idx, _ = view_key
    inputs = cache.replay(spec, view_key)
    drawn = cache.run(spec)
    projection = cache.projection(spec.data, method, dims, feature_idx)
    # Display steps, centre rule and (cosine) member means: shared with the Documents map.
    kwargs = inputs.timeline_kwargs(drawn)
    # After a move the timeline opens on it (where the run goes on); otherwise at the end.
    moved = [s for s, phase in enumerate(kwargs["phases"]) if phase == MOVE_PHASE]
    figure = timeline_spec(
        **kwargs,
        axis_titles=axis_titles(projection, spec.data.prepared.scaling),
        metric_label=METRICS["objective"].label,
        shapes=shapes,
        start_step=moved[-1] if moved else None,
        style=STYLES[style],
        last_note=stop_reason(drawn.phase, drawn.n_iter, spec.settings.max_iter),
        equal_aspect=inputs.regions is not None,
        movable=dims == 2,
        uirevision=f"{spec.key}-{view_key}",
        rings=None if rings is None else rings.value,
    )
    return figure_json(figure)


def show_timeline(figure: str, key: str) -> dict | None:
    """Draw a run's timeline figure the way every page does (Explore, the Documents map).

    Parameters
    ----------
    figure : str
        :func:`clustering.figures.timeline_spec` as plotly JSON.
    key : str
        The component's widget key.

    Returns
    -------
    dict or None
        The component's last event (a moved centre), as :func:`ui.timeline.timeline`.
    """
    present = presentation()
    # Room for the caption above the chart and the step controls below it; on a projector
    # the timeline shrinks to the window (``fit``) so chart and controls share one screen.
    height = STYLES[style_name()].height + (150 if present else 110)
    return timeline(figure, key=key, height=height, fit=present, present=present)


def replay(spec: cache.RunSpec, result: DrawableRun, view: View, key: str,
           rings: cache.Keyed | None = None) -> None:
    """The run's timeline, with notes on what is drawn; a dropped centre reruns the page."""
    figure = timeline_json(spec, view.key, style_name(), view.shapes, rings)
    event = show_timeline(figure, key=f"{key}_run_chart")
    handled = f"{key}_move_nonce"
    if isinstance(event, dict) and event.get("type") == "move" and \
            event.get("nonce") != st.session_state.get(handled):
        st.session_state[handled] = event.get("nonce")
        if _apply_move(spec, view, result, event):
            st.rerun()
    inputs = cache.replay(spec, view.key)
    notes = []
    if len(inputs.rows) < inputs.n_total:
        notes.append(f"Showing a fixed sample of {len(inputs.rows):,} of {inputs.n_total:,} "
                     "rows; k-means and the metrics use every row.")
    if result.center == "normalized-mean":
        notes.append("Cosine distance: a centre is a direction (a unit-length vector), so it "
                     "can sit away from its points. The X marks the mean of each cluster's "
                     "points; the small hollow diamond is the centre as computed.")
    elif result.center != DEFAULT_CENTER["euclidean"]:
        notes.append(f"Centre rule: {result.center.replace('-', ' ')}; the caption's update "
                     "step says where the centres move.")
    if view.dims == 2:
        notes.append("Keys: ← → step, space plays, Home/End jump, + − speed. To move a centre, "
                     "press “Move a centre”, click a centre, then its new place: the run goes "
                     "on from there.")
    for note in notes:
        st.caption(note)

