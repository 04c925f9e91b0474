"""The replay: view controls, the animated run chart, step buttons and the objective curve.

The chart's own Play button and slider run in the browser with no server round trip. The step
buttons live in a fragment, so stepping reruns only this part of the page, and the figure for a
(run, view, step) is cached, so nothing is rebuilt twice.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from clustering.view import DrawableRun
from ui import cache
from ui.charts import show_chart
from ui.data import ActiveData
from ui.layout import presentation, style_name
from ui.state import get, set_data_default, set_value, setting


@dataclass(frozen=True)
class View:
    """How the run is drawn: plot dimensions, axes and region shading."""

    dims: int
    method: str  # "pca" or "features"
    feature_idx: tuple[int, ...] | None
    voronoi: bool

    @property
    def key(self) -> tuple:
        return (self.dims, self.method, self.feature_idx, self.voronoi)


def view_controls(active: ActiveData) -> View:
    """Radio buttons and pickers for the plot space; returns the chosen view."""
    names = list(active.prepared.feature_names)
    d = len(names)
    cols = st.columns([1, 1.3, 2.4, 1.3])
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
                help="PCA shows the directions of largest spread; Features plots raw columns.",
            )
        else:
            set_value("explore_axes", "features")
            axes = "features"
    feature_idx = None
    if axes == "features":
        with cols[2]:
            feature_idx = _axis_pickers(names, dims)
    voronoi = False
    with cols[3]:
        identity = axes == "features" and dims == 2 and d == 2
        if identity:
            voronoi = setting(st.toggle, "explore_voronoi", "Nearest-centre regions")
        else:
            st.toggle("Nearest-centre regions", value=False, disabled=True,
                      key="explore_voronoi_off",
                      help="Regions are drawn only when the plot is the clustering space: "
                           "exactly two features, shown as the axes.")
    return View(dims=dims, method=axes, feature_idx=feature_idx, voronoi=bool(voronoi))


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


def replay(spec: cache.RunSpec, history: DrawableRun, view: View, key: str,
           rings: cache.Keyed | None = None) -> None:
    """The run chart with its step buttons and the objective curve (a fragment).

    ``history`` is the run as :func:`ui.cache.run` returns it for ``spec``; ``rings`` marks
    drawn points to ring (:func:`ui.analyst.rings`).
    """
    last = history.n_steps - 1
    step_key = f"{key}_step"
    if st.session_state.get(f"{step_key}_run") != (spec.key, view.key):
        # A new run or view starts at its end: the converged state is what people expect first.
        st.session_state[f"{step_key}_run"] = (spec.key, view.key)
        st.session_state[step_key] = last
    _timeline(spec, history, view, key, step_key, rings)


@st.fragment
def _timeline(spec, history, view, key, step_key, rings=None) -> None:
    last = history.n_steps - 1
    step = min(st.session_state.get(step_key, last), last)
    inputs = cache.replay(spec, view.key)
    figure = cache.run_figure(spec, view.key, step, style_name(), rings)
    # On a projector the objective curve goes under the chart, where it has room to read.
    chart, side = ((st.container(), st.container()) if presentation()
                   else st.columns([3, 1.25], gap="medium"))
    with chart:
        show_chart(figure, key=f"{key}_run_chart")
        if len(inputs.rows) < inputs.n_total:
            st.caption(f"Showing a fixed sample of {len(inputs.rows):,} of {inputs.n_total:,} "
                       "rows; k-means and the metrics use every row.")
    with side:
        back, forward = st.columns(2)
        # A click inside a fragment reruns only the fragment; the callback moves the step first.
        back.button("◀ Step back", key=f"{key}_back", disabled=step == 0, width="stretch",
                    on_click=_move, args=(step_key, step - 1))
        forward.button("Step ▶", key=f"{key}_forward", disabled=step == last, width="stretch",
                       on_click=_move, args=(step_key, step + 1))
        phase = history.phase[step]
        st.markdown(f"**Step {step} of {last}** · iteration {history.iteration[step]} · "
                    f"*{phase}*")
        st.caption(_PHASE_TEXT[phase])
        show_chart(cache.objective_chart(spec, step, style_name()),
                   key=f"{key}_objective_chart")


def _move(step_key: str, step: int) -> None:
    st.session_state[step_key] = step


_PHASE_TEXT = {
    "init": "The initial centres, before any point is assigned.",
    "assign": "Assign: every point joins its nearest centre.",
    "update": "Update: every centre moves to the centre of its points.",
}
