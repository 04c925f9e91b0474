"""The Learn page's glue: lesson settings, screen navigation, one renderer per screen, and
the lesson's own cached calls.

The screen and the lesson's data, K, start method and seed are settings (``ui.state``), so
they are in the URL (``?screen=4``) and a teacher can link straight to a screen. Every chart
is shown by the timeline component (``ui.timeline``): screens that step through the run
(assign, update, repeat, error) are timelines stepped in the browser, with the same step
count and caption as Explore; the others are still figures in the same frame. On a projector
the words sit beside the chart, so chart, controls and caption fit one screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import streamlit as st

from clustering.engine import KMeansResult
from clustering.evaluation import METRICS
from clustering.figures import (
    assign_figure,
    assign_timeline,
    centroids_figure,
    color_name,
    figure_json,
    lesson_ranges,
    metric_bars_figure,
    points_figure,
    timeline_spec,
    two_runs_figure,
    update_timeline,
)
from clustering.lesson import (
    DATA_NOTES,
    INIT_CHOICES,
    INIT_NOTES,
    LESSON_DATASETS,
    SCREENS,
    LessonData,
    TwoStarts,
    assign_steps,
    init_links,
    lesson_data,
    lesson_run,
    lesson_scores,
    predict_question,
    two_starts,
    update_steps,
)
from clustering.view import display_steps
from ui.cache import cached
from ui.layout import figure_style, presentation
from ui.state import peek, set_value, setting
from ui.timeline import timeline

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
    """Data, K, initialisation and start seed, in one row (folded away on a projector)."""
    box = st.expander("Lesson data, K and start") if presentation() else st.container()
    with box:
        cols = st.columns([2.2, 1.6, 1.6, 1])
        name = setting(cols[0].radio, "learn_dataset", "Data", list(LESSON_DATASETS),
                       horizontal=True, format_func=LESSON_DATASETS.get)
        k = setting(cols[1].slider, "learn_k", "K (number of clusters)", 2, 6)
        init = setting(cols[2].selectbox, "learn_init", "Initialisation", list(INIT_CHOICES),
                       format_func=INIT_CHOICES.get)
        seed = setting(cols[3].number_input, "learn_seed", "Start (seed)", 0, 9999)
    return Lesson(name, int(k), init, int(seed))


@dataclass(frozen=True)
class Slots:
    """Where a screen writes: its words and widgets, and its chart."""

    text: Any
    chart: Any


def show_screen(number: int, lesson: Lesson) -> None:
    """The screen's title, paragraph and chart: stacked, or side by side on a projector."""
    screen = SCREENS[number - 1]
    if presentation():
        text, chart = st.columns([1, 2.4], gap="medium")
    else:
        text, chart = st.container(), st.container()
    with text:
        st.header(f"{screen.number}. {screen.title}")
        st.markdown(screen.text)
    _RENDERERS[screen.key](lesson, Slots(text, chart))


def _chart(fig, slots: Slots) -> None:
    """Every lesson chart goes through the timeline component (still or stepped)."""
    present = presentation()
    with slots.chart:
        timeline(figure_json(fig), key=_CHART, height=figure_style().height + 110,
                 fit=present, present=present)


# --- one renderer per screen ---------------------------------------------------------------


def _points(lesson: Lesson, slots: Slots) -> None:
    slots.text.caption(DATA_NOTES[lesson.name])
    _chart(points_figure(lesson.data.X, lesson.titles, highlight=0, ranges=lesson.ranges,
                         style=figure_style()), slots)


def _init(lesson: Lesson, slots: Slots) -> None:
    start = lesson.run.history.centers[0]
    slots.text.info(INIT_NOTES[lesson.init], icon=":material/lightbulb:")
    links = init_links(start) if lesson.init == "farthest" else None
    _chart(centroids_figure(lesson.data.X, start, lesson.titles, links=links,
                            ranges=lesson.ranges, style=figure_style(),
                            title=f"{lesson.k} starting centroids, numbered in the order picked"),
           slots)


def _assign(lesson: Lesson, slots: Slots) -> None:
    X, history = lesson.data.X, lesson.run.history
    q = predict_question(X, history, 1)
    asked = (lesson, q.step)
    if st.session_state.get("learn_predict_for") != asked:
        st.session_state["learn_predict_for"] = asked
        st.session_state["learn_predict"] = None  # a new question starts unanswered
    k = len(q.centers)
    with slots.text:
        answer = st.radio("**Predict:** which centroid will the circled point join?",
                          list(range(k)), key="learn_predict", horizontal=True,
                          format_func=lambda j: f"Centroid {j} ({color_name(j)})")
    if answer is None:
        _chart(assign_figure(X, q.before, q.centers, lesson.titles, highlight=q.row,
                             question="Which centroid will I join?", ranges=lesson.ranges,
                             style=figure_style()), slots)
        return
    others = ", ".join(f"{q.distances[j]:.2g} to {j}" for j in range(k) if j != q.answer)
    why = (f"Its nearest centroid is {q.answer} ({color_name(q.answer)}): distance "
           f"{q.distances[q.answer]:.2g}, against {others}.")
    with slots.text:
        if answer == q.answer:
            st.success(f"Right! {why}", icon=":material/check_circle:")
        else:
            st.error(f"Not this time. {why}", icon=":material/cancel:")
        st.button("Hide the answer and ask again", key="learn_predict_reset",
                  on_click=_unanswer, icon=":material/replay:")
        st.caption("Step on to see every later assign: the lines always go to the centroids "
                   "of that moment.")
    steps = assign_steps(X, history, q.row)
    _chart(assign_timeline(X, steps, lesson.titles, last_step=history.n_steps - 1,
                           highlight=q.row, ranges=lesson.ranges, style=figure_style()),
           slots)


