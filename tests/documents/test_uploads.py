"""Uploaded corpora: every hostile input is refused with its number, generated here."""

from __future__ import annotations

import io
import struct
import zipfile

import numpy as np
import pandas as pd
import pytest

from clustering.documents import (
    DEFAULT_LIMITS,
    DocumentError,
    DocumentLimits,
    corpus_from_table,
    make_corpus,
    read_documents,
    text_columns,
)
from clustering.io import load_table
from tests.conftest import corpus_file

SMALL = DocumentLimits(max_bytes=50_000, max_documents=20, max_document_chars=500,
                       max_files=10, max_unpacked_bytes=100_000, max_ratio=20,
                       ratio_min_bytes=5_000)


def make_zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return buffer.getvalue()


def patch_central(data: bytes, field_offset: int, fmt: str, value: int, entry: int = 0) -> bytes:
    """Overwrite one field of the ``entry``-th central directory header."""
    at = -1
    for _ in range(entry + 1):
        at = data.index(b"PK\x01\x02", at + 1)
    size = struct.calcsize(fmt)
    return (data[: at + field_offset] + struct.pack(fmt, value)
            + data[at + field_offset + size:])


@pytest.fixture()
def never_extract(monkeypatch):
    """Call it once the archive is built: from then on opening a member fails the test, since
    refusals must come before extraction."""
    def arm() -> None:
        def refuse(*args, **kwargs):
            raise AssertionError("a member was extracted before the archive was refused")
        monkeypatch.setattr(zipfile.ZipFile, "open", refuse)
    return arm


# --- plain text --------------------------------------------------------------------------


def test_one_document_per_line_drops_and_counts_empty_lines():
    corpus = read_documents(b"first doc\n\n   \nsecond doc\r\nthird doc\n", "a.txt")
    assert corpus.texts == ("first doc", "second doc", "third doc")
    assert corpus.n_empty == 2  # the two blank lines
    assert "2 empty document(s) were dropped." in corpus.notes
    assert corpus.labels is None
    assert "Read as UTF-8, one document per line." in corpus.notes


def test_paragraphs_are_separated_by_blank_lines():
    text = b"one line\nsame paragraph\n\n  \nsecond paragraph\n\n\n\nthird"
    corpus = read_documents(text, "p.txt", split="paragraphs")
    assert corpus.texts == ("one line\nsame paragraph", "second paragraph", "third")
    assert corpus.titles[0] == "one line same paragraph"


@pytest.mark.parametrize(("raw", "encoding"), [
    ("café naïve über".encode("cp1252") + b"\n\x80uro line", "Windows-1252"),
    (b"\xef\xbb\xbf" + "café\nthé".encode(), "UTF-8 with a byte-order mark"),
    ("café\nthé".encode("utf-16"), "UTF-16 (LE)"),
    ("plain ascii\nsecond".encode("utf-16-be"), "UTF-16 (BE)"),
    (b"byte \x81 undefined in cp1252\nnext", "Latin-1 (ISO-8859-1)"),
], ids=["cp1252", "utf8-bom", "utf16-bom", "utf16-be-no-bom", "latin1"])
def test_non_utf8_text_is_detected_decoded_and_named(raw, encoding):
    corpus = read_documents(raw, "x.txt")
    assert f"Read as {encoding}, one document per line." in corpus.notes
    assert corpus.n_documents == 2
    if encoding == "Windows-1252":
        assert corpus.texts == ("café naïve über", "\u20acuro line")


def test_the_shared_latin1_file_is_read_as_windows_1252():
    corpus = read_documents(corpus_file("latin1.csv").read_bytes(), "latin1.csv")
    assert any("Windows-1252" in note or "Latin-1" in note for note in corpus.notes)
    assert all("\ufffd" not in text for text in corpus.texts)


def test_one_huge_line_is_refused_with_the_limit():
    line = b"word " * (DEFAULT_LIMITS.max_document_chars // 5 + 1)
    with pytest.raises(DocumentError, match=r"Document 2 is 1,000,004 characters long; the "
                                            r"limit is 1,000,000 characters per document"):
        read_documents(b"short first line\n" + line, "huge.txt")


@pytest.mark.parametrize(("data", "what"), [
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "a PNG image"),
    (b"%PDF-1.7\n%\xe2\xe3" + bytes(200), "a PDF document"),
    (b"\x7fELF\x02\x01\x01" + bytes(100), "a program"),
    (b"text at first " + bytes([0, 1, 2, 3]) * 50, "binary data"),
], ids=["png", "pdf", "elf", "nul-bytes"])
def test_binary_files_renamed_txt_are_refused(data, what):
    with pytest.raises(DocumentError, match=f"This file looks like {what}"):
        read_documents(data, "notes.txt")


