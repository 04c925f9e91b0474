"""Uploaded corpora: a .zip of .txt files, a plain .txt, or a table with a text column.

Uploads are untrusted. Nothing is written to disk, nothing is executed, and every limit of
:class:`DocumentLimits` is checked before the work it bounds:

* a .zip: the number of entries is read from the archive's end record before the directory
  is parsed; names that climb out of the archive (``../``, absolute paths, drive letters),
  encrypted files and nested archives refuse the whole upload; the sizes the archive
  declares are summed and each file's compression ratio is checked before anything is
  extracted, and extraction stops at the declared size (a lying size fails the checksum).
  Files that are not ``.txt``, links, system files and binary files renamed ``.txt`` are
  skipped and counted. The folder a file sits in is its label, as scikit-learn's
  ``load_files`` does (folders shared by every file are ignored).
* a .txt: one document per line or per blank-line-separated paragraph.
* a table: read by :func:`clustering.io.load_table`; the user picks the text column, and
  optionally a label and a title column (:func:`corpus_from_table`).
"""

from __future__ import annotations

import io
import re
import stat
import struct
import zipfile
from collections import Counter
from pathlib import PurePosixPath

import pandas as pd

from clustering.documents._corpus import (
    DEFAULT_LIMITS,
    Corpus,
    DocumentError,
    DocumentLimits,
    make_corpus,
)
from clustering.io import DecodedText, TableError, decode_text, describe_binary, is_text

__all__ = [
    "NESTED_ARCHIVES",
    "SPLITS",
    "corpus_from_table",
    "is_zip",
    "read_documents",
    "text_columns",
]

#: How a plain .txt is cut into documents.
SPLITS = ("lines", "paragraphs")
#: Member names refused inside a .zip: archives are not opened recursively.
NESTED_ARCHIVES = (".zip", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".7z", ".rar", ".jar",
                   ".zst", ".lz", ".lzma", ".cab", ".apk", ".docx", ".odt", ".epub")
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_END_RECORD = b"PK\x05\x06"
_DRIVE = re.compile(r"^[A-Za-z]:")
_NAME_SHOWN = 60


def is_zip(data: bytes) -> bool:
    """Whether the bytes are a ZIP archive (by content, never by name)."""
    return data[:4] in _ZIP_MAGICS


def _shown(name: str) -> str:
    return name if len(name) <= _NAME_SHOWN else name[: _NAME_SHOWN - 1] + "\u2026"


def _check_size(data: bytes, limits: DocumentLimits) -> None:
    if len(data) > limits.max_bytes:
        raise DocumentError(
            f"This upload is {len(data):,} bytes; the limit is {limits.max_bytes:,} bytes."
        )


def read_documents(data: bytes, filename: str, *, split: str = "lines",
                   limits: DocumentLimits = DEFAULT_LIMITS) -> Corpus:
    """Read an uploaded .zip of .txt files or a plain text file into a corpus.

    Parameters
    ----------
    data : bytes
        The upload.
    filename : str
        Shown in the corpus name only; the content decides how it is read.
    split : {"lines", "paragraphs"}
        For plain text: one document per line, or per blank-line-separated paragraph.
    limits : DocumentLimits

    Returns
    -------
    Corpus

    Raises
    ------
    DocumentError
        With one plain sentence for anything refused.
    """
    if split not in SPLITS:
        raise ValueError(f"split={split!r} is not one of {SPLITS}")
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    _check_size(data, limits)
    name = PurePosixPath(filename.replace("\\", "/")).name or "upload"
    if is_zip(data):
        return _read_zip(data, name, limits)
    return _read_text(data, name, split, limits)


# --- plain text --------------------------------------------------------------------------


def _pieces(text: str, split: str):
    """Lines, or blank-line-separated paragraphs, read lazily (empty ones included)."""
    if split == "lines":
        yield from io.StringIO(text, newline=None)
        return
    paragraph: list[str] = []
    for line in io.StringIO(text, newline=None):
        if line.strip():
            paragraph.append(line)
        else:
            yield "".join(paragraph)
            paragraph = []
    yield "".join(paragraph)


def _decode(data: bytes, what: str = "This file") -> DecodedText:
    """The table loader's rules for text and its encoding; a refusal names the file."""
    try:
        return decode_text(data, what)
    except TableError as exc:
        raise DocumentError(str(exc)) from exc


