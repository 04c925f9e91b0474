"""Files built to exhaust the server: each is refused with its limit, read within bounds.

Every file is generated here (tests/io/hostile.py): small on disk, huge unpacked. Memory is
measured with tracemalloc on the in-process path (``Limits(isolate=False)``), so the reader
itself is shown to be bounded; the child-process path is checked to give the same sentence.
"""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest

from clustering.io import Limits, TableError, load_table
from tests.io.hostile import empty_rows_xlsx, numbers_xlsx, sheet, xlsx, zip_bomb_mimetype

IN_PROCESS = Limits(isolate=False)


def refused(data: bytes, name: str = "book.xlsx", limits: Limits = IN_PROCESS) -> str:
    with pytest.raises(TableError) as info:
        load_table(data, name, limits=limits)
    message = str(info.value)
    assert "\n" not in message and message.endswith(".") and message[0].isupper()
    return message


def peak_mb(call) -> float:
    """Peak Python-tracked allocation (MB) while ``call()`` runs."""
    tracemalloc.start()
    try:
        call()
    except TableError:
        pass
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak / 1e6


# --- the blocker: an .xlsx of empty rows ---------------------------------------------------


def test_empty_rows_bomb_is_refused_by_counting_rows():
    data = empty_rows_xlsx(2_000_000)  # 19 KB on disk, 12 MB of XML, no <dimension>
    assert len(data) < 50_000
    message = refused(data)
    assert message == (
        "The sheet 'Sheet1' has more than 1,000,000 rows (counting empty ones), the limit."
    )


def test_empty_rows_bomb_is_read_in_bounded_memory():
    data = empty_rows_xlsx(2_000_000)
    # openpyxl kept every parsed row element: 5.6 GB for 60 million. The stream keeps none.
    assert peak_mb(lambda: load_table(data, "book.xlsx", limits=IN_PROCESS)) < 30


def test_empty_rows_bomb_in_the_child_gives_the_same_sentence():
    message = refused(empty_rows_xlsx(2_000_000), limits=Limits())
    assert "more than 1,000,000 rows (counting empty ones)" in message


def test_row_limit_counts_empty_rows_with_its_number():
    message = refused(empty_rows_xlsx(5_000), limits=Limits(max_rows=1_000, isolate=False))
    assert "more than 1,000 rows (counting empty ones)" in message


def test_a_huge_part_is_refused_before_unpacking():
    data = empty_rows_xlsx(500_000)  # 3 MB of sheet XML
    message = refused(data, limits=Limits(max_member_bytes=1_000_000, isolate=False))
    assert message == (
        "A part of this Excel file unpacks to 3 MB, more than the limit of 1 MB per part."
    )


# --- major: the ZIP bomb in `mimetype` -----------------------------------------------------


def test_mimetype_zip_bomb_is_sniffed_from_a_bounded_prefix():
    data = zip_bomb_mimetype(100_000_000)  # about 100 KB on disk
    assert len(data) < 200_000
    message = refused(data)
    assert message == "This looks like a ZIP archive, not an Excel workbook; unzip it first."
    # archive.read("mimetype") unpacked all 100 MB before looking at 100 bytes of it.
    assert peak_mb(lambda: load_table(data, "book.xlsx", limits=IN_PROCESS)) < 10


def test_opendocument_is_still_named_from_its_mimetype():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("mimetype", b"application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", b"<x/>")
    assert "OpenDocument spreadsheet (.ods)" in refused(buf.getvalue(), "t.ods")


# --- streaming limits: cells, shared strings, columns, time ---------------------------------


def test_cell_limit_counts_elements_while_reading():
    message = refused(numbers_xlsx(100), limits=Limits(max_excel_cells=50, isolate=False))
    assert message == (
        "The sheet 'Sheet1' has more than the Excel limit of 50 cells; save it as CSV, "
        "which loads faster."
    )


def test_shared_string_limit():
    strings = b"".join(b"<si><t>s%d</t></si>" % i for i in range(50))
    sst = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + strings
    data = xlsx(sheet([b'<row><c t="s"><v>0</v></c></row>']), shared_strings=sst + b"</sst>")
    message = refused(data, limits=Limits(max_shared_strings=10, isolate=False))
    assert message == (
        "This Excel file has more than 10 shared text values, the limit; save it as CSV."
    )


