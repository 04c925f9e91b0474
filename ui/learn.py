"""The Learn page's glue: lesson settings, screen navigation, one renderer per screen, and
the lesson's own cached calls.

The screen and the lesson's data, K, start method and seed are settings (``ui.state``), so
they are in the URL (``?screen=4``) and a teacher can link straight to a screen. The
iteration and step sliders of single screens are not: they follow each run's length.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import streamlit as st

from clustering.engine import KMeansResult
from clustering.evaluation import METRICS
from clustering.figures import (
    assign_figure,
    centroids_figure,
    color_name,
    lesson_ranges,
    metric_bars_figure,
    objective_figure,
    points_figure,
    residuals_figure,
    run_figure,
    two_runs_figure,
    update_figure,
)
from clustering.lesson import (
    DATA_NOTES,
    INIT_CHOICES,
    INIT_NOTES,
    LESSON_DATASETS,
    SCREENS,
    LessonData,
    TwoStarts,
    center_moves,
    distance_lines,
    init_links,
    lesson_data,
    lesson_run,
    lesson_scores,
    predict_question,
    showcase_rows,
    two_starts,
)
from ui.cache import cached
from ui.charts import show_chart
from ui.layout import figure_style
from ui.state import peek, set_value, setting

_PICKER = "learn_screen"
_CHART = "learn_chart"


# --- cached lesson computations ------------------------------------------------------------


@cached
def _data(name: str) -> LessonData:
    return lesson_data(name)


@cached
def _run(name: str, k: int, init: str, seed: int) -> KMeansResult:
    return lesson_run(_data(name).X, k, init, seed)


@cached(spinner="Running 20 starts…")
def _two_starts(name: str, k: int, init: str, seed: int) -> TwoStarts:
    return two_starts(_data(name).X, k, init, seed)


@cached
def _scores(name: str, k: int, init: str, seed: int) -> dict:
    data, run = _data(name), _run(name, k, init, seed)
    return lesson_scores(data.X, run.labels, data.true_labels, run.inertia)


# --- settings and navigation ---------------------------------------------------------------


@dataclass(frozen=True)
class Lesson:
    """The lesson's settings, its data and its run."""

    name: str
    k: int
    init: str
    seed: int

    @property
    def data(self) -> LessonData:
        return _data(self.name)

    @property
    def run(self) -> KMeansResult:
        return _run(self.name, self.k, self.init, self.seed)

    @property
    def ranges(self) -> list[tuple[float, float]]:
        return lesson_ranges(self.data.X, self.run.history.centers.reshape(-1, 2))

    @property
    def titles(self) -> tuple[str, str]:
        return self.data.feature_names


def _go(number: int) -> None:
    set_value(_PICKER, number)


def navigation() -> int:
    """Back / screen picker / Next, in one row; returns the screen and mirrors it in the URL."""
    screen = peek(_PICKER)
    back, pick, forward = st.columns([1, 4, 1], vertical_alignment="bottom")
    back.button("◀ Back", key="learn_back", disabled=screen <= 1, width="stretch",
                on_click=_go, args=(screen - 1,))
    forward.button("Next ▶", key="learn_next", disabled=screen >= len(SCREENS),
                   width="stretch", on_click=_go, args=(screen + 1,), type="primary")
    return setting(pick.selectbox, _PICKER, "Screen", [s.number for s in SCREENS],
                   format_func=lambda n: f"{n} of {len(SCREENS)} · {SCREENS[n - 1].title}",
                   label_visibility="collapsed")


def lesson_controls() -> Lesson:
    """Data, K, initialisation and start seed, in one row."""
    cols = st.columns([2.2, 1.6, 1.6, 1])
    name = setting(cols[0].radio, "learn_dataset", "Data", list(LESSON_DATASETS),
                   horizontal=True, format_func=LESSON_DATASETS.get)
    k = setting(cols[1].slider, "learn_k", "K (number of clusters)", 2, 6)
    init = setting(cols[2].selectbox, "learn_init", "Initialisation", list(INIT_CHOICES),
                   format_func=INIT_CHOICES.get)
    seed = setting(cols[3].number_input, "learn_seed", "Start (seed)", 0, 9999)
    return Lesson(name, int(k), init, int(seed))


def show_screen(number: int, lesson: Lesson) -> None:
    """The screen's title, paragraph and figure(s)."""
    screen = SCREENS[number - 1]
    st.header(f"{screen.number}. {screen.title}")
    st.markdown(screen.text)
    _RENDERERS[screen.key](lesson)


def _chart(fig, key: str = _CHART) -> None:
    show_chart(fig, key=key)


def _iteration(lesson: Lesson) -> int:
    n = int(lesson.run.history.iteration[np.array(lesson.run.history.phase) == "update"].max())
    if n <= 1:
        return 1
    return int(st.slider("Iteration", 1, n, 1, key="learn_iteration"))


# --- one renderer per screen ---------------------------------------------------------------


def _points(lesson: Lesson) -> None:
    st.caption(DATA_NOTES[lesson.name])
    _chart(points_figure(lesson.data.X, lesson.titles, highlight=0, ranges=lesson.ranges,
                         style=figure_style()))


def _init(lesson: Lesson) -> None:
    start = lesson.run.history.centers[0]
    st.info(INIT_NOTES[lesson.init], icon=":material/lightbulb:")
    links = init_links(start) if lesson.init == "farthest" else None
    _chart(centroids_figure(lesson.data.X, start, lesson.titles, links=links,
                            ranges=lesson.ranges, style=figure_style(),
                            title=f"{lesson.k} starting centroids, numbered in the order picked"))


