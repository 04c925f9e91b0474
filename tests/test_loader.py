"""load_table on files the corpus mentions but does not ship, and on other formats.

Every file here is generated in the test, so the loader is proven on inputs it has not
seen: other encodings, delimiters, number formats, Excel and Parquet, renamed archives,
limits and a hypothesis round trip over random dialects.
"""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clustering.loader import DEFAULT_LIMITS, Limits, TableError, load_table
from clustering.preprocess import prepare

pytestmark = pytest.mark.timeout(10)

BASE = b"f1,f2,f3,label\n0.5,9.0,-6.5,g0\n-0.5,8.8,-7.5,g0\n2.5,1.0,3.5,g1\n3.0,1.5,3.0,g1\n"


def one_sentence(message: str) -> None:
    assert "\n" not in message and message.endswith(".") and message[0].isupper()


def refuse(data: bytes, name: str = "upload.csv", **kwargs) -> str:
    with pytest.raises(TableError) as info:
        load_table(data, name, **kwargs)
    one_sentence(str(info.value))
    return str(info.value)


def base_check(table) -> None:
    assert list(table.frame.columns) == ["f1", "f2", "f3", "label"]
    assert table.frame.shape == (4, 4)
    assert table.frame["f1"].tolist() == [0.5, -0.5, 2.5, 3.0]
    assert table.default_features == ["f1", "f2", "f3"]
    assert table.label_candidates == ["label"]


# --- encodings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoded", "label"),
    [
        (BASE.decode().encode("utf-16"), "UTF-16"),
        (b"\xff\xfe" + BASE.decode().encode("utf-16-le"), "UTF-16 (LE)"),
        (b"\xfe\xff" + BASE.decode().encode("utf-16-be"), "UTF-16 (BE)"),
        (BASE.decode().encode("utf-16-le"), "UTF-16 (LE)"),  # no BOM
        (b"\xef\xbb\xbf" + BASE, "UTF-8 with a byte-order mark"),
    ],
    ids=["utf16-native", "utf16-le-bom", "utf16-be-bom", "utf16-le-nobom", "utf8-bom"],
)
def test_unicode_encodings(encoded, label):
    table = load_table(encoded, "data.csv")
    base_check(table)
    assert table.dialect["encoding"].startswith(label)


def test_cp1252_specific_characters_and_latin1_fallback():
    text = "name;wert\n€uro;1,5\nstraße;2,5\n"
    table = load_table(text.encode("cp1252"), "x.csv")
    assert table.frame["name"].tolist() == ["€uro", "straße"]
    assert table.frame["wert"].tolist() == [1.5, 2.5]
    assert any("Windows-1252" in n for n in table.notes)
    # 0x81 is undefined in cp1252, so only latin-1 can read it.
    latin = load_table("a,b\n\x81x,1\ny,2\n".encode("latin-1"), "x.csv")
    assert latin.dialect["encoding"].startswith("Latin-1")


def test_nul_bytes_in_text_are_refused():
    message = refuse(b"a,b\n1,2\n3,\x004\n" * 10)
    assert "binary data" in message


# --- dialects ----------------------------------------------------------------------------


@pytest.mark.parametrize("delim", [",", ";", "\t", "|"], ids=["comma", "semicolon", "tab", "pipe"])
@pytest.mark.parametrize("name", ["data.csv", "data.tsv", "data.txt", "no_extension"])
def test_every_delimiter_whatever_the_name(delim, name):
    table = load_table(BASE.replace(b",", delim.encode()), name)
    base_check(table)
    assert table.dialect["delimiter"] == delim


def test_decimal_comma_with_thousands_dots():
    data = b"a;b\n1.234,5;12,5\n2.000,25;-3,75\n7,0;1.000.000,0\n"
    table = load_table(data, "x.csv")
    assert table.dialect == {
        "delimiter": ";", "decimal": ",", "thousands": ".", "encoding": "UTF-8",
    }  # fmt: skip
    assert table.frame["a"].tolist() == [1234.5, 2000.25, 7.0]
    assert table.frame["b"].tolist() == [12.5, -3.75, 1_000_000.0]
    assert any("thousands separator '.'" in n for n in table.notes)


