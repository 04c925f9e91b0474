"""Every CSV/TSV in the shared nasty-input corpus behaves as EXPECTED.md asks.

The corpus lives beside the repository (``<repo>/../shared/corpus``; ``tests.conftest.corpus_dir``
finds it, skips without it and fails under ``CI=true``). Each test checks the promised
behaviour, not only the absence of an exception.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest

from clustering.data._export import labeled_csv
from clustering.data._prepare import prepare
from clustering.io._loader import Limits, TableError, load_table
from tests.conftest import corpus_dir, corpus_file, one_sentence

BASE_COLUMNS = ["f1", "f2", "f3", "label"]


def load(name: str, **kwargs):
    path = corpus_file(name)
    return load_table(path.read_bytes(), path.name, **kwargs)


def refused(name: str, **kwargs) -> str:
    with pytest.raises(TableError) as info:
        load(name, **kwargs)
    message = str(info.value)
    one_sentence(message)
    assert "Error" not in message  # no exception class names
    return message


def baseline_frame() -> pd.DataFrame:
    return pd.read_csv(corpus_file("good_baseline.csv"))


def test_every_csv_and_tsv_in_the_corpus_has_a_test():
    tested = {
        "all_text.csv", "binary_renamed.csv", "constant_column.csv", "duplicate_columns.csv",
        "empty.csv", "formula_injection.csv", "good_baseline.csv", "header_only.csv",
        "html_in_header.csv", "identical_rows.csv", "inf_values.csv", "latin1.csv",
        "nan_column.csv", "no_header.csv", "one_row.csv", "ragged_rows.csv",
        "semicolon_decimal_comma.csv", "tab_separated.tsv", "utf8_bom.csv",
        "wide_2000_cols.csv",
    }  # fmt: skip
    present = {p.name for p in corpus_dir().iterdir() if p.suffix in {".csv", ".tsv"}}
    assert present <= tested, f"untested corpus files: {sorted(present - tested)}"


def test_good_baseline():
    table = load("good_baseline.csv")
    assert table.frame.shape == (60, 4)
    assert list(table.frame.columns) == BASE_COLUMNS
    assert table.default_features == ["f1", "f2", "f3"]
    assert table.numeric_columns == ["f1", "f2", "f3"]
    assert table.label_candidates == ["label"]
    assert "label" in table.excluded
    assert any("delimiter ','" in n for n in table.notes)
    prepared = prepare(table.frame, table.default_features, "label")
    assert prepared.X.shape == (60, 3)
    assert set(prepared.true_labels) == {"g0", "g1", "g2"}


def test_semicolon_decimal_comma_matches_baseline():
    table = load("semicolon_decimal_comma.csv")
    assert list(table.frame.columns) == BASE_COLUMNS
    assert table.dialect["delimiter"] == ";" and table.dialect["decimal"] == ","
    assert any("delimiter ';', decimal ','" in n for n in table.notes)
    for col in ["f1", "f2", "f3"]:
        assert table.frame[col].dtype == np.float64
    pd.testing.assert_frame_equal(table.frame, baseline_frame(), check_dtype=False)


@pytest.mark.parametrize("name", ["tab_separated.tsv", "tab_separated_named.csv", "data.txt"])
def test_tab_separated_whatever_the_name(name):
    data = corpus_file("tab_separated.tsv").read_bytes()
    table = load_table(data, name)
    assert table.dialect["delimiter"] == "\t"
    assert any("delimiter tab" in n for n in table.notes)
    pd.testing.assert_frame_equal(table.frame, baseline_frame(), check_dtype=False)
    assert table.default_features == ["f1", "f2", "f3"]


def test_utf8_bom_is_stripped():
    table = load("utf8_bom.csv")
    assert table.frame.columns[0] == "f1"
    assert not any("\ufeff" in c for c in table.frame.columns)
    assert "byte-order mark" in table.dialect["encoding"]


def test_latin1_falls_back_and_says_so():
    table = load("latin1.csv")
    assert list(table.frame.columns) == ["größe", "gewicht", "höhe", "stadt"]
    assert set(table.frame["stadt"]) == {"Köln", "Zürich", "Malmö"}
    assert any("Windows-1252" in n for n in table.notes)
    assert table.default_features == ["größe", "gewicht", "höhe"]
    assert table.label_candidates == ["stadt"]


def test_empty_file_is_refused():
    assert refused("empty.csv") == "The file is empty."


def test_header_only_is_refused():
    assert "header but no data rows" in refused("header_only.csv")


def test_one_row_loads_and_prepares():
    table = load("one_row.csv")
    assert table.frame.shape == (1, 4)
    assert table.default_features == ["f1", "f2", "f3"]
    prepared = prepare(table.frame, table.default_features, "label")
    assert prepared.X.tolist() == [[1.0, 2.0, 3.0]]
    assert prepared.n_distinct == 1  # the K cap the UI applies


def test_no_header_detected_and_overridable():
    table = load("no_header.csv")
    assert table.header is False
    assert list(table.frame.columns) == ["column_1", "column_2", "column_3"]
    assert table.frame.shape == (60, 3)
    assert table.frame.iloc[0, 0] == pytest.approx(0.5306)
    assert any("first row is header" in n for n in table.notes)
    forced = load("no_header.csv", header=True)
    assert forced.frame.shape == (59, 3)
    assert list(forced.frame.columns) == ["0.5306", "9.0377", "-6.5701"]


def test_ragged_rows_refused_with_line_number_or_skipped():
    message = refused("ragged_rows.csv")
    assert message.startswith("Line 3 has 2 values but the first line has 3")
    table = load("ragged_rows.csv", skip_bad_lines=True)
    assert table.frame.to_numpy().tolist() == [[1, 2, 3], [10, 11, 12]]
    assert table.n_skipped_lines == 2
    assert any("Skipped 2 lines" in n and "line 3" in n for n in table.notes)


def test_duplicate_columns_made_unique_visibly():
    table = load("duplicate_columns.csv")
    assert list(table.frame.columns) == ["x", "x (2)", "y", "x (3)"]
    assert any("Duplicate column names" in n for n in table.notes)
    raw = pd.read_csv(corpus_file("duplicate_columns.csv"))
    np.testing.assert_array_equal(table.frame.to_numpy(), raw.to_numpy())


def test_wide_file_refused_with_its_number():
    message = refused("wide_2000_cols.csv")
    assert "2,000 columns" in message and "500" in message


def test_wide_file_with_a_higher_cap_preselects_few_features():
    table = load("wide_2000_cols.csv", limits=Limits(max_columns=5000))
    assert table.frame.shape == (8, 2000)
    assert len(table.default_features) == 50
    assert any("first 50 of 2,000" in n for n in table.notes)


def test_all_text_loads_but_cannot_be_prepared():
    table = load("all_text.csv")
    assert table.numeric_columns == []
    assert table.default_features == []
    # "name" differs in every row: offered too, with a warning when chosen (issue 16).
    assert set(table.label_candidates) == {"colour", "city", "name"}
    for features in ([], ["name"], ["colour", "city"]):
        with pytest.raises(TableError, match="no numeric columns; these columns are text: "):
            prepare(table.frame, features)
    with pytest.raises(TableError) as info:
        prepare(table.frame, [])
    assert all(name in str(info.value) for name in ["name", "colour", "city"])


def test_nan_column_is_dropped_and_reported():
    table = load("nan_column.csv")
    assert "empty" not in table.frame.columns
    assert table.default_features == ["f1", "f2", "f3"]
    assert any("Dropped 1 empty column: 'empty'" in n for n in table.notes)
    prepared = prepare(table.frame, table.default_features)
    assert np.isfinite(prepared.X).all() and prepared.X.shape == (60, 3)


def test_inf_values_become_missing_and_are_reported():
    table = load("inf_values.csv")
    assert not np.isinf(table.frame[["f1", "f2", "f3"]].to_numpy()).any()
    assert table.frame["f2"].isna().sum() == 3
    assert any("3 infinite values" in n for n in table.notes)
    prepared = prepare(table.frame, table.default_features)
    assert prepared.X.shape == (57, 3) and np.isfinite(prepared.X).all()
    assert 3 not in prepared.row_index and 7 not in prepared.row_index
    assert any("Dropped 3 of 60 rows" in n for n in prepared.notes)
    imputed = prepare(table.frame, table.default_features, missing="median")
    assert imputed.X.shape == (60, 3) and np.isfinite(imputed.X).all()


def test_constant_column_warned_and_scales_to_zero():
    table = load("constant_column.csv")
    assert table.default_features == ["f1", "f2"]
    assert "carries no information" in table.excluded["const"]
    assert any("'const'" in n and "carries no information" in n for n in table.notes)
    for scaling in ["standard", "minmax", "robust"]:
        prepared = prepare(table.frame, ["f1", "const", "f2"], scaling=scaling)
        assert np.isfinite(prepared.X).all()
        assert (prepared.X[:, 1] == 0).all()


def test_identical_rows_have_one_distinct_point():
    table = load("identical_rows.csv")
    assert table.frame.shape == (40, 3)
    assert table.default_features == ["f1", "f2", "f3"]  # kept so the K cap is what blocks
    prepared = prepare(table.frame, table.default_features, scaling="standard")
    assert prepared.n_distinct == 1
    assert np.isfinite(prepared.X).all()


def test_formula_injection_loads_as_data_and_exports_neutralized():
    table = load("formula_injection.csv")
    names = list(table.frame["name"])
    assert names[0] == "=1+1" and names[5] == "\t=1+2" and names[6] == "\r=1+2"
    assert names[1].startswith("=HYPERLINK(")
    assert table.default_features[:1] == ["x"]
    prepared = prepare(table.frame, ["x", "y"], "name")
    out = labeled_csv(table.frame, prepared.row_index, np.zeros(len(prepared.row_index), int))
    rows = list(csv.reader(io.StringIO(out.decode("utf-8-sig"), newline="")))
    assert len(rows) == 9  # the \r cell did not break the file
    cells = [r[0] for r in rows[1:]]
    assert cells[:7] == ["'" + n for n in names[:7]]
    assert cells[7] == "normal"
    back = pd.read_csv(io.BytesIO(out))
    assert pd.api.types.is_numeric_dtype(back["x"].dtype)
    assert back["x"].tolist() == table.frame["x"].tolist()


def test_html_in_header_kept_as_literal_text():
    table = load("html_in_header.csv")
    expected = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(2)>",
        '<a href="javascript:alert(3)">x</a>',
        '<b style="font-size:300px">big</b>',
        "[md](javascript:alert(4)) ![t](https://attacker.example/t.png)",
    ]
    assert list(table.frame.columns) == expected
    assert table.default_features == expected
    prepared = prepare(table.frame, expected, scaling="minmax")
    assert prepared.feature_names == expected
    header = next(
        csv.reader(
            io.StringIO(
                labeled_csv(table.frame, prepared.row_index, np.zeros(60, int)).decode("utf-8-sig")
            )
        )
    )
    assert header[:5] == expected


def test_binary_renamed_refused_by_name():
    assert refused("binary_renamed.csv") == "This looks like a PNG image, not a CSV file."


@pytest.mark.parametrize(
    "name", ["cmyk.jpg", "good_rgb_64.png", "rgba.png", "truncated.png", "decompression_bomb.png"]
)
def test_images_renamed_are_refused(name):
    data = corpus_file(name).read_bytes()
    with pytest.raises(TableError, match=r"^This looks like a (PNG|JPEG) image, not a CSV file\.$"):
        load_table(data, "renamed.csv")
