"""The Learn page in Chromium: walk the lesson with Next, answer the predict question.

Every screen is saved under test-artifacts/screenshots/learn_screen_N.png: look at them (a
chart that renders blank passes every JSON assertion and fails a class).
"""

from __future__ import annotations

from playwright.sync_api import expect

from clustering.lesson._screens import SCREENS
from tests.browser.conftest import (
    choose,
    header,
    inked,
    press,
    rerun,
    screenshot,
    sidebar_link,
    wait_for_app,
    wait_for_chart,
)

CHART = "learn_chart"
"""Key of the lesson's chart: a timeline component, its plotly chart inside its frame."""


def open_learn(page, app_url: str, query: str = "") -> None:
    page.goto(f"{app_url}/Learn{query}")
    wait_for_chart(page, CHART)
    wait_for_app(page)


def test_walk_every_screen_with_next(page, app_url):
    open_learn(page, app_url)
    for screen in SCREENS:
        assert header(page).startswith(f"{screen.number}. {screen.title}")
        # The default screen may be left out of the URL.
        assert f"screen={screen.number}" in page.url or (
            screen.number == 1 and "screen=" not in page.url)
        inked(page, CHART, f"screen {screen.number}")
        screenshot(page, f"learn_screen_{screen.number}")
        if screen.number < len(SCREENS):
            with rerun(page):
                page.locator(".st-key-learn_next button").click()
            wait_for_chart(page, CHART)
    assert page.locator(".st-key-learn_next button").is_disabled()


def test_link_opens_a_screen_and_the_predict_moment_reveals_the_answer(page, app_url):
    open_learn(page, app_url, "?screen=3")
    assert header(page).startswith("3. ")
    screenshot(page, "learn_predict_question")
    with rerun(page):
        page.locator(".st-key-learn_predict [role=radiogroup] label").first.click()
    verdict = page.locator("[data-testid=stAlertContentSuccess], [data-testid=stAlertContentError]")
    verdict.first.wait_for()
    assert "nearest centroid is" in verdict.first.inner_text()
    inked(page, CHART, "predict answer")
    screenshot(page, "learn_predict_answer")


def test_farthest_start_on_iris_draws_the_why(page, app_url):
    open_learn(page, app_url, "?screen=2")
    with rerun(page):
        page.locator(".st-key-learn_dataset [role=radiogroup] label").nth(1).click()
    expect(wait_for_chart(page, CHART).locator(".xtitle").first).to_contain_text("petal length")
    choose(page, "learn_init", "Farthest point")
    expect(page.locator("[data-testid=stAlertContentInfo]").first).to_contain_text(
        "Farthest point")
    inked(page, CHART, "farthest start on Iris")
    screenshot(page, "learn_screen_2_farthest_iris")


def test_lesson_survives_a_visit_to_another_page(page, app_url):
    open_learn(page, app_url, "?screen=4")
    slider = page.locator(".st-key-learn_k input[type=range]")
    slider.focus()
    press(page, slider, "ArrowRight")
    sidebar_link(page, "Explore").click()
    page.wait_for_selector(".st-key-explore_run_chart")
    wait_for_app(page)
    sidebar_link(page, "Learn").click()
    wait_for_chart(page, CHART)
    wait_for_app(page)
    assert header(page).startswith("4. ")
    assert "screen=4" in page.url
    assert page.locator(".st-key-learn_k input[type=range]").get_attribute("value") == "4"