def _unanswer() -> None:
    st.session_state["learn_predict"] = None


def _update(lesson: Lesson, slots: Slots) -> None:
    history = lesson.run.history
    moves = update_steps(history)
    notes = []
    for m in moves:
        shift = np.linalg.norm(m.new - m.old, axis=1)
        notes.append("moved: " + ", ".join(f"{j} by {d:.2g}" for j, d in enumerate(shift)))
    slots.text.caption("Hollow X: where each centroid was; filled X: the mean of its points "
                       "now. Step on to see every update.")
    iterations = [int(history.iteration[m.step]) for m in moves]
    _chart(update_timeline(lesson.data.X, moves, lesson.titles, last_step=history.n_steps - 1,
                           iterations=iterations, notes=notes, ranges=lesson.ranges,
                           center_rule=lesson.run.center, style=figure_style()), slots)


def _run_timeline(lesson: Lesson, *, start: int | None, residuals: bool = False):
    run, h = lesson.run, lesson.run.history
    phases, iterations = display_steps(h.phase, h.iteration, run.n_iter)
    return timeline_spec(
        lesson.data.X, h.labels, h.centers, phases, iterations, h.objective,
        axis_titles=lesson.titles, ranges=lesson.ranges, shapes="cluster",
        metric_label="Total error", start_step=start, style=figure_style(),
        center_rule=run.center, last_note="converged: no point changed cluster",
        equal_aspect=True, residuals=residuals)


def _repeat(lesson: Lesson, slots: Slots) -> None:
    run, h = lesson.run, lesson.run.history
    last_assign = max(s for s, p in enumerate(h.phase) if p == "assign")
    changed = [int(h.n_changed[s]) for s, p in enumerate(h.phase) if p == "assign"]
    with slots.text:
        st.success(f"Converged after {run.n_iter} iterations: at the last assign "
                   f"{int(h.n_changed[last_assign])} points changed cluster, so the centroids "
                   "stayed where they were.", icon=":material/check_circle:")
        st.caption("Points that changed cluster at each assign: "
                   + ", ".join(str(c) for c in changed) + ".")
    _chart(_run_timeline(lesson, start=0), slots)


def _error(lesson: Lesson, slots: Slots) -> None:
    slots.text.caption("Each line is one point's distance to its centroid; the total error is "
                       "the sum of their squares. Step back and forth: it never goes up.")
    _chart(_run_timeline(lesson, start=None, residuals=True), slots)


def _starts(lesson: Lesson, slots: Slots) -> None:
    pair = _two_starts(lesson.name, lesson.k, lesson.init, lesson.seed)
    (a, b), (sa, sb) = pair.runs, pair.seeds
    names = [f"Start A (seed {sa}): error {a.inertia:,.4g}",
             f"Start B (seed {sb}): error {b.inertia:,.4g}"]
    with slots.text:
        if pair.differ:
            st.info(f"Same data, same K, same method, two starts: errors {a.inertia:,.4g} and "
                    f"{b.inertia:,.4g}. Keep the lower one, A.", icon=":material/lightbulb:")
        else:
            st.info(f"All 20 starts with {INIT_CHOICES[lesson.init]} reached the same answer "
                    "here. Try “Random points”, or another K.", icon=":material/lightbulb:")
    _chart(two_runs_figure(lesson.data.X, [a.labels, b.labels],
                           [a.history.centers, b.history.centers], names, lesson.titles,
                           style=figure_style()), slots)


def _evaluate(lesson: Lesson, slots: Slots) -> None:
    scores = _scores(lesson.name, lesson.k, lesson.init, lesson.seed)
    _chart(metric_bars_figure(scores, style=figure_style(),
                              title=f"Scores of the run on screen 5 (K={lesson.k})"), slots)
    with slots.text:
        for key in scores:
            st.markdown(f"**{METRICS[key].label}**: {METRICS[key].explanation}")


_RENDERERS: dict[str, Callable[[Lesson, Slots], None]] = {
    "points": _points, "init": _init, "assign": _assign, "update": _update,
    "repeat": _repeat, "error": _error, "starts": _starts, "evaluate": _evaluate,
}
