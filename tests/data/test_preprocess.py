"""prepare(): numbers from chosen columns, missing values, safe scaling, row mapping."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler

from clustering.data._prepare import SCALERS, prepare
from clustering.io._loader import TableError

SCALINGS = ["none", "standard", "minmax", "robust"]


@pytest.fixture
def frame():
    rng = np.random.default_rng(1)
    return pd.DataFrame({
        "a": rng.normal(size=50),
        "b": rng.normal(5, 2, size=50),
        "label": rng.choice(["p", "q"], 50),
    })  # fmt: skip


def test_label_is_never_a_feature(frame):
    prepared = prepare(frame, ["a", "label", "b"], "label")
    assert prepared.feature_names == ["a", "b"]
    assert prepared.X.shape == (50, 2)
    assert prepared.true_labels.tolist() == frame["label"].tolist()
    assert any("'label' is not used as a feature" in n for n in prepared.notes)


@pytest.mark.parametrize(
    ("scaling", "reference"),
    [("standard", StandardScaler), ("minmax", MinMaxScaler), ("robust", RobustScaler)],
)
def test_scalers_match_sklearn(frame, scaling, reference):
    prepared = prepare(frame, ["a", "b"], scaling=scaling)
    expected = reference().fit_transform(frame[["a", "b"]].to_numpy())
    np.testing.assert_allclose(prepared.X, expected, rtol=1e-12, atol=1e-12)
    assert SCALERS[scaling] is reference


def test_no_scaling_keeps_values(frame):
    prepared = prepare(frame, ["a", "b"])
    np.testing.assert_array_equal(prepared.X, frame[["a", "b"]].to_numpy())


@pytest.mark.parametrize("scaling", SCALINGS)
def test_to_original_units_inverts_scaling(frame, scaling):
    prepared = prepare(frame, ["a", "b"], scaling=scaling)
    np.testing.assert_allclose(
        prepared.to_original_units(prepared.X), frame[["a", "b"]].to_numpy(), rtol=1e-12
    )
    history = np.stack([prepared.X[:3], prepared.X[3:6]])  # (steps, k, d)
    back = prepared.to_original_units(history)
    assert back.shape == (2, 3, 2)
    np.testing.assert_allclose(back[1], frame[["a", "b"]].to_numpy()[3:6], rtol=1e-12)
    with pytest.raises(ValueError, match="must have 2 features"):
        prepared.to_original_units(np.zeros((3, 5)))


@pytest.mark.parametrize("scaling", SCALINGS)
@pytest.mark.parametrize("missing", ["drop", "mean", "median"])
def test_huge_and_tiny_magnitudes_do_not_overflow(scaling, missing):
    frame = pd.DataFrame({
        "huge": [1e300, -1e300, 5e299, 1.7e308, np.nan, 0.0],
        "tiny": [1e-300, 2e-300, 3e-300, 4e-300, 5e-300, 6e-300],
    })  # fmt: skip
    prepared = prepare(frame, ["huge", "tiny"], missing=missing, scaling=scaling)
    assert np.isfinite(prepared.X).all()
    if scaling != "none":
        if scaling != "robust":  # 1.7e308 is an outlier for the IQR, so it stays far out
            assert np.abs(prepared.X).max() < 10
        assert np.unique(prepared.X[:, 1]).size == len(prepared.X)  # tiny is not "constant"
        back = prepared.to_original_units(prepared.X)
        expected = frame.to_numpy()[prepared.row_index]
        if missing != "drop":
            expected = np.where(np.isnan(expected), back, expected)
        for j in range(2):  # error relative to each column's magnitude
            scale = np.nanmax(np.abs(expected[:, j]))
            np.testing.assert_allclose(back[:, j], expected[:, j], rtol=1e-9, atol=1e-12 * scale)
    else:
        assert any("larger than 1e150" in n for n in prepared.notes)


@pytest.mark.parametrize("scaling", SCALINGS[1:])
def test_constant_column_scales_to_zeros(scaling):
    frame = pd.DataFrame({"c": [3.0] * 8, "x": np.arange(8.0)})
    prepared = prepare(frame, ["c", "x"], scaling=scaling)
    assert (prepared.X[:, 0] == 0).all()
    np.testing.assert_allclose(prepared.to_original_units(prepared.X)[:, 0], 3.0)


def test_rare_text_and_inf_become_missing_and_are_counted():
    frame = pd.DataFrame({
        "m": ["1.5", "2", "?", "4", "inf", "6", "7", "8", "9", "10", "11", "12"],
        "x": [1.0, np.inf, 3, 4, 5, 6, 7, 8, 9, 10, 11, -np.inf],
    })  # fmt: skip
    prepared = prepare(frame, ["m", "x"])
    assert prepared.row_index.tolist() == [0, 3, 5, 6, 7, 8, 9, 10]
    assert prepared.n_dropped == 4
    notes = " ".join(prepared.notes)
    assert "1 non-numeric value in 'm' (e.g. '?') was treated as missing." in notes
    assert "3 infinite values were treated as missing: 'm' (1), 'x' (2)." in notes
    assert "Dropped 4 of 12 rows with missing values ('m' (2), 'x' (2))." in notes


def test_text_with_decimal_commas_reads_as_numbers():
    frame = pd.DataFrame({"v": ["1,5", "2,25", "-3,0", "4"]})
    assert prepare(frame, ["v"]).X[:, 0].tolist() == [1.5, 2.25, -3.0, 4.0]


@pytest.mark.parametrize("strategy", ["mean", "median"])
def test_imputation_matches_simple_imputer(strategy):
    frame = pd.DataFrame({"a": [1.0, np.nan, 3.0, 10.0], "b": [np.nan, 2.0, 2.0, 5.0]})
    prepared = prepare(frame, ["a", "b"], missing=strategy)
    expected = SimpleImputer(strategy=strategy).fit_transform(frame.to_numpy())
    np.testing.assert_allclose(prepared.X, expected)
    assert prepared.row_index.tolist() == [0, 1, 2, 3]
    assert any(f"Filled 2 missing values with the column {strategy}" in n for n in prepared.notes)


def test_row_index_is_positional_even_with_a_custom_index():
    frame = pd.DataFrame({"x": [1.0, np.nan, 3.0]}, index=[10, 20, 30])
    assert prepare(frame, ["x"]).row_index.tolist() == [0, 2]


def test_missing_labels_are_marked():
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0], "g": ["a", None, "b"]})
    prepared = prepare(frame, ["x"], "g")
    assert prepared.true_labels.tolist() == ["a", "(missing)", "b"]
    assert any("1 used row has no value in the label column 'g'" in n for n in prepared.notes)


def test_constant_and_boolean_features_are_explained():
    frame = pd.DataFrame({"c": [2.0] * 4, "flag": [True, False, True, True], "x": [1.0, 2, 3, 4]})
    prepared = prepare(frame, ["c", "flag", "x"])
    assert prepared.X[:, 1].tolist() == [1.0, 0.0, 1.0, 1.0]
    notes = " ".join(prepared.notes)
    assert "'c' has the same value in every used row" in notes
    assert "Column 'flag' holds true/false values, used as 1/0." in notes


def test_n_distinct_counts_rows_and_treats_signed_zero_as_equal():
    frame = pd.DataFrame({"x": [0.0, -0.0, 1.0, 1.0, 2.0], "y": [1.0, 1.0, 2.0, 2.0, 2.0]})
    prepared = prepare(frame, ["x", "y"])
    assert prepared.n_distinct == 3
    assert not np.signbit(prepared.X).any()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=1, max_size=40))
def test_n_distinct_matches_numpy(rows):
    X = np.array(rows, dtype=float)
    prepared = prepare(pd.DataFrame(X, columns=["a", "b"]), ["a", "b"])
    assert prepared.n_distinct == len(np.unique(X, axis=0))


def test_n_distinct_is_exact_even_when_every_hash_collides(monkeypatch):
    from clustering.data import _prepare as preprocess
    monkeypatch.setattr(preprocess, "_row_hash", lambda X: np.zeros(len(X), dtype=np.uint64))
    X = np.array([[0.0, 1.0], [2.0, 3.0], [0.0, 1.0], [4.0, 4.0], [2.0, 3.0]])
    assert preprocess._n_distinct(X) == 3
    assert preprocess._n_distinct(X[:1]) == 1


@pytest.mark.parametrize(
    ("features", "label", "message"),
    [
        ([], None, "Choose at least one feature column."),
        (["nope"], None, "The table has no column named 'nope'."),
        (["t"], None, "'t' is text, not numbers; choose numeric feature columns."),
        (["empty"], None, "'empty' has no values at all; remove it from the features."),
        (["x", "d"], None, "Column 'd' holds dates, not numbers; remove it."),
        (["x", "gaps"], None, "Every row has a missing value in the chosen features"),
    ],
)
def test_validation_errors_are_one_sentence(features, label, message):
    frame = pd.DataFrame({
        "x": [1.0, 2.0, 3.0],
        "gaps": [np.nan, np.nan, np.nan],
        "t": ["a", "b", "c"],
        "empty": [None, None, None],
        "d": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]),
    })  # fmt: skip
    frame.loc[1, "x"] = np.nan
    frame["gaps"] = [1.0, np.nan, np.nan]
    frame.loc[0, "x"] = np.nan
    with pytest.raises(TableError) as info:
        prepare(frame, features, label)
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


def test_repeated_column_names_are_a_programming_error():
    frame = pd.DataFrame([[1.0, 2.0], [3.0, 4.0]], columns=["x", "x"])
    with pytest.raises(ValueError, match=r"repeated: \['x'\]"):
        prepare(frame, ["x"])


def test_bad_options_are_value_errors(frame):
    with pytest.raises(ValueError, match="missing='zero'"):
        prepare(frame, ["a"], missing="zero")
    with pytest.raises(ValueError, match="scaling='log'"):
        prepare(frame, ["a"], scaling="log")
