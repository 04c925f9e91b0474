"""The analyst's panels of Explore: outliers, what sets each cluster apart, new rows scored
against the run, and the run as a Python script or notebook.

Outliers and separations are computed once per run (and outlier rule) and cached; the flagged
table, the chart and the labelled download reuse them. The script, the notebook and the
labelled table are built only when their button is clicked; a table of new rows is read and
scored once per upload and run, and kept in the session.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath

import numpy as np
import pandas as pd
import streamlit as st

from clustering.codegen import (
    EXPORT_SOURCE_FILE,
    NOTEBOOK_FILENAME,
    SCRIPT_FILENAME,
    SKLEARN_LOADERS,
    DataSource,
    run_notebook,
    run_recipe,
    run_script,
)
from clustering.data import labeled_csv, prepare_new_rows, rows_with_columns
from clustering.evaluation import (
    MIN_EFFECT,
    OUTLIER_RULES,
    SILHOUETTE_SAMPLE_SIZE,
    Outliers,
    Separation,
    assign_new_rows,
    cluster_separation,
    find_outliers,
)
from clustering.figures import separation_figure
from clustering.io import TableError, load_table
from clustering.text import cluster_name
from ui import cache
from ui.charts import show_chart
from ui.layout import STYLES, style_name
from ui.state import EXPLORE_TABS, UPLOAD, get, peek, set_value, setting
from ui.text import md_escape

OUTLIER_LABELS = {"share": "Top share of rows", "threshold": "Score threshold"}
#: Flagged rows listed on the page at most (the labelled download has them all).
MAX_LISTED = 1000
#: New rows previewed on the page at most (the download has them all).
MAX_PREVIEW = 200
SCORED_FILENAME = "scored_rows.csv"
_NEW_TABLE_TYPES = ["csv", "tsv", "txt", "xlsx", "parquet"]
_SCORED = "explore_scored"  # session slot: the last scored upload (key and results)


def page_tabs() -> list:
    """Explore's tabs. The open one is a setting (in the link), and opening a tab reruns the
    page, so the analyst's tabs are computed only while they are open."""
    made = []

    def tabs(labels: list[str], *, key: str) -> str:
        made.extend(st.tabs(labels, key=key, on_change="rerun"))
        return st.session_state.get(key, labels[0])

    setting(tabs, "explore_tab", list(EXPLORE_TABS))
    return made


# --- outliers ---------------------------------------------------------------------------------


def outlier_rule() -> tuple[str, float]:
    """The rule the Outliers tab shows: ("share", fraction) or ("threshold", score).

    Read before the chart is drawn, so a change in the tab rings the right rows at once.
    """
    rule = peek("explore_outlier_rule")
    if rule == "share":
        return rule, float(peek("explore_outlier_share")) / 100
    return rule, float(peek("explore_outlier_cut"))


@cache.cached
def outliers(spec: cache.RunSpec, rule: str, value: float) -> Outliers:
    drawn = cache.run(spec)
    return find_outliers(spec.data.prepared.X, drawn.centers, drawn.labels,
                         spec.settings.distance, rule=rule, value=value)


def rings(spec: cache.RunSpec) -> cache.Keyed | None:
    """Positions, among the drawn points, of the flagged rows when the user rings them."""
    if not peek("explore_rings"):
        return None
    rule, value = outlier_rule()
    flagged = outliers(spec, rule, value).flagged
    positions = np.flatnonzero(flagged[cache.run(spec).rows])
    return cache.Keyed(cache.content_key(spec.key, rule, value), positions)


@cache.cached
def flagged_rows(spec: cache.RunSpec, rule: str, value: float) -> pd.DataFrame:
    """The flagged rows with their original values, highest score first (at most MAX_LISTED)."""
    found, prepared = outliers(spec, rule, value), spec.data.prepared
    rows = found.rows[:MAX_LISTED]
    return rows_with_columns(spec.data.source.frame, prepared.row_index[rows], {
        "row": prepared.row_index[rows] + 1,
        "cluster": [cluster_name(j) for j in cache.run(spec).labels[rows]],
        "distance to centre": found.distance[rows],
        "outlier score": found.score[rows],
    })


