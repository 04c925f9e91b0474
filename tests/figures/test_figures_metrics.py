"""The timeline's objective panel and cursor, and the contingency heatmap."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clustering.figures import (
    DEFAULT_STYLE,
    PRESENTATION_STYLE,
    contingency_heatmap,
    timeline_figure,
)
from clustering.figures._objective import objective_cursor, objective_panel
from tests.figures.test_figures import make_run

PHASES = ("init", "assign", "update", "assign", "update")
ITERATIONS = [0, 1, 1, 2, 2]
OBJECTIVE = [np.nan, 10.0, 8.0, 7.5, 7.0]


def by_name(traces, name):
    return next(t for t in traces if t["name"] == name)


def timeline(style=DEFAULT_STYLE, **kw):
    """A small run's timeline (the objective of make_run is OBJECTIVE)."""
    points, labels, centers, phases, iterations, objective, titles, ranges = make_run()
    return timeline_figure(points, labels, centers, phases, iterations, objective,
                           axis_titles=titles, ranges=ranges, style=style, **kw)


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


def test_objective_panel_counts_steps_and_skips_nan():
    traces, axes = objective_panel(OBJECTIVE, PHASES, ITERATIONS, metric_label="x",
                                   style=DEFAULT_STYLE)
    assign, update = by_name(traces, "after assign"), by_name(traces, "after update")
    # The x axis counts the timeline's steps (half-steps from 0), as the caption does.
    assert list(assign["x"]) == [1.0, 3.0] and list(assign["y"]) == [10.0, 7.5]
    assert list(update["x"]) == [2.0, 4.0] and list(update["y"]) == [8.0, 7.0]
    assert assign["marker"]["symbol"] != update["marker"]["symbol"]
    assert len(traces[0]["x"]) == 4  # the line leaves out the NaN init step
    assert axes["xaxis2"]["range"] == [-0.5, 4.5] and axes["xaxis2"]["autorange"] is False


def test_objective_cursor_marks_the_current_step():
    y_range = [6.0, 11.0]
    line, ring = objective_cursor(OBJECTIVE, 3, y_range, style=DEFAULT_STYLE)
    assert list(line["x"]) == [3, 3] and list(line["y"]) == y_range
    assert line["line"]["dash"] == "dash"
    assert list(ring["x"]) == [3] and list(ring["y"]) == [7.5] and ring["text"] == ["7.5"]
    # At init the objective is undefined: the line stays, the ring and its value go.
    line0, ring0 = objective_cursor(OBJECTIVE, 0, y_range, style=DEFAULT_STYLE)
    assert list(line0["x"]) == [0, 0]
    assert ring0["y"] == [None] and ring0["text"] == [""]
    # In the timeline, every frame carries the cursor of its own step.
    fig = timeline(start_step=3)
    at = fig.layout.meta["timeline"]["cursor"]
    assert list(fig.data[at[1]].y) == [7.5]
    for s, frame in enumerate(fig.frames):
        assert list(frame.data[list(frame.traces).index(at[0])].x) == [s, s]


def test_objective_escapes_and_validates():
    traces, axes = objective_panel(OBJECTIVE, PHASES, ITERATIONS, metric_label="<b>x</b>",
                                   style=DEFAULT_STYLE)
    assert axes["yaxis2"]["title"]["text"] == "&lt;b&gt;x&lt;/b&gt;"
    assert "&lt;b&gt;x&lt;/b&gt;: 10" in by_name(traces, "after assign")["text"][0]
    assert timeline(metric_label="<b>x</b>").layout.yaxis2.title.text == "&lt;b&gt;x&lt;/b&gt;"
    # A parenthesis goes on its own line: the panel is short on a 720p projector.
    assert timeline(metric_label="Objective (total <i>error)").layout.yaxis2.title.text == (
        "Objective<br>(total &lt;i&gt;error)")
    with pytest.raises(ValueError, match="start_step=9"):
        timeline(start_step=9)
    with pytest.raises(ValueError, match="one entry per step"):
        objective_panel(OBJECTIVE, PHASES[:2], ITERATIONS, metric_label="x",
                        style=DEFAULT_STYLE)


def test_objective_panel_presentation_sizes():
    big = objective_cursor(OBJECTIVE, 2, [0, 1], style=PRESENTATION_STYLE)[1]
    small = objective_cursor(OBJECTIVE, 2, [0, 1], style=DEFAULT_STYLE)[1]
    assert big["textfont"]["size"] >= 18  # the value beside the ring, read from the back
    assert big["marker"]["size"] > small["marker"]["size"]
    traces, _ = objective_panel(OBJECTIVE, PHASES, ITERATIONS, metric_label="x",
                                style=PRESENTATION_STYLE)
    plain, _ = objective_panel(OBJECTIVE, PHASES, ITERATIONS, metric_label="x",
                               style=DEFAULT_STYLE)
    assert traces[1]["marker"]["size"] > plain[1]["marker"]["size"]
    # The panel's title is a step under the body text (it shares the width with the
    # legend), and still larger on a projector than on a laptop.
    title = timeline(style=PRESENTATION_STYLE).layout.yaxis2.title.font.size
    assert title > timeline().layout.yaxis2.title.font.size


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
        lambda s: contingency_heatmap(pd.DataFrame([[1, 2]], index=["a"]), style=s),
    ],
    ids=["contingency"],
)
def test_presentation_fonts_at_least_18(make):
    sizes = layout_font_sizes(make(PRESENTATION_STYLE))
    assert sizes and min(sizes) >= 18


@pytest.mark.parametrize("style", [DEFAULT_STYLE, PRESENTATION_STYLE], ids=["default", "present"])
def test_contingency_heatmap_built_in_one_go_equals_the_step_by_step_build(style):
    """The heatmap is built from one layout dict (plotly's update calls were most of its
    time); it must be the figure the old calls built, property for property."""
    import json

    import plotly.graph_objects as go

    from clustering.figures._style import apply_style

    df = pd.DataFrame([[40, 2, 0], [1, 30, 9]], index=["setosa", "<b>x</b>"], columns=[0, 1, 2])
    fig = contingency_heatmap(df, style, row_title="species", title="Counts")
    old = go.Figure(go.Heatmap(
        z=df.to_numpy(dtype=float), x=[0, 1, 2], y=[0, 1], text=fig.data[0].text,
        hovertemplate="%{text}<extra></extra>", texttemplate="%{z:d}",
        textfont={"size": style.font_size}, colorscale="Blues", showscale=False, xgap=2, ygap=2,
    ), layout={"template": style.template})
    apply_style(old, style, "Counts")
    old.update_xaxes(title_text="Cluster", tickvals=[0, 1, 2], showgrid=False, side="bottom",
                     ticktext=["Cluster 0", "Cluster 1", "Cluster 2"])
    old.update_yaxes(title_text="species", tickvals=[0, 1], autorange="reversed",
                     showgrid=False, ticktext=["setosa", "&lt;b&gt;x&lt;/b&gt;"])
    old.update_layout(height=max(260, style.font_size * 3 * 2 + 160))
    # Validated as the browser reads it (named colour scale and template expanded).
    assert json.loads(go.Figure(fig.to_dict()).to_json()) == json.loads(old.to_json())
