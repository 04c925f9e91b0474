"""Text to clusters: TF-IDF, optional LSA, then k-means through this project's engine.

The steps and their defaults are scikit-learn's "Clustering text documents using k-means"
example: ``TfidfVectorizer(max_df=0.5, min_df=2, stop_words="english")``, then
``TruncatedSVD(n_components=100)`` and ``Normalizer`` (LSA), then k-means with k-means++ and
``max_iter=100``. Each step is its own function so a page can cache it: a change of K reruns
only :func:`cluster_documents`.

* :func:`vectorize` counts terms (``CountVectorizer``) and weights them
  (``TfidfTransformer``): together exactly ``TfidfVectorizer``, with the raw counts kept for
  the term frequencies. Documents left with no term are dropped and counted.
* :func:`embed_documents` gives the clustering space: LSA vectors scaled to unit length, or
  without LSA the TF-IDF rows themselves (already unit length), held densely for the engine;
  the vocabulary is then capped so the matrix stays under :data:`MAX_DENSE_CELLS`
  (:func:`dense_settings`).
* :func:`cluster_documents` runs :func:`clustering.engine.kmeans`, by default with cosine
  distance and the normalised-mean centre (spherical k-means), recording its history for the
  replay. ``distance="euclidean"`` is the example's own choice (k-means on the unit-length
  vectors); with it and one init, labels equal scikit-learn's pipeline's (tested). Above
  :data:`MINIBATCH_MIN_DOCS` documents scikit-learn's ``MiniBatchKMeans`` runs instead (no
  replay; with cosine its centres are normalised and documents go to the most similar one).

The linear algebra runs on one thread: on a small shared machine BLAS threads mostly wait for
each other (LSA of 3,387 posts: 0.9 s on one thread, 5 s on two under load, measured).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import MiniBatchKMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from threadpoolctl import threadpool_limits

from clustering.documents._corpus import Corpus, DocumentError
from clustering.engine import DEFAULT_CENTER, History, KMeansResult, kmeans
from clustering.view import DrawableRun, drawable_run

__all__ = [
    "DEFAULT_LSA_COMPONENTS",
    "DISTANCES",
    "HISTORY_CELL_BUDGET",
    "MAX_DENSE_CELLS",
    "MAX_LSA_COMPONENTS",
    "MINIBATCH_BATCH_SIZE",
    "MINIBATCH_MIN_DOCS",
    "DocumentRun",
    "DocumentSpace",
    "PipelineResult",
    "Progress",
    "TermMatrix",
    "TextSettings",
    "cluster_documents",
    "dense_settings",
    "embed_documents",
    "run_pipeline",
    "vectorize",
]

#: LSA components by default (scikit-learn's example).
DEFAULT_LSA_COMPONENTS = 100
#: Most LSA components offered.
MAX_LSA_COMPONENTS = 500
#: Above this many documents k-means runs as scikit-learn's MiniBatchKMeans (no replay).
MINIBATCH_MIN_DOCS = 10_000
#: Documents per mini-batch (scikit-learn's default).
MINIBATCH_BATCH_SIZE = 1024
#: Without LSA the TF-IDF matrix is held densely for the engine: at most this many
#: document x term cells (80 MB), so the vocabulary is capped to fit.
MAX_DENSE_CELLS = 10_000_000
#: The run's history keeps every centre at every step: steps x K x dimensions cells, at
#: most this many (64 MB) in the longest possible run, else the run keeps no history.
HISTORY_CELL_BUDGET = 8_000_000
#: Distances offered: spherical k-means, or scikit-learn's example's Euclidean k-means.
DISTANCES = ("cosine", "euclidean")

Progress = Callable[[float, str], None]
"""Called with the fraction done (0..1) and a short message; keeps the engine UI-free."""


@contextmanager
def _single_thread() -> Iterator[None]:
    with threadpool_limits(limits=1):
        yield


@dataclass(frozen=True)
class TextSettings:
    """How documents become term vectors (scikit-learn's ``TfidfVectorizer`` parameters).

    Attributes
    ----------
    min_df : int
        Keep terms found in at least this many documents.
    max_df : float
        Drop terms found in more than this share of the documents (0 < max_df <= 1).
    stop_words : bool
        Remove scikit-learn's English stop words ("the", "and", ...).
    bigrams : bool
        Terms are single words and pairs of adjacent words (``ngram_range=(1, 2)``).
    sublinear_tf : bool
        Weight a term by ``1 + log(count)`` instead of its count.
    max_features : int or None
        Keep only the most frequent terms (None: no cap).
    """

    min_df: int = 2
    max_df: float = 0.5
    stop_words: bool = True
    bigrams: bool = False
    sublinear_tf: bool = False
    max_features: int | None = 20_000

    def check(self) -> None:
        """Raise ``ValueError`` (with the value) for a setting out of range."""
        if not isinstance(self.min_df, Integral) or self.min_df < 1:
            raise ValueError(f"min_df={self.min_df!r} must be an integer >= 1")
        if not isinstance(self.max_df, Real) or not 0 < self.max_df <= 1:
            raise ValueError(f"max_df={self.max_df!r} must be a number in (0, 1]")
        if self.max_features is not None and (
                not isinstance(self.max_features, Integral) or self.max_features < 1):
            raise ValueError(f"max_features={self.max_features!r} must be an integer >= 1 or None")


# eq=False: fields hold arrays and fitted estimators.
@dataclass(frozen=True, eq=False)
class TermMatrix:
    """The corpus as term counts and TF-IDF vectors.

    Attributes
    ----------
    counts : scipy.sparse.csr_matrix of shape (n, V), int64
        How often each term occurs in each kept document.
    tfidf : scipy.sparse.csr_matrix of shape (n, V), float64
        TF-IDF weights, each row of unit length.
    terms : ndarray of str, shape (V,)
    rows : ndarray of int, shape (n,)
        Position in the corpus of each kept document (documents with no term are left out).
    vectorizer : CountVectorizer
        Fitted; turns a query into counts with the same vocabulary.
    transformer : TfidfTransformer
        Fitted; the same weights for a query.
    settings : TextSettings
        The settings actually used (maybe capped by :func:`dense_settings`).
    notes : tuple of str
    """

    counts: sp.csr_matrix
    tfidf: sp.csr_matrix
    terms: np.ndarray
    rows: np.ndarray
    vectorizer: CountVectorizer
    transformer: TfidfTransformer
    settings: TextSettings
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def n_terms(self) -> int:
        return len(self.terms)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """TF-IDF rows of new texts (queries) in this vocabulary, shape (m, V)."""
        return self.transformer.transform(self.vectorizer.transform(texts)).tocsr()


# eq=False: fields hold arrays and a fitted estimator.
@dataclass(frozen=True, eq=False)
class DocumentSpace:
    """The space k-means runs in.

    Attributes
    ----------
    X : ndarray of shape (n, c), float64
        One unit-length row per kept document: LSA components, or TF-IDF weights (c = V).
    svd : TruncatedSVD or None
        The fitted LSA step; None without LSA.
    explained_variance : float or None
        Share of the TF-IDF variance the LSA components keep.
    notes : tuple of str
    """

    X: np.ndarray
    svd: TruncatedSVD | None
    explained_variance: float | None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def n_components(self) -> int | None:
        return None if self.svd is None else self.X.shape[1]

    def term_weights(self, centers: np.ndarray) -> np.ndarray:
        """Centres in term space, shape (k, V): mapped back through the SVD with LSA."""
        centers = np.asarray(centers, dtype=np.float64)
        return centers if self.svd is None else self.svd.inverse_transform(centers)

    def embed(self, tfidf_rows: sp.spmatrix) -> np.ndarray:
        """TF-IDF rows (queries) in this space, scaled to unit length, shape (m, c).

        A row with no known term stays all zeros.
        """
        with _single_thread():
            Y = (self.svd.transform(tfidf_rows) if self.svd is not None
                 else np.asarray(tfidf_rows.toarray(), dtype=np.float64))
        norms = np.linalg.norm(Y, axis=1, keepdims=True)
        return np.divide(Y, norms, out=np.zeros_like(Y), where=norms > 0)


# eq=False: fields hold arrays.
@dataclass(frozen=True, eq=False)
class DocumentRun:
    """One clustering of the documents.

    Attributes
    ----------
    labels : ndarray of int, shape (n,)
    centers : ndarray of shape (k, c)
        In the clustering space (unit length for cosine).
    inertia : float
        The objective: sum of (1 - cosine) for cosine, of squared distances for Euclidean.
    n_iter : int
    drawn : DrawableRun
        What the document map replays: centres and objective at every step, per-step labels
        of the drawn documents (at most 5,000), final labels.
    history : History or None
        Every half-step for the engine's runs; a single final step for a MiniBatchKMeans run
        or when the history would exceed :data:`HISTORY_CELL_BUDGET` (``replayable`` False).
        None when the caller asked not to keep it (``drawn`` holds what is drawn).
    method : {"k-means", "MiniBatchKMeans"}
    distance : {"cosine", "euclidean"}
    center_rule : str
    replayable : bool
    notes : tuple of str
    """

    labels: np.ndarray
    centers: np.ndarray
    inertia: float
    n_iter: int
    drawn: DrawableRun
    history: History | None
    method: str
    distance: str
    center_rule: str
    replayable: bool
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def n_clusters(self) -> int:
        return self.centers.shape[0]

    def similarity(self, X: np.ndarray) -> np.ndarray:
        """Cosine similarity of each document to its own cluster's centre, shape (n,)."""
        unit = _unit(self.centers)
        return np.einsum("ij,ij->i", X, unit[self.labels]) / _norms(X)


def _norms(X: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(X, axis=1)
    norms[norms == 0] = 1.0
    return norms


def _unit(A: np.ndarray) -> np.ndarray:
    return A / _norms(A)[:, None]


# --- vectorize ---------------------------------------------------------------------------


def dense_settings(settings: TextSettings, n_documents: int) -> tuple[TextSettings, str | None]:
    """Settings whose vocabulary fits :data:`MAX_DENSE_CELLS` for ``n_documents`` (no LSA).

    Returns the settings (unchanged when they fit) and a sentence when the cap was lowered.
    """
    limit = max(1, MAX_DENSE_CELLS // max(int(n_documents), 1))
    if settings.max_features is not None and settings.max_features <= limit:
        return settings, None
    note = (f"Without LSA k-means works on the term vectors themselves, held in memory: the "
            f"vocabulary is capped at the {limit:,} most frequent terms ({n_documents:,} "
            f"documents x {limit:,} terms <= {MAX_DENSE_CELLS:,} cells).")
    return replace(settings, max_features=limit), note


def _counted(texts: Sequence[str], progress: Progress, start: float, span: float
             ) -> Iterable[str]:
    """The texts, reporting progress as the vectorizer reads them."""
    n = len(texts)
    step = max(1, n // 50)
    for i, text in enumerate(texts):
        if i % step == 0:
            progress(start + span * i / n, f"counting words: {i:,} of {n:,} documents")
        yield text


def vectorize(texts: Sequence[str], settings: TextSettings = TextSettings(), *,
              progress: Progress | None = None) -> TermMatrix:
    """Count and weight the terms of every document.

    Parameters
    ----------
    texts : sequence of str, length m
    settings : TextSettings
    progress : callable(fraction, message), optional
        Reported while documents are read (fractions 0 to 0.9).

    Returns
    -------
    TermMatrix
        Rows only for documents with at least one term.

    Raises
    ------
    DocumentError
        When the settings leave no term, or fewer than two documents with terms.
    """
    settings.check()
    m = len(texts)
    if m < 2:
        raise DocumentError(f"At least 2 documents are needed; there are {m}.")
    if settings.max_df * m < settings.min_df:
        raise DocumentError(
            f"max_df={settings.max_df:g} keeps terms found in at most "
            f"{int(settings.max_df * m):,} of the {m:,} documents, fewer than "
            f"min_df={settings.min_df}; lower min_df or raise max_df."
        )
    report = progress or (lambda fraction, message: None)
    vectorizer = CountVectorizer(
        stop_words="english" if settings.stop_words else None,
        ngram_range=(1, 2 if settings.bigrams else 1),
        min_df=settings.min_df,
        max_df=float(settings.max_df),
        max_features=settings.max_features,
        dtype=np.int64,
    )
    try:
        counts = vectorizer.fit_transform(_counted(texts, report, 0.0, 0.8)).tocsr()
    except ValueError as exc:  # "empty vocabulary" / "After pruning, no terms remain"
        stop = " and English stop words removed" if settings.stop_words else ""
        raise DocumentError(
            f"No term is left with min_df={settings.min_df} and max_df={settings.max_df:g}"
            f"{stop}; lower min_df or raise max_df."
        ) from exc
    report(0.85, "weighting terms (TF-IDF)")
    transformer = TfidfTransformer(sublinear_tf=settings.sublinear_tf)
    tfidf = transformer.fit_transform(counts).tocsr()
    has_terms = np.diff(counts.indptr) > 0
    rows = np.flatnonzero(has_terms)
    notes = [f"{len(vectorizer.vocabulary_):,} terms from {m:,} documents."]
    if len(rows) < m:
        notes.append(f"{m - len(rows):,} document(s) have no term left after the vocabulary "
                     "filters and are left out.")
        counts, tfidf = counts[rows], tfidf[rows]
    if len(rows) < 2:
        raise DocumentError(
            f"Only {len(rows)} document(s) keep a term with these settings; lower min_df, "
            "raise max_df or keep stop words."
        )
    report(0.9, "terms counted")
    return TermMatrix(counts=counts, tfidf=tfidf, terms=vectorizer.get_feature_names_out(),
                      rows=rows, vectorizer=vectorizer, transformer=transformer,
                      settings=settings, notes=tuple(notes))


# --- the clustering space ----------------------------------------------------------------


def embed_documents(matrix: TermMatrix, n_components: int | None = DEFAULT_LSA_COMPONENTS,
                    *, random_state: int = 0) -> DocumentSpace:
    """The space k-means runs in: LSA vectors (``n_components``) or the TF-IDF rows (None).

    Parameters
    ----------
    matrix : TermMatrix
    n_components : int or None
        LSA components; capped at ``min(n, V) - 1``. None (or 0) skips LSA.
    random_state : int
        Seed of the randomized SVD.

    Returns
    -------
    DocumentSpace

    Raises
    ------
    DocumentError
        Without LSA, when the dense matrix would exceed :data:`MAX_DENSE_CELLS` (use
        :func:`dense_settings` first).
    """
    n, V = matrix.tfidf.shape
    if not n_components:
        if n * V > MAX_DENSE_CELLS:
            raise DocumentError(
                f"Without LSA the {n:,} x {V:,} term matrix has {n * V:,} cells; the limit is "
                f"{MAX_DENSE_CELLS:,}. Turn LSA on or lower the vocabulary cap."
            )
        X = matrix.tfidf.toarray()
        return DocumentSpace(X=X, svd=None, explained_variance=None,
                             notes=(f"k-means runs on the {V:,} TF-IDF weights of each "
                                    "document (no LSA).",))
    if not isinstance(n_components, Integral) or not 1 <= n_components <= MAX_LSA_COMPONENTS:
        raise ValueError(f"n_components={n_components!r} must be an integer in "
                         f"[1, {MAX_LSA_COMPONENTS}] or None")
    notes = []
    c = min(int(n_components), min(n, V) - 1)
    if c < 1:
        raise DocumentError(f"Only {n} document(s) and {V} term(s) remain and LSA needs at "
                            "least 2 of each: lower min_df, raise max_df or turn LSA off.")
    if c < n_components:
        notes.append(f"LSA keeps {c} components, not {n_components}: there are only {n:,} "
                     f"documents and {V:,} terms.")
    svd = TruncatedSVD(n_components=c, algorithm="randomized", random_state=random_state)
    with _single_thread():
        X = svd.fit_transform(matrix.tfidf)
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    if np.any(norms == 0):
        raise DocumentError(
            f"{int(np.sum(norms == 0))} document(s) have no weight on the {c} LSA components; "
            "use more components or turn LSA off."
        )
    X /= norms  # scikit-learn's Normalizer, in place
    explained = float(svd.explained_variance_ratio_.sum())
    notes.insert(0, f"LSA: {c} components keep {100 * explained:.1f}% of the TF-IDF variance; "
                    "every document is then scaled to unit length.")
    return DocumentSpace(X=X, svd=svd, explained_variance=explained, notes=tuple(notes))


# --- k-means -----------------------------------------------------------------------------


def _history_fits(n_clusters: int, dims: int, max_iter: int) -> bool:
    return (2 * max_iter + 2) * n_clusters * dims <= HISTORY_CELL_BUDGET


def _final_step(labels: np.ndarray, centers: np.ndarray, inertia: float, n_iter: int
                ) -> History:
    """A one-step history holding the final clustering (for runs that kept no history)."""
    k = centers.shape[0]
    step_labels = labels[None, :].astype(np.int8 if k <= 127 else np.int16)
    arrays = {
        "iteration": np.array([n_iter]),
        "centers": np.array(centers, dtype=np.float64)[None],
        "objective": np.array([inertia], dtype=np.float64),
        "center_shift": np.zeros(1),
        "n_changed": np.zeros(1, dtype=np.int64),
        "labels": step_labels,
    }
    for a in arrays.values():
        a.flags.writeable = False
    return History(phase=("assign",), empty_events=(), label_rows=None, **arrays)


def cluster_documents(
    X: np.ndarray,
    n_clusters: int,
    *,
    distance: str = "cosine",
    n_init: int = 1,
    max_iter: int = 100,
    tol: float = 1e-4,
    random_state: int = 0,
    minibatch: bool | None = None,
    keep_history: bool = True,
) -> DocumentRun:
    """k-means on the documents' vectors.

    Parameters
    ----------
    X : ndarray of shape (n, c)
        :attr:`DocumentSpace.X` (unit-length rows).
    n_clusters : int
    distance : {"cosine", "euclidean"}
        Cosine runs spherical k-means (normalised-mean centres); Euclidean is scikit-learn's
        example's k-means on the unit-length vectors.
    n_init, max_iter, tol, random_state
        As :func:`clustering.engine.kmeans` (k-means++ init).
    minibatch : bool or None
        Force (True) or forbid (False) MiniBatchKMeans; None uses it above
        :data:`MINIBATCH_MIN_DOCS` documents.
    keep_history : bool
        Return the full history too (a cache keeps only ``drawn``).

    Returns
    -------
    DocumentRun
    """
    if distance not in DISTANCES:
        raise ValueError(f"distance={distance!r} is not one of {DISTANCES}")
    for name, value in (("n_clusters", n_clusters), ("n_init", n_init), ("max_iter", max_iter)):
        if not isinstance(value, Integral) or value < 1:
            raise ValueError(f"{name}={value!r} must be an integer >= 1")
    X = np.asarray(X, dtype=np.float64)
    n, d = X.shape
    if n < n_clusters:
        raise DocumentError(f"K={n_clusters} is more than the {n:,} documents.")
    use_minibatch = n > MINIBATCH_MIN_DOCS if minibatch is None else minibatch
    notes: list[str] = []
    center_rule = DEFAULT_CENTER[distance]
    with _single_thread(), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if use_minibatch:
            labels, centers, inertia, n_iter = _minibatch(X, n_clusters, distance, n_init,
                                                          max_iter, random_state)
            history = _final_step(labels, centers, inertia, n_iter)
            method, replayable = "MiniBatchKMeans", False
            notes.append(
                f"{n:,} documents: k-means ran as scikit-learn's MiniBatchKMeans (batches of "
                f"{MINIBATCH_BATCH_SIZE:,}; above {MINIBATCH_MIN_DOCS:,} documents), so there "
                "is no step-by-step replay."
            )
        else:
            keep = _history_fits(n_clusters, d, max_iter)
            result = kmeans(X, int(n_clusters), init="k-means++", distance=distance,
                            center=None, n_init=int(n_init), max_iter=int(max_iter), tol=tol,
                            random_state=random_state, history=keep)
            labels, centers = result.labels.astype(np.int64), result.centers
            inertia, n_iter = float(result.inertia), int(result.n_iter)
            history = result.history if keep else _final_step(labels, centers, inertia, n_iter)
            method, replayable = "k-means", keep
            if not keep:
                notes.append(
                    f"The replay is not kept: {2 * max_iter + 2} steps x K={n_clusters} x "
                    f"{d:,} dimensions would exceed {HISTORY_CELL_BUDGET:,} cells. Turn LSA "
                    "on to replay the run."
                )
    # Empty clusters and convergence are worth a sentence; library deprecations are not.
    notes.extend(dict.fromkeys(str(w.message).split("\n")[0] for w in caught
                               if issubclass(w.category, (ConvergenceWarning, UserWarning))))
    drawn = drawable_run(KMeansResult(labels=labels, centers=centers, inertia=inertia,
                                      n_iter=n_iter, history=history, center=center_rule))
    return DocumentRun(labels=labels, centers=centers, inertia=inertia, n_iter=n_iter,
                       drawn=drawn, history=history if keep_history else None,
                       method=method, distance=distance,
                       center_rule=center_rule, replayable=replayable, notes=tuple(notes))


def _minibatch(X, n_clusters, distance, n_init, max_iter, random_state):
    model = MiniBatchKMeans(n_clusters=int(n_clusters), init="k-means++", n_init=int(n_init),
                            max_iter=int(max_iter), batch_size=MINIBATCH_BATCH_SIZE,
                            random_state=random_state).fit(X)
    centers, labels = model.cluster_centers_, model.labels_.astype(np.int64)
    if distance == "euclidean":
        return labels, centers, float(model.inertia_), int(model.n_iter_)
    # Spherical: centres as directions, each document to the most similar one.
    centers = _unit(centers)
    similarity = X @ centers.T
    labels = similarity.argmax(axis=1).astype(np.int64)
    inertia = float(np.sum(1.0 - similarity[np.arange(len(X)), labels]))
    return labels, centers, inertia, int(model.n_iter_)


# --- all steps ---------------------------------------------------------------------------


# eq=False: fields hold arrays.
@dataclass(frozen=True, eq=False)
class PipelineResult:
    """The three steps' outputs for one corpus and one set of settings."""

    matrix: TermMatrix
    space: DocumentSpace
    run: DocumentRun


def run_pipeline(
    corpus: Corpus,
    n_clusters: int,
    settings: TextSettings = TextSettings(),
    *,
    n_components: int | None = DEFAULT_LSA_COMPONENTS,
    distance: str = "cosine",
    n_init: int = 1,
    max_iter: int = 100,
    random_state: int = 0,
    progress: Progress | None = None,
) -> PipelineResult:
    """Vectorize, embed and cluster a corpus in one call (what a page does step by step).

    Parameters as :func:`vectorize`, :func:`embed_documents` and :func:`cluster_documents`.
    """
    report = progress or (lambda fraction, message: None)
    if not n_components:
        settings, _ = dense_settings(settings, corpus.n_documents)
    matrix = vectorize(corpus.texts, settings,
                       progress=lambda f, msg: report(0.6 * f, msg))
    report(0.6, "LSA" if n_components else "building the term matrix")
    space = embed_documents(matrix, n_components, random_state=random_state)
    report(0.85, "k-means")
    run = cluster_documents(space.X, n_clusters, distance=distance, n_init=n_init,
                            max_iter=max_iter, random_state=random_state)
    report(1.0, "done")
    return PipelineResult(matrix=matrix, space=space, run=run)