def test_decimal_comma_with_thousands_spaces():
    table = load_table(b"a;b\n1 234,5;2\n12 000;3\n5,5;4\n", "x.csv")
    assert table.dialect["thousands"] == " "
    assert table.frame["a"].tolist() == [1234.5, 12000.0, 5.5]
    assert any("thousands separator space" in n for n in table.notes)


def test_thousands_commas_in_quoted_fields():
    data = b'a,b\n"1,234.5",2\n"12,000.0",3\n"5.5",4\n'
    table = load_table(data, "x.csv")
    assert table.frame["a"].tolist() == [1234.5, 12000.0, 5.5]
    assert table.dialect["thousands"] == ","


def test_dotted_decimals_are_never_read_as_thousands():
    # "1.5" alongside "2.000,5" must not become 15.
    data = b"a;b\n2.000,5;1\n1.5;2\n"
    table = load_table(data, "x.csv")
    assert table.dialect["thousands"] is None


def test_decimal_comma_without_header():
    data = b"0,5;1,5;2,5\n1,5;2,5;3,5\n2,0;3,0;4,0\n"
    table = load_table(data, "x.csv")
    assert table.header is False
    assert table.frame["column_1"].tolist() == [0.5, 1.5, 2.0]


def test_quoted_delimiters_and_newlines_do_not_make_rows_ragged():
    data = b'id,comment,x\n1,"hello, world",1.5\n2,"two\nlines, with ""quotes""",2.5\n3,plain,3.5\n'
    table = load_table(data, "x.csv")
    assert table.frame["comment"].tolist() == [
        "hello, world", 'two\nlines, with "quotes"', "plain",
    ]  # fmt: skip
    assert table.frame["x"].tolist() == [1.5, 2.5, 3.5]


@pytest.mark.parametrize("newline", [b"\r\n", b"\r"], ids=["crlf", "cr"])
def test_windows_and_old_mac_line_endings(newline):
    base_check(load_table(BASE.replace(b"\n", newline), "x.csv"))


def test_blank_lines_are_ignored():
    data = BASE.replace(b"g0\n-0.5", b"g0\n\n\r\n-0.5") + b"\n\n"
    base_check(load_table(data, "x.csv"))


def test_whitespace_only_lines_are_blank_not_ragged():
    data = BASE.replace(b"g0\n-0.5", b"g0\n   \n \t \n-0.5") + b"  \n"
    base_check(load_table(data, "x.csv"))


def test_skipping_many_bad_lines_keeps_the_good_ones_in_order():
    good = [f"{i},{i * 0.5}" for i in range(300)]
    lines = ["a,b"] + [g if i % 3 else g + ",extra" for i, g in enumerate(good)]
    table = load_table("\n".join(lines).encode(), "x.csv", skip_bad_lines=True)
    assert table.n_skipped_lines == 100
    assert table.frame["a"].tolist() == [i for i in range(300) if i % 3]


def test_single_column_file():
    table = load_table(b"value\n1\n2.5\n4\n", "x.csv")
    assert table.frame["value"].tolist() == [1.0, 2.5, 4.0]
    assert table.default_features == ["value"]


def test_ragged_long_line_reports_physical_line_number():
    data = b'a,b\n1,"x\ny"\n2,3,4\n'
    message = refuse(data)
    assert message.startswith("Line 4 has 3 values")


def test_skip_bad_lines_counts_them():
    data = b"a,b\n1,2\n3\n4,5,6\n7,8\n"
    table = load_table(data, "x.csv", skip_bad_lines=True)
    assert table.frame.to_numpy().tolist() == [[1, 2], [7, 8]]
    assert table.n_skipped_lines == 2


def test_unclosed_quote_is_refused_plainly():
    message = refuse(b'a,b\n1,2\n3,"never closed\n5,6\n')
    assert "never closed" in message or "could not be read" in message


