"""Which rows get drawn: all, or a fixed seeded sample, restricted to rows with labels."""

from __future__ import annotations

import numpy as np
import pytest

from clustering.view._display import MAX_DRAWN_POINTS, display_rows, label_positions


def test_small_data_draws_every_row():
    np.testing.assert_array_equal(display_rows(10), np.arange(10))
    assert display_rows(0).size == 0
    assert MAX_DRAWN_POINTS == 5000


def test_large_data_draws_a_fixed_sorted_sample():
    a = display_rows(20_000)
    b = display_rows(20_000)
    assert a.size == MAX_DRAWN_POINTS
    np.testing.assert_array_equal(a, b)
    assert np.all(np.diff(a) > 0) and a[0] >= 0 and a[-1] < 20_000
    other = display_rows(20_000, random_state=1)
    assert not np.array_equal(a, other)
    assert display_rows(100, max_points=7).size == 7


def test_sample_comes_from_the_rows_with_kept_labels():
    label_rows = np.sort(np.random.RandomState(3).choice(50_000, 8_000, replace=False))
    rows = display_rows(50_000, label_rows=label_rows)
    assert rows.size == MAX_DRAWN_POINTS
    assert np.isin(rows, label_rows).all()
    few = display_rows(50_000, label_rows=label_rows[:100])
    np.testing.assert_array_equal(few, label_rows[:100])


def test_label_positions_map_rows_to_label_columns():
    label_rows = np.array([40, 3, 17, 8])  # any order, as a history may keep them
    rows = np.array([3, 8, 40])
    pos = label_positions(rows, label_rows)
    np.testing.assert_array_equal(label_rows[pos], rows)
    np.testing.assert_array_equal(label_positions(rows, None), rows)
    with pytest.raises(ValueError, match="first: row 5"):
        label_positions(np.array([3, 5]), label_rows)


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        ((-1,), {}, "n_rows=-1"),
        ((10,), {"max_points": 0}, "max_points=0"),
        ((10,), {"label_rows": np.array([2, 10])}, r"\[0, 10\)"),
    ],
    ids=["n", "max", "label-rows"],
)
def test_bad_arguments_raise_with_values(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        display_rows(*args, **kwargs)
