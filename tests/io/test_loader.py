"""load_table on delimited text the corpus mentions but does not ship.

Every file here is generated in the test, so the loader is proven on inputs it has not
seen: other encodings, delimiters, number formats, headers, ragged and stray-quote lines,
title lines, and a hypothesis round trip over random dialects. Excel, Parquet, wrong
formats and limits are in test_loader_formats.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clustering.data._prepare import prepare
from clustering.io._loader import load_table
from tests.conftest import LOADER_BASE as BASE
from tests.conftest import base_check, refuse

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
