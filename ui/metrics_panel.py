"""The metrics panel: every score with its one-line meaning, and the contingency heatmap.

Explore and Documents draw the same panel; :func:`metrics_panel` takes the evaluation and the
cache key that identifies it, so it works for any run.
"""

from __future__ import annotations

import streamlit as st

from clustering.evaluation import METRICS, Evaluation, metrics_table
from ui import cache
from ui.charts import show_chart
from ui.layout import style_name

CHOOSE_A_LABEL = ("Choose a true-label column in the sidebar to see homogeneity, completeness, "
                  "V-measure, ARI and AMI.")


def metrics_panel(evaluation: Evaluation, has_truth: bool, run: str | cache.RunSpec, key: str,
                  *, caveat: str | None = None, no_truth: str = CHOOSE_A_LABEL,
                  row_title: str = "True class") -> None:
    """Draw the metrics table, sampling notes and (with true labels) the contingency table.

    Parameters
    ----------
    evaluation : Evaluation
    has_truth : bool
        Whether true labels were given (the external metrics and the heatmap).
    run : str or RunSpec
        The cache key of the evaluated run (a RunSpec stands for its ``key``): it keys the
        cached heatmap.
    key : str
        The page's widget-key prefix (the heatmap is ``{key}_contingency``).
    caveat : str, optional
        A caption under the table.
    no_truth : str
        The caption shown without true labels.
    row_title : str
        The heatmap's row axis title.
    """
    # A static table wraps the one-line explanations instead of cutting them off.
    table = metrics_table(evaluation.values, evaluation.reasons, include_external=has_truth)
    st.table(table.set_index("Metric"))
    if caveat:
        st.caption(caveat)
    for note in evaluation.notes:  # the engine's own sentences: numbers, no user text
        st.caption(note)
    if not has_truth:
        st.caption(no_truth)
    elif evaluation.contingency is not None:
        run_key = run if isinstance(run, str) else run.key
        show_chart(cache.contingency_figure(cache.Keyed(run_key, evaluation.contingency),
                                            style_name(), row_title),
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
