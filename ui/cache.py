"""The app's one cache policy, and the cached wrappers around the engine's pure calls.

Rules (enforced by :func:`cached` and ``tests/ui/test_cache.py``, not only written here):

1. **Arguments are plain values or keyed records.** A cached function takes strings, numbers,
   None, tuples of them, and *keyed records*: objects whose ``key`` identifies their content
   exactly (``ui.data.ActiveData``, ``ui.data.Source``, ``ui.image.Picked``,
   ``ui.compare.GridRow``, :class:`RunSpec`, :class:`Keyed`). Records are hashed by that key
   through ``hash_funcs``; an array, DataFrame or Series reaching the hasher raises
   ``TypeError`` (Streamlit would hash a big one from a sample, so two different inputs could
   share an entry and one session could be served another's result). No cached function has an
   unhashed ``_argument``: :func:`cached` refuses it at import. :func:`content_key` refuses
   arrays and frames too (``repr`` abbreviates arrays over 1,000 elements).
2. **Every cached function has a row in** :data:`CACHE_POLICY`: its entries, its byte budget,
   its ttl and why. :func:`cached` reads the row (a cached function without one fails at
   import) and passes ``max_size``, so each cache is bounded in *bytes* of pickled values,
   not only in entries: all of them together hold at most :func:`total_budget_mb` MB, plus
   at most one value per function that is alone bigger than its budget (Streamlit keeps it and
   drops the rest), and ``server.maxCacheDataSize`` (1 GB in ``.streamlit/config.toml``) caps
   their sum. ``ttl`` frees what nobody asked for in a while.
3. **Big per-session objects stay out of** ``st.cache_data``: the upload's bytes, its parsed
   table and the prepared feature matrix live in the session (:data:`SESSION_POLICY`), once,
   shared by reference (``st.cache_data`` would keep a pickled copy *and* unpickle a fresh
   64 MB copy on every rerun of a 1,000,000-row upload). The uploaded bytes are in one place:
   ``st.session_state["upload"]`` (the same object Streamlit's uploader holds); nothing in a
   cache keeps them.
4. A run is cached as a :class:`clustering.view.DrawableRun` (centres and objective per step,
   per-step labels of the drawn rows, final labels once), never with its full history.
5. Work that can take over a second on big data shows a progress bar (:func:`progress_bar`),
   made inside the cached function so a cache hit replays nothing visible.
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, TypeVar

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
from clustering.engine import apply_moves, kmeans, pairwise
from clustering.evaluation import Evaluation, cluster_profiles, evaluate, hover_lines
from clustering.figures import contingency_heatmap
from clustering.io import Table, load_table
from clustering.view import (
    DrawableRun,
    Projection,
    ReplayInputs,
    drawable_run,
    fit_projection,
    replay_inputs,
)
from ui.layout import STYLES

if TYPE_CHECKING:
    from ui.data import ActiveData, Source
    from ui.knobs import RunSettings

T = TypeVar("T")
MB = 1024 * 1024

#: Rows from which computations show a progress bar (below, they take well under a second).
PROGRESS_ROWS = 50_000
#: File size from which reading an upload shows a progress bar.
PROGRESS_BYTES = 5 * 1024 * 1024


# --- the policy ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Policy:
    """How one cache is bounded.

    Attributes
    ----------
    entries : int
        Most entries (Streamlit drops the oldest beyond it).
    max_mb : int
        Most pickled megabytes held by the function's entries together (least recently used
        dropped first); 0 for session caches, which are bounded by ``entries`` per session.
    ttl : str or None
        Entries unused this long are dropped (a pandas Timedelta string).
    why : str
        What the entries hold and why these numbers.
    """

    entries: int
    max_mb: int
    ttl: str | None
    why: str


CACHE_POLICY: dict[str, Policy] = {
    # ui/cache.py: the shared sidebar data and Explore.
    "ui.cache.dataset": Policy(
        16, 64, "1h", "Built-in and synthetic sets: at most 200,000 x 2 (3 MB); shared by all."),
    "ui.cache.run": Policy(
        32, 128, "1h", "A run as drawn (DrawableRun): final labels (4 MB at 1M rows), centres "
        "per step, labels of <= 5,000 drawn rows per step; never the full history."),
    "ui.cache.evaluation": Policy(
        32, 16, "1h", "Metric values and a k x classes contingency table: small."),
    "ui.cache.projection": Policy(
        32, 8, "1h", "A fitted PCA or axis choice: d x 3 numbers."),
    "ui.cache.hover": Policy(
        16, 32, "1h", "Hover lines of the <= 5,000 drawn rows (about 1 MB), keyed by the rows: "
        "the same for every view and for every K, so neither rebuilds them."),
    "ui.cache.replay": Policy(
        16, 64, "1h", "The drawn rows and centres in plot coordinates (+ region grids)."),
    "ui.cache.contingency_figure": Policy(
        16, 8, "1h", "Contingency heatmaps (Explore, Documents): k x classes cells."),
    "ui.cache.profiles": Policy(
        16, 8, "1h", "Cluster profiles: k rows x features."),
    "ui.cache.export_file": Policy(
        4, 256, "10m", "Downloads, built on click: a labelled 1M-row table is ~100 MB, and "
        "Streamlit keeps its own copy while serving it, so few and short-lived."),
    "ui.data.categorical_options": Policy(
        16, 1, "1h", "Names of the columns offered as categorical features: a short list."),
    # ui/analyst.py: Explore's outliers, separations and labelled download with scores.
    "ui.analyst.outliers": Policy(
        8, 64, "1h", "Outlier scores of every row (8 MB at 1M rows) for one run and rule."),
    "ui.analyst.flagged_rows": Policy(
        8, 8, "1h", "The listed flagged rows (a capped table) for one run and rule."),
    "ui.analyst.labelled_file": Policy(
        2, 256, "10m", "The labelled download with outlier columns (~100 MB at 1M rows), "
        "built on click: few and short-lived, as export_file."),
    "ui.analyst.separation": Policy(
        16, 8, "1h", "What sets each cluster apart: k x features effects."),
    "ui.analyst.separation_chart": Policy(
        32, 8, "1h", "One cluster's separation bar chart as a plotly dict."),
    # ui/run_view.py: Explore's timeline.
    "ui.run_view.timeline_json": Policy(
        32, 128, "1h", "The run's timeline figure as plotly JSON (<= 5,000 points, one label "
        "array per step, as typed arrays): one per (run, view, style, shapes)."),
    # ui/choose_k.py
    "ui.choose_k.cached_sweep": Policy(
        8, 128, "1h", "K = 2..10 runs without history: labels per K (36 MB at 1M rows), scores."),
    "ui.choose_k.cached_init_study": Policy(
        8, 16, "1h", "Objective and iterations of R seeds x 4 methods: small."),
    "ui.choose_k.cached_silhouette": Policy(
        16, 16, "1h", "Silhouette values of <= 2,000 sampled rows per K."),
    # ui/compare.py
    "ui.compare.cached_toy": Policy(
        8, 16, "1h", "The gallery's toy sets: 1,500 x 2 each."),
    "ui.compare.cached_run": Policy(
        128, 128, "1h", "One algorithm on one dataset: labels (+ sampled rows); a full grid of "
        "6 sets x 11 algorithms fits in the entries."),
    "ui.compare.cached_scores": Policy(
        128, 16, "1h", "Scores of one algorithm on one dataset: a few numbers each."),
    "ui.compare.cached_k_distance": Policy(
        16, 64, "1h", "DBSCAN's sorted k-distance curve: one float per row."),
    "ui.compare.cached_dendrogram": Policy(
        8, 32, "1h", "A dendrogram's linkage on at most a sample of rows."),
    "ui.compare.cached_grid_figure": Policy(
        8, 128, "1h", "The grid figure as a plotly dict: at most 25,000 points."),
    # ui/image.py
    "ui.image._sample_image": Policy(
        4, 64, "1h", "scikit-learn's two sample photos (427 x 640)."),
    "ui.image._uploaded_image": Policy(
        4, 256, "30m", "Decoded uploads (<= 25 megapixels, 100 MB as RGBA); keyed by the "
        "file's sha256 (the bytes themselves stay in the session)."),
    "ui.image._quantized": Policy(
        8, 256, "30m", "A palette and one label per pixel (up to 50 MB at 25 megapixels)."),
    "ui.image._png": Policy(
        8, 128, "30m", "Quantized PNG files (the download)."),
    "ui.image._error": Policy(16, 1, "1h", "One number per result."),
    "ui.image._original_png_size": Policy(4, 1, "1h", "One number per image."),
    "ui.image._preview": Policy(
        16, 64, "30m", "Screen-sized previews (at most 1,200 px a side)."),
    "ui.image._sweep": Policy(8, 16, "1h", "Error against K: a few dozen numbers."),
    "ui.image._scatter_rows": Policy(
        8, 16, "1h", "Row numbers of the pixels drawn in colour space (a sample)."),
    # ui/learn.py: tiny fixed lesson data.
    "ui.learn._data": Policy(2, 4, None, "The lesson's two small datasets."),
    "ui.learn._run": Policy(16, 16, None, "Lesson runs on <= 300 points, with full history."),
    "ui.learn._two_starts": Policy(8, 16, None, "20 lesson starts on <= 300 points."),
    "ui.learn._scores": Policy(8, 1, None, "A few numbers per lesson run."),
    # ui/whatif.py
    "ui.whatif.matched_runs": Policy(
        4, 128, "1h", "Run A against run B on their shared rows: A's labels, B's matched "
        "labels, changed flags and B's row positions (about 25 MB at 1M rows), keyed by both "
        "runs' keys, so a rerun of the What-if tab matches nothing again."),
    # ui/documents.py: the corpus, term matrix and space are session slots (below).
    "ui.documents.builtin_corpus": Policy(
        5, 96, "1h", "Built-in corpora as read from installed packages (20 Newsgroups with all "
        "20 topics is 27 MB of text), shared by every session; each session keeps its own "
        "reference in the documents_corpus slot, so this is unpickled once per session."),
    "ui.documents.doc_run": Policy(
        32, 64, "1h", "A clustering of the documents as drawn: final labels (400 kB at 50,000 "
        "documents), centres per step, labels of <= 5,000 drawn documents per step."),
    "ui.documents.doc_evaluation": Policy(
        32, 16, "1h", "Metric values and a K x topics contingency table."),
    "ui.documents.doc_topics": Policy(
        32, 16, "1h", "Top 10 terms and weights per cluster, and the K x top-terms table."),
    "ui.documents.doc_documents": Policy(
        16, 64, "1h", "Title, label, length and 240-character snippet of every document "
        "(about 15 MB at 50,000 documents): the same for every K."),
    "ui.documents.doc_hover": Policy(
        16, 32, "1h", "Title, label, length and a 100-character snippet per document, for "
        "the map's hover boxes: the same for every K."),
    "ui.documents.doc_table": Policy(
        16, 64, "1h", "One row per document: title, cluster, similarity, words and a "
        "240-character snippet (about 15 MB at 50,000 documents)."),
    "ui.documents.doc_frequent": Policy(
        32, 8, "1h", "The 12 most frequent terms of each cluster with their shares."),
    "ui.documents.doc_projection": Policy(
        16, 8, "1h", "A fitted 2-D PCA of the document vectors: 2 x (at most 500) numbers."),
    "ui.documents.doc_search": Policy(
        64, 8, "1h", "The hits of one query: at most 50 rows, similarities, matching terms."),
    "ui.documents.doc_map": Policy(
        16, 128, "1h", "The document map's timeline figure as plotly JSON: <= 5,000 points x "
        "replay steps (one label array per step, as typed arrays)."),
    "ui.documents.doc_chart": Policy(
        64, 32, "1h", "Top-terms bars, term shares and length boxes as plotly dicts (box "
        "plots carry one length per document)."),
    "ui.documents.doc_sweep": Policy(
        4, 64, "1h", "K = 2..20 runs on the documents: labels per K (2 MB at 50,000 "
        "documents) and scores; run on request."),
    "ui.documents.doc_export": Policy(
        4, 256, "10m", "Downloads built on click: every document's full text with its cluster "
        "(about the size of the corpus), so few and short-lived."),
}
"""Every ``st.cache_data`` cache of the app, by qualified function name (module docstring)."""

SESSION_POLICY: dict[str, Policy] = {
    "table": Policy(
        2, 0, None, "The parsed upload: up to a few hundred MB, so per session and never "
        "copied. Two: the read with default options lists the sheets beside the chosen read."),
    "prepared": Policy(
        2, 0, None, "The prepared feature matrix (64 MB at 1M x 8): per session, by reference; "
        "two, so switching a setting back costs nothing."),
    "documents_corpus": Policy(
        2, 0, None, "The Documents page's corpus (its texts, up to the 100 MB upload), by "
        "reference, so a rerun never copies the text."),
    "documents_matrix": Policy(
        2, 0, None, "Term counts, TF-IDF and the fitted vectorizer of a corpus (8 MB for the "
        "3,387 posts): a change of K or of the seed reuses it."),
    "documents_space": Policy(
        2, 0, None, "The LSA vectors and fitted SVD (19 MB for the 3,387 posts at 100 "
        "components): a change of K reuses it."),
}
"""Per-session caches (in ``st.session_state``, freed with the session), by slot: each is
filled through :func:`session_memo`, which refuses a slot without a row here."""


def total_budget_mb() -> int:
    """Megabytes all ``st.cache_data`` caches may hold together (see the module docstring)."""
    return sum(policy.max_mb for policy in CACHE_POLICY.values())


# --- keys -----------------------------------------------------------------------------------


def content_key(*parts: Any) -> str:
    """A short stable hash of plain values: str, bytes, numbers, None, and tuples, lists,
    dicts and dataclasses of them.

    Raises
    ------
    TypeError
        For anything else, naming its type: an array's ``repr`` leaves out all but its first
        and last three values above 1,000 elements, so two different arrays would share a key.
        Hash an array with :func:`array_key`.
    """
    _check_plain(parts)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:20]


def _check_plain(value: Any) -> None:
    if value is None or isinstance(value, (str, bytes, bool, int, float, np.bool_, np.number)):
        return
    if isinstance(value, (tuple, list, set, frozenset)):
        for item in value:
            _check_plain(item)
        return
    if isinstance(value, dict):
        for item in value.items():
            _check_plain(item)
        return
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        if all(f.repr for f in fields):  # the repr, and so the key, shows every field
            for f in fields:
                _check_plain(getattr(value, f.name))
            return
    raise TypeError(f"content_key takes plain values, not {_type_name(value)}: an array or "
                    "frame must be hashed by its content (array_key) or passed as a keyed "
                    "record")


def _type_name(value: Any) -> str:
    return f"{type(value).__module__}.{type(value).__qualname__}"


def bytes_key(data: bytes) -> str:
    """The sha256 of bytes, shortened (the key of an upload)."""
    return hashlib.sha256(data).hexdigest()[:20]


def array_key(a: np.ndarray) -> str:
    """The sha256 of an array's dtype, shape and every value, shortened."""
    a = np.ascontiguousarray(a)
    digest = hashlib.sha256(f"{a.dtype.str}{a.shape}".encode())
    digest.update(a.tobytes())
    return digest.hexdigest()[:20]


