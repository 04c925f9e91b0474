"""Glue for the Image page: the image picker, the knobs, cached computations and the views.

Cached calls follow ``ui.cache``'s policy: they take the keyed :class:`Picked` image (its key:
the sha256 of the upload or the sample's name, plus the background choice) or a keyed result,
plus plain values; no array is ever an argument.
An upload the reader refuses shows its one sentence and the previous image stays. Uploaded
bytes live in the session only (never on disk, never in the URL).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

import numpy as np
import pandas as pd
import streamlit as st
from sklearn.datasets import load_sample_image

from clustering.figures import color_space_figure, error_curve_figure, hex_color, palette_figure
from clustering.image import (
    AXIS_TITLES,
    FORMATS,
    MAX_BYTES,
    METHODS,
    SPACES,
    ImageError,
    LoadedImage,
    Quantized,
    Sweep,
    draw_indices,
    error_sweep,
    from_array,
    index_bits,
    mse,
    png_bytes,
    preview,
    psnr,
    quantize,
    read_image,
    to_space,
)
from clustering.io import start_readers
from ui.cache import Keyed, bytes_key, cached, content_key
from ui.charts import show_chart
from ui.layout import figure_style
from ui.state import IMAGE_SAMPLE_SIZES, get, notice, set_value, setting
from ui.text import md_escape

SAMPLES = {"china.jpg": "Chinese temple (scikit-learn sample)",
           "flower.jpg": "Flower (scikit-learn sample)"}
UPLOAD = "upload"
UPLOAD_TYPES = ["png", "jpg", "jpeg", "jpe", "jfif", "webp", "bmp", "dib", "gif", "tif", "tiff"]
BACKGROUNDS = {"white": (255, 255, 255), "black": (0, 0, 0), "grey": (128, 128, 128),
               "ignore": None}
BACKGROUND_LABELS = {"white": "Composite over white", "black": "Composite over black",
                     "grey": "Composite over grey", "ignore": "Ignore transparent pixels"}
SAMPLE_SIZES = IMAGE_SAMPLE_SIZES
DOWNLOAD_NAME = "quantized.png"
_PREVIEW_MAX, _PREVIEW_MIN = 1000, 480
# Above this many pixels both PNGs (the size comparison and the download) use zlib level 1:
# level 6 took 7.7 s on a 24-megapixel photo here, level 1 took 1.5 s.
FAST_PNG_PIXELS = 4_000_000
_SCATTER_POINTS = 2_500
_DETAIL_SIDE = 120
_RANGES = {"rgb": [(0, 255)] * 3, "lab": [(0, 100), (-90, 100), (-110, 100)]}


@dataclass(frozen=True)
class Picked:
    """The image the page works on, with its colours ready for quantizing."""

    key: str  # identifies `pixels` and `mask` exactly: content + background choice
    title: str
    image: LoadedImage
    pixels: np.ndarray  # (h, w, 3) uint8
    mask: np.ndarray | None  # (h, w) bool: pixels that count; None = all
    background: str


@dataclass(frozen=True)
class Knobs:
    k: int
    space: str
    sample_size: int
    seed: int


def png_level(n_pixels: int) -> int:
    return 6 if n_pixels <= FAST_PNG_PIXELS else 1


# --- cached computations ---------------------------------------------------------------------

@cached
def _sample_image(name: str) -> LoadedImage:
    return from_array(load_sample_image(name), note=f"{SAMPLES[name]}, shipped with "
                                                    "scikit-learn.")


@cached
def _uploaded_image(upload: Keyed[bytes]) -> LoadedImage:
    """The decoded upload; ``upload.key`` is the sha256 of its bytes (``bytes_key``)."""
    return read_image(upload.value)


@cached(spinner="Choosing the colours…")
def _quantized(picked: Picked, k: int, method: str, space: str, sample_size: int,
               seed: int) -> Quantized:
    return quantize(picked.pixels, k, method=method, space=space, sample_size=sample_size,
                    mask=picked.mask, random_state=seed)


@cached
def _png(picked: Picked, result: Keyed[Quantized]) -> bytes:
    """The full-size quantized PNG (the download, and the size in the report)."""
    quantized = result.value
    return png_bytes(palette=quantized.palette, labels=quantized.labels, alpha=_alpha(picked),
                     compress_level=png_level(quantized.labels.size))


@cached
def _error(picked: Picked, result: Keyed[Quantized]) -> float:
    return mse(picked.pixels, result.value, picked.mask)


@cached
def _original_png_size(picked: Picked) -> int:
    pixels = picked.pixels
    return len(png_bytes(pixels, alpha=_alpha(picked),
                         compress_level=png_level(pixels.shape[0] * pixels.shape[1])))


@cached
def _preview(picked: Picked, result: Keyed[Quantized] | None) -> tuple[bytes, str]:
    """A screen-sized image and its format: big images shrunk, tiny ones enlarged crisply.

    The original's pixels when ``result`` is None, else the :class:`Quantized` result (painted
    here, so a cache hit costs nothing). A quantized image is resized by nearest neighbour and
    sent as PNG, so only palette colours reach the screen; a shrunk original photo goes as
    JPEG.
    """
    exact = result is not None
    return preview(result.value.image() if exact else picked.pixels, _alpha(picked),
                   exact=exact, max_side=_PREVIEW_MAX, min_side=_PREVIEW_MIN)


@cached(spinner="Measuring the error for K from 2 to 256…")
def _sweep(picked: Picked, space: str, seed: int) -> Sweep:
    return error_sweep(picked.pixels, space=space, mask=picked.mask, random_state=seed)


@cached
def _scatter_rows(picked: Picked, seed: int) -> np.ndarray:
    mask = picked.mask
    rows = np.arange(picked.image.n_pixels) if mask is None else np.flatnonzero(mask)
    if rows.size > _SCATTER_POINTS:
        rows = rows[np.sort(draw_indices(rows.size, _SCATTER_POINTS, np.random.RandomState(seed)))]
    return rows


# --- picking the image -----------------------------------------------------------------------

def _receive_upload() -> str | None:
    """Read a newly dropped file; the sentence of a refusal while that file stays, else None."""
    start_readers()  # the process that forks upload readers warms up while a file is picked
    file = st.sidebar.file_uploader(
        "…or upload your own", type=UPLOAD_TYPES, key="image_upload",
        max_upload_size=MAX_BYTES // 2**20,
        help=f"{', '.join(FORMATS)}; up to 25 megapixels. Nothing is kept after you leave.")
    if file is None:
        return None
    refused = st.session_state.get("image_refused")
    if refused and refused[0] == file.file_id:
        return refused[1]
    if file.file_id == st.session_state.get("image_upload_id"):
        return None
    data = file.getvalue()
    digest = bytes_key(data)
    try:
        _uploaded_image(Keyed(digest, data))
    except ImageError as exc:
        st.session_state["image_refused"] = (file.file_id, str(exc))
        return str(exc)
    st.session_state["image_upload_id"] = file.file_id
    st.session_state["image_good_upload"] = {"digest": digest, "data": data,
                                             "name": PurePath(file.name).name}
    set_value("image_choice", UPLOAD)
    return None


def pick_image() -> tuple[Picked, str | None]:
    """Sidebar: sample or upload, and the transparency choice. Returns the image and the
    sentence of a refused upload (None if there is none)."""
    st.sidebar.header("Image")
    refusal = _receive_upload()
    good = st.session_state.get("image_good_upload")
    options = [*SAMPLES, *([UPLOAD] if good else [])]
    if get("image_choice") not in options:
        if get("image_choice") == UPLOAD:
            notice("Uploaded images are not stored in links; showing a sample instead.")
        set_value("image_choice", next(iter(SAMPLES)))
    choice = setting(
        st.sidebar.selectbox, "image_choice", "Picture", options,
        format_func=lambda c: f"Your upload: {good['name']}" if c == UPLOAD else SAMPLES[c])
    if choice == UPLOAD:
        image = _uploaded_image(Keyed(good["digest"], good["data"]))
        source_key = good["digest"]
        # The file name is user text and the title goes into Markdown (an expander label).
        title = f"Your upload ({md_escape(good['name'])})"
    else:
        image, source_key, title = _sample_image(choice), choice, SAMPLES[choice]
    background = "white"
    if image.alpha is not None:
        # With nothing visible there is nothing to fit on, so only compositing is offered.
        choices = [b for b in BACKGROUNDS if b != "ignore" or image.alpha.any()]
        if get("image_background") not in choices:
            set_value("image_background", "white")
        background = setting(
            st.sidebar.selectbox, "image_background", "Transparent pixels", choices,
            format_func=BACKGROUND_LABELS.get,
            help="Composite: transparent pixels take the background colour, which then "
                 "competes for a palette slot. Ignore: they are left out of the fit and the "
                 "error, and stay transparent in the result.")
    if background == "ignore":
        pixels, mask = image.rgb, image.alpha > 0
    else:
        pixels, mask = image.composite(BACKGROUNDS[background]), None
    picked = Picked(key=content_key(source_key, background), title=title, image=image,
                    pixels=pixels, mask=mask, background=background)
    return picked, refusal


def _typed_k() -> None:
    set_value("image_k", int(st.session_state["image_k_exact"]))


def knobs() -> Knobs:
    st.sidebar.header("Quantization")
    k = setting(st.sidebar.slider, "image_k", "Number of colours K", 2, 256,
                help="24-bit colour has 16.7 million shades; keep only K of them.")
    # A slider over 2..256 makes an exact K hard to hit: the same setting, typed.
    st.session_state["image_k_exact"] = int(k)
    st.sidebar.number_input("…or type K exactly", 2, 256, step=1, key="image_k_exact",
                            on_change=_typed_k)
    space = setting(st.sidebar.radio, "image_space", "Colour space", list(SPACES),
                    format_func=SPACES.get,
                    help="Where k-means measures distance. In CIELAB, equal distances "
                         "look about equally different to the eye.")
    sample_size = setting(
        st.sidebar.select_slider, "image_sample_size", "Pixels sampled to fit k-means",
        SAMPLE_SIZES, format_func=lambda n: f"{n:,}",
        help="k-means runs on a random sample; every pixel is then mapped to its nearest "
             "palette colour.")
    seed = setting(st.sidebar.number_input, "image_seed", "Random seed", 0, 2**31 - 1, step=1)
    return Knobs(k=int(k), space=space, sample_size=int(sample_size), seed=int(seed))


# --- computing and showing -------------------------------------------------------------------

def run(picked: Picked, knobs: Knobs, method: str = "kmeans") -> tuple[str, Quantized]:
    key = content_key(picked.key, knobs.k, method, knobs.space, knobs.sample_size, knobs.seed)
    return key, _quantized(picked, knobs.k, method, knobs.space, knobs.sample_size, knobs.seed)


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def summary(picked: Picked, result: Quantized) -> str:
    image, counted = picked.image, int(result.counts.sum())
    if not result.sample_size:
        fitted = "every colour kept"
    elif result.sample_size >= counted:
        fitted = f"k-means on all {counted:,} pixels ({_count(result.n_iter, 'iteration')})"
    else:
        fitted = (f"k-means on a sample of {result.sample_size:,} of the {counted:,} pixels "
                  f"({_count(result.n_iter, 'iteration')})")
    return (f"{_count(result.n_colors, 'colour')} for {image.width:,} × {image.height:,} "
            f"pixels ({_count(result.n_distinct, 'distinct colour')}): {fitted}, in "
            f"{'CIELAB' if result.space == 'lab' else 'RGB'}. 24 → "
            f"{_count(index_bits(result.n_colors), 'bit')} per pixel.")


def _alpha(picked: Picked) -> np.ndarray | None:
    return picked.image.alpha if picked.mask is not None else None


def show_images(picked: Picked, results: list[tuple[str, Quantized]]) -> None:
    """The original and each result side by side, as screen-sized previews."""
    cols = st.columns(len(results) + 1)
    # output_format is explicit: "auto" would re-encode the quantized PNG as a JPEG.
    data, fmt = _preview(picked, None)
    cols[0].image(data, output_format=fmt, width="stretch", alt="The original picture",
                  caption=f"Original: {picked.image.width:,} × {picked.image.height:,}")
    for col, (key, result) in zip(cols[1:], results, strict=True):
        data, fmt = _preview(picked, Keyed(key, result))
        label = f"{METHODS[result.method]}: {result.n_colors} colours"
        col.image(data, output_format=fmt, width="stretch", caption=label,
                  alt=f"The picture repainted with {label}")


def detail(picked: Picked, results: list[tuple[str, Quantized]]) -> None:
    """On demand: the same small square of every image, enlarged with visible pixels."""
    if not setting(st.toggle, "image_zoom", "Zoom in on a detail",
                   help="A square of the full-size images, enlarged without smoothing: "
                        "banding and lost shades show here first."):
        return
    image = picked.image
    left, right = st.columns(2)
    across = setting(left.slider, "image_zoom_x", "Across (%)", 0, 100)
    down = setting(right.slider, "image_zoom_y", "Down (%)", 0, 100)
    side = min(_DETAIL_SIDE, image.width, image.height)
    x0 = round((image.width - side) * across / 100)
    y0 = round((image.height - side) * down / 100)
    window = (slice(y0, y0 + side), slice(x0, x0 + side))
    alpha = _alpha(picked)
    crops = [("Original", picked.pixels[window])]
    crops += [(METHODS[r.method], r.palette[r.labels[window]]) for _, r in results]
    for col, (label, rgb) in zip(st.columns(len(crops)), crops, strict=True):
        data, fmt = preview(rgb, None if alpha is None else alpha[window], exact=True,
                            max_side=_PREVIEW_MAX, min_side=_PREVIEW_MIN)
        where = f"columns {x0:,}–{x0 + side - 1:,}, rows {y0:,}–{y0 + side - 1:,}"
        col.image(data, output_format=fmt, width="stretch",
                  caption=f"{label}: {where}", alt=f"{label}, enlarged detail")


def report_table(picked: Picked, results: list[tuple[str, Quantized]]) -> pd.DataFrame:
    """One row per image (the original first): colours, MSE, PSNR, bits per pixel, PNG size.

    Plain numbers; NaN where a value does not apply (the original's PSNR).
    """
    n = int(picked.image.n_pixels)
    original = _original_png_size(picked)
    distinct = results[0][1].n_distinct
    rows = [{"Image": "Original", "Colours": distinct, "MSE": 0.0, "PSNR (dB)": np.inf,
             "Bits per pixel": 24, "PNG size (KB)": original / 1024,
             "PNG bits per pixel": 8 * original / n, "Smaller by": 1.0}]
    for key, result in results:
        error = _error(picked, Keyed(key, result))
        size = len(_png(picked, Keyed(key, result)))
        rows.append({"Image": METHODS[result.method], "Colours": result.n_colors, "MSE": error,
                     "PSNR (dB)": psnr(error), "Bits per pixel": index_bits(result.n_colors),
                     "PNG size (KB)": size / 1024, "PNG bits per pixel": 8 * size / n,
                     "Smaller by": original / size})
    return pd.DataFrame(rows).set_index("Image")


def _shown(table: pd.DataFrame) -> pd.DataFrame:
    """The report as text, so "lossless" reads as such instead of "inf" or "None"."""
    return pd.DataFrame({
        "Colours": [f"{c:,}" for c in table["Colours"]],
        "MSE": [f"{e:.1f}" for e in table["MSE"]],
        "PSNR (dB)": ["lossless" if np.isinf(p) else f"{p:.2f}" for p in table["PSNR (dB)"]],
        "Bits per pixel": [str(b) for b in table["Bits per pixel"]],
        "PNG size": [f"{kb:,.1f} KB" for kb in table["PNG size (KB)"]],
        "PNG bits per pixel": [f"{b:.2f}" for b in table["PNG bits per pixel"]],
        "Smaller by": ["—" if i == 0 else f"{x:.1f}×"
                       for i, x in enumerate(table["Smaller by"])],
    }, index=table.index)


def show_report(picked: Picked, results: list[tuple[str, Quantized]]) -> None:
    # A static table: its text follows presentation mode's CSS, unlike the canvas grid.
    st.table(_shown(report_table(picked, results)))
    fast = png_level(picked.image.n_pixels) != 6
    st.caption("MSE: mean squared error per channel in RGB (0-255), whatever space the palette "
               "was chosen in; lower is better. PSNR: peak signal-to-noise ratio, higher is "
               "better; above about 30 dB the difference is hard to see. Bits per pixel: 24 "
               "for true colour, ceil(log2 K) for a palette index. PNG sizes are of the "
               "full-size image, the quantized one written with a palette"
               + ("; both with fast compression, as the image is above 4 megapixels" if fast
                  else "") + ".")


def palette_section(result: Quantized, title: str) -> None:
    show_chart(palette_figure(result.palette, result.shares, figure_style()),
                    key="image_palette_chart")
    with st.expander(f"Palette as a table ({result.n_colors} colours)"):
        order = np.argsort(-result.shares, kind="stable")
        st.dataframe(pd.DataFrame({
            "Colour": [hex_color(result.palette[j]) for j in order],
            "R": result.palette[order, 0], "G": result.palette[order, 1],
            "B": result.palette[order, 2], "Pixels": result.counts[order],
            "Share (%)": 100 * result.shares[order]}),
            key="image_palette_table", hide_index=True,
            column_config={"Share (%)": st.column_config.NumberColumn(format="%.2f")})


def color_space_section(picked: Picked, result: Quantized, knobs: Knobs) -> None:
    color_by = setting(st.radio, "image_point_color", "Colour the pixels by",
                       ["palette", "own"], horizontal=True,
                       format_func={"palette": "their palette colour",
                                    "own": "their own colour"}.get)
    rows = _scatter_rows(picked, knobs.seed)
    rgb = picked.pixels.reshape(-1, 3)[rows]
    labels = result.labels.ravel()[rows]
    shown = result.palette[labels] if color_by == "palette" else rgb
    space = result.space
    fig = color_space_figure(to_space(rgb, space), shown, result.centers, result.palette,
                              AXIS_TITLES[space], figure_style(), ranges=_RANGES[space])
    show_chart(fig, key="image_color_space")
    st.caption(f"{rows.size:,} pixels drawn at random; diamonds are the {result.n_colors} "
               "palette colours, each the mean of the pixels nearest to it.")


def sweep_section(picked: Picked, knobs: Knobs) -> None:
    sweep = _sweep(picked, knobs.space, knobs.seed)
    fig = error_curve_figure(sweep.ks, sweep.errors, METHODS, figure_style(),
                             current_k=knobs.k if knobs.k <= sweep.ks.max() else None)
    show_chart(fig, key="image_error_curve")
    st.caption(f"Measured on {sweep.eval_size:,} pixels drawn at random (k-means fitted on "
               "5,000 of them), in " + ("CIELAB" if knobs.space == "lab" else "RGB") + "; "
               "both axes are logarithmic.")


def download(picked: Picked, key: str, result: Quantized) -> None:
    def build() -> bytes:
        return _png(picked, Keyed(key, result))

    st.download_button("Download the quantized image (PNG)", build, file_name=DOWNLOAD_NAME,
                       mime="image/png", key="image_download", on_click="ignore",
                       help="Full size, indexed colour, with no metadata from the original.")
