"""Plotly figure builders: they take computed results and return a ``go.Figure``.

Nothing here computes clustering results (see ``clustering.regions`` for the Voronoi grid
and ``clustering.display`` for which rows to draw); every user-provided string goes through
:func:`~clustering.figures.style.escape_text`.
"""

from clustering.figures.animation import PLAY_ARGS, frame_name
from clustering.figures.metrics import cluster_sizes_figure, contingency_heatmap
from clustering.figures.objective import objective_figure
from clustering.figures.run import PHASE_TEXT, UPDATE_TEXT, run_figure
from clustering.figures.style import (
    CLUSTER_COLORS,
    DEFAULT_STYLE,
    NOISE_COLOR,
    PRESENTATION_STYLE,
    FigureStyle,
    cluster_color,
    cluster_name,
    cluster_symbol,
    escape_gl_text,
    escape_lines,
    escape_text,
)

__all__ = [
    "CLUSTER_COLORS",
    "DEFAULT_STYLE",
    "NOISE_COLOR",
    "PHASE_TEXT",
    "PLAY_ARGS",
    "PRESENTATION_STYLE",
    "UPDATE_TEXT",
    "FigureStyle",
    "cluster_color",
    "cluster_name",
    "cluster_sizes_figure",
    "cluster_symbol",
    "contingency_heatmap",
    "escape_gl_text",
    "escape_lines",
    "escape_text",
    "frame_name",
    "objective_figure",
    "run_figure",
]
