"""Colour quantization: CIELAB conversion, palettes, the K cap, mapping, errors, the sweep."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from PIL import Image
from sklearn.datasets import load_sample_image

from clustering.image import _quantize as qmod
from clustering.image._color import from_space, lab_to_rgb, rgb_to_lab, to_space
from clustering.image._quantize import (
    error_sweep,
    index_bits,
    mse,
    nearest,
    pack,
    psnr,
    quantize,
    unpack,
)


@pytest.fixture(scope="module")
def china() -> np.ndarray:
    return load_sample_image("china.jpg")


@pytest.fixture(scope="module")
def small_china(china) -> np.ndarray:
    return np.asarray(Image.fromarray(china).resize((160, 107), Image.BILINEAR))


# --- CIELAB ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("rgb", "lab"),
    [
        ((255, 255, 255), (100.0, 0.0, 0.0)),
        ((0, 0, 0), (0.0, 0.0, 0.0)),
        ((255, 0, 0), (53.2408, 80.0925, 67.2032)),
        ((0, 255, 0), (87.7347, -86.1827, 83.1793)),
        ((0, 0, 255), (32.2970, 79.1875, -107.8602)),
        ((128, 128, 128), (53.5850, 0.0, 0.0)),
        ((255, 255, 0), (97.1393, -21.5537, 94.4780)),
    ],
    ids=["white", "black", "red", "green", "blue", "grey", "yellow"],
)
def test_rgb_to_lab_known_values(rgb, lab):
    # Reference values: Bruce Lindbloom's calculator (sRGB, D65, 2 degrees).
    got = rgb_to_lab(np.array(rgb, dtype=np.uint8))
    np.testing.assert_allclose(got, lab, atol=2e-3)
    np.testing.assert_allclose(rgb_to_lab(np.array(rgb, dtype=float)), got, atol=1e-9)


def test_lab_round_trip_is_exact_on_8_bit_colors():
    rng = np.random.default_rng(0)
    rgb = np.vstack([rng.integers(0, 256, (5000, 3)), [[0, 0, 0], [255, 255, 255],
                                                        [1, 0, 0], [0, 0, 1]]]).astype(np.uint8)
    np.testing.assert_array_equal(from_space(to_space(rgb, "lab"), "lab"), rgb)
    assert np.abs(lab_to_rgb(rgb_to_lab(rgb)) - rgb).max() < 1e-6


def test_lab_to_rgb_clips_out_of_gamut_colors():
    out = lab_to_rgb(np.array([[50.0, 200.0, -200.0], [120.0, 0, 0]]))
    assert out.min() >= 0 and out.max() <= 255


def test_color_shape_errors():
    with pytest.raises(ValueError, match="3 channels"):
        rgb_to_lab(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="space='hsv'"):
        to_space(np.zeros((1, 3)), "hsv")


# --- packing and nearest ---------------------------------------------------------------------

def test_pack_unpack_round_trip():
    rgb = np.random.default_rng(1).integers(0, 256, (100, 3)).astype(np.uint8)
    np.testing.assert_array_equal(unpack(pack(rgb)), rgb)
    assert pack(np.array([1, 2, 3], np.uint8)) == (1 << 16) + (2 << 8) + 3


@pytest.mark.parametrize("fast", [True, False], ids=["sklearn-kernel", "kd-tree"])
def test_nearest_matches_brute_force(monkeypatch, fast):
    if not fast:
        monkeypatch.setattr(qmod, "kernel_assign", lambda points, centers: None)
    rng = np.random.default_rng(2)
    points, centers = rng.uniform(0, 255, (3000, 3)), rng.uniform(0, 255, (37, 3))
    expected = np.argmin(((points[:, None, :] - centers[None]) ** 2).sum(-1), axis=1)
    np.testing.assert_array_equal(nearest(points, centers), expected)
    assert nearest(np.empty((0, 3)), centers).shape == (0,)


def test_draw_gives_distinct_seeded_indices():
    a = qmod.draw_indices(2_000_000, 20_000, np.random.RandomState(0))
    b = qmod.draw_indices(2_000_000, 20_000, np.random.RandomState(0))
    np.testing.assert_array_equal(a, b)
    assert np.unique(a).size == 20_000 and a.min() >= 0 and a.max() < 2_000_000
    assert np.unique(qmod.draw_indices(10, 9, np.random.RandomState(0))).size == 9


# --- quantize --------------------------------------------------------------------------------

def test_kmeans_palette_and_labels(small_china):
    result = quantize(small_china, 16, random_state=0)
    assert result.palette.shape == (16, 3) and result.palette.dtype == np.uint8
    assert result.labels.shape == small_china.shape[:2] and result.labels.dtype == np.uint8
    assert result.counts.sum() == small_china.shape[0] * small_china.shape[1]
    assert result.shares.sum() == pytest.approx(1.0)
    assert result.sample_size == min(20_000, result.counts.sum())
    assert result.n_iter >= 1 and not result.capped
    np.testing.assert_array_equal(result.image(), result.palette[result.labels])


def test_every_pixel_gets_its_nearest_palette_color(small_china):
    for space in ("rgb", "lab"):
        result = quantize(small_china, 12, space=space, random_state=1)
        pts = to_space(small_china.reshape(-1, 3), space)
        d = ((pts[:, None, :] - result.centers[None]) ** 2).sum(-1)
        chosen = d[np.arange(len(d)), result.labels.ravel()]
        np.testing.assert_allclose(chosen, d.min(axis=1))


def test_same_seed_same_palette_other_seed_other_palette(small_china):
    a = quantize(small_china, 8, random_state=5)
    b = quantize(small_china, 8, random_state=5)
    c = quantize(small_china, 8, random_state=6, sample_size=2_000)
    np.testing.assert_array_equal(a.palette, b.palette)
    assert not np.array_equal(a.palette, c.palette)


def test_k_above_the_distinct_colors_is_capped_and_lossless():
    rgb = np.zeros((10, 10, 3), np.uint8)
    rgb[:5] = [200, 10, 10]
    rgb[5:, :5] = [10, 200, 10]
    result = quantize(rgb, 64)
    assert result.n_colors == 3 and result.capped and result.n_requested == 64
    assert result.notes[0] == "This image has only 3 distinct colours, so K is capped at 3."
    assert mse(rgb, result) == 0 and psnr(0.0) == math.inf
    assert sorted(result.counts.tolist()) == [25, 25, 50]
    exactly = quantize(rgb, 3)
    assert not exactly.capped and mse(rgb, exactly) == 0


def test_single_color_image_gives_a_one_color_palette():
    result = quantize(np.full((4, 4, 3), 7, np.uint8), 2)
    assert result.n_colors == 1 and result.counts.tolist() == [16]
    assert result.notes[0] == "This image has only 1 distinct colour, so K is capped at 1."


def test_sample_with_fewer_distinct_colors_than_k_is_completed():
    # 300 colours, one of them covering almost every pixel: a 50-pixel sample sees few.
    rgb = np.zeros((100, 100, 3), np.uint8)
    rare = unpack(np.arange(1, 300, dtype=np.uint32) * 40_000)
    rgb.reshape(-1, 3)[:299] = rare
    result = quantize(rgb, 32, sample_size=50, random_state=0)
    assert result.n_colors == 32
    assert np.unique(result.palette, axis=0).shape[0] == 32


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_colors": 1}, "n_colors=1 must be an integer from 2 to 256"),
        ({"n_colors": 257}, "n_colors=257"),
        ({"space": "hsv"}, "space='hsv'"),
        ({"method": "octree"}, "method='octree'"),
        ({"sample_size": 0}, "sample_size=0"),
        ({"mask": np.zeros((3, 3), bool)}, "Every pixel is fully transparent"),
        ({"mask": np.ones((2, 2), bool)}, "mask shape"),
    ],
)
def test_bad_arguments_are_refused(kwargs, message):
    args = {"n_colors": 4, **kwargs}
    with pytest.raises(ValueError, match=message):
        quantize(np.zeros((3, 3, 3), np.uint8), **args)
    with pytest.raises(ValueError, match="uint8"):
        quantize(np.zeros((3, 3, 3)), 4)


def test_error_falls_as_k_grows(china):
    errors = [mse(china, quantize(china, k, random_state=0)) for k in (2, 4, 16, 64)]
    assert all(a > b for a, b in zip(errors, errors[1:], strict=False))
    assert psnr(errors[-1]) > 30  # 64 colours look nearly like the photo


def test_kmeans_beats_the_baselines(china):
    scores = {m: mse(china, quantize(china, 16, method=m, random_state=0))
              for m in ("kmeans", "random", "mediancut")}
    assert scores["kmeans"] < scores["mediancut"] < scores["random"]


def test_median_cut_is_pillows(small_china):
    result = quantize(small_china, 8, method="mediancut")
    direct = Image.fromarray(small_china).quantize(8, method=Image.Quantize.MEDIANCUT,
                                                   dither=Image.Dither.NONE)
    np.testing.assert_array_equal(result.image(), np.asarray(direct.convert("RGB")))
    assert result.n_colors <= 8 and result.space == "rgb"
    assert result.counts.sum() == small_china.shape[0] * small_china.shape[1]


def test_median_cut_with_a_mask_ignores_hidden_pixels():
    rgb = np.zeros((10, 10, 3), np.uint8)
    rgb[:, :5] = np.arange(5)[None, :, None] * 50
    rgb[:, 5:] = [255, 0, 255]  # hidden, and must not take a palette slot
    mask = np.zeros((10, 10), bool)
    mask[:, :5] = True
    result = quantize(rgb, 2, method="mediancut", mask=mask)
    assert [255, 0, 255] not in result.palette.tolist()
    assert result.counts.sum() == 50


def test_random_codebook_draws_colors_of_the_image(small_china):
    result = quantize(small_china, 10, method="random", random_state=0)
    present = set(pack(small_china.reshape(-1, 3)).tolist())
    assert set(pack(result.palette).tolist()) <= present
    assert result.n_iter == 0 and result.n_colors == 10


def test_lab_palette_differs_from_rgb_and_is_valid(small_china):
    lab = quantize(small_china, 8, space="lab", random_state=0)
    rgb = quantize(small_china, 8, space="rgb", random_state=0)
    assert lab.space == "lab" and not np.array_equal(lab.palette, rgb.palette)
    np.testing.assert_array_equal(lab.palette, from_space(lab.centers, "lab"))


def test_large_image_uses_the_lookup_table_path(china):
    big = np.tile(china, (2, 1, 1))  # 546k pixels: above the lookup-table threshold
    assert big.shape[0] * big.shape[1] >= qmod._LUT_MIN
    result = quantize(big, 8, random_state=0, sample_size=5_000)
    top = quantize(china, 8, random_state=0, sample_size=5_000)
    assert result.labels.shape == big.shape[:2]
    assert mse(big, result) == pytest.approx(mse(china, top), rel=0.1)


def test_error_sweep_shapes_and_order(china):
    sweep = error_sweep(china, ks=(2, 8, 32), sample_size=2_000, eval_size=10_000)
    assert sweep.ks.tolist() == [2, 8, 32] and sweep.eval_size == 10_000
    assert set(sweep.errors) == {"kmeans", "random", "mediancut"}
    assert np.all(np.diff(sweep.errors["kmeans"]) < 0)


def test_error_sweep_caps_k_at_distinct_colors():
    rgb = np.zeros((8, 8, 3), np.uint8)
    rgb[:4] = 255
    rgb[4:, :2] = [0, 0, 255]
    sweep = error_sweep(rgb, ks=(2, 4, 8))
    assert sweep.ks.tolist() == [2, 3]
    assert sweep.errors["kmeans"][-1] == 0


def test_index_bits():
    assert [index_bits(k) for k in (1, 2, 3, 4, 16, 17, 256)] == [1, 1, 2, 2, 4, 5, 8]


def test_quantized_png_is_smaller_than_the_original(china):
    from clustering.image._imageio import png_bytes

    result = quantize(china, 16, random_state=0)
    small = png_bytes(palette=result.palette, labels=result.labels)
    assert len(small) < len(png_bytes(china)) / 2
    back = np.asarray(Image.open(io.BytesIO(small)).convert("RGB"))
    np.testing.assert_array_equal(back, result.image())


# --- properties on arbitrary small images ----------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    image=arrays(np.uint8, st.tuples(st.integers(1, 12), st.integers(1, 12), st.just(3)),
                 elements=st.sampled_from([0, 1, 127, 128, 254, 255])),
    k=st.integers(2, 40),
    method=st.sampled_from(["kmeans", "random", "mediancut"]),
    space=st.sampled_from(["rgb", "lab"]),
    seed=st.integers(0, 3),
)
def test_quantize_invariants(image, k, method, space, seed):
    result = quantize(image, k, method=method, space=space, random_state=seed, sample_size=50)
    n_distinct = np.unique(image.reshape(-1, 3), axis=0).shape[0]
    assert result.n_distinct == n_distinct
    assert 1 <= result.n_colors <= min(k, n_distinct)
    assert result.labels.shape == image.shape[:2]
    assert result.labels.max() < result.n_colors
    assert result.counts.sum() == image.shape[0] * image.shape[1]
    error = mse(image, result)
    assert error >= 0
    if n_distinct <= k:
        assert error == 0 and result.capped == (n_distinct < k)
    if method != "mediancut":  # Pillow assigns pixels its own way
        pts = to_space(image.reshape(-1, 3), result.space)
        d = ((pts[:, None, :] - result.centers[None]) ** 2).sum(-1)
        chosen = d[np.arange(len(d)), result.labels.ravel()]
        np.testing.assert_allclose(chosen, d.min(axis=1), atol=1e-9)
