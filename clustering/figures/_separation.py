"""What sets a cluster apart: its features as a sorted bar chart of standardised differences.

The builder takes rows computed by :func:`clustering.evaluation.cluster_separation` (names and
effects) and only draws them; feature names come from the user's file and are escaped here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from clustering.figures._style import (
    DEFAULT_STYLE,
    MAX_LABEL_LENGTH,
    FigureStyle,
    cluster_color,
    cluster_name,
    escape_text,
    merge,
    new_figure,
    style_layout,
)

#: Bars drawn at most; the chart says how many more the table holds.
MAX_BARS = 15


def separation_figure(
    features: Sequence[str],
    effects: Sequence[float],
    kinds: Sequence[str],
    cluster: int,
    *,
    x_range: float | None = None,
    n_more: int = 0,
    style: FigureStyle = DEFAULT_STYLE,
) -> go.Figure:
    """Horizontal bars, strongest difference on top: how cluster ``cluster`` differs.

    Parameters
    ----------
    features : sequence of str, length m
        Display names (a column, or ``"column = level"``), raw (escaped here); already sorted
        strongest first, at most :data:`MAX_BARS` are drawn.
    effects : sequence of float, length m
        Standardised differences (sd units); positive = higher or more frequent in the cluster.
    kinds : sequence of {"numeric", "category"}, length m
        Category bars are hatched, so levels and numbers read apart.
    cluster : int
    x_range : float, optional
        Half-width of the x axis; pass the same value for every cluster so bars compare.
        Default: from these effects.
    n_more : int
        Rows left out of the chart (named in the title).
    style : FigureStyle

    Returns
    -------
    go.Figure
    """
    features, effects, kinds = list(features), np.asarray(effects, dtype=float), list(kinds)
    if not len(features) == len(effects) == len(kinds):
        raise ValueError(f"features, effects and kinds must have one length; got "
                         f"{len(features)}, {len(effects)}, {len(kinds)}")
    shown = min(len(features), MAX_BARS)
    n_more += len(features) - shown
    names = [escape_text(f, MAX_LABEL_LENGTH) for f in features[:shown]][::-1]
    values = effects[:shown][::-1]
    hatch = ["/" if k == "category" else "" for k in kinds[:shown]][::-1]
    limit = x_range if x_range else max(1.0, float(np.abs(values).max(initial=0.0)) * 1.1)
    color = cluster_color(cluster)
    title = f"What sets {cluster_name(cluster)} apart"
    if n_more:
        title += f" (strongest {shown}; {n_more} more in the table)"
    bars = {
        "type": "bar", "orientation": "h", "x": values, "y": names,
        "marker": {"color": color, "line": {"color": "#1A1A1A", "width": 1},
                   # Overlay: white hatching on the cluster's colour (plotly's default
                   # "replace" mode would paint the hatched bars white).
                   "pattern": {"shape": hatch, "fgcolor": "#FFFFFF", "fillmode": "overlay",
                               "size": 7, "solidity": 0.35}},
        "text": [f"{v:+.2f} sd" for v in values], "textposition": "outside",
        "cliponaxis": False,
        "hovertemplate": "%{y}: %{x:+.2f} sd<extra></extra>",
        "showlegend": False,
    }
    height = max(260, 60 + (style.font_size + 14) * max(shown, 1))
    layout = merge(style_layout(style, escape_text(title)), {
        "height": height,
        "bargap": 0.25,
        "xaxis": {"title": {"text": "difference from the other clusters (standard deviations)"},
                  "range": [-limit, limit], "zeroline": True, "zerolinecolor": "#595959",
                  "zerolinewidth": max(1.0, style.line_width / 2)},
        "yaxis": {"automargin": True, "showgrid": False},
        "margin": {"l": 10, "r": 40},
    })
    return new_figure(style, [bars], None, layout)
