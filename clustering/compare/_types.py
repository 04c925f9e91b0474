"""The records the algorithm registry is made of: parameters, algorithms and results.

Kept apart from the registry itself so the per-algorithm builders
(:mod:`clustering.compare`) and the runner (:mod:`clustering.compare`) can both
import them without importing each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["AUTO", "AlgorithmResult", "AlgorithmSpec", "Panel", "ParamSpec"]

AUTO = None
"""A parameter value of ``None`` means "choose from the data" (see ``ParamSpec.auto``)."""

COST_CLASSES = ("linear", "n log n", "quadratic", "cubic")
REFERENCE_DIMS = 4
"""Features up to which ``AlgorithmSpec.max_rows`` applies as measured (on 2-D data)."""
MIN_ROW_LIMIT = 300


@dataclass(frozen=True)
class ParamSpec:
    """One parameter of an algorithm, as data: what the UI draws and what is checked.

    Attributes
    ----------
    name : str
        Keyword passed to the builder, e.g. ``"eps"``.
    label : str
        Short human label, e.g. ``"Neighbourhood radius (eps)"``.
    kind : {"int", "float", "choice", "bool"}
    default : object
        Value used when the caller gives none; ``None`` (:data:`AUTO`) means the value is
        derived from the data by ``auto``.
    low, high : float or None
        Inclusive bounds for numbers.
    choices : tuple of str
        Allowed values for ``kind == "choice"``.
    help : str
        One line for a tooltip: what the parameter does, and how "auto" is chosen.
    auto : callable or None
        ``auto(X, context) -> value``: the data-tied default, where ``context`` is a dict
        with the already resolved parameters and ``"random_state"`` (a RandomState).
    applies_when : (str, object) or None
        ``(other, value)``: the parameter only matters when parameter ``other`` has that
        value (its automatic choice is then not announced, and a UI may disable it).
    """

    name: str
    label: str
    kind: str
    default: Any = AUTO
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    help: str = ""
    auto: Callable[[np.ndarray, dict], Any] | None = None
    applies_when: tuple[str, Any] | None = None

    def applies(self, params: dict) -> bool:
        """Whether this parameter matters given the other parameters' values."""
        return self.applies_when is None or params.get(self.applies_when[0]) == self.applies_when[1]

    def check(self, value: Any, algorithm: str) -> Any:
        """Validate one value (``None`` is allowed when an ``auto`` rule exists).

        Returns the value converted to the parameter's type; raises ``ValueError`` with the
        value in the message otherwise.
        """
        where = f"{algorithm}: {self.name}={value!r}"
        if value is None:
            if self.auto is None:
                raise ValueError(f"{where} has no automatic choice; give a value")
            return None
        if self.kind == "choice":
            if value not in self.choices:
                raise ValueError(f"{where} must be one of {', '.join(self.choices)}")
            return value
        if self.kind == "bool":
            if not isinstance(value, (bool, np.bool_)):
                raise ValueError(f"{where} must be True or False")
            return bool(value)
        if isinstance(value, (bool, np.bool_)) or not isinstance(
            value, (int, float, np.integer, np.floating)
        ):
            raise ValueError(f"{where} must be a number")
        if self.kind == "int":
            if float(value) != int(value):
                raise ValueError(f"{where} must be a whole number")
            value = int(value)
        else:
            value = float(value)
            if not np.isfinite(value):
                raise ValueError(f"{where} must be finite")
        if self.low is not None and value < self.low:
            raise ValueError(f"{where} must be >= {self.low:g}")
        if self.high is not None and value > self.high:
            raise ValueError(f"{where} must be <= {self.high:g}")
        return value