@dataclass(frozen=True, eq=False)
class Keyed(Generic[T]):
    """A value and the content key that identifies it exactly (a keyed record).

    Made where the value is made, from the same inputs, so the two cannot disagree.
    """

    key: str
    value: T


@dataclass(frozen=True, eq=False)
class RunSpec:
    """What determines a k-means run exactly: the prepared data and the run's settings."""

    data: ActiveData
    settings: RunSettings

    @cached_property
    def key(self) -> str:
        return content_key(self.data.key, self.settings)


def _by_key(record: Any) -> str:
    return record.key


def _refuse(value: Any) -> None:
    raise TypeError(f"A {_type_name(value)} cannot be a cached function's argument: Streamlit "
                    "hashes big ones from a sample. Pass a keyed record (ui.cache.Keyed) or "
                    "plain values.")


KEYED_RECORDS = ("ui.data.ActiveData", "ui.data.Source", "ui.image.Picked",
                 "ui.compare.GridRow", "ui.cache.Keyed", "ui.cache.RunSpec")
"""Types hashed by their ``key`` attribute (by qualified name: ``ui.data`` imports this
module, so the classes cannot be imported here)."""

HASH_FUNCS: dict[Any, Callable[[Any], Any]] = {
    **dict.fromkeys(KEYED_RECORDS, _by_key),
    np.ndarray: _refuse,
    pd.DataFrame: _refuse,
    pd.Series: _refuse,
}


