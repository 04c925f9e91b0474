"""Hostile files, generated: small on disk, huge unpacked. Shared by tests/io and tests/browser.

Every archive is written member by member through ``zipfile``'s streaming writer, so making
a 360 MB-unpacked bomb never holds 360 MB in memory.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

import numpy as np
import pandas as pd

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PIECE_ROWS = 100_000

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    b'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
).encode()
WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def xlsx(sheet_xml: Iterable[bytes], shared_strings: bytes | None = None,
         extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal valid .xlsx whose one sheet's XML is the concatenation of ``sheet_xml``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        if shared_strings is not None:
            archive.writestr("xl/sharedStrings.xml", shared_strings)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for piece in sheet_xml:
                member.write(piece)
    return buf.getvalue()


def sheet(rows: Iterable[bytes], dimension: str | None = None) -> Iterable[bytes]:
    """Sheet XML around ``rows`` (each a ``<row>...</row>`` element), with an optional
    ``<dimension ref=...>`` tag that may lie."""
    yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}">'.encode()
    if dimension is not None:
        yield f'<dimension ref="{dimension}"/>'.encode()
    yield b"<sheetData>"
    yield from rows
    yield b"</sheetData></worksheet>"


def empty_rows_xlsx(n_rows: int) -> bytes:
    """``n_rows`` empty ``<row/>`` elements and no ``<dimension>``: the issue's OOM bomb.

    2 million rows make 19 KB on disk and 12 MB unpacked; 60 million, 526 KB and 360 MB.
    """

    def rows() -> Iterable[bytes]:
        piece = b"<row/>" * _PIECE_ROWS
        full, rest = divmod(n_rows, _PIECE_ROWS)
        for _ in range(full):
            yield piece
        yield b"<row/>" * rest

    return xlsx(sheet(rows()))


def numbers_xlsx(n_rows: int, dimension: str | None = None,
                 header: tuple[str, str] = ("a", "b")) -> bytes:
    """A header row of inline strings and ``n_rows`` rows of two numbers."""

    def rows() -> Iterable[bytes]:
        yield (
            f'<row r="1"><c r="A1" t="inlineStr"><is><t>{header[0]}</t></is></c>'
            f'<c r="B1" t="inlineStr"><is><t>{header[1]}</t></is></c></row>'
        ).encode()
        for i in range(2, n_rows + 2):
            yield (
                f'<row r="{i}"><c r="A{i}"><v>{i}.5</v></c><c r="B{i}"><v>{i % 7}</v></c></row>'
            ).encode()

    return xlsx(sheet(rows(), dimension))


def zip_bomb_mimetype(unpacked: int) -> bytes:
    """A ZIP whose ``mimetype`` member is ``unpacked`` zero bytes (about 1000:1 deflated)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("mimetype", "w", force_zip64=True) as member:
            chunk = bytes(1 << 20)
            full, rest = divmod(unpacked, len(chunk))
            for _ in range(full):
                member.write(chunk)
            member.write(bytes(rest))
        archive.writestr("content.xml", b"<x/>")
    return buf.getvalue()


# --- the files issue 16 names, as it describes them --------------------------------------------


def _generated(name: str) -> bytes:
    rng = np.random.default_rng(16)
    x = rng.normal(size=60).round(4)
    if name == "unbalanced_quote.csv":
        # The quote opens on line 3 and never closes; every record still has 3 fields.
        return b'f1,f2,label\n1.0,2.0,a\n3.0,4.0,"b\n5.0,6.0,c\n7.0,8.0,d\n'
    if name == "mixed_types.csv":
        y = [f"{v:.3f}" for v in rng.normal(size=60)]
        for i in range(14):
            y[4 * i + 1] = "?" if i % 2 else "n/a"
        frame = pd.DataFrame({"x": x, "y": y, "label": ["a", "b", "c"] * 20})
    elif name == "leading_zeros_ids.csv":
        frame = pd.DataFrame({"id": [f"{i:05d}" for i in range(60)], "x": x,
                              "y": rng.normal(size=60).round(4)})
    elif name == "label_all_unique.csv":
        frame = pd.DataFrame({"name": [f"item {i}" for i in range(60)], "x": x,
                              "y": rng.normal(size=60).round(4)})
    elif name == "some_nans.csv":
        values = rng.normal(size=(60, 3)).round(4)
        rows = np.arange(60)[:46]
        values[rows, rows % 3] = np.nan
        frame = pd.DataFrame(values, columns=["f1", "f2", "f3"])
    else:
        raise KeyError(name)
    return frame.to_csv(index=False).encode()


def named(name: str) -> bytes:
    """Issue 16's named file: the shared corpus's copy if it has one, else the generated one."""
    from tests.conftest import corpus_dir

    path = corpus_dir() / name
    return path.read_bytes() if path.exists() else _generated(name)