def test_a_value_beyond_the_column_limit_is_refused_with_its_column():
    row = b'<row r="1"><c r="A1"><v>1</v></c><c r="ZZ1"><v>2</v></c></row>'
    message = refused(xlsx(sheet([row, row.replace(b'"1"', b'"2"')])))
    assert message == (
        "The sheet 'Sheet1' has a value in column 702, more than the limit of 500 columns."
    )


def test_reading_time_is_limited_while_reading():
    data = empty_rows_xlsx(2_000_000)
    limits = Limits(max_seconds=0.01, max_rows=10_000_000, isolate=False)
    assert refused(data, limits=limits) == (
        "Reading this Excel file took more than 0.01 s, the limit; save it as CSV, which "
        "loads faster."
    )


def test_a_document_type_declaration_is_refused():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    data = xlsx([laughs, b"<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&lol2;</t>"
                 b"</is></c></row></sheetData></worksheet>"])
    assert "declares a document type" in refused(data)


# --- <dimension> is never trusted ----------------------------------------------------------


def test_dimension_a1_with_100_data_rows_reads_them_all():
    table = load_table(numbers_xlsx(100, dimension="A1"), "book.xlsx")
    assert table.frame.shape == (100, 2)
    assert list(table.frame.columns) == ["a", "b"]
    assert table.frame["a"].iloc[-1] == 101.5


def test_dimension_a1_b2_with_many_rows_reads_them_all_or_refuses_with_a_number():
    data = numbers_xlsx(5_000, dimension="A1:B2")
    assert load_table(data, "book.xlsx").frame.shape == (5_000, 2)
    message = refused(data, limits=Limits(max_rows=1_000, isolate=False))
    assert "more than 1,000 rows" in message


# --- what the stream reads is what Excel wrote ---------------------------------------------


def test_prefixed_names_inline_strings_gaps_and_types():
    main = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rows = [
        b'<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>name</x:t></x:is></x:c>'
        b'<x:c r="C1" t="inlineStr"><x:is><x:t>value</x:t></x:is></x:c>'
        b'<x:c r="D1" t="inlineStr"><x:is><x:t>ok</x:t></x:is></x:c></x:row>',
        b'<x:row r="3"><x:c r="A3" t="str"><x:f>A1</x:f><x:v>a_x000D_b</x:v></x:c>'
        b'<x:c r="C3"><x:v>1.5</x:v></x:c><x:c r="D3" t="b"><x:v>1</x:v></x:c></x:row>',
        b'<x:row r="4"><x:c r="A4" t="e"><x:v>#N/A</x:v></x:c>'
        b'<x:c r="C4"><x:v>2</x:v></x:c><x:c r="D4" t="b"><x:v>0</x:v></x:c></x:row>',
    ]
    head = b'<?xml version="1.0"?><x:worksheet xmlns:x="' + main + b'"><x:sheetData>'
    data = xlsx([head, *rows, b"</x:sheetData></x:worksheet>"])
    table = load_table(data, "book.xlsx")
    assert list(table.frame.columns) == ["name", "value", "ok"]  # the empty column B dropped
    assert table.frame["name"].tolist() == ["a\rb", "#N/A"]
    assert table.frame["value"].tolist() == [1.5, 2.0]
    assert table.frame["ok"].tolist() == [True, False]


# --- Parquet: declared and decoded sizes, and time ------------------------------------------


def _repeated_text_parquet(n_rows: int, width: int) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    column = pa.array(["x" * width] * n_rows)  # stored dictionary-encoded, read as strings
    pq.write_table(pa.table({"s": column, "v": pa.array(range(n_rows))}), buf)
    return buf.getvalue()


def test_parquet_that_decodes_to_more_than_the_limit_is_refused():
    data = _repeated_text_parquet(100_000, 1_000)  # about 100 MB of text decoded
    assert len(data) < 1_000_000
    message = refused(data, "t.parquet", Limits(max_unpacked_bytes=10_000_000, isolate=False))
    assert message.startswith("This Parquet file unpacks to") and "the limit" in message
    assert "10 MB" in message


def test_parquet_reading_time_is_limited_between_batches():
    data = _repeated_text_parquet(200_000, 1)
    message = refused(data, "t.parquet", Limits(max_seconds=1e-9, isolate=False))
    assert message == (
        "Reading this Parquet file took more than 1e-09 s, the limit; save it as CSV, which "
        "loads faster."
    )
