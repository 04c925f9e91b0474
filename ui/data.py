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

from clustering.data import DATASETS, Prepared, categorical_columns
from clustering.io import TableError, start_readers
from clustering.text import shorten
from ui import cache
from ui.knobs import RunSettings, run_knobs
from ui.state import (
    DATA_DEFAULT,
    MISSING,
    SCALINGS,
    UPLOAD,
    get,
    notice,
    set_data_default,
    set_value,
    setting,
    show_notices,
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
    spec = DATASETS[name]
    n = get("sb_n") if spec.takes_n_samples else None
    noise = get("sb_noise") if spec.takes_noise else None
    data_seed = get("sb_data_seed")
    data = cache.dataset(name, n, noise, data_seed)
    return Source(
        key=cache.content_key("builtin", name, n, noise, data_seed),
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
        notes=[*table.notes, *_left_out(table.excluded)],
    )


def _left_out(excluded: dict[str, str]) -> list[str]:
    """One note naming every column left out of the default features, each with its reason."""
    if not excluded:
        return []
    reasons = "; ".join(f"‘{name}’: {why}" for name, why in excluded.items())
    return [f"Left out of the default features ({len(excluded)}): {reasons}."]


def _receive_upload() -> None:
    """Load a newly dropped file; on refusal say why and keep what was there."""
    start_readers()  # the process that forks upload readers warms up while a file is picked
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
    st.session_state.pop("upload_ragged", None)
    try:
        cache.table(candidate["digest"], data, candidate["suffix"], None, None, False)
    except TableError as exc:
        st.session_state["upload_error"] = str(exc)
        # Lines with the wrong number of fields: offer to skip them right with the error,
        # when a read that skips them works.
        try:
            skipping = cache.table(candidate["digest"], data, candidate["suffix"], None, None,
                                   True)
        except TableError:
            return
        if skipping.n_skipped_lines:
            st.session_state["upload_ragged"] = {**candidate,
                                                 "n_skipped": skipping.n_skipped_lines}
        return
    _accept(candidate, {})


def _accept(candidate: dict, options: dict) -> None:
    st.session_state.pop("upload_error", None)
    st.session_state.pop("upload_accepted_skipping", None)
    st.session_state["upload"] = candidate
    st.session_state["upload_options"] = options
    set_value("sb_dataset", UPLOAD)
    set_value("sb_features", DATA_DEFAULT)
    set_value("sb_label", DATA_DEFAULT)


def _accept_skipping() -> None:
    """The offer made with a ragged file's error: use it, skipping the bad lines."""
    pending = st.session_state.pop("upload_ragged", None)
    if pending is None:
        return
    candidate = {key: pending[key] for key in ("digest", "data", "name", "suffix")}
    st.session_state["sb_skip_bad"] = True  # the "How the file is read" box shows it
    _accept(candidate, {"skip_bad_lines": True})
    st.session_state["upload_accepted_skipping"] = True


def _ragged_offer(error: str | None) -> None:
    """The refusal of a ragged file, with the button that reads it skipping bad lines."""
    pending = st.session_state.get("upload_ragged")
    if pending is None:
        if error:
            st.sidebar.error(md_escape(error))
        return
    n = pending["n_skipped"]
    st.sidebar.error(md_escape(error or pending.get("error", "")) if error else
                     f"{md_escape(pending['name'])} has lines with the wrong number of fields.")
    st.sidebar.button(f"Skip the {n:,} bad line{'s' * (n != 1)} and use the file",
                      key="sb_accept_skipping", on_click=_accept_skipping, type="primary",
                      icon=":material/playlist_remove:")


def _upload_options() -> None:
    """Re-read options for the current upload (header row, bad lines, sheet)."""
    opts = dict(st.session_state.get("upload_options", {}))
    upload = st.session_state["upload"]
    # The first read (default options, bad lines skipped if the file was accepted that way)
    # succeeded at upload time and is cached; it lists the workbook's sheets whatever the
    # file was called.
    first = cache.table(upload["digest"], upload["data"], upload["suffix"], None, None,
                        st.session_state.get("upload_accepted_skipping", False))
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
        set_value("sb_features", DATA_DEFAULT)


def pick_source() -> Source:
    """Draw the data picker in the sidebar and return the selected table."""
    st.sidebar.header("Data")
    _receive_upload()
    _ragged_offer(st.session_state.pop("upload_error", None))
    has_upload = "upload" in st.session_state
    options = [*DATASETS, *([UPLOAD] if has_upload else [])]
    if get("sb_dataset") not in options:
        if get("sb_dataset") == UPLOAD:
            notice("Uploaded files are not stored in links; showing Iris instead.")
        set_value("sb_dataset", "iris")

    upload_title = f"Your upload: {st.session_state['upload']['name']}" if has_upload else ""

    def title(name: str) -> str:
        if name == UPLOAD:
            return upload_title
        spec = DATASETS[name]
        return spec.title + ("" if spec.kind == "real" else " (synthetic)")

    before = get("sb_dataset")
    name = setting(st.sidebar.selectbox, "sb_dataset", "Dataset", options, format_func=title)
    if name != before:
        set_value("sb_features", DATA_DEFAULT)
        set_value("sb_label", DATA_DEFAULT)

    if name == UPLOAD:
        _upload_options()
        try:
            source = _upload_source()
        except TableError as exc:
            st.sidebar.error(md_escape(exc))
            # Back to how the file was accepted (maybe skipping its bad lines).
            st.session_state["upload_options"] = (
                {"skip_bad_lines": True}
                if st.session_state.get("upload_accepted_skipping") else {})
            source = _upload_source()
        assert source is not None
        return source

    spec = DATASETS[name]
    if spec.takes_n_samples or spec.takes_noise:
        with st.sidebar.expander("Synthetic data settings", expanded=False):
            if spec.takes_n_samples:
                set_data_default("sb_n", spec.default_n)
                if get("sb_n") is None:
                    set_value("sb_n", spec.default_n)
                setting(st.number_input, "sb_n", "Points", 20, 200_000, step=100)
            if spec.takes_noise:
                set_data_default("sb_noise", spec.default_noise)
                if get("sb_noise") is None:
                    set_value("sb_noise", spec.default_noise)
                setting(st.slider, "sb_noise", "Noise", 0.0, 3.0, step=0.05,
                        help=spec.noise_help)
            setting(st.number_input, "sb_data_seed", "Data seed", 0, 2**31 - 1)
    return _builtin_source(name)


@cache.cached
def categorical_options(source: Source) -> list[str]:
    """Text and true/false columns the user may add as categorical features."""
    return categorical_columns(source.frame, exclude=source.numeric_columns)


def pick_features(source: Source) -> ActiveData:
    """Feature, label, scaling and missing-value controls; returns the prepared data."""
    with st.sidebar.expander("Features and preparation",
                             expanded=get("sb_dataset") == UPLOAD):
        categories = categorical_options(source)
        options = [*source.numeric_columns, *categories]
        chosen = get("sb_features")
        if chosen is not DATA_DEFAULT:
            unknown = [f for f in chosen if f not in options]
            if unknown:
                shown = ", ".join(repr(f) for f in unknown[:3]) + (", …" if unknown[3:] else "")
                notice(f"Ignored features={shown} from the link (not numeric columns of this "
                       "data); using the default features.")
                chosen = DATA_DEFAULT
        set_data_default("sb_features", tuple(source.default_features))
        if chosen is DATA_DEFAULT:
            set_value("sb_features", tuple(source.default_features))
        features = setting(
            st.multiselect, "sb_features", "Features", options,
            # A 5,000-character header is cut in its tag.
            format_func=lambda c: f"{shorten(c)} (categories)" if c in categories else shorten(c),
            help="Numeric columns used for clustering; IDs, dates and booleans are left out by "
                 "default. Columns marked (categories) are one-hot encoded, each weighing about "
                 "as much as one numeric column; the Data box says how.",
        )
        label_options = [None, *source.label_candidates]
        set_data_default("sb_label", source.default_label)
        label = get("sb_label")
        if label is DATA_DEFAULT:
            set_value("sb_label", source.default_label)
        elif label not in label_options:
            notice(f"Ignored label={label!r} from the link (not a label column of this data); "
                   "no label is used.")
            set_value("sb_label", None)
        label = setting(
            st.selectbox, "sb_label", "True label (optional)", label_options,
            format_func=lambda v: "None" if v is None else shorten(v),
            help="A column of known classes: unlocks homogeneity, completeness, V-measure, "
                 "ARI and AMI. It is never used as a feature.",
        )
        scaling = setting(st.selectbox, "sb_scaling", "Scaling", SCALINGS,
                          format_func=_SCALING_LABELS.get)
        missing = setting(st.selectbox, "sb_missing", "Missing values", MISSING,
                          format_func=_MISSING_LABELS.get)
    features = tuple(f for f in features if f != label)
    categorical = tuple(f for f in features if f in categories)
    prepared = cache.prepared(source, features, label, missing, scaling, categorical)
    key = cache.content_key(source.key, features, label, missing, scaling, categorical)
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
    for warning in prepared.warnings:  # rows dropped, a label of one class per row
        st.warning(md_escape(warning))
    with st.expander(f"Data: {md_escape(source.title)} · {prepared.X.shape[0]:,} rows × "
                     f"{prepared.X.shape[1]} features"):
        for note in [*source.notes, *prepared.notes]:
            st.markdown(md_escape(note))
    return active, run
