"""The metrics panel: every score with its one-line meaning, and the contingency heatmap."""

from __future__ import annotations

import streamlit as st

from clustering.evaluation import METRICS, Evaluation, metrics_table
from ui import cache
from ui.charts import show_chart
from ui.layout import style_name


def metrics_panel(evaluation: Evaluation, has_truth: bool, spec: cache.RunSpec,
                  key: str) -> None:
    """Draw the metrics table, sampling notes and (with a label column) the contingency table."""
    # A static table wraps the one-line explanations instead of cutting them off.
    table = metrics_table(evaluation.values, evaluation.reasons, include_external=has_truth)
    st.table(table.set_index("Metric"))
    for note in evaluation.notes:
        st.caption(note)
    if not has_truth:
        st.caption("Choose a true-label column in the sidebar to see homogeneity, completeness, "
                   "V-measure, ARI and AMI.")
    elif evaluation.contingency is not None:
        show_chart(cache.contingency_figure(spec, style_name()),
                   key=f"{key}_contingency")


def headline_metrics(evaluation: Evaluation, n_iter: int, has_truth: bool) -> None:
    """Big numbers for the back row: the objective, silhouette, ARI and iterations."""
    shown = ["objective", "silhouette", "ari" if has_truth else "davies_bouldin"]
    cols = st.columns(len(shown) + 1)
    for col, name in zip(cols, shown, strict=False):
        value = evaluation.values.get(name)
        info = METRICS[name]
        col.metric(info.label, "n/a" if value is None else f"{value:.4g}",
                   help=f"{info.explanation} Range {info.range}; "
                        f"{'higher' if info.higher_is_better else 'lower'} is better.",
                   border=True)
    cols[-1].metric("Iterations", n_iter, border=True,
                    help="Assign + update rounds until the labels stopped changing.")
