"""Step-by-step record of a k-means run, for replaying it ("assign", then "update").

Step 0 is ``"init"`` (the initial centres, no labels yet). Each iteration ``i`` then adds an
``"assign"`` step (points move to their nearest centre; centres unchanged) and an ``"update"``
step (centres move to their clusters' centres; labels unchanged, except points taken by an
empty cluster, see below). When a run stops without strict convergence (tolerance reached or
``max_iter`` hit) scikit-learn re-assigns the points once more so labels match the final
centres; the history records that as a last ``"assign"`` step with iteration ``n_iter + 1``.
So the last step always holds the final labels and centres.

Memory budget for labels
------------------------
Centres, objectives, shifts and counts are kept for every step. Labels cost
``n_steps * n_rows`` small integers (int8 when ``n_clusters <= 127``, int16 up to 32767,
int32 above), which for a million rows and hundreds of iterations would be gigabytes. They
are therefore kept under :data:`LABEL_BUDGET_BYTES` (64 MB): all rows while the whole
``(n_steps, n_rows)`` array fits; otherwise labels are kept for a display sample of rows,
sized so that the longest possible run (``2 * max_iter + 2`` steps) fits, drawn with the
fixed seed :data:`LABEL_SAMPLE_SEED` (the same rows for every run on the same data), and
listed in ``History.label_rows``. Labels are written into one buffer as the run goes
(int32 to int8 on the fly, doubling when full), and ``History.labels`` is a view of its
filled rows, so the buffer, never more than the budget, is all the memory labels take.
Each run allocates its own buffer (``np.empty``: pages are touched only as steps are written).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clustering.sampling import sample_rows

__all__ = [
    "LABEL_BUDGET_BYTES",
    "LABEL_SAMPLE_SEED",
    "EmptyClusterEvent",
    "History",
    "HistoryRecorder",
    "label_dtype",
]

LABEL_BUDGET_BYTES = 64 * 1024 * 1024
LABEL_SAMPLE_SEED = 0


def label_dtype(n_clusters: int) -> np.dtype:
    """Smallest signed integer type holding labels ``-1 .. n_clusters - 1``."""
    if n_clusters <= np.iinfo(np.int8).max:
        return np.dtype(np.int8)
    if n_clusters <= np.iinfo(np.int16).max:
        return np.dtype(np.int16)
    return np.dtype(np.int32)


@dataclass(frozen=True)
class EmptyClusterEvent:
    """A cluster that lost all its points at an update step and was relocated.

    Attributes
    ----------
    step : int
        Index of the ``"update"`` step in the history.
    cluster : int
        The empty cluster.
    relocated_row : int
        Row of X (the point farthest from its centre) that became the cluster's centre.
    """

    step: int
    cluster: int
    relocated_row: int


# eq=False: field-wise == on arrays is ambiguous; identity is what callers need.
@dataclass(frozen=True, eq=False)
class History:
    """Every half-step of one k-means run (see the module docstring).

    Attributes
    ----------
    phase : tuple of str, length n_steps
        ``"init"``, then ``"assign"`` / ``"update"`` alternating (maybe a final ``"assign"``);
        a continued run (:func:`clustering.engine.continue_kmeans`) has a ``"move"`` step
        where the user put centres somewhere new.
    iteration : ndarray of int, shape (n_steps,)
        0 for init, i for the i-th assign/update.
    centers : ndarray of shape (n_steps, n_clusters, d)
        Centres in effect at each step, in the space k-means ran in.
    objective : ndarray of shape (n_steps,)
        Objective of (labels, centres) at each step; nan at init.
    center_shift : ndarray of shape (n_steps,)
        Total squared centre movement made at each step (0 for init and assign).
    n_changed : ndarray of int, shape (n_steps,)
        Points whose label changed at each step (all n at the first assign).
    empty_events : tuple of EmptyClusterEvent
    labels : ndarray of shape (n_steps, m), int8/int16/int32
        Labels in effect at each step, -1 at init, for all rows (m = n) or for
        ``label_rows``.
    label_rows : ndarray of int, shape (m,), or None
        Rows of X that ``labels`` columns refer to; None means all rows, in order.
    """

    phase: tuple[str, ...]
    iteration: np.ndarray
    centers: np.ndarray
    objective: np.ndarray
    center_shift: np.ndarray
    n_changed: np.ndarray
    empty_events: tuple[EmptyClusterEvent, ...]
    labels: np.ndarray
    label_rows: np.ndarray | None

    @property
    def n_steps(self) -> int:
        """Number of recorded steps."""
        return len(self.phase)

    def __len__(self) -> int:
        return self.n_steps


class HistoryRecorder:
    """Collects steps during a run and builds the :class:`History`; internal to the engine.

    Parameters
    ----------
    n_rows, n_clusters : int
    max_steps : int
        Upper bound on the number of steps (``2 * max_iter + 2``), used to size the sample.
    offset : ndarray of shape (d,), optional
        Added to every recorded centre (the engine works on mean-centred data).
    budget : int, optional
        Bytes allowed for the final labels array; default :data:`LABEL_BUDGET_BYTES`.
    """

    def __init__(self, n_rows, n_clusters, max_steps, offset=None, budget=None):
        self.n_rows = n_rows
        self.dtype = label_dtype(n_clusters)
        self.max_steps = max_steps
        self.offset = offset
        self.budget = LABEL_BUDGET_BYTES if budget is None else budget
        self.rows: np.ndarray | None = None
        self.phase: list[str] = []
        self.iteration: list[int] = []
        self.centers: list[np.ndarray] = []
        self.objective: list[float] = []
        self.shift: list[float] = []
        self.changed: list[int] = []
        self.events: list[EmptyClusterEvent] = []
        # Labels go straight into one (capacity, m) buffer that doubles when full, so the
        # final array needs no stacking copy; History gets a view of its filled rows.
        self._buf = np.empty((0, n_rows), dtype=self.dtype)

    def _fits(self, n_steps: int) -> bool:
        return n_steps * self.n_rows * self.dtype.itemsize <= self.budget

    def _switch_to_sample(self) -> None:
        per_row = self.max_steps * self.dtype.itemsize
        m = int(min(self.n_rows, max(1, self.budget // per_row)))
        rng = np.random.default_rng(LABEL_SAMPLE_SEED)
        self.rows = sample_rows(self.n_rows, m, rng)
        n = len(self.phase)
        buf = np.empty((self.max_steps, m), dtype=self.dtype)  # fits the budget by design
        buf[:n] = self._buf[:n, self.rows]
        self._buf = buf

    def _next_row(self) -> np.ndarray:
        n = len(self.phase)
        if self.rows is None and not self._fits(n + 1):
            self._switch_to_sample()
        if n == self._buf.shape[0]:
            # First size: every possible step when that is under 16 MB, else 64 steps (most
            # runs fit, so no regrowth copy); double afterwards.
            first = max(64, (16 << 20) // (self._buf.shape[1] * self.dtype.itemsize))
            cap = min(max(2 * n, first), self.max_steps)
            if self.rows is None:
                cap = min(cap, self.budget // (self.n_rows * self.dtype.itemsize))
            grown = np.empty((max(cap, n + 1), self._buf.shape[1]), dtype=self.dtype)
            grown[:n] = self._buf
            self._buf = grown
        return self._buf[n]

    def add(self, phase, iteration, centers, objective, shift, n_changed, labels=None) -> int:
        """Record one step and return its index.

        ``labels``: int array of shape (n_rows,), or None to reuse the previous step's labels
        (``-1`` everywhere for the first step).
        """
        row = self._next_row()
        n = len(self.phase)
        if labels is not None:
            np.copyto(row, labels if self.rows is None else labels[self.rows],
                      casting="unsafe")
        elif n:
            row[:] = self._buf[n - 1]
        else:
            row[:] = -1
        c = centers + self.offset if self.offset is not None else np.array(centers, float)
        self.phase.append(phase)
        self.iteration.append(iteration)
        self.centers.append(c)
        self.objective.append(float(objective))
        self.shift.append(float(shift))
        self.changed.append(int(n_changed))
        return n

    def extend(self, history: History, n_steps: int) -> None:
        """Start from the first ``n_steps`` steps of ``history`` (a run being continued).

        Its centres are taken as recorded (no offset added) and its labels as kept: when it
        kept a sample of rows, this recorder keeps the same rows.
        """
        if self.phase:
            raise RuntimeError("extend() must come before any add()")
        if history.label_rows is not None:
            self.rows = history.label_rows
        labels = history.labels[:n_steps]
        self._buf = np.empty((max(n_steps, 1), labels.shape[1]), dtype=self.dtype)
        self._buf[:n_steps] = labels
        self.phase = list(history.phase[:n_steps])
        self.iteration = [int(i) for i in history.iteration[:n_steps]]
        self.centers = [np.array(c) for c in history.centers[:n_steps]]
        self.objective = [float(v) for v in history.objective[:n_steps]]
        self.shift = [float(v) for v in history.center_shift[:n_steps]]
        self.changed = [int(v) for v in history.n_changed[:n_steps]]
        self.events = [e for e in history.empty_events if e.step < n_steps]

    def event(self, step: int, cluster: int, row: int) -> None:
        """Record that ``cluster`` was empty at ``step`` and took row ``row``."""
        self.events.append(EmptyClusterEvent(int(step), int(cluster), int(row)))

    def finish(self) -> History:
        """Build the immutable :class:`History` (its arrays are read-only)."""
        arrays = {
            "iteration": np.asarray(self.iteration, dtype=np.int64),
            "centers": np.stack(self.centers),
            "objective": np.asarray(self.objective, dtype=np.float64),
            "center_shift": np.asarray(self.shift, dtype=np.float64),
            "n_changed": np.asarray(self.changed, dtype=np.int64),
            "labels": self._buf[: len(self.phase)],
        }
        for a in arrays.values():
            a.flags.writeable = False
        rows = self.rows
        if rows is not None:
            rows.flags.writeable = False
        return History(phase=tuple(self.phase), empty_events=tuple(self.events),
                       label_rows=rows, **arrays)
