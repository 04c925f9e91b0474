"""Safe image reading: every image of the shared corpus, generated variants, the pixel cap."""

from __future__ import annotations

import io
import struct
import warnings
import zlib

import numpy as np
import pytest
from PIL import Image, ImageFile

from clustering.image._imageio import (
    CORRUPT,
    UNSUPPORTED,
    ImageError,
    LoadedImage,
    from_array,
    png_bytes,
    preview,
    read_image,
)
from clustering.image._quantize import quantize
from clustering.io import Limits
from tests.conftest import corpus_file


def corpus(name: str) -> bytes:
    return corpus_file(name).read_bytes()


def encode(im: Image.Image, fmt: str, **kwargs) -> bytes:
    buf = io.BytesIO()
    im.save(buf, format=fmt, **kwargs)
    return buf.getvalue()


def gradient(width: int = 48, height: int = 32) -> np.ndarray:
    y, x = np.mgrid[0:height, 0:width]
    return np.dstack([x * 255 // (width - 1), y * 255 // (height - 1),
                      (x + y) % 256]).astype(np.uint8)


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG whose IHDR claims ``width`` x ``height`` (like decompression_bomb.png)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        return struct.pack(">I", len(body)) + kind + body + crc

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0"))
            + chunk(b"IEND", b""))


def chunk_types(png: bytes) -> list[str]:
    types, pos = [], 8
    while pos < len(png):
        length = struct.unpack(">I", png[pos:pos + 4])[0]
        types.append(png[pos + 4:pos + 8].decode())
        pos += 12 + length
    return types


# --- the corpus, file by file (EXPECTED.md, Images) ------------------------------------------

def test_good_rgb_png_is_read_as_is():
    image = read_image(corpus("good_rgb_64.png"))
    expected = np.asarray(Image.open(io.BytesIO(corpus("good_rgb_64.png"))).convert("RGB"))
    assert image.rgb.shape == (64, 64, 3) and image.rgb.dtype == np.uint8
    assert image.alpha is None
    np.testing.assert_array_equal(image.rgb, expected)
    assert image.format == "PNG" and "64 × 64" in image.notes[0]


def test_rgba_hidden_colors_never_reach_the_composite():
    image = read_image(corpus("rgba.png"))
    assert image.alpha is not None
    hidden = image.alpha == 0
    assert hidden.mean() == pytest.approx(0.5)
    # Pillow's convert("RGB") keeps the hidden colours; they are in .rgb but not in the
    # composite over any background.
    assert (image.rgb[hidden] != 255).any()
    assert (image.composite((255, 255, 255))[hidden] == 255).all()
    assert (image.composite((0, 0, 0))[hidden] == 0).all()
    opaque = image.alpha == 255
    np.testing.assert_array_equal(image.composite((0, 0, 0))[opaque], image.rgb[opaque])
    assert any("transparent" in note for note in image.notes)


def test_rgba_ignoring_transparent_pixels_fits_on_the_visible_ones_only():
    image = read_image(corpus("rgba.png"))
    visible = image.alpha > 0
    masked = quantize(image.rgb, 8, mask=visible, random_state=3)
    alone = quantize(image.rgb[visible].reshape(1, -1, 3), 8, random_state=3)
    np.testing.assert_array_equal(masked.palette, alone.palette)
    assert masked.counts.sum() == visible.sum()


def test_grayscale_png_becomes_gray_rgb_and_caps_k_at_its_levels():
    image = read_image(corpus("grayscale.png"))
    assert image.rgb.shape == (64, 64, 3)
    assert (image.rgb[..., 0] == image.rgb[..., 1]).all()
    assert (image.rgb[..., 1] == image.rgb[..., 2]).all()
    levels = np.unique(image.rgb[..., 0]).size
    result = quantize(image.rgb, 256)
    assert result.n_colors == levels == result.n_distinct


def test_cmyk_jpeg_is_converted_to_three_channels():
    image = read_image(corpus("cmyk.jpg"))
    assert image.mode == "CMYK"
    assert image.rgb.shape == (64, 64, 3)
    # It is the same picture as good_rgb_64.png, up to JPEG loss.
    good = read_image(corpus("good_rgb_64.png")).rgb.astype(int)
    assert np.abs(image.rgb.astype(int) - good).mean() < 10
    assert any("CMYK" in note for note in image.notes)


@pytest.mark.parametrize("name", ["truncated.png"])
def test_truncated_corpus_file_is_refused(name):
    with pytest.raises(ImageError) as info:
        read_image(corpus(name))
    assert str(info.value) == CORRUPT


@pytest.mark.parametrize("name", ["text_renamed.png"])
def test_not_an_image_is_refused(name):
    with pytest.raises(ImageError) as info:
        read_image(corpus(name))
    assert str(info.value) == UNSUPPORTED


