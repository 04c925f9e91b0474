"""The sidebar's data picker, shared by every page: built-in sets, synthetic knobs and uploads.

An upload that the loader refuses shows its one-sentence reason and the previous data stays
(the last good upload, or the last built-in set). Uploaded bytes are kept in the session so the
data survives page changes; they are never written to disk or put in the URL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath

import pandas as pd
import streamlit as st

from clustering.data import DATASETS, Prepared
from clustering.io import TableError
from ui import cache
from ui.knobs import RunSettings, run_knobs
from ui.state import (
    MISSING,
    SCALINGS,
    UPLOAD,
    bind,
    notice,
    set_data_defaults,
    set_value,
    settings,
    show_notices,
    store,
)
from ui.text import md_escape

_UPLOAD_TYPES = ["csv", "tsv", "txt", "xlsx", "parquet"]
_SCALING_LABELS = {
    "none": "None (raw units)",
    "standard": "Standardise (mean 0, sd 1)",
    "minmax": "Min-max to [0, 1]",
    "robust": "Robust (median, IQR)",
}
_MISSING_LABELS = {
    "drop": "Drop rows with missing values",
    "mean": "Fill with the column mean",
    "median": "Fill with the column median",
}


@dataclass(frozen=True)
class Source:
    """The table the sidebar selected, before features are prepared."""

    key: str
    title: str
    frame: pd.DataFrame
    numeric_columns: list[str]
    default_features: list[str]
    label_candidates: list[str]
    default_label: str | None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ActiveData:
    """What a page clusters: the source table and its prepared feature matrix."""

    source: Source
    prepared: Prepared
    key: str  # identifies `prepared` exactly: source key + preparation settings

    @property
    def title(self) -> str:
        return self.source.title


def _builtin_source(name: str) -> Source:
    s = settings()
    spec = DATASETS[name]
    n = s["n"] if spec.takes_n_samples else None
    noise = s["noise"] if spec.takes_noise else None
    data = cache.dataset(name, n, noise, s["data_seed"])
    return Source(
        key=cache.content_key("builtin", name, n, noise, s["data_seed"]),
        title=spec.title,
        frame=data.frame,
        numeric_columns=list(data.feature_names),
        default_features=list(data.feature_names),
        label_candidates=[data.label_column] if data.label_column else [],
        default_label=data.label_column,
        notes=[spec.description, *data.notes],
    )


def _upload_source() -> Source | None:
    upload = st.session_state.get("upload")
    if upload is None:
        return None
    opts = st.session_state.get("upload_options", {})
    table = cache.table(
        upload["digest"],
        upload["data"],
        upload["suffix"],
        opts.get("sheet"),
        opts.get("header"),
        opts.get("skip_bad_lines", False),
    )
    return Source(
        key=cache.content_key("upload", upload["digest"], tuple(sorted(opts.items()))),
        title=f"Upload: {upload['name']}",
        frame=table.frame,
        numeric_columns=list(table.numeric_columns),
        default_features=list(table.default_features),
        label_candidates=list(table.label_candidates),
        default_label=None,
        notes=list(table.notes),
    )


def _receive_upload() -> None:
    """Load a newly dropped file; on refusal say why and keep what was there."""
    file = st.sidebar.file_uploader(
        "…or upload a table", type=_UPLOAD_TYPES, key="sb_upload",
        help="CSV, TSV, TXT, Excel (.xlsx) or Parquet. Nothing is stored after you leave.",
    )
    if file is None or file.file_id == st.session_state.get("upload_file_id"):
        return
    st.session_state["upload_file_id"] = file.file_id
    data = file.getvalue()
    candidate = {
        "digest": cache.bytes_key(data),
        "data": data,
        "name": PurePath(file.name).name,
        "suffix": PurePath(file.name).suffix.lower(),
    }
    try:
        cache.table(candidate["digest"], data, candidate["suffix"], None, None, False)
    except TableError as exc:
        st.session_state["upload_error"] = str(exc)
        return
    st.session_state.pop("upload_error", None)
    st.session_state["upload"] = candidate
    st.session_state["upload_options"] = {}
    set_value("dataset", UPLOAD, "sb_dataset")
    set_value("features", None)
    set_value("label", None)


def _upload_options() -> None:
    """Re-read options for the current upload (header row, bad lines, sheet)."""
    opts = dict(st.session_state.get("upload_options", {}))
    upload = st.session_state["upload"]
    # The first read (default options) succeeded at upload time and is cached; it lists the
    # workbook's sheets whatever the file was called.
    first = cache.table(upload["digest"], upload["data"], upload["suffix"], None, None, False)
    with st.sidebar.expander("How the file is read"):
        if len(first.sheet_names) > 1:
            opts["sheet"] = st.selectbox("Sheet", first.sheet_names, key="sb_sheet")
        header = st.selectbox(
            "First row", ["Detect", "Is the header", "Is data"], key="sb_header"
        )
        opts["header"] = {"Detect": None, "Is the header": True, "Is data": False}[header]
        opts["skip_bad_lines"] = st.checkbox("Skip lines with the wrong number of fields",
                                             key="sb_skip_bad")
    if opts != st.session_state.get("upload_options"):
        st.session_state["upload_options"] = opts
        set_value("features", None)


def pick_source() -> Source:
    """Draw the data picker in the sidebar and return the selected table."""
    s = settings()
    st.sidebar.header("Data")
    _receive_upload()
    if error := st.session_state.pop("upload_error", None):
        st.sidebar.error(md_escape(error))
    has_upload = "upload" in st.session_state
    options = [*DATASETS, *([UPLOAD] if has_upload else [])]
    if s["dataset"] not in options:
        if s["dataset"] == UPLOAD:
            notice("Uploaded files are not stored in links; showing Iris instead.")
        set_value("dataset", "iris", "sb_dataset")

    upload_title = f"Your upload: {st.session_state['upload']['name']}" if has_upload else ""

    def title(name: str) -> str:
        if name == UPLOAD:
            return upload_title
        spec = DATASETS[name]
        return spec.title + ("" if spec.kind == "real" else " (synthetic)")

    bind("dataset", "sb_dataset")
    name = st.sidebar.selectbox("Dataset", options, format_func=title, key="sb_dataset")
    if name != s["dataset"]:
        set_value("features", None)
        set_value("label", None)
    store("dataset", name)

    if name == UPLOAD:
        _upload_options()
        try:
            source = _upload_source()
        except TableError as exc:
            st.sidebar.error(md_escape(exc))
            st.session_state["upload_options"] = {}
            source = _upload_source()
        assert source is not None
        return source

    spec = DATASETS[name]
    if spec.takes_n_samples or spec.takes_noise:
        with st.sidebar.expander("Synthetic data settings", expanded=False):
            if spec.takes_n_samples:
                s["n"] = s["n"] or spec.default_n
                bind("n", "sb_n")
                store("n", st.number_input("Points", 20, 200_000, step=100, key="sb_n"))
            if spec.takes_noise:
                s["noise"] = s["noise"] if s["noise"] is not None else spec.default_noise
                bind("noise", "sb_noise")
                store("noise", st.slider("Noise", 0.0, 3.0, step=0.05, key="sb_noise",
                                         help=spec.noise_help))
            bind("data_seed", "sb_data_seed")
            store("data_seed", st.number_input("Data seed", 0, 2**31 - 1, key="sb_data_seed"))
    return _builtin_source(name)


def pick_features(source: Source) -> ActiveData:
    """Feature, label, scaling and missing-value controls; returns the prepared data."""
    s = settings()
    with st.sidebar.expander("Features and preparation", expanded=s["dataset"] == UPLOAD):
        chosen = s["features"]
        if chosen is not None:
            unknown = [f for f in chosen if f not in source.numeric_columns]
            if unknown:
                notice(f"{len(unknown)} feature name(s) from the link are not in this data; "
                       "using the default features.")
                chosen = None
        if chosen is None:
            s["features"] = tuple(source.default_features)
            st.session_state.pop("sb_features", None)
        bind("features", "sb_features")
        store("features", st.multiselect(
            "Features", source.numeric_columns, key="sb_features",
            help="Numeric columns used for clustering. IDs, dates and booleans are left out "
                 "by default.",
        ))
        label_options = [None, *source.label_candidates]
        if s["label"] is None and source.default_label and "sb_label" not in st.session_state:
            s["label"] = source.default_label
        if s["label"] not in label_options:
            notice("The label column from the link is not in this data; no label is used.")
            set_value("label", None, "sb_label")
        bind("label", "sb_label")
        store("label", st.selectbox(
            "True label (optional)", label_options, key="sb_label",
            format_func=lambda v: "None" if v is None else str(v),
            help="A column of known classes: unlocks homogeneity, completeness, V-measure, "
                 "ARI and AMI. It is never used as a feature.",
        ))
        bind("scaling", "sb_scaling")
        store("scaling", st.selectbox("Scaling", SCALINGS, key="sb_scaling",
                                      format_func=_SCALING_LABELS.get))
        bind("missing", "sb_missing")
        store("missing", st.selectbox("Missing values", MISSING, key="sb_missing",
                                      format_func=_MISSING_LABELS.get))
    set_data_defaults(features=tuple(source.default_features), label=source.default_label)
    features = tuple(f for f in s["features"] if f != s["label"])
    prepared = cache.prepared(source, features, s["label"], s["missing"], s["scaling"])
    key = cache.content_key(source.key, features, s["label"], s["missing"], s["scaling"])
    return ActiveData(source=source, prepared=prepared, key=key)


def data_and_knobs() -> tuple[ActiveData, RunSettings]:
    """The shared sidebar (data, preparation, k-means knobs) and the data summary line.

    Every page that runs k-means on the sidebar's data starts with this call.
    """
    source = pick_source()
    active = pick_features(source)
    prepared = active.prepared
    run = run_knobs(prepared.n_distinct)
    show_notices()
    with st.expander(f"Data: {md_escape(source.title)} · {prepared.X.shape[0]:,} rows × "
                     f"{prepared.X.shape[1]} features"):
        for note in [*source.notes, *prepared.notes]:
            st.markdown(md_escape(note))
    return active, run
