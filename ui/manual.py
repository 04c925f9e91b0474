"""Manual initialisation: the user clicks K data points that become the initial centres."""

from __future__ import annotations

import streamlit as st

from clustering.evaluation import hover_lines
from clustering.figures import pick_figure
from clustering.view import data_bounds, display_rows
from ui import cache
from ui.charts import show_chart
from ui.data import ActiveData
from ui.layout import figure_style
from ui.run_view import View
from ui.state import get, set_value

_CHART_KEY = "explore_pick_chart"


def _add_clicked_points() -> None:
    """on_select callback: append the clicked rows (in click order, no repeats)."""
    event = st.session_state.get(_CHART_KEY) or {}
    points = (event.get("selection") or {}).get("points") or []
    picked = list(get("explore_manual"))
    for point in points:
        row = point.get("customdata")
        if isinstance(row, list):
            row = row[0]
        if row is not None and int(row) not in picked:
            picked.append(int(row))
    set_value("explore_manual", tuple(picked[: get("sb_k")]))


def manual_rows(active: ActiveData, n_clusters: int, view: View) -> tuple[int, ...] | None:
    """Draw the picking chart until K points are chosen; then return their rows."""
    n = active.prepared.X.shape[0]
    if st.session_state.get("manual_for") != active.key:
        # Rows picked on other data mean nothing here (a URL may also carry stale rows).
        if st.session_state.get("manual_for") is not None:
            set_value("explore_manual", ())
        st.session_state["manual_for"] = active.key
    picked = tuple(r for r in get("explore_manual") if 0 <= r < n)[:n_clusters]
    set_value("explore_manual", picked)
    top = st.columns([4, 1])
    if top[1].button("Reset picked centres", key="explore_manual_reset", disabled=not picked,
                     width="stretch"):
        set_value("explore_manual", ())
        st.rerun()
    if len(picked) == n_clusters:
        top[0].caption(f"Initial centres: rows {', '.join(str(r + 1) for r in picked)} "
                       "(picked by hand).")
        return picked
    remaining = n_clusters - len(picked)
    top[0].info(f"Manual initialisation: click {remaining} more point"
                f"{'s' * (remaining != 1)} on the chart to place the initial centres "
                f"({len(picked)} of {n_clusters} picked).", icon=":material/touch_app:")
    prepared = active.prepared
    projection = cache.projection(active, view.method, 2,
                                  view.feature_idx[:2] if view.feature_idx else None)
    rows = display_rows(n)
    points = projection.transform(prepared.X[rows])
    figure = pick_figure(
        points, rows, picked, axis_titles=projection.axis_titles,
        ranges=data_bounds(points), style=figure_style(),
        hover_text=hover_lines(active.source.frame, prepared.row_index[rows]),
    )
    show_chart(figure, key=_CHART_KEY, on_select=_add_clicked_points,
                    selection_mode="points")
    return None