def test_the_shared_binary_file_is_refused():
    with pytest.raises(DocumentError, match="looks like a PNG image"):
        read_documents(corpus_file("binary_renamed.csv").read_bytes(), "x.txt")


def test_too_big_an_upload_is_refused_with_its_number():
    with pytest.raises(DocumentError, match=r"60,000 bytes; the limit is 50,000 bytes"):
        read_documents(b"a" * 60_000, "big.txt", limits=SMALL)


def test_too_many_documents_are_refused_with_the_limit():
    with pytest.raises(DocumentError, match=r"more than 20 non-empty lines; the limit is 20 "
                                            r"documents"):
        read_documents(b"doc\n\n" * 21, "many.txt", limits=SMALL)
    with pytest.raises(DocumentError, match=r"more than 20 non-empty paragraphs"):
        read_documents(b"doc\n\n" * 21, "many.txt", split="paragraphs", limits=SMALL)
    with pytest.raises(DocumentError, match=r"50,001 documents; the limit is 50,000"):
        make_corpus(["x"] * 50_001, name="many")


def test_a_file_with_only_blank_lines_is_refused():
    with pytest.raises(DocumentError, match="Only 0 non-empty document"):
        read_documents(b"\n \n\t\n", "blank.txt")


def test_an_unknown_split_is_a_value_error():
    with pytest.raises(ValueError, match="split='words'"):
        read_documents(b"a\nb", "x.txt", split="words")


# --- zip archives ------------------------------------------------------------------------


def test_zip_folders_are_labels_like_load_files():
    data = make_zip({
        "corpus/": b"",
        "corpus/sport/match.txt": b"the team won the match",
        "corpus/sport/goal.txt": b"a late goal",
        "corpus/politics/vote.txt": "the vote, café".encode("cp1252"),
        "corpus/politics/empty.txt": b"   ",
        "corpus/readme.md": b"not a txt",
        "__MACOSX/corpus/._vote.txt": b"\x00\x05\x16\x07",
        "corpus/image.txt": b"\x89PNG\r\n\x1a\n" + bytes(64),
    })
    corpus = read_documents(data, "corpus.zip")
    assert corpus.titles == ("vote", "goal", "match")  # sorted by path; empty.txt dropped
    assert list(corpus.labels) == ["politics", "sport", "sport"]
    assert corpus.n_empty == 1
    notes = " ".join(corpus.notes)
    assert "Read 4 .txt file(s)" in notes
    assert "Skipped 3 file(s): 1 binary files named .txt, 1 not .txt, 1 system files." in notes
    assert "3 UTF-8, 1 Windows-1252" in notes
    assert "café" in corpus.texts[0]


def test_zip_files_at_the_top_level_have_no_labels():
    corpus = read_documents(make_zip({"a.txt": b"alpha doc", "b.txt": b"beta doc"}), "z.zip")
    assert corpus.labels is None and corpus.titles == ("a", "b")


def test_zip_with_a_ratio_bomb_is_refused_before_extraction(never_extract):
    data = make_zip({"bomb.txt": b"0" * 60_000, "ok.txt": b"fine"})
    never_extract()
    with pytest.raises(DocumentError, match=r"compressed [\d,]+ to 1; the limit is 20 to 1"):
        read_documents(data, "bomb.zip", limits=SMALL)


def test_zip_whose_declared_size_is_too_big_is_refused_before_extraction(never_extract):
    data = make_zip({"a.txt": b"small text", "b.txt": b"other text"})
    data = patch_central(data, 24, "<I", 300_000_000)  # uncompressed size of the first entry
    never_extract()
    with pytest.raises(DocumentError, match=r"unpack to 300,000,010 bytes; the limit is "
                                            r"200,000,000 bytes"):
        read_documents(data, "big.zip")


def test_zip_bomb_over_the_total_size_with_small_limits(never_extract):
    data = make_zip({f"f{i}.txt": bytes([65 + i]) * 30_000 for i in range(4)},
                    zipfile.ZIP_STORED)
    never_extract()
    with pytest.raises(DocumentError, match=r"unpack to 120,000 bytes; the limit is 100,000"):
        read_documents(data, "z.zip", limits=DocumentLimits(max_unpacked_bytes=100_000))


def test_whole_archive_ratio_is_checked():
    members = {f"f{i}.txt": b"same words again " * 500 for i in range(8)}  # 8.5 kB each
    with pytest.raises(DocumentError, match=r"unpacks [\d,]+ times its size; the limit is 20"):
        read_documents(make_zip(members), "z.zip", limits=DocumentLimits(
            max_ratio=20, ratio_min_bytes=50_000))


def test_a_member_larger_than_declared_fails_its_checksum():
    data = make_zip({"a.txt": b"x" * 5_000, "b.txt": b"second"})
    data = patch_central(data, 24, "<I", 100)
    with pytest.raises(DocumentError, match="'a.txt' in the archive is damaged"):
        read_documents(data, "lying.zip")