def outliers_tab(spec: cache.RunSpec) -> None:
    """Rule controls, a sentence, the ring toggle and the table of flagged rows."""
    left, middle, right = st.columns([1.5, 1, 1.2])
    with left:
        rule = setting(st.radio, "explore_outlier_rule", "Flag rows by", OUTLIER_RULES,
                       format_func=OUTLIER_LABELS.get, horizontal=True)
    with middle:
        if rule == "share":
            setting(st.number_input, "explore_outlier_share", "Share of rows (%)",
                    min_value=0.1, max_value=50.0, step=0.5, format="%.1f",
                    help="Flag this share of all rows, those with the highest scores.")
        else:
            setting(st.number_input, "explore_outlier_cut", "Score at least", min_value=1.0,
                    max_value=100.0, step=0.5, format="%.1f",
                    help="Flag rows at least this many times as far from their centre as "
                         "their cluster's typical (median) member.")
    with right:
        setting(st.toggle, "explore_rings", "Ring them on the chart",
                help="Draw a ring around every flagged row that the chart shows.")
    rule, value = outlier_rule()
    found = outliers(spec, rule, value)
    st.caption(f"{found.describe()} A row's score is its distance to its own centre divided "
               "by its cluster's median distance: 1 is a typical member. Flags and scores are "
               "in the labelled download too.")
    table = flagged_rows(spec, rule, value)
    if len(table):
        st.dataframe(table, key="explore_outlier_table", hide_index=True, width="stretch")
        if int(found.flagged.sum()) > len(table):
            st.caption(f"Listing the {len(table):,} highest scores.")


@cache.cached
def labelled_file(spec: cache.RunSpec, rule: str, value: float) -> bytes:
    """The labelled table with the outlier score and flag of every clustered row."""
    found, prepared = outliers(spec, rule, value), spec.data.prepared
    return labeled_csv(spec.data.source.frame, prepared.row_index, cache.run(spec).labels,
                       found.distance, extra={"outlier_score": found.score,
                                              "outlier": found.flagged})


def labelled_builder(spec: cache.RunSpec) -> Callable[[], bytes]:
    """Builds the labelled download (with outlier columns) when its button is clicked."""
    rule, value = outlier_rule()
    return lambda: labelled_file(spec, rule, value)


# --- what sets each cluster apart ---------------------------------------------------------------


@cache.cached
def separation(spec: cache.RunSpec) -> Separation:
    prepared, drawn = spec.data.prepared, cache.run(spec)
    return cluster_separation(spec.data.source.frame, prepared.row_index, drawn.labels,
                              drawn.n_clusters, prepared.numeric_features,
                              prepared.categorical_features)


@cache.cached
def separation_chart(spec: cache.RunSpec, cluster: int, style: str) -> dict:
    found = separation(spec)
    rows = found.for_cluster(cluster)
    largest = float(found.table["effect"].abs().max()) if len(found.table) else 1.0
    return separation_figure(rows["feature"], rows["effect"], rows["kind"], cluster,
                             x_range=max(1.0, largest * 1.15), style=STYLES[style]).to_dict()


def separation_tab(spec: cache.RunSpec) -> None:
    """One sentence per cluster, and a sorted chart for the chosen cluster."""
    found = separation(spec)
    st.caption("For each cluster, the features that differ most from the other clusters, in "
               "standard deviations of the whole table (for categories, levels that are more "
               f"frequent than elsewhere); differences of {MIN_EFFECT} sd or more are named.")
    st.markdown("\n".join(f"- {md_escape(sentence)}" for sentence in found.sentences))
    k = cache.run(spec).n_clusters
    if peek("explore_sep_cluster") >= k:
        set_value("explore_sep_cluster", 0)
    cluster = setting(st.selectbox, "explore_sep_cluster", "Chart for", list(range(k)),
                      format_func=cluster_name)
    show_chart(separation_chart(spec, cluster, style_name()), key="explore_separation_chart")


# --- new rows -----------------------------------------------------------------------------------


def _score(spec: cache.RunSpec, data: bytes, name: str, rule: str, value: float) -> dict:
    """Read, prepare (fitted preparation), assign and flag a table of new rows."""
    table = load_table(data, name)
    prepared, drawn = spec.data.prepared, cache.run(spec)
    new = prepare_new_rows(prepared, table.frame, list(spec.data.source.frame.columns))
    assigned = assign_new_rows(new.X, drawn.centers, spec.settings.distance,
                               outliers(spec, rule, value))
    csv = labeled_csv(table.frame, new.row_index, assigned.labels, assigned.distance,
                      extra={"outlier_score": assigned.score, "outlier": assigned.flagged},
                      status="assigned")
    counts = np.bincount(assigned.labels, minlength=drawn.n_clusters)
    sizes = ", ".join(f"{cluster_name(j)}: {c:,}" for j, c in enumerate(counts))
    summary = (f"Assigned {len(new.row_index):,} of {new.n_rows:,} new rows ({sizes}); "
               f"{int(assigned.flagged.sum()):,} flagged as outliers by the current rule.")
    preview = rows_with_columns(table.frame, new.row_index[:MAX_PREVIEW], {
        "cluster": [cluster_name(j) for j in assigned.labels[:MAX_PREVIEW]],
        "distance to centre": assigned.distance[:MAX_PREVIEW],
        "outlier score": assigned.score[:MAX_PREVIEW],
        "outlier": assigned.flagged[:MAX_PREVIEW],
    })
    return {"summary": summary, "notes": [*table.notes, *new.notes], "csv": csv,
            "preview": preview}


