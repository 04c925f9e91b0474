"""The Compare page in Chromium, served by the real `streamlit run`.

The grid is SVG, so every panel's points are DOM nodes: the tests count them per panel and
also check the rendered pixels of every panel (a panel drawn blank passes the JSON checks).
Screenshots land in test-artifacts/screenshots/compare_*.png.
"""

from __future__ import annotations

import io

from PIL import Image
from playwright.sync_api import expect

from clustering.compare._run import ALGORITHMS, DEFAULT_ALGORITHMS, TOY_SETS
from tests.browser.conftest import (
    choose,
    colored_pixels,
    rerun,
    screenshot,
    settle,
    wait_for_app,
)

GRID = ".st-key-compare_grid .js-plotly-plot"
TABLE = "[data-testid=stDataFrame]"


def open_compare(page, app_url: str, query: str = "") -> None:
    page.goto(f"{app_url}/Compare{query}")
    page.wait_for_selector(GRID)
    wait_for_app(page)


def panel_traces(page):
    return page.locator(f"{GRID} .scatterlayer g.trace.scatter")


def panel_pixels(page) -> list[int]:
    """Saturated pixels inside each drawn panel (one screenshot, cropped per trace)."""
    # Chromium paints only what is inside the viewport: make the whole grid fit in it.
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": 2600})
    settle(page)
    grid = page.locator(GRID).first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    image = Image.open(io.BytesIO(grid.screenshot())).convert("RGB")
    counts = []
    for trace in panel_traces(page).all():
        b = trace.bounding_box()
        crop = image.crop((int(b["x"] - box["x"]), int(b["y"] - box["y"]),
                           int(b["x"] - box["x"] + b["width"]) + 1,
                           int(b["y"] - box["y"] + b["height"]) + 1))
        buf = io.BytesIO()
        crop.save(buf, format="PNG")
        counts.append(colored_pixels(buf.getvalue()))
    page.set_viewport_size(size)
    settle(page)
    return counts


def test_grid_renders_every_panel_with_points(page, app_url):
    open_compare(page, app_url)
    n_rows, n_cols = len(TOY_SETS) + 1, len(DEFAULT_ALGORITHMS)
    traces = panel_traces(page)
    assert traces.count() == n_rows * n_cols
    # Every panel draws its points (SVG paths), and they show colour on screen.
    for trace in traces.all():
        assert trace.locator("path.point").count() >= 100
    pixels = panel_pixels(page)
    assert min(pixels) > 50, str(list(enumerate(pixels)))
    screenshot(page, "compare_default_grid")
    # Column and row titles are on the chart.
    text = page.locator(GRID).inner_text()
    for name in DEFAULT_ALGORITHMS:  # long titles wrap onto two lines
        assert ALGORITHMS[name].title.split()[0] in text
    assert "Noisy moons" in text and "Your data: Iris" in text
    # Only one WebGL-free chart for the whole grid.
    assert page.locator(f"{GRID} canvas.gl-canvas-context").count() == 0
    # The table, the agreement matrix, the dendrogram and the k-distance plot are there.
    assert page.locator(f"{TABLE}").count() == 2  # the registry overview and the results
    for key in ("compare_agreement", "compare_dendrogram_chart", "compare_k_distance"):
        assert page.locator(f".st-key-{key} .js-plotly-plot").count() == 1


def test_large_data_runs_with_guards(page, app_url):
    """How fast this is on 100,000 rows is measured in benchmarks/bench_compare.py."""
    open_compare(page, app_url, "?dataset=blobs&n=100000")
    assert panel_traces(page).count() == (len(TOY_SETS) + 1) * len(DEFAULT_ALGORITHMS)
    body = page.locator("[data-testid=stMain]").inner_text()
    assert "100,000 rows" in body
    # The sampled algorithms say so in their corner and in the notes.
    assert "sample of 3,000" in page.locator(GRID).inner_text()  # ward's guard
    page.get_by_text("Notes per algorithm").click()
    notes = page.locator("[data-testid=stExpanderDetails]").all_inner_texts()
    assert any("seeded sample of 3,000 of 100,000 rows" in t for t in notes)
    assert min(panel_pixels(page)) > 50
    screenshot(page, "compare_100k_blobs")
    # Changing the corner score reruns from the cache and shows the new score.
    choose(page, "compare_score", "Silhouette")
    expect(page.locator(GRID)).to_contain_text("Silhouette")


def panel_colors(page) -> list[tuple[str, ...]]:
    """Fill colour of every drawn point, per panel (row-major), as the browser renders it."""
    return page.evaluate(
        """(sel) => Array.from(document.querySelectorAll(sel)).map(
               t => Array.from(t.querySelectorAll('path.point')).map(p => p.style.fill))""",
        f"{GRID} .scatterlayer g.trace.scatter",
    )


def test_changing_dbscan_eps_redraws_only_its_column(page, app_url):
    open_compare(page, app_url)
    before = panel_colors(page)
    page.get_by_text("DBSCAN parameters", exact=True).click()
    field = page.locator(".st-key-compare_dbscan_eps input")
    assert field.get_attribute("placeholder") == "auto"
    with rerun(page):
        field.fill("0.6")
        field.press("Enter")
    expect(page.locator("[data-testid=stMain]")).to_contain_text(
        "DBSCAN used eps = 0.6 (your value)")
    settle(page)
    after = panel_colors(page)
    n_cols = len(DEFAULT_ALGORITHMS)
    col = list(DEFAULT_ALGORITHMS).index("dbscan")
    changed = {i % n_cols for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b}
    assert changed == {col}
    screenshot(page, "compare_dbscan_eps_changed")
