"""What an upload is, from its bytes: text, .xlsx, Parquet, or something refused by name.

Private helper of :mod:`clustering.io`. Magic numbers and ZIP member names decide,
never the file name; the claimed kind only words the refusal.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from clustering.io._errors import TableError

# (prefix, offset, description, needs_binary). Checked in order; the first match wins.
# Magics made only of letters (e.g. "MZ", "RIFF") also start ordinary CSV headers, so
# they count only when the first bytes also hold binary data.
_MAGIC: tuple[tuple[bytes, int, str, bool], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "a PNG image", False),
    (b"\xff\xd8\xff", 0, "a JPEG image", False),
    (b"GIF87a", 0, "a GIF image", False),
    (b"GIF89a", 0, "a GIF image", False),
    (b"WEBP", 8, "a WebP image", True),
    (b"II*\x00", 0, "a TIFF image", False),
    (b"MM\x00*", 0, "a TIFF image", False),
    (b"%PDF-", 0, "a PDF document", False),
    (b"\x7fELF", 0, "a program (ELF executable)", False),
    (b"MZ", 0, "a Windows program", True),
    (b"\xca\xfe\xba\xbe", 0, "a compiled program", False),
    (b"\xcf\xfa\xed\xfe", 0, "a macOS program", False),
    (b"\x00asm", 0, "a WebAssembly program", False),
    (b"\x1f\x8b", 0, "a gzip-compressed file", False),
    (b"BZh", 0, "a bzip2-compressed file", True),
    (b"\xfd7zXZ\x00", 0, "an xz-compressed file", False),
    (b"(\xb5/\xfd", 0, "a zstd-compressed file", False),
    (b"7z\xbc\xaf\x27\x1c", 0, "a 7-Zip archive", False),
    (b"Rar!\x1a\x07", 0, "a RAR archive", False),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        0,
        "an old Excel 97-2003 (.xls) workbook or a password-protected Office file",
        False,
    ),
    (b"SQLite format 3\x00", 0, "an SQLite database", False),
    (b"ARROW1", 0, "an Arrow/Feather file", True),
    (b"ID3", 0, "an MP3 audio file", True),
    (b"OggS", 0, "an Ogg audio file", True),
    (b"ftyp", 4, "a video file", True),
    (b"\x1aE\xdf\xa3", 0, "a video file", False),
    (b"RIFF", 0, "a media file", True),
)
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
# Bytes that never occur in text files: NUL and C0 controls other than TAB/LF/FF/CR.
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")


def looks_binary(data: bytes) -> bool:
    """True when the first kilobyte holds bytes that text files never contain."""
    return _BINARY_BYTES.search(data[:1024]) is not None


@dataclass(frozen=True)
class Kind:
    """What the bytes are: ``"text"``, ``"xlsx"`` or ``"parquet"``."""

    name: str


def describe_magic(data: bytes) -> str | None:
    """Name the binary format the bytes start with (image, archive, program...), or None.

    Parameters
    ----------
    data : bytes
        The start of the upload (a few hundred bytes is enough).

    Returns
    -------
    str or None
        A phrase such as ``"a PNG image"``.
    """
    binary = looks_binary(data)
    for magic, offset, what, needs_binary in _MAGIC:
        if data[offset : offset + len(magic)] == magic and (binary or not needs_binary):
            return what
    if data[:2] == b"BM" and len(data) >= 14 and data[6:10] == b"\x00\x00\x00\x00":
        return "a BMP image"
    if data[:4] in ZIP_MAGICS:
        return "a ZIP archive"
    return None


def _describe_markup(data: bytes) -> str | None:
    """Name a web page or XML file: text, but not a table."""
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "a web page (HTML)"
    if head.startswith(b"<?xml") or head.startswith(b"<svg"):
        return "an XML or SVG file"
    return None


def sniff_kind(data: bytes, max_unpacked: int, expected: str = "a CSV file") -> Kind:
    """Decide from the content (never the name) how to read the upload.

    Parameters
    ----------
    data : bytes
    max_unpacked : int
        Largest total size an .xlsx may unpack to.
    expected : str
        What the upload claims to be, only for the wording of a refusal.

    Raises
    ------
    TableError
        If the bytes are an image, archive, program or other format we do not read.
    """
    if data[:4] == b"PAR1" and (data[-4:] == b"PAR1" or looks_binary(data)):
        if data[-4:] != b"PAR1":
            raise TableError("This Parquet file is incomplete (its end is missing).")
        return Kind("parquet")
    if data[:4] in ZIP_MAGICS:
        return Kind(_zip_kind(data, max_unpacked, expected))
    what = describe_magic(data) or _describe_markup(data)
    if what is not None and what.startswith("an old Excel"):
        raise TableError(f"This looks like {what}; save it as .xlsx or CSV and upload that.")
    if what is not None:
        raise TableError(f"This looks like {what}, not {expected}.")
    return Kind("text")


#: Bytes of an archive's ``mimetype`` member that are read (ODF's is 46 bytes long).
MIMETYPE_PREFIX = 100


def _prefix(archive: zipfile.ZipFile, name: str) -> bytes:
    """The first :data:`MIMETYPE_PREFIX` bytes of a member, unpacking no more than that.

    A member may declare gigabytes (a ZIP bomb); reading it whole to look at its start would
    unpack all of it, so only a bounded prefix is pulled from the stream.
    """
    with archive.open(name) as stream:
        return stream.read(MIMETYPE_PREFIX)


def _zip_kind(data: bytes, max_unpacked: int, expected: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            mimetype = _prefix(archive, "mimetype") if "mimetype" in names else b""
    except Exception as exc:  # zipfile raises many types (NotImplementedError, ...)
        raise TableError(f"This looks like a damaged ZIP archive, not {expected}.") from exc
    if "xl/workbook.xml" in names:
        unpacked = sum(info.file_size for info in infos)
        if unpacked > max_unpacked:
            raise TableError(
                f"This Excel file unpacks to {unpacked / 1e6:,.0f} MB, "
                f"more than the limit of {max_unpacked / 1e6:,.0f} MB."
            )
        return "xlsx"
    if "xl/workbook.bin" in names:
        raise TableError(
            "This is a binary Excel workbook (.xlsb); save it as .xlsx or CSV and upload that."
        )
    if b"opendocument.spreadsheet" in mimetype:
        raise TableError(
            "This is an OpenDocument spreadsheet (.ods); save it as .xlsx or CSV and upload that."
        )
    if any(name.startswith("word/") for name in names):
        raise TableError(f"This looks like a Word document, not {expected}.")
    if any(name.startswith("ppt/") for name in names):
        raise TableError(f"This looks like a PowerPoint presentation, not {expected}.")
    raise TableError(f"This looks like a ZIP archive, not {expected}; unzip it first.")
