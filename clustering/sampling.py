"""Seeded row samples: the one way this package draws a subset of rows.

Every capped computation (the rows a chart draws, the stability runs, the rows a slow
algorithm fits, the labels history keeps beyond its budget...) uses :func:`sample_rows`, so the
same seed always gives the same rows, in the data's own order.
"""

from __future__ import annotations

import numpy as np
from sklearn.utils import check_random_state

__all__ = ["sample_rows"]


def sample_rows(pool: int | np.ndarray, size: int,
                random_state: int | np.random.RandomState | np.random.Generator | None
                ) -> np.ndarray:
    """``size`` distinct rows drawn from ``pool`` without replacement, sorted.

    Parameters
    ----------
    pool : int or ndarray of shape (m,) int
        The number of rows to draw from (rows ``0 .. pool - 1``) or the candidate rows.
    size : int
        How many to draw; at most the size of the pool.
    random_state : int, RandomState, Generator or None
        An int seeds a ``RandomState``; an instance is used (and advanced) as given.

    Returns
    -------
    ndarray of shape (size,) int
        Sorted row positions.
    """
    rng = (random_state if isinstance(random_state, np.random.Generator)
           else check_random_state(random_state))
    return np.sort(rng.choice(pool, size, replace=False))