def _read_text(data: bytes, name: str, split: str, limits: DocumentLimits) -> Corpus:
    decoded = _decode(data)
    unit = "line" if split == "lines" else "paragraph"
    # Empty pieces are counted, never kept: a file of newlines stays cheap.
    documents, n_empty = [], 0
    for piece in _pieces(decoded.text, split):
        if not piece.strip():
            n_empty += 1
            continue
        documents.append(piece.strip())
        if len(documents) > limits.max_documents:
            raise DocumentError(
                f"This file has more than {limits.max_documents:,} non-empty {unit}s; the "
                f"limit is {limits.max_documents:,} documents."
            )
    if split == "paragraphs":
        n_empty = 0  # blank lines separate paragraphs; they are not empty documents
    return make_corpus(
        documents,
        name=f"Upload: {name}",
        source=f"Your file {name}, one document per {unit}.",
        license="Yours.",
        notes=[f"Read as {decoded.encoding}, one document per {unit}."],
        limits=limits,
        dropped=n_empty,
    )


# --- zip ---------------------------------------------------------------------------------


def _declared_entries(data: bytes) -> int | None:
    """Entries the archive's end record declares (None when it cannot be found).

    Read before ``zipfile`` parses the central directory, which costs memory per entry.
    """
    at = data.rfind(_END_RECORD, max(0, len(data) - 65_557))
    if at < 0 or at + 22 > len(data):
        return None
    return struct.unpack("<H", data[at + 10 : at + 12])[0]


def _bad_name(name: str) -> bool:
    clean = name.replace("\\", "/")
    parts = clean.split("/")
    return clean.startswith("/") or bool(_DRIVE.match(clean)) or ".." in parts or "\x00" in name


def _is_link(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return bool(mode) and stat.S_ISLNK(mode)


def _open_archive(data: bytes, limits: DocumentLimits) -> zipfile.ZipFile:
    declared = _declared_entries(data)
    if declared is not None and declared >= 0xFFFF:
        raise DocumentError(
            f"This archive holds more than {limits.max_files:,} files, the limit."
        )
    if declared is not None and declared > limits.max_files:
        raise DocumentError(
            f"This archive holds {declared:,} files; the limit is {limits.max_files:,}."
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError,
            OSError, EOFError) as exc:
        raise DocumentError("This .zip archive is damaged or not a ZIP file, so it was not "
                            "read.") from exc
    if len(archive.infolist()) > limits.max_files:
        n = len(archive.infolist())
        archive.close()
        raise DocumentError(f"This archive holds {n:,} files; the limit is {limits.max_files:,}.")
    return archive


def _select(infos: list[zipfile.ZipInfo]) -> tuple[list[zipfile.ZipInfo], Counter]:
    """The .txt members to read; refuses hostile names; counts what is skipped and why."""
    chosen, skipped = [], Counter()
    for info in infos:
        name = info.filename
        if _bad_name(name):
            raise DocumentError(
                f"The archive holds a file named {_shown(name)!r}, which points outside the "
                "archive, so it was not opened."
            )
        if info.is_dir():
            continue
        lower = name.lower()
        if lower.endswith(NESTED_ARCHIVES):
            raise DocumentError(
                f"The archive holds another archive ({_shown(name)!r}); nested archives are "
                "not opened. Unpack it and upload the .txt files in one .zip."
            )
        if info.flag_bits & 0x1:
            raise DocumentError(
                f"The file {_shown(name)!r} in the archive is encrypted, so it cannot be read."
            )
        base = PurePosixPath(name.replace("\\", "/"))
        if _is_link(info):
            skipped["links"] += 1
        elif "__MACOSX" in base.parts or base.name.startswith("."):
            skipped["system files"] += 1
        elif not lower.endswith(".txt"):
            skipped["not .txt"] += 1
        else:
            chosen.append(info)
    return chosen, skipped


def _check_bomb(chosen: list[zipfile.ZipInfo], packed: int, limits: DocumentLimits) -> None:
    """Refuse from the declared sizes, before anything is extracted."""
    total = sum(info.file_size for info in chosen)
    if total > limits.max_unpacked_bytes:
        raise DocumentError(
            f"The .txt files in this archive unpack to {total:,} bytes; the limit is "
            f"{limits.max_unpacked_bytes:,} bytes."
        )
    for info in chosen:
        if info.file_size >= limits.ratio_min_bytes and (
            info.file_size > limits.max_ratio * max(info.compress_size, 1)
        ):
            ratio = info.file_size / max(info.compress_size, 1)
            raise DocumentError(
                f"The file {_shown(info.filename)!r} is compressed {ratio:,.0f} to 1; the limit "
                f"is {limits.max_ratio} to 1 (this looks like a zip bomb)."
            )
    if total >= limits.ratio_min_bytes and total > limits.max_ratio * max(packed, 1):
        raise DocumentError(
            f"This archive unpacks {total / max(packed, 1):,.0f} times its size; the limit is "
            f"{limits.max_ratio} times (this looks like a zip bomb)."
        )


def _label_parts(names: list[PurePosixPath]) -> list[str | None]:
    """Label of each file: its first folder below the folders every file shares."""
    folders = [p.parts[:-1] for p in names]
    shared = 0
    if folders:
        shortest = min(len(f) for f in folders)
        while shared < shortest and len({f[shared] for f in folders}) == 1:
            shared += 1
    return [f[shared] if len(f) > shared else None for f in folders]


def _read_zip(data: bytes, name: str, limits: DocumentLimits) -> Corpus:
    with _open_archive(data, limits) as archive:
        chosen, skipped = _select(archive.infolist())
        if not chosen:
            raise DocumentError("This archive holds no .txt files.")
        _check_bomb(chosen, len(data), limits)
        chosen.sort(key=lambda info: info.filename)
        texts, paths, encodings = [], [], Counter()
        for info in chosen:
            try:
                with archive.open(info) as member:
                    raw = member.read(info.file_size + 1)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError,
                    EOFError, ValueError) as exc:
                # Includes a checksum failure when the real content is longer than declared.
                raise DocumentError(
                    f"The file {_shown(info.filename)!r} in the archive is damaged, so the "
                    "archive was not read."
                ) from exc
            if len(raw) > info.file_size:
                raise DocumentError(
                    f"The file {_shown(info.filename)!r} is larger than the archive declares, "
                    "so the archive was not read."
                )
            if describe_binary(raw) is not None:
                skipped["binary files named .txt"] += 1
                continue
            decoded = _decode(raw, repr(_shown(info.filename)))
            texts.append(decoded.text)
            paths.append(PurePosixPath(info.filename.replace("\\", "/")))
            encodings[decoded.encoding] += 1
    if not texts:
        raise DocumentError("None of the .txt files in this archive holds text.")
    labels = _label_parts(paths)
    notes = [f"Read {len(texts):,} .txt file(s) from the archive, one document per file."]
    if skipped:
        parts = ", ".join(f"{n:,} {why}" for why, n in sorted(skipped.items()))
        notes.append(f"Skipped {sum(skipped.values()):,} file(s): {parts}.")
    notes.append("Encodings: " + ", ".join(f"{n:,} {enc}" for enc, n in encodings.most_common())
                 + ".")
    has_labels = len({label for label in labels if label is not None}) >= 2
    if has_labels:
        notes.append("Each file's folder is its label.")
    return make_corpus(
        texts,
        titles=[p.stem for p in paths],
        labels=labels if has_labels else None,
        name=f"Upload: {name}",
        source=f"Your archive {name}, one document per .txt file.",
        license="Yours.",
        notes=notes,
        limits=limits,
    )


