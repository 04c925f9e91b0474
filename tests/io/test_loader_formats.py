"""load_table on other formats: Excel and Parquet, renamed or damaged files, limits.

Every file is generated in the test, so the loader is proven on inputs it has not seen.
"""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pandas as pd
import pytest

from clustering.data._prepare import prepare
from clustering.io._loader import DEFAULT_LIMITS, Limits, TableError, load_table
from tests.conftest import LOADER_BASE as BASE
from tests.conftest import base_check, refuse

# --- wrong formats -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "what"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(40), "a PNG image"),
        (b"\xff\xd8\xff\xe0" + bytes(40), "a JPEG image"),
        (b"GIF89a" + bytes(40), "a GIF image"),
        (b"%PDF-1.7\n%...", "a PDF document"),
        (b"\x7fELF\x02\x01\x01" + bytes(40), "a program (ELF executable)"),
        (b"\x1f\x8b\x08\x00" + bytes(40), "a gzip-compressed file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(40), "an old Excel 97-2003 (.xls)"),
        (b"<!DOCTYPE html><html><body>404</body></html>", "a web page (HTML)"),
    ],
    ids=["png", "jpeg", "gif", "pdf", "elf", "gzip", "xls", "html"],
)
def test_other_formats_renamed_csv_are_refused_by_name(head, what):
    message = refuse(head, "data.csv")
    assert message.startswith(f"This looks like {what}")


@pytest.mark.parametrize("head", [b"MZ", b"PK", b"PAR1", b"RIFF", b"BM", b"ID3", b"BZh", b"OggS"])
def test_csv_headers_that_spell_a_magic_number_still_load(head):
    data = head + b",other\n1.5,2\n2.5,3\n3.5,1\n"
    table = load_table(data, "x.csv")
    assert list(table.frame.columns) == [head.decode(), "other"]
    assert table.frame.shape == (3, 2)


def test_json_is_refused_by_name():
    assert refuse(b'[{"a": 1, "b": 2}, {"a": 3, "b": 4}]') == (
        "This looks like a JSON file, not a CSV file."
    )
    # A bracketed header that is not JSON is just a header.
    assert list(load_table(b"[a],[b]\n1,2\n", "x.csv").frame.columns) == ["[a]", "[b]"]


def test_refusal_names_what_the_upload_claimed_to_be():
    png = b"\x89PNG\r\n\x1a\n" + bytes(40)
    assert refuse(png, "book.xlsx") == "This looks like a PNG image, not an Excel workbook."
    assert refuse(png, "t.parquet") == "This looks like a PNG image, not a Parquet file."


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buf.getvalue()


def test_zipped_csv_renamed_is_refused():
    message = refuse(_zip({"data.csv": BASE}), "csv_renamed.csv")
    assert "ZIP archive" in message and "unzip" in message


def test_word_document_is_refused():
    data = _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"})
    assert "Word document" in refuse(data, "x.xlsx")


def test_damaged_zip_is_refused():
    assert "damaged ZIP" in refuse(b"PK\x03\x04garbage" + bytes(30), "x.xlsx")


# --- Excel and Parquet -------------------------------------------------------------------


def _xlsx(sheets: dict[str, pd.DataFrame], header: bool = True) -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False, header=header)
    return buf.getvalue()


def _base_frame() -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(BASE))


def test_xlsx_round_trip_first_and_chosen_sheet():
    other = pd.DataFrame({"p": [1.5, 2.5, 3.5], "q": ["a", "b", "a"]})
    data = _xlsx({"Data": _base_frame(), "Other": other})
    table = load_table(data, "book.xlsx")
    base_check(table)
    assert table.sheet_names == ["Data", "Other"]
    assert table.source_format == "xlsx" and table.dialect == {"sheet": "Data"}
    by_name = load_table(data, "book.xlsx", sheet="Other")
    by_index = load_table(data, "book.xlsx", sheet=1)
    for table in (by_name, by_index):
        assert table.frame["p"].tolist() == [1.5, 2.5, 3.5]
        assert table.label_candidates == ["q"]
    assert "no sheet named 'Nope'" in refuse(data, "book.xlsx", sheet="Nope")
    assert "no sheet number 5" in refuse(data, "book.xlsx", sheet=4)


def test_xlsx_renamed_csv_is_read_by_content():
    table = load_table(_xlsx({"S": _base_frame()}), "data.csv")
    base_check(table)
    assert any("ends in .csv" in n for n in table.notes)


def test_text_renamed_xlsx_is_read_as_text():
    table = load_table(BASE, "data.xlsx")
    base_check(table)
    assert any("ends in .xlsx" in n for n in table.notes)


