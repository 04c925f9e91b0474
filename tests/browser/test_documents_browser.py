"""The Documents page in Chromium, served by the real `streamlit run`: the labelled 20 Newsgroups
corpus clustered into topics, its document map stepped in the run's timeline (as on
Explore), and a search whose matches are marked and whose text is never rendered as HTML.
Screenshots go to test-artifacts/screenshots/documents_*.png.
"""

from __future__ import annotations

from tests.browser.conftest import screenshot, wait_for_app, wait_for_chart

TERMS = ".st-key-documents_terms .js-plotly-plot"
QUERY = ".st-key-documents_query input"
WAIT = 180_000  # a hang guard for a cold start on a loaded machine, not a speed check


def open_documents(page, app_url: str, query: str = "") -> None:
    page.goto(f"{app_url}/Documents{query}")
    page.wait_for_selector(TERMS, timeout=WAIT)
    wait_for_app(page, timeout=WAIT)


def tab(page, name: str) -> None:
    """Open a tab (a keyed tab bar: switching reruns the page) and wait for the rerun."""
    page.locator("[data-testid=stTab]", has_text=name).click()
    page.wait_for_selector(f"[data-testid=stTab][aria-selected=true]:has-text('{name}')",
                           timeout=WAIT)
    wait_for_app(page, timeout=WAIT)


def search_for(page, text: str) -> None:
    box = page.locator(QUERY)
    box.fill(text)
    box.press("Enter")


def test_the_labelled_corpus_is_clustered_into_topics(page, app_url):
    open_documents(page, app_url)
    main = page.locator("[data-testid=stMain]")
    text = main.inner_text()
    assert "3,387" in text and "A document is a vector of word frequencies." in text
    bars = page.locator(f"{TERMS} .barlayer .trace")
    assert bars.count() == 4  # one panel of top terms per cluster
    terms = page.locator(TERMS).inner_text()
    for word in ("space", "god", "graphics"):
        assert word in terms
    tab(page, "Document map")
    # The map is the timeline component (its chart inside the component's frame), with the
    # timeline's own controls instead of plotly's Play button.
    chart = wait_for_chart(page, "documents_map")
    chart.locator(".scatterlayer .trace .point").first.wait_for(timeout=WAIT)
    frame = page.frame_locator(".st-key-documents_map iframe")
    for control in ("#first", "#back", "#play", "#forward", "#last", "#scrub"):
        assert frame.locator(control).is_visible(), control
    assert not frame.locator("#move").is_visible()  # moving centres is Explore's
    assert chart.locator(".updatemenu-container").count() == 0
    steps = int(frame.locator("#scrub").get_attribute("max"))
    assert steps >= 2  # init, assign, update, ...
    assert frame.locator("#caption").inner_text().startswith(f"Step {steps} of {steps}")
    frame.locator("#first").click()
    frame.locator("#caption", has_text=f"Step 0 of {steps}").wait_for(timeout=WAIT)
    assert frame.locator("#scrub").input_value() == "0"
    frame.locator("#last").click()
    frame.locator("#caption", has_text=f"Step {steps} of {steps}").wait_for(timeout=WAIT)
    screenshot(page, "documents_newsgroups")


def test_a_search_marks_its_terms_and_shows_hostile_text_literally(page, app_url):
    open_documents(page, app_url)
    tab(page, "Find documents")
    search_for(page, "space shuttle launch")
    page.wait_for_selector("text=Nearest cluster", timeout=WAIT)
    wait_for_app(page, timeout=WAIT)
    main = page.locator("[data-testid=stMain]")
    assert "matching terms: space" in main.inner_text()
    marked = {t.strip().lower() for t in main.locator("[data-testid=stCaptionContainer] strong")
              .all_inner_texts()}
    assert marked and marked <= {"space", "shuttle", "launch"}
    assert "q=space+shuttle+launch" in page.url or "q=space%20shuttle%20launch" in page.url
    screenshot(page, "documents_search")

    hostile = '<img src=x onerror="window.pwned=1"> [link](https://evil.example) nasa'
    search_for(page, hostile)
    page.wait_for_selector("text=Not in the vocabulary", timeout=WAIT)
    wait_for_app(page, timeout=WAIT)
    assert main.locator("img[src=x]").count() == 0
    assert main.locator("a[href*='evil.example']").count() == 0
    assert page.evaluate("() => window.pwned === undefined")
    assert "Nearest cluster" in main.inner_text()  # "nasa" is a known term
