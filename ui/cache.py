"""Cached wrappers around the engine's pure calls: the only place that uses ``st.cache_data``.

Each wrapper is keyed on a content key (a hash string) and plain values; the large inputs are
passed with a leading underscore so Streamlit does not hash them (it would hash big frames from a
sample). The content key must therefore identify the large input exactly: callers build it with
:func:`content_key` from the keys of what the input was made from.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from clustering.data import (
    Dataset,
    Prepared,
    centroids_csv,
    labeled_csv,
    load_dataset,
    prepare,
    settings_json,
)
from clustering.engine import History, KMeansResult, kmeans, pairwise
from clustering.evaluation import METRICS, Evaluation, cluster_profiles, evaluate
from clustering.figures import contingency_heatmap, objective_figure
from clustering.figures import run_figure as build_run_figure
from clustering.io import Table, load_table
from clustering.view import Projection, ReplayInputs, fit_projection, replay_inputs
from ui.layout import STYLES

_ENTRIES = 16


def content_key(*parts: Any) -> str:
    """A short stable hash of plain values (strings, numbers, tuples, None)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:20]


def bytes_key(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:20]


@st.cache_data(max_entries=_ENTRIES, show_spinner=False)
def dataset(name: str, n_samples: int | None, noise: float | None, seed: int) -> Dataset:
    return load_dataset(name, n_samples=n_samples, noise=noise, random_state=seed)


@st.cache_data(max_entries=8, show_spinner=False)
def table(
    digest: str,
    _data: bytes,
    filename_suffix: str,
    sheet: str | int | None,
    header: bool | None,
    skip_bad_lines: bool,
) -> Table:
    # Only the suffix of the name matters to the loader; the digest identifies the bytes.
    return load_table(
        _data, f"upload{filename_suffix}", sheet=sheet, header=header, skip_bad_lines=skip_bad_lines
    )


@st.cache_data(max_entries=_ENTRIES, show_spinner=False)
def prepared(
    source_key: str,
    _frame: pd.DataFrame,
    features: tuple[str, ...],
    label: str | None,
    missing: str,
    scaling: str,
) -> Prepared:
    return prepare(_frame, list(features), label, missing=missing, scaling=scaling)


@st.cache_data(max_entries=_ENTRIES, show_spinner="Running k-means…")
def run(
    prepared_key: str,
    _X: np.ndarray,
    n_clusters: int,
    init: str,
    distance: str,
    center: str | None,
    seed: int,
    max_iter: int,
    n_init: int,
    manual_rows: tuple[int, ...],
) -> KMeansResult:
    start = _X[list(manual_rows)] if init == "manual" else init
    return kmeans(
        _X,
        n_clusters,
        init=start,
        distance=distance,
        center=center,
        n_init=1 if init == "manual" else n_init,
        max_iter=max_iter,
        random_state=seed,
    )


@st.cache_data(max_entries=_ENTRIES, show_spinner="Computing metrics…")
def evaluation(
    run_key: str,
    _X: np.ndarray,
    _labels: np.ndarray,
    _true_labels: np.ndarray | None,
    objective: float,
    distance: str,
) -> Evaluation:
    return evaluate(_X, _labels, _true_labels, objective=objective, metric=distance)


@st.cache_data(max_entries=_ENTRIES, show_spinner=False)
def projection(
    prepared_key: str,
    _X: np.ndarray,
    method: str,
    n_components: int,
    features: tuple[int, ...] | None,
    feature_names: tuple[str, ...],
) -> Projection:
    return fit_projection(
        _X,
        method=method,
        n_components=n_components,
        features=None if features is None else list(features),
        feature_names=list(feature_names),
    )


@st.cache_data(max_entries=8, show_spinner=False)
def replay(
    run_key: str,
    view_key: tuple,
    _X: np.ndarray,
    _history: History,
    _projection: Projection,
    _frame: pd.DataFrame,
    _row_index: np.ndarray,
    _true_labels: np.ndarray | None,
    distance: str,
    regions: bool,
) -> ReplayInputs:
    return replay_inputs(_X, _history, _projection, frame=_frame, row_index=_row_index,
                         true_labels=_true_labels, distance=distance, regions=regions)


# Figures are cached as plain dicts: unpickling a go.Figure re-validates it (~35 ms for a
# run figure), a dict costs next to nothing.
@st.cache_data(max_entries=32, show_spinner=False)
def run_figure(
    run_key: str,
    view_key: tuple,
    step: int,
    style_name: str,
    _inputs: ReplayInputs,
    _history: History,
    axis_titles: tuple[str, ...],
    center_rule: str,
) -> dict:
    return build_run_figure(
        **_inputs.figure_kwargs(_history),
        axis_titles=list(axis_titles),
        start_step=step,
        style=STYLES[style_name],
        center_rule=center_rule,
        equal_aspect=_inputs.regions is not None,
        uirevision=f"{run_key}-{view_key}",
    ).to_dict()


@st.cache_data(max_entries=6, show_spinner=False)
def export_file(
    run_key: str,
    which: str,
    _frame: pd.DataFrame,
    _prepared: Prepared,
    _result: KMeansResult,
    distance: str,
    run_settings: dict,
) -> bytes:
    """One download of a run ("labelled", "centroids" or "settings"), built when first asked."""
    if which == "labelled":
        X, labels = _prepared.X, _result.labels
        distances = pairwise(X, _result.centers, distance)[np.arange(X.shape[0]), labels]
        return labeled_csv(_frame, _prepared.row_index, labels, distances)
    if which == "centroids":
        return centroids_csv(_prepared.to_original_units(_result.centers),
                             list(_prepared.feature_names))
    return settings_json(run_settings)


@st.cache_data(max_entries=_ENTRIES, show_spinner=False)
def contingency_figure(run_key: str, style_name: str, _table: pd.DataFrame) -> dict:
    return contingency_heatmap(_table, style=STYLES[style_name]).to_dict()


@st.cache_data(max_entries=32, show_spinner=False)
def objective_chart(run_key: str, step: int, style_name: str, _history: History) -> dict:
    return objective_figure(_history.objective, _history.phase, _history.iteration,
                            current_step=step, metric_label=METRICS["objective"].label,
                            style=STYLES[style_name]).to_dict()


@st.cache_data(max_entries=_ENTRIES, show_spinner=False)
def profiles(run_key: str, _frame: pd.DataFrame, _prepared: Prepared,
             _labels: np.ndarray, n_clusters: int) -> pd.DataFrame:
    return cluster_profiles(_frame, _prepared.row_index, _labels, _prepared.feature_names,
                            n_clusters)
