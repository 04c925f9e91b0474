"""Figures of the Image page, checked by structure."""

from __future__ import annotations

import numpy as np
import pytest

from clustering.figures._image import (
    color_space_figure,
    error_curve_figure,
    hex_color,
    palette_figure,
)
from clustering.figures._style import PRESENTATION_STYLE
from tests.apptest_helpers import array


def test_hex_color():
    assert hex_color((255, 0, 16)) == "#ff0010"
    assert hex_color(np.array([0, 0, 0], np.uint8)) == "#000000"


def test_palette_figure_sorts_by_share_and_colors_each_bar():
    palette = np.array([[255, 255, 255], [255, 0, 0], [0, 0, 255]], np.uint8)
    fig = palette_figure(palette, np.array([0.2, 0.5, 0.3]))
    (bar,) = fig.data
    assert list(bar.marker.color) == ["#ff0000", "#0000ff", "#ffffff"]
    np.testing.assert_allclose(array(bar.y), [50, 30, 20])
    assert list(bar.customdata) == [1, 2, 0]
    assert "50.00% of pixels" in bar.hovertext[0]
    assert bar.marker.line.width > 0  # white swatches stay visible
    assert fig.layout.yaxis.title.text == "Share of pixels (%)"
    assert list(fig.layout.xaxis.ticktext) == ["#ff0000", "#0000ff", "#ffffff"]


def test_palette_figure_hides_tick_labels_for_many_colors():
    palette = np.random.default_rng(0).integers(0, 256, (256, 3)).astype(np.uint8)
    fig = palette_figure(palette, np.full(256, 1 / 256), PRESENTATION_STYLE)
    assert len(fig.data[0].x) == 256
    assert fig.layout.xaxis.showticklabels is False
    assert fig.layout.font.size == PRESENTATION_STYLE.font_size


def test_palette_figure_checks_shapes():
    with pytest.raises(ValueError, match="shares shape"):
        palette_figure(np.zeros((3, 3), np.uint8), np.ones(2))


def test_color_space_figure_has_pixels_and_centers():
    rng = np.random.default_rng(1)
    points = rng.uniform(0, 255, (500, 3))
    palette = rng.integers(0, 256, (6, 3)).astype(np.uint8)
    labels = rng.integers(0, 6, 500)
    fig = color_space_figure(points, palette[labels], palette.astype(float), palette,
                              ("Red", "Green", "Blue"), ranges=[(0, 255)] * 3)
    pixels, centers = fig.data
    assert pixels.type == "scatter3d" and len(pixels.x) == 500
    assert pixels.marker.color[0] == hex_color(palette[labels[0]])
    assert len(centers.x) == 6 and centers.marker.symbol == "diamond"
    assert fig.layout.scene.xaxis.title.text == "Red"
    assert list(fig.layout.scene.zaxis.range) == [0, 255]
    assert fig.layout.scene.aspectratio.x == fig.layout.scene.aspectratio.z == 1
    lab = color_space_figure(points, palette[labels], palette.astype(float), palette,
                              ("L*", "a*", "b*"), ranges=[(0, 100), (-90, 100), (-110, 100)])
    assert lab.layout.scene.aspectratio.x == pytest.approx(100 / 210)
    assert lab.layout.scene.aspectratio.z == 1


def test_error_curve_figure_one_line_per_method_and_the_chosen_k():
    ks = np.array([2, 4, 8])
    errors = {"kmeans": np.array([100.0, 50, 20]), "random": np.array([300.0, 90, 40])}
    fig = error_curve_figure(ks, errors, {"kmeans": "k-means", "random": "Random codebook"},
                             current_k=4)
    names = [t.name for t in fig.data]
    assert names == ["k-means", "Random codebook", "K = 4 (chosen)"]
    assert fig.layout.xaxis.type == "log" and list(fig.layout.xaxis.tickvals) == [2, 4, 8]
    assert list(fig.data[-1].x) == [4, 4]
    assert list(fig.layout.yaxis.ticktext) == ["10", "20", "50", "100", "200", "500"]
    assert error_curve_figure(ks, errors, {}).data[-1].name == "random"
