import numpy as np

from clustering.sampling import sample_rows


def test_sorted_distinct_and_seeded():
    rows = sample_rows(1000, 50, 3)
    assert len(rows) == 50 == len(np.unique(rows))
    assert np.all(np.diff(rows) > 0)
    assert np.array_equal(rows, sample_rows(1000, 50, 3))
    assert not np.array_equal(rows, sample_rows(1000, 50, 4))


def test_draws_from_a_pool_and_accepts_generators():
    pool = np.arange(100, 200)
    rows = sample_rows(pool, 10, np.random.default_rng(0))
    assert rows.min() >= 100 and rows.max() < 200
    assert np.array_equal(rows, sample_rows(pool, 10, np.random.default_rng(0)))


def test_same_rows_as_a_seeded_random_state_draw():
    expected = np.sort(np.random.RandomState(7).choice(500, 20, replace=False))
    assert np.array_equal(sample_rows(500, 20, 7), expected)