# --- tables ------------------------------------------------------------------------------


def text_columns(frame: pd.DataFrame) -> list[str]:
    """Columns that hold text, the longest on average first (the likely documents).

    Parameters
    ----------
    frame : DataFrame

    Returns
    -------
    list of str
    """
    scored = []
    for name in frame.columns:
        col = frame[name]
        if not is_text(col):
            continue
        values = col.dropna().astype(str)
        scored.append((-(values.str.len().mean() if len(values) else 0.0), str(name)))
    return [name for _, name in sorted(scored)]


def corpus_from_table(
    frame: pd.DataFrame,
    text_column: str,
    *,
    label_column: str | None = None,
    title_column: str | None = None,
    name: str = "Upload",
    limits: DocumentLimits = DEFAULT_LIMITS,
) -> Corpus:
    """A corpus from a table: one document per row.

    Parameters
    ----------
    frame : DataFrame of shape (m, c)
        As :func:`clustering.io.load_table` returns it.
    text_column : str
    label_column, title_column : str, optional
    name : str
        Display name of the corpus.
    limits : DocumentLimits

    Returns
    -------
    Corpus

    Raises
    ------
    DocumentError
        Unknown columns, or the limits of :func:`make_corpus`.
    """
    for role, column in (("text", text_column), ("label", label_column),
                         ("title", title_column)):
        if column is not None and column not in frame.columns:
            raise DocumentError(f"The table has no column {_shown(str(column))!r} for the {role}.")
    labels = None if label_column is None else frame[label_column].tolist()
    titles = None if title_column is None else frame[title_column].tolist()
    notes = [f"One document per row, from the column {_shown(text_column)!r}."]
    return make_corpus(
        frame[text_column].tolist(),
        titles=titles,
        labels=labels,
        name=name,
        source="Your table.",
        license="Yours.",
        notes=notes,
        limits=limits,
    )
