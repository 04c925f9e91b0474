"""Palette, styles and escaping shared by every figure."""

from __future__ import annotations

import dataclasses
import re

import pytest

from clustering.figures import DEFAULT_STYLE, PRESENTATION_STYLE
from clustering.figures._style import (
    CLUSTER_COLORS,
    NOISE_COLOR,
    OKABE_ITO,
    cluster_color,
    cluster_symbol,
    label_colorscale,
)
from clustering.text import cluster_name, escape_gl_text, escape_lines, escape_text


def test_palette_is_distinct_valid_and_not_gray():
    assert len(set(c.upper() for c in CLUSTER_COLORS)) == len(CLUSTER_COLORS) >= 16
    assert all(re.fullmatch(r"#[0-9A-Fa-f]{6}", c) for c in CLUSTER_COLORS)
    assert NOISE_COLOR not in CLUSTER_COLORS
    assert CLUSTER_COLORS[:8] == OKABE_ITO


def test_cluster_colors_cycle_and_symbols_change_per_round():
    n = len(CLUSTER_COLORS)
    assert cluster_color(-1) == NOISE_COLOR
    assert cluster_color(n) == cluster_color(0)
    assert cluster_symbol(n) != cluster_symbol(0)
    looks = {(cluster_color(j), cluster_symbol(j)) for j in range(3 * n)}
    assert len(looks) == 3 * n
    assert cluster_name(2) == "Cluster 2" and cluster_name(-1) == "unassigned"


def test_label_colorscale_is_well_formed():
    scale, cmin, cmax = label_colorscale(1)
    assert scale[0][0] == 0 and scale[-1][0] == 1
    assert [p for p, _ in scale] == sorted(p for p, _ in scale)
    assert (cmin, cmax) == (-1.5, 0.5)


def test_presentation_style_is_larger_everywhere():
    assert PRESENTATION_STYLE.font_size >= 18
    assert PRESENTATION_STYLE.title_size >= PRESENTATION_STYLE.font_size
    for field in ("font_size", "title_size", "marker_size", "centroid_size", "line_width"):
        assert getattr(PRESENTATION_STYLE, field) > getattr(DEFAULT_STYLE, field), field
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_STYLE.font_size = 30  # type: ignore[misc]


@pytest.mark.parametrize(
    "raw, shown",
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ('<a href="x">y</a>', "&lt;a href=&#34;x&#34;&gt;y&lt;/a&gt;"),
        ("<span style='color:red'>", "&lt;span style=&#39;color:red&#39;&gt;"),
        ("AT&T", "AT&amp;T"),
        ("line\nbreak", "line break"),
        (None, ""),
        (3.5, "3.5"),
        ("petal length (cm)", "petal length (cm)"),
    ],
    ids=["script", "link", "style", "ampersand", "newline", "none", "number", "plain"],
)
def test_escape_text(raw, shown):
    assert escape_text(raw) == shown


def test_escape_text_shortens_before_escaping():
    s = escape_text("<" * 100, max_length=10)
    assert s == "&lt;" * 9 + "\u2026"


def test_escape_gl_text_uses_look_alike_brackets():
    assert escape_gl_text("<b>x</b> & y\nz") == "\u2039b\u203ax\u2039/b\u203a & y z"
    assert escape_gl_text("abcdef", max_length=4) == "abc\u2026"
    assert escape_gl_text(None) == ""


def test_escape_lines_keeps_line_breaks_only_between_lines():
    assert escape_lines(["a: <b>", "c"]) == "a: &lt;b&gt;<br>c"
    assert escape_lines("a\n<i>") == "a<br>&lt;i&gt;"
    assert escape_lines(None) == ""
