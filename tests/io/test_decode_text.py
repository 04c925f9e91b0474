"""decode_text: the loader's rules for "is this text and which encoding", for any text file.

The Documents page reads .txt uploads with it; a table and a text file of the same bytes must
be read with the same encoding and refused for the same reasons.
"""

from __future__ import annotations

import pytest

from clustering.io import TableError, decode_text, describe_binary, load_table
from tests.conftest import LOADER_BASE as BASE

TEXT = "name;wert\n€uro;1,5\nstraße;2,5\n"


@pytest.mark.parametrize("raw", [
    BASE,
    b"\xef\xbb\xbf" + BASE,
    BASE.decode().encode("utf-16"),
    BASE.decode().encode("utf-16-be"),
    TEXT.encode("cp1252"),
    "a,b\n\x81x,1\ny,2\n".encode("latin-1"),
], ids=["utf8", "utf8-bom", "utf16", "utf16-be-no-bom", "cp1252", "latin1"])
def test_text_and_tables_name_the_same_encoding(raw):
    decoded = decode_text(raw)
    assert decoded.encoding == load_table(raw, "x.csv").dialect["encoding"]
    assert "\ufeff" not in decoded.text and "\x00" not in decoded.text


def test_a_few_damaged_bytes_in_utf8_are_replaced_not_read_as_cp1252():
    raw = "café crème brûlée déjà vu à la carte\n".encode() * 3 + b"bad \xff byte\n"
    decoded = decode_text(raw)
    assert decoded.encoding == "UTF-8" and decoded.n_replaced == 1
    assert decoded.text.startswith("café crème") and "bad \ufffd byte" in decoded.text


@pytest.mark.parametrize(("raw", "kind"), [
    (b"\x89PNG\r\n\x1a\n" + bytes(64), "a PNG image"),
    (b"PK\x03\x04" + bytes(40), "a ZIP archive"),
    (b"text at first " + bytes([0, 1, 2, 3]) * 50, "binary data"),
    (b"\xef\xbb\xbfutf-8 with a NUL\x00 in it", "binary data"),
], ids=["png", "zip", "nul-bytes", "utf8-bom-nul"])
def test_binary_data_is_refused_naming_the_file(raw, kind):
    assert describe_binary(raw) == kind
    with pytest.raises(TableError, match=f"^'notes.txt' looks like {kind}, not text.$"):
        decode_text(raw, "'notes.txt'")


def test_utf16_text_is_not_binary_and_damaged_utf16_is_refused():
    assert describe_binary("plain ascii\nsecond".encode("utf-16-le")) is None
    with pytest.raises(TableError, match="says it is UTF-16 but its text is damaged"):
        decode_text(b"\xff\xfe" + "ok".encode("utf-16-le") + b"\x00\xd8")
