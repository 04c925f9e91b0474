"""The Learn page in Chromium: walk the lesson with Next, answer the predict question.

Every screen is saved under test-artifacts/screenshots/learn_screen_N.png: look at them (a
chart that renders blank passes every JSON assertion and fails a class).
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from clustering.lesson._screens import SCREENS
from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.timeout(300)

CHART = ".st-key-learn_chart .js-plotly-plot"


def open_learn(page, app_url: str, query: str = "") -> None:
    page.goto(f"{app_url}/Learn{query}")
    page.wait_for_selector(CHART, timeout=90_000)
    wait_for_app(page)


def wait_for_rerun(page) -> None:
    page.wait_for_timeout(300)
    wait_for_app(page)


def inked_pixels(page, selector: str) -> int:
    """Pixels clearly darker or more coloured than the white background (0 = blank chart)."""
    png = page.locator(selector).first.screenshot()
    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    return int(((rgb.min(axis=2) < 150) | (rgb.max(axis=2) - rgb.min(axis=2) > 60)).sum())


def header(page) -> str:
    return page.locator("[data-testid=stHeading] h2").first.inner_text()


def test_walk_every_screen_with_next(page, app_url):
    open_learn(page, app_url)
    for screen in SCREENS:
        assert header(page).startswith(f"{screen.number}. {screen.title}")
        # The default screen may be left out of the URL.
        assert f"screen={screen.number}" in page.url or (
            screen.number == 1 and "screen=" not in page.url)
        page.wait_for_timeout(400)  # plotly draws after the script finishes
        assert inked_pixels(page, CHART) > 3000, f"screen {screen.number} chart looks blank"
        screenshot(page, f"learn_screen_{screen.number}")
        if screen.number < len(SCREENS):
            page.locator(".st-key-learn_next button").click()
            wait_for_rerun(page)
            page.wait_for_selector(CHART, timeout=60_000)
    assert page.locator(".st-key-learn_next button").is_disabled()


def test_link_opens_a_screen_and_the_predict_moment_reveals_the_answer(page, app_url):
    open_learn(page, app_url, "?screen=3")
    assert header(page).startswith("3. ")
    screenshot(page, "learn_predict_question")
    page.locator(".st-key-learn_predict [role=radiogroup] label").first.click()
    wait_for_rerun(page)
    verdict = page.locator("[data-testid=stAlertContentSuccess], [data-testid=stAlertContentError]")
    verdict.first.wait_for(timeout=30_000)
    assert "nearest centroid is" in verdict.first.inner_text()
    page.wait_for_timeout(400)
    assert inked_pixels(page, CHART) > 3000
    screenshot(page, "learn_predict_answer")


def test_farthest_start_on_iris_draws_the_why(page, app_url):
    open_learn(page, app_url, "?screen=2")
    page.locator(".st-key-learn_dataset [role=radiogroup] label").nth(1).click()
    wait_for_rerun(page)
    page.wait_for_selector(f"{CHART} .xtitle:has-text('petal length')", timeout=30_000)
    page.locator(".st-key-learn_init [role=combobox]").click()
    page.get_by_role("option", name="Farthest point", exact=True).click()
    wait_for_rerun(page)
    assert "Farthest point" in page.locator("[data-testid=stAlertContentInfo]").first.inner_text()
    page.wait_for_timeout(400)
    assert inked_pixels(page, CHART) > 3000
    screenshot(page, "learn_screen_2_farthest_iris")


def test_lesson_survives_a_visit_to_another_page(page, app_url):
    open_learn(page, app_url, "?screen=4")
    slider = page.locator(".st-key-learn_k input[type=range]")
    slider.focus()
    slider.press("ArrowRight")
    wait_for_rerun(page)
    page.locator("[data-testid=stSidebarNav] a", has_text="Explore").click()
    page.wait_for_selector(".st-key-explore_run_chart", timeout=90_000)
    wait_for_app(page)
    page.locator("[data-testid=stSidebarNav] a", has_text="Learn").click()
    page.wait_for_selector(CHART, timeout=60_000)
    wait_for_app(page)
    assert header(page).startswith("4. ")
    assert "screen=4" in page.url
    assert page.locator(".st-key-learn_k input[type=range]").get_attribute("value") == "4"


@pytest.fixture()
def big_page(browser):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("screen", [s.number for s in SCREENS])
def test_presentation_mode_at_1920x1080(big_page, app_url, screen):
    page = big_page
    open_learn(page, app_url, f"?present=1&screen={screen}")
    assert header(page).startswith(f"{screen}. ")
    assert "present=1" in page.url
    assert screen == 1 or f"screen={screen}" in page.url  # the default is left out of links
    body = page.locator("[data-testid=stMarkdownContainer] p").first
    size = body.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 18
    # Nothing spills sideways: the page is no wider than the window.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1920
    page.wait_for_timeout(400)
    assert inked_pixels(page, CHART) > 3000
    screenshot(page, f"learn_present_screen_{screen}")
