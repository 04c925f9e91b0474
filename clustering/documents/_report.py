"""What a clustering of documents says: top terms, central documents, frequencies, search.

Everything here reads a :class:`TermMatrix`, a :class:`DocumentSpace` and a
:class:`DocumentRun` and returns plain arrays, frames and strings (raw text: whoever shows it
escapes it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from clustering.data import centroids_csv, labeled_csv
from clustering.documents._corpus import Corpus, DocumentError, word_counts
from clustering.documents._pipeline import DocumentRun, DocumentSpace, TermMatrix
from clustering.engine import pairwise

__all__ = [
    "MAX_QUERY_CHARS",
    "SNIPPET_CHARS",
    "SearchResult",
    "TopTerms",
    "document_frame",
    "documents_csv",
    "frequent_terms",
    "hover_frame",
    "mark_terms",
    "ranked_members",
    "search",
    "snippet",
    "top_terms",
    "top_terms_csv",
    "with_run",
]

#: Longest query accepted (characters).
MAX_QUERY_CHARS = 1_000
#: Characters of a document shown as its snippet.
SNIPPET_CHARS = 240
_WORD = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern


# eq=False: fields hold arrays.
@dataclass(frozen=True, eq=False)
class TopTerms:
    """The heaviest terms of every cluster's centre.

    Attributes
    ----------
    terms : list of k lists of str
        Up to ``n_terms`` terms per cluster, heaviest first (positive weights only).
    weights : list of k ndarrays
        Their weights in the centre, in TF-IDF units (mapped back through the SVD with LSA).
    sizes : ndarray of int, shape (k,)
        Documents per cluster.
    table_terms : list of str
        Every term that is among some cluster's top terms (for the download).
    table_weights : ndarray of shape (k, len(table_terms))
        Each cluster's weight for each of those terms.
    """

    terms: list[list[str]]
    weights: list[np.ndarray]
    sizes: np.ndarray
    table_terms: list[str]
    table_weights: np.ndarray


def top_terms(space: DocumentSpace, run: DocumentRun, matrix: TermMatrix,
              n_terms: int = 10) -> TopTerms:
    """Top terms per cluster (scikit-learn's example: LSA centres through ``inverse_transform``).

    Parameters
    ----------
    space : DocumentSpace
    run : DocumentRun
    matrix : TermMatrix
    n_terms : int

    Returns
    -------
    TopTerms
    """
    if n_terms < 1:
        raise ValueError(f"n_terms={n_terms} must be >= 1")
    weights = space.term_weights(run.centers)
    order = np.argsort(-weights, axis=1, kind="stable")[:, :n_terms]
    terms, values, union = [], [], {}
    for j in range(run.n_clusters):
        top = [t for t in order[j] if weights[j, t] > 0]
        terms.append([str(matrix.terms[t]) for t in top])
        values.append(weights[j, top])
        for t in top:
            union.setdefault(int(t), None)
    columns = list(union)
    return TopTerms(
        terms=terms,
        weights=values,
        sizes=np.bincount(run.labels, minlength=run.n_clusters),
        table_terms=[str(matrix.terms[t]) for t in columns],
        table_weights=weights[:, columns],
    )


def ranked_members(run: DocumentRun, similarity: np.ndarray, cluster: int) -> np.ndarray:
    """Rows of ``cluster``, the most similar to its centre first, shape (m,)."""
    rows = np.flatnonzero(run.labels == cluster)
    return rows[np.argsort(-similarity[rows], kind="stable")]


def snippet(text: str, max_chars: int = SNIPPET_CHARS) -> str:
    """The start of a document on one line, cut at a word, with an ellipsis when cut."""
    # Only the start is flattened: whitespace runs shrink, so 4x the length is plenty.
    head = text[: 4 * max_chars + 1]
    flat = " ".join(head.split())
    if len(flat) <= max_chars and len(head) == len(text):
        return flat
    cut = flat[:max_chars].rsplit(" ", 1)[0]
    return (cut or flat[:max_chars]) + " \u2026"


def document_frame(corpus: Corpus, matrix: TermMatrix, run: DocumentRun | None = None,
                   similarity: np.ndarray | None = None, *, text: bool = False
                   ) -> pd.DataFrame:
    """One row per clustered document: what the page lists, the map hovers and the CSV holds.

    Parameters
    ----------
    corpus : Corpus
    matrix : TermMatrix
    run : DocumentRun, optional
        Adds the ``cluster`` column; without it the frame does not depend on K (a page can
        keep it and add the run's columns with :func:`with_run`).
    similarity : ndarray of shape (n,), optional
        :meth:`DocumentRun.similarity`; adds the ``similarity`` column.
    text : bool
        Add the full text (for the download) instead of a snippet.

    Returns
    -------
    DataFrame of shape (n, c)
        Columns ``document`` (1-based position in the corpus), ``title``, ``label`` (with
        labels), ``cluster``, ``similarity``, ``words``, and ``snippet`` or ``text``.
    """
    rows = matrix.rows
    texts = [corpus.texts[i] for i in rows]
    data = {"document": rows + 1, "title": [corpus.titles[i] for i in rows]}
    if corpus.labels is not None:
        data["label"] = corpus.labels[rows]
    if run is not None:
        data["cluster"] = run.labels
    if similarity is not None:
        data["similarity"] = np.round(similarity, 4)
    data["words"] = word_counts(texts)
    if text:
        data["text"] = texts
    else:
        data["snippet"] = [snippet(t) for t in texts]
    return pd.DataFrame(data)


def with_run(frame: pd.DataFrame, run: DocumentRun, similarity: np.ndarray) -> pd.DataFrame:
    """A :func:`document_frame` made without a run, with the run's ``cluster`` and
    ``similarity`` columns put in their place (a copy)."""
    out = frame.copy()
    at = list(out.columns).index("words")
    out.insert(at, "similarity", np.round(similarity, 4))
    out.insert(at, "cluster", run.labels)
    return out


#: Characters of the snippet in a map hover box.
HOVER_SNIPPET_CHARS = 100


def hover_frame(corpus: Corpus, matrix: TermMatrix) -> pd.DataFrame:
    """What a point of the document map shows on hover: title, label, words, a short snippet.

    One row per clustered document (in :attr:`TermMatrix.rows` order); independent of the run,
    so a K change does not rebuild it. Raw text: the figure escapes it.
    """
    rows = matrix.rows
    data = {"title": [corpus.titles[i] for i in rows]}
    if corpus.labels is not None:
        data["label"] = corpus.labels[rows]
    texts = [corpus.texts[i] for i in rows]
    data["words"] = word_counts(texts)
    data["snippet"] = [snippet(t, HOVER_SNIPPET_CHARS) for t in texts]
    return pd.DataFrame(data)


def frequent_terms(matrix: TermMatrix, run: DocumentRun, n_terms: int = 10) -> pd.DataFrame:
    """The most frequent terms of each cluster, against their frequency in the whole corpus.

    Parameters
    ----------
    matrix : TermMatrix
    run : DocumentRun
    n_terms : int
        Terms per cluster.

    Returns
    -------
    DataFrame
        Columns ``cluster``, ``term``, ``count``, ``cluster share`` and ``corpus share``
        (shares of all counted terms, in percent) and ``ratio`` (cluster share over corpus
        share: above 1, the term is typical of the cluster).
    """
    k = run.n_clusters
    n = len(run.labels)
    member = sp.csr_matrix((np.ones(n), (run.labels, np.arange(n))), shape=(k, n))
    per_cluster = np.asarray((member @ matrix.counts).todense(), dtype=np.float64)
    corpus = per_cluster.sum(axis=0)
    corpus_share = 100 * corpus / max(corpus.sum(), 1.0)
    parts = []
    for j in range(k):
        counts = per_cluster[j]
        total = max(counts.sum(), 1.0)
        top = np.argsort(-counts, kind="stable")[:n_terms]
        top = top[counts[top] > 0]
        share = 100 * counts[top] / total
        parts.append(pd.DataFrame({
            "cluster": j,
            "term": matrix.terms[top].astype(str),
            "count": counts[top].astype(np.int64),
            "cluster share": np.round(share, 3),
            "corpus share": np.round(corpus_share[top], 3),
            "ratio": np.round(share / np.maximum(corpus_share[top], 1e-12), 2),
        }))
    return pd.concat(parts, ignore_index=True)


# --- search ------------------------------------------------------------------------------


# eq=False: fields hold arrays.
@dataclass(frozen=True, eq=False)
class SearchResult:
    """Documents most similar to a query.

    Attributes
    ----------
    query : str
    known_terms : tuple of str
        The query's terms that are in the vocabulary (what the search used).
    unknown_terms : tuple of str
        The query's terms that are not (too rare, too common, or never seen).
    cluster : int or None
        The cluster whose centre is most similar to the query; None without known terms.
    cluster_similarity : ndarray of shape (k,)
        Cosine similarity of the query to each centre.
    rows : ndarray of int, shape (m,)
        The hits, as rows of the clustered documents, most similar first.
    similarity : ndarray of shape (m,)
        Cosine similarity of each hit to the query.
    matches : tuple of m tuples of str
        The query's terms that each hit contains.
    """

    query: str
    known_terms: tuple[str, ...]
    unknown_terms: tuple[str, ...]
    cluster: int | None
    cluster_similarity: np.ndarray
    rows: np.ndarray
    similarity: np.ndarray
    matches: tuple[tuple[str, ...], ...]


def search(query: str, matrix: TermMatrix, space: DocumentSpace, run: DocumentRun,
           n_results: int = 10) -> SearchResult:
    """Find the documents most similar to a query, through the same vectorizer and space.

    Parameters
    ----------
    query : str
        At most :data:`MAX_QUERY_CHARS` characters.
    matrix, space, run
        The clustering the query is placed in.
    n_results : int

    Returns
    -------
    SearchResult
        No hits (and ``cluster`` None) when none of the query's terms is in the vocabulary.

    Raises
    ------
    DocumentError
        An empty or too long query.
    """
    if not isinstance(query, str) or not query.strip():
        raise DocumentError("Type a few words to search for.")
    if len(query) > MAX_QUERY_CHARS:
        raise DocumentError(
            f"The query is {len(query):,} characters long; the limit is {MAX_QUERY_CHARS:,}."
        )
    if n_results < 1:
        raise ValueError(f"n_results={n_results} must be >= 1")
    terms = list(dict.fromkeys(matrix.vectorizer.build_analyzer()(query)))
    vocabulary = matrix.vectorizer.vocabulary_
    known = tuple(t for t in terms if t in vocabulary)
    unknown = tuple(t for t in terms if t not in vocabulary)
    k = run.n_clusters
    if not known:
        return SearchResult(query, known, unknown, None, np.zeros(k), np.zeros(0, dtype=int),
                            np.zeros(0), ())
    q = space.embed(matrix.transform([query]))[0]
    centers = run.centers / np.maximum(np.linalg.norm(run.centers, axis=1, keepdims=True),
                                       1e-300)
    cluster_similarity = centers @ q
    similarity = space.X @ q
    m = min(n_results, len(similarity))
    top = np.argpartition(-similarity, m - 1)[:m]
    top = top[np.argsort(-similarity[top], kind="stable")]
    columns = [vocabulary[t] for t in known]
    present = matrix.counts[top][:, columns].toarray() > 0
    matches = tuple(tuple(t for t, hit in zip(known, row, strict=True) if hit) for row in present)
    return SearchResult(query, known, unknown, int(np.argmax(cluster_similarity)),
                        cluster_similarity, top, similarity[top], matches)


def mark_terms(text: str, terms: tuple[str, ...] | list[str],
               max_chars: int = SNIPPET_CHARS) -> list[tuple[str, bool]]:
    """A snippet of ``text`` around its first matching word, cut into (piece, is_match) parts.

    A word matches when, lower-cased, it is one of ``terms`` or a word of a two-word term.
    Pieces are raw text: escape each one before showing it.

    Parameters
    ----------
    text : str
    terms : sequence of str
    max_chars : int

    Returns
    -------
    list of (str, bool)
    """
    flat = " ".join(text.split())
    words = {w for term in terms for w in term.lower().split()}
    spans = [m.span() for m in _WORD.finditer(flat) if m.group().lower() in words]
    start = 0
    if spans and spans[0][0] > max_chars // 3:
        start = flat.rfind(" ", 0, spans[0][0] - max_chars // 4) + 1
    end = min(len(flat), start + max_chars)
    if end < len(flat):
        space_at = flat.rfind(" ", start, end)
        end = space_at if space_at > start else end
    pieces: list[tuple[str, bool]] = [("\u2026 ", False)] if start > 0 else []
    at = start
    for a, b in spans:
        if a < start or b > end:
            continue
        if a > at:
            pieces.append((flat[at:a], False))
        pieces.append((flat[a:b], True))
        at = b
    if end > at:
        pieces.append((flat[at:end], False))
    if end < len(flat):
        pieces.append((" \u2026", False))
    return pieces


# --- downloads ---------------------------------------------------------------------------


def documents_csv(corpus: Corpus, matrix: TermMatrix, space: DocumentSpace,
                  run: DocumentRun) -> bytes:
    """Every clustered document with its cluster and distance to its centre (formula-safe CSV).

    Built by :func:`clustering.data.labeled_csv`: title, label, words and full text, then
    ``cluster``, ``distance_to_center`` (the run's distance) and ``status``.
    """
    frame = document_frame(corpus, matrix, run, run.similarity(space.X), text=True)
    frame = frame.drop(columns=["cluster", "similarity"])
    n = len(run.labels)
    distances = pairwise(space.X, run.centers, run.distance)[np.arange(n), run.labels]
    return labeled_csv(frame, np.arange(n), run.labels, distances)


def top_terms_csv(top: TopTerms) -> bytes:
    """One row per cluster, one column per top term, the term's weight in the cluster's centre,
    and the cluster's size (formula-safe CSV, :func:`clustering.data.centroids_csv`)."""
    return centroids_csv(top.table_weights, top.table_terms, sizes=top.sizes)
