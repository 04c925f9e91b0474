"""The Choose K page in Chromium, served by the real `streamlit run`.

Screenshots go to test-artifacts/screenshots/choose_k_*.png. Streamlit scrolls its own main
block, so a full-page screenshot of a 1000 px window shows only the top: the page is widened
to a tall window first so every chart is in the picture.
"""

from __future__ import annotations

from clustering.evaluation._metrics import SILHOUETTE_SAMPLE_SIZE
from tests.browser.conftest import hover_point, screenshot, settle, wait_for_app, wait_for_chart

CHART_KEYS = (
    "choose_k_objective", "choose_k_silhouette", "choose_k_calinski_harabasz",
    "choose_k_davies_bouldin", "choose_k_stability", "choose_k_external",
    "choose_k_silhouette_plot", "choose_k_silhouette_scatter", "choose_k_study_objective",
    "choose_k_study_iterations",
)
LAST_CHART = ".st-key-choose_k_study_iterations .js-plotly-plot"


def open_choose_k(page, app_url: str, query: str = "") -> None:
    page.goto(f"{app_url}/Choose_K{query}")
    page.wait_for_selector(LAST_CHART)
    wait_for_app(page)


def tall_screenshot(page, name: str, height: int = 4200) -> None:
    page.set_viewport_size({"width": 1400, "height": height})
    settle(page)
    screenshot(page, name)
    page.set_viewport_size({"width": 1400, "height": 1000})


def drawn_paths(page, key: str) -> int:
    """SVG paths with a non-empty outline in a chart's data layers (0 for a blank chart)."""
    return page.locator(f".st-key-{key} .js-plotly-plot").evaluate(
        """el => [...el.querySelectorAll('.scatterlayer path, .boxlayer path')]
                 .filter(p => (p.getAttribute('d') || '').length > 8).length"""
    )


def explore_k(page) -> str:
    page.wait_for_url("**/Explore**")
    wait_for_chart(page, "explore_run_chart")
    wait_for_app(page)
    return page.locator(".st-key-sb_k input[type=range]").get_attribute("value")


def test_every_chart_renders_on_iris(page, app_url):
    open_choose_k(page, app_url)
    assert page.locator(".js-plotly-plot").count() == len(CHART_KEYS)
    for key in CHART_KEYS:
        assert drawn_paths(page, key) > 0, f"{key} drew nothing"
    # Score charts: a line with a point per K (2..10), the elbow chart from K=1.
    points = page.locator(".st-key-choose_k_objective .scatterlayer .trace").first
    assert points.locator("path.point").count() == 10
    assert "elbow K=3" in page.locator(".st-key-choose_k_objective").inner_text()
    text = page.locator("[data-testid=stMain]").inner_text()
    assert "The elbow of the objective is at K=3 (Kneedle)." in text
    assert "Silhouette peaks at K=2." in text
    # Silhouette plot: one band per cluster, clusters named on the axis.
    bands = page.locator(".st-key-choose_k_silhouette_plot .scatterlayer .trace")
    assert bands.count() == 3
    assert "Cluster 2" in page.locator(".st-key-choose_k_silhouette_plot").inner_text()
    assert "negative silhouette" in page.locator(".st-key-choose_k_silhouette_scatter").inner_text()
    tall_screenshot(page, "choose_k_iris")


def test_progress_bar_shows_on_a_larger_set(page, app_url):
    page.goto(f"{app_url}/Choose_K?dataset=blobs&n=50000")
    bar = page.wait_for_selector("[data-testid=stProgress]")
    assert bar is not None
    screenshot(page, "choose_k_progress")
    page.wait_for_selector(".st-key-choose_k_objective .js-plotly-plot")
    wait_for_app(page)
    assert page.locator("[data-testid=stProgress]").count() == 0  # gone when done
    text = page.locator("[data-testid=stMain]").inner_text()
    assert "Stability runs use a seeded sample of 10,000 of 50,000 rows." in text
    m = SILHOUETTE_SAMPLE_SIZE
    assert f"Silhouette computed on a random sample of {m} of 50000 rows" in text
    # The init study on 50,000 rows waits for a click instead of running by itself.
    assert page.locator(".st-key-choose_k_study_run button").count() == 1
    tall_screenshot(page, "choose_k_blobs_50000", height=3000)


def test_k_button_opens_explore_with_that_k(page, app_url):
    open_choose_k(page, app_url)
    page.get_by_role("button", name="K=4", exact=True).click()
    assert explore_k(page) == "4"
    assert "k=4" in page.url
    legend = wait_for_chart(page, "explore_run_chart").locator(".legendtext").all_text_contents()
    assert [t for t in legend if t.startswith("Cluster ")] == [f"Cluster {j}" for j in range(4)]
    # The other settings came along: Iris with its four features (a reset would leave none).
    assert "150 rows × 4 features" in page.locator("[data-testid=stMain]").inner_text()
    screenshot(page, "choose_k_opened_k4_on_explore")


def test_worst_run_button_opens_that_run_on_explore(page, app_url):
    open_choose_k(page, app_url)
    button = page.locator(".st-key-choose_k_worst_random button").first
    button.hover()
    button.click()
    assert explore_k(page) == "3"
    assert "init=random" in page.url and "seed=" in page.url
    screenshot(page, "choose_k_worst_random_on_explore")


def test_clicking_a_point_on_a_score_chart_opens_that_k(page, app_url):
    open_choose_k(page, app_url)
    chart = page.locator(".st-key-choose_k_silhouette")
    chart.scroll_into_view_if_needed()
    settle(page)
    point = chart.locator(".scatterlayer .trace").first.locator("path.point").nth(3)  # K=5
    box = point.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # Plotly clicks the point it hovers: make sure it hovers K=5 first.
    hover_point(page, ".st-key-choose_k_silhouette .js-plotly-plot", x, y, point=3)
    page.mouse.click(x, y)
    assert explore_k(page) == "5"
