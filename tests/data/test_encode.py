"""Categorical features: weighted one-hot blocks, pooled rare levels, missing cells, the record."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import pdist
from sklearn.preprocessing import StandardScaler

from clustering.data import (
    MAX_LEVELS,
    MISSING_LEVEL,
    OTHER_LEVELS,
    block_weight,
    categorical_columns,
    prepare,
)
from clustering.io import TableError

pytestmark = pytest.mark.timeout(30)


@pytest.fixture
def table():
    rng = np.random.default_rng(4)
    n = 400
    return pd.DataFrame({
        "a": rng.normal(size=n),
        "b": rng.normal(10, 3, size=n),
        "color": rng.choice(["red", "green", "blue", "grey"], n),
        "yes_no": np.where(np.arange(n) % 2 == 0, "yes", "no"),
    })  # fmt: skip


def block(prepared, column):
    names = prepared.feature_names
    cols = [i for i, f in enumerate(names) if f.startswith(f"{column} = ")]
    return prepared.X[:, cols]


def test_block_weight_formula():
    assert block_weight(2, 1.0) == pytest.approx(np.sqrt(2))
    assert block_weight(4, 1.0) == pytest.approx(np.sqrt(4 / 3))
    assert block_weight(4, 0.25) == pytest.approx(0.5 * np.sqrt(4 / 3))
    assert block_weight(1, 3.0) == 1.0


def test_balanced_yes_no_column_is_the_standardised_indicator(table):
    prepared = prepare(table, ["a", "yes_no"], scaling="standard", categorical=["yes_no"])
    yes = (table["yes_no"] == "yes").to_numpy(float)[:, None]
    expected = StandardScaler().fit_transform(yes)[:, 0]
    got = block(prepared, "yes_no")
    # One indicator column per level, and the same distances between rows as the
    # standardised 0/1 column: k-means sees exactly that column.
    assert got.shape == (400, 2)
    np.testing.assert_allclose(pdist(got), pdist(expected[:, None]), atol=1e-12)
    # Total variance of the block equals one standardised numeric column.
    assert got.var(axis=0).sum() == pytest.approx(1.0)


def test_even_levels_weigh_as_much_as_an_average_numeric_column(table):
    even = table.assign(color=np.tile(["red", "green", "blue", "grey"], 100))
    for scaling, target in (("standard", 1.0), ("minmax", None)):
        prepared = prepare(even, ["a", "b", "color"], scaling=scaling, categorical=["color"])
        numeric = prepared.X[:, :2].var(axis=0).mean()
        assert block(prepared, "color").var(axis=0).sum() == pytest.approx(numeric)
        if target is not None:
            assert numeric == pytest.approx(target)


def test_uneven_levels_weigh_less_never_more(table):
    skewed = table.assign(color=np.where(np.arange(400) < 390, "common", "rare"))
    prepared = prepare(skewed, ["a", "color"], scaling="standard", categorical=["color"])
    assert block(prepared, "color").var(axis=0).sum() < 1.0
    assert prepared.encoding.columns[0].weight == pytest.approx(np.sqrt(2))


def test_rare_levels_are_pooled_above_max_levels():
    n_levels = MAX_LEVELS + 10
    counts = np.arange(n_levels, 0, -1) + 5  # level 0 most frequent
    levels = np.repeat([f"L{i:02d}" for i in range(n_levels)], counts)
    frame = pd.DataFrame({"x": np.arange(len(levels), dtype=float), "city": levels})
    prepared = prepare(frame, ["x", "city"], scaling="standard", categorical=["city"])
    (column,) = prepared.encoding.columns
    assert len(column.levels) == MAX_LEVELS
    assert column.levels[-1] == OTHER_LEVELS
    assert set(column.pooled) == {f"L{i:02d}" for i in range(MAX_LEVELS - 1, n_levels)}
    assert column.n_distinct == n_levels
    assert prepared.X.shape[1] == 1 + MAX_LEVELS
    assert any("share one column '(other levels)'" in note for note in prepared.notes)


def test_the_page_is_told_what_was_encoded_and_how(table):
    prepared = prepare(table, ["a", "color"], scaling="standard", categorical=["color"])
    assert prepared.numeric_features == ["a"]
    assert prepared.categorical_features == ["color"]
    assert prepared.feature_names == ["a", "color = blue", "color = green", "color = grey",
                                      "color = red"]
    text = " ".join(prepared.notes)
    assert "Encoded 'color' as categories: 4 levels" in text
    assert "weight 1.15" in text
    assert "counts as much as one average numeric feature" in text


def test_missing_cells_drop_the_row_or_become_a_level(table):
    gaps = table.copy()
    gaps.loc[[3, 7], "color"] = None
    dropped = prepare(gaps, ["a", "color"], categorical=["color"])
    assert dropped.n_dropped == 2
    assert 3 not in dropped.row_index and 7 not in dropped.row_index
    assert any("missing category ('color' (2))" in n for n in dropped.notes)
    filled = prepare(gaps, ["a", "color"], categorical=["color"], missing="mean")
    assert filled.n_dropped == 0
    assert f"color = {MISSING_LEVEL}" in filled.feature_names
    assert any("missing cells are a level of their own" in n for n in filled.notes)


def test_only_categorical_features(table):
    prepared = prepare(table, ["color", "yes_no"], categorical=["color", "yes_no"])
    assert prepared.numeric_features == []
    assert prepared.X.shape == (400, 6)
    assert prepared.encoding.target_variance == 1.0


def test_centres_map_back_to_level_shares(table):
    prepared = prepare(table, ["a", "color"], scaling="standard", categorical=["color"])
    center = prepared.X.mean(axis=0, keepdims=True)
    back = prepared.to_original_units(center)[0]
    assert back[0] == pytest.approx(table["a"].mean())
    shares = table["color"].value_counts(normalize=True).sort_index()
    np.testing.assert_allclose(back[1:], shares.to_numpy(), atol=1e-12)


def test_text_not_listed_as_categorical_is_still_refused(table):
    with pytest.raises(TableError, match="'color' is text, not numbers"):
        prepare(table, ["a", "color"])


def test_categorical_candidates():
    frame = pd.DataFrame({
        "x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        "plan": ["a", "b", "a", "b", "a", None],
        "flag": [True, False, True, True, False, False],
        "id": ["u1", "u2", "u3", "u4", "u5", "u6"],
        "day": ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05",
                "2024-01-06"],
        "numtext": ["1", "2", "3", "4", "5", "5"],
    })  # fmt: skip
    assert categorical_columns(frame, exclude=["numtext"]) == ["plan", "flag"]