@pytest.mark.parametrize("data", [b"   \n\n  \r\n", b"\n"], ids=["whitespace", "newline"])
def test_whitespace_only_is_empty(data):
    assert refuse(data) == "The file is empty."


# --- header handling ---------------------------------------------------------------------


def test_header_forced_off_names_columns():
    table = load_table(BASE, "x.csv", header=False)
    assert list(table.frame.columns) == ["column_1", "column_2", "column_3", "column_4"]
    assert table.frame.shape == (5, 4)
    assert table.frame.iloc[0].tolist() == ["f1", "f2", "f3", "label"]


def test_no_header_with_a_text_column():
    table = load_table(BASE.split(b"\n", 1)[1], "x.csv")
    assert table.header is False
    assert list(table.frame.columns) == ["column_1", "column_2", "column_3", "column_4"]
    assert table.frame["column_4"].tolist() == ["g0", "g0", "g1", "g1"]
    assert table.label_candidates == ["column_4"]


def test_year_like_names_stay_a_header():
    table = load_table(b"country,2019,2020\nNorway,1.5,2.5\nPeru,3.0,4.5\n", "x.csv")
    assert table.header is True
    assert list(table.frame.columns) == ["country", "2019", "2020"]


@pytest.mark.parametrize("hint", [b"sep=,", b"SEP=;", b'"sep=|"'])
def test_excel_sep_hint_line_names_the_delimiter(hint):
    delim = hint.strip(b'"')[-1:]
    table = load_table(hint + b"\r\n" + BASE.replace(b",", delim), "x.csv")
    base_check(table)
    assert any("named the delimiter" in n for n in table.notes)


def test_title_lines_above_the_table_are_skipped():
    data = b"Sales report 2024\nExported by someone\n" + BASE
    table = load_table(data, "x.csv")
    base_check(table)
    assert any("Skipped 2 lines above the table" in n for n in table.notes)
    ragged = b"Title\n" + BASE + b"1,2\n"
    assert refuse(ragged).startswith("Line 7 has 2 values")  # counted in the original file


def test_xlsx_title_rows_are_skipped():
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        _base_frame().to_excel(writer, sheet_name="S", index=False, startrow=2)
        writer.sheets["S"]["A1"] = "Quarterly numbers"
    table = load_table(buf.getvalue(), "book.xlsx")
    base_check(table)
    assert any("Skipped 1 row above the table" in n for n in table.notes)


def test_blank_and_duplicate_names():
    data = b"a,,a,a (2), \n1,2,3,4,5\n6,7,8,9,10\n"
    table = load_table(data, "x.csv")
    assert list(table.frame.columns) == ["a", "column_2", "a (3)", "a (2)", "column_5"]
    assert any("Blank column names" in n for n in table.notes)
    assert any("Duplicate column names" in n for n in table.notes)


def test_two_rows():
    table = load_table(b"f1,f2\n1.0,2.0\n4.0,0.5\n", "two_rows.csv")
    assert table.frame.shape == (2, 2) and table.default_features == ["f1", "f2"]
    assert prepare(table.frame, ["f1", "f2"]).n_distinct == 2


def test_all_constant():
    data = b"a,b\n" + b"1.5,2\n" * 10
    table = load_table(data, "all_constant.csv")
    assert table.default_features == ["a", "b"]
    assert any("cannot be told apart" in n for n in table.notes)
    assert prepare(table.frame, ["a", "b"], scaling="standard").n_distinct == 1


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
    assert "20 cells" in message and "limit of 10" in message and "CSV" in message


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


def test_big_file_is_fast_enough():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(100_000, 10)), columns=[f"c{i}" for i in range(10)])
    data = frame.to_csv(index=False, float_format="%.5f").encode()
    table = load_table(data, "big.csv")  # the 10 s timeout bounds it; typically ~0.1 s
    assert table.frame.shape == (100_000, 10)
    assert prepare(table.frame, table.default_features).X.shape == (100_000, 10)


