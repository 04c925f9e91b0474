"""The Explore page in Chromium, served by the real `streamlit run`.

Each test saves a screenshot under test-artifacts/screenshots/ (look at them: a chart that
renders blank passes every JSON assertion and fails a person).
"""

from __future__ import annotations

import csv
import io
import re

from playwright.sync_api import expect

from tests.browser.conftest import (
    choose,
    drawn,
    hover_point,
    plotly_chart,
    press,
    rerun,
    screenshot,
    settle,
    sidebar_link,
    wait_for_app,
    wait_for_chart,
)
from tests.conftest import corpus_file

RUN = "explore_run_chart"
"""Key of the replay: a timeline component, its plotly chart inside the component's frame."""


def run_chart(page):
    return plotly_chart(page, RUN)


def open_explore(page, app_url: str, query: str = "") -> None:
    page.goto(f"{app_url}/Explore{query}")
    wait_for_chart(page, RUN)
    wait_for_app(page)


def legend_clusters(page) -> list[str]:
    texts = run_chart(page).locator(".legendtext").all_text_contents()
    return [t for t in texts if re.fullmatch(r"Cluster \d+", t)]


def headline(page) -> dict[str, str]:
    labels = page.locator("[data-testid=stMetricLabel]").all_text_contents()
    values = page.locator("[data-testid=stMetricValue]").all_text_contents()
    return dict(zip([label.strip() for label in labels], values, strict=False))


SUMMARY = "[data-testid=stAlertContentSuccess]"


def summary(page) -> str:
    return page.locator(SUMMARY).first.inner_text()


def wait_for_summary(page, text: str) -> None:
    """Wait until the run summary says ``text``, then for that run to finish."""
    expect(page.locator(SUMMARY).first).to_contain_text(text)
    wait_for_app(page)


def test_opens_on_iris_with_k3_and_draws_the_chart(page, app_url):
    open_explore(page, app_url)
    assert page.locator(".st-key-sb_k input[type=range]").get_attribute("value") == "3"
    assert legend_clusters(page) == ["Cluster 0", "Cluster 1", "Cluster 2"]
    # Points are drawn in WebGL: check the rendered pixels, not the JSON.
    drawn(page, run_chart(page), 2000)
    assert page.locator(".js-plotly-plot").count() >= 1  # the contingency table, at least
    assert "K=3 on 150 rows" in summary(page)
    screenshot(page, "explore_iris_k3")


def test_moving_k_and_switching_init_change_chart_and_metrics(page, app_url):
    open_explore(page, app_url)
    before = headline(page)
    slider = page.locator(".st-key-sb_k input[type=range]")
    slider.focus()
    press(page, slider, "ArrowRight", 2)
    wait_for_summary(page, "K=5")
    assert len(legend_clusters(page)) == 5
    after_k = headline(page)
    assert after_k["Objective (total error)"] != before["Objective (total error)"]
    screenshot(page, "explore_k5")

    choose(page, "sb_init", "Farthest point (maximin)")
    assert page.locator(".st-key-sb_init [role=combobox]").input_value().startswith("Farthest")
    assert headline(page) != after_k or drawn(page, run_chart(page), 2000)
    assert len(legend_clusters(page)) == 5
    screenshot(page, "explore_k5_farthest")


def test_animation_plays_in_the_browser(page, app_url):
    open_explore(page, app_url, "?k=4&init=random&seed=3")
    timeline = page.frame_locator(f".st-key-{RUN} iframe")
    scrub = timeline.locator("#scrub")
    timeline.locator("#first").click()
    expect(scrub).to_have_value("0")
    timeline.locator("#play").click()
    # Playing moves the scrubber on through the steps, in the browser (no rerun).
    expect(scrub).not_to_have_value("0")
    screenshot(page, "explore_animation_playing")