def _assign(lesson: Lesson) -> None:
    X, history = lesson.data.X, lesson.run.history
    q = predict_question(X, history, _iteration(lesson))
    asked = (lesson, q.step)
    if st.session_state.get("learn_predict_for") != asked:
        st.session_state["learn_predict_for"] = asked
        st.session_state["learn_predict"] = None  # a new question starts unanswered
    k = len(q.centers)
    answer = st.radio("**Predict:** which centroid will the circled point join?", list(range(k)),
                      key="learn_predict", horizontal=True,
                      format_func=lambda j: f"Centroid {j} ({color_name(j)})")
    if answer is None:
        _chart(assign_figure(X, q.before, q.centers, lesson.titles, highlight=q.row,
                             question="Which centroid will I join?", ranges=lesson.ranges,
                             style=figure_style()))
        return
    others = ", ".join(f"{q.distances[j]:.2g} to {j}" for j in range(k) if j != q.answer)
    why = (f"Its nearest centroid is {q.answer} ({color_name(q.answer)}): distance "
           f"{q.distances[q.answer]:.2g}, against {others}.")
    if answer == q.answer:
        st.success(f"Right! {why}", icon=":material/check_circle:")
    else:
        st.error(f"Not this time. {why}", icon=":material/cancel:")
    st.button("Hide the answer and ask again", key="learn_predict_reset",
              on_click=_unanswer, icon=":material/replay:")
    lines = distance_lines(X, q.centers, showcase_rows(X, q.centers, q.row))
    _chart(assign_figure(X, history.labels[q.step], q.centers, lesson.titles, lines=lines,
                         highlight=q.row, ranges=lesson.ranges, style=figure_style()))


def _unanswer() -> None:
    st.session_state["learn_predict"] = None


def _update(lesson: Lesson) -> None:
    moves = center_moves(lesson.run.history, _iteration(lesson))
    shift = np.linalg.norm(moves.new - moves.old, axis=1)
    st.caption("Hollow X: where each centroid was; filled X: the mean of its points now. "
               "Moved: " + ", ".join(f"centroid {j} by {d:.2g}" for j, d in enumerate(shift)))
    _chart(update_figure(lesson.data.X, moves.labels, moves.old, moves.new, lesson.titles,
                         ranges=lesson.ranges, style=figure_style()))


def _repeat(lesson: Lesson) -> None:
    run, h = lesson.run, lesson.run.history
    last_assign = max(s for s, p in enumerate(h.phase) if p == "assign")
    changed = [int(h.n_changed[s]) for s, p in enumerate(h.phase) if p == "assign"]
    st.success(f"Converged after {run.n_iter} iterations: at the last assign "
               f"{int(h.n_changed[last_assign])} points changed cluster, so the centroids "
               "stayed where they were.", icon=":material/check_circle:")
    st.caption("Points that changed cluster at each assign: "
               + ", ".join(str(c) for c in changed) + ".")
    style = figure_style()
    fig = run_figure(lesson.data.X, h.labels, h.centers, h.phase, h.iteration, h.objective,
                     axis_titles=lesson.titles, ranges=lesson.ranges, start_step=0,
                     equal_aspect=True, style=style)
    # Taller than Explore's: the play controls take ~200 px under a plot that is the lesson.
    _chart(fig.update_layout(height=style.height + 200))


def _error(lesson: Lesson) -> None:
    h = lesson.run.history
    step = int(st.slider("Step", 1, h.n_steps - 1, h.n_steps - 1, key="learn_error_step"))
    left, right = st.columns([3, 2], gap="medium")
    with left:
        title = (f"Step {step} ({h.phase[step]} {int(h.iteration[step])}): "
                 f"error {h.objective[step]:,.4g}")
        _chart(residuals_figure(lesson.data.X, h.labels[step], h.centers[step], lesson.titles,
                                ranges=lesson.ranges, style=figure_style(), title=title))
    with right:
        _chart(objective_figure(h.objective, h.phase, h.iteration, current_step=step,
                                metric_label="Total reconstruction error",
                                style=figure_style()), key="learn_objective")


def _starts(lesson: Lesson) -> None:
    pair = _two_starts(lesson.name, lesson.k, lesson.init, lesson.seed)
    (a, b), (sa, sb) = pair.runs, pair.seeds
    names = [f"Start A (seed {sa}): error {a.inertia:,.4g}",
             f"Start B (seed {sb}): error {b.inertia:,.4g}"]
    if pair.differ:
        st.info(f"Same data, same K, same method, two starts: errors {a.inertia:,.4g} and "
                f"{b.inertia:,.4g}. Keep the lower one, A.", icon=":material/lightbulb:")
    else:
        st.info(f"All 20 starts with {INIT_CHOICES[lesson.init]} reached the same answer "
                "here. Try “Random points”, or another K.", icon=":material/lightbulb:")
    _chart(two_runs_figure(lesson.data.X, [a.labels, b.labels],
                           [a.history.centers, b.history.centers], names, lesson.titles,
                           style=figure_style()))


def _evaluate(lesson: Lesson) -> None:
    scores = _scores(lesson.name, lesson.k, lesson.init, lesson.seed)
    left, right = st.columns([3, 2], gap="medium")
    with left:
        _chart(metric_bars_figure(scores, style=figure_style(),
                                  title=f"Scores of the run on screen 5 (K={lesson.k})"))
    with right:
        for key in scores:
            st.markdown(f"**{METRICS[key].label}**: {METRICS[key].explanation}")


_RENDERERS: dict[str, Callable[[Lesson], None]] = {
    "points": _points, "init": _init, "assign": _assign, "update": _update,
    "repeat": _repeat, "error": _error, "starts": _starts, "evaluate": _evaluate,
}
