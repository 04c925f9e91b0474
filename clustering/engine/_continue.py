"""Continue a recorded k-means run after the user moved its centres (Orange-style dragging).

:func:`continue_kmeans` takes a run with history, a step of it and new centres, and returns
the run as it goes on from there: the history's steps up to ``step``, one ``"move"`` step
(the user's centres, labels as they were), then Lloyd iterations from the new centres, on the
same loops as :func:`clustering.engine.kmeans`. Iterations keep counting from the step's
iteration, so "iteration 5" still means the fifth assign/update of the whole story.

Because the continuation is a pure function of (run, step, centres), a chain of moves replays
identically from its settings: a page keeps the moves as settings (so in the link) and
rebuilds the run from the base run and the moves in order.
"""

from __future__ import annotations

from contextlib import nullcontext
from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_array, check_random_state

from clustering.engine._distances import DISTANCES, check_cosine_rows, objective_terms
from clustering.engine._history import History, HistoryRecorder
from clustering.engine._kmeans import (
    SINGLE_THREAD_MAX_WORK,
    KMeansResult,
    lloyd_run,
    lloyd_space,
)
from clustering.engine._sklearn_kernel import thread_limit

__all__ = ["MOVE_PHASE", "apply_moves", "continue_kmeans"]

MOVE_PHASE = "move"
"""Phase name of the step where the user put centres somewhere new."""


class _Shifted:
    """A recorder seen by the Lloyd loops with iteration numbers offset by ``start``.

    The loops number their iterations from 1; the continued run numbers them from the
    moved step's iteration + 1.
    """

    def __init__(self, recorder: HistoryRecorder, start: int):
        self._rec = recorder
        self._start = start

    @property
    def objective(self) -> list[float]:
        return self._rec.objective  # the loops overwrite the last objective in place

    def add(self, phase, iteration, *args, **kwargs) -> int:
        return self._rec.add(phase, iteration + self._start, *args, **kwargs)

    def event(self, step, cluster, row) -> None:
        self._rec.event(step, cluster, row)

    def finish(self) -> History:
        return self._rec.finish()


def continue_kmeans(
    X,
    result: KMeansResult,
    step: int,
    centers,
    *,
    distance: str = "euclidean",
    max_iter: int = 300,
    tol: float = 1e-4,
    random_state=None,
) -> KMeansResult:
    """Continue ``result`` from ``centers`` placed by the user at history step ``step``.

    Parameters
    ----------
    X : array-like of shape (n, d)
        The data ``result`` was fitted on.
    result : KMeansResult
        A run fitted with ``history=True`` (maybe itself continued).
    step : int
        Index into ``result.history``: the step on screen when the user moved centres.
    centers : array-like of shape (n_clusters, d)
        All centres after the move (unmoved ones as they were at ``step``).
    distance : {"euclidean", "manhattan", "cosine"}
        The run's distance (its centre rule is ``result.center``).
    max_iter : int
        Most Lloyd iterations after the move.
    tol : float
        As :func:`clustering.engine.kmeans`.
    random_state : int, RandomState or None
        Passed to the centre rule (the medoid rule samples).

    Returns
    -------
    KMeansResult
        Its history is ``result.history``'s steps ``0 .. step``, a ``"move"`` step (phase
        :data:`MOVE_PHASE`, the step's iteration and labels, the new centres and their
        objective for those labels, NaN before any assign), then assign/update steps with
        iterations numbered on from the step's. ``n_iter`` is the last iteration's number;
        ``runs`` holds this one run.
    """
    history = result.history
    if history is None:
        raise ValueError("result has no history; fit with history=True to continue it")
    if not isinstance(step, Integral) or not 0 <= step < history.n_steps:
        raise ValueError(f"step={step!r} must be an integer in [0, {history.n_steps})")
    if distance not in DISTANCES:
        raise ValueError(f"distance={distance!r} is not one of {sorted(DISTANCES)}")
    if not isinstance(max_iter, Integral) or max_iter < 1:
        raise ValueError(f"max_iter={max_iter!r} must be an integer >= 1")
    if not isinstance(tol, Real) or tol < 0:
        raise ValueError(f"tol={tol!r} must be a number >= 0")
    X = check_array(X, dtype=np.float64, order="C")
    k, d = history.centers.shape[1:]
    if X.shape != (len(result.labels), d):
        raise ValueError(f"X has shape {X.shape}; the run was fitted on "
                         f"({len(result.labels)}, {d})")
    C = np.asarray(centers, dtype=np.float64)
    if C.shape != (k, d):
        raise ValueError(f"centers must have shape ({k}, {d}); got {C.shape}")
    if not np.isfinite(C).all():
        raise ValueError("centers must be finite")
    if distance == "cosine":
        check_cosine_rows(X)
        if (np.linalg.norm(C, axis=1) == 0).any():
            raise ValueError("with cosine distance a centre cannot be the origin (no direction)")
    return _continue(X, history, int(step), C, distance, result.center, int(max_iter),
                     float(tol), random_state)


