"""Explore's "Open a run": a run that ``python -m clustering fit`` wrote, for a table too big
for the browser, opened for a look.

Uploading the run file (its JSON, plus its sample's Parquet when it has one) is the default
way. Reading from the server's disk is off unless the operator names one folder in the
``CLUSTER_EXPLORER_DATA_DIR`` environment variable: its run files are then listed, and nothing
outside that folder can be opened (:func:`clustering.big.inside` resolves links and ``..``).
A run file is untrusted: :func:`clustering.big.read_run` checks it and refuses anything else
in one sentence. What the section shows is computed once per opened run and kept in this
session (one entry), so reruns redo nothing.
"""

from __future__ import annotations

import hashlib
import json
import os

import numpy as np
import pandas as pd
import streamlit as st

from clustering.big import (
    CLUSTER_COLUMN,
    RunSummary,
    pick_uploads,
    read_run,
    run_file_bytes,
    run_files,
    to_document,
)
from clustering.data import centroids_csv, labeled_csv
from clustering.evaluation import describe_run, evaluate, metrics_table
from clustering.figures import assign_figure
from clustering.sampling import sample_rows
from clustering.text import cluster_name
from clustering.view import fit_projection
from ui.charts import show_chart
from ui.layout import figure_style, style_name
from ui.text import md_escape

#: The one setting that lets the web page read run files from the server's disk.
DATA_DIR_ENV = "CLUSTER_EXPLORER_DATA_DIR"
#: Most sample rows the chart draws (as every chart of the app).
MAX_DRAWN = 5_000
_MEMO = "run_file_memo"


def data_folder() -> str | None:
    """The folder run files may be read from on the server, or None (the default: none)."""
    return os.environ.get(DATA_DIR_ENV) or None


def open_run_section(key: str) -> None:
    """The "Open a run" expander: upload (or, when allowed, pick) a run and show it."""
    folder = data_folder()
    chosen = (st.session_state.get(f"{key}_opened_files")
              or st.session_state.get(f"{key}_opened_path"))
    with st.expander("Open a run fitted on a big table", expanded=bool(chosen),
                     icon=":material/folder_open:"):
        st.caption("For tables too big to upload: fit them where they are with "
                   "`python -m clustering fit TABLE --k 8 --out run.json` (add "
                   "`--engine spark --master URL` for a Spark cluster) and open the run here. "
                   "Its centers, counts and profiles come from every row; the chart and the "
                   "quality metrics use its labelled sample.")
        files = st.file_uploader("Run file (.json) and, if it has one, its sample (.parquet)",
                                 type=["json", "parquet"], accept_multiple_files=True,
                                 key=f"{key}_opened_files")
        path = None
        if folder:
            path = st.selectbox("Or a run in the server's data folder", run_files(folder),
                                index=None, placeholder="Choose a run file",
                                key=f"{key}_opened_path")
        if files:
            document, sample = pick_uploads([(f.name, f.getvalue()) for f in files])
        elif path:
            document, sample = run_file_bytes(path, folder)
        else:
            st.session_state.pop(_MEMO, None)
            return
        _show(_opened(document, sample), key)


def _opened(document: bytes, sample: bytes | None) -> dict:
    """The checked run and what the section draws from it, kept for this session."""
    digest = hashlib.sha256(document + b"\0" + (sample or b"")).hexdigest()
    memo = st.session_state.get(_MEMO)
    if memo is None or memo["digest"] != digest:
        st.session_state.pop(_MEMO, None)
        memo = {"digest": digest, **_prepare(read_run(document, sample))}
        st.session_state[_MEMO] = memo
    return memo


def _prepare(run: RunSummary) -> dict:
    columns = list(run.columns)
    values = run.sample[columns].to_numpy(np.float64)
    labels = run.sample[CLUSTER_COLUMN].to_numpy(np.int64)
    scaled = run.scale(values)
    evaluation = None
    if len(labels) >= 2:
        evaluation = evaluate(scaled, labels, objective=run.inertia)
    drawn = np.arange(len(labels))
    if len(labels) > MAX_DRAWN:
        drawn = sample_rows(len(labels), MAX_DRAWN, 0)
    projection = None
    if len(labels):
        projection = fit_projection(scaled, feature_names=columns)
    profiles = pd.DataFrame({"rows": run.counts, "share": run.counts / run.n_rows},
                            index=[cluster_name(j) for j in range(run.n_clusters)])
    for j, column in enumerate(columns):
        profiles[column] = run.means[:, j]
    sample_frame = run.sample[columns].reset_index(drop=True)
    return {
        "run": run, "evaluation": evaluation, "profiles": profiles,
        "points": None if projection is None else projection.transform(scaled[drawn]),
        "drawn_labels": labels[drawn],
        "centers": None if projection is None else projection.transform(run.centers_scaled),
        "axis_titles": [] if projection is None else projection.axis_titles,
        "labelled_csv": labeled_csv(sample_frame, np.arange(len(labels)), labels),
        "centroids_csv": centroids_csv(run.centers, columns, sizes=run.counts),
        "summary_json": json.dumps(to_document(run), indent=1).encode(),
        "figures": {},
    }


