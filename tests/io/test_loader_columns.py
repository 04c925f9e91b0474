"""Column roles suggested by load_table: features, labels, IDs, dates, booleans, constants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clustering.io._loader import load_table


def table_from(frame: pd.DataFrame, **kwargs):
    return load_table(frame.to_csv(index=False).encode(), "t.csv", **kwargs)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def test_row_counter_and_id_columns_are_left_out(rng):
    n = 30
    frame = pd.DataFrame({
        "row": np.arange(n),
        "customer_id": rng.permutation(1000)[:n],
        "x": rng.normal(size=n),
        "y": rng.normal(size=n),
    })  # fmt: skip
    table = table_from(frame)
    assert table.default_features == ["x", "y"]
    assert table.excluded["row"] == "looks like a row number or ID"
    assert table.excluded["customer_id"] == "looks like a row number or ID"
    assert set(table.numeric_columns) == {"row", "customer_id", "x", "y"}
    assert any("row numbers or IDs" in n for n in table.notes)


def test_pandas_index_written_to_csv_is_named_and_left_out(rng):
    frame = pd.DataFrame({"x": rng.normal(size=20), "y": rng.normal(size=20)})
    table = load_table(frame.to_csv().encode(), "with_index.csv")  # blank first header
    assert table.frame.columns[0] == "column_1"
    assert table.excluded["column_1"] == "looks like a row number or ID"
    assert table.default_features == ["x", "y"]


def test_unique_ints_without_id_name_or_steps_stay_features(rng):
    frame = pd.DataFrame({"count": rng.permutation(100)[:20] * 7, "x": rng.normal(size=20)})
    assert table_from(frame).default_features == ["count", "x"]


def test_booleans_and_dates_are_kept_out_with_reasons(rng):
    n = 12
    frame = pd.DataFrame({
        "flag": [True, False] * (n // 2),
        "answer": ["yes", "no", "no"] * (n // 3),
        "aktiv": ["ja", "nein"] * (n // 2),
        "day": pd.date_range("2024-01-01", periods=n).strftime("%Y-%m-%d"),
        "stamp": pd.date_range("2024-01-01 10:00", periods=n, freq="h").astype(str),
        "x": rng.normal(size=n),
    })  # fmt: skip
    table = table_from(frame)
    assert table.default_features == ["x"]
    assert table.excluded["flag"] == "true/false values"
    assert table.excluded["answer"] == "true/false values"
    assert table.excluded["aktiv"] == "true/false values"
    assert table.excluded["day"] == "dates or times"
    assert table.excluded["stamp"] == "dates or times"
    assert {"flag", "answer"} <= set(table.label_candidates)


def test_text_and_integer_label_candidates(rng):
    n = 40
    frame = pd.DataFrame({
        "species": rng.integers(0, 3, n),
        "grade": rng.integers(1, 6, n),
        "colour": rng.choice(["red", "green", "blue"], n),
        "comment": [f"free text {i}" for i in range(n)],
        "x": rng.normal(size=n),
    })  # fmt: skip
    table = table_from(frame)
    assert table.excluded["species"] == "looks like a class label"
    assert "grade" in table.default_features  # a small-integer measurement stays a feature
    assert {"species", "grade", "colour"} <= set(table.label_candidates)
    assert table.label_candidates[-1] == "comment"  # one value per row: allowed, with a warning
    assert "identifier" in table.excluded["comment"]
    assert set(table.excluded) | set(table.default_features) == set(table.frame.columns)


def test_mostly_numeric_text_column_is_numeric_with_a_note(rng):
    values = [f"{v:.3f}" for v in rng.normal(size=30)]
    values[4] = "?"
    values[9] = "n.a."
    frame = pd.DataFrame({"m": values, "x": rng.normal(size=30)})
    table = table_from(frame)
    assert "m" in table.numeric_columns and "m" in table.default_features
    assert any(n.startswith("Column 'm' is read as numbers: 2 values set to missing")
               and "'?'" in n and "'n.a.'" in n for n in table.notes)


def test_text_column_with_many_levels_is_not_a_label(rng):
    frame = pd.DataFrame({"word": [f"w{i % 80}" for i in range(200)], "x": rng.normal(size=200)})
    table = table_from(frame)
    assert "word" not in table.label_candidates
    assert table.excluded["word"] == "text with 80 different values"


def test_excluded_covers_every_column_not_preselected(rng):
    frame = pd.DataFrame({
        "id": np.arange(10), "c": [5.0] * 10, "x": rng.normal(size=10), "t": ["a", "b"] * 5,
    })  # fmt: skip
    table = table_from(frame)
    assert table.default_features == ["x"]
    assert set(table.excluded) == {"id", "c", "t"}
    assert all(isinstance(reason, str) and reason for reason in table.excluded.values())
