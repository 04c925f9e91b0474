"""Bytes to text for uploaded documents: refuse binary data, detect and name the encoding.

The rules are the table loader's (:mod:`clustering.io`): a UTF-8 or UTF-16 byte-order mark
wins; then strict UTF-8; then Windows-1252, then Latin-1 (which decodes any byte). NUL bytes
mean binary data unless they fall in every other byte (UTF-16 without a mark).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clustering.documents._corpus import DocumentError

__all__ = ["Decoded", "binary_kind", "decode_text"]

# (prefix, description); a file starting with one of these is not text whatever its name.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"\x7fELF", "a program (ELF executable)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
# Bytes that never occur in text: NUL and the C0 controls other than TAB, LF, FF, CR, ESC.
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
_SAMPLE = 8192


@dataclass(frozen=True)
class Decoded:
    """Decoded text and the plain name of its encoding."""

    text: str
    encoding: str


def _utf16_without_mark(sample: bytes) -> str | None:
    # ASCII text in UTF-16 has a NUL in every other byte; binary data does not.
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def binary_kind(data: bytes) -> str | None:
    """What non-text format the bytes look like (``"a PNG image"``, ``"binary data"``), or None.

    UTF-16 text, with or without a byte-order mark, is text.
    """
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or _utf16_without_mark(data[:_SAMPLE]):
        return None
    if _BINARY_BYTES.search(data[:_SAMPLE]) or b"\x00" in data:
        return "binary data"
    return None


def decode_text(data: bytes, what: str = "This file") -> Decoded:
    """Decode one text file.

    Parameters
    ----------
    data : bytes
    what : str
        How the refusal names the file (``"This file"``, ``"docs/a.txt"``).

    Returns
    -------
    Decoded

    Raises
    ------
    DocumentError
        If the bytes are binary (an image, an archive, NUL bytes...).
    """
    kind = binary_kind(data)
    if kind is not None:
        raise DocumentError(f"{what} looks like {kind}, not text.")
    if data.startswith(b"\xef\xbb\xbf"):
        return Decoded(data[3:].decode("utf-8", errors="replace"), "UTF-8 (with a byte-order mark)")
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return _utf16(data[2:], codec, what)
    codec = _utf16_without_mark(data[:_SAMPLE])
    if codec is not None:
        return _utf16(data, codec, what)
    try:
        return Decoded(data.decode("utf-8"), "UTF-8")
    except UnicodeDecodeError:
        pass
    try:
        return Decoded(data.decode("cp1252"), "Windows-1252")
    except UnicodeDecodeError:
        return Decoded(data.decode("latin-1"), "Latin-1 (ISO-8859-1)")


def _utf16(raw: bytes, codec: str, what: str) -> Decoded:
    text = raw.decode(codec, errors="replace")
    if "\x00" in text:
        raise DocumentError(f"{what} looks like binary data, not text.")
    return Decoded(text, f"UTF-16 ({codec[-2:].upper()})")