def _show(memo: dict, key: str) -> None:
    run: RunSummary = memo["run"]
    st.success(describe_run(run.n_rows, len(run.columns), run.n_clusters, run.n_iter,
                            run.converged, run.inertia, "inertia"),
               icon=":material/check_circle:")
    skipped = (f"; {run.n_skipped:,} rows with missing or non-finite values left out"
               if run.n_skipped else "")
    source = md_escape(str(run.settings.get("source", "an unnamed table")))
    st.caption(f"Fitted by the {run.engine} engine ({md_escape(run.method)}) on {source}, "
               f"scaling {'standard' if run.scale_mean is not None else 'none'}{skipped}.")
    if memo["points"] is not None:
        style = style_name()
        if style not in memo["figures"]:
            memo["figures"][style] = assign_figure(
                memo["points"], memo["drawn_labels"], memo["centers"], memo["axis_titles"],
                style=figure_style())
        show_chart(memo["figures"][style], key=f"{key}_opened_chart")
        st.caption(f"{len(memo['points']):,} rows of the run's {len(run.sample):,}-row seeded "
                   f"sample (of {run.n_rows:,} rows), drawn with the run's centers (×) on the "
                   "sample's first two principal components.")
    profile_tab, metrics_tab, run_tab, download_tab = st.tabs(
        ["Cluster profiles", "Metrics on the sample", "Run", "Download"])
    with profile_tab:
        st.caption("Rows and mean of every column per cluster over every row, in the table's "
                   "own units.")
        st.dataframe(memo["profiles"], key=f"{key}_opened_profiles", width="stretch")
    with metrics_tab:
        if memo["evaluation"] is None:
            st.info("The run's sample is too small for quality metrics.")
        else:
            st.caption(f"Computed on the run's {len(run.sample):,}-row sample, not on every "
                       "row; the objective is the run's inertia over every row.")
            evaluation = memo["evaluation"]
            st.table(metrics_table(evaluation.values, evaluation.reasons,
                                   include_external=False).set_index("Metric"))
    with run_tab:
        _run_details(run, key)
    with download_tab:
        for which, label, name, mime in (
                ("labelled_csv", "Sample with clusters (CSV)", "run_sample.csv", "text/csv"),
                ("centroids_csv", "Centroids (CSV)", "run_centroids.csv", "text/csv"),
                ("summary_json", "Run summary (JSON)", "run_summary.json",
                 "application/json")):
            st.download_button(label, memo[which], file_name=name, mime=mime,
                               key=f"{key}_opened_dl_{which}", on_click="ignore")


def _run_details(run: RunSummary, key: str) -> None:
    settings = {name: json.dumps(value) if isinstance(value, list) else str(value)
                for name, value in run.settings.items()}
    settings |= {f"version of {name}": str(value) for name, value in run.versions.items()}
    st.dataframe(pd.DataFrame({"value": list(settings.values())}, index=list(settings)),
                 key=f"{key}_opened_settings", width="stretch")
    if run.cost_history or run.shift_history:
        steps = max(len(run.cost_history), len(run.shift_history))
        history = pd.DataFrame({
            "cost (sum of squared distances)": list(run.cost_history) or [None] * steps,
            "centers moved (squared)": list(run.shift_history) or [None] * steps},
            index=pd.RangeIndex(1, steps + 1, name="iteration"))
        st.dataframe(history, key=f"{key}_opened_history", width="stretch")
    else:
        st.caption("This engine reports no per-iteration cost.")
    if run.timings:
        st.caption("Seconds per pass or step: " + ", ".join(
            f"{md_escape(name)} {seconds:.1f}" for name, seconds in run.timings) + ".")