def cached(func: Callable | None = None, *, spinner: bool | str = False) -> Any:
    """``st.cache_data`` with the function's :data:`CACHE_POLICY` row and :data:`HASH_FUNCS`.

    Use as ``@cached`` or ``@cached(spinner="Text…")``.

    Raises
    ------
    LookupError
        At import, when the function has no policy row.
    TypeError
        At import, when a parameter is underscore-prefixed (Streamlit would not hash it).
    """

    def decorate(f: Callable) -> Any:
        name = f"{f.__module__}.{f.__qualname__}"
        policy = CACHE_POLICY.get(name)
        if policy is None:
            raise LookupError(f"{name} is cached but has no row in ui.cache.CACHE_POLICY; add "
                              "one (entries, max_mb, ttl, why)")
        hidden = [p for p in inspect.signature(f).parameters if p.startswith("_")]
        if hidden:
            raise TypeError(f"{name} has unhashed parameters {hidden}; pass the data as a "
                            "keyed record (ui.cache.KEYED_RECORDS) so it is hashed by its key")
        return st.cache_data(f, max_entries=policy.entries, max_size=policy.max_mb * MB,
                             ttl=policy.ttl, hash_funcs=HASH_FUNCS, show_spinner=spinner)

    return decorate if func is None else decorate(func)


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[float, str], None]]:
    """A progress bar and its callback ``report(fraction, message)``, removed at the end.

    Made inside a cached function on purpose: Streamlit replays a cached function's elements
    on a cache hit, and only blocks made inside it can be replayed; since the bar ends empty,
    a replay shows nothing. Updates are thinned to whole percents so a replay stays short.
    """
    bar = st.progress(0.0, text=label)
    shown = [-1]

    def report(fraction: float, message: str) -> None:
        percent = int(100 * min(max(float(fraction), 0.0), 1.0))
        if percent != shown[0]:
            shown[0] = percent
            bar.progress(percent / 100, text=f"{label} · {message}")

    try:
        yield report
    finally:
        bar.empty()


