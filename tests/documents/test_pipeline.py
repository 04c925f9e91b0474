"""TF-IDF -> LSA -> k-means: parity with scikit-learn's text clustering example, the engine's
history, MiniBatchKMeans above the documented size, and what the clusters say."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import v_measure_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import Normalizer
from threadpoolctl import threadpool_limits

from clustering.documents import (
    MAX_DENSE_CELLS,
    MAX_QUERY_CHARS,
    MINIBATCH_MIN_DOCS,
    DocumentError,
    TextSettings,
    cluster_documents,
    dense_settings,
    document_frame,
    documents_csv,
    embed_documents,
    frequent_terms,
    load_corpus,
    make_corpus,
    mark_terms,
    ranked_members,
    run_pipeline,
    search,
    top_terms,
    top_terms_csv,
    vectorize,
)
from clustering.sampling import sample_rows

TOPICS = {
    "space": "orbit rocket launch planet moon astronaut satellite telescope galaxy star",
    "cooking": "recipe butter flour oven bake garlic onion sauce simmer pepper",
    "football": "goal match striker referee penalty league coach stadium keeper pitch",
}


def topic_corpus(per_topic: int = 30, seed: int = 0, extra=()):
    """Short documents drawn from three disjoint vocabularies (plus shared filler words)."""
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for topic, words in TOPICS.items():
        vocab = words.split()
        for _ in range(per_topic):
            picked = rng.choice(vocab, size=8) .tolist() + ["today", "really"]
            texts.append(" ".join(picked))
            labels.append(topic)
    texts += [t for t, _ in extra]
    labels += [label for _, label in extra]
    return make_corpus(texts, labels=labels, name="topics")


@pytest.fixture(scope="module")
def newsgroups_subset():
    """A fixed 1,000-post sample of the 4-topic 20 Newsgroups set (for speed)."""
    corpus = load_corpus("newsgroups4")
    rows = sample_rows(corpus.n_documents, 1000, 0)
    return make_corpus([corpus.texts[i] for i in rows], labels=corpus.labels[rows],
                       name="newsgroups subset")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_same_v_measure_as_scikit_learns_pipeline_computed_directly(newsgroups_subset, seed):
    """scikit-learn's "Clustering text documents using k-means" with LSA, step by step."""
    corpus = newsgroups_subset
    settings = TextSettings()  # max_df=0.5, min_df=2, English stop words, 20,000 terms
    with threadpool_limits(limits=1):  # as our pipeline; only the speed changes
        vectorizer = TfidfVectorizer(max_df=0.5, min_df=2, stop_words="english",
                                     max_features=20_000)
        tfidf = vectorizer.fit_transform(corpus.texts)
        lsa = make_pipeline(TruncatedSVD(n_components=100, random_state=seed),
                            Normalizer(copy=False))
        X = lsa.fit_transform(tfidf)
        reference = KMeans(n_clusters=4, init="k-means++", max_iter=100, n_init=1,
                           random_state=seed).fit(X)
    ours = run_pipeline(corpus, 4, settings, n_components=100, distance="euclidean",
                        n_init=1, max_iter=100, random_state=seed)
    assert len(ours.matrix.rows) == corpus.n_documents  # nothing dropped, rows align
    assert np.abs(ours.matrix.tfidf - tfidf).max() < 1e-12
    np.testing.assert_allclose(ours.space.X, X, atol=1e-9)
    np.testing.assert_array_equal(ours.run.labels, reference.labels_)
    truth = corpus.labels
    assert v_measure_score(truth, ours.run.labels) == v_measure_score(truth, reference.labels_)
    # Spherical k-means (the page's default) on the same space is at least as good here.
    spherical = cluster_documents(ours.space.X, 4, distance="cosine", random_state=seed)
    assert v_measure_score(truth, spherical.labels) > v_measure_score(truth,
                                                                      reference.labels_) - 0.05


def test_top_terms_are_the_lsa_centres_mapped_back_through_the_svd(newsgroups_subset):
    result = run_pipeline(newsgroups_subset, 4, random_state=0)
    top = top_terms(result.space, result.run, result.matrix, n_terms=10)
    original = result.space.svd.inverse_transform(result.run.centers)
    for j in range(4):
        expected = result.matrix.terms[original[j].argsort()[::-1][:10]]
        assert top.terms[j] == list(expected)
        assert np.all(np.diff(top.weights[j]) <= 0)
    assert top.sizes.sum() == newsgroups_subset.n_documents
    flat = {term for terms in top.terms for term in terms}
    assert {"space", "god", "graphics"} <= flat


