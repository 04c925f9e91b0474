"""What-if: pin the current run as A, change anything, and compare it with the new run B.

Pinned runs live in the session (they survive page changes) with the settings that made them:
the shared sidebar's and Explore's own, nothing else, so restoring one leaves the Learn
screen, Compare's columns and presentation mode as they are. Only labels, centres and metric
values are kept, never a copy of the data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from clustering.evaluation import Evaluation, RunComparison, compare_runs, metrics_difference
from clustering.figures import whatif_figure
from clustering.view import DrawableRun, data_bounds, display_rows
from ui import cache
from ui.charts import show_chart
from ui.data import ActiveData
from ui.knobs import INIT_LABELS, RunSettings
from ui.layout import figure_style
from ui.run_view import View
from ui.state import get, restore, snapshot
from ui.text import md_escape

_PINS = "pinned_runs"
#: The settings a pin keeps: those that make an Explore run.
PINNED_NAMESPACES = ("sidebar", "explore")


@dataclass(frozen=True, eq=False)
class PinnedRun:
    """A pinned run; ``key`` identifies its data and labels exactly (a keyed record)."""

    number: int
    title: str
    settings: dict
    data_key: str
    row_index: np.ndarray
    labels: np.ndarray
    centers: np.ndarray
    values: dict
    key: str

    @property
    def name(self) -> str:
        return f"A{self.number}: {self.title}"


def _pins() -> list[PinnedRun]:
    return st.session_state.setdefault(_PINS, [])


def describe(run: RunSettings, data_title: str) -> str:
    return (f"K={run.n_clusters}, {INIT_LABELS[run.init]}, {run.distance}/"
            f"{run.resolved_center}, seed {run.seed} on {data_title}")


def pin_button(active: ActiveData, result: DrawableRun, evaluation: Evaluation,
               run: RunSettings) -> None:
    """The "pin this run" button; the newest pin becomes run A."""
    if st.button("Pin this run as A", key="explore_pin", icon=":material/push_pin:",
                 help="Keep this run; then change any setting and open the What-if tab."):
        pins = _pins()
        labels = np.asarray(result.labels).copy()
        pins.append(PinnedRun(
            number=len(pins) + 1,
            title=describe(run, active.title),
            settings=snapshot(*PINNED_NAMESPACES),
            data_key=active.key,
            row_index=np.asarray(active.prepared.row_index).copy(),
            labels=labels,
            centers=np.asarray(result.centers).copy(),
            values=dict(evaluation.values),
            key=cache.content_key(active.key, cache.array_key(labels)),
        ))
        st.session_state["explore_pin_choice"] = len(pins) - 1
        st.toast(f"Pinned as A{len(pins)}. Change a setting to make run B.")


def compare_tab(active: ActiveData, result: DrawableRun, evaluation: Evaluation,
                view: View) -> None:
    """Run A vs the current run B: side by side, metrics with differences, agreement."""
    pins = _pins()
    if not pins:
        st.info("Pin this run (button above the chart), change any setting, and the two runs "
                "appear here side by side.", icon=":material/push_pin:")
        return
    if st.session_state.get("explore_pin_choice", 0) >= len(pins):
        st.session_state["explore_pin_choice"] = len(pins) - 1
    choice = st.selectbox("Run A", range(len(pins)), format_func=lambda i: pins[i].name,
                          key="explore_pin_choice")
    pinned = pins[choice]
    # The current run's key: the hash of its labels (a few ms at 1M rows), since this tab
    # is handed the run, not its RunSpec.
    current = cache.Keyed(cache.array_key(result.labels), result.labels)
    matched = matched_runs(cache.Keyed(pinned.key, pinned), active, current)
    if matched is None:
        st.warning("Run A and this run share no rows, so they cannot be compared.")
        return
    comparison, in_b = matched.comparison, matched.in_b
    cols = st.columns(3)
    cols[0].metric("Agreement (ARI)", f"{comparison.ari:.3f}", border=True,
                   help="Adjusted Rand index between run A and run B: 1 = the same partition.")
    cols[1].metric("Points that changed cluster", f"{comparison.n_changed:,}", border=True,
                   help="After matching B's clusters to A's (Hungarian method).")
    cols[2].metric("Rows compared", f"{len(in_b):,}", border=True)
    st.caption(f"Run B (current): {md_escape(describe_current())}")
    show_chart(_side_by_side(active, view, pinned, result, comparison, in_b),
                    key="explore_whatif_chart")
    left, right = st.columns(2)
    with left:
        st.markdown("**Metrics**")
        st.table(metrics_difference(pinned.values, evaluation.values).set_index("Metric"))
    with right:
        st.markdown("**Matched contingency table** (matched pairs on the diagonal)")
        st.dataframe(comparison.matched_table, key="explore_whatif_table")
    _pinned_list(pins)


@dataclass(frozen=True, eq=False)
class MatchedRuns:
    """Run A compared with run B on the original rows both clustered."""

    comparison: RunComparison
    in_b: np.ndarray  # positions in B of the shared rows, in A's row order


@cache.cached
def matched_runs(pinned: cache.Keyed[PinnedRun], active: ActiveData,
                 current: cache.Keyed[np.ndarray]) -> MatchedRuns | None:
    """Match run B's clusters to A's on their shared rows (None when under two are shared).

    Cached (``ui.cache.CACHE_POLICY``), keyed by both runs' keys: matching 1M rows takes
    about a second, and the tab reruns with every click.
    """
    pin = pinned.value
    # Compare on the original rows both runs clustered (a missing-value policy may differ).
    common, in_a, in_b = np.intersect1d(pin.row_index, active.prepared.row_index,
                                        return_indices=True)
    if len(common) < 2:
        return None
    return MatchedRuns(compare_runs(pin.labels[in_a], current.value[in_b]), in_b)


def describe_current() -> str:
    return (f"K={get('sb_k')}, {INIT_LABELS[get('sb_init')]}, {get('sb_distance')}, "
            f"seed {get('sb_seed')}")


def _side_by_side(active, view, pinned, result, comparison, in_b):
    prepared = active.prepared
    projection = cache.projection(active, view.method, 2,
                                  view.feature_idx[:2] if view.feature_idx else None)
    drawn = display_rows(len(in_b))
    rows_b = in_b[drawn]
    points = projection.transform(prepared.X[rows_b])
    same_space = pinned.data_key == active.key
    centers_a = projection.transform(pinned.centers) if same_space else None
    projected_b = projection.transform(result.centers)
    centers_b = np.full((max(comparison.b_to_a.values()) + 1, 2), np.nan)
    for b_id, a_id in comparison.b_to_a.items():
        centers_b[a_id] = projected_b[b_id]
    ranges = data_bounds(points, *([centers_a] if centers_a is not None else []))
    return whatif_figure(
        points, comparison.labels_a[drawn], comparison.aligned_b[drawn],
        comparison.changed[drawn], axis_titles=projection.axis_titles, ranges=ranges,
        centers_a=centers_a, centers_b=centers_b, style=figure_style(),
    )


def _pinned_list(pins: list[PinnedRun]) -> None:
    with st.expander(f"Pinned runs ({len(pins)})"):
        for i, pin in enumerate(pins):
            text, button = st.columns([5, 1])
            text.markdown(md_escape(pin.name))
            if button.button("Restore", key=f"explore_restore_{i}",
                             help="Bring back the data, k-means and view settings of this run."):
                restore(pin.settings)
                st.rerun()
