"""A corpus (documents, titles, optional labels, where they came from) and the limits on it.

Every source, built-in or uploaded, ends in :func:`make_corpus`, which drops empty documents
(and counts them), names untitled documents after their first words, and enforces the
limits of :class:`DocumentLimits`; each limit is refused with its number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = [
    "DEFAULT_LIMITS",
    "TITLE_WORDS",
    "Corpus",
    "DocumentError",
    "DocumentLimits",
    "make_corpus",
    "word_counts",
]

#: Untitled documents are named after this many first words.
TITLE_WORDS = 8
#: Longest title kept (characters); longer ones end with an ellipsis.
MAX_TITLE_CHARS = 80


class DocumentError(ValueError):
    """A corpus that cannot be read or used; the message is one plain sentence."""


@dataclass(frozen=True)
class DocumentLimits:
    """Limits on uploaded corpora; each is refused with its number.

    Attributes
    ----------
    max_bytes : int
        Largest upload (the app's upload cap is the same 100 MB).
    max_documents : int
        Most documents in a corpus (lines, paragraphs, files or table rows).
    max_document_chars : int
        Longest single document, in characters: one huge line is refused, not clustered.
    max_files : int
        Most entries in a .zip (read from the archive's directory before anything else).
    max_unpacked_bytes : int
        Largest total size the .txt files of a .zip may unpack to, from the sizes the archive
        declares, checked before any file is extracted (extraction itself stops at the
        declared size).
    max_ratio : int
        Largest compression ratio (unpacked / packed) of one file and of the whole archive;
        only checked from ``ratio_min_bytes`` unpacked up, since small files of repeated
        text legitimately compress very well.
    ratio_min_bytes : int
        Unpacked size from which ``max_ratio`` applies.
    min_documents : int
        Fewest non-empty documents worth clustering.
    """

    max_bytes: int = 100_000_000
    max_documents: int = 50_000
    max_document_chars: int = 1_000_000
    max_files: int = 20_000
    max_unpacked_bytes: int = 200_000_000
    max_ratio: int = 100
    ratio_min_bytes: int = 1_000_000
    min_documents: int = 2


DEFAULT_LIMITS = DocumentLimits()


# eq=False: fields hold arrays, whose == is elementwise.
@dataclass(frozen=True, eq=False)
class Corpus:
    """Documents ready to vectorize.

    Attributes
    ----------
    texts : tuple of str, length n
        Non-empty documents, in the source's order.
    titles : tuple of str, length n
        A title per document (a file name, a title column, or the first words).
    labels : ndarray of object, shape (n,), or None
        Known topic of each document (None entries for unlabelled ones); None when the
        corpus has no labels.
    name : str
        Display name.
    source : str
        Where the text comes from.
    license : str
        Under what terms it is distributed.
    notes : tuple of str
        Plain sentences: how it was read, what was dropped.
    n_empty : int
        Empty documents dropped.
    """

    texts: tuple[str, ...]
    titles: tuple[str, ...]
    labels: np.ndarray | None
    name: str
    source: str = ""
    license: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
    n_empty: int = 0

    @property
    def n_documents(self) -> int:
        return len(self.texts)

    @property
    def n_labels(self) -> int:
        """Distinct known labels (0 without labels)."""
        if self.labels is None:
            return 0
        return len({v for v in self.labels if v is not None})


def word_counts(texts: Sequence[str]) -> np.ndarray:
    """Words (whitespace-separated) in each document, shape (n,) int."""
    return np.fromiter((len(t.split()) for t in texts), dtype=np.int64, count=len(texts))


def first_words(text: str, n_words: int = TITLE_WORDS) -> str:
    """A title from a document's first words, ending with an ellipsis when cut."""
    words = text.split(maxsplit=n_words)
    title = " ".join(words[:n_words])
    if len(words) > n_words:
        title += " \u2026"
    return _cut(title)


def _cut(title: str) -> str:
    title = " ".join(title.split())
    if len(title) > MAX_TITLE_CHARS:
        title = title[: MAX_TITLE_CHARS - 1] + "\u2026"
    return title


def _clean_label(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    text = str(value).strip()
    return text or None


def make_corpus(
    texts: Sequence[object],
    *,
    titles: Sequence[object] | None = None,
    labels: Sequence[object] | None = None,
    name: str,
    source: str = "",
    license: str = "",
    notes: Sequence[str] = (),
    limits: DocumentLimits = DEFAULT_LIMITS,
    dropped: int = 0,
) -> Corpus:
    """Build a :class:`Corpus`, dropping empty documents and enforcing the limits.

    Parameters
    ----------
    texts : sequence of str, length m
        Raw documents; None and missing values count as empty.
    titles : sequence of str, length m, optional
        Empty titles are replaced by the document's first words.
    labels : sequence, length m, optional
        Known topics; missing or blank entries become None. A corpus whose labels are all
        missing, or all the same, gets no labels (and a note says why).
    name, source, license : str
    notes : sequence of str
    limits : DocumentLimits
    dropped : int
        Empty documents a reader already left out (added to the count).

    Returns
    -------
    Corpus

    Raises
    ------
    DocumentError
        Too many documents, a document over the length limit, or too few non-empty ones.
    """
    m = len(texts)
    if m > limits.max_documents:
        raise DocumentError(
            f"This corpus has {m:,} documents; the limit is {limits.max_documents:,}."
        )
    for what, seq in (("titles", titles), ("labels", labels)):
        if seq is not None and len(seq) != m:
            raise ValueError(f"{what} has {len(seq)} entries but there are {m} documents")
    kept_texts, kept_titles, kept_labels = [], [], []
    for i, raw in enumerate(texts):
        text = "" if raw is None or (isinstance(raw, float) and np.isnan(raw)) else str(raw)
        if len(text) > limits.max_document_chars:
            raise DocumentError(
                f"Document {i + 1} is {len(text):,} characters long; the limit is "
                f"{limits.max_document_chars:,} characters per document."
            )
        text = text.strip()
        if not text:
            continue
        title = "" if titles is None else _clean_label(titles[i]) or ""
        kept_texts.append(text)
        kept_titles.append(_cut(title) if title else first_words(text))
        kept_labels.append(None if labels is None else _clean_label(labels[i]))
    n_empty = m - len(kept_texts) + dropped
    all_notes = list(notes)
    if n_empty:
        all_notes.append(f"{n_empty:,} empty document(s) were dropped.")
    if len(kept_texts) < limits.min_documents:
        raise DocumentError(
            f"Only {len(kept_texts)} non-empty document(s) were found; at least "
            f"{limits.min_documents} are needed to cluster."
        )
    label_array = None
    if labels is not None:
        distinct = {v for v in kept_labels if v is not None}
        if len(distinct) >= 2:
            label_array = np.array(kept_labels, dtype=object)
            missing = sum(v is None for v in kept_labels)
            if missing:
                all_notes.append(f"{missing:,} document(s) have no label.")
        else:
            all_notes.append(
                "The labels hold fewer than two distinct values, so the corpus is treated "
                "as unlabelled."
            )
    return Corpus(
        texts=tuple(kept_texts),
        titles=tuple(kept_titles),
        labels=label_array,
        name=name,
        source=source,
        license=license,
        notes=tuple(all_notes),
        n_empty=n_empty,
    )