@dataclass(frozen=True)
class AlgorithmSpec:
    """One entry of :data:`clustering.compare.ALGORITHMS`.

    Attributes
    ----------
    name : str
        Registry key, e.g. ``"dbscan"``.
    title : str
        Short display name for a column header, e.g. ``"DBSCAN"``.
    description : str
        One line: the idea, and what kind of clusters it finds.
    params : tuple of ParamSpec
    takes_k : bool
        Whether the number of clusters is a parameter (``n_clusters``).
    marks_noise : bool
        Whether it may leave points out of every cluster (label -1).
    time_cost, memory_cost : {"linear", "n log n", "quadratic", "cubic"}
        Growth with the number of rows n, as implemented in scikit-learn (typical case).
    max_rows : int
        Largest number of rows it runs on in full, on data of up to ``REFERENCE_DIMS``
        features (see :meth:`row_limit` for wider data). Above it, ``oversize`` applies.
    oversize : {"sample", "skip"}
        "sample": run on a seeded sample of ``max_rows`` rows and give every other row
        the cluster of its nearest sampled row; "skip": do not run, say why.
    fit : callable
        ``fit(X, params, random_state) -> labels``; params are resolved and checked, X is
        finite float64 of shape (m, d), ``random_state`` a RandomState.
    why_limit : str
        One sentence: why ``max_rows`` exists (quoted when sampling or skipping).
    pairwise : bool
        Whether its cost grows with pairs of points times features (see :meth:`row_limit`).
    short : str
        A title of at most about 10 characters for narrow grid columns ("" = ``title``).
    row_budget : callable or None
        ``row_budget(X, params, random_state) -> int``: most rows affordable with these
        parameters on data like ``X`` (e.g. DBSCAN's neighbourhoods grow with eps); the run
        uses a smaller seeded sample when ``X`` has more. None: ``max_rows`` alone decides.
    """

    name: str
    title: str
    description: str
    params: tuple[ParamSpec, ...]
    takes_k: bool
    marks_noise: bool
    time_cost: str
    memory_cost: str
    max_rows: int
    oversize: str
    fit: Callable[[np.ndarray, dict, np.random.RandomState], np.ndarray]
    why_limit: str = ""
    row_budget: Callable[[np.ndarray, dict, np.random.RandomState], int] | None = None
    pairwise: bool = False
    short: str = ""

    @property
    def short_title(self) -> str:
        return self.short or self.title

    def row_limit(self, n_features: int) -> int:
        """Rows it runs on in full with ``n_features`` features.

        ``max_rows`` holds up to ``REFERENCE_DIMS`` features. Entries that compare points
        pairwise (``pairwise=True``: neighbour searches, linkage, affinities) cost about
        n^2 x d once neighbour trees stop helping, so above that their limit shrinks by
        sqrt(REFERENCE_DIMS / d), keeping n^2 x d, and so the time, about the same; it never
        drops below ``min(max_rows, MIN_ROW_LIMIT)``.
        """
        if not self.pairwise or n_features <= REFERENCE_DIMS:
            return self.max_rows
        scaled = int(self.max_rows * np.sqrt(REFERENCE_DIMS / n_features))
        return max(scaled, min(self.max_rows, MIN_ROW_LIMIT))

    def __post_init__(self) -> None:
        if self.oversize not in ("sample", "skip"):
            raise ValueError(f"{self.name}: oversize={self.oversize!r} must be sample or skip")
        for cost in (self.time_cost, self.memory_cost):
            if cost not in COST_CLASSES:
                raise ValueError(f"{self.name}: cost {cost!r} must be one of {COST_CLASSES}")

    @property
    def quadratic(self) -> bool:
        """True when time or memory grows at least with n squared."""
        slow = ("quadratic", "cubic")
        return self.time_cost in slow or self.memory_cost in slow


# eq=False: fields hold arrays, whose == is elementwise.
@dataclass(frozen=True, eq=False)
class AlgorithmResult:
    """What :func:`clustering.compare.run_algorithm` returns.

    Attributes
    ----------
    name : str
        Registry key of the algorithm.
    labels : ndarray of shape (n,) int or None
        Cluster of every row, numbered 0, 1, ... in order of first appearance; -1 is noise
        (no cluster). None when the algorithm was skipped.
    fit_seconds : float
        Wall time of the fit itself (on the sample when sampled); 0 when skipped.
    sampled_rows : ndarray of shape (m,) int or None
        Sorted rows the algorithm ran on when it ran on a seeded sample; None when it ran
        on every row.
    skipped_reason : str or None
        One sentence when it did not run (too big, failed); None otherwise.
    notes : list of str
        Plain sentences: the parameters chosen from the data, sampling, warnings raised.
    params : dict
        The parameters used, with every automatic choice resolved to its value.
    """

    name: str
    labels: np.ndarray | None
    fit_seconds: float
    sampled_rows: np.ndarray | None = None
    skipped_reason: str | None = None
    notes: list[str] = field(default_factory=list)
    params: dict = field(default_factory=dict)

    @property
    def ran(self) -> bool:
        return self.labels is not None

    @property
    def n_clusters(self) -> int:
        """Clusters found (noise not counted); 0 when skipped."""
        if self.labels is None:
            return 0
        return int(np.unique(self.labels[self.labels >= 0]).size)

    @property
    def noise_share(self) -> float:
        """Fraction of rows labelled noise (-1); 0 when skipped."""
        if self.labels is None or self.labels.size == 0:
            return 0.0
        return float(np.mean(self.labels < 0))


@dataclass(frozen=True, eq=False)
class Panel:
    """One cell of the grid.

    Attributes
    ----------
    x, y : ndarray of shape (m,)
        Coordinates of the drawn points.
    labels : ndarray of shape (m,) int or None
        Cluster of each drawn point (-1 = noise, grey); None when the algorithm did not
        run (then ``message`` says why and no point is drawn).
    corner : str
        Short text for the lower right corner, e.g. ``"0.02 s · ARI 0.95"``; plain text
        (escaped here).
    message : str or None
        Short text shown in the middle of an empty panel (skipped); plain text.
    """

    x: np.ndarray
    y: np.ndarray
    labels: np.ndarray | None
    corner: str = ""
    message: str | None = None