def test_upload_good_file_clusters_it_and_downloads_labels(page, app_url):
    open_explore(page, app_url)
    path = corpus_file("good_baseline.csv")
    page.locator(".st-key-sb_upload input[type=file]").set_input_files(str(path))
    wait_for_summary(page, "60 rows")
    drawn(page, run_chart(page), 500)
    screenshot(page, "explore_upload_good")

    # The open tab is a setting: opening one reruns the page, and only that rerun draws the
    # script buttons. Waiting for them, not for the script state to flip: a rerun this short
    # can start and end between two renders of the page, with no change to observe.
    page.get_by_role("tab", name="Download").click()
    page.get_by_role("button", name="Python script (.py)").wait_for()
    wait_for_app(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Labelled table (CSV)").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    assert "good_baseline" not in download.suggested_filename  # never named after the upload
    rows = list(csv.DictReader(io.StringIO(open(download.path(), encoding="utf-8-sig").read())))
    assert len(rows) == 60
    assert all(row["cluster"] != "" for row in rows)


def test_refused_upload_shows_one_sentence_and_keeps_working(page, app_url):
    open_explore(page, app_url)
    path = corpus_file("binary_renamed.csv")
    page.locator(".st-key-sb_upload input[type=file]").set_input_files(str(path))
    error = page.locator("[data-testid=stSidebar] [data-testid=stAlertContentError]")
    error.wait_for()
    message = error.inner_text().strip()
    assert "PNG" in message and message.count(".") <= 2
    wait_for_app(page)
    assert "K=3 on 150 rows" in summary(page)
    drawn(page, run_chart(page), 2000)
    screenshot(page, "explore_upload_refused")
    # Still working: K moves the chart after the refusal.
    slider = page.locator(".st-key-sb_k input[type=range]")
    slider.focus()
    press(page, slider, "ArrowRight")
    wait_for_summary(page, "K=4")


_POINT_ON_SCREEN = """(i) => {
  const gd = document.querySelector('.st-key-explore_pick_chart .js-plotly-plot');
  const trace = gd._fullData[0], xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
  const box = gd.getBoundingClientRect();
  return [box.left + xa._offset + xa.d2p(trace.x[i]), box.top + ya._offset + ya.d2p(trace.y[i])];
}"""


def test_manual_init_by_clicking_points(page, app_url):
    pick_chart = ".st-key-explore_pick_chart .js-plotly-plot"
    page.goto(f"{app_url}/Explore?init=manual&dataset=blobs&axes=features")
    page.wait_for_selector(pick_chart)
    wait_for_app(page)
    screenshot(page, "explore_manual_picking")
    for n_picked, point in enumerate([5, 100, 200], start=1):
        settle(page)  # the chart is drawn again after each pick
        x, y = page.evaluate(_POINT_ON_SCREEN, point)
        hover_point(page, pick_chart, x, y, point)  # plotly clicks the point it hovers
        with rerun(page):
            page.mouse.click(x, y)
        if n_picked < 3:
            expect(page.get_by_text(f"({n_picked} of 3 picked)")).to_be_visible()
    wait_for_chart(page, RUN)
    wait_for_app(page)
    assert page.get_by_text("picked by hand").count() == 1
    assert len(legend_clusters(page)) == 3
    screenshot(page, "explore_manual_done")


def test_settings_survive_switching_pages_through_the_menu(page, app_url):
    open_explore(page, app_url, "?k=5&scaling=minmax&present=1")
    page.locator("[data-testid=stSidebarCollapsedControl] button, "
                 "[data-testid=stExpandSidebarButton]").first.click()
    sidebar_link(page, "Choose K").click()
    page.wait_for_url("**/Choose_K**")
    page.wait_for_selector(".js-plotly-plot")
    wait_for_app(page)
    assert page.locator(".st-key-sb_k input[type=range]").get_attribute("value") == "5"
    sidebar_link(page, "Explore").click()
    wait_for_chart(page, RUN)
    wait_for_summary(page, "K=5")
    assert page.locator(".st-key-sb_present input").is_checked()
    assert "scaling=minmax" in page.url
