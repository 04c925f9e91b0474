"""AppTest: the Learn page walks through every screen, opens on a linked screen, and the
predict moment accepts an answer and reveals the engine's."""

from __future__ import annotations

import numpy as np
import pytest

from clustering.engine._distances import pairwise
from clustering.lesson._screens import SCREENS, lesson_data, lesson_run, predict_question
from tests.apptest_helpers import array, figure_by_key, page, texts
from tests.pages.shown import literal

pytestmark = pytest.mark.timeout(300)

PAGE = "pages/5_Learn.py"


def url_screen(at) -> int:
    """The screen in the URL; a settings registry may leave the default (1) out."""
    return int(at.query_params.get("screen", "1"))


def heading(at) -> str:
    return at.header[0].value


def chart(at) -> dict:
    return figure_by_key(at, "learn_chart")


def drawn_points(at) -> int:
    fig = chart(at)
    points = [t for t in fig["data"] if t.get("name") == "points"]
    return len(array(points[0]["x"]))


@pytest.fixture()
def learn():
    at = page(PAGE).run()
    assert not at.exception, at.exception
    return at


def test_opens_on_screen_1_with_the_points(learn):
    assert heading(learn) == "1. Points in space"
    assert url_screen(learn) == 1
    assert drawn_points(learn) == 90
    assert learn.button(key="learn_back").disabled


def test_next_walks_every_screen_in_order(learn):
    for screen in SCREENS:
        assert heading(learn) == f"{screen.number}. {screen.title}"
        assert url_screen(learn) == screen.number
        assert learn.selectbox(key="learn_screen").value == screen.number
        chart(learn)  # every screen draws its figure
        if screen.number < len(SCREENS):
            learn.button(key="learn_next").click().run()
            assert not learn.exception, (screen.number, learn.exception)
    assert learn.button(key="learn_next").disabled
    learn.button(key="learn_back").click().run()
    assert heading(learn).startswith("7. ")


@pytest.mark.parametrize("screen", SCREENS, ids=[s.key for s in SCREENS])
def test_every_screen_opens_from_its_url(screen):
    at = page(PAGE, {"screen": str(screen.number)}).run()
    assert not at.exception, at.exception
    assert heading(at) == f"{screen.number}. {screen.title}"
    assert screen.text in texts(at)
    chart(at)
    assert url_screen(at) == screen.number


def test_bad_screen_in_url_falls_back_to_1_with_a_notice():
    at = page(PAGE, {"screen": "99"}).run()
    assert not at.exception
    assert heading(at).startswith("1. ")
    assert "Ignored screen='99'" in " ".join(literal(i.value) for i in at.info)


def test_picker_jumps_and_the_url_follows(learn):
    learn.selectbox(key="learn_screen").set_value(6).run()
    assert not learn.exception
    assert heading(learn).startswith("6. ")
    assert url_screen(learn) == 6
    fig = chart(learn)  # one timeline: residual lines, points and the objective panel
    assert fig["layout"]["meta"]["timeline"]["cursor"]
    assert any(t.get("name", "").endswith(" lines") for t in fig["data"])


def _expected_answer(name="blobs", k=3, init="random", seed=0):
    data = lesson_data(name)
    run = lesson_run(data.X, k, init, seed)
    q = predict_question(data.X, run.history)
    return q, int(np.argmin(pairwise(data.X[[q.row]], q.centers)[0]))


def _answer_and_check(at, choice: int, expected: int) -> str:
    at.radio(key="learn_predict").set_value(choice).run()
    assert not at.exception
    verdict = (at.success or at.error)[0].value
    assert f"nearest centroid is {expected} " in verdict
    return verdict


def test_predict_moment_accepts_a_right_answer_and_reveals_it():
    q, nearest = _expected_answer()
    assert q.answer == nearest
    at = page(PAGE, {"screen": "3"}).run()
    assert at.radio(key="learn_predict").value is None
    before = chart(at)
    # Unanswered: the highlighted point is still grey and no distance lines are drawn.
    assert not any("nearest centroid" in (t.get("name") or "") for t in before["data"])
    verdict = _answer_and_check(at, q.answer, q.answer)
    assert verdict.startswith("Right!")
    after = chart(at)
    assert any("nearest centroid" in (t.get("name") or "") for t in after["data"])
    # The teacher can hide the answer again before showing the class.
    at.button(key="learn_predict_reset").click().run()
    assert not at.exception
    assert at.radio(key="learn_predict").value is None and not at.success


def test_predict_moment_says_when_the_answer_is_wrong():
    q, nearest = _expected_answer()
    at = page(PAGE, {"screen": "3"}).run()
    wrong = (q.answer + 1) % 3
    verdict = _answer_and_check(at, wrong, nearest)
    assert verdict.startswith("Not this time.")


def test_predict_question_follows_the_settings_and_resets():
    q, nearest = _expected_answer("iris", 4, "farthest", 2)
    at = page(PAGE, {"screen": "3"}).run()
    at.radio(key="learn_predict").set_value(0).run()
    at.radio(key="learn_dataset").set_value("iris")
    at.slider(key="learn_k").set_value(4)
    at.selectbox(key="learn_init").set_value("farthest")
    at.number_input(key="learn_seed").set_value(2).run()
    assert not at.exception
    assert at.radio(key="learn_predict").value is None  # a new question is unanswered
    assert len(at.radio(key="learn_predict").options) == 4
    _answer_and_check(at, 1, nearest)


def test_init_screen_explains_farthest_with_lines():
    at = page(PAGE, {"screen": "2"}).run()
    at.selectbox(key="learn_init").set_value("farthest").run()
    assert not at.exception
    assert "Farthest point" in at.info[0].value
    names = [t.get("name") or "" for t in chart(at)["data"]]
    assert sum("farthest" in n for n in names) == 2  # one line per centroid after the first


def test_iris_points_and_two_starts():
    at = page(PAGE, {"screen": "7"}).run()
    at.radio(key="learn_dataset").set_value("iris").run()
    assert not at.exception
    assert drawn_points(at) == 150
    assert "two starts" in texts(at) or "same answer" in texts(at)


@pytest.mark.parametrize("screen", SCREENS, ids=[s.key for s in SCREENS])
def test_every_screen_scales_up_in_presentation_mode(screen):
    from clustering.figures._style import PRESENTATION_STYLE

    at = page(PAGE, {"screen": str(screen.number), "present": "1"}).run()
    assert not at.exception
    assert chart(at)["layout"]["font"]["size"] == PRESENTATION_STYLE.font_size
    assert at.query_params["present"] == "1" and url_screen(at) == screen.number


def test_after_the_answer_the_assign_screen_steps_through_every_assign():
    data = lesson_data("blobs")
    history = lesson_run(data.X, 3, "random", 0).history
    assigns = [s for s, p in enumerate(history.phase) if p == "assign"]
    at = page(PAGE, {"screen": "3"}).run()
    assert "learn_iteration" not in [w.key for w in at.slider]  # no server-side stepping
    at.radio(key="learn_predict").set_value(0).run()
    assert not at.exception
    frames = chart(at)["frames"]
    assert len(frames) == len(assigns)
    last = history.n_steps - 1
    for frame, step, iteration in zip(frames, assigns, range(1, len(assigns) + 1),
                                      strict=True):
        title = frame["layout"]["title"]["text"]
        assert title.startswith(f"<b>Step {step} of {last}</b> · iteration {iteration} · assign")
        assert frame["layout"]["annotations"]  # centroid numbers and distances move along


def test_page_file_is_short():
    from tests.apptest_helpers import REPO

    assert len((REPO / PAGE).read_text().splitlines()) < 150
