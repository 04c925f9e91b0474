"""Issue 16's minor items, each on the named file: the shared corpus's copy when it has one,
else the file generated here as the issue describes it."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest

from clustering.data import labeled_csv, prepare
from clustering.evaluation import hover_lines
from clustering.io import TableError, _text, load_table
from clustering.text import MAX_HOVER_LINE, MAX_LABEL_LENGTH, escape_lines
from tests.conftest import corpus_dir
from tests.io.hostile import named


def test_unbalanced_quote_names_the_line_whatever_pandas_says(monkeypatch):
    data = named("unbalanced_quote.csv")
    with pytest.raises(TableError) as info:
        load_table(data, "unbalanced_quote.csv")
    message = str(info.value)
    assert message.startswith("A quoted value that starts on line ")
    assert message.endswith(" is never closed.") and "rror" not in message
    if not (corpus_dir() / "unbalanced_quote.csv").exists():
        assert message == "A quoted value that starts on line 3 is never closed."
    # pandas 2 said "at line 2", pandas 3 says "at row 2": neither wording is read.
    for wording in ("EOF inside string starting at line 99", "EOF inside string at row 99"):
        def fail(*args, wording=wording, **kwargs):
            raise pd.errors.ParserError(f"Error tokenizing data. C error: {wording}")

        monkeypatch.setattr(_text.pd, "read_csv", fail)
        with pytest.raises(TableError, match="^A quoted value that starts on line") as again:
            load_table(data, "unbalanced_quote.csv")
        assert str(again.value) == message


def test_long_text_is_cut_where_shown_and_kept_whole_in_exports():
    cell = "x" * 150_031
    header = "h" * 5_000
    frame = pd.DataFrame({header: [1.5, 2.5, 3.5], "note": [cell, "short", "s"]})
    lines = escape_lines(hover_lines(frame, np.array([0]))[0]).split("<br>")
    assert max(len(line) for line in lines) == MAX_HOVER_LINE
    assert all(line.endswith("\u2026") for line in lines[1:])
    data = frame.to_csv(index=False).encode()
    table = load_table(data, "long.csv")
    assert table.frame.columns[0] == header and table.frame["note"][0] == cell
    out = labeled_csv(table.frame, np.arange(3), np.zeros(3, int))
    back = pd.read_csv(io.BytesIO(out), encoding="utf-8-sig")
    assert back.columns[0] == header and back["note"][0] == cell
    # A sentence that quotes the long header shows it cut too.
    words = pd.DataFrame({header: ["a", "b", "c"], "x": [1.0, 2.0, 3.0]})
    with pytest.raises(TableError) as info:
        prepare(words, [header, "x"])
    assert f"'{'h' * (MAX_LABEL_LENGTH - 1)}\u2026'" in str(info.value)
    assert len(str(info.value)) < 200


def test_mixed_types_column_reads_as_numbers_with_its_missing_count():
    table = load_table(named("mixed_types.csv"), "mixed_types.csv")
    assert "y" in table.numeric_columns and "y" in table.default_features
    assert "y" not in table.label_candidates
    (note,) = [n for n in table.notes if n.startswith("Column 'y'")]
    assert "14 values set to missing" in note and "'?'" in note
    prepared = prepare(table.frame, ["x", "y"])
    assert prepared.X.shape == (46, 2)
    assert "Dropped 14 of 60 rows with missing values ('y' (14))." in prepared.notes


def test_leading_zero_identifiers_stay_text_and_export_as_written():
    table = load_table(named("leading_zeros_ids.csv"), "leading_zeros_ids.csv")
    ids = table.frame["id"]
    assert ids.iloc[0] == "00000" and ids.iloc[1] == "00001"
    assert "id" not in table.default_features and "id" not in table.numeric_columns
    prepared = prepare(table.frame, table.default_features)
    out = labeled_csv(table.frame, prepared.row_index, np.zeros(len(prepared.row_index), int))
    back = list(csv.reader(io.StringIO(out.decode("utf-8-sig"))))
    assert [row[0] for row in back[1:3]] == ["00000", "00001"]


def test_an_all_unique_column_may_be_the_label_with_a_warning():
    table = load_table(named("label_all_unique.csv"), "label_all_unique.csv")
    assert "name" in table.label_candidates
    prepared = prepare(table.frame, table.default_features, "name")
    (warning,) = prepared.warnings
    assert warning.startswith("Every row has its own value in the label column 'name'")
    assert warning in prepared.notes


def test_dropped_rows_are_a_warning_not_only_a_note():
    table = load_table(named("some_nans.csv"), "some_nans.csv")
    prepared = prepare(table.frame, table.default_features)
    (warning,) = prepared.warnings
    assert warning.startswith("Dropped 46 of 60 rows with missing values")
    assert prepare(table.frame, table.default_features, missing="mean").warnings == []
