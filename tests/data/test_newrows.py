"""New rows through the fitted preparation: same scaler and encoder, never refitted."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clustering.data import prepare, prepare_new_rows
from clustering.io import TableError

pytestmark = pytest.mark.timeout(30)


@pytest.fixture
def table():
    rng = np.random.default_rng(7)
    n = 200
    return pd.DataFrame({
        "id": np.arange(n),
        "spend": rng.gamma(2.0, 40.0, n),
        "visits": rng.poisson(4, n).astype(float),
        "plan": rng.choice(["basic", "plus", "premium"], n),
    })  # fmt: skip


@pytest.mark.parametrize("scaling", ["none", "standard", "minmax", "robust"])
def test_rows_of_the_clustered_table_land_where_they_were(table, scaling):
    prepared = prepare(table, ["spend", "visits", "plan"], scaling=scaling, categorical=["plan"])
    subset = table.iloc[[5, 17, 3]].reset_index(drop=True)
    new = prepare_new_rows(prepared, subset, table.columns)
    # Refitting on three rows would give other numbers: the fitted scaler and encoder are used.
    np.testing.assert_allclose(new.X, prepared.X[[5, 17, 3]], rtol=1e-12, atol=1e-12)
    assert new.row_index.tolist() == [0, 1, 2]
    assert new.notes == []


def test_column_order_and_extra_columns_do_not_matter(table):
    prepared = prepare(table, ["spend", "plan"], scaling="standard", categorical=["plan"])
    new_table = table.iloc[:4][["plan", "spend"]].assign(note="x")
    new = prepare_new_rows(prepared, new_table, table.columns)
    np.testing.assert_allclose(new.X, prepared.X[:4])
    assert new.notes == ["The new table has 1 column the clustered table does not ('note'); "
                         "it is not used."]


def test_missing_columns_are_one_sentence_naming_them(table):
    prepared = prepare(table, ["spend", "visits", "plan"], categorical=["plan"])
    with pytest.raises(TableError) as info:
        prepare_new_rows(prepared, table[["spend"]])
    assert str(info.value) == ("The new table has no column 'visits', 'plan', which the "
                               "clustering uses as features; add them with the same name.")


def test_text_where_numbers_were_clustered_is_refused(table):
    prepared = prepare(table, ["spend", "visits"])
    bad = table.assign(visits="many", spend=pd.to_datetime("2024-01-01"))
    with pytest.raises(TableError) as info:
        prepare_new_rows(prepared, bad)
    assert str(info.value).startswith("'visits', 'spend' hold text or dates in the new table "
                                      "but numbers in the clustered one")


def test_unseen_levels_are_zero_in_their_block_and_reported(table):
    prepared = prepare(table, ["spend", "plan"], scaling="standard", categorical=["plan"])
    new = prepare_new_rows(prepared, pd.DataFrame({"spend": [80.0], "plan": ["platinum"]}))
    assert new.X[0, 1:].tolist() == [0.0, 0.0, 0.0]
    assert "in 'plan' (e.g. 'platinum')" in new.notes[0]


def test_missing_values_follow_the_clustered_tables_rule(table):
    gaps = table.copy()
    gaps.loc[0, "spend"] = np.nan
    new_table = pd.DataFrame({"spend": [np.nan, 50.0, 60.0], "visits": [2.0, np.nan, 3.0]})
    dropped = prepare_new_rows(prepare(gaps, ["spend", "visits"]), new_table)
    assert dropped.row_index.tolist() == [2]
    assert dropped.notes == ["2 of 3 new rows have a missing value in the features and are "
                             "left unassigned."]
    filled = prepare_new_rows(prepare(gaps, ["spend", "visits"], missing="median"), new_table)
    assert filled.row_index.tolist() == [0, 1, 2]
    assert filled.X[0, 0] == pytest.approx(gaps["spend"].median())
    assert filled.X[1, 1] == pytest.approx(gaps["visits"].median())
    with pytest.raises(TableError, match="Every row of the new table has a missing value"):
        prepare_new_rows(prepare(gaps, ["spend", "visits"]), new_table.iloc[:2])


def test_missing_markers_in_new_rows_follow_the_rule_that_prepared_the_table():
    """``?`` and ``n/a`` are missing values, not text, in the new rows as in the clustered
    table: a mostly-marker numeric column is read as numbers, with the same note."""
    clustered = pd.DataFrame({"spend": [10.0, 20.0, 30.0, 40.0],
                              "visits": ["1", "?", "3", "?"]})
    prepared = prepare(clustered, ["spend", "visits"], missing="median")
    new_table = pd.DataFrame({"spend": [15.0, 25.0, 35.0, 45.0],
                              "visits": ["2", "?", "n/a", "?"]})
    new = prepare_new_rows(prepared, new_table)
    assert new.row_index.tolist() == [0, 1, 2, 3]
    assert new.X[0, 1] == 2.0
    assert new.X[1:, 1].tolist() == [2.0, 2.0, 2.0]  # the clustered column's median
    assert "3 non-numeric values in 'visits' (e.g. '?') were treated as missing." in new.notes
    again = prepare(new_table, ["spend", "visits"], missing="median")
    assert "3 non-numeric values in 'visits' (e.g. '?') were treated as missing." in again.notes