def test_too_many_files_are_refused_with_the_limit():
    members = {f"d{i}.txt": b"text" for i in range(11)}
    with pytest.raises(DocumentError, match=r"holds 11 files; the limit is 10"):
        read_documents(make_zip(members), "many.zip", limits=SMALL)


def test_the_file_count_is_read_from_the_end_record_before_parsing(monkeypatch):
    data = bytearray(make_zip({"a.txt": b"one", "b.txt": b"two"}))
    end = data.rfind(b"PK\x05\x06")
    data[end + 8: end + 12] = struct.pack("<HH", 60_000, 60_000)

    def refuse(*args, **kwargs):
        raise AssertionError("the directory was parsed")
    monkeypatch.setattr(zipfile, "ZipFile", refuse)
    with pytest.raises(DocumentError, match=r"holds 60,000 files; the limit is 20,000"):
        read_documents(bytes(data), "many.zip")


@pytest.mark.parametrize("name", ["../evil.txt", "docs/../../evil.txt", "/etc/passwd.txt",
                                  "C:/Windows/x.txt", "..\\evil.txt"])
def test_path_traversal_names_refuse_the_archive(name, never_extract):
    data = make_zip({"good.txt": b"fine", name: b"evil"})
    never_extract()
    with pytest.raises(DocumentError, match="points outside the archive"):
        read_documents(data, "t.zip")


@pytest.mark.parametrize("name", ["inner.zip", "deep/data.tar", "x.txt.gz", "book.7z"])
def test_nested_archives_are_refused(name, never_extract):
    data = make_zip({"a.txt": b"fine", name: make_zip({"b.txt": b"hidden"})})
    never_extract()
    with pytest.raises(DocumentError, match="nested archives are not opened"):
        read_documents(data, "outer.zip")


def test_an_encrypted_member_is_refused(never_extract):
    data = make_zip({"a.txt": b"fine", "b.txt": b"secret"})
    data = patch_central(data, 8, "<H", 0x1, entry=1)  # general purpose flag: encrypted
    never_extract()
    with pytest.raises(DocumentError, match="'b.txt' in the archive is encrypted"):
        read_documents(data, "enc.zip")


def test_symlinks_are_skipped():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", b"alpha text")
        archive.writestr("b.txt", b"beta text")
        link = zipfile.ZipInfo("link.txt")
        link.external_attr = (0o120777 << 16)
        archive.writestr(link, b"/etc/passwd")
    corpus = read_documents(buffer.getvalue(), "l.zip")
    assert corpus.titles == ("a", "b")
    assert any("1 links" in note for note in corpus.notes)


def test_damaged_and_empty_archives_get_one_sentence():
    with pytest.raises(DocumentError, match="damaged or not a ZIP file"):
        read_documents(b"PK\x03\x04" + b"\x00" * 100, "broken.zip")
    with pytest.raises(DocumentError, match="holds no .txt files"):
        read_documents(make_zip({"a.csv": b"x,y"}), "nothing.zip")
    with pytest.raises(DocumentError, match="None of the .txt files"):
        read_documents(make_zip({"a.txt": b"\x00\x01\x02" * 10}), "bin.zip")


# --- tables ------------------------------------------------------------------------------


def test_a_table_with_text_label_and_title_columns():
    csv = (b"id,title,body,topic\n"
           b'1,First,"the cat sat on the mat",pets\n'
           b'2,Second,"the dog ate, then slept",pets\n'
           b"3,,,news\n"
           b'4,Fourth,"markets fell sharply today",news\n')
    table = load_table(csv, "docs.csv")
    assert text_columns(table.frame)[0] == "body"
    corpus = corpus_from_table(table.frame, "body", label_column="topic", title_column="title",
                               name="docs")
    assert corpus.texts == ("the cat sat on the mat", "the dog ate, then slept",
                            "markets fell sharply today")
    assert corpus.titles == ("First", "Second", "Fourth")
    assert list(corpus.labels) == ["pets", "pets", "news"]
    assert corpus.n_empty == 1


def test_a_table_with_one_label_value_is_unlabelled():
    frame = pd.DataFrame({"text": ["a b", "c d", "e f"], "label": ["x", "x", np.nan]})
    corpus = corpus_from_table(frame, "text", label_column="label")
    assert corpus.labels is None
    assert any("fewer than two distinct values" in note for note in corpus.notes)


def test_unknown_table_columns_and_too_many_rows_are_refused():
    frame = pd.DataFrame({"text": ["doc"] * 25})
    with pytest.raises(DocumentError, match="no column 'body' for the text"):
        corpus_from_table(frame, "body")
    with pytest.raises(DocumentError, match="25 documents; the limit is 20"):
        corpus_from_table(frame, "text", limits=SMALL)