def test_decompression_bomb_is_refused_with_its_dimensions():
    with pytest.raises(ImageError) as info:
        read_image(corpus("decompression_bomb.png"))
    assert str(info.value) == ("The image dimensions are too large (100000 × 100000 pixels; "
                               "the limit is 25 megapixels).")


# --- variants EXPECTED.md mentions but the corpus does not ship ------------------------------

@pytest.mark.parametrize("fmt", ["WEBP", "BMP", "TIFF", "PNG", "GIF"])
def test_other_formats_are_read(fmt):
    rgb = gradient()
    kwargs = {"lossless": True} if fmt == "WEBP" else {}
    image = read_image(encode(Image.fromarray(rgb), fmt, **kwargs))
    assert image.format == fmt and image.rgb.shape == rgb.shape
    if fmt != "GIF":  # GIF stores a 256-colour palette
        np.testing.assert_array_equal(image.rgb, rgb)


def test_animated_gif_uses_its_first_frame():
    frames = [Image.new("RGB", (8, 8), color) for color in ("red", "blue", "green")]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:])
    image = read_image(data)
    assert (image.rgb == [255, 0, 0]).all()
    assert any("first frame" in note for note in image.notes)


def test_bilevel_image_has_two_colors_and_k_is_capped_at_2():
    bits = (gradient()[..., 0] > 128)
    image = read_image(encode(Image.fromarray(bits).convert("1"), "PNG"))
    assert image.mode == "1"
    assert set(np.unique(image.rgb).tolist()) == {0, 255}
    result = quantize(image.rgb, 16)
    assert result.n_colors == 2 and result.capped
    assert "only 2 distinct colours" in result.notes[0]


def test_16_bit_grayscale_is_scaled_not_clipped():
    values = np.array([[0, 257, 32896, 65535]], dtype=np.uint16)
    data = encode(Image.fromarray(values), "PNG")
    assert Image.open(io.BytesIO(data)).mode == "I;16"
    image = read_image(data)
    np.testing.assert_array_equal(image.rgb[0, :, 0], [0, 1, 128, 255])
    assert any("16-bit" in note for note in image.notes)


def test_palette_with_transparency_keeps_alpha():
    im = Image.fromarray(np.array([[0, 1], [2, 1]], dtype=np.uint8), mode=None).convert("P")
    im.putpalette([255, 0, 0, 0, 255, 0, 0, 0, 255] + [0] * (256 * 3 - 9))
    data = encode(im, "PNG", transparency=1)
    image = read_image(data)
    np.testing.assert_array_equal(image.alpha, [[255, 0], [255, 0]])
    assert (image.composite((255, 255, 255))[0, 1] == 255).all()
    np.testing.assert_array_equal(image.rgb[0, 0], [255, 0, 0])


def test_la_image_keeps_alpha():
    la = np.dstack([np.full((4, 4), 90, np.uint8), np.tile([0, 255], (4, 2)).astype(np.uint8)])
    image = read_image(encode(Image.fromarray(la, mode=None), "PNG"))
    assert image.alpha is not None and (image.alpha == 0).sum() == 8


def test_exif_orientation_is_applied():
    rgb = np.zeros((20, 40, 3), np.uint8)
    rgb[:, :20] = [255, 0, 0]  # left half red
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was turned: rotate 90 degrees clockwise to view
    image = read_image(encode(Image.fromarray(rgb), "JPEG", exif=exif, quality=95))
    assert image.rgb.shape == (40, 20, 3)
    assert image.rgb[5, 10, 0] > 200 and image.rgb[35, 10, 0] < 60  # red now on top
    assert any("orientation" in note for note in image.notes)