@contextmanager
def _maybe_bar(big: bool, label: str) -> Iterator[Callable[[float, str], None]]:
    """:func:`progress_bar` when the work is ``big``; a silent callback otherwise."""
    if not big:
        yield lambda fraction, message: None
        return
    with progress_bar(label) as report:
        yield report


# --- per-session caches ---------------------------------------------------------------------


def session_memo(slot: str, key: str, build: Callable[[], T]) -> T:
    """The value of ``build()`` kept in this session under ``key``, in ``slot``.

    The one way to keep a big per-session object (rule 3): by reference, never pickled, at
    most ``SESSION_POLICY[slot].entries`` per slot (least recently used dropped first).

    Raises
    ------
    KeyError
        When ``slot`` has no row in :data:`SESSION_POLICY`.
    """
    entries = SESSION_POLICY[slot].entries
    store = st.session_state.setdefault("cache_memo", {}).setdefault(slot, {})
    if key in store:
        store[key] = store.pop(key)  # most recently used last
        return store[key]
    value = build()
    store[key] = value
    while len(store) > entries:
        del store[next(iter(store))]
    return value


def table(digest: str, data: bytes, filename_suffix: str, sheet: str | int | None,
          header: bool | None, skip_bad_lines: bool) -> Table:
    """The upload ``data`` (whose :func:`bytes_key` is ``digest``) read as a table.

    Kept in the session, not in ``st.cache_data`` (module docstring, rule 3).
    """

    def read() -> Table:
        # Only the suffix of the name matters to the loader; the digest identifies the bytes.
        label = f"Reading the file ({len(data) / MB:,.0f} MB)"
        with _maybe_bar(len(data) >= PROGRESS_BYTES, label) as bar:
            bar(0.0, "parsing")
            return load_table(data, f"upload{filename_suffix}", sheet=sheet, header=header,
                              skip_bad_lines=skip_bad_lines)

    return session_memo("table", content_key(digest, filename_suffix, sheet, header,
                                             skip_bad_lines), read)