def test_clusters_of_clean_topics_are_found_and_replayable():
    corpus = topic_corpus()
    result = run_pipeline(corpus, 3, TextSettings(min_df=1, max_df=1.0), n_components=5)
    assert v_measure_score(corpus.labels, result.run.labels) == pytest.approx(1.0)
    run = result.run
    assert run.method == "k-means" and run.replayable and run.center_rule == "normalized-mean"
    history = run.history
    assert history.phase[0] == "init" and history.n_steps > 2
    np.testing.assert_array_equal(history.labels[-1], run.labels)
    np.testing.assert_allclose(history.centers[-1], run.centers)
    assert run.drawn.n_steps == history.n_steps
    np.testing.assert_array_equal(run.drawn.labels, run.labels)
    light = cluster_documents(result.space.X, 3, random_state=0, keep_history=False)
    assert light.history is None and light.drawn.n_steps == history.n_steps


def test_a_k_change_reuses_the_space():
    corpus = topic_corpus()
    matrix = vectorize(corpus.texts, TextSettings(min_df=1, max_df=1.0))
    space = embed_documents(matrix, 5, random_state=0)
    runs = [cluster_documents(space.X, k, random_state=0) for k in (2, 3, 4)]
    assert [r.n_clusters for r in runs] == [2, 3, 4]
    assert all(len(r.labels) == corpus.n_documents for r in runs)


def test_minibatch_above_the_documented_size_has_no_replay():
    corpus = topic_corpus()
    space = embed_documents(vectorize(corpus.texts, TextSettings(min_df=1, max_df=1.0)), 5)
    run = cluster_documents(space.X, 3, minibatch=True, random_state=0)
    assert run.method == "MiniBatchKMeans" and not run.replayable
    assert run.history.n_steps == 1
    np.testing.assert_array_equal(run.history.labels[0], run.labels)
    np.testing.assert_allclose(np.linalg.norm(run.centers, axis=1), 1.0)
    assert v_measure_score(corpus.labels, run.labels) == pytest.approx(1.0)
    assert f"above {MINIBATCH_MIN_DOCS:,} documents" in run.notes[0]


def test_minibatch_is_chosen_automatically_above_the_threshold():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(MINIBATCH_MIN_DOCS + 1, 3))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    assert cluster_documents(X, 2, random_state=0).method == "MiniBatchKMeans"
    assert cluster_documents(X[:MINIBATCH_MIN_DOCS], 2, random_state=0).method == "k-means"


def test_without_lsa_the_vocabulary_is_capped_to_fit_in_memory():
    corpus = topic_corpus()
    settings, note = dense_settings(TextSettings(min_df=1, max_df=1.0), 2_000_000)
    assert settings.max_features == MAX_DENSE_CELLS // 2_000_000
    assert f"{MAX_DENSE_CELLS:,} cells" in note
    assert dense_settings(TextSettings(max_features=10), 90) == (TextSettings(max_features=10),
                                                                 None)
    result = run_pipeline(corpus, 3, TextSettings(min_df=1, max_df=1.0), n_components=None)
    assert result.space.svd is None
    assert result.space.X.shape == (90, result.matrix.n_terms)
    assert v_measure_score(corpus.labels, result.run.labels) == pytest.approx(1.0)
    big = vectorize(corpus.texts, TextSettings(min_df=1, max_df=1.0))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("clustering.documents._pipeline.MAX_DENSE_CELLS", 100)
        with pytest.raises(DocumentError, match=r"has 2,\d{3} cells; the limit is 100"):
            embed_documents(big, None)


def test_a_history_over_its_budget_is_not_kept(monkeypatch):
    monkeypatch.setattr("clustering.documents._pipeline.HISTORY_CELL_BUDGET", 10)
    corpus = topic_corpus()
    space = embed_documents(vectorize(corpus.texts, TextSettings(min_df=1, max_df=1.0)), 5)
    run = cluster_documents(space.X, 3, random_state=0)
    assert run.method == "k-means" and not run.replayable and run.history.n_steps == 1
    assert "exceed 10 cells" in run.notes[0]


def test_documents_without_terms_are_dropped_and_counted():
    corpus = topic_corpus(extra=[("the and of", "space"), ("xylophone", "space")])
    matrix = vectorize(corpus.texts, TextSettings(min_df=2, max_df=1.0))
    assert len(matrix.rows) == corpus.n_documents - 2
    assert "2 document(s) have no term left" in " ".join(matrix.notes)
    assert matrix.counts.shape[0] == matrix.tfidf.shape[0] == len(matrix.rows)


def test_settings_that_leave_no_term_say_what_to_change():
    with pytest.raises(DocumentError, match=r"keeps terms found in at most 45 of the 90 "
                                            r"documents, fewer than min_df=500"):
        vectorize(topic_corpus().texts, TextSettings(min_df=500))
    with pytest.raises(DocumentError, match=r"No term is left with min_df=1 and max_df=1 and "
                                            r"English stop words removed"):
        vectorize(["the and of", "and the", "of a the"], TextSettings(min_df=1, max_df=1.0))