def test_xlsx_numeric_first_row_dates_and_bools():
    frame = pd.DataFrame({
        "x": [1.5, 2.0, 3.0, 4.0, 5.0, 6.0],
        "when": pd.date_range("2024-01-01", periods=6),
        "ok": [True, False, True, True, False, False],
        "y": [3.0, 1.0, 2.0, 5.0, 4.0, 0.5],
    })  # fmt: skip
    table = load_table(_xlsx({"S": frame}), "book.xlsx")
    assert table.default_features == ["x", "y"]
    assert table.excluded["when"] == "dates or times"
    assert table.excluded["ok"] == "true/false values"
    headless = load_table(_xlsx({"S": frame[["x", "y"]]}, header=False), "book.xlsx")
    assert headless.header is False and headless.frame.shape == (6, 2)


def test_xlsx_unpack_limit():
    data = _xlsx({"S": _base_frame()})
    message = refuse(data, "book.xlsx", limits=Limits(max_unpacked_bytes=1000))
    assert "unpacks to" in message and "limit" in message


def test_xlsx_cell_limit():
    data = _xlsx({"S": _base_frame()})
    message = refuse(data, "book.xlsx", limits=Limits(max_excel_cells=10))
    # Counted while streaming: the read stops at the 11th cell, so the total is never known.
    assert "more than the Excel limit of 10 cells" in message and "CSV" in message


def test_empty_xlsx_sheet():
    assert "is empty" in refuse(_xlsx({"S": pd.DataFrame()}), "book.xlsx")


def test_parquet_round_trip_and_limits():
    frame = _base_frame()
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    table = load_table(buf.getvalue(), "data.parquet")
    base_check(table)
    assert table.source_format == "parquet"
    message = refuse(buf.getvalue(), "d.parquet", limits=Limits(max_rows=2))
    assert "4 rows" in message and "2" in message
    assert "incomplete" in refuse(buf.getvalue()[:-10], "d.parquet")


# --- limits ------------------------------------------------------------------------------


def test_byte_row_and_column_limits_refused_with_numbers():
    message = refuse(BASE, limits=Limits(max_bytes=50))
    assert f"{len(BASE) / 1e6:,.1f} MB" in message and "0.0 MB" in message
    assert refuse(BASE, limits=Limits(max_rows=3)) == (
        "The file has 4 rows, more than the limit of 3."
    )
    assert refuse(BASE, limits=Limits(max_columns=3)) == (
        "The file has 4 columns, more than the limit of 3."
    )
    assert DEFAULT_LIMITS.max_columns == 500


def test_not_bytes_is_a_type_error():
    with pytest.raises(TypeError, match="data must be bytes"):
        load_table("a,b\n1,2\n", "x.csv")


def test_big_file_loads_every_row():
    """Its speed is measured in benchmarks/bench_loader.py (500,000 rows), not here."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(100_000, 10)), columns=[f"c{i}" for i in range(10)])
    data = frame.to_csv(index=False, float_format="%.5f").encode()
    table = load_table(data, "big.csv")
    assert table.frame.shape == (100_000, 10)
    assert prepare(table.frame, table.default_features).X.shape == (100_000, 10)


def test_xlsx_title_rows_are_skipped():
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        _base_frame().to_excel(writer, sheet_name="S", index=False, startrow=2)
        writer.sheets["S"]["A1"] = "Quarterly numbers"
    table = load_table(buf.getvalue(), "book.xlsx")
    base_check(table)
    assert any("Skipped 1 row above the table" in n for n in table.notes)


def test_zip_with_an_unsupported_version_is_refused():
    data = bytearray(_zip({"data.csv": BASE}))
    central = data.find(b"PK\x01\x02")
    data[central + 6 : central + 8] = (200).to_bytes(2, "little")  # "version needed"
    assert "ZIP archive" in refuse(bytes(data), "x.csv")


def test_parquet_with_invalid_utf8_strings_is_refused():
    import pyarrow as pa
    import pyarrow.parquet as pq

    broken = pa.array([b"ok", b"\xff\xfe", b"x"], pa.binary()).view(pa.string())
    buf = io.BytesIO()
    pq.write_table(pa.table({"s": broken, "x": [1.0, 2.0, 3.0]}), buf)
    assert refuse(buf.getvalue(), "t.parquet") == (
        "This Parquet file could not be read; it may be damaged."
    )


def test_unexpected_reader_failures_still_become_one_sentence(monkeypatch):
    from clustering.io import _loader as loader
    def broken(*args, **kwargs):
        raise KeyError("surprise")

    monkeypatch.setattr(loader, "read_text", broken)
    with pytest.raises(TableError, match="may be damaged or in an unusual format") as info:
        load_table(BASE, "x.csv")
    assert isinstance(info.value.__cause__, KeyError)