def prepared(source: Source, features: tuple[str, ...], label: str | None, missing: str,
             scaling: str, categorical: tuple[str, ...] = ()) -> Prepared:
    """The source's features prepared for clustering (kept in the session, rule 3)."""

    def build() -> Prepared:
        n = len(source.frame)
        with _maybe_bar(n >= PROGRESS_ROWS, f"Preparing {n:,} rows") as bar:
            bar(0.0, "missing values and scaling")
            extra = {"categorical": list(categorical)} if categorical else {}
            result = prepare(source.frame, list(features), label, missing=missing,
                             scaling=scaling, **extra)
        result.X.flags.writeable = False  # shared by reference within the session
        return result

    key = content_key(source.key, features, label, missing, scaling, categorical)
    return session_memo("prepared", key, build)


# --- shared cached computations ----------------------------------------------------------


@cached
def dataset(name: str, n_samples: int | None, noise: float | None, seed: int) -> Dataset:
    return load_dataset(name, n_samples=n_samples, noise=noise, random_state=seed)


@cached(spinner="Running k-means…")
def run(spec: RunSpec) -> DrawableRun:
    """k-means on the spec's data with its settings, reduced to what the pages draw."""
    s, X = spec.settings, spec.data.prepared.X
    start = X[list(s.manual_rows)] if s.init == "manual" else s.init
    label = f"k-means on {X.shape[0]:,} rows × {X.shape[1]} features, K={s.n_clusters}"
    with _maybe_bar(X.shape[0] >= PROGRESS_ROWS, label) as bar:
        bar(0.0, f"{s.n_init} start{'s' * (s.n_init != 1)}, up to {s.max_iter} iterations")
        result = kmeans(X, s.n_clusters, init=start, distance=s.distance, center=s.center,
                        n_init=1 if s.init == "manual" else s.n_init, max_iter=s.max_iter,
                        random_state=s.seed)
        if s.moves:  # centres the user moved on the timeline, replayed in order
            result = apply_moves(X, result, s.move_list, distance=s.distance,
                                 max_iter=s.max_iter, random_state=s.seed)
        bar(0.9, "keeping what is drawn")
        return drawable_run(result)