def test_bad_settings_carry_their_values():
    with pytest.raises(ValueError, match="max_df=1.5"):
        vectorize(["a b", "c d"], TextSettings(max_df=1.5))
    with pytest.raises(ValueError, match="distance='manhattan'"):
        cluster_documents(np.eye(3), 2, distance="manhattan")
    with pytest.raises(DocumentError, match="K=5 is more than the 3 documents"):
        cluster_documents(np.eye(3), 5)


def test_bigrams_and_sublinear_tf_change_the_terms():
    corpus = topic_corpus()
    uni = vectorize(corpus.texts, TextSettings(min_df=1, max_df=1.0))
    bi = vectorize(corpus.texts, TextSettings(min_df=1, max_df=1.0, bigrams=True,
                                              sublinear_tf=True))
    assert bi.n_terms > uni.n_terms and any(" " in t for t in bi.terms)
    assert not np.allclose(bi.tfidf[:, :5].toarray(), 0) and bi.settings.sublinear_tf
    kept = vectorize(corpus.texts, TextSettings(min_df=1, max_df=1.0, stop_words=False))
    assert "today" in kept.terms
    capped = vectorize(corpus.texts, TextSettings(min_df=1, max_df=1.0, max_features=7))
    assert capped.n_terms == 7


def test_search_goes_through_the_same_vectorizer():
    corpus = topic_corpus()
    result = run_pipeline(corpus, 3, TextSettings(min_df=1, max_df=1.0), n_components=5)
    found = search("A rocket LAUNCH to the moon, zzzunknown", result.matrix, result.space,
                   result.run, n_results=5)
    assert found.known_terms == ("rocket", "launch", "moon")
    assert found.unknown_terms == ("zzzunknown",)
    space_cluster = np.bincount(result.run.labels[:30]).argmax()
    assert found.cluster == space_cluster
    assert len(found.rows) == 5 and np.all(np.diff(found.similarity) <= 0)
    assert all(corpus.labels[result.matrix.rows[r]] == "space" for r in found.rows)
    for row, matches in zip(found.rows, found.matches, strict=True):
        words = set(corpus.texts[result.matrix.rows[row]].split())
        assert set(matches) == words & {"rocket", "launch", "moon"}
    nothing = search("zzz qqq", result.matrix, result.space, result.run)
    assert nothing.cluster is None and len(nothing.rows) == 0
    with pytest.raises(DocumentError, match="Type a few words"):
        search("   ", result.matrix, result.space, result.run)
    with pytest.raises(DocumentError, match=f"the limit is {MAX_QUERY_CHARS:,}"):
        search("a" * (MAX_QUERY_CHARS + 1), result.matrix, result.space, result.run)


def test_marked_snippets_rebuild_the_text_around_the_first_match():
    text = "intro " * 100 + "the Rocket launch was late; rocket fuel " + "tail " * 100
    pieces = mark_terms(text, ("rocket", "launch"), max_chars=120)
    joined = "".join(p for p, _ in pieces)
    assert joined.startswith("\u2026 ") and joined.endswith(" \u2026")
    assert [p for p, hit in pieces if hit] == ["Rocket", "launch", "rocket"]
    assert "the Rocket launch was late; rocket fuel" in joined
    assert mark_terms("short text", ()) == [("short text", False)]


def test_members_frequencies_and_downloads():
    corpus = topic_corpus(extra=[("=HYPERLINK(\"http://x\") orbit rocket launch", "space")])
    result = run_pipeline(corpus, 3, TextSettings(min_df=1, max_df=1.0), n_components=5)
    run, space, matrix = result.run, result.space, result.matrix
    similarity = run.similarity(space.X)
    members = ranked_members(run, similarity, 0)
    assert np.all(np.diff(similarity[members]) <= 0) and np.all(run.labels[members] == 0)
    frame = document_frame(corpus, matrix, run, similarity)
    assert list(frame.columns) == ["document", "title", "label", "cluster", "similarity",
                                   "words", "snippet"]
    freq = frequent_terms(matrix, run, n_terms=5)
    assert set(freq["cluster"]) == {0, 1, 2}
    for _, part in freq.groupby("cluster"):
        assert part["cluster share"].sum() <= 100
        topical = ~part["term"].isin(["today", "really"])  # in every document: ratio ~1
        assert (part["ratio"][topical] > 2).all() and (part["ratio"][~topical] < 1.2).all()
    rows = list(csv.reader(io.StringIO(documents_csv(corpus, matrix, space, run)
                                       .decode("utf-8-sig"))))
    assert rows[0] == ["document", "title", "label", "words", "text", "cluster",
                       "distance_to_center", "status"]
    assert len(rows) == corpus.n_documents + 1
    assert rows[-1][4].startswith("'=HYPERLINK")  # formula neutralised
    top = top_terms(space, run, matrix, n_terms=3)
    table = list(csv.reader(io.StringIO(top_terms_csv(top).decode("utf-8-sig"))))
    assert table[0][0] == "cluster" and table[0][-1] == "size" and len(table) == 4