def test_truncated_jpeg_is_refused():
    data = encode(Image.fromarray(gradient(200, 200)), "JPEG")
    with pytest.raises(ImageError) as info:
        read_image(data[: len(data) // 2])
    assert str(info.value) == CORRUPT


@pytest.mark.parametrize(
    "data",
    [b"", b"<svg xmlns='http://www.w3.org/2000/svg'><rect width='9' height='9'/></svg>",
     b"f1,f2\n1,2\n3,4\n", b"GIF89a"],
    ids=["empty", "svg", "csv", "gif-signature-only"],
)
def test_renamed_non_images_are_refused(data):
    with pytest.raises(ImageError) as info:
        read_image(data)
    assert str(info.value) in (UNSUPPORTED, CORRUPT)
    if data[:3] != b"GIF":
        assert str(info.value) == UNSUPPORTED


def test_formats_outside_the_allow_list_are_refused():
    ico = encode(Image.fromarray(gradient(16, 16)), "ICO")
    assert Image.open(io.BytesIO(ico)).format == "ICO"  # Pillow itself would open it
    with pytest.raises(ImageError, match="not a supported image"):
        read_image(ico)


# --- caps and global state -------------------------------------------------------------------

def test_pixel_cap_is_checked_before_decoding():
    data = encode(Image.fromarray(gradient(100, 60)), "PNG")
    with pytest.raises(ImageError) as info:
        read_image(data, max_pixels=5_000)
    assert str(info.value) == ("The image dimensions are too large (100 × 60 pixels; the limit "
                               "is 0.005 megapixels).")
    assert read_image(data, max_pixels=6_000).rgb.shape == (60, 100, 3)


def test_a_size_that_only_triggers_pillows_warning_is_refused_too():
    # 10000 x 10000 = 100 M pixels: above MAX_IMAGE_PIXELS (warning), below twice it (error).
    with pytest.raises(ImageError) as info:
        read_image(png_header_only(10_000, 10_000), max_pixels=10**9)
    assert "10000 × 10000 pixels" in str(info.value)


def test_file_size_cap():
    with pytest.raises(ImageError, match=r"The file is too large \(2\.0 MB; the limit is 1 MB\)"):
        read_image(b"\0" * (2 * 2**20), max_bytes=2**20)


def test_reading_changes_no_global_state():
    filters = list(warnings.filters)
    for name in ("truncated.png", "decompression_bomb.png", "good_rgb_64.png"):
        try:
            read_image(corpus(name))
        except ImageError:
            pass
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    assert warnings.filters == filters
    assert Image.MAX_IMAGE_PIXELS == 89_478_485


def test_from_array_checks_its_input():
    assert from_array(gradient()).n_pixels == 48 * 32
    with pytest.raises(ValueError, match="uint8"):
        from_array(np.zeros((4, 4, 3)))


# --- writing ---------------------------------------------------------------------------------

def test_png_bytes_carries_no_metadata_and_uses_few_bits():
    palette = np.array([[0, 0, 0], [255, 0, 0], [0, 255, 0], [0, 0, 255]], np.uint8)
    labels = np.tile(np.arange(4, dtype=np.uint8), (8, 2))
    data = png_bytes(palette=palette, labels=labels)
    assert chunk_types(data) == ["IHDR", "PLTE", "IDAT", "IEND"]
    assert data[24] == 2  # bit depth: 4 colours need 2 bits
    back = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    np.testing.assert_array_equal(back, palette[labels])


def test_png_bytes_with_alpha_is_rgba():
    rgb = gradient(8, 8)
    alpha = np.full((8, 8), 255, np.uint8)
    alpha[0, 0] = 0
    data = png_bytes(rgb, alpha=alpha)
    back = Image.open(io.BytesIO(data))
    assert back.mode == "RGBA" and np.asarray(back)[0, 0, 3] == 0
    assert set(chunk_types(data)) == {"IHDR", "IDAT", "IEND"}


# --- more modes: profiles, 16-bit RGB, TIFF variants, transparent GIF and WebP ---------------

def test_embedded_srgb_profile_is_applied_and_a_broken_one_is_reported():
    from PIL import ImageCms

    rgb = np.random.default_rng(0).integers(0, 256, (8, 8, 3)).astype(np.uint8)
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image = read_image(encode(Image.fromarray(rgb), "PNG", icc_profile=srgb))
    np.testing.assert_array_equal(image.rgb, rgb)
    assert any("colour profile" in note for note in image.notes)
    broken = read_image(encode(Image.fromarray(rgb), "PNG", icc_profile=b"garbage" * 10))
    np.testing.assert_array_equal(broken.rgb, rgb)
    assert any("could not be used" in note for note in broken.notes)


def test_16_bit_rgb_png_is_read_as_8_bit():
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        return struct.pack(">I", len(body)) + kind + body + crc

    row = np.array([[0, 0, 0], [32896, 257, 65535]], dtype=">u2")
    raw = b"\0" + row.tobytes()  # one row, filter type 0
    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 1, 16, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    image = read_image(data)
    np.testing.assert_array_equal(image.rgb[0], [[0, 0, 0], [128, 1, 255]])


@pytest.mark.parametrize(
    ("values", "expected"),
    [(np.array([[0, 32896, 65535]], np.uint16), [0, 128, 255]),
     (np.array([[0.0, 0.5, 1.0]], np.float32), [0, 128, 255])],
    ids=["tiff-16-bit-grey", "tiff-float"],
)
def test_high_bit_depth_tiff_is_scaled(values, expected):
    image = read_image(encode(Image.fromarray(values), "TIFF"))
    np.testing.assert_array_equal(image.rgb[0, :, 0], expected)
    assert len(image.notes) == 2


def test_cmyk_tiff_is_converted():
    rgb = gradient(8, 8)
    image = read_image(encode(Image.fromarray(rgb).convert("CMYK"), "TIFF"))
    assert image.mode == "CMYK" and image.rgb.shape == (8, 8, 3)
    np.testing.assert_array_equal(image.rgb, rgb)


def test_transparent_gif_and_webp_keep_alpha():
    im = Image.fromarray(np.array([[0, 1], [1, 0]], np.uint8)).convert("P")
    im.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    gif = read_image(encode(im, "GIF", transparency=1))
    np.testing.assert_array_equal(gif.alpha, [[255, 0], [0, 255]])
    rgba = np.dstack([gradient(8, 8), np.full((8, 8), 255, np.uint8)])
    rgba[0, 0, 3] = 0
    webp = read_image(encode(Image.fromarray(rgba), "WEBP", lossless=True))
    assert webp.alpha is not None and webp.alpha[0, 0] == 0 and webp.transparent_pixels == 1


def test_opaque_alpha_channel_is_dropped():
    rgba = np.dstack([gradient(8, 8), np.full((8, 8), 255, np.uint8)])
    image = read_image(encode(Image.fromarray(rgba), "PNG"))
    assert image.alpha is None and image.transparent_pixels == 0


@pytest.mark.parametrize(
    ("fmt", "kwargs"),
    [("PNG", {}), ("JPEG", {}), ("JPEG", {"progressive": True}), ("GIF", {}), ("BMP", {}),
     ("TIFF", {}), ("TIFF", {"compression": "tiff_lzw"}), ("WEBP", {}),
     ("WEBP", {"lossless": True})],
    ids=lambda v: v if isinstance(v, str) else "-".join(map(str, v.values())) or "plain",
)
def test_damaged_files_are_read_or_refused_never_crash(fmt, kwargs):
    """Seeded byte flips, cuts and insertions: each file decodes or gets a sentence.

    Decoded in process: 1,350 reads exercise the decoder, not the child process around it
    (tests/io/test_sandbox.py does that).
    """
    in_process = Limits(isolate=False)
    rng = np.random.default_rng(7)
    original = encode(Image.fromarray(gradient(60, 40)), fmt, **kwargs)
    read = 0
    for _ in range(150):
        data = bytearray(original)
        for _ in range(int(rng.integers(1, 8))):
            pos = int(rng.integers(len(data)))
            op = rng.integers(3)
            if op == 0:
                data[pos] = int(rng.integers(256))
            elif op == 1 and len(data) > 60:
                del data[pos:pos + int(rng.integers(1, 50))]
            else:
                data[pos:pos] = rng.integers(0, 256, int(rng.integers(1, 20))).astype(
                    np.uint8).tobytes()
        try:
            image = read_image(bytes(data), limits=in_process)
        except ImageError as exc:
            assert str(exc).endswith(".") and str(exc).count(". ") == 0
            continue
        read += 1
        assert image.rgb.dtype == np.uint8 and image.rgb.shape[2] == 3
        quantize(image.rgb, 4, sample_size=500)
    assert 0 <= read <= 150


def test_preview_shrinks_big_enlarges_small_and_keeps_palette_colors():
    big = np.zeros((300, 2000, 3), np.uint8)
    big[:, ::2] = [255, 0, 0]  # 1-pixel stripes: smoothing would make pink
    data, fmt = preview(big, exact=True)
    shown = Image.open(io.BytesIO(data))
    assert fmt == "PNG" and shown.size == (1000, 150)
    assert {tuple(c) for c in np.asarray(shown.convert("RGB")).reshape(-1, 3)} <= {
        (255, 0, 0), (0, 0, 0)}
    photo, fmt = preview(gradient(1600, 900), exact=False)
    assert fmt == "JPEG" and Image.open(io.BytesIO(photo)).size == (1000, 562)
    small, fmt = preview(gradient(64, 32), exact=False)
    assert fmt == "PNG" and Image.open(io.BytesIO(small)).size == (512, 256)
    alpha = np.full((32, 64), 255, np.uint8)
    assert Image.open(io.BytesIO(preview(gradient(64, 32), alpha, exact=False)[0])).mode == "RGBA"


def test_composite_blends_partial_alpha_and_keeps_opaque_pixels():
    rgb = np.array([[[200, 100, 0], [10, 20, 30], [255, 255, 255]]], np.uint8)
    alpha = np.array([[255, 0, 128]], np.uint8)
    image = LoadedImage(rgb=rgb, alpha=alpha, format="PNG", mode="RGBA")
    out = image.composite((0, 0, 0))
    np.testing.assert_array_equal(out[0, 0], [200, 100, 0])
    np.testing.assert_array_equal(out[0, 1], [0, 0, 0])
    np.testing.assert_array_equal(out[0, 2], [128, 128, 128])
    assert image.rgb[0, 1].tolist() == [10, 20, 30]  # the original is untouched