@cached(spinner="Computing metrics…")
def evaluation(spec: RunSpec) -> Evaluation:
    """The run's quality metrics (every row; the silhouette on a seeded sample)."""
    prepared_data, result = spec.data.prepared, run(spec)
    with _maybe_bar(result.n_rows >= PROGRESS_ROWS, f"Metrics on {result.n_rows:,} rows") as bar:
        bar(0.0, "silhouette, Calinski-Harabasz, Davies-Bouldin")
        return evaluate(prepared_data.X, result.labels, prepared_data.true_labels,
                        objective=result.inertia, metric=spec.settings.distance)


@cached
def projection(data: ActiveData, method: str, n_components: int,
               features: tuple[int, ...] | None) -> Projection:
    prepared_data = data.prepared
    return fit_projection(
        prepared_data.X,
        method=method,
        n_components=n_components,
        features=None if features is None else list(features),
        feature_names=list(prepared_data.feature_names),
    )


@cached
def hover(data: ActiveData, rows: Keyed[np.ndarray]) -> list[list[str]]:
    """Hover lines of the drawn ``rows`` (positions in the prepared data), from the original
    table (not escaped yet). Keyed by the rows, so runs drawing the same rows share them."""
    return hover_lines(data.source.frame, np.asarray(data.prepared.row_index)[rows.value])


@cached
def replay(spec: RunSpec, view_key: tuple) -> ReplayInputs:
    """The run's drawn rows and centres in the view's plot coordinates.

    ``view_key`` is ``ui.run_view.View.key``: (dims, method, feature_idx, regions).
    """
    dims, method, feature_idx, regions = view_key
    data, drawn = spec.data, run(spec)
    rows = Keyed(array_key(drawn.rows), drawn.rows)
    return replay_inputs(data.prepared.X, drawn, projection(data, method, dims, feature_idx),
                         hover_text=hover(data, rows), true_labels=data.prepared.true_labels,
                         distance=spec.settings.distance, regions=regions)


@cached
def export_file(spec: RunSpec, which: str, run_settings: dict) -> bytes:
    """One download of a run ("labelled", "centroids" or "settings"), built when first asked."""
    if which == "settings":
        return settings_json(run_settings)
    prepared_data, result = spec.data.prepared, run(spec)
    if which == "labelled":
        X, labels = prepared_data.X, result.labels
        distances = pairwise(X, result.centers, spec.settings.distance)[np.arange(X.shape[0]),
                                                                         labels]
        return labeled_csv(spec.data.source.frame, prepared_data.row_index, labels, distances)
    return centroids_csv(prepared_data.to_original_units(result.centers),
                         list(prepared_data.feature_names))


@cached
def contingency_figure(table: Keyed[pd.DataFrame], style_name: str,
                       row_title: str = "True class") -> dict:
    """An evaluation's contingency table as a heatmap; ``table.key`` identifies the run."""
    return contingency_heatmap(table.value, style=STYLES[style_name],
                               row_title=row_title).to_dict()


@cached
def profiles(spec: RunSpec) -> pd.DataFrame:
    prepared_data, result = spec.data.prepared, run(spec)
    return cluster_profiles(spec.data.source.frame, prepared_data.row_index, result.labels,
                            prepared_data.numeric_features, result.n_clusters,
                            prepared_data.categorical_features)