# --- property: random tables survive any dialect -----------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.lists(
        st.lists(st.floats(-1e6, 1e6, allow_nan=False).map(lambda v: round(v, 3)),
                 min_size=3, max_size=3),
        min_size=2, max_size=30,
    ),
    delim=st.sampled_from([",", ";", "\t", "|"]),
    decimal_comma=st.booleans(),
    labels=st.lists(st.sampled_from(["a", "b", "c d", 'q"x', "x,y"]), min_size=30, max_size=30),
)  # fmt: skip
def test_random_tables_round_trip(values, delim, decimal_comma, labels):
    decimal = "," if decimal_comma and delim != "," else "."
    frame = pd.DataFrame(values, columns=["alpha", "beta", "gamma"])
    frame["tag"] = labels[: len(frame)]
    data = frame.to_csv(index=False, sep=delim, decimal=decimal).encode()
    table = load_table(data, "random.csv")
    assert list(table.frame.columns) == ["alpha", "beta", "gamma", "tag"]
    np.testing.assert_allclose(
        table.frame[["alpha", "beta", "gamma"]].to_numpy(dtype=float), frame.iloc[:, :3]
    )
    assert table.frame["tag"].tolist() == frame["tag"].tolist()


def test_stray_quotes_inside_cells_are_text_like_pandas_reads_them():
    data = b'item,size\n15" screen,2\nshelf 6\'11",4\nplain,5\n"q""x",6\n'
    table = load_table(data, "x.csv")
    assert table.frame["item"].tolist() == ['15" screen', "shelf 6'11\"", "plain", 'q"x']
    assert table.frame["size"].tolist() == [2, 4, 5, 6]


def test_stray_quote_with_a_really_long_line():
    data = b'item,size\n15" screen,2\nshelf,4,9\nplain,5\n'
    assert refuse(data).startswith("Line 3 has 3 values but the first line has 2")
    table = load_table(data, "x.csv", skip_bad_lines=True)
    assert table.frame["item"].tolist() == ['15" screen', "plain"]
    assert table.n_skipped_lines == 1
    assert any("Skipped 1 line " in n and "line 3" in n for n in table.notes)


def test_mixed_line_endings():
    data = b"a,b\r\n1,2\r3,4\n5,6\r\n"
    table = load_table(data, "x.csv")
    assert table.frame.to_numpy().tolist() == [[1, 2], [3, 4], [5, 6]]
    assert refuse(b"a,b\r\n1,2\r3,4,5\n").startswith("Line 3 has 3 values")


def test_one_value_is_singular():
    assert refuse(b"a,b\n1,2\n3\n").startswith("Line 3 has 1 value but")


@pytest.mark.parametrize(
    "data",
    [b'a,b\n15" screen,2\n3,4\n', b'size",b\n1,2\n3,4\n'],
    ids=["stray-quote-in-data", "stray-quote-in-header"],
)
def test_a_stray_quote_does_not_swallow_the_rest_of_the_file(data):
    assert load_table(data, "x.csv").frame.shape == (2, 2)


def test_mostly_utf8_with_a_damaged_byte_keeps_utf8():
    text = "name,x\n" + "".join(f"Zürich {i},{i}.5\n" for i in range(30))
    data = text.encode("utf-8") + b"K\xf6ln,99.5\n"  # one cp1252 byte pasted in
    table = load_table(data, "x.csv")
    assert table.dialect["encoding"] == "UTF-8"
    assert table.frame["name"].iloc[0] == "Zürich 0"
    assert table.frame["name"].iloc[-1] == "K\ufffdln"
    assert any("1 damaged character that was not valid UTF-8" in n for n in table.notes)


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
    from clustering import loader

    def broken(*args, **kwargs):
        raise KeyError("surprise")

    monkeypatch.setattr(loader, "read_text", broken)
    with pytest.raises(TableError, match="may be damaged or in an unusual format") as info:
        load_table(BASE, "x.csv")
    assert isinstance(info.value.__cause__, KeyError)