def _continue(X, history: History, step, C, distance, center, max_iter, tol,
              random_state) -> KMeansResult:
    """Worker for :func:`continue_kmeans`; prior validation is assumed."""
    n, k = X.shape[0], C.shape[0]
    space = lloyd_space(X, distance, center, tol)
    offset = space.offset
    C_work = C - offset if offset is not None else C
    start = int(history.iteration[step])

    def recorder() -> _Shifted:
        rec = HistoryRecorder(n, k, step + 2 + 2 * max_iter + 2, offset)
        rec.extend(history, step + 1)
        before = history.labels[step]
        objective = np.nan
        if history.label_rows is None and (before >= 0).all():
            objective = float(objective_terms(X, C, before.astype(np.intp), distance).sum())
        rec.add(MOVE_PHASE, start, C_work, objective, 0.0, 0)
        return _Shifted(rec, start)

    with thread_limit(1) if n * k <= SINGLE_THREAD_MAX_WORK else nullcontext():
        out, rec, _ = lloyd_run(space, C_work, distance=distance, center=center,
                                max_iter=max_iter, random_state=check_random_state(random_state),
                                recorder=recorder, fast=space.fast)
    labels, C_end, inertia, n_iter = out
    return KMeansResult(
        labels=labels, centers=C_end + offset if offset is not None else C_end,
        inertia=inertia, n_iter=start + n_iter, history=rec.finish(),
        runs=[{"seed": None, "objective": inertia, "n_iter": start + n_iter}], center=center,
    )


def apply_moves(X, result: KMeansResult, moves, *, distance: str = "euclidean",
                max_iter: int = 300, tol: float = 1e-4, random_state=None) -> KMeansResult:
    """Replay a chain of centre moves on a run: each ``(step, center, position)`` in order.

    Each move's ``step`` indexes the history as it is after the moves before it; ``position``
    (length d) is where centre ``center`` goes, the other centres stay where they were at
    that step. The same chain on the same run always gives the same result, so a page can
    keep the moves as settings.

    Raises
    ------
    ValueError
        For a move that does not fit the run (its number, step, centre and the reason).
    """
    for i, (step, center, position) in enumerate(moves, start=1):
        history = result.history
        if history is None:
            raise ValueError("result has no history; fit with history=True to move centres")
        k, d = history.centers.shape[1:]
        if not 0 <= int(step) < history.n_steps:
            raise ValueError(f"move {i}: step {step} is not in this run (steps 0 to "
                             f"{history.n_steps - 1})")
        if not 0 <= int(center) < k:
            raise ValueError(f"move {i}: centre {center} is not one of the {k} centres")
        if len(position) != d:
            raise ValueError(f"move {i}: {len(position)} coordinates for {d} features")
        centers = np.array(history.centers[int(step)], dtype=np.float64)
        centers[int(center)] = position
        result = continue_kmeans(X, result, int(step), centers, distance=distance,
                                 max_iter=max_iter, tol=tol, random_state=random_state)
    return result
