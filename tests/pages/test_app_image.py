"""AppTest page tests of the Image page: sample images, K, colour space, uploads, comparison."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from clustering.image._imageio import CORRUPT, UNSUPPORTED
from tests.apptest_helpers import array, figure_by_key, page, texts
from tests.conftest import corpus_file
from tests.pages.shown import literal

pytestmark = pytest.mark.timeout(240)

PAGE = "pages/4_Image.py"


def image_urls(at) -> list[str]:
    return [element.proto.imgs[0].url for element in at.get("image")]


def captions(at) -> list[str]:
    return [element.proto.imgs[0].caption for element in at.get("image")]


def palette_colors(at) -> list[str]:
    (bar,) = figure_by_key(at, "image_palette_chart")["data"]
    return list(bar["marker"]["color"])


def summary(at) -> str:
    return at.success[0].value


def upload(at, name: str, data: bytes, mime: str = "image/png"):
    at.file_uploader(key="image_upload").set_value((name, data, mime)).run()
    assert not at.exception, at.exception
    return at


@pytest.fixture()
def image_page():
    at = page(PAGE)
    at.run()
    assert not at.exception, at.exception
    return at


def test_page_renders_with_a_sample_image(image_page):
    at = image_page
    assert at.title[0].value == "Colour quantization"
    assert at.selectbox(key="image_choice").value == "china.jpg"
    assert at.slider(key="image_k").value == 16
    assert "16 colours for 640 × 427 pixels" in summary(at)
    assert "sample of 20,000" in summary(at)
    assert len(image_urls(at)) == 2
    assert captions(at) == ["Original: 640 × 427", "k-means: 16 colours"]
    # The quantized preview must stay a PNG: Streamlit's "auto" would make it a JPEG.
    assert image_urls(at)[1].endswith(".png")
    assert len(palette_colors(at)) == 16
    space = figure_by_key(at, "image_color_space")
    assert len(array(space["data"][1]["x"])) == 16
    assert space["layout"]["scene"]["xaxis"]["title"]["text"] == "Red"
    curve = figure_by_key(at, "image_error_curve")
    assert [t["name"] for t in curve["data"]][:3] == ["k-means", "Random codebook",
                                                      "Median cut (Pillow)"]
    report = at.table[0].value
    assert list(report.index) == ["Original", "k-means"]
    assert report.loc["k-means", "Bits per pixel"] == "4"
    assert report.loc["Original", "PSNR (dB)"] == "lossless"
    assert report.loc["Original", "Colours"] == "96,615"
    assert float(report.loc["k-means", "Smaller by"].rstrip("×")) > 2
    assert at.get("download_button")[0].proto.label.startswith("Download the quantized")


def test_changing_k_changes_the_image_and_the_palette(image_page):
    at = image_page
    before_url, before_palette = image_urls(at)[1], palette_colors(at)
    at.slider(key="image_k").set_value(5).run()
    assert not at.exception
    assert image_urls(at)[1] != before_url
    assert image_urls(at)[0] == image_urls(image_page)[0]  # the original does not change
    assert len(palette_colors(at)) == 5 and palette_colors(at) != before_palette
    assert "5 colours for" in summary(at) and "24 → 3 bits" in summary(at)


def test_color_space_sample_size_and_seed_change_the_result(image_page):
    at = image_page
    first = palette_colors(at)
    at.radio(key="image_space").set_value("lab").run()
    assert not at.exception and "in CIELAB" in summary(at)
    assert palette_colors(at) != first
    scene = figure_by_key(at, "image_color_space")["layout"]["scene"]
    assert scene["xaxis"]["title"]["text"].startswith("L*")
    at.select_slider(key="image_sample_size").set_value(5_000).run()
    assert "sample of 5,000" in summary(at)
    lab = palette_colors(at)
    at.number_input(key="image_seed").set_value(3).run()
    assert not at.exception and palette_colors(at) != lab


def test_other_sample_image(image_page):
    at = image_page
    at.selectbox(key="image_choice").set_value("flower.jpg").run()
    assert not at.exception
    assert "Flower" in at.expander[0].label


def test_compare_shows_the_baselines(image_page):
    at = image_page
    at.toggle(key="image_compare").set_value(True).run()
    assert not at.exception
    assert len(image_urls(at)) == 4
    assert captions(at)[2:] == ["Random codebook: 16 colours", "Median cut (Pillow): 16 colours"]
    report = at.table[0].value
    assert list(report.index) == ["Original", "k-means", "Random codebook", "Median cut (Pillow)"]
    assert float(report.loc["k-means", "MSE"]) < float(report.loc["Random codebook", "MSE"])


def test_truncated_upload_is_refused_in_one_sentence_and_the_sample_stays(image_page):
    at = upload(image_page, "truncated.png", corpus_file("truncated.png").read_bytes())
    assert [literal(e.value) for e in at.error] == [CORRUPT]
    assert at.selectbox(key="image_choice").value == "china.jpg"
    assert "640 × 427" in summary(at) and len(image_urls(at)) == 2
    # Still refused (not silently dropped) on the next rerun, and nothing else breaks.
    at.slider(key="image_k").set_value(8).run()
    assert [literal(e.value) for e in at.error] == [CORRUPT]
    assert "8 colours" in summary(at)


def test_good_upload_is_used_and_a_later_refusal_keeps_it(image_page):
    at = upload(image_page, "good_rgb_64.png", corpus_file("good_rgb_64.png").read_bytes())
    assert at.selectbox(key="image_choice").value == "upload"
    assert "64 × 64 pixels" in summary(at)
    assert "Your upload (good\\_rgb\\_64\\.png)" in at.expander[0].label  # Markdown-escaped
    upload(at, "csv_renamed.png", b"f1,f2\n1,2\n")
    assert [literal(e.value) for e in at.error] == [UNSUPPORTED]
    assert at.selectbox(key="image_choice").value == "upload"
    assert "64 × 64 pixels" in summary(at)


def test_bomb_upload_is_refused_with_its_size(image_page):
    at = upload(image_page, "bomb.png", corpus_file("decompression_bomb.png").read_bytes())
    assert [literal(e.value) for e in at.error] == [
        "The image dimensions are too large (100000 × 100000 pixels; the limit is 25 "
        "megapixels)."]


def test_transparent_upload_offers_the_background_choice(image_page):
    at = upload(image_page, "rgba.png", corpus_file("rgba.png").read_bytes())
    assert at.selectbox(key="image_background").value == "white"
    assert "4,096 pixels" in summary(at)
    at.selectbox(key="image_background").set_value("ignore").run()
    assert not at.exception
    assert "2,048 pixels" in summary(at)  # only the visible half is counted
    assert "#ffffff" not in palette_colors(at)


def test_k_above_the_distinct_colors_says_it_is_capped(image_page):
    bits = np.zeros((40, 40), bool)
    bits[:, :20] = True
    buf = io.BytesIO()
    Image.fromarray(bits).convert("1").save(buf, format="PNG")
    at = upload(image_page, "bilevel.png", buf.getvalue())
    assert "only 2 distinct colours, so K is capped at 2" in texts(at)
    assert len(palette_colors(at)) == 2
    assert "lossless" in texts(at)


def test_fully_transparent_upload_is_composited_not_ignored(image_page):
    rgba = np.zeros((16, 16, 4), np.uint8)
    rgba[..., :3] = [200, 30, 30]  # hidden colour, alpha 0 everywhere
    buf = io.BytesIO()
    Image.fromarray(rgba).save(buf, format="PNG")
    at = upload(image_page, "clear.png", buf.getvalue())
    assert at.selectbox(key="image_background").options == [
        "Composite over white", "Composite over black", "Composite over grey"]
    assert "only 1 distinct colour, so K is capped at 1." in texts(at)
    assert palette_colors(at) == ["#ffffff"]


def test_upload_name_is_shown_literally(image_page):
    name = "![x](javascript:alert(1)) **bold** <b>.png"  # no "/": a path keeps its last part
    at = upload(image_page, name, corpus_file("good_rgb_64.png").read_bytes())
    label = at.expander[0].label
    assert "\\!\\[x\\]\\(javascript" in label
    assert "\\*\\*bold" in label and "\\<b\\>" in label


def test_one_pixel_image_reads_in_the_singular(image_page):
    buf = io.BytesIO()
    Image.fromarray(np.full((1, 1, 3), 9, np.uint8)).save(buf, format="PNG")
    at = upload(image_page, "dot.png", buf.getvalue())
    assert summary(at).startswith("1 colour for 1 × 1 pixels (1 distinct colour): every colour "
                                  "kept")
    assert summary(at).endswith("24 → 1 bit per pixel.")
    at.toggle(key="image_compare").set_value(True).run()
    assert not at.exception and len(image_urls(at)) == 4


def test_zoom_shows_the_same_detail_of_every_image(image_page):
    at = image_page
    at.toggle(key="image_compare").set_value(True)
    at.toggle(key="image_zoom").set_value(True).run()
    assert not at.exception
    assert len(image_urls(at)) == 8  # 4 previews + 4 details
    assert captions(at)[4] == "Original: columns 260–379, rows 154–273"
    at.slider(key="image_zoom_x").set_value(0).run()
    assert captions(at)[5] == "k-means: columns 0–119, rows 154–273"


def test_an_exact_k_can_be_typed(image_page):
    """Defect: the 2..256 slider made an exact K hard to hit; a number input sets it."""
    at = image_page
    at.number_input(key="image_k_exact").set_value(37).run()
    assert not at.exception
    assert at.slider(key="image_k").value == 37
    assert len(palette_colors(at)) == 37
    at.slider(key="image_k").set_value(9).run()  # and the typed box follows the slider
    assert at.number_input(key="image_k_exact").value == 9
    assert at.query_params["colors"] == ["9"] or at.query_params["colors"] == "9"
