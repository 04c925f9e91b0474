"""The guided k-means lesson: its screens as data, and what each screen needs computed.

The Learn page tells the story of k-means in eight screens on a small 2-D dataset the
whole class can see. This module holds the words (:data:`SCREENS`) and the numbers: the
lesson data, the run, the point asked about in the "predict" moment, distance lines for
a few points, the old -> new centre moves, two starts that end in different answers, and
the scores of the final run. Figures live in :mod:`clustering.figures`; nothing
here draws or imports streamlit.

Every answer shown to the class comes from the engine's recorded history (for example the
predicted point's cluster is ``History.labels`` at the assign step), never from a second
computation that could disagree with what the run did.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.metrics import adjusted_rand_score

from clustering.data import load_dataset
from clustering.engine import History, KMeansResult, kmeans, pairwise
from clustering.evaluation import evaluate

__all__ = [
    "DATA_NOTES", "EVALUATION_METRICS", "INIT_CHOICES", "INIT_NOTES", "LESSON_DATASETS",
    "SCREENS", "AssignStep", "CenterMoves", "DistanceLines", "LessonData", "PredictQuestion",
    "Screen", "TwoStarts", "assign_steps", "center_moves", "distance_lines", "init_links",
    "lesson_data", "lesson_run", "lesson_scores", "predict_question", "showcase_rows",
    "step_of", "two_starts", "update_steps",
]


@dataclass(frozen=True)
class Screen:
    """One screen of the lesson: its number (1-based), a short title and one paragraph."""

    number: int
    key: str
    title: str
    text: str


SCREENS: tuple[Screen, ...] = (
    Screen(1, "points", "Points in space",
           "Every flower, customer or song is just a list of numbers, so it is a point in "
           "space. Two numbers make a point on this chart. Things that are alike have "
           "similar numbers, so they sit close together: a cluster is a crowd of close points."),
    Screen(2, "init", "Start with K centroids",
           "k-means first picks K starting points called centroids, one per cluster. They "
           "are only guesses: the rest of the algorithm improves them. How they are picked "
           "is the initialisation method."),
    Screen(3, "assign", "Assign: each point joins its nearest centroid",
           "Every point measures its distance to each centroid and joins the nearest one. "
           "The lines show those distances for a few points; the shortest line wins."),
    Screen(4, "update", "Update: each centroid moves to the mean of its points",
           "Each centroid moves to the middle of its points: the mean of their numbers. "
           "The arrows go from the old position to the new one."),
    Screen(5, "repeat", "Repeat until nothing changes",
           "Assign, update, assign, update. Once no point changes its cluster, the "
           "centroids stop moving: k-means has converged. Press Play or drag the slider."),
    Screen(6, "error", "The total error shrinks at every step",
           "Square the length of each point's line to its centroid and add them all up: "
           "that is the total reconstruction error. Each assign and each update can only "
           "lower it, which is why k-means always stops."),
    Screen(7, "starts", "Initial values matter",
           "k-means finds a good answer near where it starts, not always the best one. "
           "Two different starts can end in two different answers; the one with the lower "
           "error is better. That is why we run it several times."),
    Screen(8, "evaluate", "How good is the clustering?",
           "When we know the true groups, scores compare them with the clusters "
           "(homogeneity, completeness, V-measure, ARI, AMI: 1 is perfect). Usually we do "
           "not know them; the silhouette needs only the points: close to 1 means tight, "
           "well-separated clusters."),
)

LESSON_DATASETS: dict[str, str] = {
    "blobs": "Blobs (90 points)",
    "iris": "Iris petals (150 flowers)",
}

#: What one point of each lesson dataset is, in words (screen 1).
DATA_NOTES: dict[str, str] = {
    "blobs": "Each dot is one made-up object described by two numbers, x and y.",
    "iris": "Each dot is one iris flower: the length and the width of its petals, in cm. "
            "Three species are mixed here; k-means is not told which is which.",
}

INIT_CHOICES: dict[str, str] = {
    "random": "Random points",
    "k-means++": "k-means++",
    "farthest": "Farthest point",
}

INIT_NOTES: dict[str, str] = {
    "random": "Random: K data points picked at random. Two may land in the same crowd, "
              "and then one crowd gets split while two others share a centroid.",
    "k-means++": "k-means++: the first centroid is random; each next one is drawn with a "
                 "chance that grows with its distance from the centroids so far, so they "
                 "tend to spread out.",
    "farthest": "Farthest point: after a random first one, each next centroid is the point "
                "farthest from those chosen so far (the dotted lines). They spread out well, "
                "but an odd point far from everything is always picked: one outlier can "
                "steal a centroid.",
}

#: The scores of screen 8: the five that need the true groups, then the silhouette.
EVALUATION_METRICS = ("homogeneity", "completeness", "v_measure", "ari", "ami", "silhouette")

_BLOBS_N = 90
_BLOBS_NOISE = 1.5
_IRIS_FEATURES = ("petal length (cm)", "petal width (cm)")


# eq=False: fields hold arrays, whose == is elementwise.
@dataclass(frozen=True, eq=False)
class LessonData:
    """The lesson's 2-D points.

    Attributes
    ----------
    X : ndarray of shape (n, 2)
    feature_names : tuple of str, length 2
    true_labels : ndarray of shape (n,), str
    name, title : str
    """

    X: np.ndarray
    feature_names: tuple[str, str]
    true_labels: np.ndarray
    name: str
    title: str


def lesson_data(name: str = "blobs") -> LessonData:
    """The lesson's data: three seeded blobs of 90 points, or Iris petal length and width.

    Both are fixed tables (the blobs are always drawn with seed 0), so a teacher sees on
    the projector what the class saw in the notes.
    """
    if name not in LESSON_DATASETS:
        raise ValueError(f"lesson dataset {name!r} is not one of {sorted(LESSON_DATASETS)}")
    if name == "blobs":
        ds = load_dataset("blobs", n_samples=_BLOBS_N, noise=_BLOBS_NOISE, random_state=0)
        features = tuple(ds.feature_names)
    else:
        ds = load_dataset("iris")
        features = _IRIS_FEATURES
    X = ds.frame[list(features)].to_numpy(dtype=np.float64)
    return LessonData(X, features, ds.true_labels, name, LESSON_DATASETS[name])


def lesson_run(X: np.ndarray, n_clusters: int, init: str, random_state: int) -> KMeansResult:
    """k-means run to strict convergence (``tol=0``), so the last step really changes nothing."""
    return kmeans(X, n_clusters, init=init, random_state=random_state, tol=0.0, max_iter=100)


def step_of(history: History, phase: str, iteration: int) -> int:
    """Index of the history step with this phase and iteration (e.g. the 1st ``"assign"``)."""
    for s, (p, it) in enumerate(zip(history.phase, history.iteration, strict=True)):
        if p == phase and it == iteration:
            return s
    last = int(history.iteration.max())
    raise ValueError(f"the run has no {phase!r} step at iteration {iteration} (it has 1..{last})")


def _full_labels(history: History) -> np.ndarray:
    if history.label_rows is not None:
        raise ValueError("the lesson needs labels for every point; this history kept a sample")
    return history.labels


# eq=False: fields hold arrays.
@dataclass(frozen=True, eq=False)
class PredictQuestion:
    """The "which centroid will this point join?" moment before an assign step.

    Attributes
    ----------
    row : int
        The highlighted point.
    step : int
        The assign step the question is about.
    centers : ndarray of shape (k, d)
        Centroids in effect at that step (the ones the point chooses between).
    distances : ndarray of shape (k,)
        The point's distance to each centroid.
    answer : int
        The cluster the engine put the point in at that step.
    before : ndarray of shape (n,)
        Labels just before the step (-1 everywhere before the first assign).
    """

    row: int
    step: int
    centers: np.ndarray
    distances: np.ndarray
    answer: int
    before: np.ndarray


def predict_question(X: np.ndarray, history: History, iteration: int = 1) -> PredictQuestion:
    """Pick a point to ask about before the assign step of ``iteration``.

    The point is one a class can decide by eye but has to look at: the second nearest
    centroid is farther by at least 6 % of the data's diagonal (visible from the back row)
    and the nearest is at least a third of the second's distance (not trivial); among those,
    points that change cluster at this step come first, then the ratio nearest-to-second
    closest to 0.6. Ties go to the lowest row, so the same run always asks the same point.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        The data the run was made on.
    history : History
    iteration : int

    Returns
    -------
    PredictQuestion
    """
    labels = _full_labels(history)
    step = step_of(history, "assign", iteration)
    centers = history.centers[step]
    D = pairwise(X, centers)
    k = D.shape[1]
    before = labels[step - 1].astype(np.int64)
    after = labels[step].astype(np.int64)
    if k == 1:
        row = 0
    else:
        two = np.sort(D, axis=1)[:, :2]
        ratio = np.divide(two[:, 0], two[:, 1], out=np.ones(len(X)), where=two[:, 1] > 0)
        diagonal = float(np.linalg.norm(np.ptp(X, axis=0))) or 1.0
        visible = two[:, 1] - two[:, 0] >= 0.06 * diagonal
        ok = visible & (ratio >= 1 / 3)
        if not ok.any():
            ok = visible  # a run where every point sits near a centroid: any clear one
        moved = after != before
        score = np.abs(ratio - 0.6) - np.where(moved, 1.0, 0.0) + np.where(ok, 0.0, 10.0)
        row = int(np.argmin(score))
    return PredictQuestion(row, step, centers, D[row], int(after[row]), before)


# eq=False: fields hold arrays.
@dataclass(frozen=True, eq=False)
class DistanceLines:
    """Lines from a few points to every centroid.

    Attributes
    ----------
    rows : ndarray of shape (r,) int
    starts : ndarray of shape (r, d)
        The points.
    ends : ndarray of shape (k, d)
        The centroids (every line of point i goes to every centroid).
    distances : ndarray of shape (r, k)
    nearest : ndarray of shape (r,) int
        The centroid each point joins.
    """

    rows: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    distances: np.ndarray
    nearest: np.ndarray


def showcase_rows(X: np.ndarray, centers: np.ndarray, first: int, n: int = 3) -> np.ndarray:
    """``first`` plus ``n - 1`` other points to draw distance lines for.

    The others are spread out (each the farthest from those already chosen) among points
    that are not right on top of a centroid, so their lines are long enough to compare.
    """
    D = pairwise(X, centers)
    near = D.min(axis=1)
    pool = np.flatnonzero(near >= np.median(near))
    chosen = [int(first)]
    for _ in range(min(n, len(X)) - 1):
        candidates = np.setdiff1d(pool, chosen)
        if not len(candidates):
            candidates = np.setdiff1d(np.arange(len(X)), chosen)
        if not len(candidates):
            break
        gap = pairwise(X[candidates], X[chosen]).min(axis=1)
        chosen.append(int(candidates[np.argmax(gap)]))
    return np.asarray(chosen, dtype=np.intp)


def distance_lines(X: np.ndarray, centers: np.ndarray, rows) -> DistanceLines:
    """Distances from ``X[rows]`` to every centre, and which centre is nearest."""
    rows = np.asarray(rows, dtype=np.intp)
    D = pairwise(X[rows], centers)
    return DistanceLines(rows, X[rows], np.asarray(centers, float), D, D.argmin(axis=1))


# eq=False: fields hold arrays.
@dataclass(frozen=True, eq=False)
class CenterMoves:
    """What one update step does: each centroid from its old position to its new one.

    Attributes
    ----------
    step : int
        The update step in the history.
    old, new : ndarray of shape (k, d)
        Centres before and after the step (``History.centers[step - 1]`` and ``[step]``).
    labels : ndarray of shape (n,)
        The clusters whose means the centres moved to.
    """

    step: int
    old: np.ndarray
    new: np.ndarray
    labels: np.ndarray


def center_moves(history: History, iteration: int = 1) -> CenterMoves:
    """Old and new centre positions at the update step of ``iteration``."""
    step = step_of(history, "update", iteration)
    labels = _full_labels(history)[step].astype(np.int64)
    return CenterMoves(step, history.centers[step - 1], history.centers[step], labels)


# eq=False: fields hold arrays.
@dataclass(frozen=True, eq=False)
class AssignStep:
    """One assign step of the run, as screen 3 steps through them.

    Attributes
    ----------
    step, iteration : int
        The step in the history and its iteration.
    labels : ndarray of shape (n,)
        Clusters after the step.
    centers : ndarray of shape (k, d)
        The centroids the points chose between.
    lines : DistanceLines
        Lines from a few points (the highlighted one first) to every centroid.
    """

    step: int
    iteration: int
    labels: np.ndarray
    centers: np.ndarray
    lines: DistanceLines


def assign_steps(X: np.ndarray, history: History, row: int, n_lines: int = 3
                 ) -> list[AssignStep]:
    """Every assign step of the run, with distance lines from ``row`` and a few spread-out
    points (:func:`showcase_rows`) to the centroids in effect."""
    labels = _full_labels(history)
    out = []
    for s, phase in enumerate(history.phase):
        if phase != "assign":
            continue
        centers = history.centers[s]
        lines = distance_lines(X, centers, showcase_rows(X, centers, row, n_lines))
        out.append(AssignStep(s, int(history.iteration[s]), labels[s].astype(np.int64),
                              centers, lines))
    return out


def update_steps(history: History) -> list[CenterMoves]:
    """Every update step of the run: :func:`center_moves` of each iteration."""
    return [center_moves(history, int(it))
            for phase, it in zip(history.phase, history.iteration, strict=True)
            if phase == "update"]


def init_links(centers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each centre after the first, the segment to its nearest earlier centre.

    With the farthest-point start that segment is why the centre was picked: it is the
    point's distance to the centres chosen so far, and no point had a longer one.

    Returns
    -------
    segments : ndarray of shape (k - 1, 2, d)
        ``segments[i - 1] = (centers[i], nearest of centers[:i])``.
    lengths : ndarray of shape (k - 1,)
    """
    C = np.asarray(centers, dtype=np.float64)
    segments, lengths = [], []
    for i in range(1, len(C)):
        d = pairwise(C[i : i + 1], C[:i])[0]
        j = int(np.argmin(d))
        segments.append((C[i], C[j]))
        lengths.append(d[j])
    return np.asarray(segments).reshape(-1, 2, C.shape[1]), np.asarray(lengths)