def scoring_tab(spec: cache.RunSpec) -> None:
    """Upload a second table; its rows are assigned to this run's clusters and flagged."""
    st.caption("Upload a table with the same feature columns. Its rows go through this run's "
               "preparation as fitted (the same scaling and category encoding, not refitted), "
               "join the nearest centre and are held to the outlier rule of the Outliers tab.")
    file = st.file_uploader("Table of new rows", type=_NEW_TABLE_TYPES, key="explore_score_upload")
    if file is None:
        return
    rule, value = outlier_rule()
    key = (file.file_id, spec.key, rule, value)
    memo = st.session_state.get(_SCORED)
    if memo is None or memo["key"] != key:
        try:
            memo = {"key": key, **_score(spec, file.getvalue(), PurePath(file.name).name,
                                         rule, value)}
        except (TableError, ValueError) as exc:
            st.session_state.pop(_SCORED, None)
            st.error(md_escape(str(exc)), icon=":material/warning:")
            return
        st.session_state[_SCORED] = memo
    st.success(memo["summary"], icon=":material/check_circle:")
    for note in memo["notes"]:
        st.caption(md_escape(note))
    st.dataframe(memo["preview"], key="explore_scored_table", hide_index=True, width="stretch")
    st.download_button("Scored rows (CSV)", memo["csv"], file_name=SCORED_FILENAME,
                       mime="text/csv", key="explore_dl_scored", on_click="ignore",
                       help="Every new row with its cluster, distance, outlier score and flag; "
                            "rows with missing features are marked, never assigned.")


# --- the run as code ------------------------------------------------------------------------------


def _source() -> DataSource:
    name = get("sb_dataset")
    if name != UPLOAD:
        return DataSource.builtin(name)
    upload = st.session_state["upload"]
    opts = st.session_state.get("upload_options", {})
    table = cache.table(upload["digest"], upload["data"], upload["suffix"], opts.get("sheet"),
                        opts.get("header"), opts.get("skip_bad_lines", False))
    return DataSource.upload(upload["name"], table.source_format, table.dialect, table.header)


def script_buttons(spec: cache.RunSpec, key: str) -> None:
    """Download buttons for the run as a Python script and as a notebook (built on click)."""
    source, drawn = _source(), cache.run(spec)
    shown = {**cache.evaluation(spec).values, "iterations": drawn.n_iter}
    s = spec.settings

    def recipe():
        return run_recipe(source, spec.data.source.frame, spec.data.prepared,
                          drawn.step_centers[0], n_clusters=s.n_clusters, init=s.init,
                          distance=s.distance, center=drawn.center, seed=s.seed,
                          max_iter=s.max_iter, n_init=s.n_init,
                          silhouette_sample=SILHOUETTE_SAMPLE_SIZE, app_results=shown)

    how = {
        "sklearn": "loads the data set from scikit-learn",
        "export": f"reads the labelled table download ({EXPORT_SOURCE_FILE}) from its folder",
        "file": "reads your file from its folder (or a path you give it)",
    }[_reads(source)]
    st.caption(f"The script uses pandas and scikit-learn only: it {how}, prepares the "
               "features as here, runs k-means from this run's initial centres and prints the "
               "metrics shown on this page next to its own.")
    left, right = st.columns(2)
    left.download_button("Python script (.py)", lambda: run_script(recipe()).encode("utf-8"),
                         file_name=SCRIPT_FILENAME, mime="text/x-python",
                         key=f"{key}_dl_script", on_click="ignore", width="stretch",
                         icon=":material/code:")
    right.download_button("Notebook (.ipynb)", lambda: run_notebook(recipe()),
                          file_name=NOTEBOOK_FILENAME, mime="application/x-ipynb+json",
                          key=f"{key}_dl_notebook", on_click="ignore", width="stretch",
                          icon=":material/description:")


def _reads(source: DataSource) -> str:
    """How the script gets the data: "sklearn", "export" or "file"."""
    if source.kind == "upload":
        return "file"
    return "sklearn" if source.name in SKLEARN_LOADERS else "export"
