"""The Image page in Chromium, served by the real `streamlit run`.

Each test saves a screenshot under test-artifacts/screenshots/ (look at them: an <img> whose
file failed to load, or a blank chart, passes every JSON assertion and fails a person).
"""

from __future__ import annotations

import io
import re

import numpy as np
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import (
    drawn,
    press,
    screenshot,
    sidebar_link,
    wait_for_app,
    wait_for_chart,
)
from tests.conftest import corpus_file

PALETTE = ".st-key-image_palette_chart .js-plotly-plot"
SUMMARY = "[data-testid=stAlertContentSuccess]"


def open_image_page(page, app_url: str) -> None:
    page.goto(f"{app_url}/Image")
    page.wait_for_selector(PALETTE)
    wait_for_app(page)


def wait_for_summary(page, text: str) -> None:
    """Wait until the summary says ``text`` (not as the end of a longer number: "5 colours"
    is not "15 colours"), then for that run to finish."""
    expect(page.locator(SUMMARY).first).to_contain_text(re.compile(r"(?<!\d)" + re.escape(text)))
    wait_for_app(page)


def images(page) -> list[dict]:
    """Every image of the main area: its source, natural size and whether it finished."""
    return page.evaluate(
        """() => [...document.querySelectorAll('[data-testid=stMain] img')].map(img => ({
            src: img.currentSrc || img.src, width: img.naturalWidth,
            height: img.naturalHeight, complete: img.complete}))""")


def wait_for_images(page, count: int) -> list[dict]:
    page.wait_for_function(
        """(n) => {
            const imgs = [...document.querySelectorAll('[data-testid=stMain] img')];
            return imgs.length >= n && imgs.every(i => i.complete && i.naturalWidth > 0);
        }""",
        arg=count)
    return images(page)


def colored(page, selector: str, minimum: int) -> int:
    """Wait until a chart shows more than ``minimum`` colored pixels (0 for a blank chart)."""
    return drawn(page, selector, minimum, saturation=40)


def top_color_share(page, index: int, n: int) -> float:
    """Share of the rendered pixels of the ``index``-th image in its ``n`` commonest colours.

    The browser scales the image to the column, which blends colours along edges, so a
    5-colour image is "mostly 5 colours" on screen rather than exactly 5.
    """
    png = page.locator("[data-testid=stMain] img").nth(index).screenshot()
    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3)
    _, counts = np.unique(rgb, axis=0, return_counts=True)
    return float(np.sort(counts)[::-1][:n].sum() / counts.sum())


def test_page_renders_the_sample_image_and_its_palette(page, app_url):
    open_image_page(page, app_url)
    shown = wait_for_images(page, 2)
    assert len(shown) == 2
    for img in shown:
        assert img["width"] > 0 and img["height"] > 0
    assert shown[0]["width"] == 640 and shown[1]["width"] == 640
    assert "16 colours for 640 × 427" in page.locator(SUMMARY).inner_text()
    # The palette bars are drawn in their colours (SVG), and 16 of them.
    colored(page, PALETTE, 2000)
    assert page.locator(f"{PALETTE} .point").count() == 16
    # The quantized image really has few colours on screen, the original many.
    assert top_color_share(page, 1, 16) > 0.5 > top_color_share(page, 0, 16)
    assert page.locator(".st-key-image_color_space .js-plotly-plot").count() == 1
    curve = page.locator(".st-key-image_error_curve .js-plotly-plot .scatterlayer .trace")
    assert curve.count() >= 3
    screenshot(page, "image_china_k16")


def test_changing_k_changes_the_image(page, app_url):
    open_image_page(page, app_url)
    before = wait_for_images(page, 2)
    slider = page.locator(".st-key-image_k input[type=range]")
    slider.focus()
    press(page, slider, "ArrowLeft", 4)  # 16 -> 12
    wait_for_summary(page, "12 colours for")
    after = wait_for_images(page, 2)
    assert after[1]["src"] != before[1]["src"]
    assert after[0]["src"] == before[0]["src"]
    assert page.locator(f"{PALETTE} .point").count() == 12
    assert top_color_share(page, 1, 12) > 0.5
    screenshot(page, "image_china_k12")


