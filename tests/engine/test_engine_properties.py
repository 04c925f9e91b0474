"""Properties of every run, checked with hypothesis on small, tie-prone data.

- For every matched distance/centre pair the objective never rises from one half-step to the
  next (assign and update both minimise it).
- At every assign step each label is an arg-min of the distance to that step's centres.
- The same random_state gives the same run, step by step.
- Every init gives k distinct centres when the data has >= k distinct points.
"""

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from clustering.engine._distances import DEFAULT_CENTER, pairwise, term_from_distance
from clustering.engine._init import INIT_METHODS, initial_centers, n_distinct_points
from clustering.engine._kmeans import kmeans

MATCHED = sorted(DEFAULT_CENTER.items())
SETTINGS = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@st.composite
def problems(draw):
    """Small data on a coarse grid (ties and duplicates are likely), plus a run setup."""
    n = draw(st.integers(4, 40))
    d = draw(st.integers(1, 3))
    X = draw(arrays(np.float64, (n, d), elements=st.integers(-4, 4).map(float)))
    k = draw(st.integers(1, min(5, n)))
    distance, center = draw(st.sampled_from(MATCHED))
    if distance == "cosine":
        assume(np.all(np.any(X != 0, axis=1)))
    assume(n_distinct_points(X, distance) >= k)
    init = draw(st.sampled_from(sorted(INIT_METHODS)))
    seed = draw(st.integers(0, 2**16))
    return X, k, distance, center, init, seed


def _scale(X, distance):
    if distance == "euclidean":
        return float((X**2).sum()) + 1.0
    return float(np.abs(X).sum()) + X.shape[0]


@SETTINGS
@given(problems())
def test_objective_never_rises_for_matched_pairs(problem):
    X, k, distance, center, init, seed = problem
    h = kmeans(X, k, init=init, distance=distance, center=center, random_state=seed,
               max_iter=50, tol=0).history
    steps = np.diff(h.objective[1:])
    assert np.all(steps <= 1e-9 * _scale(X, distance)), (h.phase, h.objective)


@SETTINGS
@given(problems())
def test_assign_labels_are_argmin_of_the_step_centers(problem):
    X, k, distance, center, init, seed = problem
    h = kmeans(X, k, init=init, distance=distance, center=center, random_state=seed,
               max_iter=50, tol=0).history
    rows = np.arange(X.shape[0])
    for s, phase in enumerate(h.phase):
        if phase != "assign":
            continue
        T = term_from_distance(pairwise(X, h.centers[s], distance), distance)
        own = T[rows, h.labels[s]]
        assert np.all(own <= T.min(axis=1) + 1e-9 * (1.0 + T.max())), s


@SETTINGS
@given(problems())
def test_same_random_state_same_run(problem):
    X, k, distance, center, init, seed = problem
    a = kmeans(X, k, init=init, distance=distance, center=center, random_state=seed,
               n_init=2)
    b = kmeans(X, k, init=init, distance=distance, center=center, random_state=seed,
               n_init=2)
    assert a.runs == b.runs
    assert a.history.phase == b.history.phase
    np.testing.assert_array_equal(a.history.centers, b.history.centers)
    np.testing.assert_array_equal(a.history.labels, b.history.labels)
    np.testing.assert_array_equal(a.labels, b.labels)


@SETTINGS
@given(problems())
def test_every_init_gives_k_distinct_centers(problem):
    X, k, distance, _, init, seed = problem
    C = initial_centers(X, k, init, distance=distance, random_state=seed)
    assert C.shape == (k, X.shape[1])
    assert n_distinct_points(C, distance) == k
