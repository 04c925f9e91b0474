"""Objective curve, contingency heatmap and cluster-size bars."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clustering.figures import PRESENTATION_STYLE, contingency_heatmap, objective_figure

PHASES = ("init", "assign", "update", "assign", "update")
ITERATIONS = [0, 1, 1, 2, 2]
OBJECTIVE = [np.nan, 10.0, 8.0, 7.5, 7.0]


def by_name(fig, name):
    return next(t for t in fig.data if t.name == name)


def layout_font_sizes(fig):
    layout = fig.to_plotly_json()["layout"]
    layout.pop("template")
    stack, sizes = [layout], []
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, v in node.items():
                if key.endswith("font") and isinstance(v, dict) and "size" in v:
                    sizes.append(v["size"])
                stack.append(v)
        elif isinstance(node, list):
            stack.extend(node)
    return sizes


# --- objective ---------------------------------------------------------------------------


def test_objective_places_half_steps_and_skips_nan():
    fig = objective_figure(OBJECTIVE, PHASES, ITERATIONS)
    assign, update = by_name(fig, "after assign"), by_name(fig, "after update")
    assert list(assign.x) == [0.5, 1.5] and list(assign.y) == [10.0, 7.5]
    assert list(update.x) == [1.0, 2.0] and list(update.y) == [8.0, 7.0]
    assert assign.marker.symbol != update.marker.symbol
    assert len(fig.data[0].x) == 4  # the line leaves out the NaN init step


def test_objective_marks_the_current_step():
    fig = objective_figure(OBJECTIVE, PHASES, ITERATIONS, current_step=3)
    current = by_name(fig, "current step")
    assert list(current.x) == [1.5] and list(current.y) == [7.5]
    assert fig.layout.shapes[0].x0 == 1.5
    at_init = objective_figure(OBJECTIVE, PHASES, ITERATIONS, current_step=0)
    assert not any(t.name == "current step" for t in at_init.data)
    assert at_init.layout.shapes[0].x0 == 0


def test_objective_escapes_and_validates():
    fig = objective_figure(OBJECTIVE, PHASES, ITERATIONS, metric_label="<b>x</b>")
    assert fig.layout.yaxis.title.text == "&lt;b&gt;x&lt;/b&gt;"
    with pytest.raises(ValueError, match="current_step=9"):
        objective_figure(OBJECTIVE, PHASES, ITERATIONS, current_step=9)
    with pytest.raises(ValueError, match="one entry per step"):
        objective_figure(OBJECTIVE, PHASES[:2], ITERATIONS)


# --- contingency -------------------------------------------------------------------------


def test_contingency_counts_and_escaped_names():
    df = pd.DataFrame([[5, 0], [1, 4]], index=["<i>a</i>", "b"], columns=[0, 1])
    fig = contingency_heatmap(df, row_title="<u>species</u>")
    heat = fig.data[0]
    np.testing.assert_array_equal(np.asarray(heat.z), [[5, 0], [1, 4]])
    assert heat.texttemplate == "%{z:d}"
    assert list(fig.layout.yaxis.ticktext) == ["&lt;i&gt;a&lt;/i&gt;", "b"]
    assert list(fig.layout.xaxis.ticktext) == ["Cluster 0", "Cluster 1"]
    assert fig.layout.yaxis.title.text == "&lt;u&gt;species&lt;/u&gt;"
    assert "<i>" not in str(fig.to_plotly_json())


def test_contingency_names_that_shorten_alike_stay_apart():
    long = "x" * 200
    df = pd.DataFrame([[1, 2], [3, 4]], index=[long + "1", long + "2"], columns=[0, 1])
    fig = contingency_heatmap(df)
    assert list(fig.data[0].y) == [0, 1]  # placed by position, not by (equal) text
    assert fig.layout.yaxis.ticktext[0] == fig.layout.yaxis.ticktext[1]


def test_contingency_empty_says_why():
    fig = contingency_heatmap(pd.DataFrame())
    assert "no label column" in fig.layout.annotations[0].text


# --- sizes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda s: objective_figure(OBJECTIVE, PHASES, ITERATIONS, current_step=2, style=s),
        lambda s: contingency_heatmap(pd.DataFrame([[1, 2]], index=["a"]), style=s),
    ],
    ids=["objective", "contingency"],
)
def test_presentation_fonts_at_least_18(make):
    sizes = layout_font_sizes(make(PRESENTATION_STYLE))
    assert sizes and min(sizes) >= 18