def test_truncated_upload_is_refused_and_the_image_stays(page, app_url):
    open_image_page(page, app_url)
    wait_for_images(page, 2)
    page.locator(".st-key-image_upload input[type=file]").set_input_files(
        str(corpus_file("truncated.png")))
    error = page.locator("[data-testid=stMain] [data-testid=stAlertContentError] "
                         "[data-testid=stMarkdownContainer]")
    error.wait_for()
    wait_for_app(page)
    assert error.inner_text().strip() == "This image is truncated or corrupt."
    assert "640 × 427" in page.locator(SUMMARY).inner_text()
    assert len(wait_for_images(page, 2)) == 2
    colored(page, PALETTE, 2000)
    screenshot(page, "image_upload_truncated")


def test_good_upload_and_download(page, app_url):
    open_image_page(page, app_url)
    page.locator(".st-key-image_upload input[type=file]").set_input_files(
        str(corpus_file("rgba.png")))
    wait_for_summary(page, "64 × 64")
    shown = wait_for_images(page, 2)
    assert all(img["width"] > 0 for img in shown)
    assert page.locator(".st-key-image_background").count() == 1
    screenshot(page, "image_upload_rgba")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the quantized image (PNG)").click()
    download = info.value
    assert download.suggested_filename == "quantized.png"
    result = Image.open(download.path())
    assert result.format == "PNG" and result.size == (64, 64) and result.mode == "P"
    assert not result.info.get("exif") and not result.text


def test_presentation_mode_enlarges_the_figures(page, app_url):
    page.goto(f"{app_url}/Image?present=1")
    page.wait_for_selector(PALETTE)
    wait_for_app(page)
    wait_for_images(page, 2)
    size = page.evaluate(
        f"() => parseFloat(getComputedStyle(document.querySelector("
        f"'{PALETTE} .ytick text')).fontSize)")
    assert size >= 18
    colored(page, PALETTE, 2000)
    screenshot(page, "image_presentation")


def test_compare_and_zoom_show_every_method(page, app_url):
    open_image_page(page, app_url)
    wait_for_images(page, 2)
    page.get_by_text("Compare with a random codebook and Pillow's median cut").click()
    wait_for_images(page, 4)
    wait_for_app(page)
    page.get_by_text("Zoom in on a detail").click()
    shown = wait_for_images(page, 8)
    assert len(shown) == 8 and all(img["width"] > 0 for img in shown)
    assert shown[4]["width"] == shown[5]["width"] == 480  # a 120-pixel square, 4x
    rows = page.locator("[data-testid=stTable] tbody tr").all_inner_texts()
    assert [row.split("\t")[0].strip() for row in rows] == [
        "Original", "k-means", "Random codebook", "Median cut (Pillow)"]
    screenshot(page, "image_compare_zoom")


def test_settings_survive_a_visit_to_another_page(page, app_url):
    open_image_page(page, app_url)
    wait_for_images(page, 2)
    slider = page.locator(".st-key-image_k input[type=range]")
    slider.focus()
    press(page, slider, "ArrowLeft", 3)  # 16 -> 13
    wait_for_summary(page, "13 colours for")
    sidebar_link(page, "Explore").click()
    wait_for_chart(page, "explore_run_chart")
    wait_for_app(page)
    sidebar_link(page, "Image").click()
    wait_for_summary(page, "colours for")
    assert "13 colours for" in page.locator(SUMMARY).inner_text()
    assert page.locator(".st-key-image_k input[type=range]").get_attribute("value") == "13"


def test_cielab_space_redraws_the_color_space(page, app_url):
    open_image_page(page, app_url)
    wait_for_images(page, 2)
    page.get_by_text("CIELAB (perceptual: L*, a*, b*)").click()
    wait_for_summary(page, "in CIELAB")
    chart = page.locator(".st-key-image_color_space .js-plotly-plot")
    chart.scroll_into_view_if_needed()
    titles = page.evaluate(
        "() => { const gd = document.querySelector("
        "'.st-key-image_color_space .js-plotly-plot');"
        " return ['xaxis', 'yaxis', 'zaxis'].map(a => gd.layout.scene[a].title.text); }")
    assert titles[0].startswith("L*") and titles[1].startswith("a*")
    colored(page, ".st-key-image_color_space .js-plotly-plot", 500)
    chart.screenshot(path=str(screenshot(page, "image_cielab").with_name(
        "image_cielab_space.png")))