# eq=False: fields hold runs.
@dataclass(frozen=True, eq=False)
class TwoStarts:
    """Two runs from different starting seeds, the better one first.

    Attributes
    ----------
    runs : tuple of two KMeansResult
    seeds : tuple of two int
    differ : bool
        True when the two final clusterings are not the same partition.
    agreement : float
        Adjusted Rand index between the two final clusterings (1 = the same partition).
    """

    runs: tuple[KMeansResult, KMeansResult]
    seeds: tuple[int, int]
    differ: bool
    agreement: float


def two_starts(X: np.ndarray, n_clusters: int, init: str, seed: int = 0,
               n_tries: int = 20) -> TwoStarts:
    """The best and the worst of ``n_tries`` starts (seeds ``seed, seed + 1, ...``).

    When every start ends in the same partition, the first two seeds are returned with
    ``differ=False`` so the page can say so instead of pretending.
    """
    if n_tries < 2:
        raise ValueError(f"n_tries={n_tries} must be >= 2 to compare two starts")
    seeds = [seed + i for i in range(n_tries)]
    runs = [lesson_run(X, n_clusters, init, s) for s in seeds]
    errors = np.array([r.inertia for r in runs])
    best, worst = int(np.argmin(errors)), int(np.argmax(errors))
    agreement = float(adjusted_rand_score(runs[best].labels, runs[worst].labels))
    if best == worst or agreement >= 1.0 - 1e-12:
        best, worst = 0, 1
        agreement = float(adjusted_rand_score(runs[0].labels, runs[1].labels))
    pair = (runs[best], runs[worst])
    return TwoStarts(pair, (seeds[best], seeds[worst]), agreement < 1.0 - 1e-12, agreement)


def lesson_scores(X: np.ndarray, labels: np.ndarray, true_labels, objective: float
                  ) -> dict[str, float | None]:
    """The scores of :data:`EVALUATION_METRICS` for one run (None where undefined)."""
    ev = evaluate(X, labels, true_labels, objective=objective)
    return {key: ev.values.get(key) for key in EVALUATION_METRICS}
